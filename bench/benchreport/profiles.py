# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""perf profiles of the DUT core, as printed and grouped by what they cost."""
from .context import SCN_LABEL


def profiles_section(rep):
    """perf profiles of the DUT core."""
    w, facts = rep.w, rep.facts
    w('## Profiles of the DUT core during the floods')
    w('')
    w(f"`perf record -e cpu-clock -t` (timer sampling of the DUT's NAPI thread only) during a "
      f"{facts.get('t_profile', '?')} s split-mode flood per scenario. In this paravirtualised "
      'VM, samples taken while interrupts were off land on `pvm_irq_enable`; `veth_xdp_rcv` and '
      'the page pool are veth\'s per-frame cost, which every scenario pays. The programs are '
      '`bpf_prog_..._synx_xdp` (synx), `bpf_prog_..._syncookie_xdp` (the peer) and their '
      'subprograms (synx\'s option walk `syn_opt_step`, the peer\'s '
      '`tscookie_tcpopt_parse_batch`).')
    w('')
    if not rep.profiles:
        w('(no profile taken)')
        w('')
    for kind, what in (('syn4', 'IPv4 SYN flood'), ('ack4', 'IPv4 bad-cookie ACK flood')):
        for scn in ('synx', 'synx-kc', 'xsp'):
            prof = rep.profiles.get((scn, kind))
            if not prof:
                continue
            w(f'{SCN_LABEL[scn]}, {what}:')
            w('')
            w('```')
            for line in prof[:14]:
                w(line)
            w('```')
            w('')
