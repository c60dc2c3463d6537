/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ResolveHostname over varlink against a real gnsd started here, through
 * delegation chains of depth 1, 2, 4 and 8, with gnsd's caches (warm) and
 * without them (cache.memory = 0: every label costs a store GET, the
 * derivation of q, the signature check and the decryption). Prints ops/s,
 * p50/p99 latency and, for the uncached runs, the cost per label next to
 * the crypto floor (bench/crypto-floor.h).
 *
 *   bench-resolve [path/to/gnsd]      (default ./helper/gnsd)
 *   BENCH_SECONDS=2 BENCH_CLIENTS=4 BENCH_REPEAT=3 bench-resolve
 *
 * The machine is shared, so every cell (and the floor) is measured
 * BENCH_REPEAT times and the best run is printed: the least disturbed
 * one is the closest to what the code costs.
 *
 * Then cached lookups while the DHT floods gnsd with junk blocks (see
 * "cached lookups under a DHT flood" below), unpinned and with gnsd and
 * every thread of the bench on one CPU; BENCH_FLOOD_ONLY=1 runs only that
 * part, BENCH_FLOOD_RATE sets the junk RESULTs per second (default 4000). */
#define _GNU_SOURCE /* accept4, sched_setaffinity */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "crypto-floor.h"
#include "gnsd-proc.h"
#include "dht-msg.h"
#include "gns-util.h"
#include "rrblock.h"
#include "zonekey.h"
#include "ztld.h"

static const unsigned depths[] = {1, 2, 4, 8};
#define N_DEPTHS (sizeof(depths) / sizeof(depths[0]))

struct gnsd_proc {
  pid_t pid;
  char dir[256];
};

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- a blocking varlink client ------------------------------------------- */

struct conn {
  int fd;
  char buf[1 << 16];
  size_t len;
};

static int conn_open(struct conn *c, const char *path) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
  c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  c->len = 0;
  if (c->fd < 0) return -errno;
  if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
    int e = -errno;
    close(c->fd);
    return e;
  }
  return 0;
}

static int conn_send(struct conn *c, const char *msg, size_t len) {
  while (len) {
    ssize_t w = send(c->fd, msg, len, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -EIO;
    msg += w;
    len -= (size_t)w;
  }
  return 0;
}

/* One NUL-terminated reply into out (NUL included in *len). */
static int conn_recv(struct conn *c, char *out, size_t cap, size_t *len) {
  for (;;) {
    char *z = memchr(c->buf, '\0', c->len);
    if (z) {
      size_t n = (size_t)(z - c->buf) + 1;
      if (n > cap) return -E2BIG;
      memcpy(out, c->buf, n);
      memmove(c->buf, c->buf + n, c->len - n);
      c->len -= n;
      *len = n;
      return 0;
    }
    if (c->len == sizeof(c->buf)) return -E2BIG;
    ssize_t r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -EIO;
    c->len += (size_t)r;
  }
}

/* A call whose reply parameters are returned (NULL on error replies). */
static json_object *call(struct conn *c, const char *method, json_object *params) {
  json_object *m = json_object_new_object();
  json_object_object_add(m, "method", json_object_new_string(method));
  if (params) json_object_object_add(m, "parameters", params);
  const char *s = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN);
  static char reply[1 << 16];
  size_t n;
  int rc = conn_send(c, s, strlen(s) + 1);
  json_object_put(m);
  if (rc < 0 || conn_recv(c, reply, sizeof(reply), &n) < 0) return NULL;
  json_object *r = json_tokener_parse(reply), *p = NULL, *e;
  if (!r) return NULL;
  if (json_object_object_get_ex(r, "error", &e)) {
    fprintf(stderr, "bench-resolve: %s: %s\n", method, reply);
    json_object_put(r);
    return NULL;
  }
  if (json_object_object_get_ex(r, "parameters", &p))
    json_object_get(p);
  else
    p = json_object_new_object();
  json_object_put(r);
  return p;
}

/* ---- gnsd ---------------------------------------------------------------- */

