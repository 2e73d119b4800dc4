# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# The synx lab for the shell tests (tests/*/test_*) and scripts/demo.sh: the
# one place that sets up namespaces, veths and their holders, and the one
# reporter of the shell tests.  Source it:
#
#   . "$(dirname "$0")/../lib/lab.sh"
#
# The veth lab (two namespaces, real traffic between them):
#   lab_init                      # root + tool checks, cleanup trap
#   lab_up                        # client ns <-veth-> server ns
# Its parts, for a caller with its own checks and ends (bench/run.sh):
#   lab_start                     # names, LAB_TMP, cleanup trap (no checks)
#   lab_pair                      # the two namespaces, holders, veth, addresses
#   lab_neighbours                # MACs, static neighbours, IPv6 ready
#   lab_ns_add / lab_ns_del       # one more namespace, and its early removal
#   lab_track PID...              # a process started outside the namespaces
#   lab_reap PID...               # wait for bounded processes, forget them
#   lab_attach xdp                # synx on the server end (or xdpgeneric)
#   lab_srv CMD...  lab_cli CMD...  lab_bg NS CMD...   (run in a namespace)
#   lab_counters FILE             # `reason packets` lines, summed over CPUs
# A private namespace, for a test that drives the CLI itself:
#   lab_private "$@"              # re-run in own net + mount ns, own bpffs, lo up
#   lab_veth A B                  # a veth pair there, both ends up
# Results (the tests/run.sh protocol), for both:
#   ok NAME / not_ok NAME WHY / skip NAME WHY / check_eq NAME WANT GOT / ...
#
# Topology (addresses from the benchmarking ranges, RFC 2544 / RFC 4193):
#
#   [ns $LAB_CLI] $CLI_IF 198.18.0.1/24 fd00::1/64 ---- $SRV_IF 198.18.0.2/24 fd00::2/64 [ns $LAB_SRV]
#                 xdp_pass (native)                      synx (native or generic)
#
# Spoofed flood sources live in 198.18.128.0/17; the server routes them back
# over the veth, so the kernel's own SYN-ACKs have somewhere to go.
#
# Rules this file keeps: nothing outside the two namespaces is touched
# (sysctls are per-netns and set only inside them); every process started is
# remembered by PID and only those PIDs are ever killed; the EXIT trap removes
# the namespaces whatever way the script ends.

LAB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PY=/usr/bin/python3 # Debian's: has scapy (a pyenv python on PATH would not)
SYNXLAB="$LAB_REPO/tests/lib/synxlab.py"
SYNX_OBJ=${SYNX_OBJ:-$LAB_REPO/build/synx.bpf.o} # override to test another build
SYNX_CLI=${SYNX_CLI:-$LAB_REPO/build/synx} # likewise
LAB_BUILD="$LAB_REPO/build/lab"

CLI_IP=198.18.0.1 SRV_IP=198.18.0.2
CLI_IP6=fd00::1 SRV_IP6=fd00::2
SPOOF_NET=198.18.128.0/17

LAB_PIDS=()
LAB_NS=()  # namespaces this run created, the only ones it deletes
LAB_FAILS=0

# --- result lines (the tests/run.sh protocol) ------------------------------
# LAB_PREFIX, when set, goes in front of every name ("PREFIX/NAME").

ok() { echo "ok - ${LAB_PREFIX:+$LAB_PREFIX/}$1"; }
not_ok() { echo "not ok - ${LAB_PREFIX:+$LAB_PREFIX/}$1: $2"; LAB_FAILS=$((LAB_FAILS + 1)); }
skip() { echo "skip - ${LAB_PREFIX:+$LAB_PREFIX/}$1: $2"; }

# check_eq NAME EXPECTED ACTUAL [DETAIL]
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected $2, got $3${4:+ ($4)}"; fi
}

# check_ge NAME MIN ACTUAL [DETAIL]: integer ACTUAL >= MIN
check_ge() {
	if [ "$3" -ge "$2" ] 2>/dev/null; then ok "$1"; else not_ok "$1" "expected >= $2, got $3${4:+ ($4)}"; fi
}

