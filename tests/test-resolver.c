/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The resolution state machine (RFC 9498, section 7) against real zones:
 * keys from gns_zone_priv_generate, blocks from the RRBLOCK code, served
 * from an in-memory table by a small driver loop; DNS answers from a
 * table too. */
#include <arpa/inet.h>
#include <errno.h>
#include "check.h"
#include "tzone.h"
#include "gns-util.h"
#include "record.h"
#include "resolver.h"
#include "rrblock.h"
#include "rrtype.h"
#include "zonekey.h"
#include "ztld.h"

#define SEC 1000000ull
#define HOUR (3600 * SEC)
#define DAY (24 * HOUR)
#define NOW (1700000000ull * SEC)

/* ---- the block table --------------------------------------------------- */

struct stored {
  uint8_t q[GNS_Q_LEN];
  uint8_t *block;
  size_t len;
};
static struct stored store[256];
static size_t n_store;

static void store_reset(void) {
  for (size_t i = 0; i < n_store; i++)
    free(store[i].block);
  n_store = 0;
}

static void store_add(const uint8_t q[GNS_Q_LEN], uint8_t *block, size_t len) {
  if (n_store == GNS_ARRAY_SIZE(store)) abort();
  memcpy(store[n_store].q, q, GNS_Q_LEN);
  store[n_store].block = block;
  store[n_store].len = len;
  n_store++;
}

/* Build the block for (zone, label) from records; block_exp 0 = the
 * RFC's block expiration of the set. Returns the block (also stored
 * unless keep_out). */
static uint8_t *make_block(const struct tzone *z, const char *label, const struct gns_record *rd,
                           size_t n, uint64_t block_exp, size_t *len) {
  size_t sz;
  CHECK_INT(gns_rdata_size(rd, n, &sz), 0);
  uint8_t *rdata = calloc(1, sz + 1);
  size_t rdlen = 0;
  CHECK_INT(gns_rdata_serialize(rd, n, rdata, sz, &rdlen), 0);
  if (!block_exp) block_exp = gns_rdata_block_expiration(rd, n, NOW);
  uint8_t *block = NULL;
  CHECK_INT(gns_rrblock_create_from_rdata(&z->priv, (const uint8_t *)label, strlen(label), rdata,
                                          rdlen, block_exp, &block, len),
            0);
  free(rdata);
  return block;
}

static void publish_exp(const struct tzone *z, const char *label, const struct gns_record *rd,
                        size_t n, uint64_t block_exp) {
  size_t len;
  uint8_t *block = make_block(z, label, rd, n, block_exp, &len);
  uint8_t q[GNS_Q_LEN];
  CHECK_INT(gns_rrblock_query(&z->pub, (const uint8_t *)label, strlen(label), q), 0);
  if (block) store_add(q, block, len);
}

static void publish(const struct tzone *z, const char *label, const struct gns_record *rd,
                    size_t n) {
  publish_exp(z, label, rd, n, 0);
}

/* ---- record builders -------------------------------------------------- */

static uint8_t pool[1 << 16];
static size_t pool_used;

static const uint8_t *pool_copy(const void *d, size_t len) {
  if (pool_used + len > sizeof(pool)) abort();
  uint8_t *p = pool + pool_used;
  memcpy(p, d, len);
  pool_used += len;
  return p;
}

static struct gns_record rec(uint32_t type, const void *data, size_t len, uint16_t flags) {
  struct gns_record r = {.expiration = NOW + DAY, .type = type, .flags = flags};
  r.data = pool_copy(data, len);
  r.data_len = (uint16_t)len;
  return r;
}

static struct gns_record rec_a(const char *ip) {
  uint8_t a[4];
  if (inet_pton(AF_INET, ip, a) != 1) abort();
  return rec(GNS_TYPE_A, a, 4, 0);
}

static struct gns_record rec_aaaa(const char *ip) {
  uint8_t a[16];
  if (inet_pton(AF_INET6, ip, a) != 1) abort();
  return rec(GNS_TYPE_AAAA, a, 16, 0);
}

static struct gns_record rec_text(uint32_t type, const char *s, uint16_t flags) {
  /* REDIRECT is NUL-terminated (RFC 9498, 5.2.1); LEHO and NICK are not. */
  return rec(type, s, strlen(s) + (type == GNS_TYPE_REDIRECT),
             flags | (type == GNS_TYPE_REDIRECT ? GNS_RF_CRITICAL : 0));
}

static struct gns_record rec_deleg(const struct tzone *z) {
  return rec(z->pub.ztype, z->pub.key, GNS_ZONE_KEY_LEN, GNS_RF_CRITICAL);
}

static struct gns_record rec_g2d(const char *name, const char *server) {
  uint8_t buf[512];
  size_t a = strlen(name) + 1, b = strlen(server) + 1;
  memcpy(buf, name, a);
  memcpy(buf + a, server, b);
  return rec(GNS_TYPE_GNS2DNS, buf, a + b, GNS_RF_CRITICAL);
}

static struct gns_record rec_box(uint16_t proto, uint16_t svc, uint32_t type, const void *d,
                                 size_t len) {
  uint8_t buf[512];
  gns_put_u16(buf, proto);
  gns_put_u16(buf + 2, svc);
  gns_put_u32(buf + 4, type);
  memcpy(buf + 8, d, len);
  return rec(GNS_TYPE_BOX, buf, len + 8, 0);
}

/* "www.example.com" -> DNS wire format. */
static size_t wire(const char *name, uint8_t *out) {
  size_t o = 0;
  const char *p = name;
  while (*p) {
    const char *dot = strchr(p, '.');
    size_t l = dot ? (size_t)(dot - p) : strlen(p);
    out[o++] = (uint8_t)l;
    memcpy(out + o, p, l);
    o += l;
    p += l + (dot ? 1 : 0);
  }
  out[o++] = 0;
  return o;
}

static struct gns_record rec_wire(uint32_t type, const uint8_t *prefix, size_t plen,
                                  const char *name) {
  uint8_t buf[512];
  if (plen) memcpy(buf, prefix, plen);
  size_t n = wire(name, buf + plen);
  return rec(type, buf, plen + n, 0);
}

/* ---- revocation hook --------------------------------------------------- */

static const struct gns_zone_key *revoked[4];
static size_t n_revoked;

static bool is_revoked(void *userdata, const struct gns_zone_key *zk) {
  (void)userdata;
  for (size_t i = 0; i < n_revoked; i++)
    if (gns_zone_key_equal(revoked[i], zk)) return true;
  return false;
}

/* ---- the driver --------------------------------------------------------- */

struct dns_answer {
  const char *name;
  uint16_t type;
  int error;
  const char *servers; /* expected servers, comma separated ("" = system) */
  size_t n;
  struct gns_record rd[4];
};

/* An expected step, for the scenario tables. */
struct expect {
  enum gns_step_kind kind;
  const struct tzone *zone; /* NEED_BLOCK: q = q(zone, label) */
  const char *label;
  const char *dns_name; /* NEED_DNS */
  uint16_t dns_type;
};

struct run {
  int rc; /* 0 = DONE, else the error */
  size_t n;
  struct gns_record rd[64];
  uint8_t data[8192];
  char canon[512];
  bool has_canon;
  struct gns_zone_key zone;
  unsigned blocks, bad_blocks, dns_queries, steps;
  char dns_log[1024];
  uint64_t exp;
  unsigned depth;
  uint32_t etype;
};

static struct gns_resolver_hooks hooks = {.is_revoked = is_revoked};
static uint64_t run_now = NOW;
/* How blocks reach the resolution: as fetched, from the driver's block
 * cache (verified before), or opened by the driver itself (verified and
 * decrypted with the step's label, as gnsd does on its worker pool). */
enum supply_mode { SUPPLY_BLOCK, SUPPLY_VERIFIED, SUPPLY_OPENED };
static enum supply_mode supply_mode;

/* What gnsd's worker does with a block for a NEED_BLOCK step, then the
 * hand-back. */
static int supply_opened(struct gns_resolution *r, const struct gns_step *st, const uint8_t *block,
                         size_t len, uint64_t now) {
  if (gns_rrblock_verify(block, len, st->q, now) < 0) return -EBADMSG;
  uint8_t *rdata = NULL;
  size_t rdlen = 0;
  if (gns_rrblock_decrypt(block, len, &st->zone, (const uint8_t *)st->label, st->label_len, &rdata,
                          &rdlen) < 0)
    return -EBADMSG;
  int rc =
      gns_resolution_supply_rdata(r, st->q, rdata, rdlen, gns_rrblock_expiration(block, len), now);
  free(rdata);
  return rc;
}

