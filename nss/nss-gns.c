/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libnss_gns.so.2: the glibc entry points. Thin glue: the name policy,
 * the reply parser and the buffer layout are in hostent.c, the socket in
 * varlink-client.c, the connection kept between lookups (and the rules
 * that make keeping it safe after fork, close_range and dup2) in
 * conn-cache.c. It starts no threads and installs no signal handlers.
 *
 * doc/architecture.md, "NSS behaviour": a name outside .gns.alt gets UNAVAIL before
 * any syscall; a .gns.alt name gets SUCCESS, NOTFOUND or TRYAGAIN, never
 * UNAVAIL, so that `gns [!UNAVAIL=return]` keeps it away
 * from DNS whatever happens to gnsd. */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "conn-cache.h"
#include "hostent.h"
#include "varlink-client.h"

#define GNS_NSS_EXPORT __attribute__((visibility("default")))

/* The whole lookup, connect to reply, must finish within this. */
#define GNS_NSS_DEADLINE_USEC (5u * 1000000u)
/* On the kept connection the wait for a reply is one blocking recv() of
 * at most this, when that ends before the deadline (it does unless the
 * lookup already waited 100 ms, to connect), else a poll(). */
#define GNS_NSS_BLOCK_USEC (GNS_NSS_DEADLINE_USEC - 100000u)
#define GNS_NSS_DEFAULT_SOCKET GNSD_RUNTIME_DIR "/alt.gns.Resolve"

GNS_NSS_EXPORT enum nss_status _nss_gns_gethostbyname4_r(const char *name,
                                                         struct gaih_addrtuple **pat, char *buffer,
                                                         size_t buflen, int *errnop, int *h_errnop,
                                                         int32_t *ttlp);
GNS_NSS_EXPORT enum nss_status _nss_gns_gethostbyname3_r(const char *name, int af,
                                                         struct hostent *host, char *buffer,
                                                         size_t buflen, int *errnop, int *h_errnop,
                                                         int32_t *ttlp, char **canonp);
GNS_NSS_EXPORT enum nss_status _nss_gns_gethostbyname2_r(const char *name, int af,
                                                         struct hostent *host, char *buffer,
                                                         size_t buflen, int *errnop, int *h_errnop);
GNS_NSS_EXPORT enum nss_status _nss_gns_gethostbyname_r(const char *name, struct hostent *host,
                                                        char *buffer, size_t buflen, int *errnop,
                                                        int *h_errnop);

static void reply_release(void *p) {
  gns_hostent_reply_free(p);
  free(p);
}

/* One exchange on the lease's connection: request out, reply parsed (or
 * copied from the parse of the same bytes last time). */
static int exchange(struct gns_conn_lease *l, const char *req, size_t req_len, int family,
                    uint64_t deadline, struct gns_hostent_reply *reply) {
  const char *msg;
  size_t msg_len;
  int r = gns_varlink_send(l->v, req, req_len, deadline);
  if (r < 0) return r;
  r = gns_varlink_recv(l->v, deadline, &msg, &msg_len);
  if (r < 0) return r;
  const struct gns_hostent_reply *known = gns_conn_cache_recall(l, msg, msg_len, family);
  if (known) return gns_hostent_reply_copy(known, reply);
  r = gns_hostent_reply_parse((const uint8_t *)msg, msg_len, family, reply);
  if (r == 0 && l->kept) {
    struct gns_hostent_reply *copy = malloc(sizeof *copy);
    if (copy && gns_hostent_reply_copy(reply, copy) == 0)
      gns_conn_cache_remember(l, msg, msg_len, family, copy, reply_release);
    else
      free(copy);
  }
  return r;
}

/* Asks gnsd. Returns 0 with a parsed reply, or a negative errno for a
 * failure to get one (no gnsd, deadline passed, malformed reply). */
static int ask_gnsd(const char *name, size_t len, int family, struct gns_hostent_reply *reply) {
  uint64_t deadline = gns_varlink_now() + GNS_NSS_DEADLINE_USEC;
  char *req = NULL;
  size_t req_len;

  /* secure_getenv: a setuid or file-capability program must not be
   * pointed at a socket of the caller's choosing. */
  const char *path = secure_getenv("GNSD_SOCKET");
  if (!path || !*path) path = GNS_NSS_DEFAULT_SOCKET;

  int r = gns_hostent_request(name, len, family, &req, &req_len);
  if (r < 0) return r;
  /* The lookup runs to its end (its deadline bounds it): a thread
   * cancelled inside it would leave the kept connection locked with a
   * reply on its way. */
  int cancel_state;
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
  for (int attempt = 0;; attempt++) {
    struct gns_conn_lease l;
    r = gns_conn_cache_acquire(path, GNS_HOSTENT_REPLY_MAX, GNS_NSS_BLOCK_USEC, deadline, &l);
    if (r < 0) break;
    r = exchange(&l, req, req_len, family, deadline, reply);
    /* gnsd restarted or closed an idle connection: ask once more on a
     * fresh one. */
    bool retry = attempt == 0 && gns_conn_cache_stale(&l, r);
    gns_conn_cache_release(&l, r >= 0);
    if (!retry) break;
  }
  pthread_setcancelstate(cancel_state, NULL);
  free(req);
  return r;
}

