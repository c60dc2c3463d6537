# helper: see Makefile.am
