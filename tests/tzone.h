/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A zone for tests: a fresh private key with its public key and zTLD. */
#ifndef GNS_TEST_TZONE_H
#define GNS_TEST_TZONE_H

#include <stdint.h>
#include "check.h"
#include "zonekey.h"
#include "ztld.h"

struct tzone {
  struct gns_zone_priv priv;
  struct gns_zone_key pub;
  char ztld[GNS_ZTLD_MAX];
};

static inline void tzone_new(struct tzone *z, uint32_t ztype) {
  CHECK_INT(gns_zone_priv_generate(ztype, &z->priv), 0);
  CHECK_INT(gns_zone_priv_public(&z->priv, &z->pub), 0);
  CHECK_INT(gns_ztld_encode(&z->pub, z->ztld, sizeof(z->ztld)), 0);
}

#endif
