#!/bin/sh
# One unprivileged local user (nobody) attacks alt.gns.Resolve; root and
# another uid must keep resolving while it does (issue 12, items 1-4):
#   partial  half a request on as many connections as gnsd takes
#   unread   pipelined ResolveRecords whose replies are never read
#   dht      random labels under a remote zone, each a DHT GET, against a
#            GNUnet DHT socket that never answers
# and, with that DHT, a missing name in a local zone is NoSuchName at
# once, whether the peer is silent or gone.
set -u
. "${top_srcdir:-.}/tests/gnsd-lib.sh"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to run the attacker as uid 65534"; exit 77; }
command -v setpriv >/dev/null || { echo "SKIP: setpriv (util-linux) not found"; exit 77; }

# Everything nobody runs lives in the temp dir (the clone may be under
# /root, 0700).
nobody_tree "$TESTS_DIR/gnsd_abuse.py"
PYDIR=$NOBODY_DIR
# where the attacker says it is in place
mkdir -p "$TMP/flag"
chmod 0777 "$TMP/flag"
ATTACK_PID=
DHT_PID=
SOMEONE_PID=
trap 'for p in $ATTACK_PID $DHT_PID $SOMEONE_PID; do kill "$p" 2>/dev/null; done; cleanup' EXIT
# stopped (the harness's time limit, ^C): clean up all the same
trap 'exit 1' INT TERM

# as UID CMD...: the helper as that uid, no groups.
as() {
  _uid=$1
  shift
  setpriv --reuid="$_uid" --regid="$_uid" --clear-groups env PYTHONPATH="$PYDIR" \
    PYTHONDONTWRITEBYTECODE=1 GNSD_RUNTIME_DIR="$GNSD_RUNTIME_DIR" \
    timeout --foreground 120 "$PY" "$PYDIR/gnsd_abuse.py" "$@"
}

# attack KIND SECONDS [ARG]: nobody runs it in the background; returns
# once it is in place (at most 60 s).
attack() {
  rm -f "$TMP/flag/ready"
  as 65534 attack "$1" "$2" "$TMP/flag/ready" ${3:+"$3"} >"$TMP/attack-$1.out" 2>&1 &
  ATTACK_PID=$!
  wait_until 600 0.1 attack_ready
  [ -e "$TMP/flag/ready" ] || fail "attack $1 did not get in place: $(cat "$TMP/attack-$1.out")"
}

# ready, or dead (then wait_until stops and the test fails above)
attack_ready() {
  test -e "$TMP/flag/ready" && return 0
  kill -0 "$ATTACK_PID" 2>/dev/null || return 0
  return 1
}

attack_end() {
  wait "$ATTACK_PID"
  ATTACK_PID=
  cat "$TMP/attack-$1.out"
}

# The bounds say what an attack must not do, with margins that hold on a
# loaded machine (a lookup takes milliseconds; at load 13 one took over
# 1 s):
# AT_ONCE  a lookup answered while an attacker is at a limit: well inside
#          [limits] request-timeout (5 s), after which an attacker's held
#          connection would free a slot, and inside the resolver timeout of
#          the DHT part (10 s), which a lookup waiting on the DHT would take.
# DHT_WAIT a remote lookup that gets its DHT GET and times out (10 s).
AT_ONCE=3000
DHT_WAIT=20000

# lookups NAME N MAX_MS [ERROR]: as root and as uid 4242.
lookups() {
  as 0 lookup "$@" || fail "root's lookup of $1 during the attack"
  as 4242 lookup "$@" || fail "uid 4242's lookup of $1 during the attack"
}

