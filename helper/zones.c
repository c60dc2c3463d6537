/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* alt.gns.Zone and the zone master. See zones.h. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base32gns.h"
#include "gns-util.h"
#include "gnsd.h"
#include "interfaces.h"
#include "label.h"
#include "log.h"
#include "record.h"
#include "resolve.h"
#include "rrblock.h"
#include "rrtype.h"
#include "store.h"
#include "varlink.h"
#include "version.h"
#include "zones.h"
#include "ztld.h"

#define ERR_PREFIX "alt.gns.Zone."
#define MAX_IMPORT_RECORDS 100000u
/* Re-publish when this fraction of a block's lifetime has passed, so a
 * block is renewed well before resolvers see it expire. */
#define REPUBLISH_NUM 3u
#define REPUBLISH_DEN 4u
#define MIN_REPUBLISH_DELAY_US 1000000u
#define US_PER_S 1000000u

struct gnsd_zones {
  struct gnsd *d;
  struct varlink_interface iface;
  uid_t self_uid;
  gid_t gnsd_gid;
  bool have_gid;
  sd_event_source *timer;
  uint64_t last_publish, next_publish; /* realtime microseconds */
  unsigned last_blocks;
  uint64_t publish_runs, publish_errors;
  /* start zone map cache (gnsd_zones_start_zones) */
  bool map_valid;
  struct gns_suffix_map *maps;
  size_t n_maps;
};

static int64_t clamp64(uint64_t v) {
  return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

/* --- replies --- */

static int reply_invalid(struct varlink_call *call, const char *parameter, const char *reason,
                         long index) {
  json_object *p = json_object_new_object();
  json_object_object_add(p, "parameter", json_object_new_string(parameter));
  json_object_object_add(p, "reason", json_object_new_string(reason ? reason : "invalid"));
  if (index >= 0) json_object_object_add(p, "index", json_object_new_int64(index));
  varlink_call_error(call, ERR_PREFIX "InvalidParameter", p);
  return 0;
}

static int reply_name_error(struct varlink_call *call, const char *error, const char *name) {
  json_object *p = json_object_new_object();
  json_object_object_add(p, "name", json_object_new_string(name));
  varlink_call_error(call, error, p);
  return 0;
}

static int reply_storage(struct varlink_call *call) {
  varlink_call_error(call, ERR_PREFIX "StorageUnavailable", NULL);
  return 0;
}

/* A reply with one parameter (taking ownership of value). */
static int reply_with(struct varlink_call *call, const char *key, json_object *value) {
  json_object *p = json_object_new_object();
  json_object_object_add(p, key, value);
  varlink_call_reply(call, p);
  return 0;
}

static int reply_count(struct varlink_call *call, const char *key, uint64_t v) {
  return reply_with(call, key, json_object_new_int64(clamp64(v)));
}

/* Map a store error to the interface's errors. */
static int reply_errno(struct varlink_call *call, int r, const char *name) {
  if (r == -ENOENT) return reply_name_error(call, ERR_PREFIX "NoSuchZone", name);
  if (r == -EEXIST) return reply_name_error(call, ERR_PREFIX "ZoneExists", name);
  if (r == -ENOMEM) return -ENOMEM; /* the server closes the connection */
  return reply_storage(call);
}

/* The same for a zone that was just found: a missing row then means the
 * store failed, not that the zone does not exist. */
static int reply_store_error(struct varlink_call *call, int r, const char *name) {
  return reply_errno(call, r == -ENOENT ? -EIO : r, name);
}

static bool check_params(struct varlink_call *call, json_object *params,
                         const struct varlink_field *fields) {
  const char *field, *reason;
  if (varlink_params_validate(params, fields, &field, &reason) == 0) return true;
  reply_invalid(call, field, reason, -1);
  return false;
}

static uint64_t add_sat(uint64_t a, uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* --- names and labels --- */

/* A zone name is one label (it names the start zone <name>.gns.alt):
 * NFC, no dot, no "@" or "+", nothing a shell or a log would mangle. */
static int zone_name_normalize(const char *in, char out[GNSD_ZONE_NAME_MAX + 1], const char **why) {
  size_t len = strlen(in);
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)in[i];
    if (ch <= ' ' || ch == 0x7f || ch == '/' || ch == '\\' || ch == '.') {
      *why = "a zone name is one label: no dots, spaces, slashes or control characters";
      return -EINVAL;
    }
  }
  int r = gns_label_normalize((const uint8_t *)in, len, out, GNSD_ZONE_NAME_MAX + 1, NULL);
  if (r == -ENOSPC || r == -ENAMETOOLONG) {
    *why = "longer than 63 bytes";
    return -EINVAL;
  }
  if (r < 0) {
    *why = len ? "not valid UTF-8" : "empty";
    return -EINVAL;
  }
  if (strcmp(out, "@") == 0 || strcmp(out, "+") == 0) {
    *why = "\"@\" and \"+\" are reserved labels";
    return -EINVAL;
  }
  return 0;
}

/* A record label: NFC, at most 63 bytes; "@" is the apex. */
static int record_label_normalize(const char *in, char out[GNS_LABEL_MAX + 1], const char **why) {
  size_t len = strlen(in);
  int r = gns_label_normalize((const uint8_t *)in, len, out, GNS_LABEL_MAX + 1, NULL);
  if (r == -ENOSPC || r == -ENAMETOOLONG) {
    *why = "longer than 63 bytes";
    return -EINVAL;
  }
  if (r < 0) {
    *why = len == 0 ? "empty" : "not a label (one UTF-8 label without dots)";
    return -EINVAL;
  }
  if (strcmp(out, "+") == 0) {
    *why = "\"+\" is the extension label of relative names, not a record label";
    return -EINVAL;
  }
  return 0;
}

static const char *ztype_name(uint32_t ztype) {
  return ztype == GNS_ZTYPE_EDKEY ? "edkey" : "pkey";
}

static json_object *ztld_json(const struct gns_zone_key *zk) {
  char ztld[GNS_ZTLD_MAX];
  if (gns_ztld_encode(zk, ztld, sizeof ztld) < 0) ztld[0] = '\0';
  return json_object_new_string(ztld);
}

/* --- records in the interface's form --- */

/* A record from a client, checked on its own. */
struct zrec {
  char label[GNS_LABEL_MAX + 1];
  struct gns_record rd;
  uint8_t *data; /* owned; rd.data points here */
  long index;    /* position in the request, -1 for a stored record */
};

static void zrecs_free(struct zrec *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(v[i].data);
  free(v);
}

static bool is_exclusive_type(uint32_t t) {
  return gns_rrtype_is_delegation(t) || t == GNS_TYPE_REDIRECT || t == GNS_TYPE_GNS2DNS;
}

/* May a non-supplemental record of this type share a label with the
 * exclusive type excl? (RFC 9498, 5.2.2: GNS2DNS goes with DS.) */
static bool fits_exclusive(uint32_t excl, uint32_t type) {
  return type == excl || (excl == GNS_TYPE_GNS2DNS && type == 43 /* DS */);
}

/* Parse and check one ZoneRecord. On error *field names the member and
 * *why says what is wrong. */
