#!/bin/bash
# Programs that never load libnss_gns.so.2, resolving through the DNS stub,
# as root in a private network and mount namespace:
#   gnsd started as root binds 127.0.0.153:53 and becomes nobody (--user);
#   unprivileged, it says why it cannot bind port 53;
#   /etc/resolv.conf says "nameserver 127.0.0.153": a static musl program
#   (musl-gcc -static) and a Go program built with CGO_ENABLED=0 resolve
#   www.demo.gns.alt and a REDIRECT through it;
#   dnsmasq (server=/gns.alt/...) and unbound (forward-zone and stub-zone,
#   the README's snippets) forward .gns.alt to the stub and nothing else.
# systemd-resolved is not run (it needs D-Bus and its own user); its
# drop-in is checked by tests/test-systemd-units.sh.
# Each part whose tool is missing says so and is skipped; the test is
# skipped as a whole without root or namespaces.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
skip() { echo "SKIP: $*"; exit 77; }

if [ -z "${DNS_STUB_IN_NS:-}" ]; then
  [ "$(id -u)" -eq 0 ] || skip "needs root: port 53 and bind mounts over /etc in a private namespace"
  command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
  command -v dig >/dev/null || skip "dig not installed (tools/bootstrap-deps installs bind9-dnsutils)"
  unshare --mount --net --propagation private true 2>/dev/null ||
    skip "unshare --mount --net failed: no namespace support here"
  DNS_STUB_IN_NS=1 exec unshare --mount --net --propagation private bash "$0" "$@"
fi

GNSD=$top_builddir/helper/gnsd
GNSCTL=$top_builddir/ctl/gnsctl
[ -x "$GNSD" ] || { echo "FAIL: $GNSD not built"; exit 1; }
ip link set lo up || skip "cannot bring up lo in the namespace"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dns-stub-ns.XXXXXX")
chmod 755 "$TMP" # nobody's gnsd reads its config here
PIDS=
cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null; done
  for p in $PIDS; do wait "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for f in "$TMP"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done
  exit 1
}
pass=0
ok() { pass=$((pass + 1)); }
skipped=
part_skip() { echo "SKIP part: $*"; skipped="$skipped; $*"; }
D() { dig "$@" +time=2 +tries=1 2>&1; }
G() { "$GNSCTL" --runtime-dir "$TMP/run" "$@"; }
wait_for() { # wait_for N CMD...: N tries 0.1 s apart
  local n=$1
  shift
  while [ "$n" -gt 0 ]; do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
    n=$((n - 1))
  done
  return 1
}
NOBODY=$(id -u nobody) || skip "no user nobody"

# --- gnsd binds port 53 as root, then runs as nobody ---------------------
cat >"$TMP/gnsd.conf" <<EOF
[dns-stub]
listen = 127.0.0.153:53, 0.0.0.0:5300, [::]:5300
rate-limit = 20
EOF
unset JOURNAL_STREAM INVOCATION_ID NOTIFY_SOCKET LISTEN_FDS LISTEN_PID LISTEN_FDNAMES
"$GNSD" --runtime-dir "$TMP/run" --state-dir "$TMP/state" --config "$TMP/gnsd.conf" \
  --user nobody 2>"$TMP/gnsd.log" &
GNSD_PID=$!
PIDS="$GNSD_PID"
wait_for 100 test -S "$TMP/run/alt.gns.Zone" || fail "gnsd did not start"
wait_for 20 grep -q "running as nobody" "$TMP/gnsd.log" || fail "gnsd did not become nobody"
uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$GNSD_PID/status")
[ "$uids" = "$NOBODY $NOBODY $NOBODY $NOBODY" ] || fail "gnsd runs as uids '$uids', want nobody"
ok
grep -q "dns-stub: listening on 127.0.0.153:53" "$TMP/gnsd.log" || fail "no stub on 127.0.0.153:53"
ok

