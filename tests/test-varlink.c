/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The varlink server over socketpairs, in one process: framing, ordering
 * of pipelined and asynchronous replies, oneway, more, error replies,
 * limits, orphaned calls and flow control. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "check.h"
#include "gns-util.h"
#include "log.h"
#include "varlink-server.h"

static sd_event *ev;
static struct varlink_server *srv;
static int cancels;
static int timers_pending;

/* --- the test interface --- */

static int m_echo(struct varlink_call *call, json_object *params, void *ud) {
  (void)ud;
  return varlink_call_reply(call, json_object_get(params)), 0;
}

struct later {
  struct varlink_call *call;
  int64_t tag;
};

static int on_later(sd_event_source *s, uint64_t usec, void *ud) {
  (void)usec;
  struct later *l = ud;
  json_object *p = json_object_new_object();
  json_object_object_add(p, "tag", json_object_new_int64(l->tag));
  varlink_call_reply(l->call, p);
  free(l);
  sd_event_source_unref(s);
  timers_pending--;
  return 0;
}

static void on_cancel(struct varlink_call *call, void *ud) {
  (void)call;
  (void)ud;
  cancels++;
}

/* Later(delay_ms, tag): replies {tag} after delay_ms. */
static int m_later(struct varlink_call *call, json_object *params, void *ud) {
  (void)ud;
  static const struct varlink_field f[] = {
      {"delay", VARLINK_INT, false}, {"tag", VARLINK_INT, true}, {NULL, VARLINK_ANY, false}};
  if (varlink_call_check_params(call, params, f) < 0) return 0;
  struct later *l = calloc(1, sizeof *l);
  l->call = call;
  l->tag = varlink_param_int(params, "tag", 0);
  uint64_t now;
  sd_event_now(ev, CLOCK_MONOTONIC, &now);
  sd_event_add_time(ev, NULL, CLOCK_MONOTONIC,
                    now + (uint64_t)varlink_param_int(params, "delay", 0) * 1000, 0, on_later, l);
  /* the NULL slot makes the source floating; keep a count instead */
  timers_pending++;
  varlink_call_set_cancel(call, on_cancel, NULL);
  return 0;
}

static int m_stream(struct varlink_call *call, json_object *params, void *ud) {
  (void)params;
  (void)ud;
  if (!varlink_call_more(call))
    return varlink_call_error(call, "org.varlink.service.ExpectedMore", NULL), 0;
  for (int i = 0; i < 3; i++) {
    json_object *p = json_object_new_object();
    json_object_object_add(p, "i", json_object_new_int(i));
    CHECK_INT(varlink_call_notify(call, p), 0);
  }
  return varlink_call_reply(call, NULL), 0;
}

static int m_fail(struct varlink_call *call, json_object *params, void *ud) {
  (void)call;
  (void)params;
  (void)ud;
  return -EIO;
}

static int m_typed(struct varlink_call *call, json_object *params, void *ud) {
  (void)ud;
  static const struct varlink_field f[] = {
      {"s", VARLINK_STRING, false}, {"i", VARLINK_INT, true},    {"b", VARLINK_BOOL, true},
      {"a", VARLINK_ARRAY, true},   {"o", VARLINK_OBJECT, true}, {NULL, VARLINK_ANY, false}};
  if (varlink_call_check_params(call, params, f) < 0) return 0;
  return varlink_call_reply(call, NULL), 0;
}

/* Text(): a reply given as serialised JSON, sent as it is. */
static int m_text(struct varlink_call *call, json_object *params, void *ud) {
  (void)params;
  (void)ud;
  static const char text[] = "{\"a\":[1,2],\"s\":\"x/y\"}";
  return varlink_call_reply_json(call, text, sizeof text - 1), 0;
}

/* Peer(): the peer's uid and whether our gid is one of its groups. */
static int m_peer(struct varlink_call *call, json_object *params, void *ud) {
  (void)params;
  (void)ud;
  json_object *p = json_object_new_object();
  json_object_object_add(p, "uid", json_object_new_int64((int64_t)varlink_call_peer(call)->uid));
  json_object_object_add(p, "inGroup",
                         json_object_new_boolean(varlink_call_peer_in_group(call, getgid())));
  return varlink_call_reply(call, p), 0;
}

static int m_request_text(struct varlink_call *call, json_object *params, void *ud) {
  (void)params;
  (void)ud;
  size_t len = 0;
  const char *t = varlink_call_request(call, &len);
  json_object *p = json_object_new_object();
  json_object_object_add(p, "text", t ? json_object_new_string_len(t, (int)len) : NULL);
  return varlink_call_reply(call, p), 0;
}