static int parse_record(const struct gnsd_zones *z, json_object *obj, uint64_t now,
                        struct zrec *out, const char **field, const char **why) {
  static const struct varlink_field fields[] = {
      {"label", VARLINK_STRING, false}, {"type", VARLINK_STRING, false},
      {"value", VARLINK_STRING, false}, {"expiration", VARLINK_INT, true},
      {"flags", VARLINK_ARRAY, true},   {NULL, VARLINK_ANY, false},
  };
  memset(out, 0, sizeof *out);
  if (varlink_params_validate(obj, fields, field, why) < 0) {
    if (strcmp(*field, "parameters") == 0) *field = "";
    return -EINVAL;
  }
  *field = "label";
  if (record_label_normalize(varlink_param_string(obj, "label"), out->label, why) < 0)
    return -EINVAL;

  *field = "type";
  uint32_t type;
  if (gns_rrtype_from_name(varlink_param_string(obj, "type"), &type) < 0) {
    *why = "unknown record type";
    return -EINVAL;
  }
  out->rd.type = type;

  *field = "flags";
  uint16_t flags = 0;
  json_object *jflags = varlink_param(obj, "flags");
  for (size_t i = 0; jflags && i < json_object_array_length(jflags); i++) {
    json_object *f = json_object_array_get_idx(jflags, i);
    if (!json_object_is_type(f, json_type_string)) {
      *why = "flags must be strings";
      return -EINVAL;
    }
    size_t k;
    for (k = 0; k < gns_record_flag_names_n; k++)
      if (strcmp(json_object_get_string(f), gns_record_flag_names[k].name) == 0) break;
    if (k == gns_record_flag_names_n) {
      *why = "unknown flag (critical, shadow, supplemental, private, relative)";
      return -EINVAL;
    }
    flags |= gns_record_flag_names[k].bit;
  }

  *field = "label";
  bool apex = strcmp(out->label, GNS_LABEL_APEX) == 0;
  if (apex && is_exclusive_type(type)) {
    /* RFC 9498, 5.1 and 5.2 */
    *why = "zone delegation and redirection records are not allowed under the apex label \"@\"";
    return -EINVAL;
  }
  /* RFC 9498, 5.1 and 5.2: these MUST have the CRITICAL flag set; we set
   * it rather than make every client remember. */
  if (is_exclusive_type(type)) flags |= GNS_RF_CRITICAL;

  *field = "expiration";
  json_object *jexp = varlink_param(obj, "expiration");
  if (jexp) {
    int64_t e = json_object_get_int64(jexp);
    if (e <= 0) {
      *why = "must be positive (microseconds)";
      return -EINVAL;
    }
    if (!(flags & GNS_RF_RELATIVE_EXPIRATION) && (uint64_t)e <= now) {
      *why = "absolute expiration is in the past (microseconds since the epoch expected)";
      return -EINVAL;
    }
    out->rd.expiration = (uint64_t)e;
  } else {
    /* No expiration: the configured default lifetime, counted from each
     * publication. */
    flags |= GNS_RF_RELATIVE_EXPIRATION;
    out->rd.expiration = z->d->conf.record_lifetime_us;
  }
  out->rd.flags = flags;

  *field = "value";
  size_t len = 0;
  const char *reason = NULL;
  int r = gns_rrtype_from_text(type, varlink_param_string(obj, "value"), &out->data, &len, &reason);
  if (r == -ENOMEM) return r;
  if (r < 0) {
    *why = reason ? reason : "malformed value";
    return -EINVAL;
  }
  if (len > UINT16_MAX) {
    free(out->data);
    out->data = NULL;
    *why = "record data longer than 65535 bytes";
    return -EINVAL;
  }
  out->rd.data = out->data;
  out->rd.data_len = (uint16_t)len;
  return 0;
}

static json_object *record_json(const char *label, const struct gns_record *rd) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, "label", json_object_new_string(label));
  const char *tn = gns_rrtype_name(rd->type);
  char tbuf[24];
  if (!tn) {
    snprintf(tbuf, sizeof tbuf, "TYPE%u", rd->type);
    tn = tbuf;
  }
  json_object_object_add(o, "type", json_object_new_string(tn));
  char *text = NULL;
  if (gns_rrtype_to_text(rd->type, rd->data, rd->data_len, &text) == 0) {
    json_object_object_add(o, "value", json_object_new_string(text));
    free(text);
  } else {
    json_object_object_add(o, "value", json_object_new_string(""));
  }
  json_object_object_add(o, "expiration", json_object_new_int64(clamp64(rd->expiration)));
  json_object *flags = json_object_new_array();
  for (size_t k = 0; k < gns_record_flag_names_n; k++)
    if (rd->flags & gns_record_flag_names[k].bit)
      json_object_array_add(flags, json_object_new_string(gns_record_flag_names[k].name));
  json_object_object_add(o, "flags", flags);
  return o;
}

/* --- record set rules (RFC 9498, 5) --- */

static int cmp_zrec_ptr(const void *a, const void *b) {
  const struct zrec *x = *(const struct zrec *const *)a, *y = *(const struct zrec *const *)b;
  int c = strcmp(x->label, y->label);
  if (c) return c;
  /* stored records first, then the request's in its order */
  return x->index < y->index ? -1 : x->index > y->index;
}

static int cmp_label(const void *a, const void *b) {
  return strcmp(a, b);
}

/* Check the records of one label. On a violation *bad is the record to
 * blame (a new one where possible) and *why the rule. */
static int check_label_set(struct zrec *const *v, size_t n, const struct zrec **bad,
                           const char **why) {
  uint32_t excl = 0;
  unsigned active = 0;
  const struct zrec *first_new = NULL;
  for (size_t i = 0; i < n; i++)
    if (v[i]->index >= 0 && !first_new) first_new = v[i];
  /* The RDATA of the published part must fit in a block (checked first:
   * it also bounds the pairwise checks below). */
  {
    struct gns_record *pub = calloc(n ? n : 1, sizeof *pub);
    if (!pub) return -ENOMEM;
    size_t k = 0, size = 0;
    for (size_t i = 0; i < n; i++)
      if (!(v[i]->rd.flags & GNS_RF_PRIVATE)) pub[k++] = v[i]->rd;
    int r = gns_rdata_size(pub, k, &size);
    free(pub);
    if (k > GNS_RECORDS_MAX) {
      *bad = first_new;
      *why = "more than 256 published records under one label (a resolver answers at most 256)";
      return -EINVAL;
    }
    if (r < 0 || size > GNS_RDATA_MAX || n > GNS_RDATA_MAX / GNS_RECORD_HEADER_LEN) {
      *bad = first_new;
      *why = "the record set of this label is too large for one block";
      return -EINVAL;
    }
  }
  for (size_t i = 0; i < n; i++) {
    const struct gns_record *rd = &v[i]->rd;
    *bad = v[i]->index >= 0 ? v[i] : first_new;
    for (size_t j = 0; j < i; j++) {
      const struct gns_record *o = &v[j]->rd;
      if (o->type == rd->type && o->data_len == rd->data_len &&
          (o->flags & GNS_RF_SHADOW) == (rd->flags & GNS_RF_SHADOW) &&
          memcmp(o->data, rd->data, rd->data_len) == 0) {
        *why = "duplicate record (same type and value)";
        return -EINVAL;
      }
    }
    if (rd->flags & GNS_RF_SUPPLEMENTAL) continue;
    if (is_exclusive_type(rd->type) && !excl) {
      excl = rd->type;
      /* everything non-supplemental before it must be compatible */
      for (size_t j = 0; j < i; j++) {
        const struct gns_record *o = &v[j]->rd;
        if (!(o->flags & GNS_RF_SUPPLEMENTAL) && !fits_exclusive(excl, o->type)) goto violation;
      }
    }
    if (excl) {
      if (!fits_exclusive(excl, rd->type)) goto violation;
      if (excl != GNS_TYPE_GNS2DNS && rd->type == excl && !(rd->flags & GNS_RF_SHADOW) &&
          ++active > 1)
        goto violation;
    }
  }
  return 0;
violation:
  if (gns_rrtype_is_delegation(excl))
    *why = "a zone delegation (PKEY/EDKEY) must be the only non-supplemental record under its "
           "label (RFC 9498, 5.1)";
  else if (excl == GNS_TYPE_REDIRECT)
    *why = "a REDIRECT must be the only non-supplemental record under its label "
           "(RFC 9498, 5.2.1)";
  else
    *why = "GNS2DNS records allow no other non-supplemental records under their label "
           "(RFC 9498, 5.2.2)";
  return -EINVAL;
}

/* End a transaction: commit if r is 0 (and return the commit's result),
 * else roll back and return r. */
static int store_end(struct gnsd_store *s, int r) {
  if (r < 0) {
    gnsd_store_rollback(s);
    return r;
  }
  return gnsd_store_commit(s);
}

/* --- zone master --- */

struct label_records {
  struct zrec *v;
  size_t n, cap;
};

/* Room for one more record at lr->v[lr->n]; NULL when out of memory. */
static struct zrec *lr_next(struct label_records *lr) {
  if (lr->n == lr->cap) {
    size_t cap = lr->cap ? lr->cap * 2 : 32;
    struct zrec *v = realloc(lr->v, cap * sizeof *v);
    if (!v) return NULL;
    lr->v = v;
    lr->cap = cap;
  }
  return &lr->v[lr->n];
}