static const struct dns_answer *dns_find(const struct dns_answer *dns, size_t n, const char *name,
                                         uint16_t type) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(dns[i].name, name) == 0 && dns[i].type == type) return &dns[i];
  return NULL;
}

static void run_expect(const struct gns_zone_key *start, const char *name, uint32_t type,
                       const struct gns_resolver_limits *lim, const struct dns_answer *dns,
                       size_t n_dns, const struct expect *ex, size_t n_ex, struct run *out) {
  memset(out, 0, sizeof(*out));
  struct gns_resolution *r = NULL;
  int rc = gns_resolution_new(start, name, type, lim, &hooks, &r);
  if (rc < 0) {
    out->rc = rc;
    return;
  }
  for (;;) {
    struct gns_step st;
    CHECK_INT(gns_resolution_step(r, run_now, &st), 0);
    if (out->steps < n_ex) {
      const struct expect *e = &ex[out->steps];
      CHECK_INT(st.kind, e->kind);
      if (e->kind == GNS_STEP_NEED_BLOCK && st.kind == e->kind) {
        uint8_t q[GNS_Q_LEN];
        gns_rrblock_query(&e->zone->pub, (const uint8_t *)e->label, strlen(e->label), q);
        if (memcmp(q, st.q, GNS_Q_LEN) != 0) {
          fprintf(stderr, "step %u: q is not q(zone, \"%s\")\n", out->steps, e->label);
          check_failures++;
        }
      }
      if (e->kind == GNS_STEP_NEED_DNS && st.kind == e->kind) {
        CHECK_STR(st.dns_name, e->dns_name);
        CHECK_INT(st.dns_type, e->dns_type);
      }
    } else if (n_ex) {
      fprintf(stderr, "more steps than expected (%u)\n", out->steps);
      check_failures++;
    }
    out->steps++;
    if (out->steps > 200) {
      fprintf(stderr, "resolution does not terminate\n");
      check_failures++;
      break;
    }
    if (st.kind == GNS_STEP_NEED_BLOCK) {
      out->blocks++;
      bool supplied = false;
      for (size_t i = 0; i < n_store && !supplied; i++) {
        if (memcmp(store[i].q, st.q, GNS_Q_LEN) != 0) continue;
        if (supply_mode == SUPPLY_OPENED)
          rc = supply_opened(r, &st, store[i].block, store[i].len, run_now);
        else if (supply_mode == SUPPLY_VERIFIED)
          rc = gns_resolution_supply_verified_block(r, store[i].block, store[i].len, run_now);
        else
          rc = gns_resolution_supply_block(r, store[i].block, store[i].len, run_now);
        if (rc == 0)
          supplied = true;
        else {
          CHECK_INT(rc, -EBADMSG);
          out->bad_blocks++;
        }
      }
      if (!supplied) CHECK_INT(gns_resolution_supply_block(r, NULL, 0, run_now), 0);
    } else if (st.kind == GNS_STEP_NEED_DNS) {
      out->dns_queries++;
      char servers[256] = "";
      for (size_t i = 0; i < st.n_dns_servers; i++) {
        if (i) strcat(servers, ",");
        strcat(servers, st.dns_servers[i]);
      }
      size_t l = strlen(out->dns_log);
      snprintf(out->dns_log + l, sizeof(out->dns_log) - l, "%s%s/%u@%s", l ? " " : "", st.dns_name,
               st.dns_type, servers);
      const struct dns_answer *a = dns_find(dns, n_dns, st.dns_name, st.dns_type);
      if (!a) {
        CHECK_INT(gns_resolution_supply_dns(r, -ENOENT, NULL, 0), 0);
      } else {
        if (a->servers) CHECK_STR(servers, a->servers);
        CHECK_INT(gns_resolution_supply_dns(r, a->error, a->rd, a->n), 0);
      }
    } else {
      break;
    }
  }
  if (n_ex && out->steps < n_ex) {
    fprintf(stderr, "fewer steps (%u) than expected (%zu)\n", out->steps, n_ex);
    check_failures++;
  }
  const struct gns_record *rd;
  size_t n;
  out->rc = gns_resolution_result(r, &rd, &n);
  if (out->rc == 0) {
    CHECK_INT(gns_resolution_error(r), 0);
    size_t used = 0;
    out->n = n < 64 ? n : 64;
    for (size_t i = 0; i < out->n; i++) {
      out->rd[i] = rd[i];
      if (used + rd[i].data_len > sizeof(out->data)) abort();
      memcpy(out->data + used, rd[i].data, rd[i].data_len);
      out->rd[i].data = out->data + used;
      used += rd[i].data_len;
    }
    const char *c = gns_resolution_canonical_name(r);
    out->has_canon = c != NULL;
    if (c) snprintf(out->canon, sizeof(out->canon), "%s", c);
    out->zone = *gns_resolution_answer_zone(r);
    out->exp = gns_resolution_expiration(r);
  } else {
    CHECK_INT(gns_resolution_error(r), out->rc);
    out->etype = gns_resolution_error_type(r);
  }
  out->depth = gns_resolution_depth(r);
  gns_resolution_free(r);
}

static void run(const struct gns_zone_key *start, const char *name, uint32_t type,
                const struct dns_answer *dns, size_t n_dns, struct run *out) {
  run_expect(start, name, type, NULL, dns, n_dns, NULL, 0, out);
}

static bool has_record(const struct run *r, uint32_t type, const void *data, size_t len) {
  for (size_t i = 0; i < r->n; i++)
    if (r->rd[i].type == type && r->rd[i].data_len == len && memcmp(r->rd[i].data, data, len) == 0)
      return true;
  return false;
}

static bool has_a(const struct run *r, const char *ip) {
  uint8_t a[16];
  if (inet_pton(AF_INET, ip, a) == 1) return has_record(r, GNS_TYPE_A, a, 4);
  if (inet_pton(AF_INET6, ip, a) == 1) return has_record(r, GNS_TYPE_AAAA, a, 16);
  abort();
}

/* ---- tests --------------------------------------------------------------- */

static struct tzone z_pkey, z_edkey, z_pkey2, z_edkey2;

static void test_start_zone(void) {
  char name[512];
  struct gns_zone_key zk;
  size_t rest;
  const struct gns_suffix_map maps[] = {
      {"xyz", z_pkey.pub},
      {"example.xyz", z_edkey.pub},
      {"example.com", z_pkey2.pub},
  };
  /* zTLD at the right end wins over any mapping */
  snprintf(name, sizeof(name), "www.example.%s", z_edkey2.ztld);
  CHECK_INT(gns_start_zone_find(name, strlen(name), maps, 3, &zk, &rest), 0);
  CHECK(gns_zone_key_equal(&zk, &z_edkey2.pub));
  CHECK_INT(rest, 11);
  /* the zTLD alone: apex; lower case accepted */
  snprintf(name, sizeof(name), "%s", z_pkey.ztld);
  for (char *p = name; *p; p++)
    if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
  CHECK_INT(gns_start_zone_find(name, strlen(name), maps, 3, &zk, &rest), 0);
  CHECK(gns_zone_key_equal(&zk, &z_pkey.pub));
  CHECK_INT(rest, 0);
  struct {
    const char *name;
    int rc;
    const struct gns_zone_key *zk;
    size_t rest;
  } cases[] = {
      /* the RFC's example (7.1): longest suffix wins */
      {"www.example.xyz", 0, &z_edkey.pub, 3},
      {"www.other.xyz", 0, &z_pkey.pub, 9},
      {"xyz", 0, &z_pkey.pub, 0},
      {"example.xyz", 0, &z_edkey.pub, 0},
      {"a.b.example.com", 0, &z_pkey2.pub, 3},
      {"WWW.Example.XYZ", 0, &z_edkey.pub, 3},
      {"www.example.xyz.", 0, &z_edkey.pub, 3},
      /* suffixes match on label boundaries only */
      {"fooxyz", -ENOENT, NULL, 0},
      {"www.example.org", -ENOENT, NULL, 0},
      {"", -ENOENT, NULL, 0},
      {"a..xyz", -EINVAL, NULL, 0},
  };
  for (size_t i = 0; i < GNS_ARRAY_SIZE(cases); i++) {
    int rc = gns_start_zone_find(cases[i].name, strlen(cases[i].name), maps, 3, &zk, &rest);
    if (rc != cases[i].rc) fprintf(stderr, "start zone case %s\n", cases[i].name);
    CHECK_INT(rc, cases[i].rc);
    if (rc == 0 && cases[i].zk) {
      CHECK(gns_zone_key_equal(&zk, cases[i].zk));
      CHECK_INT(rest, cases[i].rest);
    }
  }
  /* equal-length suffixes: a configuration error */
  const struct gns_suffix_map dup[] = {{"xyz", z_pkey.pub}, {"XYZ", z_edkey.pub}};
  CHECK_INT(gns_start_zone_find("www.xyz", 7, dup, 2, &zk, &rest), -EINVAL);
  /* ... even if a longer one would not match */
  CHECK_INT(gns_start_zone_find("a.b.xyz", 7, dup, 2, &zk, &rest), -EINVAL);
  /* a valid ztype in the rightmost label but no decodable zTLD: fail */
  snprintf(name, sizeof(name), "www.%.*s", 20, z_pkey.ztld);
  CHECK_INT(gns_start_zone_find(name, strlen(name), maps, 3, &zk, &rest), -EINVAL);
  snprintf(name, sizeof(name), "www.%.*sAB", (int)strlen(z_edkey.ztld) - 2, z_edkey.ztld);
  CHECK_INT(gns_start_zone_find(name, strlen(name), maps, 3, &zk, &rest), -EINVAL);
}

