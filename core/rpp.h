/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RPP JSON (draft-simmen-rpp-dns-data-01) for GNS record sets, extended
 * with GNS types (pkey, edkey, nick, leho, redirect, gns2dns, box, vpn)
 * and a per-record "flags" array. Used by gnsctl import/export and by
 * the varlink ResolveRecords reply. */
#ifndef GNS_RPP_H
#define GNS_RPP_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "record.h"

/* One record converted to an RPP JSON object {name, type, rdata:{...},
 * flags?:[...], ttl?/expiration?}. name is the owner label ("@" for apex). */
int gns_rpp_record_to_json(const char *name, const struct gns_record *rd, json_object **out);

/* Parse one RPP JSON record. *data is malloc'ed. On error *why names the
 * field at fault (static string). origin is the zone name used to make
 * absolute names relative (may be NULL). */
struct gns_rpp_record {
  char name[256];     /* label, "@" for apex */
  struct gns_record rd; /* rd.data is malloc'ed (owned) */
};
int gns_rpp_record_from_json(json_object *obj, const char *origin, struct gns_rpp_record *out,
                             const char **why);

#endif
