/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gnsctl: manage gnsd's zones, records, start zones and revocations, and
 * look names up, over varlink (alt.gns.Zone and alt.gns.Resolve).
 * Exit codes: 0 success, 1 failure, 2 usage. --json prints the varlink
 * reply parameters unchanged, so the JSON output is exactly the interface
 * documented in alt.gns.Zone.varlink / alt.gns.Resolve.varlink. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <sodium.h>
#include <unicase.h>

#include "units.h"
#include "ctl-errors.h"
#include "ctl-output.h"
#include "gns-util.h"
#include "record.h"
#include "contract.h"
#include "pow-run.h"
#include "revocation.h"
#include "rpp.h"
#include "rpp-stream.h"
#include "rrtype.h"
#include "varlink-client.h"
#include "version.h"
#include "zonekey.h"
#include "ztld.h"

#define EXIT_USAGE 2
#define CALL_TIMEOUT_USEC (30ull * 1000000)
/* gnsd's limit on alt.gns.Zone requests (GNSD_ZONE_MAX_MESSAGE) and ours
 * on replies. */
#define GNSCTL_MAX_REQUEST (8u * 1024 * 1024)
#define GNSCTL_MAX_REPLY (16u * 1024 * 1024)
/* A streamed import sends batches of at most this many records or bytes:
 * gnsctl's memory is bounded by a batch, and gnsd checks and stores a
 * batch in a few milliseconds on its loop, which lookups share. It waits at most this
 * long for gnsd to store and sign them all at the end. */
#define IMPORT_BATCH_RECORDS 250u
#define IMPORT_BATCH_BYTES (256u << 10)
#define IMPORT_COMMIT_TIMEOUT_USEC (3600ull * 1000000)
#define EXPORT_PAGE_RECORDS 2000

struct ctl {
  const char *runtime_dir;
  bool json;
  bool colour;
  /* record and zone options */
  const char *type;
  const char *expire;
  bool relative, shadow, supplemental, private_, critical;
  bool replace;
  unsigned difficulty; /* revoke --difficulty D; 0: gnsd's */
  const char *prepare; /* revoke --prepare FILE */
  const char *state_file;
};

static void usage(FILE *f) {
  fputs(
      "Usage: gnsctl [--runtime-dir DIR] [--json] COMMAND ...\n"
      "\n"
      "Zones:\n"
      "  zone create NAME [--type pkey|edkey]   create a local zone, print its zTLD\n"
      "  zone list | zone show NAME | zone delete NAME\n"
      "  zone export-key NAME                   print the private key (backup)\n"
      "  zone import-key NAME [TYPE KEY]        import a private key (or read TYPE KEY from "
      "stdin)\n"
      "Records:\n"
      "  record add ZONE LABEL TYPE VALUE [--expire DURATION|DATE|never] [--relative]\n"
      "             [--shadow] [--supplemental] [--private] [--critical]\n"
      "  record list ZONE [LABEL]\n"
      "  record delete ZONE LABEL [TYPE [VALUE]]\n"
      "  import ZONE FILE|- [--replace]         RPP JSON records into ZONE (all or nothing)\n"
      "  export ZONE                            RPP JSON of ZONE's records\n"
      "  publish [ZONE]                         sign and store every block again now\n"
      "Lookups:\n"
      "  resolve NAME [--type TYPE]\n"
      "Start zones:\n"
      "  start-zone add SUFFIX ZTLD|ZONE | start-zone list | start-zone remove SUFFIX\n"
      "Revocation:\n"
      "  revoke ZONE [--prepare FILE] [--difficulty D]\n"
      "                                         compute the proof of work (resumable), revoke;\n"
      "                                         --prepare: sign into FILE, publish nothing;\n"
      "                                         D: more than gnsd's difficulty (gnsd.conf)\n"
      "  revocation show ZTLD|ZONE              stored? and where it stands with the GNUnet peer\n"
      "  revocation publish FILE                publish a prepared revocation (no key needed)\n"
      "  revocation import FILE                 verify and store a revocation from elsewhere\n"
      "                                         (also the file of gnunet-revocation -f)\n"
      "Daemon:\n"
      "  status\n"
      "\n"
      "Options: --runtime-dir DIR (or $GNSD_RUNTIME_DIR, default " GNSD_RUNTIME_DIR "),\n"
      "         --json, --help, --version. See gnsctl(1).\n",
      f);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("gnsctl: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputs(" (see gnsctl --help)\n", stderr);
  va_end(ap);
  return EXIT_USAGE;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("gnsctl: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return EXIT_FAILURE;
}

/* ---- talking to gnsd ---------------------------------------------------- */

static const char *socket_path(const struct ctl *c, const char *iface, char *buf, size_t cap) {
  snprintf(buf, cap, "%s/%s", c->runtime_dir, iface);
  return buf;
}

/* Turn a varlink error into one line that says what is wrong
 * (ctl-errors.c). */
static int report_error(const char *error, json_object *params, const char *what) {
  char msg[1024];
  ctl_error_text(error, params, what, msg, sizeof msg);
  return fail("%s", msg);
}

/* The error of a failed exchange with gnsd, as one line. */
static int report_io(const char *path, int r, size_t request_len) {
  if (r == -ENOENT || r == -ECONNREFUSED)
    return fail("cannot reach gnsd at %s: %s (is gnsd running?)", path, strerror(-r));
  if (r == -EACCES || r == -EPERM)
    return fail("cannot connect to %s: permission denied (root or the gnsd group)", path);
  /* The request was sent: gnsd may have carried it out all the same
   * (an import of a large zone), so do not report a failure of it. */
  if (r == -ETIMEDOUT)
    return fail("gnsd did not answer in time; it may still complete the request (check before "
                "retrying)");
  if ((r == -EPIPE || r == -ECONNRESET) && request_len > GNSCTL_MAX_REQUEST)
    /* gnsd closes a connection whose message passes its limit */
    return fail("gnsd closed the connection: the request was %zu bytes, more than the %u "
                "bytes gnsd accepts on alt.gns.Zone; gnsctl import sends large zones in "
                "batches, split other requests",
                request_len, GNSCTL_MAX_REQUEST);
  if (r == -EPIPE || r == -ECONNRESET)
    return fail("gnsd at %s closed the connection (did it stop?); what it had not confirmed "
                "did not happen",
                path);
  if (r == -EMSGSIZE || r == -E2BIG)
    return fail("gnsd's reply is larger than the %u bytes gnsctl accepts", GNSCTL_MAX_REPLY);
  return fail("talking to gnsd at %s: %s", path, strerror(-r));
}

/* Call method on an open connection; on success *reply is the parameters
 * object (owned by the caller). On failure prints one line and returns 1.
 * params is consumed. */
static int call_on(struct gns_varlink *v, const char *path, const char *method, json_object *params,
                   uint64_t deadline, json_object **reply, const char *what) {
  size_t len = 0;
  if (params) json_object_to_json_string_length(params, JSON_C_TO_STRING_PLAIN, &len);
  json_object *whole = NULL;
  int r = gns_varlink_call(v, method, params, deadline, &whole);
  json_object_put(params);
  if (r < 0) return report_io(path, r, len + strlen(method) + 32);
  json_object *rp = NULL;
  if (json_object_object_get_ex(whole, "parameters", &rp) && rp)
    json_object_get(rp);
  else
    rp = NULL;
  const char *error = gns_varlink_reply_error(whole);
  if (error) {
    if (!rp) rp = json_object_new_object();
    int ret = report_error(error, rp, what);
    json_object_put(rp);
    json_object_put(whole);
    return ret;
  }
  json_object_put(whole);
  if (!rp) rp = json_object_new_object();
  *reply = rp;
  return 0;
}

/* Call method (fully qualified, from contract.h) on iface's socket, on a
 * connection of its own. */
static int call(const struct ctl *c, const char *iface, const char *method, json_object *params,
                json_object **reply, const char *what) {
  char path[PATH_MAX];
  socket_path(c, iface, path, sizeof path);
  uint64_t deadline = gns_varlink_now() + CALL_TIMEOUT_USEC;
  struct gns_varlink *v = NULL;
  int r = gns_varlink_connect(path, GNSCTL_MAX_REPLY, deadline, &v);
  if (r < 0) {
    json_object_put(params);
    return report_io(path, r, 0);
  }
  r = call_on(v, path, method, params, deadline, reply, what);
  gns_varlink_free(v);
  return r;
}

static void print_json(json_object *o) {
  puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                             JSON_C_TO_STRING_NOSLASHESCAPE));
}

static const char *jstr(json_object *o, const char *key) {
  json_object *v;
  return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}
static int64_t jint(json_object *o, const char *key, int64_t dflt) {
  json_object *v;
  return json_object_object_get_ex(o, key, &v) && v ? json_object_get_int64(v) : dflt;
}
static bool jbool(json_object *o, const char *key) {
  json_object *v;
  return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

/* ---- zones ---------------------------------------------------------------- */

static json_object *obj1(const char *k, json_object *v) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, k, v);
  return o;
}
static json_object *jnew_str(const char *s) {
  return json_object_new_string(s);
}

