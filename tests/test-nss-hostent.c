/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The pure half of the NSS module (nss/hostent.c): the name policy, the
 * ResolveHostname request and reply parser, the status mapping, and the
 * converters at every buffer size from 0 up and every misalignment. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "contract.h"
#include "check.h"
#include "hostent.h"

/* ---- name policy ------------------------------------------------------ */

static char *repeat_name(size_t total, const char *suffix) {
  /* Labels of 50 'a's joined by dots, cut so the whole is total bytes. */
  size_t slen = strlen(suffix);
  char *s = malloc(total + 1);
  if (!s || total < slen + 1) abort();
  size_t n = total - slen;
  for (size_t i = 0; i < n; i++)
    s[i] = (i % 51 == 50) ? '.' : 'a';
  if (s[n - 1] == '.') s[n - 1] = 'b';
  memcpy(s + n, suffix, slen + 1);
  return s;
}

static void test_classify(void) {
  static const struct {
    const char *name;
    enum gns_hostent_name_class want;
    size_t len;
  } cases[] = {
      {"www.example.gns.alt", GNS_HOSTENT_NAME_GNS, 19},
      {"www.example.gns.alt.", GNS_HOSTENT_NAME_GNS, 19}, /* trailing dot dropped */
      {"WWW.EXAMPLE.GNS.ALT", GNS_HOSTENT_NAME_GNS, 19},  /* suffix is case-insensitive */
      {"www.example.GnS.aLt.", GNS_HOSTENT_NAME_GNS, 19},
      {"a.gns.alt", GNS_HOSTENT_NAME_GNS, 9},
      {"b\xc3\xbc"
       "cher.gns.alt",
       GNS_HOSTENT_NAME_GNS, 15},                         /* UTF-8 label */
      {"\xe4\xbe\x8b.gns.alt", GNS_HOSTENT_NAME_GNS, 11}, /* CJK label */
      {"gns.alt", GNS_HOSTENT_NAME_INVALID, 0},           /* the bare suffix: ours, no zone */
      {"gns.alt.", GNS_HOSTENT_NAME_INVALID, 0},
      {"GNS.ALT", GNS_HOSTENT_NAME_INVALID, 0},
      {".gns.alt", GNS_HOSTENT_NAME_INVALID, 0}, /* empty label */
      {".a.gns.alt", GNS_HOSTENT_NAME_INVALID, 0},
      {"a..gns.alt", GNS_HOSTENT_NAME_INVALID, 0},
      {"a..b.gns.alt", GNS_HOSTENT_NAME_INVALID, 0},
      {"\xff.gns.alt", GNS_HOSTENT_NAME_INVALID, 0},             /* not UTF-8 */
      {"\xc3\x28.gns.alt", GNS_HOSTENT_NAME_INVALID, 0},         /* bad continuation */
      {"\xc0\xaf.gns.alt", GNS_HOSTENT_NAME_INVALID, 0},         /* overlong '/' */
      {"\xed\xa0\x80.gns.alt", GNS_HOSTENT_NAME_INVALID, 0},     /* UTF-16 surrogate */
      {"\xf4\x90\x80\x80.gns.alt", GNS_HOSTENT_NAME_INVALID, 0}, /* above U+10FFFF */
      {"ab\xe4\xbe.gns.alt", GNS_HOSTENT_NAME_INVALID, 0},       /* truncated sequence */
      {"xgns.alt", GNS_HOSTENT_NAME_NOT_GNS, 0},
      {"a.xgns.alt", GNS_HOSTENT_NAME_NOT_GNS, 0},
      {"a.xgns.alt.", GNS_HOSTENT_NAME_NOT_GNS, 0},
      {"\xffgns.alt", GNS_HOSTENT_NAME_NOT_GNS, 0},
      {"gns.alt.example", GNS_HOSTENT_NAME_NOT_GNS, 0},
      {"www.gns.alt.com", GNS_HOSTENT_NAME_NOT_GNS, 0},
      {"www.example.gns.alt..", GNS_HOSTENT_NAME_NOT_GNS, 0},
      {"example.com", GNS_HOSTENT_NAME_NOT_GNS, 0},
      {"localhost", GNS_HOSTENT_NAME_NOT_GNS, 0},
      {"alt", GNS_HOSTENT_NAME_NOT_GNS, 0},
      {"ns.alt", GNS_HOSTENT_NAME_NOT_GNS, 0},
      {"", GNS_HOSTENT_NAME_NOT_GNS, 0},
      {".", GNS_HOSTENT_NAME_NOT_GNS, 0},
      {"\xff\xfe", GNS_HOSTENT_NAME_NOT_GNS, 0},
      /* DNS escapes (RFC 1035, 5.1): what glibc's dns module would read
       * as a name under .gns.alt is ours (NOTFOUND), never DNS's. */
      {"www.demo.gns.al\\116", GNS_HOSTENT_NAME_INVALID, 0},
      {"www.demo.gns.al\\t", GNS_HOSTENT_NAME_INVALID, 0},
      {"www.demo.gns.al\\T", GNS_HOSTENT_NAME_INVALID, 0},
      {"www.demo.gns\\.alt", GNS_HOSTENT_NAME_INVALID, 0},
      {"www.demo.gns.alt\\.", GNS_HOSTENT_NAME_INVALID, 0},
      {"\\119ww.demo.gns.alt", GNS_HOSTENT_NAME_INVALID, 0},
      {"www.demo.gns.al\\116.", GNS_HOSTENT_NAME_INVALID, 0},
      {"www.example.co\\109", GNS_HOSTENT_NAME_NOT_GNS, 0},
      {"a\\.b.example.com", GNS_HOSTENT_NAME_NOT_GNS, 0},
      {"x.gns.alt\\\\", GNS_HOSTENT_NAME_NOT_GNS, 0}, /* label "alt\\" */
      {"x.gns.al\\", GNS_HOSTENT_NAME_NOT_GNS, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t len = 12345;
    errno = 4242;
    enum gns_hostent_name_class c = gns_hostent_classify(cases[i].name, &len);
    if (c != cases[i].want)
      fprintf(stderr, "classify case %zu (\"%s\"): got %d want %d\n", i, cases[i].name, c,
              cases[i].want);
    CHECK_INT(c, cases[i].want);
    CHECK_INT(errno, 4242); /* pure: errno untouched */
    if (cases[i].want == GNS_HOSTENT_NAME_GNS)
      CHECK_INT(len, cases[i].len);
    else
      CHECK_INT(len, 12345); /* *len only written for GNS names */
  }

  /* Length: 253 bytes is the longest name; the trailing dot is extra. */
  static const struct {
    size_t total;
    const char *suffix;
    enum gns_hostent_name_class want;
  } lens[] = {
      {252, ".gns.alt", GNS_HOSTENT_NAME_GNS},
      {253, ".gns.alt", GNS_HOSTENT_NAME_GNS},
      {254, ".gns.alt.", GNS_HOSTENT_NAME_GNS},
      {254, ".gns.alt", GNS_HOSTENT_NAME_INVALID},
      {255, ".gns.alt.", GNS_HOSTENT_NAME_INVALID},
      {300, ".gns.alt", GNS_HOSTENT_NAME_INVALID},
      {5000, ".GNS.ALT", GNS_HOSTENT_NAME_INVALID},
      {5000, ".example.com", GNS_HOSTENT_NAME_NOT_GNS},
  };
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    char *s = repeat_name(lens[i].total, lens[i].suffix);
    CHECK_INT(strlen(s), lens[i].total);
    size_t len = 0;
    CHECK_INT(gns_hostent_classify(s, &len), lens[i].want);
    if (lens[i].want == GNS_HOSTENT_NAME_GNS) CHECK_INT(len, strlen(s) - (s[strlen(s) - 1] == '.'));
    free(s);
  }
}

