# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Turn bench/run.sh measurements into docs/benchmarks.md and its plot.

    report.py record-all DIR   run.sh's raw measurements -> one JSON line each
    report.py report --facts F --results F --micro F --profiles DIR --md OUT --png OUT

Medians with min-max over rounds; every ratio is between figures measured
in the same run, and ratios between scenarios are medians of per-round
ratios (the scenarios of one round ran interleaved, side by side).  Targets
are reported, never asserted.  The work is in bench/benchreport/.
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchreport.document import write_report  # noqa: E402
from benchreport.record import record_all  # noqa: E402


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
        record_all(a.dir)
    else:
        write_report(a.facts, a.results, a.micro, a.profiles, a.md, a.png)


if __name__ == '__main__':
    sys.exit(main())
