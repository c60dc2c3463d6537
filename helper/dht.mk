# GNUnet R5N DHT backend (helper/dht-gnunet.c), linked into gnsd and its tests.
noinst_LTLIBRARIES += libgnsd-dht.la
libgnsd_dht_la_SOURCES = helper/dht-gnunet.c helper/dht-gnunet.h helper/storage.h
libgnsd_dht_la_CFLAGS = $(AM_CFLAGS) $(SYSTEMD_CFLAGS) $(JSONC_CFLAGS) $(SODIUM_CFLAGS)
libgnsd_dht_la_LIBADD = libgnscore.la $(SYSTEMD_LIBS) $(JSONC_LIBS) $(SODIUM_LIBS)

# Protocol, verification, reconnect and bounds against an in-process fake
# gnunet-service-dht (unit test); with --real SOCKET against a real one
# (tests/dht-gnunet.sh starts a private GNUnet peer for that).
UNIT_TESTS += tests/test-dht-gnunet
check_PROGRAMS += tests/test-dht-gnunet
tests_test_dht_gnunet_SOURCES = tests/test-dht-gnunet.c
tests_test_dht_gnunet_CFLAGS = $(GNSCORE_TEST_CFLAGS) $(SYSTEMD_CFLAGS)
tests_test_dht_gnunet_LDADD = libgnsd-dht.la $(GNSCORE_TEST_LIBS) $(SYSTEMD_LIBS) $(JSONC_LIBS) \
	$(SODIUM_LIBS)
TESTS += tests/dht-gnunet.sh
EXTRA_DIST += tests/gnunet-peer.sh
