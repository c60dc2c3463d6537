# SPDX-License-Identifier: LGPL-2.1-or-later
"""The attacks of tests/gnsd-abuse.sh and bench/bench-abuse.sh, and the
legitimate lookups made while they run.

    gnsd_abuse.py attack KIND SECONDS READY_FILE
        run attack KIND (partial, unread, dht, connect) for SECONDS, touch
        READY_FILE once it is in place; print what it achieved.
    gnsd_abuse.py lookup NAME N MAX_MS [EXPECT]
        N lookups of NAME on fresh connections; each must answer within
        MAX_MS with addresses (or the error EXPECT); print the latencies.
        A "%d" in NAME becomes the lookup's number (uncached lookups).

Standard library only: it runs as nobody from a temp dir.
"""
import json
import os
import random
import resource
import socket
import sys
import time

from gnsdtest import resolve_socket


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 65536
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, 65536), hard))


def connect(timeout=0.5):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(resolve_socket())
    except OSError:
        s.close()
        return None
    return s


def msg(method, params):
    return json.dumps({"method": "alt.gns.Resolve." + method, "parameters": params}).encode() + b"\0"


def touch(path):
    with open(path, "w") as f:
        f.write("ready\n")


def attack_partial(seconds, ready):
    """Half a request on as many connections as gnsd takes, reopened when
    gnsd closes them (issue 12, item 1)."""
    raise_nofile()
    half = b'{"method":"alt.gns.Resolve.ResolveHost'
    conns = []
    opened = 0
    for _ in range(4200):
        s = connect(0.2)
        if s is None:
            continue
        try:
            s.send(half)
        except OSError:
            s.close()
            continue
        conns.append(s)
        opened += 1
    touch(ready)
    end = time.time() + seconds
    reopened = 0
    while time.time() < end:
        time.sleep(0.5)
        alive = []
        for s in conns:
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    raise OSError
                alive.append(s)
            except BlockingIOError:
                alive.append(s)
            except OSError:
                s.close()
                n = connect(0.2)
                if n is not None:
                    try:
                        n.send(half)
                        alive.append(n)
                        reopened += 1
                    except OSError:
                        n.close()
        conns = alive
    print("partial: opened %d, reopened %d, held %d at the end" % (opened, reopened, len(conns)))


def attack_unread(seconds, ready, name):
    """Pipelined ResolveRecords whose replies are never read (item 2)."""
    raise_nofile()
    req = msg("ResolveRecords", {"name": name})
    conns = []
    for _ in range(300):
        s = connect(0.2)
        if s is not None:
            s.setblocking(False)
            conns.append(s)
    sent = 0
    end = time.time() + seconds
    first = True
    while time.time() < end:
        progress = False
        for s in conns:
            try:
                n = s.send(req * 64)
                sent += n
                progress = progress or n > 0
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                pass
        if first and not progress:
            touch(ready)
            first = False
        if not progress:
            time.sleep(0.2)
    if first:
        touch(ready)
    print("unread: %d connections, %d request bytes sent" % (len(conns), sent))


def attack_dht(seconds, ready, ztld):
    """Random labels under a remote zone: every one a DHT GET (item 3).
    A round of 300 lookups every second, the previous round's connections
    closed (which cancels their GETs), so that the pressure stays."""
    answered = {}
    sent = 0
    prev = []
    end = time.time() + seconds
    first = True
    while first or time.time() < end:
        conns = []
        for i in range(300):
            s = connect(0.5)
            if s is None:
                continue
            label = "r%08x" % random.getrandbits(32)
            try:
                s.send(msg("ResolveHostname", {"name": "%s.%s.gns.alt" % (label, ztld)}))
                sent += 1
            except OSError:
                s.close()
                continue
            conns.append(s)
        time.sleep(0.5)
        for s in conns:
            s.setblocking(False)
            try:
                data = s.recv(65536)
                if data:
                    e = json.loads(data.split(b"\0")[0]).get("error", "answer")
                    answered[e] = answered.get(e, 0) + 1
            except (BlockingIOError, OSError):
                pass
        for s in prev:
            s.close()
        prev = conns
        if first:
            touch(ready)
            first = False
        time.sleep(0.5)
    print("dht: %d lookups sent; answered within 0.5 s: %s" % (sent, answered))


def attack_connect(seconds, ready):
    """Connections opened and left idle, as many as gnsd takes."""
    raise_nofile()
    conns = [s for s in (connect(0.2) for _ in range(4200)) if s is not None]
    touch(ready)
    time.sleep(seconds)
    print("connect: held %d" % len(conns))


def lookup(name, n, max_ms, expect=None):
    """n lookups, each on a fresh connection (as a program without a kept
    connection); returns the latencies in ms; exits 1 on a wrong answer."""
    lat = []
    bad = []
    tag = "%x%x" % (os.getpid(), int(time.time()))
    for i in range(n):
        this = name.replace("%d", "%s-%d" % (tag, i))
        t0 = time.perf_counter()
        try:
            s = connect(max_ms / 1000.0)
            if s is None:
                raise OSError("cannot connect")
            s.settimeout(max(0.05, max_ms / 1000.0 - (time.perf_counter() - t0)))
            s.sendall(msg("ResolveHostname", {"name": this}))
            buf = b""
            while b"\0" not in buf:
                d = s.recv(65536)
                if not d:
                    raise OSError("closed")
                buf += d
            s.close()
            reply = json.loads(buf.split(b"\0")[0])
        except OSError as e:
            reply = {"error": "socket: %s" % e}
        ms = (time.perf_counter() - t0) * 1000.0
        lat.append(ms)
        got = reply.get("error")
        if expect is None:
            ok = got is None and reply["parameters"]["addresses"]
        else:
            ok = got == expect
        if not ok or ms > max_ms:
            bad.append("%s after %.0f ms" % (got or "answer", ms))
    return lat, bad


def main():
    if sys.argv[1] == "attack":
        kind, seconds, ready = sys.argv[2], float(sys.argv[3]), sys.argv[4]
        if kind == "partial":
            attack_partial(seconds, ready)
        elif kind == "unread":
            attack_unread(seconds, ready, sys.argv[5])
        elif kind == "dht":
            attack_dht(seconds, ready, sys.argv[5])
        elif kind == "connect":
            attack_connect(seconds, ready)
        else:
            sys.exit("unknown attack " + kind)
        return
    if sys.argv[1] == "lookup":
        name, n, max_ms = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
        expect = sys.argv[5] if len(sys.argv) > 5 else None
        lat, bad = lookup(name, n, max_ms, expect)
        lat.sort()
        print("lookup %s as uid %d: %d, p50 %.2f ms, p99 %.2f ms, max %.2f ms" %
              (name, os.getuid(), n, lat[len(lat) // 2], lat[min(n - 1, n * 99 // 100)], lat[-1]))
        if bad:
            print("FAIL: uid %d: %s: %s" % (os.getuid(), name, "; ".join(bad[:5])))
            sys.exit(1)
        return
    sys.exit("usage: gnsd_abuse.py attack|lookup ...")


if __name__ == "__main__":
    main()
