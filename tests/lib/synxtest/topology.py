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
"""

CLIENT4, SERVER4 = '198.18.0.1', '198.18.0.2'
CLIENT6, SERVER6 = 'fd00::1', 'fd00::2'
MAC_CLIENT = '02:00:00:00:00:01'
MAC_SERVER = '02:00:00:00:00:02'


class Device:
    """A device netns.setup() creates: kind 'dummy', up, with these addresses
    (IPv6 ones without duplicate address detection)."""

    def __init__(self, name, mac, mtu, addrs=(), kind='dummy'):
        self.name, self.mac, self.mtu, self.addrs, self.kind = name, mac, mtu, list(addrs), kind

    @property
    def mac_bytes(self):
        return bytes.fromhex(self.mac.replace(':', ''))


# The device under test: every row runs with its ifindex unless it says otherwise.
DUT = Device('synx0', MAC_SERVER, 1500, [SERVER4 + '/24', SERVER6 + '/64'])
# A jumbo link, for the MSS derived from another MTU (the fuzzer alternates).
JUMBO = Device('synx1', '02:00:00:00:00:03', 9000)
DEVICES = [DUT, JUMBO]
# Addresses on lo: the client end of the real connections.
LO_ADDRS = [CLIENT4 + '/32', CLIENT6 + '/128']
LO_MTU = 65536  # lo's MTU in a fresh namespace: BPF_PROG_TEST_RUN without a ctx runs on lo

LPORT = 8080    # v4 and v6 listeners (and the established connections)
NOLPORT = 9090  # nobody listens here
# Established connections (client, client port, server, server port), made
# over lo by the test before any row runs.
EST = {4: (CLIENT4, 1111, SERVER4, LPORT), 6: (CLIENT6, 1112, SERVER6, LPORT)}


def client(fam):
    return CLIENT4 if fam == 4 else CLIENT6


def server(fam):
    return SERVER4 if fam == 4 else SERVER6