G zone create demo >/dev/null || fail "zone create (gnsd as nobody writes its store)"
G record add demo www A 192.0.2.7 >/dev/null || fail "add A"
G record add demo www AAAA 2001:db8::7 >/dev/null || fail "add AAAA"
G record add demo alias REDIRECT www.demo.gns.alt >/dev/null || fail "add REDIRECT"
for proto in +notcp +tcp; do
  out=$(D @127.0.0.153 $proto www.demo.gns.alt A)
  printf '%s\n' "$out" | grep -q "IN[[:space:]]*A[[:space:]]*192\.0\.2\.7" ||
    { printf '%s\n' "$out"; fail "dig $proto @127.0.0.153:53"; }
  ok
done

# on a wildcard address the answer comes from the address asked (dig
# drops an answer from another source): 127.0.0.9 is on lo, but replies to
# 127.0.0.1 would leave from 127.0.0.1 without IP_PKTINFO
for server in 127.0.0.9 ::1; do
  out=$(D @$server -p 5300 www.demo.gns.alt A)
  printf '%s\n' "$out" | grep -q "IN[[:space:]]*A[[:space:]]*192\.0\.2\.7" ||
    { printf '%s\n' "$out"; fail "dig @$server to the stub on a wildcard address"; }
  ok
done

# the per-source rate limit, from an address that is not loopback (those
# are exempt): 20 queries/s, a burst of 200 gets most dropped and every
# second one over the limit a TC "slip"; TCP is not limited
ip addr add 10.53.0.1/32 dev lo && ip addr add 10.53.0.2/32 dev lo || fail "addresses on lo"
python3 "$top_srcdir/tests/dns-flood.py" 10.53.0.1 5300 10.53.0.2 limited || fail "rate limit"
ok
limited=$(G --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["dnsStub"]["rateLimited"])')
[ "$limited" -ge 100 ] || fail "dnsStub.rateLimited = $limited"
ok
out=$(D @10.53.0.1 -p 5300 -b 10.53.0.2 +tcp www.demo.gns.alt A)
printf '%s\n' "$out" | grep -q "IN[[:space:]]*A[[:space:]]*192\.0\.2\.7" ||
  { printf '%s\n' "$out"; fail "TCP while UDP is limited"; }
ok

# unprivileged, gnsd cannot bind port 53 and says why (and still serves NSS)
mkdir -p "$TMP/u" && chown nobody "$TMP/u"
printf '[dns-stub]\nlisten = 127.0.0.154:53\n' >"$TMP/u.conf"
setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
  "$GNSD" --runtime-dir "$TMP/u/run" --state-dir "$TMP/u/state" --config "$TMP/u.conf" \
  2>"$TMP/unpriv.log" &
UPID=$!
PIDS="$PIDS $UPID"
wait_for 100 test -S "$TMP/u/run/alt.gns.Resolve" || fail "unprivileged gnsd did not start"
grep -q "cannot listen on 127.0.0.154:53: Permission denied (a port below 1024 needs root" \
  "$TMP/unpriv.log" || fail "no clear message for port 53 without privilege"
ok
kill "$UPID"

# --- programs that read /etc/resolv.conf --------------------------------
echo "nameserver 127.0.0.153" >"$TMP/resolv.conf"
printf 'hosts: files dns\n' >"$TMP/nsswitch.conf"
printf '127.0.0.1 localhost\n' >"$TMP/hosts"
mount --bind "$TMP/resolv.conf" "$(readlink -m /etc/resolv.conf)" 2>/dev/null ||
  mount --bind "$TMP/resolv.conf" /etc/resolv.conf || fail "cannot bind-mount resolv.conf"
mount --bind "$TMP/nsswitch.conf" /etc/nsswitch.conf || fail "cannot bind-mount nsswitch.conf"
mount --bind "$TMP/hosts" /etc/hosts || fail "cannot bind-mount hosts"

