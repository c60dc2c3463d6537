/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DNS stub's messages (helper/dns-msg.c) without sockets: which
 * queries are dropped, refused or resolved, and what the answers hold,
 * read back with ldns. Run under ASan/UBSan with the other unit tests. */
#include <errno.h>
#include <ldns/ldns.h>
#include "check.h"
#include "dns-msg.h"
#include "record.h"

#define NOW 1800000000000000ull /* realtime us */
#define HOUR 3600000000ull

/* A query for name (dotted, no trailing dot) and type; edns_size 0 = no
 * OPT record. Returns its length. */
static size_t make_query(uint8_t *b, const char *name, uint16_t type, uint16_t qclass,
                         uint16_t flags, uint16_t edns_size, uint8_t edns_version) {
  size_t o = 12;
  memset(b, 0, 12);
  b[0] = 0xab;
  b[1] = 0xcd;
  b[2] = (uint8_t)(flags >> 8);
  b[3] = (uint8_t)flags;
  b[5] = 1;
  b[11] = edns_size ? 1 : 0;
  while (*name) {
    const char *dot = strchr(name, '.');
    size_t l = dot ? (size_t)(dot - name) : strlen(name);
    b[o++] = (uint8_t)l;
    memcpy(b + o, name, l);
    o += l;
    name += l + (dot ? 1 : 0);
  }
  b[o++] = 0;
  b[o++] = (uint8_t)(type >> 8);
  b[o++] = (uint8_t)type;
  b[o++] = (uint8_t)(qclass >> 8);
  b[o++] = (uint8_t)qclass;
  if (edns_size) {
    const uint8_t opt[] = {
        0, 0, 41, (uint8_t)(edns_size >> 8), (uint8_t)edns_size, 0, edns_version, 0, 0, 0, 0};
    memcpy(b + o, opt, sizeof opt);
    o += sizeof opt;
  }
  return o;
}

static ldns_pkt *answer(const struct gnsd_dns_query *q, int error, const struct gnsd_answer *a,
                        size_t max, bool *tc) {
  struct gnsd_dns_reply_opts o = {.max = max, .now = NOW, .negative_ttl = 42};
  uint8_t *w = NULL, rcode;
  size_t wl;
  bool t;
  if (gnsd_dns_msg_answer(q, error, a, &o, &w, &wl, &rcode, &t) < 0) return NULL;
  ldns_pkt *p = NULL;
  CHECK(wl <= max);
  CHECK(ldns_wire2pkt(&p, w, wl) == LDNS_STATUS_OK);
  CHECK(p && ldns_pkt_id(p) == 0xabcd && ldns_pkt_qr(p));
  if (tc) *tc = t;
  free(w);
  return p;
}

