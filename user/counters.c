// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Names for the reasons in include/synx_counters.h, in the same order, and reading them. */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include "counters.h"

#define R(id, verdict, text) [SYNX_R_##id] = { #id, XDP_##verdict, text }

/*
 * Names come from the enum identifiers themselves (#id), so they cannot
 * drift.  The array is sized by its initialisers: a reason appended to the
 * enum without a row here fails the _Static_assert below, and a hole in the
 * middle is caught by the unit test that checks every row has a name.
 */
const struct synx_reason_info synx_reasons[] = {
	R(PASS_NON_IP, PASS, "not IPv4/IPv6"),
	R(PASS_NON_TCP, PASS, "IP but not TCP"),
	R(PASS_VLAN_DEPTH, PASS, "more VLAN tags than parsed"),
	R(PASS_IP6_EXT_DEPTH, PASS, "retired: long IPv6 chains are dropped now"),
	R(PASS_FRAGMENT, PASS, "IP fragment, left to reassembly"),
	R(PASS_UNPROTECTED, PASS, "TCP to an unprotected port"),
	R(PASS_SOCKET, PASS, "owned by an established/time-wait/request socket"),
	R(PASS_COOKIE_OK, PASS, "handshake ACK with a valid SYN cookie"),
	R(PASS_SYN_KERNEL, PASS, "SYN left to the kernel (no SYN flood)"),
	R(PASS_NO_LISTENER, PASS, "no socket; kernel answers RST"),
	R(PASS_OTHER, PASS, "other segment to a protected port"),
	R(PASS_SYN_SIGNED, PASS, "SYN with TCP-MD5/TCP-AO, kernel must sign"),
	R(PASS_ERROR, PASS, "helper failure, kernel fallback"),
	R(TX_SYNACK_COOKIE, TX, "SYN answered with a SYN-cookie SYN-ACK"),
	R(DROP_L2_TRUNC, DROP, "truncated Ethernet/VLAN header"),
	R(DROP_IP4_TRUNC, DROP, "truncated IPv4 header"),
	R(DROP_IP4_VERSION, DROP, "IPv4 version field not 4"),
	R(DROP_IP4_IHL, DROP, "IPv4 IHL < 5 or options past frame"),
	R(DROP_IP4_TOTLEN, DROP, "IPv4 total length inconsistent"),
	R(DROP_IP6_TRUNC, DROP, "truncated IPv6 header"),
	R(DROP_IP6_PAYLEN, DROP, "IPv6 payload length past frame"),
	R(DROP_IP6_EXT_TRUNC, DROP, "truncated IPv6 extension header"),
	R(DROP_FRAG_TINY, DROP, "tiny first fragment (RFC 1858)"),
	R(DROP_FRAG_OVERLAP, DROP, "fragment overlapping TCP header (RFC 3128)"),
	R(DROP_FRAG_SYN, DROP, "fragmented SYN"),
	R(DROP_TCP_TRUNC, DROP, "truncated TCP header"),
	R(DROP_TCP_DOFF, DROP, "TCP data offset invalid"),
	R(DROP_PORT_ZERO, DROP, "TCP port 0"),
	R(DROP_FLAGS_NONE, DROP, "no TCP flags"),
	R(DROP_FLAGS_SYN_FIN, DROP, "SYN+FIN"),
	R(DROP_FLAGS_SYN_RST, DROP, "SYN+RST"),
	R(DROP_FLAGS_FIN_RST, DROP, "FIN+RST"),
	R(DROP_FLAGS_NO_ACK, DROP, "FIN/PSH/URG without ACK"),
	R(DROP_OPT_LEN, DROP, "SYN option length < 2"),
	R(DROP_OPT_OVERRUN, DROP, "SYN option past header"),
	R(DROP_OPT_FIXED_LEN, DROP, "SYN option with wrong fixed length"),
	R(DROP_MARTIAN_SRC4, DROP, "martian IPv4 source"),
	R(DROP_MARTIAN_SRC6, DROP, "martian IPv6 source"),
	R(DROP_LAND, DROP, "source address equals destination"),
	R(DROP_IP4_CSUM, DROP, "bad IPv4 header checksum on SYN"),
	R(DROP_TCP_CSUM, DROP, "bad TCP checksum on SYN"),
	R(DROP_COOKIE_INVALID, DROP, "ACK with invalid SYN cookie"),
	R(DROP_NO_LISTENER, DROP, "no socket; dropped by policy"),
	R(DROP_INTERNAL, DROP, "SYN-ACK rewrite failed (a bug if ever non-zero)"),
	R(PASS_SYN_OVERSIZE, PASS, "SYN with more data than synx checksums"),
	R(TX_SYNACK_OWN, TX, "SYN answered with synx's own cookie"),
	R(PASS_OWN_COOKIE_OK, PASS, "ACK with a valid own cookie, to the tc hand-off"),
	R(PASS_NO_META, PASS, "valid own cookie, driver lacks XDP metadata"),
	R(PASS_HANDOFF_FAILED, PASS, "tc hand-off refused by the kernel (counted in tc)"),
	R(PASS_COOKIE_FOLLOWUP, PASS, "segment right behind a passed cookie ACK"),
	R(PASS_NOT_HOST, PASS, "frame not addressed to this device's MAC"),
	R(PASS_NOT_LOCAL, PASS, "destination not a unicast address of this host"),
	R(DROP_ACCEPT_FULL, DROP, "SYN to a listener with a full accept queue"),
	R(PASS_IPSEC, PASS, "ESP, or SYN behind AH: IPsec decides"),
	R(DROP_IP6_HBH_ORDER, DROP, "IPv6 hop-by-hop header not first"),
	R(DROP_IP6_EXT_DEPTH, DROP, "more than 8 IPv6 extension headers (synx's limit)"),
	R(DROP_SYNACK_BUDGET, DROP, "SYN over the reflection budget (SYN-ACKs per second)"),
	R(PASS_IP_OPTIONS, PASS,
	  "SYN with IP options or IPv6 option/routing headers, for the kernel"),
	R(DROP_IP_OPTIONS, DROP,
	  "SYN with IP options or IPv6 option/routing headers (--ip-options drop)"),
	R(TX_SYNACK_GATEWAY, TX, "forwarded SYN answered in the backend's name (gateway)"),
	R(PASS_GATEWAY_COOKIE_OK, PASS, "forwarded ACK with a valid cookie, on to SYNPROXY"),
	R(PASS_GATEWAY_CONNTRACK, PASS, "forwarded segment of a connection conntrack confirmed"),
	R(DROP_GATEWAY_INVALID, DROP,
	  "forwarded segment of no connection that is no handshake ACK (SYN|ACK, RST, FIN)"),
	R(TX_SYNACK_EDGE, TX, "forwarded SYN answered in the backend's name (own cookie, --edge)"),
};

