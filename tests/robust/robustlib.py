# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Shared by tests/robust/test_cookie_*: the forge driver (forge.c, built
on first use into build/tests/robust/) and result lines."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'unit'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'fuzz'))
BUILD = os.environ.get('SYNX_BUILD', os.path.join(ROOT, 'build'))
SYNX_OBJ = os.path.join(BUILD, 'synx.bpf.o')
FORGE_OBJ = os.path.join(BUILD, 'tests', 'lab', 'synx_forge.bpf.o')
FORGE_BIN = os.path.join(BUILD, 'tests', 'robust', 'forge')


class Results:
    def __init__(self, prefix):
        self.prefix, self.fails = prefix, 0

    def ok(self, name):
        print(f'ok - {self.prefix}/{name}', flush=True)

    def not_ok(self, name, why):
        self.fails += 1
        print(f'not ok - {self.prefix}/{name}: {why}', flush=True)

    def skip(self, name, why):
        print(f'skip - {self.prefix}/{name}: {why}', flush=True)

    def check(self, name, want, got):
        if want == got:
            self.ok(name)
        else:
            self.not_ok(name, f'expected {want}, got {got}')
        return want == got


class Forge:
    def __init__(self):
        self.p = subprocess.Popen([FORGE_BIN, SYNX_OBJ, FORGE_OBJ], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, bufsize=1)
        if self.p.stdout.readline().strip() != 'ready':
            raise RuntimeError('forge did not start')

    def cmd(self, line):
        self.p.stdin.write(line + '\n')
        self.p.stdin.flush()
        res = {'reasons': {}}
        while True:
            f = self.p.stdout.readline().split()
            if not f:
                raise RuntimeError('forge exited')
            if f[0] == 'end':
                return res
            if f[0] == 'error':
                raise RuntimeError(' '.join(f))
            if f[0] == 'retval':
                res['retval'] = int(f[1])
            elif f[0] == 'out':
                res['out'] = bytes.fromhex(f[1]) if len(f) > 1 else b''
            elif f[0] == 'reason':
                res['reasons'][f[1]] = int(f[2])
            elif f[0] == 'prog_maps':
                res['prog_maps'] = sorted(int(x) for x in f[1:])
            elif f[0] == 'map':
                res.setdefault('maps', {})[f[1]] = {f[i]: int(f[i + 1])
                                                    for i in range(2, len(f), 2)}
            elif f[0] == 'flood':
                res.update({f[i]: int(f[i + 1]) for i in range(1, len(f), 2)})

    def run(self, frame):
        return self.cmd('run ' + frame.hex())

    def close(self):
        self.p.stdin.write('quit\n')
        self.p.stdin.close()
        self.p.wait(timeout=10)


def build_forge():
    if os.access(FORGE_BIN, os.X_OK) and os.path.getmtime(FORGE_BIN) >= os.path.getmtime(
            os.path.join(HERE, 'forge.c')):
        return None
    os.makedirs(os.path.dirname(FORGE_BIN), exist_ok=True)
    r = subprocess.run(['cc', '-O2', '-g', '-Wall', '-Wextra', '-Werror', '-D_GNU_SOURCE',
                        '-I' + os.path.join(ROOT, 'include'), '-I' + os.path.join(ROOT, 'user'),
                        os.path.join(HERE, 'forge.c'), os.path.join(ROOT, 'user', 'counters.c'),
                        '-o', FORGE_BIN, '-lbpf', '-lelf', '-lz'], capture_output=True, text=True)
    return r.stderr.strip() or 'cc failed' if r.returncode else None


