#!/bin/sh
# debian/nss-gns-nsswitch over a table of nsswitch.conf samples: "add" gives
# the expected file, "add" again changes nothing, "remove" gives back the
# original byte for byte, and files without our entry survive "remove".
# Run once per awk found (mawk, gawk, busybox), since the script uses
# whatever awk the target system has.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
TOOL="$top_srcdir/debian/nss-gns-nsswitch"
E='gns [NOTFOUND=return TRYAGAIN=return]'
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL [$awkname] $*"; }

# name | input | expected after add   (printf %b escapes; "=" means unchanged)
# A name starting with "keep-" already holds a gns service, so "remove" of
# the expected file is not compared with the input.
CASES="
debian-default|passwd:         files\ngroup:          files\nshadow:         files\ngshadow:        files\n\nhosts:          files dns\nnetworks:       files\n\nprotocols:      db files\nservices:       db files\nethers:         db files\nrpc:            db files\n\nnetgroup:       nis\n|passwd:         files\ngroup:          files\nshadow:         files\ngshadow:        files\n\nhosts:          files $E dns\nnetworks:       files\n\nprotocols:      db files\nservices:       db files\nethers:         db files\nrpc:            db files\n\nnetgroup:       nis\n
mdns|hosts: files mdns4_minimal [NOTFOUND=return] dns myhostname\n|hosts: files mdns4_minimal [NOTFOUND=return] $E dns myhostname\n
resolved|passwd: files systemd\nhosts: mymachines resolve [!UNAVAIL=return] files myhostname dns\n|passwd: files systemd\nhosts: mymachines resolve [!UNAVAIL=return] files myhostname $E dns\n
no-dns|hosts: files myhostname\n|hosts: files myhostname $E\n
no-dns-comment|hosts:\tfiles\t# local names only\n|hosts:\tfiles $E\t# local names only\n
no-dns-trailing-blanks|hosts: files   \n|hosts: files $E   \n
no-dns-bracket-last|hosts: files mdns [NOTFOUND=return]\n|hosts: files mdns [NOTFOUND=return] $E\n
tabs|hosts:\tfiles\tdns\n|hosts:\tfiles\t$E dns\n
odd-spacing|  hosts  :   files    dns   \n|  hosts  :   files    $E dns   \n
no-space-after-colon|hosts:files dns\n|hosts:files $E dns\n
no-space-no-dns|hosts:files\n|hosts:files $E\n
dns-first|hosts: dns files\n|hosts: $E dns files\n
dns-with-action|hosts: files dns [!UNAVAIL=return] \n|hosts: files $E dns [!UNAVAIL=return] \n
dns-after-bracket|hosts: files mdns [NOTFOUND=return]dns\n|hosts: files mdns [NOTFOUND=return]$E dns\n
dns-only-in-comment|hosts: files # dns comes later\n|hosts: files $E # dns comes later\n
comment-no-space|hosts: files dns#trailing\n|hosts: files $E dns#trailing\n
dns-inside-name|hosts: files mdns dnsx\n|hosts: files mdns dnsx $E\n
gns-inside-name|hosts: files mgns dns\n|hosts: files mgns $E dns\n
two-dns|hosts: files dns dns\n|hosts: files $E dns dns\n
empty-hosts|hosts:\n|hosts: $E\n
commented-hosts-first|#hosts: files dns\n# hosts: dns\nhosts: files dns\n|#hosts: files dns\n# hosts: dns\nhosts: files $E dns\n
duplicate-hosts|hosts: files dns\nhosts: dns\n|hosts: files $E dns\nhosts: dns\n
hostsfoo-is-not-hosts|hostsfoo: files dns\nhosts: files dns\n|hostsfoo: files dns\nhosts: files $E dns\n
no-final-newline|passwd: files\nhosts: files dns|passwd: files\nhosts: files $E dns
no-final-newline-no-dns|hosts: files|hosts: files $E
crlf|hosts: files dns\r\npasswd: files\r\n|hosts: files $E dns\r\npasswd: files\r\n
crlf-no-dns|hosts: files\r\n|hosts: files $E\r\n
blank-lines-kept|\n\n\nhosts: files dns\n\n\n|\n\n\nhosts: files $E dns\n\n\n
no-hosts-line|passwd: files\ngroup: files\n|=
empty-file||=
only-comments|# hosts: files dns\n|=
keep-plain-gns|hosts: files gns dns\n|=
keep-own-gns|hosts: files $E dns\n|=
keep-gns-other-actions|hosts: files gns [NOTFOUND=return] dns\n|=
keep-gns-last|hosts: files dns gns\n|=
"

