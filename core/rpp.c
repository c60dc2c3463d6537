/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RPP JSON (draft-simmen-rpp-dns-data-01) for GNS records. The rdata
 * members are presentation-format strings (3.1.2.6), so conversion goes
 * through the presentation text of rrtype.c: one parser per type. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "gns-util.h"
#include "label.h"
#include "rpp.h"
#include "rrtype.h"

enum kind { K_U8, K_U16, K_U32, K_IP4, K_IP6, K_DNAME, K_TOKEN, K_TEXT, K_QTEXT, K_HEX, K_B64 };

struct field {
  const char *name;
  enum kind kind;
};

struct spec {
  uint32_t type;
  size_t n;
  struct field f[7];
};

/* Field names follow each type's RFC presentation format in camel case
 * (draft 3.1.2.6); GNS types follow RFC 9498's field names. */
static const struct spec specs[] = {
    {GNS_TYPE_A, 1, {{"address", K_IP4}}},
    {GNS_TYPE_AAAA, 1, {{"address", K_IP6}}},
    {GNS_TYPE_NS, 1, {{"nsdname", K_DNAME}}},
    {GNS_TYPE_CNAME, 1, {{"cname", K_DNAME}}},
    {GNS_TYPE_MX, 2, {{"preference", K_U16}, {"exchange", K_DNAME}}},
    {GNS_TYPE_SRV,
     4,
     {{"priority", K_U16}, {"weight", K_U16}, {"port", K_U16}, {"target", K_DNAME}}},
    {GNS_TYPE_TXT, 1, {{"txtData", K_TEXT}}},
    {GNS_TYPE_SOA,
     7,
     {{"mname", K_DNAME},
      {"rname", K_DNAME},
      {"serial", K_U32},
      {"refresh", K_U32},
      {"retry", K_U32},
      {"expire", K_U32},
      {"minimum", K_U32}}},
    {GNS_TYPE_TLSA,
     4,
     {{"certificateUsage", K_U8},
      {"selector", K_U8},
      {"matchingType", K_U8},
      {"certificateAssociationData", K_HEX}}},
    {GNS_TYPE_URI, 3, {{"priority", K_U16}, {"weight", K_U16}, {"target", K_QTEXT}}},
    {GNS_TYPE_CERT,
     4,
     {{"type", K_TOKEN}, {"keyTag", K_U16}, {"algorithm", K_TOKEN}, {"certificate", K_B64}}},
    {GNS_TYPE_PKEY, 1, {{"zoneKey", K_TOKEN}}},
    {GNS_TYPE_EDKEY, 1, {{"zoneKey", K_TOKEN}}},
    {GNS_TYPE_NICK, 1, {{"nick", K_TEXT}}},
    {GNS_TYPE_LEHO, 1, {{"name", K_TEXT}}},
    {GNS_TYPE_REDIRECT, 1, {{"name", K_TEXT}}},
    {GNS_TYPE_GNS2DNS, 2, {{"name", K_TOKEN}, {"server", K_TOKEN}}},
    {GNS_TYPE_VPN, 3, {{"protocol", K_U16}, {"peer", K_TOKEN}, {"service", K_TOKEN}}},
    {GNS_TYPE_BOX,
     4,
     {{"protocol", K_U16}, {"service", K_U16}, {"recordType", K_TOKEN}, {"rdata", K_TEXT}}},
};

static const struct spec *spec_of(uint32_t type) {
  for (size_t i = 0; i < GNS_ARRAY_SIZE(specs); i++)
    if (specs[i].type == type) return &specs[i];
  return NULL;
}

/* Error text: "field F: reason". */
struct err {
  char *buf;
  size_t cap;
  const char *field; /* static field name for the legacy why API */
};

static int fail(struct err *e, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct err *e, const char *field, const char *fmt, ...) {
  if (!e->field) e->field = field;
  if (e->buf && e->cap) {
    int n = snprintf(e->buf, e->cap, "field %s: ", field);
    if (n >= 0 && (size_t)n < e->cap) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(e->buf + n, e->cap - (size_t)n, fmt, ap);
      va_end(ap);
    }
  }
  return -EINVAL;
}

static void type_to_json_name(uint32_t type, char *out, size_t cap) {
  const char *n = gns_rrtype_name(type);
  if (n) {
    size_t i = 0;
    for (; n[i] && i + 1 < cap; i++)
      out[i] = (char)tolower((unsigned char)n[i]);
    out[i] = '\0';
  } else {
    snprintf(out, cap, "type%lu", (unsigned long)type); /* RFC 3597 TYPEnnn */
  }
}

/* ---- binary -> JSON ---- */