# check_range NAME MIN MAX ACTUAL [DETAIL]: integer MIN <= ACTUAL <= MAX
check_range() {
	if [ "$4" -ge "$2" ] 2>/dev/null && [ "$4" -le "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected $2..$3, got $4${5:+ ($5)}"
	fi
}

# Skip every named case at once and exit: for a lab that cannot run at all.
# With LAB_STRICT=1 (the demo) it is an error instead.
skip_all() {
	local why=$1; shift
	if [ "${LAB_STRICT:-0}" = 1 ]; then
		echo "error: $why" >&2
		exit 1
	fi
	for n in "$@"; do skip "$n" "$why"; done
	exit 0
}

log() { echo "# $*"; } # kept in build/test-logs, shown only on failure

# --- a private namespace ----------------------------------------------------

# lab_private "$@": re-execute the running script in network and mount
# namespaces of its own (unshare), then, in there, mount a bpffs of its own
# and bring lo up.  It returns only inside; everything the script creates
# there (veths, pins, programs, sysctls) vanishes with its last process.
#
# synx keeps own-cookie keys in a state directory (SYNX_STATE_DIR, default
# /var/lib/synx): the script gets one of its own, removed when it ends, so
# no test writes there or shares another's keys.
lab_private() {
	local rc
	if ! lab_private_entered; then
		SYNX_STATE_DIR=$(mktemp -d /tmp/synx-state.XXXXXX) || return 1
		env SYNX_LAB_PRIVATE="$0" SYNX_LAB_PARENT_NS="$(readlink /proc/self/ns/net)" \
			SYNX_STATE_DIR="$SYNX_STATE_DIR" unshare --net --mount --propagation private "$0" "$@"
		rc=$?
		rm -rf "$SYNX_STATE_DIR"
		exit $rc
	fi
	if [ "$(readlink /proc/self/ns/net)" = "${SYNX_LAB_PARENT_NS:-}" ]; then
		echo "lab: refusing to run in the caller's network namespace" >&2
		return 1
	fi
	mount -t bpf bpf /sys/fs/bpf || return 1
	ip link set lo up
}

# True inside the namespaces lab_private made for this very script.
lab_private_entered() { [ "${SYNX_LAB_PRIVATE:-}" = "$0" ]; }

# lab_veth A B: a veth pair in the current namespace, both ends up.
lab_veth() {
	ip link add "$1" type veth peer name "$2" && ip link set "$1" up && ip link set "$2" up
}

# --- setup / teardown -------------------------------------------------------

# lab_init [CASE...]: CASE names are reported as skipped if the lab cannot run.
lab_init() {
	local t
	[ "$(id -u)" = 0 ] || skip_all "needs root" "$@"
	for t in ip nsenter ethtool bpftool tcpdump clang "$PY"; do
		command -v "$t" >/dev/null || skip_all "missing $t (run scripts/deps.sh)" "$@"
	done
	"$PY" -c 'import scapy' 2>/dev/null || skip_all "missing python3-scapy" "$@"
	[ -f "$SYNX_OBJ" ] || skip_all "no $SYNX_OBJ (run make)" "$@"

	lab_start
}

# lab_start: what lab_init does after its checks: this run's names, its
# temporary directory LAB_TMP and the trap that removes everything.
lab_start() {
	_lab_names
	LAB_TMP=$(mktemp -d "/tmp/synx-lab-$LAB_ID.XXXXXX")
	# Own-cookie keys of this run only (see lab_private), gone with LAB_TMP.
	export SYNX_STATE_DIR="$LAB_TMP/state"
	trap lab_down EXIT
	trap 'exit 130' INT TERM HUP
}

# Names unique per run, short enough for 15-character interface names.
_lab_names() {
	LAB_ID=$(printf '%04x' $(( (RANDOM << 1 ^ $$ ^ RANDOM) & 0xffff )))
	LAB_CLI="synx-$LAB_ID-cli" LAB_SRV="synx-$LAB_ID-srv"
	CLI_IF="sx${LAB_ID}c" SRV_IF="sx${LAB_ID}s"
}

# The holder: one long-lived process per namespace, started by
# `ip netns exec`, which gives it the netns's own sysfs and a private mount
# namespace.  bpffs is mounted in that mount namespace, so the maps that
# `ip link ... xdp obj` pins by name (/sys/fs/bpf/tc/globals/) stay visible to
# later commands that enter the same mount namespace with nsenter.  A bpffs
# mounted by a one-shot `ip netns exec` would vanish with its pins on exit.
_lab_holder() {
	local ns=$1 var=$2 fifo="$LAB_TMP/$1.ready"
	mkfifo "$fifo"
	# shellcheck disable=SC2016 # $1 is for the inner sh
	ip netns exec "$ns" sh -c 'mount -t bpf bpf /sys/fs/bpf && echo up > "$1" && exec sleep 86400' \
		sh "$fifo" &
	LAB_PIDS+=($!)
	printf -v "$var" %s $!
	read -r -t 10 _ <"$fifo" || { echo "lab: holder for $ns did not start" >&2; return 1; }
}

# lab_exec NS CMD...: run CMD in the namespace's net + mount namespaces.
lab_exec() {
	local ns=$1; shift
	local pid=$LAB_CLI_HOLDER
	[ "$ns" = "$LAB_SRV" ] && pid=$LAB_SRV_HOLDER
	nsenter -t "$pid" -m -n -- "$@"
}
lab_cli() { lab_exec "$LAB_CLI" "$@"; }
lab_srv() { lab_exec "$LAB_SRV" "$@"; }

# lab_bg VAR NS CMD...: start CMD in the background inside NS; its PID (the
# command itself: nsenter execs it) goes to VAR and to the cleanup list.
lab_bg() {
	local _var=$1 _ns=$2 _holder=$LAB_CLI_HOLDER; shift 2
	[ "$_ns" = "$LAB_SRV" ] && _holder=$LAB_SRV_HOLDER
	# nsenter directly, not through a shell function: `&` on a function
	# forks a subshell, and $! would name that subshell, not the command.
	nsenter -t "$_holder" -m -n -- "$@" &
	LAB_PIDS+=($!)
	printf -v "$_var" %s $!
}

# lab_kill PID...: stop processes this script started, and reap them.
lab_kill() {
	local p
	for p in "$@"; do
		[ -n "$p" ] || continue
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	_lab_forget "$@"
	return 0
}

# lab_reap PID...: wait for processes this script started to end by
# themselves (bounded loads); their exit status is the last one's.
lab_reap() {
	local p rc=0
	for p in "$@"; do
		wait "$p"
		rc=$?
	done
	_lab_forget "$@"
	return $rc
}

# Reaped PIDs leave the cleanup list: the kernel may give their numbers to
# processes that are not ours.
_lab_forget() {
	local p i
	for p in "$@"; do
		for i in "${!LAB_PIDS[@]}"; do [ "${LAB_PIDS[i]}" = "$p" ] && unset 'LAB_PIDS[i]'; done
	done
	LAB_PIDS=("${LAB_PIDS[@]}")
}

# lab_wait NAME SECONDS CMD...: poll CMD (every 50 ms) until it succeeds.
# For readiness only (a port listening, a counter moving), never as a delay.
lab_wait() {
	local what=$1 secs=$2 i; shift 2
	for ((i = 0; i < secs * 20; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "lab: timed out after ${secs}s waiting for $what" >&2
	return 1
}

_listening() { lab_srv ss -Hltn "sport = :$1" | grep -q .; }
lab_wait_listen() { lab_wait "listener on :$1" 10 _listening "$1"; }

# A do-nothing XDP program for the client end.  veth delivers frames that
# the other end sends with native XDP_TX (synx's SYN-ACKs) only to a peer
# that runs NAPI, i.e. has an XDP program of its own; without one they are
# silently lost.  xdp-tools ships no plain pass program, so build one.
lab_build_pass() {
	local src="$LAB_REPO/tests/lab/xdp_pass.bpf.c" obj="$LAB_REPO/build/tests/lab/xdp_pass.bpf.o"
	# `make` builds it; build it here only when running a test file by hand.
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ]; then
		obj="$LAB_BUILD/xdp_pass.bpf.o"
		mkdir -p "$LAB_BUILD"
		if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ]; then
			clang -O2 -g -target bpf -Wall -Werror -c "$src" -o "$obj.tmp" && mv "$obj.tmp" "$obj" ||
				return 1
		fi
	fi
	LAB_PASS_OBJ=$obj
}

lab_up() {
	lab_build_pass || return 1
	lab_pair || return 1

	# TX checksum offload off on both ends: with it on, the local stack hands
	# veth CHECKSUM_PARTIAL packets whose TCP checksum field holds only the
	# pseudo-header sum.  XDP sees those raw bytes, and synx verifies the
	# checksums of the SYNs it answers, so it would count every real SYN as
	# drop_tcp_csum.  Real NICs receive completed checksums; this makes veth
	# look like one.
	lab_cli ethtool -K "$CLI_IF" tx off >/dev/null
	lab_srv ethtool -K "$SRV_IF" tx off >/dev/null

	lab_cli ip link set dev "$CLI_IF" xdp obj "$LAB_PASS_OBJ" sec xdp || return 1
	lab_neighbours
}

# lab_pair: the client and server namespaces with their holders, the veth
# pair between them, addresses, the route back to the spoofed sources and
# rp_filter off on the server.  No XDP program, offloads untouched.
lab_pair() {
	# Only namespaces this run created are ever deleted: on a name clash
	# with a concurrent run, pick other names rather than share or delete.
	for _ in 1 2 3 4 5; do
		if ip netns add "$LAB_CLI" 2>/dev/null; then
			LAB_NS+=("$LAB_CLI")
			ip netns add "$LAB_SRV" 2>/dev/null && { LAB_NS+=("$LAB_SRV"); break; }
			ip netns del "$LAB_CLI"
			LAB_NS=()
		fi
		_lab_names
	done
	[ ${#LAB_NS[@]} = 2 ] || { echo "lab: could not create namespaces" >&2; return 1; }
	ip link add "$CLI_IF" netns "$LAB_CLI" type veth peer name "$SRV_IF" netns "$LAB_SRV" || return 1
	_lab_holder "$LAB_CLI" LAB_CLI_HOLDER || return 1
	_lab_holder "$LAB_SRV" LAB_SRV_HOLDER || return 1

	lab_cli ip addr add "$CLI_IP/24" dev "$CLI_IF"
	lab_cli ip addr add "$CLI_IP6/64" dev "$CLI_IF" nodad
	lab_srv ip addr add "$SRV_IP/24" dev "$SRV_IF"
	lab_srv ip addr add "$SRV_IP6/64" dev "$SRV_IF" nodad
	lab_cli ip link set lo up
	lab_srv ip link set lo up
	lab_cli ip link set "$CLI_IF" up
	lab_srv ip link set "$SRV_IF" up
	lab_srv ip route add "$SPOOF_NET" via "$CLI_IP"
	lab_srv sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
}

# lab_neighbours: CLI_MAC and SRV_MAC, each end the other's permanent
# neighbour, and the server's IPv6 address out of DAD.
lab_neighbours() {
	CLI_MAC=$(lab_cli cat "/sys/class/net/$CLI_IF/address")
	SRV_MAC=$(lab_srv cat "/sys/class/net/$SRV_IF/address")
	# Static neighbours: raw frames and the first SYN need no ARP/ND round
	# trip, and captures on the server see only what a test sent.
	lab_cli ip neigh replace "$SRV_IP" lladdr "$SRV_MAC" dev "$CLI_IF" nud permanent
	lab_cli ip -6 neigh replace "$SRV_IP6" lladdr "$SRV_MAC" dev "$CLI_IF" nud permanent
	lab_srv ip neigh replace "$CLI_IP" lladdr "$CLI_MAC" dev "$SRV_IF" nud permanent
	lab_srv ip -6 neigh replace "$CLI_IP6" lladdr "$CLI_MAC" dev "$SRV_IF" nud permanent
	lab_wait "IPv6 address on $SRV_IF" 5 _lab_v6_ready
}

_lab_v6_ready() { ! lab_srv ip -6 addr show dev "$SRV_IF" tentative | grep -q inet6; }

# lab_sysctl KEY=VALUE...: server namespace only.
lab_sysctl() { lab_srv sysctl -qw "$@"; }

lab_down() {
	local rc=$? p
	trap - EXIT
	for ((p = ${#LAB_PIDS[@]} - 1; p >= 0; p--)); do
		kill "${LAB_PIDS[p]}" 2>/dev/null
	done
	for p in "${LAB_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	LAB_PIDS=()
	# Deleting a namespace destroys its veth end, which takes the peer and
	# any XDP program attached to either with it.
	for p in "${LAB_NS[@]}"; do ip netns del "$p" 2>/dev/null; done
	LAB_NS=()
	[ -n "${LAB_TMP:-}" ] && rm -rf "$LAB_TMP"
	return "$rc"
}

# --- synx on the server end -------------------------------------------------

# lab_attach MODE: MODE is xdp (native), xdpgeneric or xdpdrv; plain
# iproute2, exactly what a user without the CLI would type.
lab_attach() {
	lab_srv ip link set dev "$SRV_IF" "${1:-xdp}" obj "$SYNX_OBJ" sec xdp
}

lab_detach() {
	lab_srv ip link set dev "$SRV_IF" xdp off
	lab_srv ip link set dev "$SRV_IF" xdpgeneric off
}

# lab_xdp_prog: id of the program attached to the server end, empty if none.
lab_xdp_prog() {
	lab_srv ip -j link show dev "$SRV_IF" | "$PY" -c '
import json, sys
l = json.load(sys.stdin)[0]
x = l.get("xdp", {})
print(x.get("prog", {}).get("id", "") if x else "")'
}

# lab_counters FILE: `reason packets` lines for every synx reason, read from
# the pinned map: where `synx attach` pins it, else where iproute2 does.
lab_counters() {
	local pin=/sys/fs/bpf/synx/$SRV_IF/synx_counters
	lab_srv test -e "$pin" || pin=/sys/fs/bpf/xdp/globals/synx_counters # tc/globals, or its own
	lab_srv bpftool -j map dump pinned "$pin" | "$PY" "$SYNXLAB" counters >"$1"
}

# counter_delta BEFORE AFTER REASON
counter_delta() {
	local a b
	a=$(awk -v r="$3" '$1 == r { print $2 }' "$1")
	b=$(awk -v r="$3" '$1 == r { print $2 }' "$2")
	echo $(( ${b:-0} - ${a:-0} ))
}

# counter_deltas BEFORE AFTER: every reason that moved, "name+N ..." (for logs
# that say where packets went when a count is off).
counter_deltas() {
	awk 'NR == FNR { a[$1] = $2; next } $2 != a[$1] { printf "%s+%d ", $1, $2 - a[$1] }' "$1" "$2"
}

# nstat_get NAME: absolute value of a server-namespace SNMP counter.
nstat_get() {
	lab_srv nstat -asz "$1" | awk -v n="$1" '$1 == n { print $2; f = 1 } END { if (!f) print 0 }'
}

# --- more namespaces ------------------------------------------------------------

# lab_ns_add SUFFIX VAR: one more namespace of this run, synx-ID-SUFFIX,
# with lo up and a holder of its own (PID in VAR, for lab_in); removed by
# lab_down like the other two.  For topologies beyond client and server.
lab_ns_add() {
	local ns="synx-$LAB_ID-$1"
	ip netns add "$ns" || return 1
	LAB_NS+=("$ns")
	_lab_holder "$ns" "$2" || return 1
	nsenter -t "${!2}" -m -n -- ip link set lo up
}

# lab_ns_del SUFFIX VAR: remove a namespace of lab_ns_add before lab_down
# would (before lab_pair, which may pick new names): its holder, PID in
# VAR, stops first.
lab_ns_del() {
	local ns="synx-$LAB_ID-$1" i
	lab_kill "${!2}"
	ip netns del "$ns" || return 1
	for i in "${!LAB_NS[@]}"; do [ "${LAB_NS[i]}" = "$ns" ] && unset 'LAB_NS[i]'; done
	LAB_NS=("${LAB_NS[@]}")
}

# lab_track PID...: processes the caller started itself, outside the lab's
# namespaces (a profiler): lab_down stops and reaps them with the others.
lab_track() { LAB_PIDS+=("$@"); }

# lab_in HOLDER_PID CMD...: run CMD in that holder's net + mount namespaces.
lab_in() {
	local pid=$1; shift
	nsenter -t "$pid" -m -n -- "$@"
}

# lab_bg_in VAR HOLDER_PID CMD...: lab_bg for any namespace of this run.
lab_bg_in() {
	local _var=$1 _pid=$2; shift 2
	nsenter -t "$_pid" -m -n -- "$@" &
	LAB_PIDS+=($!)
	printf -v "$_var" %s $!
}
