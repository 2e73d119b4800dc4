# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The Internet checksum (RFC 1071) and the TCP/UDP pseudo-headers (RFC 9293
3.1, RFC 8200 8.1): the one implementation the tests build frames with and
check synx's output against.  Independent of scapy, whose own checksums the
unit tables use as a second opinion."""

import socket
import struct

PROTO_TCP, PROTO_UDP = 6, 17


def csum16(data, init=0):
    """One's complement of the one's-complement sum of the 16-bit big-endian
    words of data (an odd last byte padded with zero), plus init."""
    if len(data) % 2:
        data = bytes(data) + b'\0'
    s = init + sum(w for (w,) in struct.iter_unpack('!H', data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def addr_bytes(fam, a):
    """An address as its 4 or 16 bytes, given text or bytes."""
    if isinstance(a, (bytes, bytearray)):
        return bytes(a)
    return socket.inet_pton(socket.AF_INET if fam == 4 else socket.AF_INET6, a)


def pseudo_header(fam, src, dst, length, proto=PROTO_TCP):
    src, dst = addr_bytes(fam, src), addr_bytes(fam, dst)
    if fam == 4:
        return src + dst + struct.pack('!BBH', 0, proto, length)
    return src + dst + struct.pack('!I3xB', length, proto)


def l4_csum(fam, src, dst, segment, proto=PROTO_TCP):
    """The checksum to write into a segment whose checksum field is zero."""
    return csum16(pseudo_header(fam, src, dst, len(segment), proto) + bytes(segment))


def l4_csum_ok(fam, src, dst, segment, proto=PROTO_TCP):
    """True when the checksum in the segment verifies (the sum folds to zero)."""
    return csum16(pseudo_header(fam, src, dst, len(segment), proto) + bytes(segment)) == 0


def ip4_csum_ok(header):
    return csum16(header) == 0


def ip4_fix_csum(buf, off, ihl_bytes):
    """Recompute the IPv4 header checksum in place."""
    buf[off + 10:off + 12] = b'\0\0'
    buf[off + 10:off + 12] = struct.pack('!H', csum16(bytes(buf[off:off + ihl_bytes])))
