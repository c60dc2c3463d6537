/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GNUnet R5N DHT backend (doc/architecture.md, "Storage").
 *
 * We speak the client protocol of gnunet-service-dht on its unix socket
 * (the messages: dht-msg.h). The service may be restarted under us (or not
 * be running yet): we reconnect with a doubling backoff and re-send the
 * GETs in flight. Every block a RESULT carries is checked with
 * gns_rrblock_verify against the GET's q before the caller sees it;
 * anything else is dropped and counted, so a misbehaving peer (or service)
 * costs us a counter, never a bad answer.
 *
 * That check is the only one a DHT block gets (the resolver trusts our
 * verdict: ops.verifies), and it is made here, not by the resolver,
 * because the GET itself depends on it: only a valid block starts the
 * linger, sets the expiration that later replays are judged by (a junk
 * block with a far-future EXPIRATION must not shadow the real one), and
 * the counters say why each block was dropped. With a worker pool
 * (gnsd_dht_gnunet_set_workers), the signature is checked there: the loop
 * only does the cheap checks and copies the block into a job, a GET has
 * at most verify_per_get blocks and the backend max_verify on the pool,
 * and what arrives beyond that is dropped ("overload") before it costs
 * anything, so a flood of junk for one GET neither queues unbounded work
 * nor delays other lookups. A GET costs at most checks_per_get checks in
 * all (with the pool or without): the work a user's lookups can cause is
 * bounded by the per-user cap on DHT GETs ([limits] dht-gets-per-user). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "dht-gnunet.h"
#include "event-now.h"
#include "gns-util.h"
#include "gnunet-conn.h"
#include "gnunet-msg.h"
#include "rrblock.h"
#include "workers.h"

#define DEF_GET_TIMEOUT (10 * 1000000ull)
#define DEF_LINGER (500 * 1000ull)
#define DEF_BACKOFF_MIN (100 * 1000ull)
#define DEF_BACKOFF_MAX (30 * 1000000ull)
#define DEF_MAX_GETS 256u
/* Blocks on the worker pool per GET and in all: a few per GET cover the
 * copies several peers send at once; beyond, a GET is being flooded. */
#define DEF_VERIFY_PER_GET 4u
#define DEF_MAX_VERIFY 256u
/* Signature checks a GET may cost in all: GNUnet's replication (10)
 * brings a few copies of each version; a GET past this many checks is
 * being flooded, and its lookup gets nothing better from more. */
#define DEF_CHECKS_PER_GET 32u
#define DEF_GET_REPLICATION 10u /* GNUnet's DHT_GNS_REPLICATION_LEVEL (gns) */
#define DEF_PUT_REPLICATION 5u  /* GNUnet's DHT_GNS_REPLICATION_LEVEL (zonemaster) */
/* Bytes we queue for a service that does not read before we refuse more. */
#define OUT_MAX (1024u * 1024u)
#define DEF_PUT_RATE 50u   /* PUTs per second to the service */
#define DEF_PUT_BURST 100u /* PUTs sent at once after a quiet time */
#define DEF_MAX_PUBLISHED (64u * 1024u)
#define DEF_MAX_PUBLISHED_BYTES (64u * 1024u * 1024u)
#define CREDIT_UNIT 1000000ull /* one PUT, in rate-microseconds */

/* A block we publish: kept until it expires so that it can be put again
 * after the service restarts (its datacache may be gone with it). */
struct pub {
  struct pub *hnext; /* hash chain */
  struct pub *qnext; /* send queue */
  bool queued;
  uint8_t q[GNS_Q_LEN];
  uint64_t expiration;
  uint8_t *block;
  size_t len;
};

struct gnsd_get {
  struct gnsd_get *next, *prev;
  struct dht *d;
  uint8_t q[GNS_Q_LEN];
  uint8_t uid[8];
  gnsd_block_cb cb;
  void *userdata;
  sd_event_source *timer;
  uint64_t best_exp;  /* expiration of the newest block delivered; 0: none yet */
  bool sent;          /* GET went out on the current connection */
  bool in_cb;         /* cb is running: a cancel must not free us */
  bool dead;          /* cancelled from inside cb */
  unsigned verifying; /* its blocks on the worker pool */
  unsigned checks;    /* signature checks it cost so far */
};

