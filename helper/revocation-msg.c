/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "gns-util.h"
#include "revocation-msg.h"

static void header(uint8_t *m, size_t len, uint16_t type) {
  gns_put_u16(m, (uint16_t)len);
  gns_put_u16(m + 2, type);
}

int gnsd_rev_build_query(uint8_t m[GNSD_REV_QUERY_LEN], const struct gns_zone_key *zk) {
  /* GNUnet hashes exactly these key bytes to look the key up, so they
   * must be the serialised key (ztype || zkey), as gnunet-revocation -t
   * sends them. */
  if (gns_zone_key_to_bytes(zk, m + 8) < 0) return -EINVAL;
  header(m, GNSD_REV_QUERY_LEN, GNSD_REV_MSG_QUERY);
  gns_put_u32(m + 4, GNS_ZONE_ID_LEN);
  return 0;
}

int gnsd_rev_build_revoke(uint8_t m[GNSD_REV_REVOKE_LEN], const uint8_t *rev, size_t len) {
  if (!rev || len != GNS_REVOCATION_LEN) return -EINVAL;
  header(m, GNSD_REV_REVOKE_LEN, GNSD_REV_MSG_REVOKE);
  gns_put_u32(m + 4, (uint32_t)len);
  memcpy(m + 8, rev, len);
  return 0;
}

int gnsd_rev_parse_response(const uint8_t *m, size_t len, uint16_t *type, uint32_t *is_valid) {
  if (!m || len < 4 || gns_get_u16(m) != len) return -EBADMSG;
  uint16_t t = gns_get_u16(m + 2);
  if (t != GNSD_REV_MSG_QUERY_RESPONSE && t != GNSD_REV_MSG_REVOKE_RESPONSE) return -ENOMSG;
  if (len != GNSD_REV_RESPONSE_LEN) return -EBADMSG;
  uint32_t v = gns_get_u32(m + 4);
  if (v > 1) return -EBADMSG;
  *type = t;
  *is_valid = v;
  return 0;
}
