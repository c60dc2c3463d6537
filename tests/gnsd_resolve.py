# SPDX-License-Identifier: LGPL-2.1-or-later
"""alt.gns.Resolve against a running gnsd (see gnsd-resolve.sh): every
record type, a three-zone PKEY/EDKEY chain, REDIRECT chains and loops,
GNS2DNS and REDIRECT to DNS via dnsmasq, BOX, expired and shadow records,
a revoked zone, a corrupt block in the store, RFC 9498 Appendix B's
example flows, and 64 concurrent clients."""
import os
import sqlite3
import threading
import time

from gnsdtest import Checker, Client, VarlinkError, resolve_socket, zone_socket

t = Checker("gnsd-resolve")
zc = Client(zone_socket())
R = "alt.gns.Resolve."
Z = "alt.gns.Zone."
STORE = os.path.join(os.environ["STATE"], "gnsd.sqlite")
now_us = int(time.time() * 1e6)
B32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def b32decode(s):
    bits = 0
    n = 0
    out = bytearray()
    for ch in s.upper():
        bits = (bits << 5) | B32.index(ch)
        n += 5
        if n >= 8:
            n -= 8
            out.append((bits >> n) & 0xFF)
    return bytes(out)


def zone(name, type_="pkey"):
    return zc.call(Z + "CreateZone", {"name": name, "type": type_})["zone"]


def add(zone_, label, type_, value, **kw):
    r = {"label": label, "type": type_, "value": value}
    r.update(kw)
    zc.call(Z + "AddRecord", {"zone": zone_, "record": r})


def client():
    return Client(resolve_socket())


rc = client()


def host(name, family=0):
    return rc.call(R + "ResolveHostname", {"name": name, "family": family})


def addrs(reply):
    out = []
    for a in reply["addresses"]:
        b = bytes(a["address"])
        if a["family"] == 2:
            out.append(".".join(str(x) for x in b))
        else:
            import ipaddress
            out.append(str(ipaddress.IPv6Address(b)))
    return sorted(out)


def records(name, type_=None):
    p = {"name": name}
    if type_:
        p["type"] = type_
    return rc.call(R + "ResolveRecords", p)


def error(method, params):
    try:
        rc.call(R + method, params)
    except VarlinkError as e:
        return e.error, e.parameters
    return None, None


def host_error(name, family=0):
    return error("ResolveHostname", {"name": name, "family": family})[0]


def stats():
    return zc.call(Z + "GetStatistics")["cache"]


# --- zones: home (pkey) -> mid (edkey) -> leaf (pkey) ---------------------------
home = zone("home")
mid = zone("mid", "edkey")
leaf = zone("leaf")
far = zone("far", "edkey")
add("home", "mid", "EDKEY", mid["ztld"])
add("mid", "leaf", "PKEY", leaf["ztld"])
add("leaf", "www", "A", "192.0.2.10")
add("leaf", "www", "AAAA", "2001:db8::10")
add("leaf", "@", "A", "192.0.2.11")
add("leaf", "v6only", "AAAA", "2001:db8::12")

r = host("www.leaf.mid.home.gns.alt")
t.eq(addrs(r), ["192.0.2.10", "2001:db8::10"], "three-zone chain, both families")
t.eq(r["name"], "www.leaf.mid.home.gns.alt", "no canonical name: the name asked")
t.eq(addrs(host("www.leaf.mid.home.gns.alt", 2)), ["192.0.2.10"], "family 2")
t.eq(addrs(host("www.leaf.mid.home.gns.alt", 10)), ["2001:db8::10"], "family 10")
t.eq(addrs(host("www.leaf.mid.%s.gns.alt" % home["ztld"])), ["192.0.2.10", "2001:db8::10"],
     "the same under the zTLD")
t.eq(addrs(host("www.leaf.mid.%s.gns.alt" % home["ztld"].lower())), ["192.0.2.10", "2001:db8::10"],
     "zTLD in lower case")
