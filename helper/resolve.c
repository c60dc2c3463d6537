/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* alt.gns.Resolve: the varlink methods, the answer cache and the driver
 * loop that feeds the core resolution state machine with blocks (block
 * cache, then each storage backend) and DNS answers. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include "cache.h"
#include "dns.h"
#include "gnsd.h"
#include "gns-util.h"
#include "interfaces.h"
#include "label.h"
#include "log.h"
#include "resolve.h"
#include "rpp.h"
#include "rrblock.h"
#include "rrtype.h"
#include "store.h"
#include "zones.h"
#include "ztld.h"

#define KEY_BLOCK 'B'
#define KEY_HOST 'H'
#define KEY_RECORDS 'R'
#define KEY_REQUEST 'Q'
/* Longest request whose reply is remembered by its text. */
#define REQUEST_MEMO_MAX 1024u
#define ANSWER_POSITIVE 'P'
#define ANSWER_NEGATIVE 'N'
/* A positive answer is cached as the text of its reply parameters,
 * printed as the varlink server prints replies. */
#define ANSWER_JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
/* Answers are kept until their earliest record expires, but no longer
 * than a day: revocations published elsewhere reach us through
 * resolution, not through the cache. */
#define ANSWER_MAX_LIFETIME (24ull * 3600 * 1000000)
#define NAME_MAX_LEN (GNS_NAME_MAX + 16) /* a name plus ".gns.alt." */
#define MAX_BACKENDS 4

#define ERR(x) "alt.gns.Resolve." x

struct req {
  struct gnsd_resolve *R;
  struct req *prev, *next;
  struct varlink_call *call;
  /* The asking user, for the per-user limits; limited = not exempt. */
  uid_t uid;
  bool limited;
  bool records; /* ResolveRecords, else ResolveHostname */
  int family;
  uint32_t type;
  char *name;
  uint8_t key[NAME_MAX_LEN + 8];
  size_t klen;
  struct gns_resolution *res;
  /* the block wanted now */
  uint8_t q[GNS_Q_LEN];
  bool fetching, get_active, get_done, in_get, got;
  size_t bidx;
  struct gnsd_backend *cur;
  struct gnsd_get *get;
  int backend_error;
  /* DNS */
  struct gnsd_dns_query *dnsq;
  bool dns_active;
  sd_event_source *deadline, *kick;
  bool driving, again;
};

struct gnsd_resolve {
  sd_event *ev;
  struct gnsd_cache *cache;
  struct gnsd_dns *dns;
  uint64_t timeout_us, negative_ttl_us;
  unsigned max_depth;
  struct gnsd_backend *backends[MAX_BACKENDS];
  size_t n_backends;
  gnsd_revoked_fn revoked;
  void *revoked_ud;
  gnsd_local_zone_fn local_zone;
  void *local_zone_ud;
  /* [limits]: uncached lookups and DHT GETs in flight per user */
  unsigned lookups_per_user, dht_gets_per_user;
  /* start zones: a function (zones.c), else [start-zones] (owned) */
  gnsd_start_zones_fn start_zones;
  void *start_zones_ud;
  struct gns_suffix_map *conf_maps;
  size_t n_conf;
  struct varlink_interface iface;
  struct req *reqs;
  unsigned pending;
  struct {
    uint64_t requests, cache_hits, negative_hits, blocks, block_cache_hits, bad_blocks, dns_queries,
        timeouts, failures, shortcut_hits, lookups_refused, dht_gets_refused;
  } st;
};

static uint64_t now_rt(struct gnsd_resolve *R) {
  uint64_t t;
  if (sd_event_now(R->ev, CLOCK_REALTIME, &t) < 0) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    t = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
  }
  return t;
}

/* ---- start zones ------------------------------------------------------ */

static void maps_free(struct gns_suffix_map *m, size_t n) {
  for (size_t i = 0; i < n; i++)
    free((char *)m[i].suffix);
  free(m);
}

static int set_conf_maps(struct gnsd_resolve *R, const struct gnsd_conf *conf) {
  struct gns_suffix_map *m = calloc(conf->n_start_zones + 1, sizeof(*m));
  if (!m) return -ENOMEM;
  for (size_t i = 0; i < conf->n_start_zones; i++) {
    m[i].zk = conf->start_zones[i].zk;
    m[i].suffix = strdup(conf->start_zones[i].suffix);
    if (!m[i].suffix) {
      maps_free(m, i);
      return -ENOMEM;
    }
  }
  maps_free(R->conf_maps, R->n_conf);
  R->conf_maps = m;
  R->n_conf = conf->n_start_zones;
  return 0;
}

static void get_maps(struct gnsd_resolve *R, const struct gns_suffix_map **maps, size_t *n) {
  if (R->start_zones) {
    /* on a store failure the function still returns the configured ones */
    R->start_zones(R->start_zones_ud, maps, n);
    return;
  }
  *maps = R->conf_maps;
  *n = R->n_conf;
}

void gnsd_resolve_set_start_zones(struct gnsd_resolve *R, gnsd_start_zones_fn fn, void *userdata) {
  R->start_zones = fn;
  R->start_zones_ud = userdata;
  gnsd_resolve_flush(R);
}

/* ---- requests ---------------------------------------------------------- */

