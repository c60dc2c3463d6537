/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DNS stub against varlink, same gnsd, same cached name, same run:
 * queries/s and p50/p99 latency of
 *   varlink  alt.gns.Resolve.ResolveHostname (what the NSS module sends),
 *            one kept connection per client: the baseline;
 *   udp      an A query to the stub ([dns-stub]), one socket per client;
 *   tcp      the same over one kept TCP connection per client;
 * for 1 and BENCH_CLIENTS clients, with the scheduler free ("unpinned")
 * and with gnsd and every client on one CPU ("pinned": what a loaded
 * machine looks like, and steadier on a shared one). "x varlink" is the
 * time per query relative to varlink in the same cell; the goal is <= 1.5.
 *
 *   bench-dns-stub [path/to/gnsd]      (default ./helper/gnsd)
 *   BENCH_SECONDS=1 BENCH_CLIENTS=4 BENCH_REPEAT=5 bench-dns-stub
 *
 * Every cell is measured BENCH_REPEAT times, the transports taking turns,
 * and the best run of each is printed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "gnsd-proc.h"

#define NAME "www.demo.gns.alt"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int send_all(int fd, const void *b, size_t n) {
  const char *p = b;
  while (n) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -EIO;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static int recv_all(int fd, void *b, size_t n) {
  char *p = b;
  while (n) {
    ssize_t r = recv(fd, p, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -EIO;
    p += r;
    n -= (size_t)r;
  }
  return 0;
}

/* ---- clients ---------------------------------------------------------------- */

enum transport { T_VARLINK, T_UDP, T_TCP, T_ECHO };
static const char *tnames[] = {"varlink", "udp", "tcp", "udp-echo"};
#define N_TRANSPORTS 4

struct target {
  char varlink[320];
  struct sockaddr_in stub, echo;
};

/* The floor of a UDP round trip on this machine: a thread that sends back
 * a stored answer for every datagram, doing nothing else. */
static void *echo_server(void *arg) {
  int fd = *(int *)arg;
  uint8_t b[1500], ans[64];
  size_t al = 0;
  for (;;) {
    struct sockaddr_storage peer;
    socklen_t pl = sizeof peer;
    ssize_t n = recvfrom(fd, b, sizeof b, 0, (struct sockaddr *)&peer, &pl);
    if (n < 0) {
      if (errno == EINTR) continue;
      return NULL;
    }
    if (n < 12) continue;
    if (!al) { /* the answer dns_ok() accepts: question + 192.0.2.1 */
      memcpy(ans, b, (size_t)n);
      static const uint8_t rr[] = {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1};
      memcpy(ans + n, rr, sizeof rr);
      ans[2] |= 0x80;
      ans[7] = 1;
      al = (size_t)n + sizeof rr;
    }
    ans[0] = b[0];
    ans[1] = b[1];
    sendto(fd, ans, al, 0, (struct sockaddr *)&peer, pl);
  }
}

static int unix_connect(const char *path) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    close(fd);
    return -errno;
  }
  return fd;
}

static size_t dns_query(uint8_t *q, uint16_t id) {
  static const uint8_t body[] = {0x01, 0x00, 0,   1,   0,   0,   0,   0,   0, 0,   3,
                                 'w',  'w',  'w', 4,   'd', 'e', 'm', 'o', 3, 'g', 'n',
                                 's',  3,    'a', 'l', 't', 0,   0,   1,   0, 1};
  q[0] = (uint8_t)(id >> 8);
  q[1] = (uint8_t)id;
  memcpy(q + 2, body, sizeof body);
  return 2 + sizeof body;
}

/* An answer to query id with 192.0.2.1 in it. */
static bool dns_ok(const uint8_t *r, size_t n, uint16_t id) {
  static const uint8_t addr[] = {0, 4, 192, 0, 2, 1};
  if (n < 12 || r[0] != (uint8_t)(id >> 8) || r[1] != (uint8_t)id || (r[3] & 0x0f)) return false;
  return memmem(r, n, addr, sizeof addr) != NULL;
}

