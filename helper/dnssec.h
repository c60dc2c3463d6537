/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNSSEC-validated DNS for GNS2DNS (RFC 9498, 7.3.2: "If there are DNSSEC
 * DS records ... stored under the label, the DNS resolver SHOULD use them
 * to secure the connection with the DNS server"). We do not validate
 * ourselves: libunbound does, with a context per delegation whose stub
 * zone is the GNS2DNS DNS name served by the GNS2DNS servers and whose
 * trust anchor is the DS set from GNS. The contexts run their own thread;
 * their answers reach sd-event through ub_fd().
 *
 * Same callback as dns.h: records in the GNS form of DNS types (RDATA,
 * expiration now + TTL, now on the clock given to gnsd_dnssec_new). error -EKEYREJECTED: the answer
 * is bogus (it failed validation against the DS records); the other errors as in dns.h. Secure and
 * insecure (below an unsigned sub-delegation) answers are returned. CNAME chains are followed by
 * the validator, within the stub zone, under unbound's own bound on chain length.
 *
 * Test hook: GNSD_DNS_PORT (as dns.h) sends every query to that port. */
#ifndef GNSD_DNSSEC_H
#define GNSD_DNSSEC_H

#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>
#include "dns.h"
#include "record.h"

struct gnsd_dnssec;
struct gnsd_dnssec_query;

struct gnsd_dnssec_stats {
  uint64_t queries, secure, insecure, bogus, failures, timeouts, contexts;
};

int gnsd_dnssec_new(sd_event *event, uint64_t timeout_us, gnsd_clock_fn clock, void *clock_ud,
                    struct gnsd_dnssec **out);
/* Pending queries are dropped without their callbacks. */
void gnsd_dnssec_free(struct gnsd_dnssec *v);
void gnsd_dnssec_set_timeout(struct gnsd_dnssec *v, uint64_t timeout_us);

/* name and zone ASCII; type 0 asks A and AAAA. ds: DS RDATA (at least
 * one); servers: IP address strings (at least one). The callback never
 * runs before this returns. -EINVAL for a malformed DS record. */
int gnsd_dnssec_query(struct gnsd_dnssec *v, const char *name, uint16_t type, const char *zone,
                      const struct gns_record *ds, size_t n_ds, const char *const *servers,
                      size_t n_servers, gnsd_dns_cb cb, void *userdata,
                      struct gnsd_dnssec_query **out);
void gnsd_dnssec_cancel(struct gnsd_dnssec_query *q);

void gnsd_dnssec_get_stats(const struct gnsd_dnssec *v, struct gnsd_dnssec_stats *st);

#endif
