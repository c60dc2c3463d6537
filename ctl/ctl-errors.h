/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gnsctl's one-line messages for the errors of gnsd's interfaces
 * (varlink/alt.gns.*.varlink, names from contract.h). */
#ifndef GNSCTL_ERRORS_H
#define GNSCTL_ERRORS_H

#include <stddef.h>
#include <json-c/json.h>

/* What went wrong, for a person, in buf (without "gnsctl: " or newline):
 * 0 for an error of the interfaces, each with its own message; -ENOENT
 * for any other (buf then names the error and its parameters). what is
 * the thing asked about (a zone, a name). test-ctl-errors fails when an
 * error of the interfaces has no message here. */
int ctl_error_text(const char *error, json_object *params, const char *what, char *buf, size_t cap);

#endif
