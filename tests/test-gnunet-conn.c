/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The GNUnet client connection (helper/gnunet-conn.c) and its framing
 * (helper/gnunet-msg.c), against a unix socket server in this process:
 * messages split across reads and coalesced into one, a zero-size and an
 * oversized header refused (the connection goes, the backoff brings it
 * back), the send queue's bound, a service that is absent at first, one
 * that closes the connection, and a callback that drops the connection
 * while more messages wait in the buffer. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "check.h"
#include "clock-us.h"
#include "gns-util.h"
#include "gnunet-conn.h"
#include "gnunet-msg.h"

#define WAIT_US (3 * 1000000ull)
#define BACKOFF_MIN 10000ull
#define BACKOFF_MAX 40000ull

/* ---- the framing, without sockets ---- */

static void test_msg_next(void) {
  static const struct {
    const char *what;
    uint8_t buf[12];
    size_t len, max;
    int ret;
    size_t size;
  } cases[] = {
      {"nothing yet", {0}, 0, 100, -EAGAIN, 0},
      {"half a header", {0x00, 0x08, 0x01}, 3, 100, -EAGAIN, 0},
      {"header of a longer message", {0x00, 0x08, 0x01, 0x02}, 4, 100, -EAGAIN, 0},
      {"a header alone", {0x00, 0x04, 0x01, 0x02}, 4, 100, 0, 4},
      {"one whole message", {0x00, 0x06, 0x00, 0x2a, 0xaa, 0xbb}, 6, 100, 0, 6},
      {"a message and more", {0x00, 0x05, 0x00, 0x2a, 0xaa, 0x00, 0x04}, 7, 100, 0, 5},
      {"size zero", {0x00, 0x00, 0x00, 0x2a}, 4, 100, -EBADMSG, 0},
      {"size below the header", {0x00, 0x03, 0x00, 0x2a, 0x00}, 5, 100, -EBADMSG, 0},
      {"size above max", {0x00, 0x0b, 0x00, 0x2a}, 4, 10, -EBADMSG, 0},
      {"size at max", {0x00, 0x0a, 0x00, 0x2a, 1, 2, 3, 4, 5, 6}, 10, 10, 0, 10},
      {"largest size the field says", {0xff, 0xff, 0x00, 0x2a}, 4, GNSD_GNUNET_MSG_MAX, -EAGAIN, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t size = 0;
    int r = gnsd_gnunet_msg_next(cases[i].buf, cases[i].len, cases[i].max, &size);
    if (r != cases[i].ret || size != cases[i].size) {
      fprintf(stderr, "msg_next %s: %d size %zu, want %d size %zu\n", cases[i].what, r, size,
              cases[i].ret, cases[i].size);
      check_failures++;
    }
  }
  static const uint8_t m[] = {0x00, 0x04, 0x02, 0x7b};
  CHECK_INT(gnsd_gnunet_msg_type(m), 635);
}

/* ---- a service on a unix socket, driven by the test ---- */

struct server {
  char dir[64], path[108];
  int lfd, cfd;
};

static void server_listen(struct server *s) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", s->path);
  s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(s->lfd, 8) < 0)
    exit(99);
}

static void server_up(struct server *s) {
  strcpy(s->dir, "/tmp/test-gnunet-conn-XXXXXX");
  if (!mkdtemp(s->dir)) exit(99);
  snprintf(s->path, sizeof s->path, "%s/service.sock", s->dir);
  s->cfd = -1;
  server_listen(s);
}

static void server_drop(struct server *s) {
  if (s->cfd >= 0) close(s->cfd);
  s->cfd = -1;
}

/* The service goes away entirely (socket file too). */
static void server_stop(struct server *s) {
  server_drop(s);
  if (s->lfd >= 0) close(s->lfd);
  s->lfd = -1;
  unlink(s->path);
}

static void server_down(struct server *s) {
  server_stop(s);
  rmdir(s->dir);
}

/* Take the client's pending connection. */
static bool server_accept(struct server *s) {
  server_drop(s);
  s->cfd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  return s->cfd >= 0;
}

static void server_write(struct server *s, const uint8_t *b, size_t len) {
  if (send(s->cfd, b, len, MSG_NOSIGNAL) != (ssize_t)len) {
    fprintf(stderr, "the service could not write %zu bytes to the client\n", len);
    check_failures++;
  }
}