limits() {
  "$PY" - "$1" <<'PYEOF'
import sys
from gnsdtest import Client, zone_socket
print(Client(zone_socket()).call("alt.gns.Zone.GetStatistics")["limits"].get(sys.argv[1], 0))
PYEOF
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$GNSD_PID/status"; }

cat > "$CONF" <<EOF
[resolver]
timeout = 3s
EOF
start_gnsd || fail "start"
"$PY" - <<'PYEOF' || fail "zone setup"
from gnsdtest import Client, zone_socket
z = Client(zone_socket())
z.call("alt.gns.Zone.CreateZone", {"name": "demo"})
recs = [{"label": "www", "type": "A", "value": "192.0.2.1"}]
recs += [{"label": "many", "type": "TXT", "value": "record %03d " % i + "x" * 80} for i in range(200)]
z.call("alt.gns.Zone.ImportRecords", {"zone": "demo", "records": recs})
PYEOF
as 0 lookup www.demo.gns.alt 3 "$AT_ONCE" || fail "lookup before any attack"

# 1. Half requests on every connection gnsd takes (the defaults:
# 256 per user, closed after 5 s incomplete).
attack partial 8
lookups www.demo.gns.alt 10 "$AT_ONCE"
sleep 6
lookups www.demo.gns.alt 5 "$AT_ONCE"
attack_end partial
[ "$(limits connectionsRefused)" -gt 0 ] || fail "no connection was refused"
"$top_builddir/ctl/gnsctl" --runtime-dir "$GNSD_RUNTIME_DIR" status | grep -q 'connectionsRefused *[1-9]' ||
  fail "gnsctl status does not count refused connections: $("$top_builddir/ctl/gnsctl" --runtime-dir "$GNSD_RUNTIME_DIR" status 2>&1)"
[ "$(limits incompleteRequestsClosed)" -gt 0 ] || fail "no incomplete request was closed"

# 2. Replies never read: gnsd must not grow with them.
before=$(rss_kb)
attack unread 6 many.demo.gns.alt
lookups www.demo.gns.alt 10 "$AT_ONCE"
attack_end unread
after=$(rss_kb)
echo "gnsd RSS ${before} kB before, ${after} kB after the unread attack"
[ $((after - before)) -lt 65536 ] || fail "gnsd grew by $((after - before)) kB for unread replies"
[ "$(limits repliesThrottled)" -gt 0 ] || fail "no user was throttled"
stop_gnsd || fail "gnsd exited with $?"

# 1b. Every connection of all users taken (no per-user limit here, so one
# user stands for many): root's reserved connections still answer.
printf '[resolver]\ntimeout = 3s\n[limits]\nconnections = 100\nconnections-per-user = 0\n' > "$CONF"
start_gnsd || fail "start with 100 connections"
attack partial 4
as 0 lookup www.demo.gns.alt 10 "$AT_ONCE" || fail "root's lookup with every connection taken"
attack_end partial
[ "$(limits connectionsRefused)" -gt 0 ] || fail "nothing was refused beyond [limits] connections"
stop_gnsd || fail "gnsd exited with $?"

# 3. With a GNUnet DHT that never answers.
"$PY" - "$TMP/dht.sock" <<'PYEOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(16)
held = []
while True:
    c, _ = s.accept()
    held.append(c)  # read nothing, answer nothing
PYEOF
DHT_PID=$!
wait_until 50 0.1 test -S "$TMP/dht.sock" || fail "fake DHT socket"
cat > "$CONF" <<EOF
[resolver]
timeout = 10s
[dht]
backend = gnunet
gnunet-socket = $TMP/dht.sock
EOF
start_gnsd || fail "start with the DHT"
REMOTE=$("$PY" - <<'PYEOF'
from gnsdtest import Client, zone_socket
z = Client(zone_socket())
ztld = z.call("alt.gns.Zone.CreateZone", {"name": "elsewhere"})["zone"]["ztld"]
z.call("alt.gns.Zone.DeleteZone", {"name": "elsewhere"})
print(ztld)
PYEOF
) || fail "remote zone key"
# item 4: a local zone's missing label never waits for the DHT
as 0 lookup missing1.demo.gns.alt 1 "$AT_ONCE" alt.gns.Resolve.NoSuchName || fail "missing local name with a silent DHT"
# the attack outlasts the two remote lookups, made side by side while it
# holds its GETs
attack dht 15 "$REMOTE"
lookups www.demo.gns.alt 5 "$AT_ONCE"
as 4242 lookup "someone.$REMOTE.gns.alt" 1 "$DHT_WAIT" alt.gns.Resolve.TimedOut >"$TMP/someone.out" 2>&1 &
SOMEONE_PID=$!
as 0 lookup "root.$REMOTE.gns.alt" 1 "$DHT_WAIT" alt.gns.Resolve.TimedOut ||
  fail "root's remote lookup was refused while nobody held DHT GETs"
wait "$SOMEONE_PID" || fail "another user's remote lookup was refused while nobody held DHT GETs: $(cat "$TMP/someone.out")"
cat "$TMP/someone.out"
as 4242 lookup missing2.demo.gns.alt 1 "$AT_ONCE" alt.gns.Resolve.NoSuchName || fail "missing local name during the DHT attack"
attack_end dht
[ $(($(limits dhtGetsRefused) + $(limits lookupsRefused))) -gt 0 ] || fail "nobody's DHT GETs were never limited"
kill "$DHT_PID"
wait "$DHT_PID" 2>/dev/null
DHT_PID=
SOMEONE_PID=
rm -f "$TMP/dht.sock"
as 0 lookup missing3.demo.gns.alt 1 "$AT_ONCE" alt.gns.Resolve.NoSuchName || fail "missing local name with the DHT down"
kill -0 "$GNSD_PID" || fail "gnsd died"
stop_gnsd || fail "gnsd exited with $?"
echo "gnsd-abuse: ok"
