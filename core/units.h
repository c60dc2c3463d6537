/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Duration and size parsing shared by gnsd.conf and gnsctl. */
#ifndef GNS_UNITS_H
#define GNS_UNITS_H

#include <stdint.h>

/* A decimal number at *p (digits only, no sign); *p is moved past it.
 * -EINVAL if there is no digit, -ERANGE on overflow. */
int gns_parse_u64(const char **p, uint64_t *out);
/* "500ms", "5s", "10m", "4h", "7d", "1w", "1y" (365d), "250us", "1h30m"; a bare number
 * is seconds. -EINVAL if malformed, -ERANGE on overflow. */
int gns_parse_duration(const char *s, uint64_t *usec);
/* "512", "512K", "16M", "1G" (powers of 1024; "KiB"/"KB"/"B" accepted). */
int gns_parse_size(const char *s, uint64_t *bytes);

#endif
