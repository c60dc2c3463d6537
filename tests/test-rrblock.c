/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RRBLOCK (RFC 9498, 6.3, 7.3): what verify, decrypt and open refuse,
 * using the RFC's D.2 blocks, plus round trips at the size limits. */
#include <errno.h>
#include "check.h"
#include "gns-util.h"
#include "rfc9498-vectors.h"
#include "rrblock.h"
#include "zonekey.h"

#define BUF 1024

struct vec {
  uint8_t block[BUF], q[64], label[64], rdata[BUF];
  size_t len, label_len, rdata_len;
  struct gns_zone_key zk;
  struct gns_zone_priv priv;
  uint64_t exp;
};

static void load(struct vec *v, const struct rfc9498_vector *r) {
  uint8_t zid[64], d[32];
  v->len = check_hex(r->rrblock, v->block, sizeof v->block);
  check_hex(r->q, v->q, sizeof v->q);
  v->label_len = check_hex(r->label, v->label, sizeof v->label);
  v->rdata_len = check_hex(r->rdata, v->rdata, sizeof v->rdata);
  size_t zn = check_hex(r->zid, zid, sizeof zid);
  check_hex(r->d, d, sizeof d);
  if (gns_zone_key_from_bytes(zid, zn, &v->zk) != 0) abort();
  if (gns_zone_priv_from_bytes(v->zk.ztype, d, 32, &v->priv) != 0) abort();
  v->exp = r->expiration;
}

/* Region of the byte at offset i and what a flipped bit there must give
 * (with q given; without q the derived key fails the signature). */
static int expect_flip(size_t i, int with_q) {
  if (i < 4) return -EBADMSG;                     /* SIZE */
  if (i < 8) return -EPROTONOSUPPORT;             /* ZONE TYPE */
  if (i < 40) return with_q ? -EPROTO : -EBADMSG; /* ZKEY' */
  return -EBADMSG;                                /* SIGNATURE, EXPIRATION, BDATA */
}

static void test_flips(const struct vec *v) {
  uint8_t b[BUF];
  /* Every byte, two different bits: each region of the block is covered by
   * the signature, q or the shape checks. now = 0 so that a changed
   * EXPIRATION is judged by the signature, not by the clock. */
  for (size_t i = 0; i < v->len; i++)
    for (unsigned bit = 0; bit < 8; bit += 7) {
      memcpy(b, v->block, v->len);
      b[i] ^= (uint8_t)(1u << bit);
      int want = expect_flip(i, 1), got = gns_rrblock_verify(b, v->len, v->q, 0);
      if (got != want) fprintf(stderr, "flip byte %zu bit %u\n", i, bit);
      CHECK_INT(got, want);
      want = expect_flip(i, 0);
      got = gns_rrblock_verify(b, v->len, NULL, 0);
      if (got != want) fprintf(stderr, "flip byte %zu bit %u (no q)\n", i, bit);
      CHECK_INT(got, want);
    }
}

static void test_lengths(const struct vec *v) {
  uint8_t b[BUF + 16];
  size_t ov = gns_zone_cipher_overhead(v->zk.ztype);
  /* Truncated with SIZE left alone: SIZE disagrees with the buffer. */
  for (size_t n = 0; n < v->len; n++)
    CHECK_INT(gns_rrblock_verify(v->block, n, v->q, 0), -EBADMSG);
  /* Truncated with SIZE patched to match: below the header (plus tag) the
   * shape is wrong, above it the signature. */
  for (size_t n = 0; n < v->len; n++) {
    memcpy(b, v->block, n);
    if (n >= 4) gns_put_u32(b, (uint32_t)n);
    CHECK_INT(gns_rrblock_verify(b, n, NULL, 0), -EBADMSG);
    uint8_t q[64], *p = NULL;
    size_t pl;
    int got = gns_rrblock_query_of(b, n, q);
    CHECK_INT(got, n < GNS_RRBLOCK_HEADER_LEN + ov ? -EBADMSG : 0);
    got = gns_rrblock_decrypt(b, n, &v->zk, v->label, v->label_len, &p, &pl);
    if (n < GNS_RRBLOCK_HEADER_LEN + ov)
      CHECK_INT(got, -EBADMSG);
    else if (ov)
      CHECK_INT(got, -EBADMSG); /* tag no longer matches */
    else
      CHECK_INT(got, 0);
    free(p);
    CHECK_INT(gns_rrblock_expiration(b, n), n >= GNS_RRBLOCK_HEADER_LEN ? v->exp : 0);
  }
  /* Oversized: trailing bytes after SIZE, or SIZE claiming them. */
  memcpy(b, v->block, v->len);
  memset(b + v->len, 0, 16);
  CHECK_INT(gns_rrblock_verify(b, v->len + 1, v->q, 0), -EBADMSG);
  CHECK_INT(gns_rrblock_verify(b, v->len + 16, v->q, 0), -EBADMSG);
  gns_put_u32(b, (uint32_t)v->len + 1);
  CHECK_INT(gns_rrblock_verify(b, v->len + 1, v->q, 0), -EBADMSG);
  CHECK_INT(gns_rrblock_verify(b, v->len, v->q, 0), -EBADMSG);
  gns_put_u32(b, (uint32_t)v->len - 1);
  CHECK_INT(gns_rrblock_verify(b, v->len, v->q, 0), -EBADMSG);
  CHECK_INT(gns_rrblock_verify(b, v->len - 1, v->q, 0), -EBADMSG);
  CHECK_INT(gns_rrblock_verify(NULL, 0, v->q, 0), -EBADMSG);
}

