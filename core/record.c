/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Resource records and RDATA: RFC 9498 sections 5, 6.2 and 6.3. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "gns-util.h"
#include "record.h"
#include "rrtype.h"

const struct gns_record_flag_name gns_record_flag_names[] = {
    {GNS_RF_CRITICAL, "critical"},
    {GNS_RF_SHADOW, "shadow"},
    {GNS_RF_SUPPLEMENTAL, "supplemental"},
    {GNS_RF_PRIVATE, "private"},
    {GNS_RF_RELATIVE_EXPIRATION, "relative"},
};
const size_t gns_record_flag_names_n = GNS_ARRAY_SIZE(gns_record_flag_names);

/* RFC 9498, 6.2: "record sets with (only) a zone delegation record type
 * are never padded". A set of PKEY records (active and shadow) counts; a
 * delegation paired with supplemental records of other types does not. */
static bool delegation_only(const struct gns_record *rd, size_t n) {
  if (n == 0) return false;
  for (size_t i = 0; i < n; i++)
    if (!gns_rrtype_is_delegation(rd[i].type)) return false;
  return true;
}

int gns_rdata_size(const struct gns_record *rd, size_t n, size_t *size) {
  if (!size || (n > 0 && !rd)) return -EINVAL;
  /* An empty record set serialises to nothing (there is nothing to pad). */
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    total += GNS_RECORD_HEADER_LEN + rd[i].data_len;
    if (total > GNS_RDATA_MAX) return -E2BIG;
  }
  if (n > 0 && !delegation_only(rd, n)) {
    /* RFC 9498, 6.2: the size of the RDATA is a power of two. */
    size_t p = 1;
    while (p < total)
      p <<= 1;
    if (p > GNS_RDATA_MAX) return -E2BIG;
    total = p;
  }
  *size = total;
  return 0;
}

int gns_rdata_serialize(const struct gns_record *rd, size_t n, uint8_t *out, size_t cap,
                        size_t *outlen) {
  size_t need;
  int r = gns_rdata_size(rd, n, &need);
  if (r < 0) return r;
  if (need > cap || (need > 0 && !out)) return -ENOSPC;
  for (size_t i = 0; i < n; i++) {
    if (rd[i].flags & GNS_RF_RELATIVE_EXPIRATION) return -EINVAL;
    if (rd[i].data_len > 0 && !rd[i].data) return -EINVAL;
  }
  size_t off = 0;
  for (size_t i = 0; i < n; i++) {
    gns_put_u64(out + off, rd[i].expiration);
    gns_put_u16(out + off + 8, rd[i].data_len);
    /* Local-only flags (private, relative) never leave the machine. */
    gns_put_u16(out + off + 10, (uint16_t)(rd[i].flags & ~GNS_RF_LOCAL_ONLY));
    gns_put_u32(out + off + 12, rd[i].type);
    off += GNS_RECORD_HEADER_LEN;
    if (rd[i].data_len) memcpy(out + off, rd[i].data, rd[i].data_len);
    off += rd[i].data_len;
  }
  /* RFC 9498, 6.2: padding "MUST be set to zero". */
  if (need > off) memset(out + off, 0, need - off);
  if (outlen) *outlen = need;
  return 0;
}

int gns_rdata_parse(const uint8_t *buf, size_t len, struct gns_record *rd, size_t max, size_t *n) {
  if (!n || (len > 0 && !buf)) return -EINVAL;
  size_t off = 0, count = 0;
  /* Records follow each other until the rest is too short to hold a
   * header or starts with an all-zero header, which can only be padding
   * (type 0 does not exist). RFC 9498, 6.2: padding "MUST be ignored on
   * receipt", so whatever follows is not inspected. */
  while (len - off >= GNS_RECORD_HEADER_LEN) {
    const uint8_t *p = buf + off;
    uint64_t exp = gns_get_u64(p);
    uint16_t size = gns_get_u16(p + 8);
    uint16_t flags = gns_get_u16(p + 10);
    uint32_t type = gns_get_u32(p + 12);
    if (exp == 0 && size == 0 && flags == 0 && type == 0) break;
    if (size > len - off - GNS_RECORD_HEADER_LEN) return -EBADMSG;
    if (count >= max) return -E2BIG;
    if (rd) {
      rd[count].expiration = exp;
      rd[count].type = type;
      rd[count].flags = flags;
      rd[count].data_len = size;
      rd[count].data = p + GNS_RECORD_HEADER_LEN;
    }
    count++;
    off += GNS_RECORD_HEADER_LEN + size;
  }
  *n = count;
  return 0;
}

static uint64_t absolute_expiration(const struct gns_record *r, uint64_t now) {
  if (!(r->flags & GNS_RF_RELATIVE_EXPIRATION)) return r->expiration;
  return r->expiration > UINT64_MAX - now ? UINT64_MAX : now + r->expiration;
}

uint64_t gns_rdata_block_expiration(const struct gns_record *rd, size_t n, uint64_t now) {
  /* RFC 9498, 6.3: per type the maximum (shadow records included), then
   * the minimum of those maxima. An empty set yields 0: already expired. */
  if (n == 0) return 0;
  uint64_t result = UINT64_MAX;
  for (size_t i = 0; i < n; i++) {
    bool seen = false;
    for (size_t j = 0; j < i && !seen; j++)
      seen = rd[j].type == rd[i].type;
    if (seen) continue; /* type already handled at its first occurrence */
    uint64_t max = 0;
    for (size_t j = i; j < n; j++)
      if (rd[j].type == rd[i].type) {
        uint64_t e = absolute_expiration(&rd[j], now);
        if (e > max) max = e;
      }
    if (max < result) result = max;
  }
  return result;
}

