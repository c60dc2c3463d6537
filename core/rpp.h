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
  char name[256];       /* label, "@" for apex */
  struct gns_record rd; /* rd.data is malloc'ed (owned) */
};
int gns_rpp_record_from_json(json_object *obj, const char *origin, struct gns_rpp_record *out,
                             const char **why);

/* ---- Extensions (data helper) ----
 *
 * Record object: {"name": label, "type": lower-case type ("a", "pkey",
 * "type12345" for unknown types), "rdata": {...}, "flags": [...],
 * "expiration": "<absolute microseconds since the epoch>" or "ttl":
 * "<seconds, up to 6 decimals>" for a relative expiration}. All rdata
 * values are JSON strings holding presentation-format values (numbers
 * are also accepted on input). flags: "critical", "shadow",
 * "supplemental", "private", "relative" (relative expiration; implied by
 * "ttl"), and "bitN" for any other set bit N (0 = least significant).
 * rdata fields per type:
 *   a, aaaa: address          ns: nsdname          cname: cname
 *   mx: preference, exchange  srv: priority, weight, port, target
 *   txt: txtData              soa: mname, rname, serial, refresh, retry, expire, minimum
 *   tlsa: certificateUsage, selector, matchingType, certificateAssociationData (hex)
 *   uri: priority, weight, target      cert: type, keyTag, algorithm, certificate (base64)
 *   pkey, edkey: zoneKey (zTLD)        nick: nick        leho: name
 *   redirect: name                     gns2dns: name, server
 *   vpn: protocol, peer, service
 *   box: protocol, service, recordType (lower-case type), rdata {fields of recordType}
 *   unknown types: data (hex)
 * Names on input: "@" (apex), a single relative label, or an absolute
 * name with a trailing dot that is origin itself or one label below it.
 * Labels are NFC-normalised. */

#define GNS_RPP_DEFAULT_TTL 3600u /* seconds, when neither expiration nor ttl is given */

/* Free the data of a parsed record (safe on a zeroed record). */
void gns_rpp_record_clear(struct gns_rpp_record *r);

/* Parse one record with a full error message in err ("field rdata.address:
 * not an IPv4 address"). default_ttl (seconds) is used for records with
 * neither "expiration" nor "ttl". */
int gns_rpp_record_parse(json_object *obj, const char *origin, uint64_t default_ttl,
                         struct gns_rpp_record *out, char *err, size_t errcap);

/* A whole zone: {"@type": "Zone", "name": origin, "dns": {"records": [...]}}.
 * origin may be NULL (no "name" member). */
int gns_rpp_document_to_json(const char *origin, const struct gns_rpp_record *recs, size_t n,
                             json_object **out);

/* Parse a document (as above; "dns.controls.ttl" may map lower-case type
 * names to default TTLs in seconds). On success *out is a malloc'ed array
 * of *n records; free with gns_rpp_records_free. On error err says
 * "record N, field F: reason" (N counted from 0), or names the document
 * member at fault. Absolute owner names are related to the document's
 * "name" if it has one, else to origin (which may be NULL). */
int gns_rpp_document_from_json(json_object *doc, const char *origin, struct gns_rpp_record **out,
                               size_t *n, char *err, size_t errcap);

/* The default TTL (seconds) for record rec under a document's
 * "dns.controls.ttl" object ttls (may be NULL): *def is left alone when
 * ttls has no entry for the record's type. -EINVAL with err set if the
 * entry is not a number of seconds. */
int gns_rpp_controls_default_ttl(json_object *ttls, json_object *rec, uint64_t *def, char *err,
                                 size_t errcap);

/* The same from JSON text (reports JSON syntax errors in err). */
int gns_rpp_document_parse(const char *text, size_t len, const char *origin,
                           struct gns_rpp_record **out, size_t *n, char *err, size_t errcap);

void gns_rpp_records_free(struct gns_rpp_record *recs, size_t n);

#endif
