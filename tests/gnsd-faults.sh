#!/bin/sh
# Every failure gets the right answer (issue 12): see tests/gnsd_faults.py.
set -u
. "${top_srcdir:-.}/tests/gnsd-lib.sh"
start_gnsd || fail "start"
"$PY" "$TESTS_DIR/gnsd_faults.py" || fail "gnsd_faults.py"
kill -0 "$GNSD_PID" || fail "gnsd died"
stop_gnsd || fail "gnsd exited with $?"
