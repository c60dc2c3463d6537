/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The record type registry (RFC 9498, 10.1 and the DNS types we carry). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistr.h>
#include "dnsname.h"
#include "gns-util.h"
#include "record.h"
#include "rrtype.h"

struct rrtype_info {
  uint32_t type;
  const char *name;
};

static const struct rrtype_info registry[] = {
    {GNS_TYPE_A, "A"},
    {GNS_TYPE_NS, "NS"},
    {GNS_TYPE_CNAME, "CNAME"},
    {GNS_TYPE_SOA, "SOA"},
    {GNS_TYPE_MX, "MX"},
    {GNS_TYPE_TXT, "TXT"},
    {GNS_TYPE_AAAA, "AAAA"},
    {GNS_TYPE_SRV, "SRV"},
    {GNS_TYPE_CERT, "CERT"},
    {GNS_TYPE_TLSA, "TLSA"},
    {GNS_TYPE_URI, "URI"},
    {GNS_TYPE_PKEY, "PKEY"},
    {GNS_TYPE_NICK, "NICK"},
    {GNS_TYPE_LEHO, "LEHO"},
    {GNS_TYPE_VPN, "VPN"},
    {GNS_TYPE_GNS2DNS, "GNS2DNS"},
    {GNS_TYPE_BOX, "BOX"},
    {GNS_TYPE_REDIRECT, "REDIRECT"},
    {GNS_TYPE_EDKEY, "EDKEY"},
};

const char *gns_rrtype_name(uint32_t type) {
  for (size_t i = 0; i < GNS_ARRAY_SIZE(registry); i++)
    if (registry[i].type == type) return registry[i].name;
  return NULL;
}

bool gns_rrtype_known(uint32_t type) { return gns_rrtype_name(type) != NULL; }

int gns_rrtype_from_name(const char *name, uint32_t *type) {
  if (!name || !type || !*name) return -EINVAL;
  for (size_t i = 0; i < GNS_ARRAY_SIZE(registry); i++)
    if (strcasecmp(registry[i].name, name) == 0) {
      *type = registry[i].type;
      return 0;
    }
  /* A decimal type number ("65536"), as GNUnet and RFC 3597 "TYPE65536"
   * both allow; any 32-bit value is accepted, known or not. */
  const char *p = name;
  if (strncasecmp(p, "TYPE", 4) == 0) p += 4;
  if (*p < '0' || *p > '9') return -ENOENT;
  uint64_t v = 0;
  for (; *p; p++) {
    if (*p < '0' || *p > '9') return -ENOENT;
    v = v * 10 + (uint64_t)(*p - '0');
    if (v > UINT32_MAX) return -ENOENT;
  }
  if (v == 0) return -ENOENT;
  *type = (uint32_t)v;
  return 0;
}

bool gns_rrtype_is_delegation(uint32_t type) {
  return type == GNS_TYPE_PKEY || type == GNS_TYPE_EDKEY;
}

/* ---- structured accessors (RFC 9498, 5.2 and 5.3) ---- */

/* A string field: valid UTF-8 without NULs. */
static int copy_utf8(const uint8_t *s, size_t n, char *out, size_t cap) {
  if (memchr(s, 0, n)) return -EBADMSG;
  if (u8_check(s, n) != NULL) return -EBADMSG;
  if (!out || n >= cap) return -ENOSPC;
  memcpy(out, s, n);
  out[n] = '\0';
  return 0;
}

int gns_rrtype_parse_redirect(const uint8_t *data, size_t len, char *out, size_t cap) {
  if (!data && len) return -EINVAL;
  /* RFC form ends in a NUL; GNUnet 0.19 stores the bare string. */
  if (len > 0 && data[len - 1] == 0) len--;
  if (len == 0) return -EBADMSG;
  return copy_utf8(data, len, out, cap);
}

int gns_rrtype_parse_string(const uint8_t *data, size_t len, char *out, size_t cap) {
  if (!data && len) return -EINVAL;
  if (len > 0 && data[len - 1] == 0) len--;
  if (len == 0) return -EBADMSG;
  return copy_utf8(data, len, out, cap);
}

/* True if s[0..n) could be a name in text form (no control bytes); used
 * to tell the RFC's GNS2DNS form from GNUnet's wire-format name. */
static bool looks_like_text(const uint8_t *s, size_t n) {
  if (n == 0) return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] < 0x20 || s[i] == 0x7f) return false;
  return true;
}

