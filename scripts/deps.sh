#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Install the Debian 12 packages synx needs to build, test and demo, but only
# those that are missing: a machine that already has everything is left
# untouched, needs no root and no network, and this script exits 0 at once.
#
#   scripts/deps.sh          install what is missing (root when anything is)
#   scripts/deps.sh --list   print the missing packages, install nothing
#
# Called by `make deps`, `make check` and `make demo`.
set -euo pipefail

# One package per line, with what needs it.  Keep this list the only place
# that names packages: the README points here.
PACKAGES=(
	# build
	clang           # BPF side (-target bpf)
	llvm            # llvm-strip, llvm-objdump for debugging objects
	gcc make pkg-config
	libc6-dev linux-libc-dev # UAPI headers (gcc only recommends them)
	libbpf-dev      # bpf_helpers.h, libbpf for the CLI and test tools
	libxdp-dev      # libxdp: attach through the dispatcher
	libelf-dev zlib1g-dev
	libnftables-dev # synx status reads the nftables ruleset: ports the firewall blocks after XDP
	libjansson-dev  # ... which libnftables gives as JSON, parsed with jansson
	nftables        # nft: the tests load the rulesets synx status must read
	bpftool         # gen object / gen skeleton; tests read maps with it
	# test and demo lab
	iproute2        # ip netns, veth, `ip link ... xdp obj`
	ethtool         # turn off TX checksum offload on lab senders
	tcpdump         # captures that prove a dropped segment never arrived
	python3 python3-scapy # packet crafting, raw sockets, real connect()
	python3-jsonschema # tests/cli/test_json_schema: every -j output against docs/synx.schema.json
	clang-format    # tests/cli/test_format: the C sources follow .clang-format
	curl            # real HTTP clients in the e2e tests and the demo
	iperf3 socat    # traffic for benchmarks and manual lab work
	procps          # sysctl
	coreutils       # timeout, sha256sum
	util-linux      # nsenter, mount
	xdp-tools       # xdp-loader, for looking at what is attached
	systemd         # systemd-analyze verify of the synx@ unit (tests/cli/test_install)
)

# Programs taken out of a Debian package rather than installing it, into
# build/tools/: the package would also start a service, on a machine whose
# only need is the tool.  PACKAGE:PATH-IN-PACKAGE.
EXTRACT=(
	prometheus:usr/bin/promtool # `promtool check metrics` (tests/cli/test_prometheus);
	                            # the package itself would start a Prometheus server
)
TOOLS=$(cd "$(dirname "$0")/.." && pwd)/build/tools

missing=()
for pkg in "${PACKAGES[@]}"; do
	# `dpkg-query -W` succeeds for removed-but-configured packages too, so
	# check the status word rather than the exit code.
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$pkg")
done

extract_missing=()
for e in "${EXTRACT[@]}"; do
	[ -x "$TOOLS/$(basename "${e#*:}")" ] || extract_missing+=("$e")
done

if [ "${1:-}" = --list ]; then
	[ ${#missing[@]} -eq 0 ] || printf '%s\n' "${missing[@]}"
	for e in "${extract_missing[@]}"; do echo "${e%%:*} (only ${e#*:}, into build/tools)"; done
	exit 0
fi

# apt-get download: the package file only, nothing installed, nothing started.
extract() {
	local pkg=${1%%:*} path=${1#*:} tmp
	tmp=$(mktemp -d) || return 1
	if (cd "$tmp" && apt-get download -qq "$pkg" 2>/dev/null ||
		{ apt-get -qq update && apt-get download -qq "$pkg"; }) >/dev/null 2>&1 &&
		dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" "./$path" &&
		install -D -m 0755 "$tmp/$path" "$TOOLS/$(basename "$path")"; then
		echo "deps: $path from $pkg into build/tools"
	else
		echo "deps: could not take $path out of $pkg; the tests that need it skip" >&2
	fi
	rm -rf "$tmp"
}
if [ ${#extract_missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
	for e in "${extract_missing[@]}"; do extract "$e"; done
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "scripts/deps.sh: missing packages: ${missing[*]}" >&2
	echo "scripts/deps.sh: run as root (sudo make deps) to install them" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -qq update
apt-get -qq -y --no-install-recommends \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	install "${missing[@]}" >/dev/null
echo "deps: done"