static int gnsd_start(const char *bin, const char *conf_text, struct gnsd_proc *g) {
  snprintf(g->dir, sizeof(g->dir), "%s/bench-resolve.XXXXXX",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!mkdtemp(g->dir)) return -errno;
  char conf[300];
  snprintf(conf, sizeof(conf), "%s/gnsd.conf", g->dir);
  FILE *f = fopen(conf, "w");
  if (!f) return -errno;
  fputs(conf_text, f);
  fclose(f);
  return bench_gnsd_start(bin, g->dir, &g->pid);
}

static void gnsd_stop(struct gnsd_proc *g) {
  if (g->pid > 0) {
    kill(g->pid, SIGTERM);
    waitpid(g->pid, NULL, 0);
  }
  char cmd[400];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g->dir);
  if (system(cmd) != 0) fprintf(stderr, "bench-resolve: could not remove %s\n", g->dir);
}

static void sock_path(const struct gnsd_proc *g, const char *name, char *out, size_t cap) {
  snprintf(out, cap, "%s/run/%s", g->dir, name);
}

/* Zones b<type><d>z0 .. z<d>: z<i> delegates "n" to z<i+1>, the last has
 * "www" A 192.0.2.1. The name is www.n.n...n.b<type><d>z0.gns.alt. */
static int setup_chain(struct conn *zc, const char *type, unsigned d, char *name, size_t cap) {
  char ztld[9][80];
  if (d > 8) return -EINVAL;
  for (unsigned i = 0; i <= d; i++) {
    char zn[64];
    snprintf(zn, sizeof(zn), "b%s%uz%u", type, d, i);
    json_object *p = json_object_new_object();
    json_object_object_add(p, "name", json_object_new_string(zn));
    json_object_object_add(p, "type", json_object_new_string(type));
    json_object *r = call(zc, "alt.gns.Zone.CreateZone", p), *z, *zt;
    if (!r || !json_object_object_get_ex(r, "zone", &z) ||
        !json_object_object_get_ex(z, "ztld", &zt))
      return -EIO;
    snprintf(ztld[i], sizeof(ztld[i]), "%s", json_object_get_string(zt));
    json_object_put(r);
  }
  for (unsigned i = 0; i <= d; i++) {
    char zn[64];
    snprintf(zn, sizeof(zn), "b%s%uz%u", type, d, i);
    json_object *rec = json_object_new_object();
    if (i < d) {
      json_object_object_add(rec, "label", json_object_new_string("n"));
      json_object_object_add(rec, "type",
                             json_object_new_string(strcmp(type, "edkey") == 0 ? "EDKEY" : "PKEY"));
      json_object_object_add(rec, "value", json_object_new_string(ztld[i + 1]));
    } else {
      json_object_object_add(rec, "label", json_object_new_string("www"));
      json_object_object_add(rec, "type", json_object_new_string("A"));
      json_object_object_add(rec, "value", json_object_new_string("192.0.2.1"));
    }
    json_object *p = json_object_new_object();
    json_object_object_add(p, "zone", json_object_new_string(zn));
    json_object_object_add(p, "record", rec);
    json_object *r = call(zc, "alt.gns.Zone.AddRecord", p);
    if (!r) return -EIO;
    json_object_put(r);
  }
  size_t o = (size_t)snprintf(name, cap, "www");
  for (unsigned i = 0; i < d; i++)
    o += (size_t)snprintf(name + o, cap - o, ".n");
  snprintf(name + o, cap - o, ".b%s%uz0.gns.alt", type, d);
  return 0;
}

/* ---- the measurement ---------------------------------------------------------- */

struct worker {
  const char *sock;
  const char *request;
  size_t request_len;
  double seconds;
  double *lat; /* microseconds */
  size_t n, cap;
  int error;
  pthread_t th;
};