static bool hook_revoked(void *userdata, const struct gns_zone_key *zk) {
  struct gnsd_resolve *R = userdata;
  return R->revoked ? R->revoked(R->revoked_ud, zk, now_rt(R)) : false;
}

static void req_free(struct req *q) {
  struct gnsd_resolve *R = q->R;
  if (q->get_active && !q->get_done && q->get && q->cur->ops->get_cancel)
    q->cur->ops->get_cancel(q->cur, q->get);
  if (q->dnsq) gnsd_dns_cancel(q->dnsq);
  gns_resolution_free(q->res);
  sd_event_source_disable_unref(q->deadline);
  sd_event_source_disable_unref(q->kick);
  if (q->prev)
    q->prev->next = q->next;
  else if (R->reqs == q)
    R->reqs = q->next;
  if (q->next) q->next->prev = q->prev;
  R->pending--;
  free(q->name);
  free(q);
}

/* Map a resolution error to the varlink error of the interface. */
static void reply_error(struct varlink_call *call, int error, uint32_t etype, const char *reason) {
  json_object *p = NULL;
  const char *e;
  switch (error) {
  case -ENOENT:
  case -EBADMSG: /* zone data RFC 9498 forbids: the name cannot resolve */
    e = ERR("NoSuchName");
    break;
  case -EINVAL:
  case -E2BIG:
    e = ERR("InvalidName");
    p = json_object_new_object();
    json_object_object_add(p, "reason",
                           json_object_new_string(reason            ? reason
                                                  : error == -E2BIG ? "answer too large"
                                                                    : "invalid name"));
    break;
  case -EKEYREVOKED:
    e = ERR("ZoneRevoked");
    break;
  case -EPROTONOSUPPORT:
    e = ERR("CriticalRecordUnsupported");
    p = json_object_new_object();
    if (etype) json_object_object_add(p, "type", json_object_new_int64(etype));
    break;
  case -ELOOP:
    e = ERR("ResolutionLoop");
    break;
  case -ETIMEDOUT:
    e = ERR("TimedOut");
    break;
  case -EDQUOT:
    e = ERR("LimitExceeded");
    p = json_object_new_object();
    json_object_object_add(p, "limit", json_object_new_string(reason ? reason : "lookups"));
    break;
  default:
    e = ERR("StorageUnavailable");
    break;
  }
  varlink_call_error(call, e, p);
}

static void cache_negative(struct gnsd_resolve *R, const uint8_t *key, size_t klen) {
  if (!R->negative_ttl_us) return;
  uint8_t v = ANSWER_NEGATIVE;
  uint64_t now = now_rt(R);
  gnsd_cache_put(R->cache, key, klen, &v, 1, now + R->negative_ttl_us, now);
}

static void finish_error(struct req *q, int error) {
  struct gnsd_resolve *R = q->R;
  if (error == -ENOENT || error == -EBADMSG) cache_negative(R, q->key, q->klen);
  if (error == -ETIMEDOUT) R->st.timeouts++;
  if (error != -ENOENT) R->st.failures++;
  uint32_t etype = q->res ? gns_resolution_error_type(q->res) : 0;
  struct varlink_call *call = q->call;
  q->call = NULL;
  req_free(q);
  reply_error(call, error, etype, error == -EDQUOT ? "dht-gets-per-user" : NULL);
}

/* ---- answers ------------------------------------------------------------ */

/* Cached hostname answer: 'P' | u16 name length | name | u16 count |
 * count * (u8 family | u8 length | address). */
static json_object *hostname_reply(const uint8_t *v, size_t len, const char *fallback) {
  if (len < 5 || v[0] != ANSWER_POSITIVE) return NULL;
  size_t nl = gns_get_u16(v + 1), o = 3 + nl;
  if (o + 2 > len) return NULL;
  size_t n = gns_get_u16(v + o);
  o += 2;
  json_object *reply = json_object_new_object(), *arr = json_object_new_array_ext((int)n);
  for (size_t i = 0; i < n && o + 2 <= len; i++) {
    uint8_t fam = v[o], al = v[o + 1];
    o += 2;
    if (o + al > len) break;
    json_object *a = json_object_new_object(), *bytes = json_object_new_array_ext(al);
    for (size_t k = 0; k < al; k++)
      json_object_array_add(bytes, json_object_new_int(v[o + k]));
    json_object_object_add(a, "family", json_object_new_int(fam));
    json_object_object_add(a, "address", bytes);
    json_object_array_add(arr, a);
    o += al;
  }
  json_object_object_add(reply, "addresses", arr);
  json_object_object_add(reply, "name",
                         nl ? json_object_new_string_len((const char *)v + 3, (int)nl)
                            : json_object_new_string(fallback));
  return reply;
}

