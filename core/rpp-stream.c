/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RPP JSON documents in pieces. See rpp-stream.h.
 *
 * A byte-level scanner follows only what it must: the nesting of objects
 * and arrays, strings (with escapes) and object keys at the top two
 * levels. Values it needs ("name", "dns.controls", each element of
 * "dns.records") are copied out whole and handed to json-c; everything
 * else is skipped as it passes. JSON syntax inside a copied value is
 * json-c's to check; outside, structure (balance, ":" and "," places) is
 * checked here. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "rpp-stream.h"

#define MAX_DEPTH 64
#define KEY_MAX 16

enum target { T_NONE, T_NAME, T_CONTROLS, T_RECORD };

/* What may come next in a container. */
enum expect {
  E_FIRST, /* after "{" or "[": a key (object) or value (array), or the close */
  E_KEY,   /* after "," in an object */
  E_COLON,
  E_VALUE, /* after ":" or after "," in an array */
  E_NEXT,  /* after a value: "," or the close */
};

struct gns_rpp_stream {
  gns_rpp_stream_fn fn;
  void *userdata;
  char *origin; /* the document's "name" wins over the caller's */
  json_object *controls;
  json_object *ttls; /* inside controls */
  size_t count;
  uint64_t offset;
  int error;
  bool done; /* the top-level object closed */
  bool seen_records;

  /* nesting: '{' or '[' per level; for objects, the key being read or
   * whose value comes (levels 1 and 2 only) and whether a key or a value
   * is expected next */
  unsigned depth;
  char kind[MAX_DEPTH];
  enum expect expect[MAX_DEPTH];
  char key[3][KEY_MAX + 1];
  size_t key_len;
  bool key_long;
  unsigned records_depth; /* the depth of the dns.records array, or 0 */

  bool in_string, escape, string_is_key;
  bool in_literal; /* a number, true, false or null outside a capture */

  /* capture of one value */
  enum target target;
  unsigned cap_depth; /* depth at which the captured value sits */
  bool cap_scalar;
  char *buf;
  size_t len, cap;
};

static void fail(struct gns_rpp_stream *st, char *err, size_t errcap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fail(struct gns_rpp_stream *st, char *err, size_t errcap, const char *fmt, ...) {
  st->error = -EINVAL;
  if (!err || !errcap) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errcap, fmt, ap);
  va_end(ap);
}

int gns_rpp_stream_new(const char *origin, gns_rpp_stream_fn fn, void *userdata,
                       struct gns_rpp_stream **out) {
  struct gns_rpp_stream *st = calloc(1, sizeof *st);
  if (!st) return -ENOMEM;
  st->fn = fn;
  st->userdata = userdata;
  if (origin && !(st->origin = strdup(origin))) {
    free(st);
    return -ENOMEM;
  }
  *out = st;
  return 0;
}

void gns_rpp_stream_free(struct gns_rpp_stream *st) {
  if (!st) return;
  free(st->origin);
  json_object_put(st->controls);
  free(st->buf);
  free(st);
}

size_t gns_rpp_stream_count(const struct gns_rpp_stream *st) {
  return st->count;
}

static int cap_add(struct gns_rpp_stream *st, char c, char *err, size_t errcap) {
  if (st->len + 1 >= GNS_RPP_STREAM_MAX_ITEM) {
    if (st->target == T_RECORD)
      fail(st, err, errcap, "record %zu: larger than %u bytes of JSON", st->count,
           GNS_RPP_STREAM_MAX_ITEM);
    else
      fail(st, err, errcap, "document member \"%s\": larger than %u bytes",
           st->target == T_NAME ? "name" : "dns.controls", GNS_RPP_STREAM_MAX_ITEM);
    return st->error;
  }
  if (st->len + 1 >= st->cap) {
    size_t cap = st->cap ? st->cap * 2 : 4096;
    char *b = realloc(st->buf, cap);
    if (!b) return st->error = -ENOMEM;
    st->buf = b;
    st->cap = cap;
  }
  st->buf[st->len++] = c;
  return 0;
}

