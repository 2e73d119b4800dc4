/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one packet parser: Ethernet (+ up to two VLAN tags), IPv4 (with
 * options) or IPv6 (with a bounded extension-header walk), then TCP.
 *
 * Offsets are kept as integers from the start of the frame and every header
 * is re-derived as data + offset and bounds-checked before it is read, so
 * each access is proven on its own and no bound hides in a pointer chain.
 * Each stage either returns a verdict (a malformed or foreign packet) or
 * SYNX_NEXT with struct synx_pkt filled in further.
 *
 * Fragment policy (documented in README.md):
 *  - a non-first fragment whose offset lands inside the first 20 bytes of
 *    the TCP header is an overlap attack (RFC 1858 section 3.2, RFC 3128):
 *    dropped;
 *  - a first fragment too short to hold the whole TCP header, options
 *    included, is a tiny-fragment attack (RFC 1858 section 3.1): dropped;
 *  - a fragmented SYN is dropped: no stack fragments a 40-120 byte SYN, and
 *    we could not answer it without reassembly;
 *  - everything else fragmented is checked as far as it is visible and then
 *    left to the kernel's reassembly (ports are not visible in later
 *    fragments, so no port policy can apply to them).
 *  DF is not required: plenty of real clients send SYNs without it.
 */
#ifndef SYNX_BPF_PARSING_H
#define SYNX_BPF_PARSING_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include "verdict.h"

#define SYNX_VLAN_MAX 2    /* 802.1ad outer + 802.1Q inner */
#define SYNX_IP6_EXT_MAX 6 /* extension headers walked before giving up */

#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04
#define TCP_FLAG_PSH 0x08
#define TCP_FLAG_ACK 0x10
#define TCP_FLAG_URG 0x20
#define TCP_FLAG_ECE 0x40
#define TCP_FLAG_CWR 0x80

#define IP4_DF 0x4000
#define IP4_MF 0x2000
#define IP4_OFFSET_MASK 0x1fff
#define IP6_FRAG_OFFSET_MASK 0xfff8 /* offset in bytes, 8-byte units */
#define IP6_FRAG_MF 0x0001

enum synx_frag {
	SYNX_FRAG_NONE = 0,
	SYNX_FRAG_FIRST, /* offset 0, more fragments follow */
	SYNX_FRAG_LATER, /* offset > 0: no TCP header here */
};

struct synx_vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

struct synx_frag_hdr { /* RFC 8200 section 4.5 */
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;
	__be32 identification;
};

struct synx_pkt {
	__u32 frame_len; /* bytes in the frame as received */
	__u32 l3_off;    /* IP header, after any VLAN tags */
	__u32 l4_off;    /* TCP header */
	__u32 seg_len;   /* TCP header + payload, per the IP length fields */
	__u32 thlen;     /* TCP header length, doff * 4 */
	__u32 frag_off;  /* fragment offset in bytes */
	__u8 ipv6;
	__u8 frag;       /* enum synx_frag */
	__u8 flags;      /* TCP flags byte */
	__u8 ip_proto;
};

static __always_inline int eth_is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD);
}

static __always_inline struct synx_verdict parse_eth(void *data, void *data_end,
						     struct synx_pkt *p, __be16 *proto)
{
	struct ethhdr *eth = data;
	__u32 off = sizeof(*eth);
	__be16 h_proto;

	if ((void *)(eth + 1) > data_end)
		return SYNX_DROP(L2_TRUNC);
	h_proto = eth->h_proto;

#pragma unroll
	for (int i = 0; i < SYNX_VLAN_MAX; i++) {
		struct synx_vlan_hdr *vh = data + off;

		if (!eth_is_vlan(h_proto))
			break;
		if ((void *)(vh + 1) > data_end)
			return SYNX_DROP(L2_TRUNC);
		h_proto = vh->encap_proto;
		off += sizeof(*vh);
	}
	if (eth_is_vlan(h_proto))
		return SYNX_PASS(VLAN_DEPTH);
	if (h_proto != bpf_htons(ETH_P_IP) && h_proto != bpf_htons(ETH_P_IPV6))
		return SYNX_PASS(NON_IP);

	p->l3_off = off;
	*proto = h_proto;
	return SYNX_NEXT;
}

static __always_inline int ipv4_is_martian_src(__be32 addr)
{
	__u32 a = bpf_ntohl(addr);

	return (a >> 24) == 0 ||     /* 0.0.0.0/8, "this network" (RFC 1122) */
	       (a >> 24) == 127 ||   /* loopback never arrives on a wire */
	       (a >> 28) == 0xe ||   /* 224.0.0.0/4 multicast */
	       a == 0xffffffff;      /* limited broadcast */
}

