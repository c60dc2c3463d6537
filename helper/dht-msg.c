/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GNUnet DHT client messages: see dht-msg.h. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "dht-msg.h"
#include "gns-util.h"
#include "rrblock.h"

void gnsd_dht_build_get(uint8_t m[GNSD_DHT_GET_LEN], const uint8_t q[64],
                        const uint8_t uid[GNSD_DHT_UID_LEN], uint32_t replication) {
  gns_put_u16(m, GNSD_DHT_GET_LEN);
  gns_put_u16(m + 2, GNSD_DHT_MSG_GET);
  /* As GNUnet's GNS service asks: every peer on the path may answer. */
  gns_put_u32(m + 4, GNSD_DHT_RO_DEMULTIPLEX_EVERYWHERE);
  gns_put_u32(m + 8, replication);
  gns_put_u32(m + 12, GNSD_DHT_BLOCK_GNS);
  memcpy(m + 16, q, 64);
  memcpy(m + 80, uid, GNSD_DHT_UID_LEN);
}

void gnsd_dht_build_get_stop(uint8_t m[GNSD_DHT_GET_STOP_LEN], const uint8_t q[64],
                             const uint8_t uid[GNSD_DHT_UID_LEN]) {
  gns_put_u16(m, GNSD_DHT_GET_STOP_LEN);
  gns_put_u16(m + 2, GNSD_DHT_MSG_GET_STOP);
  gns_put_u32(m + 4, 0);
  memcpy(m + 8, uid, GNSD_DHT_UID_LEN);
  memcpy(m + 16, q, 64);
}

int gnsd_dht_build_put(uint8_t *m, size_t cap, const uint8_t q[64], const uint8_t *block,
                       size_t len, uint64_t expiration, uint32_t replication, size_t *out_len) {
  if (len > GNSD_DHT_MSG_MAX - GNSD_DHT_PUT_HDR_LEN) return -EMSGSIZE;
  size_t ml = GNSD_DHT_PUT_HDR_LEN + len;
  if (cap < ml) return -ENOBUFS;
  gns_put_u16(m, (uint16_t)ml);
  gns_put_u16(m + 2, GNSD_DHT_MSG_PUT);
  gns_put_u32(m + 4, GNSD_DHT_BLOCK_GNS);
  gns_put_u32(m + 8, GNSD_DHT_RO_DEMULTIPLEX_EVERYWHERE);
  gns_put_u32(m + 12, replication);
  gns_put_u64(m + 16, expiration);
  memcpy(m + 24, q, 64);
  if (len) memcpy(m + GNSD_DHT_PUT_HDR_LEN, block, len);
  *out_len = ml;
  return 0;
}

int gnsd_dht_result_parse(const uint8_t *m, size_t len, struct gnsd_dht_result *out) {
  if (!m || len < GNSD_DHT_RESULT_HDR_LEN || len > GNSD_DHT_MSG_MAX) return -EBADMSG;
  memset(out, 0, sizeof *out);
  out->type = gns_get_u32(m + 4);
  out->options = gns_get_u32(m + 12);
  out->put_path_len = gns_get_u32(m + 16);
  out->get_path_len = gns_get_u32(m + 20);
  out->uid = m + 24;
  out->expiration = gns_get_u64(m + 32);
  out->key = m + 40;
  size_t off = GNSD_DHT_RESULT_HDR_LEN;
  if (out->options & GNSD_DHT_RO_TRUNCATED) {
    if (len - off < GNSD_DHT_PEER_ID_LEN) return -EBADMSG;
    out->trunc_peer = m + off;
    off += GNSD_DHT_PEER_ID_LEN;
  }
  /* Both lengths are 32-bit and peer-controlled: add them in 64 bits and
   * compare by division, so nothing can overflow. */
  uint64_t paths = (uint64_t)out->put_path_len + out->get_path_len;
  if (paths > (len - off) / GNSD_DHT_PATH_ELEM_LEN) return -EBADMSG;
  out->put_path = m + off;
  off += (size_t)out->put_path_len * GNSD_DHT_PATH_ELEM_LEN;
  out->get_path = m + off;
  off += (size_t)out->get_path_len * GNSD_DHT_PATH_ELEM_LEN;
  out->data = m + off;
  out->data_len = len - off;
  return 0;
}

enum gnsd_dht_verdict gnsd_dht_result_shape(const struct gnsd_dht_result *r, const uint8_t q[64],
                                            size_t max_block, uint64_t now) {
  if (r->type != GNSD_DHT_BLOCK_GNS) return GNSD_DHT_WRONG_TYPE;
  if (memcmp(r->key, q, 64) != 0) return GNSD_DHT_WRONG_Q;
  if (r->data_len > max_block) return GNSD_DHT_OVERSIZE;
  /* RFC 9498, 6.1: SIZE is the length of the whole RRBLOCK. */
  if (r->data_len < GNS_RRBLOCK_HEADER_LEN || gns_get_u32(r->data) != r->data_len)
    return GNSD_DHT_GARBAGE;
  /* RFC 9498, 7.3: an expired block is ignored (gns_rrblock_verify says
   * the same; asking here spares it the trip to a worker) */
  if (gns_rrblock_expiration(r->data, r->data_len) <= now) return GNSD_DHT_EXPIRED;
  return GNSD_DHT_VALID;
}

enum gnsd_dht_verdict gnsd_dht_verify_verdict(int verify_rc) {
  switch (verify_rc) {
  case 0:
    return GNSD_DHT_VALID;
  case -ESTALE:
    return GNSD_DHT_EXPIRED;
  case -EPROTO:
    return GNSD_DHT_WRONG_Q;
  case -EPROTONOSUPPORT:
    return GNSD_DHT_UNSUPPORTED;
  default:
    return GNSD_DHT_BAD_SIGNATURE;
  }
}

enum gnsd_dht_verdict gnsd_dht_result_check(const struct gnsd_dht_result *r, const uint8_t q[64],
                                            size_t max_block, uint64_t now) {
  enum gnsd_dht_verdict v = gnsd_dht_result_shape(r, q, max_block, now);
  if (v != GNSD_DHT_VALID) return v;
  /* RFC 9498, 7.1: q binds the block to the name asked for, the signature
   * to the zone, EXPIRATION to now. The paths are not checked: a peer's
   * signature on its routing decision says nothing about the block. */
  return gnsd_dht_verify_verdict(gns_rrblock_verify(r->data, r->data_len, q, now));
}
