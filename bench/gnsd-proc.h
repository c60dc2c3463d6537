/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A real gnsd for a benchmark, all in one directory DIR: DIR/gnsd.conf
 * (the caller writes it), DIR/run (its sockets), DIR/state and DIR/gnsd.log
 * (its standard error). */
#ifndef BENCH_GNSD_PROC_H
#define BENCH_GNSD_PROC_H

#include <sys/types.h>

/* Start bin without the caller's systemd environment (a benchmark run from
 * a service must not hand gnsd its sockets or notify socket) and wait up
 * to 10 s for alt.gns.Zone. 0 with *pid, or -errno: -ECHILD if gnsd
 * exited, -ETIMEDOUT. */
int bench_gnsd_start(const char *bin, const char *dir, pid_t *pid);

#endif
