# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Plumbing for the XDP table tests: private netns, the synx_testrun tool,
listeners, sysctls, and reference checksums (RFC 1071) that do not come
from scapy, so that a checksum bug shared with scapy cannot hide."""

import os
import re
import socket
import struct
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
TOOL = os.path.join(ROOT, 'build', 'tests', 'synx_testrun')
NETNS_ENV = 'SYNX_UNIT_NETNS'

# Test addresses: 198.18.0.0/15 (RFC 2544 benchmarking) and fd00::/8 only.
C4, S4 = '198.18.0.1', '198.18.0.2'
C6, S6 = 'fd00::1', 'fd00::2'
LO_IFINDEX = 1  # loopback is always ifindex 1 in a fresh netns
LO_MTU = 65536  # loopback MTU in a fresh netns

VERDICT = {'aborted': 0, 'drop': 1, 'pass': 2, 'tx': 3, 'redirect': 4}


def read_contract():
    """Flag bits and config version from include/synx_config.h: the shared
    contract, read rather than re-typed so the two cannot drift."""
    text = open(os.path.join(ROOT, 'include', 'synx_config.h')).read()
    flags = {m.group(1): 1 << int(m.group(2)) for m in
             re.finditer(r'#define SYNX_F_(\w+)\s+\(1U << (\d+)\)', text)}
    version = int(re.search(r'#define SYNX_CONFIG_VERSION (\d+)', text).group(1))
    return flags, version


F, CONFIG_VERSION = read_contract()


def verdict_of(reason):
    """The spec fixes the verdict by the reason's prefix."""
    for prefix, v in (('PASS_', 'pass'), ('TX_', 'tx'), ('DROP_', 'drop')):
        if reason.startswith(prefix):
            return VERDICT[v]
    raise ValueError(reason)


# ---------------------------------------------------------------- netns

def enter_netns():
    """Re-exec this test in a private network and mount namespace.  Nothing
    below ever touches the caller's namespace."""
    if os.environ.get(NETNS_ENV) == '1':
        return
    env = dict(os.environ, **{NETNS_ENV: '1',
                              NETNS_ENV + '_PARENT': os.readlink('/proc/self/ns/net')})
    argv = ['unshare', '--net', '--mount', '--', sys.executable] + sys.argv
    try:
        os.execvpe('unshare', argv, env)
    except OSError as e:
        print(f'skip - netns: cannot unshare: {e}')
        sys.exit(0)


def setup_netns():
    own = os.readlink('/proc/self/ns/net')
    if own == os.environ.get(NETNS_ENV + '_PARENT', own):
        raise RuntimeError('refusing to run in the caller\'s network namespace')
    cmds = [['ip', 'link', 'set', 'lo', 'up'],
            ['ip', 'addr', 'add', C4 + '/32', 'dev', 'lo'],
            ['ip', 'addr', 'add', S4 + '/32', 'dev', 'lo'],
            ['ip', '-6', 'addr', 'add', C6 + '/128', 'dev', 'lo', 'nodad'],
            ['ip', '-6', 'addr', 'add', S6 + '/128', 'dev', 'lo', 'nodad']]
    for c in cmds:
        subprocess.run(c, check=True, stdout=subprocess.DEVNULL)


class Sysctl:
    """net.* sysctls of this (private) namespace, written only on change."""

    def __init__(self):
        self.cur = {}

    def set(self, name, value):
        if self.cur.get(name) == value:
            return
        with open('/proc/sys/' + name.replace('.', '/'), 'w') as f:
            f.write(str(value))
        self.cur[name] = value


class Listeners:
    """TCP sockets the XDP program's socket lookup must find."""

    def __init__(self):
        self.socks = []
        self.established = {}

    def listen(self, port):
        s4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s4.bind(('0.0.0.0', port))
        s4.listen(128)
        s6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Separate v4 and v6 listeners: a lookup must find the right family.
        s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s6.bind(('::', port))
        s6.listen(128)
        self.socks += [s4, s6]
        return s4, s6

    def connect(self, fam, lsock, client, cport, server, port):
        """A real established connection over lo; returns its 4-tuple."""
        af = socket.AF_INET if fam == 4 else socket.AF_INET6
        c = socket.socket(af, socket.SOCK_STREAM)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.bind((client, cport))
        c.connect((server, port))
        a, _ = lsock.accept()
        self.socks += [c, a]
        self.established[fam] = (client, cport, server, port)

    def close(self):
        for s in self.socks:
            s.close()