static void *work(void *arg) {
  struct worker *w = arg;
  struct conn c;
  char reply[4096];
  size_t len;
  if (conn_open(&c, w->sock) < 0) {
    w->error = -EIO;
    return NULL;
  }
  double end = now_s() + w->seconds;
  for (;;) {
    double t0 = now_s();
    if (t0 >= end) break;
    if (conn_send(&c, w->request, w->request_len) < 0 ||
        conn_recv(&c, reply, sizeof(reply), &len) < 0 || strstr(reply, "\"error\"") ||
        !strstr(reply, "[192,0,2,1]")) {
      w->error = -EBADMSG;
      break;
    }
    double us = (now_s() - t0) * 1e6;
    if (w->n == w->cap) {
      w->cap = w->cap ? w->cap * 2 : 4096;
      w->lat = realloc(w->lat, w->cap * sizeof(*w->lat));
      if (!w->lat) abort();
    }
    w->lat[w->n++] = us;
  }
  close(c.fd);
  return NULL;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

struct result {
  double ops, p50, p99, max;
};

static int measure(const char *sock, const char *name, unsigned clients, double seconds,
                   struct result *res) {
  char req[1024];
  int n =
      snprintf(req, sizeof(req),
               "{\"method\":\"alt.gns.Resolve.ResolveHostname\",\"parameters\":{\"name\":\"%s\","
               "\"family\":2}}",
               name);
  struct worker w[64];
  memset(w, 0, sizeof(w));
  /* warm up (fills the caches where they are on) */
  struct conn c;
  char reply[4096];
  size_t len;
  if (conn_open(&c, sock) < 0) return -EIO;
  for (int i = 0; i < 3; i++)
    if (conn_send(&c, req, (size_t)n + 1) < 0 || conn_recv(&c, reply, sizeof(reply), &len) < 0 ||
        strstr(reply, "\"error\"")) {
      fprintf(stderr, "bench-resolve: %s: %s\n", name, reply);
      close(c.fd);
      return -EBADMSG;
    }
  close(c.fd);
  double t0 = now_s();
  for (unsigned i = 0; i < clients; i++) {
    w[i] = (struct worker){
        .sock = sock, .request = req, .request_len = (size_t)n + 1, .seconds = seconds};
    pthread_create(&w[i].th, NULL, work, &w[i]);
  }
  size_t total = 0;
  for (unsigned i = 0; i < clients; i++) {
    pthread_join(w[i].th, NULL);
    if (w[i].error) return w[i].error;
    total += w[i].n;
  }
  double elapsed = now_s() - t0;
  double *all = malloc((total + 1) * sizeof(*all));
  size_t k = 0;
  for (unsigned i = 0; i < clients; i++) {
    memcpy(all + k, w[i].lat, w[i].n * sizeof(*all));
    k += w[i].n;
    free(w[i].lat);
  }
  qsort(all, total, sizeof(*all), cmp_double);
  res->ops = (double)total / elapsed;
  res->p50 = total ? all[total / 2] : 0;
  res->p99 = total ? all[(size_t)((double)total * 0.99)] : 0;
  res->max = total ? all[total - 1] : 0;
  free(all);
  return total ? 0 : -EIO;
}

/* ---- cached lookups under a DHT flood -------------------------------------
 * A fake gnunet-service-dht in this process answers every GET gnsd sends
 * for a remote zone with a stream of junk RESULTs: the GET's key and the
 * zone's real derived key for the label and a random signature whose
 * scalars are in range (so that each one costs a full signature check,
 * as an attacker who knows the name can make them). Threads keep uncached lookups of that zone in
 * flight (each one a GET, until [resolver] timeout). Meanwhile one client asks for a cached local
 * name. Printed: its latency (p50, p99, max) without the flood, the baseline, and with it, and the
 * ratios. */

#define FLOOD_LABELS 256
#define FLOOD_TRIGGERS 4
#define FLOOD_BDATA 64

struct flood_get {
  uint8_t uid[8];
  unsigned label;
};

struct flood {
  char sock[300];
  int lfd;
  uint32_t ztype;
  char ztld[GNS_ZTLD_MAX];
  uint8_t q[FLOOD_LABELS][GNS_Q_LEN];
  uint8_t block[FLOOD_LABELS][GNS_RRBLOCK_HEADER_LEN + FLOOD_BDATA];
  unsigned rate;
  volatile int on, stop;
  uint64_t sent, gets;
  struct flood_get active[64];
  size_t n_active;
  pthread_t th;
};

static int flood_prepare(struct flood *f, uint32_t ztype) {
  struct gns_zone_priv priv;
  struct gns_zone_key zk;
  f->ztype = ztype;
  if (gns_zone_priv_generate(ztype, &priv) < 0 || gns_zone_priv_public(&priv, &zk) < 0 ||
      gns_ztld_encode(&zk, f->ztld, sizeof f->ztld) < 0)
    return -EIO;
  gns_zone_priv_wipe(&priv);
  uint64_t exp = (uint64_t)time(NULL) * 1000000u + 3600ull * 1000000u;
  for (unsigned i = 0; i < FLOOD_LABELS; i++) {
    char label[16];
    int n = snprintf(label, sizeof label, "l%u", i);
    struct gns_zone_key d;
    if (gns_zone_key_derive(&zk, (const uint8_t *)label, (size_t)n, &d) < 0 ||
        gns_rrblock_query(&zk, (const uint8_t *)label, (size_t)n, f->q[i]) < 0)
      return -EIO;
    /* RFC 9498, 6.1: SIZE ZTYPE ZKEY' SIGNATURE EXPIRATION BDATA */
    uint8_t *b = f->block[i];
    gns_put_u32(b, (uint32_t)sizeof f->block[i]);
    gns_put_u32(b + 4, ztype);
    memcpy(b + 8, d.key, GNS_ZONE_KEY_LEN);
    uint8_t *sig = b + 8 + GNS_ZONE_KEY_LEN;
    for (size_t k = 0; k < GNS_ZONE_SIG_LEN; k++)
      sig[k] = (uint8_t)rand();
    /* scalars below the group order, or the check refuses them before it
     * does the work: ECDSA r and s (big-endian), EdDSA S (little-endian) */
    if (ztype == GNS_ZTYPE_PKEY) {
      sig[0] &= 0x0f;
      sig[32] &= 0x0f;
    } else {
      sig[63] &= 0x0f;
    }
    gns_put_u64(b + 8 + GNS_ZONE_KEY_LEN + GNS_ZONE_SIG_LEN, exp);
    for (size_t k = GNS_RRBLOCK_HEADER_LEN; k < sizeof f->block[i]; k++)
      b[k] = (uint8_t)rand();
  }
  return 0;
}

static int send_all(int fd, const uint8_t *m, size_t len) {
  while (len) {
    ssize_t w = send(fd, m, len, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -EIO;
    m += w;
    len -= (size_t)w;
  }
  return 0;
}

/* The fake service: GETs for our labels join the flood, GET_STOPs leave
 * it; while on, junk goes out at f->rate, round robin over the GETs. */
static void flood_message(struct flood *f, const uint8_t *m, size_t len) {
  uint16_t type = gns_get_u16(m + 2);
  if (type == GNSD_DHT_MSG_GET && len >= GNSD_DHT_GET_LEN) {
    for (unsigned i = 0; i < FLOOD_LABELS; i++)
      if (memcmp(f->q[i], m + 16, GNS_Q_LEN) == 0 && f->n_active < 64) {
        memcpy(f->active[f->n_active].uid, m + 80, 8);
        f->active[f->n_active++].label = i;
        f->gets++;
      }
  } else if (type == GNSD_DHT_MSG_GET_STOP && len >= GNSD_DHT_GET_STOP_LEN) {
    for (size_t i = 0; i < f->n_active; i++)
      if (memcmp(f->active[i].uid, m + 8, 8) == 0) f->active[i--] = f->active[--f->n_active];
  }
}

static void *flood_main(void *arg) {
  struct flood *f = arg;
  int cfd = -1;
  static uint8_t in[1 << 17];
  size_t in_len = 0, rr = 0;
  uint8_t msg[GNSD_DHT_RESULT_HDR_LEN + GNS_RRBLOCK_HEADER_LEN + FLOOD_BDATA];
  double budget = 0, last = now_s();
  while (!f->stop) {
    struct pollfd p = {.fd = cfd >= 0 ? cfd : f->lfd, .events = POLLIN};
    int r = poll(&p, 1, 1);
    if (r > 0 && cfd < 0) {
      cfd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);
    } else if (r > 0) {
      ssize_t n = recv(cfd, in + in_len, sizeof in - in_len, MSG_DONTWAIT);
      if (n <= 0) {
        close(cfd);
        cfd = -1;
        in_len = 0;
        f->n_active = 0;
        continue;
      }
      in_len += (size_t)n;
      size_t pos = 0;
      while (in_len - pos >= 4) {
        size_t sz = gns_get_u16(in + pos);
        if (sz < 4 || in_len - pos < sz) break;
        flood_message(f, in + pos, sz);
        pos += sz;
      }
      memmove(in, in + pos, in_len - pos);
      in_len -= pos;
    }
    double t = now_s();
    budget += (t - last) * f->rate;
    last = t;
    if (!f->on || cfd < 0 || !f->n_active) {
      budget = 0;
      continue;
    }
    while (budget >= 1 && f->n_active) {
      struct flood_get *g = &f->active[rr++ % f->n_active];
      size_t bl = sizeof f->block[0], ml = GNSD_DHT_RESULT_HDR_LEN + bl;
      memset(msg, 0, GNSD_DHT_RESULT_HDR_LEN);
      gns_put_u16(msg, (uint16_t)ml);
      gns_put_u16(msg + 2, GNSD_DHT_MSG_RESULT);
      gns_put_u32(msg + 4, GNSD_DHT_BLOCK_GNS);
      memcpy(msg + 24, g->uid, 8);
      gns_put_u64(msg + 32, (uint64_t)time(NULL) * 1000000u + 3600ull * 1000000u);
      memcpy(msg + 40, f->q[g->label], GNS_Q_LEN);
      memcpy(msg + GNSD_DHT_RESULT_HDR_LEN, f->block[g->label], bl);
      if (send_all(cfd, msg, ml) < 0) break;
      f->sent++;
      budget -= 1;
    }
  }
  if (cfd >= 0) close(cfd);
  return NULL;
}

struct trigger {
  const char *sock;
  struct flood *f;
  unsigned first;
  pthread_t th;
};

/* Uncached lookups of the flooded zone, one after the other, while the
 * flood is on (each ends at [resolver] timeout: no valid block comes). */
static void *trigger_main(void *arg) {
  struct trigger *t = arg;
  struct conn c;
  if (conn_open(&c, t->sock) < 0) return NULL;
  static char reply[FLOOD_TRIGGERS][4096];
  char *rep = reply[t->first % FLOOD_TRIGGERS];
  for (unsigned k = t->first; t->f->on; k += FLOOD_TRIGGERS) {
    char req[512];
    int n = snprintf(req, sizeof req,
                     "{\"method\":\"alt.gns.Resolve.ResolveHostname\",\"parameters\":{"
                     "\"name\":\"l%u.%s.gns.alt\"}}",
                     k % FLOOD_LABELS, t->f->ztld);
    size_t len;
    if (conn_send(&c, req, (size_t)n + 1) < 0 || conn_recv(&c, rep, 4096, &len) < 0) break;
  }
  close(c.fd);
  return NULL;
}

/* gnsd's DHT counters from GetStatistics: blocks checked and found bad,
 * dropped before a check. */
static void dht_counters(struct conn *zc, int64_t *bad, int64_t *overload) {
  *bad = *overload = -1;
  json_object *p = call(zc, "alt.gns.Zone.GetStatistics", NULL), *arr, *dr, *v;
  if (!p) return;
  if (json_object_object_get_ex(p, "backends", &arr))
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
      json_object *b = json_object_array_get_idx(arr, i);
      if (!json_object_object_get_ex(b, "dropped", &dr)) continue;
      if (json_object_object_get_ex(dr, "badSignature", &v)) *bad = json_object_get_int64(v);
      if (json_object_object_get_ex(dr, "overload", &v)) *overload = json_object_get_int64(v);
    }
  json_object_put(p);
}

