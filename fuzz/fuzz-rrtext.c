/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Presentation text -> binary for each type; what parses must print,
 * and the printed text must parse back to the same bytes. Binary input
 * is also fed to to_text directly. */
#include <stdlib.h>
#include <string.h>
#include "record.h"
#include "rrtype.h"

static const uint32_t types[] = {
    GNS_TYPE_A,       GNS_TYPE_NS,   GNS_TYPE_CNAME,    GNS_TYPE_SOA,   GNS_TYPE_MX,
    GNS_TYPE_TXT,     GNS_TYPE_AAAA, GNS_TYPE_SRV,      GNS_TYPE_CERT,  GNS_TYPE_TLSA,
    GNS_TYPE_URI,     GNS_TYPE_PKEY, GNS_TYPE_NICK,     GNS_TYPE_LEHO,  GNS_TYPE_VPN,
    GNS_TYPE_GNS2DNS, GNS_TYPE_BOX,  GNS_TYPE_REDIRECT, GNS_TYPE_EDKEY, 12345,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 4096) return 0;
  uint32_t type = types[data[0] % (sizeof types / sizeof types[0])];
  char *text = malloc(size);
  if (!text) return 0;
  memcpy(text, data + 1, size - 1);
  text[size - 1] = '\0';

  /* the same bytes as binary record data */
  char *t0 = NULL;
  if (gns_rrtype_to_text(type, data + 1, size - 1, &t0) == 0) {
    if (gns_rrtype_check(type, data + 1, size - 1) != 0) abort();
  } else if (gns_rrtype_check(type, data + 1, size - 1) == 0) {
    abort();
  }
  free(t0);

  uint8_t *bin = NULL, *bin2 = NULL;
  size_t bl = 0, bl2 = 0;
  const char *why = NULL;
  if (gns_rrtype_from_text(type, text, &bin, &bl, &why) == 0) {
    char *t1 = NULL, *t2 = NULL;
    if (gns_rrtype_to_text(type, bin, bl, &t1) != 0) abort();
    if (gns_rrtype_from_text(type, t1, &bin2, &bl2, &why) != 0) abort();
    if (gns_rrtype_to_text(type, bin2, bl2, &t2) != 0 || strcmp(t1, t2) != 0) abort();
    /* The RFC 3597 generic form keeps the exact bytes (e.g. GNUnet's
     * GNS2DNS form), which print as the canonical text of the type and
     * so re-encode canonically; any other text must round-trip exactly. */
    if (!strstr(text, "\\#") && (bl2 != bl || memcmp(bin, bin2, bl) != 0)) abort();
    free(t1);
    free(t2);
  } else if (!why) {
    abort(); /* every refusal has a reason */
  }
  free(bin);
  free(bin2);
  free(text);
  return 0;
}
