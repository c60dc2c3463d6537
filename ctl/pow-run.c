/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The revocation proof-of-work search on threads. See pow-run.h. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include "pow-run.h"

/* Candidates in flight beyond the oldest unfinished one; bounds the
 * memory of the in-order window and the work a cancel has to wait for. */
#define RUN_WINDOW 256u
#define RUN_MAX_THREADS 64u

/* Workers take candidates in order and post their scores into a window
 * indexed by candidate; the calling thread folds the window into the state
 * strictly in candidate order. So the state always describes a prefix of
 * the candidates (resumable from next_pow), and the result is the same for
 * any thread count and any interruption. */
enum { SLOT_EMPTY = 0, SLOT_ERROR = 0xffff }; /* else zeros + 1 */

struct run {
  pthread_mutex_t mu;
  pthread_cond_t posted;                  /* a worker posted a score or exited */
  pthread_cond_t advanced;                /* the window moved, or stop */
  uint8_t p[GNS_REVOCATION_POW_DATA_LEN]; /* template; workers copy it */
  uint64_t base;                          /* candidate of offset 0 */
  uint64_t limit;                         /* offsets below limit exist (no 64-bit wrap) */
  uint64_t issued;                        /* next offset to hand out */
  uint64_t folded;                        /* next offset to fold */
  uint16_t slot[RUN_WINDOW];
  int error; /* first worker error */
  unsigned running;
  bool stop;
};

static void *run_worker(void *arg) {
  struct run *r = arg;
  uint8_t p[GNS_REVOCATION_POW_DATA_LEN];
  memcpy(p, r->p, sizeof p);
  pthread_mutex_lock(&r->mu);
  for (;;) {
    while (!r->stop && r->issued < r->limit && r->issued - r->folded >= RUN_WINDOW)
      pthread_cond_wait(&r->advanced, &r->mu);
    if (r->stop || r->issued >= r->limit) break;
    uint64_t off = r->issued++;
    pthread_mutex_unlock(&r->mu);

    unsigned zeros = 0;
    int e = gns_revocation_pow_data_score(p, r->base + off, &zeros);

    pthread_mutex_lock(&r->mu);
    r->slot[off % RUN_WINDOW] = e < 0 ? SLOT_ERROR : (uint16_t)(zeros + 1);
    if (e < 0 && r->error == 0) r->error = e;
    pthread_cond_signal(&r->posted);
    if (e < 0) break;
  }
  r->running--;
  pthread_cond_signal(&r->posted);
  pthread_mutex_unlock(&r->mu);
  return NULL;
}

/* Fold finished candidates in order; stops at a gap, an error or done.
 * Called with the mutex held, or after all workers have exited. */
static unsigned run_fold(struct run *r, struct gns_revocation_state *st) {
  unsigned n = 0;
  while (!gns_revocation_state_done(st) && r->folded < r->issued) {
    uint16_t *s = &r->slot[r->folded % RUN_WINDOW];
    if (*s == SLOT_EMPTY || *s == SLOT_ERROR) break;
    gns_revocation_state_fold(st, r->base + r->folded, (unsigned)*s - 1u);
    *s = SLOT_EMPTY;
    r->folded++;
    n++;
  }
  return n;
}

static unsigned count_cpus(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return (unsigned)CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (unsigned)n : 1u;
}

int pow_run(struct gns_revocation_state *st, unsigned threads, pow_run_progress_fn progress,
            void *userdata) {
  if (!st || st->found > GNS_REVOCATION_Z || st->difficulty > GNS_REVOCATION_MAX_ZEROS)
    return -EINVAL;
  if (gns_revocation_state_done(st)) return 0;
  if (st->next_pow == UINT64_MAX) return -EOVERFLOW;
  if (threads == 0) threads = count_cpus();
  if (threads > RUN_MAX_THREADS) threads = RUN_MAX_THREADS;

  struct run r;
  memset(&r, 0, sizeof r);
  gns_revocation_pow_data_init(r.p, st->timestamp, &st->zk);
  r.base = st->next_pow;
  /* candidates up to UINT64_MAX - 1, so that next_pow never wraps */
  r.limit = UINT64_MAX - r.base;
  if (pthread_mutex_init(&r.mu, NULL) != 0) return -EAGAIN;
  pthread_cond_init(&r.posted, NULL);
  pthread_cond_init(&r.advanced, NULL);

  pthread_t tid[RUN_MAX_THREADS];
  unsigned started = 0;
  pthread_mutex_lock(&r.mu);
  for (; started < threads; started++) {
    if (pthread_create(&tid[started], NULL, run_worker, &r) != 0) break;
    r.running++;
  }

  bool cancelled = false;
  while (started > 0) {
    unsigned n = run_fold(&r, st);
    if (n > 0) pthread_cond_broadcast(&r.advanced);
    if (gns_revocation_state_done(st) || r.error != 0 || r.running == 0) break;
    if (n > 0 && progress) {
      pthread_mutex_unlock(&r.mu);
      int c = progress(userdata, st->tried, st->found, gns_revocation_state_average(st));
      pthread_mutex_lock(&r.mu);
      if (c != 0) {
        cancelled = true;
        break;
      }
      continue;
    }
    if (n == 0) pthread_cond_wait(&r.posted, &r.mu);
  }
  r.stop = true;
  pthread_cond_broadcast(&r.advanced);
  pthread_mutex_unlock(&r.mu);
  for (unsigned i = 0; i < started; i++)
    pthread_join(tid[i], NULL);
  /* Candidates still in flight at the stop have been posted by now; fold
   * them so that the state covers every candidate handed out (or up to a
   * failed one, which a resume tries again). */
  run_fold(&r, st);
  pthread_cond_destroy(&r.advanced);
  pthread_cond_destroy(&r.posted);
  pthread_mutex_destroy(&r.mu);

  if (started == 0) return -EAGAIN;
  if (gns_revocation_state_done(st)) {
    if (progress && !cancelled)
      (void)progress(userdata, st->tried, st->found, gns_revocation_state_average(st));
    return 0;
  }
  if (r.error != 0) return r.error;
  if (cancelled) return -ECANCELED;
  return -EOVERFLOW; /* every worker ran out of candidates */
}
