/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink/varlink-client.c against scripted servers in a child process:
 * framing (split, coalesced and large messages), limits, every failure
 * the NSS module maps to TRYAGAIN, deadlines, EINTR and SIGPIPE. */
#include "config.h"

#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "varlink-client.h"

static char dir[] = "/tmp/test-varlink-XXXXXX";
static char path[200];

static int listen_at(const char *p, int backlog) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(p) >= sizeof sa.sun_path) exit(99);
  memcpy(sa.sun_path, p, strlen(p) + 1);
  unlink(p);
  if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, backlog) < 0) {
    perror("listen_at");
    exit(99);
  }
  return fd;
}

static void msleep(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
  }
}

static void write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n) {
    ssize_t w = write(fd, c, n);
    if (w <= 0) _exit(98);
    c += w;
    n -= (size_t)w;
  }
}

/* Reads one NUL-terminated message into buf (child side). */
static size_t read_msg(int fd, char *buf, size_t cap) {
  size_t n = 0;
  while (n < cap) {
    ssize_t r = read(fd, buf + n, 1);
    if (r <= 0) return n;
    if (buf[n++] == 0) return n;
  }
  return n;
}

enum scenario {
  S_SPLIT,    /* reply in 1-byte pieces with pauses */
  S_TWO,      /* two replies in one write */
  S_BIG,      /* one 200 KiB reply */
  S_OVERSIZE, /* a reply without NUL longer than the limit */
  S_EOF,      /* half a reply, then close */
  S_SILENT,   /* accept, never reply */
  S_SLOW,     /* reply after 150 ms */
  S_CLOSE,    /* close at once */
  S_CALL,     /* check the request, answer a method call */
};

static const char reply1[] = "{\"parameters\":{\"n\":1}}";
static const char reply2[] = "{\"error\":\"x.y.Z\",\"parameters\":{}}";

static pid_t serve(int lfd, enum scenario s) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  int c = accept(lfd, NULL, NULL);
  if (c < 0) _exit(97);
  char in[1024];
  size_t inlen;
  switch (s) {
  case S_SPLIT:
    read_msg(c, in, sizeof in);
    for (size_t i = 0; i < sizeof reply1; i++) {
      write_all(c, reply1 + i, 1);
      if (i % 5 == 0) msleep(2);
    }
    break;
  case S_TWO: {
    char both[sizeof reply1 + sizeof reply2];
    memcpy(both, reply1, sizeof reply1);
    memcpy(both + sizeof reply1, reply2, sizeof reply2);
    read_msg(c, in, sizeof in);
    write_all(c, both, sizeof both);
    break;
  }
  case S_BIG: {
    size_t n = 200 * 1024;
    char *b = malloc(n + 1);
    memset(b, 'x', n);
    b[n] = 0;
    read_msg(c, in, sizeof in);
    write_all(c, b, n + 1);
    free(b);
    break;
  }
  case S_OVERSIZE: {
    char b[5000];
    memset(b, 'x', sizeof b);
    read_msg(c, in, sizeof in);
    write_all(c, b, sizeof b);
    msleep(500);
    break;
  }
  case S_EOF:
    read_msg(c, in, sizeof in);
    write_all(c, reply1, 5);
    break;
  case S_SILENT:
    read_msg(c, in, sizeof in);
    msleep(1500);
    break;
  case S_SLOW:
    read_msg(c, in, sizeof in);
    msleep(150);
    write_all(c, reply1, sizeof reply1);
    break;
  case S_CLOSE:
    break;
  case S_CALL:
    inlen = read_msg(c, in, sizeof in);
    /* Exactly the request and its NUL. */
    if (inlen > 0 && in[inlen - 1] == 0 &&
        strcmp(in, "{\"method\":\"x.y.Get\",\"parameters\":{\"k\":\"v\"}}") == 0)
      write_all(c, reply1, sizeof reply1);
    else
      write_all(c, "{\"error\":\"bad.request\"}", 24);
    inlen = read_msg(c, in, sizeof in);
    if (inlen > 0 && strcmp(in, "{\"method\":\"x.y.Fail\"}") == 0)
      write_all(c, reply2, sizeof reply2);
    inlen = read_msg(c, in, sizeof in);
    if (inlen > 0) write_all(c, "[1]", 4);
    break;
  }
  close(c);
  _exit(0);
}

