/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nss-conn-cache MODULE: the connection libnss_gns.so.2 keeps between
 * lookups (nss/conn-cache.h), in the situations that make keeping one
 * dangerous: fork (also while another thread holds it), close_range and
 * closefrom, its memory of the last reply, dup2 of a pipe or a socket onto its number, gnsd
 * restarting or closing it, a reply that comes too late, a program that changes its flags, another
 * socket path, threads, dlclose.
 *
 * The module is dlopened and called as glibc calls it; GNSD_SOCKET points
 * it at a small server forked here, which answers every ResolveHostname
 * with 10.GEN.ID/256.ID%256: GEN counts server restarts, ID numbers the
 * server's connections, so each answer says which connection carried it.
 * Special first labels: "hangup" (close without a reply), "bye" (reply,
 * then close), "wait" (reply after 300 ms), "slow" (after 6 s).
 * No root, no gnsd. */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <nss.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#endif

typedef enum nss_status fn4_t(const char *, struct gaih_addrtuple **, char *, size_t, int *, int *,
                              int32_t *);
typedef enum nss_status fn3_t(const char *, int, struct hostent *, char *, size_t, int *, int *,
                              int32_t *, char **);
static fn4_t *fn4;
static fn3_t *fn3;
static char dir[64], path[128];
static pid_t server_pid;
static unsigned gen;

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- the server ---------------------------------------------------------- */

#define MAX_CONNS 64

struct sconn {
  int fd;
  unsigned id, requests;
  char buf[4096];
  size_t len;
  uint64_t due; /* a delayed reply is waiting until then; 0 = none */
  char reply[256];
  size_t rlen;
};

static void sconn_drop(struct sconn *c, int *n, int i) {
  close(c[i].fd);
  c[i] = c[--*n];
}

/* One request in c[i]: answer, delay or hang up. Returns false if the
 * connection went. */
static bool serve_one(struct sconn *c, int *n, int i, unsigned g, const char *req) {
  const char *name = strstr(req, "\"name\":\"");
  name = name ? name + 8 : "";
  unsigned id = c[i].id;
  /* "count": the answer changes with every request on the connection */
  if (strncmp(name, "count.", 6) == 0) id = ++c[i].requests;
  c[i].rlen =
      (size_t)snprintf(c[i].reply, sizeof c[i].reply,
                       "{\"parameters\":{\"addresses\":[{\"family\":2,\"address\":[10,%u,%u,"
                       "%u]}],\"name\":\"conn.gns.alt\"}}",
                       g, id >> 8, id & 255) +
      1;
  if (strncmp(name, "hangup.", 7) == 0) {
    sconn_drop(c, n, i);
    return false;
  }
  if (strncmp(name, "wait.", 5) == 0 || strncmp(name, "slow.", 5) == 0) {
    c[i].due = now_ms() + (name[0] == 'w' ? 300 : 6000);
    return true;
  }
  if (write(c[i].fd, c[i].reply, c[i].rlen) < 0) {
    sconn_drop(c, n, i);
    return false;
  }
  if (strncmp(name, "bye.", 4) == 0) {
    sconn_drop(c, n, i);
    return false;
  }
  return true;
}

static _Noreturn void server_main(int lfd, unsigned g) {
  static struct sconn c[MAX_CONNS];
  int n = 0;
  unsigned next_id = 1;
  for (;;) {
    struct pollfd p[MAX_CONNS + 1] = {{.fd = lfd, .events = POLLIN}};
    int timeout = -1;
    uint64_t now = now_ms();
    for (int i = 0; i < n; i++) {
      p[i + 1] = (struct pollfd){.fd = c[i].fd, .events = c[i].due ? 0 : POLLIN};
      if (c[i].due) {
        int left = c[i].due > now ? (int)(c[i].due - now) : 0;
        if (timeout < 0 || left < timeout) timeout = left;
      }
    }
    if (poll(p, (nfds_t)n + 1, timeout) < 0 && errno != EINTR) _exit(1);
    now = now_ms();
    /* delayed replies first (indexes move when a connection goes) */
    for (int i = 0; i < n; i++)
      if (c[i].due && c[i].due <= now) {
        c[i].due = 0;
        if (write(c[i].fd, c[i].reply, c[i].rlen) < 0) sconn_drop(c, &n, i--);
      }
    int had = n;
    for (int i = had - 1; i >= 0; i--) {
      if (!(p[i + 1].revents & (POLLIN | POLLHUP | POLLERR)) || c[i].fd != p[i + 1].fd) continue;
      ssize_t r = read(c[i].fd, c[i].buf + c[i].len, sizeof c[i].buf - c[i].len - 1);
      if (r <= 0) {
        sconn_drop(c, &n, i);
        continue;
      }
      c[i].len += (size_t)r;
      char *nul;
      while (i < n && (nul = memchr(c[i].buf, 0, c[i].len))) {
        size_t mlen = (size_t)(nul - c[i].buf) + 1;
        char req[4096];
        memcpy(req, c[i].buf, mlen);
        memmove(c[i].buf, c[i].buf + mlen, c[i].len - mlen);
        c[i].len -= mlen;
        if (!serve_one(c, &n, i, g, req)) break;
      }
    }
    if ((p[0].revents & POLLIN) && n < MAX_CONNS) {
      int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
      if (fd >= 0) c[n++] = (struct sconn){.fd = fd, .id = next_id++};
    }
  }
}

