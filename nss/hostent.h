/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The pure half of the NSS module: which names are ours, the varlink
 * request and reply for alt.gns.Resolve.ResolveHostname, the mapping of
 * every outcome to an NSS status, and the converters that lay a reply out
 * in the caller's buffer as a struct hostent or a gaih_addrtuple list.
 * No sockets, no clocks, no globals: every branch is unit tested
 * (tests/test-nss-hostent.c), including every buffer size from 0 up. */
#ifndef GNS_NSS_HOSTENT_H
#define GNS_NSS_HOSTENT_H

#include <netdb.h>
#include <nss.h>
#include <stddef.h>
#include <stdint.h>

/* The longest name in presentation form without its trailing dot. */
#define GNS_HOSTENT_NAME_MAX 253
/* Bounds on a reply: gnsd never sends more; anything bigger is refused. */
#define GNS_HOSTENT_MAX_ADDRESSES 1024
#define GNS_HOSTENT_CANON_MAX 255
#define GNS_HOSTENT_REPLY_MAX (256 * 1024)

/* ---- name policy ------------------------------------------------------ */

enum gns_hostent_name_class {
  /* Not under .gns.alt: the module declines at once (NSS_STATUS_UNAVAIL). */
  GNS_HOSTENT_NAME_NOT_GNS,
  /* Under .gns.alt and well formed: ask gnsd. */
  GNS_HOSTENT_NAME_GNS,
  /* Under .gns.alt but it cannot exist (too long, empty label, not UTF-8,
   * the bare suffix): NOTFOUND without asking anyone, and never DNS. */
  GNS_HOSTENT_NAME_INVALID,
};

/* Classifies name. For GNS names *len gets its length without the trailing
 * dot (the form sent to gnsd). Pure: no syscall, no errno change. */
enum gns_hostent_name_class gns_hostent_classify(const char *name, size_t *len);

/* ---- the varlink exchange --------------------------------------------- */

/* The ResolveHostname request for name[0..len) and family (0, AF_INET or
 * AF_INET6), as one JSON text without the varlink NUL terminator.
 * Returns 0 and a malloc'd *out of *outlen bytes (NUL-terminated too), or
 * -ENOMEM. */
int gns_hostent_request(const char *name, size_t len, int family, char **out, size_t *outlen);

struct gns_hostent_address {
  int family; /* AF_INET or AF_INET6 */
  uint8_t addr[16];
};

enum gns_hostent_outcome {
  GNS_HOSTENT_FOUND,        /* addresses (possibly none: NO_DATA) */
  GNS_HOSTENT_NO_SUCH_NAME, /* the name does not exist */
  GNS_HOSTENT_UNRESOLVABLE, /* permanent failure: loop, unsupported critical record */
  GNS_HOSTENT_TRY_AGAIN,    /* transient: storage down, timed out, unknown error */
};

struct gns_hostent_reply {
  enum gns_hostent_outcome outcome;
  /* errno that describes the outcome (for *errnop), 0 for FOUND. */
  int err;
  /* FOUND only: the canonical name (carries LEHO) and the addresses. */
  char *name;
  size_t n_addresses;
  struct gns_hostent_address *addresses;
};

/* Parses one varlink reply (without its NUL) to a request made for family
 * (0 = any). A well-formed error reply is a success of the parser with a
 * non-FOUND outcome. Returns 0, -EBADMSG for a malformed reply (not JSON,
 * wrong types, an address of the wrong length or family, missing fields),
 * -E2BIG for more than GNS_HOSTENT_MAX_ADDRESSES addresses or an over-long
 * message, -ENOMEM. On failure *out is left empty (safe to free). */
int gns_hostent_reply_parse(const uint8_t *buf, size_t len, int family,
                            struct gns_hostent_reply *out);
void gns_hostent_reply_free(struct gns_hostent_reply *r);
/* A deep copy of src into dst (release with gns_hostent_reply_free):
 * 0 or -ENOMEM (dst then empty). */
int gns_hostent_reply_copy(const struct gns_hostent_reply *src, struct gns_hostent_reply *dst);

/* ---- outcome to NSS status -------------------------------------------- */

enum gns_hostent_result {
  GNS_HOSTENT_R_SUCCESS,
  GNS_HOSTENT_R_NOT_GNS,      /* not our name */
  GNS_HOSTENT_R_INVALID_NAME, /* ours, but cannot exist */
  GNS_HOSTENT_R_NO_SUCH_NAME,
  GNS_HOSTENT_R_NO_DATA, /* name exists, no address of the family */
  GNS_HOSTENT_R_UNRESOLVABLE,
  GNS_HOSTENT_R_TRY_AGAIN,    /* gnsd unreachable, timed out, storage down, bad reply */
  GNS_HOSTENT_R_BUFFER_SMALL, /* glibc retries with a larger buffer */
};

struct gns_hostent_status {
  enum nss_status status;
  int err;   /* for *errnop; 0 = leave errno alone */
  int h_err; /* for *h_errnop */
};

/* doc/architecture.md, "NSS behaviour": for a .gns.alt name the answer is never
 * UNAVAIL, so `[!UNAVAIL=return]` keeps it from DNS.
 * err is the errno to report for R_TRY_AGAIN/R_UNRESOLVABLE/R_NO_SUCH_NAME
 * (0 picks a default). */
struct gns_hostent_status gns_hostent_status_for(enum gns_hostent_result r, int err);

/* The result for a parsed reply that has at least one usable address or
 * not: FOUND with addresses of the family -> SUCCESS, without -> NO_DATA,
 * and the error outcomes map one to one. */
enum gns_hostent_result gns_hostent_result_for(const struct gns_hostent_reply *r, int family);

/* ---- the caller's buffer ---------------------------------------------- */

/* A bump allocator over the caller's buffer: aligned pieces handed out in
 * order, nothing freed, nothing written outside [base, base + len). */
struct gns_hostent_buf {
  char *base;
  size_t len;
  size_t used;
};

void gns_hostent_buf_init(struct gns_hostent_buf *b, char *base, size_t len);
/* size bytes aligned to align (a power of two), or NULL if they don't fit. */
void *gns_hostent_buf_alloc(struct gns_hostent_buf *b, size_t size, size_t align);

/* Bytes a struct hostent of family af for r needs in a buffer at buf
 * (alignment depends on the address). */
size_t gns_hostent_hostent_size(const struct gns_hostent_reply *r, int af, const char *buf);
/* Fills *host (and *canonp if not NULL) from the addresses of family af.
 * Returns 0, -ENODATA if r has none of that family, -ERANGE if buflen is
 * smaller than gns_hostent_hostent_size(). */
int gns_hostent_to_hostent(const struct gns_hostent_reply *r, int af, char *buf, size_t buflen,
                           struct hostent *host, char **canonp);

/* Bytes the gaih_addrtuple list (all families) needs in a buffer at buf. */
size_t gns_hostent_tuples_size(const struct gns_hostent_reply *r, const char *buf);
/* Builds the list for gethostbyname4_r. If *pat is not NULL on entry the
 * first tuple is copied into **pat (the caller's preallocated tuple, as
 * older glibc provides), else *pat points to the list in buf.
 * Returns 0, -ENODATA (no addresses), -ERANGE. */
int gns_hostent_to_tuples(const struct gns_hostent_reply *r, char *buf, size_t buflen,
                          struct gaih_addrtuple **pat);

#endif
