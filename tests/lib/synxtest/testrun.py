# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The Python side of build/tests/synx_testrun (tests/tools/synx_testrun.c
documents the line protocol): the real synx object under BPF_PROG_TEST_RUN.

    t = TestRun()                       # loads the object; nothing pinned
    t.config(contract.config(ttl=9))    # struct synx_config fields, or None
    t.ports((8080,)); t.keys(cookies.Keys(...))
    r = t.run(frame, ifindex)           # -> Result
    rs = t.run_batch(frames, ifindex)   # many frames, pipelined
    t = TestRun(side=KCOOKIE_OBJ); t.side_run(frame, ifindex)  # another program's retval
"""

import os
import subprocess
import threading

from . import BUILD

TOOL = os.environ.get('SYNX_TESTRUN', os.path.join(BUILD, 'tests', 'synx_testrun'))
FORGE_OBJ = os.path.join(BUILD, 'tests', 'lab', 'synx_forge.bpf.o')
SYNX_OBJ = os.path.join(BUILD, 'synx.bpf.o')
# The kernel's own cookie decision for a SYN (tests/lab/kcookie_probe.bpf.c):
# XDP_PASS a cookie, XDP_DROP none (-ENOENT), XDP_ABORTED anything else.
KCOOKIE_OBJ = os.path.join(BUILD, 'tests', 'lab', 'kcookie_probe.bpf.o')


class ToolError(Exception):
    def __init__(self, errno_, text):
        super().__init__(text)
        self.errno = errno_


class Result:
    """One run: retval, the frame as the program left it (out, metadata in
    front), the datapath's clock (CLOCK_MONOTONIC_COARSE) before and after
    (t0, t1), and the counters
    that moved: reasons {name: (packets, bytes)}, verdicts {action: (...)}."""

    def __init__(self):
        self.retval = None
        self.out = b''
        self.t0 = self.t1 = 0
        self.reasons = {}
        self.verdicts = {}
        self.error = None

    def packets(self):
        """{reason: packets}, the form most checks compare."""
        return {k: p for k, (p, _) in self.reasons.items()}

    def summary(self):
        r = ','.join(f'{k}+{p}/{b}B' for k, (p, b) in sorted(self.reasons.items()))
        return f'retval {self.retval}, reasons [{r or "none"}]'


def config_line(cfg):
    """`config ...` for a synx_config dict (None: the all-zero entry)."""
    if cfg is None:
        return 'config'
    return 'config ' + ' '.join(f'{k}={v}' for k, v in sorted(cfg.items()))


class TestRun:
    __test__ = False  # not a pytest class

    def __init__(self, tool=TOOL, forge=FORGE_OBJ, side=None, btf=None):
        """btf: a BTF file to relocate the object against instead of the
        running kernel's (tests/tools/btf_strip: a kernel lacking fields)."""
        argv = ([tool] + (['-f', forge] if forge else []) + (['-p', side] if side else [])
                + (['-B', btf] if btf else []))
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, bufsize=1 << 16)
        line = self.p.stdout.readline().strip()
        if line != 'ready':
            err = self.p.stderr.read()
            raise RuntimeError(f'synx_testrun did not start: {line!r} {err.strip()}')
        # stderr only carries libbpf noise from here on: drain it so it never blocks.
        threading.Thread(target=self.p.stderr.read, daemon=True).start()
        self._cfg = self._ports = None

    # -- the pipe
    def _feed(self, lines):
        self.p.stdin.write(''.join(line + '\n' for line in lines))
        self.p.stdin.flush()

    def _line(self):
        line = self.p.stdout.readline()
        if not line:
            raise RuntimeError('synx_testrun exited')
        line = line.rstrip('\n')
        if line.startswith('error '):
            _, e, text = line.split(' ', 2)
            raise ToolError(int(e), text)
        return line

    def simple(self, line):
        """A command answered by `ok`."""
        self._feed([line])
        ans = self._line()
        if ans != 'ok':
            raise RuntimeError(f'{line[:60]!r}: {ans}')

    def _data(self):
        """Lines up to `end`."""
        out = []
        while True:
            line = self._line()
            if line == 'end':
                return out
            out.append(line)

    # -- commands
    def names(self):
        """({id: (name, verdict)}, __SYNX_REASON_MAX) as the program counts."""
        self._feed(['names'])
        names, mx = {}, None
        for line in self._data():
            f = line.split()
            if f[0] == 'reason':
                names[int(f[1])] = (f[2], int(f[3]))
            elif f[0] == 'max':
                mx = int(f[1])
        return names, mx

    def config(self, cfg):
        line = config_line(cfg)
        if line != self._cfg:
            self.simple(line)
            self._cfg = line

    def ports(self, ports):
        arg = ','.join(str(p) for p in ports) if ports else 'none'
        if arg != self._ports:
            self.simple('ports ' + arg)
            self._ports = arg

    def gateway(self, entries):
        """Make synx_gateway hold exactly entries, strings as `synx attach
        --gateway` takes them ('198.51.100.0/24@mss=1400:wscale=5'); none:
        empty."""
        self.simple('gateway ' + (','.join(entries) if entries else 'none'))

    def keys(self, k):
        """Write a cookies.Keys (None: generation 0, no key)."""
        if k is None:
            self.simple('keys' + ' 0' * 12)
        else:
            self.simple(f'keys {k.cur[0]} {k.cur[1]} {k.prev[0]} {k.prev[1]} {k.rotated_ns} '
                        f'{k.generation} {k.period_shift} {k.prev_shift} {k.shift_changed_ns} '
                        f'{k.own_until_ns} {k.clock} {k.clock_offset_ns}')

    def forget(self):
        self.simple('forget')

    def run(self, frame, ifindex=None):
        """One run; ToolError when the kernel refuses the frame."""
        r = self.run_batch([frame], ifindex)[0]
        if r.error:
            e, _, text = r.error.partition(' ')
            raise ToolError(int(e), text)
        return r

    def run_batch(self, frames, ifindex=None, forget_before=()):
        """Run every frame (a tool error is kept in Result.error);
        forget_before: indexes of frames to run on an empty follow-up cache.
        A writer thread feeds the commands while this one reads the
        answers, so the pipes never deadlock and the tool never waits."""
        suffix = f' {ifindex}' if ifindex is not None else ''
        lines = []
        for i, f in enumerate(frames):
            if i in forget_before:
                lines.append('forget')
            lines.append(f'run {bytes(f).hex()}{suffix}')
        t = threading.Thread(target=self._feed, args=(lines,))
        t.start()
        out = []
        rd = self.p.stdout.readline
        try:
            for i in range(len(frames)):
                if i in forget_before and rd().strip() != 'ok':
                    raise RuntimeError('synx_testrun: forget failed')
                out.append(self._result(rd))
        finally:
            t.join()
        return out

    @staticmethod
    def _result(rd):
        res = Result()
        while True:
            line = rd()
            if not line:
                raise RuntimeError('synx_testrun exited')
            k, _, rest = line.rstrip('\n').partition(' ')
            if k == 'end':
                return res
            if k == 'retval':
                res.retval = int(rest)
            elif k == 'out':
                res.out = bytes.fromhex(rest)
            elif k == 't0':
                res.t0 = int(rest)
            elif k == 't1':
                res.t1 = int(rest)
            elif k == 'reason':
                n, p, b = rest.split()
                res.reasons[n] = (int(p), int(b))
            elif k == 'verdict':
                v, p, b = rest.split()
                res.verdicts[int(v)] = (int(p), int(b))
            elif k == 'error':
                res.error = rest
                return res

    def side_run(self, frame, ifindex=None):
        """One run of the side object's program (TestRun(side=...)): its retval."""
        self._feed([f'prun {bytes(frame).hex()}' + (f' {ifindex}' if ifindex else '')])
        retval = None
        for line in self._data():
            k, _, v = line.partition(' ')
            if k == 'retval':
                retval = int(v)
        return retval

    def flood(self, frame, tcp_off, n, ifindex=None):
        """n runs of the forgery program (random ack_seq, then synx) on frame.
        Returns dict(runs, ns, reasons={name: packets}, verdicts, counted)."""
        cmd = f'flood {bytes(frame).hex()} {tcp_off} {n}' + (f' {ifindex}' if ifindex else '')
        self._feed([cmd])
        res = {'reasons': {}, 'verdicts': {}}
        for line in self._data():
            f = line.split()
            if f[0] == 'flood':
                res.update({f[i]: int(f[i + 1]) for i in range(1, len(f), 2)})
            elif f[0] == 'reason':
                res['reasons'][f[1]] = int(f[2])
            elif f[0] == 'verdict':
                res['verdicts'][int(f[1])] = int(f[2])
        res['counted'] = sum(res['reasons'].values())
        return res

    def maps(self):
        """({name: {type, key, value, max_entries, flags, id}}, [ids the program uses])."""
        self._feed(['maps'])
        maps, ids = {}, []
        for line in self._data():
            f = line.split()
            if f[0] == 'map':
                maps[f[1]] = {f[i]: int(f[i + 1]) for i in range(2, len(f), 2)}
            elif f[0] == 'prog_maps':
                ids = sorted(int(x) for x in f[1:])
        return maps, ids

    def state(self):
        """synx_state[0]: {'kernel': SYNX_K_* bits, 'addr4': .., 'addr6': ..}."""
        self._feed(['state'])
        for line in self._data():
            f = line.split()
            if f[0] == 'state':
                return {f[i]: int(f[i + 1]) for i in range(1, len(f), 2)}
        return {}

    def close(self):
        try:
            self._feed(['quit'])
            self.p.stdin.close()
            self.p.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired, ValueError):
            self.p.kill()
            self.p.wait()