t.eq(addrs(host("leaf.mid.home.gns.alt")), ["192.0.2.11"], "ending on a delegation: its apex")
t.eq(addrs(host("www.leaf.gns.alt.")), ["192.0.2.10", "2001:db8::10"], "trailing dot")
t.eq(host("v6only.leaf.gns.alt", 2)["addresses"], [], "exists without an address: []")
z = records("leaf.mid.home.gns.alt", "PKEY")
t.eq([x["type"] for x in z["records"]], ["PKEY"], "asking the delegation type skips the apex")
t.eq(z["zone"], mid["ztld"], "the answering zone")
t.eq(host_error("nope.leaf.gns.alt"), R + "NoSuchName", "NoSuchName")
t.eq(host_error("x.www.leaf.gns.alt"), R + "NoSuchName", "below a non-delegation")
t.eq(host_error("www.nowhere.gns.alt"), R + "NoSuchName", "no start zone")
t.eq(host_error("www.example.com"), R + "NotGNS", "NotGNS")
t.eq(host_error("a..b.home.gns.alt"), R + "InvalidName", "InvalidName")
t.eq(error("ResolveHostname", {"name": "www.leaf.gns.alt", "family": 3})[0],
     "org.varlink.service.InvalidParameter", "bad family")

# --- every record type ----------------------------------------------------------
TYPES = [
    ("A", "192.0.2.1", {"address": "192.0.2.1"}),
    ("AAAA", "2001:db8::1", {"address": "2001:db8::1"}),
    ("NS", "ns1.example.com", None),
    ("CNAME", "alias.example.com", None),
    ("SOA", "ns1.example.com hostmaster.example.com 1 3600 900 604800 300", None),
    ("MX", "10 mx.example.com", None),
    ("TXT", "hello world", None),
    ("SRV", "5 10 443 srv.example.com", None),
    ("CERT", "1 2 3 aGVsbG8=", None),
    ("TLSA", "3 1 1 abcdef0123", None),
    ("URI", "10 1 \"https://example.com/\"", None),
    ("NICK", "alice", None),
    ("LEHO", "legacy.example.org", None),
    ("BOX", "6 443 52 3 1 1 abcdef", None),
    ("GNS2DNS", "example.org@192.0.2.53", None),
]
for i, (ty, val, _) in enumerate(TYPES):
    if ty != "GNS2DNS":  # the zone manager keeps GNS2DNS alone (RFC 9498, 5.2.2)
        add("home", "all", ty, val)
    # each type alone under its own label, asked by its own type
    label = "t%d" % i
    add("home", label, ty, val)
    got = records("%s.home.gns.alt" % label, ty)["records"]
    t.eq([x["type"] for x in got], [ty], "%s alone" % ty)
# one set with every type
got = records("all.home.gns.alt")
t.eq(sorted(x["type"] for x in got["records"]), sorted(x[0] for x in TYPES if x[0] != "GNS2DNS"),
     "every type in one set")
by = {x["type"]: x for x in got["records"]}
t.eq(by["A"]["rdata"], {"address": "192.0.2.1"}, "A rdata")
t.eq(by["AAAA"]["rdata"], {"address": "2001:db8::1"}, "AAAA rdata")
t.ok(isinstance(by["A"]["expiration"], int) and by["A"]["expiration"] > now_us, "expiration")
t.eq(got["cached"], False, "first answer not cached")
t.eq(records("all.home.gns.alt")["cached"], True, "second answer cached")

# --- REDIRECT -----------------------------------------------------------------------
add("home", "r1", "REDIRECT", "r2.+")
add("home", "r2", "REDIRECT", "www.leaf.mid.+")
add("home", "rz", "REDIRECT", "www.%s" % leaf["ztld"])
add("home", "ralt", "REDIRECT", "www.leaf.gns.alt")
add("home", "loop1", "REDIRECT", "loop2.+")
add("home", "loop2", "REDIRECT", "loop1.+")
add("home", "rdns", "REDIRECT", "www.example.com")
r = host("r1.home.gns.alt")
t.eq(addrs(r), ["192.0.2.10", "2001:db8::10"], "REDIRECT chain r1 -> r2 -> www.leaf.mid")
t.eq(r["name"], "www.%s.gns.alt" % leaf["ztld"], "canonical name after redirects")
t.eq(addrs(host("rz.home.gns.alt", 2)), ["192.0.2.10"], "REDIRECT to a zTLD name")
t.eq(addrs(host("ralt.home.gns.alt", 2)), ["192.0.2.10"], "REDIRECT to a .gns.alt name")
t.eq(host_error("loop1.home.gns.alt"), R + "ResolutionLoop", "REDIRECT loop")
r = host("rdns.home.gns.alt", 2)
t.eq(addrs(r), ["192.0.2.1"], "REDIRECT to a DNS name (dnsmasq)")
t.eq(r["name"], "www.example.com", "canonical name is the DNS name")
chain = []
for i in range(20):
    add("home", "c%d" % i, "REDIRECT", "c%d.+" % (i + 1))
