/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Turn a SYN frame into our SYN-ACK in place, for XDP_TX.
 *
 * Layout of the reply: the SYN's own Ethernet header (MACs swapped) and
 * VLAN tags, a fresh option-less IPv4 or extension-less IPv6 header at the
 * same offset (addresses swapped where they lie), and a TCP header whose
 * options follow the kernel's own order (tcp_options_write()), one 32-bit
 * word each, only those that are offered:
 *
 *   02 04 mm mm                      MSS, always
 *   04 02 08 0a | TSval | TSecr      SACK-permitted + timestamps
 *   01 01 08 0a | TSval | TSecr      timestamps without SACK
 *   01 01 04 02                      SACK-permitted without timestamps
 *   01 03 03 ws                      window scale
 *
 * Never longer than it must be: growing a frame fails where the driver
 * left no tailroom (veth), and a Windows-style SYN (MSS, WS, SACK, 12
 * bytes) then needs no growth at all.  The frame is resized to exactly the
 * reply first (trimming TFO data, IPv4 options, IPv6 extension headers,
 * Ethernet padding), so everything read from the SYN must come from the
 * stack copy or from fields that stay in place (the addresses).
 */
#ifndef SYNX_BPF_SYNACK_H
#define SYNX_BPF_SYNACK_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include "csum.h"
#include "parsing.h"
#include "tcp_opts.h"

/*
 * The window of a SYN-ACK is never scaled (RFC 7323 section 2.2), so it is
 * at most this; server_window() gives the listener's own.
 */
#define SYNX_SYNACK_WINDOW 65535

#define SYNACK_OPT_WORDS 4 /* after MSS: SACK/TS, TSval, TSecr, WS */

struct synx_synack {
	__be16 sport, dport; /* of the reply */
	__be32 seq, ack;
	__u16 mss;    /* the MSS we advertise */
	__u16 window; /* unscaled, as the listener would offer it */
	__u8 flags;   /* SYN|ACK, maybe ECE */
	__u8 ts;      /* the options carry timestamps */
	__u8 ttl;     /* TTL or hop limit */
	__u8 nopt;    /* option words after MSS, 0..SYNACK_OPT_WORDS */
	__be32 opt[SYNACK_OPT_WORDS];
};

static __always_inline void eth_swap_macs(struct ethhdr *eth)
{
	__u8 tmp[ETH_ALEN];

	__builtin_memcpy(tmp, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, tmp, ETH_ALEN);
}

static __always_inline __u32 synack_tcp_len(const struct synx_synack *a)
{
	return sizeof(struct tcphdr) + 4 * (1 + a->nopt);
}

/* Writes the TCP header at @th, given the pseudo-header sum in @csum. */
static __always_inline int synack_write_tcp(struct tcphdr *th, void *data_end,
					    const struct synx_synack *a, __u64 csum)
{
	__be32 *w = (__be32 *)th;

	if ((void *)(w + 6) > data_end)
		return -1;
	th->source = a->sport;
	th->dest = a->dport;
	th->seq = a->seq;
	th->ack_seq = a->ack;
	/* doff and flags share one 16-bit word: write it whole. */
	((__be16 *)th)[6] = bpf_htons((synack_tcp_len(a) / 4) << 12 | a->flags);
	th->window = bpf_htons(a->window);
	th->check = 0;
	th->urg_ptr = 0;
	w[5] = bpf_htonl((TCPOPT_MSS << 24) | (TCPOLEN_MSS << 16) | a->mss);
	csum = csum_add_words(csum, w, 6);
#pragma unroll
	for (int i = 0; i < SYNACK_OPT_WORDS; i++) {
		if (i >= a->nopt)
			break;
		if ((void *)(w + 7 + i) > data_end)
			return -1;
		w[6 + i] = a->opt[i];
		csum += a->opt[i];
	}
	th->check = csum_fold(csum);
	return 0;
}

static __always_inline int synack_write4(void *data, void *data_end, __u32 l3_off,
					 const struct synx_synack *a, __u32 tcp_len)
{
	struct iphdr *iph = data + l3_off;
	__be32 addr;

	if ((void *)(iph + 1) > data_end)
		return -1;
	addr = iph->saddr;
	iph->saddr = iph->daddr;
	iph->daddr = addr;
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tos = 0;
	iph->tot_len = bpf_htons(sizeof(*iph) + tcp_len);
	iph->id = 0;
	iph->frag_off = bpf_htons(IP4_DF);
	iph->ttl = a->ttl;
	iph->protocol = IPPROTO_TCP;
	iph->check = 0;
	iph->check = csum_fold(csum_add_words(0, (__u32 *)iph, sizeof(*iph) / 4));

	return synack_write_tcp((struct tcphdr *)(iph + 1), data_end, a,
				csum_pseudo4(iph->saddr, iph->daddr, tcp_len));
}

static __always_inline int synack_write6(void *data, void *data_end, __u32 l3_off,
					 const struct synx_synack *a, __u32 tcp_len)
{
	struct ipv6hdr *ip6h = data + l3_off;
	struct in6_addr addr;

	if ((void *)(ip6h + 1) > data_end)
		return -1;
	addr = ip6h->saddr;
	ip6h->saddr = ip6h->daddr;
	ip6h->daddr = addr;
	*(__be32 *)ip6h = bpf_htonl(6 << 28); /* version 6, traffic class 0, flow 0 */
	ip6h->payload_len = bpf_htons(tcp_len);
	ip6h->nexthdr = IPPROTO_TCP;
	ip6h->hop_limit = a->ttl;

	return synack_write_tcp((struct tcphdr *)(ip6h + 1), data_end, a,
				csum_pseudo6(ip6h->saddr.in6_u.u6_addr32,
					     ip6h->daddr.in6_u.u6_addr32, tcp_len));
}

/* Rewrite the SYN into @a; @sent is the verdict to return once it is built. */
static __always_inline struct synx_verdict synack_build(struct xdp_md *ctx,
							const struct synx_pkt *p,
							const struct synx_synack *a,
							struct synx_verdict sent)
{
	__u32 tcp_len = synack_tcp_len(a);
	__u32 ip_len = p->ipv6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	int delta = (int)(p->l3_off + ip_len + tcp_len) - (int)p->frame_len;
	void *data, *data_end;
	int err;

	/* Resize before the first write: on failure the SYN is still intact. */
	if (delta && bpf_xdp_adjust_tail(ctx, delta))
		return SYNX_PASS(ERROR);

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + sizeof(struct ethhdr) > data_end)
		return SYNX_DROP(INTERNAL); /* cannot happen: we just sized it */
	eth_swap_macs(data);

	if (p->ipv6)
		err = synack_write6(data, data_end, p->l3_off, a, tcp_len);
	else
		err = synack_write4(data, data_end, p->l3_off, a, tcp_len);
	/*
	 * Unreachable after the resize above; if it ever were, the frame is
	 * half rewritten and must not reach the stack.
	 */
	if (err)
		return SYNX_DROP(INTERNAL);
	return sent;
}

#endif /* SYNX_BPF_SYNACK_H */
