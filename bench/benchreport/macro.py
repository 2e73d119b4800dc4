# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The veth lab's tables: closed mode, split mode, real clients, the paced
run and synx's own counters during its floods."""
from .context import REAL_ORDER, SCN_LABEL, SCN_ORDER
from .stats import busy, common_bound, csum_cell, fmt, med, ns_dut, pct, ratio, rfmt


def closed_tables(rep):
    """Closed mode: one core does everything, its ns per frame."""
    w, R, closed = rep.w, rep.R, rep.closed
    def closed_table(test, title, what, bound):
        w(f'### {title}')
        w('')
        w(f'| scenario | core ns per {what} | vs {bound}-only bound | {what}s per core-second '
          '| consumed / offered | replies / offered | reply checksums |')
        w('|---|---|---|---|---|---|---|')
        base = closed[test][bound]
        for s in SCN_ORDER:
            rs = R.get(test, s)
            if not rs:
                if s == 'xsp' and not rep.peer_ok:
                    w(f'| {SCN_LABEL[s]} | n/a: {rep.peer_why} | | | | | |')
                continue
            m = closed[test][s]
            rate = (1e9 / m[0], 1e9 / m[2], 1e9 / m[1]) if m[0] else (None, None, None)
            replies = med([(r['synack'] + r['rst']) / r['sent'] for r in rs if r['sent']])
            con = med([r['dut_rx'] / r['sent'] for r in rs if r['sent']])
            w(f'| {SCN_LABEL[s]} | {fmt(m)} | {rfmt(ratio(m, base))} | {fmt(rate)} | '
              f'{pct(con[0])} | {pct(replies[0])} | {csum_cell(rs)} |')
        rs = [r for s in SCN_ORDER for r in R.get(test, s)]
        w('')
        w(f'Bounded by: {common_bound(rs)} in every scenario (closed mode by construction).')
        w('')

    w('## Closed mode: cost per packet, one core doing everything')
    w('')
    closed_table('syn4-closed', 'IPv4 SYN flood', 'SYN', 'reflect')
    closed_table('syn6-closed', 'IPv6 SYN flood', 'SYN', 'reflect')
    closed_table('ack4-closed', 'IPv4 ACK flood with random cookies', 'ACK', 'drop')
    closed_table('ack6-closed', 'IPv6 ACK flood with random cookies', 'ACK', 'drop')
    w('In the ACK floods the reflect-only bound drops ACKs like drop-only; the kernel answers '
      'each bad-cookie ACK with a RST, SYNPROXY, the peer and synx drop them.')
    w('')


def split_tables(rep):
    """Split mode: the DUT on its own core, flooded."""
    w, R, split = rep.w, rep.R, rep.split
    w('## Split mode: the DUT on its own core, flooded at the generator\'s maximum')
    w('')
    for test, title in (('syn4-split', 'IPv4 SYN flood'), ('syn6-split', 'IPv6 SYN flood'),
                        ('ack4-split', 'IPv4 ACK flood with random cookies'),
                        ('ack6-split', 'IPv6 ACK flood with random cookies')):
        if not any(R.get(test, s) for s in SCN_ORDER):
            continue
        w(f'### {title}')
        w('')
        w('| scenario | offered kpps | DUT consumed kpps | replies/s | consumed / offered | '
          'answered / offered | DUT core ns per frame | bounded by | reply checksums |')
        w('|---|---|---|---|---|---|---|---|---|')
        for s in SCN_ORDER:
            rs = R.get(test, s)
            if not rs:
                continue
            off = med([r['sent'] / r['elapsed_ns'] * 1e6 for r in rs])
            con = med([r['dut_rx'] / r['elapsed_ns'] * 1e6 for r in rs])
            sa = med([(r['synack'] + r['rst']) / r['elapsed_ns'] * 1e9 for r in rs])
            acc = med([r['dut_rx'] / r['sent'] for r in rs if r['sent']])
            ans = med([(r['synack'] + r['rst']) / r['sent'] for r in rs if r['sent']])
            w(f'| {SCN_LABEL[s]} | {fmt(off)} | {fmt(con)} | {fmt(sa)} | {pct(acc[0])} | '
              f'{pct(ans[0])} | {fmt(split[test][s])} | {common_bound(rs)} | '
              f'{csum_cell(rs)} |')
        w('')
    w('"Answered / offered" counts what reached the sink: in the SYN floods the sink\'s NAPI '
      'shares CPU 0 with the generator and drops what it cannot take, so it is below the DUT\'s '
      'own count (the peer\'s SYN-ACK counter, synx\'s reasons). In the ACK floods a reply is '
      'the kernel\'s RST.')
    w('')


