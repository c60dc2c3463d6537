/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Record type registry, presentation text <-> binary for every type,
 * the structured accessors and the DNS wire-name codec. Expected binary
 * forms were cross-checked against GNUnet 0.19.3's
 * GNUNET_GNSRECORD_string_to_value where our forms agree (all but SOA,
 * CERT, URI and the RFC forms of GNS2DNS/REDIRECT; see rrtype.h). */
#include <errno.h>
#include "dnsname.h"
#include "gns-util.h"
#include "record.h"
#include "rrtype.h"
#include "check.h"

#define PKEY_ZTLD "000G0037FH3QTBCK15Y8BCCNRVWPV17ZC7TSGB1C9ZG2TPGHZVFV1GMG3W"
#define PKEY_HEX "677c477d2d93097c85b195c6f96d84ff61f5982c2c4fe02d5a11fedfb0c2901f"
#define EDKEY_ZTLD "000G051WYJWJ80S04BRDRM2R2H9VGQCKP13VCFA4DHC4BJT88HEXQ5K8HW"
#define EDKEY_HEX "3cf4b924032022f0dc50581453b85d93b047b63d446c5845cb48445ddb96688f"
#define PEER "CXY4EZ9DJC4QS1DHJQ3FJVC4ZXGZB61C5H7Y0BAT27ZDZC62J0FG"

static void test_registry(void) {
  static const struct {
    const char *name;
    int rc;
    uint32_t type;
  } cases[] = {
      {"A", 0, 1},
      {"aaaa", 0, 28},
      {"Pkey", 0, 65536},
      {"EDKEY", 0, 65556},
      {"REDIRECT", 0, 65551},
      {"GNS2DNS", 0, 65540},
      {"BOX", 0, 65541},
      {"VPN", 0, 65539},
      {"URI", 0, 256},
      {"65536", 0, 65536},
      {"TYPE65536", 0, 65536},
      {"type99", 0, 99},
      {"4294967295", 0, 4294967295u},
      {"4294967296", -ENOENT, 0},
      {"0", -ENOENT, 0},
      {"TYPE", -ENOENT, 0},
      {"12x", -ENOENT, 0},
      {"NOPE", -ENOENT, 0},
      {"", -EINVAL, 0},
  };
  for (size_t i = 0; i < GNS_ARRAY_SIZE(cases); i++) {
    uint32_t t = 0;
    CHECK_INT(gns_rrtype_from_name(cases[i].name, &t), cases[i].rc);
    if (cases[i].rc == 0) CHECK_INT(t, cases[i].type);
  }
  CHECK_STR(gns_rrtype_name(GNS_TYPE_GNS2DNS), "GNS2DNS");
  CHECK_STR(gns_rrtype_name(GNS_TYPE_SOA), "SOA");
  CHECK(gns_rrtype_name(12345) == NULL);
  CHECK(gns_rrtype_is_delegation(GNS_TYPE_PKEY));
  CHECK(gns_rrtype_is_delegation(GNS_TYPE_EDKEY));
  CHECK(!gns_rrtype_is_delegation(GNS_TYPE_GNS2DNS));
  CHECK(gns_rrtype_known(GNS_TYPE_URI));
  CHECK(!gns_rrtype_known(12345));
}