/* A RESULT's block on the worker pool. It names its GET by unique_id, not
 * by pointer: a GET that ended meanwhile is simply not found. */
struct verify_job {
  struct gnsd_job job; /* first: the pool hands us this */
  /* loop side: d->verifying, so that dht_free can orphan us (d = NULL) */
  struct verify_job *prev, *next;
  struct dht *d;
  uint8_t uid[8];
  /* worker side: run() touches only these */
  uint8_t q[GNS_Q_LEN];
  uint64_t now;
  uint8_t *data;
  size_t len;
  int rc;
};

struct dht {
  struct gnsd_backend base; /* first: we are handed out as gnsd_backend */
  sd_event *ev;
  gnsd_clock_fn clock; /* NULL: the loop's realtime */
  void *clock_ud;
  struct gnsd_gnunet_conn *conn;
  struct gnsd_get *gets;
  unsigned n_gets;
  struct gnsd_workers *workers; /* NULL: blocks are verified on the loop */
  struct verify_job *verifying;
  unsigned n_verifying;
  uint64_t uid_next;
  struct gnsd_dht_gnunet_tuning t;
  struct gnsd_dht_gnunet_stats st;
  /* Publishing: every block handed to put(), by q, and the paced queue of
   * those still to be sent to the service. */
  struct pub **ptab;
  size_t ptab_size, n_pub, pub_bytes;
  struct pub *qhead, *qtail;
  size_t qlen;
  sd_event_source *put_timer;
  uint64_t credit, credit_at; /* token bucket, CREDIT_UNIT per PUT */
};

static uint64_t now_mono(struct dht *d) {
  return gnsd_event_now(d->ev, CLOCK_MONOTONIC);
}

/* Block expirations are absolute wall-clock microseconds (RFC 9498, 5),
 * judged on the clock gnsd hands us (gnsd_dht_gnunet_set_clock). */
static uint64_t now_real(const struct dht *d) {
  if (d->clock) return d->clock(d->clock_ud);
  return gnsd_event_now(d->ev, CLOCK_REALTIME);
}

static bool connected(const struct dht *d) {
  return gnsd_gnunet_conn_state(d->conn) == GNSD_GNUNET_CONN_CONNECTED;
}

static void pump_puts(struct dht *d);
static void requeue_all(struct dht *d);

static void send_get(struct dht *d, struct gnsd_get *g) {
  uint8_t m[GNSD_DHT_GET_LEN];
  gnsd_dht_build_get(m, g->q, g->uid, d->t.get_replication);
  if (gnsd_gnunet_conn_send(d->conn, m, sizeof m) == 0) g->sent = true;
}

/* ---- GET bookkeeping ---- */

static void get_unlink(struct dht *d, struct gnsd_get *g) {
  if (g->prev)
    g->prev->next = g->next;
  else
    d->gets = g->next;
  if (g->next) g->next->prev = g->prev;
  g->next = g->prev = NULL;
  d->n_gets--;
  g->timer = sd_event_source_disable_unref(g->timer);
  if (g->sent) {
    uint8_t m[GNSD_DHT_GET_STOP_LEN];
    gnsd_dht_build_get_stop(m, g->q, g->uid);
    (void)gnsd_gnunet_conn_send(d->conn, m, sizeof m);
  }
  g->sent = false;
}

/* End a GET: the caller's final callback, then the handle is gone. */
static void get_finish(struct dht *d, struct gnsd_get *g, int error) {
  get_unlink(d, g);
  if (error < 0) d->st.gets_failed++;
  g->cb(g->userdata, NULL, 0, error);
  free(g);
}

static int on_get_timer(sd_event_source *s, uint64_t usec, void *userdata) {
  struct gnsd_get *g = userdata;
  struct dht *d = g->d;
  (void)s;
  (void)usec;
  /* Found something: done (the linger is over). Nothing on a live
   * connection: the DHT has no such block, which is an answer, not a
   * failure (a DHT cannot prove absence any better). Nothing because the
   * service was gone all along: the backend failed. */
  if (g->best_exp)
    get_finish(d, g, 0);
  else {
    d->st.gets_timed_out++;
    get_finish(d, g, connected(d) ? 0 : -ENOTCONN);
  }
  return 0;
}

