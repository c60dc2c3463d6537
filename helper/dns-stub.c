/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DNS stub: sockets, TCP framing, rate limiting, counters. What goes
 * into the messages is decided in dns-msg.c. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "dns-msg.h"
#include "dns-stub.h"
#include "log.h"

#define MAX_LISTENERS 32
#define MAX_PENDING 4096u
#define MAX_CONNS 256u
/* RFC 7766, 6.2.3: idle TCP connections are closed after some seconds */
#define TCP_IDLE_USEC (10ull * 1000000u)
/* stop reading from a TCP client that does not read its answers */
#define TCP_OUT_MAX (256u * 1024)
/* datagrams read per recvmmsg call, calls per wakeup */
#define UDP_VLEN 16u
#define UDP_ROUNDS 4
/* a larger query is dropped as malformed (EDNS0 queries are far smaller) */
#define UDP_QUERY_MAX 4096u
#define RRL_SLOTS 4096u
#define MICRO 1000000ull

struct listener {
  struct gnsd_dns_stub *S;
  int fd, type;
  bool pktinfo; /* bound to a wildcard address: answer from the address asked */
  struct sockaddr_storage addr;
  sd_event_source *src;
};

struct conn {
  struct gnsd_dns_stub *S;
  struct conn *prev, *next;
  int fd;
  sd_event_source *io, *idle;
  uint8_t in[2 + 65535];
  size_t in_len;
  uint8_t *out;
  size_t out_len, out_off, out_cap;
  unsigned pending;
  bool eof;
  bool reading;  /* in on_conn: it calls conn_update itself */
  uint64_t last; /* CLOCK_MONOTONIC of the last message received */
};

/* A UDP client: its address and, for sockets bound to a wildcard address,
 * the packet info of its query (the local address it was sent to), given
 * back on the answer so that it comes from that address (RFC 1123,
 * 6.1.3.5 asks a multihomed server to answer from where it was asked). */
