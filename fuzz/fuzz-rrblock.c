/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz RRBLOCK checking and decryption with the fixed zone keys and
 * labels of RFC 9498, D.2. Nothing may crash; a block that verifies
 * against q of (zone, label) and decrypts must decrypt the same twice. */
#include <stdlib.h>
#include <string.h>
#include "gns-util.h"
#include "rrblock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ztype || zkey of the D.2 PKEY and EDKEY zones. */
static const uint8_t zid_pkey[GNS_ZONE_ID_LEN] = {
    0x00, 0x01, 0x00, 0x00, 0x67, 0x7c, 0x47, 0x7d, 0x2d, 0x93, 0x09, 0x7c,
    0x85, 0xb1, 0x95, 0xc6, 0xf9, 0x6d, 0x84, 0xff, 0x61, 0xf5, 0x98, 0x2c,
    0x2c, 0x4f, 0xe0, 0x2d, 0x5a, 0x11, 0xfe, 0xdf, 0xb0, 0xc2, 0x90, 0x1f};
static const uint8_t zid_edkey[GNS_ZONE_ID_LEN] = {
    0x00, 0x01, 0x00, 0x14, 0x3c, 0xf4, 0xb9, 0x24, 0x03, 0x20, 0x22, 0xf0,
    0xdc, 0x50, 0x58, 0x14, 0x53, 0xb8, 0x5d, 0x93, 0xb0, 0x47, 0xb6, 0x3d,
    0x44, 0x6c, 0x58, 0x45, 0xcb, 0x48, 0x44, 0x5d, 0xdb, 0x96, 0x68, 0x8f};
static const char *const labels[] = {"testdelegation",
                                     "\xe5\xa4\xa9\xe4\xb8\x8b\xe7\x84\xa1\xe6\x95\xb5"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct gns_zone_key zk;
  uint8_t q[GNS_Q_LEN], *rd = NULL, *rd2 = NULL;
  size_t rdl = 0, rdl2 = 0;

  (void)gns_rrblock_expiration(data, size);
  (void)gns_rrblock_query_of(data, size, q);
  int v = gns_rrblock_verify(data, size, NULL, 0);
  const uint8_t *zid = size >= 8 && gns_get_u32(data + 4) == GNS_ZTYPE_EDKEY ? zid_edkey : zid_pkey;
  if (gns_zone_key_from_bytes(zid, sizeof zid_pkey, &zk) != 0) abort();
  for (size_t i = 0; i < 2; i++) {
    const uint8_t *l = (const uint8_t *)labels[i];
    size_t ll = strlen(labels[i]);
    if (gns_rrblock_decrypt(data, size, &zk, l, ll, &rd, &rdl) == 0) {
      if (rdl > size) abort();
      free(rd);
    }
    if (gns_rrblock_open(data, size, &zk, l, ll, 0, &rd, &rdl) == 0) {
      if (v != 0) abort(); /* open implies verify */
      if (gns_rrblock_decrypt(data, size, &zk, l, ll, &rd2, &rdl2) != 0) abort();
      if (rdl != rdl2 || memcmp(rd, rd2, rdl) != 0) abort();
      free(rd);
      free(rd2);
    }
  }
  return 0;
}
