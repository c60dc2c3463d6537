/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The GNUnet DHT backend (helper/dht-gnunet.c).
 *
 * Without arguments: against an in-process fake gnunet-service-dht on a
 * unix socket (the wire format byte for byte, verification and the drop
 * counters, replay, linger, reconnect, service absent, bounds).
 *
 * With --real SOCKET: against a real gnunet-service-dht (GNUnet 0.19),
 * see tests/dht-gnunet.sh: PUT blocks made by libgnscore and GET them back,
 * GET a block that gnunet-namestore published (--ztld Z --label L
 * --expect-a ADDR), and survive a service restart (--restart-cmd CMD). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "check.h"
#include "clock-us.h"
#include "dht-gnunet.h"
#include "gns-util.h"
#include "pool-hold.h"
#include "record.h"
#include "rrblock.h"
#include "zonekey.h"
#include "ztld.h"

/* ---- blocks ---- */

struct blk {
  uint8_t *b;
  size_t len;
  uint8_t q[GNS_Q_LEN];
};

static void make_block(const struct gns_zone_priv *zp, const char *label, uint64_t exp,
                       const uint8_t *data, uint16_t dlen, uint32_t type, struct blk *out) {
  struct gns_record rd = {.expiration = exp, .type = type, .data_len = dlen, .data = data};
  struct gns_zone_key zk;
  static uint8_t rdata[GNS_RDATA_MAX];
  size_t rlen = 0;
  memset(out, 0, sizeof *out);
  /* gns_rdata_serialize + gns_rrblock_create_from_rdata is what
   * gns_rrblock_create does; the split keeps this test independent of it. */
  if (gns_zone_priv_public(zp, &zk) < 0 ||
      gns_rdata_serialize(&rd, 1, rdata, sizeof rdata, &rlen) < 0 ||
      gns_rrblock_create_from_rdata(zp, (const uint8_t *)label, strlen(label), rdata, rlen, exp,
                                    &out->b, &out->len) < 0 ||
      gns_rrblock_query(&zk, (const uint8_t *)label, strlen(label), out->q) < 0) {
    fprintf(stderr, "cannot build a test block\n");
    exit(99);
  }
}

static void make_a(const struct gns_zone_priv *zp, const char *label, uint64_t exp, uint8_t last,
                   struct blk *out) {
  uint8_t a[4] = {192, 0, 2, last};
  make_block(zp, label, exp, a, 4, GNS_TYPE_A, out);
}

/* ---- what a GET's callback saw ---- */

struct seen {
  int blocks;
  int finals;
  int final_error;
  uint8_t last[GNS_RRBLOCK_MAX];
  size_t last_len;
  struct gnsd_backend *cancel_in_cb; /* cancel this GET from inside the callback */
  struct gnsd_get *handle;
};

static void on_block(void *userdata, const uint8_t *block, size_t len, int error) {
  struct seen *s = userdata;
  if (!block) {
    s->finals++;
    s->final_error = error;
    return;
  }
  s->blocks++;
  if (len <= sizeof s->last) {
    memcpy(s->last, block, len);
    s->last_len = len;
  }
  if (s->cancel_in_cb) s->cancel_in_cb->ops->get_cancel(s->cancel_in_cb, s->handle);
}

/* ---- event loop helpers ---- */

typedef bool (*pred_fn)(void *);

static bool run_until(sd_event *ev, pred_fn p, void *arg, uint64_t timeout_us) {
  uint64_t end = mono_us() + timeout_us;
  while (!p(arg)) {
    if (mono_us() >= end) return false;
    if (sd_event_run(ev, 10000) < 0) return false;
  }
  return true;
}

static void run_for(sd_event *ev, uint64_t us) {
  uint64_t end = mono_us() + us;
  while (mono_us() < end)
    sd_event_run(ev, 5000);
}

/* ---- the fake service ---- */

struct fmsg {
  uint16_t type;
  size_t len;
  uint8_t *m;
};

struct fake {
  sd_event *ev;
  char path[108];
  int lfd, cfd;
  sd_event_source *ls, *cs;
  uint8_t in[1 << 17];
  size_t in_len;
  struct fmsg msgs[256];
  size_t n;
  int accepts;
};

static void fake_drop_conn(struct fake *f) {
  f->cs = sd_event_source_disable_unref(f->cs);
  if (f->cfd >= 0) close(f->cfd);
  f->cfd = -1;
  f->in_len = 0;
}

static int fake_on_conn(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
  struct fake *f = userdata;
  (void)s;
  (void)revents;
  ssize_t n = recv(fd, f->in + f->in_len, sizeof f->in - f->in_len, MSG_DONTWAIT);
  if (n <= 0) {
    if (n < 0 && errno == EAGAIN) return 0;
    fake_drop_conn(f);
    return 0;
  }
  f->in_len += (size_t)n;
  size_t pos = 0;
  while (f->in_len - pos >= 4) {
    size_t sz = gns_get_u16(f->in + pos);
    if (sz < 4 || f->in_len - pos < sz) break;
    if (f->n < GNS_ARRAY_SIZE(f->msgs)) {
      struct fmsg *m = &f->msgs[f->n++];
      m->type = gns_get_u16(f->in + pos + 2);
      m->len = sz;
      m->m = malloc(sz);
      memcpy(m->m, f->in + pos, sz);
    }
    pos += sz;
  }
  memmove(f->in, f->in + pos, f->in_len - pos);
  f->in_len -= pos;
  return 0;
}

static int fake_on_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
  struct fake *f = userdata;
  (void)s;
  (void)revents;
  int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (c < 0) return 0;
  fake_drop_conn(f);
  f->cfd = c;
  f->accepts++;
  sd_event_add_io(f->ev, &f->cs, c, EPOLLIN, fake_on_conn, f);
  return 0;
}

static void fake_listen(struct fake *f) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  strcpy(sa.sun_path, f->path);
  unlink(f->path);
  f->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (f->lfd < 0 || bind(f->lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(f->lfd, 8) < 0) {
    perror("fake service");
    exit(99);
  }
  sd_event_add_io(f->ev, &f->ls, f->lfd, EPOLLIN, fake_on_accept, f);
}

static void fake_unlisten(struct fake *f) {
  f->ls = sd_event_source_disable_unref(f->ls);
  if (f->lfd >= 0) close(f->lfd);
  f->lfd = -1;
  unlink(f->path);
}

static void fake_clear(struct fake *f) {
  for (size_t i = 0; i < f->n; i++)
    free(f->msgs[i].m);
  f->n = 0;
}

static void fake_send(struct fake *f, const uint8_t *m, size_t len) {
  size_t off = 0;
  while (off < len) {
    ssize_t n = send(f->cfd, m + off, len - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN) {
        usleep(1000);
        continue;
      }
      perror("fake send");
      return;
    }
    off += (size_t)n;
  }
}

/* Index of the first received message of a type after position from, or -1. */
static long fake_find(struct fake *f, uint16_t type, size_t from) {
  for (size_t i = from; i < f->n; i++)
    if (f->msgs[i].type == type) return (long)i;
  return -1;
}

