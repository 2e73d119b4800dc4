// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Usage text of every command.  This is the one source the man page and the
 * bash completion are checked against (tests/cli/test_docs): an option added
 * here and not there fails the test suite.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "commands.h"

static const char usage_main[] =
	"Usage: synx [-j|--json] [-p|--pretty] [-v|--verbose] COMMAND [ARGS]\n"
	"       synx --version | help [COMMAND]\n"
	"\n"
	"XDP SYN-cookie accelerator: answers TCP SYNs with SYN cookies from XDP, its own\n"
	"(every TCP option kept; Linux 6.9+) or the kernel's.\n"
	"\n"
	"Commands (any unique prefix works):\n"
	"  attach IFACE [OPTIONS]   load synx and attach it to IFACE\n"
	"  detach IFACE             detach synx from IFACE and remove its pins\n"
	"  config IFACE [OPTIONS]   change the configuration of a running synx\n"
	"  status [IFACE]           where synx runs, its config, kernel settings\n"
	"  stats [IFACE] [OPTIONS]  decision counters\n"
	"  help [COMMAND]           this text, or the help of COMMAND\n"
	"\n"
	"Global options:\n"
	"  -j, --json      JSON output (errors too), for every command\n"
	"  -p, --pretty    indented JSON (implies --json)\n"
	"  -v, --verbose   show libbpf and libxdp logs\n"
	"  -V, --version   print the version\n"
	"  -h, --help      show help\n"
	"\n"
	"Exit codes:\n"
	"  0 success               6 XDP mode not supported by the interface\n"
	"  1 runtime failure       7 not root (CAP_BPF/CAP_SYS_ADMIN + CAP_NET_ADMIN)\n"
	"  2 bad usage or value    8 no bpf filesystem at /sys/fs/bpf\n"
	"  3 no such interface     9 kernel without BTF\n"
	"  4 already attached     10 incompatible pinned map\n"
	"  5 not attached         11 own cookies unsupported (kernel or object)\n";

#define COOKIE_PERIOD_OPTION                                                             \
	"  --cookie-period SECONDS own-cookie clock period, 1-1024, rounded to a power\n"   \
	"                          of two in ns (default 2^36 ns = 68.7 s); a cookie is\n"  \
	"                          valid for 1 to 2 periods\n"

#define CONFIG_OPTIONS                                                                   \
	"  --ports LIST            protected TCP ports, e.g. 80,443,8000-8100, or 'all'\n"   \
	"                          (default all); no overlaps, 1-65535\n"                     \
	"  --mss4 N                MSS announced over IPv4, 536..MTU-40 (default MTU-40)\n"  \
	"  --mss6 N                MSS announced over IPv6, 1220..MTU-60 (default MTU-60)\n" \
	"  --ttl N                 IPv4 TTL of SYN-ACKs, 1-255 (default 64)\n"                \
	"  --hop-limit N           IPv6 hop limit of SYN-ACKs, 1-255 (default 64)\n"          \
	"  --ts-cookies auto|on|off\n"                                                        \
	"                          encode window scale, SACK and ECN in the TCP timestamp.\n"  \
	"                          auto = on iff net.ipv4.tcp_timestamps is 2: only then\n"   \
	"                          does the kernel send timestamps without a random\n"        \
	"                          per-connection offset and decode such cookies\n"           \
	"  --no-listener pass|drop segments to a protected port with no socket: pass\n"       \
	"                          lets the kernel answer RST, drop stays silent\n"

static const char usage_attach[] =
	"Usage: synx attach IFACE [OPTIONS]\n"
	"\n"
	"Load synx and attach it to IFACE through libxdp (its multi-program dispatcher\n"
	"when the kernel allows it, else as the only program).  Maps are pinned under\n"
	"/sys/fs/bpf/synx/IFACE/; no process stays running.  SACK, window scaling\n"
	"(and its shift), and ECN follow net.ipv4.tcp_sack, tcp_window_scaling,\n"
	"tcp_ecn and the receive buffer limits of the current network namespace.\n"
	"\n"
	"Own cookies: synx's keyed cookie (random key from getrandom) carries MSS,\n"
	"window scale, SACK and ECN; the XDP program checks the ACK and the tc ingress\n"
	"program synx_tc hands the kernel a request socket (bpf_sk_assign_tcp_reqsk,\n"
	"Linux 6.9+).  A clsact qdisc is created if IFACE has none.\n"
	"\n"
	"Options:\n"
	"  --mode native|skb|auto  XDP mode; auto tries native, then skb (default auto)\n"
	"  --cookies own|kernel|auto\n"
	"                          whose SYN cookies; auto = own when the kernel has\n"
	"                          bpf_sk_assign_tcp_reqsk(), else kernel (default auto)\n"
	COOKIE_PERIOD_OPTION
	CONFIG_OPTIONS;

