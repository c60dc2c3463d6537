/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RPP JSON: every type both ways, names, flags, ttl/expiration, whole
 * documents, and errors that name the record and field. */
#include <errno.h>
#include "gns-util.h"
#include "rpp.h"
#include "rpp-stream.h"
#include "rrtype.h"
#include "check.h"

#define PKEY_ZTLD "000G0037FH3QTBCK15Y8BCCNRVWPV17ZC7TSGB1C9ZG2TPGHZVFV1GMG3W"
#define EDKEY_ZTLD "000G051WYJWJ80S04BRDRM2R2H9VGQCKP13VCFA4DHC4BJT88HEXQ5K8HW"
#define PEER "CXY4EZ9DJC4QS1DHJQ3FJVC4ZXGZB61C5H7Y0BAT27ZDZC62J0FG"

/* A record per type: presentation text, and the rdata JSON we export. */
static const struct {
  uint32_t type;
  const char *text, *rdata_json;
} types[] = {
    {GNS_TYPE_A, "192.0.2.1", "{\"address\":\"192.0.2.1\"}"},
    {GNS_TYPE_AAAA, "2001:db8::1", "{\"address\":\"2001:db8::1\"}"},
    {GNS_TYPE_NS, "ns1.example.net", "{\"nsdname\":\"ns1.example.net\"}"},
    {GNS_TYPE_CNAME, "www.example.com", "{\"cname\":\"www.example.com\"}"},
    {GNS_TYPE_MX, "10 mx1.example.net", "{\"preference\":\"10\",\"exchange\":\"mx1.example.net\"}"},
    {GNS_TYPE_SRV, "5 10 443 srv.example.com",
     "{\"priority\":\"5\",\"weight\":\"10\",\"port\":\"443\",\"target\":\"srv.example.com\"}"},
    {GNS_TYPE_TXT, "v=spf1 -all", "{\"txtData\":\"v=spf1 -all\"}"},
    {GNS_TYPE_SOA, "ns1.example.com hostmaster.example.com ( 1 3600 900 604800 300 )",
     "{\"mname\":\"ns1.example.com\",\"rname\":\"hostmaster.example.com\",\"serial\":\"1\","
     "\"refresh\":\"3600\",\"retry\":\"900\",\"expire\":\"604800\",\"minimum\":\"300\"}"},
    {GNS_TYPE_TLSA, "3 1 1 abcdef",
     "{\"certificateUsage\":\"3\",\"selector\":\"1\",\"matchingType\":\"1\","
     "\"certificateAssociationData\":\"abcdef\"}"},
    {GNS_TYPE_URI, "10 1 \"https://example.com/a b\\\"c\"",
     "{\"priority\":\"10\",\"weight\":\"1\",\"target\":\"https:\\/\\/example.com\\/a b\\\"c\"}"},
    {GNS_TYPE_CERT, "1 2 3 aGVsbG8=",
     "{\"type\":\"1\",\"keyTag\":\"2\",\"algorithm\":\"3\",\"certificate\":\"aGVsbG8=\"}"},
    {GNS_TYPE_PKEY, PKEY_ZTLD, "{\"zoneKey\":\"" PKEY_ZTLD "\"}"},
    {GNS_TYPE_EDKEY, EDKEY_ZTLD, "{\"zoneKey\":\"" EDKEY_ZTLD "\"}"},
    {GNS_TYPE_NICK, "alice", "{\"nick\":\"alice\"}"},
    {GNS_TYPE_LEHO, "www.example.com", "{\"name\":\"www.example.com\"}"},
    {GNS_TYPE_REDIRECT, "www.+", "{\"name\":\"www.+\"}"},
    {GNS_TYPE_GNS2DNS, "example.org@192.0.2.1",
     "{\"name\":\"example.org\",\"server\":\"192.0.2.1\"}"},
    {GNS_TYPE_VPN, "6 " PEER " myservice",
     "{\"protocol\":\"6\",\"peer\":\"" PEER "\",\"service\":\"myservice\"}"},
    {GNS_TYPE_BOX, "6 443 52 3 1 1 abcdef",
     "{\"protocol\":\"6\",\"service\":\"443\",\"recordType\":\"tlsa\",\"rdata\":"
     "{\"certificateUsage\":\"3\",\"selector\":\"1\",\"matchingType\":\"1\","
     "\"certificateAssociationData\":\"abcdef\"}}"},
    {GNS_TYPE_BOX, "17 53 33 5 10 443 srv.example.com",
     "{\"protocol\":\"17\",\"service\":\"53\",\"recordType\":\"srv\",\"rdata\":"
     "{\"priority\":\"5\",\"weight\":\"10\",\"port\":\"443\",\"target\":\"srv.example.com\"}}"},
    {GNS_TYPE_BOX, "6 80 12345 \\# 2 abcd",
     "{\"protocol\":\"6\",\"service\":\"80\",\"recordType\":\"type12345\",\"rdata\":"
     "{\"data\":\"abcd\"}}"},
    {12345, "\\# 3 abcdef", "{\"data\":\"abcdef\"}"},
    /* names starting with a parenthesis (found by fuzz-rpp) */
    {GNS_TYPE_MX, "6 )x.example", "{\"preference\":\"6\",\"exchange\":\")x.example\"}"},
    {GNS_TYPE_SOA, "( ) ( 1 2 3 4 5 )",
     "{\"mname\":\"(\",\"rname\":\")\",\"serial\":\"1\",\"refresh\":\"2\",\"retry\":\"3\","
     "\"expire\":\"4\",\"minimum\":\"5\"}"},
};