static void test_refusals(const struct vec *v) {
  uint8_t q[64], *p = NULL;
  size_t n;
  /* Expiry: valid until just before EXPIRATION. */
  CHECK_INT(gns_rrblock_verify(v->block, v->len, v->q, v->exp - 1), 0);
  CHECK_INT(gns_rrblock_verify(v->block, v->len, v->q, v->exp), -ESTALE);
  CHECK_INT(gns_rrblock_verify(v->block, v->len, v->q, UINT64_MAX), -ESTALE);
  CHECK_INT(gns_rrblock_open(v->block, v->len, &v->zk, v->label, v->label_len, v->exp, &p, &n),
            -ESTALE);
  /* Wrong q. */
  memcpy(q, v->q, 64);
  q[63] ^= 1;
  CHECK_INT(gns_rrblock_verify(v->block, v->len, q, 0), -EPROTO);
  CHECK_INT(gns_rrblock_query(&v->zk, v->label, v->label_len - 1, q), 0);
  CHECK_INT(gns_rrblock_verify(v->block, v->len, q, 0), -EPROTO);
  /* Wrong label: open refuses (the block is not under that q); a bare
   * decrypt fails on the EDKEY tag and yields noise for PKEY. */
  CHECK_INT(gns_rrblock_open(v->block, v->len, &v->zk, v->label, v->label_len - 1, 0, &p, &n),
            -EPROTO);
  int r = gns_rrblock_decrypt(v->block, v->len, &v->zk, v->label, v->label_len - 1, &p, &n);
  if (v->zk.ztype == GNS_ZTYPE_EDKEY) {
    CHECK_INT(r, -EBADMSG);
  } else {
    CHECK_INT(r, 0);
    CHECK_INT(n, v->rdata_len);
    if (p) CHECK(memcmp(p, v->rdata, n) != 0);
    free(p);
    p = NULL;
  }
  /* Wrong zone key (of the other type, and of the same type). */
  struct gns_zone_key other = v->zk;
  other.ztype = v->zk.ztype == GNS_ZTYPE_PKEY ? GNS_ZTYPE_EDKEY : GNS_ZTYPE_PKEY;
  CHECK_INT(gns_rrblock_decrypt(v->block, v->len, &other, v->label, v->label_len, &p, &n), -EINVAL);
  struct gns_zone_priv op;
  CHECK_INT(gns_zone_priv_generate(v->zk.ztype, &op), 0);
  CHECK_INT(gns_zone_priv_public(&op, &other), 0);
  CHECK_INT(gns_rrblock_open(v->block, v->len, &other, v->label, v->label_len, 0, &p, &n), -EPROTO);
  /* EDKEY tag mismatch: a flipped tag or ciphertext byte. */
  if (v->zk.ztype == GNS_ZTYPE_EDKEY) {
    uint8_t b[BUF];
    for (size_t i = GNS_RRBLOCK_HEADER_LEN; i < v->len; i += 7) {
      memcpy(b, v->block, v->len);
      b[i] ^= 0x80;
      CHECK_INT(gns_rrblock_decrypt(b, v->len, &v->zk, v->label, v->label_len, &p, &n), -EBADMSG);
    }
  }
  /* Unknown zone type in the block. */
  {
    uint8_t b[BUF];
    memcpy(b, v->block, v->len);
    gns_put_u32(b + 4, 65537);
    CHECK_INT(gns_rrblock_verify(b, v->len, NULL, 0), -EPROTONOSUPPORT);
    CHECK_INT(gns_rrblock_query_of(b, v->len, q), -EPROTONOSUPPORT);
    CHECK_INT(gns_rrblock_decrypt(b, v->len, &v->zk, v->label, v->label_len, &p, &n),
              -EPROTONOSUPPORT);
  }
  /* Creating with an unknown zone type. */
  struct gns_zone_priv bad = v->priv;
  bad.ztype = 65537;
  CHECK_INT(gns_rrblock_create_from_rdata(&bad, v->label, v->label_len, v->rdata, v->rdata_len,
                                          v->exp, &p, &n),
            -EPROTONOSUPPORT);
  gns_zone_priv_wipe(&bad);
  gns_zone_priv_wipe(&op);
}