static const struct varlink_method test_methods[] = {
    {"Echo", m_echo},   {"Later", m_later}, {"Stream", m_stream}, {"Fail", m_fail},
    {"Typed", m_typed}, {"Text", m_text},   {"Peer", m_peer},     {"RequestText", m_request_text},
    {NULL, NULL},
};

static const struct varlink_interface test_iface = {
    .name = "org.example.test",
    .description = "# test\ninterface org.example.test\nmethod Echo() -> ()\n"
                   "method Later() -> ()\nmethod Stream() -> ()\nmethod Fail() -> ()\n"
                   "method Typed() -> ()\nmethod Text() -> ()\nmethod Peer() -> ()\n"
                   "method RequestText() -> ()\n",
    .methods = test_methods,
    .failure_error = "org.example.test.Failed",
};

static bool deny_all(struct varlink_call *call, void *ud) {
  (void)call;
  (void)ud;
  return false;
}

static const struct varlink_method secret_methods[] = {{"Echo", m_echo}, {NULL, NULL}};
static const struct varlink_interface secret_iface = {
    .name = "org.example.secret",
    .description = "interface org.example.secret\nmethod Echo() -> ()\n",
    .methods = secret_methods,
    .authorize = deny_all,
    .denied_error = "org.example.secret.PermissionDenied",
};

/* --- a tiny client --- */

static int connect_client(void) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) abort();
  if (varlink_server_add_connection(srv, sv[0]) < 0) abort();
  return sv[1];
}

static uint64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void send_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) abort();
    p += w;
    n -= (size_t)w;
  }
}

static void send_msg(int fd, const char *json) {
  send_all(fd, json, strlen(json) + 1);
}

struct replies {
  char buf[1 << 20];
  size_t len;
  size_t count;
  bool eof;
  json_object *msg[64];
};

static void replies_free(struct replies *r) {
  for (size_t i = 0; i < r->count && i < 64; i++)
    json_object_put(r->msg[i]);
}

/* Run the loop until n replies arrived on fd (or EOF, or 3 s passed). */
static void collect(int fd, size_t n, struct replies *r) {
  memset(r, 0, sizeof *r);
  uint64_t deadline = mono_ms() + 3000;
  while (r->count < n && !r->eof && mono_ms() < deadline) {
    sd_event_run(ev, 5000);
    for (;;) {
      ssize_t got = recv(fd, r->buf + r->len, sizeof r->buf - r->len - 1, MSG_DONTWAIT);
      if (got == 0) r->eof = true;
      if (got <= 0) break;
      r->len += (size_t)got;
    }
    size_t start = 0, count = 0;
    for (size_t i = 0; i < r->len; i++) {
      if (r->buf[i] != '\0') continue;
      if (count >= r->count && count < 64) r->msg[count] = json_tokener_parse(r->buf + start);
      count++;
      start = i + 1;
    }
    r->count = count;
  }
}

static void run_for(unsigned ms) {
  uint64_t deadline = mono_ms() + ms;
  while (mono_ms() < deadline)
    sd_event_run(ev, 5000);
}

static const char *str_at(json_object *o, const char *k1, const char *k2) {
  json_object *v = NULL;
  if (!o || !json_object_object_get_ex(o, k1, &v)) return NULL;
  if (k2 && (!v || !json_object_object_get_ex(v, k2, &v))) return NULL;
  return v ? json_object_get_string(v) : NULL;
}

static int64_t int_at(json_object *o, const char *k1, const char *k2) {
  json_object *v = NULL;
  if (!o || !json_object_object_get_ex(o, k1, &v)) return -1;
  if (k2 && (!v || !json_object_object_get_ex(v, k2, &v))) return -1;
  return v ? json_object_get_int64(v) : -1;
}

/* One request, one reply: return its "error" (or "" if none). */
struct error_case {
  const char *request;
  const char *error;     /* "" = success expected */
  const char *parameter; /* expected InvalidParameter parameter, or NULL */
};

