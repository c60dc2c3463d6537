/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gnunet-service-dht RESULT messages as a peer or a broken service could
 * send them: parse, then judge against the key the message claims (so
 * that well-formed input reaches gns_rrblock_verify). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../helper/dht-msg.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct gnsd_dht_result r;
  if (gnsd_dht_result_parse(data, size, &r) != 0) return 0;
  /* Every pointer must stay inside the message. */
  if (r.data < data || r.data + r.data_len != data + size) __builtin_trap();
  uint8_t q[64];
  memcpy(q, r.key, sizeof q);
  (void)gnsd_dht_result_check(&r, q, 65536 + 200, 1700000000000000ull);
  return 0;
}
