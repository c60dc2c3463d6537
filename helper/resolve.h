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
 * The caller (gnsd main) owns the backends, the revocation check and the
 * start zones, and must call gnsd_resolve_invalidate() whenever local
 * zone data, start zones or revocations change: answers are cached until
 * their earliest record expiration. */
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

struct gnsd_resolve;

/* Takes [resolver] and [cache] from conf (and [start-zones] as the
 * initial start zones). */
int gnsd_resolve_new(sd_event *event, const struct gnsd_conf *conf, struct gnsd_resolve **out);
/* Pending requests are completed with StorageUnavailable. */
void gnsd_resolve_free(struct gnsd_resolve *r);

/* SIGHUP: new timeouts, depth, cache bound, negative TTL; the start zones
 * of conf replace the configured ones (local ones stay). */
void gnsd_resolve_reconfigure(struct gnsd_resolve *r, const struct gnsd_conf *conf);

/* Backends in the order they are asked (not owned; NULL entries are
 * skipped). backends[0] also receives valid blocks found in later ones. */
void gnsd_resolve_set_backends(struct gnsd_resolve *r, struct gnsd_backend *const *backends,
                               size_t n);

/* The revocation list (RFC 9498, 7.3.4); now is realtime microseconds. */
typedef bool (*gnsd_revoked_fn)(void *userdata, const struct gns_zone_key *zk, uint64_t now);
void gnsd_resolve_set_revocation_check(struct gnsd_resolve *r, gnsd_revoked_fn fn,
                                       void *userdata);

/* Start zones of local zones (suffix = zone name, without ".gns.alt"),
 * added to the configured [start-zones]. Copied. Invalidates answers. */
int gnsd_resolve_set_local_start_zones(struct gnsd_resolve *r, const struct gns_suffix_map *maps,
                                       size_t n);

/* Local zone data, start zones or revocations changed: drop cached
 * answers and blocks. */
void gnsd_resolve_invalidate(struct gnsd_resolve *r);

/* Register alt.gns.Resolve on a server. */
int gnsd_resolve_add_interface(struct gnsd_resolve *r, struct varlink_server *s);

/* Counters: {"requests", "cacheHits", "negativeHits", "blocks", "badBlocks",
 * "dnsQueries", "timeouts", "pending", "cache": {...}, "dns": {...}}. */
void gnsd_resolve_status(struct gnsd_resolve *r, json_object *out);

#endif
