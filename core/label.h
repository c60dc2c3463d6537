/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GNS labels and names: RFC 9498 sections 5 and 8 (UTF-8, NFC), the apex
 * label "@" and the relative-name suffix "+". */
#ifndef GNS_LABEL_H
#define GNS_LABEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GNS_LABEL_MAX 63 /* bytes per label */
#define GNS_NAME_MAX 253 /* bytes per name (DNS-compatible) */
#define GNS_LABEL_APEX "@"
#define GNS_MAX_LABELS 128

/* Validate one label: non-empty, <= 63 bytes, valid UTF-8, no '.', and
 * already in NFC. 0, or -EINVAL (bad UTF-8, empty, dot), -ENAMETOOLONG,
 * -EILSEQ (not NFC). */
int gns_label_check(const uint8_t *label, size_t len);

/* NFC-normalise a label into out (NUL-terminated), then check it. An
 * IDNA A-label ("xn--...", any case) becomes its U-label first: the two
 * are one GNS label. */
int gns_label_normalize(const uint8_t *label, size_t len, char *out, size_t cap, size_t *outlen);

/* Split a name into labels (pointers into name, no copies). A single
 * trailing dot is allowed. Empty labels (and the empty name) are -EINVAL;
 * a label over 63 bytes or a name over 253 bytes is -ENAMETOOLONG; more
 * than GNS_MAX_LABELS labels is -E2BIG. Labels are not checked further. */
struct gns_name_labels {
  size_t n;
  const char *label[GNS_MAX_LABELS];
  size_t len[GNS_MAX_LABELS];
};
int gns_name_split(const char *name, size_t len, struct gns_name_labels *out);

/* Case-insensitive check that name ends in ".gns.alt" (or ".gns.alt.").
 * On success *prefix_len is the length of the part before ".gns.alt".
 * "gns.alt" alone, ".gns.alt" and "xgns.alt" are not GNS names. */
bool gns_name_is_gns_alt(const char *name, size_t len, size_t *prefix_len);

/* True if label is the apex label "@". */
bool gns_label_is_apex(const char *label, size_t len);

/* RFC 9498, 5.2.1: a name whose rightmost label is the extension label
 * "+" is relative to the zone it was found in. If so, *prefix_len is the
 * length of the labels before ".+" (0 for "+" alone, meaning the apex).
 * A single trailing dot after "+" is allowed. */
bool gns_name_is_relative(const char *name, size_t len, size_t *prefix_len);

/* NFC-normalise every label of a name (which is split, checked with
 * gns_label_check after normalisation, and re-joined with '.', without
 * a trailing dot) into out (NUL-terminated). Errors as gns_name_split and
 * gns_label_check, -ENOSPC if out is too small. */
int gns_name_normalize(const char *name, size_t len, char *out, size_t cap, size_t *outlen);

#endif