static const struct error_case error_cases[] = {
    {"{\"method\":\"org.example.test.Echo\"}", "", NULL},
    {"{\"method\":\"org.example.test.Echo\",\"parameters\":null}", "", NULL},
    {"{\"method\":\"org.example.test.Echo\",\"parameters\":{}}", "", NULL},
    {"  {\"method\":\"org.example.test.Echo\"} \n", "", NULL},
    {"{\"method\":\"org.example.test.Nope\"}", "org.varlink.service.MethodNotFound", NULL},
    {"{\"method\":\"org.example.nope.Echo\"}", "org.varlink.service.InterfaceNotFound", NULL},
    {"{\"method\":\"Echo\"}", "org.varlink.service.InvalidParameter", "method"},
    {"{\"method\":\"org.example.test.\"}", "org.varlink.service.InvalidParameter", "method"},
    {"{\"method\":42}", "org.varlink.service.InvalidParameter", "method"},
    {"{\"parameters\":{}}", "org.varlink.service.InvalidParameter", "method"},
    {"{\"method\":\"org.example.test.Echo\",\"parameters\":[1]}",
     "org.varlink.service.InvalidParameter", "parameters"},
    {"{\"method\":\"org.example.test.Echo\",\"oneway\":\"yes\"}",
     "org.varlink.service.InvalidParameter", "message"},
    {"{\"method\":\"org.example.test.Echo\",\"upgrade\":true}",
     "org.varlink.service.InvalidParameter", "upgrade"},
    {"{\"method\":", "org.varlink.service.InvalidParameter", "message"},
    {"not json", "org.varlink.service.InvalidParameter", "message"},
    {"[1,2]", "org.varlink.service.InvalidParameter", "message"},
    {"{} {}", "org.varlink.service.InvalidParameter", "message"},
    {"", "org.varlink.service.InvalidParameter", "message"},
    {"{\"method\":\"org.example.test.Echo\",}", "org.varlink.service.InvalidParameter", "message"},
    {"{\"method\":\"org.example.test.Typed\",\"parameters\":{\"s\":\"x\"}}", "", NULL},
    {"{\"method\":\"org.example.test.Typed\",\"parameters\":{\"s\":\"x\",\"i\":null,\"b\":true,"
     "\"a\":[],\"o\":{}}}",
     "", NULL},
    {"{\"method\":\"org.example.test.Typed\"}", "org.varlink.service.InvalidParameter", "s"},
    {"{\"method\":\"org.example.test.Typed\",\"parameters\":{\"s\":null}}",
     "org.varlink.service.InvalidParameter", "s"},
    {"{\"method\":\"org.example.test.Typed\",\"parameters\":{\"s\":1}}",
     "org.varlink.service.InvalidParameter", "s"},
    {"{\"method\":\"org.example.test.Typed\",\"parameters\":{\"s\":\"x\",\"i\":1.5}}",
     "org.varlink.service.InvalidParameter", "i"},
    {"{\"method\":\"org.example.test.Typed\",\"parameters\":{\"s\":\"x\",\"b\":0}}",
     "org.varlink.service.InvalidParameter", "b"},
    {"{\"method\":\"org.example.test.Typed\",\"parameters\":{\"s\":\"x\",\"a\":{}}}",
     "org.varlink.service.InvalidParameter", "a"},
    {"{\"method\":\"org.example.test.Typed\",\"parameters\":{\"s\":\"x\",\"o\":[]}}",
     "org.varlink.service.InvalidParameter", "o"},
    {"{\"method\":\"org.example.test.Typed\",\"parameters\":{\"s\":\"x\",\"extra\":1}}",
     "org.varlink.service.InvalidParameter", "extra"},
    {"{\"method\":\"org.example.test.Fail\"}", "org.example.test.Failed", NULL},
    {"{\"method\":\"org.example.test.Stream\"}", "org.varlink.service.ExpectedMore", NULL},
    {"{\"method\":\"org.example.secret.Echo\"}", "org.example.secret.PermissionDenied", NULL},
    {"{\"method\":\"org.varlink.service.GetInterfaceDescription\",\"parameters\":{\"interface\":"
     "\"x.y\"}}",
     "org.varlink.service.InterfaceNotFound", NULL},
    {"{\"method\":\"org.varlink.service.GetInterfaceDescription\"}",
     "org.varlink.service.InvalidParameter", "interface"},
    {"{\"method\":\"org.varlink.service.GetInfo\",\"parameters\":{\"x\":1}}",
     "org.varlink.service.InvalidParameter", "x"},
};

static void test_error_cases(void) {
  /* All on one connection: every error must leave it usable. */
  int fd = connect_client();
  for (size_t i = 0; i < GNS_ARRAY_SIZE(error_cases); i++) {
    const struct error_case *c = &error_cases[i];
    send_msg(fd, c->request);
    struct replies r;
    collect(fd, 1, &r);
    if (r.count != 1) {
      fprintf(stderr, "case %zu (%s): %zu replies\n", i, c->request, r.count);
      check_failures++;
      replies_free(&r);
      continue;
    }
    const char *err = str_at(r.msg[0], "error", NULL);
    if (strcmp(err ? err : "", c->error) != 0) {
      fprintf(stderr, "case %zu (%s): error %s, want %s\n", i, c->request, err ? err : "none",
              c->error);
      check_failures++;
    }
    if (c->parameter) CHECK_STR(str_at(r.msg[0], "parameters", "parameter"), c->parameter);
    replies_free(&r);
  }
  /* Invalid UTF-8 inside a string is invalid JSON. */
  send_msg(fd, "{\"method\":\"org.example.test.Echo\",\"parameters\":{\"s\":\"\xff\"}}");
  struct replies r;
  collect(fd, 1, &r);
  CHECK_INT(r.count, 1);
  CHECK_STR(str_at(r.msg[0], "parameters", "parameter"), "message");
  replies_free(&r);
  close(fd);
}

