# SPDX-License-Identifier: LGPL-2.1-or-later
# Private GNUnet peers for tests (sourced, POSIX sh).
#
# Each peer lives entirely under $GNP_DIR/<name>: its own config, keys,
# stores and unix sockets. Peers talk to each other only through the unix
# transport plugin (a socket file), so nothing leaves the machine: no TCP or
# UDP transports, no hostlist, no bundled bootstrap HELLOs, no REST server.
# Works with Debian 12's gnunet 0.19.3 run as root.
#
#   . tests/gnunet-peer.sh
#   gnp_check || exit 77          # prints why GNUnet is unusable
#   gnp_init                      # creates GNP_DIR (or uses the caller's)
#   gnp_start p1; gnp_start p2
#   gnp_connect p1 p2             # exchange HELLOs, wait for the link
#   gnunet-identity -c "$(gnp_conf p1)" -C zone
#   gnp_dht_socket p1             # path of gnunet-service-dht's socket
#   gnp_stop_all                  # also from a trap
#
# We start gnunet-service-arm ourselves (not `gnunet-arm -s`, which
# daemonises it) so that we know its pid and can always reap it.

if [ -z "${GNP_LIBEXEC:-}" ]; then
  for GNP_LIBEXEC in /usr/lib/*/gnunet/libexec /usr/lib/gnunet/libexec /usr/libexec/gnunet; do
    [ -x "$GNP_LIBEXEC/gnunet-service-arm" ] && break
  done
fi
GNP_PEERS=
. "${top_srcdir:-${srcdir:-.}}/tests/proc-lib.sh"

gnp_check() {
  for b in gnunet-arm gnunet-identity gnunet-namestore gnunet-gns gnunet-peerinfo gnunet-core \
    gnunet-statistics; do
    command -v "$b" >/dev/null 2>&1 || {
      echo "gnunet-peer: $b not found (install the Debian package gnunet)" >&2
      return 1
    }
  done
  [ -x "$(_gnp_arm_bin)" ] || {
    echo "gnunet-peer: gnunet-service-arm not found (looked in $GNP_LIBEXEC)" >&2
    return 1
  }
  v=$(gnunet-arm -v 2>/dev/null | sed -n 's/^[^0-9]*\([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' | head -n1)
  case "$v" in
  0.19 | 0.2[0-9]) ;;
  *)
    echo "gnunet-peer: need GNUnet 0.19 or later (found '${v:-unknown}')" >&2
    return 1
    ;;
  esac
  [ "$(id -u)" = 0 ] || {
    echo "gnunet-peer: the tests run GNUnet peers as root only" >&2
    return 1
  }
  return 0
}

gnp_init() {
  if [ -z "${GNP_DIR:-}" ]; then
    # Short path: unix socket paths are limited to 107 bytes.
    GNP_DIR=$(mktemp -d /tmp/gnp.XXXXXX) || return 1
    GNP_OWN_DIR=1
  fi
  export GNP_DIR
}

gnp_conf() { echo "$GNP_DIR/$1/gnunet.conf"; }
gnp_dht_socket() { echo "$GNP_DIR/$1/run/gnunet-service-dht.sock"; }
gnp_gns_socket() { echo "$GNP_DIR/$1/run/gnunet-service-gns.sock"; }

# gnp_write_conf NAME [EXTRA-INI-TEXT]
gnp_write_conf() {
  d=$GNP_DIR/$1
  mkdir -p "$d/run" "$d/tmp" "$d/data" "$d/config" "$d/cache" || return 1
  cat >"$d/gnunet.conf" <<EOF
[PATHS]
GNUNET_HOME = $d
GNUNET_DATA_HOME = $d/data
GNUNET_CONFIG_HOME = $d/config
GNUNET_CACHE_HOME = $d/cache
GNUNET_RUNTIME_DIR = $d/run
GNUNET_USER_RUNTIME_DIR = $d/run
GNUNET_TMP = $d/tmp

[arm]
START_SYSTEM_SERVICES = YES
START_USER_SERVICES = YES
OPTIONS = -l $d/arm.log
GLOBAL_POSTFIX = -l $d/services.log

# Not needed, and each would open a TCP port or reach out.
[hostlist]
IMMEDIATE_START = NO
START_ON_DEMAND = NO
[rest]
IMMEDIATE_START = NO
START_ON_DEMAND = NO
[reclaim]
IMMEDIATE_START = NO
START_ON_DEMAND = NO
[fs]
IMMEDIATE_START = NO
START_ON_DEMAND = NO
[cadet]
IMMEDIATE_START = NO
START_ON_DEMAND = NO
[revocation]
IMMEDIATE_START = NO
[dns2gns]
START_ON_DEMAND = NO
[gns-proxy]
START_ON_DEMAND = NO

# No bundled bootstrap peers; the only transport is a unix socket.
[peerinfo]
USE_INCLUDED_HELLOS = NO
[transport]
PLUGINS = unix
[transport-unix]
UNIXPATH = $d/run/transport-unix.sock
[nat]
ENABLE_UPNP = NO
DISABLEV6 = YES
RETURN_LOCAL_ADDRESSES = YES
[dhtu-ip]
ENABLED = NO

# The NSE proof of work costs minutes of CPU at the default 15 bits.
[nse]
WORKBITS = 1
${2:-}
EOF
}

_gnp_arm_bin() { echo "$GNP_LIBEXEC/gnunet-service-arm"; }

# _gnp_wait SECONDS CMD... : retry CMD every 0.1 s until it succeeds.
_gnp_wait() {
  _gnp_w=$(($1 * 10))
  shift
  wait_until "$_gnp_w" 0.1 "$@"
}

# gnp_start NAME [EXTRA-INI-TEXT]: start a peer and wait until its DHT,
# identity and namestore services answer.
gnp_start() {
  [ -f "$GNP_DIR/$1/gnunet.conf" ] || gnp_write_conf "$1" "${2:-}" || return 1
  cfg=$(gnp_conf "$1")
  "$(_gnp_arm_bin)" -c "$cfg" >>"$GNP_DIR/$1/arm.out" 2>&1 &
  echo $! >"$GNP_DIR/$1/arm.pid"
  GNP_PEERS="$GNP_PEERS $1"
  _gnp_wait 20 test -S "$(gnp_dht_socket "$1")" || {
    echo "gnunet-peer: $1: DHT socket did not appear" >&2
    return 1
  }
  _gnp_wait 20 gnunet-identity -c "$cfg" -d || {
    echo "gnunet-peer: $1: identity service does not answer" >&2
    return 1
  }
  _gnp_wait 20 gnunet-peerinfo -c "$cfg" -s || {
    echo "gnunet-peer: $1: peerinfo does not answer" >&2
    return 1
  }
  return 0
}

# gnp_stop NAME: SIGTERM to ARM (it stops its services), then wait; SIGKILL
# the ARM after 10 s. Services orphaned by a killed ARM are found by their
# config path on the command line (ours alone, so this never touches other
# processes).
gnp_stop() {
  pidf=$GNP_DIR/$1/arm.pid
  [ -f "$pidf" ] || return 0
  pid=$(cat "$pidf")
  stop_pid "$pid" 100
  cfg=$(gnp_conf "$1")
  for p in $(pgrep -f -- "-c $cfg" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
  rm -f "$pidf"
}

# gnp_restart_service NAME SERVICE: stop and start one service (e.g. dht)
# through ARM.
gnp_restart_service() {
  cfg=$(gnp_conf "$1")
  gnunet-arm -c "$cfg" -k "$2" >/dev/null 2>&1
  gnunet-arm -c "$cfg" -i "$2" >/dev/null 2>&1
}

gnp_stop_all() {
  for p in $GNP_PEERS; do gnp_stop "$p"; done
  GNP_PEERS=
  if [ "${GNP_OWN_DIR:-}" = 1 ] && [ -z "${GNP_KEEP:-}" ]; then rm -rf "$GNP_DIR"; fi
}

gnp_peer_id() { gnunet-peerinfo -c "$(gnp_conf "$1")" -s -q 2>/dev/null; }

# gnp_connect A B: give each peer the other's HELLO (unix transport address)
# and wait until CORE and the DHT of both see the link.
gnp_connect() {
  ca=$(gnp_conf "$1")
  cb=$(gnp_conf "$2")
  _gnp_wait 20 sh -c "gnunet-peerinfo -c '$ca' -g | grep -q unix" || {
    echo "gnunet-peer: $1 has no HELLO with a unix address" >&2
    return 1
  }
  _gnp_wait 20 sh -c "gnunet-peerinfo -c '$cb' -g | grep -q unix" || {
    echo "gnunet-peer: $2 has no HELLO with a unix address" >&2
    return 1
  }
  gnunet-peerinfo -c "$cb" -p "$(gnunet-peerinfo -c "$ca" -g)" || return 1
  gnunet-peerinfo -c "$ca" -p "$(gnunet-peerinfo -c "$cb" -g)" || return 1
  _gnp_wait 60 gnp_dht_connected "$1" || {
    echo "gnunet-peer: $1 and $2 did not connect" >&2
    return 1
  }
  _gnp_wait 60 gnp_dht_connected "$2" || {
    echo "gnunet-peer: $2 and $1 did not connect" >&2
    return 1
  }
}

# True if the peer's DHT has at least one neighbour.
gnp_dht_connected() {
  _gnp_c=$(gnunet-statistics -c "$(gnp_conf "$1")" -s dht -n '# peers connected' -q 2>/dev/null)
  [ -n "$_gnp_c" ] && [ "$_gnp_c" -gt 0 ]
}

# gnp_ztld NAME EGO: the zTLD of an identity (the public key string).
gnp_ztld() {
  gnunet-identity -c "$(gnp_conf "$1")" -d -e "$2" -q 2>/dev/null
}