struct udp_peer {
  struct sockaddr_storage addr;
  socklen_t len;
  size_t ctl_len;
  uint8_t ctl[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

struct udp_batch {
  uint8_t buf[UDP_VLEN][UDP_QUERY_MAX];
  struct udp_peer peer[UDP_VLEN];
  union {
    struct cmsghdr align;
    uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
  } ctl[UDP_VLEN];
  struct iovec iov[UDP_VLEN];
  struct mmsghdr mm[UDP_VLEN];
};

struct pend {
  struct gnsd_dns_stub *S;
  struct pend *prev, *next;
  struct conn *conn; /* TCP, else UDP on fd to peer */
  int fd;
  struct udp_peer peer;
  struct gnsd_lookup *lookup;
  struct gnsd_dns_query q;
  uint8_t key[GNSD_MEMO_KEY_MAX];
  size_t klen;
};

/* Response rate limiting per source (IPv4 address, IPv6 /64): a token
 * bucket of rate_limit queries per second, one second deep. Over the
 * limit every second query gets an empty TC answer ("slip"), so that a
 * real client whose address was forged falls back to TCP, which needs a
 * handshake and is not limited; the others are dropped. */
struct rrl_slot {
  uint8_t key[9];
  uint64_t last_us, tokens; /* tokens in millionths of a query */
  uint32_t drops;
};

struct gnsd_dns_stub {
  sd_event *ev;
  struct gnsd_dns_stub_resolver res;
  struct gnsd_dns_stub_conf conf;
  struct listener *ls[MAX_LISTENERS];
  size_t n_ls;
  struct conn *conns;
  unsigned n_conns;
  struct pend *pends;
  unsigned n_pend;
  struct rrl_slot *rrl;
  struct udp_batch ub;
  struct {
    uint64_t queries, udp, tcp, answers, nxdomain, nodata, refused, servfail, truncated, malformed,
        rate_limited;
  } st;
};

static uint64_t now_rt(struct gnsd_dns_stub *S) {
  return S->res.now(S->res.userdata);
}

/* ---- rate limiting ------------------------------------------------------ */

static size_t rrl_key(const struct sockaddr_storage *a, uint8_t key[9]) {
  memset(key, 0, 9);
  if (a->ss_family == AF_INET) {
    key[0] = 4;
    memcpy(key + 1, &((const struct sockaddr_in *)a)->sin_addr, 4);
  } else if (a->ss_family == AF_INET6) {
    key[0] = 6;
    memcpy(key + 1, &((const struct sockaddr_in6 *)a)->sin6_addr, 8);
  }
  uint32_t h = 2166136261u; /* FNV-1a */
  for (int i = 0; i < 9; i++)
    h = (h ^ key[i]) * 16777619u;
  return h % RRL_SLOTS;
}

/* Loopback sources are not limited: the local resolver (systemd-resolved,
 * dnsmasq, unbound) asks from there on behalf of every program, and the
 * kernel drops loopback sources arriving from the network (martians), so
 * they cannot be forged to aim answers at a victim. */
static bool is_loopback(const struct sockaddr_storage *a) {
  if (a->ss_family == AF_INET)
    return (ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr) >> 24) == 127;
  if (a->ss_family != AF_INET6) return false;
  const struct in6_addr *v6 = &((const struct sockaddr_in6 *)a)->sin6_addr;
  return IN6_IS_ADDR_LOOPBACK(v6) || (IN6_IS_ADDR_V4MAPPED(v6) && v6->s6_addr[12] == 127);
}

/* 0: answer; 1: slip (send TC); -1: drop. */
static int rrl_check(struct gnsd_dns_stub *S, const struct sockaddr_storage *peer) {
  if (!S->conf.rate_limit || is_loopback(peer)) return 0;
  if (!S->rrl && !(S->rrl = calloc(RRL_SLOTS, sizeof *S->rrl))) return 0;
  uint8_t key[9];
  struct rrl_slot *e = &S->rrl[rrl_key(peer, key)];
  uint64_t now = 0, cap = (uint64_t)S->conf.rate_limit * MICRO;
  sd_event_now(S->ev, CLOCK_MONOTONIC, &now);
  if (memcmp(e->key, key, sizeof key) != 0) {
    /* a new source (or a collision): a full bucket */
    memcpy(e->key, key, sizeof key);
    e->tokens = cap;
    e->drops = 0;
  } else {
    uint64_t el = now - e->last_us;
    e->tokens = el >= MICRO ? cap : e->tokens + el * S->conf.rate_limit;
    if (e->tokens > cap) e->tokens = cap;
  }
  e->last_us = now;
  if (e->tokens >= MICRO) {
    e->tokens -= MICRO;
    return 0;
  }
  return ++e->drops % 2 == 0 ? 1 : -1;
}

/* ---- replies ---------------------------------------------------------- */

static void conn_free(struct conn *c);
static void conn_update(struct conn *c);

/* A reply's class for the counters, kept with memoised replies. */
enum { R_OTHER, R_NOERROR, R_NODATA, R_NXDOMAIN, R_SERVFAIL, R_REFUSED, R_TRUNCATED };

static uint8_t reply_class(const uint8_t *w, size_t wl, uint8_t rcode, bool truncated) {
  if (truncated) return R_TRUNCATED;
  switch (rcode) {
  case GNSD_DNS_NXDOMAIN:
    return R_NXDOMAIN;
  case GNSD_DNS_SERVFAIL:
    return R_SERVFAIL;
  case GNSD_DNS_REFUSED:
    return R_REFUSED;
  case GNSD_DNS_NOERROR:
    return wl >= 12 && w[6] == 0 && w[7] == 0 ? R_NODATA : R_NOERROR;
  default:
    return R_OTHER;
  }
}

static void count_reply(struct gnsd_dns_stub *S, uint8_t cls) {
  S->st.answers++;
  switch (cls) {
  case R_TRUNCATED:
    S->st.truncated++;
    break;
  case R_NXDOMAIN:
    S->st.nxdomain++;
    break;
  case R_SERVFAIL:
    S->st.servfail++;
    break;
  case R_REFUSED:
    S->st.refused++;
    break;
  case R_NODATA:
    S->st.nodata++;
    break;
  default:
    break;
  }
}

static int conn_append(struct conn *c, const uint8_t *w, size_t wl) {
  if (c->out_off == c->out_len) c->out_off = c->out_len = 0;
  if (c->out_len + 2 + wl > c->out_cap) {
    size_t cap = c->out_cap ? c->out_cap : 4096;
    while (cap < c->out_len + 2 + wl)
      cap *= 2;
    uint8_t *n = realloc(c->out, cap);
    if (!n) return -ENOMEM;
    c->out = n;
    c->out_cap = cap;
  }
  /* RFC 1035, 4.2.2: a two byte length in front of each message */
  c->out[c->out_len] = (uint8_t)(wl >> 8);
  c->out[c->out_len + 1] = (uint8_t)wl;
  memcpy(c->out + c->out_len + 2, w, wl);
  c->out_len += 2 + wl;
  return 0;
}

static void udp_send(int fd, const struct udp_peer *peer, const uint8_t *w, size_t wl) {
  struct iovec iov = {.iov_base = (void *)w, .iov_len = wl};
  struct msghdr mh = {.msg_name = (void *)&peer->addr,
                      .msg_namelen = peer->len,
                      .msg_iov = &iov,
                      .msg_iovlen = 1,
                      .msg_control = peer->ctl_len ? (void *)peer->ctl : NULL,
                      .msg_controllen = peer->ctl_len};
  if (sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
    log_debug("dns-stub: sendmsg: %s", strerror(errno));
}

/* Send w (wl bytes) with the query's id. */
static void transmit(struct gnsd_dns_stub *S, struct conn *c, int fd, const struct udp_peer *peer,
                     uint8_t *w, size_t wl, uint16_t id) {
  w[0] = (uint8_t)(id >> 8);
  w[1] = (uint8_t)id;
  if (c) {
    if (conn_append(c, w, wl) < 0) S->st.servfail++;
  } else {
    udp_send(fd, peer, w, wl);
  }
}

/* The memo: a reply by the query's bytes after the ID (and the transport,
 * which decides truncation), for at most a second (TTLs stay within a
 * second of the truth) and never past the answer's expiration. Kept in the
 * resolver's cache, so that a zone change drops it with the answers. A
 * repeated query costs a cache lookup and a send, as on alt.gns.Resolve,
 * where a repeated request is answered by its text. */
static size_t memo_key(bool tcp, const uint8_t *buf, size_t len, uint8_t *key) {
  if (len < 12 || len - 2 + 1 > GNSD_MEMO_KEY_MAX) return 0;
  key[0] = tcp ? 'T' : 'U';
  memcpy(key + 1, buf + 2, len - 2);
  return len - 1;
}

static void send_reply(struct gnsd_dns_stub *S, struct conn *c, int fd, const struct udp_peer *peer,
                       const struct gnsd_dns_query *q, int error, const struct gnsd_answer *a,
                       const uint8_t *key, size_t klen) {
  struct gnsd_dns_reply_opts o = {
      .max = c ? 65535u : q->udp_max,
      .now = now_rt(S),
      .negative_ttl = (uint32_t)(S->conf.negative_ttl_us / MICRO),
  };
  uint8_t *w = NULL, rcode = 0;
  size_t wl = 0;
  bool tc = false;
  if (gnsd_dns_msg_answer(q, error, a, &o, &w, &wl, &rcode, &tc) < 0) return;
  uint8_t cls = reply_class(w, wl, rcode, tc);
  count_reply(S, cls);
  if (klen && cls != R_SERVFAIL && S->res.memo_put) {
    uint64_t exp = o.now + MICRO;
    if (q->action == GNSD_DNS_RESOLVE && error == 0 && a && a->expiration < exp)
      exp = a->expiration;
    uint8_t *v = malloc(1 + wl);
    if (v) {
      v[0] = cls;
      memcpy(v + 1, w, wl);
      S->res.memo_put(S->res.userdata, key, klen, v, 1 + wl, exp);
      free(v);
    }
  }
  transmit(S, c, fd, peer, w, wl, q->id);
  free(w);
}

static void pend_unlink(struct pend *p) {
  struct gnsd_dns_stub *S = p->S;
  if (p->prev)
    p->prev->next = p->next;
  else if (S->pends == p)
    S->pends = p->next;
  if (p->next) p->next->prev = p->prev;
  S->n_pend--;
  if (p->conn) p->conn->pending--;
}

static void on_lookup(void *userdata, int error, const struct gnsd_answer *a) {
  struct pend *p = userdata;
  struct gnsd_dns_stub *S = p->S;
  struct conn *c = p->conn;
  p->lookup = NULL;
  send_reply(S, c, p->fd, &p->peer, &p->q, error, a, p->key, p->klen);
  pend_unlink(p);
  free(p);
  if (c && !c->reading) conn_update(c);
}

/* One query from a UDP peer (c == NULL) or a TCP connection. */
static void handle_query(struct gnsd_dns_stub *S, struct conn *c, int fd,
                         const struct udp_peer *peer, const uint8_t *buf, size_t len) {
  S->st.queries++;
  if (c)
    S->st.tcp++;
  else
    S->st.udp++;
  if (len > 65535 || len < 12) {
    S->st.malformed++;
    return;
  }
  if (!c) {
    int v = rrl_check(S, &peer->addr);
    if (v != 0) {
      S->st.rate_limited++;
      struct gnsd_dns_query q;
      uint8_t *w;
      size_t wl;
      if (v > 0 && gnsd_dns_msg_parse(buf, len, &q) == 0 &&
          gnsd_dns_msg_truncated(&q, &w, &wl) == 0) {
        udp_send(fd, peer, w, wl);
        free(w);
      }
      return;
    }
  }
  uint8_t key[GNSD_MEMO_KEY_MAX];
  size_t klen = S->res.memo_get ? memo_key(c != NULL, buf, len, key) : 0;
  const void *mv;
  size_t mvl;
  /* a response is never answered: the memo holds only replies to queries */
  if (klen && S->res.memo_get(S->res.userdata, key, klen, &mv, &mvl) == 0 && mvl > 13) {
    const uint8_t *m = mv;
    uint8_t out[GNSD_DNS_UDP_MAX], *w = mvl - 1 <= sizeof out ? out : malloc(mvl - 1);
    if (w) {
      memcpy(w, m + 1, mvl - 1);
      count_reply(S, m[0]);
      transmit(S, c, fd, peer, w, mvl - 1, (uint16_t)(buf[0] << 8 | buf[1]));
      if (w != out) free(w);
      return;
    }
  }
  struct pend *p = calloc(1, sizeof *p);
  if (!p) return;
  if (gnsd_dns_msg_parse(buf, len, &p->q) < 0) {
    S->st.malformed++;
    free(p);
    return;
  }
  if (p->q.action != GNSD_DNS_RESOLVE || S->n_pend >= MAX_PENDING) {
    bool busy = p->q.action == GNSD_DNS_RESOLVE;
    send_reply(S, c, fd, peer, &p->q, busy ? -EBUSY : 0, NULL, key, busy ? 0 : klen);
    free(p);
    return;
  }
  p->S = S;
  p->conn = c;
  p->fd = fd;
  if (peer) p->peer = *peer;
  memcpy(p->key, key, klen);
  p->klen = klen;
  p->next = S->pends;
  if (S->pends) S->pends->prev = p;
  S->pends = p;
  S->n_pend++;
  if (c) c->pending++;
  /* answered at once from the cache, or later: on_lookup frees p */
  S->res.lookup(S->res.userdata, p->q.name, p->q.type, on_lookup, p, &p->lookup);
}

/* ---- UDP ---------------------------------------------------------------- */

static int on_udp(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
  (void)src;
  (void)revents;
  struct listener *l = userdata;
  struct gnsd_dns_stub *S = l->S;
  struct udp_batch *b = &S->ub;
  /* recvmmsg: every datagram waiting in one call, and no second call
   * only to learn that there is none (the common case: one) */
  for (int round = 0; round < UDP_ROUNDS; round++) {
    for (size_t i = 0; i < UDP_VLEN; i++) {
      b->iov[i] = (struct iovec){.iov_base = b->buf[i], .iov_len = sizeof b->buf[i]};
      b->mm[i].msg_hdr = (struct msghdr){.msg_name = &b->peer[i].addr,
                                         .msg_namelen = sizeof b->peer[i].addr,
                                         .msg_iov = &b->iov[i],
                                         .msg_iovlen = 1,
                                         .msg_control = l->pktinfo ? b->ctl[i].buf : NULL,
                                         .msg_controllen = l->pktinfo ? sizeof b->ctl[i].buf : 0};
    }
    int n = recvmmsg(fd, b->mm, UDP_VLEN, MSG_DONTWAIT, NULL);
    if (n <= 0) break;
    for (int i = 0; i < n; i++) {
      struct msghdr *mh = &b->mm[i].msg_hdr;
      struct udp_peer *peer = &b->peer[i];
      peer->len = mh->msg_namelen;
      peer->ctl_len = 0;
      for (struct cmsghdr *cm = l->pktinfo ? CMSG_FIRSTHDR(mh) : NULL; cm;
           cm = CMSG_NXTHDR(mh, cm)) {
        bool v4 = cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO;
        bool v6 = cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO;
        if ((v4 || v6) && cm->cmsg_len <= sizeof peer->ctl) {
          /* given back as it came: its destination becomes our source */
          memcpy(peer->ctl, cm, cm->cmsg_len);
          peer->ctl_len = CMSG_SPACE(cm->cmsg_len - CMSG_LEN(0));
          break;
        }
      }
      if (mh->msg_flags & MSG_TRUNC) {
        /* no query is this large */
        S->st.queries++;
        S->st.udp++;
        S->st.malformed++;
        continue;
      }
      handle_query(S, NULL, fd, peer, b->buf[i], b->mm[i].msg_len);
    }
    if (n < (int)UDP_VLEN) break;
  }
  return 0;
}

/* ---- TCP ---------------------------------------------------------------- */

static void conn_free(struct conn *c) {
  struct gnsd_dns_stub *S = c->S;
  for (struct pend *p = S->pends, *next; p; p = next) {
    next = p->next;
    if (p->conn != c) continue;
    if (p->lookup) S->res.cancel(p->lookup);
    pend_unlink(p);
    free(p);
  }
  if (c->prev)
    c->prev->next = c->next;
  else if (S->conns == c)
    S->conns = c->next;
  if (c->next) c->next->prev = c->prev;
  S->n_conns--;
  sd_event_source_disable_unref(c->io);
  sd_event_source_disable_unref(c->idle);
  close(c->fd);
  free(c->out);
  free(c);
}

static int flush(struct conn *c) {
  while (c->out_off < c->out_len) {
    ssize_t n =
        send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
    c->out_off += (size_t)n;
  }
  c->out_off = c->out_len = 0;
  return 0;
}

/* Write what can be written; watch for what is needed next; close a
 * connection the client ended once every answer went out. */
static void conn_update(struct conn *c) {
  if (flush(c) < 0 || (c->eof && c->pending == 0 && c->out_len == 0)) {
    conn_free(c);
    return;
  }
  uint32_t ev = 0;
  if (!c->eof && c->out_len - c->out_off < TCP_OUT_MAX) ev |= EPOLLIN;
  if (c->out_len > c->out_off) ev |= EPOLLOUT;
  sd_event_source_set_io_events(c->io, ev);
  sd_event_source_set_enabled(c->io, ev ? SD_EVENT_ON : SD_EVENT_OFF);
}

/* Activity only moves a timestamp: moving the timer on every message
 * would re-arm the loop's timerfd (a syscall) for every query. */
static void conn_touch(struct conn *c) {
  sd_event_now(c->S->ev, CLOCK_MONOTONIC, &c->last);
}

static int on_idle(sd_event_source *src, uint64_t usec, void *userdata) {
  (void)usec;
  struct conn *c = userdata;
  /* still resolving (gnsd's own deadline ends that), or active since */
  if (c->pending || c->last + TCP_IDLE_USEC > usec) {
    uint64_t at = (c->pending ? usec : c->last) + TCP_IDLE_USEC;
    sd_event_source_set_time(src, at);
    sd_event_source_set_enabled(src, SD_EVENT_ONESHOT);
    return 0;
  }
  conn_free(c);
  return 0;
}

static int on_conn(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
  (void)src;
  struct conn *c = userdata;
  struct gnsd_dns_stub *S = c->S;
  if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    ssize_t n = recv(fd, c->in + c->in_len, sizeof c->in - c->in_len, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      c->eof = true;
      c->in_len = 0;
    } else if (n > 0) {
      c->in_len += (size_t)n;
      conn_touch(c);
    }
    size_t off = 0;
    c->reading = true;
    while (!c->eof && c->in_len - off >= 2) {
      size_t ml = (size_t)c->in[off] << 8 | c->in[off + 1];
      if (c->in_len - off < 2 + ml) break;
      if (ml == 0) {
        S->st.malformed++;
      } else {
        handle_query(S, c, fd, NULL, c->in + off + 2, ml);
      }
      off += 2 + ml;
    }
    c->reading = false;
    if (off) {
      memmove(c->in, c->in + off, c->in_len - off);
      c->in_len -= off;
    }
  }
  conn_update(c);
  return 0;
}

static int on_accept(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
  (void)src;
  (void)revents;
  struct listener *l = userdata;
  struct gnsd_dns_stub *S = l->S;
  for (int i = 0; i < 16; i++) {
    int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0) break;
    if (S->n_conns >= MAX_CONNS) {
      close(cfd);
      continue;
    }
    struct conn *c = calloc(1, sizeof *c);
    if (!c) {
      close(cfd);
      continue;
    }
    c->S = S;
    c->fd = cfd;
    conn_touch(c);
    if (sd_event_add_io(S->ev, &c->io, cfd, EPOLLIN, on_conn, c) < 0 ||
        sd_event_add_time(S->ev, &c->idle, CLOCK_MONOTONIC, c->last + TCP_IDLE_USEC,
                          TCP_IDLE_USEC / 10, on_idle, c) < 0) {
      sd_event_source_disable_unref(c->io);
      close(cfd);
      free(c);
      continue;
    }
    c->next = S->conns;
    if (S->conns) S->conns->prev = c;
    S->conns = c;
    S->n_conns++;
  }
  return 0;
}

