#!/bin/bash
# gnsctl end to end through a real gnsd in a temp dir: every command, bad
# input for every argument (exit 2 for usage, 1 for failures, one line on
# stderr), an RPP round trip of a zone with every record type, and an import
# that fails halfway changing nothing.
set -u
. "${top_srcdir:-.}/tests/gnsd-lib.sh"
GNSCTL="$top_builddir/ctl/gnsctl"
T=$TMP
# A low revocation difficulty so that `gnsctl revoke` finishes in seconds.
DIFF=3
printf '[revocation]\ndifficulty = %s\n' "$DIFF" >"$CONF"
start_gnsd || exit 1
G() { "$GNSCTL" --runtime-dir "$GNSD_RUNTIME_DIR" "$@"; }

# expect CODE CMD...: run, check the exit code, keep stdout in $out, stderr in $err
expect() {
  local want=$1; shift
  out=$(G "$@" 2>"$T/err"); local got=$?
  err=$(cat "$T/err")
  if [ "$got" != "$want" ]; then
    fail "gnsctl $* exited $got, want $want; stderr: $err"
  fi
  if [ "$want" != 0 ]; then
    [ -n "$err" ] || fail "gnsctl $*: no error message"
    [ "$(printf '%s\n' "$err" | wc -l)" -le 2 ] || fail "gnsctl $*: error is not one line: $err"
    case $err in gnsctl:*) ;; *) fail "gnsctl $*: error does not start with 'gnsctl:': $err" ;; esac
  fi
}
contains() { case $1 in *"$2"*) ;; *) fail "expected '$2' in: $1" ;; esac; }

# --- usage ------------------------------------------------------------------
expect 0 --help
contains "$out" "record add"
expect 2
expect 2 frobnicate
expect 2 zone
expect 2 zone create
expect 2 zone create a b
expect 2 zone create x --type rsa
expect 2 record add demo www
expect 2 --bogus-option status
expect 2 status --expire 1d
expect 2 zone list --replace

# --- zones ------------------------------------------------------------------
expect 0 zone create demo
ztld=$out
[ ${#ztld} -eq 58 ] || fail "zTLD '$ztld' is not 58 characters"
case $ztld in 000G00*) ;; *) fail "PKEY zTLD should start 000G00: $ztld" ;; esac
expect 0 zone create ed --type edkey
case $out in 000G05*) ;; *) fail "EDKEY zTLD should start 000G05: $out" ;; esac
edztld=$out
expect 1 zone create demo
contains "$err" "exists"
expect 0 zone list
contains "$out" "demo"
contains "$out" "$ztld"
contains "$out" "edkey"
expect 0 --json zone list
python3 -c 'import json,sys; d=json.load(sys.stdin); assert {z["name"] for z in d["zones"]} >= {"demo","ed"}' <<<"$out" \
  || fail "zone list --json is not the documented JSON"
expect 0 zone show demo
contains "$out" "$ztld"
expect 1 zone show nosuch
contains "$err" "no zone named 'nosuch'"
expect 1 zone delete nosuch

# key export/import: the imported zone has the same zTLD
expect 0 zone export-key ed
key=$out
expect 0 zone delete ed
expect 0 zone import-key ed2 $key
[ "$out" = "$edztld" ] || fail "imported key gives $out, want $edztld"
printf '%s\n' "$key" | G zone import-key ed3 >"$T/out" 2>"$T/err" && fail "importing the same key twice should fail" || true
expect 1 zone import-key bad pkey NOTAKEY

# --- records: every type ------------------------------------------------------
while IFS='|' read -r label type value; do
  [ -n "$label" ] || continue
  expect 0 record add demo "$label" "$type" "$value"
  [ -z "$err" ] || fail "record add demo $label: unexpected message: $err"
