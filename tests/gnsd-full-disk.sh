#!/bin/sh
# A full disk says so (issue 12, item 11): gnsd's state directory on a
# small tmpfs in a private mount namespace; records are added until the
# store is full, which must be StorageUnavailable with the reason
# "database or disk is full" (and gnsctl must print it), while the names
# already there keep resolving.
set -u
if [ -z "${GNSD_FULL_DISK_NS:-}" ]; then
  [ "$(id -u)" = 0 ] || { echo "SKIP: needs root for a private mount namespace"; exit 77; }
  command -v unshare >/dev/null || { echo "SKIP: unshare (util-linux) not found"; exit 77; }
  unshare -m true 2>/dev/null || { echo "SKIP: cannot create a mount namespace here"; exit 77; }
  GNSD_FULL_DISK_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi
. "${top_srcdir:-.}/tests/gnsd-lib.sh"
mkdir -p "$STATE"
mount -t tmpfs -o size=400k,mode=0700 gnsd-full "$STATE" || setup_error "mount a tmpfs on $STATE"
unmount() {
  if [ -n "$GNSD_PID" ]; then
    kill -TERM "$GNSD_PID" 2>/dev/null
    wait "$GNSD_PID" 2>/dev/null
    GNSD_PID=
  fi
  umount "$STATE" 2>/dev/null
  cleanup
}
trap unmount EXIT
trap 'exit 1' INT TERM
start_gnsd || fail "start"
"$PY" - <<'PYEOF' || fail "filling the store"
from gnsdtest import Checker, Client, VarlinkError, resolve_socket, zone_socket
t = Checker("gnsd-full-disk")
z = Client(zone_socket(), timeout=60)
z.call("alt.gns.Zone.CreateZone", {"name": "demo"})
z.call("alt.gns.Zone.AddRecord", {"zone": "demo", "record": {"label": "www", "type": "A", "value": "192.0.2.1"}})
err = None
for i in range(2000):
    recs = [{"label": "f%05d" % (i * 20 + k), "type": "TXT", "value": "x" * 200} for k in range(20)]
    try:
        z.call("alt.gns.Zone.ImportRecords", {"zone": "demo", "records": recs})
    except VarlinkError as e:
        err = e
        break
t.ok(err is not None, "the store never filled up")
if err is not None:
    t.eq(err.error, "alt.gns.Zone.StorageUnavailable", "a full disk")
    t.eq(err.parameters.get("reason"), "database or disk is full", "the reason names the cause")
got = Client(resolve_socket()).call("alt.gns.Resolve.ResolveHostname", {"name": "www.demo.gns.alt"})
t.eq([a["address"] for a in got["addresses"]], [[192, 0, 2, 1]], "names resolve on a full disk")
t.done()
PYEOF
# gnsctl says so too (a small record may still fit: add until one does not)
long=$(printf 'y%.0s' $(seq 200))
i=0
out=
while [ $i -lt 200 ]; do
  out=$("$top_builddir/ctl/gnsctl" --runtime-dir "$GNSD_RUNTIME_DIR" record add demo "g$i" TXT "$long" 2>&1) || break
  i=$((i + 1))
done
case $out in *"disk is full"*) ;; *) fail "gnsctl said: $out" ;; esac
kill -0 "$GNSD_PID" || fail "gnsd died"
stop_gnsd || fail "gnsd exited with $?"
echo "gnsd-full-disk: ok"
