#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# DNSSEC for GNS2DNS (RFC 9498, 7.3.2): DS records stored beside a GNS2DNS
# record are the trust anchor of the delegated DNS name. Two zones signed
# with Debian's ldns-signzone are served by Debian's nsd on 127.0.0.1:53
# in a private network namespace (nothing on the machine is touched):
#   secure    correct DS             -> the answer (also through a CNAME)
#   bogus     DS with a wrong digest -> DNSSECBogus
#   forged    a zone whose signature was tampered with, correct DS
#                                    -> DNSSECBogus
#   insecure  no DS (as before: no validation) -> the answer, even from
#             the tampered zone
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$(pwd)}
top_srcdir=$srcdir
top_builddir=$builddir
export top_srcdir top_builddir

skip() {
  echo "SKIP: $*"
  exit 77
}
[ "$(id -u)" = 0 ] || skip "needs root (a private network namespace with port 53)"
for b in nsd ldns-keygen ldns-signzone ldns-key2ds ip unshare python3 timeout; do
  command -v "$b" >/dev/null 2>&1 || skip "$b not found (tools/bootstrap-deps installs nsd, ldnsutils)"
done
if [ -z "${DNSSEC_TEST_NETNS:-}" ]; then
  unshare -n true 2>/dev/null || skip "cannot make a network namespace (unshare -n)"
  # The whole test, bounded, in its own network namespace.
  DNSSEC_TEST_NETNS=1 exec timeout 120 unshare -n sh "$0" "$@"
fi
ip link set lo up || exit 99

. "$srcdir/tests/gnsd-env.sh"
gnsd_env_check || skip "gnsd is needed (see above)"

failures=0
checks=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
pass() { echo "ok: $*"; }
expect() {
  checks=$((checks + 1))
  if printf '%s\n' "$2" | grep -Eq -- "$3"; then
    pass "$1"
  else
    fail "$1: no line matches /$3/ in:"
    printf '%s\n' "$2" | sed 's/^/    /' >&2
  fi
}
expect_not() {
  checks=$((checks + 1))
  if printf '%s\n' "$2" | grep -Eq -- "$3"; then
    fail "$1: a line matches /$3/ in:"
    printf '%s\n' "$2" | sed 's/^/    /' >&2
  else
    pass "$1"
  fi
}

