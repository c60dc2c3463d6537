#!/bin/sh
# The DNS stub ([dns-stub]) of a real gnsd, asked by dig (bind9-dnsutils)
# over UDP and TCP on 127.0.0.1 and a free high port: every record type it
# maps (A, AAAA, TXT, MX, SRV, TLSA from BOX, CNAME for REDIRECT, chased),
# NXDOMAIN and NODATA with the SOA and the negative TTL, TTLs from the
# expiration times, REFUSED outside .gns.alt, EDNS0 sizes and truncation
# with TCP fallback, 0x20 mixed case echoed, malformed packets dropped and
# counted, the per-source rate limit, and the counters in gnsctl status.
set -u
. "${top_srcdir:-.}/tests/gnsd-lib.sh"

DIG=$(command -v dig || true)
[ -n "$DIG" ] || { echo "SKIP: dig not installed (tools/bootstrap-deps installs bind9-dnsutils)"; exit 77; }
GNSCTL="$top_builddir/ctl/gnsctl"
G() { "$GNSCTL" --runtime-dir "$GNSD_RUNTIME_DIR" "$@"; }

PORT=$("$PY" -c 'import socket
for _ in range(50):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
    t = socket.socket(); p = u.getsockname()[1]
    try:
        t.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass')
cat > "$CONF" <<EOF
[cache]
negative-ttl = 42s
[dns-stub]
listen = 127.0.0.1:$PORT
rate-limit = 0
EOF
start_gnsd || fail "start"

# D [dig options] NAME TYPE: one try, two seconds: a lost answer fails, never hangs
D() { "$DIG" @127.0.0.1 -p "$PORT" +time=2 +tries=1 "$@" 2>&1; }
pass=0
ok() { pass=$((pass + 1)); }
has() { # has OUTPUT REGEX WHAT
  printf '%s\n' "$1" | grep -Eq -- "$2" || { printf '%s\n' "$1"; fail "$3"; }
  ok
}
hasnot() {
  printf '%s\n' "$1" | grep -Eq -- "$2" && { printf '%s\n' "$1"; fail "$3"; }
  ok
}

G zone create demo >/dev/null || fail "zone create"
G zone create other >/dev/null || fail "zone create other"
OTHER=$(G --json zone show other | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["zone"]["ztld"])') ||
  fail "ztld of zone other"
G record add demo www A 192.0.2.7 --expire 1h >/dev/null || fail "add A"
G record add demo www AAAA 2001:db8::7 --expire 1h >/dev/null || fail "add AAAA"
G record add demo www TXT "hello world" --expire 1h >/dev/null || fail "add TXT"
G record add demo @ MX "10 mail.demo.gns.alt" --expire 1h >/dev/null || fail "add MX"
G record add demo www BOX "6 443 52 3 1 1 abcdef0123" --expire 1h >/dev/null || fail "add BOX TLSA"
G record add demo www BOX "6 5060 33 10 5 5060 sip.demo.gns.alt" --expire 1h >/dev/null ||
  fail "add BOX SRV"
G record add demo alias REDIRECT "www.$OTHER.gns.alt" --expire 1h >/dev/null || fail "add REDIRECT"
G record add other www A 198.51.100.9 --expire 30m >/dev/null || fail "add other A"
G record add demo dnsname REDIRECT "www.example.invalid" --expire 1h >/dev/null ||
  fail "add REDIRECT to DNS"
# enough TXT data that the answer needs more than 1232 bytes
i=0
while [ $i -lt 12 ]; do
  G record add demo big TXT "$(printf "%0200d" $i)" --expire 1h >/dev/null || fail "add big TXT $i"
  i=$((i + 1))
done

for proto in +notcp +tcp; do
  out=$(D $proto www.demo.gns.alt A)
  has "$out" "status: NOERROR" "$proto A: status"
  has "$out" "flags: qr aa rd ra;" "$proto A: authoritative, recursion available"
  has "$out" "^www\.demo\.gns\.alt\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.7$" "$proto A record"
  ttl=$(printf '%s\n' "$out" | awk '$4 == "A" && $1 == "www.demo.gns.alt." {print $2}')
  [ "$ttl" -gt 3500 ] && [ "$ttl" -le 3600 ] || fail "$proto A: TTL $ttl, want the 1h expiration"
  ok
  out=$(D $proto www.demo.gns.alt AAAA)
  has "$out" "IN[[:space:]]+AAAA[[:space:]]+2001:db8::7$" "$proto AAAA"
  out=$(D $proto www.demo.gns.alt TXT)
  has "$out" 'IN[[:space:]]+TXT[[:space:]]+"hello world"$' "$proto TXT (one character-string)"
  out=$(D $proto demo.gns.alt MX)
  has "$out" "^demo\.gns\.alt\..*IN[[:space:]]+MX[[:space:]]+10 mail\.demo\.gns\.alt\.$" "$proto MX"
  out=$(D $proto _443._tcp.www.demo.gns.alt TLSA)
  has "$out" "^_443\._tcp\.www\.demo\.gns\.alt\..*IN[[:space:]]+TLSA[[:space:]]+3 1 1 ABCDEF0123$" "$proto TLSA from BOX"
  out=$(D $proto _5060._tcp.www.demo.gns.alt SRV)
  has "$out" "IN[[:space:]]+SRV[[:space:]]+10 5 5060 sip\.demo\.gns\.alt\.$" "$proto SRV from BOX"
  # REDIRECT: a CNAME to the target, and the target's records (chased)
  out=$(D $proto alias.demo.gns.alt A)
  has "$out" "^alias\.demo\.gns\.alt\..*IN[[:space:]]+CNAME[[:space:]]+www\.$OTHER\.gns\.alt\.$" "$proto REDIRECT as CNAME"
  has "$out" "^www\.$OTHER\.gns\.alt\..*IN[[:space:]]+A[[:space:]]+198\.51\.100\.9$" "$proto CNAME chased"
  ttl=$(printf '%s\n' "$out" | awk '$4 == "CNAME" {print $2}')
  [ "$ttl" -gt 1700 ] && [ "$ttl" -le 1800 ] ||
    fail "$proto CNAME TTL $ttl: want the earliest expiration of the chain (30m)"
  ok
  out=$(D $proto alias.demo.gns.alt CNAME)
  has "$out" "IN[[:space:]]+CNAME[[:space:]]+www\.$OTHER\.gns\.alt\.$" "$proto CNAME asked"
  hasnot "$out" "IN[[:space:]]+A[[:space:]]" "$proto CNAME asked: no A"
  # negative answers: the SOA of gns.alt with the negative-cache TTL
  out=$(D $proto nope.demo.gns.alt A)
  has "$out" "status: NXDOMAIN" "$proto NXDOMAIN"
  has "$out" "^gns\.alt\.[[:space:]]+42[[:space:]]+IN[[:space:]]+SOA[[:space:]].* 42$" "$proto NXDOMAIN: SOA, negative TTL"
  out=$(D $proto www.demo.gns.alt MX)
  has "$out" "status: NOERROR" "$proto NODATA status"
  has "$out" "ANSWER: 0," "$proto NODATA: no answer"
  has "$out" "^gns\.alt\.[[:space:]]+42[[:space:]]+IN[[:space:]]+SOA" "$proto NODATA: SOA"
  # never forwards, never recurses
  out=$(D $proto www.example.com A)
  has "$out" "status: REFUSED" "$proto REFUSED for a DNS name"
  hasnot "$out" "flags: qr aa" "$proto REFUSED: not authoritative"
  out=$(D $proto gns.alt.example.com A)
  has "$out" "status: REFUSED" "$proto REFUSED for gns.alt inside another name"
  # 0x20: matched without regard to case, the question echoed as asked
  out=$(D $proto WwW.dEmO.GnS.aLt A)
  has "$out" "^;WwW\.dEmO\.GnS\.aLt\.[[:space:]]+IN[[:space:]]+A$" "$proto 0x20 question echoed"
  has "$out" "IN[[:space:]]+A[[:space:]]+192\.0\.2\.7$" "$proto 0x20 answered"
done

# answers (and the stub's memo of them) go when zone data change
D www.demo.gns.alt A >/dev/null
G record add demo www A 192.0.2.8 --expire 1h >/dev/null || fail "add second A"
out=$(D www.demo.gns.alt A)
has "$out" "IN[[:space:]]+A[[:space:]]+192\.0\.2\.8$" "a record added is answered at once"
G record delete demo www A 192.0.2.8 >/dev/null || fail "delete second A"
out=$(D www.demo.gns.alt A)
hasnot "$out" "192\.0\.2\.8" "a record deleted is gone at once"

# the zone apex of the stub: gns.alt SOA
out=$(D gns.alt SOA)
has "$out" "^gns\.alt\..*IN[[:space:]]+SOA[[:space:]]+localhost\. nobody\.invalid\. " "apex SOA"

# truncation: 12 x 200 bytes of TXT do not fit 1232 bytes (EDNS0) nor 512
out=$(D +ignore +bufsize=1232 big.demo.gns.alt TXT)
has "$out" "flags: qr aa tc" "UDP answer too large: TC"
has "$out" "ANSWER: 0," "TC: no partial answer"
has "$out" "udp: 1232" "EDNS0: our size in the OPT record"
out=$(D +ignore +noedns www.demo.gns.alt TXT)
hasnot "$out" "OPT PSEUDOSECTION" "no EDNS0 in the query, none in the answer"
out=$(D big.demo.gns.alt TXT)
has "$out" "ANSWER: 12," "dig falls back to TCP after TC: all 12 TXT"
out=$(D +tcp big.demo.gns.alt TXT)
has "$out" "ANSWER: 12," "TCP: the whole answer"
out=$(D +edns=1 +noednsnegotiation www.demo.gns.alt A)
has "$out" "status: BADVERS" "EDNS version 1: BADVERS (RFC 6891)"

# malformed packets are dropped (no answer) and counted; a response is
# never answered (no reflection loops)
"$PY" - "$PORT" <<'EOF' || fail "malformed packets got an answer"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.3)
q = bytes.fromhex("1234 0100 0001 0000 0000 0000".replace(" ", ""))
bad = [b"\x00", b"x" * 11, q + b"\x03www\x04demo", q + b"\x3fabc\x00\x00\x01\x00\x01",
       bytes.fromhex("1234 8100 0001 0000 0000 0000".replace(" ", "")) +
       b"\x03www\x04demo\x03gns\x03alt\x00\x00\x01\x00\x01"]