done <<EOF2
www|A|127.0.0.1
www|AAAA|::1
@|NICK|demo
mail|MX|10 mx.example.com
txt|TXT|hello world
alias|CNAME|www.example.com
ns|NS|ns1.example.com
sip|SRV|10 20 5060 sip.example.com
tls|TLSA|3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
uri|URI|10 1 https://example.com/
soa|SOA|ns1.example.com hostmaster.example.com 2026112501 3600 600 604800 300
sub|PKEY|$ztld
edsub|EDKEY|$edztld
www|LEHO|www.example.com
red|REDIRECT|www.+
dns|GNS2DNS|example.org@192.0.2.53
www|BOX|6 443 52 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
EOF2
expect 0 record add demo tmp A 192.0.2.7 --expire 2h
expect 0 record add demo tmp A 192.0.2.8 --expire 2h --relative --shadow
expect 0 record add demo tmp A 192.0.2.9 --expire 2099-01-01 --supplemental
expect 0 record add demo tmp TXT secret --expire never --private
expect 0 record list demo
contains "$out" "192.0.2.7"
contains "$out" "shadow"
contains "$out" "private"
contains "$out" "10 mx.example.com"
expect 0 record list demo tmp
[ "$(printf '%s\n' "$out" | grep -c '^tmp')" = 4 ] || fail "record list demo tmp: want 4 rows: $out"

# bad input for every argument of record add
expect 1 record add nosuch www A 192.0.2.1
expect 2 record add demo www NOTATYPE 1
expect 2 record add demo www A 300.1.1.1
contains "$err" "invalid A value"
expect 2 record add demo www AAAA 192.0.2.1
expect 2 record add demo www MX mx.example.com
expect 2 record add demo www PKEY NOTAZTLD
expect 2 record add demo www A 192.0.2.1 --expire soon
expect 2 record add demo www A 192.0.2.1 --expire never --relative
expect 2 record add demo www A 192.0.2.1 --expire 2030-01-01 --relative
expect 1 record add demo @ PKEY "$ztld"        # delegation at the apex is not allowed
expect 1 record add demo 'bad.label' A 192.0.2.1
expect 1 record add demo "$(printf 'x%.0s' $(seq 64))" A 192.0.2.1

# delete
expect 0 record delete demo tmp TXT
expect 0 record delete demo tmp A 192.0.2.9
expect 0 record list demo tmp
[ "$(printf '%s\n' "$out" | grep -c '^tmp')" = 2 ] || fail "after deletes want 2 tmp rows: $out"
expect 1 record delete demo nosuchlabel
expect 0 record delete demo tmp

# --- RPP JSON round trip -----------------------------------------------------
expect 0 export demo
echo "$out" >"$T/demo.json"
python3 - "$T/demo.json" <<'PY' || fail "export is not RPP JSON"
import json, sys
d = json.load(open(sys.argv[1]))
recs = d["dns"]["records"]
assert len(recs) >= 17, len(recs)
for r in recs:
    assert set(r) >= {"name", "type", "rdata"}, r
    assert r["type"] == r["type"].lower(), r
    assert isinstance(r["rdata"], dict), r
PY
expect 0 zone create copy
expect 0 import copy "$T/demo.json"
contains "$out" "imported"
expect 0 export copy
echo "$out" >"$T/copy.json"
python3 - "$T/demo.json" "$T/copy.json" <<'PY' || fail "export, import, export is not lossless"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert a["dns"] == b["dns"], (a["dns"], b["dns"])
PY

# an import that fails halfway changes nothing
python3 - "$T/demo.json" "$T/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
recs = d["dns"]["records"]
recs.insert(3, {"name": "broken", "type": "a", "rdata": {"address": "999.1.2.3"}})
json.dump(d, open(sys.argv[2], "w"))
PY
expect 1 import copy "$T/bad.json" --replace
contains "$err" "record 3"
contains "$err" "address"
# the same with a fault only gnsd can see (a delegation at the apex): gnsd's
# transaction must leave the zone as it was
python3 - "$T/demo.json" "$T/bad2.json" "$ztld" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["dns"]["records"].insert(3, {"name": "@", "type": "pkey", "rdata": {"zoneKey": sys.argv[3]}})
json.dump(d, open(sys.argv[2], "w"))
PY
expect 1 import copy "$T/bad2.json" --replace
contains "$err" "record 3"
expect 0 export copy
[ "$out" = "$(cat "$T/copy.json")" ] || fail "a failed import changed the zone"
expect 1 import copy /nonexistent.json
echo '{"dns": {"records": [' >"$T/trunc.json"
expect 1 import copy "$T/trunc.json"
contains "$err" "JSON syntax error"
echo '{"records": []}' >"$T/shape.json"
expect 1 import copy "$T/shape.json"
expect 1 import copy - <"$T/demo.json"
contains "$err" "duplicate"
expect 0 import copy - --replace <"$T/demo.json"

