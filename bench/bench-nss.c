/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench-nss GNSNAME FILESNAME MISSNAME [N]: getaddrinfo() latency (p50,
 * p99) and lookups per second through glibc for a GNS name (libnss_gns.so.2
 * and gnsd's answer cache), in the same run for a name in /etc/hosts
 * (`files`) and for a missing GNS name (gnsd's negative answer), and the
 * ratios. doc/architecture.md ("Cache"): a cached getaddrinfo costs one socket round trip; the
 * goal is GNS <= 3x files. If GNSNAME does not resolve (a gnsd without
 * its resolver) the table says so and the miss row still measures the
 * round trip.
 * Both names should have the same addresses (one A record) so that glibc's
 * own work (sorting, AI_ADDRCONFIG) is the same for both.
 * Run it through bench/run-nss.sh, which sets up nsswitch.conf and gnsd. */
#include "config.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

struct stats {
  double p50, p99, per_sec;
};

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* One lookup: its time, or a negative time if the answer was not the
 * expected kind (an address for want_ok, EAI_NONAME otherwise). */
static double lookup(const char *name, int want_ok) {
  static const struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  struct addrinfo *res;
  double t0 = now_us();
  int r = getaddrinfo(name, "80", &hints, &res);
  double t = now_us() - t0;
  if (r == 0) freeaddrinfo(res);
  if (want_ok ? r != 0 : r != EAI_NONAME) {
    fprintf(stderr, "bench-nss: %s: %s\n", name, r ? gai_strerror(r) : "resolved");
    return -1;
  }
  return t;
}

static struct stats summarize(double *lat, size_t n, double total_us) {
  struct stats s;
  qsort(lat, n, sizeof *lat, cmp_double);
  s.p50 = lat[n / 2];
  s.p99 = lat[(n * 99) / 100];
  s.per_sec = (double)n / (total_us / 1e6);
  return s;
}

#define KINDS 3

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: bench-nss GNSNAME FILESNAME MISSNAME [N]\n");
    return 2;
  }
  static const char *src[KINDS] = {"gns", "files", "gns-miss"};
  static const int want_ok[KINDS] = {1, 1, 0};
  const char *names[KINDS] = {argv[1], argv[2], argv[3]};
  size_t n = argc > 4 ? strtoul(argv[4], NULL, 10) : 20000;
  if (n < 100) n = 100;
  double *lat[KINDS], total[KINDS] = {0};
  int usable[KINDS];
  for (int k = 0; k < KINDS; k++) {
    lat[k] = malloc(n * sizeof(double));
    if (!lat[k]) return 1;
    /* files must work: without it there is nothing to compare with. */
    usable[k] = lookup(names[k], want_ok[k]) >= 0;
    fflush(stderr);
    if (!usable[k] && k == 1) return 1;
  }

  /* Warm up: module loaded, files read, gnsd's cache filled. */
  for (int w = 0; w < 500; w++)
    for (int k = 0; k < KINDS; k++)
      if (usable[k]) lookup(names[k], want_ok[k]);
  /* Interleaved rounds of 100 so that drift (other load on the machine)
   * hits all alike. */
  for (size_t done = 0; done < n; done += 100)
    for (int k = 0; k < KINDS; k++) {
      if (!usable[k]) continue;
      double t0 = now_us();
      for (size_t i = done; i < done + 100 && i < n; i++)
        if ((lat[k][i] = lookup(names[k], want_ok[k])) < 0) return 1;
      total[k] += now_us() - t0;
    }

  struct stats s[KINDS];
  printf("%-9s %-40s %8s %9s %9s %11s\n", "source", "name", "lookups", "p50 us", "p99 us",
         "lookups/s");
  for (int k = 0; k < KINDS; k++) {
    if (!usable[k]) {
      printf("%-9s %-40.40s %8s (does not resolve: not measured)\n", src[k], names[k], "-");
      continue;
    }
    s[k] = summarize(lat[k], n, total[k]);
    printf("%-9s %-40.40s %8zu %9.1f %9.1f %11.0f\n", src[k], names[k], n, s[k].p50, s[k].p99,
           s[k].per_sec);
  }
  for (int k = 0; k < KINDS; k++) {
    if (k == 1 || !usable[k]) continue;
    double ratio = s[k].p50 / s[1].p50;
    printf("ratio %s/files: p50 %.2fx, p99 %.2fx, throughput %.2fx (goal: p50 <= 3x) %s\n", src[k],
           ratio, s[k].p99 / s[1].p99, s[1].per_sec / s[k].per_sec,
           ratio <= 3.0 ? "MET" : "NOT MET");
  }
  for (int k = 0; k < KINDS; k++)
    free(lat[k]);
  return 0;
}
