/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The revocation service client (helper/revocation-gnunet.c) and its
 * message codec (helper/revocation-msg.c), against an in-process fake
 * gnunet-service-revocation on a unix socket: the wire format byte for
 * byte, answers in order, a service that is absent or silent (no wait
 * beyond the timeout), a revocation queued while the service is away and
 * sent when it comes, sent again after a reconnect, and one the service
 * refuses (it drops the client) judged rejected only while the service
 * itself stays up. tests/revocation-gnunet.sh does the same against real
 * GNUnet peers. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "clock-us.h"
#include "gns-util.h"
#include "revocation-gnunet.h"
#include "revocation-msg.h"
#include "rfc9498-vectors.h"
#include "store.h"
#include "trust.h"

/* ---- the fake service ---- */

enum mode { ANSWER, SILENT, DROP_ON_REVOKE };

#define MAX_CLIENTS 8
struct fake {
  sd_event *ev;
  char path[108];
  int lfd;
  sd_event_source *ls;
  struct {
    int fd;
    sd_event_source *s;
    uint8_t in[4096];
    size_t len;
  } c[MAX_CLIENTS];
  enum mode mode;
  uint8_t revoked[8][GNS_ZONE_ID_LEN];
  unsigned n_revoked;
  unsigned queries, revokes;
  uint8_t last_query[GNSD_REV_QUERY_LEN];
  uint8_t last_revoke[GNSD_REV_REVOKE_LEN];
};

static void fake_close(struct fake *f, int i) {
  f->c[i].s = sd_event_source_disable_unref(f->c[i].s);
  if (f->c[i].fd >= 0) close(f->c[i].fd);
  f->c[i].fd = -1;
  f->c[i].len = 0;
}

static void respond(int fd, uint16_t type, uint32_t v) {
  uint8_t m[8];
  gns_put_u16(m, 8);
  gns_put_u16(m + 2, type);
  gns_put_u32(m + 4, v);
  if (write(fd, m, sizeof m) != (ssize_t)sizeof m) abort();
}

static int on_client(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
  struct fake *f = userdata;
  (void)s;
  (void)revents;
  int i = 0;
  while (i < MAX_CLIENTS && f->c[i].fd != fd)
    i++;
  if (i == MAX_CLIENTS) return 0;
  ssize_t n = read(fd, f->c[i].in + f->c[i].len, sizeof f->c[i].in - f->c[i].len);
  if (n <= 0) {
    fake_close(f, i);
    return 0;
  }
  f->c[i].len += (size_t)n;
  while (f->c[i].len >= 4 && f->c[i].len >= gns_get_u16(f->c[i].in)) {
    size_t sz = gns_get_u16(f->c[i].in);
    uint16_t type = gns_get_u16(f->c[i].in + 2);
    if (type == GNSD_REV_MSG_QUERY && sz == GNSD_REV_QUERY_LEN) {
      f->queries++;
      memcpy(f->last_query, f->c[i].in, sz);
      bool rev = false;
      for (unsigned k = 0; k < f->n_revoked; k++)
        rev |= memcmp(f->revoked[k], f->c[i].in + 8, GNS_ZONE_ID_LEN) == 0;
      if (f->mode != SILENT) respond(fd, GNSD_REV_MSG_QUERY_RESPONSE, rev ? 0 : 1);
    } else if (type == GNSD_REV_MSG_REVOKE && sz == GNSD_REV_REVOKE_LEN) {
      f->revokes++;
      memcpy(f->last_revoke, f->c[i].in, sz);
      if (f->mode == DROP_ON_REVOKE) {
        fake_close(f, i);
        return 0;
      }
      if (f->mode == ANSWER) respond(fd, GNSD_REV_MSG_REVOKE_RESPONSE, 0);
    } else {
      fake_close(f, i);
      return 0;
    }
    memmove(f->c[i].in, f->c[i].in + sz, f->c[i].len - sz);
    f->c[i].len -= sz;
  }
  return 0;
}

static int on_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
  struct fake *f = userdata;
  (void)s;
  (void)revents;
  int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (c < 0) return 0;
  for (int i = 0; i < MAX_CLIENTS; i++)
    if (f->c[i].fd < 0) {
      f->c[i].fd = c;
      sd_event_add_io(f->ev, &f->c[i].s, c, EPOLLIN, on_client, f);
      return 0;
    }
  close(c);
  return 0;
}

