/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Big-endian helpers round-trip and match network byte order. */
#include "gns-util.h"
#include "check.h"

int main(void) {
  uint8_t b[8];
  gns_put_u64(b, 0x001cee8c10e25980ull); /* an expiration from the RFC vectors */
  const uint8_t want[8] = {0x00, 0x1c, 0xee, 0x8c, 0x10, 0xe2, 0x59, 0x80};
  CHECK_MEM(b, want, 8);
  CHECK(gns_get_u64(b) == 0x001cee8c10e25980ull);
  gns_put_u32(b, 65556u);
  CHECK_INT(gns_get_u32(b), 65556);
  gns_put_u16(b, 0xbeef);
  CHECK_INT(gns_get_u16(b), 0xbeef);
  return check_done("test-util");
}
