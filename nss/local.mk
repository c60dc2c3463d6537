# nss: see Makefile.am
