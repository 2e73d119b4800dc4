# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The one oracle for the SYN-ACK synx must send (XDP_TX) for a SYN, in both
cookie modes, written from the README (decision table, "The SYN-ACK",
cookie modes) and include/, never from bpf/.

    syn = parse_syn(frame)                       # what the SYN says
    live = synxtest.live.Live.read('synx0', listener_info)  # what the kernel says
    exp = expect_synack(syn, cfg, live, keys)    # what must come back
    errs, cookie = check_synack(exp, out, t0, t1)

What the SYN-ACK offers follows the server's kernel at that moment (README
"The SYN-ACK"), so the oracle takes the live state (live.py: sysctls,
ingress device, listener) and applies the kernel's own rules to it:
ipv4_default_advmss() / ip6_default_advmss() and tcp_mss_clamp() for the
MSS, ip_select_ttl() for the TTL, tcp_ecn_create_request() for ECN, and
tcp_select_initial_window() as cookie_v4_check() redoes it for the window
shift, quantised by the MSS the cookie encodes, and as
tcp_openreq_init_rwin() calls it for the SYN-ACK's own window.

Every byte of the reply is predicted, except what carries a clock or a
secret: the ISN, the TSval, and so both checksums.  Those are checked on
their own: the checksums by recomputing them (csum.py); the TSval as a
millisecond clock read during the run [t0, t1]; the ISN
  - own cookies: exactly, from cookies.py with the test's key (one of the
    counts the run's clock can have read);
  - kernel cookies: the ISN is the kernel's secret; with timestamp cookies
    its options are in the TSval's low 6 bits, checked exactly, and the
    TSval is never later than the clock.
"""

import struct

from . import contract as C
from . import cookies
from .live import KERNEL_MSS, MSS_CLAMP, Device, Listener, Live, Server
from .csum import PROTO_TCP, csum16, pseudo_header
from .frames import ACK, CWR, ECE, SYN
from .tcpopts import NOP, SACKOK, TS, WS, WS_MAX, MSS, parse_syn as parse_opts

VLAN_TPIDS = (0x8100, 0x88a8)
IP6_EXT = (0, 43, 60)  # hop-by-hop, routing, destination options
IP6_FRAG, IP6_AH = 44, 51
IPV4_MIN_MSS, IPV6_MIN_MSS = 536, 1220  # RFC 9293 3.7.1; RFC 8200 5 (1280 - 60)
TCPOLEN_TSTAMP_ALIGNED = 12  # the timestamps' room in every segment
TS_SLACK_MS = 5        # between the program's clock reads and the tool's
TCP_MIN_MSS = 88       # include/net/tcp.h: no MSS below it
IPV4_MAX_ADVMSS = 65535 - 40           # ipv4_default_advmss(): IPV4_MAX_PMTU - headers
IPV6_MAX_ADVMSS, IPV6_MAXPLEN = 65534, 65535  # ip6_default_advmss(): below GSO_BY_FRAGS
TCP_MAX_WSCALE = 14


class Syn:
    """The fields of a SYN that its SYN-ACK depends on."""

    def __init__(self, l2, fam, src, dst, sport, dport, seq, flags, offered, tos=0, res=0):
        self.l2, self.fam, self.src, self.dst = bytes(l2), fam, bytes(src), bytes(dst)
        self.sport, self.dport, self.seq, self.flags = sport, dport, seq, flags
        self.offered = offered
        self.tos = tos  # IPv4 TOS / IPv6 traffic class: ECN is its low 2 bits
        self.res = res  # the 4 bits after the data offset (AccECN's AE is the lowest)

    @property
    def l2len(self):
        return len(self.l2)

    def flow_words(self):
        return cookies.flow_words(self.fam, self.src, self.dst, self.sport, self.dport,
                                  self.seq)


def frame_offsets(frame):
    """(family, IP header offset, TCP header offset) of a TCP frame with
    VLAN tags, IPv4 options or IPv6 extension headers (AH included)."""
    f = bytes(frame)
    etype, off = struct.unpack_from('!H', f, 12)[0], 14
    while etype in VLAN_TPIDS:
        etype, off = struct.unpack_from('!H', f, off + 2)[0], off + 4
    l3 = off
    if etype == 0x0800:
        return 4, l3, l3 + (f[l3] & 0xf) * 4
    if etype != 0x86dd:
        raise ValueError(f'not IP: EtherType 0x{etype:04x}')
    nh, l4 = f[l3 + 6], l3 + 40
    while nh in IP6_EXT + (IP6_FRAG, IP6_AH):
        ln = 8 if nh == IP6_FRAG else (f[l4 + 1] + 2) * 4 if nh == IP6_AH else \
            (f[l4 + 1] + 1) * 8
        nh, l4 = f[l4], l4 + ln
    return 6, l3, l4


def parse_syn(frame):
    """A well-formed SYN (as far as its SYN-ACK goes): Ethernet, VLAN tags,
    IPv4 with options or IPv6 with extension headers, TCP with options."""
    f = bytes(frame)
    fam, l3, l4 = frame_offsets(f)
    if fam == 4:
        src, dst, tos = f[l3 + 12:l3 + 16], f[l3 + 16:l3 + 20], f[l3 + 1]
    else:
        src, dst = f[l3 + 8:l3 + 24], f[l3 + 24:l3 + 40]
        tos = (f[l3] & 0xf) << 4 | f[l3 + 1] >> 4
    sport, dport, seq, _, offres, flags = struct.unpack_from('!HHIIBB', f, l4)
    bad, offered = parse_opts(f[l4 + 20:l4 + (offres >> 4) * 4])
    if bad:
        raise ValueError(f'not a SYN to answer: {bad}')
    return Syn(f[:l3], fam, src, dst, sport, dport, seq, flags, offered, tos, offres & 0xf)


def effective_config(cfg):
    """The configuration the program acts on: the map entry when its version
    is ours, else the built-in defaults.  cfg: a dict with struct
    synx_config's fields, or None for an all-zero entry."""
    if not cfg or cfg.get('version') != C.CONFIG_VERSION:
        return dict(C.DEFAULTS)
    return dict(cfg)


