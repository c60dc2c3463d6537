/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DNS stub's messages (helper/dns-msg.c): any datagram is either
 * dropped or answered, and every answer, built from the query and from
 * records taken from the rest of the input, is a DNS response ldns parses
 * back, with the query's ID, within the size limit.
 * Input: u16 query length | query | records (u16 type | u8 flags | u8
 * length | data)... */
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include "dns-msg.h"
#include "gns-util.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2 || size > 8192) return 0;
  size_t ql = gns_get_u16(data);
  if (ql > size - 2) ql = size - 2;
  const uint8_t *rest = data + 2 + ql;
  size_t rl = size - 2 - ql;
  struct gnsd_dns_query q;
  if (gnsd_dns_msg_parse(data + 2, ql, &q) < 0) return 0;
  struct gns_record rd[64];
  size_t n = 0;
  while (rl >= 4 && n < 64) {
    size_t l = rest[3];
    if (l > rl - 4) l = rl - 4;
    rd[n] = (struct gns_record){.expiration = 2000000000000000ull,
                                .type = gns_get_u16(rest),
                                .flags = rest[2],
                                .data_len = (uint16_t)l,
                                .data = rest + 4};
    n++;
    rest += 4 + l;
    rl -= 4 + l;
  }
  const char *canon = n % 3 == 1 ? "www.example.gns.alt" : n % 3 == 2 ? "target.example" : NULL;
  struct gnsd_answer a = {.rd = rd, .n = n, .canonical = canon, .expiration = 1900000000000000ull};
  int errors[] = {0, -ENOENT, -ETIMEDOUT};
  for (size_t e = 0; e < 3; e++) {
    struct gnsd_dns_reply_opts o = {
        .max = e == 0 ? q.udp_max : 65535u, .now = 1800000000000000ull, .negative_ttl = 30};
    uint8_t *w = NULL, rcode;
    size_t wl = 0;
    bool tc;
    if (gnsd_dns_msg_answer(&q, errors[e], &a, &o, &w, &wl, &rcode, &tc) < 0) continue;
    if (wl > o.max || wl < 12 || gns_get_u16(w) != q.id || !(w[2] & 0x80)) abort();
    ldns_pkt *p = NULL;
    if (ldns_wire2pkt(&p, w, wl) != LDNS_STATUS_OK) abort();
    ldns_pkt_free(p);
    free(w);
  }
  return 0;
}