static void test_drop_and_refuse(void) {
  uint8_t b[512] = {0};
  struct gnsd_dns_query q;
  /* dropped: short, a response (QR), garbage after the header */
  CHECK_INT(gnsd_dns_msg_parse(b, 11, &q), -EBADMSG);
  size_t n = make_query(b, "www.demo.gns.alt", 1, 1, 0x8100, 0, 0);
  CHECK_INT(gnsd_dns_msg_parse(b, n, &q), -EBADMSG);
  n = make_query(b, "www.demo.gns.alt", 1, 1, 0x0100, 0, 0);
  CHECK_INT(gnsd_dns_msg_parse(b, n - 3, &q), -EBADMSG);
  static const struct {
    const char *name;
    uint16_t type, qclass, flags, edns;
    uint8_t version, rcode;
  } refuse[] = {
      {"www.example.com", 1, 1, 0x0100, 0, 0, GNSD_DNS_REFUSED},
      {"gns.alt.example.com", 1, 1, 0x0100, 0, 0, GNSD_DNS_REFUSED},
      {"alt", 1, 1, 0x0100, 0, 0, GNSD_DNS_REFUSED},
      {"www.demo.gns.alt", 1, 3 /* CH */, 0x0100, 0, 0, GNSD_DNS_REFUSED},
      {"demo.gns.alt", 252 /* AXFR */, 1, 0x0100, 0, 0, GNSD_DNS_REFUSED},
      {"www.demo.gns.alt", 1, 1, 0x2900 /* opcode UPDATE */, 0, 0, GNSD_DNS_NOTIMP},
      {"www.demo.gns.alt", 1, 1, 0x0100, 1232, 1, GNSD_DNS_BADVERS},
      {"sp ace.demo.gns.alt", 1, 1, 0x0100, 0, 0, GNSD_DNS_NXDOMAIN},
  };
  for (size_t i = 0; i < sizeof refuse / sizeof refuse[0]; i++) {
    n = make_query(b, refuse[i].name, refuse[i].type, refuse[i].qclass, refuse[i].flags,
                   refuse[i].edns, refuse[i].version);
    CHECK_INT(gnsd_dns_msg_parse(b, n, &q), 0);
    CHECK_INT(q.action, GNSD_DNS_REPLY);
    CHECK_INT(q.rcode, refuse[i].rcode);
    ldns_pkt *p = answer(&q, 0, NULL, 512, NULL);
    if (!p) continue;
    CHECK_INT(ldns_pkt_ancount(p), 0);
    if (refuse[i].rcode == GNSD_DNS_BADVERS) {
      CHECK_INT(ldns_pkt_get_rcode(p), 0);
      CHECK_INT(ldns_pkt_edns_extended_rcode(p), 1);
    } else {
      CHECK_INT(ldns_pkt_get_rcode(p), refuse[i].rcode);
    }
    /* authoritative only for .gns.alt */
    CHECK(ldns_pkt_aa(p) == (refuse[i].rcode == GNSD_DNS_NXDOMAIN));
    ldns_pkt_free(p);
  }
}

static void test_names(void) {
  uint8_t b[512];
  struct gnsd_dns_query q;
  /* case-blind suffix, ASCII folded for gnsd, the question echoed as asked */
  size_t n = make_query(b, "WwW.DeMo.GnS.aLt", 28, 1, 0x0100, 4096, 0);
  CHECK_INT(gnsd_dns_msg_parse(b, n, &q), 0);
  CHECK_INT(q.action, GNSD_DNS_RESOLVE);
  CHECK_STR(q.name, "www.demo.gns.alt");
  CHECK_INT(q.type, 28);
  CHECK_INT(q.udp_max, GNSD_DNS_UDP_MAX); /* 4096 offered, 1232 taken */
  CHECK_INT(q.qname_len, 18);
  CHECK_MEM(q.qname, (const uint8_t *)"\3WwW\4DeMo\3GnS\3aLt", 18);
  n = make_query(b, "x.gns.alt", 255, 1, 0x0100, 100, 0);
  CHECK_INT(gnsd_dns_msg_parse(b, n, &q), 0);
  CHECK_INT(q.type, 0); /* ANY: every record */
  CHECK_INT(q.udp_max, GNSD_DNS_UDP_MIN);
  n = make_query(b, "gns.alt", 6, 1, 0x0100, 0, 0);
  CHECK_INT(gnsd_dns_msg_parse(b, n, &q), 0);
  CHECK_INT(q.action, GNSD_DNS_APEX);
  ldns_pkt *p = answer(&q, 0, NULL, 512, NULL);
  if (p) {
    CHECK_INT(ldns_pkt_ancount(p), 1);
    CHECK_INT(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(p), 0)), LDNS_RR_TYPE_SOA);
    ldns_pkt_free(p);
  }
}

