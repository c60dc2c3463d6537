/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Clocks in microseconds, for tests and benchmarks. */
#ifndef GNS_TEST_CLOCK_US_H
#define GNS_TEST_CLOCK_US_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_us(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* For durations and deadlines. */
static inline uint64_t mono_us(void) {
  return clock_us(CLOCK_MONOTONIC);
}

/* For GNS expiration times (microseconds since the epoch). */
static inline uint64_t real_us(void) {
  return clock_us(CLOCK_REALTIME);
}

#endif