/* text -> binary (hex) -> canonical text -> the same binary */
static const struct {
  uint32_t type;
  const char *text, *hex, *canon; /* canon NULL: same as text */
} good[] = {
    {GNS_TYPE_A, "192.0.2.1", "c0000201", NULL},
    {GNS_TYPE_A, " 192.0.2.1\n", "c0000201", "192.0.2.1"},
    {GNS_TYPE_AAAA, "2001:db8::1", "20010db8000000000000000000000001", NULL},
    {GNS_TYPE_AAAA, "2001:DB8:0:0::1", "20010db8000000000000000000000001", "2001:db8::1"},
    {GNS_TYPE_CNAME, "www.example.com", "03777777076578616d706c6503636f6d00", NULL},
    {GNS_TYPE_CNAME, "www.example.com.", "03777777076578616d706c6503636f6d00", "www.example.com"},
    {GNS_TYPE_CNAME,
     "b\xc3\xbc"
     "cher.example",
     "0d786e2d2d62636865722d6b7661076578616d706c6500", "xn--bcher-kva.example"},
    {GNS_TYPE_NS, "ns1.example.com", "036e7331076578616d706c6503636f6d00", NULL},
    {GNS_TYPE_MX, "10 mx.example.com", "000a026d78076578616d706c6503636f6d00", NULL},
    {GNS_TYPE_MX, "0 .", "000000", NULL}, /* RFC 7505 null MX */
    {GNS_TYPE_SRV, "5 10 443 srv.example.com", "0005000a01bb03737276076578616d706c6503636f6d00",
     NULL},
    {GNS_TYPE_SOA, "ns1.example.com hostmaster.example.com ( 2023010101 3600 900 604800 300 )",
     "036e7331076578616d706c6503636f6d00"
     "0a686f73746d6173746572076578616d706c6503636f6d00"
     "7894af3500000e100000038400093a800000012c",
     NULL},
    {GNS_TYPE_SOA, "ns1.example.com hostmaster.example.com 2023010101 3600 900 604800 300",
     "036e7331076578616d706c6503636f6d00"
     "0a686f73746d6173746572076578616d706c6503636f6d00"
     "7894af3500000e100000038400093a800000012c",
     "ns1.example.com hostmaster.example.com ( 2023010101 3600 900 604800 300 )"},
    {GNS_TYPE_SOA, "a. b. (1 2 3 4 4294967295)",
     "01610001620000000001000000020000000300000004ffffffff", "a b ( 1 2 3 4 4294967295 )"},
    {GNS_TYPE_TXT, "hello world", "68656c6c6f20776f726c64", NULL},
    {GNS_TYPE_TXT, "", "", NULL},
    {GNS_TYPE_TXT, "Hello World", "48656c6c6f20576f726c64", NULL}, /* RFC D.2 (2) record #2 */
    {GNS_TYPE_TLSA, "3 1 1 abcdef0123", "030101abcdef0123", NULL},
    {GNS_TYPE_TLSA, "3 1 1 AB CD EF", "030101abcdef", "3 1 1 abcdef"},
    {GNS_TYPE_CERT, "1 2 3 aGVsbG8=", "000100020368656c6c6f", NULL},
    {GNS_TYPE_CERT, "PKIX 2 RSASHA1 aGVs bG8=", "000100020568656c6c6f", "1 2 5 aGVsbG8="},
    {GNS_TYPE_URI, "10 1 \"https://example.com/\"",
     "000a000168747470733a2f2f6578616d706c652e636f6d2f", NULL},
    {GNS_TYPE_URI, "10 1 https://example.com/", "000a000168747470733a2f2f6578616d706c652e636f6d2f",
     "10 1 \"https://example.com/\""},
    {GNS_TYPE_URI, "1 2 \"a\\\"b\\\\c\"", "000100026122625c63", NULL},
    {GNS_TYPE_PKEY, PKEY_ZTLD, PKEY_HEX, NULL},
    {GNS_TYPE_PKEY, "000g0037fh3qtbck15y8bccnrvwpv17zc7tsgb1c9zg2tpghzvfv1gmg3w", PKEY_HEX,
     PKEY_ZTLD},
    {GNS_TYPE_EDKEY, EDKEY_ZTLD, EDKEY_HEX, NULL},
    {GNS_TYPE_NICK, "alice", "616c696365", NULL},
    {GNS_TYPE_NICK, "\xe6\x84\x9b\xe7\xa7\xb0", "e6849be7a7b0", NULL}, /* RFC D.2 (2) record #1 */
    {GNS_TYPE_LEHO, "www.example.com", "7777772e6578616d706c652e636f6d", NULL},
    {GNS_TYPE_VPN, "6 " PEER " myservice",
     PKEY_HEX "00066d7973657276696365"
              "00",
     NULL},
    {GNS_TYPE_GNS2DNS, "example.org@192.0.2.1",
     "6578616d706c652e6f726700"
     "3139322e302e322e3100",
     NULL},
    {GNS_TYPE_GNS2DNS, "example.org.@ns+",
     "6578616d706c652e6f726700"
     "6e732b00",
     "example.org@ns+"},
    {GNS_TYPE_GNS2DNS, "example.org@2001:db8::53",
     "6578616d706c652e6f726700"
     "323030313a6462383a3a353300",
     NULL},
    {GNS_TYPE_REDIRECT, "www.+", "7777772e2b00", NULL},
    {GNS_TYPE_REDIRECT, "www.example.com", "7777772e6578616d706c652e636f6d00", NULL},
    {GNS_TYPE_BOX, "6 443 52 3 1 1 abcdef", "000601bb00000034030101abcdef", NULL},
    {GNS_TYPE_BOX, "6 443 TLSA 3 1 1 ABCDEF", "000601bb00000034030101abcdef",
     "6 443 52 3 1 1 abcdef"},
    {GNS_TYPE_BOX, "17 53 33 5 10 443 srv.example.com",
     "00110035000000210005000a01bb03737276076578616d706c6503636f6d00", NULL},
    {GNS_TYPE_BOX, "6 25 1 192.0.2.1", "0006001900000001c0000201", NULL},
    {GNS_TYPE_BOX, "6 80 12345 \\# 2 abcd",
     "00060050"
     "00003039"
     "abcd",
     NULL},
    /* RFC 3597 generic form: any type, validated for known types */
    {GNS_TYPE_A, "\\# 4 c0000201", "c0000201", "192.0.2.1"},
    {12345, "\\# 3 abcdef", "abcdef", NULL},
    {12345, "\\# 0", "", NULL},
    /* "\#" not followed by white space is not the generic form */
    {GNS_TYPE_NS, "\\#.", "025c2300", "\\#"},
    /* data whose text would read as the generic form is printed generically */
    {GNS_TYPE_TXT, "\\# 3 5c2320", "5c2320", NULL},
    {GNS_TYPE_TXT, "\\# 5 5c23202078", "5c23202078", NULL},
};

