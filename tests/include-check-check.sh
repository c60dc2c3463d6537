#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/include-check.sh can fail: on a small tree of its own, a header from
# an unlisted folder, a parser included by a relative path from an unlisted
# folder, a header no folder has and a folder without a list are each
# found; the same tree with the includes allowed passes.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
CHECK="$top_srcdir/tests/include-check.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$tmp/core" "$tmp/helper" "$tmp/tests" "$tmp/fuzz"
echo 'include_dirs_core = core' >"$tmp/core/local.mk"
echo 'include_dirs_helper = core helper' >"$tmp/helper/local.mk"
: >"$tmp/core/zone.h"
: >"$tmp/helper/store.h"
printf '#include "store.h"\n#include "zone.h"\n' >"$tmp/helper/store.c"
: >"$tmp/tests/check.h"

# run EXPECTED-STATUS FOLDER...: include-check on the tree, output in $out
run() {
  want=$1
  shift
  out=$(top_srcdir=$tmp top_builddir=$tmp sh "$CHECK" "$@" 2>&1)
  got=$?
  [ "$got" = "$want" ] || fail "include-check $* exited $got, want $want: $out"
}

echo 'include_dirs_tests = core tests' >"$tmp/tests/local.mk"
printf '#include "check.h"\n#include "zone.h"\n' >"$tmp/tests/test-zone.c"
run 0 core helper tests
printf '#include "check.h"\n#include "store.h"\n' >"$tmp/tests/test-store.c"
run 1 tests
case $out in *'test-store.c: includes "store.h" from helper/'*) ;; *) fail "unlisted folder not named: $out" ;; esac
echo 'include_dirs_tests = core helper tests' >"$tmp/tests/local.mk"
run 0 tests

echo 'include_dirs_fuzz = core' >"$tmp/fuzz/local.mk"
printf '#include "../helper/store.c"\n#include "zone.h"\n' >"$tmp/fuzz/fuzz-store.c"
run 1 fuzz
case $out in *'"../helper/store.c" from helper/'*) ;; *) fail "relative include not traced to helper/: $out" ;; esac
echo 'include_dirs_fuzz = core helper' >"$tmp/fuzz/local.mk"
run 0 fuzz

printf '#include "nowhere.h"\n' >"$tmp/tests/test-nowhere.c"
run 1 tests
case $out in *'"nowhere.h", which no folder has'*) ;; *) fail "missing header not found: $out" ;; esac
rm "$tmp/tests/test-nowhere.c"

rm "$tmp/fuzz/local.mk"
run 1 fuzz
case $out in *'no "include_dirs_fuzz = ..." line'*) ;; *) fail "missing list not found: $out" ;; esac
echo "ok: include-check finds unlisted, relative and missing includes and missing lists"
