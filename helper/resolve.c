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
#include "dnssec.h"
#include "backends.h"
#include "gns-util.h"
#include "contract.h"
#include "interfaces.h"
#include "label.h"
#include "log.h"
#include "resolve.h"
#include "rpp.h"
#include "rrblock.h"
#include "rrtype.h"
#include "trust.h"
#include "workers.h"
#include "ztld.h"

#define KEY_BLOCK 'B'
#define KEY_HOST 'H'
#define KEY_RECORDS 'R'
#define KEY_REQUEST 'Q'
#define KEY_LOOKUP 'L' /* gnsd_resolve_lookup: records in binary form */
#define KEY_MEMO 'M'   /* gnsd_resolve_memo_put: a front end's own answers */
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
/* An answer resolved while the peer's revocation service could not be
 * asked is kept this briefly, so that the check is soon tried again. */
#define UNCHECKED_LIFETIME (5ull * 1000000)

/* What a request is doing. Callbacks (backends, DNS) only move the state;
 * drive() acts on it in a loop until the request must wait. */
enum req_state {
  REQ_STEP,       /* the resolution can take its next step */
  REQ_FETCH,      /* block q->q wanted: ask backend q->bidx next */
  REQ_GET,        /* a GET for q->q is in flight at q->cur */
  REQ_GET_FOUND,  /* it delivered a valid block: cancel the rest of it */
  REQ_OPEN,       /* the GET goes on while a block it delivered is opened (q->job) */
  REQ_OPEN_ENDED, /* the same, the GET over: the job's verdict decides */
  REQ_DNS,        /* a DNS query (q->dnsq) is in flight */
  REQ_TRUST,      /* a revocation check of q->pending_zone (q->tcheck) is in flight */
  REQ_TRUST_DONE, /* its verdict is in q->tverdict */
};

struct req {
  struct gnsd_resolve *R;
  struct req *prev, *next;
  struct varlink_call *call;
  /* a gnsd_resolve_lookup request instead of a varlink call */
  gnsd_lookup_fn done;
  void *done_ud;
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
  enum req_state state;
  /* the block wanted now */
  uint8_t q[GNS_Q_LEN];
  size_t bidx;
  struct gnsd_backend *cur;
  struct gnsd_get *get;
  struct open_job *job; /* REQ_OPEN, REQ_OPEN_ENDED */
  int backend_error;
  struct gnsd_dns_query *dnsq;
  int dns_error;                /* the last DNS failure (not NXDOMAIN), for the error */
  struct gnsd_dnssec_query *vq; /* a validating query (GNS2DNS with DS) */
  sd_event_source *deadline, *kick;
  bool driving; /* drive() is on the stack: callbacks leave it to that loop */
  /* revocations (trust.h): the last zone checked, the check in flight and
   * its verdict, how long the checks made hold, and whether one could
   * not be made */
  struct gns_zone_key checked_zone, pending_zone;
  bool have_checked;
  struct gnsd_trust_check *tcheck;
  enum gnsd_trust_verdict tverdict;
  uint64_t tuntil, trust_until;
  bool unchecked, network_checked;
};

/* A block fetched for a request, opened on the worker pool: verified
 * against q (unless its backend verified it) and decrypted with the
 * step's zone and label. The loop only copies bytes into it and hands
 * the RDATA to the resolution when it comes back (open_done). */
struct open_job {
  struct gnsd_job job; /* first: the pool hands us this */
  /* loop side: R->jobs, so that gnsd_resolve_free can orphan us; q is
   * NULL once the request is gone, R once the resolver is */
  struct open_job *prev, *next;
  struct gnsd_resolve *R;
  struct req *q;
  size_t bidx; /* the backend after the one that delivered the block */
  /* worker side: what run() reads and writes, nothing else */
  uint8_t qv[GNS_Q_LEN];
  struct gns_zone_key zone;
  char label[GNS_LABEL_MAX + 1];
  size_t label_len;
  bool verify;
  uint64_t now;
  uint8_t *block;
  size_t len;
  int rc;
  uint8_t *rdata;
  size_t rdlen;
};

struct gnsd_resolve {
  sd_event *ev;
  struct gnsd_workers *workers; /* NULL: blocks are opened on the loop */
  struct open_job *jobs;        /* out on the pool */
  struct gnsd_cache *cache;
  struct gnsd_dns *dns;
  struct gnsd_dnssec *dnssec;
  uint64_t timeout_us, negative_ttl_us;
  unsigned max_depth;
  struct gnsd_backend *backends[GNSD_MAX_BACKENDS];
  size_t n_backends;
  gnsd_revoked_fn revoked;
  void *revoked_ud;
  struct gnsd_trust *trust;
  gnsd_clock_fn clock; /* NULL: the daemon's clock (gnsd_now) */
  void *clock_ud;
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
  return R->clock ? R->clock(R->clock_ud) : gnsd_now(R->ev);
}

/* The clock handed to the DNS clients: the resolver's, whichever it is
 * then, so that the expirations of DNS answers are on its time base. */
static uint64_t resolve_clock(void *userdata) {
  return now_rt(userdata);
}