static int collect_record(void *userdata, const char *label, const struct gns_record *rd) {
  struct label_records *lr = userdata;
  struct zrec *r = lr_next(lr);
  if (!r) return -ENOMEM;
  memset(r, 0, sizeof *r);
  snprintf(r->label, sizeof r->label, "%s", label);
  r->rd = *rd;
  r->data = malloc(rd->data_len ? rd->data_len : 1);
  if (!r->data) return -ENOMEM;
  if (rd->data_len) memcpy(r->data, rd->data, rd->data_len);
  r->rd.data = r->data;
  r->index = -1;
  lr->n++;
  return 0;
}

/* Withdraw our block of a label (DHT copies expire on their own). */
static int withdraw_label(struct gnsd *d, int64_t zone_id, const char *label,
                          const uint8_t q[GNS_Q_LEN]) {
  int r = gnsd_store_block_delete(d->store, q);
  if (r == 0) r = gnsd_store_published_delete(d->store, zone_id, label);
  gnsd_resolve_invalidate(d); /* cached answers may use the old block */
  return r;
}

/* Publish one label's records (v[0..n), all with that label). */
static int publish_label(struct gnsd_zones *z, const struct gnsd_zone *zone, const char *label,
                         const struct zrec *v, size_t n, uint64_t now, unsigned *blocks) {
  struct gnsd *d = z->d;
  size_t llen = strlen(label);
  uint8_t q[GNS_Q_LEN];
  int r = gns_rrblock_query(&zone->pub, (const uint8_t *)label, llen, q);
  if (r < 0) return r;
  struct gns_record *rd = calloc(n ? n : 1, sizeof *rd);
  if (!rd) return -ENOMEM;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    struct gns_record x = v[i].rd;
    if (x.flags & GNS_RF_PRIVATE) continue; /* never leaves this machine */
    if (x.flags & GNS_RF_RELATIVE_EXPIRATION) {
      x.expiration = add_sat(now, x.expiration);
      x.flags &= (uint16_t)~GNS_RF_RELATIVE_EXPIRATION;
    }
    if (x.expiration <= now) continue; /* RFC 9498, 5: expired records are not published */
    rd[k++] = x;
  }
  if (k == 0) { /* nothing public left */
    free(rd);
    return withdraw_label(d, zone->id, label, q);
  }
  uint64_t exp = gns_rdata_block_expiration(rd, k, now);
  uint8_t *block = NULL;
  size_t blen = 0;
  r = gns_rrblock_create(&zone->priv, (const uint8_t *)label, llen, rd, k, exp, &block, &blen);
  free(rd);
  if (r < 0) {
    log_error("zones: cannot build the block of %s in zone %s: %s", label, zone->name,
              strerror(-r));
    z->publish_errors++;
    return r == -ENOMEM ? r : 0; /* a bad record set must not stop the zone */
  }
  r = gnsd_store_block_put(d->store, q, block, blen, exp, GNSD_BLOCK_LOCAL);
  gnsd_resolve_invalidate(d); /* cached answers may use the old block */
  if (r == 0) r = gnsd_store_published_set(d->store, zone->id, label, q, exp, now);
  /* The store is backends[0]; the others (the DHT) get a copy. */
  for (size_t i = 1; r == 0 && i < d->n_backends; i++) {
    struct gnsd_backend *b = d->backends[i];
    int pr = b->ops->put ? b->ops->put(b, q, block, blen, exp) : 0;
    if (pr < 0) {
      z->publish_errors++;
      log_warning("zones: %s: put failed: %s", b->ops->name, strerror(-pr));
    }
  }
  free(block);
  if (r == 0 && blocks) (*blocks)++;
  return r;
}

struct stale_ctx {
  struct gnsd_zones *z;
  const struct label_records *current;
  int error;
};

static int withdraw_stale(void *userdata, int64_t zone_id, const char *label, const uint8_t q[64],
                          uint64_t expiration, uint64_t published_at) {
  (void)expiration;
  (void)published_at;
  struct stale_ctx *c = userdata;
  for (size_t i = 0; i < c->current->n; i++)
    if (strcmp(c->current->v[i].label, label) == 0) return 0;
  return withdraw_label(c->z->d, zone_id, label, q);
}

/* Publish the given labels of a zone (labels == NULL: every label, and
 * withdraw blocks of labels that have no records any more). */
static int publish_zone(struct gnsd_zones *z, const struct gnsd_zone *zone,
                        const char *const *labels, size_t n_labels, unsigned *blocks) {
  struct gnsd *d = z->d;
  uint64_t now = gnsd_now(d);
  if (gnsd_store_is_revoked(d->store, &zone->pub, now)) return 0; /* nobody may use it */
  struct label_records lr = {0};
  int r = 0;
  if (labels) {
    for (size_t i = 0; r == 0 && i < n_labels; i++)
      r = gnsd_store_record_foreach(d->store, zone->id, labels[i], collect_record, &lr);
    /* labels without records still need their block withdrawn */
    for (size_t i = 0; r == 0 && i < n_labels; i++) {
      bool seen = false;
      for (size_t j = 0; j < lr.n && !seen; j++)
        seen = strcmp(lr.v[j].label, labels[i]) == 0;
      if (!seen) r = publish_label(z, zone, labels[i], NULL, 0, now, blocks);
    }
  } else {
    r = gnsd_store_record_foreach(d->store, zone->id, NULL, collect_record, &lr);
    if (r == 0) {
      struct stale_ctx c = {z, &lr, 0};
      r = gnsd_store_published_foreach(d->store, zone->id, withdraw_stale, &c);
    }
  }
  /* records come grouped by label */
  for (size_t i = 0; r == 0 && i < lr.n;) {
    size_t j = i;
    while (j < lr.n && strcmp(lr.v[j].label, lr.v[i].label) == 0)
      j++;
    r = publish_label(z, zone, lr.v[i].label, lr.v + i, j - i, now, blocks);
    i = j;
  }
  zrecs_free(lr.v, lr.n);
  return r;
}

struct publish_all_ctx {
  struct gnsd_zones *z;
  unsigned blocks;
};

static int publish_one_zone(void *userdata, const struct gnsd_zone *zone) {
  struct publish_all_ctx *c = userdata;
  int r = publish_zone(c->z, zone, NULL, 0, &c->blocks);
  if (r < 0) log_error("zones: publishing zone %s failed: %s", zone->name, strerror(-r));
  return r == -ENOMEM ? r : 0;
}

static void schedule_publish(struct gnsd_zones *z);

int gnsd_zones_publish(struct gnsd_zones *z, const char *zone, unsigned *blocks) {
  struct gnsd *d = z->d;
  unsigned count = 0;
  int r = gnsd_store_begin(d->store);
  if (r < 0) return r;
  if (zone) {
    struct gnsd_zone zz;
    r = gnsd_store_zone_get(d->store, zone, &zz);
    if (r == 0) {
      r = publish_zone(z, &zz, NULL, 0, &count);
      gns_zone_priv_wipe(&zz.priv);
    }
  } else {
    struct publish_all_ctx c = {z, 0};
    r = gnsd_store_zone_foreach(d->store, publish_one_zone, &c);
    count = c.blocks;
    if (r == 0) {
      z->last_publish = gnsd_now(d);
      z->last_blocks = count;
    }
  }
  r = store_end(d->store, r);
  if (r < 0) z->publish_errors++;
  z->publish_runs++;
  if (blocks) *blocks = r == 0 ? count : 0;
  schedule_publish(z);
  return r;
}

/* Publish some labels of a zone after a change (errors only logged: the
 * records are saved and the timer retries). */
static void publish_labels(struct gnsd_zones *z, const struct gnsd_zone *zone,
                           const char *const *labels, size_t n) {
  unsigned blocks = 0;
  int r = gnsd_store_begin(z->d->store);
  if (r == 0) {
    r = store_end(z->d->store, publish_zone(z, zone, labels, n, &blocks));
  }
  if (r < 0) {
    z->publish_errors++;
    log_error("zones: publishing zone %s failed: %s", zone->name, strerror(-r));
  }
  schedule_publish(z);
}

struct due_ctx {
  uint64_t due;
};

static int find_due(void *userdata, int64_t zone_id, const char *label, const uint8_t q[64],
                    uint64_t expiration, uint64_t published_at) {
  (void)zone_id;
  (void)label;
  (void)q;
  struct due_ctx *c = userdata;
  uint64_t life = expiration > published_at ? expiration - published_at : 0;
  uint64_t due = published_at + life / REPUBLISH_DEN * REPUBLISH_NUM;
  if (due < c->due) c->due = due;
  return 0;
}