static int encode_hostname(const struct gns_record *rd, size_t n, int family, const char *canon,
                           uint8_t **out, size_t *out_len) {
  size_t cl = canon ? strlen(canon) : 0;
  if (cl > 0xffff) cl = 0;
  size_t cap = 5 + cl + n * 18, o = 0, cnt = 0;
  uint8_t *v = malloc(cap);
  if (!v) return -ENOMEM;
  v[o++] = ANSWER_POSITIVE;
  gns_put_u16(v + o, (uint16_t)cl);
  o += 2;
  if (cl) memcpy(v + o, canon, cl);
  o += cl;
  size_t count_at = o;
  o += 2;
  for (size_t i = 0; i < n; i++) {
    uint8_t fam;
    if (rd[i].type == GNS_TYPE_A && rd[i].data_len == 4 && family != AF_INET6)
      fam = AF_INET;
    else if (rd[i].type == GNS_TYPE_AAAA && rd[i].data_len == 16 && family != AF_INET)
      fam = AF_INET6;
    else
      continue;
    v[o++] = fam;
    v[o++] = (uint8_t)rd[i].data_len;
    memcpy(v + o, rd[i].data, rd[i].data_len);
    o += rd[i].data_len;
    cnt++;
  }
  gns_put_u16(v + count_at, (uint16_t)cnt);
  *out = v;
  *out_len = o;
  return 0;
}

/* The records of the answer; with a type, those of that type (and the
 * supplemental records the resolver kept for it, RFC 9498, 7.3.5): the
 * resolver hands over the whole record set of the final label. */
static json_object *records_json(const char *name, uint32_t type, const struct gns_record *rd,
                                 size_t n, const struct gns_zone_key *zone) {
  json_object *reply = json_object_new_object(), *arr = json_object_new_array_ext((int)n);
  for (size_t i = 0; i < n; i++) {
    if (type && rd[i].type != type && !(rd[i].flags & GNS_RF_SUPPLEMENTAL)) continue;
    json_object *o;
    if (gns_rpp_record_to_json(name, &rd[i], &o) < 0) continue;
    /* the varlink Record: type as its mnemonic, expiration as a number */
    const char *tn = gns_rrtype_name(rd[i].type);
    char buf[24];
    if (!tn) {
      snprintf(buf, sizeof(buf), "TYPE%u", (unsigned)rd[i].type);
      tn = buf;
    }
    json_object_object_add(o, "type", json_object_new_string(tn));
    json_object_object_del(o, "ttl");
    json_object_object_add(o, "expiration", json_object_new_int64((int64_t)rd[i].expiration));
    json_object_array_add(arr, o);
  }
  json_object_object_add(reply, "records", arr);
  char ztld[GNS_ZTLD_MAX];
  if (zone && gns_ztld_encode(zone, ztld, sizeof(ztld)) == 0)
    json_object_object_add(reply, "zone", json_object_new_string(ztld));
  else
    json_object_object_add(reply, "zone", json_object_new_string(""));
  return reply;
}

static uint64_t answer_expiration(struct gnsd_resolve *R, uint64_t exp) {
  uint64_t now = now_rt(R), cap = now + ANSWER_MAX_LIFETIME;
  return exp < cap ? exp : cap;
}

static void finish_ok(struct req *q) {
  struct gnsd_resolve *R = q->R;
  const struct gns_record *rd;
  size_t n;
  if (gns_resolution_result(q->res, &rd, &n) < 0) {
    finish_error(q, -EIO);
    return;
  }
  const char *canon = gns_resolution_canonical_name(q->res);
  uint64_t exp = answer_expiration(R, gns_resolution_expiration(q->res));
  uint64_t now = now_rt(R);
  json_object *reply = NULL;
  if (q->records) {
    reply = records_json(q->name, q->type, rd, n, gns_resolution_answer_zone(q->res));
  } else {
    uint8_t *v;
    size_t vl;
    if (encode_hostname(rd, n, q->family, canon, &v, &vl) < 0) {
      finish_error(q, -ENOMEM);
      return;
    }
    reply = hostname_reply(v, vl, q->name);
    free(v);
  }
  /* The answer is kept as the reply's text: a hit sends it as it is. */
  size_t tl = 0;
  const char *text =
      reply ? json_object_to_json_string_length(reply, ANSWER_JSON_FLAGS, &tl) : NULL;
  if (!text) {
    json_object_put(reply);
    finish_error(q, -ENOMEM);
    return;
  }
  gnsd_cache_put(R->cache, q->key, q->klen, text, tl, exp, now);
  if (q->records) json_object_object_add(reply, "cached", json_object_new_boolean(0));
  struct varlink_call *call = q->call;
  q->call = NULL;
  req_free(q);
  varlink_call_reply(call, reply);
}

/* The reply message to a request answered from the cache, kept under
 * the request's exact text (KEY_REQUEST) until the answer expires: the
 * next identical request is answered by the varlink server's shortcut
 * without being parsed (answer_shortcut). Value: ANSWER_POSITIVE or
 * ANSWER_NEGATIVE, then the message. */
static void remember_reply(struct gnsd_resolve *R, const char *req, size_t req_len, char kind,
                           const char *params, size_t params_len, uint64_t exp) {
  static const char negative[] = "{\"error\":\"" ERR("NoSuchName") "\",\"parameters\":{}}";
  if (!req || req_len > REQUEST_MEMO_MAX) return;
  uint8_t key[1 + REQUEST_MEMO_MAX];
  key[0] = KEY_REQUEST;
  memcpy(key + 1, req, req_len);
  size_t vl = kind == ANSWER_NEGATIVE ? 1 + sizeof negative - 1 : 1 + 14 + params_len + 1;
  char *v = malloc(vl);
  if (!v) return;
  v[0] = kind;
  if (kind == ANSWER_NEGATIVE) {
    memcpy(v + 1, negative, sizeof negative - 1);
  } else {
    memcpy(v + 1, "{\"parameters\":", 14);
    memcpy(v + 15, params, params_len);
    v[vl - 1] = '}';
  }
  gnsd_cache_put(R->cache, key, 1 + req_len, v, vl, exp, now_rt(R));
  free(v);
}