static const char *plain(json_object *o) {
  return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
}

static void test_every_type(void) {
  for (size_t i = 0; i < GNS_ARRAY_SIZE(types); i++) {
    uint8_t *bin = NULL;
    size_t bl = 0;
    const char *why = NULL;
    if (gns_rrtype_from_text(types[i].type, types[i].text, &bin, &bl, &why) != 0) {
      fprintf(stderr, "type case %zu: %s\n", i, why);
      CHECK(0);
      continue;
    }
    struct gns_record rd = {1700000000000000u, types[i].type, GNS_RF_CRITICAL, (uint16_t)bl, bin};
    json_object *o = NULL;
    CHECK_INT(gns_rpp_record_to_json("www", &rd, &o), 0);
    if (!o) {
      free(bin);
      continue;
    }
    json_object *rdata = NULL;
    CHECK(json_object_object_get_ex(o, "rdata", &rdata));
    CHECK_STR(plain(rdata), types[i].rdata_json);
    /* and back */
    struct gns_rpp_record back;
    why = NULL;
    int r = gns_rpp_record_from_json(o, NULL, &back, &why);
    if (r) fprintf(stderr, "type case %zu: import failed at %s (%s)\n", i, why, plain(o));
    CHECK_INT(r, 0);
    if (r == 0) {
      CHECK_STR(back.name, "www");
      CHECK_INT(back.rd.type, rd.type);
      CHECK_INT(back.rd.flags, rd.flags);
      CHECK_INT(back.rd.expiration, rd.expiration);
      CHECK_INT(back.rd.data_len, bl);
      if (back.rd.data_len == bl) CHECK_MEM(back.rd.data, bin, bl);
      gns_rpp_record_clear(&back);
    }
    json_object_put(o);
    free(bin);
  }
}

static void test_record_shape(void) {
  struct gns_record rd = {3600000000u, GNS_TYPE_A,
                          GNS_RF_SHADOW | GNS_RF_PRIVATE | GNS_RF_RELATIVE_EXPIRATION | 0x0010, 4,
                          (const uint8_t *)"\xc0\x00\x02\x01"};
  json_object *o = NULL;
  CHECK_INT(gns_rpp_record_to_json("@", &rd, &o), 0);
  CHECK_STR(plain(o), "{\"name\":\"@\",\"type\":\"a\",\"rdata\":{\"address\":\"192.0.2.1\"},"
                      "\"flags\":[\"shadow\",\"private\",\"relative\",\"bit4\"],\"ttl\":\"3600\"}");
  json_object_put(o);
  /* fractional ttl keeps every microsecond */
  rd.expiration = 1500001;
  rd.flags = GNS_RF_RELATIVE_EXPIRATION;
  CHECK_INT(gns_rpp_record_to_json("x", &rd, &o), 0);
  json_object *t = NULL;
  CHECK(json_object_object_get_ex(o, "ttl", &t));
  CHECK_STR(json_object_get_string(t), "1.500001");
  struct gns_rpp_record back;
  CHECK_INT(gns_rpp_record_from_json(o, NULL, &back, NULL), 0);
  CHECK_INT(back.rd.expiration, 1500001);
  CHECK_INT(back.rd.flags, GNS_RF_RELATIVE_EXPIRATION);
  gns_rpp_record_clear(&back);
  json_object_put(o);
  /* absolute expiration up to UINT64_MAX (GNUnet's "forever") */
  rd.expiration = UINT64_MAX;
  rd.flags = 0;
  CHECK_INT(gns_rpp_record_to_json("x", &rd, &o), 0);
  CHECK_STR(plain(o), "{\"name\":\"x\",\"type\":\"a\",\"rdata\":{\"address\":\"192.0.2.1\"},"
                      "\"expiration\":\"18446744073709551615\"}");
  CHECK_INT(gns_rpp_record_from_json(o, NULL, &back, NULL), 0);
  CHECK(back.rd.expiration == UINT64_MAX);
  gns_rpp_record_clear(&back);
  json_object_put(o);
}

