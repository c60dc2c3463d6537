/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A varlink server (https://varlink.org) on sd-event. systemd 252 has no
 * public sd-varlink, so this is ours.
 *
 * One struct varlink_server serves one listening socket (gnsd has two:
 * alt.gns.Resolve and alt.gns.Zone) and the interfaces registered on it,
 * plus org.varlink.service (GetInfo, GetInterfaceDescription).
 *
 * Wire: one JSON object per message, NUL-terminated. Calls on a
 * connection may be pipelined; replies leave in call order even when a
 * method completes a later call first. Methods get a call handle and
 * complete it now or later with varlink_call_reply / varlink_call_error.
 * Bad input (invalid JSON, unknown method, bad parameters) gets an error
 * reply; an oversized message closes that connection only. A client that
 * stops reading is throttled (its input is no longer read) and never
 * blocks anyone else. */
#ifndef VARLINK_SERVER_H
#define VARLINK_SERVER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>

struct varlink_server;
struct varlink_call;

#define VARLINK_DEFAULT_MAX_MESSAGE (64u * 1024)
#define VARLINK_DEFAULT_MAX_CONNECTIONS 4096u

/* Standard errors of org.varlink.service. */
#define VARLINK_ERROR_INTERFACE_NOT_FOUND "org.varlink.service.InterfaceNotFound"
#define VARLINK_ERROR_METHOD_NOT_FOUND "org.varlink.service.MethodNotFound"
#define VARLINK_ERROR_METHOD_NOT_IMPLEMENTED "org.varlink.service.MethodNotImplemented"
#define VARLINK_ERROR_INVALID_PARAMETER "org.varlink.service.InvalidParameter"
#define VARLINK_ERROR_PERMISSION_DENIED "org.varlink.service.PermissionDenied"

/* A method. params is always a JSON object (an empty one when the call
 * had none or null); it is borrowed for the duration of the call to fn
 * only: json_object_get() what must outlive it.
 *
 * fn must complete the call exactly once: now or later, with
 * varlink_call_reply or varlink_call_error (also for "oneway" calls,
 * whose reply is simply dropped). It returns 0, or a negative errno if
 * it failed WITHOUT completing the call: the server then logs it and
 * completes the call with the interface's failure_error, or, if that is
 * NULL, closes the connection after the replies owed before it. */
typedef int (*varlink_method_fn)(struct varlink_call *call, json_object *params, void *userdata);

struct varlink_method {
  const char *name; /* unqualified, "ResolveHostname" */
  varlink_method_fn fn;
};

/* Decide per call whether the peer may use an interface. */
typedef bool (*varlink_authorize_fn)(struct varlink_call *call, void *userdata);

struct varlink_interface {
  const char *name;                     /* "alt.gns.Zone" */
  const char *description;              /* the .varlink text served by GetInterfaceDescription */
  const struct varlink_method *methods; /* terminated by an entry with name == NULL */
  /* NULL = everyone who can connect. Denied calls get denied_error
   * (default org.varlink.service.PermissionDenied) with {} parameters. */
  varlink_authorize_fn authorize;
  const char *denied_error;
  /* Error for a method that returned a negative errno (see above), e.g.
   * "alt.gns.Zone.StorageUnavailable"; NULL = close the connection. */
  const char *failure_error;
  void *userdata; /* passed to every method and to authorize */
};

struct varlink_server_info {
  const char *vendor, *product, *version, *url;
  /* Where the server reports what it cannot tell a peer (out of memory,
   * accept failures, failed methods); level is syslog's. NULL = silent. */
  void (*log)(int level, const char *fmt, va_list ap);
};

/* The server keeps pointers into info and into registered interfaces:
 * they must outlive it (static tables in practice). */
int varlink_server_new(sd_event *event, const struct varlink_server_info *info,
                       struct varlink_server **out);
/* Closes every connection (pending calls become orphans, see below) and
 * the listening socket. */
void varlink_server_free(struct varlink_server *s);

/* Largest accepted message (request) in bytes, NUL included. Default
 * VARLINK_DEFAULT_MAX_MESSAGE. Larger messages close the connection
 * after an InvalidParameter("message") error. */
void varlink_server_set_max_message(struct varlink_server *s, size_t max);
/* Connections beyond this wait in the listen backlog. */
void varlink_server_set_max_connections(struct varlink_server *s, unsigned max);
/* Calls in progress per connection before its input is paused. */
void varlink_server_set_max_pending(struct varlink_server *s, unsigned max);

/* Per-user limits (the peer's uid from SO_PEERCRED, read at accept).
 * The uid 0 and the server's own effective uid are exempt from all of
 * them, and have reserved_connections beyond max_connections of their
 * own, so that root's lookups keep working while another user is at
 * every limit. 0 in a field turns that limit off (the defaults).
 *
 * A user at connections_per_user (or everyone at max_connections) gets
 * its oldest idle connection closed (its client reconnects when it needs
 * it), or, with none idle, the new connection is closed at once. A
 * connection whose unsent replies reach unsent_per_connection, or whose
 * user's connections together owe unsent_per_user bytes, is no longer
 * read (back-pressure) until they drain. A request that stays incomplete
 * for partial_usec closes its connection. */
struct varlink_limits {
  unsigned connections_per_user;
  unsigned reserved_connections;
  size_t unsent_per_connection;
  size_t unsent_per_user;
  uint64_t partial_usec;
};
void varlink_server_set_limits(struct varlink_server *s, const struct varlink_limits *l);
/* Is uid exempt from the per-user limits (root or the server's own)? */
bool varlink_uid_exempt(uid_t uid);

/* Close connections that sent nothing for usec (checked every usec, so
 * after usec to 2 * usec) and owe nothing. 0 (the default) = never. For
 * a socket whose clients keep connections between calls and reconnect
 * when they find them closed (the NSS module on alt.gns.Resolve). */
void varlink_server_set_idle_timeout(struct varlink_server *s, uint64_t usec);

/* A shortcut for requests answered before: fn gets each complete request
 * (its exact bytes, without the NUL) before it is parsed, when no earlier
 * call on the connection owes a reply. If it returns true, reply[0..len)
 * (one whole varlink message without the NUL, valid until fn is called
 * again or control returns to the loop) is the answer, counted as a
 * call (and an error if *error): the request is neither parsed nor
 * dispatched. For answers that depend on nothing but the request's
 * bytes (gnsd's answer cache); fn learns them from
 * varlink_call_request. NULL turns it off. */
typedef bool (*varlink_shortcut_fn)(void *userdata, const char *request, size_t len,
                                    const char **reply, size_t *reply_len, bool *error);
void varlink_server_set_shortcut(struct varlink_server *s, varlink_shortcut_fn fn, void *userdata);

/* Register an interface. -EEXIST if the name is taken, -EINVAL if the
 * description does not start with "interface NAME" (after comments) or
 * if the method table and the description's "method" lines differ. */
int varlink_server_add_interface(struct varlink_server *s, const struct varlink_interface *iface);

/* Serve a listening socket (takes ownership; it is made non-blocking). */
int varlink_server_listen_fd(struct varlink_server *s, int fd);
/* Serve one already connected socket (takes ownership). For tests and
 * socketpair() users. */
int varlink_server_add_connection(struct varlink_server *s, int fd);

/* Stop accepting new connections (shutdown); existing ones continue. */
void varlink_server_stop_listening(struct varlink_server *s);

unsigned varlink_server_connections(const struct varlink_server *s);
/* Counters for statistics: calls dispatched, errors replied, connections
 * accepted in total. */
struct varlink_server_stats {
  uint64_t calls, errors, connections;
  /* What the per-user limits did: connections refused at accept, idle
   * ones closed to make room, connections closed for an incomplete
   * request, times a user's input was paused for its unsent replies, and
   * requests refused for a string with a NUL in it. */
  uint64_t refused, evicted, partial_closed, throttled, nul_refused;
};
void varlink_server_get_stats(const struct varlink_server *s, struct varlink_server_stats *st);

/* --- calls --- */

/* Reply and complete the call. params (may be NULL = {}) is consumed
 * (json_object_put by the server). Returns 0, or a negative errno if the
 * reply could not be queued (the call is completed anyway). */
int varlink_call_reply(struct varlink_call *call, json_object *params);
/* varlink_call_reply with the parameters already serialised, for replies
 * that are kept as text (gnsd's answer cache): params_json[0..len) must be
 * one JSON object, without NUL; it is sent as it is (the caller vouches
 * for it), so no JSON object is built or printed per call. */
int varlink_call_reply_json(struct varlink_call *call, const char *params_json, size_t len);
/* Send an intermediate reply ("continues": true) to a call made with
 * "more": true. -EINVAL if the call did not ask for more. Does not
 * complete the call. */
int varlink_call_notify(struct varlink_call *call, json_object *params);
/* Error reply, completes the call. params consumed, may be NULL. */
int varlink_call_error(struct varlink_call *call, const char *error, json_object *params);
/* org.varlink.service.InvalidParameter {"parameter": name}. */
int varlink_call_error_invalid_parameter(struct varlink_call *call, const char *parameter);

/* The exact text of the call's request (without the NUL) while its
 * method runs, for a call that is neither oneway nor "more"; NULL
 * otherwise (and once the method returned). */
const char *varlink_call_request(const struct varlink_call *call, size_t *len);

/* "alt.gns.Zone.CreateZone" */
const char *varlink_call_method(const struct varlink_call *call);
bool varlink_call_oneway(const struct varlink_call *call);
bool varlink_call_more(const struct varlink_call *call);

/* Credentials of the peer (SO_PEERCRED: what it was at connect time).
 * A server with an interface that has an authorize function reads them
 * at accept; any other reads them on first use, so that serving a call
 * that never asks costs no syscall. An orphaned call knows them only if
 * they were read before it became one; otherwise it reports the unknown
 * peer (uid and gid -1). */
const struct ucred *varlink_call_peer(struct varlink_call *call);
/* True if gid is the peer's primary group or one of its supplementary
 * groups (SO_PEERGROUPS). */
bool varlink_call_peer_in_group(struct varlink_call *call, gid_t gid);

/* A call whose connection went away before it completed is an orphan:
 * its replies are dropped, but the method still completes it (that frees
 * it). The cancel callback, if set, runs once when that happens so that
 * asynchronous work can stop early; it may complete the call. */
typedef void (*varlink_cancel_fn)(struct varlink_call *call, void *userdata);
void varlink_call_set_cancel(struct varlink_call *call, varlink_cancel_fn fn, void *userdata);
bool varlink_call_orphaned(const struct varlink_call *call);

/* --- parameter checking --- */

enum varlink_type {
  VARLINK_STRING,
  VARLINK_INT,
  VARLINK_BOOL,
  VARLINK_ARRAY,
  VARLINK_OBJECT,
  VARLINK_ANY,
};

struct varlink_field {
  const char *name;
  enum varlink_type type;
  bool optional; /* a missing field or null is accepted */
};

/* Check params against fields (terminated by name == NULL): required
 * fields present, types right, no unknown fields. On mismatch the call is
 * completed with InvalidParameter naming the field and -EINVAL returned;
 * the method must then just return 0. */
int varlink_call_check_params(struct varlink_call *call, json_object *params,
                              const struct varlink_field *fields);

/* The same check without replying: on mismatch returns -EINVAL with the
 * field name and a static reason ("missing", "must be a string", "unknown
 * parameter", ...) so that a method can reply with its own error type. */
int varlink_params_validate(json_object *params, const struct varlink_field *fields,
                            const char **field, const char **reason);

/* Helpers for checked params: the field's value or NULL/default if absent
 * or null. */
const char *varlink_param_string(json_object *params, const char *name);
int64_t varlink_param_int(json_object *params, const char *name, int64_t def);
bool varlink_param_bool(json_object *params, const char *name, bool def);
json_object *varlink_param(json_object *params, const char *name);

#endif