/* Ends an entry point: errno is what it was on entry unless the status
 * reports one (on success it always is: glibc passes &errno as errnop). */
static enum nss_status finish(enum gns_hostent_result res, int err, int saved_errno, int *errnop,
                              int *h_errnop) {
  struct gns_hostent_status s = gns_hostent_status_for(res, err);
  errno = saved_errno;
  if (s.err) *errnop = s.err;
  *h_errnop = s.h_err;
  return s.status;
}

/* Looks the name up for family; on a result other than SUCCESS it has
 * already filled *err. */
static enum gns_hostent_result lookup(const char *name, int family, struct gns_hostent_reply *reply,
                                      int *err) {
  size_t len = 0;

  *err = 0;
  switch (gns_hostent_classify(name, &len)) {
  case GNS_HOSTENT_NAME_NOT_GNS:
    return GNS_HOSTENT_R_NOT_GNS;
  case GNS_HOSTENT_NAME_INVALID:
    return GNS_HOSTENT_R_INVALID_NAME;
  case GNS_HOSTENT_NAME_GNS:
    break;
  }
  int r = ask_gnsd(name, len, family, reply);
  if (r < 0) {
    *err = -r;
    return GNS_HOSTENT_R_TRY_AGAIN;
  }
  enum gns_hostent_result res = gns_hostent_result_for(reply, family);
  if (res != GNS_HOSTENT_R_SUCCESS) *err = reply->err;
  return res;
}

/* The outcome of writing a reply into the caller's buffer: -ERANGE makes
 * glibc retry with a larger one. */
static enum gns_hostent_result filled(int r, int32_t *ttlp) {
  if (r == -ERANGE) return GNS_HOSTENT_R_BUFFER_SMALL;
  if (r < 0) return GNS_HOSTENT_R_NO_DATA;
  if (ttlp) *ttlp = 0; /* gnsd caches; nscd should not. */
  return GNS_HOSTENT_R_SUCCESS;
}

enum nss_status _nss_gns_gethostbyname4_r(const char *name, struct gaih_addrtuple **pat,
                                          char *buffer, size_t buflen, int *errnop, int *h_errnop,
                                          int32_t *ttlp) {
  /* The common case, a name that is not ours, costs no syscall at all. */
  size_t unused;
  if (gns_hostent_classify(name, &unused) == GNS_HOSTENT_NAME_NOT_GNS)
    return finish(GNS_HOSTENT_R_NOT_GNS, 0, errno, errnop, h_errnop);

  int saved_errno = errno, err;
  struct gns_hostent_reply reply = {0};
  enum gns_hostent_result res = lookup(name, AF_UNSPEC, &reply, &err);
  if (res == GNS_HOSTENT_R_SUCCESS) {
    res = filled(gns_hostent_to_tuples(&reply, buffer, buflen, pat), ttlp);
  }
  gns_hostent_reply_free(&reply);
  return finish(res, err, saved_errno, errnop, h_errnop);
}

/* gethostbyname3_r and its two older forms. */
static enum nss_status hostbyname(const char *name, int af, struct hostent *host, char *buffer,
                                  size_t buflen, int *errnop, int *h_errnop, int32_t *ttlp,
                                  char **canonp) {
  size_t unused;
  if (gns_hostent_classify(name, &unused) == GNS_HOSTENT_NAME_NOT_GNS)
    return finish(GNS_HOSTENT_R_NOT_GNS, 0, errno, errnop, h_errnop);

  int saved_errno = errno, err;
  if (af == AF_UNSPEC) af = AF_INET;
  if (af != AF_INET && af != AF_INET6)
    /* Ours, so not UNAVAIL: no address of that family exists in GNS. */
    return finish(GNS_HOSTENT_R_NO_DATA, EAFNOSUPPORT, saved_errno, errnop, h_errnop);

  struct gns_hostent_reply reply = {0};
  enum gns_hostent_result res = lookup(name, af, &reply, &err);
  if (res == GNS_HOSTENT_R_SUCCESS) {
    res = filled(gns_hostent_to_hostent(&reply, af, buffer, buflen, host, canonp), ttlp);
  }
  gns_hostent_reply_free(&reply);
  return finish(res, err, saved_errno, errnop, h_errnop);
}

enum nss_status _nss_gns_gethostbyname3_r(const char *name, int af, struct hostent *host,
                                          char *buffer, size_t buflen, int *errnop, int *h_errnop,
                                          int32_t *ttlp, char **canonp) {
  return hostbyname(name, af, host, buffer, buflen, errnop, h_errnop, ttlp, canonp);
}

enum nss_status _nss_gns_gethostbyname2_r(const char *name, int af, struct hostent *host,
                                          char *buffer, size_t buflen, int *errnop, int *h_errnop) {
  return hostbyname(name, af, host, buffer, buflen, errnop, h_errnop, NULL, NULL);
}

enum nss_status _nss_gns_gethostbyname_r(const char *name, struct hostent *host, char *buffer,
                                         size_t buflen, int *errnop, int *h_errnop) {
  return hostbyname(name, AF_INET, host, buffer, buflen, errnop, h_errnop, NULL, NULL);
}
