# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The generator's templates, one line per kind: KIND HEX.

    templates.py --smac MAC --dmac MAC [--dst4 A] [--dst6 A] [--dport P]

bench_gen.bpf.c copies a template into every frame it sends and adds random
words to it: the low bits of the source address (198.18.128.0/17,
fd00:0:0:1::/64), the source port, the sequence number and, for the ACK
floods, the acknowledgment number (a random "cookie").  So each template
carries zero in those fields and checksums computed that way, by
tests/lib/synxtest (the struct frame builder and its RFC 1071 sums); the
program fixes them incrementally.  Lengths are bench.h's BENCH_*_LEN.
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'lib'))
from synxtest import tcpopts  # noqa: E402
from synxtest.frames import ACK, SYN, Pkt  # noqa: E402

SPOOF4, SPOOF6 = '198.18.0.0', 'fd00:0:0:1::'  # random low bits added per frame
# Linux's SYN options (MSS, SACK-permitted, timestamps, window scale); an ACK's timestamps.
SYN_OPTS = tcpopts.encode(tcpopts.LINUX)
ACK_OPTS = tcpopts.encode([('NOP',), ('NOP',), ('TS', 9, 7)])
LENGTHS = {'syn4': 74, 'syn6': 94, 'ack4': 66, 'ack6': 86}


def template(kind, a):
    fam = 6 if kind.endswith('6') else 4
    syn = kind.startswith('syn')
    p = Pkt(fam, src_mac=a.smac, dst_mac=a.dmac, src=SPOOF6 if fam == 6 else SPOOF4,
            dst=a.dst6 if fam == 6 else a.dst4, ip_id=0, ttl=64, sport=0, dport=a.dport,
            seq=0, ack=0, flags=SYN if syn else ACK, window=64240 if syn else 501,
            opts=SYN_OPTS if syn else ACK_OPTS)
    frame = p.build()
    assert len(frame) == LENGTHS[kind], (kind, len(frame))
    return frame


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--smac', required=True, help="the generator device's MAC")
    ap.add_argument('--dmac', required=True, help="the DUT device's MAC")
    ap.add_argument('--dst4', default='198.18.0.2')
    ap.add_argument('--dst6', default='fd00::2')
    ap.add_argument('--dport', type=int, default=80)
    a = ap.parse_args()
    for kind in LENGTHS:
        print(kind, template(kind, a).hex())


if __name__ == '__main__':
    sys.exit(main())
