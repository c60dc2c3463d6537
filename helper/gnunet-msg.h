/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The message header of GNUnet's client protocols (GNUnet's
 * struct GNUNET_MessageHeader): every message a client and a service
 * exchange on the service's unix socket starts with its total size
 * (header included) and its type, both 16-bit big-endian. The stream has
 * no other framing, so one bad size field loses the rest of it: the
 * connection has to go (helper/gnunet-conn.c). Pure: no I/O. */
#ifndef GNSD_GNUNET_MSG_H
#define GNSD_GNUNET_MSG_H

#include <stddef.h>
#include <stdint.h>

#define GNSD_GNUNET_HDR_LEN 4u
/* The largest size the 16-bit size field can say. */
#define GNSD_GNUNET_MSG_MAX 65535u

/* The first message of the bytes buf[0..len) received on a stream: 0 and
 * *size (GNSD_GNUNET_HDR_LEN <= *size <= len) when it is complete; -EAGAIN
 * when more bytes must come first; -EBADMSG when its header says a size
 * below the header's own or above max (the stream cannot be followed
 * past it). */
int gnsd_gnunet_msg_next(const uint8_t *buf, size_t len, size_t max, size_t *size);

/* The type of a message gnsd_gnunet_msg_next accepted. */
uint16_t gnsd_gnunet_msg_type(const uint8_t *msg);

#endif