static void test_get_info(void) {
  int fd = connect_client();
  send_msg(fd, "{\"method\":\"org.varlink.service.GetInfo\"}");
  send_msg(fd, "{\"method\":\"org.varlink.service.GetInterfaceDescription\",\"parameters\":"
               "{\"interface\":\"org.example.test\"}}");
  send_msg(fd, "{\"method\":\"org.varlink.service.GetInterfaceDescription\",\"parameters\":"
               "{\"interface\":\"org.varlink.service\"}}");
  struct replies r;
  collect(fd, 3, &r);
  CHECK_INT(r.count, 3);
  CHECK_STR(str_at(r.msg[0], "parameters", "vendor"), "nss-gns");
  CHECK_STR(str_at(r.msg[0], "parameters", "product"), "test");
  json_object *params = NULL, *ifs = NULL;
  json_object_object_get_ex(r.msg[0], "parameters", &params);
  json_object_object_get_ex(params, "interfaces", &ifs);
  CHECK_INT(json_object_array_length(ifs), 3);
  CHECK_STR(json_object_get_string(json_object_array_get_idx(ifs, 0)), "org.varlink.service");
  CHECK_STR(json_object_get_string(json_object_array_get_idx(ifs, 1)), "org.example.test");
  CHECK_STR(str_at(r.msg[1], "parameters", "description"), test_iface.description);
  const char *d = str_at(r.msg[2], "parameters", "description");
  CHECK(d && strstr(d, "interface org.varlink.service\n") != NULL);
  replies_free(&r);
  close(fd);
}

/* Calls that finish in reverse order are still answered in call order,
 * and a oneway call in between answers nothing. */
static void test_pipelined_async(void) {
  int fd = connect_client();
  char req[2048];
  snprintf(req, sizeof req,
           "{\"method\":\"org.example.test.Later\",\"parameters\":{\"delay\":60,\"tag\":1}}%c"
           "{\"method\":\"org.example.test.Echo\",\"parameters\":{\"tag\":2}}%c"
           "{\"method\":\"org.example.test.Later\",\"parameters\":{\"delay\":5,\"tag\":9},"
           "\"oneway\":true}%c"
           "{\"method\":\"org.example.test.Later\",\"parameters\":{\"delay\":20,\"tag\":3}}%c"
           "{\"method\":\"org.example.test.Stream\",\"more\":true}%c"
           "{\"method\":\"org.example.test.Echo\",\"parameters\":{\"tag\":4},\"oneway\":true}%c"
           "{\"method\":\"org.example.test.Nope\"}%c",
           0, 0, 0, 0, 0, 0, 0);
  size_t len = 0;
  for (int zeros = 0; zeros < 7; len++)
    if (req[len] == '\0') zeros++;
  send_all(fd, req, len);
  struct replies r;
  collect(fd, 8, &r);
  CHECK_INT(r.count, 8);
  CHECK_INT(int_at(r.msg[0], "parameters", "tag"), 1);
  CHECK_INT(int_at(r.msg[1], "parameters", "tag"), 2);
  CHECK_INT(int_at(r.msg[2], "parameters", "tag"), 3);
  for (int i = 0; i < 3; i++) {
    CHECK_INT(int_at(r.msg[3 + i], "parameters", "i"), i);
    CHECK(json_object_get_boolean(json_object_object_get(r.msg[3 + i], "continues")));
  }
  CHECK(json_object_object_get(r.msg[6], "continues") == NULL);
  CHECK_STR(str_at(r.msg[7], "error", NULL), "org.varlink.service.MethodNotFound");
  replies_free(&r);
  /* nothing more arrives (the oneway calls were silent) */
  run_for(80);
  char extra[16];
  CHECK_INT(recv(fd, extra, sizeof extra, MSG_DONTWAIT), -1);
  close(fd);
}