struct worker {
  const struct target *t;
  enum transport tr;
  double seconds;
  int cpu; /* -1: not pinned */
  double *lat;
  size_t n, cap;
  int error;
  pthread_t th;
};

static void pin(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof set, &set);
}

static void *work(void *arg) {
  struct worker *w = arg;
  pin(w->cpu);
  static const char req[] = "{\"method\":\"alt.gns.Resolve.ResolveHostname\",\"parameters\":"
                            "{\"name\":\"" NAME "\",\"family\":2}}";
  int fd = -1;
  if (w->tr == T_VARLINK) {
    fd = unix_connect(w->t->varlink);
  } else {
    const struct sockaddr_in *to = w->tr == T_ECHO ? &w->t->echo : &w->t->stub;
    fd = socket(AF_INET, (w->tr == T_TCP ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (const struct sockaddr *)to, sizeof *to) < 0) {
      close(fd);
      fd = -1;
    }
  }
  if (fd < 0) {
    w->error = -EIO;
    return NULL;
  }
  struct timeval tv = {.tv_sec = 2};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  uint16_t id = (uint16_t)(uintptr_t)w;
  char vbuf[8192];
  size_t vlen = 0;
  double end = now_s() + w->seconds;
  for (;;) {
    double t0 = now_s();
    if (t0 >= end) break;
    bool good = false;
    if (w->tr == T_VARLINK) {
      if (send_all(fd, req, sizeof req) == 0) {
        for (;;) {
          char *z = memchr(vbuf, '\0', vlen);
          if (z) {
            good = strstr(vbuf, "[192,0,2,1]") != NULL;
            size_t m = (size_t)(z - vbuf) + 1;
            memmove(vbuf, vbuf + m, vlen - m);
            vlen -= m;
            break;
          }
          ssize_t r = recv(fd, vbuf + vlen, sizeof vbuf - vlen, 0);
          if (r <= 0) break;
          vlen += (size_t)r;
        }
      }
    } else {
      uint8_t q[2 + 64], r[2 + 1500];
      id++;
      size_t ql = dns_query(q + 2, id);
      if (w->tr != T_TCP) {
        ssize_t n;
        if (send(fd, q + 2, ql, 0) == (ssize_t)ql && (n = recv(fd, r, sizeof r, 0)) > 0)
          good = dns_ok(r, (size_t)n, id);
      } else {
        q[0] = 0;
        q[1] = (uint8_t)ql;
        if (send_all(fd, q, ql + 2) == 0 && recv_all(fd, r, 2) == 0) {
          size_t n = (size_t)r[0] << 8 | r[1];
          if (n <= sizeof r - 2 && recv_all(fd, r + 2, n) == 0) good = dns_ok(r + 2, n, id);
        }
      }
    }
    if (!good) {
      w->error = -EBADMSG;
      break;
    }
    double us = (now_s() - t0) * 1e6;
    if (w->n == w->cap) {
      w->cap = w->cap ? w->cap * 2 : 4096;
      w->lat = realloc(w->lat, w->cap * sizeof *w->lat);
      if (!w->lat) abort();
    }
    w->lat[w->n++] = us;
  }
  close(fd);
  return NULL;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

struct result {
  double ops, p50, p99;
};

static int measure(const struct target *t, enum transport tr, unsigned clients, int cpu,
                   double seconds, struct result *res) {
  struct worker w[64];
  memset(w, 0, sizeof w);
  double t0 = now_s();
  for (unsigned i = 0; i < clients; i++) {
    w[i] = (struct worker){.t = t, .tr = tr, .seconds = seconds, .cpu = cpu};
    pthread_create(&w[i].th, NULL, work, &w[i]);
  }
  size_t total = 0;
  int err = 0;
  for (unsigned i = 0; i < clients; i++) {
    pthread_join(w[i].th, NULL);
    if (w[i].error) err = w[i].error;
    total += w[i].n;
  }
  double elapsed = now_s() - t0;
  double *all = malloc((total + 1) * sizeof *all);
  size_t k = 0;
  for (unsigned i = 0; i < clients; i++) {
    if (w[i].n) memcpy(all + k, w[i].lat, w[i].n * sizeof *all);
    k += w[i].n;
    free(w[i].lat);
  }
  qsort(all, total, sizeof *all, cmp_double);
  res->ops = (double)total / elapsed;
  res->p50 = total ? all[total / 2] : 0;
  res->p99 = total ? all[(size_t)((double)total * 0.99)] : 0;
  free(all);
  return err ? err : total ? 0 : -EIO;
}

/* ---- gnsd ------------------------------------------------------------------ */

static int free_port(void) {
  for (int i = 0; i < 50; i++) {
    int u = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof a;
    int port = -1;
    if (bind(u, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(u, (struct sockaddr *)&a, &l) == 0 &&
        bind(s, (struct sockaddr *)&a, sizeof a) == 0)
      port = ntohs(a.sin_port);
    close(u);
    close(s);
    if (port > 0) return port;
  }
  return -1;
}

static int varlink_call(const char *sock, const char *msg) {
  int fd = unix_connect(sock);
  if (fd < 0) return fd;
  char buf[8192];
  size_t n = 0;
  int rc = send_all(fd, msg, strlen(msg) + 1);
  while (rc == 0 && !memchr(buf, '\0', n)) {
    ssize_t r = recv(fd, buf + n, sizeof buf - n - 1, 0);
    if (r <= 0) rc = -EIO;
    n += r > 0 ? (size_t)r : 0;
  }
  close(fd);
  if (rc == 0 && strstr(buf, "\"error\"")) {
    fprintf(stderr, "bench-dns-stub: %s\n", buf);
    rc = -EIO;
  }
  return rc;
}

int main(int argc, char **argv) {
  const char *bin = argc > 1 ? argv[1] : "./helper/gnsd";
  double seconds = getenv("BENCH_SECONDS") ? atof(getenv("BENCH_SECONDS")) : 1.0;
  unsigned clients = getenv("BENCH_CLIENTS") ? (unsigned)atoi(getenv("BENCH_CLIENTS")) : 4;
  int repeat = getenv("BENCH_REPEAT") ? atoi(getenv("BENCH_REPEAT")) : 5;
  if (repeat < 1 || repeat > 20) repeat = 5;
  if (clients < 1 || clients > 64) clients = 4;
  if (access(bin, X_OK) != 0) {
    fprintf(stderr, "bench-dns-stub: %s not found (build gnsd first)\n", bin);
    return 77;
  }
  signal(SIGPIPE, SIG_IGN);
  int port = free_port();
  char dir[256];
  snprintf(dir, sizeof dir, "%s/bench-dns-stub.XXXXXX",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (port < 0 || !mkdtemp(dir)) return 1;
  char conf[280], run[280], log[280];
  snprintf(conf, sizeof conf, "%s/gnsd.conf", dir);
  snprintf(run, sizeof run, "%s/run", dir);
  snprintf(log, sizeof log, "%s/gnsd.log", dir);
  FILE *f = fopen(conf, "w");
  if (!f) return 1;
  fprintf(f, "[dns-stub]\nlisten = 127.0.0.1:%d\nrate-limit = 0\n", port);
  fclose(f);
  pid_t pid = -1;
  int started = bench_gnsd_start(bin, dir, &pid);
  struct target t = {.stub = {.sin_family = AF_INET,
                              .sin_port = htons((uint16_t)port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)}};
  snprintf(t.varlink, sizeof t.varlink, "%s/alt.gns.Resolve", run);
  char zone[320];
  snprintf(zone, sizeof zone, "%s/alt.gns.Zone", run);
  int rc = 1;
  if (started < 0) {
    fprintf(stderr, "bench-dns-stub: cannot start gnsd: %s (see %s/gnsd.log)\n", strerror(-started),
            dir);
    goto out;
  }
  if (varlink_call(zone, "{\"method\":\"alt.gns.Zone.CreateZone\",\"parameters\":{\"name\":"
                         "\"demo\"}}") < 0 ||
      varlink_call(zone, "{\"method\":\"alt.gns.Zone.AddRecord\",\"parameters\":{\"zone\":"
                         "\"demo\",\"record\":{\"label\":\"www\",\"type\":\"A\",\"value\":"
                         "\"192.0.2.1\"}}}") < 0) {
    fprintf(stderr, "bench-dns-stub: zone setup failed (see %s)\n", log);
    goto out;
  }
  int efd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  t.echo = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t el = sizeof t.echo;
  pthread_t eth;
  if (efd < 0 || bind(efd, (struct sockaddr *)&t.echo, sizeof t.echo) < 0 ||
      getsockname(efd, (struct sockaddr *)&t.echo, &el) < 0 ||
      pthread_create(&eth, NULL, echo_server, &efd) != 0) {
    fprintf(stderr, "bench-dns-stub: cannot start the UDP echo floor\n");
    goto out;
  }
  printf("bench-dns-stub: cached A/ResolveHostname of " NAME " from one gnsd; best of %d runs "
         "of %.1f s per cell.\n  x varlink: queries/s of varlink / of this row, and p50 over "
         "varlink's p50, same cell (goal <= 1.5);\n  udp-echo: a thread answering every "
         "datagram with a stored answer, the floor of a UDP round trip here\n",
         repeat, seconds);
  printf("\n%-8s %7s %-8s | %10s %8s %8s | %10s %8s\n", "cpus", "clients", "via", "queries/s",
         "p50 us", "p99 us", "x varlink", "x p50");
  const unsigned cl[2] = {1, clients};
  double worst = 0, worst_p50 = 0;
  for (int pinned = 0; pinned < 2; pinned++) {
    int cpu = pinned ? sched_getcpu() : -1;
    if (pinned) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(cpu, &set);
      sched_setaffinity(pid, sizeof set, &set);
    } else {
      cpu_set_t all;
      sched_getaffinity(0, sizeof all, &all);
      sched_setaffinity(pid, sizeof all, &all);
    }
    for (int c = 0; c < 2; c++) {
      struct result best[N_TRANSPORTS] = {{0}};
      /* round robin: a burst of load on the shared machine hits every
       * transport of the cell, not one */
      for (int k = 0; k < repeat; k++)
        for (int tr = 0; tr < N_TRANSPORTS; tr++) {
          struct result r;
          /* warm: the first query fills the cache */
          if (measure(&t, (enum transport)tr, 1, cpu, 0.05, &r) < 0 ||
              measure(&t, (enum transport)tr, cl[c], cpu, seconds, &r) < 0) {
            fprintf(stderr, "bench-dns-stub: %s failed (see %s)\n", tnames[tr], log);
            goto out;
          }
          if (r.ops > best[tr].ops) best[tr] = r;
        }
      for (int tr = 0; tr < N_TRANSPORTS; tr++) {
        double x = best[0].ops / best[tr].ops, xp = best[tr].p50 / best[0].p50;
        if (tr != T_ECHO && x > worst) worst = x;
        if (tr != T_ECHO && xp > worst_p50) worst_p50 = xp;
        printf("%-8s %7u %-8s | %10.0f %8.1f %8.1f | %9.2fx %7.2fx\n",
               pinned ? "pinned" : "unpinned", cl[c], tnames[tr], best[tr].ops, best[tr].p50,
               best[tr].p99, x, xp);
      }
    }
  }
  printf("\nworst stub/varlink ratio: %.2fx by queries/s, %.2fx by p50 (goal <= 1.5)\n", worst,
         worst_p50);
  rc = 0;
out:
  if (pid > 0) {
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
  }
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "bench-dns-stub: could not remove %s\n", dir);
  return rc;
}
