#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/time-limit.sh CMD...: the log compiler of every test in TESTS
# (Makefile.am), so that no test can stall a run: CMD gets TEST_TIME_LIMIT
# seconds (default 900; the slowest test needs about a minute), then
# SIGTERM to its whole process group (timeout(1) makes one, so gnsd, fake
# servers and GNUnet peers that the test started go too), SIGKILL 10 s
# later.  A test that ran out of time is a FAIL that says so.  The C test
# programs have a shorter limit of their own (tests/check.h).
limit=${TEST_TIME_LIMIT:-900}
case $limit in '' | *[!0-9]*) echo "ERROR: TEST_TIME_LIMIT='$limit' is not a number of seconds"; exit 99 ;; esac
command -v timeout >/dev/null || { echo "ERROR: timeout(1) (coreutils) not found"; exit 99; }
start=$(date +%s)
timeout --kill-after=10 "$limit" "$@"
rc=$?
if [ $rc -eq 124 ] || { [ $rc -eq 137 ] && [ $(($(date +%s) - start)) -ge "$limit" ]; }; then
  echo "FAIL: no result after $limit s (TEST_TIME_LIMIT): the test hangs; stopped"
  exit 1
fi
exit $rc
