# SPDX-License-Identifier: LGPL-2.1-or-later
# Waiting for and stopping processes, shared by the shell test libraries
# (gnsd-lib.sh, gnsd-env.sh, nss-lib.sh, gnunet-peer.sh); sourced, POSIX sh.
#
#   wait_until TRIES INTERVAL CMD...   run CMD (output discarded) until it
#                                      succeeds, at most TRIES times
#   stop_pid PID [TENTHS]              SIGTERM, SIGKILL after TENTHS/10 s
#                                      (default 5 s); reaps PID
#   gnsd_launch GNSD RUNDIR STATEDIR CONF LOG [ARGS...]
#                                      start gnsd in the background (output
#                                      appended to LOG), set GNSD_LAUNCH_PID
#                                      and wait up to 10 s for both sockets;
#                                      fails at once if gnsd exits

wait_until() {
  _wu_n=$1
  _wu_i=$2
  shift 2
  while [ "$_wu_n" -gt 0 ]; do
    "$@" >/dev/null 2>&1 && return 0
    sleep "$_wu_i"
    _wu_n=$((_wu_n - 1))
  done
  return 1
}

stop_pid() {
  kill -TERM "$1" 2>/dev/null
  _sp_n=${2:-50}
  while [ "$_sp_n" -gt 0 ] && kill -0 "$1" 2>/dev/null; do
    sleep 0.1
    _sp_n=$((_sp_n - 1))
  done
  kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
}

gnsd_launch() {
  _gl_bin=$1
  _gl_run=$2
  _gl_state=$3
  _gl_conf=$4
  _gl_log=$5
  shift 5
  # sockets a killed gnsd left behind are older than this: wait for new ones
  _gl_mark=$(mktemp) || return 1
  "$_gl_bin" --runtime-dir "$_gl_run" --state-dir "$_gl_state" --config "$_gl_conf" "$@" \
    >>"$_gl_log" 2>&1 &
  GNSD_LAUNCH_PID=$!
  _gl_n=200
  while [ "$_gl_n" -gt 0 ]; do
    [ -S "$_gl_run/alt.gns.Resolve" ] && [ -S "$_gl_run/alt.gns.Zone" ] &&
      [ "$_gl_run/alt.gns.Resolve" -nt "$_gl_mark" ] && [ "$_gl_run/alt.gns.Zone" -nt "$_gl_mark" ] &&
      { rm -f "$_gl_mark"; return 0; }
    kill -0 "$GNSD_LAUNCH_PID" 2>/dev/null || break
    sleep 0.05
    _gl_n=$((_gl_n - 1))
  done
  rm -f "$_gl_mark"
  return 1
}
