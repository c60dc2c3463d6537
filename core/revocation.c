/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Zone revocation: RFC 9498, section 4.2. */
#include "config.h"

#include "revocation.h"

#include <argon2.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gns-util.h"

/* RFC 9498, 4.2: the Argon2id instantiation for the PoW. */
#define POW_SALT "GnsRevocationPow"
#define POW_SALT_LEN 16u
#define POW_T_COST 3u
#define POW_M_COST 1024u /* KiB */
#define POW_HASH_LEN 64u
#define POW_PARALLELISM 1u
/* P = POW(8) TIMESTAMP(8) ZTYPE(4) ZKEY(32) */
#define POW_DATA_LEN (8u + 8u + GNS_ZONE_ID_LEN)

#define STATE_TAG "GNSrvst1"

/* Candidates in flight beyond the oldest unfinished one; bounds the
 * memory of the in-order window and the work a cancel has to wait for. */
#define RUN_WINDOW 256u
#define RUN_MAX_THREADS 64u

static void pow_data_init(uint8_t p[POW_DATA_LEN], uint64_t timestamp,
                          const struct gns_zone_key *zk) {
  gns_put_u64(p + 8, timestamp);
  gns_put_u32(p + 16, zk->ztype);
  memcpy(p + 20, zk->key, GNS_ZONE_KEY_LEN);
}

static unsigned leading_zeros(const uint8_t *h, size_t len) {
  unsigned z = 0;
  for (size_t i = 0; i < len; i++) {
    if (h[i] != 0) return z + (unsigned)__builtin_clz(h[i]) - 24u;
    z += 8;
  }
  return z;
}

/* Score of the candidate whose bytes (after the first 8) p already holds. */
static int pow_data_score(uint8_t p[POW_DATA_LEN], uint64_t pow, unsigned *zeros) {
  uint8_t h[POW_HASH_LEN];
  gns_put_u64(p, pow);
  int r = argon2id_hash_raw(POW_T_COST, POW_M_COST, POW_PARALLELISM, p, POW_DATA_LEN, POW_SALT,
                            POW_SALT_LEN, h, sizeof h);
  if (r != ARGON2_OK) return r == ARGON2_MEMORY_ALLOCATION_ERROR ? -ENOMEM : -EIO;
  *zeros = leading_zeros(h, sizeof h);
  return 0;
}

int gns_revocation_pow_score(uint64_t pow, uint64_t timestamp, const struct gns_zone_key *zk,
                             unsigned *zeros) {
  uint8_t p[POW_DATA_LEN];
  if (!zk || !zeros) return -EINVAL;
  pow_data_init(p, timestamp, zk);
  return pow_data_score(p, pow, zeros);
}

int gns_revocation_pow_average(uint64_t timestamp, const struct gns_zone_key *zk,
                               const uint64_t pows[GNS_REVOCATION_Z], double *dprime) {
  uint8_t p[POW_DATA_LEN];
  unsigned sum = 0;
  if (!zk || !pows || !dprime) return -EINVAL;
  pow_data_init(p, timestamp, zk);
  for (unsigned i = 0; i < GNS_REVOCATION_Z; i++) {
    unsigned z;
    int r = pow_data_score(p, pows[i], &z);
    if (r < 0) return r;
    sum += z;
  }
  /* RFC 9498, 4.2: "MUST NOT use an integer data type to calculate or
   * represent D'". sum / 32 is exact in a double. */
  *dprime = (double)sum / (double)GNS_REVOCATION_Z;
  return 0;
}

uint64_t gns_revocation_validity(double dprime, unsigned difficulty) {
  if (!(dprime >= (double)difficulty)) return 0;
  /* RFC 9498, 4.2: (D'-D+1) * EPOCH * 1.1; the 10% absorbs poorly
   * synchronised clocks. EPOCH * 1.1 is the integer TTL constant: as a
   * double it is exact (1.1 is not), and a multiple of 2^12, so products
   * with D' (a multiple of 1/32) stay exact far beyond any real lifetime. */
  double v = (dprime - (double)difficulty + 1.0) * (double)GNS_REVOCATION_TTL_US;
  if (v >= 18446744073709549568.0) return UINT64_MAX; /* largest double below 2^64 */
  return (uint64_t)(v + 0.5);                         /* round to the nearest microsecond */
}

