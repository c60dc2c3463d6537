/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nss-threads NAME MISSING THREADS COUNT: THREADS threads each call
 * getaddrinfo() COUNT times through glibc (so through libnss_gns.so.2 when
 * nsswitch.conf says gns): NAME must resolve to 127.0.0.1 every time, and
 * every tenth lookup is MISSING, which must fail with EAI_NONAME. The
 * number of open descriptors must be the same before and after.
 * Prints one summary line; exit 0 only if everything held. */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static const char *name, *missing;
static long count;
static atomic_long ok, failed, missing_ok;

static int open_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  int n = 0;
  if (!d) return -1;
  while (readdir(d))
    n++;
  closedir(d);
  return n - 3; /* ".", "..", the directory's own descriptor */
}

static int has_loopback(const struct addrinfo *ai) {
  for (; ai; ai = ai->ai_next)
    if (ai->ai_family == AF_INET &&
        ((const struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK))
      return 1;
  return 0;
}

static void *worker(void *arg) {
  (void)arg;
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  for (long i = 0; i < count; i++) {
    struct addrinfo *res = NULL;
    if (i % 10 == 9) {
      int r = getaddrinfo(missing, "80", &hints, &res);
      if (r == EAI_NONAME)
        atomic_fetch_add(&missing_ok, 1);
      else {
        atomic_fetch_add(&failed, 1);
        if (atomic_load(&failed) < 5) fprintf(stderr, "%s: %s\n", missing, gai_strerror(r));
      }
      if (r == 0) freeaddrinfo(res);
      continue;
    }
    int r = getaddrinfo(name, "80", &hints, &res);
    if (r == 0 && has_loopback(res))
      atomic_fetch_add(&ok, 1);
    else {
      atomic_fetch_add(&failed, 1);
      if (atomic_load(&failed) < 5)
        fprintf(stderr, "%s: %s\n", name, r ? gai_strerror(r) : "no 127.0.0.1");
    }
    if (r == 0) freeaddrinfo(res);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: nss-threads NAME MISSING THREADS COUNT\n");
    return 2;
  }
  name = argv[1];
  missing = argv[2];
  int nthreads = atoi(argv[3]);
  count = atol(argv[4]);
  if (nthreads < 1 || nthreads > 1024 || count < 1) return 2;

  /* One lookup first so that glibc has loaded the module and read its
   * files: those descriptors are not leaks. */
  struct addrinfo *res;
  if (getaddrinfo(name, "80", NULL, &res) == 0) freeaddrinfo(res);
  int before = open_fds();

  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pthread_t *th = calloc((size_t)nthreads, sizeof *th);
  for (int i = 0; i < nthreads; i++)
    if (pthread_create(&th[i], NULL, worker, NULL) != 0) return 2;
  for (int i = 0; i < nthreads; i++)
    pthread_join(th[i], NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  free(th);
  int after = open_fds();

  double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  long total = nthreads * count;
  printf("threads=%d lookups=%ld ok=%ld missing_ok=%ld failed=%ld fds_before=%d fds_after=%d "
         "seconds=%.2f\n",
         nthreads, total, atomic_load(&ok), atomic_load(&missing_ok), atomic_load(&failed), before,
         after, s);
  return atomic_load(&failed) == 0 && atomic_load(&ok) + atomic_load(&missing_ok) == total &&
                 before == after
             ? 0
             : 1;
}