static int on_publish_timer(sd_event_source *s, uint64_t usec, void *userdata) {
  (void)s;
  (void)usec;
  struct gnsd_zones *z = userdata;
  unsigned blocks = 0;
  int r = gnsd_zones_publish(z, NULL, &blocks);
  if (r < 0)
    log_error("zones: scheduled publication failed: %s", strerror(-r));
  else
    log_debug("zones: published %u blocks", blocks);
  int64_t gone = 0;
  gnsd_store_block_expire(z->d->store, gnsd_now(z->d), &gone);
  return 0;
}

static void schedule_publish(struct gnsd_zones *z) {
  struct gnsd *d = z->d;
  uint64_t now = gnsd_now(d);
  struct due_ctx c = {
      add_sat(z->last_publish ? z->last_publish : now, d->conf.publish_interval_us)};
  if (gnsd_store_available(d->store))
    gnsd_store_published_foreach(d->store, 0, find_due, &c);
  else
    c.due = add_sat(now, 60 * (uint64_t)US_PER_S); /* retry the store in a minute */
  if (c.due < now + MIN_REPUBLISH_DELAY_US) c.due = now + MIN_REPUBLISH_DELAY_US;
  z->next_publish = c.due;
  uint64_t delay = c.due - now;
  if (!z->timer) {
    if (sd_event_add_time_relative(d->event, &z->timer, CLOCK_MONOTONIC, delay, US_PER_S,
                                   on_publish_timer, z) < 0) {
      log_error("zones: cannot schedule publication");
      return;
    }
  } else {
    sd_event_source_set_time_relative(z->timer, delay);
  }
  sd_event_source_set_enabled(z->timer, SD_EVENT_ONESHOT);
}

/* --- the start zone map --- */

static void map_clear(struct gnsd_zones *z) {
  for (size_t i = 0; i < z->n_maps; i++)
    free((char *)z->maps[i].suffix);
  free(z->maps);
  z->maps = NULL;
  z->n_maps = 0;
  z->map_valid = false;
}

static bool map_has(const struct gnsd_zones *z, const char *suffix) {
  for (size_t i = 0; i < z->n_maps; i++)
    if (strcmp(z->maps[i].suffix, suffix) == 0) return true;
  return false;
}

static int map_add(struct gnsd_zones *z, const char *suffix, const struct gns_zone_key *zk) {
  if (map_has(z, suffix)) return 0;
  struct gns_suffix_map *m = realloc(z->maps, (z->n_maps + 1) * sizeof *m);
  if (!m) return -ENOMEM;
  z->maps = m;
  char *s = strdup(suffix);
  if (!s) return -ENOMEM;
  z->maps[z->n_maps].suffix = s;
  z->maps[z->n_maps].zk = *zk;
  z->n_maps++;
  return 0;
}

static int map_add_stored(void *userdata, const char *suffix, const struct gns_zone_key *zk,
                          const char *zone_name) {
  (void)zone_name;
  return map_add(userdata, suffix, zk);
}

static int map_add_zone(void *userdata, const struct gnsd_zone *zone) {
  char suffix[GNSD_SUFFIX_MAX + 1];
  if (gnsd_suffix_normalize(zone->name, suffix, sizeof suffix) < 0) return 0;
  return map_add(userdata, suffix, &zone->pub);
}

int gnsd_zones_start_zones(struct gnsd_zones *z, const struct gns_suffix_map **maps, size_t *n) {
  int r = 0;
  if (!z->map_valid) {
    map_clear(z);
    const struct gnsd_conf *c = &z->d->conf;
    /* Precedence: gnsd.conf, then AddStartZone, then zone names. */
    for (size_t i = 0; r == 0 && i < c->n_start_zones; i++)
      r = map_add(z, c->start_zones[i].suffix, &c->start_zones[i].zk);
    if (r == 0) r = gnsd_store_start_zone_foreach(z->d->store, map_add_stored, z);
    if (r == 0) r = gnsd_store_zone_foreach(z->d->store, map_add_zone, z);
    z->map_valid = r == 0;
  }
  *maps = z->maps;
  *n = z->n_maps;
  return r;
}

static void map_invalidate(struct gnsd_zones *z) {
  z->map_valid = false;
  gnsd_resolve_invalidate(z->d); /* answers depend on the start zones */
}

/* --- methods: zones --- */

static json_object *zone_json(struct gnsd_zones *z, const struct gnsd_zone *zone) {
  json_object *o = json_object_new_object();
  int64_t count = 0;
  gnsd_store_zone_count_records(z->d->store, zone->id, &count);
  json_object_object_add(o, "name", json_object_new_string(zone->name));
  json_object_object_add(o, "type", json_object_new_string(ztype_name(zone->pub.ztype)));
  json_object_object_add(o, "ztld", ztld_json(&zone->pub));
  json_object_object_add(o, "records", json_object_new_int64(count));
  json_object_object_add(
      o, "revoked",
      json_object_new_boolean(gnsd_store_is_revoked(z->d->store, &zone->pub, gnsd_now(z->d))));
  return o;
}

static int reply_zone(struct varlink_call *call, struct gnsd_zones *z,
                      const struct gnsd_zone *zone) {
  return reply_with(call, "zone", zone_json(z, zone));
}

/* Look up the zone named by params[key]; replies and returns false on
 * failure. The caller wipes out->priv. */
static bool get_zone(struct varlink_call *call, struct gnsd_zones *z, json_object *params,
                     const char *key, struct gnsd_zone *out) {
  const char *name = varlink_param_string(params, key), *why;
  char norm[GNSD_ZONE_NAME_MAX + 1];
  if (zone_name_normalize(name, norm, &why) < 0) {
    reply_name_error(call, ERR_PREFIX "NoSuchZone", name);
    return false;
  }
  int r = gnsd_store_zone_get(z->d->store, norm, out);
  if (r < 0) {
    if (reply_errno(call, r, name) < 0)
      varlink_call_error(call, ERR_PREFIX "StorageUnavailable", NULL);
    return false;
  }
  return true;
}

/* A zone named by a local zone's name or by a zTLD: its key and, if
 * zone_id is given, the id of the local zone with that key (0 if none).
 * False when the method is done (it replied, or failed with *ret < 0);
 * *ret is then what the method returns. */
static bool zone_key_param(struct varlink_call *call, struct gnsd_zones *z, const char *zname,
                           struct gns_zone_key *zk, int64_t *zone_id, int *ret) {
  char norm[GNSD_ZONE_NAME_MAX + 1];
  const char *why;
  struct gnsd_zone zone;
  int r = -ENOENT;
  if (zone_name_normalize(zname, norm, &why) == 0)
    r = gnsd_store_zone_get(z->d->store, norm, &zone);
  if (zone_id) *zone_id = 0;
  if (r == 0) {
    *zk = zone.pub;
    if (zone_id) *zone_id = zone.id;
    gns_zone_priv_wipe(&zone.priv);
  } else if (r == -ENOENT) {
    if (gns_ztld_decode(zname, strlen(zname), zk) < 0) {
      *ret = reply_name_error(call, ERR_PREFIX "NoSuchZone", zname);
      return false;
    }
    if (zone_id && gnsd_store_zone_get_by_key(z->d->store, zk, &zone) == 0) {
      *zone_id = zone.id;
      gns_zone_priv_wipe(&zone.priv);
    }
  } else {
    *ret = reply_errno(call, r, zname);
    return false;
  }
  return true;
}

/* The parameters of methods that take just "name", a local zone: check
 * them and look the zone up. False after an error reply; the caller
 * wipes out->priv. */
static bool named_zone_params(struct varlink_call *call, struct gnsd_zones *z, json_object *params,
                              struct gnsd_zone *out) {
  static const struct varlink_field fields[] = {{"name", VARLINK_STRING, false},
                                                {NULL, VARLINK_ANY, false}};
  return check_params(call, params, fields) && get_zone(call, z, params, "name", out);
}

