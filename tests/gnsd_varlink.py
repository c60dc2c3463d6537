# SPDX-License-Identifier: LGPL-2.1-or-later
"""gnsd's varlink sockets against a running gnsd: the service interface,
framing, errors, concurrency, pipelining, partial writes, limits, and a
client that never reads."""
import json
import os
import resource
import socket
import sys
import threading
import time

from gnsdtest import Checker, Client, VarlinkError, resolve_socket, zone_socket

t = Checker("gnsd-varlink")
srcdir = os.environ.get("top_srcdir", ".")

# --- org.varlink.service on both sockets ---
for path, iface in ((resolve_socket(), "alt.gns.Resolve"), (zone_socket(), "alt.gns.Zone")):
    c = Client(path)
    info = c.call("org.varlink.service.GetInfo")
    t.eq(info.get("product"), "gnsd", "GetInfo product on " + iface)
    t.eq(info.get("vendor"), "nss-gns", "GetInfo vendor on " + iface)
    t.eq(info.get("interfaces"), ["org.varlink.service", iface], "GetInfo interfaces on " + iface)
    t.ok(isinstance(info.get("version"), str) and info["version"], "GetInfo version")
    with open(os.path.join(srcdir, "varlink", iface + ".varlink")) as f:
        want = f.read()
    d = c.call("org.varlink.service.GetInterfaceDescription", {"interface": iface})
    t.eq(d.get("description"), want, "description of %s is the contract file" % iface)
    d = c.call("org.varlink.service.GetInterfaceDescription", {"interface": "org.varlink.service"})
    t.ok("interface org.varlink.service" in d.get("description", ""), "service description")
    other = "alt.gns.Zone" if iface == "alt.gns.Resolve" else "alt.gns.Resolve"
    e, p = c.error("org.varlink.service.GetInterfaceDescription", {"interface": other})
    t.eq((e, p), ("org.varlink.service.InterfaceNotFound", {"interface": other}),
         "%s is not served on the %s socket" % (other, iface))
    e, p = c.error(other + ".ListZones" if other == "alt.gns.Zone" else other + ".ResolveHostname",
                   {})
    t.eq(e, "org.varlink.service.InterfaceNotFound", "calling %s on the wrong socket" % other)
    c.close()

# --- errors keep the connection usable ---
c = Client(resolve_socket())
cases = [
    (b'{"method":"alt.gns.Resolve.Nope"}', "org.varlink.service.MethodNotFound", None),
    (b'{"method":"alt.gns.Nope.ResolveHostname"}', "org.varlink.service.InterfaceNotFound", None),
    (b"this is not json", "org.varlink.service.InvalidParameter", "message"),
    (b'{"method":', "org.varlink.service.InvalidParameter", "message"),
    (b"[]", "org.varlink.service.InvalidParameter", "message"),
    (b'{"method":7}', "org.varlink.service.InvalidParameter", "method"),
    (b'{"method":"alt.gns.Resolve.ResolveHostname","parameters":"x"}',
     "org.varlink.service.InvalidParameter", "parameters"),
    (b'{"method":"alt.gns.Resolve.ResolveHostname","parameters":{}}',
     "org.varlink.service.InvalidParameter", "name"),
    (b'{"method":"alt.gns.Resolve.ResolveHostname","parameters":{"name":5}}',
     "org.varlink.service.InvalidParameter", "name"),
    (b'{"method":"alt.gns.Resolve.ResolveHostname","parameters":{"name":"a.gns.alt","x":1}}',
     "org.varlink.service.InvalidParameter", "x"),
    (b'{"method":"alt.gns.Resolve.ResolveHostname","parameters":{"name":"a.gns.alt","family":3}}',
     "org.varlink.service.InvalidParameter", "family"),
    (b'{"method":"alt.gns.Resolve.ResolveHostname","upgrade":true,"parameters":{"name":"a"}}',
     "org.varlink.service.InvalidParameter", "upgrade"),
    (b'{"method":"alt.gns.Resolve.ResolveHostname","parameters":{"name":"www.example.org"}}',
     "alt.gns.Resolve.NotGNS", None),
]
for raw, err, param in cases:
    c.send_raw(raw + b"\0")
    reply = c.recv()
    t.ok(reply is not None, "reply to %r" % raw)
    if reply is None:
        c = Client(resolve_socket())
        continue
    t.eq(reply.get("error"), err, "error for %r" % raw)
    if param:
        t.eq(reply.get("parameters", {}).get("parameter"), param, "parameter for %r" % raw)
# missing, null and {} parameters are accepted
for msg in ({"method": "org.varlink.service.GetInfo"},
            {"method": "org.varlink.service.GetInfo", "parameters": None},
            {"method": "org.varlink.service.GetInfo", "parameters": {}}):
    c.send_raw(json.dumps(msg).encode() + b"\0")
    reply = c.recv()
    t.ok(reply and "error" not in reply, "accepted: %s" % json.dumps(msg))
c.close()

