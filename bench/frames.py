# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Packet classes for the micro-benchmark, one line each:

    NAME HEX EXPECT OPTS

EXPECT is the synx reason the frame must end in (checked by bench_micro
against the counters), bound:reflect / bound:drop for the bounds,
peer:tx / peer:drop for the kernel's xdp_synproxy (checked against its
SYN-ACK counter / its verdict), or part:NAME for the program part_NAME of
bench/bench_parts.bpf.c (a piece of synx's path alone; must pass).
OPTS: cfg=unprot (config without the port), syncookies=1 (the kernel
declines), cookie=own (synx's own cookies, fixed test keys), ackof=ROW (ack =
the cookie synx gives ROW's SYN, + 1), prime=ROW (run ROW once through synx
right before each timing, e.g. the handshake ACK in front of a follow-up),
tc (also time the tc hand-off program, synx_tc, on the frame), dev=fwd (the
ingress device is the micro netns's forwarding one, --fwd-dmac), or -.

Built with scapy (Debian's python3-scapy) so that checksums are computed
independently of the C and BPF code; hand-encoded frames take theirs from
tests/lib/synxtest/csum.py; malformed frames are patched bytes.
Addresses: 198.18.0.0/15 and fd00::/8 only.  The micro netns has a listener
on :80 (not :81) and established flows 198.18.0.1:40001 / [fd00::1]:40001 ->
:80.  Every frame is addressed to the DUT: destination MAC the one of the
device the runs name as their ingress (--dmac, or --fwd-dmac for dev=fwd),
destination address one it holds (198.18.0.2, fd00::2); only the ARP request
is a broadcast, as it is on a wire, and the delivery rows (deliver-) address
another host's MAC or address on purpose.

    frames.py [--dmac MAC] [--fwd-dmac MAC]
"""
import argparse
import os
import struct
import sys

from scapy.layers.inet import IP, TCP, UDP
from scapy.packet import Raw
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import ARP, Ether

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'lib'))
from synxtest import csum, tcpopts  # noqa: E402  (checksums; the client profiles)

_ap = argparse.ArgumentParser()
_ap.add_argument('--dmac', default='02:00:00:00:00:02',
                 help="the DUT device's MAC (the micro netns's ingress device)")
_ap.add_argument('--fwd-dmac', default='02:00:00:00:00:04',
                 help="the MAC of the micro netns's forwarding device (dev=fwd rows)")
_args = _ap.parse_args()
ETH = dict(src='02:00:00:00:00:01', dst=_args.dmac)
ETH_FWD = dict(src='02:00:00:00:00:01', dst=_args.fwd_dmac)
ETH_OTHER = dict(src='02:00:00:00:00:01', dst='02:00:00:00:00:99')  # another host's MAC
C4, S4, C6, S6 = '198.18.200.1', '198.18.0.2', 'fd00:0:0:1::7', 'fd00::2'
# Addresses no device of the micro netns holds: what a router forwards.
FAR4, FAR6 = '198.18.99.1', 'fd00:99::1'
LINUX = tcpopts.scapy_options(tcpopts.LINUX)
WINDOWS = tcpopts.scapy_options(tcpopts.WINDOWS)
MACOS = tcpopts.scapy_options(tcpopts.MACOS)

rows = []


def row(name, frame, expect, opts='-'):
    rows.append((name, bytes(frame), expect, opts))


def syn4(opts=LINUX, src=C4, dst=S4, dport=80, flags='S', eth=ETH, **ip):
    return Ether(**eth) / IP(src=src, dst=dst, flags='DF', **ip) / \
        TCP(sport=33000, dport=dport, flags=flags, seq=1000, window=64240, options=opts)


def syn6(opts=LINUX, src=C6, dst=S6, dport=80, eth=ETH):
    return Ether(**eth) / IPv6(src=src, dst=dst) / \
        TCP(sport=33000, dport=dport, flags='S', seq=1000, window=64240, options=opts)


def bad_ack4(dst=S4):
    return Ether(**ETH) / IP(src=C4, dst=dst, flags='DF') / \
        TCP(sport=33000, dport=80, flags='A', seq=1001, ack=0x5eed1234, window=502)


def bad_ack6(dst=S6):
    return Ether(**ETH) / IPv6(src=C6, dst=dst) / \
        TCP(sport=33000, dport=80, flags='A', seq=1001, ack=0x5eed1234, window=502)


def patch(frame, off, data):
    b = bytearray(bytes(frame))
    b[off:off + len(data)] = data
    return bytes(b)


def raw_syn4_opts(optbytes):
    """A SYN with hand-encoded options: scapy's TCP layer would 'fix' them."""
    pad = (-len(optbytes)) % 4
    hdr = struct.pack('!HHIIBBHHH', 33000, 80, 1000, 0, (5 + (len(optbytes) + pad) // 4) << 4,
                      0x02, 64240, 0, 0) + optbytes + b'\x00' * pad
    ip = IP(src=C4, dst=S4, flags='DF', proto=6, len=20 + len(hdr))
    ck = csum.l4_csum(4, C4, S4, hdr)
    hdr = hdr[:16] + struct.pack('!H', ck) + hdr[18:]
    return Ether(**ETH) / ip / Raw(hdr)


# The paths synx is for.
row('syn4-linux', syn4(), 'TX_SYNACK_COOKIE')
row('syn4-windows', syn4(WINDOWS), 'TX_SYNACK_COOKIE')
row('syn4-macos', syn4(MACOS), 'TX_SYNACK_COOKIE')
row('syn6-linux', syn6(), 'TX_SYNACK_COOKIE')
row('syn6-windows', syn6(WINDOWS), 'TX_SYNACK_COOKIE')
row('syn4-linux-own', syn4(), 'TX_SYNACK_OWN', 'cookie=own')
row('syn6-linux-own', syn6(), 'TX_SYNACK_OWN', 'cookie=own')
row('ack4-own-cookie', Ether(**ETH) / IP(src=C4, dst=S4, flags='DF') /
    TCP(sport=33000, dport=80, flags='A', seq=1001, ack=0, window=502), 'PASS_OWN_COOKIE_OK',
    'ackof=syn4-linux-own,cookie=own')
row('ack4-bad-own-cookie', bad_ack4(), 'DROP_COOKIE_INVALID', 'cookie=own')
row('ack4-cookie', Ether(**ETH) / IP(src=C4, dst=S4, flags='DF') /
    TCP(sport=33000, dport=80, flags='A', seq=1001, ack=0, window=502), 'PASS_COOKIE_OK',
    'ackof=syn4-linux')
row('ack6-cookie', Ether(**ETH) / IPv6(src=C6, dst=S6) /
    TCP(sport=33000, dport=80, flags='A', seq=1001, ack=0, window=502), 'PASS_COOKIE_OK',
    'ackof=syn6-linux')
# Data right behind the handshake ACK, before the kernel has its socket.
row('ack4-followup', Ether(**ETH) / IP(src=C4, dst=S4, flags='DF') /
    TCP(sport=33000, dport=80, flags='PA', seq=2001, ack=0, window=502) / (b'x' * 100),
    'PASS_COOKIE_FOLLOWUP', 'ackof=syn4-linux,prime=ack4-cookie')
row('ack4-bad-cookie', bad_ack4(), 'DROP_COOKIE_INVALID')
row('ack6-bad-cookie', bad_ack6(), 'DROP_COOKIE_INVALID')
row('est4-data', Ether(**ETH) / IP(src='198.18.0.1', dst=S4, flags='DF') /
    TCP(sport=40001, dport=80, flags='PA', seq=5, ack=7, window=502) / (b'x' * 100),
    'PASS_SOCKET', 'tc')
row('est6-data', Ether(**ETH) / IPv6(src='fd00::1', dst=S6) /
    TCP(sport=40001, dport=80, flags='PA', seq=5, ack=7, window=502) / (b'x' * 100),
    'PASS_SOCKET', 'tc')

# Stages of the SYN path, each stopping one step later than the one before.
row('stage-syn4-flags-only', syn4(flags='SF'), 'DROP_FLAGS_SYN_FIN')
row('stage-syn4-unprotected', syn4(), 'PASS_UNPROTECTED', 'cfg=unprot')
row('stage-syn4-bad-tcp-csum', patch(syn4(), 14 + 20 + 16, b'\xde\xad'), 'DROP_TCP_CSUM')
row('stage-syn4-no-listener', syn4(dport=81), 'PASS_NO_LISTENER')
row('stage-syn4-declined', syn4(), 'PASS_SYN_KERNEL', 'syncookies=1')

# The delivery checks (bpf/owner.h): what synx leaves to the kernel because
# this host would not accept it, and what the checks cost on the way.  The
# established rows above must not pay the address lookup (PASS_SOCKET first).
row('deliver-syn4-not-local', syn4(dst=FAR4), 'PASS_NOT_LOCAL')
row('deliver-syn6-not-local', syn6(dst=FAR6), 'PASS_NOT_LOCAL')
row('deliver-ack4-not-local', bad_ack4(FAR4), 'PASS_NOT_LOCAL')
row('deliver-ack6-not-local', bad_ack6(FAR6), 'PASS_NOT_LOCAL')
row('deliver-syn4-not-host', syn4(eth=ETH_OTHER), 'PASS_NOT_HOST')
# On a forwarding device the destination is settled right after the IP header.
row('deliver-syn4-fwd', syn4(eth=ETH_FWD), 'TX_SYNACK_COOKIE', 'dev=fwd')
row('deliver-syn6-fwd', syn6(eth=ETH_FWD), 'TX_SYNACK_COOKIE', 'dev=fwd')
row('deliver-syn4-fwd-not-local', syn4(dst=FAR4, eth=ETH_FWD), 'PASS_NOT_LOCAL', 'dev=fwd')
# There even established data pays the address lookup (est4-data does not).
row('deliver-est4-data-fwd', Ether(**ETH_FWD) / IP(src='198.18.0.1', dst=S4, flags='DF') /
    TCP(sport=40001, dport=80, flags='PA', seq=5, ack=7, window=502) / (b'x' * 100),
    'PASS_SOCKET', 'dev=fwd')

# Traffic synx only looks at.
row('udp4', Ether(**ETH) / IP(src=C4, dst=S4) / UDP(sport=5000, dport=53) / (b'q' * 32),
    'PASS_NON_TCP')
# A broadcast (an ARP request) is not the host's frame: passed before any parsing.
row('arp', Ether(src=ETH['src'], dst='ff:ff:ff:ff:ff:ff') / ARP(psrc=C4, pdst=S4),
    'PASS_NOT_HOST')
row('arp-reply', Ether(**ETH) / ARP(op='is-at', psrc=C4, pdst=S4), 'PASS_NON_IP')

# Each malformed class.
good = bytes(syn4())
# BPF_PROG_TEST_RUN wants a full Ethernet header: cut inside a VLAN tag instead.
row('bad-l2-trunc', patch(good, 12, b'\x81\x00')[:16], 'DROP_L2_TRUNC')
row('bad-ip4-trunc', good[:24], 'DROP_IP4_TRUNC')
row('bad-ip4-version', patch(good, 14, b'\x55'), 'DROP_IP4_VERSION')
row('bad-ip4-ihl', patch(good, 14, b'\x44'), 'DROP_IP4_IHL')
row('bad-ip4-totlen', patch(good, 16, struct.pack('!H', 1400)), 'DROP_IP4_TOTLEN')
row('bad-ip6-trunc', bytes(syn6())[:40], 'DROP_IP6_TRUNC')
row('bad-ip6-paylen', patch(syn6(), 18, struct.pack('!H', 1400)), 'DROP_IP6_PAYLEN')
row('bad-tcp-trunc', Ether(**ETH) / IP(src=C4, dst=S4, proto=6) / (b'\x80\xe8\x00\x50' * 3),
    'DROP_TCP_TRUNC')
row('bad-tcp-doff', patch(syn4(), 14 + 20 + 12, b'\x40'), 'DROP_TCP_DOFF')
row('bad-port-zero', syn4(dport=0), 'DROP_PORT_ZERO')
row('bad-flags-none', syn4(flags=''), 'DROP_FLAGS_NONE')
row('bad-syn-fin', syn4(flags='SF'), 'DROP_FLAGS_SYN_FIN')
row('bad-syn-rst', syn4(flags='SR'), 'DROP_FLAGS_SYN_RST')
row('bad-fin-rst', syn4(flags='FR'), 'DROP_FLAGS_FIN_RST')
row('bad-fin-no-ack', syn4(flags='F'), 'DROP_FLAGS_NO_ACK')
row('bad-opt-len', raw_syn4_opts(b'\x02\x04\x05\xb4\x1e\x01'), 'DROP_OPT_LEN')
row('bad-opt-overrun', raw_syn4_opts(b'\x02\x04\x05\xb4\x1e\x0a\x00\x00'), 'DROP_OPT_OVERRUN')
row('bad-opt-fixed-len', raw_syn4_opts(b'\x02\x05\x05\xb4\x00\x01\x01\x01'),
    'DROP_OPT_FIXED_LEN')
row('bad-martian4', syn4(src='127.0.0.1'), 'DROP_MARTIAN_SRC4')
row('bad-martian6', syn6(src='::1'), 'DROP_MARTIAN_SRC6')
row('bad-land', syn4(src=S4), 'DROP_LAND')
row('bad-ip4-csum', patch(syn4(), 14 + 10, b'\xbe\xef'), 'DROP_IP4_CSUM')
row('bad-tcp-csum', patch(syn4(), 14 + 20 + 16, b'\xde\xad'), 'DROP_TCP_CSUM')
row('bad-frag-tiny', Ether(**ETH) / IP(src=C4, dst=S4, flags='MF', proto=6) /
    bytes(TCP(sport=33000, dport=80, flags='S', options=LINUX))[:16], 'DROP_FRAG_TINY')
row('bad-frag-overlap', Ether(**ETH) / IP(src=C4, dst=S4, frag=1, proto=6) / (b'\x00' * 32),
    'DROP_FRAG_OVERLAP')
row('bad-frag-syn', Ether(**ETH) / IP(src=C4, dst=S4, flags='MF', proto=6) /
    bytes(TCP(sport=33000, dport=80, flags='S', options=LINUX)), 'DROP_FRAG_SYN')

# The bounds, on the frames they bound.
BAD_ACK4, BAD_ACK6 = bad_ack4(), bad_ack6()
row('bound-reflect-syn4', syn4(), 'bound:reflect')
row('bound-reflect-syn6', syn6(), 'bound:reflect')
row('bound-drop-syn4', syn4(), 'bound:drop')
row('bound-drop-ack4', BAD_ACK4, 'bound:drop')
row('bound-drop-ack6', BAD_ACK6, 'bound:drop')

# Pieces of synx's paths alone (bench/bench_parts.bpf.c), on the same frames.
row('part-clock', syn4(), 'part:clock')
row('part-clock-coarse', syn4(), 'part:clock_coarse')
row('part-siphash4', syn4(), 'part:siphash4')
row('part-lookup-syn4', syn4(), 'part:lookup')
row('part-lookup-kcookie-syn4', syn4(), 'part:lookup_kcookie')
row('part-lookup-ack4', BAD_ACK4, 'part:lookup')
row('part-lookup-kcheck-ack4', BAD_ACK4, 'part:lookup_kcheck')
row('part-deliver-mac', syn4(), 'part:deliver_mac')
row('part-deliver-fwd-flag', syn4(), 'part:deliver_fwd_flag')
row('part-deliver-addr4', syn4(), 'part:deliver_addr')
row('part-deliver-addr6', syn6(), 'part:deliver_addr')
row('part-deliver4', syn4(), 'part:deliver')
row('part-deliver6', syn6(), 'part:deliver')

# The peer (the kernel's xdp_synproxy), on the same frames as synx's rows.
row('peer-syn4-linux', syn4(), 'peer:tx')
row('peer-syn6-linux', syn6(), 'peer:tx')
row('peer-ack4-bad-cookie', BAD_ACK4, 'peer:drop')
row('peer-ack6-bad-cookie', BAD_ACK6, 'peer:drop')

for name, frame, expect, opts in rows:
    sys.stdout.write(f'{name} {frame.hex()} {expect} {opts}\n')
