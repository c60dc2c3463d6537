#!/bin/bash
# The hosts: line of nsswitch.conf(5) through libnss-gns's real maintainer
# scripts: debian/libnss-gns.{nss,preinst,postinst,postrm} assembled by
# dh_installnss and dh_installdeb as the package build does, run with
# DPKG_ROOT on a table of hosts: lines found on real systems.  Also
# libnss-resolve and libnss-mdns (their bookworm .nss rules, same tools)
# installed after libnss-gns and before it.  Every time:
#  - "gns [!UNAVAIL=return]" ends up before the first resolve and dns;
#  - no other line and no other service changes;
#  - configure again changes nothing; remove, purge give the services back
#    (the exact line where dh-nss restores it byte for byte, see the table);
#  - a gns service the admin had before stays through remove and purge;
#  - an upgrade from 0.1.0 moves its entry in front of resolve.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
for t in dh_installnss dh_installdeb dpkg-architecture sed awk; do
  command -v "$t" >/dev/null ||
    { echo "SKIP: $t not found (dh-nss, debhelper, dpkg-dev: run tools/bootstrap-deps)"; exit 77; }
done
E='gns [!UNAVAIL=return]'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL [$case] $*"; }
setup_error() { echo "ERROR: set-up: $*"; exit 99; }

# --- the maintainer scripts --------------------------------------------------
# mkpkg DIR PACKAGE: run the debhelper tools of the package build in DIR.
mkpkg() {
  (cd "$1" && dh_installnss -p"$2" && dh_installdeb -p"$2") > "$tmp/dh.log" 2>&1 ||
    setup_error "dh_installnss/dh_installdeb for $2 failed: $(cat "$tmp/dh.log")"
}
mkdir -p "$tmp/gns/debian"
for f in control changelog libnss-gns.nss libnss-gns.preinst libnss-gns.postinst libnss-gns.postrm; do
  cp "$top_srcdir/debian/$f" "$tmp/gns/debian/" || setup_error "copy debian/$f"
done
mkpkg "$tmp/gns" libnss-gns
# libnss-resolve (systemd 252) and libnss-mdns (0.15.1) of bookworm, from
# the dh_installnss rules their maintainer scripts were made with.
for p in libnss-resolve libnss-mdns; do
  mkdir -p "$tmp/$p/debian"
  printf 'Source: %s\nBuild-Depends: debhelper-compat (= 13)\n\nPackage: %s\nArchitecture: any\nDescription: test\n test\n' \
    "$p" "$p" > "$tmp/$p/debian/control"
  cp "$top_srcdir/debian/changelog" "$tmp/$p/debian/"
done
echo 'hosts before=dns resolve [!UNAVAIL=return]' > "$tmp/libnss-resolve/debian/libnss-resolve.nss"
printf '%s\n' 'hosts before=dns,resolve mdns4_minimal [NOTFOUND=return]' \
  'hosts remove-only mdns' 'hosts remove-only mdns_minimal' 'hosts remove-only mdns4' \
  'hosts remove-only mdns6' 'hosts remove-only mdns6_minimal' > "$tmp/libnss-mdns/debian/libnss-mdns.nss"
mkpkg "$tmp/libnss-resolve" libnss-resolve
mkpkg "$tmp/libnss-mdns" libnss-mdns
grep -q dh_installnss "$tmp/gns/debian/libnss-gns/DEBIAN/postinst" ||
  setup_error "dh_installnss put nothing into libnss-gns's postinst"

# dpkg-divert must not touch this machine's dpkg database.
mkdir -p "$tmp/bin"
printf '#!/bin/sh\nexit 0\n' > "$tmp/bin/dpkg-divert"
chmod +x "$tmp/bin/dpkg-divert"
# The scripts get Debian's default awk, mawk, on a fresh system.
if command -v mawk >/dev/null; then ln -s "$(command -v mawk)" "$tmp/bin/awk"; fi