# on a terminal the import shows its progress: records sent, then the
# labels still to sign until gnsd commits (2,000 PKEY labels take a second
# or more to sign, so at least one report comes)
if command -v script >/dev/null; then
  python3 - "$T/many.json" <<'PY' || fail "cannot write many.json"
import json, sys
recs = [{"name": "m%d" % i, "type": "a", "rdata": {"address": "10.9.%d.%d" % (i >> 8, i & 255)}}
        for i in range(2000)]
json.dump({"@type": "Zone", "name": "many", "dns": {"records": recs}}, open(sys.argv[1], "w"))
PY
  expect 0 zone create many --type pkey
  timeout 120 script -qec "$GNSCTL --runtime-dir $GNSD_RUNTIME_DIR import many $T/many.json" \
    /dev/null >"$T/tty.out" 2>&1 || fail "import on a terminal failed: $(cat "$T/tty.out")"
  tty_out=$(tr '\r' '\n' <"$T/tty.out")
  contains "$tty_out" "records sent"
  contains "$tty_out" "labels to go"
  contains "$tty_out" "imported 2000 record(s) into many"
else
  echo "# skipped the terminal progress check: script(1) not found"
fi

# --- start zones ---------------------------------------------------------------
expect 0 start-zone add pin "$ztld"
expect 0 start-zone add mine demo
expect 0 start-zone list
contains "$out" "pin"
contains "$out" "$ztld"
expect 1 start-zone add bad NOTAZTLD
expect 0 start-zone remove pin
expect 1 start-zone remove pin

# --- resolve -------------------------------------------------------------------
if G resolve www.demo.gns.alt >"$T/out" 2>"$T/err"; then
  out=$(cat "$T/out")
  contains "$out" "127.0.0.1"
  contains "$out" "zone"
  contains "$out" "by resolution"
  expect 0 resolve www.demo.gns.alt
  contains "$out" "from cache"
  expect 0 resolve _443._tcp.www.demo.gns.alt --type TLSA
  contains "$out" "3 1 1 0123456789abcdef"
  expect 0 --json resolve www.demo.gns.alt
  contains "$out" "took_usec"
  expect 1 resolve nosuch.demo.gns.alt
  contains "$err" "no such name"
  expect 1 resolve www.example.com
  contains "$err" "not a GNS name"
  expect 2 resolve www.demo.gns.alt --type NOPE
else
  fail "gnsctl resolve www.demo.gns.alt failed: $(cat "$T/err")"
fi

# --- revocation (gnsd is configured with a low difficulty; gnsctl learns it) ----
expect 0 zone create doomed
expect 0 revocation show doomed
contains "$out" "not revoked"
# Below gnsd's difficulty: refused before any work (gnsd would refuse the
# proof after it).
expect 1 revoke doomed --difficulty $((DIFF - 1))
contains "$err" "difficulty $DIFF"
case $err in *computing*) fail "gnsctl computed a proof gnsd refuses: $err" ;; esac
# No --difficulty: gnsd's. At RFC 9498's 22 it would take hours; the
# timeout makes that a failure that says so, not a hang.
out=$(XDG_STATE_HOME="$T/xdg" timeout 120 "$GNSCTL" --runtime-dir "$GNSD_RUNTIME_DIR" \
  revoke doomed 2>"$T/err")
rc=$?
err=$(cat "$T/err")
[ "$rc" = 0 ] ||
  fail "gnsctl revoke without --difficulty exited $rc (124: not done in 120 s, so not at gnsd's difficulty $DIFF); stderr: $err"
contains "$err" "(difficulty $DIFF,"
contains "$out" "revoked"
expect 0 revocation show doomed
contains "$out" "revoked at"
expect 1 revoke doomed --difficulty "$DIFF"
expect 1 revoke doomed
contains "$err" "revoked already"

