# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""synx's reason counters as the lab reads them: from a bpftool dump of the
pinned per-CPU map, or from `synx -j stats`, by the names of
include/synx_counters.h (contract.py), lower case as the CLI prints them."""

import json
import subprocess
import sys

from . import contract as C


def reason_names():
    """Index -> lower-case reason name."""
    return {v: k.lower() for k, v in C.REASONS.items()}


def from_dump(dump):
    """{name: packets} from `bpftool -j map dump` of synx_counters, summed
    over CPUs (slots without a name, the spare ones, left out)."""
    names = reason_names()
    res = {}
    for entry in dump:
        fmt = entry.get('formatted')
        if fmt is None:
            raise ValueError('counters: map has no BTF; cannot decode')
        if fmt['key'] in names:
            res[names[fmt['key']]] = sum(v['value']['packets'] for v in fmt['values'])
    return res


def read(cmd):
    """{name: packets} from a shell command printing such a dump."""
    out = subprocess.run(cmd, shell=True, capture_output=True, text=True, check=True).stdout
    return from_dump(json.loads(out))


def cmd_counters(args):
    """bpftool -j dump of the per-CPU reason array on stdin -> `name packets`."""
    try:
        counts = from_dump(json.load(sys.stdin))
    except ValueError as e:
        sys.exit(str(e))
    names = reason_names()
    for idx in sorted(names):
        if names[idx] in counts:
            print(names[idx], counts[names[idx]])


def cmd_json_counter(args):
    """Find one reason's packet count in `synx stats --json` output, whatever
    the nesting: {"name": {"packets": N}}, {"name": N} or
    [{"name": "name", "packets": N}], names compared case-insensitively.
    The counts of every interface found are added up."""
    want = args.name.lower()
    total = [None]

    def add(v):
        total[0] = (total[0] or 0) + v

    def walk(o):
        if isinstance(o, dict):
            n = o.get('name') or o.get('reason')
            if isinstance(n, str) and n.lower() == want and isinstance(o.get('packets'), int):
                add(o['packets'])
                return
            for k, v in o.items():
                if k.lower() == want:
                    if isinstance(v, dict) and isinstance(v.get('packets'), int):
                        add(v['packets'])
                    elif isinstance(v, int):
                        add(v)
                else:
                    walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    try:
        walk(json.load(sys.stdin))
    except ValueError as e:
        print('invalid-json:', e)
        return
    print(total[0])


def register(sub):
    sub.add_parser('counters', help='bpftool dump on stdin -> name packets').set_defaults(
        fn=cmd_counters)
    s = sub.add_parser('json-counter', help='one reason from synx -j stats on stdin')
    s.add_argument('name')
    s.set_defaults(fn=cmd_json_counter)
