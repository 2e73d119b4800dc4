#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# `make bench`: synx side by side with its peer, the kernel's own XDP SYN
# proxy (selftests' xdp_synproxy + nftables SYNPROXY behind it), the kernel
# alone, nftables SYNPROXY alone and three XDP bounds, on one veth lab,
# interleaved, in one run.
# `make bench-quick` (--quick): the same steps, short, as a smoke test; it
# writes build/bench/ only and leaves docs/ alone.
#
#   bench/run.sh [--quick] [--rounds N] [--no-micro] [--no-macro] [--no-profile | --profile]
#                [--only SCN,SCN] [--tests TEST,TEST]
#
# --only and --tests restrict a run to some scenarios / tests (for manual
# work; the report then has holes).  The peer is built by `make bench-peer`
# (bench/peer_build.sh); without it its scenario is skipped, with the reason.
#
# Lab (tests/lib/lab.sh's: two namespaces of our own, one veth pair, nothing
# else touched; the tests' client namespace is the generator's, their server
# namespace the DUT's):
#
#   [ns gen] $GEN_IF 198.18.0.1 fd00::1 ------- $DUT_IF 198.18.0.2 fd00::2 [ns dut]
#     bench_gen: BPF_PROG_TEST_RUN live frames      synx | xdp_synproxy + nftables
#     bench_sink (XDP): counts/verifies replies      SYNPROXY | bench_pass (+ kernel or
#     bench_clients (connect())                     nftables SYNPROXY) | a bound
#                                                   bench_serve: listener on :80
#
# and, before it, a third namespace for the micro-benchmark (bench_micro).
#
# The gateway lab (gateway mode: the DUT is a router, the flood is for a host
# behind it), three more namespaces of the same run, the same generator and
# sink, the flood's destination a remote address the DUT forwards to:
#
#   [ns gwg] $GEN_IF 198.18.0.1 fd00::1 --- 198.18.0.2 fd00::2 [ns gwd] 198.18.1.1 fd00:1::1 ---
#     bench_gen, bench_sink, bench_clients      router (forwarding on)
#                                               synx --gateway | xdp_synproxy +
#                                               SYNPROXY in the forward chain
#   --- 198.18.1.2 fd00:1::2 [ns gwb] lo: 198.51.100.10 2001:db8::10, bench_serve on :80
#
# Its frames are addressed to the DUT device's MAC and to 198.51.100.10 /
# 2001:db8::10 (routed by the DUT to the backend); its tests (gw-*) run in
# every round after the local lab's, closed mode only, its scenarios
# (synx-gw, xsp-gw) rotated like the others.
#
# The tools are built by the Makefile (`make bench-tools`, one per bench/*.c).
#
# Every frame the bench sends in the local lab is addressed to the DUT
# device's own MAC and to one of its local addresses (198.18.0.2, fd00::2):
# the generator's templates (bench/templates.py), the clients (permanent
# neighbour entries) and the micro-benchmark's frames (a veth end holding
# those addresses is their ingress_ifindex), except the micro rows that
# measure what synx does with frames for another host (bench/frames.py's
# deliver- rows).
#
# Spoofed sources: 198.18.128.0/17 and fd00:0:0:1::/64, routed back to the
# generator through a permanent neighbour entry (no ARP/ND per source).
#
# Two ways to run veth (see docs/benchmarks.md, "Method"):
#  closed  no threaded NAPI: the DUT's work runs on the sender's CPU, which it
#          throttles to exactly the DUT's speed; one core does everything and
#          ns/frame of that core is the figure (stable to a few %).
#  split   threaded NAPI on both ends, the DUT's NAPI thread pinned to CPU 1,
#          generator, sink and clients on CPU 0: the DUT core is overloaded
#          (or paced), its NAPI thread's CPU time per packet is the figure.
#
# Rules kept: traffic only inside our namespaces; every load bounded in
# packets and seconds; sysctls only inside our namespaces; only the PIDs
# started here are ever killed; the EXIT trap removes everything.
set -u
export LC_ALL=C

REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$REPO/build
OUT=$BUILD/bench
SYNX=$BUILD/synx
# The lab: namespaces, holders, veth pairs, PIDs and the EXIT trap.  It sets
# PY to Debian's python3 (scapy and matplotlib; not a pyenv one).
# shellcheck source=../tests/lib/lab.sh
. "$REPO/tests/lib/lab.sh"
# One tool per job (bench/*.c): generator, sink, bounds, the peer, listener,
# clients, micro-benchmark, tracing probe.
GEN=$OUT/bench_gen SINK=$OUT/bench_sink BOUNDS=$OUT/bench_bounds PEER=$OUT/bench_peer
SERVE=$OUT/bench_serve CLIENTS=$OUT/bench_clients MICRO=$OUT/bench_micro PROBE=$OUT/bench_probe

QUICK=0 ROUNDS='' DO_MICRO=1 DO_MACRO=1 DO_PROFILE=1 ONLY='' ONLY_TESTS=''
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--rounds) ROUNDS=$2; shift ;;
	--no-micro) DO_MICRO=0 ;;
	--no-macro) DO_MACRO=0 ;;
	--no-profile) DO_PROFILE=0 ;;
	--profile) DO_PROFILE=2 ;;
	--only) ONLY=$2; shift ;;
	--tests) ONLY_TESTS=$2; shift ;;
	-h | --help) sed -n '2,68p' "$0"; exit 0 ;;
	*) echo "bench: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