static int arm_timer(struct dht *d, struct gnsd_get *g, uint64_t usec) {
  uint64_t at = now_mono(d) + usec;
  if (g->timer) {
    int r = sd_event_source_set_time(g->timer, at);
    if (r < 0) return r;
    return sd_event_source_set_enabled(g->timer, SD_EVENT_ONESHOT);
  }
  return sd_event_add_time(d->ev, &g->timer, CLOCK_MONOTONIC, at, 1000, on_get_timer, g);
}

/* ---- RESULT ---- */

static struct gnsd_get *find_get(struct dht *d, const uint8_t uid[8]) {
  for (struct gnsd_get *g = d->gets; g; g = g->next)
    if (memcmp(g->uid, uid, 8) == 0) return g;
  return NULL;
}

/* Count a block that is not handed over. */
static void count_drop(struct dht *d, enum gnsd_dht_verdict v) {
  switch (v) {
  case GNSD_DHT_VALID:
    break;
  case GNSD_DHT_WRONG_TYPE:
    d->st.drop_wrong_type++;
    break;
  case GNSD_DHT_WRONG_Q:
    d->st.drop_wrong_q++;
    break;
  case GNSD_DHT_OVERSIZE:
    d->st.drop_oversize++;
    break;
  case GNSD_DHT_GARBAGE:
    d->st.drop_garbage++;
    break;
  case GNSD_DHT_EXPIRED:
    d->st.drop_expired++;
    break;
  case GNSD_DHT_UNSUPPORTED:
    d->st.drop_unsupported++;
    break;
  default:
    d->st.drop_bad_signature++;
    break;
  }
}

/* The same block again (e.g. re-sent after a reconnect) is harmless; an
 * older one than we already gave out is a replay and must not replace the
 * newer record set. Only verified blocks set best_exp. */
static bool is_stale(struct dht *d, const struct gnsd_get *g, uint64_t exp) {
  if (!g->best_exp || exp > g->best_exp) return false;
  if (exp < g->best_exp) d->st.drop_replayed++;
  return true;
}

/* A block that passed every check: to the caller. */
static void deliver(struct dht *d, struct gnsd_get *g, const uint8_t *data, size_t dlen) {
  uint64_t exp = gns_rrblock_expiration(data, dlen);
  if (is_stale(d, g, exp)) return; /* a newer one won while this was checked */
  d->st.results_valid++;
  if (!g->best_exp) {
    d->st.gets_found++;
    /* Answer now; keep listening briefly for a newer version. (If the
     * timer cannot be moved, the GET's timeout still ends it.) */
    (void)arm_timer(d, g, d->t.linger);
  }
  g->best_exp = exp;
  g->in_cb = true;
  g->cb(g->userdata, data, dlen, 0);
  g->in_cb = false;
  if (g->dead) free(g);
}

/* On a worker: the signature (and q's hash). */
static void verify_run(struct gnsd_job *job) {
  struct verify_job *j = (struct verify_job *)job;
  j->rc = gns_rrblock_verify(j->data, j->len, j->q, j->now);
}

/* On the loop: the verdict, for the GET if it is still there. */
static void verify_done(struct gnsd_job *job, int cancelled) {
  struct verify_job *j = (struct verify_job *)job;
  struct dht *d = j->d;
  if (d) {
    if (j->prev)
      j->prev->next = j->next;
    else
      d->verifying = j->next;
    if (j->next) j->next->prev = j->prev;
    d->n_verifying--;
    struct gnsd_get *g = find_get(d, j->uid);
    if (!g) {
      d->st.drop_unsolicited++; /* the GET ended while its block was checked */
    } else {
      g->verifying--;
      enum gnsd_dht_verdict v = cancelled ? GNSD_DHT_BAD_SIGNATURE : gnsd_dht_verify_verdict(j->rc);
      if (v == GNSD_DHT_VALID)
        deliver(d, g, j->data, j->len);
      else
        count_drop(d, v);
    }
  }
  free(j->data);
  free(j);
}

