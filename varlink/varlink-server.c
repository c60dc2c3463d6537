/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Varlink server on sd-event: framing, dispatch, ordering, flow control.
 * See varlink.h for the contract. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <syslog.h>
#include "varlink-server.h"

/* Bytes read per read() and reads per wakeup: a flooding client gets no
 * more than its share of the loop. */
#define READ_CHUNK (64u * 1024)
#define READS_PER_WAKEUP 4
/* Stop reading requests while this much reply data waits for a client
 * that does not read (it can pipeline no further than that). */
#define WRITE_HIGH_WATER (1024u * 1024)
#define DEFAULT_MAX_PENDING 256u
#define ACCEPTS_PER_WAKEUP 64
/* Buckets of the per-user usage table. */
#define USAGE_BUCKETS 256u
#define MAX_INTERFACES 8
#define MAX_GROUPS 256

static const char service_description[] =
    "# The Varlink Service Interface is provided by every varlink service. It\n"
    "# describes the service and the interfaces it implements.\n"
    "interface org.varlink.service\n"
    "\n"
    "# Get a list of all the interfaces a service provides and information\n"
    "# about the implementation.\n"
    "method GetInfo() -> (\n"
    "  vendor: string,\n"
    "  product: string,\n"
    "  version: string,\n"
    "  url: string,\n"
    "  interfaces: []string\n"
    ")\n"
    "\n"
    "# Get the description of an interface that is implemented by this service.\n"
    "method GetInterfaceDescription(interface: string) -> (description: string)\n"
    "\n"
    "# The requested interface was not found.\n"
    "error InterfaceNotFound (interface: string)\n"
    "\n"
    "# The requested method was not found\n"
    "error MethodNotFound (method: string)\n"
    "\n"
    "# The interface defines the requested method, but the service does not\n"
    "# implement it.\n"
    "error MethodNotImplemented (method: string)\n"
    "\n"
    "# One of the passed parameters is invalid.\n"
    "error InvalidParameter (parameter: string)\n"
    "\n"
    "# Client is denied access\n"
    "error PermissionDenied ()\n"
    "\n"
    "# Method is expected to be called with 'more' set to true, but wasn't\n"
    "error ExpectedMore ()\n";

struct buf {
  char *data;
  size_t len, cap;
};

struct varlink_conn;

/* What one user's connections hold (varlink_server_set_limits). A
 * connection points at its user's entry; the entry goes with the last
 * connection. */
struct uid_usage {
  struct uid_usage *next;
  uid_t uid;
  unsigned conns;
  size_t unsent;
  bool over; /* unsent reached the limit: its connections are not read */
};

struct varlink_call {
  struct varlink_conn *conn;        /* NULL once orphaned */
  struct varlink_call *prev, *next; /* in conn's ordered queue or oneway list */
  char *method;
  bool oneway, more, completed, in_queue;
  struct buf out;   /* replies not yet handed to the connection */
  bool cred_loaded; /* cred is the peer's (else unknown until asked) */
  struct ucred cred;
  varlink_cancel_fn cancel;
  void *cancel_userdata;
};

struct varlink_conn {
  struct varlink_server *server;
  struct varlink_conn *prev, *next;
  int fd;
  sd_event_source *io, *defer;
  uint32_t io_events;
  /* Peer credentials, read on first use (conn_load_cred): a server
   * whose interfaces never ask for them (alt.gns.Resolve) spends no
   * syscall on them. */
  bool cred_loaded, groups_loaded;
  struct ucred cred;
  gid_t *groups;
  size_t n_groups;
  struct buf rbuf;
  size_t scanned; /* rbuf[0..scanned) has no NUL */
  struct buf wbuf;
  size_t wpos;
  struct varlink_call *head, *tail; /* calls that owe a reply, in order */
  struct varlink_call *oneway;      /* oneway calls still running */
  unsigned n_pending;
  unsigned refs;
  bool dead, read_eof, close_after_flush, dispatching;
  bool active; /* read something since the last idle sweep */
  /* Per-user limits: the user's usage entry (NULL when limits are off or
   * the user is exempt), the bytes this connection owes (replies queued
   * on its calls and not yet written), since when its buffered request
   * has been incomplete (0 = none). */
  struct uid_usage *usage;
  size_t unsent;
  uint64_t partial_since;
};

struct varlink_server {
  sd_event *event;
  const struct varlink_server_info *info;
  const struct varlink_interface *ifaces[MAX_INTERFACES];
  size_t n_ifaces;
  int listen_fd;
  sd_event_source *listen_src, *retry_timer;
  /* Idle connections: closed after idle_usec to 2 * idle_usec without a
   * request (0 = never); the sweep timer runs while connections exist. */
  uint64_t idle_usec;
  sd_event_source *idle_timer;
  struct varlink_conn *conns, *conns_tail; /* newest first */
  unsigned n_conns, max_conns, max_pending;
  struct varlink_limits limits;
  struct uid_usage *usage[USAGE_BUCKETS];
  sd_event_source *partial_timer;
  varlink_shortcut_fn shortcut;
  void *shortcut_userdata;
  /* The plain call whose method runs now, and its request's text. */
  const struct varlink_call *running;
  const char *running_text;
  size_t running_len;
  /* Some interface authorizes calls: read credentials at accept time. */
  bool want_cred;
  /* Accept until EAGAIN (see on_listen), and the loop iteration of the
   * last accept. */
  bool accept_burst;
  uint64_t accept_iteration;
  size_t max_message;
  json_tokener *tok;
  struct varlink_server_stats stats;
};

/* The server has no logger of its own: it reports through the one its
 * owner gave in varlink_server_info (gnsd's journal logger), or not at
 * all (tests). */
__attribute__((format(printf, 3, 4))) static void vlog(const struct varlink_server *s, int level,
                                                       const char *fmt, ...) {
  if (!s->info || !s->info->log) return;
  va_list ap;
  va_start(ap, fmt);
  s->info->log(level, fmt, ap);
  va_end(ap);
}

/* --- buffers --- */

static int buf_reserve(struct buf *b, size_t extra) {
  if (b->cap - b->len >= extra) return 0;
  if (extra > SIZE_MAX / 2 - b->len) return -ENOMEM;
  size_t cap = b->cap ? b->cap : 256;
  while (cap - b->len < extra)
    cap *= 2;
  char *p = realloc(b->data, cap);
  if (!p) return -ENOMEM;
  b->data = p;
  b->cap = cap;
  return 0;
}

static int buf_append(struct buf *b, const void *p, size_t n) {
  int r = buf_reserve(b, n);
  if (r < 0) return r;
  memcpy(b->data + b->len, p, n);
  b->len += n;
  return 0;
}

static void buf_free(struct buf *b) {
  free(b->data);
  *b = (struct buf){0};
}

/* --- per-user usage --- */

bool varlink_uid_exempt(uid_t uid) {
  return uid == 0 || uid == geteuid();
}

static bool limits_on(const struct varlink_server *s) {
  const struct varlink_limits *l = &s->limits;
  return l->connections_per_user || l->unsent_per_user || l->partial_usec;
}

static struct uid_usage **usage_slot(struct varlink_server *s, uid_t uid) {
  struct uid_usage **p = &s->usage[(uid * 2654435761u) % USAGE_BUCKETS];
  while (*p && (*p)->uid != uid)
    p = &(*p)->next;
  return p;
}

