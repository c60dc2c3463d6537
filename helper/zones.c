/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* alt.gns.Zone and the zone master. See zones.h. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base32gns.h"
#include "gns-util.h"
#include "backends.h"
#include "conf.h"
#include "contract.h"
#include "event-now.h"
#include "interfaces.h"
#include "label.h"
#include "log.h"
#include "publish.h"
#include "record.h"
#include "rrblock.h"
#include "rrtype.h"
#include "store.h"
#include "trust.h"
#include "workers.h"
#include "varlink-server.h"
#include "zones.h"
#include "ztld.h"

#define MAX_IMPORT_RECORDS 100000u
#define BULK_RECORDS 1000u /* an ImportRecords this large is an import (bulk_jobs) */
#define STORE_THREAD_BUSY_MS 10000u
#define STORE_THREAD_CACHE (64u << 20)
#define STORE_THREAD_NICE 2
/* CommitImport commits once the publisher signed what the import
 * staged (asking every COMMIT_POLL_US), or when it made no progress for
 * COMMIT_STALL_US (the blocks then follow the commit). */
#define COMMIT_POLL_US 50000u
#define COMMIT_STALL_US (30u * 1000000u)
#define COMMIT_COUNT_US 1000000u
#define US_PER_S 1000000u

struct gnsd_zones {
  sd_event *event;
  struct gnsd_store *store;
  const struct gnsd_backends *backends; /* [0] is the store; the others get copies */
  const struct gnsd_conf *conf;
  void (*on_change)(void *userdata);
  json_object *(*statistics)(void *userdata);
  void *userdata;
  struct gnsd_trust *trust; /* revocations to the network; may be NULL */
  struct varlink_interface iface;
  uid_t self_uid;
  gid_t gnsd_gid;
  bool have_gid;
  struct gnsd_publisher *publisher; /* publish.c: signing off the loop */
  struct import_session *import;    /* the one streamed import open */
  /* The store thread: a second connection to the store and the one
   * thread that uses it. Record changes from clients and imports are
   * checked and written there, and the publisher's passes run there, so
   * that the loop never waits for SQLite while it has lookups to answer. */
  struct gnsd_store *bulk;
  struct gnsd_workers *thread;
  /* the import whose transaction is open on bulk: the store thread's
   * alone (it is never read on the loop) */
  int64_t tx_import;
  /* ImportRecords of many records on the store thread: like an import,
   * it holds the write lock for seconds, which the loop's own writes
   * would wait for; they are refused with ImportInProgress meanwhile */
  unsigned bulk_jobs;
  char bulk_zone[GNSD_ZONE_NAME_MAX + 1];
  bool freeing;
  /* start zone map cache (gnsd_zones_start_zones) */
  bool map_valid;
  struct gns_suffix_map *maps;
  size_t n_maps;
};

struct import_session {
  struct gnsd_zones *z;
  int64_t id;
  char zone[GNSD_ZONE_NAME_MAX + 1];
  int64_t zone_id;
  struct varlink_call *lifeline; /* BeginImport */
  uint64_t received, queued;     /* records stored, and sent to the store thread */
  int64_t max_id;
  bool open;       /* the transaction is open (BeginImport came back) */
  bool committing; /* CommitImport came: waiting for the blocks, then committing */
  struct varlink_call *commit_call;
  bool commit_out;        /* a commit job is on the store thread */
  sd_event_source *retry; /* the next commit attempt */
  uint64_t progress_at;   /* monotonic us when the publisher last moved */
  uint64_t counted_at;    /* monotonic us when the queue was last counted */
  uint64_t progress;      /* its progress count then */
};

