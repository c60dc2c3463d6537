# SPDX-License-Identifier: LGPL-2.1-or-later
"""A minimal varlink client and test helpers for the gnsd integration tests.

Only the standard library: the tests must run on a bare Debian 12 with
python3. Each test script imports this module from tests/.
"""
import json
import os
import socket
import sys
import time


class VarlinkError(Exception):
    def __init__(self, error, parameters):
        super().__init__("%s %s" % (error, json.dumps(parameters)))
        self.error = error
        self.parameters = parameters


class Client:
    def __init__(self, path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, method, parameters=None, **flags):
        msg = {"method": method}
        if parameters is not None:
            msg["parameters"] = parameters
        msg.update(flags)
        self.send_raw(json.dumps(msg).encode() + b"\0")

    def recv(self):
        """One reply as a dict; None at EOF."""
        while b"\0" not in self.buf:
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                # closed with our unread request still queued: also EOF
                chunk = b""
            if not chunk:
                return None
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, parameters=None, **flags):
        self.send(method, parameters, **flags)
        reply = self.recv()
        if reply is None:
            raise EOFError("connection closed")
        if "error" in reply:
            raise VarlinkError(reply["error"], reply.get("parameters", {}))
        return reply.get("parameters", {})

    def error(self, method, parameters=None):
        """Call expecting an error: returns (error, parameters)."""
        try:
            reply = self.call(method, parameters)
        except VarlinkError as e:
            return e.error, e.parameters
        raise AssertionError("%s(%s) succeeded: %s" % (method, parameters, reply))


class Checker:
    """Counts checks; prints failures with a label; exit code at the end."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def ok(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: %s: %s" % (self.name, what), file=sys.stderr)
        return cond

    def eq(self, got, want, what):
        return self.ok(got == want, "%s: got %r, want %r" % (what, got, want))

    def done(self):
        print("%s: %d checks passed, %d failed" % (self.name, self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def runtime_dir():
    return os.environ["GNSD_RUNTIME_DIR"]


def zone_socket():
    return os.path.join(runtime_dir(), "alt.gns.Zone")


def resolve_socket():
    return os.path.join(runtime_dir(), "alt.gns.Resolve")


def wait_for_socket(path, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            c = Client(path, timeout=1.0)
            c.close()
            return True
        except OSError:
            time.sleep(0.05)
    return False