/* Parsing single records: names, numbers given as JSON numbers, ttl. */
static void test_record_input(void) {
  static const struct {
    const char *json, *origin;
    int rc;
    const char *name;
    uint16_t flags;
    uint64_t exp;
    const char *err_has;
  } cases[] = {
      {"{\"name\":\"@\",\"type\":\"A\",\"rdata\":{\"address\":\"192.0.2.1\"}}", NULL, 0, "@",
       GNS_RF_RELATIVE_EXPIRATION, 3600000000u, NULL},
      {"{\"name\":\"www.example.com.\",\"type\":\"a\",\"rdata\":{\"address\":\"192.0.2.1\"},"
       "\"ttl\":60}",
       "example.com", 0, "www", GNS_RF_RELATIVE_EXPIRATION, 60000000u, NULL},
      {"{\"name\":\"Example.COM.\",\"type\":\"a\",\"rdata\":{\"address\":\"192.0.2.1\"},"
       "\"expiration\":1234}",
       "example.com.", 0, "@", 0, 1234, NULL},
      {"{\"name\":\"cafe\\u0301\",\"type\":\"a\",\"class\":\"in\",\"rdlength\":4,"
       "\"rdata\":{\"address\":\"192.0.2.1\"},\"flags\":[\"critical\",\"bit12\"],\"ttl\":\"0.25\"}",
       NULL, 0, "caf\xc3\xa9", GNS_RF_CRITICAL | 0x1000 | GNS_RF_RELATIVE_EXPIRATION, 250000, NULL},
      {"{\"name\":\"mx\",\"type\":\"mx\",\"rdata\":{\"preference\":10,\"exchange\":\"mx.example.\"}"
       "}",
       NULL, 0, "mx", GNS_RF_RELATIVE_EXPIRATION, 3600000000u, NULL},
      /* errors name the field */
      {"{\"name\":\"www.other.com.\",\"type\":\"a\",\"rdata\":{\"address\":\"192.0.2.1\"}}",
       "example.com", -EINVAL, NULL, 0, 0, "field name: \"www.other.com.\" is not in zone"},
      {"{\"name\":\"xexample.com.\",\"type\":\"a\",\"rdata\":{\"address\":\"192.0.2.1\"}}",
       "example.com", -EINVAL, NULL, 0, 0, "field name:"},
      {"{\"name\":\"www.\",\"type\":\"a\",\"rdata\":{\"address\":\"192.0.2.1\"}}", NULL, -EINVAL,
       NULL, 0, 0, "no zone name"},
      {"{\"name\":\"a.b\",\"type\":\"a\",\"rdata\":{\"address\":\"192.0.2.1\"}}", NULL, -EINVAL,
       NULL, 0, 0, "single label"},
      {"{\"name\":\"\",\"type\":\"a\",\"rdata\":{\"address\":\"192.0.2.1\"}}", NULL, -EINVAL, NULL,
       0, 0, "field name: must not be empty"},
      {"{\"type\":\"a\",\"rdata\":{\"address\":\"192.0.2.1\"}}", NULL, -EINVAL, NULL, 0, 0,
       "field name:"},
      {"{\"name\":\"a\",\"type\":\"bogus\",\"rdata\":{}}", NULL, -EINVAL, NULL, 0, 0,
       "field type: unknown record type"},
      {"{\"name\":\"a\",\"type\":\"a\",\"class\":\"CH\",\"rdata\":{\"address\":\"1.2.3.4\"}}", NULL,
       -EINVAL, NULL, 0, 0, "field class"},
      {"{\"name\":\"a\",\"type\":\"a\",\"rdata\":{\"address\":\"1.2.3\"}}", NULL, -EINVAL, NULL, 0,
       0, "field rdata: rdata.address: not an IPv4 address"},
      {"{\"name\":\"a\",\"type\":\"a\",\"rdata\":{\"addr\":\"1.2.3.4\"}}", NULL, -EINVAL, NULL, 0,
       0, "rdata.addr: unknown field"},
      {"{\"name\":\"a\",\"type\":\"mx\",\"rdata\":{\"preference\":\"10\"}}", NULL, -EINVAL, NULL, 0,
       0, "rdata.exchange: missing"},
      {"{\"name\":\"a\",\"type\":\"mx\",\"rdata\":{\"preference\":\"x\",\"exchange\":\"a\"}}", NULL,
       -EINVAL, NULL, 0, 0, "rdata.preference: must be a number 0..65535"},
      {"{\"name\":\"a\",\"type\":\"mx\",\"rdata\":{\"preference\":-1,\"exchange\":\"a\"}}", NULL,
       -EINVAL, NULL, 0, 0, "rdata.preference: must not be negative"},
      {"{\"name\":\"a\",\"type\":\"mx\",\"rdata\":{\"preference\":1,\"exchange\":\"a..b\"}}", NULL,
       -EINVAL, NULL, 0, 0, "rdata.exchange: malformed DNS name"},
      {"{\"name\":\"a\",\"type\":\"pkey\",\"rdata\":{\"zoneKey\":\"" EDKEY_ZTLD "\"}}", NULL,
       -EINVAL, NULL, 0, 0, "rdata.zoneKey: zTLD is of the other zone type"},
      {"{\"name\":\"a\",\"type\":\"txt\",\"rdata\":{\"txtData\":[1]}}", NULL, -EINVAL, NULL, 0, 0,
       "rdata.txtData: must be a string"},
      {"{\"name\":\"a\",\"type\":\"txt\",\"rdata\":{\"txtData\":\"a\\u0000b\"}}", NULL, -EINVAL,
       NULL, 0, 0, "rdata.txtData: contains a NUL"},
      {"{\"name\":\"a\",\"type\":\"txt\",\"rdata\":\"x\"}", NULL, -EINVAL, NULL, 0, 0,
       "rdata: must be an object"},
      {"{\"name\":\"a\",\"type\":\"txt\"}", NULL, -EINVAL, NULL, 0, 0, "field rdata: missing"},
      {"{\"name\":\"a\",\"type\":\"box\",\"rdata\":{\"protocol\":\"6\",\"service\":\"443\","
       "\"recordType\":\"tlsa\",\"rdata\":{\"certificateUsage\":\"3\",\"selector\":\"1\","
       "\"matchingType\":\"1\",\"certificateAssociationData\":\"xyz\"}}}",
       NULL, -EINVAL, NULL, 0, 0, "rdata.rdata.certificateAssociationData: must be a non-empty"},
      {"{\"name\":\"a\",\"type\":\"box\",\"rdata\":{\"protocol\":\"6\",\"service\":\"443\","
       "\"recordType\":\"box\",\"rdata\":{}}}",
       NULL, -EINVAL, NULL, 0, 0, "rdata.recordType: a BOX cannot hold a BOX"},
      {"{\"name\":\"a\",\"type\":\"box\",\"rdata\":{\"protocol\":\"99999\",\"service\":\"443\","
       "\"recordType\":\"a\",\"rdata\":{}}}",
       NULL, -EINVAL, NULL, 0, 0, "rdata.protocol: must be a number"},
      {"{\"name\":\"a\",\"type\":\"a\",\"rdata\":{\"address\":\"1.2.3.4\"},\"flags\":[\"loud\"]}",
       NULL, -EINVAL, NULL, 0, 0, "field flags: unknown flag \"loud\""},
      {"{\"name\":\"a\",\"type\":\"a\",\"rdata\":{\"address\":\"1.2.3.4\"},\"flags\":\"critical\"}",
       NULL, -EINVAL, NULL, 0, 0, "field flags: must be an array"},
      {"{\"name\":\"a\",\"type\":\"a\",\"rdata\":{\"address\":\"1.2.3.4\"},\"ttl\":1,"
       "\"expiration\":2}",
       NULL, -EINVAL, NULL, 0, 0, "not both"},
      {"{\"name\":\"a\",\"type\":\"a\",\"rdata\":{\"address\":\"1.2.3.4\"},\"ttl\":\"1.2345678\"}",
       NULL, -EINVAL, NULL, 0, 0, "field ttl"},
      {"{\"name\":\"a\",\"type\":\"a\",\"rdata\":{\"address\":\"1.2.3.4\"},\"ttl\":\"-5\"}", NULL,
       -EINVAL, NULL, 0, 0, "field ttl"},
      {"{\"name\":\"a\",\"type\":\"a\",\"rdata\":{\"address\":\"1.2.3.4\"},\"expiration\":\"x\"}",
       NULL, -EINVAL, NULL, 0, 0, "field expiration"},
      {"{\"name\":\"a\",\"type\":\"a\",\"rdata\":{\"address\":\"1.2.3.4\"},\"flags\":[\"relative\"]"
       ","
       "\"expiration\":\"5\"}",
       NULL, -EINVAL, NULL, 0, 0, "field flags: \"relative\" needs \"ttl\""},
      {"{\"name\":\"a\",\"type\":\"a\",\"rdata\":{\"address\":\"1.2.3.4\"},\"colour\":\"red\"}",
       NULL, -EINVAL, NULL, 0, 0, "unknown member \"colour\""},
      {"[1]", NULL, -EINVAL, NULL, 0, 0, "must be an object"},
      /* {"data": hex} works for known types too, and is validated */
      {"{\"name\":\"a\",\"type\":\"a\",\"rdata\":{\"data\":\"c0000201\"}}", NULL, 0, "a",
       GNS_RF_RELATIVE_EXPIRATION, 3600000000u, NULL},
      {"{\"name\":\"a\",\"type\":\"a\",\"rdata\":{\"data\":\"c00002\"}}", NULL, -EINVAL, NULL, 0, 0,
       "rdata.data: generic form: data is not valid for this record type"},
      {"{\"name\":\"a\",\"type\":\"a\",\"rdata\":{\"data\":\"c0000201\",\"address\":\"1.2.3.4\"}}",
       NULL, -EINVAL, NULL, 0, 0, "cannot be combined"},
  };
  for (size_t i = 0; i < GNS_ARRAY_SIZE(cases); i++) {
    json_object *o = json_tokener_parse(cases[i].json);
    if (!o) {
      fprintf(stderr, "input case %zu: bad test JSON\n", i);
      CHECK(0);
      continue;
    }
    struct gns_rpp_record rec;
    char err[256] = "";
    int r = gns_rpp_record_parse(o, cases[i].origin, GNS_RPP_DEFAULT_TTL, &rec, err, sizeof err);
    if (r != cases[i].rc || (cases[i].err_has && !strstr(err, cases[i].err_has)))
      fprintf(stderr, "input case %zu: rc %d err \"%s\"\n", i, r, err);
    CHECK_INT(r, cases[i].rc);
    if (r == 0) {
      CHECK_STR(rec.name, cases[i].name);
      CHECK_INT(rec.rd.flags, cases[i].flags);
      CHECK_INT(rec.rd.expiration, cases[i].exp);
      gns_rpp_record_clear(&rec);
    } else {
      CHECK(cases[i].err_has && strstr(err, cases[i].err_has));
      CHECK(rec.rd.data == NULL);
    }
    /* the legacy API names the field */
    const char *why = NULL;
    r = gns_rpp_record_from_json(o, cases[i].origin, &rec, &why);
    CHECK_INT(r, cases[i].rc);
    if (r == 0)
      gns_rpp_record_clear(&rec);
    else
      CHECK(why != NULL);
    json_object_put(o);
  }
}

