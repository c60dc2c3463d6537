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
#include "varlink.h"

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

static const struct varlink_method test_methods[] = {
    {"Echo", m_echo}, {"Later", m_later}, {"Stream", m_stream},
    {"Fail", m_fail}, {"Typed", m_typed}, {NULL, NULL},
};

static const struct varlink_interface test_iface = {
    .name = "org.example.test",
    .description = "# test\ninterface org.example.test\nmethod Echo() -> ()\n",
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

int main(void) {
  gnsd_log_init("test-varlink", LOG_WARNING);
  static const struct varlink_server_info info = {"nss-gns", "test", "0",
                                                  "https://example.invalid"};
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
  struct varlink_server_stats st;
  varlink_server_get_stats(srv, &st);
  CHECK(st.calls > 40);
  CHECK(st.errors > 20);
  varlink_server_free(srv);
  sd_event_unref(ev);
  return check_done("test-varlink");
}
