# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The private network namespace of the tests that run synx through
BPF_PROG_TEST_RUN (unit, fuzz, robust): the shell tests' equivalent is
tests/lib/lab.sh.

    netns.enter()        # re-exec this test under unshare --net --mount
    ns = netns.setup()   # topology.py's devices and addresses, lo up
    ns.ifindex()         # the device under test (every run's default)
    ns.mtu(ifindex)      # what an MSS of 0 derives from
    ns.ifname(ifindex)   # the ingress device's name ('lo' without a ctx)
    sysctl = netns.Sysctl(); sysctl.apply({'net.ipv4.tcp_timestamps': 2})
    socks = netns.Listeners(); socks.listen(port, maxseg=1000); socks.info(4, port)

What the program reads of the kernel at packet time (device, sysctls,
listener) is read back by synxtest/live.py for the oracle.

Nothing here ever touches the caller's namespace: setup() refuses to run
in it, sysctls are written only inside, and the namespace vanishes with
the test's process.
"""

import os
import socket
import subprocess
import sys

from . import topology as topo

ENV = 'SYNX_TEST_NETNS'


def enter():
    """Re-exec the running test in a private network and mount namespace
    (once: the re-executed process finds ENV set and returns)."""
    if os.environ.get(ENV) == '1':
        return
    env = dict(os.environ, **{ENV: '1', ENV + '_PARENT': os.readlink('/proc/self/ns/net')})
    argv = ['unshare', '--net', '--mount', '--', sys.executable] + sys.argv
    try:
        os.execvpe('unshare', argv, env)
    except OSError as e:
        print(f'skip - netns: cannot unshare: {e}')
        sys.exit(0)


def _ip(*args, check=True):
    return subprocess.run(['ip'] + list(args), check=check, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL if not check else None).returncode


def _add_device(dev):
    """A dummy device; where the kernel has no dummy driver (CONFIG_DUMMY
    off), or where the device must be a veth (kind 'veth'), one end of a
    veth pair whose other end stays in this namespace: Ethernet-like all
    the same, with its MAC, MTU and receive queue.  Without carrier the
    peer stays down."""
    common = ['address', dev.mac, 'mtu', str(dev.mtu)]
    if dev.kind == 'dummy' and _ip('link', 'add', dev.name, *common, 'type', 'dummy',
                                   check=False) == 0:
        return
    peer = dev.name + 'p'
    _ip('link', 'add', dev.name, *common, 'type', 'veth', 'peer', 'name', peer,
        'mtu', str(dev.mtu))
    if dev.carrier:
        _ip('link', 'set', peer, 'up')


def _add_addr(dev, a):
    flags = []
    if ':' in a and a not in dev.dad:
        flags.append('nodad')
    if a in topo.OPTIMISTIC_ADDRS:
        flags.append('optimistic')
    _ip('addr', 'add', a, 'dev', dev.name, *flags)


class Namespace:
    """What setup() built: ifindex and MTU of every device."""

    def __init__(self):
        self.devices = {}  # name -> (ifindex, Device)

    def ifindex(self, name=None):
        return self.devices[name or topo.DUT.name][0]

    def device(self, ifindex):
        for idx, dev in self.devices.values():
            if idx == ifindex:
                return dev
        return None

    def ifname(self, ifindex):
        """The ingress device of a run on ifindex (None: lo, no xdp_md context)."""
        dev = self.device(ifindex)
        return dev.name if dev else 'lo'

    def mtu(self, ifindex):
        """MTU of the ingress device of a run on ifindex (None: no xdp_md
        context, the run is on lo)."""
        dev = self.device(ifindex)
        return dev.mtu if dev else topo.LO_MTU


def setup():
    own = os.readlink('/proc/self/ns/net')
    if own == os.environ.get(ENV + '_PARENT', own):
        raise RuntimeError("refusing to set up the caller's network namespace")
    _ip('link', 'set', 'lo', 'up')
    for a in topo.LO_ADDRS:
        _ip('addr', 'add', a, 'dev', 'lo', *(['nodad'] if ':' in a else []))
    ns = Namespace()
    for dev in topo.DEVICES:
        _add_device(dev)
        for k, v in dev.sysctls.items():
            Sysctl.write(f'net.ipv6.conf.{dev.name}.{k}', v)
        _ip('link', 'set', dev.name, 'up')
        for a in dev.addrs:
            _add_addr(dev, a)
        ns.devices[dev.name] = (socket.if_nametoindex(dev.name), dev)
    return ns


class Sysctl:
    """net.ipv4.* / net.ipv6.* sysctls of this (private) namespace, written
    only on change.  Global ones (net.core.*) are refused: writing them in
    a namespace would change the host.  apply() sets a row's sysctls and
    puts back every other one a previous apply() changed, so that rows
    never inherit each other's settings."""

    PREFIXES = ('net.ipv4.', 'net.ipv6.')

    def __init__(self):
        self.cur = {}
        self.base = {}   # name -> value before the first apply() changed it

    @staticmethod
    def path(name):
        return '/proc/sys/' + name.replace('.', '/')

    @classmethod
    def read(cls, name):
        """The value as text, fields separated by one space."""
        with open(cls.path(name)) as f:
            return ' '.join(f.read().split())

    @classmethod
    def write(cls, name, value):
        if not name.startswith(cls.PREFIXES) or name.startswith('net.ipv4.ip_local'):
            raise ValueError(f'{name}: not a per-namespace sysctl the tests may write')
        with open(cls.path(name), 'w') as f:
            f.write(str(value))

    def get(self, name):
        return self.read(name)

    def set(self, name, value):
        if self.cur.get(name) == str(value):
            return
        self.write(name, value)
        self.cur[name] = str(value)

    def apply(self, want):
        """Exactly these changes from the baseline (dict name -> value)."""
        want = {k: str(v) for k, v in (want or {}).items()}
        for name in list(self.base):
            if name not in want:
                self.set(name, self.base.pop(name))
        for name, value in want.items():
            if name not in self.base:
                self.base[name] = self.cur.get(name, self.read(name))
            self.set(name, value)