struct wait_msg {
  struct fake *f;
  uint16_t type;
  size_t from;
};
static bool p_msg(void *a) {
  struct wait_msg *w = a;
  return fake_find(w->f, w->type, w->from) >= 0;
}
static const struct fmsg *wait_msg(struct fake *f, uint16_t type, size_t from) {
  struct wait_msg w = {f, type, from};
  if (!run_until(f->ev, p_msg, &w, 2000000)) return NULL;
  return &f->msgs[fake_find(f, type, from)];
}

/* RESULT as gnunet-service-dht sends it. */
static size_t build_result(uint8_t *m, size_t cap, uint32_t btype, uint32_t options, uint32_t ppl,
                           uint32_t gpl, const uint8_t uid[8], const uint8_t key[64],
                           size_t n_trunc, size_t n_path, const uint8_t *data, size_t dlen) {
  size_t len = GNSD_DHT_RESULT_HDR_LEN + n_trunc + n_path * GNSD_DHT_PATH_ELEM_LEN + dlen;
  if (len > cap || len > 65535) abort();
  memset(m, 0, len);
  gns_put_u16(m, (uint16_t)len);
  gns_put_u16(m + 2, GNSD_DHT_MSG_RESULT);
  gns_put_u32(m + 4, btype);
  gns_put_u32(m + 12, options);
  gns_put_u32(m + 16, ppl);
  gns_put_u32(m + 20, gpl);
  memcpy(m + 24, uid, 8);
  gns_put_u64(m + 32, real_us() + 3600000000u);
  memcpy(m + 40, key, 64);
  size_t off = GNSD_DHT_RESULT_HDR_LEN;
  memset(m + off, 0xa5, n_trunc + n_path * GNSD_DHT_PATH_ELEM_LEN); /* peer ids, signatures */
  off += n_trunc + n_path * GNSD_DHT_PATH_ELEM_LEN;
  if (dlen) memcpy(m + off, data, dlen);
  return len;
}

struct counter_wait {
  struct gnsd_backend *b;
  size_t off;
  uint64_t want;
};
static uint64_t stat_at(struct gnsd_backend *b, size_t off) {
  struct gnsd_dht_gnunet_stats st;
  gnsd_dht_gnunet_stats(b, &st);
  uint64_t v;
  memcpy(&v, (const uint8_t *)&st + off, sizeof v);
  return v;
}
static bool p_counter(void *a) {
  struct counter_wait *c = a;
  return stat_at(c->b, c->off) >= c->want;
}
static bool p_connected(void *a) {
  return gnsd_dht_gnunet_connected(a);
}
static bool p_disconnected(void *a) {
  return !gnsd_dht_gnunet_connected(a);
}
static bool p_final(void *a) {
  return ((struct seen *)a)->finals > 0;
}
struct blocks_wait {
  struct seen *s;
  int n;
};
static bool p_blocks(void *a) {
  struct blocks_wait *w = a;
  return w->s->blocks >= w->n;
}

#define STAT(field) offsetof(struct gnsd_dht_gnunet_stats, field)

/* ---- fake-service tests ---- */

/* Threads of the worker pool the backend checks signatures on in the
 * tests that follow (0: none, on the loop). */
static unsigned pool_threads;

struct env {
  sd_event *ev;
  struct fake f;
  struct gnsd_backend *b;
  struct gnsd_workers *w;
  struct gns_zone_priv pk, ed;
  char dir[64];
};

static void env_up(struct env *e, const struct gnsd_dht_gnunet_tuning *t) {
  CHECK_INT(sd_event_new(&e->ev), 0);
  memset(&e->f, 0, sizeof e->f);
  e->f.ev = e->ev;
  e->f.lfd = e->f.cfd = -1;
  strcpy(e->dir, "/tmp/test-dht-XXXXXX");
  if (!mkdtemp(e->dir)) exit(99);
  snprintf(e->f.path, sizeof e->f.path, "%s/dht.sock", e->dir);
  fake_listen(&e->f);
  CHECK_INT(gnsd_dht_gnunet_new(e->ev, e->f.path, &e->b), 0);
  gnsd_dht_gnunet_tune(e->b, t);
  e->w = NULL;
  if (pool_threads) {
    CHECK_INT(gnsd_workers_new(e->ev, pool_threads, 0, &e->w), 0);
    gnsd_dht_gnunet_set_workers(e->b, e->w);
  }
  CHECK(run_until(e->ev, p_connected, e->b, 2000000));
  run_for(e->ev, 20000); /* let the fake accept */
  CHECK_INT(e->f.accepts, 1);
}

static void env_down(struct env *e) {
  if (e->b) e->b->ops->free(e->b);
  /* after the backend: blocks still out come back to nobody */
  gnsd_workers_free(e->w);
  fake_drop_conn(&e->f);
  fake_unlisten(&e->f);
  fake_clear(&e->f);
  rmdir(e->dir);
  sd_event_unref(e->ev);
}

/* Make the block of "www" and start a GET for it: the GET message the
 * service received (checked to be there). */
static const struct fmsg *get_www(struct env *e, const struct gns_zone_priv *zp, struct blk *b,
                                  struct seen *s, struct gnsd_get **h) {
  make_a(zp, "www", real_us() + 3600000000u, 1, b);
  CHECK_INT(e->b->ops->get(e->b, b->q, on_block, s, h), 0);
  const struct fmsg *g = wait_msg(&e->f, GNSD_DHT_MSG_GET, 0);
  CHECK(g != NULL);
  return g;
}

/* Wire format of GET, GET_STOP and PUT, byte for byte (GNUnet 0.19 dht.h). */
static void test_wire_format(const struct gns_zone_priv *zp) {
  struct env e;
  struct gnsd_dht_gnunet_tuning t = {0};
  env_up(&e, &t);
  struct blk b1;
  struct seen s = {0};
  struct gnsd_get *h = NULL;
  const struct fmsg *g = get_www(&e, zp, &b1, &s, &h);
  if (g) {
    CHECK_INT(g->len, 88);
    CHECK_INT(gns_get_u16(g->m), 88);
    CHECK_INT(gns_get_u32(g->m + 4), GNSD_DHT_RO_DEMULTIPLEX_EVERYWHERE); /* options */
    CHECK_INT(gns_get_u32(g->m + 8), 10);                                 /* replication */
    CHECK_INT(gns_get_u32(g->m + 12), 11);                                /* GNS_NAMERECORD */
    CHECK_MEM(g->m + 16, b1.q, 64);
  }
  uint8_t uid[8] = {0};
  if (g) memcpy(uid, g->m + 80, 8);

  e.b->ops->get_cancel(e.b, h);
  const struct fmsg *st = wait_msg(&e.f, GNSD_DHT_MSG_GET_STOP, 0);
  CHECK(st != NULL);
  if (st) {
    CHECK_INT(st->len, 80);
    CHECK_INT(gns_get_u32(st->m + 4), 0);
    CHECK_MEM(st->m + 8, uid, 8);
    CHECK_MEM(st->m + 16, b1.q, 64);
  }
  CHECK_INT(s.blocks + s.finals, 0); /* cancel means no more callbacks */

  uint64_t exp = gns_rrblock_expiration(b1.b, b1.len);
  CHECK_INT(e.b->ops->put(e.b, b1.q, b1.b, b1.len, exp), 0);
  const struct fmsg *p = wait_msg(&e.f, GNSD_DHT_MSG_PUT, 0);
  CHECK(p != NULL);
  if (p) {
    CHECK_INT(p->len, 88 + b1.len);
    CHECK_INT(gns_get_u32(p->m + 4), 11);                                 /* block type */
    CHECK_INT(gns_get_u32(p->m + 8), GNSD_DHT_RO_DEMULTIPLEX_EVERYWHERE); /* options */
    CHECK_INT(gns_get_u32(p->m + 12), 5);                                 /* replication */
    CHECK(gns_get_u64(p->m + 16) == exp);
    CHECK_MEM(p->m + 24, b1.q, 64);
    CHECK_MEM(p->m + 88, b1.b, b1.len);
  }
  /* A block that cannot fit in one GNUnet message is refused. */
  static uint8_t huge[65535];
  CHECK_INT(e.b->ops->put(e.b, b1.q, huge, sizeof huge - 10, exp), -EMSGSIZE);

  free(b1.b);
  env_down(&e);
}