static void print_zone(const struct ctl *c, json_object *zone) {
  char n[32];
  printf("Name:    %s\nType:    %s\nzTLD:    %s\nRecords: %s\nRevoked: %s\n", jstr(zone, "name"),
         jstr(zone, "type"), jstr(zone, "ztld"),
         (snprintf(n, sizeof n, "%" PRId64, jint(zone, "records", 0)), n),
         jbool(zone, "revoked") ? "yes" : "no");
  (void)c;
}

static int cmd_zone(struct ctl *c, int argc, char **argv) {
  if (argc < 1) return usage_error("zone: missing subcommand");
  const char *sub = argv[0];
  json_object *reply = NULL;
  int r;
  if (!strcmp(sub, "create")) {
    if (argc != 2) return usage_error("usage: gnsctl zone create NAME [--type pkey|edkey]");
    const char *type = c->type ? c->type : "pkey";
    if (strcasecmp(type, "pkey") && strcasecmp(type, "edkey"))
      return usage_error("--type must be pkey or edkey, not '%s'", type);
    json_object *p = obj1("name", jnew_str(argv[1]));
    json_object_object_add(p, "type", jnew_str(type));
    if ((r = call(c, VL_ZONE_INTERFACE, VL_ZONE_METHOD_CreateZone, p, &reply, argv[1]))) return r;
    json_object *zone;
    json_object_object_get_ex(reply, "zone", &zone);
    if (c->json)
      print_json(reply);
    else
      printf("%s\n", jstr(zone, "ztld"));
  } else if (!strcmp(sub, "list")) {
    if (argc != 1) return usage_error("usage: gnsctl zone list");
    if ((r = call(c, VL_ZONE_INTERFACE, VL_ZONE_METHOD_ListZones, NULL, &reply, "zone list")))
      return r;
    if (c->json)
      print_json(reply);
    else {
      static const char *const hdr[] = {"NAME", "TYPE", "RECORDS", "REVOKED", "ZTLD"};
      struct ctl_table *t = ctl_table_new(5, hdr);
      json_object *zones;
      json_object_object_get_ex(reply, "zones", &zones);
      for (size_t i = 0; zones && i < json_object_array_length(zones); i++) {
        json_object *z = json_object_array_get_idx(zones, i);
        char n[32];
        snprintf(n, sizeof n, "%" PRId64, jint(z, "records", 0));
        const char *row[] = {jstr(z, "name"), jstr(z, "type"), n,
                             jbool(z, "revoked") ? "yes" : "no", jstr(z, "ztld")};
        ctl_table_add(t, row);
      }
      ctl_table_print(t, stdout, c->colour);
      ctl_table_free(t);
    }
  } else if (!strcmp(sub, "show")) {
    if (argc != 2) return usage_error("usage: gnsctl zone show NAME");
    if ((r = call(c, VL_ZONE_INTERFACE, VL_ZONE_METHOD_GetZone, obj1("name", jnew_str(argv[1])),
                  &reply, argv[1])))
      return r;
    json_object *zone;
    json_object_object_get_ex(reply, "zone", &zone);
    if (c->json)
      print_json(reply);
    else
      print_zone(c, zone);
  } else if (!strcmp(sub, "delete")) {
    if (argc != 2) return usage_error("usage: gnsctl zone delete NAME");
    if ((r = call(c, VL_ZONE_INTERFACE, VL_ZONE_METHOD_DeleteZone, obj1("name", jnew_str(argv[1])),
                  &reply, argv[1])))
      return r;
    if (c->json) print_json(reply);
  } else if (!strcmp(sub, "export-key")) {
    if (argc != 2) return usage_error("usage: gnsctl zone export-key NAME");
    if (isatty(STDOUT_FILENO))
      fputs("gnsctl: warning: this is the zone's private key; whoever has it controls the zone.\n"
            "gnsctl: store it offline; redirect the output into a file readable only by you.\n",
            stderr);
    if ((r = call(c, VL_ZONE_INTERFACE, VL_ZONE_METHOD_ExportKey, obj1("name", jnew_str(argv[1])),
                  &reply, argv[1])))
      return r;
    if (c->json)
      print_json(reply);
    else
      printf("%s %s\n", jstr(reply, "type"), jstr(reply, "key"));
  } else if (!strcmp(sub, "import-key")) {
    char line[512], *type = NULL, *key = NULL;
    if (argc == 4) {
      type = argv[2];
      key = argv[3];
    } else if (argc == 2) {
      if (isatty(STDIN_FILENO))
        fputs("gnsctl: warning: the key you paste is a secret; enter \"TYPE KEY\":\n", stderr);
      if (!fgets(line, sizeof line, stdin)) return fail("no key on standard input");
      char *save = NULL;
      type = strtok_r(line, " \t\r\n", &save);
      key = strtok_r(NULL, " \t\r\n", &save);
      if (!type || !key) return fail("expected \"TYPE KEY\" on standard input");
    } else
      return usage_error("usage: gnsctl zone import-key NAME [TYPE KEY]");
    json_object *p = obj1("name", jnew_str(argv[1]));
    json_object_object_add(p, "type", jnew_str(type));
    json_object_object_add(p, "key", jnew_str(key));
    sodium_memzero(line, sizeof line);
    if ((r = call(c, VL_ZONE_INTERFACE, VL_ZONE_METHOD_ImportKey, p, &reply, argv[1]))) return r;
    json_object *zone;
    json_object_object_get_ex(reply, "zone", &zone);
    if (c->json)
      print_json(reply);
    else
      printf("%s\n", jstr(zone, "ztld"));
  } else
    return usage_error("unknown zone subcommand '%s'", sub);
  json_object_put(reply);
  return 0;
}

/* ---- records -------------------------------------------------------------- */

static json_object *flags_array(const struct ctl *c) {
  json_object *a = json_object_new_array();
  if (c->critical) json_object_array_add(a, jnew_str("critical"));
  if (c->shadow) json_object_array_add(a, jnew_str("shadow"));
  if (c->supplemental) json_object_array_add(a, jnew_str("supplemental"));
  if (c->private_) json_object_array_add(a, jnew_str("private"));
  if (c->relative) json_object_array_add(a, jnew_str("relative"));
  return a;
}

/* Join argv[from..] with single spaces, so that `record add z mail MX 10
 * mx.example.com` works without quoting. */
static char *join_args(int argc, char **argv, int from) {
  size_t len = 1;
  for (int i = from; i < argc; i++)
    len += strlen(argv[i]) + 1;
  char *s = malloc(len);
  if (!s) return NULL;
  s[0] = '\0';
  for (int i = from; i < argc; i++) {
    if (i > from) strcat(s, " ");
    strcat(s, argv[i]);
  }
  return s;
}

static int parse_expiration(struct ctl *c, int64_t *out) {
  unsigned long long us;
  if (!c->expire) {
    /* gnsd applies [publish] record-lifetime, relative to each publication */
    if (c->relative) return usage_error("--relative needs --expire DURATION");
    *out = -1;
    return 0;
  }
  if (!strcmp(c->expire, "never")) {
    if (c->relative) return usage_error("--relative needs a duration, not 'never'");
    *out = INT64_MAX; /* the end of time that JSON's int64 can carry */
    return 0;
  }
  uint64_t dur;
  if (gns_parse_duration(c->expire, &dur) == 0) {
    us = dur;
    if (us > INT64_MAX) return usage_error("--expire '%s' is too long", c->expire);
    if (c->relative) {
      *out = (int64_t)us;
    } else {
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      unsigned long long now =
          (unsigned long long)ts.tv_sec * 1000000ull + (unsigned long long)ts.tv_nsec / 1000;
      if (us > (unsigned long long)INT64_MAX - now)
        return usage_error("--expire '%s' is too long", c->expire);
      *out = (int64_t)(now + us);
    }
    return 0;
  }
  if (ctl_parse_date(c->expire, &us) == 0) {
    if (c->relative)
      return usage_error("--relative needs a duration, not a date ('%s')", c->expire);
    *out = (int64_t)us;
    return 0;
  }
  return usage_error("--expire takes a duration (90s, 5m, 2h, 7d, 1w), a date (YYYY-MM-DD[ "
                     "HH:MM[:SS]], UTC) or never, not '%s'",
                     c->expire);
}

/* RFC 9498 compares labels as they are (UTF-8 in NFC, no case folding),
 * and so does GNUnet: a record under "WWW" is not found as "www", which is
 * what people type.  Say so when a label changes under lower-casing. */
static void warn_upper_case(const char *label) {
  size_t n = strlen(label), lower_len = 0;
  uint8_t *lower = u8_tolower((const uint8_t *)label, n, NULL, NULL, NULL, &lower_len);
  if (lower && (lower_len != n || memcmp(lower, label, n) != 0))
    fprintf(stderr,
            "gnsctl: warning: label '%s' has upper-case letters; GNS labels are case-sensitive "
            "(RFC 9498), so '%.*s' does not find this record\n",
            label, (int)(lower_len > INT_MAX ? INT_MAX : lower_len), (const char *)lower);
  free(lower);
}

