/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A blocking varlink client over AF_UNIX (varlink.org: one JSON object per
 * message, each ended by a NUL byte), shared by the NSS module and gnsctl.
 *
 * Every call takes an absolute deadline on CLOCK_MONOTONIC in microseconds
 * (gns_varlink_now() + timeout) and never waits past it: the socket is
 * non-blocking and every wait is a poll() for the time that remains, with
 * EINTR retried. No threads, no signals (writes use MSG_NOSIGNAL), no
 * globals; the socket is SOCK_CLOEXEC so a fork+exec does not inherit it,
 * and never descriptor 0, 1 or 2.
 * Functions return 0 or a negative errno: -ETIMEDOUT when the deadline
 * passes, -ECONNRESET when the peer goes away mid-message, -EMSGSIZE for a
 * message over the limit, -ENAMETOOLONG for a path that does not fit
 * sun_path, or what connect() said (-ENOENT, -ECONNREFUSED, -EACCES). */
#ifndef GNS_VARLINK_CLIENT_H
#define GNS_VARLINK_CLIENT_H

#include <stddef.h>
#include <stdint.h>

struct gns_varlink;
struct json_object;

/* CLOCK_MONOTONIC in microseconds. */
uint64_t gns_varlink_now(void);

/* Connects to the socket at path. max_message bounds every received
 * message (bytes, without the NUL). */
int gns_varlink_connect(const char *path, size_t max_message, uint64_t deadline,
                        struct gns_varlink **ret);

/* Sends msg[0..len) followed by the NUL terminator. */
int gns_varlink_send(struct gns_varlink *v, const char *msg, size_t len, uint64_t deadline);

/* Receives the next message. *msg (NUL-terminated, *len bytes without the
 * NUL) stays valid until the next call on v. */
int gns_varlink_recv(struct gns_varlink *v, uint64_t deadline, const char **msg, size_t *len);

/* The file descriptor, for callers that poll it themselves. */
int gns_varlink_fd(const struct gns_varlink *v);

/* Waits for replies in a blocking recv() bounded by SO_RCVTIMEO = usec
 * instead of poll() and recv(), one syscall less per reply: for a
 * connection that serves many calls. The recv blocks only when usec ends
 * before the call's deadline; otherwise the wait is a poll() as usual,
 * so no wait ever passes its deadline. Sends stay non-blocking. */
int gns_varlink_block_replies(struct gns_varlink *v, uint64_t usec);

/* Bytes received after the last message handed out (0 when the peer
 * sent nothing it was not asked for). */
size_t gns_varlink_buffered(const struct gns_varlink *v);

void gns_varlink_free(struct gns_varlink *v);
/* Frees v but leaves its descriptor alone: for a descriptor that is no
 * longer ours (the program closed it, its number now names something
 * else). */
void gns_varlink_forget(struct gns_varlink *v);

/* One method call (for gnsctl): sends {"method":method,"parameters":params}
 * (params may be NULL; a reference is not taken) and parses the reply.
 * On 0, *reply is the whole reply object (owned by the caller, release with
 * json_object_put): either {"parameters":...} or {"error":NAME,...}.
 * -EBADMSG if the reply is not a JSON object. */
int gns_varlink_call(struct gns_varlink *v, const char *method, struct json_object *params,
                     uint64_t deadline, struct json_object **reply);

/* The error name of a reply, or NULL for a successful one. */
const char *gns_varlink_reply_error(struct json_object *reply);

#endif
