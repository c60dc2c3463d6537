# integration tests (gnsd, nss): append to TESTS
# gnsd: a private daemon in a temp dir per test (tests/gnsd-lib.sh), driven
# by a small python3 varlink client (tests/gnsdtest.py).
TESTS += tests/gnsd-varlink.sh tests/gnsd-zone.sh tests/gnsd-permission.sh \
	tests/gnsd-config.sh tests/gnsd-store.sh tests/gnsd-activation.sh
# GNUnet interop, both ways (helper "gnunet"): private peers, gnsd, getent.
TESTS += tests/interop-gnunet.sh
EXTRA_DIST += tests/interop-gnunet.sh tests/gnsd-env.sh

# resolver: alt.gns.Resolve against a real gnsd and a real dnsmasq
TESTS += tests/gnsd-resolve.sh
EXTRA_DIST += tests/gnsd_resolve.py

# The DNS stub: dig over UDP and TCP against a real gnsd
TESTS += tests/dns-stub.sh
# ... and static musl and Go (CGO_ENABLED=0) programs, dnsmasq and unbound
# through it, as root in a private namespace (gnsd --user on port 53)
TESTS += tests/dns-stub-ns.sh
# abuse: one unprivileged user (nobody) attacks alt.gns.Resolve while
# root and another uid resolve (issue 12)
TESTS += tests/gnsd-abuse.sh tests/gnsd-faults.sh tests/gnsd-full-disk.sh
# the Go build cache of tests/dns-stub-ns.sh
clean-local: clean-go-cache
.PHONY: clean-go-cache
clean-go-cache:
	rm -rf tests/go-cache