/* Hand the signature check to the pool; false: over the bounds (dropped
 * and counted) or out of memory. */
static void verify_async(struct dht *d, struct gnsd_get *g, const uint8_t *data, size_t dlen,
                         uint64_t now) {
  if (g->verifying >= d->t.verify_per_get || d->n_verifying >= d->t.max_verify) {
    d->st.drop_overload++;
    return;
  }
  g->checks++;
  struct verify_job *j = calloc(1, sizeof *j);
  if (j) j->data = malloc(dlen);
  if (!j || !j->data) {
    free(j);
    d->st.drop_overload++;
    return;
  }
  j->job.run = verify_run;
  j->job.done = verify_done;
  j->d = d;
  memcpy(j->uid, g->uid, 8);
  memcpy(j->q, g->q, GNS_Q_LEN);
  j->now = now;
  memcpy(j->data, data, dlen);
  j->len = dlen;
  j->next = d->verifying;
  if (d->verifying) d->verifying->prev = j;
  d->verifying = j;
  d->n_verifying++;
  g->verifying++;
  /* a lookup waits for it: ahead of bulk signing */
  gnsd_workers_submit_urgent(d->workers, &j->job);
}

static void handle_result(struct dht *d, const uint8_t *m, size_t len) {
  struct gnsd_dht_result res;
  d->st.results++;
  if (gnsd_dht_result_parse(m, len, &res) < 0) {
    d->st.drop_garbage++;
    return;
  }
  struct gnsd_get *g = find_get(d, res.uid);
  if (!g) {
    /* A late answer to a GET we stopped, or noise. */
    d->st.drop_unsolicited++;
    return;
  }
  uint64_t now = now_real(d);
  enum gnsd_dht_verdict v = gnsd_dht_result_shape(&res, g->q, d->t.max_block, now);
  if (v != GNSD_DHT_VALID) {
    count_drop(d, v);
    return;
  }
  /* before the signature: a copy of what we gave out costs nothing */
  if (is_stale(d, g, gns_rrblock_expiration(res.data, res.data_len))) return;
  if (g->checks >= d->t.checks_per_get) {
    d->st.drop_overload++;
    return;
  }
  if (d->workers) {
    verify_async(d, g, res.data, res.data_len, now);
    return;
  }
  g->checks++;
  v = gnsd_dht_verify_verdict(gns_rrblock_verify(res.data, res.data_len, g->q, now));
  if (v == GNSD_DHT_VALID)
    deliver(d, g, res.data, res.data_len);
  else
    count_drop(d, v);
}

static void on_message(void *userdata, const uint8_t *m, size_t len) {
  struct dht *d = userdata;
  if (gnsd_gnunet_msg_type(m) == GNSD_DHT_MSG_RESULT) handle_result(d, m, len);
  /* Anything else (monitor messages, HELLO URLs) is not for us. */
}

/* ---- connection ---- */

static void on_connect(void *userdata) {
  struct dht *d = userdata;
  /* GETs started while connecting, or in flight when the last
   * connection broke, go out now (with the same unique_id). */
  for (struct gnsd_get *g = d->gets; g && connected(d); g = g->next)
    if (!g->sent) send_get(d, g);
  if (!connected(d)) return;
  struct gnsd_gnunet_conn_stats cs;
  gnsd_gnunet_conn_stats(d->conn, &cs);
  if (cs.connects > 1) requeue_all(d);
  pump_puts(d);
}

static void on_disconnect(void *userdata) {
  struct dht *d = userdata;
  /* Queued PUTs are lost (requeue_all sends them again on reconnect);
   * GETs are re-sent from their own state. */
  for (struct gnsd_get *g = d->gets; g; g = g->next)
    g->sent = false;
}

/* ---- publishing (paced) ---- */

static size_t pub_slot(const struct dht *d, const uint8_t q[GNS_Q_LEN]) {
  /* q is a SHA-512 output: any 8 bytes of it hash well. */
  return (size_t)(gns_get_u64(q) & (d->ptab_size - 1));
}

static struct pub *pub_find(const struct dht *d, const uint8_t q[GNS_Q_LEN]) {
  if (!d->ptab_size) return NULL;
  for (struct pub *p = d->ptab[pub_slot(d, q)]; p; p = p->hnext)
    if (memcmp(p->q, q, GNS_Q_LEN) == 0) return p;
  return NULL;
}

