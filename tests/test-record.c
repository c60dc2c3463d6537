/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RDATA serialisation, padding, block expiration and the live-record
 * filter, against RFC 9498 Appendix D.2 and hand-made cases. */
#include <errno.h>
#include "gns-util.h"
#include "record.h"
#include "check.h"

/* RFC 9498, D.2 (1) and (3): one PKEY delegation record, not padded. */
static const char vec1_pkey_data[] = "21 e3 b3 0f f9 3b c6 d3 5a c8 c6 e0 e1 3a fd ff"
                                     "79 4c b7 b4 4b bb c7 48 d2 59 d0 a0 28 4d be 84";
static const char vec1_rdata[] = "00 1c ee 8c 10 e2 59 80 00 20 00 01 00 01 00 00"
                                 "21 e3 b3 0f f9 3b c6 d3 5a c8 c6 e0 e1 3a fd ff"
                                 "79 4c b7 b4 4b bb c7 48 d2 59 d0 a0 28 4d be 84";

/* RFC 9498, D.2 (2) and (4): AAAA, NICK "愛称", supplemental TXT; padded
 * from 81 to 128 bytes. */
static const char vec2_rdata[] = "00 1c ee 8c 10 e2 59 80 00 10 00 00 00 00 00 1c"
                                 "00 00 00 00 00 00 00 00 00 00 00 00 de ad be ef"
                                 "00 3f f2 aa 54 08 db 40 00 06 00 00 00 01 00 01"
                                 "e6 84 9b e7 a7 b0 00 28 bb 13 ff 37 19 40 00 0b"
                                 "00 04 00 00 00 10 48 65 6c 6c 6f 20 57 6f 72 6c"
                                 "64 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
                                 "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
                                 "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00";

static void test_vector1(void) {
  uint8_t key[32], want[64], out[128];
  CHECK_INT(check_hex(vec1_pkey_data, key, sizeof key), 32);
  size_t wl = check_hex(vec1_rdata, want, sizeof want);
  struct gns_record rd = {.expiration = 8143584694000000u,
                          .type = GNS_TYPE_PKEY,
                          .flags = GNS_RF_CRITICAL,
                          .data_len = 32,
                          .data = key};
  size_t sz = 0, outlen = 0;
  CHECK_INT(gns_rdata_size(&rd, 1, &sz), 0);
  CHECK_INT(sz, 48); /* delegation only: no padding to 64 */
  CHECK_INT(gns_rdata_serialize(&rd, 1, out, sizeof out, &outlen), 0);
  CHECK_INT(outlen, wl);
  CHECK_MEM(out, want, wl);

  struct gns_record back[4];
  size_t n = 0;
  CHECK_INT(gns_rdata_parse(want, wl, back, 4, &n), 0);
  CHECK_INT(n, 1);
  CHECK_INT(back[0].expiration, 8143584694000000u);
  CHECK_INT(back[0].type, GNS_TYPE_PKEY);
  CHECK_INT(back[0].flags, GNS_RF_CRITICAL);
  CHECK_INT(back[0].data_len, 32);
  CHECK_MEM(back[0].data, key, 32);
  CHECK_INT(gns_rdata_block_expiration(back, n, 0), 8143584694000000u);
}

static void test_vector2(void) {
  static const uint8_t aaaa[16] = {[12] = 0xde, 0xad, 0xbe, 0xef};
  static const uint8_t nick[] = {0xe6, 0x84, 0x9b, 0xe7, 0xa7, 0xb0};
  struct gns_record rd[3] = {
      {8143584694000000u, GNS_TYPE_AAAA, 0, 16, aaaa},
      {17999736901000000u, GNS_TYPE_NICK, 0, 6, nick},
      {11464693629000000u, GNS_TYPE_TXT, GNS_RF_SUPPLEMENTAL, 11, (const uint8_t *)"Hello World"},
  };
  uint8_t want[128], out[256];
  size_t wl = check_hex(vec2_rdata, want, sizeof want), sz = 0, outlen = 0;
  CHECK_INT(wl, 128);
  CHECK_INT(gns_rdata_size(rd, 3, &sz), 0);
  CHECK_INT(sz, 128);
  memset(out, 0xaa, sizeof out);
  CHECK_INT(gns_rdata_serialize(rd, 3, out, sizeof out, &outlen), 0);
  CHECK_INT(outlen, 128);
  CHECK_MEM(out, want, 128);
  CHECK_INT(out[128], 0xaa); /* nothing written past the size */

  struct gns_record back[3];
  size_t n = 0;
  CHECK_INT(gns_rdata_parse(want, wl, back, 3, &n), 0);
  CHECK_INT(n, 3);
  for (size_t i = 0; i < 3 && i < n; i++) {
    CHECK_INT(back[i].expiration, rd[i].expiration);
    CHECK_INT(back[i].type, rd[i].type);
    CHECK_INT(back[i].flags, rd[i].flags);
    CHECK_INT(back[i].data_len, rd[i].data_len);
    CHECK_MEM(back[i].data, rd[i].data, rd[i].data_len);
  }
  /* The block in the RFC carries the minimum of the per-type maxima. */
  CHECK_INT(gns_rdata_block_expiration(rd, 3, 0), 8143584694000000u);
  /* Too little room for all records: -E2BIG, count-only parse works. */
  CHECK_INT(gns_rdata_parse(want, wl, back, 2, &n), -E2BIG);
  CHECK_INT(gns_rdata_parse(want, wl, NULL, 3, &n), 0);
  CHECK_INT(n, 3);
}

