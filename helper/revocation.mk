# Revocations across the network (RFC 9498, 4.2): gnsd's revocation
# knowledge (trust.c) and the client of GNUnet's revocation service.
libgnsd_la_SOURCES += helper/trust.c helper/trust.h \
	helper/revocation-gnunet.c helper/revocation-gnunet.h \
	helper/revocation-msg.c helper/revocation-msg.h

# Codec and client against an in-process fake service.
UNIT_TESTS += tests/test-revocation-gnunet
check_PROGRAMS += tests/test-revocation-gnunet
tests_test_revocation_gnunet_CFLAGS = $(GNSD_TEST_CFLAGS)
tests_test_revocation_gnunet_LDADD = $(GNSD_LIBS)

# Both ways with two real GNUnet peers.
TESTS += tests/revocation-gnunet.sh
EXTRA_DIST += tests/revocation-gnunet.sh

# Fuzz: the service's responses.
FUZZ_TARGETS += revocation-msg
