/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RDATA parse; what parses must re-serialise (when it fits) and parse
 * back to the same records. Also exercises expiration, the filter and
 * the record set rules (blame stays in range, a set that passes still
 * passes without its last record). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "gns-util.h"
#include "record.h"

#define MAXREC 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static struct gns_record rd[MAXREC], back[MAXREC];
  static uint8_t out[GNS_RDATA_MAX];
  size_t n = 0, m = 0, len = 0;
  if (gns_rdata_parse(data, size, rd, MAXREC, &n) != 0) return 0;
  uint64_t now = size >= 8 ? gns_get_u64(data) : 0;
  (void)gns_rdata_block_expiration(rd, n, now);
  size_t n_old = size > 0 ? data[0] % (n + 1) : 0, bad = 0;
  const char *why = NULL;
  int c = gns_record_set_check(rd, n, n_old, &bad, &why);
  if (c == -EINVAL && (!why || bad > n || bad < n_old)) abort();
  if (c == 0 && n > 0 && gns_record_set_check(rd, n - 1, 0, &bad, &why) != 0) abort();
  for (size_t i = 0; i < n; i++)
    rd[i].flags &= (uint16_t)~GNS_RF_LOCAL_ONLY;
  if (gns_rdata_serialize(rd, n, out, sizeof out, &len) == 0) {
    size_t want = 0;
    if (gns_rdata_size(rd, n, &want) != 0 || want != len) abort();
    if (gns_rdata_parse(out, len, back, MAXREC, &m) != 0) abort();
    /* a record whose header is all zero ends the set: compare up to it */
    size_t k = 0;
    while (k < n &&
           !(rd[k].expiration == 0 && rd[k].data_len == 0 && rd[k].flags == 0 && rd[k].type == 0))
      k++;
    if (m != k) abort();
    for (size_t i = 0; i < m; i++)
      if (back[i].expiration != rd[i].expiration || back[i].type != rd[i].type ||
          back[i].flags != rd[i].flags || back[i].data_len != rd[i].data_len ||
          memcmp(back[i].data, rd[i].data, rd[i].data_len) != 0)
        abort();
  }
  size_t live = gns_records_filter_live(rd, n, now);
  if (live > n) abort();
  return 0;
}