static int add_str(json_object *o, const char *k, const char *v, size_t n) {
  json_object *s = json_object_new_string_len(v, (int)n);
  if (!s) return -ENOMEM;
  if (json_object_object_add(o, k, s) != 0) {
    json_object_put(s);
    return -ENOMEM;
  }
  return 0;
}

static int hex_string(const uint8_t *d, size_t n, char **out) {
  static const char hx[] = "0123456789abcdef";
  char *s = malloc(2 * n + 1);
  if (!s) return -ENOMEM;
  for (size_t i = 0; i < n; i++) {
    s[2 * i] = hx[d[i] >> 4];
    s[2 * i + 1] = hx[d[i] & 15];
  }
  s[2 * n] = '\0';
  *out = s;
  return 0;
}

static int rdata_to_json(uint32_t type, const uint8_t *d, size_t len, json_object **out, int depth);

/* Fill rdata from the presentation text: whitespace-separated tokens
 * (SOA's parentheses skipped); URI's target is the quoted remainder. */
static int fields_from_text(const struct spec *sp, const char *text, json_object *o) {
  const char *p = text;
  for (size_t i = 0; i < sp->n; i++) {
    /* SOA's numbers stand in parentheses; only lone "(" / ")" tokens after
     * the two names are syntax (a name may well start with one). */
    for (;;) {
      while (*p == ' ')
        p++;
      if (sp->type == GNS_TYPE_SOA && i >= 2 && (*p == '(' || *p == ')') &&
          (p[1] == ' ' || p[1] == '\0'))
        p++;
      else
        break;
    }
    if (sp->n == 1 && sp->f[i].kind == K_TEXT) {
      /* the whole text is the one value */
      return add_str(o, sp->f[i].name, text, strlen(text));
    }
    if (sp->f[i].kind == K_QTEXT) {
      if (*p != '"') return -EBADMSG;
      p++;
      char *v = malloc(strlen(p) + 1);
      size_t n = 0;
      if (!v) return -ENOMEM;
      for (; *p && *p != '"'; p++) {
        if (*p == '\\' && p[1]) p++;
        v[n++] = *p;
      }
      if (*p == '"') p++;
      int r = add_str(o, sp->f[i].name, v, n);
      free(v);
      if (r < 0) return r;
      continue;
    }
    const char *s = p;
    while (*p && *p != ' ')
      p++;
    if (p == s) return -EBADMSG;
    int r = add_str(o, sp->f[i].name, s, (size_t)(p - s));
    if (r < 0) return r;
  }
  /* Anything left over (a value with spaces) cannot be represented. */
  while (*p == ' ' || (sp->type == GNS_TYPE_SOA && *p == ')'))
    p++;
  return *p ? -EBADMSG : 0;
}

static int rdata_to_json(uint32_t type, const uint8_t *d, size_t len, json_object **out,
                         int depth) {
  const struct spec *sp = spec_of(type);
  json_object *o = json_object_new_object();
  char *text = NULL;
  int r = 0;
  if (!o) return -ENOMEM;
  /* Data without a typed text (rrtype.c prints it in the RFC 3597 form)
   * is exported as {"data": hex}, like an unknown type. */
  r = gns_rrtype_to_text(type, d, len, &text);
  if (r < 0) {
    json_object_put(o);
    return r;
  }
  bool generic = strncmp(text, "\\# ", 3) == 0;
  if (!sp || generic) {
    char *h;
    r = hex_string(d, len, &h);
    if (r == 0) {
      r = add_str(o, "data", h, strlen(h));
      free(h);
    }
  } else if (type == GNS_TYPE_GNS2DNS) {
    char name[1024], server[1024];
    r = gns_rrtype_parse_gns2dns(d, len, name, sizeof name, server, sizeof server);
    if (r == 0) r = add_str(o, "name", name, strlen(name));
    if (r == 0) r = add_str(o, "server", server, strlen(server));
  } else if (type == GNS_TYPE_BOX) {
    uint16_t proto, svc;
    uint32_t inner;
    const uint8_t *id;
    size_t il;
    char num[16], tn[24];
    json_object *in = NULL;
    r = depth > 0 ? -EBADMSG : gns_rrtype_parse_box(d, len, &proto, &svc, &inner, &id, &il);
    if (r == 0 && inner == GNS_TYPE_BOX) r = -EBADMSG;
    if (r == 0) r = rdata_to_json(inner, id, il, &in, depth + 1);
    if (r == 0) {
      snprintf(num, sizeof num, "%u", proto);
      r = add_str(o, "protocol", num, strlen(num));
    }
    if (r == 0) {
      snprintf(num, sizeof num, "%u", svc);
      r = add_str(o, "service", num, strlen(num));
    }
    if (r == 0) {
      type_to_json_name(inner, tn, sizeof tn);
      r = add_str(o, "recordType", tn, strlen(tn));
    }
    if (r == 0) {
      if (json_object_object_add(o, "rdata", in) != 0)
        r = -ENOMEM;
      else
        in = NULL;
    }
    json_object_put(in);
  } else {
    r = fields_from_text(sp, text, o);
  }
  free(text);
  if (r < 0) {
    json_object_put(o);
    return r;
  }
  *out = o;
  return 0;
}

