/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The zone master in one process: records added over alt.gns.Zone come
 * out as RRBLOCKs that open with the zone key (private records left out,
 * relative expirations made absolute), go to every backend, are withdrawn
 * when their label empties and are re-published before they expire. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "check.h"
#include "gns-util.h"
#include "backends.h"
#include "conf.h"
#include "log.h"
#include "rrblock.h"
#include "store.h"
#include "varlink-server.h"
#include "workers.h"
#include "zones.h"
#include "ztld.h"

/* The zone service gets exactly what gnsd gives it: a loop, a store,
 * the backends, the configuration, a server and a change callback. */
static sd_event *event;
static struct gnsd_conf conf;
static struct gnsd_store *store;
static struct gnsd_backends backends;
static struct varlink_server *server;
static struct gnsd_zones *zones;
static struct gnsd_workers *workers;
static unsigned changes; /* on_change calls */
static int client = -1;

static void on_change(void *userdata) {
  (void)userdata;
  changes++;
}

/* --- a backend that records PUTs (stands in for the DHT) --- */

static unsigned fake_puts;
static uint8_t fake_q[64];
static uint64_t fake_put_at; /* realtime of the last PUT */

static int fake_get(struct gnsd_backend *b, const uint8_t q[64], gnsd_block_cb cb, void *ud,
                    struct gnsd_get **h) {
  (void)b;
  (void)q;
  *h = NULL;
  cb(ud, NULL, 0, 0);
  return 0;
}
static int fake_put(struct gnsd_backend *b, const uint8_t q[64], const uint8_t *block, size_t len,
                    uint64_t expiration) {
  (void)b;
  (void)block;
  (void)len;
  (void)expiration;
  fake_puts++;
  memcpy(fake_q, q, 64);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  fake_put_at = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
  return 0;
}
static void fake_free(struct gnsd_backend *b) {
  (void)b;
}
static const struct gnsd_backend_ops fake_ops = {
    .name = "fake", .get = fake_get, .put = fake_put, .free = fake_free};
static struct gnsd_backend fake = {.ops = &fake_ops};

/* --- calls over a socketpair --- */

static uint64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Call and return the reply's parameters (or error name in *error). */
static json_object *call(const char *method, const char *params, char *error, size_t errcap) {
  char req[4096];
  int n = snprintf(req, sizeof req, "{\"method\":\"alt.gns.Zone.%s\",\"parameters\":%s}", method,
                   params);
  if (send(client, req, (size_t)n + 1, MSG_NOSIGNAL) != n + 1) abort();
  static char buf[1 << 16];
  size_t len = 0;
  uint64_t deadline = mono_ms() + 5000;
  while (mono_ms() < deadline) {
    sd_event_run(event, 10000);
    ssize_t got = recv(client, buf + len, sizeof buf - len - 1, MSG_DONTWAIT);
    if (got > 0) len += (size_t)got;
    if (len > 0 && buf[len - 1] == '\0') break;
  }
  json_object *msg = len ? json_tokener_parse(buf) : NULL;
  json_object *e = msg ? json_object_object_get(msg, "error") : NULL;
  if (error) snprintf(error, errcap, "%s", e ? json_object_get_string(e) : "");
  json_object *p = msg ? json_object_get(json_object_object_get(msg, "parameters")) : NULL;
  json_object_put(msg);
  return p;
}

static void call_ok(const char *method, const char *params) {
  char err[256];
  json_object *p = call(method, params, err, sizeof err);
  if (err[0])
    fprintf(stderr, "%s(%s): %s %s\n", method, params, err, json_object_to_json_string(p));
  CHECK_STR(err, "");
  json_object_put(p);
}

/* Open the stored block of (zone, label) and parse its records. */
static int open_block(const struct gns_zone_key *zk, const char *label, uint64_t now,
                      struct gns_record *rd, size_t max, size_t *n, uint8_t **rdata,
                      uint64_t *block_exp) {
  uint8_t q[GNS_Q_LEN];
  CHECK_INT(gns_rrblock_query(zk, (const uint8_t *)label, strlen(label), q), 0);
  uint8_t *block = NULL;
  size_t len = 0, rlen = 0;
  int r = gnsd_store_block_get(store, q, now, &block, &len);
  if (r < 0) return r;
  *block_exp = gns_rrblock_expiration(block, len);
  r = gns_rrblock_open(block, len, zk, (const uint8_t *)label, strlen(label), now, rdata, &rlen);
  free(block);
  if (r < 0) return r;
  return gns_rdata_parse(*rdata, rlen, rd, max, n);
}

