/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PLACEHOLDER alt.gns.Resolve: answers every well-formed request with
 * NoSuchName so that the daemon, the NSS module and the tests have a
 * working socket before the resolver lands. The resolver helper replaces
 * this file (same four entry points, see resolve.h). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include "gnsd.h"
#include "interfaces.h"
#include "label.h"
#include "resolve.h"
#include "varlink.h"

static int reply_lookup(struct varlink_call *call, json_object *params) {
  const char *name = varlink_param_string(params, "name");
  size_t prefix = 0;
  if (!gns_name_is_gns_alt(name, strlen(name), &prefix))
    return varlink_call_error(call, "alt.gns.Resolve.NotGNS", NULL), 0;
  return varlink_call_error(call, "alt.gns.Resolve.NoSuchName", NULL), 0;
}

static int method_resolve_hostname(struct varlink_call *call, json_object *params, void *ud) {
  (void)ud;
  static const struct varlink_field fields[] = {{"name", VARLINK_STRING, false},
                                                {"family", VARLINK_INT, true},
                                                {"flags", VARLINK_INT, true},
                                                {NULL, VARLINK_ANY, false}};
  if (varlink_call_check_params(call, params, fields) < 0) return 0;
  int64_t family = varlink_param_int(params, "family", 0);
  if (family != 0 && family != 2 && family != 10)
    return varlink_call_error_invalid_parameter(call, "family"), 0;
  return reply_lookup(call, params);
}

static int method_resolve_records(struct varlink_call *call, json_object *params, void *ud) {
  (void)ud;
  static const struct varlink_field fields[] = {{"name", VARLINK_STRING, false},
                                                {"type", VARLINK_STRING, true},
                                                {NULL, VARLINK_ANY, false}};
  if (varlink_call_check_params(call, params, fields) < 0) return 0;
  return reply_lookup(call, params);
}

static const struct varlink_method resolve_methods[] = {
    {"ResolveHostname", method_resolve_hostname},
    {"ResolveRecords", method_resolve_records},
    {NULL, NULL},
};

static const struct varlink_interface resolve_interface = {
    .name = "alt.gns.Resolve",
    .description = gnsd_resolve_description,
    .methods = resolve_methods,
    .failure_error = "alt.gns.Resolve.StorageUnavailable",
};

int gnsd_resolve_init(struct gnsd *d) {
  return varlink_server_add_interface(d->resolve_server, &resolve_interface);
}

void gnsd_resolve_reload(struct gnsd *d) { (void)d; }

void gnsd_resolve_status(struct gnsd *d, json_object *cache) {
  (void)d;
  json_object_object_add(cache, "state", json_object_new_string("placeholder"));
}

void gnsd_resolve_done(struct gnsd *d) { (void)d; }