static void test_every_type(void) {
  store_reset();
  uint8_t tlsa[] = {3, 1, 1, 0xde, 0xad, 0xbe, 0xef};
  uint8_t txt[] = {5, 'h', 'e', 'l', 'l', 'o', 3, 'g', 'n', 's'};
  uint8_t mxpref[] = {0, 10}, srvh[] = {0, 1, 0, 5, 0x01, 0xbb};
  uint8_t soa_tail[20] = {0, 0, 0, 1};
  uint8_t soa[300], cert[] = {0, 1, 0, 2, 8, 0xaa, 0xbb};
  size_t so = wire("ns.example.com", soa);
  so += wire("hostmaster.example.com", soa + so);
  memcpy(soa + so, soa_tail, sizeof(soa_tail));
  so += sizeof(soa_tail);
  uint8_t uri[] = {0, 1, 0, 1, 'h', 't', 't', 'p', 's', ':', '/', '/', 'x'};
  uint8_t unknown[] = {1, 2, 3};
  struct gns_record rd[] = {
      rec_a("192.0.2.1"),
      rec_aaaa("2001:db8::1"),
      rec_wire(GNS_TYPE_NS, NULL, 0, "ns.example.com"),
      rec_wire(GNS_TYPE_CNAME, NULL, 0, "alias.example.com"),
      rec(GNS_TYPE_SOA, soa, so, 0),
      rec_wire(GNS_TYPE_MX, mxpref, 2, "mx.example.com"),
      rec(GNS_TYPE_TXT, txt, sizeof(txt), 0),
      rec_wire(GNS_TYPE_SRV, srvh, sizeof(srvh), "srv.example.com"),
      rec(GNS_TYPE_CERT, cert, sizeof(cert), 0),
      rec(GNS_TYPE_TLSA, tlsa, sizeof(tlsa), 0),
      rec(GNS_TYPE_URI, uri, sizeof(uri), 0),
      rec_text(GNS_TYPE_NICK, "alice", 0),
      rec_text(GNS_TYPE_LEHO, "legacy.example.com", 0),
      rec_box(6, 443, GNS_TYPE_TLSA, tlsa, sizeof(tlsa)),
      rec(60000, unknown, sizeof(unknown), 0), /* unknown, not critical: kept */
  };
  publish(&z_pkey, "all", rd, GNS_ARRAY_SIZE(rd));
  struct run r;
  run(&z_pkey.pub, "all", 0, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.n, GNS_ARRAY_SIZE(rd));
  for (size_t i = 0; i < GNS_ARRAY_SIZE(rd); i++) {
    if (!has_record(&r, rd[i].type, rd[i].data, rd[i].data_len))
      fprintf(stderr, "type %u missing\n", (unsigned)rd[i].type);
    CHECK(has_record(&r, rd[i].type, rd[i].data, rd[i].data_len));
  }
  CHECK(r.has_canon);
  CHECK_STR(r.canon, "legacy.example.com");
  CHECK(gns_zone_key_equal(&r.zone, &z_pkey.pub));
  CHECK_INT(r.blocks, 1);
  CHECK_INT(r.exp, NOW + DAY);
  /* each type alone, asked by its type */
  for (size_t i = 0; i < GNS_ARRAY_SIZE(rd); i++) {
    char label[32];
    snprintf(label, sizeof(label), "t%zu", i);
    store_reset();
    publish(&z_edkey, label, &rd[i], 1);
    run(&z_edkey.pub, label, rd[i].type, NULL, 0, &r);
    if (rd[i].type == GNS_TYPE_CNAME) { /* asked for CNAME: not followed */
      CHECK_INT(r.rc, 0);
    }
    CHECK_INT(r.rc, 0);
    CHECK_INT(r.n, 1);
    CHECK(has_record(&r, rd[i].type, rd[i].data, rd[i].data_len));
  }
  /* a critical record of a type we do not know aborts (RFC 9498, 7.3) */
  store_reset();
  struct gns_record crit[] = {rec_a("192.0.2.1"), rec(60001, unknown, 3, GNS_RF_CRITICAL)};
  publish(&z_pkey, "crit", crit, 2);
  run(&z_pkey.pub, "crit", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, -EPROTONOSUPPORT);
  CHECK_INT(r.etype, 60001);
  /* ... but an expired one does not matter */
  store_reset();
  crit[1].expiration = NOW - 1;
  publish_exp(&z_pkey, "crit", crit, 2, NOW + DAY);
  run(&z_pkey.pub, "crit", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.n, 1);
}

static void test_chain(void) {
  /* z0 -b-> z1 -a-> z2 "www", with the zone types mixed both ways */
  const struct tzone *chains[][3] = {
      {&z_pkey, &z_edkey, &z_pkey2},
      {&z_edkey, &z_pkey, &z_edkey2},
      {&z_edkey, &z_edkey2, &z_pkey},
  };
  for (size_t c = 0; c < GNS_ARRAY_SIZE(chains); c++) {
    const struct tzone *z0 = chains[c][0], *z1 = chains[c][1], *z2 = chains[c][2];
    store_reset();
    struct gns_record d1 = rec_deleg(z1), d2 = rec_deleg(z2);
    d2.expiration = NOW + HOUR; /* the earliest record of the chain */
    struct gns_record www[] = {rec_a("192.0.2.80"), rec_aaaa("2001:db8::80")};
    struct gns_record apex[] = {rec_a("192.0.2.1")};
    publish(z0, "b", &d1, 1);
    publish(z1, "a", &d2, 1);
    publish(z2, "www", www, 2);
    publish(z2, "@", apex, 1);
    const struct expect ex[] = {
        {GNS_STEP_NEED_BLOCK, z0, "b", NULL, 0},
        {GNS_STEP_NEED_BLOCK, z1, "a", NULL, 0},
        {GNS_STEP_NEED_BLOCK, z2, "www", NULL, 0},
        {GNS_STEP_DONE, NULL, NULL, NULL, 0},
    };
    struct run r;
    run_expect(&z0->pub, "www.a.b", GNS_TYPE_A, NULL, NULL, 0, ex, GNS_ARRAY_SIZE(ex), &r);
    CHECK_INT(r.rc, 0);
    CHECK_INT(r.n, 2);
    CHECK(has_a(&r, "192.0.2.80"));
    CHECK(has_a(&r, "2001:db8::80"));
    CHECK(gns_zone_key_equal(&r.zone, &z2->pub));
    CHECK_INT(r.depth, 2);
    CHECK_INT(r.exp, NOW + HOUR);
    CHECK(!r.has_canon);
    /* the same from the block cache path */
    enum supply_mode was = supply_mode;
    supply_mode = SUPPLY_VERIFIED;
    run(&z0->pub, "www.a.b", GNS_TYPE_A, NULL, 0, &r);
    supply_mode = was;
    CHECK_INT(r.rc, 0);
    CHECK_INT(r.n, 2);
    /* ending on a delegation: the apex of the delegated zone */
    const struct expect ex2[] = {
        {GNS_STEP_NEED_BLOCK, z0, "b", NULL, 0},
        {GNS_STEP_NEED_BLOCK, z1, "a", NULL, 0},
        {GNS_STEP_NEED_BLOCK, z2, "@", NULL, 0},
        {GNS_STEP_DONE, NULL, NULL, NULL, 0},
    };
    run_expect(&z0->pub, "a.b", 0, NULL, NULL, 0, ex2, GNS_ARRAY_SIZE(ex2), &r);
    CHECK_INT(r.rc, 0);
    CHECK_INT(r.n, 1);
    CHECK(has_a(&r, "192.0.2.1"));
    /* asking for the delegation type itself skips the apex (7.3.4) */
    run(&z0->pub, "a.b", z2->pub.ztype, NULL, 0, &r);
    CHECK_INT(r.rc, 0);
    CHECK_INT(r.blocks, 2);
    CHECK_INT(r.n, 1);
    CHECK(has_record(&r, z2->pub.ztype, z2->pub.key, GNS_ZONE_KEY_LEN));
    /* ... but asking for the other delegation type does not */
    uint32_t other = z2->pub.ztype == GNS_ZTYPE_PKEY ? GNS_ZTYPE_EDKEY : GNS_ZTYPE_PKEY;
    run(&z0->pub, "a.b", other, NULL, 0, &r);
    CHECK_INT(r.rc, 0);
    CHECK_INT(r.blocks, 3);
    /* a name below a missing label */
    run(&z0->pub, "www.c.b", GNS_TYPE_A, NULL, 0, &r);
    CHECK_INT(r.rc, -ENOENT);
    /* a name below a label with records but no delegation */
    run(&z0->pub, "x.www.a.b", GNS_TYPE_A, NULL, 0, &r);
    CHECK_INT(r.rc, -ENOENT);
    /* revocation of the middle zone, of the start zone */
    revoked[0] = &z1->pub;
    n_revoked = 1;
    run(&z0->pub, "www.a.b", GNS_TYPE_A, NULL, 0, &r);
    CHECK_INT(r.rc, -EKEYREVOKED);
    CHECK_INT(r.blocks, 1);
    revoked[0] = &z0->pub;
    run(&z0->pub, "www.a.b", GNS_TYPE_A, NULL, 0, &r);
    CHECK_INT(r.rc, -EKEYREVOKED);
    CHECK_INT(r.blocks, 0);
    n_revoked = 0;
  }
}

