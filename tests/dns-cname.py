#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A DNS server that answers a CNAME without its target's records, as a
server for one zone does when the target lies in another (nsd chases
targets in zones it serves, so it cannot show this). Zone cname.test:
ext -> www (A 192.0.2.82), loop1 <-> loop2; anything else NXDOMAIN.

    dns-cname.py ADDRESS
"""
import socket
import sys

CNAME = {
    "ext.cname.test": "www.cname.test",
    "loop1.cname.test": "loop2.cname.test",
    "loop2.cname.test": "loop1.cname.test",
}
TTL = (300).to_bytes(4, "big")


def enc(name):
    return b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"


def main():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((sys.argv[1], 53))
    while True:
        m, peer = s.recvfrom(4096)
        if len(m) < 12:
            continue
        i, labels = 12, []
        while i < len(m) and m[i]:
            labels.append(m[i + 1 : i + 1 + m[i]].decode("ascii", "replace"))
            i += 1 + m[i]
        name, qtype, end = ".".join(labels).lower(), int.from_bytes(m[i + 1 : i + 3], "big"), i + 5
        ans, rcode = b"", 0
        if name in CNAME:
            rd = enc(CNAME[name])
            ans = b"\xc0\x0c\x00\x05\x00\x01" + TTL + len(rd).to_bytes(2, "big") + rd
        elif name == "www.cname.test":
            if qtype == 1:
                ans = b"\xc0\x0c\x00\x01\x00\x01" + TTL + b"\x00\x04" + bytes([192, 0, 2, 82])
        else:
            rcode = 3
        # QR, AA, RD copied; one question; one answer or none
        hdr = m[:2] + bytes([0x84 | (m[2] & 0x01), rcode]) + b"\x00\x01"
        hdr += (b"\x00\x01" if ans else b"\x00\x00") + b"\x00\x00\x00\x00"
        s.sendto(hdr + m[12:end] + ans, peer)


if __name__ == "__main__":
    main()
