/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* alt.gns.Resolve in one process: the varlink server on a socketpair,
 * helper/resolve.c, and in-memory storage backends (a synchronous one
 * standing in for the store, an asynchronous one for the DHT) serving
 * real blocks of real zones. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "check.h"
#include "tzone.h"
#include "conf.h"
#include "gns-util.h"
#include "record.h"
#include "resolve.h"
#include "rrblock.h"
#include "varlink-server.h"
#include "pool-hold.h"
#include "workers.h"
#include "zonekey.h"
#include "ztld.h"

#define SEC 1000000ull
#define DAY (86400 * SEC)

static sd_event *ev;
static struct varlink_server *srv;
static struct gnsd_resolve *R;
static struct gnsd_workers *workers;
static uint64_t now_us;
static uint64_t clock_offset; /* added to the real clock by test_clock */

static uint64_t test_clock(void *userdata) {
  (void)userdata;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * SEC + (uint64_t)ts.tv_nsec / 1000u + clock_offset;
}

/* ---- records ------------------------------------------------------------ */

static struct gns_record rec(uint32_t type, const void *data, size_t len, uint16_t flags) {
  struct gns_record r = {.expiration = now_us + DAY, .type = type, .flags = flags};
  r.data = data;
  r.data_len = (uint16_t)len;
  return r;
}

static uint8_t *make_block(const struct tzone *z, const char *label, const struct gns_record *rd,
                           size_t n, size_t *len, uint8_t q[GNS_Q_LEN]) {
  size_t sz, rl;
  CHECK_INT(gns_rdata_size(rd, n, &sz), 0);
  uint8_t *rdata = calloc(1, sz + 1), *block = NULL;
  CHECK_INT(gns_rdata_serialize(rd, n, rdata, sz, &rl), 0);
  CHECK_INT(gns_rrblock_create_from_rdata(&z->priv, (const uint8_t *)label, strlen(label), rdata,
                                          rl, gns_rdata_block_expiration(rd, n, now_us), &block,
                                          len),
            0);
  free(rdata);
  CHECK_INT(gns_rrblock_query(&z->pub, (const uint8_t *)label, strlen(label), q), 0);
  return block;
}

/* ---- in-memory backends -------------------------------------------------- */

struct mem {
  struct gnsd_backend b;
  bool async;
  unsigned delay_ms;
  int fail;
  struct {
    uint8_t q[GNS_Q_LEN];
    uint8_t *block;
    size_t len;
  } items[64];
  size_t n;
  unsigned gets, puts, cancels, active;
};

struct mem_get {
  struct mem *m;
  uint8_t q[GNS_Q_LEN];
  gnsd_block_cb cb;
  void *ud;
  sd_event_source *src;
};

static void mem_add(struct mem *m, const uint8_t q[GNS_Q_LEN], const uint8_t *block, size_t len) {
  if (m->n == 64) abort();
  memcpy(m->items[m->n].q, q, GNS_Q_LEN);
  m->items[m->n].block = malloc(len);
  memcpy(m->items[m->n].block, block, len);
  m->items[m->n].len = len;
  m->n++;
}

static void mem_clear(struct mem *m) {
  for (size_t i = 0; i < m->n; i++)
    free(m->items[i].block);
  m->n = 0;
}

static void mem_deliver(struct mem *m, const uint8_t q[GNS_Q_LEN], gnsd_block_cb cb, void *ud) {
  for (size_t i = 0; i < m->n; i++)
    if (memcmp(m->items[i].q, q, GNS_Q_LEN) == 0) cb(ud, m->items[i].block, m->items[i].len, 0);
  cb(ud, NULL, 0, 0);
}

static int mem_fire(sd_event_source *s, uint64_t usec, void *userdata) {
  (void)s;
  (void)usec;
  struct mem_get *g = userdata;
  g->m->active--;
  mem_deliver(g->m, g->q, g->cb, g->ud);
  sd_event_source_disable_unref(g->src);
  free(g);
  return 0;
}