static void reap(pid_t pid) {
  int st;
  waitpid(pid, &st, 0);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static uint64_t in_ms(int ms) {
  return gns_varlink_now() + (uint64_t)ms * 1000u;
}

static const char req[] = "{\"method\":\"x\"}";

static void test_framing(void) {
  int lfd = listen_at(path, 8);
  struct gns_varlink *v;
  const char *m;
  size_t len;

  pid_t pid = serve(lfd, S_SPLIT);
  CHECK_INT(gns_varlink_connect(path, 1024, in_ms(2000), &v), 0);
  CHECK_INT(gns_varlink_send(v, req, strlen(req), in_ms(2000)), 0);
  CHECK_INT(gns_varlink_recv(v, in_ms(2000), &m, &len), 0);
  CHECK_STR(m, reply1);
  CHECK_INT(len, strlen(reply1));
  CHECK_INT(gns_varlink_recv(v, in_ms(2000), &m, &len), -ECONNRESET);
  gns_varlink_free(v);
  reap(pid);

  pid = serve(lfd, S_TWO);
  CHECK_INT(gns_varlink_connect(path, 1024, in_ms(2000), &v), 0);
  CHECK_INT(gns_varlink_send(v, req, strlen(req), in_ms(2000)), 0);
  CHECK_INT(gns_varlink_recv(v, in_ms(2000), &m, &len), 0);
  CHECK_STR(m, reply1);
  CHECK_INT(gns_varlink_recv(v, in_ms(2000), &m, &len), 0);
  CHECK_STR(m, reply2);
  CHECK_INT(len, strlen(reply2));
  gns_varlink_free(v);
  reap(pid);

  pid = serve(lfd, S_BIG);
  CHECK_INT(gns_varlink_connect(path, 200 * 1024, in_ms(2000), &v), 0);
  CHECK_INT(gns_varlink_send(v, req, strlen(req), in_ms(2000)), 0);
  CHECK_INT(gns_varlink_recv(v, in_ms(2000), &m, &len), 0);
  CHECK_INT(len, 200 * 1024);
  CHECK(len == 200 * 1024 && m[0] == 'x' && m[len - 1] == 'x' && m[len] == 0);
  gns_varlink_free(v);
  reap(pid);

  /* One byte less of limit than the message: refused. */
  pid = serve(lfd, S_BIG);
  CHECK_INT(gns_varlink_connect(path, 200 * 1024 - 1, in_ms(2000), &v), 0);
  CHECK_INT(gns_varlink_send(v, req, strlen(req), in_ms(2000)), 0);
  CHECK_INT(gns_varlink_recv(v, in_ms(2000), &m, &len), -EMSGSIZE);
  gns_varlink_free(v);
  reap(pid);

  pid = serve(lfd, S_OVERSIZE);
  CHECK_INT(gns_varlink_connect(path, 4096, in_ms(2000), &v), 0);
  CHECK_INT(gns_varlink_send(v, req, strlen(req), in_ms(2000)), 0);
  CHECK_INT(gns_varlink_recv(v, in_ms(2000), &m, &len), -EMSGSIZE);
  gns_varlink_free(v);
  reap(pid);

  pid = serve(lfd, S_EOF);
  CHECK_INT(gns_varlink_connect(path, 4096, in_ms(2000), &v), 0);
  CHECK_INT(gns_varlink_send(v, req, strlen(req), in_ms(2000)), 0);
  CHECK_INT(gns_varlink_recv(v, in_ms(2000), &m, &len), -ECONNRESET);
  gns_varlink_free(v);
  reap(pid);
  close(lfd);
}

static void test_deadline(void) {
  int lfd = listen_at(path, 8);
  struct gns_varlink *v;
  const char *m;
  size_t len;

  pid_t pid = serve(lfd, S_SILENT);
  CHECK_INT(gns_varlink_connect(path, 4096, in_ms(2000), &v), 0);
  CHECK_INT(gns_varlink_send(v, req, strlen(req), in_ms(2000)), 0);
  uint64_t t0 = gns_varlink_now();
  CHECK_INT(gns_varlink_recv(v, t0 + 200000, &m, &len), -ETIMEDOUT);
  uint64_t took = gns_varlink_now() - t0;
  CHECK(took >= 200000 && took < 400000);
  /* A deadline already past fails at once, without waiting. */
  t0 = gns_varlink_now();
  CHECK_INT(gns_varlink_recv(v, t0 - 1, &m, &len), -ETIMEDOUT);
  CHECK(gns_varlink_now() - t0 < 50000);
  gns_varlink_free(v);
  reap(pid);
  close(lfd);
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig) {
  (void)sig;
  alarms++;
}

/* A signal every millisecond while the client waits: every poll() is cut
 * short with EINTR, and the client must still wait out the reply. */
static void test_eintr(void) {
  int lfd = listen_at(path, 8);
  struct gns_varlink *v;
  const char *m;
  size_t len;
  struct sigaction sa = {.sa_handler = on_alarm}; /* no SA_RESTART */
  struct itimerval it = {{0, 1000}, {0, 1000}}, off = {{0, 0}, {0, 0}};
  /* ITIMER_REAL is the watchdog's timer too (check.h) */
  unsigned watchdog = check_watchdog_pause();

  sigaction(SIGALRM, &sa, NULL);
  pid_t pid = serve(lfd, S_SLOW);
  CHECK_INT(gns_varlink_connect(path, 4096, in_ms(2000), &v), 0);
  CHECK_INT(gns_varlink_send(v, req, strlen(req), in_ms(2000)), 0);
  setitimer(ITIMER_REAL, &it, NULL);
  CHECK_INT(gns_varlink_recv(v, in_ms(2000), &m, &len), 0);
  setitimer(ITIMER_REAL, &off, NULL);
  CHECK_STR(m, reply1);
  CHECK(alarms > 10);
  gns_varlink_free(v);
  reap(pid);

  /* And the deadline still holds under the same storm. */
  alarms = 0;
  pid = serve(lfd, S_SILENT);
  CHECK_INT(gns_varlink_connect(path, 4096, in_ms(2000), &v), 0);
  CHECK_INT(gns_varlink_send(v, req, strlen(req), in_ms(2000)), 0);
  setitimer(ITIMER_REAL, &it, NULL);
  uint64_t t0 = gns_varlink_now();
  CHECK_INT(gns_varlink_recv(v, t0 + 100000, &m, &len), -ETIMEDOUT);
  uint64_t took = gns_varlink_now() - t0;
  setitimer(ITIMER_REAL, &off, NULL);
  CHECK(took >= 100000 && took < 300000);
  CHECK(alarms > 10);
  gns_varlink_free(v);
  reap(pid);
  if (watchdog)
    check_watchdog_resume(watchdog);
  else
    signal(SIGALRM, SIG_DFL);
  close(lfd);
}

static void test_connect_failures(void) {
  struct gns_varlink *v = (struct gns_varlink *)1;
  char p[300];

  snprintf(p, sizeof p, "%s/missing", dir);
  CHECK_INT(gns_varlink_connect(p, 4096, in_ms(1000), &v), -ENOENT);
  CHECK(v == NULL);

  /* A socket file nobody listens on any more. */
  int lfd = listen_at(path, 8);
  close(lfd);
  CHECK_INT(gns_varlink_connect(path, 4096, in_ms(1000), &v), -ECONNREFUSED);

  memset(p, 'a', sizeof p);
  p[0] = '/';
  p[sizeof(((struct sockaddr_un *)0)->sun_path)] = 0;
  CHECK_INT(gns_varlink_connect(p, 4096, in_ms(1000), &v), -ENAMETOOLONG);
  CHECK_INT(gns_varlink_connect("", 4096, in_ms(1000), &v), -EINVAL);

  /* A regular file is not a socket. */
  snprintf(p, sizeof p, "%s/file", dir);
  FILE *f = fopen(p, "w");
  fclose(f);
  CHECK_INT(gns_varlink_connect(p, 4096, in_ms(1000), &v), -ECONNREFUSED);
  unlink(p);
}

/* The peer is gone: the write must fail with EPIPE, not kill us with
 * SIGPIPE (whose default action would end this test). */
static void test_sigpipe(void) {
  int lfd = listen_at(path, 8);
  struct gns_varlink *v;
  pid_t pid = serve(lfd, S_CLOSE);
  CHECK_INT(gns_varlink_connect(path, 4096, in_ms(2000), &v), 0);
  reap(pid);
  size_t n = 1 << 20;
  char *big = malloc(n);
  memset(big, 'y', n);
  int r = 0;
  for (int i = 0; i < 4 && r == 0; i++)
    r = gns_varlink_send(v, big, n, in_ms(2000));
  CHECK(r == -EPIPE || r == -ECONNRESET);
  free(big);
  gns_varlink_free(v);
  close(lfd);
}

static void test_call(void) {
  int lfd = listen_at(path, 8);
  struct gns_varlink *v;
  json_object *reply, *params = json_object_new_object();
  json_object_object_add(params, "k", json_object_new_string("v"));

  pid_t pid = serve(lfd, S_CALL);
  CHECK_INT(gns_varlink_connect(path, 4096, in_ms(2000), &v), 0);
  CHECK_INT(gns_varlink_call(v, "x.y.Get", params, in_ms(2000), &reply), 0);
  CHECK(gns_varlink_reply_error(reply) == NULL);
  json_object *p, *n;
  CHECK(json_object_object_get_ex(reply, "parameters", &p) &&
        json_object_object_get_ex(p, "n", &n) && json_object_get_int(n) == 1);
  json_object_put(reply);
  /* The caller's params keep their reference. */
  CHECK_INT(json_object_put(params), 1);

  CHECK_INT(gns_varlink_call(v, "x.y.Fail", NULL, in_ms(2000), &reply), 0);
  CHECK_STR(gns_varlink_reply_error(reply), "x.y.Z");
  json_object_put(reply);

  /* A reply that is JSON but not an object. */
  CHECK_INT(gns_varlink_call(v, "x.y.Odd", NULL, in_ms(2000), &reply), -EBADMSG);
  CHECK(reply == NULL);
  gns_varlink_free(v);
  reap(pid);
  close(lfd);
}

int main(void) {
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 99;
  }
  snprintf(path, sizeof path, "%s/sock", dir);
  test_framing();
  test_deadline();
  test_eintr();
  test_connect_failures();
  test_sigpipe();
  test_call();
  unlink(path);
  rmdir(dir);
  return check_done("test-varlink-client");
}
