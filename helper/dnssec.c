/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GNS2DNS answers validated by libunbound (dnssec.h). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unbound.h>

#include "dnssec.h"
#include "event-now.h"
#include "gns-util.h"
#include "log.h"

/* Contexts kept for reuse (each has a thread and a cache). */
#define MAX_CONTEXTS 16u
#define KEY_MAX 4096u
#define MAX_RECORDS 64u

struct vctx {
  struct vctx *next;
  struct gnsd_dnssec *v;
  char *key;
  struct ub_ctx *ub;
  sd_event_source *io;
  unsigned users;
  uint64_t last_used;
};

struct part {
  struct gnsd_dnssec_query *q;
  int id;
  bool active;
};

struct gnsd_dnssec_query {
  struct gnsd_dnssec *v;
  struct vctx *c;
  struct part parts[2];
  unsigned pending;
  gnsd_dns_cb cb;
  void *userdata;
  sd_event_source *timer;
  bool bogus, nxdomain_all, failed, any_secure;
  unsigned answered;
  struct gns_record rd[MAX_RECORDS];
  uint8_t *data[MAX_RECORDS];
  size_t n;
};

struct gnsd_dnssec {
  sd_event *ev;
  gnsd_clock_fn clock;
  void *clock_ud;
  uint64_t timeout_us;
  unsigned port; /* GNSD_DNS_PORT, 0: 53 */
  struct vctx *ctxs;
  size_t n_ctxs;
  struct gnsd_dnssec_stats st;
};

static uint64_t now_mono(sd_event *ev) {
  return gnsd_event_now(ev, CLOCK_MONOTONIC);
}

/* ---- contexts ---- */

static void vctx_free(struct vctx *c) {
  c->io = sd_event_source_disable_unref(c->io);
  if (c->ub) ub_ctx_delete(c->ub);
  free(c->key);
  free(c);
}

static int on_ub(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
  struct vctx *c = userdata;
  (void)s;
  (void)fd;
  (void)revents;
  /* runs the callbacks of finished queries */
  if (ub_process(c->ub) != 0) log_warning("dnssec: ub_process failed");
  return 0;
}

/* "zone. IN DS keytag alg digesttype HEX" from DS RDATA (RFC 4034, 5.1). */
static int ds_text(const char *zone, const struct gns_record *ds, char *out, size_t cap) {
  if (ds->data_len < 5 || ds->data_len > 4 + 64) return -EINVAL;
  int w = snprintf(out, cap, "%s. IN DS %u %u %u ", zone, (unsigned)gns_get_u16(ds->data),
                   ds->data[2], ds->data[3]);
  if (w < 0 || (size_t)w + 2u * (ds->data_len - 4u) + 1u > cap) return -ENAMETOOLONG;
  for (size_t i = 4; i < ds->data_len; i++)
    w += snprintf(out + w, cap - (size_t)w, "%02X", ds->data[i]);
  return 0;
}

