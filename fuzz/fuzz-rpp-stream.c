/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RPP JSON documents read in pieces: however the input is split, the
 * same records (count) and the same verdict come out, and a failure
 * comes with a message. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "rpp-stream.h"

static int count_record(void *userdata, size_t index, const struct gns_rpp_record *rec) {
  size_t *n = userdata;
  if (index != *n || !rec) abort();
  (*n)++;
  return 0;
}

static int run(const uint8_t *data, size_t size, size_t chunk, size_t *n, char *err, size_t cap) {
  struct gns_rpp_stream *st = NULL;
  if (gns_rpp_stream_new("zone.example", count_record, n, &st) < 0) abort();
  int r = 0;
  for (size_t off = 0; r == 0 && off < size; off += chunk)
    r = gns_rpp_stream_feed(st, (const char *)data + off, size - off < chunk ? size - off : chunk,
                            err, cap);
  if (r == 0) r = gns_rpp_stream_finish(st, err, cap);
  if (gns_rpp_stream_count(st) != *n) abort();
  gns_rpp_stream_free(st);
  return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 65536) return 0;
  size_t chunk = (size_t)(data[0] % 7) + 1;
  data++;
  size--;
  size_t n1 = 0, n2 = 0;
  char e1[256] = "", e2[256] = "";
  int r1 = run(data, size, size ? size : 1, &n1, e1, sizeof e1);
  int r2 = run(data, size, chunk, &n2, e2, sizeof e2);
  if (r1 != r2 || n1 != n2 || strcmp(e1, e2) != 0) abort();
  if (r1 == -EINVAL && !e1[0]) abort();
  return 0;
}