static bool answer_shortcut(void *userdata, const char *req, size_t len, const char **reply,
                            size_t *reply_len, bool *error) {
  struct gnsd_resolve *R = userdata;
  if (len > REQUEST_MEMO_MAX) return false;
  uint8_t key[1 + REQUEST_MEMO_MAX];
  key[0] = KEY_REQUEST;
  memcpy(key + 1, req, len);
  const void *v;
  size_t vl;
  if (gnsd_cache_get(R->cache, key, 1 + len, now_rt(R), &v, &vl, NULL) < 0 || vl < 2) return false;
  const char *m = v;
  R->st.requests++;
  R->st.shortcut_hits++;
  *error = m[0] == ANSWER_NEGATIVE;
  if (*error)
    R->st.negative_hits++;
  else
    R->st.cache_hits++;
  *reply = m + 1;
  *reply_len = vl - 1;
  return true;
}

/* A cached positive answer (the reply parameters as JSON text), sent
 * without building or printing JSON objects. ResolveRecords says that it
 * came from the cache: "cached": true goes in before the closing brace.
 * Returns false if the entry is not a JSON object's text. */
static bool reply_cached(struct gnsd_resolve *R, struct varlink_call *call, bool records,
                         const char *v, size_t vl, uint64_t exp) {
  if (vl < 2 || v[0] != '{' || v[vl - 1] != '}') return false;
  size_t req_len = 0;
  const char *req = varlink_call_request(call, &req_len);
  static const char flag[] = ",\"cached\":true}";
  char *t = malloc(vl - 1 + sizeof flag);
  if (!t) return false;
  memcpy(t, v, vl);
  size_t tl = vl;
  if (records) {
    memcpy(t + vl - 1, flag, sizeof flag);
    tl = vl - 1 + sizeof flag - 1;
    /* {} has no member yet: no comma before the flag */
    if (vl == 2) memmove(t + 1, t + 2, tl-- - 1);
  }
  /* v may go with the next cache put: t is a copy. */
  varlink_call_reply_json(call, t, tl);
  remember_reply(R, req, req_len, ANSWER_POSITIVE, t, tl, exp);
  free(t);
  return true;
}

/* ---- the driver loop --------------------------------------------------------- */

static void drive(struct req *q);

static int on_kick(sd_event_source *s, void *userdata) {
  (void)s;
  drive(userdata);
  return 0;
}

static void kick(struct req *q) {
  if (!q->kick && sd_event_add_defer(q->R->ev, &q->kick, on_kick, q) < 0) {
    q->kick = NULL;
    drive(q);
    return;
  }
  sd_event_source_set_enabled(q->kick, SD_EVENT_ONESHOT);
}

static void on_block(void *userdata, const uint8_t *block, size_t len, int error) {
  struct req *q = userdata;
  struct gnsd_resolve *R = q->R;
  if (!block) {
    q->get_done = true;
    q->get = NULL;
    if (error < 0) q->backend_error = error;
    if (!q->in_get) kick(q);
    return;
  }
  if (q->got || !q->fetching) return;
  /* RFC 9498, 7.2: a block failing the checks "MUST be ignored and ...
   * the storage lookup GET(q) MUST continue to look for other RRBLOCKs" */
  int rc = gns_resolution_supply_block(q->res, block, len, now_rt(R));
  if (rc < 0) {
    R->st.bad_blocks++;
    return;
  }
  q->got = true;
  R->st.blocks++;
  uint64_t exp = gns_rrblock_expiration(block, len), now = now_rt(R);
  uint8_t key[1 + GNS_Q_LEN];
  key[0] = KEY_BLOCK;
  memcpy(key + 1, q->q, GNS_Q_LEN);
  gnsd_cache_put(R->cache, key, sizeof(key), block, len, exp, now);
  /* a block found in the DHT is kept in the embedded store */
  if (q->bidx > 1 && R->backends[0] && R->backends[0]->ops->put)
    R->backends[0]->ops->put(R->backends[0], q->q, block, len, exp);
  if (!q->in_get) kick(q);
}

/* Lookups of uid in flight, and of those the ones waiting on a backend
 * after the store (the DHT). O(requests in flight), paid only by
 * uncached lookups of users with limits. */
static unsigned user_lookups(struct gnsd_resolve *R, uid_t uid) {
  unsigned n = 0;
  for (struct req *o = R->reqs; o; o = o->next)
    n += o->limited && o->uid == uid;
  return n;
}

static unsigned user_gets(struct gnsd_resolve *R, uid_t uid) {
  unsigned n = 0;
  for (struct req *o = R->reqs; o; o = o->next)
    n += o->limited && o->uid == uid && o->get_active && !o->get_done && o->bidx > 1;
  return n;
}

/* Advance the block fetch for q->q: 1 = a block (or "none") was supplied,
 * 0 = waiting for a backend, -EDQUOT = the user's DHT GETs are at their
 * limit, other negative = storage failure. */