static void test_good(void) {
  for (size_t i = 0; i < GNS_ARRAY_SIZE(good); i++) {
    uint8_t want[512];
    size_t wl = check_hex(good[i].hex, want, sizeof want);
    uint8_t *bin = NULL, *bin2 = NULL;
    size_t bl = 0, bl2 = 0;
    const char *why = NULL;
    char *text = NULL;
    const char *canon = good[i].canon ? good[i].canon : good[i].text;
    int r = gns_rrtype_from_text(good[i].type, good[i].text, &bin, &bl, &why);
    if (r != 0) fprintf(stderr, "case %zu (%s): %s\n", i, good[i].text, why ? why : "?");
    CHECK_INT(r, 0);
    if (r != 0) continue;
    CHECK_INT(bl, wl);
    if (bl == wl) CHECK_MEM(bin, want, wl);
    CHECK_INT(gns_rrtype_check(good[i].type, bin, bl), 0);
    CHECK_INT(gns_rrtype_to_text(good[i].type, bin, bl, &text), 0);
    if (text) CHECK_STR(text, canon);
    /* canonical text parses back to the same bytes */
    CHECK_INT(gns_rrtype_from_text(good[i].type, text ? text : "", &bin2, &bl2, &why), 0);
    CHECK_INT(bl2, bl);
    if (bin2 && bl2 == bl) CHECK_MEM(bin2, bin, bl);
    free(bin);
    free(bin2);
    free(text);
  }
}

