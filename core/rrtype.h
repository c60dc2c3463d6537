/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The record type registry: names, numbers and presentation text <->
 * binary for every supported type. Presentation text is what GNUnet's
 * `gnunet-namestore -V` accepts and prints (e.g. MX "10 mx.example.com",
 * GNS2DNS "example.org@192.0.2.1", BOX "6 443 52 3 1 1 <hex>",
 * REDIRECT "www.+", PKEY/EDKEY as zTLD). */
#ifndef GNS_RRTYPE_H
#define GNS_RRTYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "A", "AAAA", ... "REDIRECT", "EDKEY"; NULL for an unknown number. */
const char *gns_rrtype_name(uint32_t type);
/* Case-insensitive lookup; also accepts decimal numbers ("65536") and
 * RFC 3597 "TYPE65536". -ENOENT if unknown. */
int gns_rrtype_from_name(const char *name, uint32_t *type);
bool gns_rrtype_is_delegation(uint32_t type); /* PKEY, EDKEY */
bool gns_rrtype_known(uint32_t type);

/* Presentation text -> binary. out is malloc'ed; caller frees. -EINVAL on
 * malformed text, with a static reason in *why if why is not NULL. */
int gns_rrtype_from_text(uint32_t type, const char *text, uint8_t **out, size_t *out_len,
                         const char **why);

/* Binary -> presentation text (malloc'ed, NUL-terminated). -EBADMSG on
 * malformed binary data. The text always parses back with
 * gns_rrtype_from_text: data that decodes but has no typed text that
 * reads back (a REDIRECT with control characters, a TXT starting with
 * "\# ") and unknown types are printed in the RFC 3597 generic form
 * "\# <length> <hex>", which from_text accepts for every type (for known
 * types the bytes are kept exactly, after gns_rrtype_check). */
int gns_rrtype_to_text(uint32_t type, const uint8_t *data, size_t len, char **out);

/* Validate binary record data of a known type (-EBADMSG if malformed;
 * unknown types are opaque and always pass). */
int gns_rrtype_check(uint32_t type, const uint8_t *data, size_t len);

/* Structured accessors for the resolver. All return 0, -EBADMSG for
 * malformed data (including invalid UTF-8 or embedded NULs in strings),
 * -ENOSPC if a string does not fit its buffer (cap includes the NUL).
 * String outputs are always NUL-terminated on success. */

/* REDIRECT (RFC 9498, 5.2.1): the name to continue with, e.g. "www.+".
 * Accepts the RFC form (NUL-terminated) and GNUnet 0.19's (no NUL). */
int gns_rrtype_parse_redirect(const uint8_t *data, size_t len, char *out, size_t cap);

/* GNS2DNS (RFC 9498, 5.2.2): DNS name to continue with and the DNS
 * server (IP address, DNS name, or relative GNS name ending in "+").
 * Accepts the RFC form (two NUL-terminated strings) and GNUnet 0.19's
 * (DNS name in DNS wire format, then the NUL-terminated server). The
 * returned name has no trailing dot. */
int gns_rrtype_parse_gns2dns(const uint8_t *data, size_t len, char *name, size_t name_cap,
                             char *server, size_t server_cap);

/* BOX (RFC 9498, 5.3.3): PROTO, SVC, TYPE and the boxed record's data
 * (*inner points into data). */
int gns_rrtype_parse_box(const uint8_t *data, size_t len, uint16_t *proto, uint16_t *svc,
                         uint32_t *type, const uint8_t **inner, size_t *inner_len);

/* LEHO and NICK (RFC 9498, 5.3.1/5.3.2): a UTF-8 string that is not
 * NUL-terminated on the wire (a single trailing NUL is tolerated). */
int gns_rrtype_parse_string(const uint8_t *data, size_t len, char *out, size_t cap);

/* VPN (GNUnet, type 65539): peer identity (32 bytes), protocol and the
 * NUL-terminated service name. */
#define GNS_VPN_PEER_LEN 32u
int gns_rrtype_parse_vpn(const uint8_t *data, size_t len, uint16_t *proto,
                         uint8_t peer[GNS_VPN_PEER_LEN], char *service, size_t cap);

/* Builders for the RFC forms (out is malloc'ed; caller frees). */
int gns_rrtype_build_redirect(const char *name, uint8_t **out, size_t *out_len);
int gns_rrtype_build_gns2dns(const char *name, const char *server, uint8_t **out, size_t *out_len);
int gns_rrtype_build_box(uint16_t proto, uint16_t svc, uint32_t type, const uint8_t *inner,
                         size_t inner_len, uint8_t **out, size_t *out_len);

#endif