/* The context for (zone, servers, DS set): made on first use, kept. */
static int get_ctx(struct gnsd_dnssec *v, const char *zone, const struct gns_record *ds,
                   size_t n_ds, const char *const *servers, size_t n_servers, struct vctx **out) {
  char key[KEY_MAX], ta[256];
  size_t kl = 0;
  int w = snprintf(key, sizeof key, "%s|%u", zone, v->port);
  if (w < 0 || (size_t)w >= sizeof key) return -ENAMETOOLONG;
  kl = (size_t)w;
  for (size_t i = 0; i < n_servers; i++) {
    w = snprintf(key + kl, sizeof key - kl, "|%s", servers[i]);
    if (w < 0 || (size_t)w >= sizeof key - kl) return -ENAMETOOLONG;
    kl += (size_t)w;
  }
  for (size_t i = 0; i < n_ds; i++) {
    int r = ds_text(zone, &ds[i], ta, sizeof ta);
    if (r < 0) return r;
    w = snprintf(key + kl, sizeof key - kl, "|%s", ta);
    if (w < 0 || (size_t)w >= sizeof key - kl) return -ENAMETOOLONG;
    kl += (size_t)w;
  }
  for (struct vctx *c = v->ctxs; c; c = c->next)
    if (strcmp(c->key, key) == 0) {
      *out = c;
      return 0;
    }
  /* Room for one more: drop the least recently used idle context. */
  if (v->n_ctxs >= MAX_CONTEXTS) {
    struct vctx **victim = NULL;
    for (struct vctx **pp = &v->ctxs; *pp; pp = &(*pp)->next)
      if (!(*pp)->users && (!victim || (*pp)->last_used < (*victim)->last_used)) victim = pp;
    if (!victim) return -EBUSY;
    struct vctx *c = *victim;
    *victim = c->next;
    vctx_free(c);
    v->n_ctxs--;
  }
  struct vctx *c = calloc(1, sizeof *c);
  if (!c) return -ENOMEM;
  c->v = v;
  c->key = strdup(key);
  c->ub = ub_ctx_create();
  if (!c->key || !c->ub) {
    vctx_free(c);
    return -ENOMEM;
  }
  int r = 0;
  /* a thread, not a forked process, answers */
  if (ub_ctx_async(c->ub, 1) != 0) r = -EIO;
  /* GNS2DNS servers may well be on loopback */
  if (!r && ub_ctx_set_option(c->ub, "do-not-query-localhost:", "no") != 0) r = -EIO;
  /* keep the reason of a bogus answer for the error message */
  if (!r && ub_ctx_set_option(c->ub, "val-log-level:", "2") != 0) r = -EIO;
  /* unbound answers special-use names (test., invalid., home.arpa., ...)
   * from built-in local zones; a GNS2DNS delegation says where they are. */
  for (const char *sfx = zone; !r && sfx && *sfx;) {
    char lz[300];
    snprintf(lz, sizeof lz, "%s. transparent", sfx);
    if (ub_ctx_set_option(c->ub, "local-zone:", lz) != 0) r = -EINVAL;
    sfx = strchr(sfx, '.');
    if (sfx) sfx++;
  }
  for (size_t i = 0; !r && i < n_servers; i++) {
    char addr[128];
    if (v->port)
      snprintf(addr, sizeof addr, "%s@%u", servers[i], v->port);
    else
      snprintf(addr, sizeof addr, "%s", servers[i]);
    if (ub_ctx_set_stub(c->ub, zone, addr, 0) != 0) r = -EINVAL;
  }
  for (size_t i = 0; !r && i < n_ds; i++) {
    if (ds_text(zone, &ds[i], ta, sizeof ta) < 0 || ub_ctx_add_ta(c->ub, ta) != 0) r = -EINVAL;
  }
  if (!r && sd_event_add_io(v->ev, &c->io, ub_fd(c->ub), EPOLLIN, on_ub, c) < 0) r = -EIO;
  if (r) {
    vctx_free(c);
    return r;
  }
  c->next = v->ctxs;
  v->ctxs = c;
  v->n_ctxs++;
  v->st.contexts++;
  *out = c;
  return 0;
}

/* ---- queries ---- */

static void query_free(struct gnsd_dnssec_query *q) {
  for (int i = 0; i < 2; i++)
    if (q->parts[i].active) ub_cancel(q->c->ub, q->parts[i].id);
  q->c->users--;
  q->c->last_used = now_mono(q->v->ev);
  q->timer = sd_event_source_disable_unref(q->timer);
  for (size_t i = 0; i < q->n; i++)
    free(q->data[i]);
  free(q);
}

static void finish(struct gnsd_dnssec_query *q) {
  struct gnsd_dnssec *v = q->v;
  int error = 0;
  if (q->bogus) {
    error = -EKEYREJECTED;
    v->st.bogus++;
  } else if (q->n == 0 && q->nxdomain_all) {
    error = -ENOENT;
  } else if (q->n == 0 && q->failed) {
    error = -EIO;
    v->st.failures++;
  } else if (q->any_secure) {
    v->st.secure++;
  } else {
    v->st.insecure++;
  }
  gnsd_dns_cb cb = q->cb;
  void *ud = q->userdata;
  /* rd points into q: call, then free */
  cb(ud, error, error ? NULL : q->rd, error ? 0 : q->n);
  query_free(q);
}

