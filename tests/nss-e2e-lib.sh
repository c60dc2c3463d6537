# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by the end-to-end NSS tests and the NSS bench: a private mount and
# network namespace in which glibc itself loads the built libnss_gns.so.2,
#   /etc/nsswitch.conf  hosts: files gns [!UNAVAIL=return] dns (as the package writes it)
#   /etc/resolv.conf    nameserver 127.0.0.53 (a listener that logs queries)
#   /etc/hosts          localhost and filehost.test
#   /run                a fresh tmpfs (no nscd, no host gnsd): /run/gnsd is ours
# and a backend on /run/gnsd/alt.gns.Resolve, the default path, so that
# setuid and file-capability programs (ping), which ignore GNSD_SOCKET and
# LD_LIBRARY_PATH, resolve through it too. Nothing outside the namespace
# changes except a temp dir under /tmp.
#
# Backends (NSS_E2E_BACKEND): "gnsd" = helper/gnsd with a zone "test"
# created over alt.gns.Zone; "fake" = tests/nss-fake-gnsd.py.

. "${top_srcdir:-$(dirname "${BASH_SOURCE[0]}")/..}/tests/nss-lib.sh"

NSSWITCH_HOSTS='hosts: files gns [!UNAVAIL=return] dns'
RESOLVE_SOCKET=/run/gnsd/alt.gns.Resolve
ZONE_SOCKET=/run/gnsd/alt.gns.Zone
GNSD=$top_builddir/helper/gnsd
VCALL=$top_srcdir/tests/varlink-call.py
BG_PIDS=
BACKEND_PID=

# Re-executes the calling script inside new mount and network namespaces,
# or exits 77 saying why that is not possible here.
ns_reexec() {
  if [ -z "${NSS_E2E_IN_NS:-}" ]; then
    [ "$(id -u)" -eq 0 ] || skip "needs root: private mount namespace with bind mounts over /etc and the library dir"
    command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
    unshare --mount --net --propagation private true 2>/dev/null ||
      skip "unshare --mount --net failed: no namespace support here"
    NSS_E2E_IN_NS=1 exec unshare --mount --net --propagation private bash "$0" "$@"
  fi
}

ns_cleanup() {
  local p
  for p in $BACKEND_PID $BG_PIDS; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
  for p in $BACKEND_PID $BG_PIDS; do wait "$p" 2>/dev/null; done
  [ -n "${NS_TMP:-}" ] && rm -rf "$NS_TMP"
}