for b in bad:
    s.sendto(b, ("127.0.0.1", int(sys.argv[1])))
    try:
        s.recvfrom(4096)
        sys.exit(1)
    except socket.timeout:
        pass
EOF
ok
status=$(G --json status) || fail "gnsctl status"
mal=$(printf '%s' "$status" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["dnsStub"]["malformed"])')
[ "$mal" -ge 5 ] || fail "dnsStub.malformed = $mal, want >= 5"
ok
human=$(G status) || fail "gnsctl status (text)"
has "$human" "DNS stub:" "gnsctl status shows the DNS stub"
has "$human" "malformed +[0-9]+" "gnsctl status shows malformed"
has "$human" "127\.0\.0\.1:$PORT/udp" "gnsctl status shows the listening addresses"

# per-source rate limit (20 queries/s here): loopback sources are exempt,
# since the local resolver asks from there for every program and nobody
# can forge them from the network (tests/dns-stub-ns.sh tests the limit
# from another address)
sed -i 's/^rate-limit = 0/rate-limit = 20/' "$CONF"
kill -HUP "$GNSD_PID"
sleep 0.5
"$PY" "$TESTS_DIR/dns-flood.py" 127.0.0.1 "$PORT" 127.0.0.1 free || fail "loopback was rate-limited"
ok
limited=$(G --json status | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["dnsStub"]["rateLimited"])')
[ "$limited" -eq 0 ] || fail "dnsStub.rateLimited = $limited for loopback"
ok

