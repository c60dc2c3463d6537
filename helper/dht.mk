# GNUnet R5N DHT backend (helper/dht-gnunet.c), linked into gnsd and its tests.
noinst_LTLIBRARIES += libgnsd-dht.la
libgnsd_dht_la_SOURCES = helper/dht-gnunet.c helper/dht-gnunet.h helper/dht-msg.c helper/dht-msg.h \
	helper/gnunet-conn.c helper/gnunet-conn.h helper/gnunet-msg.c helper/gnunet-msg.h \
	helper/storage.h
libgnsd_dht_la_CFLAGS = $(AM_CFLAGS) $(GNSD_INC) $(SYSTEMD_CFLAGS) $(JSONC_CFLAGS) $(SODIUM_CFLAGS)
libgnsd_dht_la_LIBADD = libgnscore.la $(SYSTEMD_LIBS) $(JSONC_LIBS) $(SODIUM_LIBS)

# Protocol, verification, reconnect and bounds against an in-process fake
# gnunet-service-dht (unit test); with --real SOCKET against a real one
# (tests/dht-gnunet.sh starts a private GNUnet peer for that).
UNIT_TESTS += tests/test-dht-gnunet
check_PROGRAMS += tests/test-dht-gnunet
# (the worker pool, which the backend checks signatures on, and its log)
DHT_POOL_SOURCES = helper/workers.c helper/workers.h helper/log.c helper/log.h
tests_test_dht_gnunet_SOURCES = tests/test-dht-gnunet.c $(DHT_POOL_SOURCES)
tests_test_dht_gnunet_CFLAGS = $(GNSCORE_TEST_CFLAGS) -I$(top_srcdir)/helper $(SYSTEMD_CFLAGS)
tests_test_dht_gnunet_LDADD = libgnsd-dht.la $(GNSCORE_TEST_LIBS) $(SYSTEMD_LIBS) $(JSONC_LIBS) \
	$(SODIUM_LIBS) -lpthread
TESTS += tests/dht-gnunet.sh

# The GNUnet client connection both GNUnet clients (DHT, revocation) use:
# framing, send queue bound, reconnect, against a unix socket server.
UNIT_TESTS += tests/test-gnunet-conn
check_PROGRAMS += tests/test-gnunet-conn
tests_test_gnunet_conn_CFLAGS = $(GNSCORE_TEST_CFLAGS) -I$(top_srcdir)/helper $(SYSTEMD_CFLAGS)
tests_test_gnunet_conn_LDADD = libgnsd-dht.la $(GNSCORE_TEST_LIBS) $(SYSTEMD_LIBS)
EXTRA_DIST += tests/gnunet-peer.sh

# bench: uncached lookups through the GNUnet DHT, next to gnunet-gns -u.
noinst_PROGRAMS += bench/bench-dht-lookup
bench_bench_dht_lookup_SOURCES = bench/bench-dht-lookup.c $(DHT_POOL_SOURCES)
bench_bench_dht_lookup_CFLAGS = $(GNSCORE_TEST_CFLAGS) -I$(top_srcdir)/helper $(SYSTEMD_CFLAGS)
bench_bench_dht_lookup_LDADD = libgnsd-dht.la $(GNSCORE_TEST_LIBS) $(SYSTEMD_LIBS) $(JSONC_LIBS) \
	-lpthread
noinst_PROGRAMS += bench/bench-gai
BENCHES += bench/bench-gnunet
EXTRA_DIST += bench/bench-gnunet.sh
CLEANFILES += bench/bench-gnunet
bench/bench-gnunet: $(srcdir)/bench/bench-gnunet.sh bench/bench-dht-lookup bench/bench-gai
	$(AM_V_GEN)mkdir -p bench && \
	{ echo '#!/bin/sh'; echo 'top_srcdir=$(abs_top_srcdir) top_builddir=$(abs_top_builddir); export top_srcdir top_builddir'; \
	  sed 1d $(srcdir)/bench/bench-gnunet.sh; } >$@.tmp && chmod +x $@.tmp && mv $@.tmp $@

# Fuzz: RESULT messages (parser and verdict); the framing of a service's
# byte stream.
FUZZ_TARGETS += dht-result gnunet-msg
