/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Resolve side of gnsd: alt.gns.Resolve.ResolveHostname and
 * ResolveRecords (helper/alt.gns.Resolve.varlink) on top of the core
 * resolution state machine (core/resolver.h).
 *
 * Per request: the answer cache (by name and type), else start zone
 * determination and gns_resolution_step driven against, per q, the block
 * cache (verified blocks: decrypt only), then each storage backend in
 * turn (the embedded store first, then the DHT; the first valid block
 * wins, bad blocks are dropped and counted, blocks from later backends
 * are stored in the first), and the DNS client for GNS2DNS/redirects to
 * DNS. Every request has a deadline ([resolver] timeout).
 *
 * Two layers: the engine (struct gnsd_resolve, no knowledge of the
 * daemon; unit tested on its own) and the daemon glue that gnsd.c and
 * zones.c call with struct gnsd. */
#ifndef GNSD_RESOLVE_H
#define GNSD_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>
#include "conf.h"
#include "resolver.h"
#include "storage.h"
#include "varlink.h"

struct gnsd;
struct gnsd_resolve;

/* ---- the daemon glue ------------------------------------------------------
 * gnsd.c calls, in this order:
 *   gnsd_resolve_init     after the store, the backends, d->zones and both
 *                         varlink servers exist; registers alt.gns.Resolve
 *                         on d->resolve_server and sets d->resolve.
 *   gnsd_resolve_reload   after SIGHUP replaced d->conf (and the backends).
 *   gnsd_resolve_status   for Zone.GetStatistics: fill the "cache" object.
 *   gnsd_resolve_done     at shutdown, before the servers are freed:
 *                         completes every call still in flight.
 * zones.c calls gnsd_resolve_invalidate whenever local zone data (blocks),
 * start zones or revocations change: answers are cached until their
 * earliest record expiration, so they must be dropped then. */
int gnsd_resolve_init(struct gnsd *d);
void gnsd_resolve_reload(struct gnsd *d);
void gnsd_resolve_status(struct gnsd *d, json_object *cache);
/* For Zone.GetStatistics: what the per-user limits refused, closed or
 * throttled (the "limits" object). */
void gnsd_resolve_limits_status(struct gnsd *d, json_object *limits);
void gnsd_resolve_done(struct gnsd *d);
void gnsd_resolve_invalidate(struct gnsd *d);

/* ---- the engine ------------------------------------------------------------ */

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

/* The revocation list (RFC 9498, 7.3.4); now is realtime microseconds. */
typedef bool (*gnsd_revoked_fn)(void *userdata, const struct gns_zone_key *zk, uint64_t now);
void gnsd_resolve_set_revocation_check(struct gnsd_resolve *r, gnsd_revoked_fn fn, void *userdata);

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

/* Drop cached answers and blocks. */
void gnsd_resolve_flush(struct gnsd_resolve *r);

/* Register alt.gns.Resolve on a server. */
int gnsd_resolve_add_interface(struct gnsd_resolve *r, struct varlink_server *s);

/* Counters: {"requests", "cacheHits", "negativeHits", "shortcutHits"
 * (those of the hits answered from the request's text, unparsed), "blocks",
 * "blockCacheHits", "badBlocks", "dnsQueries", "timeouts", "failures",
 * "pending", "entries", "bytes", "limit", "evictions", "dns": {...}}. */
void gnsd_resolve_stats(struct gnsd_resolve *r, json_object *out);

#endif