/* Everything the client sent so far (bounded by cap). */
static size_t server_read(struct server *s, uint8_t *b, size_t cap) {
  size_t n = 0;
  while (n < cap) {
    ssize_t r = recv(s->cfd, b + n, cap - n, MSG_DONTWAIT);
    if (r <= 0) break;
    n += (size_t)r;
  }
  return n;
}

static size_t make_msg(uint8_t *m, uint16_t type, size_t len, uint8_t fill) {
  gns_put_u16(m, (uint16_t)len);
  gns_put_u16(m + 2, type);
  memset(m + 4, fill, len - 4);
  return len;
}

/* ---- the client under test ---- */

struct seen {
  struct gnsd_gnunet_conn *c;
  unsigned connects, disconnects, msgs;
  uint16_t types[64];
  size_t lens[64];
  bool intact;            /* every payload byte equals the low byte of its type */
  uint16_t drop_on_type;  /* on_message disconnects on this type (0: never) */
  bool reconnect_at_once; /* ... and connects again from the callback */
};

static void on_connect(void *userdata) {
  ((struct seen *)userdata)->connects++;
}

static void on_disconnect(void *userdata) {
  ((struct seen *)userdata)->disconnects++;
}

static void on_message(void *userdata, const uint8_t *m, size_t len) {
  struct seen *s = userdata;
  uint16_t type = gnsd_gnunet_msg_type(m);
  if (gns_get_u16(m) != len) s->intact = false;
  for (size_t i = 4; i < len; i++)
    if (m[i] != (uint8_t)type) s->intact = false;
  if (s->msgs < 64) {
    s->types[s->msgs] = type;
    s->lens[s->msgs] = len;
  }
  s->msgs++;
  if (s->drop_on_type && type == s->drop_on_type) {
    gnsd_gnunet_conn_disconnect(s->c, "test drops it");
    if (s->reconnect_at_once) (void)gnsd_gnunet_conn_connect(s->c);
  }
}

static struct gnsd_gnunet_conn *client_new(sd_event *ev, const char *path, struct seen *s,
                                           size_t max_queue, size_t max_msg) {
  const struct gnsd_gnunet_conn_args a = {
      .event = ev,
      .path = path,
      .name = "test",
      .max_queue = max_queue,
      .max_msg = max_msg,
      .backoff_min = BACKOFF_MIN,
      .backoff_max = BACKOFF_MAX,
      .on_connect = on_connect,
      .on_message = on_message,
      .on_disconnect = on_disconnect,
      .userdata = s,
  };
  *s = (struct seen){.intact = true};
  struct gnsd_gnunet_conn *c = NULL;
  if (gnsd_gnunet_conn_new(&a, &c) < 0) exit(99);
  s->c = c;
  return c;
}

typedef bool (*pred_fn)(const struct seen *s, unsigned arg);

static bool run_until(sd_event *ev, pred_fn p, const struct seen *s, unsigned arg) {
  uint64_t end = mono_us() + WAIT_US;
  while (!p(s, arg)) {
    if (mono_us() >= end) return false;
    if (sd_event_run(ev, 10000) < 0) return false;
  }
  return true;
}

static bool p_msgs(const struct seen *s, unsigned n) {
  return s->msgs >= n;
}
static bool p_connects(const struct seen *s, unsigned n) {
  return s->connects >= n;
}
static bool p_disconnects(const struct seen *s, unsigned n) {
  return s->disconnects >= n;
}

/* Let the loop run a little (for things that must not happen). */
static void run_for(sd_event *ev, uint64_t us) {
  uint64_t end = mono_us() + us;
  while (mono_us() < end)
    sd_event_run(ev, 5000);
}

/* ---- cases ---- */

/* Coalesced messages arrive one by one; a message split in pieces
 * arrives once, whole; what the client sends arrives byte for byte. */
