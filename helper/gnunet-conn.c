/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A client connection to a GNUnet service (gnunet-conn.h). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "event-now.h"
#include "gnunet-conn.h"
#include "gnunet-msg.h"

#define DEF_MAX_QUEUE (1024u * 1024u)
#define DEF_BACKOFF_MIN (100 * 1000ull)
#define DEF_BACKOFF_MAX (30 * 1000000ull)
/* A connection that lived this long was healthy: the next failure starts
 * the backoff over. */
#define HEALTHY_USEC (1000000ull)
/* Timer slack of the retries: they need not be punctual. */
#define RETRY_ACCURACY_USEC (10000ull)

struct gnsd_gnunet_conn {
  sd_event *ev;
  char *path;
  char *name;
  size_t max_queue, max_msg;
  uint64_t backoff_min, backoff_max, backoff;
  void (*on_connect)(void *userdata);
  void (*on_message)(void *userdata, const uint8_t *msg, size_t len);
  void (*on_disconnect)(void *userdata);
  void *userdata;

  enum gnsd_gnunet_conn_state state;
  int fd;
  /* Counts connections, so that code that ran a callback can tell that
   * the connection it was reading from is gone, even if a new one took
   * its place meanwhile. */
  uint64_t generation;
  sd_event_source *io, *retry;
  uint64_t connected_at;
  /* Send queue: out[out_off..out_len) waits for the socket. */
  uint8_t *out;
  size_t out_off, out_len, out_cap;
  /* Receive buffer, max_msg bytes: whatever is left after the whole
   * messages were handed out is part of one message, so it is shorter. */
  uint8_t *in;
  size_t in_len;
  struct gnsd_gnunet_conn_stats st;
  char last_error[160];
};

const char *gnsd_gnunet_conn_state_name(enum gnsd_gnunet_conn_state s) {
  static const char *const names[] = {
      [GNSD_GNUNET_CONN_DISCONNECTED] = "disconnected",
      [GNSD_GNUNET_CONN_CONNECTING] = "connecting",
      [GNSD_GNUNET_CONN_CONNECTED] = "connected",
  };
  return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "disconnected";
}

/* Timers and the backoff run on the loop's monotonic clock. */
static uint64_t now_mono(const struct gnsd_gnunet_conn *c) {
  return gnsd_event_now(c->ev, CLOCK_MONOTONIC);
}

static void set_error(struct gnsd_gnunet_conn *c, const char *why, int err) {
  const char *sep = c->name ? ": " : "";
  const char *name = c->name ? c->name : "";
  if (err)
    snprintf(c->last_error, sizeof c->last_error, "%s%s%s: %s", name, sep, why, strerror(err));
  else
    snprintf(c->last_error, sizeof c->last_error, "%s%s%s", name, sep, why);
}

/* ---- reconnect with backoff ---- */

static void try_connect(struct gnsd_gnunet_conn *c, int *error);

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
  struct gnsd_gnunet_conn *c = userdata;
  (void)s;
  (void)usec;
  c->retry = sd_event_source_unref(c->retry);
  if (c->state == GNSD_GNUNET_CONN_DISCONNECTED) try_connect(c, NULL);
  return 0;
}

/* One retry at a time: a failed attempt while one is scheduled (made for
 * a request) leaves the backoff as it is. */
static void schedule_retry(struct gnsd_gnunet_conn *c) {
  if (c->retry) return;
  if (sd_event_add_time(c->ev, &c->retry, CLOCK_MONOTONIC, now_mono(c) + c->backoff,
                        RETRY_ACCURACY_USEC, on_retry, c) < 0)
    c->retry = NULL; /* the next request tries again */
  c->backoff = c->backoff > c->backoff_max / 2 ? c->backoff_max : c->backoff * 2;
}

static void down(struct gnsd_gnunet_conn *c, const char *why, int err) {
  bool was_up = c->state == GNSD_GNUNET_CONN_CONNECTED;
  set_error(c, why, err);
  c->io = sd_event_source_disable_unref(c->io);
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  c->state = GNSD_GNUNET_CONN_DISCONNECTED;
  c->out_off = c->out_len = 0;
  c->in_len = 0;
  if (was_up) {
    c->st.disconnects++;
    if (now_mono(c) - c->connected_at >= HEALTHY_USEC) c->backoff = c->backoff_min;
  }
  c->connected_at = 0;
  schedule_retry(c);
  if (was_up && c->on_disconnect) c->on_disconnect(c->userdata);
}

/* ---- sending ---- */

static int update_io(struct gnsd_gnunet_conn *c) {
  if (!c->io) return 0;
  uint32_t events = EPOLLIN;
  if (c->state == GNSD_GNUNET_CONN_CONNECTING || c->out_len > c->out_off) events |= EPOLLOUT;
  return sd_event_source_set_io_events(c->io, events);
}