/* Malformed text: -EINVAL with a reason mentioning the right thing. */
static const struct {
  uint32_t type;
  const char *text, *why_has;
} bad_text[] = {
    {GNS_TYPE_A, "192.0.2", "IPv4"},
    {GNS_TYPE_A, "2001:db8::1", "IPv4"},
    {GNS_TYPE_A, "", "IPv4"},
    {GNS_TYPE_AAAA, "192.0.2.1", "IPv6"},
    {GNS_TYPE_CNAME, "", "one DNS name"},
    {GNS_TYPE_CNAME, "a b", "one DNS name"},
    {GNS_TYPE_CNAME, "a..b", "malformed DNS name"},
    {GNS_TYPE_CNAME, "1234567890123456789012345678901234567890123456789012345678901234.com",
     "malformed DNS name"},
    {GNS_TYPE_MX, "mx.example.com", "preference"},
    {GNS_TYPE_MX, "65536 mx.example.com", "preference"},
    {GNS_TYPE_MX, "10", "MX"},
    {GNS_TYPE_MX, "10 a b", "MX"},
    {GNS_TYPE_SRV, "1 2 srv.example.com", "SRV"},
    {GNS_TYPE_SRV, "1 2 70000 srv.example.com", "SRV"},
    {GNS_TYPE_SOA, "ns1", "SOA"},
    {GNS_TYPE_SOA, "a b ( 1 2 3 4 )", "SOA"},
    {GNS_TYPE_SOA, "a b ( 1 2 3 4 5", "missing"},
    {GNS_TYPE_SOA, "a b 1 2 3 4 5 6", "trailing"},
    {GNS_TYPE_SOA, "a b 1 2 3 4 4294967296", "SOA"},
    {GNS_TYPE_TXT, "\xc3\x28", "UTF-8"},
    {GNS_TYPE_TLSA, "3 1 1", "hex"},
    {GNS_TYPE_TLSA, "3 1 1 abc", "hex"},
    {GNS_TYPE_TLSA, "3 1 256 ab", "TLSA"},
    {GNS_TYPE_TLSA, "3 1 1 xy", "hex"},
    {GNS_TYPE_CERT, "1 2 3", "base64"},
    {GNS_TYPE_CERT, "1 2 3 !!!!", "base64"},
    {GNS_TYPE_CERT, "FOO 2 3 aGVsbG8=", "mnemonic"},
    {GNS_TYPE_CERT, "1 2 256 aGVsbG8=", "algorithm"},
    {GNS_TYPE_URI, "10 1", "target"},
    {GNS_TYPE_URI, "10 1 \"\"", "target"},
    {GNS_TYPE_URI, "10 1 \"abc", "quote"},
    {GNS_TYPE_URI, "x 1 abc", "priority"},
    {GNS_TYPE_PKEY, EDKEY_ZTLD, "other zone type"},
    {GNS_TYPE_EDKEY, PKEY_ZTLD, "other zone type"},
    {GNS_TYPE_PKEY, "000G0037FH3QTBCK15Y8BCCNRVWPV17ZC7TSGB1C9ZG2TPGHZVFV1GMG3", "zTLD"},
    {GNS_TYPE_PKEY, "hello", "zTLD"},
    {GNS_TYPE_PKEY, "", "zTLD"},
    {GNS_TYPE_NICK, "a.b", "label"},
    {GNS_TYPE_NICK, "", "label"},
    {GNS_TYPE_NICK, "cafe\xcc\x81", "NFC"},
    {GNS_TYPE_LEHO, "", "LEHO"},
    {GNS_TYPE_VPN, "6 " PEER, "VPN"},
    {GNS_TYPE_VPN, "6 ABC svc", "peer"},
    {GNS_TYPE_VPN, "x " PEER " svc", "protocol"},
    {GNS_TYPE_GNS2DNS, "example.org", "@"},
    {GNS_TYPE_GNS2DNS, "@192.0.2.1", "DNS name"},
    {GNS_TYPE_GNS2DNS, "example.org@", "DNS server"},
    {GNS_TYPE_GNS2DNS, "a..b@192.0.2.1", "DNS name"},
    {GNS_TYPE_GNS2DNS, "example.org@a b", "DNS server"},
    {GNS_TYPE_GNS2DNS, "exa\x0cmple.org@192.0.2.1", "DNS name"}, /* found by fuzz-rrtext */
    {GNS_TYPE_GNS2DNS, "example.org@192.0.2.1\x7f", "DNS server"},
    {GNS_TYPE_GNS2DNS, "example.org..@192.0.2.1", "DNS name"}, /* found by fuzz-rrtext */
    {GNS_TYPE_REDIRECT, "www\x01.+", "REDIRECT"},
    {GNS_TYPE_REDIRECT, "", "REDIRECT"},
    {GNS_TYPE_REDIRECT, "a..+", "REDIRECT"},
    {GNS_TYPE_BOX, "6 443", "record type"},
    {GNS_TYPE_BOX, "6 443 NOPE 1", "unknown record type"},
    {GNS_TYPE_BOX, "6 443 BOX 6 443 1 192.0.2.1", "BOX cannot hold a BOX"},
    {GNS_TYPE_BOX, "6 443 1 300.1.1.1", "IPv4"},
    {GNS_TYPE_BOX, "70000 443 1 1.2.3.4", "protocol"},
    /* the boxed data alone must be valid (found by fuzz-rrtext) */
    {GNS_TYPE_BOX, "7 1 37 \\# 2 a434", "not valid for this record type"},
    {GNS_TYPE_A, "\\# 3 c00002", "not valid for this record type"},
    {GNS_TYPE_A, "\\# 4 c00002", "length mismatch"},
    {GNS_TYPE_A, "\\# x", "generic form"},
    {12345, "abc", "unknown record type"},
};