# ms PACKAGE SCRIPT INSTCOUNT ARGS...: one maintainer script, on $root.
ms() {
  local p=$1 s=$2 n=$3 dir
  shift 3
  case $p in libnss-gns) dir=$tmp/gns ;; *) dir=$tmp/$p ;; esac
  [ -f "$dir/debian/$p/DEBIAN/$s" ] || return 0
  env PATH="$tmp/bin:$PATH" DPKG_ROOT="$root" DPKG_MAINTSCRIPT_PACKAGE="$p" \
    DPKG_MAINTSCRIPT_PACKAGE_INSTCOUNT="$n" DPKG_MAINTSCRIPT_NAME="$s" \
    sh "$dir/debian/$p/DEBIAN/$s" "$@" >> "$tmp/ms.log" 2>&1 || bad "$p $s $* failed: $(tail -n 5 "$tmp/ms.log")"
}
install_() { ms "$1" preinst 0 install; ms "$1" postinst 1 configure; }
remove_() { ms "$1" prerm 1 remove; ms "$1" postrm 0 remove; }
purge_() { remove_ "$1"; ms "$1" postrm 0 purge; }
upgrade_() { ms "$1" preinst 1 upgrade 0.1.0; ms "$1" postinst 1 configure 0.1.0; }

# --- what a hosts: line says ---------------------------------------------------
conf() { printf '%s\n' "$root/etc/nsswitch.conf"; }
hosts_line() { awk '/^[ \t]*hosts[ \t]*:/ { print; exit }' "$(conf)"; }
# services: "name[action]..." of the first hosts: line, blank separated
services() {
  hosts_line | awk '{ sub(/#.*/, ""); sub(/^[^:]*:/, ""); s = $0; out = ""
    while (s != "") {
      if (match(s, /^[ \t\r]+/)) { s = substr(s, RLENGTH + 1); continue }
      if (substr(s, 1, 1) == "[") { match(s, /^\[[^]]*\]?/); a = substr(s, 1, RLENGTH)
        gsub(/[ \t]+/, " ", a); out = out a; s = substr(s, RLENGTH + 1); continue }
      match(s, /^[^ \t\r[]+/); out = out (out == "" ? "" : " ") substr(s, 1, RLENGTH); s = substr(s, RLENGTH + 1)
    }
    print out }'
}
# the file without its first hosts: line
others() { awk '!d && /^[ \t]*hosts[ \t]*:/ { d = 1; next } { print }' "$(conf)"; }
without_gns() { printf '%s\n' "$1" | tr ' ' '\n' | grep -v '^gns\[' | tr '\n' ' ' | sed 's/ $//'; }

# gns_first: our entry once, before the first resolve and the first dns.
gns_first() {
  local sv i=0 g=0 r=0 d=0 n=0 w
  sv=$(services)
  for w in $sv; do
    i=$((i + 1))
    case $w in
      gns*) n=$((n + 1)); [ "$w" = 'gns[!UNAVAIL=return]' ] || { bad "$1: gns has actions $w"; return; }; g=$i ;;
      resolve*) [ $r -gt 0 ] || r=$i ;;
      dns*) [ $d -gt 0 ] || d=$i ;;
    esac
  done
  if [ $n -ne 1 ]; then bad "$1: $n gns services on '$(hosts_line)'"
  elif [ $r -gt 0 ] && [ $g -gt $r ]; then bad "$1: gns after resolve: '$(hosts_line)'"
  elif [ $d -gt 0 ] && [ $g -gt $d ]; then bad "$1: gns after dns: '$(hosts_line)'"
  else ok; fi
}
same_services() { # DESCRIPTION WANT
  local got; got=$(services)
  if [ "$got" = "$2" ]; then ok; else bad "$1: services '$got', want '$2' (line '$(hosts_line)')"; fi
}
same_others() {
  if [ "$(others)" = "$others0" ]; then ok; else bad "$1: lines other than hosts: changed"; fi
}

