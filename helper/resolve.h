/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The alt.gns.Resolve side of gnsd: the hook through which the resolver
 * (resolve.c: driver, cache, DNS client) plugs into the daemon.
 *
 * gnsd.c calls, in this order:
 *   gnsd_resolve_init     after the store, the backends and both varlink
 *                         servers exist; registers the alt.gns.Resolve
 *                         interface on d->resolve_server (with
 *                         gnsd_resolve_description from interfaces.h) and
 *                         may set d->resolve.
 *   gnsd_resolve_reload   after SIGHUP replaced d->conf (and the backends).
 *   gnsd_resolve_status   for Zone.GetStatistics: fill the "cache" object.
 *   gnsd_resolve_done     at shutdown, before the servers are freed:
 *                         complete (or drop) every call still in flight.
 *
 * Useful elsewhere: gnsd_zones_start_zones() (zones.h) for the suffix map
 * of RFC 9498, 7.1; gnsd_store_is_revoked() (store.h) for the resolver's
 * is_revoked hook; d->backends for GET; gnsd_store_backend's put to cache
 * verified blocks. */
#ifndef GNSD_RESOLVE_H
#define GNSD_RESOLVE_H

#include <json-c/json.h>

struct gnsd;

int gnsd_resolve_init(struct gnsd *d);
void gnsd_resolve_reload(struct gnsd *d);
void gnsd_resolve_status(struct gnsd *d, json_object *cache);
void gnsd_resolve_done(struct gnsd *d);

#endif
