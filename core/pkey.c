/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PKEY zones, RFC 9498, 5.1.1: ECDSA over Ed25519 with RFC 6979 nonces
 * and AES-256-CTR. Point and scalar arithmetic use libsodium's
 * constant-time Ed25519 primitives; ECDSA (which needs the affine x
 * coordinate of k*G) and AES use libgcrypt, in the same way as GNUnet, so
 * that signatures are identical byte for byte. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <gcrypt.h>
#include <sodium.h>
#include "gns-util.h"
#include "hkdf.h"
#include "pkey.h"

/* libsodium scalars are little-endian, the RFC's d is big-endian. */
static void reverse32(uint8_t out[32], const uint8_t in[32]) {
  for (size_t i = 0; i < 32; i++)
    out[i] = in[31 - i];
}

/* d mod L, little-endian. */
static void scalar_of_d(uint8_t out[32], const uint8_t d[32]) {
  uint8_t wide[64] = {0};
  for (size_t i = 0; i < 32; i++)
    wide[i] = d[31 - i];
  crypto_core_ed25519_scalar_reduce(out, wide);
  sodium_memzero(wide, sizeof wide);
}

/* h mod L, little-endian. RFC 9498, 5.1.1: "h is the 512-bit HKDF
 * expansion result and must be interpreted in network byte order". */
static int blinding_scalar(uint8_t out[32], const uint8_t zkey[32], const uint8_t *label,
                           size_t label_len) {
  uint8_t h[64];
  int r = gns_hkdf_zkdf_h(h, zkey, label, label_len);
  if (r == 0) gns_hkdf_h_scalar(out, h);
  sodium_memzero(h, sizeof h);
  return r;
}

void gns_pkey_generate(uint8_t d[32]) {
  randombytes_buf(d, 32);
  /* Clamp as GNUnet's KeyGen does (d is stored big-endian here, so the
   * least significant byte is d[31]): a multiple of 8 below 2^255 with
   * bit 254 set. */
  d[31] &= 248;
  d[0] &= 127;
  d[0] |= 64;
}

int gns_pkey_public(const uint8_t d[32], uint8_t zkey[32]) {
  uint8_t s[32];
  scalar_of_d(s, d);
  /* zkey := d*G; fails only for d = 0 mod L. */
  int r = crypto_scalarmult_ed25519_base_noclamp(zkey, s) == 0 ? 0 : -EINVAL;
  sodium_memzero(s, sizeof s);
  return r;
}

int gns_pkey_derive_public(const uint8_t zkey[32], const uint8_t *label, size_t label_len,
                           uint8_t out[32]) {
  return gns_hkdf_zkdf(out, zkey, label, label_len);
}

/* d' := (h * d) mod L, little-endian. */
static int derive_scalar(uint8_t dprime[32], const uint8_t d[32], const uint8_t *label,
                         size_t label_len) {
  uint8_t zkey[32], h[32], s[32];
  int r = gns_pkey_public(d, zkey);
  if (r == 0) r = blinding_scalar(h, zkey, label, label_len);
  if (r == 0) {
    scalar_of_d(s, d);
    crypto_core_ed25519_scalar_mul(dprime, h, s);
  }
  sodium_memzero(h, sizeof h);
  sodium_memzero(s, sizeof s);
  return r;
}

int gns_pkey_derive_priv(const uint8_t d[32], const uint8_t *label, size_t label_len,
                         uint8_t dprime[32]) {
  uint8_t le[32];
  int r = derive_scalar(le, d, label, label_len);
  if (r == 0) reverse32(dprime, le);
  sodium_memzero(le, sizeof le);
  return r;
}

/* An unsigned MPI as exactly 32 big-endian bytes. */
static int mpi_to_32(uint8_t out[32], gcry_mpi_t m) {
  size_t n = 0;
  uint8_t buf[32];
  if (gcry_mpi_print(GCRYMPI_FMT_USG, buf, sizeof buf, &n, m) != 0 || n > 32) return -EIO;
  memset(out, 0, 32 - n);
  memcpy(out + 32 - n, buf, n);
  return 0;
}