/* Padding sizes: a table of data lengths and the expected RDATA size. */
static void test_padding(void) {
  static const uint8_t zeros[70000];
  static const struct {
    uint32_t type;
    size_t count;
    uint16_t data_len;
    size_t want;
    int rc;
  } cases[] = {
      {GNS_TYPE_A, 1, 4, 32, 0},      /* 20 -> 32 */
      {GNS_TYPE_A, 1, 16, 32, 0},     /* exactly 32: unchanged */
      {GNS_TYPE_A, 1, 17, 64, 0},     /* 33 -> 64 */
      {GNS_TYPE_A, 3, 4, 64, 0},      /* 60 -> 64 */
      {GNS_TYPE_TXT, 1, 0, 16, 0},    /* header only, already a power of two */
      {GNS_TYPE_PKEY, 1, 32, 48, 0},  /* delegation only: never padded */
      {GNS_TYPE_EDKEY, 2, 32, 96, 0}, /* active + shadow EDKEY: still no padding */
      {GNS_TYPE_TXT, 1, 65000, 65536, 0},
      {GNS_TYPE_TXT, 1, 65520, 65536, 0},
      {GNS_TYPE_TXT, 1, 65521, 0, -E2BIG},
      {GNS_TYPE_TXT, 2, 40000, 0, -E2BIG},
      {GNS_TYPE_PKEY, 2050, 16, 0, -E2BIG},
  };
  struct gns_record rd[2100];
  for (size_t c = 0; c < GNS_ARRAY_SIZE(cases); c++) {
    for (size_t i = 0; i < cases[c].count; i++)
      rd[i] = (struct gns_record){1000, cases[c].type, 0, cases[c].data_len, zeros};
    size_t sz = 0;
    int rc = gns_rdata_size(rd, cases[c].count, &sz);
    if (rc != cases[c].rc || (rc == 0 && sz != cases[c].want))
      fprintf(stderr, "padding case %zu\n", c);
    CHECK_INT(rc, cases[c].rc);
    if (rc == 0) CHECK_INT(sz, cases[c].want);
  }
  /* A delegation next to a supplemental record of another type is padded. */
  uint8_t key[32] = {1};
  struct gns_record mix[2] = {
      {1000, GNS_TYPE_PKEY, GNS_RF_CRITICAL, 32, key},
      {1000, GNS_TYPE_NICK, GNS_RF_SUPPLEMENTAL, 3, (const uint8_t *)"bob"}};
  size_t sz = 0;
  CHECK_INT(gns_rdata_size(mix, 2, &sz), 0);
  CHECK_INT(sz, 128); /* 48 + 19 = 67 -> 128 */
  /* An empty set is empty. */
  CHECK_INT(gns_rdata_size(NULL, 0, &sz), 0);
  CHECK_INT(sz, 0);
}

