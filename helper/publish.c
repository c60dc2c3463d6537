/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The publication engine. See publish.h. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "event-now.h"
#include "gns-util.h"
#include "label.h"
#include "log.h"
#include "publish.h"
#include "record.h"
#include "rrblock.h"
#include "store.h"
#include "workers.h"
#include "zonekey.h"

/* Labels per page: one transaction on the store thread per page, kept
 * short since the loop's own writes (record changes) wait for it; several
 * pages in flight keep the workers busy while the store thread reads and
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
/* Cached answers go at most this often while a pass changes blocks, and
 * at once when someone waits for the change (their reply follows) */
#define FLUSH_MIN_US 250000u

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
  bool changed;  /* queued for a change (prio 0), not a re-publication */
  uint8_t q[GNS_Q_LEN];
  uint8_t *block;
  size_t blen;
  uint64_t exp;
};

/* A page goes: read (store thread) -> sign (pool) -> commit (store
 * thread), and its done() callbacks run on the loop in between. */
struct page {
  struct gnsd_job read_job, commit_job;
  struct gnsd_publisher *p;
  struct sign_job **jobs;
  size_t n, left;
  bool cancelled;
  int after_prio, last_prio; /* the cursor before and after the read */
  int64_t after_id, last_id;
  uint64_t now;
  uint64_t rollbacks; /* the store's count when the page was read */
  uint64_t kicks;     /* p->kicks when the read started */
  int r;              /* of the read, then of the commit */
  bool in_tx;         /* committed inside an open import (not yet visible) */
};

/* Work on the store thread that is not a page. */
struct pass_job {
  struct gnsd_job job;
  struct gnsd_publisher *p;
  uint64_t now;
  int r;
  int64_t marked;
  uint64_t due;
  uint64_t kicks;
};

#define SWEEP_PAGE 128u

struct sweep_block {
  uint8_t q[GNS_Q_LEN];
  uint8_t *block;
  size_t len;
  uint64_t exp;
  int64_t zone_id;
};

struct sweep_job {
  struct gnsd_job job;
  struct gnsd_publisher *p;
  uint64_t since;
  int64_t after_zone;
  char after_label[GNS_LABEL_MAX + 1];
  struct sweep_block v[SWEEP_PAGE];
  size_t n;
  int r;
};

struct gnsd_publisher {
  sd_event *event;
  struct gnsd_store *store;    /* the loop's connection: waits, status */
  struct gnsd_store *bulk;     /* the store thread's connection */
  struct gnsd_workers *thread; /* the store thread: one, serial */
  struct gnsd_workers *workers;
  struct gnsd_publisher_hooks hooks;
  uint64_t interval;
  sd_event_source *timer; /* next due re-publication, or a retry */
  sd_event_source *defer; /* run fill() from the loop */
  sd_event_source *flush; /* a coalesced hooks.changed() is due */
  uint64_t flushed_at;    /* monotonic us of the last hooks.changed() */
  bool flush_pending;
  unsigned in_flight; /* pages between read and commit */
  unsigned jobs_out;  /* pass and sweep jobs on the store thread */
  bool restart, freeing, reading, ending, rewound;
  /* kicks so far: a change committed after a read or a pass end started
   * is not seen by it, so such a read is not the end of the pass */
  uint64_t kicks;
  int cursor_prio;
  int64_t cursor_id;
  uint64_t next_due;
  uint64_t retry_at;     /* no new page before (realtime us) */
  uint64_t import_since; /* an import is open since (realtime us); 0 = none */
  uint64_t signed_total, published_total, errors_total, passes, pages_done;
  uint64_t last_pass; /* realtime us when the queue last ran empty */
  struct zone_stats *zones;
  size_t n_zones;
  struct gnsd_publish_wait *waits;
};

#define PAGE_OF(jobp, member)                                                                      \
  ((struct page *)(void *)((char *)(jobp)-offsetof(struct page, member)))

