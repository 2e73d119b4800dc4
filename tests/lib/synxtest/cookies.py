# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The two cookies synx issues, as far as a test can know them.

Own cookies are predicted exactly, from the layout in include/synx_cookie.h
and the SipHash-2-4 of siphash.py:

  ISN  = MAC(22 bits) << 10 | T << 9 | MSS index << 6 | WS << 2 | SACK << 1 | ECN
  MAC  = top 22 bits of SipHash-2-4(key, message) over 64-bit words:
         v4:  saddr:daddr
         v6:  saddr[0:8], saddr[8:16], daddr[0:8], daddr[8:16]
         then sport:dport:client ISN, then count:family:low 10 bits,
  where an address word is two 32-bit loads from the packet (so network
  bytes read as host-order numbers), ports likewise as 16-bit loads, the
  client's ISN, the count and the low 10 bits as numbers, and family is 0
  for IPv4, 1 for IPv6.  count = CLOCK_MONOTONIC ns >> period shift.

An ACK is checked against the one count with its cookie's parity T that is
now or one period before (a cookie lives one to two periods), under the
current key, and under the previous one for two periods after a rotation.

Kernel cookies hold a secret of the kernel's: only their TSval bits (the
options a timestamp cookie carries, include/net/tcp.h TS_OPT_*) are known.
"""

import struct

from . import contract as C
from .csum import addr_bytes
from .siphash import siphash24_words

OWN = C.OWN
TS_OPT_WSCALE_NONE, TS_OPT_SACK, TS_OPT_ECN = 0xf, 1 << 4, 1 << 5


class Keys:
    """The synx_keys entry: current and previous SipHash keys (two 64-bit
    halves each), CLOCK_MONOTONIC ns of the last rotation (0: none), the
    generation (0: no key yet, own mode falls back to kernel cookies), the
    period shift (0: the default), the shift before the last change of it
    and when that was (0: none), until when kernel mode still checks own
    cookies (0: never), the cookie clock (C.CLOCK_BOOT or C.CLOCK_TAI) and
    its offset in ns (tests only)."""

    def __init__(self, cur, prev=(0, 0), rotated_ns=0, generation=1, period_shift=0,
                 prev_shift=0, shift_changed_ns=0, own_until_ns=0, clock=0, clock_offset_ns=0):
        self.cur, self.prev = tuple(cur), tuple(prev)
        self.rotated_ns, self.generation, self.period_shift = rotated_ns, generation, period_shift
        self.prev_shift, self.shift_changed_ns = prev_shift, shift_changed_ns
        self.own_until_ns, self.clock, self.clock_offset_ns = own_until_ns, clock, clock_offset_ns

    @property
    def shift(self):
        return self.period_shift or C.PERIOD_SHIFT

    def count(self, now_ns):
        """The count at cookie-clock time now_ns (offset not included)."""
        return ((now_ns + self.clock_offset_ns) >> self.shift) & 0xffffffff

    def __repr__(self):
        return (f'Keys(cur=({self.cur[0]:#x}, {self.cur[1]:#x}), prev=({self.prev[0]:#x}, '
                f'{self.prev[1]:#x}), rotated_ns={self.rotated_ns}, '
                f'generation={self.generation}, period_shift={self.period_shift}, '
                f'prev_shift={self.prev_shift}, shift_changed_ns={self.shift_changed_ns}, '
                f'own_until_ns={self.own_until_ns}, clock={self.clock}, '
                f'clock_offset_ns={self.clock_offset_ns})')


def _load32(b):
    return struct.unpack('=I', b)[0]


def _load16(v):
    return struct.unpack('=H', struct.pack('!H', v))[0]


def flow_words(fam, src, dst, sport, dport, isn):
    """The message words before the last one, for the flow as the client sent it."""
    s, d = addr_bytes(fam, src), addr_bytes(fam, dst)
    if fam == 4:
        words = [_load32(s) << 32 | _load32(d)]
    else:
        a = [_load32(x[i:i + 4]) for x in (s, d) for i in range(0, 16, 4)]
        words = [a[0] << 32 | a[1], a[2] << 32 | a[3], a[4] << 32 | a[5], a[6] << 32 | a[7]]
    return words + [_load16(sport) << 48 | _load16(dport) << 32 | (isn & 0xffffffff)]


def own_mac(key, fam, words, count, low):
    last = (count & 0xffffffff) << 32 | (1 if fam == 6 else 0) << 16 | low
    return siphash24_words(key, words + [last]) >> (64 - OWN['MAC_BITS'])


def mss_index(fam, mss):
    """The largest table entry not above the client's MSS (index 0 at worst)."""
    table = C.MSS_TABLE[fam]
    return max([i for i, m in enumerate(table) if m <= mss] or [0])


