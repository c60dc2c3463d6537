/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Base32GNS against RFC 9498, Appendix D.1, plus malformed input. */
#include <errno.h>
#include "base32gns.h"
#include "gns-util.h"
#include "check.h"

int main(void) {
  char s[128];
  uint8_t b[128];
  size_t n = 0;

  /* RFC 9498, D.1: encoding */
  CHECK_INT(gns_base32_encode((const uint8_t *)"Hello World", 11, s, sizeof s), 0);
  CHECK_STR(s, "91JPRV3F41BPYWKCCG");
  uint8_t gns[64];
  size_t gl = check_hex("474e55204e616d652053797374656d", gns, sizeof gns);
  CHECK_INT(gns_base32_encode(gns, gl, s, sizeof s), 0);
  CHECK_STR(s, "8X75A82EC5PPA82KF5SQ8SBD");

  /* decoding, including the U -> V alias */
  static const char *const hello[] = {"91JPRV3F41BPYWKCCG", "91JPRU3F41BPYWKCCG",
                                      "91jprv3f41bpywkccg"};
  for (size_t i = 0; i < GNS_ARRAY_SIZE(hello); i++) {
    CHECK_INT(gns_base32_decode(hello[i], strlen(hello[i]), b, sizeof b, &n), 0);
    CHECK_INT(n, 11);
    CHECK_MEM(b, "Hello World", 11);
  }
  /* O -> 0, I/L -> 1 aliases */
  CHECK_INT(gns_base32_decode("OI", 2, b, sizeof b, &n),
            -EINVAL); /* 10 bits, 2 leftover non-zero */
  CHECK_INT(gns_base32_decode("0O", 2, b, sizeof b, &n), 0);
  CHECK_INT(n, 1);
  CHECK_INT(b[0], 0);
  uint8_t b2[8];
  CHECK_INT(gns_base32_decode("1L", 2, b, sizeof b, &n), -EINVAL);
  CHECK_INT(gns_base32_decode("0G", 2, b2, sizeof b2, &n),
            0); /* 00000 10000 -> 0x04, 2 zero bits */
  CHECK_INT(b2[0], 0x04);

  /* malformed */
  CHECK_INT(gns_base32_decode("91JP*V", 6, b, sizeof b, &n), -EINVAL);
  CHECK_INT(gns_base32_decode("9", 1, b, sizeof b, &n), -EINVAL); /* not a whole byte */
  CHECK_INT(gns_base32_decode("91JPRV3F41BPYWKCCH", 18, b, sizeof b, &n),
            -EINVAL); /* bad padding */
  CHECK_INT(gns_base32_decode("91JPRV3F41BPYWKCCG", 18, b, 10, &n), -ENOSPC);
  CHECK_INT(gns_base32_encode((const uint8_t *)"Hello World", 11, s, 18), -ENOSPC);

  /* round trips at every length */
  for (size_t len = 0; len < 70; len++) {
    uint8_t in[70], dec[70];
    for (size_t i = 0; i < len; i++)
      in[i] = (uint8_t)(i * 37 + len);
    CHECK_INT(gns_base32_encode(in, len, s, sizeof s), 0);
    CHECK_INT(strlen(s), gns_base32_encoded_len(len));
    CHECK_INT(gns_base32_decode(s, strlen(s), dec, sizeof dec, &n), 0);
    CHECK_INT(n, len);
    CHECK_MEM(dec, in, len);
  }
  return check_done("test-base32gns");
}
