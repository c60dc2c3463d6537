/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Revocation costs: one Argon2id PoW candidate, the PoW search on all
 * cores (and its speed-up over one thread), verification of the RFC's
 * EDKEY vector, and what a revocation at the difficulty in use (22) costs
 * on this machine. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pow-run.h"
#include "revocation.h"
#include "gns-util.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int hexbytes(const char *hex, uint8_t *out, size_t cap) {
  size_t n = 0;
  for (const char *p = hex; p[0] && p[1]; p += 2) {
    unsigned v;
    if (n >= cap || sscanf(p, "%2x", &v) != 1) return -1;
    out[n++] = (uint8_t)v;
  }
  return (int)n;
}

/* RFC 9498, Appendix D, EDKEY revocation ("Proof"), without spaces. */
static const char edkey_proof[] =
    "0005ff1c573542bd0000395d1827c000"
    "584c933cb0992a08584c933cb0992df7584c933cb0992e21584c933cb0992e2a"
    "584c933cb0992e53584c933cb0992e8e584c933cb0992f13584c933cb0992f2d"
    "584c933cb0992f3c584c933cb0992f41584c933cb0992ffd584c933cb0993033"
    "584c933cb0993082584c933cb09930a2584c933cb09930e1584c933cb09931ce"
    "584c933cb09931de584c933cb0993212584c933cb099324e584c933cb099329f"
    "584c933cb0993331584c933cb0993387584c933cb099338c584c933cb09933e5"
    "584c933cb09933f3584c933cb0993426584c933cb0993430584c933cb0993468"
    "584c933cb0993488584c933cb099348a584c933cb099354c584c933cb09935bd"
    "000100143cf4b924032022f0dc50581453b85d93b047b63d446c5845cb48445ddb96688f"
    "04ae26f763565ab7aaab0171724f3ca8bcc51a98b7d4c92ea33cd9344ca8b63e"
    "04533abf1a3c054916b3682c5ca8cb4dd0f84c3b77487aac6ece38480ba9d500";

struct stop_at {
  uint64_t start, n;
};

static int stop_after(void *ud, uint64_t tried, unsigned found, double avg) {
  const struct stop_at *s = ud;
  (void)found, (void)avg;
  return tried - s->start >= s->n;
}

/* Candidates per second of pow_run (ctl/pow-run.c) with `threads`. */
static double run_rate(unsigned threads, uint64_t n) {
  struct gns_zone_key zk = {.ztype = GNS_ZTYPE_EDKEY};
  struct gns_revocation_state st;
  memset(zk.key, 0x5a, sizeof zk.key);
  gns_revocation_state_init(&st, &zk, 1700000000000000ull, GNS_REVOCATION_D);
  struct stop_at s = {st.tried, n};
  double t0 = now_s();
  int r = pow_run(&st, threads, stop_after, &s);
  double t = now_s() - t0;
  if (r != -ECANCELED) {
    fprintf(stderr, "pow_run: %s\n", strerror(-r));
    exit(1);
  }
  return (double)st.tried / t;
}

/* Expected candidates until the best 32 average >= d, by simulating the
 * search with scores drawn from the true distribution: P(zeros >= k) =
 * 2^-k for a uniformly random hash. Cheap: no Argon2. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void) { /* splitmix64 */
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t simulate(unsigned d) {
  unsigned best[GNS_REVOCATION_Z] = {0}, found = 0, sum = 0;
  for (uint64_t n = 1;; n++) {
    uint64_t h = rng();
    unsigned z = h ? (unsigned)__builtin_clzll(h) : 64;
    if (found < GNS_REVOCATION_Z) {
      best[found++] = z;
      sum += z;
    } else {
      unsigned m = 0;
      for (unsigned i = 1; i < GNS_REVOCATION_Z; i++)
        if (best[i] < best[m]) m = i;
      if (z <= best[m]) continue;
      sum += z - best[m];
      best[m] = z;
    }
    if (found == GNS_REVOCATION_Z && sum >= GNS_REVOCATION_Z * d) return n;
  }
}

int main(int argc, char **argv) {
  unsigned verifications = argc > 1 ? (unsigned)atoi(argv[1]) : 10;
  uint8_t msg[GNS_REVOCATION_LEN];
  struct gns_zone_key zk = {.ztype = GNS_ZTYPE_EDKEY};
  unsigned zeros;

  if (hexbytes(edkey_proof, msg, sizeof msg) != (int)sizeof msg) return 1;

  /* one candidate, one thread */
  const unsigned n1 = 64;
  double t0 = now_s();
  for (unsigned i = 0; i < n1; i++)
    if (gns_revocation_pow_score(i, 1, &zk, &zeros) != 0) return 1;
  double per_hash = (now_s() - t0) / n1;
  printf("revocation pow candidate (Argon2id t=3 m=1MiB): %.2f ms\n", per_hash * 1e3);

  double r1 = run_rate(1, 200), rn = run_rate(0, 400);
  printf("revocation pow_run, 1 thread:   %.0f candidates/s\n", r1);
  printf("revocation pow_run, all cores:  %.0f candidates/s (x%.2f)\n", rn, rn / r1);

  /* verification: 32 Argon2id runs and one EdDSA verification */
  uint64_t expires = 0;
  t0 = now_s();
  for (unsigned i = 0; i < verifications; i++) {
    int r = gns_revocation_verify(msg, sizeof msg, 5, gns_get_u64(msg), NULL, &expires);
    if (r != 0) {
      fprintf(stderr, "verify: %s\n", strerror(-r));
      return 1;
    }
  }
  double tv = (now_s() - t0) / verifications;
  printf("revocation verify: %.1f ms (%.1f candidate times)\n", tv * 1e3, tv / per_hash);
  /* a malformed message is refused before any Argon2 run */
  msg[GNS_REVOCATION_LEN - 1] ^= 1;
  const unsigned nb = 1000;
  t0 = now_s();
  for (unsigned i = 0; i < nb; i++)
    if (gns_revocation_verify(msg, sizeof msg, 5, 0, NULL, NULL) != -EBADMSG) return 1;
  double tb = (now_s() - t0) / nb;
  printf("revocation verify, bad signature: %.1f us (x%.0f cheaper)\n", tb * 1e6, tv / tb);

  /* the difficulty in use */
  const unsigned trials = 4;
  double mean = 0;
  for (unsigned i = 0; i < trials; i++)
    mean += (double)simulate(GNS_REVOCATION_D) / trials;
  printf("revocation at D=%u: ~%.3g candidates expected, ~%.1f h on all cores here\n",
         GNS_REVOCATION_D, mean, mean / rn / 3600);
  return 0;
}
