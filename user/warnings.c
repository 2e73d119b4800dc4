// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Settings that defeat part of synx, each with what to do.  See warnings.h. */
#include <stdio.h>
#include <string.h>
#include "kernel_state.h"
#include "warnings.h"

int synx_kernel_warnings(const struct synx_sysctls *k, const struct synx_config *cfg,
			 const char **out, int max)
{
	bool own = cfg && cfg->version == SYNX_CONFIG_VERSION &&
		   cfg->cookie_mode == SYNX_COOKIE_OWN;
	int n = 0;

#define W(msg)                            \
	do {                              \
		if (n < max)              \
			out[n++] = (msg); \
	} while (0)
	/*
	 * Own cookies: the kernel validates nothing, but it only accepts the
	 * request socket synx_tc hands it while cookies are enabled at all
	 * (measured: with 0 it resets the ACK although the kfunc returned 0).
	 * The kernel still decides when a cookie is due (tcp_syncookies=1).
	 * Timestamps, SACK, window scaling and ECN are carried by the cookie
	 * itself, so none of the TS-cookie advice below applies.
	 */
	if (own && k->tcp_syncookies == 0)
		W("net.ipv4.tcp_syncookies=0: the kernel resets every handshake ACK although synx validated it: set net.ipv4.tcp_syncookies=1 or 2");
	else if (k->tcp_syncookies == 0)
		W("net.ipv4.tcp_syncookies=0: the kernel never validates cookies, so synx never sends any and every SYN reaches the listener; set it to 2 (or 1)");
	else if (k->tcp_syncookies == 1)
		W("net.ipv4.tcp_syncookies=1: the kernel only issues cookies once a listener's SYN queue overflows, so synx answers SYNs only under a flood; set it to 2 to always answer with cookies");
	if (own)
		goto out;
	/*
	 * Kernel cookies: the program offers options in a TS cookie exactly
	 * while tcp_timestamps is 2 (read live), so the advice is the sysctl.
	 */
	if (k->tcp_timestamps == 1)
		W("net.ipv4.tcp_timestamps=1: no TS cookies (the kernel adds a random per-connection offset and cannot decode them), so clients on kernel-cookie connections lose window scaling and SACK; set it to 2 (synx follows from the next SYN) or attach with own cookies");
	if (k->tcp_timestamps == 0)
		W("net.ipv4.tcp_timestamps=0: no TS cookies, so clients on kernel-cookie connections lose window scaling and SACK; set it to 2 (synx follows from the next SYN)");
out:
#undef W
	return n;
}

int synx_iface_warnings(const char *ifname, const struct synx_offloads *o, const char *driver,
			char out[][SYNX_WARN_LEN], int max)
{
	int n = 0;

	if (o->rx_vlan == 1 && n < max)
		snprintf(
			out[n++], SYNX_WARN_LEN,
			"%s: rx-vlan-offload is on: the driver may strip VLAN tags before XDP, so SYN-ACKs sent back with XDP_TX leave untagged; run 'ethtool -K %s rxvlan off'",
			ifname, ifname);
	if (!strcmp(driver, "veth") && o->tx_csum == 1 && n < max)
		snprintf(
			out[n++], SYNX_WARN_LEN,
			"%s: veth with tx checksum offload: frames sent from the peer arrive with unfinished checksums, which synx drops as invalid on SYNs; run 'ethtool -K <peer> tx off' on the sending side",
			ifname);
	return n;
}

int synx_state_warnings(const char *ifname, const struct synx_state *st, char out[][SYNX_WARN_LEN],
			int max)
{
	int n = 0;

	if (!synx_kernel_state_valid(st))
		return 0;
	for (unsigned int i = 0; i < synx_nr_kgroups && n < max; i++)
		if (!(st->kernel & synx_kgroups[i].bit))
			snprintf(out[n++], SYNX_WARN_LEN,
				 "%s: this kernel does not let synx read %s: %s", ifname,
				 synx_kgroups[i].what, synx_kgroups[i].fallback);
	/* A table that exists but whose bucket function synx does not know: the same fallback. */
	for (int v6 = 0; v6 < 2 && n < max; v6++)
		if ((st->kernel & (v6 ? SYNX_K_ADDR6 : SYNX_K_ADDR4)) &&
		    st->addr_hash[v6] == SYNX_ADDRH_NONE)
			snprintf(
				out[n++], SYNX_WARN_LEN,
				"%s: no bucket function synx knows matches this kernel's IPv%d address table: only the addresses of the ingress device and lo count as this host's; SYNs to another interface's address go to the kernel, unanswered by synx",
				ifname, v6 ? 6 : 4);
	return n;
}

int synx_rmem_warnings(const char *ifname, const struct synx_config *cfg,
		       const struct synx_sysctls *k, char out[][SYNX_WARN_LEN], int max)
{
	long floor = k->tcp_rmem_max > SYNX_RMEM_MAX_ASSUMED ? k->tcp_rmem_max
							     : SYNX_RMEM_MAX_ASSUMED;
	__u32 now = synx_sysctl_rmem_max_cfg(k);
	int n = 0;

	if (max < 1 || !now)
		return 0;
	/*
	 * The program computes the kernel's window shift from
	 * max(receive space, tcp_rmem[2], rmem_max): an rmem_max that it
	 * assumes smaller than the real one only matters above the other two.
	 */
	if (!cfg->rmem_max && k->rmem_max > floor)
		snprintf(
			out[n++], SYNX_WARN_LEN,
			"%s: net.core.rmem_max is %ld, above tcp_rmem[2] and the %u synx assumes without a loader: cookie connections may get a smaller window than the kernel's own; 'synx attach' or 'synx config %s' passes the real value",
			ifname, k->rmem_max, SYNX_RMEM_MAX_ASSUMED, ifname);
	else if (cfg->rmem_max && cfg->rmem_max != now)
		snprintf(
			out[n++], SYNX_WARN_LEN,
			"%s: net.core.rmem_max is now %u, synx was given %u: its window shift for cookie connections may differ from the kernel's; run 'synx config %s'",
			ifname, now, cfg->rmem_max, ifname);
	return n;
}
