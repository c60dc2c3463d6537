/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gnunet-service-revocation client (revocation-gnunet.h). Two instances of
 * one small connection type (struct conn): the query connection and the
 * publication connection. The service answers a client's requests in
 * order and its responses carry no id, so each connection keeps a FIFO of
 * what it is waiting for. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "gns-util.h"
#include "revocation-gnunet.h"
#include "revocation-msg.h"
#include "revocation.h"

#define DEF_QUERY_TIMEOUT (2 * 1000000ull)
#define DEF_REVOKE_TIMEOUT (30 * 1000000ull)
#define DEF_BACKOFF_MIN (100 * 1000ull)
#define DEF_BACKOFF_MAX (30 * 1000000ull)
#define DEF_MAX_QUERIES 256u
#define DEF_MAX_PUBLISHED 4096u
/* A connection that lived this long was healthy: the backoff starts over. */
#define HEALTHY_USEC (1000000ull)
/* Disconnects with the same revocation in flight, while the service
 * itself stayed up, before we call it rejected. */
#define MAX_DROPS 2u
/* How long after such a disconnect we look whether the service stayed up
 * (a service going down or restarting drops every client). */
#define JUDGE_USEC (1000000ull)
/* Wait before re-sending one the service failed to store. */
#define FAILED_RETRY_USEC (30 * 1000000ull)
#define IN_MAX 65536u
#define OUT_MAX (256u * 1024u)

enum conn_state { ST_DISCONNECTED, ST_CONNECTED };

struct conn {
  struct gnsd_revnet *rn;
  const char *what; /* for lastError */
  int fd;
  enum conn_state state;
  sd_event_source *io, *retry;
  uint64_t backoff, connected_at;
  uint8_t out[OUT_MAX];
  size_t out_len;
  uint8_t in[IN_MAX];
  size_t in_len;
  void (*on_up)(struct conn *c);
  void (*on_msg)(struct conn *c, const uint8_t *m, size_t len);
  void (*on_down)(struct conn *c);
};

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
  char *path;
  struct gnsd_revnet_tuning t;
  struct conn qc, pc;
  /* queries waiting for an answer, oldest first */
  struct gnsd_revnet_query *qhead, *qtail;
  unsigned n_queries;
  struct pub *pubs;
  size_t n_pubs;
  struct pub *inflight; /* on pc */
  struct pub *judged;   /* in flight when pc dropped: was it the cause? */
  uint64_t dropped_at;
  sd_event_source *pub_timer, *judge_timer;
  char last_error[160];
  struct {
    uint64_t queries, valid, revoked, failures, timeouts, accepted, rejected;
  } st;
};

static uint64_t now_mono(sd_event *ev) {
  uint64_t t = 0;
  if (sd_event_now(ev, CLOCK_MONOTONIC, &t) < 0) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    t = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
  }
  return t;
}

static uint64_t now_real(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---- one connection ---- */

static void conn_connect(struct conn *c, bool from_timer);

static void conn_error(struct conn *c, const char *why, int err) {
  if (err)
    snprintf(c->rn->last_error, sizeof c->rn->last_error, "%s: %s: %s", c->what, why,
             strerror(err));
  else
    snprintf(c->rn->last_error, sizeof c->rn->last_error, "%s: %s", c->what, why);
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
  struct conn *c = userdata;
  (void)s;
  (void)usec;
  c->retry = sd_event_source_unref(c->retry);
  if (c->state == ST_DISCONNECTED) conn_connect(c, true);
  return 0;
}

static void schedule_retry(struct conn *c) {
  if (c->retry) return;
  const struct gnsd_revnet_tuning *t = &c->rn->t;
  if (sd_event_add_time(c->rn->ev, &c->retry, CLOCK_MONOTONIC, now_mono(c->rn->ev) + c->backoff,
                        10000, on_retry, c) < 0)
    c->retry = NULL; /* the next request tries again */
  c->backoff = c->backoff * 2 > t->backoff_max ? t->backoff_max : c->backoff * 2;
}

static void conn_down(struct conn *c, const char *why, int err) {
  bool was_up = c->state == ST_CONNECTED;
  conn_error(c, why, err);
  c->io = sd_event_source_disable_unref(c->io);
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  c->state = ST_DISCONNECTED;
  c->out_len = c->in_len = 0;
  if (was_up && now_mono(c->rn->ev) - c->connected_at >= HEALTHY_USEC)
    c->backoff = c->rn->t.backoff_min;
  schedule_retry(c);
  if (was_up) c->on_down(c);
}

static int conn_update_io(struct conn *c) {
  if (!c->io) return 0;
  return sd_event_source_set_io_events(c->io, EPOLLIN | (c->out_len ? EPOLLOUT : 0u));
}

static int conn_flush(struct conn *c) {
  while (c->out_len > 0) {
    ssize_t n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return -errno;
    }
    memmove(c->out, c->out + n, c->out_len - (size_t)n);
    c->out_len -= (size_t)n;
  }
  return conn_update_io(c);
}

