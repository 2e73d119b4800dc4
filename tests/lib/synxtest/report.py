# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Result lines in the protocol of tests/run.sh, one per case:

    ok - NAME
    not ok - NAME: what differed (expected X, got Y)
    skip - NAME: why

Details (the `# ...` lines) go to stderr, which run.sh keeps and shows only
when the file fails."""

import sys


class Report:
    """One test file's results.  prefix is put in front of every name
    ('own' gives 'own/NAME')."""

    def __init__(self, prefix=''):
        self.prefix = prefix
        self.counts = {'ok': 0, 'not ok': 0, 'skip': 0}

    @property
    def fails(self):
        return self.counts['not ok']

    def _name(self, name):
        return f'{self.prefix}/{name}' if self.prefix else name

    def _line(self, kind, name, why=None):
        self.counts[kind] += 1
        print(f'{kind} - {self._name(name)}' + (f': {why}' if why is not None else ''),
              flush=True)

    def ok(self, name):
        self._line('ok', name)
        return True

    def not_ok(self, name, why):
        self._line('not ok', name, why)
        return False

    def skip(self, name, why):
        self._line('skip', name, why)

    def check(self, name, want, got, detail=None):
        """ok when want == got, else not ok with both."""
        if want == got:
            return self.ok(name)
        return self.not_ok(name, f'expected {want}, got {got}' + (f' ({detail})' if detail else ''))

    def result(self, name, errors):
        """ok when the list of errors is empty, else not ok with all of them."""
        if not errors:
            return self.ok(name)
        return self.not_ok(name, '; '.join(errors))

    def exit_code(self):
        return 1 if self.fails else 0


class Diff:
    """Collects 'field: expected X, got Y' for the fields that differ."""

    def __init__(self):
        self.errors = []

    def want(self, field, expected, got):
        if expected != got:
            if isinstance(expected, (bytes, bytearray)):
                expected, got = expected.hex(), bytes(got).hex()
            self.errors.append(f'{field}: expected {expected}, got {got}')
        return expected == got

    def __bool__(self):
        return bool(self.errors)


def log(*args):
    """A detail line, kept for a failure's post-mortem."""
    print('#', *args, file=sys.stderr, flush=True)
