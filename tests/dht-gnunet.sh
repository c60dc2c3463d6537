#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The DHT backend against a real gnunet-service-dht (private peer, unix
# sockets only): PUT/GET of blocks made by libgnscore, GET of a block that
# gnunet-namestore published, and a service restart with a GET in flight.
set -u
srcdir=${top_srcdir:-$(dirname "$0")/..}
builddir=${top_builddir:-.}
. "$srcdir/tests/gnunet-peer.sh"
gnp_check || exit 77
gnp_init || exit 99
trap gnp_stop_all EXIT INT TERM

gnp_start p1 || exit 99
cfg=$(gnp_conf p1)
gnunet-identity -c "$cfg" -C zone >/dev/null || exit 99
gnunet-namestore -c "$cfg" -z zone -a -n www -t A -V 192.0.2.77 -e 1d -p || exit 99
ztld=$(gnp_ztld p1 zone)
[ -n "$ztld" ] || { echo "no zTLD for the zone" >&2; exit 99; }

"$builddir/tests/test-dht-gnunet" --real "$(gnp_dht_socket p1)" \
  --ztld "$ztld" --label www --expect-a 192.0.2.77 \
  --restart-cmd "gnunet-arm -c '$cfg' -k dht >/dev/null 2>&1; sleep 0.5; gnunet-arm -c '$cfg' -i dht >/dev/null 2>&1"
