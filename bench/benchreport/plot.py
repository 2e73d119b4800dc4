# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""docs/benchmarks.png: cost per packet, ratios to the peer and to the bounds, the micro rows."""
from .context import FIGS, SCN_LABEL, SCN_ORDER, VARIANT


def plot(rep, path):
    """The four panels, written to path."""
    closed, rr, micro, facts = rep.closed, rep.rr, rep.micro.rows, rep.facts
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(2, 2, figsize=(17, 11))
    colors = {'synx': '#1f77b4', 'synx-kc': '#17becf', 'xsp': '#9467bd', 'kernel': '#d62728',
              'nft': '#ff7f0e', 'reflect': '#2ca02c', 'drop': '#7f7f7f', 'lookup': '#8c564b'}
    tests = [('syn4-closed', 'SYN v4'), ('syn6-closed', 'SYN v6'),
             ('ack4-closed', 'ACK v4 (bad cookie)'), ('ack6-closed', 'ACK v6 (bad cookie)')]
    width = 0.11
    a0 = ax[0][0]
    for i, s in enumerate(SCN_ORDER):
        xs, ys, lo, hi = [], [], [], []
        for j, (t, _) in enumerate(tests):
            m = closed[t][s]
            if m[0] is None:
                continue
            xs.append(j + (i - 3.5) * width)
            ys.append(m[0])
            lo.append(m[0] - m[1])
            hi.append(m[2] - m[0])
        if xs:
            a0.bar(xs, ys, width, yerr=[lo, hi], label=SCN_LABEL[s], color=colors[s], capsize=2)
    a0.set_xticks(range(len(tests)))
    a0.set_xticklabels([t[1] for t in tests])
    a0.set_yscale('log')
    a0.set_ylim(top=a0.get_ylim()[1] * 8)
    a0.set_ylabel('ns per packet on one core (closed mode, log)')
    a0.set_title('Cost per packet (median, min-max)')
    a0.legend(fontsize=7, loc='upper right', framealpha=0.9)

    def ratio_panel(axis, versus, title, targets):
        labels = [lbl for _, lbl, _ in FIGS]
        for i, v in enumerate(('synx', 'synx-kc', 'xsp')):
            if versus == 'xsp' and v == 'xsp':
                continue
            xs, ys, lo, hi = [], [], [], []
            for j, (t, _, _) in enumerate(FIGS):
                m = rr.get((t, v, versus))
                if not m or m[0] is None:
                    continue
                xs.append(j + (i - 1) * 0.27)
                ys.append(m[0])
                lo.append(m[0] - m[1])
                hi.append(m[2] - m[0])
            if xs:
                axis.bar(xs, ys, 0.27, yerr=[lo, hi], color=colors[v], capsize=2,
                         label=('synx, ' if v != 'xsp' else '') + VARIANT[v])
        if versus == 'bound':
            fl = [(j, rr.get((t, 'lookup', 'bound'))) for j, (t, _, _) in enumerate(FIGS)]
            fl = [(j, m[0]) for j, m in fl if m and m[0] is not None]
            if fl:
                axis.plot([j for j, _ in fl], [y for _, y in fl], linestyle='none', marker='_',
                          markersize=40, markeredgewidth=2.5, color=colors['lookup'],
                          label='floor: the socket-lookup bound')
        for y, txt, col in targets:
            axis.axhline(y, color=col, linestyle=':', linewidth=1.2, label=txt)
        axis.axhline(1, color='black', linewidth=0.6)
        axis.set_xticks(range(len(FIGS)))
        axis.set_xticklabels([lbl.replace('bad-cookie ', '').replace(', ', '\n') for lbl in labels],
                             fontsize=8)
        axis.set_title(title)
        axis.legend(fontsize=8, loc='upper left')

    ratio_panel(ax[0][1], 'xsp', 'synx / the peer (xdp_synproxy), median of per-round ratios',
                [(0.70, 'SYN target, own cookies: 0.70x', '#1f77b4'),
                 (0.65, 'SYN target, kernel cookies: 0.65x', '#17becf')])
    ax[0][1].set_ylabel('cost per packet relative to the peer')
    ratio_panel(ax[1][0], 'bound',
                'Against the bound: reflect-only (SYN), drop-only (ACK), and the floor',
                [(1.8, 'SYN target, own: 1.8x', '#1f77b4'),
                 (1.7, 'SYN target, kernel cookies: 1.7x', '#17becf'),
                 (1.3, 'ACK target: 1.3x', 'black')])
    ax[1][0].set_ylabel('cost per packet relative to the bound')

    ms = [m for m in micro if not m['name'].startswith('bad-')]
    a3 = ax[1][1]
    a3.barh(range(len(ms)), [m['net'][0] for m in ms],
            xerr=[[m['net'][0] - m['net'][1] for m in ms],
                  [m['net'][2] - m['net'][0] for m in ms]],
            color=[colors['xsp'] if m['name'].startswith('peer-') else
                   colors['reflect'] if m['name'].startswith('bound-') else
                   colors['nft'] if m['name'].startswith('part-') else '#1f77b4'
                   for m in ms], capsize=1)
    a3.set_yticks(range(len(ms)))
    a3.set_yticklabels([m['name'] for m in ms], fontsize=6)
    a3.invert_yaxis()
    a3.set_xlabel('ns per packet (BPF_PROG_TEST_RUN, wrapper subtracted)')
    a3.set_title('Micro: synx, the peer and the bounds per packet class (malformed classes: table)')
    fig.suptitle(f"synx benchmarks — {facts.get('cpu_model', '?')}, {int(facts.get('cpus', 0))} "
                 f"cores, Linux {facts.get('kernel', '?')}, {facts.get('date', '?')}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