static void test_delegation_rules(void) {
  store_reset();
  struct gns_record d = rec_deleg(&z_edkey), d2 = rec_deleg(&z_pkey2);
  struct gns_record two[] = {d, d2};
  struct gns_record mixed[] = {d, rec_a("192.0.2.1")};
  struct gns_record shadowed[] = {d, d2};
  shadowed[1].flags |= GNS_RF_SHADOW;
  struct gns_record supp[] = {d, rec_text(GNS_TYPE_NICK, "bob", GNS_RF_SUPPLEMENTAL)};
  publish(&z_pkey, "@", &d, 1);
  publish(&z_pkey, "two", two, 2);
  publish(&z_pkey, "mixed", mixed, 2);
  publish(&z_pkey, "shadowed", shadowed, 2);
  publish(&z_pkey, "supp", supp, 2);
  struct gns_record www = rec_a("192.0.2.9");
  publish(&z_edkey, "www", &www, 1);
  struct run r;
  /* delegation under the apex: an error (7.3.4) */
  run(&z_pkey.pub, "", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, -EBADMSG);
  run(&z_pkey.pub, "@", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, -EBADMSG);
  run(&z_pkey.pub, "www.two", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, -EBADMSG);
  run(&z_pkey.pub, "www.mixed", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, -EBADMSG);
  /* a shadow delegation beside the active one is fine */
  run(&z_pkey.pub, "www.shadowed", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_a(&r, "192.0.2.9"));
  /* ... and becomes active once the active one expires */
  store_reset();
  shadowed[0].expiration = NOW + HOUR;
  /* (the RFC's block expiration would end with the active record; a
   * re-published block keeps the set alive) */
  publish_exp(&z_pkey, "shadowed", shadowed, 2, NOW + DAY);
  struct gns_record www2 = rec_a("192.0.2.10");
  publish(&z_pkey2, "www", &www2, 1);
  publish(&z_edkey, "www", &www, 1);
  run(&z_pkey.pub, "www.shadowed", GNS_TYPE_A, NULL, 0, &r);
  CHECK(has_a(&r, "192.0.2.9"));
  run_now = NOW + 2 * HOUR;
  run(&z_pkey.pub, "www.shadowed", GNS_TYPE_A, NULL, 0, &r);
  run_now = NOW;
  CHECK_INT(r.rc, 0);
  CHECK(has_a(&r, "192.0.2.10"));
  /* a supplemental record beside the delegation is fine */
  publish(&z_pkey, "supp", supp, 2);
  run(&z_pkey.pub, "www.supp", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_a(&r, "192.0.2.9"));
  /* a delegation to a key that is no valid point */
  store_reset();
  uint8_t junk[32];
  memset(junk, 0xff, sizeof(junk));
  struct gns_record bad = rec(GNS_ZTYPE_EDKEY, junk, 32, GNS_RF_CRITICAL);
  publish(&z_pkey, "bad", &bad, 1);
  run(&z_pkey.pub, "www.bad", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, -EBADMSG);
  /* a delegation of a zone type we do not implement, marked critical */
  bad = rec(65599, junk, 32, GNS_RF_CRITICAL);
  publish(&z_pkey, "future", &bad, 1);
  run(&z_pkey.pub, "www.future", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, -EPROTONOSUPPORT);
  CHECK_INT(r.etype, 65599);
}