static int pub_grow(struct dht *d) {
  size_t n = d->ptab_size ? d->ptab_size * 2 : 64;
  struct pub **t = calloc(n, sizeof *t);
  if (!t) return -ENOMEM;
  for (size_t i = 0; i < d->ptab_size; i++) {
    struct pub *p = d->ptab[i];
    while (p) {
      struct pub *next = p->hnext;
      size_t k = (size_t)(gns_get_u64(p->q) & (n - 1));
      p->hnext = t[k];
      t[k] = p;
      p = next;
    }
  }
  free(d->ptab);
  d->ptab = t;
  d->ptab_size = n;
  return 0;
}

static void pub_enqueue(struct dht *d, struct pub *p) {
  if (p->queued) return;
  p->queued = true;
  p->qnext = NULL;
  if (d->qtail)
    d->qtail->qnext = p;
  else
    d->qhead = p;
  d->qtail = p;
  d->qlen++;
}

/* Remove from the table (not from the queue: the caller pops it first). */
static void pub_remove(struct dht *d, struct pub *p) {
  struct pub **pp = &d->ptab[pub_slot(d, p->q)];
  while (*pp && *pp != p)
    pp = &(*pp)->hnext;
  if (*pp) *pp = p->hnext;
  d->n_pub--;
  d->pub_bytes -= p->len;
  free(p->block);
  free(p);
}

static int on_put_timer(sd_event_source *s, uint64_t usec, void *userdata);

/* Send queued PUTs as far as the token bucket allows; come back when the
 * next one is due. */
static void pump_puts(struct dht *d) {
  if (!connected(d)) return;
  uint64_t now = now_mono(d);
  uint64_t cap = (uint64_t)d->t.put_burst * CREDIT_UNIT;
  if (now > d->credit_at) {
    uint64_t add = (now - d->credit_at) * d->t.put_rate;
    d->credit = add > cap - d->credit ? cap : d->credit + add;
  }
  d->credit_at = now;
  uint64_t real = now_real(d);
  while (d->qhead && d->credit >= CREDIT_UNIT && connected(d)) {
    struct pub *p = d->qhead;
    d->qhead = p->qnext;
    if (!d->qhead) d->qtail = NULL;
    d->qlen--;
    p->queued = false;
    if (p->expiration <= real) {
      /* RFC 9498, 5: an expired block is not published (or kept). */
      pub_remove(d, p);
      continue;
    }
    size_t ml = GNSD_DHT_PUT_HDR_LEN + p->len;
    uint8_t *m = malloc(ml);
    if (!m) {
      pub_enqueue(d, p);
      break;
    }
    (void)gnsd_dht_build_put(m, ml, p->q, p->block, p->len, p->expiration, d->t.put_replication,
                             &ml);
    int r = gnsd_gnunet_conn_send(d->conn, m, ml);
    free(m);
    if (r < 0) {
      /* Output queue full (the service is not reading): try later; or the
       * connection broke: the reconnect sends everything again. */
      pub_enqueue(d, p);
      break;
    }
    d->st.puts++;
    d->credit -= CREDIT_UNIT;
  }
  if (d->qhead && connected(d)) {
    uint64_t wait = d->credit >= CREDIT_UNIT ? 1000 : (CREDIT_UNIT - d->credit) / d->t.put_rate + 1;
    if (d->put_timer) {
      (void)sd_event_source_set_time(d->put_timer, now + wait);
      (void)sd_event_source_set_enabled(d->put_timer, SD_EVENT_ONESHOT);
    } else {
      (void)sd_event_add_time(d->ev, &d->put_timer, CLOCK_MONOTONIC, now + wait, 1000, on_put_timer,
                              d);
    }
  }
}

static int on_put_timer(sd_event_source *s, uint64_t usec, void *userdata) {
  (void)s;
  (void)usec;
  pump_puts(userdata);
  return 0;
}

/* After a (re)connect: the service may be a fresh one that lost what we
 * put before, so everything still valid goes out again, paced. */
