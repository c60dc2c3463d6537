/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* alt.gns.Zone.GetStatistics. See stats.h. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include "backends.h"
#include "dns-stub.h"
#include "resolve.h"
#include "stats.h"
#include "store.h"
#include "varlink-server.h"
#include "version.h"
#include "zones.h"

#define US_PER_S 1000000u

static int64_t clamp64(uint64_t v) {
  return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

/* GetStatistics "published": per local zone, how many labels have a
 * block out, when the zone was last published and when its first block
 * expires. */
struct published_zone {
  int64_t id;
  json_object *obj;
  int64_t labels;
  uint64_t last, first_exp;
};

struct published_stats {
  struct published_zone *v;
  size_t n;
  int error;
};

static int published_zone_add(void *userdata, const struct gnsd_zone *zone) {
  struct published_stats *ps = userdata;
  struct published_zone *v = realloc(ps->v, (ps->n + 1) * sizeof *v);
  if (!v) return -ENOMEM;
  ps->v = v;
  v[ps->n] = (struct published_zone){
      .id = zone->id, .obj = json_object_new_object(), .first_exp = UINT64_MAX};
  json_object_object_add(v[ps->n].obj, "zone", json_object_new_string(zone->name));
  ps->n++;
  return 0;
}

static int published_row(void *userdata, int64_t zone_id, const char *label, const uint8_t q[64],
                         uint64_t expiration, uint64_t published_at) {
  (void)label;
  (void)q;
  struct published_stats *ps = userdata;
  for (size_t i = 0; i < ps->n; i++) {
    struct published_zone *pz = &ps->v[i];
    if (pz->id != zone_id) continue;
    pz->labels++;
    if (published_at > pz->last) pz->last = published_at;
    if (expiration < pz->first_exp) pz->first_exp = expiration;
    break;
  }
  return 0;
}

static json_object *published_json(struct gnsd_store *store) {
  json_object *array = json_object_new_array();
  struct published_stats ps = {0};
  if (gnsd_store_available(store) && gnsd_store_zone_foreach(store, published_zone_add, &ps) == 0)
    gnsd_store_published_foreach(store, 0, published_row, &ps);
  for (size_t i = 0; i < ps.n; i++) {
    struct published_zone *pz = &ps.v[i];
    json_object_object_add(pz->obj, "labels", json_object_new_int64(pz->labels));
    if (pz->labels > 0) {
      json_object_object_add(pz->obj, "lastPublished", json_object_new_int64(clamp64(pz->last)));
      json_object_object_add(pz->obj, "nextExpiration",
                             json_object_new_int64(clamp64(pz->first_exp)));
    }
    json_object_array_add(array, pz->obj);
  }
  free(ps.v);
  return array;
}

static void add_count(json_object *o, const char *key, uint64_t v) {
  json_object_object_add(o, key, json_object_new_int64(clamp64(v)));
}

/* What the per-user limits refused, closed or throttled. */
static json_object *limits_json(const struct gnsd_stats_sources *src) {
  json_object *o = json_object_new_object();
  struct varlink_server_stats vs = {0};
  if (src->resolve_server) varlink_server_get_stats(src->resolve_server, &vs);
  add_count(o, "connectionsRefused", vs.refused);
  add_count(o, "idleConnectionsClosed", vs.evicted);
  add_count(o, "incompleteRequestsClosed", vs.partial_closed);
  add_count(o, "repliesThrottled", vs.throttled);
  add_count(o, "nulParametersRefused", vs.nul_refused);
  if (src->resolve) {
    gnsd_resolve_limit_stats(src->resolve, o);
  } else {
    add_count(o, "lookupsRefused", 0);
    add_count(o, "dhtGetsRefused", 0);
  }
  return o;
}

json_object *gnsd_stats_json(const struct gnsd_stats_sources *src) {
  json_object *p = json_object_new_object();
  json_object_object_add(p, "version", json_object_new_string(gns_version()));
  uint64_t mono = 0;
  sd_event_now(src->event, CLOCK_MONOTONIC, &mono);
  json_object_object_add(
      p, "uptime", json_object_new_int64(clamp64((mono - src->started_monotonic) / US_PER_S)));
  json_object *backends = json_object_new_array();
  gnsd_backends_status(src->backends, backends);
  json_object_object_add(p, "backends", backends);
  json_object *cache = json_object_new_object();
  if (src->resolve) gnsd_resolve_stats(src->resolve, cache);
  json_object_object_add(p, "cache", cache);
  if (src->dns_stub) {
    json_object *stub = json_object_new_object();
    gnsd_dns_stub_stats(src->dns_stub, stub);
    json_object_object_add(p, "dnsStub", stub);
  }
  json_object *store = json_object_new_object();
  gnsd_store_status(src->store, store);
  if (src->zones) gnsd_zones_stats(src->zones, store);
  json_object_object_add(p, "store", store);
  json_object_object_add(p, "published", published_json(src->store));
  json_object_object_add(p, "limits", limits_json(src));
  return p;
}
