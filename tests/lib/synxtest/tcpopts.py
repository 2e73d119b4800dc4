# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""TCP options: encoding from a small list, parsing as a SYN's receiver must
(RFC 9293 3.2 and the fixed lengths of RFC 9293, 7323, 2018), and the client
profiles every test offers.

An option list: ('MSS', v) ('NOP',) ('EOL',) ('WS', shift) ('SACKOK',)
('TS', val, ecr) ('TFO', cookie) ('MD5',) ('AO',) or ('RAW', bytes).  The
encoder writes what it is told, malformed or not; scapy would "fix" it.
"""

import struct

EOL, NOP, MSS, WS, SACKOK, TS = 0, 1, 2, 3, 4, 8
MD5, AO, TFO = 19, 29, 34
FIXED_LEN = {MSS: 4, WS: 3, SACKOK: 2, TS: 10}
WS_MAX = 14  # RFC 7323 2.3: larger shifts are taken as 14

# The SYN options of the three client stacks the tests stand for.
LINUX = [('MSS', 1460), ('SACKOK',), ('TS', 0x11223344, 0), ('NOP',), ('WS', 7)]
WINDOWS = [('MSS', 1460), ('NOP',), ('WS', 8), ('NOP',), ('NOP',), ('SACKOK',)]
MACOS = [('MSS', 1460), ('NOP',), ('WS', 6), ('NOP',), ('NOP',),
         ('TS', 0x55667788, 0), ('SACKOK',), ('EOL',)]
CLIENTS = {'linux': LINUX, 'windows': WINDOWS, 'macos': MACOS}


def encode(opts, pad=True):
    """Option bytes, padded with EOL to a 32-bit boundary unless pad=False."""
    b = b''
    for o in opts:
        k = o[0]
        if k == 'MSS':
            b += struct.pack('!BBH', MSS, 4, o[1])
        elif k == 'NOP':
            b += bytes([NOP])
        elif k == 'EOL':
            b += bytes([EOL])
        elif k == 'WS':
            b += struct.pack('!BBB', WS, 3, o[1])
        elif k == 'SACKOK':
            b += bytes([SACKOK, 2])
        elif k == 'TS':
            b += struct.pack('!BBII', TS, 10, o[1], o[2])
        elif k == 'TFO':
            b += struct.pack('!BB', TFO, 2 + len(o[1])) + o[1]
        elif k == 'MD5':
            b += struct.pack('!BB', MD5, 18) + bytes(range(16))
        elif k == 'AO':
            b += struct.pack('!BBBB', AO, 16, 1, 1) + bytes(range(12))
        elif k == 'RAW':
            b += o[1]
        else:
            raise ValueError(k)
    return b + b'\0' * (-len(b) % 4) if pad else b


def parse_syn(opts):
    """Walk a SYN's options (the bytes between the fixed header and doff*4).
    Returns (reason or None, offered): reason is the DROP_OPT_* reason of
    the first malformed option; offered holds what the walk saw before it:
    mss, ws, sack, ts=(val, ecr), signed (TCP-MD5 / TCP-AO).  Later
    duplicates win, as in the kernel's tcp_parse_options()."""
    off = {}
    i, n = 0, len(opts)
    while i < n:
        kind = opts[i]
        if kind == EOL:
            break
        if kind == NOP:
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
        if kind == MSS:
            off['mss'] = struct.unpack('!H', body)[0]
        elif kind == WS:
            off['ws'] = body[0]
        elif kind == SACKOK:
            off['sack'] = True
        elif kind == TS:
            off['ts'] = struct.unpack('!II', body)
        elif kind in (MD5, AO):
            off['signed'] = True
        i += ln
    return None, off


def offered(opts):
    """What an option list offers, as the server parses it."""
    return parse_syn(encode(opts))[1]


def scapy_options(opts):
    """The same list in scapy's TCP(options=...) form (well-formed kinds only)."""
    names = {'MSS': 'MSS', 'NOP': 'NOP', 'EOL': 'EOL', 'WS': 'WScale', 'SACKOK': 'SAckOK',
             'TS': 'Timestamp'}
    out = []
    for o in opts:
        if o[0] == 'TS':
            out.append(('Timestamp', (o[1], o[2])))
        elif o[0] == 'SACKOK':
            out.append(('SAckOK', b''))
        elif o[0] in ('NOP', 'EOL'):
            out.append((names[o[0]], None))
        else:
            out.append((names[o[0]], o[1]))
    return out
