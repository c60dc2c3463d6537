/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The embedded store: one SQLite database STATE/gnsd.sqlite (mode 0600 in
 * a 0700 directory) holding local zones with their private keys, their
 * records, published and cached RRBLOCKs, revocations and start zones.
 *
 * Every function returns 0 or a negative errno; any SQLite failure
 * (corrupt file, disk full, unreadable) is -EIO, which callers report as
 * StorageUnavailable. A store that could not be opened still exists and
 * answers -EIO to everything, so gnsd keeps serving what it can. */
#ifndef GNSD_STORE_H
#define GNSD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "record.h"
#include "storage.h"
#include "zonekey.h"

#define GNSD_STORE_FILE "gnsd.sqlite"
#define GNSD_STORE_SCHEMA_VERSION 2
#define GNSD_ZONE_NAME_MAX 63

struct gnsd_store;

/* Creates state_dir (0700) if needed and the database (0600). Always
 * returns a store in *out unless out of memory; check
 * gnsd_store_available(). */
int gnsd_store_open(const char *state_dir, struct gnsd_store **out);
void gnsd_store_close(struct gnsd_store *s);
/* Another connection to the same store, for another thread (a
 * connection is used by one thread at a time). */
int gnsd_store_open_again(const struct gnsd_store *s, struct gnsd_store **out);
bool gnsd_store_available(const struct gnsd_store *s);
/* Try again to open a store that was unavailable (SIGHUP). */
int gnsd_store_reopen(struct gnsd_store *s);
const char *gnsd_store_path(const struct gnsd_store *s);

/* How long a write waits (SQLite's busy timeout) while the store's other
 * connection holds the write lock, unless gnsd_store_tune says otherwise.
 * The event loop's connection keeps it short: the store thread's
 * transactions are one page of blocks. Remote block writes (a cache) never
 * wait outside a transaction: they are skipped (counted in status as
 * "busySkipped"). */
#define GNSD_STORE_BUSY_MS 200u

/* A second connection (the store thread's) waits longer and keeps a
 * larger page cache: cache_bytes 0 = SQLite's default. */
void gnsd_store_tune(struct gnsd_store *s, unsigned busy_ms, uint64_t cache_bytes);

/* Transactions nest by counting: only the outermost commits. Rollback
 * of any level aborts the whole transaction. */
bool gnsd_store_in_transaction(const struct gnsd_store *s);
/* How many outermost transactions ended without committing: what was
 * read inside one may be gone. */
uint64_t gnsd_store_rollbacks(const struct gnsd_store *s);
int gnsd_store_begin(struct gnsd_store *s);
int gnsd_store_commit(struct gnsd_store *s);
void gnsd_store_rollback(struct gnsd_store *s);

/* --- zones --- */

struct gnsd_zone {
  int64_t id;
  char name[GNSD_ZONE_NAME_MAX + 1];
  struct gns_zone_priv priv; /* wipe with gns_zone_priv_wipe */
  struct gns_zone_key pub;
  uint64_t created; /* microseconds since the epoch */
};

/* -EEXIST if the name (compared case-insensitively) or the key is taken. */
int gnsd_store_zone_add(struct gnsd_store *s, const char *name, const struct gns_zone_priv *priv,
                        const struct gns_zone_key *pub, uint64_t now, int64_t *id);
/* -ENOENT if absent. The caller wipes out->priv. For signing only. */
int gnsd_store_zone_get(struct gnsd_store *s, const char *name, struct gnsd_zone *out);
/* The same without the private key (out->priv is all zero and needs no
 * wipe): for everything that does not sign. */
int gnsd_store_zone_get_public(struct gnsd_store *s, const char *name, struct gnsd_zone *out);
int gnsd_store_zone_get_public_by_key(struct gnsd_store *s, const struct gns_zone_key *pub,
                                      struct gnsd_zone *out);
/* The zone with its private key by id (the publisher, which signs). The
 * caller wipes out->priv. */
int gnsd_store_zone_get_by_id(struct gnsd_store *s, int64_t id, struct gnsd_zone *out);
/* Calls cb for every zone in name order; a negative return stops the
 * walk and is returned. The zone passed to cb is wiped afterwards. */
typedef int (*gnsd_zone_cb)(void *userdata, const struct gnsd_zone *z);
int gnsd_store_zone_foreach(struct gnsd_store *s, gnsd_zone_cb cb, void *userdata);
/* Deletes the zone, its records and its start zones. -ENOENT if absent. */
int gnsd_store_zone_delete(struct gnsd_store *s, const char *name);
int gnsd_store_zone_count_records(struct gnsd_store *s, int64_t zone_id, int64_t *count);

