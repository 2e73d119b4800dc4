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
import os
import socket
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))

from synxtest import topology as topo  # noqa: E402
from synxtest.csum import PROTO_UDP, l4_csum  # noqa: E402
from synxtest.frames import SYN, Pkt, mac  # noqa: E402


def frame(kind, dmac, src, dst, dport):
    smac = mac(topo.MAC_CLIENT)
    if kind == 'l2':
        return dmac + smac + b'\x88\xb5' + b'synx-cli-test'.ljust(46, b'\0')
    common = dict(src_mac=smac, dst_mac=dmac, src=src, dst=dst, ip_id=1, df=False)
    if kind == 'udp':
        udp = struct.pack('!HHHH', 40000, dport, 8 + 4, 0) + b'test'
        udp = udp[:6] + struct.pack('!H', l4_csum(4, src, dst, udp, PROTO_UDP)) + udp[8:]
        return Pkt(4, proto=PROTO_UDP, tcp_raw=udp, **common).build()
    if kind == 'syn':
        return Pkt(4, sport=40001, dport=dport, seq=12345, flags=SYN, window=65535,
                   **common).build()
    sys.exit('unknown kind ' + kind)


def main():
    ifname, kind, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    dmac = mac(sys.argv[4]) if len(sys.argv) > 4 else b'\xff' * 6
    src, dst = (sys.argv[5], sys.argv[6]) if len(sys.argv) > 6 else (topo.CLIENT4, topo.SERVER4)
    dport = int(sys.argv[7]) if len(sys.argv) > 7 else 9
    f = frame(kind, dmac, src, dst, dport)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    for _ in range(count):
        s.send(f)
    print(len(f))


if __name__ == '__main__':
    main()
