/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* EDKEY zones, RFC 9498, 5.1.2: Ed25519 with key blinding (after Tor's
 * rend-spec-v3, A.2) and XSalsa20-Poly1305, all with libsodium. */
#include <errno.h>
#include <string.h>
#include <sodium.h>
#include "gns-util.h"
#include "hkdf.h"
#include "edkey.h"

/* h mod L (gns_hkdf_h_scalar): RFC 9498, 5.1.2's pseudo-code also shows
 * "h[31] &= 7" before the reduction; the RFC's own test vectors (D.2 (3)
 * and (4)) and GNUnet do not apply that step, so neither do we
 * (tests/test-vectors.c fails if it is added). */

void gns_edkey_generate(uint8_t d[32]) {
  randombytes_buf(d, 32);
}

int gns_edkey_public(const uint8_t d[32], uint8_t zkey[32]) {
  uint8_t sk[crypto_sign_SECRETKEYBYTES];
  int r = crypto_sign_seed_keypair(zkey, sk, d) == 0 ? 0 : -EIO;
  sodium_memzero(sk, sizeof sk);
  return r;
}

int gns_edkey_derive_public(const uint8_t zkey[32], const uint8_t *label, size_t label_len,
                            uint8_t out[32]) {
  return gns_hkdf_zkdf(out, zkey, label, label_len); /* RFC 9498, 5.1.2 */
}

/* The derived signing key of RFC 9498, 5.1.2, SignDerived:
 *   dh := SHA-512(d); a := clamp(dh[0..31]); zkey := a*G
 *   a1 := a >> 3; a2 := (h mod L) * a1 mod L; d' := a2 << 3
 *   nonce := SHA-256(dh[32..63] || h)
 * d' is kept unreduced (< 8L) because that is what the RFC prints;
 * dprime_mod is d' mod L for the arithmetic. */
struct derived {
  uint8_t dprime[32];     /* little-endian, unreduced */
  uint8_t dprime_mod[32]; /* little-endian, mod L */
  uint8_t nonce[32];
};

static int derive(struct derived *out, const uint8_t d[32], const uint8_t *label,
                  size_t label_len) {
  uint8_t dh[64], zkey[32], h[64], hs[32], a1[32], a2[32], wide[64] = {0};
  crypto_hash_sha256_state st;
  int r;

  crypto_hash_sha512(dh, d, 32);
  dh[0] &= 248;
  dh[31] &= 127;
  dh[31] |= 64;
  if (crypto_scalarmult_ed25519_base_noclamp(zkey, dh) != 0) {
    r = -EIO;
    goto out;
  }
  r = gns_hkdf_zkdf_h(h, zkey, label, label_len);
  if (r != 0) goto out;
  gns_hkdf_h_scalar(hs, h);

  /* a1 := a >> 3 (a is a multiple of 8, so this is exact) */
  for (size_t i = 0; i < 32; i++)
    a1[i] = (uint8_t)(dh[i] >> 3 | (i < 31 ? dh[i + 1] << 5 : 0));
  crypto_core_ed25519_scalar_mul(a2, hs, a1);
  /* d' := a2 << 3; a2 < L < 2^253, so this fits in 256 bits */
  for (size_t i = 0; i < 32; i++)
    out->dprime[i] = (uint8_t)(a2[i] << 3 | (i > 0 ? a2[i - 1] >> 5 : 0));
  memcpy(wide, out->dprime, 32);
  crypto_core_ed25519_scalar_reduce(out->dprime_mod, wide);

  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, dh + 32, 32);
  crypto_hash_sha256_update(&st, h, sizeof h);
  crypto_hash_sha256_final(&st, out->nonce);
out:
  sodium_memzero(dh, sizeof dh);
  sodium_memzero(h, sizeof h);
  sodium_memzero(hs, sizeof hs);
  sodium_memzero(a1, sizeof a1);
  sodium_memzero(a2, sizeof a2);
  sodium_memzero(wide, sizeof wide);
  sodium_memzero(&st, sizeof st);
  if (r != 0) sodium_memzero(out, sizeof *out);
  return r;
}

int gns_edkey_derive_priv(const uint8_t d[32], const uint8_t *label, size_t label_len,
                          uint8_t dprime_be[32], uint8_t nonce[32]) {
  struct derived k;
  int r = derive(&k, d, label, label_len);
  if (r == 0) {
    if (dprime_be)
      for (size_t i = 0; i < 32; i++)
        dprime_be[i] = k.dprime[31 - i];
    if (nonce) memcpy(nonce, k.nonce, 32);
  }
  sodium_memzero(&k, sizeof k);
  return r;
}

int gns_edkey_sign(const uint8_t d[32], const uint8_t *msg, size_t len, uint8_t sig[64]) {
  /* RFC 9498, 5.1.2: Sign() is plain Ed25519 (RFC 8032) with the seed d. */
  uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  int r = -EIO;
  if (crypto_sign_seed_keypair(pk, sk, d) == 0 &&
      crypto_sign_detached(sig, NULL, msg, len, sk) == 0)
    r = 0;
  sodium_memzero(sk, sizeof sk);
  return r;
}

