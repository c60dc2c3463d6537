#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Revocations travel both ways between gnsd and GNUnet (Debian's gnunet
# 0.19.3), on two private peers linked over a unix socket
# (tests/gnunet-peer.sh); the revocation difficulty is lowered on both
# sides so that a proof of work takes well under a second.
#
# GNUnet -> gnsd: a zone published and revoked on peer p1 with
#   gnunet-revocation -R stops resolving through a gnsd attached to peer p2
#   (names answered from gnsd's cache before included) within the
#   configured valid-ttl, and gnsd stores the revocation.
# gnsd -> GNUnet: gnsctl revoke on gnsd reaches p2's revocation service
#   (gnunet-revocation -t says revoked there, and on p1 by flooding); one
#   made while the service is down waits in gnsd's queue and goes out
#   when the service is back; gnsctl revocation show says where it stands.
# No service: resolution neither hangs nor pretends it checked.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$(pwd)}
top_srcdir=$srcdir
top_builddir=$builddir
. "$srcdir/tests/gnunet-peer.sh"
. "$srcdir/tests/gnsd-env.sh"

skip() {
  echo "SKIP: $*"
  exit 77
}
gnp_check || skip "no usable GNUnet (see above)"
command -v gnunet-revocation >/dev/null 2>&1 || skip "gnunet-revocation not found (Debian package gnunet)"
gnsd_env_check || skip "gnsd is needed (see above)"
LOOKUP=$builddir/bench/bench-dht-lookup
[ -x "$LOOKUP" ] || skip "$LOOKUP not built"

failures=0
checks=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
pass() { echo "ok: $*"; }
# expect DESCRIPTION OUTPUT REGEX
expect() {
  checks=$((checks + 1))
  if printf '%s\n' "$2" | grep -Eq -- "$3"; then
    pass "$1"
  else
    fail "$1: no line matches /$3/ in:"
    printf '%s\n' "$2" | sed 's/^/    /' >&2
  fi
}
# within SECONDS REGEX CMD...: run CMD every 0.5 s until its output
# matches REGEX; prints the last output and the seconds it took.
within() {
  _w_t0=$(date +%s)
  _w_end=$((_w_t0 + $1))
  _w_re=$2
  shift 2
  while :; do
    _w_out=$("$@" 2>&1)
    if printf '%s\n' "$_w_out" | grep -Eq -- "$_w_re"; then
      printf '%s\n(after %s s)\n' "$_w_out" $(($(date +%s) - _w_t0))
      return 0
    fi
    [ "$(date +%s)" -ge "$_w_end" ] && break
    sleep 0.5
  done
  printf '%s\n' "$_w_out"
  return 1
}