/* --- records --- */

/* A stored record: label (NFC, "@" for the apex) and the record as the
 * core sees it (data owned by the callback's caller). */
typedef int (*gnsd_record_cb)(void *userdata, const char *label, const struct gns_record *rd);

int gnsd_store_record_add(struct gnsd_store *s, int64_t zone_id, const char *label,
                          const struct gns_record *rd);
/* label NULL = all labels; records ordered by label, then insertion. */
int gnsd_store_record_foreach(struct gnsd_store *s, int64_t zone_id, const char *label,
                              gnsd_record_cb cb, void *userdata);
/* Up to limit records of a zone after (after_label, after_id) in the
 * order (label, id); after_label NULL = from the start. For paging
 * through zones too large to list at once. */
typedef int (*gnsd_record_page_cb)(void *userdata, int64_t id, const char *label,
                                   const struct gns_record *rd);
int gnsd_store_record_page(struct gnsd_store *s, int64_t zone_id, const char *after_label,
                           int64_t after_id, unsigned limit, gnsd_record_page_cb cb,
                           void *userdata);
/* Delete the records under label, narrowed by type (0 = any) and data
 * (NULL = any). *deleted gets the count. */
int gnsd_store_record_delete(struct gnsd_store *s, int64_t zone_id, const char *label,
                             uint32_t type, const uint8_t *data, size_t len, int64_t *deleted);
int gnsd_store_record_delete_all(struct gnsd_store *s, int64_t zone_id, int64_t *deleted);

/* --- blocks --- */

enum gnsd_block_origin {
  GNSD_BLOCK_LOCAL = 0,  /* published by us: never replaced by remote copies */
  GNSD_BLOCK_REMOTE = 1, /* verified copy of someone else's block (cache) */
};

/* Store a block under q. A local block replaces anything; a remote block
 * replaces only an older remote block. expiration is the block's own. */
int gnsd_store_block_put(struct gnsd_store *s, const uint8_t q[64], const uint8_t *block,
                         size_t len, uint64_t expiration, enum gnsd_block_origin origin);
/* Bound the remote blocks (a cache of verified blocks of others) to
 * bytes of block data: past it, the least recently used (stored or
 * read) are dropped. 0 = no bound. */
void gnsd_store_set_remote_max(struct gnsd_store *s, uint64_t bytes);
/* The block under q not expired at now; *block is malloc'ed. -ENOENT if
 * none. */
int gnsd_store_block_get(struct gnsd_store *s, const uint8_t q[64], uint64_t now, uint8_t **block,
                         size_t *len);
int gnsd_store_block_delete(struct gnsd_store *s, const uint8_t q[64]);
/* Drop blocks expired at now; *deleted may be NULL. */
int gnsd_store_block_expire(struct gnsd_store *s, uint64_t now, int64_t *deleted);

/* What was published for a zone: per label, its q, block expiration,
 * when, and when it is due again. Replaces the previous entry for
 * (zone, label). */
int gnsd_store_published_set(struct gnsd_store *s, int64_t zone_id, const char *label,
                             const uint8_t q[64], uint64_t expiration, uint64_t published_at,
                             uint64_t due);
/* The earliest due time of any publication (UINT64_MAX if none). */
int gnsd_store_published_next_due(struct gnsd_store *s, uint64_t *due);

/* --- the publication queue (helper/publish.c) ---
 * Labels whose block must be built again, in the order: changed records
 * (prio 0) before re-publication (prio 1), then queue order. Record
 * changes mark their labels in the same transaction, so a crash never
 * loses a mark and a pass resumes where it stopped. */

/* Queue (zone, label) as changed; *id (may be NULL) gets its queue id. */
int gnsd_store_dirty_mark(struct gnsd_store *s, int64_t zone_id, const char *label, int64_t *id);
/* Queue every label of a zone (0 = all zones) that has records or a
 * block as changed; *max_id (may be NULL) gets the largest queue id. */
int gnsd_store_dirty_mark_zone(struct gnsd_store *s, int64_t zone_id, int64_t *max_id);
/* Queue (prio 1) up to limit labels whose block is due at now. */
int gnsd_store_dirty_mark_due(struct gnsd_store *s, uint64_t now, unsigned limit, int64_t *marked);
typedef int (*gnsd_dirty_cb)(void *userdata, int64_t id, int64_t zone_id, const char *label,
                             int prio);
/* Up to limit entries after (after_prio, after_id) in queue order. */
int gnsd_store_dirty_page(struct gnsd_store *s, int after_prio, int64_t after_id, unsigned limit,
                          gnsd_dirty_cb cb, void *userdata);
