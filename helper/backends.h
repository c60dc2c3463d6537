/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gnsd's storage backends, in the order GET asks them, and the daemon's
 * one clock.
 *
 * The embedded store is always backend 0 ("store"): it holds the blocks
 * of our own zones and receives the valid blocks found in later backends
 * (resolve.c). The others (the DHT, if configured) get a copy of every
 * block the zone master publishes. The object lives as long as the
 * daemon; its list is rebuilt when the configuration changes the DHT, so
 * modules keep a pointer to the object, never to a backend in it.
 *
 * The clock is the realtime of the event loop's current iteration: one
 * time base for every expiration (RFC 9498 absolute times) that the
 * store, the zone master and the resolver compare. */
#ifndef GNSD_BACKENDS_H
#define GNSD_BACKENDS_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>
#include "conf.h"
#include "storage.h"

struct gnsd_store;
struct gnsd_workers;

#define GNSD_MAX_BACKENDS 4

struct gnsd_backends {
  sd_event *event;
  struct gnsd_store *store; /* not owned; v[0] serves it */
  /* not owned: the DHT checks signatures on it (set before configure;
   * freed after the backends, or their jobs come back to nobody) */
  struct gnsd_workers *workers;
  struct gnsd_backend *v[GNSD_MAX_BACKENDS];
  size_t n;
};

/* Wall-clock time in microseconds since the epoch (the GNS time base),
 * from the loop's timestamp of this iteration. */
uint64_t gnsd_now(sd_event *event);
static inline uint64_t gnsd_backends_now(const struct gnsd_backends *b) {
  return gnsd_now(b->event);
}
/* The same clock as a gnsd_clock_fn (userdata: the struct gnsd_backends),
 * which gnsd.c hands to every module that compares times. */
uint64_t gnsd_backends_clock(void *userdata);

/* Just the store (backend 0), which judges expiry by b's clock: b must
 * not move while it lives. */
int gnsd_backends_init(struct gnsd_backends *b, sd_event *event, struct gnsd_store *store);
/* The store, then the backends conf asks for ([dht] backend). A backend
 * that cannot start is logged and left out: the store alone still
 * serves. */
int gnsd_backends_configure(struct gnsd_backends *b, const struct gnsd_conf *conf);
/* Frees every backend (not the store). */
void gnsd_backends_done(struct gnsd_backends *b);

/* PUT a block we published to every backend after the store. Returns the
 * number of backends that refused it (each logged). */
unsigned gnsd_backends_put_copies(const struct gnsd_backends *b, const uint8_t q[64],
                                  const uint8_t *block, size_t len, uint64_t expiration);

/* One {"name":..., ...} object per backend, in order, added to array. */
void gnsd_backends_status(const struct gnsd_backends *b, json_object *array);

#endif
