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

# bench: a revocation check against a real GNUnet peer, next to the IPC floor.
noinst_PROGRAMS += bench/bench-revocation-query
bench_bench_revocation_query_CFLAGS = $(GNSD_TEST_CFLAGS)
bench_bench_revocation_query_LDADD = $(GNSD_LIBS) -lpthread
BENCHES += bench/bench-revocation-net
EXTRA_DIST += bench/bench-revocation-net.sh
CLEANFILES += bench/bench-revocation-net
bench/bench-revocation-net: $(srcdir)/bench/bench-revocation-net.sh bench/bench-revocation-query
	$(AM_V_GEN)mkdir -p bench && \
	{ echo '#!/bin/sh'; echo 'top_srcdir=$(abs_top_srcdir) top_builddir=$(abs_top_builddir); export top_srcdir top_builddir'; \
	  sed 1d $(srcdir)/bench/bench-revocation-net.sh; } >$@.tmp && chmod +x $@.tmp && mv $@.tmp $@