/* --- state --- */

void gns_revocation_state_init(struct gns_revocation_state *st, const struct gns_zone_key *zk,
                               uint64_t timestamp, unsigned difficulty) {
  memset(st, 0, sizeof *st);
  st->zk = *zk;
  st->timestamp = timestamp;
  st->difficulty = difficulty;
}

static unsigned state_sum(const struct gns_revocation_state *st) {
  unsigned sum = 0;
  for (unsigned i = 0; i < st->found && i < GNS_REVOCATION_Z; i++)
    sum += st->best_zeros[i];
  return sum;
}

double gns_revocation_state_average(const struct gns_revocation_state *st) {
  return (double)state_sum(st) / (double)GNS_REVOCATION_Z;
}

bool gns_revocation_state_done(const struct gns_revocation_state *st) {
  return st->found == GNS_REVOCATION_Z &&
         gns_revocation_state_average(st) >= (double)st->difficulty;
}

/* Fold one tried candidate into best[]: a sorted insert that keeps the
 * earlier of equal scores, so that the outcome depends only on the order
 * of candidates, which the runner preserves. */
static void state_fold(struct gns_revocation_state *st, uint64_t pow, unsigned zeros) {
  unsigned n = st->found;
  st->tried++;
  st->next_pow = pow + 1;
  if (n == GNS_REVOCATION_Z) {
    if (zeros <= st->best_zeros[n - 1]) return;
    n--; /* the last (worst, latest) entry drops out */
  }
  unsigned i = n;
  while (i > 0 && st->best_zeros[i - 1] < zeros) {
    st->best[i] = st->best[i - 1];
    st->best_zeros[i] = st->best_zeros[i - 1];
    i--;
  }
  st->best[i] = pow;
  st->best_zeros[i] = zeros;
  st->found = n + 1;
}

int gns_revocation_state_to_bytes(const struct gns_revocation_state *st,
                                  uint8_t out[GNS_REVOCATION_STATE_LEN]) {
  if (!st || !out || st->found > GNS_REVOCATION_Z) return -EINVAL;
  for (unsigned i = 0; i < st->found; i++)
    if (st->best_zeros[i] > GNS_REVOCATION_MAX_ZEROS) return -EINVAL;
  uint8_t *p = out;
  memcpy(p, STATE_TAG, 8);
  p += 8;
  gns_put_u32(p, st->zk.ztype);
  memcpy(p + 4, st->zk.key, GNS_ZONE_KEY_LEN);
  p += GNS_ZONE_ID_LEN;
  gns_put_u64(p, st->timestamp);
  gns_put_u32(p + 8, st->difficulty);
  gns_put_u64(p + 12, st->next_pow);
  gns_put_u64(p + 20, st->tried);
  gns_put_u32(p + 28, st->found);
  p += 32;
  for (unsigned i = 0; i < GNS_REVOCATION_Z; i++, p += 10) {
    bool used = i < st->found;
    gns_put_u64(p, used ? st->best[i] : 0);
    gns_put_u16(p + 8, (uint16_t)(used ? st->best_zeros[i] : 0));
  }
  return 0;
}

int gns_revocation_state_from_bytes(const uint8_t *buf, size_t len,
                                    struct gns_revocation_state *st) {
  struct gns_revocation_state s;
  if (!buf || !st) return -EINVAL;
  if (len != GNS_REVOCATION_STATE_LEN || memcmp(buf, STATE_TAG, 8) != 0) return -EBADMSG;
  memset(&s, 0, sizeof s);
  const uint8_t *p = buf + 8;
  s.zk.ztype = gns_get_u32(p);
  memcpy(s.zk.key, p + 4, GNS_ZONE_KEY_LEN);
  p += GNS_ZONE_ID_LEN;
  s.timestamp = gns_get_u64(p);
  s.difficulty = gns_get_u32(p + 8);
  s.next_pow = gns_get_u64(p + 12);
  s.tried = gns_get_u64(p + 20);
  s.found = gns_get_u32(p + 28);
  p += 32;
  if (s.difficulty > GNS_REVOCATION_MAX_ZEROS || s.found > GNS_REVOCATION_Z || s.tried < s.found)
    return -EBADMSG;
  for (unsigned i = 0; i < GNS_REVOCATION_Z; i++, p += 10) {
    uint64_t pow = gns_get_u64(p);
    unsigned zeros = gns_get_u16(p + 8);
    if (i >= s.found) {
      if (pow != 0 || zeros != 0) return -EBADMSG; /* one encoding per state */
      continue;
    }
    /* every entry was tried before next_pow; the order is best first */
    if (zeros > GNS_REVOCATION_MAX_ZEROS || pow >= s.next_pow) return -EBADMSG;
    if (i > 0 && zeros > s.best_zeros[i - 1]) return -EBADMSG;
    for (unsigned j = 0; j < i; j++)
      if (s.best[j] == pow) return -EBADMSG;
    s.best[i] = pow;
    s.best_zeros[i] = zeros;
  }
  *st = s;
  return 0;
}