static void test_redirect(void) {
  store_reset();
  char target[256];
  struct gns_record d1 = rec_deleg(&z_edkey);
  publish(&z_pkey, "sub", &d1, 1);
  struct gns_record a1 = rec_a("192.0.2.1"), a2 = rec_a("192.0.2.2"), a3 = rec_a("192.0.2.3");
  publish(&z_edkey, "www", &a1, 1);
  publish(&z_edkey, "x", &a2, 1);
  publish(&z_pkey2, "far", &a3, 1);
  struct gns_record r1 = rec_text(GNS_TYPE_REDIRECT, "r2.+", 0);
  struct gns_record r2 = rec_text(GNS_TYPE_REDIRECT, "www.sub.+", 0);
  snprintf(target, sizeof(target), "far.%s", z_pkey2.ztld);
  struct gns_record rz = rec_text(GNS_TYPE_REDIRECT, target, 0);
  snprintf(target, sizeof(target), "far.%s.gns.alt", z_pkey2.ztld);
  struct gns_record rza = rec_text(GNS_TYPE_REDIRECT, target, 0);
  struct gns_record rmap = rec_text(GNS_TYPE_REDIRECT, "far.mapped.gns.alt", 0);
  struct gns_record rsub = rec_text(GNS_TYPE_REDIRECT, "sub.+", 0);
  struct gns_record l1 = rec_text(GNS_TYPE_REDIRECT, "l2.+", 0);
  struct gns_record l2 = rec_text(GNS_TYPE_REDIRECT, "l1.+", 0);
  struct gns_record self = rec_text(GNS_TYPE_REDIRECT, "self.+", 0);
  struct gns_record apex = rec_text(GNS_TYPE_REDIRECT, "+", 0);
  struct gns_record rdns = rec_text(GNS_TYPE_REDIRECT, "www.example.com", 0);
  struct gns_record ridn = rec_text(GNS_TYPE_REDIRECT, "www.bücher.example", 0);
  struct gns_record rgone = rec_text(GNS_TYPE_REDIRECT, "nothing.unmapped.gns.alt", 0);
  /* GNUnet 0.19.3 writes REDIRECT without the terminating NUL */
  struct gns_record rnonul = rec(GNS_TYPE_REDIRECT, "r2.+", 4, GNS_RF_CRITICAL);
  struct gns_record withnick[] = {rec_text(GNS_TYPE_REDIRECT, "r2.+", 0),
                                  rec_text(GNS_TYPE_NICK, "carol", GNS_RF_SUPPLEMENTAL)};
  publish(&z_pkey, "r1", &r1, 1);
  publish(&z_pkey, "r2", &r2, 1);
  publish(&z_pkey, "rz", &rz, 1);
  publish(&z_pkey, "rza", &rza, 1);
  publish(&z_pkey, "rmap", &rmap, 1);
  publish(&z_pkey, "rsub", &rsub, 1);
  publish(&z_pkey, "l1", &l1, 1);
  publish(&z_pkey, "l2", &l2, 1);
  publish(&z_pkey, "self", &self, 1);
  publish(&z_pkey, "apex", &apex, 1);
  publish(&z_pkey, "rdns", &rdns, 1);
  publish(&z_pkey, "ridn", &ridn, 1);
  publish(&z_pkey, "rgone", &rgone, 1);
  publish(&z_pkey, "rnonul", &rnonul, 1);
  publish(&z_pkey, "withnick", withnick, 2);
  /* a chain of 20 distinct redirects */
  for (int i = 0; i < 20; i++) {
    char label[16], t[16];
    snprintf(label, sizeof(label), "c%d", i);
    snprintf(t, sizeof(t), "c%d.+", i + 1);
    struct gns_record c = rec_text(GNS_TYPE_REDIRECT, t, 0);
    publish(&z_pkey, label, &c, 1);
  }
  publish(&z_pkey, "c20", &a3, 1);
  struct gns_suffix_map maps[] = {{"mapped", z_pkey2.pub}};
  hooks.maps = maps;
  hooks.n_maps = 1;
  struct run r;
  char canon[256];
  snprintf(canon, sizeof(canon), "www.%s.gns.alt", z_edkey.ztld);
  /* r1 -> r2.+ -> www.sub.+ -> (delegation) www in z_edkey */
  run(&z_pkey.pub, "r1", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_a(&r, "192.0.2.1"));
  CHECK_STR(r.canon, canon);
  CHECK(gns_zone_key_equal(&r.zone, &z_edkey.pub));
  CHECK_INT(r.depth, 3);
  run(&z_pkey.pub, "rnonul", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_a(&r, "192.0.2.1"));
  run(&z_pkey.pub, "withnick", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_a(&r, "192.0.2.1"));
  /* the remainder is prepended: x.rsub -> x.sub.+ */
  run(&z_pkey.pub, "x.rsub", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_a(&r, "192.0.2.2"));
  snprintf(canon, sizeof(canon), "x.%s.gns.alt", z_edkey.ztld);
  CHECK_STR(r.canon, canon);
  /* to a name ending in a zTLD, with and without .gns.alt; via a mapping */
  snprintf(canon, sizeof(canon), "far.%s.gns.alt", z_pkey2.ztld);
  const char *via[] = {"rz", "rza", "rmap"};
  for (size_t i = 0; i < 3; i++) {
    run(&z_pkey.pub, via[i], GNS_TYPE_A, NULL, 0, &r);
    CHECK_INT(r.rc, 0);
    CHECK(has_a(&r, "192.0.2.3"));
    CHECK_STR(r.canon, canon);
    CHECK(gns_zone_key_equal(&r.zone, &z_pkey2.pub));
  }
  run(&z_pkey.pub, "rgone", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, -ENOENT);
  CHECK_INT(r.dns_queries, 0);
  /* a revoked target zone */
  revoked[0] = &z_pkey2.pub;
  n_revoked = 1;
  run(&z_pkey.pub, "rz", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, -EKEYREVOKED);
  n_revoked = 0;
  /* asking for REDIRECT returns it */
  run(&z_pkey.pub, "r1", GNS_TYPE_REDIRECT, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.n, 1);
  CHECK_INT(r.rd[0].type, GNS_TYPE_REDIRECT);
  /* loops are found at once, long chains hit the depth limit */
  run(&z_pkey.pub, "l1", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, -ELOOP);
  CHECK_INT(r.blocks, 2);
  run(&z_pkey.pub, "self", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, -ELOOP);
  /* "+" alone is the apex of the current zone (none here) */
  run(&z_pkey.pub, "apex", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, -ENOENT);
  CHECK_INT(r.blocks, 2);
  /* 16 redirects are followed, the 17th is refused */
  run(&z_pkey.pub, "c0", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, -ELOOP);
  CHECK_INT(r.blocks, 17);
  struct gns_resolver_limits lim = {.max_depth = 25};
  run_expect(&z_pkey.pub, "c0", GNS_TYPE_A, &lim, NULL, 0, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_a(&r, "192.0.2.3"));
  CHECK_INT(r.depth, 20);
  /* to DNS: NEED_DNS at the system resolver; IDNA for the name */
  const struct dns_answer dns[] = {
      {"www.example.com", GNS_TYPE_AAAA, 0, "", 1, {rec_aaaa("2001:db8::7")}},
      {"x.www.example.com", GNS_TYPE_AAAA, 0, "", 1, {rec_aaaa("2001:db8::8")}},
      {"www.xn--bcher-kva.example", GNS_TYPE_A, 0, "", 1, {rec_a("192.0.2.77")}},
  };
  run(&z_pkey.pub, "rdns", GNS_TYPE_AAAA, dns, 3, &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_a(&r, "2001:db8::7"));
  CHECK_STR(r.canon, "www.example.com");
  CHECK_STR(r.dns_log, "www.example.com/28@");
  run(&z_pkey.pub, "x.rdns", GNS_TYPE_AAAA, dns, 3, &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_a(&r, "2001:db8::8"));
  run(&z_pkey.pub, "ridn", GNS_TYPE_A, dns, 3, &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_a(&r, "192.0.2.77"));
  CHECK_STR(r.canon, "www.xn--bcher-kva.example");
  /* any type: A and AAAA (dns_type 0) */
  run(&z_pkey.pub, "rdns", 0, dns, 3, &r);
  CHECK_STR(r.dns_log, "www.example.com/0@");
  /* NXDOMAIN */
  run(&z_pkey.pub, "y.rdns", GNS_TYPE_AAAA, dns, 3, &r);
  CHECK_INT(r.rc, -ENOENT);
  /* DNS disabled: an empty set, no DNS query */
  struct gns_resolver_limits nodns = {.disable_dns = true};
  run_expect(&z_pkey.pub, "rdns", GNS_TYPE_AAAA, &nodns, dns, 3, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.n, 0);
  CHECK_INT(r.dns_queries, 0);
  hooks.maps = NULL;
  hooks.n_maps = 0;
}

