/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* See gnsd-proc.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "gnsd-proc.h"

int bench_gnsd_start(const char *bin, const char *dir, pid_t *pid) {
  char conf[300], run[300], state[300], log[300], sock[320];
  snprintf(conf, sizeof conf, "%s/gnsd.conf", dir);
  snprintf(run, sizeof run, "%s/run", dir);
  snprintf(state, sizeof state, "%s/state", dir);
  snprintf(log, sizeof log, "%s/gnsd.log", dir);
  pid_t p = fork();
  if (p < 0) return -errno;
  if (p == 0) {
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) dup2(fd, 2);
    unsetenv("JOURNAL_STREAM");
    unsetenv("INVOCATION_ID");
    unsetenv("NOTIFY_SOCKET");
    unsetenv("LISTEN_FDS");
    execl(bin, bin, "--runtime-dir", run, "--state-dir", state, "--config", conf, (char *)NULL);
    _exit(127);
  }
  *pid = p;
  snprintf(sock, sizeof sock, "%s/alt.gns.Zone", run);
  for (int i = 0; i < 400; i++) {
    struct stat st;
    if (stat(sock, &st) == 0) return 0;
    if (waitpid(p, NULL, WNOHANG) == p) return -ECHILD;
    usleep(25000);
  }
  return -ETIMEDOUT;
}
