# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the NSS tests (sourced): paths, assertions, the fake gnsd.
# Expects top_srcdir and top_builddir (automake's AM_TESTS_ENVIRONMENT);
# falls back to the directory of this file for manual runs.

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)

MODULE=$top_builddir/nss/.libs/libnss_gns.so.2
DRIVER=$top_builddir/tests/nss-driver
FAKE_GNSD=$top_srcdir/tests/nss-fake-gnsd.py
. "$top_srcdir/tests/proc-lib.sh"
# The system python starts fastest and uses the system glibc.
if [ -z "${PYTHON:-}" ]; then
  if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi

failures=0
checks=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

skip() {
  echo "SKIP: $*"
  exit 77
}

# expect_line OUTPUT REGEX DESCRIPTION: some line of OUTPUT matches REGEX.
expect_line() {
  checks=$((checks + 1))
  if ! printf '%s\n' "$1" | grep -Eq -- "$2"; then
    fail "$3: no line matches /$2/ in:"
    printf '%s\n' "$1" | sed 's/^/    /' >&2
  fi
}

# expect_no_line OUTPUT REGEX DESCRIPTION
expect_no_line() {
  checks=$((checks + 1))
  if printf '%s\n' "$1" | grep -Eq -- "$2"; then
    fail "$3: a line matches /$2/ in:"
    printf '%s\n' "$1" | sed 's/^/    /' >&2
  fi
}

# expect_eq GOT WANT DESCRIPTION
expect_eq() {
  checks=$((checks + 1))
  [ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

# expect_lt A B DESCRIPTION: integer A < B.
expect_lt() {
  checks=$((checks + 1))
  [ "$1" -lt "$2" ] || fail "$3: $1 is not below $2"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

wait_for_socket() { # PATH [TRIES of 50 ms]
  wait_until "${2:-100}" 0.05 test -S "$1"
}

# start_fake_gnsd SOCKET LOG: sets FAKE_PID.
start_fake_gnsd() {
  command -v "$PYTHON" >/dev/null || skip "python3 is needed for the fake gnsd"
  rm -f "$1"
  "$PYTHON" "$FAKE_GNSD" "$1" --log "$2" &
  FAKE_PID=$!
  wait_for_socket "$1" || { fail "fake gnsd did not start"; return 1; }
}

finish() {
  echo "$checks checks, $failures failed"
  [ "$failures" -eq 0 ]
}