check_lookup() { # check_lookup WHAT OUTPUT
  printf '%s\n' "$2" | grep -qx "192.0.2.7" || { printf '%s\n' "$2"; fail "$1: no 192.0.2.7"; }
  printf '%s\n' "$2" | grep -qx "2001:db8::7" || { printf '%s\n' "$2"; fail "$1: no 2001:db8::7"; }
  ok
}
is_static() { # no program interpreter: nothing loads libc or NSS modules
  command -v readelf >/dev/null || fail "readelf (binutils) not found"
  readelf -l "$1" >/dev/null && ! readelf -l "$1" | grep -q INTERP
}

if command -v musl-gcc >/dev/null; then
  cat >"$TMP/gai.c" <<'EOF'
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <sys/socket.h>
int main(int argc, char **argv) {
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *p;
  int e = argc > 1 ? getaddrinfo(argv[1], NULL, &hints, &res) : EAI_NONAME;
  if (e) {
    printf("error: %s\n", gai_strerror(e));
    return 1;
  }
  for (p = res; p; p = p->ai_next) {
    char buf[INET6_ADDRSTRLEN];
    const void *a = p->ai_family == AF_INET ? (const void *)&((struct sockaddr_in *)p->ai_addr)->sin_addr
                                            : (const void *)&((struct sockaddr_in6 *)p->ai_addr)->sin6_addr;
    printf("%s\n", inet_ntop(p->ai_family, a, buf, sizeof buf));
  }
  freeaddrinfo(res);
  return 0;
}
EOF
  musl-gcc -static -O2 -o "$TMP/gai-musl" "$TMP/gai.c" || fail "musl-gcc -static"
  is_static "$TMP/gai-musl" || fail "gai-musl is not static"
  check_lookup "musl static getaddrinfo" "$(timeout 20 "$TMP/gai-musl" www.demo.gns.alt)"
  check_lookup "musl static getaddrinfo, REDIRECT" "$(timeout 20 "$TMP/gai-musl" alias.demo.gns.alt)"
else
  part_skip "musl-gcc not installed (tools/bootstrap-deps installs musl-tools)"
fi

if command -v go >/dev/null; then
  mkdir -p "$TMP/go"
  cat >"$TMP/go/main.go" <<'EOF'
package main

import (
	"context"
	"fmt"
	"net"
	"os"
)

func main() {
	addrs, err := net.DefaultResolver.LookupHost(context.Background(), os.Args[1])
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	for _, a := range addrs {
		fmt.Println(a)
	}
}
EOF
  # the build cache survives in the build tree: the first build compiles
  # Go's standard library
  GOCACHE_DIR=${GOCACHE:-$top_builddir/tests/go-cache}
  (cd "$TMP/go" && HOME="$TMP" GOCACHE="$GOCACHE_DIR" GO111MODULE=off GOFLAGS= CGO_ENABLED=0 \
    timeout 600 go build -o "$TMP/lookup-go" main.go) >"$TMP/go-build.log" 2>&1 ||
    fail "go build (CGO_ENABLED=0)"
  is_static "$TMP/lookup-go" || fail "the Go program is not static"
  check_lookup "Go, CGO_ENABLED=0" "$(timeout 20 "$TMP/lookup-go" www.demo.gns.alt)"
  check_lookup "Go, CGO_ENABLED=0, REDIRECT" "$(timeout 20 "$TMP/lookup-go" alias.demo.gns.alt)"
else
  part_skip "go not installed (tools/bootstrap-deps installs golang-go)"
fi

stub_queries() {
  G --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["dnsStub"]["queries"])'
}

