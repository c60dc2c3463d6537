/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Name policy, ResolveHostname request and reply, status mapping and the
 * buffer converters of the NSS module. See hostent.h. */
#include "config.h"

#include "hostent.h"

#include <assert.h>
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistr.h>
#include "contract.h"

/* ---- name policy ------------------------------------------------------ */

static const char gns_suffix[] = "gns.alt";
#define GNS_SUFFIX_LEN (sizeof gns_suffix - 1)

static bool ascii_ieq(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

static enum gns_hostent_name_class classify_plain(const char *name, size_t n, size_t *len);

/* The bytes DNS reads from a name written with RFC 1035 (5.1) escapes:
 * "\DDD" (decimal) and "\X" stand for one byte. Returns false if the
 * result does not fit (no DNS name is that long). */
static bool dns_unescape(const char *in, size_t n, char *out, size_t cap, size_t *outlen) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    char c = in[i];
    if (c == '\\' && i + 1 < n) {
      if (i + 3 < n && in[i + 1] >= '0' && in[i + 1] <= '9' && in[i + 2] >= '0' &&
          in[i + 2] <= '9' && in[i + 3] >= '0' && in[i + 3] <= '9') {
        int v = (in[i + 1] - '0') * 100 + (in[i + 2] - '0') * 10 + (in[i + 3] - '0');
        c = (char)(v & 0xff);
        i += 3;
      } else {
        c = in[++i];
      }
    }
    if (o >= cap) return false;
    out[o++] = c;
  }
  *outlen = o;
  return true;
}

enum gns_hostent_name_class gns_hostent_classify(const char *name, size_t *len) {
  size_t n = strlen(name);
  /* A name with a backslash is what glibc's dns module would unescape
   * before asking: "www.x.gns.al\116" is www.x.gns.alt to it, so it must
   * not get past us (UNAVAIL would send it to DNS). gnsd takes names as
   * they are, so we do not resolve it: it is NOTFOUND, like any other
   * name under .gns.alt that cannot exist. */
  if (memchr(name, '\\', n)) {
    char plain[4 * GNS_HOSTENT_NAME_MAX];
    size_t pn = 0, unused;
    if (!dns_unescape(name, n, plain, sizeof plain, &pn)) return GNS_HOSTENT_NAME_NOT_GNS;
    return classify_plain(plain, pn, &unused) == GNS_HOSTENT_NAME_NOT_GNS
               ? GNS_HOSTENT_NAME_NOT_GNS
               : GNS_HOSTENT_NAME_INVALID;
  }
  return classify_plain(name, n, len);
}

/* Classify name[0..n), which has no escapes. */
static enum gns_hostent_name_class classify_plain(const char *name, size_t n, size_t *len) {
  /* One trailing dot marks an absolute name; the name is the same. */
  if (n > 0 && name[n - 1] == '.') n--;
  if (n < GNS_SUFFIX_LEN || !ascii_ieq(name + n - GNS_SUFFIX_LEN, gns_suffix, GNS_SUFFIX_LEN))
    return GNS_HOSTENT_NAME_NOT_GNS;
  /* The bare suffix names no zone: ours to refuse, never DNS's to see. */
  if (n == GNS_SUFFIX_LEN) return GNS_HOSTENT_NAME_INVALID;
  /* "xgns.alt" is some other name under .alt. */
  if (name[n - GNS_SUFFIX_LEN - 1] != '.') return GNS_HOSTENT_NAME_NOT_GNS;

  /* From here on the name is under .gns.alt: whatever is wrong with it, the
   * answer is NOTFOUND from us, so that it cannot leak to DNS. */
  if (n > GNS_HOSTENT_NAME_MAX) return GNS_HOSTENT_NAME_INVALID;
  /* Empty labels: ".gns.alt", ".a.gns.alt", "a..gns.alt". */
  if (name[0] == '.') return GNS_HOSTENT_NAME_INVALID;
  for (size_t i = 1; i < n; i++)
    if (name[i] == '.' && name[i - 1] == '.') return GNS_HOSTENT_NAME_INVALID;
  /* RFC 9498, 5.1: labels are UTF-8 (NFC is gnsd's job). */
  if (u8_check((const uint8_t *)name, n) != NULL) return GNS_HOSTENT_NAME_INVALID;

