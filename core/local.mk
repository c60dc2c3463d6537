# core/: libgnscore sources. Each area appends to libgnscore_la_SOURCES.
# The folders whose headers its sources may include: the -I flags
# (CORE_INC in Makefile.am) and tests/include-check.sh read this list.
include_dirs_core = core
noinst_HEADERS += core/base32gns.h core/ztld.h core/label.h core/zonekey.h core/record.h \
	core/rrtype.h core/rrblock.h core/revocation.h core/rpp.h core/rpp-stream.h core/resolver.h
include core/crypto.mk
include core/data.mk
include core/revocation.mk
include core/resolver.mk