/* CreateZone name (EDKEY) and its key. */
static void create_zone(const char *name, struct gns_zone_key *zk) {
  char err[256], params[128];
  snprintf(params, sizeof params, "{\"name\":\"%s\",\"type\":\"edkey\"}", name);
  json_object *p = call("CreateZone", params, err, sizeof err);
  CHECK_STR(err, "");
  const char *ztld =
      json_object_get_string(json_object_object_get(json_object_object_get(p, "zone"), "ztld"));
  CHECK_INT(gns_ztld_decode(ztld, strlen(ztld), zk), 0);
  json_object_put(p);
}

static void test_publish(void) {
  char err[256];
  json_object *p;
  struct gns_zone_key zk;
  create_zone("pub", &zk);

  fake_puts = 0;
  changes = 0;
  call_ok("AddRecord", "{\"zone\":\"pub\",\"record\":{\"label\":\"www\",\"type\":\"A\","
                       "\"value\":\"192.0.2.1\"}}");
  call_ok("AddRecord", "{\"zone\":\"pub\",\"record\":{\"label\":\"www\",\"type\":\"AAAA\","
                       "\"value\":\"2001:db8::1\",\"flags\":[\"private\"]}}");
  call_ok("AddRecord", "{\"zone\":\"pub\",\"record\":{\"label\":\"www\",\"type\":\"TXT\","
                       "\"value\":\"short\",\"expiration\":1600000,\"flags\":[\"relative\"]}}");
  call_ok("AddRecord", "{\"zone\":\"pub\",\"record\":{\"label\":\"hidden\",\"type\":\"A\","
                       "\"value\":\"10.0.0.1\",\"flags\":[\"private\"]}}");
  /* every change is published at once, to the store and the other backends */
  CHECK_INT(fake_puts, 3);
  /* and the resolver hears of it (its cached answers may be stale) */
  CHECK(changes >= 3);
  uint8_t q[GNS_Q_LEN];
  CHECK_INT(gns_rrblock_query(&zk, (const uint8_t *)"www", 3, q), 0);
  CHECK_MEM(fake_q, q, 64);

  uint64_t now = gnsd_now(event);
  struct gns_record rd[8];
  size_t n = 0;
  uint8_t *rdata = NULL;
  uint64_t exp1 = 0;
  CHECK_INT(open_block(&zk, "www", now, rd, 8, &n, &rdata, &exp1), 0);
  CHECK_INT(n, 2); /* A and TXT; the private AAAA stays home */
  CHECK_INT(rd[0].type, GNS_TYPE_A);
  CHECK_INT(rd[1].type, GNS_TYPE_TXT);
  CHECK_INT(rd[0].flags, 0);
  CHECK_INT(rd[1].flags, 0); /* "relative" is local-only */
  /* relative expirations became absolute at publication */
  CHECK(rd[0].expiration >= now + 7ull * 86400 * 1000000 - 5000000);
  CHECK(rd[0].expiration <= now + 7ull * 86400 * 1000000 + 5000000);
  CHECK(rd[1].expiration >= now + 1000000 && rd[1].expiration <= now + 2000000);
  /* RFC 9498, 6.3: the block expires with its earliest record type */
  CHECK_INT(exp1, rd[1].expiration);
  free(rdata);
  /* a label with only private records has no block */
  uint64_t e = 0;
  CHECK_INT(open_block(&zk, "hidden", now, rd, 8, &n, &rdata, &e), -ENOENT);

  /* the zone is a start zone under its name */
  const struct gns_suffix_map *maps;
  size_t nm = 0;
  CHECK_INT(gnsd_zones_start_zones(zones, &maps, &nm), 0);
  CHECK_INT(nm, 1);
  CHECK_STR(maps[0].suffix, "pub");
  CHECK(gns_zone_key_equal(&maps[0].zk, &zk));

  /* 3/4 into the TXT record's 1.6 s lifetime the timer publishes again */
  uint64_t until = mono_ms() + 2500;
  unsigned puts = fake_puts;
  while (mono_ms() < until && fake_puts == puts)
    sd_event_run(event, 50000);
  CHECK(fake_puts > puts);
  /* The zone master re-publishes local zones before their blocks expire, so
   * that resolvers never find the label gone: the new block went out
   * while the old one was still valid (at expiry would be too late). */
  CHECK(fake_put_at < exp1);
  uint64_t exp2 = 0;
  now = gnsd_now(event);
  CHECK_INT(open_block(&zk, "www", now, rd, 8, &n, &rdata, &exp2), 0);
  CHECK(exp2 > exp1);
  free(rdata);

  /* deleting the last public records withdraws the block */
  call_ok("DeleteRecords", "{\"zone\":\"pub\",\"label\":\"www\",\"type\":\"A\"}");
  call_ok("DeleteRecords", "{\"zone\":\"pub\",\"label\":\"www\",\"type\":\"TXT\"}");
  CHECK_INT(open_block(&zk, "www", now, rd, 8, &n, &rdata, &e), -ENOENT);

  /* ImportRecords replace publishes the whole zone */
  call_ok("ImportRecords", "{\"zone\":\"pub\",\"replace\":true,\"records\":["
                           "{\"label\":\"a\",\"type\":\"A\",\"value\":\"192.0.2.7\"},"
                           "{\"label\":\"b\",\"type\":\"TXT\",\"value\":\"b\"}]}");
  CHECK_INT(open_block(&zk, "a", now, rd, 8, &n, &rdata, &e), 0);
  CHECK_INT(n, 1);
  free(rdata);
  CHECK_INT(open_block(&zk, "b", now, rd, 8, &n, &rdata, &e), 0);
  free(rdata);
  p = call("Publish", "{\"zone\":\"pub\"}", err, sizeof err);
  CHECK_STR(err, "");
  CHECK_INT(json_object_get_int(json_object_object_get(p, "blocks")), 2);
  json_object_put(p);
  p = call("Publish", "{\"zone\":\"nope\"}", err, sizeof err);
  CHECK_STR(err, "alt.gns.Zone.NoSuchZone");
  json_object_put(p);
}