static void test_gns2dns(void) {
  store_reset();
  char srv[256];
  struct gns_record g1[] = {rec_g2d("example.com", "192.0.2.53"),
                            rec_g2d("example.com.", "2001:db8::53")};
  struct gns_record g_rel = rec_g2d("example.com", "ns.+");
  snprintf(srv, sizeof(srv), "ns.%s", z_edkey.ztld);
  struct gns_record g_ztld = rec_g2d("example.com", srv);
  struct gns_record g_dnsname = rec_g2d("example.com", "ns1.example.net");
  struct gns_record g_diff[] = {rec_g2d("example.com", "192.0.2.53"),
                                rec_g2d("example.org", "192.0.2.54")};
  struct gns_record g_bad = rec_g2d("example.com", "ns.nowhere.+");
  struct gns_record g_idn = rec_g2d("bücher.example", "192.0.2.53");
  /* GNUnet 0.19.3: the DNS name in wire format */
  uint8_t gw[64];
  size_t gl = wire("example.com", gw);
  memcpy(gw + gl, "192.0.2.53", 11);
  struct gns_record g_gnunet = rec(GNS_TYPE_GNS2DNS, gw, gl + 11, GNS_RF_CRITICAL);
  struct gns_record ns[] = {rec_a("192.0.2.99"), rec_aaaa("2001:db8::99")};
  publish(&z_pkey, "dns", g1, 2);
  publish(&z_pkey, "rel", &g_rel, 1);
  publish(&z_pkey, "ns", ns, 2);
  publish(&z_pkey, "zt", &g_ztld, 1);
  publish(&z_edkey, "ns", ns, 1);
  publish(&z_pkey, "byname", &g_dnsname, 1);
  publish(&z_pkey, "diff", g_diff, 2);
  publish(&z_pkey, "bad", &g_bad, 1);
  publish(&z_pkey, "idn", &g_idn, 1);
  publish(&z_pkey, "gnunet", &g_gnunet, 1);
  publish(&z_pkey, "@", g1, 2);
  const struct dns_answer dns[] = {
      {"www.example.com",
       GNS_TYPE_AAAA,
       0,
       "192.0.2.53,2001:db8::53",
       1,
       {rec_aaaa("2001:db8::1")}},
      {"www.example.com", GNS_TYPE_A, 0, NULL, 1, {rec_a("192.0.2.1")}},
      {"ns1.example.net", 0, 0, "", 1, {rec_a("192.0.2.200")}},
      {"www.xn--bcher-kva.example", GNS_TYPE_A, 0, "192.0.2.53", 1, {rec_a("192.0.2.2")}},
      {"example.com", GNS_TYPE_A, 0, "192.0.2.53,2001:db8::53", 1, {rec_a("192.0.2.3")}},
      {"fail.example.com", GNS_TYPE_A, -EIO, NULL, 0, {{0}}},
  };
  struct run r;
  run(&z_pkey.pub, "www.dns", GNS_TYPE_AAAA, dns, GNS_ARRAY_SIZE(dns), &r);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.n, 2);
  CHECK(has_a(&r, "2001:db8::1"));
  /* the queried DNS name comes back as a supplemental LEHO (7.3.2) */
  CHECK(has_record(&r, GNS_TYPE_LEHO, "www.example.com", 15));
  for (size_t i = 0; i < r.n; i++)
    if (r.rd[i].type == GNS_TYPE_LEHO) {
      CHECK_INT(r.rd[i].flags, GNS_RF_SUPPLEMENTAL);
      CHECK_INT(r.rd[i].expiration, NOW + HOUR);
    }
  CHECK_STR(r.canon, "www.example.com");
  CHECK(gns_zone_key_equal(&r.zone, &z_pkey.pub));
  CHECK_INT(r.exp, NOW + HOUR); /* the LEHO's hour */
  /* the apex delegated to DNS */
  run(&z_pkey.pub, "", GNS_TYPE_A, dns, GNS_ARRAY_SIZE(dns), &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_a(&r, "192.0.2.3"));
  /* server names: relative GNS, zTLD, DNS */
  run(&z_pkey.pub, "www.rel", GNS_TYPE_A, dns, GNS_ARRAY_SIZE(dns), &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_a(&r, "192.0.2.1"));
  CHECK_STR(r.dns_log, "www.example.com/1@192.0.2.99,2001:db8::99");
  CHECK_INT(r.blocks, 2);
  run(&z_pkey.pub, "www.zt", GNS_TYPE_A, dns, GNS_ARRAY_SIZE(dns), &r);
  CHECK_INT(r.rc, 0);
  CHECK_STR(r.dns_log, "www.example.com/1@192.0.2.99");
  run(&z_pkey.pub, "www.byname", GNS_TYPE_A, dns, GNS_ARRAY_SIZE(dns), &r);
  CHECK_INT(r.rc, 0);
  CHECK_STR(r.dns_log, "ns1.example.net/0@ www.example.com/1@192.0.2.200");
  run(&z_pkey.pub, "www.gnunet", GNS_TYPE_A, dns, GNS_ARRAY_SIZE(dns), &r);
  CHECK_INT(r.rc, 0);
  CHECK_STR(r.dns_log, "www.example.com/1@192.0.2.53");
  run(&z_pkey.pub, "www.idn", GNS_TYPE_A, dns, GNS_ARRAY_SIZE(dns), &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_a(&r, "192.0.2.2"));
  /* different DNS names under one label */
  run(&z_pkey.pub, "www.diff", GNS_TYPE_A, dns, GNS_ARRAY_SIZE(dns), &r);
  CHECK_INT(r.rc, -EBADMSG);
  /* no usable server */
  run(&z_pkey.pub, "www.bad", GNS_TYPE_A, dns, GNS_ARRAY_SIZE(dns), &r);
  CHECK_INT(r.rc, -EIO);
  CHECK_INT(r.dns_queries, 0);
  /* DNS errors */
  run(&z_pkey.pub, "fail.dns", GNS_TYPE_A, dns, GNS_ARRAY_SIZE(dns), &r);
  CHECK_INT(r.rc, -EIO);
  run(&z_pkey.pub, "nx.dns", GNS_TYPE_A, dns, GNS_ARRAY_SIZE(dns), &r);
  CHECK_INT(r.rc, -ENOENT);
  /* asking for GNS2DNS at the end returns the records, no DNS */
  run(&z_pkey.pub, "dns", GNS_TYPE_GNS2DNS, dns, GNS_ARRAY_SIZE(dns), &r);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.n, 2);
  CHECK_INT(r.dns_queries, 0);
  /* ... even with DNS disabled (7.3.2); otherwise an empty set */
  struct gns_resolver_limits nodns = {.disable_dns = true};
  run_expect(&z_pkey.pub, "", GNS_TYPE_GNS2DNS, &nodns, dns, 0, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.n, 2);
  run_expect(&z_pkey.pub, "www.dns", GNS_TYPE_A, &nodns, dns, 0, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.n, 0);
  CHECK_INT(r.dns_queries, 0);
  /* a GNS2DNS server name that itself loops */
  store_reset();
  struct gns_record loop = rec_g2d("example.com", "ns.loop.+");
  publish(&z_pkey, "loop", &loop, 1);
  run(&z_pkey.pub, "www.loop", GNS_TYPE_A, dns, GNS_ARRAY_SIZE(dns), &r);
  CHECK_INT(r.rc, -ELOOP);
}

static void test_box(void) {
  store_reset();
  uint8_t tlsa[] = {3, 1, 1, 0x01, 0x02, 0x03};
  uint8_t srv[64] = {0, 10, 0, 5, 0x14, 0x66};
  size_t sl = 6 + wire("xmpp.example.com", srv + 6);
  struct gns_record rd[] = {
      rec_a("192.0.2.1"),
      rec_box(6, 443, GNS_TYPE_TLSA, tlsa, sizeof(tlsa)),
      rec_box(6, 5222, GNS_TYPE_SRV, srv, sl),
      rec_box(17, 443, GNS_TYPE_TLSA, tlsa, 4),
  };
  publish(&z_edkey, "www", rd, 4);
  publish(&z_edkey, "@", rd, 4);
  struct gns_record d = rec_deleg(&z_edkey);
  publish(&z_pkey, "sub", &d, 1);
  struct {
    const char *name;
    uint32_t type;
    int rc;
    uint32_t want_type;
    size_t want_len;
  } cases[] = {
      {"_443._tcp.www", GNS_TYPE_TLSA, 0, GNS_TYPE_TLSA, sizeof(tlsa)},
      {"_https._tcp.www", GNS_TYPE_TLSA, 0, GNS_TYPE_TLSA, sizeof(tlsa)},
      {"_443._udp.www", GNS_TYPE_TLSA, 0, GNS_TYPE_TLSA, 4},
      {"_xmpp-client._tcp.www", GNS_TYPE_SRV, 0, GNS_TYPE_SRV, 0},
      {"_5222._6.www", GNS_TYPE_SRV, 0, GNS_TYPE_SRV, 0},
      {"_443._tcp", GNS_TYPE_TLSA, 0, GNS_TYPE_TLSA, sizeof(tlsa)}, /* at the apex */
      {"_80._tcp.www", GNS_TYPE_TLSA, -ENOENT, 0, 0},
      {"www", 0, 0, 0, 0},
  };
  for (size_t i = 0; i < GNS_ARRAY_SIZE(cases); i++) {
    struct run r;
    run(&z_edkey.pub, cases[i].name, cases[i].type, NULL, 0, &r);
    if (r.rc != cases[i].rc) fprintf(stderr, "box case %s\n", cases[i].name);
    CHECK_INT(r.rc, cases[i].rc);
    if (r.rc || !cases[i].want_type) continue;
    CHECK_INT(r.n, 1);
    CHECK_INT(r.rd[0].type, cases[i].want_type);
    if (cases[i].want_len) CHECK_INT(r.rd[0].data_len, cases[i].want_len);
  }
  struct run r;
  run(&z_edkey.pub, "www", 0, NULL, 0, &r);
  CHECK_INT(r.n, 4); /* without a service, BOX records stay boxed */
  run(&z_edkey.pub, "_xmpp-client._tcp.www", GNS_TYPE_SRV, NULL, 0, &r);
  CHECK(has_record(&r, GNS_TYPE_SRV, srv, sl));
  /* across a delegation: the BOX sits at the apex of the delegated zone */
  run(&z_pkey.pub, "_443._tcp.sub", GNS_TYPE_TLSA, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_record(&r, GNS_TYPE_TLSA, tlsa, sizeof(tlsa)));
  run(&z_pkey.pub, "_443._tcp.www.sub", GNS_TYPE_TLSA, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.n, 1);
  /* to DNS, the service labels go along */
  store_reset();
  struct gns_record g = rec_g2d("example.com", "192.0.2.53");
  publish(&z_pkey, "dns", &g, 1);
  const struct dns_answer dns[] = {
      {"_443._tcp.www.example.com",
       GNS_TYPE_TLSA,
       0,
       "192.0.2.53",
       1,
       {rec(GNS_TYPE_TLSA, tlsa, sizeof(tlsa), 0)}},
  };
  run(&z_pkey.pub, "_443._tcp.www.dns", GNS_TYPE_TLSA, dns, 1, &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_record(&r, GNS_TYPE_TLSA, tlsa, sizeof(tlsa)));
}

