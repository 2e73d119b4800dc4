# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""docs/benchmarks.md and its plot, section by section (report.py report)."""
from .context import Report
from .findings import findings
from .gateway import gateway_section
from .headline import headline, intro, peer_targets, slow_peers
from .macro import clients_table, closed_tables, paced_table, split_tables, synx_decisions
from .method import machine, method, probes, reproduce
from .micro_tables import micro_section
from .plot import plot
from .profiles import profiles_section
from .targets import targets_section


def findings_section(rep):
    rep.w('## Findings')
    rep.w('')
    for line in findings(rep):
        rep.w(f'- {line}')
    rep.w('')


SECTIONS = [intro, headline, peer_targets, slow_peers, machine, method, closed_tables,
            split_tables, clients_table, paced_table, synx_decisions, gateway_section,
            micro_section,
            profiles_section, targets_section, findings_section, probes, reproduce]


def write_report(facts, results, micro, profiles, md, png):
    rep = Report(facts, results, micro, profiles)
    for section in SECTIONS:
        section(rep)
    with open(md, 'w') as f:
        f.write(rep.text())
    plot(rep, png)
