# ctl/: gnsctl, the command line tool. A client of gnsd's alt.gns.Zone and
# alt.gns.Resolve interfaces; links core/ and the varlink client, never
# the daemon's modules. Includes: core/, varlink/ and ctl/ (CTL_INC).
# The revocation PoW search runs on threads, which core/ does not have:
# it lives here, linked by gnsctl and by the revocation bench and test.
# The folders whose headers its sources may include: the -I flags
# (CTL_INC in Makefile.am) and tests/include-check.sh read this list.
include_dirs_ctl = core varlink ctl
noinst_LTLIBRARIES += ctl/libpow-run.la
ctl_libpow_run_la_SOURCES = ctl/pow-run.c ctl/pow-run.h
ctl_libpow_run_la_CFLAGS = $(AM_CFLAGS) $(CTL_INC)
ctl_libpow_run_la_LIBADD = libgnscore.la -lpthread

bin_PROGRAMS += ctl/gnsctl
ctl_gnsctl_SOURCES = ctl/gnsctl.c ctl/ctl-output.c ctl/ctl-output.h ctl/ctl-errors.c \
	ctl/ctl-errors.h
ctl_gnsctl_CFLAGS = $(AM_CFLAGS) $(CTL_INC) $(JSONC_CFLAGS) $(SODIUM_CFLAGS)
ctl_gnsctl_LDADD = ctl/libpow-run.la varlink/libvarlink-client.la libgnscore.la $(JSONC_LIBS) \
	$(SODIUM_LIBS) $(UNISTRING_LIBS)

man_MANS += man/gnsctl.1
EXTRA_DIST += man/gnsctl.1
bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = shell/gnsctl
TESTS += tests/gnsctl.sh

# Every error of the interfaces has a gnsctl message of its own.
UNIT_TESTS += tests/test-ctl-errors
check_PROGRAMS += tests/test-ctl-errors
tests_test_ctl_errors_SOURCES = tests/test-ctl-errors.c ctl/ctl-errors.c ctl/ctl-errors.h
tests_test_ctl_errors_CFLAGS = $(AM_CFLAGS) $(CTL_INC) $(TEST_INC) $(JSONC_CFLAGS)
tests_test_ctl_errors_LDADD = $(JSONC_LIBS)