/* Every kind of bad RESULT is dropped and counted, and never reaches the
 * caller; the good ones do, newest wins, the GET ends after the linger. */
static void test_results(const struct gns_zone_priv *pk, const struct gns_zone_priv *ed) {
  struct env e;
  struct gnsd_dht_gnunet_tuning t = {.linger = 200000, .max_block = 1024};
  env_up(&e, &t);
  uint64_t now = real_us();
  struct blk b1, b2, old, expired, other, edb, big;
  make_a(pk, "www", now + 3600000000u, 1, &b1);
  make_a(pk, "www", now + 7200000000u, 2, &b2);
  make_a(pk, "www", now + 1800000000u, 3, &old);
  make_a(pk, "www", now - 1000000u, 4, &expired);
  make_a(pk, "ftp", now + 3600000000u, 5, &other);
  make_a(ed, "www", now + 3600000000u, 6, &edb);
  uint8_t txt[1200];
  memset(txt, 'x', sizeof txt);
  make_block(pk, "www", now + 3600000000u, txt, sizeof txt, GNS_TYPE_TXT, &big);

  struct seen s = {0};
  struct gnsd_get *h = NULL;
  CHECK_INT(e.b->ops->get(e.b, b1.q, on_block, &s, &h), 0);
  const struct fmsg *g = wait_msg(&e.f, GNSD_DHT_MSG_GET, 0);
  if (!g) {
    CHECK(g != NULL);
    env_down(&e);
    return;
  }
  uint8_t uid[8], bad_uid[8];
  memcpy(uid, g->m + 80, 8);
  memcpy(bad_uid, uid, 8);
  bad_uid[7] ^= 1;
  uint8_t wrong_key[64];
  memcpy(wrong_key, b1.q, 64);
  wrong_key[0] ^= 0x80;

  uint8_t badsig[GNS_RRBLOCK_MAX];
  memcpy(badsig, b1.b, b1.len);
  badsig[4 + 4 + 32 + 10] ^= 1; /* inside SIGNATURE */
  uint8_t badsize[GNS_RRBLOCK_MAX];
  memcpy(badsize, b1.b, b1.len);
  gns_put_u32(badsize, (uint32_t)b1.len + 1);
  uint8_t badtype[GNS_RRBLOCK_MAX];
  memcpy(badtype, b1.b, b1.len);
  gns_put_u32(badtype + 4, 12345);
  uint8_t noise[GNS_RRBLOCK_MAX];
  memcpy(noise, b1.b, b1.len);
  randombytes_buf(noise + GNS_RRBLOCK_HEADER_LEN, b1.len - GNS_RRBLOCK_HEADER_LEN);

  static uint8_t m[70000];
  struct {
    const char *name;
    uint32_t btype, options, ppl, gpl;
    const uint8_t *uid, *key;
    size_t n_trunc, n_path;
    const uint8_t *data;
    size_t dlen;
    size_t counter;
    size_t cut; /* send only this many bytes as the message (0: all) */
  } cases[] = {
      {"header only, cut short", 11, 0, 0, 0, uid, b1.q, 0, 0, NULL, 0, STAT(drop_garbage), 60},
      {"truncated flag without the peer", 11, GNSD_DHT_RO_TRUNCATED, 0, 0, uid, b1.q, 0, 0, NULL, 0,
       STAT(drop_garbage), 0},
      {"path lengths beyond the message", 11, 0, 0xffffffffu, 2, uid, b1.q, 0, 1, b1.b, b1.len,
       STAT(drop_garbage), 0},
      {"put path longer than the message", 11, 0, 3, 0, uid, b1.q, 0, 1, NULL, 0,
       STAT(drop_garbage), 0},
      {"unknown unique_id", 11, 0, 0, 0, bad_uid, b1.q, 0, 0, b1.b, b1.len, STAT(drop_unsolicited),
       0},
      {"block type 8", 8, 0, 0, 0, uid, b1.q, 0, 0, b1.b, b1.len, STAT(drop_wrong_type), 0},
      {"key is not our q", 11, 0, 0, 0, uid, wrong_key, 0, 0, b1.b, b1.len, STAT(drop_wrong_q), 0},
      {"block of another label under our q", 11, 0, 0, 0, uid, b1.q, 0, 0, other.b, other.len,
       STAT(drop_wrong_q), 0},
      {"block of another zone under our q", 11, 0, 0, 0, uid, b1.q, 0, 0, edb.b, edb.len,
       STAT(drop_wrong_q), 0},
      {"expired block", 11, 0, 0, 0, uid, b1.q, 0, 0, expired.b, expired.len, STAT(drop_expired),
       0},
      {"bad signature", 11, 0, 0, 0, uid, b1.q, 0, 0, badsig, b1.len, STAT(drop_bad_signature), 0},
      {"SIZE field disagrees", 11, 0, 0, 0, uid, b1.q, 0, 0, badsize, b1.len, STAT(drop_garbage),
       0},
      {"empty data", 11, 0, 0, 0, uid, b1.q, 0, 0, NULL, 0, STAT(drop_garbage), 0},
      {"BDATA replaced by noise", 11, 0, 0, 0, uid, b1.q, 0, 0, noise, b1.len,
       STAT(drop_bad_signature), 0},
      {"unknown zone type", 11, 0, 0, 0, uid, b1.q, 0, 0, badtype, b1.len, STAT(drop_unsupported),
       0},
      {"larger than max_block", 11, 0, 0, 0, uid, b1.q, 0, 0, big.b, big.len, STAT(drop_oversize),
       0},
  };
  for (size_t i = 0; i < GNS_ARRAY_SIZE(cases); i++) {
    uint64_t before = stat_at(e.b, cases[i].counter);
    size_t len = build_result(m, sizeof m, cases[i].btype, cases[i].options, cases[i].ppl,
                              cases[i].gpl, cases[i].uid, cases[i].key, cases[i].n_trunc,
                              cases[i].n_path, cases[i].data, cases[i].dlen);
    if (cases[i].cut) {
      len = cases[i].cut;
      gns_put_u16(m, (uint16_t)len);
    }
    fake_send(&e.f, m, len);
    struct counter_wait cw = {e.b, cases[i].counter, before + 1};
    if (!run_until(e.ev, p_counter, &cw, 1000000))
      fprintf(stderr, "case '%s': not counted\n", cases[i].name);
    CHECK_INT(stat_at(e.b, cases[i].counter), before + 1);
    if (s.blocks) fprintf(stderr, "case '%s': reached the caller\n", cases[i].name);
    CHECK_INT(s.blocks, 0);
    CHECK(gnsd_dht_gnunet_connected(e.b)); /* bad data never costs the connection */
  }

  /* A good block with a truncated, recorded path: delivered at once. */
  size_t len = build_result(m, sizeof m, 11, GNSD_DHT_RO_TRUNCATED | GNSD_DHT_RO_RECORD_ROUTE, 1, 2,
                            uid, b1.q, 32, 3, b1.b, b1.len);
  fake_send(&e.f, m, len);
  struct blocks_wait bw = {&s, 1};
  CHECK(run_until(e.ev, p_blocks, &bw, 1000000));
  CHECK_INT(s.last_len, b1.len);
  CHECK_MEM(s.last, b1.b, b1.len);
  CHECK_INT(s.finals, 0);

  /* The same block again (harmless), then an older one (a replay). */
  fake_send(&e.f, m, len);
  uint64_t replayed = stat_at(e.b, STAT(drop_replayed));
  len = build_result(m, sizeof m, 11, 0, 0, 0, uid, b1.q, 0, 0, old.b, old.len);
  fake_send(&e.f, m, len);
  struct counter_wait cw = {e.b, STAT(drop_replayed), replayed + 1};
  CHECK(run_until(e.ev, p_counter, &cw, 1000000));
  CHECK_INT(s.blocks, 1);

  /* A newer one replaces it. */
  len = build_result(m, sizeof m, 11, 0, 0, 0, uid, b1.q, 0, 0, b2.b, b2.len);
  fake_send(&e.f, m, len);
  bw.n = 2;
  CHECK(run_until(e.ev, p_blocks, &bw, 1000000));
  CHECK_MEM(s.last, b2.b, b2.len);

  /* The linger ends the GET with success; GET_STOP tells the service. */
  uint64_t t0 = mono_us();
  CHECK(run_until(e.ev, p_final, &s, 2000000));
  CHECK(mono_us() - t0 < 1000000);
  CHECK_INT(s.final_error, 0);
  CHECK_INT(s.blocks, 2);
  CHECK(wait_msg(&e.f, GNSD_DHT_MSG_GET_STOP, 0) != NULL);

  struct gnsd_dht_gnunet_stats st;
  gnsd_dht_gnunet_stats(e.b, &st);
  CHECK_INT(st.results_valid, 2);
  CHECK_INT(st.gets_found, 1);

  /* status() reports the counters. */
  json_object *o = json_object_new_object();
  e.b->ops->status(e.b, o);
  json_object *v, *dr;
  CHECK(json_object_object_get_ex(o, "state", &v) &&
        !strcmp(json_object_get_string(v), "connected"));
  CHECK(json_object_object_get_ex(o, "dropped", &dr) &&
        json_object_object_get_ex(dr, "garbage", &v) && json_object_get_int64(v) == 6);
  CHECK(json_object_object_get_ex(o, "name", &v) &&
        !strcmp(json_object_get_string(v), "gnunet-dht"));
  json_object_put(o);

  free(b1.b);
  free(b2.b);
  free(old.b);
  free(expired.b);
  free(other.b);
  free(edb.b);
  free(big.b);
  env_down(&e);
}

