# core/data area: encodings, labels, records, presentation text, RPP JSON.
libgnscore_la_SOURCES += core/base32gns.c
UNIT_TESTS += tests/test-base32gns
check_PROGRAMS += tests/test-base32gns
tests_test_base32gns_CFLAGS = $(GNSCORE_TEST_CFLAGS)
tests_test_base32gns_LDADD = $(GNSCORE_TEST_LIBS)
