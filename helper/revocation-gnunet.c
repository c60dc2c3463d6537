/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gnunet-service-revocation client (revocation-gnunet.h). Two GNUnet
 * client connections (gnunet-conn.h): the query connection and the
 * publication connection. The service answers a client's requests in
 * order and its responses carry no id, so each connection keeps a FIFO of
 * what it is waiting for. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event-now.h"
#include "gns-util.h"
#include "gnunet-conn.h"
#include "revocation-gnunet.h"
#include "revocation-msg.h"
#include "revocation.h"

#define DEF_QUERY_TIMEOUT (2 * 1000000ull)
#define DEF_REVOKE_TIMEOUT (30 * 1000000ull)
#define DEF_BACKOFF_MIN (100 * 1000ull)
#define DEF_BACKOFF_MAX (30 * 1000000ull)
#define DEF_MAX_QUERIES 256u
#define DEF_MAX_PUBLISHED 4096u
/* Disconnects with the same revocation in flight, while the service
 * itself stayed up, before we call it rejected. */
#define MAX_DROPS 2u
/* How long after such a disconnect we look whether the service stayed up
 * (a service going down or restarting drops every client). */
#define JUDGE_USEC (1000000ull)
/* Wait before re-sending one the service failed to store. */
#define FAILED_RETRY_USEC (30 * 1000000ull)
/* Bytes queued for a service that does not read. */
#define OUT_MAX (256u * 1024u)

struct gnsd_revnet_query {
  struct gnsd_revnet_query *next;
  struct gnsd_revnet *rn;
  gnsd_revnet_query_cb cb; /* NULL once answered by timeout or cancelled */
  void *userdata;
  sd_event_source *timer;
};

struct pub {
  struct pub *next;
  struct gns_zone_key zk;
  uint8_t msg[GNS_REVOCATION_LEN];
  uint64_t expires, accepted_at;
  enum gnsd_revnet_pub state;
  unsigned drops;
};

struct gnsd_revnet {
  sd_event *ev;
  gnsd_clock_fn clock;
  void *clock_ud;
  struct gnsd_revnet_tuning t;
  struct gnsd_gnunet_conn *qc, *pc;
  /* queries waiting for an answer, oldest first */
  struct gnsd_revnet_query *qhead, *qtail;
  unsigned n_queries;
  struct pub *pubs;
  size_t n_pubs;
  struct pub *inflight; /* on pc */
  struct pub *judged;   /* in flight when pc dropped: was it the cause? */
  uint64_t dropped_at;
  sd_event_source *pub_timer, *judge_timer;
  struct {
    uint64_t queries, valid, revoked, failures, timeouts, accepted, rejected;
  } st;
};

static uint64_t now_mono(sd_event *ev) {
  return gnsd_event_now(ev, CLOCK_MONOTONIC);
}

static uint64_t now_real(const struct gnsd_revnet *rn) {
  return rn->clock(rn->clock_ud);
}

static bool is_connected(const struct gnsd_gnunet_conn *c) {
  return gnsd_gnunet_conn_state(c) == GNSD_GNUNET_CONN_CONNECTED;
}

/* ---- queries ---- */

static void query_pop_free(struct gnsd_revnet *rn) {
  struct gnsd_revnet_query *h = rn->qhead;
  rn->qhead = h->next;
  if (!rn->qhead) rn->qtail = NULL;
  rn->n_queries--;
  sd_event_source_disable_unref(h->timer);
  free(h);
}

/* Every waiting query fails (the connection is gone, or we are). */
static void queries_fail(struct gnsd_revnet *rn, int error) {
  while (rn->qhead) {
    struct gnsd_revnet_query *h = rn->qhead;
    gnsd_revnet_query_cb cb = h->cb;
    void *ud = h->userdata;
    query_pop_free(rn);
    if (cb) {
      rn->st.failures++;
      cb(ud, error, false);
    }
  }
}

static void qc_down(void *userdata) {
  queries_fail(userdata, -ENOTCONN);
}