def clients_table(rep):
    """Real clients idle and during the floods."""
    w = rep.w
    w('### Real clients during the floods')
    w('')
    w('Closed mode: the flood runs at the DUT\'s own capacity (the generator is throttled to it), '
      'clients on the other core. Split mode: the generator offers many times what the DUT '
      'consumes, and veth\'s single 256-frame ring, shared by flood and clients, overflows.')
    w('')
    w('| scenario | family | idle: success, p50 / p99 | closed-mode flood: success, p50 / p99 | '
      'split-mode max flood: success, p50 / p99 | p99 / idle p99 (closed, split) |')
    w('|---|---|---|---|---|---|')

    def cc(c, scn, fam):
        if not c:
            return 'n/a'
        if fam == 6 and scn in ('xsp', 'nft') and c['rate'] < 0.5 and rep.v6_na:
            why = ('SYNPROXY drops the IPv6 handshake' if scn == 'xsp'
                   else 'SYNPROXY answers no IPv6 SYN')
            return (f"n/a: {why} ({100 * c['rate']:.0f}% of {int(c['att'])}, "
                    f"{int(c['half'])} SYN-ACK only)")
        p50 = 'n/a' if c['p50'] is None else f"{c['p50'] / 1e3:.2f} ms"
        p99 = 'n/a' if c['p99'] is None else f"{c['p99'] / 1e3:.2f} ms"
        half = f", {int(c['half'])} SYN-ACK only" if c['half'] else ''
        return f"{100 * c['rate']:.1f}% of {int(c['att'])}{half}, {p50} / {p99}"

    def pr(c, idle):
        if idle and c and idle['p99'] and c['p99'] and c['rate'] > 0.5:
            return c['p99'] / idle['p99']
        return None
    for s in [x for x in REAL_ORDER if x in rep.scns]:
        for fam in (4, 6):
            idle, fc, fs = rep.client_res[(s, fam)]
            w(f'| {SCN_LABEL[s]} | IPv{fam} | {cc(idle, s, fam)} | {cc(fc, s, fam)} | '
              f'{cc(fs, s, fam)} | {rfmt(pr(fc, idle))}, {rfmt(pr(fs, idle))} |')
    w('')


def paced_table(rep):
    """A fixed rate of SYNs: what the defence costs a server not yet saturated."""
    w, R, facts = rep.w, rep.R, rep.facts
    w(f"## Paced: {int(facts.get('paced_pps', 0)) // 1000} kpps of IPv4 SYNs, DUT on its own core")
    w('')
    w('| scenario | offered kpps | SYN-ACKs/s | consumed / offered | answered / offered | '
      'DUT thread busy | DUT core ns per SYN | reply checksums (all verified) |')
    w('|---|---|---|---|---|---|---|---|')
    for s in SCN_ORDER:
        rs = R.get('syn4-paced', s)
        if not rs:
            continue
        off = med([r['sent'] / r['elapsed_ns'] * 1e6 for r in rs])
        sa = med([r['synack'] / r['elapsed_ns'] * 1e9 for r in rs])
        ans = med([r['synack'] / r['sent'] for r in rs if r['sent']])
        b1 = med([busy(r, 1) for r in rs])
        con = med([r['dut_rx'] / r['sent'] for r in rs if r['sent']])
        w(f'| {SCN_LABEL[s]} | {fmt(off)} | {fmt(sa)} | {pct(con[0])} | {pct(ans[0])} | '
          f'{pct(b1[0])} | '
          f'{fmt(R.metric("syn4-paced", s, ns_dut))} | {csum_cell(rs)} |')
    w('')
    w('At a fixed rate the DUT thread\'s busy share is what the defence costs a server that '
      'is not yet saturated.')
    w('')


def synx_decisions(rep):
    """synx's reasons during its IPv4 floods."""
    w, R = rep.w, rep.R
    for v in ('synx', 'synx-kc'):
        for kind, tests in (('SYN', ('syn4-split', 'syn4-closed')),
                            ('ACK', ('ack4-split', 'ack4-closed'))):
            sx = [r for t in tests for r in R.get(t, v)]
            tot = {}
            for r in sx:
                for k, x in r['deltas'].items():
                    if k.startswith('synx.') and k.endswith('packets') and '.counters.' in k:
                        tot[k] = tot.get(k, 0) + x
            if tot:
                w(f'### {SCN_LABEL[v]}: decisions during its IPv4 {kind} floods (summed over '
                  'rounds)')
                w('')
                w('| reason | packets |')
                w('|---|---|')
                for k, x in sorted(tot.items(), key=lambda y: -y[1])[:5]:
                    w(f"| `{k.split('.counters.')[1].rsplit('.', 1)[0]}` | {int(x):,} |")
                w('')
    sp = [r for t in ('syn4-split', 'syn4-closed', 'ack4-split', 'ack4-closed')
          for r in R.get(t, 'xsp')]
    if sp:
        sa = sum(r['peer_synacks'] for r in sp if r['kind'] == 'syn4')
        rx = sum(r['dut_rx'] for r in sp if r['kind'] == 'syn4')
        w(f'The peer during its IPv4 SYN floods: {int(sa):,} SYN-ACKs from its XDP program for '
          f'{int(rx):,} SYNs it received ({pct(sa / rx if rx else None)}).')
        w('')