static int fetch_advance(struct req *q) {
  struct gnsd_resolve *R = q->R;
  for (;;) {
    if (q->got) {
      if (q->get_active && !q->get_done && q->get && q->cur->ops->get_cancel)
        q->cur->ops->get_cancel(q->cur, q->get);
      q->get = NULL;
      q->get_active = q->got = q->fetching = false;
      return 1;
    }
    if (q->get_active && !q->get_done) return 0;
    q->get_active = false;
    if (q->bidx >= R->n_backends) {
      q->fetching = false;
      if (q->backend_error < 0) return -EIO;
      gns_resolution_supply_block(q->res, NULL, 0, now_rt(R));
      return 1;
    }
    if (q->bidx >= 1 && q->backend_error == 0 && R->local_zone &&
        R->local_zone(R->local_zone_ud, gns_resolution_zone(q->res))) {
      /* The store holds every block of a local zone: a label it does not
       * have does not exist, whatever the DHT would say (or not say). */
      q->fetching = false;
      gns_resolution_supply_block(q->res, NULL, 0, now_rt(R));
      return 1;
    }
    if (q->bidx >= 1 && q->limited && R->dht_gets_per_user &&
        user_gets(R, q->uid) >= R->dht_gets_per_user) {
      R->st.dht_gets_refused++;
      q->fetching = false;
      return -EDQUOT;
    }
    struct gnsd_backend *b = R->backends[q->bidx++];
    q->cur = b;
    q->get = NULL;
    q->get_active = true;
    q->get_done = false;
    q->in_get = true;
    int rc = b->ops->get(b, q->q, on_block, q, &q->get);
    q->in_get = false;
    if (rc < 0) {
      q->backend_error = rc;
      q->get_active = false;
      q->get = NULL;
    }
  }
}

static void fetch_begin(struct req *q, const uint8_t qv[GNS_Q_LEN]) {
  struct gnsd_resolve *R = q->R;
  memcpy(q->q, qv, GNS_Q_LEN);
  q->bidx = 0;
  q->backend_error = 0;
  q->got = q->get_active = q->get_done = false;
  q->fetching = true;
  uint8_t key[1 + GNS_Q_LEN];
  key[0] = KEY_BLOCK;
  memcpy(key + 1, qv, GNS_Q_LEN);
  const void *v;
  size_t vl;
  uint64_t now = now_rt(R);
  if (gnsd_cache_get(R->cache, key, sizeof(key), now, &v, &vl, NULL) == 0) {
    /* verified before for this q: decrypt only */
    if (gns_resolution_supply_verified_block(q->res, v, vl, now) == 0) {
      R->st.block_cache_hits++;
      q->fetching = false;
      return;
    }
    gnsd_cache_remove(R->cache, key, sizeof(key));
  }
}

static void on_dns(void *userdata, int error, const struct gns_record *rd, size_t n) {
  struct req *q = userdata;
  q->dnsq = NULL;
  q->dns_active = false;
  gns_resolution_supply_dns(q->res, error == -ETIMEDOUT ? -EIO : error, rd, n);
  drive(q);
}

static void drive(struct req *q) {
  struct gnsd_resolve *R = q->R;
  if (q->driving) {
    q->again = true;
    return;
  }
  q->driving = true;
  for (;;) {
    if (q->fetching) {
      int rc = fetch_advance(q);
      if (rc < 0) {
        finish_error(q, rc == -EDQUOT ? -EDQUOT : -EIO);
        return;
      }
      if (rc == 0) break;
    }
    if (q->dns_active) break;
    struct gns_step st;
    if (gns_resolution_step(q->res, now_rt(R), &st) < 0) {
      finish_error(q, -EIO);
      return;
    }
    if (st.kind == GNS_STEP_NEED_BLOCK) {
      fetch_begin(q, st.q);
      continue;
    }
    if (st.kind == GNS_STEP_NEED_DNS) {
      R->st.dns_queries++;
      q->dns_active = true;
      int rc = gnsd_dns_query(R->dns, st.dns_name, st.dns_type, st.dns_servers, st.n_dns_servers,
                              on_dns, q, &q->dnsq);
      if (rc < 0) {
        q->dns_active = false;
        gns_resolution_supply_dns(q->res, -EIO, NULL, 0);
        continue;
      }
      break;
    }
    if (st.kind == GNS_STEP_DONE) {
      finish_ok(q);
      return;
    }
    finish_error(q, gns_resolution_error(q->res));
    return;
  }
  q->driving = false;
}

static int on_deadline(sd_event_source *s, uint64_t usec, void *userdata) {
  (void)s;
  (void)usec;
  finish_error(userdata, -ETIMEDOUT);
  return 0;
}

static void on_cancel(struct varlink_call *call, void *userdata) {
  (void)call;
  struct req *q = userdata;
  struct varlink_call *c = q->call;
  q->call = NULL;
  req_free(q);
  varlink_call_error(c, ERR("TimedOut"), NULL); /* dropped: the peer is gone */
}

/* ---- methods ---------------------------------------------------------------- */

/* Key of the answer cache: kind, type (4 bytes), the name as asked. */
static size_t answer_key(uint8_t *key, char kind, uint32_t type, const char *name, size_t len) {
  key[0] = (uint8_t)kind;
  gns_put_u32(key + 1, type);
  memcpy(key + 5, name, len);
  return 5 + len;
}

