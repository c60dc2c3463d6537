/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The GNS resolution state machine: RFC 9498, section 7.
 *
 * The machine is pull-driven: gns_resolution_step() reports what it needs
 * (a block for q, a DNS answer), the driver fetches it and hands it back
 * with a supply function, which runs record processing (7.3) and leaves
 * the machine in its next state. All state transitions happen inside the
 * supply functions and gns_resolution_new; step() only reports (and, for a
 * nested resolution of a GNS2DNS server name, collects the child's result).
 * Nothing here does I/O or reads a clock. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <idn2.h>
#include "gns-util.h"
#include "base32gns.h"
#include "dnsname.h"
#include "label.h"
#include "resolver.h"
#include "rrtype.h"
#include "ztld.h"

#define DEFAULT_MAX_DEPTH 16u
#define DEFAULT_MAX_RECORDS GNS_RECORDS_MAX
#define DEFAULT_MAX_ANSWER_BYTES 65536u
#define LEHO_DNS_LIFETIME (3600ull * 1000000) /* RFC 9498, 7.3.2: one hour */
#define GNS_ALT_SUFFIX ".gns.alt"
#define DNS_NAME_MAX 253u

enum state {
  ST_NEED_BLOCK,
  ST_NEED_DNS,
  ST_CHILD, /* a nested resolution of a GNS2DNS server name runs */
  ST_DONE,
  ST_FAILED,
};

/* What the pending NEED_DNS step is for. */
enum dns_purpose {
  DNS_FINAL,       /* the answer: REDIRECT/CNAME to DNS, or GNS2DNS */
  DNS_SERVER_ADDR, /* the address of a GNS2DNS server given by DNS name */
};

/* A name as NFC-normalised labels, leftmost first. */
struct lname {
  size_t n;
  char l[GNS_MAX_LABELS][GNS_LABEL_MAX + 1];
  uint8_t len[GNS_MAX_LABELS];
};

/* A GNS2DNS server name that still needs resolving. */
struct pending_server {
  bool gns;               /* true: nested GNS resolution, false: DNS lookup */
  struct gns_zone_key zk; /* gns: zone to resolve name in */
  char *name;             /* gns: labels relative to zk; dns: ASCII name */
};

/* A (zone, name) pair visited after a redirect, for loop detection. */
struct visited {
  struct gns_zone_key zk;
  char *name;
};

struct gns_resolution {
  struct gns_resolver_limits lim;
  struct gns_resolver_hooks hooks;
  struct gns_suffix_map *maps; /* deep copy of hooks.maps */
  uint32_t type;
  enum state st;
  int error;
  uint32_t error_type;
  uint64_t now;

  /* Where we are: the authoritative zone and the name left to resolve. */
  struct gns_zone_key zone;
  struct lname name;
  /* The label whose block is wanted (q) and whether it is the apex. */
  char cur[GNS_LABEL_MAX + 1];
  size_t cur_len;
  bool cur_apex;
  uint8_t q[GNS_Q_LEN];
  /* Labels consumed in the current zone, rightmost first (canonical name). */
  struct lname path;
  bool redirected;

  /* "_SERVICE._PROTO" at the left of the query (RFC 9498, 5.3.3 / 7.3.3). */
  bool has_box;
  uint16_t box_proto, box_svc;
  char box_labels[2][GNS_LABEL_MAX + 1];

  unsigned depth;
  struct visited *visited;
  size_t n_visited;

  /* Every allocation whose lifetime is the resolution's. */
  void **arena;
  size_t n_arena, cap_arena;

  /* Result. */
  struct gns_record *res;
  size_t n_res;
  struct gns_zone_key answer_zone;
  char *canon;
  uint64_t min_exp;

  /* DNS step. */
  enum dns_purpose dns_purpose;
  char *dns_name;
  uint16_t dns_type;
  bool dns_leho; /* add the RFC's supplemental LEHO to the DNS answer */
  char *g2d_qname;
  /* RFC 9498, 7.3.2: DS records beside the GNS2DNS records secure the
   * delegated DNS name g2d_zone (ASCII) */
  char *g2d_zone;
  struct gns_record *g2d_ds;
  size_t n_g2d_ds;
  const char **servers;
  size_t n_servers, cap_servers;
  struct pending_server *pend;
  size_t n_pend, i_pend;
  struct gns_resolution *child;
  int child_error;
};

/* ---- memory ---------------------------------------------------------- */

static void *arena_keep(struct gns_resolution *r, void *p) {
  if (!p) return NULL;
  if (r->n_arena == r->cap_arena) {
    size_t cap = r->cap_arena ? r->cap_arena * 2 : 16;
    void **a = realloc(r->arena, cap * sizeof(*a));
    if (!a) {
      free(p);
      return NULL;
    }
    r->arena = a;
    r->cap_arena = cap;
  }
  r->arena[r->n_arena++] = p;
  return p;
}

static void *arena_alloc(struct gns_resolution *r, size_t n) {
  return arena_keep(r, calloc(1, n ? n : 1));
}

static char *arena_strndup(struct gns_resolution *r, const char *s, size_t n) {
  char *p = arena_alloc(r, n + 1);
  if (p) memcpy(p, s, n);
  return p;
}

static void fail(struct gns_resolution *r, int error) {
  r->st = ST_FAILED;
  r->error = error;
}

static void note_expiration(struct gns_resolution *r, uint64_t exp) {
  if (exp < r->min_exp) r->min_exp = exp;
}

/* ---- names ----------------------------------------------------------- */

static bool ascii_ieq(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
    if (x >= 'A' && x <= 'Z') x = (unsigned char)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = (unsigned char)(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

static int lname_push(struct lname *ln, const char *l, size_t len) {
  if (ln->n >= GNS_MAX_LABELS) return -ENAMETOOLONG;
  if (len > GNS_LABEL_MAX) return -ENAMETOOLONG;
  memcpy(ln->l[ln->n], l, len);
  ln->l[ln->n][len] = '\0';
  ln->len[ln->n] = (uint8_t)len;
  ln->n++;
  return 0;
}

/* Append the labels of a dot-separated UTF-8 name, NFC-normalised. */
static int lname_append_text(struct lname *ln, const char *s, size_t len) {
  if (len == 0) return 0;
  struct gns_name_labels nl;
  int rc = gns_name_split(s, len, &nl);
  if (rc < 0) return -EINVAL;
  for (size_t i = 0; i < nl.n; i++) {
    char buf[GNS_LABEL_MAX + 1];
    size_t blen;
    rc = gns_label_normalize((const uint8_t *)nl.label[i], nl.len[i], buf, sizeof(buf), &blen);
    if (rc < 0) return -EINVAL;
    rc = lname_push(ln, buf, blen);
    if (rc < 0) return -EINVAL;
  }
  return 0;
}

/* Join labels [from, to) with dots into out (NUL-terminated). */
static int join_labels(const struct lname *ln, size_t from, size_t to, char *out, size_t cap,
                       size_t *outlen) {
  size_t o = 0;
  for (size_t i = from; i < to; i++) {
    size_t need = ln->len[i] + (o ? 1u : 0u);
    if (o + need + 1 > cap) return -ENAMETOOLONG;
    if (o) out[o++] = '.';
    memcpy(out + o, ln->l[i], ln->len[i]);
    o += ln->len[i];
  }
  out[o] = '\0';
  if (outlen) *outlen = o;
  return 0;
}

static bool is_ascii(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s >= 0x80) return false;
  return true;
}

/* RFC 9498, 5.2.2 and 7.3.2: names handed to DNS are converted to an
 * IDNA-compliant representation first. Pure-ASCII names pass unchanged
 * (IDNA2008 rejects the "_" of service labels, which DNS allows). */
static int to_dns_name(struct gns_resolution *r, const char *utf8, char **out) {
  size_t len = strlen(utf8);
  while (len && utf8[len - 1] == '.')
    len--;
  if (len == 0) return -EINVAL;
  char *ascii = strndup(utf8, len);
  if (!ascii) return -ENOMEM;
  if (!is_ascii(ascii)) {
    char *idn = NULL;
    int rc = idn2_to_ascii_8z(ascii, &idn, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    free(ascii);
    if (rc != IDN2_OK) return -EINVAL;
    ascii = strdup(idn);
    idn2_free(idn);
    if (!ascii) return -ENOMEM;
  }
  if (strlen(ascii) > DNS_NAME_MAX) {
    free(ascii);
    return -EINVAL;
  }
  *out = arena_keep(r, ascii);
  return *out ? 0 : -ENOMEM;
}

/* ---- BOX service labels ---------------------------------------------- */

struct named_number {
  const char *name;
  uint16_t number;
};

/* /etc/services is a file and core/ does no I/O, so the common names are
 * built in; any service can also be given by number ("_8443._tcp"). */
static const struct named_number services[] = {
    {"ftp", 21},           {"ssh", 22},         {"telnet", 23},   {"smtp", 25},
    {"domain", 53},        {"dns", 53},         {"http", 80},     {"kerberos", 88},
    {"pop3", 110},         {"imap", 143},       {"ldap", 389},    {"https", 443},
    {"submissions", 465},  {"submission", 587}, {"ldaps", 636},   {"imaps", 993},
    {"pop3s", 995},        {"sip", 5060},       {"sips", 5061},   {"xmpp-client", 5222},
    {"xmpp-server", 5269}, {"matrix", 8448},    {"gnunet", 2086},
};
static const struct named_number protocols[] = {
    {"tcp", 6},
    {"udp", 17},
    {"dccp", 33},
    {"sctp", 132},
};

static int service_label(const char *l, const struct named_number *tab, size_t n, uint16_t *out) {
  if (l[0] != '_' || l[1] == '\0') return -EINVAL;
  l++;
  if (l[0] >= '0' && l[0] <= '9') {
    unsigned long v = 0;
    for (const char *p = l; *p; p++) {
      if (*p < '0' || *p > '9') return -EINVAL;
      v = v * 10 + (unsigned long)(*p - '0');
      if (v > 0xffff) return -EINVAL;
    }
    *out = (uint16_t)v;
    return 0;
  }
  size_t len = strlen(l);
  for (size_t i = 0; i < n; i++)
    if (strlen(tab[i].name) == len && ascii_ieq(tab[i].name, l, len)) {
      *out = tab[i].number;
      return 0;
    }
  return -ENOENT;
}

/* ---- record data ----------------------------------------------------- */

/* REDIRECT NAME (RFC 9498, 5.2.1) and LEHO (5.3.1) strings go through
 * rrtype.h's accessors, which accept GNUnet 0.19.3's variants too. */
static int data_string(uint32_t type, const uint8_t *d, size_t len, char *out, size_t cap) {
  return type == GNS_TYPE_REDIRECT ? gns_rrtype_parse_redirect(d, len, out, cap)
                                   : gns_rrtype_parse_string(d, len, out, cap);
}

/* ---- zones and loop detection ---------------------------------------- */

/* Entering a zone: RFC 9498, 7.3.4 "Whenever a resolver encounters a new
 * GNS zone, it MUST check against the local revocation list". */
static int enter_zone(struct gns_resolution *r, const struct gns_zone_key *zk) {
  if (!gns_ztype_supported(zk->ztype)) {
    r->error_type = zk->ztype;
    return -EPROTONOSUPPORT;
  }
  if (r->hooks.is_revoked && r->hooks.is_revoked(r->hooks.userdata, zk)) return -EKEYREVOKED;
  r->zone = *zk;
  r->path.n = 0;
  return 0;
}

/* RFC 9498, 7.3.1: "the resolver MUST implement loop detection or limit
 * the number of recursive resolution steps". We do both: the depth limit
 * bounds everything, and revisiting a (zone, name) pair after a redirect
 * fails at once instead of after max_depth fetches. */
static int visit(struct gns_resolution *r) {
  char buf[GNS_NAME_MAX * 2 + 16];
  size_t len;
  if (join_labels(&r->name, 0, r->name.n, buf, sizeof(buf), &len) < 0) return -EINVAL;
  for (size_t i = 0; i < r->n_visited; i++)
    if (gns_zone_key_equal(&r->visited[i].zk, &r->zone) && strcmp(r->visited[i].name, buf) == 0)
      return -ELOOP;
  struct visited *v = realloc(r->visited, (r->n_visited + 1) * sizeof(*v));
  if (!v) return -ENOMEM;
  r->visited = v;
  v[r->n_visited].zk = r->zone;
  v[r->n_visited].name = strdup(buf);
  if (!v[r->n_visited].name) return -ENOMEM;
  r->n_visited++;
  return 0;
}

static int count_step(struct gns_resolution *r) {
  if (r->depth >= r->lim.max_depth) return -ELOOP;
  r->depth++;
  return 0;
}

/* RFC 9498, 7.2: take the rightmost label (the apex "@" for an empty
 * name) and compute q for it. */
static void lookup_next(struct gns_resolution *r) {
  if (r->name.n == 0) {
    strcpy(r->cur, GNS_LABEL_APEX);
    r->cur_len = 1;
    r->cur_apex = true;
  } else {
    size_t i = r->name.n - 1;
    memcpy(r->cur, r->name.l[i], (size_t)r->name.len[i] + 1);
    r->cur_len = r->name.len[i];
    r->cur_apex = false;
    r->name.n--;
  }
  int rc = gns_rrblock_query(&r->zone, (const uint8_t *)r->cur, r->cur_len, r->q);
  if (rc < 0) {
    fail(r, rc == -EPROTONOSUPPORT ? rc : -EINVAL);
    return;
  }
  r->st = ST_NEED_BLOCK;
}

/* ---- results --------------------------------------------------------- */

/* Write the BOX service prefix ("_service._proto.", RFC 9498, 7.3.3),
 * if any, at buf; returns its length. */
static size_t box_prefix(const struct gns_resolution *r, char *buf) {
  size_t o = 0;
  if (r->has_box) {
    for (int i = 0; i < 2; i++) {
      size_t l = strlen(r->box_labels[i]);
      memcpy(buf + o, r->box_labels[i], l);
      o += l;
      buf[o++] = '.';
    }
  }
  return o;
}

/* The canonical name after a redirect inside GNS: the labels resolved in
 * the final zone, then its zTLD, under .gns.alt. */
static void set_gns_canonical(struct gns_resolution *r) {
  char buf[GNS_NAME_MAX * 2 + GNS_ZTLD_MAX + 32];
  size_t o = box_prefix(r, buf);
  for (size_t i = r->path.n; i-- > 0;) {
    if (o + r->path.len[i] + 1 >= sizeof(buf) - GNS_ZTLD_MAX - 16) return;
    memcpy(buf + o, r->path.l[i], r->path.len[i]);
    o += r->path.len[i];
    buf[o++] = '.';
  }
  if (gns_ztld_encode(&r->zone, buf + o, sizeof(buf) - o - sizeof(GNS_ALT_SUFFIX)) < 0) return;
  o += strlen(buf + o);
  memcpy(buf + o, GNS_ALT_SUFFIX, sizeof(GNS_ALT_SUFFIX));
  r->canon = arena_strndup(r, buf, strlen(buf));
}

/* Conclude with rd[0..n) (records owned by the arena or by the caller's
 * buffers that the arena keeps). */
static void finish(struct gns_resolution *r, const struct gns_record *rd, size_t n) {
  struct gns_record *out = arena_alloc(r, (n + 1) * sizeof(*out));
  if (!out) {
    fail(r, -ENOMEM);
    return;
  }
  /* RFC 9498, 7.3.5: a supplemental NICK is returned only if one of the
   * non-supplemental records matches the queried type. */
  bool type_match = r->type == 0;
  for (size_t i = 0; i < n; i++)
    if (!(rd[i].flags & GNS_RF_SUPPLEMENTAL) && rd[i].type == r->type) type_match = true;
  size_t k = 0, bytes = 0;
  for (size_t i = 0; i < n; i++) {
    if (rd[i].type == GNS_TYPE_NICK && (rd[i].flags & GNS_RF_SUPPLEMENTAL) && !type_match) continue;
    out[k++] = rd[i];
    bytes += GNS_RECORD_HEADER_LEN + rd[i].data_len;
  }
  if (k > r->lim.max_records || bytes > r->lim.max_answer_bytes) {
    fail(r, -E2BIG);
    return;
  }
  for (size_t i = 0; i < k; i++)
    note_expiration(r, out[i].expiration);
  /* LEHO is the canonical (legacy) name of the result: RFC 9498, 5.3.1. */
  for (size_t i = 0; i < k; i++) {
    if (out[i].type != GNS_TYPE_LEHO) continue;
    char s[GNS_NAME_MAX * 2 + 2];
    if (data_string(GNS_TYPE_LEHO, out[i].data, out[i].data_len, s, sizeof(s)) == 0) {
      r->canon = arena_strndup(r, s, strlen(s));
      break;
    }
  }
  if (!r->canon && r->redirected) set_gns_canonical(r);
  r->res = out;
  r->n_res = k;
  r->answer_zone = r->zone;
  r->st = ST_DONE;
}

/* ---- DNS hand-over --------------------------------------------------- */

static void need_dns(struct gns_resolution *r, enum dns_purpose purpose, char *name,
                     uint16_t type) {
  r->dns_purpose = purpose;
  r->dns_name = name;
  if (purpose == DNS_FINAL) r->dns_type = type; /* server lookups are always A+AAAA */
  r->st = ST_NEED_DNS;
}

/* The query type handed to DNS: 0 stays "A and AAAA"; GNS-only types
 * (>= 2^16) have no DNS counterpart. */
static bool dns_query_type(uint32_t type, uint16_t *out) {
  if (type > 0xffff) return false;
  *out = (uint16_t)type;
  return true;
}

/* The remaining labels (and a BOX service prefix) in front of dns_suffix,
 * converted for DNS. */
static int dns_qname(struct gns_resolution *r, const char *dns_suffix, char **out) {
  char buf[GNS_NAME_MAX * 2 + 16];
  size_t o = box_prefix(r, buf);
  size_t jl;
  if (join_labels(&r->name, 0, r->name.n, buf + o, sizeof(buf) - o, &jl) < 0) return -EINVAL;
  o += jl;
  size_t sl = strlen(dns_suffix);
  if (jl) { /* (without labels, the box prefix already ends in a dot) */
    if (o + 1 >= sizeof(buf)) return -EINVAL;
    buf[o++] = '.';
  }
  if (o + sl + 1 > sizeof(buf)) return -EINVAL;
  memcpy(buf + o, dns_suffix, sl + 1);
  return to_dns_name(r, buf, out);
}

/* ---- redirects -------------------------------------------------------- */

/* Split a target name into labels; tell whether it ends in ".gns.alt"
 * (which is stripped) and whether its rightmost label is "+". */
static int parse_target(const char *s, size_t len, struct lname *out, bool *gns_alt,
                        bool *relative) {
  size_t plen;
  *gns_alt = false;
  *relative = false;
  while (len && s[len - 1] == '.')
    len--;
  if (len == 0) return -EBADMSG;
  if (gns_name_is_gns_alt(s, len, &plen)) {
    *gns_alt = true;
    len = plen;
  }
  if (len >= 2 && s[len - 1] == '+' && s[len - 2] == '.') {
    *relative = true;
    len -= 2;
  } else if (len == 1 && s[0] == '+') {
    *relative = true;
    len = 0;
  }
  out->n = 0;
  if (lname_append_text(out, s, len) < 0) return -EBADMSG;
  return 0;
}

/* Find the start zone of a GNS name (labels, possibly a zTLD at the right
 * end) for a redirect target; *consumed labels belong to the start zone. */
static int target_zone(struct gns_resolution *r, const struct lname *t, bool gns_alt,
                       struct gns_zone_key *zk, size_t *consumed) {
  const char *labels[GNS_MAX_LABELS];
  size_t lens[GNS_MAX_LABELS];
  for (size_t i = 0; i < t->n; i++) {
    labels[i] = t->l[i];
    lens[i] = t->len[i];
  }
  int rc = t->n ? gns_ztld_decode_labels(labels, lens, t->n, zk, consumed) : -ENOENT;
  if (rc == 0) return 0;
  if (rc != -ENOENT) return rc;
  if (!gns_alt) return -ENOENT;
  char buf[GNS_NAME_MAX * 2 + 16];
  size_t len, rest;
  if (join_labels(t, 0, t->n, buf, sizeof(buf), &len) < 0) return -EINVAL;
  rc = gns_start_zone_find(buf, len, r->hooks.maps, r->hooks.n_maps, zk, &rest);
  if (rc < 0) return rc;
  /* count the labels of the suffix */
  size_t left = 0;
  for (size_t i = 0; i < t->n && rest > 0; i++) {
    left++;
    if (rest <= (size_t)t->len[i]) break;
    rest -= (size_t)t->len[i] + 1;
  }
  *consumed = t->n - left;
  return 0;
}

/* RFC 9498, 7.3.1: "the remainder of the name is prepended to the
 * REDIRECT data and the recursion is started again from the resulting
 * name". Relative names ("+") continue in the current zone, names ending
 * in a zTLD (or under .gns.alt) in that zone, anything else in DNS.
 * CNAME records in GNS are followed the same way (a GNUnet habit). */
static void follow_name(struct gns_resolution *r, const char *target, size_t tlen) {
  int rc = count_step(r);
  if (rc < 0) {
    fail(r, rc);
    return;
  }
  struct lname *t = malloc(sizeof(*t));
  if (!t) {
    fail(r, -ENOMEM);
    return;
  }
  bool gns_alt, relative;
  rc = parse_target(target, tlen, t, &gns_alt, &relative);
  if (rc < 0) goto out_fail;
  struct gns_zone_key zk = r->zone;
  size_t keep = t->n;
  if (!relative) {
    size_t consumed;
    rc = target_zone(r, t, gns_alt, &zk, &consumed);
    if (rc == -ENOENT && !gns_alt) {
      /* A DNS name: hand over to DNS (no going back into GNS). */
      free(t);
      char *tmp = strndup(target, tlen);
      if (!tmp) {
        fail(r, -ENOMEM);
        return;
      }
      uint16_t qt;
      if (r->lim.disable_dns || !dns_query_type(r->type, &qt)) {
        free(tmp);
        finish(r, NULL, 0);
        return;
      }
      char *qname;
      rc = dns_qname(r, tmp, &qname);
      free(tmp);
      if (rc < 0) {
        fail(r, rc == -ENOMEM ? rc : -EINVAL);
        return;
      }
      r->canon = qname;
      r->answer_zone = r->zone;
      r->n_servers = 0;
      r->dns_leho = false;
      need_dns(r, DNS_FINAL, qname, qt);
      return;
    }
    if (rc < 0) goto out_fail;
    keep = t->n - consumed;
  }
  /* new name = remainder ++ target labels (left of the zTLD/suffix) */
  for (size_t i = 0; i < keep; i++) {
    if (lname_push(&r->name, t->l[i], t->len[i]) < 0) {
      rc = -EINVAL;
      goto out_fail;
    }
  }
  free(t);
  if (!gns_zone_key_equal(&zk, &r->zone)) {
    rc = enter_zone(r, &zk);
    if (rc < 0) {
      fail(r, rc);
      return;
    }
  }
  r->path.n = 0;
  r->redirected = true;
  rc = visit(r);
  if (rc < 0) {
    fail(r, rc);
    return;
  }
  lookup_next(r);
  return;
out_fail:
  free(t);
  switch (rc) {
  case -ENOMEM:
  case -ELOOP:
  case -EKEYREVOKED:
  case -EPROTONOSUPPORT:
  case -ENOENT:
    fail(r, rc);
    break;
  default:
    fail(r, -EBADMSG); /* unusable redirect target */
    break;
  }
}

/* ---- GNS2DNS --------------------------------------------------------- */

static int add_server(struct gns_resolution *r, const char *ip) {
  for (size_t i = 0; i < r->n_servers; i++)
    if (strcmp(r->servers[i], ip) == 0) return 0;
  if (r->n_servers == r->cap_servers) {
    size_t cap = r->cap_servers ? r->cap_servers * 2 : 4;
    const char **s = arena_alloc(r, cap * sizeof(*s));
    if (!s) return -ENOMEM;
    if (r->n_servers) memcpy(s, r->servers, r->n_servers * sizeof(*s));
    r->servers = s;
    r->cap_servers = cap;
  }
  char *copy = arena_strndup(r, ip, strlen(ip));
  if (!copy) return -ENOMEM;
  r->servers[r->n_servers++] = copy;
  return 0;
}

static void add_server_records(struct gns_resolution *r, const struct gns_record *rd, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char buf[INET6_ADDRSTRLEN];
    if (rd[i].type == GNS_TYPE_A && rd[i].data_len == 4)
      inet_ntop(AF_INET, rd[i].data, buf, sizeof(buf));
    else if (rd[i].type == GNS_TYPE_AAAA && rd[i].data_len == 16)
      inet_ntop(AF_INET6, rd[i].data, buf, sizeof(buf));
    else
      continue;
    note_expiration(r, rd[i].expiration);
    if (add_server(r, buf) < 0) {
      fail(r, -ENOMEM);
      return;
    }
  }
}

/* Resolve the next pending server name, or query the DNS name once all
 * server addresses are known. */
static void next_server(struct gns_resolution *r) {
  while (r->i_pend < r->n_pend) {
    struct pending_server *p = &r->pend[r->i_pend++];
    if (!p->gns) {
      need_dns(r, DNS_SERVER_ADDR, p->name, 0);
      return;
    }
    if (r->depth >= r->lim.max_depth) {
      r->child_error = -ELOOP;
      continue;
    }
    struct gns_resolver_limits cl = r->lim;
    cl.max_depth = r->lim.max_depth - r->depth;
    struct gns_resolver_hooks ch = r->hooks;
    ch.maps = r->maps;
    struct gns_resolution *c;
    int rc = gns_resolution_new(&p->zk, p->name, 0, &cl, &ch, &c);
    if (rc < 0) {
      r->child_error = rc;
      continue;
    }
    c->now = r->now;
    if (c->st == ST_FAILED) {
      r->child_error = c->error;
      gns_resolution_free(c);
      continue;
    }
    r->child = c;
    r->st = ST_CHILD;
    return;
  }
  if (r->n_servers == 0) {
    fail(r, r->child_error == -ELOOP ? -ELOOP : -EIO);
    return;
  }
  r->dns_leho = true;
  need_dns(r, DNS_FINAL, r->g2d_qname, r->dns_type);
}

static bool is_ip_literal(const char *s) {
  uint8_t buf[16];
  return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* RFC 9498, 7.3.2: GNS2DNS processing. */
static void start_gns2dns(struct gns_resolution *r, const struct gns_record *rd, size_t n) {
  char dnsname[GNS_NAME_MAX * 2 + 2], first[GNS_NAME_MAX * 2 + 2] = "";
  char server[GNS_NAME_MAX * 2 + 2];
  uint16_t qt;
  int rc = count_step(r);
  if (rc < 0) {
    fail(r, rc);
    return;
  }
  r->pend = arena_alloc(r, n * sizeof(*r->pend));
  if (!r->pend) {
    fail(r, -ENOMEM);
    return;
  }
  r->n_pend = r->i_pend = 0;
  r->n_servers = 0;
  r->n_g2d_ds = 0;
  r->g2d_ds = arena_alloc(r, n * sizeof(*r->g2d_ds));
  if (!r->g2d_ds) {
    fail(r, -ENOMEM);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    /* "If there are DNSSEC DS records ... stored under the label, the DNS
     * resolver SHOULD use them to secure the connection with the DNS
     * server": kept for the NEED_DNS step (copied: rd is the caller's). */
    if (rd[i].type == GNS_TYPE_DS && !(rd[i].flags & GNS_RF_SUPPLEMENTAL)) {
      uint8_t *d = arena_alloc(r, rd[i].data_len ? rd[i].data_len : 1);
      if (!d) {
        fail(r, -ENOMEM);
        return;
      }
      if (rd[i].data_len) memcpy(d, rd[i].data, rd[i].data_len);
      r->g2d_ds[r->n_g2d_ds] = rd[i];
      r->g2d_ds[r->n_g2d_ds++].data = d;
      continue;
    }
    if (rd[i].type != GNS_TYPE_GNS2DNS || (rd[i].flags & GNS_RF_SUPPLEMENTAL)) continue;
    if (gns_rrtype_parse_gns2dns(rd[i].data, rd[i].data_len, dnsname, sizeof(dnsname), server,
                                 sizeof(server)) < 0) {
      fail(r, -EBADMSG);
      return;
    }
    size_t dl = strlen(dnsname);
    while (dl && dnsname[dl - 1] == '.')
      dnsname[--dl] = '\0';
    /* "If multiple GNS2DNS records are present, the DNS name MUST be
     * identical for all of them." */
    if (!first[0])
      memcpy(first, dnsname, dl + 1);
    else if (strlen(first) != dl || !ascii_ieq(first, dnsname, dl)) {
      fail(r, -EBADMSG);
      return;
    }
    /* "MUST check the string syntactically for an IP address in the
     * respective notation before checking for a relative GNS name". */
    if (is_ip_literal(server)) {
      if (add_server(r, server) < 0) {
        fail(r, -ENOMEM);
        return;
      }
      continue;
    }
    struct pending_server *p = &r->pend[r->n_pend];
    struct lname *t = malloc(sizeof(*t));
    if (!t) {
      fail(r, -ENOMEM);
      return;
    }
    bool gns_alt, relative;
    size_t consumed = 0;
    struct gns_zone_key zk = r->zone;
    rc = parse_target(server, strlen(server), t, &gns_alt, &relative);
    if (rc == 0 && !relative) rc = target_zone(r, t, gns_alt, &zk, &consumed);
    if (rc == 0) {
      char nbuf[GNS_NAME_MAX * 2 + 16];
      if (join_labels(t, 0, t->n - consumed, nbuf, sizeof(nbuf), NULL) < 0) {
        free(t);
        continue;
      }
      p->gns = true;
      p->zk = zk;
      p->name = arena_strndup(r, nbuf, strlen(nbuf));
    } else {
      char *ascii;
      free(t);
      t = NULL;
      if (to_dns_name(r, server, &ascii) < 0) continue; /* unusable server */
      p->gns = false;
      p->name = ascii;
    }
    free(t);
    if (!p->name) {
      fail(r, -ENOMEM);
      return;
    }
    r->n_pend++;
  }
  r->answer_zone = r->zone;
  if (r->lim.disable_dns || !dns_query_type(r->type, &qt)) {
    finish(r, NULL, 0);
    return;
  }
  rc = dns_qname(r, first, &r->g2d_qname);
  if (rc < 0) {
    /* "If such a conversion is not possible, the resolution MUST be
     * aborted and an error MUST be returned." */
    fail(r, rc == -ENOMEM ? rc : -EINVAL);
    return;
  }
  r->canon = r->g2d_qname;
  r->dns_type = qt;
  if (r->n_g2d_ds && to_dns_name(r, first, &r->g2d_zone) < 0) {
    fail(r, -EINVAL);
    return;
  }
  next_server(r);
}

/* ---- record processing ------------------------------------------------ */

/* RFC 9498, 7.3.3: unbox the BOX records matching "_SERVICE._PROTO". */
static bool unbox(struct gns_resolution *r, const struct gns_record *rd, size_t n) {
  struct gns_record *out = arena_alloc(r, (n + 1) * sizeof(*out));
  if (!out) {
    fail(r, -ENOMEM);
    return true;
  }
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    uint16_t proto, svc;
    uint32_t type;
    const uint8_t *inner;
    size_t inner_len;
    if (rd[i].type != GNS_TYPE_BOX || gns_rrtype_parse_box(rd[i].data, rd[i].data_len, &proto, &svc,
                                                           &type, &inner, &inner_len) < 0)
      continue;
    if (proto != r->box_proto || svc != r->box_svc) continue;
    out[k] = rd[i];
    out[k].type = type;
    out[k].data = inner;
    out[k].data_len = (uint16_t)inner_len;
    k++;
  }
  if (k == 0) return false;
  finish(r, out, k);
  return true;
}

static bool record_type_supported(uint32_t type) {
  if (gns_rrtype_is_delegation(type)) return gns_ztype_supported(type);
  return gns_rrtype_known(type);
}

/* RFC 9498, 7.3: record processing of the decrypted set for r->cur. rd
 * lives in arena memory. */
static void process(struct gns_resolution *r, struct gns_record *rd, size_t n, uint64_t now) {
  n = gns_records_filter_live(rd, n, now);
  /* 7.3.4: several delegations under one label are refused "except if
   * some are shadow records". A shadow delegation of another zone type
   * (a key roll-over PKEY -> EDKEY) survives the per-type SHADOW filter,
   * so drop shadow delegations while an active one exists. */
  bool active_deleg = false;
  for (size_t i = 0; i < n; i++)
    if (gns_rrtype_is_delegation(rd[i].type) && !(rd[i].flags & GNS_RF_SHADOW) &&
        !(rd[i].flags & GNS_RF_SUPPLEMENTAL))
      active_deleg = true;
  if (active_deleg) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
      if (!(gns_rrtype_is_delegation(rd[i].type) && (rd[i].flags & GNS_RF_SHADOW))) rd[k++] = rd[i];
    n = k;
  }
  size_t nonsupp = 0, n_redirect = 0, n_g2d = 0, n_deleg = 0, n_cname = 0;
  const struct gns_record *only = NULL;
  for (size_t i = 0; i < n; i++) {
    /* "If the resolver encounters a record with the CRITICAL flag set and
     * does not support the record type, the resolution MUST be aborted". */
    if ((rd[i].flags & GNS_RF_CRITICAL) && !record_type_supported(rd[i].type)) {
      r->error_type = rd[i].type;
      fail(r, -EPROTONOSUPPORT);
      return;
    }
    note_expiration(r, rd[i].expiration);
    if (rd[i].flags & GNS_RF_SUPPLEMENTAL) continue;
    nonsupp++;
    only = &rd[i];
    if (rd[i].type == GNS_TYPE_REDIRECT) n_redirect++;
    if (rd[i].type == GNS_TYPE_GNS2DNS) n_g2d++;
    if (rd[i].type == GNS_TYPE_CNAME) n_cname++;
    if (gns_rrtype_is_delegation(rd[i].type)) n_deleg++;
  }
  if (!r->cur_apex && lname_push(&r->path, r->cur, r->cur_len) < 0) {
    fail(r, -EINVAL);
    return;
  }
  bool rest_empty = r->name.n == 0;
  bool at_end = rest_empty && !r->has_box;

  /* 7.3.4: "Implementations MUST NOT process zone delegation records
   * stored under the apex label". */
  if (n_deleg && r->cur_apex) {
    fail(r, -EBADMSG);
    return;
  }
  /* Case 1: a single REDIRECT record. */
  if (nonsupp == 1 && n_redirect == 1) {
    if (at_end && r->type == GNS_TYPE_REDIRECT) {
      finish(r, rd, n);
      return;
    }
    char s[GNS_NAME_MAX * 2 + 2];
    if (data_string(GNS_TYPE_REDIRECT, only->data, only->data_len, s, sizeof(s)) < 0) {
      fail(r, -EBADMSG);
      return;
    }
    follow_name(r, s, strlen(s));
    return;
  }
  /* Case 2: GNS2DNS records (DS records may accompany them). */
  if (n_g2d > 0 && n_redirect == 0 && n_deleg == 0) {
    if (at_end && r->type == GNS_TYPE_GNS2DNS) {
      finish(r, rd, n);
      return;
    }
    start_gns2dns(r, rd, n);
    return;
  }
  /* Case 3: "_SERVICE._PROTO" and matching BOX records. */
  if (rest_empty && r->has_box && unbox(r, rd, n)) return;
  /* Case 4: a single delegation record. */
  if (n_deleg > 0) {
    if (n_deleg != 1 || nonsupp != 1) {
      fail(r, -EBADMSG);
      return;
    }
    /* 7.3.4: if the desired type is the ztype, the delegation record is
     * the answer and the apex of the delegated zone is not looked up. */
    if (at_end && r->type == only->type) {
      finish(r, rd, n);
      return;
    }
    uint8_t id[GNS_ZONE_ID_LEN];
    struct gns_zone_key zk;
    gns_put_u32(id, only->type);
    if (only->data_len != GNS_ZONE_KEY_LEN) {
      fail(r, -EBADMSG);
      return;
    }
    memcpy(id + 4, only->data, GNS_ZONE_KEY_LEN);
    int rc = gns_zone_key_from_bytes(id, sizeof(id), &zk);
    if (rc < 0) {
      fail(r, rc == -EPROTONOSUPPORT ? rc : -EBADMSG);
      return;
    }
    rc = count_step(r);
    if (rc == 0) rc = enter_zone(r, &zk);
    if (rc < 0) {
      fail(r, rc);
      return;
    }
    lookup_next(r);
    return;
  }
  /* A single CNAME at the end of the name (GNUnet follows these too). */
  if (at_end && nonsupp == 1 && n_cname == 1 && r->type != GNS_TYPE_CNAME) {
    char buf[GNS_DNSNAME_TEXT_MAX + 1];
    size_t off = 0;
    if (gns_dnsname_from_wire(only->data, only->data_len, &off, buf, sizeof(buf)) < 0) {
      fail(r, -EBADMSG);
      return;
    }
    follow_name(r, buf, strlen(buf));
    return;
  }
  /* Case 5: the remainder is empty: this set is the result. */
  if (at_end) {
    finish(r, rd, n);
    return;
  }
  /* "if none of the above cases are applicable, resolution fails". */
  fail(r, -ENOENT);
}

/* Records processing of a verified block's RDATA (owned: kept by the
 * arena). */
static int supply_rdata(struct gns_resolution *r, uint8_t *rdata, size_t rdlen, uint64_t now) {
  if (!arena_keep(r, rdata)) {
    fail(r, -ENOMEM);
    return 0;
  }
  size_t max = rdlen / GNS_RECORD_HEADER_LEN + 1;
  struct gns_record *rd = arena_alloc(r, max * sizeof(*rd));
  if (!rd) {
    fail(r, -ENOMEM);
    return 0;
  }
  size_t n;
  if (gns_rdata_parse(rdata, rdlen, rd, max, &n) < 0) return -EBADMSG;
  process(r, rd, n, now);
  return 0;
}

static int supply(struct gns_resolution *r, const uint8_t *block, size_t len, uint64_t now,
                  bool verified) {
  if (r->st == ST_CHILD) {
    return verified ? gns_resolution_supply_verified_block(r->child, block, len, now)
                    : gns_resolution_supply_block(r->child, block, len, now);
  }
  if (r->st != ST_NEED_BLOCK) return -EINVAL;
  r->now = now;
  if (!block) {
    fail(r, -ENOENT);
    return 0;
  }
  /* RFC 9498, 7.2: "Check that (a) the block is not expired, (b) the
   * SHA-512 hash of the derived authoritative zone key zkey' from the
   * RRBLOCK matches the query q, and (c) the signature is valid. If any
   * of these tests fail, the RRBLOCK MUST be ignored". */
  if (verified) {
    if (len < GNS_RRBLOCK_HEADER_LEN || gns_rrblock_expiration(block, len) < now) return -EBADMSG;
  } else if (gns_rrblock_verify(block, len, r->q, now) < 0) {
    return -EBADMSG;
  }
  uint8_t *rdata = NULL;
  size_t rdlen = 0;
  if (gns_rrblock_decrypt(block, len, &r->zone, (const uint8_t *)r->cur, r->cur_len, &rdata,
                          &rdlen) < 0)
    return -EBADMSG;
  return supply_rdata(r, rdata, rdlen, now);
}

/* ---- public API ------------------------------------------------------- */

int gns_resolution_new(const struct gns_zone_key *zk, const char *name, uint32_t type,
                       const struct gns_resolver_limits *limits,
                       const struct gns_resolver_hooks *hooks, struct gns_resolution **out) {
  if (!zk || !name || !out) return -EINVAL;
  struct gns_resolution *r = calloc(1, sizeof(*r));
  if (!r) return -ENOMEM;
  if (limits) r->lim = *limits;
  if (!r->lim.max_depth) r->lim.max_depth = DEFAULT_MAX_DEPTH;
  if (!r->lim.max_records) r->lim.max_records = DEFAULT_MAX_RECORDS;
  if (!r->lim.max_answer_bytes) r->lim.max_answer_bytes = DEFAULT_MAX_ANSWER_BYTES;
  if (hooks) r->hooks = *hooks;
  r->type = type;
  r->min_exp = UINT64_MAX;
  if (r->hooks.n_maps) {
    size_t sz = r->hooks.n_maps * sizeof(*r->maps);
    for (size_t i = 0; i < r->hooks.n_maps; i++)
      sz += strlen(r->hooks.maps[i].suffix) + 1;
    r->maps = malloc(sz);
    if (!r->maps) {
      free(r);
      return -ENOMEM;
    }
    char *p = (char *)(r->maps + r->hooks.n_maps);
    for (size_t i = 0; i < r->hooks.n_maps; i++) {
      size_t l = strlen(r->hooks.maps[i].suffix) + 1;
      memcpy(p, r->hooks.maps[i].suffix, l);
      r->maps[i].suffix = p;
      r->maps[i].zk = r->hooks.maps[i].zk;
      p += l;
    }
    r->hooks.maps = r->maps;
  }
  int rc = 0;
  size_t nlen = strlen(name);
  while (nlen && name[nlen - 1] == '.')
    nlen--;
  if (!(nlen == 1 && name[0] == '@')) rc = lname_append_text(&r->name, name, nlen);
  for (size_t i = 0; rc == 0 && i < r->name.n; i++)
    if (strcmp(r->name.l[i], "+") == 0 || strcmp(r->name.l[i], GNS_LABEL_APEX) == 0) rc = -EINVAL;
  if (rc < 0) {
    gns_resolution_free(r);
    return -EINVAL;
  }
  /* RFC 9498, 7.3.3: a name that begins with "_SERVICE._PROTO" asks for
   * the records boxed under the name to its right. */
  if (r->name.n >= 2 &&
      service_label(r->name.l[1], protocols, GNS_ARRAY_SIZE(protocols), &r->box_proto) == 0 &&
      service_label(r->name.l[0], services, GNS_ARRAY_SIZE(services), &r->box_svc) == 0) {
    r->has_box = true;
    memcpy(r->box_labels[0], r->name.l[0], sizeof(r->box_labels[0]));
    memcpy(r->box_labels[1], r->name.l[1], sizeof(r->box_labels[1]));
    memmove(r->name.l, r->name.l + 2, (r->name.n - 2) * sizeof(r->name.l[0]));
    memmove(r->name.len, r->name.len + 2, (r->name.n - 2) * sizeof(r->name.len[0]));
    r->name.n -= 2;
  }
  *out = r;
  rc = enter_zone(r, zk);
  if (rc == 0) rc = visit(r);
  if (rc < 0) {
    fail(r, rc);
    return 0;
  }
  lookup_next(r);
  return 0;
}

void gns_resolution_free(struct gns_resolution *r) {
  if (!r) return;
  gns_resolution_free(r->child);
  for (size_t i = 0; i < r->n_arena; i++)
    free(r->arena[i]);
  free(r->arena);
  for (size_t i = 0; i < r->n_visited; i++)
    free(r->visited[i].name);
  free(r->visited);
  free(r->maps);
  free(r);
}

int gns_resolution_step(struct gns_resolution *r, uint64_t now, struct gns_step *step) {
  if (!r || !step) return -EINVAL;
  r->now = now;
  memset(step, 0, sizeof(*step));
  while (r->st == ST_CHILD) {
    struct gns_resolution *c = r->child;
    int rc = gns_resolution_step(c, now, step);
    if (rc < 0) return rc;
    if (step->kind == GNS_STEP_NEED_BLOCK || step->kind == GNS_STEP_NEED_DNS) return 0;
    if (step->kind == GNS_STEP_DONE) {
      note_expiration(r, c->min_exp);
      add_server_records(r, c->res, c->n_res);
    } else {
      r->child_error = c->error;
    }
    memset(step, 0, sizeof(*step));
    r->child = NULL;
    gns_resolution_free(c);
    if (r->st == ST_CHILD) next_server(r);
  }
  switch (r->st) {
  case ST_NEED_BLOCK:
    step->kind = GNS_STEP_NEED_BLOCK;
    memcpy(step->q, r->q, GNS_Q_LEN);
    step->zone = r->zone;
    step->label = r->cur;
    step->label_len = r->cur_len;
    break;
  case ST_NEED_DNS:
    step->kind = GNS_STEP_NEED_DNS;
    step->dns_name = r->dns_name;
    step->dns_type = r->dns_purpose == DNS_SERVER_ADDR ? 0 : r->dns_type;
    if (r->dns_purpose == DNS_FINAL) {
      step->dns_servers = r->servers;
      step->n_dns_servers = r->dns_leho ? r->n_servers : 0;
      if (r->dns_leho && r->n_g2d_ds) {
        step->dns_zone = r->g2d_zone;
        step->dns_ds = r->g2d_ds;
        step->n_dns_ds = r->n_g2d_ds;
      }
    }
    break;
  case ST_DONE:
    step->kind = GNS_STEP_DONE;
    break;
  case ST_FAILED:
  default:
    step->kind = GNS_STEP_FAILED;
    break;
  }
  return 0;
}

int gns_resolution_supply_block(struct gns_resolution *r, const uint8_t *block, size_t len,
                                uint64_t now) {
  if (!r) return -EINVAL;
  return supply(r, block, len, now, false);
}

int gns_resolution_supply_verified_block(struct gns_resolution *r, const uint8_t *block, size_t len,
                                         uint64_t now) {
  if (!r) return -EINVAL;
  return supply(r, block, len, now, true);
}

int gns_resolution_supply_rdata(struct gns_resolution *r, const uint8_t q[GNS_Q_LEN],
                                const uint8_t *rdata, size_t len, uint64_t expiration,
                                uint64_t now) {
  if (!r || !q || (len && !rdata)) return -EINVAL;
  if (r->st == ST_CHILD)
    return gns_resolution_supply_rdata(r->child, q, rdata, len, expiration, now);
  if (r->st != ST_NEED_BLOCK) return -EINVAL;
  if (memcmp(q, r->q, GNS_Q_LEN) != 0) return -ESTALE;
  r->now = now;
  /* RFC 9498, 7.2 (a): the driver checked the rest; expiry is checked
   * against our now, as for a block from the driver's cache */
  if (expiration < now) return -EBADMSG;
  uint8_t *copy = malloc(len ? len : 1);
  if (!copy) {
    fail(r, -ENOMEM);
    return 0;
  }
  if (len) memcpy(copy, rdata, len);
  return supply_rdata(r, copy, len, now);
}

int gns_resolution_supply_dns(struct gns_resolution *r, int error, const struct gns_record *rd,
                              size_t n) {
  if (!r) return -EINVAL;
  if (r->st == ST_CHILD) return gns_resolution_supply_dns(r->child, error, rd, n);
  if (r->st != ST_NEED_DNS) return -EINVAL;
  if (n && !rd) return -EINVAL;
  if (r->dns_purpose == DNS_SERVER_ADDR) {
    if (error == 0) add_server_records(r, rd, n);
    if (r->st == ST_NEED_DNS) next_server(r);
    return 0;
  }
  if (error < 0) {
    /* -EKEYREJECTED: DNSSEC validation against the DS records failed */
    fail(r, error == -ENOENT || error == -EKEYREJECTED ? error : -EIO);
    return 0;
  }
  /* Copy the answer: the caller's buffers are gone after this call. */
  struct gns_record *out = arena_alloc(r, (n + 1) * sizeof(*out));
  if (!out) {
    fail(r, -ENOMEM);
    return 0;
  }
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    uint8_t *d = arena_alloc(r, rd[i].data_len);
    if (!d) {
      fail(r, -ENOMEM);
      return 0;
    }
    if (rd[i].data_len) memcpy(d, rd[i].data, rd[i].data_len);
    out[k] = rd[i];
    out[k].data = d;
    out[k].flags &= (uint16_t)~GNS_RF_LOCAL_ONLY;
    k++;
  }
  if (r->dns_leho) {
    /* RFC 9498, 7.3.2: "the resolver SHOULD return the queried DNS name
     * as a supplemental LEHO record ... with a relative expiration time
     * of one hour". */
    out[k].type = GNS_TYPE_LEHO;
    out[k].flags = GNS_RF_SUPPLEMENTAL;
    out[k].expiration = r->now + LEHO_DNS_LIFETIME;
    out[k].data = (const uint8_t *)r->dns_name;
    out[k].data_len = (uint16_t)strlen(r->dns_name);
    k++;
  }
  struct gns_zone_key az = r->answer_zone;
  char *canon = r->canon;
  finish(r, out, k);
  if (r->st == ST_DONE) {
    r->answer_zone = az;
    r->canon = canon;
  }
  return 0;
}