static void test_split_and_coalesced(sd_event *ev) {
  struct server sv;
  server_up(&sv);
  struct seen s;
  struct gnsd_gnunet_conn *c = client_new(ev, sv.path, &s, 0, 0);
  CHECK_INT(gnsd_gnunet_conn_state(c), GNSD_GNUNET_CONN_DISCONNECTED);
  CHECK_INT(gnsd_gnunet_conn_connect(c), 0);
  CHECK_INT(gnsd_gnunet_conn_state(c), GNSD_GNUNET_CONN_CONNECTED);
  CHECK_INT(s.connects, 1);
  CHECK(gnsd_gnunet_conn_connected_at(c) > 0);
  CHECK_STR(gnsd_gnunet_conn_last_error(c), "");
  CHECK(server_accept(&sv));

  /* three messages in one write */
  uint8_t buf[70000];
  size_t n = make_msg(buf, 0x11, 4, 0x11);
  n += make_msg(buf + n, 0x22, 10, 0x22);
  n += make_msg(buf + n, 0x33, 300, 0x33);
  server_write(&sv, buf, n);
  CHECK(run_until(ev, p_msgs, &s, 3));
  CHECK_INT(s.msgs, 3);
  CHECK(s.types[0] == 0x11 && s.lens[0] == 4);
  CHECK(s.types[1] == 0x22 && s.lens[1] == 10);
  CHECK(s.types[2] == 0x33 && s.lens[2] == 300);

  /* one message of the largest size, in pieces of 1, 3 and 5000 bytes,
   * the loop running between them */
  size_t big = make_msg(buf, 0x44, GNSD_GNUNET_MSG_MAX, 0x44);
  size_t pos = 0, piece[] = {1, 3, 5000};
  for (unsigned i = 0; pos < big; i++) {
    size_t k = piece[i % 3] < big - pos ? piece[i % 3] : big - pos;
    server_write(&sv, buf + pos, k);
    pos += k;
    if (i < 6) run_for(ev, 2000);
    if (i < 6) CHECK_INT(s.msgs, 3); /* not before it is whole */
  }
  CHECK(run_until(ev, p_msgs, &s, 4));
  CHECK_INT(s.msgs, 4);
  CHECK(s.types[3] == 0x44 && s.lens[3] == GNSD_GNUNET_MSG_MAX);
  /* the end of one message and the start of the next in one write */
  n = make_msg(buf, 0x55, 20, 0x55);
  n += make_msg(buf + n, 0x66, 20, 0x66);
  server_write(&sv, buf, 25);
  CHECK(run_until(ev, p_msgs, &s, 5));
  server_write(&sv, buf + 25, n - 25);
  CHECK(run_until(ev, p_msgs, &s, 6));
  CHECK(s.types[4] == 0x55 && s.types[5] == 0x66);
  CHECK(s.intact);

  /* client to service */
  uint8_t m[64], got[256];
  size_t ml = make_msg(m, 0x77, sizeof m, 0x77);
  CHECK_INT(gnsd_gnunet_conn_send(c, m, ml), 0);
  CHECK_INT(gnsd_gnunet_conn_send(c, m, ml), 0);
  CHECK_INT(server_read(&sv, got, sizeof got), 2 * ml);
  CHECK_MEM(got, m, ml);
  CHECK_MEM(got + ml, m, ml);
  /* not a message: refused, nothing sent */
  CHECK_INT(gnsd_gnunet_conn_send(c, m, ml - 1), -EINVAL);
  CHECK_INT(gnsd_gnunet_conn_send(c, m, 3), -EINVAL);
  CHECK_INT(server_read(&sv, got, sizeof got), 0);
  CHECK_INT(s.disconnects, 0);
  gnsd_gnunet_conn_free(c);
  server_down(&sv);
}

/* A header that says zero bytes, or more than max_msg, cannot be
 * followed: the connection goes (on_disconnect, last error), nothing of
 * it is delivered, and the backoff connects again. */
