# varlink/: the varlink wire (https://varlink.org) and gnsd's contract.
# - libvarlink-server.la: the server on sd-event (gnsd only);
# - libvarlink-client.la: the blocking client with deadlines, linked into
#   the NSS module and gnsctl, so it must stay free of threads, signals
#   and global state;
# - alt.gns.*.varlink: the interfaces, the one source of the contract;
#   interfaces.c embeds them for GetInterfaceDescription.
# Includes: varlink/ only (VARLINK_INC).
# The folders whose headers its sources may include: the -I flags
# (VARLINK_INC in Makefile.am) and tests/include-check.sh read this list.
include_dirs_varlink = varlink
noinst_LTLIBRARIES += varlink/libvarlink-server.la varlink/libvarlink-client.la
varlink_libvarlink_server_la_SOURCES = varlink/varlink-server.c varlink/varlink-server.h
varlink_libvarlink_server_la_CFLAGS = $(AM_CFLAGS) $(VARLINK_INC) $(SYSTEMD_CFLAGS) $(JSONC_CFLAGS)
varlink_libvarlink_server_la_LIBADD = $(SYSTEMD_LIBS) $(JSONC_LIBS)
varlink_libvarlink_client_la_SOURCES = varlink/varlink-client.c varlink/varlink-client.h
varlink_libvarlink_client_la_CFLAGS = $(AM_CFLAGS) $(VARLINK_INC)
noinst_HEADERS += varlink/interfaces.h

# The interface descriptions served by GetInterfaceDescription are the
# contract files themselves, embedded at build time.
varlink/interfaces.c: $(srcdir)/varlink/alt.gns.Resolve.varlink \
		$(srcdir)/varlink/alt.gns.Zone.varlink $(srcdir)/varlink/embed-varlink.sh
	$(AM_V_GEN)$(MKDIR_P) varlink && \
	$(SHELL) $(srcdir)/varlink/embed-varlink.sh \
		$(srcdir)/varlink/alt.gns.Resolve.varlink gnsd_resolve_description \
		$(srcdir)/varlink/alt.gns.Zone.varlink gnsd_zone_description > $@.tmp && \
	mv $@.tmp $@
CLEANFILES += varlink/interfaces.c

# Names, errors and parameter tables as C (varlink/contract.h), generated
# from the same files: gnsd, gnsctl and the NSS module use these, never
# spelled-out strings, so a renamed error or method cannot drift.
VARLINK_FILES = $(srcdir)/varlink/alt.gns.Resolve.varlink $(srcdir)/varlink/alt.gns.Zone.varlink
varlink/contract.h: $(VARLINK_FILES) $(srcdir)/varlink/gen-contract.sh
	$(AM_V_GEN)$(MKDIR_P) varlink && \
	$(SHELL) $(srcdir)/varlink/gen-contract.sh $(VARLINK_FILES) > $@.tmp && mv $@.tmp $@
BUILT_SOURCES += varlink/contract.h
nodist_noinst_HEADERS = varlink/contract.h
CLEANFILES += varlink/contract.h
EXTRA_DIST += varlink/alt.gns.Resolve.varlink varlink/alt.gns.Zone.varlink \
	varlink/embed-varlink.sh varlink/gen-contract.sh
