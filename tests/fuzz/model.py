# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Reference model of synx's per-packet decision, written from the README's
decision table and include/, never from bpf/.

decide(frame, env, clock) -> Decision(reason, synack, meta): for a SYN to
answer, synack is the oracle's expectation of the reply (synxtest/oracle.py,
both cookie modes); for an ACK that passes with an own cookie, meta is the
struct synx_meta it must carry to the tc hand-off.

The model reads raw bytes with struct only: no scapy, so that a parsing
quirk shared with a packet builder cannot hide a bug.  Every step below is
numbered as in the README's decision table.

The kernel's live state the program reads at packet time (README "Whose
packet", "The SYN-ACK") comes in Env too, as synxtest/live.py reads it:
the ingress device (MAC, MTU, hop limit, forwarding), the namespace's
sysctls and addresses, and each listener's settings.

What the model cannot know by itself, the caller tells it through Env:
  - which kernel cookies are valid (the kernel's secret): the fuzzer notes
    every cookie the program issued (Env.note_kernel_cookie);
  - the handshake follow-ups synx remembers (step 10): Env.followups, noted
    by the model whenever it predicts a cookie ACK passed, and emptied by
    the caller together with the program's (`forget`).
Own cookies it predicts itself, from the key: an ACK's validity depends on
the clock, so decide() takes the run's [t0, t1]; when a period boundary
falls inside it, both answers are right (Decision.alt).
"""

import struct

from synxtest import contract as C
from synxtest import cookies
from synxtest import live as L
from synxtest.csum import csum16, pseudo_header
from synxtest.frames import ACK, FIN, PSH, RST, SYN, URG
from synxtest.oracle import Syn, expect_synack
from synxtest.tcpopts import parse_syn as parse_syn_options

ETH_P_IP, ETH_P_IPV6 = 0x0800, 0x86dd
VLAN_TPIDS = (0x8100, 0x88a8)
VLAN_MAX = 2          # tags parsed; a third one is passed
IP6_EXT_MAX = 8       # extension headers walked (RFC 8200 4.1's order, with room)
IP6_HBH, IP6_RTG, IP6_FRAG, IP6_ESP, IP6_AH, IP6_DST = 0, 43, 44, 50, 51, 60
IP6_WALKED = (IP6_HBH, IP6_RTG, IP6_FRAG, IP6_AH, IP6_DST)
PROTO_TCP = 6
TCP_HDR_MIN = 20
FOLLOWUP_NS = 1000000000   # a follow-up is honoured for 1 s (README step 10)
FOLLOWUP_SPAN = 65536      # within the SYN-ACK's 64 KiB window, +1 for a FIN


class Env:
    """What the decision depends on besides the frame.

    cfg: the synx_config entry as a dict of its fields, or None (all zero).
    ports: protected ports (synx_ports bits).  listeners: {(fam, port):
    live.Listener} bound to the wildcard address; accept_full: the (fam,
    port) among them whose accept queue is full.  established: {(fam,
    saddr, sport, daddr, dport)} (addresses as bytes) as seen on the wire
    towards the owning socket.  server: live.Server (the namespace's
    sysctls, tcp_syncookies included).  device: live.Device, the ingress
    device.  addrs: live.Addrs, the namespace's addresses.  keys: the
    synx_keys entry (cookies.Keys) or None."""

    def __init__(self, cfg, ports, listeners, established, server, device, addrs, keys=None,
                 accept_full=()):
        self.cfg, self.ports = cfg, set(ports)
        self.listeners, self.established = dict(listeners), established
        self.accept_full = set(accept_full)
        self.server, self.device, self.addrs, self.keys = server, device, addrs, keys
        self.kernel_cookies = set()  # (flow, cookie) the kernel will accept
        self.followups = {}          # flow -> (seq, ack, ns) of a passed cookie ACK

    @property
    def syncookies(self):
        return self.server.syncookies

    def effective(self):
        from synxtest.oracle import effective_config
        return effective_config(self.cfg)

    def own(self):
        """Own cookies in force: mode own, and a key written."""
        return (self.effective()['cookie_mode'] == C.COOKIE_OWN and self.keys is not None
                and self.keys.generation != 0)

    def local(self, fam, addr):
        return self.addrs.is_local(fam, addr, self.device.name)

    def live(self, fam, port):
        return L.Live(self.server, self.device, self.listeners[(fam, port)])

    def note_kernel_cookie(self, fam, src, dst, sport, dport, isn, cookie):
        self.kernel_cookies.add(((fam, bytes(src), bytes(dst), sport, dport, isn), cookie))

    def forget(self):
        self.followups.clear()


class Decision:
    def __init__(self, reason, synack=None, meta=None, alt=None):
        self.reason, self.synack, self.meta, self.alt = reason, synack, meta, alt


def martian4(a):
    """0.0.0.0/8, 127.0.0.0/8, 224.0.0.0/4 and the limited broadcast
    255.255.255.255 only (the rest of 240/4 is not martian here)."""
    return a[0] == 0 or a[0] == 127 or (a[0] & 0xf0) == 0xe0 or a == b'\xff' * 4


def martian6(a):
    """::, ::1, ff00::/8 and the v4-mapped ::ffff:0:0/96."""
    return (a == bytes(16) or a == bytes(15) + b'\x01' or a[0] == 0xff
            or a[:12] == bytes(10) + b'\xff\xff')


def walk6(f, p, seg_end, nh):
    """README step 2, the IPv6 extension headers from offset p with next
    header nh, in any order: (Decision or None, upper-layer next header,
    its offset, first fragment (M set), later fragment offset, AH seen,
    a hop-by-hop, destination-options or routing header seen).

    Per header, in this order: ESP ends what is visible (PASS_IPSEC); a
    9th walked header is too many (DROP_IP6_EXT_DEPTH); hop-by-hop options
    anywhere but first are dropped on their kind alone, as the kernel does
    (DROP_IP6_HBH_ORDER; the spec does not order this against the 8-byte
    check, so a program that finds the header cut first is right too:
    Decision.alt); then the header must hold its 8 bytes and its whole
    length (AH (hdrlen+2)*4, fragment 8, others (hdrlen+1)*8) inside the
    payload (DROP_IP6_EXT_TRUNC), and only then is it read: a routing header
    with segments left makes this host a waypoint (PASS_NOT_LOCAL: the
    kernel's ipv6_rthdr_rcv() pulls the whole header before it looks), a
    fragment header with an offset ends the walk (payload follows)."""
    walked, mf, later, ah, opts = 0, False, 0, False, False
    while True:
        if nh == IP6_ESP:
            return Decision('PASS_IPSEC'), nh, p, mf, later, ah, opts
        if nh not in IP6_WALKED:
            return None, nh, p, mf, later, ah, opts
        if walked == IP6_EXT_MAX:
            return Decision('DROP_IP6_EXT_DEPTH'), nh, p, mf, later, ah, opts
        if nh == IP6_HBH and walked:
            alt = Decision('DROP_IP6_EXT_TRUNC') if p + 8 > seg_end else None
            return Decision('DROP_IP6_HBH_ORDER', alt=alt), nh, p, mf, later, ah, opts
        if p + 8 > seg_end:
            return Decision('DROP_IP6_EXT_TRUNC'), nh, p, mf, later, ah, opts
        if nh == IP6_FRAG:
            w = struct.unpack_from('!H', f, p + 2)[0]
            nh, p, walked = f[p], p + 8, walked + 1
            if w >> 3:
                return None, nh, p, mf, w >> 3, ah, opts
            mf = mf or bool(w & 1)
            continue
        ln = (f[p + 1] + 2) * 4 if nh == IP6_AH else (f[p + 1] + 1) * 8
        if p + ln > seg_end:
            return Decision('DROP_IP6_EXT_TRUNC'), nh, p, mf, later, ah, opts
        if nh == IP6_RTG and f[p + 3]:
            return Decision('PASS_NOT_LOCAL'), nh, p, mf, later, ah, opts
        ah = ah or nh == IP6_AH
        opts = opts or nh in (IP6_HBH, IP6_DST, IP6_RTG)
        nh, p, walked = f[p], p + ln, walked + 1


def decide(f, env, clock=(0, 0)):
    """The decision table, step by step.  f: the frame as bytes; clock: the
    CLOCK_MONOTONIC [t0, t1] of the run."""
    n = len(f)
    # 0. Whose frame: the ingress device's MAC, before anything else.
    if n >= 14 and env.device is not None and f[:6] != env.device.mac:
        return Decision('PASS_NOT_HOST')
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
    ah = False
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
        src, dst, tos = f[l3 + 12:l3 + 16], f[l3 + 16:l3 + 20], f[l3 + 1]
        fragw = struct.unpack_from('!H', f, l3 + 6)[0]
        mf, frag_off = bool(fragw & 0x2000), fragw & 0x1fff
        l4 = l3 + ihl
        seg_end = l3 + tot
        ipopts = ihl > 20
    else:
        fam = 6
        if n - l3 < 40 or f[l3] >> 4 != 6:
            return Decision('DROP_IP6_TRUNC')
        plen = struct.unpack_from('!H', f, l3 + 4)[0]
        if l3 + 40 + plen > n:
            return Decision('DROP_IP6_PAYLEN')
        seg_end = l3 + 40 + plen
        d, nh, l4, mf, frag_off, ah, ipopts = walk6(f, l3 + 40, seg_end, f[l3 + 6])
        if d is not None:
            return d
        if nh != PROTO_TCP:
            return Decision('PASS_NON_TCP')
        src, dst = f[l3 + 8:l3 + 24], f[l3 + 24:l3 + 40]
        tos = (f[l3] & 0xf) << 4 | f[l3 + 1] >> 4

    # 3. Sources; then, on a device that forwards, what is not for this host.
    if fam == 4 and martian4(src):
        return Decision('DROP_MARTIAN_SRC4')
    if fam == 6 and martian6(src):
        return Decision('DROP_MARTIAN_SRC6')
    if src == dst:
        return Decision('DROP_LAND')
    dst_checked = False
    if env.device is not None and env.device.forwards(fam):
        if not env.local(fam, dst):
            return Decision('PASS_NOT_LOCAL')
        dst_checked = True

    # 4. Fragments (RFC 1858, RFC 3128).  An atomic fragment is whole.
    seg = seg_end - l4
    frag_first = False
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
    # A first fragment is judged as its whole segment, but for a SYN.
    if frag_first and fl & SYN:
        return Decision('DROP_FRAG_SYN')

    pure_syn = bool(fl & SYN) and not fl & ACK
    # 7. SYN options, whether or not the port is protected.
    offered = {}
    if pure_syn:
        bad, offered = parse_syn_options(f[l4 + 20:l4 + doff])
        if bad:
            return Decision(bad)

    # 8. Protection.
    c = env.effective()
    F = C.F
    if not (c['flags'] & F['ALL_PORTS'] or dport in env.ports):
        return Decision('PASS_UNPROTECTED')

    def sock():
        if (fam, bytes(src), sport, bytes(dst), dport) in env.established:
            return 'other'
        if (fam, dport) in env.listeners:
            return 'listener'
        return None

    def no_listener():
        return Decision('DROP_NO_LISTENER' if c['no_listener'] == C.NOLISTEN_DROP
                        else 'PASS_NO_LISTENER')

    def not_local():
        """The destination, for a SYN or ACK that finds a listener or no socket."""
        return not dst_checked and env.device is not None and not env.local(fam, dst)

    # 9. Pure SYN.
    if pure_syn:
        if offered.get('signed'):
            return Decision('PASS_SYN_SIGNED')
        if ah:
            return Decision('PASS_IPSEC')
        if fam == 4 and csum16(f[l3:l3 + ihl]) != 0:
            return Decision('DROP_IP4_CSUM')
        if csum16(pseudo_header(fam, src, dst, seg) + f[l4:seg_end]) != 0:
            return Decision('DROP_TCP_CSUM')
        s = sock()
        if s == 'other':
            return Decision('PASS_SOCKET')
        if not_local():
            return Decision('PASS_NOT_LOCAL')
        if s is None:
            return no_listener()
        # IP options, to a listener: the kernel validates them and echoes
        # some IPv4 ones; passed to it, or dropped by choice (--ip-options).
        if ipopts:
            return Decision('DROP_IP_OPTIONS' if c['flags'] & F['DROP_IP_OPTIONS']
                            else 'PASS_IP_OPTIONS')
        # The kernel's policy (tcp_conn_request()): a full accept queue drops
        # the SYN; tcp_syncookies=0, or 1 with room in the SYN queue (always,
        # here: nothing fills it), queues it.
        if (fam, dport) in env.accept_full:
            return Decision('DROP_ACCEPT_FULL')
        if env.syncookies != 2:
            return Decision('PASS_SYN_KERNEL')
        seq = struct.unpack_from('!I', f, l4 + 4)[0]
        syn = Syn(f[:l2len], fam, src, dst, sport, dport, seq, fl, offered, tos,
                  f[l4 + 12] & 0xf)
        exp = expect_synack(syn, env.cfg, env.live(fam, dport), env.keys)
        return Decision(exp.reason, synack=exp)

    # 10. The handshake ACK: whoever owns the 4-tuple, else a cookie.
    if fl & ACK and not fl & (SYN | RST):
        s = sock()
        if s == 'other':
            return Decision('PASS_SOCKET')
        if not_local():
            return Decision('PASS_NOT_LOCAL')
        if s is None:
            return no_listener()
        seq, ack = struct.unpack_from('!II', f, l4 + 4)
        return listener_ack(env, (fam, bytes(src), bytes(dst), sport, dport), seq, ack, clock,
                            (l3, l4, frag_first))
    # 11.
    return Decision('PASS_OTHER')


def listener_ack(env, tup, seq, ack, clock, where):
    """An ACK only a listener would receive: a follow-up right behind a
    cookie ACK that passed, else a cookie (own, then the kernel's), else
    dropped.  tup: (fam, saddr, daddr, sport, dport); where: (IP header
    offset, TCP header offset, first fragment)."""
    fam = tup[0]
    l3, l4, first = where
    t0, t1 = clock
    noted = env.followups.get(tup)
    if noted is not None:
        nseq, nack, when = noted
        if nack == ack and (seq - nseq) & 0xffffffff <= FOLLOWUP_SPAN and t0 - when < FOLLOWUP_NS:
            return Decision('PASS_COOKIE_FOLLOWUP')
    isn = (seq - 1) & 0xffffffff
    cookie = (ack - 1) & 0xffffffff
    # The kernel honours its cookie only while the listener's SYN queue
    # overflowed lately: the fuzzer notes those the program issued (each
    # issue stamps the overflow), and replays them at once.
    kernel_ok = ((fam, tup[1], tup[2], tup[3], tup[4], isn), cookie) in env.kernel_cookies

    def own_ok(a):
        # A first fragment cannot be handed to tc: it passes, without metadata.
        if first:
            return Decision('PASS_FRAGMENT')
        return Decision('PASS_OWN_COOKIE_OK', meta=cookies.meta_bytes(a, l3, l4, fam == 6))

    if env.own():
        words = cookies.flow_words(fam, tup[1], tup[2], tup[3], tup[4], isn)
        at = [cookies.own_check(env.keys, fam, words, cookie, t) for t in (t0, t1)]
        # Not an own cookie: it may still be a valid kernel cookie.
        d = [own_ok(a) if a else
             Decision('PASS_COOKIE_OK' if kernel_ok else 'DROP_COOKIE_INVALID') for a in at]
        if d[0].reason != d[1].reason:
            d[0].alt = d[1]  # a period boundary within the run: either is right
    else:
        d = [Decision('PASS_COOKIE_OK' if kernel_ok else 'DROP_COOKIE_INVALID')]
    if d[0].reason != 'DROP_COOKIE_INVALID':
        env.followups[tup] = (seq, ack, t1)
    return d[0]
