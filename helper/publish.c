/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The publication engine. See publish.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gns-util.h"
#include "label.h"
#include "log.h"
#include "publish.h"
#include "record.h"
#include "rrblock.h"
#include "store.h"
#include "workers.h"
#include "zonekey.h"

/* Labels per page: one store transaction on the loop per page, so a page
 * must stay cheap to write (about a millisecond, as a lookup may wait for
 * it); several pages in flight keep the workers busy while the loop
 * writes another. */
#define PAGE_LABELS 64u
#define PAGES_IN_FLIGHT 4u
/* Due labels queued per step of a re-publication pass. */
#define DUE_CHUNK 4096u
/* Re-publish when this fraction of a block's lifetime has passed, so a
 * block is renewed well before resolvers see it expire. */
#define REPUBLISH_NUM 3u
#define REPUBLISH_DEN 4u
#define MIN_DELAY_US 1000000u
#define RETRY_US (60ull * 1000000u)
#define RETRY_FAILED_US (10ull * 1000000u) /* after a page the store refused */

struct zone_stats {
  int64_t id;
  uint64_t signed_blocks, published, errors, last_pass;
  bool touched; /* had work in the current pass */
};

struct gnsd_publish_wait {
  struct gnsd_publish_wait *next;
  int64_t max_id, zone_id;
  uint64_t blocks;
  gnsd_publish_wait_cb cb;
  void *userdata;
  bool done;
  int error;
};

struct page;

struct sign_job {
  struct gnsd_job job; /* first: the pool hands us this */
  struct page *page;
  int64_t dirty_id, zone_id;
  struct gns_zone_priv priv;
  struct gns_zone_key pub;
  char label[GNS_LABEL_MAX + 1];
  struct gns_record *rd;
  size_t n, cap;
  uint64_t now;
  /* results */
  int r;
  bool skip;     /* nothing to do but dequeue (zone gone or revoked) */
  bool withdraw; /* no public record left: remove the block */
  uint8_t q[GNS_Q_LEN];
  uint8_t *block;
  size_t blen;
  uint64_t exp;
};

struct page {
  struct gnsd_publisher *p;
  struct sign_job **jobs;
  size_t n, left;
  bool cancelled;
};

struct gnsd_publisher {
  sd_event *event;
  struct gnsd_store *store;
  struct gnsd_workers *workers;
  struct gnsd_publisher_hooks hooks;
  uint64_t interval;
  sd_event_source *timer; /* next due re-publication, or a retry */
  sd_event_source *defer; /* run fill() from the loop */
  unsigned in_flight;
  bool paused, restart, freeing;
  int cursor_prio;
  int64_t cursor_id;
  uint64_t next_due;
  uint64_t retry_at; /* no new page before (realtime us) */
  uint64_t signed_total, published_total, errors_total, passes;
  uint64_t last_pass; /* realtime us when the queue last ran empty */
  struct zone_stats *zones;
  size_t n_zones;
  struct gnsd_publish_wait *waits;
};

static uint64_t now_us(struct gnsd_publisher *p) {
  uint64_t now = 0;
  sd_event_now(p->event, CLOCK_REALTIME, &now);
  return now;
}