# Durations (seconds) and counts: full run ~20 min, quick ~3 min.  Quick
# runs synx, the peer and the bounds only, in closed mode (the ratios of the
# headline), and the gateway lab's tests (short), two rounds so that ratios
# have a range; no profiles unless --profile.
if [ $QUICK = 1 ]; then
	ROUNDS=${ROUNDS:-2} T_CLOSED=0.3 T_SPLIT=0.4 T_PACED=0.4 T_IDLE=0.3 T_PROFILE=1
	MICRO_REPEAT=50000 MICRO_ROUNDS=3
	ONLY=${ONLY:-synx,synx-kc,xsp,reflect,drop,lookup,synx-gw,xsp-gw}
	if [ -z "$ONLY_TESTS" ]; then
		ONLY_TESTS=syn4-closed,syn6-closed,ack4-closed,ack6-closed,syn4-closed-cl,syn6-closed-cl
		ONLY_TESTS=$ONLY_TESTS,gw-syn4-closed,gw-syn6-closed,gw-ack4-closed,gw-ack6-closed,gw-idle
	fi
	[ $DO_PROFILE = 1 ] && DO_PROFILE=0
	REPORT_MD=$OUT/benchmarks-quick.md REPORT_PNG=$OUT/benchmarks-quick.png
	# A quick run's raw results apart: they never replace a full run's,
	# which docs/benchmarks.md names and `report.py report` re-renders.
	RAW=$OUT/quick
else
	ROUNDS=${ROUNDS:-5} T_CLOSED=1 T_SPLIT=1.5 T_PACED=1.5 T_IDLE=1 T_PROFILE=2
	MICRO_REPEAT=300000 MICRO_ROUNDS=11
	REPORT_MD=$REPO/docs/benchmarks.md REPORT_PNG=$REPO/docs/benchmarks.png
	RAW=$OUT
fi
MAX_PKTS=20000000 # per load, whatever its duration
PACED_PPS=100000
SINK_SAMPLE=64 # verify one reply in N at full speed (all of them when paced)
# synx: `synx attach` defaults (own cookies on this kernel); synx-kc: --cookies kernel;
# xsp: the kernel's xdp_synproxy with nftables SYNPROXY behind it (the peer);
# reflect, drop: the bounds; lookup: the same after a socket-table lookup.
SCENARIOS="synx synx-kc xsp kernel nft reflect drop lookup"
REAL_SCENARIOS="synx synx-kc xsp kernel nft" # the bounds cannot complete a handshake
# The gateway lab's: synx-gw: `synx attach IF --gateway ... --ports 80`; xsp-gw: the
# peer on the router, its SYNPROXY ruleset in the forward chain.
GW_SCENARIOS="synx-gw xsp-gw"
GW_PREFIXES=198.51.100.0/24,2001:db8::/32
GW_DST4=198.51.100.10 GW_DST6=2001:db8::10 # the backend's, on its lo
PEER_DIR=$BUILD/bench/peer
PEER_OBJ=$PEER_DIR/xdp_synproxy_kern.bpf.o
# The peer's settings: its selftest's (mss4 1460, mss6 1440, wscale 7, ttl 64).
PEER_ARGS="--ports 80 --mss4 1460 --mss6 1440 --wscale 7 --ttl 64"

# (After lab.sh, whose log() writes the tests' "# ..." lines to stdout.)
log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# --- prerequisites ------------------------------------------------------------

[ "$(id -u)" = 0 ] || die "needs root (namespaces, XDP, BPF_PROG_TEST_RUN)"

# Packages this benchmark needs beyond scripts/deps.sh: installed only when missing.
"$REPO/bench/deps.sh" || log "some bench packages are missing (bench/deps.sh --list)"
for c in nft ethtool taskset nsenter; do
	command -v $c >/dev/null || die "$c is missing (bench/deps.sh)"
done
"$PY" -c 'import scapy, matplotlib' 2>/dev/null || die "python3-scapy/matplotlib missing (bench/deps.sh)"
[ -x "$SYNX" ] && [ -f "$BUILD/synx.bpf.o" ] || die "run make first"
for t in "$GEN" "$SINK" "$BOUNDS" "$PEER" "$SERVE" "$CLIENTS" "$MICRO" "$PROBE"; do
	[ -x "$t" ] || die "no $t: run make bench-tools (make bench does)"
done
mkdir -p "$OUT"

# --- the peer ---------------------------------------------------------------------------

# Built by `make bench-peer`; here it must also load on this kernel (the
# verifier), else its scenario is skipped and the report says why.
PEER_STATUS=$(cat "$PEER_DIR/status" 2>/dev/null || echo "skip: not built (make bench-peer)")
PEER_VERIFIER=''
if [ "${PEER_STATUS%% *}" = ok ]; then
	if PEER_VERIFIER=$("$PEER" check "$PEER_OBJ" 2>"$OUT/peer-load.log"); then
		:
	else
		PEER_STATUS="skip: the kernel refused to load it: $(grep -v '^$' "$OUT/peer-load.log" |
			grep -m1 -iE 'invalid|error|limit|denied|permitted|refus' ||
			tail -n 1 "$OUT/peer-load.log")"
	fi
fi
if [ "${PEER_STATUS%% *}" != ok ]; then
	log "xdp_synproxy peer: $PEER_STATUS"
	SCENARIOS=${SCENARIOS/xsp /} REAL_SCENARIOS=${REAL_SCENARIOS/xsp /}
	GW_SCENARIOS=${GW_SCENARIOS/ xsp-gw/}