int gns_rpp_record_to_json(const char *name, const struct gns_record *rd, json_object **out) {
  if (!rd || !out || (!rd->data && rd->data_len)) return -EINVAL;
  json_object *o = json_object_new_object(), *rdata = NULL;
  char tn[24], num[48];
  int r;
  if (!o) return -ENOMEM;
  r = add_str(o, "name", name ? name : "@", strlen(name ? name : "@"));
  type_to_json_name(rd->type, tn, sizeof tn);
  if (r == 0) r = add_str(o, "type", tn, strlen(tn));
  if (r == 0) r = rdata_to_json(rd->type, rd->data, rd->data_len, &rdata, 0);
  if (r == 0 && json_object_object_add(o, "rdata", rdata) != 0) {
    json_object_put(rdata);
    r = -ENOMEM;
  }
  if (r == 0 && rd->flags) {
    json_object *fl = json_object_new_array();
    uint16_t rest = rd->flags;
    if (!fl) r = -ENOMEM;
    for (size_t i = 0; r == 0 && i < gns_record_flag_names_n; i++)
      if (rd->flags & gns_record_flag_names[i].bit) {
        json_object_array_add(fl, json_object_new_string(gns_record_flag_names[i].name));
        rest = (uint16_t)(rest & ~gns_record_flag_names[i].bit);
      }
    for (unsigned b = 0; r == 0 && b < 16; b++)
      if (rest & (1u << b)) {
        snprintf(num, sizeof num, "bit%u", b);
        json_object_array_add(fl, json_object_new_string(num));
      }
    if (r == 0 && json_object_object_add(o, "flags", fl) != 0) r = -ENOMEM;
  }
  if (r == 0) {
    if (rd->flags & GNS_RF_RELATIVE_EXPIRATION) {
      /* seconds, with as many decimals as the microseconds need */
      uint64_t s = rd->expiration / 1000000u, us = rd->expiration % 1000000u;
      int n = snprintf(num, sizeof num, "%llu", (unsigned long long)s);
      if (us) {
        n += snprintf(num + n, sizeof num - (size_t)n, ".%06llu", (unsigned long long)us);
        while (num[n - 1] == '0')
          num[--n] = '\0';
      }
      r = add_str(o, "ttl", num, strlen(num));
    } else {
      snprintf(num, sizeof num, "%llu", (unsigned long long)rd->expiration);
      r = add_str(o, "expiration", num, strlen(num));
    }
  }
  if (r < 0) {
    json_object_put(o);
    return r;
  }
  *out = o;
  return 0;
}

/* ---- JSON -> binary ---- */

struct text {
  char *p;
  size_t len, cap;
  int err;
};

static void tx_put(struct text *t, const char *s, size_t n) {
  if (t->err) return;
  if (t->len + n + 1 > t->cap) {
    size_t nc = t->cap ? t->cap : 128;
    while (nc < t->len + n + 1)
      nc *= 2;
    char *np = realloc(t->p, nc);
    if (!np) {
      t->err = -ENOMEM;
      return;
    }
    t->p = np;
    t->cap = nc;
  }
  memcpy(t->p + t->len, s, n);
  t->len += n;
  t->p[t->len] = '\0';
}

static bool all_digits(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return false;
  return true;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *v) {
  if (!all_digits(s) || strlen(s) > 20) return false;
  uint64_t x = 0;
  for (; *s; s++) {
    uint64_t d = (uint64_t)(*s - '0');
    if (x > (UINT64_MAX - d) / 10) return false;
    x = x * 10 + d;
  }
  if (x > max) return false;
  *v = x;
  return true;
}

/* A member's value as a string: JSON strings as they are, non-negative
 * integers as decimal text (accepted for convenience). */
static int member_string(json_object *v, char *num, size_t numcap, const char **s) {
  if (json_object_is_type(v, json_type_string)) {
    *s = json_object_get_string(v);
    if ((size_t)json_object_get_string_len(v) != strlen(*s)) return -EILSEQ; /* embedded NUL */
    return 0;
  }
  if (json_object_is_type(v, json_type_int)) {
    int64_t i = json_object_get_int64(v);
    if (i < 0) return -ERANGE;
    uint64_t u = (uint64_t)i;
    if (i == INT64_MAX) u = json_object_get_uint64(v);
    snprintf(num, numcap, "%llu", (unsigned long long)u);
    *s = num;
    return 0;
  }
  return -EINVAL;
}

