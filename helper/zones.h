/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Local zones: the alt.gns.Zone interface (varlink/alt.gns.Zone.varlink)
 * and the zone master that turns records into RRBLOCKs and publishes
 * them to the store and the other backends, again before they expire. */
#ifndef GNSD_ZONES_H
#define GNSD_ZONES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "resolver.h"
#include "revocation.h"
#include "zonekey.h"

struct gnsd;
struct gnsd_zones;

/* Registers alt.gns.Zone on d->zone_server (root, the gnsd group and
 * gnsd's own uid may use it; others get alt.gns.Zone.PermissionDenied)
 * and schedules the first publication of every zone. */
int gnsd_zones_new(struct gnsd *d, struct gnsd_zones **out);
/* Call after freeing d->zone_server (it points into z). */
void gnsd_zones_free(struct gnsd_zones *z);
/* d->conf changed: new start zones, new publishing interval. */
void gnsd_zones_reload(struct gnsd_zones *z);

/* The start zones of RFC 9498, 7.1 for gns_start_zone_find(): the
 * [start-zones] of gnsd.conf, those added with AddStartZone, and every
 * local zone under its own (lower-cased) name unless that suffix is
 * mapped otherwise. The array stays valid until control returns to the
 * event loop. -EIO if the store is unavailable (the configured ones are
 * still returned). */
int gnsd_zones_start_zones(struct gnsd_zones *z, const struct gns_suffix_map **maps, size_t *n);

/* Build and store the blocks of one local zone (NULL = all zones) now.
 * *blocks (may be NULL) gets the number of blocks published. -ENOENT for
 * an unknown zone, -EIO for a store failure. */
int gnsd_zones_publish(struct gnsd_zones *z, const char *zone, unsigned *blocks);

/* The signed revocation message for (priv, timestamp, pows) at the given
 * difficulty, checked as a verifier would at now. *why says what is wrong
 * on -EINVAL (weak or duplicate POWs), -ESTALE (the revocation would
 * already have expired). *expires gets its expiration. Costs 2 * Z
 * Argon2id runs. Exposed for tests with the RFC's difficulty-5 vectors. */
int gnsd_zones_make_revocation(const struct gns_zone_priv *priv, uint64_t timestamp,
                               const uint64_t pows[GNS_REVOCATION_Z], unsigned difficulty,
                               uint64_t now, uint8_t msg[GNS_REVOCATION_LEN], uint64_t *expires,
                               const char **why);

#endif
