/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"
#include "version.h"

const char *gns_version(void) {
  return PACKAGE_VERSION;
}