/* --- streamed imports: signing overlaps the import, nothing leaks --- */

static void send_json(int fd, json_object *msg) {
  const char *text = json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN);
  size_t n = strlen(text) + 1;
  if (send(fd, text, n, MSG_NOSIGNAL) != (ssize_t)n) abort();
}

/* One message from fd (running the loop meanwhile), or NULL after 10 s. */
static json_object *recv_json(int fd) {
  static char buf[1 << 16];
  size_t len = 0;
  uint64_t deadline = mono_ms() + 10000;
  while (mono_ms() < deadline) {
    ssize_t got = recv(fd, buf + len, 1, MSG_DONTWAIT);
    if (got > 0) {
      len++;
      if (buf[len - 1] == '\0') return json_tokener_parse(buf);
      if (len == sizeof buf - 1) abort();
      continue;
    }
    sd_event_run(event, 10000);
  }
  return NULL;
}

static json_object *zone_call(int fd, const char *method, json_object *params, bool more) {
  json_object *msg = json_object_new_object();
  char m[64];
  snprintf(m, sizeof m, "alt.gns.Zone.%s", method);
  json_object_object_add(msg, "method", json_object_new_string(m));
  json_object_object_add(msg, "parameters", params);
  if (more) json_object_object_add(msg, "more", json_object_new_boolean(1));
  send_json(fd, msg);
  json_object_put(msg);
  return recv_json(fd);
}

static json_object *batch_params(int64_t session, unsigned first, unsigned n) {
  json_object *p = json_object_new_object(), *recs = json_object_new_array();
  json_object_object_add(p, "session", json_object_new_int64(session));
  for (unsigned i = first; i < first + n; i++) {
    char label[16], addr[32];
    snprintf(label, sizeof label, "l%u", i);
    snprintf(addr, sizeof addr, "10.0.%u.%u", i >> 8, i & 255);
    json_object *r = json_object_new_object();
    json_object_object_add(r, "label", json_object_new_string(label));
    json_object_object_add(r, "type", json_object_new_string("A"));
    json_object_object_add(r, "value", json_object_new_string(addr));
    json_object_array_add(recs, r);
  }
  json_object_object_add(p, "records", recs);
  return p;
}

static int64_t zone_signed(int64_t zone_id) {
  json_object *o = json_object_new_object();
  gnsd_zones_zone_stats(zones, zone_id, o);
  int64_t v = json_object_get_int64(json_object_object_get(o, "signed"));
  json_object_put(o);
  return v;
}

/* Jobs that hold the signing workers until released. */
static volatile int blocked;
struct blocker {
  struct gnsd_job job;
};
static void blocker_run(struct gnsd_job *job) {
  (void)job;
  while (__atomic_load_n(&blocked, __ATOMIC_ACQUIRE))
    usleep(1000);
}
static void blocker_done(struct gnsd_job *job, int cancelled) {
  (void)job;
  (void)cancelled;
}
static struct blocker blockers[2] = {{{.run = blocker_run, .done = blocker_done}},
                                     {{.run = blocker_run, .done = blocker_done}}};