/* ECDSA signs a hash: SHA-512 of the message, as GNUnet does. */
static int data_sexp(gcry_sexp_t *out, const uint8_t *msg, size_t len) {
  uint8_t hash[crypto_hash_sha512_BYTES];
  crypto_hash_sha512(hash, msg, len);
  return gcry_sexp_build(out, NULL, "(data(flags rfc6979)(hash sha512 %b))", (int)sizeof hash,
                         hash) == 0
             ? 0
             : -EIO;
}

/* Sign(d, message) with a big-endian d (RFC 9498, 5.1.1: "512-bit ECDSA
 * deterministic signatures as specified in RFC 6979"). sig = r || s, each
 * 32 bytes big-endian. */
static int ecdsa_sign(const uint8_t d[32], const uint8_t *msg, size_t len, uint8_t sig[64]) {
  static const char priv_fmt[] = "(private-key(ecc(curve \"Ed25519\")(d %b)))";
  gcry_sexp_t priv = NULL, data = NULL, sigexp = NULL;
  gcry_mpi_t r_mpi = NULL, s_mpi = NULL;
  int r = -EIO;

  /* A format string in secure memory makes the S-expression holding d
   * secure, and libgcrypt wipes secure S-expressions on release. */
  char *fmt = gcry_malloc_secure(sizeof priv_fmt);
  if (!fmt) return -ENOMEM;
  memcpy(fmt, priv_fmt, sizeof priv_fmt);
  if (gcry_sexp_build(&priv, NULL, fmt, 32, d) != 0) goto out;
  if (data_sexp(&data, msg, len) != 0) goto out;
  if (gcry_pk_sign(&sigexp, data, priv) != 0) goto out;
  if (gcry_sexp_extract_param(sigexp, "sig-val", "rs", &r_mpi, &s_mpi, NULL) != 0) goto out;
  if (mpi_to_32(sig, r_mpi) != 0 || mpi_to_32(sig + 32, s_mpi) != 0) goto out;
  r = 0;
out:
  gcry_mpi_release(r_mpi);
  gcry_mpi_release(s_mpi);
  gcry_sexp_release(sigexp);
  gcry_sexp_release(data);
  gcry_sexp_release(priv);
  gcry_free(fmt);
  return r;
}

int gns_pkey_sign(const uint8_t d[32], const uint8_t *msg, size_t len, uint8_t sig[64]) {
  return ecdsa_sign(d, msg, len, sig);
}

int gns_pkey_sign_derived(const uint8_t d[32], const uint8_t *label, size_t label_len,
                          const uint8_t *msg, size_t len, uint8_t sig[64]) {
  /* RFC 9498, 5.1.1: SignDerived = Sign(d', message), d' := (h * d) mod L. */
  uint8_t dprime[32];
  int r = gns_pkey_derive_priv(d, label, label_len, dprime);
  if (r == 0) r = ecdsa_sign(dprime, msg, len, sig);
  sodium_memzero(dprime, sizeof dprime);
  return r;
}

bool gns_pkey_key_usable(const uint8_t zkey[32]) {
  /* Only canonical points of the prime-order subgroup: no honest key is
   * anything else, and libgcrypt 1.10 aborts the process on some others
   * (e.g. the all-zero encoding, of order 4). */
  if (!crypto_core_ed25519_is_valid_point(zkey)) return false;
  /* libgcrypt 1.10's Ed25519 field arithmetic also aborts ("mulm_25519:
   * different sizes") in gcry_pk_verify when an affine coordinate of the
   * public key fits in fewer limbs than p, i.e. x or y < 2^(256 - limb
   * bits). Such points are valid but never d*G in practice (chance ~2^-62
   * per key with 64-bit limbs); an attacker can craft them, so they are
   * refused. Decoding the point itself is safe. mpi_limb_t is an unsigned
   * long on Linux. */
  const unsigned min_bits = 256u - 8u * (unsigned)sizeof(unsigned long) + 1u;
  gcry_ctx_t ctx = NULL;
  gcry_mpi_t q = NULL, x = gcry_mpi_new(0), y = gcry_mpi_new(0);
  gcry_mpi_point_t pt = NULL;
  bool ok = false;
  if (gcry_mpi_ec_new(&ctx, NULL, "Ed25519") != 0) goto out;
  q = gcry_mpi_set_opaque_copy(NULL, zkey, 256);
  if (!q || gcry_mpi_ec_set_mpi("q", q, ctx) != 0) goto out;
  pt = gcry_mpi_ec_get_point("q", ctx, 0);
  if (!pt || gcry_mpi_ec_get_affine(x, y, pt, ctx) != 0) goto out;
  ok = gcry_mpi_get_nbits(x) >= min_bits && gcry_mpi_get_nbits(y) >= min_bits;
out:
  gcry_mpi_point_release(pt);
  gcry_mpi_release(q);
  gcry_mpi_release(x);
  gcry_mpi_release(y);
  gcry_ctx_release(ctx);
  return ok;
}