static void test_answers(void) {
  uint8_t b[512];
  struct gnsd_dns_query q;
  static const uint8_t a4[] = {192, 0, 2, 7}, mx[] = {0, 10, 4, 'm', 'a', 'i', 'l', 0};
  uint8_t txt[300];
  memset(txt, 'x', sizeof txt);
  struct gns_record rd[] = {
      {.expiration = NOW + HOUR, .type = 1, .data_len = 4, .data = a4},
      {.expiration = NOW + 2 * HOUR, .type = 15, .data_len = sizeof mx, .data = mx},
      {.expiration = NOW + HOUR, .type = 16, .data_len = sizeof txt, .data = txt},
      {.expiration = NOW + HOUR,
       .type = 1,
       .flags = GNS_RF_SUPPLEMENTAL,
       .data_len = 4,
       .data = a4},
      {.expiration = HOUR / 2,
       .type = 1,
       .flags = GNS_RF_RELATIVE_EXPIRATION,
       .data_len = 4,
       .data = a4},
      {.expiration = NOW + HOUR, .type = 65536 /* PKEY: no DNS form */, .data_len = 4, .data = a4},
  };
  struct gnsd_answer a = {.rd = rd, .n = 6, .expiration = NOW + HOUR + HOUR / 2};

  size_t n = make_query(b, "www.demo.gns.alt", 1, 1, 0x0100, 0, 0);
  CHECK_INT(gnsd_dns_msg_parse(b, n, &q), 0);
  ldns_pkt *p = answer(&q, 0, &a, 512, NULL);
  if (p) {
    /* the A record and the relative one; not the supplemental one */
    CHECK_INT(ldns_pkt_ancount(p), 2);
    CHECK_INT(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(p), 0)), 3600);
    CHECK_INT(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(p), 1)), 1800);
    CHECK(ldns_pkt_aa(p) && ldns_pkt_ra(p));
    ldns_pkt_free(p);
  }
  /* the MX record outlives the answer: its TTL ends with the answer's */
  n = make_query(b, "www.demo.gns.alt", 15, 1, 0x0100, 0, 0);
  gnsd_dns_msg_parse(b, n, &q);
  p = answer(&q, 0, &a, 512, NULL);
  if (p) {
    CHECK_INT(ldns_pkt_ancount(p), 1);
    CHECK_INT(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(p), 0)), 5400);
    ldns_pkt_free(p);
  }
  /* TXT: 300 bytes as two character-strings */
  n = make_query(b, "www.demo.gns.alt", 16, 1, 0x0100, 0, 0);
  gnsd_dns_msg_parse(b, n, &q);
  p = answer(&q, 0, &a, 512, NULL);
  if (p) {
    ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
    CHECK(rr && ldns_rr_rd_count(rr) == 2);
    if (rr && ldns_rr_rd_count(rr) == 2) {
      CHECK_INT(ldns_rdf_size(ldns_rr_rdf(rr, 0)), 256);
      CHECK_INT(ldns_rdf_size(ldns_rr_rdf(rr, 1)), 46);
    }
    ldns_pkt_free(p);
  }
  /* NODATA and NXDOMAIN: the SOA with the negative TTL; failures SERVFAIL */
  n = make_query(b, "www.demo.gns.alt", 28, 1, 0x0100, 0, 0);
  gnsd_dns_msg_parse(b, n, &q);
  const int errors[] = {0, -ENOENT, -ETIMEDOUT};
  const uint8_t rcodes[] = {GNSD_DNS_NOERROR, GNSD_DNS_NXDOMAIN, GNSD_DNS_SERVFAIL};
  for (size_t i = 0; i < 3; i++) {
    p = answer(&q, errors[i], errors[i] ? NULL : &a, 512, NULL);
    if (!p) continue;
    CHECK_INT(ldns_pkt_get_rcode(p), rcodes[i]);
    CHECK_INT(ldns_pkt_ancount(p), 0);
    CHECK_INT(ldns_pkt_nscount(p), i < 2 ? 1 : 0);
    if (i < 2) {
      ldns_rr *soa = ldns_rr_list_rr(ldns_pkt_authority(p), 0);
      CHECK_INT(ldns_rr_get_type(soa), LDNS_RR_TYPE_SOA);
      CHECK_INT(ldns_rr_ttl(soa), 42);
    }
    ldns_pkt_free(p);
  }
  /* too large for UDP: TC and nothing else; fits over TCP */
  n = make_query(b, "www.demo.gns.alt", 255, 1, 0x0100, 0, 0);
  gnsd_dns_msg_parse(b, n, &q);
  struct gns_record big[8];
  for (size_t i = 0; i < 8; i++)
    big[i] = (struct gns_record){
        .expiration = NOW + HOUR, .type = 16, .data_len = sizeof txt, .data = txt};
  struct gnsd_answer ab = {.rd = big, .n = 8, .expiration = NOW + HOUR};
  bool tc = false;
  p = answer(&q, 0, &ab, q.udp_max, &tc);
  if (p) {
    CHECK(tc && ldns_pkt_tc(p));
    CHECK_INT(ldns_pkt_ancount(p), 0);
    ldns_pkt_free(p);
  }
  p = answer(&q, 0, &ab, 65535, &tc);
  if (p) {
    CHECK(!tc);
    CHECK_INT(ldns_pkt_ancount(p), 8);
    ldns_pkt_free(p);
  }
}

