/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The zone master's publication engine: it drains the store's queue of
 * labels to (re)build (store.h, "the publication queue") in pages: the
 * store thread reads a page's records, the worker pool signs each label's
 * block, the store thread stores the page in one transaction, and the
 * loop hands the blocks to the DHT. Changed labels go first; due
 * re-publications follow, paced in chunks; the queue lives in the store,
 * so a pass resumes after a restart without signing again what is still
 * valid. The loop only schedules: a lookup never waits for a signature or
 * for SQLite. */
#ifndef GNSD_PUBLISH_H
#define GNSD_PUBLISH_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>

struct gnsd_store;
struct gnsd_workers;
struct gnsd_publisher;
struct gnsd_publish_wait;

struct gnsd_publisher_hooks {
  /* Blocks of local zones changed in the store: cached answers may be
   * stale. */
  void (*changed)(void *userdata);
  /* Give a new block to the other backends (the DHT): how many took it,
   * or -errno. */
  int (*put)(void *userdata, const uint8_t q[64], const uint8_t *block, size_t len,
             uint64_t expiration);
  /* The daemon's one clock (realtime us), against which blocks get their
   * expirations and due times. NULL: the loop's realtime. */
  uint64_t (*now)(void *userdata);
  void *userdata;
};

/* interval_us: re-publish every block at least this often (gnsd.conf
 * [publish] interval). Starts draining the queue at once. */
/* store is the loop's connection (waits, status); bulk a second
 * connection that only the store thread (a one-thread pool, serial) uses:
 * every read and write of a pass runs there; workers sign. */
int gnsd_publisher_new(sd_event *event, struct gnsd_store *store, struct gnsd_store *bulk,
                       struct gnsd_workers *thread, struct gnsd_workers *workers,
                       const struct gnsd_publisher_hooks *hooks, uint64_t interval_us,
                       struct gnsd_publisher **out);
/* Blocks being signed are dropped; their labels stay queued in the
 * store. Pending waits complete with -ECANCELED. */
void gnsd_publisher_free(struct gnsd_publisher *p);
void gnsd_publisher_set_interval(struct gnsd_publisher *p, uint64_t interval_us);
/* The queue has new changed entries: take them next. */
void gnsd_publisher_kick(struct gnsd_publisher *p);
/* An import opened a transaction on the bulk connection: pages committed
 * meanwhile land in it, and their blocks are not handed to the DHT until
 * gnsd_publisher_import_end(committed = true, hand_out_blocks) sweeps them
 * out (hand_out_blocks false: there is no DHT). A rolled-back import
 * brings back the queue entries its pages took: the pass starts over. */
void gnsd_publisher_import_begin(struct gnsd_publisher *p);
void gnsd_publisher_import_end(struct gnsd_publisher *p, bool committed, bool hand_out_blocks);

/* cb runs (from the loop, never from inside this call) once no changed
 * entry with queue id <= max_id is left. blocks: blocks built for zone_id
 * (0 = any) from those entries meanwhile. error: 0, -EIO (store),
 * -ECANCELED (publisher freed). */
typedef void (*gnsd_publish_wait_cb)(void *userdata, int error, uint64_t blocks);
int gnsd_publisher_wait(struct gnsd_publisher *p, int64_t max_id, int64_t zone_id,
                        gnsd_publish_wait_cb cb, void *userdata, struct gnsd_publish_wait **out);
/* Forget a wait (its callback never runs). */
void gnsd_publisher_wait_cancel(struct gnsd_publisher *p, struct gnsd_publish_wait *w);

/* Per zone: {"signed", "published", "errors", "lastPass"} added to obj
 * (counters since start; lastPass: realtime microseconds when the queue
 * last ran empty for the zone, absent if never). And global counters. */
void gnsd_publisher_zone_status(struct gnsd_publisher *p, int64_t zone_id, json_object *obj);
void gnsd_publisher_status(struct gnsd_publisher *p, json_object *obj);
/* Pages stored or dropped so far: a count that moves while the
 * publisher makes progress. */
uint64_t gnsd_publisher_progress(const struct gnsd_publisher *p);
/* When the next due re-publication is scheduled (realtime us). */
uint64_t gnsd_publisher_next(const struct gnsd_publisher *p);

#endif
