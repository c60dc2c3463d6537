# core/resolver area: append to libgnscore_la_SOURCES, UNIT_TESTS, check_PROGRAMS
