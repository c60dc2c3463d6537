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

/* Leading zero bits of Argon2id(POW||TIMESTAMP||ZTYPE||ZKEY). */
int gns_revocation_pow_score(uint64_t pow, uint64_t timestamp, const struct gns_zone_key *zk,
                             unsigned *zeros);

/* Resumable PoW computation. The state is plain data: callers store it
 * (gns_revocation_state_to_bytes) and resume later. */
struct gns_revocation_state {
  struct gns_zone_key zk;
  uint64_t timestamp;
  unsigned difficulty;
  uint64_t next_pow;                   /* next candidate to try */
  uint64_t best[GNS_REVOCATION_Z];     /* best POWs found so far */
  unsigned best_zeros[GNS_REVOCATION_Z];
  unsigned found;                       /* entries used in best */
};

void gns_revocation_state_init(struct gns_revocation_state *st, const struct gns_zone_key *zk,
                               uint64_t timestamp, unsigned difficulty);

/* Progress callback: return non-zero to cancel. tried counts candidates. */
typedef int (*gns_revocation_progress_fn)(void *userdata, uint64_t tried, unsigned found,
                                          double avg_zeros);

/* Work until the set of Z POWs averages >= difficulty. threads = 0 means
 * all cores. Returns 0 when done, -ECANCELED if the callback cancelled
 * (state is resumable). Threads are used here only; core stays free of
 * global state. */
int gns_revocation_pow_run(struct gns_revocation_state *st, unsigned threads,
                           gns_revocation_progress_fn progress, void *userdata);

/* Sign a finished state into the wire message (GNS_REVOCATION_LEN bytes). */
int gns_revocation_sign(const struct gns_revocation_state *st, const struct gns_zone_priv *priv,
                        uint8_t out[GNS_REVOCATION_LEN]);

/* Verify a revocation message: signature, strictly increasing POWs,
 * average zeros D' (double) >= difficulty, and not stale at now.
 * On success *expires gets TIMESTAMP + (D'-D+1)*EPOCH*1.1 and zk the
 * revoked key. -EBADMSG, -ESTALE, -EPROTONOSUPPORT. */
int gns_revocation_verify(const uint8_t *msg, size_t len, unsigned difficulty, uint64_t now,
                          struct gns_zone_key *zk, uint64_t *expires);

#endif
