# SPDX-License-Identifier: LGPL-2.1-or-later
# A gnsd for tests (sourced, POSIX sh): temp runtime and state dirs, its own
# config, and getent through the freshly built libnss_gns.so.2 without
# touching the machine (a private mount namespace in which a test
# nsswitch.conf is bind-mounted over /etc/nsswitch.conf, and
# LD_LIBRARY_PATH pointing at the build tree).
#
#   . tests/gnsd-env.sh
#   gnsd_env_check || exit 77          # prints why not
#   gnsd_env_start DIR [DHT-SOCKET] [EXTRA-CONF-TEXT]
#   gnsd_env_getent NAME [ahosts|ahostsv4|ahostsv6|hosts]
#   gnsd_env_call METHOD [PARAMS-JSON]        # alt.gns.Resolve.* / alt.gns.Zone.*
#   gnsd_env_stop
# Expects top_srcdir and top_builddir (automake's AM_TESTS_ENVIRONMENT).

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
GNSD_BIN=${GNSD_BIN:-$top_builddir/helper/gnsd}
GNSCTL_BIN=${GNSCTL_BIN:-$top_builddir/ctl/gnsctl}
GNSD_NSS_DIR=${GNSD_NSS_DIR:-$top_builddir/nss/.libs}
GNSD_ENV_DIR=
GNSD_ENV_PID=
. "$top_srcdir/tests/proc-lib.sh"

gnsd_env_check() {
  [ -x "$GNSD_BIN" ] || {
    echo "gnsd-env: $GNSD_BIN not built (gnsd is not merged into this tree yet)" >&2
    return 1
  }
  command -v python3 >/dev/null 2>&1 || {
    echo "gnsd-env: python3 is needed for varlink calls" >&2
    return 1
  }
  return 0
}

# True if getent can be pointed at the built NSS module here.
gnsd_env_nss_check() {
  [ -f "$GNSD_NSS_DIR/libnss_gns.so.2" ] || {
    echo "gnsd-env: $GNSD_NSS_DIR/libnss_gns.so.2 not built" >&2
    return 1
  }
  unshare -m true 2>/dev/null || {
    echo "gnsd-env: cannot make a mount namespace (unshare -m) for a test nsswitch.conf" >&2
    return 1
  }
  return 0
}

gnsd_env_start() {
  GNSD_ENV_DIR=$1
  mkdir -p "$GNSD_ENV_DIR/run" "$GNSD_ENV_DIR/state" || return 1
  chmod 0700 "$GNSD_ENV_DIR/state"
  {
    echo "[resolver]"
    echo "timeout = 10s"
    echo "dns-timeout = 2s"
    echo "[cache]"
    echo "negative-ttl = 1s"
    echo "[dht]"
    if [ -n "${2:-}" ]; then
      echo "backend = gnunet"
      echo "gnunet-socket = $2"
    else
      echo "backend = none"
    fi
    [ -n "${3:-}" ] && printf '%s\n' "$3"
  } >"$GNSD_ENV_DIR/gnsd.conf"
  printf 'hosts: files gns [!UNAVAIL=return]\n' >"$GNSD_ENV_DIR/nsswitch.conf"
  : >"$GNSD_ENV_DIR/gnsd.log"
  gnsd_launch "$GNSD_BIN" "$GNSD_ENV_DIR/run" "$GNSD_ENV_DIR/state" "$GNSD_ENV_DIR/gnsd.conf" \
    "$GNSD_ENV_DIR/gnsd.log" --foreground
  _ge_rc=$?
  GNSD_ENV_PID=$GNSD_LAUNCH_PID
  [ "$_ge_rc" -eq 0 ] && return 0
  echo "gnsd-env: gnsd did not start; its log:" >&2
  sed 's/^/    /' "$GNSD_ENV_DIR/gnsd.log" >&2
  return 1
}

gnsd_env_stop() {
  [ -n "$GNSD_ENV_PID" ] || return 0
  stop_pid "$GNSD_ENV_PID" 50
  GNSD_ENV_PID=
}

# gnsd_env_getent NAME [DB]: getent through libnss_gns.so.2 and this gnsd.
gnsd_env_getent() {
  unshare -m sh -c 'mount --bind "$1" /etc/nsswitch.conf || exit 2
    LD_LIBRARY_PATH="$2${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" GNSD_SOCKET="$3" exec getent "$4" "$5"' \
    sh "$GNSD_ENV_DIR/nsswitch.conf" "$GNSD_NSS_DIR" "$GNSD_ENV_DIR/run/alt.gns.Resolve" \
    "${2:-ahosts}" "$1"
}

# gnsd_env_call METHOD [PARAMS-JSON]: prints the reply parameters as JSON
# (exit 1 and the error name on stderr for an error reply).
gnsd_env_call() {
  case "$1" in
  alt.gns.Zone.*) _ge_s=$GNSD_ENV_DIR/run/alt.gns.Zone ;;
  *) _ge_s=$GNSD_ENV_DIR/run/alt.gns.Resolve ;;
  esac
  _ge_p=${2:-}
  [ -n "$_ge_p" ] || _ge_p='{}'
  python3 "$top_srcdir/tests/varlink-call.py" "$_ge_s" "$1" "$_ge_p"
}

# gnsd_env_gnsctl ARGS...: gnsctl against this gnsd.
gnsd_env_gnsctl() {
  GNSD_RUNTIME_DIR=$GNSD_ENV_DIR/run "$GNSCTL_BIN" --runtime-dir "$GNSD_ENV_DIR/run" "$@"
}

# gnsd_env_run CMD...: run CMD with glibc resolving through the built
# libnss_gns.so.2 and this gnsd (same namespace trick as gnsd_env_getent).
gnsd_env_run() {
  unshare -m sh -c 'mount --bind "$1" /etc/nsswitch.conf || exit 2
    LD_LIBRARY_PATH="$2${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" GNSD_SOCKET="$3"
    export LD_LIBRARY_PATH GNSD_SOCKET
    shift 3
    exec "$@"' sh "$GNSD_ENV_DIR/nsswitch.conf" "$GNSD_NSS_DIR" "$GNSD_ENV_DIR/run/alt.gns.Resolve" "$@"
}
