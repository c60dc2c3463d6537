/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GNUnet R5N DHT backend: the client protocol of gnunet-service-dht
 * (GNUnet 0.19, src/dht/dht.h) over its unix socket. Created with
 * gnsd_dht_gnunet_new() (helper/storage.h); this header adds tuning knobs
 * and the wire constants the tests share. */
#ifndef GNSD_DHT_GNUNET_H
#define GNSD_DHT_GNUNET_H

#include <stddef.h>
#include <stdint.h>
#include "dht-msg.h"
#include "storage.h"

struct gnsd_dht_gnunet_tuning {
  uint64_t get_timeout;       /* usec a GET may run without a valid block (0: default 10 s) */
  uint64_t linger;            /* usec a GET keeps listening for newer blocks after
                                 the first valid one (0: default 500 ms) */
  uint64_t backoff_min;       /* usec before the first reconnect (0: default 100 ms) */
  uint64_t backoff_max;       /* cap of the doubling backoff (0: default 30 s) */
  unsigned max_gets;          /* GETs in flight at once (0: default 256) */
  unsigned verify_per_get;    /* a GET's blocks on the worker pool (0: default 4) */
  unsigned max_verify;        /* all GETs' blocks on the pool (0: default 256) */
  unsigned checks_per_get;    /* signature checks a GET may cost in all (0: default 32) */
  size_t max_block;           /* larger blocks are dropped as oversize (0: GNS_RRBLOCK_MAX) */
  uint32_t get_replication;   /* 0: default 10, as GNUnet's GNS service */
  uint32_t put_replication;   /* 0: default 5, as GNUnet's zone master */
  unsigned put_rate;          /* PUTs per second to the service (0: default 50) */
  unsigned put_burst;         /* PUTs at once after a quiet time (0: default 100) */
  size_t max_published;       /* blocks remembered for re-publishing (0: 65536) */
  size_t max_published_bytes; /* their total size (0: 64 MiB) */
};

/* What a GET does here (on top of helper/storage.h):
 * - the callback sees only blocks that passed gns_rrblock_verify against
 *   the GET's q, each newer (EXPIRATION) than the one before: the first
 *   valid block at once, then newer versions for `linger`;
 * - the final call comes `linger` after the first valid block, or
 *   `get_timeout` after the start: error 0 (found, or the DHT has
 *   nothing), -ENOTCONN (the service was unreachable to the end),
 *   -ECANCELED (backend freed);
 * - get() fails at once with -ENOTCONN if the service cannot be reached
 *   now and -EBUSY past max_gets, so a caller never waits for a dead DHT;
 * - GETs in flight survive a service restart: they are re-sent after the
 *   reconnect.
 * What a PUT does: the block is remembered by q until it expires (a newer
 * block for the same q replaces it) and sent to the service paced by a
 * token bucket (put_rate per second, bursts of put_burst), so publishing
 * a large zone does not flood the DHT; after every reconnect all remembered
 * blocks go out again (a restarted service has lost its datacache). put()
 * returns 0 also while the service is away; -ENOBUFS past max_published.
 * Callbacks may cancel GETs and start new ones, but not free the backend. */

/* Check signatures on this pool (not owned; it must outlive the backend
 * or be freed after it: blocks out then come back to nobody) instead of
 * on the event loop. Past verify_per_get blocks of one GET, or max_verify
 * of all, on the pool, further blocks are dropped (dropped.overload); so
 * are those of a GET that cost checks_per_get checks already (with or
 * without a pool). */
struct gnsd_workers;
void gnsd_dht_gnunet_set_workers(struct gnsd_backend *b, struct gnsd_workers *w);

/* Change the tuning of a backend made by gnsd_dht_gnunet_new (affects GETs
 * started afterwards). */
void gnsd_dht_gnunet_tune(struct gnsd_backend *b, const struct gnsd_dht_gnunet_tuning *t);

/* The clock expirations are judged by (gnsd's one clock,
 * gnsd_backends_clock); without one, the loop's realtime. */
void gnsd_dht_gnunet_set_clock(struct gnsd_backend *b, gnsd_clock_fn clock, void *clock_ud);

/* True while the backend has a working connection to the service. */
int gnsd_dht_gnunet_connected(struct gnsd_backend *b);

/* Counters, as also reported by status(). */
struct gnsd_dht_gnunet_stats {
  uint64_t connects, disconnects, connect_failures;
  uint64_t gets, gets_found, gets_timed_out, gets_failed, gets_rejected;
  uint64_t puts, puts_failed, puts_requeued;
  uint64_t results, results_valid;
  uint64_t drop_garbage, drop_oversize, drop_expired, drop_replayed, drop_wrong_q,
      drop_bad_signature, drop_unsupported, drop_unsolicited, drop_wrong_type, drop_overload;
};
void gnsd_dht_gnunet_stats(struct gnsd_backend *b, struct gnsd_dht_gnunet_stats *out);

#endif
