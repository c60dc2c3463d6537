/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Zone types behind one interface: RFC 9498, section 4 and 5.1.
 * PKEY (65536): ECDSA over Ed25519 with RFC 6979 nonces (libgcrypt),
 * AES-256-CTR.  EDKEY (65556): EdDSA with key blinding (libsodium),
 * XSalsa20-Poly1305.  All functions are pure and deterministic except
 * gns_zone_priv_generate, which draws from libsodium's randombytes. */
#ifndef GNS_ZONEKEY_H
#define GNS_ZONEKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GNS_ZTYPE_PKEY 65536u
#define GNS_ZTYPE_EDKEY 65556u

#define GNS_ZONE_KEY_LEN 32u                    /* zkey length of both zone types */
#define GNS_ZONE_SIG_LEN 64u                    /* signature length of both zone types */
#define GNS_ZONE_ID_LEN (4u + GNS_ZONE_KEY_LEN) /* ztype || zkey */

/* Public zone key (zkey) with its type. */
struct gns_zone_key {
  uint32_t ztype;
  uint8_t key[GNS_ZONE_KEY_LEN];
};

/* Private zone key. PKEY: d as a 32-byte big-endian scalar (as the RFC
 * prints it). EDKEY: the 32-byte Ed25519 seed d. Wipe with
 * gns_zone_priv_wipe(). */
struct gns_zone_priv {
  uint32_t ztype;
  uint8_t d[32];
};

/* True if ztype is one we implement. Inline so that code which only
 * classifies zone types need not link the crypto libraries. */
static inline bool gns_ztype_supported(uint32_t ztype) {
  return ztype == GNS_ZTYPE_PKEY || ztype == GNS_ZTYPE_EDKEY;
}

/* Extra bytes that S-Encrypt adds to the plaintext (0 for PKEY, 16 for
 * EDKEY: the Poly1305 tag, RFC 9498, 5.1.2). */
static inline size_t gns_zone_cipher_overhead(uint32_t ztype) {
  return ztype == GNS_ZTYPE_EDKEY ? 16u : 0u;
}

int gns_zone_priv_generate(uint32_t ztype, struct gns_zone_priv *out);
int gns_zone_priv_from_bytes(uint32_t ztype, const uint8_t *d, size_t len,
                             struct gns_zone_priv *out);
int gns_zone_priv_public(const struct gns_zone_priv *priv, struct gns_zone_key *out);
void gns_zone_priv_wipe(struct gns_zone_priv *priv);

/* ztype||zkey wire form (GNS_ZONE_ID_LEN bytes). from_bytes returns
 * -EPROTONOSUPPORT for an unknown ztype, -EINVAL for a wrong length or a
 * key that is not a valid curve point (canonical, in the prime-order
 * subgroup; for PKEY also not one of the rare points libgcrypt cannot
 * verify with, see core/pkey.c). */
int gns_zone_key_to_bytes(const struct gns_zone_key *zk, uint8_t out[GNS_ZONE_ID_LEN]);
int gns_zone_key_from_bytes(const uint8_t *buf, size_t len, struct gns_zone_key *out);
bool gns_zone_key_equal(const struct gns_zone_key *a, const struct gns_zone_key *b);

/* ZKDF(zkey, label) -> zkey'. Label is raw UTF-8 bytes (already NFC). */
int gns_zone_key_derive(const struct gns_zone_key *zk, const uint8_t *label, size_t label_len,
                        struct gns_zone_key *out);

/* Sign(d, message) / Verify(zkey, message, signature). Verify returns 0 if
 * valid, -EBADMSG if not. */
int gns_zone_sign(const struct gns_zone_priv *priv, const uint8_t *msg, size_t len,
                  uint8_t sig[GNS_ZONE_SIG_LEN]);
int gns_zone_verify(const struct gns_zone_key *zk, const uint8_t *msg, size_t len,
                    const uint8_t sig[GNS_ZONE_SIG_LEN]);

/* SignDerived(d, label, message); verification of a derived signature is
 * gns_zone_verify with zkey' = ZKDF(zkey, label). If derived_priv_out is
 * not NULL it receives d' (big-endian, as the RFC vectors print it), for
 * tests only. */
int gns_zone_sign_derived(const struct gns_zone_priv *priv, const uint8_t *label, size_t label_len,
                          const uint8_t *msg, size_t len, uint8_t sig[GNS_ZONE_SIG_LEN]);
int gns_zone_derive_priv(const struct gns_zone_priv *priv, const uint8_t *label, size_t label_len,
                         uint8_t dprime_be[32]);
/* EDKEY only, for tests: the derived signing nonce
 * SHA-256(dh[32..63] || h) that RFC 9498, 5.1.2 prints.
 * -EOPNOTSUPP for other zone types. */
int gns_zone_derive_nonce(const struct gns_zone_priv *priv, const uint8_t *label, size_t label_len,
                          uint8_t nonce[32]);

/* S-Encrypt / S-Decrypt. out has room for len + gns_zone_cipher_overhead()
 * (encrypt) or len - overhead (decrypt). Decrypt returns -EBADMSG if the
 * EDKEY authenticator does not match. */
int gns_zone_encrypt(const struct gns_zone_key *zk, const uint8_t *label, size_t label_len,
                     uint64_t expiration, const uint8_t *in, size_t len, uint8_t *out);
int gns_zone_decrypt(const struct gns_zone_key *zk, const uint8_t *label, size_t label_len,
                     uint64_t expiration, const uint8_t *in, size_t len, uint8_t *out);

/* Intermediate values printed by the RFC's test vectors, for tests:
 * K (32 bytes) and the nonce/IV (16 bytes for PKEY: NONCE|EXPIRATION|COUNTER;
 * 24 bytes for EDKEY: NONCE|EXPIRATION). *iv_len is set. */
int gns_zone_symmetric_key(const struct gns_zone_key *zk, const uint8_t *label, size_t label_len,
                           uint64_t expiration, uint8_t key[32], uint8_t iv[24], size_t *iv_len);

#endif