static void server_start_at(const char *where, unsigned g, pid_t *pid) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", where);
  unlink(where);
  int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 64) < 0) {
    perror("nss-conn-cache: server socket");
    exit(1);
  }
  *pid = fork();
  if (*pid < 0) exit(1);
  if (*pid == 0) {
    /* never outlive the test, whatever happens to it */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1) _exit(0);
    server_main(lfd, g);
  }
  close(lfd);
}

static void server_start(void) {
  server_start_at(path, ++gen, &server_pid);
}

static void server_stop_pid(pid_t *pid) {
  if (*pid <= 0) return;
  kill(*pid, SIGKILL);
  waitpid(*pid, NULL, 0);
  *pid = 0;
}

/* ---- the client ------------------------------------------------------------ */

struct answer {
  enum nss_status status;
  int err;
  unsigned gen, id;
};

static struct answer lookup(const char *name) {
  char buf[1024];
  struct gaih_addrtuple *pat = NULL;
  int err = 0, herr = 0;
  int32_t ttl = 0;
  struct answer a = {0};
  a.status = fn4(name, &pat, buf, sizeof buf, &err, &herr, &ttl);
  a.err = err;
  if (a.status == NSS_STATUS_SUCCESS && pat && pat->family == AF_INET) {
    const uint8_t *b = (const uint8_t *)pat->addr;
    a.gen = b[1];
    a.id = (unsigned)b[2] << 8 | b[3];
  }
  return a;
}

#define NAME "www.x.gns.alt"

static int open_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  int n = 0;
  if (!d) return -1;
  while (readdir(d))
    n++;
  closedir(d);
  return n - 3; /* ".", "..", the directory's own descriptor */
}

/* The descriptor of the kept connection: the socket connected to path. */
static int kept_fd(void) {
  for (int fd = 0; fd < 1024; fd++) {
    struct sockaddr_un peer;
    socklen_t len = sizeof peer;
    if (getpeername(fd, (struct sockaddr *)&peer, &len) == 0 && peer.sun_family == AF_UNIX &&
        strcmp(peer.sun_path, path) == 0)
      return fd;
  }
  return -1;
}

/* A pipe whose write end is descriptor k; *rd gets its read end
 * (non-blocking). */
static void pipe_onto(int k, int *rd) {
  int p[2];
  if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) abort();
  if (p[0] == k) {
    int moved = fcntl(p[0], F_DUPFD_CLOEXEC, k + 1);
    close(p[0]);
    p[0] = moved;
  }
  if (p[1] != k) {
    if (dup3(p[1], k, O_CLOEXEC) < 0) abort();
    close(p[1]);
  }
  *rd = p[0];
}

static bool pipe_empty(int rd) {
  char c;
  return read(rd, &c, 1) < 0 && errno == EAGAIN;
}