  *len = n;
  return GNS_HOSTENT_NAME_GNS;
}

/* ---- the varlink exchange --------------------------------------------- */

int gns_hostent_request(const char *name, size_t len, int family, char **out, size_t *outlen) {
  /* Only the name varies: json-c writes it as a JSON string (quotes,
   * escapes), the rest is constant text, which saves building and
   * printing five JSON objects per lookup. */
  static const char head[] = "{\"method\":\"" VL_RESOLVE_METHOD_ResolveHostname "\","
                             "\"parameters\":{\"name\":";
  *out = NULL;
  if (len > INT_MAX) return -ENOMEM;
  json_object *jname = json_object_new_string_len(name, (int)len);
  if (!jname) return -ENOMEM;
  int r = -ENOMEM;
  size_t nlen = 0;
  const char *quoted = json_object_to_json_string_length(
      jname, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &nlen);
  char tail[32];
  int tlen = snprintf(tail, sizeof tail, ",\"family\":%d}}", family);
  if (!quoted || tlen < 0 || (size_t)tlen >= sizeof tail) goto done;
  size_t total = sizeof head - 1 + nlen + (size_t)tlen;
  char *req = malloc(total + 1);
  if (!req) goto done;
  memcpy(req, head, sizeof head - 1);
  memcpy(req + sizeof head - 1, quoted, nlen);
  memcpy(req + sizeof head - 1 + nlen, tail, (size_t)tlen + 1);
  *out = req;
  *outlen = total;
  r = 0;
done:
  json_object_put(jname);
  return r;
}

/* Every error of alt.gns.Resolve (varlink/alt.gns.Resolve.varlink, names
 * from the generated contract.h) and what it means to a program asking
 * for an address. Errors not listed here (org.varlink.service.*) are
 * transient: TRY_AGAIN, EPROTO. test-nss-hostent fails when an error of
 * the interface is missing here. */
static const struct {
  const char *name;
  enum gns_hostent_outcome outcome;
  int err;
} resolve_errors[] = {
    {VL_RESOLVE_ERROR_NoSuchName, GNS_HOSTENT_NO_SUCH_NAME, ENOENT},
    {VL_RESOLVE_ERROR_NotGNS, GNS_HOSTENT_NO_SUCH_NAME, ENOENT},
    {VL_RESOLVE_ERROR_InvalidName, GNS_HOSTENT_NO_SUCH_NAME, EINVAL},
    {VL_RESOLVE_ERROR_ZoneRevoked, GNS_HOSTENT_NO_SUCH_NAME, EKEYREVOKED},
    {VL_RESOLVE_ERROR_CriticalRecordUnsupported, GNS_HOSTENT_UNRESOLVABLE, EPROTONOSUPPORT},
    {VL_RESOLVE_ERROR_ResolutionLoop, GNS_HOSTENT_UNRESOLVABLE, ELOOP},
    {VL_RESOLVE_ERROR_StorageUnavailable, GNS_HOSTENT_TRY_AGAIN, EAGAIN},
    {VL_RESOLVE_ERROR_TimedOut, GNS_HOSTENT_TRY_AGAIN, ETIMEDOUT},
    {VL_RESOLVE_ERROR_LimitExceeded, GNS_HOSTENT_TRY_AGAIN, EAGAIN},
    {VL_RESOLVE_ERROR_DNSFailed, GNS_HOSTENT_TRY_AGAIN, EAGAIN},
    /* a forged or broken DNS answer: final, and never retried elsewhere */
    {VL_RESOLVE_ERROR_DNSSECBogus, GNS_HOSTENT_UNRESOLVABLE, EKEYREJECTED},
};

static void classify_error(const char *name, struct gns_hostent_reply *out) {
  out->outcome = GNS_HOSTENT_TRY_AGAIN;
  out->err = EPROTO;
  for (size_t i = 0; i < sizeof resolve_errors / sizeof resolve_errors[0]; i++)
    if (strcmp(name, resolve_errors[i].name) == 0) {
      out->outcome = resolve_errors[i].outcome;
      out->err = resolve_errors[i].err;
      return;
    }
}

static bool get_int(json_object *o, int64_t lo, int64_t hi, int64_t *v) {
  if (!json_object_is_type(o, json_type_int)) return false;
  int64_t x = json_object_get_int64(o);
  if (x < lo || x > hi) return false;
  *v = x;
  return true;
}

