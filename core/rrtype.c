/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The record type registry (RFC 9498, 10.1 and the DNS types we carry). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <idn2.h>
#include <sodium.h>
#include <stdio.h>
#include <unistr.h>
#include "base32gns.h"
#include "dnsname.h"
#include "gns-util.h"
#include "label.h"
#include "record.h"
#include "rrtype.h"
#include "zonekey.h"

struct rrtype_info {
  uint32_t type;
  const char *name;
};

static const struct rrtype_info registry[] = {
    {GNS_TYPE_A, "A"},         {GNS_TYPE_NS, "NS"},
    {GNS_TYPE_CNAME, "CNAME"}, {GNS_TYPE_SOA, "SOA"},
    {GNS_TYPE_MX, "MX"},       {GNS_TYPE_TXT, "TXT"},
    {GNS_TYPE_AAAA, "AAAA"},   {GNS_TYPE_SRV, "SRV"},
    {GNS_TYPE_CERT, "CERT"},   {GNS_TYPE_TLSA, "TLSA"},
    {GNS_TYPE_URI, "URI"},     {GNS_TYPE_PKEY, "PKEY"},
    {GNS_TYPE_NICK, "NICK"},   {GNS_TYPE_LEHO, "LEHO"},
    {GNS_TYPE_VPN, "VPN"},     {GNS_TYPE_GNS2DNS, "GNS2DNS"},
    {GNS_TYPE_BOX, "BOX"},     {GNS_TYPE_REDIRECT, "REDIRECT"},
    {GNS_TYPE_EDKEY, "EDKEY"},
};

const char *gns_rrtype_name(uint32_t type) {
  for (size_t i = 0; i < GNS_ARRAY_SIZE(registry); i++)
    if (registry[i].type == type) return registry[i].name;
  return NULL;
}

bool gns_rrtype_known(uint32_t type) {
  return gns_rrtype_name(type) != NULL;
}

int gns_rrtype_from_name(const char *name, uint32_t *type) {
  if (!name || !type || !*name) return -EINVAL;
  for (size_t i = 0; i < GNS_ARRAY_SIZE(registry); i++)
    if (strcasecmp(registry[i].name, name) == 0) {
      *type = registry[i].type;
      return 0;
    }
  /* A decimal type number ("65536"), as GNUnet and RFC 3597 "TYPE65536"
   * both allow; any 32-bit value is accepted, known or not. */
  const char *p = name;
  if (strncasecmp(p, "TYPE", 4) == 0) p += 4;
  if (*p < '0' || *p > '9') return -ENOENT;
  uint64_t v = 0;
  for (; *p; p++) {
    if (*p < '0' || *p > '9') return -ENOENT;
    v = v * 10 + (uint64_t)(*p - '0');
    if (v > UINT32_MAX) return -ENOENT;
  }
  if (v == 0) return -ENOENT;
  *type = (uint32_t)v;
  return 0;
}

bool gns_rrtype_is_delegation(uint32_t type) {
  return type == GNS_TYPE_PKEY || type == GNS_TYPE_EDKEY;
}

/* ---- structured accessors (RFC 9498, 5.2 and 5.3) ---- */

/* A string field: valid UTF-8 without NULs. */
static int copy_utf8(const uint8_t *s, size_t n, char *out, size_t cap) {
  if (memchr(s, 0, n)) return -EBADMSG;
  if (u8_check(s, n) != NULL) return -EBADMSG;
  if (!out || n >= cap) return -ENOSPC;
  memcpy(out, s, n);
  out[n] = '\0';
  return 0;
}

int gns_rrtype_parse_redirect(const uint8_t *data, size_t len, char *out, size_t cap) {
  if (!data && len) return -EINVAL;
  /* RFC form ends in a NUL; GNUnet 0.19 stores the bare string. */
  if (len > 0 && data[len - 1] == 0) len--;
  if (len == 0) return -EBADMSG;
  return copy_utf8(data, len, out, cap);
}

int gns_rrtype_parse_string(const uint8_t *data, size_t len, char *out, size_t cap) {
  if (!data && len) return -EINVAL;
  if (len > 0 && data[len - 1] == 0) len--;
  if (len == 0) return -EBADMSG;
  return copy_utf8(data, len, out, cap);
}

/* True if s[0..n) could be a name in text form (no control bytes); used
 * to tell the RFC's GNS2DNS form from GNUnet's wire-format name. */
static bool looks_like_text(const uint8_t *s, size_t n) {
  if (n == 0) return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] < 0x20 || s[i] == 0x7f) return false;
  return true;
}

int gns_rrtype_parse_gns2dns(const uint8_t *data, size_t len, char *name, size_t name_cap,
                             char *server, size_t server_cap) {
  if (!data && len) return -EINVAL;
  const uint8_t *nul = len ? memchr(data, 0, len) : NULL;
  if (!nul) return -EBADMSG;
  size_t first = (size_t)(nul - data), rest = len - first - 1;
  const uint8_t *srv = nul + 1;
  int r;
  if (looks_like_text(data, first)) {
    /* RFC 9498 form: "NAME\0SERVER\0". */
    r = copy_utf8(data, first, name, name_cap);
    if (r < 0) return r;
    size_t nl = strlen(name);
    if (nl > 1 && name[nl - 1] == '.') name[nl - 1] = '\0';
  } else {
    /* GNUnet 0.19: the name in DNS wire format, then "SERVER\0". */
    size_t off = 0;
    r = gns_dnsname_from_wire(data, len, &off, name, name_cap);
    if (r < 0) return r;
    srv = data + off;
    rest = len - off;
  }
  if (rest < 2 || srv[rest - 1] != 0) return -EBADMSG;
  return copy_utf8(srv, rest - 1, server, server_cap);
}

