# nss/: libnss_gns.so.2, the glibc NSS module (doc/architecture.md, "NSS behaviour").
#
# The pure parts (name policy, request/reply, buffer layout) and the
# varlink client are a convenience library so that the module and the unit
# tests link the same objects. The varlink client is varlink/'s.
# Includes: varlink/ and nss/ (NSS_INC).
# The folders whose headers its sources may include: the -I flags
# (NSS_INC in Makefile.am) and tests/include-check.sh read this list.
include_dirs_nss = varlink nss
noinst_LTLIBRARIES += nss/libnssgns.la
nss_libnssgns_la_SOURCES = nss/hostent.c nss/hostent.h nss/conn-cache.c nss/conn-cache.h
nss_libnssgns_la_CFLAGS = $(AM_CFLAGS) $(NSS_INC) $(JSONC_CFLAGS)
nss_libnssgns_la_LIBADD = varlink/libvarlink-client.la $(JSONC_LIBS) $(UNISTRING_LIBS)

# glibc dlopens "libnss_gns.so.2": -avoid-version with the shared-object
# extension .so.2 makes that the file name and the soname, one real file
# and no symlinks (as nss-mdns does).
lib_LTLIBRARIES += nss/libnss_gns.la
nss_libnss_gns_la_SOURCES = nss/nss-gns.c
nss_libnss_gns_la_CFLAGS = $(AM_CFLAGS) $(NSS_INC) $(JSONC_CFLAGS)
nss_libnss_gns_la_LIBADD = nss/libnssgns.la
nss_libnss_gns_la_LDFLAGS = -module -avoid-version -shrext .so.2 -no-undefined -shared \
	-Wl,--version-script=$(srcdir)/nss/nss-gns.sym -Wl,-z,relro -Wl,-z,now
EXTRA_nss_libnss_gns_la_DEPENDENCIES = $(srcdir)/nss/nss-gns.sym
EXTRA_DIST += nss/nss-gns.sym

# glibc loads libnss_gns.so.2 by name: the libtool archive has no user
# (and no unversioned libnss_gns.so is ever made). A hook target per area,
# so other fragments can hang their own on install-exec-hook.
install-exec-hook: install-exec-hook-nss
install-exec-hook-nss:
	rm -f $(DESTDIR)$(libdir)/libnss_gns.la $(DESTDIR)$(libdir)/libnss_gns.so
# Without the .la, libtool's uninstall no longer knows the file.
uninstall-hook: uninstall-hook-nss
uninstall-hook-nss:
	rm -f $(DESTDIR)$(libdir)/libnss_gns.so.2
.PHONY: install-exec-hook-nss uninstall-hook-nss

# Unit tests of the pure parts and of the varlink client.
UNIT_TESTS += tests/test-nss-hostent tests/test-varlink-client
check_PROGRAMS += tests/test-nss-hostent tests/test-varlink-client
tests_test_nss_hostent_SOURCES = tests/test-nss-hostent.c
tests_test_nss_hostent_CFLAGS = $(AM_CFLAGS) $(NSS_INC) $(TEST_INC) $(JSONC_CFLAGS)
tests_test_nss_hostent_LDADD = nss/libnssgns.la $(JSONC_LIBS)
tests_test_varlink_client_SOURCES = tests/test-varlink-client.c
tests_test_varlink_client_CFLAGS = $(AM_CFLAGS) $(VARLINK_INC) $(TEST_INC) $(JSONC_CFLAGS)
tests_test_varlink_client_LDADD = varlink/libvarlink-client.la $(JSONC_LIBS)

# The module as glibc sees it: a driver that dlopens it and calls every
# entry point, a fake gnsd for every reply shape (no root, no gnsd needed).
check_PROGRAMS += tests/nss-driver
tests_nss_driver_SOURCES = tests/nss-driver.c
TESTS += tests/nss-module.sh
EXTRA_DIST += tests/nss-module.sh tests/nss-lib.sh tests/nss-fake-gnsd.py

# The kept connection (nss/conn-cache.h) against a server of the test's
# own: fork, close_range, dup2, restarts, late replies, threads, dlclose.
check_PROGRAMS += tests/nss-conn-cache
tests_nss_conn_cache_SOURCES = tests/nss-conn-cache.c
tests_nss_conn_cache_CFLAGS = $(AM_CFLAGS) $(TEST_INC)
tests_nss_conn_cache_LDADD = -lpthread
TESTS += tests/nss-conn-cache.sh
EXTRA_DIST += tests/nss-conn-cache.sh

# End to end, as root in private mount+net namespaces (exit 77 otherwise):
# getent, curl, ping, python and a 16-thread program through glibc.
check_PROGRAMS += tests/nss-threads
tests_nss_threads_SOURCES = tests/nss-threads.c
tests_nss_threads_LDADD = -lpthread
TESTS += tests/nss-e2e-fake.sh tests/nss-e2e-gnsd.sh tests/nss-e2e-gnsd-failures.sh
EXTRA_DIST += tests/nss-e2e.sh tests/nss-e2e-lib.sh tests/nss-e2e-fake.sh tests/nss-e2e-gnsd.sh tests/nss-e2e-gnsd-failures.sh \
	tests/varlink-call.py tests/dns-listener.py