/* A request split into 1-byte writes, with loop iterations in between. */
static void test_one_byte_writes(void) {
  int fd = connect_client();
  const char *req = "{\"method\":\"org.example.test.Echo\",\"parameters\":{\"x\":\"split\"}}";
  for (size_t i = 0; i <= strlen(req); i++) {
    send_all(fd, req + i, 1);
    sd_event_run(ev, 0);
  }
  struct replies r;
  collect(fd, 1, &r);
  CHECK_INT(r.count, 1);
  CHECK_STR(str_at(r.msg[0], "parameters", "x"), "split");
  replies_free(&r);
  close(fd);
}

/* An oversized message: an error, then the connection closes; other
 * connections are untouched. */
static void test_oversize(void) {
  int other = connect_client();
  int fd = connect_client();
  size_t n = 100 * 1024;
  char *big = malloc(n);
  memset(big, ' ', n); /* no NUL: the server cannot know where it ends */
  send(fd, big, n, MSG_NOSIGNAL | MSG_DONTWAIT);
  struct replies r;
  collect(fd, 2, &r);
  CHECK_INT(r.count, 1);
  CHECK(r.eof);
  CHECK_STR(str_at(r.msg[0], "parameters", "parameter"), "message");
  replies_free(&r);
  close(fd);
  /* complete but too large */
  fd = connect_client();
  memcpy(big, "{\"method\":\"org.example.test.Echo\",\"parameters\":{\"x\":\"", 52);
  memset(big + 52, 'a', 70000);
  memcpy(big + 52 + 70000, "\"}}", 4);
  send_all(fd, big, 52 + 70000 + 4);
  collect(fd, 2, &r);
  CHECK_INT(r.count, 1);
  CHECK(r.eof);
  replies_free(&r);
  close(fd);
  free(big);
  send_msg(other, "{\"method\":\"org.example.test.Echo\"}");
  collect(other, 1, &r);
  CHECK_INT(r.count, 1);
  replies_free(&r);
  close(other);
}

/* The client goes away while a call runs: the call becomes an orphan, the
 * cancel callback runs, and the late reply is harmless. */
static void test_orphan(void) {
  run_for(10); /* let the server notice earlier tests' closes */
  int fd = connect_client();
  unsigned before = varlink_server_connections(srv);
  send_msg(fd, "{\"method\":\"org.example.test.Later\",\"parameters\":{\"delay\":30}}");
  run_for(5);
  cancels = 0;
  close(fd);
  run_for(10);
  CHECK_INT(cancels, 1);
  CHECK_INT(varlink_server_connections(srv), before - 1);
  run_for(60); /* the timer fires and replies to the orphan */
  CHECK_INT(timers_pending, 0);
}

/* Half-close after the requests: the replies still arrive, then EOF. */
static void test_half_close(void) {
  int fd = connect_client();
  send_msg(fd, "{\"method\":\"org.example.test.Later\",\"parameters\":{\"delay\":10,\"tag\":7}}");
  send_msg(fd, "{\"method\":\"org.example.test.Echo\"}");
  shutdown(fd, SHUT_WR);
  struct replies r;
  collect(fd, 3, &r);
  CHECK_INT(r.count, 2);
  CHECK(r.eof);
  CHECK_INT(int_at(r.msg[0], "parameters", "tag"), 7);
  replies_free(&r);
  close(fd);
}

/* A client that sends many requests and never reads stalls only itself:
 * the server stops reading from it, and others are answered. */
static void test_never_reads(void) {
  int hog = connect_client();
  int flags = fcntl(hog, F_GETFL);
  fcntl(hog, F_SETFL, flags | O_NONBLOCK);
  char req[4200];
  int n = snprintf(req, sizeof req,
                   "{\"method\":\"org.example.test.Echo\",\"parameters\":{\"x\":\"%04000d\"}}", 0);
  size_t sent = 0;
  for (int i = 0; i < 20000; i++) {
    ssize_t w = send(hog, req, (size_t)n + 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w > 0) sent += (size_t)w;
    sd_event_run(ev, 0);
  }
  /* it read a good deal, then pushed back instead of buffering 80 MB */
  CHECK(sent > 512u * 1024);
  CHECK(sent < 8u * 1024 * 1024);
  int fd = connect_client();
  send_msg(fd, "{\"method\":\"org.varlink.service.GetInfo\"}");
  struct replies r;
  collect(fd, 1, &r);
  CHECK_INT(r.count, 1);
  replies_free(&r);
  close(fd);
  close(hog);
  run_for(20);
}

