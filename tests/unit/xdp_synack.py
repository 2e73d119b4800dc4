# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Field-by-field check of a SYN-ACK synx sent (XDP_TX) against the SYN.

Every expectation comes from the SPEC, not from the BPF code.  Checksums are
verified twice: with our own RFC 1071 code (xdp_harness.csum16) and by
letting scapy recompute them on the parsed frame."""

import socket
import struct

from scapy.layers.inet import IP, TCP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether

from xdp_harness import CONFIG_VERSION, F, LO_MTU, ip4_csum_ok, tcp_csum_ok
from xdp_packets import ACK, CWR, ECE, SYN, offered

TS_SLACK_MS = 5  # clock granularity between bpf_ktime_get_ns and our reads


def expected_options(cfg, syn_spec):
    """(option bytes with TSval zeroed, expected low 6 TSval bits or None,
    expect ECE).  TSval is checked separately: it carries a clock."""
    off = offered(syn_spec['opts'])
    fam = syn_spec['fam']
    mss = cfg[f'mss{fam}'] if cfg.get('version') == CONFIG_VERSION else None
    if mss is None or mss == 0:
        mss = LO_MTU - (40 if fam == 4 else 60)
    if cfg.get('version') == CONFIG_VERSION:
        f = cfg['flags']
    else:
        f = F['ALL_PORTS'] | F['SACK'] | F['WSCALE']
    opts = struct.pack('!BBH', 2, 4, mss)
    if not (f & F['TS_COOKIES']) or 'ts' not in off:
        return opts, None, False
    sack = 'sack' in off and bool(f & F['SACK'])
    ws = 'ws' in off and bool(f & F['WSCALE'])
    ecn = bool(f & F['ECN']) and (syn_spec['flags'] & (ECE | CWR)) == (ECE | CWR)
    opts += b'\x04\x02' if sack else b'\x01\x01'
    opts += struct.pack('!BBII', 8, 10, 0, off['ts'][0])
    wscale = cfg['wscale'] if cfg.get('version') == CONFIG_VERSION else 7
    # Only options that are offered; no NOP padding for a missing WS (as tcp_options_write()).
    opts += struct.pack('!BBBB', 1, 3, 3, wscale) if ws else b''
    bits = (min(off['ws'], 14) if ws else 0xf) | (0x10 if sack else 0) | (0x20 if ecn else 0)
    return opts, bits, ecn


def check_synack(syn, res, cfg):
    """Returns (list of 'field: expected X, got Y', cookie or None)."""
    errs = []

    def want(field, exp, got):
        if exp != got:
            if isinstance(exp, bytes):
                exp, got = exp.hex(), got.hex()
            errs.append(f'{field}: expected {exp}, got {got}')

    s = syn.spec
    fam = s['fam']
    v4 = fam == 4
    out = res.out
    l2n = syn.l2len
    iplen = 20 if v4 else 40
    exp_opts, ts_bits, ecn = expected_options(cfg, s)
    tcplen = 20 + len(exp_opts)
    want('frame length', l2n + iplen + tcplen, len(out))
    if len(out) < l2n + iplen + 20:
        return errs, None
    want('eth dst', syn.raw[6:12], out[0:6])
    want('eth src', syn.raw[0:6], out[6:12])
    want('vlan tags + ethertype', syn.raw[12:l2n], out[12:l2n])
    ip = out[l2n:l2n + iplen]
    af = socket.AF_INET if v4 else socket.AF_INET6
    src, dst = socket.inet_pton(af, s['src']), socket.inet_pton(af, s['dst'])
    default = cfg.get('version') != CONFIG_VERSION
    if v4:
        ttl = 64 if default else cfg['ttl']
        want('ip version/ihl', 0x45, ip[0])
        want('ip tos', 0, ip[1])
        want('ip tot_len', iplen + tcplen, struct.unpack('!H', ip[2:4])[0])
        want('ip id', 0, struct.unpack('!H', ip[4:6])[0])
        want('ip frag field (DF only)', 0x4000, struct.unpack('!H', ip[6:8])[0])
        want('ip ttl', ttl, ip[8])
        want('ip proto', 6, ip[9])
        want('ip src', dst, ip[12:16])
        want('ip dst', src, ip[16:20])
        if not ip4_csum_ok(ip):
            errs.append(f'ip checksum: invalid (0x{struct.unpack("!H", ip[10:12])[0]:04x})')
    else:
        hop = 64 if default else cfg['hop']
        want('ip6 ver/tc/flow', 0x60000000, struct.unpack('!I', ip[0:4])[0])
        want('ip6 payload len', tcplen, struct.unpack('!H', ip[4:6])[0])
        want('ip6 next header', 6, ip[6])
        want('ip6 hop limit', hop, ip[7])
        want('ip6 src', dst, ip[8:24])
        want('ip6 dst', src, ip[24:40])
    tcp = out[l2n + iplen:]
    sport, dport, seq, ack, offres, fl, win, _, urg = struct.unpack('!HHIIBBHHH', tcp[:20])
    want('tcp sport', s['dport'], sport)
    want('tcp dport', s['sport'], dport)
    want('tcp ack (SYN seq + 1, TFO data not acked)', (s['seq'] + 1) & 0xffffffff, ack)
    want('tcp doff/reserved', (tcplen // 4) << 4, offres)
    want('tcp flags', SYN | ACK | (ECE if ecn else 0), fl)
    want('tcp window', 65535, win)
    want('tcp urg ptr', 0, urg)
    if not tcp_csum_ok(fam, s['dst'], s['src'], tcp[:tcplen]):
        errs.append('tcp checksum: invalid (RFC 1071 reference)')
    got_opts = bytearray(tcp[20:tcplen])
    if ts_bits is not None and len(got_opts) >= 10 + 4:
        tsval = struct.unpack('!I', got_opts[8:12])[0]
        got_opts[8:12] = b'\0\0\0\0'
        want('TSval low 6 bits (ws|sack<<4|ecn<<5)', ts_bits, tsval & 0x3f)
        now = (res.t1 // 1000000) & 0xffffffff
        before = (res.t0 // 1000000) & 0xffffffff
        lag = (now - tsval) & 0xffffffff
        window = ((now - before) & 0xffffffff) + 64 + TS_SLACK_MS
        if lag > window:
            errs.append(f'TSval: expected in (now-{window}ms, now={now}], got {tsval}')
    want('tcp options', exp_opts, bytes(got_opts))
    # Cross-check both checksums with scapy's own implementation.
    if not errs:
        p = Ether(out)
        l3 = p[IP] if v4 else p[IPv6]
        ck_ip = l3.chksum if v4 else None
        ck_tcp = p[TCP].chksum
        if v4:
            del p[IP].chksum
        del p[TCP].chksum
        q = Ether(bytes(p))
        if v4 and q[IP].chksum != ck_ip:
            errs.append(f'ip checksum (scapy): expected 0x{q[IP].chksum:04x}, got 0x{ck_ip:04x}')
        if q[TCP].chksum != ck_tcp:
            errs.append(f'tcp checksum (scapy): expected 0x{q[TCP].chksum:04x}, '
                        f'got 0x{ck_tcp:04x}')
    return errs, seq