class Listeners:
    """TCP sockets the XDP program's socket lookup must find."""

    # listen() options: socket level, option, and the families they apply to.
    OPTS = {
        'maxseg': (socket.IPPROTO_TCP, socket.TCP_MAXSEG, (4, 6)),
        'window_clamp': (socket.IPPROTO_TCP, socket.TCP_WINDOW_CLAMP, (4, 6)),
        'rcvbuf': (socket.SOL_SOCKET, socket.SO_RCVBUF, (4, 6)),
        'ttl': (socket.IPPROTO_IP, socket.IP_TTL, (4,)),
        'hops': (socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, (6,)),
        'mptcp': (None, None, (4, 6)),  # an MPTCP socket, not an option
    }
    IPPROTO_MPTCP = 262

    def __init__(self):
        self.socks = []
        self.established = {}
        self.by_port = {}  # (fam, port) -> listening socket
        self.opts = {}     # port -> the listen() options

    def _open(self, fam, port, backlog, opts):
        af = socket.AF_INET if fam == 4 else socket.AF_INET6
        s = socket.socket(af, socket.SOCK_STREAM, self.IPPROTO_MPTCP if opts.get('mptcp') else 0)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == 6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        for k, v in opts.items():
            level, opt, fams = self.OPTS[k]
            if level is not None and fam in fams:
                s.setsockopt(level, opt, v)
        s.bind(('0.0.0.0' if fam == 4 else '::', port))
        s.listen(backlog)
        self.socks.append(s)
        self.by_port[(fam, port)] = s
        return s

    def listen(self, port, backlog=128, **opts):
        """A v4 and a separate v6-only listener on port: a lookup must find
        the right family.  opts: maxseg, window_clamp, rcvbuf, ttl (IPv4),
        hops (IPv6), set before listen(); mptcp=1 for MPTCP sockets."""
        bad = set(opts) - set(self.OPTS)
        if bad:
            raise KeyError(f'listen(): unknown options {sorted(bad)}')
        self.opts[port] = (backlog, dict(opts))
        return self._open(4, port, backlog, opts), self._open(6, port, backlog, opts)

    def reopen(self, port):
        """Close port's listeners and listen again, as before: new sockets
        with none of the old ones' history (a SYN queue that never
        overflowed)."""
        backlog, opts = self.opts[port]
        for fam in (4, 6):
            s = self.by_port.pop((fam, port))
            self.socks.remove(s)
            s.close()
        return self.listen(port, backlog, **opts)

    def info(self, fam, port):
        """What the program reads of the listener on (fam, port) (live.Listener),
        or None when nobody listens there."""
        from .live import Listener
        s = self.by_port.get((fam, port))
        if s is None:
            return None
        return Listener.of_socket(s, fam, self.opts[port][1])

    def connect(self, fam, lsock, client, cport, server, port, accept=True):
        """A real established connection; returns its 4-tuple.  With
        accept=False it stays in the listener's accept queue."""
        af = socket.AF_INET if fam == 4 else socket.AF_INET6
        c = socket.socket(af, socket.SOCK_STREAM)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.bind((client, cport))
        c.connect((server, port))
        self.socks.append(c)
        if accept:
            a, _ = lsock.accept()
            self.socks.append(a)
            self.established[fam] = (client, cport, server, port)
        return (client, cport, server, port)

    def serve(self, port=topo.LPORT, established=True):
        """The usual set-up: listeners on port, and topology.EST's
        established connection per family."""
        l4, l6 = self.listen(port)
        if established:
            for fam, lsock in ((4, l4), (6, l6)):
                self.connect(fam, lsock, *topo.EST[fam])
        return l4, l6

    def special(self):
        """topology.LISTENERS, each with its settings; the accept_full one
        with a connection it never accepts (its accept queue stays full)."""
        for name, (port, backlog, opts) in topo.LISTENERS.items():
            l4, l6 = self.listen(port, backlog, **opts)
            if name == 'accept_full':
                for fam, lsock in ((4, l4), (6, l6)):
                    self.connect(fam, lsock, topo.client(fam), topo.ACCEPT_FULL_CLIENT_PORTS[fam],
                                 topo.server(fam), port, accept=False)

    def close(self):
        for s in self.socks:
            s.close()
