# Shared by the shell integration tests: a temp dir, failure accounting and
# a real gnsd on sockets in that dir. Source it; call finish at the end.
# Exit codes follow automake: 0 pass, 1 fail, 77 skip (with the reason).
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
GNSD=${GNSD:-$top_builddir/helper/gnsd}
GNSCTL=${GNSCTL:-$top_builddir/helper/gnsctl}
T=$(mktemp -d "${TMPDIR:-/tmp}/gns-test.XXXXXX")
RUNDIR=$T/run
STATEDIR=$T/state
GNSD_PID=
GNSD_TEST_REVOCATION_DIFFICULTY=${GNSD_TEST_REVOCATION_DIFFICULTY:-3}
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
skip() { echo "SKIP: $*" >&2; cleanup; exit 77; }

cleanup() {
  [ -n "$GNSD_PID" ] && kill "$GNSD_PID" 2>/dev/null && wait "$GNSD_PID" 2>/dev/null
  GNSD_PID=
  rm -rf "$T"
}
trap cleanup EXIT

# gnsd_start [extra config lines...]: start gnsd with a config in $T and wait
# until both sockets accept connections (at most 10 s).
gnsd_start() {
  [ -x "$GNSD" ] || skip "gnsd not built at $GNSD"
  mkdir -p "$RUNDIR" "$STATEDIR"
  {
    echo "[resolver]"
    echo "timeout = 5s"
    echo "[revocation]"
    echo "difficulty = $GNSD_TEST_REVOCATION_DIFFICULTY"
    printf '%s\n' "$@"
  } >"$T/gnsd.conf"
  "$GNSD" --runtime-dir "$RUNDIR" --state-dir "$STATEDIR" --config "$T/gnsd.conf" \
    >"$T/gnsd.log" 2>&1 &
  GNSD_PID=$!
  for _ in $(seq 100); do
    if [ -S "$RUNDIR/alt.gns.Zone" ] && [ -S "$RUNDIR/alt.gns.Resolve" ]; then return 0; fi
    kill -0 "$GNSD_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$T/gnsd.log" >&2
  echo "FAIL: gnsd did not start" >&2
  exit 1
}

gnsd_stop() {
  [ -n "$GNSD_PID" ] || return 0
  kill "$GNSD_PID" && wait "$GNSD_PID" 2>/dev/null
  GNSD_PID=
}

finish() {
  if [ "$failures" -gt 0 ]; then
    echo "--- gnsd log" >&2
    tail -n 50 "$T/gnsd.log" >&2 2>/dev/null
    echo "$failures failure(s)" >&2
    exit 1
  fi
  echo "all checks passed"
  exit 0
}
