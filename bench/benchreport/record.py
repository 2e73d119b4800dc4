# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""run.sh's raw measurements -> one JSON line each (report.py record-all).

A measurement directory holds meta (round, test, mode, scenario, kind, rate,
secs), the counter snapshots before and after (s0, s1), the generator's
output (gen.out) and the clients' (clients4.out, clients6.out).
"""
import json
import os


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
    # CPU time of the threads that do the work, by role (see bench_gen --watch).
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


def record_all(directory):
    """Print every measurement under directory as one JSON line, in run order."""
    for d in sorted(os.listdir(directory)):
        print(json.dumps(record_one(os.path.join(directory, d))))


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
