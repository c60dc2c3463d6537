/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The daemon's shared state. One struct gnsd per process, owned by
 * gnsd.c's main and handed to every module (zones.c, resolve.c, ...);
 * all of it lives on the one sd-event loop, so there is no locking. */
#ifndef GNSD_GNSD_H
#define GNSD_GNSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>
#include "conf.h"
#include "storage.h"

struct gnsd_store;
struct gnsd_zones;
struct gnsd_resolve;
struct varlink_server;

#define GNSD_MAX_BACKENDS 4
#define GNSD_RESOLVE_SOCKET "alt.gns.Resolve"
#define GNSD_ZONE_SOCKET "alt.gns.Zone"
/* Request size limits per socket: name lookups are small; zone imports
 * may carry many records. */
#define GNSD_RESOLVE_MAX_MESSAGE (64u * 1024)
/* Programs keep their connection to alt.gns.Resolve between lookups
 * (nss/conn-cache.h); one unused this long (up to twice this) is closed,
 * so that the connections held are those of programs that resolved
 * recently. */
#define GNSD_RESOLVE_IDLE_USEC (60ull * 1000000u)
#define GNSD_ZONE_MAX_MESSAGE (8u * 1024 * 1024)
/* Connections to alt.gns.Resolve beyond [limits] connections that only
 * root and gnsd's own user may take. */
#define GNSD_RESERVED_CONNECTIONS 256u

struct gnsd {
  sd_event *event;
  struct gnsd_conf conf; /* replaced as a whole on SIGHUP */
  const char *conf_path, *runtime_dir, *state_dir;
  bool conf_explicit; /* --config given: the file must exist */

  struct gnsd_store *store;
  /* GET goes to backends in this order; backends[0] is always the store
   * backend ("store"), then the DHT if configured. */
  struct gnsd_backend *backends[GNSD_MAX_BACKENDS];
  size_t n_backends;

  struct varlink_server *resolve_server, *zone_server;
  struct gnsd_zones *zones;     /* zones.c: alt.gns.Zone and the zone master */
  struct gnsd_resolve *resolve; /* resolve.c: alt.gns.Resolve */

  uint64_t started_realtime; /* microseconds since the epoch */
  uint64_t started_monotonic;
};

/* Wall-clock time in microseconds since the epoch (the GNS time base),
 * from the event loop's timestamp of this iteration. */
static inline uint64_t gnsd_now(const struct gnsd *d) {
  uint64_t now = 0;
  sd_event_now(d->event, CLOCK_REALTIME, &now);
  return now;
}

#endif
