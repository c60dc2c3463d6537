/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* zTLD: Base32GNS(ztype||zkey), RFC 9498 section 4.1, including the split
 * over several DNS labels of at most 63 characters (most significant
 * characters in the rightmost label). */
#ifndef GNS_ZTLD_H
#define GNS_ZTLD_H

#include <stddef.h>
#include "zonekey.h"

#define GNS_ZTLD_MAX 128 /* generous; a 36-byte zone id is 58 characters */

/* zTLD string of zk, NUL-terminated. */
int gns_ztld_encode(const struct gns_zone_key *zk, char *out, size_t cap);

/* The same, split into labels of at most 63 characters joined by '.'. */
int gns_ztld_encode_split(const struct gns_zone_key *zk, char *out, size_t cap);

/* Decode one zTLD string (no dots). -EINVAL if not Base32GNS or wrong
 * length, -EPROTONOSUPPORT for an unknown ztype. */
int gns_ztld_decode(const char *s, size_t len, struct gns_zone_key *out);

/* Given the labels of a name (labels[0] leftmost) find a zTLD at its
 * right end, possibly split over several labels. On success *consumed is
 * the number of rightmost labels that made up the zTLD. -ENOENT if the
 * rightmost label(s) are not a zTLD. */
int gns_ztld_decode_labels(const char *const *labels, const size_t *lens, size_t n,
                           struct gns_zone_key *out, size_t *consumed);

#endif
