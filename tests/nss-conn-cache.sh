#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The connection the module keeps between lookups (nss/conn-cache.h):
# fork, close_range/closefrom, dup2 onto it, gnsd restart or hang-up, a
# late reply, threads, dlclose. tests/nss-conn-cache does it all against
# a server of its own; no root, no gnsd.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
set -u
. "${top_srcdir:-$(dirname "$0")/..}/tests/nss-lib.sh"
[ -e "$MODULE" ] || skip "$MODULE not built"
[ -x "$top_builddir/tests/nss-conn-cache" ] || skip "tests/nss-conn-cache not built"
exec "$top_builddir/tests/nss-conn-cache" "$MODULE"