fi
if [ -n "$ONLY" ]; then
	keep=''
	for x in $SCENARIOS; do case ",$ONLY," in *",$x,"*) keep="$keep $x" ;; esac; done
	SCENARIOS=${keep# }
	keep=''
	for x in $GW_SCENARIOS; do case ",$ONLY," in *",$x,"*) keep="$keep $x" ;; esac; done
	GW_SCENARIOS=${keep# }
fi

# --- lab ----------------------------------------------------------------------------

lab_start # names, $LAB_TMP, the EXIT trap (lab_down: our PIDs, namespaces, files)
TMP=$LAB_TMP
RES=$TMP/results.jsonl
declare -A TMPL # the generator's template frame per lab and kind, "LAB.KIND" (bench/templates.py)

# Two labs, each with its generator and DUT: main (the local one) and gw (the
# gateway lab).  lab_use LAB makes the variables below name that lab's; each
# keeps its own current scenario.
LAB_VARS="GEN_IF DUT_IF HOLD_GEN HOLD_DUT GEN_MAC DUT_MAC SINK_EVERY CUR_SCN CLI_DST4 CLI_DST6"
declare -A LAB_SAVED
CUR_LAB=main
lab_use() {
	[ "$CUR_LAB" = "$1" ] && return 0
	local v
	for v in $LAB_VARS; do LAB_SAVED[$CUR_LAB.$v]=${!v-}; done
	for v in $LAB_VARS; do printf -v "$v" %s "${LAB_SAVED[$1.$v]-}"; done
	CUR_LAB=$1
}

in_gen() { lab_in "$HOLD_GEN" "$@"; }
in_dut() { lab_in "$HOLD_DUT" "$@"; }

lab_bench_up() {
	lab_pair || return 1
	GEN_IF=$CLI_IF DUT_IF=$SRV_IF HOLD_GEN=$LAB_CLI_HOLDER HOLD_DUT=$LAB_SRV_HOLDER
	CLI_DST4=198.18.0.2 CLI_DST6=fd00::2
	in_dut ip -6 route add fd00:0:0:1::/64 via fd00::1
	# The same kernel policy for every scenario: cookies once the SYN queue
	# overflows (the default).  Clients send full checksums (synx verifies
	# SYN checksums; veth would otherwise hand it partial ones); the DUT's
	# own replies keep veth's partial ones (the report counts them apart).
	in_dut sysctl -qw net.ipv4.tcp_syncookies=1
	in_gen ethtool -K "$GEN_IF" tx off >/dev/null
	in_gen "$SINK" attach "$GEN_IF" --csum-every $SINK_SAMPLE || return 1
	SINK_EVERY=$SINK_SAMPLE
	lab_neighbours || return 1
	GEN_MAC=$CLI_MAC DUT_MAC=$SRV_MAC
	templates || return 1
	lab_bg_in SERVE_PID "$HOLD_DUT" "$SERVE" --port 80 --secs 3000 >"$TMP/serve.out"
	lab_wait_listen 80
}

templates() { # templates [templates.py options]: TMPL[$CUR_LAB.KIND] for the four kinds
	local kind hex n=0
	while read -r kind hex; do
		TMPL[$CUR_LAB.$kind]=$hex
		n=$((n + 1))
	done < <("$PY" "$REPO/bench/templates.py" --smac "$GEN_MAC" --dmac "$DUT_MAC" "$@")
	[ $n = 4 ]
}

# The gateway lab (see the header): generator gwg, router gwd, backend gwb;
# the local lab's addresses on the generator's side, 198.18.1.0/24 and
# fd00:1::/64 between router and backend, the protected addresses on the
# backend's lo.  Static neighbours everywhere: no ARP/ND during a load.
gw_lab_up() {
	local hold_b be_mac de_mac
	lab_use gw
	lab_ns_add gwg HOLD_GEN || return 1
	lab_ns_add gwd HOLD_DUT || return 1
	lab_ns_add gwb hold_b || return 1
	GEN_IF=sx${LAB_ID}gg DUT_IF=sx${LAB_ID}gd
	local dut_be=sx${LAB_ID}ge be_if=sx${LAB_ID}gb
	CLI_DST4=$GW_DST4 CLI_DST6=$GW_DST6
	ip link add "$GEN_IF" netns "synx-$LAB_ID-gwg" type veth peer name "$DUT_IF" \
		netns "synx-$LAB_ID-gwd" || return 1
	ip link add "$dut_be" netns "synx-$LAB_ID-gwd" type veth peer name "$be_if" \
		netns "synx-$LAB_ID-gwb" || return 1
	in_gen ip addr add 198.18.0.1/24 dev "$GEN_IF"
	in_gen ip addr add fd00::1/64 dev "$GEN_IF" nodad
	in_dut ip addr add 198.18.0.2/24 dev "$DUT_IF"
	in_dut ip addr add fd00::2/64 dev "$DUT_IF" nodad
	in_dut ip addr add 198.18.1.1/24 dev "$dut_be"
	in_dut ip addr add fd00:1::1/64 dev "$dut_be" nodad
	lab_in "$hold_b" ip addr add 198.18.1.2/24 dev "$be_if"
	lab_in "$hold_b" ip addr add fd00:1::2/64 dev "$be_if" nodad
	lab_in "$hold_b" ip addr add $GW_DST4/32 dev lo
	lab_in "$hold_b" ip addr add $GW_DST6/128 dev lo nodad
	in_gen ip link set "$GEN_IF" up
	in_dut ip link set "$DUT_IF" up
	in_dut ip link set "$dut_be" up
	lab_in "$hold_b" ip link set "$be_if" up
	# The router: forwarding on (every device), no reverse-path filter, the
	# same kernel policy as the local lab's DUT.
	in_dut sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.tcp_syncookies=1 || return 1
	in_gen ip route add 198.51.100.0/24 via 198.18.0.2
	in_gen ip -6 route add 2001:db8::/32 via fd00::2
	in_dut ip route add 198.51.100.0/24 via 198.18.1.2
	in_dut ip -6 route add 2001:db8::/32 via fd00:1::2
	in_dut ip route add "$SPOOF_NET" via 198.18.0.1
	in_dut ip -6 route add fd00:0:0:1::/64 via fd00::1
	# The backend answers SYNPROXY's SYN statelessly, as the local lab's
	# listener behind SYNPROXY does (tcp_syncookies=2): with the default 1,
	# every handshake through SYNPROXY in the forward chain, synx-gw's and
	# xsp-gw's alike, waited here for one SYN-ACK retransmission of the
	# backend (~1 s), which ignored SYNPROXY's ACK (its TSecr was not the
	# backend's TSval).
	lab_in "$hold_b" sysctl -qw net.ipv4.tcp_syncookies=2 || return 1
	lab_in "$hold_b" ip route add default via 198.18.1.1
	lab_in "$hold_b" ip -6 route add default via fd00:1::1
	GEN_MAC=$(in_gen cat "/sys/class/net/$GEN_IF/address")
	DUT_MAC=$(in_dut cat "/sys/class/net/$DUT_IF/address")
	de_mac=$(in_dut cat "/sys/class/net/$dut_be/address")
	be_mac=$(lab_in "$hold_b" cat "/sys/class/net/$be_if/address")
	in_gen ip neigh replace 198.18.0.2 lladdr "$DUT_MAC" dev "$GEN_IF" nud permanent
	in_gen ip -6 neigh replace fd00::2 lladdr "$DUT_MAC" dev "$GEN_IF" nud permanent
	in_dut ip neigh replace 198.18.0.1 lladdr "$GEN_MAC" dev "$DUT_IF" nud permanent
	in_dut ip -6 neigh replace fd00::1 lladdr "$GEN_MAC" dev "$DUT_IF" nud permanent
	in_dut ip neigh replace 198.18.1.2 lladdr "$be_mac" dev "$dut_be" nud permanent
	in_dut ip -6 neigh replace fd00:1::2 lladdr "$be_mac" dev "$dut_be" nud permanent
	lab_in "$hold_b" ip neigh replace 198.18.1.1 lladdr "$de_mac" dev "$be_if" nud permanent
	lab_in "$hold_b" ip -6 neigh replace fd00:1::1 lladdr "$de_mac" dev "$be_if" nud permanent
	# As the local lab: clients send full checksums, the sink keeps the
	# generator's NAPI running (veth delivers XDP_TX frames only then).
	in_gen ethtool -K "$GEN_IF" tx off >/dev/null
	in_gen "$SINK" attach "$GEN_IF" --csum-every $SINK_SAMPLE || return 1
	SINK_EVERY=$SINK_SAMPLE
	CUR_SCN=none
	templates --dst4 $GW_DST4 --dst6 $GW_DST6 || return 1
	lab_bg_in GW_SERVE_PID "$hold_b" "$SERVE" --port 80 --secs 3000 >"$TMP/gw-serve.out"
	lab_wait "backend listener on :80" 10 lab_in "$hold_b" sh -c \
		"ss -Hltn 'sport = :80' | grep -q ."
}

sink_mode() { # sink_mode N: verify one reply in N
	[ "$SINK_EVERY" = "$1" ] && return 0
	in_gen "$SINK" attach "$GEN_IF" --csum-every "$1" || die "sink reattach failed"
	SINK_EVERY=$1
}

# --- scenarios --------------------------------------------------------------------------

CUR_SCN=none
# The peer's documented nftables SYNPROXY ruleset, its SYNPROXY statement in
# the chain of HOOK: input for the local lab, forward on the gateway lab's
# router (the handshake ACKs it takes are forwarded there, not local).
nft_rules() { # nft_rules HOOK
	cat <<EOF
table inet synx_bench_$1 {
	chain pre {
		type filter hook prerouting priority raw; policy accept;
		tcp dport 80 tcp flags syn notrack
	}
	chain $1 {
		type filter hook $1 priority filter; policy accept;
		tcp dport 80 ct state invalid,untracked synproxy mss 1460 wscale 7 timestamp sack-perm
		ct state invalid drop
	}
}
EOF
}

scn_leave() {
	case $CUR_SCN in
	synx | synx-kc | synx-gw) in_dut "$SYNX" detach "$DUT_IF" >/dev/null 2>&1 ;;
	nft | xsp)
		in_dut "$BOUNDS" detach "$DUT_IF"
		in_dut nft delete table inet synx_bench_input
		in_dut sysctl -qw net.ipv4.tcp_syncookies=1 ;;
	xsp-gw)
		in_dut "$BOUNDS" detach "$DUT_IF"
		in_dut nft delete table inet synx_bench_forward
		# Back to the defaults synx-gw starts from (it sets tcp_loose 0 itself).
		in_dut sysctl -qw net.ipv4.tcp_syncookies=1 net.netfilter.nf_conntrack_tcp_loose=1 ;;
	none) ;;
	*) in_dut "$BOUNDS" detach "$DUT_IF" ;;
	esac
	CUR_SCN=none
}