def as_live(live):
    """A Live; an int stands for a device of that MTU in a namespace and
    with a listener as fresh as the kernel makes them (Server.DEFAULTS)."""
    if isinstance(live, Live):
        return live
    return Live(Server(), Device('?', mtu=int(live)), Listener())


def advertised_mss(cfg, fam, live):
    """The MSS option of the SYN-ACK: configured (as a route's advmss), else
    what the ingress device's MTU gives (ipv4_default_advmss(): MTU - 40, at
    least net.ipv4.route.min_adv_mss, at most 65495; ip6_default_advmss():
    MTU - 60, at least net.ipv6.route.min_adv_mss, 65534 above 65515); at
    least 88; then the listener's TCP_MAXSEG if smaller (tcp_mss_clamp())."""
    live = as_live(live)
    mss = cfg['mss4'] if fam == 4 else cfg['mss6']
    if not mss:
        mtu = live.device.mtu
        if fam == 4:
            mss = min(max(mtu - 40, live.server.min_adv_mss4), IPV4_MAX_ADVMSS)
        else:
            mss = max(mtu - 60, live.server.min_adv_mss6)
            if mss > IPV6_MAXPLEN - 20:
                mss = IPV6_MAX_ADVMSS
    mss = max(mss, TCP_MIN_MSS)
    user = live.listener.maxseg
    if user and user < mss:
        mss = user
    return min(mss, 0xffff)


def synack_ttl(cfg, fam, live):
    """TTL / hop limit: configured, else the listener's IP_TTL /
    IPV6_UNICAST_HOPS, else net.ipv4.ip_default_ttl / the ingress device's
    hop_limit."""
    live = as_live(live)
    if fam == 4:
        if cfg['ttl']:
            return cfg['ttl']
        if live.listener.ttl > 0:
            return live.listener.ttl
        return live.server.ip_default_ttl
    if cfg['hop_limit']:
        return cfg['hop_limit']
    if live.listener.hops >= 0:
        return live.listener.hops
    return live.device.hop_limit


def kernel_cookie_mss(fam, offered, listener):
    """The MSS a kernel cookie encodes for this SYN (tcp_get_syncookie_mss():
    the client's MSS clamped by TCP_MAXSEG, af_ops->mss_clamp without one;
    then __cookie_v4_init_sequence(): the largest table entry not above it)."""
    mss = offered.get('mss') or 0
    if mss and listener.maxseg and listener.maxseg < mss:
        mss = listener.maxseg
    mss = mss or MSS_CLAMP[fam]
    table = KERNEL_MSS[fam]
    return max([m for m in table if m <= mss] or [table[0]])


