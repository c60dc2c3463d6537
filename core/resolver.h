/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The GNS resolution state machine: RFC 9498 section 7. Pure: it never
 * does I/O. The driver (gnsd) asks what it needs next with
 * gns_resolution_step(), fetches it (blocks by q from storage/DHT, DNS
 * answers via c-ares) and hands it back with the supply functions.
 * Revocations are looked up through a synchronous callback. */
#ifndef GNS_RESOLVER_H
#define GNS_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "record.h"
#include "rrblock.h"
#include "zonekey.h"

struct gns_resolution;

/* Zero fields mean the default. */
struct gns_resolver_limits {
  unsigned max_depth;      /* delegations + redirects followed; default 16 */
  unsigned max_records;    /* per answer; default 256 */
  size_t max_answer_bytes; /* default 64 KiB */
  /* RFC 9498, 7.3.2: "GNS resolvers SHOULD offer a configuration option
   * to disable DNS processing". When set, GNS2DNS and REDIRECT/CNAME to
   * DNS names give an empty record set and no NEED_DNS step. */
  bool disable_dns;
};

/* Start zone determination: RFC 9498 section 7.1. */
struct gns_suffix_map {
  const char *suffix; /* e.g. "example" or "pin.gns.alt"-less form "pin" */
  struct gns_zone_key zk;
};

/* Synchronous hooks into the driver. */
struct gns_resolver_hooks {
  /* True if zk is revoked (locally stored, verified, not stale). */
  bool (*is_revoked)(void *userdata, const struct gns_zone_key *zk);
  void *userdata;
  /* Suffix-to-zone mappings used when a REDIRECT, CNAME or GNS2DNS server
   * name ends in ".gns.alt" (so that such names stay inside the resolver,
   * RFC 9498, 7.3.1 loop detection). Copied by gns_resolution_new. */
  const struct gns_suffix_map *maps;
  size_t n_maps;
};

enum gns_step_kind {
  GNS_STEP_NEED_BLOCK, /* fetch the block for need.q; then supply_block */
  GNS_STEP_NEED_DNS,   /* query need.dns_name/type at need.dns_servers; then supply_dns */
  GNS_STEP_DONE,       /* records are ready: gns_resolution_result() */
  GNS_STEP_FAILED,     /* gns_resolution_error() says why */
};

struct gns_step {
  enum gns_step_kind kind;
  /* NEED_BLOCK: q, and the zone the block belongs to (the driver may
   * check that zone's revocation with the network first, RFC 9498, 4.2) */
  uint8_t q[GNS_Q_LEN];
  struct gns_zone_key zone;
  /* NEED_BLOCK: the label q is for (NFC, "@" for the apex), so that the
   * driver can open the block itself, e.g. on a worker thread:
   * gns_rrblock_verify against q, gns_rrblock_decrypt with zone and label,
   * then gns_resolution_supply_rdata */
  const char *label;
  size_t label_len;
  /* NEED_DNS: ASCII (IDNA-converted) name and server IP address strings.
   * dns_type 0 means "A and AAAA" (the driver asks both and supplies the
   * union). n_dns_servers == 0 means the system's recursive resolver
   * (REDIRECT/CNAME to a DNS name, or the address of a GNS2DNS server given
   * by DNS name); otherwise the driver must resolve recursively starting
   * at those servers (RFC 9498, 7.3.2) and may try them in any order. */
  const char *dns_name;
  uint16_t dns_type;
  const char *const *dns_servers;
  size_t n_dns_servers;
  /* NEED_DNS for GNS2DNS with DS records stored beside it (RFC 9498,
   * 7.3.2): the driver validates the answer with DNSSEC, these DS records
   * (DNS RDATA) as the trust anchor of dns_zone (ASCII, the GNS2DNS DNS
   * name), and supplies -EKEYREJECTED for a bogus answer. n_dns_ds == 0:
   * no DS, no validation. */
  const char *dns_zone;
  const struct gns_record *dns_ds;
  size_t n_dns_ds;
};

/* Errors reported by gns_resolution_error() (negative errno style):
 *   -ENOENT      NoSuchName (name or record does not exist)
 *   -EINVAL      InvalidName
 *   -EKEYREVOKED ZoneRevoked
 *   -EPROTONOSUPPORT CriticalRecordUnsupported
 *   -ELOOP       ResolutionLoop (depth or loop limit)
 *   -EIO         storage/DNS failure
 *   -EKEYREJECTED a DNS answer failed DNSSEC validation (GNS2DNS with DS)
 *   -E2BIG       answer too large
 *   -EBADMSG     zone data that RFC 9498 forbids (delegation under the apex,
 *                several delegations or a delegation beside other records,
 *                GNS2DNS records with different DNS names, malformed
 *                delegation/redirect data) */