# bind_file SRC DST: DST shows SRC's content inside the namespace. A DST
# that is a symlink is followed; its target may be created only on our
# private /run.
bind_file() {
  local dst=$2
  if [ -L "$dst" ]; then
    dst=$(readlink -m "$dst")
    if [ ! -e "$dst" ]; then
      case $dst in
      /run/*) mkdir -p "$(dirname "$dst")" && : >"$dst" ;;
      *) skip "$2 is a dangling symlink to $dst" ;;
      esac
    fi
  fi
  mount --bind "$1" "$dst" || skip "cannot bind-mount $1 over $dst"
}

# Makes the built module the libnss_gns.so.2 that glibc dlopens, in the
# directory libc itself comes from (where setuid programs look too).
install_module() {
  [ -e "$MODULE" ] || skip "$MODULE is not built"
  local libc libdir target
  libc=$(ldd "$(command -v getent)" | awk '$1 == "libc.so.6" {print $3}')
  libdir=$(dirname "$(readlink -f "$libc")")
  target=$libdir/libnss_gns.so.2
  if [ -e "$target" ]; then
    mount --bind "$MODULE" "$target" || skip "cannot bind-mount the module over $target"
  else
    # No file to mount over: lay a writable overlay on the directory
    # (upper layer on our private /run) and copy the module in.
    mkdir -p /run/nss-e2e/upper /run/nss-e2e/work
    mount -t overlay overlay -o "lowerdir=$libdir,upperdir=/run/nss-e2e/upper,workdir=/run/nss-e2e/work" \
      "$libdir" || skip "cannot create $target (no file to bind over, overlayfs refused)"
    cp "$MODULE" "$target"
  fi
  cmp -s "$MODULE" "$target" || skip "$target is not the built module after mounting"
  MODULE_TARGET=$target
}

ns_setup() {
  command -v ip >/dev/null || skip "ip (iproute2) is not installed"
  command -v "$PYTHON" >/dev/null || skip "python3 is not installed"
  ip link set lo up || skip "cannot bring up lo in the new network namespace"
  # getaddrinfo's AI_ADDRCONFIG (getent ahostsv4/v6, curl) hides a family
  # the host has no non-loopback address of; give it one of each.
  ip addr add 192.0.2.1/32 dev lo && ip -6 addr add 2001:db8::1/128 dev lo ||
    skip "cannot add addresses in the new network namespace"
  NS_TMP=$(mktemp -d /tmp/nss-e2e.XXXXXX)
  chmod 755 "$NS_TMP"
  trap ns_cleanup EXIT
  mount -t tmpfs -o mode=0755 tmpfs /run || skip "cannot mount a tmpfs on /run"
  mkdir -p /run/gnsd

  { grep -v '^[[:space:]]*hosts:' /etc/nsswitch.conf 2>/dev/null; echo "$NSSWITCH_HOSTS"; } \
    >"$NS_TMP/nsswitch.conf"
  printf 'nameserver 127.0.0.53\noptions timeout:1 attempts:1\n' >"$NS_TMP/resolv.conf"
  printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n127.0.0.1 filehost.test\n' \
    >"$NS_TMP/hosts"
  bind_file "$NS_TMP/nsswitch.conf" /etc/nsswitch.conf
  bind_file "$NS_TMP/resolv.conf" /etc/resolv.conf
  bind_file "$NS_TMP/hosts" /etc/hosts
  install_module
  unset GNSD_SOCKET

  # The DNS server of resolv.conf: records every question it gets.
  DNS_LOG=$NS_TMP/dns.log
  "$PYTHON" "$top_srcdir/tests/dns-listener.py" 127.0.0.53 53 "$DNS_LOG" &
  BG_PIDS="$BG_PIDS $!"
  local i
  for i in $(seq 100); do [ -e "$DNS_LOG" ] && break; sleep 0.05; done
  [ -e "$DNS_LOG" ] || skip "the DNS listener on 127.0.0.53:53 did not start"
}

# vcall Resolve|Zone METHOD [JSON]: one varlink call to the backend.
vcall() {
  local sock=$RESOLVE_SOCKET
  [ "$1" = Zone ] && sock=$ZONE_SOCKET
  "$PYTHON" "$VCALL" "$sock" "alt.gns.$1.$2" "${3:-{\}}"
}

json_get() { # JSON PATH...: prints the value at the path (keys and indexes)
  "$PYTHON" -c '
import json, sys
v = json.loads(sys.argv[1])
for k in sys.argv[2:]:
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v if not isinstance(v, (dict, list)) else json.dumps(v))' "$@"
}

start_gnsd_process() {
  rm -f "$RESOLVE_SOCKET" "$ZONE_SOCKET"
  local rc=0
  gnsd_launch "$GNSD" /run/gnsd "$NS_TMP/state" "$NS_TMP/gnsd.conf" "$NS_TMP/gnsd.log" \
    --foreground || rc=$?
  BACKEND_PID=$GNSD_LAUNCH_PID
  return $rc
}

add_record() { # LABEL TYPE VALUE
  local rec
  rec=$("$PYTHON" -c 'import json,sys; print(json.dumps({"zone": "test", "record": {"label": sys.argv[1], "type": sys.argv[2], "value": sys.argv[3]}}))' "$@")
  vcall Zone AddRecord "$rec" >/dev/null
}

# Starts the backend and sets ZONE, the suffix the test names live under
# (www, v4, v6, leho, empty, missing), RESOLVES=1 if the backend answers
# them (else RESOLVE_WHY says why not) and LEHO_OK.
start_backend() {
  case ${NSS_E2E_BACKEND:-gnsd} in
  fake)
    start_fake_gnsd "$RESOLVE_SOCKET" "$NS_TMP/requests.log" || exit 1
    BACKEND_PID=$FAKE_PID
    ZONE=test.gns.alt
    LEHO_OK=1
    RESOLVES=1
    ;;
  gnsd)
    [ -x "$GNSD" ] || skip "helper/gnsd is not built (branch gnsd not merged yet): this test needs a real gnsd"
    mkdir -m 700 -p "$NS_TMP/state"
    printf '[dht]\nbackend = none\n' >"$NS_TMP/gnsd.conf"
    start_gnsd_process ||
      skip "gnsd did not create $RESOLVE_SOCKET and $ZONE_SOCKET within 10 s: $(tail -n 3 "$NS_TMP/gnsd.log" | tr '\n' ' ')"
    local out err
    out=$(vcall Zone CreateZone '{"name":"test"}' 2>"$NS_TMP/err") ||
      skip "gnsd cannot create a zone (alt.gns.Zone.CreateZone): $(cat "$NS_TMP/err")"
    local ztld
    ztld=$(json_get "$out" zone ztld 2>/dev/null) || skip "CreateZone reply has no zone.ztld: $out"
    add_record www A 127.0.0.1 2>"$NS_TMP/err" &&
      add_record www AAAA ::1 2>>"$NS_TMP/err" &&
      add_record v4 A 127.0.0.1 2>>"$NS_TMP/err" &&
      add_record v6 AAAA ::1 2>>"$NS_TMP/err" &&
      add_record leho A 127.0.0.1 2>>"$NS_TMP/err" &&
      add_record empty TXT "no address here" 2>>"$NS_TMP/err" ||
      skip "gnsd cannot add records (alt.gns.Zone.AddRecord): $(cat "$NS_TMP/err")"
    LEHO_OK=0
    add_record leho LEHO legacy.example.com 2>/dev/null && LEHO_OK=1
    vcall Zone Publish '{"zone":"test"}' >/dev/null 2>&1 || true
    ZONE=
    local z
    for z in test.gns.alt "$ztld.gns.alt"; do
      if out=$(vcall Resolve ResolveHostname "{\"name\":\"www.$z\"}" 2>"$NS_TMP/err"); then
        ZONE=$z
        break
      fi
    done
    RESOLVES=1
    if [ -z "$ZONE" ]; then
      RESOLVES=0
      RESOLVE_WHY="gnsd does not resolve www.test.gns.alt nor www.<zTLD>.gns.alt right after AddRecord: $(cat "$NS_TMP/err")"
      ZONE=test.gns.alt
    fi
    if [ "$LEHO_OK" = 1 ]; then
      out=$(vcall Resolve ResolveHostname "{\"name\":\"leho.$ZONE\"}" 2>/dev/null)
      [ "$(json_get "$out" name 2>/dev/null)" = legacy.example.com ] || LEHO_OK=0
    fi
    ;;
  *) skip "unknown NSS_E2E_BACKEND=$NSS_E2E_BACKEND" ;;
  esac
  echo "backend ${NSS_E2E_BACKEND:-gnsd}: names under $ZONE," \
    "$([ "$RESOLVES" = 1 ] && echo resolving || echo "NOT resolving"), LEHO $([ "$LEHO_OK" = 1 ] && echo checked || echo not supported)"
}

# Backend life cycle for the failure tests.
backend_signal() { kill "-$1" "$BACKEND_PID"; }
backend_gone() {
  # SIGKILL ends a stopped process too; a SIGCONT first would let it
  # answer the pending request in the instant before it dies.
  kill -9 "$BACKEND_PID" 2>/dev/null
  wait "$BACKEND_PID" 2>/dev/null
  BACKEND_PID=
}
backend_restart() {
  case ${NSS_E2E_BACKEND:-gnsd} in
  fake)
    start_fake_gnsd "$RESOLVE_SOCKET" "$NS_TMP/requests.log" || return 1
    BACKEND_PID=$FAKE_PID
    ;;
  gnsd) start_gnsd_process ;;
  esac
}
