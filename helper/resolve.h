/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Resolve side of gnsd: alt.gns.Resolve.ResolveHostname and
 * ResolveRecords (varlink/alt.gns.Resolve.varlink) on top of the core
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

/* The revocation list (RFC 9498, 7.3.4); now is realtime microseconds. */
typedef bool (*gnsd_revoked_fn)(void *userdata, const struct gns_zone_key *zk, uint64_t now);
void gnsd_resolve_set_revocation_check(struct gnsd_resolve *r, gnsd_revoked_fn fn, void *userdata);

/* The start zones of RFC 9498, 7.1, asked for on every uncached request
 * (the array need only stay valid until control returns to the event
 * loop). Without it the [start-zones] of the configuration are used. */
typedef int (*gnsd_start_zones_fn)(void *userdata, const struct gns_suffix_map **maps, size_t *n);
void gnsd_resolve_set_start_zones(struct gnsd_resolve *r, gnsd_start_zones_fn fn, void *userdata);

/* The wall clock (realtime microseconds) that expirations are compared
 * with; without one, the daemon's (gnsd_now). Tests move time with it. */
typedef uint64_t (*gnsd_clock_fn)(void *userdata);
void gnsd_resolve_set_clock(struct gnsd_resolve *r, gnsd_clock_fn fn, void *userdata);

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
