# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Frames built with struct: every field of an Ethernet / VLAN / IPv4 or
IPv6 / TCP frame, each overridable, lengths and checksums computed (by
csum.py) only where not overridden.  scapy "fixes" the lengths and checksums
the fuzzer wants broken and is too slow for a million frames; the unit
tables build with scapy (scapy_frames.py) so that their input checksums
come from another implementation than the one the checks use.
"""

import socket
import struct

from . import topology as topo
from .csum import PROTO_TCP, addr_bytes, csum16, pseudo_header

# TCP flag bits (RFC 9293 3.1; ECE/CWR RFC 3168).
FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = (1 << i for i in range(8))
ETH_P_IP, ETH_P_IPV6 = 0x0800, 0x86dd


def addr(fam, text):
    return socket.inet_pton(socket.AF_INET if fam == 4 else socket.AF_INET6, text)


def mac(text):
    return bytes.fromhex(text.replace(':', ''))


def pad4(b):
    return b + b'\0' * (-len(b) % 4)


class Pkt:
    """A TCP frame, field by field; build() serializes it."""

    def __init__(self, fam=4, **kw):
        self.fam = fam
        self.dst_mac, self.src_mac = mac(topo.MAC_SERVER), mac(topo.MAC_CLIENT)
        self.vlans = []              # [(tpid, tci)], outermost first
        self.ethertype = None        # None: from fam
        self.src = addr(fam, topo.client(fam))
        self.dst = addr(fam, topo.server(fam))
        # IPv4
        self.tos, self.ip_id, self.df, self.mf, self.frag = 0, 0x1234, True, False, 0
        self.ttl, self.proto, self.ip_opts = 64, PROTO_TCP, b''
        self.ihl = self.tot_len = self.ip_csum = None
        self.version = None
        # IPv6
        self.tc, self.flow, self.nh, self.plen = 0, 0, None, None
        self.ext = []                # [(type, body bytes incl. the 2 header bytes)]
        # TCP
        self.sport, self.dport, self.seq, self.ack = 40000, topo.LPORT, 0x01020304, 0
        self.flags, self.window, self.urg = SYN, 64240, 0
        self.opts, self.payload = b'', b''
        self.doff = self.tcp_csum = None
        self.tcp_res = 0             # the 4 reserved bits next to doff (AccECN's AE)
        self.ip_evil = False         # IPv4 reserved fragment bit (RFC 3514)
        self.tcp_raw = None          # replace the whole TCP segment (any protocol)
        self.pad = 0                 # Ethernet padding after the datagram
        for k, v in kw.items():
            if not hasattr(self, k):
                raise AttributeError(f'Pkt has no field {k}')
            if k in ('src', 'dst') and isinstance(v, str):
                v = addr_bytes(fam, v)
            if k in ('src_mac', 'dst_mac') and isinstance(v, str):
                v = mac(v)
            setattr(self, k, v)

    def tcp(self):
        if self.tcp_raw is not None:
            return self.tcp_raw
        opts = pad4(self.opts)
        doff = self.doff if self.doff is not None else 5 + len(opts) // 4
        hdr = struct.pack('!HHIIBBHHH', self.sport, self.dport, self.seq & 0xffffffff,
                          self.ack & 0xffffffff, ((doff & 0xf) << 4) | (self.tcp_res & 0xf),
                          self.flags & 0xff, self.window, 0, self.urg) + opts + self.payload
        ck = self.tcp_csum
        if ck is None:
            ck = csum16(pseudo_header(self.fam, self.src, self.dst, len(hdr)) + hdr)
        return hdr[:16] + struct.pack('!H', ck) + hdr[18:]

    def l2(self):
        et = self.ethertype if self.ethertype is not None else (
            ETH_P_IP if self.fam == 4 else ETH_P_IPV6)
        tp = [t for t, _ in self.vlans] + [et]
        b = self.dst_mac + self.src_mac + struct.pack('!H', tp[0])
        for i, (_, tci) in enumerate(self.vlans):
            b += struct.pack('!HH', tci, tp[i + 1])
        return b

    def build(self):
        seg = self.tcp()
        if self.fam == 4:
            opts = self.ip_opts
            ihl = self.ihl if self.ihl is not None else 5 + len(pad4(opts)) // 4
            opts = pad4(opts)
            tot = self.tot_len if self.tot_len is not None else 20 + len(opts) + len(seg)
            fragw = ((0x8000 if self.ip_evil else 0) | (0x4000 if self.df else 0) |
                     (0x2000 if self.mf else 0) | (self.frag & 0x1fff))
            ver = self.version if self.version is not None else 4
            hdr = struct.pack('!BBHHHBBH4s4s', (ver << 4) | (ihl & 0xf), self.tos,
                              tot & 0xffff, self.ip_id, fragw, self.ttl, self.proto, 0,
                              self.src, self.dst) + opts
            ck = self.ip_csum
            if ck is None:
                ck = csum16(hdr[:max(20, min(len(hdr), (ihl & 0xf) * 4))])
            l3 = hdr[:10] + struct.pack('!H', ck) + hdr[12:]
        else:
            ext = b''
            types = [t for t, _ in self.ext]
            nh0 = self.nh if self.nh is not None else (types[0] if types else self.proto)
            for i, (_, body) in enumerate(self.ext):
                nxt = types[i + 1] if i + 1 < len(types) else self.proto
                ext += bytes([nxt]) + body[1:]
            plen = self.plen if self.plen is not None else len(ext) + len(seg)
            ver = self.version if self.version is not None else 6
            l3 = struct.pack('!IHBB16s16s', (ver << 28) | (self.tc << 20) | self.flow,
                             plen & 0xffff, nh0, self.ttl, self.src, self.dst) + ext
        return self.l2() + l3 + seg + b'\0' * self.pad


def ext_hdr(t, n8=0):
    """An IPv6 extension header of (n8+1)*8 bytes; the next-header byte is
    filled in by Pkt.build().  Options are PadN so that the kernel would
    accept it too; routing is type 0 with segments left 0."""
    ln = (n8 + 1) * 8
    if t == 44:
        return (44, bytes([0, 0, 0, 0]) + struct.pack('!I', 0x4343))
    if t == 43:
        return (43, bytes([0, n8, 0, 0]) + bytes(ln - 4))
    body = bytes([0, n8])
    if ln - 2 >= 2:
        body += bytes([1, ln - 4]) + bytes(ln - 4)
    else:
        body += bytes(ln - 2)
    return (t, body)


def ah_hdr(icv_words=3, nxt=0):
    """An IPsec AH header (RFC 4302): 12 bytes and icv_words 32-bit words of
    ICV; its length byte is (length / 4) - 2."""
    return (51, bytes([nxt, icv_words + 1, 0, 0]) + struct.pack('!II', 0x100, 1)
            + bytes(4 * icv_words))


def rtg_hdr(segleft, n8=2):
    """A routing header (type 0) of (n8+1)*8 bytes with segments left."""
    return (43, bytes([0, n8, 0, segleft & 0xff]) + bytes((n8 + 1) * 8 - 4))


def frag6_hdr(offset, m):
    return (44, bytes([0, 0]) + struct.pack('!H', (offset << 3) | (1 if m else 0))
            + struct.pack('!I', 0x4343))


def set_dst_mac(frame, dst_mac):
    """The frame addressed to another MAC (bytes 0-5), everything else kept."""
    return bytes(dst_mac) + bytes(frame[6:])
