/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RPP JSON zone documents (rpp.h) read in pieces: fed in chunks of any
 * size, the document's records come out one by one, parsed, while only
 * the record being read is held. So an import's memory is bounded by a
 * record, not by the zone (gnsctl import streams a million records).
 *
 * The document is the one gns_rpp_document_parse reads; since nothing
 * is held, "name" and "dns.controls" (which change how records parse)
 * must come before "dns.records" when present; gnsctl export writes
 * them in that order. */
#ifndef GNS_RPP_STREAM_H
#define GNS_RPP_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include "rpp.h"

/* Largest single record, or "dns.controls", in bytes of JSON. */
#define GNS_RPP_STREAM_MAX_ITEM (1u << 20)

struct gns_rpp_stream;

/* Called for every record in document order; index counts from 0. The
 * record is only valid during the call. A negative return stops the
 * stream: feed returns it. */
typedef int (*gns_rpp_stream_fn)(void *userdata, size_t index, const struct gns_rpp_record *rec);

/* origin as for gns_rpp_document_from_json. */
int gns_rpp_stream_new(const char *origin, gns_rpp_stream_fn fn, void *userdata,
                       struct gns_rpp_stream **out);
void gns_rpp_stream_free(struct gns_rpp_stream *st);
/* 0, -EINVAL with err "record N, field F: reason" or naming the document
 * member or offset at fault, -ENOMEM, or the callback's error. After an
 * error the stream accepts nothing more. */
int gns_rpp_stream_feed(struct gns_rpp_stream *st, const char *buf, size_t len, char *err,
                        size_t errcap);
/* The document is complete: checks that it was whole. */
int gns_rpp_stream_finish(struct gns_rpp_stream *st, char *err, size_t errcap);
/* Records delivered so far. */
size_t gns_rpp_stream_count(const struct gns_rpp_stream *st);

#endif
