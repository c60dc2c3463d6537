#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# What a revocation check costs an uncached lookup with [dht] backend =
# gnunet (bench/bench-revocation-query.c): one private GNUnet peer
# (tests/gnunet-peer.sh), its revocation service asked N times, next to the
# IPC floor in the same run; as scheduled, then pinned to one CPU (the
# floor's two threads then share it, as gnsd and the peer may). Needs root
# and Debian's gnunet package; prints why and exits 0 if they are missing.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$(pwd)}
N=${BENCH_REVOCATION_QUERIES:-2000}

. "$srcdir/tests/gnunet-peer.sh"
if ! gnp_check; then
  echo "bench-revocation-net: skipped (no usable GNUnet)"
  exit 0
fi
gnp_init || exit 1
trap gnp_stop_all EXIT INT TERM
gnp_start p1 "[revocation]
IMMEDIATE_START = YES" || exit 1
sock=$GNP_DIR/p1/run/gnunet-service-revocation.sock
wait_until 200 0.1 test -S "$sock" || { echo "bench-revocation-net: no revocation service"; exit 1; }
echo "== as scheduled"
"$builddir/bench/bench-revocation-query" --socket "$sock" -n "$N" || exit 1
if command -v taskset >/dev/null 2>&1; then
  echo "== pinned to CPU 0 (the peer is not pinned)"
  taskset -c 0 "$builddir/bench/bench-revocation-query" --socket "$sock" -n "$N" || exit 1
fi
