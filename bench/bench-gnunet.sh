#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Uncached lookup latency through the GNUnet DHT: nss-gns next to
# `gnunet-gns -u`, for the same names in the same run.
#
# Two private GNUnet peers on loopback (unix transport, tests/gnunet-peer.sh):
# p1 holds a zone published by GNUnet's own zone master; lookups are made on
# p2, whose DHT does not cache results and whose GNS service has no
# namecache, so every lookup of either tool is a DHT round trip to p1.
#   - "backend": gnsd's DHT backend in process (bench/bench-dht-lookup:
#     q, GET, verify, decrypt, parse), no process start-up;
#   - "gnsd": getaddrinfo() in one process (bench/bench-gai) through
#     libnss_gns.so.2 and a gnsd attached to p2, cache empty, no process
#     start-up (needs gnsd and the NSS module built; "-" otherwise);
#   - "gnunet-gns": `gnunet-gns -u NAME -t A` on p2, a command per name,
#     so its start-up is included; it is measured alone too.
# Prints a table, the medians and their ratios. Needs root and Debian's
# gnunet package; prints why and exits 0 if they are missing.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$(pwd)}
N=${BENCH_GNUNET_NAMES:-15}

. "$srcdir/tests/gnunet-peer.sh"
if ! gnp_check; then
  echo "bench-gnunet: skipped (no usable GNUnet)"
  exit 0
fi
gnp_init || exit 1
trap gnp_stop_all EXIT INT TERM

nocache="
[dht]
CACHE_RESULTS = NO
[namecache]
DISABLE = YES
"
# p2 joins only after p1 has published, so that the zone master's PUTs do
# not replicate the blocks into p2's own store.
gnp_start p1 || exit 1
c1=$(gnp_conf p1)
gnunet-identity -c "$c1" -C bench >/dev/null || exit 1
ztld=$(gnp_ztld p1 bench)
labels=
i=1
while [ "$i" -le "$N" ]; do
  gnunet-namestore -c "$c1" -z bench -a -n "h$i" -t A -V "192.0.2.$i" -e 1d -p || exit 1
  labels="$labels h$i"
  i=$((i + 1))
done

# Wait until GNUnet's zone master has put every label into p1's DHT.
lookup=$builddir/bench/bench-dht-lookup
tries=0
while :; do
  # shellcheck disable=SC2086
  missing=$("$lookup" --socket "$(gnp_dht_socket p1)" --ztld "$ztld" $labels | grep -c ' - ')
  [ "$missing" = 0 ] && break
  tries=$((tries + 1))
  if [ "$tries" -gt 60 ]; then
    echo "bench-gnunet: zone not published after 60 s" >&2
    exit 1
  fi
  sleep 1
done

gnp_start p2 "$nocache" || exit 1
gnp_connect p1 p2 || exit 1
c2=$(gnp_conf p2)

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# gnsd attached to p2, if it and the NSS module are built.
have_gnsd=0
if [ -f "$srcdir/tests/gnsd-env.sh" ]; then
  . "$srcdir/tests/gnsd-env.sh"
  if gnsd_env_check 2>/dev/null && gnsd_env_nss_check 2>/dev/null; then
    gnsd_env_start "$GNP_DIR/gnsd" "$(gnp_dht_socket p2)" && have_gnsd=1
  fi
fi

# 1. gnsd's DHT backend in process, 2. getaddrinfo through NSS and gnsd in
# one process (both without process start-up), 3. gnunet-gns per name.
# Every name is new to each path, and p2 caches nothing.
# shellcheck disable=SC2086
"$lookup" --socket "$(gnp_dht_socket p2)" --ztld "$ztld" $labels >"$GNP_DIR/backend.txt"
: >"$GNP_DIR/gai.txt"
if [ "$have_gnsd" = 1 ]; then
  names=
  for l in $labels; do names="$names $l.$ztld.gns.alt"; done
  # shellcheck disable=SC2086
  gnsd_env_run "$builddir/bench/bench-gai" $names >"$GNP_DIR/gai.txt"
fi
: >"$GNP_DIR/gg.txt"
for l in $labels; do
  t0=$(now_ns)
  if gnunet-gns -c "$c2" -u "$l.$ztld" -t A 2>/dev/null | grep -q "192.0.2."; then
    t1=$(now_ns)
    echo "$l $t0 $t1" | awk '{printf "%s %.2f\n", $1, ($3 - $2) / 1e6}' >>"$GNP_DIR/gg.txt"
  else
    echo "$l -" >>"$GNP_DIR/gg.txt"
  fi
done
[ "$have_gnsd" = 1 ] && gnsd_env_stop
# Process start-up of gnunet-gns alone (median of 5), for reading its column.
: >"$GNP_DIR/spawn.txt"
for i in 1 2 3 4 5; do
  t0=$(now_ns)
  gnunet-gns -v >/dev/null 2>&1
  t1=$(now_ns)
  echo "$t0 $t1" | awk '{printf "%.2f\n", ($2 - $1) / 1e6}' >>"$GNP_DIR/spawn.txt"
done

printf '%-6s %12s %12s %14s\n' name backend_ms gnsd_ms gnunet-gns_ms
for l in $labels; do
  b=$(awk -v l="$l" '$1 == l { if ($2 == "-") print "-"; else printf "%.2f", $2 / 1000 }' "$GNP_DIR/backend.txt")
  g=$(awk -v l="$l" 'index($1, l ".") == 1 { if ($2 == "-") print "-"; else printf "%.2f", $2 / 1000 }' "$GNP_DIR/gai.txt")
  u=$(awk -v l="$l" '$1 == l { print $2 }' "$GNP_DIR/gg.txt")
  printf '%-6s %12s %12s %14s\n' "$l" "$b" "${g:--}" "${u:--}"
done
local_hits=$(gnunet-statistics -c "$c2" -s dht -n '# Good RESULTS found in datacache' -q 2>/dev/null | tr -d " ")
remote=$(gnunet-statistics -c "$c2" -s dht -n '# P2P RESULTS received' -q 2>/dev/null | tr -d " ")
echo "p2 DHT: ${remote:-0} results from p1, ${local_hits:-0} from its own store"

mb=$(awk '$2 != "-" {print $2 / 1000}' "$GNP_DIR/backend.txt" | median)
mg=$(awk '$2 != "-" {print $2 / 1000}' "$GNP_DIR/gai.txt" | median)
mu=$(awk '$2 != "-" {print $2}' "$GNP_DIR/gg.txt" | median)
ms=$(median <"$GNP_DIR/spawn.txt")
echo "median: backend ${mb} ms, gnsd (getaddrinfo) ${mg} ms, gnunet-gns -u ${mu} ms; gnunet-gns start-up alone ${ms} ms"
awk -v b="$mb" -v g="$mg" -v u="$mu" -v s="$ms" 'BEGIN {
  if (g + 0 > 0 && u + 0 > 0) {
    printf "ratio gnunet-gns -u / gnsd: %.2fx\n", u / g;
    if (u - s > 0) printf "ratio (gnunet-gns -u minus its start-up) / gnsd: %.2fx\n", (u - s) / g;
  } else print "ratio gnunet-gns -u / gnsd: n/a (gnsd or the NSS module not built)";
  if (b + 0 > 0 && u + 0 > 0) printf "ratio gnunet-gns -u / backend: %.2fx\n", u / b;
}'
