/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Zone revocation: RFC 9498 section 4.2. Argon2id proof of work (S =
 * "GnsRevocationPow", t = 3, m = 1024 KiB, T = 64, p = 1), Z = 32 PoWs,
 * signature purpose 3, EPOCH = 365 days. */
#ifndef GNS_REVOCATION_H
#define GNS_REVOCATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "zonekey.h"

#define GNS_REVOCATION_Z 32u
#define GNS_REVOCATION_D 22u /* difficulty in use; the RFC vectors use 5 */
#define GNS_REVOCATION_EPOCH_US (365ull * 24 * 3600 * 1000000)
#define GNS_SIGPURPOSE_REVOCATION 3u
/* TIMESTAMP(8) TTL(8) POW(8*32) ZTYPE(4) ZKEY(32) SIG(64) */
#define GNS_REVOCATION_LEN (8u + 8u + 8u * GNS_REVOCATION_Z + GNS_ZONE_ID_LEN + GNS_ZONE_SIG_LEN)
/* SIZE(4) PURPOSE(4) TIMESTAMP(8) ZTYPE(4) ZKEY(32): what Sign() covers. */
#define GNS_REVOCATION_SIGNED_LEN (4u + 4u + 8u + GNS_ZONE_ID_LEN)
/* The hash is 64 bytes, so no POW scores more than 512 zero bits; a
 * difficulty above that can never be met. */
#define GNS_REVOCATION_MAX_ZEROS 512u
/* The TTL that RFC 9498, 4.2 says SHOULD be used: EPOCH * 1.1. */
#define GNS_REVOCATION_TTL_US (GNS_REVOCATION_EPOCH_US / 10u * 11u)

/* Leading zero bits of Argon2id(POW||TIMESTAMP||ZTYPE||ZKEY). -ENOMEM if
 * Argon2 could not allocate its memory. */
int gns_revocation_pow_score(uint64_t pow, uint64_t timestamp, const struct gns_zone_key *zk,
                             unsigned *zeros);

/* D': the average number of leading zeros of a set of Z POWs (RFC 9498,
 * 4.2: a floating point value, never an integer). Costs Z Argon2id runs. */
int gns_revocation_pow_average(uint64_t timestamp, const struct gns_zone_key *zk,
                               const uint64_t pows[GNS_REVOCATION_Z], double *dprime);

/* Validity period of a revocation whose POWs average dprime zeros, in
 * microseconds: (D'-D+1) * EPOCH * 1.1 (rounded to the microsecond), or
 * 0 if dprime < difficulty. */
uint64_t gns_revocation_validity(double dprime, unsigned difficulty);

/* Resumable PoW computation. The state is plain data: callers store it
 * (gns_revocation_state_to_bytes) and resume later.
 *
 * Candidates are tried in increasing order from next_pow (0 after init;
 * callers may set another start before the first run). best[] holds the
 * best POWs of all candidates tried so far, by decreasing zero count
 * (ties keep the earlier candidate). The result does not depend on the
 * number of threads nor on interruptions: it is the best Z POWs of the
 * shortest run of candidates from the start whose best Z average at least
 * the difficulty. */
struct gns_revocation_state {
  struct gns_zone_key zk;
  uint64_t timestamp;
  unsigned difficulty;
  uint64_t next_pow;               /* next candidate to try */
  uint64_t best[GNS_REVOCATION_Z]; /* best POWs found so far */
  unsigned best_zeros[GNS_REVOCATION_Z];
  unsigned found; /* entries used in best */
  uint64_t tried; /* candidates tried, over all runs */
};

void gns_revocation_state_init(struct gns_revocation_state *st, const struct gns_zone_key *zk,
                               uint64_t timestamp, unsigned difficulty);

/* Average zeros of best[] counted over Z entries (missing ones count 0),
 * and whether that reaches the difficulty with all Z entries found. */
double gns_revocation_state_average(const struct gns_revocation_state *st);
bool gns_revocation_state_done(const struct gns_revocation_state *st);

/* Fixed-size serialisation for saving and resuming. from_bytes checks the
 * length, the format tag and every invariant of the state: -EBADMSG. */
#define GNS_REVOCATION_STATE_LEN                                                                   \
  (8u + GNS_ZONE_ID_LEN + 8u + 4u + 8u + 8u + 4u + 10u * GNS_REVOCATION_Z)
