#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The time limits: a hanging C test program fails by itself after
# CHECK_TIME_LIMIT seconds (tests/check.h), and tests/time-limit.sh, the log
# compiler of every test, fails a hanging test after TEST_TIME_LIMIT
# seconds and stops what it started.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=.}"
W="$top_builddir/tests/test-watchdog"
[ -x "$W" ] || { echo "ERROR: $W not built"; exit 99; }
tmp=$(mktemp -d)
trap 'kill $(cat "$tmp/pid" 2>/dev/null) 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# the C watchdog
CHECK_TIME_LIMIT=1 "$W" || fail "test-watchdog without a hang failed"
s=$(date +%s)
CHECK_TIME_LIMIT=1 "$W" hang 2>"$tmp/err"
rc=$?
took=$(($(date +%s) - s))
[ $rc -eq 1 ] || fail "a hanging C test exited $rc, want 1"
[ $took -le 5 ] || fail "a hanging C test ran $took s with CHECK_TIME_LIMIT=1"
grep -q 'time limit' "$tmp/err" || fail "a hanging C test did not say why it failed: $(cat "$tmp/err")"
echo "ok: a hanging C test fails after CHECK_TIME_LIMIT"

# the harness: a shell test that hangs, with a child of its own
s=$(date +%s)
TEST_TIME_LIMIT=1 sh "$top_srcdir/tests/time-limit.sh" sh -c \
  'sleep 300 & echo $! > "$1/pid"; CHECK_TIME_LIMIT=0 "$2" hang' sh "$tmp" "$W" >"$tmp/out" 2>&1
rc=$?
took=$(($(date +%s) - s))
[ $rc -eq 1 ] || fail "a hanging test under tests/time-limit.sh exited $rc, want 1"
[ $took -le 15 ] || fail "a hanging test under tests/time-limit.sh ran $took s with TEST_TIME_LIMIT=1"
grep -q 'no result after 1 s' "$tmp/out" || fail "tests/time-limit.sh did not say why: $(cat "$tmp/out")"
pid=$(cat "$tmp/pid")
for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
kill -0 "$pid" 2>/dev/null && fail "the hanging test's child $pid outlived the time limit"
echo "ok: a hanging test fails after TEST_TIME_LIMIT, its children stopped"
# and a passing or skipping test keeps its exit code
sh "$top_srcdir/tests/time-limit.sh" sh -c 'exit 77'
[ $? -eq 77 ] || fail "tests/time-limit.sh changed a skip's exit code"
sh "$top_srcdir/tests/time-limit.sh" true || fail "tests/time-limit.sh failed a passing test"
echo "ok: exit codes kept"