static int cmd_record(struct ctl *c, int argc, char **argv) {
  if (argc < 1) return usage_error("record: missing subcommand");
  const char *sub = argv[0];
  json_object *reply = NULL;
  int r;
  if (!strcmp(sub, "add")) {
    if (argc < 5)
      return usage_error("usage: gnsctl record add ZONE LABEL TYPE VALUE [--expire ...]");
    uint32_t type;
    if (gns_rrtype_from_name(argv[3], &type) < 0)
      return usage_error("unknown record type '%s'", argv[3]);
    char *value = join_args(argc, argv, 4);
    if (!value) return fail("out of memory");
    /* Check the value here so the message can say why it is wrong. */
    uint8_t *bin = NULL;
    size_t bin_len = 0;
    const char *why = NULL;
    if (gns_rrtype_from_text(type, value, &bin, &bin_len, &why) < 0) {
      fprintf(stderr, "gnsctl: invalid %s value '%s': %s\n", argv[3], value,
              why ? why : "malformed");
      free(value);
      return EXIT_USAGE;
    }
    free(bin);
    int64_t exp = -1;
    if ((r = parse_expiration(c, &exp))) {
      free(value);
      return r;
    }
    json_object *rec = obj1("label", jnew_str(argv[2]));
    json_object_object_add(rec, "type",
                           jnew_str(gns_rrtype_name(type) ? gns_rrtype_name(type) : argv[3]));
    json_object_object_add(rec, "value", jnew_str(value));
    if (exp >= 0) json_object_object_add(rec, "expiration", json_object_new_int64(exp));
    json_object_object_add(rec, "flags", flags_array(c));
    json_object *p = obj1("zone", jnew_str(argv[1]));
    json_object_object_add(p, "record", rec);
    free(value);
    if ((r = call(c, VL_ZONE_INTERFACE, VL_ZONE_METHOD_AddRecord, p, &reply, argv[1]))) return r;
    if (c->json) print_json(reply);
    warn_upper_case(argv[2]);
  } else if (!strcmp(sub, "list")) {
    if (argc != 2 && argc != 3) return usage_error("usage: gnsctl record list ZONE [LABEL]");
    json_object *p = obj1("zone", jnew_str(argv[1]));
    if (argc == 3) json_object_object_add(p, "label", jnew_str(argv[2]));
    if ((r = call(c, VL_ZONE_INTERFACE, VL_ZONE_METHOD_ListRecords, p, &reply, argv[1]))) return r;
    if (c->json)
      print_json(reply);
    else {
      static const char *const hdr[] = {"LABEL", "TYPE", "EXPIRES", "FLAGS", "VALUE"};
      struct ctl_table *t = ctl_table_new(5, hdr);
      json_object *recs;
      json_object_object_get_ex(reply, "records", &recs);
      for (size_t i = 0; recs && i < json_object_array_length(recs); i++) {
        json_object *rec = json_object_array_get_idx(recs, i), *fl, *ev;
        char flags[128] = "", exp[64];
        bool relative = false;
        if (json_object_object_get_ex(rec, "flags", &fl) && fl)
          for (size_t k = 0; k < json_object_array_length(fl); k++) {
            const char *f = json_object_get_string(json_object_array_get_idx(fl, k));
            if (!strcmp(f, "relative")) relative = true;
            if (flags[0]) strncat(flags, ",", sizeof flags - strlen(flags) - 1);
            strncat(flags, f, sizeof flags - strlen(flags) - 1);
          }
        if (!json_object_object_get_ex(rec, "expiration", &ev) || !ev)
          snprintf(exp, sizeof exp, "never");
        else if (relative)
          ctl_format_duration((unsigned long long)json_object_get_int64(ev), exp, sizeof exp);
        else
          ctl_format_time((unsigned long long)json_object_get_int64(ev), exp, sizeof exp);
        const char *row[] = {jstr(rec, "label"), jstr(rec, "type"), exp, flags[0] ? flags : "-",
                             jstr(rec, "value")};
        ctl_table_add(t, row);
      }
      ctl_table_print(t, stdout, c->colour);
      ctl_table_free(t);
    }
  } else if (!strcmp(sub, "delete")) {
    if (argc < 3) return usage_error("usage: gnsctl record delete ZONE LABEL [TYPE [VALUE]]");
    json_object *p = obj1("zone", jnew_str(argv[1]));
    json_object_object_add(p, "label", jnew_str(argv[2]));
    if (argc >= 4) {
      uint32_t type;
      if (gns_rrtype_from_name(argv[3], &type) < 0)
        return usage_error("unknown record type '%s'", argv[3]);
      json_object_object_add(p, "type",
                             jnew_str(gns_rrtype_name(type) ? gns_rrtype_name(type) : argv[3]));
    }
    if (argc >= 5) {
      char *value = join_args(argc, argv, 4);
      json_object_object_add(p, "value", jnew_str(value));
      free(value);
    }
    if ((r = call(c, VL_ZONE_INTERFACE, VL_ZONE_METHOD_DeleteRecords, p, &reply, argv[1])))
      return r;
    if (c->json)
      print_json(reply);
    else if (jint(reply, "deleted", 0) == 0) {
      json_object_put(reply);
      return fail("no matching record in zone '%s'", argv[1]);
    }
  } else
    return usage_error("unknown record subcommand '%s'", sub);
  json_object_put(reply);
  return 0;
}

/* ---- RPP JSON import/export ---------------------------------------------- */

/* A ZoneRecord (alt.gns.Zone) from a parsed record; NULL if the data has
 * no presentation text. */
static json_object *zone_record_from(const struct gns_rpp_record *rr) {
  char *value = NULL;
  if (gns_rrtype_to_text(rr->rd.type, rr->rd.data, rr->rd.data_len, &value) < 0) return NULL;
  json_object *zr = obj1("label", jnew_str(rr->name));
  char tbuf[16];
  const char *tn = gns_rrtype_name(rr->rd.type);
  if (!tn) {
    snprintf(tbuf, sizeof tbuf, "%u", rr->rd.type);
    tn = tbuf;
  }
  json_object_object_add(zr, "type", jnew_str(tn));
  json_object_object_add(zr, "value", jnew_str(value));
  free(value);
  json_object *fl = json_object_new_array();
  for (size_t k = 0; k < gns_record_flag_names_n; k++)
    if (rr->rd.flags & gns_record_flag_names[k].bit)
      json_object_array_add(fl, jnew_str(gns_record_flag_names[k].name));
  json_object_object_add(zr, "flags", fl);
  if (rr->rd.expiration != UINT64_MAX)
    json_object_object_add(zr, "expiration", json_object_new_int64((int64_t)rr->rd.expiration));
  return zr;
}

/* The reverse, for export. rr->rd.data is malloc'ed on success. */
static int zone_record_to(json_object *rec, struct gns_rpp_record *rr, const char **why) {
  uint32_t type;
  memset(rr, 0, sizeof *rr);
  const char *label = jstr(rec, "label"), *tname = jstr(rec, "type"), *value = jstr(rec, "value");
  if (!label || !tname || !value) {
    *why = "gnsd sent a record without label, type or value";
    return -EBADMSG;
  }
  if (gns_rrtype_from_name(tname, &type) < 0) {
    *why = "unknown record type";
    return -EINVAL;
  }
  snprintf(rr->name, sizeof rr->name, "%s", label);
  uint8_t *bin = NULL;
  size_t bin_len = 0;
  if (gns_rrtype_from_text(type, value, &bin, &bin_len, why) < 0) return -EINVAL;
  if (bin_len > UINT16_MAX) {
    free(bin);
    *why = "record data too large";
    return -E2BIG;
  }
  rr->rd.type = type;
  rr->rd.data = bin;
  rr->rd.data_len = (uint16_t)bin_len;
  rr->rd.expiration = UINT64_MAX;
  json_object *ev, *fl;
  if (json_object_object_get_ex(rec, "expiration", &ev) && ev)
    rr->rd.expiration = (uint64_t)json_object_get_int64(ev);
  if (json_object_object_get_ex(rec, "flags", &fl) && fl)
    for (size_t k = 0; k < json_object_array_length(fl); k++) {
      const char *f = json_object_get_string(json_object_array_get_idx(fl, k));
      for (size_t i = 0; f && i < gns_record_flag_names_n; i++)
        if (!strcmp(f, gns_record_flag_names[i].name)) rr->rd.flags |= gns_record_flag_names[i].bit;
    }
  return 0;
}

/* A streamed import: one connection holds BeginImport open (if gnsctl
 * dies, gnsd rolls the import back), the other carries the batches. */
struct import_ctx {
  const struct ctl *c;
  const char *zone, *file;
  char path[PATH_MAX];
  struct gns_varlink *batches;
  int64_t session;
  json_object *batch;
  size_t batch_bytes;
  uint64_t sent;
  int failed; /* exit code once something failed */
  /* progress on a terminal */
  bool progress;
  uint64_t t0, last_print, file_size, fed;
};