/* Queue and send; -ENOTCONN or -ENOBUFS if it cannot go out. A send error
 * takes the connection down (and its waiting requests with it). */
static int conn_send(struct conn *c, const uint8_t *m, size_t len) {
  if (c->state != ST_CONNECTED) return -ENOTCONN;
  if (c->out_len + len > sizeof c->out) return -ENOBUFS;
  memcpy(c->out + c->out_len, m, len);
  c->out_len += len;
  int r = conn_flush(c);
  if (r < 0) {
    conn_down(c, "send", -r);
    return -ENOTCONN;
  }
  return 0;
}

static int conn_on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
  struct conn *c = userdata;
  (void)s;
  if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    for (;;) {
      ssize_t n = recv(fd, c->in + c->in_len, sizeof c->in - c->in_len, MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        conn_down(c, "receive", errno);
        return 0;
      }
      if (n == 0) {
        conn_down(c, "the service closed the connection", 0);
        return 0;
      }
      c->in_len += (size_t)n;
      size_t pos = 0;
      while (c->in_len - pos >= 4) {
        size_t sz = gns_get_u16(c->in + pos);
        if (sz < 4) {
          conn_down(c, "malformed message from the service", 0);
          return 0;
        }
        if (c->in_len - pos < sz) break;
        c->on_msg(c, c->in + pos, sz);
        if (c->state != ST_CONNECTED) return 0;
        pos += sz;
      }
      memmove(c->in, c->in + pos, c->in_len - pos);
      c->in_len -= pos;
    }
  }
  if (revents & EPOLLOUT) {
    int r = conn_flush(c);
    if (r < 0) conn_down(c, "send", -r);
  }
  return 0;
}

/* AF_UNIX connects complete at once or fail, so a caller learns right
 * away whether the service is there. from_timer: the backoff's attempt
 * (a request's attempt must not lengthen the backoff). */
static void conn_connect(struct conn *c, bool from_timer) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  size_t pl = strlen(c->rn->path);
  if (pl >= sizeof sa.sun_path) return;
  memcpy(sa.sun_path, c->rn->path, pl + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    conn_error(c, "socket", errno);
    if (from_timer) schedule_retry(c);
    return;
  }
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    conn_error(c, c->rn->path, errno);
    close(fd);
    if (from_timer || !c->retry) schedule_retry(c);
    return;
  }
  int r = sd_event_add_io(c->rn->ev, &c->io, fd, EPOLLIN, conn_on_io, c);
  if (r < 0) {
    conn_error(c, "sd_event_add_io", -r);
    close(fd);
    schedule_retry(c);
    return;
  }
  c->fd = fd;
  c->retry = sd_event_source_disable_unref(c->retry);
  c->state = ST_CONNECTED;
  c->connected_at = now_mono(c->rn->ev);
  c->rn->last_error[0] = '\0';
  c->on_up(c);
}