int gns_pkey_verify(const uint8_t zkey[32], const uint8_t *msg, size_t len, const uint8_t sig[64]) {
  gcry_sexp_t pub = NULL, data = NULL, sigexp = NULL;
  int r = -EBADMSG;

  /* The key comes from the network (ZKEY' of an RRBLOCK, a revocation). */
  if (!gns_pkey_key_usable(zkey)) return -EBADMSG;
  /* libgcrypt decodes the 32-byte EdDSA point encoding of q for the
   * Ed25519 curve. */
  if (gcry_sexp_build(&pub, NULL, "(public-key(ecc(curve \"Ed25519\")(q %b)))", 32, zkey) != 0 ||
      gcry_sexp_build(&sigexp, NULL, "(sig-val(ecdsa(r %b)(s %b)))", 32, sig, 32, sig + 32) != 0 ||
      data_sexp(&data, msg, len) != 0) {
    r = -EIO;
    goto out;
  }
  if (gcry_pk_verify(sigexp, data, pub) == 0) r = 0;
out:
  gcry_sexp_release(sigexp);
  gcry_sexp_release(data);
  gcry_sexp_release(pub);
  return r;
}

int gns_pkey_symmetric_key(const uint8_t zkey[32], const uint8_t *label, size_t label_len,
                           uint64_t expiration, uint8_t key[32], uint8_t iv[GNS_PKEY_IV_LEN]) {
  /* RFC 9498, 5.1.1:
   *   K := HKDF-Expand(HKDF-Extract("gns-aes-ctx-key", zkey), label, 256 / 8)
   *   NONCE := HKDF-Expand(HKDF-Extract("gns-aes-ctx-iv", zkey), label, 32 / 8)
   *   IV := NONCE || EXPIRATION || BLOCK_COUNTER (= 1, 32 bits, big-endian) */
  int r =
      gns_hkdf_block_key(key, iv, 4, "gns-aes-ctx-key", "gns-aes-ctx-iv", zkey, label, label_len);
  if (r != 0) return r;
  gns_put_u64(iv + 4, expiration);
  gns_put_u32(iv + 12, 1);
  return 0;
}

int gns_pkey_crypt(const uint8_t zkey[32], const uint8_t *label, size_t label_len,
                   uint64_t expiration, const uint8_t *in, size_t len, uint8_t *out) {
  uint8_t key[32], iv[GNS_PKEY_IV_LEN];
  gcry_cipher_hd_t h = NULL;
  int r = gns_pkey_symmetric_key(zkey, label, label_len, expiration, key, iv);
  if (r != 0) return r;
  r = -EIO;
  if (gcry_cipher_open(&h, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_CTR, 0) != 0) goto out;
  if (gcry_cipher_setkey(h, key, sizeof key) != 0) goto out;
  if (gcry_cipher_setctr(h, iv, sizeof iv) != 0) goto out;
  if (len == 0 || gcry_cipher_encrypt(h, out, len, in, len) == 0) r = 0;
out:
  gcry_cipher_close(h); /* libgcrypt wipes the key schedule */
  sodium_memzero(key, sizeof key);
  return r;
}
