/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Revocation parsers: the wire message (gns_revocation_parse, and the
 * checks of gns_revocation_verify that come before any Argon2 run) and the
 * saved PoW state (gns_revocation_state_from_bytes, which must round-trip
 * whatever it accepts). Verification proper is left out: mutated POWs keep
 * a seed's signature valid and would cost 32 Argon2 runs per input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "revocation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct gns_revocation rv;
  struct gns_revocation_state st;
  uint8_t back[GNS_REVOCATION_STATE_LEN];

  if (gns_revocation_parse(data, size, &rv) == 0) {
    uint8_t tbs[GNS_REVOCATION_SIGNED_LEN];
    if (size != GNS_REVOCATION_LEN) abort();
    if (gns_revocation_signed_data(rv.timestamp, &rv.zk, tbs) != 0) abort();
    (void)gns_zone_verify(&rv.zk, tbs, sizeof tbs, rv.sig);
  }
  if (gns_revocation_state_from_bytes(data, size, &st) == 0) {
    if (st.found > GNS_REVOCATION_Z) abort();
    if (gns_revocation_state_to_bytes(&st, back) != 0) abort();
    if (size != sizeof back || memcmp(back, data, size) != 0) abort();
    (void)gns_revocation_state_average(&st);
    (void)gns_revocation_state_done(&st);
  }
  return 0;
}