static int64_t status_int(struct gnsd_backend *b, const char *key) {
  json_object *o = json_object_new_object(), *v;
  b->ops->status(b, o);
  int64_t r = json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : -1;
  json_object_put(o);
  return r;
}

/* Send n copies of a block as RESULTs for the GET with unique_id uid. */
static void send_results(struct env *e, const uint8_t uid[8], const struct blk *b,
                         const uint8_t *data, unsigned n) {
  static uint8_t m[70000];
  for (unsigned i = 0; i < n; i++) {
    size_t len = build_result(m, sizeof m, 11, 0, 0, 0, uid, b->q, 0, 0, data, b->len);
    fake_send(&e->f, m, len);
  }
}

/* A flood of junk on the worker pool: a GET has at most verify_per_get of
 * its blocks out, the backend max_verify; the rest is dropped and counted
 * (overload) before it costs a check, even a valid block that comes while
 * its GET is flooded; the GET goes on and takes the next copy. Jobs that
 * come back for a cancelled GET, or to a freed backend, touch nothing
 * freed (ASan). */
static void test_flood(const struct gns_zone_priv *zp) {
  struct env e;
  struct gnsd_dht_gnunet_tuning t = {
      .verify_per_get = 4, .max_verify = 6, .checks_per_get = 6, .linger = 30000000};
  pool_threads = 1;
  env_up(&e, &t);
  pool_threads = 0;
  struct pool_hold hold;
  pool_hold(e.w, &hold);
  struct blk b1, b2;
  struct seen s1 = {0}, s2 = {0};
  struct gnsd_get *h1 = NULL, *h2 = NULL;
  const struct fmsg *g = get_www(&e, zp, &b1, &s1, &h1);
  if (!g) {
    pool_release(&hold);
    env_down(&e);
    return;
  }
  uint8_t uid1[8], uid2[8];
  memcpy(uid1, g->m + 80, 8);
  uint8_t *junk = malloc(b1.len);
  memcpy(junk, b1.b, b1.len);
  junk[4 + 4 + 32 + 10] ^= 1; /* inside SIGNATURE */
  send_results(&e, uid1, &b1, junk, 10);
  struct counter_wait cw = {e.b, STAT(results), 10};
  CHECK(run_until(e.ev, p_counter, &cw, 2000000));
  CHECK_INT(status_int(e.b, "verifying"), 4);
  CHECK_INT(stat_at(e.b, STAT(drop_overload)), 6);
  CHECK_INT(stat_at(e.b, STAT(drop_bad_signature)), 0);
  /* the valid block, while the GET is flooded */
  send_results(&e, uid1, &b1, b1.b, 1);
  cw.want = 11;
  CHECK(run_until(e.ev, p_counter, &cw, 2000000));
  CHECK_INT(stat_at(e.b, STAT(drop_overload)), 7);
  /* another GET gets what is left of max_verify */
  make_a(zp, "ftp", real_us() + 3600000000u, 2, &b2);
  CHECK_INT(e.b->ops->get(e.b, b2.q, on_block, &s2, &h2), 0);
  g = wait_msg(&e.f, GNSD_DHT_MSG_GET, (size_t)(g - e.f.msgs) + 1);
  CHECK(g != NULL);
  if (g) memcpy(uid2, g->m + 80, 8);
  uint8_t *junk2 = malloc(b2.len);
  memcpy(junk2, b2.b, b2.len);
  junk2[4 + 4 + 32 + 10] ^= 1;
  send_results(&e, uid2, &b2, junk2, 4);
  cw.want = 15;
  CHECK(run_until(e.ev, p_counter, &cw, 2000000));
  CHECK_INT(status_int(e.b, "verifying"), 6);
  CHECK_INT(stat_at(e.b, STAT(drop_overload)), 9);
  /* the second GET goes with its blocks out; then the pool runs */
  e.b->ops->get_cancel(e.b, h2);
  uint64_t unsolicited = stat_at(e.b, STAT(drop_unsolicited));
  pool_release(&hold);
  CHECK(pool_hold_wait(e.ev, &hold));
  cw = (struct counter_wait){e.b, STAT(drop_bad_signature), 4};
  CHECK(run_until(e.ev, p_counter, &cw, 2000000));
  cw = (struct counter_wait){e.b, STAT(drop_unsolicited), unsolicited + 2};
  CHECK(run_until(e.ev, p_counter, &cw, 2000000));
  CHECK_INT(stat_at(e.b, STAT(drop_bad_signature)), 4);
  CHECK_INT(status_int(e.b, "verifying"), 0);
  CHECK_INT(s1.blocks, 0);
  CHECK_INT(s2.blocks, 0);
  /* the flood is over: the next copy of the valid block gets through */
  send_results(&e, uid1, &b1, b1.b, 1);
  struct blocks_wait bw = {&s1, 1};
  CHECK(run_until(e.ev, p_blocks, &bw, 2000000));
  CHECK_INT(s1.last_len, b1.len);
  CHECK_MEM(s1.last, b1.b, b1.len);
  /* That was the GET's fifth check; one more, then it costs nothing
   * more, the pool idle or not (checks_per_get). */
  uint64_t over = stat_at(e.b, STAT(drop_overload));
  struct blk newer;
  make_a(zp, "www", real_us() + 7200000000u, 3, &newer); /* not a copy: checked */
  newer.b[4 + 4 + 32 + 10] ^= 1;
  send_results(&e, uid1, &newer, newer.b, 3);
  cw = (struct counter_wait){e.b, STAT(drop_bad_signature), 5};
  CHECK(run_until(e.ev, p_counter, &cw, 2000000));
  CHECK_INT(stat_at(e.b, STAT(drop_overload)), over + 2);
  /* the backend goes (a reload) with blocks of a GET out */
  pool_hold(e.w, &hold);
  struct gnsd_get *h3 = NULL;
  struct seen s3 = {0};
  size_t from = e.f.n;
  CHECK_INT(e.b->ops->get(e.b, b2.q, on_block, &s3, &h3), 0);
  g = wait_msg(&e.f, GNSD_DHT_MSG_GET, from);
  CHECK(g != NULL);
  if (g) memcpy(uid2, g->m + 80, 8);
  send_results(&e, uid2, &b2, junk2, 3);
  cw = (struct counter_wait){e.b, STAT(results), 15 + 1 + 3 + 3};
  CHECK(run_until(e.ev, p_counter, &cw, 2000000));
  CHECK_INT(status_int(e.b, "verifying"), 3);
  e.b->ops->free(e.b);
  e.b = NULL;
  CHECK_INT(s3.finals, 1); /* the GET ended with the backend */
  pool_release(&hold);
  CHECK(pool_hold_wait(e.ev, &hold));
  for (int i = 0; i < 10; i++)
    sd_event_run(e.ev, 1000);
  free(junk);
  free(junk2);
  free(newer.b);
  free(b1.b);
  free(b2.b);
  env_down(&e);
}

