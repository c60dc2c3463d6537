#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs bench/bench-nss in the namespace of the end-to-end tests
# (tests/nss-e2e-lib.sh: the built module loaded by glibc, nsswitch.conf
# `files gns [...] dns`, a /etc/hosts with filehost.test) against gnsd, or
# the fake gnsd if helper/gnsd is not built or NSS_BENCH_BACKEND=fake (then
# the numbers measure a Python stand-in, not gnsd, and say so); then again
# against bench/nss-floor-server, a do-nothing C server, to show the floor
# that the module, glibc and the kernel set without gnsd.
#
# Each is measured twice: where the scheduler puts the processes, and
# with the bench and the server pinned to one CPU. A lookup is two
# wakeups (gnsd, then the program); on an otherwise idle machine the
# scheduler wakes each on the other CPU, and in a virtual machine whose
# idle vCPUs halt that costs some 20 us per wakeup, more than the lookup
# itself. Pinned, the figures are what the code costs.
#   bench/run-nss.sh [N]
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$(pwd)}"
[ -x "$top_builddir/bench/bench-nss" ] || top_builddir=$top_srcdir
export top_srcdir top_builddir
. "$top_srcdir/tests/nss-e2e-lib.sh"

# make bench runs every bench and stops at the first failure: a bench that
# cannot run here says why and is not a failure.
skip() {
  echo "bench-nss: skipped: $*"
  exit 0
}

if [ -z "${NSS_E2E_BACKEND:-}" ]; then
  NSS_E2E_BACKEND=${NSS_BENCH_BACKEND:-gnsd}
  [ -x "$GNSD" ] || NSS_E2E_BACKEND=fake
  export NSS_E2E_BACKEND
fi
ns_reexec "$@"
ns_setup
start_backend >/dev/null
[ "$NSS_E2E_BACKEND" = fake ] &&
  echo "bench-nss: backend is the Python fake gnsd (helper/gnsd not built): GNS figures measure it, not gnsd"
echo "bench-nss: backend $NSS_E2E_BACKEND, $(nproc) CPUs, module $MODULE_TARGET"

# bench_twice SERVER_PID: as scheduled, then both pinned to CPU 0.
bench_twice() {
  echo "-- as scheduled"
  "$top_builddir/bench/bench-nss" "v4.$ZONE" filehost.test "missing.$ZONE" "${N}"
  if [ "$(nproc)" -gt 1 ] && command -v taskset >/dev/null && taskset -pc 0 "$1" >/dev/null; then
    echo "-- the bench and the server pinned to CPU 0"
    taskset -c 0 "$top_builddir/bench/bench-nss" "v4.$ZONE" filehost.test "missing.$ZONE" "${N}"
  fi
}
N=${1:-20000}
bench_twice "$BACKEND_PID"

# The same lookups against a server that does nothing but answer: what the
# module, glibc and the kernel cost on this machine, gnsd aside.
backend_gone
"$top_builddir/bench/nss-floor-server" "$RESOLVE_SOCKET" &
FLOOR_PID=$!
BG_PIDS="$BG_PIDS $FLOOR_PID"
wait_for_socket "$RESOLVE_SOCKET" || skip "nss-floor-server did not start"
echo
echo "bench-nss: the same through a do-nothing server (bench/nss-floor-server): the IPC floor"
bench_twice "$FLOOR_PID"