int gns_rrtype_parse_box(const uint8_t *data, size_t len, uint16_t *proto, uint16_t *svc,
                         uint32_t *type, const uint8_t **inner, size_t *inner_len) {
  if (!data && len) return -EINVAL;
  if (len < 8) return -EBADMSG;
  if (proto) *proto = gns_get_u16(data);
  if (svc) *svc = gns_get_u16(data + 2);
  if (type) *type = gns_get_u32(data + 4);
  if (inner) *inner = data + 8;
  if (inner_len) *inner_len = len - 8;
  return 0;
}

int gns_rrtype_parse_vpn(const uint8_t *data, size_t len, uint16_t *proto,
                         uint8_t peer[GNS_VPN_PEER_LEN], char *service, size_t cap) {
  if (!data && len) return -EINVAL;
  /* peer(32) proto(2) service NUL-terminated and non-empty */
  if (len < GNS_VPN_PEER_LEN + 2 + 2 || data[len - 1] != 0) return -EBADMSG;
  if (peer) memcpy(peer, data, GNS_VPN_PEER_LEN);
  if (proto) *proto = gns_get_u16(data + GNS_VPN_PEER_LEN);
  const uint8_t *s = data + GNS_VPN_PEER_LEN + 2;
  size_t n = len - GNS_VPN_PEER_LEN - 2 - 1;
  if (!service) {
    /* validation only */
    if (memchr(s, 0, n) || u8_check(s, n)) return -EBADMSG;
    return 0;
  }
  return copy_utf8(s, n, service, cap);
}

static int build_strings(const char *a, const char *b, uint8_t **out, size_t *out_len) {
  size_t la = strlen(a), lb = b ? strlen(b) : 0;
  size_t n = la + 1 + (b ? lb + 1 : 0);
  if (n > UINT16_MAX) return -E2BIG;
  uint8_t *p = malloc(n);
  if (!p) return -ENOMEM;
  memcpy(p, a, la + 1);
  if (b) memcpy(p + la + 1, b, lb + 1);
  *out = p;
  *out_len = n;
  return 0;
}

int gns_rrtype_build_redirect(const char *name, uint8_t **out, size_t *out_len) {
  if (!name || !out || !out_len || !*name) return -EINVAL;
  if (u8_check((const uint8_t *)name, strlen(name))) return -EINVAL;
  return build_strings(name, NULL, out, out_len);
}

int gns_rrtype_build_gns2dns(const char *name, const char *server, uint8_t **out, size_t *out_len) {
  if (!name || !server || !out || !out_len || !*name || !*server) return -EINVAL;
  if (u8_check((const uint8_t *)name, strlen(name)) ||
      u8_check((const uint8_t *)server, strlen(server)))
    return -EINVAL;
  return build_strings(name, server, out, out_len);
}

int gns_rrtype_build_box(uint16_t proto, uint16_t svc, uint32_t type, const uint8_t *inner,
                         size_t inner_len, uint8_t **out, size_t *out_len) {
  if (!out || !out_len || (!inner && inner_len)) return -EINVAL;
  if (inner_len > UINT16_MAX - 8) return -E2BIG;
  uint8_t *p = malloc(8 + inner_len);
  if (!p) return -ENOMEM;
  gns_put_u16(p, proto);
  gns_put_u16(p + 2, svc);
  gns_put_u32(p + 4, type);
  if (inner_len) memcpy(p + 8, inner, inner_len);
  *out = p;
  *out_len = 8 + inner_len;
  return 0;
}

/* ---- presentation text <-> binary ---- */

/* Growable byte buffer; any failure sticks in err. */
struct obuf {
  uint8_t *p;
  size_t len, cap;
  int err;
};

static void ob_put(struct obuf *b, const void *d, size_t n) {
  if (b->err) return;
  if (b->len + n > UINT16_MAX) { /* record DATA has a 16-bit SIZE */
    b->err = -E2BIG;
    return;
  }
  if (b->len + n > b->cap) {
    size_t nc = b->cap ? b->cap : 64;
    while (nc < b->len + n)
      nc *= 2;
    uint8_t *np = realloc(b->p, nc);
    if (!np) {
      b->err = -ENOMEM;
      return;
    }
    b->p = np;
    b->cap = nc;
  }
  if (n) memcpy(b->p + b->len, d, n);
  b->len += n;
}
static void ob_u8(struct obuf *b, uint8_t v) {
  ob_put(b, &v, 1);
}
static void ob_u16(struct obuf *b, uint16_t v) {
  uint8_t t[2];
  gns_put_u16(t, v);
  ob_put(b, t, 2);
}
static void ob_u32(struct obuf *b, uint32_t v) {
  uint8_t t[4];
  gns_put_u32(t, v);
  ob_put(b, t, 4);
}

/* Growable NUL-terminated string. */
struct sbuf {
  char *p;
  size_t len, cap;
  int err;
};

static void sb_put(struct sbuf *s, const char *d, size_t n) {
  if (s->err) return;
  if (s->len + n + 1 > s->cap) {
    size_t nc = s->cap ? s->cap : 64;
    while (nc < s->len + n + 1)
      nc *= 2;
    char *np = realloc(s->p, nc);
    if (!np) {
      s->err = -ENOMEM;
      return;
    }
    s->p = np;
    s->cap = nc;
  }
  if (n) memcpy(s->p + s->len, d, n);
  s->len += n;
  s->p[s->len] = '\0';
}
static void sb_str(struct sbuf *s, const char *d) {
  sb_put(s, d, strlen(d));
}
static void sb_uint(struct sbuf *s, uint64_t v) {
  char t[24];
  int n = snprintf(t, sizeof t, "%llu", (unsigned long long)v);
  sb_put(s, t, (size_t)n);
}
static void sb_hex(struct sbuf *s, const uint8_t *d, size_t n) {
  static const char hx[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    char t[2] = {hx[d[i] >> 4], hx[d[i] & 15]};
    sb_put(s, t, 2);
  }
}

static bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
static void skip_ws(const char **p) {
  while (is_ws(**p))
    (*p)++;
}

/* Next whitespace-delimited token: *tok points into the text. */
static bool next_token(const char **p, const char **tok, size_t *len) {
  skip_ws(p);
  if (!**p) return false;
  *tok = *p;
  while (**p && !is_ws(**p))
    (*p)++;
  *len = (size_t)(*p - *tok);
  return true;
}

static bool parse_uint(const char *t, size_t n, uint64_t max, uint64_t *v) {
  if (n == 0 || n > 20) return false;
  uint64_t x = 0;
  for (size_t i = 0; i < n; i++) {
    if (t[i] < '0' || t[i] > '9') return false;
    uint64_t d = (uint64_t)(t[i] - '0');
    if (x > (UINT64_MAX - d) / 10) return false;
    x = x * 10 + d;
  }
  if (x > max) return false;
  *v = x;
  return true;
}

/* Reads one unsigned integer token <= max. */
static bool read_uint(const char **p, uint64_t max, uint64_t *v) {
  const char *t;
  size_t n;
  return next_token(p, &t, &n) && parse_uint(t, n, max, v);
}

static bool at_end(const char *p) {
  skip_ws(&p);
  return *p == '\0';
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Hex digits with optional white space in between, to the end. */
static bool read_hex_rest(const char *p, struct obuf *b, size_t *count) {
  int hi = -1;
  size_t n = 0;
  for (; *p; p++) {
    if (is_ws(*p)) continue;
    int v = hexval(*p);
    if (v < 0) return false;
    if (hi < 0) {
      hi = v;
    } else {
      ob_u8(b, (uint8_t)(hi << 4 | v));
      n++;
      hi = -1;
    }
  }
  if (count) *count = n;
  return hi < 0;
}

/* A DNS name in text, appended in wire format. Non-ASCII names become
 * IDNA A-labels (RFC 5890), as DNS servers expect. */
static int put_dns_name(struct obuf *b, const char *t, size_t n, const char **why) {
  uint8_t wire[GNS_DNSNAME_WIRE_MAX];
  size_t wl = 0;
  bool ascii = true;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)t[i] >= 0x80) ascii = false;
  if (n == 0) {
    *why = "empty DNS name";
    return -EINVAL;
  }
  int r;
  if (ascii) {
    r = gns_dnsname_to_wire(t, n, wire, sizeof wire, &wl);
  } else {
    char tmp[1024];
    char *a = NULL;
    if (n >= sizeof tmp) {
      *why = "DNS name too long";
      return -EINVAL;
    }
    memcpy(tmp, t, n);
    tmp[n] = '\0';
    if (idn2_to_ascii_8z(tmp, &a, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK) {
      *why = "not a valid internationalised DNS name (IDNA)";
      return -EINVAL;
    }
    r = gns_dnsname_to_wire(a, strlen(a), wire, sizeof wire, &wl);
    free(a);
  }
  if (r == -ENAMETOOLONG) {
    *why = "DNS name longer than 255 bytes in wire format";
    return -EINVAL;
  }
  if (r < 0) {
    *why = "malformed DNS name (empty label, label over 63 bytes or bad character)";
    return -EINVAL;
  }
  ob_put(b, wire, wl);
  return 0;
}

/* Reads a DNS name from data[*off], appending its text to s. */
static int get_dns_name(struct sbuf *s, const uint8_t *d, size_t len, size_t *off) {
  char name[GNS_DNSNAME_TEXT_MAX + 2];
  int r = gns_dnsname_from_wire(d, len, off, name, sizeof name);
  if (r < 0) return -EBADMSG;
  sb_str(s, name);
  return 0;
}

static bool valid_utf8_text(const uint8_t *d, size_t n) {
  if (n == 0) return true;
  return !memchr(d, 0, n) && u8_check(d, n) == NULL;
}

/* A GNS name (REDIRECT target, GNS2DNS fields): UTF-8, splittable into
 * non-empty labels of at most 63 bytes, at most 253 bytes. */
static bool valid_gns_name(const char *t, size_t n) {
  struct gns_name_labels l;
  return valid_utf8_text((const uint8_t *)t, n) && looks_like_text((const uint8_t *)t, n) &&
         gns_name_split(t, n, &l) == 0;
}

static void trim(const char **t, size_t *n) {
  while (*n && is_ws(**t))
    (*t)++, (*n)--;
  while (*n && is_ws((*t)[*n - 1]))
    (*n)--;
}

/* Zone key text: Base32GNS(ztype||key), RFC 9498, 4.1. */
static int zone_key_from_text(uint32_t type, const char *t, size_t n, struct obuf *b,
                              const char **why) {
  uint8_t id[GNS_ZONE_ID_LEN + 4];
  size_t il = 0;
  if (gns_base32_decode(t, n, id, sizeof id, &il) != 0 || il != GNS_ZONE_ID_LEN) {
    *why = "zone key must be a zTLD (Base32GNS of ztype and 32-byte key)";
    return -EINVAL;
  }
  if (gns_get_u32(id) != type) {
    *why = "zTLD is of the other zone type (PKEY vs EDKEY)";
    return -EINVAL;
  }
  ob_put(b, id + 4, GNS_ZONE_KEY_LEN);
  return 0;
}

