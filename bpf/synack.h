/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Turn a SYN frame into our SYN-ACK in place, for XDP_TX.
 *
 * Layout of the reply: the SYN's own Ethernet header (MACs swapped) and
 * VLAN tags, a fresh option-less IPv4 or extension-less IPv6 header at the
 * same offset (addresses swapped where they lie), and a TCP header with one
 * of two fixed option layouts, the kernel's own order (tcp_options_write()):
 *
 *   MSS only            02 04 mm mm                                doff 6
 *   long                02 04 mm mm | 04 02 or 01 01 | 08 0a or 01 01
 *                       TSval | TSecr (or NOPs) | 01 03 03 ws or 01 01 01 01
 *                                                                  doff 10
 *
 * Fixed layouts keep every write and the checksum at constant offsets.
 * The frame is resized to exactly that length first (trimming TFO data,
 * IPv4 options, IPv6 extension headers, Ethernet padding), so everything
 * read from the SYN must come from the stack copy or from fields that stay
 * in place (the addresses).
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
 * The window of a SYN-ACK is never scaled (RFC 7323 section 2.2).  The
 * client's first flight is bounded by its initial cwnd (10 segments), far
 * below this, and the server's first ACK then announces its real window.
 */
#define SYNX_SYNACK_WINDOW 65535

#define SYNACK_OPTLEN_MSS 4
#define SYNACK_OPTLEN_LONG 20

struct synx_synack {
	__be16 sport, dport; /* of the reply */
	__be32 seq, ack;
	__u16 mss;           /* the MSS we advertise */
	__u8 flags;          /* SYN|ACK, maybe ECE */
	__u8 ttl;            /* TTL or hop limit */
	__u8 long_opts;      /* the long layout */
	__be32 opt[4];       /* option words 2-5 of that layout */
};

static __always_inline void eth_swap_macs(struct ethhdr *eth)
{
	__u8 tmp[ETH_ALEN];

	__builtin_memcpy(tmp, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, tmp, ETH_ALEN);
}

/* Writes the TCP header at @th, given the pseudo-header sum in @csum. */
static __always_inline int synack_write_tcp(struct tcphdr *th, void *data_end,
					    const struct synx_synack *a, __u64 csum)
{
	__be32 *w = (__be32 *)th;
	__u32 doff = a->long_opts ? 10 : 6;

	if ((void *)th + sizeof(*th) + SYNACK_OPTLEN_MSS > data_end)
		return -1;
	th->source = a->sport;
	th->dest = a->dport;
	th->seq = a->seq;
	th->ack_seq = a->ack;
	/* doff and flags share one 16-bit word: write it whole. */
	((__be16 *)th)[6] = bpf_htons((doff << 12) | a->flags);
	th->window = bpf_htons(SYNX_SYNACK_WINDOW);
	th->check = 0;
	th->urg_ptr = 0;
	w[5] = bpf_htonl((TCPOPT_MSS << 24) | (TCPOLEN_MSS << 16) | a->mss);
	if (a->long_opts) {
		if ((void *)th + sizeof(*th) + SYNACK_OPTLEN_LONG > data_end)
			return -1;
		w[6] = a->opt[0];
		w[7] = a->opt[1];
		w[8] = a->opt[2];
		w[9] = a->opt[3];
		csum = csum_add_words(csum, w, 10);
	} else {
		csum = csum_add_words(csum, w, 6);
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
static __always_inline struct synx_verdict synack_build(struct xdp_md *ctx, const struct synx_pkt *p,
							const struct synx_synack *a,
							struct synx_verdict sent)
{
	__u32 tcp_len = sizeof(struct tcphdr) + (a->long_opts ? SYNACK_OPTLEN_LONG : SYNACK_OPTLEN_MSS);
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
