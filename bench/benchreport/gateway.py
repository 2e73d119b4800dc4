# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Gateway mode: synx answering for the hosts behind a router (`synx attach IF
--gateway ...`) beside the peer set up on the same router (bench/run.sh's
gateway lab, tests gw-*)."""
from .stats import clients_cell, fmt, med, ns_closed, pct, round_ratio, rrfmt

GW_LABEL = {
    'synx-gw': 'synx gateway mode',
    'xsp-gw': 'the peer on the router',
}
# (test, label, what one frame is)
GW_FIGS = [
    ('gw-syn4-closed', 'SYN v4, closed', 'SYN'),
    ('gw-syn6-closed', 'SYN v6, closed', 'SYN'),
    ('gw-ack4-closed', 'bad-cookie ACK v4, closed', 'ACK'),
    ('gw-ack6-closed', 'bad-cookie ACK v6, closed', 'ACK'),
]


def _cost(R, test, scn):
    """Closed mode: the one core's ns per frame the router consumed."""
    return R.metric(test, scn, ns_closed)


def _top_reason(rs):
    """synx's most frequent reason over runs rs, and its share of all its decisions."""
    tot = {}
    for r in rs:
        for k, x in r['deltas'].items():
            if k.startswith('synx.') and '.counters.' in k and k.endswith('.packets'):
                name = k.split('.counters.')[1].rsplit('.', 1)[0]
                tot[name] = tot.get(name, 0) + x
    if not tot:
        return 'n/a'
    name, n = max(tot.items(), key=lambda y: y[1])
    return f'`{name}` {pct(n / sum(tot.values()))}'


def _peer_cell(rs, what):
    """What the peer's XDP program did: its SYN-ACK counter against the SYNs it got."""
    rx = sum(r['dut_rx'] for r in rs)
    if not rx:
        return 'n/a'
    if what == 'SYN':
        return f"{pct(sum(r['peer_synacks'] for r in rs) / rx)} SYN-ACKs (its counter)"
    return f"{pct(1 - (sum(r['synack'] + r['rst'] for r in rs) / rx))} dropped (no reply)"


def _clients(c):
    if not c:
        return 'n/a'
    p = '' if c['p50'] is None else f", p50 {c['p50'] / 1e3:.2f} ms / p99 {c['p99'] / 1e3:.2f} ms"
    half = f", {int(c['half'])} SYN-ACK only" if c['half'] else ''
    return f"{100 * c['rate']:.0f}% of {int(c['att'])}{half}{p}"


def gateway_section(rep):
    """The gateway lab's table: synx gateway / the peer, per SYN and per forged ACK."""
    w, R, facts = rep.w, rep.R, rep.facts
    status = str(facts.get('gw_status', 'skip: not recorded in this run\'s facts'))
    w('## Gateway mode: synx on a router, beside the peer on the same router')
    w('')
    w('A lab of its own: generator — router — backend, three namespaces joined by two veth '
      'pairs. The flood (the same generator and sink as above, closed mode: one core does '
      'generator, veth, router and sink) is addressed to 198.51.100.10 / 2001:db8::10, which '
      'the backend holds on its lo and the router (forwarding on) routes to it. On the '
      'router\'s ingress, either synx in gateway mode, '
      f"`synx attach IF --mode native --gateway {facts.get('gw_prefixes', '?')} --ports 80` "
      '(it answers the SYNs it would forward to those prefixes with the kernel\'s raw cookie '
      'and drops forged ACKs; its own nftables table hands valid ones to SYNPROXY), or the '
      'peer: xdp_synproxy configured as in the local lab (it answers every SYN to its ports '
      'that conntrack does not know, forwarded or not) with its documented nftables SYNPROXY '
      'ruleset, the SYNPROXY statement in the forward chain instead of input (`notrack` in raw '
      'prerouting, `tcp_syncookies=2`, `nf_conntrack_tcp_loose=0`). The backend runs the '
      'listener on :80 with `tcp_syncookies=2`, as the local lab\'s listener behind SYNPROXY '
      '(with the default 1, every handshake through SYNPROXY in the forward chain, in both '
      'scenarios, waited for a ~1 s SYN-ACK retransmission of the backend, which ignored '
      'SYNPROXY\'s ACK: its TSecr was not the backend\'s TSval). Both scenarios ran in every '
      'round, in rotated order; a ratio is the median of per-round ratios [min–max].')
    w('')
    if not status.startswith('ok'):
        w(f"**Not run: {status.replace('skip: ', '')}.**")
        w('')
        return
    scns = [s for s in GW_LABEL if any(r['scenario'] == s for r in R.rows)]
    if 'xsp-gw' not in scns and not rep.peer_ok:
        w(f'**The peer did not run: {rep.peer_why}.** Its column is n/a.')
        w('')
    w('| figure | synx gateway: core ns per frame | the peer on the router: core ns per frame '
      '| synx gateway / peer | replies / offered (synx, peer) | synx\'s decision | '
      'the peer\'s XDP program |')
    w('|---|---|---|---|---|---|---|')
    for test, label, what in GW_FIGS:
        sx, px = R.get(test, 'synx-gw'), R.get(test, 'xsp-gw')
        if not sx and not px:
            w(f'| {label} | {rep.not_run} | {rep.not_run} | {rep.not_run} | | | |')
            continue

        def rep_rate(rs):
            m = med([(r['synack'] + r['rst']) / r['sent'] for r in rs if r['sent']])
            return pct(m[0])
        rr = round_ratio(R, test, 'synx-gw', 'xsp-gw')
        w(f"| {label} | {fmt(_cost(R, test, 'synx-gw'))} | {fmt(_cost(R, test, 'xsp-gw'))} | "
          f"{rrfmt(rr, rep.not_run)} | {rep_rate(sx)}, {rep_rate(px)} | "
          f"{_top_reason(sx)} | {_peer_cell(px, what)} |")
    w('')
    # Real handshakes through the router, no flood: the set-up completes connections.
    idle = {s: R.get('gw-idle', s) for s in scns}
    if any(idle.values()):
        w('Real clients through the router without a flood (`bench_clients` in the generator\'s '
          'namespace, one connection every 10 ms to the backend, each counted once the '
          'backend\'s byte arrives):')
        w('')
        w('| scenario | IPv4 | IPv6 | SYNPROXY: valid cookies |')
        w('|---|---|---|---|')
        for s in scns:
            rs = idle[s]
            cv = sum(r['deltas'].get('synproxy.cookie_valid', 0) for r in rs)
            w(f'| {GW_LABEL[s]} | {_clients(clients_cell(rs, 4))} | '
              f'{_clients(clients_cell(rs, 6))} | {int(cv):,} |')
        w('')
        c6 = clients_cell(idle.get('xsp-gw', []), 6)
        c4 = clients_cell(idle.get('xsp-gw', []), 4)
        s6 = clients_cell(idle.get('synx-gw', []), 6)
        if c6 and c6['rate'] < 0.5:
            cv = sum(r['deltas'].get('synproxy.cookie_valid', 0) for r in idle['xsp-gw'])
            w('The peer\'s IPv6 rows measure its XDP program, which answers the SYNs and drops '
              'the bad-cookie ACKs on its own; real IPv6 handshakes do not complete through the '
              f"peer here: the clients got its SYN-ACK ({int(c6['half'])} of "
              f"{int(c6['att'])} SYN-ACK only), and nftables SYNPROXY in the forward chain "
              f"counted {int(cv)} valid cookies for {int(c4['ok']) if c4 else 0} IPv4 and "
              f"{int(c6['ok'])} IPv6 connections: the IPv6 handshake ACK the peer passes does "
              'not get through SYNPROXY' +
              (' (synx gateway mode checks it in XDP and marks it for SYNPROXY at tc ingress; '
               'its IPv6 clients completed).' if s6 and s6['rate'] >= 0.5 else '.'))
            w('')

