# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""synxtest: the one library behind synx's Python tests and lab tools.

Import it with tests/lib on sys.path.  Modules, by what they hold:

  contract      the shared ABI read from include/ (reasons, config, cookie layout)
  csum          RFC 1071 checksums and pseudo-headers, independent of scapy
  siphash       SipHash-2-4 from the paper, checked against its test vectors
  topology      addresses, MACs, ports and devices of the test namespaces
  tcpopts       TCP option encoding and parsing; the client profiles
  frames        the struct-based frame builder (Pkt), no scapy
  scapy_frames  frames built by scapy, whose checksums are scapy's, not ours
  cookies       synx's own cookie and the kernel cookie's TSval bits, from the layout
  oracle        the expected SYN-ACK (both cookie modes) and its field-by-field check
  testrun       the driver of build/tests/synx_testrun (BPF_PROG_TEST_RUN)
  netns         the private network namespace of the unit, fuzz and robust tests
  report        ok / not ok / skip lines, with expected-vs-got
  counters, servers, clients, wire, flood
                the veth lab's tools (tests/lib/synxlab.py is their command line)

Nothing here touches the caller's network namespace: netns.enter() re-executes
the test under unshare before anything is set up.
"""

import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
BUILD = os.environ.get('SYNX_BUILD', os.path.join(ROOT, 'build'))