/* Remove one entry (a no-op if it was replaced by a newer mark). */
int gnsd_store_dirty_done(struct gnsd_store *s, int64_t id);
/* *pending: is any changed (prio 0) entry with id <= max_id left? */
int gnsd_store_dirty_pending(struct gnsd_store *s, int64_t max_id, bool *pending);
int gnsd_store_dirty_count(struct gnsd_store *s, int64_t zone_id, int64_t *n);
int gnsd_store_published_delete(struct gnsd_store *s, int64_t zone_id, const char *label);
typedef int (*gnsd_published_cb)(void *userdata, int64_t zone_id, const char *label,
                                 const uint8_t q[64], uint64_t expiration, uint64_t published_at);
int gnsd_store_published_foreach(struct gnsd_store *s, int64_t zone_id, gnsd_published_cb cb,
                                 void *userdata);
/* Up to limit published blocks (with their block) published at or after
 * since, after (after_zone, after_label) in (zone, label) order: for
 * handing the blocks an import signed to the DHT once it committed. */
typedef int (*gnsd_published_block_cb)(void *userdata, int64_t zone_id, const char *label,
                                       const uint8_t q[64], const uint8_t *block, size_t len,
                                       uint64_t expiration);
int gnsd_store_published_blocks_page(struct gnsd_store *s, uint64_t since, int64_t after_zone,
                                     const char *after_label, unsigned limit,
                                     gnsd_published_block_cb cb, void *userdata);

/* --- revocations (RFC 9498, 4.2) --- */

struct gnsd_revocation {
  struct gns_zone_key zk;
  uint64_t timestamp, expires;
  uint8_t *message; /* the signed revocation message; malloc'ed */
  size_t message_len;
};

/* Keeps the revocation that expires last. */
int gnsd_store_revocation_put(struct gnsd_store *s, const struct gns_zone_key *zk,
                              uint64_t timestamp, uint64_t expires, const uint8_t *msg, size_t len);
/* -ENOENT if zk was never revoked. out->message must be freed. */
int gnsd_store_revocation_get(struct gnsd_store *s, const struct gns_zone_key *zk,
                              struct gnsd_revocation *out);
/* Every revocation that has not expired at now (message_len 0: one the
 * GNUnet peer reported, whose message gnsd never saw). */
typedef int (*gnsd_revocation_cb)(void *userdata, const struct gnsd_revocation *rev);
int gnsd_store_revocation_foreach(struct gnsd_store *s, uint64_t now, gnsd_revocation_cb cb,
                                  void *userdata);
/* True if zk has a revocation that has not expired at now. A store
 * error counts as not revoked (and is logged): resolution fails closed
 * elsewhere, and this is a synchronous hook for the resolver. */
bool gnsd_store_is_revoked(struct gnsd_store *s, const struct gns_zone_key *zk, uint64_t now);

/* --- start zones: suffix -> zone key, optionally a local zone --- */

/* -EEXIST if the suffix is taken. zone_id 0 = not a local zone. */
int gnsd_store_start_zone_add(struct gnsd_store *s, const char *suffix,
                              const struct gns_zone_key *zk, int64_t zone_id);
int gnsd_store_start_zone_remove(struct gnsd_store *s, const char *suffix);
/* zone_name is NULL when the suffix maps to a foreign zone. */
typedef int (*gnsd_start_zone_cb)(void *userdata, const char *suffix, const struct gns_zone_key *zk,
                                  const char *zone_name);
int gnsd_store_start_zone_foreach(struct gnsd_store *s, gnsd_start_zone_cb cb, void *userdata);

/* --- statistics and the storage backend --- */

/* {"path", "state", "zones", "records", "blocksLocal", "blocksRemote",
 * "revocations", "gets", "hits", "puts", "errors"} */
void gnsd_store_status(struct gnsd_store *s, json_object *out);

/* The "store" backend of storage.h over this store. get() answers
 * synchronously: the callback runs (block, then the final NULL) before
 * get() returns, and *handle is set to NULL. put() stores a REMOTE block
 * (callers are the resolver caching verified blocks); the zone master
 * uses gnsd_store_block_put(..., GNSD_BLOCK_LOCAL) itself. The backend
 * does not own the store. Expired blocks are not returned: expiry is
 * judged by clock (NULL: the system's realtime clock). */
int gnsd_store_backend_new(struct gnsd_store *s, gnsd_clock_fn clock, void *clock_ud,
                           struct gnsd_backend **out);

#endif
