/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Zone types behind one interface (RFC 9498, 5.1): argument checks and
 * dispatch on ztype to pkey.c and edkey.c. */
#include <errno.h>
#include <string.h>
#include <sodium.h>
#include "edkey.h"
#include "gns-util.h"
#include "hkdf.h"
#include "pkey.h"
#include "zonekey.h"

/* Common entry check: library initialised and ztype known. */
static int enter(uint32_t ztype) {
  if (gns_crypto_init() != 0) return -EIO;
  return gns_ztype_supported(ztype) ? 0 : -EPROTONOSUPPORT;
}

int gns_zone_priv_generate(uint32_t ztype, struct gns_zone_priv *out) {
  int r = enter(ztype);
  if (r != 0) return r;
  out->ztype = ztype;
  if (ztype == GNS_ZTYPE_PKEY)
    gns_pkey_generate(out->d);
  else
    gns_edkey_generate(out->d);
  return 0;
}

int gns_zone_priv_from_bytes(uint32_t ztype, const uint8_t *d, size_t len,
                             struct gns_zone_priv *out) {
  uint8_t zkey[32];
  int r = enter(ztype);
  if (r != 0) return r;
  if (len != sizeof out->d) return -EINVAL;
  /* A PKEY d that is 0 mod L has no public key. */
  r = ztype == GNS_ZTYPE_PKEY ? gns_pkey_public(d, zkey) : 0;
  if (r != 0) return r;
  out->ztype = ztype;
  memcpy(out->d, d, sizeof out->d);
  return 0;
}

int gns_zone_priv_public(const struct gns_zone_priv *priv, struct gns_zone_key *out) {
  int r = enter(priv->ztype);
  if (r != 0) return r;
  out->ztype = priv->ztype;
  return priv->ztype == GNS_ZTYPE_PKEY ? gns_pkey_public(priv->d, out->key)
                                       : gns_edkey_public(priv->d, out->key);
}

void gns_zone_priv_wipe(struct gns_zone_priv *priv) {
  sodium_memzero(priv, sizeof *priv);
}

int gns_zone_key_to_bytes(const struct gns_zone_key *zk, uint8_t out[GNS_ZONE_ID_LEN]) {
  if (!gns_ztype_supported(zk->ztype)) return -EPROTONOSUPPORT;
  gns_put_u32(out, zk->ztype);
  memcpy(out + 4, zk->key, GNS_ZONE_KEY_LEN);
  return 0;
}

int gns_zone_key_from_bytes(const uint8_t *buf, size_t len, struct gns_zone_key *out) {
  if (len < 4) return -EINVAL;
  uint32_t ztype = gns_get_u32(buf);
  int r = enter(ztype);
  if (r != 0) return r;
  if (len != GNS_ZONE_ID_LEN) return -EINVAL;
  /* Both zone types use Ed25519 point encodings. Accept only canonical
   * points of the prime-order subgroup: everything else could never be
   * d*G, and ZKDF refuses it anyway. */
  if (!crypto_core_ed25519_is_valid_point(buf + 4)) return -EINVAL;
  /* PKEY keys must also be usable with libgcrypt (pkey.c). */
  if (ztype == GNS_ZTYPE_PKEY && !gns_pkey_key_usable(buf + 4)) return -EINVAL;
  out->ztype = ztype;
  memcpy(out->key, buf + 4, GNS_ZONE_KEY_LEN);
  return 0;
}

bool gns_zone_key_equal(const struct gns_zone_key *a, const struct gns_zone_key *b) {
  return a->ztype == b->ztype && sodium_memcmp(a->key, b->key, GNS_ZONE_KEY_LEN) == 0;
}

int gns_zone_key_derive(const struct gns_zone_key *zk, const uint8_t *label, size_t label_len,
                        struct gns_zone_key *out) {
  int r = enter(zk->ztype);
  if (r != 0) return r;
  uint8_t key[GNS_ZONE_KEY_LEN];
  r = zk->ztype == GNS_ZTYPE_PKEY ? gns_pkey_derive_public(zk->key, label, label_len, key)
                                  : gns_edkey_derive_public(zk->key, label, label_len, key);
  if (r != 0) return r;
  out->ztype = zk->ztype;
  memcpy(out->key, key, sizeof key);
  return 0;
}