def own_offer_mss(fam, offered, listener):
    """The client's MSS as the kernel keeps it (tcp_parse_options()): the
    option capped by the listener's TCP_MAXSEG; RFC 9293 3.7.1's default
    without the option or with an MSS of 0, which the kernel ignores."""
    mss = offered.get('mss')
    if not mss:
        return IPV4_MIN_MSS if fam == 4 else IPV6_MIN_MSS
    if listener.maxseg and listener.maxseg < mss:
        mss = listener.maxseg
    return mss


def own_cookie_mss(fam, offered, listener):
    """The MSS an own cookie encodes: the table entry for own_offer_mss()."""
    return C.MSS_TABLE[fam][cookies.mss_index(fam, own_offer_mss(fam, offered, listener))]


def _space(listener, mss):
    """tcp_select_initial_window()'s first steps as tcp_openreq_init_rwin()
    calls it: (space, clamp): the full space under the listener's clamp
    (a SO_RCVBUF lock limits the clamp to the full space; none becomes
    the largest scalable window), by whole segments of mss; u32."""
    full = listener.full_space() & 0xffffffff
    clamp = listener.window_clamp
    if listener.rcvbuf_locked and (clamp > full or clamp == 0):
        clamp = full
    if clamp == 0:
        clamp = 0xffff << TCP_MAX_WSCALE
    space = min(full, clamp)
    if mss and space > mss:
        space -= space % mss
    return space, clamp


def rcv_wscale(listener, server, rmem_max, mss):
    """Our window shift: tcp_select_initial_window() as cookie_v4_check()
    calls it for this listener (net/ipv4/syncookies.c, tcp_output.c):
    full = tcp_full_space(); a SO_RCVBUF lock limits the clamp to it; the
    space quantised by the cookie's MSS, raised to tcp_rmem[2] and
    net.core.rmem_max, limited by the clamp; shift = ilog2(space) - 15 in
    [0, 14].  All in u32, as the kernel computes it."""
    space, clamp = _space(listener, mss)
    space = max(space, max(server.rmem[2], 0), rmem_max)
    space = min(space, clamp)
    return max(0, min(space.bit_length() - 1 - 15, TCP_MAX_WSCALE))


def synack_window(listener, server, mss):
    """The SYN-ACK's window: tcp_openreq_init_rwin() for this listener,
    with @mss the advertised MSS less the timestamps' 12 bytes when they are
    on: tcp_select_initial_window()'s space (full space, limited by the
    clamp, which a SO_RCVBUF lock limits to the full space), quantised by
    the MSS, at most 65535 (32767 with tcp_workaround_signed_windows); the
    kernel never scales a SYN-ACK's window (RFC 7323 2.2)."""
    space, _ = _space(listener, mss)
    return min(space, 0x7fff if server.workaround_signed_windows else 0xffff)


def server_ecn(syn, server):
    """tcp_ecn_create_request(): an ECN-setup SYN (ECE and CWR, RFC 3168
    6.1.1) that is not itself ECT-marked unless it carries AccECN's AE bit,
    and tcp_ecn set."""
    if syn.flags & (ECE | CWR) != (ECE | CWR):
        return False
    return bool(server.ecn) and (syn.tos & 3 == 0 or bool(syn.res & 1))


class SynAckExpect:
    """The SYN-ACK synx must send: `frame` with seq, TSval and both checksums
    zeroed, the offsets of those fields, and what decides them."""

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def own_candidates(self, t0, t1):
        """The ISNs an own cookie issued during [t0, t1] can have."""
        return {cookies.own_issue(self.keys.cur, self.fam, self.words, c, *self.own_offer)
                for c in {self.keys.count(t0), self.keys.count(t1)}}

    def meta(self, ack):
        """struct synx_meta the handshake ACK of this SYN-ACK (the frame
        ack) carries to tc."""
        mss, ws, sack, ecn = self.own_offer
        fam, l3, l4 = frame_offsets(ack)
        return cookies.meta_bytes(dict(mss=C.MSS_TABLE[self.fam][cookies.mss_index(self.fam, mss)],
                                       wscale=ws, sack=sack, ecn=ecn), l3, l4, fam == 6)