static int flush(struct gnsd_gnunet_conn *c) {
  while (c->out_len > c->out_off) {
    ssize_t n =
        send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return -errno;
    }
    c->out_off += (size_t)n;
  }
  if (c->out_off == c->out_len) c->out_off = c->out_len = 0;
  return update_io(c);
}

static int enqueue(struct gnsd_gnunet_conn *c, const uint8_t *msg, size_t len) {
  if (c->out_len - c->out_off + len > c->max_queue) return -ENOBUFS;
  if (c->out_off && c->out_len + len > c->out_cap) {
    memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
    c->out_len -= c->out_off;
    c->out_off = 0;
  }
  if (c->out_len + len > c->out_cap) {
    size_t cap = c->out_cap ? c->out_cap : 4096;
    while (cap < c->out_len + len)
      cap *= 2;
    uint8_t *p = realloc(c->out, cap);
    if (!p) return -ENOMEM;
    c->out = p;
    c->out_cap = cap;
  }
  memcpy(c->out + c->out_len, msg, len);
  c->out_len += len;
  return 0;
}

int gnsd_gnunet_conn_send(struct gnsd_gnunet_conn *c, const uint8_t *msg, size_t len) {
  size_t sz;
  if (!c || !msg || gnsd_gnunet_msg_next(msg, len, GNSD_GNUNET_MSG_MAX, &sz) < 0 || sz != len)
    return -EINVAL;
  if (c->state == GNSD_GNUNET_CONN_DISCONNECTED) return -ENOTCONN;
  int r = enqueue(c, msg, len);
  if (r < 0) return r;
  if (c->state != GNSD_GNUNET_CONN_CONNECTED) return 0; /* goes out once connected */
  r = flush(c);
  if (r < 0) {
    down(c, "send", -r);
    return -ENOTCONN;
  }
  return 0;
}

/* ---- receiving ---- */

/* Read what the socket has and hand out every whole message. false: the
 * connection is gone (or was replaced by a callback): stop. */
static bool receive(struct gnsd_gnunet_conn *c) {
  uint64_t gen = c->generation;
  for (;;) {
    ssize_t n = recv(c->fd, c->in + c->in_len, c->max_msg - c->in_len, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
      down(c, "receive", errno);
      return false;
    }
    if (n == 0) {
      down(c, "the service closed the connection", 0);
      return false;
    }
    c->in_len += (size_t)n;
    size_t pos = 0, sz;
    int r;
    while ((r = gnsd_gnunet_msg_next(c->in + pos, c->in_len - pos, c->max_msg, &sz)) == 0) {
      c->on_message(c->userdata, c->in + pos, sz);
      if (c->generation != gen || c->state != GNSD_GNUNET_CONN_CONNECTED) return false;
      pos += sz;
    }
    if (r == -EBADMSG) {
      down(c, "malformed message from the service", 0);
      return false;
    }
    memmove(c->in, c->in + pos, c->in_len - pos);
    c->in_len -= pos;
  }
}

/* ---- connecting ---- */

static void up(struct gnsd_gnunet_conn *c) {
  c->state = GNSD_GNUNET_CONN_CONNECTED;
  c->connected_at = now_mono(c);
  c->st.connects++;
  c->last_error[0] = '\0';
  /* What was queued while connecting goes first. */
  int r = flush(c);
  if (r < 0) {
    down(c, "send", -r);
    return;
  }
  if (c->on_connect) c->on_connect(c->userdata);
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
  struct gnsd_gnunet_conn *c = userdata;
  (void)s;
  if (c->state == GNSD_GNUNET_CONN_CONNECTING) {
    if (!(revents & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return 0;
    int err = 0;
    socklen_t el = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0) err = errno;
    if (err) {
      c->st.connect_failures++;
      down(c, "connect", err);
      return 0;
    }
    up(c);
    return 0;
  }
  if ((revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !receive(c)) return 0;
  if (revents & EPOLLOUT) {
    int r = flush(c);
    if (r < 0) down(c, "send", -r);
  }
  return 0;
}

/* error: where the failure goes (NULL: only the last error says it). */
static void try_connect(struct gnsd_gnunet_conn *c, int *error) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  memcpy(sa.sun_path, c->path, strlen(c->path) + 1); /* fits: checked by new() */
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    if (error) *error = -errno;
    set_error(c, "socket", errno);
    schedule_retry(c);
    return;
  }
  /* AF_UNIX connects complete at once (0) or fail; EAGAIN means the
   * service's backlog is full and nothing was queued: retry later. */
  bool pending = false;
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    if (errno != EINPROGRESS) {
      if (error) *error = -errno;
      set_error(c, c->path, errno);
      close(fd);
      c->st.connect_failures++;
      schedule_retry(c);
      return;
    }
    pending = true;
  }
  int r = sd_event_add_io(c->ev, &c->io, fd, EPOLLIN | EPOLLOUT, on_io, c);
  if (r < 0) {
    if (error) *error = r;
    set_error(c, "sd_event_add_io", -r);
    close(fd);
    schedule_retry(c);
    return;
  }
  c->fd = fd;
  c->generation++;
  c->retry = sd_event_source_disable_unref(c->retry);
  c->state = GNSD_GNUNET_CONN_CONNECTING;
  if (!pending) up(c);
}