static void test_limits(void) {
  /* max_connections: the third connection waits until one closes. We use
   * a real listening socket here since socketpairs bypass accept(). */
  struct varlink_server *s2 = NULL;
  CHECK_INT(varlink_server_new(ev, NULL, &s2), 0);
  CHECK_INT(varlink_server_add_interface(s2, &test_iface), 0);
  CHECK_INT(varlink_server_add_interface(s2, &test_iface), -EEXIST);
  static const struct varlink_interface bad = {.name = "org.example.bad",
                                               .description = "interface org.example.other\n",
                                               .methods = test_methods};
  CHECK_INT(varlink_server_add_interface(s2, &bad), -EINVAL);
  /* the method table must be what the description declares */
  static const struct varlink_interface undeclared = {
      .name = "org.example.undeclared",
      .description = "interface org.example.undeclared\nmethod Echo() -> ()\n",
      .methods = test_methods};
  CHECK_INT(varlink_server_add_interface(s2, &undeclared), -EINVAL);
  static const struct varlink_interface unhandled = {
      .name = "org.example.unhandled",
      .description = "interface org.example.unhandled\nmethod Echo() -> ()\n"
                     "  method Gone(x: int) -> ()\n",
      .methods = secret_methods};
  CHECK_INT(varlink_server_add_interface(s2, &unhandled), -EINVAL);
  varlink_server_set_max_connections(s2, 2);
  int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof sa.sun_path, "/tmp/test-varlink-%d.sock", (int)getpid());
  unlink(sa.sun_path);
  CHECK_INT(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
  CHECK_INT(listen(lfd, 16), 0);
  CHECK_INT(varlink_server_listen_fd(s2, lfd), 0);
  int c[3];
  for (int i = 0; i < 3; i++) {
    c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK_INT(connect(c[i], (struct sockaddr *)&sa, sizeof sa), 0);
  }
  run_for(20);
  CHECK_INT(varlink_server_connections(s2), 2);
  send_msg(c[2], "{\"method\":\"org.example.test.Echo\"}");
  struct replies r;
  collect(c[2], 1, &r);
  CHECK_INT(r.count, 0); /* still in the backlog */
  close(c[0]);
  collect(c[2], 1, &r);
  CHECK_INT(r.count, 1);
  replies_free(&r);
  struct varlink_server_stats st;
  varlink_server_get_stats(s2, &st);
  CHECK_INT(st.connections, 3);
  close(c[1]);
  close(c[2]);
  varlink_server_free(s2);
  unlink(sa.sun_path);
}

/* The shortcut answers a request it knows by its text, without parsing
 * it, but never ahead of a call that still owes its reply. */
static int shortcut_used;
static bool short_fn(void *ud, const char *req, size_t len, const char **reply, size_t *reply_len,
                     bool *error) {
  (void)ud;
  static const char known[] = "{\"method\":\"org.example.test.Known\"}";
  static const char answer[] = "{\"parameters\":{\"short\":true}}";
  static const char bad[] = "{\"method\":\"org.example.test.KnownBad\"}";
  static const char error_answer[] = "{\"error\":\"org.example.test.Bad\",\"parameters\":{}}";
  if (len == sizeof known - 1 && memcmp(req, known, len) == 0) {
    *reply = answer;
    *reply_len = sizeof answer - 1;
  } else if (len == sizeof bad - 1 && memcmp(req, bad, len) == 0) {
    *reply = error_answer;
    *reply_len = sizeof error_answer - 1;
    *error = true;
  } else {
    return false;
  }
  shortcut_used++;
  return true;
}

static void test_shortcut(void) {
  struct varlink_server_stats st0, st1;
  varlink_server_get_stats(srv, &st0);
  varlink_server_set_shortcut(srv, short_fn, NULL);
  int fd = connect_client();
  /* a call in progress first: the known request waits its turn */
  static const char two[] =
      "{\"method\":\"org.example.test.Later\",\"parameters\":{\"delay\":30,\"tag\":1}}\0"
      "{\"method\":\"org.example.test.Known\"}";
  send_all(fd, two, sizeof two); /* both NULs */
  struct replies r;
  collect(fd, 2, &r);
  CHECK_INT(r.count, 2);
  CHECK_INT(int_at(r.msg[0], "parameters", "tag"), 1);
  json_object *p = NULL, *v = NULL;
  json_object_object_get_ex(r.msg[1], "error", &v);
  CHECK(v != NULL); /* dispatched (no method Known), not short-cut */
  replies_free(&r);
  CHECK_INT(shortcut_used, 0);
  /* nothing pending: answered from the text */
  send_msg(fd, "{\"method\":\"org.example.test.Known\"}");
  send_msg(fd, "{\"method\":\"org.example.test.KnownBad\"}");
  collect(fd, 2, &r);
  CHECK_INT(r.count, 2);
  json_object_object_get_ex(r.msg[0], "parameters", &p);
  CHECK(p && json_object_object_get_ex(p, "short", &v) && json_object_get_boolean(v));
  CHECK_STR(str_at(r.msg[1], "error", NULL), "org.example.test.Bad");
  replies_free(&r);
  CHECK_INT(shortcut_used, 2);
  varlink_server_get_stats(srv, &st1);
  CHECK_INT(st1.calls - st0.calls, 4);
  CHECK_INT(st1.errors - st0.errors, 2);
  /* what a method sees of its request, plain or oneway */
  static const char req[] = "{\"method\":\"org.example.test.RequestText\"}";
  send_msg(fd, req);
  collect(fd, 1, &r);
  CHECK_STR(str_at(r.msg[0], "parameters", "text"), req);
  replies_free(&r);
  send_msg(fd, "{\"method\":\"org.example.test.RequestText\",\"more\":true}");
  collect(fd, 1, &r);
  CHECK(str_at(r.msg[0], "parameters", "text") == NULL);
  replies_free(&r);
  varlink_server_set_shortcut(srv, NULL, NULL);
  close(fd);
}