/* One row: a gnsd with the fake DHT, the baseline and the flood. cpu >= 0:
 * this process (and so gnsd and every thread) on that CPU only. */
static int flood_row(const char *bin, uint32_t ztype, int cpu, unsigned rate, double seconds,
                     int repeat) {
  cpu_set_t saved;
  sched_getaffinity(0, sizeof saved, &saved);
  if (cpu >= 0) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    sched_setaffinity(0, sizeof one, &one);
  }
  static struct flood f;
  memset(&f, 0, sizeof f);
  f.rate = rate;
  int rc = -EIO;
  struct gnsd_proc g = {0};
  char dir[256];
  snprintf(dir, sizeof dir, "%s/bench-flood.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!mkdtemp(dir) || flood_prepare(&f, ztype) < 0) goto restore;
  snprintf(f.sock, sizeof f.sock, "%s/dht.sock", dir);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(f.sock) >= sizeof sa.sun_path) goto restore;
  memcpy(sa.sun_path, f.sock, strlen(f.sock) + 1);
  f.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (f.lfd < 0 || bind(f.lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(f.lfd, 4) < 0)
    goto restore;
  pthread_create(&f.th, NULL, flood_main, &f);
  char conf[600];
  snprintf(conf, sizeof conf,
           "[cache]\nmemory = 16M\n[resolver]\ntimeout = 500ms\n[dht]\nbackend = gnunet\n"
           "gnunet-socket = %s\n",
           f.sock);
  if (gnsd_start(bin, conf, &g) < 0) goto stop_fake;
  char zs[320], rs[320], name[256];
  sock_path(&g, "alt.gns.Zone", zs, sizeof zs);
  sock_path(&g, "alt.gns.Resolve", rs, sizeof rs);
  struct conn zc;
  if (conn_open(&zc, zs) < 0) goto stop_gnsd;
  if (setup_chain(&zc, "edkey", 0, name, sizeof name) < 0) goto stop_zc;
  struct result base = {0}, fl = {0};
  int64_t bad0, over0, bad1, over1;
  dht_counters(&zc, &bad0, &over0);
  uint64_t sent = 0;
  double flood_s = 0;
  for (int k = 0; k < repeat; k++) {
    struct result a, b;
    if (measure(rs, name, 1, seconds, &a) < 0) goto stop_zc;
    f.on = 1;
    struct trigger t[FLOOD_TRIGGERS];
    for (unsigned i = 0; i < FLOOD_TRIGGERS; i++) {
      t[i] = (struct trigger){.sock = rs, .f = &f, .first = i};
      pthread_create(&t[i].th, NULL, trigger_main, &t[i]);
    }
    usleep(200000); /* the GETs are out, the flood runs */
    double t0 = now_s();
    uint64_t s0 = f.sent;
    int mr = measure(rs, name, 1, seconds, &b);
    flood_s += now_s() - t0;
    sent += f.sent - s0;
    f.on = 0;
    for (unsigned i = 0; i < FLOOD_TRIGGERS; i++)
      pthread_join(t[i].th, NULL);
    if (mr < 0) goto stop_zc;
    /* the least disturbed baseline; the flood's worst tail */
    if (k == 0 || a.p99 < base.p99) base = a;
    if (k == 0 || b.p99 > fl.p99) fl = b;
  }
  dht_counters(&zc, &bad1, &over1);
  printf("%-5s %-8s | %8.1f %8.1f %9.1f | %8.1f %8.1f %9.1f | %6.2f %6.2f %7.2f | %7.0f %8" PRId64
         " %8" PRId64 "\n",
         ztype == GNS_ZTYPE_PKEY ? "PKEY" : "EDKEY", cpu >= 0 ? "pinned" : "unpinned", base.p50,
         base.p99, base.max, fl.p50, fl.p99, fl.max, fl.p50 / base.p50, fl.p99 / base.p99,
         fl.max / base.max, (double)sent / (flood_s > 0 ? flood_s : 1), bad1 - bad0, over1 - over0);
  fflush(stdout);
  rc = 0;
stop_zc:
  close(zc.fd);
stop_gnsd:
  gnsd_stop(&g);
stop_fake:
  f.stop = 1;
  pthread_join(f.th, NULL);
  close(f.lfd);
  unlink(f.sock);
restore:
  rmdir(dir);
  sched_setaffinity(0, sizeof saved, &saved);
  return rc;
}