static const char usage_config[] =
	"Usage: synx config IFACE [OPTIONS]\n"
	"\n"
	"Change the configuration of the synx running on IFACE in place, through its\n"
	"maps: no detach, no packet lost.  Options not given keep their value; the\n"
	"settings mirrored from the kernel (SACK, window scaling, ECN) are re-read.\n"
	"An explicit --ts-cookies on|off sticks until changed; give --ts-cookies auto\n"
	"to re-evaluate net.ipv4.tcp_timestamps.  The cookie mode (own or kernel) cannot\n"
	"change here: detach and attach again.\n"
	"\n"
	"Options:\n"
	"  --rotate-key            own cookies: new current key; the previous one is\n"
	"                          still accepted for the cookies it issued (2 periods)\n"
	COOKIE_PERIOD_OPTION
	CONFIG_OPTIONS;

static const char usage_detach[] =
	"Usage: synx detach IFACE\n"
	"\n"
	"Detach synx from IFACE, remove its tc ingress filter (own cookies) and the\n"
	"clsact qdisc if synx created it, and remove /sys/fs/bpf/synx/IFACE/.  Other XDP\n"
	"programs on IFACE (behind the libxdp dispatcher) keep running.  Stale pins\n"
	"left by an interface that is gone are removed too.\n";

static const char usage_status[] =
	"Usage: synx status [IFACE]\n"
	"\n"
	"Show where synx is attached (XDP mode, program id, dispatcher or single\n"
	"program, since when), its effective configuration, the cookie mode (key\n"
	"generation, time since the last rotation, the tc hand-off), and the kernel\n"
	"settings it relies on (net.ipv4.tcp_syncookies, tcp_timestamps, checksum and\n"
	"VLAN offloads, the bpf_sk_assign_tcp_reqsk kfunc) with a warning for each one\n"
	"that defeats part of the protection.\n";

static const char usage_stats[] =
	"Usage: synx stats [IFACE] [OPTIONS]\n"
	"\n"
	"Print every decision counter by name (packets and bytes) and the totals per\n"
	"XDP verdict.  Also reads a synx loaded with 'ip link set dev IFACE xdp obj'.\n"
	"\n"
	"Options:\n"
	"  --watch SECONDS         redraw every SECONDS with per-second rates; Ctrl-C exits\n"
	"  --per-cpu               show each CPU's counters too\n"
	"  --prometheus            Prometheus text exposition format\n";

static const char usage_help[] =
	"Usage: synx help [COMMAND]\n"
	"\n"
	"Show the overview, or the help of COMMAND.\n";

static const struct {
	const char *cmd;
	const char *text;
} usages[] = {
	{ "attach", usage_attach }, { "detach", usage_detach }, { "config", usage_config },
	{ "status", usage_status }, { "stats", usage_stats },   { "help", usage_help },
};

void synx_usage(FILE *f, const char *cmd)
{
	if (cmd)
		for (size_t i = 0; i < sizeof(usages) / sizeof(usages[0]); i++)
			if (!strcmp(usages[i].cmd, cmd)) {
				fputs(usages[i].text, f);
				return;
			}
	fputs(usage_main, f);
}

int synx_common_opt(int opt, const char *cmd)
{
	switch (opt) {
	case 'h':
		synx_usage(stdout, cmd);
		return -1;
	case 'p':
		synx_cli.pretty = true;
		/* fall through */
	case 'j':
		synx_cli.json = true;
		return 1;
	case 'v':
		synx_cli.verbose = true;
		return 1;
	}
	return 0;
}
