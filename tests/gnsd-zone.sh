#!/bin/sh
# Every alt.gns.Zone method with good and bad input; then the zones,
# records and blocks survive a restart.
set -u
. "${top_srcdir:-.}/tests/gnsd-lib.sh"
start_gnsd || fail "start"
"$PY" "$TESTS_DIR/gnsd_zone.py" || fail "gnsd_zone.py"
kill -0 "$GNSD_PID" || fail "gnsd died"
stop_gnsd || fail "gnsd exited with $?"
