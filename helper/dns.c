/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* c-ares on sd-event. One long-lived channel for the system resolver,
 * one short-lived channel per server set (GNS2DNS servers, referral glue)
 * since c-ares keeps servers per channel. Answers are parsed with
 * glibc's ns_parserr (c-ares 1.18 has no generic record parser); names
 * inside RDATA are uncompressed with ns_name_unpack. Completions are
 * delivered from a defer event, never from inside c-ares. */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <resolv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <time.h>
#include <ares.h>
#include "dns.h"
#include "log.h"

#define MAX_HOPS 8     /* referrals followed per query */
#define MAX_CNAMES 8   /* CNAME targets asked for per query */
#define MAX_GLUE 8     /* servers taken from one referral */
#define MAX_ANSWERS 64 /* records kept per answer */

struct iofd {
  int fd;
  sd_event_source *src;
};

struct chan {
  struct gnsd_dns *d;
  ares_channel ch;
  bool system;
  unsigned refs;
  struct iofd *fds;
  size_t n_fds;
  sd_event_source *timer, *reaper;
  struct chan *next;
};

struct sub {
  struct gnsd_dns_query *q;
  struct chan *chan;
  uint16_t type;
  unsigned hops;
  char *name;      /* a CNAME target asked for; NULL: q->name */
  unsigned cnames; /* CNAME targets asked for before this one */
};

struct gnsd_dns_query {
  struct gnsd_dns *d;
  gnsd_dns_cb cb;
  void *userdata;
  char *name;
  bool use_servers;
  unsigned pending;
  bool finished, delivered;
  int timed_out;
  unsigned n_ok, n_nx, n_err;
  struct gns_record rd[MAX_ANSWERS];
  size_t n;
  sd_event_source *deadline, *defer;
  struct gnsd_dns_query *prev, *next;
};

struct gnsd_dns {
  sd_event *ev;
  gnsd_clock_fn clock;
  void *clock_ud;
  uint64_t timeout_us;
  unsigned short port;
  char *resolv_conf;
  struct chan *system;
  struct chan *chans;
  struct gnsd_dns_query *queries;
  bool freeing;
  struct gnsd_dns_stats st;
};

static void chan_rearm(struct chan *c);
static void chan_release(struct chan *c);

/* ---- channels on sd-event --------------------------------------------- */

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
  struct chan *c = userdata;
  (void)s;
  c->refs++; /* keep c alive across callbacks that release it */
  ares_process_fd(c->ch, (revents & (EPOLLIN | EPOLLERR | EPOLLHUP)) ? fd : ARES_SOCKET_BAD,
                  (revents & EPOLLOUT) ? fd : ARES_SOCKET_BAD);
  chan_rearm(c);
  chan_release(c);
  return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
  struct chan *c = userdata;
  (void)s;
  (void)usec;
  c->refs++;
  ares_process_fd(c->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  chan_rearm(c);
  chan_release(c);
  return 0;
}

static void sock_state(void *data, ares_socket_t fd, int readable, int writable) {
  struct chan *c = data;
  size_t i;
  for (i = 0; i < c->n_fds; i++)
    if (c->fds[i].fd == fd) break;
  if (!readable && !writable) {
    if (i < c->n_fds) {
      sd_event_source_disable_unref(c->fds[i].src);
      c->fds[i] = c->fds[--c->n_fds];
    }
    return;
  }
  uint32_t events = (readable ? EPOLLIN : 0u) | (writable ? EPOLLOUT : 0u);
  if (i < c->n_fds) {
    sd_event_source_set_io_events(c->fds[i].src, events);
    return;
  }
  struct iofd *n = realloc(c->fds, (c->n_fds + 1) * sizeof(*n));
  if (!n) return; /* c-ares times the query out */
  c->fds = n;
  if (sd_event_add_io(c->d->ev, &n[c->n_fds].src, fd, events, on_io, c) < 0) return;
  n[c->n_fds].fd = fd;
  c->n_fds++;
}

