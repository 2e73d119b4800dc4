#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# synx demo: a real web server under a spoofed SYN flood, with and then
# without trouble for its clients.  `sudo make demo` (installs what is
# missing and builds first), or scripts/demo.sh after `make`.
#
#   client ns (curl, flood generator) <--veth--> server ns (python3 -m http.server, synx)
#
# 1. baseline: curl clients fetch for BASE_SECS, no flood;
# 2. attack:  FLOOD_SECS of spoofed SYNs from 198.18.128.0/17, a sprinkle of
#    malformed segments and bogus ACKs, while the curl clients keep fetching;
#    synx's live counters on screen;
# 3. summary: SYNs answered by cookie, connections completed, malformed
#    dropped, client success rate and p50/p99 latency, baseline vs attack.
#
# Everything happens in two namespaces that are removed on exit, whatever
# the exit; nothing on the host changes.  Under two minutes.
set -u
cd "$(dirname "$0")/.." || exit 1
LAB_STRICT=1
# shellcheck source=tests/lib/lab.sh
. tests/lib/lab.sh

BASE_SECS=${BASE_SECS:-8}
FLOOD_SECS=${FLOOD_SECS:-25}
FLOOD_PKTS=${FLOOD_PKTS:-6000000}
PORT=8080

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
[ -t 1 ] || say() { printf '\n== %s\n' "$*"; }

lab_init # no test cases to skip: LAB_STRICT makes a missing tool an error
say "lab: client ns $LAB_CLI <-> server ns $LAB_SRV (veth $CLI_IF/$SRV_IF)"
lab_up || { echo "error: could not build the veth lab" >&2; exit 1; }

# The kernel's default policy: cookies only once a listener's SYN queue
# overflows.  synx asks the kernel for each cookie, so it follows the same
# policy: SYNs pass to the kernel until the flood fills the queue.
lab_sysctl net.ipv4.tcp_syncookies=1
mkdir -p "$LAB_TMP/www"
{
	echo '<!doctype html><title>synx demo</title><h1>served through synx</h1>'
	head -c 8000 /dev/urandom | base64
} >"$LAB_TMP/www/index.html"
lab_bg HTTP_PID "$LAB_SRV" "$PY" -m http.server --bind :: --directory "$LAB_TMP/www" $PORT \
	>/dev/null 2>&1
lab_wait_listen $PORT || { echo "error: http server did not start" >&2; exit 1; }
echo "http server: python3 -m http.server on [$SRV_IP]:$PORT and [$SRV_IP6]:$PORT"

ATTACH="build/synx attach $SRV_IF --mode native"
if ! synx_cli_has attach || ! lab_srv "$SYNX_CLI" attach "$SRV_IF" --mode native; then
	# The plain iproute2 path works with no loader at all (built-in defaults).
	synx_cli_has attach && echo "warning: '$ATTACH' failed; attaching with iproute2 instead" >&2
	lab_detach 2>/dev/null
	ATTACH="ip link set dev $SRV_IF xdp obj build/synx.bpf.o sec xdp"
	lab_attach xdp || exit 1
fi
echo "synx attached: $ATTACH"
URLS=("http://$SRV_IP:$PORT/" "http://[$SRV_IP6]:$PORT/")

# --- 1. baseline ---
say "1/3 baseline: curl clients for ${BASE_SECS}s, no flood"
lab_counters "$LAB_TMP/c0"
lab_cli "$PY" "$SYNXLAB" http-clients "${URLS[@]}" --duration "$BASE_SECS" --parallel 2 \
	>"$LAB_TMP/base"
sed 's/^/   /' "$LAB_TMP/base" | grep -E 'ok|failed|p50|p99' | paste -sd' ' | sed 's/^/   /'

# --- 2. attack ---
say "2/3 attack: ${FLOOD_SECS}s of spoofed SYNs from $SPOOF_NET (at most $FLOOD_PKTS), curl keeps fetching"
lab_counters "$LAB_TMP/c1"
frame=(--iface "$CLI_IF" --src-mac "$CLI_MAC" --dst-mac "$SRV_MAC")
lab_bg FLOOD_PID "$LAB_CLI" "$PY" "$SYNXLAB" flood --kind syn "${frame[@]}" --dst "$SRV_IP" \
	--dport $PORT --src-net "$SPOOF_NET" --count "$FLOOD_PKTS" --duration "$FLOOD_SECS" \
	>"$LAB_TMP/flood"