static void human_count(uint64_t v, char *buf, size_t cap) {
  if (v >= 1000000)
    snprintf(buf, cap, "%.2fM", (double)v / 1e6);
  else if (v >= 10000)
    snprintf(buf, cap, "%.1fk", (double)v / 1e3);
  else
    snprintf(buf, cap, "%" PRIu64, v);
}

static void human_secs(uint64_t s, char *buf, size_t cap) {
  if (s >= 3600)
    snprintf(buf, cap, "%" PRIu64 "h%02" PRIu64 "m", s / 3600, s / 60 % 60);
  else if (s >= 60)
    snprintf(buf, cap, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
  else
    snprintf(buf, cap, "%" PRIu64 "s", s);
}

static void import_progress(struct import_ctx *ic, bool force) {
  if (!ic->progress) return;
  uint64_t now = gns_varlink_now();
  if (!force && now - ic->last_print < 250000) return;
  ic->last_print = now;
  double secs = (double)(now - ic->t0) / 1e6;
  uint64_t rate = secs > 0.2 ? (uint64_t)((double)ic->sent / secs) : 0;
  char n[32], r[32], left[64] = "";
  human_count(ic->sent, n, sizeof n);
  human_count(rate, r, sizeof r);
  if (ic->file_size && ic->fed > 0 && ic->fed < ic->file_size && secs > 1) {
    double f = (double)ic->fed / (double)ic->file_size;
    char t[24];
    human_secs((uint64_t)(secs / f - secs), t, sizeof t);
    snprintf(left, sizeof left, ", %2.0f%%, %s left", f * 100, t);
  }
  fprintf(stderr, "\r\033[Kimport %s: %s records, %s/s%s", ic->zone, n, r, left);
  fflush(stderr);
}

static int import_flush(struct import_ctx *ic) {
  if (!ic->batch || json_object_array_length(ic->batch) == 0) return 0;
  json_object *p = json_object_new_object();
  json_object_object_add(p, "session", json_object_new_int64(ic->session));
  json_object_object_add(p, "records", ic->batch);
  size_t n = json_object_array_length(ic->batch);
  ic->batch = NULL;
  ic->batch_bytes = 0;
  json_object *reply = NULL;
  if (ic->progress) fputs("\r\033[K", stderr); /* an error starts its own line */
  int r = call_on(ic->batches, ic->path, VL_ZONE_METHOD_ImportBatch, p,
                  gns_varlink_now() + CALL_TIMEOUT_USEC * 4, &reply, ic->zone);
  if (r) return ic->failed = r;
  json_object_put(reply);
  ic->sent += n;
  import_progress(ic, true);
  return 0;
}

static int import_record(void *userdata, size_t index, const struct gns_rpp_record *rec) {
  struct import_ctx *ic = userdata;
  json_object *zr = zone_record_from(rec);
  if (!zr) {
    ic->failed = fail("%s: record %zu: rdata: has no presentation form", ic->file, index);
    return -EINVAL;
  }
  if (!ic->batch) ic->batch = json_object_new_array();
  size_t len = 0;
  json_object_to_json_string_length(zr, JSON_C_TO_STRING_PLAIN, &len);
  ic->batch_bytes += len + 1;
  json_object_array_add(ic->batch, zr);
  if (json_object_array_length(ic->batch) >= IMPORT_BATCH_RECORDS ||
      ic->batch_bytes >= IMPORT_BATCH_BYTES)
    return import_flush(ic) ? -ECANCELED : 0;
  return 0;
}

/* BeginImport on its own connection: *out keeps it open. */
static int import_begin(struct import_ctx *ic, struct gns_varlink **out) {
  uint64_t deadline = gns_varlink_now() + CALL_TIMEOUT_USEC;
  struct gns_varlink *v = NULL;
  int r = gns_varlink_connect(ic->path, GNSCTL_MAX_REPLY, deadline, &v);
  if (r < 0) return report_io(ic->path, r, 0);
  json_object *msg = json_object_new_object(), *p = json_object_new_object();
  json_object_object_add(msg, "method", json_object_new_string(VL_ZONE_METHOD_BeginImport));
  json_object_object_add(p, "zone", json_object_new_string(ic->zone));
  if (ic->c->replace) json_object_object_add(p, "replace", json_object_new_boolean(1));
  json_object_object_add(msg, "parameters", p);
  json_object_object_add(msg, "more", json_object_new_boolean(1));
  size_t len = 0;
  const char *text = json_object_to_json_string_length(msg, JSON_C_TO_STRING_PLAIN, &len);
  r = gns_varlink_send(v, text, len, deadline);
  json_object_put(msg);
  const char *in = NULL;
  size_t in_len = 0;
  if (r == 0) r = gns_varlink_recv(v, deadline, &in, &in_len);
  if (r < 0) {
    gns_varlink_free(v);
    return report_io(ic->path, r, 0);
  }
  json_object *whole = json_tokener_parse(in), *rp = NULL;
  if (whole) json_object_object_get_ex(whole, "parameters", &rp);
  const char *error = whole ? gns_varlink_reply_error(whole) : "no reply";
  if (error) {
    r = report_error(error, rp ? rp : json_object_new_object(), ic->zone);
    json_object_put(whole);
    gns_varlink_free(v);
    return r;
  }
  ic->session = jint(rp, "session", 0);
  json_object_put(whole);
  *out = v;
  return 0;
}

/* CommitImport, called with "more": until it commits, gnsd reports about
 * once a second how many of the import's labels are still to sign. */
static int import_commit(struct import_ctx *ic, json_object **reply) {
  uint64_t deadline = gns_varlink_now() + IMPORT_COMMIT_TIMEOUT_USEC;
  json_object *msg = json_object_new_object(), *p = json_object_new_object();
  json_object_object_add(msg, "method", json_object_new_string(VL_ZONE_METHOD_CommitImport));
  json_object_object_add(p, "session", json_object_new_int64(ic->session));
  json_object_object_add(msg, "parameters", p);
  json_object_object_add(msg, "more", json_object_new_boolean(1));
  size_t len = 0;
  const char *text = json_object_to_json_string_length(msg, JSON_C_TO_STRING_PLAIN, &len);
  int r = gns_varlink_send(ic->batches, text, len, deadline);
  json_object_put(msg);
  if (r < 0) return report_io(ic->path, r, 0);
  int64_t first = -1;
  uint64_t t_first = 0;
  for (;;) {
    const char *in = NULL;
    size_t in_len = 0;
    r = gns_varlink_recv(ic->batches, deadline, &in, &in_len);
    if (r < 0) {
      if (ic->progress) fputs("\r\033[K", stderr);
      return report_io(ic->path, r, 0);
    }
    json_object *whole = json_tokener_parse(in), *rp = NULL, *jc = NULL;
    if (whole) json_object_object_get_ex(whole, "parameters", &rp);
    const char *error = whole ? gns_varlink_reply_error(whole) : "no reply";
    if (error) {
      if (ic->progress) fputs("\r\033[K", stderr);
      json_object *ep = rp ? json_object_get(rp) : json_object_new_object();
      r = report_error(error, ep, ic->zone);
      json_object_put(ep);
      json_object_put(whole);
      return r;
    }
    if (!json_object_object_get_ex(whole, "continues", &jc) || !json_object_get_boolean(jc)) {
      *reply = rp ? json_object_get(rp) : json_object_new_object();
      json_object_put(whole);
      return 0;
    }
    int64_t queued = jint(rp, "queued", -1);
    json_object_put(whole);
    if (!ic->progress || queued < 0) continue;
    uint64_t now = gns_varlink_now();
    if (first < 0) {
      first = queued;
      t_first = now;
    }
    double secs = (double)(now - t_first) / 1e6;
    char q[32], rate[48] = "", left[48] = "";
    human_count((uint64_t)queued, q, sizeof q);
    if (secs > 1 && first > queued) {
      double per_s = (double)(first - queued) / secs;
      char rs[32], t[24];
      human_count((uint64_t)per_s, rs, sizeof rs);
      human_secs((uint64_t)((double)queued / per_s), t, sizeof t);
      snprintf(rate, sizeof rate, ", %s/s", rs);
      snprintf(left, sizeof left, ", %s left", t);
    }
    fprintf(stderr, "\r\033[Kimport %s: signing, %s labels to go%s%s", ic->zone, q, rate, left);
    fflush(stderr);
  }
}

static int cmd_import(struct ctl *c, int argc, char **argv) {
  if (argc != 3) return usage_error("usage: gnsctl import ZONE FILE|- [--replace]");
  struct import_ctx ic = {.c = c, .zone = argv[1], .file = argv[2]};
  FILE *f = strcmp(ic.file, "-") ? fopen(ic.file, "r") : stdin;
  if (!f) return fail("cannot open %s: %s", ic.file, strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) ic.file_size = (uint64_t)st.st_size;
  ic.progress = !c->json && isatty(STDERR_FILENO);
  socket_path(c, VL_ZONE_INTERFACE, ic.path, sizeof ic.path);
  struct gns_varlink *lifeline = NULL;
  struct gns_rpp_stream *rs = NULL;
  int r = import_begin(&ic, &lifeline);
  if (r) goto out;
  r = gns_varlink_connect(ic.path, GNSCTL_MAX_REPLY, gns_varlink_now() + CALL_TIMEOUT_USEC,
                          &ic.batches);
  if (r < 0) {
    r = report_io(ic.path, r, 0);
    goto out;
  }
  if (gns_rpp_stream_new(ic.zone, import_record, &ic, &rs) < 0) {
    r = fail("out of memory");
    goto out;
  }
  ic.t0 = gns_varlink_now();
  char buf[1 << 16], why[256] = "";
  size_t got;
  int sr = 0;
  while (sr == 0 && (got = fread(buf, 1, sizeof buf, f)) > 0) {
    ic.fed += got;
    sr = gns_rpp_stream_feed(rs, buf, got, why, sizeof why);
    import_progress(&ic, false);
  }
  if (sr == 0 && ferror(f)) {
    r = fail("cannot read %s: %s", ic.file, strerror(errno));
    goto out;
  }
  if (sr == 0) sr = gns_rpp_stream_finish(rs, why, sizeof why);
  if (sr == 0) sr = import_flush(&ic) ? -ECANCELED : 0;
  if (ic.failed) {
    r = ic.failed;
    goto out;
  }
  if (sr < 0) {
    if (ic.progress) fputs("\r\033[K", stderr);
    r = fail("%s: %s", ic.file, sr == -ENOMEM ? "out of memory" : why);
    goto out;
  }
  if (ic.progress) {
    char n[32];
    human_count(ic.sent, n, sizeof n);
    fprintf(stderr, "\r\033[Kimport %s: %s records sent; storing and signing...", ic.zone, n);
    fflush(stderr);
  }
  json_object *reply = NULL;
  r = import_commit(&ic, &reply);
  if (ic.progress) fputs("\r\033[K", stderr);
  if (r) goto out;
  double secs = (double)(gns_varlink_now() - ic.t0) / 1e6;
  if (c->json)
    print_json(reply);
  else
    printf("imported %" PRId64 " record(s) into %s in %.1f s\n", jint(reply, "imported", 0),
           ic.zone, secs);
  json_object_put(reply);
  r = 0;
out:
  /* closing the BeginImport connection before a commit rolls back */
  gns_rpp_stream_free(rs);
  json_object_put(ic.batch);
  gns_varlink_free(ic.batches);
  gns_varlink_free(lifeline);
  if (f != stdin) fclose(f);
  return r;
}

/* Print one record of an export; the document is written as it goes. */
static int export_record(json_object *rec, size_t index, const char *zone) {
  struct gns_rpp_record rr;
  const char *why = NULL;
  if (zone_record_to(rec, &rr, &why) < 0)
    return fail("record %zu: %s", index, why ? why : "invalid");
  json_object *o = NULL;
  int r = gns_rpp_record_to_json(rr.name, &rr.rd, &o);
  gns_rpp_record_clear(&rr);
  if (r < 0) return fail("cannot build the RPP JSON of record %zu", index);
  (void)zone;
  printf(
      "%s\n      %s", index ? "," : "",
      json_object_to_json_string_ext(o, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put(o);
  return 0;
}

static int cmd_export(struct ctl *c, int argc, char **argv) {
  if (argc != 2) return usage_error("usage: gnsctl export ZONE");
  const char *zone = argv[1];
  char path[PATH_MAX];
  socket_path(c, VL_ZONE_INTERFACE, path, sizeof path);
  struct gns_varlink *v = NULL;
  int r = gns_varlink_connect(path, GNSCTL_MAX_REPLY, gns_varlink_now() + CALL_TIMEOUT_USEC, &v);
  if (r < 0) return report_io(path, r, 0);
  /* pages of records, printed as they come: memory is one page */
  char *after = NULL;
  size_t index = 0;
  bool started = false;
  do {
    json_object *p = json_object_new_object(), *reply = NULL, *list = NULL;
    json_object_object_add(p, "zone", json_object_new_string(zone));
    json_object_object_add(p, "limit", json_object_new_int(EXPORT_PAGE_RECORDS));
    if (after) json_object_object_add(p, "after", json_object_new_string(after));
    free(after);
    after = NULL;
    r = call_on(v, path, VL_ZONE_METHOD_ListRecords, p, gns_varlink_now() + CALL_TIMEOUT_USEC,
                &reply, zone);
    if (r) break;
    if (!started) {
      json_object *name = json_object_new_string(zone);
      printf("{\n  \"@type\": \"Zone\",\n  \"name\": %s,\n  \"dns\": {\n    \"records\": [",
             json_object_to_json_string_ext(name, JSON_C_TO_STRING_NOSLASHESCAPE));
      json_object_put(name);
      started = true;
    }
    size_t n = json_object_object_get_ex(reply, "records", &list) && list
                   ? json_object_array_length(list)
                   : 0;
    for (size_t i = 0; r == 0 && i < n; i++)
      r = export_record(json_object_array_get_idx(list, i), index++, zone);
    const char *next = jstr(reply, "next");
    if (r == 0 && next) after = strdup(next);
    json_object_put(reply);
  } while (r == 0 && after);
  free(after);
  gns_varlink_free(v);
  if (started) printf("\n    ]\n  }\n}\n");
  if (r == 0 && fflush(stdout) != 0) r = fail("cannot write the export: %s", strerror(errno));
  return r;
}

/* Build and store every block of ZONE (or of all zones) again, now; gnsd
 * replies once they are stored. */
static int cmd_publish(struct ctl *c, int argc, char **argv) {
  if (argc > 2) return usage_error("usage: gnsctl publish [ZONE]");
  char path[PATH_MAX];
  socket_path(c, VL_ZONE_INTERFACE, path, sizeof path);
  struct gns_varlink *v = NULL;
  int r = gns_varlink_connect(path, GNSCTL_MAX_REPLY, gns_varlink_now() + CALL_TIMEOUT_USEC, &v);
  if (r < 0) return report_io(path, r, 0);
  json_object *p = json_object_new_object(), *reply = NULL;
  if (argc == 2) json_object_object_add(p, "zone", json_object_new_string(argv[1]));
  r = call_on(v, path, VL_ZONE_METHOD_Publish, p, gns_varlink_now() + IMPORT_COMMIT_TIMEOUT_USEC,
              &reply, argc == 2 ? argv[1] : "publish");
  gns_varlink_free(v);
  if (r) return r;
  if (c->json)
    print_json(reply);
  else
    printf("published %" PRId64 " block(s)\n", jint(reply, "blocks", 0));
  json_object_put(reply);
  return 0;
}

/* ---- resolve ---------------------------------------------------------------- */

static uint64_t mono_usec(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int cmd_resolve(struct ctl *c, int argc, char **argv) {
  if (argc != 2) return usage_error("usage: gnsctl resolve NAME [--type TYPE]");
  json_object *p = obj1("name", jnew_str(argv[1]));
  if (c->type) {
    uint32_t type;
    if (gns_rrtype_from_name(c->type, &type) < 0) {
      json_object_put(p);
      return usage_error("unknown record type '%s'", c->type);
    }
    json_object_object_add(p, "type",
                           jnew_str(gns_rrtype_name(type) ? gns_rrtype_name(type) : c->type));
  }
  json_object *reply = NULL;
  uint64_t t0 = mono_usec();
  int r = call(c, VL_RESOLVE_INTERFACE, VL_RESOLVE_METHOD_ResolveRecords, p, &reply, argv[1]);
  uint64_t took = mono_usec() - t0;
  if (r) return r;
  if (c->json) {
    json_object_object_add(reply, "took_usec", json_object_new_int64((int64_t)took));
    print_json(reply);
  } else {
    json_object *recs;
    json_object_object_get_ex(reply, "records", &recs);
    static const char *const hdr[] = {"NAME", "TYPE", "EXPIRES", "DATA"};
    struct ctl_table *t = ctl_table_new(4, hdr);
    for (size_t i = 0; recs && i < json_object_array_length(recs); i++) {
      json_object *rec = json_object_array_get_idx(recs, i), *rdata, *ev;
      char exp[64] = "-";
      if (json_object_object_get_ex(rec, "expiration", &ev) && ev)
        ctl_format_time((unsigned long long)json_object_get_int64(ev), exp, sizeof exp);
      /* Show rdata as the presentation text when it converts, else as JSON. */
      char *text = NULL;
      const char *shown = NULL;
      struct gns_rpp_record rr;
      const char *why;
      /* The record's name is the whole GNS name; parse it as the apex of
       * a nameless origin to get at the data. */
      json_object *copy = NULL;
      if (json_object_deep_copy(rec, &copy, NULL) == 0)
        json_object_object_add(copy, "name", jnew_str("@"));
      if (copy && gns_rpp_record_from_json(copy, NULL, &rr, &why) == 0) {
        if (gns_rrtype_to_text(rr.rd.type, rr.rd.data, rr.rd.data_len, &text) == 0) shown = text;
        gns_rpp_record_clear(&rr);
      }
      if (!shown && json_object_object_get_ex(rec, "rdata", &rdata))
        shown = json_object_to_json_string_ext(rdata, JSON_C_TO_STRING_PLAIN);
      const char *row[] = {jstr(rec, "name"), jstr(rec, "type"), exp, shown};
      ctl_table_add(t, row);
      free(text);
      json_object_put(copy);
    }
    ctl_table_print(t, stdout, c->colour);
    ctl_table_free(t);
    char d[32];
    printf("\n-- zone %s, %s, answered %s\n", jstr(reply, "zone") ? jstr(reply, "zone") : "?",
           ctl_format_duration(took, d, sizeof d),
           jbool(reply, "cached") ? "from cache" : "by resolution");
    const char *rc = jstr(reply, "revocationCheck");
    if (rc && !strcmp(rc, "unreachable"))
      printf("-- revocations: the GNUnet peer's revocation service was not reachable; only the "
             "revocations stored in gnsd were checked\n");
    else if (rc && !strcmp(rc, "network"))
      printf("-- revocations: checked with the GNUnet peer's revocation service\n");
  }
  json_object_put(reply);
  return 0;
}

/* ---- start zones ------------------------------------------------------------ */

static int cmd_start_zone(struct ctl *c, int argc, char **argv) {
  if (argc < 1) return usage_error("start-zone: missing subcommand");
  json_object *reply = NULL;
  int r;
  if (!strcmp(argv[0], "add")) {
    if (argc != 3) return usage_error("usage: gnsctl start-zone add SUFFIX ZTLD|ZONE");
    json_object *p = obj1("suffix", jnew_str(argv[1]));
    json_object_object_add(p, "zone", jnew_str(argv[2]));
    if ((r = call(c, VL_ZONE_INTERFACE, VL_ZONE_METHOD_AddStartZone, p, &reply, argv[1]))) return r;
    if (c->json) print_json(reply);
  } else if (!strcmp(argv[0], "list")) {
    if (argc != 1) return usage_error("usage: gnsctl start-zone list");
    if ((r = call(c, VL_ZONE_INTERFACE, VL_ZONE_METHOD_ListStartZones, NULL, &reply,
                  "start-zone list")))
      return r;
    if (c->json)
      print_json(reply);
    else {
      static const char *const hdr[] = {"SUFFIX", "ZONE", "ZTLD"};
      struct ctl_table *t = ctl_table_new(3, hdr);
      json_object *zs;
      json_object_object_get_ex(reply, "startZones", &zs);
      for (size_t i = 0; zs && i < json_object_array_length(zs); i++) {
        json_object *z = json_object_array_get_idx(zs, i);
        const char *row[] = {jstr(z, "suffix"), jstr(z, "zone"), jstr(z, "ztld")};
        ctl_table_add(t, row);
      }
      ctl_table_print(t, stdout, c->colour);
      ctl_table_free(t);
    }
  } else if (!strcmp(argv[0], "remove")) {
    if (argc != 2) return usage_error("usage: gnsctl start-zone remove SUFFIX");
    if ((r = call(c, VL_ZONE_INTERFACE, VL_ZONE_METHOD_RemoveStartZone,
                  obj1("suffix", jnew_str(argv[1])), &reply, argv[1])))
      return r;
    if (c->json) print_json(reply);
  } else
    return usage_error("unknown start-zone subcommand '%s'", argv[0]);
  json_object_put(reply);
  return 0;
}

/* ---- revocation ------------------------------------------------------------- */

static volatile sig_atomic_t interrupted;
static void on_interrupt(int sig) {
  (void)sig;
  interrupted = 1;
}

struct progress {
  bool tty;
  uint64_t start_usec, start_tried;
  uint64_t expected; /* rough number of candidates the difficulty needs */
  uint64_t last_print;
};

static int progress_cb(void *userdata, uint64_t tried, unsigned found, double avg) {
  struct progress *p = userdata;
  if (interrupted) return 1;
  uint64_t now = mono_usec();
  if (now - p->last_print < 250000) return 0;
  p->last_print = now;
  double rate = (double)(tried - p->start_tried) / ((double)(now - p->start_usec) / 1e6 + 1e-9);
  double frac = p->expected ? (double)tried / (double)p->expected : 0;
  if (frac > 0.99) frac = 0.99;
  char eta[32] = "?";
  if (rate > 0 && p->expected > tried)
    ctl_format_duration((unsigned long long)((double)(p->expected - tried) / rate * 1e6), eta,
                        sizeof eta);
  if (p->tty) {
    char bar[31];
    int fill = (int)(frac * 30);
    for (int i = 0; i < 30; i++)
      bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r[%s] %3d%%  %u/%u found, avg %.2f bits, %.0f/s, about %s left   ", bar,
            (int)(frac * 100), found, GNS_REVOCATION_Z, avg, rate, eta);
  }
  return 0;
}

static int state_path(const struct ctl *c, const char *ztld, char *buf, size_t cap) {
  if (c->state_file) {
    snprintf(buf, cap, "%s", c->state_file);
    return 0;
  }
  const char *base = getenv("XDG_STATE_HOME");
  char dir[PATH_MAX];
  if (base && *base)
    snprintf(dir, sizeof dir, "%s/gnsctl", base);
  else {
    const char *home = getenv("HOME");
    if (!home || !*home) return -ENOENT;
    snprintf(dir, sizeof dir, "%s/.local/state/gnsctl", home);
  }
  /* mkdir -p, one level at a time */
  for (char *s = dir + 1; *s; s++)
    if (*s == '/') {
      *s = '\0';
      mkdir(dir, 0700);
      *s = '/';
    }
  if (mkdir(dir, 0700) < 0 && errno != EEXIST) return -errno;
  int w = snprintf(buf, cap, "%s/revoke-%s.state", dir, ztld);
  return w < 0 || (size_t)w >= cap ? -ENAMETOOLONG : 0;
}

static int save_state(const char *path, const struct gns_revocation_state *st) {
  uint8_t buf[GNS_REVOCATION_STATE_LEN];
  char tmp[PATH_MAX + 8];
  gns_revocation_state_to_bytes(st, buf);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return -errno;
  ssize_t w = write(fd, buf, sizeof buf);
  int e = (w == (ssize_t)sizeof buf && fsync(fd) == 0) ? 0 : -EIO;
  close(fd);
  if (e == 0 && rename(tmp, path) < 0) e = -errno;
  return e;
}

/* A revocation file holds the bare RFC 9498, 4.2 message, as
 * gnunet-revocation -f writes it. */
static int write_revocation(const char *file, const char *b64) {
  uint8_t msg[GNS_REVOCATION_LEN + 1];
  size_t len = 0;
  if (!b64 ||
      sodium_base642bin(msg, sizeof msg, b64, strlen(b64), NULL, &len, NULL,
                        sodium_base64_VARIANT_ORIGINAL) < 0 ||
      len != GNS_REVOCATION_LEN)
    return fail("gnsd sent no usable revocation");
  char tmp[PATH_MAX];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", file) >= (int)sizeof tmp)
    return fail("%s: name too long", file);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail("%s: %s", tmp, strerror(errno));
  int e = write(fd, msg, len) == (ssize_t)len ? 0 : errno ? errno : EIO;
  if (close(fd) < 0 && !e) e = errno;
  if (!e && rename(tmp, file) < 0) e = errno;
  if (e) {
    unlink(tmp);
    return fail("writing %s: %s", file, strerror(e));
  }
  return 0;
}

static int cmd_revoke(struct ctl *c, int argc, char **argv) {
  if (argc != 2) return usage_error("usage: gnsctl revoke ZONE [--prepare FILE] [--difficulty D]");
  json_object *reply = NULL, *zone;
  int r = call(c, VL_ZONE_INTERFACE, VL_ZONE_METHOD_GetZone, obj1("name", jnew_str(argv[1])),
               &reply, argv[1]);
  if (r) return r;
  json_object_object_get_ex(reply, "zone", &zone);
  char ztld[GNS_ZTLD_MAX];
  snprintf(ztld, sizeof ztld, "%s", jstr(zone, "ztld") ? jstr(zone, "ztld") : "");
  bool revoked = jbool(zone, "revoked");
  /* gnsd signs only a proof of work that reaches its [revocation]
   * difficulty: work to that one, not to RFC 9498's 22 when gnsd.conf
   * says otherwise. */
  int64_t required = jint(reply, "revocationDifficulty", 0);
  json_object_put(reply);
  if (revoked) return fail("zone '%s' is revoked already", argv[1]);
  if (required < 1 || required > GNS_REVOCATION_MAX_ZEROS) {
    if (!c->difficulty) {
      c->difficulty = GNS_REVOCATION_D;
      fprintf(stderr,
              "gnsctl: note: gnsd did not say which revocation difficulty it requires (an older "
              "gnsd?); using %u, RFC 9498's\n",
              c->difficulty);
    }
  } else if (!c->difficulty) {
    c->difficulty = (unsigned)required;
  } else if (c->difficulty < required) {
    return fail("gnsd requires a proof of work of difficulty %u ([revocation] difficulty); "
                "--difficulty %u would be refused",
                (unsigned)required, c->difficulty);
  }
  struct gns_zone_key zk;
  if (gns_ztld_decode(ztld, strlen(ztld), &zk) < 0)
    return fail("gnsd sent an invalid zTLD '%s'", ztld);

  char path[PATH_MAX];
  if ((r = state_path(c, ztld, path, sizeof path)) < 0)
    return fail("cannot find a place for the resumable state (set XDG_STATE_HOME): %s",
                strerror(-r));
  struct gns_revocation_state st;
  bool resumed = false;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    uint8_t buf[GNS_REVOCATION_STATE_LEN + 1];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n > 0 && gns_revocation_state_from_bytes(buf, (size_t)n, &st) == 0 &&
        gns_zone_key_equal(&st.zk, &zk) && st.difficulty == c->difficulty)
      resumed = true;
    else
      fprintf(stderr, "gnsctl: ignoring unusable saved state %s\n", path);
  }
  if (!resumed) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    gns_revocation_state_init(
        &st, &zk, (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u, c->difficulty);
  }
  fprintf(stderr,
          "gnsctl: %s the proof of work for zone '%s' (difficulty %u, all cores); Ctrl-C saves and "
          "stops.\n",
          resumed ? "resuming" : "computing", argv[1], c->difficulty);

  struct sigaction sa = {.sa_handler = on_interrupt};
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  struct progress pr = {
      .tty = isatty(STDERR_FILENO) == 1, .start_usec = mono_usec(), .start_tried = st.tried};
  /* The top Z of N candidates average about log2(N/Z) + 1.4 zero bits. */
  double need = (double)GNS_REVOCATION_Z * __builtin_powi(2.0, (int)c->difficulty) / 2.6;
  pr.expected = need > 1e18 ? (uint64_t)1e18 : (uint64_t)need;
  r = pow_run(&st, 0, progress_cb, &pr);
  if (pr.tty) fputc('\n', stderr);
  int se = save_state(path, &st);
  if (r == -ECANCELED) {
    if (se < 0)
      return fail("interrupted, and saving the state to %s failed: %s", path, strerror(-se));
    return fail("interrupted; progress saved in %s; run the same command again to resume", path);
  }
  if (r < 0) return fail("proof of work failed: %s", strerror(-r));

  json_object *pows = json_object_new_array();
  for (unsigned i = 0; i < GNS_REVOCATION_Z; i++) {
    char num[24];
    snprintf(num, sizeof num, "%" PRIu64, st.best[i]);
    json_object_array_add(pows, jnew_str(num));
  }
  json_object *p = obj1("zone", jnew_str(argv[1]));
  json_object_object_add(p, "timestamp", json_object_new_int64((int64_t)st.timestamp));
  json_object_object_add(p, "pows", pows);
  if (c->prepare) json_object_object_add(p, "prepare", json_object_new_boolean(1));
  if ((r = call(c, VL_ZONE_INTERFACE, VL_ZONE_METHOD_Revoke, p, &reply, argv[1]))) return r;
  unlink(path);
  if (c->prepare) {
    r = write_revocation(c->prepare, jstr(reply, "revocation"));
    if (r == 0 && c->json)
      print_json(reply);
    else if (r == 0) {
      char t[64];
      printf(
          "revocation of zone '%s' prepared in %s, not published; valid until %s.\n"
          "Keep it safe: 'gnsctl revocation publish %s' revokes the zone, even without its key.\n",
          argv[1], c->prepare,
          ctl_format_time((unsigned long long)jint(reply, "expires", 0), t, sizeof t), c->prepare);
    }
    json_object_put(reply);
    return r;
  }
  if (c->json)
    print_json(reply);
  else {
    char t[64];
    printf("zone '%s' revoked; the revocation is valid until %s\n", argv[1],
           ctl_format_time((unsigned long long)jint(reply, "expires", 0), t, sizeof t));
  }
  json_object_put(reply);
  return 0;
}

/* revocation publish|import FILE: the same verification in gnsd; the
 * words differ for the reader (one's own prepared revocation, or one
 * from elsewhere). */
static int cmd_revocation_file(struct ctl *c, const char *sub, const char *file) {
  int fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : dup(STDIN_FILENO);
  if (fd < 0) return fail("%s: %s", file, strerror(errno));
  uint8_t msg[4096];
  size_t len = 0;
  for (;;) {
    ssize_t n = read(fd, msg + len, sizeof msg - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      close(fd);
      return fail("%s: %s", file, strerror(e));
    }
    if (n == 0 || (len += (size_t)n) == sizeof msg) break;
  }
  close(fd);
  if (len != GNS_REVOCATION_LEN)
    return fail("%s: %zu%s bytes, not a revocation (%u bytes for a PKEY or EDKEY zone)", file, len,
                len == sizeof msg ? " or more" : "", GNS_REVOCATION_LEN);
  char b64[sodium_base64_ENCODED_LEN(GNS_REVOCATION_LEN, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64, sizeof b64, msg, len, sodium_base64_VARIANT_ORIGINAL);
  json_object *reply = NULL;
  int r = call(c, VL_ZONE_INTERFACE, VL_ZONE_METHOD_ImportRevocation,
               obj1("revocation", jnew_str(b64)), &reply, file);
  if (r) return r;
  if (c->json)
    print_json(reply);
  else {
    char t[64];
    printf("zone %s revoked (%s), valid until %s; gnsd hands it to the GNUnet peer if it has one\n",
           jstr(reply, "zone"), !strcmp(sub, "publish") ? "published" : "imported",
           ctl_format_time((unsigned long long)jint(reply, "expires", 0), t, sizeof t));
  }
  json_object_put(reply);
  return 0;
}

static int cmd_revocation(struct ctl *c, int argc, char **argv) {
  if (argc == 2 && (!strcmp(argv[0], "publish") || !strcmp(argv[0], "import")))
    return cmd_revocation_file(c, argv[0], argv[1]);
  if (argc != 2 || strcmp(argv[0], "show"))
    return usage_error("usage: gnsctl revocation show ZTLD|ZONE | publish FILE | import FILE");
  json_object *reply = NULL;
  int r = call(c, VL_ZONE_INTERFACE, VL_ZONE_METHOD_GetRevocation, obj1("zone", jnew_str(argv[1])),
               &reply, argv[1]);
  if (r) return r;
  const char *src = jstr(reply, "source");
  if (c->json)
    print_json(reply);
  else if (!jbool(reply, "revoked"))
    printf("%s: not revoked\n", argv[1]);
  else {
    char t1[64], t2[64];
    if (src && !strcmp(src, "network"))
      printf("%s: revoked (reported by the GNUnet peer's revocation service; gnsd holds no "
             "message), believed until %s\n",
             argv[1],
             ctl_format_time((unsigned long long)jint(reply, "expires", 0), t2, sizeof t2));
    else
      printf("%s: revoked at %s, valid until %s\n", argv[1],
             ctl_format_time((unsigned long long)jint(reply, "timestamp", 0), t1, sizeof t1),
             ctl_format_time((unsigned long long)jint(reply, "expires", 0), t2, sizeof t2));
  }
  const char *net = c->json ? NULL : jstr(reply, "network");
  if (net) {
    bool up = jbool(reply, "networkConnected");
    char t3[64];
    if (!strcmp(net, "accepted"))
      printf(
          "network: the GNUnet peer's revocation service has it (accepted %s) and floods it "
          "to its peers\n",
          ctl_format_time((unsigned long long)jint(reply, "networkAcceptedAt", 0), t3, sizeof t3));
    else if (!strcmp(net, "queued") || !strcmp(net, "sent"))
      printf("network: %s for the GNUnet peer's revocation service%s\n",
             !strcmp(net, "sent") ? "sent, no answer yet," : "queued",
             up ? "" : " (not reachable now; sent when it is back)");
    else if (!strcmp(net, "failed"))
      printf("network: the GNUnet peer could not store it; gnsd tries again\n");
    else if (!strcmp(net, "rejected"))
      printf("network: the GNUnet peer rejected it (its revocation difficulty may be higher "
             "than gnsd's)\n");
    else if (jbool(reply, "revoked") && src && !strcmp(src, "network"))
      printf("network: the GNUnet peer reported it\n");
    else if (jbool(reply, "revoked"))
      printf("network: not handed to the GNUnet peer\n");
  }
  json_object_put(reply);
  return 0;
}

/* ---- status ----------------------------------------------------------------- */

/* The statistics that are points in time, in microseconds since the epoch
 * (alt.gns.Zone.GetStatistics; 0 = not yet).  --json prints them raw. */
static bool is_time_key(const char *key) {
  static const char *const keys[] = {"lastPublished", "nextPublish", "nextExpiration", "lastPass"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (!strcmp(key, keys[i])) return true;
  return false;
}

/* "2026-12-03 12:00:00 UTC (5m ago)", "... (in 4h)", or "never". */
static const char *format_when(int64_t usec, char *buf, size_t cap) {
  if (usec <= 0) return snprintf(buf, cap, "never"), buf;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  unsigned long long now =
      (unsigned long long)ts.tv_sec * 1000000ull + (unsigned long long)ts.tv_nsec / 1000;
  unsigned long long u = (unsigned long long)usec;
  char t[32], d[32];
  ctl_format_time(u, t, sizeof t);
  if (u >= (unsigned long long)INT64_MAX) return snprintf(buf, cap, "%s", t), buf;
  if (u <= now)
    snprintf(buf, cap, "%s (%s ago)", t, ctl_format_duration(now - u, d, sizeof d));
  else
    snprintf(buf, cap, "%s (in %s)", t, ctl_format_duration(u - now, d, sizeof d));
  return buf;
}

static void print_object_lines(json_object *o, const char *indent) {
  json_object_object_foreach(o, key, val) {
    char when[96];
    if (json_object_is_type(val, json_type_object)) {
      char deeper[32];
      snprintf(deeper, sizeof deeper, "%s  ", indent);
      printf("%s%s:\n", indent, key);
      print_object_lines(val, deeper);
    } else if (is_time_key(key) && json_object_is_type(val, json_type_int)) {
      printf("%s%-18s %s\n", indent, key,
             format_when(json_object_get_int64(val), when, sizeof when));
    } else {
      printf("%s%-18s %s\n", indent, key,
             json_object_is_type(val, json_type_string)
                 ? json_object_get_string(val)
                 : json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN |
                                                           JSON_C_TO_STRING_NOSLASHESCAPE));
    }
  }
}

static int cmd_status(struct ctl *c, int argc, char **argv) {
  (void)argv;
  if (argc != 1) return usage_error("usage: gnsctl status");
  json_object *reply = NULL;
  int r = call(c, VL_ZONE_INTERFACE, VL_ZONE_METHOD_GetStatistics, NULL, &reply, "status");
  if (r) return r;
  if (c->json)
    print_json(reply);
  else {
    char up[32];
    /* uptime is in seconds (alt.gns.Zone.varlink) */
    int64_t uptime = jint(reply, "uptime", 0);
    printf("gnsd %s, up %s\n", jstr(reply, "version") ? jstr(reply, "version") : "?",
           ctl_format_duration(uptime > 0 ? (unsigned long long)uptime * 1000000ull : 0, up,
                               sizeof up));
    json_object *v;
    if (json_object_object_get_ex(reply, "backends", &v) && v) {
      puts("\nBackends:");
      for (size_t i = 0; i < json_object_array_length(v); i++) {
        json_object *b = json_object_array_get_idx(v, i);
        printf("  %s: %s\n", jstr(b, "name") ? jstr(b, "name") : "?",
               jstr(b, "state") ? jstr(b, "state") : "?");
        print_object_lines(b, "    ");
      }
    }
    /* The sections that are one object of counters each. */
    static const struct {
      const char *key, *title;
    } sections[] = {
        {"cache", "Cache"},
        {"dnsStub", "DNS stub"},
        {"store", "Store"},
        {"limits", "Per-user limits (refused, closed, throttled)"},
    };
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
      if (json_object_object_get_ex(reply, sections[i].key, &v) && v) {
        printf("\n%s:\n", sections[i].title);
        print_object_lines(v, "  ");
      }
    if (json_object_object_get_ex(reply, "published", &v) && v && json_object_array_length(v)) {
      puts("\nPublished:");
      for (size_t i = 0; i < json_object_array_length(v); i++)
        print_object_lines(json_object_array_get_idx(v, i), "  ");
    }
  }
  json_object_put(reply);
  return 0;
}

/* ---- main ------------------------------------------------------------------- */

enum {
  OPT_RUNTIME_DIR = 256,
  OPT_JSON,
  OPT_TYPE,
  OPT_EXPIRE,
  OPT_RELATIVE,
  OPT_SHADOW,
  OPT_SUPPLEMENTAL,
  OPT_PRIVATE,
  OPT_CRITICAL,
  OPT_REPLACE,
  OPT_DIFFICULTY,
  OPT_STATE_FILE,
  OPT_PREPARE,
  OPT_HELP,
  OPT_VERSION
};

int main(int argc, char **argv) {
  struct ctl c = {0};
  const char *env = getenv("GNSD_RUNTIME_DIR");
  c.runtime_dir = env && *env ? env : GNSD_RUNTIME_DIR;
  static const struct option opts[] = {{"runtime-dir", required_argument, NULL, OPT_RUNTIME_DIR},
                                       {"json", no_argument, NULL, OPT_JSON},
                                       {"type", required_argument, NULL, OPT_TYPE},
                                       {"expire", required_argument, NULL, OPT_EXPIRE},
                                       {"relative", no_argument, NULL, OPT_RELATIVE},
                                       {"shadow", no_argument, NULL, OPT_SHADOW},
                                       {"supplemental", no_argument, NULL, OPT_SUPPLEMENTAL},
                                       {"private", no_argument, NULL, OPT_PRIVATE},
                                       {"critical", no_argument, NULL, OPT_CRITICAL},
                                       {"replace", no_argument, NULL, OPT_REPLACE},
                                       {"difficulty", required_argument, NULL, OPT_DIFFICULTY},
                                       {"state-file", required_argument, NULL, OPT_STATE_FILE},
                                       {"prepare", required_argument, NULL, OPT_PREPARE},
                                       {"help", no_argument, NULL, OPT_HELP},
                                       {"version", no_argument, NULL, OPT_VERSION},
                                       {NULL, 0, NULL, 0}};
  int opt;
  /* Options may stand anywhere (GNU permutation); "--" ends them so that
   * values starting with '-' can be given. */
  opterr = 0;
  while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (opt) {
    case OPT_RUNTIME_DIR:
      c.runtime_dir = optarg;
      break;
    case OPT_JSON:
      c.json = true;
      break;
    case OPT_TYPE:
      c.type = optarg;
      break;
    case OPT_EXPIRE:
      c.expire = optarg;
      break;
    case OPT_RELATIVE:
      c.relative = true;
      break;
    case OPT_SHADOW:
      c.shadow = true;
      break;
    case OPT_SUPPLEMENTAL:
      c.supplemental = true;
      break;
    case OPT_PRIVATE:
      c.private_ = true;
      break;
    case OPT_CRITICAL:
      c.critical = true;
      break;
    case OPT_REPLACE:
      c.replace = true;
      break;
    case OPT_DIFFICULTY: {
      char *end;
      unsigned long d = strtoul(optarg, &end, 10);
      if (*end || d == 0 || d > 64)
        return usage_error("--difficulty takes a number from 1 to 64, not '%s'", optarg);
      c.difficulty = (unsigned)d;
      break;
    }
    case OPT_STATE_FILE:
      c.state_file = optarg;
      break;
    case OPT_PREPARE:
      c.prepare = optarg;
      break;
    case 'h':
    case OPT_HELP:
      usage(stdout);
      return 0;
    case OPT_VERSION:
      printf("gnsctl %s\n", gns_version());
      return 0;
    case ':':
      return usage_error("option '%s' needs a value", argv[optind - 1]);
    default:
      return usage_error("unknown option '%s'", argv[optind - 1]);
    }
  }
  c.colour = !c.json && ctl_want_colour(stdout);
  int n = argc - optind;
  char **a = argv + optind;
  if (n < 1) return usage_error("missing command");
  const char *cmd = a[0];

  /* Reject options that mean nothing for the command instead of ignoring them. */
  bool record_opts =
      c.expire || c.relative || c.shadow || c.supplemental || c.private_ || c.critical;
  bool is_record_add = !strcmp(cmd, "record") && n > 1 && !strcmp(a[1], "add");
  if (record_opts && !is_record_add)
    return usage_error(
        "--expire/--relative/--shadow/--supplemental/--private/--critical go with 'record add'");
  if (c.type &&
      !(!strcmp(cmd, "resolve") || (!strcmp(cmd, "zone") && n > 1 && !strcmp(a[1], "create"))))
    return usage_error("--type goes with 'resolve' and 'zone create'");
  if (c.replace && strcmp(cmd, "import")) return usage_error("--replace goes with 'import'");

  if (!strcmp(cmd, "zone")) return cmd_zone(&c, n - 1, a + 1);
  if (!strcmp(cmd, "record")) return cmd_record(&c, n - 1, a + 1);
  if (!strcmp(cmd, "import")) return cmd_import(&c, n, a);
  if (!strcmp(cmd, "export")) return cmd_export(&c, n, a);
  if (!strcmp(cmd, "resolve")) return cmd_resolve(&c, n, a);
  if (!strcmp(cmd, "start-zone")) return cmd_start_zone(&c, n - 1, a + 1);
  if (!strcmp(cmd, "revoke")) return cmd_revoke(&c, n, a);
  if (!strcmp(cmd, "revocation")) return cmd_revocation(&c, n - 1, a + 1);
  if (!strcmp(cmd, "status")) return cmd_status(&c, n, a);
  if (!strcmp(cmd, "publish")) return cmd_publish(&c, n, a);
  if (!strcmp(cmd, "help")) {
    usage(stdout);
    return 0;
  }
  return usage_error("unknown command '%s'", cmd);
}