static void chan_rearm(struct chan *c) {
  struct timeval tv;
  if (!ares_timeout(c->ch, NULL, &tv)) {
    if (c->timer) sd_event_source_set_enabled(c->timer, SD_EVENT_OFF);
    return;
  }
  uint64_t now;
  sd_event_now(c->d->ev, CLOCK_MONOTONIC, &now);
  uint64_t at = now + (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
  if (!c->timer) {
    if (sd_event_add_time(c->d->ev, &c->timer, CLOCK_MONOTONIC, at, 1000, on_timer, c) < 0)
      c->timer = NULL;
    return;
  }
  sd_event_source_set_time(c->timer, at);
  sd_event_source_set_enabled(c->timer, SD_EVENT_ONESHOT);
}

static void chan_destroy(struct chan *c) {
  for (struct chan **pp = &c->d->chans; *pp; pp = &(*pp)->next)
    if (*pp == c) {
      *pp = c->next;
      break;
    }
  if (c->ch) ares_destroy(c->ch);
  for (size_t i = 0; i < c->n_fds; i++)
    sd_event_source_disable_unref(c->fds[i].src);
  free(c->fds);
  sd_event_source_disable_unref(c->timer);
  sd_event_source_disable_unref(c->reaper);
  free(c);
}

static int on_reap(sd_event_source *s, void *userdata) {
  struct chan *c = userdata;
  (void)s;
  if (c->refs == 0) chan_destroy(c);
  return 0;
}

/* Server-set channels go once their last query is done; ares_destroy
 * must not run inside a c-ares callback, so it runs from a defer event. */
static void chan_release(struct chan *c) {
  if (--c->refs > 0 || c->system || c->d->freeing) return;
  if (!c->reaper && sd_event_add_defer(c->d->ev, &c->reaper, on_reap, c) < 0) c->reaper = NULL;
  if (c->reaper) sd_event_source_set_enabled(c->reaper, SD_EVENT_ONESHOT);
}

static int chan_new(struct gnsd_dns *d, const char *const *servers, size_t n, struct chan **out) {
  struct chan *c = calloc(1, sizeof(*c));
  if (!c) return -ENOMEM;
  c->d = d;
  c->system = n == 0;
  struct ares_options o;
  memset(&o, 0, sizeof(o));
  int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS;
  o.sock_state_cb = sock_state;
  o.sock_state_cb_data = c;
  uint64_t ms = d->timeout_us / 1000 / 2;
  o.timeout = (int)(ms < 100 ? 100 : ms > 30000 ? 30000 : ms);
  o.tries = 2;
  o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
  if (d->port) {
    mask |= ARES_OPT_UDP_PORT | ARES_OPT_TCP_PORT;
    o.udp_port = o.tcp_port = d->port;
  }
  if (c->system && d->resolv_conf) {
    mask |= ARES_OPT_RESOLVCONF;
    o.resolvconf_path = d->resolv_conf;
  }
  int rc = ares_init_options(&c->ch, &o, mask);
  if (rc != ARES_SUCCESS) {
    free(c);
    return rc == ARES_ENOMEM ? -ENOMEM : -EIO;
  }
  if (n) {
    struct ares_addr_port_node *nodes = calloc(n, sizeof(*nodes));
    if (!nodes) {
      ares_destroy(c->ch);
      free(c);
      return -ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
      struct ares_addr_port_node *p = &nodes[k];
      if (inet_pton(AF_INET, servers[i], &p->addr.addr4) == 1)
        p->family = AF_INET;
      else if (inet_pton(AF_INET6, servers[i], &p->addr.addr6) == 1)
        p->family = AF_INET6;
      else
        continue;
      p->udp_port = p->tcp_port = d->port ? d->port : 53;
      if (k) nodes[k - 1].next = p;
      k++;
    }
    rc = k ? ares_set_servers_ports(c->ch, nodes) : ARES_EBADSTR;
    free(nodes);
    if (rc != ARES_SUCCESS) {
      ares_destroy(c->ch);
      free(c);
      return -EINVAL;
    }
  }
  c->next = d->chans;
  d->chans = c;
  *out = c;
  return 0;
}

/* ---- queries -------------------------------------------------------------- */

static void query_free(struct gnsd_dns_query *q) {
  struct gnsd_dns *d = q->d;
  if (q->prev)
    q->prev->next = q->next;
  else if (d->queries == q)
    d->queries = q->next;
  if (q->next) q->next->prev = q->prev;
  for (size_t i = 0; i < q->n; i++)
    free((void *)q->rd[i].data);
  sd_event_source_disable_unref(q->deadline);
  sd_event_source_disable_unref(q->defer);
  free(q->name);
  free(q);
}

static int on_deliver(sd_event_source *s, void *userdata) {
  struct gnsd_dns_query *q = userdata;
  (void)s;
  int error = q->n_ok ? 0 : q->timed_out ? -ETIMEDOUT : q->n_nx ? -ENOENT : -EIO;
  struct gnsd_dns *d = q->d;
  if (error == 0)
    d->st.answers++;
  else if (error == -ENOENT)
    d->st.nxdomain++;
  else if (error == -ETIMEDOUT)
    d->st.timeouts++;
  else
    d->st.failures++;
  q->delivered = true;
  gnsd_dns_cb cb = q->cb;
  q->cb = NULL;
  if (cb) cb(q->userdata, error, q->rd, q->n);
  if (q->pending == 0) query_free(q);
  return 0;
}

static void finish(struct gnsd_dns_query *q) {
  if (q->finished) return;
  q->finished = true;
  if (q->deadline) sd_event_source_set_enabled(q->deadline, SD_EVENT_OFF);
  /* Always from the loop, never from here: finish() may run inside
   * gnsd_dns_query (a sub-query that fails at once), whose caller must
   * get its handle back before the callback can free it. The source was
   * made by gnsd_dns_query, so this cannot fail for want of memory. */
  sd_event_source_set_enabled(q->defer, SD_EVENT_ONESHOT);
}

static int on_deadline(sd_event_source *s, uint64_t usec, void *userdata) {
  struct gnsd_dns_query *q = userdata;
  (void)s;
  (void)usec;
  q->timed_out = 1;
  finish(q);
  return 0;
}

static int sub_start(struct gnsd_dns_query *q, struct chan *c, uint16_t type, unsigned hops,
                     const char *name, unsigned cnames);

/* Copy one answer record of type into q, RDATA names uncompressed. */
static void take_record(struct gnsd_dns_query *q, ns_msg *msg, ns_rr *rr, uint64_t now) {
  if (q->n >= MAX_ANSWERS) return;
  const unsigned char *som = ns_msg_base(*msg), *eom = ns_msg_end(*msg);
  const unsigned char *rd = ns_rr_rdata(*rr);
  size_t rdlen = ns_rr_rdlen(*rr);
  unsigned type = ns_rr_type(*rr);
  uint8_t buf[2 * NS_MAXCDNAME + 32];
  size_t o = 0, fixed = 0, names = 0, tail = 0;
  switch (type) {
  case ns_t_ns:
  case ns_t_cname:
  case ns_t_ptr:
    names = 1;
    break;
  case ns_t_mx:
    fixed = 2;
    names = 1;
    break;
  case ns_t_srv:
    fixed = 6;
    names = 1;
    break;
  case ns_t_soa:
    names = 2;
    tail = 20;
    break;
  default:
    break;
  }
  const uint8_t *data = rd;
  size_t len = rdlen;
  if (type == ns_t_txt) {
    /* GNS keeps TXT as the plain text (RFC 9498, D.2 vector 2, as in
     * GNUnet): join DNS's character-strings */
    size_t i = 0;
    while (i < rdlen) {
      size_t l = rd[i++];
      if (i + l > rdlen || o + l > sizeof(buf)) return;
      memcpy(buf + o, rd + i, l);
      o += l;
      i += l;
    }
    data = buf;
    len = o;
  }
  if (names) {
    const unsigned char *p = rd, *end = rd + rdlen;
    if ((size_t)(end - p) < fixed) return;
    memcpy(buf, p, fixed);
    o = fixed;
    p += fixed;
    for (size_t i = 0; i < names; i++) {
      int used = ns_name_unpack(som, eom, p, buf + o, sizeof(buf) - o);
      int skip = ns_name_skip(&p, end);
      if (used < 0 || skip < 0) return;
      o += (size_t)used;
    }
    if ((size_t)(end - p) != tail || o + tail > sizeof(buf)) return;
    memcpy(buf + o, p, tail);
    o += tail;
    data = buf;
    len = o;
  }
  uint8_t *copy = malloc(len ? len : 1);
  if (!copy) return;
  if (len) memcpy(copy, data, len);
  struct gns_record *r = &q->rd[q->n++];
  memset(r, 0, sizeof(*r));
  r->type = type;
  r->data = copy;
  r->data_len = (uint16_t)len;
  r->expiration = now + (uint64_t)ns_rr_ttl(*rr) * 1000000u;
}

/* A referral (no answer, not authoritative, NS records in the authority
 * section): the addresses of those name servers from the glue. */
static size_t referral(ns_msg *msg, char glue[MAX_GLUE][INET6_ADDRSTRLEN]) {
  if (ns_msg_getflag(*msg, ns_f_aa) || ns_msg_count(*msg, ns_s_an) > 0) return 0;
  char ns[4][NS_MAXDNAME];
  size_t n_ns = 0, n = 0;
  ns_rr rr;
  for (int i = 0; i < ns_msg_count(*msg, ns_s_ns) && n_ns < 4; i++) {
    if (ns_parserr(msg, ns_s_ns, i, &rr) < 0 || ns_rr_type(rr) != ns_t_ns) continue;
    if (ns_name_uncompress(ns_msg_base(*msg), ns_msg_end(*msg), ns_rr_rdata(rr), ns[n_ns],
                           sizeof(ns[n_ns])) < 0)
      continue;
    n_ns++;
  }
  for (int i = 0; i < ns_msg_count(*msg, ns_s_ar) && n < MAX_GLUE; i++) {
    if (ns_parserr(msg, ns_s_ar, i, &rr) < 0) continue;
    int fam = ns_rr_type(rr) == ns_t_a && ns_rr_rdlen(rr) == 4       ? AF_INET
              : ns_rr_type(rr) == ns_t_aaaa && ns_rr_rdlen(rr) == 16 ? AF_INET6
                                                                     : 0;
    if (!fam) continue;
    bool match = false;
    for (size_t j = 0; j < n_ns && !match; j++)
      match = strcasecmp(ns_rr_name(rr), ns[j]) == 0;
    if (match && inet_ntop(fam, ns_rr_rdata(rr), glue[n], INET6_ADDRSTRLEN)) n++;
  }
  return n;
}

/* The end of the CNAME chain for name in an answer section (a chain of
 * at most 16 links): false if name has no CNAME there. */
static bool cname_target(ns_msg *msg, const char *name, char target[NS_MAXDNAME]) {
  char cur[NS_MAXDNAME];
  snprintf(cur, sizeof cur, "%s", name);
  size_t l = strlen(cur);
  if (l && cur[l - 1] == '.') cur[l - 1] = '\0';
  bool any = false;
  for (int hop = 0; hop < 16; hop++) {
    bool found = false;
    ns_rr rr;
    for (int i = 0; i < ns_msg_count(*msg, ns_s_an) && !found; i++) {
      if (ns_parserr(msg, ns_s_an, i, &rr) < 0 || ns_rr_type(rr) != ns_t_cname ||
          strcasecmp(ns_rr_name(rr), cur) != 0)
        continue;
      char next[NS_MAXDNAME];
      if (ns_name_uncompress(ns_msg_base(*msg), ns_msg_end(*msg), ns_rr_rdata(rr), next,
                             sizeof next) < 0)
        return false;
      memcpy(cur, next, sizeof cur);
      found = true;
    }
    if (!found) break;
    any = true;
  }
  if (any) memcpy(target, cur, NS_MAXDNAME);
  return any;
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen) {
  struct sub *s = arg;
  struct gnsd_dns_query *q = s->q;
  struct gnsd_dns *d = q->d;
  (void)timeouts;
  if (d->freeing) {
    free(s->name);
    free(s);
    return;
  }
  if ((status == ARES_SUCCESS || status == ARES_ENODATA) && abuf && alen > 0 && !q->finished) {
    ns_msg msg;
    uint64_t now = d->clock(d->clock_ud);
    if (ns_initparse(abuf, alen, &msg) < 0) {
      q->n_err++;
    } else {
      size_t before = q->n;
      ns_rr rr;
      for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++)
        if (ns_parserr(&msg, ns_s_an, i, &rr) == 0 && ns_rr_class(rr) == ns_c_in &&
            ns_rr_type(rr) == s->type)
          take_record(q, &msg, &rr, now);
      char glue[MAX_GLUE][INET6_ADDRSTRLEN], target[NS_MAXDNAME];
      size_t n_glue = 0;
      if (q->n == before && q->use_servers) n_glue = referral(&msg, glue);
      if (q->n == before && !n_glue && s->type != ns_t_cname &&
          cname_target(&msg, s->name ? s->name : q->name, target)) {
        /* A CNAME whose target's records the server did not include
         * (another zone, or a server that does not chase): ask for the
         * target, a bounded number of times (a CNAME loop ends here). */
        if (s->cnames >= MAX_CNAMES ||
            sub_start(q, s->chan, s->type, s->hops, target, s->cnames + 1) < 0)
          q->n_err++;
      } else if (n_glue && s->hops >= MAX_HOPS) {
        q->n_err++; /* referral loop */
      } else if (n_glue) {
        /* RFC 9498, 7.3.2: the GNS2DNS servers may be authoritative only;
         * "the GNS resolver MUST support recursive DNS resolution". */
        const char *srv[MAX_GLUE];
        for (size_t i = 0; i < n_glue; i++)
          srv[i] = glue[i];
        struct chan *c;
        d->st.referrals++;
        if (chan_new(d, srv, n_glue, &c) == 0 &&
            sub_start(q, c, s->type, s->hops + 1, s->name, s->cnames) == 0) {
          /* the new sub carries the query on */
        } else {
          q->n_err++;
        }
      } else {
        q->n_ok++;
      }
    }
  } else if (status == ARES_ENOTFOUND) {
    q->n_nx++;
  } else {
    q->n_err++;
  }
  struct chan *c = s->chan;
  free(s->name);
  free(s);
  q->pending--;
  if (q->pending == 0) {
    if (!q->finished)
      finish(q);
    else if (q->delivered)
      query_free(q);
  }
  chan_release(c);
}