int gns_rrtype_parse_gns2dns(const uint8_t *data, size_t len, char *name, size_t name_cap,
                             char *server, size_t server_cap) {
  if (!data && len) return -EINVAL;
  const uint8_t *nul = len ? memchr(data, 0, len) : NULL;
  if (!nul) return -EBADMSG;
  size_t first = (size_t)(nul - data), rest = len - first - 1;
  const uint8_t *srv = nul + 1;
  int r;
  if (looks_like_text(data, first)) {
    /* RFC 9498 form: "NAME\0SERVER\0". */
    r = copy_utf8(data, first, name, name_cap);
    if (r < 0) return r;
    size_t nl = strlen(name);
    if (nl > 1 && name[nl - 1] == '.') name[nl - 1] = '\0';
  } else {
    /* GNUnet 0.19: the name in DNS wire format, then "SERVER\0". */
    size_t off = 0;
    r = gns_dnsname_from_wire(data, len, &off, name, name_cap);
    if (r < 0) return r;
    srv = data + off;
    rest = len - off;
  }
  if (rest < 2 || srv[rest - 1] != 0) return -EBADMSG;
  return copy_utf8(srv, rest - 1, server, server_cap);
}

int gns_rrtype_parse_box(const uint8_t *data, size_t len, uint16_t *proto, uint16_t *svc,
                         uint32_t *type, const uint8_t **inner, size_t *inner_len) {
  if (!data && len) return -EINVAL;
  if (len < 8) return -EBADMSG;
  if (proto) *proto = gns_get_u16(data);
  if (svc) *svc = gns_get_u16(data + 2);
  if (type) *type = gns_get_u32(data + 4);
  if (inner) *inner = data + 8;
  if (inner_len) *inner_len = len - 8;
  return 0;
}

int gns_rrtype_parse_vpn(const uint8_t *data, size_t len, uint16_t *proto,
                         uint8_t peer[GNS_VPN_PEER_LEN], char *service, size_t cap) {
  if (!data && len) return -EINVAL;
  /* peer(32) proto(2) service NUL-terminated and non-empty */
  if (len < GNS_VPN_PEER_LEN + 2 + 2 || data[len - 1] != 0) return -EBADMSG;
  if (peer) memcpy(peer, data, GNS_VPN_PEER_LEN);
  if (proto) *proto = gns_get_u16(data + GNS_VPN_PEER_LEN);
  const uint8_t *s = data + GNS_VPN_PEER_LEN + 2;
  size_t n = len - GNS_VPN_PEER_LEN - 2 - 1;
  if (!service) {
    /* validation only */
    if (memchr(s, 0, n) || u8_check(s, n)) return -EBADMSG;
    return 0;
  }
  return copy_utf8(s, n, service, cap);
}

static int build_strings(const char *a, const char *b, uint8_t **out, size_t *out_len) {
  size_t la = strlen(a), lb = b ? strlen(b) : 0;
  size_t n = la + 1 + (b ? lb + 1 : 0);
  if (n > UINT16_MAX) return -E2BIG;
  uint8_t *p = malloc(n);
  if (!p) return -ENOMEM;
  memcpy(p, a, la + 1);
  if (b) memcpy(p + la + 1, b, lb + 1);
  *out = p;
  *out_len = n;
  return 0;
}

int gns_rrtype_build_redirect(const char *name, uint8_t **out, size_t *out_len) {
  if (!name || !out || !out_len || !*name) return -EINVAL;
  if (u8_check((const uint8_t *)name, strlen(name))) return -EINVAL;
  return build_strings(name, NULL, out, out_len);
}

int gns_rrtype_build_gns2dns(const char *name, const char *server, uint8_t **out,
                             size_t *out_len) {
  if (!name || !server || !out || !out_len || !*name || !*server) return -EINVAL;
  if (u8_check((const uint8_t *)name, strlen(name)) ||
      u8_check((const uint8_t *)server, strlen(server)))
    return -EINVAL;
  return build_strings(name, server, out, out_len);
}

int gns_rrtype_build_box(uint16_t proto, uint16_t svc, uint32_t type, const uint8_t *inner,
                         size_t inner_len, uint8_t **out, size_t *out_len) {
  if (!out || !out_len || (!inner && inner_len)) return -EINVAL;
  if (inner_len > UINT16_MAX - 8) return -E2BIG;
  uint8_t *p = malloc(8 + inner_len);
  if (!p) return -ENOMEM;
  gns_put_u16(p, proto);
  gns_put_u16(p + 2, svc);
  gns_put_u32(p + 4, type);
  if (inner_len) memcpy(p + 8, inner, inner_len);
  *out = p;
  *out_len = 8 + inner_len;
  return 0;
}
