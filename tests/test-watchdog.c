/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A test program that hangs on purpose ("hang") or passes (no argument),
 * for tests/time-limit-check.sh: the watchdog of tests/check.h must end
 * the hang as a failure. */
#include "check.h"

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "hang") == 0)
    for (;;)
      pause();
  return check_failures ? 1 : 0;
}