# The synx-kc scenario is kernel cookies alone: no own-cookie window, no tc program.
kc_alone() {
	local why
	in_dut env SYNX_STATE_DIR="$TMP/state-kc" "$SYNX" status "$DUT_IF" --json >"$TMP/status-kc.json" 2>"$TMP/status-kc.err" ||
		die "synx status failed: $(tail -n 3 "$TMP/status-kc.err")"
	why=$("$PY" - "$TMP/status-kc.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))["interfaces"][0].get("cookies")
if c is None:
    print("no cookies section in synx status")
elif c["mode"] != "kernel":
    print("cookie mode " + c["mode"])
elif c.get("own_check_seconds_left"):
    print("own cookies still checked for %.0f s" % c["own_check_seconds_left"])
elif c.get("tc", {}).get("attached"):
    print("the tc program is attached")
EOF
	) || why="cannot read $TMP/status-kc.json"
	[ -z "$why" ] || die "synx-kc is not kernel cookies alone: $why"
}

scn_enter() {
	[ "$CUR_SCN" = "$1" ] && return 0
	scn_leave
	case $1 in
	synx | synx-kc)
		local cookies=auto state=$SYNX_STATE_DIR
		# Kernel cookies in their steady state, from a state directory of
		# their own: with the key the own-cookie scenario leaves in the shared
		# one, every attach in kernel mode would also check own cookies for
		# two cookie periods (~137 s, those issued before the switch), a second
		# check of each bad ACK that a host which never ran own cookies, or
		# switched longer ago, does not make.
		if [ "$1" = synx-kc ]; then
			cookies=kernel state=$TMP/state-kc
		fi
		in_dut env SYNX_STATE_DIR="$state" "$SYNX" attach "$DUT_IF" --mode native \
			--cookies $cookies >"$TMP/attach.out" 2>&1 ||
			die "synx attach failed: $(tail -n 3 "$TMP/attach.out")"
		if [ "$1" = synx-kc ]; then kc_alone; fi ;;
	kernel) in_dut "$BOUNDS" attach "$DUT_IF" pass ;;
	nft)
		# The peer's setup without its XDP half (below): the difference between
		# the two scenarios is exactly the XDP program.  tcp_syncookies=2 also
		# because with 1, every real connection through SYNPROXY here took one
		# SYN-ACK retransmission (~1 s) to reach the listener.
		in_dut "$BOUNDS" attach "$DUT_IF" pass
		nft_rules input | in_dut nft -f - || die "nftables SYNPROXY ruleset refused"
		in_dut sysctl -qw net.ipv4.tcp_syncookies=2 net.ipv4.tcp_timestamps=1 \
			net.netfilter.nf_conntrack_tcp_loose=0 ;;
	xsp)
		# The peer as its documentation sets it up (xdp_synproxy_kern.c's
		# selftest): SYNPROXY behind it for the ACKs it passes, cookies
		# always on (tcp_syncookies=2: the listener answers SYNPROXY's own
		# SYN statelessly), unknown ACKs invalid rather than picked up.
		nft_rules input | in_dut nft -f - || die "nftables SYNPROXY ruleset refused"
		in_dut sysctl -qw net.ipv4.tcp_syncookies=2 net.ipv4.tcp_timestamps=1 \
			net.netfilter.nf_conntrack_tcp_loose=0
		in_dut "$PEER" attach "$DUT_IF" --obj "$PEER_OBJ" $PEER_ARGS ;;
	synx-gw)
		in_dut "$SYNX" attach "$DUT_IF" --mode native --gateway "$GW_PREFIXES" --ports 80 \
			>"$TMP/attach.out" 2>&1 ||
			die "synx attach --gateway failed: $(tail -n 3 "$TMP/attach.out")" ;;
	xsp-gw)
		# The peer on the router, set up as xsp above with its SYNPROXY in the
		# forward chain; its XDP program answers every SYN to an allowed port
		# that conntrack does not know, forwarded or local alike.
		nft_rules forward | in_dut nft -f - || die "nftables SYNPROXY (forward) ruleset refused"
		in_dut sysctl -qw net.ipv4.tcp_syncookies=2 net.ipv4.tcp_timestamps=1 \
			net.netfilter.nf_conntrack_tcp_loose=0
		# shellcheck disable=SC2086 # PEER_ARGS: one word per option, as for xsp
		in_dut "$PEER" attach "$DUT_IF" --obj "$PEER_OBJ" $PEER_ARGS ;;
	reflect | drop | lookup) in_dut "$BOUNDS" attach "$DUT_IF" "$1" ;;
	esac || die "could not enter scenario $1"
	CUR_SCN=$1
}