static struct mem_get *last_get;

static int mem_get(struct gnsd_backend *b, const uint8_t q[64], gnsd_block_cb cb, void *ud,
                   struct gnsd_get **handle) {
  struct mem *m = (struct mem *)b;
  m->gets++;
  *handle = NULL;
  if (m->fail) return m->fail;
  if (!m->async) {
    mem_deliver(m, q, cb, ud);
    return 0;
  }
  struct mem_get *g = calloc(1, sizeof(*g));
  g->m = m;
  memcpy(g->q, q, GNS_Q_LEN);
  g->cb = cb;
  g->ud = ud;
  uint64_t t;
  sd_event_now(ev, CLOCK_MONOTONIC, &t);
  sd_event_add_time(ev, &g->src, CLOCK_MONOTONIC, t + m->delay_ms * 1000u, 1000, mem_fire, g);
  m->active++;
  last_get = g;
  *handle = (struct gnsd_get *)g;
  return 0;
}

static void mem_cancel(struct gnsd_backend *b, struct gnsd_get *h) {
  struct mem *m = (struct mem *)b;
  struct mem_get *g = (struct mem_get *)h;
  m->cancels++;
  m->active--;
  sd_event_source_disable_unref(g->src);
  free(g);
}

static int mem_put(struct gnsd_backend *b, const uint8_t q[64], const uint8_t *block, size_t len,
                   uint64_t expiration) {
  (void)expiration;
  struct mem *m = (struct mem *)b;
  m->puts++;
  mem_add(m, q, block, len);
  return 0;
}

static const struct gnsd_backend_ops mem_ops = {
    .name = "mem", .get = mem_get, .get_cancel = mem_cancel, .put = mem_put};

static struct mem store = {.b = {&mem_ops}}, dht = {.b = {&mem_ops}, .async = true, .delay_ms = 5};

/* ---- client ---------------------------------------------------------------- */

static uint64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int client(void) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) abort();
  if (varlink_server_add_connection(srv, sv[0]) < 0) abort();
  return sv[1];
}

static void send_msg(int fd, const char *json) {
  size_t n = strlen(json) + 1;
  if (send(fd, json, n, MSG_NOSIGNAL) != (ssize_t)n) abort();
}

/* Collect n replies from fd running the loop; returns them in order. */
static size_t collect(int fd, size_t n, json_object **out, unsigned ms) {
  static char buf[1 << 20];
  size_t len = 0, got = 0;
  uint64_t deadline = mono_ms() + ms;
  while (got < n && mono_ms() < deadline) {
    sd_event_run(ev, 2000);
    for (;;) {
      ssize_t r = recv(fd, buf + len, sizeof(buf) - len - 1, MSG_DONTWAIT);
      if (r <= 0) break;
      len += (size_t)r;
    }
    size_t start = 0;
    for (size_t i = 0; i < len; i++)
      if (buf[i] == '\0') {
        if (got < n) out[got++] = json_tokener_parse(buf + start);
        start = i + 1;
      }
    memmove(buf, buf + start, len - start);
    len -= start;
  }
  return got;
}

static json_object *call(int fd, const char *json) {
  json_object *o = NULL;
  send_msg(fd, json);
  if (collect(fd, 1, &o, 3000) != 1) return NULL;
  return o;
}

static const char *error_of(json_object *o) {
  json_object *e;
  if (!o) return "(no reply)";
  return json_object_object_get_ex(o, "error", &e) ? json_object_get_string(e) : "";
}

/* ResolveHostname(name, family) fails with the error want (a macro, so
 * that a failure names the line of its case). */
#define CHECK_HOST_ERROR(fd, name, family, want)                                                   \
  do {                                                                                             \
    json_object *e_ = call((fd), hostname((name), (family)));                                      \
    CHECK_STR(error_of(e_), (want));                                                               \
    json_object_put(e_);                                                                           \
  } while (0)