/* What is wrong with the labels of name[0..len) (the part before
 * ".gns.alt"), or NULL: said before start zone determination, which
 * would only report that it found no zone. */
static const char *label_problem(const char *name, size_t len) {
  if (len == 0) return "no labels before .gns.alt";
  size_t start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && name[i] != '.') continue;
    if (i == start) return start == 0 ? "leading dot (empty label)" : "empty label (\"..\")";
    if (i - start > GNS_LABEL_MAX) return "label longer than 63 bytes";
    start = i + 1;
  }
  return NULL;
}

/* Common start of both methods: the name check, the answer cache, start
 * zone determination, the resolution. Returns 0 when the call was
 * completed (answered from cache or an error), 1 with *out set. */
static int start(struct gnsd_resolve *R, struct varlink_call *call, const char *name, bool records,
                 int family, uint32_t type, struct req **out) {
  R->st.requests++;
  size_t len = strlen(name), plen;
  if (!gns_name_is_gns_alt(name, len, &plen)) {
    varlink_call_error(call, ERR("NotGNS"), NULL);
    return 0;
  }
  if (len > NAME_MAX_LEN) {
    reply_error(call, -EINVAL, 0, "name too long");
    return 0;
  }
  const char *problem = label_problem(name, plen);
  if (problem) {
    reply_error(call, -EINVAL, 0, problem);
    return 0;
  }
  uint8_t key[NAME_MAX_LEN + 8];
  size_t klen = answer_key(key, records ? KEY_RECORDS : KEY_HOST, records ? type : (uint32_t)family,
                           name, len);
  const void *v;
  size_t vl;
  uint64_t exp;
  if (gnsd_cache_get(R->cache, key, klen, now_rt(R), &v, &vl, &exp) == 0) {
    const uint8_t *b = v;
    if (vl >= 1 && b[0] == ANSWER_NEGATIVE) {
      R->st.negative_hits++;
      size_t req_len = 0;
      const char *req = varlink_call_request(call, &req_len);
      varlink_call_error(call, ERR("NoSuchName"), NULL);
      remember_reply(R, req, req_len, ANSWER_NEGATIVE, NULL, 0, exp);
      return 0;
    }
    if (reply_cached(R, call, records, v, vl, exp)) {
      R->st.cache_hits++;
      return 0;
    }
  }
  /* RFC 9498, 7.1: the start zone */
  const struct gns_suffix_map *maps = NULL;
  size_t n_maps = 0;
  get_maps(R, &maps, &n_maps);
  struct gns_zone_key zk;
  size_t rest;
  int rc = gns_start_zone_find(name, plen, maps, n_maps, &zk, &rest);
  if (rc == -ENOENT) {
    cache_negative(R, key, klen);
    varlink_call_error(call, ERR("NoSuchName"), NULL);
    return 0;
  }
  if (rc < 0) {
    reply_error(call, -EINVAL, 0, "no unique start zone (invalid zTLD or ambiguous suffix)");
    return 0;
  }
  /* [limits] lookups-per-user: uncached lookups are what costs (blocks,
   * signatures, DHT); one user cannot have more than this in flight. */
  uid_t uid = varlink_call_peer(call)->uid;
  bool limited = !varlink_uid_exempt(uid);
  if (limited && R->lookups_per_user && user_lookups(R, uid) >= R->lookups_per_user) {
    R->st.lookups_refused++;
    reply_error(call, -EDQUOT, 0, "lookups-per-user");
    return 0;
  }
  struct req *q = calloc(1, sizeof(*q));
  if (!q) return -ENOMEM;
  q->R = R;
  q->call = call;
  q->uid = uid;
  q->limited = limited;
  q->records = records;
  q->family = family;
  q->type = type;
  q->name = strdup(name);
  memcpy(q->key, key, klen);
  q->klen = klen;
  q->next = R->reqs;
  if (R->reqs) R->reqs->prev = q;
  R->reqs = q;
  R->pending++;
  char *rel = strndup(name, rest);
  if (!q->name || !rel) {
    free(rel);
    q->call = NULL;
    req_free(q);
    return -ENOMEM;
  }
  struct gns_resolver_limits lim = {.max_depth = R->max_depth};
  struct gns_resolver_hooks hooks = {
      .is_revoked = hook_revoked, .userdata = R, .maps = maps, .n_maps = n_maps};
  rc = gns_resolution_new(&zk, rel, type, &lim, &hooks, &q->res);
  free(rel);
  if (rc < 0) {
    q->call = NULL;
    req_free(q);
    reply_error(call, rc == -ENOMEM ? -ENOMEM : -EINVAL, 0, "malformed label");
    return 0;
  }
  uint64_t mono;
  sd_event_now(R->ev, CLOCK_MONOTONIC, &mono);
  if (sd_event_add_time(R->ev, &q->deadline, CLOCK_MONOTONIC, mono + R->timeout_us, 1000,
                        on_deadline, q) < 0)
    q->deadline = NULL;
  varlink_call_set_cancel(call, on_cancel, q);
  *out = q;
  return 1;
}