static void qc_msg(void *userdata, const uint8_t *m, size_t len) {
  struct gnsd_revnet *rn = userdata;
  uint16_t type;
  uint32_t valid;
  int r = gnsd_rev_parse_response(m, len, &type, &valid);
  if (r == -ENOMSG) return; /* not for us */
  if (r < 0 || type != GNSD_REV_MSG_QUERY_RESPONSE || !rn->qhead) {
    gnsd_gnunet_conn_disconnect(rn->qc, "unexpected message from the service");
    return;
  }
  struct gnsd_revnet_query *h = rn->qhead;
  gnsd_revnet_query_cb cb = h->cb;
  void *ud = h->userdata;
  query_pop_free(rn);
  if (!cb) return; /* timed out or cancelled: the answer only keeps the FIFO in step */
  if (valid)
    rn->st.valid++;
  else
    rn->st.revoked++;
  cb(ud, 0, valid == 0);
}

static int on_query_timer(sd_event_source *s, uint64_t usec, void *userdata) {
  struct gnsd_revnet_query *h = userdata;
  (void)s;
  (void)usec;
  gnsd_revnet_query_cb cb = h->cb;
  h->cb = NULL;
  h->timer = sd_event_source_disable_unref(h->timer);
  /* It stays in the FIFO: its answer may still come and must be matched. */
  if (cb) {
    h->rn->st.timeouts++;
    cb(h->userdata, -ETIMEDOUT, false);
  }
  return 0;
}

int gnsd_revnet_query(struct gnsd_revnet *rn, const struct gns_zone_key *zk,
                      gnsd_revnet_query_cb cb, void *userdata, struct gnsd_revnet_query **handle) {
  if (!rn || !zk || !cb || !handle) return -EINVAL;
  if (rn->n_queries >= rn->t.max_queries) return -EBUSY;
  uint8_t m[GNSD_REV_QUERY_LEN];
  if (gnsd_rev_build_query(m, zk) < 0) return -EINVAL;
  (void)gnsd_gnunet_conn_connect(rn->qc);
  if (!is_connected(rn->qc)) {
    rn->st.failures++;
    return -ENOTCONN;
  }
  struct gnsd_revnet_query *h = calloc(1, sizeof *h);
  if (!h) return -ENOMEM;
  h->rn = rn;
  h->cb = cb;
  h->userdata = userdata;
  int r = sd_event_add_time(rn->ev, &h->timer, CLOCK_MONOTONIC,
                            now_mono(rn->ev) + rn->t.query_timeout, 1000, on_query_timer, h);
  if (r < 0) {
    free(h);
    return r;
  }
  r = gnsd_gnunet_conn_send(rn->qc, m, sizeof m);
  if (r < 0) {
    sd_event_source_disable_unref(h->timer);
    free(h);
    rn->st.failures++;
    return r == -ENOBUFS ? -EBUSY : -ENOTCONN;
  }
  if (rn->qtail)
    rn->qtail->next = h;
  else
    rn->qhead = h;
  rn->qtail = h;
  rn->n_queries++;
  rn->st.queries++;
  *handle = h;
  return 0;
}

void gnsd_revnet_query_cancel(struct gnsd_revnet *rn, struct gnsd_revnet_query *h) {
  (void)rn;
  if (!h) return;
  h->cb = NULL;
  h->timer = sd_event_source_disable_unref(h->timer);
}

/* ---- publications ---- */

static void pump(struct gnsd_revnet *rn);

static int on_pub_timer(sd_event_source *s, uint64_t usec, void *userdata) {
  struct gnsd_revnet *rn = userdata;
  (void)s;
  (void)usec;
  if (rn->inflight) {
    /* No answer in time: as good as a dropped connection. */
    gnsd_gnunet_conn_disconnect(rn->pc, "no answer to a revocation");
    return 0;
  }
  for (struct pub *p = rn->pubs; p; p = p->next)
    if (p->state == GNSD_REVNET_PUB_FAILED) p->state = GNSD_REVNET_PUB_QUEUED;
  pump(rn);
  return 0;
}

static void arm_pub_timer(struct gnsd_revnet *rn, uint64_t usec) {
  uint64_t at = now_mono(rn->ev) + usec;
  if (rn->pub_timer) {
    (void)sd_event_source_set_time(rn->pub_timer, at);
    (void)sd_event_source_set_enabled(rn->pub_timer, SD_EVENT_ONESHOT);
  } else {
    (void)sd_event_add_time(rn->ev, &rn->pub_timer, CLOCK_MONOTONIC, at, 10000, on_pub_timer, rn);
  }
}

