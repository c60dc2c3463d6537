#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""One varlink call, for test scripts (independent of gnsctl's CLI):

    varlink-call.py SOCKET METHOD [PARAMETERS-JSON]

Prints the reply's parameters as JSON on stdout and exits 0, or prints the
error name (and its parameters) on stderr and exits 1; exit 2 if the socket
cannot be reached or the reply is not a varlink message."""
import json
import socket
import sys


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, method = sys.argv[1], sys.argv[2]
    params = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    try:
        s.connect(path)
        s.sendall(json.dumps({"method": method, "parameters": params}).encode() + b"\0")
        buf = b""
        while b"\0" not in buf:
            data = s.recv(65536)
            if not data:
                print("varlink-call: connection closed", file=sys.stderr)
                return 2
            buf += data
    except OSError as e:
        print(f"varlink-call: {path}: {e}", file=sys.stderr)
        return 2
    try:
        reply = json.loads(buf.split(b"\0", 1)[0])
    except ValueError:
        print("varlink-call: reply is not JSON", file=sys.stderr)
        return 2
    if "error" in reply:
        print(reply["error"], json.dumps(reply.get("parameters") or {}), file=sys.stderr)
        return 1
    print(json.dumps(reply.get("parameters") or {}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