int gns_edkey_sign_derived(const uint8_t d[32], const uint8_t *label, size_t label_len,
                           const uint8_t *msg, size_t len, uint8_t sig[64]) {
  /* RFC 9498, 5.1.2, SignDerived:
   *   r := SHA-512(nonce || message); R := r*G
   *   S := r + SHA-512(R || zkey' || message) * d' mod L */
  struct derived k;
  uint8_t zkp[32], rh[64], rs[32], hram[64], hs[32], t[32];
  crypto_hash_sha512_state st;
  int r = derive(&k, d, label, label_len);
  if (r != 0) return r;
  r = -EIO;
  if (crypto_scalarmult_ed25519_base_noclamp(zkp, k.dprime_mod) != 0) goto out;

  crypto_hash_sha512_init(&st);
  crypto_hash_sha512_update(&st, k.nonce, sizeof k.nonce);
  crypto_hash_sha512_update(&st, msg, len);
  crypto_hash_sha512_final(&st, rh);
  crypto_core_ed25519_scalar_reduce(rs, rh);
  if (crypto_scalarmult_ed25519_base_noclamp(sig, rs) != 0) goto out; /* R */

  crypto_hash_sha512_init(&st);
  crypto_hash_sha512_update(&st, sig, 32);
  crypto_hash_sha512_update(&st, zkp, sizeof zkp);
  crypto_hash_sha512_update(&st, msg, len);
  crypto_hash_sha512_final(&st, hram);
  crypto_core_ed25519_scalar_reduce(hs, hram);
  crypto_core_ed25519_scalar_mul(t, hs, k.dprime_mod);
  crypto_core_ed25519_scalar_add(sig + 32, t, rs); /* S */
  r = 0;
out:
  sodium_memzero(&k, sizeof k);
  sodium_memzero(rh, sizeof rh);
  sodium_memzero(rs, sizeof rs);
  sodium_memzero(t, sizeof t);
  sodium_memzero(&st, sizeof st);
  return r;
}

int gns_edkey_verify(const uint8_t zkey[32], const uint8_t *msg, size_t len,
                     const uint8_t sig[64]) {
  return crypto_sign_verify_detached(sig, msg, len, zkey) == 0 ? 0 : -EBADMSG;
}

int gns_edkey_symmetric_key(const uint8_t zkey[32], const uint8_t *label, size_t label_len,
                            uint64_t expiration, uint8_t key[32], uint8_t iv[GNS_EDKEY_IV_LEN]) {
  /* RFC 9498, 5.1.2:
   *   K := HKDF-Expand(HKDF-Extract("gns-xsalsa-ctx-key", zkey), label, 256 / 8)
   *   NONCE := HKDF-Expand(HKDF-Extract("gns-xsalsa-ctx-iv", zkey), label, 128 / 8)
   *   IV := NONCE || EXPIRATION */
  int r = gns_hkdf_block_key(key, iv, 16, "gns-xsalsa-ctx-key", "gns-xsalsa-ctx-iv", zkey, label,
                             label_len);
  if (r != 0) return r;
  gns_put_u64(iv + 16, expiration);
  return 0;
}

/* BDATA is the Poly1305 tag followed by the XSalsa20 ciphertext: the
 * layout of crypto_secretbox_easy, which is what GNUnet produces and what
 * the RFC's test vectors show. */
int gns_edkey_encrypt(const uint8_t zkey[32], const uint8_t *label, size_t label_len,
                      uint64_t expiration, const uint8_t *in, size_t len, uint8_t *out) {
  uint8_t key[32], iv[GNS_EDKEY_IV_LEN];
  int r = gns_edkey_symmetric_key(zkey, label, label_len, expiration, key, iv);
  if (r != 0) return r;
  if (crypto_secretbox_detached(out + GNS_EDKEY_TAG_LEN, out, in, len, iv, key) != 0) r = -EIO;
  sodium_memzero(key, sizeof key);
  return r;
}

int gns_edkey_decrypt(const uint8_t zkey[32], const uint8_t *label, size_t label_len,
                      uint64_t expiration, const uint8_t *in, size_t len, uint8_t *out) {
  uint8_t key[32], iv[GNS_EDKEY_IV_LEN];
  if (len < GNS_EDKEY_TAG_LEN) return -EBADMSG;
  int r = gns_edkey_symmetric_key(zkey, label, label_len, expiration, key, iv);
  if (r != 0) return r;
  if (crypto_secretbox_open_detached(out, in + GNS_EDKEY_TAG_LEN, in, len - GNS_EDKEY_TAG_LEN, iv,
                                     key) != 0)
    r = -EBADMSG;
  sodium_memzero(key, sizeof key);
  return r;
}