static const char *kind_reason(enum kind k) {
  switch (k) {
  case K_U8:
    return "must be a number 0..255";
  case K_U16:
    return "must be a number 0..65535";
  case K_U32:
    return "must be a number 0..4294967295";
  case K_IP4:
    return "not an IPv4 address";
  case K_IP6:
    return "not an IPv6 address";
  case K_HEX:
    return "must be a non-empty even number of hex digits";
  default:
    return "must be a non-empty string without white space";
  }
}

static bool kind_ok(enum kind k, const char *s) {
  uint64_t v;
  unsigned char addr[16];
  switch (k) {
  case K_U8:
    return parse_u64(s, UINT8_MAX, &v);
  case K_U16:
    return parse_u64(s, UINT16_MAX, &v);
  case K_U32:
    return parse_u64(s, UINT32_MAX, &v);
  case K_IP4:
    return inet_pton(AF_INET, s, addr) == 1;
  case K_IP6:
    return inet_pton(AF_INET6, s, addr) == 1;
  case K_HEX: {
    size_t n = strlen(s);
    if (n == 0 || n % 2) return false;
    for (; *s; s++)
      if (!isxdigit((unsigned char)*s)) return false;
    return true;
  }
  case K_TEXT:
  case K_QTEXT:
    return true;
  case K_DNAME:
  case K_TOKEN:
  case K_B64:
  default:
    if (!*s) return false;
    for (; *s; s++)
      if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') return false;
    return true;
  }
}

static int rdata_from_json(uint32_t type, json_object *rdata, const char *path, uint8_t **out,
                           size_t *out_len, struct err *e, int depth);

/* Field paths are built into a caller's buffer; the legacy why API gets
 * the static prefix "rdata" only. */
static int box_from_json(json_object *rdata, const char *path, uint8_t **out, size_t *out_len,
                         struct err *e, int depth) {
  char fp[128], num[24];
  uint64_t v[2];
  const char *names[2] = {"protocol", "service"};
  for (int i = 0; i < 2; i++) {
    json_object *m;
    const char *s;
    snprintf(fp, sizeof fp, "%s.%s", path, names[i]);
    if (!json_object_object_get_ex(rdata, names[i], &m)) return fail(e, "rdata", "%s: missing", fp);
    if (member_string(m, num, sizeof num, &s) < 0 || !parse_u64(s, UINT16_MAX, &v[i]))
      return fail(e, "rdata", "%s: must be a number 0..65535", fp);
  }
  json_object *m, *inner_obj;
  const char *s;
  uint32_t inner;
  snprintf(fp, sizeof fp, "%s.recordType", path);
  if (!json_object_object_get_ex(rdata, "recordType", &m))
    return fail(e, "rdata", "%s: missing", fp);
  if (member_string(m, num, sizeof num, &s) < 0 || gns_rrtype_from_name(s, &inner) != 0)
    return fail(e, "rdata", "%s: unknown record type", fp);
  if (inner == GNS_TYPE_BOX || depth > 0)
    return fail(e, "rdata", "%s: a BOX cannot hold a BOX", fp);
  snprintf(fp, sizeof fp, "%s.rdata", path);
  if (!json_object_object_get_ex(rdata, "rdata", &inner_obj))
    return fail(e, "rdata", "%s: missing", fp);
  uint8_t *id = NULL;
  size_t il = 0;
  int r = rdata_from_json(inner, inner_obj, fp, &id, &il, e, depth + 1);
  if (r < 0) return r;
  r = gns_rrtype_build_box((uint16_t)v[0], (uint16_t)v[1], inner, id, il, out, out_len);
  free(id);
  if (r < 0) return fail(e, "rdata", "%s: boxed record too large", path);
  return 0;
}