static void test_serialize_rules(void) {
  uint8_t out[64], small[31];
  size_t outlen = 0;
  struct gns_record rd = {1000, GNS_TYPE_A, GNS_RF_PRIVATE | GNS_RF_SHADOW | GNS_RF_CRITICAL, 4,
                          (const uint8_t *)"\x0a\x00\x00\x01"};
  CHECK_INT(gns_rdata_serialize(&rd, 1, out, sizeof out, &outlen), 0);
  CHECK_INT(outlen, 32);
  /* The private flag is local-only; shadow and critical stay. */
  CHECK_INT(gns_get_u16(out + 10), GNS_RF_SHADOW | GNS_RF_CRITICAL);
  for (size_t i = 20; i < 32; i++)
    CHECK_INT(out[i], 0);
  CHECK_INT(gns_rdata_serialize(&rd, 1, small, sizeof small, &outlen), -ENOSPC);
  rd.flags = GNS_RF_RELATIVE_EXPIRATION;
  CHECK_INT(gns_rdata_serialize(&rd, 1, out, sizeof out, &outlen), -EINVAL);
  rd.flags = 0;
  rd.data = NULL;
  CHECK_INT(gns_rdata_serialize(&rd, 1, out, sizeof out, &outlen), -EINVAL);
}

static void test_parse_malformed(void) {
  uint8_t buf[64];
  struct gns_record rd[4];
  size_t n = 99;
  /* Empty RDATA: no records. */
  CHECK_INT(gns_rdata_parse(buf, 0, rd, 4, &n), 0);
  CHECK_INT(n, 0);
  /* A header claiming more data than there is. */
  memset(buf, 0, sizeof buf);
  gns_put_u64(buf, 5);
  gns_put_u16(buf + 8, 17);
  gns_put_u32(buf + 12, GNS_TYPE_A);
  CHECK_INT(gns_rdata_parse(buf, 32, rd, 4, &n), -EBADMSG);
  CHECK_INT(gns_rdata_parse(buf, 33, rd, 4, &n), 0);
  CHECK_INT(n, 1);
  /* Truncated inside the data of the second record. */
  gns_put_u16(buf + 8, 0);
  gns_put_u64(buf + 16, 5);
  gns_put_u16(buf + 24, 40);
  gns_put_u32(buf + 28, GNS_TYPE_TXT);
  CHECK_INT(gns_rdata_parse(buf, 64, rd, 4, &n), -EBADMSG);
  /* Trailing bytes shorter than a header are padding and ignored. */
  memset(buf + 16, 0, 48);
  CHECK_INT(gns_rdata_parse(buf, 16 + 15, rd, 4, &n), 0);
  CHECK_INT(n, 1);
  /* Non-zero bytes after the first all-zero header: ignored (6.2). */
  buf[40] = 0x55;
  CHECK_INT(gns_rdata_parse(buf, 64, rd, 4, &n), 0);
  CHECK_INT(n, 1);
  CHECK_INT(gns_rdata_parse(NULL, 5, rd, 4, &n), -EINVAL);
}

static void test_block_expiration(void) {
  static const struct {
    struct gns_record rd[4];
    size_t n;
    uint64_t now, want;
  } cases[] = {
      /* per type max (shadow included), then min over types */
      {{{100, GNS_TYPE_A, 0, 0, NULL},
        {300, GNS_TYPE_A, GNS_RF_SHADOW, 0, NULL},
        {200, GNS_TYPE_AAAA, 0, 0, NULL}},
       3,
       0,
       200},
      {{{100, GNS_TYPE_A, 0, 0, NULL}, {50, GNS_TYPE_TXT, GNS_RF_SUPPLEMENTAL, 0, NULL}}, 2, 0, 50},
      /* relative expirations count from now */
      {{{100, GNS_TYPE_A, GNS_RF_RELATIVE_EXPIRATION, 0, NULL}, {5000, GNS_TYPE_AAAA, 0, 0, NULL}},
       2,
       1000,
       1100},
      {{{UINT64_MAX, GNS_TYPE_A, GNS_RF_RELATIVE_EXPIRATION, 0, NULL}}, 1, 1000, UINT64_MAX},
      {{{0}}, 0, 1000, 0},
  };
  for (size_t c = 0; c < GNS_ARRAY_SIZE(cases); c++)
    CHECK_INT(gns_rdata_block_expiration(cases[c].rd, cases[c].n, cases[c].now), cases[c].want);
}

