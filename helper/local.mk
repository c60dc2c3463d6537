# helper: see Makefile.am
include helper/dht.mk