static uint64_t add_sat(uint64_t a, uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static struct zone_stats *zone_stats(struct gnsd_publisher *p, int64_t id) {
  for (size_t i = 0; i < p->n_zones; i++)
    if (p->zones[i].id == id) return &p->zones[i];
  struct zone_stats *v = realloc(p->zones, (p->n_zones + 1) * sizeof *v);
  if (!v) return NULL;
  p->zones = v;
  v[p->n_zones] = (struct zone_stats){.id = id};
  return &v[p->n_zones++];
}

/* --- on a worker --- */

static void sign_run(struct gnsd_job *job) {
  struct sign_job *j = (struct sign_job *)job;
  if (j->skip) return;
  size_t llen = strlen(j->label);
  /* a filtered copy: j->rd keeps owning the data */
  struct gns_record *pub = malloc((j->n ? j->n : 1) * sizeof *pub);
  if (!pub) {
    j->r = -ENOMEM;
    return;
  }
  size_t k = 0;
  for (size_t i = 0; i < j->n; i++) {
    struct gns_record x = j->rd[i];
    if (x.flags & GNS_RF_PRIVATE) continue; /* never leaves this machine */
    if (x.flags & GNS_RF_RELATIVE_EXPIRATION) {
      x.expiration = add_sat(j->now, x.expiration);
      x.flags &= (uint16_t)~GNS_RF_RELATIVE_EXPIRATION;
    }
    if (x.expiration <= j->now) continue; /* RFC 9498, 5: expired records are not published */
    pub[k++] = x;
  }
  if (k == 0) {
    /* the block to withdraw is found by q alone: one key derivation */
    j->withdraw = true;
    j->r = gns_rrblock_query(&j->pub, (const uint8_t *)j->label, llen, j->q);
  } else {
    j->exp = gns_rdata_block_expiration(pub, k, j->now);
    j->r = gns_rrblock_create(&j->priv, (const uint8_t *)j->label, llen, pub, k, j->exp, &j->block,
                              &j->blen);
    /* RFC 9498, 6.1: q = SHA-512(ZKDF(zkey, label)), and the block
     * carries ZKDF(zkey, label): hashing it saves a second derivation,
     * which costs as much as the signature (bench/bench-crypto) */
    if (j->r == 0) j->r = gns_rrblock_query_of(j->block, j->blen, j->q);
  }
  free(pub);
}

/* --- on the loop --- */

static void job_free(struct sign_job *j) {
  gns_zone_priv_wipe(&j->priv);
  for (size_t i = 0; i < j->n; i++)
    free((void *)j->rd[i].data);
  free(j->rd);
  free(j->block);
  free(j);
}

static void page_free(struct page *pg) {
  for (size_t i = 0; i < pg->n; i++)
    if (pg->jobs[i]) job_free(pg->jobs[i]);
  free(pg->jobs);
  free(pg);
}

static void schedule_fill(struct gnsd_publisher *p) {
  if (p->defer) sd_event_source_set_enabled(p->defer, SD_EVENT_ONESHOT);
}

static void waits_check(struct gnsd_publisher *p, bool idle) {
  for (struct gnsd_publish_wait *w = p->waits; w; w = w->next) {
    if (w->done) continue;
    bool pending = false;
    int r = idle ? 0 : gnsd_store_dirty_pending(p->store, w->max_id, &pending);
    if (r < 0 || !pending) {
      w->done = true;
      w->error = r;
    }
  }
  /* callbacks last: they may add or cancel waits */
  struct gnsd_publish_wait **pw = &p->waits;
  while (*pw) {
    struct gnsd_publish_wait *w = *pw;
    if (!w->done) {
      pw = &w->next;
      continue;
    }
    *pw = w->next;
    w->cb(w->userdata, w->error, w->blocks);
    free(w);
    pw = &p->waits; /* the list may have changed */
  }
}

static uint64_t due_of(const struct gnsd_publisher *p, uint64_t now, uint64_t exp) {
  uint64_t life = exp > now ? exp - now : 0;
  uint64_t due = now + life / REPUBLISH_DEN * REPUBLISH_NUM;
  uint64_t by_interval = add_sat(now, p->interval);
  return due < by_interval ? due : by_interval;
}

/* All jobs of a page are back: store the blocks in one transaction. */
static void page_commit(struct page *pg) {
  struct gnsd_publisher *p = pg->p;
  uint64_t now = now_us(p);
  int r = gnsd_store_begin(p->store);
  for (size_t i = 0; r == 0 && i < pg->n; i++) {
    struct sign_job *j = pg->jobs[i];
    if (j->skip) {
      /* nothing to build */
    } else if (j->r < 0) {
      /* a record set that cannot be signed must not stop the zone; it
       * stays out of the queue until it changes */
      log_error("publish: cannot build the block of %s in zone %lld: %s", j->label,
                (long long)j->zone_id, strerror(-j->r));
      struct zone_stats *zs = zone_stats(p, j->zone_id);
      if (zs) zs->errors++;
      p->errors_total++;
    } else if (j->withdraw) {
      r = gnsd_store_block_delete(p->store, j->q);
      if (r == 0) r = gnsd_store_published_delete(p->store, j->zone_id, j->label);
    } else {
      r = gnsd_store_block_put(p->store, j->q, j->block, j->blen, j->exp, GNSD_BLOCK_LOCAL);
      if (r == 0)
        r = gnsd_store_published_set(p->store, j->zone_id, j->label, j->q, j->exp, now,
                                     due_of(p, now, j->exp));
    }
    if (r == 0) r = gnsd_store_dirty_done(p->store, j->dirty_id);
  }
  if (r < 0) {
    gnsd_store_rollback(p->store);
  } else {
    r = gnsd_store_commit(p->store);
  }
  if (r < 0) {
    log_error("publish: storing %zu blocks failed: %s; retrying in %u s", pg->n, strerror(-r),
              (unsigned)(RETRY_FAILED_US / 1000000u));
    p->errors_total++;
    p->restart = true;
    p->retry_at = now_us(p) + RETRY_FAILED_US;
    /* who waits for blocks hears why they are not out (their records are
     * stored; the blocks follow when the store takes them) */
    for (struct gnsd_publish_wait *w = p->waits; w; w = w->next)
      if (!w->done) {
        w->done = true;
        w->error = r;
      }
    return;
  }
  p->hooks.changed(p->hooks.userdata);
  for (size_t i = 0; i < pg->n; i++) {
    struct sign_job *j = pg->jobs[i];
    if (j->skip || j->r < 0 || j->withdraw) continue;
    struct zone_stats *zs = zone_stats(p, j->zone_id);
    p->signed_total++;
    if (zs) {
      zs->signed_blocks++;
      zs->touched = true;
    }
    for (struct gnsd_publish_wait *w = p->waits; w; w = w->next)
      if (j->dirty_id <= w->max_id && (w->zone_id == 0 || w->zone_id == j->zone_id)) w->blocks++;
    if (p->hooks.put) {
      int pr = p->hooks.put(p->hooks.userdata, j->q, j->block, j->blen, j->exp);
      if (pr < 0) {
        p->errors_total++;
        if (zs) zs->errors++;
      } else if (pr > 0) {
        p->published_total++;
        if (zs) zs->published++;
      }
    }
  }
}

static void sign_done(struct gnsd_job *job, int cancelled) {
  struct sign_job *j = (struct sign_job *)job;
  struct page *pg = j->page;
  if (cancelled) pg->cancelled = true;
  if (--pg->left > 0) return;
  struct gnsd_publisher *p = pg->p;
  if (!pg->cancelled && !p->freeing) page_commit(pg);
  page_free(pg);
  p->in_flight--;
  if (p->freeing) {
    if (p->in_flight == 0) free(p);
    return;
  }
  waits_check(p, false);
  schedule_fill(p);
}

struct build_ctx {
  struct gnsd_publisher *p;
  struct page *pg;
  /* the zone of the previous entry, to look each zone up once */
  int64_t zone_id;
  bool zone_ok, zone_revoked;
  struct gnsd_zone zone;
  int last_prio;
  int64_t last_id;
  uint64_t now;
};

static int collect(void *userdata, const char *label, const struct gns_record *rd) {
  (void)label;
  struct sign_job *j = userdata;
  if (j->n == j->cap) {
    size_t cap = j->cap ? j->cap * 2 : 4;
    struct gns_record *v = realloc(j->rd, cap * sizeof *v);
    if (!v) return -ENOMEM;
    j->rd = v;
    j->cap = cap;
  }
  uint8_t *data = malloc(rd->data_len ? rd->data_len : 1);
  if (!data) return -ENOMEM;
  if (rd->data_len) memcpy(data, rd->data, rd->data_len);
  j->rd[j->n] = *rd;
  j->rd[j->n].data = data;
  j->n++;
  return 0;
}

static int build_job(void *userdata, int64_t id, int64_t zone_id, const char *label, int prio) {
  struct build_ctx *c = userdata;
  struct page *pg = c->pg;
  c->last_prio = prio;
  c->last_id = id;
  struct sign_job *j = calloc(1, sizeof *j);
  if (!j) return -ENOMEM;
  pg->jobs[pg->n++] = j;
  j->job.run = sign_run;
  j->job.done = sign_done;
  j->page = pg;
  j->dirty_id = id;
  j->zone_id = zone_id;
  j->now = c->now;
  snprintf(j->label, sizeof j->label, "%s", label);
  if (zone_id != c->zone_id) {
    if (c->zone_ok) gns_zone_priv_wipe(&c->zone.priv);
    c->zone_id = zone_id;
    int r = gnsd_store_zone_get_by_id(c->p->store, zone_id, &c->zone);
    if (r < 0 && r != -ENOENT) return r;
    c->zone_ok = r == 0;
    /* a revoked zone is not published: nobody may use it */
    c->zone_revoked = c->zone_ok && gnsd_store_is_revoked(c->p->store, &c->zone.pub, c->now);
  }
  if (!c->zone_ok || c->zone_revoked) {
    j->skip = true;
    return 0;
  }
  j->priv = c->zone.priv;
  j->pub = c->zone.pub;
  return gnsd_store_record_foreach(c->p->store, zone_id, label, collect, j);
}

/* Start one page; false if the queue had nothing after the cursor. */
static int start_page(struct gnsd_publisher *p, bool *started) {
  *started = false;
  struct page *pg = calloc(1, sizeof *pg);
  if (!pg) return -ENOMEM;
  pg->p = p;
  pg->jobs = calloc(PAGE_LABELS, sizeof *pg->jobs);
  if (!pg->jobs) {
    free(pg);
    return -ENOMEM;
  }
  struct build_ctx c = {.p = p, .pg = pg, .zone_id = -1, .now = now_us(p)};
  int r = gnsd_store_dirty_page(p->store, p->cursor_prio, p->cursor_id, PAGE_LABELS, build_job, &c);
  if (c.zone_ok) gns_zone_priv_wipe(&c.zone.priv);
  if (r < 0 || pg->n == 0) {
    page_free(pg);
    return r;
  }
  p->cursor_prio = c.last_prio;
  p->cursor_id = c.last_id;
  for (size_t i = 0; i < pg->n; i++) {
    struct zone_stats *zs = zone_stats(p, pg->jobs[i]->zone_id);
    if (zs) zs->touched = true;
  }
  pg->left = pg->n;
  p->in_flight++;
  *started = true;
  /* skipped entries need no worker, but go the same way so that the
   * page commits in one place */
  for (size_t i = 0; i < pg->n; i++)
    gnsd_workers_submit(p->workers, &pg->jobs[i]->job);
  return 0;
}

static void arm_timer(struct gnsd_publisher *p, uint64_t when) {
  uint64_t now = now_us(p);
  if (when < now + MIN_DELAY_US) when = now + MIN_DELAY_US;
  p->next_due = when;
  uint64_t delay = when - now;
  sd_event_source_set_time_relative(p->timer, delay);
  sd_event_source_set_enabled(p->timer, SD_EVENT_ONESHOT);
}

/* The queue ran empty: the pass is over. Queue what is due next, or
 * sleep until it is. */
static void pass_end(struct gnsd_publisher *p) {
  uint64_t now = now_us(p);
  for (size_t i = 0; i < p->n_zones; i++)
    if (p->zones[i].touched) {
      p->zones[i].touched = false;
      p->zones[i].last_pass = now;
    }
  p->passes++;
  p->last_pass = now;
  waits_check(p, true);
  int64_t marked = 0;
  int r = gnsd_store_dirty_mark_due(p->store, now, DUE_CHUNK, &marked);
  if (r == 0 && marked > 0) {
    schedule_fill(p);
    return;
  }
  int64_t gone = 0;
  gnsd_store_block_expire(p->store, now, &gone);
  uint64_t due = UINT64_MAX;
  if (r == 0) r = gnsd_store_published_next_due(p->store, &due);
  arm_timer(p, r < 0 ? now + RETRY_US : due);
}

static void fill(struct gnsd_publisher *p) {
  if (p->paused || p->freeing) return;
  if (p->retry_at) {
    if (now_us(p) < p->retry_at) {
      if (p->in_flight == 0) arm_timer(p, p->retry_at);
      return;
    }
    p->retry_at = 0;
  }
  if (!gnsd_store_available(p->store)) {
    arm_timer(p, now_us(p) + RETRY_US);
    return;
  }
  if (p->restart) {
    if (p->in_flight > 0) return; /* once the pages out come back */
    p->restart = false;
    p->cursor_prio = -1;
    p->cursor_id = 0;
  }
  bool rewound = false;
  while (p->in_flight < PAGES_IN_FLIGHT) {
    bool started = false;
    int r = start_page(p, &started);
    if (r < 0) {
      log_error("publish: reading the queue failed: %s", strerror(-r));
      arm_timer(p, now_us(p) + RETRY_US);
      return;
    }
    if (started) continue;
    if (p->in_flight > 0) return; /* the rest when these come back */
    if (!rewound && (p->cursor_prio >= 0 || p->cursor_id > 0)) {
      /* entries before the cursor were added meanwhile? */
      p->cursor_prio = -1;
      p->cursor_id = 0;
      rewound = true;
      continue;
    }
    pass_end(p);
    return;
  }
}

static int on_defer(sd_event_source *s, void *userdata) {
  (void)s;
  fill(userdata);
  return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
  (void)s;
  (void)usec;
  struct gnsd_publisher *p = userdata;
  p->restart = true;
  fill(p);
  return 0;
}

int gnsd_publisher_new(sd_event *event, struct gnsd_store *store, struct gnsd_workers *workers,
                       const struct gnsd_publisher_hooks *hooks, uint64_t interval_us,
                       struct gnsd_publisher **out) {
  struct gnsd_publisher *p = calloc(1, sizeof *p);
  if (!p) return -ENOMEM;
  p->event = event;
  p->store = store;
  p->workers = workers;
  p->hooks = *hooks;
  p->interval = interval_us;
  p->cursor_prio = -1;
  int r = sd_event_add_time_relative(event, &p->timer, CLOCK_MONOTONIC, 0, 100000, on_timer, p);
  if (r >= 0) r = sd_event_add_defer(event, &p->defer, on_defer, p);
  if (r < 0) {
    gnsd_publisher_free(p);
    return r;
  }
  /* below the sockets: a burst of finished pages never delays a lookup */
  sd_event_source_set_priority(p->defer, SD_EVENT_PRIORITY_IDLE);
  sd_event_source_set_enabled(p->defer, SD_EVENT_OFF);
  sd_event_source_set_enabled(p->timer, SD_EVENT_ONESHOT);
  *out = p;
  return 0;
}

void gnsd_publisher_free(struct gnsd_publisher *p) {
  if (!p) return;
  bool pending = false;
  if (gnsd_store_available(p->store)) gnsd_store_dirty_pending(p->store, INT64_MAX, &pending);
  if (pending || p->in_flight)
    log_info("publish: pass interrupted by shutdown; the labels left are signed at the next "
             "start");
  p->freeing = true;
  while (p->waits) {
    struct gnsd_publish_wait *w = p->waits;
    p->waits = w->next;
    w->cb(w->userdata, -ECANCELED, w->blocks);
    free(w);
  }
  sd_event_source_disable_unref(p->timer);
  sd_event_source_disable_unref(p->defer);
  free(p->zones);
  /* pages still out are freed by sign_done when the pool is freed */
  if (p->in_flight == 0)
    free(p);
  else
    log_debug("publish: %u pages still signing at exit", p->in_flight);
}

void gnsd_publisher_set_interval(struct gnsd_publisher *p, uint64_t interval_us) {
  p->interval = interval_us;
  if (p->in_flight == 0) arm_timer(p, now_us(p));
}

void gnsd_publisher_kick(struct gnsd_publisher *p) {
  p->restart = true; /* changed entries sort first: start from the top */
  schedule_fill(p);
}

void gnsd_publisher_pause(struct gnsd_publisher *p, bool paused) {
  p->paused = paused;
  if (!paused) gnsd_publisher_kick(p);
}

int gnsd_publisher_wait(struct gnsd_publisher *p, int64_t max_id, int64_t zone_id,
                        gnsd_publish_wait_cb cb, void *userdata, struct gnsd_publish_wait **out) {
  struct gnsd_publish_wait *w = calloc(1, sizeof *w);
  if (!w) return -ENOMEM;
  *w = (struct gnsd_publish_wait){
      .next = p->waits, .max_id = max_id, .zone_id = zone_id, .cb = cb, .userdata = userdata};
  p->waits = w;
  if (out) *out = w;
  schedule_fill(p); /* checks it after a pass even if there is no work */
  return 0;
}

void gnsd_publisher_wait_cancel(struct gnsd_publisher *p, struct gnsd_publish_wait *w) {
  for (struct gnsd_publish_wait **pw = &p->waits; *pw; pw = &(*pw)->next)
    if (*pw == w) {
      *pw = w->next;
      free(w);
      return;
    }
}

static int64_t clamp64(uint64_t v) {
  return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

void gnsd_publisher_zone_status(struct gnsd_publisher *p, int64_t zone_id, json_object *obj) {
  struct zone_stats zs = {0};
  for (size_t i = 0; i < p->n_zones; i++)
    if (p->zones[i].id == zone_id) zs = p->zones[i];
  json_object_object_add(obj, "signed", json_object_new_int64(clamp64(zs.signed_blocks)));
  json_object_object_add(obj, "published", json_object_new_int64(clamp64(zs.published)));
  json_object_object_add(obj, "errors", json_object_new_int64(clamp64(zs.errors)));
  if (zs.last_pass)
    json_object_object_add(obj, "lastPass", json_object_new_int64(clamp64(zs.last_pass)));
}

void gnsd_publisher_status(struct gnsd_publisher *p, json_object *obj) {
  json_object_object_add(obj, "signed", json_object_new_int64(clamp64(p->signed_total)));
  json_object_object_add(obj, "published", json_object_new_int64(clamp64(p->published_total)));
  json_object_object_add(obj, "errors", json_object_new_int64(clamp64(p->errors_total)));
  json_object_object_add(obj, "passes", json_object_new_int64(clamp64(p->passes)));
  if (p->last_pass)
    json_object_object_add(obj, "lastPass", json_object_new_int64(clamp64(p->last_pass)));
  json_object_object_add(obj, "workers", json_object_new_int64(gnsd_workers_threads(p->workers)));
}

uint64_t gnsd_publisher_next(const struct gnsd_publisher *p) {
  return p->next_due;
}
