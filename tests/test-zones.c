/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The zone master in one process: records added over alt.gns.Zone come
 * out as RRBLOCKs that open with the zone key (private records left out,
 * relative expirations made absolute), go to every backend, are withdrawn
 * when their label empties and are re-published before they expire. And
 * the revocation path with the RFC 9498 D.3 vector at its difficulty. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "check.h"
#include "gns-util.h"
#include "gnsd.h"
#include "log.h"
#include "rfc9498-vectors.h"
#include "rrblock.h"
#include "store.h"
#include "varlink-server.h"
#include "zones.h"
#include "ztld.h"

static struct gnsd d;
static int client = -1;

/* --- a backend that records PUTs (stands in for the DHT) --- */

static unsigned fake_puts;
static uint8_t fake_q[64];

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
    sd_event_run(d.event, 10000);
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
  int r = gnsd_store_block_get(d.store, q, now, &block, &len);
  if (r < 0) return r;
  *block_exp = gns_rrblock_expiration(block, len);
  r = gns_rrblock_open(block, len, zk, (const uint8_t *)label, strlen(label), now, rdata, &rlen);
  free(block);
  if (r < 0) return r;
  return gns_rdata_parse(*rdata, rlen, rd, max, n);
}

static void test_publish(void) {
  char err[256];
  json_object *p = call("CreateZone", "{\"name\":\"pub\",\"type\":\"edkey\"}", err, sizeof err);
  CHECK_STR(err, "");
  const char *ztld =
      json_object_get_string(json_object_object_get(json_object_object_get(p, "zone"), "ztld"));
  struct gns_zone_key zk;
  CHECK_INT(gns_ztld_decode(ztld, strlen(ztld), &zk), 0);
  json_object_put(p);

  fake_puts = 0;
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
  uint8_t q[GNS_Q_LEN];
  CHECK_INT(gns_rrblock_query(&zk, (const uint8_t *)"www", 3, q), 0);
  CHECK_MEM(fake_q, q, 64);

  uint64_t now = gnsd_now(&d);
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
  CHECK_INT(gnsd_zones_start_zones(d.zones, &maps, &nm), 0);
  CHECK_INT(nm, 1);
  CHECK_STR(maps[0].suffix, "pub");
  CHECK(gns_zone_key_equal(&maps[0].zk, &zk));

  /* 3/4 into the TXT record's 1.6 s lifetime the timer publishes again */
  uint64_t until = mono_ms() + 2500;
  unsigned puts = fake_puts;
  while (mono_ms() < until && fake_puts == puts)
    sd_event_run(d.event, 50000);
  CHECK(fake_puts > puts);
  uint64_t exp2 = 0;
  now = gnsd_now(&d);
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
  unsigned blocks = 0;
  CHECK_INT(gnsd_zones_publish(d.zones, "pub", &blocks), 0);
  CHECK_INT(blocks, 2);
  CHECK_INT(gnsd_zones_publish(d.zones, "nope", &blocks), -ENOENT);
}

/* RFC 9498, D.3: the PKEY zone revocation, difficulty 5. */
static void test_revocation(void) {
  const struct rfc9498_revocation_vector *v = &rfc9498_revocation_vectors[0];
  CHECK_INT(v->ztype, GNS_ZTYPE_PKEY);
  uint8_t dkey[32];
  check_hex(v->d, dkey, sizeof dkey);
  struct gns_zone_priv priv;
  CHECK_INT(gns_zone_priv_from_bytes(GNS_ZTYPE_PKEY, dkey, 32, &priv), 0);
  uint8_t proof[GNS_REVOCATION_LEN];
  size_t plen = check_hex(v->proof, proof, sizeof proof);
  CHECK_INT(plen, GNS_REVOCATION_LEN);
  uint64_t ts = gns_get_u64(proof), pows[GNS_REVOCATION_Z];
  /* hand them over shuffled: gnsd sorts */
  for (unsigned i = 0; i < GNS_REVOCATION_Z; i++)
    pows[i] = gns_get_u64(proof + 16 + 8 * ((i * 7) % GNS_REVOCATION_Z));
  uint8_t msg[GNS_REVOCATION_LEN];
  uint64_t expires = 0, now = ts + 1000000;
  const char *why = NULL;
  CHECK_INT(gnsd_zones_make_revocation(&priv, ts, pows, 5, now, msg, &expires, &why), 0);
  /* same POWs, key and (deterministic RFC 6979) signature as the RFC;
   * only the informational TTL is ours */
  CHECK_MEM(msg, proof, 8);
  CHECK_MEM(msg + 16, proof + 16, GNS_REVOCATION_LEN - 16);
  struct gns_zone_key zk;
  uint64_t vexp = 0;
  CHECK_INT(gns_revocation_verify(msg, sizeof msg, 5, now, &zk, &vexp), 0);
  CHECK_INT(vexp, expires);
  CHECK(expires > ts + GNS_REVOCATION_EPOCH_US);

  /* the difficulty in use is far above the vector's */
  CHECK_INT(gnsd_zones_make_revocation(&priv, ts, pows, GNS_REVOCATION_D, now, msg, &expires, &why),
            -EINVAL);
  /* too late */
  CHECK_INT(gnsd_zones_make_revocation(&priv, ts, pows, 5, ts + 100 * GNS_REVOCATION_EPOCH_US, msg,
                                       &expires, &why),
            -ESTALE);
  /* a repeated POW */
  pows[3] = pows[4];
  CHECK_INT(gnsd_zones_make_revocation(&priv, ts, pows, 5, now, msg, &expires, &why), -EINVAL);
  CHECK_STR(why, "duplicate proof-of-work values");
  gns_zone_priv_wipe(&priv);
}

int main(void) {
  gnsd_log_init("test-zones", LOG_CRIT);
  char dir[] = "/tmp/test-zones-XXXXXX";
  if (!mkdtemp(dir)) return 99;
  CHECK_INT(gnsd_conf_defaults(&d.conf), 0);
  CHECK_INT(sd_event_new(&d.event), 0);
  sd_event_now(d.event, CLOCK_MONOTONIC, &d.started_monotonic);
  d.state_dir = dir;
  CHECK_INT(gnsd_store_open(dir, &d.store), 0);
  CHECK_INT(gnsd_store_backend_new(d.store, &d.backends[0]), 0);
  d.backends[1] = &fake;
  d.n_backends = 2;
  CHECK_INT(varlink_server_new(d.event, NULL, &d.zone_server), 0);
  CHECK_INT(gnsd_zones_new(&d, &d.zones), 0);
  int sv[2];
  CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  CHECK_INT(varlink_server_add_connection(d.zone_server, sv[0]), 0);
  client = sv[1];

  test_publish();
  test_revocation();

  close(client);
  varlink_server_free(d.zone_server);
  gnsd_zones_free(d.zones);
  d.backends[0]->ops->free(d.backends[0]);
  gnsd_store_close(d.store);
  gnsd_conf_free(&d.conf);
  sd_event_unref(d.event);
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) return 99;
  return check_done("test-zones");
}