/* ---- sockets -------------------------------------------------------------- */

void gnsd_dns_stub_format_addr(const struct sockaddr_storage *a, char *buf, size_t cap) {
  char h[INET6_ADDRSTRLEN] = "?";
  unsigned port = 0;
  if (a->ss_family == AF_INET) {
    const struct sockaddr_in *s = (const struct sockaddr_in *)a;
    inet_ntop(AF_INET, &s->sin_addr, h, sizeof h);
    port = ntohs(s->sin_port);
    snprintf(buf, cap, "%s:%u", h, port);
  } else {
    const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)a;
    inet_ntop(AF_INET6, &s->sin6_addr, h, sizeof h);
    port = ntohs(s->sin6_port);
    snprintf(buf, cap, "[%s]:%u", h, port);
  }
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b) {
  if (a->ss_family != b->ss_family) return false;
  if (a->ss_family == AF_INET) {
    const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
    return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
  }
  const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
  return x->sin6_port == y->sin6_port && memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
}

bool gnsd_dns_stub_has(struct gnsd_dns_stub *S, const struct sockaddr_storage *addr, int type) {
  for (size_t i = 0; i < S->n_ls; i++)
    if (S->ls[i]->type == type && same_addr(&S->ls[i]->addr, addr)) return true;
  return false;
}

