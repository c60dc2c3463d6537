/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gnsd's revocation knowledge: the store, the peer's revocation service
 * and a short memory of the service's "valid" answers (trust.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gns-util.h"
#include "log.h"
#include "revocation.h"
#include "store.h"
#include "trust.h"
#include "ztld.h"

#define TABLE_SIZE 1024u /* power of two */
#define MAX_ENTRIES 8192u

struct gnsd_trust_check {
  struct gnsd_trust_check *next;
  struct entry *e;
  gnsd_trust_cb cb;
  void *userdata;
};

/* One zone key asked about: valid until `until`, or a query in flight
 * with the checks waiting for it. */
struct entry {
  struct entry *next;
  struct gns_zone_key zk;
  uint64_t until;
  struct gnsd_revnet_query *q;
  struct gnsd_trust_check *waiters;
  struct gnsd_trust *t;
};

struct gnsd_trust {
  struct gnsd_store *store;
  gnsd_clock_fn clock;
  void *clock_ud;
  struct gnsd_revnet *rn;
  uint64_t valid_ttl;
  gnsd_trust_changed_fn changed;
  void *changed_ud;
  struct entry *tab[TABLE_SIZE];
  size_t n_entries;
  struct {
    uint64_t checks, network, unchecked, revoked_by_network;
  } st;
};

static uint64_t now(const struct gnsd_trust *t) {
  return t->clock(t->clock_ud);
}

static size_t slot(const struct gns_zone_key *zk) {
  uint8_t b[GNS_ZONE_ID_LEN];
  if (gns_zone_key_to_bytes(zk, b) < 0) return 0;
  /* the key bytes are a curve point: any 8 of them hash well */
  return (size_t)(gns_get_u64(b + 4) & (TABLE_SIZE - 1));
}

static struct entry *find(struct gnsd_trust *t, const struct gns_zone_key *zk) {
  for (struct entry *e = t->tab[slot(zk)]; e; e = e->next)
    if (gns_zone_key_equal(&e->zk, zk)) return e;
  return NULL;
}

static void entry_remove(struct gnsd_trust *t, struct entry *e) {
  struct entry **pp = &t->tab[slot(&e->zk)];
  while (*pp && *pp != e)
    pp = &(*pp)->next;
  if (*pp) *pp = e->next;
  t->n_entries--;
  free(e);
}

/* Forget answers that ran out (never an entry with a query in flight). */
static void prune(struct gnsd_trust *t, uint64_t now) {
  for (size_t i = 0; i < TABLE_SIZE; i++) {
    struct entry **pp = &t->tab[i];
    while (*pp) {
      struct entry *e = *pp;
      if (!e->q && !e->waiters && e->until <= now) {
        *pp = e->next;
        t->n_entries--;
        free(e);
      } else {
        pp = &e->next;
      }
    }
  }
}

static void finish_waiters(struct entry *e, enum gnsd_trust_verdict v, uint64_t until) {
  while (e->waiters) {
    struct gnsd_trust_check *w = e->waiters;
    e->waiters = w->next;
    gnsd_trust_cb cb = w->cb;
    void *ud = w->userdata;
    free(w);
    cb(ud, v, until);
  }
}

static void on_answer(void *userdata, int error, bool revoked) {
  struct entry *e = userdata;
  struct gnsd_trust *t = e->t;
  e->q = NULL;
  uint64_t at = now(t);
  enum gnsd_trust_verdict v;
  uint64_t until = at;
  if (error < 0) {
    t->st.unchecked++;
    v = GNSD_TRUST_UNCHECKED;
  } else if (revoked) {
    /* RFC 9498, 4.2: revocations "MUST be stored locally". The service
     * verified it; it does not hand out the message, so the stored
     * revocation has none. */
    static const uint8_t none[1];
    char ztld[GNS_ZTLD_MAX];
    if (gns_ztld_encode(&e->zk, ztld, sizeof ztld) < 0) ztld[0] = '\0';
    int r = gnsd_store_revocation_put(t->store, &e->zk, 0, at + GNSD_TRUST_REPORTED_HOLD, none, 0);
    if (r < 0)
      log_error("trust: cannot store the revocation of %s: %s", ztld, strerror(-r));
    else
      log_notice("trust: the GNUnet peer reports zone %s revoked; stored", ztld);
    t->st.revoked_by_network++;
    v = GNSD_TRUST_REVOKED;
  } else {
    v = GNSD_TRUST_VALID;
    until = at + t->valid_ttl;
    e->until = until;
  }
  /* the waiters may start new checks (which may find this entry) */
  finish_waiters(e, v, until);
  if (v != GNSD_TRUST_VALID && !e->q && !e->waiters) entry_remove(t, e);
  if (v == GNSD_TRUST_REVOKED && t->changed) t->changed(t->changed_ud);
}

