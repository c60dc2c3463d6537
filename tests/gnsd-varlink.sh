#!/bin/sh
# gnsd's varlink sockets: service interface, framing, errors, concurrency,
# pipelining, partial writes, size limits, a client that never reads.
set -u
. "${top_srcdir:-.}/tests/gnsd-lib.sh"
start_gnsd || fail "start"
"$PY" "$TESTS_DIR/gnsd_varlink.py" || fail "gnsd_varlink.py"
kill -0 "$GNSD_PID" || fail "gnsd died"
stop_gnsd || fail "gnsd exited with $?"