/* Nothing found: the GET ends at get_timeout with error 0; cancel from
 * inside the callback is safe; bounded GETs in flight. */
static void test_timeout_bounds(const struct gns_zone_priv *zp) {
  struct env e;
  struct gnsd_dht_gnunet_tuning t = {.get_timeout = 150000, .max_gets = 3};
  env_up(&e, &t);
  struct blk b1;
  make_a(zp, "www", real_us() + 3600000000u, 1, &b1);

  struct seen s = {0};
  struct gnsd_get *h = NULL;
  uint64_t t0 = mono_us();
  CHECK_INT(e.b->ops->get(e.b, b1.q, on_block, &s, &h), 0);
  CHECK(run_until(e.ev, p_final, &s, 2000000));
  CHECK(mono_us() - t0 >= 140000);
  CHECK_INT(s.final_error, 0);
  CHECK_INT(s.blocks, 0);

  struct seen many[4];
  struct gnsd_get *hs[4];
  memset(many, 0, sizeof many);
  for (int i = 0; i < 3; i++)
    CHECK_INT(e.b->ops->get(e.b, b1.q, on_block, &many[i], &hs[i]), 0);
  CHECK_INT(e.b->ops->get(e.b, b1.q, on_block, &many[3], &hs[3]), -EBUSY);
  /* Three GETs on the wire, in call order, with distinct unique_ids (the
   * first GET of this test and its GET_STOP come before them). */
  run_for(e.ev, 50000);
  long i0 = fake_find(&e.f, GNSD_DHT_MSG_GET, 1);
  long i1 = i0 >= 0 ? fake_find(&e.f, GNSD_DHT_MSG_GET, (size_t)i0 + 1) : -1;
  long i2 = i1 >= 0 ? fake_find(&e.f, GNSD_DHT_MSG_GET, (size_t)i1 + 1) : -1;
  CHECK(i0 >= 0 && i1 >= 0 && i2 >= 0);
  if (i2 >= 0) {
    CHECK(memcmp(e.f.msgs[i0].m + 80, e.f.msgs[i1].m + 80, 8) != 0);
    CHECK(memcmp(e.f.msgs[i1].m + 80, e.f.msgs[i2].m + 80, 8) != 0);
  }
  /* The callback of the first cancels its own GET: it sees one block, no
   * final call, and the other two are untouched. */
  many[0].cancel_in_cb = e.b;
  many[0].handle = hs[0];
  uint8_t uid0[8] = {0};
  if (i0 >= 0) memcpy(uid0, e.f.msgs[i0].m + 80, 8);
  static uint8_t m[4096];
  size_t len = build_result(m, sizeof m, 11, 0, 0, 0, uid0, b1.q, 0, 0, b1.b, b1.len);
  fake_send(&e.f, m, len);
  run_for(e.ev, 100000);
  CHECK_INT(many[0].blocks, 1);
  CHECK_INT(many[1].blocks + many[2].blocks, 0);
  /* Now that one slot is free a new GET is accepted. */
  CHECK_INT(e.b->ops->get(e.b, b1.q, on_block, &many[3], &hs[3]), 0);
  CHECK(run_until(e.ev, p_final, &many[3], 2000000));
  CHECK(run_until(e.ev, p_final, &many[1], 2000000));
  CHECK(run_until(e.ev, p_final, &many[2], 2000000));
  CHECK_INT(many[0].finals, 0);
  free(b1.b);
  env_down(&e);
}

