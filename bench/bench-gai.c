/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench-gai NAME...: one getaddrinfo(AF_INET) per name, in this process,
 * through whatever nsswitch.conf says (bench/bench-gnunet.sh runs it with
 * hosts: gns against a gnsd on a GNUnet peer). Prints "NAME USEC ADDRESS"
 * or "NAME - error". No process start-up in the figure. */
#include "config.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
  /* No AI_ADDRCONFIG: the answer must not depend on this host's addresses. */
  static const struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
  for (int i = 1; i < argc; i++) {
    struct addrinfo *res = NULL;
    double t0 = now_us();
    int r = getaddrinfo(argv[i], NULL, &hints, &res);
    double t = now_us() - t0;
    if (r != 0 || !res) {
      printf("%s - %s\n", argv[i], gai_strerror(r));
    } else {
      char a[INET_ADDRSTRLEN] = "?";
      inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, a, sizeof a);
      printf("%s %.0f %s\n", argv[i], t, a);
      freeaddrinfo(res);
    }
    fflush(stdout);
  }
  return 0;
}