/* ---- request ---------------------------------------------------------- */

static void test_request(void) {
  char *req;
  size_t len;
  CHECK_INT(gns_hostent_request("www.x.gns.alt.", 13, AF_INET, &req, &len), 0);
  CHECK_STR(req, "{\"method\":\"alt.gns.Resolve.ResolveHostname\","
                 "\"parameters\":{\"name\":\"www.x.gns.alt\",\"family\":2}}");
  CHECK_INT(len, strlen(req));
  free(req);

  /* Quotes, backslashes and control bytes are escaped, UTF-8 passes. */
  static const char odd[] = "a\"b\\c\x01/d\xc3\xbc.gns.alt";
  CHECK_INT(gns_hostent_request(odd, sizeof odd - 1, AF_UNSPEC, &req, &len), 0);
  json_object *o = json_tokener_parse(req), *m, *p, *n, *f;
  CHECK(o != NULL);
  CHECK(json_object_object_get_ex(o, "method", &m));
  CHECK_STR(json_object_get_string(m), "alt.gns.Resolve.ResolveHostname");
  CHECK(json_object_object_get_ex(o, "parameters", &p));
  CHECK(json_object_object_get_ex(p, "name", &n));
  CHECK_STR(json_object_get_string(n), odd);
  CHECK(json_object_object_get_ex(p, "family", &f));
  CHECK_INT(json_object_get_int(f), 0);
  CHECK(memchr(req, 0x01, len) == NULL);
  json_object_put(o);
  free(req);

  CHECK_INT(gns_hostent_request("v6.gns.alt", 10, AF_INET6, &req, &len), 0);
  CHECK(strstr(req, "\"family\":10") != NULL);
  free(req);
}

/* ---- copy ------------------------------------------------------------ */

static void test_reply_copy(void) {
  static const char ok[] = "{\"parameters\":{\"addresses\":[{\"family\":2,\"address\":[10,0,0,1]},"
                           "{\"family\":10,\"address\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]}],"
                           "\"name\":\"canon.example\"}}";
  static const char err[] = "{\"error\":\"alt.gns.Resolve.NoSuchName\",\"parameters\":{}}";
  struct gns_hostent_reply a, b;
  CHECK_INT(gns_hostent_reply_parse((const uint8_t *)ok, sizeof ok - 1, AF_UNSPEC, &a), 0);
  CHECK_INT(gns_hostent_reply_copy(&a, &b), 0);
  CHECK(b.name != a.name && b.addresses != a.addresses);
  gns_hostent_reply_free(&a); /* the copy owns its memory */
  CHECK_STR(b.name, "canon.example");
  CHECK_INT(b.n_addresses, 2);
  CHECK_INT(b.outcome, GNS_HOSTENT_FOUND);
  CHECK_INT(b.addresses[0].family, AF_INET);
  CHECK_INT(b.addresses[0].addr[3], 1);
  CHECK_INT(b.addresses[1].family, AF_INET6);
  CHECK_INT(b.addresses[1].addr[15], 1);
  gns_hostent_reply_free(&b);
  CHECK_INT(gns_hostent_reply_parse((const uint8_t *)err, sizeof err - 1, AF_INET, &a), 0);
  CHECK_INT(gns_hostent_reply_copy(&a, &b), 0);
  CHECK_INT(b.outcome, a.outcome);
  CHECK_INT(b.err, ENOENT);
  CHECK(b.name == NULL && b.addresses == NULL);
  gns_hostent_reply_free(&a);
  gns_hostent_reply_free(&b);
}