static int parse_address(json_object *o, int family, struct gns_hostent_address *a) {
  json_object *jfam, *jaddr;
  int64_t fam, byte;

  if (!json_object_is_type(o, json_type_object)) return -EBADMSG;
  if (!json_object_object_get_ex(o, "family", &jfam) || !get_int(jfam, 0, INT_MAX, &fam))
    return -EBADMSG;
  if (fam != AF_INET && fam != AF_INET6) return -EBADMSG;
  /* gnsd answers only what was asked; anything else is a broken reply. */
  if (family != AF_UNSPEC && fam != family) return -EBADMSG;
  if (!json_object_object_get_ex(o, "address", &jaddr) ||
      !json_object_is_type(jaddr, json_type_array))
    return -EBADMSG;
  size_t n = json_object_array_length(jaddr);
  if (n != (fam == AF_INET ? 4u : 16u)) return -EBADMSG;
  memset(a, 0, sizeof *a);
  a->family = (int)fam;
  for (size_t i = 0; i < n; i++) {
    if (!get_int(json_object_array_get_idx(jaddr, i), 0, 255, &byte)) return -EBADMSG;
    a->addr[i] = (uint8_t)byte;
  }
  return 0;
}

static int parse_parameters(json_object *params, int family, struct gns_hostent_reply *out) {
  json_object *jaddrs, *jname;

  if (!json_object_is_type(params, json_type_object)) return -EBADMSG;
  if (!json_object_object_get_ex(params, "addresses", &jaddrs) ||
      !json_object_is_type(jaddrs, json_type_array))
    return -EBADMSG;
  if (!json_object_object_get_ex(params, "name", &jname) ||
      !json_object_is_type(jname, json_type_string))
    return -EBADMSG;

  /* The canonical name goes to programs as a C string: no NUL inside,
   * not empty, no longer than a DNS name can be. */
  const char *name = json_object_get_string(jname);
  size_t nlen = (size_t)json_object_get_string_len(jname);
  if (nlen == 0 || nlen > GNS_HOSTENT_CANON_MAX || strlen(name) != nlen) return -EBADMSG;

  size_t n = json_object_array_length(jaddrs);
  if (n > GNS_HOSTENT_MAX_ADDRESSES) return -E2BIG;
  out->addresses = calloc(n ? n : 1, sizeof *out->addresses);
  out->name = strdup(name);
  if (!out->addresses || !out->name) return -ENOMEM;
  for (size_t i = 0; i < n; i++) {
    int r = parse_address(json_object_array_get_idx(jaddrs, i), family, &out->addresses[i]);
    if (r < 0) return r;
  }
  out->n_addresses = n;
  out->outcome = GNS_HOSTENT_FOUND;
  out->err = 0;
  return 0;
}

static bool only_space(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') return false;
  return true;
}

int gns_hostent_reply_parse(const uint8_t *buf, size_t len, int family,
                            struct gns_hostent_reply *out) {
  json_tokener *tok = NULL;
  json_object *root = NULL, *jerr, *params;
  int r = -EBADMSG;

  memset(out, 0, sizeof *out);
  if (len > GNS_HOSTENT_REPLY_MAX) return -E2BIG;
  /* varlink.org: a message is one JSON object; its NUL ends it. */
  if (len == 0 || memchr(buf, 0, len)) return -EBADMSG;

  tok = json_tokener_new_ex(16);
  if (!tok) return -ENOMEM;
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
  root = json_tokener_parse_ex(tok, (const char *)buf, (int)len);
  if (!root || json_tokener_get_error(tok) != json_tokener_success) goto done;
  size_t end = json_tokener_get_parse_end(tok);
  if (end > len || !only_space(buf + end, len - end)) goto done;
  if (!json_object_is_type(root, json_type_object)) goto done;

  if (json_object_object_get_ex(root, "error", &jerr)) {
    if (!json_object_is_type(jerr, json_type_string)) goto done;
    const char *ename = json_object_get_string(jerr);
    if (strlen(ename) != (size_t)json_object_get_string_len(jerr)) goto done;
    classify_error(ename, out);
    r = 0;
    goto done;
  }
  if (!json_object_object_get_ex(root, "parameters", &params)) goto done;
  r = parse_parameters(params, family, out);

done:
  if (r < 0) gns_hostent_reply_free(out);
  json_object_put(root);
  json_tokener_free(tok);
  return r;
}

