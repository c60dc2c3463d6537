/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gnsctl's one-line messages for gnsd's errors. See ctl-errors.h. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "contract.h"
#include "ctl-errors.h"

static int say(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int say(char *buf, size_t cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, cap, fmt, ap);
  va_end(ap);
  return 0;
}

int ctl_error_text(const char *error, json_object *params, const char *what, char *buf,
                   size_t cap) {
  json_object *v;
  const char *name =
      json_object_object_get_ex(params, "name", &v) ? json_object_get_string(v) : what;
  if (!strcmp(error, VL_ZONE_ERROR_NoSuchZone))
    return say(buf, cap, "no zone named '%s'", name ? name : "");
  if (!strcmp(error, VL_ZONE_ERROR_ZoneExists))
    return say(buf, cap, "a zone named '%s' exists already", name ? name : "");
  if (!strcmp(error, VL_ZONE_ERROR_ImportInProgress))
    return say(buf, cap,
               "an import into zone '%s' is running; changes wait until it ends (try again then)",
               name ? name : "");
  if (!strcmp(error, VL_ZONE_ERROR_ImportAborted) || !strcmp(error, VL_ZONE_ERROR_NoSuchImport))
    return say(buf, cap, "%s: the import was rolled back; the zone is as it was", what);
  if (!strcmp(error, VL_ZONE_ERROR_PermissionDenied))
    return say(buf, cap, "permission denied: managing gnsd needs root or the gnsd group");
  if (!strcmp(error, VL_ZONE_ERROR_InvalidParameter) ||
      !strcmp(error, "org.varlink.service.InvalidParameter")) {
    const char *p =
        json_object_object_get_ex(params, "parameter", &v) ? json_object_get_string(v) : "?";
    const char *why =
        json_object_object_get_ex(params, "reason", &v) ? json_object_get_string(v) : "invalid";
    if (json_object_object_get_ex(params, "index", &v) && json_object_is_type(v, json_type_int)) {
      /* "records[3].value" -> "value": the index is said once */
      const char *field = p;
      if (!strncmp(field, "records[", 8) && strchr(field, ']')) {
        field = strchr(field, ']') + 1;
        if (*field == '.') field++;
      }
      if (*field) return say(buf, cap, "record %d: %s: %s", json_object_get_int(v), field, why);
      return say(buf, cap, "record %d: %s", json_object_get_int(v), why);
    }
    return say(buf, cap, "invalid %s: %s", p, why);
  }
  if (!strcmp(error, VL_RESOLVE_ERROR_NoSuchName)) return say(buf, cap, "%s: no such name", what);
  if (!strcmp(error, VL_RESOLVE_ERROR_NotGNS))
    return say(buf, cap, "%s: not a GNS name (names end in .gns.alt)", what);
  if (!strcmp(error, VL_RESOLVE_ERROR_InvalidName)) {
    const char *why =
        json_object_object_get_ex(params, "reason", &v) ? json_object_get_string(v) : NULL;
    return say(buf, cap, "%s: invalid name%s%s", what, why ? ": " : "", why ? why : "");
  }
  if (!strcmp(error, VL_RESOLVE_ERROR_ZoneRevoked))
    return say(buf, cap, "%s: the zone is revoked", what);
  if (!strcmp(error, VL_RESOLVE_ERROR_CriticalRecordUnsupported))
    return say(buf, cap, "%s: a critical record of an unsupported type stops resolution", what);
  if (!strcmp(error, VL_ZONE_ERROR_StorageUnavailable) ||
      !strcmp(error, VL_RESOLVE_ERROR_StorageUnavailable)) {
    const char *why =
        json_object_object_get_ex(params, "reason", &v) ? json_object_get_string(v) : NULL;
    return say(buf, cap, "gnsd's storage is unavailable%s%s", why ? ": " : "", why ? why : "");
  }
  if (!strcmp(error, VL_RESOLVE_ERROR_DNSFailed)) {
    const char *why =
        json_object_object_get_ex(params, "reason", &v) ? json_object_get_string(v) : NULL;
    return say(buf, cap, "%s: DNS failed%s%s", what, why ? ": " : "", why ? why : "");
  }
  if (!strcmp(error, VL_RESOLVE_ERROR_DNSSECBogus))
    return say(buf, cap,
               "%s: the DNS answer failed DNSSEC validation against the DS records of the "
               "GNS2DNS delegation (bogus)",
               what);
  if (!strcmp(error, VL_RESOLVE_ERROR_LimitExceeded))
    return say(buf, cap,
               "%s: gnsd refused: this user is at its limit of %s ([limits] in gnsd.conf)", what,
               json_object_object_get_ex(params, "limit", &v) ? json_object_get_string(v) : "?");
  if (!strcmp(error, VL_RESOLVE_ERROR_TimedOut))
    return say(buf, cap, "%s: resolution timed out", what);
  if (!strcmp(error, VL_RESOLVE_ERROR_ResolutionLoop))
    return say(buf, cap, "%s: resolution loop or too deep", what);
  const char *js = json_object_to_json_string_ext(params, JSON_C_TO_STRING_PLAIN);
  say(buf, cap, "%s: %s %s", what, error, js);
  return -ENOENT;
}