static bool same_file(int a, int b) {
  struct stat sa, sb;
  return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

/* ---- the cases ------------------------------------------------------------------ */

/* The first lookup, with stdin closed: the kept socket must not become
 * descriptor 0. Then every lookup reuses it. */
static void test_reuse(void) {
  int saved = dup(0);
  close(0);
  struct answer a = lookup(NAME);
  CHECK_INT(a.status, NSS_STATUS_SUCCESS);
  CHECK_INT(a.id, 1);
  CHECK(fcntl(0, F_GETFD) < 0 && errno == EBADF);
  dup2(saved, 0);
  close(saved);
  int k = kept_fd();
  CHECK(k > 2);
  CHECK(fcntl(k, F_GETFD) == FD_CLOEXEC);
  int fds = open_fds();
  for (int i = 0; i < 200; i++) {
    a = lookup(NAME);
    if (a.status != NSS_STATUS_SUCCESS || a.id != 1) {
      CHECK_INT(a.status, NSS_STATUS_SUCCESS);
      CHECK_INT(a.id, 1);
      break;
    }
  }
  CHECK_INT(open_fds(), fds);
  /* a name that is not ours touches nothing */
  a = lookup("www.example.com");
  CHECK_INT(a.status, NSS_STATUS_UNAVAIL);
  CHECK_INT(kept_fd(), k);
}

/* fork: the child never uses the parent's socket (it closes its copy and
 * connects on its own); the parent's connection is undisturbed. */
static void test_fork(void) {
  struct answer p = lookup(NAME);
  CHECK_INT(p.status, NSS_STATUS_SUCCESS);
  pid_t pid = fork();
  if (pid == 0) {
    int fds = open_fds();
    struct answer a = lookup(NAME), b = lookup(NAME);
    CHECK_INT(a.status, NSS_STATUS_SUCCESS);
    CHECK(a.id != p.id);
    CHECK_INT(b.id, a.id);
    CHECK_INT(open_fds(), fds); /* the inherited copy went, its own came */
    _exit(check_failures ? 1 : 0);
  }
  int st = -1;
  waitpid(pid, &st, 0);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  struct answer again = lookup(NAME);
  CHECK_INT(again.status, NSS_STATUS_SUCCESS);
  CHECK_INT(again.id, p.id);
}

static void *slow_lookup(void *arg) {
  *(struct answer *)arg = lookup("wait.x.gns.alt");
  return NULL;
}

/* fork while another thread holds the kept connection: the child's copy
 * of the lock stays taken, so the child uses fresh connections. */
static void test_fork_while_held(void) {
  struct answer p = lookup(NAME), t = {0};
  pthread_t th;
  pthread_create(&th, NULL, slow_lookup, &t);
  usleep(100000); /* the thread now waits for its reply, holding the lock */
  pid_t pid = fork();
  if (pid == 0) {
    int fds = open_fds();
    struct answer a = lookup(NAME), b = lookup(NAME);
    CHECK_INT(a.status, NSS_STATUS_SUCCESS);
    CHECK_INT(b.status, NSS_STATUS_SUCCESS);
    CHECK(a.id != p.id && b.id != p.id && a.id != b.id);
    CHECK_INT(open_fds(), fds);
    _exit(check_failures ? 1 : 0);
  }
  int st = -1;
  waitpid(pid, &st, 0);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  pthread_join(th, NULL);
  CHECK_INT(t.status, NSS_STATUS_SUCCESS);
  CHECK_INT(t.id, p.id);
}

/* The program closes every descriptor above stderr (close_range, then
 * closefrom with a pipe put on the old number): the module notices,
 * writes nothing to whatever has the number now, and connects again. */
static void test_close_all(void) {
  struct answer before = lookup(NAME);
  CHECK_INT(before.status, NSS_STATUS_SUCCESS);
  CHECK(close_range(3, ~0u, 0) == 0);
  struct answer a = lookup(NAME);
  CHECK_INT(a.status, NSS_STATUS_SUCCESS);
  CHECK(a.id != before.id);
  CHECK_INT(open_fds(), 4);

  int k = kept_fd(), rd;
  CHECK(k > 2);
  closefrom(3);
  pipe_onto(k, &rd);
  struct answer b = lookup(NAME);
  CHECK_INT(b.status, NSS_STATUS_SUCCESS);
  CHECK(b.id != a.id);
  CHECK(pipe_empty(rd));
  CHECK(fcntl(k, F_GETFD) >= 0); /* the module did not close the pipe */
  CHECK(kept_fd() != k);
  close(k);
  close(rd);
}

/* dup2 of one end of a socketpair onto the kept socket's number: the
 * worst case, a descriptor that send() would accept. */
static void test_dup2_socket(void) {
  struct answer a = lookup(NAME);
  CHECK_INT(a.status, NSS_STATUS_SUCCESS);
  int k = kept_fd(), sp[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == 0);
  CHECK(dup3(sp[0], k, O_CLOEXEC) == k);
  struct answer b = lookup(NAME);
  CHECK_INT(b.status, NSS_STATUS_SUCCESS);
  CHECK(b.id != a.id);
  char c;
  CHECK(recv(sp[1], &c, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN);
  CHECK(same_file(k, sp[0]));
  close(k);
  close(sp[0]);
  close(sp[1]);
}

/* dup2 of a pipe onto the live kept socket's number. */
static void test_dup2(void) {
  struct answer a = lookup(NAME);
  CHECK_INT(a.status, NSS_STATUS_SUCCESS);
  int k = kept_fd(), rd;
  pipe_onto(k, &rd);
  int wr = dup(k);
  struct answer b = lookup(NAME);
  CHECK_INT(b.status, NSS_STATUS_SUCCESS);
  CHECK(b.id != a.id);
  CHECK(pipe_empty(rd));
  CHECK(same_file(k, wr)); /* still our pipe at k */
  struct answer c = lookup(NAME);
  CHECK_INT(c.id, b.id);
  CHECK(pipe_empty(rd));
  close(k);
  close(wr);
  close(rd);
}

/* The module reuses its parse of a reply only for the same bytes asked
 * with the same family: an answer that changes is seen to change, and
 * the same bytes to an AF_INET6 question are still refused. */
static void test_same_reply(void) {
  for (unsigned i = 1; i <= 3; i++) {
    struct answer a = lookup("count.x.gns.alt");
    CHECK_INT(a.status, NSS_STATUS_SUCCESS);
    CHECK_INT(a.id, i);
  }
  struct answer a = lookup(NAME), b = lookup(NAME);
  CHECK_INT(b.id, a.id);
  char buf[1024];
  struct hostent he;
  int err = 0, herr = 0;
  CHECK_INT(fn3(NAME, AF_INET, &he, buf, sizeof buf, &err, &herr, NULL, NULL), NSS_STATUS_SUCCESS);
  CHECK_INT(fn3(NAME, AF_INET, &he, buf, sizeof buf, &err, &herr, NULL, NULL), NSS_STATUS_SUCCESS);
  /* the server answers an IPv4 address whatever the question */
  CHECK_INT(fn3(NAME, AF_INET6, &he, buf, sizeof buf, &err, &herr, NULL, NULL),
            NSS_STATUS_TRYAGAIN);
  CHECK_INT(err, EBADMSG);
  struct answer c = lookup(NAME);
  CHECK_INT(c.status, NSS_STATUS_SUCCESS);
}

/* gnsd restarts between lookups: the next lookup notices the dead
 * connection and succeeds on a fresh one; gnsd down is TRYAGAIN. */
static void test_restart(void) {
  struct answer a = lookup(NAME);
  CHECK_INT(a.status, NSS_STATUS_SUCCESS);
  int fds = open_fds();
  server_stop_pid(&server_pid);
  server_start();
  struct answer b = lookup(NAME);
  CHECK_INT(b.status, NSS_STATUS_SUCCESS);
  CHECK_INT(b.gen, gen);
  CHECK_INT(b.id, 1);
  CHECK_INT(open_fds(), fds);
  server_stop_pid(&server_pid);
  struct answer c = lookup(NAME);
  CHECK_INT(c.status, NSS_STATUS_TRYAGAIN);
  CHECK_INT(open_fds(), fds - 1); /* nothing kept while gnsd is away */
  server_start();
  struct answer d = lookup(NAME);
  CHECK_INT(d.status, NSS_STATUS_SUCCESS);
  CHECK_INT(d.gen, gen);
  CHECK_INT(open_fds(), fds);
}

/* gnsd closes the connection (as its idle sweep does), or hangs up on a
 * request: the first is retried on a fresh connection, the second is
 * TRYAGAIN, and a connection that failed is never used again. */
static void test_closed_by_gnsd(void) {
  struct answer a = lookup("bye.x.gns.alt");
  CHECK_INT(a.status, NSS_STATUS_SUCCESS);
  usleep(20000);
  struct answer b = lookup(NAME);
  CHECK_INT(b.status, NSS_STATUS_SUCCESS);
  CHECK(b.id != a.id);
  struct answer c = lookup("hangup.x.gns.alt");
  CHECK_INT(c.status, NSS_STATUS_TRYAGAIN);
  CHECK_INT(c.err, ECONNRESET);
  struct answer d = lookup(NAME);
  CHECK_INT(d.status, NSS_STATUS_SUCCESS);
  CHECK(d.id != b.id);
}

/* A reply that comes after the deadline must not answer the next lookup. */
static void test_late_reply(void) {
  struct answer a = lookup(NAME);
  uint64_t t0 = now_ms();
  struct answer b = lookup("slow.x.gns.alt");
  uint64_t took = now_ms() - t0;
  CHECK_INT(b.status, NSS_STATUS_TRYAGAIN);
  CHECK_INT(b.err, ETIMEDOUT);
  CHECK(took >= 4900 && took < 5900);
  usleep(1200000); /* the late reply is sent now */
  struct answer c = lookup(NAME);
  CHECK_INT(c.status, NSS_STATUS_SUCCESS);
  CHECK(c.id != a.id);
}

/* The program makes the kept socket non-blocking (a blanket fcntl over
 * its descriptors): the wait for a reply must still be a wait, not a
 * busy loop. */
static void test_flags_changed(void) {
  lookup(NAME);
  int k = kept_fd();
  fcntl(k, F_SETFL, fcntl(k, F_GETFL) | O_NONBLOCK);
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  uint64_t t0 = now_ms();
  struct answer a = lookup("wait.x.gns.alt");
  uint64_t took = now_ms() - t0;
  getrusage(RUSAGE_SELF, &r1);
  CHECK_INT(a.status, NSS_STATUS_SUCCESS);
  CHECK(took >= 250);
  long cpu_ms = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) * 1000 +
                (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) / 1000 +
                (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) * 1000 +
                (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1000;
  CHECK(cpu_ms < 40); /* a busy loop would burn its first 100 ms */
}

/* Another GNSD_SOCKET: the kept connection follows the path. */
static void test_other_path(void) {
  char path2[160];
  snprintf(path2, sizeof path2, "%s/other", dir);
  pid_t pid2;
  server_start_at(path2, 200, &pid2);
  struct answer a = lookup(NAME);
  int fds = open_fds();
  setenv("GNSD_SOCKET", path2, 1);
  struct answer b = lookup(NAME);
  CHECK_INT(b.status, NSS_STATUS_SUCCESS);
  CHECK_INT(b.gen, 200);
  CHECK_INT(open_fds(), fds);
  setenv("GNSD_SOCKET", path, 1);
  struct answer c = lookup(NAME);
  CHECK_INT(c.gen, gen);
  CHECK(c.id != a.id);
  CHECK_INT(open_fds(), fds);
  server_stop_pid(&pid2);
  unlink(path2);
}

static void *many(void *arg) {
  int *bad = arg;
  for (int i = 0; i < 300; i++)
    if (lookup(NAME).status != NSS_STATUS_SUCCESS) (*bad)++;
  return NULL;
}

/* 16 threads: every lookup works, at most the one kept descriptor. */
static void test_threads(void) {
  lookup(NAME);
  int fds = open_fds();
  pthread_t th[16];
  int bad[16] = {0};
  for (int i = 0; i < 16; i++)
    pthread_create(&th[i], NULL, many, &bad[i]);
  for (int i = 0; i < 16; i++) {
    pthread_join(th[i], NULL);
    CHECK_INT(bad[i], 0);
  }
  CHECK_INT(open_fds(), fds);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: nss-conn-cache MODULE\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  /* Without MADV_WIPEONFORK the module keeps nothing (every lookup has
   * a connection of its own): nothing here to test. */
  void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED || madvise(page, 4096, MADV_WIPEONFORK) < 0) {
    printf("SKIP: MADV_WIPEONFORK is not available here, so the module keeps no connection\n");
    return 77;
  }
  munmap(page, 4096);
  snprintf(dir, sizeof dir, "/tmp/nss-conn-cache.XXXXXX");
  if (!mkdtemp(dir)) return 1;
  snprintf(path, sizeof path, "%s/sock", dir);
  setenv("GNSD_SOCKET", path, 1);
  server_start();
  void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!h || !(fn4 = (fn4_t *)dlsym(h, "_nss_gns_gethostbyname4_r")) ||
      !(fn3 = (fn3_t *)dlsym(h, "_nss_gns_gethostbyname3_r"))) {
    fprintf(stderr, "nss-conn-cache: %s\n", dlerror());
    return 1;
  }
  int fds0 = open_fds();
  test_reuse();
  CHECK_INT(open_fds(), fds0 + 1); /* the one kept descriptor */
  test_same_reply();
  test_fork();
  test_fork_while_held();
  test_dup2();
  test_dup2_socket();
  test_restart();
  test_closed_by_gnsd();
  test_late_reply();
  test_flags_changed();
  test_other_path();
  test_threads();
  test_close_all(); /* last: it closes every descriptor above stderr */
  /* dlclose: the kept connection goes with the module */
  int fds = open_fds();
  CHECK(kept_fd() >= 0);
  dlclose(h);
  CHECK_INT(open_fds(), fds - 1);
  server_stop_pid(&server_pid);
  unlink(path);
  rmdir(dir);
  return check_done("nss-conn-cache");
}