/*
 * IPv4 structure checks apply to every protocol (the kernel would drop these
 * too); the martian and fragment checks only to TCP.
 */
static __always_inline struct synx_verdict parse_ipv4(void *data, void *data_end,
						      struct synx_pkt *p)
{
	struct iphdr *iph = data + p->l3_off;
	__u32 ihl, tot, frag;

	if ((void *)(iph + 1) > data_end)
		return SYNX_DROP(IP4_TRUNC);
	if (iph->version != 4)
		return SYNX_DROP(IP4_VERSION);
	ihl = iph->ihl * 4;
	if (ihl < sizeof(*iph) || p->l3_off + ihl > p->frame_len)
		return SYNX_DROP(IP4_IHL);
	tot = bpf_ntohs(iph->tot_len);
	/* Shorter than the frame is fine: Ethernet pads to 60 bytes. */
	if (tot < ihl || p->l3_off + tot > p->frame_len)
		return SYNX_DROP(IP4_TOTLEN);
	p->ip_proto = iph->protocol;
	if (iph->protocol != IPPROTO_TCP)
		return SYNX_PASS(NON_TCP);

	if (ipv4_is_martian_src(iph->saddr))
		return SYNX_DROP(MARTIAN_SRC4);
	if (iph->saddr == iph->daddr)
		return SYNX_DROP(LAND);

	frag = bpf_ntohs(iph->frag_off);
	p->frag_off = (frag & IP4_OFFSET_MASK) * 8;
	if (p->frag_off)
		p->frag = SYNX_FRAG_LATER;
	else if (frag & IP4_MF)
		p->frag = SYNX_FRAG_FIRST;

	p->l4_off = p->l3_off + ihl;
	p->seg_len = tot - ihl;
	return SYNX_NEXT;
}

static __always_inline int ipv6_is_martian_src(const struct in6_addr *a)
{
	__u32 w0 = a->in6_u.u6_addr32[0];

	if (a->in6_u.u6_addr8[0] == 0xff) /* multicast is never a source */
		return 1;
	if (w0 | a->in6_u.u6_addr32[1] | a->in6_u.u6_addr32[2])
		return 0;
	/* :: (unspecified) and ::1 (loopback) */
	return a->in6_u.u6_addr32[3] == 0 || a->in6_u.u6_addr32[3] == bpf_htonl(1);
}

static __always_inline int ipv6_addr_equal(const struct in6_addr *a, const struct in6_addr *b)
{
	return !((a->in6_u.u6_addr32[0] ^ b->in6_u.u6_addr32[0]) |
		 (a->in6_u.u6_addr32[1] ^ b->in6_u.u6_addr32[1]) |
		 (a->in6_u.u6_addr32[2] ^ b->in6_u.u6_addr32[2]) |
		 (a->in6_u.u6_addr32[3] ^ b->in6_u.u6_addr32[3]));
}

static __always_inline int ipv6_is_ext(__u8 nexthdr)
{
	return nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING ||
	       nexthdr == IPPROTO_DSTOPTS;
}

static __always_inline struct synx_verdict parse_ipv6(void *data, void *data_end,
						      struct synx_pkt *p)
{
	struct ipv6hdr *ip6h = data + p->l3_off;
	__u32 off, paylen, ext = 0;
	__u8 nexthdr;

	if ((void *)(ip6h + 1) > data_end || ip6h->version != 6)
		return SYNX_DROP(IP6_TRUNC);
	paylen = bpf_ntohs(ip6h->payload_len);
	off = p->l3_off + sizeof(*ip6h);
	if (off + paylen > p->frame_len)
		return SYNX_DROP(IP6_PAYLEN);
	nexthdr = ip6h->nexthdr;

	/* RFC 8200 section 4.1 order; a fragment header ends the walk. */
#pragma unroll
	for (int i = 0; i < SYNX_IP6_EXT_MAX; i++) {
		struct ipv6_opt_hdr *eh = data + off + ext;
		__u32 len;

		if (!ipv6_is_ext(nexthdr))
			break;
		if ((void *)(eh + 1) > data_end || ext + sizeof(*eh) > paylen)
			return SYNX_DROP(IP6_EXT_TRUNC);
		len = (eh->hdrlen + 1) * 8;
		if (ext + len > paylen)
			return SYNX_DROP(IP6_EXT_TRUNC);
		nexthdr = eh->nexthdr;
		ext += len;
	}
	if (ipv6_is_ext(nexthdr))
		return SYNX_PASS(IP6_EXT_DEPTH);