add("home", "c20", "A", "192.0.2.20")
t.eq(host_error("c0.home.gns.alt"), R + "ResolutionLoop", "20 redirects exceed max-depth 16")
t.eq(addrs(host("c10.home.gns.alt")), ["192.0.2.20"], "10 redirects are fine")

# --- GNS2DNS (dnsmasq on 127.0.0.1) -------------------------------------------------
add("home", "dns", "GNS2DNS", "example.com@127.0.0.1")
add("home", "ns", "A", "127.0.0.1")
add("home", "dnsrel", "GNS2DNS", "example.com@ns.+")
add("home", "dnsname", "GNS2DNS", "example.com@ns.example.com")
add("home", "dnsnet", "GNS2DNS", "example.net@127.0.0.1")
r = host("www.dns.home.gns.alt")
t.eq(addrs(r), ["192.0.2.1", "2001:db8::1"], "GNS2DNS with an IP server")
t.eq(r["name"], "www.example.com", "GNS2DNS canonical name")
t.eq(addrs(host("www.dnsrel.home.gns.alt", 2)), ["192.0.2.1"], "GNS2DNS server by relative GNS name")
t.eq(addrs(host("www.dnsname.home.gns.alt", 2)), ["192.0.2.1"], "GNS2DNS server by DNS name")
t.eq(addrs(host("www.dnsnet.home.gns.alt", 2)), ["192.0.2.44"], "GNS2DNS to another domain")
t.eq(host_error("nx.dns.home.gns.alt"), R + "NoSuchName", "GNS2DNS NXDOMAIN")
got = records("txt.dns.home.gns.alt", "TXT")["records"]
t.eq([(x["type"], x["rdata"]) for x in got if x["type"] == "TXT"], [("TXT", {"txtData": "hello dns"})],
     "TXT through DNS")
leho = [x for x in got if x["type"] == "LEHO"]
t.eq(len(leho), 1, "supplemental LEHO with the DNS name")
t.ok(leho and "supplemental" in leho[0].get("flags", []), "LEHO is supplemental")
t.eq(records("dns.home.gns.alt", "GNS2DNS")["records"][0]["type"], "GNS2DNS",
     "asking GNS2DNS returns the record")

# --- BOX ----------------------------------------------------------------------------
add("leaf", "www", "BOX", "6 443 52 3 1 1 abcdef")
add("leaf", "www", "BOX", "17 53 33 5 10 53 srv.example.com")
got = records("_443._tcp.www.leaf.gns.alt", "TLSA")["records"]
t.eq([x["type"] for x in got], ["TLSA"], "BOX unboxed for _443._tcp")
t.eq(records("_https._tcp.www.leaf.gns.alt", "TLSA")["records"][0]["rdata"].get(
    "certificateAssociationData"), "abcdef", "BOX by service name")
t.eq([x["type"] for x in records("_53._udp.www.leaf.gns.alt", "SRV")["records"]], ["SRV"],
     "BOX SRV")
t.eq(error("ResolveRecords", {"name": "_80._tcp.www.leaf.gns.alt", "type": "TLSA"})[0],
     R + "NoSuchName", "no BOX for that service")
t.eq(sorted(x["type"] for x in records("www.leaf.gns.alt")["records"]), ["A", "AAAA", "BOX", "BOX"],
     "without a service the BOX records stay boxed")

# --- expired and shadow records ---------------------------------------------------
soon = int(time.time() * 1e6) + 2 * 10**6
later = int(time.time() * 1e6) + 3600 * 10**6
add("home", "exp", "A", "192.0.2.1", expiration=soon)
add("home", "exp", "A", "192.0.2.2", expiration=later)
add("home", "shadow", "A", "192.0.2.3", expiration=soon)
add("home", "shadow", "A", "192.0.2.4", expiration=later, flags=["shadow"])
t.eq(addrs(host("exp.home.gns.alt")), ["192.0.2.1", "192.0.2.2"], "before expiry")
t.eq(addrs(host("shadow.home.gns.alt")), ["192.0.2.3"], "shadow record hidden")
time.sleep(max(0, (soon - time.time() * 1e6) / 1e6) + 0.5)
t.eq(addrs(host("exp.home.gns.alt")), ["192.0.2.2"], "the expired record is gone")
t.eq(addrs(host("shadow.home.gns.alt")), ["192.0.2.4"], "the shadow record takes over")