T=$(mktemp -d /tmp/dnssec-test.XXXXXX) || exit 99
NSD_PID=
cleanup() {
  gnsd_env_stop
  [ -n "$NSD_PID" ] && kill "$NSD_PID" 2>/dev/null && wait "$NSD_PID" 2>/dev/null
  [ -n "${CNAME_PID:-}" ] && kill "$CNAME_PID" 2>/dev/null && wait "$CNAME_PID" 2>/dev/null
  if [ "$failures" -ne 0 ]; then
    [ -f "$T/gnsd/gnsd.log" ] && { echo "--- gnsd log" >&2; tail -n 30 "$T/gnsd/gnsd.log" >&2; }
    [ -f "$T/nsd.log" ] && { echo "--- nsd log" >&2; tail -n 20 "$T/nsd.log" >&2; }
  fi
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- two signed zones ---------------------------------------------------------
# make_zone NAME: NAME.zone.signed and NAME.ds (the KSK's DS, SHA-256)
make_zone() {
  cat >"$T/$1.zone" <<EOF
\$ORIGIN $1.
\$TTL 300
@      IN SOA ns.$1. hostmaster.$1. 1 3600 600 86400 300
@      IN NS  ns.$1.
ns     IN A   127.0.0.1
www    IN A   192.0.2.80
www    IN AAAA 2001:db8::80
alias  IN CNAME www
chain  IN CNAME alias
EOF
  (cd "$T" && ksk=$(ldns-keygen -a ECDSAP256SHA256 -k "$1") && zsk=$(ldns-keygen -a ECDSAP256SHA256 "$1") &&
    ldns-signzone -f "$1.zone.signed" "$1.zone" "$zsk" "$ksk" &&
    ldns-key2ds -n -2 "$ksk.key" >"$1.ds") || return 1
}
make_zone example.test || exit 99
make_zone tampered.test || exit 99
# Break the signatures of tampered.test's www records (A and AAAA): flip
# one character of each RRSIG's base64 signature.
python3 - "$T/tampered.test.zone.signed" <<'EOF' || exit 99
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
n = 0
for i, l in enumerate(lines):
    f = l.split()
    if len(f) > 12 and f[0].startswith("www.") and f[3] == "RRSIG" and f[4] in ("A", "AAAA"):
        sig = f[-1]
        c = "A" if sig[5] != "A" else "B"
        f[-1] = sig[:5] + c + sig[6:]
        lines[i] = "\t".join(f)
        n += 1
if n != 2:
    sys.exit("expected RRSIGs for www A and AAAA, found %d" % n)
open(p, "w").write("\n".join(lines))
EOF

cat >"$T/nsd.conf" <<EOF
server:
  ip-address: 127.0.0.1
  port: 53
  zonesdir: "$T"
  database: ""
  zonelistfile: "$T/zone.list"
  xfrdfile: "$T/xfrd.state"
  pidfile: "$T/nsd.pid"
  logfile: "$T/nsd.log"
  username: ""
  chroot: ""
remote-control:
  control-enable: no
zone:
  name: example.test
  zonefile: "$T/example.test.zone.signed"
zone:
  name: tampered.test
  zonefile: "$T/tampered.test.zone.signed"
EOF
nsd -d -c "$T/nsd.conf" >"$T/nsd.out" 2>&1 &
NSD_PID=$!
wait_until 100 0.1 sh -c "grep -q 'nsd started' '$T/nsd.log' 2>/dev/null" ||
  { echo "nsd did not start:"; cat "$T/nsd.out" "$T/nsd.log" 2>/dev/null; exit 99; }

# CNAMEs without their targets' records, from 127.0.0.2 (tests/dns-cname.py).
python3 "$srcdir/tests/dns-cname.py" 127.0.0.2 >"$T/cname.out" 2>&1 &
CNAME_PID=$!

# DS RDATA in RFC 3597's generic form for gnsctl: "\# LEN HEX".
ds_generic() { # DSFILE [CORRUPT]
  python3 - "$1" "${2:-}" <<'EOF'
import sys
f = open(sys.argv[1]).read().split()
i = f.index("DS")
tag, alg, dt, dig = int(f[i + 1]), int(f[i + 2]), int(f[i + 3]), "".join(f[i + 4:])
if sys.argv[2]:
    dig = ("0" if dig[0] != "0" else "1") + dig[1:]
rd = tag.to_bytes(2, "big") + bytes([alg, dt]) + bytes.fromhex(dig)
print("\\# %d %s" % (len(rd), rd.hex()))
EOF
}

# --- gnsd with one zone of GNS2DNS delegations ----------------------------------
gnsd_env_start "$T/gnsd" || exit 99
ctl() { gnsd_env_gnsctl "$@"; }
Z=$(ctl zone create z 2>&1 | tail -n1)
add() { ctl record add z "$@" >/dev/null 2>&1 || fail "gnsctl record add z $*"; }
add sec GNS2DNS example.test@127.0.0.1
add sec TYPE43 "$(ds_generic "$T/example.test.ds")"
add bad GNS2DNS example.test@127.0.0.1
add bad TYPE43 "$(ds_generic "$T/example.test.ds" corrupt)"
add forged GNS2DNS tampered.test@127.0.0.1
add forged TYPE43 "$(ds_generic "$T/tampered.test.ds")"
add plain GNS2DNS example.test@127.0.0.1
add plainforged GNS2DNS tampered.test@127.0.0.1
add cn GNS2DNS cname.test@127.0.0.2

out=$(ctl resolve "www.sec.$Z.gns.alt" --type A 2>&1)
expect "secure: DS from GNS validates the answer" "$out" '192\.0\.2\.80'
out=$(ctl resolve "www.sec.$Z.gns.alt" --type AAAA 2>&1)
expect "secure: AAAA too" "$out" '2001:db8::80'
out=$(ctl resolve "chain.sec.$Z.gns.alt" --type A 2>&1)
expect "secure: a CNAME chain inside the zone is followed" "$out" '192\.0\.2\.80'
out=$(ctl resolve "www.bad.$Z.gns.alt" --type A 2>&1)
expect "bogus: a DS that matches no key is an error" "$out" 'failed DNSSEC validation'
expect_not "bogus: no address comes out" "$out" '192\.0\.2\.80'
out=$(ctl resolve "www.forged.$Z.gns.alt" --type A 2>&1)
expect "bogus: a tampered signature is an error" "$out" 'failed DNSSEC validation'
out=$(gnsd_env_call alt.gns.Resolve.ResolveRecords "{\"name\":\"www.forged.$Z.gns.alt\",\"type\":\"A\"}" 2>&1)
expect "bogus: the varlink error is DNSSECBogus" "$out" 'DNSSECBogus'
out=$(ctl resolve "www.plain.$Z.gns.alt" --type A 2>&1)
expect "insecure: no DS, no validation (as before)" "$out" '192\.0\.2\.80'
out=$(ctl resolve "ext.cn.$Z.gns.alt" --type A 2>&1)
expect "a CNAME whose target the server left out is followed" "$out" '192\.0\.2\.82'
t0=$(date +%s)
out=$(ctl resolve "loop1.cn.$Z.gns.alt" --type A 2>&1)
t1=$(date +%s)
expect "a CNAME loop across zones ends in an error" "$out" 'DNS failed'
checks=$((checks + 1))
if [ $((t1 - t0)) -le 2 ]; then pass "and at once ($((t1 - t0)) s)"; else fail "the CNAME loop took $((t1 - t0)) s"; fi
out=$(ctl resolve "www.plainforged.$Z.gns.alt" --type A 2>&1)
expect "insecure: without DS even the tampered zone answers" "$out" '192\.0\.2\.80'
out=$(gnsd_env_call alt.gns.Resolve.ResolveHostname "{\"name\":\"www.sec.$Z.gns.alt\",\"family\":2}" 2>&1)
expect "ResolveHostname: the secure answer" "$out" '192, 0, 2, 80'
if gnsd_env_nss_check 2>/dev/null; then
  # getent hosts: not subject to AI_ADDRCONFIG (this namespace has only lo)
  out=$(gnsd_env_getent "www.sec.$Z.gns.alt" hosts 2>&1)
  expect "NSS: the secure answer" "$out" '^(192\.0\.2\.80|2001:db8::80) '
  out=$(gnsd_env_getent "www.forged.$Z.gns.alt" hosts 2>&1)
  rc=$?
  checks=$((checks + 1))
  if [ -z "$out" ] && [ "$rc" -eq 2 ]; then pass "NSS: a bogus answer is not found (getent exit 2)"; else fail "NSS: bogus gave rc $rc: $out"; fi
fi

echo "$checks checks, $failures failed"
[ "$failures" -eq 0 ]