static void test_bad_headers(sd_event *ev) {
  static const struct {
    const char *what;
    uint8_t hdr[4];
  } bad[] = {
      {"zero size", {0x00, 0x00, 0x00, 0x11}},
      {"size below the header", {0x00, 0x02, 0x00, 0x11}},
      {"oversized (above max_msg 64)", {0x00, 0x41, 0x00, 0x11}},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct server sv;
    server_up(&sv);
    struct seen s;
    struct gnsd_gnunet_conn *c = client_new(ev, sv.path, &s, 0, 64);
    CHECK_INT(gnsd_gnunet_conn_connect(c), 0);
    CHECK(server_accept(&sv));
    /* max_msg itself is fine */
    uint8_t m[64];
    server_write(&sv, m, make_msg(m, 0x12, 64, 0x12));
    CHECK(run_until(ev, p_msgs, &s, 1));
    server_write(&sv, bad[i].hdr, sizeof bad[i].hdr);
    if (!run_until(ev, p_disconnects, &s, 1)) {
      fprintf(stderr, "bad header %s: the connection stayed\n", bad[i].what);
      check_failures++;
    }
    CHECK_INT(s.msgs, 1);
    CHECK(strstr(gnsd_gnunet_conn_last_error(c), "malformed") != NULL);
    CHECK(!strncmp(gnsd_gnunet_conn_last_error(c), "test: ", 6));
    CHECK(gnsd_gnunet_conn_state(c) != GNSD_GNUNET_CONN_CONNECTED);
    /* back by itself */
    CHECK(run_until(ev, p_connects, &s, 2));
    CHECK(server_accept(&sv));
    server_write(&sv, m, make_msg(m, 0x13, 8, 0x13));
    CHECK(run_until(ev, p_msgs, &s, 2));
    CHECK(s.types[1] == 0x13 && s.intact);
    struct gnsd_gnunet_conn_stats st;
    gnsd_gnunet_conn_stats(c, &st);
    CHECK(st.connects == 2 && st.disconnects == 1);
    gnsd_gnunet_conn_free(c);
    server_down(&sv);
  }
}

/* The service closes the connection: on_disconnect, then the backoff
 * reconnects and on_connect runs again (the client re-sends its state
 * there). A service that is gone for a while is retried until it is
 * back. */
static void test_reconnect(sd_event *ev) {
  struct server sv;
  server_up(&sv);
  struct seen s;
  struct gnsd_gnunet_conn *c = client_new(ev, sv.path, &s, 0, 0);
  CHECK_INT(gnsd_gnunet_conn_connect(c), 0);
  CHECK(server_accept(&sv));
  server_drop(&sv);
  CHECK(run_until(ev, p_disconnects, &s, 1));
  CHECK_STR(gnsd_gnunet_conn_last_error(c), "test: the service closed the connection");
  uint8_t m[8];
  make_msg(m, 0x21, sizeof m, 0x21);
  CHECK(run_until(ev, p_connects, &s, 2));
  CHECK_STR(gnsd_gnunet_conn_last_error(c), "");
  CHECK(server_accept(&sv));
  CHECK_INT(gnsd_gnunet_conn_send(c, m, sizeof m), 0);
  uint8_t got[16];
  CHECK_INT(server_read(&sv, got, sizeof got), sizeof m);

  /* gone for a while: several failed attempts, then back */
  server_stop(&sv);
  CHECK(run_until(ev, p_disconnects, &s, 2));
  CHECK_INT(gnsd_gnunet_conn_send(c, m, sizeof m), -ENOTCONN);
  struct gnsd_gnunet_conn_stats st0, st1;
  gnsd_gnunet_conn_stats(c, &st0);
  run_for(ev, 4 * BACKOFF_MAX);
  gnsd_gnunet_conn_stats(c, &st1);
  CHECK(st1.connect_failures >= st0.connect_failures + 2);
  CHECK_INT(s.connects, 2);
  CHECK(strstr(gnsd_gnunet_conn_last_error(c), sv.path) != NULL);
  server_listen(&sv);
  CHECK(run_until(ev, p_connects, &s, 3));
  CHECK(server_accept(&sv));
  gnsd_gnunet_conn_free(c);
  server_down(&sv);
}

/* Not there when the client starts: connect says why at once, and the
 * backoff keeps trying until the service appears. */
static void test_absent_at_start(sd_event *ev) {
  struct server sv;
  server_up(&sv);
  server_stop(&sv);
  struct seen s;
  struct gnsd_gnunet_conn *c = client_new(ev, sv.path, &s, 0, 0);
  CHECK_INT(gnsd_gnunet_conn_connect(c), -ENOENT);
  CHECK_INT(gnsd_gnunet_conn_state(c), GNSD_GNUNET_CONN_DISCONNECTED);
  CHECK_STR(gnsd_gnunet_conn_state_name(gnsd_gnunet_conn_state(c)), "disconnected");
  CHECK(gnsd_gnunet_conn_last_error(c)[0] != '\0');
  CHECK_INT(s.connects + s.disconnects, 0);
  server_listen(&sv);
  CHECK(run_until(ev, p_connects, &s, 1));
  CHECK_INT(s.disconnects, 0); /* a failed connect is not a disconnect */
  gnsd_gnunet_conn_free(c);
  server_down(&sv);

  char longp[200];
  memset(longp, 'a', sizeof longp - 1);
  longp[sizeof longp - 1] = 0;
  struct gnsd_gnunet_conn_args a = {.event = ev, .path = longp, .on_message = on_message};
  CHECK_INT(gnsd_gnunet_conn_new(&a, &c), -ENAMETOOLONG);
  a.path = "";
  CHECK_INT(gnsd_gnunet_conn_new(&a, &c), -EINVAL);
  a.path = "/x";
  a.on_message = NULL;
  CHECK_INT(gnsd_gnunet_conn_new(&a, &c), -EINVAL);
}

