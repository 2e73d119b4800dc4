#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Traffic and observation tools for the synx veth lab (tests/lib/lab.sh):
the command line of the synxtest modules that hold them.

  counters, json-counter                synxtest/counters.py
  reasons, own-mss                      synxtest/contract.py
  echo-server, sink-server              synxtest/servers.py
  connect, stream-client, http-clients  synxtest/clients.py
  syn-probe, handshake-ack,
  malformed, control-syn, frame-diff    synxtest/wire.py
  flood                                 synxtest/flood.py

Each subcommand does one bounded thing and prints a machine-readable result
on stdout (one `key value` per line, or JSON); the shell tests assert on it.
Every loop is bounded by a packet count AND a wall-clock limit, so a
misbehaving program under test can make a test fail, never hang.

Runs under Debian's /usr/bin/python3 (python3-scapy); scapy is imported only
by the subcommands that need it, to keep the others fast.
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from synxtest import clients, contract, counters, flood, servers, wire  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest='cmd', required=True)
    for module in (counters, contract, servers, clients, wire, flood):
        module.register(sub)
    args = p.parse_args()
    return args.fn(args) or 0


if __name__ == '__main__':
    sys.exit(main())
