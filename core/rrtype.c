/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The record type registry (RFC 9498, 10.1 and the DNS types we carry). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