static void test_filter_live(void) {
  static const struct {
    struct gns_record rd[5];
    size_t n;
    uint64_t now;
    size_t want_n;
    uint64_t want_exp[5]; /* expirations identify the kept records, in order */
  } cases[] = {
      /* live active A hides the shadow A; AAAA shadow alone is used */
      {{{200, GNS_TYPE_A, 0, 0, NULL},
        {300, GNS_TYPE_A, GNS_RF_SHADOW, 0, NULL},
        {400, GNS_TYPE_AAAA, GNS_RF_SHADOW, 0, NULL}},
       3,
       100,
       2,
       {200, 400}},
      /* active expired: the shadow takes over */
      {{{200, GNS_TYPE_A, 0, 0, NULL}, {300, GNS_TYPE_A, GNS_RF_SHADOW, 0, NULL}},
       2,
       250,
       1,
       {300}},
      /* expiring exactly now counts as expired */
      {{{250, GNS_TYPE_A, 0, 0, NULL}, {300, GNS_TYPE_A, GNS_RF_SHADOW, 0, NULL}},
       2,
       250,
       1,
       {300}},
      /* everything expired */
      {{{200, GNS_TYPE_A, 0, 0, NULL}, {210, GNS_TYPE_A, GNS_RF_SHADOW, 0, NULL}}, 2, 500, 0, {0}},
      /* relative expirations never expire; they hide shadows */
      {{{10, GNS_TYPE_A, GNS_RF_SHADOW, 0, NULL},
        {20, GNS_TYPE_A, GNS_RF_RELATIVE_EXPIRATION, 0, NULL}},
       2,
       5,
       1,
       {20}},
      /* shadow before the active record, dropped records ahead of both */
      {{{1, GNS_TYPE_TXT, 0, 0, NULL},
        {900, GNS_TYPE_A, GNS_RF_SHADOW, 0, NULL},
        {2, GNS_TYPE_TXT, 0, 0, NULL},
        {800, GNS_TYPE_A, 0, 0, NULL},
        {700, GNS_TYPE_NICK, 0, 0, NULL}},
       5,
       100,
       2,
       {800, 700}},
      /* two shadows of one type with no active record: both kept */
      {{{500, GNS_TYPE_PKEY, GNS_RF_SHADOW, 0, NULL}, {600, GNS_TYPE_PKEY, GNS_RF_SHADOW, 0, NULL}},
       2,
       100,
       2,
       {500, 600}},
  };
  for (size_t c = 0; c < GNS_ARRAY_SIZE(cases); c++) {
    struct gns_record rd[5];
    memcpy(rd, cases[c].rd, sizeof rd);
    size_t n = gns_records_filter_live(rd, cases[c].n, cases[c].now);
    CHECK_INT(n, cases[c].want_n);
    for (size_t i = 0; i < n && i < cases[c].want_n; i++)
      CHECK_INT(rd[i].expiration, cases[c].want_exp[i]);
  }
}