static void test_bad_text(void) {
  for (size_t i = 0; i < GNS_ARRAY_SIZE(bad_text); i++) {
    uint8_t *bin = NULL;
    size_t bl = 0;
    const char *why = NULL;
    int r = gns_rrtype_from_text(bad_text[i].type, bad_text[i].text, &bin, &bl, &why);
    if (r != -EINVAL || !why || !strstr(why, bad_text[i].why_has))
      fprintf(stderr, "bad case %zu (%s): rc %d why \"%s\"\n", i, bad_text[i].text, r,
              why ? why : "(null)");
    CHECK_INT(r, -EINVAL);
    CHECK(why && strstr(why, bad_text[i].why_has));
    CHECK(bin == NULL);
    free(bin);
  }
  /* TXT over 65535 bytes */
  char *big = malloc(70000);
  memset(big, 'x', 69999);
  big[69999] = '\0';
  uint8_t *bin = NULL;
  size_t bl = 0;
  const char *why = NULL;
  CHECK_INT(gns_rrtype_from_text(GNS_TYPE_TXT, big, &bin, &bl, &why), -EINVAL);
  CHECK(why && strstr(why, "65535"));
  free(big);
}

/* Malformed binary: to_text and check say -EBADMSG. */
static const struct {
  uint32_t type;
  const char *hex;
} bad_bin[] = {
    {GNS_TYPE_A, "c00002"},
    {GNS_TYPE_A, "c000020100"},
    {GNS_TYPE_AAAA, "20010db8"},
    {GNS_TYPE_CNAME, ""},
    {GNS_TYPE_CNAME, "03777777"},     /* truncated, no root */
    {GNS_TYPE_CNAME, "c00c"},         /* compression pointer */
    {GNS_TYPE_CNAME, "0377777700ff"}, /* trailing byte */
    {GNS_TYPE_CNAME, "03770a7700"},   /* control character in a label */
    {GNS_TYPE_MX, "000a"},
    {GNS_TYPE_SRV, "0005000a01bb"},
    {GNS_TYPE_SOA, "01610001620000000100000002"},
    {GNS_TYPE_TXT, "610062"},
    {GNS_TYPE_TXT, "c328"},
    {GNS_TYPE_TLSA, "030101"},
    {GNS_TYPE_CERT, "0001000203"},
    {GNS_TYPE_URI, "000a0001"},
    {GNS_TYPE_PKEY, "677c477d2d93097c85b195c6f96d84ff61f5982c2c4fe02d5a11fedfb0c290"},
    {GNS_TYPE_EDKEY, ""},
    {GNS_TYPE_NICK, ""},
    {GNS_TYPE_NICK, "ff"},
    {GNS_TYPE_LEHO, "00"},
    {GNS_TYPE_VPN, PKEY_HEX "0006"},
    {GNS_TYPE_VPN, PKEY_HEX "000661"}, /* service not NUL-terminated */
    {GNS_TYPE_GNS2DNS, "6578616d706c65"},
    {GNS_TYPE_GNS2DNS, "6578616d706c6500"},
    {GNS_TYPE_GNS2DNS, "6578616d706c65003100ff"},
    {GNS_TYPE_REDIRECT, ""},
    {GNS_TYPE_REDIRECT, "00"},
    {GNS_TYPE_REDIRECT, "610062"},
    {GNS_TYPE_BOX, "000601bb000000"},
    {GNS_TYPE_BOX, "000601bb00000001c00002"},
    {GNS_TYPE_BOX, "000601bb00010005"
                   "000601bb00000001c0000201"}, /* BOX in a BOX */
};

