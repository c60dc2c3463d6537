/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Minimal assertions for table-driven tests run by automake's harness:
 * exit 0 = pass, 77 = skip, anything else = fail. Failures print
 * file:line and keep going so one run shows every broken case. */
#ifndef GNS_TEST_CHECK_H
#define GNS_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <signal.h>
#include <unistd.h>

static int check_failures;

/* Every test program has a time limit: a broken guard must fail the test,
 * not hang the run (one hung CI for 29 minutes).  alarm() is armed before
 * main() for CHECK_TIME_LIMIT seconds (environment; default below, 0 turns
 * it off, e.g. under a debugger); when it fires, the test says so and
 * exits 1.  A test that needs ITIMER_REAL itself pauses the watchdog with
 * check_watchdog_pause() and resumes it with check_watchdog_resume(). */
#ifndef CHECK_TIME_LIMIT_DEFAULT
#define CHECK_TIME_LIMIT_DEFAULT 120
#endif

static void check_watchdog_fired(int sig) {
  static const char msg[] = "FAIL: time limit reached (CHECK_TIME_LIMIT); the test hangs\n";
  (void)sig;
  (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
  _exit(1);
}

static inline void check_watchdog_resume(unsigned seconds) {
  struct sigaction sa = {.sa_handler = check_watchdog_fired};
  sigaction(SIGALRM, &sa, NULL);
  alarm(seconds);
}

/* Returns the seconds left, for check_watchdog_resume(). */
static inline unsigned check_watchdog_pause(void) {
  return alarm(0);
}

__attribute__((constructor)) static void check_watchdog_arm(void) {
  const char *e = getenv("CHECK_TIME_LIMIT");
  unsigned long s = CHECK_TIME_LIMIT_DEFAULT;
  if (e && *e) {
    char *end;
    s = strtoul(e, &end, 10);
    if (*end || s > 86400) s = CHECK_TIME_LIMIT_DEFAULT;
  }
  if (s) check_watchdog_resume((unsigned)s);
}

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                     \
      check_failures++;                                                                            \
    }                                                                                              \
  } while (0)

#define CHECK_INT(got, want)                                                                       \
  do {                                                                                             \
    long long g_ = (long long)(got), w_ = (long long)(want);                                       \
    if (g_ != w_) {                                                                                \
      fprintf(stderr, "%s:%d: %s == %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_);         \
      check_failures++;                                                                            \
    }                                                                                              \
  } while (0)

#define CHECK_STR(got, want)                                                                       \
  do {                                                                                             \
    const char *g_ = (got), *w_ = (want);                                                          \
    if (!g_ || strcmp(g_, w_) != 0) {                                                              \
      fprintf(stderr, "%s:%d: %s == \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got,              \
              g_ ? g_ : "(null)", w_);                                                             \
      check_failures++;                                                                            \
    }                                                                                              \
  } while (0)

static inline void check_dump(const char *what, const uint8_t *p, size_t n) {
  fprintf(stderr, "  %s (%zu):", what, n);
  for (size_t i = 0; i < n; i++)
    fprintf(stderr, "%s%02x", i % 16 ? " " : "\n    ", p[i]);
  fputc('\n', stderr);
}

#define CHECK_MEM(got, want, n)                                                                    \
  do {                                                                                             \
    if (memcmp((got), (want), (n)) != 0) {                                                         \
      fprintf(stderr, "%s:%d: %s differs from %s\n", __FILE__, __LINE__, #got, #want);             \
      check_dump("got", (const uint8_t *)(got), (n));                                              \
      check_dump("want", (const uint8_t *)(want), (n));                                            \
      check_failures++;                                                                            \
    }                                                                                              \
  } while (0)

/* Parse hex with optional white space (the RFC prints "50 d7 b6 ...").
 * Returns the byte count; aborts on malformed test data. */
static inline size_t check_hex(const char *hex, uint8_t *out, size_t cap) {
  size_t n = 0;
  int hi = -1;
  for (const char *p = hex; *p; p++) {
    int v;
    if (*p >= '0' && *p <= '9')
      v = *p - '0';
    else if (*p >= 'a' && *p <= 'f')
      v = *p - 'a' + 10;
    else if (*p >= 'A' && *p <= 'F')
      v = *p - 'A' + 10;
    else if (*p == ' ' || *p == '\n' || *p == '\t')
      continue;
    else
      abort();
    if (hi < 0)
      hi = v;
    else {
      if (n >= cap) abort();
      out[n++] = (uint8_t)(hi << 4 | v);
      hi = -1;
    }
  }
  if (hi >= 0) abort();
  return n;
}

static inline int check_done(const char *name) {
  if (check_failures) {
    fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
    return 1;
  }
  printf("%s: all checks passed\n", name);
  return 0;
}

#endif
