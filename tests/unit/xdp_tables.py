# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The tables: one Row per packet, one Scenario per multi-packet exchange.

Expectations are written from the README's decision table and include/,
never from bpf/.  See README.md for how to add a row.  Rows with a `wire`
name are also sent on a veth by tests/e2e/test_malformed (malformed frames
whose defect survives a real link).
"""

import os
import struct

from synxtest import contract as C
from synxtest import topology as topo
from synxtest.frames import ACK, CWR, ECE, FIN, PSH, RST, SYN, URG
from synxtest.scapy_frames import (AH, DST, HBH, IP_OPTS_RA, RTG, IPOption_LSRR, IPOption_NOP,
                                   ack_for,
                                   frag6, ip4_raw_frag, ip6_esp, ip6_raw_frag, other6,
                                   other_frame, rtg_sl, srh, tcp_frame, udp4)
from synxtest.tcpopts import LINUX, MACOS, WINDOWS

C4, S4, C6, S6 = topo.CLIENT4, topo.SERVER4, topo.CLIENT6, topo.SERVER6
LO_MAC = bytes(6)
LPORT, NOLPORT = topo.LPORT, topo.NOLPORT
EST4, EST6 = topo.EST[4], topo.EST[6]  # established by the driver before any row
F = C.F
CONFIG_VERSION = C.CONFIG_VERSION

BASE = C.config(flags=F['ALL_PORTS'] | F['SACK'] | F['WSCALE'], mss4=1460, mss6=1440,
                ttl=64, hop_limit=64, wscale=7, no_listener=C.NOLISTEN_PASS,
                cookie_mode=C.COOKIE_KERNEL)


def cfg(**kw):
    c = dict(BASE)
    c.update(kw)
    return c


UNPROT = cfg(flags=F['SACK'] | F['WSCALE'])  # no ALL_PORTS, empty bitmap
DROPNL = cfg(no_listener=C.NOLISTEN_DROP)
# Own cookies as `synx attach` sets them up with stock sysctls (tcp_timestamps=1).
OWN = cfg(cookie_mode=C.COOKIE_OWN, flags=BASE['flags'] | F['TIMESTAMPS'])

# The program reads the server's TCP settings from the namespace at packet
# time: rows that once set the TS_COOKIES / SACK / WSCALE / ECN / TIMESTAMPS
# flags set the sysctls instead (the flags are only a fallback for kernels
# without BTF, and change nothing here).  Every row runs with tcp_timestamps=1,
# tcp_sack=1, tcp_window_scaling=1, tcp_ecn=2 (a fresh namespace's) unless it
# sets them.
def sysctls(**kw):
    """{'net.ipv4.tcp_X': v} from X=v; min_adv_mss4/6 (net.ipv4/ipv6.route.
    min_adv_mss), ip_default_ttl and hop_limit_DEV (net.ipv6.conf.DEV.
    hop_limit) by those short names; a tuple value is written space-separated."""
    out = {}
    for k, v in kw.items():
        if k == 'min_adv_mss4':
            name = 'net.ipv4.route.min_adv_mss'
        elif k == 'min_adv_mss6':
            name = 'net.ipv6.route.min_adv_mss'
        elif k == 'ip_default_ttl':
            name = 'net.ipv4.ip_default_ttl'
        elif k.startswith('hop_limit_'):
            name = f'net.ipv6.conf.{k[len("hop_limit_"):]}.hop_limit'
        else:
            name = 'net.ipv4.tcp_' + k
        out[name] = ' '.join(str(x) for x in v) if isinstance(v, tuple) else v
    return out


def more(*dicts):
    out = {}
    for d in dicts:
        out.update(d)
    return out


TS2 = sysctls(timestamps=2)          # timestamp cookies: options survive kernel cookies
TS = BASE                            # the config of the rows that run with TS2
NOECN = sysctls(ecn=0)

# Rows run on the device under test unless they name another device, or
# None: no xdp_md context at all (the run is on lo).
DUT = topo.DUT.name


def tx_reason(c):
    """The reason a SYN answered under config c is counted as."""
    return 'TX_SYNACK_OWN' if c.get('cookie_mode') == C.COOKIE_OWN else 'TX_SYNACK_COOKIE'


def ok_reason(c):
    """The reason the handshake ACK of such a SYN is counted as."""
    return 'PASS_OWN_COOKIE_OK' if c.get('cookie_mode') == C.COOKIE_OWN else 'PASS_COOKIE_OK'


class Row:
    """One frame and the reason it must end in.  sysctls: the row's own
    (net.* name -> value); fwd: the families whose forwarding is on for the
    ingress device (net.ipv4/ipv6.conf.DEV.forwarding)."""

    def __init__(self, name, frame, reason, cfg=BASE, ports=(), syncookies=2,
                 ifindex=DUT, ack_back=True, wire=None, sysctls=None, fwd=()):
        self.name, self.frame, self.reason = name, frame, reason
        self.cfg, self.ports, self.syncookies = cfg, ports, syncookies
        self.ifindex, self.ack_back, self.wire = ifindex, ack_back, wire
        self.sysctls, self.fwd = sysctls or {}, tuple(fwd)

    @property
    def malformed(self):
        return self.reason.startswith('DROP_') and self.reason not in (
            'DROP_COOKIE_INVALID', 'DROP_NO_LISTENER')


class Scenario:
    """fn(h) runs several packets through h.expect() and returns errors."""

    def __init__(self, name, fn, malformed=False):
        self.name, self.fn, self.malformed = name, fn, malformed


_sport = [20000]


def sp():
    """A fresh client port per row: 4-tuples never collide between rows."""
    _sport[0] += 1
    return _sport[0]


def syn(fam=4, **kw):
    kw.setdefault('sport', sp())
    kw.setdefault('dport', LPORT)
    return tcp_frame(fam=fam, **kw)


def seg(fam=4, flags=ACK, **kw):
    kw.setdefault('sport', sp())
    kw.setdefault('dport', LPORT)
    return tcp_frame(fam=fam, flags=flags, **kw)


def u16(off_attr, pos, value):
    """Patch: 16-bit big-endian value at frame.<off_attr> + pos."""
    def fn(b, f):
        struct.pack_into('!H', b, getattr(f, off_attr) + pos, value)
    return fn


def u8(off_attr, pos, value, mask=0xff):
    def fn(b, f):
        o = getattr(f, off_attr) + pos
        b[o] = (b[o] & ~mask & 0xff) | (value & mask)
    return fn


def tcp_bad_csum(b, f):
    o = f.l4off + 16
    struct.pack_into('!H', b, o, struct.unpack_from('!H', b, o)[0] ^ 0x0101)


# ---------------------------------------------------------------- good rows

# SYNs with IPv4 options or IPv6 option/routing headers go to the kernel,
# which validates them (source routes, options it must not skip) and echoes
# IPv4 ones in its SYN-ACK: these rows still prove the walk reaches TCP.
IP_OPTION_ROWS = {'v4_ip_options_linux', 'v6_hbh_dst_rtg_linux', 'v6_six_dst_opts_linux',
                  'v4_ihl_15_ip_options', 'v4_qinq_ip_options_tfo', 'v6_ext_tfo_flowlabel',
                  'v6_six_dst_then_atomic_frag'}


def tx_rows():
    rows = []
    tfo = [('TFO', bytes.fromhex('a1a2a3a4a5a6a7a8'))]
    body = b'GET / HTTP/1.1\r\nHost: x\r\n\r\n'
    six_dst = [DST() for _ in range(6)]
    for suffix, c, sc in (('', BASE, {}), ('_ts', BASE, TS2), ('_own', OWN, {})):
        base = [
            ('v4_linux', lambda: syn(4, opts=LINUX)),
            ('v4_ip_options_linux', lambda: syn(4, opts=LINUX, ip_opts=IP_OPTS_RA)),
            ('v4_no_df_linux', lambda: syn(4, opts=LINUX, df=False)),
            ('v4_eth_padding_no_options', lambda: syn(4).padded(6)),
            ('v6_linux', lambda: syn(6, opts=LINUX)),
            ('v6_hbh_dst_rtg_linux', lambda: syn(6, opts=LINUX, ext=[HBH(), DST(), RTG()])),
            ('v6_six_dst_opts_linux', lambda: syn(6, opts=LINUX, ext=list(six_dst))),
            ('v6_atomic_fragment_linux', lambda: syn(6, opts=LINUX, ext=[frag6(0, m=False)])),
            ('v4_vlan_8021q_linux', lambda: syn(4, opts=LINUX, vlans=[(0x8100, 100)])),
            ('v4_qinq_8021ad_8021q_linux',
             lambda: syn(4, opts=LINUX, vlans=[(0x88a8, 10), (0x8100, 20)])),
            ('v6_qinq_8021ad_8021q_linux',
             lambda: syn(6, opts=LINUX, vlans=[(0x88a8, 10), (0x8100, 20)])),
            ('v4_windows', lambda: syn(4, opts=WINDOWS)),
            ('v6_windows', lambda: syn(6, opts=WINDOWS)),
            ('v4_macos', lambda: syn(4, opts=MACOS)),
            ('v6_macos', lambda: syn(6, opts=MACOS)),
            ('v4_no_options', lambda: syn(4)),
            ('v6_no_options', lambda: syn(6)),
            # An MSS of 0 is ignored (tcp_parse_options()): the default.
            ('v4_mss_option_zero', lambda: syn(4, opts=[('MSS', 0), ('SACKOK',), ('NOP',),
                                                       ('WS', 7)])),
            ('v6_mss_option_zero', lambda: syn(6, opts=[('MSS', 0), ('SACKOK',), ('NOP',),
                                                       ('WS', 7)])),
            ('v4_tfo_syn_with_payload', lambda: syn(4, opts=LINUX + tfo, payload=body)),
            ('v6_tfo_syn_with_payload', lambda: syn(6, opts=LINUX + tfo, payload=body)),
            ('v4_ecn_setup_syn', lambda: syn(4, opts=LINUX, flags=SYN | ECE | CWR)),
            ('v4_unknown_option_skipped',
             lambda: syn(4, opts=[('RAW', b'\x1e\x06abcd')] + LINUX)),
            ('v4_eol_then_garbage',
             lambda: syn(4, opts=[('MSS', 1400), ('EOL',), ('RAW', b'\x02\x01\x08\x63')])),
            ('v4_seq_wraps', lambda: syn(4, opts=LINUX, seq=0xffffffff)),
            # Linux clients set a flow label (auto_flowlabels) and may set a
            # DSCP: the SYN-ACK must carry tc 0 and flow 0 all the same.
            ('v6_flowlabel_dscp_linux',
             lambda: syn(6, opts=LINUX, tos=0xb8, flow=0xabcde)),
            ('v6_flowlabel_windows', lambda: syn(6, opts=WINDOWS, flow=0x12345)),
            ('v4_tos_dscp_ecn_bits', lambda: syn(4, opts=LINUX, tos=0xbb)),
            ('v6_eth_padding_no_options', lambda: syn(6).padded(10)),
            ('v4_ihl_15_ip_options', lambda: syn(4, opts=LINUX, ip_opts=[IPOption_NOP()] * 40)),
            ('v4_qinq_ip_options_tfo',
             lambda: syn(4, opts=LINUX + tfo, payload=body, ip_opts=IP_OPTS_RA,
                         vlans=[(0x88a8, 10), (0x8100, 20)])),
            ('v6_ext_tfo_flowlabel',
             lambda: syn(6, opts=MACOS, payload=body, ext=[HBH(), DST()], flow=1)),
            # The option walk must reach the last byte of a 60-byte header.
            ('v6_six_dst_then_atomic_frag',
             lambda: syn(6, opts=LINUX, ext=[DST() for _ in range(6)] + [frag6(0, m=False)])),
            ('v4_opts_37_nops_then_ws',
             lambda: syn(4, opts=[('NOP',)] * 37 + [('WS', 5)])),
            ('v4_opts_40_nops', lambda: syn(4, opts=[('NOP',)] * 40)),
            ('v4_opts_ts_at_end',
             lambda: syn(4, opts=[('NOP',)] * 30 + [('TS', 0x0a0b0c0d, 0)])),
            # SYN data (TFO) of any size the link allows: lo and jumbo links
            # carry more than a 1500-byte MTU's worth.
            ('v4_syn_payload_1536', lambda: syn(4, opts=LINUX, payload=b'p' * 1536)),
            ('v4_syn_payload_1537', lambda: syn(4, opts=LINUX, payload=b'p' * 1537)),
            ('v6_syn_payload_2000', lambda: syn(6, opts=LINUX, payload=b'q' * 2000)),
        ]
        for name, mk in base:
            r = 'PASS_IP_OPTIONS' if name in IP_OPTION_ROWS else tx_reason(c)
            rows.append(Row(name + suffix, mk(), r, cfg=c, sysctls=sc))

    # TS cookie encoding corners (tcp_timestamps=2 and the client sent TS).
    # The server's settings are sysctls now (the config flags that once
    # stood for them are only a fallback): the _cfg_ rows set those.
    rows += [
        Row('v4_ts_ws14', syn(4, opts=[('MSS', 1460), ('SACKOK',), ('TS', 7, 0),
                                       ('NOP',), ('WS', 14)]), 'TX_SYNACK_COOKIE', sysctls=TS2),
        Row('v4_ts_ws15_clamped_to_14',
            syn(4, opts=[('MSS', 1460), ('SACKOK',), ('TS', 7, 0), ('NOP',), ('WS', 15)]),
            'TX_SYNACK_COOKIE', sysctls=TS2),
        Row('v4_ts_ws0', syn(4, opts=[('MSS', 1460), ('TS', 9, 0), ('NOP',), ('WS', 0)]),
            'TX_SYNACK_COOKIE', sysctls=TS2),
        Row('v4_ts_client_no_sack_no_ws', syn(4, opts=[('MSS', 1460), ('TS', 0xfffffff0, 0)]),
            'TX_SYNACK_COOKIE', sysctls=TS2),
        Row('v4_ts_cfg_sack_off', syn(4, opts=LINUX), 'TX_SYNACK_COOKIE',
            sysctls=sysctls(timestamps=2, sack=0)),
        Row('v4_ts_cfg_wscale_off', syn(4, opts=LINUX), 'TX_SYNACK_COOKIE',
            sysctls=sysctls(timestamps=2, window_scaling=0)),
        # The config's wscale is the fallback of kernels without BTF: here
        # the shift is the listener's, whatever it says.
        Row('v4_ts_cfg_wscale_9', syn(4, opts=LINUX), 'TX_SYNACK_COOKIE',
            cfg=cfg(wscale=9), sysctls=TS2),
        Row('v4_ts_ecn_negotiated', syn(4, opts=LINUX, flags=SYN | ECE | CWR),
            'TX_SYNACK_COOKIE', sysctls=TS2),
        Row('v6_ts_ecn_negotiated', syn(6, opts=MACOS, flags=SYN | ECE | CWR),
            'TX_SYNACK_COOKIE', sysctls=TS2),
        Row('v4_ts_ecn_cfg_off', syn(4, opts=LINUX, flags=SYN | ECE | CWR),
            'TX_SYNACK_COOKIE', sysctls=sysctls(timestamps=2, ecn=0)),
        Row('v4_ts_ecn_ece_only', syn(4, opts=LINUX, flags=SYN | ECE), 'TX_SYNACK_COOKIE',
            sysctls=TS2),
        Row('v4_ts_ecn_cwr_only', syn(4, opts=LINUX, flags=SYN | CWR), 'TX_SYNACK_COOKIE',
            sysctls=TS2),
        Row('v4_notsecn_no_ece', syn(4, opts=WINDOWS, flags=SYN | ECE | CWR),
            'TX_SYNACK_COOKIE', sysctls=TS2),
        # The flags alone change nothing on a kernel with BTF.
        Row('v4_ts_cookies_flag_ignored', syn(4, opts=LINUX), 'TX_SYNACK_COOKIE',
            cfg=cfg(flags=BASE['flags'] | F['TS_COOKIES'] | F['ECN'])),
        Row('v4_sack_wscale_flags_off_ignored', syn(4, opts=LINUX), 'TX_SYNACK_COOKIE',
            cfg=cfg(flags=F['ALL_PORTS']), sysctls=TS2),
        Row('v4_ts_tcp_timestamps_0', syn(4, opts=LINUX), 'TX_SYNACK_COOKIE',
            sysctls=sysctls(timestamps=0)),
    ]
    # Config: each row rewrites synx_config in the loaded program, so these
    # also show that a change takes effect on the very next run.
    rows += [
        Row('cfg_ttl_200', syn(4, opts=LINUX), 'TX_SYNACK_COOKIE', cfg=cfg(ttl=200)),
        Row('cfg_ttl_1', syn(4, opts=LINUX), 'TX_SYNACK_COOKIE', cfg=cfg(ttl=1)),
        Row('cfg_hop_limit_33', syn(6, opts=LINUX), 'TX_SYNACK_COOKIE', cfg=cfg(hop_limit=33)),
        Row('cfg_hop_limit_255', syn(6, opts=LINUX), 'TX_SYNACK_COOKIE', cfg=cfg(hop_limit=255)),
        Row('cfg_mss4_1200', syn(4, opts=LINUX), 'TX_SYNACK_COOKIE', cfg=cfg(mss4=1200)),
        Row('cfg_mss4_536_ts', syn(4, opts=LINUX), 'TX_SYNACK_COOKIE',
            cfg=cfg(mss4=536), sysctls=TS2),
        Row('cfg_mss6_1220', syn(6, opts=LINUX), 'TX_SYNACK_COOKIE', cfg=cfg(mss6=1220)),
        Row('cfg_mss4_zero_is_mtu', syn(4, opts=LINUX), 'TX_SYNACK_COOKIE', cfg=cfg(mss4=0)),
        Row('cfg_mss6_zero_is_mtu', syn(6, opts=LINUX), 'TX_SYNACK_COOKIE', cfg=cfg(mss6=0)),
        Row('cfg_defaults_v4', syn(4, opts=LINUX), 'TX_SYNACK_COOKIE', cfg=dict(version=0)),
        Row('cfg_defaults_v6', syn(6, opts=LINUX), 'TX_SYNACK_COOKIE', cfg=dict(version=0)),
        Row('cfg_wrong_version_is_defaults', syn(4, opts=LINUX), 'TX_SYNACK_COOKIE',
            cfg=cfg(version=CONFIG_VERSION + 98, ttl=9, mss4=1000,
                    flags=F['TS_COOKIES'] | F['ECN'])),
        # Without an xdp_md context the run is on lo: frames addressed to
        # lo's MAC (00:00:00:00:00:00) are its own, and its MTU gives the MSS.
        Row('cfg_defaults_no_ctx', syn(4, opts=LINUX).to_mac(LO_MAC), 'TX_SYNACK_COOKIE',
            cfg=dict(version=0), ifindex=None),
        Row('cfg_defaults_no_ctx_v6', syn(6, opts=LINUX).to_mac(LO_MAC), 'TX_SYNACK_COOKIE',
            cfg=dict(version=0), ifindex=None),
        Row('v4_no_xdp_md_ctx', syn(4, opts=LINUX).to_mac(LO_MAC), 'TX_SYNACK_COOKIE',
            ifindex=None),
        Row('v4_no_xdp_md_ctx_dut_mac_not_host', syn(4, opts=LINUX), 'PASS_NOT_HOST',
            ifindex=None),
        Row('ports_bitmap_protects_8080', syn(4, opts=LINUX), 'TX_SYNACK_COOKIE',
            cfg=UNPROT, ports=(LPORT,)),
        Row('ports_bitmap_v6_8080', syn(6, opts=LINUX), 'TX_SYNACK_COOKIE',
            cfg=UNPROT, ports=(443, LPORT)),
    ]
    return rows


def pass_rows():
    rows = []
    for k, reason in (('arp', 'PASS_NON_IP'), ('lldp', 'PASS_NON_IP'),
                      ('udp4', 'PASS_NON_TCP'), ('icmp4', 'PASS_NON_TCP'),
                      ('udp6', 'PASS_NON_TCP'), ('icmp6', 'PASS_NON_TCP'),
                      ('nonext6', 'PASS_NON_TCP'), ('hbh_udp6', 'PASS_NON_TCP')):
        rows.append(Row('other_' + k, other_frame(k), reason))
    rows += [
        Row('other_vlan_arp', other_frame('arp', vlans=[(0x8100, 5)]), 'PASS_NON_IP'),
        Row('other_qinq_udp4',
            other_frame('udp4', vlans=[(0x88a8, 5), (0x8100, 6)]), 'PASS_NON_TCP'),
        Row('other_ip4_proto_255', udp4().patched(u8('l3off', 9, 255)), 'PASS_NON_TCP'),
        Row('vlan_depth_3', syn(4, opts=LINUX, vlans=[(0x88a8, 1), (0x8100, 2), (0x8100, 3)]),
            'PASS_VLAN_DEPTH'),
        Row('vlan_depth_3_all_8021q',
            syn(4, vlans=[(0x8100, 1), (0x8100, 2), (0x8100, 3)]), 'PASS_VLAN_DEPTH'),
        # Up to 8 extension headers are walked (PASS_IP6_EXT_DEPTH is
        # retired): 7 are answered like any SYN (ip6_ext_rows has 8 and 9).
        Row('ip6_ext_depth_7', syn(6, opts=LINUX, ext=[DST() for _ in range(7)]),
            'PASS_IP_OPTIONS'),
        Row('ip6_ext_depth_7_mixed',
            syn(6, ext=[HBH(), RTG()] + [DST() for _ in range(5)]), 'PASS_IP_OPTIONS'),
        Row('unprotected_syn_v4', syn(4, opts=LINUX), 'PASS_UNPROTECTED', cfg=UNPROT),
        Row('unprotected_syn_v6', syn(6, opts=LINUX), 'PASS_UNPROTECTED', cfg=UNPROT),
        Row('unprotected_bitmap_other_port', syn(4, opts=LINUX), 'PASS_UNPROTECTED',
            cfg=UNPROT, ports=(LPORT + 1, LPORT - 1)),
        Row('unprotected_ack_bad_options_not_checked',
            seg(4, opts=[('RAW', b'\x02\x03\x00\x00')]), 'PASS_UNPROTECTED', cfg=UNPROT),
        Row('unprotected_bad_tcp_csum_not_checked',
            syn(4, opts=LINUX).patched(tcp_bad_csum), 'PASS_UNPROTECTED', cfg=UNPROT),
        Row('unprotected_bad_ip_csum_not_checked', syn(4, opts=LINUX, ip_csum=0x1234),
            'PASS_UNPROTECTED', cfg=UNPROT),
        # Port bitmap word/bit boundaries, seen through the no-listener path.
        Row('ports_bit_63_only_64', syn(4, dport=63), 'PASS_UNPROTECTED', cfg=UNPROT,
            ports=(64,)),
        Row('ports_bit_64', syn(4, dport=64), 'PASS_NO_LISTENER', cfg=UNPROT, ports=(64,)),
        Row('ports_bit_65_only_64', syn(4, dport=65), 'PASS_UNPROTECTED', cfg=UNPROT,
            ports=(64,)),
        Row('ports_bit_63', syn(4, dport=63), 'PASS_NO_LISTENER', cfg=UNPROT, ports=(63,)),
        Row('ports_bit_1', syn(4, dport=1), 'PASS_NO_LISTENER', cfg=UNPROT, ports=(1,)),
        Row('ports_bit_65535', syn(6, dport=65535), 'PASS_NO_LISTENER', cfg=UNPROT,
            ports=(65535,)),
        Row('ports_bit_65534_only_65535', syn(4, dport=65534), 'PASS_UNPROTECTED',
            cfg=UNPROT, ports=(65535,)),
        Row('ports_bit_8080_is_host_order', syn(4, dport=0x901f), 'PASS_UNPROTECTED',
            cfg=UNPROT, ports=(LPORT,)),
        # Anything else to a protected port.
        Row('other_rst_v4', seg(4, flags=RST), 'PASS_OTHER'),
        Row('other_rst_ack_v4', seg(4, flags=RST | ACK), 'PASS_OTHER'),
        Row('other_rst_v6', seg(6, flags=RST), 'PASS_OTHER'),
        Row('other_synack_v4', seg(4, flags=SYN | ACK, opts=LINUX), 'PASS_OTHER'),
        Row('other_synack_v6', seg(6, flags=SYN | ACK), 'PASS_OTHER'),
        Row('other_rst_no_listener', seg(4, flags=RST, dport=NOLPORT), 'PASS_OTHER',
            cfg=DROPNL),
        Row('other_rst_ack_psh', seg(4, flags=RST | ACK | PSH), 'PASS_OTHER'),
        # Sockets.
        Row('socket_established_ack_v4',
            tcp_frame(4, src=EST4[0], sport=EST4[1], dst=EST4[2], dport=EST4[3], flags=ACK,
                      seq=1, ack=1), 'PASS_SOCKET'),
        Row('socket_established_psh_ack_v4',
            tcp_frame(4, src=EST4[0], sport=EST4[1], dst=EST4[2], dport=EST4[3],
                      flags=ACK | PSH, payload=b'hello'), 'PASS_SOCKET'),
        Row('socket_established_ack_v6',
            tcp_frame(6, src=EST6[0], sport=EST6[1], dst=EST6[2], dport=EST6[3], flags=ACK,
                      seq=1, ack=1), 'PASS_SOCKET'),
        Row('socket_established_server_side_v4',
            tcp_frame(4, src=EST4[2], sport=EST4[3], dst=EST4[0], dport=EST4[1],
                      flags=ACK), 'PASS_SOCKET'),
        Row('socket_established_fin_ack_v6',
            tcp_frame(6, src=EST6[0], sport=EST6[1], dst=EST6[2], dport=EST6[3],
                      flags=FIN | ACK), 'PASS_SOCKET'),
        Row('socket_established_syn_v4',
            tcp_frame(4, src=EST4[0], sport=EST4[1], dst=EST4[2], dport=EST4[3],
                      opts=LINUX), 'PASS_SOCKET'),
        Row('socket_established_ack_dropnl_v4',
            tcp_frame(4, src=EST4[0], sport=EST4[1], dst=EST4[2], dport=EST4[3], flags=ACK),
            'PASS_SOCKET', cfg=DROPNL),
        # Kernel declines a cookie when its SYN queue has room.
        Row('syncookies_1_kernel_v4', syn(4, opts=LINUX), 'PASS_SYN_KERNEL', syncookies=1),
        Row('syncookies_1_kernel_v6', syn(6, opts=LINUX), 'PASS_SYN_KERNEL', syncookies=1),
        # No listener, both policies.
        Row('nolisten_pass_syn_v4', syn(4, opts=LINUX, dport=NOLPORT), 'PASS_NO_LISTENER'),
        Row('nolisten_pass_syn_v6', syn(6, opts=LINUX, dport=NOLPORT), 'PASS_NO_LISTENER'),
        Row('nolisten_pass_ack_v4', seg(4, dport=NOLPORT), 'PASS_NO_LISTENER'),
        Row('nolisten_pass_ack_v6', seg(6, dport=NOLPORT), 'PASS_NO_LISTENER'),
        Row('nolisten_drop_syn_v4', syn(4, opts=LINUX, dport=NOLPORT), 'DROP_NO_LISTENER',
            cfg=DROPNL),
        Row('nolisten_drop_syn_v6', syn(6, opts=LINUX, dport=NOLPORT), 'DROP_NO_LISTENER',
            cfg=DROPNL),
        Row('nolisten_drop_ack_v4', seg(4, dport=NOLPORT), 'DROP_NO_LISTENER', cfg=DROPNL),
        Row('nolisten_drop_ack_v6', seg(6, flags=ACK | PSH, dport=NOLPORT, payload=b'x'),
            'DROP_NO_LISTENER', cfg=DROPNL),
        Row('nolisten_v6_only_v4_listener', syn(6, dport=NOLPORT), 'PASS_NO_LISTENER'),
        # Signed SYNs: only the kernel holds the key.
        Row('signed_md5_v4', syn(4, opts=[('MSS', 1460), ('MD5',), ('NOP',), ('NOP',)]),
            'PASS_SYN_SIGNED'),
        Row('signed_md5_v6', syn(6, opts=[('MD5',)] + WINDOWS), 'PASS_SYN_SIGNED'),
        Row('signed_ao_v4', syn(4, opts=[('MSS', 1460), ('AO',)]), 'PASS_SYN_SIGNED'),
        Row('signed_ao_v6_ts', syn(6, opts=LINUX + [('AO',)]), 'PASS_SYN_SIGNED', sysctls=TS2),
        Row('signed_md5_bad_tcp_csum',
            syn(4, opts=[('MD5',)]).patched(tcp_bad_csum), 'PASS_SYN_SIGNED'),
        Row('signed_md5_bad_ip_csum', syn(4, opts=[('MD5',)], ip_csum=0x4321),
            'PASS_SYN_SIGNED'),
        Row('signed_md5_no_listener', syn(4, opts=[('MD5',)], dport=NOLPORT),
            'PASS_SYN_SIGNED', cfg=DROPNL),
        # Fragments the kernel reassembles.
        # A first fragment is judged as its whole segment: an ACK without a
        # cookie is dropped (frag_rows has the cookie cases).
        Row('frag4_first_ack_mf', seg(4, mf=True, payload=b'x' * 16), 'DROP_COOKIE_INVALID'),
        Row('frag4_offset_3_mf', ip4_raw_frag(3, mf=True), 'PASS_FRAGMENT'),
        Row('frag4_offset_3_last', ip4_raw_frag(3), 'PASS_FRAGMENT'),
        Row('frag4_offset_185_last', ip4_raw_frag(185), 'PASS_FRAGMENT'),
        Row('frag4_offset_3_unprotected', ip4_raw_frag(3), 'PASS_FRAGMENT', cfg=UNPROT),
        Row('frag4_offset_3_udp', ip4_raw_frag(3, proto=17), 'PASS_NON_TCP'),
        Row('frag4_offset_1_udp', ip4_raw_frag(1, proto=17), 'PASS_NON_TCP'),
        Row('frag6_first_ack_m', seg(6, ext=[frag6(0, m=True)], payload=b'y' * 16),
            'DROP_COOKIE_INVALID'),
        Row('frag6_offset_3', ip6_raw_frag(3, m=True), 'PASS_FRAGMENT'),
        Row('frag6_offset_3_last', ip6_raw_frag(3), 'PASS_FRAGMENT'),
        Row('frag6_after_hbh_offset_4', ip6_raw_frag(4, ext=[HBH()]), 'PASS_FRAGMENT'),
        Row('frag6_first_after_six_dst', seg(6, ext=[DST() for _ in range(6)] + [frag6(0)]),
            'DROP_COOKIE_INVALID'),
        # The walk goes on past an atomic fragment header (in any order).
        Row('frag6_then_dst_is_walked', syn(6, ext=[frag6(0, m=False, nh=60), DST()]),
            'PASS_IP_OPTIONS'),
        Row('frag6_offset_1_udp', ip6_raw_frag(1, nh=17), 'PASS_NON_TCP'),
        # Martian-looking but legal sources (boundaries of each class).
        Row('src4_1_0_0_0', seg(4, src='1.0.0.0'), 'PASS_UNPROTECTED', cfg=UNPROT),
        Row('src4_126_255_255_255', seg(4, src='126.255.255.255'), 'PASS_UNPROTECTED',
            cfg=UNPROT),
        Row('src4_128_0_0_1', seg(4, src='128.0.0.1'), 'PASS_UNPROTECTED', cfg=UNPROT),
        Row('src4_223_255_255_255', seg(4, src='223.255.255.255'), 'PASS_UNPROTECTED',
            cfg=UNPROT),
        Row('src4_240_0_0_1_not_in_224_4', seg(4, src='240.0.0.1'), 'PASS_UNPROTECTED',
            cfg=UNPROT),
        Row('src4_255_255_255_254', seg(4, src='255.255.255.254'), 'PASS_UNPROTECTED',
            cfg=UNPROT),
        Row('src6_2', seg(6, src='::2'), 'PASS_UNPROTECTED', cfg=UNPROT),
        Row('src6_fe80_1', seg(6, src='fe80::1'), 'PASS_UNPROTECTED', cfg=UNPROT),
        Row('src6_feff_1', seg(6, src='feff::1'), 'PASS_UNPROTECTED', cfg=UNPROT),
        Row('martian4_udp_is_not_tcp', udp4(src='127.0.0.1'), 'PASS_NON_TCP'),
        Row('land4_udp_is_not_tcp', udp4(src=S4, dst=S4), 'PASS_NON_TCP'),
    ]
    return rows


# ---------------------------------------------------------------- malformed rows

def spec_flags_reason(fl):
    """Step 6 of the decision table, first match wins; ECE/CWR ignored.  Used only to
    label the exhaustive 64-combination table below."""
    f = fl & 0x3f
    if not f:
        return 'DROP_FLAGS_NONE'
    if f & SYN and f & FIN:
        return 'DROP_FLAGS_SYN_FIN'
    if f & SYN and f & RST:
        return 'DROP_FLAGS_SYN_RST'
    if f & FIN and f & RST:
        return 'DROP_FLAGS_FIN_RST'
    if f & (FIN | PSH | URG) and not f & ACK:
        return 'DROP_FLAGS_NO_ACK'
    return None


def flag_name(fl):
    names = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ece', 'cwr']
    return '_'.join(n for i, n in enumerate(names) if fl & (1 << i)) or 'none'


def flag_rows():
    rows = []
    # Every combination of the six flags, to an unprotected port, so that a
    # legal combination has exactly one expected outcome: PASS_UNPROTECTED.
    wire = {SYN | RST: 'syn_rst', 0: 'null_flags', FIN | PSH | URG: 'xmas'}
    for fl in range(64):
        r = spec_flags_reason(fl) or 'PASS_UNPROTECTED'
        rows.append(Row('flags_' + flag_name(fl), seg(4, flags=fl, urg=1 if fl & URG else 0),
                        r, cfg=UNPROT, wire=wire.get(fl)))
    rows += [
        Row('flags_ece_only', seg(4, flags=ECE), 'DROP_FLAGS_NONE', cfg=UNPROT),
        Row('flags_cwr_only', seg(4, flags=CWR), 'DROP_FLAGS_NONE', cfg=UNPROT),
        Row('flags_ece_cwr_only_v6', seg(6, flags=ECE | CWR), 'DROP_FLAGS_NONE'),
        Row('flags_none_protected_v6', seg(6, flags=0), 'DROP_FLAGS_NONE'),
        Row('flags_syn_fin_protected', syn(4, flags=SYN | FIN, opts=LINUX),
            'DROP_FLAGS_SYN_FIN', wire='syn_fin'),
        Row('flags_syn_fin_v6', syn(6, flags=SYN | FIN), 'DROP_FLAGS_SYN_FIN',
            wire='ip6_syn_fin'),
        Row('flags_syn_rst_protected_v6', syn(6, flags=SYN | RST), 'DROP_FLAGS_SYN_RST'),
        Row('flags_fin_rst_ack_protected', seg(4, flags=FIN | RST | ACK),
            'DROP_FLAGS_FIN_RST', wire='fin_rst'),
        Row('flags_xmas_v6', seg(6, flags=FIN | PSH | URG, urg=1), 'DROP_FLAGS_NO_ACK'),
        Row('flags_fin_scan_protected', seg(4, flags=FIN), 'DROP_FLAGS_NO_ACK'),
        Row('flags_syn_psh_protected', syn(4, flags=SYN | PSH, opts=LINUX),
            'DROP_FLAGS_NO_ACK'),
        Row('flags_syn_urg_ece_cwr', syn(4, flags=SYN | URG | ECE | CWR, urg=1),
            'DROP_FLAGS_NO_ACK'),
        Row('flags_all_eight', seg(4, flags=0xff), 'DROP_FLAGS_SYN_FIN'),
    ]
    return rows


def option_rows():
    def raw(b, **kw):
        return syn(4, opts=[('RAW', b)], **kw)

    r = []
    cases = [
        # (name, option bytes (padded with EOL to 4), reason)
        ('opt_unknown_len_0', b'\x1e\x00', 'DROP_OPT_LEN'),
        ('opt_unknown_len_1', b'\x1e\x01', 'DROP_OPT_LEN'),
        ('opt_mss_len_0', b'\x02\x00\x05\xb4', 'DROP_OPT_LEN'),
        ('opt_mss_len_1', b'\x02\x01\x05\xb4', 'DROP_OPT_LEN'),
        ('opt_ts_len_1_after_nops', b'\x01\x01\x08\x01', 'DROP_OPT_LEN'),
        ('opt_len_0_after_valid_mss', b'\x02\x04\x05\xb4\x22\x00', 'DROP_OPT_LEN'),
        ('opt_kind_in_last_byte', b'\x01\x01\x01\x02', 'DROP_OPT_OVERRUN'),
        ('opt_unknown_kind_in_last_byte', b'\x02\x04\x05\xb4\x01\x01\x01\xfe',
         'DROP_OPT_OVERRUN'),
        ('opt_unknown_len_past_header', b'\x1e\x08\x00\x00', 'DROP_OPT_OVERRUN'),
        ('opt_unknown_len_255', b'\x1e\xff\x00\x00', 'DROP_OPT_OVERRUN'),
        ('opt_ts_past_header', b'\x02\x04\x05\xb4\x08\x0a\x00\x00', 'DROP_OPT_OVERRUN'),
        ('opt_mss_len_3', b'\x02\x03\x05\x01', 'DROP_OPT_FIXED_LEN'),
        ('opt_mss_len_6', b'\x02\x06\x05\xb4\x00\x00\x01\x01', 'DROP_OPT_FIXED_LEN'),
        ('opt_ws_len_2', b'\x03\x02\x01\x01', 'DROP_OPT_FIXED_LEN'),
        ('opt_ws_len_4', b'\x03\x04\x07\x00', 'DROP_OPT_FIXED_LEN'),
        ('opt_sackok_len_3', b'\x04\x03\x00\x01', 'DROP_OPT_FIXED_LEN'),
        ('opt_sackok_len_4', b'\x04\x04\x00\x00', 'DROP_OPT_FIXED_LEN'),
        ('opt_ts_len_8', b'\x08\x08' + b'\0' * 6, 'DROP_OPT_FIXED_LEN'),
        ('opt_ts_len_12', b'\x08\x0c' + b'\0' * 10, 'DROP_OPT_FIXED_LEN'),
        ('opt_39_nops_then_kind', b'\x01' * 39 + b'\x02', 'DROP_OPT_OVERRUN'),
        ('opt_38_nops_then_len_1', b'\x01' * 38 + b'\x1e\x01', 'DROP_OPT_LEN'),
        ('opt_36_nops_then_mss_len_5', b'\x01' * 35 + b'\x02\x05\x05\xb4\x00',
         'DROP_OPT_FIXED_LEN'),
        ('opt_ws_len_2_after_linux', bytes.fromhex('020405b40402080a1122334400000000')
         + b'\x03\x02\x01\x01', 'DROP_OPT_FIXED_LEN'),
    ]
    wire = {'opt_unknown_len_1': 'opt_len_1', 'opt_unknown_len_past_header': 'opt_overrun',
            'opt_mss_len_3': 'mss_len_3', 'opt_ws_len_4': 'ws_len_4'}
    for name, b, reason in cases:
        r.append(Row(name, raw(b), reason, wire=wire.get(name)))
    r += [
        # Bounded by doff, not by the frame: payload after the header does not
        # make an overrunning option fit.
        Row('opt_overrun_into_payload', raw(b'\x01\x01\x1e\x08', payload=b'\0' * 16),
            'DROP_OPT_OVERRUN'),
        Row('opt_mss_len_past_header_into_payload',
            raw(b'\x01\x01\x02\x04', payload=b'\x05\xb4\0\0'), 'DROP_OPT_OVERRUN'),
        Row('opt_bad_len_unprotected_port', raw(b'\x02\x03\x05\x01'), 'DROP_OPT_FIXED_LEN',
            cfg=UNPROT),
        Row('opt_overrun_unprotected_port', raw(b'\x01\x01\x01\x03'), 'DROP_OPT_OVERRUN',
            cfg=UNPROT),
        Row('opt_len_0_no_listener', raw(b'\x1e\x00', dport=NOLPORT), 'DROP_OPT_LEN'),
        Row('opt_bad_ws_v6', syn(6, opts=[('RAW', b'\x03\x05\x07\0\0')]),
            'DROP_OPT_FIXED_LEN'),
        Row('opt_len_1_v6_ecn', syn(6, flags=SYN | ECE | CWR, opts=[('RAW', b'\x05\x01')]),
            'DROP_OPT_LEN'),
        Row('opt_flags_checked_first', syn(4, flags=SYN | PSH, opts=[('RAW', b'\x1e\x00')]),
            'DROP_FLAGS_NO_ACK'),
        Row('opt_before_signed', syn(4, opts=[('MD5',), ('RAW', b'\x03\x02')]),
            'DROP_OPT_FIXED_LEN'),
        Row('opt_before_listener_state', tcp_frame(4, src=EST4[0], sport=EST4[1], dst=EST4[2],
                                                   dport=EST4[3], opts=[('RAW', b'\x03\x02\x01\x01')]),
            'DROP_OPT_FIXED_LEN'),
        Row('opt_bad_sackok_ts_cfg', syn(4, opts=[('RAW', b'\x04\x03\x00'), ('NOP',)]
                                         + LINUX), 'DROP_OPT_FIXED_LEN', sysctls=TS2),
    ]
    return r


def l2_ip_rows():
    r = []
    v4 = syn(4, opts=LINUX)
    v6 = syn(6, opts=LINUX)
    q1 = syn(4, opts=LINUX, vlans=[(0x8100, 7)])
    q2 = syn(4, opts=LINUX, vlans=[(0x88a8, 7), (0x8100, 8)])
    r += [Row(f'l2_trunc_{n}_bytes', v4.cut(n), 'DROP_L2_TRUNC') for n in (13, 1)]
    r += [Row(f'l2_vlan_trunc_{n}_bytes', q1.cut(n), 'DROP_L2_TRUNC') for n in (14, 15, 17)]
    r += [Row(f'l2_qinq_inner_trunc_{n}_bytes', q2.cut(n), 'DROP_L2_TRUNC')
          for n in (18, 19, 21)]
    # IPv4 structure.
    r += [Row(f'ip4_trunc_{n}_bytes', v4.cut(14 + n), 'DROP_IP4_TRUNC') for n in (0, 1, 12, 19)]
    r += [Row('ip4_trunc_vlan_19_bytes', q1.cut(18 + 19), 'DROP_IP4_TRUNC')]
    for ver in (0, 5, 6, 15):
        r.append(Row(f'ip4_version_{ver}', v4.patched(u8('l3off', 0, ver << 4, 0xf0)),
                     'DROP_IP4_VERSION'))
    r.append(Row('ip4_version_6_udp', udp4().patched(u8('l3off', 0, 0x60, 0xf0)),
                 'DROP_IP4_VERSION'))
    for ihl in range(5):
        r.append(Row(f'ip4_ihl_{ihl}', v4.patched(u8('l3off', 0, ihl, 0x0f)), 'DROP_IP4_IHL',
                     wire='ip4_ihl_4' if ihl == 4 else None))
    r += [
        Row('ip4_ihl_4_udp', udp4().patched(u8('l3off', 0, 4, 0x0f)), 'DROP_IP4_IHL'),
        Row('ip4_ihl_15_past_frame', syn(4).patched(u8('l3off', 0, 15, 0x0f)),
            'DROP_IP4_IHL'),
        Row('ip4_ihl_9_past_frame_udp', udp4().patched(u8('l3off', 0, 9, 0x0f)),
            'DROP_IP4_IHL'),
        Row('ip4_ihl_6_only_20_bytes', v4.cut(34).patched(u8('l3off', 0, 6, 0x0f)),
            'DROP_IP4_IHL'),
        Row('ip4_totlen_0', v4.patched(u16('l3off', 2, 0)), 'DROP_IP4_TOTLEN'),
        Row('ip4_totlen_19', v4.patched(u16('l3off', 2, 19)), 'DROP_IP4_TOTLEN'),
        Row('ip4_totlen_below_ihl_with_options',
            syn(4, ip_opts=IP_OPTS_RA).patched(u16('l3off', 2, 24)), 'DROP_IP4_TOTLEN'),
        Row('ip4_totlen_frame_plus_1', v4.patched(u16('l3off', 2, len(v4) - 14 + 1)),
            'DROP_IP4_TOTLEN', wire='ip4_totlen_long'),
        Row('ip4_totlen_65535', v4.patched(u16('l3off', 2, 65535)), 'DROP_IP4_TOTLEN'),
        Row('ip4_totlen_past_frame_udp', udp4().patched(u16('l3off', 2, 100)),
            'DROP_IP4_TOTLEN'),
        Row('ip4_frame_cut_in_tcp_header', v4.cut(14 + 20 + 10), 'DROP_IP4_TOTLEN'),
        Row('ip4_frame_cut_in_options', syn(4, ip_opts=IP_OPTS_RA).cut(14 + 24),
            'DROP_IP4_IHL'),
    ]
    # IPv6 structure.
    r += [Row(f'ip6_trunc_{n}_bytes', v6.cut(14 + n), 'DROP_IP6_TRUNC') for n in (0, 20, 39)]
    for ver in (0, 4, 7, 15):
        r.append(Row(f'ip6_version_{ver}', v6.patched(u8('l3off', 0, ver << 4, 0xf0)),
                     'DROP_IP6_TRUNC'))
    r += [
        Row('ip6_paylen_plus_1', v6.patched(u16('l3off', 4, len(v6) - 54 + 1)),
            'DROP_IP6_PAYLEN'),
        Row('ip6_paylen_65535', v6.patched(u16('l3off', 4, 65535)), 'DROP_IP6_PAYLEN',
            wire='ip6_paylen_long'),
        Row('ip6_paylen_past_frame_udp',
            other_frame('udp6').patched(u16('l3off', 4, 200)), 'DROP_IP6_PAYLEN'),
        Row('ip6_frame_cut_in_tcp', v6.cut(54 + 12), 'DROP_IP6_PAYLEN'),
        Row('ip6_ext_len_past_payload',
            syn(6, ext=[DST()]).patched(u8('l3off', 41, 10)), 'DROP_IP6_EXT_TRUNC'),
        Row('ip6_ext_hbh_len_255', syn(6, ext=[HBH()]).patched(u8('l3off', 41, 255)),
            'DROP_IP6_EXT_TRUNC'),
        Row('ip6_ext_second_past_payload',
            syn(6, ext=[HBH(), DST()]).patched(u8('l3off', 49, 3)), 'DROP_IP6_EXT_TRUNC'),
        Row('ip6_ext_starts_at_payload_end',
            syn(6, ext=[HBH()]).patched(u16('l3off', 4, 0)), 'DROP_IP6_EXT_TRUNC'),
        Row('ip6_ext_cut_by_paylen_4',
            syn(6, ext=[DST()]).patched(u16('l3off', 4, 4)), 'DROP_IP6_EXT_TRUNC'),
        Row('ip6_ext_6th_past_payload',
            syn(6, ext=[DST() for _ in range(6)]).patched(u8('l3off', 40 + 5 * 8 + 1, 40)),
            'DROP_IP6_EXT_TRUNC'),
        Row('ip6_frag_hdr_past_payload',
            syn(6, ext=[frag6(0, m=True)]).patched(u16('l3off', 4, 4)), 'DROP_IP6_EXT_TRUNC'),
    ]
    return r


def tcp_rows():
    r = []
    v4 = syn(4, opts=LINUX)
    plain4 = syn(4)
    plain6 = syn(6)
    r += [
        Row('tcp_seg_0_v4', plain4.patched(u16('l3off', 2, 20)), 'DROP_TCP_TRUNC'),
        Row('tcp_seg_19_v4', plain4.patched(u16('l3off', 2, 39)), 'DROP_TCP_TRUNC'),
        Row('tcp_seg_10_v4_frame_cut', plain4.cut(14 + 30).patched(u16('l3off', 2, 30)),
            'DROP_TCP_TRUNC'),
        Row('tcp_seg_19_v4_ip_options',
            syn(4, ip_opts=IP_OPTS_RA).patched(u16('l3off', 2, 28 + 19)), 'DROP_TCP_TRUNC'),
        Row('tcp_seg_19_v6', plain6.patched(u16('l3off', 4, 19)), 'DROP_TCP_TRUNC'),
        Row('tcp_seg_0_v6', plain6.patched(u16('l3off', 4, 0)), 'DROP_TCP_TRUNC'),
        Row('tcp_seg_12_after_ext_v6', syn(6, ext=[DST()]).patched(u16('l3off', 4, 8 + 12)),
            'DROP_TCP_TRUNC'),
        Row('tcp_seg_19_unprotected', seg(4).patched(u16('l3off', 2, 39)),
            'DROP_TCP_TRUNC', cfg=UNPROT),
    ]
    for d in (0, 1, 4):
        r.append(Row(f'tcp_doff_{d}', plain4.patched(u8('l4off', 12, d << 4, 0xf0)),
                     'DROP_TCP_DOFF', wire='doff_4' if d == 4 else None))
    r += [
        Row('tcp_doff_6_seg_20', plain4.patched(u8('l4off', 12, 6 << 4, 0xf0)),
            'DROP_TCP_DOFF'),
        Row('tcp_doff_15_seg_40', v4.patched(u8('l4off', 12, 15 << 4, 0xf0)),
            'DROP_TCP_DOFF', wire='doff_past_end'),
        Row('tcp_doff_4_v6', plain6.patched(u8('l4off', 12, 4 << 4, 0xf0)), 'DROP_TCP_DOFF'),
        Row('tcp_doff_11_v6_seg_40', syn(6, opts=LINUX).patched(u8('l4off', 12, 11 << 4,
                                                                   0xf0)), 'DROP_TCP_DOFF'),
        Row('tcp_doff_past_seg_with_padding',
            plain4.padded(8).patched(u8('l4off', 12, 7 << 4, 0xf0)), 'DROP_TCP_DOFF'),
        Row('tcp_doff_3_ack_unprotected', seg(4).patched(u8('l4off', 12, 3 << 4, 0xf0)),
            'DROP_TCP_DOFF', cfg=UNPROT),
        Row('port_zero_sport_v4', syn(4, sport=0, opts=LINUX), 'DROP_PORT_ZERO'),
        Row('port_zero_dport_v4', syn(4, dport=0, opts=LINUX), 'DROP_PORT_ZERO',
            wire='port_zero'),
        Row('port_zero_both_v4', syn(4, sport=0, dport=0), 'DROP_PORT_ZERO'),
        Row('port_zero_dport_v6', syn(6, dport=0), 'DROP_PORT_ZERO'),
        Row('port_zero_sport_ack_unprotected', seg(4, sport=0), 'DROP_PORT_ZERO', cfg=UNPROT),
        Row('port_zero_before_flags', seg(4, sport=0, flags=0), 'DROP_PORT_ZERO'),
        Row('doff_before_port_zero', seg(4, sport=0).patched(u8('l4off', 12, 2 << 4, 0xf0)),
            'DROP_TCP_DOFF'),
        Row('port_zero_sport_rst_v6', seg(6, sport=0, flags=RST), 'DROP_PORT_ZERO'),
    ]
    return r


def addr_rows():
    r = []
    wire = {'127.0.0.1': 'martian_loopback', '0.255.255.255': 'martian_zero_net',
            '224.0.0.1': 'martian_multicast', '::1': 'ip6_martian_loopback',
            'ff02::1': 'ip6_martian_multicast'}
    for src in ('0.0.0.0', '0.255.255.255', '127.0.0.1', '127.255.255.255', '224.0.0.1',
                '231.1.2.3', '239.255.255.255', '255.255.255.255'):
        r.append(Row('martian4_' + src.replace('.', '_'), syn(4, src=src, opts=LINUX),
                     'DROP_MARTIAN_SRC4', wire=wire.get(src)))
    r += [
        Row('martian4_ack_unprotected', seg(4, src='127.0.0.2'), 'DROP_MARTIAN_SRC4',
            cfg=UNPROT),
        Row('martian4_before_flags', seg(4, src='0.0.0.1', flags=0), 'DROP_MARTIAN_SRC4'),
        Row('martian4_before_port_zero', seg(4, src='224.0.0.5', sport=0),
            'DROP_MARTIAN_SRC4'),
        Row('martian4_fragment_offset_3',
            ip4_raw_frag(3, src='127.0.0.1'), 'DROP_MARTIAN_SRC4'),
        Row('martian4_land_loopback', syn(4, src='127.0.0.1', dst='127.0.0.1'),
            'DROP_MARTIAN_SRC4'),
    ]
    for src in ('::', '::1', 'ff02::1', 'ff00::', 'ff05::2', 'ffff:ffff:ffff:ffff::1'):
        name = 'martian6_' + (src.replace(':', '_').strip('_') or 'unspec')
        r.append(Row(name, syn(6, src=src, opts=LINUX), 'DROP_MARTIAN_SRC6', wire=wire.get(src)))
    r += [
        Row('martian6_ack_unprotected', seg(6, src='::1'), 'DROP_MARTIAN_SRC6', cfg=UNPROT),
        Row('martian6_fragment_offset_3', ip6_raw_frag(3, src='ff02::2'),
            'DROP_MARTIAN_SRC6'),
        Row('land4_syn', syn(4, src=S4, dst=S4, opts=LINUX), 'DROP_LAND', wire='land'),
        Row('land4_ack_unprotected', seg(4, src=C4, dst=C4), 'DROP_LAND', cfg=UNPROT),
        Row('land6_syn', syn(6, src=S6, dst=S6, opts=LINUX), 'DROP_LAND'),
        Row('land6_rst', seg(6, src=C6, dst=C6, flags=RST), 'DROP_LAND'),
    ]
    return r


def frag_rows():
    full = syn(4, opts=LINUX)
    first_tcp8 = ip4_raw_frag(0, mf=True, payload=full.raw[full.l4off:full.l4off + 8])
    first_tcp19 = ip4_raw_frag(0, mf=True, payload=full.raw[full.l4off:full.l4off + 19])
    first_tcp24 = ip4_raw_frag(0, mf=True, payload=full.raw[full.l4off:full.l4off + 24])
    f6 = syn(6, opts=LINUX)
    first6_tcp12 = ip6_raw_frag(0, m=True, payload=f6.raw[f6.l4off:f6.l4off + 12])
    return [
        Row('frag4_first_tiny_8', first_tcp8, 'DROP_FRAG_TINY'),
        Row('frag4_first_tiny_19', first_tcp19, 'DROP_FRAG_TINY'),
        Row('frag4_first_short_of_doff', first_tcp24, 'DROP_FRAG_TINY'),
        Row('frag4_first_tiny_unprotected', first_tcp8, 'DROP_FRAG_TINY', cfg=UNPROT),
        Row('frag4_offset_1', ip4_raw_frag(1, mf=True), 'DROP_FRAG_OVERLAP'),
        Row('frag4_offset_2', ip4_raw_frag(2, mf=True), 'DROP_FRAG_OVERLAP'),
        Row('frag4_offset_1_last', ip4_raw_frag(1), 'DROP_FRAG_OVERLAP'),
        Row('frag4_offset_2_unprotected', ip4_raw_frag(2), 'DROP_FRAG_OVERLAP', cfg=UNPROT),
        Row('frag4_syn', syn(4, opts=LINUX, mf=True, df=False), 'DROP_FRAG_SYN'),
        Row('frag4_syn_payload', syn(4, mf=True, df=False, payload=b'z' * 32),
            'DROP_FRAG_SYN'),
        Row('frag4_syn_unprotected', syn(4, mf=True, df=False), 'DROP_FRAG_SYN', cfg=UNPROT),
        Row('frag4_synack', seg(4, flags=SYN | ACK, mf=True, df=False), 'DROP_FRAG_SYN'),
        Row('frag4_first_syn_fin', syn(4, flags=SYN | FIN, mf=True, df=False),
            'DROP_FLAGS_SYN_FIN'),
        Row('frag4_first_port_zero', seg(4, sport=0, mf=True, df=False), 'DROP_PORT_ZERO'),
        Row('frag4_first_doff_4', seg(4, mf=True, payload=b'q' * 8).patched(
            u8('l4off', 12, 4 << 4, 0xf0)), 'DROP_TCP_DOFF'),
        Row('frag6_first_tiny_12', first6_tcp12, 'DROP_FRAG_TINY'),
        Row('frag6_offset_1', ip6_raw_frag(1, m=True), 'DROP_FRAG_OVERLAP'),
        Row('frag6_offset_2', ip6_raw_frag(2), 'DROP_FRAG_OVERLAP'),
        Row('frag6_offset_2_after_dst', ip6_raw_frag(2, m=True, ext=[DST()]),
            'DROP_FRAG_OVERLAP'),
        Row('frag6_syn', syn(6, opts=LINUX, ext=[frag6(0, m=True)]), 'DROP_FRAG_SYN'),
        Row('frag6_syn_after_hbh', syn(6, ext=[HBH(), frag6(0, m=True)]), 'DROP_FRAG_SYN'),
        Row('frag6_first_no_flags', seg(6, flags=0, ext=[frag6(0, m=True)]),
            'DROP_FLAGS_NONE'),
    ]


def csum_rows():
    def wrong_dst(b, f):
        # TCP checksum was computed for S4; the datagram now says .3.
        b[f.l3off + 19] = 3
    return [
        Row('csum_ip4_off_by_one', syn(4, opts=LINUX).patched(
            u16('l3off', 10, 0), fix_ip4_csum=False), 'DROP_IP4_CSUM'),
        Row('csum_ip4_field_0x1234', syn(4, opts=LINUX, ip_csum=0x1234), 'DROP_IP4_CSUM',
            wire='ip4_bad_csum_syn'),
        Row('csum_ip4_bad_ttl_after_csum', syn(4).patched(u8('l3off', 8, 63),
                                                          fix_ip4_csum=False),
            'DROP_IP4_CSUM'),
        Row('csum_ip4_bad_in_options', syn(4, ip_opts=IP_OPTS_RA).patched(
            u8('l3off', 23, 1), fix_ip4_csum=False), 'DROP_IP4_CSUM'),
        Row('csum_ip4_before_tcp', syn(4, ip_csum=0x1111).patched(tcp_bad_csum,
                                                                  fix_ip4_csum=False),
            'DROP_IP4_CSUM'),
        Row('csum_ip4_vlan', syn(4, vlans=[(0x8100, 3)], ip_csum=0xbeef), 'DROP_IP4_CSUM'),
        Row('csum_tcp_v4', syn(4, opts=LINUX).patched(tcp_bad_csum), 'DROP_TCP_CSUM',
            wire='tcp_bad_csum_syn'),
        Row('csum_tcp_v4_zero', syn(4, opts=LINUX, tcp_csum=0), 'DROP_TCP_CSUM'),
        Row('csum_tcp_v4_pseudo_header', syn(4, opts=LINUX).patched(wrong_dst),
            'DROP_TCP_CSUM'),
        Row('csum_tcp_v4_payload_byte', syn(4, payload=b'ABCDEF').patched(
            u8('l4off', 22, 0x5a)), 'DROP_TCP_CSUM'),
        Row('csum_tcp_v4_option_byte', syn(4, opts=LINUX).patched(u8('l4off', 35, 0x10)),
            'DROP_TCP_CSUM'),
        Row('csum_tcp_v6', syn(6, opts=LINUX).patched(tcp_bad_csum), 'DROP_TCP_CSUM'),
        Row('csum_tcp_v6_ext', syn(6, opts=LINUX, ext=[HBH(), DST()]).patched(tcp_bad_csum),
            'DROP_TCP_CSUM'),
        Row('csum_tcp_v6_qinq', syn(6, vlans=[(0x88a8, 1), (0x8100, 2)]).patched(
            tcp_bad_csum), 'DROP_TCP_CSUM'),
        Row('csum_tcp_v4_payload_2000', syn(4, opts=LINUX, payload=b'r' * 2000).patched(
            u8('l4off', 40 + 1999, 0x00)), 'DROP_TCP_CSUM'),
        Row('csum_tcp_v6_payload_1600', syn(6, payload=b'r' * 1600).patched(
            u8('l4off', 20 + 1600 - 1, 0x00)), 'DROP_TCP_CSUM'),
        Row('csum_tcp_before_no_listener', syn(4, dport=NOLPORT).patched(tcp_bad_csum),
            'DROP_TCP_CSUM'),
        Row('csum_tcp_before_socket_lookup', tcp_frame(4, src=EST4[0], sport=EST4[1],
                                                       dst=EST4[2], dport=EST4[3]).patched(
            tcp_bad_csum), 'DROP_TCP_CSUM'),
        Row('csum_tcp_syncookies_1', syn(6, opts=LINUX).patched(tcp_bad_csum), 'DROP_TCP_CSUM',
            syncookies=1),
        Row('csum_tcp_v4_ts_cfg', syn(4, opts=LINUX).patched(tcp_bad_csum), 'DROP_TCP_CSUM',
            sysctls=TS2),
    ]


# ---------------------------------------------------------------- scenarios

def replay(fam, mutate, want, cfg_=BASE, sc=None, mk=None, dev=DUT, fwd=()):
    """A SYN (mk(), else a Linux client's) that must be answered, then the
    ACK mutate(syn, cookie) that must end in want.  sc: the sysctls of both."""
    def fn(h):
        s = mk() if mk else syn(fam, opts=LINUX)
        errs, cookie = h.expect(s, tx_reason(cfg_), cfg=cfg_, sysctls=sc, dev=dev, fwd=fwd)
        if errs or cookie is None:
            return ['SYN: ' + e for e in errs] or ['SYN: no cookie']
        a = mutate(s, cookie)
        errs, _ = h.expect(a, want, cfg=cfg_, sysctls=sc, dev=dev, fwd=fwd)
        return ['ACK: ' + e for e in errs]
    return fn


def cookie_scenarios():
    """Each starts with a SYN that must be answered, then plays the ACK; in
    both cookie modes, except where a row is about one mode's cookie."""

    rows = []
    for suffix, c in (('', BASE), ('_own', OWN)):
        ok = ok_reason(c)
        rows += [
            Scenario('cookie_roundtrip_v4' + suffix, replay(4, lambda s, k: ack_for(s, k), ok, c)),
            Scenario('cookie_roundtrip_v6' + suffix, replay(6, lambda s, k: ack_for(s, k), ok, c)),
            Scenario('cookie_roundtrip_v4_with_data' + suffix,
                     replay(4, lambda s, k: ack_for(s, k, flags=ACK | PSH, payload=b'GET /\r\n'),
                            ok, c)),
            Scenario('cookie_roundtrip_v4_ack_with_ip_options' + suffix,
                     replay(4, lambda s, k: ack_for(s, k, ip_opts=IP_OPTS_RA), ok, c)),
            Scenario('cookie_roundtrip_v4_ack_vlan_padded' + suffix,
                     replay(4, lambda s, k: ack_for(s, k, vlans=[(0x8100, 9)]).padded(6), ok, c)),
        ]
    rows += [
        Scenario('cookie_roundtrip_v6_ts', replay(6, lambda s, c: ack_for(s, c),
                                                  'PASS_COOKIE_OK', BASE, TS2)),
        Scenario('cookie_roundtrip_v6_own_ecn',
                 replay(6, lambda s, c: ack_for(s, c), 'PASS_OWN_COOKIE_OK', OWN,
                        mk=lambda: syn(6, opts=LINUX, flags=SYN | ECE | CWR))),
    ]
    # Wrong cookies.  Kernel cookies are additive in their low bits (MSS
    # index) and top 8 bits (minute counter): cookie-1 or seq+1 is a *valid*
    # cookie for a smaller MSS (RFC 4987 4.1 trade-off).  So every wrong
    # kernel cookie here is off by >= 4 in the MSS index or lands in another
    # minute slot.  An own cookie's MAC covers all 32 bits and the flow, so
    # any change at all is refused.
    wrong = [
        ('cookie_wrong_v4', 4, lambda s, c: ack_for(s, c + 4)),
        ('cookie_wrong_v6', 6, lambda s, c: ack_for(s, c ^ 0x00800000)),
        ('cookie_wrong_minute_v4', 4, lambda s, c: ack_for(s, c ^ 0x80000000)),
        ('cookie_zero_v6', 6, lambda s, c: ack_for(s, 0xffffffff)),
        ('cookie_other_sport_v4', 4, lambda s, c: ack_for(s, c, sport=s.spec['sport'] + 1000)),
        ('cookie_other_src_v4', 4, lambda s, c: ack_for(s, c, src='198.18.7.7')),
        ('cookie_other_sport_v6', 6, lambda s, c: ack_for(s, c, sport=s.spec['sport'] + 1000)),
        ('cookie_wrong_seq_v4', 4, lambda s, c: ack_for(s, c, seq=s.spec['seq'] + 1 + 4)),
        ('cookie_v4_replayed_as_v6', 4, lambda s, c: ack_for(s, c, fam=6, src=C6, dst=S6)),
        # Another address of this host: local, so the cookie is judged.
        ('cookie_other_local_dst_v4', 4, lambda s, c: ack_for(s, c, dst=topo.SERVER4_ALT)),
        ('cookie_other_local_dst_v6', 6, lambda s, c: ack_for(s, c, dst=topo.SERVER6_ALT)),
    ]
    for suffix, c in (('', BASE), ('_own', OWN)):
        rows += [Scenario(name + suffix, replay(fam, mutate, 'DROP_COOKIE_INVALID', c),
                          malformed=True) for name, fam, mutate in wrong]
    # Every bit of the own cookie's low 10 (T, MSS index, WS, SACK, ECN) and
    # a few of its MAC: one flipped bit, refused.
    for bit in (0, 1, 2, 5, 6, 8, 9, 10, 20, 31):
        rows.append(Scenario(f'cookie_own_bit_{bit}_flipped',
                             replay(4, lambda s, c, b=bit: ack_for(s, c ^ (1 << b)),
                                    'DROP_COOKIE_INVALID', OWN), malformed=True))
    return rows


def followup_scenarios():
    """Segments right behind a handshake ACK (bpf/followup.h, README decision
    table): passed as follow-ups only for the same flow, the same ack, a seq
    within the SYN-ACK's window, and for one second; never without a valid
    ACK before them."""
    import time

    def seq_of(s, k):
        return (s.spec['seq'] + 1 + k) & 0xffffffff

    def play(fam, steps, cfg_=BASE, sc=None):
        """steps: (label, mutate(syn, cookie) -> frame | float seconds, reason)."""
        def fn(h):
            s = syn(fam, opts=LINUX)
            errs, cookie = h.expect(s, tx_reason(cfg_), cfg=cfg_, sysctls=sc)
            if errs or cookie is None:
                return ['SYN: ' + e for e in errs] or ['SYN: no cookie']
            out = []
            for label, step, want in steps:
                if isinstance(step, float):
                    time.sleep(step)
                    continue
                errs, _ = h.expect(step(s, cookie), want or ok_reason(cfg_), cfg=cfg_,
                                   sysctls=sc)
                out += [f'{label}: {e}' for e in errs]
            return out
        return fn

    ack = ('ACK', lambda s, c: ack_for(s, c), None)  # None: the cookie's own OK reason
    data = ('data 1 (seq as the ACK)',
            lambda s, c: ack_for(s, c, flags=ACK | PSH, payload=b'x' * 1000),
            'PASS_COOKIE_FOLLOWUP')
    data2 = ('data 2 (later seq)',
             lambda s, c: ack_for(s, c, seq=seq_of(s, 1000), flags=ACK | PSH,
                                  payload=b'y' * 1000),
             'PASS_COOKIE_FOLLOWUP')
    fin = ('FIN at the window edge', lambda s, c: ack_for(s, c, seq=seq_of(s, 65535),
                                                          flags=ACK | FIN), 'PASS_COOKIE_FOLLOWUP')
    return [
        Scenario('followup_burst_v4', play(4, [ack, data, data2, fin])),
        Scenario('followup_burst_v6', play(6, [ack, data, data2, fin])),
        Scenario('followup_burst_v4_ts', play(4, [ack, data2], BASE, TS2)),
        Scenario('followup_burst_v4_own', play(4, [ack, data, data2, fin], OWN)),
        Scenario('followup_burst_v6_own', play(6, [ack, data, data2, fin], OWN)),
        # Nothing passed before: later segments are bad cookies, as ever.
        Scenario('followup_needs_valid_ack',
                 play(4, [('bad ACK', lambda s, c: ack_for(s, c + 4), 'DROP_COOKIE_INVALID'),
                          ('data 2', data2[1], 'DROP_COOKIE_INVALID')]), malformed=True),
        Scenario('followup_needs_valid_ack_own',
                 play(4, [('bad ACK', lambda s, c: ack_for(s, c ^ 1), 'DROP_COOKIE_INVALID'),
                          ('data 2', data2[1], 'DROP_COOKIE_INVALID')], OWN), malformed=True),
        Scenario('followup_other_sport',
                 play(4, [ack, ('data 2 from another port',
                                lambda s, c: ack_for(s, c, sport=s.spec['sport'] + 1,
                                                     seq=seq_of(s, 1000)),
                                'DROP_COOKIE_INVALID')]), malformed=True),
        Scenario('followup_other_src_v6',
                 play(6, [ack, ('data 2 from another address',
                                lambda s, c: ack_for(s, c, src='fd00:5::99', seq=seq_of(s, 1000)),
                                'DROP_COOKIE_INVALID')]), malformed=True),
        Scenario('followup_other_ack',
                 play(4, [ack, ('data 2 acking more',
                                lambda s, c: ack_for(s, (c + 4) & 0xffffffff, seq=seq_of(s, 1000)),
                                'DROP_COOKIE_INVALID')]), malformed=True),
        Scenario('followup_seq_before_isn',
                 play(4, [ack, ('seq before the ACK', lambda s, c: ack_for(s, c, seq=seq_of(s, -1)),
                                'DROP_COOKIE_INVALID')]), malformed=True),
        Scenario('followup_seq_past_window',
                 play(4, [ack, ('seq past the window',
                                lambda s, c: ack_for(s, c, seq=seq_of(s, 65537)),
                                'DROP_COOKIE_INVALID')]), malformed=True),
        Scenario('followup_seq_past_window_own',
                 play(6, [ack, ('seq past the window',
                                lambda s, c: ack_for(s, c, seq=seq_of(s, 65537)),
                                'DROP_COOKIE_INVALID')], OWN), malformed=True),
        Scenario('followup_expires_after_1s',
                 play(4, [ack, data2, ('wait', 1.1, None),
                          ('data 2 again, 1.1 s later', data2[1], 'DROP_COOKIE_INVALID')]),
                 malformed=True),
    ]


def blind_ack_rows():
    rows = []
    for suffix, c in (('', BASE), ('_own', OWN)):
        rows += [
            Row('cookie_blind_ack_v4' + suffix, seg(4, seq=0x1000, ack=0x2000),
                'DROP_COOKIE_INVALID', cfg=c),
            Row('cookie_blind_ack_v6' + suffix, seg(6, seq=0x1000, ack=0x2000),
                'DROP_COOKIE_INVALID', cfg=c),
            Row('cookie_blind_psh_ack_v4' + suffix, seg(4, flags=ACK | PSH, payload=b'x'),
                'DROP_COOKIE_INVALID', cfg=c),
        ]
    return rows


def own_rows():
    """Own cookies (include/synx_cookie.h): the SYN-ACK offers what both
    sides support, timestamps or not, and the ISN carries MSS (8-entry
    table), the client's shift, SACK and ECN.  The harness predicts the ISN
    from the test's key and checks the metadata the handshake ACK carries.
    The tx_rows above run under OWN as well (suffix _own)."""
    def mss(v):
        return [('MSS', v), ('SACKOK',), ('TS', 5, 0), ('NOP',), ('WS', 7)]

    rows = [
        # Options: what the server side supports of what the client offered.
        Row('own_v4_ws14', syn(4, opts=[('MSS', 1460), ('NOP',), ('WS', 14)]), 'TX_SYNACK_OWN',
            cfg=OWN),
        Row('own_v4_ws15_clamped_to_14', syn(4, opts=[('MSS', 1460), ('NOP',), ('WS', 15)]),
            'TX_SYNACK_OWN', cfg=OWN),
        Row('own_v4_ws0', syn(4, opts=[('MSS', 1460), ('NOP',), ('WS', 0)]), 'TX_SYNACK_OWN',
            cfg=OWN),
        Row('own_v4_sack_only', syn(4, opts=[('MSS', 1460), ('SACKOK',)]), 'TX_SYNACK_OWN',
            cfg=OWN),
        Row('own_v4_ts_only', syn(4, opts=[('MSS', 1460), ('TS', 0xfffffff0, 7)]),
            'TX_SYNACK_OWN', cfg=OWN),
        Row('own_v6_windows_no_ts', syn(6, opts=WINDOWS), 'TX_SYNACK_OWN', cfg=OWN),
        # The server's settings are its sysctls (the _cfg_ rows once set
        # the config flags that stood for them: a fallback now).
        Row('own_cfg_no_timestamps', syn(4, opts=LINUX), 'TX_SYNACK_OWN', cfg=OWN,
            sysctls=sysctls(timestamps=0)),
        Row('own_cfg_sack_off', syn(4, opts=LINUX), 'TX_SYNACK_OWN', cfg=OWN,
            sysctls=sysctls(sack=0)),
        Row('own_cfg_wscale_off', syn(6, opts=MACOS), 'TX_SYNACK_OWN', cfg=OWN,
            sysctls=sysctls(window_scaling=0)),
        Row('own_cfg_mss_only', syn(4, opts=LINUX), 'TX_SYNACK_OWN', cfg=OWN,
            sysctls=sysctls(timestamps=0, sack=0, window_scaling=0)),
        Row('own_cfg_wscale_9', syn(4, opts=LINUX), 'TX_SYNACK_OWN', cfg=dict(OWN, wscale=9)),
        Row('own_cfg_ts_cookies_flag_ignored', syn(4, opts=WINDOWS), 'TX_SYNACK_OWN',
            cfg=cfg(cookie_mode=C.COOKIE_OWN, flags=OWN['flags'] | F['TS_COOKIES'])),
        Row('own_tcp_timestamps_2', syn(4, opts=LINUX), 'TX_SYNACK_OWN', cfg=OWN,
            sysctls=TS2),
        Row('own_flags_mss_only_ignored', syn(4, opts=LINUX), 'TX_SYNACK_OWN',
            cfg=cfg(cookie_mode=C.COOKIE_OWN, flags=F['ALL_PORTS'])),
        # ECN survives an own cookie with or without timestamps.
        Row('own_v4_ecn_negotiated', syn(4, opts=LINUX, flags=SYN | ECE | CWR), 'TX_SYNACK_OWN',
            cfg=OWN),
        Row('own_v6_ecn_windows', syn(6, opts=WINDOWS, flags=SYN | ECE | CWR), 'TX_SYNACK_OWN',
            cfg=OWN),
        Row('own_v4_ecn_cfg_off', syn(4, opts=LINUX, flags=SYN | ECE | CWR), 'TX_SYNACK_OWN',
            cfg=OWN, sysctls=NOECN),
        Row('own_v4_ecn_ece_only', syn(4, opts=LINUX, flags=SYN | ECE), 'TX_SYNACK_OWN',
            cfg=OWN),
        Row('own_v4_ecn_cwr_only', syn(4, opts=LINUX, flags=SYN | CWR), 'TX_SYNACK_OWN',
            cfg=OWN),
        # The MSS table: below, on, between and above its entries; none offered.
        Row('own_v4_mss_100_below_table', syn(4, opts=mss(100)), 'TX_SYNACK_OWN', cfg=OWN),
        Row('own_v4_mss_536', syn(4, opts=mss(536)), 'TX_SYNACK_OWN', cfg=OWN),
        Row('own_v4_mss_1299_between', syn(4, opts=mss(1299)), 'TX_SYNACK_OWN', cfg=OWN),
        Row('own_v4_mss_1452', syn(4, opts=mss(1452)), 'TX_SYNACK_OWN', cfg=OWN),
        Row('own_v4_mss_9000_above', syn(4, opts=mss(9000)), 'TX_SYNACK_OWN', cfg=OWN),
        Row('own_v6_mss_1219_below_table', syn(6, opts=mss(1219)), 'TX_SYNACK_OWN', cfg=OWN),
        Row('own_v6_mss_1432', syn(6, opts=mss(1432)), 'TX_SYNACK_OWN', cfg=OWN),
        Row('own_v6_mss_8940', syn(6, opts=mss(8940)), 'TX_SYNACK_OWN', cfg=OWN),
        Row('own_v6_mss_65535', syn(6, opts=mss(65535)), 'TX_SYNACK_OWN', cfg=OWN),
        Row('own_v4_no_mss_option', syn(4, opts=[('SACKOK',), ('NOP',), ('WS', 2)]),
            'TX_SYNACK_OWN', cfg=OWN),
        Row('own_v6_no_mss_option', syn(6), 'TX_SYNACK_OWN', cfg=OWN),
        Row('own_v4_duplicate_mss_last_wins',
            syn(4, opts=[('MSS', 536), ('MSS', 1440), ('NOP',), ('WS', 3)]), 'TX_SYNACK_OWN',
            cfg=OWN),
        # Config, as for kernel cookies.
        Row('own_cfg_ttl_200', syn(4, opts=LINUX), 'TX_SYNACK_OWN', cfg=dict(OWN, ttl=200)),
        Row('own_cfg_hop_limit_33', syn(6, opts=LINUX), 'TX_SYNACK_OWN',
            cfg=dict(OWN, hop_limit=33)),
        Row('own_cfg_mss4_zero_is_mtu', syn(4, opts=LINUX), 'TX_SYNACK_OWN',
            cfg=dict(OWN, mss4=0)),
        Row('own_cfg_mss6_zero_is_mtu', syn(6, opts=LINUX), 'TX_SYNACK_OWN',
            cfg=dict(OWN, mss6=0)),
        Row('own_cfg_mss4_zero_jumbo_device', syn(4, opts=LINUX).to_mac(topo.JUMBO.mac_bytes),
            'TX_SYNACK_OWN', cfg=dict(OWN, mss4=0), ifindex=topo.JUMBO.name),
        Row('own_no_xdp_md_ctx', syn(4, opts=LINUX).to_mac(LO_MAC), 'TX_SYNACK_OWN', cfg=OWN,
            ifindex=None),
        Row('own_ports_bitmap_protects_8080', syn(6, opts=LINUX), 'TX_SYNACK_OWN',
            cfg=dict(OWN, flags=OWN['flags'] & ~F['ALL_PORTS']), ports=(LPORT,)),
        # A cookie mode other than own is the kernel's; a foreign version is
        # the built-in defaults (kernel cookies), whatever the mode field says.
        Row('own_mode_2_is_kernel', syn(4, opts=LINUX), 'TX_SYNACK_COOKIE',
            cfg=dict(OWN, cookie_mode=2)),
        Row('own_wrong_version_is_defaults', syn(4, opts=LINUX), 'TX_SYNACK_COOKIE',
            cfg=dict(OWN, version=CONFIG_VERSION + 1)),
        # The kernel's policy decides when SYNs are answered, in both modes.
        Row('own_syncookies_1_kernel_v4', syn(4, opts=LINUX), 'PASS_SYN_KERNEL', cfg=OWN,
            syncookies=1),
        Row('own_syncookies_1_kernel_v6', syn(6, opts=LINUX), 'PASS_SYN_KERNEL', cfg=OWN,
            syncookies=1),
        Row('own_signed_md5', syn(4, opts=[('MSS', 1460), ('MD5',)]), 'PASS_SYN_SIGNED',
            cfg=OWN),
        Row('own_nolisten_syn', syn(6, opts=LINUX, dport=NOLPORT), 'PASS_NO_LISTENER', cfg=OWN),
        Row('own_nolisten_drop_ack', seg(4, dport=NOLPORT), 'DROP_NO_LISTENER',
            cfg=dict(OWN, no_listener=C.NOLISTEN_DROP)),
        Row('own_socket_established_ack',
            tcp_frame(4, src=EST4[0], sport=EST4[1], dst=EST4[2], dport=EST4[3], flags=ACK,
                      seq=1, ack=1), 'PASS_SOCKET', cfg=OWN),
        Row('own_unprotected_syn', syn(4, opts=LINUX), 'PASS_UNPROTECTED',
            cfg=dict(OWN, flags=OWN['flags'] & ~F['ALL_PORTS'])),
        Row('own_bad_tcp_csum', syn(6, opts=LINUX).patched(tcp_bad_csum), 'DROP_TCP_CSUM',
            cfg=OWN),
    ]
    return rows


def own_key_scenarios():
    """The key in synx_keys decides the mode in practice: without one
    (generation 0) own mode answers with kernel cookies, which its ACK path
    still accepts once a key exists."""

    def no_key(h):
        s = syn(4, opts=LINUX)
        h.set_keys(None)
        try:
            errs, cookie = h.expect(s, 'TX_SYNACK_COOKIE', cfg=OWN)
        finally:
            h.set_keys(h.key)
        if errs or cookie is None:
            return ['SYN without a key: ' + e for e in errs] or ['SYN: no cookie']
        errs, _ = h.expect(ack_for(s, cookie), 'PASS_COOKIE_OK', cfg=OWN)
        return ['its ACK, key written since: ' + e for e in errs]

    return [Scenario('own_no_key_kernel_cookie_then_accepted', no_key)]


def special_listeners(socks):
    """The listeners of topology.LISTENERS, with the settings their rows
    are about (netns.Listeners.special())."""
    socks.special()


def all_cases():
    rows = (tx_rows() + pass_rows() + flag_rows() + option_rows() + l2_ip_rows()
            + tcp_rows() + addr_rows() + frag_rows() + csum_rows() + blind_ack_rows()
            + own_rows() + mac_rows() + dst_rows() + forward_rows() + ip6_ext_rows()
            + server_rows())
    return (rows + cookie_scenarios() + followup_scenarios() + own_key_scenarios()
            + frag_first_scenarios() + kernel_state_scenarios())


# ---------------------------------------------------------------- whose packet

FOREIGN_MAC = bytes.fromhex('020000000099')
BCAST_MAC = b'\xff' * 6
MCAST4_MAC = bytes.fromhex('01005e000001')   # 224.0.0.1
MCAST6_MAC = bytes.fromhex('333300000001')   # ff02::1
NONLOCAL4, NONLOCAL6 = '198.18.0.77', 'fd00::77'   # in the DUT's subnets, nobody's
FAR4, FAR6 = '198.18.9.9', 'fd00:9::9'             # routed through this host
BOTH = (('', BASE), ('_own', OWN))


def mac_rows():
    """Step 0: a frame not addressed to the ingress device's MAC passes
    untouched before any other check, malformed or not (README "Whose
    packet"); the frame must only hold a MAC (14 bytes)."""
    rows = []
    macs = (('foreign', FOREIGN_MAC), ('broadcast', BCAST_MAC), ('mcast4', MCAST4_MAC),
            ('mcast6', MCAST6_MAC), ('jumbo_dev', topo.JUMBO.mac_bytes),
            ('dut_mac_first_byte', bytes.fromhex('030000000002')),
            ('dut_mac_last_byte', bytes.fromhex('020000000003')))
    for suffix, c in BOTH:
        for label, m in macs:
            rows += [
                Row(f'mac_{label}_syn_v4{suffix}', syn(4, opts=LINUX).to_mac(m), 'PASS_NOT_HOST',
                    cfg=c),
                Row(f'mac_{label}_syn_v6{suffix}', syn(6, opts=LINUX).to_mac(m), 'PASS_NOT_HOST',
                    cfg=c),
            ]
        rows += [
            Row('mac_foreign_ack_v4' + suffix, seg(4).to_mac(FOREIGN_MAC), 'PASS_NOT_HOST', cfg=c),
            Row('mac_mcast6_ack_ff02_1' + suffix, seg(6, dst='ff02::1').to_mac(MCAST6_MAC),
                'PASS_NOT_HOST', cfg=c),
            Row('mac_mcast4_syn_224_0_0_1' + suffix,
                syn(4, dst='224.0.0.1', opts=LINUX).to_mac(MCAST4_MAC), 'PASS_NOT_HOST', cfg=c),
            Row('mac_broadcast_syn_255' + suffix,
                syn(4, dst='255.255.255.255', opts=LINUX).to_mac(BCAST_MAC), 'PASS_NOT_HOST',
                cfg=c),
        ]
    v4, v6 = syn(4, opts=LINUX), syn(6, opts=LINUX)
    bad = [
        ('ip4_trunc', v4.cut(14 + 12)), ('ip4_ihl_4', v4.patched(u8('l3off', 0, 4, 0x0f))),
        ('ip4_version_6', v4.patched(u8('l3off', 0, 0x60, 0xf0))),
        ('ip4_totlen_65535', v4.patched(u16('l3off', 2, 65535))),
        ('ip6_paylen_65535', v6.patched(u16('l3off', 4, 65535))),
        ('ip6_trunc', v6.cut(14 + 20)), ('syn_fin', syn(4, flags=SYN | FIN)),
        ('bad_opt', syn(4, opts=[('RAW', b'\x02\x03\x05\x01')])),
        ('martian_src', syn(4, src='127.0.0.1')), ('vlan_trunc',
                                                   syn(4, vlans=[(0x8100, 7)]).cut(16)),
        ('eth_only', v4.cut(14)), ('arp', other_frame('arp')),
        ('tcp_bad_csum', v4.patched(tcp_bad_csum)),
    ]
    for label, m in (('foreign', FOREIGN_MAC), ('broadcast', BCAST_MAC),
                     ('mcast4', MCAST4_MAC), ('mcast6', MCAST6_MAC)):
        for what, f in bad:
            rows.append(Row(f'mac_{label}_malformed_{what}', f.to_mac(m), 'PASS_NOT_HOST'))
    rows += [
        # The device's own MAC: the checks apply as ever.
        Row('mac_own_eth_only_ip4_trunc', v4.cut(14), 'DROP_IP4_TRUNC'),
        Row('mac_own_arp', other_frame('arp'), 'PASS_NON_IP'),
        # Each device judges by its own MAC.
        Row('mac_jumbo_dev_own_mac', syn(4, opts=LINUX, dst='198.18.1.2').to_mac(
            topo.JUMBO.mac_bytes), 'TX_SYNACK_COOKIE', ifindex=topo.JUMBO.name),
        Row('mac_dut_on_jumbo_dev', syn(4, opts=LINUX, dst='198.18.1.2'), 'PASS_NOT_HOST',
            ifindex=topo.JUMBO.name),
    ]
    return rows


def dst_rows():
    """A device that does not forward: the destination is checked only for
    SYNs and ACKs to protected ports that find a listener or no socket;
    what is not a unicast address of this host passes untouched
    (PASS_NOT_LOCAL), before the no-listener policy and the kernel's."""
    rows = []
    never4 = ('224.0.0.1', '239.1.1.1', '255.255.255.255', '127.0.0.1', '0.0.0.0',
              NONLOCAL4, '198.18.0.255', '198.18.0.0', '198.18.1.255')
    never6 = ('ff02::1', '::1', '::', NONLOCAL6, 'ff05::2', 'fd00:9::9', topo.TENTATIVE6,
              'fe80::3', 'fe80::99')
    for suffix, c in BOTH:
        for d in never4:
            rows.append(Row(f'dst4_{d.replace(".", "_")}_syn{suffix}', syn(4, dst=d, opts=LINUX),
                            'PASS_NOT_LOCAL', cfg=c))
        for d in never6:
            rows.append(Row(f'dst6_{d.replace(":", "_").strip("_") or "unspec"}_syn{suffix}',
                            syn(6, dst=d, opts=LINUX), 'PASS_NOT_LOCAL', cfg=c))
        rows += [
            # What is local: any interface's address (weak host model), a VIP
            # on lo, an optimistic address, the ingress device's link-local.
            Row('dst4_vip_on_lo' + suffix, syn(4, dst=topo.VIP4, opts=LINUX), tx_reason(c),
                cfg=c),
            Row('dst6_vip_on_lo' + suffix, syn(6, dst=topo.VIP6, opts=LINUX), tx_reason(c),
                cfg=c),
            Row('dst4_second_address' + suffix, syn(4, dst=topo.SERVER4_ALT, opts=LINUX),
                tx_reason(c), cfg=c),
            Row('dst6_second_address' + suffix, syn(6, dst=topo.SERVER6_ALT, opts=LINUX),
                tx_reason(c), cfg=c),
            Row('dst4_other_device' + suffix, syn(4, dst='198.18.1.2', opts=LINUX),
                tx_reason(c), cfg=c),
            Row('dst6_other_device' + suffix, syn(6, dst='fd00:1::2', opts=MACOS), tx_reason(c),
                cfg=c),
            Row('dst4_lo_client_addr' + suffix, syn(4, src='198.18.0.9', dst=C4, opts=LINUX),
                tx_reason(c), cfg=c),
            Row('dst6_optimistic' + suffix, syn(6, dst=topo.OPTIMISTIC6, opts=LINUX),
                tx_reason(c), cfg=c),
            Row('dst6_own_link_local' + suffix, syn(6, src='fe80::1', dst='fe80::2', opts=LINUX),
                tx_reason(c), cfg=c),
            Row('dst6_link_local_on_its_device' + suffix,
                syn(6, src='fe80::1', dst='fe80::3', opts=LINUX).to_mac(topo.JUMBO.mac_bytes),
                tx_reason(c), cfg=c, ifindex=topo.JUMBO.name),
            # ACKs: not local is not ours to judge, whatever the cookie.
            Row('dst4_nonlocal_ack' + suffix, seg(4, dst=NONLOCAL4, seq=0x1000, ack=0x2000),
                'PASS_NOT_LOCAL', cfg=c),
            Row('dst6_nonlocal_ack' + suffix, seg(6, dst=NONLOCAL6, seq=0x1000, ack=0x2000),
                'PASS_NOT_LOCAL', cfg=c),
            Row('dst4_broadcast_ack' + suffix, seg(4, dst='198.18.0.255'), 'PASS_NOT_LOCAL',
                cfg=c),
            Row('dst6_mcast_psh_ack' + suffix, seg(6, dst='ff02::1', flags=ACK | PSH,
                                                   payload=b'x'), 'PASS_NOT_LOCAL', cfg=c),
            # No socket at all: the destination first, then the no-listener policy.
            Row('dst4_nonlocal_nolisten_drop_syn' + suffix,
                syn(4, dst=NONLOCAL4, dport=NOLPORT, opts=LINUX), 'PASS_NOT_LOCAL',
                cfg=dict(c, no_listener=C.NOLISTEN_DROP)),
            Row('dst6_nonlocal_nolisten_drop_ack' + suffix, seg(6, dst=NONLOCAL6, dport=NOLPORT),
                'PASS_NOT_LOCAL', cfg=dict(c, no_listener=C.NOLISTEN_DROP)),
            Row('dst4_nonlocal_nolisten_pass_syn' + suffix,
                syn(4, dst='224.0.0.9', dport=NOLPORT), 'PASS_NOT_LOCAL', cfg=c),
            # ... and before the kernel's policy.
            Row('dst4_nonlocal_syncookies_1' + suffix, syn(4, dst=NONLOCAL4, opts=LINUX),
                'PASS_NOT_LOCAL', cfg=c, syncookies=1),
            Row('dst6_nonlocal_accept_full' + suffix,
                syn(6, dst=NONLOCAL6, dport=topo.LPORTS['accept_full'], opts=LINUX),
                'PASS_NOT_LOCAL', cfg=c),
        ]
    rows += [
        # Without forwarding, what is malformed is still dropped whatever the
        # destination, and checks before the socket lookup come first.
        Row('dst4_nonlocal_syn_fin', syn(4, dst=NONLOCAL4, flags=SYN | FIN), 'DROP_FLAGS_SYN_FIN'),
        Row('dst6_nonlocal_bad_option', syn(6, dst=NONLOCAL6, opts=[('RAW', b'\x03\x02')]),
            'DROP_OPT_FIXED_LEN'),
        Row('dst4_nonlocal_bad_tcp_csum', syn(4, dst=NONLOCAL4, opts=LINUX).patched(tcp_bad_csum),
            'DROP_TCP_CSUM'),
        Row('dst4_nonlocal_bad_ip_csum', syn(4, dst='224.0.0.1', ip_csum=0x4242),
            'DROP_IP4_CSUM'),
        Row('dst4_nonlocal_unprotected', syn(4, dst=NONLOCAL4, opts=LINUX), 'PASS_UNPROTECTED',
            cfg=UNPROT),
        Row('dst4_nonlocal_rst', seg(4, dst=NONLOCAL4, flags=RST), 'PASS_OTHER'),
        Row('dst6_nonlocal_signed', syn(6, dst=NONLOCAL6, opts=[('MD5',)]), 'PASS_SYN_SIGNED'),
        Row('dst4_nonlocal_later_fragment', ip4_raw_frag(3, dst=NONLOCAL4), 'PASS_FRAGMENT'),
        Row('dst4_nonlocal_martian_src', syn(4, src='127.0.0.1', dst=NONLOCAL4),
            'DROP_MARTIAN_SRC4'),
        Row('dst4_nonlocal_udp', udp4(dst=NONLOCAL4), 'PASS_NON_TCP'),
        # The hop limit of the link-local reply is the device's, as for any.
        Row('dst6_link_local_ts', syn(6, src='fe80::1', dst='fe80::2', opts=LINUX),
            'TX_SYNACK_COOKIE', sysctls=TS2),
    ]
    # Sources: v4-mapped IPv6 (::ffff:0:0/96) is martian; its neighbours are not.
    for src in ('::ffff:198.18.0.1', '::ffff:0:0', '::ffff:255.255.255.255', '::ffff:127.0.0.1'):
        rows.append(Row('martian6_v4mapped_' + src.replace(':', '_').replace('.', '_').strip('_'),
                        syn(6, src=src, opts=LINUX), 'DROP_MARTIAN_SRC6'))
    rows += [
        Row('martian6_v4mapped_ack_unprotected', seg(6, src='::ffff:10.0.0.1'),
            'DROP_MARTIAN_SRC6', cfg=UNPROT),
        Row('martian6_v4mapped_nonlocal_dst', seg(6, src='::ffff:10.0.0.1', dst=NONLOCAL6),
            'DROP_MARTIAN_SRC6'),
        Row('src6_v4compat_not_martian', seg(6, src='::198.18.0.1'), 'PASS_UNPROTECTED',
            cfg=UNPROT),
        Row('src6_1_ffff_not_v4mapped', seg(6, src='::1:ffff:c612:1'), 'PASS_UNPROTECTED',
            cfg=UNPROT),
        Row('src6_fffe_not_v4mapped', seg(6, src='::fffe:c612:1'), 'PASS_UNPROTECTED',
            cfg=UNPROT),
        Row('src6_ffff_in_word_1_not_v4mapped', seg(6, src='0:ffff::c612:1'),
            'PASS_UNPROTECTED', cfg=UNPROT),
    ]
    return rows


def forward_rows():
    """A device the kernel forwards from (live.forwarding_sysctl()): right
    after the IP header, what is not for this host passes untouched,
    before any TCP check; what is for this host is judged as ever."""
    F4, F6, FW = (4,), (6,), (4, 6)
    rows = []
    for suffix, c in BOTH:
        rows += [
            Row('fwd_syn_fin_v4' + suffix, syn(4, dst=FAR4, flags=SYN | FIN), 'PASS_NOT_LOCAL',
                cfg=c, fwd=FW),
            Row('fwd_syn_fin_v6' + suffix, syn(6, dst=FAR6, flags=SYN | FIN), 'PASS_NOT_LOCAL',
                cfg=c, fwd=FW),
            Row('fwd_bad_option_syn_v4' + suffix,
                syn(4, dst=FAR4, opts=[('RAW', b'\x02\x03\x05\x01')]), 'PASS_NOT_LOCAL', cfg=c,
                fwd=FW),
            Row('fwd_bad_option_syn_v6' + suffix, syn(6, dst=FAR6, opts=[('RAW', b'\x1e\x00')]),
                'PASS_NOT_LOCAL', cfg=c, fwd=FW),
            Row('fwd_syn_v4' + suffix, syn(4, dst=FAR4, opts=LINUX), 'PASS_NOT_LOCAL', cfg=c,
                fwd=FW),
            Row('fwd_ack_v6' + suffix, seg(6, dst=FAR6), 'PASS_NOT_LOCAL', cfg=c, fwd=FW),
            # Local ones are still judged.
            Row('fwd_local_syn_fin_v4' + suffix, syn(4, flags=SYN | FIN), 'DROP_FLAGS_SYN_FIN',
                cfg=c, fwd=FW),
            Row('fwd_local_syn_fin_v6' + suffix, syn(6, flags=SYN | FIN), 'DROP_FLAGS_SYN_FIN',
                cfg=c, fwd=FW),
            Row('fwd_local_bad_option_v4' + suffix, syn(4, opts=[('RAW', b'\x02\x03\x05\x01')]),
                'DROP_OPT_FIXED_LEN', cfg=c, fwd=FW),
            Row('fwd_local_syn_v4' + suffix, syn(4, opts=LINUX), tx_reason(c), cfg=c, fwd=FW),
            Row('fwd_local_syn_v6' + suffix, syn(6, opts=LINUX), tx_reason(c), cfg=c, fwd=FW),
            Row('fwd_vip_syn_v4' + suffix, syn(4, dst=topo.VIP4, opts=LINUX), tx_reason(c), cfg=c,
                fwd=FW),
            Row('fwd_local_bad_ack_v4' + suffix, seg(4, seq=1, ack=2), 'DROP_COOKIE_INVALID',
                cfg=c, fwd=FW),
        ]
    rows += [
        Row('fwd_no_flags_v4', seg(4, dst=FAR4, flags=0), 'PASS_NOT_LOCAL', fwd=FW),
        Row('fwd_port_zero_v4', seg(4, dst=FAR4, sport=0), 'PASS_NOT_LOCAL', fwd=FW),
        Row('fwd_doff_4_v6', syn(6, dst=FAR6).patched(u8('l4off', 12, 4 << 4, 0xf0)),
            'PASS_NOT_LOCAL', fwd=FW),
        Row('fwd_tcp_trunc_v4', syn(4, dst=FAR4).patched(u16('l3off', 2, 30)), 'PASS_NOT_LOCAL',
            fwd=FW),
        Row('fwd_bad_tcp_csum_v4', syn(4, dst=FAR4, opts=LINUX).patched(tcp_bad_csum),
            'PASS_NOT_LOCAL', fwd=FW),
        Row('fwd_overlap_fragment_v4', ip4_raw_frag(1, dst=FAR4), 'PASS_NOT_LOCAL', fwd=FW),
        Row('fwd_later_fragment_v6', ip6_raw_frag(3, dst=FAR6), 'PASS_NOT_LOCAL', fwd=FW),
        Row('fwd_tiny_first_fragment_v4',
            ip4_raw_frag(0, mf=True, dst=FAR4, payload=b'\x9c\x40\x1f\x90' + bytes(4)),
            'PASS_NOT_LOCAL', fwd=FW),
        Row('fwd_syn_fragment_v6', syn(6, dst=FAR6, ext=[frag6(0, m=True)]), 'PASS_NOT_LOCAL',
            fwd=FW),
        Row('fwd_unprotected_port_v4', syn(4, dst=FAR4, opts=LINUX), 'PASS_NOT_LOCAL',
            cfg=UNPROT, fwd=FW),
        Row('fwd_multicast_dst_unicast_mac_v4', syn(4, dst='224.0.0.5', flags=SYN | FIN),
            'PASS_NOT_LOCAL', fwd=FW),
        Row('fwd_subnet_broadcast_v4', syn(4, dst='198.18.0.255', flags=SYN | RST),
            'PASS_NOT_LOCAL', fwd=FW),
        Row('fwd_loopback_dst_v6', syn(6, dst='::1', flags=SYN | FIN), 'PASS_NOT_LOCAL',
            fwd=FW),
        # What comes before: malformed IP, not TCP, martian sources, the walk.
        Row('fwd_bad_ihl_v4', syn(4, dst=FAR4).patched(u8('l3off', 0, 4, 0x0f)), 'DROP_IP4_IHL',
            fwd=FW),
        Row('fwd_ip6_paylen_v6', syn(6, dst=FAR6).patched(u16('l3off', 4, 65535)),
            'DROP_IP6_PAYLEN', fwd=FW),
        Row('fwd_udp_v4', udp4(dst=FAR4), 'PASS_NON_TCP', fwd=FW),
        Row('fwd_martian_src_v4', syn(4, src='0.1.2.3', dst=FAR4), 'DROP_MARTIAN_SRC4', fwd=FW),
        Row('fwd_v4mapped_src_v6', syn(6, src='::ffff:10.1.1.1', dst=FAR6), 'DROP_MARTIAN_SRC6',
            fwd=FW),
        Row('fwd_land_v4', syn(4, src=FAR4, dst=FAR4), 'DROP_LAND', fwd=FW),
        Row('fwd_esp_v6', ip6_esp(dst=FAR6), 'PASS_IPSEC', fwd=FW),
        Row('fwd_hbh_order_v6', syn(6, dst=FAR6, ext=[DST(), HBH()]), 'DROP_IP6_HBH_ORDER',
            fwd=FW),
        Row('fwd_foreign_mac_v4', syn(4, dst=FAR4).to_mac(FOREIGN_MAC), 'PASS_NOT_HOST', fwd=FW),
        # Per family, and per ingress device.
        Row('fwd_v4_only_v6_syn_fin', syn(6, dst=FAR6, flags=SYN | FIN), 'DROP_FLAGS_SYN_FIN',
            fwd=F4),
        Row('fwd_v6_only_v4_syn_fin', syn(4, dst=FAR4, flags=SYN | FIN), 'DROP_FLAGS_SYN_FIN',
            fwd=F6),
        Row('fwd_v6_only_v6_syn_fin', syn(6, dst=FAR6, flags=SYN | FIN), 'PASS_NOT_LOCAL',
            fwd=F6),
        Row('fwd_other_device_only', syn(4, dst=FAR4, flags=SYN | FIN), 'DROP_FLAGS_SYN_FIN',
            sysctls={'net.ipv4.conf.synx1.forwarding': 1, 'net.ipv6.conf.synx1.forwarding': 1}),
        # IPv6 forwards by all.forwarding (ip6_forward()), or the device's
        # force_forwarding: the device's own forwarding flag forwards nothing.
        Row('fwd_v6_device_flag_alone', syn(6, dst=FAR6, flags=SYN | FIN), 'DROP_FLAGS_SYN_FIN',
            sysctls={f'net.ipv6.conf.{DUT}.forwarding': 1}),
        Row('fwd_on_jumbo_dev', syn(4, dst=FAR4, flags=SYN | FIN).to_mac(topo.JUMBO.mac_bytes),
            'PASS_NOT_LOCAL', ifindex=topo.JUMBO.name, fwd=FW),
        Row('fwd_local_syn_ts', syn(4, opts=LINUX), 'TX_SYNACK_COOKIE', fwd=FW, sysctls=TS2),
    ]
    if os.path.exists('/proc/sys/net/ipv6/conf/all/force_forwarding'):  # Linux 6.17+
        rows.append(Row('fwd_v6_force_forwarding', syn(6, dst=FAR6, flags=SYN | FIN),
                        'PASS_NOT_LOCAL', sysctls={f'net.ipv6.conf.{DUT}.force_forwarding': 1}))
    return rows


def ip6_ext_rows():
    """The IPv6 extension-header walk: HBH (first only), routing, fragment,
    AH and destination options in any order, at most 8; ESP ends what is
    visible; a routing header with segments left makes this host a
    waypoint; a SYN behind AH is left to IPsec."""
    rows = []
    d8 = [DST() for _ in range(8)]
    d9 = [DST() for _ in range(9)]
    mixed8 = [HBH(), DST(), RTG(), frag6(0, m=False), DST(), RTG(), DST(), DST()]
    for suffix, c, sc in (('', BASE, {}), ('_ts', BASE, TS2), ('_own', OWN, {})):
        r = 'PASS_IP_OPTIONS'  # the walk reached TCP; the kernel checks the options
        rows += [
            Row('ext6_frag_tcp' + suffix, syn(6, opts=LINUX, ext=[frag6(0, m=False)]),
                tx_reason(c), cfg=c, sysctls=sc),
            Row('ext6_frag_dst_tcp' + suffix, syn(6, opts=LINUX, ext=[frag6(0, m=False), DST()]),
                r, cfg=c, sysctls=sc),
            Row('ext6_dst_frag_dst_tcp' + suffix,
                syn(6, opts=LINUX, ext=[DST(), frag6(0, m=False), DST()]), r, cfg=c, sysctls=sc),
            Row('ext6_hbh_rtg_sl0_dst_tcp' + suffix, syn(6, opts=LINUX, ext=[HBH(), RTG(), DST()]),
                r, cfg=c, sysctls=sc),
            Row('ext6_rtg_dst_rtg_tcp' + suffix,
                syn(6, opts=MACOS, ext=[RTG(), DST(), rtg_sl(0, 2)]), r, cfg=c, sysctls=sc),
            Row('ext6_8_dst' + suffix, syn(6, opts=LINUX, ext=list(d8)), r, cfg=c, sysctls=sc),
            Row('ext6_8_mixed' + suffix, syn(6, opts=LINUX, ext=list(mixed8)), r, cfg=c,
                sysctls=sc),
            # One 168-byte destination options header (PadN).
            Row('ext6_long_dst_opts' + suffix,
                syn(6, opts=LINUX, ext=[(60, bytes([0, 20, 1, 164]) + bytes(164))]), r, cfg=c,
                sysctls=sc),
            # An option the kernel must drop the packet for (type 0x80: action
            # "discard and send ICMP", RFC 8200 4.2): never answered.
            Row('ext6_hbh_unknown_discard_opt' + suffix,
                syn(6, opts=LINUX, ext=[(0, bytes([6, 0, 0x80, 4, 0, 0, 0, 0]))]), r, cfg=c,
                sysctls=sc),
            # Loose source route: the kernel drops it (accept_source_route=0).
            # Its last hop is this host, so the TCP checksum's pseudo-header
            # (which takes the route's final address) is right.
            Row('v4_lsrr_option' + suffix,
                syn(4, opts=LINUX, ip_opts=[IPOption_LSRR(routers=[S4])]), r,
                cfg=c, sysctls=sc),
            # --ip-options drop: the operator's choice, for a listener only.
            Row('v4_ip_options_dropped' + suffix, syn(4, opts=LINUX, ip_opts=IP_OPTS_RA),
                'DROP_IP_OPTIONS', cfg=dict(c, flags=c['flags'] | C.F['DROP_IP_OPTIONS']),
                sysctls=sc),
            Row('ext6_hbh_dropped' + suffix, syn(6, opts=LINUX, ext=[HBH()]), 'DROP_IP_OPTIONS',
                cfg=dict(c, flags=c['flags'] | C.F['DROP_IP_OPTIONS']), sysctls=sc),
            Row('v4_no_ip_options_not_dropped' + suffix, syn(4, opts=LINUX), tx_reason(c),
                cfg=dict(c, flags=c['flags'] | C.F['DROP_IP_OPTIONS']), sysctls=sc),
            # Options change nothing before a listener is found.
            Row('v4_ip_options_no_listener' + suffix,
                syn(4, opts=LINUX, ip_opts=IP_OPTS_RA, dport=NOLPORT), 'PASS_NO_LISTENER',
                cfg=c, sysctls=sc),
            Row('v4_ip_options_no_listener_drop' + suffix,
                syn(4, opts=LINUX, ip_opts=IP_OPTS_RA, dport=NOLPORT), 'DROP_NO_LISTENER',
                cfg=dict(c, no_listener=C.NOLISTEN_DROP), sysctls=sc),
            Row('v6_dst_opts_not_local' + suffix,
                syn(6, opts=LINUX, ext=[DST()], dst=NONLOCAL6), 'PASS_NOT_LOCAL', cfg=c,
                sysctls=sc),
        ]
    for suffix, c in BOTH:
        rows += [
            Row('ext6_ah_syn' + suffix, syn(6, opts=LINUX, ext=[AH()]), 'PASS_IPSEC', cfg=c),
            Row('ext6_dst_ah_syn' + suffix, syn(6, opts=LINUX, ext=[DST(), AH()]), 'PASS_IPSEC',
                cfg=c),
            Row('ext6_ah_ack_no_cookie' + suffix, seg(6, ext=[AH()]), 'DROP_COOKIE_INVALID',
                cfg=c),
            Row('ext6_ah_syn_bad_csum' + suffix, syn(6, ext=[AH()]).patched(tcp_bad_csum),
                'PASS_IPSEC', cfg=c),
            Row('ext6_esp' + suffix, ip6_esp(), 'PASS_IPSEC', cfg=c),
            Row('ext6_rtg_sl1_syn' + suffix, syn(6, opts=LINUX, ext=[rtg_sl(1)]),
                'PASS_NOT_LOCAL', cfg=c),
            Row('ext6_9_dst' + suffix, syn(6, opts=LINUX, ext=list(d9)), 'DROP_IP6_EXT_DEPTH',
                cfg=c),
        ]
    big_ah = AH(icv_words=20)
    rows += [
        Row('ext6_ah_syn_signed', syn(6, opts=[('MD5',)], ext=[AH()]), 'PASS_SYN_SIGNED'),
        Row('ext6_ah_syn_bad_option', syn(6, opts=[('RAW', b'\x02\x03\x05\x01')], ext=[AH()]),
            'DROP_OPT_FIXED_LEN'),
        Row('ext6_ah_syn_unprotected', syn(6, opts=LINUX, ext=[AH()]), 'PASS_UNPROTECTED',
            cfg=UNPROT),
        Row('ext6_ah_syn_nonlocal', syn(6, dst=NONLOCAL6, opts=LINUX, ext=[AH()]), 'PASS_IPSEC'),
        Row('ext6_ah_syn_syncookies_1', syn(6, opts=LINUX, ext=[AH()]), 'PASS_IPSEC',
            syncookies=1),
        Row('ext6_ah_syn_fin', syn(6, flags=SYN | FIN, ext=[AH()]), 'DROP_FLAGS_SYN_FIN'),
        Row('ext6_ah_big_icv_ack', seg(6, ext=[big_ah, DST()]), 'DROP_COOKIE_INVALID'),
        Row('ext6_ah_udp', other6(ext=[AH()]), 'PASS_NON_TCP'),
        Row('ext6_ah_rst', seg(6, flags=RST, ext=[AH()]), 'PASS_OTHER'),
        Row('ext6_ah_established_ack',
            tcp_frame(6, src=EST6[0], sport=EST6[1], dst=EST6[2], dport=EST6[3], flags=ACK,
                      ext=[AH()]), 'PASS_SOCKET'),
        Row('ext6_ah_nolisten_drop', seg(6, dport=NOLPORT, ext=[AH()]), 'DROP_NO_LISTENER',
            cfg=DROPNL),
        Row('ext6_dst_esp', ip6_esp(ext=[HBH(), DST()]), 'PASS_IPSEC'),
        Row('ext6_esp_after_8', ip6_esp(ext=list(d8)), 'PASS_IPSEC'),
        Row('ext6_esp_unprotected', ip6_esp(), 'PASS_IPSEC', cfg=UNPROT),
        Row('ext6_esp_martian_src', ip6_esp(src='::1'), 'PASS_IPSEC'),
        Row('ext6_srh_sl1_syn', syn(6, opts=LINUX, ext=[srh(1)]), 'PASS_NOT_LOCAL'),
        Row('ext6_rtg_sl1_syn_fin', syn(6, flags=SYN | FIN, ext=[HBH(), rtg_sl(1)]),
            'PASS_NOT_LOCAL'),
        Row('ext6_rtg_sl1_martian_src', syn(6, src='::1', ext=[rtg_sl(1)]), 'PASS_NOT_LOCAL'),
        Row('ext6_rtg_sl1_after_frag', syn(6, ext=[frag6(0, m=False), rtg_sl(1)]),
            'PASS_NOT_LOCAL'),
        Row('ext6_rtg_sl0_then_sl2', seg(6, ext=[RTG(), rtg_sl(2)]), 'PASS_NOT_LOCAL'),
        Row('ext6_dst_hbh', syn(6, opts=LINUX, ext=[DST(), HBH()]), 'DROP_IP6_HBH_ORDER'),
        Row('ext6_hbh_hbh', seg(6, ext=[HBH(), HBH()]), 'DROP_IP6_HBH_ORDER'),
        Row('ext6_frag_hbh', syn(6, ext=[frag6(0, m=False), HBH()]), 'DROP_IP6_HBH_ORDER'),
        Row('ext6_ah_hbh_unprotected', seg(6, ext=[AH(), HBH()]), 'DROP_IP6_HBH_ORDER',
            cfg=UNPROT),
        Row('ext6_hbh_order_udp', other6(ext=[DST(), HBH()]), 'DROP_IP6_HBH_ORDER'),
        Row('ext6_8_ack', seg(6, ext=list(d8)), 'DROP_COOKIE_INVALID'),
        Row('ext6_8_mixed_ah_ack', seg(6, ext=[HBH(), DST(), RTG(), frag6(0, m=False), AH(),
                                              DST(), RTG(), DST()]), 'DROP_COOKIE_INVALID'),
        Row('ext6_8_udp', other6(ext=list(d8)), 'PASS_NON_TCP'),
        Row('ext6_9_udp', other6(ext=list(d9)), 'DROP_IP6_EXT_DEPTH'),
        Row('ext6_9_mixed', seg(6, ext=[HBH()] + [DST() for _ in range(4)] + [AH()] +
                                [RTG(), frag6(0, m=False), DST()]), 'DROP_IP6_EXT_DEPTH'),
        Row('ext6_9_unprotected', seg(6, ext=list(d9)), 'DROP_IP6_EXT_DEPTH', cfg=UNPROT),
        Row('ext6_10_dst', syn(6, ext=[DST() for _ in range(10)]), 'DROP_IP6_EXT_DEPTH'),
        Row('ext6_9_nonlocal_fwd', syn(6, dst=FAR6, ext=list(d9)), 'DROP_IP6_EXT_DEPTH',
            fwd=(6,)),
        # Truncation: each header needs 8 bytes, then its whole length.
        Row('ext6_ah_len_past_payload', syn(6, ext=[AH()]).patched(u8('l3off', 41, 40)),
            'DROP_IP6_EXT_TRUNC'),
        Row('ext6_ah_len_just_past', seg(6, ext=[AH()]).patched(u8('l3off', 41, 10)),
            'DROP_IP6_EXT_TRUNC'),
        Row('ext6_ah_cut_by_paylen', seg(6, ext=[AH()]).patched(u16('l3off', 4, 16)),
            'DROP_IP6_EXT_TRUNC'),
        Row('ext6_ah_7_bytes', seg(6, ext=[AH()]).patched(u16('l3off', 4, 7)),
            'DROP_IP6_EXT_TRUNC'),
        Row('ext6_ah_len_0_is_8_bytes',
            tcp_frame(6, sport=sp(), flags=ACK, ext=[(51, bytes([0, 0]) + bytes(6))]),
            'DROP_COOKIE_INVALID'),
        Row('ext6_frag_7_bytes', seg(6, ext=[DST(), frag6(0, m=False)]).patched(
            u16('l3off', 4, 8 + 7)), 'DROP_IP6_EXT_TRUNC'),
        Row('ext6_8th_truncated', seg(6, ext=list(d8)).patched(u8('l3off', 40 + 7 * 8 + 1, 9)),
            'DROP_IP6_EXT_TRUNC'),
        # A routing header with segments left must be whole like any other:
        # a truncated one is malformed (the kernel's ipv6_rthdr_rcv() pulls
        # the whole header before it reads segments left, and drops it).
        Row('ext6_rtg_sl1_cut_by_paylen', seg(6, ext=[rtg_sl(1)]).patched(u16('l3off', 4, 16)),
            'DROP_IP6_EXT_TRUNC'),
        Row('ext6_rtg_sl1_len_past_payload', syn(6, ext=[rtg_sl(1)]).patched(
            u8('l3off', 41, 10)), 'DROP_IP6_EXT_TRUNC'),
        Row('ext6_rtg_sl1_7_bytes', seg(6, ext=[rtg_sl(1)]).patched(u16('l3off', 4, 7)),
            'DROP_IP6_EXT_TRUNC'),
        # A later fragment ends the walk: what follows is payload.
        Row('ext6_later_frag_then_hbh_nh', ip6_raw_frag(3, nh=0), 'PASS_NON_TCP'),
        Row('ext6_later_frag_after_ah', ip6_raw_frag(3, ext=[AH()]), 'PASS_FRAGMENT'),
        Row('ext6_later_frag_after_8', ip6_raw_frag(3, ext=[DST() for _ in range(7)]),
            'PASS_FRAGMENT'),
    ]
    return rows


# ---------------------------------------------------------------- what the kernel would offer

def server_rows():
    """The SYN-ACK offers what the kernel would negotiate now (README "The
    SYN-ACK"), in both cookie modes: the MSS from the ingress device's MTU
    and the route sysctls, the listener's TCP_MAXSEG; TTL / hop limit from
    the listener or the namespace; ECN; the window shift of the listener."""
    P = topo.LPORTS
    rows = []
    for suffix, c0, sc in (('', BASE, {}), ('_ts', BASE, TS2), ('_own', OWN, {})):
        c = dict(c0, mss4=0, mss6=0)
        r = tx_reason(c)
        rows += [
            # MSS from tiny MTUs: MTU - 40 (IPv4), MTU - 60 (IPv6).
            Row('mtu552_mss512' + suffix,
                syn(4, dst='198.18.2.2', opts=LINUX).to_mac(topo.TINY552.mac_bytes), r, cfg=c,
                sysctls=sc, ifindex=topo.TINY552.name),
            Row('mtu400_mss360' + suffix,
                syn(4, dst='198.18.3.2', opts=LINUX).to_mac(topo.TINY400.mac_bytes), r, cfg=c,
                sysctls=sc, ifindex=topo.TINY400.name),
            Row('mtu1280_v6_mss1220' + suffix,
                syn(6, dst='fd00:4::2', opts=LINUX).to_mac(topo.MIN6.mac_bytes), r, cfg=c,
                sysctls=sc, ifindex=topo.MIN6.name),
            Row('mtu1280_v4_mss1240' + suffix,
                syn(4, dst='198.18.4.2', opts=WINDOWS).to_mac(topo.MIN6.mac_bytes), r, cfg=c,
                sysctls=sc, ifindex=topo.MIN6.name),
            Row('mtu9000_mss8960' + suffix,
                syn(4, dst='198.18.1.2', opts=MACOS).to_mac(topo.JUMBO.mac_bytes), r, cfg=c,
                sysctls=sc, ifindex=topo.JUMBO.name),
            # net.ipv4.route.min_adv_mss above MTU - 40 wins; so does IPv6's.
            Row('min_adv_mss4_1000_mtu552' + suffix,
                syn(4, dst='198.18.2.2', opts=LINUX).to_mac(topo.TINY552.mac_bytes), r, cfg=c,
                sysctls=more(sc, sysctls(min_adv_mss4=1000)), ifindex=topo.TINY552.name),
            Row('min_adv_mss4_1480_mtu1500' + suffix, syn(4, opts=LINUX), r, cfg=c,
                sysctls=more(sc, sysctls(min_adv_mss4=1480))),
            Row('min_adv_mss6_1300_mtu1280' + suffix,
                syn(6, dst='fd00:4::2', opts=LINUX).to_mac(topo.MIN6.mac_bytes), r, cfg=c,
                sysctls=more(sc, sysctls(min_adv_mss6=1300)), ifindex=topo.MIN6.name),
            Row('min_adv_mss4_below_mtu_no_effect' + suffix, syn(4, opts=LINUX), r, cfg=c,
                sysctls=more(sc, sysctls(min_adv_mss4=100))),
            # The configured MSS replaces the MTU part (as a route's advmss).
            Row('cfg_mss4_1000_ignores_min_adv_mss' + suffix, syn(4, opts=LINUX), r,
                cfg=dict(c, mss4=1000), sysctls=more(sc, sysctls(min_adv_mss4=1400))),
            Row('cfg_mss4_50_floor_88' + suffix, syn(4, opts=LINUX), r, cfg=dict(c, mss4=50),
                sysctls=sc),
            # The listener's TCP_MAXSEG, when smaller (also the kernel cookie's MSS).
            Row('listener_maxseg_1000_v4' + suffix, syn(4, dport=P['maxseg'], opts=LINUX), r,
                cfg=c, sysctls=sc),
            Row('listener_maxseg_1000_v6' + suffix, syn(6, dport=P['maxseg'], opts=MACOS), r,
                cfg=c, sysctls=sc),
            Row('listener_maxseg_1000_cfg_mss' + suffix, syn(4, dport=P['maxseg'], opts=LINUX),
                r, cfg=dict(c, mss4=1460), sysctls=sc),
            Row('listener_maxseg_above_mtu552' + suffix,
                syn(4, dst='198.18.2.2', dport=P['maxseg'], opts=LINUX).to_mac(
                    topo.TINY552.mac_bytes), r, cfg=c, sysctls=sc, ifindex=topo.TINY552.name),
            # An MPTCP listener gets the kernel's cookie in both modes:
            # bpf_sk_assign_tcp_reqsk() refuses it an own cookie's socket.
            Row('listener_mptcp_v4' + suffix, syn(4, dport=P['mptcp'], opts=LINUX),
                'TX_SYNACK_COOKIE', cfg=c, sysctls=sc),
            Row('listener_mptcp_v6' + suffix, syn(6, dport=P['mptcp'], opts=MACOS),
                'TX_SYNACK_COOKIE', cfg=c, sysctls=sc),
            # The SYN-ACK's window: the listener's (tcp_openreq_init_rwin()).
            Row('window_signed_windows_workaround' + suffix, syn(4, opts=LINUX), r, cfg=c,
                sysctls=more(sc, sysctls(workaround_signed_windows=1))),
            Row('window_rcvbuf_listener' + suffix, syn(4, dport=P['rcvbuf'], opts=LINUX), r,
                cfg=c, sysctls=sc),
            Row('window_clamp_listener_v6' + suffix, syn(6, dport=P['clamp'], opts=LINUX), r,
                cfg=c, sysctls=sc),
            # A clamp below the buffer's space limits the window itself.
            Row('window_clamp_small_v4' + suffix, syn(4, dport=P['clamp_small'], opts=LINUX), r,
                cfg=c, sysctls=sc),
            Row('window_clamp_small_v6' + suffix, syn(6, dport=P['clamp_small'], opts=MACOS), r,
                cfg=c, sysctls=sc),
            # TTL / hop limit: the listener's, else the namespace's / device's.
            Row('ttl_ip_default_ttl' + suffix, syn(4, opts=LINUX), r, cfg=dict(c, ttl=0),
                sysctls=more(sc, sysctls(ip_default_ttl=42))),
            Row('ttl_listener_ip_ttl' + suffix, syn(4, dport=P['ttl'], opts=LINUX), r,
                cfg=dict(c, ttl=0), sysctls=more(sc, sysctls(ip_default_ttl=42))),
            Row('ttl_cfg_over_listener' + suffix, syn(4, dport=P['ttl'], opts=LINUX), r,
                cfg=dict(c, ttl=200), sysctls=sc),
            Row('hop_limit_device' + suffix, syn(6, opts=LINUX), r, cfg=dict(c, hop_limit=0),
                sysctls=more(sc, sysctls(hop_limit_synx0=77))),
            Row('hop_limit_other_device_not_used' + suffix, syn(6, opts=LINUX), r,
                cfg=dict(c, hop_limit=0), sysctls=more(sc, sysctls(hop_limit_synx1=33))),
            Row('hop_limit_jumbo_device' + suffix,
                syn(6, dst='fd00:1::2', opts=LINUX).to_mac(topo.JUMBO.mac_bytes), r,
                cfg=dict(c, hop_limit=0), sysctls=more(sc, sysctls(hop_limit_synx1=33)),
                ifindex=topo.JUMBO.name),
            Row('hop_limit_listener' + suffix, syn(6, dport=P['ttl'], opts=LINUX), r,
                cfg=dict(c, hop_limit=0), sysctls=more(sc, sysctls(hop_limit_synx0=77))),
            Row('hop_limit_cfg_over_listener' + suffix, syn(6, dport=P['ttl'], opts=LINUX), r,
                cfg=dict(c, hop_limit=5), sysctls=sc),
            # ECN: an ECN-setup SYN that is itself ECT-marked gets none,
            # unless it carries AccECN's AE bit.
            Row('ecn_ect0_syn_no_ecn' + suffix, syn(4, opts=LINUX, flags=SYN | ECE | CWR, tos=2),
                r, cfg=c, sysctls=sc),
            Row('ecn_ect1_syn_no_ecn' + suffix, syn(4, opts=LINUX, flags=SYN | ECE | CWR, tos=1),
                r, cfg=c, sysctls=sc),
            Row('ecn_ce_syn_no_ecn_v6' + suffix, syn(6, opts=LINUX, flags=SYN | ECE | CWR, tos=3),
                r, cfg=c, sysctls=sc),
            Row('ecn_ect0_ae_syn_ecn' + suffix,
                syn(4, opts=LINUX, flags=SYN | ECE | CWR, tos=2, res=1), r, cfg=c, sysctls=sc),
            Row('ecn_ae_no_ect_ecn_v6' + suffix,
                syn(6, opts=MACOS, flags=SYN | ECE | CWR, res=1), r, cfg=c, sysctls=sc),
            Row('ecn_ect0_other_res_bit_no_ecn' + suffix,
                syn(4, opts=LINUX, flags=SYN | ECE | CWR, tos=2, res=2), r, cfg=c, sysctls=sc),
            Row('ecn_dscp_only_ecn' + suffix, syn(4, opts=LINUX, flags=SYN | ECE | CWR, tos=0xb8),
                r, cfg=c, sysctls=sc),
            Row('ecn_tcp_ecn_1' + suffix, syn(4, opts=LINUX, flags=SYN | ECE | CWR), r, cfg=c,
                sysctls=more(sc, sysctls(ecn=1))),
            Row('ecn_tcp_ecn_0_ae' + suffix,
                syn(4, opts=LINUX, flags=SYN | ECE | CWR, tos=2, res=1), r, cfg=c,
                sysctls=more(sc, sysctls(ecn=0))),
            # Our window shift: tcp_select_initial_window() for the listener.
            Row('wscale_default_listener' + suffix, syn(4, opts=LINUX), r, cfg=c, sysctls=sc),
            Row('wscale_so_rcvbuf_16k' + suffix, syn(4, dport=P['rcvbuf'], opts=LINUX), r, cfg=c,
                sysctls=sc),
            Row('wscale_so_rcvbuf_16k_v6' + suffix, syn(6, dport=P['rcvbuf'], opts=MACOS), r,
                cfg=c, sysctls=sc),
            Row('wscale_window_clamp_1m' + suffix, syn(4, dport=P['clamp'], opts=LINUX), r,
                cfg=c, sysctls=sc),
            Row('wscale_window_clamp_1m_rmem_max_64m' + suffix,
                syn(6, dport=P['clamp'], opts=LINUX), r, cfg=dict(c, rmem_max=1 << 26),
                sysctls=sc),
            Row('wscale_tcp_rmem_1m' + suffix, syn(4, opts=LINUX), r, cfg=c,
                sysctls=more(sc, sysctls(rmem=(4096, 131072, 1 << 20)))),
            Row('wscale_tcp_rmem_4k' + suffix, syn(4, opts=LINUX), r, cfg=c,
                sysctls=more(sc, sysctls(rmem=(4096, 131072, 4096)))),
            Row('wscale_rmem_max_64m' + suffix, syn(4, opts=LINUX), r,
                cfg=dict(c, rmem_max=1 << 26), sysctls=sc),
            Row('wscale_rmem_max_1g' + suffix, syn(6, opts=LINUX), r,
                cfg=dict(c, rmem_max=1 << 30), sysctls=sc),
            Row('wscale_rmem_max_small' + suffix, syn(4, opts=LINUX), r,
                cfg=dict(c, rmem_max=4096), sysctls=more(sc, sysctls(rmem=(4096, 131072, 4096)))),
            # Quantised by the cookie's MSS: a 65536-byte space rounded down
            # to a multiple of 1460 is below 2^16 (shift 0, not 1).
            Row('wscale_rounded_by_cookie_mss' + suffix, syn(4, opts=LINUX), r,
                cfg=dict(c, rmem_max=4096), sysctls=more(sc, sysctls(rmem=(4096, 131072, 4096)))),
            Row('wscale_rounded_by_cookie_mss_v6' + suffix, syn(6, opts=LINUX), r,
                cfg=dict(c, rmem_max=4096), sysctls=more(sc, sysctls(rmem=(4096, 131072, 4096)))),
            Row('wscale_rounded_maxseg_listener' + suffix, syn(4, dport=P['maxseg'], opts=LINUX),
                r, cfg=dict(c, rmem_max=4096),
                sysctls=more(sc, sysctls(rmem=(4096, 131072, 4096)))),
            Row('wscale_cfg_wscale_ignored' + suffix, syn(4, opts=LINUX), r,
                cfg=dict(c, wscale=1), sysctls=sc),
        ]
    for suffix, c in BOTH:
        rows += [
            # The kernel's policy: a full accept queue drops the SYN whatever
            # tcp_syncookies says; tcp_syncookies=0 leaves SYNs to the kernel.
            Row('accept_full_syncookies_2_v4' + suffix, syn(4, dport=P['accept_full'], opts=LINUX),
                'DROP_ACCEPT_FULL', cfg=c),
            Row('accept_full_syncookies_2_v6' + suffix, syn(6, dport=P['accept_full'], opts=LINUX),
                'DROP_ACCEPT_FULL', cfg=c),
            Row('accept_full_syncookies_1' + suffix, syn(4, dport=P['accept_full'], opts=LINUX),
                'DROP_ACCEPT_FULL', cfg=c, syncookies=1),
            Row('accept_full_syncookies_0' + suffix, syn(6, dport=P['accept_full'], opts=LINUX),
                'DROP_ACCEPT_FULL', cfg=c, syncookies=0),
            Row('accept_full_ack_no_cookie' + suffix, seg(4, dport=P['accept_full']),
                'DROP_COOKIE_INVALID', cfg=c),
            Row('accept_full_bad_csum_first' + suffix,
                syn(4, dport=P['accept_full']).patched(tcp_bad_csum), 'DROP_TCP_CSUM', cfg=c),
            Row('syncookies_0_v4' + suffix, syn(4, opts=LINUX), 'PASS_SYN_KERNEL', cfg=c,
                syncookies=0),
            Row('syncookies_0_v6' + suffix, syn(6, opts=LINUX), 'PASS_SYN_KERNEL', cfg=c,
                syncookies=0),
        ]
    return rows


def frag_first_scenarios():
    """First fragments are judged as their whole segment: a handshake ACK
    split by the client completes with a kernel cookie (the kernel
    reassembles, then checks it), not with an own cookie (tc cannot hand a
    fragment off: PASS_FRAGMENT, no metadata); behind it, the flow's next
    segments are follow-ups."""
    def first4(s, c, **kw):
        return ack_for(s, c, mf=True, df=False, payload=b'f' * 16, **kw)

    def first6(s, c, **kw):
        return ack_for(s, c, ext=[frag6(0, m=True)], payload=b'f' * 16, **kw)

    rows = [
        Scenario('frag4_first_ack_kernel_cookie', replay(4, first4, 'PASS_COOKIE_OK')),
        Scenario('frag6_first_ack_kernel_cookie', replay(6, first6, 'PASS_COOKIE_OK')),
        Scenario('frag4_first_ack_kernel_cookie_ts', replay(4, first4, 'PASS_COOKIE_OK', BASE,
                                                            TS2)),
        Scenario('frag4_first_ack_own_cookie', replay(4, first4, 'PASS_FRAGMENT', OWN)),
        Scenario('frag6_first_ack_own_cookie', replay(6, first6, 'PASS_FRAGMENT', OWN)),
        Scenario('frag6_first_ack_own_cookie_after_dst',
                 replay(6, lambda s, c: ack_for(s, c, ext=[DST(), frag6(0, m=True), DST()],
                                                payload=b'g' * 8), 'PASS_FRAGMENT', OWN)),
        Scenario('frag4_first_ack_bad_kernel_cookie',
                 replay(4, lambda s, c: first4(s, (c + 4) & 0xffffffff), 'DROP_COOKIE_INVALID'),
                 malformed=True),
        Scenario('frag6_first_ack_bad_own_cookie',
                 replay(6, lambda s, c: first6(s, c ^ 1), 'DROP_COOKIE_INVALID', OWN),
                 malformed=True),
        Scenario('frag4_first_ack_own_then_followup', replay_steps(4, OWN, [
            ('first fragment', first4, 'PASS_FRAGMENT'),
            ('data behind it', lambda s, c: ack_for(s, c, flags=ACK | PSH, payload=b'd' * 100),
             'PASS_COOKIE_FOLLOWUP')])),
        # AH in front of the handshake ACK: judged normally, both modes.
        Scenario('ext6_ah_ack_kernel_cookie',
                 replay(6, lambda s, c: ack_for(s, c, ext=[AH()]), 'PASS_COOKIE_OK')),
        Scenario('ext6_ah_ack_own_cookie',
                 replay(6, lambda s, c: ack_for(s, c, ext=[DST(), AH()]), 'PASS_OWN_COOKIE_OK',
                        OWN)),
        Scenario('ext6_8_headers_ack_own_cookie',
                 replay(6, lambda s, c: ack_for(s, c, ext=[DST() for _ in range(8)]),
                        'PASS_OWN_COOKIE_OK', OWN)),
        # Forwarding on: a local handshake completes as ever.
        Scenario('fwd_local_roundtrip_v4', replay(4, lambda s, c: ack_for(s, c), 'PASS_COOKIE_OK',
                                                  fwd=(4, 6))),
        Scenario('fwd_local_roundtrip_v6_own', replay(6, lambda s, c: ack_for(s, c),
                                                      'PASS_OWN_COOKIE_OK', OWN, fwd=(4, 6))),
        Scenario('dst_vip_roundtrip_v6_own',
                 replay(6, lambda s, c: ack_for(s, c), 'PASS_OWN_COOKIE_OK', OWN,
                        mk=lambda: syn(6, dst=topo.VIP6, opts=LINUX))),
        Scenario('dst_other_device_roundtrip_v4',
                 replay(4, lambda s, c: ack_for(s, c), 'PASS_COOKIE_OK',
                        mk=lambda: syn(4, dst='198.18.1.2', opts=LINUX))),
    ]
    first_other = [
        Row('frag4_first_ack_established',
            tcp_frame(4, src=EST4[0], sport=EST4[1], dst=EST4[2], dport=EST4[3], flags=ACK,
                      mf=True, df=False, payload=b'e' * 16), 'PASS_SOCKET'),
        Row('frag6_first_ack_established',
            tcp_frame(6, src=EST6[0], sport=EST6[1], dst=EST6[2], dport=EST6[3], flags=ACK,
                      ext=[frag6(0, m=True)], payload=b'e' * 16), 'PASS_SOCKET'),
        Row('frag4_first_ack_unprotected', seg(4, mf=True, df=False, payload=b'u' * 16),
            'PASS_UNPROTECTED', cfg=UNPROT),
        Row('frag4_first_rst', seg(4, flags=RST, mf=True, df=False, payload=b'r' * 16),
            'PASS_OTHER'),
        Row('frag4_first_ack_nonlocal', seg(4, dst=NONLOCAL4, mf=True, df=False,
                                            payload=b'n' * 16), 'PASS_NOT_LOCAL'),
        Row('frag6_first_ack_no_listener', seg(6, dport=NOLPORT, ext=[frag6(0, m=True)],
                                               payload=b'n' * 16), 'PASS_NO_LISTENER'),
        Row('frag6_first_ack_no_listener_drop', seg(6, dport=NOLPORT, ext=[frag6(0, m=True)],
                                                    payload=b'n' * 16), 'DROP_NO_LISTENER',
            cfg=DROPNL),
        Row('frag4_first_ack_own_no_cookie', seg(4, mf=True, df=False, payload=b'o' * 16),
            'DROP_COOKIE_INVALID', cfg=OWN),
        Row('frag6_first_syn_after_dst', syn(6, opts=LINUX, ext=[DST(), frag6(0, m=True), DST()]),
            'DROP_FRAG_SYN'),
        Row('frag6_first_syn_own', syn(6, opts=LINUX, ext=[frag6(0, m=True)]), 'DROP_FRAG_SYN',
            cfg=OWN),
    ]
    return rows + first_other


def replay_steps(fam, cfg_, steps, sc=None):
    """A SYN that must be answered, then several ACKs (label, mutate, want)."""
    def fn(h):
        s = syn(fam, opts=LINUX)
        errs, cookie = h.expect(s, tx_reason(cfg_), cfg=cfg_, sysctls=sc)
        if errs or cookie is None:
            return ['SYN: ' + e for e in errs] or ['SYN: no cookie']
        out = []
        for label, mutate, want in steps:
            errs, _ = h.expect(mutate(s, cookie), want, cfg=cfg_, sysctls=sc)
            out += [f'{label}: {e}' for e in errs]
        return out
    return fn


def kernel_state_scenarios():
    """What the program learns only from the kernel: whether the kernel
    honours its own cookie (a listener that never overflowed refuses it,
    in both modes; own mode never stamps an overflow), and the namespace's
    addresses as seen by a program that has just been loaded."""
    port = topo.LPORTS['fresh']

    def kernel_cookie_needs_overflow(h):
        errs = []
        s = syn(4, dport=port, opts=LINUX)
        e, kcookie = h.expect(s, 'TX_SYNACK_COOKIE', cfg=BASE)
        if e or kcookie is None:
            return ['kernel-mode SYN: ' + x for x in e] or ['no cookie']
        h.socks.reopen(port)  # same port, a listener with no overflow stamped
        a = ack_for(s, kcookie)
        for label, c in (('own mode', OWN), ('kernel mode', BASE)):
            h.tool.forget()
            e, _ = h.expect(a, 'DROP_COOKIE_INVALID', cfg=c)
            errs += [f'{label}, fresh listener: {x}' for x in e]
        # An own-mode SYN does not make the kernel's cookie acceptable ...
        e, _ = h.expect(syn(4, dport=port, opts=LINUX), 'TX_SYNACK_OWN', cfg=OWN)
        errs += ['own-mode SYN: ' + x for x in e]
        h.tool.forget()
        e, _ = h.expect(a, 'DROP_COOKIE_INVALID', cfg=OWN)
        errs += ['own mode, after an own-mode SYN: ' + x for x in e]
        # ... a kernel-mode one (bpf_tcp_gen_syncookie()) does, in both modes.
        e, _ = h.expect(syn(4, dport=port, opts=LINUX), 'TX_SYNACK_COOKIE', cfg=BASE)
        errs += ['kernel-mode SYN: ' + x for x in e]
        h.tool.forget()
        e, _ = h.expect(a, 'PASS_COOKIE_OK', cfg=OWN)
        errs += ['own mode, after a kernel-mode SYN: ' + x for x in e]
        return errs

    def fresh_program_other_device(h):
        """A freshly loaded program judges SYNs on synx0 to synx1's address
        (a service address on another device, as on a DSR host whose VIP
        sits on a dummy device and whose clients only ever reach the VIP):
        local (weak host model) from the first one on."""
        from synxtest.testrun import TestRun
        t = TestRun(forge=None)
        errs = []
        h.settings()
        try:
            t.config(BASE)
            t.ports(())
            for fam, dst in ((4, '198.18.1.2'), (6, 'fd00:1::2')):
                got = []
                for _ in range(3):
                    f = syn(fam, dst=dst, opts=LINUX)
                    got += sorted(t.run(f.raw, h.ns.ifindex(DUT)).reasons)
                if got != ['TX_SYNACK_COOKIE'] * 3:
                    errs.append(f'v{fam}: 3 SYNs to another device\'s address, the first '
                                f'packets: expected TX_SYNACK_COOKIE each, got {",".join(got)}')
        finally:
            t.close()
        return errs

    return [Scenario('own_kernel_cookie_needs_recent_overflow', kernel_cookie_needs_overflow),
            Scenario('dst_other_device_first_packet', fresh_program_other_device)]