static int sub_start(struct gnsd_dns_query *q, struct chan *c, uint16_t type, unsigned hops,
                     const char *name, unsigned cnames) {
  struct sub *s = calloc(1, sizeof(*s));
  if (s && name && !(s->name = strdup(name))) {
    free(s);
    s = NULL;
  }
  if (!s) {
    if (c->refs == 0) {
      c->refs = 1;
      chan_release(c);
    }
    return -ENOMEM;
  }
  s->q = q;
  s->chan = c;
  s->type = type;
  s->hops = hops;
  s->cnames = cnames;
  c->refs++;
  q->pending++;
  ares_query(c->ch, s->name ? s->name : q->name, ns_c_in, type, on_answer, s);
  chan_rearm(c);
  return 0;
}

int gnsd_dns_query(struct gnsd_dns *d, const char *name, uint16_t type, const char *const *servers,
                   size_t n_servers, gnsd_dns_cb cb, void *userdata, struct gnsd_dns_query **out) {
  if (!d || !name || !cb || (n_servers && !servers)) return -EINVAL;
  struct gnsd_dns_query *q = calloc(1, sizeof(*q));
  if (!q) return -ENOMEM;
  q->d = d;
  q->cb = cb;
  q->userdata = userdata;
  q->use_servers = n_servers > 0;
  q->name = strdup(name);
  if (!q->name) {
    free(q);
    return -ENOMEM;
  }
  /* The delivery is always deferred (finish); the source is made now so
   * that running out of memory fails this call, not the delivery. */
  if (sd_event_add_defer(d->ev, &q->defer, on_deliver, q) < 0) {
    free(q->name);
    free(q);
    return -ENOMEM;
  }
  sd_event_source_set_enabled(q->defer, SD_EVENT_OFF);
  q->next = d->queries;
  if (d->queries) d->queries->prev = q;
  d->queries = q;
  d->st.queries++;
  struct chan *c = d->system;
  int rc = 0;
  if (n_servers) {
    rc = chan_new(d, servers, n_servers, &c);
  } else if (!c) {
    rc = chan_new(d, NULL, 0, &d->system);
    c = d->system;
  }
  if (rc < 0) {
    query_free(q);
    return rc;
  }
  uint64_t now;
  sd_event_now(d->ev, CLOCK_MONOTONIC, &now);
  if (sd_event_add_time(d->ev, &q->deadline, CLOCK_MONOTONIC, now + d->timeout_us, 1000,
                        on_deadline, q) < 0)
    q->deadline = NULL;
  /* hold the channel while both sub-queries start */
  c->refs++;
  if (type == 0) {
    sub_start(q, c, ns_t_a, 0, NULL, 0);
    sub_start(q, c, ns_t_aaaa, 0, NULL, 0);
  } else {
    sub_start(q, c, type, 0, NULL, 0);
  }
  if (q->pending == 0 && !q->finished) finish(q);
  chan_release(c);
  if (out) *out = q;
  return 0;
}