static int rdata_from_json(uint32_t type, json_object *rdata, const char *path, uint8_t **out,
                           size_t *out_len, struct err *e, int depth) {
  char fp[160], num[24];
  if (!json_object_is_type(rdata, json_type_object))
    return fail(e, "rdata", "%s: must be an object", path);
  const struct spec *sp = spec_of(type);
  /* Unknown members are typos more often than extensions: refuse them. */
  bool has_data = json_object_object_get_ex(rdata, "data", NULL);
  json_object_object_foreach(rdata, key, val) {
    (void)val;
    bool known = strcmp(key, "data") == 0;
    for (size_t i = 0; sp && i < sp->n; i++)
      if (strcmp(key, sp->f[i].name) == 0) known = true;
    if (!known) return fail(e, "rdata", "%s.%s: unknown field for this record type", path, key);
    if (has_data && strcmp(key, "data") != 0)
      return fail(e, "rdata", "%s.data: cannot be combined with \"%s\"", path, key);
  }
  if (!sp || has_data) {
    /* Unknown type: {"data": hex}, turned into RFC 3597 generic text. */
    json_object *m;
    const char *s;
    snprintf(fp, sizeof fp, "%s.data", path);
    if (!json_object_object_get_ex(rdata, "data", &m)) return fail(e, "rdata", "%s: missing", fp);
    if (member_string(m, num, sizeof num, &s) < 0 || (*s && !kind_ok(K_HEX, s)))
      return fail(e, "rdata", "%s: must be an even number of hex digits", fp);
    char *t = malloc(strlen(s) + 32);
    if (!t) return -ENOMEM;
    sprintf(t, "\\# %zu %s", strlen(s) / 2, s);
    const char *why = NULL;
    int r = gns_rrtype_from_text(type, t, out, out_len, &why);
    free(t);
    if (r < 0) return fail(e, "rdata", "%s: %s", fp, why ? why : "malformed");
    return 0;
  }
  if (type == GNS_TYPE_BOX) return box_from_json(rdata, path, out, out_len, e, depth);
  struct text t = {0};
  tx_put(&t, "", 0);
  for (size_t i = 0; i < sp->n; i++) {
    json_object *m;
    const char *s;
    snprintf(fp, sizeof fp, "%s.%s", path, sp->f[i].name);
    if (!json_object_object_get_ex(rdata, sp->f[i].name, &m)) {
      free(t.p);
      return fail(e, "rdata", "%s: missing", fp);
    }
    int r = member_string(m, num, sizeof num, &s);
    if (r == -EILSEQ || r == -ERANGE || r < 0) {
      free(t.p);
      return fail(e, "rdata", "%s: %s", fp,
                  r == -EILSEQ   ? "contains a NUL character"
                  : r == -ERANGE ? "must not be negative"
                                 : "must be a string");
    }
    if (!kind_ok(sp->f[i].kind, s)) {
      free(t.p);
      return fail(e, "rdata", "%s: %s", fp, kind_reason(sp->f[i].kind));
    }
    if (sp->f[i].kind == K_DNAME) {
      /* Check the name alone so the error names this field. */
      uint8_t *tmp = NULL;
      size_t tl;
      const char *why = NULL;
      if (gns_rrtype_from_text(GNS_TYPE_CNAME, s, &tmp, &tl, &why) < 0) {
        free(t.p);
        return fail(e, "rdata", "%s: %s", fp, why ? why : "malformed DNS name");
      }
      free(tmp);
    }
    if (i > 0) tx_put(&t, type == GNS_TYPE_GNS2DNS ? "@" : " ", 1);
    if (sp->f[i].kind == K_QTEXT) {
      tx_put(&t, "\"", 1);
      for (const char *c = s; *c; c++) {
        if (*c == '"' || *c == '\\') tx_put(&t, "\\", 1);
        tx_put(&t, c, 1);
      }
      tx_put(&t, "\"", 1);
    } else {
      tx_put(&t, s, strlen(s));
    }
  }
  if (t.err) {
    free(t.p);
    return t.err;
  }
  const char *why = NULL;
  int r = gns_rrtype_from_text(type, t.p, out, out_len, &why);
  free(t.p);
  if (r < 0) {
    /* One-field types: the field is known; else blame the rdata object. */
    if (sp->n == 1)
      snprintf(fp, sizeof fp, "%s.%s", path, sp->f[0].name);
    else
      snprintf(fp, sizeof fp, "%s", path);
    return fail(e, "rdata", "%s: %s", fp, why ? why : "malformed");
  }
  return 0;
}

/* Owner name -> label (RFC 9498 has no multi-label owners in a zone). */
static int owner_from_json(const char *name, const char *origin, char *out, size_t cap,
                           struct err *e) {
  size_t len = strlen(name);
  if (len == 0) return fail(e, "name", "must not be empty");
  if (strcmp(name, "@") == 0) {
    snprintf(out, cap, "@");
    return 0;
  }
  const char *label = name;
  size_t ll = len;
  if (name[len - 1] == '.') {
    /* draft 3.1.2.1: an FQDN must be the zone itself or below it */
    if (!origin || !*origin)
      return fail(e, "name", "absolute name \"%s\" but no zone name to relate it to", name);
    size_t ol = strlen(origin);
    if (origin[ol - 1] == '.') ol--;
    size_t nl = len - 1;
    if (nl == ol && strncasecmp(name, origin, ol) == 0) {
      snprintf(out, cap, "@");
      return 0;
    }
    if (nl <= ol + 1 || name[nl - ol - 1] != '.' || strncasecmp(name + nl - ol, origin, ol) != 0)
      return fail(e, "name", "\"%s\" is not in zone \"%.*s\"", name, (int)ol, origin);
    ll = nl - ol - 1;
  }
  if (memchr(label, '.', ll))
    return fail(e, "name", "\"%s\" is not a single label below the zone", name);
  size_t outlen;
  int r = gns_label_normalize((const uint8_t *)label, ll, out, cap, &outlen);
  if (r == -ENAMETOOLONG) return fail(e, "name", "label longer than 63 bytes");
  if (r < 0) return fail(e, "name", "not a valid label (UTF-8 without dots)");
  return 0;
}