# "remove" only: these are not our entry, or not on the hosts: line.
REMOVE_CASES="
not-exact-spacing|hosts: files gns  [NOTFOUND=return TRYAGAIN=return] dns\n|=
not-exact-actions|hosts: files gns [TRYAGAIN=return NOTFOUND=return] dns\n|=
entry-in-comment|hosts: files dns # $E\n|=
entry-on-other-line|networks: files $E\nhosts: files dns\n|=
own-entry-tab-before|hosts: files\t$E dns\n|hosts: files\tdns\n
own-entry-at-end|hosts: files dns $E\n|hosts: files dns\n
own-entry-alone|hosts: $E\n|hosts:\n
own-entry-no-blank|hosts:$E\n|hosts:\n
"

put() { printf '%b' "$2" > "$1"; }

run_table() {
  printf '%s\n' "$CASES" | while IFS='|' read -r name input expected; do
    [ -n "$name" ] || continue
    put "$tmp/in" "$input"
    if [ "$expected" = "=" ]; then cp "$tmp/in" "$tmp/want"; else put "$tmp/want" "$expected"; fi
    sh "$TOOL" add - < "$tmp/in" > "$tmp/added" 2>/dev/null
    if cmp -s "$tmp/added" "$tmp/want"; then echo ok; else
      echo "bad $name: add gives:"; od -c "$tmp/added" | head -20; fi
    sh "$TOOL" add - < "$tmp/added" > "$tmp/twice" 2>/dev/null
    cmp -s "$tmp/twice" "$tmp/added" && echo ok || echo "bad $name: add is not idempotent"
    sh "$TOOL" remove - < "$tmp/added" > "$tmp/removed" 2>/dev/null
    case "$name" in
      keep-own-gns) ;;   # remove takes our entry out: checked in REMOVE_CASES
      keep-*) cmp -s "$tmp/removed" "$tmp/in" && echo ok || echo "bad $name: remove touched a gns entry that is not ours" ;;
      *) cmp -s "$tmp/removed" "$tmp/in" && echo ok || {
           echo "bad $name: add then remove is not the original:"; od -c "$tmp/removed" | head -20; } ;;
    esac
    sh "$TOOL" remove - < "$tmp/removed" > "$tmp/removed2" 2>/dev/null
    cmp -s "$tmp/removed2" "$tmp/removed" && echo ok || echo "bad $name: remove is not idempotent"
    # status: a gns service is on the hosts: line after add, iff there is a hosts: line.
    if printf '%b' "$input" | grep -q '^[ 	]*hosts[ 	]*:'; then
      sh "$TOOL" status - < "$tmp/added" && echo ok || echo "bad $name: status after add says absent"
    else
      sh "$TOOL" status - < "$tmp/added" 2>/dev/null && echo "bad $name: status without hosts: says present" || echo ok
    fi
  done
  printf '%s\n' "$REMOVE_CASES" | while IFS='|' read -r name input expected; do
    [ -n "$name" ] || continue
    put "$tmp/in" "$input"
    if [ "$expected" = "=" ]; then cp "$tmp/in" "$tmp/want"; else put "$tmp/want" "$expected"; fi
    sh "$TOOL" remove - < "$tmp/in" > "$tmp/out" 2>/dev/null
    cmp -s "$tmp/out" "$tmp/want" && echo ok || { echo "bad $name: remove gives:"; od -c "$tmp/out" | head; }
  done
}

