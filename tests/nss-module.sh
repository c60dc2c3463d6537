#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The real module, dlopened by tests/nss-driver the way glibc calls it,
# against the fake gnsd (tests/nss-fake-gnsd.py) on a temp socket named by
# GNSD_SOCKET: every reply shape, every status mapping, the deadline, the
# exported symbols, and "no syscall for a name that is not ours".
# Needs no root and no gnsd.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
set -u
. "${top_srcdir:-$(dirname "$0")/..}/tests/nss-lib.sh"

[ -e "$MODULE" ] || skip "$MODULE not built"
[ -x "$DRIVER" ] || skip "$DRIVER not built"

tmp=$(mktemp -d /tmp/nss-module.XXXXXX)
FAKE_PID=
cleanup() {
  [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null && wait "$FAKE_PID" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

drv() { "$DRIVER" -m "$MODULE" "$@"; }

# ---- the shared object -------------------------------------------------
syms=$(nm -D --defined-only "$MODULE" | awk '{print $3}' | sort | tr '\n' ' ')
expect_eq "$syms" "_nss_gns_gethostbyname2_r _nss_gns_gethostbyname3_r _nss_gns_gethostbyname4_r _nss_gns_gethostbyname_r " \
  "exported symbols"
soname=$(readelf -d "$MODULE" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
expect_eq "$soname" "libnss_gns.so.2" "soname"

start_fake_gnsd "$tmp/sock" "$tmp/log" || exit 1
export GNSD_SOCKET=$tmp/sock

# ---- answers -----------------------------------------------------------
out=$(drv www.test.gns.alt)
expect_line "$out" '^4 status=SUCCESS errno=kept h_errno=NETDB_SUCCESS tries=1 .* canon=www\.test\.gns\.alt addrs=127\.0\.0\.1,::1 ttl=0$' "gethostbyname4_r, both families"
expect_line "$out" '^3/inet status=SUCCESS errno=kept .* canon=www\.test\.gns\.alt addrs=127\.0\.0\.1 aliases=none len=4 ttl=0$' "gethostbyname3_r AF_INET"
expect_line "$out" '^3/inet6 status=SUCCESS errno=kept .* addrs=::1 aliases=none len=16 ttl=0$' "gethostbyname3_r AF_INET6"
expect_line "$out" '^2/inet status=SUCCESS errno=kept .* addrs=127\.0\.0\.1 aliases=none len=4$' "gethostbyname2_r AF_INET"
expect_line "$out" '^2/inet6 status=SUCCESS errno=kept .* addrs=::1 aliases=none len=16$' "gethostbyname2_r AF_INET6"
expect_line "$out" '^1 status=SUCCESS errno=kept .* addrs=127\.0\.0\.1 aliases=none len=4$' "gethostbyname_r"
expect_no_line "$out" 'canonp-mismatch' "canonp is h_name"

# What went over the wire: the family per entry point.
log=$(cat "$tmp/log")
expect_eq "$(grep -c '"family": 0' "$tmp/log")" 1 "one AF_UNSPEC request (gethostbyname4_r)"
expect_eq "$(grep -c '"family": 2' "$tmp/log")" 3 "three AF_INET requests"
expect_eq "$(grep -c '"family": 10' "$tmp/log")" 2 "two AF_INET6 requests"
expect_line "$log" '"name": "www.test.gns.alt"' "name sent as given"

# Case and the trailing dot: the suffix matches in any case, the dot is dropped.
: >"$tmp/log"
out=$(drv -e 4 WWW.Test.GNS.ALT.)
expect_line "$out" '^4 status=SUCCESS .* addrs=127\.0\.0\.1,::1' "upper case and trailing dot"
expect_line "$(cat "$tmp/log")" '"name": "WWW.Test.GNS.ALT"' "trailing dot dropped, case kept"

out=$(drv v4.test.gns.alt)
expect_line "$out" '^4 status=SUCCESS .* addrs=127\.0\.0\.1 ttl=0$' "v4 only: gethostbyname4_r"
expect_line "$out" '^3/inet6 status=NOTFOUND errno=ENODATA h_errno=NO_DATA' "v4 only: no AAAA is NO_DATA"
expect_line "$out" '^2/inet6 status=NOTFOUND errno=ENODATA h_errno=NO_DATA' "v4 only: gethostbyname2_r AF_INET6"
out=$(drv v6.test.gns.alt)
expect_line "$out" '^1 status=NOTFOUND errno=ENODATA h_errno=NO_DATA' "v6 only: gethostbyname_r is NO_DATA"
expect_line "$out" '^4 status=SUCCESS .* addrs=::1 ttl=0$' "v6 only: gethostbyname4_r"

out=$(drv -e 4 -e 3/inet -e 3/unspec leho.test.gns.alt)
expect_line "$out" '^4 status=SUCCESS .* canon=legacy\.example\.com addrs=127\.0\.0\.1' "LEHO is the canonical name (4_r)"
expect_line "$out" '^3/inet status=SUCCESS .* canon=legacy\.example\.com ' "LEHO is the canonical name (3_r)"
expect_line "$out" '^3/unspec status=SUCCESS .* addrs=127\.0\.0\.1 ' "3_r AF_UNSPEC means AF_INET"

# A big answer through glibc's grow-and-retry loop from a tiny buffer.
out=$(drv -b 16 many.test.gns.alt)
expect_line "$out" '^4 status=SUCCESS errno=kept h_errno=NETDB_SUCCESS tries=(9|[1-9][0-9]) .*addrs=10\.0\.0\.0,10\.0\.0\.1,.*,10\.0\.0\.99 ttl=0$' "100 tuples after ERANGE retries"
expect_line "$out" '^1 status=SUCCESS .* tries=(7|8|9|[1-9][0-9]) .*,10\.0\.0\.99 aliases=none' "100 addresses in a hostent"
addrs=$(printf '%s\n' "$out" | sed -n 's/^4 .*addrs=\([^ ]*\).*/\1/p' | tr ',' '\n' | wc -l)
expect_eq "$addrs" 100 "all 100 addresses"

# Every buffer size from 0 up, through the real entry points.
for n in www many leho v4; do
  if out=$(drv --sweep -e 4 -e 3/inet -e 3/inet6 -e 2/inet -e 1 $n.test.gns.alt); then
    expect_line "$out" "^4 sweep: ERANGE below [0-9]+ bytes, then (SUCCESS|NOTFOUND)" "sweep $n"
  else
    fail "buffer sweep for $n:"
    printf '%s\n' "$out" >&2
  fi
done

# ---- negative answers: NOTFOUND, never UNAVAIL ---------------------------
out=$(drv nosuch.test.gns.alt)
expect_eq "$(printf '%s\n' "$out" | grep -c 'status=NOTFOUND errno=ENOENT h_errno=HOST_NOT_FOUND')" 6 "NoSuchName on all six calls"
out=$(drv empty.test.gns.alt)
expect_eq "$(printf '%s\n' "$out" | grep -c 'status=NOTFOUND errno=ENODATA h_errno=NO_DATA')" 6 "no addresses is NO_DATA everywhere"
out=$(drv -e 4 -e 3/inet revoked.test.gns.alt loop.test.gns.alt storage.test.gns.alt \
  unknownerr.test.gns.alt garbage.test.gns.alt wrongfamily.test.gns.alt hangup.test.gns.alt)
expect_line "$out" '^4 status=NOTFOUND errno=EKEYREVOKED h_errno=HOST_NOT_FOUND' "ZoneRevoked"
expect_line "$out" '^4 status=NOTFOUND errno=ELOOP h_errno=NO_RECOVERY' "ResolutionLoop"
expect_line "$out" '^4 status=TRYAGAIN errno=EAGAIN h_errno=TRY_AGAIN' "StorageUnavailable"
expect_line "$out" '^4 status=TRYAGAIN errno=EPROTO h_errno=TRY_AGAIN' "unknown varlink error"
expect_line "$out" '^4 status=TRYAGAIN errno=EBADMSG h_errno=TRY_AGAIN' "reply that is not JSON"
expect_line "$out" '^3/inet status=TRYAGAIN errno=EBADMSG h_errno=TRY_AGAIN' "AAAA answer to an A question"
expect_line "$out" '^4 status=TRYAGAIN errno=ECONNRESET h_errno=TRY_AGAIN' "gnsd hangs up"
expect_no_line "$out" 'UNAVAIL' "a .gns.alt name is never UNAVAIL"

# ---- names that are not ours, or cannot exist: no request -----------------
: >"$tmp/log"
long=$(printf 'a%.0s' $(seq 250)).gns.alt
out=$(drv example.com xgns.alt localhost "")
expect_eq "$(printf '%s\n' "$out" | grep -c 'status=UNAVAIL errno=untouched')" 24 "not .gns.alt: UNAVAIL, errno untouched"
out=$(drv gns.alt .gns.alt a..b.gns.alt "$long" $'\xff.gns.alt')
expect_eq "$(printf '%s\n' "$out" | grep -c 'status=NOTFOUND errno=EINVAL h_errno=HOST_NOT_FOUND')" 30 "invalid .gns.alt names: NOTFOUND"
expect_eq "$(wc -l <"$tmp/log")" 0 "no request for names not asked about"
# DNS escapes: glibc's dns module would read these as names under
# .gns.alt, so they never get UNAVAIL (issue 12, item 5)
out=$(drv 'www.demo.gns.al\116' 'www.demo.gns.al\t' 'www.demo.gns.al\T' 'www.demo.gns\.alt')
expect_eq "$(printf '%s\n' "$out" | grep -c 'status=NOTFOUND errno=EINVAL h_errno=HOST_NOT_FOUND')" 24 "escaped .gns.alt names: NOTFOUND"
expect_no_line "$out" 'UNAVAIL' "an escaped .gns.alt name is never UNAVAIL"

# "At once, with no syscall": strace between the driver's markers.
if command -v strace >/dev/null && strace -o /dev/null true 2>/dev/null; then
  strace -o "$tmp/strace" "$DRIVER" -m "$MODULE" --mark example.com www.example.org >/dev/null
  between=$(awk '/close\(-100\)/{on=1; next} /close\(-101\)/{on=0; next} on' "$tmp/strace")
  expect_eq "$(grep -c 'close(-100)' "$tmp/strace")" 12 "strace saw every call"
  expect_eq "$between" "" "syscalls made for a name that is not ours"
  # and the control: a GNS lookup does make syscalls between the markers
  strace -o "$tmp/strace" "$DRIVER" -m "$MODULE" --mark -e 4 www.test.gns.alt >/dev/null
  between=$(awk '/close\(-100\)/{on=1; next} /close\(-101\)/{on=0; next} on' "$tmp/strace")
  expect_line "$between" '^socket\(AF_UNIX, SOCK_STREAM\|SOCK_CLOEXEC\|SOCK_NONBLOCK' "CLOEXEC socket"
  expect_line "$between" 'MSG_DONTWAIT\|MSG_NOSIGNAL' "writes use MSG_NOSIGNAL"
else
  echo "note: strace not usable; the no-syscall check is skipped"
fi

# ---- gnsd away or stuck --------------------------------------------------
t0=$(now_ms)
out=$(GNSD_SOCKET=$tmp/nothing-here drv www.test.gns.alt)
expect_eq "$(printf '%s\n' "$out" | grep -c 'status=TRYAGAIN errno=ENOENT h_errno=TRY_AGAIN')" 6 "no socket: TRYAGAIN"
expect_lt $(($(now_ms) - t0)) 1000 "no socket fails fast"
# Empty GNSD_SOCKET means the default path, /run/gnsd/alt.gns.Resolve.
# The machine's own gnsd may listen there (tools/quickstart starts one), so
# the check runs in a private mount namespace with a fresh /run in which
# the default path leads to the fake gnsd: a SUCCESS can only come from it.
if [ "$(id -u)" = 0 ]; then ns="unshare --mount --propagation private"
else ns="unshare --map-root-user --mount --propagation private"; fi
# shellcheck disable=SC2016
if $ns true 2>/dev/null; then
  out=$(GNSD_SOCKET= $ns sh -c 'mount -t tmpfs -o mode=0755 tmpfs /run && mkdir /run/gnsd &&
    ln -s "$1" /run/gnsd/alt.gns.Resolve && shift && exec "$@"' sh "$tmp/sock" \
    "$DRIVER" -m "$MODULE" -e 4 www.test.gns.alt 2>&1)
  expect_line "$out" '^4 status=SUCCESS .*addrs=127\.0\.0\.1,::1' "empty GNSD_SOCKET means the default path"
  out=$(GNSD_SOCKET= $ns sh -c 'mount -t tmpfs -o mode=0755 tmpfs /run && exec "$@"' sh \
    "$DRIVER" -m "$MODULE" -e 4 www.test.gns.alt 2>&1)
  expect_line "$out" '^4 status=TRYAGAIN errno=ENOENT .*h_errno=TRY_AGAIN' "nothing at the default path: TRYAGAIN"
elif [ ! -e /run/gnsd/alt.gns.Resolve ]; then
  out=$(GNSD_SOCKET= drv -e 4 www.test.gns.alt)
  expect_line "$out" '^4 status=TRYAGAIN errno=ENOENT .*h_errno=TRY_AGAIN' "empty GNSD_SOCKET means the default path"
else
  echo "note: no private mount namespace (unshare) and a gnsd of this machine on" \
    "/run/gnsd: the default-path check is skipped"
fi

t0=$(now_ms)
out=$(drv -e 4 slow.test.gns.alt)
took=$(($(now_ms) - t0))
expect_line "$out" '^4 status=TRYAGAIN errno=ETIMEDOUT h_errno=TRY_AGAIN' "stuck gnsd: deadline"
expect_lt "$took" 6500 "deadline is 5 s"
expect_lt 4900 "$took" "deadline is not shorter than 5 s"

finish
