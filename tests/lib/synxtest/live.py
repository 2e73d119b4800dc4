# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The kernel's live state that synx reads at packet time (README "Whose
packet", "The SYN-ACK"), read back from the test's own namespace, so that
the oracle and the fuzzer's model predict from the values the program sees:

  Server    the namespace's sysctls (tcp_timestamps, tcp_sack, ...)
  Device    the ingress device: MAC, MTU, IPv6 hop_limit, forwarding
  Listener  the listener's receive buffer, window clamp, TCP_MAXSEG, TTL
  Addrs     the namespace's addresses, and what counts as local
  Live      the three the SYN-ACK depends on, together

Each reads the kernel (`/proc/sys`, getsockopt, `ip -j addr`) once; the
model builds them from its own values too (keyword arguments).  The rules
that turn them into a SYN-ACK are the oracle's (oracle.py), written from
the README and the kernel's own code (tcp_select_initial_window(),
ipv4_default_advmss(), tcp_ecn_create_request(), ...), never from bpf/.
"""

import fcntl
import ipaddress
import json
import os
import socket
import struct
import subprocess

from .csum import addr_bytes

# The kernel's cookie MSS tables (net/ipv4/syncookies.c msstab,
# net/ipv6/syncookies.c msstab): a kernel cookie encodes one of these.
KERNEL_MSS = {4: (536, 1300, 1440, 1460), 6: (1220, 1420, 1440, 8940)}
# af_ops->mss_clamp: the MSS the kernel assumes when a SYN has no (or a 0) MSS
# option (TCP_MSS_DEFAULT; IPV6_MIN_MTU - 60).
MSS_CLAMP = {4: 536, 6: 1220}
TCP_DEFAULT_SCALING_RATIO = 128  # 1 << (TCP_RMEM_TO_WIN_SCALE - 1): a listener's
SIOCGIFMTU, SIOCGIFHWADDR = 0x8921, 0x8927


def _sysctl(name):
    with open('/proc/sys/' + name.replace('.', '/')) as f:
        return f.read().split()


class Server:
    """The namespace's settings the SYN-ACK depends on (all per namespace)."""

    SYSCTLS = {
        'syncookies': 'net.ipv4.tcp_syncookies',
        'timestamps': 'net.ipv4.tcp_timestamps',
        'sack': 'net.ipv4.tcp_sack',
        'window_scaling': 'net.ipv4.tcp_window_scaling',
        'ecn': 'net.ipv4.tcp_ecn',
        'rmem': 'net.ipv4.tcp_rmem',
        'ip_default_ttl': 'net.ipv4.ip_default_ttl',
        'min_adv_mss4': 'net.ipv4.route.min_adv_mss',
        'min_adv_mss6': 'net.ipv6.route.min_adv_mss',
        'workaround_signed_windows': 'net.ipv4.tcp_workaround_signed_windows',
    }
    # A fresh namespace's values where the kernel does not copy the host's.
    DEFAULTS = dict(syncookies=1, timestamps=1, sack=1, window_scaling=1, ecn=2,
                    rmem=(4096, 131072, 6291456), ip_default_ttl=64, min_adv_mss4=256,
                    min_adv_mss6=1220, workaround_signed_windows=0)

    def __init__(self, **kw):
        bad = set(kw) - set(self.SYSCTLS)
        if bad:
            raise KeyError(f'Server: unknown settings {sorted(bad)}')
        d = dict(self.DEFAULTS)
        d.update(kw)
        d['rmem'] = tuple(int(x) for x in d['rmem'])
        self.__dict__.update(d)

    @classmethod
    def read(cls):
        kw = {}
        for k, name in cls.SYSCTLS.items():
            v = [int(x) for x in _sysctl(name)]
            kw[k] = tuple(v) if k == 'rmem' else v[0]
        return cls(**kw)

    def replace(self, **kw):
        d = {k: getattr(self, k) for k in self.SYSCTLS}
        d.update(kw)
        return Server(**d)

    def __repr__(self):
        return 'Server(' + ', '.join(f'{k}={getattr(self, k)}' for k in self.SYSCTLS) + ')'


def forwarding_sysctl(fam, dev):
    """The sysctl that makes the kernel forward family fam arriving on dev:
    IPv4 asks the device (ip_route_input_slow()), IPv6 the namespace's
    all.forwarding (ip6_forward(); net.ipv6.conf.DEV.forwarding alone
    forwards nothing)."""
    return f'net.ipv4.conf.{dev}.forwarding' if fam == 4 else 'net.ipv6.conf.all.forwarding'


class Device:
    """The ingress device: name, MAC (bytes), MTU, IPv6 hop_limit, and
    whether the kernel forwards each family arriving on it (IPv4: its
    net.ipv4.conf.DEV.forwarding; IPv6: net.ipv6.conf.all.forwarding, or
    its own force_forwarding, Linux 6.17+)."""

    def __init__(self, name, mac=b'\0' * 6, mtu=1500, hop_limit=64, forwarding4=0,
                 forwarding6=0):
        self.name, self.mac, self.mtu, self.hop_limit = name, bytes(mac), mtu, hop_limit
        self.forwarding4, self.forwarding6 = forwarding4, forwarding6

    @classmethod
    def read(cls, name):
        # ioctl, not /sys: the tests' mount namespace keeps the host's sysfs.
        ifr = struct.pack('16s16x', name.encode())
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            mtu = struct.unpack_from('i', fcntl.ioctl(s, SIOCGIFMTU, ifr), 16)[0]
            mac = fcntl.ioctl(s, SIOCGIFHWADDR, ifr)[18:24]

        def conf(fam, key, default, dev=name):
            p = f'net.ipv{fam}.conf.{dev}.{key}'
            return int(_sysctl(p)[0]) if os.path.exists('/proc/sys/' + p.replace('.', '/')) \
                else default
        fwd6 = int(bool(conf(6, 'forwarding', 0, 'all') or conf(6, 'force_forwarding', 0)))
        return cls(name, mac, mtu, conf(6, 'hop_limit', 64), conf(4, 'forwarding', 0), fwd6)

    def forwards(self, fam):
        return bool(self.forwarding4 if fam == 4 else self.forwarding6)

    def __repr__(self):
        return (f'Device({self.name}, mtu={self.mtu}, hop_limit={self.hop_limit}, '
                f'forwarding={self.forwarding4}/{self.forwarding6})')