static struct uid_usage *usage_get(struct varlink_server *s, uid_t uid) {
  struct uid_usage **p = usage_slot(s, uid);
  if (!*p) {
    *p = calloc(1, sizeof **p);
    if (*p) (*p)->uid = uid;
  }
  return *p;
}

static void usage_put(struct varlink_server *s, struct uid_usage *u) {
  if (u->conns > 0) return;
  struct uid_usage **p = usage_slot(s, u->uid);
  if (*p == u) *p = u->next;
  free(u);
}

static bool conn_can_dispatch(const struct varlink_conn *c);
static bool conn_has_unscanned(const struct varlink_conn *c);
static void conn_update_events(struct varlink_conn *c);

/* Bytes queued for c's peer: replies of its calls, then its write buffer. */
static void conn_unsent_add(struct varlink_conn *c, size_t n) {
  c->unsent += n;
  struct uid_usage *u = c->usage;
  if (!u) return;
  u->unsent += n;
  if (!u->over && c->server->limits.unsent_per_user &&
      u->unsent >= c->server->limits.unsent_per_user) {
    u->over = true;
    c->server->stats.throttled++;
  }
}

static void usage_check_resume(struct varlink_server *s, struct uid_usage *u,
                               const struct varlink_conn *skip);

static void conn_unsent_sub(struct varlink_conn *c, size_t n) {
  if (n > c->unsent) n = c->unsent;
  c->unsent -= n;
  struct uid_usage *u = c->usage;
  if (!u) return;
  u->unsent -= n < u->unsent ? n : u->unsent;
  usage_check_resume(c->server, u, c);
}

/* Below half the limit again (or no limit any more): read the user's
 * connections again, other than skip (half, so that a user at the limit
 * does not flip with every reply). */
static void usage_check_resume(struct varlink_server *s, struct uid_usage *u,
                               const struct varlink_conn *skip) {
  size_t lim = s->limits.unsent_per_user;
  if (!u->over || (lim && u->unsent >= lim / 2)) return;
  u->over = false;
  for (struct varlink_conn *o = s->conns; o; o = o->next) {
    if (o->usage != u || o == skip || o->dispatching) continue;
    if (conn_has_unscanned(o) && conn_can_dispatch(o) && o->defer)
      sd_event_source_set_enabled(o->defer, SD_EVENT_ONESHOT);
    conn_update_events(o);
  }
}

/* --- connections: lifetime --- */

static void conn_close(struct varlink_conn *c);
static void conn_update_events(struct varlink_conn *c);
static void conn_flush_queue(struct varlink_conn *c);
static int conn_write(struct varlink_conn *c);

static bool conn_can_dispatch(const struct varlink_conn *c);
static void read_peer_groups(struct varlink_conn *c);
static bool shortcut(struct varlink_conn *c, const char *text, size_t len);
static void conn_read(struct varlink_conn *c, bool hup);
static int on_conn_io(sd_event_source *src, int fd, uint32_t revents, void *userdata);
static int on_conn_defer(sd_event_source *src, void *userdata);
static void idle_timer_start(struct varlink_server *s);
static bool conn_has_unscanned(const struct varlink_conn *c);

static void conn_ref(struct varlink_conn *c) {
  c->refs++;
}

static void conn_unref(struct varlink_conn *c) {
  if (--c->refs > 0) return;
  buf_free(&c->rbuf);
  buf_free(&c->wbuf);
  free(c->groups);
  free(c);
}

static void call_free(struct varlink_call *call) {
  buf_free(&call->out);
  free(call->method);
  free(call);
}

static void list_remove(struct varlink_call **head, struct varlink_call *call) {
  if (call->prev)
    call->prev->next = call->next;
  else
    *head = call->next;
  if (call->next) call->next->prev = call->prev;
  call->prev = call->next = NULL;
}

/* Calls of a dead connection: completed ones go, running ones become
 * orphans and hear about it through their cancel callback. */
static void orphan_calls(struct varlink_call *list) {
  /* First detach everything, then run callbacks: a callback may
   * complete (and so free) its call. */
  struct varlink_call *orphans = NULL, *next;
  for (struct varlink_call *call = list; call; call = next) {
    next = call->next;
    call->prev = call->next = NULL;
    call->conn = NULL;
    call->in_queue = false;
    if (call->completed) {
      call_free(call);
      continue;
    }
    call->next = orphans;
    orphans = call;
  }
  for (struct varlink_call *call = orphans; call; call = next) {
    next = call->next;
    call->next = NULL;
    varlink_cancel_fn fn = call->cancel;
    call->cancel = NULL;
    if (fn) fn(call, call->cancel_userdata);
  }
}

/* Connections beyond which accepting waits: with per-user limits the
 * exempt users' reserve lies beyond max_conns (admit keeps everyone
 * else below max_conns). */
static unsigned server_conn_cap(const struct varlink_server *s) {
  return s->max_conns + (limits_on(s) ? s->limits.reserved_connections : 0);
}

static void server_resume_listening(struct varlink_server *s) {
  if (s->listen_src && s->n_conns < server_conn_cap(s) && !s->retry_timer)
    sd_event_source_set_enabled(s->listen_src, SD_EVENT_ON);
}

static void conn_close(struct varlink_conn *c) {
  if (c->dead) return;
  c->dead = true;
  struct varlink_server *s = c->server;
  if (c->io) {
    sd_event_source_set_enabled(c->io, SD_EVENT_OFF);
    c->io = sd_event_source_unref(c->io);
  }
  if (c->defer) {
    sd_event_source_set_enabled(c->defer, SD_EVENT_OFF);
    c->defer = sd_event_source_unref(c->defer);
  }
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  if (c->prev)
    c->prev->next = c->next;
  else
    s->conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  else
    s->conns_tail = c->prev;
  c->prev = c->next = NULL;
  s->n_conns--;
  conn_unsent_sub(c, c->unsent);
  if (c->usage) {
    c->usage->conns--;
    usage_put(s, c->usage);
    c->usage = NULL;
  }
  struct varlink_call *queue = c->head, *oneway = c->oneway;
  c->head = c->tail = c->oneway = NULL;
  c->n_pending = 0;
  orphan_calls(queue);
  orphan_calls(oneway);
  server_resume_listening(s);
  conn_unref(c); /* the server's reference */
}

/* --- calls --- */

static int serialize(struct buf *b, json_object *msg) {
  size_t n = 0;
  const char *s = json_object_to_json_string_length(
      msg, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
  if (!s) return -ENOMEM;
  int r = buf_append(b, s, n + 1); /* including the NUL terminator */
  return r;
}

/* Move the output of the calls at the head of the queue to the
 * connection, in order, and drop the completed ones. */
static void conn_flush_queue(struct varlink_conn *c) {
  while (c->head) {
    struct varlink_call *call = c->head;
    if (call->out.len > 0) {
      if (buf_append(&c->wbuf, call->out.data, call->out.len) < 0) {
        vlog(c->server, LOG_ERR, "varlink: out of memory queueing a reply; closing the connection");
        c->close_after_flush = true;
        break;
      }
      call->out.len = 0;
    }
    if (!call->completed) break;
    list_remove(&c->head, call);
    if (!c->head) c->tail = NULL;
    c->n_pending--;
    call_free(call);
  }
}

/* Does the call want its replies? */
static bool call_listens(const struct varlink_call *call) {
  return call->conn && !call->oneway && !call->conn->dead;
}

static int call_emitted(struct varlink_call *call, int r, bool final);

/* Queue msg (consumed) as output of call; finish it if final. */
static int call_emit(struct varlink_call *call, json_object *msg, bool final) {
  int r = 0;
  if (msg && call_listens(call)) {
    size_t before = call->out.len;
    r = serialize(&call->out, msg);
    conn_unsent_add(call->conn, call->out.len - before);
  }
  json_object_put(msg);
  return call_emitted(call, r, final);
}

/* An error name that needs no escaping in a JSON string (a varlink
 * interface-qualified name always qualifies). */
static bool plain_name(const char *name) {
  if (!*name) return false;
  for (const char *p = name; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
          *p == '.' || *p == '_'))
      return false;
  return true;
}