lab_bg ACK_PID "$LAB_CLI" "$PY" "$SYNXLAB" flood --kind ack "${frame[@]}" --dst "$SRV_IP" \
	--dport $PORT --src-net "$SPOOF_NET" --count 20000 --duration "$FLOOD_SECS" --rate 1000 \
	--seed 7 >"$LAB_TMP/ackflood"
lab_bg CLIENTS_PID "$LAB_CLI" "$PY" "$SYNXLAB" http-clients "${URLS[@]}" \
	--duration "$FLOOD_SECS" --parallel 2 >"$LAB_TMP/attack"

# A few rounds of malformed segments (SYN+FIN, bad offsets, martians, ...).
(
	for ((i = 0; i < 5; i++)); do
		lab_cli "$PY" "$SYNXLAB" malformed "${frame[@]}" --src "$CLI_IP" --dst "$SRV_IP" \
			--src6 "$CLI_IP6" --dst6 "$SRV_IP6" --dport $PORT >/dev/null 2>&1
		sleep 3
	done
) &
LAB_PIDS+=($!)
MAL_PID=$!

# Live view: the CLI's own when it has one and we are on a terminal; else a
# line of the main counters every 5 s, from the pinned map.
if [ -t 1 ] && synx_cli_has stats && lab_srv "$SYNX_CLI" stats "$SRV_IF" >/dev/null 2>&1; then
	lab_srv timeout -s INT "$FLOOD_SECS" "$SYNX_CLI" stats "$SRV_IF" --watch 1 || true
else
	printf '   %5s %12s %12s %12s %12s %10s\n' time "syn->cookie" "cookie-ack" "syn->kernel" \
		"bad-ack" malformed
	for ((s = 5; s <= FLOOD_SECS; s += 5)); do
		sleep 5
		lab_counters "$LAB_TMP/live"
		awk -v s="$s" 'NR == FNR { a[$1] = $2; next } { d[$1] = $2 - a[$1] }
			$1 ~ /^drop_/ && $1 != "drop_cookie_invalid" && $1 != "drop_no_listener" { m += $2 - a[$1] }
			END { printf "   %4ds %12d %12d %12d %12d %10d\n", s,
				d["tx_synack_cookie"] + d["tx_synack_own"],
				d["pass_cookie_ok"] + d["pass_own_cookie_ok"],
				d["pass_syn_kernel"], d["drop_cookie_invalid"], m }' \
			"$LAB_TMP/c1" "$LAB_TMP/live"
	done
fi
wait "$CLIENTS_PID" "$FLOOD_PID" "$ACK_PID" "$MAL_PID" 2>/dev/null
lab_counters "$LAB_TMP/c2"

# --- 3. summary ---
say "3/3 summary"
d() { counter_delta "$LAB_TMP/c1" "$LAB_TMP/c2" "$1"; }
v() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
malformed=$(awk 'NR == FNR { a[$1] = $2; next }
	$1 ~ /^drop_/ && $1 != "drop_cookie_invalid" && $1 != "drop_no_listener" { m += $2 - a[$1] }
	END { print m + 0 }' "$LAB_TMP/c1" "$LAB_TMP/c2")
sent=$(v sent "$LAB_TMP/flood")
cat <<EOF
   spoofed SYNs sent                  $sent in ${FLOOD_SECS}s
   SYNs answered by cookie (XDP_TX)   $(($(d tx_synack_cookie) + $(d tx_synack_own))) (kernel cookies $(d tx_synack_cookie), synx's own $(d tx_synack_own))
   SYNs left to the kernel            $(d pass_syn_kernel)
   connections completed via cookie   $(($(d pass_cookie_ok) + $(d pass_own_cookie_ok))) (kernel cookies $(d pass_cookie_ok), synx's own $(d pass_own_cookie_ok))
   bogus ACKs dropped                 $(d drop_cookie_invalid) of $(v sent "$LAB_TMP/ackflood") sent
   malformed segments dropped         $malformed

                         requests  success   connect p50/p99     total p50/p99
EOF
for phase in base attack; do
	f="$LAB_TMP/$phase"
	printf '   %-20s %9d %7s%%   %6s / %-6s ms   %6s / %-6s ms\n' \
		"$([ $phase = base ] && echo "baseline" || echo "under SYN flood")" \
		$(($(v ok "$f") + $(v failed "$f"))) "$(v success_pct "$f")" \
		"$(v connect_p50_ms "$f")" "$(v connect_p99_ms "$f")" \
		"$(v total_p50_ms "$f")" "$(v total_p99_ms "$f")"
done

lab_down
left=$(ip netns list | grep -c "^synx-$LAB_ID-")
echo
echo "   cleanup: namespaces removed ($left left), synx detached with them; nothing else was touched"