/* A service that does not read: the kernel's buffer fills, then the
 * queue up to max_queue, then sends are refused; once it reads, all
 * that was accepted arrives. */
static void test_queue_bound(sd_event *ev) {
  struct server sv;
  server_up(&sv);
  struct seen s;
  const size_t max_queue = 8192;
  struct gnsd_gnunet_conn *c = client_new(ev, sv.path, &s, max_queue, 0);
  CHECK_INT(gnsd_gnunet_conn_connect(c), 0);
  CHECK(server_accept(&sv));
  uint8_t m[1000];
  make_msg(m, 0x31, sizeof m, 0x31);
  size_t accepted = 0;
  int r = 0;
  for (unsigned i = 0; i < 100000 && (r = gnsd_gnunet_conn_send(c, m, sizeof m)) == 0; i++)
    accepted++;
  CHECK_INT(r, -ENOBUFS);
  CHECK(gnsd_gnunet_conn_queued(c) <= max_queue);
  CHECK(gnsd_gnunet_conn_queued(c) + sizeof m > max_queue);
  CHECK_INT(gnsd_gnunet_conn_state(c), GNSD_GNUNET_CONN_CONNECTED);
  /* drain: the loop sends the queue as the socket takes it */
  size_t total = 0;
  static uint8_t got[1 << 16];
  uint64_t end = mono_us() + WAIT_US;
  while (total < accepted * sizeof m && mono_us() < end) {
    total += server_read(&sv, got, sizeof got);
    sd_event_run(ev, 1000);
  }
  CHECK_INT(total, accepted * sizeof m);
  CHECK_INT(gnsd_gnunet_conn_queued(c), 0);
  CHECK_INT(gnsd_gnunet_conn_send(c, m, sizeof m), 0);
  gnsd_gnunet_conn_free(c);
  server_down(&sv);
}

/* on_message drops the connection while more messages of it wait in the
 * buffer: they belong to the dead connection and are not delivered, also
 * when the callback connects again at once. */
static void test_drop_from_callback(sd_event *ev) {
  for (int again = 0; again < 2; again++) {
    struct server sv;
    server_up(&sv);
    struct seen s;
    struct gnsd_gnunet_conn *c = client_new(ev, sv.path, &s, 0, 0);
    s.drop_on_type = 0x42;
    s.reconnect_at_once = again;
    CHECK_INT(gnsd_gnunet_conn_connect(c), 0);
    CHECK(server_accept(&sv));
    uint8_t buf[64];
    size_t n = make_msg(buf, 0x41, 8, 0x41);
    n += make_msg(buf + n, 0x42, 8, 0x42);
    n += make_msg(buf + n, 0x43, 8, 0x43);
    n += make_msg(buf + n, 0x44, 8, 0x44);
    server_write(&sv, buf, n);
    CHECK(run_until(ev, p_disconnects, &s, 1));
    run_for(ev, 20000);
    CHECK_INT(s.msgs, 2);
    CHECK(s.types[1] == 0x42);
    if (again) {
      CHECK_INT(s.connects, 2);
      /* the new connection works */
      CHECK(server_accept(&sv));
      server_write(&sv, buf + 16, 8);
      CHECK(run_until(ev, p_msgs, &s, 3));
      CHECK(s.types[2] == 0x43);
    }
    CHECK(s.intact);
    gnsd_gnunet_conn_free(c);
    server_down(&sv);
  }
}

int main(void) {
  test_msg_next();
  sd_event *ev;
  if (sd_event_new(&ev) < 0) return 99;
  test_split_and_coalesced(ev);
  test_bad_headers(ev);
  test_reconnect(ev);
  test_absent_at_start(ev);
  test_queue_bound(ev);
  test_drop_from_callback(ev);
  sd_event_unref(ev);
  return check_done("test-gnunet-conn");
}