# --- a revoked zone (injected into the store) -------------------------------------
add("far", "www", "A", "192.0.2.77")
add("home", "far", "EDKEY", far["ztld"])
t.eq(addrs(host("www.far.home.gns.alt")), ["192.0.2.77"], "before revocation")
db = sqlite3.connect(STORE, timeout=10)
db.execute("INSERT INTO revocations(zkey, timestamp, expires, message) VALUES (?, ?, ?, ?)",
           (b32decode(far["ztld"]), now_us, now_us + 3600 * 10**6, b"\0" * 16))
db.commit()
t.eq(host_error("www2.far.home.gns.alt"), R + "ZoneRevoked", "revoked zone (uncached name)")
t.eq(host_error("www.far.gns.alt"), R + "ZoneRevoked", "revoked start zone")
db.execute("DELETE FROM revocations")
db.commit()

# --- a corrupt block in the store --------------------------------------------------
before = set(q for (q,) in db.execute("SELECT q FROM blocks"))
add("home", "victim", "A", "192.0.2.99")
new = [q for (q,) in db.execute("SELECT q FROM blocks") if q not in before]
t.eq(len(new), 1, "one new block")
if new:
    (blk,) = db.execute("SELECT block FROM blocks WHERE q = ?", (new[0],)).fetchone()
    bad = bytearray(blk)
    bad[len(bad) // 2] ^= 0x55
    db.execute("UPDATE blocks SET block = ? WHERE q = ?", (bytes(bad), new[0]))
    db.commit()
bad_before = stats().get("badBlocks", 0)
t.eq(host_error("victim.home.gns.alt"), R + "NoSuchName", "a corrupt block is ignored")
t.eq(stats().get("badBlocks", 0), bad_before + 1, "and counted")
zc.call(Z + "Publish", {"zone": "home"})
t.eq(addrs(host("victim.home.gns.alt")), ["192.0.2.99"], "re-published: resolves again")
db.close()

# --- RFC 9498, Appendix B: example flows -------------------------------------------
gnu = zone("gnu")
b1 = zone("b1")
add("gnu", "example", "PKEY", b1["ztld"])
add("b1", "www", "AAAA", "2001:db8::1")
t.eq(addrs(host("www.example.gnu.gns.alt", 10)), ["2001:db8::1"], "B.1 AAAA")
tld = zone("tld")
b2 = zone("b2")
add("tld", "example", "PKEY", b2["ztld"])
add("b2", "www", "REDIRECT", "www2.+")
add("b2", "www2", "AAAA", "2001:db8::1")
t.eq(addrs(host("www.example.tld.gns.alt", 10)), ["2001:db8::1"], "B.2 REDIRECT")
zc.call(Z + "DeleteRecords", {"zone": "gnu", "label": "example"})
add("gnu", "example", "GNS2DNS", "example.com@127.0.0.1")
t.eq(addrs(host("www.example.gnu.gns.alt", 10)), ["2001:db8::1"], "B.3 GNS2DNS")

# --- 64 concurrent clients ----------------------------------------------------------
names = [("www.leaf.mid.home.gns.alt", ["192.0.2.10", "2001:db8::10"]),
         ("r1.home.gns.alt", ["192.0.2.10", "2001:db8::10"]),
         ("www.dns.home.gns.alt", ["192.0.2.1", "2001:db8::1"]),
         ("www.example.tld.gns.alt", ["2001:db8::1"])]
errors = []


def worker(k):
    try:
        c = client()
        for i in range(25):
            n, want = names[(k + i) % len(names)]
            got = addrs(c.call(R + "ResolveHostname", {"name": n}))
            if got != want:
                errors.append("%s: %r" % (n, got))
            if i % 5 == 0:
                try:
                    c.call(R + "ResolveHostname", {"name": "miss%d-%d.home.gns.alt" % (k, i)})
                    errors.append("miss resolved")
                except VarlinkError as e:
                    if e.error != R + "NoSuchName":
                        errors.append(e.error)
        c.close()
    except Exception as e:  # noqa: BLE001 - report any failure
        errors.append(repr(e))


zc.call(Z + "Publish", {})  # also drops every cached answer
threads = [threading.Thread(target=worker, args=(k,)) for k in range(64)]
for th in threads:
    th.start()
for th in threads:
    th.join()
t.eq(errors[:5], [], "64 concurrent clients")
s = stats()
t.ok(s.get("cacheHits", 0) > 0, "the answer cache served some of them")
t.eq(s.get("pending"), 0, "no request left pending")
t.done()
