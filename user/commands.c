// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The command table.  See commands.h; options.c says which options each takes. */
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "gateway.h"

const struct synx_command synx_commands[] = {
	{
		.name = "attach",
		.bit = SYNX_CMD_ATTACH,
		.args = "IFACE",
		.iface = SYNX_IFACE_REQUIRED,
		.summary = "load synx and attach it to IFACE",
		.run = synx_cmd_attach,
		.logged = true,
		.doc = "Load synx and attach it to IFACE through libxdp (its multi-program dispatcher\n"
		       "when the kernel allows it, else as the only program).  Maps are pinned under\n"
		       "/sys/fs/bpf/synx/by-netns-ifindex/, keyed by what a rename keeps, with a link\n"
		       "/sys/fs/bpf/synx/IFACE; no process stays running.  The program reads the\n"
		       "kernel's TCP settings and the listener's at packet time; attach passes it\n"
		       "the one it cannot read, net.core.rmem_max of the current network namespace.\n"
		       "\n"
		       "Own cookies: synx's keyed cookie (random key from getrandom) carries MSS,\n"
		       "window scale, SACK and ECN; the XDP program checks the ACK and the tc ingress\n"
		       "program synx_tc hands the kernel a request socket (bpf_sk_assign_tcp_reqsk,\n"
		       "Linux 6.9+).  A clsact qdisc is created if IFACE has none.\n"
		       "\n"
		       "Attach, detach, config changes, key rotations and refusals are logged to\n"
		       "syslog (facility daemon), one line each with the interface.\n",
	},
	{
		.name = "detach",
		.bit = SYNX_CMD_DETACH,
		.args = "IFACE",
		.iface = SYNX_IFACE_REQUIRED,
		.summary = "detach synx from IFACE and remove its pins",
		.run = synx_cmd_detach,
		.logged = true,
		.doc = "Detach synx from IFACE, remove its tc ingress filter (own cookies), the clsact\n"
		       "qdisc if synx created it and nobody else filters in it, and its pins.  Other\n"
		       "XDP programs on IFACE (behind the libxdp dispatcher) keep running.  A renamed\n"
		       "interface is detached by its new name; stale pins left by an interface that\n"
		       "is gone are removed by the name it had.\n",
	},
	{
		.name = "config",
		.bit = SYNX_CMD_CONFIG,
		.args = "IFACE",
		.iface = SYNX_IFACE_REQUIRED,
		.summary = "change the configuration of a running synx",
		.run = synx_cmd_config,
		.logged = true,
		.doc = "Change the configuration of the synx running on IFACE in place, through its\n"
		       "maps: no detach, no packet lost.  Options not given keep their value, except\n"
		       "with --config-file, whose file is the whole configuration (the synx@IFACE\n"
		       "unit's reload); net.core.rmem_max (which the program cannot read itself) is\n"
		       "passed again.  The cookie mode (own or kernel) and the XDP mode cannot change\n"
		       "here: detach and attach again.\n",
	},
	{
		.name = "status",
		.bit = SYNX_CMD_STATUS,
		.args = "[IFACE]",
		.iface = SYNX_IFACE_OPTIONAL,
		.summary = "where synx runs, its config, kernel settings",
		.run = synx_cmd_status,
		.doc = "Show where synx is attached (XDP mode, program id, dispatcher or single\n"
		       "program, since when), its effective configuration, the cookie mode (key\n"
		       "generation, time since the last rotation, the tc hand-off), what the running\n"
		       "program could read of this kernel (device, sysctls, listener, address\n"
		       "tables), the live TCP settings it follows, and the kernel settings it relies\n"
		       "on (net.ipv4.tcp_syncookies, tcp_timestamps, net.core.rmem_max, checksum and\n"
		       "VLAN offloads, the bpf_sk_assign_tcp_reqsk kfunc), with a warning for each one\n"
		       "that defeats part of the protection, and for each protected port that the\n"
		       "nftables input chain drops or rejects (synx answers before the firewall).\n",
	},
	{
		.name = "stats",
		.bit = SYNX_CMD_STATS,
		.args = "[IFACE]",
		.iface = SYNX_IFACE_OPTIONAL,
		.summary = "decision counters",
		.run = synx_cmd_stats,
		.doc = "Print every decision counter by name (packets and bytes) and the totals per\n"
		       "XDP verdict.  Also reads a synx loaded with 'ip link set dev IFACE xdp obj'.\n",
	},
	{
		.name = "doctor",
		.bit = SYNX_CMD_DOCTOR,
		.args = "IFACE",
		.iface = SYNX_IFACE_REQUIRED,
		.summary = "why SYNs on IFACE would go unanswered, and the fixes",
		.run = synx_cmd_doctor,
		.doc = "Check, from live state, what would keep synx on IFACE from answering SYNs or\n"
		       "make connections stall, and say for each problem how to fix it: synx not\n"
		       "attached, monitor-only mode, no listener on a protected port,\n"
		       "net.ipv4.tcp_syncookies=0, TX checksum offload on the veth peer that sends,\n"
		       "a veth peer without an XDP program, generic mode on a driver with native\n"
		       "support, GRO/LRO, an MSS above what the MTU carries, other XDP programs, the\n"
		       "dispatcher refused, own cookies without the kfunc or the tc hand-off, a\n"
		       "cookie clock hosts cannot agree on, gateway mode without its nftables table,\n"
		       "tcp_loose 0 or forwarding, stale pins.  Exit status 0 when nothing is\n"
		       "wrong, 12 when a problem was found.\n",
	},
	{
		.name = "probe",
		.bit = SYNX_CMD_PROBE,
		.args = "ADDR:PORT",
		.summary = "what a backend negotiates, as a --gateway entry",
		.run_words = synx_cmd_probe,
		.doc = "Open one TCP connection to a backend server at ADDR:PORT ([ADDR]:PORT for\n"
		       "IPv6) and print what it negotiated (MSS, window scale, SACK, timestamps,\n"
		       "ECN), as the --gateway entry that makes SYNPROXY announce the same for it.\n"
		       "The MSS is what this host's path lets through.\n",
	},
	{
		.name = "help",
		.bit = SYNX_CMD_HELP,
		.args = "[COMMAND]",
		.summary = "this text, or the help of COMMAND",
		.run_words = synx_cmd_help,
		.doc = "Show the overview, or the help of COMMAND.\n",
	},
};

const unsigned int synx_nr_commands = sizeof(synx_commands) / sizeof(synx_commands[0]);

const struct synx_command *synx_command_find(const char *word, bool *ambiguous)
{
	const struct synx_command *found = NULL;
	size_t len = strlen(word);

	*ambiguous = false;
	for (unsigned int i = 0; i < synx_nr_commands; i++)
		if (!strcmp(synx_commands[i].name, word))
			return &synx_commands[i];
	for (unsigned int i = 0; len && i < synx_nr_commands; i++) {
		if (strncmp(synx_commands[i].name, word, len))
			continue;
		if (found) {
			*ambiguous = true;
			return NULL;
		}
		found = &synx_commands[i];
	}
	return found;
}

void synx_command_candidates(const char *word, char *buf, size_t len)
{
	size_t n = strlen(word), used = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < synx_nr_commands && used < len; i++)
		if (!strncmp(synx_commands[i].name, word, n))
			used += snprintf(buf + used, len - used, "%s%s", used ? " or " : "",
					 synx_commands[i].name);
}