/* --- the multi-threaded search --- */

/* Workers take candidates in order and post their scores into a window
 * indexed by candidate; the calling thread folds the window into the state
 * strictly in candidate order. So the state always describes a prefix of
 * the candidates (resumable from next_pow), and the result is the same for
 * any thread count and any interruption. */
enum { SLOT_EMPTY = 0, SLOT_ERROR = 0xffff }; /* else zeros + 1 */

struct run {
  pthread_mutex_t mu;
  pthread_cond_t posted;   /* a worker posted a score or exited */
  pthread_cond_t advanced; /* the window moved, or stop */
  uint8_t p[POW_DATA_LEN]; /* template; workers copy it */
  uint64_t base;           /* candidate of offset 0 */
  uint64_t limit;          /* offsets below limit exist (no 64-bit wrap) */
  uint64_t issued;         /* next offset to hand out */
  uint64_t folded;         /* next offset to fold */
  uint16_t slot[RUN_WINDOW];
  int error; /* first worker error */
  unsigned running;
  bool stop;
};

static void *run_worker(void *arg) {
  struct run *r = arg;
  uint8_t p[POW_DATA_LEN];
  memcpy(p, r->p, sizeof p);
  pthread_mutex_lock(&r->mu);
  for (;;) {
    while (!r->stop && r->issued < r->limit && r->issued - r->folded >= RUN_WINDOW)
      pthread_cond_wait(&r->advanced, &r->mu);
    if (r->stop || r->issued >= r->limit) break;
    uint64_t off = r->issued++;
    pthread_mutex_unlock(&r->mu);

    unsigned zeros = 0;
    int e = pow_data_score(p, r->base + off, &zeros);

    pthread_mutex_lock(&r->mu);
    r->slot[off % RUN_WINDOW] = e < 0 ? SLOT_ERROR : (uint16_t)(zeros + 1);
    if (e < 0 && r->error == 0) r->error = e;
    pthread_cond_signal(&r->posted);
    if (e < 0) break;
  }
  r->running--;
  pthread_cond_signal(&r->posted);
  pthread_mutex_unlock(&r->mu);
  return NULL;
}

/* Fold finished candidates in order; stops at a gap, an error or done.
 * Called with the mutex held, or after all workers have exited. */
static unsigned run_fold(struct run *r, struct gns_revocation_state *st) {
  unsigned n = 0;
  while (!gns_revocation_state_done(st) && r->folded < r->issued) {
    uint16_t *s = &r->slot[r->folded % RUN_WINDOW];
    if (*s == SLOT_EMPTY || *s == SLOT_ERROR) break;
    state_fold(st, r->base + r->folded, (unsigned)*s - 1u);
    *s = SLOT_EMPTY;
    r->folded++;
    n++;
  }
  return n;
}

static unsigned count_cpus(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return (unsigned)CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (unsigned)n : 1u;
}

