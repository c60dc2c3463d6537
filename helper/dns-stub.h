/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DNS stub: .gns.alt over DNS (UDP and TCP) for programs that never
 * load libnss_gns.so.2 (static and musl binaries, Go without cgo, dig,
 * systemd-resolved, dnsmasq, unbound). Answers only names under .gns.alt
 * (REFUSED for everything else: it never forwards, never recurses), from
 * the resolver and cache of alt.gns.Resolve through a lookup callback.
 * Messages are in helper/dns-msg.c. */
#ifndef GNSD_DNS_STUB_H
#define GNSD_DNS_STUB_H

#include <stddef.h>
#include <sys/socket.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>
#include "resolve.h"

struct gnsd_dns_stub;

/* The resolver: gnsd_resolve_lookup, gnsd_lookup_cancel and the memo
 * (resolve.h) with their first argument in userdata, and the resolver's
 * clock (realtime usec: the answers' expirations and the memo's are on
 * it, and the stub's TTLs count down on it). The memo is optional (NULL:
 * every query is parsed and built). */
struct gnsd_dns_stub_resolver {
  int (*lookup)(void *userdata, const char *name, uint32_t type, gnsd_lookup_fn fn, void *fn_ud,
                struct gnsd_lookup **out);
  void (*cancel)(struct gnsd_lookup *l);
  int (*memo_get)(void *userdata, const void *key, size_t klen, const void **v, size_t *vl);
  void (*memo_put)(void *userdata, const void *key, size_t klen, const void *v, size_t vl,
                   uint64_t expiration);
  uint64_t (*now)(void *userdata);
  void *userdata;
};

struct gnsd_dns_stub_conf {
  unsigned rate_limit;      /* UDP queries per second per source; 0 = no limit */
  uint64_t negative_ttl_us; /* the SOA TTL of negative answers */
};

/* -EINVAL without lookup, cancel or now. */
int gnsd_dns_stub_new(sd_event *event, const struct gnsd_dns_stub_resolver *resolver,
                      const struct gnsd_dns_stub_conf *conf, struct gnsd_dns_stub **out);
/* Pending lookups are cancelled, sockets closed. */
void gnsd_dns_stub_free(struct gnsd_dns_stub *s);
void gnsd_dns_stub_configure(struct gnsd_dns_stub *s, const struct gnsd_dns_stub_conf *conf);

/* Serve a socket: a bound UDP socket or a listening TCP socket (taken
 * over: closed by the stub, also on error). */
int gnsd_dns_stub_add_fd(struct gnsd_dns_stub *s, int fd);
/* Bind addr for UDP and TCP and serve it (a type already served at addr,
 * e.g. socket-activated, is skipped). Errors as bind(2) gives them:
 * -EACCES for port 53 without CAP_NET_BIND_SERVICE. */
int gnsd_dns_stub_listen(struct gnsd_dns_stub *s, const struct sockaddr_storage *addr);
/* True if one of the served sockets is bound to addr with this type. */
bool gnsd_dns_stub_has(struct gnsd_dns_stub *s, const struct sockaddr_storage *addr, int type);

/* Counters: {"queries", "udp", "tcp", "answers", "nxdomain", "nodata",
 * "refused", "servfail", "truncated", "malformed", "rateLimited",
 * "pending", "listening": ["ADDR:PORT/udp", ...]}. */
void gnsd_dns_stub_stats(struct gnsd_dns_stub *s, json_object *out);

/* "ADDR:PORT" / "[ADDR6]:PORT" of a socket address. */
void gnsd_dns_stub_format_addr(const struct sockaddr_storage *a, char *buf, size_t cap);

#endif