# ---------------------------------------------------------------- the tool

class ToolError(Exception):
    def __init__(self, errno_, text):
        super().__init__(text)
        self.errno = errno_


class Result:
    def __init__(self):
        self.retval = None
        self.out = b''
        self.t0 = self.t1 = 0
        self.reasons = {}   # name -> (packets, bytes) deltas
        self.verdicts = {}  # action -> (packets, bytes) deltas

    def summary(self):
        r = ','.join(f'{k}+{p}/{b}B' for k, (p, b) in sorted(self.reasons.items()))
        return f'retval {self.retval}, reasons [{r or "none"}]'


class Tool:
    def __init__(self):
        self.p = subprocess.Popen([TOOL], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, bufsize=1)
        line = self.p.stdout.readline().strip()
        if line != 'ready':
            err = self.p.stderr.read()
            raise RuntimeError(f'synx_testrun did not start: {line!r} {err.strip()}')
        self.cfg = None
        self.ports = None

    def _send(self, line):
        self.p.stdin.write(line + '\n')
        self.p.stdin.flush()

    def _line(self):
        line = self.p.stdout.readline()
        if not line:
            raise RuntimeError('synx_testrun exited: ' + self.p.stderr.read().strip())
        line = line.rstrip('\n')
        if line.startswith('error '):
            _, e, text = line.split(' ', 2)
            raise ToolError(int(e), text)
        return line

    def names(self):
        self._send('names')
        names, mx = {}, None
        while True:
            line = self._line()
            if line == 'end':
                return names, mx
            f = line.split()
            if f[0] == 'reason':
                names[int(f[1])] = (f[2], int(f[3]))
            elif f[0] == 'max':
                mx = int(f[1])

    def config(self, cfg):
        line = ' '.join(f'{k}={v}' for k, v in sorted(cfg.items()))
        if line == self.cfg:
            return
        self._send('config ' + line)
        self._line()
        self.cfg = line

    def set_ports(self, ports):
        arg = ','.join(str(p) for p in ports) if ports else 'none'
        if arg == self.ports:
            return
        self._send('ports ' + arg)
        self._line()
        self.ports = arg

    def run(self, frame, ifindex=LO_IFINDEX):
        cmd = 'run ' + frame.hex()
        if ifindex is not None:
            cmd += f' {ifindex}'
        self._send(cmd)
        r = Result()
        while True:
            line = self._line()
            if line == 'end':
                return r
            f = line.split(' ')
            if f[0] == 'retval':
                r.retval = int(f[1])
            elif f[0] == 'out':
                r.out = bytes.fromhex(f[1]) if len(f) > 1 else b''
            elif f[0] == 't0':
                r.t0 = int(f[1])
            elif f[0] == 't1':
                r.t1 = int(f[1])
            elif f[0] == 'reason':
                r.reasons[f[1]] = (int(f[2]), int(f[3]))
            elif f[0] == 'verdict':
                r.verdicts[int(f[1])] = (int(f[2]), int(f[3]))

    def close(self):
        try:
            self._send('quit')
            self.p.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.p.kill()


# ---------------------------------------------------------------- checksums

def csum16(data):
    """RFC 1071 Internet checksum: one's-complement of the one's-complement
    sum of 16-bit big-endian words, odd byte padded with zero."""
    if len(data) % 2:
        data = bytes(data) + b'\0'
    s = 0
    for (w,) in struct.iter_unpack('!H', data):
        s += w
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def pseudo_header(fam, src, dst, length, proto=6):
    if fam == 4:
        return (socket.inet_pton(socket.AF_INET, src) + socket.inet_pton(socket.AF_INET, dst)
                + struct.pack('!BBH', 0, proto, length))
    return (socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst)
            + struct.pack('!I3xB', length, proto))


def tcp_csum_ok(fam, src, dst, segment):
    """True when the checksum in the segment verifies (sum folds to zero)."""
    return csum16(pseudo_header(fam, src, dst, len(segment)) + segment) == 0


def ip4_csum_ok(header):
    return csum16(header) == 0


def ip4_fix_csum(buf, off, ihl_bytes):
    """Recompute the IPv4 header checksum in place (for patched frames)."""
    buf[off + 10:off + 12] = b'\0\0'
    buf[off + 10:off + 12] = struct.pack('!H', csum16(bytes(buf[off:off + ihl_bytes])))
