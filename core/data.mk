# core/data area: encodings, labels, records, presentation text, RPP JSON.
libgnscore_la_SOURCES += core/base32gns.c
UNIT_TESTS += tests/test-base32gns
check_PROGRAMS += tests/test-base32gns
tests_test_base32gns_CFLAGS = $(GNSCORE_TEST_CFLAGS)
tests_test_base32gns_LDADD = $(GNSCORE_TEST_LIBS)
libgnscore_la_SOURCES += core/record.c core/rrtype.c
UNIT_TESTS += tests/test-record
check_PROGRAMS += tests/test-record
tests_test_record_CFLAGS = $(GNSCORE_TEST_CFLAGS)
tests_test_record_LDADD = $(GNSCORE_TEST_LIBS)
libgnscore_la_SOURCES += core/label.c core/dnsname.c core/dnsname.h
UNIT_TESTS += tests/test-label
check_PROGRAMS += tests/test-label
tests_test_label_CFLAGS = $(GNSCORE_TEST_CFLAGS)
tests_test_label_LDADD = $(GNSCORE_TEST_LIBS)
