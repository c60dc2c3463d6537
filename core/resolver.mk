# core/resolver area: the resolution state machine (RFC 9498, section 7).
libgnscore_la_SOURCES += core/resolver.c