static int add_zone(struct varlink_call *call, struct gnsd_zones *z, const char *name,
                    struct gns_zone_priv *priv) {
  struct gns_zone_key pub;
  struct gnsd_zone zone = {0};
  int r = gns_zone_priv_public(priv, &pub);
  if (r < 0) {
    gns_zone_priv_wipe(priv);
    return reply_invalid(call, "key", "not a valid private key", -1);
  }
  uint64_t now = gnsd_now(z->d);
  r = gnsd_store_zone_add(z->d->store, name, priv, &pub, now, &zone.id);
  if (r == -EEXIST) {
    /* the name, or the key under another name? */
    struct gnsd_zone other;
    if (gnsd_store_zone_get(z->d->store, name, &other) == 0) {
      gns_zone_priv_wipe(&other.priv);
      gns_zone_priv_wipe(priv);
      return reply_name_error(call, ERR_PREFIX "ZoneExists", name);
    }
    if (gnsd_store_zone_get_by_key(z->d->store, &pub, &other) == 0) {
      char why[160];
      snprintf(why, sizeof why, "this key is already the zone \"%s\"", other.name);
      gns_zone_priv_wipe(&other.priv);
      gns_zone_priv_wipe(priv);
      return reply_invalid(call, "key", why, -1);
    }
  }
  if (r < 0) {
    gns_zone_priv_wipe(priv);
    return reply_errno(call, r, name);
  }
  snprintf(zone.name, sizeof zone.name, "%s", name);
  zone.priv = *priv;
  zone.pub = pub;
  zone.created = now;
  gns_zone_priv_wipe(priv);
  map_invalidate(z);
  log_info("zones: zone %s (%s) added", name, ztype_name(pub.ztype));
  reply_zone(call, z, &zone);
  gns_zone_priv_wipe(&zone.priv);
  return 0;
}

static int parse_ztype(const char *s, uint32_t *ztype) {
  if (!s || strcasecmp(s, "pkey") == 0)
    *ztype = GNS_ZTYPE_PKEY;
  else if (strcasecmp(s, "edkey") == 0)
    *ztype = GNS_ZTYPE_EDKEY;
  else
    return -EINVAL;
  return 0;
}

/* The "name" and "type" parameters of CreateZone and ImportKey. False
 * after an error reply. */
static bool new_zone_params(struct varlink_call *call, json_object *params,
                            char name[GNSD_ZONE_NAME_MAX + 1], uint32_t *ztype) {
  const char *why;
  if (zone_name_normalize(varlink_param_string(params, "name"), name, &why) < 0) {
    reply_invalid(call, "name", why, -1);
    return false;
  }
  if (parse_ztype(varlink_param_string(params, "type"), ztype) < 0) {
    reply_invalid(call, "type", "must be \"pkey\" or \"edkey\"", -1);
    return false;
  }
  return true;
}

static int m_create_zone(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {
      {"name", VARLINK_STRING, false}, {"type", VARLINK_STRING, true}, {NULL, VARLINK_ANY, false}};
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  char name[GNSD_ZONE_NAME_MAX + 1];
  uint32_t ztype;
  if (!new_zone_params(call, params, name, &ztype)) return 0;
  struct gns_zone_priv priv;
  int r = gns_zone_priv_generate(ztype, &priv);
  if (r < 0) return reply_storage(call);
  return add_zone(call, z, name, &priv);
}

static int m_import_key(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {{"name", VARLINK_STRING, false},
                                                {"type", VARLINK_STRING, false},
                                                {"key", VARLINK_STRING, false},
                                                {NULL, VARLINK_ANY, false}};
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  char name[GNSD_ZONE_NAME_MAX + 1];
  uint32_t ztype;
  if (!new_zone_params(call, params, name, &ztype)) return 0;
  const char *key = varlink_param_string(params, "key");
  uint8_t d[64];
  size_t n = 0;
  int r = gns_base32_decode(key, strlen(key), d, sizeof d, &n);
  struct gns_zone_priv priv;
  if (r == 0 && n == 32) r = gns_zone_priv_from_bytes(ztype, d, n, &priv);
  sodium_memzero(d, sizeof d);
  if (r < 0 || n != 32)
    return reply_invalid(call, "key", "not a 32-byte private key in Base32GNS", -1);
  return add_zone(call, z, name, &priv);
}

static int m_export_key(struct varlink_call *call, json_object *params, void *userdata) {
  struct gnsd_zones *z = userdata;
  struct gnsd_zone zone;
  if (!named_zone_params(call, z, params, &zone)) return 0;
  char key[64];
  int r = gns_base32_encode(zone.priv.d, sizeof zone.priv.d, key, sizeof key);
  gns_zone_priv_wipe(&zone.priv);
  if (r < 0) return r;
  json_object *p = json_object_new_object();
  json_object_object_add(p, "type", json_object_new_string(ztype_name(zone.pub.ztype)));
  json_object_object_add(p, "key", json_object_new_string(key));
  sodium_memzero(key, sizeof key);
  log_notice("zones: private key of zone %s exported to uid %u", zone.name,
             (unsigned)varlink_call_peer(call)->uid);
  varlink_call_reply(call, p);
  return 0;
}

static int m_get_zone(struct varlink_call *call, json_object *params, void *userdata) {
  struct gnsd_zones *z = userdata;
  struct gnsd_zone zone;
  if (!named_zone_params(call, z, params, &zone)) return 0;
  gns_zone_priv_wipe(&zone.priv);
  return reply_zone(call, z, &zone);
}

struct list_ctx {
  struct gnsd_zones *z;
  json_object *array;
};

static int list_zone(void *userdata, const struct gnsd_zone *zone) {
  struct list_ctx *c = userdata;
  json_object_array_add(c->array, zone_json(c->z, zone));
  return 0;
}

static int m_list_zones(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {{NULL, VARLINK_ANY, false}};
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  struct list_ctx c = {z, json_object_new_array()};
  int r = gnsd_store_zone_foreach(z->d->store, list_zone, &c);
  if (r < 0) {
    json_object_put(c.array);
    return reply_store_error(call, r, "");
  }
  return reply_with(call, "zones", c.array);
}

static int withdraw_block(void *userdata, int64_t zone_id, const char *label, const uint8_t q[64],
                          uint64_t expiration, uint64_t published_at) {
  (void)zone_id;
  (void)label;
  (void)expiration;
  (void)published_at;
  return gnsd_store_block_delete(userdata, q);
}

static int m_delete_zone(struct varlink_call *call, json_object *params, void *userdata) {
  struct gnsd_zones *z = userdata;
  struct gnsd_zone zone;
  if (!named_zone_params(call, z, params, &zone)) return 0;
  gns_zone_priv_wipe(&zone.priv);
  struct gnsd_store *s = z->d->store;
  int r = gnsd_store_begin(s);
  if (r == 0) {
    /* our blocks go with the zone; records, publications and start
     * zones that name it follow by cascade */
    r = gnsd_store_published_foreach(s, zone.id, withdraw_block, s);
    if (r == 0) r = gnsd_store_zone_delete(s, zone.name);
    r = store_end(s, r);
  }
  if (r < 0) return reply_errno(call, r, zone.name);
  map_invalidate(z);
  log_info("zones: zone %s deleted", zone.name);
  varlink_call_reply(call, NULL);
  schedule_publish(z);
  return 0;
}

/* --- methods: records --- */

