/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Resource records and RDATA: RFC 9498 sections 5 and 6.2. */
#ifndef GNS_RECORD_H
#define GNS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Flags on the wire (RFC 9498, 5: bit 15 is the least significant). */
#define GNS_RF_CRITICAL 0x0001u
#define GNS_RF_SHADOW 0x0002u
#define GNS_RF_SUPPLEMENTAL 0x0004u
/* Local-only flags (same bits as GNUnet's namestore); never published. */
#define GNS_RF_RELATIVE_EXPIRATION 0x4000u
#define GNS_RF_PRIVATE 0x8000u
#define GNS_RF_LOCAL_ONLY (GNS_RF_RELATIVE_EXPIRATION | GNS_RF_PRIVATE)

/* Record types (RFC 9498, 10.1 and DNS). */
enum {
  GNS_TYPE_A = 1,
  GNS_TYPE_NS = 2,
  GNS_TYPE_CNAME = 5,
  GNS_TYPE_SOA = 6,
  GNS_TYPE_MX = 15,
  GNS_TYPE_TXT = 16,
  GNS_TYPE_AAAA = 28,
  GNS_TYPE_SRV = 33,
  GNS_TYPE_DS = 43,
  GNS_TYPE_CERT = 37,
  GNS_TYPE_TLSA = 52,
  GNS_TYPE_URI = 256,
  GNS_TYPE_PKEY = 65536,
  GNS_TYPE_NICK = 65537,
  GNS_TYPE_LEHO = 65538,
  GNS_TYPE_VPN = 65539,
  GNS_TYPE_GNS2DNS = 65540,
  GNS_TYPE_BOX = 65541,
  GNS_TYPE_REDIRECT = 65551,
  GNS_TYPE_EDKEY = 65556,
};

/* The flags' names in JSON (RPP "flags" arrays, alt.gns.Zone records), in
 * the order they are listed. One table for every place that prints or
 * reads them. */
struct gns_record_flag_name {
  uint16_t bit;
  const char *name;
};
extern const struct gns_record_flag_name gns_record_flag_names[];
extern const size_t gns_record_flag_names_n;

/* One record. data points into caller-owned memory (for parsed RDATA:
 * into the RDATA buffer). expiration is absolute microseconds since the
 * epoch, or relative microseconds if GNS_RF_RELATIVE_EXPIRATION is set. */
struct gns_record {
  uint64_t expiration;
  uint32_t type;
  uint16_t flags;
  uint16_t data_len;
  const uint8_t *data;
};

#define GNS_RECORD_HEADER_LEN 16u /* EXPIRATION(8) SIZE(2) FLAGS(2) TYPE(4) */
#define GNS_RDATA_MAX 65536u      /* refuse to build larger record sets */
/* The most records under one label: what gnsd's resolver answers and so
 * what its zones accept (a larger set could never be resolved). */
#define GNS_RECORDS_MAX 256u

/* Size of the RDATA for n records, including the padding to a power of
 * two (RFC 9498, 6.2; delegation-only record sets are not padded). */
int gns_rdata_size(const struct gns_record *rd, size_t n, size_t *size);

/* Serialise n records into out (exactly gns_rdata_size bytes, padding
 * zeroed). Local-only flags are stripped; relative expirations must have
 * been made absolute by the caller (-EINVAL otherwise). */
int gns_rdata_serialize(const struct gns_record *rd, size_t n, uint8_t *out, size_t cap,
                        size_t *outlen);

/* Parse RDATA (padding allowed and ignored). rd[i].data points into buf.
 * -EBADMSG on truncation, -E2BIG if more than max records. */
int gns_rdata_parse(const uint8_t *buf, size_t len, struct gns_record *rd, size_t max, size_t *n);

/* RRBLOCK expiration of a record set (RFC 9498, 6.3): for each type the
 * maximum expiration (shadow records included), then the minimum over
 * types. Relative expirations count as now + value. */
uint64_t gns_rdata_block_expiration(const struct gns_record *rd, size_t n, uint64_t now);

/* Records the resolver should see at time now: expired ones dropped, SHADOW
 * records kept only if no unexpired non-shadow record of that type exists
 * (RFC 9498, 5). Compacts rd in place, returns the new count. */
size_t gns_records_filter_live(struct gns_record *rd, size_t n, uint64_t now);

/* Delegation (PKEY, EDKEY) and redirection (REDIRECT, GNS2DNS) types:
 * never under the apex label, always CRITICAL (RFC 9498, 5.1 and 5.2),
 * and alone under their label (below). */
bool gns_record_type_is_exclusive(uint32_t type);

/* The rules for the records a zone may publish under one label (RFC 9498,
 * 5), checked before they are stored; the resolver applies its own side
 * of them in 7.3 (resolver.c):
 * - no two records with the same type, value and SHADOW flag;
 * - a delegation (PKEY, EDKEY; 5.1) or a REDIRECT (5.2.1) is the only
 *   non-supplemental record, shadow copies of it aside;
 * - GNS2DNS goes with GNS2DNS and DS only (5.2.2);
 * - the published part (all but GNS_RF_PRIVATE) fits in one block and
 *   has at most GNS_RECORDS_MAX records.
 * rd[0..n_old) are the records already stored, rd[n_old..n) the new
 * ones. On -EINVAL, *bad is the index of the record to blame (a new one
 * where possible; n if there is no new one) and *why the rule, with its
 * section. -ENOMEM. */
int gns_record_set_check(const struct gns_record *rd, size_t n, size_t n_old, size_t *bad,
                         const char **why);

#endif