/* ---- reply parser ----------------------------------------------------- */

#define OKV4 "{\"family\":2,\"address\":[127,0,0,1]}"
#define OKV6 "{\"family\":10,\"address\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]}"
#define PARAMS(a, n) "{\"parameters\":{\"addresses\":[" a "],\"name\":" n "}}"

static void test_reply_ok(void) {
  static const struct {
    const char *json;
    int family;
    size_t n;
    const char *name;
  } cases[] = {
      {PARAMS(OKV4, "\"www.x.gns.alt\""), AF_UNSPEC, 1, "www.x.gns.alt"},
      {PARAMS(OKV4, "\"www.x.gns.alt\""), AF_INET, 1, "www.x.gns.alt"},
      {PARAMS(OKV6, "\"www.x.gns.alt\""), AF_INET6, 1, "www.x.gns.alt"},
      {PARAMS(OKV4 "," OKV6 "," OKV4, "\"legacy.example.com\""), AF_UNSPEC, 3,
       "legacy.example.com"},
      {PARAMS("", "\"empty.gns.alt\""), AF_INET6, 0, "empty.gns.alt"}, /* NO_DATA */
      /* Fields in any order, unknown fields ignored, white space around. */
      {" {\"x\":[1,{}],\"parameters\":{\"name\":\"n.gns.alt\",\"future\":true,\"addresses\":["
       "{\"address\":[10,0,0,1],\"family\":2,\"ifindex\":3}]}} \n",
       AF_UNSPEC, 1, "n.gns.alt"},
      {PARAMS(OKV4, "\"b\\u00fccher.gns.alt\""), AF_UNSPEC, 1,
       "b\xc3\xbc"
       "cher.gns.alt"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct gns_hostent_reply r;
    int rc = gns_hostent_reply_parse((const uint8_t *)cases[i].json, strlen(cases[i].json),
                                     cases[i].family, &r);
    if (rc != 0) fprintf(stderr, "reply ok case %zu: %d\n", i, rc);
    CHECK_INT(rc, 0);
    CHECK_INT(r.outcome, GNS_HOSTENT_FOUND);
    CHECK_INT(r.err, 0);
    CHECK_INT(r.n_addresses, cases[i].n);
    CHECK_STR(r.name, cases[i].name);
    gns_hostent_reply_free(&r);
    CHECK(r.name == NULL && r.addresses == NULL && r.n_addresses == 0);
  }

  /* Values land where they belong. */
  const char *j = PARAMS("{\"family\":10,\"address\":[32,1,13,184,0,0,0,0,0,0,0,0,0,0,0,255]},"
                         "{\"family\":2,\"address\":[192,0,2,255]}",
                         "\"c.gns.alt\"");
  struct gns_hostent_reply r;
  CHECK_INT(gns_hostent_reply_parse((const uint8_t *)j, strlen(j), AF_UNSPEC, &r), 0);
  uint8_t v6[16], v4[4];
  inet_pton(AF_INET6, "2001:db8::ff", v6);
  inet_pton(AF_INET, "192.0.2.255", v4);
  CHECK_INT(r.addresses[0].family, AF_INET6);
  CHECK_MEM(r.addresses[0].addr, v6, 16);
  CHECK_INT(r.addresses[1].family, AF_INET);
  CHECK_MEM(r.addresses[1].addr, v4, 4);
  gns_hostent_reply_free(&r);
}

static void test_reply_errors(void) {
  static const struct {
    const char *json;
    enum gns_hostent_outcome outcome;
    int err;
  } cases[] = {
      {"{\"error\":\"alt.gns.Resolve.NoSuchName\",\"parameters\":{}}", GNS_HOSTENT_NO_SUCH_NAME,
       ENOENT},
      {"{\"error\":\"alt.gns.Resolve.NoSuchName\"}", GNS_HOSTENT_NO_SUCH_NAME, ENOENT},
      {"{\"parameters\":{},\"error\":\"alt.gns.Resolve.NotGNS\"}", GNS_HOSTENT_NO_SUCH_NAME,
       ENOENT},
      {"{\"error\":\"alt.gns.Resolve.InvalidName\",\"parameters\":{\"reason\":\"x\"}}",
       GNS_HOSTENT_NO_SUCH_NAME, EINVAL},
      {"{\"error\":\"alt.gns.Resolve.ZoneRevoked\"}", GNS_HOSTENT_NO_SUCH_NAME, EKEYREVOKED},
      {"{\"error\":\"alt.gns.Resolve.CriticalRecordUnsupported\",\"parameters\":{\"type\":65551}}",
       GNS_HOSTENT_UNRESOLVABLE, EPROTONOSUPPORT},
      {"{\"error\":\"alt.gns.Resolve.ResolutionLoop\"}", GNS_HOSTENT_UNRESOLVABLE, ELOOP},
      {"{\"error\":\"alt.gns.Resolve.StorageUnavailable\"}", GNS_HOSTENT_TRY_AGAIN, EAGAIN},
      {"{\"error\":\"alt.gns.Resolve.TimedOut\"}", GNS_HOSTENT_TRY_AGAIN, ETIMEDOUT},
      /* Errors we do not know are transient: never a false "no such name". */
      {"{\"error\":\"org.varlink.service.MethodNotFound\",\"parameters\":{\"method\":\"x\"}}",
       GNS_HOSTENT_TRY_AGAIN, EPROTO},
      {"{\"error\":\"org.varlink.service.InvalidParameter\"}", GNS_HOSTENT_TRY_AGAIN, EPROTO},
      {"{\"error\":\"alt.gns.Resolve.NoSuchNameX\"}", GNS_HOSTENT_TRY_AGAIN, EPROTO},
      {"{\"error\":\"alt.gns.resolve.nosuchname\"}", GNS_HOSTENT_TRY_AGAIN, EPROTO},
      {"{\"error\":\"\"}", GNS_HOSTENT_TRY_AGAIN, EPROTO},
      /* An error wins over parameters that look like an answer. */
      {"{\"error\":\"alt.gns.Resolve.NoSuchName\",\"parameters\":{\"addresses\":[" OKV4
       "],\"name\":\"n\"}}",
       GNS_HOSTENT_NO_SUCH_NAME, ENOENT},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct gns_hostent_reply r;
    CHECK_INT(gns_hostent_reply_parse((const uint8_t *)cases[i].json, strlen(cases[i].json),
                                      AF_UNSPEC, &r),
              0);
    CHECK_INT(r.outcome, cases[i].outcome);
    CHECK_INT(r.err, cases[i].err);
    CHECK(r.name == NULL && r.n_addresses == 0);
    gns_hostent_reply_free(&r);
  }
}

/* Every error that varlink/alt.gns.Resolve.varlink declares has its own
 * meaning in the module: none may fall through to the "unknown error"
 * default (TRY_AGAIN, EPROTO), which is what renaming an error in the
 * interface file without updating the module would do. */
static void test_every_error_mapped(void) {
  static const char *const errors[] = {VL_RESOLVE_ERRORS};
  CHECK_INT(sizeof errors / sizeof errors[0], VL_RESOLVE_N_ERRORS);
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
    char json[256];
    snprintf(json, sizeof json, "{\"error\":\"%s\",\"parameters\":{}}", errors[i]);
    struct gns_hostent_reply r;
    CHECK_INT(gns_hostent_reply_parse((const uint8_t *)json, strlen(json), AF_UNSPEC, &r), 0);
    if (r.err == EPROTO) fprintf(stderr, "%s has no NSS mapping (nss/hostent.c)\n", errors[i]);
    CHECK(r.err != EPROTO);
    gns_hostent_reply_free(&r);
  }
}