static uint64_t now_us(struct gnsd_publisher *p) {
  if (p->hooks.now) return p->hooks.now(p->hooks.userdata);
  return gnsd_event_now(p->event, CLOCK_REALTIME);
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

/* p goes once nothing of it is out on a thread. */
static void maybe_free(struct gnsd_publisher *p) {
  if (p->freeing && p->in_flight == 0 && p->jobs_out == 0) free(p);
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

/* The page is finished (or dropped): free it and let another start. */
static void page_end(struct page *pg) {
  struct gnsd_publisher *p = pg->p;
  p->pages_done++;
  page_free(pg);
  p->in_flight--;
  maybe_free(p);
}

static uint64_t due_of(const struct gnsd_publisher *p, uint64_t now, uint64_t exp) {
  uint64_t life = exp > now ? exp - now : 0;
  uint64_t due = now + life / REPUBLISH_DEN * REPUBLISH_NUM;
  uint64_t by_interval = add_sat(now, p->interval);
  return due < by_interval ? due : by_interval;
}

/* --- on the store thread: it touches only the page and p->bulk --- */

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

static int build_job(void *userdata, int64_t id, int64_t zone_id, const char *label, int prio);

static void read_run(struct gnsd_job *job) {
  struct page *pg = PAGE_OF(job, read_job);
  struct build_ctx c = {.p = pg->p,
                        .pg = pg,
                        .zone_id = -1,
                        .now = pg->now,
                        .last_prio = pg->after_prio,
                        .last_id = pg->after_id};
  pg->r =
      gnsd_store_dirty_page(pg->p->bulk, pg->after_prio, pg->after_id, PAGE_LABELS, build_job, &c);
  if (c.zone_ok) gns_zone_priv_wipe(&c.zone.priv);
  pg->rollbacks = gnsd_store_rollbacks(pg->p->bulk);
  pg->last_prio = c.last_prio;
  pg->last_id = c.last_id;
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
  j->page = pg;
  j->dirty_id = id;
  j->zone_id = zone_id;
  j->changed = prio == 0;
  j->now = c->now;
  snprintf(j->label, sizeof j->label, "%s", label);
  if (zone_id != c->zone_id) {
    if (c->zone_ok) gns_zone_priv_wipe(&c->zone.priv);
    c->zone_id = zone_id;
    int r = gnsd_store_zone_get_by_id(c->p->bulk, zone_id, &c->zone);
    if (r < 0 && r != -ENOENT) return r;
    c->zone_ok = r == 0;
    /* a revoked zone is not published: nobody may use it */
    c->zone_revoked = c->zone_ok && gnsd_store_is_revoked(c->p->bulk, &c->zone.pub, c->now);
  }
  if (!c->zone_ok || c->zone_revoked) {
    j->skip = true;
    return 0;
  }
  j->priv = c->zone.priv;
  j->pub = c->zone.pub;
  return gnsd_store_record_foreach(c->p->bulk, zone_id, label, collect, j);
}

/* All jobs of a page are signed: store the blocks in one transaction (or
 * in the open import's, which then commits or rolls them back with its
 * records). */
static void commit_run(struct gnsd_job *job) {
  struct page *pg = PAGE_OF(job, commit_job);
  struct gnsd_store *s = pg->p->bulk;
  uint64_t now = pg->now;
  pg->in_tx = gnsd_store_in_transaction(s);
  if (gnsd_store_rollbacks(s) != pg->rollbacks) {
    /* read inside a transaction that was rolled back since (an import):
     * these records may never have been, and their queue entries are
     * back if they were */
    pg->r = -ECANCELED;
    return;
  }
  int r = gnsd_store_begin(s);
  for (size_t i = 0; r == 0 && i < pg->n; i++) {
    struct sign_job *j = pg->jobs[i];
    if (j->skip || j->r < 0) {
      /* nothing to build, or a record set that cannot be signed: it must
       * not stop the zone, and stays out of the queue until it changes */
    } else if (j->withdraw) {
      r = gnsd_store_block_delete(s, j->q);
      if (r == 0) r = gnsd_store_published_delete(s, j->zone_id, j->label);
    } else {
      r = gnsd_store_block_put(s, j->q, j->block, j->blen, j->exp, GNSD_BLOCK_LOCAL);
      if (r == 0)
        r = gnsd_store_published_set(s, j->zone_id, j->label, j->q, j->exp, now,
                                     due_of(pg->p, now, j->exp));
    }
    if (r == 0) r = gnsd_store_dirty_done(s, j->dirty_id);
  }
  if (r < 0)
    gnsd_store_rollback(s);
  else
    r = gnsd_store_commit(s);
  pg->r = r;
}

/* --- on the loop --- */

static void schedule_fill(struct gnsd_publisher *p) {
  if (p->defer) sd_event_source_set_enabled(p->defer, SD_EVENT_ONESHOT);
}

static uint64_t mono_us(struct gnsd_publisher *p) {
  return gnsd_event_now(p->event, CLOCK_MONOTONIC);
}

static void flush_now(struct gnsd_publisher *p) {
  p->flush_pending = false;
  p->flushed_at = mono_us(p);
  if (p->flush) sd_event_source_set_enabled(p->flush, SD_EVENT_OFF);
  p->hooks.changed(p->hooks.userdata);
}

/* Blocks of changed labels are stored: cached answers may rest on the old
 * ones. Emptying the cache for every page of a large pass would make
 * every lookup meanwhile an uncached one (a PKEY block costs the loop
 * 0.7 ms to verify), so it happens at most every FLUSH_MIN_US, and at
 * once before a wait completes. */
static void note_changed(struct gnsd_publisher *p) {
  uint64_t now = mono_us(p);
  if (!p->flush || now >= p->flushed_at + FLUSH_MIN_US) {
    flush_now(p);
    return;
  }
  if (p->flush_pending) return;
  p->flush_pending = true;
  sd_event_source_set_time(p->flush, p->flushed_at + FLUSH_MIN_US);
  sd_event_source_set_enabled(p->flush, SD_EVENT_ONESHOT);
}

static int on_flush(sd_event_source *s, uint64_t usec, void *userdata) {
  (void)s;
  (void)usec;
  struct gnsd_publisher *p = userdata;
  if (p->flush_pending) flush_now(p);
  return 0;
}

static void waits_check(struct gnsd_publisher *p) {
  for (struct gnsd_publish_wait *w = p->waits; w; w = w->next) {
    if (w->done) continue;
    bool pending = false;
    int r = gnsd_store_dirty_pending(p->store, w->max_id, &pending);
    if (r < 0 || !pending) {
      w->done = true;
      w->error = r;
    }
  }
  /* callbacks last: they may add or cancel waits; who waited for a
   * change resolves it next and must not get a cached old answer */
  for (struct gnsd_publish_wait *w = p->waits; w && p->flush_pending; w = w->next)
    if (w->done) flush_now(p);
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

static void hand_out(struct gnsd_publisher *p, struct zone_stats *zs, const uint8_t q[64],
                     const uint8_t *block, size_t len, uint64_t exp) {
  if (!p->hooks.put) return;
  int pr = p->hooks.put(p->hooks.userdata, q, block, len, exp);
  if (pr < 0) {
    p->errors_total++;
    if (zs) zs->errors++;
  } else if (pr > 0) {
    p->published_total++;
    if (zs) zs->published++;
  }
}

static void commit_done(struct gnsd_job *job, int cancelled) {
  struct page *pg = PAGE_OF(job, commit_job);
  struct gnsd_publisher *p = pg->p;
  if (cancelled || p->freeing) {
    page_end(pg);
    return;
  }
  int r = pg->r;
  if (r == -ECANCELED) {
    p->restart = true;
  } else if (r < 0) {
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
  } else {
    /* Cached answers may rest on the old blocks of changed labels. A
     * re-publication changes no record, and an import's blocks are not
     * visible before its commit (import_end says when): a pass over a
     * large zone must not empty the cache 64 labels at a time. */
    bool changed = false;
    for (size_t i = 0; i < pg->n && !pg->in_tx; i++)
      changed |= pg->jobs[i]->changed && !pg->jobs[i]->skip;
    if (changed) note_changed(p);
    for (size_t i = 0; i < pg->n; i++) {
      struct sign_job *j = pg->jobs[i];
      if (j->skip) continue;
      struct zone_stats *zs = zone_stats(p, j->zone_id);
      if (j->r < 0) {
        log_error("publish: cannot build the block of %s in zone %lld: %s", j->label,
                  (long long)j->zone_id, strerror(-j->r));
        if (zs) zs->errors++;
        p->errors_total++;
        continue;
      }
      if (j->withdraw) continue;
      p->signed_total++;
      if (zs) {
        zs->signed_blocks++;
        zs->touched = true;
      }
      for (struct gnsd_publish_wait *w = p->waits; w; w = w->next)
        if (j->dirty_id <= w->max_id && (w->zone_id == 0 || w->zone_id == j->zone_id)) w->blocks++;
      /* a block of an import that is not committed yet must not leave
       * this machine: the import may still be rolled back. It goes out
       * in the sweep after the commit. */
      if (!pg->in_tx) hand_out(p, zs, j->q, j->block, j->blen, j->exp);
    }
  }
  page_end(pg);
  waits_check(p);
  schedule_fill(p);
}

static void sign_done(struct gnsd_job *job, int cancelled) {
  struct sign_job *j = (struct sign_job *)job;
  struct page *pg = j->page;
  if (cancelled) pg->cancelled = true;
  if (--pg->left > 0) return;
  struct gnsd_publisher *p = pg->p;
  if (pg->cancelled || p->freeing) {
    page_end(pg);
    return;
  }
  pg->now = now_us(p);
  pg->commit_job.run = commit_run;
  pg->commit_job.done = commit_done;
  gnsd_workers_submit(p->thread, &pg->commit_job);
}

static void arm_timer(struct gnsd_publisher *p, uint64_t when) {
  uint64_t now = now_us(p);
  if (when < now + MIN_DELAY_US) when = now + MIN_DELAY_US;
  p->next_due = when;
  uint64_t delay = when - now;
  sd_event_source_set_time_relative(p->timer, delay);
  sd_event_source_set_enabled(p->timer, SD_EVENT_ONESHOT);
}

static void pass_run(struct gnsd_job *job) {
  struct pass_job *pj = (struct pass_job *)job;
  struct gnsd_store *s = pj->p->bulk;
  pj->due = UINT64_MAX;
  pj->r = gnsd_store_dirty_mark_due(s, pj->now, DUE_CHUNK, &pj->marked);
  if (pj->r < 0 || pj->marked > 0) return;
  int64_t gone = 0;
  gnsd_store_block_expire(s, pj->now, &gone);
  pj->r = gnsd_store_published_next_due(s, &pj->due);
}

static void pass_done(struct gnsd_job *job, int cancelled) {
  struct pass_job *pj = (struct pass_job *)job;
  struct gnsd_publisher *p = pj->p;
  p->jobs_out--;
  p->ending = false;
  if (cancelled || p->freeing) {
    free(pj);
    maybe_free(p);
    return;
  }
  if ((pj->r == 0 && pj->marked > 0) || pj->kicks != p->kicks)
    schedule_fill(p);
  else
    arm_timer(p, pj->r < 0 ? now_us(p) + RETRY_US : pj->due);
  free(pj);
}

/* The queue ran empty: the pass is over. Queue what is due next, or
 * sleep until it is (on the store thread, as it writes). */
static void pass_end(struct gnsd_publisher *p) {
  uint64_t now = now_us(p);
  for (size_t i = 0; i < p->n_zones; i++)
    if (p->zones[i].touched) {
      p->zones[i].touched = false;
      p->zones[i].last_pass = now;
    }
  p->passes++;
  p->last_pass = now;
  /* the store says what is still queued: the read that found nothing
   * may predate a change */
  waits_check(p);
  struct pass_job *pj = calloc(1, sizeof *pj);
  if (!pj) {
    arm_timer(p, now + RETRY_US);
    return;
  }
  pj->job.run = pass_run;
  pj->job.done = pass_done;
  pj->p = p;
  pj->now = now;
  pj->kicks = p->kicks;
  p->ending = true;
  p->jobs_out++;
  gnsd_workers_submit(p->thread, &pj->job);
}

static void read_done(struct gnsd_job *job, int cancelled) {
  struct page *pg = PAGE_OF(job, read_job);
  struct gnsd_publisher *p = pg->p;
  p->reading = false;
  if (cancelled || p->freeing || pg->r < 0 || pg->n == 0) {
    int r = cancelled ? 0 : pg->r;
    uint64_t pg_kicks = pg->kicks;
    page_end(pg);
    if (cancelled || p->freeing) return;
    if (r < 0) {
      log_error("publish: reading the queue failed: %s", strerror(-r));
      arm_timer(p, now_us(p) + RETRY_US);
      return;
    }
    /* nothing after the cursor */
    if (p->in_flight > 0) return; /* the rest when these come back */
    if (pg_kicks != p->kicks) {
      schedule_fill(p); /* a change came after this read started */
      return;
    }
    if (!p->rewound && (p->cursor_prio >= 0 || p->cursor_id > 0)) {
      /* entries before the cursor were added meanwhile? */
      p->cursor_prio = -1;
      p->cursor_id = 0;
      p->rewound = true;
      schedule_fill(p);
      return;
    }
    pass_end(p);
    return;
  }
  p->rewound = false;
  p->cursor_prio = pg->last_prio;
  p->cursor_id = pg->last_id;
  for (size_t i = 0; i < pg->n; i++) {
    struct zone_stats *zs = zone_stats(p, pg->jobs[i]->zone_id);
    if (zs) zs->touched = true;
  }
  pg->left = pg->n;
  /* skipped entries need no worker, but go the same way so that the
   * page commits in one place */
  for (size_t i = 0; i < pg->n; i++) {
    pg->jobs[i]->job.done = sign_done;
    gnsd_workers_submit(p->workers, &pg->jobs[i]->job);
  }
  schedule_fill(p);
}

/* Start reading the next page after the cursor. One read at a time: the
 * cursor moves when it comes back. */
static int start_read(struct gnsd_publisher *p) {
  struct page *pg = calloc(1, sizeof *pg);
  if (!pg) return -ENOMEM;
  pg->p = p;
  pg->jobs = calloc(PAGE_LABELS, sizeof *pg->jobs);
  if (!pg->jobs) {
    free(pg);
    return -ENOMEM;
  }
  pg->after_prio = p->cursor_prio;
  pg->after_id = p->cursor_id;
  pg->now = now_us(p);
  pg->kicks = p->kicks;
  pg->read_job.run = read_run;
  pg->read_job.done = read_done;
  p->in_flight++;
  p->reading = true;
  gnsd_workers_submit(p->thread, &pg->read_job);
  return 0;
}

static void fill(struct gnsd_publisher *p) {
  if (p->freeing || p->ending) return;
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
    p->rewound = false;
    p->cursor_prio = -1;
    p->cursor_id = 0;
  }
  if (p->reading || p->in_flight >= PAGES_IN_FLIGHT) return;
  if (start_read(p) < 0) arm_timer(p, now_us(p) + RETRY_US);
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

int gnsd_publisher_new(sd_event *event, struct gnsd_store *store, struct gnsd_store *bulk,
                       struct gnsd_workers *thread, struct gnsd_workers *workers,
                       const struct gnsd_publisher_hooks *hooks, uint64_t interval_us,
                       struct gnsd_publisher **out) {
  struct gnsd_publisher *p = calloc(1, sizeof *p);
  if (!p) return -ENOMEM;
  p->event = event;
  p->store = store;
  p->bulk = bulk;
  p->thread = thread;
  p->workers = workers;
  p->hooks = *hooks;
  p->interval = interval_us;
  p->cursor_prio = -1;
  int r = sd_event_add_time_relative(event, &p->timer, CLOCK_MONOTONIC, 0, 100000, on_timer, p);
  if (r >= 0) r = sd_event_add_defer(event, &p->defer, on_defer, p);
  if (r >= 0) r = sd_event_add_time(event, &p->flush, CLOCK_MONOTONIC, 0, 10000, on_flush, p);
  if (r < 0) {
    gnsd_publisher_free(p);
    return r;
  }
  /* below the sockets: a burst of finished pages never delays a lookup */
  sd_event_source_set_priority(p->defer, SD_EVENT_PRIORITY_IDLE);
  sd_event_source_set_enabled(p->defer, SD_EVENT_OFF);
  sd_event_source_set_enabled(p->flush, SD_EVENT_OFF);
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
  sd_event_source_disable_unref(p->flush);
  p->timer = p->defer = p->flush = NULL;
  free(p->zones);
  p->zones = NULL;
  p->n_zones = 0;
  /* what is still out on a thread frees p when the pools hand it back */
  if (p->in_flight || p->jobs_out) log_debug("publish: %u pages still out at exit", p->in_flight);
  maybe_free(p);
}

void gnsd_publisher_set_interval(struct gnsd_publisher *p, uint64_t interval_us) {
  p->interval = interval_us;
  if (p->in_flight == 0 && !p->ending) arm_timer(p, now_us(p));
}

void gnsd_publisher_kick(struct gnsd_publisher *p) {
  /* A change gets a new queue id, after a cursor among the changed
   * entries (prio 0); a cursor among the re-publications (prio 1) must go
   * back to the top. Not restarting otherwise keeps the pages flowing
   * while an import marks labels batch by batch. */
  if (p->cursor_prio > 0) p->restart = true;
  p->kicks++;
  schedule_fill(p);
}

static void sweep_next(struct gnsd_publisher *p, uint64_t since, int64_t after_zone,
                       const char *after_label);

static int sweep_collect(void *userdata, int64_t zone_id, const char *label, const uint8_t q[64],
                         const uint8_t *block, size_t len, uint64_t expiration) {
  struct sweep_job *sj = userdata;
  struct sweep_block *b = &sj->v[sj->n];
  b->block = malloc(len);
  if (!b->block) return -ENOMEM;
  memcpy(b->block, block, len);
  memcpy(b->q, q, sizeof b->q);
  b->len = len;
  b->exp = expiration;
  b->zone_id = zone_id;
  sj->after_zone = zone_id;
  snprintf(sj->after_label, sizeof sj->after_label, "%s", label);
  sj->n++;
  return 0;
}

static void sweep_run(struct gnsd_job *job) {
  struct sweep_job *sj = (struct sweep_job *)job;
  char after[GNS_LABEL_MAX + 1];
  snprintf(after, sizeof after, "%s", sj->after_label);
  sj->r = gnsd_store_published_blocks_page(sj->p->bulk, sj->since, sj->after_zone, after,
                                           SWEEP_PAGE, sweep_collect, sj);
}

static void sweep_done(struct gnsd_job *job, int cancelled) {
  struct sweep_job *sj = (struct sweep_job *)job;
  struct gnsd_publisher *p = sj->p;
  p->jobs_out--;
  bool more = !cancelled && !p->freeing && sj->r == 0 && sj->n == SWEEP_PAGE;
  if (!cancelled && !p->freeing) {
    if (sj->r < 0)
      log_error("publish: handing an import's blocks out failed: %s", strerror(-sj->r));
    for (size_t i = 0; i < sj->n; i++)
      hand_out(p, zone_stats(p, sj->v[i].zone_id), sj->v[i].q, sj->v[i].block, sj->v[i].len,
               sj->v[i].exp);
  }
  for (size_t i = 0; i < sj->n; i++)
    free(sj->v[i].block);
  if (more) sweep_next(p, sj->since, sj->after_zone, sj->after_label);
  free(sj);
  maybe_free(p);
}

static void sweep_next(struct gnsd_publisher *p, uint64_t since, int64_t after_zone,
                       const char *after_label) {
  struct sweep_job *sj = calloc(1, sizeof *sj);
  if (!sj) {
    log_error("publish: out of memory handing an import's blocks out");
    return;
  }
  sj->job.run = sweep_run;
  sj->job.done = sweep_done;
  sj->p = p;
  sj->since = since;
  sj->after_zone = after_zone;
  snprintf(sj->after_label, sizeof sj->after_label, "%s", after_label);
  p->jobs_out++;
  gnsd_workers_submit(p->thread, &sj->job);
}

void gnsd_publisher_import_begin(struct gnsd_publisher *p) {
  p->import_since = now_us(p);
}

void gnsd_publisher_import_end(struct gnsd_publisher *p, bool committed, bool hand_out_blocks) {
  uint64_t since = p->import_since;
  p->import_since = 0;
  if (!committed) {
    /* the rollback brought back the queue entries the import's pages had
     * taken: start from the top once the pages out are back */
    p->restart = true;
    schedule_fill(p);
    return;
  }
  flush_now(p); /* its records and blocks are visible now */
  /* blocks signed inside the import were kept from the DHT until now */
  if (hand_out_blocks && p->hooks.put && since) sweep_next(p, since, -1, "");
  gnsd_publisher_kick(p);
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

uint64_t gnsd_publisher_progress(const struct gnsd_publisher *p) {
  return p->pages_done;
}

uint64_t gnsd_publisher_next(const struct gnsd_publisher *p) {
  return p->next_due;
}
