# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The project's targets: met or missed."""
from .stages import DELIVERY_BUDGET_NS, common_case
from .stats import ratio, rfmt


def targets_section(rep):
    """The targets against the kernel alone, SYNPROXY, the bounds and the clients."""
    w, closed, mic = rep.w, rep.closed, rep.mic
    s4, a4 = closed['syn4-closed'], closed['ack4-closed']
    drop_m = mic.get('bound-drop-syn4')
    w('## Targets: met or missed')
    w('')
    w('| target | measured | verdict |')
    w('|---|---|---|')

    def verdict(ok):
        return 'n/a' if ok is None else ('met' if ok else '**missed**')
    for v in ('synx', 'synx-kc'):
        t1 = ratio(s4[v], s4['reflect'])
        w(f'| {v}: SYN path, closed mode ≤ 1.5x the reflect-only bound | {rfmt(t1)} | '
          f'{verdict(None if t1 is None else t1 <= 1.5)} |')
        t1b = ratio(s4['kernel'], s4[v])
        t1c = ratio(s4['nft'], s4[v])
        w(f'| {v}: ≥ 5x the SYNs per core of the kernel alone / of SYNPROXY | {rfmt(t1b)} / '
          f'{rfmt(t1c)} | '
          f'{verdict(None if t1b is None or t1c is None else min(t1b, t1c) >= 5)} |')
        t2 = ratio(a4[v], a4['drop'])
        w(f'| {v}: ACK flood ≤ 2.5x the drop-only bound | {rfmt(t2)} | '
          f'{verdict(None if t2 is None else t2 <= 2.5)} |')
    for n, lab in (('syn4-linux-own', 'own cookie'), ('syn4-linux', 'kernel cookie')):
        m = mic.get(n)
        if m:
            w(f"| micro: Linux SYN v4 ≤ ~130 ns ({lab}) | {m['net'][0]:.0f} ns "
              f"(min {m['net'][1]:.0f}) | "
              f"{verdict(m['net'][0] <= 130)} |")
    cc = common_case(mic)
    if cc:
        w(f'| micro: delivery checks of a SYN to a local address, device not forwarding '
          f'(MAC, forwarding flag, one address-table probe) ≤ {DELIVERY_BUDGET_NS} ns | '
          f'{cc[0]:.0f} ns (min {cc[1]:.0f}) | {verdict(cc[0] <= DELIVERY_BUDGET_NS)} |')
    flags_m = mic.get('stage-syn4-flags-only')
    if drop_m and flags_m:
        hdr = [m for m in rep.micro.rows if m['name'].startswith('bad-')
               and 'opt' not in m['name'] and 'csum' not in m['name']]
        if hdr:
            worst = max(hdr, key=lambda m: m['net'][0])
            lim = flags_m['net'][0] + 10
            w(f"| micro: each malformed class ≤ drop-only + the parsing it needed | header "
              f"classes: worst {worst['name']} {worst['net'][0]:.0f} ns, against a full "
              f"parse to the TCP flags of {flags_m['net'][0]:.0f} ns (+10 ns noise allowance); "
              f"option and checksum classes pay the option walk / checksum they need (table) | "
              f"{verdict(worst['net'][0] <= lim)} |")
    for v in ('synx', 'synx-kc'):
        sc = rep.client_res.get((v, 4))
        if not sc:
            continue
        idle, fc, fs = sc
        for lab, c in (('closed-mode', fc), ('split-mode (max offered)', fs)):
            if not c:
                continue
            w(f"| {v}: real clients during the {lab} flood: 100% success | "
              f"{100 * c['rate']:.1f}% of {int(c['att'])} | {verdict(c['rate'] == 1.0)} |")
            if idle and idle['p99'] and c['p99']:
                rx = c['p99'] / idle['p99']
                w(f"| {v}: {lab} p99 connect ≤ 3x idle p99 | {rx:.2f}x "
                  f"({c['p99'] / 1e3:.2f} ms vs {idle['p99'] / 1e3:.2f} ms) | {verdict(rx <= 3)} |")
    w('')