static void requeue_all(struct dht *d) {
  for (size_t i = 0; i < d->ptab_size; i++)
    for (struct pub *p = d->ptab[i]; p; p = p->hnext)
      if (!p->queued) {
        pub_enqueue(d, p);
        d->st.puts_requeued++;
      }
}

/* ---- backend ops ---- */

static int dht_get(struct gnsd_backend *b, const uint8_t q[64], gnsd_block_cb cb, void *userdata,
                   struct gnsd_get **handle) {
  struct dht *d = (struct dht *)b;
  if (!q || !cb || !handle) return -EINVAL;
  if (d->n_gets >= d->t.max_gets) {
    d->st.gets_rejected++;
    return -EBUSY;
  }
  if (gnsd_gnunet_conn_connect(d->conn) < 0) {
    /* No service now: say so at once so the caller does not wait for us. */
    d->st.gets_rejected++;
    return -ENOTCONN;
  }
  struct gnsd_get *g = calloc(1, sizeof *g);
  if (!g) return -ENOMEM;
  g->d = d;
  memcpy(g->q, q, GNS_Q_LEN);
  gns_put_u64(g->uid, d->uid_next++);
  g->cb = cb;
  g->userdata = userdata;
  int r = arm_timer(d, g, d->t.get_timeout);
  if (r < 0) {
    free(g);
    return r;
  }
  g->next = d->gets;
  if (d->gets) d->gets->prev = g;
  d->gets = g;
  d->n_gets++;
  d->st.gets++;
  if (connected(d)) send_get(d, g);
  /* While connecting, on_connect sends it. */
  *handle = g;
  return 0;
}

static void dht_get_cancel(struct gnsd_backend *b, struct gnsd_get *g) {
  struct dht *d = (struct dht *)b;
  if (!g || g->dead) return;
  get_unlink(d, g);
  if (g->in_cb)
    g->dead = true;
  else
    free(g);
}

/* Accept a block for publication: remembered by q (a newer block for
 * the same q replaces the older), sent to the service paced, and sent
 * again after every reconnect until it expires. 0 also while the service
 * is away: it goes out when the service is back. */
static int dht_put(struct gnsd_backend *b, const uint8_t q[64], const uint8_t *block, size_t len,
                   uint64_t expiration) {
  struct dht *d = (struct dht *)b;
  if (!q || !block || !len) return -EINVAL;
  if (len > GNSD_DHT_MSG_MAX - GNSD_DHT_PUT_HDR_LEN) return -EMSGSIZE;
  if (expiration <= now_real(d)) return 0; /* nothing to publish */
  struct pub *p = pub_find(d, q);
  if (p && expiration < p->expiration) return 0; /* we already publish a newer one */
  size_t grow = p ? (len > p->len ? len - p->len : 0) : len;
  if ((!p && d->n_pub >= d->t.max_published) || d->pub_bytes + grow > d->t.max_published_bytes) {
    d->st.puts_failed++;
    return -ENOBUFS;
  }
  uint8_t *copy = malloc(len);
  if (!copy) return -ENOMEM;
  memcpy(copy, block, len);
  if (!p) {
    if (d->n_pub + 1 > d->ptab_size && pub_grow(d) < 0) {
      free(copy);
      return -ENOMEM;
    }
    p = calloc(1, sizeof *p);
    if (!p) {
      free(copy);
      return -ENOMEM;
    }
    memcpy(p->q, q, GNS_Q_LEN);
    size_t k = pub_slot(d, q);
    p->hnext = d->ptab[k];
    d->ptab[k] = p;
    d->n_pub++;
  } else {
    d->pub_bytes -= p->len;
    free(p->block);
  }
  p->block = copy;
  p->len = len;
  p->expiration = expiration;
  d->pub_bytes += len;
  pub_enqueue(d, p);
  if (gnsd_gnunet_conn_state(d->conn) == GNSD_GNUNET_CONN_DISCONNECTED)
    (void)gnsd_gnunet_conn_connect(d->conn); /* on_connect pumps */
  else
    pump_puts(d);
  return 0;
}

static void add_u64(json_object *o, const char *k, uint64_t v) {
  json_object_object_add(o, k, json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v));
}

