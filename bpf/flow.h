/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The flow of a segment as the client sent it: addresses in packet order,
 * ports and the client's ISN.  The own cookie's MAC is computed over it,
 * and the handshake follow-up cache (followup.h) is keyed by it.
 */
#ifndef SYNX_BPF_FLOW_H
#define SYNX_BPF_FLOW_H

#include <linux/bpf.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include "parsing.h"

struct synx_flow {
	__u64 addr[4];   /* v4: saddr:daddr in addr[0]; v6: four words */
	__u64 ports_isn; /* sport:dport:client ISN, ports in network order */
	__u8 ipv6;
};

static __always_inline __u32 synx_flow_ports(const struct synx_flow *f)
{
	return (__u32)(f->ports_isn >> 32);
}

/* Fill @f from the frame [data, data_end) parsed into @p.  0, or -1 if short. */
static __always_inline int synx_flow_load(void *data, void *data_end, const struct synx_pkt *p,
					  __be16 sport, __be16 dport, __u32 client_isn,
					  struct synx_flow *f)
{
	f->ipv6 = p->ipv6;
	f->ports_isn = (__u64)sport << 48 | (__u64)dport << 32 | client_isn;
	if (p->ipv6) {
		struct ipv6hdr *ip6h = data + p->l3_off;
		const __u32 *sa, *da;

		if ((void *)(ip6h + 1) > data_end)
			return -1;
		sa = ip6h->saddr.in6_u.u6_addr32;
		da = ip6h->daddr.in6_u.u6_addr32;
		f->addr[0] = (__u64)sa[0] << 32 | sa[1];
		f->addr[1] = (__u64)sa[2] << 32 | sa[3];
		f->addr[2] = (__u64)da[0] << 32 | da[1];
		f->addr[3] = (__u64)da[2] << 32 | da[3];
	} else {
		struct iphdr *iph = data + p->l3_off;

		if ((void *)(iph + 1) > data_end)
			return -1;
		f->addr[0] = (__u64)iph->saddr << 32 | iph->daddr;
	}
	return 0;
}

#endif /* SYNX_BPF_FLOW_H */