static void test_bad_bin(void) {
  for (size_t i = 0; i < GNS_ARRAY_SIZE(bad_bin); i++) {
    uint8_t d[128];
    size_t n = check_hex(bad_bin[i].hex, d, sizeof d);
    char *text = NULL;
    int r = gns_rrtype_to_text(bad_bin[i].type, d, n, &text);
    if (r != -EBADMSG) fprintf(stderr, "bad binary case %zu: rc %d text %s\n", i, r, text);
    CHECK_INT(r, -EBADMSG);
    CHECK(text == NULL);
    CHECK_INT(gns_rrtype_check(bad_bin[i].type, d, n), -EBADMSG);
    free(text);
  }
  /* Decodable data without a typed text that reads back is printed in
   * the generic form, which does read back (found by fuzz-rrtext). */
  static const struct {
    uint32_t type;
    const char *hex, *text;
  } generic[] = {
      {GNS_TYPE_REDIRECT, "610100", "\\# 3 610100"}, /* control character */
      {GNS_TYPE_REDIRECT, "0d22", "\\# 2 0d22"},     /* white space that trimming would lose */
      {GNS_TYPE_TXT, "5c232031203631", "\\# 7 5c232031203631"}, /* TXT "\# 1 61" */
  };
  for (size_t i = 0; i < GNS_ARRAY_SIZE(generic); i++) {
    if (!generic[i].text) continue;
    uint8_t d[64], *bin = NULL;
    size_t n = check_hex(generic[i].hex, d, sizeof d), bl = 0;
    char *t = NULL;
    CHECK_INT(gns_rrtype_check(generic[i].type, d, n), 0);
    CHECK_INT(gns_rrtype_to_text(generic[i].type, d, n, &t), 0);
    if (t) CHECK_STR(t, generic[i].text);
    CHECK_INT(gns_rrtype_from_text(generic[i].type, t ? t : "", &bin, &bl, NULL), 0);
    CHECK_INT(bl, n);
    if (bin && bl == n) CHECK_MEM(bin, d, n);
    free(bin);
    free(t);
  }
  {
    /* a NICK that is not NFC ("cafe" + U+0301) */
    const uint8_t nick[] = {'c', 'a', 'f', 'e', 0xcc, 0x81};
    char *t = NULL;
    CHECK_INT(gns_rrtype_to_text(GNS_TYPE_NICK, nick, sizeof nick, &t), 0);
    if (t) CHECK_STR(t, "\\# 6 63616665cc81");
    free(t);
  }
  /* Unknown types are opaque: always valid, printed generically. */
  char *text = NULL;
  CHECK_INT(gns_rrtype_check(12345, (const uint8_t *)"\x01", 1), 0);
  CHECK_INT(gns_rrtype_to_text(12345, (const uint8_t *)"\x01\xff", 2, &text), 0);
  CHECK_STR(text, "\\# 2 01ff");
  free(text);
}

