# gnsctl: the command line tool (issue "gnsctl").
bin_PROGRAMS += helper/gnsctl
# conf.c for gnsd_parse_duration: --expire takes what gnsd.conf takes.
helper_gnsctl_SOURCES = helper/gnsctl.c helper/ctl-output.c helper/ctl-output.h \
	helper/conf.c helper/conf.h \
	nss/varlink-client.c nss/varlink-client.h
helper_gnsctl_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(SODIUM_CFLAGS)
helper_gnsctl_LDADD = libgnscore.la $(JSONC_LIBS) $(SODIUM_LIBS) $(UNISTRING_LIBS)

man_MANS += man/gnsctl.1
EXTRA_DIST += man/gnsctl.1
bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = shell/gnsctl
TESTS += tests/gnsctl.sh
