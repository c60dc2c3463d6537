/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bounded LRU cache: a chained hash table for lookup plus a doubly
 * linked list in recency order for eviction. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "cache.h"

struct entry {
  struct entry *hnext;       /* hash chain */
  struct entry *prev, *next; /* LRU list: head = most recent */
  uint64_t hash, expiration;
  size_t klen, vlen;
  uint8_t data[]; /* key, then value */
};

struct gnsd_cache {
  struct entry **buckets;
  size_t n_buckets; /* power of two */
  struct entry *head, *tail;
  size_t limit, bytes, entries;
  uint8_t hkey[crypto_shorthash_KEYBYTES];
  struct gnsd_cache_stats st;
};

size_t gnsd_cache_entry_cost(size_t klen, size_t vlen) {
  /* the entry, its data and its share of the bucket array */
  return sizeof(struct entry) + klen + vlen + 2 * sizeof(void *);
}

static uint64_t hash_key(const struct gnsd_cache *c, const void *key, size_t klen) {
  uint8_t out[crypto_shorthash_BYTES];
  crypto_shorthash(out, key, klen, c->hkey);
  uint64_t h;
  memcpy(&h, out, sizeof(h));
  return h;
}

int gnsd_cache_new(size_t max_bytes, struct gnsd_cache **out) {
  if (sodium_init() < 0) return -EIO;
  struct gnsd_cache *c = calloc(1, sizeof(*c));
  if (!c) return -ENOMEM;
  c->n_buckets = 64;
  c->buckets = calloc(c->n_buckets, sizeof(*c->buckets));
  if (!c->buckets) {
    free(c);
    return -ENOMEM;
  }
  randombytes_buf(c->hkey, sizeof(c->hkey));
  c->limit = max_bytes;
  *out = c;
  return 0;
}

static void lru_unlink(struct gnsd_cache *c, struct entry *e) {
  if (e->prev)
    e->prev->next = e->next;
  else
    c->head = e->next;
  if (e->next)
    e->next->prev = e->prev;
  else
    c->tail = e->prev;
  e->prev = e->next = NULL;
}

static void lru_push_front(struct gnsd_cache *c, struct entry *e) {
  e->prev = NULL;
  e->next = c->head;
  if (c->head) c->head->prev = e;
  c->head = e;
  if (!c->tail) c->tail = e;
}

static void drop(struct gnsd_cache *c, struct entry *e) {
  struct entry **pp = &c->buckets[e->hash & (c->n_buckets - 1)];
  while (*pp != e)
    pp = &(*pp)->hnext;
  *pp = e->hnext;
  lru_unlink(c, e);
  c->bytes -= gnsd_cache_entry_cost(e->klen, e->vlen);
  c->entries--;
  free(e);
}

static struct entry *find(struct gnsd_cache *c, const void *key, size_t klen, uint64_t h) {
  for (struct entry *e = c->buckets[h & (c->n_buckets - 1)]; e; e = e->hnext)
    if (e->hash == h && e->klen == klen && memcmp(e->data, key, klen) == 0) return e;
  return NULL;
}

static void evict_to(struct gnsd_cache *c, size_t limit) {
  while (c->tail && c->bytes > limit) {
    drop(c, c->tail);
    c->st.evictions++;
  }
}

static void grow(struct gnsd_cache *c) {
  size_t n = c->n_buckets * 2;
  struct entry **b = calloc(n, sizeof(*b));
  if (!b) return; /* longer chains, still correct */
  for (size_t i = 0; i < c->n_buckets; i++) {
    struct entry *e = c->buckets[i];
    while (e) {
      struct entry *next = e->hnext;
      e->hnext = b[e->hash & (n - 1)];
      b[e->hash & (n - 1)] = e;
      e = next;
    }
  }
  free(c->buckets);
  c->buckets = b;
  c->n_buckets = n;
}

void gnsd_cache_free(struct gnsd_cache *c) {
  if (!c) return;
  gnsd_cache_clear(c);
  free(c->buckets);
  sodium_memzero(c->hkey, sizeof(c->hkey));
  free(c);
}

void gnsd_cache_set_limit(struct gnsd_cache *c, size_t max_bytes) {
  c->limit = max_bytes;
  evict_to(c, max_bytes);
}

void gnsd_cache_clear(struct gnsd_cache *c) {
  while (c->head)
    drop(c, c->head);
}

int gnsd_cache_put(struct gnsd_cache *c, const void *key, size_t klen, const void *val, size_t vlen,
                   uint64_t expiration, uint64_t now) {
  if (!c || (!key && klen) || (!val && vlen)) return -EINVAL;
  uint64_t h = hash_key(c, key, klen);
  struct entry *old = find(c, key, klen, h);
  if (old) drop(c, old);
  size_t cost = gnsd_cache_entry_cost(klen, vlen);
  if (expiration <= now) return -ESTALE;
  if (cost > c->limit) return -E2BIG;
  evict_to(c, c->limit - cost);
  struct entry *e = malloc(sizeof(*e) + klen + vlen);
  if (!e) return -ENOMEM;
  e->hash = h;
  e->expiration = expiration;
  e->klen = klen;
  e->vlen = vlen;
  if (klen) memcpy(e->data, key, klen);
  if (vlen) memcpy(e->data + klen, val, vlen);
  if (c->entries >= c->n_buckets) grow(c);
  size_t b = h & (c->n_buckets - 1);
  e->hnext = c->buckets[b];
  c->buckets[b] = e;
  lru_push_front(c, e);
  c->bytes += cost;
  c->entries++;
  c->st.inserts++;
  return 0;
}

int gnsd_cache_get(struct gnsd_cache *c, const void *key, size_t klen, uint64_t now,
                   const void **val, size_t *vlen, uint64_t *expiration) {
  if (!c || (!key && klen)) return -EINVAL;
  if (c->entries == 0) {
    c->st.misses++;
    return -ENOENT;
  }
  struct entry *e = find(c, key, klen, hash_key(c, key, klen));
  if (e && e->expiration <= now) {
    drop(c, e);
    c->st.expirations++;
    e = NULL;
  }
  if (!e) {
    c->st.misses++;
    return -ENOENT;
  }
  c->st.hits++;
  if (c->head != e) {
    lru_unlink(c, e);
    lru_push_front(c, e);
  }
  if (val) *val = e->data + e->klen;
  if (vlen) *vlen = e->vlen;
  if (expiration) *expiration = e->expiration;
  return 0;
}

void gnsd_cache_remove(struct gnsd_cache *c, const void *key, size_t klen) {
  if (!c) return;
  struct entry *e = find(c, key, klen, hash_key(c, key, klen));
  if (e) drop(c, e);
}

void gnsd_cache_get_stats(const struct gnsd_cache *c, struct gnsd_cache_stats *st) {
  *st = c->st;
  st->entries = c->entries;
  st->bytes = c->bytes;
  st->limit = c->limit;
}
