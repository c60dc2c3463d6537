#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A stand-in for gnsd's alt.gns.Resolve with canned answers, so the NSS
module is tested against every reply shape (including broken ones) without
the daemon. Speaks varlink framing: JSON objects ended by NUL.

    nss-fake-gnsd.py SOCKET [--log FILE]

Names (case-insensitive) under test.gns.alt:
  www       A 127.0.0.1, AAAA ::1          v4  A 127.0.0.1 only
  v6        AAAA ::1 only                  leho A 127.0.0.1, canonical legacy.example.com
  many      100 A addresses 10.0.0.x       empty exists, no address (NO_DATA)
  storage   StorageUnavailable             loop ResolutionLoop
  revoked   ZoneRevoked                    unknownerr org.varlink.service.MethodNotFound
  garbage   a reply that is not JSON       wrongfamily an AAAA for an A question
  slow      no reply for 30 s              hangup closes without a reply
anything else: NoSuchName. Each request is appended to the log as one line
of JSON (the parameters), so tests can see what the module sent.
"""
import json
import os
import socket
import socketserver
import sys
import threading
import time

V4 = {"family": 2, "address": [127, 0, 0, 1]}
V6 = {"family": 10, "address": [0] * 15 + [1]}
MANY = [{"family": 2, "address": [10, 0, i // 256, i % 256]} for i in range(100)]

ANSWERS = {
    "www": ([V4, V6], None),
    "v4": ([V4], None),
    "v6": ([V6], None),
    "leho": ([V4], "legacy.example.com"),
    "many": (MANY, None),
    "empty": ([], None),
}
ERRORS = {
    "storage": "alt.gns.Resolve.StorageUnavailable",
    "loop": "alt.gns.Resolve.ResolutionLoop",
    "revoked": "alt.gns.Resolve.ZoneRevoked",
    "unknownerr": "org.varlink.service.MethodNotFound",
}

log_lock = threading.Lock()
log_path = None


def answer(params):
    name = str(params.get("name", ""))
    family = params.get("family") or 0
    label = name.lower()
    if label.endswith(".test.gns.alt"):
        label = label[: -len(".test.gns.alt")]
    else:
        label = None
    if label == "garbage":
        return b"this is not json"
    if label == "wrongfamily":
        return json.dumps({"parameters": {"addresses": [V6], "name": name}}).encode()
    if label in ERRORS:
        return json.dumps({"error": ERRORS[label], "parameters": {}}).encode()
    if label in ANSWERS:
        addrs, canon = ANSWERS[label]
        addrs = [a for a in addrs if family == 0 or a["family"] == family]
        return json.dumps(
            {"parameters": {"addresses": addrs, "name": canon or name}}
        ).encode()
    return json.dumps({"error": "alt.gns.Resolve.NoSuchName", "parameters": {}}).encode()


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        try:
            self.serve()
        except OSError:
            pass  # the client gave up (deadline, test killed it): fine

    def serve(self):
        buf = b""
        while True:
            while b"\0" not in buf:
                data = self.request.recv(65536)
                if not data:
                    return
                buf += data
            msg, buf = buf.split(b"\0", 1)
            try:
                req = json.loads(msg)
                params = req.get("parameters") or {}
            except ValueError:
                return
            if log_path:
                with log_lock, open(log_path, "a") as f:
                    f.write(json.dumps(params) + "\n")
            if req.get("method") != "alt.gns.Resolve.ResolveHostname":
                reply = json.dumps({"error": "org.varlink.service.MethodNotFound",
                                    "parameters": {"method": req.get("method")}}).encode()
            else:
                label = str(params.get("name", "")).lower()
                if label.startswith("slow."):
                    time.sleep(30)
                    return
                if label.startswith("hangup."):
                    return
                reply = answer(params)
            self.request.sendall(reply + b"\0")


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    request_queue_size = 128


def main():
    global log_path
    path = sys.argv[1]
    if "--log" in sys.argv:
        log_path = sys.argv[sys.argv.index("--log") + 1]
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    srv = Server(path, Handler)
    os.chmod(path, 0o666)
    srv.serve_forever()


if __name__ == "__main__":
    main()
