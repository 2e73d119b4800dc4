# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Every disagreement the fuzzer found between synx and the decision table,
kept as a permanent row (run by test_fuzz_slice before the random slice).

A row: name, frame (built with synxtest.frames.Pkt, so that it reads as what
it is), config name (fuzz's named_configs()), net.ipv4.tcp_syncookies, the
reason the decision table requires, and the finding: what the program did
when it was found (None: a row that guards a rule).  Rows under own cookies
may give the key (two 64-bit halves; a fixed one otherwise); any row may
give sysctls (name -> value, over its config's), cfg_fields (over its
config's), device (a topology device's name) and fwd (the families whose
forwarding is on).  A row whose program behaviour was fixed stays: it
guards the fix.
"""

from synxtest import topology as topo
from synxtest.frames import ACK, FIN, SYN, Pkt, ah_hdr, ext_hdr, mac, rtg_hdr
from synxtest.tcpopts import LINUX, encode


def _v6_syn_seglen(seglen, sport):
    # A well-formed IPv6 SYN whose TCP segment (header + TFO data) is
    # seglen bytes; checksum computed by Pkt (RFC 1071, RFC 8200 8.1).
    return Pkt(6, sport=sport, flags=SYN, seq=5, payload=b'a' * (seglen - 20)).build()


def _rtg_sl1_cut(plen=None, hdrlen=None):
    # An IPv6 ACK behind a routing header with segments left 1 whose 24
    # bytes do not fit in the payload (cut by the payload length, or by a
    # length byte that claims more).
    p = Pkt(6, sport=31900, flags=ACK, ack=1, ext=[rtg_hdr(1, 2)])
    if hdrlen is not None:
        p.ext = [(43, bytes([0, hdrlen, 0, 1]) + bytes(20))]
    if plen is not None:
        p.plen = plen
    return p.build()


SMALL_BUFFERS = {'net.ipv4.tcp_rmem': '4096 131072 4096'}


ROWS = [
    # Found 2026-11-22 (seed 2, break_big_payload), confirmed with scapy-built
    # frames: IPv6 SYNs whose TCP length L has L % 256 >= 250 are counted
    # DROP_TCP_CSUM although their checksum is valid; 248, 249, 256, 512 are
    # answered.  The carry of (L + next header 6) out of the pseudo-header's
    # low length byte is lost.  IPv4 is not affected (all L in 20..3400 OK).
    dict(name='v6_syn_tcp_len_250', frame=lambda: _v6_syn_seglen(250, 31250), cfg='base',
         syncookies=2, reason='TX_SYNACK_COOKIE', found='DROP_TCP_CSUM'),
    dict(name='v6_syn_tcp_len_255', frame=lambda: _v6_syn_seglen(255, 31255), cfg='base',
         syncookies=2, reason='TX_SYNACK_COOKIE', found='DROP_TCP_CSUM'),
    dict(name='v6_syn_tcp_len_506', frame=lambda: _v6_syn_seglen(506, 31506), cfg='base',
         syncookies=2, reason='TX_SYNACK_COOKIE', found='DROP_TCP_CSUM'),
    dict(name='v6_syn_tcp_len_762_kernel_path', frame=lambda: _v6_syn_seglen(762, 31762),
         cfg='ts', syncookies=1, reason='PASS_SYN_KERNEL', found='DROP_TCP_CSUM'),
    # Neighbours that were right when the above was found: the boundary.
    dict(name='v6_syn_tcp_len_249', frame=lambda: _v6_syn_seglen(249, 31249), cfg='base',
         syncookies=2, reason='TX_SYNACK_COOKIE', found=None),
    dict(name='v6_syn_tcp_len_256', frame=lambda: _v6_syn_seglen(256, 31256), cfg='base',
         syncookies=2, reason='TX_SYNACK_COOKIE', found=None),
    # Found 2026-12-02 (seed 1, ip6_chain): a routing header with segments
    # left that runs past the payload passes as PASS_NOT_LOCAL.  It is
    # malformed: every header must hold its whole length (README step 2;
    # the kernel's ipv6_rthdr_rcv() pulls the whole header before it reads
    # segments left, and drops a short one).
    dict(name='v6_rtg_sl1_cut_by_payload_length', frame=lambda: _rtg_sl1_cut(plen=16),
         cfg='base', syncookies=2, reason='DROP_IP6_EXT_TRUNC', found='PASS_NOT_LOCAL',
         since='2026-12-02'),
    dict(name='v6_rtg_sl1_length_past_payload', frame=lambda: _rtg_sl1_cut(hdrlen=9),
         cfg='own', syncookies=2, reason='DROP_IP6_EXT_TRUNC', found='PASS_NOT_LOCAL',
         since='2026-12-02'),
    # Found 2026-12-02 (tests/unit wscale_rounded_by_cookie_mss_ts): with
    # kernel cookies the window shift is not quantised by the MSS the cookie
    # encodes, as cookie_v4_check()'s tcp_select_initial_window() does: a
    # 65536-byte space becomes 65408 for MSS 1460, shift 0; synx says 1.
    dict(name='v4_kernel_cookie_shift_rounded_by_cookie_mss',
         frame=lambda: Pkt(4, sport=31901, flags=SYN, seq=9, opts=encode(LINUX)).build(),
         cfg='ts', cfg_fields=dict(rmem_max=4096), sysctls=SMALL_BUFFERS, syncookies=2,
         reason='TX_SYNACK_COOKIE', found='tcp options: window shift 1, not 0',
         since='2026-12-02'),
    # Guards of the rules the fuzzer learnt with them (found None).
    dict(name='v6_routing_sl1_whole_passes', frame=lambda: _rtg_sl1_cut(), cfg='base',
         syncookies=2, reason='PASS_NOT_LOCAL', found=None),
    dict(name='v4_foreign_mac_malformed',
         frame=lambda: mac('02:00:00:00:00:99') + Pkt(4, flags=SYN | FIN, ihl=4).build()[6:],
         cfg='base', syncookies=2, reason='PASS_NOT_HOST', found=None),
    dict(name='v6_v4mapped_source', frame=lambda: Pkt(6, src=bytes(10) + b'\xff\xff' +
                                                     bytes([198, 18, 0, 1]), flags=SYN).build(),
         cfg='base', syncookies=2, reason='DROP_MARTIAN_SRC6', found=None),
    dict(name='v6_ah_syn', frame=lambda: Pkt(6, sport=31902, flags=SYN, ext=[ah_hdr(3)]).build(),
         cfg='own', syncookies=2, reason='PASS_IPSEC', found=None),
    dict(name='v6_nine_headers', frame=lambda: Pkt(6, flags=ACK, ext=[ext_hdr(60, 0)] * 9).build(),
         cfg='base', syncookies=2, reason='DROP_IP6_EXT_DEPTH', found=None),
    # Eight headers are walked to TCP; with option headers among them the
    # SYN is the kernel's (it validates and may drop them).
    dict(name='v6_eight_headers_walked',
         frame=lambda: Pkt(6, sport=31903, flags=SYN, opts=encode(LINUX),
                           ext=[ext_hdr(0, 0)] + [ext_hdr(60, 1)] * 6 + [rtg_hdr(0, 2)]).build(),
         cfg='ts', syncookies=2, reason='PASS_IP_OPTIONS', found=None),
    dict(name='v4_forwarded_syn_fin', frame=lambda: Pkt(4, dst='198.18.9.9',
                                                       flags=SYN | FIN).build(),
         cfg='base', syncookies=2, fwd=(4, 6), reason='PASS_NOT_LOCAL', found=None),
    dict(name='v4_local_syn_fin_forwarding', frame=lambda: Pkt(4, flags=SYN | FIN).build(),
         cfg='base', syncookies=2, fwd=(4, 6), reason='DROP_FLAGS_SYN_FIN', found=None),
    dict(name='v4_nonlocal_ack_no_forwarding', frame=lambda: Pkt(4, dst='198.18.0.77',
                                                                flags=ACK, ack=5).build(),
         cfg='own_dropnl', syncookies=2, reason='PASS_NOT_LOCAL', found=None),
    dict(name='v4_first_fragment_ack', frame=lambda: Pkt(4, flags=ACK, ack=5, mf=True, df=False,
                                                        payload=b'f' * 16).build(),
         cfg='base', syncookies=2, reason='DROP_COOKIE_INVALID', found=None),
    dict(name='v4_accept_full', frame=lambda: Pkt(4, sport=31904, dport=topo.LPORTS['accept_full'],
                                                 flags=SYN).build(),
         cfg='own', syncookies=2, reason='DROP_ACCEPT_FULL', found=None),
    dict(name='v4_mtu552_mss', frame=lambda: Pkt(4, sport=31905, dst='198.18.2.2', flags=SYN,
                                                opts=encode(LINUX)).build(),
         cfg='mtu_mss', syncookies=2, device=topo.TINY552.name, sysctls=dict(
             {'net.ipv4.tcp_timestamps': 2}), reason='TX_SYNACK_COOKIE', found=None),
    dict(name='v4_syncookies_0', frame=lambda: Pkt(4, sport=31906, flags=SYN).build(),
         cfg='own', syncookies=0, reason='PASS_SYN_KERNEL', found=None),
]
