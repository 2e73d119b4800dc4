# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The private network namespace of the tests that run synx through
BPF_PROG_TEST_RUN (unit, fuzz, robust): the shell tests' equivalent is
tests/lib/lab.sh.

    netns.enter()        # re-exec this test under unshare --net --mount
    ns = netns.setup()   # topology.py's devices and addresses, lo up
    ns.ifindex()         # the device under test (every run's default)
    ns.mtu(ifindex)      # what an MSS of 0 derives from

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
    off), one end of a veth pair whose other end stays in this namespace:
    Ethernet-like all the same, with its MAC, MTU and receive queue."""
    common = ['address', dev.mac, 'mtu', str(dev.mtu)]
    if dev.kind == 'dummy' and _ip('link', 'add', dev.name, *common, 'type', 'dummy',
                                   check=False) == 0:
        return
    peer = dev.name + 'p'
    _ip('link', 'add', dev.name, *common, 'type', 'veth', 'peer', 'name', peer,
        'mtu', str(dev.mtu))
    _ip('link', 'set', peer, 'up')


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
        for a in dev.addrs:
            _ip('addr', 'add', a, 'dev', dev.name, *(['nodad'] if ':' in a else []))
        _ip('link', 'set', dev.name, 'up')
        ns.devices[dev.name] = (socket.if_nametoindex(dev.name), dev)
    return ns


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
        """A v4 and a separate v6-only listener on port: a lookup must find
        the right family."""
        s4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s4.bind(('0.0.0.0', port))
        s4.listen(128)
        s6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s6.bind(('::', port))
        s6.listen(128)
        self.socks += [s4, s6]
        return s4, s6

    def connect(self, fam, lsock, client, cport, server, port):
        """A real established connection; returns its 4-tuple."""
        af = socket.AF_INET if fam == 4 else socket.AF_INET6
        c = socket.socket(af, socket.SOCK_STREAM)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.bind((client, cport))
        c.connect((server, port))
        a, _ = lsock.accept()
        self.socks += [c, a]
        self.established[fam] = (client, cport, server, port)
        return self.established[fam]

    def serve(self, port=topo.LPORT, established=True):
        """The usual set-up: listeners on port, and topology.EST's
        established connection per family."""
        l4, l6 = self.listen(port)
        if established:
            for fam, lsock in ((4, l4), (6, l6)):
                self.connect(fam, lsock, *topo.EST[fam])
        return l4, l6

    def close(self):
        for s in self.socks:
            s.close()