/* The service goes away with a GET in flight and comes back: the backend
 * reconnects by itself and re-sends the GET, which then finds its block.
 * While the service is absent, new GETs and PUTs fail at once. A GET
 * whose service never returns ends with -ENOTCONN. Malformed framing from
 * the service costs the connection, not the process. */
static void test_reconnect(const struct gns_zone_priv *zp) {
  struct env e;
  struct gnsd_dht_gnunet_tuning t = {
      .backoff_min = 20000, .backoff_max = 100000, .get_timeout = 3000000, .linger = 50000};
  env_up(&e, &t);
  struct blk b1;
  struct seen s = {0};
  struct gnsd_get *h = NULL;
  const struct fmsg *g = get_www(&e, zp, &b1, &s, &h);
  uint8_t uid[8] = {0};
  if (g) memcpy(uid, g->m + 80, 8);

  /* Restart: connection dropped, listener stays. */
  size_t mark = e.f.n;
  fake_drop_conn(&e.f);
  const struct fmsg *g2 = wait_msg(&e.f, GNSD_DHT_MSG_GET, mark);
  CHECK(g2 != NULL);
  if (g2) CHECK_MEM(g2->m + 80, uid, 8);
  CHECK_INT(e.f.accepts, 2);
  static uint8_t m[4096];
  size_t len = build_result(m, sizeof m, 11, 0, 0, 0, uid, b1.q, 0, 0, b1.b, b1.len);
  fake_send(&e.f, m, len);
  CHECK(run_until(e.ev, p_final, &s, 2000000));
  CHECK_INT(s.blocks, 1);
  CHECK_INT(s.final_error, 0);

  /* Service down: GET in flight, then nothing listens any more. */
  struct seen s2 = {0};
  CHECK_INT(e.b->ops->get(e.b, b1.q, on_block, &s2, &h), 0);
  fake_unlisten(&e.f);
  fake_drop_conn(&e.f);
  CHECK(run_until(e.ev, p_disconnected, e.b, 1000000));
  struct seen s3 = {0};
  uint64_t t0 = mono_us();
  CHECK_INT(e.b->ops->get(e.b, b1.q, on_block, &s3, &h), -ENOTCONN);
  CHECK(mono_us() - t0 < 100000); /* at once, no waiting */
  /* A PUT is accepted all the same: it goes out when the service is back. */
  uint64_t exp1 = gns_rrblock_expiration(b1.b, b1.len);
  CHECK_INT(e.b->ops->put(e.b, b1.q, b1.b, b1.len, exp1), 0);
  CHECK(run_until(e.ev, p_final, &s2, 5000000));
  CHECK_INT(s2.final_error, -ENOTCONN);
  CHECK_INT(s2.blocks, 0);

  /* Back again: the retry timer finds it without any GET asking, and the
   * PUT made meanwhile arrives. */
  size_t mark2 = e.f.n;
  fake_listen(&e.f);
  CHECK(run_until(e.ev, p_connected, e.b, 2000000));
  const struct fmsg *pm = wait_msg(&e.f, GNSD_DHT_MSG_PUT, mark2);
  CHECK(pm != NULL);
  if (pm) CHECK_MEM(pm->m + 24, b1.q, 64);

  /* Garbage framing (size 2) from the service: drop and reconnect. */
  run_for(e.ev, 20000);
  int acc = e.f.accepts;
  uint8_t bad[4] = {0, 2, 0, 145};
  fake_send(&e.f, bad, sizeof bad);
  struct gnsd_dht_gnunet_stats st0;
  gnsd_dht_gnunet_stats(e.b, &st0);
  size_t mark3 = e.f.n;
  struct counter_wait cw = {e.b, STAT(connects), st0.connects + 1};
  CHECK(run_until(e.ev, p_counter, &cw, 2000000));
  run_for(e.ev, 20000);
  CHECK_INT(e.f.accepts, acc + 1);
  /* A new connection may be a new service with an empty datacache: what
   * we publish goes out again. */
  pm = wait_msg(&e.f, GNSD_DHT_MSG_PUT, mark3);
  CHECK(pm != NULL);
  if (pm) CHECK_MEM(pm->m + 88, b1.b, b1.len);

  /* Freeing the backend ends the GETs still in flight. */
  struct seen s4 = {0};
  CHECK_INT(e.b->ops->get(e.b, b1.q, on_block, &s4, &h), 0);
  free(b1.b);
  env_down(&e);
  CHECK_INT(s4.finals, 1);
  CHECK_INT(s4.final_error, -ECANCELED);
}

/* PUTs are paced by a token bucket, deduplicated by q (newest wins),
 * expired blocks are not sent, and the table of published blocks is
 * bounded. */
static size_t count_msgs(struct fake *f, uint16_t type, size_t from) {
  size_t n = 0;
  for (size_t i = from; i < f->n; i++)
    n += f->msgs[i].type == type;
  return n;
}
struct count_wait {
  struct fake *f;
  uint16_t type;
  size_t from, want;
};
static bool p_count(void *a) {
  struct count_wait *c = a;
  return count_msgs(c->f, c->type, c->from) >= c->want;
}

static void test_publish_pacing(const struct gns_zone_priv *zp) {
  struct env e;
  struct gnsd_dht_gnunet_tuning t = {.put_rate = 5, .put_burst = 2, .max_published = 8};
  env_up(&e, &t);
  uint64_t now = real_us();
  struct blk bl[9];
  char label[16];
  for (int i = 0; i < 9; i++) {
    snprintf(label, sizeof label, "l%d", i);
    make_a(zp, label, now + 3600000000u, (uint8_t)i, &bl[i]);
  }
  uint64_t t0 = mono_us();
  for (int i = 0; i < 6; i++)
    CHECK_INT(e.b->ops->put(e.b, bl[i].q, bl[i].b, bl[i].len, now + 3600000000u), 0);
  run_for(e.ev, 30000);
  CHECK_INT(count_msgs(&e.f, GNSD_DHT_MSG_PUT, 0), 2); /* the burst */
  struct count_wait cw = {&e.f, GNSD_DHT_MSG_PUT, 0, 6};
  CHECK(run_until(e.ev, p_count, &cw, 5000000));
  uint64_t took = mono_us() - t0;
  CHECK(took >= 700000); /* 4 more at 5/s: 800 ms */
  CHECK(took < 3000000);
  /* In order, each block once. */
  size_t k = 0;
  for (size_t i = 0; i < e.f.n && k < 6; i++)
    if (e.f.msgs[i].type == GNSD_DHT_MSG_PUT) {
      CHECK_MEM(e.f.msgs[i].m + 24, bl[k].q, 64);
      k++;
    }

  /* A newer block under q0 replaces the old one; the old one again, an
   * expired one: nothing sent. */
  struct blk newer;
  make_a(zp, "l0", now + 7200000000u, 99, &newer);
  size_t mark = e.f.n;
  CHECK_INT(e.b->ops->put(e.b, newer.q, newer.b, newer.len, now + 7200000000u), 0);
  CHECK_INT(e.b->ops->put(e.b, bl[0].q, bl[0].b, bl[0].len, now + 3600000000u), 0);
  CHECK_INT(e.b->ops->put(e.b, bl[7].q, bl[7].b, bl[7].len, now - 1000000u), 0);
  run_for(e.ev, 600000);
  CHECK_INT(count_msgs(&e.f, GNSD_DHT_MSG_PUT, mark), 1);
  long pi = fake_find(&e.f, GNSD_DHT_MSG_PUT, mark);
  if (pi >= 0) CHECK_MEM(e.f.msgs[pi].m + 88, newer.b, newer.len);

  /* Bounded: 6 remembered, 2 more fit, the 9th does not. */
  CHECK_INT(e.b->ops->put(e.b, bl[6].q, bl[6].b, bl[6].len, now + 3600000000u), 0);
  CHECK_INT(e.b->ops->put(e.b, bl[7].q, bl[7].b, bl[7].len, now + 3600000000u), 0);
  CHECK_INT(e.b->ops->put(e.b, bl[8].q, bl[8].b, bl[8].len, now + 3600000000u), -ENOBUFS);
  json_object *o = json_object_new_object();
  e.b->ops->status(e.b, o);
  json_object *v;
  CHECK(json_object_object_get_ex(o, "published", &v) && json_object_get_int64(v) == 8);
  json_object_put(o);

  for (int i = 0; i < 9; i++)
    free(bl[i].b);
  free(newer.b);
  env_down(&e);
}