static int flood_table(const char *bin, double seconds, int repeat) {
  unsigned rate = getenv("BENCH_FLOOD_RATE") ? (unsigned)atoi(getenv("BENCH_FLOOD_RATE")) : 4000;
  if (rate == 0) rate = 4000;
  printf("\ncached lookups under a DHT flood: 1 client asks a cached local name while %d "
         "threads keep uncached lookups of a remote zone in flight and a fake DHT answers their "
         "GETs with %u junk blocks/s (real derived key, bad signature); baseline: the same "
         "client, same gnsd, no flood. Best baseline, worst flood of %d runs of %.1f s.\n",
         FLOOD_TRIGGERS, rate, repeat, seconds);
  printf("%-5s %-8s | %8s %8s %9s | %8s %8s %9s | %6s %6s %7s | %7s %8s %8s\n", "zone", "cpus",
         "base p50", "p99 us", "max us", "flood p50", "p99 us", "max us", "x p50", "x p99", "x max",
         "junk/s", "checked", "dropped");
  int rc = 0;
  const uint32_t zt[2] = {GNS_ZTYPE_PKEY, GNS_ZTYPE_EDKEY};
  for (int pinned = 0; pinned < 2; pinned++)
    for (int t = 0; t < 2; t++)
      if (flood_row(bin, zt[t], pinned ? sched_getcpu() : -1, rate, seconds, repeat) < 0) {
        fprintf(stderr, "bench-resolve: flood run failed\n");
        rc = 1;
      }
  printf("goal: x p99 under the flood close to 1 (the loop only moves bytes; checks run on "
         "the pool, bounded)\n");
  return rc;
}