def expect_synack(syn, cfg, live, keys=None):
    """The SYN-ACK for syn under the config entry cfg (None: all zero), with
    the kernel's live state live (a live.Live; an int: a device of that MTU
    and kernel defaults), with the synx_keys entry keys (None: none).  The
    reason it is counted under is exp.reason."""
    live = as_live(live)
    srv = live.server
    c = effective_config(cfg)
    off = syn.offered
    # An MPTCP listener cannot take an own cookie's request socket
    # (bpf_sk_assign_tcp_reqsk() refuses it): its SYNs get the kernel's cookie.
    own = (c['cookie_mode'] == C.COOKIE_OWN and keys is not None and keys.generation != 0
           and not live.listener.mptcp)
    # What the server side accepts of what the client offered (the config's
    # SACK/WSCALE/ECN/TIMESTAMPS/TS_COOKIES flags are only a fallback for
    # kernels without BTF: never used here).
    sack = 'sack' in off and bool(srv.sack)
    ws = 'ws' in off and bool(srv.window_scaling)
    ecn = server_ecn(syn, srv)
    if own:
        ts = 'ts' in off and srv.timestamps != 0
    else:
        # Kernel cookies keep options only in a timestamp cookie, which the
        # kernel reads back only with tcp_timestamps=2 (no per-connection offset).
        ts = 'ts' in off and srv.timestamps == 2
        if not ts:
            sack = ws = ecn = False
    client_ws = min(off['ws'], WS_MAX) if ws else None

    if own:
        cookie_mss = own_cookie_mss(syn.fam, off, live.listener)
    else:
        cookie_mss = kernel_cookie_mss(syn.fam, off, live.listener)
    shift = rcv_wscale(live.listener, srv, c['rmem_max'] or C.RMEM_MAX_ASSUMED, cookie_mss)
    opts = struct.pack('!BBH', MSS, 4, advertised_mss(c, syn.fam, live))
    ts_rel = None
    # After MSS, in the kernel's order (tcp_options_write()), one word each.
    if ts:
        opts += bytes([SACKOK, 2]) if sack else bytes([NOP, NOP])
        ts_rel = len(opts) + 2
        opts += struct.pack('!BBII', TS, 10, 0, off['ts'][0])
    elif sack:
        opts += bytes([NOP, NOP, SACKOK, 2])
    if ws:
        opts += bytes([NOP, WS, 3, shift])
    tcplen = 20 + len(opts)
    window = synack_window(live.listener, srv,
                           advertised_mss(c, syn.fam, live) - (TCPOLEN_TSTAMP_ALIGNED if ts else 0))
    tcp = struct.pack('!HHIIBBHHH', syn.dport, syn.sport, 0, (syn.seq + 1) & 0xffffffff,
                      (tcplen // 4) << 4, SYN | ACK | (ECE if ecn else 0), window,
                      0, 0) + opts
    l2 = syn.l2[6:12] + syn.l2[0:6] + syn.l2[12:]
    l2len = len(l2)
    if syn.fam == 4:
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + tcplen, 0, 0x4000,
                         synack_ttl(c, 4, live),
                         PROTO_TCP, 0, syn.dst, syn.src)
        ip_csum_off = l2len + 10
    else:
        ip = struct.pack('!IHBB16s16s', 0x60000000, tcplen, PROTO_TCP, synack_ttl(c, 6, live),
                         syn.dst, syn.src)
        ip_csum_off = None
    tcp_off = l2len + len(ip)
    exp = SynAckExpect(
        reason='TX_SYNACK_OWN' if own else 'TX_SYNACK_COOKIE', own=own,
        frame=l2 + ip + tcp, l2len=l2len, fam=syn.fam, tcp_off=tcp_off, tcp_len=tcplen,
        seq_off=tcp_off + 4, ts_off=tcp_off + 20 + ts_rel if ts_rel is not None else None,
        ip_csum_off=ip_csum_off, src=syn.dst, dst=syn.src, keys=keys if own else None,
        ts_bits=None, words=None, own_offer=None, client_seq=syn.seq, shift=shift if ws else None,
        cookie_mss=cookie_mss, live=live)
    if own:
        mss = own_offer_mss(syn.fam, off, live.listener)
        exp.words = syn.flow_words()
        exp.own_offer = (mss, C.OWN['WS_NONE'] if client_ws is None else client_ws, sack, ecn)
    elif ts:
        exp.ts_bits = cookies.kernel_ts_bits(client_ws, sack, ecn)
    return exp