static void dht_status(struct gnsd_backend *b, json_object *out) {
  struct dht *d = (struct dht *)b;
  struct gnsd_dht_gnunet_stats stats;
  const struct gnsd_dht_gnunet_stats *s = &stats;
  gnsd_dht_gnunet_stats(b, &stats);
  const char *err = gnsd_gnunet_conn_last_error(d->conn);
  json_object_object_add(out, "name", json_object_new_string(d->base.ops->name));
  json_object_object_add(
      out, "state",
      json_object_new_string(gnsd_gnunet_conn_state_name(gnsd_gnunet_conn_state(d->conn))));
  json_object_object_add(out, "socket", json_object_new_string(gnsd_gnunet_conn_path(d->conn)));
  if (err[0]) json_object_object_add(out, "lastError", json_object_new_string(err));
  add_u64(out, "getsInFlight", d->n_gets);
  add_u64(out, "verifying", d->n_verifying);
  add_u64(out, "connects", s->connects);
  add_u64(out, "disconnects", s->disconnects);
  add_u64(out, "connectFailures", s->connect_failures);
  add_u64(out, "gets", s->gets);
  add_u64(out, "getsFound", s->gets_found);
  add_u64(out, "getsTimedOut", s->gets_timed_out);
  add_u64(out, "getsFailed", s->gets_failed);
  add_u64(out, "getsRejected", s->gets_rejected);
  add_u64(out, "puts", s->puts);
  add_u64(out, "putsFailed", s->puts_failed);
  add_u64(out, "putsRequeued", s->puts_requeued);
  add_u64(out, "published", d->n_pub);
  add_u64(out, "putQueue", d->qlen);
  add_u64(out, "results", s->results);
  add_u64(out, "resultsValid", s->results_valid);
  json_object *dr = json_object_new_object();
  add_u64(dr, "garbage", s->drop_garbage);
  add_u64(dr, "oversize", s->drop_oversize);
  add_u64(dr, "expired", s->drop_expired);
  add_u64(dr, "replayed", s->drop_replayed);
  add_u64(dr, "wrongQuery", s->drop_wrong_q);
  add_u64(dr, "badSignature", s->drop_bad_signature);
  add_u64(dr, "unsupported", s->drop_unsupported);
  add_u64(dr, "unsolicited", s->drop_unsolicited);
  add_u64(dr, "wrongType", s->drop_wrong_type);
  add_u64(dr, "overload", s->drop_overload);
  json_object_object_add(out, "dropped", dr);
}

static void dht_free(struct gnsd_backend *b) {
  struct dht *d = (struct dht *)b;
  if (!d) return;
  /* Pending GETs end with an error so that no caller waits forever. */
  while (d->gets)
    get_finish(d, d->gets, -ECANCELED);
  /* blocks still on the pool come back to nobody */
  for (struct verify_job *j = d->verifying; j; j = j->next)
    j->d = NULL;
  gnsd_gnunet_conn_free(d->conn);
  d->put_timer = sd_event_source_disable_unref(d->put_timer);
  for (size_t i = 0; i < d->ptab_size; i++) {
    struct pub *p = d->ptab[i];
    while (p) {
      struct pub *next = p->hnext;
      free(p->block);
      free(p);
      p = next;
    }
  }
  free(d->ptab);
  sd_event_unref(d->ev);
  free(d);
}

static const struct gnsd_backend_ops dht_ops = {
    .name = "gnunet-dht",
    .verifies = true, /* see the top of this file */
    .get = dht_get,
    .get_cancel = dht_get_cancel,
    .put = dht_put,
    .status = dht_status,
    .free = dht_free,
};