/* Validate, merge and store records (AddRecord and ImportRecords). */
static int store_records(struct varlink_call *call, struct gnsd_zones *z, json_object *params,
                         json_object *jrecords, bool single, bool replace) {
  struct gnsd *d = z->d;
  struct gnsd_zone zone;
  if (!get_zone(call, z, params, "zone", &zone)) return 0;
  size_t n_new = single ? 1 : json_object_array_length(jrecords);
  if (n_new > MAX_IMPORT_RECORDS) {
    gns_zone_priv_wipe(&zone.priv);
    return reply_invalid(call, "records", "too many records in one request", -1);
  }
  uint64_t now = gnsd_now(d);
  struct label_records lr = {0};
  struct zrec **order = NULL;
  const char **labels = NULL;
  size_t n_labels = 0;
  int r = 0;
  for (size_t i = 0; i < n_new; i++) {
    json_object *jr = single ? jrecords : json_object_array_get_idx(jrecords, i);
    struct zrec *rec = lr_next(&lr);
    if (!rec) {
      r = -ENOMEM;
      goto out;
    }
    const char *field = "", *why = "invalid";
    r = json_object_is_type(jr, json_type_object) ? parse_record(z, jr, now, rec, &field, &why)
                                                  : (why = "must be an object", -EINVAL);
    if (r == -ENOMEM) goto out;
    if (r < 0) {
      char param[64];
      if (single)
        snprintf(param, sizeof param, "record%s%s", *field ? "." : "", field);
      else
        snprintf(param, sizeof param, "records[%zu]%s%s", i, *field ? "." : "", field);
      reply_invalid(call, param, why, single ? -1 : (long)i);
      r = 0;
      goto out;
    }
    rec->index = (long)i;
    lr.n++;
  }
  /* stored records under the labels we touch take part in the checks:
   * load each distinct label once (sorted copies, since loading grows lr) */
  if (!replace && n_new > 0) {
    char(*touched)[GNS_LABEL_MAX + 1] = malloc(n_new * sizeof *touched);
    if (!touched) {
      r = -ENOMEM;
      goto out;
    }
    for (size_t i = 0; i < n_new; i++)
      memcpy(touched[i], lr.v[i].label, sizeof touched[i]);
    qsort(touched, n_new, sizeof *touched, cmp_label);
    for (size_t i = 0; r == 0 && i < n_new; i++)
      if (i == 0 || strcmp(touched[i], touched[i - 1]) != 0)
        r = gnsd_store_record_foreach(d->store, zone.id, touched[i], collect_record, &lr);
    free(touched);
  }
  if (r == -ENOMEM) goto out;
  if (r < 0) goto store_error;
  /* group by label, stored records first, and apply RFC 9498, 5 */
  order = malloc((lr.n ? lr.n : 1) * sizeof *order);
  labels = malloc((n_new ? n_new : 1) * sizeof *labels);
  if (!order || !labels) {
    r = -ENOMEM;
    goto out;
  }
  for (size_t i = 0; i < lr.n; i++)
    order[i] = &lr.v[i];
  qsort(order, lr.n, sizeof *order, cmp_zrec_ptr);
  for (size_t i = 0; i < lr.n;) {
    size_t j = i;
    bool touched = false;
    while (j < lr.n && strcmp(order[j]->label, order[i]->label) == 0)
      touched |= order[j++]->index >= 0;
    if (touched) {
      const struct zrec *bad = NULL;
      const char *why = NULL;
      r = check_label_set(order + i, j - i, &bad, &why);
      if (r == -ENOMEM) goto out;
      if (r < 0) {
        char param[64];
        if (single || !bad)
          snprintf(param, sizeof param, single ? "record" : "records");
        else
          snprintf(param, sizeof param, "records[%ld]", bad->index);
        reply_invalid(call, param, why, single || !bad ? -1 : bad->index);
        r = 0;
        goto out;
      }
      labels[n_labels++] = order[i]->label;
    }
    i = j;
  }
  /* all checks passed: one transaction */
  r = gnsd_store_begin(d->store);
  if (r < 0) goto store_error;
  if (replace) {
    int64_t gone = 0;
    r = gnsd_store_record_delete_all(d->store, zone.id, &gone);
  }
  for (size_t i = 0; r == 0 && i < n_new; i++) /* the request's records come first in lr */
    r = gnsd_store_record_add(d->store, zone.id, lr.v[i].label, &lr.v[i].rd);
  r = store_end(d->store, r);
  if (r < 0) goto store_error;
  if (replace) {
    unsigned blocks = 0;
    publish_zone(z, &zone, NULL, 0, &blocks);
    schedule_publish(z);
  } else {
    publish_labels(z, &zone, labels, n_labels);
  }
  if (single) {
    varlink_call_reply(call, NULL);
  } else {
    reply_count(call, "imported", n_new);
  }
  r = 0;
  goto out;
store_error:
  r = reply_store_error(call, r, zone.name);
out:
  gns_zone_priv_wipe(&zone.priv);
  zrecs_free(lr.v, lr.n);
  free(order);
  free(labels);
  return r;
}

static int m_add_record(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {{"zone", VARLINK_STRING, false},
                                                {"record", VARLINK_OBJECT, false},
                                                {NULL, VARLINK_ANY, false}};
  if (!check_params(call, params, fields)) return 0;
  return store_records(call, userdata, params, varlink_param(params, "record"), true, false);
}

static int m_import_records(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {{"zone", VARLINK_STRING, false},
                                                {"records", VARLINK_ARRAY, false},
                                                {"replace", VARLINK_BOOL, true},
                                                {NULL, VARLINK_ANY, false}};
  if (!check_params(call, params, fields)) return 0;
  return store_records(call, userdata, params, varlink_param(params, "records"), false,
                       varlink_param_bool(params, "replace", false));
}

static int list_record(void *userdata, const char *label, const struct gns_record *rd) {
  json_object_array_add(userdata, record_json(label, rd));
  return 0;
}

static int m_list_records(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {
      {"zone", VARLINK_STRING, false}, {"label", VARLINK_STRING, true}, {NULL, VARLINK_ANY, false}};
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  char label[GNS_LABEL_MAX + 1];
  const char *l = varlink_param_string(params, "label"), *why;
  if (l && record_label_normalize(l, label, &why) < 0) return reply_invalid(call, "label", why, -1);
  struct gnsd_zone zone;
  if (!get_zone(call, z, params, "zone", &zone)) return 0;
  gns_zone_priv_wipe(&zone.priv);
  json_object *array = json_object_new_array();
  int r = gnsd_store_record_foreach(z->d->store, zone.id, l ? label : NULL, list_record, array);
  if (r < 0) {
    json_object_put(array);
    return reply_store_error(call, r, zone.name);
  }
  return reply_with(call, "records", array);
}

static int m_delete_records(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {{"zone", VARLINK_STRING, false},
                                                {"label", VARLINK_STRING, false},
                                                {"type", VARLINK_STRING, true},
                                                {"value", VARLINK_STRING, true},
                                                {NULL, VARLINK_ANY, false}};
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  char label[GNS_LABEL_MAX + 1];
  const char *why;
  if (record_label_normalize(varlink_param_string(params, "label"), label, &why) < 0)
    return reply_invalid(call, "label", why, -1);
  uint32_t type = 0;
  const char *tname = varlink_param_string(params, "type");
  const char *value = varlink_param_string(params, "value");
  if (tname && gns_rrtype_from_name(tname, &type) < 0)
    return reply_invalid(call, "type", "unknown record type", -1);
  if (value && !tname) return reply_invalid(call, "value", "a value needs its type", -1);
  uint8_t *data = NULL;
  size_t len = 0;
  if (value) {
    const char *reason = NULL;
    int r = gns_rrtype_from_text(type, value, &data, &len, &reason);
    if (r == -ENOMEM) return r;
    if (r < 0) return reply_invalid(call, "value", reason ? reason : "malformed value", -1);
  }
  struct gnsd_zone zone;
  if (!get_zone(call, z, params, "zone", &zone)) {
    free(data);
    return 0;
  }
  int64_t deleted = 0;
  int r = gnsd_store_record_delete(z->d->store, zone.id, label, type, data, len, &deleted);
  free(data);
  if (r < 0) {
    gns_zone_priv_wipe(&zone.priv);
    return reply_store_error(call, r, zone.name);
  }
  if (deleted > 0) {
    const char *labels[1] = {label};
    publish_labels(z, &zone, labels, 1);
  }
  gns_zone_priv_wipe(&zone.priv);
  return reply_count(call, "deleted", (uint64_t)deleted);
}

/* --- methods: start zones --- */

static const struct gnsd_conf_start_zone *conf_start_zone(const struct gnsd_zones *z,
                                                          const char *suffix) {
  const struct gnsd_conf *c = &z->d->conf;
  for (size_t i = 0; i < c->n_start_zones; i++)
    if (strcmp(c->start_zones[i].suffix, suffix) == 0) return &c->start_zones[i];
  return NULL;
}

/* The "suffix" parameter of AddStartZone and RemoveStartZone, normalised;
 * a suffix gnsd.conf maps is refused with conf_why. False after an error
 * reply. */
static bool start_zone_suffix(struct varlink_call *call, const struct gnsd_zones *z,
                              json_object *params, char suffix[GNSD_SUFFIX_MAX + 1],
                              const char *conf_why) {
  if (gnsd_suffix_normalize(varlink_param_string(params, "suffix"), suffix, GNSD_SUFFIX_MAX + 1) <
      0) {
    reply_invalid(call, "suffix", "not a domain name suffix", -1);
    return false;
  }
  if (conf_start_zone(z, suffix)) {
    reply_invalid(call, "suffix", conf_why, -1);
    return false;
  }
  return true;
}

