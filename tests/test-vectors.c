/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RFC 9498, Appendix D.2: every intermediate value the four record-set
 * vectors print must come out byte for byte, and the printed RRBLOCKs
 * must verify and decrypt to the printed RDATA. */
#include <errno.h>
#include "check.h"
#include "gns-util.h"
#include "rfc9498-vectors.h"
#include "record.h"
#include "rrblock.h"
#include "zonekey.h"
#include "ztld.h"

#define BUF 1024

struct bytes {
  uint8_t b[BUF];
  size_t n;
};

static void hex(struct bytes *out, const char *s) {
  out->n = check_hex(s, out->b, sizeof out->b);
}

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
  CHECK_INT(gns_rrblock_create_from_rdata(&priv, label.b, label.n, rdata.b, rdata.n, v->expiration,
                                          &p, &n),
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
  CHECK_INT(
      gns_rrblock_open(rrblock.b, rrblock.n, &zk, label.b, label.n, v->expiration - 1, &p, &n), 0);
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

/* The record sets the vectors print, as records: (1) and (3) hold one
 * critical PKEY delegation; (2) and (4) an AAAA, a NICK and a
 * supplemental TXT record. gns_rrblock_create must serialise them to the
 * printed RDATA and so produce the printed RRBLOCK. */
static const uint8_t deleg[32] = {0x21, 0xe3, 0xb3, 0x0f, 0xf9, 0x3b, 0xc6, 0xd3, 0x5a, 0xc8, 0xc6,
                                  0xe0, 0xe1, 0x3a, 0xfd, 0xff, 0x79, 0x4c, 0xb7, 0xb4, 0x4b, 0xbb,
                                  0xc7, 0x48, 0xd2, 0x59, 0xd0, 0xa0, 0x28, 0x4d, 0xbe, 0x84};
static const uint8_t aaaa[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef};
static const struct gns_record set_deleg[] = {
    {.expiration = 8143584694000000u,
     .type = GNS_TYPE_PKEY,
     .flags = GNS_RF_CRITICAL,
     .data_len = 32,
     .data = deleg},
};
static const struct gns_record set_three[] = {
    {.expiration = 8143584694000000u,
     .type = GNS_TYPE_AAAA,
     .flags = 0,
     .data_len = 16,
     .data = aaaa},
    {.expiration = 17999736901000000u,
     .type = GNS_TYPE_NICK,
     .flags = 0,
     .data_len = 6,
     .data = (const uint8_t *)"\xe6\x84\x9b\xe7\xa7\xb0"},
    {.expiration = 11464693629000000u,
     .type = GNS_TYPE_TXT,
     .flags = GNS_RF_SUPPLEMENTAL,
     .data_len = 11,
     .data = (const uint8_t *)"Hello World"},
};

static void run_records(const struct rfc9498_vector *v, const struct gns_record *rd, size_t n) {
  struct bytes d, zid, label, rrblock;
  struct gns_zone_priv priv;
  uint8_t *p = NULL;
  size_t len = 0;
  hex(&d, v->d);
  hex(&zid, v->zid);
  hex(&label, v->label);
  hex(&rrblock, v->rrblock);
  CHECK_INT(gns_rdata_block_expiration(rd, n, 0), v->expiration);
  CHECK_INT(gns_zone_priv_from_bytes(gns_get_u32(zid.b), d.b, d.n, &priv), 0);
  CHECK_INT(gns_rrblock_create(&priv, label.b, label.n, rd, n, v->expiration, &p, &len), 0);
  if (p) {
    CHECK_INT(len, rrblock.n);
    CHECK_MEM(p, rrblock.b, len < rrblock.n ? len : rrblock.n);
    free(p);
  }
  /* Relative expirations must have been resolved by the caller. */
  struct gns_record rel = rd[0];
  rel.flags |= GNS_RF_RELATIVE_EXPIRATION;
  CHECK_INT(gns_rrblock_create(&priv, label.b, label.n, &rel, 1, v->expiration, &p, &len), -EINVAL);
  gns_zone_priv_wipe(&priv);
}

int main(void) {
  for (size_t i = 0; i < GNS_ARRAY_SIZE(rfc9498_vectors); i++)
    run(&rfc9498_vectors[i]);
  run_records(&rfc9498_vectors[0], set_deleg, 1);
  run_records(&rfc9498_vectors[1], set_three, 3);
  run_records(&rfc9498_vectors[2], set_deleg, 1);
  run_records(&rfc9498_vectors[3], set_three, 3);
  return check_done("test-vectors");
}
