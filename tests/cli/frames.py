#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Send hand-built frames out of an interface (AF_PACKET), for the CLI tests.

  frames.py IFACE KIND COUNT [DST_MAC SRC_IP DST_IP DPORT]

KIND: l2   - Ethernet frames with the local-experimental EtherType 0x88b5
             (counted as pass_non_ip; no stack ever sends them, so counts are exact)
      udp  - IPv4/UDP datagrams (pass_non_tcp)
      syn  - IPv4/TCP SYNs with correct checksums (what the port policy judges)
Prints the number of bytes per frame, which is what the counters add up.
"""
import socket
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload


def l4_csum(src, dst, proto, seg):
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, proto, len(seg))
    return csum(pseudo + seg)


def main():
    ifname, kind, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    dmac = bytes.fromhex(sys.argv[4].replace(":", "")) if len(sys.argv) > 4 else b"\xff" * 6
    src, dst = (sys.argv[5], sys.argv[6]) if len(sys.argv) > 6 else ("198.18.0.1", "198.18.0.2")
    dport = int(sys.argv[7]) if len(sys.argv) > 7 else 9
    smac = b"\x02\x00\x00\x00\x00\x01"
    if kind == "l2":
        frame = dmac + smac + b"\x88\xb5" + b"synx-cli-test".ljust(46, b"\0")
    elif kind == "udp":
        udp = struct.pack("!HHHH", 40000, dport, 8 + 4, 0) + b"test"
        udp = udp[:6] + struct.pack("!H", l4_csum(src, dst, 17, udp)) + udp[8:]
        frame = dmac + smac + b"\x08\x00" + ipv4(src, dst, 17, udp)
    elif kind == "syn":
        tcp = struct.pack("!HHIIBBHHH", 40001, dport, 12345, 0, 5 << 4, 0x02, 65535, 0, 0)
        tcp = tcp[:16] + struct.pack("!H", l4_csum(src, dst, 6, tcp)) + tcp[18:]
        frame = dmac + smac + b"\x08\x00" + ipv4(src, dst, 6, tcp)
    else:
        sys.exit("unknown kind " + kind)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    for _ in range(count):
        s.send(frame)
    print(len(frame))


if __name__ == "__main__":
    main()