static void test_reply_malformed(void) {
  static const struct {
    const char *json;
    int family;
    int want;
  } cases[] = {
      /* not JSON, or not one object */
      {"", AF_UNSPEC, -EBADMSG},
      {"not json", AF_UNSPEC, -EBADMSG},
      {"{", AF_UNSPEC, -EBADMSG},
      {"{\"parameters\":", AF_UNSPEC, -EBADMSG},
      {"[]", AF_UNSPEC, -EBADMSG},
      {"123", AF_UNSPEC, -EBADMSG},
      {"\"str\"", AF_UNSPEC, -EBADMSG},
      {"null", AF_UNSPEC, -EBADMSG},
      {"true", AF_UNSPEC, -EBADMSG},
      {"{}{}", AF_UNSPEC, -EBADMSG},
      {PARAMS(OKV4, "\"n\"") "x", AF_UNSPEC, -EBADMSG},
      {"/*c*/" PARAMS(OKV4, "\"n\""), AF_UNSPEC, -EBADMSG},
      {"{'parameters':{}}", AF_UNSPEC, -EBADMSG},
      {"{\"parameters\":{\"addresses\":[],\"name\":\"\xff\"}}", AF_UNSPEC, -EBADMSG}, /* UTF-8 */
      /* envelope */
      {"{}", AF_UNSPEC, -EBADMSG},
      {"{\"parameters\":null}", AF_UNSPEC, -EBADMSG},
      {"{\"parameters\":[]}", AF_UNSPEC, -EBADMSG},
      {"{\"parameters\":\"x\"}", AF_UNSPEC, -EBADMSG},
      {"{\"error\":5}", AF_UNSPEC, -EBADMSG},
      {"{\"error\":null}", AF_UNSPEC, -EBADMSG},
      {"{\"error\":\"alt.gns.Resolve.NoSuchName\\u0000x\"}", AF_UNSPEC, -EBADMSG},
      /* missing fields, wrong types */
      {"{\"parameters\":{}}", AF_UNSPEC, -EBADMSG},
      {"{\"parameters\":{\"name\":\"n\"}}", AF_UNSPEC, -EBADMSG},
      {"{\"parameters\":{\"addresses\":[]}}", AF_UNSPEC, -EBADMSG},
      {"{\"parameters\":{\"addresses\":{},\"name\":\"n\"}}", AF_UNSPEC, -EBADMSG},
      {"{\"parameters\":{\"addresses\":null,\"name\":\"n\"}}", AF_UNSPEC, -EBADMSG},
      {PARAMS(OKV4, "1"), AF_UNSPEC, -EBADMSG},
      {PARAMS(OKV4, "null"), AF_UNSPEC, -EBADMSG},
      {PARAMS(OKV4, "[\"n\"]"), AF_UNSPEC, -EBADMSG},
      {PARAMS(OKV4, "\"\""), AF_UNSPEC, -EBADMSG},
      {PARAMS(OKV4, "\"a\\u0000b\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("1", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("[]", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("null", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"address\":[1,2,3,4]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":2}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":\"2\",\"address\":[1,2,3,4]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":2.0,\"address\":[1,2,3,4]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":null,\"address\":[1,2,3,4]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":2,\"address\":\"1.2.3.4\"}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":2,\"address\":{}}", "\"n\""), AF_UNSPEC, -EBADMSG},
      /* family unknown or not matching the address length */
      {PARAMS("{\"family\":0,\"address\":[1,2,3,4]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":1,\"address\":[1,2,3,4]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":-2,\"address\":[1,2,3,4]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":4294967298,\"address\":[1,2,3,4]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":2,\"address\":[1,2,3]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":2,\"address\":[1,2,3,4,5]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":2,\"address\":[]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":2,\"address\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]}", "\"n\""), AF_UNSPEC,
       -EBADMSG},
      {PARAMS("{\"family\":10,\"address\":[127,0,0,1]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      /* bytes out of range or of the wrong type */
      {PARAMS("{\"family\":2,\"address\":[1,2,3,256]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":2,\"address\":[1,2,3,-1]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":2,\"address\":[1,2,3,1.5]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":2,\"address\":[1,2,3,\"4\"]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":2,\"address\":[1,2,3,null]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      {PARAMS("{\"family\":2,\"address\":[1,2,3,[4]]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      /* one bad address spoils the reply */
      {PARAMS(OKV4 ",{\"family\":2,\"address\":[1,2,3]}", "\"n\""), AF_UNSPEC, -EBADMSG},
      /* family other than the one asked for */
      {PARAMS(OKV6, "\"n\""), AF_INET, -EBADMSG},
      {PARAMS(OKV4, "\"n\""), AF_INET6, -EBADMSG},
      {PARAMS(OKV4 "," OKV6, "\"n\""), AF_INET, -EBADMSG},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct gns_hostent_reply r;
    int rc = gns_hostent_reply_parse((const uint8_t *)cases[i].json, strlen(cases[i].json),
                                     cases[i].family, &r);
    if (rc != cases[i].want)
      fprintf(stderr, "malformed case %zu: %s -> %d\n", i, cases[i].json, rc);
    CHECK_INT(rc, cases[i].want);
    CHECK(r.name == NULL && r.addresses == NULL && r.n_addresses == 0);
  }

  /* A NUL inside the message (the framing ends a message at the NUL). */
  static const char nul[] = "{\"parameters\":{\"addresses\":[],\"name\":\"n\"}}\0{}";
  struct gns_hostent_reply r;
  CHECK_INT(gns_hostent_reply_parse((const uint8_t *)nul, sizeof nul - 1, AF_UNSPEC, &r), -EBADMSG);
  CHECK_INT(gns_hostent_reply_parse((const uint8_t *)nul, strlen(nul), AF_UNSPEC, &r), 0);
  gns_hostent_reply_free(&r);
}

/* Builds PARAMS with n IPv4 addresses. */
static char *many_addresses(size_t n, const char *name_json) {
  size_t cap = 64 + n * 40 + strlen(name_json);
  char *s = malloc(cap), *p = s;
  p += sprintf(p, "{\"parameters\":{\"addresses\":[");
  for (size_t i = 0; i < n; i++)
    p += sprintf(p, "%s{\"family\":2,\"address\":[10,%zu,%zu,%zu]}", i ? "," : "", (i >> 16) & 255,
                 (i >> 8) & 255, i & 255);
  sprintf(p, "],\"name\":%s}}", name_json);
  return s;
}

static void test_reply_bounds(void) {
  struct gns_hostent_reply r;
  char *s = many_addresses(GNS_HOSTENT_MAX_ADDRESSES, "\"n\"");
  CHECK_INT(gns_hostent_reply_parse((const uint8_t *)s, strlen(s), AF_INET, &r), 0);
  CHECK_INT(r.n_addresses, GNS_HOSTENT_MAX_ADDRESSES);
  CHECK_INT(r.addresses[1023].addr[3], 255);
  CHECK_INT(r.addresses[1023].addr[2], 3);
  gns_hostent_reply_free(&r);
  free(s);

  s = many_addresses(GNS_HOSTENT_MAX_ADDRESSES + 1, "\"n\"");
  CHECK_INT(gns_hostent_reply_parse((const uint8_t *)s, strlen(s), AF_INET, &r), -E2BIG);
  CHECK(r.addresses == NULL && r.n_addresses == 0);
  free(s);

  /* A message over the limit is refused before parsing. */
  size_t big = GNS_HOSTENT_REPLY_MAX + 1;
  char *huge = malloc(big);
  memset(huge, ' ', big);
  memcpy(huge, PARAMS(OKV4, "\"n\""), strlen(PARAMS(OKV4, "\"n\"")));
  CHECK_INT(gns_hostent_reply_parse((const uint8_t *)huge, big, AF_UNSPEC, &r), -E2BIG);
  CHECK_INT(gns_hostent_reply_parse((const uint8_t *)huge, big - 1, AF_UNSPEC, &r), 0);
  gns_hostent_reply_free(&r);
  free(huge);

  /* Canonical name: 255 bytes is the limit. */
  char name[300];
  name[0] = '"';
  memset(name + 1, 'c', 255);
  strcpy(name + 256, "\"");
  s = many_addresses(1, name);
  CHECK_INT(gns_hostent_reply_parse((const uint8_t *)s, strlen(s), AF_UNSPEC, &r), 0);
  CHECK_INT(strlen(r.name), 255);
  gns_hostent_reply_free(&r);
  free(s);
  strcpy(name + 256, "c\"");
  s = many_addresses(1, name);
  CHECK_INT(gns_hostent_reply_parse((const uint8_t *)s, strlen(s), AF_UNSPEC, &r), -EBADMSG);
  free(s);

  /* Deep nesting is cut off by the tokener's depth limit. */
  char deep[2100];
  strcpy(deep, "{\"parameters\":{\"addresses\":[],\"name\":\"n\",\"x\":");
  size_t k = strlen(deep);
  for (int i = 0; i < 1000; i++)
    deep[k++] = '[';
  for (int i = 0; i < 1000; i++)
    deep[k++] = ']';
  strcpy(deep + k, "}}");
  CHECK_INT(gns_hostent_reply_parse((const uint8_t *)deep, strlen(deep), AF_UNSPEC, &r), -EBADMSG);
}

/* ---- status mapping --------------------------------------------------- */

static void test_status(void) {
  static const struct {
    enum gns_hostent_result res;
    int err;
    enum nss_status status;
    int want_err, want_herr;
  } cases[] = {
      {GNS_HOSTENT_R_SUCCESS, 0, NSS_STATUS_SUCCESS, 0, NETDB_SUCCESS},
      {GNS_HOSTENT_R_NOT_GNS, 0, NSS_STATUS_UNAVAIL, 0, HOST_NOT_FOUND},
      {GNS_HOSTENT_R_INVALID_NAME, 0, NSS_STATUS_NOTFOUND, EINVAL, HOST_NOT_FOUND},
      {GNS_HOSTENT_R_NO_SUCH_NAME, ENOENT, NSS_STATUS_NOTFOUND, ENOENT, HOST_NOT_FOUND},
      {GNS_HOSTENT_R_NO_SUCH_NAME, EKEYREVOKED, NSS_STATUS_NOTFOUND, EKEYREVOKED, HOST_NOT_FOUND},
      {GNS_HOSTENT_R_NO_DATA, 0, NSS_STATUS_NOTFOUND, ENODATA, NO_DATA},
      {GNS_HOSTENT_R_NO_DATA, EAFNOSUPPORT, NSS_STATUS_NOTFOUND, EAFNOSUPPORT, NO_DATA},
      {GNS_HOSTENT_R_UNRESOLVABLE, ELOOP, NSS_STATUS_NOTFOUND, ELOOP, NO_RECOVERY},
      {GNS_HOSTENT_R_TRY_AGAIN, ECONNREFUSED, NSS_STATUS_TRYAGAIN, ECONNREFUSED, TRY_AGAIN},
      {GNS_HOSTENT_R_TRY_AGAIN, ENOENT, NSS_STATUS_TRYAGAIN, ENOENT, TRY_AGAIN},
      {GNS_HOSTENT_R_TRY_AGAIN, ETIMEDOUT, NSS_STATUS_TRYAGAIN, ETIMEDOUT, TRY_AGAIN},
      {GNS_HOSTENT_R_TRY_AGAIN, 0, NSS_STATUS_TRYAGAIN, EAGAIN, TRY_AGAIN},
      {GNS_HOSTENT_R_BUFFER_SMALL, 0, NSS_STATUS_TRYAGAIN, ERANGE, NETDB_INTERNAL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct gns_hostent_status s = gns_hostent_status_for(cases[i].res, cases[i].err);
    CHECK_INT(s.status, cases[i].status);
    CHECK_INT(s.err, cases[i].want_err);
    CHECK_INT(s.h_err, cases[i].want_herr);
  }
  /* A transient failure must never carry ERANGE+NETDB_INTERNAL (glibc would
   * loop growing the buffer). */
  CHECK(gns_hostent_status_for(GNS_HOSTENT_R_TRY_AGAIN, ERANGE).h_err != NETDB_INTERNAL);

  struct gns_hostent_address a[3] = {{AF_INET, {1}}, {AF_INET6, {2}}, {AF_INET, {3}}};
  struct gns_hostent_reply found = {
      .outcome = GNS_HOSTENT_FOUND, .name = "n", .n_addresses = 3, .addresses = a};
  struct gns_hostent_reply v4only = {
      .outcome = GNS_HOSTENT_FOUND, .name = "n", .n_addresses = 1, .addresses = a};
  struct gns_hostent_reply empty = {.outcome = GNS_HOSTENT_FOUND, .name = "n"};
  struct gns_hostent_reply nsn = {.outcome = GNS_HOSTENT_NO_SUCH_NAME, .err = ENOENT};
  struct gns_hostent_reply unr = {.outcome = GNS_HOSTENT_UNRESOLVABLE, .err = ELOOP};
  struct gns_hostent_reply again = {.outcome = GNS_HOSTENT_TRY_AGAIN, .err = EAGAIN};
  CHECK_INT(gns_hostent_result_for(&found, AF_UNSPEC), GNS_HOSTENT_R_SUCCESS);
  CHECK_INT(gns_hostent_result_for(&found, AF_INET), GNS_HOSTENT_R_SUCCESS);
  CHECK_INT(gns_hostent_result_for(&found, AF_INET6), GNS_HOSTENT_R_SUCCESS);
  CHECK_INT(gns_hostent_result_for(&v4only, AF_INET6), GNS_HOSTENT_R_NO_DATA);
  CHECK_INT(gns_hostent_result_for(&empty, AF_UNSPEC), GNS_HOSTENT_R_NO_DATA);
  CHECK_INT(gns_hostent_result_for(&empty, AF_INET), GNS_HOSTENT_R_NO_DATA);
  CHECK_INT(gns_hostent_result_for(&nsn, AF_UNSPEC), GNS_HOSTENT_R_NO_SUCH_NAME);
  CHECK_INT(gns_hostent_result_for(&unr, AF_UNSPEC), GNS_HOSTENT_R_UNRESOLVABLE);
  CHECK_INT(gns_hostent_result_for(&again, AF_UNSPEC), GNS_HOSTENT_R_TRY_AGAIN);
}

/* ---- the caller's buffer ---------------------------------------------- */

static void test_buf(void) {
  alignas(16) char arena[64];
  struct gns_hostent_buf b;
  gns_hostent_buf_init(&b, arena + 1, 20); /* misaligned start */
  char *p = gns_hostent_buf_alloc(&b, 3, 1);
  CHECK(p == arena + 1);
  void **q = gns_hostent_buf_alloc(&b, sizeof(void *), alignof(void *));
  CHECK(q == (void **)(arena + 8));
  CHECK_INT(b.used, 15);
  CHECK(gns_hostent_buf_alloc(&b, 7, 1) == NULL); /* 15 + 7 > 20 */
  CHECK_INT(b.used, 15);                          /* a failed allocation takes nothing */
  CHECK(gns_hostent_buf_alloc(&b, 1, 1) == arena + 16);
  CHECK(gns_hostent_buf_alloc(&b, 1, 8) == NULL); /* the pad to arena + 24 is past the end */
  CHECK_INT(b.used, 16);
  CHECK(gns_hostent_buf_alloc(&b, 4, 1) == arena + 17);
  CHECK_INT(b.used, 20);
  CHECK(gns_hostent_buf_alloc(&b, 0, 1) == arena + 21);
  CHECK(gns_hostent_buf_alloc(&b, 1, 1) == NULL);
  CHECK(gns_hostent_buf_alloc(&b, SIZE_MAX, 1) == NULL);

  gns_hostent_buf_init(&b, arena, 0);
  CHECK(gns_hostent_buf_alloc(&b, 1, 1) == NULL);
  CHECK(gns_hostent_buf_alloc(&b, 0, 1) == arena);
}

#define ARENA 4096
#define CANARY 0xA5

static bool untouched(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != CANARY) return false;
  return true;
}

static bool inside(const void *p, const char *buf, size_t len) {
  return (const char *)p >= buf && (const char *)p < buf + len;
}

/* Every buffer size from 0 up at 8 misalignments: -ERANGE and nothing
 * written until the measured size, then the right hostent, with every
 * byte written inside the buffer. */
static void sweep_hostent(const struct gns_hostent_reply *r, int af) {
  static alignas(16) unsigned char arena[ARENA];
  size_t alen = af == AF_INET ? 4 : 16, n = 0;
  for (size_t i = 0; i < r->n_addresses; i++)
    if (r->addresses[i].family == af) n++;

  for (size_t off = 0; off < 8; off++) {
    char *buf = (char *)arena + 64 + off;
    size_t need = gns_hostent_hostent_size(r, af, buf);
    CHECK(need < ARENA - 200);
    size_t first_ok = 0;
    for (size_t size = 0; size <= need + 24; size++) {
      memset(arena, CANARY, sizeof arena);
      struct hostent h;
      memset(&h, 0x5a, sizeof h);
      char *canon = (char *)1;
      int rc = gns_hostent_to_hostent(r, af, buf, size, &h, &canon);
      if (size < need) {
        CHECK_INT(rc, -ERANGE);
        CHECK(untouched(arena, sizeof arena));
        CHECK(canon == (char *)1);
        continue;
      }
      if (!first_ok) first_ok = size;
      CHECK_INT(rc, 0);
      CHECK(untouched(arena, 64 + off));
      CHECK(untouched((unsigned char *)buf + size,
                      (size_t)(arena + ARENA - (unsigned char *)buf) - size));
      CHECK_STR(h.h_name, r->name);
      CHECK(canon == h.h_name);
      CHECK(inside(h.h_name, buf, size) && inside(h.h_name + strlen(h.h_name), buf, size));
      CHECK_INT(h.h_addrtype, af);
      CHECK_INT(h.h_length, alen);
      CHECK(inside(h.h_aliases, buf, size) && h.h_aliases[0] == NULL);
      CHECK(((uintptr_t)h.h_aliases % alignof(char *)) == 0);
      CHECK(inside(h.h_addr_list, buf, size));
      CHECK(((uintptr_t)h.h_addr_list % alignof(char *)) == 0);
      size_t k = 0;
      for (size_t i = 0; i < r->n_addresses; i++) {
        if (r->addresses[i].family != af) continue;
        CHECK(h.h_addr_list[k] != NULL);
        if (!h.h_addr_list[k]) break;
        CHECK(inside(h.h_addr_list[k], buf, size) &&
              inside(h.h_addr_list[k] + alen - 1, buf, size));
        CHECK(((uintptr_t)h.h_addr_list[k] % 4) == 0);
        CHECK_MEM(h.h_addr_list[k], r->addresses[i].addr, alen);
        k++;
      }
      CHECK_INT(k, n);
      CHECK(h.h_addr_list[n] == NULL);
    }
    CHECK_INT(first_ok, need); /* the measured size is the smallest that works */
  }
}

static void sweep_tuples(const struct gns_hostent_reply *r, bool preallocated) {
  static alignas(16) unsigned char arena[ARENA];
  for (size_t off = 0; off < 8; off++) {
    char *buf = (char *)arena + 64 + off;
    size_t need = gns_hostent_tuples_size(r, buf);
    size_t first_ok = 0;
    for (size_t size = 0; size <= need + 24; size++) {
      memset(arena, CANARY, sizeof arena);
      struct gaih_addrtuple pre, *pat = preallocated ? &pre : NULL;
      memset(&pre, 0x5a, sizeof pre);
      int rc = gns_hostent_to_tuples(r, buf, size, &pat);
      if (size < need) {
        CHECK_INT(rc, -ERANGE);
        CHECK(untouched(arena, sizeof arena));
        CHECK(pat == (preallocated ? &pre : NULL));
        continue;
      }
      if (!first_ok) first_ok = size;
      CHECK_INT(rc, 0);
      CHECK(untouched(arena, 64 + off));
      CHECK(untouched((unsigned char *)buf + size,
                      (size_t)(arena + ARENA - (unsigned char *)buf) - size));
      if (preallocated)
        CHECK(pat == &pre);
      else
        CHECK(inside(pat, buf, size) && (uintptr_t)pat % alignof(struct gaih_addrtuple) == 0);
      size_t i = 0;
      for (struct gaih_addrtuple *t = pat; t; t = t->next, i++) {
        if (i >= r->n_addresses) break;
        if (t != pat) CHECK(inside(t, buf, size));
        CHECK_STR(t->name, r->name);
        CHECK(inside(t->name, buf, size));
        CHECK_INT(t->family, r->addresses[i].family);
        CHECK_MEM(t->addr, r->addresses[i].addr, t->family == AF_INET ? 4 : 16);
        if (t->family == AF_INET) CHECK(t->addr[1] == 0 && t->addr[2] == 0 && t->addr[3] == 0);
        CHECK_INT(t->scopeid, 0);
      }
      CHECK_INT(i, r->n_addresses);
    }
    CHECK_INT(first_ok, need);
  }
}

static void test_converters(void) {
  struct gns_hostent_address a[5] = {{AF_INET, {192, 0, 2, 1}},
                                     {AF_INET6, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}},
                                     {AF_INET, {192, 0, 2, 2}},
                                     {AF_INET6, {0xfe, 0x80, [15] = 2}},
                                     {AF_INET, {127, 0, 0, 1}}};
  struct gns_hostent_reply r = {
      .outcome = GNS_HOSTENT_FOUND, .name = "legacy.example.com", .n_addresses = 5, .addresses = a};

  /* gethostbyname_r and _2_r/_3_r for AF_INET, _2_r/_3_r for AF_INET6. */
  sweep_hostent(&r, AF_INET);
  sweep_hostent(&r, AF_INET6);
  /* gethostbyname4_r, with and without glibc's preallocated tuple. */
  sweep_tuples(&r, false);
  sweep_tuples(&r, true);

  /* One address, the longest canonical name. */
  char longname[GNS_HOSTENT_CANON_MAX + 1];
  memset(longname, 'x', GNS_HOSTENT_CANON_MAX);
  longname[GNS_HOSTENT_CANON_MAX] = 0;
  struct gns_hostent_reply one = {
      .outcome = GNS_HOSTENT_FOUND, .name = longname, .n_addresses = 1, .addresses = a + 3};
  sweep_hostent(&one, AF_INET6);
  sweep_tuples(&one, false);

  /* No address of the family: -ENODATA whatever the buffer. */
  alignas(16) char big[1024];
  struct hostent h;
  struct gaih_addrtuple *pat = NULL;
  struct gns_hostent_reply v4 = {
      .outcome = GNS_HOSTENT_FOUND, .name = "n", .n_addresses = 1, .addresses = a};
  struct gns_hostent_reply none = {.outcome = GNS_HOSTENT_FOUND, .name = "n"};
  CHECK_INT(gns_hostent_to_hostent(&v4, AF_INET6, big, sizeof big, &h, NULL), -ENODATA);
  CHECK_INT(gns_hostent_to_hostent(&v4, AF_INET6, big, 0, &h, NULL), -ENODATA);
  CHECK_INT(gns_hostent_to_hostent(&none, AF_INET, big, sizeof big, &h, NULL), -ENODATA);
  CHECK_INT(gns_hostent_to_tuples(&none, big, sizeof big, &pat), -ENODATA);
  CHECK(pat == NULL);
  /* canonp may be NULL (gethostbyname2_r). */
  CHECK_INT(gns_hostent_to_hostent(&v4, AF_INET, big, sizeof big, &h, NULL), 0);
  CHECK_STR(h.h_name, "n");
}

int main(void) {
  test_classify();
  test_request();
  test_reply_copy();
  test_reply_ok();
  test_reply_errors();
  test_every_error_mapped();
  test_reply_malformed();
  test_reply_bounds();
  test_status();
  test_buf();
  test_converters();
  return check_done("test-nss-hostent");
}