static int m_add_start_zone(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {{"suffix", VARLINK_STRING, false},
                                                {"zone", VARLINK_STRING, false},
                                                {NULL, VARLINK_ANY, false}};
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  char suffix[GNSD_SUFFIX_MAX + 1];
  if (!start_zone_suffix(call, z, params, suffix, "already mapped in gnsd.conf")) return 0;
  const char *zname = varlink_param_string(params, "zone");
  struct gns_zone_key zk;
  int64_t zone_id;
  int r;
  if (!zone_key_param(call, z, zname, &zk, &zone_id, &r)) return r;
  r = gnsd_store_start_zone_add(z->d->store, suffix, &zk, zone_id);
  if (r == -EEXIST) return reply_invalid(call, "suffix", "already mapped", -1);
  if (r < 0) return reply_errno(call, r, zname);
  map_invalidate(z);
  varlink_call_reply(call, NULL);
  return 0;
}

static int m_remove_start_zone(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {{"suffix", VARLINK_STRING, false},
                                                {NULL, VARLINK_ANY, false}};
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  char suffix[GNSD_SUFFIX_MAX + 1];
  if (!start_zone_suffix(call, z, params, suffix, "mapped in gnsd.conf; edit the file and reload"))
    return 0;
  int r = gnsd_store_start_zone_remove(z->d->store, suffix);
  if (r == -ENOENT) return reply_invalid(call, "suffix", "no such start zone", -1);
  if (r < 0) return reply_errno(call, r, suffix);
  map_invalidate(z);
  varlink_call_reply(call, NULL);
  return 0;
}

struct start_list_ctx {
  json_object *array;
  struct gnsd_store *store;
};

static void start_zone_entry(struct start_list_ctx *c, const char *suffix,
                             const struct gns_zone_key *zk) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, "suffix", json_object_new_string(suffix));
  json_object_object_add(o, "ztld", ztld_json(zk));
  struct gnsd_zone zone;
  if (gnsd_store_zone_get_by_key(c->store, zk, &zone) == 0) {
    json_object_object_add(o, "zone", json_object_new_string(zone.name));
    gns_zone_priv_wipe(&zone.priv);
  }
  json_object_array_add(c->array, o);
}

static int m_list_start_zones(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {{NULL, VARLINK_ANY, false}};
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  const struct gns_suffix_map *maps;
  size_t n;
  int r = gnsd_zones_start_zones(z, &maps, &n);
  if (r == -ENOMEM) return r;
  if (r < 0) return reply_storage(call);
  struct start_list_ctx c = {json_object_new_array(), z->d->store};
  for (size_t i = 0; i < n; i++)
    start_zone_entry(&c, maps[i].suffix, &maps[i].zk);
  return reply_with(call, "startZones", c.array);
}

/* --- methods: publishing, revocation, statistics --- */