void gnsd_dns_cancel(struct gnsd_dns_query *q) {
  if (!q) return;
  q->cb = NULL;
}

/* ---- setup ---------------------------------------------------------------- */

static pthread_once_t ares_once = PTHREAD_ONCE_INIT;
static int ares_init_rc;
static void ares_lib_init(void) {
  ares_init_rc = ares_library_init(ARES_LIB_INIT_ALL);
}

int gnsd_dns_new(sd_event *event, uint64_t timeout_us, gnsd_clock_fn clock, void *clock_ud,
                 struct gnsd_dns **out) {
  if (!event || !clock || !out) return -EINVAL;
  pthread_once(&ares_once, ares_lib_init);
  if (ares_init_rc != ARES_SUCCESS) return -EIO;
  struct gnsd_dns *d = calloc(1, sizeof(*d));
  if (!d) return -ENOMEM;
  d->ev = sd_event_ref(event);
  d->clock = clock;
  d->clock_ud = clock_ud;
  d->timeout_us = timeout_us ? timeout_us : 2000000u;
  const char *port = getenv("GNSD_DNS_PORT");
  if (port && *port) {
    char *end;
    unsigned long p = strtoul(port, &end, 10);
    if (*end == '\0' && p > 0 && p < 65536) d->port = (unsigned short)p;
  }
  const char *rc = getenv("GNSD_RESOLV_CONF");
  if (rc && *rc) d->resolv_conf = strdup(rc);
  *out = d;
  return 0;
}

void gnsd_dns_set_timeout(struct gnsd_dns *d, uint64_t timeout_us) {
  if (d && timeout_us) d->timeout_us = timeout_us;
}

void gnsd_dns_free(struct gnsd_dns *d) {
  if (!d) return;
  d->freeing = true;
  while (d->chans)
    chan_destroy(d->chans);
  while (d->queries)
    query_free(d->queries);
  free(d->resolv_conf);
  sd_event_unref(d->ev);
  free(d);
}

void gnsd_dns_get_stats(const struct gnsd_dns *d, struct gnsd_dns_stats *st) {
  *st = d->st;
}