class Listener:
    """What the kernel keeps of a listener's settings: sk_rcvbuf (and
    whether SO_RCVBUF locked it), TCP_WINDOW_CLAMP (0: none), TCP_MAXSEG
    (user_mss, 0: none), IP_TTL (0: none) / IPV6_UNICAST_HOPS (-1: none),
    and whether it is an MPTCP listener."""

    def __init__(self, rcvbuf=131072, window_clamp=0, rcvbuf_locked=False, maxseg=0, ttl=0,
                 hops=-1, mptcp=False):
        self.rcvbuf, self.window_clamp, self.rcvbuf_locked = rcvbuf, window_clamp, rcvbuf_locked
        self.maxseg, self.ttl, self.hops, self.mptcp = maxseg, ttl, hops, mptcp

    @classmethod
    def of_socket(cls, s, fam, opts):
        """sk_rcvbuf and the clamp by getsockopt (SO_RCVBUF gives sk_rcvbuf,
        the doubled value); what getsockopt cannot tell apart from the
        defaults (TCP_MAXSEG, IP_TTL, IPV6_UNICAST_HOPS, the lock) from the
        options the test set (opts, netns.Listeners)."""
        mptcp = bool(opts.get('mptcp'))
        # An MPTCP socket has no TCP_WINDOW_CLAMP to read (EOPNOTSUPP): its
        # subflow listener keeps the default, none.
        return cls(rcvbuf=s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF),
                   window_clamp=0 if mptcp else s.getsockopt(socket.IPPROTO_TCP,
                                                             socket.TCP_WINDOW_CLAMP),
                   rcvbuf_locked='rcvbuf' in opts, maxseg=opts.get('maxseg', 0),
                   ttl=opts.get('ttl', 0) if fam == 4 else 0,
                   hops=opts.get('hops', -1) if fam == 6 else -1,
                   mptcp=mptcp)

    def full_space(self):
        """tcp_full_space(): the receive buffer as a window (scaling_ratio)."""
        return max(self.rcvbuf, 0) * TCP_DEFAULT_SCALING_RATIO >> 8

    def __repr__(self):
        return (f'Listener(rcvbuf={self.rcvbuf}, clamp={self.window_clamp}, '
                f'locked={self.rcvbuf_locked}, maxseg={self.maxseg}, ttl={self.ttl}, '
                f'hops={self.hops}, mptcp={self.mptcp})')


class Live:
    """What one SYN's answer depends on besides the frame and the config."""

    def __init__(self, server, device, listener):
        self.server, self.device, self.listener = server, device, listener

    @classmethod
    def read(cls, devname, listener=None):
        """The namespace's sysctls and devname's settings now; listener: a
        Listener (None: a default one, as a fresh socket's)."""
        server = Server.read()
        if listener is None:
            listener = Listener(rcvbuf=server.rmem[1])
        return cls(server, Device.read(devname), listener)

    def __repr__(self):
        return f'Live({self.server}, {self.device}, {self.listener})'


# ------------------------------------------------------------ addresses

V4_NEVER = (ipaddress.ip_network('0.0.0.0/8'), ipaddress.ip_network('127.0.0.0/8'),
            ipaddress.ip_network('224.0.0.0/4'), ipaddress.ip_network('255.255.255.255/32'))
V6_NEVER = (ipaddress.ip_network('ff00::/8'), ipaddress.ip_network('::/128'),
            ipaddress.ip_network('::1/128'))


class Addrs:
    """The namespace's addresses, as `ip -j addr` lists them: entries
    (fam, address bytes, device name, link-local, usable), where usable is
    False for an IPv6 address that is tentative (and not optimistic) or
    failed DAD."""

    def __init__(self, entries):
        self.entries = list(entries)

    @classmethod
    def read(cls):
        out = subprocess.run(['ip', '-j', 'addr', 'show'], capture_output=True, text=True,
                             check=True).stdout
        entries = []
        for link in json.loads(out):
            for a in link.get('addr_info', []):
                fam = 4 if a['family'] == 'inet' else 6 if a['family'] == 'inet6' else None
                if fam is None:
                    continue
                usable = not a.get('dadfailed') and (not a.get('tentative')
                                                     or bool(a.get('optimistic')))
                entries.append((fam, addr_bytes(fam, a['local']), link['ifname'],
                                a.get('scope') == 'link', usable))
        return cls(entries)

    def is_local(self, fam, addr, ingress):
        """README "Whose packet": a unicast address of this host, any
        interface's (weak host model), never the classes that cannot be
        one; IPv6 link-local ones only on the ingress device."""
        addr = bytes(addr)
        ip = ipaddress.ip_address(addr)
        if any(ip in n for n in (V4_NEVER if fam == 4 else V6_NEVER)):
            return False
        for f, a, dev, link, usable in self.entries:
            if f == fam and a == addr:
                if fam == 6 and (not usable or (link and dev != ingress)):
                    continue
                return True
        return False

