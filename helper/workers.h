/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The crypto worker pool (DESIGN.md "The event loop and the workers").
 *
 * Threads sized to the CPUs gnsd may run on, at a lower scheduling
 * priority than the event loop, run work that takes milliseconds in bulk
 * (RRBLOCK signing, block verification). A job's run() executes on a
 * worker and must touch nothing but the job; its done() executes later on
 * the event loop, in the order jobs finish, so the loop only moves bytes
 * and schedules. Jobs are submitted from the loop only. */
#ifndef GNSD_WORKERS_H
#define GNSD_WORKERS_H

#include <stddef.h>
#include <systemd/sd-event.h>

struct gnsd_workers;

struct gnsd_job {
  /* On a worker thread. */
  void (*run)(struct gnsd_job *job);
  /* On the event loop, once run() returned (or, with cancelled = 1, when
   * the pool is freed before the job ran). Owns the job afterwards. */
  void (*done)(struct gnsd_job *job, int cancelled);
  struct gnsd_job *next; /* the pool's */
};

/* n_threads 0 = one per CPU in gnsd's affinity mask. nice: added to the
 * workers' nice value (>= 0) so that the loop wins a contended CPU. */
int gnsd_workers_new(sd_event *event, unsigned n_threads, int nice, struct gnsd_workers **out);
/* The threads' name (at most 15 bytes; top -H and ps -L show it). */
void gnsd_workers_set_name(struct gnsd_workers *w, const char *name);
/* Joins the threads; jobs not yet run get done(job, 1). */
void gnsd_workers_free(struct gnsd_workers *w);
unsigned gnsd_workers_threads(const struct gnsd_workers *w);
/* Queue a job (never fails: the job is the caller's allocation). */
void gnsd_workers_submit(struct gnsd_workers *w, struct gnsd_job *job);
/* The same for work a lookup waits for (the check of a block it fetched):
 * run before every job of gnsd_workers_submit (bulk signing), in the
 * order submitted, so that a lookup waits at most for the jobs running;
 * its done() comes at the loop's normal priority, not idle (bulk work's
 * results wait for the lookups that are ready, a lookup's do not). */
void gnsd_workers_submit_urgent(struct gnsd_workers *w, struct gnsd_job *job);
/* Jobs submitted whose done() has not run yet. */
size_t gnsd_workers_pending(const struct gnsd_workers *w);

#endif