# --- one measurement ----------------------------------------------------------------------

ethstats() { # ethstats NS IF PREFIX: "prefix.key value" lines
	nsenter -t "$1" -m -n -- ethtool -S "$2" | awk -v p="$3" 'NF == 2 { sub(":", "", $1); print p "." $1, $2 }'
}

# snap FILE: counters as "key value" lines and raw sections ("@section NAME"
# then the command's output), parsed by report.py when the run is recorded:
# no interpreter starts per measurement.
snap() {
	{
		ethstats "$HOLD_DUT" "$DUT_IF" dut
		ethstats "$HOLD_GEN" "$GEN_IF" gen
		in_gen "$SINK" stats "$GEN_IF" | sed 's/^/sink./'
		in_dut nstat -az TcpExtSyncookiesSent TcpExtSyncookiesRecv TcpExtSyncookiesFailed \
			TcpExtListenOverflows TcpExtListenDrops 2>/dev/null |
			awk '/^TcpExt/ { print "nstat." $1, $2 }'
		case $CUR_SCN in xsp | xsp-gw) in_dut "$PEER" stats "$DUT_IF" | sed 's/^/peer./' ;; esac
		case $CUR_SCN in xsp | xsp-gw | nft | synx-gw)
			# SYNPROXY's own counters (hex, one line per CPU).
			echo "@section synproxy"
			in_dut cat /proc/net/stat/synproxy 2>/dev/null
			echo "@end" ;;
		esac
		case $CUR_SCN in synx | synx-kc | synx-gw)
			echo "@section synx"
			in_dut "$SYNX" stats "$DUT_IF" --json 2>/dev/null
			echo "@end" ;;
		esac
	} >"$1"
}

kthreads() { # kthreads PREFIX: PIDs of kernel threads whose name starts with PREFIX
	ps -e -o pid=,comm= | awk -v p="$1" 'index($2, p) == 1 { print $1 }'
}

# Threaded NAPI on or off for both ends; when on, pin the DUT's NAPI thread to
# CPU 1, with a higher CFS weight (nice -15) so that other work on a shared
# machine does not decide its share, and the generator side's (the sink) to
# CPU 0, or to CPU 1 when paced (SINK_CPU): the spinning generator would keep
# it off CPU 0 long enough to overflow its ring.  WATCH: the threads whose CPU
# time the generator reports (role=PID), for the per-packet cost.
napi_mode() {
	local mode=$1 t=0 pid
	[ "$mode" = split ] && t=1
	in_gen sh -c "echo $t > /sys/class/net/$GEN_IF/threaded" || return 1
	in_dut sh -c "echo $t > /sys/class/net/$DUT_IF/threaded" || return 1
	[ -n "${KSOFTIRQD:-}" ] ||
		KSOFTIRQD=ksoftirqd0=$(kthreads ksoftirqd/0),ksoftirqd1=$(kthreads ksoftirqd/1)
	WATCH=$KSOFTIRQD
	[ $t = 1 ] || return 0
	for pid in $(kthreads "napi/$DUT_IF-"); do
		taskset -p -c 1 "$pid" >/dev/null
		renice -n -15 -p "$pid" >/dev/null
		WATCH=$WATCH,dutnapi=$pid
	done
	for pid in $(kthreads "napi/$GEN_IF-"); do
		taskset -p -c "${SINK_CPU:-0}" "$pid" >/dev/null
		WATCH=$WATCH,gennapi=$pid
	done
}

