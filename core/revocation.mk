# core/revocation area: append to libgnscore_la_SOURCES, UNIT_TESTS, check_PROGRAMS
libgnscore_la_SOURCES += core/revocation.c
UNIT_TESTS += tests/test-revocation
check_PROGRAMS += tests/test-revocation
tests_test_revocation_CFLAGS = $(GNSCORE_TEST_CFLAGS) -I$(top_srcdir)/ctl
tests_test_revocation_LDADD = ctl/libpow-run.la $(GNSCORE_TEST_LIBS)
BENCHES += bench/bench-revocation
noinst_PROGRAMS += bench/bench-revocation
bench_bench_revocation_CFLAGS = $(GNSCORE_TEST_CFLAGS) -I$(top_srcdir)/ctl
bench_bench_revocation_LDADD = ctl/libpow-run.la $(GNSCORE_TEST_LIBS)
FUZZ_TARGETS += revocation
