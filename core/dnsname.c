/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNS names in uncompressed wire format (RFC 1035, 3.1). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include "dnsname.h"

/* Bytes we accept inside a label: printable ASCII without the dot. The
 * backslash is allowed because it cannot be confused with anything in
 * our (escape-free) text form. */
static bool label_byte_ok(uint8_t c) {
  return c > 0x20 && c < 0x7f && c != '.';
}

int gns_dnsname_to_wire(const char *name, size_t len, uint8_t *out, size_t cap, size_t *outlen) {
  if (!name) return -EINVAL;
  /* One trailing dot is optional; "." alone (or "") is the root. */
  if (len > 0 && name[len - 1] == '.') len--;
  size_t o = 0, start = 0;
  if (len > 0) {
    for (size_t i = 0; i <= len; i++) {
      if (i < len && name[i] != '.') {
        if (!label_byte_ok((uint8_t)name[i])) return -EINVAL;
        continue;
      }
      size_t l = i - start;
      if (l == 0) return -EINVAL;
      if (l > 63) return -EINVAL;
      if (o + 1 + l + 1 > GNS_DNSNAME_WIRE_MAX) return -ENAMETOOLONG;
      if (o + 1 + l > cap) return -ENOSPC;
      out[o] = (uint8_t)l;
      memcpy(out + o + 1, name + start, l);
      o += 1 + l;
      start = i + 1;
    }
  }
  if (o + 1 > cap) return -ENOSPC;
  out[o++] = 0;
  if (outlen) *outlen = o;
  return 0;
}

int gns_dnsname_from_wire(const uint8_t *buf, size_t len, size_t *off, char *out, size_t cap) {
  if (!buf || !off || !out || cap == 0) return -EINVAL;
  size_t p = *off, o = 0, wire = 0;
  for (;;) {
    if (p >= len) return -EBADMSG;
    uint8_t l = buf[p++];
    wire += 1u + l;
    if (wire > GNS_DNSNAME_WIRE_MAX) return -EBADMSG;
    if (l == 0) break;
    if (l > 63) return -EBADMSG; /* compression pointer or reserved */
    if (l > len - p) return -EBADMSG;
    if (o > 0) {
      if (o + 1 >= cap) return -ENOSPC;
      out[o++] = '.';
    }
    if (o + l >= cap) return -ENOSPC;
    for (size_t i = 0; i < l; i++) {
      if (!label_byte_ok(buf[p + i])) return -EBADMSG;
      out[o++] = (char)buf[p + i];
    }
    p += l;
  }
  if (o == 0) {
    if (cap < 2) return -ENOSPC;
    out[o++] = '.';
  }
  out[o] = '\0';
  *off = p;
  return 0;
}
