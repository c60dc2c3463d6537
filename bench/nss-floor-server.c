/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nss-floor-server SOCKET: the cheapest possible alt.gns.Resolve, for
 * bench/run-nss.sh to measure what the NSS module and the kernel cost
 * without gnsd: accept, read one request, write a canned answer (one A
 * record, 127.0.0.1; NoSuchName for names starting with "missing."),
 * close. One process, blocking calls, no parsing beyond a prefix check. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char found[] =
    "{\"parameters\":{\"addresses\":[{\"family\":2,\"address\":[127,0,0,1]}],"
    "\"name\":\"floor.gns.alt\"}}";
static const char missing[] = "{\"error\":\"alt.gns.Resolve.NoSuchName\",\"parameters\":{}}";

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
  char buf[4096];
  for (;;) {
    int fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) continue;
    size_t n = 0;
    while (n < sizeof buf - 1) {
      ssize_t r = read(fd, buf + n, sizeof buf - 1 - n);
      if (r <= 0) break;
      n += (size_t)r;
      if (memchr(buf, 0, n)) break;
    }
    buf[n] = 0;
    const char *reply = strstr(buf, "\"name\":\"missing.") ? missing : found;
    (void)!write(fd, reply, strlen(reply) + 1);
    close(fd);
  }
}
