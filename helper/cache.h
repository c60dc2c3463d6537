/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gnsd's cache (doc/architecture.md, "Cache"): one LRU over byte-string keys and
 * values with absolute expirations and one memory bound for everything
 * in it (verified blocks by q, final answers by (name, type), negative
 * answers). Callers prefix keys with a kind byte so the kinds never
 * collide. Keys are hashed with SipHash under a random key (libsodium's
 * crypto_shorthash) because names come from clients. Not thread-safe:
 * gnsd runs it on its event loop. */
#ifndef GNSD_CACHE_H
#define GNSD_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct gnsd_cache;

struct gnsd_cache_stats {
  uint64_t hits, misses, inserts, evictions, expirations;
  size_t entries, bytes, limit;
};

/* max_bytes 0 disables the cache (every put is dropped, every get misses). */
int gnsd_cache_new(size_t max_bytes, struct gnsd_cache **out);
void gnsd_cache_free(struct gnsd_cache *c);

/* Change the bound (SIGHUP); evicts least recently used entries to fit. */
void gnsd_cache_set_limit(struct gnsd_cache *c, size_t max_bytes);
/* Drop everything (local zones changed). */
void gnsd_cache_clear(struct gnsd_cache *c);

/* Insert or replace key -> value until expiration (absolute, same clock
 * as now). -E2BIG if the entry alone exceeds the bound, -ESTALE if it is
 * already expired, -ENOMEM. Evicts LRU entries to stay in the bound. */
int gnsd_cache_put(struct gnsd_cache *c, const void *key, size_t klen, const void *val, size_t vlen,
                   uint64_t expiration, uint64_t now);

/* Look key up at now. On a hit *val points into the cache (valid until the
 * next put, remove, clear or set_limit), *vlen and *expiration (may be
 * NULL) are set and the entry becomes most recently used. An expired
 * entry is dropped. -ENOENT on a miss. */
int gnsd_cache_get(struct gnsd_cache *c, const void *key, size_t klen, uint64_t now,
                   const void **val, size_t *vlen, uint64_t *expiration);

void gnsd_cache_remove(struct gnsd_cache *c, const void *key, size_t klen);

void gnsd_cache_get_stats(const struct gnsd_cache *c, struct gnsd_cache_stats *st);

/* Bytes an entry costs against the bound (header + key + value). */
size_t gnsd_cache_entry_cost(size_t klen, size_t vlen);

#endif
