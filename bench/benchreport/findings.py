# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""What the numbers say, computed from them where possible."""
from .context import VARIANT
from .stages import stage_rows
from .stats import clients_cell


def findings(rep):
    """What the numbers say, computed from them where possible: one paragraph each."""
    R, facts, closed, rr, mic = rep.R, rep.facts, rep.closed, rep.rr, rep.mic
    client_res, v6_na, rrfmt = rep.client_res, rep.v6_na, rep.rrfmt
    out = []
    s4, a4 = closed['syn4-closed'], closed['ack4-closed']
    own, kc, peer = s4['synx'], s4['synx-kc'], s4['xsp']
    if peer[0] and own[0] and kc[0]:
        a_own, a_kc, a_peer = a4['synx'], a4['synx-kc'], a4['xsp']
        out.append(
            f"Against the peer, IPv4 closed mode (the whole chain, one core): a spoofed SYN costs "
            f"{own[0]:.0f} ns with own cookies, {kc[0]:.0f} ns with kernel cookies and "
            f"{peer[0]:.0f} ns through the kernel's xdp_synproxy (per-round ratios "
            f"{rrfmt(rr[('syn4-closed', 'synx', 'xsp')])} and "
            f"{rrfmt(rr[('syn4-closed', 'synx-kc', 'xsp')])}); a bad-cookie ACK "
            f"{a_own[0]:.0f} / {a_kc[0]:.0f} / {a_peer[0]:.0f} ns "
            f"({rrfmt(rr[('ack4-closed', 'synx', 'xsp')])} and "
            f"{rrfmt(rr[('ack4-closed', 'synx-kc', 'xsp')])}). The bounds: reflect-only "
            f"{s4['reflect'][0]:.0f} ns per SYN, drop-only {a4['drop'][0]:.0f} ns per ACK.")
    lk_s, lk_a = s4['lookup'][0], a4['lookup'][0]
    hot = [mic.get(n) for n in ('part-lookup-syn4', 'part-lookup-ack4')]
    if lk_s and lk_a and s4['reflect'][0] and a4['drop'][0]:
        pl = {t: rr.get((t, 'lookup', 'bound')) for t in ('syn4-closed', 'ack4-closed')}
        out.append(
            f"The floor (the lookup bound, IPv4 closed mode): asking the socket table about a "
            f"spoofed 4-tuple costs {lk_s - s4['reflect'][0]:.0f} ns per SYN and "
            f"{lk_a - a4['drop'][0]:.0f} ns per ACK of the whole chain"
            + (f", against {hot[0]['net'][0]:.0f} and {hot[1]['net'][0]:.0f} ns with a hot "
               "cache (micro); the difference is what the probe costs under a spoofed flood, "
               "its cache misses included (not separated further here)" if all(hot) else '')
            + f". That puts the floor at {rrfmt(pl['syn4-closed'])} the reflect-only bound "
            f"and {rrfmt(pl['ack4-closed'])} the drop-only bound: a target against the bounds "
            'below the floor in every round cannot be met by a defence that asks the socket '
            'table before it answers or drops. The peer asks conntrack instead, per SYN and per '
            'ACK.')
    pk = [mic.get(n) for n in ('syn4-linux', 'syn4-linux-own', 'peer-syn4-linux',
                               'ack4-bad-cookie', 'ack4-bad-own-cookie',
                               'peer-ack4-bad-cookie')]
    if all(pk):
        k, o, p, ak, ao, ap = (x['net'][0] for x in pk)
        out.append(
            f"Program cost alone (micro, same frames): SYN v4 {o:.0f} ns own cookies, {k:.0f} ns "
            f"kernel cookies, {p:.0f} ns the peer; bad-cookie ACK v4 {ao:.0f} ns own (both "
            f"checks), {ak:.0f} ns kernel cookies, {p and ap:.0f} ns the peer. The peer does "
            'less per SYN: no listener lookup (it answers for a port list; a conntrack lookup '
            'instead), no look at the listener\'s queues or the host\'s addresses, '
            '`bpf_tcp_raw_gen_syncookie_ipv4` (no '
            'listener), options parsed only for its timestamp cookie; and per ACK a conntrack '
            'lookup and `bpf_tcp_raw_check_syncookie_ipv4`, where synx looks up the listener '
            'first and, in own mode, hashes with SipHash-2-4.')
    pp = {n: mic[n]['net'][0] for n in ('part-clock', 'part-clock-coarse', 'part-siphash4',
                                         'part-lookup-syn4', 'part-lookup-kcookie-syn4',
                                         'part-lookup-ack4', 'part-lookup-kcheck-ack4')
          if n in mic}
    if len(pp) == 7:
        kcook = pp['part-lookup-kcookie-syn4'] - pp['part-lookup-syn4']
        kchk = pp['part-lookup-kcheck-ack4'] - pp['part-lookup-ack4']
        out.append(
            f"The candidates, each measured alone (micro): the kernel's cookie, which kernel-"
            f"cookie mode asks for per SYN (own mode no longer does), costs {kcook:.0f} ns "
            f"(`bpf_tcp_gen_syncookie` after the lookup); synx's SipHash-2-4 MAC "
            f"{pp['part-siphash4']:.0f} ns per cookie (issue or check); a precise clock read "
            f"{pp['part-clock']:.0f} ns (coarse: {pp['part-clock-coarse']:.0f} ns); the socket "
            f"lookup {pp['part-lookup-syn4']:.0f} ns for a SYN and {pp['part-lookup-ack4']:.0f} "
            f"ns for an ACK with a hot cache; the kernel's check of a bad cookie {kchk:.0f} ns. "
            'The option walk is the stage row below (`bpf_loop` plus the port policy).')
    st = stage_rows(mic)
    if st:
        parts = ', '.join(f'{n.split(" (")[0].lstrip("+ ")} {dm:.0f}' for n, dm, _ in st[:-1])
        out.append(f"Where synx's SYN v4 time goes (micro stage rows, medians, ns): {parts}.")
    groups = [
        ('established-hash lookup', ('__inet_lookup_established', '__inet6_lookup_established',
                                     'inet_ehashfn', 'inet6_ehashfn')),
        ('listener lookup', ('__inet_lookup_listener', 'inet_lhash2_lookup',
                             'inet6_lhash2_lookup', '__inet6_lookup_listener')),
        ('conntrack lookup and its SipHash', ('__nf_conntrack_find_get', '__siphash_unaligned',
                                             '__bpf_nf_ct_lookup', 'hash_conntrack_raw')),
        ('the XDP program', ('bpf_prog_',)),
        ('kernel cookie (hash, option re-parse, helpers)', ('siphash_2u64', 'siphash_4u32', '__cookie_v4_check',
                                           '__cookie_v6_check', '__cookie_v4_init_sequence',
                                           '__cookie_v6_init_sequence', 'tcp_v4_get_syncookie',
                                           'tcp_v6_get_syncookie', 'cookie_v4_check',
                                           'tcp_parse_mss_option', 'tcp_get_syncookie_mss')),
        ('clock reads', ('pvclock_', 'kvm_clock_', 'ktime_get')),
        ('veth, page pool and their locks', ('veth_', 'page_pool_', '__xdp_return',
                                             '_raw_spin_lock', 'native_queued_spin_lock')),
    ]
    for kind in ('syn4', 'ack4'):
        tops = []
        for scn in ('synx', 'synx-kc', 'xsp'):
            p = rep.profiles.get((scn, kind))
            if not p:
                continue
            share = {}
            for line in p:
                parts = line.split()
                if len(parts) >= 3 and parts[0].endswith('%'):
                    share[parts[-1]] = share.get(parts[-1], 0) + float(parts[0][:-1])
            cells = []
            for name, prefixes in groups:
                v = sum(x for k2, x in share.items() if k2.startswith(prefixes))
                if v >= 0.5:
                    cells.append(f'{name} {v:.1f}%')
            tops.append(f"{VARIANT[scn]}: {', '.join(cells)}")
        if tops:
            out.append(f"Profile of the DUT thread, IPv4 {'SYN' if kind == 'syn4' else 'bad-ACK'} "
                       f"flood, grouped (top lines only): {'; '.join(tops)}.")
    a_own, a_kc = a4['synx'], a4['synx-kc']
    chk, lk = mic.get('part-lookup-kcheck-ack4'), mic.get('part-lookup-ack4')
    if a_own[0] and a_kc[0] and chk and lk:
        # What the kernel sent itself during own mode's SYN floods (nstat deltas).
        syns = [r for t in ('syn4-closed', 'syn6-closed', 'syn4-split', 'syn6-split')
                for r in R.get(t, 'synx')]
        sent = sum(r['deltas'].get('nstat.TcpExtSyncookiesSent', 0) for r in syns)
        left = sum(x for r in syns for k2, x in r['deltas'].items()
                   if k2.endswith('counters.pass_syn_kernel.packets'))
        measured = (f" Measured in own mode's SYN floods here: the kernel sent {int(sent):,} "
                    f"cookies of its own (`TcpExtSyncookiesSent`) for {int(left):,} SYNs synx "
                    'left to it.' if syns and left else '')
        out.append(
            'Own mode checks a bad ACK twice, its own cookie and then the kernel\'s '
            '(`bpf_tcp_check_syncookie()`), which gives up at once unless the kernel sent a '
            'cookie for the listener in the last two minutes. With `tcp_syncookies=1` it does '
            'during a SYN flood in own mode too: a SYN that synx leaves to the kernel because '
            'the SYN queue had room when synx read it can find the queue full when the kernel '
            f'takes it.{measured} So during a SYN flood, and for two minutes after, the '
            f"kernel\'s check runs in full: {chk['net'][0] - lk['net'][0]:.0f} ns in the micro "
            '(the pieces table). In this lab own mode\'s ACK floods also run within two minutes '
            'of scenarios in which the kernel sends cookies on the same listener (the kernel '
            'alone, SYNPROXY, synx with kernel cookies), so they measure the full check '
            'whatever that race does.')
    # Random ACKs that pass as own cookies: the forgery rate, measured.
    acks = [r for t in ('ack4-closed', 'ack6-closed', 'ack4-split', 'ack6-split')
            for r in R.get(t, 'synx')]
    if acks:
        seen = sum(r['dut_rx'] for r in acks)
        passed = sum(x for r in acks for k2, x in r['deltas'].items()
                     if k2.endswith('pass_own_cookie_ok.packets'))
        out.append(
            f"Forgery, measured: in own mode's ACK floods {int(passed)} of {int(seen):,} random "
            f"ACKs passed as valid own cookies, against {seen / 2 ** 22:.1f} expected at the "
            'designed 2^-22 per ACK. Each creates a connection the server then serves (its '
            'byte and FIN go to the spoofed address: the sink sees them as data segments).')
    half = [c for (s2, fam), cs in client_res.items() for c in cs
            if c and c['half'] and not (fam == 6 and s2 in ('xsp', 'nft'))]
    if half:
        out.append(
            'A few clients of several scenarios (the kernel alone too) got a SYN-ACK and never '
            'the server\'s byte ("SYN-ACK only"): their handshake ACK was lost in veth\'s ring, '
            'shared with the flood. With cookies the server keeps no state, so nothing '
            'retransmits for a server-speaks-first protocol, and the client waits for a byte '
            'that cannot come: a property of SYN cookies, not of a scenario.')
    if v6_na:
        xs = [r for t in ('syn6-closed-cl', 'syn6-split', 'idle') for r in R.get(t, 'xsp')]
        c = clients_cell(xs, 6)
        sp = {}
        for r in xs:
            for k2, x in r['deltas'].items():
                if k2.startswith('synproxy.'):
                    sp[k2] = sp.get(k2, 0) + x
        txt = (f"IPv6 through the peer: n/a here. {v6_na}. Its XDP program answers IPv6 SYNs "
               f"(the SYN v6 rows), but of {int(c['att'])} IPv6 client connections "
               f"{int(c['ok'])} completed and {int(c['half'])} got a SYN-ACK and never reached "
               f"the server: the handshake's ACK, passed by XDP, dies in nftables SYNPROXY.")
        if sp:
            txt += (" SYNPROXY's own counters over those tests (/proc/net/stat/synproxy, IPv4 "
                    'clients included): ' +
                    ', '.join(f"{k.split('.', 1)[1]} +{int(x)}" for k, x in sorted(sp.items())
                              if 'entries' not in k) + '.')
        if 'v6probe_nft_csum_partial' not in facts:
            txt += ' (No probe in this run: a full run says why.)'
        else:
            for name, lab in (('v6probe_xsp', 'through the peer, full checksums'),
                              ('v6probe_nft_csum_full', 'through SYNPROXY alone, full checksums'),
                              ('v6probe_nft_csum_partial', 'through SYNPROXY alone, partial '
                               'checksums (sender TX offload on)')):
                if name in facts:
                    txt += f' Probe {lab}: `{facts[name]}`.'
            txt += (' With full checksums (what a NIC delivers) SYNPROXY counts no IPv6 SYN '
                    '(`syn_received`) and no IPv6 ACK (`cookie_valid`/`cookie_invalid`) and '
                    'answers none, while the same clients complete when the checksum is left '
                    'partial and so never verified: the drop is in its checksum check, which is '
                    'what verifying an IPv6 segment with the IPv4 helper (as '
                    '`nft_synproxy_do_eval()` is suspected of doing on this kernel) would do; '
                    'the cookie is never looked at. `capture_in` counts the client\'s segments '
                    'that reached the DUT\'s stack (a tcpdump on the DUT end, after XDP), '
                    '`capture_out` what the DUT\'s stack sent back. The same drop makes '
                    'nftables SYNPROXY alone answer no IPv6 SYN (its SYN v6 rows).')
        out.append(txt)
    if s4['kernel'][0] and own[0] and kc[0]:
        out.append(
            f"Against the slow peers, per core in closed mode: synx answers "
            f"{s4['kernel'][0] / own[0]:.1f}x (own) / {s4['kernel'][0] / kc[0]:.1f}x (kernel "
            f"cookies) the SYNs of the kernel alone and {s4['nft'][0] / own[0]:.1f}x / "
            f"{s4['nft'][0] / kc[0]:.1f}x those of nftables SYNPROXY (target 5x)"
            + (f"; the peer {s4['kernel'][0] / peer[0]:.1f}x / {s4['nft'][0] / peer[0]:.1f}x."
               if peer[0] else '.'))
    out.append(
        'In split mode at the generator\'s maximum, real clients of every scenario need a SYN '
        'retransmission now and then (p99 ≈ 1 s): flood and clients share veth\'s single '
        '256-frame ring, which overflows when the generator offers several times what the DUT '
        'consumes, and a lost client SYN waits for the kernel\'s 1 s retransmission timer. '
        'That is a property of the lab (one queue, no flow steering), not of a scenario; the '
        'closed-mode figures are the ones where the flood runs at the DUT\'s capacity.')
    ours = [r for r in R.rows
            if r['scenario'] in ('synx', 'synx-kc', 'xsp', 'reflect', 'drop', 'lookup')]
    bad = sum(r['csum_bad'] for r in ours)
    chk = sum(r['csum_checked'] for r in ours)
    out.append(
        'Replies counted "partial" are the kernel\'s own (SYN-ACKs for SYNs handed to the '
        'listener while its SYN queue had room, RSTs, data): kernel-built segments leave veth '
        'with CHECKSUM_PARTIAL. ' +
        ('No reply of synx, of the peer or of the bounds had a bad checksum '
         f'({int(chk):,} verified).' if not bad else
         f'**{int(bad)} of {int(chk):,} verified replies in the synx, peer and bound scenarios '
         'had a bad checksum.**'))
    out.append(
        'Generator quirk worth knowing (kernel, not synx): live-frame pages come back from the '
        'DUT with their xdp_frame rewritten (a shorter SYN-ACK), and BPF_PROG_TEST_RUN rebuilds '
        'the frame from the context only when the context moved; bench_gen keeps 4 bytes of '
        'metadata so that the frame is rebuilt every time.')
    out.append(
        'The machine is a 2-vCPU VM shared with other work (load average '
        f"{facts.get('loadavg_start', '?')} at start, {facts.get('loadavg_end', '?')} at the "
        'end): CPU time is taken per thread (schedstat), not from /proc/stat, and ratios are '
        'taken within a round, where the scenarios ran seconds apart.')
    return out