static int64_t begin_import(int lifeline, const char *zone) {
  json_object *p = json_object_new_object();
  json_object_object_add(p, "zone", json_object_new_string(zone));
  json_object *r = zone_call(lifeline, "BeginImport", p, true);
  CHECK(r != NULL);
  int64_t session = json_object_get_int64(
      json_object_object_get(json_object_object_get(r, "parameters"), "session"));
  CHECK(session != 0);
  json_object_put(r);
  return session;
}

static void test_import(void) {
  json_object *p;
  struct gns_zone_key zk;
  create_zone("imp", &zk);
  struct gnsd_zone zone;
  CHECK_INT(gnsd_store_zone_get_public(store, "imp", &zone), 0);
  int sv[2];
  CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  CHECK_INT(varlink_server_add_connection(server, sv[0]), 0);
  int lifeline = sv[1];

  /* an import that is aborted after its blocks were signed */
  fake_puts = 0;
  int64_t before = zone_signed(zone.id);
  int64_t session = begin_import(lifeline, "imp");
  json_object *r = zone_call(client, "ImportBatch", batch_params(session, 0, 200), false);
  CHECK(r && !json_object_object_get(r, "error"));
  json_object_put(r);
  /* the publisher signs what the batch staged, inside the import */
  uint64_t deadline = mono_ms() + 10000;
  while (zone_signed(zone.id) < before + 200 && mono_ms() < deadline)
    sd_event_run(event, 10000);
  CHECK_INT(zone_signed(zone.id), before + 200);
  CHECK_INT(fake_puts, 0); /* not handed out before the commit */
  uint64_t now = gnsd_now(event);
  struct gns_record rd[4];
  size_t n = 0;
  uint8_t *rdata = NULL;
  uint64_t e = 0;
  CHECK_INT(open_block(&zk, "l0", now, rd, 4, &n, &rdata, &e), -ENOENT); /* nor visible */
  p = json_object_new_object();
  json_object_object_add(p, "session", json_object_new_int64(session));
  r = zone_call(client, "AbortImport", p, false);
  CHECK(r && !json_object_object_get(r, "error"));
  json_object_put(r);
  r = recv_json(lifeline);
  CHECK_STR(json_object_get_string(json_object_object_get(r, "error")),
            "alt.gns.Zone.ImportAborted");
  json_object_put(r);
  for (int i = 0; i < 50; i++)
    sd_event_run(event, 10000);
  CHECK_INT(fake_puts, 0);
  CHECK_INT(open_block(&zk, "l0", now, rd, 4, &n, &rdata, &e), -ENOENT);
  int64_t queued = -1;
  CHECK_INT(gnsd_store_dirty_count(store, zone.id, &queued), 0);
  CHECK_INT(queued, 0);

  /* pages read inside an import and signed after its rollback are
   * dropped: their records never were */
  __atomic_store_n(&blocked, 1, __ATOMIC_RELEASE);
  for (size_t i = 0; i < 2; i++)
    gnsd_workers_submit(workers, &blockers[i].job);
  session = begin_import(lifeline, "imp");
  r = zone_call(client, "ImportBatch", batch_params(session, 0, 200), false);
  CHECK(r && !json_object_object_get(r, "error"));
  json_object_put(r);
  for (int i = 0; i < 30; i++) /* the store thread reads pages; nobody signs */
    sd_event_run(event, 10000);
  p = json_object_new_object();
  json_object_object_add(p, "session", json_object_new_int64(session));
  r = zone_call(client, "AbortImport", p, false);
  CHECK(r && !json_object_object_get(r, "error"));
  json_object_put(r);
  json_object_put(recv_json(lifeline));
  for (int i = 0; i < 30; i++) /* the rollback runs */
    sd_event_run(event, 10000);
  __atomic_store_n(&blocked, 0, __ATOMIC_RELEASE);
  for (int i = 0; i < 100; i++)
    sd_event_run(event, 10000);
  CHECK_INT(fake_puts, 0);
  now = gnsd_now(event);
  CHECK_INT(open_block(&zk, "l0", now, rd, 4, &n, &rdata, &e), -ENOENT);
  CHECK_INT(gnsd_store_dirty_count(store, zone.id, &queued), 0);
  CHECK_INT(queued, 0);

  /* the same committed: every block is stored and handed out */
  session = begin_import(lifeline, "imp");
  r = zone_call(client, "ImportBatch", batch_params(session, 0, 200), false);
  CHECK(r && !json_object_object_get(r, "error"));
  json_object_put(r);
  r = zone_call(client, "ImportBatch", batch_params(session, 200, 100), false);
  CHECK(r && !json_object_object_get(r, "error"));
  json_object_put(r);
  p = json_object_new_object();
  json_object_object_add(p, "session", json_object_new_int64(session));
  r = zone_call(client, "CommitImport", p, false);
  CHECK(r && !json_object_object_get(r, "error"));
  CHECK_INT(json_object_get_int(
                json_object_object_get(json_object_object_get(r, "parameters"), "imported")),
            300);
  json_object_put(r);
  r = recv_json(lifeline); /* the BeginImport call ends with the commit */
  CHECK(r && !json_object_object_get(r, "error"));
  json_object_put(r);
  deadline = mono_ms() + 10000;
  while (fake_puts < 300 && mono_ms() < deadline)
    sd_event_run(event, 10000);
  CHECK_INT(fake_puts, 300);
  now = gnsd_now(event);
  CHECK_INT(open_block(&zk, "l0", now, rd, 4, &n, &rdata, &e), 0);
  free(rdata);
  CHECK_INT(open_block(&zk, "l299", now, rd, 4, &n, &rdata, &e), 0);
  free(rdata);

  /* a large ImportRecords holds other changes off, like an import */
  json_object *ip = batch_params(0, 1000, 1500);
  json_object_object_del(ip, "session");
  json_object_object_add(ip, "zone", json_object_new_string("imp"));
  json_object *msg = json_object_new_object();
  json_object_object_add(msg, "method", json_object_new_string("alt.gns.Zone.ImportRecords"));
  json_object_object_add(msg, "parameters", ip);
  send_json(client, msg);
  json_object_put(msg);
  /* the loop takes the ImportRecords call (staging 1,500 records takes the
   * store thread tens of milliseconds) before DeleteRecords comes */
  for (int i = 0; i < 5; i++)
    sd_event_run(event, 0);
  p = json_object_new_object();
  json_object_object_add(p, "zone", json_object_new_string("imp"));
  json_object_object_add(p, "label", json_object_new_string("l0"));
  r = zone_call(lifeline, "DeleteRecords", p, false);
  CHECK_STR(json_object_get_string(json_object_object_get(r, "error")),
            "alt.gns.Zone.ImportInProgress");
  json_object_put(r);
  r = recv_json(client);
  CHECK(r && !json_object_object_get(r, "error"));
  CHECK_INT(json_object_get_int(
                json_object_object_get(json_object_object_get(r, "parameters"), "imported")),
            1500);
  json_object_put(r);
  p = json_object_new_object();
  json_object_object_add(p, "zone", json_object_new_string("imp"));
  json_object_object_add(p, "label", json_object_new_string("l0"));
  r = zone_call(lifeline, "DeleteRecords", p, false); /* and lets them go afterwards */
  CHECK(r && !json_object_object_get(r, "error"));
  json_object_put(r);
  close(lifeline);
}