static int generic_from_text(const char *p, struct obuf *b, const char **why) {
  /* RFC 3597: "\# <length> <hex>" */
  uint64_t n;
  size_t got = 0;
  if (!read_uint(&p, UINT16_MAX, &n)) {
    *why = "generic form needs \\# <length> <hex>";
    return -EINVAL;
  }
  if (!read_hex_rest(p, b, &got) || got != n) {
    *why = "generic form: hex data malformed or length mismatch";
    return -EINVAL;
  }
  return 0;
}

static int from_text(uint32_t type, const char *text, struct obuf *b, const char **why, int depth);

static int box_from_text(const char *p, struct obuf *b, const char **why, int depth) {
  uint64_t proto, svc;
  const char *t;
  size_t n;
  uint32_t inner;
  if (!read_uint(&p, UINT16_MAX, &proto)) {
    *why = "BOX: protocol must be a number 0..65535";
    return -EINVAL;
  }
  if (!read_uint(&p, UINT16_MAX, &svc)) {
    *why = "BOX: service (port) must be a number 0..65535";
    return -EINVAL;
  }
  char tn[16];
  if (!next_token(&p, &t, &n) || n >= sizeof tn) {
    *why = "BOX: missing or bad record type";
    return -EINVAL;
  }
  memcpy(tn, t, n);
  tn[n] = '\0';
  if (gns_rrtype_from_name(tn, &inner) != 0) {
    *why = "BOX: unknown record type";
    return -EINVAL;
  }
  if (inner == GNS_TYPE_BOX || depth > 0) {
    *why = "BOX: a BOX cannot hold a BOX";
    return -EINVAL;
  }
  ob_u16(b, (uint16_t)proto);
  ob_u16(b, (uint16_t)svc);
  ob_u32(b, inner);
  skip_ws(&p);
  return from_text(inner, p, b, why, depth + 1);
}

/* A, AAAA */
static int address_from_text(uint32_t type, const char *text, struct obuf *b, const char **why) {
  const char *t;
  size_t n;
  uint8_t addr[16];
  char tmp[64];
  t = text;
  n = strlen(text);
  trim(&t, &n);
  if (n >= sizeof tmp) {
    *why = "not an IP address";
    return -EINVAL;
  }
  memcpy(tmp, t, n);
  tmp[n] = '\0';
  if (inet_pton(type == GNS_TYPE_A ? AF_INET : AF_INET6, tmp, addr) != 1) {
    *why = type == GNS_TYPE_A ? "not an IPv4 address (dotted decimal)" : "not an IPv6 address";
    return -EINVAL;
  }
  ob_put(b, addr, type == GNS_TYPE_A ? 4 : 16);
  return 0;
}

/* NS, CNAME */
static int dns_name_from_text(uint32_t type, const char *text, struct obuf *b, const char **why) {
  (void)type;
  const char *p = text, *t;
  size_t n;
  if (!next_token(&p, &t, &n) || !at_end(p)) {
    *why = "expected exactly one DNS name";
    return -EINVAL;
  }
  return put_dns_name(b, t, n, why);
}

/* MX */
static int mx_from_text(uint32_t type, const char *text, struct obuf *b, const char **why) {
  (void)type;
  const char *p = text, *t;
  size_t n;
  uint64_t v[1];
  if (!read_uint(&p, UINT16_MAX, &v[0])) {
    *why = "MX: preference must be a number 0..65535";
    return -EINVAL;
  }
  if (!next_token(&p, &t, &n) || !at_end(p)) {
    *why = "MX: expected \"<preference> <exchange>\"";
    return -EINVAL;
  }
  ob_u16(b, (uint16_t)v[0]);
  return put_dns_name(b, t, n, why);
}

/* SRV */
static int srv_from_text(uint32_t type, const char *text, struct obuf *b, const char **why) {
  (void)type;
  const char *p = text, *t;
  size_t n;
  uint64_t v[3];
  for (int i = 0; i < 3; i++)
    if (!read_uint(&p, UINT16_MAX, &v[i])) {
      *why = "SRV: priority, weight and port must be numbers 0..65535";
      return -EINVAL;
    }
  if (!next_token(&p, &t, &n) || !at_end(p)) {
    *why = "SRV: expected \"<priority> <weight> <port> <target>\"";
    return -EINVAL;
  }
  for (int i = 0; i < 3; i++)
    ob_u16(b, (uint16_t)v[i]);
  return put_dns_name(b, t, n, why);
}

/* SOA */
static int soa_from_text(uint32_t type, const char *text, struct obuf *b, const char **why) {
  (void)type;
  const char *p = text;
  uint64_t v[5];
  const char *mn, *rn;
  size_t mnl, rnl;
  if (!next_token(&p, &mn, &mnl) || !next_token(&p, &rn, &rnl)) {
    *why = "SOA: expected \"<mname> <rname> ( <serial> <refresh> <retry> <expire> <minimum> )\"";
    return -EINVAL;
  }
  int r = put_dns_name(b, mn, mnl, why);
  if (r == 0) r = put_dns_name(b, rn, rnl, why);
  if (r < 0) return r;
  /* The five numbers, optionally in parentheses as GNUnet prints them. */
  skip_ws(&p);
  bool paren = *p == '(';
  if (paren) p++;
  for (int i = 0; i < 5; i++) {
    skip_ws(&p);
    const char *s = p;
    while (*p >= '0' && *p <= '9')
      p++;
    if (!parse_uint(s, (size_t)(p - s), UINT32_MAX, &v[i]) || (*p && !is_ws(*p) && *p != ')')) {
      *why = "SOA: serial, refresh, retry, expire and minimum must be numbers 0..4294967295";
      return -EINVAL;
    }
  }
  skip_ws(&p);
  if (paren) {
    if (*p != ')') {
      *why = "SOA: missing \")\"";
      return -EINVAL;
    }
    p++;
  }
  if (!at_end(p)) {
    *why = "SOA: trailing text";
    return -EINVAL;
  }
  for (int i = 0; i < 5; i++)
    ob_u32(b, (uint32_t)v[i]);
  return 0;
}

