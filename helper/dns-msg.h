/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNS messages of the DNS stub (helper/dns-stub.c): parse a query, build
 * the response from a gnsd answer. Pure: no sockets, no clock (now comes
 * in), wire format through ldns (NLnet Labs). */
#ifndef GNSD_DNS_MSG_H
#define GNSD_DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "resolve.h"

/* The largest UDP response we send, whatever the client offers: the
 * DNS flag day 2020 value, which avoids IP fragmentation. */
#define GNSD_DNS_UDP_MAX 1232u
/* Without EDNS0 (RFC 1035, 4.2.1). */
#define GNSD_DNS_UDP_MIN 512u
#define GNSD_DNS_NAME_TEXT_MAX 256

/* RCODEs (RFC 1035, 4.1.1; RFC 6891, 9 for BADVERS). */
enum {
  GNSD_DNS_NOERROR = 0,
  GNSD_DNS_FORMERR = 1,
  GNSD_DNS_SERVFAIL = 2,
  GNSD_DNS_NXDOMAIN = 3,
  GNSD_DNS_NOTIMP = 4,
  GNSD_DNS_REFUSED = 5,
  GNSD_DNS_BADVERS = 16,
};

/* What the stub does with a query. */
enum gnsd_dns_action {
  GNSD_DNS_RESOLVE, /* name under .gns.alt: ask gnsd, then gnsd_dns_msg_answer */
  GNSD_DNS_APEX,    /* gns.alt itself: answer at once (SOA, else NODATA) */
  GNSD_DNS_REPLY,   /* answer at once with rcode (REFUSED, FORMERR, ...) */
};

struct gnsd_dns_query {
  enum gnsd_dns_action action;
  uint8_t rcode; /* GNSD_DNS_REPLY */
  uint16_t id;
  bool rd, cd;
  bool edns;          /* the query had an OPT record */
  uint16_t udp_max;   /* largest UDP response the client takes (and we send) */
  uint16_t qtype;     /* as asked */
  uint16_t qclass;    /* as asked */
  uint8_t qname[256]; /* wire form, case as asked (RFC 1035, 3.1) */
  size_t qname_len;   /* 0: no question (FORMERR) */
  /* GNSD_DNS_RESOLVE: the name for gnsd (no trailing dot) and the type to
   * resolve (ANY = 0: every record) */
  char name[GNSD_DNS_NAME_TEXT_MAX];
  uint32_t type;
};

/* Parse a query. -EBADMSG: not a DNS query worth an answer (malformed, a
 * response, shorter than a header): drop it. Otherwise 0 and q->action
 * says what to do. */
int gnsd_dns_msg_parse(const uint8_t *buf, size_t len, struct gnsd_dns_query *q);

/* Response parameters. */
struct gnsd_dns_reply_opts {
  size_t max;            /* the response must fit (UDP: q->udp_max; TCP: 65535) */
  uint64_t now;          /* realtime microseconds, for TTLs */
  uint32_t negative_ttl; /* seconds: the SOA's TTL and MINIMUM (RFC 2308) */
};

/* Build the response to q. error/a as gnsd_lookup_fn gives them
 * (GNSD_DNS_RESOLVE), ignored otherwise. *out is malloc'ed. *truncated is
 * set when the answer did not fit and went out with TC and no records. */
int gnsd_dns_msg_answer(const struct gnsd_dns_query *q, int error, const struct gnsd_answer *a,
                        const struct gnsd_dns_reply_opts *o, uint8_t **out, size_t *out_len,
                        uint8_t *rcode, bool *truncated);

/* A response with TC and no records, for rate limiting's "slip". */
int gnsd_dns_msg_truncated(const struct gnsd_dns_query *q, uint8_t **out, size_t *out_len);

#endif