/* A zone with one record per type, exported and imported losslessly. */
static void test_document_round_trip(void) {
  struct gns_rpp_record recs[GNS_ARRAY_SIZE(types)];
  size_t n = GNS_ARRAY_SIZE(types);
  for (size_t i = 0; i < n; i++) {
    uint8_t *bin = NULL;
    size_t bl = 0;
    CHECK_INT(gns_rrtype_from_text(types[i].type, types[i].text, &bin, &bl, NULL), 0);
    snprintf(recs[i].name, sizeof recs[i].name, i % 3 ? "label%zu" : "@", i);
    recs[i].rd = (struct gns_record){
        i % 2 ? 1700000000000000u + i : 3600000000u + i, types[i].type,
        (uint16_t)((i % 2 ? 0 : GNS_RF_RELATIVE_EXPIRATION) | (i % 4 == 1 ? GNS_RF_SHADOW : 0) |
                   (i % 5 == 2 ? GNS_RF_PRIVATE | GNS_RF_SUPPLEMENTAL : 0)),
        (uint16_t)bl, bin};
  }
  json_object *doc = NULL;
  CHECK_INT(gns_rpp_document_to_json("myzone", recs, n, &doc), 0);
  const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY);
  struct gns_rpp_record *back = NULL;
  size_t bn = 0;
  char err[256] = "";
  int r = gns_rpp_document_parse(text, strlen(text), NULL, &back, &bn, err, sizeof err);
  if (r) fprintf(stderr, "document import: %s\n", err);
  CHECK_INT(r, 0);
  CHECK_INT(bn, n);
  for (size_t i = 0; r == 0 && i < n && i < bn; i++) {
    CHECK_STR(back[i].name, recs[i].name);
    CHECK_INT(back[i].rd.type, recs[i].rd.type);
    CHECK_INT(back[i].rd.flags, recs[i].rd.flags);
    CHECK_INT(back[i].rd.expiration, recs[i].rd.expiration);
    CHECK_INT(back[i].rd.data_len, recs[i].rd.data_len);
    if (back[i].rd.data_len == recs[i].rd.data_len)
      CHECK_MEM(back[i].rd.data, recs[i].rd.data, recs[i].rd.data_len);
  }
  gns_rpp_records_free(back, bn);
  json_object_put(doc);
  for (size_t i = 0; i < n; i++)
    gns_rpp_record_clear(&recs[i]);
}

