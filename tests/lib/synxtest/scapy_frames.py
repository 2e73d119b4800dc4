# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Frames built with scapy, for the unit tables: their IP and TCP checksums
are scapy's, so an input frame never shares a checksum bug with csum.py,
which checks the output.  TCP options are encoded by tcpopts.encode(), since
scapy would "fix" the malformed ones the tables need.

A Frame is the wire bytes plus the arguments that built it (spec), so that a
handshake ACK can be built for the same 4-tuple.  Import this module only
inside the test's namespace: scapy inspects the interfaces when imported.
"""

from scapy.layers.l2 import ARP, Dot1AD, Dot1Q, Ether
from scapy.layers.inet import (ICMP, IP, TCP, UDP, IPOption_LSRR, IPOption_NOP,
                               IPOption_Router_Alert)
from scapy.layers.inet6 import (ICMPv6EchoRequest, IPv6, IPv6ExtHdrDestOpt,
                                IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                                IPv6ExtHdrRouting, IPv6ExtHdrSegmentRouting)
from scapy.layers.ipsec import AH as _AH, ESP as _ESP
from scapy.packet import Raw

from . import topology as topo
from .csum import ip4_fix_csum
from .frames import ACK, SYN
from .tcpopts import encode

C4, S4, C6, S6 = topo.CLIENT4, topo.SERVER4, topo.CLIENT6, topo.SERVER6
IP_OPTS_RA = (IPOption_Router_Alert(), IPOption_NOP(), IPOption_NOP(), IPOption_NOP(),
              IPOption_NOP())  # 8 bytes: IHL 7
# Extension header layers, re-exported for the tables.
HBH, DST, RTG = IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting
# Their protocol numbers, for chaining them by hand (scapy leaves AH's
# next-header and length to the caller).
EXT_TYPES = ((IPv6ExtHdrHopByHop, 0), (IPv6ExtHdrRouting, 43), (IPv6ExtHdrSegmentRouting, 43),
             (IPv6ExtHdrFragment, 44), (_AH, 51), (IPv6ExtHdrDestOpt, 60))


def AH(icv_words=3, spi=0x100, seq=1):
    """An IPsec AH header (RFC 4302): 12 bytes and an ICV of icv_words
    32-bit words; its length field is (length / 4) - 2."""
    return _AH(payloadlen=icv_words + 1, spi=spi, seq=seq, icv=bytes(4 * icv_words))


def ESP(spi=0x200, seq=1, data=b'\x5a' * 32):
    """An ESP header and opaque ciphertext: nothing behind it is visible."""
    return _ESP(spi=spi, seq=seq, data=data)


def rtg_sl(segleft, n=None):
    """A routing header (type 0) with segments left: this host is a waypoint."""
    n = max(segleft, 1) if n is None else n
    return IPv6ExtHdrRouting(segleft=segleft, addresses=[f'fd00:9::{i + 1}' for i in range(n)])


def srh(segleft):
    """A segment routing header (RFC 8754) with segments left."""
    segs = [f'fd00:9::{i + 1}' for i in range(segleft)] + [S6]
    return IPv6ExtHdrSegmentRouting(segleft=segleft, lastentry=len(segs) - 1, addresses=segs)


def ext_type(layer):
    for cls, t in EXT_TYPES:
        if isinstance(layer, cls):
            return t
    raise ValueError(f'not an extension header: {layer!r}')


def ext_chain(ext, last):
    """(first next-header value, bytes) of the extension headers ext
    (scapy layers, or (type, bytes) tuples taken as they are but for their
    next-header byte), chained by hand and ending in protocol last."""
    types = [e[0] if isinstance(e, tuple) else ext_type(e) for e in ext]
    out = b''
    for i, e in enumerate(ext):
        nxt = types[i + 1] if i + 1 < len(types) else last
        if isinstance(e, tuple):
            out += bytes([nxt]) + bytes(e[1][1:])
        else:
            e = e.copy()
            e.nh = nxt
            out += bytes(e)
    return (types[0] if types else last), out


class Frame:
    def __init__(self, raw, spec, l2len, l3off, l4off=None):
        self.raw = bytes(raw)
        self.spec = spec
        self.l2len = l2len
        self.l3off = l3off
        self.l4off = l4off

    def __len__(self):
        return len(self.raw)

    def __bytes__(self):
        return self.raw

    def patched(self, fn, fix_ip4_csum=True):
        """A copy with fn(bytearray, frame) applied; the IPv4 header
        checksum is recomputed afterwards so that only the intended defect
        remains (unless the row is about that checksum)."""
        b = bytearray(self.raw)
        fn(b, self)
        if fix_ip4_csum and self.spec.get('fam') == 4:
            ihl = (b[self.l3off] & 0xf) * 4
            if 20 <= ihl and self.l3off + ihl <= len(b):
                ip4_fix_csum(b, self.l3off, ihl)
        return Frame(b, self.spec, self.l2len, self.l3off, self.l4off)

    def cut(self, n):
        """The first n bytes only (a truncated frame)."""
        return Frame(self.raw[:n], self.spec, self.l2len, self.l3off, self.l4off)

    def padded(self, n):
        """n bytes of Ethernet padding after the IP datagram."""
        return Frame(self.raw + b'\0' * n, self.spec, self.l2len, self.l3off, self.l4off)

    def to_mac(self, dst, src=None):
        """The same frame addressed to another MAC (and from another, if src)."""
        src = self.raw[6:12] if src is None else bytes(src)
        return Frame(bytes(dst) + src + self.raw[12:], self.spec, self.l2len, self.l3off,
                     self.l4off)


def l2(vlans=(), ethertype=None):
    """Ethernet plus VLAN tags: vlans = [(tpid, vid), ...] outermost first.
    Every TPID is set explicitly (scapy's defaults would pick 0x8100)."""
    tpids = [t for t, _ in vlans] + [ethertype]
    p = Ether(src=topo.MAC_CLIENT, dst=topo.MAC_SERVER)
    if tpids[0] is not None:
        p.type = tpids[0]
    for i, (tpid, vid) in enumerate(vlans):
        cls = Dot1AD if tpid == 0x88a8 else Dot1Q
        layer = cls(vlan=vid)
        if tpids[i + 1] is not None:
            layer.type = tpids[i + 1]
        p = p / layer
    return p


def tcp_frame(fam=4, src=None, dst=None, sport=40000, dport=topo.LPORT, flags=SYN,
              seq=0x01020304, ack=0, opts=(), payload=b'', vlans=(), ip_opts=(),
              ext=(), df=True, frag=0, mf=False, ttl=64, window=64240, urg=0,
              doff=None, tcp_csum=None, ip_csum=None, ip_id=0x1234, tos=0, flow=0, res=0):
    """One TCP frame.  opts: a tcpopts list; ext: IPv6 extension header layers
    (scapy's, AH(), rtg_sl(), or (type, bytes)); res: the 4 bits after the
    data offset (AccECN's AE is the lowest, 1)."""
    spec = dict(locals())
    src = src or topo.client(fam)
    dst = dst or topo.server(fam)
    spec.update(src=src, dst=dst)
    optb = encode(opts)
    # scapy: 3 reserved bits, then AE as the ninth flag bit (its 'NS').
    seg = TCP(sport=sport, dport=dport, seq=seq, ack=ack, flags=flags | (res & 1) << 8,
              reserved=res >> 1, window=window, urgptr=urg,
              dataofs=doff if doff is not None else 5 + len(optb) // 4, options=[])
    if tcp_csum is not None:
        seg.chksum = tcp_csum
    seg = seg / Raw(optb + payload) if optb + payload else seg
    if fam == 4:
        ipf = (2 if df else 0) | (1 if mf else 0)
        l3 = IP(src=src, dst=dst, ttl=ttl, flags=ipf, frag=frag, id=ip_id, tos=tos,
                options=list(ip_opts))
        if ip_csum is not None:
            l3.chksum = ip_csum
    else:
        # The TCP segment and its checksum by scapy (the pseudo-header does
        # not see extension headers), the chain in front of it by hand.
        tcpb = bytes(IPv6(src=src, dst=dst) / seg)[40:]
        nh, chain = ext_chain(ext, 6)
        l3 = IPv6(src=src, dst=dst, hlim=ttl, tc=tos, fl=flow, nh=nh) / Raw(chain)
        seg = Raw(tcpb)
    base = l2(vlans)
    raw = bytes(base / l3 / seg)
    l2len = len(base)
    l4 = len(raw) - 20 - len(optb) - len(payload)
    return Frame(raw, spec, l2len, l2len, l4)


def ack_for(syn, cookie, **kw):
    """The handshake ACK a client sends back for a SYN-ACK with seq=cookie."""
    s = dict(syn.spec)
    s.update(flags=ACK, seq=(s['seq'] + 1) & 0xffffffff, ack=(cookie + 1) & 0xffffffff,
             opts=(), payload=b'', doff=None, tcp_csum=None, ip_csum=None)
    s.update(kw)
    return tcp_frame(**s)


def ip4_raw_frag(frag, mf=False, payload=b'\xaa' * 24, proto=6, src=C4, dst=S4, vlans=()):
    """A non-first IPv4 fragment: payload is opaque data, not a TCP header."""
    p = l2(vlans) / IP(src=src, dst=dst, proto=proto, frag=frag,
                       flags=1 if mf else 0, id=0x4242) / Raw(payload)
    b = l2(vlans)
    return Frame(bytes(p), dict(fam=4, src=src, dst=dst), len(b), len(b), None)


def ip6_esp(ext=(), src=C6, dst=S6):
    """IPv6 with ESP after the extension headers ext."""
    nh, chain = ext_chain(ext, 50)
    p = l2() / IPv6(src=src, dst=dst, nh=nh) / Raw(chain) / ESP()
    return Frame(bytes(p), dict(fam=6, src=src, dst=dst), 14, 14, None)


def other6(ext=(), nh=17, src=C6, dst=S6):
    """IPv6 with the extension headers ext, then UDP (nh 17) or raw data."""
    chain_nh, chain = ext_chain(ext, nh)
    upper = UDP(sport=5353, dport=topo.LPORT) / Raw(b'x' * 8) if nh == 17 else Raw(b'\0' * 16)
    ub = bytes(IPv6(src=src, dst=dst) / upper)[40:]
    p = l2() / IPv6(src=src, dst=dst, nh=chain_nh) / Raw(chain + ub)
    return Frame(bytes(p), dict(fam=6, src=src, dst=dst), 14, 14, None)


def ip6_raw_frag(offset, m=False, payload=b'\xaa' * 24, nh=6, src=C6, dst=S6, ext=()):
    """A non-first IPv6 fragment (a fragment header after ext, next header nh)."""
    fh = IPv6ExtHdrFragment(offset=offset, m=int(m), id=0x4242)
    chain_nh, chain = ext_chain(list(ext) + [fh], nh)
    p = l2() / IPv6(src=src, dst=dst, nh=chain_nh) / Raw(chain + payload)
    return Frame(bytes(p), dict(fam=6, src=src, dst=dst), 14, 14, None)


def frag6(offset=0, m=True, nh=6):
    return IPv6ExtHdrFragment(offset=offset, m=int(m), nh=nh, id=0x4343)


def other_frame(kind, vlans=()):
    """Non-TCP traffic."""
    base = l2(vlans)
    if kind == 'arp':
        p = base / ARP(psrc=C4, pdst=S4, hwsrc=topo.MAC_CLIENT)
    elif kind == 'lldp':
        p = l2(vlans, ethertype=0x88cc) / Raw(b'\x02\x07\x04' + b'\0' * 30)
    elif kind == 'udp4':
        p = base / IP(src=C4, dst=S4) / UDP(sport=5353, dport=topo.LPORT) / Raw(b'x' * 8)
    elif kind == 'icmp4':
        p = base / IP(src=C4, dst=S4) / ICMP() / Raw(b'x' * 8)
    elif kind == 'udp6':
        p = base / IPv6(src=C6, dst=S6) / UDP(sport=5353, dport=topo.LPORT) / Raw(b'x' * 8)
    elif kind == 'icmp6':
        p = base / IPv6(src=C6, dst=S6) / ICMPv6EchoRequest()
    elif kind == 'nonext6':
        p = base / IPv6(src=C6, dst=S6, nh=59) / Raw(b'\0' * 8)
    elif kind == 'hbh_udp6':
        p = base / IPv6(src=C6, dst=S6) / IPv6ExtHdrHopByHop() / UDP(sport=1, dport=topo.LPORT)
    else:
        raise ValueError(kind)
    return Frame(bytes(p), dict(fam=None), len(base), len(base), None)


def udp4(src=C4, dst=S4, ihl=None):
    ip = IP(src=src, dst=dst) if ihl is None else IP(src=src, dst=dst, ihl=ihl)
    p = l2() / ip / UDP(sport=5353, dport=topo.LPORT) / Raw(b'x' * 4)
    return Frame(bytes(p), dict(fam=4), 14, 14, None)


def scapy_csums_ok(out):
    """Both checksums of a frame as scapy recomputes them: [] or errors.  A
    second opinion beside csum.py's."""
    errs = []
    p = Ether(out)
    v4 = IP in p
    if not v4 and IPv6 not in p:
        return ['scapy: not an IP frame']
    ck_ip = p[IP].chksum if v4 else None
    ck_tcp = p[TCP].chksum
    if v4:
        del p[IP].chksum
    del p[TCP].chksum
    q = Ether(bytes(p))
    if v4 and q[IP].chksum != ck_ip:
        errs.append(f'ip checksum (scapy): expected 0x{q[IP].chksum:04x}, got 0x{ck_ip:04x}')
    if q[TCP].chksum != ck_tcp:
        errs.append(f'tcp checksum (scapy): expected 0x{q[TCP].chksum:04x}, got 0x{ck_tcp:04x}')
    return errs
