/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Labels and names: UTF-8, NFC, lengths, "@", "+", ".gns.alt". */
#include <errno.h>
#include "gns-util.h"
#include "label.h"
#include "check.h"

#define S(x) x, sizeof(x) - 1

static void test_label_check(void) {
  static const struct {
    const char *label;
    size_t len;
    int want;
  } cases[] = {
      {S("www"), 0},
      {S("@"), 0},
      {S("\xe5\xa4\xa9\xe4\xb8\x8b\xe7\x84\xa1\xe6\x95\xb5"), 0}, /* RFC D.2 (2) label */
      {S("caf\xc3\xa9"), 0},                                      /* é precomposed: NFC */
      {S("cafe\xcc\x81"), -EILSEQ},                               /* e + U+0301: not NFC */
      {S("\xe1\x84\x80\xe1\x85\xa1"), -EILSEQ}, /* conjoining jamo: NFC is U+AC00 */
      {S("\xea\xb0\x80"), 0},                   /* U+AC00 */
      {S("\xe2\x84\xab"), -EILSEQ},             /* ANGSTROM SIGN -> U+00C5 */
      {S(""), -EINVAL},
      {S("a.b"), -EINVAL},
      {S("a\0b"), -EINVAL},
      {S("\xc3\x28"), -EINVAL},         /* bad continuation */
      {S("\xc0\xaf"), -EINVAL},         /* overlong '/' */
      {S("\xed\xa0\x80"), -EINVAL},     /* UTF-16 surrogate */
      {S("\xf4\x90\x80\x80"), -EINVAL}, /* above U+10FFFF */
      {S("abc\xe5\xa4"), -EINVAL},      /* truncated sequence */
      {S("123456789012345678901234567890123456789012345678901234567890123"), 0},
      {S("1234567890123456789012345678901234567890123456789012345678901234"), -ENAMETOOLONG},
      /* 21 three-byte characters = 63 bytes: fine; 22 = 66: too long */
      {S("\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9"
         "\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9"
         "\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9"),
       0},
      {S("\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9"
         "\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9"
         "\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9\xe5\xa4\xa9"
         "\xe5\xa4\xa9"),
       -ENAMETOOLONG},
  };
  for (size_t i = 0; i < GNS_ARRAY_SIZE(cases); i++) {
    int r = gns_label_check((const uint8_t *)cases[i].label, cases[i].len);
    if (r != cases[i].want) fprintf(stderr, "label case %zu\n", i);
    CHECK_INT(r, cases[i].want);
  }
}

static void test_label_normalize(void) {
  static const struct {
    const char *in;
    size_t len;
    int want;
    const char *out;
  } cases[] = {
      {S("cafe\xcc\x81"), 0, "caf\xc3\xa9"},
      {S("caf\xc3\xa9"), 0, "caf\xc3\xa9"},
      {S("\xe1\x84\x80\xe1\x85\xa1"), 0, "\xea\xb0\x80"},
      {S("\xe2\x84\xab"), 0, "\xc3\x85"},
      {S("www"), 0, "www"},
      {S("\xc3\x28"), -EINVAL, NULL},
      {S("a.b"), -EINVAL, NULL},
      {S(""), -EINVAL, NULL},
      {S("1234567890123456789012345678901234567890123456789012345678901234"), -ENAMETOOLONG, NULL},
      /* an IDNA A-label is its U-label (issue 12, item 10) */
      {S("xn--nicode-2ya"), 0, "\xc3\xbcnicode"},
      {S("XN--NICODE-2YA"), 0, "\xc3\xbcnicode"},
      {S("xn--caf-dma"), 0, "caf\xc3\xa9"},
      {S("\xc3\xbcnicode"), 0, "\xc3\xbcnicode"},
      /* not valid IDNA: an ordinary ASCII label */
      {S("xn--"), 0, "xn--"},
      {S("xn--a"), 0, "xn--a"},
      {S("xn--zzzzzzz-"), 0, "xn--zzzzzzz-"},
      {S("xn--abc"), 0, "xn--abc"},
  };
  for (size_t i = 0; i < GNS_ARRAY_SIZE(cases); i++) {
    char out[128];
    size_t n = 0;
    int r = gns_label_normalize((const uint8_t *)cases[i].in, cases[i].len, out, sizeof out, &n);
    CHECK_INT(r, cases[i].want);
    if (r == 0 && cases[i].out) {
      CHECK_STR(out, cases[i].out);
      CHECK_INT(n, strlen(cases[i].out));
    }
  }
  char small[4];
  CHECK_INT(gns_label_normalize((const uint8_t *)"abcd", 4, small, sizeof small, NULL), -ENOSPC);
  CHECK_INT(gns_label_normalize((const uint8_t *)"abc", 3, small, sizeof small, NULL), 0);
}

