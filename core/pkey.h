/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal: the PKEY zone type (RFC 9498, 5.1.1). Private keys are the
 * 32-byte big-endian scalar d; zone keys are Ed25519 point encodings.
 * Callers (zonekey.c) have checked lengths and called gns_crypto_init. */
#ifndef GNS_PKEY_H
#define GNS_PKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GNS_PKEY_IV_LEN 16u /* NONCE(4) || EXPIRATION(8) || BLOCK COUNTER(4) */

void gns_pkey_generate(uint8_t d[32]);
int gns_pkey_public(const uint8_t d[32], uint8_t zkey[32]);
int gns_pkey_derive_public(const uint8_t zkey[32], const uint8_t *label, size_t label_len,
                           uint8_t out[32]);
int gns_pkey_derive_priv(const uint8_t d[32], const uint8_t *label, size_t label_len,
                         uint8_t dprime[32]);
int gns_pkey_sign(const uint8_t d[32], const uint8_t *msg, size_t len, uint8_t sig[64]);
int gns_pkey_sign_derived(const uint8_t d[32], const uint8_t *label, size_t label_len,
                          const uint8_t *msg, size_t len, uint8_t sig[64]);
/* zkey is a point libgcrypt can verify with (see pkey.c). */
bool gns_pkey_key_usable(const uint8_t zkey[32]);
int gns_pkey_verify(const uint8_t zkey[32], const uint8_t *msg, size_t len, const uint8_t sig[64]);
int gns_pkey_symmetric_key(const uint8_t zkey[32], const uint8_t *label, size_t label_len,
                           uint64_t expiration, uint8_t key[32], uint8_t iv[GNS_PKEY_IV_LEN]);
/* CTR mode is its own inverse: S-Encrypt and S-Decrypt are both this. */
int gns_pkey_crypt(const uint8_t zkey[32], const uint8_t *label, size_t label_len,
                   uint64_t expiration, const uint8_t *in, size_t len, uint8_t *out);

#endif
