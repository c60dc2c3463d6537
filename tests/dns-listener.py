#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A DNS server that knows nothing and remembers everything: it records the
question name of every UDP query (one per line in LOG) and answers
NXDOMAIN at once, so that a name leaking to DNS is seen and costs no
timeout.

    dns-listener.py ADDRESS PORT LOG
"""
import socket
import sys


def qname(msg):
    labels, i = [], 12
    while i < len(msg) and msg[i] != 0:
        n = msg[i]
        labels.append(msg[i + 1 : i + 1 + n].decode("utf-8", "replace"))
        i += 1 + n
    return ".".join(labels), i + 5  # end of the question (name, type, class)


def main():
    addr, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    open(log, "a").close()
    while True:
        msg, peer = s.recvfrom(4096)
        if len(msg) < 12:
            continue
        name, end = qname(msg)
        with open(log, "a") as f:
            f.write(name + "\n")
        # Header: same id, QR=1, opcode and RD copied, RA=1, RCODE=3;
        # one question copied back, no answers.
        flags = bytes([0x80 | (msg[2] & 0x79), 0x80 | 3])
        reply = msg[:2] + flags + b"\x00\x01\x00\x00\x00\x00\x00\x00" + msg[12:end]
        s.sendto(reply, peer)


if __name__ == "__main__":
    main()
