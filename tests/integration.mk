# integration tests (gnsd, nss): append to TESTS
# gnsd: a private daemon in a temp dir per test (tests/gnsd-lib.sh), driven
# by a small python3 varlink client (tests/gnsdtest.py).
TESTS += tests/gnsd-varlink.sh tests/gnsd-zone.sh
EXTRA_DIST += tests/gnsd-lib.sh tests/gnsdtest.py tests/gnsd_varlink.py tests/gnsd_zone.py
# resolver: alt.gns.Resolve against a real gnsd and a real dnsmasq
TESTS += tests/gnsd-resolve.sh
EXTRA_DIST += tests/gnsd_resolve.py