/* Expiry is judged by the clock the backend is given (gnsd's one clock),
 * not by the machine's: two hours ahead, a block the machine holds valid
 * for another hour is expired in a RESULT and not published by a PUT. */
static uint64_t clock_offset;
static uint64_t moved_clock(void *userdata) {
  (void)userdata;
  return real_us() + clock_offset;
}

static void test_given_clock(const struct gns_zone_priv *zp) {
  struct env e;
  struct gnsd_dht_gnunet_tuning t = {.linger = 50000};
  env_up(&e, &t);
  clock_offset = 2 * 3600000000ull;
  gnsd_dht_gnunet_set_clock(e.b, moved_clock, NULL);
  struct blk b;
  struct seen s = {0};
  struct gnsd_get *h = NULL;
  const struct fmsg *g = get_www(&e, zp, &b, &s, &h); /* expires in an hour */
  if (g) {
    uint8_t uid[8];
    memcpy(uid, g->m + 80, 8);
    static uint8_t m[70000];
    struct counter_wait cw = {e.b, STAT(drop_expired), stat_at(e.b, STAT(drop_expired)) + 1};
    fake_send(&e.f, m, build_result(m, sizeof m, 11, 0, 0, 0, uid, b.q, 0, 0, b.b, b.len));
    CHECK(run_until(e.ev, p_counter, &cw, 2000000));
    CHECK_INT(s.blocks, 0);
  }
  if (!s.finals) e.b->ops->get_cancel(e.b, h); /* (a GET that ended is gone) */

  uint64_t exp = gns_rrblock_expiration(b.b, b.len);
  size_t from = e.f.n;
  CHECK_INT(e.b->ops->put(e.b, b.q, b.b, b.len, exp), 0);
  run_for(e.ev, 100000);
  CHECK_INT(count_msgs(&e.f, GNSD_DHT_MSG_PUT, from), 0);
  /* back on the machine's time: the same block goes out */
  clock_offset = 0;
  CHECK_INT(e.b->ops->put(e.b, b.q, b.b, b.len, exp), 0);
  CHECK(wait_msg(&e.f, GNSD_DHT_MSG_PUT, from) != NULL);
  free(b.b);
  env_down(&e);
}

/* No service at all when the backend starts: it keeps trying. */
static void test_absent_at_start(void) {
  sd_event *ev;
  CHECK_INT(sd_event_new(&ev), 0);
  struct gnsd_backend *b = NULL;
  CHECK_INT(gnsd_dht_gnunet_new(ev, "/nonexistent/gnunet-service-dht.sock", &b), 0);
  CHECK(!gnsd_dht_gnunet_connected(b));
  uint8_t q[64] = {1};
  struct seen s = {0};
  struct gnsd_get *h;
  CHECK_INT(b->ops->get(b, q, on_block, &s, &h), -ENOTCONN);
  json_object *o = json_object_new_object();
  b->ops->status(b, o);
  json_object *v;
  CHECK(json_object_object_get_ex(o, "state", &v) &&
        !strcmp(json_object_get_string(v), "disconnected"));
  CHECK(json_object_object_get_ex(o, "lastError", &v));
  json_object_put(o);
  b->ops->free(b);
  char longp[200];
  memset(longp, 'a', sizeof longp - 1);
  longp[sizeof longp - 1] = 0;
  CHECK_INT(gnsd_dht_gnunet_new(ev, longp, &b), -ENAMETOOLONG);
  CHECK_INT(gnsd_dht_gnunet_new(ev, "", &b), -EINVAL);
  sd_event_unref(ev);
}

/* ---- against a real gnunet-service-dht ---- */

struct real_opts {
  const char *socket, *ztld, *label, *expect_a, *restart_cmd;
};

/* GET q until a block arrives (retrying GETs that end empty) or timeout. */
static bool real_get(sd_event *ev, struct gnsd_backend *b, const uint8_t q[64], struct seen *s,
                     uint64_t timeout_us) {
  uint64_t end = mono_us() + timeout_us;
  while (mono_us() < end) {
    memset(s, 0, sizeof *s);
    struct gnsd_get *h;
    int r = b->ops->get(b, q, on_block, s, &h);
    if (r == -ENOTCONN) {
      run_for(ev, 100000);
      continue;
    }
    if (r < 0) return false;
    run_until(ev, p_final, s, end > mono_us() ? end - mono_us() : 0);
    if (!s->finals) b->ops->get_cancel(b, h);
    if (s->blocks) return true;
  }
  return false;
}