/* Drop what expired (RFC 9498, 4.2: a stale revocation is not broadcast). */
static void prune(struct gnsd_revnet *rn) {
  uint64_t now = now_real(rn);
  for (struct pub **pp = &rn->pubs; *pp;) {
    struct pub *p = *pp;
    if (p->expires <= now && p != rn->inflight && p != rn->judged) {
      *pp = p->next;
      free(p);
      rn->n_pubs--;
    } else {
      pp = &p->next;
    }
  }
}

/* One revocation in flight at a time: a connection the service drops can
 * then be blamed on exactly one. */
static void pump(struct gnsd_revnet *rn) {
  if (rn->inflight || rn->judged) return;
  prune(rn);
  struct pub *p = rn->pubs;
  while (p && p->state != GNSD_REVNET_PUB_QUEUED)
    p = p->next;
  if (!p) return;
  if (gnsd_gnunet_conn_state(rn->pc) == GNSD_GNUNET_CONN_DISCONNECTED) {
    (void)gnsd_gnunet_conn_connect(rn->pc); /* pc_up pumps */
    return;
  }
  uint8_t m[GNSD_REV_REVOKE_LEN];
  gnsd_rev_build_revoke(m, p->msg, sizeof p->msg);
  if (gnsd_gnunet_conn_send(rn->pc, m, sizeof m) < 0) return;
  p->state = GNSD_REVNET_PUB_SENT;
  rn->inflight = p;
  arm_pub_timer(rn, rn->t.revoke_timeout);
}

static void pc_up(void *userdata) {
  struct gnsd_revnet *rn = userdata;
  /* A service that restarted may have lost what it held: all again. */
  for (struct pub *p = rn->pubs; p; p = p->next)
    if (p->state == GNSD_REVNET_PUB_ACCEPTED || p->state == GNSD_REVNET_PUB_SENT)
      p->state = GNSD_REVNET_PUB_QUEUED;
  pump(rn);
}

/* The service drops a client that sends an invalid revocation, and every
 * client when it goes down. Tell the two apart by the query connection:
 * if it stayed up across the drop, the service is alive and the drop was
 * about the revocation. */
static int on_judge(sd_event_source *s, uint64_t usec, void *userdata) {
  struct gnsd_revnet *rn = userdata;
  (void)s;
  (void)usec;
  struct pub *p = rn->judged;
  rn->judged = NULL;
  if (!p) return 0;
  bool service_stayed =
      is_connected(rn->qc) && gnsd_gnunet_conn_connected_at(rn->qc) < rn->dropped_at;
  if (service_stayed && ++p->drops >= MAX_DROPS) {
    p->state = GNSD_REVNET_PUB_REJECTED;
    rn->st.rejected++;
  } else {
    p->state = GNSD_REVNET_PUB_QUEUED;
  }
  pump(rn);
  return 0;
}

static void pc_down(void *userdata) {
  struct gnsd_revnet *rn = userdata;
  struct pub *p = rn->inflight;
  rn->inflight = NULL;
  if (rn->pub_timer) (void)sd_event_source_set_enabled(rn->pub_timer, SD_EVENT_OFF);
  if (!p) return;
  p->state = GNSD_REVNET_PUB_QUEUED;
  rn->judged = p;
  rn->dropped_at = now_mono(rn->ev);
  /* Make sure the query connection is there to tell. */
  (void)gnsd_gnunet_conn_connect(rn->qc);
  uint64_t at = rn->dropped_at + JUDGE_USEC;
  if (rn->judge_timer) {
    (void)sd_event_source_set_time(rn->judge_timer, at);
    (void)sd_event_source_set_enabled(rn->judge_timer, SD_EVENT_ONESHOT);
  } else if (sd_event_add_time(rn->ev, &rn->judge_timer, CLOCK_MONOTONIC, at, 10000, on_judge, rn) <
             0) {
    rn->judged = NULL; /* no judgement: just send it again */
  }
}