static void conn_free(struct conn *c) {
  c->io = sd_event_source_disable_unref(c->io);
  c->retry = sd_event_source_disable_unref(c->retry);
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  c->state = ST_DISCONNECTED;
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

static void qc_up(struct conn *c) {
  (void)c;
}

static void qc_down(struct conn *c) {
  queries_fail(c->rn, -ENOTCONN);
}

static void qc_msg(struct conn *c, const uint8_t *m, size_t len) {
  struct gnsd_revnet *rn = c->rn;
  uint16_t type;
  uint32_t valid;
  int r = gnsd_rev_parse_response(m, len, &type, &valid);
  if (r == -ENOMSG) return; /* not for us */
  if (r < 0 || type != GNSD_REV_MSG_QUERY_RESPONSE || !rn->qhead) {
    conn_down(c, "unexpected message from the service", 0);
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
  if (rn->qc.state == ST_DISCONNECTED) conn_connect(&rn->qc, false);
  if (rn->qc.state != ST_CONNECTED) {
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
  r = conn_send(&rn->qc, m, sizeof m);
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
    conn_down(&rn->pc, "no answer to a revocation", 0);
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
  uint64_t now = now_real();
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
  if (rn->pc.state == ST_DISCONNECTED) {
    conn_connect(&rn->pc, false); /* on_up pumps */
    return;
  }
  uint8_t m[GNSD_REV_REVOKE_LEN];
  gnsd_rev_build_revoke(m, p->msg, sizeof p->msg);
  if (conn_send(&rn->pc, m, sizeof m) < 0) return;
  p->state = GNSD_REVNET_PUB_SENT;
  rn->inflight = p;
  arm_pub_timer(rn, rn->t.revoke_timeout);
}

static void pc_up(struct conn *c) {
  struct gnsd_revnet *rn = c->rn;
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
  bool service_stayed = rn->qc.state == ST_CONNECTED && rn->qc.connected_at < rn->dropped_at;
  if (service_stayed && ++p->drops >= MAX_DROPS) {
    p->state = GNSD_REVNET_PUB_REJECTED;
    rn->st.rejected++;
  } else {
    p->state = GNSD_REVNET_PUB_QUEUED;
  }
  pump(rn);
  return 0;
}

static void pc_down(struct conn *c) {
  struct gnsd_revnet *rn = c->rn;
  struct pub *p = rn->inflight;
  rn->inflight = NULL;
  if (rn->pub_timer) (void)sd_event_source_set_enabled(rn->pub_timer, SD_EVENT_OFF);
  if (!p) return;
  p->state = GNSD_REVNET_PUB_QUEUED;
  rn->judged = p;
  rn->dropped_at = now_mono(rn->ev);
  /* Make sure the query connection is there to tell. */
  if (rn->qc.state == ST_DISCONNECTED) conn_connect(&rn->qc, false);
  uint64_t at = rn->dropped_at + JUDGE_USEC;
  if (rn->judge_timer) {
    (void)sd_event_source_set_time(rn->judge_timer, at);
    (void)sd_event_source_set_enabled(rn->judge_timer, SD_EVENT_ONESHOT);
  } else if (sd_event_add_time(rn->ev, &rn->judge_timer, CLOCK_MONOTONIC, at, 10000, on_judge, rn) <
             0) {
    rn->judged = NULL; /* no judgement: just send it again */
  }
}

static void pc_msg(struct conn *c, const uint8_t *m, size_t len) {
  struct gnsd_revnet *rn = c->rn;
  uint16_t type;
  uint32_t valid;
  int r = gnsd_rev_parse_response(m, len, &type, &valid);
  if (r == -ENOMSG) return;
  if (r < 0 || type != GNSD_REV_MSG_REVOKE_RESPONSE || !rn->inflight) {
    conn_down(c, "unexpected message from the service", 0);
    return;
  }
  struct pub *p = rn->inflight;
  rn->inflight = NULL;
  p->drops = 0;
  if (valid == 0) {
    /* "the key is no longer valid": the service holds the revocation */
    p->state = GNSD_REVNET_PUB_ACCEPTED;
    p->accepted_at = now_real();
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
  if (expires <= now_real()) return 0;
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
  return rn && rn->qc.state == ST_CONNECTED;
}

static void add_u64(json_object *o, const char *k, uint64_t v) {
  json_object_object_add(o, k, json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v));
}

void gnsd_revnet_status(struct gnsd_revnet *rn, json_object *out) {
  json_object_object_add(out, "socket", json_object_new_string(rn->path));
  json_object_object_add(
      out, "state",
      json_object_new_string(rn->qc.state == ST_CONNECTED ? "connected" : "disconnected"));
  if (rn->last_error[0])
    json_object_object_add(out, "lastError", json_object_new_string(rn->last_error));
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
  rn->qc.backoff = rn->pc.backoff = rn->t.backoff_min;
}

static void conn_init(struct gnsd_revnet *rn, struct conn *c, const char *what,
                      void (*up)(struct conn *),
                      void (*msg)(struct conn *, const uint8_t *, size_t),
                      void (*down)(struct conn *)) {
  c->rn = rn;
  c->what = what;
  c->fd = -1;
  c->backoff = rn->t.backoff_min;
  c->on_up = up;
  c->on_msg = msg;
  c->on_down = down;
}

int gnsd_revnet_new(sd_event *ev, const char *socket_path, struct gnsd_revnet **out) {
  if (!ev || !socket_path || !*socket_path || !out) return -EINVAL;
  if (strlen(socket_path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) return -ENAMETOOLONG;
  struct gnsd_revnet *rn = calloc(1, sizeof *rn);
  if (!rn) return -ENOMEM;
  rn->path = strdup(socket_path);
  if (!rn->path) {
    free(rn);
    return -ENOMEM;
  }
  rn->ev = sd_event_ref(ev);
  struct gnsd_revnet_tuning t = {0};
  apply_tuning(rn, &t);
  conn_init(rn, &rn->qc, "queries", qc_up, qc_msg, qc_down);
  conn_init(rn, &rn->pc, "revocations", pc_up, pc_msg, pc_down);
  conn_connect(&rn->qc, true);
  *out = rn;
  return 0;
}

void gnsd_revnet_free(struct gnsd_revnet *rn) {
  if (!rn) return;
  queries_fail(rn, -ECANCELED);
  conn_free(&rn->qc);
  conn_free(&rn->pc);
  rn->pub_timer = sd_event_source_disable_unref(rn->pub_timer);
  rn->judge_timer = sd_event_source_disable_unref(rn->judge_timer);
  while (rn->pubs) {
    struct pub *p = rn->pubs;
    rn->pubs = p->next;
    free(p);
  }
  sd_event_unref(rn->ev);
  free(rn->path);
  free(rn);
}
