#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs bench/bench-nss in the namespace of the end-to-end tests
# (tests/nss-e2e-lib.sh: the built module loaded by glibc, nsswitch.conf
# `files gns [...] dns`, a /etc/hosts with filehost.test) against gnsd, or
# the fake gnsd if helper/gnsd is not built or NSS_BENCH_BACKEND=fake (then
# the numbers measure a Python stand-in, not gnsd, and say so); then again
# against bench/nss-floor-server, a do-nothing C server, to show the floor
# that the module, glibc and the kernel set without gnsd.
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
"$top_builddir/bench/bench-nss" "v4.$ZONE" filehost.test "missing.$ZONE" "${1:-20000}"

# The same lookups against a server that does nothing but answer: what the
# module, glibc and the kernel cost on this machine, gnsd aside.
backend_gone
"$top_builddir/bench/nss-floor-server" "$RESOLVE_SOCKET" &
BG_PIDS="$BG_PIDS $!"
wait_for_socket "$RESOLVE_SOCKET" || skip "nss-floor-server did not start"
echo
echo "bench-nss: the same through a do-nothing server (bench/nss-floor-server): the IPC floor"
"$top_builddir/bench/bench-nss" "v4.$ZONE" filehost.test "missing.$ZONE" "${1:-20000}"