static void test_document_errors(void) {
  static const struct {
    const char *json;
    const char *err_has;
  } cases[] = {
      {"{\"dns\":{\"records\":[{\"name\":\"@\",\"type\":\"a\",\"rdata\":{\"address\":\"1.2.3.4\"}},"
       "{\"name\":\"www\",\"type\":\"a\",\"rdata\":{\"address\":\"1.2.3\"}}]}}",
       "record 1, field rdata: rdata.address: not an IPv4 address"},
      {"{\"dns\":{\"records\":[{\"name\":\"@\",\"type\":\"mx\",\"rdata\":{\"preference\":\"1\"}}]}"
       "}",
       "record 0, field rdata: rdata.exchange: missing"},
      {"{\"name\":\"example.com\",\"dns\":{\"records\":[{\"name\":\"www.example.net.\","
       "\"type\":\"a\",\"rdata\":{\"address\":\"1.2.3.4\"}}]}}",
       "record 0, field name:"},
      {"{\"dns\":{}}", "dns.records"},
      {"{\"records\":[]}", "\"dns\""},
      {"[]", "must be a JSON object"},
      {"{\"dns\":{\"records\":[]", "JSON syntax error"},
      {"{\"dns\":{\"records\":[]}} x", "trailing data"},
      {"{\"dns\":{\"records\":[],\"controls\":[]}}", "dns.controls"},
      {"{\"dns\":{\"records\":[{\"name\":\"@\",\"type\":\"a\",\"rdata\":{\"address\":\"1.2.3.4\"}}]"
       ","
       "\"controls\":{\"ttl\":{\"a\":\"soon\"}}}}",
       "dns.controls.ttl.a"},
      {"{\"name\":5,\"dns\":{\"records\":[]}}", "\"name\""},
  };
  for (size_t i = 0; i < GNS_ARRAY_SIZE(cases); i++) {
    struct gns_rpp_record *recs = NULL;
    size_t n = 0;
    char err[256] = "";
    int r = gns_rpp_document_parse(cases[i].json, strlen(cases[i].json), NULL, &recs, &n, err,
                                   sizeof err);
    if (r != -EINVAL || !strstr(err, cases[i].err_has))
      fprintf(stderr, "document case %zu: rc %d err \"%s\"\n", i, r, err);
    CHECK_INT(r, -EINVAL);
    CHECK(strstr(err, cases[i].err_has) != NULL);
    CHECK(recs == NULL);
  }
  /* dns.controls.ttl supplies per-type defaults (draft 4.4.1) */
  const char *doc = "{\"@type\":\"Zone\",\"dns\":{\"records\":["
                    "{\"name\":\"@\",\"type\":\"a\",\"rdata\":{\"address\":\"192.0.2.1\"}},"
                    "{\"name\":\"@\",\"type\":\"aaaa\",\"rdata\":{\"address\":\"2001:DB8::1\"}},"
                    "{\"name\":\"@\",\"type\":\"txt\",\"rdata\":{\"txtData\":\"x\"},\"ttl\":\"5\"},"
                    "{\"name\":\"@\",\"type\":\"nick\",\"rdata\":{\"nick\":\"bob\"}}],"
                    "\"controls\":{\"ttl\":{\"a\":86400,\"aaaa\":\"3600\",\"txt\":7}}}}";
  struct gns_rpp_record *recs = NULL;
  size_t n = 0;
  char err[256] = "";
  CHECK_INT(gns_rpp_document_parse(doc, strlen(doc), NULL, &recs, &n, err, sizeof err), 0);
  CHECK_INT(n, 4);
  if (n == 4) {
    CHECK_INT(recs[0].rd.expiration, 86400000000u);
    CHECK_INT(recs[1].rd.expiration, 3600000000u);
    CHECK_INT(recs[2].rd.expiration, 5000000u);
    CHECK_INT(recs[3].rd.expiration, GNS_RPP_DEFAULT_TTL * 1000000u);
    CHECK_INT(recs[1].rd.flags, GNS_RF_RELATIVE_EXPIRATION);
  }
  gns_rpp_records_free(recs, n);
  /* an empty zone is a valid document */
  CHECK_INT(
      gns_rpp_document_parse("{\"dns\":{\"records\":[]}}", 22, NULL, &recs, &n, err, sizeof err),
      0);
  CHECK_INT(n, 0);
  gns_rpp_records_free(recs, n);
}

