# tests/: shared test helpers; unit tests are listed with their module's
# fragment, integration tests below.
noinst_HEADERS += tests/check.h tests/tzone.h tests/clock-us.h
EXTRA_DIST += tests
include tests/integration.mk
UNIT_TESTS += tests/test-util
check_PROGRAMS += tests/test-util
tests_test_util_CFLAGS = $(GNSCORE_TEST_CFLAGS)