# measure ROUND TEST MODE SCN KIND SECS RATE CLIENTS
# CLIENTS: 0 none, 4 / 6 real clients to 198.18.0.2 / [fd00::2] (the gateway
# lab: to the backend, 198.51.100.10 / [2001:db8::10]), 46 both at once.
measure() {
	local round=$1 test=$2 mode=$3 scn=$4 kind=$5 secs=$6 rate=$7 clients=$8
	local gen_out=$TMP/gen.out cpids=() fam pid
	scn_enter "$scn"
	SINK_CPU=0
	[ "$rate" -gt 0 ] && SINK_CPU=1
	napi_mode "$mode" || die "could not set NAPI mode $mode"
	if [ "$rate" -gt 0 ]; then sink_mode 1; else sink_mode $SINK_SAMPLE; fi
	snap "$TMP/s0"
	: >"$TMP/clients4.out"
	: >"$TMP/clients6.out"
	for fam in 4 6; do
		case $clients in *$fam*) ;; *) continue ;; esac
		local cdst=$CLI_DST4
		[ $fam = 6 ] && cdst=$CLI_DST6
		# On CPU 0 in both modes: in closed mode a client's SYN sent from the other
		# CPU would schedule the DUT's NAPI there and split the closed loop; in
		# split mode CPU 1 is the DUT's.
		lab_bg_in pid "$HOLD_GEN" taskset -c 0 "$CLIENTS" --dst "$cdst" --port 80 \
			--secs "$secs" --gap-ms 10 --timeout-ms 3000 >"$TMP/clients$fam.out"
		cpids+=("$pid")
	done
	if [ "$kind" = idle ]; then
		sleep "$secs"
		: >"$gen_out"
	else
		# nice -15 in split mode, as the DUT's thread: other work on a shared
		# machine should not decide how hard the DUT is pushed.
		# Paced frames leave in batches of 16, well inside veth's ring.
		local nice=0 batch=64
		[ "$mode" = split ] && nice=-15
		[ "$rate" -gt 0 ] && batch=16
		in_gen nice -n $nice "$GEN" "$GEN_IF" --kind "$kind" --frame "${TMPL[$CUR_LAB.$kind]}" \
			--count $MAX_PKTS --secs "$secs" --rate "$rate" --batch $batch --cpu 0 \
			--watch "$WATCH" >"$gen_out" ||
			die "generator failed ($test/$scn)"
	fi
	lab_reap "${cpids[@]}"
	snap "$TMP/s1"
	# Kept raw, recorded in one go at the end (report.py record-all).
	NMEAS=$((NMEAS + 1))
	local m=$TMP/meas/$(printf '%05d' $NMEAS)
	mkdir -p "$m"
	mv "$TMP/s0" "$TMP/s1" "$gen_out" "$TMP/clients4.out" "$TMP/clients6.out" "$m/"
	printf '%s\n' "round $round" "test $test" "mode $mode" "scenario $scn" "kind $kind" \
		"rate $rate" "secs $secs" >"$m/meta"
}
NMEAS=0

# --- environment facts --------------------------------------------------------------------

facts() {
	local f=$TMP/facts
	{
		echo "cpu_model $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
		echo "cpus $(nproc)"
		echo "kernel $(uname -r)"
		echo "date $(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "synx_version $(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)"
		echo "clang $(clang --version | head -n1)"
		echo "libbpf $(dpkg-query -W -f '${Version}' libbpf1 2>/dev/null)"
		echo "libxdp $(dpkg-query -W -f '${Version}' libxdp1 2>/dev/null)"
		echo "nft $(nft --version 2>/dev/null)"
		echo "quick $QUICK"
		echo "rounds $ROUNDS"
		echo "t_closed $T_CLOSED"
		echo "t_split $T_SPLIT"
		echo "t_paced $T_PACED"
		echo "t_idle $T_IDLE"
		echo "paced_pps $PACED_PPS"
		echo "sink_sample $SINK_SAMPLE"
		echo "micro_repeat $MICRO_REPEAT"
		echo "micro_rounds $MICRO_ROUNDS"
		echo "t_profile $T_PROFILE"
		echo "peer_status $PEER_STATUS"
		echo "peer_verifier ${PEER_VERIFIER:-n/a}"
		echo "peer_args $PEER_ARGS"
		echo "scenarios $SCENARIOS"
		echo "gw_scenarios $GW_SCENARIOS"
		echo "gw_prefixes $GW_PREFIXES"
		echo "gw_dst $GW_DST4 $GW_DST6"
		[ $DO_MACRO = 1 ] || echo "gw_status skip: no macro-benchmark in this run (--no-macro)"
		echo "loadavg_start $(cut -d' ' -f1-3 /proc/loadavg)"
		# What this machine lets a profiler do.
		echo "probe_tracing $("$PROBE" 2>&1 | tail -n1)"
		echo "probe_bpftool_profile $(bpftool prog profile 2>&1 | head -n1)"
		if command -v perf >/dev/null; then
			echo "probe_perf_cycles $(perf stat -e cycles -x, true 2>&1 | head -n1)"
		else
			echo "probe_perf_cycles perf not installed"
		fi
	} >"$f"
	cat "$f"
}

# --- micro ------------------------------------------------------------------------------------

micro() {
	local mac fwd_mac peer=() rc dev
	lab_ns_add mic HOLD_MIC || return 1
	# The clients' addresses on lo, the DUT's on an Ethernet device of its own:
	# the frames' ingress (ctx->ingress_ifindex), whose MAC they are addressed
	# to; a second one forwards (net.ipv4.conf.fwd0.forwarding and, IPv6
	# forwarding being per namespace before Linux 6.17, net.ipv6.conf.fwd0.
	# force_forwarding, or all.forwarding without it), for the rows of the
	# early delivery check.  veth
	# pairs (this kernel has no dummy driver); the peer ends only let them
	# come up.
	lab_in "$HOLD_MIC" ip addr add 198.18.0.1/32 dev lo
	lab_in "$HOLD_MIC" ip addr add fd00::1/128 dev lo nodad
	for dev in dut0 fwd0; do
		lab_in "$HOLD_MIC" ip link add $dev type veth peer name ${dev}p || return 1
		lab_in "$HOLD_MIC" ip link set ${dev}p up
		lab_in "$HOLD_MIC" ip link set $dev up
	done
	lab_in "$HOLD_MIC" ip addr add 198.18.0.2/24 dev dut0
	lab_in "$HOLD_MIC" ip addr add fd00::2/64 dev dut0 nodad
	lab_in "$HOLD_MIC" sysctl -qw net.ipv4.conf.fwd0.forwarding=1 || return 1
	lab_in "$HOLD_MIC" sysctl -qw net.ipv6.conf.fwd0.force_forwarding=1 2>/dev/null ||
		lab_in "$HOLD_MIC" sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
	mac=$(lab_in "$HOLD_MIC" cat /sys/class/net/dut0/address)
	fwd_mac=$(lab_in "$HOLD_MIC" cat /sys/class/net/fwd0/address)
	[ "${PEER_STATUS%% *}" = ok ] && peer=(--peer "$PEER_OBJ")
	"$PY" "$REPO/bench/frames.py" --dmac "$mac" --fwd-dmac "$fwd_mac" >"$TMP/frames.txt" ||
		return 1
	lab_in "$HOLD_MIC" taskset -c 1 "$MICRO" --frames "$TMP/frames.txt" \
		--repeat $MICRO_REPEAT --rounds $MICRO_ROUNDS --dev dut0 --fwd-dev fwd0 "${peer[@]}" \
		>"$TMP/micro.out" 2>"$TMP/micro.err"
	rc=$?
	lab_ns_del mic HOLD_MIC
	grep -v xdp_run_config "$TMP/micro.err" >&2
	return $rc
}

