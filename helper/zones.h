/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Local zones: the alt.gns.Zone interface (varlink/alt.gns.Zone.varlink)
 * and the zone master that turns records into RRBLOCKs and publishes
 * them to the store and the other backends, again before they expire. */
#ifndef GNSD_ZONES_H
#define GNSD_ZONES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>
#include "resolver.h"
#include "revocation.h"
#include "zonekey.h"

struct gnsd_backends;
struct gnsd_conf;
struct gnsd_store;
struct gnsd_trust;
struct gnsd_workers;
struct gnsd_zones;
struct varlink_server;

/* What the zone service works with; nothing else of the daemon. */
/* The largest message alt.gns.Zone takes (the server's bound): room for
 * an ImportRecords of MAX records; gnsctl import sends batches. */
#define GNSD_ZONE_MAX_MESSAGE (8u * 1024 * 1024)

struct gnsd_zones_args {
  sd_event *event;
  struct gnsd_store *store;
  /* Where blocks go: backend 0 is the store, the others get copies. Also
   * the clock. Kept as a pointer: the list changes on reload. */
  const struct gnsd_backends *backends;
  /* Kept as a pointer: the daemon replaces its contents on reload and
   * then calls gnsd_zones_reload. */
  const struct gnsd_conf *conf;
  struct varlink_server *server; /* alt.gns.Zone is registered on it */
  /* Local blocks, start zones or revocations changed (answers cached
   * from the old ones are stale). May be NULL. */
  void (*on_change)(void *userdata);
  /* The reply to GetStatistics (consumed); NULL or a NULL result: {}. */
  json_object *(*statistics)(void *userdata);
  void *userdata; /* for both callbacks */
  /* Revocations gnsd stores go to the GNUnet peer through it (trust.h);
   * GetRevocation reports where they stand. May be NULL. */
  struct gnsd_trust *trust;
  /* Signing runs on it (workers.h), never on the loop. */
  struct gnsd_workers *workers;
};

/* Registers alt.gns.Zone on a->server (root, the gnsd group and gnsd's
 * own uid may use it; others get alt.gns.Zone.PermissionDenied) and
 * schedules the first publication of every zone. */
int gnsd_zones_new(const struct gnsd_zones_args *a, struct gnsd_zones **out);
/* Call after freeing the server (it points into z). */
void gnsd_zones_free(struct gnsd_zones *z);
/* The configuration changed: new start zones, new publishing interval. */
void gnsd_zones_reload(struct gnsd_zones *z);

/* The start zones of RFC 9498, 7.1 for gns_start_zone_find(): the
 * [start-zones] of gnsd.conf, those added with AddStartZone, and every
 * local zone under its own (lower-cased) name unless that suffix is
 * mapped otherwise. The array stays valid until control returns to the
 * event loop. -EIO if the store is unavailable (the configured ones are
 * still returned). */
int gnsd_zones_start_zones(struct gnsd_zones *z, const struct gns_suffix_map **maps, size_t *n);

/* The publication counters for GetStatistics' "store" object:
 * "publisher" {signed, published, errors, passes, workers}, nextPublish. */
void gnsd_zones_stats(const struct gnsd_zones *z, json_object *out);
/* Per local zone, for GetStatistics' "published": records, queued (labels
 * waiting to be signed) and the publisher's counters (signed, published,
 * errors, lastPass). */
void gnsd_zones_zone_stats(const struct gnsd_zones *z, int64_t zone_id, json_object *out);

#endif
