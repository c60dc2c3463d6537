# man: see Makefile.am
man_MANS += man/gnsd.8
EXTRA_DIST += man/gnsd.8

# nss: the NSS module
man_MANS += man/nss-gns.8
EXTRA_DIST += man/nss-gns.8
