/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gnsd's DNS client for GNS2DNS and REDIRECT/CNAME to DNS names (RFC
 * 9498, 7.3.1 and 7.3.2): c-ares driven by sd-event through its
 * socket-state callback. gnsd never resolves through NSS (that would call
 * back into libnss_gns). Answers come back as gns_records whose data is
 * the record's RDATA with names uncompressed and TXT character-strings
 * joined (the GNS form of DNS types), and whose expiration is now + TTL,
 * now on the clock given to gnsd_dns_new (the resolver's: its cache
 * compares these expirations with it).
 *
 * Test hooks (environment, read by gnsd_dns_new): GNSD_DNS_PORT sends
 * every query to that port instead of 53; GNSD_RESOLV_CONF replaces
 * /etc/resolv.conf for the system resolver. */
#ifndef GNSD_DNS_H
#define GNSD_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>
#include "record.h"
#include "storage.h"

struct gnsd_dns;
struct gnsd_dns_query;

/* error: 0 (rd[0..n) may be empty: the name exists but has no such
 * records), -ENOENT (NXDOMAIN), -EIO (no server answered usefully),
 * -ETIMEDOUT (the per-query deadline passed). rd is valid during the
 * call only. The query handle is gone once the callback runs. */
typedef void (*gnsd_dns_cb)(void *userdata, int error, const struct gns_record *rd, size_t n);

struct gnsd_dns_stats {
  uint64_t queries, answers, nxdomain, failures, timeouts, referrals;
};

/* timeout_us: deadline per query ([resolver] dns-timeout); clock: what
 * now is (realtime usec). */
int gnsd_dns_new(sd_event *event, uint64_t timeout_us, gnsd_clock_fn clock, void *clock_ud,
                 struct gnsd_dns **out);
/* Pending queries are dropped without their callbacks. */
void gnsd_dns_free(struct gnsd_dns *d);
void gnsd_dns_set_timeout(struct gnsd_dns *d, uint64_t timeout_us);

/* Ask for name (ASCII, IDNA already applied) and type; type 0 asks A and
 * AAAA and returns both. servers: IP address strings to ask (the
 * GNS2DNS servers: queries are sent with RD set, and referrals to
 * sub-zones with glue are followed), or n_servers == 0 for the system
 * resolver (/etc/resolv.conf). *out (may be NULL) gets a handle for
 * gnsd_dns_cancel. The callback never runs before this returns. */
int gnsd_dns_query(struct gnsd_dns *d, const char *name, uint16_t type, const char *const *servers,
                   size_t n_servers, gnsd_dns_cb cb, void *userdata, struct gnsd_dns_query **out);

/* The callback will not run; the query finishes quietly. */
void gnsd_dns_cancel(struct gnsd_dns_query *q);

void gnsd_dns_get_stats(const struct gnsd_dns *d, struct gnsd_dns_stats *st);

#endif
