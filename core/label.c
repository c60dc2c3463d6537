/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GNS labels and names: RFC 9498 sections 5 and 8. */
#include <errno.h>
#include <idn2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uninorm.h>
#include <unistr.h>
#include "label.h"

int gns_label_check(const uint8_t *label, size_t len) {
  if (!label || len == 0) return -EINVAL;
  if (u8_check(label, len) != NULL) return -EINVAL;
  /* A label never holds the separator, and a NUL would cut it short in
   * every C API downstream. */
  if (memchr(label, '.', len) || memchr(label, 0, len)) return -EINVAL;
  if (len > GNS_LABEL_MAX) return -ENAMETOOLONG;
  /* RFC 9498, 5: labels are UTF-8 in Normalization Form C; a label that
   * differs from its NFC would derive a different zone key. */
  uint8_t buf[GNS_LABEL_MAX * 3 + 16];
  size_t n = sizeof buf;
  uint8_t *nfc = u8_normalize(UNINORM_NFC, label, len, buf, &n);
  if (!nfc) return -EINVAL;
  int r = (n == len && memcmp(nfc, label, len) == 0) ? 0 : -EILSEQ;
  if (nfc != buf) free(nfc);
  return r;
}

/* An IDNA A-label ("xn--" and Punycode, RFC 5890) as its U-label, in
 * malloc'd *out; -EINVAL if label is not a valid A-label. */
static int a_label_to_u(const uint8_t *label, size_t len, char **out) {
  if (len < 5 || len > GNS_LABEL_MAX || strncasecmp((const char *)label, "xn--", 4) != 0)
    return -EINVAL;
  char ascii[GNS_LABEL_MAX + 1];
  for (size_t i = 0; i < len; i++) {
    if (label[i] >= 0x80) return -EINVAL;
    ascii[i] = (char)(label[i] >= 'A' && label[i] <= 'Z' ? label[i] - 'A' + 'a' : label[i]);
  }
  ascii[len] = '\0';
  char *u = NULL;
  if (idn2_to_unicode_8z8z(ascii, &u, 0) != IDN2_OK || !u) return -EINVAL;
  /* idn2 decodes what is not valid IDNA too; a label that does not
   * encode back to itself is an ordinary ASCII label. */
  char *back = NULL;
  bool same = idn2_to_ascii_8z(u, &back, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) == IDN2_OK &&
              back && strcmp(back, ascii) == 0;
  idn2_free(back);
  if (!same) {
    idn2_free(u);
    return -EINVAL;
  }
  *out = u;
  return 0;
}

int gns_label_normalize(const uint8_t *label, size_t len, char *out, size_t cap, size_t *outlen) {
  if (!label || len == 0 || !out) return -EINVAL;
  if (u8_check(label, len) != NULL) return -EINVAL;
  /* RFC 9498, 5: labels are UTF-8 in NFC. A program that takes IDNs
   * (getaddrinfo with AI_IDN, a browser) hands us the A-label of what a
   * zone holds as UTF-8: both are one label, held in its UTF-8 form. */
  char *ulabel = NULL;
  if (a_label_to_u(label, len, &ulabel) == 0) {
    label = (const uint8_t *)ulabel;
    len = strlen(ulabel);
  }
  size_t n = 0;
  uint8_t *nfc = u8_normalize(UNINORM_NFC, label, len, NULL, &n);
  idn2_free(ulabel);
  if (!nfc) return errno == ENOMEM ? -ENOMEM : -EINVAL;
  int r = gns_label_check(nfc, n);
  if (r == 0 && n >= cap) r = -ENOSPC;
  if (r == 0) {
    memcpy(out, nfc, n);
    out[n] = '\0';
    if (outlen) *outlen = n;
  }
  free(nfc);
  return r;
}

int gns_name_split(const char *name, size_t len, struct gns_name_labels *out) {
  if (!name || !out) return -EINVAL;
  if (len > 0 && name[len - 1] == '.') len--;
  if (len == 0) return -EINVAL;
  if (len > GNS_NAME_MAX) return -ENAMETOOLONG;
  size_t n = 0, start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && name[i] != '.') continue;
    size_t l = i - start;
    if (l == 0) return -EINVAL;
    if (l > GNS_LABEL_MAX) return -ENAMETOOLONG;
    if (n >= GNS_MAX_LABELS) return -E2BIG;
    out->label[n] = name + start;
    out->len[n] = l;
    n++;
    start = i + 1;
  }
  out->n = n;
  return 0;
}

bool gns_name_is_gns_alt(const char *name, size_t len, size_t *prefix_len) {
  static const char suffix[] = ".gns.alt";
  const size_t sl = sizeof suffix - 1;
  if (!name) return false;
  if (len > 0 && name[len - 1] == '.') len--;
  /* At least one byte of name before the suffix, and that byte must not
   * make an empty label ("..gns.alt" has an empty label, but that is the
   * splitter's business; ".gns.alt" alone has no name at all). */
  if (len <= sl) return false;
  if (memchr(name, 0, len)) return false;
  if (strncasecmp(name + len - sl, suffix, sl) != 0) return false;
  if (prefix_len) *prefix_len = len - sl;
  return true;
}

bool gns_label_is_apex(const char *label, size_t len) {
  return label && len == 1 && label[0] == '@';
}

bool gns_name_is_relative(const char *name, size_t len, size_t *prefix_len) {
  if (!name) return false;
  if (len > 1 && name[len - 1] == '.') len--;
  if (len == 0 || name[len - 1] != '+') return false;
  if (len == 1) {
    if (prefix_len) *prefix_len = 0;
    return true;
  }
  if (name[len - 2] != '.') return false; /* "a+" is an ordinary label */
  if (len == 2) return false;             /* ".+" has an empty label */
  if (prefix_len) *prefix_len = len - 2;
  return true;
}

int gns_name_normalize(const char *name, size_t len, char *out, size_t cap, size_t *outlen) {
  if (!name || !out) return -EINVAL;
  /* NFC may grow a label, so split without the length limits first. */
  if (len > 0 && name[len - 1] == '.') len--;
  if (len == 0) return -EINVAL;
  size_t o = 0, start = 0, labels = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && name[i] != '.') continue;
    if (i == start) return -EINVAL;
    if (++labels > GNS_MAX_LABELS) return -E2BIG;
    if (o > 0) {
      if (o + 1 >= cap) return -ENOSPC;
      out[o++] = '.';
    }
    char label[GNS_LABEL_MAX + 1];
    size_t ll = 0;
    int r = gns_label_normalize((const uint8_t *)name + start, i - start, label, sizeof label, &ll);
    if (r == -ENOSPC) return -ENAMETOOLONG; /* over 63 bytes after NFC */
    if (r < 0) return r;
    if (o + ll >= cap) return -ENOSPC;
    memcpy(out + o, label, ll);
    o += ll;
    start = i + 1;
  }
  if (o > GNS_NAME_MAX) return -ENAMETOOLONG;
  out[o] = '\0';
  if (outlen) *outlen = o;
  return 0;
}