int gnsd_dns_stub_add_fd(struct gnsd_dns_stub *S, int fd) {
  int type = 0, acc = 0;
  socklen_t tl = sizeof type, al = sizeof acc;
  struct listener *l = NULL;
  int r = -EINVAL;
  if (S->n_ls >= MAX_LISTENERS) {
    r = -E2BIG;
    goto fail;
  }
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 ||
      (type != SOCK_DGRAM && type != SOCK_STREAM))
    goto fail;
  if (type == SOCK_STREAM && (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &al) < 0 || !acc))
    goto fail;
  if (!(l = calloc(1, sizeof *l))) {
    r = -ENOMEM;
    goto fail;
  }
  socklen_t sl = sizeof l->addr;
  if (getsockname(fd, (struct sockaddr *)&l->addr, &sl) < 0 ||
      (l->addr.ss_family != AF_INET && l->addr.ss_family != AF_INET6))
    goto fail;
  /* bound to a wildcard address: learn where each query was sent */
  if (type == SOCK_DGRAM) {
    int one = 1;
    if (l->addr.ss_family == AF_INET &&
        ((struct sockaddr_in *)&l->addr)->sin_addr.s_addr == htonl(INADDR_ANY))
      l->pktinfo = setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) == 0;
    else if (l->addr.ss_family == AF_INET6 &&
             IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)&l->addr)->sin6_addr))
      l->pktinfo = setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) == 0;
  }
  /* socket-activated sockets may come blocking */
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  l->S = S;
  l->fd = fd;
  l->type = type;
  r = sd_event_add_io(S->ev, &l->src, fd, EPOLLIN, type == SOCK_DGRAM ? on_udp : on_accept, l);
  if (r < 0) goto fail;
  S->ls[S->n_ls++] = l;
  return 0;