int gns_resolution_result(const struct gns_resolution *r, const struct gns_record **rd, size_t *n) {
  if (!r || !rd || !n) return -EINVAL;
  if (r->st != ST_DONE) return r->st == ST_FAILED ? r->error : -EAGAIN;
  *rd = r->res;
  *n = r->n_res;
  return 0;
}

const char *gns_resolution_canonical_name(const struct gns_resolution *r) {
  return r && r->st == ST_DONE ? r->canon : NULL;
}

const struct gns_zone_key *gns_resolution_zone(const struct gns_resolution *r) {
  return r ? &r->zone : NULL;
}

const struct gns_zone_key *gns_resolution_answer_zone(const struct gns_resolution *r) {
  return r && r->st == ST_DONE ? &r->answer_zone : NULL;
}

int gns_resolution_error(const struct gns_resolution *r) {
  if (!r) return -EINVAL;
  return r->st == ST_FAILED ? r->error : 0;
}

uint32_t gns_resolution_error_type(const struct gns_resolution *r) {
  return r ? r->error_type : 0;
}

uint64_t gns_resolution_expiration(const struct gns_resolution *r) {
  return r ? r->min_exp : 0;
}

unsigned gns_resolution_depth(const struct gns_resolution *r) {
  return r ? r->depth : 0;
}