# --- oneway and more ---
c = Client(resolve_socket())
c.send("org.varlink.service.GetInfo", oneway=True)
c.send("org.varlink.service.GetInfo", more=True)
r = c.recv()
t.ok(r is not None and "interfaces" in r.get("parameters", {}) and not r.get("continues"),
     "a oneway call answers nothing; more gets a final reply")
c.close()

# --- pipelining: 200 calls in one write, 200 replies in order ---
c = Client(resolve_socket())
batch = b""
for i in range(200):
    if i % 2:
        m = {"method": "org.varlink.service.GetInterfaceDescription",
             "parameters": {"interface": "alt.gns.Resolve"}}
    else:
        m = {"method": "alt.gns.Resolve.ResolveHostname",
             "parameters": {"name": "n%d.example.org" % i}}
    batch += json.dumps(m).encode() + b"\0"
c.send_raw(batch)
in_order = True
for i in range(200):
    r = c.recv()
    if r is None:
        in_order = False
        break
    if i % 2:
        in_order &= "description" in r.get("parameters", {})
    else:
        in_order &= r.get("error") == "alt.gns.Resolve.NotGNS"
t.ok(in_order, "200 pipelined calls answered in order")
c.close()

# --- a request written one byte at a time ---
c = Client(resolve_socket())
for b in json.dumps({"method": "org.varlink.service.GetInfo"}).encode() + b"\0":
    c.send_raw(bytes([b]))
    time.sleep(0.001)
r = c.recv()
t.ok(r is not None and "interfaces" in r.get("parameters", {}), "1-byte writes")
c.close()

# --- oversize: 64 KiB limit on Resolve, 8 MiB on Zone ---
c = Client(resolve_socket())
big = json.dumps({"method": "alt.gns.Resolve.ResolveHostname",
                  "parameters": {"name": "x" * 70000}}).encode() + b"\0"
try:
    c.send_raw(big)
except OSError:
    pass
r = c.recv()
t.eq(r and r.get("error"), "org.varlink.service.InvalidParameter", "oversize error")
t.eq(r and r.get("parameters", {}).get("parameter"), "message", "oversize names the message")
t.eq(c.recv(), None, "oversize closes the connection")
c.close()
c = Client(resolve_socket())
try:
    c.send_raw(b"{" * (200 * 1024))  # never terminated
except OSError:
    pass
r = c.recv()
t.eq(r and r.get("error"), "org.varlink.service.InvalidParameter", "unterminated oversize")
t.eq(c.recv(), None, "unterminated oversize closes")
c.close()
c = Client(zone_socket())
r = c.error("alt.gns.Zone.GetZone", {"name": "y" * (1024 * 1024)})
t.eq(r[0], "alt.gns.Zone.NoSuchZone", "a 1 MiB request is fine on the Zone socket")
c.close()

# --- a client that never reads does not hurt others ---
hog = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
hog.connect(resolve_socket())
hog.setblocking(False)
req = json.dumps({"method": "org.varlink.service.GetInterfaceDescription",
                  "parameters": {"interface": "alt.gns.Resolve"}}).encode() + b"\0"
sent = 0
deadline = time.time() + 3
while time.time() < deadline:
    try:
        sent += hog.send(req * 64)
    except BlockingIOError:
        time.sleep(0.01)
        # both socket buffers full: gnsd stopped reading from us
        try:
            hog.send(req)
        except BlockingIOError:
            break
t.ok(sent < 64 * 1024 * 1024, "gnsd pushed back on a client that never reads (%d bytes)" % sent)
start = time.time()
c = Client(resolve_socket(), timeout=5)
r = c.call("org.varlink.service.GetInfo")
t.ok("interfaces" in r and time.time() - start < 2, "others are served meanwhile")
c.close()
hog.close()

# --- 64 concurrent clients, each with a few calls ---
results = []
lock = threading.Lock()


def worker(n):
    ok = True
    try:
        cl = Client(resolve_socket() if n % 2 else zone_socket())
        for _ in range(20):
            r = cl.call("org.varlink.service.GetInfo")
            ok &= len(r.get("interfaces", [])) == 2
        cl.close()
    except Exception as e:  # noqa: BLE001 - any failure is a failed check
        print("worker %d: %s" % (n, e), file=sys.stderr)
        ok = False
    with lock:
        results.append(ok)


threads = [threading.Thread(target=worker, args=(i,)) for i in range(64)]
for th in threads:
    th.start()
for th in threads:
    th.join(30)
t.eq(len(results), 64, "64 concurrent clients finished")
t.ok(all(results), "64 concurrent clients got correct answers")

# --- many connections at once, past the usual 1024 open file limit ---
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = min(4096, hard) if hard != resource.RLIM_INFINITY else 4096
if soft < want:
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
n_conns = min(2000, want - 64)
conns = [Client(resolve_socket()) for _ in range(n_conns)]
answered = sum("interfaces" in cl.call("org.varlink.service.GetInfo") for cl in conns[::100])
last = conns[-1].call("org.varlink.service.GetInfo")
t.ok("interfaces" in last and answered == len(conns[::100]),
     "%d simultaneous connections all served" % n_conns)
for cl in conns:
    cl.close()

t.done()
