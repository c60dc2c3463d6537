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
/* Case-insensitive lookup; also accepts decimal numbers. -ENOENT if unknown. */
int gns_rrtype_from_name(const char *name, uint32_t *type);
bool gns_rrtype_is_delegation(uint32_t type); /* PKEY, EDKEY */
bool gns_rrtype_known(uint32_t type);

/* Presentation text -> binary. out is malloc'ed; caller frees. -EINVAL on
 * malformed text, with a static reason in *why if why is not NULL. */
int gns_rrtype_from_text(uint32_t type, const char *text, uint8_t **out, size_t *out_len,
                         const char **why);

/* Binary -> presentation text (malloc'ed, NUL-terminated). -EBADMSG on
 * malformed binary data. */
int gns_rrtype_to_text(uint32_t type, const uint8_t *data, size_t len, char **out);

/* Validate binary record data of a known type. */
int gns_rrtype_check(uint32_t type, const uint8_t *data, size_t len);

#endif
