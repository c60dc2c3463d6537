#!/bin/sh
# Command line, gnsd.conf errors (exit 1 with one "gnsd: FILE:LINE: reason"
# line), SIGHUP reload (good and bad file), SIGTERM/SIGINT clean exit,
# stale and live sockets, and zones surviving a restart.
set -u
. "${top_srcdir:-.}/tests/gnsd-lib.sh"
ZTLD_A=000G0037FH3QTBCK15Y8BCCNRVWPV17ZC7TSGB1C9ZG2TPGHZVFV1GMG3W
ZTLD_B=000G051WYJWJ80S04BRDRM2R2H9VGQCKP13VCFA4DHC4BJT88HEXQ5K8HW
checks=0

# expect_conf_error CONTENT LINE-SUFFIX: gnsd must exit 1 and print exactly
# "gnsd: $CONF:LINE-SUFFIX" on stderr.
expect_conf_error() {
  printf '%b' "$1" > "$CONF"
  rc=0
  "$GNSD" --runtime-dir "$GNSD_RUNTIME_DIR" --state-dir "$STATE" --config "$CONF" \
    >"$TMP/out" 2>"$TMP/err" || rc=$?
  [ "$rc" = 1 ] || fail "config '$1': exit $rc, want 1"
  want="gnsd: $CONF:$2"
  got=$(cat "$TMP/err")
  [ "$got" = "$want" ] || fail "config '$1': stderr '$got', want '$want'"
  [ ! -S "$GNSD_RUNTIME_DIR/alt.gns.Resolve" ] || fail "config '$1': sockets created"
  checks=$((checks + 1))
}
expect_conf_error '[resolver]\ntimeout = soon\n' \
  '2: timeout: "soon" is not a duration (e.g. 500ms, 5s, 10m, 4h, 7d)'
expect_conf_error '# comment\n\n[cache]\nmemory = 16X\n' '4: memory: "16X" is not a size (e.g. 512K, 16M)'
expect_conf_error '[nope]\n' '1: unknown section [nope]'
expect_conf_error '[dht]\nbackend = none\nbackend = carrier-pigeon\n' \
  '3: backend: "carrier-pigeon" is not one of none, gnunet'
expect_conf_error "[start-zones]\nx = $ZTLD_A\nX. = $ZTLD_B\n" '3: start zone "x" is already mapped on line 2'
expect_conf_error 'key = value\n' '1: "key" outside of a section'

# a missing explicit config file is an error, a missing default one is not
rc=0
"$GNSD" --config "$TMP/missing.conf" --runtime-dir "$GNSD_RUNTIME_DIR" --state-dir "$STATE" \
  2>"$TMP/err" || rc=$?
[ "$rc" = 1 ] || fail "missing --config: exit $rc"
[ "$(cat "$TMP/err")" = "gnsd: $TMP/missing.conf: No such file or directory" ] ||
  fail "missing --config: $(cat "$TMP/err")"
"$GNSD" --version | grep -q '^gnsd [0-9]' || fail "--version"
"$GNSD" --help | grep -q -- '--runtime-dir' || fail "--help"
rc=0; "$GNSD" --bogus 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "unknown option: exit $rc"
checks=$((checks + 4))

# --- reload ---
printf '[start-zones]\nalpha = %s\n' "$ZTLD_A" > "$CONF"
start_gnsd || fail "start"
suffixes() {
  "$PY" -c '
from gnsdtest import Client, zone_socket
print(" ".join(sorted(s["suffix"] for s in Client(zone_socket()).call("alt.gns.Zone.ListStartZones")["startZones"])))'
}
wait_suffixes() {
  for _ in $(seq 1 100); do
    [ "$(suffixes)" = "$1" ] && return 0
    sleep 0.05
  done
  fail "start zones are '$(suffixes)', want '$1'"
}
"$PY" -c '
from gnsdtest import Client, zone_socket
Client(zone_socket()).call("alt.gns.Zone.CreateZone", {"name": "keep"})' || fail "CreateZone"
wait_suffixes "alpha keep"
printf '[start-zones]\nbeta = %s\n' "$ZTLD_B" > "$CONF"
kill -HUP "$GNSD_PID"
wait_suffixes "beta keep"
grep -q "configuration reloaded" "$GNSD_LOG" || fail "no reload message"
# a bad file on reload is logged and the old configuration kept
printf '[start-zones]\ngamma = %s\n[resolver]\nmax-depth = 1000\n' "$ZTLD_A" > "$CONF"
kill -HUP "$GNSD_PID"
for _ in $(seq 1 100); do grep -q "keeping the old configuration" "$GNSD_LOG" && break; sleep 0.05; done
grep -q "$CONF:4: max-depth: \"1000\" is not a number from 1 to 64; keeping the old configuration" \
  "$GNSD_LOG" || fail "bad reload not reported with FILE:LINE"
kill -0 "$GNSD_PID" || fail "gnsd died on a bad reload"
wait_suffixes "beta keep"
checks=$((checks + 4))

# --- a second gnsd on the same sockets refuses to start ---
rc=0
"$GNSD" --runtime-dir "$GNSD_RUNTIME_DIR" --state-dir "$TMP/state2" 2>"$TMP/err2" || rc=$?
[ "$rc" = 1 ] || fail "second gnsd: exit $rc"
grep -q "in use" "$TMP/err2" || fail "second gnsd: $(cat "$TMP/err2")"
kill -0 "$GNSD_PID" || fail "first gnsd died"
[ "$(suffixes)" = "beta keep" ] || fail "first gnsd disturbed"

# --- SIGTERM: exit 0, sockets removed ---
stop_gnsd || fail "SIGTERM: exit $?"
[ ! -e "$GNSD_RUNTIME_DIR/alt.gns.Resolve" ] && [ ! -e "$GNSD_RUNTIME_DIR/alt.gns.Zone" ] ||
  fail "sockets left behind after SIGTERM"
grep -q "SIGTERM received" "$GNSD_LOG" || fail "no SIGTERM message"
checks=$((checks + 3))

# --- SIGKILL leaves stale sockets; the next start replaces them; zones persist ---
: > "$CONF"
start_gnsd || fail "restart"
kill -KILL "$GNSD_PID"; wait "$GNSD_PID" 2>/dev/null; GNSD_PID=
[ -S "$GNSD_RUNTIME_DIR/alt.gns.Zone" ] || fail "expected a stale socket"
start_gnsd || fail "start over stale sockets"
"$PY" -c '
from gnsdtest import Client, zone_socket
z = Client(zone_socket()).call("alt.gns.Zone.GetZone", {"name": "keep"})["zone"]
assert z["name"] == "keep", z' || fail "zone lost across restarts"
# SIGINT stops it too
kill -INT "$GNSD_PID"
rc=0; wait "$GNSD_PID" || rc=$?
GNSD_PID=
[ "$rc" = 0 ] || fail "SIGINT: exit $rc"
checks=$((checks + 3))
echo "gnsd-config: $checks checks passed"
