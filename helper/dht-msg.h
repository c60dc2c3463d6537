/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The client protocol of gnunet-service-dht (GNUnet 0.19, src/dht/dht.h):
 * building GET, GET_STOP and PUT, parsing and judging RESULT. Pure (no
 * I/O, no clock: time comes in as `now`), so the parser is fuzzed
 * (fuzz/fuzz-dht-result.c) and tested without a service.
 *
 * Every message starts with a 16-bit size (header included) and a 16-bit
 * type, big-endian; the fields after that:
 *   GET (143)      options, replication, block type, key (q), unique_id
 *   GET_STOP (144) reserved, unique_id, key
 *   PUT (142)      block type, options, replication, expiration, key, data
 *   RESULT (145)   block type, reserved, options, put path length, get
 *                  path length, unique_id, expiration, key, then the
 *                  truncated peer (32, only if options has RO_TRUNCATED),
 *                  the put path and the get path (96 bytes per element:
 *                  EdDSA signature + peer identity), the data.
 * unique_id is opaque to the service: it echoes the 8 bytes back. */
#ifndef GNSD_DHT_MSG_H
#define GNSD_DHT_MSG_H

#include <stddef.h>
#include <stdint.h>

/* GNUnet message types (gnunet_protocols.h) and the block type of GNS
 * records (gnunet_block_types.h, GANA registry). */
#define GNSD_DHT_MSG_PUT 142u
#define GNSD_DHT_MSG_GET 143u
#define GNSD_DHT_MSG_GET_STOP 144u
#define GNSD_DHT_MSG_RESULT 145u
#define GNSD_DHT_BLOCK_GNS 11u

/* enum GNUNET_DHT_RouteOption */
#define GNSD_DHT_RO_DEMULTIPLEX_EVERYWHERE 1u
#define GNSD_DHT_RO_RECORD_ROUTE 2u
#define GNSD_DHT_RO_TRUNCATED 8u

/* Fixed message sizes (header included). */
#define GNSD_DHT_GET_LEN 88u         /* hdr opts repl type key[64] uid[8] */
#define GNSD_DHT_GET_STOP_LEN 80u    /* hdr reserved uid[8] key[64] */
#define GNSD_DHT_PUT_HDR_LEN 88u     /* hdr type opts repl exp key[64] */
#define GNSD_DHT_RESULT_HDR_LEN 104u /* hdr type rsv opts ppl gpl uid exp key[64] */
#define GNSD_DHT_PEER_ID_LEN 32u
#define GNSD_DHT_PATH_ELEM_LEN 96u
#define GNSD_DHT_MSG_MAX 65535u
#define GNSD_DHT_UID_LEN 8u

void gnsd_dht_build_get(uint8_t m[GNSD_DHT_GET_LEN], const uint8_t q[64],
                        const uint8_t uid[GNSD_DHT_UID_LEN], uint32_t replication);
void gnsd_dht_build_get_stop(uint8_t m[GNSD_DHT_GET_STOP_LEN], const uint8_t q[64],
                             const uint8_t uid[GNSD_DHT_UID_LEN]);
/* m must hold GNSD_DHT_PUT_HDR_LEN + len bytes; -EMSGSIZE if that exceeds
 * one GNUnet message. */
int gnsd_dht_build_put(uint8_t *m, size_t cap, const uint8_t q[64], const uint8_t *block,
                       size_t len, uint64_t expiration, uint32_t replication, size_t *out_len);

/* A RESULT, pointing into the message. */
struct gnsd_dht_result {
  uint32_t type;
  uint32_t options;
  const uint8_t *uid;        /* GNSD_DHT_UID_LEN bytes */
  const uint8_t *key;        /* 64 bytes */
  uint64_t expiration;       /* the service's, not the block's */
  const uint8_t *trunc_peer; /* NULL unless RO_TRUNCATED */
  uint32_t put_path_len, get_path_len;
  const uint8_t *put_path, *get_path;
  const uint8_t *data;
  size_t data_len;
};

/* Parse a RESULT message m[0..len) (header included; len is the size the
 * header gave). -EBADMSG if the fields do not fit. */
int gnsd_dht_result_parse(const uint8_t *m, size_t len, struct gnsd_dht_result *out);

enum gnsd_dht_verdict {
  GNSD_DHT_VALID = 0,
  GNSD_DHT_WRONG_TYPE,    /* not block type 11 */
  GNSD_DHT_WRONG_Q,       /* key is not q, or the block's derived key does not hash to q */
  GNSD_DHT_OVERSIZE,      /* larger than the caller's bound */
  GNSD_DHT_GARBAGE,       /* not an RRBLOCK (too short, SIZE disagrees) */
  GNSD_DHT_EXPIRED,       /* EXPIRATION <= now */
  GNSD_DHT_BAD_SIGNATURE, /* malformed inside or signature invalid */
  GNSD_DHT_UNSUPPORTED,   /* unknown zone type */
};

/* Judge a parsed RESULT for a GET of q: RFC 9498, 7.1 (verify before use).
 * gnsd_dht_result_shape, then gnsd_dht_verify_verdict of
 * gns_rrblock_verify. */
enum gnsd_dht_verdict gnsd_dht_result_check(const struct gnsd_dht_result *r, const uint8_t q[64],
                                            size_t max_block, uint64_t now);
/* What costs no cryptography: block type, key, size, SIZE, EXPIRATION
 * (GNSD_DHT_VALID: only the signature and q's hash are left to check). */
enum gnsd_dht_verdict gnsd_dht_result_shape(const struct gnsd_dht_result *r, const uint8_t q[64],
                                            size_t max_block, uint64_t now);
/* gns_rrblock_verify's answer (0 or a negative errno) as a verdict. */
enum gnsd_dht_verdict gnsd_dht_verify_verdict(int verify_rc);

#endif
