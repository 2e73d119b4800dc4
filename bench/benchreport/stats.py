# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Figures from recorded runs: medians with their range, ratios, the cost of
a frame in each mode, what bounded a run, reply checksums and clients."""
import statistics


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


def rrfmt(m, not_run='n/a'):
    """A median of per-round ratios with its range; not_run for a hole."""
    if m is None or m[0] is None:
        return not_run
    return f'{m[0]:.2f}x [{m[1]:.2f}–{m[2]:.2f}]'


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