# --- the table -----------------------------------------------------------------
# name | hosts: line (printf %b) | the line after install ("=": unchanged)
# | the line after purge ("=": the original, byte for byte)
TABLE="
debian|hosts:          files dns|hosts:          files $E dns|=
debian-resolve|hosts:          files resolve [!UNAVAIL=return] dns|hosts:          files $E resolve [!UNAVAIL=return] dns|=
debian-mdns|hosts:          files mdns4_minimal [NOTFOUND=return] dns|hosts:          files mdns4_minimal [NOTFOUND=return] $E dns|=
ubuntu|hosts:          files mdns4_minimal [NOTFOUND=return] dns myhostname|hosts:          files mdns4_minimal [NOTFOUND=return] $E dns myhostname|=
ubuntu-resolve|hosts: files mdns4_minimal [NOTFOUND=return] resolve [!UNAVAIL=return] dns myhostname|hosts: files mdns4_minimal [NOTFOUND=return] $E resolve [!UNAVAIL=return] dns myhostname|=
fedora|hosts:      files myhostname resolve [!UNAVAIL=return] dns|hosts:      files myhostname $E resolve [!UNAVAIL=return] dns|=
fedora-old|hosts:      files dns myhostname|hosts:      files $E dns myhostname|=
arch|hosts: mymachines resolve [!UNAVAIL=return] files myhostname dns|hosts: mymachines $E resolve [!UNAVAIL=return] files myhostname dns|=
arch-old|hosts: files mymachines myhostname resolve [!UNAVAIL=return] dns|hosts: files mymachines myhostname $E resolve [!UNAVAIL=return] dns|=
opensuse|hosts:          files mdns_minimal [NOTFOUND=return] dns|hosts:          files mdns_minimal [NOTFOUND=return] $E dns|=
systemd-recommended|hosts:    mymachines resolve [!UNAVAIL=return] files myhostname dns|hosts:    mymachines $E resolve [!UNAVAIL=return] files myhostname dns|=
libvirt|hosts: files libvirt libvirt_guest dns|hosts: files libvirt libvirt_guest $E dns|=
comment|hosts: files dns # DNS last|hosts: files $E dns # DNS last|=
comment-no-dns|hosts:\tfiles\t# local names only|hosts:\tfiles\t $E # local names only|hosts:\tfiles\t # local names only
commented-hosts-first|#hosts: dns\nhosts: files dns|hosts: files $E dns|=
tabs|hosts:\tfiles\tdns|hosts:\tfiles\t$E dns|hosts:\tfiles dns
dns-first|hosts: dns files|hosts: $E dns files|=
resolve-last|hosts: files dns resolve|hosts: files $E dns resolve|=
no-dns|hosts: files myhostname|hosts: files myhostname $E|=
admin-gns|hosts: files gns [NOTFOUND=return] dns|=|=
"
FRAME_BEFORE='# /etc/nsswitch.conf\n\npasswd:         files systemd\ngroup:          files systemd\nshadow:         files\n\n'
FRAME_AFTER='\nnetworks:       files\nprotocols:      db files\nservices:       db files\n'