static void fake_start(struct fake *f) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", f->path);
  unlink(f->path);
  f->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (f->lfd < 0 || bind(f->lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(f->lfd, 8) < 0)
    exit(99);
  sd_event_add_io(f->ev, &f->ls, f->lfd, EPOLLIN, on_accept, f);
}

/* The service goes away: every client is dropped, the socket is gone. */
static void fake_stop(struct fake *f) {
  for (int i = 0; i < MAX_CLIENTS; i++)
    fake_close(f, i);
  f->ls = sd_event_source_disable_unref(f->ls);
  if (f->lfd >= 0) close(f->lfd);
  f->lfd = -1;
  unlink(f->path);
}

static void fake_init(struct fake *f, sd_event *ev, const char *dir) {
  memset(f, 0, sizeof *f);
  f->ev = ev;
  f->lfd = -1;
  for (int i = 0; i < MAX_CLIENTS; i++)
    f->c[i].fd = -1;
  snprintf(f->path, sizeof f->path, "%s/revocation.sock", dir);
}

/* ---- helpers ---- */

static sd_event *ev;

#define DAY (24ull * 3600 * 1000000)

/* The clock the client and trust.c are given, as gnsd gives them its
 * one clock: the real one moved by clock_offset, so that moving it moves
 * what they compare expirations with. */
static uint64_t clock_offset;
static uint64_t test_clock(void *userdata) {
  (void)userdata;
  return real_us() + clock_offset;
}

/* Run the loop until cond(arg) or timeout_ms. */
static bool run_until(bool (*cond)(void *), void *arg, unsigned timeout_ms) {
  uint64_t end = mono_us() + timeout_ms * 1000ull;
  while (!cond(arg)) {
    if (mono_us() >= end) return false;
    sd_event_run(ev, 10000);
  }
  return true;
}

struct answer {
  int calls, error;
  bool revoked;
  int order; /* the global answer count when this one came */
};
static int answers_seen;

static void on_answer(void *userdata, int error, bool revoked) {
  struct answer *a = userdata;
  a->calls++;
  a->error = error;
  a->revoked = revoked;
  a->order = ++answers_seen;
}
static bool answered(void *arg) {
  return ((struct answer *)arg)->calls > 0;
}

struct pubwait {
  struct gnsd_revnet *rn;
  struct gns_zone_key zk;
  enum gnsd_revnet_pub want;
};
static bool pub_is(void *arg) {
  struct pubwait *w = arg;
  return gnsd_revnet_publish_state(w->rn, &w->zk, NULL) == w->want;
}

static void key_of(unsigned i, struct gns_zone_key *zk) {
  struct gns_zone_priv p;
  uint8_t d[32] = {0};
  d[0] = (uint8_t)(i + 1);
  if (gns_zone_priv_from_bytes(GNS_ZTYPE_EDKEY, d, sizeof d, &p) < 0 ||
      gns_zone_priv_public(&p, zk) < 0)
    exit(99);
}

/* ---- the codec ---- */