# A gnsd that does not say its difficulty (an older one, faked here):
# gnsctl works to RFC 9498's 22 and says why; interrupted after 2 s, it
# saves its progress.
OLD="$T/old-gnsd"
mkdir -p "$OLD"
python3 - "$OLD/alt.gns.Zone" "$edztld" <<'PYEOF' &
import json, socket, sys
path, ztld = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(1)
s.settimeout(60)
c, _ = s.accept()
c.settimeout(60)
buf = b""
while not buf.endswith(b"\0"):
    d = c.recv(4096)
    if not d:
        sys.exit(1)
    buf += d
assert json.loads(buf[:-1])["method"] == "alt.gns.Zone.GetZone"
zone = {"name": "old", "type": "edkey", "ztld": ztld, "records": 0, "revoked": False}
c.sendall(json.dumps({"parameters": {"zone": zone}}).encode() + b"\0")
try:
    c.recv(1)  # until gnsctl is done
except OSError:
    pass
PYEOF
old_pid=$!
for _ in $(seq 50); do [ -S "$OLD/alt.gns.Zone" ] && break; sleep 0.1; done
out=$(XDG_STATE_HOME="$T/xdg" timeout --preserve-status -s INT 2 "$GNSCTL" --runtime-dir "$OLD" revoke old 2>"$T/err")
rc=$?
err=$(cat "$T/err")
kill "$old_pid" 2>/dev/null
wait "$old_pid" 2>/dev/null
[ "$rc" = 1 ] || fail "gnsctl revoke against a gnsd without revocationDifficulty exited $rc; stderr: $err"
contains "$err" "note: gnsd did not say which revocation difficulty"
contains "$err" "(difficulty 22,"
contains "$err" "progress saved"

# --- labels are case-sensitive (RFC 9498): upper case is added, with a warning ---
expect 0 record add demo WWW A 192.0.2.9
contains "$err" "warning: label 'WWW' has upper-case letters"
contains "$err" "case-sensitive"
contains "$err" "'www' does not find"
expect 0 record add demo Ünï A 192.0.2.9
contains "$err" "'ünï' does not find"
expect 0 record list demo WWW
contains "$out" "192.0.2.9"
expect 0 record add demo ünï A 192.0.2.10
[ -z "$err" ] || fail "a lower-case label got a message: $err"

# --- status and permissions ---------------------------------------------------------
sleep 1   # an uptime of at least 1 s
expect 0 status
contains "$out" "gnsd"
# human durations and dates; raw values only under --json
printf '%s\n' "$out" | grep -Eq '^gnsd .*, up [0-9]+[wdhms]( [0-9]+[wdhms])?$' ||
  fail "status: uptime not a duration in seconds or more: $(printf '%s\n' "$out" | head -n 1)"
printf '%s\n' "$out" | grep -Eq '^ +lastPublished +20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC \(.* ago\)$' ||
  fail "status: lastPublished is not a date: $(printf '%s\n' "$out" | grep lastPublished)"
printf '%s\n' "$out" | grep -Eq '^ +nextExpiration +20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC \(in .*\)$' ||
  fail "status: nextExpiration is not a date: $(printf '%s\n' "$out" | grep nextExpiration)"
printf '%s\n' "$out" | grep -Eq '[0-9]{13,}' && fail "status: raw microseconds in the text output: $out"
expect 0 --json status
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["uptime"] >= 1; assert d["store"]["lastPublished"] > 10**15' <<<"$out" || fail "status --json: $out"
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
  # a copy of gnsctl that nobody can run: the clone may be in /root (0700)
  nobody_tree "$GNSCTL"
  setpriv --reuid=65534 --regid=65534 --clear-groups "$NOBODY_DIR/gnsctl" --version >/dev/null 2>&1 ||
    setup_error "uid 65534 cannot run $NOBODY_DIR/gnsctl"
  setpriv --reuid=65534 --regid=65534 --clear-groups "$NOBODY_DIR/gnsctl" --runtime-dir "$GNSD_RUNTIME_DIR" zone list >/dev/null 2>"$T/err"
  [ $? = 1 ] || fail "an unprivileged user could list zones"
  contains "$(cat "$T/err")" "permission denied"
fi
stop_gnsd
expect 1 zone list
contains "$err" "is gnsd running"
echo "gnsctl: all checks passed"
exit 0