/* The final reply {"error":error,"parameters":params} or, without error,
 * {"parameters":params}, from text: no JSON objects built or printed. */
static int call_emit_text(struct varlink_call *call, const char *error, const char *params,
                          size_t len) {
  int r = 0;
  if (call_listens(call)) {
    struct buf *b = &call->out;
    size_t el = error ? strlen(error) : 0;
    size_t before = b->len;
    r = buf_reserve(b, len + el + 32);
    if (r == 0) {
      if (error) {
        buf_append(b, "{\"error\":\"", 10);
        buf_append(b, error, el);
        buf_append(b, "\",\"parameters\":", 15);
      } else {
        buf_append(b, "{\"parameters\":", 14);
      }
      buf_append(b, params, len);
      buf_append(b, "}", 2); /* and the NUL terminator */
      conn_unsent_add(call->conn, b->len - before);
    }
  }
  return call_emitted(call, r, true);
}

static int call_emitted(struct varlink_call *call, int r, bool final) {
  struct varlink_conn *c = call->conn;
  if (!final) {
    if (c && call == c->head) {
      conn_flush_queue(c);
      if (!c->dispatching) conn_write(c);
    }
    return r;
  }
  call->completed = true;
  if (!c) { /* orphan */
    call_free(call);
    return r;
  }
  if (call->oneway) {
    list_remove(&c->oneway, call);
    call_free(call);
    return r;
  }
  if (call == c->head) {
    conn_ref(c);
    conn_flush_queue(c);
    /* While dispatching, replies of pipelined calls are batched into one
     * write at the end. */
    if (!c->dispatching) conn_write(c);
    conn_unref(c);
  }
  return r;
}

static json_object *params_or_empty(json_object *params) {
  if (params && json_object_is_type(params, json_type_object)) return params;
  json_object_put(params);
  return json_object_new_object();
}

int varlink_call_reply(struct varlink_call *call, json_object *params) {
  if (!call || call->completed) {
    json_object_put(params);
    return -EINVAL;
  }
  json_object *msg = json_object_new_object();
  if (!msg) {
    json_object_put(params);
    call_emit(call, NULL, true);
    return -ENOMEM;
  }
  json_object_object_add(msg, "parameters", params_or_empty(params));
  return call_emit(call, msg, true);
}

int varlink_call_notify(struct varlink_call *call, json_object *params) {
  if (!call || call->completed || !call->more) {
    json_object_put(params);
    return -EINVAL;
  }
  json_object *msg = json_object_new_object();
  if (!msg) {
    json_object_put(params);
    return -ENOMEM;
  }
  json_object_object_add(msg, "parameters", params_or_empty(params));
  json_object_object_add(msg, "continues", json_object_new_boolean(1));
  return call_emit(call, msg, false);
}

int varlink_call_reply_json(struct varlink_call *call, const char *params_json, size_t len) {
  if (!call || call->completed) return -EINVAL;
  return call_emit_text(call, NULL, params_json, len);
}

int varlink_call_error(struct varlink_call *call, const char *error, json_object *params) {
  if (!call || call->completed) {
    json_object_put(params);
    return -EINVAL;
  }
  if (call->conn) call->conn->server->stats.errors++;
  /* The common error, a name and no parameters, needs no JSON objects. */
  if (!params && plain_name(error)) return call_emit_text(call, error, "{}", 2);
  json_object *msg = json_object_new_object();
  if (!msg) {
    json_object_put(params);
    call_emit(call, NULL, true);
    return -ENOMEM;
  }
  json_object_object_add(msg, "error", json_object_new_string(error));
  json_object_object_add(msg, "parameters", params_or_empty(params));
  return call_emit(call, msg, true);
}

int varlink_call_error_invalid_parameter(struct varlink_call *call, const char *parameter) {
  json_object *p = json_object_new_object();
  if (p) json_object_object_add(p, "parameter", json_object_new_string(parameter));
  return varlink_call_error(call, VARLINK_ERROR_INVALID_PARAMETER, p);
}

const char *varlink_call_method(const struct varlink_call *call) {
  return call->method;
}
bool varlink_call_oneway(const struct varlink_call *call) {
  return call->oneway;
}
bool varlink_call_more(const struct varlink_call *call) {
  return call->more;
}
/* SO_PEERCRED is what the peer was at connect() time, so reading it
 * late gives the same answer as reading it at accept. */
static void conn_load_uid(struct varlink_conn *c) {
  if (c->cred_loaded) return;
  c->cred_loaded = true;
  socklen_t len = sizeof c->cred;
  if (c->fd < 0 || getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &c->cred, &len) < 0) {
    /* Unknown peer: treat as the least privileged user. */
    c->cred = (struct ucred){.pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1};
    c->groups_loaded = true;
  }
}

/* The credentials and the supplementary groups (a second syscall that
 * the per-user limits, which read only the uid, do not pay). */
static void conn_load_cred(struct varlink_conn *c) {
  conn_load_uid(c);
  if (c->groups_loaded) return;
  c->groups_loaded = true;
  read_peer_groups(c);
}

static void call_load_cred(struct varlink_call *call) {
  if (call->cred_loaded || !call->conn) return;
  conn_load_uid(call->conn);
  call->cred = call->conn->cred;
  call->cred_loaded = true;
}

const struct ucred *varlink_call_peer(struct varlink_call *call) {
  call_load_cred(call);
  return &call->cred;
}
bool varlink_call_orphaned(const struct varlink_call *call) {
  return call->conn == NULL;
}

bool varlink_call_peer_in_group(struct varlink_call *call, gid_t gid) {
  call_load_cred(call);
  if (call->cred.gid == gid) return true;
  if (!call->conn) return false;
  conn_load_cred(call->conn);
  for (size_t i = 0; i < call->conn->n_groups; i++)
    if (call->conn->groups[i] == gid) return true;
  return false;
}

void varlink_call_set_cancel(struct varlink_call *call, varlink_cancel_fn fn, void *userdata) {
  call->cancel = fn;
  call->cancel_userdata = userdata;
}

static struct varlink_call *call_new(struct varlink_conn *c, const char *method, bool oneway,
                                     bool more) {
  struct varlink_call *call = calloc(1, sizeof *call);
  if (!call) return NULL;
  call->method = strdup(method ? method : "");
  if (!call->method) {
    free(call);
    return NULL;
  }
  call->conn = c;
  call->oneway = oneway;
  call->more = more && !oneway;
  /* An orphan can no longer ask its connection: it keeps what was read. */
  call->cred = (struct ucred){.pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1};
  if (c->cred_loaded) {
    call->cred = c->cred;
    call->cred_loaded = true;
  }
  if (oneway) {
    call->next = c->oneway;
    if (c->oneway) c->oneway->prev = call;
    c->oneway = call;
  } else {
    call->prev = c->tail;
    if (c->tail)
      c->tail->next = call;
    else
      c->head = call;
    c->tail = call;
    c->n_pending++;
    call->in_queue = true;
  }
  return call;
}