static int m_hostname(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {
      {"name", VARLINK_STRING, false},
      {"family", VARLINK_INT, true},
      {"flags", VARLINK_INT, true},
      {NULL, VARLINK_ANY, false},
  };
  struct gnsd_resolve *R = userdata;
  if (varlink_call_check_params(call, params, fields) < 0) return 0;
  const char *name = varlink_param_string(params, "name");
  int64_t family = varlink_param_int(params, "family", 0);
  if (family != 0 && family != AF_INET && family != AF_INET6)
    return varlink_call_error_invalid_parameter(call, "family"), 0;
  uint32_t type = family == AF_INET ? GNS_TYPE_A : family == AF_INET6 ? GNS_TYPE_AAAA : 0;
  struct req *q;
  int rc = start(R, call, name, false, (int)family, type, &q);
  if (rc <= 0) return rc;
  drive(q);
  return 0;
}

static int m_records(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {
      {"name", VARLINK_STRING, false},
      {"type", VARLINK_STRING, true},
      {NULL, VARLINK_ANY, false},
  };
  struct gnsd_resolve *R = userdata;
  if (varlink_call_check_params(call, params, fields) < 0) return 0;
  const char *name = varlink_param_string(params, "name");
  const char *tn = varlink_param_string(params, "type");
  uint32_t type = 0;
  if (tn && gns_rrtype_from_name(tn, &type) < 0)
    return varlink_call_error_invalid_parameter(call, "type"), 0;
  struct req *q;
  int rc = start(R, call, name, true, 0, type, &q);
  if (rc <= 0) return rc;
  drive(q);
  return 0;
}

static const struct varlink_method methods[] = {
    {"ResolveHostname", m_hostname},
    {"ResolveRecords", m_records},
    {NULL, NULL},
};

/* ---- the engine ------------------------------------------------------------- */

static void apply_conf(struct gnsd_resolve *R, const struct gnsd_conf *conf) {
  R->timeout_us = conf->resolver_timeout_us ? conf->resolver_timeout_us : 5000000u;
  R->max_depth = conf->max_depth ? conf->max_depth : 16;
  R->negative_ttl_us = conf->negative_ttl_us;
  R->lookups_per_user = conf->lookups_per_user;
  R->dht_gets_per_user = conf->dht_gets_per_user;
  gnsd_cache_set_limit(R->cache, (size_t)conf->cache_memory);
  gnsd_dns_set_timeout(R->dns, conf->dns_timeout_us);
}

int gnsd_resolve_new(sd_event *event, const struct gnsd_conf *conf, struct gnsd_resolve **out) {
  struct gnsd_resolve *R = calloc(1, sizeof(*R));
  if (!R) return -ENOMEM;
  R->ev = sd_event_ref(event);
  int rc = gnsd_cache_new((size_t)conf->cache_memory, &R->cache);
  if (rc == 0) rc = gnsd_dns_new(event, conf->dns_timeout_us, &R->dns);
  if (rc == 0) rc = set_conf_maps(R, conf);
  if (rc < 0) {
    gnsd_resolve_free(R);
    return rc;
  }
  apply_conf(R, conf);
  R->iface = (struct varlink_interface){
      .name = "alt.gns.Resolve",
      .description = gnsd_resolve_description,
      .methods = methods,
      .failure_error = ERR("StorageUnavailable"),
      .userdata = R,
  };
  *out = R;
  return 0;
}

void gnsd_resolve_free(struct gnsd_resolve *R) {
  if (!R) return;
  while (R->reqs) {
    struct req *q = R->reqs;
    struct varlink_call *call = q->call;
    q->call = NULL;
    req_free(q);
    if (call) varlink_call_error(call, ERR("StorageUnavailable"), NULL);
  }
  gnsd_dns_free(R->dns);
  gnsd_cache_free(R->cache);
  maps_free(R->conf_maps, R->n_conf);
  if (R->ev) sd_event_unref(R->ev);
  free(R);
}

void gnsd_resolve_configure(struct gnsd_resolve *R, const struct gnsd_conf *conf) {
  apply_conf(R, conf);
  if (set_conf_maps(R, conf) < 0) log_error("resolve: out of memory reloading start zones");
  gnsd_resolve_flush(R);
}

void gnsd_resolve_set_backends(struct gnsd_resolve *R, struct gnsd_backend *const *backends,
                               size_t n) {
  R->n_backends = 0;
  for (size_t i = 0; i < n && R->n_backends < MAX_BACKENDS; i++)
    if (backends[i]) R->backends[R->n_backends++] = backends[i];
  /* a GET on a backend that went away will never call back: stop
   * waiting for it and let the request go on with the next backend */
  for (struct req *q = R->reqs; q; q = q->next) {
    if (!q->get_active || q->get_done) continue;
    bool present = false;
    for (size_t i = 0; i < R->n_backends && !present; i++)
      present = R->backends[i] == q->cur;
    if (present) continue;
    q->get = NULL;
    q->get_done = true;
    if (q->bidx > R->n_backends) q->bidx = R->n_backends;
    kick(q);
  }
}

void gnsd_resolve_set_local_zone_check(struct gnsd_resolve *R, gnsd_local_zone_fn fn,
                                       void *userdata) {
  R->local_zone = fn;
  R->local_zone_ud = userdata;
  gnsd_resolve_flush(R);
}

void gnsd_resolve_set_revocation_check(struct gnsd_resolve *R, gnsd_revoked_fn fn, void *userdata) {
  R->revoked = fn;
  R->revoked_ud = userdata;
  gnsd_resolve_flush(R);
}