static void test_expiry_shadow_nick_leho(void) {
  store_reset();
  struct gns_record exp[] = {rec_a("192.0.2.1"), rec_aaaa("2001:db8::1")};
  exp[0].expiration = NOW - SEC;
  /* a block whose EXPIRATION was bumped (6.3 monotonicity) while one of its
   * records has expired */
  publish_exp(&z_pkey, "exp", exp, 2, NOW + DAY);
  struct gns_record all_exp = rec_a("192.0.2.1");
  all_exp.expiration = NOW - SEC;
  publish_exp(&z_pkey, "allexp", &all_exp, 1, NOW + DAY);
  struct gns_record sh[] = {rec_a("192.0.2.1"), rec_a("192.0.2.2")};
  sh[0].expiration = NOW + HOUR;
  sh[1].flags = GNS_RF_SHADOW;
  sh[1].expiration = NOW + DAY;
  publish(&z_pkey, "sh", sh, 2);
  struct gns_record nick[] = {rec_a("192.0.2.1"),
                              rec_text(GNS_TYPE_NICK, "john", GNS_RF_SUPPLEMENTAL)};
  publish(&z_pkey, "nick", nick, 2);
  struct gns_record nick2[] = {rec_a("192.0.2.1"), rec_text(GNS_TYPE_NICK, "eve", 0)};
  publish(&z_pkey, "nick2", nick2, 2);
  struct gns_record leho[] = {rec_a("192.0.2.1"), rec_text(GNS_TYPE_LEHO, "www.example.org", 0)};
  publish(&z_pkey, "leho", leho, 2);
  struct run r;
  run(&z_pkey.pub, "exp", 0, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.n, 1);
  CHECK(has_a(&r, "2001:db8::1"));
  run(&z_pkey.pub, "allexp", 0, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.n, 0);
  run(&z_pkey.pub, "sh", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.n, 1);
  CHECK(has_a(&r, "192.0.2.1"));
  CHECK_INT(r.exp, NOW + HOUR);
  run_now = NOW + 2 * HOUR;
  run(&z_pkey.pub, "sh", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.n, 1);
  CHECK(has_a(&r, "192.0.2.2"));
  /* the whole block expired: dropped like a bad one */
  run_now = NOW + 2 * DAY;
  run(&z_pkey.pub, "sh", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, -ENOENT);
  CHECK_INT(r.bad_blocks, 1);
  run_now = NOW;
  /* NICK (7.3.5) */
  run(&z_pkey.pub, "nick", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.n, 2);
  run(&z_pkey.pub, "nick", GNS_TYPE_AAAA, NULL, 0, &r);
  CHECK_INT(r.n, 1);
  CHECK_INT(r.rd[0].type, GNS_TYPE_A);
  run(&z_pkey.pub, "nick2", GNS_TYPE_AAAA, NULL, 0, &r);
  CHECK_INT(r.n, 2);
  /* LEHO */
  run(&z_pkey.pub, "leho", GNS_TYPE_A, NULL, 0, &r);
  CHECK_STR(r.canon, "www.example.org");
}

static void test_bad_blocks(void) {
  store_reset();
  struct gns_record a = rec_a("192.0.2.1"), b = rec_a("192.0.2.66");
  uint8_t q[GNS_Q_LEN];
  size_t len;
  gns_rrblock_query(&z_pkey.pub, (const uint8_t *)"www", 3, q);
  /* a corrupt copy, a valid block of another label, an expired block from
   * the zone, a block signed by another zone, then the good one */
  uint8_t *good = make_block(&z_pkey, "www", &a, 1, 0, &len);
  uint8_t *bad = malloc(len);
  memcpy(bad, good, len);
  bad[len - 1] ^= 1;
  store_add(q, bad, len);
  size_t ol;
  store_add(q, make_block(&z_pkey, "other", &b, 1, 0, &ol), ol);
  struct gns_record old = b;
  old.expiration = NOW - SEC;
  store_add(q, make_block(&z_pkey, "www", &old, 1, 0, &ol), ol);
  store_add(q, make_block(&z_edkey, "www", &b, 1, 0, &ol), ol);
  uint8_t *trunc = malloc(40);
  memcpy(trunc, good, 40);
  store_add(q, trunc, 40);
  store_add(q, good, len);
  struct run r;
  run(&z_pkey.pub, "www", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.bad_blocks, 5);
  CHECK_INT(r.n, 1);
  CHECK(has_a(&r, "192.0.2.1"));
  /* only bad blocks: as if there were none */
  store_reset();
  bad = make_block(&z_pkey, "www", &a, 1, 0, &len);
  bad[GNS_RRBLOCK_HEADER_LEN - 9] ^= 0x80; /* inside the signature */
  store_add(q, bad, len);
  run(&z_pkey.pub, "www", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, -ENOENT);
  CHECK_INT(r.bad_blocks, 1);
  /* supplying in the wrong state */
  struct gns_resolution *res;
  CHECK_INT(gns_resolution_new(&z_pkey.pub, "www", 0, NULL, NULL, &res), 0);
  CHECK_INT(gns_resolution_supply_dns(res, 0, NULL, 0), -EINVAL);
  CHECK_INT(gns_resolution_supply_block(res, NULL, 0, NOW), 0);
  CHECK_INT(gns_resolution_supply_block(res, NULL, 0, NOW), -EINVAL);
  CHECK_INT(gns_resolution_error(res), -ENOENT);
  gns_resolution_free(res);
}

/* gns_resolution_supply_rdata: the step names the label; RDATA for
 * another q, of an expired block or that does not parse is refused and
 * the step stays; then the right one resolves. */
static void test_supply_rdata(void) {
  store_reset();
  struct gns_record a = rec_a("192.0.2.7");
  size_t len, rdlen;
  uint8_t *block = make_block(&z_edkey, "www", &a, 1, 0, &len), *rdata = NULL;
  struct gns_resolution *res;
  struct gns_step st;
  CHECK_INT(gns_resolution_new(&z_edkey.pub, "www", GNS_TYPE_A, NULL, NULL, &res), 0);
  CHECK_INT(gns_resolution_step(res, NOW, &st), 0);
  CHECK_INT(st.kind, GNS_STEP_NEED_BLOCK);
  CHECK_INT(st.label_len, 3);
  CHECK(st.label && memcmp(st.label, "www", 3) == 0);
  CHECK_INT(gns_rrblock_decrypt(block, len, &st.zone, (const uint8_t *)st.label, st.label_len,
                                &rdata, &rdlen),
            0);
  uint64_t exp = gns_rrblock_expiration(block, len);
  uint8_t other_q[GNS_Q_LEN];
  memcpy(other_q, st.q, GNS_Q_LEN);
  other_q[0] ^= 1;
  CHECK_INT(gns_resolution_supply_rdata(res, other_q, rdata, rdlen, exp, NOW), -ESTALE);
  CHECK_INT(gns_resolution_supply_rdata(res, st.q, rdata, rdlen, NOW - 1, NOW), -EBADMSG);
  uint8_t *broken = malloc(rdlen);
  memcpy(broken, rdata, rdlen);
  broken[8] = broken[9] = 0xff; /* RFC 9498, 5: DATA SIZE past the end */
  CHECK_INT(gns_resolution_supply_rdata(res, st.q, broken, rdlen, exp, NOW), -EBADMSG);
  free(broken);
  CHECK_INT(gns_resolution_step(res, NOW, &st), 0);
  CHECK_INT(st.kind, GNS_STEP_NEED_BLOCK);
  CHECK_INT(gns_resolution_supply_rdata(res, st.q, rdata, rdlen, exp, NOW), 0);
  free(rdata);
  CHECK_INT(gns_resolution_step(res, NOW, &st), 0);
  CHECK_INT(st.kind, GNS_STEP_DONE);
  const struct gns_record *rd;
  size_t n;
  CHECK_INT(gns_resolution_result(res, &rd, &n), 0);
  CHECK_INT(n, 1);
  CHECK_INT(gns_resolution_supply_rdata(res, st.q, NULL, 0, exp, NOW), -EINVAL);
  gns_resolution_free(res);
  /* the apex is "@" */
  CHECK_INT(gns_resolution_new(&z_edkey.pub, "", 0, NULL, NULL, &res), 0);
  CHECK_INT(gns_resolution_step(res, NOW, &st), 0);
  CHECK_INT(st.label_len, 1);
  CHECK(st.label && st.label[0] == '@');
  gns_resolution_free(res);
  free(block);
}