/* --- parameters --- */

static bool type_matches(json_object *v, enum varlink_type t) {
  switch (t) {
  case VARLINK_STRING:
    return json_object_is_type(v, json_type_string);
  case VARLINK_INT:
    return json_object_is_type(v, json_type_int);
  case VARLINK_BOOL:
    return json_object_is_type(v, json_type_boolean);
  case VARLINK_ARRAY:
    return json_object_is_type(v, json_type_array);
  case VARLINK_OBJECT:
    return json_object_is_type(v, json_type_object);
  case VARLINK_ANY:
    return true;
  }
  return false;
}

static const char *type_reason(enum varlink_type t) {
  switch (t) {
  case VARLINK_STRING:
    return "must be a string";
  case VARLINK_INT:
    return "must be an integer";
  case VARLINK_BOOL:
    return "must be true or false";
  case VARLINK_ARRAY:
    return "must be an array";
  case VARLINK_OBJECT:
    return "must be an object";
  case VARLINK_ANY:
    break;
  }
  return "has the wrong type";
}

int varlink_params_validate(json_object *params, const struct varlink_field *fields,
                            const char **field, const char **reason) {
  if (!params || !json_object_is_type(params, json_type_object)) {
    *field = "parameters";
    *reason = "must be an object";
    return -EINVAL;
  }
  json_object_object_foreach(params, key, val) {
    (void)val;
    const struct varlink_field *f = fields;
    while (f->name && strcmp(f->name, key) != 0)
      f++;
    if (!f->name) {
      *field = key;
      *reason = "unknown parameter";
      return -EINVAL;
    }
  }
  for (const struct varlink_field *f = fields; f->name; f++) {
    json_object *v = NULL;
    bool present = json_object_object_get_ex(params, f->name, &v) && v != NULL;
    if (!present && !f->optional) {
      *field = f->name;
      *reason = "missing";
      return -EINVAL;
    }
    if (present && !type_matches(v, f->type)) {
      *field = f->name;
      *reason = type_reason(f->type);
      return -EINVAL;
    }
  }
  return 0;
}

int varlink_call_check_params(struct varlink_call *call, json_object *params,
                              const struct varlink_field *fields) {
  const char *field, *reason;
  int r = varlink_params_validate(params, fields, &field, &reason);
  if (r < 0) varlink_call_error_invalid_parameter(call, field);
  return r;
}

json_object *varlink_param(json_object *params, const char *name) {
  json_object *v = NULL;
  if (!params || !json_object_object_get_ex(params, name, &v)) return NULL;
  return v;
}

const char *varlink_param_string(json_object *params, const char *name) {
  json_object *v = varlink_param(params, name);
  return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

int64_t varlink_param_int(json_object *params, const char *name, int64_t def) {
  json_object *v = varlink_param(params, name);
  return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : def;
}

bool varlink_param_bool(json_object *params, const char *name, bool def) {
  json_object *v = varlink_param(params, name);
  return v && json_object_is_type(v, json_type_boolean) ? json_object_get_boolean(v) : def;
}

/* --- org.varlink.service --- */

static const struct varlink_interface *find_interface(struct varlink_server *s, const char *name,
                                                      size_t len) {
  for (size_t i = 0; i < s->n_ifaces; i++)
    if (strlen(s->ifaces[i]->name) == len && memcmp(s->ifaces[i]->name, name, len) == 0)
      return s->ifaces[i];
  return NULL;
}

static int service_get_info(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {{NULL, VARLINK_ANY, false}};
  struct varlink_server *s = userdata;
  if (varlink_call_check_params(call, params, fields) < 0) return 0;
  json_object *p = json_object_new_object(), *ifs = json_object_new_array();
  if (!p || !ifs) {
    json_object_put(p);
    json_object_put(ifs);
    return -ENOMEM;
  }
  const struct varlink_server_info *info = s->info;
  json_object_object_add(p, "vendor",
                         json_object_new_string(info && info->vendor ? info->vendor : ""));
  json_object_object_add(p, "product",
                         json_object_new_string(info && info->product ? info->product : ""));
  json_object_object_add(p, "version",
                         json_object_new_string(info && info->version ? info->version : ""));
  json_object_object_add(p, "url", json_object_new_string(info && info->url ? info->url : ""));
  json_object_array_add(ifs, json_object_new_string("org.varlink.service"));
  for (size_t i = 0; i < s->n_ifaces; i++)
    json_object_array_add(ifs, json_object_new_string(s->ifaces[i]->name));
  json_object_object_add(p, "interfaces", ifs);
  return varlink_call_reply(call, p), 0;
}

static int service_get_description(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {{"interface", VARLINK_STRING, false},
                                                {NULL, VARLINK_ANY, false}};
  struct varlink_server *s = userdata;
  if (varlink_call_check_params(call, params, fields) < 0) return 0;
  const char *name = varlink_param_string(params, "interface");
  const char *desc = NULL;
  if (strcmp(name, "org.varlink.service") == 0)
    desc = service_description;
  else {
    const struct varlink_interface *i = find_interface(s, name, strlen(name));
    if (i) desc = i->description;
  }
  if (!desc) {
    json_object *e = json_object_new_object();
    json_object_object_add(e, "interface", json_object_new_string(name));
    return varlink_call_error(call, VARLINK_ERROR_INTERFACE_NOT_FOUND, e), 0;
  }
  json_object *p = json_object_new_object();
  json_object_object_add(p, "description", json_object_new_string(desc));
  return varlink_call_reply(call, p), 0;
}

static const struct varlink_method service_methods[] = {
    {"GetInfo", service_get_info},
    {"GetInterfaceDescription", service_get_description},
    {NULL, NULL},
};

/* --- dispatch --- */

/* An error for a message that never became a proper call. */
static void reply_early_error(struct varlink_conn *c, bool oneway, const char *error,
                              const char *key, const char *value) {
  struct varlink_call *call = call_new(c, NULL, oneway, false);
  if (!call) {
    c->close_after_flush = true;
    return;
  }
  json_object *p = json_object_new_object();
  if (p && key) json_object_object_add(p, key, json_object_new_string(value));
  varlink_call_error(call, error, p);
}

/* A JSON string with an escaped NUL ("\u0000") in it: C code would see
 * it cut short, so "a\u0000b" would be taken for "a". Every string of
 * the parameters, at any depth, is checked once here. */
static bool has_nul(json_object *v, unsigned depth) {
  if (depth > 64) return true; /* json-c nests no deeper than 32 */
  switch (json_object_get_type(v)) {
  case json_type_string:
    return strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v);
  case json_type_array:
    for (size_t i = 0, n = json_object_array_length(v); i < n; i++)
      if (has_nul(json_object_array_get_idx(v, i), depth + 1)) return true;
    return false;
  case json_type_object: {
    json_object_object_foreach(v, key, val) {
      (void)key;
      if (has_nul(val, depth + 1)) return true;
    }
    return false;
  }
  default:
    return false;
  }
}

/* The parameter (top-level name) that holds a string with a NUL. */
static const char *param_with_nul(json_object *params) {
  json_object_object_foreach(params, key, val) {
    if (has_nul(val, 0)) return key;
  }
  return NULL;
}