def own_low_bits(count, mss_idx, ws, sack, ecn):
    return ((count & 1) << OWN['T_SHIFT'] | mss_idx << OWN['MSS_SHIFT'] |
            (ws & 0xf) << OWN['WS_SHIFT'] | (OWN['SACK'] if sack else 0) |
            (OWN['ECN'] if ecn else 0))


def own_issue(key, fam, words, count, mss, ws, sack, ecn):
    """The ISN for a SYN offering mss / ws (WS_NONE: none) / sack / ecn."""
    low = own_low_bits(count, mss_index(fam, mss), ws, sack, ecn)
    return own_mac(key, fam, words, count, low) << (32 - OWN['MAC_BITS']) | low


def own_decode(fam, cookie):
    """What a cookie says: dict(mss, wscale, sack, ecn), whatever its MAC."""
    low = cookie & OWN['META_MASK']
    return dict(mss=C.MSS_TABLE[fam][low >> OWN['MSS_SHIFT'] & 7],
                wscale=low >> OWN['WS_SHIFT'] & 0xf, sack=bool(low & OWN['SACK']),
                ecn=bool(low & OWN['ECN']))


def _parity_count(t, shift, t_bit):
    count = (t >> shift) & 0xffffffff
    return count if (count & 1) == t_bit else (count - 1) & 0xffffffff


def _within(now_ns, since, shift):
    return since and ((now_ns - since) & (2 ** 64 - 1)) <= 2 << shift


def own_check(keys, fam, words, cookie, now_ns, clock_ns=None):
    """The decoded cookie if the ACK carrying cookie (ack - 1) is valid at
    program-clock time now_ns (and cookie-clock time clock_ns: TAI, for
    keys on the TAI clock; default now_ns) for the flow of words (client
    ISN = seq - 1), else None.  As bpf/cookie_own.h: the count of the
    cookie's parity that is now or one period before, the clock SKEW_NS
    ahead on TAI; the previous key for two periods after a rotation, the
    previous period for two of its periods after a change, and both when
    both changed."""
    if not keys or not keys.generation:
        return None
    low = cookie & OWN['META_MASK']
    mac = cookie >> (32 - OWN['MAC_BITS'])
    t_bit = low >> OWN['T_SHIFT'] & 1
    t = (now_ns if clock_ns is None else clock_ns) + keys.clock_offset_ns
    if keys.clock == C.CLOCK_TAI:
        t += C.CLOCK_SKEW_NS
    count = _parity_count(t, keys.shift, t_bit)
    ok = own_mac(keys.cur, fam, words, count, low) == mac
    if not ok and _within(now_ns, keys.rotated_ns, keys.shift):
        ok = own_mac(keys.prev, fam, words, count, low) == mac
    if (not ok and keys.prev_shift and keys.prev_shift != keys.shift
            and _within(now_ns, keys.shift_changed_ns, keys.prev_shift)):
        old = _parity_count(t, keys.prev_shift, t_bit)
        ok = own_mac(keys.cur, fam, words, old, low) == mac
        if not ok and _within(now_ns, keys.rotated_ns, keys.shift):
            ok = own_mac(keys.prev, fam, words, old, low) == mac
    return own_decode(fam, cookie) if ok else None


def meta_bytes(decoded, l3_off=14, l4_off=34, ipv6=False):
    """struct synx_meta as the XDP program leaves it in front of the ACK
    whose IP header starts at l3_off and TCP header at l4_off."""
    fields = dict(magic=C.META_MAGIC, mss=decoded['mss'], wscale=decoded['wscale'],
                  flags=(OWN['SACK'] if decoded['sack'] else 0) |
                  (OWN['ECN'] if decoded['ecn'] else 0),
                  l4_off=l4_off, l3_off=l3_off, ipv6=1 if ipv6 else 0)
    return C.META.pack(*(fields[f] for f in C.META_FIELDS))


def kernel_ts_bits(ws, sack, ecn):
    """The low 6 TSval bits of a kernel timestamp cookie: the client's shift
    (0xf: none), SACK, ECN."""
    return ((TS_OPT_WSCALE_NONE if ws is None else ws) | (TS_OPT_SACK if sack else 0)
            | (TS_OPT_ECN if ecn else 0))