static void test_names_limits(void) {
  store_reset();
  struct gns_record rd[10];
  for (int i = 0; i < 10; i++) {
    char ip[32];
    snprintf(ip, sizeof(ip), "192.0.2.%d", i + 1);
    rd[i] = rec_a(ip);
  }
  publish(&z_pkey, "many", rd, 10);
  struct gns_record a = rec_a("192.0.2.1");
  publish(&z_pkey, "caf\xc3\xa9", &a, 1); /* NFC "café" */
  struct run r;
  struct gns_resolver_limits lim = {.max_records = 5};
  run_expect(&z_pkey.pub, "many", 0, &lim, NULL, 0, NULL, 0, &r);
  CHECK_INT(r.rc, -E2BIG);
  lim = (struct gns_resolver_limits){.max_answer_bytes = 100};
  run_expect(&z_pkey.pub, "many", 0, &lim, NULL, 0, NULL, 0, &r);
  CHECK_INT(r.rc, -E2BIG);
  run(&z_pkey.pub, "many", 0, NULL, 0, &r);
  CHECK_INT(r.n, 10);
  /* labels are NFC-normalised: "cafe" + combining acute finds "café" */
  run(&z_pkey.pub, "cafe\xcc\x81", GNS_TYPE_A, NULL, 0, &r);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.n, 1);
  const char *bad[] = {"a..b", "\xff\xfe", "x.+", "+", "a.@", ".a"};
  for (size_t i = 0; i < GNS_ARRAY_SIZE(bad); i++) {
    struct gns_resolution *res = NULL;
    CHECK_INT(gns_resolution_new(&z_pkey.pub, bad[i], 0, NULL, NULL, &res), -EINVAL);
    CHECK(res == NULL);
  }
  /* an unsupported start zone type fails at once */
  struct gns_zone_key odd = z_pkey.pub;
  odd.ztype = 12345;
  run(&odd, "www", 0, NULL, 0, &r);
  CHECK_INT(r.rc, -EPROTONOSUPPORT);
  CHECK_INT(r.blocks, 0);
}

/* RFC 9498, Appendix B: the three example flows, step by step. */
static void test_example_flows(void) {
  /* start zone from the local mapping gnu.gns.alt -> zkey0 */
  const struct gns_suffix_map maps[] = {{"gnu", z_pkey.pub}, {"tld", z_pkey.pub}};
  struct gns_zone_key zk;
  size_t rest;
  const char *names[] = {"www.example.gnu", "www.example.tld"};
  for (size_t i = 0; i < 2; i++) {
    CHECK_INT(gns_start_zone_find(names[i], strlen(names[i]), maps, 2, &zk, &rest), 0);
    CHECK(gns_zone_key_equal(&zk, &z_pkey.pub));
    CHECK_INT(rest, 11); /* "www.example" */
  }
  struct gns_record pk = rec_deleg(&z_pkey2);
  struct gns_record aaaa = rec_aaaa("2001:db8::1");
  struct gns_record redir = rec_text(GNS_TYPE_REDIRECT, "www2.+", 0);
  struct gns_record g2d = rec_g2d("example.com", "192.0.2.1");
  struct run r;

  /* B.1: AAAA */
  store_reset();
  publish(&z_pkey, "example", &pk, 1);
  publish(&z_pkey2, "www", &aaaa, 1);
  const struct expect b1[] = {
      {GNS_STEP_NEED_BLOCK, &z_pkey, "example", NULL, 0},
      {GNS_STEP_NEED_BLOCK, &z_pkey2, "www", NULL, 0},
      {GNS_STEP_DONE, NULL, NULL, NULL, 0},
  };
  run_expect(&zk, "www.example", GNS_TYPE_AAAA, NULL, NULL, 0, b1, GNS_ARRAY_SIZE(b1), &r);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.n, 1);
  CHECK(has_a(&r, "2001:db8::1"));

  /* B.2: REDIRECT */
  store_reset();
  publish(&z_pkey, "example", &pk, 1);
  publish(&z_pkey2, "www", &redir, 1);
  publish(&z_pkey2, "www2", &aaaa, 1);
  const struct expect b2[] = {
      {GNS_STEP_NEED_BLOCK, &z_pkey, "example", NULL, 0},
      {GNS_STEP_NEED_BLOCK, &z_pkey2, "www", NULL, 0},
      {GNS_STEP_NEED_BLOCK, &z_pkey2, "www2", NULL, 0},
      {GNS_STEP_DONE, NULL, NULL, NULL, 0},
  };
  run_expect(&zk, "www.example", GNS_TYPE_AAAA, NULL, NULL, 0, b2, GNS_ARRAY_SIZE(b2), &r);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.n, 1);
  CHECK(has_a(&r, "2001:db8::1"));

  /* B.3: GNS2DNS */
  store_reset();
  publish(&z_pkey, "example", &g2d, 1);
  const struct dns_answer dns[] = {
      {"www.example.com", GNS_TYPE_AAAA, 0, "192.0.2.1", 1, {rec_aaaa("2001:db8::1")}},
  };
  const struct expect b3[] = {
      {GNS_STEP_NEED_BLOCK, &z_pkey, "example", NULL, 0},
      {GNS_STEP_NEED_DNS, NULL, NULL, "www.example.com", GNS_TYPE_AAAA},
      {GNS_STEP_DONE, NULL, NULL, NULL, 0},
  };
  run_expect(&zk, "www.example", GNS_TYPE_AAAA, NULL, dns, 1, b3, GNS_ARRAY_SIZE(b3), &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_a(&r, "2001:db8::1"));
}

static void test_cname(void) {
  store_reset();
  struct gns_record c_dns = rec_wire(GNS_TYPE_CNAME, NULL, 0, "www.example.com");
  struct gns_record c_rel = rec_wire(GNS_TYPE_CNAME, NULL, 0, "target.+");
  struct gns_record a = rec_a("192.0.2.5");
  publish(&z_pkey, "cdns", &c_dns, 1);
  publish(&z_pkey, "crel", &c_rel, 1);
  publish(&z_pkey, "target", &a, 1);
  const struct dns_answer dns[] = {
      {"www.example.com", GNS_TYPE_A, 0, "", 1, {rec_a("192.0.2.6")}},
  };
  struct run r;
  run(&z_pkey.pub, "cdns", GNS_TYPE_A, dns, 1, &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_a(&r, "192.0.2.6"));
  CHECK_STR(r.canon, "www.example.com");
  run(&z_pkey.pub, "crel", GNS_TYPE_A, dns, 1, &r);
  CHECK_INT(r.rc, 0);
  CHECK(has_a(&r, "192.0.2.5"));
  run(&z_pkey.pub, "cdns", GNS_TYPE_CNAME, dns, 1, &r);
  CHECK_INT(r.rc, 0);
  CHECK_INT(r.rd[0].type, GNS_TYPE_CNAME);
  CHECK_INT(r.dns_queries, 0);
}

int main(void) {
  tzone_new(&z_pkey, GNS_ZTYPE_PKEY);
  tzone_new(&z_edkey, GNS_ZTYPE_EDKEY);
  tzone_new(&z_pkey2, GNS_ZTYPE_PKEY);
  tzone_new(&z_edkey2, GNS_ZTYPE_EDKEY);
  test_start_zone();
  test_every_type();
  test_chain();
  test_delegation_rules();
  test_redirect();
  test_gns2dns();
  test_box();
  test_expiry_shadow_nick_leho();
  test_bad_blocks();
  test_names_limits();
  test_example_flows();
  test_cname();
  test_supply_rdata();
  /* everything again, the blocks opened by the driver (gnsd's worker
   * pool path) */
  supply_mode = SUPPLY_OPENED;
  test_every_type();
  test_chain();
  test_delegation_rules();
  test_redirect();
  test_gns2dns();
  test_box();
  test_expiry_shadow_nick_leho();
  test_bad_blocks();
  test_example_flows();
  test_cname();
  supply_mode = SUPPLY_BLOCK;
  store_reset();
  return check_done("test-resolver");
}
