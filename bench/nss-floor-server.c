/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nss-floor-server SOCKET: the cheapest possible alt.gns.Resolve, for
 * bench/run-nss.sh to measure what the NSS module and the kernel cost
 * without gnsd: read a request, write a canned answer (one A record,
 * 127.0.0.1; NoSuchName for names starting with "missing."), on as many
 * requests and connections as come (the module keeps its connection
 * between lookups, as with gnsd). One process, poll, no parsing beyond a
 * prefix check. */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char found[] =
    "{\"parameters\":{\"addresses\":[{\"family\":2,\"address\":[127,0,0,1]}],"
    "\"name\":\"floor.gns.alt\"}}";
static const char missing[] = "{\"error\":\"alt.gns.Resolve.NoSuchName\",\"parameters\":{}}";

#define MAX_CONNS 64

struct conn {
  int fd;
  size_t len;
  char buf[4096];
};

int main(int argc, char **argv) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (argc != 2 || strlen(argv[1]) >= sizeof sa.sun_path) {
    fprintf(stderr, "usage: nss-floor-server SOCKET\n");
    return 2;
  }
  memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
  unlink(argv[1]);
  int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(l, 128) < 0) {
    perror("nss-floor-server");
    return 1;
  }
  static struct conn c[MAX_CONNS];
  int n = 0;
  for (;;) {
    struct pollfd p[MAX_CONNS + 1] = {{.fd = l, .events = POLLIN}};
    for (int i = 0; i < n; i++)
      p[i + 1] = (struct pollfd){.fd = c[i].fd, .events = POLLIN};
    if (poll(p, (nfds_t)n + 1, -1) < 0) continue;
    for (int i = n - 1; i >= 0; i--) {
      if (!p[i + 1].revents) continue;
      ssize_t r = read(c[i].fd, c[i].buf + c[i].len, sizeof c[i].buf - 1 - c[i].len);
      if (r <= 0) {
        close(c[i].fd);
        c[i] = c[--n];
        continue;
      }
      c[i].len += (size_t)r;
      char *nul;
      while ((nul = memchr(c[i].buf, 0, c[i].len))) {
        const char *reply = strstr(c[i].buf, "\"name\":\"missing.") ? missing : found;
        (void)!write(c[i].fd, reply, strlen(reply) + 1);
        size_t used = (size_t)(nul - c[i].buf) + 1;
        memmove(c[i].buf, c[i].buf + used, c[i].len - used);
        c[i].len -= used;
      }
      if (c[i].len == sizeof c[i].buf - 1) c[i].len = 0; /* no NUL in 4 KiB: drop it */
    }
    if ((p[0].revents & POLLIN) && n < MAX_CONNS) {
      int fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
      if (fd >= 0) c[n++] = (struct conn){.fd = fd};
    }
  }
}
