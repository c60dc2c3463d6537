/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The daemon's own state, for gnsd.c alone: one struct gnsd per process,
 * owned by main. Modules never see it; each gets the pieces it uses as
 * arguments (doc/architecture.md). All of it lives on the one sd-event
 * loop, so there is no locking. */
#ifndef GNSD_GNSD_H
#define GNSD_GNSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>
#include "backends.h"
#include "conf.h"

struct gnsd_store;
struct gnsd_zones;
struct gnsd_resolve;
struct gnsd_workers;
struct gnsd_dns_stub;
struct varlink_server;

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
/* Connections to alt.gns.Resolve beyond [limits] connections that only
 * root and gnsd's own user may take. */
#define GNSD_RESERVED_CONNECTIONS 256u

struct gnsd {
  sd_event *event;
  struct gnsd_conf conf; /* replaced as a whole on SIGHUP */
  const char *conf_path, *runtime_dir, *state_dir;
  bool conf_explicit; /* --config given: the file must exist */

  struct gnsd_store *store;
  struct gnsd_backends backends; /* GET order; backend 0 is the store */

  struct varlink_server *resolve_server, *zone_server;
  /* trust.c: revocations (store + the GNUnet peer's revocation service,
   * revnet, which exists with [dht] backend = gnunet) */
  struct gnsd_trust *trust;
  struct gnsd_revnet *revnet;
  struct gnsd_zones *zones;       /* zones.c: alt.gns.Zone and the zone master */
  struct gnsd_resolve *resolve;   /* resolve.c: alt.gns.Resolve */
  struct gnsd_workers *workers;   /* workers.c: signing off the loop */
  struct gnsd_dns_stub *dns_stub; /* dns-stub.c: [dns-stub], NULL when off */

  uint64_t started_realtime; /* microseconds since the epoch */
  uint64_t started_monotonic;
};

#endif
