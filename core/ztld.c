/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* zTLD: RFC 9498, 4.1. zTLD := Base32GNS-Encode(ztype || zkey), used as
 * one label if it has at most 63 characters, otherwise split so that the
 * most significant characters are in the rightmost label. */
#include <errno.h>
#include <string.h>
#include "base32gns.h"
#include "gns-util.h"
#include "ztld.h"

/* Characters of the zTLD of a zone type (0 if unknown): both current
 * types have 4 + 32 bytes, i.e. 58 characters. */
static size_t ztld_len_of(uint32_t ztype) {
  return gns_ztype_supported(ztype) ? gns_base32_encoded_len(GNS_ZONE_ID_LEN) : 0;
}

int gns_ztld_encode(const struct gns_zone_key *zk, char *out, size_t cap) {
  uint8_t id[GNS_ZONE_ID_LEN];
  int r = gns_zone_key_to_bytes(zk, id);
  if (r != 0) return r;
  return gns_base32_encode(id, sizeof id, out, cap);
}

int gns_ztld_split(const char *s, size_t len, char *out, size_t cap) {
  size_t nlabels = len == 0 ? 1 : (len + GNS_ZTLD_LABEL_MAX - 1) / GNS_ZTLD_LABEL_MAX;
  if (cap <= len + nlabels - 1) return -ENOSPC;
  size_t o = 0;
  /* Leftmost output label = last chunk of s. */
  for (size_t k = nlabels; k-- > 0;) {
    size_t start = k * GNS_ZTLD_LABEL_MAX;
    size_t n = len - start < GNS_ZTLD_LABEL_MAX ? len - start : GNS_ZTLD_LABEL_MAX;
    memcpy(out + o, s + start, n);
    o += n;
    if (k > 0) out[o++] = '.';
  }
  out[o] = '\0';
  return 0;
}

int gns_ztld_encode_split(const struct gns_zone_key *zk, char *out, size_t cap) {
  char buf[GNS_ZTLD_MAX];
  int r = gns_ztld_encode(zk, buf, sizeof buf);
  if (r != 0) return r;
  return gns_ztld_split(buf, strlen(buf), out, cap);
}

int gns_ztld_decode(const char *s, size_t len, struct gns_zone_key *out) {
  uint8_t id[GNS_ZTLD_MAX];
  size_t n = 0;
  /* 8 characters are exactly 5 bytes: enough to read the ztype first, so
   * that an unknown type is reported as such whatever the length. */
  if (len < 8 || len > GNS_ZTLD_MAX) return -EINVAL;
  if (gns_base32_decode(s, 8, id, sizeof id, &n) != 0) return -EINVAL;
  uint32_t ztype = gns_get_u32(id);
  if (!gns_ztype_supported(ztype)) return -EPROTONOSUPPORT;
  if (len != ztld_len_of(ztype)) return -EINVAL;
  if (gns_base32_decode(s, len, id, sizeof id, &n) != 0) return -EINVAL;
  return gns_zone_key_from_bytes(id, n, out);
}

int gns_ztld_join(const char *const *labels, const size_t *lens, size_t n, size_t total_len,
                  char *out, size_t cap, size_t *consumed) {
  size_t nlabels = total_len == 0 ? 1 : (total_len + GNS_ZTLD_LABEL_MAX - 1) / GNS_ZTLD_LABEL_MAX;
  if (nlabels > n) return -ENOENT;
  if (cap <= total_len) return -ENOSPC;
  /* Chunk k (from the left of the zTLD) is label n-1-k (from the right of
   * the name); all chunks but the last have exactly 63 characters. */
  for (size_t k = 0; k < nlabels; k++) {
    size_t start = k * GNS_ZTLD_LABEL_MAX;
    size_t want = total_len - start < GNS_ZTLD_LABEL_MAX ? total_len - start : GNS_ZTLD_LABEL_MAX;
    size_t li = n - 1 - k;
    if (lens[li] != want) return -ENOENT;
    memcpy(out + start, labels[li], want);
  }
  out[total_len] = '\0';
  *consumed = nlabels;
  return 0;
}

int gns_ztld_decode_labels(const char *const *labels, const size_t *lens, size_t n,
                           struct gns_zone_key *out, size_t *consumed) {
  uint8_t head[8];
  size_t m = 0;
  char buf[GNS_ZTLD_MAX + 1];
  size_t used = 0;

  if (n == 0) return -ENOENT;
  /* RFC 9498, 4.1: the rightmost label starts with the most significant
   * characters, from which the ztype and hence the zTLD length follow.
   * 8 characters decode to 5 whole bytes without trailing-bit rules. */
  const char *right = labels[n - 1];
  if (lens[n - 1] < 8 || gns_base32_decode(right, 8, head, sizeof head, &m) != 0) return -ENOENT;
  size_t total = ztld_len_of(gns_get_u32(head));
  if (total == 0 || total > GNS_ZTLD_MAX) return -ENOENT;
  if (gns_ztld_join(labels, lens, n, total, buf, sizeof buf, &used) != 0) return -ENOENT;
  if (gns_ztld_decode(buf, total, out) != 0) return -ENOENT;
  *consumed = used;
  return 0;
}
