/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RFC 9498, Appendix D.2: every intermediate value the four record-set
 * vectors print must come out byte for byte, and the printed RRBLOCKs
 * must verify and decrypt to the printed RDATA. */
#include <errno.h>
#include "check.h"
#include "gns-util.h"
#include "rfc9498-vectors.h"
#include "rrblock.h"
#include "zonekey.h"
#include "ztld.h"

#define BUF 1024

struct bytes {
  uint8_t b[BUF];
  size_t n;
};

static void hex(struct bytes *out, const char *s) { out->n = check_hex(s, out->b, sizeof out->b); }

static void run(const struct rfc9498_vector *v) {
  struct bytes d, zid, label, rdata, iv, k, q, zkdf, nonce, dprime, bdata, rrblock;
  struct gns_zone_priv priv;
  struct gns_zone_key zk, zk2, derived;
  uint8_t out[BUF], key[32], ivb[24];
  char s[GNS_ZTLD_MAX];
  size_t iv_len = 0, n = 0;
  uint8_t *p = NULL;

  fprintf(stderr, "%s\n", v->name);
  hex(&d, v->d);
  hex(&zid, v->zid);
  hex(&label, v->label);
  hex(&rdata, v->rdata);
  hex(&iv, v->iv);
  hex(&k, v->k);
  hex(&q, v->q);
  hex(&zkdf, v->zkdf);
  hex(&dprime, v->dprime);
  hex(&bdata, v->bdata);
  hex(&rrblock, v->rrblock);
  uint32_t ztype = gns_get_u32(zid.b);

  /* Zone key from the private key: the zone identifier ztype|zkey. */
  CHECK_INT(gns_zone_priv_from_bytes(ztype, d.b, d.n, &priv), 0);
  CHECK_INT(gns_zone_priv_public(&priv, &zk), 0);
  CHECK_INT(gns_zone_key_to_bytes(&zk, out), 0);
  CHECK_INT(zid.n, GNS_ZONE_ID_LEN);
  CHECK_MEM(out, zid.b, GNS_ZONE_ID_LEN);
  CHECK_INT(gns_zone_key_from_bytes(zid.b, zid.n, &zk2), 0);
  CHECK(gns_zone_key_equal(&zk, &zk2));

  /* zTLD both ways; 58 characters fit one label, so the split is the same. */
  CHECK_INT(gns_ztld_encode(&zk, s, sizeof s), 0);
  CHECK_STR(s, v->ztld);
  CHECK_INT(gns_ztld_encode_split(&zk, s, sizeof s), 0);
  CHECK_STR(s, v->ztld);
  CHECK_INT(gns_ztld_decode(v->ztld, strlen(v->ztld), &zk2), 0);
  CHECK(gns_zone_key_equal(&zk, &zk2));

  /* ZKDF(zkey, label) and the storage key q. */
  CHECK_INT(gns_zone_key_derive(&zk, label.b, label.n, &derived), 0);
  CHECK_INT(derived.ztype, ztype);
  CHECK_MEM(derived.key, zkdf.b, 32);
  CHECK_INT(gns_rrblock_query(&zk, label.b, label.n, out), 0);
  CHECK_INT(q.n, GNS_Q_LEN);
  CHECK_MEM(out, q.b, GNS_Q_LEN);
  CHECK_INT(gns_rrblock_query_of(rrblock.b, rrblock.n, out), 0);
  CHECK_MEM(out, q.b, GNS_Q_LEN);

  /* Derived private key d' and, for EDKEY, the signing nonce. */
  CHECK_INT(gns_zone_derive_priv(&priv, label.b, label.n, out), 0);
  CHECK_MEM(out, dprime.b, 32);
  if (v->nonce) {
    hex(&nonce, v->nonce);
    CHECK_INT(gns_zone_derive_nonce(&priv, label.b, label.n, out), 0);
    CHECK_MEM(out, nonce.b, 32);
  } else {
    CHECK_INT(gns_zone_derive_nonce(&priv, label.b, label.n, out), -EOPNOTSUPP);
  }

  /* K and NONCE|EXPIRATION(|BLOCK COUNTER). */
  CHECK_INT(gns_zone_symmetric_key(&zk, label.b, label.n, v->expiration, key, ivb, &iv_len), 0);
  CHECK_INT(iv_len, iv.n);
  CHECK_MEM(ivb, iv.b, iv.n);
  CHECK_INT(k.n, 32);
  CHECK_MEM(key, k.b, 32);

  /* BDATA from the printed RDATA, and back. */
  CHECK_INT(bdata.n, rdata.n + gns_zone_cipher_overhead(ztype));
  CHECK_INT(gns_zone_encrypt(&zk, label.b, label.n, v->expiration, rdata.b, rdata.n, out), 0);
  CHECK_MEM(out, bdata.b, bdata.n);
  CHECK_INT(gns_zone_decrypt(&zk, label.b, label.n, v->expiration, bdata.b, bdata.n, out), 0);
  CHECK_MEM(out, rdata.b, rdata.n);

  /* The whole RRBLOCK. */
  CHECK_INT(gns_rrblock_expiration(rrblock.b, rrblock.n), v->expiration);
  CHECK_INT(gns_rrblock_create_from_rdata(&priv, label.b, label.n, rdata.b, rdata.n,
                                          v->expiration, &p, &n),
            0);
  if (p) {
    CHECK_INT(n, rrblock.n);
    CHECK_MEM(p, rrblock.b, rrblock.n < n ? rrblock.n : n);
    free(p);
    p = NULL;
  }

  /* The printed block checks and opens. */
  CHECK_INT(gns_rrblock_verify(rrblock.b, rrblock.n, q.b, v->expiration - 1), 0);
  CHECK_INT(gns_rrblock_verify(rrblock.b, rrblock.n, NULL, 0), 0);
  CHECK_INT(gns_rrblock_decrypt(rrblock.b, rrblock.n, &zk, label.b, label.n, &p, &n), 0);
  if (p) {
    CHECK_INT(n, rdata.n);
    CHECK_MEM(p, rdata.b, rdata.n < n ? rdata.n : n);
    free(p);
    p = NULL;
  }
  CHECK_INT(gns_rrblock_open(rrblock.b, rrblock.n, &zk, label.b, label.n, v->expiration - 1, &p,
                             &n),
            0);
  if (p) {
    CHECK_INT(n, rdata.n);
    CHECK_MEM(p, rdata.b, rdata.n < n ? rdata.n : n);
    free(p);
    p = NULL;
  }

  /* The derived signature verifies against zkey' with the plain Verify. */
  {
    uint8_t msg[BUF];
    size_t mlen = 16 + bdata.n;
    gns_put_u32(msg, (uint32_t)mlen);
    gns_put_u32(msg + 4, GNS_SIGPURPOSE_GNS_RECORD_SIGN);
    gns_put_u64(msg + 8, v->expiration);
    memcpy(msg + 16, bdata.b, bdata.n);
    CHECK_INT(gns_zone_verify(&derived, msg, mlen, rrblock.b + 40), 0);
    CHECK_INT(gns_zone_sign_derived(&priv, label.b, label.n, msg, mlen, out), 0);
    CHECK_MEM(out, rrblock.b + 40, 64);
  }
  gns_zone_priv_wipe(&priv);
}

int main(void) {
  for (size_t i = 0; i < GNS_ARRAY_SIZE(rfc9498_vectors); i++) run(&rfc9498_vectors[i]);
  return check_done("test-vectors");
}
