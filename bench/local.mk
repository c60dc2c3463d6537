# bench: see Makefile.am
# bench-crypto: zone-type primitives and per-block costs. crypto-floor.c is
# shared with the resolver benchmark (add it to that program's SOURCES).
noinst_PROGRAMS += bench/bench-crypto
BENCHES += bench/bench-crypto
bench_bench_crypto_SOURCES = bench/bench-crypto.c bench/crypto-floor.c bench/crypto-floor.h
bench_bench_crypto_CFLAGS = $(GNSCORE_TEST_CFLAGS)
bench_bench_crypto_LDADD = $(GNSCORE_TEST_LIBS)
