/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gnsctl's human output: aligned tables, colour only on a terminal. */
#ifndef GNSCTL_OUTPUT_H
#define GNSCTL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct ctl_table;

/* A table with ncols columns; headers are copied. */
struct ctl_table *ctl_table_new(size_t ncols, const char *const *headers);
/* Append one row; cells are copied (NULL prints as "-"). */
int ctl_table_add(struct ctl_table *t, const char *const *cells);
/* Print with every column padded to its widest cell (by display width of
 * UTF-8 text); the last column is not padded. Headers are bold when
 * colour is on. */
void ctl_table_print(const struct ctl_table *t, FILE *f, bool colour);
void ctl_table_free(struct ctl_table *t);

/* Colour is used only when f is a terminal and NO_COLOR is unset. */
bool ctl_want_colour(FILE *f);

/* "2026-11-25 15:20:00 UTC" for microseconds since the epoch; "never" from
 * INT64_MAX on. buf needs 32 bytes. */
const char *ctl_format_time(unsigned long long usec, char *buf, size_t cap);
/* "1d 2h", "5m", "250ms" for a duration in microseconds. */
const char *ctl_format_duration(unsigned long long usec, char *buf, size_t cap);

/* Parse "YYYY-MM-DD" or "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DDTHH:MM[:SS]"
 * (UTC) into microseconds since the epoch. */
int ctl_parse_date(const char *s, unsigned long long *usec);

#endif
