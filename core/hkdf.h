/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal: the HKDF of RFC 9498 (RFC 5869 with HMAC-SHA-512 for
 * HKDF-Extract and HMAC-SHA-256 for HKDF-Expand, RFC 9498, 5.1.1), and the
 * one-time initialisation of the crypto libraries. Not part of the API. */
#ifndef GNS_HKDF_H
#define GNS_HKDF_H

#include <stddef.h>
#include <stdint.h>

#define GNS_HKDF_PRK_LEN 64u /* HMAC-SHA-512 output */

/* PRK := HKDF-Extract(salt, ikm). */
void gns_hkdf_extract(uint8_t prk[GNS_HKDF_PRK_LEN], const void *salt, size_t salt_len,
                      const void *ikm, size_t ikm_len);

/* OKM := HKDF-Expand(PRK, info1 || info2, out_len); out_len <= 255 * 32.
 * The info is given in two pieces so that label || "gns" need not be
 * copied. -EINVAL if out_len is too large. */
int gns_hkdf_expand(uint8_t *out, size_t out_len, const uint8_t prk[GNS_HKDF_PRK_LEN],
                    const void *info1, size_t info1_len, const void *info2, size_t info2_len);

/* Extract then expand; wipes the PRK. */
int gns_hkdf(uint8_t *out, size_t out_len, const void *salt, size_t salt_len, const void *ikm,
             size_t ikm_len, const void *info1, size_t info1_len, const void *info2,
             size_t info2_len);

/* The 64-byte blinding factor h of ZKDF and SignDerived (both zone
 * types): HKDF("key-derivation", zkey, label || "gns"). */
int gns_hkdf_zkdf_h(uint8_t h[64], const uint8_t zkey[32], const uint8_t *label, size_t label_len);

/* h mod L, little-endian (libsodium's scalars), from the 64-byte h read
 * in network byte order (RFC 9498, 5.1.1 and 5.1.2). */
void gns_hkdf_h_scalar(uint8_t out[32], const uint8_t h[64]);

/* ZKDF(zkey, label) of both zone types, RFC 9498, 5.1.1 and 5.1.2:
 * zkey' := (h mod L) * zkey. -EINVAL for a zkey outside the prime-order
 * subgroup (libsodium refuses those; no honest zone key is one). */
int gns_hkdf_zkdf(uint8_t out[32], const uint8_t zkey[32], const uint8_t *label, size_t label_len);

/* The symmetric key and nonce of an RRBLOCK (both zone types, RFC 9498,
 * 5.1.1 and 5.1.2, each with its own context strings):
 *   K := HKDF-Expand(HKDF-Extract(ctx_key, zkey), label, 256 / 8)
 *   NONCE := HKDF-Expand(HKDF-Extract(ctx_nonce, zkey), label, nonce_len)
 * On failure key is wiped. */
int gns_hkdf_block_key(uint8_t key[32], uint8_t *nonce, size_t nonce_len, const char *ctx_key,
                       const char *ctx_nonce, const uint8_t zkey[32], const uint8_t *label,
                       size_t label_len);

/* Initialise libsodium and libgcrypt once per process (thread-safe,
 * idempotent; leaves libgcrypt alone if the application set it up).
 * Returns 0 or -EIO. Every public entry point that uses either library
 * calls this first, so callers never have to. */
int gns_crypto_init(void);

#endif
