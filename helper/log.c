/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>
#include "log.h"

/* Process-wide by nature: one daemon, one log. */
static const char *log_ident = "gnsd";
static int log_max_level = LOG_INFO;
static bool log_journal;

void gnsd_log_init(const char *ident, int max_level) {
  if (ident) log_ident = ident;
  log_max_level = max_level;
  /* Under systemd stderr is usually a journal stream already, but writing
   * through sd-journal keeps the priority instead of flattening it. */
  log_journal = getenv("JOURNAL_STREAM") != NULL || getenv("INVOCATION_ID") != NULL;
}

void gnsd_log_set_max_level(int max_level) {
  log_max_level = max_level;
}

bool gnsd_log_to_journal(void) {
  return log_journal;
}

void gnsd_log(int level, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  gnsd_logv(level, fmt, ap);
  va_end(ap);
}

void gnsd_logv(int level, const char *fmt, va_list ap) {
  if (level > log_max_level) return;
  int saved_errno = errno;
  char msg[2048];
  vsnprintf(msg, sizeof msg, fmt, ap);
  if (log_journal) {
    sd_journal_print(level, "%s", msg);
  } else {
    fprintf(stderr, "%s: %s\n", log_ident, msg);
  }
  errno = saved_errno;
}