/* Expired iff the expiration time is not in the future (a record that
 * expires at `now` is no longer valid at `now`). */
static bool expired(const struct gns_record *r, uint64_t now) {
  if (r->flags & GNS_RF_RELATIVE_EXPIRATION) return false;
  return r->expiration <= now;
}

/* True if a live non-shadow record of type exists in rd[0..a) or rd[b..n). */
static bool live_active_of_type(const struct gns_record *rd, size_t a, size_t b, size_t n,
                                uint32_t type, uint64_t now) {
  for (size_t j = 0; j < n; j++) {
    if (j == a) j = b;
    if (j >= n) break;
    if (rd[j].type == type && !(rd[j].flags & GNS_RF_SHADOW) && !expired(&rd[j], now)) return true;
  }
  return false;
}

size_t gns_records_filter_live(struct gns_record *rd, size_t n, uint64_t now) {
  if (!rd) return 0;
  /* RFC 9498, 5: a SHADOW record "MUST be ignored by resolvers unless all
   * (other) records of the same record type have expired". Compacting in
   * place never drops a live non-shadow record, so while handling rd[i]
   * every such record of the original set is in rd[0..out) or rd[i+1..n). */
  size_t out = 0;
  for (size_t i = 0; i < n; i++) {
    bool keep = !expired(&rd[i], now);
    if (keep && (rd[i].flags & GNS_RF_SHADOW))
      keep = !live_active_of_type(rd, out, i + 1, n, rd[i].type, now);
    if (keep) rd[out++] = rd[i];
  }
  return out;
}

bool gns_record_type_is_exclusive(uint32_t t) {
  return gns_rrtype_is_delegation(t) || t == GNS_TYPE_REDIRECT || t == GNS_TYPE_GNS2DNS;
}

/* May a non-supplemental record of this type share a label with the
 * exclusive type excl? RFC 9498, 5.2.2: GNS2DNS goes with DS. */
static bool fits_exclusive(uint32_t excl, uint32_t type) {
  return type == excl || (excl == GNS_TYPE_GNS2DNS && type == GNS_TYPE_DS);
}

static bool same_record(const struct gns_record *a, const struct gns_record *b) {
  return a->type == b->type && a->data_len == b->data_len &&
         (a->flags & GNS_RF_SHADOW) == (b->flags & GNS_RF_SHADOW) &&
         (a->data_len == 0 || memcmp(a->data, b->data, a->data_len) == 0);
}

int gns_record_set_check(const struct gns_record *rd, size_t n, size_t n_old, size_t *bad,
                         const char **why) {
  if (n > 0 && !rd) return -EINVAL;
  if (n_old > n) n_old = n;
  /* The published part must fit in a block (checked first: it also
   * bounds the pairwise checks below). */
  *bad = n_old;
  if (n > GNS_RDATA_MAX / GNS_RECORD_HEADER_LEN) {
    *why = "the record set of this label is too large for one block";
    return -EINVAL;
  }
  struct gns_record *pub = calloc(n ? n : 1, sizeof *pub);
  if (!pub) return -ENOMEM;
  size_t k = 0, size = 0;
  for (size_t i = 0; i < n; i++)
    if (!(rd[i].flags & GNS_RF_PRIVATE)) pub[k++] = rd[i];
  int r = gns_rdata_size(pub, k, &size);
  free(pub);
  if (k > GNS_RECORDS_MAX) {
    *why = "more than 256 published records under one label (a resolver answers at most 256)";
    return -EINVAL;
  }
  if (r < 0 || size > GNS_RDATA_MAX) {
    *why = "the record set of this label is too large for one block";
    return -EINVAL;
  }
  uint32_t excl = 0;
  unsigned active = 0;
  for (size_t i = 0; i < n; i++) {
    *bad = i >= n_old ? i : n_old;
    for (size_t j = 0; j < i; j++) {
      if (same_record(&rd[j], &rd[i])) {
        *why = "duplicate record (same type and value)";
        return -EINVAL;
      }
    }
    if (rd[i].flags & GNS_RF_SUPPLEMENTAL) continue;
    if (gns_record_type_is_exclusive(rd[i].type) && !excl) {
      excl = rd[i].type;
      /* everything non-supplemental before it must be compatible */
      for (size_t j = 0; j < i; j++)
        if (!(rd[j].flags & GNS_RF_SUPPLEMENTAL) && !fits_exclusive(excl, rd[j].type))
          goto violation;
    }
    if (excl) {
      if (!fits_exclusive(excl, rd[i].type)) goto violation;
      if (excl != GNS_TYPE_GNS2DNS && rd[i].type == excl && !(rd[i].flags & GNS_RF_SHADOW) &&
          ++active > 1)
        goto violation;
    }
  }
  return 0;
violation:
  if (gns_rrtype_is_delegation(excl))
    *why = "a zone delegation (PKEY/EDKEY) must be the only non-supplemental record under its "
           "label (RFC 9498, 5.1)";
  else if (excl == GNS_TYPE_REDIRECT)
    *why = "a REDIRECT must be the only non-supplemental record under its label "
           "(RFC 9498, 5.2.1)";
  else
    *why = "GNS2DNS records allow no other non-supplemental records under their label "
           "(RFC 9498, 5.2.2)";
  return -EINVAL;
}
