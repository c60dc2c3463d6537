# tools/chroot-lib.sh: debootstrapped Debian chroots for tools/check-deb and
# tools/check-readme (sourced by bash; needs root).
#
#   chroot_mirrors            set MIRROR and SECURITY from this host's apt
#   make_base NAME [PKGS]     set BASE to a cached copy of a minbase $SUITE
#                             with PKGS installed; one debootstrap serves
#                             every NAME (kept in $CACHE, under a lock)
#   in_chroot DIR CMD...      run CMD in the chroot DIR, with /proc, /dev and
#                             apt's archive cache mounted in a private mount
#                             namespace, and the host's network
#
# Expects CACHE and SUITE; prints what it does; returns non-zero on failure
# with the tail of the log on stdout.

# prints the first URI serving SUITE in one-line (.list) or deb822 (.sources)
find_mirror() {
  local suite=$1 f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    awk -v s="$suite" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) while (i <= NF && $i !~ /\]$/) i++;
      if ($2 ~ /^\[/) i++; if ($(i + 1) == s) { print $i; exit } }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    awk -v s="$suite" 'function flush() { if (!found && types ~ /(^| )deb( |$)/ && en != "no" && (" " suites " ") ~ (" " s " ")) { split(uris, u, " "); print u[1]; found = 1 } types = uris = suites = en = "" }
      /^[ \t]*$/ { flush(); next } /^#/ { next }
      { k = tolower($1); sub(/:$/, "", k); v = $0; sub(/^[^:]*:[ \t]*/, "", v) }
      k == "types" { types = v } k == "uris" { uris = v } k == "suites" { suites = v } k == "enabled" { en = tolower(v) }
      END { flush() }' "$f"
  done
}

chroot_mirrors() {
  MIRROR=$(find_mirror "$SUITE" | head -n 1)
  MIRROR=${MIRROR:-http://deb.debian.org/debian}
  SECURITY=$(find_mirror "$SUITE-security" | head -n 1)
}

in_chroot() {
  unshare --mount --propagation private -- sh -c '
    r=$1; shift
    mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" &&
    mount --bind "$CACHE/apt-archives" "$r/var/cache/apt/archives" &&
    exec chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
      LANG=C.UTF-8 "$@"' sh "$@"
}

make_base() {
  local name=$1 pkgs=${2:-} plain="$CACHE/$SUITE-debootstrap"
  BASE="$CACHE/$name-$(echo "$SUITE $pkgs" | md5sum | cut -c 1-8)"
  export CACHE
  mkdir -p "$CACHE/apt-archives/partial"
  (
    flock 9
    if [ ! -f "$plain.ok" ]; then
      rm -rf --one-file-system "$plain"
      echo "debootstrap $SUITE from $MIRROR (once per cache)"
      debootstrap --variant=minbase "$SUITE" "$plain.tmp" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1 ||
        { tail -n 30 "$CACHE/debootstrap.log"; exit 1; }
      {
        echo "deb $MIRROR $SUITE main"
        echo "deb $MIRROR $SUITE-updates main"
        [ -z "$SECURITY" ] || echo "deb $SECURITY $SUITE-security main"
      } > "$plain.tmp/etc/apt/sources.list"
      rm -rf --one-file-system "$plain.tmp"/var/lib/apt/lists/* "$plain.tmp"/var/cache/apt/archives/*.deb
      mv "$plain.tmp" "$plain" && touch "$plain.ok"
    fi
    if [ ! -f "$BASE.ok" ]; then
      # bases of NAME made for another package list are of no more use,
      # nor those of check-deb before it used this file
      rm -rf --one-file-system "$CACHE/$name"-* "$CACHE/$SUITE"-minbase-*
      cp -a "$plain" "$BASE.tmp" || exit 1
      cp -L /etc/resolv.conf "$BASE.tmp/etc/resolv.conf"
      if [ -n "$pkgs" ]; then
        echo "$name: installing $pkgs into a copy of it"
        { in_chroot "$BASE.tmp" apt-get update -q &&
          in_chroot "$BASE.tmp" apt-get install -y -q --no-install-recommends $pkgs &&
          in_chroot "$BASE.tmp" apt-get clean; } > "$CACHE/$name.log" 2>&1 ||
          { tail -n 30 "$CACHE/$name.log"; exit 1; }
        rm -f "$BASE.tmp"/var/cache/apt/archives/*.deb
      fi
      mv "$BASE.tmp" "$BASE" && touch "$BASE.ok"
    fi
  ) 9> "$CACHE/.lock"
}
