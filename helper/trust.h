/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What gnsd knows about revocations (RFC 9498, 4.2 and 7.3.4): the
 * verified revocations in the store, and, with a GNUnet peer, what the
 * peer's revocation service says (helper/revocation-gnunet.h).
 *
 * Before the resolver uses the blocks of a zone it calls
 * gnsd_trust_check: a zone revoked in the store is revoked; else, with a
 * peer, the peer is asked unless it said "valid" less than valid_ttl ago
 * (at most 60 s). A "revoked" answer is stored (as a revocation reported
 * by the peer: the service hands out no message) and the changed callback
 * runs, so that cached answers go; a "valid" one is remembered for
 * valid_ttl. No peer, or no answer in time: UNCHECKED (the store alone
 * was consulted), never a wait.
 *
 * Every revocation gnsd stores with its message goes to the peer through
 * gnsd_trust_publish (also those in the store at start-up). */
#ifndef GNSD_TRUST_H
#define GNSD_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>
#include "revocation-gnunet.h"
#include "storage.h"
#include "zonekey.h"

struct gnsd_store;
struct gnsd_trust;
struct gnsd_trust_check;

/* The longest a "valid" answer of the network is believed. */
#define GNSD_TRUST_VALID_TTL_MAX (60ull * 1000000u)
/* How long a revocation that the peer reported (without its message) is
 * stored: its own expiry is unknown. Asked again afterwards. */
#define GNSD_TRUST_REPORTED_HOLD (30ull * 24 * 3600 * 1000000u)

enum gnsd_trust_verdict {
  GNSD_TRUST_VALID,     /* checked with the network: not revoked until *until */
  GNSD_TRUST_REVOKED,   /* revoked (store, or the network said so) */
  GNSD_TRUST_UNCHECKED, /* not revoked in the store; the network could not be asked */
  GNSD_TRUST_LOCAL,     /* not revoked in the store; no network configured */
  GNSD_TRUST_PENDING,   /* asked the network: the callback follows */
};

typedef void (*gnsd_trust_cb)(void *userdata, enum gnsd_trust_verdict v, uint64_t until);
typedef void (*gnsd_trust_changed_fn)(void *userdata);

/* clock: the daemon's (gnsd_backends_clock), for the answers that come
 * later (when a "valid" runs out, when a reported revocation was stored). */
int gnsd_trust_new(struct gnsd_store *store, gnsd_clock_fn clock, void *clock_ud,
                   struct gnsd_trust **out);
/* Pending checks are answered UNCHECKED. */
void gnsd_trust_free(struct gnsd_trust *t);
/* The peer's revocation service (not owned; NULL: none) and how long a
 * "valid" answer holds (capped at GNSD_TRUST_VALID_TTL_MAX). Pending
 * checks on a previous one are answered UNCHECKED. */
void gnsd_trust_set_network(struct gnsd_trust *t, struct gnsd_revnet *rn, uint64_t valid_ttl);
void gnsd_trust_set_changed(struct gnsd_trust *t, gnsd_trust_changed_fn fn, void *userdata);

/* Is zk revoked, at now (realtime usec)? Returns the verdict; for VALID
 * *until is when it must be asked again (UNCHECKED and LOCAL set it to
 * now). PENDING: cb runs later exactly once (never from inside this
 * call) unless gnsd_trust_check_cancel is called first. */
enum gnsd_trust_verdict gnsd_trust_check(struct gnsd_trust *t, const struct gns_zone_key *zk,
                                         uint64_t now, gnsd_trust_cb cb, void *userdata,
                                         struct gnsd_trust_check **handle, uint64_t *until);
void gnsd_trust_check_cancel(struct gnsd_trust *t, struct gnsd_trust_check *h);

/* A revocation gnsd stored (verified): hand it to the network. */
void gnsd_trust_publish(struct gnsd_trust *t, const uint8_t *msg, size_t len, uint64_t expires);
/* Every stored revocation with a message, to the network (start-up). */
void gnsd_trust_publish_stored(struct gnsd_trust *t, uint64_t now);

/* The network's view of zk for GetRevocation: NULL without a peer. */
struct gnsd_revnet *gnsd_trust_network(struct gnsd_trust *t);

/* {"network": bool, "validTtl", "remembered", "checks", "checksNetwork",
 * "unchecked", "revokedByNetwork", "revocationService": {...}} */
void gnsd_trust_status(struct gnsd_trust *t, json_object *out);

#endif