static void apply_tuning(struct dht *d, const struct gnsd_dht_gnunet_tuning *t) {
  d->t = *t;
  if (!d->t.get_timeout) d->t.get_timeout = DEF_GET_TIMEOUT;
  if (!d->t.linger) d->t.linger = DEF_LINGER;
  if (!d->t.backoff_min) d->t.backoff_min = DEF_BACKOFF_MIN;
  if (!d->t.backoff_max) d->t.backoff_max = DEF_BACKOFF_MAX;
  if (d->t.backoff_max < d->t.backoff_min) d->t.backoff_max = d->t.backoff_min;
  if (!d->t.max_gets) d->t.max_gets = DEF_MAX_GETS;
  if (!d->t.verify_per_get) d->t.verify_per_get = DEF_VERIFY_PER_GET;
  if (!d->t.max_verify) d->t.max_verify = DEF_MAX_VERIFY;
  if (!d->t.checks_per_get) d->t.checks_per_get = DEF_CHECKS_PER_GET;
  if (!d->t.max_block || d->t.max_block > GNS_RRBLOCK_MAX) d->t.max_block = GNS_RRBLOCK_MAX;
  if (!d->t.get_replication) d->t.get_replication = DEF_GET_REPLICATION;
  if (!d->t.put_replication) d->t.put_replication = DEF_PUT_REPLICATION;
  if (!d->t.put_rate) d->t.put_rate = DEF_PUT_RATE;
  if (!d->t.put_burst) d->t.put_burst = DEF_PUT_BURST;
  if (!d->t.max_published) d->t.max_published = DEF_MAX_PUBLISHED;
  if (!d->t.max_published_bytes) d->t.max_published_bytes = DEF_MAX_PUBLISHED_BYTES;
}

int gnsd_dht_gnunet_new(sd_event *ev, const char *socket_path, struct gnsd_backend **out) {
  if (!ev || !socket_path || !*socket_path || !out) return -EINVAL;
  if (sodium_init() < 0) return -EIO;
  struct dht *d = calloc(1, sizeof *d);
  if (!d) return -ENOMEM;
  struct gnsd_dht_gnunet_tuning t = {0};
  apply_tuning(d, &t);
  const struct gnsd_gnunet_conn_args ca = {
      .event = ev,
      .path = socket_path,
      .max_queue = OUT_MAX,
      .max_msg = GNSD_DHT_MSG_MAX,
      .backoff_min = d->t.backoff_min,
      .backoff_max = d->t.backoff_max,
      .on_connect = on_connect,
      .on_message = on_message,
      .on_disconnect = on_disconnect,
      .userdata = d,
  };
  int r = gnsd_gnunet_conn_new(&ca, &d->conn);
  if (r < 0) {
    free(d);
    return r;
  }
  d->base.ops = &dht_ops;
  d->ev = sd_event_ref(ev);
  d->credit = (uint64_t)d->t.put_burst * CREDIT_UNIT;
  /* unique_id only has to be unique among our GETs; a random start keeps
   * two gnsd instances on one service apart in its logs. */
  randombytes_buf(&d->uid_next, sizeof d->uid_next);
  /* Connect now; if the service is not there yet the backoff takes over. */
  (void)gnsd_gnunet_conn_connect(d->conn);
  *out = &d->base;
  return 0;
}

void gnsd_dht_gnunet_tune(struct gnsd_backend *b, const struct gnsd_dht_gnunet_tuning *t) {
  struct dht *d = (struct dht *)b;
  apply_tuning(d, t);
  gnsd_gnunet_conn_set_backoff(d->conn, d->t.backoff_min, d->t.backoff_max);
  uint64_t cap = (uint64_t)d->t.put_burst * CREDIT_UNIT;
  if (d->credit > cap) d->credit = cap;
}

void gnsd_dht_gnunet_set_workers(struct gnsd_backend *b, struct gnsd_workers *w) {
  ((struct dht *)b)->workers = w;
}

void gnsd_dht_gnunet_set_clock(struct gnsd_backend *b, gnsd_clock_fn clock, void *clock_ud) {
  struct dht *d = (struct dht *)b;
  d->clock = clock;
  d->clock_ud = clock_ud;
}

int gnsd_dht_gnunet_connected(struct gnsd_backend *b) {
  return connected((struct dht *)b);
}

void gnsd_dht_gnunet_stats(struct gnsd_backend *b, struct gnsd_dht_gnunet_stats *out) {
  const struct dht *d = (const struct dht *)b;
  struct gnsd_gnunet_conn_stats cs;
  gnsd_gnunet_conn_stats(d->conn, &cs);
  *out = d->st;
  out->connects = cs.connects;
  out->disconnects = cs.disconnects;
  out->connect_failures = cs.connect_failures;
}
