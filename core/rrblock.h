/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RRBLOCK: RFC 9498 sections 6.1 and 6.3. The storage key q, building a
 * block from a record set, and checking and decrypting one. */
#ifndef GNS_RRBLOCK_H
#define GNS_RRBLOCK_H

#include <stddef.h>
#include <stdint.h>
#include "record.h"
#include "zonekey.h"

#define GNS_Q_LEN 64u
/* SIZE(4) ZTYPE(4) ZKEY'(32) SIGNATURE(64) EXPIRATION(8) */
#define GNS_RRBLOCK_HEADER_LEN (4u + 4u + GNS_ZONE_KEY_LEN + GNS_ZONE_SIG_LEN + 8u)
#define GNS_RRBLOCK_MAX (GNS_RRBLOCK_HEADER_LEN + GNS_RDATA_MAX + 16u)
#define GNS_SIGPURPOSE_GNS_RECORD_SIGN 15u

/* q = SHA-512(ZKDF(zkey, label)). */
int gns_rrblock_query(const struct gns_zone_key *zk, const uint8_t *label, size_t label_len,
                      uint8_t q[GNS_Q_LEN]);
/* q of a block from its derived key (for checking blocks from storage). */
int gns_rrblock_query_of(const uint8_t *block, size_t len, uint8_t q[GNS_Q_LEN]);

/* Build an RRBLOCK: RDATA, S-Encrypt, SignDerived. expiration is the block
 * expiration (see gns_rdata_block_expiration). *out is malloc'ed. */
int gns_rrblock_create(const struct gns_zone_priv *priv, const uint8_t *label, size_t label_len,
                       const struct gns_record *rd, size_t n, uint64_t expiration, uint8_t **out,
                       size_t *out_len);

/* The same from ready-made RDATA (as the RFC's test vectors print it):
 * S-Encrypt, SignDerived, assemble. rdata_len may be 0. */
int gns_rrblock_create_from_rdata(const struct gns_zone_priv *priv, const uint8_t *label,
                                  size_t label_len, const uint8_t *rdata, size_t rdata_len,
                                  uint64_t expiration, uint8_t **out, size_t *out_len);

/* Check a block without the zone key: sizes (SIZE equals len, header
 * present, at most GNS_RRBLOCK_MAX, EDKEY BDATA holds its tag), not
 * expired at now (EXPIRATION <= now is expired), the derived key hashes to
 * q (if q is not NULL), and the signature.
 * -EBADMSG (malformed or bad signature), -ESTALE (expired), -EPROTO
 * (q mismatch), -EPROTONOSUPPORT (unknown ztype). */
int gns_rrblock_verify(const uint8_t *block, size_t len, const uint8_t q[GNS_Q_LEN], uint64_t now);

/* Block expiration (0 if the block is too short). */
uint64_t gns_rrblock_expiration(const uint8_t *block, size_t len);

/* Decrypt the BDATA of a verified block with the zone key and label.
 * rdata_out receives the RDATA (malloc'ed); parse it with gns_rdata_parse.
 * Checks the block's shape, not its signature or that it belongs to
 * (zk, label): verify it first against q of (zk, label), or use
 * gns_rrblock_open. With a wrong label an EDKEY block fails with -EBADMSG
 * (tag mismatch) while a PKEY block (AES-CTR, no tag) decrypts to noise. */
int gns_rrblock_decrypt(const uint8_t *block, size_t len, const struct gns_zone_key *zk,
                        const uint8_t *label, size_t label_len, uint8_t **rdata_out,
                        size_t *rdata_len);

/* Everything a resolver does with one block it fetched for (zk, label):
 * q = SHA-512(ZKDF(zk, label)), gns_rrblock_verify against that q at
 * now, then gns_rrblock_decrypt. Same errors as those two. This is the
 * per-label cryptographic cost of resolution. */
int gns_rrblock_open(const uint8_t *block, size_t len, const struct gns_zone_key *zk,
                     const uint8_t *label, size_t label_len, uint64_t now, uint8_t **rdata_out,
                     size_t *rdata_len);

#endif