# --- dnsmasq: server=/gns.alt/127.0.0.153 -----------------------------------
DNSMASQ=
for p in /usr/sbin/dnsmasq /usr/bin/dnsmasq /sbin/dnsmasq; do [ -x "$p" ] && DNSMASQ=$p && break; done
if [ -n "$DNSMASQ" ]; then
  "$DNSMASQ" --keep-in-foreground --no-resolv --no-hosts --no-poll --conf-file=/dev/null \
    --listen-address=127.0.0.2 --bind-interfaces --port=53 --pid-file= --user=root \
    --server=/gns.alt/127.0.0.153 2>"$TMP/dnsmasq.log" &
  PIDS="$PIDS $!"
  wait_for 50 dig @127.0.0.2 +time=1 +tries=1 localhost. || fail "dnsmasq did not start"
  out=$(D @127.0.0.2 alias.demo.gns.alt A)
  printf '%s\n' "$out" | grep -q "IN[[:space:]]*A[[:space:]]*192\.0\.2\.7" ||
    { printf '%s\n' "$out"; fail "dnsmasq did not forward .gns.alt to the stub"; }
  ok
  before=$(stub_queries)
  D @127.0.0.2 www.example.com A >/dev/null
  [ "$(stub_queries)" = "$before" ] || fail "dnsmasq sent a DNS name to the stub"
  ok
else
  part_skip "dnsmasq not installed (tools/bootstrap-deps installs dnsmasq-base)"
fi

# --- unbound: forward-zone and stub-zone ---------------------------------------
if command -v unbound >/dev/null; then
  for kind in forward stub; do
    addr=127.0.0.3
    [ $kind = stub ] && addr=127.0.0.4
    cat >"$TMP/unbound-$kind.conf" <<EOF
server:
  interface: $addr
  port: 53
  access-control: 127.0.0.0/8 allow
  username: ""
  chroot: ""
  directory: "$TMP"
  pidfile: ""
  use-syslog: no
  logfile: ""
  num-threads: 1
  # the README's snippet: the stub is on loopback and unsigned
  do-not-query-localhost: no
  domain-insecure: "gns.alt"
EOF
    if [ $kind = forward ]; then
      printf 'forward-zone:\n  name: "gns.alt"\n  forward-addr: 127.0.0.153@53\n' >>"$TMP/unbound-$kind.conf"
    else
      printf 'stub-zone:\n  name: "gns.alt"\n  stub-addr: 127.0.0.153@53\n' >>"$TMP/unbound-$kind.conf"
    fi
    unbound-checkconf "$TMP/unbound-$kind.conf" >"$TMP/unbound-$kind.log" 2>&1 ||
      fail "unbound-checkconf $kind"
    unbound -d -c "$TMP/unbound-$kind.conf" 2>>"$TMP/unbound-$kind.log" &
    PIDS="$PIDS $!"
    wait_for 50 dig @$addr +time=1 +tries=1 localhost. || fail "unbound ($kind) did not start"
    for q in www alias; do
      out=$(D @$addr $q.demo.gns.alt A)
      printf '%s\n' "$out" | grep -q "IN[[:space:]]*A[[:space:]]*192\.0\.2\.7" ||
        { printf '%s\n' "$out"; fail "unbound $kind-zone: $q.demo.gns.alt"; }
      ok
    done
    out=$(D @$addr nope.demo.gns.alt A)
    printf '%s\n' "$out" | grep -q "status: NXDOMAIN" ||
      { printf '%s\n' "$out"; fail "unbound $kind-zone: NXDOMAIN"; }
    ok
  done
else
  part_skip "unbound not installed (tools/bootstrap-deps installs unbound)"
fi

if [ -x /lib/systemd/systemd-resolved ] || [ -x /usr/lib/systemd/systemd-resolved ]; then
  part_skip "systemd-resolved is not run here (it needs D-Bus and its user); tests/test-systemd-units.sh checks its drop-in"
else
  part_skip "systemd-resolved not installed; tests/test-systemd-units.sh checks the shipped drop-in"
fi

kill -0 "$GNSD_PID" || fail "gnsd died"
echo "dns-stub-ns: $pass checks passed${skipped:+ (skipped parts$skipped)}"
