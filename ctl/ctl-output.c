/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <unistr.h>
#include <uniwidth.h>

#include "ctl-output.h"

struct ctl_table {
  size_t ncols;
  size_t nrows; /* including the header row */
  size_t cap;
  char **cells; /* nrows * ncols */
};

struct ctl_table *ctl_table_new(size_t ncols, const char *const *headers) {
  struct ctl_table *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->ncols = ncols;
  if (ctl_table_add(t, headers) < 0) {
    free(t);
    return NULL;
  }
  return t;
}

int ctl_table_add(struct ctl_table *t, const char *const *cells) {
  if (t->nrows == t->cap) {
    size_t ncap = t->cap ? t->cap * 2 : 8;
    char **n = realloc(t->cells, ncap * t->ncols * sizeof *n);
    if (!n) return -ENOMEM;
    t->cells = n;
    t->cap = ncap;
  }
  for (size_t c = 0; c < t->ncols; c++) {
    char *s = strdup(cells[c] ? cells[c] : "-");
    if (!s) {
      while (c-- > 0)
        free(t->cells[t->nrows * t->ncols + c]);
      return -ENOMEM;
    }
    t->cells[t->nrows * t->ncols + c] = s;
  }
  t->nrows++;
  return 0;
}

/* Terminal columns taken by UTF-8 text (wide characters count twice). */
static size_t display_width(const char *s) {
  size_t len = strlen(s);
  if (u8_check((const uint8_t *)s, len) != NULL) return len;
  int w = u8_strwidth((const uint8_t *)s, "UTF-8");
  return w < 0 ? len : (size_t)w;
}

void ctl_table_print(const struct ctl_table *t, FILE *f, bool colour) {
  size_t *width = calloc(t->ncols, sizeof *width);
  if (!width) return;
  for (size_t r = 0; r < t->nrows; r++)
    for (size_t c = 0; c < t->ncols; c++) {
      size_t w = display_width(t->cells[r * t->ncols + c]);
      if (w > width[c]) width[c] = w;
    }
  for (size_t r = 0; r < t->nrows; r++) {
    if (r == 0 && colour) fputs("\033[1m", f);
    for (size_t c = 0; c < t->ncols; c++) {
      const char *cell = t->cells[r * t->ncols + c];
      fputs(cell, f);
      if (c + 1 < t->ncols) {
        for (size_t pad = display_width(cell); pad < width[c] + 2; pad++)
          fputc(' ', f);
      }
    }
    if (r == 0 && colour) fputs("\033[0m", f);
    fputc('\n', f);
  }
  free(width);
}

void ctl_table_free(struct ctl_table *t) {
  if (!t) return;
  for (size_t i = 0; i < t->nrows * t->ncols; i++)
    free(t->cells[i]);
  free(t->cells);
  free(t);
}

bool ctl_want_colour(FILE *f) {
  const char *nc = getenv("NO_COLOR");
  if (nc && *nc) return false;
  const char *term = getenv("TERM");
  if (term && strcmp(term, "dumb") == 0) return false;
  return isatty(fileno(f)) == 1;
}

const char *ctl_format_time(unsigned long long usec, char *buf, size_t cap) {
  if (usec >= (unsigned long long)INT64_MAX) { /* gnsctl's "never" */
    snprintf(buf, cap, "never");
    return buf;
  }
  time_t secs = (time_t)(usec / 1000000);
  struct tm tm;
  if (!gmtime_r(&secs, &tm) || strftime(buf, cap, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
    snprintf(buf, cap, "%llu", usec);
  return buf;
}

const char *ctl_format_duration(unsigned long long usec, char *buf, size_t cap) {
  static const struct {
    const char *unit;
    unsigned long long us;
  } units[] = {{"w", 604800000000ull}, {"d", 86400000000ull}, {"h", 3600000000ull},
               {"m", 60000000ull},     {"s", 1000000ull},     {"ms", 1000ull}};
  size_t off = 0;
  int parts = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < sizeof units / sizeof units[0] && parts < 2; i++) {
    unsigned long long n = usec / units[i].us;
    if (n == 0) continue;
    int w = snprintf(buf + off, cap - off, "%s%llu%s", parts ? " " : "", n, units[i].unit);
    if (w < 0 || (size_t)w >= cap - off) break;
    off += (size_t)w;
    usec -= n * units[i].us;
    parts++;
  }
  if (parts == 0) snprintf(buf, cap, usec ? "%lluus" : "0s", usec);
  return buf;
}

int ctl_parse_date(const char *s, unsigned long long *usec) {
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  static const char *const formats[] = {"%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                                        "%Y-%m-%dT%H:%M", "%Y-%m-%d"};
  for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(s, formats[i], &tm);
    if (end && (*end == '\0' || strcmp(end, "Z") == 0 || strcmp(end, " UTC") == 0)) {
      time_t t = timegm(&tm);
      if (t < 0) return -ERANGE;
      *usec = (unsigned long long)t * 1000000ull;
      return 0;
    }
  }
  return -EINVAL;
}