# --- IPv6 through nftables SYNPROXY -------------------------------------------------------

# probe_v6_one NAME SCN TX: IPv6 clients for a moment through scenario SCN
# with the generator's TX checksum offload TX (on: the DUT's stack gets
# CHECKSUM_PARTIAL skbs and verifies no checksum; off: full checksums, as
# from a NIC), with a capture on the DUT end and SYNPROXY's counters
# around it.  One "v6probe_NAME ..." line for the facts.
probe_v6_one() {
	local name=$1 scn=$2 tx=$3 cap=$TMP/v6probe.txt tp c
	scn_enter "$scn"
	napi_mode closed || return 1
	in_gen ethtool -K "$GEN_IF" tx "$tx" >/dev/null
	in_dut cat /proc/net/stat/synproxy >"$TMP/sp0" 2>/dev/null
	lab_bg_in tp "$HOLD_DUT" timeout 5 tcpdump -i "$DUT_IF" -nn -l 'ip6 and tcp port 80' \
		>"$cap" 2>/dev/null
	sleep 0.3
	c=$(in_gen taskset -c 0 "$CLIENTS" --dst fd00::2 --port 80 --secs 0.5 --gap-ms 10 \
		--timeout-ms 1500 | awk '$1 != "samples_us" { printf "%s=%s ", $1, $2 }')
	sleep 0.2
	lab_kill "$tp"
	in_dut cat /proc/net/stat/synproxy >"$TMP/sp1" 2>/dev/null
	in_gen ethtool -K "$GEN_IF" tx off >/dev/null
	printf 'v6probe_%s scenario=%s tx_offload=%s %scapture_in=%s capture_out=%s %s\n' \
		"$name" "$scn" "$tx" "$c" \
		"$(grep -c 'fd00::1\.[0-9]* > fd00::2\.80' "$cap")" \
		"$(grep -c 'fd00::2\.80 > fd00::1' "$cap")" \
		"$("$PY" -c 'import sys
def rd(p):
    rows = [l.split() for l in open(p) if l.strip()]
    return {n: sum(int(r[i], 16) for r in rows[1:]) for i, n in enumerate(rows[0])} if rows else {}
a, b = rd(sys.argv[1]), rd(sys.argv[2])
print(" ".join(f"synproxy_{k}=+{b[k] - a.get(k, 0)}" for k in b if k != "entries"))' \
			"$TMP/sp0" "$TMP/sp1" 2>/dev/null)" >>"$TMP/facts"
}

# Why IPv6 handshakes do not complete through the peer here: the same
# clients through the peer, and through nftables SYNPROXY alone with full
# and with partial checksums.
probe_v6() {
	case " $SCENARIOS " in *" nft "*) ;; *) return 0 ;; esac
	log "IPv6 through nftables SYNPROXY: probe with and without TX checksum offload"
	case " $SCENARIOS " in *" xsp "*) probe_v6_one xsp xsp off || return 1 ;; esac
	probe_v6_one nft_csum_full nft off || return 1
	probe_v6_one nft_csum_partial nft on || return 1
}

# --- perf profiles of the DUT core -----------------------------------------------------------

# profile SCN KIND: a split-mode flood with perf sampling the DUT's NAPI thread
# only (CPU 1 also runs whatever else shares this machine).
profile() {
	local scn=$1 kind=$2 tids ppid
	scn_enter "$scn"
	napi_mode split || return 1
	tids=$(kthreads "napi/$DUT_IF-" | paste -sd, -)
	[ -n "$tids" ] || return 1
	perf record -q -t "$tids" -e cpu-clock -F 4999 -o "$TMP/perf.data" -- sleep "$T_PROFILE" \
		>/dev/null 2>&1 &
	ppid=$!
	lab_track "$ppid"
	in_gen "$GEN" "$GEN_IF" --kind "$kind" --frame "${TMPL[$CUR_LAB.$kind]}" --count $MAX_PKTS \
		--secs "$T_PROFILE" --cpu 0 >/dev/null
	lab_reap "$ppid"
	perf report -q -i "$TMP/perf.data" --stdio --sort sym 2>/dev/null |
		awk 'NF && $1 ~ /%$/' | head -n 25 >"$TMP/profile-$scn-$kind.txt"
	rm -f "$TMP/perf.data"
}

profiles() {
	command -v perf >/dev/null || { log "perf not installed: no profiles"; return 0; }
	local scn kind
	for kind in syn4 ack4; do
		for scn in synx synx-kc xsp; do
			case " $SCENARIOS " in *" $scn "*) ;; *) continue ;; esac
			log "profile of the DUT core: $scn, $kind flood (perf, cpu-clock)"
			profile "$scn" "$kind" || log "profile $scn $kind failed"
		done
	done
}

# --- rounds -------------------------------------------------------------------------------------

selected() { # selected TEST: kept by --tests (or the quick default)?
	[ -z "$ONLY_TESTS" ] && return 0
	case ",$ONLY_TESTS," in *",$1,"*) return 0 ;; esac
	return 1
}

