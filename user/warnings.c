// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Settings that defeat part of synx, each with what to do.  See warnings.h. */
#include <stdio.h>
#include <string.h>
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