static json_object *param(json_object *o, const char *k) {
  json_object *p, *v;
  if (!o || !json_object_object_get_ex(o, "parameters", &p)) return NULL;
  return json_object_object_get_ex(p, k, &v) ? v : NULL;
}

static char *hostname(const char *name, int family) {
  static char buf[1024];
  snprintf(buf, sizeof(buf),
           "{\"method\":\"alt.gns.Resolve.ResolveHostname\",\"parameters\":{\"name\":\"%s\","
           "\"family\":%d}}",
           name, family);
  return buf;
}

/* "192.0.2.1,2001:db8::1" from a ResolveHostname reply. */
static void addresses(json_object *o, char *out, size_t cap) {
  out[0] = '\0';
  json_object *arr = param(o, "addresses");
  for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
    json_object *a = json_object_array_get_idx(arr, i), *fam, *bytes;
    json_object_object_get_ex(a, "family", &fam);
    json_object_object_get_ex(a, "address", &bytes);
    uint8_t raw[16];
    size_t bl = json_object_array_length(bytes);
    for (size_t k = 0; k < bl && k < 16; k++)
      raw[k] = (uint8_t)json_object_get_int(json_object_array_get_idx(bytes, k));
    char s[64];
    inet_ntop(json_object_get_int(fam), raw, s, sizeof(s));
    if (*out) strncat(out, ",", cap - strlen(out) - 1);
    strncat(out, s, cap - strlen(out) - 1);
  }
}

static int64_t status_int(const char *k) {
  json_object *o = json_object_new_object(), *v;
  gnsd_resolve_stats(R, o);
  int64_t r = json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : -1;
  json_object_put(o);
  return r;
}

static struct tzone z_home, z_sub, z_far;
static const struct gns_zone_key *revoked_key;

static bool is_revoked(void *ud, const struct gns_zone_key *zk, uint64_t now) {
  (void)ud;
  (void)now;
  return revoked_key && gns_zone_key_equal(revoked_key, zk);
}

static int start_zones(void *ud, const struct gns_suffix_map **maps, size_t *n) {
  (void)ud;
  static struct gns_suffix_map local[1];
  local[0].suffix = "home";
  local[0].zk = z_home.pub;
  *maps = local;
  *n = 1;
  return 0;
}

static void publish(struct mem *m, const struct tzone *z, const char *label,
                    const struct gns_record *rd, size_t n) {
  size_t len;
  uint8_t q[GNS_Q_LEN];
  uint8_t *b = make_block(z, label, rd, n, &len, q);
  mem_add(m, q, b, len);
  free(b);
}