static int64_t clamp64(uint64_t v) {
  return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

static uint64_t zones_now(const struct gnsd_zones *z) {
  return gnsd_backends_now(z->backends);
}

/* Local blocks, start zones or revocations changed: answers cached from
 * the old ones must go (they live until their earliest record expires). */
static void zones_changed(struct gnsd_zones *z) {
  if (z->on_change) z->on_change(z->userdata);
}

/* --- replies --- */

static int reply_invalid(struct varlink_call *call, const char *parameter, const char *reason,
                         long index) {
  json_object *p = json_object_new_object();
  json_object_object_add(p, "parameter", json_object_new_string(parameter));
  json_object_object_add(p, "reason", json_object_new_string(reason ? reason : "invalid"));
  if (index >= 0) json_object_object_add(p, "index", json_object_new_int64(index));
  varlink_call_error(call, VL_ZONE_ERROR_InvalidParameter, p);
  return 0;
}

static int reply_name_error(struct varlink_call *call, const char *error, const char *name) {
  json_object *p = json_object_new_object();
  json_object_object_add(p, "name", json_object_new_string(name));
  varlink_call_error(call, error, p);
  return 0;
}

/* Changes wait while an import holds the store's transaction: true after
 * replying ImportInProgress. */
static bool import_busy(struct varlink_call *call, const struct gnsd_zones *z) {
  if (z->import) {
    reply_name_error(call, VL_ZONE_ERROR_ImportInProgress, z->import->zone);
    return true;
  }
  if (z->bulk_jobs > 0) {
    reply_name_error(call, VL_ZONE_ERROR_ImportInProgress, z->bulk_zone);
    return true;
  }
  return false;
}

static int reply_storage(struct varlink_call *call) {
  varlink_call_error(call, VL_ZONE_ERROR_StorageUnavailable, NULL);
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
  if (r == -ENOENT) return reply_name_error(call, VL_ZONE_ERROR_NoSuchZone, name);
  if (r == -EEXIST) return reply_name_error(call, VL_ZONE_ERROR_ZoneExists, name);
  if (r == -ENOMEM) return -ENOMEM; /* the server closes the connection */
  if (r == -ENOSPC || r == -ECANCELED) {
    json_object *p = json_object_new_object();
    json_object_object_add(p, "reason",
                           json_object_new_string(r == -ENOSPC ? "database or disk is full"
                                                               : "gnsd is shutting down"));
    varlink_call_error(call, VL_ZONE_ERROR_StorageUnavailable, p);
    return 0;
  }
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

/* Parse and check one ZoneRecord. On error *field names the member and
 * *why says what is wrong. */
static int parse_record(uint64_t lifetime, json_object *obj, uint64_t now, struct zrec *out,
                        const char **field, const char **why) {
  static const struct varlink_field fields[] = VL_ZONE_FIELDS_ZoneRecord;
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
  if (apex && gns_record_type_is_exclusive(type)) {
    /* RFC 9498, 5.1 and 5.2 */
    *why = "zone delegation and redirection records are not allowed under the apex label \"@\"";
    return -EINVAL;
  }
  /* RFC 9498, 5.1 and 5.2: these MUST have the CRITICAL flag set; we set
   * it rather than make every client remember. */
  if (gns_record_type_is_exclusive(type)) flags |= GNS_RF_CRITICAL;

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
    out->rd.expiration = lifetime;
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

/* Check the records of one label (stored ones first, as cmp_zrec_ptr
 * orders them) with RFC 9498, 5's rules. On a violation *bad is the
 * record to blame (a new one where possible) and *why the rule. */
static int check_label_set(struct zrec *const *v, size_t n, const struct zrec **bad,
                           const char **why) {
  struct gns_record *rd = calloc(n ? n : 1, sizeof *rd);
  if (!rd) return -ENOMEM;
  size_t n_old = 0;
  for (size_t i = 0; i < n; i++) {
    rd[i] = v[i]->rd;
    if (v[i]->index < 0) n_old = i + 1;
  }
  size_t b = n;
  int r = gns_record_set_check(rd, n, n_old, &b, why);
  free(rd);
  *bad = b < n ? v[b] : NULL;
  return r;
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

/* The publisher's hooks: blocks changed in the store, and a copy for the
 * other backends (backend 0 is the store itself). */
static void blocks_changed(void *userdata) {
  zones_changed(userdata); /* cached answers may use the old block */
}

static int put_others(void *userdata, const uint8_t q[64], const uint8_t *block, size_t len,
                      uint64_t expiration) {
  struct gnsd_zones *z = userdata;
  unsigned refused = gnsd_backends_put_copies(z->backends, q, block, len, expiration);
  return refused ? -EIO : (int)(z->backends->n - 1);
}

static uint64_t publisher_now(void *userdata) {
  return zones_now(userdata);
}

/* A reply that waits until the blocks of a change are built and stored,
 * so that a client that changed records and then resolves sees them. */
struct published_reply {
  struct varlink_call *call;
  struct gnsd_zones *z;
  struct gnsd_publish_wait *wait;
  const char *key; /* NULL: reply {} */
  uint64_t count;  /* the key's value; UINT64_MAX: the blocks built */
};

static void published_reply_done(void *userdata, int error, uint64_t blocks) {
  struct published_reply *pr = userdata;
  if (error < 0) {
    if (reply_errno(pr->call, error, "") < 0)
      varlink_call_error(pr->call, VL_ZONE_ERROR_StorageUnavailable, NULL);
  } else if (!pr->key) {
    varlink_call_reply(pr->call, NULL);
  } else {
    uint64_t v = pr->count == UINT64_MAX ? blocks : pr->count;
    json_object *p = json_object_new_object();
    json_object_object_add(p, pr->key, json_object_new_int64(clamp64(v)));
    varlink_call_reply(pr->call, p);
  }
  free(pr);
}

static void published_reply_cancel(struct varlink_call *call, void *userdata) {
  struct published_reply *pr = userdata;
  gnsd_publisher_wait_cancel(pr->z->publisher, pr->wait);
  varlink_call_error(call, VL_ZONE_ERROR_StorageUnavailable, NULL);
  free(pr);
}

/* Reply to call once the queue entries up to max_id are published; the
 * changes are committed, so a failure to wait still replies success. */
static int reply_when_published(struct varlink_call *call, struct gnsd_zones *z, int64_t max_id,
                                int64_t zone_id, const char *key, uint64_t count) {
  gnsd_publisher_kick(z->publisher);
  struct published_reply *pr = calloc(1, sizeof *pr);
  if (pr) {
    *pr = (struct published_reply){.call = call, .z = z, .key = key, .count = count};
    if (gnsd_publisher_wait(z->publisher, max_id, zone_id, published_reply_done, pr, &pr->wait) ==
        0) {
      varlink_call_set_cancel(call, published_reply_cancel, pr);
      return 0;
    }
    free(pr);
  }
  if (!key) {
    varlink_call_reply(call, NULL);
    return 0;
  }
  return reply_count(call, key, count == UINT64_MAX ? 0 : count);
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
    const struct gnsd_conf *c = z->conf;
    /* Precedence: gnsd.conf, then AddStartZone, then zone names. */
    for (size_t i = 0; r == 0 && i < c->n_start_zones; i++)
      r = map_add(z, c->start_zones[i].suffix, &c->start_zones[i].zk);
    if (r == 0) r = gnsd_store_start_zone_foreach(z->store, map_add_stored, z);
    if (r == 0) r = gnsd_store_zone_foreach(z->store, map_add_zone, z);
    z->map_valid = r == 0;
  }
  *maps = z->maps;
  *n = z->n_maps;
  return r;
}

static void map_invalidate(struct gnsd_zones *z) {
  z->map_valid = false;
  zones_changed(z); /* answers depend on the start zones */
}

/* --- methods: zones --- */

static json_object *zone_json(struct gnsd_zones *z, const struct gnsd_zone *zone) {
  json_object *o = json_object_new_object();
  int64_t count = 0;
  gnsd_store_zone_count_records(z->store, zone->id, &count);
  json_object_object_add(o, "name", json_object_new_string(zone->name));
  json_object_object_add(o, "type", json_object_new_string(ztype_name(zone->pub.ztype)));
  json_object_object_add(o, "ztld", ztld_json(&zone->pub));
  json_object_object_add(o, "records", json_object_new_int64(count));
  json_object_object_add(
      o, "revoked",
      json_object_new_boolean(gnsd_store_is_revoked(z->store, &zone->pub, zones_now(z))));
  return o;
}

static int reply_zone(struct varlink_call *call, struct gnsd_zones *z,
                      const struct gnsd_zone *zone) {
  return reply_with(call, "zone", zone_json(z, zone));
}

/* Look up the zone named by params[key]; replies and returns false on
 * failure. Only methods that sign ask for the private key (with_priv);
 * their caller wipes out->priv. */
static bool lookup_zone(struct varlink_call *call, struct gnsd_zones *z, json_object *params,
                        const char *key, bool with_priv, struct gnsd_zone *out) {
  const char *name = varlink_param_string(params, key), *why;
  char norm[GNSD_ZONE_NAME_MAX + 1];
  if (zone_name_normalize(name, norm, &why) < 0) {
    reply_name_error(call, VL_ZONE_ERROR_NoSuchZone, name);
    return false;
  }
  int r = with_priv ? gnsd_store_zone_get(z->store, norm, out)
                    : gnsd_store_zone_get_public(z->store, norm, out);
  if (r < 0) {
    if (reply_errno(call, r, name) < 0)
      varlink_call_error(call, VL_ZONE_ERROR_StorageUnavailable, NULL);
    return false;
  }
  return true;
}

static bool get_zone(struct varlink_call *call, struct gnsd_zones *z, json_object *params,
                     const char *key, struct gnsd_zone *out) {
  return lookup_zone(call, z, params, key, false, out);
}

static bool get_signing_zone(struct varlink_call *call, struct gnsd_zones *z, json_object *params,
                             const char *key, struct gnsd_zone *out) {
  return lookup_zone(call, z, params, key, true, out);
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
    r = gnsd_store_zone_get_public(z->store, norm, &zone);
  if (zone_id) *zone_id = 0;
  if (r == 0) {
    *zk = zone.pub;
    if (zone_id) *zone_id = zone.id;
  } else if (r == -ENOENT) {
    if (gns_ztld_decode(zname, strlen(zname), zk) < 0) {
      *ret = reply_name_error(call, VL_ZONE_ERROR_NoSuchZone, zname);
      return false;
    }
    if (zone_id && gnsd_store_zone_get_public_by_key(z->store, zk, &zone) == 0) *zone_id = zone.id;
  } else {
    *ret = reply_errno(call, r, zname);
    return false;
  }
  return true;
}

/* The parameters of methods that take just "name", a local zone: check
 * them and look the zone up (with its private key if with_priv: the
 * caller wipes it). False after an error reply. */
static bool named_zone_params(struct varlink_call *call, struct gnsd_zones *z, json_object *params,
                              const struct varlink_field *fields, bool with_priv,
                              struct gnsd_zone *out) {
  return check_params(call, params, fields) && lookup_zone(call, z, params, "name", with_priv, out);
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
  uint64_t now = zones_now(z);
  r = gnsd_store_zone_add(z->store, name, priv, &pub, now, &zone.id);
  if (r == -EEXIST) {
    /* the name, or the key under another name? */
    struct gnsd_zone other;
    if (gnsd_store_zone_get_public(z->store, name, &other) == 0) {
      gns_zone_priv_wipe(priv);
      return reply_name_error(call, VL_ZONE_ERROR_ZoneExists, name);
    }
    if (gnsd_store_zone_get_public_by_key(z->store, &pub, &other) == 0) {
      char why[160];
      snprintf(why, sizeof why, "this key is already the zone \"%s\"", other.name);
      gns_zone_priv_wipe(priv);
      return reply_invalid(call, "key", why, -1);
    }
  }
  if (r < 0) {
    gns_zone_priv_wipe(priv);
    return reply_errno(call, r, name);
  }
  snprintf(zone.name, sizeof zone.name, "%s", name);
  zone.pub = pub;
  zone.created = now;
  gns_zone_priv_wipe(priv);
  map_invalidate(z);
  log_info("zones: zone %s (%s) added", name, ztype_name(pub.ztype));
  reply_zone(call, z, &zone);
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
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_CreateZone;
  struct gnsd_zones *z = userdata;
  if (import_busy(call, z)) return 0;
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
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_ImportKey;
  struct gnsd_zones *z = userdata;
  if (import_busy(call, z)) return 0;
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
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_ExportKey;
  struct gnsd_zones *z = userdata;
  struct gnsd_zone zone;
  if (!named_zone_params(call, z, params, fields, true, &zone)) return 0;
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
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_GetZone;
  struct gnsd_zones *z = userdata;
  struct gnsd_zone zone;
  if (!named_zone_params(call, z, params, fields, false, &zone)) return 0;
  json_object *p = json_object_new_object();
  json_object_object_add(p, "zone", zone_json(z, &zone));
  /* What Revoke and ImportRevocation will require, so that gnsctl does
   * not compute a proof of work for hours that gnsd then refuses. */
  json_object_object_add(p, "revocationDifficulty",
                         json_object_new_int64(z->conf->revocation_difficulty));
  varlink_call_reply(call, p);
  return 0;
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
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_ListZones;
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  struct list_ctx c = {z, json_object_new_array()};
  int r = gnsd_store_zone_foreach(z->store, list_zone, &c);
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
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_DeleteZone;
  struct gnsd_zones *z = userdata;
  if (import_busy(call, z)) return 0;
  struct gnsd_zone zone;
  if (!named_zone_params(call, z, params, fields, false, &zone)) return 0;
  struct gnsd_store *s = z->store;
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
  return 0;
}

/* --- methods: records --- */

/* Why a record was refused: the InvalidParameter reply, made on the loop. */
struct stage_error {
  char param[64];
  char why[160];
  long index;
};

static void stage_error_set(struct stage_error *e, const char *param, const char *why, long index) {
  snprintf(e->param, sizeof e->param, "%s", param);
  snprintf(e->why, sizeof e->why, "%s", why ? why : "invalid");
  e->index = index;
}

/* On the store thread: validate records and add them to the store s,
 * inside the caller's transaction: jrecords is one record (single) or an
 * array whose entry i is record number base + i of the request or import
 * (only read here; the loop holds a reference). Records already stored
 * under the labels touched (from earlier batches too) take part in the
 * checks of RFC 9498, 5. The labels touched are queued for publication;
 * *max_id gets the largest queue id. On a bad record it fills e, naming
 * the record and field, and returns -EINVAL. */
static int stage_records(struct gnsd_store *s, uint64_t lifetime, uint64_t now,
                         const struct gnsd_zone *zone, json_object *jrecords, bool single,
                         uint64_t base, int64_t *max_id, struct stage_error *e) {
  size_t n_new = single ? 1 : json_object_array_length(jrecords);
  struct label_records lr = {0};
  struct zrec **order = NULL;
  int r = 0;
  for (size_t i = 0; i < n_new; i++) {
    json_object *jr = single ? jrecords : json_object_array_get_idx(jrecords, i);
    struct zrec *rec = lr_next(&lr);
    if (!rec) {
      r = -ENOMEM;
      goto out;
    }
    const char *field = "", *why = "invalid";
    r = json_object_is_type(jr, json_type_object)
            ? parse_record(lifetime, jr, now, rec, &field, &why)
            : (why = "must be an object", -EINVAL);
    if (r == -ENOMEM) goto out;
    if (r < 0) {
      char param[64];
      if (single)
        snprintf(param, sizeof param, "record%s%s", *field ? "." : "", field);
      else
        snprintf(param, sizeof param, "records[%llu]%s%s", (unsigned long long)(base + i),
                 *field ? "." : "", field);
      stage_error_set(e, param, why, single ? -1 : (long)(base + i));
      r = -EINVAL;
      goto out;
    }
    rec->index = (long)(base + i);
    lr.n++;
  }
  /* stored records under the labels we touch take part in the checks:
   * load each distinct label once (sorted copies, since loading grows lr) */
  char(*touched)[GNS_LABEL_MAX + 1] = malloc((n_new ? n_new : 1) * sizeof *touched);
  if (!touched) {
    r = -ENOMEM;
    goto out;
  }
  for (size_t i = 0; i < n_new; i++)
    memcpy(touched[i], lr.v[i].label, sizeof touched[i]);
  qsort(touched, n_new, sizeof *touched, cmp_label);
  for (size_t i = 0; r == 0 && i < n_new; i++)
    if (i == 0 || strcmp(touched[i], touched[i - 1]) != 0)
      r = gnsd_store_record_foreach(s, zone->id, touched[i], collect_record, &lr);
  if (r < 0) {
    free(touched);
    goto out;
  }
  /* group by label, stored records first, and apply RFC 9498, 5 */
  order = malloc((lr.n ? lr.n : 1) * sizeof *order);
  if (!order) {
    free(touched);
    r = -ENOMEM;
    goto out;
  }
  for (size_t i = 0; i < lr.n; i++)
    order[i] = &lr.v[i];
  qsort(order, lr.n, sizeof *order, cmp_zrec_ptr);
  for (size_t i = 0; i < lr.n;) {
    size_t j = i;
    bool is_touched = false;
    while (j < lr.n && strcmp(order[j]->label, order[i]->label) == 0)
      is_touched |= order[j++]->index >= 0;
    if (is_touched) {
      const struct zrec *bad = NULL;
      const char *why = NULL;
      r = check_label_set(order + i, j - i, &bad, &why);
      if (r == -ENOMEM) break;
      if (r < 0) {
        char param[64];
        if (single || !bad)
          snprintf(param, sizeof param, single ? "record" : "records");
        else
          snprintf(param, sizeof param, "records[%ld]", bad->index);
        stage_error_set(e, param, why, single || !bad ? -1 : bad->index);
        r = -EINVAL;
        break;
      }
    }
    i = j;
  }
  /* all checks passed: the request's records come first in lr */
  for (size_t i = 0; r == 0 && i < n_new; i++)
    r = gnsd_store_record_add(s, zone->id, lr.v[i].label, &lr.v[i].rd);
  for (size_t i = 0; r == 0 && i < n_new; i++) {
    if (i > 0 && strcmp(touched[i], touched[i - 1]) == 0) continue;
    int64_t id = 0;
    r = gnsd_store_dirty_mark(s, zone->id, touched[i], &id);
    if (id > *max_id) *max_id = id;
  }
  free(touched);
out:
  zrecs_free(lr.v, lr.n);
  free(order);
  return r;
}

/* --- the store thread: record changes and imports --- */

enum zone_job_kind {
  ZJ_STORE,    /* AddRecord, ImportRecords: one transaction */
  ZJ_BEGIN,    /* BeginImport: open the import's transaction */
  ZJ_BATCH,    /* ImportBatch: stage records in it */
  ZJ_COMMIT,   /* CommitImport */
  ZJ_ROLLBACK, /* the import ended otherwise */
  ZJ_REOPEN,   /* the store became available again (SIGHUP) */
};

struct zone_job {
  struct gnsd_job job;
  struct gnsd_zones *z;
  enum zone_job_kind kind;
  struct varlink_call *call; /* answered when the job is back; may be NULL */
  int64_t session;
  struct gnsd_zone zone; /* id and name; never the private key */
  json_object *records;  /* a reference the loop holds and drops */
  bool single, replace, force, want_count;
  int64_t queued; /* ZJ_COMMIT with count: labels of the zone still queued */
  uint64_t base, count, lifetime, now;
  /* results */
  int r;
  int64_t max_id;
  struct stage_error err;
};

/* A replacing import or ImportRecords starts by deleting the zone's
 * records, inside its transaction. Every label with records or a block
 * now is queued, so that those left empty are withdrawn. */
static int drop_records(struct gnsd_store *s, int64_t zone_id, int64_t *max_id) {
  int64_t gone = 0;
  int r = gnsd_store_dirty_mark_zone(s, zone_id, max_id);
  return r == 0 ? gnsd_store_record_delete_all(s, zone_id, &gone) : r;
}

/* On the store thread. */
static void zone_job_run(struct gnsd_job *job) {
  struct zone_job *zj = (struct zone_job *)job;
  struct gnsd_zones *z = zj->z;
  struct gnsd_store *s = z->bulk;
  int r = 0;
  switch (zj->kind) {
  case ZJ_STORE:
    r = gnsd_store_begin(s);
    if (r < 0) break;
    if (zj->replace) r = drop_records(s, zj->zone.id, &zj->max_id);
    if (r == 0)
      r = stage_records(s, zj->lifetime, zj->now, &zj->zone, zj->records, zj->single, 0,
                        &zj->max_id, &zj->err);
    r = store_end(s, r);
    break;
  case ZJ_BEGIN:
    r = gnsd_store_begin(s);
    if (r == 0 && zj->replace) {
      r = drop_records(s, zj->zone.id, &zj->max_id);
      if (r < 0) gnsd_store_rollback(s);
    }
    if (r == 0) z->tx_import = zj->session;
    break;
  case ZJ_BATCH:
    if (z->tx_import != zj->session) {
      r = -ESRCH; /* rolled back meanwhile */
      break;
    }
    r = stage_records(s, zj->lifetime, zj->now, &zj->zone, zj->records, false, zj->base,
                      &zj->max_id, &zj->err);
    if (r < 0) {
      /* all or nothing: a bad record ends the import */
      gnsd_store_rollback(s);
      z->tx_import = 0;
    }
    break;
  case ZJ_COMMIT:
    if (z->tx_import != zj->session) {
      r = -ESRCH;
      break;
    }
    if (!zj->force) {
      /* Not before the publisher signed what was staged: its pages land
       * in this transaction, which costs far less than a commit of its
       * own per page (a large zone's indexes are written to the log once,
       * not every 64 labels), and records and blocks appear together. */
      bool pending = false;
      r = gnsd_store_dirty_pending(s, zj->max_id, &pending);
      if (r == 0 && pending) {
        /* for the progress of a CommitImport called with "more" */
        if (zj->want_count && gnsd_store_dirty_count(s, zj->zone.id, &zj->queued) < 0)
          zj->queued = -1;
        r = -EAGAIN;
        break;
      }
    }
    z->tx_import = 0;
    r = gnsd_store_commit(s);
    break;
  case ZJ_ROLLBACK:
    if (z->tx_import == zj->session) {
      gnsd_store_rollback(s);
      z->tx_import = 0;
    }
    break;
  case ZJ_REOPEN:
    r = gnsd_store_reopen(s);
    break;
  }
  zj->r = r;
}

static void zone_job_done(struct gnsd_job *job, int cancelled);

static struct zone_job *zone_job_new(struct gnsd_zones *z, enum zone_job_kind kind,
                                     struct varlink_call *call) {
  struct zone_job *zj = calloc(1, sizeof *zj);
  if (!zj) return NULL;
  zj->job.run = zone_job_run;
  zj->job.done = zone_job_done;
  zj->z = z;
  zj->kind = kind;
  zj->call = call;
  zj->lifetime = z->conf->record_lifetime_us;
  zj->now = zones_now(z);
  return zj;
}

static void zone_job_submit(struct gnsd_zones *z, struct zone_job *zj) {
  gnsd_workers_submit(z->thread, &zj->job);
}

/* Validate, merge and store records (AddRecord and ImportRecords) in one
 * transaction on the store thread; reply once their blocks are stored. */
static int store_records(struct varlink_call *call, struct gnsd_zones *z, json_object *params,
                         json_object *jrecords, bool single, bool replace) {
  if (import_busy(call, z)) return 0;
  struct gnsd_zone zone;
  if (!get_zone(call, z, params, "zone", &zone)) return 0;
  gns_zone_priv_wipe(&zone.priv);
  size_t n_new = single ? 1 : json_object_array_length(jrecords);
  if (n_new > MAX_IMPORT_RECORDS)
    return reply_invalid(call, "records",
                         "too many records in one request: use gnsctl import, which sends "
                         "batches",
                         -1);
  struct zone_job *zj = zone_job_new(z, ZJ_STORE, call);
  if (!zj) return -ENOMEM;
  zj->zone = zone;
  zj->records = json_object_get(jrecords);
  zj->single = single;
  zj->replace = replace;
  zj->count = n_new;
  if (n_new > BULK_RECORDS) {
    z->bulk_jobs++;
    snprintf(z->bulk_zone, sizeof z->bulk_zone, "%s", zone.name);
  }
  zone_job_submit(z, zj);
  return 0;
}

static int m_add_record(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_AddRecord;
  if (!check_params(call, params, fields)) return 0;
  return store_records(call, userdata, params, varlink_param(params, "record"), true, false);
}

static int m_import_records(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_ImportRecords;
  if (!check_params(call, params, fields)) return 0;
  return store_records(call, userdata, params, varlink_param(params, "records"), false,
                       varlink_param_bool(params, "replace", false));
}

static int list_record(void *userdata, const char *label, const struct gns_record *rd) {
  json_object_array_add(userdata, record_json(label, rd));
  return 0;
}

/* ListRecords without a label and without paging answers at most this
 * many records: a larger reply would stall the loop and exceed what
 * clients accept. */
#define MAX_UNPAGED_RECORDS 50000
#define MAX_PAGE_RECORDS 10000

struct page_ctx {
  json_object *array;
  int64_t last_id;
  char last_label[GNS_LABEL_MAX + 1];
  unsigned n;
};

static int page_record(void *userdata, int64_t id, const char *label, const struct gns_record *rd) {
  struct page_ctx *c = userdata;
  json_object_array_add(c->array, record_json(label, rd));
  c->last_id = id;
  snprintf(c->last_label, sizeof c->last_label, "%s", label);
  c->n++;
  return 0;
}

static int m_list_records(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_ListRecords;
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  char label[GNS_LABEL_MAX + 1];
  const char *l = varlink_param_string(params, "label"), *why;
  if (l && record_label_normalize(l, label, &why) < 0) return reply_invalid(call, "label", why, -1);
  int64_t limit = varlink_param_int(params, "limit", 0);
  const char *after = varlink_param_string(params, "after");
  if (limit < 0 || limit > MAX_PAGE_RECORDS || (after && !limit))
    return reply_invalid(call, "limit", "1 to 10000 records per page", -1);
  if (l && limit) return reply_invalid(call, "limit", "pages list a whole zone, not a label", -1);
  /* the cursor is "<id>:<label>" of the last record of the page before */
  int64_t after_id = -1;
  const char *after_label = NULL;
  if (after) {
    char *end = NULL;
    long long v = strtoll(after, &end, 10);
    if (!end || *end != ':' || v < 0) return reply_invalid(call, "after", "not a cursor", -1);
    after_id = v;
    after_label = end + 1;
  }
  struct gnsd_zone zone;
  if (!get_zone(call, z, params, "zone", &zone)) return 0;
  json_object *array = json_object_new_array();
  int r;
  if (limit) {
    struct page_ctx c = {.array = array};
    r = gnsd_store_record_page(z->store, zone.id, after_label, after_id, (unsigned)limit,
                               page_record, &c);
    if (r == 0) {
      json_object *p = json_object_new_object();
      json_object_object_add(p, "records", array);
      if (c.n == (unsigned)limit) {
        char next[GNS_LABEL_MAX + 32];
        snprintf(next, sizeof next, "%lld:%s", (long long)c.last_id, c.last_label);
        json_object_object_add(p, "next", json_object_new_string(next));
      }
      varlink_call_reply(call, p);
      return 0;
    }
  } else {
    int64_t count = 0;
    if (!l && gnsd_store_zone_count_records(z->store, zone.id, &count) == 0 &&
        count > MAX_UNPAGED_RECORDS) {
      json_object_put(array);
      return reply_invalid(call, "limit",
                           "the zone has too many records for one reply: page with limit and "
                           "after (gnsctl export does)",
                           -1);
    }
    r = gnsd_store_record_foreach(z->store, zone.id, l ? label : NULL, list_record, array);
    if (r == 0) return reply_with(call, "records", array);
  }
  json_object_put(array);
  return reply_store_error(call, r, zone.name);
}

static int m_delete_records(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_DeleteRecords;
  struct gnsd_zones *z = userdata;
  if (import_busy(call, z)) return 0;
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
  int64_t deleted = 0, max_id = 0;
  int r = gnsd_store_begin(z->store);
  if (r == 0) {
    r = gnsd_store_record_delete(z->store, zone.id, label, type, data, len, &deleted);
    if (r == 0 && deleted > 0) r = gnsd_store_dirty_mark(z->store, zone.id, label, &max_id);
    r = store_end(z->store, r);
  }
  free(data);
  if (r < 0) return reply_store_error(call, r, zone.name);
  if (deleted == 0) return reply_count(call, "deleted", 0);
  return reply_when_published(call, z, max_id, zone.id, "deleted", (uint64_t)deleted);
}

/* --- methods: start zones --- */

static const struct gnsd_conf_start_zone *conf_start_zone(const struct gnsd_zones *z,
                                                          const char *suffix) {
  const struct gnsd_conf *c = z->conf;
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
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_AddStartZone;
  struct gnsd_zones *z = userdata;
  if (import_busy(call, z)) return 0;
  if (!check_params(call, params, fields)) return 0;
  char suffix[GNSD_SUFFIX_MAX + 1];
  if (!start_zone_suffix(call, z, params, suffix, "already mapped in gnsd.conf")) return 0;
  const char *zname = varlink_param_string(params, "zone");
  struct gns_zone_key zk;
  int64_t zone_id;
  int r;
  if (!zone_key_param(call, z, zname, &zk, &zone_id, &r)) return r;
  r = gnsd_store_start_zone_add(z->store, suffix, &zk, zone_id);
  if (r == -EEXIST) return reply_invalid(call, "suffix", "already mapped", -1);
  if (r < 0) return reply_errno(call, r, zname);
  map_invalidate(z);
  varlink_call_reply(call, NULL);
  return 0;
}

static int m_remove_start_zone(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_RemoveStartZone;
  struct gnsd_zones *z = userdata;
  if (import_busy(call, z)) return 0;
  if (!check_params(call, params, fields)) return 0;
  char suffix[GNSD_SUFFIX_MAX + 1];
  if (!start_zone_suffix(call, z, params, suffix, "mapped in gnsd.conf; edit the file and reload"))
    return 0;
  int r = gnsd_store_start_zone_remove(z->store, suffix);
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
  if (gnsd_store_zone_get_public_by_key(c->store, zk, &zone) == 0)
    json_object_object_add(o, "zone", json_object_new_string(zone.name));
  json_object_array_add(c->array, o);
}

static int m_list_start_zones(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_ListStartZones;
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  const struct gns_suffix_map *maps;
  size_t n;
  int r = gnsd_zones_start_zones(z, &maps, &n);
  if (r == -ENOMEM) return r;
  if (r < 0) return reply_storage(call);
  struct start_list_ctx c = {json_object_new_array(), z->store};
  for (size_t i = 0; i < n; i++)
    start_zone_entry(&c, maps[i].suffix, &maps[i].zk);
  return reply_with(call, "startZones", c.array);
}

/* --- methods: publishing, revocation, statistics --- */

static int m_publish(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_Publish;
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  const char *zname = varlink_param_string(params, "zone");
  char norm[GNSD_ZONE_NAME_MAX + 1];
  const char *why;
  if (zname && zone_name_normalize(zname, norm, &why) < 0)
    return reply_name_error(call, VL_ZONE_ERROR_NoSuchZone, zname);
  if (import_busy(call, z)) return 0;
  int64_t zone_id = 0, max_id = 0;
  if (zname) {
    struct gnsd_zone zone;
    int r = gnsd_store_zone_get_public(z->store, norm, &zone);
    if (r < 0) return reply_errno(call, r, zname);
    zone_id = zone.id;
  }
  /* build every block again, changed labels first, then reply */
  int r = gnsd_store_dirty_mark_zone(z->store, zone_id, &max_id);
  if (r < 0) return reply_errno(call, r, zname ? zname : "");
  return reply_when_published(call, z, max_id, zone_id, "blocks", UINT64_MAX);
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

/* A revocation message as a JSON string: base64 of the RFC 9498, 4.2
 * message (which is also what gnunet-revocation -f writes, byte for byte). */
static json_object *revocation_json(const uint8_t *msg, size_t len) {
  char b64[sodium_base64_ENCODED_LEN(GNS_REVOCATION_LEN, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64, sizeof b64, msg, len, sodium_base64_VARIANT_ORIGINAL);
  return json_object_new_string(b64);
}

static int m_revoke(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_Revoke;
  struct gnsd_zones *z = userdata;
  if (import_busy(call, z)) return 0;
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
  if (!get_signing_zone(call, z, params, "zone", &zone)) return 0;
  uint8_t msg[GNS_REVOCATION_LEN];
  uint64_t expires = 0;
  const char *why = NULL;
  int r = gns_revocation_create(&zone.priv, (uint64_t)ts, pows, z->conf->revocation_difficulty,
                                zones_now(z), msg, &expires, &why);
  gns_zone_priv_wipe(&zone.priv);
  if (r == -ENOMEM) return r;
  if (r == -ESTALE) return reply_invalid(call, "timestamp", why, -1);
  if (r < 0) return reply_invalid(call, "pows", why, -1);
  json_object *jprep = varlink_param(params, "prepare");
  if (jprep && json_object_get_boolean(jprep)) {
    /* RFC 9498, 4.2: revocations MAY be calculated and signed ahead of
     * time; a prepared one is handed out, not stored or published. */
    json_object *p = json_object_new_object();
    json_object_object_add(p, "expires", json_object_new_int64(clamp64(expires)));
    json_object_object_add(p, "revocation", revocation_json(msg, sizeof msg));
    log_info("zones: revocation of zone %s prepared (not published)", zone.name);
    varlink_call_reply(call, p);
    return 0;
  }
  r = gnsd_store_revocation_put(z->store, &zone.pub, (uint64_t)ts, expires, msg, sizeof msg);
  zones_changed(z);
  if (r < 0) return reply_store_error(call, r, zone.name);
  log_notice("zones: zone %s revoked until %llu", zone.name, (unsigned long long)expires);
  /* RFC 9498, 4.2: the revocation "MUST be published" */
  if (z->trust) gnsd_trust_publish(z->trust, msg, sizeof msg, expires);
  return reply_count(call, "expires", expires);
}

/* A revocation from elsewhere: prepared earlier (gnsctl revoke --prepare),
 * another user's, or written by gnunet-revocation -f. Verified before it
 * is stored or forwarded (RFC 9498, 4.2); the zone's key is not needed. */
static int m_import_revocation(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_ImportRevocation;
  struct gnsd_zones *z = userdata;
  if (import_busy(call, z)) return 0;
  if (!check_params(call, params, fields)) return 0;
  const char *b64 = varlink_param_string(params, "revocation");
  uint8_t msg[GNS_REVOCATION_LEN + 1];
  size_t len = 0;
  if (sodium_base642bin(msg, sizeof msg, b64, strlen(b64), NULL, &len, NULL,
                        sodium_base64_VARIANT_ORIGINAL) < 0)
    return reply_invalid(call, "revocation", "not base64, or longer than a revocation", -1);
  char why[160];
  if (len != GNS_REVOCATION_LEN) {
    snprintf(why, sizeof why, "%zu bytes; a revocation of a PKEY or EDKEY zone has %u", len,
             GNS_REVOCATION_LEN);
    return reply_invalid(call, "revocation", why, -1);
  }
  struct gns_revocation parsed;
  int r = gns_revocation_parse(msg, len, &parsed);
  if (r == -EPROTONOSUPPORT) return reply_invalid(call, "revocation", "unknown zone type", -1);
  if (r < 0) return reply_invalid(call, "revocation", "malformed (invalid zone key)", -1);
  struct gns_zone_key zk;
  uint64_t expires = 0, now = zones_now(z);
  unsigned difficulty = z->conf->revocation_difficulty;
  r = gns_revocation_verify(msg, len, difficulty, now, &zk, &expires);
  if (r == -ESTALE)
    return reply_invalid(call, "revocation", "expired: the proof of work no longer covers today",
                         -1);
  if (r < 0) {
    /* Tell a bad signature from weak work: the signature alone first. */
    uint8_t tbs[GNS_REVOCATION_SIGNED_LEN];
    bool sig_ok = gns_revocation_signed_data(parsed.timestamp, &parsed.zk, tbs) == 0 &&
                  gns_zone_verify(&parsed.zk, tbs, sizeof tbs, parsed.sig) == 0;
    if (!sig_ok) return reply_invalid(call, "revocation", "the signature does not verify", -1);
    snprintf(why, sizeof why,
             "the proof of work does not reach difficulty %u (or its values are not "
             "strictly increasing)",
             difficulty);
    return reply_invalid(call, "revocation", why, -1);
  }
  if (parsed.timestamp > now + GNS_REVOCATION_EPOCH_US / 10u)
    return reply_invalid(call, "revocation", "its timestamp lies in the future", -1);
  r = gnsd_store_revocation_put(z->store, &zk, parsed.timestamp, expires, msg, len);
  zones_changed(z);
  char ztld[GNS_ZTLD_MAX];
  if (gns_ztld_encode(&zk, ztld, sizeof ztld) < 0) ztld[0] = '\0';
  if (r < 0) return reply_store_error(call, r, ztld);
  log_notice("zones: revocation of zone %s imported, valid until %llu", ztld,
             (unsigned long long)expires);
  if (z->trust) gnsd_trust_publish(z->trust, msg, len, expires);
  json_object *p = json_object_new_object();
  json_object_object_add(p, "zone", json_object_new_string(ztld));
  json_object_object_add(p, "timestamp", json_object_new_int64(clamp64(parsed.timestamp)));
  json_object_object_add(p, "expires", json_object_new_int64(clamp64(expires)));
  varlink_call_reply(call, p);
  return 0;
}

static int m_get_revocation(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_GetRevocation;
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  const char *zname = varlink_param_string(params, "zone");
  struct gns_zone_key zk;
  int r;
  if (!zone_key_param(call, z, zname, &zk, NULL, &r)) return r;
  struct gnsd_revocation rev;
  r = gnsd_store_revocation_get(z->store, &zk, &rev);
  json_object *p = json_object_new_object();
  if (r == -ENOENT) {
    json_object_object_add(p, "revoked", json_object_new_boolean(0));
  } else if (r < 0) {
    json_object_put(p);
    return reply_errno(call, r, zname);
  } else {
    json_object_object_add(p, "revoked", json_object_new_boolean(rev.expires > zones_now(z)));
    json_object_object_add(p, "expires", json_object_new_int64(clamp64(rev.expires)));
    json_object_object_add(p, "timestamp", json_object_new_int64(clamp64(rev.timestamp)));
    /* a revocation the peer reported comes without its message */
    json_object_object_add(p, "source",
                           json_object_new_string(rev.message_len ? "message" : "network"));
    free(rev.message);
  }
  struct gnsd_revnet *rn = gnsd_trust_network(z->trust);
  if (rn) {
    uint64_t at = 0;
    enum gnsd_revnet_pub ps = gnsd_revnet_publish_state(rn, &zk, &at);
    json_object_object_add(p, "network", json_object_new_string(gnsd_revnet_pub_name(ps)));
    if (at) json_object_object_add(p, "networkAcceptedAt", json_object_new_int64(clamp64(at)));
    json_object_object_add(p, "networkConnected",
                           json_object_new_boolean(gnsd_revnet_connected(rn)));
  }
  varlink_call_reply(call, p);
  return 0;
}

/* GetStatistics: the daemon's figures (stats.c), of which ours are a part
 * (gnsd_zones_stats). */
static int m_get_statistics(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_GetStatistics;
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  json_object *p = z->statistics ? z->statistics(z->userdata) : NULL;
  varlink_call_reply(call, p ? p : json_object_new_object());
  return 0;
}

void gnsd_zones_stats(const struct gnsd_zones *z, json_object *out) {
  json_object *pubs = json_object_new_object();
  gnsd_publisher_status(z->publisher, pubs);
  /* the names GetStatistics had before the publisher (passes: the times
   * the queue ran empty; lastPublished: the last of them) */
  json_object *v;
  if (json_object_object_get_ex(pubs, "passes", &v))
    json_object_object_add(out, "publishRuns", json_object_get(v));
  if (json_object_object_get_ex(pubs, "errors", &v))
    json_object_object_add(out, "publishErrors", json_object_get(v));
  json_object_object_add(out, "lastPublished",
                         json_object_object_get_ex(pubs, "lastPass", &v)
                             ? json_object_get(v)
                             : json_object_new_int64(0));
  json_object_object_add(out, "nextPublish",
                         json_object_new_int64(clamp64(gnsd_publisher_next(z->publisher))));
  json_object_object_add(out, "publisher", pubs);
}

void gnsd_zones_zone_stats(const struct gnsd_zones *z, int64_t zone_id, json_object *out) {
  int64_t count = 0;
  if (gnsd_store_zone_count_records(z->store, zone_id, &count) == 0)
    json_object_object_add(out, "records", json_object_new_int64(count));
  if (gnsd_store_dirty_count(z->store, zone_id, &count) == 0)
    json_object_object_add(out, "queued", json_object_new_int64(count));
  gnsd_publisher_zone_status(z->publisher, zone_id, out);
}

/* --- methods: streamed import --- */

/* An import too large for one message: BeginImport (a call made with
 * "more", which stays open for the import's life) opens a transaction on
 * the store thread's connection; ImportBatch calls, on another
 * connection, add records to it; CommitImport commits it. Anything else
 * (a bad record, the client gone, gnsd killed) rolls it back: the zone is
 * exactly as before. While it is open, other changes wait with
 * ImportInProgress; the publisher keeps signing what the batches staged,
 * inside the same transaction, and hands those blocks to the DHT only
 * after the commit. */

/* End the session: roll back and fail the BeginImport call with error
 * (NULL: the client is gone). */
static void import_abort(struct gnsd_zones *z, const char *error, const char *reason) {
  struct import_session *is = z->import;
  if (!is) return;
  z->import = NULL;
  sd_event_source_disable_unref(is->retry);
  /* a CommitImport waiting for its next attempt hears it here; one on
   * the store thread hears it when it comes back */
  if (is->commit_call && !is->commit_out) {
    json_object *p = json_object_new_object();
    json_object_object_add(p, "reason", json_object_new_string(reason ? reason : "aborted"));
    varlink_call_error(is->commit_call, VL_ZONE_ERROR_ImportAborted, p);
  }
  struct zone_job *zj = zone_job_new(z, ZJ_ROLLBACK, NULL);
  if (zj) {
    zj->session = is->id;
    zone_job_submit(z, zj);
  } else {
    /* cannot queue the rollback: the next batch or commit finds the
     * session gone and the transaction open; a failed store is better
     * than a half import, so stop the thread from using it */
    log_error("zones: out of memory rolling back the import into %s", is->zone);
  }
  gnsd_publisher_import_end(z->publisher, false, false);
  log_info("zones: import into %s aborted after %llu records%s%s", is->zone,
           (unsigned long long)is->received, reason ? ": " : "", reason ? reason : "");
  if (is->lifeline) {
    varlink_call_set_cancel(is->lifeline, NULL, NULL);
    json_object *p = NULL;
    if (reason) {
      p = json_object_new_object();
      json_object_object_add(p, "reason", json_object_new_string(reason));
    }
    varlink_call_error(is->lifeline, error ? error : VL_ZONE_ERROR_ImportAborted, p);
  }
  free(is);
}

static void import_lifeline_gone(struct varlink_call *call, void *userdata) {
  struct gnsd_zones *z = userdata;
  if (z->import && z->import->lifeline == call) {
    z->import->lifeline = NULL;
    varlink_call_error(call, VL_ZONE_ERROR_ImportAborted, NULL);
    import_abort(z, NULL, "the client went away");
  }
}

static int m_begin_import(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_BeginImport;
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  if (!varlink_call_more(call))
    return reply_invalid(call, "more", "BeginImport must be called with \"more\": true", -1);
  if (import_busy(call, z)) return 0;
  struct gnsd_zone zone;
  if (!get_zone(call, z, params, "zone", &zone)) return 0;
  gns_zone_priv_wipe(&zone.priv);
  struct import_session *is = calloc(1, sizeof *is);
  struct zone_job *zj = zone_job_new(z, ZJ_BEGIN, NULL);
  if (!is || !zj) {
    free(is);
    free(zj);
    return -ENOMEM;
  }
  is->z = z;
  uint64_t id;
  randombytes_buf(&id, sizeof id);
  is->id = (int64_t)(id >> 1) | 1;
  snprintf(is->zone, sizeof is->zone, "%s", zone.name);
  is->zone_id = zone.id;
  is->lifeline = call;
  z->import = is;
  varlink_call_set_cancel(call, import_lifeline_gone, z);
  zj->session = is->id;
  zj->zone = zone;
  zj->replace = varlink_param_bool(params, "replace", false);
  gnsd_publisher_import_begin(z->publisher);
  zone_job_submit(z, zj);
  return 0;
}

static void begin_done(struct gnsd_zones *z, struct zone_job *zj) {
  struct import_session *is = z->import;
  if (!is || is->id != zj->session) return; /* aborted meanwhile */
  if (zj->r < 0) {
    z->import = NULL;
    gnsd_publisher_import_end(z->publisher, false, false);
    if (is->lifeline) {
      varlink_call_set_cancel(is->lifeline, NULL, NULL);
      reply_store_error(is->lifeline, zj->r, is->zone);
    }
    free(is);
    return;
  }
  is->open = true;
  if (zj->max_id > is->max_id) is->max_id = zj->max_id;
  json_object *p = json_object_new_object();
  json_object_object_add(p, "session", json_object_new_int64(is->id));
  if (is->lifeline)
    varlink_call_notify(is->lifeline, p);
  else
    json_object_put(p);
  log_info("zones: import into %s started", is->zone);
  if (zj->replace) gnsd_publisher_kick(z->publisher);
}

/* The session named by params["session"], or NULL after an error reply. */
static struct import_session *import_session(struct varlink_call *call, struct gnsd_zones *z,
                                             json_object *params) {
  int64_t id = varlink_param_int(params, "session", -1);
  if (!z->import || z->import->id != id || !z->import->open || z->import->committing) {
    json_object *p = json_object_new_object();
    json_object_object_add(p, "session", json_object_new_int64(id));
    varlink_call_error(call, VL_ZONE_ERROR_NoSuchImport, p);
    return NULL;
  }
  return z->import;
}

static int m_import_batch(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_ImportBatch;
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  struct import_session *is = import_session(call, z, params);
  if (!is) return 0;
  struct zone_job *zj = zone_job_new(z, ZJ_BATCH, call);
  if (!zj) return -ENOMEM;
  zj->records = json_object_get(varlink_param(params, "records"));
  zj->session = is->id;
  zj->zone.id = is->zone_id;
  snprintf(zj->zone.name, sizeof zj->zone.name, "%s", is->zone);
  zj->base = is->queued;
  zj->count = json_object_array_length(zj->records);
  is->queued += zj->count;
  zone_job_submit(z, zj);
  return 0;
}

static void batch_done(struct gnsd_zones *z, struct zone_job *zj) {
  struct import_session *is = z->import;
  bool ours = is && is->id == zj->session;
  if (zj->r == -ESRCH || (!ours && zj->r == 0)) {
    /* the import ended while this batch waited */
    json_object *p = json_object_new_object();
    json_object_object_add(p, "session", json_object_new_int64(zj->session));
    varlink_call_error(zj->call, VL_ZONE_ERROR_NoSuchImport, p);
    return;
  }
  if (zj->r < 0) {
    if (zj->r == -EINVAL) {
      reply_invalid(zj->call, zj->err.param, zj->err.why, zj->err.index);
      if (ours) import_abort(z, NULL, "invalid record");
      return;
    }
    if (ours) import_abort(z, VL_ZONE_ERROR_StorageUnavailable, NULL);
    if (reply_store_error(zj->call, zj->r, zj->zone.name) < 0)
      varlink_call_error(zj->call, VL_ZONE_ERROR_StorageUnavailable, NULL);
    return;
  }
  is->received += zj->count;
  if (zj->max_id > is->max_id) is->max_id = zj->max_id;
  /* sign what was staged while the next batch comes */
  gnsd_publisher_kick(z->publisher);
  reply_count(zj->call, "received", is->received);
}

static void commit_submit(struct gnsd_zones *z, struct import_session *is, bool force) {
  struct zone_job *zj = zone_job_new(z, ZJ_COMMIT, is->commit_call);
  if (!zj) {
    import_abort(z, VL_ZONE_ERROR_StorageUnavailable, "out of memory");
    return;
  }
  zj->session = is->id;
  zj->max_id = is->max_id;
  zj->force = force;
  zj->zone.id = is->zone_id;
  zj->queued = -1;
  uint64_t now = gnsd_event_now(z->event, CLOCK_MONOTONIC);
  if (varlink_call_more(is->commit_call) && now >= is->counted_at + COMMIT_COUNT_US) {
    zj->want_count = true; /* a count walks the zone's queue: about once a second */
    is->counted_at = now;
  }
  snprintf(zj->zone.name, sizeof zj->zone.name, "%s", is->zone);
  is->commit_out = true;
  zone_job_submit(z, zj);
}

static int on_commit_retry(sd_event_source *s, uint64_t usec, void *userdata) {
  (void)s;
  (void)usec;
  struct gnsd_zones *z = userdata;
  struct import_session *is = z->import;
  if (!is || !is->committing || is->commit_out) return 0;
  uint64_t now = gnsd_event_now(z->event, CLOCK_MONOTONIC);
  uint64_t progress = gnsd_publisher_progress(z->publisher);
  if (progress != is->progress) {
    is->progress = progress;
    is->progress_at = now;
  }
  bool stalled = now > is->progress_at + COMMIT_STALL_US;
  if (stalled)
    log_warning("zones: the publisher made no progress for %u s; committing the import into %s "
                "now, its blocks follow",
                (unsigned)(COMMIT_STALL_US / 1000000u), is->zone);
  commit_submit(z, is, stalled);
  return 0;
}

static int m_commit_import(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_CommitImport;
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  struct import_session *is = import_session(call, z, params);
  if (!is) return 0;
  int r = sd_event_add_time_relative(z->event, &is->retry, CLOCK_MONOTONIC, COMMIT_POLL_US, 10000,
                                     on_commit_retry, z);
  if (r < 0) return r;
  sd_event_source_set_enabled(is->retry, SD_EVENT_OFF);
  is->committing = true; /* other changes still wait */
  is->commit_call = call;
  is->progress_at = gnsd_event_now(z->event, CLOCK_MONOTONIC);
  is->progress = gnsd_publisher_progress(z->publisher);
  gnsd_publisher_kick(z->publisher);
  commit_submit(z, is, false);
  return 0;
}

static void commit_done(struct gnsd_zones *z, struct zone_job *zj) {
  struct import_session *is = z->import;
  if (!is || is->id != zj->session) {
    /* aborted (the client went away) while the commit was out */
    json_object *p = json_object_new_object();
    json_object_object_add(p, "reason", json_object_new_string("aborted"));
    varlink_call_error(zj->call, VL_ZONE_ERROR_ImportAborted, p);
    return;
  }
  is->commit_out = false;
  if (zj->r == -EAGAIN) {
    if (zj->queued >= 0) {
      json_object *p = json_object_new_object();
      json_object_object_add(p, "imported", json_object_new_int64(clamp64(is->received)));
      json_object_object_add(p, "queued", json_object_new_int64(zj->queued));
      varlink_call_notify(zj->call, p);
    }
    /* blocks still to sign: ask again */
    sd_event_source_set_time_relative(is->retry, COMMIT_POLL_US);
    sd_event_source_set_enabled(is->retry, SD_EVENT_ONESHOT);
    return;
  }
  z->import = NULL;
  sd_event_source_disable_unref(is->retry);
  gnsd_publisher_import_end(z->publisher, zj->r == 0, z->backends->n > 1);
  if (is->lifeline) varlink_call_set_cancel(is->lifeline, NULL, NULL);
  if (zj->r < 0) {
    if (is->lifeline) varlink_call_error(is->lifeline, VL_ZONE_ERROR_StorageUnavailable, NULL);
    if (reply_store_error(zj->call, zj->r == -ESRCH ? -EIO : zj->r, "") < 0)
      varlink_call_error(zj->call, VL_ZONE_ERROR_StorageUnavailable, NULL);
    free(is);
    return;
  }
  log_info("zones: import of %llu records into %s committed", (unsigned long long)is->received,
           is->zone);
  if (is->lifeline) {
    json_object *p = json_object_new_object();
    json_object_object_add(p, "session", json_object_new_int64(is->id));
    varlink_call_reply(is->lifeline, p);
  }
  if (reply_when_published(zj->call, z, is->max_id, is->zone_id, "imported", is->received) < 0)
    varlink_call_error(zj->call, VL_ZONE_ERROR_StorageUnavailable, NULL);
  free(is);
}

static int m_abort_import(struct varlink_call *call, json_object *params, void *userdata) {
  static const struct varlink_field fields[] = VL_ZONE_PARAMS_AbortImport;
  struct gnsd_zones *z = userdata;
  if (!check_params(call, params, fields)) return 0;
  if (!import_session(call, z, params)) return 0;
  import_abort(z, NULL, "aborted by the client");
  varlink_call_reply(call, NULL);
  return 0;
}

static void store_done(struct gnsd_zones *z, struct zone_job *zj) {
  if (zj->count > BULK_RECORDS) z->bulk_jobs--;
  if (zj->r == -EINVAL) {
    reply_invalid(zj->call, zj->err.param, zj->err.why, zj->err.index);
    return;
  }
  if (zj->r < 0) {
    if (reply_store_error(zj->call, zj->r, zj->zone.name) < 0)
      varlink_call_error(zj->call, VL_ZONE_ERROR_StorageUnavailable, NULL);
    return;
  }
  if (reply_when_published(zj->call, z, zj->max_id, zj->zone.id, zj->single ? NULL : "imported",
                           zj->count) < 0)
    varlink_call_error(zj->call, VL_ZONE_ERROR_StorageUnavailable, NULL);
}

/* On the loop: the store thread is done with zj. */
static void zone_job_done(struct gnsd_job *job, int cancelled) {
  struct zone_job *zj = (struct zone_job *)job;
  struct gnsd_zones *z = zj->z;
  if (zj->records) json_object_put(zj->records);
  zj->records = NULL;
  /* when the zone master is going, so is the server with its calls */
  if (!cancelled && !z->freeing) {
    switch (zj->kind) {
    case ZJ_STORE:
      store_done(z, zj);
      break;
    case ZJ_BEGIN:
      begin_done(z, zj);
      break;
    case ZJ_BATCH:
      batch_done(z, zj);
      break;
    case ZJ_COMMIT:
      commit_done(z, zj);
      break;
    case ZJ_ROLLBACK:
      break;
    case ZJ_REOPEN:
      if (zj->r == 0) gnsd_publisher_kick(z->publisher);
      break;
    }
  }
  free(zj);
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
    {"BeginImport", m_begin_import},
    {"ImportBatch", m_import_batch},
    {"CommitImport", m_commit_import},
    {"AbortImport", m_abort_import},
    {"AddStartZone", m_add_start_zone},
    {"ListStartZones", m_list_start_zones},
    {"RemoveStartZone", m_remove_start_zone},
    {"Publish", m_publish},
    {"Revoke", m_revoke},
    {"GetRevocation", m_get_revocation},
    {"ImportRevocation", m_import_revocation},
    {"GetStatistics", m_get_statistics},
    {NULL, NULL},
};

int gnsd_zones_new(const struct gnsd_zones_args *a, struct gnsd_zones **out) {
  struct gnsd_zones *z = calloc(1, sizeof *z);
  if (!z) return -ENOMEM;
  z->event = a->event;
  z->store = a->store;
  z->backends = a->backends;
  z->conf = a->conf;
  z->on_change = a->on_change;
  z->statistics = a->statistics;
  z->userdata = a->userdata;
  z->trust = a->trust;
  z->self_uid = geteuid();
  struct group *g = getgrnam("gnsd");
  if (g) {
    z->gnsd_gid = g->gr_gid;
    z->have_gid = true;
  }
  /* The interface carries our pointer, so it lives in z; gnsd frees the
   * zone server before calling gnsd_zones_free. */
  z->iface = (struct varlink_interface){
      .name = VL_ZONE_INTERFACE,
      .description = gnsd_zone_description,
      .methods = zone_methods,
      .authorize = zone_authorize,
      .denied_error = VL_ZONE_ERROR_PermissionDenied,
      .failure_error = VL_ZONE_ERROR_StorageUnavailable,
      .userdata = z,
  };
  int r = varlink_server_add_interface(a->server, &z->iface);
  if (r < 0) {
    free(z);
    return r;
  }
  r = gnsd_store_open_again(z->store, &z->bulk);
  if (r == 0) {
    /* the thread may wait for the loop's short writes; its page cache
     * holds the indexes a large zone's pass walks */
    gnsd_store_tune(z->bulk, STORE_THREAD_BUSY_MS, STORE_THREAD_CACHE);
    /* at the loop's priority or just below: it feeds the signers */
    r = gnsd_workers_new(z->event, 1, STORE_THREAD_NICE, &z->thread);
    if (r == 0) gnsd_workers_set_name(z->thread, "gnsd-store");
  }
  /* the queue left by the last run first, then on schedule */
  const struct gnsd_publisher_hooks hooks = {
      .changed = blocks_changed, .put = put_others, .now = publisher_now, .userdata = z};
  if (r == 0)
    r = gnsd_publisher_new(z->event, z->store, z->bulk, z->thread, a->workers, &hooks,
                           z->conf->publish_interval_us, &z->publisher);
  if (r < 0) {
    gnsd_workers_free(z->thread);
    gnsd_store_close(z->bulk);
    free(z);
    return r;
  }
  *out = z;
  return 0;
}

void gnsd_zones_reload(struct gnsd_zones *z) {
  map_invalidate(z);
  gnsd_publisher_set_interval(z->publisher, z->conf->publish_interval_us);
  /* the loop's connection came back (gnsd.c): the thread's too */
  if (gnsd_store_available(z->store)) {
    struct zone_job *zj = zone_job_new(z, ZJ_REOPEN, NULL);
    if (zj) zone_job_submit(z, zj);
  }
}

void gnsd_zones_free(struct gnsd_zones *z) {
  if (!z) return;
  if (z->import) import_abort(z, NULL, "gnsd is stopping");
  z->freeing = true;
  gnsd_publisher_free(z->publisher);
  /* joins the store thread after the job it runs; an import still open
   * rolls back when its connection closes */
  gnsd_workers_free(z->thread);
  gnsd_store_close(z->bulk);
  map_clear(z);
  free(z);
}
