/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The client protocol of gnunet-service-revocation (GNUnet 0.19,
 * src/revocation/revocation.h): building QUERY and REVOKE, parsing their
 * responses. Pure (no I/O), so the parser is fuzzed
 * (fuzz/fuzz-revocation-msg.c) and tested without a service.
 *
 * Every message starts with a 16-bit size (header included) and a 16-bit
 * type, big-endian; the fields after that:
 *   QUERY (636)           key length (32 bits), the key (ztype || zkey)
 *   QUERY_RESPONSE (637)  is_valid (32 bits): 1 valid, 0 revoked
 *   REVOKE (638)          length of the revocation (32 bits), the
 *                         revocation message of RFC 9498, 4.2
 *   REVOKE_RESPONSE (639) is_valid (32 bits): 0 the service now holds the
 *                         revocation (new or known), 1 it failed to store
 *                         it; a revocation it finds invalid makes it close
 *                         the connection without a response.
 * Responses carry no request id: the service answers one client's
 * requests one at a time, in order. */
#ifndef GNSD_REVOCATION_MSG_H
#define GNSD_REVOCATION_MSG_H

#include <stddef.h>
#include <stdint.h>
#include "revocation.h"
#include "zonekey.h"

/* GNUnet message types (gnunet_protocols.h). */
#define GNSD_REV_MSG_QUERY 636u
#define GNSD_REV_MSG_QUERY_RESPONSE 637u
#define GNSD_REV_MSG_REVOKE 638u
#define GNSD_REV_MSG_REVOKE_RESPONSE 639u

#define GNSD_REV_QUERY_LEN (8u + GNS_ZONE_ID_LEN)
#define GNSD_REV_REVOKE_LEN (8u + GNS_REVOCATION_LEN)
#define GNSD_REV_RESPONSE_LEN 8u

/* -EINVAL for a key of an unknown type. */
int gnsd_rev_build_query(uint8_t m[GNSD_REV_QUERY_LEN], const struct gns_zone_key *zk);
/* rev is a revocation message (GNS_REVOCATION_LEN bytes, not checked here). */
int gnsd_rev_build_revoke(uint8_t m[GNSD_REV_REVOKE_LEN], const uint8_t *rev, size_t len);

/* A response m[0..len) (header included): its type (QUERY_RESPONSE or
 * REVOKE_RESPONSE) and is_valid. -EBADMSG if the size disagrees or the
 * value is neither 0 nor 1, -ENOMSG for another message type. */
int gnsd_rev_parse_response(const uint8_t *m, size_t len, uint16_t *type, uint32_t *is_valid);

#endif
