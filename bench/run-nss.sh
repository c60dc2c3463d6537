#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs bench/bench-nss in the namespace of the end-to-end tests
# (tests/nss-e2e-lib.sh: the built module loaded by glibc, nsswitch.conf
# `files gns [...] dns`, a /etc/hosts with filehost.test) against gnsd, or
# the fake gnsd if helper/gnsd is not built or NSS_BENCH_BACKEND=fake (then
# the numbers measure a Python stand-in, not gnsd, and say so).
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
"$top_builddir/bench/bench-nss" "v4.$ZONE" filehost.test "${1:-20000}"