static void test_accessors(void) {
  char a[300], b[300];
  uint8_t d[128];
  size_t n;

  /* REDIRECT: RFC (NUL) and GNUnet 0.19.3 (no NUL) forms. */
  CHECK_INT(gns_rrtype_parse_redirect((const uint8_t *)"www.+", 6, a, sizeof a), 0);
  CHECK_STR(a, "www.+");
  CHECK_INT(gns_rrtype_parse_redirect((const uint8_t *)"www.+", 5, a, sizeof a), 0);
  CHECK_STR(a, "www.+");
  CHECK_INT(gns_rrtype_parse_redirect((const uint8_t *)"www.+", 5, a, 5), -ENOSPC);
  CHECK_INT(gns_rrtype_parse_redirect((const uint8_t *)"ww\0w", 4, a, sizeof a), -EBADMSG);
  CHECK_INT(gns_rrtype_parse_redirect((const uint8_t *)"", 1, a, sizeof a), -EBADMSG);

  /* GNS2DNS: RFC form ... */
  n = check_hex("6578616d706c652e6f726700"
                "3139322e302e322e3100",
                d, sizeof d);
  CHECK_INT(gns_rrtype_parse_gns2dns(d, n, a, sizeof a, b, sizeof b), 0);
  CHECK_STR(a, "example.org");
  CHECK_STR(b, "192.0.2.1");
  /* ... and GNUnet 0.19.3's, byte for byte what it produced for
   * "example.org@192.0.2.1" and "example.org@ns+". */
  n = check_hex("076578616d706c65036f726700"
                "3139322e302e322e3100",
                d, sizeof d);
  CHECK_INT(gns_rrtype_parse_gns2dns(d, n, a, sizeof a, b, sizeof b), 0);
  CHECK_STR(a, "example.org");
  CHECK_STR(b, "192.0.2.1");
  n = check_hex("076578616d706c65036f726700"
                "6e732b00",
                d, sizeof d);
  CHECK_INT(gns_rrtype_parse_gns2dns(d, n, a, sizeof a, b, sizeof b), 0);
  CHECK_STR(b, "ns+");
  char *text = NULL;
  CHECK_INT(gns_rrtype_to_text(GNS_TYPE_GNS2DNS, d, n, &text), 0);
  CHECK_STR(text, "example.org@ns+");
  free(text);
  CHECK_INT(gns_rrtype_parse_gns2dns(d, n, a, 5, b, sizeof b), -ENOSPC);
  CHECK_INT(gns_rrtype_parse_gns2dns(d, n, a, sizeof a, b, 3), -ENOSPC);
  n = check_hex("076578616d706c65036f7267"
                "00",
                d, sizeof d); /* no server */
  CHECK_INT(gns_rrtype_parse_gns2dns(d, n, a, sizeof a, b, sizeof b), -EBADMSG);

  /* BOX */
  n = check_hex("000601bb00000034030101abcdef", d, sizeof d);
  uint16_t proto = 0, svc = 0;
  uint32_t type = 0;
  const uint8_t *inner = NULL;
  size_t il = 0;
  CHECK_INT(gns_rrtype_parse_box(d, n, &proto, &svc, &type, &inner, &il), 0);
  CHECK_INT(proto, 6);
  CHECK_INT(svc, 443);
  CHECK_INT(type, GNS_TYPE_TLSA);
  CHECK_INT(il, 6);
  CHECK(inner == d + 8);
  CHECK_INT(gns_rrtype_parse_box(d, 7, &proto, &svc, &type, &inner, &il), -EBADMSG);
  uint8_t *built = NULL;
  size_t bl = 0;
  CHECK_INT(gns_rrtype_build_box(6, 443, GNS_TYPE_TLSA, d + 8, 6, &built, &bl), 0);
  CHECK_INT(bl, n);
  if (built && bl == n) CHECK_MEM(built, d, n);
  free(built);

  /* LEHO/NICK strings, with or without a trailing NUL */
  CHECK_INT(gns_rrtype_parse_string((const uint8_t *)"alice", 5, a, sizeof a), 0);
  CHECK_STR(a, "alice");
  CHECK_INT(gns_rrtype_parse_string((const uint8_t *)"alice", 6, a, sizeof a), 0);
  CHECK_STR(a, "alice");
  CHECK_INT(gns_rrtype_parse_string((const uint8_t *)"\xff", 1, a, sizeof a), -EBADMSG);

  /* VPN */
  n = check_hex(PKEY_HEX "00066d7973657276696365"
                         "00",
                d, sizeof d);
  uint8_t peer[GNS_VPN_PEER_LEN];
  CHECK_INT(gns_rrtype_parse_vpn(d, n, &proto, peer, a, sizeof a), 0);
  CHECK_INT(proto, 6);
  CHECK_STR(a, "myservice");
  CHECK_INT(peer[0], 0x67);

  /* builders produce the RFC forms */
  CHECK_INT(gns_rrtype_build_redirect("www.+", &built, &bl), 0);
  CHECK_INT(bl, 6);
  if (built) CHECK_MEM(built, "www.+", 6);
  free(built);
  CHECK_INT(gns_rrtype_build_gns2dns("example.org", "192.0.2.1", &built, &bl), 0);
  CHECK_INT(bl, 22);
  if (built)
    CHECK_MEM(built,
              "example.org\0"
              "192.0.2.1",
              22);
  free(built);
  CHECK_INT(gns_rrtype_build_redirect("", &built, &bl), -EINVAL);
  CHECK_INT(gns_rrtype_build_gns2dns("a", "", &built, &bl), -EINVAL);
}