static void on_result(void *mydata, int err, struct ub_result *res) {
  struct part *p = mydata;
  struct gnsd_dnssec_query *q = p->q;
  p->active = false;
  q->pending--;
  if (err || !res)
    log_debug("dnssec: query failed: %s", ub_strerror(err));
  else
    log_debug("dnssec: %s type %d: rcode %d, data %d, nxdomain %d, secure %d, bogus %d%s%s",
              res->qname, res->qtype, res->rcode, res->havedata, res->nxdomain, res->secure,
              res->bogus, res->why_bogus ? ": " : "", res->why_bogus ? res->why_bogus : "");
  if (err || !res) {
    q->failed = true;
    q->nxdomain_all = false;
  } else {
    if (res->bogus) {
      q->bogus = true;
      log_notice("dnssec: bogus answer for %s: %s", res->qname ? res->qname : "?",
                 res->why_bogus ? res->why_bogus : "(no reason given)");
    }
    if (res->secure) q->any_secure = true;
    if (!res->nxdomain) q->nxdomain_all = false;
    if (res->rcode != 0 && !res->nxdomain) q->failed = true;
    uint64_t exp = q->v->clock(q->v->clock_ud) + (uint64_t)(res->ttl > 0 ? res->ttl : 0) * 1000000u;
    for (int i = 0; !res->bogus && res->havedata && res->data[i] && q->n < MAX_RECORDS; i++) {
      int len = res->len[i];
      if (len < 0 || len > 0xffff) continue;
      uint8_t *d = malloc(len ? (size_t)len : 1);
      if (!d) {
        q->failed = true;
        break;
      }
      if (len) memcpy(d, res->data[i], (size_t)len);
      q->data[q->n] = d;
      q->rd[q->n] = (struct gns_record){
          .type = (uint32_t)res->qtype, .expiration = exp, .data = d, .data_len = (uint16_t)len};
      q->n++;
    }
  }
  if (res) ub_resolve_free(res);
  if (q->pending == 0) finish(q);
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *userdata) {
  struct gnsd_dnssec_query *q = userdata;
  (void)s;
  (void)usec;
  q->v->st.timeouts++;
  gnsd_dns_cb cb = q->cb;
  void *ud = q->userdata;
  query_free(q);
  cb(ud, -ETIMEDOUT, NULL, 0);
  return 0;
}

int gnsd_dnssec_query(struct gnsd_dnssec *v, const char *name, uint16_t type, const char *zone,
                      const struct gns_record *ds, size_t n_ds, const char *const *servers,
                      size_t n_servers, gnsd_dns_cb cb, void *userdata,
                      struct gnsd_dnssec_query **out) {
  if (!v || !name || !zone || !ds || !n_ds || !servers || !n_servers || !cb) return -EINVAL;
  struct vctx *c;
  int r = get_ctx(v, zone, ds, n_ds, servers, n_servers, &c);
  if (r < 0) return r;
  struct gnsd_dnssec_query *q = calloc(1, sizeof *q);
  if (!q) return -ENOMEM;
  q->v = v;
  q->c = c;
  c->users++;
  q->cb = cb;
  q->userdata = userdata;
  q->nxdomain_all = true;
  v->st.queries++;
  uint16_t types[2] = {type ? type : GNS_TYPE_A, GNS_TYPE_AAAA};
  unsigned nt = type ? 1 : 2;
  for (unsigned i = 0; i < nt; i++) {
    q->parts[i].q = q;
    if (ub_resolve_async(c->ub, name, types[i], 1 /* IN */, &q->parts[i], on_result,
                         &q->parts[i].id) != 0) {
      query_free(q);
      return -EIO;
    }
    q->parts[i].active = true;
    q->pending++;
  }
  if (sd_event_add_time(v->ev, &q->timer, CLOCK_MONOTONIC, now_mono(v->ev) + v->timeout_us, 1000,
                        on_timeout, q) < 0) {
    query_free(q);
    return -ENOMEM;
  }
  if (out) *out = q;
  return 0;
}

void gnsd_dnssec_cancel(struct gnsd_dnssec_query *q) {
  if (q) query_free(q);
}

int gnsd_dnssec_new(sd_event *event, uint64_t timeout_us, gnsd_clock_fn clock, void *clock_ud,
                    struct gnsd_dnssec **out) {
  if (!event || !clock || !out) return -EINVAL;
  struct gnsd_dnssec *v = calloc(1, sizeof *v);
  if (!v) return -ENOMEM;
  v->ev = sd_event_ref(event);
  v->clock = clock;
  v->clock_ud = clock_ud;
  v->timeout_us = timeout_us ? timeout_us : 2000000u;
  const char *p = getenv("GNSD_DNS_PORT");
  if (p && *p) {
    char *end;
    unsigned long port = strtoul(p, &end, 10);
    if (!*end && port > 0 && port < 65536) v->port = (unsigned)port;
  }
  *out = v;
  return 0;
}

void gnsd_dnssec_free(struct gnsd_dnssec *v) {
  if (!v) return;
  while (v->ctxs) {
    struct vctx *c = v->ctxs;
    v->ctxs = c->next;
    vctx_free(c);
  }
  sd_event_unref(v->ev);
  free(v);
}

void gnsd_dnssec_set_timeout(struct gnsd_dnssec *v, uint64_t timeout_us) {
  if (v && timeout_us) v->timeout_us = timeout_us;
}

void gnsd_dnssec_get_stats(const struct gnsd_dnssec *v, struct gnsd_dnssec_stats *st) {
  *st = v->st;
}