/* Replies made from text, and errors without parameters, are exactly
 * what json-c would print for the same message. */
static void test_text_replies(void) {
  int fd = connect_client();
  send_msg(fd, "{\"method\":\"org.example.test.Text\"}");
  send_msg(fd, "{\"method\":\"org.example.test.Fail\"}");
  send_msg(fd, "{\"method\":\"org.example.test.Text\",\"oneway\":true}");
  send_msg(fd, "{\"method\":\"org.example.test.Echo\"}");
  struct replies r;
  collect(fd, 3, &r);
  CHECK_INT(r.count, 3);
  static const char want[] = "{\"parameters\":{\"a\":[1,2],\"s\":\"x/y\"}}\0"
                             "{\"error\":\"org.example.test.Failed\",\"parameters\":{}}\0"
                             "{\"parameters\":{}}\0";
  CHECK_INT(r.len, sizeof want - 1);
  CHECK(r.len == sizeof want - 1 && memcmp(r.buf, want, r.len) == 0);
  replies_free(&r);
  close(fd);
}

/* Credentials: read at accept on a server with an authorizing interface
 * (srv), on first use on one without (s2 in test_accept); the same
 * answer either way. */
static void test_peer(struct varlink_server *s, int fd) {
  (void)s;
  send_msg(fd, "{\"method\":\"org.example.test.Peer\"}");
  struct replies r;
  collect(fd, 1, &r);
  CHECK_INT(r.count, 1);
  CHECK_INT(int_at(r.msg[0], "parameters", "uid"), (int64_t)getuid());
  json_object *p = NULL, *g = NULL;
  json_object_object_get_ex(r.msg[0], "parameters", &p);
  CHECK(json_object_object_get_ex(p, "inGroup", &g) && json_object_get_boolean(g));
  replies_free(&r);
}

/* The accept path reads the request at once when it is there, waits for
 * it when it is not, and drains a backlog of many connections. */