/* The captured value is complete. */
static int cap_end(struct gns_rpp_stream *st, char *err, size_t errcap) {
  enum target t = st->target;
  st->target = T_NONE;
  st->buf[st->len] = '\0';
  json_tokener *tok = json_tokener_new();
  if (!tok) return st->error = -ENOMEM;
  json_object *v = json_tokener_parse_ex(tok, st->buf, (int)st->len);
  enum json_tokener_error je = json_tokener_get_error(tok);
  json_tokener_free(tok);
  st->len = 0;
  if (!v || je != json_tokener_success) {
    json_object_put(v);
    if (t == T_RECORD)
      fail(st, err, errcap, "record %zu: not valid JSON (%s)", st->count,
           json_tokener_error_desc(je));
    else
      fail(st, err, errcap, "document member \"%s\": not valid JSON (%s)",
           t == T_NAME ? "name" : "dns.controls", json_tokener_error_desc(je));
    return st->error;
  }
  int r = 0;
  if (t == T_NAME) {
    if (!json_object_is_type(v, json_type_string)) {
      fail(st, err, errcap, "document member \"name\": must be a string");
    } else if (st->count > 0) {
      fail(st, err, errcap,
           "document member \"name\": must come before \"dns.records\" "
           "when the document is read in pieces");
    } else {
      free(st->origin);
      st->origin = strdup(json_object_get_string(v));
      if (!st->origin) st->error = -ENOMEM;
    }
    json_object_put(v);
    return st->error;
  }
  if (t == T_CONTROLS) {
    json_object *ttls = NULL;
    if (!json_object_is_type(v, json_type_object)) {
      fail(st, err, errcap, "document member \"dns.controls\": must be an object");
    } else if (json_object_object_get_ex(v, "ttl", &ttls) &&
               !json_object_is_type(ttls, json_type_object)) {
      fail(st, err, errcap, "document member \"dns.controls.ttl\": must be an object");
    } else if (st->count > 0) {
      fail(st, err, errcap,
           "document member \"dns.controls\": must come before \"dns.records\" "
           "when the document is read in pieces");
    } else {
      json_object_put(st->controls);
      st->controls = v;
      st->ttls = ttls;
      return 0;
    }
    json_object_put(v);
    return st->error;
  }
  /* a record, parsed as gns_rpp_document_from_json does */
  uint64_t def = GNS_RPP_DEFAULT_TTL;
  char msg[256];
  r = gns_rpp_controls_default_ttl(st->ttls, v, &def, msg, sizeof msg);
  if (r < 0) {
    json_object_put(v);
    fail(st, err, errcap, "%s", msg);
    return st->error;
  }
  struct gns_rpp_record rec;
  memset(&rec, 0, sizeof rec);
  r = gns_rpp_record_parse(v, st->origin, def, &rec, msg, sizeof msg);
  json_object_put(v);
  if (r < 0) {
    if (r == -ENOMEM) return st->error = r;
    fail(st, err, errcap, "record %zu, %s", st->count, msg);
    return st->error;
  }
  r = st->fn(st->userdata, st->count, &rec);
  gns_rpp_record_clear(&rec);
  if (r < 0) return st->error = r;
  st->count++;
  return 0;
}

/* Which value starts here, at the current depth (the container it sits
 * in)? */
static enum target target_here(const struct gns_rpp_stream *st) {
  if (st->depth == 1 && st->kind[1] == '{' && strcmp(st->key[1], "name") == 0) return T_NAME;
  if (st->depth == 2 && st->kind[2] == '{' && strcmp(st->key[1], "dns") == 0 &&
      strcmp(st->key[2], "controls") == 0)
    return T_CONTROLS;
  if (st->records_depth && st->depth == st->records_depth) return T_RECORD;
  return T_NONE;
}

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A value ended at the current depth. */
static void value_ended(struct gns_rpp_stream *st) {
  st->expect[st->depth] = E_NEXT;
}

