#!/bin/sh
# The store: a corrupt or too new database makes Zone calls fail with
# StorageUnavailable while gnsd keeps serving; SIGHUP retries it. And the
# sd_notify protocol: READY=1, STATUS=, RELOADING=1, STOPPING=1.
set -u
. "${top_srcdir:-.}/tests/gnsd-lib.sh"

# --- sd_notify, read from our own NOTIFY_SOCKET ---
NOTIFY="$TMP/notify"
"$PY" - "$NOTIFY" > "$TMP/notify.log" <<'PYEOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
try:
    while True:
        msg = s.recv(4096).decode()
        print(msg.replace("\n", "|"), flush=True)
        if "STOPPING=1" in msg:
            break
except socket.timeout:
    pass
PYEOF
READER=$!
for _ in $(seq 1 100); do [ -S "$NOTIFY" ] && break; sleep 0.05; done
export NOTIFY_SOCKET="$NOTIFY"
start_gnsd || fail "start"
unset NOTIFY_SOCKET
for _ in $(seq 1 100); do grep -q READY=1 "$TMP/notify.log" && break; sleep 0.05; done
kill -HUP "$GNSD_PID"
for _ in $(seq 1 100); do grep -q RELOADING=1 "$TMP/notify.log" && break; sleep 0.05; done
stop_gnsd || fail "exit $?"
wait "$READER"
grep -q '^READY=1|STATUS=serving: 0 local zones, store ok, dht none$' "$TMP/notify.log" ||
  fail "no READY=1 with STATUS: $(cat "$TMP/notify.log")"
grep -q '^RELOADING=1' "$TMP/notify.log" || fail "no RELOADING=1"
[ "$(grep -c 'READY=1' "$TMP/notify.log")" = 2 ] || fail "no READY=1 after the reload"
grep -q '^STOPPING=1' "$TMP/notify.log" || fail "no STOPPING=1"

# --- a corrupt database ---
rm -rf "$STATE"; mkdir -m 0700 "$STATE"
head -c 65536 /dev/urandom > "$STATE/gnsd.sqlite"
start_gnsd || fail "start with a corrupt database"
cat > "$TMP/unavailable.py" <<'PYEOF'
from gnsdtest import Checker, Client, resolve_socket, zone_socket
t = Checker("gnsd-store")
z = Client(zone_socket())
E = "alt.gns.Zone.StorageUnavailable"
for method, params in [("ListZones", {}), ("CreateZone", {"name": "x"}), ("GetZone", {"name": "x"}),
                       ("ListStartZones", {}), ("Publish", {}),
                       ("AddRecord", {"zone": "x", "record": {"label": "a", "type": "A",
                                                              "value": "192.0.2.1"}})]:
    e, p = z.error("alt.gns.Zone." + method, params)
    t.eq(e, E, method + " with a broken store")
st = z.call("alt.gns.Zone.GetStatistics")
t.eq(st["store"]["state"], "unavailable", "statistics report the store")
r = Client(resolve_socket())
t.eq(r.call("org.varlink.service.GetInfo")["product"], "gnsd", "Resolve socket still serves")
t.done()
PYEOF
"$PY" "$TMP/unavailable.py" || fail "corrupt database"
grep -q "store: .*gnsd.sqlite unavailable" "$GNSD_LOG" || fail "corruption not logged"
# repair it and reload: the store comes back
rm -f "$STATE/gnsd.sqlite"
kill -HUP "$GNSD_PID"
for _ in $(seq 1 100); do grep -q "is available again" "$GNSD_LOG" && break; sleep 0.05; done
"$PY" -c '
from gnsdtest import Client, zone_socket
z = Client(zone_socket())
assert z.call("alt.gns.Zone.CreateZone", {"name": "back"})["zone"]["name"] == "back"' ||
  fail "store did not come back after SIGHUP"
stop_gnsd || fail "exit $?"

# --- a database from a newer gnsd is left alone ---
command -v sqlite3 >/dev/null && {
  sqlite3 "$STATE/gnsd.sqlite" 'PRAGMA user_version = 99;'
  start_gnsd || fail "start with a newer schema"
  grep -q "has schema 99, newer than this gnsd knows" "$GNSD_LOG" || fail "newer schema not refused"
  "$PY" -c '
from gnsdtest import Client, zone_socket
e, p = Client(zone_socket()).error("alt.gns.Zone.ListZones")
assert e == "alt.gns.Zone.StorageUnavailable", e' || fail "newer schema used"
  stop_gnsd || fail "exit $?"
  [ "$(sqlite3 "$STATE/gnsd.sqlite" 'PRAGMA user_version;')" = 99 ] || fail "schema touched"
}
echo "gnsd-store: passed"
