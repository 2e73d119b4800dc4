# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Who is where in the private namespace of the unit, fuzz and robust tests:
the one place for its addresses, MACs, devices and ports.  netns.setup()
builds exactly this; the frame builders address frames with it.

Addresses come from 198.18.0.0/15 (RFC 2544 benchmarking) and fd00::/8
(RFC 4193) only.  The server side is a dummy device, an Ethernet-like
device whose ifindex BPF_PROG_TEST_RUN takes as the ingress interface: its
MAC is what frames are addressed to and its MTU is what an MSS of 0 means.
The client's addresses sit on lo, so that real connections to the server's
addresses (the established flows the program must find) stay local.

To give rows another situation (a second device, a VIP on lo, a foreign
MAC), add it here: netns.setup() creates every device and address listed.
Every device has addresses of its own (a frame arriving on it may be for
any address of the namespace, but the tests do not rely on that except
where a row is about it).
"""

CLIENT4, SERVER4 = '198.18.0.1', '198.18.0.2'
CLIENT6, SERVER6 = 'fd00::1', 'fd00::2'
MAC_CLIENT = '02:00:00:00:00:01'
MAC_SERVER = '02:00:00:00:00:02'


class Device:
    """A device netns.setup() creates: kind 'dummy' (a veth end where the
    kernel has no dummy driver) or 'veth', up, with these addresses (IPv6
    ones without duplicate address detection unless listed in `dad`).
    carrier=False leaves the veth peer down: the device has no carrier and
    an IPv6 address that goes through DAD stays tentative."""

    def __init__(self, name, mac, mtu, addrs=(), kind='dummy', dad=(), carrier=True,
                 sysctls=None):
        self.name, self.mac, self.mtu, self.addrs, self.kind = name, mac, mtu, list(addrs), kind
        self.dad, self.carrier = list(dad), carrier
        self.sysctls = dict(sysctls or {})  # written before the addresses are added

    @property
    def mac_bytes(self):
        return bytes.fromhex(self.mac.replace(':', ''))


# Another address of this host on the same device: a cookie replayed to it
# must be refused as a cookie, not passed as not local
# (tests/robust/test_cookie_forgery's other_dst).
SERVER4_ALT, SERVER6_ALT = '198.18.0.10', 'fd00::10'
# The device under test: every row runs with its ifindex unless it says otherwise.
# fe80::2 is its own link-local address (nodad, so usable at once).
DUT = Device('synx0', MAC_SERVER, 1500, [SERVER4 + '/24', SERVER6 + '/64', 'fe80::2/64',
                                         SERVER4_ALT + '/24', SERVER6_ALT + '/64'])
# A jumbo link, for the MSS derived from another MTU (the fuzzer alternates),
# and "an address of another device" (weak host model): 198.18.1.2, fd00:1::2
# and its own link-local fe80::3, which is not local to frames on synx0.
JUMBO = Device('synx1', '02:00:00:00:00:03', 9000,
               ['198.18.1.2/24', 'fd00:1::2/64', 'fe80::3/64'])
# Tiny links: the MSS the kernel derives from a small MTU (IPv4: MTU - 40,
# at least net.ipv4.route.min_adv_mss; IPv6: MTU 1280 gives 1220).
TINY552 = Device('synx2', '02:00:00:00:00:04', 552, ['198.18.2.2/24'])
TINY400 = Device('synx3', '02:00:00:00:00:05', 400, ['198.18.3.2/24'])
MIN6 = Device('synx4', '02:00:00:00:00:06', 1280, ['198.18.4.2/24', 'fd00:4::2/64'])
# No carrier: fd00:5::2 stays tentative (not local), fd00:6::2 optimistic
# (local: RFC 4429 lets it be used while DAD runs).
NOCARRIER = Device('synx5', '02:00:00:00:00:07', 1500, ['fd00:5::2/64', 'fd00:6::2/64'],
                   kind='veth', dad=['fd00:5::2/64', 'fd00:6::2/64'], carrier=False,
                   sysctls={'optimistic_dad': 1})
TENTATIVE6, OPTIMISTIC6 = 'fd00:5::2', 'fd00:6::2'
OPTIMISTIC_ADDRS = ['fd00:6::2/64']  # added with the `optimistic` flag
DEVICES = [DUT, JUMBO, TINY552, TINY400, MIN6, NOCARRIER]
# Addresses on lo: the client end of the real connections, and service
# addresses (a VIP, as in DSR / anycast set-ups) that are local too.
VIP4, VIP6 = '198.51.100.10', '2001:db8::10'
LO_ADDRS = [CLIENT4 + '/32', CLIENT6 + '/128', VIP4 + '/32', VIP6 + '/128']
LO_MTU = 65536  # lo's MTU in a fresh namespace: BPF_PROG_TEST_RUN without a ctx runs on lo
LO_MAC = '00:00:00:00:00:00'  # lo's address: frames of a run without a ctx go to it

LPORT = 8080    # v4 and v6 listeners (and the established connections)
NOLPORT = 9090  # nobody listens here
# Listeners with settings of their own (netns.Listeners.special()), for what
# the kernel would negotiate differently for them: name -> (port, backlog,
# socket options).  accept_full also gets a connection it never accepts.
LISTENERS = {
    'maxseg': (8081, 128, dict(maxseg=1000)),              # TCP_MAXSEG 1000
    'ttl': (8082, 128, dict(ttl=99, hops=98)),             # IP_TTL / IPV6_UNICAST_HOPS
    'rcvbuf': (8083, 128, dict(rcvbuf=16384)),             # SO_RCVBUF (locked): shift 0
    'clamp': (8084, 128, dict(window_clamp=1 << 20)),      # TCP_WINDOW_CLAMP 1 MiB: shift 5
    'accept_full': (8085, 0, {}),                          # backlog 0, one never accepted
    'fresh': (8086, 128, {}),                              # reopened by a scenario
    'mptcp': (8087, 128, dict(mptcp=1)),                   # IPPROTO_MPTCP: kernel cookies
    'clamp_small': (8088, 128, dict(window_clamp=20000)),  # below the full space: the window
}
LPORTS = {k: v[0] for k, v in LISTENERS.items()}
# The client ports of the connections accept_full never accepts.
ACCEPT_FULL_CLIENT_PORTS = {4: 1113, 6: 1114}
# Established connections (client, client port, server, server port), made
# over lo by the test before any row runs.
EST = {4: (CLIENT4, 1111, SERVER4, LPORT), 6: (CLIENT6, 1112, SERVER6, LPORT)}


def client(fam):
    return CLIENT4 if fam == 4 else CLIENT6


def server(fam):
    return SERVER4 if fam == 4 else SERVER6
