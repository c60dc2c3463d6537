#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# One varlink call over a unix socket (varlink.org framing: a JSON object
# per message, NUL-terminated). Prints the reply object as one JSON line;
# exit 0 for a reply with parameters, 1 for an error reply, 2 for a
# transport failure. Used by the interop tests and the bench.
#   varlink-call.py SOCKET METHOD [PARAMS-JSON] [--timeout SECONDS]
import json
import socket
import sys


def main():
    args = [a for a in sys.argv[1:]]
    timeout = 30.0
    if "--timeout" in args:
        i = args.index("--timeout")
        timeout = float(args[i + 1])
        del args[i:i + 2]
    if len(args) < 2:
        print("usage: varlink-call.py SOCKET METHOD [PARAMS-JSON]", file=sys.stderr)
        return 2
    path, method = args[0], args[1]
    params = json.loads(args[2]) if len(args) > 2 else {}
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
        s.sendall(json.dumps({"method": method, "parameters": params}).encode() + b"\0")
        buf = b""
        while b"\0" not in buf:
            d = s.recv(65536)
            if not d:
                break
            buf += d
    except OSError as e:
        print(json.dumps({"error": "transport", "parameters": {"reason": str(e)}}))
        return 2
    msg = buf.split(b"\0", 1)[0]
    if not msg:
        print(json.dumps({"error": "transport", "parameters": {"reason": "no reply"}}))
        return 2
    reply = json.loads(msg)
    print(json.dumps(reply, sort_keys=True))
    return 1 if "error" in reply else 0


if __name__ == "__main__":
    sys.exit(main())
