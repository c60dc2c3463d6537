# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every alt.gns.Zone method against a running gnsd, with good input and
bad input for each parameter."""
import sys
import time

from gnsdtest import Checker, Client, VarlinkError, zone_socket

t = Checker("gnsd-zone")
c = Client(zone_socket())
Z = "alt.gns.Zone."
INVALID = Z + "InvalidParameter"
SVC_INVALID = "org.varlink.service.InvalidParameter"
RFC_PKEY_ZTLD = "000G0037FH3QTBCK15Y8BCCNRVWPV17ZC7TSGB1C9ZG2TPGHZVFV1GMG3W"
RFC_EDKEY_ZTLD = "000G051WYJWJ80S04BRDRM2R2H9VGQCKP13VCFA4DHC4BJT88HEXQ5K8HW"
# RFC 9498, D.3: the PKEY zone of the revocation example (d, Base32GNS)
RFC_REV_D = "DZN35G2TYP5ZN5WNAF8RGR2ZTNYRQYEC4RXQHNFQ8Y60FECRXNR0"
RFC_REV_ZTLD = "000G001CM8HYGYFCRJXXXDET2WRS50EP7CQ3PTANY71QEQ409ACDBY6XN8"
now_us = int(time.time() * 1e6)


def call(method, params=None):
    return c.call(Z + method, params)


def expect_error(method, params, error, parameter=None, what=None, index=None):
    e, p = c.error(Z + method, params)
    label = what or "%s(%s)" % (method, params)
    t.eq(e, error, label)
    if parameter is not None:
        t.eq(p.get("parameter"), parameter, label + " parameter")
    if index is not None:
        t.eq(p.get("index"), index, label + " index")
    if error == INVALID:
        t.ok(isinstance(p.get("reason"), str) and p["reason"], label + " has a reason")
    return p


def rec(label, type_, value, **kw):
    r = {"label": label, "type": type_, "value": value}
    r.update(kw)
    return r


# --- CreateZone / GetZone / ListZones ---
z = call("CreateZone", {"name": "example"})["zone"]
t.eq(z["name"], "example", "CreateZone name")
t.eq(z["type"], "pkey", "CreateZone defaults to pkey")
t.eq(len(z["ztld"]), 58, "pkey zTLD length")
t.eq((z["records"], z["revoked"]), (0, False), "new zone is empty and not revoked")
e = call("CreateZone", {"name": "ed", "type": "edkey"})["zone"]
t.eq(e["type"], "edkey", "CreateZone edkey")
t.ok(e["ztld"].startswith("000G05"), "edkey zTLD prefix (ztype 65556)")
t.eq(call("GetZone", {"name": "example"})["zone"], z, "GetZone = CreateZone's zone")
t.eq(call("GetZone", {"name": "EXAMPLE"})["zone"]["name"], "example", "zone names are case-insensitive")
t.eq([x["name"] for x in call("ListZones")["zones"]], ["ed", "example"], "ListZones in name order")
t.eq(call("ListZones", {})["zones"][0]["name"], "ed", "ListZones with {} parameters")
expect_error("CreateZone", {"name": "example"}, Z + "ZoneExists", what="CreateZone duplicate")
expect_error("CreateZone", {"name": "Example"}, Z + "ZoneExists", what="CreateZone duplicate, other case")
for bad in ["", "a.b", "@", "+", "has space", "x" * 64, "a/b", "\u00e9\u0301" * 40]:
    expect_error("CreateZone", {"name": bad}, INVALID, "name", what="CreateZone name %r" % bad[:20])
expect_error("CreateZone", {"name": "t", "type": "rsa"}, INVALID, "type")
expect_error("CreateZone", {"name": 5}, INVALID, "name", what="CreateZone name not a string")
expect_error("CreateZone", {}, INVALID, "name", what="CreateZone without name")
expect_error("CreateZone", {"name": "t", "extra": 1}, INVALID, "extra")
t.eq(call("CreateZone", {"name": "Caf\u00e9"})["zone"]["name"], "Caf\u00e9", "UTF-8 zone name")
t.eq(call("CreateZone", {"name": "Cafe\u0301x"})["zone"]["name"], "Caf\u00e9x", "zone names are NFC")
expect_error("GetZone", {"name": "nope"}, Z + "NoSuchZone", what="GetZone unknown")
expect_error("GetZone", {"name": "a.b"}, Z + "NoSuchZone", what="GetZone invalid name")
expect_error("GetZone", {}, INVALID, "name", what="GetZone without name")
expect_error("ListZones", {"x": 1}, INVALID, "x", what="ListZones extra")

# --- ExportKey / ImportKey ---
k = call("ExportKey", {"name": "example"})
t.eq(k["type"], "pkey", "ExportKey type")
t.eq(len(k["key"]), 52, "ExportKey: 32 bytes in Base32GNS")
expect_error("ExportKey", {"name": "nope"}, Z + "NoSuchZone", what="ExportKey unknown")
expect_error("ExportKey", {}, INVALID, "name", what="ExportKey without name")
imp = call("ImportKey", {"name": "rev", "type": "pkey", "key": RFC_REV_D})["zone"]
t.eq(imp["ztld"], RFC_REV_ZTLD, "ImportKey of the RFC's D.3 key gives its zTLD")
expect_error("ImportKey", {"name": "copy", "type": "pkey", "key": k["key"]}, INVALID, "key",
             what="ImportKey of a key that is already a zone")
expect_error("ImportKey", {"name": "example", "type": "pkey", "key": RFC_REV_D}, Z + "ZoneExists",
             what="ImportKey onto an existing name")
expect_error("ImportKey", {"name": "x", "type": "pkey", "key": "notbase32!"}, INVALID, "key")
expect_error("ImportKey", {"name": "x", "type": "pkey", "key": "0000"}, INVALID, "key",
             what="ImportKey short key")
expect_error("ImportKey", {"name": "x", "type": "dsa", "key": RFC_REV_D}, INVALID, "type")
expect_error("ImportKey", {"name": "a b", "type": "pkey", "key": RFC_REV_D}, INVALID, "name")
expect_error("ImportKey", {"name": "x", "type": "pkey"}, INVALID, "key", what="ImportKey without key")
# round trip: export, delete, import gives the same zTLD
ed_key = call("ExportKey", {"name": "ed"})
call("DeleteZone", {"name": "ed"})
again = call("ImportKey", {"name": "ed", "type": ed_key["type"], "key": ed_key["key"]})["zone"]
t.eq(again["ztld"], e["ztld"], "export/delete/import keeps the zone identity")

# --- AddRecord / ListRecords ---
call("AddRecord", {"zone": "example", "record": rec("www", "A", "192.0.2.1")})
call("AddRecord", {"zone": "example", "record": rec("www", "AAAA", "2001:db8::1",
                                                   expiration=now_us + 3600 * 10**6)})
call("AddRecord", {"zone": "example", "record": rec("@", "TXT", "hello world",
                                                   flags=["supplemental"])})
call("AddRecord", {"zone": "example", "record": rec("sub", "PKEY", RFC_PKEY_ZTLD)})
call("AddRecord", {"zone": "example", "record": rec("secret", "A", "10.0.0.1", flags=["private"])})
call("AddRecord", {"zone": "example", "record": rec("short", "A", "192.0.2.9",
                                                   expiration=60 * 10**6, flags=["relative"])})
recs = call("ListRecords", {"zone": "example"})["records"]
t.eq([(r["label"], r["type"]) for r in recs],
     [("@", "TXT"), ("secret", "A"), ("short", "A"), ("sub", "PKEY"), ("www", "A"), ("www", "AAAA")],
     "ListRecords, ordered by label")
by = {(r["label"], r["type"]): r for r in recs}
t.eq(by[("www", "A")]["value"], "192.0.2.1", "A value round trip")
t.eq(by[("www", "A")]["flags"], ["relative"], "no expiration: relative default lifetime")
t.eq(by[("www", "A")]["expiration"], 7 * 86400 * 10**6, "default record-lifetime is 7d")
t.eq(by[("www", "AAAA")]["expiration"], now_us + 3600 * 10**6, "absolute expiration kept")
t.eq(by[("www", "AAAA")]["flags"], [], "absolute record has no flags")
t.eq(by[("sub", "PKEY")]["flags"], ["critical", "relative"], "delegations get CRITICAL")
t.eq(by[("sub", "PKEY")]["value"], RFC_PKEY_ZTLD, "PKEY value round trip")
t.eq(by[("short", "A")]["expiration"], 60 * 10**6, "relative expiration kept")
t.eq(by[("secret", "A")]["flags"], ["private", "relative"], "private flag kept")
t.eq(len(call("ListRecords", {"zone": "example", "label": "www"})["records"]), 2,
     "ListRecords by label")
t.eq(call("ListRecords", {"zone": "example", "label": "none"})["records"], [], "empty label")
t.eq(call("GetZone", {"name": "example"})["zone"]["records"], 6, "Zone.records counts")
expect_error("ListRecords", {"zone": "nope"}, Z + "NoSuchZone", what="ListRecords unknown zone")
expect_error("ListRecords", {"zone": "example", "label": "a.b"}, INVALID, "label")
expect_error("ListRecords", {"zone": "example", "label": 3}, INVALID, "label",
             what="ListRecords label not a string")

good = rec("x", "A", "192.0.2.2")
bad_records = [
    ({"zone": "nope", "record": good}, Z + "NoSuchZone", None),
    ({"zone": "example"}, INVALID, "record"),
    ({"zone": "example", "record": "A 1.2.3.4"}, INVALID, "record"),
    ({"record": good}, INVALID, "zone"),
    ({"zone": "example", "record": {"type": "A", "value": "1.2.3.4"}}, INVALID, "record.label"),
    ({"zone": "example", "record": rec("", "A", "192.0.2.2")}, INVALID, "record.label"),
    ({"zone": "example", "record": rec("a.b", "A", "192.0.2.2")}, INVALID, "record.label"),
    ({"zone": "example", "record": rec("+", "A", "192.0.2.2")}, INVALID, "record.label"),
    ({"zone": "example", "record": rec("x" * 64, "A", "192.0.2.2")}, INVALID, "record.label"),
    ({"zone": "example", "record": rec("x", "BOGUS", "1")}, INVALID, "record.type"),
    ({"zone": "example", "record": rec("x", 1, "1")}, INVALID, "record.type"),
    ({"zone": "example", "record": rec("x", "A", "300.1.1.1")}, INVALID, "record.value"),
    ({"zone": "example", "record": rec("x", "AAAA", "2001:db8::g")}, INVALID, "record.value"),
    ({"zone": "example", "record": rec("x", "MX", "mx.example.org")}, INVALID, "record.value"),
    ({"zone": "example", "record": rec("x", "PKEY", "notaztld")}, INVALID, "record.value"),
    ({"zone": "example", "record": {"label": "x", "type": "A"}}, INVALID, "record.value"),
    ({"zone": "example", "record": rec("x", "A", "192.0.2.2", expiration=-5)}, INVALID,
     "record.expiration"),
    ({"zone": "example", "record": rec("x", "A", "192.0.2.2", expiration=1000)}, INVALID,
     "record.expiration"),
    ({"zone": "example", "record": rec("x", "A", "192.0.2.2", expiration="soon")}, INVALID,
     "record.expiration"),
    ({"zone": "example", "record": rec("x", "A", "192.0.2.2", flags=["loud"])}, INVALID,
     "record.flags"),
    ({"zone": "example", "record": rec("x", "A", "192.0.2.2", flags="private")}, INVALID,
     "record.flags"),
    ({"zone": "example", "record": rec("x", "A", "192.0.2.2", flags=[1])}, INVALID, "record.flags"),
    ({"zone": "example", "record": dict(good, ttl=5)}, INVALID, "record.ttl"),
    ({"zone": "example", "record": rec("@", "PKEY", RFC_PKEY_ZTLD)}, INVALID, "record.label"),
    ({"zone": "example", "record": rec("@", "REDIRECT", "www.+")}, INVALID, "record.label"),
    ({"zone": "example", "record": rec("@", "GNS2DNS", "example.org@192.0.2.53")}, INVALID,
     "record.label"),
    # RFC 9498, 5.1: a delegation is the only non-supplemental record
    ({"zone": "example", "record": rec("sub", "A", "192.0.2.3")}, INVALID, "record"),
    ({"zone": "example", "record": rec("sub", "EDKEY", RFC_EDKEY_ZTLD)}, INVALID, "record"),
    ({"zone": "example", "record": rec("www", "PKEY", RFC_PKEY_ZTLD)}, INVALID, "record"),
    ({"zone": "example", "record": rec("www", "REDIRECT", "other.+")}, INVALID, "record"),
    ({"zone": "example", "record": rec("www", "A", "192.0.2.1")}, INVALID, "record"),
]
for params, err, param in bad_records:
    expect_error("AddRecord", params, err, param, what="AddRecord %s" % params)
# but supplemental and shadow records may join a delegation
call("AddRecord", {"zone": "example", "record": rec("sub", "TXT", "note", flags=["supplemental"])})
call("AddRecord", {"zone": "example", "record": rec("sub", "PKEY", RFC_REV_ZTLD, flags=["shadow"])})
expect_error("AddRecord", {"zone": "example", "record": rec("sub", "PKEY", RFC_REV_ZTLD)}, INVALID,
             "record", what="a second active delegation")
# GNS2DNS: several of them, plus supplemental ones
call("AddRecord", {"zone": "example", "record": rec("dns", "GNS2DNS", "example.org@192.0.2.53")})
call("AddRecord", {"zone": "example", "record": rec("dns", "GNS2DNS", "example.org@192.0.2.54")})
expect_error("AddRecord", {"zone": "example", "record": rec("dns", "A", "192.0.2.5")}, INVALID,
             "record", what="GNS2DNS with an A record")
call("AddRecord", {"zone": "example", "record": rec("alias", "REDIRECT", "www.+")})
expect_error("AddRecord", {"zone": "example", "record": rec("alias", "REDIRECT", "dns.+")}, INVALID,
             "record", what="two REDIRECTs")
t.eq([r["flags"] for r in call("ListRecords", {"zone": "example", "label": "sub"})["records"]],
     [["critical", "relative"], ["supplemental", "relative"], ["critical", "shadow", "relative"]],
     "delegation with a supplemental and a shadow record")

# --- DeleteRecords ---
t.eq(call("DeleteRecords", {"zone": "example", "label": "www", "type": "AAAA"})["deleted"], 1,
     "DeleteRecords by type")
t.eq(call("DeleteRecords", {"zone": "example", "label": "dns", "type": "GNS2DNS",
                            "value": "example.org@192.0.2.54"})["deleted"], 1,
     "DeleteRecords by value")
t.eq(call("DeleteRecords", {"zone": "example", "label": "dns", "type": "GNS2DNS",
                            "value": "example.org@192.0.2.99"})["deleted"], 0,
     "DeleteRecords of a value that is not there")
t.eq(call("DeleteRecords", {"zone": "example", "label": "nothing"})["deleted"], 0,
     "DeleteRecords of an empty label")
t.eq(call("DeleteRecords", {"zone": "example", "label": "alias"})["deleted"], 1,
     "DeleteRecords of a whole label")
expect_error("DeleteRecords", {"zone": "nope", "label": "www"}, Z + "NoSuchZone",
             what="DeleteRecords unknown zone")
expect_error("DeleteRecords", {"zone": "example"}, INVALID, "label", what="DeleteRecords no label")
expect_error("DeleteRecords", {"zone": "example", "label": "a.b"}, INVALID, "label")
expect_error("DeleteRecords", {"zone": "example", "label": "www", "type": "NOPE"}, INVALID, "type")
expect_error("DeleteRecords", {"zone": "example", "label": "www", "value": "192.0.2.1"}, INVALID,
             "value", what="DeleteRecords value without type")
expect_error("DeleteRecords", {"zone": "example", "label": "www", "type": "A", "value": "x"},
             INVALID, "value", what="DeleteRecords malformed value")

# --- ImportRecords: all or nothing, naming the index and field ---
before = call("ListRecords", {"zone": "example"})["records"]
p = expect_error("ImportRecords", {"zone": "example", "records": [
    rec("i1", "A", "192.0.2.10"), rec("i2", "A", "192.0.2.11"), rec("i3", "A", "999.0.0.1")]},
    INVALID, "records[2].value", index=2, what="ImportRecords bad value at 2")
p = expect_error("ImportRecords", {"zone": "example", "records": [
    rec("i1", "A", "192.0.2.10"), rec("i1", "PKEY", RFC_PKEY_ZTLD)]},
    INVALID, "records[1]", index=1, what="ImportRecords conflicting records")
p = expect_error("ImportRecords", {"zone": "example", "records": [
    rec("i1", "A", "192.0.2.10"), rec("i1", "A", "192.0.2.10")]},
    INVALID, "records[1]", index=1, what="ImportRecords duplicate")
p = expect_error("ImportRecords", {"zone": "example", "records": [
    rec("i1", "A", "192.0.2.10"), "junk"]}, INVALID, "records[1]", index=1,
    what="ImportRecords non-object")
p = expect_error("ImportRecords", {"zone": "example", "records": [
    rec("i1", "A", "192.0.2.10"), rec("sub", "A", "192.0.2.11")]}, INVALID, "records[1]", index=1,
    what="ImportRecords against a stored delegation")
expect_error("ImportRecords", {"zone": "example", "records": {}}, INVALID, "records")
expect_error("ImportRecords", {"zone": "example", "records": [], "replace": "yes"}, INVALID,
             "replace")
expect_error("ImportRecords", {"zone": "nope", "records": []}, Z + "NoSuchZone",
             what="ImportRecords unknown zone")
t.eq(call("ListRecords", {"zone": "example"})["records"], before, "failed imports changed nothing")
n = call("ImportRecords", {"zone": "example", "records": [
    rec("i%d" % i, "A", "192.0.2.%d" % (i % 250)) for i in range(500)]})["imported"]
t.eq(n, 500, "ImportRecords imported 500")
t.eq(len(call("ListRecords", {"zone": "example"})["records"]), len(before) + 500,
     "ImportRecords added to what was there")
n = call("ImportRecords", {"zone": "example", "replace": True, "records": [
    rec("www", "A", "192.0.2.1"), rec("www", "TXT", "v=1"), rec("@", "NICK", "example")]})["imported"]
t.eq(n, 3, "ImportRecords replace")
t.eq(len(call("ListRecords", {"zone": "example"})["records"]), 3, "replace dropped the rest")
t.eq(call("ImportRecords", {"zone": "example", "records": []})["imported"], 0, "empty import")

# --- start zones ---
call("AddStartZone", {"suffix": "pin", "zone": RFC_PKEY_ZTLD})
call("AddStartZone", {"suffix": "Mine.Example.", "zone": "example"})
sz = {s["suffix"]: s for s in call("ListStartZones")["startZones"]}
t.eq(sz["pin"]["ztld"], RFC_PKEY_ZTLD, "start zone to a zTLD")
t.ok("zone" not in sz["pin"], "foreign start zone has no local zone")
t.eq(sz["mine.example"]["zone"], "example", "suffixes are normalised; local zone named")
t.eq(sz["example"]["zone"], "example", "every local zone is a start zone under its name")
t.eq(sz["rev"]["ztld"], RFC_REV_ZTLD, "imported zone is a start zone too")
expect_error("AddStartZone", {"suffix": "pin", "zone": "example"}, INVALID, "suffix",
             what="AddStartZone duplicate")
expect_error("AddStartZone", {"suffix": "PIN.", "zone": "example"}, INVALID, "suffix",
             what="AddStartZone duplicate after normalisation")
expect_error("AddStartZone", {"suffix": "a..b", "zone": "example"}, INVALID, "suffix")
expect_error("AddStartZone", {"suffix": "", "zone": "example"}, INVALID, "suffix",
             what="AddStartZone empty suffix")
expect_error("AddStartZone", {"suffix": "new", "zone": "nope"}, Z + "NoSuchZone",
             what="AddStartZone to an unknown zone")
expect_error("AddStartZone", {"suffix": "new"}, INVALID, "zone", what="AddStartZone no zone")
call("RemoveStartZone", {"suffix": "pin"})
expect_error("RemoveStartZone", {"suffix": "pin"}, INVALID, "suffix", what="RemoveStartZone twice")
expect_error("RemoveStartZone", {"suffix": "."}, INVALID, "suffix", what="RemoveStartZone bad")
expect_error("RemoveStartZone", {}, INVALID, "suffix", what="RemoveStartZone no suffix")
t.ok("pin" not in [s["suffix"] for s in call("ListStartZones")["startZones"]], "removed")

# --- Publish ---
t.eq(call("Publish", {"zone": "example"})["blocks"], 2, "Publish: one block per public label")
call("AddRecord", {"zone": "example", "record": rec("hidden", "A", "10.1.1.1", flags=["private"])})
t.eq(call("Publish", {"zone": "example"})["blocks"], 2, "private records are never published")
call("AddRecord", {"zone": "rev", "record": rec("r", "TXT", "in another zone")})
total = call("Publish")["blocks"]
t.eq(total, 3, "Publish() publishes every zone")
t.eq(call("Publish", {})["blocks"], total, "Publish with {}")
expect_error("Publish", {"zone": "nope"}, Z + "NoSuchZone", what="Publish unknown zone")
expect_error("Publish", {"zone": 1}, INVALID, "zone", what="Publish zone not a string")

# --- Revoke / GetRevocation (the real PoW is too costly for a test; the
# success path is covered by the unit test with the RFC's vectors) ---
pows = [str(i) for i in range(32)]
expect_error("Revoke", {"zone": "example", "timestamp": now_us, "pows": pows}, INVALID, "pows",
             what="Revoke with a weak proof of work")
expect_error("Revoke", {"zone": "example", "timestamp": now_us, "pows": pows[:31]}, INVALID,
             "pows", what="Revoke with 31 POWs")
expect_error("Revoke", {"zone": "example", "timestamp": now_us, "pows": ["1"] * 32}, INVALID,
             "pows", what="Revoke with duplicate POWs")
expect_error("Revoke", {"zone": "example", "timestamp": now_us, "pows": ["x"] + pows[1:]},
             INVALID, "pows", index=0, what="Revoke with a non-number POW")
expect_error("Revoke", {"zone": "example", "timestamp": now_us,
                        "pows": ["18446744073709551616"] + pows[1:]}, INVALID, "pows",
             what="Revoke with a POW above 2^64-1")
expect_error("Revoke", {"zone": "example", "timestamp": -1, "pows": pows}, INVALID, "timestamp")
expect_error("Revoke", {"zone": "example", "timestamp": "now", "pows": pows}, INVALID, "timestamp")
expect_error("Revoke", {"zone": "nope", "timestamp": now_us, "pows": pows}, Z + "NoSuchZone",
             what="Revoke unknown zone")
t.eq(call("GetRevocation", {"zone": "example"}), {"revoked": False}, "GetRevocation local zone")
t.eq(call("GetRevocation", {"zone": RFC_EDKEY_ZTLD}), {"revoked": False}, "GetRevocation by zTLD")
expect_error("GetRevocation", {"zone": "nope"}, Z + "NoSuchZone", what="GetRevocation unknown")
expect_error("GetRevocation", {}, INVALID, "zone", what="GetRevocation no zone")
t.eq(call("GetZone", {"name": "example"})["zone"]["revoked"], False, "still not revoked")

# --- GetStatistics ---
st = call("GetStatistics")
t.ok(isinstance(st["version"], str) and st["version"], "statistics version")
t.ok(isinstance(st["uptime"], int) and st["uptime"] >= 0, "statistics uptime")
t.eq(st["backends"][0]["name"], "store", "first backend is the store")
t.eq(st["store"]["state"], "ok", "store state")
t.eq(st["store"]["zones"], 5, "store counts zones")
t.eq(st["store"]["blocksLocal"], 3, "store counts local blocks")
pub = {p["zone"]: p for p in st["published"]}
t.eq(pub["example"]["labels"], 2, "published labels of example")
t.eq(pub["rev"]["labels"], 1, "published labels of rev")
t.ok(pub["example"]["lastPublished"] >= now_us, "published when")
t.ok(pub["example"]["nextExpiration"] > pub["example"]["lastPublished"], "first block expiry")
t.eq({k: pub["ed"][k] for k in ("zone", "labels", "records", "queued", "signed")}, {"zone": "ed", "labels": 0, "records": 0, "queued": 0, "signed": 0}, "a zone with nothing published is listed")
t.ok("lastPublished" not in pub["ed"], "nothing published: no time")
t.ok(isinstance(st["cache"], dict), "cache object")
expect_error("GetStatistics", {"x": 1}, INVALID, "x", what="GetStatistics extra")

# --- DeleteZone ---
call("DeleteZone", {"name": "example"})
expect_error("GetZone", {"name": "example"}, Z + "NoSuchZone", what="deleted zone is gone")
expect_error("DeleteZone", {"name": "example"}, Z + "NoSuchZone", what="DeleteZone twice")
expect_error("DeleteZone", {}, INVALID, "name", what="DeleteZone no name")
t.ok("mine.example" not in [s["suffix"] for s in call("ListStartZones")["startZones"]],
     "start zones of a deleted zone go with it")
st = call("GetStatistics")
t.eq(st["store"]["blocksLocal"], 1, "a deleted zone's blocks are withdrawn")

t.done()
