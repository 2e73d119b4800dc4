#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The Debian packages `make bench` needs beyond scripts/deps.sh, installed
# only when missing (a machine that has them all is left untouched).
#
#   bench/deps.sh          install what is missing (root when anything is)
#   bench/deps.sh --list   print the missing packages, install nothing
#
# Called by the Makefile's bench targets before the peer is built, and by
# bench/run.sh.
set -euo pipefail

PACKAGES=(
	nftables           # the SYNPROXY scenarios (nft)
	ethtool            # TX checksum offload off on the generator; veth counters
	util-linux         # nsenter, taskset
	procps             # sysctl, ps
	iproute2           # ip netns, nstat
	python3-scapy      # bench/frames.py: micro-benchmark frames, independent checksums
	python3-matplotlib # bench/report.py: docs/benchmarks.png
	linux-perf         # the profile of the DUT's NAPI thread
	linux-source-6.12  # the peer: the kernel's xdp_synproxy (bench/peer_build.sh)
)

missing=()
for pkg in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$pkg")
done

if [ "${1:-}" = --list ]; then
	[ ${#missing[@]} -eq 0 ] || printf '%s\n' "${missing[@]}"
	exit 0
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "bench/deps.sh: missing packages: ${missing[*]} (run as root)" >&2
	exit 1
fi
echo "bench: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -qq update
apt-get -qq -y --no-install-recommends \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	install "${missing[@]}" >/dev/null
