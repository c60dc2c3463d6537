/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* alt.gns.Zone.GetStatistics: the daemon's figures, gathered from the
 * modules that keep them. The daemon hands this to the zone service as
 * its statistics callback; no module reports on another. */
#ifndef GNSD_STATS_H
#define GNSD_STATS_H

#include <stdint.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>

struct gnsd_backends;
struct gnsd_dns_stub;
struct gnsd_resolve;
struct gnsd_store;
struct gnsd_zones;
struct varlink_server;

struct gnsd_stats_sources {
  sd_event *event;
  uint64_t started_monotonic; /* microseconds, CLOCK_MONOTONIC */
  const struct gnsd_backends *backends;
  struct gnsd_store *store;
  struct gnsd_zones *zones;     /* NULL: no publication figures */
  struct gnsd_resolve *resolve; /* NULL: an empty "cache" */
  /* alt.gns.Resolve's server, for the "limits" object (may be NULL) */
  const struct varlink_server *resolve_server;
  struct gnsd_dns_stub *dns_stub; /* NULL: no "dnsStub" object */
};

/* {"version", "uptime", "backends": [...], "cache": {...}, "dnsStub": {...},
 * "store": {...}, "published": [...], "limits": {...}} as
 * varlink/alt.gns.Zone.varlink describes. */
json_object *gnsd_stats_json(const struct gnsd_stats_sources *src);

#endif
