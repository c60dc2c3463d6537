/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Responses of gnunet-service-revocation as a broken or hostile service
 * could send them. */
#include <stddef.h>
#include <stdint.h>

#include "../helper/revocation-msg.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint16_t type = 0;
  uint32_t v = 2;
  if (gnsd_rev_parse_response(data, size, &type, &v) != 0) return 0;
  if (size != GNSD_REV_RESPONSE_LEN || v > 1) __builtin_trap();
  if (type != GNSD_REV_MSG_QUERY_RESPONSE && type != GNSD_REV_MSG_REVOKE_RESPONSE) __builtin_trap();
  return 0;
}