kill -0 "$GNSD_PID" || fail "gnsd died"
stop_gnsd || fail "gnsd exited with $?"

# Socket activation as gnsd-dns.socket does it: a UDP and a TCP socket
# named "dns-stub" (sd_listen_fds protocol) on 127.0.0.1, and on ::1 as
# the unit's [::1]:53 lines pass them; no listen = in the config.
cat > "$CONF" <<EOF
[dns-stub]
rate-limit = 0
EOF
# A free port on ::1 for UDP and TCP; none where IPv6 is off.
PORT6=$("$PY" -c 'import socket
for _ in range(50):
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(("::1", 0))
    t = socket.socket(socket.AF_INET6); p = u.getsockname()[1]
    try:
        t.bind(("::1", p)); print(p); break
    except OSError: pass' 2>/dev/null)
[ -n "$PORT6" ] || echo "SKIP (part): cannot bind ::1 here (no IPv6 loopback): IPv4 sockets only"
cat > "$TMP/activate.py" <<'PYEOF'
import os, socket, sys
# argv[1]: HOST:PORT,...; a UDP and a TCP socket on each, from fd 3 on;
# the rest: gnsd's argv
socks = []
for spec in sys.argv[1].split(","):
    host, port = spec.rsplit(":", 1)
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    u = socket.socket(fam, socket.SOCK_DGRAM)
    u.bind((host, int(port)))
    t = socket.socket(fam, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind((host, int(port)))
    t.listen(16)
    socks += [u, t]
for i, s in enumerate(socks):
    os.dup2(s.fileno(), 3 + i)
    os.set_inheritable(3 + i, True)  # dup2 onto itself keeps close-on-exec
env = dict(os.environ, LISTEN_FDS=str(len(socks)), LISTEN_PID=str(os.getpid()),
           LISTEN_FDNAMES=":".join(["dns-stub"] * len(socks)))
os.execve(sys.argv[2], sys.argv[2:], env)
PYEOF
"$PY" "$TMP/activate.py" "127.0.0.1:$PORT${PORT6:+,::1:$PORT6}" "$GNSD" \
  --runtime-dir "$GNSD_RUNTIME_DIR" --state-dir "$STATE" --config "$CONF" 2>>"$GNSD_LOG" &
GNSD_PID=$!
wait_until 100 0.05 test -S "$GNSD_RUNTIME_DIR/alt.gns.Zone" || fail "activated gnsd did not start"
out=$(D www.demo.gns.alt A)
has "$out" "192\.0\.2\.7" "UDP over the activated socket"
out=$(D +tcp www.demo.gns.alt A)
has "$out" "192\.0\.2\.7" "TCP over the activated socket"
want=2
if [ -n "$PORT6" ]; then
  want=4
  D6() { "$DIG" @::1 -p "$PORT6" +time=2 +tries=1 "$@" 2>&1; }
  out=$(D6 www.demo.gns.alt AAAA)
  has "$out" "2001:db8::7" "UDP over the activated socket on ::1"
  out=$(D6 +tcp www.demo.gns.alt AAAA)
  has "$out" "2001:db8::7" "TCP over the activated socket on ::1"
  out=$(D6 www.example.com A)
  has "$out" "status: REFUSED" "outside .gns.alt on ::1"
fi
n=$(grep -c "using socket-activated dns-stub socket" "$GNSD_LOG")
[ "$n" -eq "$want" ] || fail "$n stub sockets activated, not $want"
ok
stop_gnsd || fail "activated gnsd exited with $?"
echo "dns-stub: $pass checks passed"