/* TXT */
static int txt_from_text(uint32_t type, const char *text, struct obuf *b, const char **why) {
  (void)type;
  /* GNUnet and RFC 9498 D.2 (2) store TXT as the bare string, not as
   * DNS <character-string>s. */
  if (!valid_utf8_text((const uint8_t *)text, strlen(text))) {
    *why = "TXT: not valid UTF-8";
    return -EINVAL;
  }
  ob_put(b, text, strlen(text));
  return 0;
}

/* TLSA */
static int tlsa_from_text(uint32_t type, const char *text, struct obuf *b, const char **why) {
  (void)type;
  const char *p = text;
  uint64_t v[3];
  for (int i = 0; i < 3; i++)
    if (!read_uint(&p, UINT8_MAX, &v[i])) {
      *why = "TLSA: usage, selector and matching type must be numbers 0..255";
      return -EINVAL;
    }
  for (int i = 0; i < 3; i++)
    ob_u8(b, (uint8_t)v[i]);
  size_t got = 0;
  if (!read_hex_rest(p, b, &got) || got == 0) {
    *why = "TLSA: certificate association data must be non-empty hex";
    return -EINVAL;
  }
  return 0;
}

/* CERT */
static int cert_from_text(uint32_t type, const char *text, struct obuf *b, const char **why) {
  (void)type;
  const char *p = text, *t;
  size_t n;
  uint64_t v[3];
  static const struct {
    const char *name;
    uint16_t v;
  } certtypes[] = {{"PKIX", 1}, {"SPKI", 2},   {"PGP", 3},     {"IPKIX", 4}, {"ISPKI", 5},
                   {"IPGP", 6}, {"ACPKIX", 7}, {"IACPKIX", 8}, {"URI", 253}, {"OID", 254}};
  static const struct {
    const char *name;
    uint8_t v;
  } algs[] = {{"RSAMD5", 1},     {"DH", 2},           {"DSA", 3},         {"RSASHA1", 5},
              {"INDIRECT", 252}, {"PRIVATEDNS", 253}, {"PRIVATEOID", 254}};
  char tok[16];
  if (!next_token(&p, &t, &n) || n >= sizeof tok) {
    *why = "CERT: expected \"<type> <key tag> <algorithm> <base64>\"";
    return -EINVAL;
  }
  memcpy(tok, t, n);
  tok[n] = '\0';
  bool ok = parse_uint(t, n, UINT16_MAX, &v[0]);
  for (size_t i = 0; !ok && i < GNS_ARRAY_SIZE(certtypes); i++)
    if (strcasecmp(tok, certtypes[i].name) == 0) v[0] = certtypes[i].v, ok = true;
  if (!ok) {
    *why = "CERT: type must be a number 0..65535 or a mnemonic (PKIX, PGP, ...)";
    return -EINVAL;
  }
  if (!read_uint(&p, UINT16_MAX, &v[1])) {
    *why = "CERT: key tag must be a number 0..65535";
    return -EINVAL;
  }
  if (!next_token(&p, &t, &n) || n >= sizeof tok) {
    *why = "CERT: missing algorithm";
    return -EINVAL;
  }
  memcpy(tok, t, n);
  tok[n] = '\0';
  ok = parse_uint(t, n, UINT8_MAX, &v[2]);
  for (size_t i = 0; !ok && i < GNS_ARRAY_SIZE(algs); i++)
    if (strcasecmp(tok, algs[i].name) == 0) v[2] = algs[i].v, ok = true;
  if (!ok) {
    *why = "CERT: algorithm must be a number 0..255 or a mnemonic (RSASHA1, ...)";
    return -EINVAL;
  }
  skip_ws(&p);
  size_t bl = strlen(p);
  if (bl == 0) {
    *why = "CERT: missing base64 certificate";
    return -EINVAL;
  }
  uint8_t *bin = malloc(bl);
  size_t got = 0;
  if (!bin) return -ENOMEM;
  if (sodium_base642bin(bin, bl, p, bl, " \t\r\n", &got, NULL, sodium_base64_VARIANT_ORIGINAL) !=
          0 ||
      got == 0) {
    free(bin);
    *why = "CERT: certificate is not valid base64";
    return -EINVAL;
  }
  ob_u16(b, (uint16_t)v[0]);
  ob_u16(b, (uint16_t)v[1]);
  ob_u8(b, (uint8_t)v[2]);
  ob_put(b, bin, got);
  free(bin);
  return 0;
}

/* URI */
static int uri_from_text(uint32_t type, const char *text, struct obuf *b, const char **why) {
  (void)type;
  const char *p = text, *t;
  size_t n;
  uint64_t v[2];
  for (int i = 0; i < 2; i++)
    if (!read_uint(&p, UINT16_MAX, &v[i])) {
      *why = "URI: priority and weight must be numbers 0..65535";
      return -EINVAL;
    }
  skip_ws(&p);
  ob_u16(b, (uint16_t)v[0]);
  ob_u16(b, (uint16_t)v[1]);
  size_t start = b->len;
  if (*p == '"') {
    /* RFC 7553 zone-file form: a quoted string with \" and \\ escapes. */
    p++;
    for (; *p && *p != '"'; p++) {
      if (*p == '\\' && p[1]) p++;
      ob_put(b, p, 1);
    }
    if (*p != '"' || !at_end(p + 1)) {
      *why = "URI: unterminated quote or trailing text";
      return -EINVAL;
    }
  } else {
    if (!next_token(&p, &t, &n) || !at_end(p)) {
      *why = "URI: expected \"<priority> <weight> <target>\"";
      return -EINVAL;
    }
    ob_put(b, t, n);
  }
  if (b->err) return b->err;
  if (b->len == start || !valid_utf8_text(b->p + start, b->len - start)) {
    *why = "URI: target must be non-empty UTF-8";
    return -EINVAL;
  }
  return 0;
}

