/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* HKDF as RFC 9498 uses it (5.1.1, 5.1.2): RFC 5869 with HMAC-SHA-512 as
 * the extraction and HMAC-SHA-256 as the expansion PRF, and the blinding
 * factor h of ZKDF. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <gcrypt.h>
#include <sodium.h>
#include "hkdf.h"

void gns_hkdf_extract(uint8_t prk[GNS_HKDF_PRK_LEN], const void *salt, size_t salt_len,
                      const void *ikm, size_t ikm_len) {
  crypto_auth_hmacsha512_state st;
  /* RFC 5869, 2.2: an absent salt is HashLen zero bytes; HMAC pads a
   * shorter key with zeros, so an empty key gives the same result. */
  crypto_auth_hmacsha512_init(&st, salt, salt_len);
  crypto_auth_hmacsha512_update(&st, ikm, ikm_len);
  crypto_auth_hmacsha512_final(&st, prk);
  sodium_memzero(&st, sizeof st);
}

int gns_hkdf_expand(uint8_t *out, size_t out_len, const uint8_t prk[GNS_HKDF_PRK_LEN],
                    const void *info1, size_t info1_len, const void *info2, size_t info2_len) {
  uint8_t t[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  size_t done = 0;

  if (out_len > 255u * sizeof t) return -EINVAL;
  for (unsigned i = 1; done < out_len; i++) {
    uint8_t ctr = (uint8_t)i;
    crypto_auth_hmacsha256_init(&st, prk, GNS_HKDF_PRK_LEN);
    if (i > 1) crypto_auth_hmacsha256_update(&st, t, sizeof t); /* T(i-1) */
    if (info1_len) crypto_auth_hmacsha256_update(&st, info1, info1_len);
    if (info2_len) crypto_auth_hmacsha256_update(&st, info2, info2_len);
    crypto_auth_hmacsha256_update(&st, &ctr, 1);
    crypto_auth_hmacsha256_final(&st, t);
    size_t n = out_len - done < sizeof t ? out_len - done : sizeof t;
    memcpy(out + done, t, n);
    done += n;
  }
  sodium_memzero(t, sizeof t);
  sodium_memzero(&st, sizeof st);
  return 0;
}

int gns_hkdf(uint8_t *out, size_t out_len, const void *salt, size_t salt_len, const void *ikm,
             size_t ikm_len, const void *info1, size_t info1_len, const void *info2,
             size_t info2_len) {
  uint8_t prk[GNS_HKDF_PRK_LEN];
  gns_hkdf_extract(prk, salt, salt_len, ikm, ikm_len);
  int r = gns_hkdf_expand(out, out_len, prk, info1, info1_len, info2, info2_len);
  sodium_memzero(prk, sizeof prk);
  return r;
}

int gns_hkdf_zkdf_h(uint8_t h[64], const uint8_t zkey[32], const uint8_t *label, size_t label_len) {
  /* RFC 9498, 5.1.1 and 5.1.2:
   *   PRK_h := HKDF-Extract("key-derivation", zkey)
   *   h := HKDF-Expand(PRK_h, label || "gns", 512 / 8) */
  static const char salt[] = "key-derivation";
  static const char ctx[] = "gns";
  return gns_hkdf(h, 64, salt, sizeof salt - 1, zkey, 32, label, label_len, ctx, sizeof ctx - 1);
}

void gns_hkdf_h_scalar(uint8_t out[32], const uint8_t h[64]) {
  uint8_t wide[64];
  for (size_t i = 0; i < 64; i++)
    wide[i] = h[63 - i];
  crypto_core_ed25519_scalar_reduce(out, wide);
  sodium_memzero(wide, sizeof wide);
}

int gns_hkdf_zkdf(uint8_t out[32], const uint8_t zkey[32], const uint8_t *label, size_t label_len) {
  uint8_t h[64], hs[32];
  int r = gns_hkdf_zkdf_h(h, zkey, label, label_len);
  if (r == 0) {
    gns_hkdf_h_scalar(hs, h);
    if (crypto_scalarmult_ed25519_noclamp(out, hs, zkey) != 0) r = -EINVAL;
  }
  sodium_memzero(h, sizeof h);
  sodium_memzero(hs, sizeof hs);
  return r;
}

int gns_hkdf_block_key(uint8_t key[32], uint8_t *nonce, size_t nonce_len, const char *ctx_key,
                       const char *ctx_nonce, const uint8_t zkey[32], const uint8_t *label,
                       size_t label_len) {
  int r = gns_hkdf(key, 32, ctx_key, strlen(ctx_key), zkey, 32, label, label_len, NULL, 0);
  if (r == 0)
    r = gns_hkdf(nonce, nonce_len, ctx_nonce, strlen(ctx_nonce), zkey, 32, label, label_len, NULL,
                 0);
  if (r != 0) sodium_memzero(key, 32);
  return r;
}

/* The once-flag is the only process state in core/, and it is invisible
 * to callers: initialising twice is harmless, only wasteful. */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result = -EIO;

static void init_libraries(void) {
  if (sodium_init() < 0) return;
  /* Respect an application that initialised libgcrypt itself. Otherwise
   * set up a small secure-memory pool: S-expressions built from a secure
   * format string live there and libgcrypt wipes them on release, which
   * is how the PKEY private scalar handed to gcry_pk_sign gets wiped. The
   * warning about unlockable memory is silenced: wiping still works. */
  if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
    if (!gcry_check_version(GCRYPT_VERSION)) return;
    gcry_control(GCRYCTL_DISABLE_SECMEM_WARN, 0);
    gcry_control(GCRYCTL_INIT_SECMEM, 32768, 0);
    gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
  }
  init_result = 0;
}

int gns_crypto_init(void) {
  pthread_once(&init_once, init_libraries);
  return init_result;
}
