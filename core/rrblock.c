/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RRBLOCK: RFC 9498, 6.1 (storage key) and 6.3 (the block). Layout:
 *   SIZE(4) ZTYPE(4) ZKEY'(32) SIGNATURE(64) EXPIRATION(8) BDATA
 * with the signature over SIZE'(4) PURPOSE=15(4) EXPIRATION(8) BDATA,
 * SIZE' being the length of that signed data. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "gns-util.h"
#include "hkdf.h"
#include "rrblock.h"

enum {
  OFF_SIZE = 0,
  OFF_ZTYPE = 4,
  OFF_KEY = 8,
  OFF_SIG = OFF_KEY + GNS_ZONE_KEY_LEN,
  OFF_EXP = OFF_SIG + GNS_ZONE_SIG_LEN,
  OFF_BDATA = OFF_EXP + 8,
};
_Static_assert(OFF_BDATA == GNS_RRBLOCK_HEADER_LEN, "RRBLOCK header layout");

#define SIGNED_HEADER_LEN 16u /* SIZE(4) PURPOSE(4) EXPIRATION(8) */

/* Check the block's shape; on success *ztype and *bdata_len are set. The
 * ztype is read before the rest of the header because the header's
 * length depends on it. */
static int check_shape(const uint8_t *block, size_t len, uint32_t *ztype, size_t *bdata_len) {
  if (!block || len < OFF_KEY) return -EBADMSG;
  if (len > GNS_RRBLOCK_MAX || gns_get_u32(block + OFF_SIZE) != len) return -EBADMSG;
  uint32_t t = gns_get_u32(block + OFF_ZTYPE);
  if (!gns_ztype_supported(t)) return -EPROTONOSUPPORT;
  if (len < GNS_RRBLOCK_HEADER_LEN + gns_zone_cipher_overhead(t)) return -EBADMSG;
  *ztype = t;
  *bdata_len = len - GNS_RRBLOCK_HEADER_LEN;
  return 0;
}

/* The data SIGNATURE covers (RFC 9498, 6.3, "The Wire Format Used for
 * Creating the Signature of the RRBLOCK"). malloc'ed. */
static uint8_t *signed_data(uint64_t expiration, const uint8_t *bdata, size_t bdata_len,
                            size_t *out_len) {
  size_t n = SIGNED_HEADER_LEN + bdata_len;
  uint8_t *m = malloc(n);
  if (!m) return NULL;
  gns_put_u32(m, (uint32_t)n);
  gns_put_u32(m + 4, GNS_SIGPURPOSE_GNS_RECORD_SIGN);
  gns_put_u64(m + 8, expiration);
  if (bdata_len) memcpy(m + SIGNED_HEADER_LEN, bdata, bdata_len);
  *out_len = n;
  return m;
}

int gns_rrblock_query(const struct gns_zone_key *zk, const uint8_t *label, size_t label_len,
                      uint8_t q[GNS_Q_LEN]) {
  struct gns_zone_key derived;
  /* RFC 9498, 6.1: q := SHA-512(ZKDF(zkey, label)) */
  int r = gns_zone_key_derive(zk, label, label_len, &derived);
  if (r != 0) return r;
  crypto_hash_sha512(q, derived.key, sizeof derived.key);
  return 0;
}

int gns_rrblock_query_of(const uint8_t *block, size_t len, uint8_t q[GNS_Q_LEN]) {
  uint32_t ztype;
  size_t bdata_len;
  int r = check_shape(block, len, &ztype, &bdata_len);
  if (r != 0) return r;
  if (gns_crypto_init() != 0) return -EIO;
  crypto_hash_sha512(q, block + OFF_KEY, GNS_ZONE_KEY_LEN);
  return 0;
}

uint64_t gns_rrblock_expiration(const uint8_t *block, size_t len) {
  if (!block || len < OFF_BDATA) return 0;
  return gns_get_u64(block + OFF_EXP);
}