static int run_real(const struct real_opts *o) {
  sd_event *ev;
  CHECK_INT(sd_event_new(&ev), 0);
  struct gnsd_backend *b;
  CHECK_INT(gnsd_dht_gnunet_new(ev, o->socket, &b), 0);
  struct gnsd_dht_gnunet_tuning t = {
      .get_timeout = 2000000, .linger = 200000, .backoff_min = 50000, .backoff_max = 500000};
  gnsd_dht_gnunet_tune(b, &t);
  CHECK(run_until(ev, p_connected, b, 5000000));

  /* 1. Blocks made by libgnscore, both zone types: GNUnet's block plugin
   *    accepts them (it verifies too) and returns them unchanged. */
  uint32_t types[2] = {GNS_ZTYPE_PKEY, GNS_ZTYPE_EDKEY};
  struct blk kept = {0}; /* the PKEY block, looked up again after the restart */
  for (int i = 0; i < 2; i++) {
    struct gns_zone_priv zp;
    CHECK_INT(gns_zone_priv_generate(types[i], &zp), 0);
    struct blk bk;
    make_a(&zp, "www", real_us() + 3600000000u, (uint8_t)(10 + i), &bk);
    CHECK_INT(b->ops->put(b, bk.q, bk.b, bk.len, gns_rrblock_expiration(bk.b, bk.len)), 0);
    struct seen s;
    bool ok = real_get(ev, b, bk.q, &s, 10000000);
    if (!ok) fprintf(stderr, "real: own %s block not found\n", i ? "EDKEY" : "PKEY");
    CHECK(ok);
    CHECK_INT(s.last_len, bk.len);
    if (s.last_len == bk.len) CHECK_MEM(s.last, bk.b, bk.len);
    gns_zone_priv_wipe(&zp);
    if (i == 0)
      kept = bk;
    else
      free(bk.b);
  }

  /* 2. A block published by GNUnet's own zone master. */
  if (o->ztld && o->label) {
    struct gns_zone_key zk;
    uint8_t q[64];
    CHECK_INT(gns_ztld_decode(o->ztld, strlen(o->ztld), &zk), 0);
    CHECK_INT(gns_rrblock_query(&zk, (const uint8_t *)o->label, strlen(o->label), q), 0);
    struct seen s;
    bool ok = real_get(ev, b, q, &s, 30000000);
    if (!ok) fprintf(stderr, "real: %s.%s not found in the DHT\n", o->label, o->ztld);
    CHECK(ok);
    if (ok) {
      uint8_t *rdata = NULL;
      size_t rlen = 0;
      CHECK_INT(gns_rrblock_open(s.last, s.last_len, &zk, (const uint8_t *)o->label,
                                 strlen(o->label), real_us(), &rdata, &rlen),
                0);
      struct gns_record rd[16];
      size_t n = 0;
      if (rdata) CHECK_INT(gns_rdata_parse(rdata, rlen, rd, 16, &n), 0);
      bool found = false;
      for (size_t i = 0; i < n; i++) {
        char txt[INET6_ADDRSTRLEN] = "";
        if (rd[i].type == GNS_TYPE_A && rd[i].data_len == 4)
          inet_ntop(AF_INET, rd[i].data, txt, sizeof txt);
        if (o->expect_a && !strcmp(txt, o->expect_a)) found = true;
      }
      if (o->expect_a) CHECK(found);
      free(rdata);
    }
  }

  /* 3. Restart the service with a GET in flight for a block nobody has
   *    published yet; after the reconnect, PUT it: the re-sent GET gets it. */
  if (o->restart_cmd) {
    struct gns_zone_priv zp;
    CHECK_INT(gns_zone_priv_generate(GNS_ZTYPE_EDKEY, &zp), 0);
    struct blk bk;
    make_a(&zp, "later", real_us() + 3600000000u, 42, &bk);
    struct gnsd_dht_gnunet_tuning t2 = t;
    t2.get_timeout = 30000000;
    gnsd_dht_gnunet_tune(b, &t2);
    struct seen s = {0};
    struct gnsd_get *h;
    CHECK_INT(b->ops->get(b, bk.q, on_block, &s, &h), 0);
    run_for(ev, 200000);
    struct gnsd_dht_gnunet_stats st0;
    gnsd_dht_gnunet_stats(b, &st0);
    if (system(o->restart_cmd) != 0) fprintf(stderr, "real: restart command failed\n");
    struct counter_wait cw = {b, STAT(connects), st0.connects + 1};
    bool back = run_until(ev, p_counter, &cw, 20000000);
    if (!back) fprintf(stderr, "real: no reconnect after the restart\n");
    CHECK(back);
    struct gnsd_dht_gnunet_stats st1;
    gnsd_dht_gnunet_stats(b, &st1);
    CHECK(st1.disconnects > st0.disconnects);
    CHECK_INT(s.finals, 0); /* the GET survived */
    run_for(ev, 300000);
    CHECK_INT(b->ops->put(b, bk.q, bk.b, bk.len, gns_rrblock_expiration(bk.b, bk.len)), 0);
    struct blocks_wait bw = {&s, 1};
    bool got = run_until(ev, p_blocks, &bw, 15000000);
    if (!got) fprintf(stderr, "real: GET in flight across the restart got nothing\n");
    CHECK(got);
    if (got) CHECK_MEM(s.last, bk.b, bk.len);
    if (!s.finals) b->ops->get_cancel(b, h);
    gns_zone_priv_wipe(&zp);
    free(bk.b);

    /* The restarted service lost its datacache (heap); the backend put
     * what it publishes again, so the block from step 1 is found. */
    struct seen s2;
    bool again = real_get(ev, b, kept.q, &s2, 10000000);
    if (!again) fprintf(stderr, "real: block published before the restart is gone\n");
    CHECK(again);
  }
  free(kept.b);

  struct gnsd_dht_gnunet_stats st;
  gnsd_dht_gnunet_stats(b, &st);
  fprintf(stderr, "real: connects %llu, gets %llu found %llu, results %llu valid %llu\n",
          (unsigned long long)st.connects, (unsigned long long)st.gets,
          (unsigned long long)st.gets_found, (unsigned long long)st.results,
          (unsigned long long)st.results_valid);
  b->ops->free(b);
  sd_event_unref(ev);
  return check_failures ? 1 : 0;
}

int main(int argc, char **argv) {
  if (sodium_init() < 0) return 99;
  struct real_opts ro = {0};
  for (int i = 1; i < argc; i += 2) { /* every option takes a value */
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) {
      fprintf(stderr,
              "usage: %s [--real SOCKET [--ztld Z --label L [--expect-a ADDR]] "
              "[--restart-cmd CMD]]\n",
              argv[0]);
      return 2;
    }
    if (!strcmp(a, "--real"))
      ro.socket = v;
    else if (!strcmp(a, "--ztld"))
      ro.ztld = v;
    else if (!strcmp(a, "--label"))
      ro.label = v;
    else if (!strcmp(a, "--expect-a"))
      ro.expect_a = v;
    else if (!strcmp(a, "--restart-cmd"))
      ro.restart_cmd = v;
    else
      return 2;
  }
  if (ro.socket) return run_real(&ro);

  struct gns_zone_priv pk, ed;
  CHECK_INT(gns_zone_priv_generate(GNS_ZTYPE_PKEY, &pk), 0);
  CHECK_INT(gns_zone_priv_generate(GNS_ZTYPE_EDKEY, &ed), 0);
  test_wire_format(&pk);
  test_wire_format(&ed);
  test_results(&pk, &ed);
  test_results(&ed, &pk);
  /* the same with the signatures checked on a worker pool */
  pool_threads = 2;
  test_results(&pk, &ed);
  test_results(&ed, &pk);
  pool_threads = 0;
  test_flood(&pk);
  test_flood(&ed);
  test_timeout_bounds(&pk);
  test_reconnect(&ed);
  test_publish_pacing(&pk);
  test_given_clock(&ed);
  test_absent_at_start();
  gns_zone_priv_wipe(&pk);
  gns_zone_priv_wipe(&ed);
  return check_failures ? 1 : 0;
}
