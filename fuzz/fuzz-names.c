/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the two name filters of issue 12: the NSS module's classification
 * (with RFC 1035 escapes, nss/hostent.c, compiled in here) and label
 * normalisation with IDNA A-labels (core/label.c). A label's normal form
 * must be its own normal form, and a name that unescapes into .gns.alt is
 * never left to DNS. */
#include <stdlib.h>
#include <string.h>
#include "../nss/hostent.c"
#include "label.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (!s) return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  size_t len = 0;
  enum gns_hostent_name_class c = gns_hostent_classify(s, &len);
  if (c == GNS_HOSTENT_NAME_GNS && (len == 0 || len > strlen(s))) abort();
  /* the same name with its last letter escaped is never NOT_GNS if the
   * plain name is ours */
  size_t n = strlen(s);
  if (c != GNS_HOSTENT_NAME_NOT_GNS && n > 0 && n < 200 && s[n - 1] >= 'a' && s[n - 1] <= 'z' &&
      !memchr(s, '\\', n)) {
    char esc[256];
    snprintf(esc, sizeof esc, "%.*s\\%03d", (int)(n - 1), s, (unsigned char)s[n - 1]);
    if (gns_hostent_classify(esc, &len) == GNS_HOSTENT_NAME_NOT_GNS) abort();
  }

  char out[GNS_LABEL_MAX + 1], again[GNS_LABEL_MAX + 1];
  size_t ol = 0, al = 0;
  if (size > 0 && gns_label_normalize(data, size, out, sizeof out, &ol) == 0) {
    if (ol != strlen(out)) abort();
    if (gns_label_normalize((const uint8_t *)out, ol, again, sizeof again, &al) != 0) abort();
    if (al != ol || memcmp(out, again, ol) != 0) abort();
  }
  free(s);
  return 0;
}