int gns_revocation_pow_run(struct gns_revocation_state *st, unsigned threads,
                           gns_revocation_progress_fn progress, void *userdata) {
  if (!st || st->found > GNS_REVOCATION_Z || st->difficulty > GNS_REVOCATION_MAX_ZEROS)
    return -EINVAL;
  if (gns_revocation_state_done(st)) return 0;
  if (st->next_pow == UINT64_MAX) return -EOVERFLOW;
  if (threads == 0) threads = count_cpus();
  if (threads > RUN_MAX_THREADS) threads = RUN_MAX_THREADS;

  struct run r;
  memset(&r, 0, sizeof r);
  pow_data_init(r.p, st->timestamp, &st->zk);
  r.base = st->next_pow;
  /* candidates up to UINT64_MAX - 1, so that next_pow never wraps */
  r.limit = UINT64_MAX - r.base;
  if (pthread_mutex_init(&r.mu, NULL) != 0) return -EAGAIN;
  pthread_cond_init(&r.posted, NULL);
  pthread_cond_init(&r.advanced, NULL);

  pthread_t tid[RUN_MAX_THREADS];
  unsigned started = 0;
  pthread_mutex_lock(&r.mu);
  for (; started < threads; started++) {
    if (pthread_create(&tid[started], NULL, run_worker, &r) != 0) break;
    r.running++;
  }

  bool cancelled = false;
  while (started > 0) {
    unsigned n = run_fold(&r, st);
    if (n > 0) pthread_cond_broadcast(&r.advanced);
    if (gns_revocation_state_done(st) || r.error != 0 || r.running == 0) break;
    if (n > 0 && progress) {
      pthread_mutex_unlock(&r.mu);
      int c = progress(userdata, st->tried, st->found, gns_revocation_state_average(st));
      pthread_mutex_lock(&r.mu);
      if (c != 0) {
        cancelled = true;
        break;
      }
      continue;
    }
    if (n == 0) pthread_cond_wait(&r.posted, &r.mu);
  }
  r.stop = true;
  pthread_cond_broadcast(&r.advanced);
  pthread_mutex_unlock(&r.mu);
  for (unsigned i = 0; i < started; i++)
    pthread_join(tid[i], NULL);
  /* Candidates still in flight at the stop have been posted by now; fold
   * them so that the state covers every candidate handed out (or up to a
   * failed one, which a resume tries again). */
  run_fold(&r, st);
  pthread_cond_destroy(&r.advanced);
  pthread_cond_destroy(&r.posted);
  pthread_mutex_destroy(&r.mu);

  if (started == 0) return -EAGAIN;
  if (gns_revocation_state_done(st)) {
    if (progress && !cancelled)
      (void)progress(userdata, st->tried, st->found, gns_revocation_state_average(st));
    return 0;
  }
  if (r.error != 0) return r.error;
  if (cancelled) return -ECANCELED;
  return -EOVERFLOW; /* every worker ran out of candidates */
}

/* --- signing and verification --- */