int gnsd_gnunet_conn_connect(struct gnsd_gnunet_conn *c) {
  if (!c) return -EINVAL;
  int error = 0;
  if (c->state == GNSD_GNUNET_CONN_DISCONNECTED) try_connect(c, &error);
  if (c->state != GNSD_GNUNET_CONN_DISCONNECTED) return 0;
  /* Up, then down again inside on_connect: not connected either. */
  return error < 0 ? error : -ENOTCONN;
}

void gnsd_gnunet_conn_disconnect(struct gnsd_gnunet_conn *c, const char *why) {
  if (!c || c->state == GNSD_GNUNET_CONN_DISCONNECTED) return;
  down(c, why ? why : "disconnected", 0);
}

/* ---- the object ---- */

static void apply_backoff(struct gnsd_gnunet_conn *c, uint64_t min, uint64_t max) {
  c->backoff_min = min ? min : DEF_BACKOFF_MIN;
  c->backoff_max = max ? max : DEF_BACKOFF_MAX;
  if (c->backoff_max < c->backoff_min) c->backoff_max = c->backoff_min;
  c->backoff = c->backoff_min;
}

int gnsd_gnunet_conn_new(const struct gnsd_gnunet_conn_args *a, struct gnsd_gnunet_conn **out) {
  if (!a || !a->event || !a->path || !*a->path || !a->on_message || !out) return -EINVAL;
  if (strlen(a->path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) return -ENAMETOOLONG;
  struct gnsd_gnunet_conn *c = calloc(1, sizeof *c);
  if (!c) return -ENOMEM;
  c->fd = -1;
  c->max_queue = a->max_queue ? a->max_queue : DEF_MAX_QUEUE;
  c->max_msg = a->max_msg && a->max_msg <= GNSD_GNUNET_MSG_MAX ? a->max_msg : GNSD_GNUNET_MSG_MAX;
  if (c->max_msg < GNSD_GNUNET_HDR_LEN) c->max_msg = GNSD_GNUNET_HDR_LEN;
  c->path = strdup(a->path);
  c->name = a->name ? strdup(a->name) : NULL;
  c->in = malloc(c->max_msg);
  if (!c->path || (a->name && !c->name) || !c->in) {
    gnsd_gnunet_conn_free(c);
    return -ENOMEM;
  }
  c->ev = sd_event_ref(a->event);
  apply_backoff(c, a->backoff_min, a->backoff_max);
  c->on_connect = a->on_connect;
  c->on_message = a->on_message;
  c->on_disconnect = a->on_disconnect;
  c->userdata = a->userdata;
  *out = c;
  return 0;
}

void gnsd_gnunet_conn_free(struct gnsd_gnunet_conn *c) {
  if (!c) return;
  c->io = sd_event_source_disable_unref(c->io);
  c->retry = sd_event_source_disable_unref(c->retry);
  if (c->fd >= 0) close(c->fd);
  sd_event_unref(c->ev);
  free(c->out);
  free(c->in);
  free(c->name);
  free(c->path);
  free(c);
}

void gnsd_gnunet_conn_set_backoff(struct gnsd_gnunet_conn *c, uint64_t min, uint64_t max) {
  apply_backoff(c, min, max);
}

enum gnsd_gnunet_conn_state gnsd_gnunet_conn_state(const struct gnsd_gnunet_conn *c) {
  return c->state;
}

uint64_t gnsd_gnunet_conn_connected_at(const struct gnsd_gnunet_conn *c) {
  return c->connected_at;
}

const char *gnsd_gnunet_conn_last_error(const struct gnsd_gnunet_conn *c) {
  return c->last_error;
}

const char *gnsd_gnunet_conn_path(const struct gnsd_gnunet_conn *c) {
  return c->path;
}

size_t gnsd_gnunet_conn_queued(const struct gnsd_gnunet_conn *c) {
  return c->out_len - c->out_off;
}

void gnsd_gnunet_conn_stats(const struct gnsd_gnunet_conn *c, struct gnsd_gnunet_conn_stats *out) {
  *out = c->st;
}
