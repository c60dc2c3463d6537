/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Resolve side of gnsd: alt.gns.Resolve.ResolveHostname and
 * ResolveRecords (varlink/alt.gns.Resolve.varlink) on top of the core
 * resolution state machine (core/resolver.h).
 *
 * Per request: the answer cache (by name and type), else start zone
 * determination and gns_resolution_step driven against, per q, the block
 * cache (verified blocks: decrypt only), then each storage backend in
 * turn (the embedded store first, then the DHT, whose blocks are opened
 * on the worker pool; the first valid block wins, bad blocks are dropped and counted, blocks from
 * later backends are stored in the first), and the DNS client for GNS2DNS/redirects to DNS. Every
 * request has a deadline ([resolver] timeout).
 *
 * It knows nothing of the daemon: gnsd.c hands it the backends, the
 * revocation check and the start zones, and flushes it when the zone
 * service reports a change. Unit tested on its own. */
#ifndef GNSD_RESOLVE_H
#define GNSD_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>
#include "conf.h"
#include "resolver.h"
#include "storage.h"
#include "varlink-server.h"

struct gnsd_resolve;

/* Takes [resolver] and [cache] (and [start-zones], used when no start
 * zone function is set) from conf. */
int gnsd_resolve_new(sd_event *event, const struct gnsd_conf *conf, struct gnsd_resolve **out);
/* Pending requests are completed with StorageUnavailable. */
void gnsd_resolve_free(struct gnsd_resolve *r);

/* New timeouts, depth, cache bound, negative TTL and [start-zones]; drops
 * cached answers. */
void gnsd_resolve_configure(struct gnsd_resolve *r, const struct gnsd_conf *conf);

/* Backends in the order they are asked (not owned; NULL entries are
 * skipped). backends[0] also receives valid blocks found in later ones.
 * Requests waiting on a backend that is no longer in the list stop
 * waiting for it (it is assumed freed) and go on with the next one. */
void gnsd_resolve_set_backends(struct gnsd_resolve *r, struct gnsd_backend *const *backends,
                               size_t n);

/* The worker pool that opens (verifies, decrypts) the blocks the
 * backends deliver, so that the loop does not (DESIGN.md "The event loop
 * and the workers"). Not owned; it must outlive the resolver or be freed
 * after it (jobs out then come back to nobody). NULL: on the loop. */
struct gnsd_workers;
void gnsd_resolve_set_workers(struct gnsd_resolve *r, struct gnsd_workers *w);

/* The revocation list (RFC 9498, 7.3.4); now is realtime microseconds. */
typedef bool (*gnsd_revoked_fn)(void *userdata, const struct gns_zone_key *zk, uint64_t now);
void gnsd_resolve_set_revocation_check(struct gnsd_resolve *r, gnsd_revoked_fn fn, void *userdata);

/* Revocations beyond the synchronous check above (trust.h: the store and
 * the GNUnet peer's revocation service): asked before the blocks of each
 * zone are used; answers live no longer than the verdicts they rest on.
 * Not owned; NULL: none. */
struct gnsd_trust;
void gnsd_resolve_set_trust(struct gnsd_resolve *r, struct gnsd_trust *t);

/* The start zones of RFC 9498, 7.1, asked for on every uncached request
 * (the array need only stay valid until control returns to the event
 * loop). Without it the [start-zones] of the configuration are used. */
/* Is zk a local zone (its blocks all in backends[0], the store)? A block
 * of a local zone is then never looked for in the later backends (the
 * DHT): missing there means the name does not exist. */
typedef bool (*gnsd_local_zone_fn)(void *userdata, const struct gns_zone_key *zk);
void gnsd_resolve_set_local_zone_check(struct gnsd_resolve *r, gnsd_local_zone_fn fn,
                                       void *userdata);

typedef int (*gnsd_start_zones_fn)(void *userdata, const struct gns_suffix_map **maps, size_t *n);
void gnsd_resolve_set_start_zones(struct gnsd_resolve *r, gnsd_start_zones_fn fn, void *userdata);

/* The wall clock (realtime microseconds) that expirations are compared
 * with; without one, the daemon's (gnsd_now). Tests move time with it. */
void gnsd_resolve_set_clock(struct gnsd_resolve *r, gnsd_clock_fn fn, void *userdata);

/* Drop cached answers and blocks. */
void gnsd_resolve_flush(struct gnsd_resolve *r);

/* ---- lookups for other front ends (the DNS stub) ------------------------
 * The same resolution and cache as alt.gns.Resolve.ResolveRecords, with the
 * records in binary form. The record set is the one at the name (after
 * REDIRECT/CNAME/delegations were followed), not filtered by type: type
 * steers resolution (RFC 9498, 7.3: a REDIRECT, GNS2DNS or delegation
 * asked for by its own type is the answer) and goes into the cache key. */
#define GNSD_LOOKUP_MAX_RECORDS 256
struct gnsd_lookup;
struct gnsd_answer {
  const struct gns_record *rd; /* expirations are absolute */
  size_t n;
  const char *canonical; /* LEHO, or the name after REDIRECT/CNAME/GNS2DNS; NULL if none */
  uint64_t expiration;   /* realtime us: the earliest the answer rests on */
};
/* error: 0 with a (valid during the call only), -ENOENT (no such name),
 * -EINVAL (not a resolvable .gns.alt name), or a failure (-ETIMEDOUT,
 * -EKEYREVOKED, -ELOOP, -EPROTONOSUPPORT, -EIO, -ENOMEM ...). */
typedef void (*gnsd_lookup_fn)(void *userdata, int error, const struct gnsd_answer *a);
/* Returns 0 when fn was called already (answered from the cache, or an
 * error), or 1 with *out set: fn is called later from the event loop,
 * exactly once, unless gnsd_lookup_cancel(*out) is called first. name is a
 * .gns.alt name without a trailing dot. */
int gnsd_resolve_lookup(struct gnsd_resolve *r, const char *name, uint32_t type, gnsd_lookup_fn fn,
                        void *userdata, struct gnsd_lookup **out);
void gnsd_lookup_cancel(struct gnsd_lookup *l);

/* A front end's own encoding of an answer (the DNS stub: a response by
 * the query's bytes), kept in the same cache as the answers, so that it
 * goes with them whenever zone data change (gnsd_resolve_flush), and
 * until expiration (realtime us) at the latest. The value found is valid
 * until the next call into the resolver. */
#define GNSD_MEMO_KEY_MAX 600
int gnsd_resolve_memo_get(struct gnsd_resolve *r, const void *key, size_t klen, const void **v,
                          size_t *vl);
void gnsd_resolve_memo_put(struct gnsd_resolve *r, const void *key, size_t klen, const void *v,
                           size_t vl, uint64_t expiration);

/* Register alt.gns.Resolve on a server. */
int gnsd_resolve_add_interface(struct gnsd_resolve *r, struct varlink_server *s);

/* Counters: {"requests", "cacheHits", "negativeHits", "shortcutHits"
 * (those of the hits answered from the request's text, unparsed), "blocks",
 * "blockCacheHits", "badBlocks", "dnsQueries", "timeouts", "failures",
 * "pending", "entries", "bytes", "limit", "evictions", "dns": {...}}. */
void gnsd_resolve_stats(struct gnsd_resolve *r, json_object *out);
/* For GetStatistics' "limits" object: {"lookupsRefused", "dhtGetsRefused"}
 * ([limits] lookups-per-user and dht-gets-per-user). */
void gnsd_resolve_limit_stats(struct gnsd_resolve *r, json_object *out);

#endif