static void test_dnsname(void) {
  uint8_t w[300];
  char t[300];
  size_t n = 0, off = 0;
  CHECK_INT(gns_dnsname_to_wire("www.example.com", 15, w, sizeof w, &n), 0);
  CHECK_INT(n, 17);
  CHECK_MEM(w, "\3www\7example\3com", 17);
  CHECK_INT(gns_dnsname_to_wire(".", 1, w, sizeof w, &n), 0);
  CHECK_INT(n, 1);
  CHECK_INT(w[0], 0);
  CHECK_INT(gns_dnsname_from_wire(w, 1, &off, t, sizeof t), 0);
  CHECK_STR(t, ".");
  CHECK_INT(off, 1);
  CHECK_INT(gns_dnsname_to_wire("a..b", 4, w, sizeof w, &n), -EINVAL);
  CHECK_INT(gns_dnsname_to_wire("a b", 3, w, sizeof w, &n), -EINVAL);
  CHECK_INT(gns_dnsname_to_wire("b\xc3\xbc", 3, w, sizeof w, &n), -EINVAL);
  CHECK_INT(gns_dnsname_to_wire("www.example.com", 15, w, 16, &n), -ENOSPC);
  /* 255 bytes of wire is the maximum: 4 labels of 63 = 4*64+1 = 257 */
  char name[300];
  memset(name, 'a', 255);
  name[63] = name[127] = name[191] = '.';
  CHECK_INT(gns_dnsname_to_wire(name, 253, w, sizeof w, &n), 0); /* 63+63+63+61 */
  CHECK_INT(n, 255);
  off = 0;
  CHECK_INT(gns_dnsname_from_wire(w, n, &off, t, sizeof t), 0);
  CHECK_INT(strlen(t), 253);
  CHECK_INT(gns_dnsname_from_wire(w, n, &(size_t){0}, t, 253), -ENOSPC);
  CHECK_INT(gns_dnsname_to_wire(name, 254, w, sizeof w, &n), -ENAMETOOLONG);
  /* 64-byte label */
  memset(name, 'a', 64);
  CHECK_INT(gns_dnsname_to_wire(name, 64, w, sizeof w, &n), -EINVAL);
  /* from_wire at an offset, as inside MX */
  const uint8_t mx[] = {0, 10, 2, 'm', 'x', 0};
  off = 2;
  CHECK_INT(gns_dnsname_from_wire(mx, sizeof mx, &off, t, sizeof t), 0);
  CHECK_STR(t, "mx");
  CHECK_INT(off, 6);
  off = 2;
  CHECK_INT(gns_dnsname_from_wire(mx, 5, &off, t, sizeof t), -EBADMSG);
}

int main(void) {
  test_registry();
  test_good();
  test_bad_text();
  test_bad_bin();
  test_accessors();
  test_dnsname();
  return check_done("test-rrtype");
}
