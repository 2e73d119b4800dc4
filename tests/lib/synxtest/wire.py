# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Hand-built frames on a real link (AF_PACKET, from the client namespace of
the veth lab), and what comes back:

  syn-probe       one SYN of a client profile; prints the SYN-ACK (captured on
                  the client side: XDP_TX frames never pass the server's taps)
                  and, with --ack-after, sends its handshake ACK that much later
  handshake-ack   the handshake ACK for a cookie already known
  malformed       the unit tables' rows that carry a `wire` name
                  (tests/unit/xdp_tables.py), each checked against the counters
  control-syn     one well-formed SYN, to show a capture works
  frame-diff      how two captured frames differ: not at all, in the TCP
                  sequence number and checksum only (a cookie's clock step),
                  or where else

The client kernel answers a SYN-ACK it has no socket for with RST; that
changes nothing, since a cookie holds no state on the server.  scapy is
imported only where a reply is parsed or a table row built.
"""

import importlib.util
import os
import socket
import time

from . import ROOT
from . import counters
from . import topology as topo
from .frames import ACK, SYN, Pkt, addr, mac
from .report import Report
from .tcpopts import CLIENTS, encode

ETH_P_ALL = 0x0003
# Non-TCP frames (IPv6 ND/MLD, ARP) from the lab's own kernels may pass at
# any moment; they are not what a malformed row is about.
NOISE_REASONS = ('pass_non_ip', 'pass_non_tcp')


def raw_socket(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    return s


def _fam(args):
    return 6 if ':' in args.dst else 4


def _tcp(args, flags, seq, ack, opts=b''):
    fam = _fam(args)
    return Pkt(fam, src_mac=args.src_mac, dst_mac=args.dst_mac, src=addr(fam, args.src),
               dst=addr(fam, args.dst), sport=args.sport, dport=args.dport, flags=flags,
               seq=seq, ack=ack, opts=opts).build()


def cmd_syn_probe(args):
    """Send one SYN with fixed ISN, ports and a client's options; print the
    SYN-ACK that comes back (hex of the whole frame), its cookie, and
    whether its checksums verify when recomputed by scapy, independently of
    the program that wrote them and of csum.py."""
    from scapy.all import IP, TCP, Ether, IPv6
    from .scapy_frames import scapy_csums_ok
    s = raw_socket(args.iface)
    s.settimeout(0.2)
    s.send(_tcp(args, args.flags, args.isn, 0, encode(CLIENTS[args.client])))
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        try:
            frame = s.recv(65535)
        except socket.timeout:
            continue
        pkt = Ether(frame)
        if TCP not in pkt or (IP not in pkt and IPv6 not in pkt):
            continue
        t = pkt[TCP]
        if (t.sport, t.dport) != (args.dport, args.sport) or (t.flags & 0x12) != 0x12 \
                or t.ack != (args.isn + 1) & 0xffffffff:
            continue
        got = time.monotonic()
        errs = scapy_csums_ok(frame)
        print('frame', frame.hex())
        print('seq', t.seq)
        print('cookie', t.seq, flush=True)
        print('ack', t.ack)
        print('tcp_csum_ok', int(not any(e.startswith('tcp') for e in errs)))
        print('ip_csum_ok', int(not any(e.startswith('ip') for e in errs)))
        print('options', ','.join(str(o[0]) for o in t.options))
        if args.ack_after is not None:
            time.sleep(max(0.0, got + args.ack_after - time.monotonic()))
            s.send(_tcp(args, ACK, (args.isn + 1) & 0xffffffff, (t.seq + 1) & 0xffffffff))
            print('ack_after %.3f' % (time.monotonic() - got))
        return 0
    print('frame none')
    print('cookie none')
    return 1


def cmd_handshake_ack(args):
    raw_socket(args.iface).send(_tcp(args, ACK, (args.isn + 1) & 0xffffffff,
                                     (args.cookie + 1) & 0xffffffff))


def table_rows():
    """(wire name, expected reason, Frame) of every unit table row with a
    wire name: one table of malformed frames, whether they meet synx through
    BPF_PROG_TEST_RUN or a veth."""
    path = os.path.join(ROOT, 'tests', 'unit', 'xdp_tables.py')
    spec = importlib.util.spec_from_file_location('xdp_tables', path)
    tables = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tables)
    return [(c.wire, c.reason.lower(), c.frame) for c in tables.all_cases()
            if getattr(c, 'wire', None)]


def cmd_malformed(args):
    """List (--list) or send every wire row once, addressed to the link's
    MACs.  With --counters-cmd (a shell command printing `bpftool -j map
    dump` of synx_counters), send the rows one at a time and report each as
    a test case: the expected reason grows by exactly one and no other
    reason moves."""
    for opt, want in (('src', topo.CLIENT4), ('dst', topo.SERVER4), ('src6', topo.CLIENT6),
                      ('dst6', topo.SERVER6), ('dport', topo.LPORT)):
        got = getattr(args, opt)
        if got is not None and str(got) != str(want):
            raise SystemExit(f'malformed: the rows are addressed to --{opt} {want}, not {got}')
    rows = [(n, r, f.to_mac(mac(args.dst_mac), mac(args.src_mac)).raw)
            for n, r, f in table_rows()]
    if args.list:
        for name, reason, _ in rows:
            print(name, reason)
        return
    s = raw_socket(args.iface)
    rep = Report()
    for name, reason, frame in rows:
        if not args.counters_cmd:
            s.send(frame)
            print('sent', name, reason)
            continue
        before = counters.read(args.counters_cmd)
        s.send(frame)
        deadline = time.monotonic() + 2
        while True:
            after = counters.read(args.counters_cmd)
            moved = {k: after[k] - before.get(k, 0) for k in after
                     if after[k] != before.get(k, 0) and k not in NOISE_REASONS}
            if moved or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        got = ', '.join('%s+%d' % kv for kv in sorted(moved.items())) or 'no counter moved'
        rep.check(f'{args.tag} {name} dropped as {reason}', f'{reason}+1', got)


def cmd_control_syn(args):
    """One well-formed SYN to a port with no listener: must reach the server."""
    raw_socket(args.iface).send(_tcp(args, SYN, 1000, 0, encode([('MSS', 1460)])))


def _tcp_offset(frame):
    """Where the TCP header starts in an Ethernet frame, or None: scapy
    dissects it (VLAN tags, IP options), and the TCP layer's bytes as
    received, padding included, are the frame's tail from there."""
    from scapy.all import TCP, Ether
    if len(frame) < 14:
        return None
    try:
        e = Ether(frame)
    except Exception:  # scapy raises several kinds on truncated headers
        return None
    if TCP not in e:
        return None
    return len(frame) - len(bytes(e[TCP]))


def cmd_frame_diff(args):
    """Print 'same'; 'seq-only' when the frames' bytes differ in the TCP
    sequence number and checksum alone (where scapy finds the TCP header);
    else the lengths and the first differing byte offsets.  Two arguments
    that are not hex print 'not two hex frames' and exit 1."""
    try:
        a, b = bytes.fromhex(args.a), bytes.fromhex(args.b)
    except ValueError:
        print('not two hex frames')
        return 1
    if a == b:
        print('same')
        return 0
    d = [i for i in range(max(len(a), len(b))) if i >= len(a) or i >= len(b) or a[i] != b[i]]
    off = _tcp_offset(a) if len(a) == len(b) else None
    if off is not None and off == _tcp_offset(b):
        masked = set(range(off + 4, off + 8)) | {off + 16, off + 17}
        if all(i in masked for i in d):
            print('seq-only')
            return 0
    print('lengths %d/%d, differing bytes at %s' % (len(a), len(b), d[:16]))
    return 0


def register(sub):
    def link(s):
        s.add_argument('--iface', required=True)
        s.add_argument('--src-mac', required=True)
        s.add_argument('--dst-mac', required=True)

    def flow(s, sport=None):
        s.add_argument('--src', required=True)
        s.add_argument('--dst', required=True)
        s.add_argument('--sport', type=int, required=sport is None, default=sport)
        s.add_argument('--dport', type=int, required=True)

    s = sub.add_parser('syn-probe', help='one SYN; print the SYN-ACK and its cookie')
    link(s)
    flow(s, sport=40001)
    s.add_argument('--isn', type=int, default=0x01020304)
    s.add_argument('--client', choices=sorted(CLIENTS), default='linux')
    s.add_argument('--timeout', type=float, default=3)
    s.add_argument('--ack-after', type=float, help='send the handshake ACK S seconds later')
    s.add_argument('--flags', type=lambda v: int(v, 0), default=SYN,
                   help='TCP flags of the SYN (0xc2: an ECN-setup SYN, ECE|CWR|SYN)')
    s.set_defaults(fn=cmd_syn_probe)

    s = sub.add_parser('handshake-ack', help='the handshake ACK for a known cookie')
    link(s)
    flow(s)
    s.add_argument('--isn', type=int, required=True)
    s.add_argument('--cookie', type=int, required=True)
    s.set_defaults(fn=cmd_handshake_ack)

    s = sub.add_parser('malformed', help="the unit tables' wire rows, on the link")
    link(s)
    for a in ('--src', '--dst', '--src6', '--dst6'):
        s.add_argument(a)
    s.add_argument('--dport', type=int)
    s.add_argument('--list', action='store_true')
    s.add_argument('--counters-cmd')
    s.add_argument('--tag', default='malformed')
    s.set_defaults(fn=cmd_malformed)

    s = sub.add_parser('control-syn', help='one well-formed SYN')
    link(s)
    flow(s)
    s.set_defaults(fn=cmd_control_syn)

    s = sub.add_parser('frame-diff', help='how two hex frames differ (same, seq-only, bytes)')
    s.add_argument('a')
    s.add_argument('b')
    s.set_defaults(fn=cmd_frame_diff)
