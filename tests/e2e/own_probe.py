#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Hand-made handshakes for tests/e2e/test_own_cookies (expiry, rotation).

  own_probe.py syn IFACE ... --isn N   send one SYN, print "cookie C" from the
                                       SYN-ACK (captured here, on the client
                                       side: the server's tcpdump never sees
                                       XDP_TX frames)
  own_probe.py ack IFACE ... --isn N --cookie C
                                       send the handshake ACK for that cookie
  own_probe.py syn IFACE ... --ack-after S
                                       both, the ACK S seconds after the SYN-ACK
                                       arrived, timed here (a second process
                                       would add an interpreter start-up)

Run in the client namespace.  The client kernel answers the SYN-ACK with RST
(it has no socket for the tuple); that changes nothing, since a cookie holds
no state on the server until its ACK arrives.
"""
import argparse
import socket
import sys
import time

ETH_P_ALL = 0x0003


def frame(args, flags, seq, ack, opts):
    from scapy.all import IP, IPv6, TCP, Ether
    l3 = IPv6(src=args.src, dst=args.dst) if ":" in args.dst else IP(src=args.src, dst=args.dst)
    return bytes(Ether(src=args.src_mac, dst=args.dst_mac) / l3 /
                 TCP(sport=args.sport, dport=args.dport, flags=flags, seq=seq, ack=ack,
                     window=64240, options=opts))


def cmd_syn(args, s):
    from scapy.all import TCP, Ether
    s.settimeout(0.2)
    s.send(frame(args, "S", args.isn, 0, [("MSS", 1460), ("SAckOK", b""), ("WScale", 7)]))
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        try:
            pkt = Ether(s.recv(65535))
        except socket.timeout:
            continue
        if TCP not in pkt:
            continue
        t = pkt[TCP]
        if (t.sport, t.dport) == (args.dport, args.sport) and (t.flags & 0x12) == 0x12 \
                and t.ack == (args.isn + 1) & 0xffffffff:
            got = time.monotonic()
            print("cookie", t.seq, flush=True)
            if args.ack_after is not None:
                time.sleep(max(0.0, got + args.ack_after - time.monotonic()))
                args.cookie = t.seq
                cmd_ack(args, s)
                print("ack_after %.3f" % (time.monotonic() - got))
            return 0
    print("cookie none")
    return 1


def cmd_ack(args, s):
    s.send(frame(args, "A", (args.isn + 1) & 0xffffffff, (args.cookie + 1) & 0xffffffff, []))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("cmd", choices=("syn", "ack"))
    p.add_argument("iface")
    p.add_argument("--src-mac", required=True)
    p.add_argument("--dst-mac", required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--sport", type=int, required=True)
    p.add_argument("--dport", type=int, required=True)
    p.add_argument("--isn", type=int, required=True)
    p.add_argument("--cookie", type=int, default=0)
    p.add_argument("--timeout", type=float, default=3)
    p.add_argument("--ack-after", type=float)
    args = p.parse_args()
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((args.iface, 0))
    return cmd_syn(args, s) if args.cmd == "syn" else cmd_ack(args, s)


if __name__ == "__main__":
    sys.exit(main())
