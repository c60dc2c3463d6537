/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GNUnet message framing (gnunet-msg.h). */
#include "config.h"

#include <errno.h>

#include "gns-util.h"
#include "gnunet-msg.h"

int gnsd_gnunet_msg_next(const uint8_t *buf, size_t len, size_t max, size_t *size) {
  if (len < GNSD_GNUNET_HDR_LEN) return -EAGAIN;
  size_t sz = gns_get_u16(buf);
  /* A size below the header would never advance the stream; one above
   * what the caller can hold would never complete. */
  if (sz < GNSD_GNUNET_HDR_LEN || sz > max) return -EBADMSG;
  if (len < sz) return -EAGAIN;
  *size = sz;
  return 0;
}

uint16_t gnsd_gnunet_msg_type(const uint8_t *msg) {
  return gns_get_u16(msg + 2);
}
