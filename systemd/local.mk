# systemd/: gnsd's units, sysusers.d entry and default configuration, the
# Debian packaging's tests, and `make check-deb` (the package install test).

systemdsystemunit_DATA = systemd/gnsd.service systemd/gnsd.socket systemd/gnsd-zone.socket \
	systemd/gnsd-dns.socket
# systemd-resolved routes ~gns.alt to the DNS stub (gnsd-dns.socket) and
# does not judge its answers by the DNS root's DNSSEC.
resolvedconfdir = $(sysconfdir)/systemd/resolved.conf.d
dist_resolvedconf_DATA = systemd/resolved.conf.d/gnsd.conf
ntadir = $(prefix)/lib/dnssec-trust-anchors.d
dist_nta_DATA = systemd/dnssec-trust-anchors.d/gns-alt.negative
sysusersdir = $(prefix)/lib/sysusers.d
dist_sysusers_DATA = systemd/sysusers.d/gnsd.conf
gnsdconfdir = $(sysconfdir)/gnsd
dist_gnsdconf_DATA = systemd/gnsd.conf

# Only ExecStart= depends on configure's paths.
systemd/gnsd.service: $(srcdir)/systemd/gnsd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' $(srcdir)/systemd/gnsd.service.in > $@.tmp && \
	mv -f $@.tmp $@
CLEANFILES += systemd/gnsd.service

TESTS += tests/test-nsswitch.sh tests/test-systemd-units.sh

EXTRA_DIST += systemd/gnsd.service.in systemd/gnsd.socket systemd/gnsd-zone.socket \
	systemd/gnsd-dns.socket \
	tools/check-deb tools/check-readme tools/chroot-lib.sh tools/quickstart \
	debian/changelog debian/control debian/copyright debian/rules debian/source/format \
	debian/libnss-gns.nss debian/libnss-gns.install debian/libnss-gns.postinst \
	debian/libnss-gns.preinst debian/libnss-gns.postrm debian/gnsd.install debian/gnsd.postinst debian/gnsd.prerm debian/gnsd.postrm

# Build the .debs from a clean copy of this tree, install them into a
# debootstrapped bookworm, resolve and ping a GNS name there, purge.
# Needs root and Debian's archive; see tools/check-deb.
.PHONY: check-deb
check-deb:
	$(SHELL) $(srcdir)/tools/check-deb

# README's own order (a clone in /root, tools/quickstart, README's test
# command, quickstart again, purge) in a fresh debootstrapped bookworm.
# Needs root and Debian's archive; see tools/check-readme.
.PHONY: check-readme
check-readme:
	$(SHELL) $(srcdir)/tools/check-readme
