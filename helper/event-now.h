/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The time of the loop's iteration, the one clock reading modules share
 * within an iteration; the clock itself where the loop has none yet (before
 * its first iteration sd_event_now fails) or there is no loop. */
#ifndef GNSD_EVENT_NOW_H
#define GNSD_EVENT_NOW_H

#include <stdint.h>
#include <time.h>
#include <systemd/sd-event.h>

/* Microseconds on id (CLOCK_MONOTONIC or CLOCK_REALTIME); ev may be NULL. */
static inline uint64_t gnsd_event_now(sd_event *ev, clockid_t id) {
  uint64_t t = 0;
  if (!ev || sd_event_now(ev, id, &t) < 0) {
    struct timespec ts;
    clock_gettime(id, &ts);
    t = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
  }
  return t;
}

#endif
