#!/bin/sh
# alt.gns.Resolve against a real gnsd: zones built through alt.gns.Zone,
# GNS2DNS and redirects to DNS answered by a real dnsmasq on 127.0.0.1
# and a high port, blocks corrupted and revocations injected into the
# SQLite store behind gnsd's back.
set -u
. "${top_srcdir:-.}/tests/gnsd-lib.sh"

DNSMASQ=
for p in /usr/sbin/dnsmasq /usr/bin/dnsmasq /sbin/dnsmasq; do
  [ -x "$p" ] && DNSMASQ=$p && break
done
[ -n "$DNSMASQ" ] || { echo "SKIP: dnsmasq not installed (tools/bootstrap-deps installs dnsmasq-base)"; exit 77; }

DNS_PORT=$("$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$DNSMASQ" --keep-in-foreground --no-resolv --no-hosts --no-poll --conf-file=/dev/null \
  --listen-address=127.0.0.1 --bind-interfaces --pid-file= --user=root --port="$DNS_PORT" \
  --local=/example.com/ --local-ttl=300 \
  --host-record=www.example.com,192.0.2.1,2001:db8::1 \
  --host-record=ns.example.com,127.0.0.1 \
  --host-record=www.example.net,192.0.2.44 \
  --txt-record=txt.example.com,"hello dns" \
  --local=/example.net/ 2>>"$TMP/dnsmasq.log" &
DNSMASQ_PID=$!
trap 'kill $DNSMASQ_PID 2>/dev/null; cleanup' EXIT

echo "nameserver 127.0.0.1" > "$TMP/resolv.conf"
GNSD_DNS_PORT=$DNS_PORT
GNSD_RESOLV_CONF="$TMP/resolv.conf"
export GNSD_DNS_PORT GNSD_RESOLV_CONF
cat > "$CONF" <<EOF
[resolver]
timeout = 5s
dns-timeout = 2s
[cache]
negative-ttl = 30s
EOF

start_gnsd || fail "start"
STATE="$STATE" "$PY" "$TESTS_DIR/gnsd_resolve.py" || fail "gnsd_resolve.py"
kill -0 "$GNSD_PID" || fail "gnsd died"
stop_gnsd || fail "gnsd exited with $?"