/* "3600", "1.5", or a JSON integer: seconds -> microseconds. */
static bool parse_ttl(json_object *v, uint64_t *us) {
  char num[24];
  const char *s;
  if (member_string(v, num, sizeof num, &s) < 0) return false;
  const char *dot = strchr(s, '.');
  char ip[24] = {0};
  size_t il = dot ? (size_t)(dot - s) : strlen(s);
  if (il == 0 || il >= sizeof ip) return false;
  memcpy(ip, s, il);
  uint64_t sec, frac = 0;
  if (!parse_u64(ip, UINT64_MAX / 1000000u - 1, &sec)) return false;
  if (dot) {
    const char *f = dot + 1;
    size_t fl = strlen(f);
    if (fl == 0 || fl > 6 || !all_digits(f)) return false;
    for (size_t i = 0; i < 6; i++)
      frac = frac * 10 + (i < fl ? (uint64_t)(f[i] - '0') : 0);
  }
  *us = sec * 1000000u + frac;
  return true;
}

static int record_parse(json_object *obj, const char *origin, uint64_t default_ttl,
                        struct gns_rpp_record *out, struct err *e) {
  memset(out, 0, sizeof *out);
  if (!json_object_is_type(obj, json_type_object)) return fail(e, "record", "must be an object");
  json_object_object_foreach(obj, key, val) {
    (void)val;
    static const char *const known[] = {"name", "type",       "rdata", "flags",
                                        "ttl",  "expiration", "class", "rdlength"};
    bool ok = false;
    for (size_t i = 0; i < GNS_ARRAY_SIZE(known); i++)
      if (strcmp(key, known[i]) == 0) ok = true;
    if (!ok) return fail(e, "record", "unknown member \"%s\"", key);
  }
  json_object *m;
  char num[24];
  const char *s;
  /* name */
  if (!json_object_object_get_ex(obj, "name", &m) || !json_object_is_type(m, json_type_string))
    return fail(e, "name", "missing or not a string");
  s = json_object_get_string(m);
  if ((size_t)json_object_get_string_len(m) != strlen(s))
    return fail(e, "name", "contains a NUL character");
  int r = owner_from_json(s, origin, out->name, sizeof out->name, e);
  if (r < 0) return r;
  /* class: draft 3.1.2.2, IN only */
  if (json_object_object_get_ex(obj, "class", &m) &&
      (!json_object_is_type(m, json_type_string) || strcasecmp(json_object_get_string(m), "IN")))
    return fail(e, "class", "only \"IN\" is supported");
  /* type */
  if (!json_object_object_get_ex(obj, "type", &m) || !json_object_is_type(m, json_type_string))
    return fail(e, "type", "missing or not a string");
  if (gns_rrtype_from_name(json_object_get_string(m), &out->rd.type) != 0)
    return fail(e, "type", "unknown record type \"%s\"", json_object_get_string(m));
  /* flags */
  uint16_t flags = 0;
  if (json_object_object_get_ex(obj, "flags", &m)) {
    if (!json_object_is_type(m, json_type_array)) return fail(e, "flags", "must be an array");
    size_t nf = json_object_array_length(m);
    for (size_t i = 0; i < nf; i++) {
      json_object *f = json_object_array_get_idx(m, i);
      if (!json_object_is_type(f, json_type_string))
        return fail(e, "flags", "element %zu is not a string", i);
      const char *fn = json_object_get_string(f);
      bool ok = false;
      for (size_t k = 0; k < gns_record_flag_names_n; k++)
        if (strcmp(fn, gns_record_flag_names[k].name) == 0)
          flags |= gns_record_flag_names[k].bit, ok = true;
      uint64_t bit;
      if (!ok && strncmp(fn, "bit", 3) == 0 && parse_u64(fn + 3, 15, &bit))
        flags = (uint16_t)(flags | (1u << bit)), ok = true;
      if (!ok) return fail(e, "flags", "unknown flag \"%s\"", fn);
    }
  }
  /* expiration or ttl */
  json_object *ttl = NULL, *exp = NULL;
  json_object_object_get_ex(obj, "ttl", &ttl);
  json_object_object_get_ex(obj, "expiration", &exp);
  if (ttl && exp) return fail(e, "ttl", "give either \"ttl\" or \"expiration\", not both");
  if (exp) {
    if (flags & GNS_RF_RELATIVE_EXPIRATION)
      return fail(e, "flags", "\"relative\" needs \"ttl\" instead of \"expiration\"");
    if (member_string(exp, num, sizeof num, &s) < 0 ||
        !parse_u64(s, UINT64_MAX, &out->rd.expiration))
      return fail(e, "expiration", "must be microseconds since the epoch (digits)");
  } else if (ttl) {
    if (!parse_ttl(ttl, &out->rd.expiration))
      return fail(e, "ttl", "must be seconds (digits, up to 6 decimals)");
    flags |= GNS_RF_RELATIVE_EXPIRATION;
  } else {
    out->rd.expiration = default_ttl * 1000000u;
    flags |= GNS_RF_RELATIVE_EXPIRATION;
  }
  out->rd.flags = flags;
  /* rdata */
  if (!json_object_object_get_ex(obj, "rdata", &m)) return fail(e, "rdata", "missing");
  uint8_t *data = NULL;
  size_t dl = 0;
  r = rdata_from_json(out->rd.type, m, "rdata", &data, &dl, e, 0);
  if (r < 0) return r;
  if (dl > UINT16_MAX) {
    free(data);
    return fail(e, "rdata", "record data longer than 65535 bytes");
  }
  out->rd.data = data;
  out->rd.data_len = (uint16_t)dl;
  return 0;
}