/* PKEY, EDKEY */
static int zkey_from_text(uint32_t type, const char *text, struct obuf *b, const char **why) {
  const char *p = text, *t;
  size_t n;
  if (!next_token(&p, &t, &n) || !at_end(p)) {
    *why = "expected one zTLD";
    return -EINVAL;
  }
  return zone_key_from_text(type, t, n, b, why);
}

/* NICK */
static int nick_from_text(uint32_t type, const char *text, struct obuf *b, const char **why) {
  (void)type;
  size_t n;
  n = strlen(text);
  if (gns_label_check((const uint8_t *)text, n) != 0) {
    *why = "NICK: must be a valid GNS label (UTF-8 in NFC, no dot, 1..63 bytes)";
    return -EINVAL;
  }
  ob_put(b, text, n);
  return 0;
}

/* LEHO */
static int leho_from_text(uint32_t type, const char *text, struct obuf *b, const char **why) {
  (void)type;
  size_t n;
  n = strlen(text);
  if (n == 0 || !valid_utf8_text((const uint8_t *)text, n)) {
    *why = "LEHO: must be a non-empty UTF-8 host name";
    return -EINVAL;
  }
  ob_put(b, text, n);
  return 0;
}

/* VPN */
static int vpn_from_text(uint32_t type, const char *text, struct obuf *b, const char **why) {
  (void)type;
  const char *p = text, *t;
  size_t n;
  uint64_t v[1];
  uint8_t peer[GNS_VPN_PEER_LEN + 4];
  size_t pl = 0;
  if (!read_uint(&p, UINT16_MAX, &v[0])) {
    *why = "VPN: protocol must be a number 0..65535";
    return -EINVAL;
  }
  if (!next_token(&p, &t, &n) || gns_base32_decode(t, n, peer, sizeof peer, &pl) != 0 ||
      pl != GNS_VPN_PEER_LEN) {
    *why = "VPN: peer must be a Base32GNS peer identity (32 bytes)";
    return -EINVAL;
  }
  if (!next_token(&p, &t, &n) || !at_end(p) || !valid_utf8_text((const uint8_t *)t, n)) {
    *why = "VPN: expected \"<protocol> <peer> <service>\"";
    return -EINVAL;
  }
  ob_put(b, peer, GNS_VPN_PEER_LEN);
  ob_u16(b, (uint16_t)v[0]);
  ob_put(b, t, n);
  ob_u8(b, 0);
  return 0;
}

/* GNS2DNS */
static int gns2dns_from_text(uint32_t type, const char *text, struct obuf *b, const char **why) {
  (void)type;
  const char *t;
  size_t n;
  t = text;
  n = strlen(text);
  trim(&t, &n);
  const char *at = memchr(t, '@', n);
  if (!at) {
    *why = "GNS2DNS: expected \"<dns name>@<dns server>\"";
    return -EINVAL;
  }
  size_t nl = (size_t)(at - t), sl = n - nl - 1;
  if (nl > 1 && t[nl - 1] == '.') nl--;
  if (!valid_gns_name(t, nl) || t[nl - 1] == '.') {
    *why = "GNS2DNS: malformed DNS name before \"@\"";
    return -EINVAL;
  }
  if (sl == 0 || !valid_utf8_text((const uint8_t *)at + 1, sl) ||
      !looks_like_text((const uint8_t *)at + 1, sl) || memchr(at + 1, '@', sl)) {
    *why = "GNS2DNS: malformed DNS server after \"@\"";
    return -EINVAL;
  }
  for (size_t i = 0; i < sl; i++)
    if (is_ws(at[1 + i])) {
      *why = "GNS2DNS: white space in DNS server";
      return -EINVAL;
    }
  /* RFC 9498, 5.2.2: NAME and DNS SERVER NAME, both NUL-terminated. */
  ob_put(b, t, nl);
  ob_u8(b, 0);
  ob_put(b, at + 1, sl);
  ob_u8(b, 0);
  return 0;
}

/* REDIRECT */
static int redirect_from_text(uint32_t type, const char *text, struct obuf *b, const char **why) {
  (void)type;
  const char *t;
  size_t n;
  t = text;
  n = strlen(text);
  trim(&t, &n);
  if (!valid_gns_name(t, n)) {
    *why = "REDIRECT: malformed name (UTF-8, non-empty labels of at most 63 bytes)";
    return -EINVAL;
  }
  /* RFC 9498, 5.2.1: zero terminated. */
  ob_put(b, t, n);
  ob_u8(b, 0);
  return 0;
}

/* The presentation-text parser of each type (BOX, which nests, is
 * handled in from_text). */
static const struct {
  uint32_t type;
  int (*parse)(uint32_t type, const char *text, struct obuf *b, const char **why);
} text_parsers[] = {
    {GNS_TYPE_A, address_from_text},       {GNS_TYPE_AAAA, address_from_text},
    {GNS_TYPE_NS, dns_name_from_text},     {GNS_TYPE_CNAME, dns_name_from_text},
    {GNS_TYPE_MX, mx_from_text},           {GNS_TYPE_SRV, srv_from_text},
    {GNS_TYPE_SOA, soa_from_text},         {GNS_TYPE_TXT, txt_from_text},
    {GNS_TYPE_TLSA, tlsa_from_text},       {GNS_TYPE_CERT, cert_from_text},
    {GNS_TYPE_URI, uri_from_text},         {GNS_TYPE_PKEY, zkey_from_text},
    {GNS_TYPE_EDKEY, zkey_from_text},      {GNS_TYPE_NICK, nick_from_text},
    {GNS_TYPE_LEHO, leho_from_text},       {GNS_TYPE_VPN, vpn_from_text},
    {GNS_TYPE_GNS2DNS, gns2dns_from_text}, {GNS_TYPE_REDIRECT, redirect_from_text},
};