static void pc_msg(void *userdata, const uint8_t *m, size_t len) {
  struct gnsd_revnet *rn = userdata;
  uint16_t type;
  uint32_t valid;
  int r = gnsd_rev_parse_response(m, len, &type, &valid);
  if (r == -ENOMSG) return;
  if (r < 0 || type != GNSD_REV_MSG_REVOKE_RESPONSE || !rn->inflight) {
    gnsd_gnunet_conn_disconnect(rn->pc, "unexpected message from the service");
    return;
  }
  struct pub *p = rn->inflight;
  rn->inflight = NULL;
  p->drops = 0;
  if (valid == 0) {
    /* "the key is no longer valid": the service holds the revocation */
    p->state = GNSD_REVNET_PUB_ACCEPTED;
    p->accepted_at = now_real(rn);
    rn->st.accepted++;
    if (rn->pub_timer) (void)sd_event_source_set_enabled(rn->pub_timer, SD_EVENT_OFF);
  } else {
    p->state = GNSD_REVNET_PUB_FAILED;
    arm_pub_timer(rn, FAILED_RETRY_USEC);
  }
  pump(rn);
}

int gnsd_revnet_publish(struct gnsd_revnet *rn, const uint8_t *rev, size_t len, uint64_t expires) {
  struct gns_revocation parsed;
  if (!rn || !rev || len != GNS_REVOCATION_LEN || gns_revocation_parse(rev, len, &parsed) < 0)
    return -EINVAL;
  if (expires <= now_real(rn)) return 0;
  struct pub *p = rn->pubs;
  while (p && !gns_zone_key_equal(&p->zk, &parsed.zk))
    p = p->next;
  if (p) {
    if (memcmp(p->msg, rev, len) == 0 || p == rn->inflight || p->state == GNSD_REVNET_PUB_ACCEPTED)
      return 0; /* the network has one for this key already */
  } else {
    prune(rn);
    if (rn->n_pubs >= rn->t.max_published) return -ENOBUFS;
    p = calloc(1, sizeof *p);
    if (!p) return -ENOMEM;
    p->next = rn->pubs;
    rn->pubs = p;
    rn->n_pubs++;
  }
  p->zk = parsed.zk;
  memcpy(p->msg, rev, len);
  p->expires = expires;
  p->state = GNSD_REVNET_PUB_QUEUED;
  p->drops = 0;
  pump(rn);
  return 0;
}

const char *gnsd_revnet_pub_name(enum gnsd_revnet_pub s) {
  static const char *const names[] = {
      [GNSD_REVNET_PUB_NONE] = "none",     [GNSD_REVNET_PUB_QUEUED] = "queued",
      [GNSD_REVNET_PUB_SENT] = "sent",     [GNSD_REVNET_PUB_ACCEPTED] = "accepted",
      [GNSD_REVNET_PUB_FAILED] = "failed", [GNSD_REVNET_PUB_REJECTED] = "rejected",
  };
  return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "none";
}

enum gnsd_revnet_pub gnsd_revnet_publish_state(struct gnsd_revnet *rn,
                                               const struct gns_zone_key *zk,
                                               uint64_t *accepted_at) {
  if (accepted_at) *accepted_at = 0;
  for (struct pub *p = rn ? rn->pubs : NULL; p; p = p->next)
    if (gns_zone_key_equal(&p->zk, zk)) {
      if (accepted_at) *accepted_at = p->accepted_at;
      return p->state;
    }
  return GNSD_REVNET_PUB_NONE;
}

bool gnsd_revnet_connected(struct gnsd_revnet *rn) {
  return rn && is_connected(rn->qc);
}

static void add_u64(json_object *o, const char *k, uint64_t v) {
  json_object_object_add(o, k, json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v));
}

void gnsd_revnet_status(struct gnsd_revnet *rn, json_object *out) {
  /* The query connection stands for the service; the publication
   * connection is up only while there is something to publish. */
  const char *err = gnsd_gnunet_conn_last_error(rn->qc);
  if (!err[0]) err = gnsd_gnunet_conn_last_error(rn->pc);
  json_object_object_add(out, "socket", json_object_new_string(gnsd_gnunet_conn_path(rn->qc)));
  json_object_object_add(
      out, "state", json_object_new_string(is_connected(rn->qc) ? "connected" : "disconnected"));
  if (err[0]) json_object_object_add(out, "lastError", json_object_new_string(err));
  add_u64(out, "queries", rn->st.queries);
  add_u64(out, "answeredValid", rn->st.valid);
  add_u64(out, "answeredRevoked", rn->st.revoked);
  add_u64(out, "queryFailures", rn->st.failures);
  add_u64(out, "queryTimeouts", rn->st.timeouts);
  add_u64(out, "published", rn->n_pubs);
  add_u64(out, "accepted", rn->st.accepted);
  add_u64(out, "rejected", rn->st.rejected);
  uint64_t queued = 0;
  for (struct pub *p = rn->pubs; p; p = p->next)
    queued += p->state == GNSD_REVNET_PUB_QUEUED || p->state == GNSD_REVNET_PUB_SENT ||
              p->state == GNSD_REVNET_PUB_FAILED;
  add_u64(out, "publishQueue", queued);
}