void gnsd_resolve_flush(struct gnsd_resolve *R) {
  gnsd_cache_clear(R->cache);
}

int gnsd_resolve_add_interface(struct gnsd_resolve *R, struct varlink_server *s) {
  int rc = varlink_server_add_interface(s, &R->iface);
  /* Requests answered from the cache before are answered again without
   * being parsed (remember_reply). */
  if (rc == 0) varlink_server_set_shortcut(s, answer_shortcut, R);
  return rc;
}

static void add_int(json_object *o, const char *k, uint64_t v) {
  json_object_object_add(o, k, json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v));
}

void gnsd_resolve_stats(struct gnsd_resolve *R, json_object *out) {
  add_int(out, "requests", R->st.requests);
  add_int(out, "cacheHits", R->st.cache_hits);
  add_int(out, "negativeHits", R->st.negative_hits);
  add_int(out, "shortcutHits", R->st.shortcut_hits);
  add_int(out, "blocks", R->st.blocks);
  add_int(out, "blockCacheHits", R->st.block_cache_hits);
  add_int(out, "badBlocks", R->st.bad_blocks);
  add_int(out, "dnsQueries", R->st.dns_queries);
  add_int(out, "timeouts", R->st.timeouts);
  add_int(out, "failures", R->st.failures);
  add_int(out, "pending", R->pending);
  add_int(out, "lookupsRefused", R->st.lookups_refused);
  add_int(out, "dhtGetsRefused", R->st.dht_gets_refused);
  struct gnsd_cache_stats cs;
  gnsd_cache_get_stats(R->cache, &cs);
  add_int(out, "entries", cs.entries);
  add_int(out, "bytes", cs.bytes);
  add_int(out, "limit", cs.limit);
  add_int(out, "evictions", cs.evictions);
  struct gnsd_dns_stats ds;
  gnsd_dns_get_stats(R->dns, &ds);
  json_object *d = json_object_new_object();
  add_int(d, "queries", ds.queries);
  add_int(d, "answers", ds.answers);
  add_int(d, "nxdomain", ds.nxdomain);
  add_int(d, "failures", ds.failures);
  add_int(d, "timeouts", ds.timeouts);
  add_int(d, "referrals", ds.referrals);
  json_object_object_add(out, "dns", d);
}

/* ---- the daemon glue -------------------------------------------------------- */

static bool daemon_revoked(void *userdata, const struct gns_zone_key *zk, uint64_t now) {
  struct gnsd *d = userdata;
  return gnsd_store_is_revoked(d->store, zk, now);
}

static bool daemon_local_zone(void *userdata, const struct gns_zone_key *zk) {
  struct gnsd *d = userdata;
  struct gnsd_zone z;
  if (!zk || !gnsd_store_available(d->store)) return false;
  bool local = gnsd_store_zone_get_by_key(d->store, zk, &z) == 0;
  if (local) gns_zone_priv_wipe(&z.priv);
  return local;
}

static int daemon_start_zones(void *userdata, const struct gns_suffix_map **maps, size_t *n) {
  struct gnsd *d = userdata;
  return gnsd_zones_start_zones(d->zones, maps, n);
}

int gnsd_resolve_init(struct gnsd *d) {
  struct gnsd_resolve *R;
  int rc = gnsd_resolve_new(d->event, &d->conf, &R);
  if (rc < 0) return rc;
  gnsd_resolve_set_backends(R, d->backends, d->n_backends);
  gnsd_resolve_set_revocation_check(R, daemon_revoked, d);
  gnsd_resolve_set_local_zone_check(R, daemon_local_zone, d);
  if (d->zones) gnsd_resolve_set_start_zones(R, daemon_start_zones, d);
  rc = gnsd_resolve_add_interface(R, d->resolve_server);
  if (rc < 0) {
    gnsd_resolve_free(R);
    return rc;
  }
  d->resolve = R;
  return 0;
}

void gnsd_resolve_reload(struct gnsd *d) {
  if (!d->resolve) return;
  gnsd_resolve_configure(d->resolve, &d->conf);
  gnsd_resolve_set_backends(d->resolve, d->backends, d->n_backends);
}

void gnsd_resolve_status(struct gnsd *d, json_object *cache) {
  if (d->resolve) gnsd_resolve_stats(d->resolve, cache);
}

void gnsd_resolve_limits_status(struct gnsd *d, json_object *limits) {
  struct varlink_server_stats vs = {0};
  if (d->resolve_server) varlink_server_get_stats(d->resolve_server, &vs);
  add_int(limits, "connectionsRefused", vs.refused);
  add_int(limits, "idleConnectionsClosed", vs.evicted);
  add_int(limits, "incompleteRequestsClosed", vs.partial_closed);
  add_int(limits, "repliesThrottled", vs.throttled);
  add_int(limits, "nulParametersRefused", vs.nul_refused);
  add_int(limits, "lookupsRefused", d->resolve ? d->resolve->st.lookups_refused : 0);
  add_int(limits, "dhtGetsRefused", d->resolve ? d->resolve->st.dht_gets_refused : 0);
}

void gnsd_resolve_done(struct gnsd *d) {
  gnsd_resolve_free(d->resolve);
  d->resolve = NULL;
}

void gnsd_resolve_invalidate(struct gnsd *d) {
  if (d && d->resolve) gnsd_resolve_flush(d->resolve);
}
