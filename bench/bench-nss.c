/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench-nss GNSNAME FILESNAME [N]: getaddrinfo() latency (p50, p99) and
 * lookups per second through glibc for a GNS name (libnss_gns.so.2 and
 * gnsd's answer cache) and, in the same run, for a name in /etc/hosts
 * (`files`), and their ratio. DESIGN.md: a cached getaddrinfo costs one
 * socket round trip; the goal is GNS <= 3x files.
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

/* One lookup; exits on failure: a benchmark of errors measures nothing. */
static double lookup(const char *name) {
  static const struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  struct addrinfo *res;
  double t0 = now_us();
  int r = getaddrinfo(name, "80", &hints, &res);
  double t = now_us() - t0;
  if (r != 0) {
    fprintf(stderr, "bench-nss: %s: %s\n", name, gai_strerror(r));
    exit(1);
  }
  freeaddrinfo(res);
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

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: bench-nss GNSNAME FILESNAME [N]\n");
    return 2;
  }
  const char *names[2] = {argv[1], argv[2]};
  size_t n = argc > 3 ? strtoul(argv[3], NULL, 10) : 20000;
  if (n < 100) n = 100;
  double *lat[2] = {malloc(n * sizeof(double)), malloc(n * sizeof(double))};
  double total[2] = {0, 0};
  if (!lat[0] || !lat[1]) return 1;

  /* Warm up: module loaded, files read, gnsd's cache filled. */
  for (int w = 0; w < 500; w++) {
    lookup(names[0]);
    lookup(names[1]);
  }
  /* Interleaved rounds of 100 so that drift (other load on the machine)
   * hits both alike. */
  for (size_t done = 0; done < n; done += 100) {
    for (int k = 0; k < 2; k++) {
      double t0 = now_us();
      for (size_t i = done; i < done + 100 && i < n; i++) lat[k][i] = lookup(names[k]);
      total[k] += now_us() - t0;
    }
  }
  struct stats s[2] = {summarize(lat[0], n, total[0]), summarize(lat[1], n, total[1])};

  printf("%-7s %-40s %8s %9s %9s %11s\n", "source", "name", "lookups", "p50 us", "p99 us",
         "lookups/s");
  static const char *src[2] = {"gns", "files"};
  for (int k = 0; k < 2; k++)
    printf("%-7s %-40.40s %8zu %9.1f %9.1f %11.0f\n", src[k], names[k], n, s[k].p50, s[k].p99,
           s[k].per_sec);
  double ratio = s[0].p50 / s[1].p50;
  printf("ratio gns/files: p50 %.2fx, p99 %.2fx, throughput %.2fx (goal: p50 <= 3x) %s\n", ratio,
         s[0].p99 / s[1].p99, s[1].per_sec / s[0].per_sec, ratio <= 3.0 ? "MET" : "NOT MET");
  free(lat[0]);
  free(lat[1]);
  return 0;
}
