# helper: see Makefile.am
include helper/gnsctl.mk
