/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Base32GNS decode; whatever decodes must re-encode to a string that
 * decodes to the same bytes. */
#include <stdlib.h>
#include <string.h>
#include "base32gns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t out[1024], again[1024];
  char enc[2048];
  size_t n = 0, m = 0;
  if (size > 1000) return 0;
  if (gns_base32_decode((const char *)data, size, out, sizeof out, &n) != 0) return 0;
  if (gns_base32_encode(out, n, enc, sizeof enc) != 0) abort();
  if (gns_base32_decode(enc, strlen(enc), again, sizeof again, &m) != 0) abort();
  if (m != n || memcmp(out, again, n) != 0) abort();
  return 0;
}
