/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The GNUnet revocation service as gnsd uses it (RFC 9498, 4.2: a
 * revocation "is broadcast to the network"; GNUnet's broadcast is
 * gnunet-service-revocation). We speak its client protocol
 * (revocation-msg.h) on its unix socket, over two connections:
 * - queries: "is this zone key revoked?", answered in order; a query that
 *   cannot be sent now fails at once (-ENOTCONN), one that is not answered
 *   in time fails with -ETIMEDOUT, so a caller never waits for a dead peer;
 * - publications: every revocation handed to us is kept (until it
 *   expires), sent one at a time, and sent again after every reconnect (a
 *   restarted service may have lost it). The service closes the
 *   connection on a revocation it finds invalid (e.g. a proof of work
 *   below its difficulty): one that was in flight at three disconnects in
 *   a row is given up as rejected.
 * Separate connections so that a rejected revocation never takes queries
 * down with it. Both reconnect on their own with a doubling backoff. */
#ifndef GNSD_REVOCATION_GNUNET_H
#define GNSD_REVOCATION_GNUNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>
#include "storage.h"
#include "zonekey.h"

struct gnsd_revnet;
struct gnsd_revnet_query;

struct gnsd_revnet_tuning {
  uint64_t query_timeout;  /* usec (0: default 2 s) */
  uint64_t revoke_timeout; /* usec for a REVOKE_RESPONSE (0: default 30 s) */
  uint64_t backoff_min;    /* usec (0: default 100 ms) */
  uint64_t backoff_max;    /* usec (0: default 30 s) */
  unsigned max_queries;    /* in flight (0: default 256) */
  size_t max_published;    /* revocations kept (0: default 4096) */
};

/* socket_path: gnunet-service-revocation's unix socket. Connects now and
 * keeps trying in the background if the service is not there. clock: the
 * daemon's (gnsd_backends_clock), against which revocations expire. */
int gnsd_revnet_new(sd_event *ev, const char *socket_path, gnsd_clock_fn clock, void *clock_ud,
                    struct gnsd_revnet **out);
/* Pending queries end with -ECANCELED. */
void gnsd_revnet_free(struct gnsd_revnet *rn);
void gnsd_revnet_tune(struct gnsd_revnet *rn, const struct gnsd_revnet_tuning *t);

/* error 0: revoked says the service's answer; else -ENOTCONN (the service
 * went away), -ETIMEDOUT, -ECANCELED (freed). Called exactly once unless
 * cancelled first. */
typedef void (*gnsd_revnet_query_cb)(void *userdata, int error, bool revoked);
/* 0 and *handle, or at once -ENOTCONN (no service now), -EBUSY (past
 * max_queries), -EINVAL. */
int gnsd_revnet_query(struct gnsd_revnet *rn, const struct gns_zone_key *zk,
                      gnsd_revnet_query_cb cb, void *userdata, struct gnsd_revnet_query **handle);
void gnsd_revnet_query_cancel(struct gnsd_revnet *rn, struct gnsd_revnet_query *h);

/* Hand a revocation message (GNS_REVOCATION_LEN bytes, verified by the
 * caller) to the network; expires: when it stops mattering (realtime
 * usec, on the clock given to gnsd_revnet_new). 0 also while the service
 * is away (it waits in the queue); -ENOBUFS past max_published, -EINVAL
 * for a malformed message. A second one for the same key replaces the
 * first unless that was accepted. */
int gnsd_revnet_publish(struct gnsd_revnet *rn, const uint8_t *rev, size_t len, uint64_t expires);

/* Where a revocation handed to publish() stands with the service. */
enum gnsd_revnet_pub {
  GNSD_REVNET_PUB_NONE,     /* never handed to us (or expired) */
  GNSD_REVNET_PUB_QUEUED,   /* waiting for the service */
  GNSD_REVNET_PUB_SENT,     /* sent, no answer yet */
  GNSD_REVNET_PUB_ACCEPTED, /* the service holds it and floods it to its peers */
  GNSD_REVNET_PUB_FAILED,   /* the service could not store it; retried */
  GNSD_REVNET_PUB_REJECTED, /* the service refused it (invalid for its difficulty) */
};
const char *gnsd_revnet_pub_name(enum gnsd_revnet_pub s);
/* *accepted_at: when it was last accepted (realtime usec on the clock given
 * to gnsd_revnet_new), 0 if never (may be NULL). */
enum gnsd_revnet_pub gnsd_revnet_publish_state(struct gnsd_revnet *rn,
                                               const struct gns_zone_key *zk,
                                               uint64_t *accepted_at);

/* True while the query connection is up. */
bool gnsd_revnet_connected(struct gnsd_revnet *rn);

/* {"socket", "state", "lastError", "queries", "answeredValid",
 * "answeredRevoked", "queryFailures", "queryTimeouts", "published",
 * "accepted", "rejected", "publishQueue"} */
void gnsd_revnet_status(struct gnsd_revnet *rn, json_object *out);

#endif