_Static_assert(sizeof(synx_reasons) / sizeof(synx_reasons[0]) == __SYNX_REASON_MAX,
	       "every reason needs a name");
_Static_assert(__SYNX_REASON_MAX <= SYNX_REASON_SLOTS,
	       "reason map too small: raise SYNX_REASON_SLOTS (breaks old pins)");

const char *synx_verdict_name(__u32 action)
{
	static const char *const names[] = {
		[XDP_ABORTED] = "aborted", [XDP_DROP] = "drop",         [XDP_PASS] = "pass",
		[XDP_TX] = "tx",           [XDP_REDIRECT] = "redirect",
	};

	if (action >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[action];
}

int synx_reason_by_name(const char *name)
{
	for (int i = 0; i < __SYNX_REASON_MAX; i++)
		if (synx_reasons[i].name && !strcasecmp(synx_reasons[i].name, name))
			return i;
	return -1;
}

int synx_counter_read(int fd, __u32 key, int ncpus, struct synx_counter *pc,
		      struct synx_counter *sum)
{
	if (bpf_map_lookup_elem(fd, &key, pc))
		return -errno;
	sum->packets = sum->bytes = 0;
	for (int c = 0; c < ncpus; c++) {
		sum->packets += pc[c].packets;
		sum->bytes += pc[c].bytes;
	}
	return 0;
}