/* Binary data that cannot be shown is refused, not mangled. */
static void test_export_errors(void) {
  json_object *o = NULL;
  struct gns_record rd = {1, GNS_TYPE_A, 0, 3, (const uint8_t *)"\x01\x02\x03"};
  CHECK_INT(gns_rpp_record_to_json("a", &rd, &o), -EBADMSG);
  CHECK(o == NULL);
  rd = (struct gns_record){1, GNS_TYPE_VPN, 0, 0, NULL};
  uint8_t vpn[64] = {0};
  memcpy(vpn + 34, "a b", 4); /* service with a space: no typed form */
  rd.data = vpn;
  rd.data_len = 38;
  CHECK_INT(gns_rpp_record_to_json("a", &rd, &o), 0);
  json_object *rdata = NULL;
  if (o && json_object_object_get_ex(o, "rdata", &rdata))
    CHECK_STR(plain(rdata), "{\"data\":\"00000000000000000000000000000000000000000000000000000000"
                            "00000000000061206200\"}");
  struct gns_rpp_record back;
  CHECK_INT(gns_rpp_record_from_json(o, NULL, &back, NULL), 0);
  CHECK_INT(back.rd.data_len, 38);
  if (back.rd.data_len == 38) CHECK_MEM(back.rd.data, vpn, 38);
  gns_rpp_record_clear(&back);
  json_object_put(o);
}

