/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The crypto worker pool. See workers.h. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "log.h"
#include "workers.h"

#define MAX_THREADS 64u

struct gnsd_workers {
  sd_event_source *source; /* the eventfd: finished jobs are waiting */
  int efd;
  /* the same for urgent jobs, at the loop's normal priority: a lookup
   * waits for them, and at idle priority a busy loop (a flood of
   * connections) would never hand them back */
  sd_event_source *usource;
  int uefd;
  int nice;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  /* FIFOs of jobs to run (urgent first), and the jobs run but not
   * handed back yet */
  struct gnsd_job *urgent_head, **urgent_tail;
  struct gnsd_job *todo_head, **todo_tail;
  struct gnsd_job *done_head, **done_tail;
  struct gnsd_job *udone_head, **udone_tail;
  bool stopping;
  size_t pending; /* loop-side only */
  unsigned n_threads;
  pthread_t threads[MAX_THREADS];
};

static void *worker_main(void *arg) {
  struct gnsd_workers *w = arg;
  /* Linux applies nice per thread: the loop, at the daemon's own
   * priority, wins any CPU it shares with a worker. */
  if (w->nice > 0) setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), w->nice);
  pthread_mutex_lock(&w->lock);
  for (;;) {
    while (!w->urgent_head && !w->todo_head && !w->stopping)
      pthread_cond_wait(&w->wake, &w->lock);
    if (w->stopping) break;
    struct gnsd_job *job;
    bool urgent = w->urgent_head != NULL;
    if (urgent) {
      job = w->urgent_head;
      w->urgent_head = job->next;
      if (!w->urgent_head) w->urgent_tail = &w->urgent_head;
    } else {
      job = w->todo_head;
      w->todo_head = job->next;
      if (!w->todo_head) w->todo_tail = &w->todo_head;
    }
    pthread_mutex_unlock(&w->lock);

    job->run(job);

    pthread_mutex_lock(&w->lock);
    job->next = NULL;
    struct gnsd_job **head = urgent ? &w->udone_head : &w->done_head;
    struct gnsd_job ***tail = urgent ? &w->udone_tail : &w->done_tail;
    bool was_empty = !*head;
    **tail = job;
    *tail = &job->next;
    if (was_empty) {
      uint64_t one = 1;
      /* cannot fail short of a counter overflow; the loop reads it */
      ssize_t n = write(urgent ? w->uefd : w->efd, &one, sizeof one);
      (void)n;
    }
  }
  pthread_mutex_unlock(&w->lock);
  return NULL;
}

/* On the loop: hand finished jobs back to their owners. */
static void hand_back(struct gnsd_workers *w, int fd, struct gnsd_job **head,
                      struct gnsd_job ***tail) {
  uint64_t n;
  ssize_t got = read(fd, &n, sizeof n);
  (void)got;
  pthread_mutex_lock(&w->lock);
  struct gnsd_job *list = *head;
  *head = NULL;
  *tail = head;
  pthread_mutex_unlock(&w->lock);
  while (list) {
    struct gnsd_job *next = list->next;
    w->pending--;
    list->done(list, 0);
    list = next;
  }
}

static int on_done(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
  (void)s;
  (void)revents;
  struct gnsd_workers *w = userdata;
  hand_back(w, fd, &w->done_head, &w->done_tail);
  return 0;
}

static int on_udone(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
  (void)s;
  (void)revents;
  struct gnsd_workers *w = userdata;
  hand_back(w, fd, &w->udone_head, &w->udone_tail);
  return 0;
}

static unsigned cpu_count(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return (unsigned)CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (unsigned)n : 1;
}

int gnsd_workers_new(sd_event *event, unsigned n_threads, int nice, struct gnsd_workers **out) {
  struct gnsd_workers *w = calloc(1, sizeof *w);
  if (!w) return -ENOMEM;
  if (n_threads == 0) n_threads = cpu_count();
  if (n_threads > MAX_THREADS) n_threads = MAX_THREADS;
  w->nice = nice;
  w->urgent_tail = &w->urgent_head;
  w->todo_tail = &w->todo_head;
  w->done_tail = &w->done_head;
  w->udone_tail = &w->udone_head;
  w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  w->uefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (w->efd < 0 || w->uefd < 0) {
    int r = -errno;
    if (w->efd >= 0) close(w->efd);
    if (w->uefd >= 0) close(w->uefd);
    free(w);
    return r;
  }
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->wake, NULL);
  int r = sd_event_add_io(event, &w->source, w->efd, EPOLLIN, on_done, w);
  if (r >= 0) r = sd_event_add_io(event, &w->usource, w->uefd, EPOLLIN, on_udone, w);
  if (r < 0) {
    gnsd_workers_free(w);
    return r;
  }
  /* finished work waits for lookups that are ready at the same time */
  sd_event_source_set_priority(w->source, SD_EVENT_PRIORITY_IDLE);
  for (unsigned i = 0; i < n_threads; i++) {
    int e = pthread_create(&w->threads[i], NULL, worker_main, w);
    if (e) {
      log_error("workers: cannot start a thread: %s", strerror(e));
      if (i == 0) {
        gnsd_workers_free(w);
        return -e;
      }
      break;
    }
    w->n_threads++;
  }
  *out = w;
  return 0;
}

void gnsd_workers_free(struct gnsd_workers *w) {
  if (!w) return;
  pthread_mutex_lock(&w->lock);
  w->stopping = true;
  pthread_cond_broadcast(&w->wake);
  pthread_mutex_unlock(&w->lock);
  for (unsigned i = 0; i < w->n_threads; i++)
    pthread_join(w->threads[i], NULL);
  /* finished jobs first (their results are whole), then the cancelled */
  for (struct gnsd_job *j = w->udone_head, *next; j; j = next) {
    next = j->next;
    j->done(j, 0);
  }
  for (struct gnsd_job *j = w->done_head, *next; j; j = next) {
    next = j->next;
    j->done(j, 0);
  }
  for (struct gnsd_job *j = w->urgent_head, *next; j; j = next) {
    next = j->next;
    j->done(j, 1);
  }
  for (struct gnsd_job *j = w->todo_head, *next; j; j = next) {
    next = j->next;
    j->done(j, 1);
  }
  sd_event_source_disable_unref(w->source);
  sd_event_source_disable_unref(w->usource);
  close(w->efd);
  close(w->uefd);
  pthread_mutex_destroy(&w->lock);
  pthread_cond_destroy(&w->wake);
  free(w);
}

void gnsd_workers_set_name(struct gnsd_workers *w, const char *name) {
  for (unsigned i = 0; i < w->n_threads; i++)
    pthread_setname_np(w->threads[i], name);
}

unsigned gnsd_workers_threads(const struct gnsd_workers *w) {
  return w->n_threads;
}

static void enqueue(struct gnsd_workers *w, struct gnsd_job ***tail, struct gnsd_job *job) {
  job->next = NULL;
  w->pending++;
  pthread_mutex_lock(&w->lock);
  **tail = job;
  *tail = &job->next;
  pthread_cond_signal(&w->wake);
  pthread_mutex_unlock(&w->lock);
}

void gnsd_workers_submit(struct gnsd_workers *w, struct gnsd_job *job) {
  enqueue(w, &w->todo_tail, job);
}

void gnsd_workers_submit_urgent(struct gnsd_workers *w, struct gnsd_job *job) {
  enqueue(w, &w->urgent_tail, job);
}

size_t gnsd_workers_pending(const struct gnsd_workers *w) {
  return w->pending;
}