void gns_hostent_reply_free(struct gns_hostent_reply *r) {
  free(r->name);
  free(r->addresses);
  memset(r, 0, sizeof *r);
}

int gns_hostent_reply_copy(const struct gns_hostent_reply *src, struct gns_hostent_reply *dst) {
  *dst = *src;
  dst->name = NULL;
  dst->addresses = NULL;
  if (src->name && !(dst->name = strdup(src->name))) goto nomem;
  if (src->addresses) {
    size_t n = src->n_addresses ? src->n_addresses : 1;
    dst->addresses = malloc(n * sizeof *dst->addresses);
    if (!dst->addresses) goto nomem;
    memcpy(dst->addresses, src->addresses, n * sizeof *dst->addresses);
  }
  return 0;
nomem:
  gns_hostent_reply_free(dst);
  return -ENOMEM;
}

/* ---- outcome to NSS status -------------------------------------------- */

struct gns_hostent_status gns_hostent_status_for(enum gns_hostent_result res, int err) {
  struct gns_hostent_status s = {NSS_STATUS_TRYAGAIN, err ? err : EAGAIN, TRY_AGAIN};

  switch (res) {
  case GNS_HOSTENT_R_SUCCESS:
    s = (struct gns_hostent_status){NSS_STATUS_SUCCESS, 0, NETDB_SUCCESS};
    break;
  case GNS_HOSTENT_R_NOT_GNS:
    /* No syscall was made and errno stays as it was. */
    s = (struct gns_hostent_status){NSS_STATUS_UNAVAIL, 0, HOST_NOT_FOUND};
    break;
  case GNS_HOSTENT_R_INVALID_NAME:
    s = (struct gns_hostent_status){NSS_STATUS_NOTFOUND, err ? err : EINVAL, HOST_NOT_FOUND};
    break;
  case GNS_HOSTENT_R_NO_SUCH_NAME:
    s = (struct gns_hostent_status){NSS_STATUS_NOTFOUND, err ? err : ENOENT, HOST_NOT_FOUND};
    break;
  case GNS_HOSTENT_R_NO_DATA:
    s = (struct gns_hostent_status){NSS_STATUS_NOTFOUND, err ? err : ENODATA, NO_DATA};
    break;
  case GNS_HOSTENT_R_UNRESOLVABLE:
    s = (struct gns_hostent_status){NSS_STATUS_NOTFOUND, err ? err : EPROTO, NO_RECOVERY};
    break;
  case GNS_HOSTENT_R_TRY_AGAIN:
    break;
  case GNS_HOSTENT_R_BUFFER_SMALL:
    /* glibc grows the buffer only for exactly this triple. */
    s = (struct gns_hostent_status){NSS_STATUS_TRYAGAIN, ERANGE, NETDB_INTERNAL};
    break;
  }
  return s;
}

static size_t count_family(const struct gns_hostent_reply *r, int af) {
  size_t n = 0;
  for (size_t i = 0; i < r->n_addresses; i++)
    if (af == AF_UNSPEC || r->addresses[i].family == af) n++;
  return n;
}

enum gns_hostent_result gns_hostent_result_for(const struct gns_hostent_reply *r, int family) {
  switch (r->outcome) {
  case GNS_HOSTENT_FOUND:
    return count_family(r, family) ? GNS_HOSTENT_R_SUCCESS : GNS_HOSTENT_R_NO_DATA;
  case GNS_HOSTENT_NO_SUCH_NAME:
    return GNS_HOSTENT_R_NO_SUCH_NAME;
  case GNS_HOSTENT_UNRESOLVABLE:
    return GNS_HOSTENT_R_UNRESOLVABLE;
  case GNS_HOSTENT_TRY_AGAIN:
    break;
  }
  return GNS_HOSTENT_R_TRY_AGAIN;
}

/* ---- the caller's buffer ---------------------------------------------- */

void gns_hostent_buf_init(struct gns_hostent_buf *b, char *base, size_t len) {
  b->base = base;
  b->len = len;
  b->used = 0;
}

static size_t pad_for(uintptr_t addr, size_t align) {
  return (size_t)((align - (addr & (align - 1))) & (align - 1));
}