/* --- the same documents read in pieces (rpp-stream.h) --- */

struct collected {
  struct gns_rpp_record v[8];
  size_t n;
  size_t stop_at; /* return -ECANCELED at this index */
};

static int collect(void *userdata, size_t index, const struct gns_rpp_record *rec) {
  struct collected *c = userdata;
  if (index != c->n) return -EPROTO;
  if (index == c->stop_at) return -ECANCELED;
  if (c->n == 8) return -ENOSPC;
  c->v[c->n] = *rec;
  uint8_t *d = malloc(rec->rd.data_len ? rec->rd.data_len : 1);
  memcpy(d, rec->rd.data, rec->rd.data_len);
  c->v[c->n].rd.data = d;
  c->n++;
  return 0;
}

static void collected_clear(struct collected *c) {
  for (size_t i = 0; i < c->n; i++)
    gns_rpp_record_clear(&c->v[i]);
  c->n = 0;
}

/* Feed text in chunks of size chunk; 0 or the error, err filled. */
static int stream_parse(const char *text, size_t chunk, const char *origin, struct collected *c,
                        char *err, size_t errcap) {
  struct gns_rpp_stream *st = NULL;
  CHECK_INT(gns_rpp_stream_new(origin, collect, c, &st), 0);
  size_t len = strlen(text);
  int r = 0;
  for (size_t off = 0; r == 0 && off < len; off += chunk)
    r = gns_rpp_stream_feed(st, text + off, len - off < chunk ? len - off : chunk, err, errcap);
  if (r == 0) r = gns_rpp_stream_finish(st, err, errcap);
  gns_rpp_stream_free(st);
  return r;
}