static int m_publish(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {{"zone", VARLINK_STRING, true},
                                                {NULL, VARLINK_ANY, false}};
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  const char *zname = varlink_param_string(params, "zone");
  char norm[GNSD_ZONE_NAME_MAX + 1];
  const char *why;
  if (zname && zone_name_normalize(zname, norm, &why) < 0)
    return reply_name_error(call, ERR_PREFIX "NoSuchZone", zname);
  unsigned blocks = 0;
  int r = gnsd_zones_publish(z, zname ? norm : NULL, &blocks);
  if (r < 0) return reply_errno(call, r, zname ? zname : "");
  return reply_count(call, "blocks", blocks);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

int gnsd_zones_make_revocation(const struct gns_zone_priv *priv, uint64_t timestamp,
                               const uint64_t pows[GNS_REVOCATION_Z], unsigned difficulty,
                               uint64_t now, uint8_t msg[GNS_REVOCATION_LEN], uint64_t *expires,
                               const char **why) {
  struct gns_zone_key pub;
  int r = gns_zone_priv_public(priv, &pub);
  if (r < 0) {
    *why = "the zone key is damaged";
    return r;
  }
  uint64_t sorted[GNS_REVOCATION_Z];
  memcpy(sorted, pows, sizeof sorted);
  qsort(sorted, GNS_REVOCATION_Z, sizeof sorted[0], cmp_u64);
  for (unsigned i = 1; i < GNS_REVOCATION_Z; i++) {
    if (sorted[i] == sorted[i - 1]) {
      *why = "duplicate proof-of-work values";
      return -EINVAL;
    }
  }
  /* RFC 9498, 4.2: D' is the average of the leading zeros of all Z POWs. */
  struct gns_revocation_state st;
  gns_revocation_state_init(&st, &pub, timestamp, difficulty);
  for (unsigned i = 0; i < GNS_REVOCATION_Z; i++) {
    unsigned zeros = 0;
    r = gns_revocation_pow_score(sorted[i], timestamp, &pub, &zeros);
    if (r < 0) {
      *why = "cannot compute the proof of work";
      return r;
    }
    st.best[i] = sorted[i];
    st.best_zeros[i] = zeros;
  }
  st.found = GNS_REVOCATION_Z;
  if (!gns_revocation_state_done(&st)) {
    *why = "proof of work too weak for the required difficulty";
    return -EINVAL;
  }
  uint64_t exp =
      add_sat(timestamp, gns_revocation_validity(gns_revocation_state_average(&st), difficulty));
  if (exp <= now) {
    *why = "timestamp too old: this revocation would already have expired";
    return -ESTALE;
  }
  r = gns_revocation_sign(&st, priv, msg);
  if (r < 0) {
    *why = "the proof of work does not verify";
    return r == -ENOMEM ? r : -EINVAL;
  }
  *expires = exp;
  return 0;
}

static int parse_u64_string(const char *s, uint64_t *out) {
  if (!s || !*s || strlen(s) > 20) return -EINVAL;
  uint64_t v = 0;
  for (const char *p = s; *p; p++) {
    if (!isdigit((unsigned char)*p)) return -EINVAL;
    unsigned dgt = (unsigned)(*p - '0');
    if (v > (UINT64_MAX - dgt) / 10) return -ERANGE;
    v = v * 10 + dgt;
  }
  *out = v;
  return 0;
}

static int m_revoke(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {{"zone", VARLINK_STRING, false},
                                                {"timestamp", VARLINK_INT, false},
                                                {"pows", VARLINK_ARRAY, false},
                                                {NULL, VARLINK_ANY, false}};
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  int64_t ts = varlink_param_int(params, "timestamp", -1);
  if (ts < 0) return reply_invalid(call, "timestamp", "must be microseconds since the epoch", -1);
  json_object *jp = varlink_param(params, "pows");
  if (json_object_array_length(jp) != GNS_REVOCATION_Z)
    return reply_invalid(call, "pows", "exactly 32 proof-of-work values are needed", -1);
  uint64_t pows[GNS_REVOCATION_Z];
  for (unsigned i = 0; i < GNS_REVOCATION_Z; i++) {
    json_object *v = json_object_array_get_idx(jp, i);
    if (!json_object_is_type(v, json_type_string) ||
        parse_u64_string(json_object_get_string(v), &pows[i]) < 0)
      return reply_invalid(call, "pows", "each value must be a decimal uint64 string", (long)i);
  }
  struct gnsd_zone zone;
  if (!get_zone(call, z, params, "zone", &zone)) return 0;
  uint8_t msg[GNS_REVOCATION_LEN];
  uint64_t expires = 0;
  const char *why = NULL;
  int r =
      gnsd_zones_make_revocation(&zone.priv, (uint64_t)ts, pows, z->d->conf.revocation_difficulty,
                                 gnsd_now(z->d), msg, &expires, &why);
  gns_zone_priv_wipe(&zone.priv);
  if (r == -ENOMEM) return r;
  if (r == -ESTALE) return reply_invalid(call, "timestamp", why, -1);
  if (r < 0) return reply_invalid(call, "pows", why, -1);
  r = gnsd_store_revocation_put(z->d->store, &zone.pub, (uint64_t)ts, expires, msg, sizeof msg);
  gnsd_resolve_invalidate(z->d);
  if (r < 0) return reply_store_error(call, r, zone.name);
  log_notice("zones: zone %s revoked until %llu", zone.name, (unsigned long long)expires);
  return reply_count(call, "expires", expires);
}

static int m_get_revocation(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {{"zone", VARLINK_STRING, false},
                                                {NULL, VARLINK_ANY, false}};
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  const char *zname = varlink_param_string(params, "zone");
  struct gns_zone_key zk;
  int r;
  if (!zone_key_param(call, z, zname, &zk, NULL, &r)) return r;
  struct gnsd_revocation rev;
  r = gnsd_store_revocation_get(z->d->store, &zk, &rev);
  json_object *p = json_object_new_object();
  if (r == -ENOENT) {
    json_object_object_add(p, "revoked", json_object_new_boolean(0));
  } else if (r < 0) {
    json_object_put(p);
    return reply_errno(call, r, zname);
  } else {
    json_object_object_add(p, "revoked", json_object_new_boolean(rev.expires > gnsd_now(z->d)));
    json_object_object_add(p, "expires", json_object_new_int64(clamp64(rev.expires)));
    json_object_object_add(p, "timestamp", json_object_new_int64(clamp64(rev.timestamp)));
    free(rev.message);
  }
  varlink_call_reply(call, p);
  return 0;
}

/* GetStatistics "published": per local zone, how many labels have a
 * block out, when the zone was last published and when its first block
 * expires. */
struct published_zone {
  int64_t id;
  json_object *obj;
  int64_t labels;
  uint64_t last, first_exp;
};

struct published_stats {
  struct published_zone *v;
  size_t n;
  int error;
};

static int published_zone_add(void *userdata, const struct gnsd_zone *zone) {
  struct published_stats *ps = userdata;
  struct published_zone *v = realloc(ps->v, (ps->n + 1) * sizeof *v);
  if (!v) return -ENOMEM;
  ps->v = v;
  v[ps->n] = (struct published_zone){
      .id = zone->id, .obj = json_object_new_object(), .first_exp = UINT64_MAX};
  json_object_object_add(v[ps->n].obj, "zone", json_object_new_string(zone->name));
  ps->n++;
  return 0;
}

static int published_row(void *userdata, int64_t zone_id, const char *label, const uint8_t q[64],
                         uint64_t expiration, uint64_t published_at) {
  (void)label;
  (void)q;
  struct published_stats *ps = userdata;
  for (size_t i = 0; i < ps->n; i++) {
    struct published_zone *pz = &ps->v[i];
    if (pz->id != zone_id) continue;
    pz->labels++;
    if (published_at > pz->last) pz->last = published_at;
    if (expiration < pz->first_exp) pz->first_exp = expiration;
    break;
  }
  return 0;
}

static json_object *published_json(struct gnsd_store *store) {
  json_object *array = json_object_new_array();
  struct published_stats ps = {0};
  if (gnsd_store_available(store) && gnsd_store_zone_foreach(store, published_zone_add, &ps) == 0)
    gnsd_store_published_foreach(store, 0, published_row, &ps);
  for (size_t i = 0; i < ps.n; i++) {
    struct published_zone *pz = &ps.v[i];
    json_object_object_add(pz->obj, "labels", json_object_new_int64(pz->labels));
    if (pz->labels > 0) {
      json_object_object_add(pz->obj, "lastPublished", json_object_new_int64(clamp64(pz->last)));
      json_object_object_add(pz->obj, "nextExpiration",
                             json_object_new_int64(clamp64(pz->first_exp)));
    }
    json_object_array_add(array, pz->obj);
  }
  free(ps.v);
  return array;
}

static int m_get_statistics(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = {{NULL, VARLINK_ANY, false}};
  struct gnsd_zones *z = userdata;
  struct gnsd *d = z->d;
  if (!check_params(call, params, fields)) return 0;
  json_object *p = json_object_new_object();
  json_object_object_add(p, "version", json_object_new_string(gns_version()));
  uint64_t mono = 0;
  sd_event_now(d->event, CLOCK_MONOTONIC, &mono);
  json_object_object_add(p, "uptime",
                         json_object_new_int64(clamp64((mono - d->started_monotonic) / US_PER_S)));
  json_object *backends = json_object_new_array();
  for (size_t i = 0; i < d->n_backends; i++) {
    json_object *b = json_object_new_object();
    if (d->backends[i]->ops->status)
      d->backends[i]->ops->status(d->backends[i], b);
    else
      json_object_object_add(b, "name", json_object_new_string(d->backends[i]->ops->name));
    json_object_array_add(backends, b);
  }
  json_object_object_add(p, "backends", backends);
  json_object *cache = json_object_new_object();
  gnsd_resolve_status(d, cache);
  json_object_object_add(p, "cache", cache);
  json_object *store = json_object_new_object();
  gnsd_store_status(d->store, store);
  json_object_object_add(store, "publishRuns", json_object_new_int64(clamp64(z->publish_runs)));
  json_object_object_add(store, "publishErrors", json_object_new_int64(clamp64(z->publish_errors)));
  json_object_object_add(store, "lastPublished", json_object_new_int64(clamp64(z->last_publish)));
  json_object_object_add(store, "nextPublish", json_object_new_int64(clamp64(z->next_publish)));
  json_object_object_add(p, "store", store);
  json_object_object_add(p, "published", published_json(d->store));
  json_object *limits = json_object_new_object();
  gnsd_resolve_limits_status(d, limits);
  json_object_object_add(p, "limits", limits);
  varlink_call_reply(call, p);
  return 0;
}

/* --- registration --- */

static bool zone_authorize(struct varlink_call *call, void *userdata) {
  struct gnsd_zones *z = userdata;
  const struct ucred *c = varlink_call_peer(call);
  if (c->uid == 0 || c->uid == z->self_uid) return true;
  return z->have_gid && varlink_call_peer_in_group(call, z->gnsd_gid);
}

static const struct varlink_method zone_methods[] = {
    {"CreateZone", m_create_zone},
    {"ListZones", m_list_zones},
    {"GetZone", m_get_zone},
    {"DeleteZone", m_delete_zone},
    {"ExportKey", m_export_key},
    {"ImportKey", m_import_key},
    {"AddRecord", m_add_record},
    {"ListRecords", m_list_records},
    {"DeleteRecords", m_delete_records},
    {"ImportRecords", m_import_records},
    {"AddStartZone", m_add_start_zone},
    {"ListStartZones", m_list_start_zones},
    {"RemoveStartZone", m_remove_start_zone},
    {"Publish", m_publish},
    {"Revoke", m_revoke},
    {"GetRevocation", m_get_revocation},
    {"GetStatistics", m_get_statistics},
    {NULL, NULL},
};

int gnsd_zones_new(struct gnsd *d, struct gnsd_zones **out) {
  struct gnsd_zones *z = calloc(1, sizeof *z);
  if (!z) return -ENOMEM;
  z->d = d;
  z->self_uid = geteuid();
  struct group *g = getgrnam("gnsd");
  if (g) {
    z->gnsd_gid = g->gr_gid;
    z->have_gid = true;
  }
  /* The interface carries our pointer, so it lives in z; gnsd frees the
   * zone server before calling gnsd_zones_free. */
  z->iface = (struct varlink_interface){
      .name = "alt.gns.Zone",
      .description = gnsd_zone_description,
      .methods = zone_methods,
      .authorize = zone_authorize,
      .denied_error = ERR_PREFIX "PermissionDenied",
      .failure_error = ERR_PREFIX "StorageUnavailable",
      .userdata = z,
  };
  int r = varlink_server_add_interface(d->zone_server, &z->iface);
  if (r < 0) {
    free(z);
    return r;
  }
  /* first publication right after start-up, then on schedule */
  if (sd_event_add_time_relative(d->event, &z->timer, CLOCK_MONOTONIC, 0, US_PER_S,
                                 on_publish_timer, z) < 0)
    log_error("zones: cannot schedule publication");
  else
    sd_event_source_set_enabled(z->timer, SD_EVENT_ONESHOT);
  *out = z;
  return 0;
}

void gnsd_zones_reload(struct gnsd_zones *z) {
  map_invalidate(z);
  schedule_publish(z);
}

void gnsd_zones_free(struct gnsd_zones *z) {
  if (!z) return;
  if (z->timer) {
    sd_event_source_set_enabled(z->timer, SD_EVENT_OFF);
    sd_event_source_unref(z->timer);
  }
  map_clear(z);
  free(z);
}
