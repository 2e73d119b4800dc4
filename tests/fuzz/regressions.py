# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Every disagreement the fuzzer found between synx and the decision table,
kept as a permanent row (run by test_fuzz_slice before the random slice).

A row: name, frame (built with synxtest.frames.Pkt, so that it reads as what
it is), config name (fuzz's named_configs()), net.ipv4.tcp_syncookies, the
reason the decision table requires, and the finding: what the program did
when it was found.  Rows under own cookies may give the key (two 64-bit
halves; a fixed one otherwise).  A row whose program behaviour was fixed
stays: it guards the fix.
"""

from synxtest.frames import SYN, Pkt


def _v6_syn_seglen(seglen, sport):
    # A well-formed IPv6 SYN whose TCP segment (header + TFO data) is
    # seglen bytes; checksum computed by Pkt (RFC 1071, RFC 8200 8.1).
    return Pkt(6, sport=sport, flags=SYN, seq=5, payload=b'a' * (seglen - 20)).build()


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
]