def check_synack(exp, out, t0_ns, t1_ns, cookie_clock=None):
    """The program's reply out, run between t0_ns and t1_ns of its clock
    (CLOCK_MONOTONIC_COARSE, bpf/clock.h), and between the two times of
    cookie_clock (the cookie clock, when it is not that one: TAI), against
    exp.  Returns (['field: expected X, got Y', ...], cookie)."""
    errs = []
    if len(out) != len(exp.frame):
        return [f'SYN-ACK length: expected {len(exp.frame)}, got {len(out)}'], None
    got = bytearray(out)
    cookie = struct.unpack_from('!I', got, exp.seq_off)[0]
    if exp.ip_csum_off is not None:
        if csum16(got[exp.l2len:exp.l2len + 20]) != 0:
            errs.append('IPv4 header checksum: invalid '
                        f'(0x{struct.unpack_from("!H", got, exp.ip_csum_off)[0]:04x})')
        got[exp.ip_csum_off:exp.ip_csum_off + 2] = b'\0\0'
    seg = bytes(out[exp.tcp_off:exp.tcp_off + exp.tcp_len])
    if csum16(pseudo_header(exp.fam, exp.src, exp.dst, exp.tcp_len) + seg) != 0:
        errs.append('TCP checksum: invalid (RFC 1071 over the pseudo-header)')
    got[exp.tcp_off + 16:exp.tcp_off + 18] = b'\0\0'
    got[exp.seq_off:exp.seq_off + 4] = b'\0\0\0\0'
    lo, hi = (t0_ns // 1000000) & 0xffffffff, (t1_ns // 1000000) & 0xffffffff
    if exp.ts_off is not None:
        tsval = struct.unpack_from('!I', got, exp.ts_off)[0]
        got[exp.ts_off:exp.ts_off + 4] = b'\0\0\0\0'
        if exp.own:
            # The clock itself, read during the run.
            if (tsval - lo) & 0xffffffff > (hi - lo) & 0xffffffff:
                errs.append(f'TSval: expected the ms clock in [{lo}, {hi}], got {tsval}')
        else:
            if tsval & 0x3f != exp.ts_bits:
                errs.append(f'TSval low 6 bits (ws | sack << 4 | ecn << 5): expected '
                            f'0x{exp.ts_bits:02x}, got 0x{tsval & 0x3f:02x}')
            # Never later than the clock; at most one 64 ms step behind it.
            window = (hi - lo) + 64 + TS_SLACK_MS
            if (hi - tsval) & 0xffffffff > window:
                errs.append(f'TSval: expected within {window} ms before {hi}, got {tsval}')
    if exp.own:
        cands = exp.own_candidates(*(cookie_clock or (t0_ns, t1_ns)))
        if cookie not in cands:
            errs.append(f'own cookie (ISN): expected one of '
                        f'{", ".join(f"0x{c:08x}" for c in sorted(cands))}, got 0x{cookie:08x}')
    if bytes(got) != exp.frame:
        for name, a, b in _fields(exp):
            if got[a:b] != exp.frame[a:b]:
                e, g = exp.frame[a:b], bytes(got[a:b])
                if b - a <= 4:
                    e, g = int.from_bytes(e, 'big'), int.from_bytes(g, 'big')
                    errs.append(f'{name}: expected {e} (0x{e:x}), got {g} (0x{g:x})')
                else:
                    errs.append(f'{name}: expected {e.hex()}, got {g.hex()}')
    return errs, cookie


def _fields(exp):
    """(name, start, end) of every field of the expected frame."""
    f = [('eth dst', 0, 6), ('eth src', 6, 12), ('vlan tags + ethertype', 12, exp.l2len)]
    o = exp.l2len
    if exp.fam == 4:
        f += [('ip version/ihl', o, o + 1), ('ip tos', o + 1, o + 2), ('ip tot_len', o + 2, o + 4),
              ('ip id', o + 4, o + 6), ('ip frag field (DF only)', o + 6, o + 8),
              ('ip ttl', o + 8, o + 9), ('ip proto', o + 9, o + 10), ('ip src', o + 12, o + 16),
              ('ip dst', o + 16, o + 20)]
    else:
        f += [('ip6 ver/tc/flow', o, o + 4), ('ip6 payload len', o + 4, o + 6),
              ('ip6 next header', o + 6, o + 7), ('ip6 hop limit', o + 7, o + 8),
              ('ip6 src', o + 8, o + 24), ('ip6 dst', o + 24, o + 40)]
    t = exp.tcp_off
    f += [('tcp sport', t, t + 2), ('tcp dport', t + 2, t + 4),
          ('tcp ack (SYN seq + 1, SYN data not acked)', t + 8, t + 12),
          ('tcp doff/reserved', t + 12, t + 13), ('tcp flags', t + 13, t + 14),
          ('tcp window', t + 14, t + 16), ('tcp urg ptr', t + 18, t + 20),
          ('tcp options (TSval zeroed)', t + 20, t + exp.tcp_len)]
    return f
