# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Reference model of synx's per-packet decision, written from the SPEC
(issue 3 and the decision table in the brief of issue 7), never from bpf/.

decide(frame, env) -> Decision(reason, synack) where synack, for
TX_SYNACK_COOKIE, describes the SYN-ACK the program must build: the expected
frame with the fields we cannot predict (cookie = TCP seq, TSval, both
checksums) zeroed, and what to verify about those structurally.

The model reads raw bytes with struct only: no scapy, so that a parsing
quirk shared with the packet builder cannot hide a bug.  Every step below is
numbered as in the SPEC.
"""

import socket
import struct

# TCP flag bits (RFC 9293 3.1; ECE/CWR RFC 3168).
FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = (1 << i for i in range(8))

ETH_P_IP, ETH_P_IPV6 = 0x0800, 0x86dd
VLAN_TPIDS = (0x8100, 0x88a8)
VLAN_MAX = 2          # tags parsed; a third one is passed
IP6_EXT_MAX = 6       # hop-by-hop / routing / destination options walked
IP6_HBH, IP6_RTG, IP6_FRAG, IP6_DST = 0, 43, 44, 60
PROTO_TCP = 6
TCP_HDR_MIN = 20

# Option kinds (IANA), and the fixed lengths the SPEC enforces in a SYN.
OPT_EOL, OPT_NOP, OPT_MSS, OPT_WS, OPT_SACKOK, OPT_TS = 0, 1, 2, 3, 4, 8
OPT_MD5, OPT_AO = 19, 29
FIXED_LEN = {OPT_MSS: 4, OPT_WS: 3, OPT_SACKOK: 2, OPT_TS: 10}

# include/synx_config.h contract (flag bit values are read from the header
# by the driver and passed in; these names are just keys).
CONFIG_VERSION = 1
TSVAL_WS_NONE = 0xf   # TSval bits 0-3 when no window scale is offered
WS_MAX = 14           # RFC 7323 2.3: shifts above 14 are treated as 14


class Env:
    """What the decision depends on besides the frame.

    cfg: the synx_config entry as a dict (version, flags, mss4, mss6, ttl,
    hop, wscale, nolisten, cookie) or None (all zero).  flagbits: SYNX_F_*
    values by name.  ports: protected ports (synx_ports bits).
    listeners: {(fam, port)} bound to the wildcard address.
    established: {(fam, saddr_bytes, sport, daddr_bytes, dport)} as seen on
    the wire towards the owning socket.  syncookies: net.ipv4.tcp_syncookies.
    mtu: MTU of the ingress interface (BPF_PROG_TEST_RUN on lo)."""

    def __init__(self, cfg, flagbits, ports, listeners, established, syncookies, mtu):
        self.cfg, self.F, self.ports = cfg, flagbits, set(ports)
        self.listeners, self.established = listeners, established
        self.syncookies, self.mtu = syncookies, mtu

    def effective(self):
        """The configuration the program must act on: the map entry when its
        version matches, else the built-in defaults."""
        c = self.cfg or {}
        F = self.F
        if c.get('version') != CONFIG_VERSION:
            return dict(flags=F['ALL_PORTS'] | F['SACK'] | F['WSCALE'],
                        mss4=self.mtu - 40, mss6=self.mtu - 60, ttl=64, hop=64,
                        wscale=7, nolisten=0)
        return dict(flags=c['flags'], mss4=c['mss4'] or self.mtu - 40,
                    mss6=c['mss6'] or self.mtu - 60, ttl=c['ttl'], hop=c['hop'],
                    wscale=c['wscale'], nolisten=c['nolisten'])


class SynAck:
    """Expected SYN-ACK: `frame` with seq, TSval and both checksums zeroed;
    offsets of those fields; what the TSval low bits and TSecr must be."""

    def __init__(self, frame, l2len, fam, seq_off, ts_off, ts_bits, ip_csum_off, tcp_off,
                 tcp_len, src, dst):
        self.frame, self.l2len, self.fam = frame, l2len, fam
        self.seq_off, self.ts_off, self.ts_bits = seq_off, ts_off, ts_bits
        self.ip_csum_off, self.tcp_off, self.tcp_len = ip_csum_off, tcp_off, tcp_len
        self.src, self.dst = src, dst  # of the SYN-ACK


class Decision:
    def __init__(self, reason, synack=None, info=None):
        self.reason, self.synack, self.info = reason, synack, info or {}


def csum16(data, init=0):
    """RFC 1071 one's-complement sum, complemented."""
    if len(data) % 2:
        data = bytes(data) + b'\0'
    s = init + sum(w for (w,) in struct.iter_unpack('!H', data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def pseudo(fam, src, dst, length):
    if fam == 4:
        return src + dst + struct.pack('!BBH', 0, PROTO_TCP, length)
    return src + dst + struct.pack('!I3xB', length, PROTO_TCP)


def martian4(a):
    """0.0.0.0/8, 127.0.0.0/8, 224.0.0.0/4 and the limited broadcast
    255.255.255.255 only (the rest of 240/4 is not in the SPEC)."""
    return a[0] == 0 or a[0] == 127 or (a[0] & 0xf0) == 0xe0 or a == b'\xff' * 4


def martian6(a):
    return a == bytes(16) or a == bytes(15) + b'\x01' or a[0] == 0xff


def parse_syn_options(opts):
    """Step 7.  Returns (reason or None, offered dict).  opts = the bytes
    between the fixed header and doff*4."""
    off = {}
    i, n = 0, len(opts)
    while i < n:
        kind = opts[i]
        if kind == OPT_EOL:
            break
        if kind == OPT_NOP:
            i += 1
            continue
        if i + 1 >= n:
            return 'DROP_OPT_OVERRUN', off
        ln = opts[i + 1]
        if ln < 2:
            return 'DROP_OPT_LEN', off
        if i + ln > n:
            return 'DROP_OPT_OVERRUN', off
        if kind in FIXED_LEN and ln != FIXED_LEN[kind]:
            return 'DROP_OPT_FIXED_LEN', off
        body = opts[i + 2:i + ln]
        # Later duplicates win, as in the kernel's tcp_parse_options().
        if kind == OPT_MSS:
            off['mss'] = struct.unpack('!H', body)[0]
        elif kind == OPT_WS:
            off['ws'] = body[0]
        elif kind == OPT_SACKOK:
            off['sack'] = True
        elif kind == OPT_TS:
            off['ts'] = struct.unpack('!II', body)
        elif kind in (OPT_MD5, OPT_AO):
            off['signed'] = True
        i += ln
    return None, off


def decide(f, env):
    """The SPEC, step by step.  f: the frame as bytes."""
    n = len(f)
    # 1. Ethernet and up to two VLAN tags.
    if n < 14:
        return Decision('DROP_L2_TRUNC')
    etype = struct.unpack_from('!H', f, 12)[0]
    off = 14
    tags = 0
    while etype in VLAN_TPIDS:
        if tags == VLAN_MAX:
            return Decision('PASS_VLAN_DEPTH')
        if off + 4 > n:
            return Decision('DROP_L2_TRUNC')
        etype = struct.unpack_from('!H', f, off + 2)[0]
        off += 4
        tags += 1
    l2len = l3 = off
    if etype not in (ETH_P_IP, ETH_P_IPV6):
        return Decision('PASS_NON_IP')

    # 2. IP.
    frag_first = frag_later = False
    frag_off = 0
    if etype == ETH_P_IP:
        fam = 4
        if n - l3 < 20:
            return Decision('DROP_IP4_TRUNC')
        if f[l3] >> 4 != 4:
            return Decision('DROP_IP4_VERSION')
        ihl = (f[l3] & 0xf) * 4
        if ihl < 20 or l3 + ihl > n:
            return Decision('DROP_IP4_IHL')
        tot = struct.unpack_from('!H', f, l3 + 2)[0]
        if tot < ihl or l3 + tot > n:
            return Decision('DROP_IP4_TOTLEN')
        if f[l3 + 9] != PROTO_TCP:
            return Decision('PASS_NON_TCP')
        src, dst = f[l3 + 12:l3 + 16], f[l3 + 16:l3 + 20]
        fragw = struct.unpack_from('!H', f, l3 + 6)[0]
        mf, frag_off = bool(fragw & 0x2000), fragw & 0x1fff
        l4 = l3 + ihl
        seg_end = l3 + tot
    else:
        fam = 6
        if n - l3 < 40 or f[l3] >> 4 != 6:
            return Decision('DROP_IP6_TRUNC')
        plen = struct.unpack_from('!H', f, l3 + 4)[0]
        if l3 + 40 + plen > n:
            return Decision('DROP_IP6_PAYLEN')
        seg_end = l3 + 40 + plen
        nh = f[l3 + 6]
        p = l3 + 40
        walked = 0
        mf = False
        while True:
            if nh in (IP6_HBH, IP6_RTG, IP6_DST):
                if walked == IP6_EXT_MAX:
                    return Decision('PASS_IP6_EXT_DEPTH')
                if p + 2 > seg_end:
                    return Decision('DROP_IP6_EXT_TRUNC')
                ln = (f[p + 1] + 1) * 8
                if p + ln > seg_end:
                    return Decision('DROP_IP6_EXT_TRUNC')
                nh = f[p]
                p += ln
                walked += 1
            elif nh == IP6_FRAG:
                if p + 8 > seg_end:
                    return Decision('DROP_IP6_EXT_TRUNC')
                w = struct.unpack_from('!H', f, p + 2)[0]
                frag_off, mf = w >> 3, bool(w & 1)
                nh = f[p]
                p += 8
                break
            else:
                break
        if nh != PROTO_TCP:
            return Decision('PASS_NON_TCP')
        src, dst = f[l3 + 8:l3 + 24], f[l3 + 24:l3 + 40]
        l4 = p

    # 3. Sources.
    if fam == 4 and martian4(src):
        return Decision('DROP_MARTIAN_SRC4')
    if fam == 6 and martian6(src):
        return Decision('DROP_MARTIAN_SRC6')
    if src == dst:
        return Decision('DROP_LAND')

    # 4. Fragments (RFC 1858, RFC 3128).  An atomic fragment is whole.
    seg = seg_end - l4
    if mf or frag_off:
        if frag_off:
            return Decision('DROP_FRAG_OVERLAP' if frag_off * 8 < TCP_HDR_MIN
                            else 'PASS_FRAGMENT')
        frag_first = True
        if seg < TCP_HDR_MIN or (f[l4 + 12] >> 4) * 4 > seg:
            return Decision('DROP_FRAG_TINY')

    # 5. TCP header.
    if seg < TCP_HDR_MIN:
        return Decision('DROP_TCP_TRUNC')
    doff = (f[l4 + 12] >> 4) * 4
    if doff < TCP_HDR_MIN or doff > seg:
        return Decision('DROP_TCP_DOFF')
    sport, dport = struct.unpack_from('!HH', f, l4)
    if sport == 0 or dport == 0:
        return Decision('DROP_PORT_ZERO')

    # 6. Flags (ECE/CWR ignored).
    fl = f[l4 + 13]
    if not fl & (FIN | SYN | RST | PSH | ACK | URG):
        return Decision('DROP_FLAGS_NONE')
    if fl & SYN and fl & FIN:
        return Decision('DROP_FLAGS_SYN_FIN')
    if fl & SYN and fl & RST:
        return Decision('DROP_FLAGS_SYN_RST')
    if fl & FIN and fl & RST:
        return Decision('DROP_FLAGS_FIN_RST')
    if fl & (FIN | PSH | URG) and not fl & ACK:
        return Decision('DROP_FLAGS_NO_ACK')
    if frag_first:
        return Decision('DROP_FRAG_SYN' if fl & SYN else 'PASS_FRAGMENT')

    pure_syn = bool(fl & SYN) and not fl & ACK
    # 7. SYN options, whether or not the port is protected.
    offered = {}
    if pure_syn:
        bad, offered = parse_syn_options(f[l4 + 20:l4 + doff])
        if bad:
            return Decision(bad)

    # 8. Protection.
    c = env.effective()
    F = env.F
    if not (c['flags'] & F['ALL_PORTS'] or dport in env.ports):
        return Decision('PASS_UNPROTECTED')

    def sock():
        if (fam, bytes(src), sport, bytes(dst), dport) in env.established:
            return 'other'
        if (fam, dport) in env.listeners:
            return 'listener'
        return None

    def no_listener():
        return Decision('DROP_NO_LISTENER' if c['nolisten'] == 1 else 'PASS_NO_LISTENER')

    # 9. Pure SYN.
    if pure_syn:
        if offered.get('signed'):
            return Decision('PASS_SYN_SIGNED')
        if fam == 4 and csum16(f[l3:l3 + ihl]) != 0:
            return Decision('DROP_IP4_CSUM')
        if csum16(pseudo(fam, src, dst, seg) + f[l4:seg_end]) != 0:
            return Decision('DROP_TCP_CSUM')
        s = sock()
        if s is None:
            return no_listener()
        if s == 'other':
            return Decision('PASS_SOCKET')
        if env.syncookies == 1:
            return Decision('PASS_SYN_KERNEL')
        if env.syncookies == 0:
            return Decision('PASS_ERROR')  # helper refuses; not fuzzed
        return Decision('TX_SYNACK_COOKIE',
                        synack=build_synack(f, l2len, fam, src, dst, sport, dport, l4,
                                            fl, offered, c, F),
                        info=dict(seq=struct.unpack_from('!I', f, l4 + 4)[0]))

    # 10. The handshake ACK.
    if fl & ACK and not fl & (SYN | RST):
        s = sock()
        if s is None:
            return no_listener()
        if s == 'other':
            return Decision('PASS_SOCKET')
        # The caller knows valid cookies and the follow-ups behind them.
        return Decision('DROP_COOKIE_INVALID')
    # 11.
    return Decision('PASS_OTHER')


def build_synack(f, l2len, fam, src, dst, sport, dport, l4, fl, off, c, F):
    """Step 9's SYN-ACK with seq, TSval and checksums zeroed."""
    seq = struct.unpack_from('!I', f, l4 + 4)[0]
    mss = c['mss4'] if fam == 4 else c['mss6']
    ts_on = bool(c['flags'] & F['TS_COOKIES']) and 'ts' in off
    opts = struct.pack('!BBH', OPT_MSS, 4, mss)
    ts_bits = None
    ecn = False
    ts_rel = None
    if ts_on:
        sack = 'sack' in off and bool(c['flags'] & F['SACK'])
        ws = 'ws' in off and bool(c['flags'] & F['WSCALE'])
        ecn = bool(c['flags'] & F['ECN']) and fl & (ECE | CWR) == (ECE | CWR)
        opts += b'\x04\x02' if sack else b'\x01\x01'
        ts_rel = len(opts) + 2
        opts += struct.pack('!BBII', OPT_TS, 10, 0, off['ts'][0])
        opts += struct.pack('!BBBB', OPT_NOP, OPT_WS, 3, c['wscale']) if ws else b''
        ts_bits = ((min(off['ws'], WS_MAX) if ws else TSVAL_WS_NONE)
                   | (0x10 if sack else 0) | (0x20 if ecn else 0))
    tcplen = 20 + len(opts)
    tcp = struct.pack('!HHIIBBHHH', dport, sport, 0, (seq + 1) & 0xffffffff,
                      (tcplen // 4) << 4, SYN | ACK | (ECE if ecn else 0), 65535, 0, 0) + opts
    l2 = f[6:12] + f[0:6] + f[12:l2len]
    if fam == 4:
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + tcplen, 0, 0x4000, c['ttl'],
                         PROTO_TCP, 0, dst, src)
        ip_csum_off = l2len + 10
    else:
        ip = struct.pack('!IHBB16s16s', 0x60000000, tcplen, PROTO_TCP, c['hop'], dst, src)
        ip_csum_off = None
    tcp_off = l2len + len(ip)
    return SynAck(l2 + ip + tcp, l2len, fam, tcp_off + 4,
                  tcp_off + 20 + ts_rel if ts_rel is not None else None, ts_bits,
                  ip_csum_off, tcp_off, tcplen, bytes(dst), bytes(src))


def check_synack(exp, out, t0_ns, t1_ns, slack_ms=5):
    """Compare the program's SYN-ACK with the expectation.  Returns a list
    of 'field: expected X, got Y' and the cookie (or None)."""
    errs = []
    if len(out) != len(exp.frame):
        errs.append(f'SYN-ACK length: expected {len(exp.frame)}, got {len(out)}')
        return errs, None
    got = bytearray(out)
    cookie = struct.unpack_from('!I', got, exp.seq_off)[0]
    if exp.ip_csum_off is not None:
        if csum16(got[exp.l2len:exp.l2len + 20]) != 0:
            errs.append('IPv4 header checksum invalid')
        got[exp.ip_csum_off:exp.ip_csum_off + 2] = b'\0\0'
    seg = bytes(out[exp.tcp_off:exp.tcp_off + exp.tcp_len])
    if csum16(pseudo(exp.fam, exp.src, exp.dst, exp.tcp_len) + seg) != 0:
        errs.append('TCP checksum invalid')
    got[exp.tcp_off + 16:exp.tcp_off + 18] = b'\0\0'
    got[exp.seq_off:exp.seq_off + 4] = b'\0\0\0\0'
    if exp.ts_off is not None:
        tsval = struct.unpack_from('!I', got, exp.ts_off)[0]
        got[exp.ts_off:exp.ts_off + 4] = b'\0\0\0\0'
        if tsval & 0x3f != exp.ts_bits:
            errs.append(f'TSval low 6 bits: expected 0x{exp.ts_bits:02x}, got 0x{tsval & 0x3f:02x}')
        now = (t1_ns // 1000000) & 0xffffffff
        lag = (now - tsval) & 0xffffffff
        window = (t1_ns - t0_ns) // 1000000 + 64 + slack_ms
        if lag > window:
            errs.append(f'TSval: expected within {window} ms before {now}, got {tsval}')
    if bytes(got) != exp.frame:
        diffs = [i for i in range(len(got)) if got[i] != exp.frame[i]]
        errs.append(f'SYN-ACK bytes differ at offsets {diffs[:8]}: expected '
                    f'{exp.frame.hex()}, got {bytes(got).hex()}')
    return errs, cookie


def addr(fam, text):
    return socket.inet_pton(socket.AF_INET if fam == 4 else socket.AF_INET6, text)
