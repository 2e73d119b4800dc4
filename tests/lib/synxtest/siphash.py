# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""SipHash-2-4, written from the paper (Aumasson and Bernstein, "SipHash: a
fast short-input PRF", 2012), not from bpf/siphash.h: the tests predict own
cookies with it, so it must be right on its own.  selftest() checks it
against the paper's reference vectors."""

import struct

MASK64 = (1 << 64) - 1


def _rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & MASK64


def _round(v):
    v0, v1, v2, v3 = v
    v0 = (v0 + v1) & MASK64
    v1 = _rotl(v1, 13) ^ v0
    v0 = _rotl(v0, 32)
    v2 = (v2 + v3) & MASK64
    v3 = _rotl(v3, 16) ^ v2
    v0 = (v0 + v3) & MASK64
    v3 = _rotl(v3, 21) ^ v0
    v2 = (v2 + v1) & MASK64
    v1 = _rotl(v1, 17) ^ v2
    v2 = _rotl(v2, 32)
    return [v0, v1, v2, v3]


def siphash24(k0, k1, data):
    """SipHash-2-4 of a byte string of any length under the key (k0, k1),
    the key's two little-endian 64-bit halves."""
    v = [k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d,
         k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573]
    n = len(data)
    tail = data[n - n % 8:]
    words = [struct.unpack_from('<Q', data, i)[0] for i in range(0, n - n % 8, 8)]
    words.append(int.from_bytes(tail + b'\0' * (7 - len(tail)), 'little') | (n & 0xff) << 56)
    for m in words:
        v[3] ^= m
        v = _round(_round(v))
        v[0] ^= m
    v[2] ^= 0xff
    for _ in range(4):
        v = _round(v)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def siphash24_words(key, words):
    """SipHash-2-4 of a message of little-endian 64-bit words."""
    return siphash24(key[0], key[1], b''.join(struct.pack('<Q', w) for w in words))


def selftest():
    """The reference vectors: key 00..0f, messages 00..(n-1)."""
    k0, k1 = struct.unpack('<QQ', bytes(range(16)))
    return (siphash24(k0, k1, b'') == 0x726fdb47dd0e0e31 and
            siphash24(k0, k1, bytes(range(8))) == 0x93f5f5799a932462 and
            siphash24(k0, k1, bytes(range(15))) == 0xa129ca6149be45e5)
