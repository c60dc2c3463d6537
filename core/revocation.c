/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Zone revocation: RFC 9498, section 4.2. */
#include "config.h"

#include "revocation.h"

#include <argon2.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gns-util.h"

/* RFC 9498, 4.2: the Argon2id instantiation for the PoW. */
#define POW_SALT "GnsRevocationPow"
#define POW_SALT_LEN 16u
#define POW_T_COST 3u
#define POW_M_COST 1024u /* KiB */
#define POW_HASH_LEN 64u
#define POW_PARALLELISM 1u
#define POW_DATA_LEN GNS_REVOCATION_POW_DATA_LEN

#define STATE_TAG "GNSrvst1"

void gns_revocation_pow_data_init(uint8_t p[GNS_REVOCATION_POW_DATA_LEN], uint64_t timestamp,
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

int gns_revocation_pow_data_score(uint8_t p[GNS_REVOCATION_POW_DATA_LEN], uint64_t pow,
                                  unsigned *zeros) {
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
  gns_revocation_pow_data_init(p, timestamp, zk);
  return gns_revocation_pow_data_score(p, pow, zeros);
}

int gns_revocation_pow_average(uint64_t timestamp, const struct gns_zone_key *zk,
                               const uint64_t pows[GNS_REVOCATION_Z], double *dprime) {
  uint8_t p[POW_DATA_LEN];
  unsigned sum = 0;
  if (!zk || !pows || !dprime) return -EINVAL;
  gns_revocation_pow_data_init(p, timestamp, zk);
  for (unsigned i = 0; i < GNS_REVOCATION_Z; i++) {
    unsigned z;
    int r = gns_revocation_pow_data_score(p, pows[i], &z);
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

void gns_revocation_state_fold(struct gns_revocation_state *st, uint64_t pow, unsigned zeros) {
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

int gns_revocation_create(const struct gns_zone_priv *priv, uint64_t timestamp,
                          const uint64_t pows[GNS_REVOCATION_Z], unsigned difficulty, uint64_t now,
                          uint8_t msg[GNS_REVOCATION_LEN], uint64_t *expires, const char **why) {
  struct gns_zone_key pub;
  int r = gns_zone_priv_public(priv, &pub);
  if (r < 0) {
    *why = "the zone key is damaged";
    return r;
  }
  uint64_t sorted[GNS_REVOCATION_Z];
  memcpy(sorted, pows, sizeof sorted);
  qsort(sorted, GNS_REVOCATION_Z, sizeof sorted[0], cmp_u64);
  for (unsigned i = 1; i < GNS_REVOCATION_Z; i++) {
    if (sorted[i] == sorted[i - 1]) {
      *why = "duplicate proof-of-work values";
      return -EINVAL;
    }
  }
  /* RFC 9498, 4.2: D' is the average of the leading zeros of all Z POWs. */
  struct gns_revocation_state st;
  gns_revocation_state_init(&st, &pub, timestamp, difficulty);
  for (unsigned i = 0; i < GNS_REVOCATION_Z; i++) {
    unsigned zeros = 0;
    r = gns_revocation_pow_score(sorted[i], timestamp, &pub, &zeros);
    if (r < 0) {
      *why = "cannot compute the proof of work";
      return r;
    }
    st.best[i] = sorted[i];
    st.best_zeros[i] = zeros;
  }
  st.found = GNS_REVOCATION_Z;
  if (!gns_revocation_state_done(&st)) {
    *why = "proof of work too weak for the required difficulty";
    return -EINVAL;
  }
  uint64_t validity = gns_revocation_validity(gns_revocation_state_average(&st), difficulty);
  uint64_t exp = timestamp > UINT64_MAX - validity ? UINT64_MAX : timestamp + validity;
  if (exp <= now) {
    *why = "timestamp too old: this revocation would already have expired";
    return -ESTALE;
  }
  r = gns_revocation_sign(&st, priv, msg);
  if (r < 0) {
    *why = "the proof of work does not verify";
    return r == -ENOMEM ? r : -EINVAL;
  }
  *expires = exp;
  return 0;
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
