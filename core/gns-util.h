/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared by every module: big-endian integer access.
 * Wire integers always go through these; we never cast packed structs. */
#ifndef GNS_UTIL_H
#define GNS_UTIL_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t gns_get_u16(const uint8_t *p) {
  return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}
static inline uint32_t gns_get_u32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t gns_get_u64(const uint8_t *p) {
  return (uint64_t)gns_get_u32(p) << 32 | gns_get_u32(p + 4);
}
static inline void gns_put_u16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static inline void gns_put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}
static inline void gns_put_u64(uint8_t *p, uint64_t v) {
  gns_put_u32(p, (uint32_t)(v >> 32));
  gns_put_u32(p + 4, (uint32_t)v);
}

#define GNS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