void *gns_hostent_buf_alloc(struct gns_hostent_buf *b, size_t size, size_t align) {
  size_t pad = pad_for((uintptr_t)(b->base + b->used), align);
  if (pad > b->len - b->used || size > b->len - b->used - pad) return NULL;
  void *p = b->base + b->used + pad;
  b->used += pad + size;
  return p;
}

static size_t addr_len(int af) {
  return af == AF_INET6 ? 16 : 4;
}

/* Layout of a hostent: h_addr_list (n + 1 pointers), h_aliases (one NULL),
 * the n addresses, the name. Pointers first so that one alignment pad at
 * the start is all there is; the address sizes keep the rest aligned. */
size_t gns_hostent_hostent_size(const struct gns_hostent_reply *r, int af, const char *buf) {
  size_t n = count_family(r, af);
  return pad_for((uintptr_t)buf, alignof(char *)) + (n + 2) * sizeof(char *) + n * addr_len(af) +
         strlen(r->name) + 1;
}

int gns_hostent_to_hostent(const struct gns_hostent_reply *r, int af, char *buf, size_t buflen,
                           struct hostent *host, char **canonp) {
  size_t n = count_family(r, af), alen = addr_len(af), nlen = strlen(r->name);
  if (n == 0) return -ENODATA;
  size_t need = gns_hostent_hostent_size(r, af, buf);
  if (buflen < need) return -ERANGE;

  struct gns_hostent_buf b;
  gns_hostent_buf_init(&b, buf, buflen);
  char **addr_list = gns_hostent_buf_alloc(&b, (n + 1) * sizeof(char *), alignof(char *));
  char **aliases = gns_hostent_buf_alloc(&b, sizeof(char *), alignof(char *));
  char *addrs = gns_hostent_buf_alloc(&b, n * alen, 4);
  char *name = gns_hostent_buf_alloc(&b, nlen + 1, 1);
  assert(addr_list && aliases && addrs && name);
  assert(b.used == need);

  size_t k = 0;
  for (size_t i = 0; i < r->n_addresses; i++) {
    if (r->addresses[i].family != af) continue;
    memcpy(addrs + k * alen, r->addresses[i].addr, alen);
    addr_list[k] = addrs + k * alen;
    k++;
  }
  assert(k == n);
  addr_list[n] = NULL;
  aliases[0] = NULL;
  memcpy(name, r->name, nlen + 1);

  host->h_name = name;
  host->h_aliases = aliases;
  host->h_addrtype = af;
  host->h_length = (int)alen;
  host->h_addr_list = addr_list;
  if (canonp) *canonp = name;
  return 0;
}

/* Layout for gethostbyname4_r: the tuples, then the name they share. */
size_t gns_hostent_tuples_size(const struct gns_hostent_reply *r, const char *buf) {
  return pad_for((uintptr_t)buf, alignof(struct gaih_addrtuple)) +
         r->n_addresses * sizeof(struct gaih_addrtuple) + strlen(r->name) + 1;
}

int gns_hostent_to_tuples(const struct gns_hostent_reply *r, char *buf, size_t buflen,
                          struct gaih_addrtuple **pat) {
  size_t n = r->n_addresses, nlen = strlen(r->name);
  if (n == 0) return -ENODATA;
  size_t need = gns_hostent_tuples_size(r, buf);
  if (buflen < need) return -ERANGE;

  struct gns_hostent_buf b;
  gns_hostent_buf_init(&b, buf, buflen);
  struct gaih_addrtuple *t =
      gns_hostent_buf_alloc(&b, n * sizeof(struct gaih_addrtuple), alignof(struct gaih_addrtuple));
  char *name = gns_hostent_buf_alloc(&b, nlen + 1, 1);
  assert(t && name);
  assert(b.used == need);

  memcpy(name, r->name, nlen + 1);
  for (size_t i = 0; i < n; i++) {
    memset(&t[i], 0, sizeof t[i]);
    t[i].next = i + 1 < n ? &t[i + 1] : NULL;
    t[i].name = name;
    t[i].family = r->addresses[i].family;
    memcpy(t[i].addr, r->addresses[i].addr, addr_len(t[i].family));
    t[i].scopeid = 0;
  }
  if (*pat)
    **pat = t[0];
  else
    *pat = t;
  return 0;
}
