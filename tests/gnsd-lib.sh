# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the gnsd integration tests: a private gnsd in a temp dir.
# Source it; it sets GNSD, TMP, GNSD_RUNTIME_DIR, STATE, CONF, PY.

: "${top_builddir:=.}"
: "${top_srcdir:=.}"
GNSD="$top_builddir/helper/gnsd"
TESTS_DIR="$top_srcdir/tests"
. "$TESTS_DIR/proc-lib.sh"

# Prefer the system python: tests also run it as nobody, who cannot
# read a python under /root.
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=$(command -v python3 || true); fi
[ -n "$PY" ] || { echo "SKIP: python3 not found"; exit 77; }
[ -x "$GNSD" ] || { echo "FAIL: $GNSD not built"; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gnsd-test.XXXXXX")
GNSD_RUNTIME_DIR="$TMP/run"
STATE="$TMP/state"
CONF="$TMP/gnsd.conf"
GNSD_LOG="$TMP/gnsd.log"
export GNSD_RUNTIME_DIR
export PYTHONPATH="$TESTS_DIR${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1
# our gnsd logs to its stderr, not to the journal of the machine
unset JOURNAL_STREAM INVOCATION_ID NOTIFY_SOCKET LISTEN_FDS LISTEN_PID LISTEN_FDNAMES
: > "$CONF"
GNSD_PID=

cleanup() {
  if [ -n "$GNSD_PID" ] && kill -0 "$GNSD_PID" 2>/dev/null; then
    kill -TERM "$GNSD_PID" 2>/dev/null
    wait "$GNSD_PID" 2>/dev/null
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# start_gnsd [extra args]: start in the background and wait for both sockets.
start_gnsd() {
  gnsd_launch "$GNSD" "$GNSD_RUNTIME_DIR" "$STATE" "$CONF" "$GNSD_LOG" "$@"
  _rc=$?
  GNSD_PID=$GNSD_LAUNCH_PID
  [ "$_rc" -eq 0 ] && return 0
  echo "gnsd did not start; its log:"
  cat "$GNSD_LOG"
  return 1
}

# stop_gnsd: SIGTERM and wait; returns gnsd's exit status.
stop_gnsd() {
  kill -TERM "$GNSD_PID"
  local rc=0
  wait "$GNSD_PID" || rc=$?
  GNSD_PID=
  return $rc
}

# setup_error MSG: the test could not set itself up; a hard ERROR in the
# harness, not a FAIL of the code under test.
setup_error() {
  echo "ERROR: set-up: $*"
  exit 99
}

# nobody_tree: copy what a test runs as uid 65534 (tests/gnsdtest.py, and
# any files given) into $TMP/nobody, readable by everyone, and check that
# nobody can use it.  The clone may live where nobody cannot read (/root is
# 0700).  Sets NOBODY_DIR.
nobody_tree() {
  NOBODY_DIR="$TMP/nobody"
  mkdir -p "$NOBODY_DIR" || setup_error "mkdir $NOBODY_DIR"
  cp "$TESTS_DIR/gnsdtest.py" "$@" "$NOBODY_DIR/" || setup_error "copying test files to $NOBODY_DIR"
  chmod 0755 "$TMP" "$NOBODY_DIR" && chmod -R a+rX "$NOBODY_DIR" || setup_error "chmod $NOBODY_DIR"
  setpriv --reuid=65534 --regid=65534 --clear-groups env PYTHONPATH="$NOBODY_DIR" \
    "$PY" -c 'import gnsdtest' 2>"$TMP/nobody.err" ||
    setup_error "uid 65534 cannot run $PY with gnsdtest from $NOBODY_DIR: $(cat "$TMP/nobody.err")"
}

fail() {
  echo "FAIL: $*"
  echo "--- gnsd log:"
  cat "$GNSD_LOG" 2>/dev/null
  exit 1
}
