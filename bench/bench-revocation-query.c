/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a revocation check costs an uncached lookup (helper/trust.c):
 *   floor       a 44-byte request and an 8-byte answer over a unix
 *               socketpair to a thread that answers at once (the IPC
 *               alone, no service);
 *   peer        one QUERY to a real gnunet-service-revocation through
 *               gnsd's client (helper/revocation-gnunet.c), answered;
 *   remembered  gnsd_trust_check when the peer's "valid" is remembered
 *               (a store lookup and a hash table), no I/O to the peer.
 * Prints p50 and p99 in microseconds (measured in ns) and the ratio of each p50 to the
 * floor's. Usage: bench-revocation-query --socket PATH [-n N]. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <time.h>

#include "clock-us.h"
#include "revocation-gnunet.h"
#include "store.h"
#include "trust.h"

/* gnsd hands the modules its loop's clock; the real clock does here. */
static uint64_t wall_clock(void *userdata) {
  (void)userdata;
  return real_us();
}

static uint64_t ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static void stats(uint64_t *v, size_t n, uint64_t *p50, uint64_t *p99) {
  qsort(v, n, sizeof *v, cmp_u64);
  *p50 = v[n / 2];
  *p99 = v[n * 99 / 100];
}

static void *echo(void *arg) {
  int fd = *(int *)arg;
  uint8_t b[44], a[8] = {0, 8, 2, 0x7d, 0, 0, 0, 1};
  for (;;) {
    size_t got = 0;
    while (got < sizeof b) {
      ssize_t r = read(fd, b + got, sizeof b - got);
      if (r <= 0) return NULL;
      got += (size_t)r;
    }
    if (write(fd, a, sizeof a) != (ssize_t)sizeof a) return NULL;
  }
}

static int answered;
static void on_answer(void *ud, int error, bool revoked) {
  (void)revoked;
  *(int *)ud = error;
  answered = 1;
}

static void on_trust(void *ud, enum gnsd_trust_verdict v, uint64_t until) {
  (void)until;
  *(int *)ud = (int)v;
  answered = 1;
}

int main(int argc, char **argv) {
  const char *sock = NULL;
  size_t n = 2000;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--socket") && i + 1 < argc)
      sock = argv[++i];
    else if (!strcmp(argv[i], "-n") && i + 1 < argc)
      n = strtoul(argv[++i], NULL, 10);
    else {
      fprintf(stderr, "usage: bench-revocation-query --socket PATH [-n N]\n");
      return 2;
    }
  }
  if (!sock || n < 100) {
    fprintf(stderr, "usage: bench-revocation-query --socket PATH [-n N >= 100]\n");
    return 2;
  }
  uint64_t *t = calloc(n, sizeof *t), p50[3], p99[3];
  if (!t) return 1;

  /* floor */
  int sp[2];
  pthread_t th;
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0 ||
      pthread_create(&th, NULL, echo, &sp[1]) != 0)
    return 1;
  uint8_t q[44] = {0, 44, 2, 0x7c}, a[8];
  for (size_t i = 0; i < n; i++) {
    uint64_t t0 = ns();
    if (write(sp[0], q, sizeof q) != (ssize_t)sizeof q) return 1;
    size_t got = 0;
    while (got < sizeof a) {
      ssize_t r = read(sp[0], a + got, sizeof a - got);
      if (r <= 0) return 1;
      got += (size_t)r;
    }
    t[i] = ns() - t0;
  }
  close(sp[0]);
  pthread_join(th, NULL);
  close(sp[1]);
  stats(t, n, &p50[0], &p99[0]);

  /* peer */
  sd_event *ev;
  struct gnsd_revnet *rn;
  if (sd_event_new(&ev) < 0 || gnsd_revnet_new(ev, sock, wall_clock, NULL, &rn) < 0) return 1;
  struct gns_zone_priv priv;
  struct gns_zone_key zk;
  if (gns_zone_priv_generate(GNS_ZTYPE_EDKEY, &priv) < 0 || gns_zone_priv_public(&priv, &zk) < 0)
    return 1;
  for (size_t i = 0; i < n; i++) {
    struct gnsd_revnet_query *h;
    int err = 1;
    answered = 0;
    uint64_t t0 = ns();
    if (gnsd_revnet_query(rn, &zk, on_answer, &err, &h) < 0) {
      fprintf(stderr, "bench-revocation-query: the service at %s is not reachable\n", sock);
      return 1;
    }
    while (!answered)
      sd_event_run(ev, UINT64_MAX);
    t[i] = ns() - t0;
    if (err) {
      fprintf(stderr, "bench-revocation-query: query failed: %s\n", strerror(-err));
      return 1;
    }
  }
  stats(t, n, &p50[1], &p99[1]);

  /* remembered: one answer from the peer, then the same zone again */
  char dir[] = "/tmp/bench-revq.XXXXXX";
  struct gnsd_store *st;
  struct gnsd_trust *tr;
  if (!mkdtemp(dir) || gnsd_store_open(dir, &st) < 0 ||
      gnsd_trust_new(st, wall_clock, NULL, &tr) < 0)
    return 1;
  gnsd_trust_set_network(tr, rn, GNSD_TRUST_VALID_TTL_MAX);
  struct gnsd_trust_check *h;
  uint64_t until;
  int v = -1;
  answered = 0;
  if (gnsd_trust_check(tr, &zk, real_us(), on_trust, &v, &h, &until) == GNSD_TRUST_PENDING)
    while (!answered)
      sd_event_run(ev, UINT64_MAX);
  for (size_t i = 0; i < n; i++) {
    uint64_t t0 = ns();
    enum gnsd_trust_verdict r = gnsd_trust_check(tr, &zk, real_us(), on_trust, &v, &h, &until);
    t[i] = ns() - t0;
    if (r != GNSD_TRUST_VALID) {
      fprintf(stderr, "bench-revocation-query: verdict %d, not remembered\n", (int)r);
      return 1;
    }
  }
  stats(t, n, &p50[2], &p99[2]);
  gnsd_trust_free(tr);
  gnsd_store_close(st);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd) != 0) fprintf(stderr, "bench-revocation-query: could not remove %s\n", dir);
  gnsd_revnet_free(rn);
  sd_event_unref(ev);

  static const char *const names[] = {"floor (socketpair round trip)", "peer (QUERY, answered)",
                                      "remembered (trust check)"};
  printf("%-32s %9s %9s %9s\n", "revocation check", "p50 us", "p99 us", "p50/floor");
  for (int i = 0; i < 3; i++)
    printf("%-32s %9.2f %9.2f %9.2f\n", names[i], (double)p50[i] / 1000.0, (double)p99[i] / 1000.0,
           p50[0] ? (double)p50[i] / (double)p50[0] : 0.0);
  printf("(n = %zu each)\n", n);
  free(t);
  return 0;
}
