# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The micro-benchmark's tables: synx beside the peer, the pieces of synx's
paths, every row, own mode's tc hand-off, the stage differences and what
the delivery checks cost."""
import math

from .stages import (DELIVERY_BUDGET_NS, common_case, delivery_diff, delivery_rows,
                     delivery_stage_rows, stage_rows)
from .stats import fmt, med

# The classes synx and the peer both answer: (label, own, kernel cookies, peer, bound).
VS_PEER = [('SYN v4 (Linux options)', 'syn4-linux-own', 'syn4-linux', 'peer-syn4-linux',
            'bound-reflect-syn4'),
           ('SYN v6 (Linux options)', 'syn6-linux-own', 'syn6-linux', 'peer-syn6-linux',
            'bound-reflect-syn6'),
           ('bad-cookie ACK v4', 'ack4-bad-own-cookie', 'ack4-bad-cookie',
            'peer-ack4-bad-cookie', 'bound-drop-ack4'),
           ('bad-cookie ACK v6', None, 'ack6-bad-cookie', 'peer-ack6-bad-cookie',
            'bound-drop-ack6')]

# The pieces of bench_parts.bpf.c: (label, row, row it is a difference to).
PIECES = [
    ('one precise clock read (`bpf_ktime_get_ns`, kvm-clock in this VM)', 'part-clock', None),
    ('one coarse clock read (`bpf_ktime_get_coarse_ns`)', 'part-clock-coarse', None),
    ('SipHash-2-4 of an IPv4 flow, 3 words + finalisation (the own cookie\'s MAC)',
     'part-siphash4', None),
    ('socket lookup for a SYN (`bpf_skc_lookup_tcp`: established miss, listener hit)',
     'part-lookup-syn4', None),
    ('+ the kernel\'s cookie for it (`bpf_tcp_gen_syncookie`: policy check and cookie)',
     'part-lookup-kcookie-syn4', 'part-lookup-syn4'),
    ('socket lookup for a bad-cookie ACK', 'part-lookup-ack4', None),
    ('+ the kernel\'s check of its cookie (`bpf_tcp_check_syncookie`)',
     'part-lookup-kcheck-ack4', 'part-lookup-ack4'),
    ('the frame\'s destination MAC against the ingress device\'s (every frame)',
     'part-deliver-mac', None),
    ('the ingress device\'s forwarding flag (every IP frame)', 'part-deliver-fwd-flag', None),
    ('one probe of the namespace\'s address table, IPv4 destination', 'part-deliver-addr4',
     None),
    ('one probe of the namespace\'s address table, IPv6 destination', 'part-deliver-addr6',
     None),
    ('all three, as for a SYN v4 to a local address on a device that does not forward',
     'part-deliver4', None),
    ('all three, as for a SYN v6 to a local address on a device that does not forward',
     'part-deliver6', None),
]


def calibration(rep):
    w = rep.w
    w('## Micro-benchmark: ns per packet class (BPF_PROG_TEST_RUN)')
    w('')
    if rep.micro.calib:
        cw = med([c[0] for c in rep.micro.calib])
        ce = med([c[1] for c in rep.micro.calib])
        w(f'Calibration, per run: empty program {fmt(ce, 1)} ns; restore wrapper + tail call '
          f'into the empty program {fmt(cw, 1)} ns (subtracted from every row).')
        w('')


def versus_peer(rep):
    """synx and the peer on the same frames."""
    w, micro = rep.w, rep.micro
    if not any(micro.get(p[3]) for p in VS_PEER):
        return
    w('### synx and the peer, same frames (program cost only, no veth)')
    w('')
    w('| class | synx own cookies | synx kernel cookies | the peer | bound | own / peer '
      '(per round) | kernel cookies / peer (per round) |')
    w('|---|---|---|---|---|---|---|')
    for label, own, kc, peer, bound in VS_PEER:
        o, k, p, b = micro.net(own), micro.net(kc), micro.net(peer), micro.net(bound)
        w(f'| {label} | {fmt(o)} | {fmt(k)} | {fmt(p)} | {fmt(b)} | '
          f'{rep.rrfmt(micro.ratio(own, peer) if own else None)} | '
          f'{rep.rrfmt(micro.ratio(kc, peer))} |')
    w('')
    w('Own mode checks a bad ACK twice: its own cookie (SipHash-2-4), then the kernel\'s '
      '(`bpf_tcp_check_syncookie()`), which gives up at once unless the listener\'s SYN queue '
      'overflowed in the last two minutes. In the micro netns it did: the kernel-cookie rows '
      'run before, and each of their SYNs marks that overflow, so the own-cookie ACK row pays '
      'both checks, as own mode does during a flood (Findings).')
    w('')


def pieces(rep):
    """bench_parts.bpf.c's pieces, each alone."""
    w, mic = rep.w, rep.mic
    if not any(mic.get(n) for _, n, _ in PIECES):
        return
    w('### Pieces of synx\'s paths, each alone (bench/bench_parts.bpf.c)')
    w('')
    w('Each piece run by itself on the same frames (a hot cache: in a flood the socket '
      'lookup probes a cold bucket of the established hash per spoofed tuple). "+" rows '
      'are differences of medians (and of minima) to the row above.')
    w('')
    w('| piece | ns [min–max] | difference (medians / minima) |')
    w('|---|---|---|')
    for label, n, base in PIECES:
        m, b = mic.get(n), mic.get(base) if base else None
        if not m:
            continue
        diff = (f"{m['net'][0] - b['net'][0]:.0f} / {m['net'][1] - b['net'][1]:.0f}"
                if b else '')
        w(f"| {label} | {fmt(m['net'])} | {diff} |")
    w('')


