/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One client connection to a GNUnet service on its unix socket, as the
 * DHT backend (dht-gnunet.c) and the revocation client
 * (revocation-gnunet.c) use it: a bounded send queue, a receive side that
 * splits the stream into messages (gnunet-msg.h) and hands each whole
 * message to a callback, and a reconnect with a doubling backoff after
 * the service went away or was not there yet. The service may be
 * restarted under us at any time and then knows nothing of what we told
 * the old one: on_connect runs on every (re)connect so that the client
 * can send its state again.
 *
 * Callbacks run on the event loop. They may send, disconnect and
 * connect again, but not free the connection. */
#ifndef GNSD_GNUNET_CONN_H
#define GNSD_GNUNET_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

struct gnsd_gnunet_conn;

enum gnsd_gnunet_conn_state {
  GNSD_GNUNET_CONN_DISCONNECTED, /* no socket; a retry may be scheduled */
  GNSD_GNUNET_CONN_CONNECTING,   /* connect() in progress; sends are queued */
  GNSD_GNUNET_CONN_CONNECTED,
};
const char *gnsd_gnunet_conn_state_name(enum gnsd_gnunet_conn_state s);

struct gnsd_gnunet_conn_args {
  sd_event *event;
  const char *path;                  /* the service's unix socket */
  const char *name;                  /* prefixes the last error ("queries: ..."); NULL: none */
  size_t max_queue;                  /* bytes the send queue holds for a service that does
                                        not read (0: 1 MiB) */
  size_t max_msg;                    /* largest message taken from the service; a header
                                        saying more drops the connection (0, or more than
                                        GNSD_GNUNET_MSG_MAX: GNSD_GNUNET_MSG_MAX) */
  uint64_t backoff_min, backoff_max; /* usec (0: 100 ms, 30 s) */
  /* A connection is up (the first one or a later one). */
  void (*on_connect)(void *userdata);
  /* One whole message from the service: len >= GNSD_GNUNET_HDR_LEN and
   * equal to its header's size. */
  void (*on_message)(void *userdata, const uint8_t *msg, size_t len);
  /* A connection that was up is gone: what was queued on it is lost, and
   * whatever waits for an answer on it will get none. Not called for a
   * connect that failed. */
  void (*on_disconnect)(void *userdata);
  void *userdata;
};

/* Made disconnected; connects at the first gnsd_gnunet_conn_connect().
 * -EINVAL, -ENAMETOOLONG (path does not fit a sockaddr_un), -ENOMEM. */
int gnsd_gnunet_conn_new(const struct gnsd_gnunet_conn_args *a, struct gnsd_gnunet_conn **out);
/* Closes the socket; calls no callback. */
void gnsd_gnunet_conn_free(struct gnsd_gnunet_conn *c);

/* Connect now unless connected or connecting (AF_UNIX connects complete
 * at once, so the caller learns at once whether the service is there).
 * On failure the backoff's retries go on in the background; an attempt
 * made here does not lengthen the backoff. 0 when connected or
 * connecting afterwards, else the negative errno of the failure. */
int gnsd_gnunet_conn_connect(struct gnsd_gnunet_conn *c);

/* Take the connection down (e.g. the service said something we cannot
 * follow), with why as the last error; on_disconnect runs if it was up,
 * and the backoff reconnects. */
void gnsd_gnunet_conn_disconnect(struct gnsd_gnunet_conn *c, const char *why);

/* Queue one message (len equal to its header's size) and send what the
 * socket takes. 0: on its way (also while connecting); -ENOTCONN: no
 * connection, or sending broke it (on_disconnect has run); -ENOBUFS: the
 * queue is at max_queue; -EINVAL: not a message. */
int gnsd_gnunet_conn_send(struct gnsd_gnunet_conn *c, const uint8_t *msg, size_t len);

enum gnsd_gnunet_conn_state gnsd_gnunet_conn_state(const struct gnsd_gnunet_conn *c);
/* Monotonic usec (the loop's clock) at which the current connection came
 * up; 0 unless connected. */
uint64_t gnsd_gnunet_conn_connected_at(const struct gnsd_gnunet_conn *c);
/* Why the last connection ended or the last attempt failed; "" after a
 * successful connect. */
const char *gnsd_gnunet_conn_last_error(const struct gnsd_gnunet_conn *c);
const char *gnsd_gnunet_conn_path(const struct gnsd_gnunet_conn *c);
/* Bytes queued and not yet taken by the socket. */
size_t gnsd_gnunet_conn_queued(const struct gnsd_gnunet_conn *c);

/* The backoff starts over at min (usec; 0 keeps the defaults). */
void gnsd_gnunet_conn_set_backoff(struct gnsd_gnunet_conn *c, uint64_t min, uint64_t max);

struct gnsd_gnunet_conn_stats {
  uint64_t connects;         /* connections that came up */
  uint64_t disconnects;      /* of those, gone again */
  uint64_t connect_failures; /* connect() refused or failed */
};
void gnsd_gnunet_conn_stats(const struct gnsd_gnunet_conn *c, struct gnsd_gnunet_conn_stats *out);

#endif