static void test_codec(void) {
  struct gns_zone_key zk;
  key_of(0, &zk);
  uint8_t zid[GNS_ZONE_ID_LEN], q[GNSD_REV_QUERY_LEN];
  gns_zone_key_to_bytes(&zk, zid);
  CHECK_INT(gnsd_rev_build_query(q, &zk), 0);
  /* GNUnet 0.19.3 QueryMessage: header, key_len, the key as written by
   * GNUNET_IDENTITY_write_public_key_to_buffer (ztype || key) */
  CHECK_INT(gns_get_u16(q), 44);
  CHECK_INT(gns_get_u16(q + 2), 636);
  CHECK_INT(gns_get_u32(q + 4), 36);
  CHECK_MEM(q + 8, zid, sizeof zid);

  const struct rfc9498_revocation_vector *v = &rfc9498_revocation_vectors[0];
  uint8_t proof[GNS_REVOCATION_LEN], m[GNSD_REV_REVOKE_LEN];
  CHECK_INT(check_hex(v->proof, proof, sizeof proof), GNS_REVOCATION_LEN);
  CHECK_INT(gnsd_rev_build_revoke(m, proof, sizeof proof), 0);
  CHECK_INT(gns_get_u16(m), 380);
  CHECK_INT(gns_get_u16(m + 2), 638);
  CHECK_INT(gns_get_u32(m + 4), GNS_REVOCATION_LEN);
  CHECK_MEM(m + 8, proof, sizeof proof);
  CHECK_INT(gnsd_rev_build_revoke(m, proof, sizeof proof - 1), -EINVAL);

  static const struct {
    const char *hex;
    int rc;
    uint16_t type;
    uint32_t valid;
  } cases[] = {
      {"0008 027d 00000001", 0, 637, 1},
      {"0008 027d 00000000", 0, 637, 0},
      {"0008 027f 00000000", 0, 639, 0},
      {"0008 027f 00000001", 0, 639, 1},
      {"0008 027d 00000002", -EBADMSG, 0, 0}, /* neither yes nor no */
      {"0009 027d 0000000100", -EBADMSG, 0, 0},
      {"0004 027d", -EBADMSG, 0, 0},
      {"0008 0091 00000001", -ENOMSG, 0, 0}, /* another message type */
      {"0007 027d 000000", -EBADMSG, 0, 0},
      {"0010 027d 00000001", -EBADMSG, 0, 0},
      {"00", -EBADMSG, 0, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint8_t b[16];
    size_t n = check_hex(cases[i].hex, b, sizeof b);
    uint16_t type = 0;
    uint32_t valid = 9;
    int rc = gnsd_rev_parse_response(b, n, &type, &valid);
    CHECK_INT(rc, cases[i].rc);
    if (rc == 0) {
      CHECK_INT(type, cases[i].type);
      CHECK_INT(valid, cases[i].valid);
    }
  }
}

/* ---- the client ---- */

static void test_queries(const char *dir) {
  struct fake f;
  fake_init(&f, ev, dir);
  struct gnsd_revnet *rn;
  /* No service: a query fails at once, it does not wait. */
  CHECK_INT(gnsd_revnet_new(ev, f.path, test_clock, NULL, &rn), 0);
  struct gnsd_revnet_tuning t = {
      .query_timeout = 300000, .backoff_min = 20000, .backoff_max = 50000};
  gnsd_revnet_tune(rn, &t);
  struct gns_zone_key k0, k1;
  key_of(0, &k0);
  key_of(1, &k1);
  struct answer a = {0}, b = {0};
  struct gnsd_revnet_query *h;
  uint64_t t0 = mono_us();
  CHECK_INT(gnsd_revnet_query(rn, &k0, on_answer, &a, &h), -ENOTCONN);
  CHECK(mono_us() - t0 < 100000);
  CHECK(!gnsd_revnet_connected(rn));

  /* Service up: two queries in flight, answered in order. */
  fake_start(&f);
  gns_zone_key_to_bytes(&k1, f.revoked[0]);
  f.n_revoked = 1;
  CHECK_INT(gnsd_revnet_query(rn, &k0, on_answer, &a, &h), 0);
  CHECK_INT(gnsd_revnet_query(rn, &k1, on_answer, &b, &h), 0);
  CHECK(run_until(answered, &b, 2000));
  CHECK_INT(a.calls, 1);
  CHECK_INT(a.error, 0);
  CHECK(!a.revoked);
  CHECK_INT(b.error, 0);
  CHECK(b.revoked);
  CHECK(a.order < b.order);
  uint8_t want[GNSD_REV_QUERY_LEN];
  gnsd_rev_build_query(want, &k1);
  CHECK_MEM(f.last_query, want, sizeof want);

  /* A cancelled query's answer keeps the rest in step. */
  struct answer c = {0}, d = {0};
  CHECK_INT(gnsd_revnet_query(rn, &k1, on_answer, &c, &h), 0);
  gnsd_revnet_query_cancel(rn, h);
  CHECK_INT(gnsd_revnet_query(rn, &k0, on_answer, &d, &h), 0);
  CHECK(run_until(answered, &d, 2000));
  CHECK_INT(c.calls, 0);
  CHECK_INT(d.error, 0);
  CHECK(!d.revoked);

  /* A silent service: -ETIMEDOUT after the timeout, not later. */
  f.mode = SILENT;
  struct answer e = {0};
  t0 = mono_us();
  CHECK_INT(gnsd_revnet_query(rn, &k0, on_answer, &e, &h), 0);
  CHECK(run_until(answered, &e, 3000));
  CHECK_INT(e.error, -ETIMEDOUT);
  CHECK(mono_us() - t0 < 1000000);

  /* The service goes away with a query in flight: -ENOTCONN. */
  struct answer g = {0};
  CHECK_INT(gnsd_revnet_query(rn, &k0, on_answer, &g, &h), 0);
  fake_stop(&f);
  CHECK(run_until(answered, &g, 2000));
  CHECK_INT(g.error, -ENOTCONN);

  /* Freed with a query in flight: -ECANCELED. */
  f.mode = SILENT;
  fake_start(&f);
  struct answer x = {0};
  for (int i = 0; i < 50 && gnsd_revnet_query(rn, &k0, on_answer, &x, &h) < 0; i++)
    sd_event_run(ev, 20000);
  gnsd_revnet_free(rn);
  CHECK_INT(x.calls, 1);
  CHECK_INT(x.error, -ECANCELED);
  fake_stop(&f);
}

static void test_publish(const char *dir) {
  struct fake f;
  fake_init(&f, ev, dir);
  struct gnsd_revnet *rn;
  CHECK_INT(gnsd_revnet_new(ev, f.path, test_clock, NULL, &rn), 0);
  struct gnsd_revnet_tuning t = {.backoff_min = 20000, .backoff_max = 100000};
  gnsd_revnet_tune(rn, &t);
  const struct rfc9498_revocation_vector *v = &rfc9498_revocation_vectors[0];
  uint8_t proof[GNS_REVOCATION_LEN];
  check_hex(v->proof, proof, sizeof proof);
  struct gns_revocation parsed;
  CHECK_INT(gns_revocation_parse(proof, sizeof proof, &parsed), 0);
  /* Ten days ahead: expirations and the time of acceptance are on the
   * clock the client was given, not on the machine's. */
  clock_offset = 10 * DAY;
  uint64_t far = test_clock(NULL) + 3600ull * 1000000;

  CHECK_INT(gnsd_revnet_publish(rn, proof, sizeof proof - 1, far), -EINVAL);
  /* Queued while the service is away. */
  CHECK_INT(gnsd_revnet_publish(rn, proof, sizeof proof, far), 0);
  CHECK_INT(gnsd_revnet_publish_state(rn, &parsed.zk, NULL), GNSD_REVNET_PUB_QUEUED);
  /* Sent when it comes, and accepted. */
  fake_start(&f);
  struct pubwait w = {rn, parsed.zk, GNSD_REVNET_PUB_ACCEPTED};
  CHECK(run_until(pub_is, &w, 3000));
  CHECK_INT(f.revokes, 1);
  uint8_t want[GNSD_REV_REVOKE_LEN];
  gnsd_rev_build_revoke(want, proof, sizeof proof);
  CHECK_MEM(f.last_revoke, want, sizeof want);
  uint64_t at = 0;
  gnsd_revnet_publish_state(rn, &parsed.zk, &at);
  CHECK(at >= real_us() + 9 * DAY);
  /* The same again: nothing to send. */
  CHECK_INT(gnsd_revnet_publish(rn, proof, sizeof proof, far), 0);
  sd_event_run(ev, 50000);
  CHECK_INT(f.revokes, 1);

  /* The service restarts (it may have lost it): sent again. */
  fake_stop(&f);
  fake_start(&f);
  w.want = GNSD_REVNET_PUB_SENT;
  bool resent = false;
  uint64_t end = mono_us() + 3000000;
  while (mono_us() < end && !(resent = f.revokes >= 2))
    sd_event_run(ev, 10000);
  CHECK(resent);
  w.want = GNSD_REVNET_PUB_ACCEPTED;
  CHECK(run_until(pub_is, &w, 3000));

  /* A service that drops the client on this revocation while it stays up
   * (its query connection lives on): rejected. */
  fake_stop(&f);
  f.mode = DROP_ON_REVOKE;
  fake_start(&f);
  /* Let the query connection settle on the new service first. */
  struct gns_zone_key k0;
  key_of(0, &k0);
  struct answer a = {0};
  struct gnsd_revnet_query *h;
  for (int i = 0; i < 100 && gnsd_revnet_query(rn, &k0, on_answer, &a, &h) < 0; i++)
    sd_event_run(ev, 20000);
  CHECK(run_until(answered, &a, 2000));
  w.want = GNSD_REVNET_PUB_REJECTED;
  CHECK(run_until(pub_is, &w, 8000));
  CHECK(f.revokes >= 2);

  json_object *st = json_object_new_object();
  gnsd_revnet_status(rn, st);
  json_object *rej;
  CHECK(json_object_object_get_ex(st, "rejected", &rej) && json_object_get_int(rej) == 1);
  json_object_put(st);
  gnsd_revnet_free(rn);
  fake_stop(&f);

  /* An expired revocation is not kept: expired on the given clock,
   * although the machine's has a day to go. */
  CHECK_INT(gnsd_revnet_new(ev, f.path, test_clock, NULL, &rn), 0);
  CHECK_INT(gnsd_revnet_publish(rn, proof, sizeof proof, test_clock(NULL) - 1), 0);
  CHECK_INT(gnsd_revnet_publish_state(rn, &parsed.zk, NULL), GNSD_REVNET_PUB_NONE);
  CHECK_INT(gnsd_revnet_publish(rn, proof, sizeof proof, real_us() + DAY), 0);
  CHECK_INT(gnsd_revnet_publish_state(rn, &parsed.zk, NULL), GNSD_REVNET_PUB_NONE);
  gnsd_revnet_free(rn);
  clock_offset = 0;
}

/* ---- trust.c: the store, the peer, and the memory of "valid" ---- */

struct verdict {
  int calls;
  enum gnsd_trust_verdict v;
  uint64_t until;
};
static void on_verdict(void *userdata, enum gnsd_trust_verdict v, uint64_t until) {
  struct verdict *r = userdata;
  r->calls++;
  r->v = v;
  r->until = until;
}
static bool verdict_in(void *arg) {
  return ((struct verdict *)arg)->calls > 0;
}
static int changes;
static void on_changed(void *userdata) {
  (void)userdata;
  changes++;
}

static void test_trust(const char *dir) {
  char sdir[200];
  snprintf(sdir, sizeof sdir, "%s/state", dir);
  if (mkdir(sdir, 0700) < 0) exit(99);
  struct gnsd_store *st;
  struct gnsd_trust *t;
  CHECK_INT(gnsd_store_open(sdir, &st), 0);
  CHECK_INT(gnsd_trust_new(st, test_clock, NULL, &t), 0);
  gnsd_trust_set_changed(t, on_changed, NULL);
  struct gns_zone_key k0, k1;
  key_of(0, &k0);
  key_of(1, &k1);
  struct gnsd_trust_check *h;
  uint64_t until, now = real_us();
  struct verdict a = {0}, b = {0}, c = {0};

  /* No network configured: the store's word, said to be local only. */
  CHECK_INT(gnsd_trust_check(t, &k0, now, on_verdict, &a, &h, &until), GNSD_TRUST_LOCAL);

  /* A peer that is not there: UNCHECKED at once. */
  struct fake f;
  fake_init(&f, ev, dir);
  struct gnsd_revnet *rn;
  CHECK_INT(gnsd_revnet_new(ev, f.path, test_clock, NULL, &rn), 0);
  gnsd_trust_set_network(t, rn, 120 * 1000000ull); /* capped at 60 s */
  CHECK_INT(gnsd_trust_check(t, &k0, now, on_verdict, &a, &h, &until), GNSD_TRUST_UNCHECKED);
  CHECK_INT(a.calls, 0);

  /* The peer says valid: asked once for two concurrent checks, then
   * remembered, for at most 60 s. */
  fake_start(&f);
  gns_zone_key_to_bytes(&k1, f.revoked[0]);
  f.n_revoked = 1;
  unsigned q0 = f.queries;
  CHECK_INT(gnsd_trust_check(t, &k0, now, on_verdict, &a, &h, &until), GNSD_TRUST_PENDING);
  CHECK_INT(gnsd_trust_check(t, &k0, now, on_verdict, &b, &h, &until), GNSD_TRUST_PENDING);
  CHECK(run_until(verdict_in, &b, 2000));
  CHECK_INT(a.calls, 1);
  CHECK_INT(a.v, GNSD_TRUST_VALID);
  CHECK_INT(b.v, GNSD_TRUST_VALID);
  CHECK_INT(f.queries - q0, 1);
  now = real_us();
  CHECK_INT(gnsd_trust_check(t, &k0, now, on_verdict, &c, &h, &until), GNSD_TRUST_VALID);
  CHECK(until > now && until <= now + GNSD_TRUST_VALID_TTL_MAX);
  CHECK_INT(f.queries - q0, 1);
  /* ... and asked again once that ran out. */
  struct verdict d = {0};
  CHECK_INT(
      gnsd_trust_check(t, &k0, now + GNSD_TRUST_VALID_TTL_MAX + 1, on_verdict, &d, &h, &until),
      GNSD_TRUST_PENDING);
  CHECK(run_until(verdict_in, &d, 2000));
  CHECK_INT(f.queries - q0, 2);

  /* The clock moves a day: a "valid" now holds for valid_ttl from then. */
  clock_offset = DAY;
  struct gns_zone_key k4;
  key_of(4, &k4);
  struct verdict v4 = {0};
  CHECK_INT(gnsd_trust_check(t, &k4, test_clock(NULL), on_verdict, &v4, &h, &until),
            GNSD_TRUST_PENDING);
  CHECK(run_until(verdict_in, &v4, 2000));
  CHECK_INT(v4.v, GNSD_TRUST_VALID);
  CHECK(v4.until > real_us() + DAY && v4.until <= test_clock(NULL) + GNSD_TRUST_VALID_TTL_MAX);

  /* The peer says revoked: stored (without a message, held for
   * GNSD_TRUST_REPORTED_HOLD on the moved clock), the changed callback
   * runs, and the store answers from then on. */
  struct verdict e = {0};
  CHECK_INT(gnsd_trust_check(t, &k1, real_us(), on_verdict, &e, &h, &until), GNSD_TRUST_PENDING);
  CHECK(run_until(verdict_in, &e, 2000));
  CHECK_INT(e.v, GNSD_TRUST_REVOKED);
  CHECK_INT(changes, 1);
  CHECK(gnsd_store_is_revoked(st, &k1, real_us()));
  struct gnsd_revocation rev;
  CHECK_INT(gnsd_store_revocation_get(st, &k1, &rev), 0);
  CHECK_INT(rev.message_len, 0);
  CHECK(rev.expires > real_us() + DAY + GNSD_TRUST_REPORTED_HOLD - 60 * 1000000ull);
  free(rev.message);
  unsigned q1 = f.queries;
  CHECK_INT(gnsd_trust_check(t, &k1, real_us(), on_verdict, &e, &h, &until), GNSD_TRUST_REVOKED);
  CHECK_INT(f.queries, q1);

  /* A cancelled check is never called back. */
  struct verdict g = {0}, x = {0};
  struct gns_zone_key k2;
  key_of(2, &k2);
  CHECK_INT(gnsd_trust_check(t, &k2, real_us(), on_verdict, &g, &h, &until), GNSD_TRUST_PENDING);
  gnsd_trust_check_cancel(t, h);
  CHECK_INT(gnsd_trust_check(t, &k0, real_us() + 2 * GNSD_TRUST_VALID_TTL_MAX, on_verdict, &x, &h,
                             &until),
            GNSD_TRUST_PENDING);
  CHECK(run_until(verdict_in, &x, 2000));
  CHECK_INT(g.calls, 0);

  /* A silent peer: UNCHECKED after the query timeout, not later. */
  f.mode = SILENT;
  struct gnsd_revnet_tuning tu = {.query_timeout = 200000};
  gnsd_revnet_tune(rn, &tu);
  struct verdict y = {0};
  struct gns_zone_key k3;
  key_of(3, &k3);
  uint64_t t0 = mono_us();
  CHECK_INT(gnsd_trust_check(t, &k3, real_us(), on_verdict, &y, &h, &until), GNSD_TRUST_PENDING);
  CHECK(run_until(verdict_in, &y, 2000));
  CHECK_INT(y.v, GNSD_TRUST_UNCHECKED);
  CHECK(mono_us() - t0 < 1000000);

  clock_offset = 0;
  gnsd_trust_free(t);
  gnsd_revnet_free(rn);
  fake_stop(&f);
  gnsd_store_close(st);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", sdir);
  if (system(cmd) != 0) check_failures++;
}

int main(void) {
  char dir[] = "/tmp/test-revnet.XXXXXX";
  if (!mkdtemp(dir)) return 99;
  if (sd_event_new(&ev) < 0) return 99;
  test_codec();
  test_queries(dir);
  test_publish(dir);
  test_trust(dir);
  sd_event_unref(ev);
  char p[160];
  snprintf(p, sizeof p, "%s/revocation.sock", dir);
  unlink(p);
  rmdir(dir);
  return check_failures ? 1 : 0;
}