static void test_accept(void) {
  struct varlink_server *s2 = NULL;
  CHECK_INT(varlink_server_new(ev, NULL, &s2), 0);
  CHECK_INT(varlink_server_add_interface(s2, &test_iface), 0);
  int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof sa.sun_path, "/tmp/test-varlink-a-%d.sock", (int)getpid());
  unlink(sa.sun_path);
  CHECK_INT(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
  CHECK_INT(listen(lfd, 64), 0);
  CHECK_INT(varlink_server_listen_fd(s2, lfd), 0);

  /* connected, request only later */
  int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK_INT(connect(c, (struct sockaddr *)&sa, sizeof sa), 0);
  run_for(20);
  CHECK_INT(varlink_server_connections(s2), 1);
  send_msg(c, "{\"method\":\"org.example.test.Echo\",\"parameters\":{\"n\":1}}");
  struct replies r;
  collect(c, 1, &r);
  CHECK_INT(r.count, 1);
  CHECK_INT(int_at(r.msg[0], "parameters", "n"), 1);
  replies_free(&r);
  test_peer(s2, c);
  close(c);

  /* 40 connections, each with its request (and half of them half-closed),
   * all waiting before the server runs */
  enum { N = 40 };
  int cs[N];
  for (int i = 0; i < N; i++) {
    cs[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK_INT(connect(cs[i], (struct sockaddr *)&sa, sizeof sa), 0);
    char req[128];
    snprintf(req, sizeof req, "{\"method\":\"org.example.test.Echo\",\"parameters\":{\"n\":%d}}",
             i);
    send_msg(cs[i], req);
    if (i % 2) shutdown(cs[i], SHUT_WR);
  }
  for (int i = 0; i < N; i++) {
    collect(cs[i], 1, &r);
    CHECK_INT(r.count, 1);
    CHECK_INT(int_at(r.msg[0], "parameters", "n"), i);
    replies_free(&r);
  }
  /* the half-closed ones are closed by the server once answered */
  for (int i = 1; i < N; i += 2) {
    collect(cs[i], 2, &r);
    CHECK(r.eof);
    replies_free(&r);
  }
  CHECK_INT(varlink_server_connections(s2), N / 2);
  for (int i = 0; i < N; i++)
    close(cs[i]);
  run_for(20);
  CHECK_INT(varlink_server_connections(s2), 0);
  struct varlink_server_stats st;
  varlink_server_get_stats(s2, &st);
  CHECK_INT(st.connections, N + 1);
  varlink_server_free(s2);
  unlink(sa.sun_path);
}

static bool peer_closed(int fd) {
  char c;
  return recv(fd, &c, 1, MSG_DONTWAIT) == 0;
}

/* Idle connections close after one to two idle periods; one that talks,
 * or that waits for a reply, stays. */
static void test_idle(void) {
  struct varlink_server *s3 = NULL;
  CHECK_INT(varlink_server_new(ev, NULL, &s3), 0);
  CHECK_INT(varlink_server_add_interface(s3, &test_iface), 0);
  varlink_server_set_idle_timeout(s3, 100000);
  int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof sa.sun_path, "/tmp/test-varlink-i-%d.sock", (int)getpid());
  unlink(sa.sun_path);
  CHECK_INT(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
  CHECK_INT(listen(lfd, 16), 0);
  CHECK_INT(varlink_server_listen_fd(s3, lfd), 0);
  int idle = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int busy = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int waiting = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK_INT(connect(idle, (struct sockaddr *)&sa, sizeof sa), 0);
  CHECK_INT(connect(busy, (struct sockaddr *)&sa, sizeof sa), 0);
  CHECK_INT(connect(waiting, (struct sockaddr *)&sa, sizeof sa), 0);
  run_for(10);
  CHECK_INT(varlink_server_connections(s3), 3);
  send_msg(waiting, "{\"method\":\"org.example.test.Later\",\"parameters\":{\"delay\":400}}");
  uint64_t t0 = mono_ms();
  struct replies r;
  while (mono_ms() - t0 < 350) {
    send_msg(busy, "{\"method\":\"org.example.test.Echo\"}");
    collect(busy, 1, &r);
    CHECK_INT(r.count, 1);
    replies_free(&r);
    run_for(40);
  }
  CHECK(peer_closed(idle));
  CHECK(!peer_closed(busy));
  CHECK(!peer_closed(waiting));
  CHECK_INT(varlink_server_connections(s3), 2);
  collect(waiting, 1, &r);
  CHECK_INT(r.count, 1);
  replies_free(&r);
  run_for(300);
  CHECK(peer_closed(waiting));
  CHECK(peer_closed(busy));
  CHECK_INT(varlink_server_connections(s3), 0);
  /* with no connection left the sweep stops; a new one starts it again */
  int late = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  run_for(250);
  CHECK_INT(connect(late, (struct sockaddr *)&sa, sizeof sa), 0);
  run_for(10);
  CHECK_INT(varlink_server_connections(s3), 1);
  run_for(300);
  CHECK(peer_closed(late));
  close(idle);
  close(busy);
  close(waiting);
  close(late);
  varlink_server_free(s3);
  unlink(sa.sun_path);
}

int main(void) {
  gnsd_log_init("test-varlink", LOG_WARNING);
  static const struct varlink_server_info info = {.vendor = "nss-gns",
                                                  .product = "test",
                                                  .version = "0",
                                                  .url = "https://example.invalid",
                                                  .log = gnsd_logv};
  CHECK_INT(sd_event_new(&ev), 0);
  CHECK_INT(varlink_server_new(ev, &info, &srv), 0);
  CHECK_INT(varlink_server_add_interface(srv, &test_iface), 0);
  CHECK_INT(varlink_server_add_interface(srv, &secret_iface), 0);
  test_get_info();
  test_error_cases();
  test_pipelined_async();
  test_one_byte_writes();
  test_oversize();
  test_orphan();
  test_half_close();
  test_never_reads();
  test_limits();
  test_text_replies();
  test_shortcut();
  int fd = connect_client();
  test_peer(srv, fd);
  close(fd);
  test_accept();
  test_idle();
  struct varlink_server_stats st;
  varlink_server_get_stats(srv, &st);
  CHECK(st.calls > 40);
  CHECK(st.errors > 20);
  varlink_server_free(srv);
  sd_event_unref(ev);
  return check_done("test-varlink");
}