/* RFC 9498, 5: the record set rules a zone is held to, one case a row. */
static void test_set_rules(void) {
  static const uint8_t k[32] = {1}, k2[32] = {2}, ip[4] = {192, 0, 2, 1}, ip2[4] = {192, 0, 2, 2};
  enum { S = GNS_RF_SHADOW, P = GNS_RF_SUPPLEMENTAL, V = GNS_RF_PRIVATE };
  struct rec {
    uint32_t type;
    uint16_t flags;
    const uint8_t *data;
    uint16_t len;
  };
  static const struct {
    const char *what;
    struct rec v[4];
    size_t n, n_old;
    int want;
    size_t bad;
    const char *why; /* a word of the reason */
  } cases[] = {
      {"A and TXT", {{GNS_TYPE_A, 0, ip, 4}, {GNS_TYPE_TXT, 0, ip, 4}}, 2, 0, 0, 0, NULL},
      {"two A", {{GNS_TYPE_A, 0, ip, 4}, {GNS_TYPE_A, 0, ip2, 4}}, 2, 0, 0, 0, NULL},
      {"duplicate",
       {{GNS_TYPE_A, 0, ip, 4}, {GNS_TYPE_A, 0, ip, 4}},
       2,
       0,
       -EINVAL,
       1,
       "duplicate"},
      {"shadow copy is no duplicate",
       {{GNS_TYPE_A, 0, ip, 4}, {GNS_TYPE_A, S, ip, 4}},
       2,
       0,
       0,
       0,
       NULL},
      {"PKEY alone", {{GNS_TYPE_PKEY, 0, k, 32}, {GNS_TYPE_NICK, P, ip, 4}}, 2, 0, 0, 0, NULL},
      {"PKEY and A", {{GNS_TYPE_PKEY, 0, k, 32}, {GNS_TYPE_A, 0, ip, 4}}, 2, 0, -EINVAL, 1, "5.1"},
      {"A then EDKEY",
       {{GNS_TYPE_A, 0, ip, 4}, {GNS_TYPE_EDKEY, 0, k, 32}},
       2,
       0,
       -EINVAL,
       1,
       "5.1"},
      {"two PKEY",
       {{GNS_TYPE_PKEY, 0, k, 32}, {GNS_TYPE_PKEY, 0, k2, 32}},
       2,
       0,
       -EINVAL,
       1,
       "5.1"},
      {"PKEY and its shadow",
       {{GNS_TYPE_PKEY, 0, k, 32}, {GNS_TYPE_PKEY, S, k2, 32}},
       2,
       0,
       0,
       0,
       NULL},
      {"REDIRECT and A",
       {{GNS_TYPE_REDIRECT, 0, ip, 4}, {GNS_TYPE_A, 0, ip, 4}},
       2,
       0,
       -EINVAL,
       1,
       "5.2.1"},
      {"GNS2DNS and DS",
       {{GNS_TYPE_GNS2DNS, 0, ip, 4}, {GNS_TYPE_GNS2DNS, 0, ip2, 4}, {GNS_TYPE_DS, 0, ip, 4}},
       3,
       0,
       0,
       0,
       NULL},
      {"GNS2DNS and A",
       {{GNS_TYPE_GNS2DNS, 0, ip, 4}, {GNS_TYPE_A, 0, ip, 4}},
       2,
       0,
       -EINVAL,
       1,
       "5.2.2"},
      {"DS without GNS2DNS", {{GNS_TYPE_DS, 0, ip, 4}, {GNS_TYPE_A, 0, ip, 4}}, 2, 0, 0, 0, NULL},
      /* the new record is blamed, even when it comes first in the set */
      {"blame the new one",
       {{GNS_TYPE_A, 0, ip, 4}, {GNS_TYPE_A, 0, ip2, 4}, {GNS_TYPE_PKEY, 0, k, 32}},
       3,
       2,
       -EINVAL,
       2,
       "5.1"},
      {"old records alone",
       {{GNS_TYPE_A, 0, ip, 4}, {GNS_TYPE_PKEY, 0, k, 32}},
       2,
       2,
       -EINVAL,
       2,
       "5.1"},
      {"private records count for the rules",
       {{GNS_TYPE_PKEY, V, k, 32}, {GNS_TYPE_A, 0, ip, 4}},
       2,
       0,
       -EINVAL,
       1,
       "5.1"},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    struct gns_record rd[4] = {{0}};
    for (size_t i = 0; i < cases[c].n; i++) {
      rd[i].type = cases[c].v[i].type;
      rd[i].flags = cases[c].v[i].flags;
      rd[i].data = cases[c].v[i].data;
      rd[i].data_len = cases[c].v[i].len;
      rd[i].expiration = 1;
    }
    size_t bad = 99;
    const char *why = NULL;
    int r = gns_record_set_check(rd, cases[c].n, cases[c].n_old, &bad, &why);
    if (r != cases[c].want) fprintf(stderr, "case \"%s\"\n", cases[c].what);
    CHECK_INT(r, cases[c].want);
    if (r == 0) continue;
    CHECK_INT(bad, cases[c].bad);
    CHECK(why && strstr(why, cases[c].why));
  }
  /* the published part must fit one block; private records do not count */
  static uint8_t big[40000];
  struct gns_record two[2] = {{.type = GNS_TYPE_TXT, .data = big, .data_len = 40000},
                              {.type = GNS_TYPE_TXT, .data = big, .data_len = 39999}};
  size_t bad = 0;
  const char *why = NULL;
  CHECK_INT(gns_record_set_check(two, 2, 1, &bad, &why), -EINVAL);
  CHECK_INT(bad, 1);
  CHECK(strstr(why, "too large"));
  two[0].flags = GNS_RF_PRIVATE;
  CHECK_INT(gns_record_set_check(two, 2, 1, &bad, &why), 0);
  CHECK(gns_record_type_is_exclusive(GNS_TYPE_GNS2DNS));
  CHECK(!gns_record_type_is_exclusive(GNS_TYPE_DS));
}

int main(void) {
  test_vector1();
  test_vector2();
  test_padding();
  test_serialize_rules();
  test_parse_malformed();
  test_block_expiration();
  test_filter_live();
  test_set_rules();
  return check_done("test-record");
}
