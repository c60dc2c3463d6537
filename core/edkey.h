/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal: the EDKEY zone type (RFC 9498, 5.1.2). Private keys are the
 * 32-byte Ed25519 seed d; zone keys are standard Ed25519 public keys.
 * Callers (zonekey.c) have checked lengths and called gns_crypto_init. */
#ifndef GNS_EDKEY_H
#define GNS_EDKEY_H

#include <stddef.h>
#include <stdint.h>

#define GNS_EDKEY_IV_LEN 24u  /* NONCE(16) || EXPIRATION(8) */
#define GNS_EDKEY_TAG_LEN 16u /* Poly1305 */

void gns_edkey_generate(uint8_t d[32]);
int gns_edkey_public(const uint8_t d[32], uint8_t zkey[32]);
int gns_edkey_derive_public(const uint8_t zkey[32], const uint8_t *label, size_t label_len,
                            uint8_t out[32]);
/* d' big-endian as the RFC prints it and the signing nonce; either output
 * may be NULL. */
int gns_edkey_derive_priv(const uint8_t d[32], const uint8_t *label, size_t label_len,
                          uint8_t dprime_be[32], uint8_t nonce[32]);
int gns_edkey_sign(const uint8_t d[32], const uint8_t *msg, size_t len, uint8_t sig[64]);
int gns_edkey_sign_derived(const uint8_t d[32], const uint8_t *label, size_t label_len,
                           const uint8_t *msg, size_t len, uint8_t sig[64]);
int gns_edkey_verify(const uint8_t zkey[32], const uint8_t *msg, size_t len, const uint8_t sig[64]);
int gns_edkey_symmetric_key(const uint8_t zkey[32], const uint8_t *label, size_t label_len,
                            uint64_t expiration, uint8_t key[32], uint8_t iv[GNS_EDKEY_IV_LEN]);
/* out has len + 16 bytes: the tag, then the ciphertext. */
int gns_edkey_encrypt(const uint8_t zkey[32], const uint8_t *label, size_t label_len,
                      uint64_t expiration, const uint8_t *in, size_t len, uint8_t *out);
/* len >= 16; out has len - 16 bytes. -EBADMSG if the tag does not match. */
int gns_edkey_decrypt(const uint8_t zkey[32], const uint8_t *label, size_t label_len,
                      uint64_t expiration, const uint8_t *in, size_t len, uint8_t *out);

#endif
