/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A job that holds one thread of a gnsd worker pool until released: the
 * jobs submitted meanwhile wait on the pool, so that a test can catch a
 * lookup or a GET with its blocks out (cancel it, free its owner) at a
 * moment it chooses. */
#ifndef TESTS_POOL_HOLD_H
#define TESTS_POOL_HOLD_H

#include <pthread.h>
#include <stdbool.h>
#include "workers.h"

struct pool_hold {
  struct gnsd_job job;
  pthread_mutex_t m;
  pthread_cond_t c;
  bool running, go, done;
};

static inline void pool_hold_run(struct gnsd_job *job) {
  struct pool_hold *h = (struct pool_hold *)job;
  pthread_mutex_lock(&h->m);
  h->running = true;
  pthread_cond_broadcast(&h->c);
  while (!h->go)
    pthread_cond_wait(&h->c, &h->m);
  pthread_mutex_unlock(&h->m);
}

static inline void pool_hold_done(struct gnsd_job *job, int cancelled) {
  (void)cancelled;
  ((struct pool_hold *)job)->done = true;
}

/* Returns once the hold runs on a worker. */
static inline void pool_hold(struct gnsd_workers *w, struct pool_hold *h) {
  *h = (struct pool_hold){.job = {.run = pool_hold_run, .done = pool_hold_done}};
  pthread_mutex_init(&h->m, NULL);
  pthread_cond_init(&h->c, NULL);
  gnsd_workers_submit(w, &h->job);
  pthread_mutex_lock(&h->m);
  while (!h->running)
    pthread_cond_wait(&h->c, &h->m);
  pthread_mutex_unlock(&h->m);
}

static inline void pool_release(struct pool_hold *h) {
  pthread_mutex_lock(&h->m);
  h->go = true;
  pthread_cond_broadcast(&h->c);
  pthread_mutex_unlock(&h->m);
}

/* Run ev until the hold came back to the loop (at most 2 s); true if it
 * did. Then h may go. */
static inline bool pool_hold_wait(sd_event *ev, struct pool_hold *h) {
  for (int i = 0; i < 200 && !h->done; i++)
    sd_event_run(ev, 10000);
  if (!h->done) return false;
  pthread_mutex_destroy(&h->m);
  pthread_cond_destroy(&h->c);
  return true;
}

#endif
