#!/bin/sh
# The Zone socket checks SO_PEERCRED: an unprivileged uid that manages to
# connect gets alt.gns.Zone.PermissionDenied; the Resolve socket is open.
# Also the modes of the sockets, the state directory and the database.
set -u
. "${top_srcdir:-.}/tests/gnsd-lib.sh"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to switch to uid 65534"; exit 77; }
command -v setpriv >/dev/null || { echo "SKIP: setpriv (util-linux) not found"; exit 77; }
start_gnsd || fail "start"

mode() { stat -c %a "$1"; }
[ "$(mode "$GNSD_RUNTIME_DIR/alt.gns.Resolve")" = 666 ] || fail "Resolve socket mode $(mode "$GNSD_RUNTIME_DIR/alt.gns.Resolve")"
[ "$(mode "$GNSD_RUNTIME_DIR/alt.gns.Zone")" = 660 ] || fail "Zone socket mode $(mode "$GNSD_RUNTIME_DIR/alt.gns.Zone")"
[ "$(mode "$STATE")" = 700 ] || fail "state dir mode $(mode "$STATE")"
[ "$(mode "$STATE/gnsd.sqlite")" = 600 ] || fail "database mode $(mode "$STATE/gnsd.sqlite")"
if getent group gnsd >/dev/null; then
  [ "$(stat -c %G "$GNSD_RUNTIME_DIR/alt.gns.Zone")" = gnsd ] || fail "Zone socket group"
fi

# Let nobody reach the sockets at all, so that the check inside gnsd is
# what stops it (defence in depth behind the 0660 mode).
nobody_tree
chmod 0755 "$TMP" "$GNSD_RUNTIME_DIR"
chmod 0666 "$GNSD_RUNTIME_DIR/alt.gns.Zone"
cat > "$NOBODY_DIR/denied.py" <<'PYEOF'
from gnsdtest import Checker, Client, resolve_socket, zone_socket
t = Checker("gnsd-permission")
z = Client(zone_socket())
for method, params in [("ListZones", {}), ("CreateZone", {"name": "x"}),
                       ("ExportKey", {"name": "root"}), ("GetStatistics", {}),
                       ("DeleteZone", {"name": "root"})]:
    e, p = z.error("alt.gns.Zone." + method, params)
    t.eq(e, "alt.gns.Zone.PermissionDenied", method + " as nobody")
# the service interface still answers, and the connection stays usable
t.eq(z.call("org.varlink.service.GetInfo")["product"], "gnsd", "GetInfo as nobody")
r = Client(resolve_socket())
e, p = r.error("alt.gns.Resolve.ResolveHostname", {"name": "x.gns.alt"})
t.eq(e, "alt.gns.Resolve.NoSuchName", "Resolve is open to everyone")
t.done()
PYEOF
chmod a+r "$NOBODY_DIR/denied.py"
cat > "$TMP/allowed.py" <<'PYEOF'
from gnsdtest import Checker, Client, zone_socket
t = Checker("gnsd-permission-root")
z = Client(zone_socket())
t.eq(z.call("alt.gns.Zone.CreateZone", {"name": "root"})["zone"]["name"], "root", "root may manage")
t.done()
PYEOF
"$PY" "$TMP/allowed.py" || fail "root was refused"
setpriv --reuid=65534 --regid=65534 --clear-groups env PYTHONPATH="$NOBODY_DIR" \
  GNSD_RUNTIME_DIR="$GNSD_RUNTIME_DIR" "$PY" "$NOBODY_DIR/denied.py" || fail "nobody was not refused"
# nothing changed on nobody's behalf
"$PY" - <<'PYEOF' || fail "zones changed"
from gnsdtest import Client, zone_socket
z = Client(zone_socket())
assert [x["name"] for x in z.call("alt.gns.Zone.ListZones")["zones"]] == ["root"]
PYEOF
if getent group gnsd >/dev/null; then
  setpriv --reuid=65534 --regid=65534 --groups="$(getent group gnsd | cut -d: -f3)" \
    env PYTHONPATH="$NOBODY_DIR" GNSD_RUNTIME_DIR="$GNSD_RUNTIME_DIR" "$PY" - <<'PYEOF' || fail "gnsd group refused"
from gnsdtest import Client, zone_socket
z = Client(zone_socket())
z.call("alt.gns.Zone.ListZones")
PYEOF
fi
stop_gnsd || fail "gnsd exited with $?"