def every_row(rep):
    """Every row, with the direct-run cross-check, the tc rows and the mismatches."""
    w = rep.w
    w('| class | expected end | ns [min–max] | direct-run cross-check |')
    w('|---|---|---|---|')
    for m in rep.micro.rows:
        d = m['direct']
        dc = '—' if math.isnan(d[0]) else f'{d[0]:.0f} [{d[1]:.0f}–{d[2]:.0f}]'
        w(f"| {m['name']} | `{m['expect']}` | {m['net'][0]:.0f} [{m['net'][1]:.0f}–"
          f"{m['net'][2]:.0f}] | {dc} |")
    w('')
    if rep.micro.tcrows:
        w('Own mode adds a tc ingress program (`synx_tc`) that every packet meets; only a '
          'validated handshake ACK carries XDP metadata for it. Its cost on everything else, '
          'minus an empty tc program measured the same way:')
        w('')
        w('| class | synx_tc ns [min–max] |')
        w('|---|---|')
        for t in rep.micro.tcrows:
            w(f"| {t['name']} | {t['net'][0]:.1f} [{t['net'][1]:.1f}–{t['net'][2]:.1f}] |")
        w('')
    if rep.micro.mismatch:
        w('**Rows that did not end where expected** (their figures are not the class\'s):')
        w('')
        for x in rep.micro.mismatch:
            w(f'- {x}')
        w('')


def stages(rep):
    """Where a Linux SYN v4 spends its time, and the delivery checks' share of it."""
    w, mic = rep.w, rep.mic
    st = stage_rows(mic)
    if not st:
        return
    w('### Where a Linux SYN v4 spends its time in synx (differences of the stage rows)')
    w('')
    w('Noise on this machine only ever adds time, so the differences of the per-row '
      'minima are shown next to those of the medians. The last lines are no differences: '
      'the delivery checks (bpf/owner.h) that the stages above include, timed alone.')
    w('')
    w('| stage | ns (medians) | ns (minima) |')
    w('|---|---|---|')
    for n, dm, dl in st + delivery_stage_rows(mic):
        w(f'| {n} | {dm:.0f} | {dl:.0f} |')
    w('')


def delivery(rep):
    """The rows that end in a delivery check, or pass one, beside their neighbours."""
    w, mic = rep.w, rep.mic
    rows = delivery_rows(mic)
    if not rows:
        return
    w('### What the delivery checks cost (bpf/owner.h)')
    w('')
    w('synx answers only what this host\'s stack would deliver to a local socket: a frame '
      'addressed to the ingress device\'s MAC, to a unicast address of the namespace. Each '
      'row below is read against another that differs from it in one respect; the difference '
      'is of medians (and of minima). Rows marked "forwarding" ran with the micro netns\'s '
      'second device as their ingress, which forwards: there the destination is settled right '
      'after the IP header, for every frame.')
    w('')
    w('| class | ends in | ns [min–max] | against | difference (medians / minima) |')
    w('|---|---|---|---|---|')
    for name, what, m, base, dm, dl in rows:
        diff = '' if base is None else f'{dm:+.0f} / {dl:+.0f}'
        w(f"| {what} (`{name}`) | `{m['expect']}` | {fmt(m['net'])} | "
          f"{'`' + base + '`' if base else ''} | {diff} |")
    w('')
    lines = []
    cc = common_case(mic)
    if cc:
        lines.append(f'The common case, a SYN to a local address on a device that does not '
                     f'forward, pays the MAC compare, the forwarding flag and one address-table '
                     f'probe: {cc[0]:.0f} ns timed alone (minimum {cc[1]:.0f}), against a budget '
                     f'of {DELIVERY_BUDGET_NS} ns.')
    est = delivery_diff(mic, 'deliver-est4-data-fwd', 'est4-data')
    if est is not None:
        lines.append(f'Established data ends at the socket lookup (`PASS_SOCKET`) before any '
                     f'address lookup; only on a forwarding device does it pay one, '
                     f'{est:+.0f} ns here.')
    if lines:
        w(' '.join(lines))
        w('')


def micro_section(rep):
    """The micro-benchmark: ns per packet class."""
    for part in (calibration, versus_peer, pieces, every_row, stages, delivery):
        part(rep)
