# core/: libgnscore sources. Each area appends to libgnscore_la_SOURCES.
# Headers its sources may include, by folder (tests/include-check.sh);
# the -I flags (CORE_INC in Makefile.am) must say the same.
include_dirs_core = core
noinst_HEADERS += core/base32gns.h core/ztld.h core/label.h core/zonekey.h core/record.h \
	core/rrtype.h core/rrblock.h core/revocation.h core/rpp.h core/resolver.h
include core/crypto.mk
include core/data.mk
include core/revocation.mk
include core/resolver.mk
