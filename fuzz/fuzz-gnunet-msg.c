/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A byte stream from a GNUnet service, split into messages as
 * helper/gnunet-conn.c splits it. The first byte picks the largest size
 * the receiver takes (as a client's max_msg does); the rest is the
 * stream. Every message handed out must lie inside the stream, carry its
 * own size and respect the bound; the split must end on a refusal or a
 * need for more bytes, never loop. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "../helper/gnunet-msg.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  size_t max = data[0] == 0xff ? GNSD_GNUNET_MSG_MAX : GNSD_GNUNET_HDR_LEN + (size_t)data[0] * 16;
  const uint8_t *s = data + 1;
  size_t len = size - 1, pos = 0, sz = 0;
  int r;
  while ((r = gnsd_gnunet_msg_next(s + pos, len - pos, max, &sz)) == 0) {
    if (sz < GNSD_GNUNET_HDR_LEN || sz > max || sz > len - pos) __builtin_trap();
    if (gns_get_u16(s + pos) != sz) __builtin_trap();
    (void)gnsd_gnunet_msg_type(s + pos);
    pos += sz;
  }
  if (r != -EAGAIN && r != -EBADMSG) __builtin_trap();
  /* -EAGAIN only when what is left cannot be one whole message yet */
  if (r == -EAGAIN && len - pos >= GNSD_GNUNET_HDR_LEN && gns_get_u16(s + pos) <= len - pos)
    __builtin_trap();
  return 0;
}
