/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one connection to gnsd that a process keeps between lookups.
 *
 * A fresh AF_UNIX connection per lookup (socket, connect, accept, close on
 * both sides) costs more than the rest of a cached lookup together, so the
 * module keeps one connection per process and lends it to one lookup at a
 * time. Everything else gets a fresh connection, as before. The kept
 * connection is used only when all of this holds, checked on every lookup:
 *
 * - its lock could be taken without waiting (pthread_mutex_trylock): a
 *   concurrent lookup, or one from a signal handler that interrupted a
 *   lookup in the same thread, never waits and never deadlocks;
 * - this process made it: its pid is ours, and a page marked
 *   MADV_WIPEONFORK still holds our mark. After fork() the child's copy of
 *   the descriptor is the parent's socket, shared with the parent but not
 *   the lock; the child closes its copy (if it still is that socket) and
 *   connects on its own. The page catches every fork, also raw clone()
 *   and a child in a new pid namespace whose pid happens to equal ours;
 *   without MADV_WIPEONFORK (Linux < 4.14, some sandboxes) nothing is kept;
 * - the descriptor is still the socket we connected: fstat() gives
 *   S_IFSOCK with the st_dev/st_ino we saw at connect. A program that
 *   closed it (close_range, closefrom, a close-all loop) or dup2()ed
 *   something onto its number is never written to; its number is then
 *   simply forgotten, never closed, since it is not ours any more;
 * - the socket path is the one asked for (GNSD_SOCKET may change).
 *
 * The socket is SOCK_CLOEXEC and never takes descriptors 0, 1 or 2 (a
 * program that closed its stdin must not find gnsd there). A connection
 * that failed in any way (timeout, bad reply, error) is closed, never
 * reused: a late reply must not answer the next lookup. gnsd going away
 * (restart, idle close) shows as EPIPE, ECONNRESET or EOF on a reused
 * connection: the caller then retries once on a fresh one
 * (gns_conn_cache_stale).
 *
 * What a program sees: after its first .gns.alt lookup, one more open
 * descriptor (a socket to gnsd, close-on-exec) for as long as it lives. */
#ifndef GNS_CONN_CACHE_H
#define GNS_CONN_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "varlink-client.h"

struct gns_conn_lease {
  struct gns_varlink *v;
  bool kept;   /* v is the process's kept connection (its lock is held) */
  bool reused; /* v served an earlier lookup: a failure may mean it is stale */
};

/* A connection to path for one lookup: the kept one if it may be used
 * (connected now if there is none yet), else a fresh one. 0 or what
 * gns_varlink_connect returned. A kept connection waits for replies in a
 * blocking recv() of at most block_usec (gns_varlink_block_replies; 0 =
 * poll as fresh ones do). */
int gns_conn_cache_acquire(const char *path, size_t max_message, uint64_t block_usec,
                           uint64_t deadline, struct gns_conn_lease *lease);

/* Ends the lookup. ok: the exchange completed (a reply, error or not, was
 * read and nothing else is buffered), so the connection may serve the
 * next lookup; otherwise it is closed. A fresh connection is always
 * closed. */
void gns_conn_cache_release(struct gns_conn_lease *lease, bool ok);

/* Was error r on a reused kept connection a sign that gnsd closed it
 * (restart, idle timeout)? Then one retry on a fresh connection is right:
 * ResolveHostname changes nothing, asking twice is harmless. */
bool gns_conn_cache_stale(const struct gns_conn_lease *lease, int r);

/* The kept connection also remembers the last reply it carried (up to
 * GNS_CONN_CACHE_MEMO_MAX bytes) with what the caller made of it, its
 * parse: a program that asks for the same name again gets the same bytes
 * from gnsd, and parsing them again (json-c: some 25 allocations) would
 * give the same result. tag says what else the parse depended on (the
 * address family asked for). Only on a kept lease: the lock guards it. */
#define GNS_CONN_CACHE_MEMO_MAX 1024u
/* The value remembered for exactly these bytes and tag, or NULL. */
const void *gns_conn_cache_recall(const struct gns_conn_lease *lease, const char *msg, size_t len,
                                  int tag);
/* Remember value (owned from now on, released with free_value) for these
 * bytes and tag, in place of the last one; or release it at once if the
 * lease is not the kept connection or the reply is too long. */
void gns_conn_cache_remember(const struct gns_conn_lease *lease, const char *msg, size_t len,
                             int tag, void *value, void (*free_value)(void *));

#endif