static bool get_bool(json_object *msg, const char *key, bool *out) {
  json_object *v = NULL;
  *out = false;
  if (!json_object_object_get_ex(msg, key, &v) || !v) return true;
  if (!json_object_is_type(v, json_type_boolean)) return false;
  *out = json_object_get_boolean(v);
  return true;
}

static void dispatch_message(struct varlink_conn *c, const char *text, size_t len) {
  struct varlink_server *s = c->server;
  s->stats.calls++;
  json_tokener_reset(s->tok);
  json_object *msg = json_tokener_parse_ex(s->tok, text, (int)len);
  enum json_tokener_error jerr = json_tokener_get_error(s->tok);
  size_t end = json_tokener_get_parse_end(s->tok);
  while (end < len &&
         (text[end] == ' ' || text[end] == '\t' || text[end] == '\n' || text[end] == '\r'))
    end++;
  if (!msg || jerr != json_tokener_success || end != len ||
      !json_object_is_type(msg, json_type_object)) {
    /* Framing is intact (we split at NUL), so the connection can go on. */
    json_object_put(msg);
    reply_early_error(c, false, VARLINK_ERROR_INVALID_PARAMETER, "parameter", "message");
    return;
  }
  bool oneway, more, upgrade;
  json_object *jmethod = NULL, *params = NULL;
  if (!get_bool(msg, "oneway", &oneway) || !get_bool(msg, "more", &more) ||
      !get_bool(msg, "upgrade", &upgrade)) {
    reply_early_error(c, false, VARLINK_ERROR_INVALID_PARAMETER, "parameter", "message");
    goto out;
  }
  if (!json_object_object_get_ex(msg, "method", &jmethod) || !jmethod ||
      !json_object_is_type(jmethod, json_type_string)) {
    reply_early_error(c, oneway, VARLINK_ERROR_INVALID_PARAMETER, "parameter", "method");
    goto out;
  }
  const char *method = json_object_get_string(jmethod);
  if (has_nul(jmethod, 0)) {
    reply_early_error(c, oneway, VARLINK_ERROR_INVALID_PARAMETER, "parameter", "method");
    goto out;
  }
  if (json_object_object_get_ex(msg, "parameters", &params) && params &&
      !json_object_is_type(params, json_type_object)) {
    reply_early_error(c, oneway, VARLINK_ERROR_INVALID_PARAMETER, "parameter", "parameters");
    goto out;
  }
  const char *nul_in = params ? param_with_nul(params) : NULL;
  if (nul_in) {
    s->stats.nul_refused++;
    reply_early_error(c, oneway, VARLINK_ERROR_INVALID_PARAMETER, "parameter", nul_in);
    goto out;
  }
  if (upgrade) { /* we speak nothing but varlink */
    reply_early_error(c, oneway, VARLINK_ERROR_INVALID_PARAMETER, "parameter", "upgrade");
    goto out;
  }
  const char *dot = strrchr(method, '.');
  if (!dot || dot == method || dot[1] == '\0') {
    reply_early_error(c, oneway, VARLINK_ERROR_INVALID_PARAMETER, "parameter", "method");
    goto out;
  }
  size_t iface_len = (size_t)(dot - method);
  const struct varlink_method *methods = NULL;
  const struct varlink_interface *iface = NULL;
  void *userdata = NULL;
  if (iface_len == strlen("org.varlink.service") &&
      memcmp(method, "org.varlink.service", iface_len) == 0) {
    methods = service_methods;
    userdata = s;
  } else if ((iface = find_interface(s, method, iface_len))) {
    methods = iface->methods;
    userdata = iface->userdata;
  } else {
    char *name = strndup(method, iface_len);
    reply_early_error(c, oneway, VARLINK_ERROR_INTERFACE_NOT_FOUND, "interface", name ? name : "");
    free(name);
    goto out;
  }
  const struct varlink_method *m = methods;
  while (m->name && strcmp(m->name, dot + 1) != 0)
    m++;
  if (!m->name) {
    reply_early_error(c, oneway, VARLINK_ERROR_METHOD_NOT_FOUND, "method", method);
    goto out;
  }
  struct varlink_call *call = call_new(c, method, oneway, more);
  if (!call) {
    c->close_after_flush = true;
    goto out;
  }
  if (iface && iface->authorize && !iface->authorize(call, userdata)) {
    varlink_call_error(
        call, iface->denied_error ? iface->denied_error : VARLINK_ERROR_PERMISSION_DENIED, NULL);
    goto out;
  }
  json_object *empty = NULL;
  if (!params) params = empty = json_object_new_object();
  if (!oneway && !more) {
    s->running = call;
    s->running_text = text;
    s->running_len = len;
  }
  int r = params ? m->fn(call, params, userdata) : -ENOMEM;
  s->running = NULL;
  json_object_put(empty);
  if (r < 0) {
    /* The method failed without completing the call (its contract). */
    vlog(c->server, LOG_ERR, "varlink: %s failed: %s", method, strerror(-r));
    if (iface && iface->failure_error) {
      varlink_call_error(call, iface->failure_error, NULL);
    } else {
      call_emit(call, NULL, true);
      c->close_after_flush = true;
    }
  }
out:
  json_object_put(msg);
}

/* A request whose answer the server's shortcut knows without parsing
 * it (varlink_server_set_shortcut). Only when no earlier call owes a
 * reply, so that replies stay in order. */
static bool shortcut(struct varlink_conn *c, const char *text, size_t len) {
  struct varlink_server *s = c->server;
  const char *reply;
  size_t rlen;
  bool error = false;
  if (!s->shortcut || c->head ||
      !s->shortcut(s->shortcut_userdata, text, len, &reply, &rlen, &error))
    return false;
  s->stats.calls++;
  if (error) s->stats.errors++;
  if (buf_reserve(&c->wbuf, rlen + 1) < 0) {
    vlog(s, LOG_ERR, "varlink: out of memory queueing a reply; closing the connection");
    c->close_after_flush = true;
    return true;
  }
  buf_append(&c->wbuf, reply, rlen);
  buf_append(&c->wbuf, "", 1);
  conn_unsent_add(c, rlen + 1);
  return true;
}

void varlink_server_set_shortcut(struct varlink_server *s, varlink_shortcut_fn fn, void *userdata) {
  s->shortcut = fn;
  s->shortcut_userdata = userdata;
}

const char *varlink_call_request(const struct varlink_call *call, size_t *len) {
  struct varlink_server *s = call->conn ? call->conn->server : NULL;
  if (!s || s->running != call) return NULL;
  *len = s->running_len;
  return s->running_text;
}

/* May we dispatch another buffered request now? */
static bool conn_can_dispatch(const struct varlink_conn *c) {
  size_t high = c->server->limits.unsent_per_connection;
  return !c->dead && !c->close_after_flush && c->n_pending < c->server->max_pending &&
         c->unsent < (high ? high : WRITE_HIGH_WATER) && !(c->usage && c->usage->over);
}

/* May we read more from the socket? */
static bool conn_want_read(const struct varlink_conn *c) {
  return conn_can_dispatch(c) && !c->read_eof;
}

/* Buffered bytes not yet searched for a message end: there may be a
 * complete request that flow control held back. */
static bool conn_has_unscanned(const struct varlink_conn *c) {
  return c->rbuf.len > c->scanned;
}