static int from_text(uint32_t type, const char *text, struct obuf *b, const char **why, int depth) {
  {
    const char *q = text;
    skip_ws(&q);
    if (q[0] == '\\' && q[1] == '#' && is_ws(q[2])) {
      size_t start = b->len; /* inside a BOX, the header precedes */
      int r = generic_from_text(q + 2, b, why);
      if (r < 0) return r;
      if (b->err) return b->err;
      if (gns_rrtype_known(type) &&
          gns_rrtype_check(type, b->p ? b->p + start : NULL, b->len - start) != 0) {
        *why = "generic form: data is not valid for this record type";
        return -EINVAL;
      }
      return 0;
    }
  }
  if (type == GNS_TYPE_BOX) return box_from_text(text, b, why, depth);
  for (size_t i = 0; i < GNS_ARRAY_SIZE(text_parsers); i++)
    if (text_parsers[i].type == type) return text_parsers[i].parse(type, text, b, why);
  *why = "unknown record type: use the generic form \\# <length> <hex>";
  return -EINVAL;
}

int gns_rrtype_from_text(uint32_t type, const char *text, uint8_t **out, size_t *out_len,
                         const char **why) {
  const char *dummy;
  if (!why) why = &dummy;
  *why = NULL;
  if (!text || !out || !out_len) {
    *why = "missing argument";
    return -EINVAL;
  }
  struct obuf b = {0};
  int r = from_text(type, text, &b, why, 0);
  if (r == 0 && b.err) {
    r = b.err == -E2BIG ? -EINVAL : b.err;
    if (b.err == -E2BIG) *why = "record data longer than 65535 bytes";
  }
  if (r < 0) {
    if (!*why) *why = "malformed record data";
    free(b.p);
    return r;
  }
  if (!b.p) {
    /* zero-length data (e.g. empty TXT): still hand out a buffer */
    b.p = malloc(1);
    if (!b.p) return -ENOMEM;
  }
  *out = b.p;
  *out_len = b.len;
  return 0;
}

static int to_text(uint32_t type, const uint8_t *d, size_t len, struct sbuf *s, int depth);

static void generic_to_text(const uint8_t *d, size_t len, struct sbuf *s) {
  sb_str(s, "\\# ");
  sb_uint(s, len);
  if (len) sb_str(s, " ");
  sb_hex(s, d, len);
}

