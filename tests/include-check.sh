#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The layout is the architecture (doc/architecture.md): each folder's
# local.mk lists, as "include_dirs_FOLDER = ...", the folders whose headers
# its sources may include, and the compiler gets exactly those -I flags.
# This fails when a file includes ("...") a header that lives only in a
# folder its local.mk does not list, so that a new dependency is a
# visible edit of the .mk, not an accident of the include path. The test,
# benchmark and fuzzer folders are held to their lists too: a test that
# reaches into a folder nobody listed is as much a new dependency.
#   tests/include-check.sh [FOLDER...]   (default: every folder of C code)
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
folders=${*:-core varlink helper ctl nss tests bench fuzz}
# Every folder that may hold headers of ours (tests/ and bench/ have
# helpers of their own).
all="core varlink helper ctl nss tests bench fuzz"
status=0

# The folders that hold header $1 (source tree, and the build tree for
# generated ones such as varlink/contract.h).
holders() {
  for d in $all; do
    if [ -e "$top_srcdir/$d/$1" ] || [ -e "$top_builddir/$d/$1" ]; then echo "$d"; fi
  done
}

# The folder of a file named by a path relative to folder $2 (an include
# such as "../helper/dns-msg.c", which the compiler finds next to the
# including file before any -I folder), or nothing if there is none.
relative_holder() {
  case $1 in */*) ;; *) return 0 ;; esac
  for root in "$top_srcdir" "$top_builddir"; do
    [ -e "$root/$2/$1" ] || continue
    real=$(cd "$(dirname "$root/$2/$1")" && pwd -P)
    top=$(cd "$root" && pwd -P)
    case $real in "$top"/*) ;; *) continue ;; esac
    rel=${real#"$top"/}
    echo "${rel%%/*}"
    return 0
  done
}

for f in $folders; do
  mk=$top_srcdir/$f/local.mk
  allowed=$(sed -n "s/^include_dirs_$f[ \t]*=[ \t]*//p" "$mk" 2>/dev/null)
  if [ -z "$allowed" ]; then
    echo "$f/local.mk: no \"include_dirs_$f = ...\" line"
    status=1
    continue
  fi
  for src in "$top_srcdir/$f"/*.c "$top_srcdir/$f"/*.h; do
    [ -e "$src" ] || continue
    # quoted includes only: <...> are the system's
    for h in $(sed -n 's/^[ \t]*#[ \t]*include[ \t]*"\([^"]*\)".*/\1/p' "$src"); do
      [ "$h" = config.h ] && continue # configure's, for everyone
      where=$(relative_holder "$h" "$f")
      [ -n "$where" ] || where=$(holders "$h")
      if [ -z "$where" ]; then
        echo "$f/$(basename "$src"): includes \"$h\", which no folder has"
        status=1
        continue
      fi
      ok=0
      for w in $where; do
        for a in $allowed; do [ "$w" = "$a" ] && ok=1; done
      done
      if [ $ok = 0 ]; then
        echo "$f/$(basename "$src"): includes \"$h\" from $(echo $where | tr ' ' ,)/, which $f/local.mk does not list (include_dirs_$f = $allowed)"
        status=1
      fi
    done
  done
done
[ $status = 0 ] && echo "include-check: $folders include only what their local.mk lists"
exit $status
