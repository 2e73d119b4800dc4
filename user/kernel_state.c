// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* What a running synx learnt of the kernel.  See kernel_state.h. */
#include "kernel_state.h"
#include "maps.h"

/*
 * In the order of SYNX_K_*.  The fallbacks are what bpf/owner.h,
 * bpf/server.h and bpf/synx.bpf.c do without the group: without the
 * listener the program has no namespace to read the sysctls from either.
 */
const struct synx_kgroup synx_kgroups[] = {
	{ SYNX_K_DEVICE, "device", "the ingress device",
	  "every SYN a listener matches is answered, whatever its destination MAC or address (not only this host's), with the MSS from bpf_check_mtu()" },
	{ SYNX_K_SYSCTL, "sysctls", "the namespace's TCP sysctls",
	  "SYN-ACK options follow the flags 'synx attach' or 'synx config' derived from them (a plain 'ip link' attach: SACK and window scaling, no TS cookies; run 'synx config IFACE' after changing one), and the kernel's cookie helper decides when to answer" },
	{ SYNX_K_LISTENER, "listener", "the listener",
	  "the kernel's cookie helper decides when to answer, SYN-ACK options follow the flags derived at attach as without the sysctls, with the window shift derived then, and the listener's TCP_MAXSEG and IP_TTL are ignored" },
	{ SYNX_K_ADDR4, "ipv4_addresses", "the IPv4 address table",
	  "only the addresses of the ingress device and lo count as this host's (the table is Linux 6.13+); SYNs to another interface's IPv4 address go to the kernel, unanswered by synx" },
	{ SYNX_K_ADDR6, "ipv6_addresses", "the IPv6 address table",
	  "only the addresses of the ingress device and lo count as this host's; SYNs to another interface's IPv6 address go to the kernel, unanswered by synx" },
};

const unsigned int synx_nr_kgroups = sizeof(synx_kgroups) / sizeof(synx_kgroups[0]);

int synx_kernel_state_read(__u32 prog_id, struct synx_state *st)
{
	return synx_prog_map_lookup(prog_id, &synx_state_spec, st);
}

bool synx_kernel_state_valid(const struct synx_state *st)
{
	return st->kernel & SYNX_K_VALID;
}

const char *synx_addr_hash_str(const struct synx_state *st, bool ipv6)
{
	if (!(st->kernel & (ipv6 ? SYNX_K_ADDR6 : SYNX_K_ADDR4)))
		return "unavailable";
	switch (st->addr_hash[ipv6]) {
	case SYNX_ADDRH_UNKNOWN:
		return "learning";
	case SYNX_ADDRH_PLAIN:
		return "plain";
	case SYNX_ADDRH_XOR:
		return "xor";
	case SYNX_ADDRH_JHASH:
		return "jhash";
	case SYNX_ADDRH_NONE:
		return "none";
	default:
		return "unknown";
	}
}
