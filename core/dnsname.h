/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNS names in wire format (RFC 1035, 3.1): a sequence of length-prefixed
 * labels ending with the root label, never compressed. Used for the RDATA
 * of DNS record types (CNAME, NS, MX, SRV, SOA targets) and for GNUnet's
 * GNS2DNS form. Text names are ASCII (callers convert IDNs with libidn2
 * first); a trailing dot is optional and "." is the root. */
#ifndef GNS_DNSNAME_H
#define GNS_DNSNAME_H

#include <stddef.h>
#include <stdint.h>

#define GNS_DNSNAME_WIRE_MAX 255u /* RFC 1035, 2.3.4 */
#define GNS_DNSNAME_TEXT_MAX 254u /* without the NUL; incl. a trailing dot */

/* Text -> wire. -EINVAL for an empty label, a label over 63 bytes, a
 * non-printable or non-ASCII byte; -ENAMETOOLONG over 255 wire bytes;
 * -ENOSPC if cap is too small. */
int gns_dnsname_to_wire(const char *name, size_t len, uint8_t *out, size_t cap, size_t *outlen);

/* Wire -> text, reading from buf[*off] and advancing *off past the name.
 * The text has no trailing dot except for the root ("."). -EBADMSG for
 * truncation, compression pointers, over-long names or bytes outside
 * printable ASCII (and '.') inside labels; -ENOSPC if cap is too small. */
int gns_dnsname_from_wire(const uint8_t *buf, size_t len, size_t *off, char *out, size_t cap);

#endif
