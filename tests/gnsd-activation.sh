#!/bin/sh
# Socket activation: systemd-socket-activate listens on both sockets,
# names them, and starts gnsd on the first connection; gnsd serves the
# passed sockets and leaves their files alone at exit.
set -u
. "${top_srcdir:-.}/tests/gnsd-lib.sh"
SSA=$(command -v systemd-socket-activate || true)
[ -n "$SSA" ] || { echo "SKIP: systemd-socket-activate not found (Debian package systemd)"; exit 77; }
mkdir -p "$GNSD_RUNTIME_DIR"
"$SSA" -l "$GNSD_RUNTIME_DIR/alt.gns.Resolve" -l "$GNSD_RUNTIME_DIR/alt.gns.Zone" \
  --fdname=alt.gns.Resolve:alt.gns.Zone \
  "$GNSD" --runtime-dir "$TMP/unused" --state-dir "$STATE" --config "$CONF" 2>>"$GNSD_LOG" &
GNSD_PID=$!
wait_until 100 0.05 test -S "$GNSD_RUNTIME_DIR/alt.gns.Zone"
"$PY" - <<'PYEOF' || fail "calls over activated sockets"
from gnsdtest import Checker, Client, resolve_socket, zone_socket
t = Checker("gnsd-activation")
# the first connection makes systemd-socket-activate exec gnsd
z = Client(zone_socket())
t.eq(z.call("alt.gns.Zone.CreateZone", {"name": "act"})["zone"]["name"], "act", "Zone call")
r = Client(resolve_socket())
t.eq(r.call("org.varlink.service.GetInfo")["interfaces"], ["org.varlink.service", "alt.gns.Resolve"],
     "the Resolve socket serves alt.gns.Resolve")
t.done()
PYEOF
grep -q "using socket-activated alt.gns.Resolve" "$GNSD_LOG" || fail "Resolve not activated"
grep -q "using socket-activated alt.gns.Zone" "$GNSD_LOG" || fail "Zone not activated"
[ ! -e "$TMP/unused" ] || fail "gnsd created its own runtime dir although activated"
stop_gnsd || fail "gnsd exited with $?"
[ -S "$GNSD_RUNTIME_DIR/alt.gns.Zone" ] || fail "gnsd removed a socket it did not create"

# only the Zone socket passed: gnsd binds the Resolve socket itself
rm -f "$GNSD_RUNTIME_DIR/alt.gns.Zone" "$GNSD_RUNTIME_DIR/alt.gns.Resolve"
"$SSA" -l "$GNSD_RUNTIME_DIR/alt.gns.Zone" --fdname=alt.gns.Zone \
  "$GNSD" --runtime-dir "$GNSD_RUNTIME_DIR" --state-dir "$STATE" --config "$CONF" 2>>"$GNSD_LOG" &
GNSD_PID=$!
wait_until 100 0.05 test -S "$GNSD_RUNTIME_DIR/alt.gns.Zone"
"$PY" - <<'PYEOF' || fail "partial activation"
from gnsdtest import Client, resolve_socket, wait_for_socket, zone_socket
z = Client(zone_socket())
assert z.call("alt.gns.Zone.GetZone", {"name": "act"})["zone"]["name"] == "act"
assert wait_for_socket(resolve_socket())
assert Client(resolve_socket()).call("org.varlink.service.GetInfo")["product"] == "gnsd"
PYEOF
stop_gnsd || fail "gnsd exited with $?"
echo "gnsd-activation: passed"
