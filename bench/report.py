# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Turn bench/run.sh measurements into docs/benchmarks.md and its plot.

    report.py record-all DIR   run.sh's raw measurements -> one JSON line each
    report.py report --facts F --results F --micro F --profiles DIR --md OUT --png OUT

Medians with min-max over rounds; every ratio is between figures measured
in the same run, and ratios between scenarios are medians of per-round
ratios (the scenarios of one round ran interleaved, side by side).  Targets
are reported, never asserted.
"""
import argparse
import json
import math
import os
import statistics
import sys

SCN_LABEL = {
    'synx': 'synx (native XDP, own cookies: the default)',
    'synx-kc': 'synx (native XDP, kernel cookies)',
    'kernel': 'kernel alone (tcp_syncookies=1)',
    'nft': 'nftables SYNPROXY alone',
    'xsp': 'the peer: kernel\'s xdp_synproxy + nftables SYNPROXY',
    'reflect': 'bound: reflect-only XDP',
    'drop': 'bound: drop-only XDP',
}
SCN_ORDER = ['synx', 'synx-kc', 'xsp', 'kernel', 'nft', 'reflect', 'drop']


def kv(path):
    d = {}
    if not path or not os.path.exists(path):
        return d
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) >= 2:
                try:
                    d[p[0]] = float(p[1])
                except ValueError:
                    d[p[0]] = ' '.join(p[1:])
    return d


def read_snap(path):
    """A run.sh snapshot: "key value" lines, and raw "@section NAME" ... "@end"
    blocks (synx's JSON counters, SYNPROXY's per-CPU hex table) flattened here."""
    d, sec, buf = {}, None, []
    if not path or not os.path.exists(path):
        return d
    with open(path) as f:
        for line in f:
            if line.startswith('@section '):
                sec, buf = line.split()[1], []
            elif line.startswith('@end'):
                d.update(flatten_section(sec, ''.join(buf)))
                sec = None
            elif sec:
                buf.append(line)
            else:
                p = line.split()
                if len(p) >= 2:
                    try:
                        d[p[0]] = float(p[1])
                    except ValueError:
                        pass
    return d


def flatten_section(name, text):
    out = {}
    if name == 'synproxy':
        rows = [x.split() for x in text.splitlines() if x.strip()]
        for i, n in enumerate(rows[0] if rows else []):
            out['synproxy.' + n] = float(sum(int(r[i], 16) for r in rows[1:] if len(r) > i))
    elif name == 'synx':
        try:
            data = json.loads(text)
        except ValueError:
            return out

        def walk(o, pre):
            if isinstance(o, dict):
                for k, v in o.items():
                    walk(v, pre + '.' + str(k))
            elif isinstance(o, list):
                for i, v in enumerate(o):
                    walk(v, pre + '.' + (v['name'] if isinstance(v, dict) and 'name' in v
                                         else str(i)))
            elif isinstance(o, (int, float)) and not isinstance(o, bool):
                out[pre] = float(o)
        walk(data, 'synx')
    return out


def record_one(m):
    """One measurement directory of run.sh (meta, s0, s1, gen.out, clients*.out)."""
    meta = {}
    with open(os.path.join(m, 'meta')) as f:
        for line in f:
            k, _, v = line.strip().partition(' ')
            meta[k] = v
    s0, s1 = read_snap(os.path.join(m, 's0')), read_snap(os.path.join(m, 's1'))
    g = kv(os.path.join(m, 'gen.out'))
    secs = float(meta['secs'])
    delta = {k: s1[k] - s0.get(k, 0) for k in s1 if s1[k] != s0.get(k, 0)}
    r = dict(round=int(meta['round']), test=meta['test'], mode=meta['mode'],
             scenario=meta['scenario'], kind=meta['kind'], rate=int(meta['rate']), secs=secs)
    r['sent'] = g.get('sent', 0)
    r['elapsed_ns'] = g.get('elapsed_ns', secs * 1e9)
    r['cpu_busy_ns'] = [g.get(f'cpu{i}_busy_ns', 0) for i in range(os.cpu_count() or 2)]
    # CPU time of the threads that do the work, by role (see synx_bench gen --watch).
    r['runtime'] = {'self': g.get('self_runtime_ns', 0)}
    for k, v in g.items():
        if k.startswith('runtime_ns.'):
            role = k.split('.')[1]
            r['runtime'][role] = r['runtime'].get(role, 0) + v
    r['dut_rx'] = delta.get('dut.rx_queue_0_xdp_packets', 0)
    for k in ('synack4', 'synack6', 'rst', 'other', 'csum_checked', 'csum_ok', 'csum_partial',
              'csum_bad'):
        r[k] = delta.get('sink.' + k, 0)
    r['synack'] = r['synack4'] + r['synack6']
    r['peer_synacks'] = delta.get('peer.synacks', 0)
    r['deltas'] = {k: v for k, v in delta.items()
                   if k.startswith(('synx.', 'nstat.', 'dut.', 'gen.', 'peer.', 'synproxy.'))}
    # Real clients (IPv4, IPv6): per-round figures and raw samples (pooled at report time).
    r['clients'] = read_clients(os.path.join(m, 'clients4.out'))
    r['clients6'] = read_clients(os.path.join(m, 'clients6.out'))
    return r


def record_all(a):
    for d in sorted(os.listdir(a.dir)):
        print(json.dumps(record_one(os.path.join(a.dir, d))))


def read_clients(path):
    c = {}
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                p = line.split()
                if not p:
                    continue
                if p[0] == 'samples_us':
                    c['samples'] = [float(x) for x in p[1:]]
                elif len(p) == 2:
                    c[p[0]] = float(p[1])
    return c


# ------------------------------------------------------------------ report

def med(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None, None, None
    return statistics.median(xs), min(xs), max(xs)


def fmt(m, digits=0, unit=''):
    v, lo, hi = m
    if v is None:
        return 'n/a'
    f = f'{{:,.{digits}f}}'
    return f'{f.format(v)}{unit} [{f.format(lo)}–{f.format(hi)}]'


def pct(x):
    return 'n/a' if x is None else f'{100 * x:.1f}%'


def percentile(samples, q):
    if not samples:
        return None
    s = sorted(samples)
    return s[min(len(s) - 1, max(0, int(round(q / 100 * len(s) + 0.5)) - 1))]


class Runs:
    def __init__(self, rows):
        self.rows = rows

    def get(self, test, scn):
        return [r for r in self.rows if r['test'] == test and r['scenario'] == scn]

    def metric(self, test, scn, fn):
        out = []
        for r in self.get(test, scn):
            try:
                out.append(fn(r))
            except (ZeroDivisionError, KeyError, TypeError):
                pass
        return med(out)


def closed_work(r):
    """Closed mode: the generator thread (the DUT's NAPI runs in softirq on it)
    plus ksoftirqd, measured as thread CPU time, so what else the machine ran
    meanwhile does not count."""
    rt = r['runtime']
    return rt.get('self', 0) + rt.get('ksoftirqd0', 0) + rt.get('ksoftirqd1', 0)


def dut_work(r):
    """Split mode: the DUT's NAPI thread (pinned to CPU 1) plus ksoftirqd/1."""
    rt = r['runtime']
    return rt.get('dutnapi', 0) + rt.get('ksoftirqd1', 0)


def ns_closed(r):
    """One core does everything: its work per frame the DUT consumed."""
    return closed_work(r) / r['dut_rx']


def ns_dut(r):
    """Split mode: the DUT thread's CPU time per frame it consumed."""
    return dut_work(r) / r['dut_rx']


def busy(r, cpu):
    """Share of the run the work of interest ran on CPU (0: closed/generator, 1: DUT)."""
    if cpu == 0 and r['mode'] == 'closed':
        return closed_work(r) / r['elapsed_ns']
    if cpu == 1:
        return dut_work(r) / r['elapsed_ns']
    return r['runtime'].get('self', 0) / r['elapsed_ns']


def bound_of(r):
    if r['mode'] == 'closed':
        return (f"one core (the generator's core; our threads ran "
                f"{min(100, 100 * busy(r, 0)):.0f}% of the time)")
    if r['rate']:
        off = r['sent'] / (r['elapsed_ns'] / 1e9)
        if off < 0.9 * r['rate']:
            return f"generator below the pace ({off / 1e3:.0f} kpps)"
        return f"offered rate ({r['rate'] / 1e3:.0f} kpps; DUT core {100 * busy(r, 1):.0f}% busy)"
    if busy(r, 1) >= 0.85:
        return f"DUT core (its NAPI thread ran {100 * busy(r, 1):.0f}% of the time)"
    if busy(r, 0) >= 0.85:
        return f"generator (ran {100 * busy(r, 0):.0f}% of the time)"
    return (f"CPU share: generator ran {100 * busy(r, 0):.0f}%, DUT thread "
            f"{100 * busy(r, 1):.0f}% of the time (machine shared with other work)")


def common_bound(rs):
    if not rs:
        return 'n/a'
    labels = [bound_of(r).split(' (')[0] for r in rs]
    top = max(set(labels), key=labels.count)
    ex = next(bound_of(r) for r in rs if bound_of(r).startswith(top))
    return ex if labels.count(top) == len(labels) else f'{ex} ({labels.count(top)}/{len(labels)} rounds)'


def csum_cell(rs):
    chk = sum(r['csum_checked'] for r in rs)
    bad = sum(r['csum_bad'] for r in rs)
    part = sum(r['csum_partial'] for r in rs)
    if not chk:
        return 'none checked'
    s = f'{int(bad)} bad / {int(chk):,} checked'
    if part:
        s += f' ({int(part):,} partial)'
    return s


def clients_cell(rs, fam=4):
    key = 'clients' if fam == 4 else 'clients6'
    att = sum(r[key].get('attempts', 0) for r in rs if key in r)
    ok = sum(r[key].get('ok', 0) for r in rs if key in r)
    half = sum(r[key].get('synack_only', 0) for r in rs if key in r)
    samples = [x for r in rs if key in r for x in r[key].get('samples', [])]
    if not att:
        return None
    return dict(att=att, ok=ok, half=half, rate=ok / att, p50=percentile(samples, 50),
                p99=percentile(samples, 99), n=len(samples))


def ratio(a, b):
    if a[0] is None or b[0] is None or not b[0]:
        return None
    return a[0] / b[0]


def rfmt(x):
    return 'n/a' if x is None else f'{x:.2f}x'


NOT_RUN = 'n/a'  # set to "not run" for a quick run, where holes are by design


def rrfmt(m):
    """A median of per-round ratios with its range."""
    if m is None or m[0] is None:
        return NOT_RUN
    return f'{m[0]:.2f}x [{m[1]:.2f}–{m[2]:.2f}]'


def load_micro(path):
    rows, calib = [], []
    if not path or not os.path.exists(path):
        return rows, calib
    with open(path) as f:
        for line in f:
            p = line.split()
            if p and p[0] == 'row':
                rows.append(dict(name=p[1], expect=p[2], net=(float(p[3]), float(p[4]),
                                                               float(p[5])),
                                 direct=(float(p[6]), float(p[7]), float(p[8]))))
            elif p and p[0] == 'calib':
                calib.append((float(p[3]), float(p[5])))
            elif p and p[0] == 'tcrow':
                TCROWS.append(dict(name=p[1], net=(float(p[2]), float(p[3]), float(p[4]))))
            elif p and p[0] == 'mismatch':
                MISMATCH.append(' '.join(p[1:]))
            elif p and p[0] == 'rounds':
                MICRO_ROUNDS[p[1]] = [float(x) for x in p[2:]]
    return rows, calib


def micro_ratio(a, b):
    """Median [min, max] over the micro's rounds of row a / row b in the same round."""
    xa, xb = MICRO_ROUNDS.get(a), MICRO_ROUNDS.get(b)
    if not xa or not xb:
        return None
    return med([x / y for x, y in zip(xa, xb) if y > 0])


MISMATCH = []
MICRO_ROUNDS = {}  # row -> its per-round figures
TCROWS = []  # own mode's tc hand-off, synx_tc minus an empty tc program
PROFILES = {}  # (scenario, kind) -> perf report lines of the DUT thread

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
# The project's targets against the peer and the bounds (met/missed, never tuned for).
PEER_TARGETS = [
    # (variant, kind, versus, limit)
    ('synx', 'syn', 'xsp', 0.70),
    ('synx', 'syn', 'bound', 1.80),
    ('synx-kc', 'syn', 'xsp', 0.65),
    ('synx-kc', 'syn', 'bound', 1.70),
    ('synx', 'ack', 'bound', 1.30),
    ('synx-kc', 'ack', 'bound', 1.30),
]
VARIANT = {'synx': 'own cookies', 'synx-kc': 'kernel cookies', 'xsp': 'the peer'}


def cost_fn(test):
    """ns per frame: the one core's in closed mode, the DUT thread's in split mode."""
    return ns_closed if test.endswith('-closed') else ns_dut


def round_ratio(R, test, a, b):
    """Median [min, max] over rounds of (cost of a / cost of b) in the same round."""
    fn = cost_fn(test)
    out = []
    for ra in R.get(test, a):
        for rb in R.get(test, b):
            if rb['round'] != ra['round']:
                continue
            try:
                out.append(fn(ra) / fn(rb))
            except (ZeroDivisionError, KeyError, TypeError):
                pass
    return med(out)


def report(a):
    facts = kv(a.facts)
    rows = []
    with open(a.results) as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    R = Runs(rows)
    if a.profiles and os.path.isdir(a.profiles):
        for fn in sorted(os.listdir(a.profiles)):
            if fn.startswith('profile-') and fn.endswith('.txt'):
                scn, kind = fn[len('profile-'):-len('.txt')].rsplit('-', 1)
                with open(os.path.join(a.profiles, fn)) as f:
                    PROFILES[(scn, kind)] = [line.rstrip() for line in f if line.strip()]
    micro, calib = load_micro(a.micro)
    mic = {m['name']: m for m in micro}
    out = []
    w = out.append
    quick = facts.get('quick') == 1.0
    global NOT_RUN
    NOT_RUN = 'not run' if quick else 'n/a'
    peer_ok = str(facts.get('peer_status', '')).startswith('ok')
    peer_why = str(facts.get('peer_status', 'skip: not run')).replace('skip: ', '')
    scns = [s for s in SCN_ORDER if any(r['scenario'] == s for r in rows)]

    closed = {t: {s: R.metric(t, s, ns_closed) for s in SCN_ORDER}
              for t in ('syn4-closed', 'ack4-closed', 'syn6-closed', 'ack6-closed')}
    split = {t: {s: R.metric(t, s, ns_dut) for s in SCN_ORDER}
             for t in ('syn4-split', 'syn6-split', 'ack4-split', 'ack6-split')}
    cost = dict(closed, **split)
    # Per-round ratios: synx (both cookie modes) and the peer against the peer and the bound.
    rr = {}
    for test, _, bound in FIGS:
        for v in ('synx', 'synx-kc', 'xsp'):
            rr[(test, v, 'xsp')] = round_ratio(R, test, v, 'xsp')
            rr[(test, v, 'bound')] = round_ratio(R, test, v, bound)
    v6_na = v6_client_na(R, facts)

    w('# synx benchmarks')
    w('')
    w('Generated by `make bench` (bench/run.sh); do not edit by hand.' +
      (' **Quick smoke run: too short to quote.**' if quick else ''))
    w('')
    w('The question: how much more SYN flood can a box absorb with synx than with what it would '
      'use instead? The peer that matters is the XDP SYN proxy that ships with the kernel '
      '(`xdp_synproxy`, with nftables SYNPROXY behind it); the kernel alone and nftables '
      'SYNPROXY alone are 4-9x slower than any XDP answerer.')
    w('Every figure below is a median over rounds with [min–max]; scenarios ran interleaved')
    w('(rotated order each round) on the same veth lab with the same generated traffic, so')
    w('**ratios between rows are the result**, and a ratio is the median of the per-round')
    w('ratios; absolute numbers belong to this one noisy VM.')
    w('')

    # ---- headline
    w('## Headline: synx against the kernel\'s XDP SYN proxy and the bounds')
    w('')
    if not peer_ok:
        w(f'**The peer did not run: {peer_why}.** Its rows below are n/a.')
        w('')
    w('Cost per packet, ratio to the peer (xdp_synproxy) and to the bound of the same work '
      '(reflect-only for a SYN, drop-only for a bad-cookie ACK); median of per-round ratios '
      '[min–max]. Closed mode: one core does generator, veth, DUT and sink (ns of the whole '
      'chain); split mode: the DUT\'s own core, flooded at the generator\'s maximum.')
    w('')
    w('| figure | synx own cookies / peer | synx kernel cookies / peer | own / bound | '
      'kernel cookies / bound | peer / bound |')
    w('|---|---|---|---|---|---|')
    for test, label, bound in FIGS:
        b = 'reflect' if bound == 'reflect' else 'drop'
        w(f"| {label} | {rrfmt(rr[(test, 'synx', 'xsp')])} | {rrfmt(rr[(test, 'synx-kc', 'xsp')])}"
          f" | {rrfmt(rr[(test, 'synx', 'bound')])} | {rrfmt(rr[(test, 'synx-kc', 'bound')])} | "
          f"{rrfmt(rr[(test, 'xsp', 'bound')])} |")
    w('')
    if v6_na:
        w(f'IPv6 rows measure the peer\'s XDP program, which answers SYNs and drops bad ACKs on '
          f'its own; real IPv6 clients cannot complete a handshake through the peer here '
          f'(n/a: {v6_na}; see Findings).')
        w('')

    # ---- peer targets
    w('### Targets against the peer and the bounds: met or missed')
    w('')
    w('Not tuned for yet: this says where synx stands. "bound" is reflect-only for a SYN, '
      'drop-only for a bad-cookie ACK.')
    w('')
    w('| target | IPv4, closed | IPv6, closed | IPv4, split | IPv6, split |')
    w('|---|---|---|---|---|')
    verdicts = []
    for v, kind, vs, lim in PEER_TARGETS:
        figs = [f for f in FIGS if f[0].startswith(kind)]
        cells = []
        for test, _, _ in figs:
            m = rr[(test, v, vs)]
            if m is None or m[0] is None:
                cells.append(NOT_RUN)
                continue
            ok = m[0] <= lim
            verdicts.append(ok)
            cells.append(f"{m[0]:.2f}x {'met' if ok else '**missed**'}")
        what = 'per SYN' if kind == 'syn' else 'per bad-cookie ACK'
        versus = 'the peer' if vs == 'xsp' else ('reflect-only' if kind == 'syn' else 'drop-only')
        w(f'| {VARIANT[v]}, {what} ≤ {lim:.2f}x {versus} | ' + ' | '.join(cells) + ' |')
    w('')
    w(f'{sum(verdicts)} of {len(verdicts)} met.')
    w('')

    # ---- issue 6 headline (kept)
    s4, a4, s6 = closed['syn4-closed'], closed['ack4-closed'], closed['syn6-closed']
    w('### Against the kernel alone and nftables SYNPROXY (issue 6)')
    w('')
    hl = []
    for v, vl in (('synx', 'synx'), ('synx-kc', 'synx with kernel cookies'),
                  ('xsp', 'the peer')):
        hl += [
            (f'SYN v4, closed mode: SYNs per core, {vl} / kernel alone',
             ratio(s4['kernel'], s4[v]), '≥ 5x'),
            (f'SYN v4, closed mode: SYNs per core, {vl} / nftables SYNPROXY',
             ratio(s4['nft'], s4[v]), '≥ 5x'),
            (f'SYN v6, closed mode: SYNs per core, {vl} / kernel alone',
             ratio(s6['kernel'], s6[v]), '—'),
        ]
    w('| figure | measured | target (issue 6) |')
    w('|---|---|---|')
    for name, v, tgt in hl:
        w(f'| {name} | **{rfmt(v)}** | {tgt if "peer" not in name else "—"} |')
    w('')

    # ---- machine
    w('## Machine')
    w('')
    w(f"- CPU: {facts.get('cpu_model', '?')}, {int(facts.get('cpus', 0))} cores (a VM; "
      'shared with other work, so noisy)')
    w(f"- Kernel: {facts.get('kernel', '?')}; clang: {facts.get('clang', '?')}; "
      f"libbpf {facts.get('libbpf', '?')}; libxdp {facts.get('libxdp', '?')}; "
      f"{facts.get('nft', '?')}")
    w(f"- Peer: {facts.get('peer_status', '?')}; verifier: {facts.get('peer_verifier', '?')}")
    w(f"- Date: {facts.get('date', '?')}; synx {facts.get('synx_version', '?')}")
    w(f"- Load average at start / end: {facts.get('loadavg_start', '?')} / "
      f"{facts.get('loadavg_end', '?')}; whole run took {int(facts.get('elapsed_s', 0))} s")
    w(f"- Rounds: {int(facts.get('rounds', 0))}; closed-mode loads {facts.get('t_closed')} s, "
      f"split-mode {facts.get('t_split')} s, paced {facts.get('t_paced')} s "
      f"({int(facts.get('paced_pps', 0)) // 1000} kpps), idle client baseline "
      f"{facts.get('t_idle')} s, each per scenario per round")
    w('')

    # ---- method
    w('## Method')
    w('')
    w('Two namespaces joined by one veth pair; nothing touches the host\'s interfaces.')
    w('')
    w('- **Generator**: `BPF_PROG_TEST_RUN` with `BPF_F_TEST_XDP_LIVE_FRAMES` on the generator\'s '
      'veth (bench/bench_gen.bpf.c): each run copies a template frame, randomises the source '
      'address (198.18.128.0/17 or fd00:0:0:1::/64), source port and sequence (and the '
      'acknowledgment number, a random "cookie", for the ACK floods), fixes both checksums '
      'incrementally, and returns `XDP_TX`. SYNs carry Linux\'s options (MSS, SACK-permitted, '
      'timestamps, window scale). Paced runs spin inside the program (`bpf_loop` on '
      '`bpf_ktime_get_ns`), not in userspace. Every load is bounded by a packet count and a '
      'time. Every frame is addressed to the DUT device\'s own MAC and to one of its local '
      'addresses (198.18.0.2, fd00::2).')
    w('- **Sink**: bench/bench_sink.bpf.c on the generator\'s veth keeps its NAPI running (veth '
      'delivers XDP frames only to an end with an XDP program), counts the DUT\'s replies to '
      'spoofed sources and verifies their IPv4 and TCP checksums with an independent sum: one '
      f"reply in {int(facts.get('sink_sample', 64))} at full speed (so that verification does not "
      'inflate every scenario\'s cost), every reply in the paced runs. Kernel-built replies leave '
      'veth with CHECKSUM_PARTIAL (the field holds the pseudo-header sum): counted apart as '
      '"partial", not as bad.')
    w('- **Scenarios** on the DUT end: synx attached with `synx attach IF --mode native` (the '
      'product path), once with its default `--cookies auto` (synx\'s own cookies on this '
      'kernel) and once with `--cookies kernel`; **the peer**: the kernel\'s own XDP SYN proxy '
      '(`tools/testing/selftests/bpf/progs/xdp_synproxy_kern.c`, from Debian\'s '
      'linux-source-6.12 package, extracted and built at bench time against this kernel\'s BTF '
      'by bench/peer_build.sh; nothing of it is in this repository), its XDP program loaded by '
      'bench/synx_bench.c and configured as its userspace does (`values[0]` = MSS 1460/1440, '
      'wscale 7, TTL 64; `allowed_ports` = 80), with what its documentation puts behind it: '
      'the standard nftables SYNPROXY ruleset, `tcp_syncookies=2`, `nf_conntrack_tcp_loose=0`; '
      'the kernel alone and nftables SYNPROXY alone (the peer\'s setup without its XDP half) '
      'behind a pass-through XDP program '
      '(bench_pass: it only keeps veth\'s NAPI, and so delivery of XDP frames, running); the '
      'SYNPROXY ruleset is the standard one (`tcp flags syn notrack` in raw prerouting; '
      '`ct state invalid,untracked synproxy mss 1460 wscale 7 timestamp sack-perm` then '
      '`ct state invalid drop` in input); two XDP bounds (bench/bench_bounds.bpf.c): '
      '*reflect-only* turns the SYN into a SYN-ACK in place without cookie, socket lookup or '
      'option walk (the floor of answering), *drop-only* parses to the TCP flags and drops '
      '(the floor of doing anything). The DUT namespace has a listener on :80 that accepts, '
      'sends one byte and closes, and runs `net.ipv4.tcp_syncookies=1` in the synx and '
      'kernel-alone scenarios (the kernel\'s default policy; under a flood its SYN queue is '
      'full and synx answers every SYN), 2 behind SYNPROXY (the peer\'s documented setup; with '
      '1, every real connection through SYNPROXY took a ~1 s SYN-ACK retransmission to reach '
      'the listener in this lab).')
    w('- **closed mode** (no threaded NAPI): veth has no IRQ, so the receiver\'s NAPI runs on '
      'the sender\'s CPU, in softirq on the generator\'s own thread, and throttles the generator '
      'to the DUT\'s speed. One core (CPU 0) does generator + DUT + sink; the figure is that '
      'work per frame the DUT consumed: CPU time of the generator thread plus ksoftirqd '
      '(`/proc/PID/schedstat`), so that whatever else this shared VM runs does not count. The '
      'overhead every scenario shares (generator, veth, sink) is in each row; the bounds '
      'measure it.')
    w('- **split mode**: threaded NAPI on both ends (`/sys/class/net/IF/threaded`), the DUT\'s '
      'NAPI thread pinned to CPU 1, generator, sink thread and clients on CPU 0 (the sink '
      'thread on CPU 1 when paced, where the spinning generator cannot starve it). The DUT\'s '
      'NAPI thread and the generator run at nice -15 so that other work on the VM weighs less. '
      'The figure is the CPU time of the DUT\'s NAPI thread (plus ksoftirqd/1) per frame it '
      'consumed. At the maximum, the generator outruns the DUT and veth\'s 256-frame ring '
      'overflows; this measures behaviour under overload, and cross-CPU ring traffic makes '
      'each frame dearer than in closed mode. The paced run offers '
      f"{int(facts.get('paced_pps', 0)) // 1000} kpps instead: there each NAPI wake-up handles "
      'few frames, and its fixed cost dominates every scenario.')
    w('- **Real clients**: during closed-mode floods (tests of their own, so that the cost '
      'figures are not perturbed), during split-mode floods, and alone (idle baseline), clients '
      'in the generator namespace make sequential connections to 198.18.0.2:80 (IPv4 floods) '
      'or [fd00::2]:80 (IPv6 floods), 10 ms apart, each with a 3 s deadline (room for one SYN '
      'retransmission). A connection counts only once the server\'s byte arrives, i.e. once '
      'the handshake reached the listener (behind a proxy a SYN-ACK alone proves nothing); '
      '"SYN-ACK only" counts those that got a SYN-ACK and nothing after. Success rate and '
      'p50/p99 of the time to that byte are pooled over rounds.')
    w('- **Micro-benchmark**: the real objects through `BPF_PROG_TEST_RUN` with '
      f"repeat={int(facts.get('micro_repeat', 0)):,}, {int(facts.get('micro_rounds', 0))} "
      'rounds, each run with `ingress_ifindex` set to an Ethernet device (one end of a veth pair) of the micro netns that '
      'holds the DUT\'s addresses (198.18.0.2/24, fd00::2/64) and whose MAC every frame is '
      'addressed to. With repeat the kernel re-runs on the same buffer, which synx has '
      'rewritten into a SYN-ACK, so every class runs under bench_restore '
      '(bench/bench_micro.bpf.c): it restores the frame\'s metadata room, length and bytes, '
      'then tail-calls the program under test through a program array. Own-cookie rows switch '
      'synx\'s config to own cookies with fixed test keys; `peer-` rows run the peer\'s XDP '
      'program on the same frames. The wrapper\'s own cost (tail-calling an empty program) '
      'is measured alternately and subtracted. For classes a program does not rewrite, a '
      'direct run minus an empty program is shown as a cross-check. Every synx row is checked '
      'to end in its expected reason counter, `repeat` times (the peer\'s SYN rows against its '
      'SYN-ACK counter). The wrapper estimate is slightly high for SYNs: restoring their length '
      'costs one `bpf_xdp_adjust_tail` that the calibration run does not need.')
    w('')

    # ---- closed mode tables
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
                if s == 'xsp' and not peer_ok:
                    w(f'| {SCN_LABEL[s]} | n/a: {peer_why} | | | | | |')
                continue
            m = closed[test][s]
            rate = (1e9 / m[0], 1e9 / m[2], 1e9 / m[1]) if m[0] else (None, None, None)
            rep = med([(r['synack'] + r['rst']) / r['sent'] for r in rs if r['sent']])
            con = med([r['dut_rx'] / r['sent'] for r in rs if r['sent']])
            w(f'| {SCN_LABEL[s]} | {fmt(m)} | {rfmt(ratio(m, base))} | {fmt(rate)} | '
              f'{pct(con[0])} | {pct(rep[0])} | {csum_cell(rs)} |')
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

    # ---- split mode
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

    # ---- clients
    w('### Real clients during the floods')
    w('')
    w('Closed mode: the flood runs at the DUT\'s own capacity (the generator is throttled to it), '
      'clients on the other core. Split mode: the generator offers many times what the DUT '
      'consumes, and veth\'s single 256-frame ring, shared by flood and clients, overflows.')
    w('')
    w('| scenario | family | idle: success, p50 / p99 | closed-mode flood: success, p50 / p99 | '
      'split-mode max flood: success, p50 / p99 | p99 / idle p99 (closed, split) |')
    w('|---|---|---|---|---|---|')
    client_res = {}

    def cc(c, scn, fam):
        if not c:
            return 'n/a'
        if fam == 6 and scn in ('xsp', 'nft') and c['rate'] < 0.5 and v6_na:
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
    for s in [x for x in REAL_ORDER if x in scns]:
        for fam in (4, 6):
            idle = clients_cell(R.get('idle', s), fam)
            fc = clients_cell(R.get(f'syn{fam}-closed-cl', s), fam)
            fs = clients_cell(R.get(f'syn{fam}-split', s), fam)
            client_res[(s, fam)] = (idle, fc, fs)
            w(f'| {SCN_LABEL[s]} | IPv{fam} | {cc(idle, s, fam)} | {cc(fc, s, fam)} | '
              f'{cc(fs, s, fam)} | {rfmt(pr(fc, idle))}, {rfmt(pr(fs, idle))} |')
    w('')

    # ---- paced
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

    # ---- synx internals
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

    # ---- micro
    w('## Micro-benchmark: ns per packet class (BPF_PROG_TEST_RUN)')
    w('')
    if calib:
        cw = med([c[0] for c in calib])
        ce = med([c[1] for c in calib])
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
              f'{rrfmt(micro_ratio(own, peer) if own else None)} | {rrfmt(micro_ratio(kc, peer))} |')
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
    for m in micro:
        d = m['direct']
        dc = '—' if math.isnan(d[0]) else f'{d[0]:.0f} [{d[1]:.0f}–{d[2]:.0f}]'
        w(f"| {m['name']} | `{m['expect']}` | {m['net'][0]:.0f} [{m['net'][1]:.0f}–"
          f"{m['net'][2]:.0f}] | {dc} |")
    w('')
    if TCROWS:
        w('Own mode adds a tc ingress program (`synx_tc`) that every packet meets; only a '
          'validated handshake ACK carries XDP metadata for it. Its cost on everything else, '
          'minus an empty tc program measured the same way:')
        w('')
        w('| class | synx_tc ns [min–max] |')
        w('|---|---|')
        for t in TCROWS:
            w(f"| {t['name']} | {t['net'][0]:.1f} [{t['net'][1]:.1f}–{t['net'][2]:.1f}] |")
        w('')
    if MISMATCH:
        w('**Rows that did not end where expected** (their figures are not the class\'s):')
        w('')
        for x in MISMATCH:
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

    # ---- profiles
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
    if not PROFILES:
        w('(no profile taken)')
        w('')
    for kind, what in (('syn4', 'IPv4 SYN flood'), ('ack4', 'IPv4 bad-cookie ACK flood')):
        for scn in ('synx', 'synx-kc', 'xsp'):
            prof = PROFILES.get((scn, kind))
            if not prof:
                continue
            w(f'{SCN_LABEL[scn]}, {what}:')
            w('')
            w('```')
            for line in prof[:14]:
                w(line)
            w('```')
            w('')

    # ---- issue 6 targets
    drop_m = mic.get('bound-drop-syn4')
    w('## Targets (issue 6): met or missed')
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
    flags_m = mic.get('stage-syn4-flags-only')
    if drop_m and flags_m:
        hdr = [m for m in micro if m['name'].startswith('bad-')
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
        sc = client_res.get((v, 4))
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

    # ---- findings
    w('## Findings')
    w('')
    for line in findings(R, closed, split, rr, mic, facts, client_res, v6_na):
        w(f'- {line}')
    w('')

    # ---- profiling probes
    w('## Profiling on this machine')
    w('')
    w(f"- fentry/freplace programs on synx: {facts.get('probe_tracing', '?')} — so no "
      'per-function BPF tracing, and libxdp cannot use its dispatcher (synx attaches as the '
      'only program).')
    w(f"- `bpftool prog profile`: {facts.get('probe_bpftool_profile', '?')}")
    w(f"- Hardware counters (`perf stat -e cycles`): {facts.get('probe_perf_cycles', '?')}")
    w('- What remains: the per-stage micro figures and the `perf` timer profiles above.')
    w('')
    w('## Reproduce')
    w('')
    w('`make bench` (root; ~20 min; rewrites this file and docs/benchmarks.png) or '
      '`make bench-quick` (~2 min smoke run into build/bench/). Both build the peer first '
      '(`make bench-peer`: installs linux-source-6.12 if missing, extracts two files from it '
      'into build/bench/peer/src/, dumps this kernel\'s BTF to build/bench/peer/vmlinux.h). '
      'Raw results: build/bench/results.jsonl, build/bench/micro.out, '
      'build/bench/profile-*.txt.')
    w('')
    text = '\n'.join(out)
    with open(a.md, 'w') as f:
        f.write(text)
    plot(a.png, R, closed, rr, micro, facts)


REAL_ORDER = ['synx', 'synx-kc', 'xsp', 'kernel', 'nft']


def stage_rows(mic):
    """Differences of the SYN v4 stage rows: (label, ns of medians, ns of minima)."""
    st = [mic.get(n) for n in ('stage-syn4-flags-only', 'stage-syn4-unprotected',
                               'stage-syn4-bad-tcp-csum', 'stage-syn4-no-listener',
                               'stage-syn4-declined', 'syn4-linux')]
    if not all(st):
        return []
    v = [x['net'][0] for x in st]
    lo = [x['net'][1] for x in st]
    names = ['Ethernet/IPv4/TCP parse and flag checks (stops at a bad flag)',
             '+ option walk (bpf_loop) and port policy',
             '+ IPv4 and TCP checksum verification',
             '+ listener lookup (`bpf_skc_lookup_tcp`, a miss here)',
             '+ lookup hit and the kernel\'s cookie policy check (declines)',
             '+ cookie (`bpf_tcp_gen_syncookie`) and SYN-ACK rewrite, resize, checksums']
    out = [(n, v[i] - (v[i - 1] if i else 0), lo[i] - (lo[i - 1] if i else 0))
           for i, n in enumerate(names)]
    own = mic.get('syn4-linux-own')
    if own:
        out.append(('own cookies instead: + SipHash-2-4 MAC and the own cookie\'s option '
                    'encoding, the kernel\'s cookie still computed for its policy '
                    '(`syn4-linux-own` − `syn4-linux`)', own['net'][0] - v[5],
                    own['net'][1] - lo[5]))
    out.append(('total (kernel cookies)', v[5], lo[5]))
    return out


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


def findings(R, closed, split, rr, mic, facts, client_res, v6_na):
    """What the numbers say, computed from them where possible."""
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
    pk = [mic.get(n) for n in ('syn4-linux', 'syn4-linux-own', 'peer-syn4-linux',
                               'ack4-bad-cookie', 'ack4-bad-own-cookie-only',
                               'peer-ack4-bad-cookie')]
    if all(pk):
        k, o, p, ak, ao, ap = (x['net'][0] for x in pk)
        out.append(
            f"Program cost alone (micro, same frames): SYN v4 {o:.0f} ns own cookies, {k:.0f} ns "
            f"kernel cookies, {p:.0f} ns the peer; bad-cookie ACK v4 {ao:.0f} ns own (steady "
            f"state), {ak:.0f} ns kernel cookies, {p and ap:.0f} ns the peer. The peer does "
            'less per SYN: no listener lookup (it answers for a port list; a conntrack lookup '
            'instead), no kernel policy question, `bpf_tcp_raw_gen_syncookie_ipv4` (no '
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
            f"The candidates, each measured alone (micro): the kernel's cookie that own mode "
            f"computes per SYN only to learn the kernel's policy costs {kcook:.0f} ns "
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
            p = PROFILES.get((scn, kind))
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
    only, both = mic.get('ack4-bad-own-cookie-only'), mic.get('ack4-bad-own-cookie')
    if a_own[0] and a_kc[0] and only and both:
        out.append(
            'Own mode\'s bad-ACK figures are its first 180 s after a load: every scenario '
            'switch re-attaches synx, so each flood here runs while a kernel cookie may still be '
            'out, and each bad ACK pays both checks (own, then the kernel\'s). Once that horizon '
            f"has passed, the micro-benchmark puts a bad ACK at {only['net'][0]:.0f} ns instead "
            f"of {both['net'][0]:.0f} (`ack4-bad-own-cookie-only`); the macro rows do not "
            'show that steady state.')
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
            f"{s4['nft'][0] / kc[0]:.1f}x those of nftables SYNPROXY (issue 6 target 5x)"
            + (f"; the peer {s4['kernel'][0] / peer[0]:.1f}x / {s4['nft'][0] / peer[0]:.1f}x."
               if peer[0] else '.'))
    out.append(
        'In split mode at the generator\'s maximum, real clients of every scenario need a SYN '
        'retransmission now and then (p99 ≈ 1 s): flood and clients share veth\'s single '
        '256-frame ring, which overflows when the generator offers several times what the DUT '
        'consumes, and a lost client SYN waits for the kernel\'s 1 s retransmission timer. '
        'That is a property of the lab (one queue, no flow steering), not of a scenario; the '
        'closed-mode figures are the ones where the flood runs at the DUT\'s capacity.')
    ours = [r for r in R.rows if r['scenario'] in ('synx', 'synx-kc', 'xsp', 'reflect', 'drop')]
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


def plot(path, R, closed, rr, micro, facts):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(2, 2, figsize=(17, 11))
    colors = {'synx': '#1f77b4', 'synx-kc': '#17becf', 'xsp': '#9467bd', 'kernel': '#d62728',
              'nft': '#ff7f0e', 'reflect': '#2ca02c', 'drop': '#7f7f7f'}
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
            xs.append(j + (i - 3) * width)
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
    ratio_panel(ax[1][0], 'bound', 'Against the bound: reflect-only (SYN), drop-only (ACK)',
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


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    r = sub.add_parser('record-all')
    r.add_argument('dir')
    p = sub.add_parser('report')
    p.add_argument('--facts', required=True)
    p.add_argument('--results', required=True)
    p.add_argument('--micro')
    p.add_argument('--profiles', help='directory of profile-SCN-KIND.txt files')
    p.add_argument('--md', required=True)
    p.add_argument('--png', required=True)
    a = ap.parse_args()
    if a.cmd == 'record-all':
        record_all(a)
    else:
        report(a)


if __name__ == '__main__':
    sys.exit(main())
