/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Base32GNS: RFC 9498, Appendix C (Crockford Base32 with the decoder's
 * aliases O->0, I/L->1, U->V, case-insensitive). */
#ifndef GNS_BASE32GNS_H
#define GNS_BASE32GNS_H

#include <stddef.h>
#include <stdint.h>

/* Characters needed to encode n bytes (without the terminating NUL). */
size_t gns_base32_encoded_len(size_t n);

/* Encode n bytes into out (NUL-terminated). -ENOSPC if cap is too small. */
int gns_base32_encode(const uint8_t *in, size_t n, char *out, size_t cap);

/* Decode len characters. *outlen gets the number of whole bytes decoded.
 * -EINVAL on a character outside the alphabet or non-zero trailing bits,
 * -ENOSPC if cap is too small. */
int gns_base32_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *outlen);

#endif
