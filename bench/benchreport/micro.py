# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""bench_micro's output (build/bench/micro.out), read once.

    row NAME EXPECT MED MIN MAX DMED DMIN DMAX   wrapped figure, direct cross-check
    rounds NAME X...                             the wrapped figure of every round
    tcrow NAME MED MIN MAX                       own mode's tc hand-off (synx_tc)
    calib ROUND wrapper_empty_ns X empty_ns Y    what is subtracted
    mismatch ...                                 a row that did not end as expected
"""
import os

from .stats import med


class Micro:
    def __init__(self, path):
        self.rows = []       # dict(name, expect, net=(med, min, max), direct=(...)), in file order
        self.calib = []      # (wrapper + empty, empty) per round
        self.tcrows = []     # dict(name, net)
        self.mismatch = []   # text of every mismatch line
        self.rounds = {}     # name -> its per-round figures
        if path and os.path.exists(path):
            with open(path) as f:
                for line in f:
                    self._line(line.split())
        self.by_name = {m['name']: m for m in self.rows}

    def _line(self, p):
        if not p:
            return
        if p[0] == 'row':
            self.rows.append(dict(name=p[1], expect=p[2],
                                  net=(float(p[3]), float(p[4]), float(p[5])),
                                  direct=(float(p[6]), float(p[7]), float(p[8]))))
        elif p[0] == 'calib':
            self.calib.append((float(p[3]), float(p[5])))
        elif p[0] == 'tcrow':
            self.tcrows.append(dict(name=p[1], net=(float(p[2]), float(p[3]), float(p[4]))))
        elif p[0] == 'mismatch':
            self.mismatch.append(' '.join(p[1:]))
        elif p[0] == 'rounds':
            self.rounds[p[1]] = [float(x) for x in p[2:]]

    def get(self, name):
        return self.by_name.get(name) if name else None

    def net(self, name):
        """(median, min, max) of a row, or Nones when it did not run."""
        m = self.get(name)
        return m['net'] if m else (None, None, None)

    def ratio(self, a, b):
        """Median [min, max] over the rounds of row a / row b in the same round."""
        xa, xb = self.rounds.get(a), self.rounds.get(b)
        if not xa or not xb:
            return None
        return med([x / y for x, y in zip(xa, xb) if y > 0])
