#!/usr/bin/env python3
# dns-flood.py SERVER PORT SOURCE MODE: 200 A queries for www.demo.gns.alt
# sent at once from SOURCE; MODE "limited" (rate-limit = 20) wants 15..60
# answers and at least 50 TC slips, "free" wants every query answered.
import socket, struct, sys

server, port, source, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind((source, 0))
name = b"".join(bytes([len(l)]) + l for l in b"www.demo.gns.alt".split(b".")) + b"\0"
for i in range(200):
    s.sendto(struct.pack(">HHHHHH", i, 0x0100, 1, 0, 0, 0) + name + b"\0\1\0\1", (server, port))
s.settimeout(0.5)
full = tc = 0
try:
    while True:
        d = s.recv(4096)
        if d[2] & 0x02:
            tc += 1
        else:
            full += 1
except socket.timeout:
    pass
print("rate limit from %s: %d answers, %d TC slips of 200" % (source, full, tc))
if mode == "limited":
    sys.exit(0 if 15 <= full <= 60 and tc >= 50 else 1)
sys.exit(0 if full == 200 and tc == 0 else 1)
