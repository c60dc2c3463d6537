/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Every error that gnsd's interfaces declare has its own gnsctl message,
 * not the generic "WHAT: ERROR {parameters}" (an error added to a
 * .varlink file without one fails here), and the messages say what the
 * parameters say. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include "check.h"
#include "contract.h"
#include "ctl-errors.h"

int main(void) {
  static const char *const errors[] = {VL_RESOLVE_ERRORS, VL_ZONE_ERRORS};
  CHECK_INT(sizeof errors / sizeof errors[0], VL_RESOLVE_N_ERRORS + VL_ZONE_N_ERRORS);
  char buf[512];
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
    json_object *p = json_object_new_object();
    int r = ctl_error_text(errors[i], p, "x.gns.alt", buf, sizeof buf);
    if (r != 0) fprintf(stderr, "%s has no gnsctl message (ctl/ctl-errors.c)\n", errors[i]);
    CHECK_INT(r, 0);
    CHECK(buf[0] != '\0' && strstr(buf, errors[i]) == NULL);
    json_object_put(p);
  }
  /* not ours: named as it is */
  json_object *p = json_object_new_object();
  CHECK_INT(ctl_error_text("org.example.Nope", p, "x", buf, sizeof buf), -ENOENT);
  CHECK(strstr(buf, "org.example.Nope") != NULL);
  /* the parameters are used */
  json_object_object_add(p, "name", json_object_new_string("home"));
  CHECK_INT(ctl_error_text(VL_ZONE_ERROR_NoSuchZone, p, "x", buf, sizeof buf), 0);
  CHECK_STR(buf, "no zone named 'home'");
  json_object_put(p);
  p = json_object_new_object();
  json_object_object_add(p, "parameter", json_object_new_string("records[3].value"));
  json_object_object_add(p, "reason", json_object_new_string("bad"));
  json_object_object_add(p, "index", json_object_new_int(3));
  CHECK_INT(ctl_error_text(VL_ZONE_ERROR_InvalidParameter, p, "x", buf, sizeof buf), 0);
  CHECK_STR(buf, "record 3: value: bad");
  json_object_put(p);
  return check_done("test-ctl-errors");
}