void gnsd_resolve_set_clock(struct gnsd_resolve *R, gnsd_clock_fn fn, void *userdata) {
  R->clock = fn;
  R->clock_ud = userdata;
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

/* The start zones; negative if some could not be read (the store is
 * unavailable): the configured ones are still returned. */
static int get_maps(struct gnsd_resolve *R, const struct gns_suffix_map **maps, size_t *n) {
  if (R->start_zones) return R->start_zones(R->start_zones_ud, maps, n);
  *maps = R->conf_maps;
  *n = R->n_conf;
  return 0;
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
  if ((q->state == REQ_GET || q->state == REQ_GET_FOUND || q->state == REQ_OPEN) && q->get &&
      q->cur->ops->get_cancel)
    q->cur->ops->get_cancel(q->cur, q->get);
  /* a job out comes back to nobody (open_done frees it) */
  if (q->job) q->job->q = NULL;
  if (q->dnsq) gnsd_dns_cancel(q->dnsq);
  if (q->vq) gnsd_dnssec_cancel(q->vq);
  if (q->tcheck) gnsd_trust_check_cancel(R->trust, q->tcheck);
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
    e = VL_RESOLVE_ERROR_NoSuchName;
    break;
  case -EINVAL:
  case -E2BIG:
    e = VL_RESOLVE_ERROR_InvalidName;
    p = json_object_new_object();
    json_object_object_add(p, "reason",
                           json_object_new_string(reason            ? reason
                                                  : error == -E2BIG ? "answer too large"
                                                                    : "invalid name"));
    break;
  case -EKEYREVOKED:
    e = VL_RESOLVE_ERROR_ZoneRevoked;
    break;
  case -EKEYREJECTED:
    e = VL_RESOLVE_ERROR_DNSSECBogus;
    break;
  case -EPROTONOSUPPORT:
    e = VL_RESOLVE_ERROR_CriticalRecordUnsupported;
    p = json_object_new_object();
    if (etype) json_object_object_add(p, "type", json_object_new_int64(etype));
    break;
  case -ELOOP:
    e = VL_RESOLVE_ERROR_ResolutionLoop;
    break;
  case -ETIMEDOUT:
    e = VL_RESOLVE_ERROR_TimedOut;
    break;
  case -EDQUOT:
    e = VL_RESOLVE_ERROR_LimitExceeded;
    p = json_object_new_object();
    json_object_object_add(p, "limit", json_object_new_string(reason ? reason : "lookups"));
    break;
  default:
    e = VL_RESOLVE_ERROR_StorageUnavailable;
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
  if (q->done) {
    gnsd_lookup_fn done = q->done;
    void *ud = q->done_ud;
    req_free(q);
    done(ud, error == -EBADMSG ? -ENOENT : error, NULL);
    return;
  }
  struct varlink_call *call = q->call;
  int dns_error = q->dns_error;
  q->call = NULL;
  req_free(q);
  if (error == -EIO && dns_error < 0) {
    /* Not our storage: the DNS servers resolution had to ask. */
    json_object *p = json_object_new_object();
    json_object_object_add(p, "reason",
                           json_object_new_string(dns_error == -ETIMEDOUT
                                                      ? "the DNS servers did not answer"
                                                      : "the DNS servers failed"));
    varlink_call_error(call, VL_RESOLVE_ERROR_DNSFailed, p);
    return;
  }
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

/* ---- lookups (gnsd_resolve_lookup) ----------------------------------------
 * Cached as 'P' | u64 expiration | u16 canonical length | canonical |
 * u16 count | count * (u64 expiration | u32 type | u16 flags | u16 length |
 * data), or ANSWER_NEGATIVE. */

static int encode_lookup(const struct gns_record *rd, size_t n, const char *canon, uint64_t exp,
                         uint8_t **out, size_t *out_len) {
  size_t cl = canon ? strlen(canon) : 0;
  if (cl > 0xffff || n > 0xffff) return -E2BIG;
  size_t cap = 1 + 8 + 2 + cl + 2;
  for (size_t i = 0; i < n; i++)
    cap += 16 + rd[i].data_len;
  uint8_t *v = malloc(cap), *o = v;
  if (!v) return -ENOMEM;
  *o++ = ANSWER_POSITIVE;
  gns_put_u64(o, exp);
  o += 8;
  gns_put_u16(o, (uint16_t)cl);
  o += 2;
  if (cl) memcpy(o, canon, cl);
  o += cl;
  gns_put_u16(o, (uint16_t)n);
  o += 2;
  for (size_t i = 0; i < n; i++) {
    gns_put_u64(o, rd[i].expiration);
    gns_put_u32(o + 8, rd[i].type);
    gns_put_u16(o + 12, rd[i].flags);
    gns_put_u16(o + 14, rd[i].data_len);
    if (rd[i].data_len) memcpy(o + 16, rd[i].data, rd[i].data_len);
    o += 16 + rd[i].data_len;
  }
  *out = v;
  *out_len = (size_t)(o - v);
  return 0;
}

/* Decode a cached lookup answer into a (records point into v; rd has room
 * for GNSD_LOOKUP_MAX_RECORDS). -EBADMSG if v is not one. */
static int decode_lookup(const uint8_t *v, size_t len, struct gns_record *rd, size_t cap,
                         char *canon, size_t canon_cap, struct gnsd_answer *a) {
  if (len < 13 || v[0] != ANSWER_POSITIVE) return -EBADMSG;
  a->expiration = gns_get_u64(v + 1);
  size_t cl = gns_get_u16(v + 9), o = 11;
  if (cl >= canon_cap || o + cl + 2 > len) return -EBADMSG;
  memcpy(canon, v + o, cl);
  canon[cl] = 0;
  a->canonical = cl ? canon : NULL;
  o += cl;
  size_t n = gns_get_u16(v + o);
  o += 2;
  if (n > cap) return -EBADMSG;
  for (size_t i = 0; i < n; i++) {
    if (o + 16 > len) return -EBADMSG;
    rd[i].expiration = gns_get_u64(v + o);
    rd[i].type = gns_get_u32(v + o + 8);
    rd[i].flags = gns_get_u16(v + o + 12);
    rd[i].data_len = gns_get_u16(v + o + 14);
    o += 16;
    if (o + rd[i].data_len > len) return -EBADMSG;
    rd[i].data = v + o;
    o += rd[i].data_len;
  }
  a->rd = rd;
  a->n = n;
  return 0;
}

static void finish_lookup(struct req *q, const struct gns_record *rd, size_t n, const char *canon,
                          uint64_t exp) {
  struct gnsd_resolve *R = q->R;
  uint8_t *v;
  size_t vl;
  if (encode_lookup(rd, n, canon, exp, &v, &vl) == 0) {
    gnsd_cache_put(R->cache, q->key, q->klen, v, vl, exp, now_rt(R));
    free(v);
  }
  struct gnsd_answer a = {.rd = rd, .n = n, .canonical = canon, .expiration = exp};
  gnsd_lookup_fn done = q->done;
  void *ud = q->done_ud;
  /* rd and canon live in q->res: answer before freeing it */
  q->done = NULL;
  done(ud, 0, &a);
  req_free(q);
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
  /* A zone revoked anywhere must stop resolving from the cache too: the
   * answer lives no longer than the network's word on its zones. */
  if (q->unchecked && exp > now + UNCHECKED_LIFETIME) exp = now + UNCHECKED_LIFETIME;
  if (q->trust_until && exp > q->trust_until) exp = q->trust_until;
  if (q->done) {
    finish_lookup(q, rd, n, canon, exp);
    return;
  }
  json_object *reply = NULL;
  if (q->records) {
    reply = records_json(q->name, q->type, rd, n, gns_resolution_answer_zone(q->res));
    /* what was checked against revocations, beyond the local store */
    if (q->unchecked)
      json_object_object_add(reply, "revocationCheck", json_object_new_string("unreachable"));
    else if (q->network_checked)
      json_object_object_add(reply, "revocationCheck", json_object_new_string("network"));
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
  /* The answer is kept as the text of the reply a hit sends, as it is:
   * for ResolveRecords, one that says it came from the cache. */
  if (q->records) json_object_object_add(reply, "cached", json_object_new_boolean(1));
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
  static const char negative[] =
      "{\"error\":\"" VL_RESOLVE_ERROR_NoSuchName "\",\"parameters\":{}}";
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

/* A cached positive answer: the text of the reply parameters, sent as
 * it is (no JSON object is built or printed). Returns false if the entry
 * is not a JSON object's text. */
static bool reply_cached(struct gnsd_resolve *R, struct varlink_call *call, const char *v,
                         size_t vl, uint64_t exp) {
  if (vl < 2 || v[0] != '{' || v[vl - 1] != '}') return false;
  size_t req_len = 0;
  const char *req = varlink_call_request(call, &req_len);
  /* v may go with the next cache put (remember_reply): send it first */
  varlink_call_reply_json(call, v, vl);
  remember_reply(R, req, req_len, ANSWER_POSITIVE, v, vl, exp);
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
  if (q->driving) return; /* the loop on the stack sees the new state */
  if (!q->kick && sd_event_add_defer(q->R->ev, &q->kick, on_kick, q) < 0) {
    q->kick = NULL;
    drive(q);
    return;
  }
  sd_event_source_set_enabled(q->kick, SD_EVENT_ONESHOT);
}

/* A backend's answer to GET(q->q). Called from inside the backend, maybe
 * from inside its get(): it moves the state and lets drive() act later
 * (a cancel must not run inside the backend's own callback). */
static void open_block(struct req *q, const uint8_t *block, size_t len);

static void on_block(void *userdata, const uint8_t *block, size_t len, int error) {
  struct req *q = userdata;
  if (!block) { /* the GET is over; the handle is gone */
    q->get = NULL;
    if (q->state == REQ_GET) {
      if (error < 0) q->backend_error = error;
      q->state = REQ_FETCH;
    } else if (q->state == REQ_GET_FOUND) {
      q->state = REQ_STEP;
    } else if (q->state == REQ_OPEN) {
      if (error < 0) q->backend_error = error;
      q->state = REQ_OPEN_ENDED;
    }
    kick(q);
    return;
  }
  /* One block at a time is opened: while one is out (REQ_OPEN), the
   * others are let go. The DHT hands over only verified blocks, each
   * newer than the one before (dht-gnunet.h), the store one block: what
   * is let go is a newer version of a block that is being opened, and a
   * flood of junk never reaches us (the DHT backend bounds and drops it
   * before it costs the pool anything). */
  if (q->state != REQ_GET) return;
  open_block(q, block, len);
}

/* On a worker: RFC 9498, 7.2, "Check that (a) the block is not expired,
 * (b) the SHA-512 hash of the derived authoritative zone key zkey' from
 * the RRBLOCK matches the query q, and (c) the signature is valid", then
 * decrypt (7.3). A backend that verifies did (a)-(c) already, and the
 * resolution checks (a) again against its own clock. */
static void open_run(struct gnsd_job *job) {
  struct open_job *j = (struct open_job *)job;
  j->rc = j->verify ? gns_rrblock_verify(j->block, j->len, j->qv, j->now) : 0;
  if (j->rc == 0)
    j->rc = gns_rrblock_decrypt(j->block, j->len, &j->zone, (const uint8_t *)j->label, j->label_len,
                                &j->rdata, &j->rdlen);
}

/* On the loop: the verdict, for the request if it is still there. */
static void open_done(struct gnsd_job *job, int cancelled) {
  struct open_job *j = (struct open_job *)job;
  struct gnsd_resolve *R = j->R;
  struct req *q = j->q;
  if (R) {
    if (j->prev)
      j->prev->next = j->next;
    else
      R->jobs = j->next;
    if (j->next) j->next->prev = j->prev;
  }
  if (q) {
    q->job = NULL;
    bool ended = q->state == REQ_OPEN_ENDED;
    uint64_t now = now_rt(R);
    int rc = cancelled ? -ECANCELED : j->rc;
    if (rc == 0)
      rc = gns_resolution_supply_rdata(q->res, j->qv, j->rdata, j->rdlen,
                                       gns_rrblock_expiration(j->block, j->len), now);
    if (rc < 0) {
      /* RFC 9498, 7.2: a block failing the checks "MUST be ignored and
       * ... the storage lookup GET(q) MUST continue to look for other
       * RRBLOCKs" */
      R->st.bad_blocks++;
      q->state = ended ? REQ_FETCH : REQ_GET;
    } else {
      R->st.blocks++;
      uint64_t exp = gns_rrblock_expiration(j->block, j->len);
      uint8_t key[1 + GNS_Q_LEN];
      key[0] = KEY_BLOCK;
      memcpy(key + 1, j->qv, GNS_Q_LEN);
      gnsd_cache_put(R->cache, key, sizeof(key), j->block, j->len, exp, now);
      /* a block found in the DHT is kept in the embedded store */
      if (j->bidx > 1 && R->backends[0] && R->backends[0]->ops->put)
        R->backends[0]->ops->put(R->backends[0], j->qv, j->block, j->len, exp);
      q->state = ended ? REQ_STEP : REQ_GET_FOUND;
    }
    kick(q);
  }
  free(j->block);
  free(j->rdata);
  free(j);
}

/* REQ_GET -> REQ_OPEN: a block from the DHT goes to the pool (ahead of
 * bulk signing: a lookup waits for it); the store's, or any without a
 * pool, is opened here. */
static void open_block(struct req *q, const uint8_t *block, size_t len) {
  struct gnsd_resolve *R = q->R;
  struct gns_step st;
  struct open_job *j = calloc(1, sizeof(*j));
  if (j) j->block = malloc(len ? len : 1);
  if (!j || !j->block || gns_resolution_step(q->res, now_rt(R), &st) < 0 ||
      st.kind != GNS_STEP_NEED_BLOCK || st.label_len > GNS_LABEL_MAX) {
    if (j) free(j->block);
    free(j);
    R->st.bad_blocks++; /* as if it had failed: the GET goes on */
    return;
  }
  j->job.run = open_run;
  j->job.done = open_done;
  j->R = R;
  j->q = q;
  j->bidx = q->bidx;
  memcpy(j->qv, q->q, GNS_Q_LEN);
  j->zone = st.zone;
  memcpy(j->label, st.label, st.label_len);
  j->label_len = st.label_len;
  j->verify = !q->cur->ops->verifies;
  j->now = now_rt(R);
  memcpy(j->block, block, len);
  j->len = len;
  j->next = R->jobs;
  if (R->jobs) R->jobs->prev = j;
  R->jobs = j;
  q->job = j;
  q->state = REQ_OPEN;
  /* The store's blocks (backends[0]) are opened here, as the store
   * answers: at once (checked all the same: it holds ours and the ones
   * checked when they came, but we do not rely on that). Sent to the pool, a
   * request would no longer be answered, and cached, before the next one
   * on its connection is read, and a client pipelining one uncached name
   * would start as many resolutions as [limits] lets it, each with its
   * reply to build (tests/gnsd-abuse.sh, the unread attack). Requests for
   * one name in flight would have to wait for each other first. */
  if (R->workers && j->bidx > 1) {
    gnsd_workers_submit_urgent(R->workers, &j->job);
  } else {
    open_run(&j->job);
    open_done(&j->job, 0);
  }
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
    n += o->limited && o->uid == uid &&
         (o->state == REQ_GET || o->state == REQ_GET_FOUND || o->state == REQ_OPEN) && o->bidx > 1;
  return n;
}

/* REQ_FETCH: ask the next backend, or tell the resolution there is no
 * block when every backend has answered without one. -EDQUOT: the
 * user's DHT GETs are at their limit; other negative: storage failure. */
static int fetch_next(struct req *q) {
  struct gnsd_resolve *R = q->R;
  if (q->bidx >= R->n_backends || (q->bidx >= 1 && q->backend_error == 0 && R->local_zone &&
                                   R->local_zone(R->local_zone_ud, gns_resolution_zone(q->res)))) {
    /* (The store holds every block of a local zone: a label it does not
     * have does not exist, whatever the DHT would say, or not say.) */
    if (q->bidx >= R->n_backends && q->backend_error < 0) return -EIO;
    q->state = REQ_STEP;
    return gns_resolution_supply_block(q->res, NULL, 0, now_rt(R)) < 0 ? -EIO : 0;
  }
  if (q->bidx >= 1 && q->limited && R->dht_gets_per_user &&
      user_gets(R, q->uid) >= R->dht_gets_per_user) {
    R->st.dht_gets_refused++;
    return -EDQUOT;
  }
  struct gnsd_backend *b = R->backends[q->bidx++];
  q->cur = b;
  q->get = NULL;
  q->state = REQ_GET;
  int rc = b->ops->get(b, q->q, on_block, q, &q->get);
  if (rc < 0) { /* no GET started: try the next backend */
    q->backend_error = rc;
    q->get = NULL;
    q->state = REQ_FETCH;
  }
  return 0;
}

/* REQ_STEP after GNS_STEP_NEED_BLOCK: the block cache, else the backends. */
static void fetch_begin(struct req *q, const uint8_t qv[GNS_Q_LEN]) {
  struct gnsd_resolve *R = q->R;
  memcpy(q->q, qv, GNS_Q_LEN);
  q->bidx = 0;
  q->backend_error = 0;
  q->state = REQ_FETCH;
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
      q->state = REQ_STEP;
      return;
    }
    gnsd_cache_remove(R->cache, key, sizeof(key));
  }
}

/* dns.c never calls back from inside gnsd_dns_query (dns.h). */
static void on_dnssec(void *userdata, int error, const struct gns_record *rd, size_t n);

static void on_dns(void *userdata, int error, const struct gns_record *rd, size_t n) {
  struct req *q = userdata;
  q->dnsq = NULL;
  if (q->state != REQ_DNS) return;
  if (error < 0 && error != -ENOENT) q->dns_error = error;
  gns_resolution_supply_dns(q->res, error == -ETIMEDOUT ? -EIO : error, rd, n);
  q->state = REQ_STEP;
  if (!q->driving) drive(q);
}

/* A validating query's answer (dnssec.c never calls back from inside
 * gnsd_dnssec_query). -EKEYREJECTED (bogus) goes to the resolution as it
 * is: it fails with DNSSECBogus. */
static void on_dnssec(void *userdata, int error, const struct gns_record *rd, size_t n) {
  struct req *q = userdata;
  q->vq = NULL;
  on_dns(userdata, error, rd, n);
}

/* The verdict on q->pending_zone: REVOKED finishes (frees) the request
 * and returns false; the others let it go on. */
static bool apply_trust(struct req *q, enum gnsd_trust_verdict v, uint64_t until) {
  if (v == GNSD_TRUST_REVOKED) {
    finish_error(q, -EKEYREVOKED);
    return false;
  }
  if (v == GNSD_TRUST_VALID) {
    q->network_checked = true;
    if (!q->trust_until || until < q->trust_until) q->trust_until = until;
  } else if (v == GNSD_TRUST_UNCHECKED) {
    q->unchecked = true;
  }
  q->checked_zone = q->pending_zone;
  q->have_checked = true;
  return true;
}

/* The verdict of a check that had to wait for the peer: it only moves the
 * state (it may come from inside another request's check). */
static void on_trust(void *userdata, enum gnsd_trust_verdict v, uint64_t until) {
  struct req *q = userdata;
  q->tcheck = NULL;
  if (q->state != REQ_TRUST) return;
  q->tverdict = v;
  q->tuntil = until;
  q->state = REQ_TRUST_DONE;
  kick(q);
}

/* Act on the state until the request waits (GET or DNS in flight) or is
 * finished (and freed). Re-entered from a callback, it leaves the work to
 * the loop already running: that loop reads the state after every
 * action, so nothing a callback did is lost. */
static void drive(struct req *q) {
  struct gnsd_resolve *R = q->R;
  if (q->driving) return;
  q->driving = true;
  for (;;) {
    switch (q->state) {
    case REQ_GET:
    case REQ_OPEN:
    case REQ_OPEN_ENDED:
    case REQ_DNS:
    case REQ_TRUST:
      q->driving = false;
      return; /* a callback moves the state */
    case REQ_TRUST_DONE:
      q->state = REQ_STEP;
      if (!apply_trust(q, q->tverdict, q->tuntil)) return;
      continue;
    case REQ_GET_FOUND:
      if (q->get && q->cur->ops->get_cancel) q->cur->ops->get_cancel(q->cur, q->get);
      q->get = NULL;
      q->state = REQ_STEP;
      continue;
    case REQ_FETCH: {
      int rc = fetch_next(q);
      if (rc < 0) {
        finish_error(q, rc == -EDQUOT ? -EDQUOT : -EIO);
        return;
      }
      continue;
    }
    case REQ_STEP:
      break;
    }
    struct gns_step st;
    if (gns_resolution_step(q->res, now_rt(R), &st) < 0) {
      finish_error(q, -EIO);
      return;
    }
    if (st.kind == GNS_STEP_NEED_BLOCK && R->trust &&
        (!q->have_checked || !gns_zone_key_equal(&q->checked_zone, &st.zone))) {
      /* RFC 9498, 4.2 and 7.3.4: before the zone's blocks are used (a
       * delegation followed, or the start zone), its revocation. The
       * step stays NEED_BLOCK until a block is supplied, so the next
       * turn of the loop asks for the same block again. */
      uint64_t until;
      q->pending_zone = st.zone;
      q->state = REQ_TRUST;
      enum gnsd_trust_verdict v =
          gnsd_trust_check(R->trust, &st.zone, now_rt(R), on_trust, q, &q->tcheck, &until);
      if (v == GNSD_TRUST_PENDING) continue;
      q->tcheck = NULL;
      q->state = REQ_STEP;
      if (!apply_trust(q, v, until)) return;
    }
    if (st.kind == GNS_STEP_NEED_BLOCK) {
      fetch_begin(q, st.q);
      continue;
    }
    if (st.kind == GNS_STEP_NEED_DNS) {
      R->st.dns_queries++;
      q->state = REQ_DNS;
      int rc;
      if (st.n_dns_ds && st.n_dns_servers)
        /* RFC 9498, 7.3.2: DS records beside the GNS2DNS records secure
         * the answer (validated by libunbound, dnssec.h) */
        rc = gnsd_dnssec_query(R->dnssec, st.dns_name, st.dns_type, st.dns_zone, st.dns_ds,
                               st.n_dns_ds, st.dns_servers, st.n_dns_servers, on_dnssec, q, &q->vq);
      else
        rc = gnsd_dns_query(R->dns, st.dns_name, st.dns_type, st.dns_servers, st.n_dns_servers,
                            on_dns, q, &q->dnsq);
      if (rc < 0) {
        q->dnsq = NULL;
        q->vq = NULL;
        gns_resolution_supply_dns(q->res, -EIO, NULL, 0);
        q->state = REQ_STEP;
      }
      continue;
    }
    if (st.kind == GNS_STEP_DONE)
      finish_ok(q);
    else
      finish_error(q, gns_resolution_error(q->res));
    return;
  }
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
  varlink_call_error(c, VL_RESOLVE_ERROR_TimedOut, NULL); /* dropped: the peer is gone */
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

/* Start resolving name (len bytes, plen of them before ".gns.alt") for
 * the request cached under key: RFC 9498, 7.1, the start zone, then a new
 * resolution with its deadline. -ENOENT: no start zone; -EINVAL with
 * *reason: not resolvable as written; -EDQUOT: uid (when limited) has
 * [limits] lookups-per-user in flight; -ENOMEM. */
static int begin(struct gnsd_resolve *R, const char *name, size_t len, size_t plen, uint32_t type,
                 const uint8_t *key, size_t klen, uid_t uid, bool limited, const char **reason,
                 struct req **out) {
  const struct gns_suffix_map *maps = NULL;
  size_t n_maps = 0;
  int maps_rc = get_maps(R, &maps, &n_maps);
  struct gns_zone_key zk;
  size_t rest;
  int rc = gns_start_zone_find(name, plen, maps, n_maps, &zk, &rest);
  /* The local zones could not be read: the name may well be one of
   * theirs. Not "does not exist", and nothing to cache. */
  if (rc == -ENOENT && maps_rc < 0) return -EIO;
  if (rc == -ENOENT) return rc;
  if (rc < 0) {
    *reason = "no unique start zone (invalid zTLD or ambiguous suffix)";
    return -EINVAL;
  }
  /* [limits] lookups-per-user: uncached lookups are what costs (blocks,
   * signatures, DHT); one user cannot have more than this in flight. */
  if (limited && R->lookups_per_user && user_lookups(R, uid) >= R->lookups_per_user) {
    R->st.lookups_refused++;
    *reason = "lookups-per-user";
    return -EDQUOT;
  }
  struct req *q = calloc(1, sizeof(*q));
  if (!q) return -ENOMEM;
  q->R = R;
  q->uid = uid;
  q->limited = limited;
  q->type = type;
  q->name = strndup(name, len);
  memcpy(q->key, key, klen);
  q->klen = klen;
  q->next = R->reqs;
  if (R->reqs) R->reqs->prev = q;
  R->reqs = q;
  R->pending++;
  char *rel = strndup(name, rest);
  if (!q->name || !rel) {
    free(rel);
    req_free(q);
    return -ENOMEM;
  }
  struct gns_resolver_limits lim = {.max_depth = R->max_depth};
  struct gns_resolver_hooks hooks = {
      .is_revoked = hook_revoked, .userdata = R, .maps = maps, .n_maps = n_maps};
  rc = gns_resolution_new(&zk, rel, type, &lim, &hooks, &q->res);
  free(rel);
  if (rc < 0) {
    req_free(q);
    *reason = "malformed label";
    return rc == -ENOMEM ? rc : -EINVAL;
  }
  uint64_t mono;
  sd_event_now(R->ev, CLOCK_MONOTONIC, &mono);
  if (sd_event_add_time(R->ev, &q->deadline, CLOCK_MONOTONIC, mono + R->timeout_us, 1000,
                        on_deadline, q) < 0)
    q->deadline = NULL;
  *out = q;
  return 0;
}

/* Common start of both methods: the name check, the answer cache, start
 * zone determination, the resolution. Returns 0 when the call was
 * completed (answered from cache or an error), 1 with *out set. */
static int start(struct gnsd_resolve *R, struct varlink_call *call, const char *name, bool records,
                 int family, uint32_t type, struct req **out) {
  R->st.requests++;
  size_t len = strlen(name), plen;
  if (!gns_name_is_gns_alt(name, len, &plen)) {
    varlink_call_error(call, VL_RESOLVE_ERROR_NotGNS, NULL);
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
      varlink_call_error(call, VL_RESOLVE_ERROR_NoSuchName, NULL);
      remember_reply(R, req, req_len, ANSWER_NEGATIVE, NULL, 0, exp);
      return 0;
    }
    if (reply_cached(R, call, v, vl, exp)) {
      R->st.cache_hits++;
      return 0;
    }
  }
  uid_t uid = varlink_call_peer(call)->uid;
  const char *reason = NULL;
  struct req *q;
  int rc = begin(R, name, len, plen, type, key, klen, uid, !varlink_uid_exempt(uid), &reason, &q);
  if (rc == -ENOENT) {
    cache_negative(R, key, klen);
    varlink_call_error(call, VL_RESOLVE_ERROR_NoSuchName, NULL);
    return 0;
  }
  if (rc == -ENOMEM) return rc;
  if (rc < 0) {
    reply_error(call, rc == -EDQUOT || rc == -EIO ? rc : -EINVAL, 0, reason);
    return 0;
  }
  q->call = call;
  q->records = records;
  q->family = family;
  varlink_call_set_cancel(call, on_cancel, q);
  *out = q;
  return 1;
}

int gnsd_resolve_lookup(struct gnsd_resolve *R, const char *name, uint32_t type, gnsd_lookup_fn fn,
                        void *userdata, struct gnsd_lookup **out) {
  R->st.requests++;
  size_t len = strlen(name), plen;
  if (!gns_name_is_gns_alt(name, len, &plen) || len > NAME_MAX_LEN || label_problem(name, plen)) {
    fn(userdata, -EINVAL, NULL);
    return 0;
  }
  uint8_t key[NAME_MAX_LEN + 8];
  size_t klen = answer_key(key, KEY_LOOKUP, type, name, len);
  const void *v;
  size_t vl;
  if (gnsd_cache_get(R->cache, key, klen, now_rt(R), &v, &vl, NULL) == 0) {
    const uint8_t *b = v;
    if (vl >= 1 && b[0] == ANSWER_NEGATIVE) {
      R->st.negative_hits++;
      fn(userdata, -ENOENT, NULL);
      return 0;
    }
    struct gns_record rd[GNSD_LOOKUP_MAX_RECORDS];
    char canon[NAME_MAX_LEN + 1];
    struct gnsd_answer a;
    if (decode_lookup(b, vl, rd, GNSD_LOOKUP_MAX_RECORDS, canon, sizeof canon, &a) == 0) {
      R->st.cache_hits++;
      fn(userdata, 0, &a);
      return 0;
    }
  }
  const char *reason = NULL;
  struct req *q;
  /* DNS clients are not local users: the stub has its own limits */
  int rc = begin(R, name, len, plen, type, key, klen, 0, false, &reason, &q);
  if (rc < 0) {
    if (rc == -ENOENT) cache_negative(R, key, klen);
    fn(userdata, rc, NULL);
    return 0;
  }
  q->records = true;
  q->done = fn;
  q->done_ud = userdata;
  *out = (struct gnsd_lookup *)q;
  /* from the loop, so that fn is never called before this returns 1 */
  kick(q);
  return 1;
}

int gnsd_resolve_memo_get(struct gnsd_resolve *R, const void *key, size_t klen, const void **v,
                          size_t *vl) {
  uint8_t k[1 + GNSD_MEMO_KEY_MAX];
  if (klen > GNSD_MEMO_KEY_MAX) return -ENOENT;
  k[0] = KEY_MEMO;
  memcpy(k + 1, key, klen);
  int rc = gnsd_cache_get(R->cache, k, 1 + klen, now_rt(R), v, vl, NULL);
  if (rc == 0) {
    R->st.requests++;
    R->st.cache_hits++;
  }
  return rc;
}

void gnsd_resolve_memo_put(struct gnsd_resolve *R, const void *key, size_t klen, const void *v,
                           size_t vl, uint64_t expiration) {
  uint8_t k[1 + GNSD_MEMO_KEY_MAX];
  if (klen > GNSD_MEMO_KEY_MAX) return;
  k[0] = KEY_MEMO;
  memcpy(k + 1, key, klen);
  gnsd_cache_put(R->cache, k, 1 + klen, v, vl, expiration, now_rt(R));
}

void gnsd_lookup_cancel(struct gnsd_lookup *l) {
  struct req *q = (struct req *)l;
  if (!q) return;
  q->done = NULL;
  req_free(q);
}

static int m_hostname(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = VL_RESOLVE_PARAMS_ResolveHostname;
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
  static const struct varlink_field fields[] = VL_RESOLVE_PARAMS_ResolveRecords;
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
  gnsd_dnssec_set_timeout(R->dnssec, conf->dns_timeout_us);
}

int gnsd_resolve_new(sd_event *event, const struct gnsd_conf *conf, struct gnsd_resolve **out) {
  struct gnsd_resolve *R = calloc(1, sizeof(*R));
  if (!R) return -ENOMEM;
  R->ev = sd_event_ref(event);
  int rc = gnsd_cache_new((size_t)conf->cache_memory, &R->cache);
  if (rc == 0) rc = gnsd_dns_new(event, conf->dns_timeout_us, resolve_clock, R, &R->dns);
  if (rc == 0) rc = gnsd_dnssec_new(event, conf->dns_timeout_us, resolve_clock, R, &R->dnssec);
  if (rc == 0) rc = set_conf_maps(R, conf);
  if (rc < 0) {
    gnsd_resolve_free(R);
    return rc;
  }
  apply_conf(R, conf);
  R->iface = (struct varlink_interface){
      .name = VL_RESOLVE_INTERFACE,
      .description = gnsd_resolve_description,
      .methods = methods,
      .failure_error = VL_RESOLVE_ERROR_StorageUnavailable,
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
    if (call) varlink_call_error(call, VL_RESOLVE_ERROR_StorageUnavailable, NULL);
  }
  /* jobs still on the pool come back to nobody */
  for (struct open_job *j = R->jobs; j; j = j->next)
    j->R = NULL;
  gnsd_dns_free(R->dns);
  gnsd_dnssec_free(R->dnssec);
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
  for (size_t i = 0; i < n && R->n_backends < GNSD_MAX_BACKENDS; i++)
    if (backends[i]) R->backends[R->n_backends++] = backends[i];
  /* a GET on a backend that went away will never call back: stop
   * waiting for it and let the request go on with the next backend */
  for (struct req *q = R->reqs; q; q = q->next) {
    if (q->state != REQ_GET && q->state != REQ_GET_FOUND && q->state != REQ_OPEN) continue;
    bool present = false;
    for (size_t i = 0; i < R->n_backends && !present; i++)
      present = R->backends[i] == q->cur;
    if (present) continue;
    q->get = NULL;
    q->state = q->state == REQ_GET ? REQ_FETCH : q->state == REQ_OPEN ? REQ_OPEN_ENDED : REQ_STEP;
    if (q->bidx > R->n_backends) q->bidx = R->n_backends;
    kick(q);
  }
}

void gnsd_resolve_set_workers(struct gnsd_resolve *R, struct gnsd_workers *w) {
  R->workers = w;
}

void gnsd_resolve_set_local_zone_check(struct gnsd_resolve *R, gnsd_local_zone_fn fn,
                                       void *userdata) {
  R->local_zone = fn;
  R->local_zone_ud = userdata;
  gnsd_resolve_flush(R);
}

void gnsd_resolve_set_trust(struct gnsd_resolve *R, struct gnsd_trust *t) {
  R->trust = t;
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
  struct gnsd_dnssec_stats vs;
  gnsd_dnssec_get_stats(R->dnssec, &vs);
  json_object *v = json_object_new_object();
  add_int(v, "queries", vs.queries);
  add_int(v, "secure", vs.secure);
  add_int(v, "insecure", vs.insecure);
  add_int(v, "bogus", vs.bogus);
  add_int(v, "failures", vs.failures);
  add_int(v, "timeouts", vs.timeouts);
  add_int(v, "contexts", vs.contexts);
  json_object_object_add(out, "dnssec", v);
}

void gnsd_resolve_limit_stats(struct gnsd_resolve *R, json_object *out) {
  add_int(out, "lookupsRefused", R->st.lookups_refused);
  add_int(out, "dhtGetsRefused", R->st.dht_gets_refused);
}