/* Nothing owed and nothing to do: time to close (after EOF or error). */
static bool conn_finished(const struct varlink_conn *c) {
  if (c->head || c->wpos < c->wbuf.len) return false;
  if (c->close_after_flush) return true;
  return c->read_eof && !memchr(c->rbuf.data, '\0', c->rbuf.len);
}

static int on_partial_timer(sd_event_source *src, uint64_t usec, void *userdata);

/* A request begun and not finished (bytes buffered, no NUL among them)
 * is timed from its first byte: a peer that keeps one open holds a
 * connection and buffer without ever costing itself a reply. */
static void conn_track_partial(struct varlink_conn *c) {
  struct varlink_server *s = c->server;
  bool partial = c->rbuf.len > 0 && c->scanned == c->rbuf.len && !c->read_eof;
  if (!partial || !c->usage || !s->limits.partial_usec) {
    c->partial_since = 0;
    return;
  }
  if (c->partial_since) return;
  sd_event_now(s->event, CLOCK_MONOTONIC, &c->partial_since);
  int on = SD_EVENT_OFF;
  if (s->partial_timer && sd_event_source_get_enabled(s->partial_timer, &on) >= 0 &&
      on != SD_EVENT_OFF)
    return;
  uint64_t at = c->partial_since + s->limits.partial_usec;
  if (!s->partial_timer) {
    if (sd_event_add_time(s->event, &s->partial_timer, CLOCK_MONOTONIC, at, 100000,
                          on_partial_timer, s) < 0)
      s->partial_timer = NULL;
    return;
  }
  sd_event_source_set_time(s->partial_timer, at);
  sd_event_source_set_enabled(s->partial_timer, SD_EVENT_ONESHOT);
}

/* Close the connections whose request has been incomplete for too long;
 * wake up again for the next one to come due. */
static int on_partial_timer(sd_event_source *src, uint64_t usec, void *userdata) {
  struct varlink_server *s = userdata;
  uint64_t next = 0;
  struct varlink_conn *n;
  for (struct varlink_conn *c = s->conns; c; c = n) {
    n = c->next;
    if (!c->partial_since) continue;
    uint64_t due = c->partial_since + s->limits.partial_usec;
    if (due <= usec) {
      s->stats.partial_closed++;
      vlog(s, LOG_DEBUG, "varlink: closing a connection of uid %u: request incomplete for too long",
           (unsigned)c->cred.uid);
      conn_close(c);
    } else if (!next || due < next) {
      next = due;
    }
  }
  if (next) {
    sd_event_source_set_time(src, next);
    sd_event_source_set_enabled(src, SD_EVENT_ONESHOT);
  }
  return 0;
}

/* Dispatch every complete message in rbuf that flow control allows. */
static void conn_process_input(struct varlink_conn *c) {
  struct varlink_server *s = c->server;
  size_t start = 0;
  conn_ref(c);
  c->dispatching = true;
  while (conn_can_dispatch(c)) {
    char *nul = memchr(c->rbuf.data + start + c->scanned, '\0', c->rbuf.len - start - c->scanned);
    if (!nul) {
      c->scanned = c->rbuf.len - start;
      break;
    }
    size_t len = (size_t)(nul - (c->rbuf.data + start));
    c->scanned = 0;
    if (len + 1 > s->max_message) {
      reply_early_error(c, false, VARLINK_ERROR_INVALID_PARAMETER, "parameter", "message");
      c->close_after_flush = true;
      break;
    }
    if (!shortcut(c, c->rbuf.data + start, len)) dispatch_message(c, c->rbuf.data + start, len);
    start += len + 1;
  }
  c->dispatching = false;
  if (!c->dead) {
    if (start > 0) {
      memmove(c->rbuf.data, c->rbuf.data + start, c->rbuf.len - start);
      c->rbuf.len -= start;
    }
    /* A message can never complete once the buffer holds more than the
     * limit without a NUL. */
    if (!c->close_after_flush && c->scanned >= s->max_message) {
      reply_early_error(c, false, VARLINK_ERROR_INVALID_PARAMETER, "parameter", "message");
      c->close_after_flush = true;
    }
    conn_track_partial(c);
    conn_flush_queue(c);
    conn_write(c);
  }
  conn_unref(c);
}

/* --- I/O --- */

static void conn_update_events(struct varlink_conn *c) {
  if (c->dead || !c->io) return;
  uint32_t ev = 0;
  if (conn_want_read(c)) ev |= EPOLLIN;
  if (c->wpos < c->wbuf.len) ev |= EPOLLOUT;
  if (ev != c->io_events) {
    sd_event_source_set_io_events(c->io, ev);
    c->io_events = ev;
  }
}

/* Write what we can; close when finished or broken. Returns -EPIPE if the
 * connection was closed. */
static int conn_write(struct varlink_conn *c) {
  if (c->dead) return -EPIPE;
  while (c->wpos < c->wbuf.len) {
    ssize_t n =
        send(c->fd, c->wbuf.data + c->wpos, c->wbuf.len - c->wpos, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      conn_close(c);
      return -EPIPE;
    }
    c->wpos += (size_t)n;
    conn_unsent_sub(c, (size_t)n);
  }
  if (conn_finished(c)) {
    conn_close(c);
    return -EPIPE;
  }
  if (c->wpos == c->wbuf.len) {
    c->wpos = c->wbuf.len = 0;
  } else if (c->wpos > c->wbuf.cap / 2) {
    memmove(c->wbuf.data, c->wbuf.data + c->wpos, c->wbuf.len - c->wpos);
    c->wbuf.len -= c->wpos;
    c->wpos = 0;
  }
  conn_update_events(c);
  /* Draining the output may allow us to read requests that were held
   * back by flow control. */
  if (c->defer && !c->dispatching && conn_has_unscanned(c) && conn_can_dispatch(c))
    sd_event_source_set_enabled(c->defer, SD_EVENT_ONESHOT);
  return 0;
}

/* Read what the socket has. A read that does not fill the buffer means
 * the socket is drained (the loop says when more comes), unless the peer
 * hung up: then read on to the EOF now instead of in another round. */
static void conn_read(struct varlink_conn *c, bool hup) {
  struct varlink_server *s = c->server;
  for (int i = 0; i < READS_PER_WAKEUP && conn_want_read(c); i++) {
    /* Never hold more than one maximal message plus one chunk. */
    if (c->rbuf.len >= s->max_message + READ_CHUNK) break;
    if (buf_reserve(&c->rbuf, READ_CHUNK) < 0) {
      conn_close(c);
      return;
    }
    ssize_t n = recv(c->fd, c->rbuf.data + c->rbuf.len, READ_CHUNK, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      conn_close(c);
      return;
    }
    if (n == 0) {
      /* The client may half-close after its last request; answer the
       * calls still open, then close. */
      c->read_eof = true;
      break;
    }
    c->rbuf.len += (size_t)n;
    c->active = true;
    if ((size_t)n < READ_CHUNK && !hup) break;
  }
  conn_process_input(c);
}

static int on_conn_io(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
  (void)src;
  (void)fd;
  struct varlink_conn *c = userdata;
  conn_ref(c);
  if (revents & EPOLLOUT) conn_write(c);
  if (!c->dead && (revents & EPOLLIN)) conn_read(c, revents & (EPOLLHUP | EPOLLRDHUP));
  if (!c->dead && (revents & (EPOLLERR | EPOLLHUP)) && !(revents & EPOLLIN)) {
    /* Peer is gone in both directions: nothing can be delivered. */
    conn_close(c);
  }
  if (!c->dead) conn_update_events(c);
  conn_unref(c);
  return 0;
}

