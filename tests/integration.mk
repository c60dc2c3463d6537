# integration tests (gnsd, nss): append to TESTS
# GNUnet interop, both ways (helper "gnunet"): private peers, gnsd, getent.
TESTS += tests/interop-gnunet.sh
EXTRA_DIST += tests/interop-gnunet.sh tests/gnsd-env.sh tests/varlink-call.py