run_case() { # SEQUENCE
  local seq=$1 want0 sv0 sv1
  root=$tmp/root; rm -rf "$root"; mkdir -p "$root/etc"
  printf '%b%b%b' "$FRAME_BEFORE" "$input" "$FRAME_AFTER" > "$(conf)"
  cp "$(conf)" "$tmp/orig"
  others0=$(others)
  want0=$(hosts_line)
  sv0=$(services)
  case $seq in
    alone) # install, configure again, purge
      install_ libnss-gns
      if [ "$after_install" = "=" ]; then after_install=$want0; fi
      local want; want=$(printf '%b' "$after_install")
      if [ "$(hosts_line)" = "$want" ]; then ok; else bad "install: '$(hosts_line)', want '$want'"; fi
      [ "$case" = admin-gns ] || gns_first install
      same_others install
      [ "$(without_gns "$(services)")" = "$(without_gns "$sv0")" ] && ok ||
        bad "install changed other services: '$(services)'"
      cp "$(conf)" "$tmp/installed"
      ms libnss-gns postinst 1 configure 0.2.0
      cmp -s "$(conf)" "$tmp/installed" && ok || bad "configure again changed '$(hosts_line)'"
      purge_ libnss-gns
      same_services "purge" "$sv0"; same_others purge
      local back; if [ "$after_purge" = "=" ]; then back=$want0; else back=$(printf '%b' "$after_purge"); fi
      if [ "$(hosts_line)" = "$back" ]; then ok; else bad "purge: '$(hosts_line)', want '$back'"; fi
      [ ! -e "$root/var/lib/libnss-gns" ] && ok || bad "purge left /var/lib/libnss-gns"
      [ -z "$(find "$root/etc" -name 'nsswitch.conf.nss.*')" ] && ok || bad "a dh-nss flag file is left"
      ;;
    cycle) # install, remove, install again, remove, purge
      install_ libnss-gns; sv1=$(services)
      remove_ libnss-gns
      same_services "remove" "$sv0"; same_others remove
      install_ libnss-gns
      same_services "reinstall after remove" "$sv1"
      [ "$case" = admin-gns ] || gns_first "reinstall after remove"
      remove_ libnss-gns; ms libnss-gns postrm 0 purge
      same_services "remove, purge" "$sv0"; same_others "remove, purge"
      [ ! -e "$root/var/lib/libnss-gns" ] && ok || bad "purge left /var/lib/libnss-gns"
      ;;
    other-after) # libnss-gns, then $other; purge libnss-gns: only gns goes
      install_ libnss-gns; install_ "$other"
      gns_first "$other after libnss-gns"; same_others "$other after"
      sv1=$(without_gns "$(services)")
      purge_ libnss-gns
      same_services "libnss-gns purged after $other came" "$sv1"; same_others "libnss-gns purged"
      ;;
    other-before) # $other, then libnss-gns; purge libnss-gns, then $other
      install_ "$other"; sv1=$(services)
      install_ libnss-gns
      gns_first "libnss-gns after $other"; same_others "libnss-gns after $other"
      purge_ libnss-gns
      same_services "libnss-gns purged, $other stays" "$sv1"; same_others "libnss-gns purged"
      ;;
  esac
}

while IFS='|' read -r case input after_install after_purge; do
  [ -n "$case" ] || continue
  run_case alone
  run_case cycle
  [ "$case" = admin-gns ] && continue
  for other in libnss-resolve libnss-mdns; do
    run_case other-after
    run_case other-before
  done
done <<< "$TABLE"

# --- the upgrade from 0.1.0: its entry stood just before dns, behind resolve
while IFS='|' read -r case input want; do
  [ -n "$case" ] || continue
  root=$tmp/root; rm -rf "$root"; mkdir -p "$root/etc"
  printf '%b%b%b' "$FRAME_BEFORE" "$input" "$FRAME_AFTER" > "$(conf)"
  others0=$(others)
  upgrade_ libnss-gns
  if [ "$(hosts_line)" = "$(printf '%b' "$want")" ]; then ok; else bad "upgrade: '$(hosts_line)', want '$want'"; fi
  gns_first upgrade; same_others upgrade
  purge_ libnss-gns
  [ -z "$(services | tr ' ' '\n' | grep '^gns')" ] && ok || bad "purge after upgrade left gns: '$(hosts_line)'"
done <<EOF
old-resolve|hosts: files resolve [!UNAVAIL=return] gns [NOTFOUND=return TRYAGAIN=return] dns|hosts: files $E resolve [!UNAVAIL=return] dns
old-plain|hosts:          files gns [NOTFOUND=return TRYAGAIN=return] dns|hosts:          files $E dns
old-no-dns|hosts: files gns [NOTFOUND=return TRYAGAIN=return]|hosts: files $E
old-comment|hosts: files gns [NOTFOUND=return TRYAGAIN=return]\t# x|hosts: files\t $E # x
EOF

# --- a line dh-nss's sed does not recognise: postinst says what to add --------
case=unrecognised
root=$tmp/root; rm -rf "$root"; mkdir -p "$root/etc"
printf 'hosts:files dns\n' > "$(conf)"
: > "$tmp/ms.log"
install_ libnss-gns
grep -q "add 'gns \[!UNAVAIL=return\]' before resolve and dns" "$tmp/ms.log" && ok ||
  bad "postinst did not say what to add to 'hosts:files dns'"

echo "test-nsswitch: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
