/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Base32GNS: RFC 9498, Appendix C. */
#include <errno.h>
#include "base32gns.h"

static const char encode_table[32] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Symbol value of c, or -1. Case-insensitive; O/o decode as 0, I/i/L/l as
 * 1 and U/u as V (RFC 9498, Appendix C) to tolerate misread symbols. */
static int decode_symbol(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') c = (unsigned char)(c - 'a' + 'A');
  switch (c) {
  case 'O':
    return 0;
  case 'I':
  case 'L':
    return 1;
  case 'U':
    return 27;
  default:
    break;
  }
  for (int i = 10; i < 32; i++)
    if (encode_table[i] == c) return i;
  return -1;
}

size_t gns_base32_encoded_len(size_t n) {
  return (n * 8 + 4) / 5;
}

int gns_base32_encode(const uint8_t *in, size_t n, char *out, size_t cap) {
  size_t need = gns_base32_encoded_len(n);
  if (cap <= need) return -ENOSPC;
  uint32_t acc = 0;
  unsigned bits = 0;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    acc = (acc << 8 | in[i]) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out[o++] = encode_table[(acc >> bits) & 31];
    }
  }
  if (bits > 0) /* pad the last symbol with zero bits */
    out[o++] = encode_table[(acc << (5 - bits)) & 31];
  out[o] = '\0';
  return 0;
}

int gns_base32_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *outlen) {
  size_t nbytes = len * 5 / 8;
  if (nbytes > cap) return -ENOSPC;
  uint32_t acc = 0;
  unsigned bits = 0;
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    int v = decode_symbol((unsigned char)in[i]);
    if (v < 0) return -EINVAL;
    acc = (acc << 5 | (uint32_t)v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (uint8_t)(acc >> bits);
    }
  }
  /* Leftover bits are the encoder's zero padding; anything else means the
   * string was not produced by Base32GNS-Encode of whole bytes. */
  if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0) return -EINVAL;
  *outlen = o;
  return 0;
}
