# Trust across the network (RFC 9498, 4.2 and 7.3.2): gnsd's revocation
# knowledge (trust.c), the client of GNUnet's revocation service, and
# DNSSEC validation of GNS2DNS answers.
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

# DNSSEC for GNS2DNS (libunbound validates; the DS records come from GNS).
libgnsd_la_SOURCES += helper/dnssec.c helper/dnssec.h
GNSD_LIBS += $(UNBOUND_LIBS)
# Secure, bogus and insecure answers from nsd serving ldns-signzone'd zones.
TESTS += tests/dnssec-gns2dns.sh
EXTRA_DIST += tests/dnssec-gns2dns.sh tests/dns-cname.py