/* Fresh keys: blocks of every shape round-trip, up to the size limit. */
static void test_roundtrip(uint32_t ztype) {
  static uint8_t rdata[GNS_RDATA_MAX + 1];
  static const size_t sizes[] = {0, 1, 15, 16, 17, 48, 256, 4096, GNS_RDATA_MAX};
  struct gns_zone_priv priv;
  struct gns_zone_key zk;
  const uint8_t label[] = "www";
  uint8_t *b = NULL, *p = NULL, q[64];
  size_t n, pl;

  for (size_t i = 0; i < sizeof rdata; i++)
    rdata[i] = (uint8_t)(i * 31 + 7);
  CHECK_INT(gns_zone_priv_generate(ztype, &priv), 0);
  CHECK_INT(gns_zone_priv_public(&priv, &zk), 0);
  CHECK_INT(gns_rrblock_query(&zk, label, 3, q), 0);
  for (size_t i = 0; i < GNS_ARRAY_SIZE(sizes); i++) {
    size_t s = sizes[i];
    CHECK_INT(gns_rrblock_create_from_rdata(&priv, label, 3, rdata, s, 1000, &b, &n), 0);
    if (!b) continue;
    CHECK_INT(n, GNS_RRBLOCK_HEADER_LEN + s + gns_zone_cipher_overhead(ztype));
    CHECK(n <= GNS_RRBLOCK_MAX);
    CHECK_INT(gns_get_u32(b), n);
    CHECK_INT(gns_get_u32(b + 4), ztype);
    CHECK_INT(gns_rrblock_expiration(b, n), 1000);
    CHECK_INT(gns_rrblock_verify(b, n, q, 999), 0);
    CHECK_INT(gns_rrblock_open(b, n, &zk, label, 3, 999, &p, &pl), 0);
    CHECK_INT(pl, s);
    if (p) CHECK(memcmp(p, rdata, s) == 0);
    free(p);
    p = NULL;
    free(b);
    b = NULL;
  }
  CHECK_INT(gns_rrblock_create_from_rdata(&priv, label, 3, rdata, GNS_RDATA_MAX + 1, 1000, &b, &n),
            -E2BIG);
  /* A block one byte over the limit is refused before any crypto. */
  {
    static uint8_t big[GNS_RRBLOCK_MAX + 1];
    gns_put_u32(big, (uint32_t)sizeof big);
    gns_put_u32(big + 4, ztype);
    memset(big + GNS_RRBLOCK_HEADER_LEN - 8, 0xff, 8); /* not expired */
    CHECK_INT(gns_rrblock_verify(big, sizeof big, NULL, 0), -EBADMSG);
    gns_put_u32(big, (uint32_t)GNS_RRBLOCK_MAX);
    CHECK_INT(gns_rrblock_verify(big, GNS_RRBLOCK_MAX, NULL, 0), -EBADMSG);
  }
  gns_zone_priv_wipe(&priv);
}

int main(void) {
  for (size_t i = 0; i < GNS_ARRAY_SIZE(rfc9498_vectors); i++) {
    struct vec v;
    load(&v, &rfc9498_vectors[i]);
    test_flips(&v);
    test_lengths(&v);
    test_refusals(&v);
    gns_zone_priv_wipe(&v.priv);
  }
  test_roundtrip(GNS_ZTYPE_PKEY);
  test_roundtrip(GNS_ZTYPE_EDKEY);
  return check_done("test-rrblock");
}
