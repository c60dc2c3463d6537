/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* zTLD: Base32GNS(ztype||zkey), RFC 9498 section 4.1, including the split
 * over several DNS labels of at most 63 characters (most significant
 * characters in the rightmost label). */
#ifndef GNS_ZTLD_H
#define GNS_ZTLD_H

#include <stddef.h>
#include "zonekey.h"

#define GNS_ZTLD_MAX 128      /* generous; a 36-byte zone id is 58 characters */
#define GNS_ZTLD_LABEL_MAX 63 /* DNS label limit used for the split */

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

/* The split itself, for any string length (used by the two functions
 * above and exposed so that it can be tested with zTLDs longer than the
 * current zone types produce). s[0..len) is cut into chunks of 63
 * characters from the left; the chunks are written right to left joined
 * by '.', e.g. 130 characters give s[126..129].s[63..125].s[0..62].
 * -ENOSPC if out (NUL-terminated) does not fit in cap. */
int gns_ztld_split(const char *s, size_t len, char *out, size_t cap);

/* Inverse of gns_ztld_split for a zTLD of total_len characters at the
 * right end of labels[0..n): reads ceil(total_len/63) rightmost labels,
 * each of which must have exactly the length the split gives it, into out
 * (NUL-terminated). *consumed gets the number of labels used. -ENOENT if
 * the labels do not have that shape, -ENOSPC if cap is too small. */
int gns_ztld_join(const char *const *labels, const size_t *lens, size_t n, size_t total_len,
                  char *out, size_t cap, size_t *consumed);

#endif
