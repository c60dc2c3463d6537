# helper/: the gnsd daemon and its modules only. The modules form a
# convenience library so that unit tests link exactly the code the daemon
# runs. Includes: core/, varlink/ and helper/ (GNSD_INC).
# The folders whose headers its sources may include: the -I flags
# (GNSD_INC in Makefile.am) and tests/include-check.sh read this list.
include_dirs_helper = core varlink helper
noinst_LTLIBRARIES += libgnsd.la
libgnsd_la_SOURCES = \
	helper/log.c helper/log.h \
	helper/conf.c helper/conf.h \
	helper/backends.c helper/backends.h \
	helper/store.c helper/store.h \
	helper/zones.c helper/zones.h \
	helper/workers.c helper/workers.h helper/event-now.h \
	helper/publish.c helper/publish.h \
	helper/resolve.c helper/resolve.h \
	helper/stats.c helper/stats.h \
	helper/storage.h
nodist_libgnsd_la_SOURCES = varlink/interfaces.c
GNSD_CFLAGS = $(AM_CFLAGS) $(GNSD_INC) $(SYSTEMD_CFLAGS) $(SQLITE_CFLAGS) $(JSONC_CFLAGS) \
	$(SODIUM_CFLAGS) $(GCRYPT_CFLAGS) $(CARES_CFLAGS) $(LDNS_CFLAGS)
GNSD_LIBS = libgnsd.la libgnsd-dht.la varlink/libvarlink-server.la libgnscore.la $(SYSTEMD_LIBS) \
	$(SQLITE_LIBS) $(JSONC_LIBS) $(SODIUM_LIBS) $(CARES_LIBS) $(LDNS_LIBS) -lpthread
libgnsd_la_CFLAGS = $(GNSD_CFLAGS)

sbin_PROGRAMS += helper/gnsd
helper_gnsd_SOURCES = helper/gnsd.c helper/gnsd.h
helper_gnsd_CFLAGS = $(GNSD_CFLAGS)
helper_gnsd_LDADD = $(GNSD_LIBS)

# Unit tests of the helper modules (sockets and files in /tmp, no root).
GNSD_TEST_CFLAGS = $(GNSD_CFLAGS) $(TEST_INC)
UNIT_TESTS += tests/test-varlink
check_PROGRAMS += tests/test-varlink
tests_test_varlink_CFLAGS = $(GNSD_TEST_CFLAGS)
tests_test_varlink_LDADD = $(GNSD_LIBS)
UNIT_TESTS += tests/test-conf
check_PROGRAMS += tests/test-conf
tests_test_conf_CFLAGS = $(GNSD_TEST_CFLAGS)
tests_test_conf_LDADD = $(GNSD_LIBS)
UNIT_TESTS += tests/test-store
check_PROGRAMS += tests/test-store
tests_test_store_CFLAGS = $(GNSD_TEST_CFLAGS)
tests_test_store_LDADD = $(GNSD_LIBS)
UNIT_TESTS += tests/test-zones
check_PROGRAMS += tests/test-zones
tests_test_zones_CFLAGS = $(GNSD_TEST_CFLAGS)
tests_test_zones_LDADD = $(GNSD_LIBS)

# --- resolver helper: the Resolve side of gnsd (cache, DNS, resolve) ---
# The DNS stub: .gns.alt over DNS for programs that bypass NSS.
libgnsd_la_SOURCES += helper/dns-msg.c helper/dns-msg.h helper/dns-stub.c helper/dns-stub.h
libgnsd_la_SOURCES += helper/cache.c helper/cache.h
UNIT_TESTS += tests/test-cache
check_PROGRAMS += tests/test-cache
tests_test_cache_CFLAGS = $(GNSD_TEST_CFLAGS)
tests_test_cache_LDADD = $(GNSD_LIBS)
libgnsd_la_SOURCES += helper/dns.c helper/dns.h
GNSD_LIBS += -lresolv
check_PROGRAMS += tests/test-dns
TESTS += tests/test-dns
tests_test_dns_CFLAGS = $(GNSD_TEST_CFLAGS)
tests_test_dns_LDADD = $(GNSD_LIBS)
UNIT_TESTS += tests/test-resolve
check_PROGRAMS += tests/test-resolve
tests_test_resolve_CFLAGS = $(GNSD_TEST_CFLAGS)
tests_test_resolve_LDADD = $(GNSD_LIBS)

# The GNUnet DHT backend (helper "gnunet").
include helper/dht.mk

# Revocations through the GNUnet peer, DNSSEC for GNS2DNS.
include helper/trust.mk

# The DNS stub's messages, without sockets.
UNIT_TESTS += tests/test-dns-msg
check_PROGRAMS += tests/test-dns-msg
tests_test_dns_msg_CFLAGS = $(GNSD_TEST_CFLAGS)
tests_test_dns_msg_LDADD = $(GNSD_LIBS)
# The DNS stub on a UDP socket with a resolver of the test's, whose clock
# the stub's TTLs and memo follow.
UNIT_TESTS += tests/test-dns-stub
check_PROGRAMS += tests/test-dns-stub
tests_test_dns_stub_CFLAGS = $(GNSD_TEST_CFLAGS)
tests_test_dns_stub_LDADD = $(GNSD_LIBS)
