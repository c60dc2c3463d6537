/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gnsd logging: to the journal when started by systemd ($JOURNAL_STREAM
 * or $INVOCATION_ID set), to stderr otherwise. Levels are syslog's. */
#ifndef GNSD_LOG_H
#define GNSD_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <syslog.h>

/* Decide the destination from the environment; messages above max_level
 * (e.g. LOG_DEBUG when max_level is LOG_INFO) are dropped. */
void gnsd_log_init(const char *ident, int max_level);
void gnsd_log_set_max_level(int max_level);
bool gnsd_log_to_journal(void);

void gnsd_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gnsd_logv(int level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#define log_debug(...) gnsd_log(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) gnsd_log(LOG_INFO, __VA_ARGS__)
#define log_notice(...) gnsd_log(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) gnsd_log(LOG_WARNING, __VA_ARGS__)
#define log_error(...) gnsd_log(LOG_ERR, __VA_ARGS__)

#endif
