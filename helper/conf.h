/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /etc/gnsd/gnsd.conf: the INI format of gnsd(8), CONFIGURATION. (Named conf.h, not
 * config.h, because "config.h" is autoconf's header.) */
#ifndef GNSD_CONF_H
#define GNSD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "units.h"
#include "zonekey.h"

#define GNSD_CONF_ERR_MAX 512
#define GNSD_SUFFIX_MAX 253

enum gnsd_dht_backend {
  GNSD_DHT_NONE,
  GNSD_DHT_GNUNET,
};

/* A [start-zones] entry: suffix (without ".gns.alt", lower-cased ASCII,
 * no trailing dot) -> zone key (the zTLD as written, and decoded). */
struct gnsd_conf_start_zone {
  char *suffix;
  char *ztld;
  struct gns_zone_key zk;
  unsigned line;
};

struct gnsd_conf {
  /* [resolver] */
  uint64_t resolver_timeout_us;
  unsigned max_depth;
  uint64_t dns_timeout_us;
  /* [cache] */
  uint64_t cache_memory;
  uint64_t negative_ttl_us;
  /* [dht] */
  enum gnsd_dht_backend dht_backend;
  char *gnunet_socket;
  /* [publish] */
  uint64_t publish_interval_us;
  uint64_t record_lifetime_us;
  /* [revocation] difficulty D of RFC 9498, 4.2: 22 in use; tests lower it */
  unsigned revocation_difficulty;
  /* [revocation] gnunet-socket: gnunet-service-revocation's socket; NULL
   * means the one next to [dht] gnunet-socket (gnsd_conf_revocation_socket) */
  char *revocation_socket;
  /* [revocation] valid-ttl: how long the peer's "not revoked" holds (<= 60 s) */
  uint64_t revocation_valid_ttl_us;
  /* [limits]: per local user (uid), see gnsd(8); 0 = no limit */
  unsigned connections, connections_per_user;
  uint64_t reply_buffer_per_connection, reply_buffer_per_user;
  uint64_t request_timeout_us; /* a request left incomplete this long */
  unsigned lookups_per_user, dht_gets_per_user;
  /* [start-zones] */
  struct gnsd_conf_start_zone *start_zones;
  size_t n_start_zones;
  /* [dns-stub] listen: UDP and TCP addresses (none = off) */
  struct sockaddr_storage *dns_stub_listen;
  size_t n_dns_stub_listen;
  /* [dns-stub] rate-limit: UDP queries per second per source (0 = none) */
  unsigned dns_stub_rate_limit;
};

/* "ADDR:PORT" or "[ADDR6]:PORT" (numeric; the port may be omitted: 53). */
int gnsd_parse_sockaddr(const char *s, struct sockaddr_storage *out);

/* Defaults of gnsd(8) and systemd/gnsd.conf. gnunet_socket honours $GNUNET_RUNTIME_DIR. */
int gnsd_conf_defaults(struct gnsd_conf *c);
void gnsd_conf_free(struct gnsd_conf *c);
/* The revocation service's socket: [revocation] gnunet-socket, else
 * gnunet-service-revocation.sock in the directory of [dht] gnunet-socket
 * (GNUnet puts a peer's service sockets side by side). -ENAMETOOLONG. */
int gnsd_conf_revocation_socket(const struct gnsd_conf *c, char *out, size_t cap);

/* Parse text into c (which must hold defaults). On error returns -EINVAL
 * and writes "FILE:LINE: reason" to err. */
int gnsd_conf_parse(struct gnsd_conf *c, const char *text, size_t len, const char *filename,
                    char *err, size_t errlen);

/* Defaults, then the file. A missing file is fine unless must_exist.
 * Errors are "FILE:LINE: reason" or "FILE: strerror". */
int gnsd_conf_load(struct gnsd_conf *c, const char *path, bool must_exist, char *err,
                   size_t errlen);

/* Canonical form of a start zone suffix: lower-case ASCII, no trailing
 * dot, no ".gns.alt"; -EINVAL if it is empty or has empty labels. */
int gnsd_suffix_normalize(const char *in, char *out, size_t cap);

#endif
