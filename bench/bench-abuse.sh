#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench-abuse: a legitimate lookup's latency while one unprivileged user
# (nobody) attacks alt.gns.Resolve, next to the same lookup with no
# attack, all in one run against one gnsd (issue 12). The attacks are
# those of tests/gnsd-abuse.sh (tests/gnsd_abuse.py), held for the whole
# measurement:
#   none     no attack (the baseline)
#   connect  4200 idle connections
#   partial  half a request on every connection gnsd takes, reopened
#   unread   pipelined ResolveRecords whose replies are never read
#   dht      300 random remote labels a second against a DHT that never
#            answers
#   none-again  no attack, measured last: the baseline's own drift
# The lookups: www.demo.gns.alt (a cached answer) as root and as uid
# 4242, and a missing name in the local zone (uncached, NoSuchName) as
# root; each on a fresh connection, as a program without a kept one.
# Prints p50 and p99 in ms and each against the baseline.
#   bench/bench-abuse.sh [N]     (N lookups per cell, default 1000)
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$(pwd)}"
[ -x "$top_builddir/helper/gnsd" ] || top_builddir=$top_srcdir
export top_srcdir top_builddir
# make bench runs every bench and stops at the first failure: a bench
# that cannot run here says why and is not a failure.
skip() {
  echo "bench-abuse: skipped: $*"
  exit 0
}
[ "$(id -u)" = 0 ] || skip "needs root to run the attacker as uid 65534"
command -v setpriv >/dev/null || skip "setpriv (util-linux) not found"
[ -x "$top_builddir/helper/gnsd" ] || skip "helper/gnsd is not built"
N=${1:-1000}
. "$top_srcdir/tests/gnsd-lib.sh"
nobody_tree "$TESTS_DIR/gnsd_abuse.py"
mkdir -p "$TMP/flag" && chmod 0777 "$TMP/flag"
ATTACK_PID=
DHT_PID=
trap 'for p in $ATTACK_PID $DHT_PID; do kill "$p" 2>/dev/null; done; cleanup' EXIT
# stopped (the harness's time limit, ^C): clean up all the same
trap 'exit 1' INT TERM

as() {
  _uid=$1
  shift
  setpriv --reuid="$_uid" --regid="$_uid" --clear-groups env PYTHONPATH="$NOBODY_DIR" \
    PYTHONDONTWRITEBYTECODE=1 GNSD_RUNTIME_DIR="$GNSD_RUNTIME_DIR" \
    timeout --foreground 600 "$PY" "$NOBODY_DIR/gnsd_abuse.py" "$@"
}

"$PY" - "$TMP/dht.sock" <<'PYEOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(16)
held = []
while True:
    c, _ = s.accept()
    held.append(c)  # read nothing, answer nothing
PYEOF
DHT_PID=$!
wait_until 50 0.1 test -S "$TMP/dht.sock" || fail "fake DHT socket"
printf '[resolver]\ntimeout = 3s\n[dht]\nbackend = gnunet\ngnunet-socket = %s\n' "$TMP/dht.sock" > "$CONF"
start_gnsd || fail "start"
REMOTE=$("$PY" - <<'PYEOF'
from gnsdtest import Client, zone_socket
z = Client(zone_socket())
z.call("alt.gns.Zone.CreateZone", {"name": "demo"})
recs = [{"label": "www", "type": "A", "value": "192.0.2.1"}]
recs += [{"label": "many", "type": "TXT", "value": "record %03d " % i + "x" * 80} for i in range(200)]
z.call("alt.gns.Zone.ImportRecords", {"zone": "demo", "records": recs})
ztld = z.call("alt.gns.Zone.CreateZone", {"name": "elsewhere"})["zone"]["ztld"]
z.call("alt.gns.Zone.DeleteZone", {"name": "elsewhere"})
print(ztld)
PYEOF
) || fail "zone setup"

# cell UID NAME [ERROR]: "p50 p99" of N lookups (failures make it "fail").
cell() {
  _out=$(as "$1" lookup "$2" "$N" 5000 ${3:+"$3"} 2>&1)
  case $_out in
  *FAIL*) echo "fail fail" ;;
  *) printf '%s\n' "$_out" | sed -n 's/.*p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/\1 \2/p' ;;
  esac
}

as 0 lookup www.demo.gns.alt 50 5000 >/dev/null || fail "warm-up lookup"
results=
# "none" again at the end: how far the baseline itself drifted in this run
# (on a shared machine the p99 moves with everyone else's load).
for attack in none connect partial unread dht none-again; do
  if [ "${attack#none}" = "$attack" ]; then
    rm -f "$TMP/flag/ready"
    case $attack in
    unread) as 65534 attack unread 600 "$TMP/flag/ready" many.demo.gns.alt >"$TMP/attack.out" 2>&1 & ;;
    dht) as 65534 attack dht 600 "$TMP/flag/ready" "$REMOTE" >"$TMP/attack.out" 2>&1 & ;;
    *) as 65534 attack "$attack" 600 "$TMP/flag/ready" >"$TMP/attack.out" 2>&1 & ;;
    esac
    ATTACK_PID=$!
    wait_until 600 0.1 test -e "$TMP/flag/ready" || fail "attack $attack: $(cat "$TMP/attack.out")"
  fi
  a=$(cell 0 www.demo.gns.alt)
  b=$(cell 4242 www.demo.gns.alt)
  c=$(cell 0 'miss%d.demo.gns.alt' alt.gns.Resolve.NoSuchName)
  results="$results$attack $a $b $c
"
  if [ -n "$ATTACK_PID" ]; then
    kill "$ATTACK_PID" 2>/dev/null
    wait "$ATTACK_PID" 2>/dev/null
    ATTACK_PID=
    sleep 1 # its connections close
  fi
done
stop_gnsd || fail "gnsd exited with $?"

echo "bench-abuse: legitimate lookups (each on a fresh connection) while uid 65534 attacks;"
echo "N=$N per cell; ms; (xN) = against the same lookup with no attack, this run"
printf '%-10s | %-26s | %-26s | %-26s\n' attack "cached, root p50/p99" "cached, uid 4242 p50/p99" "uncached miss, root p50/p99"
printf '%s' "$results" | awk '
function ratio(v, b) { return (v == "fail" || b == "fail" || b == 0) ? "-" : sprintf("x%.2f", v / b) }
function fmt(p50, p99, b50, b99) {
  return sprintf("%s/%s (%s/%s)", p50, p99, ratio(p50, b50), ratio(p99, b99))
}
$1 == "none" { for (i = 2; i <= 7; i++) base[i] = $i }
{ printf "%-10s | %-26s | %-26s | %-26s\n", $1, fmt($2, $3, base[2], base[3]),
    fmt($4, $5, base[4], base[5]), fmt($6, $7, base[6], base[7]) }'