int main(int argc, char **argv) {
  const char *bin = argc > 1 ? argv[1] : "./helper/gnsd";
  double seconds = getenv("BENCH_SECONDS") ? atof(getenv("BENCH_SECONDS")) : 1.0;
  unsigned clients = getenv("BENCH_CLIENTS") ? (unsigned)atoi(getenv("BENCH_CLIENTS")) : 4;
  int repeat = getenv("BENCH_REPEAT") ? atoi(getenv("BENCH_REPEAT")) : 3;
  if (repeat < 1 || repeat > 20) repeat = 3;
  if (clients < 1 || clients > 64) clients = 4;
  if (access(bin, X_OK) != 0) {
    fprintf(stderr, "bench-resolve: %s not found (build gnsd first)\n", bin);
    return 77;
  }
  signal(SIGPIPE, SIG_IGN);
  if (getenv("BENCH_FLOOD_ONLY")) return flood_table(bin, seconds, repeat);
  struct crypto_floor floor[2];
  const uint32_t ztypes[2] = {GNS_ZTYPE_PKEY, GNS_ZTYPE_EDKEY};
  const char *tnames[2] = {"pkey", "edkey"};
  for (int t = 0; t < 2; t++)
    for (int k = 0; k < repeat; k++) {
      struct crypto_floor f;
      if (crypto_floor_measure(ztypes[t], 32, seconds / 2, &f) < 0) return 1;
      if (k == 0 || f.open_us < floor[t].open_us) floor[t].open_us = f.open_us;
      if (k == 0 || f.check_decrypt_us < floor[t].check_decrypt_us)
        floor[t].check_decrypt_us = f.check_decrypt_us;
    }

  struct gnsd_proc cached = {0}, uncached = {0};
  if (gnsd_start(bin, "[cache]\nmemory = 16M\n", &cached) < 0 ||
      gnsd_start(bin, "[cache]\nmemory = 0\n", &uncached) < 0) {
    fprintf(stderr, "bench-resolve: cannot start gnsd\n");
    gnsd_stop(&cached);
    gnsd_stop(&uncached);
    return 1;
  }
  char names[2][N_DEPTHS][256];
  struct gnsd_proc *procs[2] = {&cached, &uncached};
  for (int p = 0; p < 2; p++) {
    char zs[320];
    sock_path(procs[p], "alt.gns.Zone", zs, sizeof(zs));
    struct conn zc;
    if (conn_open(&zc, zs) < 0) return 1;
    for (int t = 0; t < 2; t++)
      for (size_t i = 0; i < N_DEPTHS; i++)
        if (setup_chain(&zc, tnames[t], depths[i], names[t][i], sizeof(names[t][i])) < 0) {
          fprintf(stderr, "bench-resolve: zone setup failed\n");
          return 1;
        }
    close(zc.fd);
  }
  char rs_cached[320], rs_uncached[320];
  sock_path(&cached, "alt.gns.Resolve", rs_cached, sizeof(rs_cached));
  sock_path(&uncached, "alt.gns.Resolve", rs_uncached, sizeof(rs_uncached));

  printf("bench-resolve: ResolveHostname over varlink to a real gnsd; cached: %u clients, "
         "uncached: 1 client, cache.memory = 0; best of %d runs of %.1f s per cell\n",
         clients, repeat, seconds);
  for (int t = 0; t < 2; t++)
    printf("crypto floor %-5s: %8.1f us/label check+decrypt, %8.1f us/label with q\n",
           t ? "EDKEY" : "PKEY", floor[t].check_decrypt_us, floor[t].open_us);
  fflush(stdout);
  printf("\n%-5s %5s %6s | %10s %8s %8s | %9s %8s %8s %9s %7s %7s\n", "zone", "depth", "labels",
         "cached/s", "p50 us", "p99 us", "uncached/s", "p50 us", "p99 us", "us/label", "x floor",
         "x chk+d");
  double worst_cached = 1e30, worst_ratio = 0;
  int rc = 0;
  for (int t = 0; t < 2; t++)
    for (size_t i = 0; i < N_DEPTHS; i++) {
      struct result rc1 = {0}, rc2 = {0};
      unsigned labels = depths[i] + 1;
      for (int k = 0; k < repeat; k++) {
        struct result a, b;
        if (measure(rs_cached, names[t][i], clients, seconds, &a) < 0 ||
            measure(rs_uncached, names[t][i], 1, seconds, &b) < 0) {
          fprintf(stderr, "bench-resolve: measurement failed for %s\n", names[t][i]);
          rc = 1;
          goto out;
        }
        if (k == 0 || a.ops > rc1.ops) rc1 = a;
        if (k == 0 || b.p50 < rc2.p50) rc2 = b;
      }
      double per_label = rc2.p50 / labels;
      double ratio = per_label / floor[t].open_us;
      printf("%-5s %5u %6u | %10.0f %8.1f %8.1f | %9.1f %8.0f %8.0f %9.1f %7.2f %7.2f\n",
             t ? "EDKEY" : "PKEY", depths[i], labels, rc1.ops, rc1.p50, rc1.p99, rc2.ops, rc2.p50,
             rc2.p99, per_label, ratio, per_label / floor[t].check_decrypt_us);
      fflush(stdout);
      if (rc1.ops < worst_cached) worst_cached = rc1.ops;
      if (ratio > worst_ratio) worst_ratio = ratio;
    }
  printf("\ngoal cached >= 50000/s: worst %.0f/s, ratio %.2f\n", worst_cached,
         worst_cached / 50000.0);
  printf("goal uncached <= 1.5 x crypto floor (with q) per label: worst %.2f x\n", worst_ratio);
out:
  gnsd_stop(&cached);
  gnsd_stop(&uncached);
  if (rc == 0) rc = flood_table(bin, seconds, repeat);
  return rc;
}