/* Start resolving name (the labels left of the start zone, dot separated,
 * "" for the apex) in start zone zk, for record type type (0 = any).
 * Labels are UTF-8; they are NFC-normalised here. */
int gns_resolution_new(const struct gns_zone_key *zk, const char *name, uint32_t type,
                       const struct gns_resolver_limits *limits,
                       const struct gns_resolver_hooks *hooks, struct gns_resolution **out);
void gns_resolution_free(struct gns_resolution *r);

/* What to do next, at time now (microseconds since the epoch). Pointers in
 * *step stay valid until the next call into r. */
int gns_resolution_step(struct gns_resolution *r, uint64_t now, struct gns_step *step);

/* Hand back the block for the q of the last NEED_BLOCK step; block == NULL
 * means none was found. The resolver verifies it (q, expiry, signature);
 * a bad block returns -EBADMSG and the step stays NEED_BLOCK so the driver
 * may try another source. */
int gns_resolution_supply_block(struct gns_resolution *r, const uint8_t *block, size_t len,
                                uint64_t now);

/* The same for a block the driver verified itself earlier for this very
 * q (its block cache): skips the signature check, keeps the expiry check,
 * decrypts. Do not pass unverified data here. */
int gns_resolution_supply_verified_block(struct gns_resolution *r, const uint8_t *block, size_t len,
                                         uint64_t now);

/* Hand back the RDATA of a block for q, the q of the last NEED_BLOCK step,
 * that the driver opened itself: verified against q (gns_rrblock_verify)
 * and decrypted with that step's zone and label. expiration is the
 * block's; an expired block is refused as gns_resolution_supply_block
 * refuses it. -EBADMSG (expired, or RDATA that does not parse) leaves
 * the step at NEED_BLOCK; -ESTALE: q is not the q wanted now. rdata is
 * copied. Do not pass RDATA of a block that was not verified. */
int gns_resolution_supply_rdata(struct gns_resolution *r, const uint8_t q[GNS_Q_LEN],
                                const uint8_t *rdata, size_t len, uint64_t expiration,
                                uint64_t now);

/* Hand back DNS answer records (data in DNS RDATA form, which is the GNS
 * form for DNS types), rcode 0 on success or -ENOENT/-EIO. */
int gns_resolution_supply_dns(struct gns_resolution *r, int error, const struct gns_record *rd,
                              size_t n);

/* Result of a DONE resolution. Pointers valid until gns_resolution_free. */
int gns_resolution_result(const struct gns_resolution *r, const struct gns_record **rd, size_t *n);
/* Canonical name from LEHO or the final name after REDIRECT/CNAME; NULL if none. */
const char *gns_resolution_canonical_name(const struct gns_resolution *r);
/* The zone resolution is in now: after a NEED_BLOCK step, the zone whose
 * block is wanted. */
const struct gns_zone_key *gns_resolution_zone(const struct gns_resolution *r);
/* zTLD-encoded key of the zone that answered. */
const struct gns_zone_key *gns_resolution_answer_zone(const struct gns_resolution *r);
int gns_resolution_error(const struct gns_resolution *r);
/* For -EPROTONOSUPPORT: the record type that stopped resolution (0 if the
 * reason was an unsupported zone type of the start zone). */
uint32_t gns_resolution_error_type(const struct gns_resolution *r);
/* Earliest expiration (absolute microseconds) of every record the answer
 * depends on: delegations, redirects, GNS2DNS, the final set. UINT64_MAX
 * if none. For the driver's answer cache. */
uint64_t gns_resolution_expiration(const struct gns_resolution *r);
/* Delegations + redirects followed so far (for statistics). */
unsigned gns_resolution_depth(const struct gns_resolution *r);

/* Start zone determination: RFC 9498 section 7.1.
 * name is the part before ".gns.alt". Tries a zTLD at the right end
 * (possibly split over labels), then the longest matching suffix.
 * On success *rest gets the length of the remaining left part (without
 * the separating dot). -ENOENT if no start zone; -EINVAL if two suffixes
 * of equal length match (configuration error). */
int gns_start_zone_find(const char *name, size_t len, const struct gns_suffix_map *maps,
                        size_t n_maps, struct gns_zone_key *zk, size_t *rest);

#endif
