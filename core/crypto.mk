# core/crypto area: zone types, zTLD, RRBLOCK (RFC 9498 4.1, 5.1, 6).
libgnscore_la_SOURCES += core/hkdf.c core/hkdf.h core/pkey.c core/pkey.h core/edkey.c \
	core/edkey.h core/zonekey.c core/ztld.c core/rrblock.c

UNIT_TESTS += tests/test-vectors tests/test-ztld tests/test-zonekey tests/test-rrblock
check_PROGRAMS += tests/test-vectors tests/test-ztld tests/test-zonekey tests/test-rrblock
tests_test_vectors_CFLAGS = $(GNSCORE_TEST_CFLAGS)
tests_test_vectors_LDADD = $(GNSCORE_TEST_LIBS)
tests_test_ztld_CFLAGS = $(GNSCORE_TEST_CFLAGS)
tests_test_ztld_LDADD = $(GNSCORE_TEST_LIBS)
tests_test_zonekey_CFLAGS = $(GNSCORE_TEST_CFLAGS)
tests_test_zonekey_LDADD = $(GNSCORE_TEST_LIBS)
tests_test_rrblock_CFLAGS = $(GNSCORE_TEST_CFLAGS)
tests_test_rrblock_LDADD = $(GNSCORE_TEST_LIBS)
noinst_HEADERS += tests/rfc9498-vectors.h