# for_up_to SECONDS CMD...: run CMD (output discarded) every 0.1 s until it
# succeeds or SECONDS have passed (by the clock: CMD may be slow).
for_up_to() {
  _f_end=$(($(date +%s) + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$_f_end" ] || return 1
    sleep 0.1
  done
}
# svc_pid CONF SERVICE: the pid of the peer's gnunet-service-SERVICE.
svc_pid() { pgrep -f -- "gnunet-service-$2 -c $1( |\$)"; }
# svc_gone CONF SERVICE PID: the process PID has exited and ARM says the
# service is not running (an answer from ARM is needed: a failed call
# proves nothing).
svc_gone() {
  [ ! -d "/proc/$3" ] || return 1
  _sg_out=$(timeout 15 gnunet-arm -c "$1" -I 2>/dev/null) || return 1
  printf '%s\n' "$_sg_out" | grep -q "^$2 (.*status=" &&
    ! printf '%s\n' "$_sg_out" | grep -q "^$2 (.*status=started"
}

# Every GNUnet client call is bounded (a peer that never answers must fail
# the test, not hang it); gnsctl bounds its own calls.
grev() { timeout 15 gnunet-revocation "$@"; }

gnp_init || exit 99
cleanup() {
  gnsd_env_stop
  if [ "$failures" -ne 0 ] && [ -n "${GNSD_ENV_DIR:-}" ] && [ -f "$GNSD_ENV_DIR/gnsd.log" ]; then
    echo "--- gnsd log (last 40 lines)" >&2
    tail -n 40 "$GNSD_ENV_DIR/gnsd.log" >&2
  fi
  gnp_stop_all
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- two GNUnet peers with a cheap revocation proof of work -----------------
BITS=2
# Started by ARM at once and not on demand, so that a stopped service is
# really away (ARM would otherwise answer on its socket and start it).
PEERCONF="[revocation]
IMMEDIATE_START = YES
START_ON_DEMAND = NO
WORKBITS = $BITS"
gnp_start p1 "$PEERCONF" || exit 99
gnp_start p2 "$PEERCONF" || exit 99
gnp_connect p1 p2 || exit 99
c1=$(gnp_conf p1)
c2=$(gnp_conf p2)
rs1=$GNP_DIR/p1/run/gnunet-service-revocation.sock
rs2=$GNP_DIR/p2/run/gnunet-service-revocation.sock
gnunet-arm -c "$c1" -i revocation >/dev/null 2>&1
gnunet-arm -c "$c2" -i revocation >/dev/null 2>&1
wait_until 200 0.1 test -S "$rs1" || exit 99
wait_until 200 0.1 test -S "$rs2" || exit 99

# gnsd on p2: the revocation socket is found next to the DHT's.
TTL=3
gnsd_env_start "$GNP_DIR/gnsd" "$(gnp_dht_socket p2)" "[revocation]
difficulty = $BITS
valid-ttl = ${TTL}s" || exit 99
ctl() { gnsd_env_gnsctl "$@"; }

# --- gnsd -> GNUnet, with the service away first ---------------------------
# While the service is away a revocation waits in gnsd's queue. (First,
# while p2 holds no revocation: GNUnet 0.19.3's revocation service writes
# only the 8-byte header of each revocation to its database, and started
# again over two or more of them it reads past its buffer and shuts down.
# gnsd sends its revocations again after every reconnect for that reason.)
#
# Away means that the old service process has exited and ARM says so. A
# wait on `gnunet-arm -I` no longer listing it as started also ended when
# that call failed (under load), and the old process, still there,
# accepted the revocation.
for_up_to 30 svc_pid "$c2" revocation || { echo "ERROR: p2's revocation service is not running" >&2; exit 99; }
rev_pid=$(svc_pid "$c2" revocation)
echo "stopping p2's revocation service (pid $rev_pid)"
gnunet-arm -c "$c2" -k revocation >/dev/null 2>&1
for_up_to 30 svc_gone "$c2" revocation "$rev_pid" || {
  echo "ERROR: p2's revocation service (pid $rev_pid) did not stop within 30 s:" >&2
  gnunet-arm -c "$c2" -I >&2
  exit 99
}
ZB=$(ctl zone create later 2>&1 | tail -n1)
out=$(ctl --difficulty "$BITS" revoke later 2>&1)
expect "gnsctl revoke with the peer's revocation service down" "$out" 'revoked'
out=$(ctl revocation show later 2>&1)
# ARM keeps the service's socket open while the service is stopped: the
# revocation is queued, or sent into the socket with no answer yet; either
# way not accepted.
expect "gnsctl revocation show: waiting while the service is away" "$out" \
  'network: (queued|sent, no answer yet)'

gnunet-arm -c "$c2" -i revocation >/dev/null 2>&1
out=$(within 60 'accepted' ctl revocation show later)
expect "the queued revocation goes out when the service is back" "$out" 'has it \(accepted'
out=$(within 20 'has been revoked' grev -c "$c2" -t "$ZB")
expect "gnunet-revocation -t on p2 then says revoked" "$out" 'has been revoked'


# --- GNUnet -> gnsd ---------------------------------------------------------
gnunet-identity -c "$c1" -C victim >/dev/null || exit 99
gnunet-identity -c "$c1" -C child -X >/dev/null || exit 99
V=$(gnp_ztld p1 victim)
C=$(gnp_ztld p1 child)
gnunet-namestore -c "$c1" -z victim -a -n www -t A -V 192.0.2.77 -e 1d -p || exit 99
gnunet-namestore -c "$c1" -z victim -a -n sub -t EDKEY -V "$C" -e 1d -p || exit 99
gnunet-namestore -c "$c1" -z child -a -n www -t A -V 192.0.2.78 -e 1d -p || exit 99
n=0
while [ "$("$LOOKUP" --socket "$(gnp_dht_socket p2)" --ztld "$V" www sub | grep -c ' - ')" != 0 ] ||
  [ "$("$LOOKUP" --socket "$(gnp_dht_socket p2)" --ztld "$C" www | grep -c ' - ')" != 0 ]; do
  n=$((n + 1))
  [ "$n" -gt 60 ] && { fail "GNUnet did not publish the test zones within 60 s"; exit 1; }
  sleep 1
done

out=$(ctl resolve "www.$V.gns.alt" --type A 2>&1)
expect "before the revocation the zone resolves" "$out" '192\.0\.2\.77'
expect "gnsctl resolve says the revocation was checked with the peer" "$out" 'checked with the GNUnet peer'
out=$(ctl resolve "www.sub.$V.gns.alt" --type A 2>&1)
expect "and the zone it delegates to" "$out" '192\.0\.2\.78'
out=$(ctl resolve "www.$V.gns.alt" --type A 2>&1)
expect "the second answer comes from gnsd's cache" "$out" 'from cache'
out=$(grev -c "$c2" -t "$V" 2>&1)
expect "gnunet-revocation -t on p2: valid before" "$out" 'is valid'

start=$(date +%s)
out=$(grev -c "$c1" -R victim -p 2>&1)
expect "gnunet-revocation -R on p1 revokes the zone" "$out" 'successfully revoked'
out=$(within 60 'has been revoked' grev -c "$c2" -t "$V")
expect "the revocation floods from p1 to p2's revocation service" "$out" 'has been revoked'
out=$(within $((TTL + 10)) 'revoked' ctl resolve "www.$V.gns.alt" --type A)
expect "gnsd stops resolving the revoked zone (a name it had cached) within valid-ttl" "$out" \
  'the zone is revoked'
printf '%s\n' "$out" | tail -n1
out=$(ctl resolve "www.sub.$V.gns.alt" --type A 2>&1)
expect "a delegation through the revoked zone: ZoneRevoked" "$out" 'the zone is revoked'
out=$(gnsd_env_call alt.gns.Resolve.ResolveRecords "{\"name\":\"www.$V.gns.alt\"}" 2>&1)
expect "alt.gns.Resolve says ZoneRevoked" "$out" 'ZoneRevoked'
out=$(ctl revocation show "$V" 2>&1)
expect "gnsd stored the revocation the peer reported" "$out" 'revoked \(reported by the GNUnet peer'
end=$(date +%s)
echo "note: revoked on p1 -> ZoneRevoked from gnsd on p2 in $((end - start)) s (valid-ttl ${TTL}s)"

# --- gnsd -> GNUnet ---------------------------------------------------------
ZA=$(ctl zone create mine 2>&1 | tail -n1)
ctl record add mine www A 203.0.113.9 >/dev/null 2>&1
out=$(ctl --difficulty "$BITS" revoke mine 2>&1)
expect "gnsctl revoke on gnsd" "$out" 'revoked'
out=$(within 20 'accepted' ctl revocation show mine)
expect "gnsctl revocation show: the peer's revocation service has it" "$out" 'has it \(accepted'
out=$(within 20 'has been revoked' grev -c "$c2" -t "$ZA")
expect "gnunet-revocation -t on p2 says the gnsd zone is revoked" "$out" 'has been revoked'
out=$(within 60 'has been revoked' grev -c "$c1" -t "$ZA")
expect "and on p1, flooded by p2" "$out" 'has been revoked'

# --- revocations prepared ahead of time, and from files ----------------------
# RFC 9498, 4.2: a revocation MAY be computed and signed ahead of time; it
# must then work without the zone's key.
ZP=$(ctl zone create kept 2>&1 | tail -n1)
ctl record add kept www A 203.0.113.10 >/dev/null 2>&1
out=$(ctl --difficulty "$BITS" revoke kept --prepare "$GNP_DIR/kept.rev" 2>&1)
expect "gnsctl revoke --prepare signs into a file" "$out" 'prepared in .*kept\.rev, not published'
expect "the file holds one revocation" "$(wc -c <"$GNP_DIR/kept.rev")" '^ *372$'
out=$(ctl zone show kept 2>&1)
expect "a prepared revocation is not stored" "$out" 'Revoked: no'
out=$(ctl resolve "www.$ZP.gns.alt" --type A 2>&1)
expect "and the zone still resolves" "$out" '203\.0\.113\.10'
ctl zone delete kept >/dev/null 2>&1
out=$(ctl zone show kept 2>&1)
expect "the zone and its key are gone" "$out" "no zone named 'kept'"
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[-1] ^= 1; open(sys.argv[2], "wb").write(b)' \
  "$GNP_DIR/kept.rev" "$GNP_DIR/bad-sig.rev"
out=$(ctl revocation publish "$GNP_DIR/bad-sig.rev" 2>&1)
expect "a revocation with a broken signature is refused" "$out" 'signature does not verify'
head -c 300 "$GNP_DIR/kept.rev" >"$GNP_DIR/short.rev"
out=$(ctl revocation import "$GNP_DIR/short.rev" 2>&1)
expect "a truncated file is refused" "$out" '300 bytes, not a revocation'
out=$(ctl revocation show "$ZP" 2>&1)
expect "refused revocations are not kept" "$out" 'not revoked'
out=$(ctl revocation publish "$GNP_DIR/kept.rev" 2>&1)
expect "gnsctl revocation publish works without the key" "$out" "zone $ZP revoked \\(published\\)"
out=$(ctl resolve "www.$ZP.gns.alt" --type A 2>&1)
expect "the published revocation stops the zone" "$out" 'the zone is revoked'
out=$(within 20 'has been revoked' grev -c "$c2" -t "$ZP")
expect "and reaches the GNUnet peer" "$out" 'has been revoked'

# A file written by gnunet-revocation -f (computed, not published, on p1).
gnunet-identity -c "$c1" -C filed >/dev/null || exit 99
ZF=$(gnp_ztld p1 filed)
timeout 60 gnunet-revocation -c "$c1" -R filed -f "$GNP_DIR/filed.rev" >/dev/null 2>&1
expect "gnunet-revocation -f wrote a revocation file" "$(wc -c <"$GNP_DIR/filed.rev" 2>&1)" '^ *372$'
out=$(grev -c "$c2" -t "$ZF" 2>&1)
expect "gnunet-revocation -f alone revokes nothing" "$out" 'is valid'
out=$(ctl revocation import "$GNP_DIR/filed.rev" 2>&1)
expect "gnsctl revocation import takes gnunet-revocation's file" "$out" "zone $ZF revoked \\(imported\\)"
out=$(ctl revocation show "$ZF" 2>&1)
expect "gnsd stored it with its message" "$out" "$ZF: revoked at"
out=$(within 20 'has been revoked' grev -c "$c2" -t "$ZF")
expect "gnsd hands the imported revocation to the GNUnet peer" "$out" 'has been revoked'

out=$(gnsd_env_call alt.gns.Zone.GetStatistics)
expect "statistics show the revocation service" "$out" '"revocationService"'

# No peer at all: resolution answers (from the store) and says that it did
# not check with the network; it does not wait for the peer.
gnp_stop p2
ZL=$(ctl zone create local 2>&1 | tail -n1)
ctl record add local www A 198.51.100.4 >/dev/null 2>&1
t0=$(date +%s)
out=$(ctl resolve "www.$ZL.gns.alt" --type A 2>&1)
t1=$(date +%s)
expect "without the revocation service a local zone still resolves" "$out" '198\.51\.100\.4'
expect "and gnsctl resolve says the peer was not asked" "$out" 'not reachable; only the revocations stored'
checks=$((checks + 1))
if [ $((t1 - t0)) -le 3 ]; then pass "without the service resolution does not wait ($((t1 - t0)) s)"; else fail "resolution took $((t1 - t0)) s without the service"; fi


echo "$checks checks, $failures failed"
[ "$failures" -eq 0 ]