int gns_zone_sign(const struct gns_zone_priv *priv, const uint8_t *msg, size_t len,
                  uint8_t sig[GNS_ZONE_SIG_LEN]) {
  int r = enter(priv->ztype);
  if (r != 0) return r;
  return priv->ztype == GNS_ZTYPE_PKEY ? gns_pkey_sign(priv->d, msg, len, sig)
                                       : gns_edkey_sign(priv->d, msg, len, sig);
}

int gns_zone_verify(const struct gns_zone_key *zk, const uint8_t *msg, size_t len,
                    const uint8_t sig[GNS_ZONE_SIG_LEN]) {
  int r = enter(zk->ztype);
  if (r != 0) return r;
  return zk->ztype == GNS_ZTYPE_PKEY ? gns_pkey_verify(zk->key, msg, len, sig)
                                     : gns_edkey_verify(zk->key, msg, len, sig);
}

int gns_zone_sign_derived(const struct gns_zone_priv *priv, const uint8_t *label, size_t label_len,
                          const uint8_t *msg, size_t len, uint8_t sig[GNS_ZONE_SIG_LEN]) {
  int r = enter(priv->ztype);
  if (r != 0) return r;
  return priv->ztype == GNS_ZTYPE_PKEY
             ? gns_pkey_sign_derived(priv->d, label, label_len, msg, len, sig)
             : gns_edkey_sign_derived(priv->d, label, label_len, msg, len, sig);
}

int gns_zone_derive_priv(const struct gns_zone_priv *priv, const uint8_t *label, size_t label_len,
                         uint8_t dprime_be[32]) {
  int r = enter(priv->ztype);
  if (r != 0) return r;
  return priv->ztype == GNS_ZTYPE_PKEY
             ? gns_pkey_derive_priv(priv->d, label, label_len, dprime_be)
             : gns_edkey_derive_priv(priv->d, label, label_len, dprime_be, NULL);
}

int gns_zone_derive_nonce(const struct gns_zone_priv *priv, const uint8_t *label, size_t label_len,
                          uint8_t nonce[32]) {
  int r = enter(priv->ztype);
  if (r != 0) return r;
  if (priv->ztype != GNS_ZTYPE_EDKEY) return -EOPNOTSUPP;
  return gns_edkey_derive_priv(priv->d, label, label_len, NULL, nonce);
}

int gns_zone_encrypt(const struct gns_zone_key *zk, const uint8_t *label, size_t label_len,
                     uint64_t expiration, const uint8_t *in, size_t len, uint8_t *out) {
  int r = enter(zk->ztype);
  if (r != 0) return r;
  return zk->ztype == GNS_ZTYPE_PKEY
             ? gns_pkey_crypt(zk->key, label, label_len, expiration, in, len, out)
             : gns_edkey_encrypt(zk->key, label, label_len, expiration, in, len, out);
}

int gns_zone_decrypt(const struct gns_zone_key *zk, const uint8_t *label, size_t label_len,
                     uint64_t expiration, const uint8_t *in, size_t len, uint8_t *out) {
  int r = enter(zk->ztype);
  if (r != 0) return r;
  return zk->ztype == GNS_ZTYPE_PKEY
             ? gns_pkey_crypt(zk->key, label, label_len, expiration, in, len, out)
             : gns_edkey_decrypt(zk->key, label, label_len, expiration, in, len, out);
}

int gns_zone_symmetric_key(const struct gns_zone_key *zk, const uint8_t *label, size_t label_len,
                           uint64_t expiration, uint8_t key[32], uint8_t iv[24], size_t *iv_len) {
  int r = enter(zk->ztype);
  if (r != 0) return r;
  if (zk->ztype == GNS_ZTYPE_PKEY) {
    *iv_len = GNS_PKEY_IV_LEN;
    return gns_pkey_symmetric_key(zk->key, label, label_len, expiration, key, iv);
  }
  *iv_len = GNS_EDKEY_IV_LEN;
  return gns_edkey_symmetric_key(zk->key, label, label_len, expiration, key, iv);
}