int gns_rpp_record_parse(json_object *obj, const char *origin, uint64_t default_ttl,
                         struct gns_rpp_record *out, char *err, size_t errcap) {
  if (!out) return -EINVAL;
  struct err e = {err, errcap, NULL};
  if (err && errcap) err[0] = '\0';
  if (default_ttl > UINT64_MAX / 1000000u) default_ttl = UINT64_MAX / 1000000u;
  int r = record_parse(obj, origin, default_ttl, out, &e);
  if (r < 0) gns_rpp_record_clear(out);
  return r;
}

int gns_rpp_record_from_json(json_object *obj, const char *origin, struct gns_rpp_record *out,
                             const char **why) {
  if (!out) return -EINVAL;
  struct err e = {NULL, 0, NULL};
  int r = record_parse(obj, origin, GNS_RPP_DEFAULT_TTL, out, &e);
  if (r < 0) {
    gns_rpp_record_clear(out);
    if (why) *why = e.field ? e.field : "record";
  }
  return r;
}

void gns_rpp_record_clear(struct gns_rpp_record *r) {
  if (!r) return;
  free((void *)r->rd.data);
  r->rd.data = NULL;
  r->rd.data_len = 0;
}

void gns_rpp_records_free(struct gns_rpp_record *recs, size_t n) {
  if (!recs) return;
  for (size_t i = 0; i < n; i++)
    gns_rpp_record_clear(&recs[i]);
  free(recs);
}

int gns_rpp_document_to_json(const char *origin, const struct gns_rpp_record *recs, size_t n,
                             json_object **out) {
  if (!out || (n && !recs)) return -EINVAL;
  json_object *doc = json_object_new_object(), *dns = json_object_new_object(),
              *arr = json_object_new_array();
  int r = (doc && dns && arr) ? 0 : -ENOMEM;
  for (size_t i = 0; r == 0 && i < n; i++) {
    json_object *o;
    r = gns_rpp_record_to_json(recs[i].name, &recs[i].rd, &o);
    if (r == 0 && json_object_array_add(arr, o) != 0) {
      json_object_put(o);
      r = -ENOMEM;
    }
  }
  if (r == 0) {
    json_object_object_add(doc, "@type", json_object_new_string("Zone"));
    if (origin) json_object_object_add(doc, "name", json_object_new_string(origin));
    json_object_object_add(dns, "records", arr);
    arr = NULL;
    json_object_object_add(doc, "dns", dns);
    dns = NULL;
    *out = doc;
    doc = NULL;
  }
  json_object_put(arr);
  json_object_put(dns);
  json_object_put(doc);
  return r;
}

static void doc_fail(char *err, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void doc_fail(char *err, size_t cap, const char *fmt, ...) {
  if (!err || !cap) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, cap, fmt, ap);
  va_end(ap);
}