static void apply_tuning(struct gnsd_revnet *rn, const struct gnsd_revnet_tuning *t) {
  rn->t = *t;
  if (!rn->t.query_timeout) rn->t.query_timeout = DEF_QUERY_TIMEOUT;
  if (!rn->t.revoke_timeout) rn->t.revoke_timeout = DEF_REVOKE_TIMEOUT;
  if (!rn->t.backoff_min) rn->t.backoff_min = DEF_BACKOFF_MIN;
  if (!rn->t.backoff_max) rn->t.backoff_max = DEF_BACKOFF_MAX;
  if (rn->t.backoff_max < rn->t.backoff_min) rn->t.backoff_max = rn->t.backoff_min;
  if (!rn->t.max_queries) rn->t.max_queries = DEF_MAX_QUERIES;
  if (!rn->t.max_published) rn->t.max_published = DEF_MAX_PUBLISHED;
}

void gnsd_revnet_tune(struct gnsd_revnet *rn, const struct gnsd_revnet_tuning *t) {
  apply_tuning(rn, t);
  gnsd_gnunet_conn_set_backoff(rn->qc, rn->t.backoff_min, rn->t.backoff_max);
  gnsd_gnunet_conn_set_backoff(rn->pc, rn->t.backoff_min, rn->t.backoff_max);
}

static int conn_new(struct gnsd_revnet *rn, const char *path, const char *name, void (*up)(void *),
                    void (*msg)(void *, const uint8_t *, size_t), void (*down)(void *),
                    struct gnsd_gnunet_conn **out) {
  const struct gnsd_gnunet_conn_args a = {
      .event = rn->ev,
      .path = path,
      .name = name,
      .max_queue = OUT_MAX,
      .backoff_min = rn->t.backoff_min,
      .backoff_max = rn->t.backoff_max,
      .on_connect = up,
      .on_message = msg,
      .on_disconnect = down,
      .userdata = rn,
  };
  return gnsd_gnunet_conn_new(&a, out);
}

int gnsd_revnet_new(sd_event *ev, const char *socket_path, gnsd_clock_fn clock, void *clock_ud,
                    struct gnsd_revnet **out) {
  if (!ev || !socket_path || !*socket_path || !clock || !out) return -EINVAL;
  struct gnsd_revnet *rn = calloc(1, sizeof *rn);
  if (!rn) return -ENOMEM;
  rn->ev = sd_event_ref(ev);
  rn->clock = clock;
  rn->clock_ud = clock_ud;
  struct gnsd_revnet_tuning t = {0};
  apply_tuning(rn, &t);
  int r = conn_new(rn, socket_path, "queries", NULL, qc_msg, qc_down, &rn->qc);
  if (r >= 0) r = conn_new(rn, socket_path, "revocations", pc_up, pc_msg, pc_down, &rn->pc);
  if (r < 0) {
    gnsd_revnet_free(rn);
    return r;
  }
  (void)gnsd_gnunet_conn_connect(rn->qc);
  *out = rn;
  return 0;
}

void gnsd_revnet_free(struct gnsd_revnet *rn) {
  if (!rn) return;
  queries_fail(rn, -ECANCELED);
  gnsd_gnunet_conn_free(rn->qc);
  gnsd_gnunet_conn_free(rn->pc);
  rn->pub_timer = sd_event_source_disable_unref(rn->pub_timer);
  rn->judge_timer = sd_event_source_disable_unref(rn->judge_timer);
  while (rn->pubs) {
    struct pub *p = rn->pubs;
    rn->pubs = p->next;
    free(p);
  }
  sd_event_unref(rn->ev);
  free(rn);
}