int gns_revocation_state_to_bytes(const struct gns_revocation_state *st,
                                  uint8_t out[GNS_REVOCATION_STATE_LEN]);
int gns_revocation_state_from_bytes(const uint8_t *buf, size_t len,
                                    struct gns_revocation_state *st);

/* The search itself (trying candidates, on threads) is the caller's:
 * gnsctl's ctl/pow-run.c. Core gives it the pieces, which keep the state
 * a pure function of the candidates tried in order. */

/* P = POW(8) TIMESTAMP(8) ZTYPE(4) ZKEY(32): the Argon2id input of RFC
 * 9498, 4.2. init fills all but the POW; score fills in pow and counts
 * the leading zero bits of the hash (-ENOMEM, -EIO from Argon2). */
#define GNS_REVOCATION_POW_DATA_LEN (8u + 8u + GNS_ZONE_ID_LEN)
void gns_revocation_pow_data_init(uint8_t p[GNS_REVOCATION_POW_DATA_LEN], uint64_t timestamp,
                                  const struct gns_zone_key *zk);
int gns_revocation_pow_data_score(uint8_t p[GNS_REVOCATION_POW_DATA_LEN], uint64_t pow,
                                  unsigned *zeros);

/* Fold the score of candidate pow (which must be st->next_pow: candidates
 * are folded in order) into best[]: a sorted insert that keeps the earlier
 * of equal scores, so that the outcome depends only on the order of
 * candidates. */
void gns_revocation_state_fold(struct gns_revocation_state *st, uint64_t pow, unsigned zeros);

/* SIZE|PURPOSE|TIMESTAMP|ZTYPE|ZKEY: the data that the signature covers. */
int gns_revocation_signed_data(uint64_t timestamp, const struct gns_zone_key *zk,
                               uint8_t out[GNS_REVOCATION_SIGNED_LEN]);

/* Sign a finished state into the wire message (GNS_REVOCATION_LEN bytes),
 * with TTL = GNS_REVOCATION_TTL_US. The POWs are recomputed first: -EINVAL
 * if the state is not done, -EKEYREJECTED if priv is not the state's zone. */
int gns_revocation_sign(const struct gns_revocation_state *st, const struct gns_zone_priv *priv,
                        uint8_t out[GNS_REVOCATION_LEN]);
/* Same with a chosen TTL, at most (D'-D+1) * EPOCH * 1.1 (else -EINVAL). */
int gns_revocation_sign_ttl(const struct gns_revocation_state *st, const struct gns_zone_priv *priv,
                            uint64_t ttl, uint8_t out[GNS_REVOCATION_LEN]);

/* The signed revocation message for (priv, timestamp, pows) at the given
 * difficulty, checked as a verifier would at now (the POWs in any order;
 * they are sorted). On -EINVAL (weak or duplicate POWs) and -ESTALE (it
 * would already have expired) *why says what is wrong. *expires gets its
 * expiration. Costs 2 * Z Argon2id runs. */
int gns_revocation_create(const struct gns_zone_priv *priv, uint64_t timestamp,
                          const uint64_t pows[GNS_REVOCATION_Z], unsigned difficulty, uint64_t now,
                          uint8_t msg[GNS_REVOCATION_LEN], uint64_t *expires, const char **why);

/* The fields of a revocation message, unverified. */
struct gns_revocation {
  uint64_t timestamp;
  uint64_t ttl; /* informational (RFC 9498, 4.2) */
  uint64_t pow[GNS_REVOCATION_Z];
  struct gns_zone_key zk;
  uint8_t sig[GNS_ZONE_SIG_LEN];
};

/* Split a message into its fields: -EPROTONOSUPPORT for an unknown zone
 * type, -EBADMSG for a wrong length or an invalid key. */
int gns_revocation_parse(const uint8_t *msg, size_t len, struct gns_revocation *out);

/* Verify a revocation message: signature, strictly increasing POWs,
 * average zeros D' (double) >= difficulty, and not stale at now.
 * On success *expires gets TIMESTAMP + (D'-D+1)*EPOCH*1.1 and zk the
 * revoked key. -EBADMSG, -ESTALE, -EPROTONOSUPPORT. On -ESTALE zk and
 * *expires are set too. zk and expires may be NULL. The TTL field is not
 * checked: it is informational. */
int gns_revocation_verify(const uint8_t *msg, size_t len, unsigned difficulty, uint64_t now,
                          struct gns_zone_key *zk, uint64_t *expires);

#endif