static int on_conn_defer(sd_event_source *src, void *userdata) {
  (void)src;
  struct varlink_conn *c = userdata;
  conn_ref(c);
  conn_process_input(c);
  if (!c->dead) conn_update_events(c);
  conn_unref(c);
  return 0;
}

static void read_peer_groups(struct varlink_conn *c) {
  socklen_t len = (socklen_t)(16 * sizeof(gid_t));
  for (int attempt = 0; attempt < 2; attempt++) {
    gid_t *g = malloc(len ? len : 1);
    if (!g) return;
    int r = getsockopt(c->fd, SOL_SOCKET, SO_PEERGROUPS, g, &len);
    if (r == 0) {
      c->groups = g;
      c->n_groups = len / sizeof(gid_t);
      return;
    }
    free(g);
    if (errno != ERANGE || len > MAX_GROUPS * sizeof(gid_t)) return;
  }
}

/* Nothing owed, nothing buffered: closing it loses nothing. A client
 * that sends just then sees EPIPE or ECONNRESET and connects again (the
 * NSS module retries once on a fresh connection). */
static bool conn_quiescent(const struct varlink_conn *c) {
  return !c->head && !c->oneway && c->wpos == c->wbuf.len && c->rbuf.len == 0;
}

/* Every idle_usec: close the connections that read nothing during a whole
 * period. No work per request beyond setting c->active. Processes keep a
 * connection to alt.gns.Resolve between lookups (nss/conn-cache.h); this
 * bounds how many a host holds open to those that resolved recently. */
static int on_idle_timer(sd_event_source *src, uint64_t usec, void *userdata) {
  struct varlink_server *s = userdata;
  struct varlink_conn *next;
  for (struct varlink_conn *c = s->conns; c; c = next) {
    next = c->next;
    if (!c->active && conn_quiescent(c))
      conn_close(c);
    else
      c->active = false;
  }
  /* Stop ticking once there is nothing to watch; conn_add restarts it. */
  if (s->n_conns == 0) return sd_event_source_set_enabled(src, SD_EVENT_OFF), 0;
  sd_event_source_set_time(src, usec + s->idle_usec);
  return 0;
}

static void idle_timer_start(struct varlink_server *s) {
  if (!s->idle_usec) return;
  int on = SD_EVENT_OFF;
  if (s->idle_timer && sd_event_source_get_enabled(s->idle_timer, &on) >= 0 && on != SD_EVENT_OFF)
    return;
  uint64_t now = 0;
  sd_event_now(s->event, CLOCK_MONOTONIC, &now);
  if (!s->idle_timer) {
    if (sd_event_add_time(s->event, &s->idle_timer, CLOCK_MONOTONIC, now + s->idle_usec,
                          s->idle_usec / 10, on_idle_timer, s) < 0)
      s->idle_timer = NULL;
    else /* not one-shot: each tick sets the next */
      sd_event_source_set_enabled(s->idle_timer, SD_EVENT_ON);
    return;
  }
  sd_event_source_set_time(s->idle_timer, now + s->idle_usec);
  sd_event_source_set_enabled(s->idle_timer, SD_EVENT_ON);
}

void varlink_server_set_idle_timeout(struct varlink_server *s, uint64_t usec) {
  s->idle_usec = usec;
  if (s->idle_timer) s->idle_timer = sd_event_source_disable_unref(s->idle_timer);
  if (usec && s->n_conns) idle_timer_start(s);
}

/* A new connection on fd; nonblocking says whether it already is (an
 * accept4 with SOCK_NONBLOCK), sparing two fcntl calls. */
static struct varlink_conn *conn_add(struct varlink_server *s, int fd, bool nonblocking) {
  struct varlink_conn *c = calloc(1, sizeof *c);
  if (!c) {
    close(fd);
    errno = ENOMEM;
    return NULL;
  }
  c->server = s;
  c->fd = fd;
  c->refs = 1;
  if (!nonblocking) {
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0 && !(fl & O_NONBLOCK)) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  }
  if (s->want_cred)
    conn_load_cred(c);
  else if (limits_on(s))
    conn_load_uid(c);
  int r = sd_event_add_io(s->event, &c->io, fd, EPOLLIN, on_conn_io, c);
  if (r >= 0) r = sd_event_add_defer(s->event, &c->defer, on_conn_defer, c);
  if (r < 0) {
    if (c->io) sd_event_source_unref(c->io);
    close(fd);
    free(c->groups);
    free(c);
    errno = -r;
    return NULL;
  }
  sd_event_source_set_enabled(c->defer, SD_EVENT_OFF);
  c->io_events = EPOLLIN;
  c->next = s->conns;
  if (s->conns)
    s->conns->prev = c;
  else
    s->conns_tail = c;
  s->conns = c;
  s->n_conns++;
  if (limits_on(s) && !varlink_uid_exempt(c->cred.uid)) {
    c->usage = usage_get(s, c->cred.uid);
    if (c->usage) c->usage->conns++;
  }
  s->stats.connections++;
  c->active = true;
  idle_timer_start(s);
  return c;
}

int varlink_server_add_connection(struct varlink_server *s, int fd) {
  return conn_add(s, fd, false) ? 0 : -errno;
}

/* Close the oldest idle connection other than keep, of user u (NULL =
 * of anyone but the exempt). */
static bool evict_idle(struct varlink_server *s, const struct varlink_conn *keep,
                       const struct uid_usage *u) {
  for (struct varlink_conn *o = s->conns_tail; o; o = o->prev) {
    if (o == keep || o->dispatching || !conn_quiescent(o)) continue;
    if (u ? o->usage != u : !o->usage) continue;
    s->stats.evicted++;
    conn_close(o);
    return true;
  }
  return false;
}

/* The per-user connection limits for a connection just accepted: room is
 * made by closing an idle connection of the same user (processes keep
 * one to alt.gns.Resolve and reconnect when they find it closed), else
 * the new one is refused. Returns false if c was closed. */
static bool conn_admit(struct varlink_server *s, struct varlink_conn *c) {
  if (!limits_on(s) || !c->usage) {
    if (!limits_on(s) || varlink_uid_exempt(c->cred.uid)) return true;
    /* A user we could not account for (out of memory): refused. */
  } else {
    unsigned per_user = s->limits.connections_per_user;
    bool ok = !per_user || c->usage->conns <= per_user || evict_idle(s, c, c->usage);
    if (ok && s->n_conns > s->max_conns) ok = evict_idle(s, c, c->usage) || evict_idle(s, c, NULL);
    if (ok) return true;
  }
  s->stats.refused++;
  vlog(s, LOG_DEBUG, "varlink: refusing a connection of uid %u: at its connection limit",
       (unsigned)c->cred.uid);
  conn_close(c);
  return false;
}

static int on_retry_timer(sd_event_source *src, uint64_t usec, void *userdata) {
  (void)usec;
  struct varlink_server *s = userdata;
  sd_event_source_unref(src);
  s->retry_timer = NULL;
  server_resume_listening(s);
  return 0;
}

/* Accepting: a client connects and sends its request at once, so the
 * request is normally waiting by the time we accept; read it right away
 * instead of waiting for the next epoll round. Accept one connection per
 * wakeup unless connections keep arriving on consecutive loop iterations
 * (a backlog): then accept until EAGAIN. An idle server so never pays
 * for an accept that finds nothing, a busy one never pays for a loop
 * iteration per connection. */
