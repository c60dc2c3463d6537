/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Durations and sizes as people write them in gnsd.conf and on gnsctl's
 * command line ("1h30m", "16M"). One parser for both, so that
 * `gnsctl --expire` takes exactly what gnsd.conf takes. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include "units.h"

static const uint64_t US_PER_S = 1000000;

int gns_parse_u64(const char **p, uint64_t *out) {
  const char *s = *p;
  if (!isdigit((unsigned char)*s)) return -EINVAL;
  uint64_t v = 0;
  while (isdigit((unsigned char)*s)) {
    unsigned d = (unsigned)(*s - '0');
    if (v > (UINT64_MAX - d) / 10) return -ERANGE;
    v = v * 10 + d;
    s++;
  }
  *p = s;
  *out = v;
  return 0;
}

int gns_parse_duration(const char *s, uint64_t *usec) {
  static const struct {
    const char *unit;
    uint64_t us;
  } units[] = {
      /* longest first so that "ms" is not read as "m" */
      {"usec", 1},
      {"msec", 1000},
      {"sec", US_PER_S},
      {"min", 60 * US_PER_S},
      {"us", 1},
      {"ms", 1000},
      {"s", US_PER_S},
      {"m", 60 * US_PER_S},
      {"h", 3600 * US_PER_S},
      {"d", 86400 * US_PER_S},
      {"w", 7 * 86400 * US_PER_S},
      {"y", 365 * 86400 * US_PER_S},
  };
  uint64_t total = 0;
  const char *p = s;
  bool first = true;
  if (!*p) return -EINVAL;
  for (; *p; first = false) {
    uint64_t v;
    int r = gns_parse_u64(&p, &v);
    if (r < 0) return r;
    uint64_t mult = US_PER_S; /* a bare number is seconds */
    if (*p) {
      size_t i;
      for (i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t n = strlen(units[i].unit);
        if (strncmp(p, units[i].unit, n) == 0 && !isalpha((unsigned char)p[n])) break;
      }
      if (i == sizeof units / sizeof units[0]) return -EINVAL;
      mult = units[i].us;
      p += strlen(units[i].unit);
    } else if (!first) {
      return -EINVAL; /* "1h30": only a lone number may omit its unit */
    }
    if (v > UINT64_MAX / mult || total > UINT64_MAX - v * mult) return -ERANGE;
    total += v * mult;
  }
  *usec = total;
  return 0;
}

int gns_parse_size(const char *s, uint64_t *bytes) {
  const char *p = s;
  uint64_t v;
  int r = gns_parse_u64(&p, &v);
  if (r < 0) return r;
  uint64_t mult = 1;
  switch (toupper((unsigned char)*p)) {
  case '\0':
    break;
  case 'B':
    mult = 1;
    p++;
    goto end;
  case 'K':
    mult = 1024;
    p++;
    break;
  case 'M':
    mult = 1024 * 1024;
    p++;
    break;
  case 'G':
    mult = 1024 * 1024 * 1024;
    p++;
    break;
  default:
    return -EINVAL;
  }
  if (*p == 'i') p++;
  if (*p == 'B' || *p == 'b') p++;
end:
  if (*p) return -EINVAL;
  if (v > UINT64_MAX / mult) return -ERANGE;
  *bytes = v * mult;
  return 0;
}