int gns_rpp_controls_default_ttl(json_object *ttls, json_object *rec, uint64_t *def, char *err,
                                 size_t errcap) {
  json_object *tm, *t;
  /* draft 4.4.1: dns.controls.ttl maps types to TTLs in seconds */
  if (ttls && json_object_is_type(rec, json_type_object) &&
      json_object_object_get_ex(rec, "type", &tm) && json_object_is_type(tm, json_type_string)) {
    char lower[32];
    const char *tn = json_object_get_string(tm);
    size_t k = 0;
    for (; tn[k] && k + 1 < sizeof lower; k++)
      lower[k] = (char)tolower((unsigned char)tn[k]);
    lower[k] = '\0';
    if (json_object_object_get_ex(ttls, lower, &t)) {
      uint64_t us;
      if (!parse_ttl(t, &us)) {
        doc_fail(err, errcap, "document member \"dns.controls.ttl.%s\": must be seconds", lower);
        return -EINVAL;
      }
      *def = us / 1000000u;
    }
  }
  return 0;
}

int gns_rpp_document_from_json(json_object *doc, const char *origin, struct gns_rpp_record **out,
                               size_t *n, char *err, size_t errcap) {
  if (!out || !n) return -EINVAL;
  if (err && errcap) err[0] = '\0';
  json_object *m, *dns, *records, *controls = NULL, *ttls = NULL;
  if (!json_object_is_type(doc, json_type_object)) {
    doc_fail(err, errcap, "document: must be a JSON object");
    return -EINVAL;
  }
  /* The document's own name wins: absolute names in it refer to it. */
  if (json_object_object_get_ex(doc, "name", &m)) {
    if (!json_object_is_type(m, json_type_string)) {
      doc_fail(err, errcap, "document member \"name\": must be a string");
      return -EINVAL;
    }
    origin = json_object_get_string(m);
  }
  if (!json_object_object_get_ex(doc, "dns", &dns) || !json_object_is_type(dns, json_type_object)) {
    doc_fail(err, errcap, "document member \"dns\": missing or not an object");
    return -EINVAL;
  }
  if (!json_object_object_get_ex(dns, "records", &records) ||
      !json_object_is_type(records, json_type_array)) {
    doc_fail(err, errcap, "document member \"dns.records\": missing or not an array");
    return -EINVAL;
  }
  if (json_object_object_get_ex(dns, "controls", &controls)) {
    if (!json_object_is_type(controls, json_type_object)) {
      doc_fail(err, errcap, "document member \"dns.controls\": must be an object");
      return -EINVAL;
    }
    if (json_object_object_get_ex(controls, "ttl", &ttls) &&
        !json_object_is_type(ttls, json_type_object)) {
      doc_fail(err, errcap, "document member \"dns.controls.ttl\": must be an object");
      return -EINVAL;
    }
  }
  size_t count = json_object_array_length(records);
  struct gns_rpp_record *recs = calloc(count ? count : 1, sizeof *recs);
  if (!recs) return -ENOMEM;
  for (size_t i = 0; i < count; i++) {
    json_object *rec = json_object_array_get_idx(records, i);
    uint64_t def = GNS_RPP_DEFAULT_TTL;
    if (gns_rpp_controls_default_ttl(ttls, rec, &def, err, errcap) < 0) {
      gns_rpp_records_free(recs, i);
      return -EINVAL;
    }
    char msg[256];
    int r = gns_rpp_record_parse(rec, origin, def, &recs[i], msg, sizeof msg);
    if (r < 0) {
      doc_fail(err, errcap, "record %zu, %s", i, msg);
      gns_rpp_records_free(recs, i);
      return r;
    }
  }
  *out = recs;
  *n = count;
  return 0;
}

int gns_rpp_document_parse(const char *text, size_t len, const char *origin,
                           struct gns_rpp_record **out, size_t *n, char *err, size_t errcap) {
  if (!text || !out || !n) return -EINVAL;
  if (len > INT32_MAX) {
    doc_fail(err, errcap, "document: too large");
    return -EINVAL;
  }
  json_tokener *tok = json_tokener_new();
  if (!tok) return -ENOMEM;
  json_object *doc = json_tokener_parse_ex(tok, text, (int)len);
  enum json_tokener_error je = json_tokener_get_error(tok);
  size_t consumed = json_tokener_get_parse_end(tok);
  json_tokener_free(tok);
  if (!doc || je != json_tokener_success) {
    doc_fail(err, errcap, "document: JSON syntax error at byte %zu: %s", consumed,
             je == json_tokener_continue ? "unexpected end of input" : json_tokener_error_desc(je));
    json_object_put(doc);
    return -EINVAL;
  }
  /* Only white space may follow the document. */
  for (size_t i = consumed; i < len; i++)
    if (!strchr(" \t\r\n", text[i])) {
      doc_fail(err, errcap, "document: trailing data at byte %zu", i);
      json_object_put(doc);
      return -EINVAL;
    }
  int r = gns_rpp_document_from_json(doc, origin, out, n, err, errcap);
  json_object_put(doc);
  return r;
}
