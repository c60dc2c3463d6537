/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* zTLD (RFC 9498, 4.1): encoding, decoding, and the split over labels of
 * at most 63 characters with the most significant characters rightmost. */
#include <errno.h>
#include "base32gns.h"
#include "check.h"
#include "gns-util.h"
#include "ztld.h"

static const char ZTLD_PKEY[] = "000G0037FH3QTBCK15Y8BCCNRVWPV17ZC7TSGB1C9ZG2TPGHZVFV1GMG3W";
static const char ZTLD_EDKEY[] = "000G051WYJWJ80S04BRDRM2R2H9VGQCKP13VCFA4DHC4BJT88HEXQ5K8HW";

/* A synthetic "zTLD" of n characters: position i holds a symbol derived
 * from i so that any misplaced chunk shows. */
static void synth(char *s, size_t n) {
  static const char sym[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  for (size_t i = 0; i < n; i++)
    s[i] = sym[(i * 7 + i / 32) % 32];
  s[n] = '\0';
}

/* Split the string s of len characters by hand, as RFC 9498, 4.1 shows
 * for 130 characters: zTLD[126..129].zTLD[63..125].zTLD[0..62]. */
static void split_by_hand(const char *s, size_t len, char *out) {
  size_t o = 0, chunks = (len + 62) / 63;
  for (size_t k = chunks; k-- > 0;) {
    size_t start = k * 63, n = len - start > 63 ? 63 : len - start;
    memcpy(out + o, s + start, n);
    o += n;
    if (k) out[o++] = '.';
  }
  out[o] = '\0';
}

/* Cut a dotted name into labels (pointers into buf). */
static size_t labels_of(char *buf, const char **labels, size_t *lens, size_t max) {
  size_t n = 0;
  char *p = buf;
  while (n < max) {
    char *dot = strchr(p, '.');
    labels[n] = p;
    lens[n] = dot ? (size_t)(dot - p) : strlen(p);
    n++;
    if (!dot) break;
    p = dot + 1;
  }
  return n;
}

static void test_split_join(void) {
  static const size_t lengths[] = {1, 2, 58, 62, 63, 64, 65, 125, 126, 127, 130, 189, 190, 200};
  for (size_t t = 0; t < GNS_ARRAY_SIZE(lengths); t++) {
    size_t len = lengths[t];
    char s[256], want[300], got[300], joined[256];
    const char *labels[8];
    size_t lens[8], consumed = 0;
    synth(s, len);
    split_by_hand(s, len, want);
    CHECK_INT(gns_ztld_split(s, len, got, sizeof got), 0);
    CHECK_STR(got, want);
    /* Every label is at most 63 characters and the rightmost one starts
     * the zTLD. */
    size_t n = labels_of(got, labels, lens, 8);
    CHECK_INT(n, (len + 62) / 63);
    for (size_t i = 0; i < n; i++)
      CHECK(lens[i] >= 1 && lens[i] <= 63);
    CHECK(memcmp(labels[n - 1], s, lens[n - 1]) == 0);
    /* Exact room, one byte too little. */
    size_t need = strlen(want) + 1;
    CHECK_INT(gns_ztld_split(s, len, got, need), 0);
    CHECK_INT(gns_ztld_split(s, len, got, need - 1), -ENOSPC);

    /* Joining the labels back, also with extra labels on the left. */
    split_by_hand(s, len, want);
    char name[400];
    snprintf(name, sizeof name, "www.sub.%s", want);
    n = labels_of(name, labels, lens, 8);
    CHECK_INT(gns_ztld_join(labels, lens, n, len, joined, sizeof joined, &consumed), 0);
    CHECK_INT(consumed, (len + 62) / 63);
    CHECK_STR(joined, s);
    CHECK_INT(gns_ztld_join(labels, lens, n, len, joined, len, &consumed), -ENOSPC);
    /* A length the labels do not have is refused. */
    /* One character less: refused unless it takes fewer labels, in which
     * case the rightmost full labels form a shorter zTLD by themselves. */
    if (len > 1) {
      int fewer = (len - 1 + 62) / 63 < (len + 62) / 63;
      CHECK_INT(gns_ztld_join(labels, lens, n, len - 1, joined, sizeof joined, &consumed),
                fewer ? 0 : -ENOENT);
      if (fewer) CHECK(memcmp(joined, s, len - 1) == 0 && joined[len - 1] == '\0');
    }
    CHECK_INT(gns_ztld_join(labels, lens, n, len + 1, joined, sizeof joined, &consumed), -ENOENT);
    /* Too few labels. */
    size_t chunks = (len + 62) / 63;
    CHECK_INT(gns_ztld_join(labels + n - chunks + 1, lens + n - chunks + 1, chunks - 1, len, joined,
                            sizeof joined, &consumed),
              -ENOENT);
  }
  /* Labels in the wrong order (most significant chunk on the left). */
  {
    char s[131], joined[256];
    synth(s, 130);
    const char *labels[3] = {s, s + 63, s + 126};
    size_t lens[3] = {63, 63, 4}, consumed;
    CHECK_INT(gns_ztld_join(labels, lens, 3, 130, joined, sizeof joined, &consumed), -ENOENT);
    const char *good[3] = {s + 126, s + 63, s};
    size_t glens[3] = {4, 63, 63};
    CHECK_INT(gns_ztld_join(good, glens, 3, 130, joined, sizeof joined, &consumed), 0);
    CHECK_STR(joined, s);
  }
}

static void test_codec(void) {
  struct gns_zone_key zk, zk2;
  char s[GNS_ZTLD_MAX], t[GNS_ZTLD_MAX];
  const char *ztlds[] = {ZTLD_PKEY, ZTLD_EDKEY};
  const uint32_t types[] = {GNS_ZTYPE_PKEY, GNS_ZTYPE_EDKEY};

  for (size_t i = 0; i < 2; i++) {
    const char *z = ztlds[i];
    size_t len = strlen(z);
    CHECK_INT(len, 58);
    CHECK_INT(gns_ztld_decode(z, len, &zk), 0);
    CHECK_INT(zk.ztype, types[i]);
    CHECK_INT(gns_ztld_encode(&zk, s, sizeof s), 0);
    CHECK_STR(s, z);
    CHECK_INT(gns_ztld_encode(&zk, s, 59), 0);
    CHECK_INT(gns_ztld_encode(&zk, s, 58), -ENOSPC);
    CHECK_INT(gns_ztld_encode_split(&zk, s, sizeof s), 0);
    CHECK_STR(s, z);

    /* Lower case and the decoder's aliases (O for 0) decode the same. */
    for (size_t j = 0; j < len; j++)
      t[j] = (char)(z[j] >= 'A' && z[j] <= 'Z' ? z[j] + 32 : z[j]);
    CHECK_INT(gns_ztld_decode(t, len, &zk2), 0);
    CHECK(gns_zone_key_equal(&zk, &zk2));
    memcpy(t, z, len);
    t[0] = 'O';
    CHECK_INT(gns_ztld_decode(t, len, &zk2), 0);
    CHECK(gns_zone_key_equal(&zk, &zk2));

    /* Invalid Base32GNS anywhere. */
    static const char bad[] = "*-@.!/ ";
    for (size_t j = 0; j < len; j++)
      for (size_t b = 0; bad[b]; b++) {
        memcpy(t, z, len);
        t[j] = bad[b];
        int r = gns_ztld_decode(t, len, &zk2);
        if (r != -EINVAL) {
          fprintf(stderr, "position %zu char '%c'\n", j, bad[b]);
          CHECK_INT(r, -EINVAL);
        }
      }
    /* Non-zero padding bits in the last symbol. */
    memcpy(t, z, len);
    t[len - 1] = z[len - 1] == 'W' ? 'X' : 'Z';
    CHECK_INT(gns_ztld_decode(t, len, &zk2), -EINVAL);
    /* Wrong lengths. */
    for (size_t l = 0; l < len; l++)
      CHECK_INT(gns_ztld_decode(z, l, &zk2), -EINVAL);
    memcpy(t, z, len);
    t[len] = '0';
    CHECK_INT(gns_ztld_decode(t, len + 1, &zk2), -EINVAL);
  }

  /* Unknown ztype: a well-formed 36-byte id of type 65537. */
  {
    uint8_t id[GNS_ZONE_ID_LEN];
    CHECK_INT(gns_base32_decode(ZTLD_PKEY, 58, id, sizeof id, &(size_t){0}), 0);
    gns_put_u32(id, 65537);
    CHECK_INT(gns_base32_encode(id, sizeof id, s, sizeof s), 0);
    CHECK_INT(gns_ztld_decode(s, strlen(s), &zk2), -EPROTONOSUPPORT);
    gns_put_u32(id, 0);
    CHECK_INT(gns_base32_encode(id, sizeof id, s, sizeof s), 0);
    CHECK_INT(gns_ztld_decode(s, strlen(s), &zk2), -EPROTONOSUPPORT);
    /* A key that is not a curve point (y = 2^255 - 1 is not canonical). */
    gns_put_u32(id, GNS_ZTYPE_EDKEY);
    memset(id + 4, 0xff, 32);
    id[35] = 0x7f;
    CHECK_INT(gns_base32_encode(id, sizeof id, s, sizeof s), 0);
    CHECK_INT(gns_ztld_decode(s, strlen(s), &zk2), -EINVAL);
    /* Encoding a key of unknown type. */
    zk2.ztype = 65537;
    CHECK_INT(gns_ztld_encode(&zk2, s, sizeof s), -EPROTONOSUPPORT);
    CHECK_INT(gns_ztld_encode_split(&zk2, s, sizeof s), -EPROTONOSUPPORT);
  }
}

static void test_decode_labels(void) {
  struct gns_zone_key zk, want;
  size_t consumed = 99;
  CHECK_INT(gns_ztld_decode(ZTLD_EDKEY, 58, &want), 0);
  {
    const char *labels[] = {"www", "example", ZTLD_EDKEY};
    size_t lens[] = {3, 7, 58};
    CHECK_INT(gns_ztld_decode_labels(labels, lens, 3, &zk, &consumed), 0);
    CHECK_INT(consumed, 1);
    CHECK(gns_zone_key_equal(&zk, &want));
    CHECK_INT(gns_ztld_decode_labels(labels + 2, lens + 2, 1, &zk, &consumed), 0);
    CHECK_INT(consumed, 1);
  }
  {
    /* Not a zTLD: petnames, short labels, invalid symbols, no labels. */
    const char *labels[] = {"www", "example", "000G0", "alice-and-bob", "000G051WYJWJ80S04BRDRM"};
    size_t lens[] = {3, 7, 5, 13, 22};
    for (size_t i = 0; i < GNS_ARRAY_SIZE(labels); i++)
      CHECK_INT(gns_ztld_decode_labels(labels, lens, i + 1, &zk, &consumed), -ENOENT);
    CHECK_INT(gns_ztld_decode_labels(labels, lens, 0, &zk, &consumed), -ENOENT);
  }
  {
    /* A well-formed zTLD of an unknown type is not one of ours. */
    char s[GNS_ZTLD_MAX];
    uint8_t id[GNS_ZONE_ID_LEN];
    CHECK_INT(gns_base32_decode(ZTLD_PKEY, 58, id, sizeof id, &(size_t){0}), 0);
    gns_put_u32(id, 65537);
    CHECK_INT(gns_base32_encode(id, sizeof id, s, sizeof s), 0);
    const char *labels[] = {s};
    size_t lens[] = {58};
    CHECK_INT(gns_ztld_decode_labels(labels, lens, 1, &zk, &consumed), -ENOENT);
  }
}

int main(void) {
  test_split_join();
  test_codec();
  test_decode_labels();
  return check_done("test-ztld");
}
