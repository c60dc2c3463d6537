# bench: see Makefile.am
# The folders whose headers its sources may include (tests/include-check.sh
# reads this list; each program's -I flags are those of what it measures):
# the core, the daemon's modules it drives directly (DHT and revocation
# clients, the store), gnsctl's proof-of-work runner and the tests' clocks.
include_dirs_bench = core helper ctl tests bench
# bench-crypto: zone-type primitives and per-block costs. crypto-floor.c is
# shared with the resolver benchmark (add it to that program's SOURCES), as
# gnsd-proc.c (a real gnsd in a temp dir) is by those that start gnsd.
noinst_PROGRAMS += bench/bench-crypto
BENCHES += bench/bench-crypto
bench_bench_crypto_SOURCES = bench/bench-crypto.c bench/crypto-floor.c bench/crypto-floor.h
bench_bench_crypto_CFLAGS = $(GNSCORE_TEST_CFLAGS)
bench_bench_crypto_LDADD = $(GNSCORE_TEST_LIBS)

# bench-resolve: ResolveHostname over varlink against a real gnsd, cached
# and uncached, delegation depth 1/2/4/8, next to the crypto floor; then
# cached lookups while a fake DHT floods gnsd with junk blocks, next to no
# flood (it speaks the DHT client protocol: helper/dht-msg.h).
noinst_PROGRAMS += bench/bench-resolve
BENCHES += bench/bench-resolve
bench_bench_resolve_SOURCES = bench/bench-resolve.c bench/crypto-floor.c bench/crypto-floor.h \
	bench/gnsd-proc.c bench/gnsd-proc.h
bench_bench_resolve_CFLAGS = $(GNSCORE_TEST_CFLAGS) $(JSONC_CFLAGS) -I$(top_srcdir)/helper
bench_bench_resolve_LDADD = $(GNSCORE_TEST_LIBS) $(JSONC_LIBS) -lpthread

# NSS: getaddrinfo through libnss_gns.so.2 vs through files (run-nss.sh
# sets up the namespace; needs root, says "skipped" otherwise).
noinst_PROGRAMS += bench/bench-nss
bench_bench_nss_SOURCES = bench/bench-nss.c
noinst_PROGRAMS += bench/nss-floor-server
bench_nss_floor_server_SOURCES = bench/nss-floor-server.c
BENCHES += bench/run-nss.sh
EXTRA_DIST += bench/run-nss.sh

# bench-abuse: a legitimate lookup's p50/p99 while nobody runs each attack
# of tests/gnsd-abuse.sh, next to no attack (needs root, else skipped).
BENCHES += bench/bench-abuse.sh
EXTRA_DIST += bench/bench-abuse.sh
# bench-dns-stub: the DNS stub (UDP, TCP) next to varlink ResolveHostname,
# same gnsd, same cached name, same run; unpinned and pinned to one CPU.
noinst_PROGRAMS += bench/bench-dns-stub
BENCHES += bench/bench-dns-stub
bench_bench_dns_stub_SOURCES = bench/bench-dns-stub.c bench/gnsd-proc.c bench/gnsd-proc.h
bench_bench_dns_stub_LDADD = -lpthread

# bench-zone-scale: gnsctl import of a 1M-record EDKEY and a 200k-record
# PKEY zone while a cached name is looked up every 5 ms, next to the
# RRBLOCK-create floor (a quick run: bench/bench-zone-scale 20000 5000).
noinst_PROGRAMS += bench/bench-zone-scale
BENCHES += bench/bench-zone-scale
bench_bench_zone_scale_SOURCES = bench/bench-zone-scale.c bench/crypto-floor.c bench/crypto-floor.h \
	bench/gnsd-proc.c bench/gnsd-proc.h
bench_bench_zone_scale_CFLAGS = $(GNSCORE_TEST_CFLAGS)
bench_bench_zone_scale_LDADD = $(GNSCORE_TEST_LIBS) -lpthread