static void test_redirect(void) {
  uint8_t b[512];
  struct gnsd_dns_query q;
  static const uint8_t a4[] = {198, 51, 100, 9};
  struct gns_record rd[] = {{.expiration = NOW + HOUR, .type = 1, .data_len = 4, .data = a4}};
  struct gnsd_answer a = {
      .rd = rd, .n = 1, .canonical = "www.other.gns.alt", .expiration = NOW + HOUR / 2};
  size_t n = make_query(b, "alias.demo.gns.alt", 1, 1, 0x0100, 0, 0);
  gnsd_dns_msg_parse(b, n, &q);
  ldns_pkt *p = answer(&q, 0, &a, 512, NULL);
  if (p) {
    CHECK_INT(ldns_pkt_ancount(p), 2);
    ldns_rr *c = ldns_rr_list_rr(ldns_pkt_answer(p), 0),
            *r = ldns_rr_list_rr(ldns_pkt_answer(p), 1);
    CHECK_INT(ldns_rr_get_type(c), LDNS_RR_TYPE_CNAME);
    CHECK_INT(ldns_rr_ttl(c), 1800);
    CHECK_INT(ldns_rr_get_type(r), LDNS_RR_TYPE_A);
    char *owner = ldns_rdf2str(ldns_rr_owner(r));
    CHECK_STR(owner, "www.other.gns.alt.");
    free(owner);
    ldns_pkt_free(p);
  }
  /* asked for the CNAME: that alone */
  n = make_query(b, "alias.demo.gns.alt", 5, 1, 0x0100, 0, 0);
  gnsd_dns_msg_parse(b, n, &q);
  p = answer(&q, 0, &a, 512, NULL);
  if (p) {
    CHECK_INT(ldns_pkt_ancount(p), 1);
    ldns_pkt_free(p);
  }
  /* a LEHO is a canonical name, not a redirect: no CNAME */
  static const char leho[] = "www.example.com";
  struct gns_record rl[] = {
      {.expiration = NOW + HOUR, .type = 1, .data_len = 4, .data = a4},
      {.expiration = NOW + HOUR,
       .type = GNS_TYPE_LEHO,
       .flags = GNS_RF_SUPPLEMENTAL,
       .data_len = sizeof leho - 1,
       .data = (const uint8_t *)leho},
  };
  struct gnsd_answer al = {.rd = rl, .n = 2, .canonical = leho, .expiration = NOW + HOUR};
  n = make_query(b, "www.demo.gns.alt", 1, 1, 0x0100, 0, 0);
  gnsd_dns_msg_parse(b, n, &q);
  p = answer(&q, 0, &al, 512, NULL);
  if (p) {
    CHECK_INT(ldns_pkt_ancount(p), 1);
    CHECK_INT(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(p), 0)), LDNS_RR_TYPE_A);
    ldns_pkt_free(p);
  }
}

int main(void) {
  test_drop_and_refuse();
  test_names();
  test_answers();
  test_redirect();
  if (check_failures) {
    fprintf(stderr, "test-dns-msg: %d failures\n", check_failures);
    return 1;
  }
  printf("test-dns-msg: all checks passed\n");
  return 0;
}