int main(void) {
  gnsd_log_init("test-zones", LOG_CRIT);
  char dir[] = "/tmp/test-zones-XXXXXX";
  if (!mkdtemp(dir)) return 99;
  CHECK_INT(gnsd_conf_defaults(&conf), 0);
  CHECK_INT(sd_event_new(&event), 0);
  CHECK_INT(gnsd_store_open(dir, &store), 0);
  CHECK_INT(gnsd_backends_init(&backends, event, store), 0);
  backends.v[backends.n++] = &fake;
  CHECK_INT(varlink_server_new(event, NULL, &server), 0);
  varlink_server_set_max_message(server, GNSD_ZONE_MAX_MESSAGE); /* as gnsd.c */
  CHECK_INT(gnsd_workers_new(event, 2, 0, &workers), 0);
  const struct gnsd_zones_args args = {
      .event = event,
      .store = store,
      .backends = &backends,
      .conf = &conf,
      .server = server,
      .on_change = on_change,
      .workers = workers,
  };
  CHECK_INT(gnsd_zones_new(&args, &zones), 0);
  int sv[2];
  CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  CHECK_INT(varlink_server_add_connection(server, sv[0]), 0);
  client = sv[1];

  test_publish();
  test_import();

  close(client);
  varlink_server_free(server);
  gnsd_zones_free(zones);
  gnsd_workers_free(workers);
  backends.n = 1; /* the fake is static */
  gnsd_backends_done(&backends);
  gnsd_store_close(store);
  gnsd_conf_free(&conf);
  sd_event_unref(event);
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) return 99;
  return check_done("test-zones");
}