# run_round ROUND TESTS SCENARIOS [step]: in the current lab, every test of
# TESTS (NAME:MODE:KIND:SECS:RATE:CLIENTS, CLIENTS 0, 4, 6 or 46: see
# measure) for every scenario, in an order rotated each round; with "step",
# rotated by one more at each test too: with two scenarios, each test then
# starts with the one the last test ended with (one attach less per test),
# and each still runs first in every other round.
run_round() {
	local r=$1 tests=$2 t test mode kind secs rate clients k scn cl scns=() i=0 step=0
	read -r -a scns <<<"$3"
	[ "${4:-}" = step ] && step=1
	for t in $tests; do
		IFS=: read -r test mode kind secs rate clients <<<"$t"
		selected "$test" || continue
		for ((k = 0; k < ${#scns[@]}; k++)); do
			scn=${scns[$(( (k + r + step * i) % ${#scns[@]} ))]}
			cl=$clients
			case " $REAL_SCENARIOS $GW_SCENARIOS " in *" $scn "*) ;; *)
				# Bounds: no clients, so no idle or client-only tests.
				[ "$kind" = idle ] && continue
				case $test in *-cl) continue ;; esac
				cl=0 ;;
			esac
			measure "$r" "$test" "$mode" "$scn" "$kind" "$secs" "$rate" "$cl"
		done
		i=$((i + 1))
	done
}

# --- main ---------------------------------------------------------------------------------------

T0=$(date +%s)
facts >&2
mkdir -p "$RAW"
: >"$RES"
if [ $DO_MICRO = 1 ]; then
	log "micro-benchmark: $MICRO_ROUNDS rounds x $MICRO_REPEAT repeats per class"
	micro || die "micro-benchmark failed"
fi
if [ $DO_MACRO = 1 ]; then
	lab_bench_up || die "lab setup failed"
	# The tests of one round, each run for every scenario in a rotated order.
	# Clients run in their own closed-mode tests: their traffic would perturb
	# the closed loop whose cost per frame is the headline.
	# NAME:MODE:KIND:SECS:RATE:CLIENTS (0, 4, 6 or 46: see measure).
	TESTS="syn4-closed:closed:syn4:$T_CLOSED:0:0 syn4-closed-cl:closed:syn4:$T_CLOSED:0:4
syn6-closed:closed:syn6:$T_CLOSED:0:0 syn6-closed-cl:closed:syn6:$T_CLOSED:0:6
ack4-closed:closed:ack4:$T_CLOSED:0:0 ack6-closed:closed:ack6:$T_CLOSED:0:0
syn4-split:split:syn4:$T_SPLIT:0:4 syn6-split:split:syn6:$T_SPLIT:0:6
ack4-split:split:ack4:$T_SPLIT:0:0 ack6-split:split:ack6:$T_SPLIT:0:0
syn4-paced:split:syn4:$T_PACED:$PACED_PPS:0 idle:split:idle:$T_IDLE:0:46"
	# The gateway lab's, after the local lab's in every round: closed mode,
	# and real clients through the router without a flood (gw-idle).
	GW_TESTS="gw-syn4-closed:closed:syn4:$T_CLOSED:0:0 gw-syn6-closed:closed:syn6:$T_CLOSED:0:0
gw-ack4-closed:closed:ack4:$T_CLOSED:0:0 gw-ack6-closed:closed:ack6:$T_CLOSED:0:0
gw-idle:closed:idle:$T_IDLE:0:46"
	GW_STATUS=ok
	gw_sel=0
	for t in $GW_TESTS; do selected "${t%%:*}" && gw_sel=1; done
	if [ -z "$GW_SCENARIOS" ] || [ $gw_sel = 0 ]; then
		GW_STATUS="skip: not selected (--only / --tests)"
	else
		log "gateway lab: generator, router, backend"
		if ! gw_lab_up 2>"$TMP/gw-up.err"; then
			why=$(grep -v '^$' "$TMP/gw-up.err" | tail -n 1)
			GW_STATUS="skip: the gateway lab could not be set up: ${why:-no message}"
			log "$GW_STATUS"
		fi
	fi
	lab_use main
	echo "gw_status $GW_STATUS" >>"$TMP/facts"
	for ((r = 0; r < ROUNDS; r++)); do
		log "round $((r + 1))/$ROUNDS ($(( $(date +%s) - T0 ))s)"
		run_round "$r" "$TESTS" "$SCENARIOS"
		if [ "$GW_STATUS" = ok ]; then
			log "round $((r + 1))/$ROUNDS: gateway lab ($(( $(date +%s) - T0 ))s)"
			lab_use gw
			run_round "$r" "$GW_TESTS" "$GW_SCENARIOS" step
			lab_use main
		fi
	done
	probe_v6 || log "IPv6 SYNPROXY probe failed"
	[ $DO_PROFILE != 0 ] && profiles
	scn_leave
	if [ "$GW_STATUS" = ok ]; then
		lab_use gw
		scn_leave
		lab_use main
	fi
	"$PY" "$REPO/bench/report.py" record-all "$TMP/meas" >"$RES" || die "could not record the runs"
fi
ELAPSED=$(( $(date +%s) - T0 ))
echo "elapsed_s $ELAPSED" >>"$TMP/facts"
echo "loadavg_end $(cut -d' ' -f1-3 /proc/loadavg)" >>"$TMP/facts"
cp "$RES" "$RAW/results.jsonl"
# Only this run's: a run without the micro-benchmark or profiles reports none.
rm -f "$RAW/micro.out" "$RAW"/profile-*.txt
[ -f "$TMP/micro.out" ] && cp "$TMP/micro.out" "$RAW/micro.out"
for f in "$TMP"/profile-*.txt; do [ -f "$f" ] && cp "$f" "$RAW/"; done
cp "$TMP/facts" "$RAW/facts.txt"
"$PY" "$REPO/bench/report.py" report --facts "$RAW/facts.txt" --results "$RAW/results.jsonl" \
	--micro "$RAW/micro.out" --profiles "$RAW" --md "$REPORT_MD" --png "$REPORT_PNG" ||
	die "report failed"
log "done in ${ELAPSED}s: $REPORT_MD"
