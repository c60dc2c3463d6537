#!/bin/sh
# Every failure gets the right answer (issue 12): the checks of
# tests/gnsd_faults.py on a running gnsd, then a GNS2DNS delegation whose
# DNS server never answers, SIGTERM during a long publication pass, and
# a store that is empty or corrupt at start.
set -u
. "${top_srcdir:-.}/tests/gnsd-lib.sh"
HOLDER_PID=
PUB_PID=
trap 'for p in $HOLDER_PID $PUB_PID; do kill "$p" 2>/dev/null; done; cleanup' EXIT
trap 'exit 1' INT TERM

# A DNS server that reads and never answers (UDP and TCP on one port).
"$PY" - "$TMP/dns.port" <<'PYEOF' &
import os, socket, sys, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 0))
port = u.getsockname()[1]
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.bind(("127.0.0.1", port))
t.listen(8)
open(sys.argv[1] + ".tmp", "w").write("%d\n" % port)
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(600)
PYEOF
HOLDER_PID=$!
wait_until 50 0.1 test -s "$TMP/dns.port" || fail "silent DNS server"
GNSD_DNS_PORT=$(cat "$TMP/dns.port")
export GNSD_DNS_PORT
printf '[resolver]\ntimeout = 4s\ndns-timeout = 1s\n' > "$CONF"

start_gnsd || fail "start"
"$PY" "$TESTS_DIR/gnsd_faults.py" || fail "gnsd_faults.py"

# item 11: a DNS server that does not answer is not "storage unavailable"
"$PY" - <<'PYEOF' || fail "GNS2DNS to a silent server"
from gnsdtest import Checker, Client, VarlinkError, resolve_socket, zone_socket
t = Checker("gnsd-faults-dns")
z = Client(zone_socket())
z.call("alt.gns.Zone.AddRecord", {"zone": "demo", "record": {
    "label": "legacy", "type": "GNS2DNS", "value": "example.org@127.0.0.1"}})
try:
    Client(resolve_socket()).call("alt.gns.Resolve.ResolveHostname", {"name": "www.legacy.demo.gns.alt"})
    t.ok(False, "resolved through a silent DNS server")
except VarlinkError as e:
    t.eq(e.error, "alt.gns.Resolve.DNSFailed", "GNS2DNS whose server never answers")
    t.ok("did not answer" in e.parameters.get("reason", ""), "reason %r" % e.parameters)
t.done()
PYEOF
out=$("$top_builddir/ctl/gnsctl" --runtime-dir "$GNSD_RUNTIME_DIR" resolve www.legacy.demo.gns.alt 2>&1)
case $out in *"DNS failed"*) ;; *) fail "gnsctl said: $out" ;; esac

# item 12: SIGTERM during a publication pass stops gnsd at once (20,000
# labels, signed on the worker threads: the pass takes seconds)
"$PY" - <<'PYEOF' || fail "zone with many labels"
from gnsdtest import Client, zone_socket
z = Client(zone_socket(), timeout=120)
z.call("alt.gns.Zone.CreateZone", {"name": "big"})
z.call("alt.gns.Zone.ImportRecords", {"zone": "big", "records": [
    {"label": "l%05d" % i, "type": "A", "value": "192.0.2.1"} for i in range(20000)]})
PYEOF
# SIGTERM goes once the pass is under way, i.e. gnsd signed a block after
# it got Publish; a fixed sleep raced a Publish client that started late
# under load, and the signal came before the pass. The client exits 0 when
# gnsd closes the connection, 3 if Publish was answered (the pass ended
# before the signal: nothing was interrupted).
"$PY" - "$TMP/pass" <<'PYEOF' &
import os, sys, time
from gnsdtest import Client, zone_socket
def signed(c):
    return c.call("alt.gns.Zone.GetStatistics")["store"]["publisher"]["signed"]
def say(what):
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(what + "\n")
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s = Client(zone_socket(), timeout=60)
before = signed(s)
z = Client(zone_socket(), timeout=120)
z.send("alt.gns.Zone.Publish", {})
deadline = time.monotonic() + 60
while signed(s) == before:
    if time.monotonic() > deadline:
        say("no block signed within 60 s of Publish")
        sys.exit(1)
    time.sleep(0.02)
s.close()
say("signing")
sys.exit(0 if z.recv() is None else 3)
PYEOF
PUB_PID=$!
wait_until 700 0.1 test -s "$TMP/pass" || fail "the Publish client said nothing within 70 s"
[ "$(cat "$TMP/pass")" = signing ] || fail "Publish: $(cat "$TMP/pass")"
t0=$(date +%s%N)
kill -TERM "$GNSD_PID"
wait "$GNSD_PID"
t1=$(date +%s%N)
GNSD_PID=
wait "$PUB_PID"
pub_rc=$?
[ "$pub_rc" -ne 3 ] || fail "the publication pass ended before SIGTERM: nothing to interrupt"
[ "$pub_rc" -eq 0 ] || fail "the Publish client failed ($pub_rc)"
ms=$(((t1 - t0) / 1000000))
echo "gnsd stopped ${ms} ms after SIGTERM during a publication pass"
[ "$ms" -lt 1500 ] || fail "gnsd took ${ms} ms to stop during a publication pass"
grep -q "interrupted by shutdown" "$GNSD_LOG" || fail "the log does not say the pass was interrupted"

# item 7: a store that cannot be read is StorageUnavailable, not "no such
# name", and an empty store file is never replaced by a new store
cp "$STATE/gnsd.sqlite" "$TMP/good.sqlite" || fail "copy of the store"
for damage in empty corrupt unreadable; do
  rm -f "$STATE/gnsd.sqlite-wal" "$STATE/gnsd.sqlite-shm"
  case $damage in
  empty) : > "$STATE/gnsd.sqlite" ;;
  corrupt) head -c 8192 /dev/urandom > "$STATE/gnsd.sqlite" ;;
  # root reads any file: a directory in its place cannot be opened
  unreadable) rm -f "$STATE/gnsd.sqlite" && mkdir "$STATE/gnsd.sqlite" ;;
  esac
  start_gnsd || fail "start with a $damage store"
  "$PY" - "$damage" <<'PYEOF' || fail "lookups with a $damage store"
import sys
from gnsdtest import Checker, Client, VarlinkError, resolve_socket
t = Checker("gnsd-faults-store-" + sys.argv[1])
r = Client(resolve_socket())
for attempt in range(2):
    try:
        r.call("alt.gns.Resolve.ResolveHostname", {"name": "www.demo.gns.alt"})
        t.ok(False, "resolved without a store")
    except VarlinkError as e:
        t.eq(e.error, "alt.gns.Resolve.StorageUnavailable", "local name, store %s (%d)" % (sys.argv[1], attempt))
t.done()
PYEOF
  [ "$damage" != empty ] || [ ! -s "$STATE/gnsd.sqlite" ] || fail "the empty store file was replaced"
  # repaired behind gnsd's back: SIGHUP reopens it, nothing negative was cached
  [ -d "$STATE/gnsd.sqlite" ] && rmdir "$STATE/gnsd.sqlite"
  cp "$TMP/good.sqlite" "$STATE/gnsd.sqlite"
  kill -HUP "$GNSD_PID"
  wait_until 50 0.1 "$PY" -c 'from gnsdtest import Client, resolve_socket
Client(resolve_socket()).call("alt.gns.Resolve.ResolveHostname", {"name": "www.demo.gns.alt"})' ||
    fail "lookup after the store came back ($damage)"
  stop_gnsd || fail "gnsd exited with $?"
done
echo "gnsd-faults: ok"
