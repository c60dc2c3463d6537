/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Blocking, deadline-bound varlink client. See varlink-client.h. */
#include "config.h"

#include "varlink-client.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct gns_varlink {
  int fd;
  size_t max_message;
  /* The socket's SO_RCVTIMEO when it was made blocking for replies
   * (gns_varlink_block_replies), else 0. */
  uint64_t block_usec;
  /* Received bytes: [0, consumed) is the message handed out last time,
   * [consumed, fill) what came after it. */
  char *buf;
  size_t cap, fill, consumed;
};

uint64_t gns_varlink_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Waits for events on fd until the deadline. Returns the revents, or
 * -ETIMEDOUT. A signal only shortens one poll(); the deadline stays. */
static int wait_fd(int fd, short events, uint64_t deadline) {
  for (;;) {
    uint64_t now = gns_varlink_now();
    if (now >= deadline) return -ETIMEDOUT;
    uint64_t ms = (deadline - now + 999) / 1000;
    struct pollfd p = {.fd = fd, .events = events};
    int n = poll(&p, 1, ms > INT_MAX ? INT_MAX : (int)ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (n > 0) return p.revents;
  }
}

/* Sleeps for at most ms, never past the deadline. */
static int nap(uint64_t ms, uint64_t deadline) {
  uint64_t now = gns_varlink_now();
  if (now >= deadline) return -ETIMEDOUT;
  uint64_t left = (deadline - now + 999) / 1000;
  if (ms > left) ms = left;
  /* poll() on no descriptors is a sleep; EINTR just ends it early. */
  (void)poll(NULL, 0, (int)ms);
  return 0;
}

int gns_varlink_connect(const char *path, size_t max_message, uint64_t deadline,
                        struct gns_varlink **ret) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  size_t plen = strlen(path);
  int r;

  *ret = NULL;
  if (plen == 0) return -EINVAL;
  if (plen >= sizeof sa.sun_path) return -ENAMETOOLONG;
  memcpy(sa.sun_path, path, plen + 1);

  struct gns_varlink *v = calloc(1, sizeof *v);
  if (!v) return -ENOMEM;
  /* Keep max_message + 1 (room for the NUL) from overflowing. */
  v->max_message = max_message < SIZE_MAX / 2 ? max_message : SIZE_MAX / 2;
  v->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (v->fd < 0) {
    r = -errno;
    free(v);
    return r;
  }
  if (v->fd <= STDERR_FILENO) {
    /* A program that closed stdin must not find gnsd there. */
    int fd = fcntl(v->fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    if (fd < 0) {
      r = -errno;
      gns_varlink_free(v);
      return r;
    }
    close(v->fd);
    v->fd = fd;
  }

  uint64_t backoff = 1;
  for (;;) {
    if (connect(v->fd, (const struct sockaddr *)&sa, sizeof sa) == 0) break;
    r = -errno;
    if (r == -EAGAIN) {
      /* AF_UNIX: the listen backlog is full (a busy or stopped server).
       * Nothing to poll for; retry with a short backoff until the deadline. */
      r = nap(backoff, deadline);
      if (r < 0) goto fail;
      if (backoff < 64) backoff *= 2;
      continue;
    }
    if (r == -EINPROGRESS || r == -EINTR || r == -EALREADY) {
      r = wait_fd(v->fd, POLLOUT, deadline);
      if (r < 0) goto fail;
      int err = 0;
      socklen_t elen = sizeof err;
      if (getsockopt(v->fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0) {
        r = -errno;
        goto fail;
      }
      if (err) {
        r = -err;
        goto fail;
      }
      break;
    }
    goto fail;
  }
  *ret = v;
  return 0;
fail:
  gns_varlink_free(v);
  return r;
}

int gns_varlink_send(struct gns_varlink *v, const char *msg, size_t len, uint64_t deadline) {
  static const char nul = 0;
  size_t total = len + 1, sent = 0;

  /* A small message goes out as one send() from a copy that carries the
   * NUL: cheaper than sendmsg() with two iovecs. */
  char copy[1024];
  if (total <= sizeof copy) {
    memcpy(copy, msg, len);
    copy[len] = 0;
    while (sent < total) {
      ssize_t n = send(v->fd, copy + sent, total - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0) {
        sent += (size_t)n;
        continue;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -errno;
      int r = wait_fd(v->fd, POLLOUT, deadline);
      if (r < 0) return r;
    }
    return 0;
  }

  while (sent < total) {
    struct iovec iov[2];
    struct msghdr mh = {.msg_iov = iov};
    if (sent < len) {
      iov[0] = (struct iovec){.iov_base = (char *)msg + sent, .iov_len = len - sent};
      iov[1] = (struct iovec){.iov_base = (char *)&nul, .iov_len = 1};
      mh.msg_iovlen = 2;
    } else {
      iov[0] = (struct iovec){.iov_base = (char *)&nul, .iov_len = 1};
      mh.msg_iovlen = 1;
    }
    ssize_t n = sendmsg(v->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) {
      sent += (size_t)n;
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -errno;
    int r = wait_fd(v->fd, POLLOUT, deadline);
    if (r < 0) return r;
  }
  return 0;
}

int gns_varlink_recv(struct gns_varlink *v, uint64_t deadline, const char **msg, size_t *len) {
  /* Drop the message handed out last time, keep what followed it. */
  if (v->consumed) {
    memmove(v->buf, v->buf + v->consumed, v->fill - v->consumed);
    v->fill -= v->consumed;
    v->consumed = 0;
  }

  /* Poll before reading whenever the socket is likely drained: a reply is
   * never there the instant after a request, so a speculative recv() would
   * only add a syscall to every lookup. */
  bool drained = v->fill == 0;
  /* At most one blocking recv per call: if it returns without data
   * (timeout, signal, or the program made the socket non-blocking), the
   * waits that follow are polls. */
  bool may_block = v->block_usec != 0;
  size_t scanned = 0;
  for (;;) {
    char *end = v->fill > scanned ? memchr(v->buf + scanned, 0, v->fill - scanned) : NULL;
    if (end) {
      *msg = v->buf;
      *len = (size_t)(end - v->buf);
      v->consumed = *len + 1;
      return 0;
    }
    scanned = v->fill;
    /* Room for max_message bytes and the NUL, no more. */
    if (v->fill > v->max_message) return -EMSGSIZE;
    if (v->fill == v->cap) {
      size_t ncap = v->cap ? v->cap * 2 : 4096;
      if (ncap > v->max_message + 1) ncap = v->max_message + 1;
      char *nb = realloc(v->buf, ncap);
      if (!nb) return -ENOMEM;
      v->buf = nb;
      v->cap = ncap;
    }
    size_t space = v->cap - v->fill;
    int flags = MSG_DONTWAIT;
    if (drained) {
      /* One blocking recv instead of poll and recv, when even its full
       * timeout would end before the deadline. */
      if (may_block && deadline > gns_varlink_now() + v->block_usec) {
        flags = 0;
        may_block = false;
      } else {
        int r = wait_fd(v->fd, POLLIN, deadline);
        if (r < 0) return r;
      }
    }
    ssize_t n = recv(v->fd, v->buf + v->fill, space, flags);
    if (n > 0) {
      v->fill += (size_t)n;
      drained = (size_t)n < space;
      continue;
    }
    if (n == 0) return -ECONNRESET;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -errno;
    drained = true;
  }
}

int gns_varlink_fd(const struct gns_varlink *v) {
  return v->fd;
}

int gns_varlink_block_replies(struct gns_varlink *v, uint64_t usec) {
  struct timeval tv = {.tv_sec = (time_t)(usec / 1000000u),
                       .tv_usec = (suseconds_t)(usec % 1000000u)};
  if (usec == 0) return -EINVAL;
  if (setsockopt(v->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) return -errno;
  /* Sends stay non-blocking: they pass MSG_DONTWAIT. */
  int fl = fcntl(v->fd, F_GETFL);
  if (fl < 0 || fcntl(v->fd, F_SETFL, fl & ~O_NONBLOCK) < 0) return -errno;
  v->block_usec = usec;
  return 0;
}

size_t gns_varlink_buffered(const struct gns_varlink *v) {
  return v->fill - v->consumed;
}

void gns_varlink_forget(struct gns_varlink *v) {
  if (!v) return;
  free(v->buf);
  free(v);
}

void gns_varlink_free(struct gns_varlink *v) {
  if (!v) return;
  if (v->fd >= 0) close(v->fd);
  gns_varlink_forget(v);
}

int gns_varlink_call(struct gns_varlink *v, const char *method, struct json_object *params,
                     uint64_t deadline, struct json_object **reply) {
  int r = -ENOMEM;
  json_object *req = json_object_new_object();
  json_object *jm = json_object_new_string(method);

  *reply = NULL;
  if (!req || !jm) goto done;
  /* json_object_object_add leaves the value with us when it fails. */
  if (json_object_object_add(req, "method", jm) < 0) goto done;
  jm = NULL;
  if (params && json_object_object_add(req, "parameters", json_object_get(params)) < 0) {
    json_object_put(params);
    goto done;
  }

  size_t slen;
  const char *s = json_object_to_json_string_length(
      req, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &slen);
  if (!s) goto done;
  r = gns_varlink_send(v, s, slen, deadline);
  if (r < 0) goto done;

  const char *m;
  size_t mlen;
  r = gns_varlink_recv(v, deadline, &m, &mlen);
  if (r < 0) goto done;
  r = -EBADMSG;
  if (mlen > INT_MAX) goto done;
  json_tokener *tok = json_tokener_new();
  if (!tok) {
    r = -ENOMEM;
    goto done;
  }
  json_object *o = json_tokener_parse_ex(tok, m, (int)mlen);
  bool ok = o && json_tokener_get_error(tok) == json_tokener_success &&
            json_object_is_type(o, json_type_object);
  json_tokener_free(tok);
  if (!ok) {
    json_object_put(o);
    goto done;
  }
  *reply = o;
  r = 0;
done:
  json_object_put(jm);
  json_object_put(req);
  return r;
}

const char *gns_varlink_reply_error(struct json_object *reply) {
  json_object *e;
  if (!json_object_object_get_ex(reply, "error", &e)) return NULL;
  return json_object_is_type(e, json_type_string) ? json_object_get_string(e) : "";
}
