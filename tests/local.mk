# tests/: shared test helpers; unit tests are listed with their module's
# fragment, integration tests below.
# The folders whose headers its sources may include (tests/include-check.sh
# reads this list; each test program's -I flags are those of what it
# tests): every module is unit tested on its own, so all of ours.
include_dirs_tests = core varlink helper ctl nss tests
noinst_HEADERS += tests/check.h tests/tzone.h tests/clock-us.h tests/pool-hold.h
# The helper scripts, libraries and headers of tests/ (their C sources go
# with their programs). Not the directory itself: in an in-tree build it
# holds binaries, objects and logs.
EXTRA_DIST += $(addprefix tests/,$(notdir $(wildcard $(srcdir)/tests/*.sh $(srcdir)/tests/*.py \
	$(srcdir)/tests/*.h)))
include tests/integration.mk
UNIT_TESTS += tests/test-util
check_PROGRAMS += tests/test-util
tests_test_util_CFLAGS = $(GNSCORE_TEST_CFLAGS)
# The time limits of tests/check.h and tests/time-limit.sh.
check_PROGRAMS += tests/test-watchdog
tests_test_watchdog_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/tests
TESTS += tests/time-limit-check.sh
# No file includes a header from a folder its local.mk does not list (and
# the check can fail).
TESTS += tests/include-check.sh tests/include-check-check.sh