# The file mode: atomic replace, owner/mode kept, symlinks followed,
# untouched files not rewritten, missing file harmless.
run_files() {
  d="$tmp/files"; rm -rf "$d"; mkdir -p "$d/etc" "$d/real"
  printf 'passwd: files\nhosts: files dns\n' > "$d/real/nsswitch.conf"
  cp "$d/real/nsswitch.conf" "$d/orig"
  chmod 0640 "$d/real/nsswitch.conf"
  ln -s ../real/nsswitch.conf "$d/etc/nsswitch.conf"
  sh "$TOOL" add "$d/etc/nsswitch.conf" && echo ok || echo "bad file: add failed"
  [ -L "$d/etc/nsswitch.conf" ] && echo ok || echo "bad file: symlink replaced by a file"
  grep -qFx "hosts: files $E dns" "$d/real/nsswitch.conf" && echo ok || echo "bad file: target not edited"
  [ "$(stat -c %a "$d/real/nsswitch.conf")" = 640 ] && echo ok || echo "bad file: mode not kept"
  sh "$TOOL" status "$d/etc/nsswitch.conf" && echo ok || echo "bad file: status says absent"
  ino=$(stat -c %i "$d/real/nsswitch.conf")
  sh "$TOOL" add "$d/etc/nsswitch.conf" && echo ok || echo "bad file: second add failed"
  [ "$(stat -c %i "$d/real/nsswitch.conf")" = "$ino" ] && echo ok || echo "bad file: unchanged file rewritten"
  sh "$TOOL" remove "$d/etc/nsswitch.conf" && echo ok || echo "bad file: remove failed"
  cmp -s "$d/real/nsswitch.conf" "$d/orig" && echo ok || echo "bad file: add+remove not byte-exact"
  sh "$TOOL" status "$d/etc/nsswitch.conf" && echo "bad file: status after remove says present" || echo ok
  [ -z "$(find "$d/real" -name '.nsswitch.conf.gns.*')" ] && echo ok || echo "bad file: temp file left behind"
  sh "$TOOL" add "$d/missing.conf" 2>/dev/null && echo ok || echo "bad file: missing file is an error"
  [ ! -e "$d/missing.conf" ] && echo ok || echo "bad file: missing file created"
  sh "$TOOL" bogus 2>/dev/null; [ $? -eq 2 ] && echo ok || echo "bad usage: bad verb not rejected"
  sh "$TOOL" 2>/dev/null; [ $? -eq 2 ] && echo ok || echo "bad usage: no verb not rejected"
}

awks=
for a in mawk gawk original-awk busybox; do
  p=$(command -v "$a" 2>/dev/null) || continue
  mkdir -p "$tmp/bin-$a"
  if [ "$a" = busybox ]; then
    "$p" awk 'BEGIN{}' 2>/dev/null || continue
    printf '#!/bin/sh\nexec %s awk "$@"\n' "$p" > "$tmp/bin-$a/awk"; chmod +x "$tmp/bin-$a/awk"
  else
    ln -s "$p" "$tmp/bin-$a/awk"
  fi
  awks="$awks $a"
done
[ -n "$awks" ] || { echo "SKIP: no awk found"; exit 77; }

for awkname in $awks; do
  results=$( (PATH="$tmp/bin-$awkname:$PATH"; run_table; run_files) )
  n_ok=$(printf '%s\n' "$results" | grep -c '^ok$')
  pass=$((pass + n_ok))
  if printf '%s\n' "$results" | grep -q '^bad'; then
    printf '%s\n' "$results" | grep -v '^ok$' | sed "s/^bad/FAIL [$awkname]/"
    fail=$((fail + $(printf '%s\n' "$results" | grep -c '^bad')))
  fi
  echo "awk=$awkname: $n_ok checks passed"
done
echo "test-nsswitch: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