int main(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  now_us = (uint64_t)ts.tv_sec * SEC;
  tzone_new(&z_home, GNS_ZTYPE_EDKEY);
  tzone_new(&z_sub, GNS_ZTYPE_PKEY);
  tzone_new(&z_far, GNS_ZTYPE_EDKEY);
  CHECK_INT(sd_event_new(&ev), 0);
  struct varlink_server_info info = {
      .vendor = "test", .product = "gnsd", .version = "0", .url = "https://example.invalid"};
  CHECK_INT(varlink_server_new(ev, &info, &srv), 0);
  struct gnsd_conf conf;
  CHECK_INT(gnsd_conf_defaults(&conf), 0);
  conf.resolver_timeout_us = 300000;
  CHECK_INT(gnsd_resolve_new(ev, &conf, &R), 0);
  CHECK_INT(gnsd_resolve_add_interface(R, srv), 0);
  /* one worker: the tests below hold it to catch lookups mid-check */
  CHECK_INT(gnsd_workers_new(ev, 1, 0, &workers), 0);
  gnsd_resolve_set_workers(R, workers);
  struct gnsd_backend *bk[] = {&store.b, &dht.b};
  gnsd_resolve_set_backends(R, bk, 2);
  gnsd_resolve_set_revocation_check(R, is_revoked, NULL);
  gnsd_resolve_set_start_zones(R, start_zones, NULL);
  gnsd_resolve_set_clock(R, test_clock, NULL);

  uint8_t a1[4] = {192, 0, 2, 1}, a2[4] = {192, 0, 2, 2},
          a6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
  struct gns_record www[] = {rec(GNS_TYPE_A, a1, 4, 0), rec(GNS_TYPE_AAAA, a6, 16, 0)};
  struct gns_record v4only = rec(GNS_TYPE_A, a2, 4, 0);
  struct gns_record deleg = rec(z_sub.pub.ztype, z_sub.pub.key, 32, GNS_RF_CRITICAL);
  struct gns_record leho = rec(GNS_TYPE_LEHO, "legacy.example.org", 18, 0);
  struct gns_record withleho[] = {rec(GNS_TYPE_A, a1, 4, 0), leho};
  struct gns_record crit = rec(60001, "x", 1, GNS_RF_CRITICAL);
  struct gns_record loop1 = rec(GNS_TYPE_REDIRECT, "loop2.+", 8, GNS_RF_CRITICAL);
  struct gns_record loop2 = rec(GNS_TYPE_REDIRECT, "loop1.+", 8, GNS_RF_CRITICAL);
  publish(&store, &z_home, "www", www, 2);
  publish(&store, &z_home, "v4", &v4only, 1);
  publish(&store, &z_home, "sub", &deleg, 1);
  publish(&store, &z_home, "leho", withleho, 2);
  publish(&store, &z_home, "crit", &crit, 1);
  publish(&store, &z_home, "loop1", &loop1, 1);
  publish(&store, &z_home, "loop2", &loop2, 1);
  struct gns_record month = rec(GNS_TYPE_A, a1, 4, 0);
  month.expiration = now_us + 30 * DAY;
  publish(&store, &z_home, "month", &month, 1);
  publish(&dht, &z_sub, "deep", www, 2); /* only in the "DHT" */
  publish(&dht, &z_far, "www", &v4only, 1);

  int fd = client();
  char addrs[256], name[512];
  json_object *o;

  /* a local start zone, every family */
  o = call(fd, hostname("www.home.gns.alt", 0));
  CHECK_STR(error_of(o), "");
  addresses(o, addrs, sizeof(addrs));
  CHECK_STR(addrs, "192.0.2.1,2001:db8::1");
  CHECK_STR(json_object_get_string(param(o, "name")), "www.home.gns.alt");
  json_object_put(o);
  o = call(fd, hostname("www.home.gns.alt", AF_INET));
  addresses(o, addrs, sizeof(addrs));
  CHECK_STR(addrs, "192.0.2.1");
  json_object *resolved4 = o;
  /* the second resolution found both blocks in the block cache */
  CHECK_INT(status_int("blockCacheHits"), 1);
  o = call(fd, hostname("v4.home.gns.alt", AF_INET6));
  CHECK_STR(error_of(o), "");
  CHECK_INT(json_object_array_length(param(o, "addresses")), 0); /* exists, no data */
  json_object_put(o);
  /* cached: no backend, no block cache */
  unsigned gets = store.gets;
  int64_t bch = status_int("blockCacheHits"), hits = status_int("cacheHits");
  o = call(fd, hostname("www.home.gns.alt", AF_INET));
  addresses(o, addrs, sizeof(addrs));
  CHECK_STR(addrs, "192.0.2.1");
  /* the cached reply (kept as text) says what the resolved one said */
  CHECK(json_object_equal(o, resolved4));
  json_object_put(resolved4);
  json_object_put(o);
  CHECK_INT(store.gets, gets);
  CHECK_INT(status_int("blockCacheHits"), bch);
  CHECK_INT(status_int("cacheHits"), hits + 1);
  /* LEHO is the canonical name */
  o = call(fd, hostname("leho.home.gns.alt", AF_INET));
  CHECK_STR(json_object_get_string(param(o, "name")), "legacy.example.org");
  json_object_put(o);
  /* a block only the second backend has: found, copied into the first */
  unsigned puts = store.puts;
  o = call(fd, hostname("deep.sub.home.gns.alt", 0));
  CHECK_STR(error_of(o), "");
  addresses(o, addrs, sizeof(addrs));
  CHECK_STR(addrs, "192.0.2.1,2001:db8::1");
  json_object_put(o);
  CHECK_INT(store.puts, puts + 1);
  /* by zTLD */
  snprintf(name, sizeof(name), "www.%s.gns.alt", z_far.ztld);
  o = call(fd, hostname(name, 0));
  addresses(o, addrs, sizeof(addrs));
  CHECK_STR(addrs, "192.0.2.2");
  json_object_put(o);
  /* NotGNS, NoSuchName (then from the negative cache) */
  CHECK_HOST_ERROR(fd, "www.example.com", 0, "alt.gns.Resolve.NotGNS");
  CHECK_HOST_ERROR(fd, "nope.home.gns.alt", 0, "alt.gns.Resolve.NoSuchName");
  gets = store.gets;
  CHECK_HOST_ERROR(fd, "nope.home.gns.alt", 0, "alt.gns.Resolve.NoSuchName");
  CHECK_INT(store.gets, gets);
  CHECK_INT(status_int("negativeHits"), 1);
  CHECK_HOST_ERROR(fd, "www.nowhere.gns.alt", 0, "alt.gns.Resolve.NoSuchName");
  /* errors of the resolver */
  o = call(fd, hostname("crit.home.gns.alt", 0));
  CHECK_STR(error_of(o), "alt.gns.Resolve.CriticalRecordUnsupported");
  CHECK_INT(json_object_get_int(param(o, "type")), 60001);
  json_object_put(o);
  CHECK_HOST_ERROR(fd, "loop1.home.gns.alt", 0, "alt.gns.Resolve.ResolutionLoop");
  CHECK_HOST_ERROR(fd, "a..home.gns.alt", 0, "alt.gns.Resolve.InvalidName");
  revoked_key = &z_sub.pub;
  gnsd_resolve_flush(R);
  CHECK_HOST_ERROR(fd, "deep.sub.home.gns.alt", 0, "alt.gns.Resolve.ZoneRevoked");
  revoked_key = NULL;
  /* parameters */
  CHECK_HOST_ERROR(fd, "www.home.gns.alt", 7, "org.varlink.service.InvalidParameter");
  o = call(fd, "{\"method\":\"alt.gns.Resolve.ResolveHostname\",\"parameters\":{}}");
  CHECK_STR(error_of(o), "org.varlink.service.InvalidParameter");
  json_object_put(o);

  /* Answers are cached until their earliest record expires, but never
   * longer than 24 hours: a record valid for a month is resolved again
   * after a day (from the cache, by parsed request and by its text, up
   * to then). */
  {
    const char *mreq = hostname("month.home.gns.alt", AF_INET);
    char mtext[1024];
    snprintf(mtext, sizeof mtext, "%s", mreq);
    o = call(fd, mtext);
    CHECK_STR(error_of(o), "");
    json_object_put(o);
    int64_t h0 = status_int("cacheHits"), b0 = status_int("blockCacheHits");
    clock_offset = 23 * 3600 * SEC;
    for (int i = 0; i < 2; i++) {
      o = call(fd, mtext);
      CHECK_STR(error_of(o), "");
      json_object_put(o);
    }
    CHECK_INT(status_int("cacheHits"), h0 + 2);
    CHECK_INT(status_int("blockCacheHits"), b0);
    clock_offset = 25 * 3600 * SEC;
    o = call(fd, mtext);
    addresses(o, addrs, sizeof(addrs));
    CHECK_STR(addrs, "192.0.2.1");
    json_object_put(o);
    CHECK_INT(status_int("cacheHits"), h0 + 2);
    CHECK(status_int("blockCacheHits") > b0); /* resolved again */
    clock_offset = 0;
    gnsd_resolve_flush(R);
  }

  /* The same request thrice: resolved, then a cache hit that remembers
   * the reply by the request's text, then answered from that text
   * without being parsed. The same reply each time; a flush forgets. */
  char req[1024];
  snprintf(req, sizeof req, "%s", hostname("www.home.gns.alt", AF_INET6));
  int64_t sc = status_int("shortcutHits");
  json_object *r1 = call(fd, req);
  hits = status_int("cacheHits");
  gets = store.gets;
  json_object *r2 = call(fd, req);
  CHECK_INT(status_int("shortcutHits"), sc);
  json_object *r3 = call(fd, req);
  CHECK_INT(status_int("shortcutHits"), sc + 1);
  CHECK_INT(status_int("cacheHits"), hits + 2);
  addresses(r3, addrs, sizeof(addrs));
  CHECK_STR(addrs, "2001:db8::1");
  CHECK(json_object_equal(r1, r2) && json_object_equal(r2, r3));
  json_object_put(r1);
  json_object_put(r2);
  json_object_put(r3);
  CHECK_INT(store.gets, gets);
  gnsd_resolve_flush(R);
  o = call(fd, req);
  addresses(o, addrs, sizeof(addrs));
  CHECK_STR(addrs, "2001:db8::1");
  json_object_put(o);
  CHECK(store.gets > gets); /* resolved again, not remembered */
  CHECK_INT(status_int("shortcutHits"), sc + 1);
  /* a negative answer too, as an error reply */
  int64_t neg = status_int("negativeHits");
  for (int i = 0; i < 3; i++) {
    o = call(fd, hostname("gone.home.gns.alt", 0));
    CHECK_STR(error_of(o), "alt.gns.Resolve.NoSuchName");
    json_object_put(o);
  }
  CHECK_INT(status_int("negativeHits"), neg + 2);
  CHECK_INT(status_int("shortcutHits"), sc + 2);
  /* ResolveRecords */
  const char *rr = "{\"method\":\"alt.gns.Resolve.ResolveRecords\",\"parameters\":{\"name\":"
                   "\"www.home.gns.alt\",\"type\":\"AAAA\"}}";
  o = call(fd, rr);
  CHECK_STR(error_of(o), "");
  json_object *recs = param(o, "records");
  CHECK_INT(recs ? json_object_array_length(recs) : 0, 1); /* the AAAA only, not the A */
  CHECK_STR(json_object_get_string(param(o, "zone")), z_home.ztld);
  CHECK(!json_object_get_boolean(param(o, "cached")));
  bool saw_aaaa = false;
  for (size_t i = 0; recs && i < json_object_array_length(recs); i++) {
    json_object *r = json_object_array_get_idx(recs, i), *t, *rd, *addr, *exp;
    json_object_object_get_ex(r, "type", &t);
    json_object_object_get_ex(r, "rdata", &rd);
    json_object_object_get_ex(r, "expiration", &exp);
    CHECK(json_object_is_type(exp, json_type_int));
    CHECK_INT(json_object_get_int64(exp), now_us + DAY);
    if (strcmp(json_object_get_string(t), "AAAA") == 0 &&
        json_object_object_get_ex(rd, "address", &addr))
      saw_aaaa = strcmp(json_object_get_string(addr), "2001:db8::1") == 0;
  }
  CHECK(saw_aaaa);
  json_object *resolved = o;
  o = call(fd, rr);
  json_object *again = call(fd, rr); /* from the remembered text */
  CHECK(json_object_equal(o, again));
  json_object_put(again);
  CHECK(json_object_is_type(param(o, "cached"), json_type_boolean));
  CHECK(json_object_get_boolean(param(o, "cached")));
  CHECK_INT(json_object_array_length(param(o, "records")), 1);
  /* apart from "cached", the cached reply is the resolved one */
  json_object *p1 = NULL, *p2 = NULL;
  json_object_object_get_ex(resolved, "parameters", &p1);
  json_object_object_get_ex(o, "parameters", &p2);
  json_object_object_del(p1, "cached");
  json_object_object_del(p2, "cached");
  CHECK(p1 && p2 && json_object_equal(p1, p2));
  json_object_put(resolved);
  json_object_put(o);
  o = call(fd, "{\"method\":\"alt.gns.Resolve.ResolveRecords\",\"parameters\":{\"name\":"
               "\"www.home.gns.alt\",\"type\":\"NOPE\"}}");
  CHECK_STR(error_of(o), "org.varlink.service.InvalidParameter");
  json_object_put(o);

  /* a bad block before the good one, in the other backend */
  gnsd_resolve_flush(R);
  size_t blen;
  uint8_t q[GNS_Q_LEN];
  uint8_t *good = make_block(&z_home, "late", &v4only, 1, &blen, q);
  good[blen - 1] ^= 1;
  mem_add(&store, q, good, blen);
  good[blen - 1] ^= 1;
  mem_add(&dht, q, good, blen);
  free(good);
  int64_t bad = status_int("badBlocks");
  o = call(fd, hostname("late.home.gns.alt", 0));
  addresses(o, addrs, sizeof(addrs));
  CHECK_STR(addrs, "192.0.2.2");
  json_object_put(o);
  CHECK_INT(status_int("badBlocks"), bad + 1);

  /* only a corrupt block, from either backend: refused, NoSuchName */
  gnsd_resolve_flush(R);
  good = make_block(&z_home, "corrupt", &v4only, 1, &blen, q);
  good[GNS_RRBLOCK_HEADER_LEN - 9] ^= 0x80; /* inside the signature */
  mem_add(&store, q, good, blen);
  mem_add(&dht, q, good, blen);
  free(good);
  bad = status_int("badBlocks");
  CHECK_HOST_ERROR(fd, "corrupt.home.gns.alt", 0, "alt.gns.Resolve.NoSuchName");
  CHECK_INT(status_int("badBlocks"), bad + 2);

  /* Lookups whose blocks wait on the pool when their client goes away,
   * or their deadline passes: the jobs come back to nobody (ASan checks
   * that nothing freed is touched), and the next lookup resolves. */
  {
    gnsd_resolve_flush(R);
    struct pool_hold b;
    pool_hold(workers, &b);
    int64_t blocks = status_int("blocks");
    /* blocks only the DHT has (each lookup copies its block into the
     * store, so one label per case); "sub" comes from the store, opened
     * at once, "poolN" from the DHT (5 ms), opened on the pool */
    publish(&dht, &z_sub, "pool1", www, 2);
    publish(&dht, &z_sub, "pool2", www, 2);
    publish(&dht, &z_sub, "pool3", www, 2);
    publish(&dht, &z_sub, "pool4", www, 2);
    int c1 = client();
    send_msg(c1, hostname("pool1.sub.home.gns.alt", 0));
    for (int i = 0; i < 20 && dht.active == 0; i++)
      sd_event_run(ev, 1000);
    for (int i = 0; i < 20 && dht.active > 0; i++)
      sd_event_run(ev, 2000);
    CHECK_INT(dht.active, 0); /* delivered: the block waits on the pool */
    CHECK_INT(status_int("pending"), 1);
    close(c1);
    for (int i = 0; i < 5; i++)
      sd_event_run(ev, 1000);
    CHECK_INT(status_int("pending"), 0);
    /* the deadline (300 ms) passes while the block waits */
    CHECK_HOST_ERROR(fd, "pool2.sub.home.gns.alt", 0, "alt.gns.Resolve.TimedOut");
    CHECK_INT(status_int("pending"), 0);
    pool_release(&b);
    CHECK(pool_hold_wait(ev, &b));
    for (int i = 0; i < 5; i++)
      sd_event_run(ev, 1000);
    /* "sub" once from the store, then from the block cache; the blocks
     * that came back to nobody are not counted */
    CHECK_INT(status_int("blocks"), blocks + 1);
    o = call(fd, hostname("pool3.sub.home.gns.alt", 0));
    addresses(o, addrs, sizeof(addrs));
    CHECK_STR(addrs, "192.0.2.1,2001:db8::1");
    json_object_put(o);
    CHECK_INT(status_int("blocks"), blocks + 2); /* and "pool3" */
  }

  /* 64 concurrent requests on 8 connections, through the async backend */
  gnsd_resolve_flush(R);
  int fds[8];
  for (int i = 0; i < 8; i++)
    fds[i] = client();
  for (int i = 0; i < 64; i++)
    send_msg(fds[i % 8], hostname("deep.sub.home.gns.alt", i % 2 ? 2 : 0));
  unsigned ok = 0;
  for (int i = 0; i < 8; i++) {
    json_object *rs[8];
    size_t n = collect(fds[i], 8, rs, 5000);
    for (size_t k = 0; k < n; k++) {
      addresses(rs[k], addrs, sizeof(addrs));
      ok += strncmp(addrs, "192.0.2.1", 9) == 0;
      json_object_put(rs[k]);
    }
  }
  CHECK_INT(ok, 64);

  /* storage failure and the deadline */
  gnsd_resolve_flush(R);
  store.fail = -EIO;
  dht.fail = -EIO;
  CHECK_HOST_ERROR(fd, "www.home.gns.alt", 0, "alt.gns.Resolve.StorageUnavailable");
  store.fail = 0;
  dht.fail = 0;
  dht.delay_ms = 2000;
  CHECK_HOST_ERROR(fd, "other.sub.home.gns.alt", 0, "alt.gns.Resolve.TimedOut");
  CHECK_INT(dht.active, 0); /* the pending GET was cancelled */
  /* the DHT backend goes away (SIGHUP) while a request waits for it */
  send_msg(fd, hostname("other3.sub.home.gns.alt", 0));
  for (int i = 0; i < 5; i++)
    sd_event_run(ev, 1000);
  CHECK_INT(dht.active, 1);
  /* its owner frees it, and with it the pending GET */
  dht.active = 0;
  sd_event_source_disable_unref(last_get->src);
  free(last_get);
  gnsd_resolve_set_backends(R, bk, 1);
  o = NULL;
  CHECK_INT(collect(fd, 1, &o, 1000), 1);
  CHECK_STR(error_of(o), "alt.gns.Resolve.NoSuchName");
  json_object_put(o);
  gnsd_resolve_set_backends(R, bk, 2);
  /* a client that goes away mid-request */
  int gone = client();
  send_msg(gone, hostname("other2.sub.home.gns.alt", 0));
  for (int i = 0; i < 5; i++)
    sd_event_run(ev, 1000);
  close(gone);
  for (int i = 0; i < 20; i++)
    sd_event_run(ev, 1000);
  CHECK_INT(status_int("pending"), 0);
  CHECK_INT(dht.active, 0);
  dht.delay_ms = 5;

  /* The resolver goes (gnsd stops) while a block is on the pool. */
  gnsd_resolve_flush(R);
  struct pool_hold b;
  pool_hold(workers, &b);
  send_msg(fd, hostname("pool4.sub.home.gns.alt", 0));
  for (int i = 0; i < 20 && dht.active == 0; i++)
    sd_event_run(ev, 1000);
  for (int i = 0; i < 20 && dht.active > 0; i++)
    sd_event_run(ev, 2000);
  CHECK_INT(dht.active, 0);
  CHECK_INT(status_int("pending"), 1);

  for (int i = 0; i < 8; i++)
    close(fds[i]);
  close(fd);
  gnsd_resolve_free(R);
  pool_release(&b);
  CHECK(pool_hold_wait(ev, &b));
  gnsd_workers_free(workers);
  varlink_server_free(srv);
  for (int i = 0; i < 50; i++)
    sd_event_run(ev, 0);
  sd_event_unref(ev);
  gnsd_conf_free(&conf);
  mem_clear(&store);
  mem_clear(&dht);
  return check_done("test-resolve");
}
