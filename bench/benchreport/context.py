# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The one object every section of the report reads: the run's facts, its
recorded measurements, the micro-benchmark, the profiles, and the figures
computed from them once (costs per test and scenario, per-round ratios,
client results); and the lines written so far."""
import json
import os

from .micro import Micro
from .record import kv
from .stats import Runs, clients_cell, ns_closed, ns_dut, round_ratio, rrfmt

SCN_LABEL = {
    'synx': 'synx (native XDP, own cookies: the default)',
    'synx-kc': 'synx (native XDP, kernel cookies)',
    'kernel': 'kernel alone (tcp_syncookies=1)',
    'nft': 'nftables SYNPROXY alone',
    'xsp': 'the peer: kernel\'s xdp_synproxy + nftables SYNPROXY',
    'reflect': 'bound: reflect-only XDP',
    'drop': 'bound: drop-only XDP',
    'lookup': 'bound: socket lookup, then reflect-only (SYN) / drop (ACK)',
}
SCN_ORDER = ['synx', 'synx-kc', 'xsp', 'kernel', 'nft', 'reflect', 'drop', 'lookup']
REAL_ORDER = ['synx', 'synx-kc', 'xsp', 'kernel', 'nft']  # those that complete handshakes
VARIANT = {'synx': 'own cookies', 'synx-kc': 'kernel cookies', 'xsp': 'the peer'}

# The figures synx is compared with its peer on: (test, label, bound scenario).
FIGS = [
    ('syn4-closed', 'SYN v4, closed', 'reflect'),
    ('syn6-closed', 'SYN v6, closed', 'reflect'),
    ('syn4-split', 'SYN v4, split', 'reflect'),
    ('syn6-split', 'SYN v6, split', 'reflect'),
    ('ack4-closed', 'bad-cookie ACK v4, closed', 'drop'),
    ('ack6-closed', 'bad-cookie ACK v6, closed', 'drop'),
    ('ack4-split', 'bad-cookie ACK v4, split', 'drop'),
    ('ack6-split', 'bad-cookie ACK v6, split', 'drop'),
]
CLOSED_TESTS = ('syn4-closed', 'ack4-closed', 'syn6-closed', 'ack6-closed')
SPLIT_TESTS = ('syn4-split', 'syn6-split', 'ack4-split', 'ack6-split')


def read_profiles(directory):
    """(scenario, kind) -> the perf report lines of profile-SCN-KIND.txt files."""
    out = {}
    if directory and os.path.isdir(directory):
        for fn in sorted(os.listdir(directory)):
            if fn.startswith('profile-') and fn.endswith('.txt'):
                scn, kind = fn[len('profile-'):-len('.txt')].rsplit('-', 1)
                with open(os.path.join(directory, fn)) as f:
                    out[(scn, kind)] = [line.rstrip() for line in f if line.strip()]
    return out


def read_results(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def v6_client_na(R, facts):
    """Why IPv6 clients cannot complete through SYNPROXY here, or '' if they can."""
    xs = [r for t in ('syn6-closed-cl', 'syn6-split', 'idle') for r in R.get(t, 'xsp')]
    c = clients_cell(xs, 6)
    full = str(facts.get('v6probe_nft_csum_full', ''))
    part = str(facts.get('v6probe_nft_csum_partial', ''))
    if c and c['rate'] < 0.5:
        if 'ok=0' in full and 'ok=0' not in part and part:
            return ('nftables SYNPROXY drops IPv6 segments that carry a full checksum on this '
                    'kernel (it accepts the same handshake when the checksum is left partial)')
        return 'IPv6 handshakes do not complete through nftables SYNPROXY on this kernel'
    return ''


class Report:
    def __init__(self, facts_path, results_path, micro_path, profiles_dir):
        self.facts = facts = kv(facts_path)
        self.R = R = Runs(read_results(results_path))
        self.profiles = read_profiles(profiles_dir)
        self.micro = Micro(micro_path)
        self.mic = self.micro.by_name
        self.out = []
        self.quick = facts.get('quick') == 1.0
        # Holes: by design in a quick run, worth a look in a full one.
        self.not_run = 'not run' if self.quick else 'n/a'
        self.peer_ok = str(facts.get('peer_status', '')).startswith('ok')
        self.peer_why = str(facts.get('peer_status', 'skip: not run')).replace('skip: ', '')
        self.scns = [s for s in SCN_ORDER if any(r['scenario'] == s for r in R.rows)]
        self.closed = {t: {s: R.metric(t, s, ns_closed) for s in SCN_ORDER} for t in CLOSED_TESTS}
        self.split = {t: {s: R.metric(t, s, ns_dut) for s in SCN_ORDER} for t in SPLIT_TESTS}
        # Per-round ratios: synx (both cookie modes) and the peer against the peer and the bound.
        self.rr = {}
        for test, _, bound in FIGS:
            for v in ('synx', 'synx-kc', 'xsp'):
                self.rr[(test, v, 'xsp')] = round_ratio(R, test, v, 'xsp')
                self.rr[(test, v, 'bound')] = round_ratio(R, test, v, bound)
                self.rr[(test, v, 'lookup')] = round_ratio(R, test, v, 'lookup')
            # The floor of every answerer that asks the socket table first.
            self.rr[(test, 'lookup', 'bound')] = round_ratio(R, test, 'lookup', bound)
        self.v6_na = v6_client_na(R, facts)
        # (scenario, family) -> (idle, closed-mode flood, split-mode flood) client cells.
        self.client_res = {}
        for s in [x for x in REAL_ORDER if x in self.scns]:
            for fam in (4, 6):
                self.client_res[(s, fam)] = (
                    clients_cell(R.get('idle', s), fam),
                    clients_cell(R.get(f'syn{fam}-closed-cl', s), fam),
                    clients_cell(R.get(f'syn{fam}-split', s), fam))

    def w(self, line):
        self.out.append(line)

    def rrfmt(self, m):
        return rrfmt(m, self.not_run)

    def text(self):
        return '\n'.join(self.out)
