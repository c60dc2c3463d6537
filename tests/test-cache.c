/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gnsd's LRU cache: hits, expiry, eviction order, the memory bound, and
 * a long random run against a naive model. */
#include <errno.h>
#include <stdbool.h>
#include "cache.h"
#include "check.h"

static int get_str(struct gnsd_cache *c, const char *key, uint64_t now, char *out, size_t cap) {
  const void *v;
  size_t vl;
  int rc = gnsd_cache_get(c, key, strlen(key), now, &v, &vl, NULL);
  if (rc == 0) {
    if (vl >= cap) abort();
    memcpy(out, v, vl);
    out[vl] = '\0';
  }
  return rc;
}

static int put_str(struct gnsd_cache *c, const char *key, const char *val, uint64_t exp,
                   uint64_t now) {
  return gnsd_cache_put(c, key, strlen(key), val, strlen(val), exp, now);
}

static void test_basics(void) {
  struct gnsd_cache *c;
  char buf[64];
  CHECK_INT(gnsd_cache_new(1 << 20, &c), 0);
  CHECK_INT(get_str(c, "a", 10, buf, sizeof(buf)), -ENOENT);
  CHECK_INT(put_str(c, "a", "alpha", 100, 10), 0);
  CHECK_INT(get_str(c, "a", 10, buf, sizeof(buf)), 0);
  CHECK_STR(buf, "alpha");
  /* replace */
  CHECK_INT(put_str(c, "a", "ALPHA", 200, 10), 0);
  CHECK_INT(get_str(c, "a", 150, buf, sizeof(buf)), 0);
  CHECK_STR(buf, "ALPHA");
  uint64_t exp;
  CHECK_INT(gnsd_cache_get(c, "a", 1, 150, NULL, NULL, &exp), 0);
  CHECK_INT(exp, 200);
  /* expired at exactly its expiration, and dropped */
  CHECK_INT(get_str(c, "a", 200, buf, sizeof(buf)), -ENOENT);
  struct gnsd_cache_stats st;
  gnsd_cache_get_stats(c, &st);
  CHECK_INT(st.entries, 0);
  CHECK_INT(st.bytes, 0);
  CHECK_INT(st.expirations, 1);
  /* already expired: refused */
  CHECK_INT(put_str(c, "b", "x", 10, 10), -ESTALE);
  /* keys are bytes: embedded NULs, prefixes, empty */
  CHECK_INT(gnsd_cache_put(c, "k\0a", 3, "1", 1, 100, 0), 0);
  CHECK_INT(gnsd_cache_put(c, "k\0b", 3, "2", 1, 100, 0), 0);
  CHECK_INT(gnsd_cache_put(c, "k", 1, "3", 1, 100, 0), 0);
  CHECK_INT(gnsd_cache_put(c, "", 0, "4", 1, 100, 0), 0);
  const void *v;
  size_t vl;
  CHECK_INT(gnsd_cache_get(c, "k\0b", 3, 0, &v, &vl, NULL), 0);
  CHECK(vl == 1 && memcmp(v, "2", 1) == 0);
  CHECK_INT(gnsd_cache_get(c, "", 0, 0, &v, &vl, NULL), 0);
  CHECK(vl == 1 && memcmp(v, "4", 1) == 0);
  gnsd_cache_remove(c, "k", 1);
  CHECK_INT(gnsd_cache_get(c, "k", 1, 0, &v, &vl, NULL), -ENOENT);
  CHECK_INT(gnsd_cache_get(c, "k\0a", 3, 0, &v, &vl, NULL), 0);
  gnsd_cache_clear(c);
  gnsd_cache_get_stats(c, &st);
  CHECK_INT(st.entries, 0);
  CHECK_INT(st.bytes, 0);
  gnsd_cache_free(c);
}