static void test_stream(void) {
  static const char doc[] =
      "{\"@type\": \"Zone\", \"name\": \"example.org.\", \"extra\": {\"dns\": [1, \"x\\\"]\"]},"
      " \"dns\": {\"controls\": {\"ttl\": {\"a\": 60}}, \"records\": ["
      "{\"name\": \"www\", \"type\": \"a\", \"rdata\": {\"address\": \"192.0.2.1\"}},"
      "{\"name\": \"@\", \"type\": \"txt\", \"rdata\": {\"txtData\": \"a ] } \\\" b\"}},"
      "{\"name\": \"mail.example.org.\", \"type\": \"aaaa\", \"rdata\": {\"address\": "
      "\"2001:db8::1\"}, \"ttl\": 30}"
      "], \"other\": null}, \"tail\": [true, false, 12.5e3]}";
  struct gns_rpp_record *want = NULL;
  size_t n = 0;
  char err[256];
  CHECK_INT(gns_rpp_document_parse(doc, strlen(doc), NULL, &want, &n, err, sizeof err), 0);
  CHECK_INT(n, 3);
  /* every split gives what the whole-document parser gives */
  for (size_t chunk = 1; chunk <= strlen(doc); chunk += chunk < 8 ? 1 : 13) {
    struct collected c = {.stop_at = SIZE_MAX};
    CHECK_INT(stream_parse(doc, chunk, NULL, &c, err, sizeof err), 0);
    CHECK_INT(c.n, n);
    for (size_t i = 0; i < n && i < c.n; i++) {
      CHECK_STR(c.v[i].name, want[i].name);
      CHECK_INT(c.v[i].rd.type, want[i].rd.type);
      CHECK_INT(c.v[i].rd.expiration, want[i].rd.expiration);
      CHECK_INT(c.v[i].rd.flags, want[i].rd.flags);
      CHECK_INT(c.v[i].rd.data_len, want[i].rd.data_len);
      CHECK_MEM(c.v[i].rd.data, want[i].rd.data, want[i].rd.data_len);
    }
    collected_clear(&c);
  }
  gns_rpp_records_free(want, n);

  /* the callback's error stops the stream */
  struct collected c = {.stop_at = 1};
  CHECK_INT(stream_parse(doc, 7, NULL, &c, err, sizeof err), -ECANCELED);
  CHECK_INT(c.n, 1);
  collected_clear(&c);

  static const struct {
    const char *text, *err;
  } bad[] = {
      {"", "document: empty"},
      {"[]", "document: must be a JSON object"},
      {"{\"dns\": {\"records\": [{\"name\": \"a\", \"type\": \"a\", \"rdata\": {\"address\": "
       "\"192.0.2.1\"}}, {\"name\": \"b\", \"type\": \"a\", \"rdata\": {\"address\": \"x\"}}]}}",
       "record 1, field rdata: rdata.address: not an IPv4 address"},
      {"{\"dns\": {\"records\": {}}}", "document member \"dns.records\": missing or not an array"},
      {"{\"dns\": {}}", "document member \"dns.records\": missing or not an array"},
      {"{\"dns\": {\"records\": []}", "document: truncated"},
      {"{\"dns\": {\"records\": []}} {}", "offset 25: text after the document"},
      {"{\"dns\": {\"records\": [{\"name\": }]}}", "offset 30: unexpected '}'"},
      {"{\"dns\": {\"records\": [], \"controls\": {\"ttl\": 5}}}",
       "document member \"dns.controls.ttl\": must be an object"},
      {"{\"dns\": {\"records\": [{\"name\": \"a\", \"type\": \"a\", \"rdata\": {\"address\": "
       "\"192.0.2.1\"}}]}, \"name\": \"late.\"}",
       "document member \"name\": must come before \"dns.records\""},
      {"{\"dns\" {}}", "offset 7: missing ':'"},
      {"{\"dns\": {\"records\": [] \"x\": 1}}", "offset 23: missing ','"},
      {"{\"a\": 1,}", "offset 8: unexpected '}'"},
      {"{\"n\\u0061me\": \"x\", \"dns\": {\"records\": []}}", "offset 3: escapes in"},
  };
  for (size_t i = 0; i < GNS_ARRAY_SIZE(bad); i++) {
    for (size_t chunk = 1; chunk <= 64; chunk *= 4) {
      struct collected cc = {.stop_at = SIZE_MAX};
      err[0] = '\0';
      int r = stream_parse(bad[i].text, chunk, "zone.example", &cc, err, sizeof err);
      if (r != -EINVAL || strncmp(err, bad[i].err, strlen(bad[i].err)) != 0)
        fprintf(stderr, "bad[%zu] chunk %zu: %d \"%s\"\n", i, chunk, r, err);
      CHECK_INT(r, -EINVAL);
      CHECK(strncmp(err, bad[i].err, strlen(bad[i].err)) == 0);
      collected_clear(&cc);
    }
  }
}

int main(void) {
  test_every_type();
  test_record_shape();
  test_record_input();
  test_document_round_trip();
  test_document_errors();
  test_export_errors();
  test_stream();
  return check_done("test-rpp");
}