	if (nexthdr == IPPROTO_FRAGMENT) {
		struct synx_frag_hdr *fh = data + off + ext;
		__u32 fo;

		if ((void *)(fh + 1) > data_end || ext + sizeof(*fh) > paylen)
			return SYNX_DROP(IP6_EXT_TRUNC);
		fo = bpf_ntohs(fh->frag_off);
		p->frag_off = fo & IP6_FRAG_OFFSET_MASK;
		/* An atomic fragment (offset 0, M 0; RFC 6946) is whole. */
		if (p->frag_off)
			p->frag = SYNX_FRAG_LATER;
		else if (fo & IP6_FRAG_MF)
			p->frag = SYNX_FRAG_FIRST;
		nexthdr = fh->nexthdr;
		ext += sizeof(*fh);
	}

	p->ip_proto = nexthdr;
	if (nexthdr != IPPROTO_TCP)
		return SYNX_PASS(NON_TCP);
	if (ipv6_is_martian_src(&ip6h->saddr))
		return SYNX_DROP(MARTIAN_SRC6);
	if (ipv6_addr_equal(&ip6h->saddr, &ip6h->daddr))
		return SYNX_DROP(LAND);

	p->ipv6 = 1;
	p->l4_off = off + ext;
	p->seg_len = paylen - ext;
	return SYNX_NEXT;
}

/* Flag combinations no TCP stack sends (RFC 9293 section 3.1 and scans). */
static __always_inline struct synx_verdict tcp_check_flags(__u8 flags)
{
	if (!(flags & (TCP_FLAG_FIN | TCP_FLAG_SYN | TCP_FLAG_RST | TCP_FLAG_PSH |
		       TCP_FLAG_ACK | TCP_FLAG_URG)))
		return SYNX_DROP(FLAGS_NONE);
	if ((flags & (TCP_FLAG_SYN | TCP_FLAG_FIN)) == (TCP_FLAG_SYN | TCP_FLAG_FIN))
		return SYNX_DROP(FLAGS_SYN_FIN);
	if ((flags & (TCP_FLAG_SYN | TCP_FLAG_RST)) == (TCP_FLAG_SYN | TCP_FLAG_RST))
		return SYNX_DROP(FLAGS_SYN_RST);
	if ((flags & (TCP_FLAG_FIN | TCP_FLAG_RST)) == (TCP_FLAG_FIN | TCP_FLAG_RST))
		return SYNX_DROP(FLAGS_FIN_RST);
	/* Only a SYN or an RST may lack ACK (RFC 9293 3.10.7). */
	if (!(flags & TCP_FLAG_ACK) && (flags & (TCP_FLAG_FIN | TCP_FLAG_PSH | TCP_FLAG_URG)))
		return SYNX_DROP(FLAGS_NO_ACK);
	return SYNX_NEXT;
}

static __always_inline struct synx_verdict parse_tcp(void *data, void *data_end,
						     struct synx_pkt *p)
{
	struct tcphdr *th = data + p->l4_off;
	int first = p->frag == SYNX_FRAG_FIRST;
	struct synx_verdict v;

	if (p->frag == SYNX_FRAG_LATER) {
		/* A later fragment rewriting the first 20 bytes of TCP header. */
		if (p->frag_off < sizeof(struct tcphdr))
			return SYNX_DROP(FRAG_OVERLAP);
		return SYNX_PASS(FRAGMENT);
	}

	if (p->seg_len < sizeof(*th) || (void *)(th + 1) > data_end)
		return first ? SYNX_DROP(FRAG_TINY) : SYNX_DROP(TCP_TRUNC);
	p->thlen = th->doff * 4;
	if (p->thlen < sizeof(*th))
		return SYNX_DROP(TCP_DOFF);
	if (p->thlen > p->seg_len)
		return first ? SYNX_DROP(FRAG_TINY) : SYNX_DROP(TCP_DOFF);
	if (!th->source || !th->dest)
		return SYNX_DROP(PORT_ZERO);

	p->flags = ((__u8 *)th)[13];
	v = tcp_check_flags(p->flags);
	if (synx_decided(v))
		return v;

	if (first)
		return (p->flags & TCP_FLAG_SYN) ? SYNX_DROP(FRAG_SYN) : SYNX_PASS(FRAGMENT);
	return SYNX_NEXT;
}

/*
 * Everything up to and including the TCP header's own sanity, for a frame
 * at [data, data_end) of p->frame_len bytes: XDP and tc both use it.
 */
static __always_inline struct synx_verdict synx_parse(void *data, void *data_end,
						      struct synx_pkt *p)
{
	struct synx_verdict v;
	__be16 proto;

	v = parse_eth(data, data_end, p, &proto);
	if (synx_decided(v))
		return v;
	if (proto == bpf_htons(ETH_P_IP))
		v = parse_ipv4(data, data_end, p);
	else
		v = parse_ipv6(data, data_end, p);
	if (synx_decided(v))
		return v;
	return parse_tcp(data, data_end, p);
}

#endif /* SYNX_BPF_PARSING_H */
