/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The connection a process keeps to gnsd. See conn-cache.h for the rules
 * that make it safe in any process. */
#include "config.h"

#include "conn-cache.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18 /* Linux 4.14 */
#endif

/* The mark in the MADV_WIPEONFORK page: any other value (fork zeroes the
 * page) means this memory is a forked copy of the process that connected. */
#define MARK 0x676e73u /* "gns" */

/* All of it guarded by lock, except that a process whose fork copied the
 * lock while another thread held it never takes it (and so never looks). */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
  volatile unsigned *mark; /* the page; NULL = not set up yet */
  bool no_page;            /* MADV_WIPEONFORK refused: keep nothing */
  struct gns_varlink *v;   /* the kept connection, or NULL */
  pid_t pid;               /* who connected it */
  dev_t dev;               /* its socket, as fstat saw it then */
  ino_t ino;
  size_t max_message;
  char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
  /* the last reply and its parse (gns_conn_cache_remember) */
  char *memo_text;
  size_t memo_len;
  int memo_tag;
  void *memo_value;
  void (*memo_free)(void *);
} kept;

static void memo_forget(void) {
  if (kept.memo_value) kept.memo_free(kept.memo_value);
  free(kept.memo_text);
  kept.memo_text = NULL;
  kept.memo_value = NULL;
  kept.memo_len = 0;
}

const void *gns_conn_cache_recall(const struct gns_conn_lease *lease, const char *msg, size_t len,
                                  int tag) {
  if (!lease->kept || !kept.memo_value || kept.memo_len != len || kept.memo_tag != tag ||
      memcmp(kept.memo_text, msg, len) != 0)
    return NULL;
  return kept.memo_value;
}

void gns_conn_cache_remember(const struct gns_conn_lease *lease, const char *msg, size_t len,
                             int tag, void *value, void (*free_value)(void *)) {
  char *text = lease->kept && len <= GNS_CONN_CACHE_MEMO_MAX ? malloc(len ? len : 1) : NULL;
  if (!text) {
    free_value(value);
    return;
  }
  memcpy(text, msg, len);
  memo_forget();
  kept.memo_text = text;
  kept.memo_len = len;
  kept.memo_tag = tag;
  kept.memo_value = value;
  kept.memo_free = free_value;
}

/* Is the kept descriptor still the socket we connected? */
static bool kept_fd_is_ours(void) {
  struct stat st;
  return fstat(gns_varlink_fd(kept.v), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == kept.dev &&
         st.st_ino == kept.ino;
}

/* Drops the kept connection: closed if its descriptor is still ours,
 * otherwise just forgotten. */
static void kept_drop(void) {
  if (!kept.v) return;
  if (kept_fd_is_ours())
    gns_varlink_free(kept.v);
  else
    gns_varlink_forget(kept.v);
  kept.v = NULL;
}

static size_t page_size(void) {
  long size = sysconf(_SC_PAGESIZE);
  return size > 0 ? (size_t)size : 4096;
}

static bool page_setup(void) {
  if (kept.mark) return true;
  if (kept.no_page) return false;
  void *p = mmap(NULL, page_size(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    kept.no_page = true;
    return false;
  }
  if (madvise(p, page_size(), MADV_WIPEONFORK) < 0) {
    munmap(p, page_size());
    kept.no_page = true;
    return false;
  }
  kept.mark = p;
  return true;
}

static int fresh(const char *path, size_t max_message, uint64_t deadline,
                 struct gns_conn_lease *lease) {
  *lease = (struct gns_conn_lease){0};
  return gns_varlink_connect(path, max_message, deadline, &lease->v);
}

int gns_conn_cache_acquire(const char *path, size_t max_message, uint64_t block_usec,
                           uint64_t deadline, struct gns_conn_lease *lease) {
  size_t plen = strlen(path);
  if (plen >= sizeof kept.path || pthread_mutex_trylock(&lock) != 0)
    return fresh(path, max_message, deadline, lease);
  if (!page_setup()) goto unlock_fresh;
  pid_t pid = getpid();
  if (*kept.mark != MARK) {
    /* Forked (or first use): a kept descriptor is our parent's socket,
     * shared with it but not with its lock. Close our copy. */
    kept_drop();
    *kept.mark = MARK;
    kept.pid = pid;
  } else if (kept.pid != pid) {
    /* Not a fork copy but another pid: a CLONE_VM child (vfork) that
     * shares our memory. The connection belongs to its parent. */
    goto unlock_fresh;
  }
  if (kept.v && (kept.max_message != max_message || strcmp(kept.path, path) != 0)) kept_drop();
  if (kept.v && !kept_fd_is_ours()) {
    /* The program closed it or put something else on its number. */
    gns_varlink_forget(kept.v);
    kept.v = NULL;
  }
  bool reused = kept.v != NULL;
  if (!kept.v) {
    int r = gns_varlink_connect(path, max_message, deadline, &kept.v);
    if (r < 0) {
      kept.v = NULL;
      pthread_mutex_unlock(&lock);
      return r;
    }
    struct stat st;
    if (fstat(gns_varlink_fd(kept.v), &st) < 0) {
      /* Cannot recognise it later: use it once only. */
      *lease = (struct gns_conn_lease){.v = kept.v};
      kept.v = NULL;
      pthread_mutex_unlock(&lock);
      return 0;
    }
    /* A lookup on a kept connection then waits in recv(), not poll(). */
    if (block_usec) gns_varlink_block_replies(kept.v, block_usec);
    kept.dev = st.st_dev;
    kept.ino = st.st_ino;
    kept.max_message = max_message;
    memcpy(kept.path, path, plen + 1);
  }
  *lease = (struct gns_conn_lease){.v = kept.v, .kept = true, .reused = reused};
  return 0;

unlock_fresh:
  pthread_mutex_unlock(&lock);
  return fresh(path, max_message, deadline, lease);
}

void gns_conn_cache_release(struct gns_conn_lease *lease, bool ok) {
  if (!lease->kept) {
    gns_varlink_free(lease->v);
  } else {
    if (!ok || gns_varlink_buffered(kept.v) > 0) kept_drop();
    pthread_mutex_unlock(&lock);
  }
  *lease = (struct gns_conn_lease){0};
}

bool gns_conn_cache_stale(const struct gns_conn_lease *lease, int r) {
  return lease->kept && lease->reused && (r == -EPIPE || r == -ECONNRESET);
}

/* dlclose() (or exit): the kept connection and the page go with the
 * module. A forked copy's connection is its parent's: left alone. */
__attribute__((destructor)) static void conn_cache_fini(void) {
  if (pthread_mutex_trylock(&lock) != 0) return;
  memo_forget();
  if (kept.mark) {
    if (*kept.mark == MARK && kept.pid == getpid()) kept_drop();
    munmap((void *)kept.mark, page_size());
    kept.mark = NULL;
  }
  pthread_mutex_unlock(&lock);
}