int gns_rrblock_create_from_rdata(const struct gns_zone_priv *priv, const uint8_t *label,
                                  size_t label_len, const uint8_t *rdata, size_t rdata_len,
                                  uint64_t expiration, uint8_t **out, size_t *out_len) {
  struct gns_zone_key zk, derived;
  uint8_t *block = NULL, *msg = NULL;
  size_t msg_len = 0;

  if (!gns_ztype_supported(priv->ztype)) return -EPROTONOSUPPORT;
  if (rdata_len > GNS_RDATA_MAX) return -E2BIG;
  size_t bdata_len = rdata_len + gns_zone_cipher_overhead(priv->ztype);
  size_t len = GNS_RRBLOCK_HEADER_LEN + bdata_len;

  int r = gns_zone_priv_public(priv, &zk);
  if (r == 0) r = gns_zone_key_derive(&zk, label, label_len, &derived);
  if (r != 0) return r;
  block = malloc(len);
  if (!block) return -ENOMEM;
  gns_put_u32(block + OFF_SIZE, (uint32_t)len);
  gns_put_u32(block + OFF_ZTYPE, priv->ztype);
  memcpy(block + OFF_KEY, derived.key, GNS_ZONE_KEY_LEN);
  gns_put_u64(block + OFF_EXP, expiration);
  /* RFC 9498, 6.3: BDATA := S-Encrypt(zkey, label, EXPIRATION, RDATA) */
  r = gns_zone_encrypt(&zk, label, label_len, expiration, rdata, rdata_len, block + OFF_BDATA);
  if (r != 0) goto fail;
  msg = signed_data(expiration, block + OFF_BDATA, bdata_len, &msg_len);
  if (!msg) {
    r = -ENOMEM;
    goto fail;
  }
  /* SIGNATURE := SignDerived(d, label, SIZE' || PURPOSE || EXPIRATION || BDATA) */
  r = gns_zone_sign_derived(priv, label, label_len, msg, msg_len, block + OFF_SIG);
  free(msg);
  if (r != 0) goto fail;
  *out = block;
  *out_len = len;
  return 0;
fail:
  free(block);
  return r;
}

int gns_rrblock_create(const struct gns_zone_priv *priv, const uint8_t *label, size_t label_len,
                       const struct gns_record *rd, size_t n, uint64_t expiration, uint8_t **out,
                       size_t *out_len) {
  size_t size = 0, written = 0;
  if (!gns_ztype_supported(priv->ztype)) return -EPROTONOSUPPORT;
  /* RFC 9498, 6.2: RDATA (padded to a power of two unless it is a
   * delegation-only set); the serialiser refuses relative expirations. */
  int r = gns_rdata_size(rd, n, &size);
  if (r != 0) return r;
  uint8_t *rdata = malloc(size ? size : 1);
  if (!rdata) return -ENOMEM;
  r = gns_rdata_serialize(rd, n, rdata, size, &written);
  if (r == 0)
    r = gns_rrblock_create_from_rdata(priv, label, label_len, rdata, written, expiration, out,
                                      out_len);
  /* The plaintext of a private record set. */
  sodium_memzero(rdata, size);
  free(rdata);
  return r;
}

int gns_rrblock_verify(const uint8_t *block, size_t len, const uint8_t q[GNS_Q_LEN], uint64_t now) {
  uint32_t ztype;
  size_t bdata_len, msg_len = 0;
  int r = check_shape(block, len, &ztype, &bdata_len);
  if (r != 0) return r;
  if (gns_crypto_init() != 0) return -EIO;
  uint64_t expiration = gns_get_u64(block + OFF_EXP);
  /* RFC 9498, 7.3: check that the block is not expired, that the SHA-512
   * hash of the derived key is q, and the signature. Cheap checks first. */
  if (expiration <= now) return -ESTALE;
  if (q) {
    uint8_t mine[GNS_Q_LEN];
    crypto_hash_sha512(mine, block + OFF_KEY, GNS_ZONE_KEY_LEN);
    if (sodium_memcmp(mine, q, GNS_Q_LEN) != 0) return -EPROTO;
  }
  struct gns_zone_key derived = {.ztype = ztype};
  memcpy(derived.key, block + OFF_KEY, GNS_ZONE_KEY_LEN);
  uint8_t *msg = signed_data(expiration, block + OFF_BDATA, bdata_len, &msg_len);
  if (!msg) return -ENOMEM;
  r = gns_zone_verify(&derived, msg, msg_len, block + OFF_SIG);
  free(msg);
  return r;
}

int gns_rrblock_decrypt(const uint8_t *block, size_t len, const struct gns_zone_key *zk,
                        const uint8_t *label, size_t label_len, uint8_t **rdata_out,
                        size_t *rdata_len) {
  uint32_t ztype;
  size_t bdata_len;
  int r = check_shape(block, len, &ztype, &bdata_len);
  if (r != 0) return r;
  if (zk->ztype != ztype) return -EINVAL;
  size_t n = bdata_len - gns_zone_cipher_overhead(ztype);
  uint8_t *out = malloc(n ? n : 1);
  if (!out) return -ENOMEM;
  r = gns_zone_decrypt(zk, label, label_len, gns_get_u64(block + OFF_EXP), block + OFF_BDATA,
                       bdata_len, out);
  if (r != 0) {
    free(out);
    return r;
  }
  *rdata_out = out;
  *rdata_len = n;
  return 0;
}

int gns_rrblock_open(const uint8_t *block, size_t len, const struct gns_zone_key *zk,
                     const uint8_t *label, size_t label_len, uint64_t now, uint8_t **rdata_out,
                     size_t *rdata_len) {
  uint8_t q[GNS_Q_LEN];
  int r = gns_rrblock_query(zk, label, label_len, q);
  if (r == 0) r = gns_rrblock_verify(block, len, q, now);
  if (r == 0) r = gns_rrblock_decrypt(block, len, zk, label, label_len, rdata_out, rdata_len);
  return r;
}