int gns_rpp_stream_feed(struct gns_rpp_stream *st, const char *buf, size_t len, char *err,
                        size_t errcap) {
  if (st->error) return st->error;
  for (size_t i = 0; i < len; i++, st->offset++) {
    char c = buf[i];
    bool capturing = st->target != T_NONE;
    if (capturing && cap_add(st, c, err, errcap) < 0) return st->error;
    if (st->in_string) {
      if (st->escape) {
        st->escape = false;
      } else if (c == '\\' && !(st->string_is_key && st->depth <= 2)) {
        st->escape = true;
      } else if (c == '"') {
        st->in_string = false;
        if (st->string_is_key) {
          st->string_is_key = false;
          if (st->key_long && st->depth <= 2) st->key[st->depth][0] = '\x01'; /* no match */
          continue;
        }
        if (capturing && st->cap_scalar && st->depth == st->cap_depth) {
          if (cap_end(st, err, errcap) < 0) return st->error;
        }
        value_ended(st);
      } else if (st->string_is_key && st->depth <= 2) {
        if (c == '\\') {
          /* json-c would read the key unescaped; we compare raw bytes */
          fail(st, err, errcap,
               "offset %llu: escapes in the document's own keys are not "
               "supported when it is read in pieces",
               (unsigned long long)st->offset);
          return st->error;
        }
        if (st->key_len < KEY_MAX)
          st->key[st->depth][st->key_len++] = c;
        else
          st->key_long = true;
        st->key[st->depth][st->key_len] = '\0';
      }
      continue;
    }
    if (st->in_literal) {
      if (is_space(c) || c == ',' || c == '}' || c == ']') {
        st->in_literal = false;
        if (capturing && st->cap_scalar && st->depth == st->cap_depth) {
          st->len--; /* the delimiter is not part of it */
          if (cap_end(st, err, errcap) < 0) return st->error;
          capturing = false;
        }
        value_ended(st);
        /* fall through: the delimiter counts */
      } else {
        continue;
      }
    }
    if (is_space(c)) continue;
    if (st->done) {
      fail(st, err, errcap, "offset %llu: text after the document", (unsigned long long)st->offset);
      return st->error;
    }
    unsigned d = st->depth;
    bool in_obj = d > 0 && st->kind[d] == '{';
    enum expect e = d > 0 ? st->expect[d] : E_VALUE;
    if (c == '}' || c == ']') {
      if (d == 0 || (c == '}') != in_obj || (e != E_FIRST && e != E_NEXT)) {
        fail(st, err, errcap, "offset %llu: unexpected '%c'", (unsigned long long)st->offset, c);
        return st->error;
      }
      if (d == st->records_depth) st->records_depth = 0;
      st->depth--;
      if (st->depth == 0) {
        st->done = true;
        continue;
      }
      if (capturing && st->depth == st->cap_depth) {
        if (cap_end(st, err, errcap) < 0) return st->error;
        capturing = false;
      }
      value_ended(st);
      continue;
    }
    if (c == ',') {
      if (d == 0 || e != E_NEXT) {
        fail(st, err, errcap, "offset %llu: unexpected ','", (unsigned long long)st->offset);
        return st->error;
      }
      st->expect[d] = in_obj ? E_KEY : E_VALUE;
      continue;
    }
    if (c == ':') {
      if (!in_obj || e != E_COLON) {
        fail(st, err, errcap, "offset %llu: unexpected ':'", (unsigned long long)st->offset);
        return st->error;
      }
      st->expect[d] = E_VALUE;
      continue;
    }
    /* a key or a value starts */
    if (e == E_NEXT || e == E_COLON) {
      fail(st, err, errcap, "offset %llu: missing '%c'", (unsigned long long)st->offset,
           e == E_NEXT ? ',' : ':');
      return st->error;
    }
    if (in_obj && (e == E_FIRST || e == E_KEY)) {
      if (c != '"') {
        fail(st, err, errcap, "offset %llu: an object key must be a string",
             (unsigned long long)st->offset);
        return st->error;
      }
      st->in_string = true;
      st->string_is_key = true;
      st->expect[d] = E_COLON;
      if (d <= 2) {
        st->key_len = 0;
        st->key_long = false;
        st->key[d][0] = '\0';
      }
      continue;
    }
    if (d == 0 && c != '{') {
      fail(st, err, errcap, "document: must be a JSON object");
      return st->error;
    }
    if (!capturing) {
      enum target t = d > 0 ? target_here(st) : T_NONE;
      if (d == 2 && st->kind[2] == '{' && strcmp(st->key[1], "dns") == 0 &&
          strcmp(st->key[2], "records") == 0) {
        if (c != '[') {
          fail(st, err, errcap, "document member \"dns.records\": missing or not an array");
          return st->error;
        }
        st->seen_records = true;
        st->records_depth = d + 1;
      }
      if (t != T_NONE) {
        st->target = t;
        st->cap_depth = d;
        st->cap_scalar = c != '{' && c != '[';
        st->len = 0;
        if (cap_add(st, c, err, errcap) < 0) return st->error;
        capturing = true;
      }
    }
    if (c == '{' || c == '[') {
      if (st->depth + 1 >= MAX_DEPTH) {
        fail(st, err, errcap, "offset %llu: nested too deeply", (unsigned long long)st->offset);
        return st->error;
      }
      st->depth++;
      st->kind[st->depth] = c;
      st->expect[st->depth] = E_FIRST;
      if (st->depth <= 2) st->key[st->depth][0] = '\0';
    } else if (c == '"') {
      st->in_string = true;
      st->string_is_key = false;
    } else {
      st->in_literal = true;
    }
  }
  return 0;
}

int gns_rpp_stream_finish(struct gns_rpp_stream *st, char *err, size_t errcap) {
  if (st->error) return st->error;
  if (!st->done) {
    fail(st, err, errcap,
         st->offset == 0 ? "document: empty" : "document: truncated (JSON syntax error)");
    return st->error;
  }
  if (!st->seen_records) {
    fail(st, err, errcap, "document member \"dns.records\": missing or not an array");
    return st->error;
  }
  return 0;
}