static void test_lru_bound(void) {
  size_t cost = gnsd_cache_entry_cost(2, 10);
  struct gnsd_cache *c;
  char buf[64];
  CHECK_INT(gnsd_cache_new(3 * cost, &c), 0);
  CHECK_INT(put_str(c, "k1", "0123456789", 100, 0), 0);
  CHECK_INT(put_str(c, "k2", "0123456789", 100, 0), 0);
  CHECK_INT(put_str(c, "k3", "0123456789", 100, 0), 0);
  /* touch k1: k2 is now the least recently used */
  CHECK_INT(get_str(c, "k1", 0, buf, sizeof(buf)), 0);
  CHECK_INT(put_str(c, "k4", "0123456789", 100, 0), 0);
  CHECK_INT(get_str(c, "k2", 0, buf, sizeof(buf)), -ENOENT);
  CHECK_INT(get_str(c, "k1", 0, buf, sizeof(buf)), 0);
  CHECK_INT(get_str(c, "k3", 0, buf, sizeof(buf)), 0);
  CHECK_INT(get_str(c, "k4", 0, buf, sizeof(buf)), 0);
  struct gnsd_cache_stats st;
  gnsd_cache_get_stats(c, &st);
  CHECK_INT(st.evictions, 1);
  CHECK(st.bytes <= st.limit);
  CHECK_INT(st.entries, 3);
  /* an entry larger than the bound */
  char big[600];
  memset(big, 'x', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  CHECK_INT(put_str(c, "big", big, 100, 0), -E2BIG);
  /* shrinking evicts the oldest first */
  gnsd_cache_set_limit(c, cost);
  gnsd_cache_get_stats(c, &st);
  CHECK_INT(st.entries, 1);
  CHECK_INT(get_str(c, "k4", 0, buf, sizeof(buf)), 0);
  /* a zero bound disables the cache */
  gnsd_cache_set_limit(c, 0);
  CHECK_INT(put_str(c, "k5", "v", 100, 0), -E2BIG);
  CHECK_INT(get_str(c, "k4", 0, buf, sizeof(buf)), -ENOENT);
  gnsd_cache_free(c);
}

/* Random operations against a tiny model with the same bound. */
#define MODEL_KEYS 200
struct model {
  bool present;
  uint64_t exp, last_use;
  unsigned vlen;
  unsigned char v;
};

static void test_random(void) {
  struct model m[MODEL_KEYS];
  memset(m, 0, sizeof(m));
  size_t limit = 40 * gnsd_cache_entry_cost(4, 50);
  struct gnsd_cache *c;
  CHECK_INT(gnsd_cache_new(limit, &c), 0);
  uint64_t now = 1000, tick = 0;
  unsigned seed = 12345;
  unsigned mismatches = 0;
  for (int i = 0; i < 200000; i++) {
    seed = seed * 1103515245u + 12345u;
    unsigned op = (seed >> 16) % 10, k = (seed >> 4) % MODEL_KEYS;
    char key[5];
    snprintf(key, sizeof(key), "%04u", k);
    tick++;
    if (op < 4) {
      unsigned vlen = 1 + (seed >> 8) % 50;
      unsigned char val[64];
      memset(val, (int)(k & 0xff), vlen);
      uint64_t exp = now + 1 + (seed >> 12) % 500;
      CHECK_INT(gnsd_cache_put(c, key, 4, val, vlen, exp, now), 0);
      /* model: evict LRU until it fits */
      m[k].present = false;
      size_t bytes = 0;
      for (int j = 0; j < MODEL_KEYS; j++)
        if (m[j].present) bytes += gnsd_cache_entry_cost(4, m[j].vlen);
      size_t cost = gnsd_cache_entry_cost(4, vlen);
      while (bytes + cost > limit) {
        int lru = -1;
        for (int j = 0; j < MODEL_KEYS; j++)
          if (m[j].present && (lru < 0 || m[j].last_use < m[lru].last_use)) lru = j;
        m[lru].present = false;
        bytes -= gnsd_cache_entry_cost(4, m[lru].vlen);
      }
      m[k] = (struct model){true, exp, tick, vlen, (unsigned char)(k & 0xff)};
    } else if (op < 9) {
      const void *v;
      size_t vl;
      int rc = gnsd_cache_get(c, key, 4, now, &v, &vl, NULL);
      bool want = m[k].present && m[k].exp > now;
      if (m[k].present && m[k].exp <= now) m[k].present = false;
      if ((rc == 0) != want) mismatches++;
      if (rc == 0 && want) {
        if (vl != m[k].vlen || ((const unsigned char *)v)[0] != m[k].v) mismatches++;
        m[k].last_use = tick;
      }
    } else {
      now += (seed >> 20) % 7;
    }
  }
  CHECK_INT(mismatches, 0);
  struct gnsd_cache_stats st;
  gnsd_cache_get_stats(c, &st);
  CHECK(st.bytes <= limit);
  CHECK(st.hits > 0 && st.evictions > 0 && st.expirations > 0);
  gnsd_cache_free(c);
}

int main(void) {
  test_basics();
  test_lru_bound();
  test_random();
  return check_done("test-cache");
}