/* ---- start zones ------------------------------------------------------ */

/* True if a label begins with the Base32GNS of a supported ztype. */
static bool ztype_prefix(const char *label, size_t len) {
  uint8_t head[8];
  size_t m = 0;
  if (len < 8 || gns_base32_decode(label, 8, head, sizeof(head), &m) != 0 || m < 4) return false;
  return gns_ztype_supported(gns_get_u32(head));
}

int gns_start_zone_find(const char *name, size_t len, const struct gns_suffix_map *maps,
                        size_t n_maps, struct gns_zone_key *zk, size_t *rest) {
  if (!name || !zk || !rest) return -EINVAL;
  while (len && name[len - 1] == '.')
    len--;
  if (len == 0) return -ENOENT;
  struct gns_name_labels nl;
  if (gns_name_split(name, len, &nl) < 0) return -EINVAL;
  /* RFC 9498, 7.1: "An implementation MUST first try to interpret the
   * rightmost label of the given name as the beginning of a zTLD". */
  size_t consumed;
  int rc = gns_ztld_decode_labels(nl.label, nl.len, nl.n, zk, &consumed);
  if (rc == 0) {
    size_t left = consumed < nl.n ? (size_t)(nl.label[nl.n - consumed] - name) : 0;
    *rest = left ? left - 1 : 0;
    return 0;
  }
  /* "If a valid ztype can be found in the rightmost label, the
   * implementation MUST try to synthesize and decode the zTLD ... If the
   * zTLD cannot be synthesized or decoded, the resolution of the name
   * fails". */
  if (rc != -ENOENT || ztype_prefix(nl.label[nl.n - 1], nl.len[nl.n - 1])) return -EINVAL;
  /* "If multiple suffixes match the name to resolve, the longest
   * matching suffix MUST be used. The suffix length of two results MUST
   * NOT be equal." */
  const struct gns_suffix_map *best = NULL;
  size_t best_len = 0;
  bool tie = false;
  for (size_t i = 0; i < n_maps; i++) {
    const char *s = maps[i].suffix;
    if (!s) continue;
    size_t sl = strlen(s);
    while (sl && s[sl - 1] == '.')
      sl--;
    if (sl == 0 || sl > len) continue;
    if (!ascii_ieq(name + len - sl, s, sl)) continue;
    if (sl < len && name[len - sl - 1] != '.') continue; /* label boundary */
    if (!best || sl > best_len) {
      best = &maps[i];
      best_len = sl;
      tie = false;
    } else if (sl == best_len) {
      tie = true;
    }
  }
  if (!best) return -ENOENT;
  if (tie) return -EINVAL;
  *zk = best->zk;
  *rest = best_len < len ? len - best_len - 1 : 0;
  return 0;
}
