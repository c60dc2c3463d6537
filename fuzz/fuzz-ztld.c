/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz zTLD parsing: the input is a dotted name. Whatever decodes must
 * re-encode to an equivalent zTLD, and the label split must invert. */
#include <stdlib.h>
#include <string.h>
#include "ztld.h"

#define MAX_LABELS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  struct gns_zone_key zk, zk2;
  char enc[GNS_ZTLD_MAX], split[512], joined[512];

  if (gns_ztld_decode(s, size, &zk) == 0) {
    if (gns_ztld_encode(&zk, enc, sizeof enc) != 0) abort();
    if (gns_ztld_decode(enc, strlen(enc), &zk2) != 0 || !gns_zone_key_equal(&zk, &zk2)) abort();
  }

  /* Cut into labels at '.' (labels point into the input). */
  const char *labels[MAX_LABELS];
  size_t lens[MAX_LABELS], n = 0, start = 0;
  for (size_t i = 0; i <= size && n < MAX_LABELS; i++)
    if (i == size || s[i] == '.') {
      labels[n] = s + start;
      lens[n] = i - start;
      n++;
      start = i + 1;
    }
  size_t consumed = 0;
  if (gns_ztld_decode_labels(labels, lens, n, &zk, &consumed) == 0) {
    if (consumed < 1 || consumed > n) abort();
    if (gns_ztld_encode_split(&zk, enc, sizeof enc) != 0) abort();
  }

  /* Split and join are inverses for any string up to 400 characters. */
  if (size <= 400 && !memchr(s, '.', size) && !memchr(s, '\0', size)) {
    if (gns_ztld_split(s, size, split, sizeof split) != 0) abort();
    const char *l2[8];
    size_t n2 = 0, st = 0, len2 = strlen(split);
    if (len2 != size + (size ? (size - 1) / 63 : 0)) abort();
    for (size_t i = 0; i <= len2 && n2 < 8; i++)
      if (i == len2 || split[i] == '.') {
        l2[n2] = split + st;
        lens[n2] = i - st;
        n2++;
        st = i + 1;
      }
    if (size > 0) {
      if (gns_ztld_join(l2, lens, n2, size, joined, sizeof joined, &consumed) != 0) abort();
      if (consumed != n2 || memcmp(joined, s, size) != 0) abort();
    }
  }
  return 0;
}