enum gnsd_trust_verdict gnsd_trust_check(struct gnsd_trust *t, const struct gns_zone_key *zk,
                                         uint64_t now, gnsd_trust_cb cb, void *userdata,
                                         struct gnsd_trust_check **handle, uint64_t *until) {
  *until = now;
  t->st.checks++;
  /* RFC 9498, 7.3.4: the local revocation list first */
  if (gnsd_store_is_revoked(t->store, zk, now)) return GNSD_TRUST_REVOKED;
  if (!t->rn) return GNSD_TRUST_LOCAL;
  struct entry *e = find(t, zk);
  if (e && !e->q && e->until > now) {
    *until = e->until;
    return GNSD_TRUST_VALID;
  }
  struct gnsd_trust_check *w = calloc(1, sizeof *w);
  if (!w) {
    t->st.unchecked++;
    return GNSD_TRUST_UNCHECKED;
  }
  if (!e) {
    if (t->n_entries >= MAX_ENTRIES) prune(t, now);
    if (t->n_entries >= MAX_ENTRIES || !(e = calloc(1, sizeof *e))) {
      free(w);
      t->st.unchecked++;
      return GNSD_TRUST_UNCHECKED;
    }
    e->zk = *zk;
    e->t = t;
    size_t k = slot(zk);
    e->next = t->tab[k];
    t->tab[k] = e;
    t->n_entries++;
  }
  if (!e->q) {
    t->st.network++;
    int r = gnsd_revnet_query(t->rn, zk, on_answer, e, &e->q);
    if (r < 0) {
      e->q = NULL;
      free(w);
      if (!e->waiters) entry_remove(t, e);
      t->st.unchecked++;
      return GNSD_TRUST_UNCHECKED;
    }
  }
  w->e = e;
  w->cb = cb;
  w->userdata = userdata;
  w->next = e->waiters;
  e->waiters = w;
  *handle = w;
  return GNSD_TRUST_PENDING;
}

void gnsd_trust_check_cancel(struct gnsd_trust *t, struct gnsd_trust_check *h) {
  (void)t;
  if (!h) return;
  struct entry *e = h->e;
  for (struct gnsd_trust_check **pp = &e->waiters; *pp; pp = &(*pp)->next)
    if (*pp == h) {
      *pp = h->next;
      free(h);
      return;
    }
  /* The query goes on: its answer is worth remembering. */
}

/* Every query of the current service ends: its waiters are UNCHECKED. */
static void drop_all(struct gnsd_trust *t) {
  for (size_t i = 0; i < TABLE_SIZE; i++) {
    while (t->tab[i]) {
      struct entry *e = t->tab[i];
      t->tab[i] = e->next;
      t->n_entries--;
      if (e->q) gnsd_revnet_query_cancel(t->rn, e->q);
      finish_waiters(e, GNSD_TRUST_UNCHECKED, now(t));
      free(e);
    }
  }
}

void gnsd_trust_set_network(struct gnsd_trust *t, struct gnsd_revnet *rn, uint64_t valid_ttl) {
  if (rn != t->rn) drop_all(t);
  t->rn = rn;
  t->valid_ttl =
      valid_ttl && valid_ttl < GNSD_TRUST_VALID_TTL_MAX ? valid_ttl : GNSD_TRUST_VALID_TTL_MAX;
}

void gnsd_trust_set_changed(struct gnsd_trust *t, gnsd_trust_changed_fn fn, void *userdata) {
  t->changed = fn;
  t->changed_ud = userdata;
}

void gnsd_trust_publish(struct gnsd_trust *t, const uint8_t *msg, size_t len, uint64_t expires) {
  if (!t->rn || !msg || len != GNS_REVOCATION_LEN) return;
  int r = gnsd_revnet_publish(t->rn, msg, len, expires);
  if (r < 0) log_error("trust: cannot queue a revocation for the GNUnet peer: %s", strerror(-r));
}

static int publish_one(void *userdata, const struct gnsd_revocation *rev) {
  gnsd_trust_publish(userdata, rev->message, rev->message_len, rev->expires);
  return 0;
}

void gnsd_trust_publish_stored(struct gnsd_trust *t, uint64_t now) {
  if (t->rn) (void)gnsd_store_revocation_foreach(t->store, now, publish_one, t);
}

struct gnsd_revnet *gnsd_trust_network(struct gnsd_trust *t) {
  return t ? t->rn : NULL;
}

static void add_u64(json_object *o, const char *k, uint64_t v) {
  json_object_object_add(o, k, json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v));
}

void gnsd_trust_status(struct gnsd_trust *t, json_object *out) {
  json_object_object_add(out, "network", json_object_new_boolean(t->rn != NULL));
  add_u64(out, "validTtl", t->valid_ttl);
  add_u64(out, "remembered", t->n_entries);
  add_u64(out, "checks", t->st.checks);
  add_u64(out, "checksNetwork", t->st.network);
  add_u64(out, "unchecked", t->st.unchecked);
  add_u64(out, "revokedByNetwork", t->st.revoked_by_network);
  if (t->rn) {
    json_object *s = json_object_new_object();
    gnsd_revnet_status(t->rn, s);
    json_object_object_add(out, "revocationService", s);
  }
}

int gnsd_trust_new(struct gnsd_store *store, gnsd_clock_fn clock, void *clock_ud,
                   struct gnsd_trust **out) {
  if (!store || !clock || !out) return -EINVAL;
  struct gnsd_trust *t = calloc(1, sizeof *t);
  if (!t) return -ENOMEM;
  t->store = store;
  t->clock = clock;
  t->clock_ud = clock_ud;
  t->valid_ttl = GNSD_TRUST_VALID_TTL_MAX;
  *out = t;
  return 0;
}

void gnsd_trust_free(struct gnsd_trust *t) {
  if (!t) return;
  drop_all(t);
  free(t);
}