static int on_listen(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
  (void)revents;
  struct varlink_server *s = userdata;
  uint64_t iteration = 0;
  sd_event_get_iteration(s->event, &iteration);
  if (!s->accept_burst && s->accept_iteration + 1 == iteration) s->accept_burst = true;
  s->accept_iteration = iteration;
  int max = s->accept_burst ? ACCEPTS_PER_WAKEUP : 1;
  for (int i = 0; i < max; i++) {
    if (s->n_conns >= server_conn_cap(s)) {
      /* Wait in the backlog until a connection ends. */
      sd_event_source_set_enabled(src, SD_EVENT_OFF);
      return 0;
    }
    int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EAGAIN) {
        /* The backlog is drained: a burst of one is no burst. */
        if (i <= 1) s->accept_burst = false;
        return 0;
      }
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        vlog(s, LOG_WARNING, "varlink: accept: %s; pausing for 250ms", strerror(errno));
        sd_event_source_set_enabled(src, SD_EVENT_OFF);
        uint64_t now = 0;
        sd_event_now(s->event, CLOCK_MONOTONIC, &now);
        if (!s->retry_timer)
          sd_event_add_time(s->event, &s->retry_timer, CLOCK_MONOTONIC, now + 250000, 0,
                            on_retry_timer, s);
        return 0;
      }
      vlog(s, LOG_ERR, "varlink: accept: %s", strerror(errno));
      return 0;
    }
    struct varlink_conn *c = conn_add(s, cfd, true);
    if (!c) {
      vlog(s, LOG_ERR, "varlink: cannot add connection: %s", strerror(errno));
      continue;
    }
    if (!conn_admit(s, c)) continue;
    conn_ref(c);
    conn_read(c, false);
    if (!c->dead) conn_update_events(c);
    conn_unref(c);
  }
  return 0;
}

/* --- server --- */

int varlink_server_new(sd_event *event, const struct varlink_server_info *info,
                       struct varlink_server **out) {
  struct varlink_server *s = calloc(1, sizeof *s);
  if (!s) return -ENOMEM;
  s->tok = json_tokener_new();
  if (!s->tok) {
    free(s);
    return -ENOMEM;
  }
  json_tokener_set_flags(s->tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
  s->event = sd_event_ref(event);
  s->info = info;
  s->listen_fd = -1;
  s->max_conns = VARLINK_DEFAULT_MAX_CONNECTIONS;
  s->max_pending = DEFAULT_MAX_PENDING;
  s->max_message = VARLINK_DEFAULT_MAX_MESSAGE;
  *out = s;
  return 0;
}

void varlink_server_stop_listening(struct varlink_server *s) {
  if (s->listen_src) {
    sd_event_source_set_enabled(s->listen_src, SD_EVENT_OFF);
    s->listen_src = sd_event_source_unref(s->listen_src);
  }
  if (s->retry_timer) s->retry_timer = sd_event_source_unref(s->retry_timer);
  if (s->listen_fd >= 0) close(s->listen_fd);
  s->listen_fd = -1;
}

void varlink_server_free(struct varlink_server *s) {
  if (!s) return;
  varlink_server_stop_listening(s);
  if (s->idle_timer) s->idle_timer = sd_event_source_disable_unref(s->idle_timer);
  if (s->partial_timer) s->partial_timer = sd_event_source_disable_unref(s->partial_timer);
  while (s->conns)
    conn_close(s->conns);
  json_tokener_free(s->tok);
  sd_event_unref(s->event);
  free(s);
}

void varlink_server_set_max_message(struct varlink_server *s, size_t max) {
  s->max_message = max < 64 ? 64 : max;
}

void varlink_server_set_max_connections(struct varlink_server *s, unsigned max) {
  s->max_conns = max ? max : 1;
  server_resume_listening(s);
}

void varlink_server_set_limits(struct varlink_server *s, const struct varlink_limits *l) {
  s->limits = *l;
  /* A reload that raised or dropped the reply limit frees users held by
   * the old one. */
  for (size_t i = 0; i < USAGE_BUCKETS; i++)
    for (struct uid_usage *u = s->usage[i]; u; u = u->next)
      usage_check_resume(s, u, NULL);
  server_resume_listening(s);
}

void varlink_server_set_max_pending(struct varlink_server *s, unsigned max) {
  s->max_pending = max ? max : 1;
}

/* The interface name a .varlink description declares. */
static bool description_names(const char *desc, const char *name) {
  const char *p = desc;
  while (*p) {
    while (*p == ' ' || *p == '\t' || *p == '\n')
      p++;
    if (*p == '#') {
      p = strchr(p, '\n');
      if (!p) return false;
      continue;
    }
    break;
  }
  if (strncmp(p, "interface", 9) != 0 || (p[9] != ' ' && p[9] != '\t')) return false;
  p += 9;
  while (*p == ' ' || *p == '\t')
    p++;
  size_t n = strlen(name);
  return strncmp(p, name, n) == 0 && (p[n] == '\n' || p[n] == ' ' || p[n] == '\0');
}

/* Does a method table hold exactly the methods the description declares
 * ("method Name(" at the start of a line)? A handler for an undeclared
 * method, or a declared method without one, is a broken contract that
 * would otherwise show only when a client calls it. */
static bool methods_match(const char *desc, const struct varlink_method *methods) {
  size_t declared = 0, handled = 0;
  for (const char *p = desc; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
    while (*p == ' ' || *p == '\t')
      p++;
    if (strncmp(p, "method", 6) != 0 || (p[6] != ' ' && p[6] != '\t')) continue;
    p += 6;
    while (*p == ' ' || *p == '\t')
      p++;
    size_t n = strcspn(p, " \t(");
    bool found = false;
    for (const struct varlink_method *m = methods; m->name && !found; m++)
      found = strlen(m->name) == n && strncmp(m->name, p, n) == 0;
    if (!found) return false;
    declared++;
  }
  for (const struct varlink_method *m = methods; m->name; m++)
    handled++;
  return declared == handled; /* a name twice in either would differ too */
}

int varlink_server_add_interface(struct varlink_server *s, const struct varlink_interface *iface) {
  if (!iface || !iface->name || !iface->methods || !iface->description) return -EINVAL;
  if (!description_names(iface->description, iface->name)) return -EINVAL;
  if (!methods_match(iface->description, iface->methods)) return -EINVAL;
  if (strcmp(iface->name, "org.varlink.service") == 0 ||
      find_interface(s, iface->name, strlen(iface->name)))
    return -EEXIST;
  if (s->n_ifaces >= MAX_INTERFACES) return -ENOSPC;
  s->ifaces[s->n_ifaces++] = iface;
  if (iface->authorize) s->want_cred = true;
  return 0;
}

int varlink_server_listen_fd(struct varlink_server *s, int fd) {
  if (s->listen_src) return -EBUSY;
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return -errno;
  int r = sd_event_add_io(s->event, &s->listen_src, fd, EPOLLIN, on_listen, s);
  if (r < 0) return r;
  s->listen_fd = fd;
  return 0;
}

unsigned varlink_server_connections(const struct varlink_server *s) {
  return s->n_conns;
}

void varlink_server_get_stats(const struct varlink_server *s, struct varlink_server_stats *st) {
  *st = s->stats;
}