int gns_revocation_signed_data(uint64_t timestamp, const struct gns_zone_key *zk,
                               uint8_t out[GNS_REVOCATION_SIGNED_LEN]) {
  if (!zk || !out) return -EINVAL;
  /* RFC 9498, 4.2, figure "The Wire Format of the Revocation Data for
   * Signing": SIZE and PURPOSE, then the fields of the message. */
  gns_put_u32(out, GNS_REVOCATION_SIGNED_LEN);
  gns_put_u32(out + 4, GNS_SIGPURPOSE_REVOCATION);
  gns_put_u64(out + 8, timestamp);
  gns_put_u32(out + 16, zk->ztype);
  memcpy(out + 20, zk->key, GNS_ZONE_KEY_LEN);
  return 0;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

int gns_revocation_sign_ttl(const struct gns_revocation_state *st, const struct gns_zone_priv *priv,
                            uint64_t ttl, uint8_t out[GNS_REVOCATION_LEN]) {
  uint64_t pows[GNS_REVOCATION_Z];
  uint8_t tbs[GNS_REVOCATION_SIGNED_LEN];
  struct gns_zone_key pub;
  double dprime;
  int r;

  if (!st || !priv || !out || !gns_revocation_state_done(st)) return -EINVAL;
  r = gns_zone_priv_public(priv, &pub);
  if (r < 0) return r;
  if (!gns_zone_key_equal(&pub, &st->zk)) return -EKEYREJECTED;

  /* RFC 9498, 4.2: POWs in strictly increasing order. The state holds
   * distinct candidates, so sorting suffices. */
  memcpy(pows, st->best, sizeof pows);
  qsort(pows, GNS_REVOCATION_Z, sizeof pows[0], cmp_u64);
  for (unsigned i = 1; i < GNS_REVOCATION_Z; i++)
    if (pows[i] == pows[i - 1]) return -EINVAL;
  /* Recompute rather than trust best_zeros: a state restored from storage
   * must not yield a message that verifiers reject. */
  r = gns_revocation_pow_average(st->timestamp, &st->zk, pows, &dprime);
  if (r < 0) return r;
  if (dprime < (double)st->difficulty || ttl > gns_revocation_validity(dprime, st->difficulty))
    return -EINVAL;

  gns_revocation_signed_data(st->timestamp, &st->zk, tbs);
  uint8_t *p = out;
  gns_put_u64(p, st->timestamp);
  gns_put_u64(p + 8, ttl);
  p += 16;
  for (unsigned i = 0; i < GNS_REVOCATION_Z; i++, p += 8)
    gns_put_u64(p, pows[i]);
  gns_put_u32(p, st->zk.ztype);
  memcpy(p + 4, st->zk.key, GNS_ZONE_KEY_LEN);
  p += GNS_ZONE_ID_LEN;
  return gns_zone_sign(priv, tbs, sizeof tbs, p);
}

int gns_revocation_sign(const struct gns_revocation_state *st, const struct gns_zone_priv *priv,
                        uint8_t out[GNS_REVOCATION_LEN]) {
  return gns_revocation_sign_ttl(st, priv, GNS_REVOCATION_TTL_US, out);
}

#define MSG_ZTYPE_OFF (16u + 8u * GNS_REVOCATION_Z)

int gns_revocation_parse(const uint8_t *msg, size_t len, struct gns_revocation *out) {
  if (!msg || !out) return -EINVAL;
  if (len < MSG_ZTYPE_OFF + 4u) return -EBADMSG;
  /* An unknown zone type may have other key and signature sizes, so it
   * is reported as such before the length check. */
  if (!gns_ztype_supported(gns_get_u32(msg + MSG_ZTYPE_OFF))) return -EPROTONOSUPPORT;
  if (len != GNS_REVOCATION_LEN) return -EBADMSG;
  out->timestamp = gns_get_u64(msg);
  out->ttl = gns_get_u64(msg + 8);
  for (unsigned i = 0; i < GNS_REVOCATION_Z; i++)
    out->pow[i] = gns_get_u64(msg + 16 + 8 * i);
  int r = gns_zone_key_from_bytes(msg + MSG_ZTYPE_OFF, GNS_ZONE_ID_LEN, &out->zk);
  if (r == -EPROTONOSUPPORT) return r;
  if (r < 0) return -EBADMSG;
  memcpy(out->sig, msg + MSG_ZTYPE_OFF + GNS_ZONE_ID_LEN, GNS_ZONE_SIG_LEN);
  return 0;
}

int gns_revocation_verify(const uint8_t *msg, size_t len, unsigned difficulty, uint64_t now,
                          struct gns_zone_key *zk, uint64_t *expires) {
  struct gns_revocation rv;
  uint8_t tbs[GNS_REVOCATION_SIGNED_LEN];
  double dprime;

  if (difficulty > GNS_REVOCATION_MAX_ZEROS) return -EINVAL;
  int r = gns_revocation_parse(msg, len, &rv);
  if (r < 0) return r;
  /* RFC 9498, 4.2, validation steps; the cheap ones first so that junk
   * costs no Argon2 run. Strictly increasing means no duplicates. */
  for (unsigned i = 1; i < GNS_REVOCATION_Z; i++)
    if (rv.pow[i] <= rv.pow[i - 1]) return -EBADMSG;
  gns_revocation_signed_data(rv.timestamp, &rv.zk, tbs);
  if (gns_zone_verify(&rv.zk, tbs, sizeof tbs, rv.sig) != 0) return -EBADMSG;
  r = gns_revocation_pow_average(rv.timestamp, &rv.zk, rv.pow, &dprime);
  if (r < 0) return r;
  if (!(dprime >= (double)difficulty)) return -EBADMSG;

  uint64_t validity = gns_revocation_validity(dprime, difficulty);
  uint64_t exp = rv.timestamp > UINT64_MAX - validity ? UINT64_MAX : rv.timestamp + validity;
  if (zk) *zk = rv.zk;
  if (expires) *expires = exp;
  /* "If the current time is after the expiration date, the revocation is
   * considered stale." */
  return now > exp ? -ESTALE : 0;
}
