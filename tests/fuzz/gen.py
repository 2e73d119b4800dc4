# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Packet generators and mutators for the differential fuzzer.

Frames are built with synxtest.frames.Pkt (struct, not scapy: scapy "fixes"
the lengths and checksums the fuzzer wants broken, and is too slow for a
million frames).  Each strategy returns (frame bytes, tag); the tag names the
strategy and the field it broke, so that a disagreement can be reproduced
and reported by name.  Everything is driven by one random.Random: a seed
reproduces a run exactly.
"""

from synxtest import contract as C
from synxtest import cookies
from synxtest import topology as topo
from synxtest.frames import (ACK, CWR, ECE, FIN, PSH, RST, SYN, URG, Pkt, addr, ah_hdr,
                             ext_hdr, frag6_hdr, mac, pad4, rtg_hdr)
from synxtest.tcpopts import LINUX as _LINUX, MACOS as _MACOS, WINDOWS as _WINDOWS, encode

C4, S4, C6, S6 = topo.CLIENT4, topo.SERVER4, topo.CLIENT6, topo.SERVER6
LPORT, NOLPORT = topo.LPORT, topo.NOLPORT
EST = topo.EST
LINUX, WINDOWS, MACOS = encode(_LINUX), encode(_WINDOWS), encode(_MACOS)
CLIENT_OPTS = [b'', LINUX, WINDOWS, MACOS, bytes.fromhex('020405b4'),
               bytes.fromhex('0402080a0102030400000000'), bytes.fromhex('01010402')]
# Listener ports with settings of their own (MSS, TTL, buffer, clamp, a full
# accept queue), beside the plain one.
SPECIAL_PORTS = [v[0] for k, v in topo.LISTENERS.items() if k != 'fresh']
# Destinations worth a decision (README "Whose packet"): this host's own
# (the DUT's, another device's, VIPs on lo, optimistic, link-local) and not
# (in the subnet, broadcast, multicast, loopback, unspecified, tentative,
# routed through).
DSTS = {
    4: ['198.18.0.77', '198.18.0.255', '198.18.0.0', '224.0.0.1', '239.1.1.1',
        '255.255.255.255', '127.0.0.1', '0.0.0.0', '0.1.2.3', topo.VIP4, '198.18.1.2',
        '198.18.2.2', '198.18.1.255', '198.18.9.9', '10.1.2.3'],
    6: ['fd00::77', 'ff02::1', 'ff05::1:3', '::1', '::', topo.VIP6, 'fd00:1::2', 'fd00:4::2',
        topo.TENTATIVE6, topo.OPTIMISTIC6, 'fe80::2', 'fe80::3', 'fe80::99', 'fd00:9::9',
        '::ffff:198.18.0.2'],
}
# Destination MACs that are not the ingress device's (the fuzzer puts the
# device's own where a frame carries topology.MAC_SERVER).
OTHER_MACS = [mac('02:00:00:00:00:99'), b'\xff' * 6, mac('01:00:5e:00:00:01'),
              mac('33:33:00:00:00:01'), mac('33:33:ff:00:00:02'), mac(topo.JUMBO.mac),
              mac('02:00:00:00:00:12'), mac('03:00:00:00:00:02')]
V4MAPPED = [bytes(10) + b'\xff\xff' + bytes([198, 18, 0, 1]), bytes(10) + b'\xff\xff' + bytes(4),
            bytes(10) + b'\xff\xff' + b'\xff' * 4]


# ------------------------------------------------------------ base packets

def rand_addr(r, fam):
    if fam == 4:
        return bytes(r.getrandbits(8) for _ in range(4))
    return bytes(r.getrandbits(8) for _ in range(16))


def base_pkt(r):
    """A well-formed frame of a random useful kind."""
    fam = r.choice((4, 6))
    p = Pkt(fam)
    kind = r.random()
    p.sport = r.choice((r.randrange(1024, 65536), r.randrange(1, 65536)))
    p.dport = r.choice((LPORT, LPORT, LPORT, NOLPORT, r.randrange(1, 65536),
                        r.choice(SPECIAL_PORTS)))
    p.seq = r.getrandbits(32)
    if kind < 0.55:
        p.flags = SYN | r.choice((0, 0, 0, ECE | CWR, ECE | CWR, ECE, CWR))
        p.opts = r.choice(CLIENT_OPTS)
        if r.random() < 0.3:
            # An ECT-marked SYN (no ECN for it), maybe with AccECN's AE bit.
            p.tos = p.tc = r.choice((1, 2, 3, 0xb8 | r.randrange(0, 4)))
            p.tcp_res = r.choice((0, 0, 1, 2, 3))
        if r.random() < 0.1:
            p.payload = bytes(r.getrandbits(8) for _ in range(r.randrange(1, 64)))
    elif kind < 0.85:
        p.flags = ACK | r.choice((0, 0, PSH, FIN, URG))
        p.ack = r.getrandbits(32)
        if r.random() < 0.3:
            p.payload = bytes(r.getrandbits(8) for _ in range(r.randrange(1, 100)))
    else:
        p.flags = r.choice((RST, RST | ACK, SYN | ACK, SYN | ACK | ECE))
        p.ack = r.getrandbits(32)
    if r.random() < 0.2:
        cs, sp, sd, dp = EST[fam]
        p.src, p.sport, p.dst, p.dport = addr(fam, cs), sp, addr(fam, sd), dp
        if r.random() < 0.3:  # the reverse direction: the client socket's tuple
            p.src, p.sport, p.dst, p.dport = p.dst, p.dport, p.src, p.sport
    if r.random() < 0.05:
        p.src = rand_addr(r, fam)
    if r.random() < 0.03:
        p.dst = rand_addr(r, fam)
    if r.random() < 0.06:
        p.dst = addr(fam, r.choice(DSTS[fam]))
    if fam == 6 and r.random() < 0.01:
        p.src = r.choice(V4MAPPED)
    if r.random() < 0.15:
        p.vlans = [(r.choice((0x8100, 0x88a8)), r.getrandbits(16))
                   for _ in range(r.choice((1, 2)))]
    if fam == 4 and r.random() < 0.1:
        p.ip_opts = bytes([0x94, 4, 0, 0]) * r.randrange(1, 3)  # router alert
    if fam == 6 and r.random() < 0.15:
        p.ext = [ext_hdr(r.choice((0, 43, 60)), r.randrange(0, 3))
                 for _ in range(r.randrange(1, 4))]
        if r.random() < 0.2:
            p.ext.insert(r.randrange(0, len(p.ext) + 1), ah_hdr(r.randrange(1, 5)))
    if r.random() < 0.05:
        p.df = False
    if r.random() < 0.05:
        p.pad = r.randrange(1, 20)
    return p


# ------------------------------------------------------------ strategies

def s_valid(r):
    return base_pkt(r).build(), 'valid'


BREAKS = {}


def brk(name):
    def deco(fn):
        BREAKS[name] = fn
        return fn
    return deco


@brk('ip_version')
def _(r, p):
    p.version = r.choice([v for v in range(16) if v != p.fam])


@brk('ihl')
def _(r, p):
    p.ihl = r.randrange(0, 16)


@brk('tot_len')
def _(r, p):
    p.tot_len = r.choice((0, r.randrange(0, 20), r.randrange(20, 60), r.randrange(0, 65536),
                          len(p.tcp()) + 20 + len(pad4(p.ip_opts)) + r.randrange(-8, 9)))


@brk('plen')
def _(r, p):
    base = len(p.tcp()) + sum(len(b) for _, b in p.ext)
    p.plen = r.choice((0, r.randrange(0, 65536), max(0, base + r.randrange(-24, 9))))


@brk('ip_csum')
def _(r, p):
    p.ip_csum = r.getrandbits(16)


@brk('tcp_csum')
def _(r, p):
    p.tcp_csum = r.getrandbits(16)


@brk('doff')
def _(r, p):
    p.doff = r.randrange(0, 16)


@brk('ports')
def _(r, p):
    if r.random() < 0.5:
        p.sport = 0
    else:
        p.dport = 0


@brk('flags')
def _(r, p):
    p.flags = r.getrandbits(8)


@brk('src_martian')
def _(r, p):
    if p.fam == 4:
        p.src = r.choice((bytes([0, 1, 2, 3]), bytes([127, 0, 0, 1]), bytes([127, 9, 9, 9]),
                          bytes([224, 0, 0, 1]), bytes([239, 1, 1, 1]), b'\xff' * 4,
                          bytes([240, 0, 0, 1]), bytes([255, 255, 255, 254]),
                          bytes([1, 0, 0, 0]), bytes([126, 255, 255, 255]),
                          bytes([128, 0, 0, 0]), bytes([223, 255, 255, 255])))
    else:
        p.src = r.choice((bytes(16), bytes(15) + b'\1', b'\xff\x02' + bytes(13) + b'\1',
                          b'\xff' * 16, b'\xfe\x80' + bytes(13) + b'\1', bytes(15) + b'\2',
                          bytes(10) + b'\xff\xff\x7f\0\0\1', *V4MAPPED,
                          bytes(10) + b'\xff\xfe' + bytes(4), bytes(9) + b'\1\xff\xff' + bytes(4),
                          bytes(12) + bytes([198, 18, 0, 1])))


@brk('land')
def _(r, p):
    p.src = p.dst


@brk('frag')
def _(r, p):
    if p.fam == 4:
        p.mf = r.random() < 0.5
        p.frag = r.choice((0, 1, 2, 3, r.randrange(0, 8192)))
        if not p.mf and not p.frag:
            p.mf = True
    else:
        off = r.choice((0, 1, 2, 3, r.randrange(0, 8192)))
        m = r.random() < 0.5 or off == 0
        p.ext = p.ext + [frag6_hdr(off, m if r.random() < 0.9 else False)]
    if r.random() < 0.3:
        p.payload = b''
        p.opts = b''
    if r.random() < 0.3:
        # a short first fragment: the segment ends inside the TCP header
        seg = p.tcp()
        p.tcp_raw = seg[:r.randrange(0, len(seg) + 1)]


@brk('opts')
def _(r, p):
    p.flags = SYN
    p.opts = soup(r)


@brk('window_urg_seq')
def _(r, p):
    p.window, p.urg, p.seq, p.ack = (r.getrandbits(16), r.getrandbits(16), r.getrandbits(32),
                                     r.getrandbits(32))


@brk('ethertype')
def _(r, p):
    p.ethertype = r.choice((0x0806, 0x88cc, 0x86dd if p.fam == 4 else 0x0800, 0x8100, 0x88a8,
                            0x9100, r.getrandbits(16)))


@brk('vlan_stack')
def _(r, p):
    p.vlans = [(r.choice((0x8100, 0x88a8, 0x8100, 0x9100)), r.getrandbits(16))
               for _ in range(r.randrange(0, 5))]


@brk('ext_stack')
def _(r, p):
    if p.fam != 6:
        p.__init__(6, flags=p.flags, opts=p.opts, sport=p.sport, dport=p.dport)
    p.ext = ext_chain(r)
    if r.random() < 0.15:
        p.proto = r.choice((17, 58, 59, 0, 43, 60, 44, 51, 50))


@brk('ip4_opts')
def _(r, p):
    if p.fam != 4:
        p.__init__(4, flags=p.flags, opts=p.opts, sport=p.sport, dport=p.dport)
    n = r.randrange(0, 41)
    p.ip_opts = bytes(r.getrandbits(8) for _ in range(n))
    if r.random() < 0.3:
        p.ihl = r.randrange(0, 16)


@brk('reserved_bits')
def _(r, p):
    p.tcp_res = r.randrange(1, 16)
    p.ip_evil = r.random() < 0.5


@brk('big_payload')
def _(r, p):
    # Up to what BPF_PROG_TEST_RUN accepts for XDP (a page minus head- and
    # tailroom): long TFO data is checksummed in a bounded loop.
    n = r.choice((r.randrange(1, 3300), r.randrange(1400, 3300), 1, 2, 3))
    p.payload = bytes(r.getrandbits(8) for _ in range(min(n, 64))) * (n // 64 + 1)
    p.payload = p.payload[:n]
    if r.random() < 0.5:
        p.flags = SYN
        p.dport = LPORT


@brk('proto')
def _(r, p):
    p.proto = r.choice((17, 1, 58, 47, 132, 0, r.getrandbits(8)))


def ext_chain(r, n=None):
    """Extension headers in any order (HBH anywhere, routing with or
    without segments left, fragment headers atomic, first or later, AH of
    any length), 0 to 11 of them."""
    ext = []
    for _ in range(r.randrange(0, 12) if n is None else n):
        t = r.choice((0, 43, 60, 60, 60, 44, 51))
        if t == 44:
            ext.append(frag6_hdr(0, False) if r.random() < 0.6 else
                       frag6_hdr(r.choice((0, 0, r.randrange(1, 8))), r.random() < 0.5))
        elif t == 51:
            ext.append(ah_hdr(r.choice((1, 3, 4, r.randrange(0, 12)))))
        elif t == 43:
            ext.append(rtg_hdr(0 if r.random() < 0.7 else r.randrange(1, 4), r.randrange(0, 4)))
        elif t == 0 and ext and r.random() < 0.7:
            ext.insert(0, ext_hdr(0, r.randrange(0, 3)))  # mostly first
        else:
            ext.append(ext_hdr(t, r.randrange(0, 4)))
    return ext


def soup(r):
    """Random TCP options: known kinds with right and wrong lengths, NOP/EOL,
    unknown kinds, and raw garbage; up to 40 bytes."""
    b = b''
    for _ in range(r.randrange(0, 12)):
        x = r.random()
        if x < 0.15:
            b += b'\x01'
        elif x < 0.2:
            b += b'\x00'
        elif x < 0.6:
            k = r.choice((2, 3, 4, 8, 19, 29, 34, 5, 30, 254))
            good = {2: 4, 3: 3, 4: 2, 8: 10, 19: 18, 29: 16, 34: 10, 5: 10, 30: 8, 254: 6}[k]
            ln = good if r.random() < 0.7 else r.choice((0, 1, 2, 3, 4, 10, 40, 255,
                                                         r.getrandbits(8)))
            b += bytes([k, ln]) + bytes(r.getrandbits(8) for _ in range(max(0, min(ln, 40) - 2)))
        else:
            b += bytes(r.getrandbits(8) for _ in range(r.randrange(1, 4)))
        if len(b) >= 40:
            break
    return b[:40]


def s_break(r):
    p = base_pkt(r)
    name = r.choice(sorted(BREAKS))
    BREAKS[name](r, p)
    return p.build(), 'break_' + name


def s_truncate(r):
    f = base_pkt(r).build()
    return f[:r.randrange(14, len(f))], 'truncate'


def s_soup(r):
    p = base_pkt(r)
    p.flags = SYN | (r.getrandbits(8) & (ECE | CWR))
    p.dport = r.choice((LPORT, LPORT, NOLPORT))
    p.opts = soup(r)
    if r.random() < 0.2:
        p.doff = r.randrange(5, 16)
    return p.build(), 'opt_soup'


def s_flags(r):
    p = base_pkt(r)
    p.flags = r.getrandbits(8)
    return p.build(), 'flag_byte'


def s_stack(r):
    p = base_pkt(r)
    BREAKS['vlan_stack' if r.random() < 0.4 else 'ext_stack'](r, p)
    if r.random() < 0.2:
        p = Pkt(p.fam, vlans=p.vlans, ext=p.ext)  # a plain SYN behind the stack
    return p.build(), 'stack'


def s_ip4opts(r):
    p = base_pkt(r)
    BREAKS['ip4_opts'](r, p)
    return p.build(), 'ip4_options'


def s_bitflip(r):
    f = bytearray(base_pkt(r).build())
    for _ in range(r.randrange(1, 4)):
        i = r.randrange(0, len(f))
        f[i] ^= 1 << r.randrange(8)
    return bytes(f), 'bitflip'


def s_owner(r):
    """A frame for another MAC (foreign, broadcast, multicast, another
    device's), well-formed or broken, down to 14 bytes: PASS_NOT_HOST
    before anything else."""
    p = base_pkt(r)
    if r.random() < 0.3:
        BREAKS[r.choice(sorted(BREAKS))](r, p)
    f = p.build()
    if r.random() < 0.2:
        f = f[:r.randrange(14, len(f) + 1)]
    return r.choice(OTHER_MACS) + f[6:], 'owner_mac'


def s_dst(r):
    """Destinations that are this host's and that are not, for SYNs, ACKs
    and malformed segments alike (a device that forwards passes what is not
    for it before any TCP check)."""
    p = base_pkt(r)
    p.dst = addr(p.fam, r.choice(DSTS[p.fam] + [S4 if p.fam == 4 else S6]))
    p.dport = r.choice((LPORT, LPORT, NOLPORT, r.choice(SPECIAL_PORTS)))
    if r.random() < 0.4:
        BREAKS[r.choice(('flags', 'opts', 'doff', 'ports', 'frag', 'tcp_csum', 'ip_csum',
                         'src_martian', 'ext_stack', 'proto'))](r, p)
    return p.build(), 'dst'


def s_chain(r):
    """IPv6 behind extension header chains: reordered, overlong (up to 11),
    AH, ESP, routing with segments left, HBH not first, cut short."""
    p = base_pkt(r)
    if p.fam != 6:
        p.__init__(6, flags=p.flags, opts=p.opts, sport=p.sport, dport=p.dport, seq=p.seq,
                   ack=p.ack, payload=p.payload)
    p.ext = ext_chain(r)
    x = r.random()
    if x < 0.1:
        p.proto = 50  # ESP: what follows is ciphertext
        p.tcp_raw = bytes(r.getrandbits(8) for _ in range(r.randrange(8, 48)))
    elif x < 0.3:
        ext = sum(len(b) for _, b in p.ext)
        p.plen = max(0, ext + r.randrange(-24, 8))
    elif x < 0.4 and p.ext:
        i = r.randrange(len(p.ext))
        t, b = p.ext[i]
        p.ext[i] = (t, b[:1] + bytes([r.getrandbits(8)]) + b[2:])
    return p.build(), 'ip6_chain'


def s_first_frag(r):
    """First fragments (offset 0, more to come), mostly ACKs: judged as
    their whole segment; a SYN among them is dropped."""
    p = base_pkt(r)
    p.flags = r.choice((ACK, ACK, ACK | PSH, ACK | FIN, RST, SYN, SYN | ACK))
    p.ack = r.getrandbits(32)
    p.payload = bytes(r.getrandbits(8) for _ in range(r.randrange(0, 64)))
    if p.fam == 4:
        p.mf, p.df = True, False
    else:
        p.ext = list(p.ext)
        p.ext.insert(r.randrange(0, len(p.ext) + 1), frag6_hdr(0, True))
    return p.build(), 'first_fragment'


def s_own_ack(r, ctx):
    """The handshake ACK of an own cookie computed from the batch's key
    (ctx.keys; a random one in kernel mode) for a flow no SYN of which was
    ever seen, then aged or altered: issued now, one period ago (valid),
    two periods ago (expired), a period ahead, under the previous key
    (valid only for two periods after the rotation), one bit flipped,
    another flow's, the other family's.  The model knows which are valid."""
    fam = r.choice((4, 6))
    p = Pkt(fam, flags=ACK | r.choice((0, 0, PSH)), sport=r.randrange(1, 65536),
            seq=r.getrandbits(32))
    if r.random() < 0.2:
        p.payload = bytes(r.getrandbits(8) for _ in range(r.randrange(1, 64)))
    if r.random() < 0.1:
        p.vlans = [(0x8100, r.getrandbits(12))]
    keys = ctx.keys if ctx and ctx.keys and ctx.keys.generation else \
        cookies.Keys((r.getrandbits(64), r.getrandbits(64)))
    table = C.MSS_TABLE[fam]
    mss = r.choice(table + [r.randrange(0, 65536), 0])
    ws = r.choice((cookies.OWN['WS_NONE'], r.randrange(0, 15)))
    sack, ecn = r.random() < 0.5, r.random() < 0.3
    how = r.choice(('now', 'now', 'now', 'last_period', 'expired', 'ahead', 'prev_key',
                    'bit', 'other_flow', 'other_family')
                   + (('prev_key',) * 3 if keys.rotated_ns else ()))
    count = keys.count(ctx.now() if ctx else 0)
    count = {'last_period': count - 1, 'expired': count - 2, 'ahead': count + 1}.get(how, count)
    key = keys.prev if how == 'prev_key' else keys.cur
    sport = p.sport % 65535 + 1 if how == 'other_flow' else p.sport
    kfam = 10 - fam if how == 'other_family' else fam
    words = cookies.flow_words(fam, p.src, p.dst, sport, p.dport, (p.seq - 1) & 0xffffffff)
    cookie = cookies.own_issue(key, kfam, words, count & 0xffffffff, mss, ws, sack, ecn)
    if how == 'bit':
        cookie ^= 1 << r.randrange(32)
    p.ack = (cookie + 1) & 0xffffffff
    # Split by the client, or behind AH / other headers: judged all the same.
    if r.random() < 0.15:
        if fam == 4:
            p.mf, p.df = True, False
        else:
            p.ext = [frag6_hdr(0, True)]
        p.payload = p.payload or b'f' * 16
    elif fam == 6 and r.random() < 0.15:
        p.ext = [r.choice((ah_hdr(3), ext_hdr(60, 0), rtg_hdr(0, 2)))]
    return p.build(), 'own_ack'


s_own_ack.needs_ctx = True

STRATEGIES = [(s_valid, 20), (s_break, 30), (s_truncate, 10), (s_soup, 12), (s_flags, 8),
              (s_stack, 10), (s_ip4opts, 5), (s_bitflip, 5), (s_own_ack, 6), (s_owner, 5),
              (s_dst, 10), (s_chain, 10), (s_first_frag, 6)]


def pick(r, ctx=None):
    """One frame of a strategy chosen by weight: (frame, tag).  ctx: the
    batch's keys and clock, for the strategies that compute cookies."""
    tot = sum(w for _, w in STRATEGIES)
    x = r.randrange(tot)
    for fn, w in STRATEGIES:
        if x < w:
            return fn(r, ctx) if getattr(fn, 'needs_ctx', False) else fn(r)
        x -= w
    raise AssertionError


def templates():
    """Fixed frames for the truncate-at-every-byte pass."""
    out = []
    for fam in (4, 6):
        out.append(Pkt(fam, opts=LINUX))
        out.append(Pkt(fam, opts=MACOS, vlans=[(0x88a8, 10), (0x8100, 20)]))
        out.append(Pkt(fam, flags=ACK, ack=0x55555555, payload=b'x' * 10))
        out.append(Pkt(fam, flags=SYN, opts=WINDOWS, payload=b'tfo-data'))
    out.append(Pkt(4, opts=LINUX, ip_opts=bytes([0x94, 4, 0, 0, 1, 1, 1, 0])))
    out.append(Pkt(4, opts=LINUX, mf=True))
    out.append(Pkt(6, opts=LINUX, ext=[ext_hdr(0, 1), ext_hdr(43, 0), ext_hdr(60, 2)]))
    out.append(Pkt(6, opts=LINUX, ext=[ext_hdr(60, 0), frag6_hdr(0, True)]))
    out.append(Pkt(6, flags=ACK, ack=7, ext=[ext_hdr(0, 0), ah_hdr(3), frag6_hdr(0, True),
                                            rtg_hdr(1, 2)]))
    out.append(Pkt(4, flags=ACK, ack=9, mf=True, df=False, payload=b'f' * 12))
    return [p.build() for p in out]


__all__ = ['pick', 'templates', 'Pkt', 'EST', 'LPORT', 'NOLPORT', 'C4', 'S4', 'C6', 'S6',
           'SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR', 'addr', 'ext_hdr', 'frag6_hdr',
           'pad4']
