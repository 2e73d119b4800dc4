# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""A bounded spoofed flood for the veth lab: SYNs, ACKs with random cookies
or RSTs from random sources, stopped at a packet count or a duration,
whichever comes first, optionally paced."""

import ipaddress
import random
import socket
import time

from .frames import ACK, RST, SYN, Pkt
from .tcpopts import encode

ETH_P_ALL = 0x0003
ENOBUFS = 105


def template(src_mac, dst_mac, src, dst, sport, dport, seq, ack, flags, opts=b'', ip_id=0):
    """One complete IPv4/TCP frame, checksums computed."""
    return Pkt(4, src_mac=src_mac, dst_mac=dst_mac, src=src, dst=dst, sport=sport, dport=dport,
               seq=seq, ack=ack, flags=flags, opts=opts, ip_id=ip_id).build()


def cmd_flood(args):
    net = ipaddress.ip_network(args.src_net)
    rnd = random.Random(args.seed)
    flags = {'syn': SYN, 'ack': ACK, 'rst': RST}[args.kind]
    opts = encode([('MSS', 1460)]) if args.kind == 'syn' else b''
    frames = []
    for _ in range(min(args.count, args.templates)):
        src = str(net[rnd.randrange(1, net.num_addresses - 1)])
        frames.append(template(args.src_mac, args.dst_mac, src, args.dst,
                               rnd.randrange(1024, 65535), args.dport, rnd.getrandbits(32),
                               rnd.getrandbits(32) if flags != SYN else 0, flags, opts,
                               ip_id=random.getrandbits(16)))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((args.iface, 0))
    sent = 0
    deadline = time.monotonic() + args.duration
    gap = 1.0 / args.rate if args.rate else 0
    next_t = time.monotonic()
    n = len(frames)
    while sent < args.count:
        if (sent & 255) == 0 and time.monotonic() >= deadline:
            break
        if gap:
            now = time.monotonic()
            if now < next_t:
                time.sleep(next_t - now)
            next_t += gap
        try:
            s.send(frames[sent % n])
            sent += 1
        except BlockingIOError:
            pass
        except OSError as e:  # the qdisc is full: back off briefly
            if e.errno != ENOBUFS:
                raise
            time.sleep(0.0005)
    print('sent', sent)


def register(sub):
    s = sub.add_parser('flood', help='bounded spoofed SYN / ACK / RST flood')
    s.add_argument('--iface', required=True)
    s.add_argument('--src-mac', required=True)
    s.add_argument('--dst-mac', required=True)
    s.add_argument('--kind', choices=('syn', 'ack', 'rst'), required=True)
    s.add_argument('--dst', required=True)
    s.add_argument('--dport', type=int, required=True)
    s.add_argument('--src-net', default='198.18.128.0/17')
    s.add_argument('--count', type=int, required=True)
    s.add_argument('--duration', type=float, required=True)
    s.add_argument('--rate', type=float, default=0, help='frames/s; 0 = as fast as possible')
    s.add_argument('--templates', type=int, default=4096)
    s.add_argument('--seed', type=int, default=1)
    s.set_defaults(fn=cmd_flood)