fail:
  free(l);
  close(fd);
  return r;
}

static int bind_one(struct gnsd_dns_stub *S, const struct sockaddr_storage *addr, int type) {
  int fd = socket(addr->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  int one = 1;
  if (addr->ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (type == SOCK_STREAM) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  socklen_t len =
      addr->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
  if (bind(fd, (const struct sockaddr *)addr, len) < 0 ||
      (type == SOCK_STREAM && listen(fd, 128) < 0)) {
    int r = -errno;
    close(fd);
    return r;
  }
  return gnsd_dns_stub_add_fd(S, fd);
}

int gnsd_dns_stub_listen(struct gnsd_dns_stub *S, const struct sockaddr_storage *addr) {
  static const int types[] = {SOCK_DGRAM, SOCK_STREAM};
  for (size_t i = 0; i < 2; i++) {
    if (gnsd_dns_stub_has(S, addr, types[i])) continue;
    int r = bind_one(S, addr, types[i]);
    if (r < 0) return r;
  }
  return 0;
}

/* ---- life cycle ----------------------------------------------------------- */

int gnsd_dns_stub_new(sd_event *event, const struct gnsd_dns_stub_resolver *resolver,
                      const struct gnsd_dns_stub_conf *conf, struct gnsd_dns_stub **out) {
  if (!event || !resolver || !resolver->lookup || !resolver->cancel || !resolver->now || !conf ||
      !out)
    return -EINVAL;
  struct gnsd_dns_stub *S = calloc(1, sizeof *S);
  if (!S) return -ENOMEM;
  S->ev = sd_event_ref(event);
  S->res = *resolver;
  S->conf = *conf;
  *out = S;
  return 0;
}

void gnsd_dns_stub_configure(struct gnsd_dns_stub *S, const struct gnsd_dns_stub_conf *conf) {
  S->conf = *conf;
}

void gnsd_dns_stub_free(struct gnsd_dns_stub *S) {
  if (!S) return;
  while (S->conns)
    conn_free(S->conns);
  while (S->pends) {
    struct pend *p = S->pends;
    if (p->lookup) S->res.cancel(p->lookup);
    pend_unlink(p);
    free(p);
  }
  for (size_t i = 0; i < S->n_ls; i++) {
    sd_event_source_disable_unref(S->ls[i]->src);
    close(S->ls[i]->fd);
    free(S->ls[i]);
  }
  free(S->rrl);
  sd_event_unref(S->ev);
  free(S);
}

static void add_int(json_object *o, const char *k, uint64_t v) {
  json_object_object_add(o, k, json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v));
}

void gnsd_dns_stub_stats(struct gnsd_dns_stub *S, json_object *out) {
  add_int(out, "queries", S->st.queries);
  add_int(out, "udp", S->st.udp);
  add_int(out, "tcp", S->st.tcp);
  add_int(out, "answers", S->st.answers);
  add_int(out, "nxdomain", S->st.nxdomain);
  add_int(out, "nodata", S->st.nodata);
  add_int(out, "refused", S->st.refused);
  add_int(out, "servfail", S->st.servfail);
  add_int(out, "truncated", S->st.truncated);
  add_int(out, "malformed", S->st.malformed);
  add_int(out, "rateLimited", S->st.rate_limited);
  add_int(out, "pending", S->n_pend);
  json_object *a = json_object_new_array();
  for (size_t i = 0; i < S->n_ls; i++) {
    char buf[INET6_ADDRSTRLEN + 16], t[INET6_ADDRSTRLEN + 24];
    gnsd_dns_stub_format_addr(&S->ls[i]->addr, buf, sizeof buf);
    snprintf(t, sizeof t, "%s/%s", buf, S->ls[i]->type == SOCK_DGRAM ? "udp" : "tcp");
    json_object_array_add(a, json_object_new_string(t));
  }
  json_object_object_add(out, "listening", a);
}
