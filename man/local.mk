# man: see Makefile.am
man_MANS += man/gnsd.8
EXTRA_DIST += man/gnsd.8
