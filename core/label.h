/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GNS labels and names: RFC 9498 sections 5 and 8 (UTF-8, NFC), the apex
 * label "@" and the relative-name suffix "+". */
#ifndef GNS_LABEL_H
#define GNS_LABEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GNS_LABEL_MAX 63     /* bytes per label */
#define GNS_NAME_MAX 253     /* bytes per name (DNS-compatible) */
#define GNS_LABEL_APEX "@"
#define GNS_MAX_LABELS 128

/* Validate one label: non-empty, <= 63 bytes, valid UTF-8, no '.', and
 * already in NFC. 0, or -EINVAL (bad UTF-8, empty, dot), -ENAMETOOLONG,
 * -EILSEQ (not NFC). */
int gns_label_check(const uint8_t *label, size_t len);

/* NFC-normalise a label into out (NUL-terminated), then check it. */
int gns_label_normalize(const uint8_t *label, size_t len, char *out, size_t cap, size_t *outlen);

/* Split a name into labels (pointers into name, no copies). A single
 * trailing dot is allowed. Empty labels are -EINVAL. */
struct gns_name_labels {
  size_t n;
  const char *label[GNS_MAX_LABELS];
  size_t len[GNS_MAX_LABELS];
};
int gns_name_split(const char *name, size_t len, struct gns_name_labels *out);

/* Case-insensitive check that name ends in ".gns.alt" (or ".gns.alt.").
 * On success *prefix_len is the length of the part before ".gns.alt". */
bool gns_name_is_gns_alt(const char *name, size_t len, size_t *prefix_len);

#endif
