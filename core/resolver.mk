# core/resolver area: the resolution state machine (RFC 9498, section 7).
libgnscore_la_SOURCES += core/resolver.c
UNIT_TESTS += tests/test-resolver
check_PROGRAMS += tests/test-resolver
tests_test_resolver_CFLAGS = $(GNSCORE_TEST_CFLAGS)
tests_test_resolver_LDADD = $(GNSCORE_TEST_LIBS)
