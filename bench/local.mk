# bench: see Makefile.am

# NSS: getaddrinfo through libnss_gns.so.2 vs through files (run-nss.sh
# sets up the namespace; needs root, says "skipped" otherwise).
noinst_PROGRAMS += bench/bench-nss
bench_bench_nss_SOURCES = bench/bench-nss.c
BENCHES += bench/run-nss.sh
EXTRA_DIST += bench/run-nss.sh
