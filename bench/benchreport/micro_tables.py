# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The micro-benchmark's tables: synx beside the peer, the pieces of synx's
paths, every row, own mode's tc hand-off and the stage differences."""
import math

from .stages import stage_rows
from .stats import fmt, med


def micro_section(rep):
    """The micro-benchmark: ns per packet class."""
    w, mic = rep.w, rep.mic
    # ---- micro
    w('## Micro-benchmark: ns per packet class (BPF_PROG_TEST_RUN)')
    w('')
    if rep.micro.calib:
        cw = med([c[0] for c in rep.micro.calib])
        ce = med([c[1] for c in rep.micro.calib])
        w(f'Calibration, per run: empty program {fmt(ce, 1)} ns; restore wrapper + tail call '
          f'into the empty program {fmt(cw, 1)} ns (subtracted from every row).')
        w('')
    pairs = [('SYN v4 (Linux options)', 'syn4-linux-own', 'syn4-linux', 'peer-syn4-linux',
              'bound-reflect-syn4'),
             ('SYN v6 (Linux options)', 'syn6-linux-own', 'syn6-linux', 'peer-syn6-linux',
              'bound-reflect-syn6'),
             ('bad-cookie ACK v4', 'ack4-bad-own-cookie', 'ack4-bad-cookie',
              'peer-ack4-bad-cookie', 'bound-drop-ack4'),
             ('bad-cookie ACK v6', None, 'ack6-bad-cookie', 'peer-ack6-bad-cookie',
              'bound-drop-ack6')]
    if any(mic.get(p[3]) for p in pairs):
        w('### synx and the peer, same frames (program cost only, no veth)')
        w('')
        w('| class | synx own cookies | synx kernel cookies | the peer | bound | own / peer '
          '(per round) | kernel cookies / peer (per round) |')
        w('|---|---|---|---|---|---|---|')

        def mc(n):
            m = mic.get(n) if n else None
            return m['net'] if m else (None, None, None)
        for label, own, kc, peer, bound in pairs:
            o, k, p, b = mc(own), mc(kc), mc(peer), mc(bound)
            w(f'| {label} | {fmt(o)} | {fmt(k)} | {fmt(p)} | {fmt(b)} | '
              f'{rep.rrfmt(rep.micro.ratio(own, peer) if own else None)} | {rep.rrfmt(rep.micro.ratio(kc, peer))} |')
        w('')
        w('The own-cookie ACK v4 row is the first 180 s after a load, where own mode also '
          'makes the kernel\'s check (`ack4-bad-own-cookie-only` below is the steady state).')
        w('')
    part_rows = [
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
         'part-lookup-kcheck-ack4', 'part-lookup-ack4')]
    if any(mic.get(n) for _, n, _ in part_rows):
        w('### Pieces of synx\'s paths, each alone (bench/bench_parts.bpf.c)')
        w('')
        w('Each piece run by itself on the same frames (a hot cache: in a flood the socket '
          'lookup probes a cold bucket of the established hash per spoofed tuple). "+" rows '
          'are differences of medians (and of minima) to the row above.')
        w('')
        w('| piece | ns [min–max] | difference (medians / minima) |')
        w('|---|---|---|')
        for label, n, base in part_rows:
            m, b = mic.get(n), mic.get(base) if base else None
            if not m:
                continue
            diff = (f"{m['net'][0] - b['net'][0]:.0f} / {m['net'][1] - b['net'][1]:.0f}"
                    if b else '')
            w(f"| {label} | {fmt(m['net'])} | {diff} |")
        w('')
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
    st = stage_rows(mic)
    if st:
        w('### Where a Linux SYN v4 spends its time in synx (differences of the stage rows)')
        w('')
        w('Noise on this machine only ever adds time, so the differences of the per-row '
          'minima are shown next to those of the medians.')
        w('')
        w('| stage | ns (medians) | ns (minima) |')
        w('|---|---|---|')
        for n, dm, dl in st:
            w(f'| {n} | {dm:.0f} | {dl:.0f} |')
        w('')