static int to_text(uint32_t type, const uint8_t *d, size_t len, struct sbuf *s, int depth) {
  size_t off = 0;
  char tmp[128];
  int r;
  switch (type) {
  case GNS_TYPE_A:
  case GNS_TYPE_AAAA:
    if (len != (type == GNS_TYPE_A ? 4u : 16u)) return -EBADMSG;
    if (!inet_ntop(type == GNS_TYPE_A ? AF_INET : AF_INET6, d, tmp, sizeof tmp)) return -EBADMSG;
    sb_str(s, tmp);
    return 0;
  case GNS_TYPE_NS:
  case GNS_TYPE_CNAME:
    r = get_dns_name(s, d, len, &off);
    return r < 0 ? r : off == len ? 0 : -EBADMSG;
  case GNS_TYPE_MX:
    if (len < 3) return -EBADMSG;
    sb_uint(s, gns_get_u16(d));
    sb_str(s, " ");
    off = 2;
    r = get_dns_name(s, d, len, &off);
    return r < 0 ? r : off == len ? 0 : -EBADMSG;
  case GNS_TYPE_SRV:
    if (len < 7) return -EBADMSG;
    for (int i = 0; i < 3; i++) {
      sb_uint(s, gns_get_u16(d + 2 * i));
      sb_str(s, " ");
    }
    off = 6;
    r = get_dns_name(s, d, len, &off);
    return r < 0 ? r : off == len ? 0 : -EBADMSG;
  case GNS_TYPE_SOA:
    r = get_dns_name(s, d, len, &off);
    if (r < 0) return r;
    sb_str(s, " ");
    r = get_dns_name(s, d, len, &off);
    if (r < 0) return r;
    if (len - off != 20) return -EBADMSG;
    sb_str(s, " (");
    for (int i = 0; i < 5; i++) {
      sb_str(s, " ");
      sb_uint(s, gns_get_u32(d + off + 4 * (size_t)i));
    }
    sb_str(s, " )");
    return 0;
  case GNS_TYPE_TXT:
    if (!valid_utf8_text(d, len)) return -EBADMSG;
    sb_put(s, (const char *)d, len);
    return 0;
  case GNS_TYPE_TLSA:
    if (len < 4) return -EBADMSG;
    for (int i = 0; i < 3; i++) {
      sb_uint(s, d[i]);
      sb_str(s, " ");
    }
    sb_hex(s, d + 3, len - 3);
    return 0;
  case GNS_TYPE_CERT: {
    if (len < 6) return -EBADMSG;
    sb_uint(s, gns_get_u16(d));
    sb_str(s, " ");
    sb_uint(s, gns_get_u16(d + 2));
    sb_str(s, " ");
    sb_uint(s, d[4]);
    sb_str(s, " ");
    size_t bl = sodium_base64_ENCODED_LEN(len - 5, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(bl);
    if (!b64) return -ENOMEM;
    sodium_bin2base64(b64, bl, d + 5, len - 5, sodium_base64_VARIANT_ORIGINAL);
    sb_str(s, b64);
    free(b64);
    return 0;
  }
  case GNS_TYPE_URI:
    if (len < 5 || !valid_utf8_text(d + 4, len - 4)) return -EBADMSG;
    sb_uint(s, gns_get_u16(d));
    sb_str(s, " ");
    sb_uint(s, gns_get_u16(d + 2));
    sb_str(s, " \"");
    for (size_t i = 4; i < len; i++) {
      if (d[i] == '"' || d[i] == '\\') sb_str(s, "\\");
      sb_put(s, (const char *)d + i, 1);
    }
    sb_str(s, "\"");
    return 0;
  case GNS_TYPE_PKEY:
  case GNS_TYPE_EDKEY: {
    uint8_t id[GNS_ZONE_ID_LEN];
    if (len != GNS_ZONE_KEY_LEN) return -EBADMSG;
    gns_put_u32(id, type);
    memcpy(id + 4, d, GNS_ZONE_KEY_LEN);
    if (gns_base32_encode(id, sizeof id, tmp, sizeof tmp) != 0) return -EBADMSG;
    sb_str(s, tmp);
    return 0;
  }
  case GNS_TYPE_NICK:
  case GNS_TYPE_LEHO: {
    if (len > 0 && d[len - 1] == 0) len--; /* tolerate a NUL-terminated form */
    if (len == 0 || !valid_utf8_text(d, len)) return -EBADMSG;
    sb_put(s, (const char *)d, len);
    return 0;
  }
  case GNS_TYPE_VPN: {
    uint16_t proto;
    uint8_t peer[GNS_VPN_PEER_LEN];
    if (gns_rrtype_parse_vpn(d, len, &proto, peer, NULL, 0) != 0) return -EBADMSG;
    sb_uint(s, proto);
    sb_str(s, " ");
    gns_base32_encode(peer, sizeof peer, tmp, sizeof tmp);
    sb_str(s, tmp);
    sb_str(s, " ");
    sb_put(s, (const char *)d + GNS_VPN_PEER_LEN + 2, len - GNS_VPN_PEER_LEN - 3);
    return 0;
  }
  case GNS_TYPE_GNS2DNS: {
    char name[1024], server[1024];
    if (gns_rrtype_parse_gns2dns(d, len, name, sizeof name, server, sizeof server) != 0)
      return -EBADMSG;
    sb_str(s, name);
    sb_str(s, "@");
    sb_str(s, server);
    return 0;
  }
  case GNS_TYPE_REDIRECT: {
    if (len > 0 && d[len - 1] == 0) len--;
    if (len == 0 || !valid_utf8_text(d, len)) return -EBADMSG;
    sb_put(s, (const char *)d, len);
    return 0;
  }
  case GNS_TYPE_BOX: {
    uint16_t proto, svc;
    uint32_t inner;
    const uint8_t *id;
    size_t il;
    if (depth > 0 || gns_rrtype_parse_box(d, len, &proto, &svc, &inner, &id, &il) != 0 ||
        inner == GNS_TYPE_BOX)
      return -EBADMSG;
    sb_uint(s, proto);
    sb_str(s, " ");
    sb_uint(s, svc);
    sb_str(s, " ");
    sb_uint(s, inner);
    sb_str(s, " ");
    return to_text(inner, id, il, s, depth + 1);
  }
  default:
    generic_to_text(d, len, s);
    return 0;
  }
}

/* The type's own presentation text (no generic fallback). */
static int render(uint32_t type, const uint8_t *data, size_t len, struct sbuf *s) {
  sb_put(s, "", 0);
  int r = to_text(type, data, len, s, 0);
  if (r == 0 && s->err) r = s->err;
  return r;
}

int gns_rrtype_to_text(uint32_t type, const uint8_t *data, size_t len, char **out) {
  if (!out || (!data && len)) return -EINVAL;
  struct sbuf s = {0};
  int r = render(type, data, len, &s);
  if (r == 0 && gns_rrtype_known(type)) {
    /* Whatever we print must read back. Text that starts like the generic
     * form (a TXT of "\# 1 61") would be read as one, and some decodable
     * data has no typed text (a REDIRECT with control characters, a NICK
     * that is not NFC): print those generically (RFC 3597). */
    const char *q = s.p;
    while (is_ws(*q))
      q++;
    bool generic = q[0] == '\\' && q[1] == '#' && is_ws(q[2]);
    if (!generic) {
      const char *why;
      struct obuf b = {0};
      int pr = from_text(type, s.p, &b, &why, 0);
      if (pr == -ENOMEM || b.err == -ENOMEM) r = -ENOMEM;
      generic = pr < 0 || b.err;
      if (!generic) {
        /* ... and read back as data that prints the same: a REDIRECT of
         * "\r\"" would lose its white space to trimming. */
        struct sbuf again = {0};
        int rr = render(type, b.p, b.len, &again);
        if (rr == -ENOMEM) r = -ENOMEM;
        generic = rr < 0 || strcmp(again.p, s.p) != 0;
        free(again.p);
      }
      free(b.p);
    }
    if (r == 0 && generic) {
      s.len = 0;
      generic_to_text(data, len, &s);
      if (s.err) r = s.err;
    }
  }
  if (r < 0) {
    free(s.p);
    return r;
  }
  *out = s.p;
  return 0;
}

int gns_rrtype_check(uint32_t type, const uint8_t *data, size_t len) {
  if (!data && len) return -EINVAL;
  if (!gns_rrtype_known(type)) return 0;
  struct sbuf s = {0};
  int r = render(type, data, len, &s);
  free(s.p);
  return r == -ENOMEM ? r : r < 0 ? -EBADMSG : 0;
}
