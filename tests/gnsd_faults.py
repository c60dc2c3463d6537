# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every failure gets the right answer (issue 12): ResolveRecords honours
its type, a string with a NUL is refused everywhere, more records under
a label than a resolver answers are refused when added, an IDNA A-label
and its U-label are one label, and malformed names say what is wrong."""
from gnsdtest import Checker, Client, VarlinkError, resolve_socket, zone_socket

t = Checker("gnsd-faults")
z = Client(zone_socket())
r = Client(resolve_socket())
R = "alt.gns.Resolve."
Z = "alt.gns.Zone."
INVALID_PARAM = "org.varlink.service.InvalidParameter"


def rec(label, type_, value):
    return {"label": label, "type": type_, "value": value}


def err(client, method, params):
    try:
        client.call(method, params)
    except VarlinkError as e:
        return e.error, e.parameters
    return None, None


z.call(Z + "CreateZone", {"name": "demo"})
z.call(Z + "ImportRecords", {"zone": "demo", "records": [
    rec("www", "A", "192.0.2.1"), rec("www", "AAAA", "2001:db8::1"), rec("www", "TXT", "hi")]})

# item 6: ResolveRecords returns the type asked for, nothing else
for typ, want in [("TXT", ["TXT"]), ("A", ["A"]), ("AAAA", ["AAAA"]), ("MX", [])]:
    for attempt in ("resolved", "cached", "remembered"):
        try:
            got = r.call(R + "ResolveRecords", {"name": "www.demo.gns.alt", "type": typ})
            types = sorted(x["type"] for x in got["records"])
        except VarlinkError as e:
            types = e.error
        t.eq(types, want, "ResolveRecords type %s (%s)" % (typ, attempt))
got = r.call(R + "ResolveRecords", {"name": "www.demo.gns.alt"})
t.eq(sorted(x["type"] for x in got["records"]), ["A", "AAAA", "TXT"], "ResolveRecords without type")

# item 8: a NUL inside any string parameter is InvalidParameter
for client, method, params, field in [
        (r, R + "ResolveHostname", {"name": "www.demo.gns.alt\0evil"}, "name"),
        (r, R + "ResolveRecords", {"name": "www.demo.gns.alt", "type": "A\0X"}, "type"),
        (z, Z + "CreateZone", {"name": "bad\0x"}, "name"),
        (z, Z + "AddRecord", {"zone": "demo", "record": rec("a\0b", "A", "192.0.2.9")}, "record"),
        (z, Z + "AddRecord", {"zone": "demo", "record": rec("v", "A", "1.2.3.4\0junk")}, "record"),
        (z, Z + "ImportRecords", {"zone": "demo", "records": [rec("ok", "A", "192.0.2.8"),
                                                              rec("v", "TXT", "x\0y")]}, "records")]:
    e, p = err(client, method, params)
    t.eq((e, p and p.get("parameter")), (INVALID_PARAM, field), "%s with a NUL in %s" % (method, field))
zones = [x["name"] for x in z.call(Z + "ListZones")["zones"]]
t.eq(zones, ["demo"], "no zone \"bad\" was created")
labels = sorted({x["label"] for x in z.call(Z + "ListRecords", {"zone": "demo"})["records"]})
t.eq(labels, ["www"], "no record with a NUL went in")

# item 9: 256 records under a label resolve; the 257th is refused
z.call(Z + "ImportRecords", {"zone": "demo", "records": [
    rec("many", "TXT", "t%03d" % i) for i in range(256)]})
got = r.call(R + "ResolveRecords", {"name": "many.demo.gns.alt", "type": "TXT"})
t.eq(len(got["records"]), 256, "256 records under one label resolve")
e, p = err(z, Z + "AddRecord", {"zone": "demo", "record": rec("many", "TXT", "one more")})
t.eq(e, Z + "InvalidParameter", "the 257th record is refused")
t.ok("256" in (p or {}).get("reason", ""), "the refusal names the limit: %r" % (p,))
e, p = err(z, Z + "ImportRecords", {"zone": "demo", "records": [
    rec("more", "TXT", "t%03d" % i) for i in range(257)]})
t.eq(e, Z + "InvalidParameter", "an import of 257 records under one label is refused")

# item 10: an A-label and its U-label are one label, whichever was stored
z.call(Z + "AddRecord", {"zone": "demo", "record": rec("\u00fcnicode", "A", "192.0.2.10")})
z.call(Z + "AddRecord", {"zone": "demo", "record": rec("xn--caf-dma", "A", "192.0.2.11")})
for name, want in [("\u00fcnicode.demo.gns.alt", [192, 0, 2, 10]),
                   ("xn--nicode-2ya.demo.gns.alt", [192, 0, 2, 10]),
                   ("XN--NICODE-2YA.demo.gns.alt", [192, 0, 2, 10]),
                   ("caf\u00e9.demo.gns.alt", [192, 0, 2, 11]),
                   ("xn--caf-dma.demo.gns.alt", [192, 0, 2, 11])]:
    try:
        got = r.call(R + "ResolveHostname", {"name": name})
        addrs = [a["address"] for a in got["addresses"]]
    except VarlinkError as e:
        addrs = e.error
    t.eq(addrs, [want], "IDN %s" % name)
stored = sorted({x["label"] for x in z.call(Z + "ListRecords", {"zone": "demo"})["records"]})
t.ok("caf\u00e9" in stored and "xn--caf-dma" not in stored, "the U-label is stored: %r" % stored)

# item 11: malformed names say what is wrong with them
for name, words in [("a..demo.gns.alt", "empty label"), (".demo.gns.alt", "empty label"),
                    ("x" * 64 + ".demo.gns.alt", "63")]:
    e, p = err(r, R + "ResolveHostname", {"name": name})
    t.eq(e, R + "InvalidName", "%s is InvalidName" % name[:20])
    t.ok(words in (p or {}).get("reason", ""), "%s: reason %r names the cause" % (name[:20], p))
t.done()