static void test_name_split(void) {
  static const struct {
    const char *name;
    int want;
    size_t n;
    const char *labels[4];
  } cases[] = {
      {"www.example.gns.alt", 0, 4, {"www", "example", "gns", "alt"}},
      {"www.example.", 0, 2, {"www", "example"}},
      {"@", 0, 1, {"@"}},
      {"www.+", 0, 2, {"www", "+"}},
      {"", -EINVAL, 0, {NULL}},
      {".", -EINVAL, 0, {NULL}},
      {"a..b", -EINVAL, 0, {NULL}},
      {".a", -EINVAL, 0, {NULL}},
      {"a..", -EINVAL, 0, {NULL}},
      {"x.1234567890123456789012345678901234567890123456789012345678901234",
       -ENAMETOOLONG,
       0,
       {NULL}},
  };
  for (size_t i = 0; i < GNS_ARRAY_SIZE(cases); i++) {
    struct gns_name_labels l;
    int r = gns_name_split(cases[i].name, strlen(cases[i].name), &l);
    CHECK_INT(r, cases[i].want);
    if (r != 0) continue;
    CHECK_INT(l.n, cases[i].n);
    for (size_t k = 0; k < l.n && k < 4; k++) {
      CHECK_INT(l.len[k], strlen(cases[i].labels[k]));
      CHECK(memcmp(l.label[k], cases[i].labels[k], l.len[k]) == 0);
    }
  }
  /* Overlong names and too many labels. */
  char name[600];
  memset(name, 'a', 253);
  for (size_t i = 63; i < 253; i += 64)
    name[i] = '.';
  struct gns_name_labels l;
  CHECK_INT(gns_name_split(name, 253, &l), 0);
  CHECK_INT(l.n, 4);
  name[253] = 'a';
  CHECK_INT(gns_name_split(name, 254, &l), -ENAMETOOLONG);
  for (size_t i = 0; i < 259; i++)
    name[i] = (i % 2) ? '.' : 'a';
  CHECK_INT(gns_name_split(name, 253, &l), 0); /* 127 one-byte labels */
  CHECK_INT(l.n, 127);
}

static void test_gns_alt(void) {
  static const struct {
    const char *name;
    bool want;
    size_t prefix;
  } cases[] = {
      {"www.example.gns.alt", true, 11},
      {"www.example.gns.alt.", true, 11},
      {"WWW.Example.GNS.ALT", true, 11},
      {"a.Gns.Alt.", true, 1},
      {"gns.alt", false, 0},
      {"gns.alt.", false, 0},
      {".gns.alt", false, 0},
      {"xgns.alt", false, 0},
      {"www.xgns.alt", false, 0},
      {"www.gns.alt.com", false, 0},
      {"www.gns.alt..", false, 0},
      {"example.com", false, 0},
      {"", false, 0},
      {"alt", false, 0},
  };
  for (size_t i = 0; i < GNS_ARRAY_SIZE(cases); i++) {
    size_t p = 999;
    bool r = gns_name_is_gns_alt(cases[i].name, strlen(cases[i].name), &p);
    if (r != cases[i].want) fprintf(stderr, "gns.alt case %s\n", cases[i].name);
    CHECK(r == cases[i].want);
    if (r) CHECK_INT(p, cases[i].prefix);
  }
  CHECK(!gns_name_is_gns_alt("a\0b.gns.alt", 11, NULL));
}

static void test_relative_and_apex(void) {
  static const struct {
    const char *name;
    bool want;
    size_t prefix;
  } cases[] = {
      {"www.+", true, 3},  {"a.b.+", true, 3},  {"+", true, 0},
      {"www.+.", true, 3}, {"www", false, 0},   {"www+", false, 0},
      {".+", false, 0},    {"+.www", false, 0}, {"", false, 0},
  };
  for (size_t i = 0; i < GNS_ARRAY_SIZE(cases); i++) {
    size_t p = 999;
    bool r = gns_name_is_relative(cases[i].name, strlen(cases[i].name), &p);
    if (r != cases[i].want) fprintf(stderr, "relative case %s\n", cases[i].name);
    CHECK(r == cases[i].want);
    if (r) CHECK_INT(p, cases[i].prefix);
  }
  CHECK(gns_label_is_apex("@", 1));
  CHECK(!gns_label_is_apex("@@", 2));
  CHECK(!gns_label_is_apex("a", 1));
}

static void test_name_normalize(void) {
  char out[300];
  size_t n = 0;
  CHECK_INT(gns_name_normalize(S("cafe\xcc\x81.example.gns.alt."), out, sizeof out, &n), 0);
  CHECK_STR(out, "caf\xc3\xa9.example.gns.alt");
  CHECK_INT(n, strlen(out));
  CHECK_INT(gns_name_normalize(S("a..b"), out, sizeof out, &n), -EINVAL);
  CHECK_INT(gns_name_normalize(S("a.\xc3\x28"), out, sizeof out, &n), -EINVAL);
  CHECK_INT(gns_name_normalize(S("www.example"), out, 5, &n), -ENOSPC);
}

int main(void) {
  test_label_check();
  test_label_normalize();
  test_name_split();
  test_gns_alt();
  test_relative_and_apex();
  test_name_normalize();
  return check_done("test-label");
}
