/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one packet parser: Ethernet (+ up to two VLAN tags), IPv4 (with
 * options) or IPv6 (with a bounded extension-header walk), then TCP.
 *
 * Offsets are kept as integers from the start of the frame and every header
 * is re-derived as data + offset and bounds-checked before it is read, so
 * each access is proven on its own and no bound hides in a pointer chain.
 * Each stage either returns a verdict (a malformed or foreign packet) or
 * SYNX_NEXT with struct synx_pkt filled in further.  XDP only: the tc
 * hand-off gets the offsets it needs from the XDP metadata.
 *
 * Fragment policy (documented in README.md):
 *  - a non-first fragment whose offset lands inside the first 20 bytes of
 *    the TCP header is an overlap attack (RFC 1858 section 3.2, RFC 3128):
 *    dropped;
 *  - a first fragment too short to hold the whole TCP header, options
 *    included, is a tiny-fragment attack (RFC 1858 section 3.1): dropped;
 *  - a fragmented SYN is dropped: no stack fragments a 40-120 byte SYN, and
 *    we could not answer it without reassembly;
 *  - any other first fragment is judged as the whole segment would be (the
 *    tiny-fragment rule guarantees its whole TCP header is there): a forged
 *    handshake ACK must not become one by being split;
 *  - a later fragment is left to the kernel's reassembly: it carries no
 *    ports, and the kernel never reassembles without the first fragment.
 *  DF is not required: plenty of real clients send SYNs without it.
 *
 * IPv6 extension headers are walked in any order RFC 8200 section 4.1
 * allows a sender to produce: hop-by-hop options only first, then
 * destination options, routing, fragment and AH in any order, at most
 * SYNX_IP6_EXT_MAX of them.  The RFC recommends each header once and
 * destination options twice but sets no limit; the limit is synx's policy:
 * no stack we know sends more, and since TCP may hide behind a longer
 * chain, it is dropped.  AH is walked (its length is
 * (hdrlen + 2) * 4 bytes, RFC 4302); ESP ends what can be seen.
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

#define SYNX_VLAN_MAX 2                          /* 802.1ad outer + 802.1Q inner */
#define SYNX_L3_OFF_MAX (14 + 4 * SYNX_VLAN_MAX) /* where the IP header can start */
/*
 * Where the TCP header can start: eight extension headers of 2 KiB at
 * most; a bound the verifier needs to trust packet offsets.
 */
#define SYNX_L4_OFF_MAX 0x7fff
#define SYNX_IP6_EXT_MAX 8 /* HBH, DST, RTG, FRAG, AH, DST, + 2: RFC 8200 section 4.1 */

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

struct synx_pkt {
	__u32 frame_len; /* bytes in the frame as received */
	__u32 l3_off;    /* IP header, after any VLAN tags */
	__u32 l4_off;    /* TCP header */
	__u32 seg_len;   /* TCP header + payload, per the IP length fields */
	__u32 thlen;     /* TCP header length, doff * 4 */
	__u32 frag_off;  /* fragment offset in bytes */
	__u8 ipv6;
	__u8 frag;  /* enum synx_frag */
	__u8 flags; /* TCP flags byte */
	__u8 ip_proto;
	__u8 tos; /* IPv4 TOS / IPv6 traffic class: the ECN field is its low 2 bits */
	__u8 ah;  /* an IPv6 AH header came before TCP */
	/*
	 * IPv4 options, or an IPv6 hop-by-hop, destination-options or routing
	 * header: what the kernel validates itself (ip_options_compile() and
	 * accept_source_route, ip6_parse_tlv(), ipv6_rthdr_rcv()) and, for
	 * IPv4, echoes in its SYN-ACK (tcp_v4_save_options()).
	 */
	__u8 ipopts;
	__u8 res1; /* the 4 TCP header bits after doff (AccECN's AE among them) */
};

static __always_inline int eth_is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD);
}

static __always_inline struct synx_verdict parse_eth(void *data, void *data_end, struct synx_pkt *p,
						     __be16 *proto)
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

	return (a >> 24) == 0 ||   /* 0.0.0.0/8, "this network" (RFC 1122) */
	       (a >> 24) == 127 || /* loopback never arrives on a wire */
	       (a >> 28) == 0xe || /* 224.0.0.0/4 multicast */
	       a == 0xffffffff;    /* limited broadcast */
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
	p->tos = iph->tos;
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

	p->ipopts = ihl > sizeof(*iph);
	p->l4_off = p->l3_off + ihl;
	p->seg_len = tot - ihl;
	return SYNX_NEXT;
}

static __always_inline int ipv6_is_martian_src(const struct in6_addr *a)
{
	__u32 w0 = a->in6_u.u6_addr32[0];

	if (a->in6_u.u6_addr8[0] == 0xff) /* multicast is never a source */
		return 1;
	/*
	 * ::ffff:0:0/96: the kernel drops v4-mapped sources on input
	 * (ip6_rcv_core(), draft-itojun-v6ops-v4mapped-harmful).
	 */
	if (!(w0 | a->in6_u.u6_addr32[1]) && a->in6_u.u6_addr32[2] == bpf_htonl(0xffff))
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

/* The walk of IPv6 extension headers, in and out. */
struct synx_ip6_walk {
	__u32 off;      /* in: the first header after the IPv6 header; out: the upper layer */
	__u32 end;      /* in: the end of the payload */
	__u32 frag_off; /* out: a fragment header's offset, in bytes */
	__u32 action;   /* out: SYNX_CONTINUE, or the verdict ... */
	__u32 reason;   /* ... and its reason */
	__u8 nexthdr;   /* in: the IPv6 header's next header; out: the upper layer's */
	__u8 frag;      /* out: enum synx_frag */
	__u8 ah;        /* out: AH came before the upper layer */
	__u8 opts;      /* out: a hop-by-hop, destination-options or routing header */
};

#define IP6_EXT_MASK                                                                    \
	(1ULL << IPPROTO_HOPOPTS | 1ULL << IPPROTO_ROUTING | 1ULL << IPPROTO_FRAGMENT | \
	 1ULL << IPPROTO_AH | 1ULL << IPPROTO_DSTOPTS)

static __always_inline void ip6_walk_verdict(struct synx_ip6_walk *w, struct synx_verdict v)
{
	w->action = v.action;
	w->reason = v.reason;
}

/*
 * Walk the extension headers of the frame behind @ctx (see the policy at
 * the top of this file).  Headers are copied out with bpf_xdp_load_bytes()
 * rather than read through packet pointers, and this is a global function,
 * verified once on its own: with packet pointers, every order of header
 * kinds is a separate verifier state, and eight steps of five kinds blow
 * the 1M-instruction budget.  Only packets with extension headers get here.
 */
__noinline int synx_ip6_walk(struct xdp_md *ctx, struct synx_ip6_walk *w)
{
	__u32 off, end;
	__u8 nh, h[8];

	if (!w) /* a global function's pointer argument may be NULL to the verifier */
		return -1;
	off = w->off;
	end = w->end;
	nh = w->nexthdr;
	w->action = SYNX_CONTINUE;
	for (int i = 0; i <= SYNX_IP6_EXT_MAX; i++) {
		__u32 len;

		if (nh >= 64 || !(IP6_EXT_MASK >> nh & 1)) {
			/* ESP: encrypted, nothing behind it is visible; IPsec decides. */
			if (nh == IPPROTO_ESP)
				ip6_walk_verdict(w, SYNX_PASS(IPSEC));
			break;
		}
		if (i == SYNX_IP6_EXT_MAX) {
			/* More than RFC 8200 4.1's recommended chain: synx's limit. */
			ip6_walk_verdict(w, SYNX_DROP(IP6_EXT_DEPTH));
			break;
		}
		/* Every extension header is at least 8 bytes long. */
		if (off + sizeof(h) > end || bpf_xdp_load_bytes(ctx, off, h, sizeof(h))) {
			ip6_walk_verdict(w, SYNX_DROP(IP6_EXT_TRUNC));
			break;
		}
		if (nh == IPPROTO_FRAGMENT) {
			/* RFC 8200 section 4.5: offset and M in bytes 2-3. */
			__u16 fo = (__u16)h[2] << 8 | h[3];

			nh = h[0];
			off += 8;
			/* An atomic fragment (offset 0, M 0; RFC 6946) is whole. */
			if (fo & IP6_FRAG_OFFSET_MASK) {
				/* Payload, not headers, follows: the walk ends here. */
				w->frag = SYNX_FRAG_LATER;
				w->frag_off = fo & IP6_FRAG_OFFSET_MASK;
				break;
			}
			if (fo & IP6_FRAG_MF)
				w->frag = SYNX_FRAG_FIRST;
			continue;
		}
		if (nh == IPPROTO_HOPOPTS && i) {
			/* RFC 8200 4.1: only right after the IPv6 header; the kernel discards it. */
			ip6_walk_verdict(w, SYNX_DROP(IP6_HBH_ORDER));
			break;
		}
		if (nh == IPPROTO_AH) {
			/* RFC 4302 section 2.2: in 32-bit words, minus 2. */
			len = ((__u32)h[1] + 2) * 4;
			w->ah = 1;
		} else {
			len = ((__u32)h[1] + 1) * 8;
			w->opts = 1;
		}
		/* The whole header first, as the kernel reads it (ipv6_rthdr_rcv()). */
		if (off + len > end) {
			ip6_walk_verdict(w, SYNX_DROP(IP6_EXT_TRUNC));
			break;
		}
		if (nh == IPPROTO_ROUTING && h[3]) {
			/* Segments left: this host is a waypoint, the packet is forwarded. */
			ip6_walk_verdict(w, SYNX_PASS(NOT_LOCAL));
			break;
		}
		nh = h[0];
		off += len;
	}
	w->off = off;
	w->nexthdr = nh;
	return 0;
}

static __always_inline struct synx_verdict parse_ipv6(struct xdp_md *ctx, void *data,
						      void *data_end, struct synx_pkt *p)
{
	struct ipv6hdr *ip6h = data + p->l3_off;
	__u32 off, end;
	__u8 nexthdr;

	if ((void *)(ip6h + 1) > data_end || ip6h->version != 6)
		return SYNX_DROP(IP6_TRUNC);
	off = p->l3_off + sizeof(*ip6h);
	end = off + bpf_ntohs(ip6h->payload_len);
	if (end > p->frame_len)
		return SYNX_DROP(IP6_PAYLEN);
	nexthdr = ip6h->nexthdr;
	p->tos = (bpf_ntohs(*(__be16 *)ip6h) >> 4) & 0xff;

	if (nexthdr != IPPROTO_TCP) {
		struct synx_ip6_walk w = { .off = off, .end = end, .nexthdr = nexthdr };

		synx_ip6_walk(ctx, &w);
		if (w.action != SYNX_CONTINUE)
			return (struct synx_verdict){ w.action, w.reason };
		off = w.off;
		nexthdr = w.nexthdr;
		p->frag = w.frag;
		p->frag_off = w.frag_off;
		p->ah = w.ah;
		p->ipopts = w.opts;
	}

	p->ip_proto = nexthdr;
	if (nexthdr != IPPROTO_TCP)
		return SYNX_PASS(NON_TCP);
	if (ipv6_is_martian_src(&ip6h->saddr))
		return SYNX_DROP(MARTIAN_SRC6);
	if (ipv6_addr_equal(&ip6h->saddr, &ip6h->daddr))
		return SYNX_DROP(LAND);
	if (off > end || off > SYNX_L4_OFF_MAX)
		return SYNX_DROP(IP6_EXT_TRUNC);
	/*
	 * A no-op that bounds this very register for the verifier: a compare
	 * may be compiled into a test of another copy, and the barrier keeps
	 * clang from dropping the mask it can prove redundant.
	 */
	barrier_var(off);
	off &= SYNX_L4_OFF_MAX;

	p->ipv6 = 1;
	p->l4_off = off;
	p->seg_len = end - off;
	return SYNX_NEXT;
}

/* Flag combinations no TCP stack sends (RFC 9293 section 3.1 and scans). */
static __always_inline struct synx_verdict tcp_check_flags(__u8 flags)
{
	if (!(flags & (TCP_FLAG_FIN | TCP_FLAG_SYN | TCP_FLAG_RST | TCP_FLAG_PSH | TCP_FLAG_ACK |
		       TCP_FLAG_URG)))
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

static __always_inline struct synx_verdict parse_tcp(void *data, void *data_end, struct synx_pkt *p)
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
	p->res1 = ((__u8 *)th)[12] & 0x0f;
	v = tcp_check_flags(p->flags);
	if (synx_decided(v))
		return v;

	/* Other first fragments go on, to be judged as the whole segment would be. */
	if (first && (p->flags & TCP_FLAG_SYN))
		return SYNX_DROP(FRAG_SYN);
	return SYNX_NEXT;
}

/*
 * Ethernet and IP, for a frame at [data, data_end) of p->frame_len bytes:
 * a verdict for what is malformed or not TCP, else SYNX_NEXT with the
 * offsets filled in.
 */
static __always_inline struct synx_verdict synx_parse_ip(struct xdp_md *ctx, void *data,
							 void *data_end, struct synx_pkt *p)
{
	struct synx_verdict v;
	__be16 proto;

	v = parse_eth(data, data_end, p, &proto);
	if (synx_decided(v))
		return v;
	if (proto == bpf_htons(ETH_P_IP))
		return parse_ipv4(data, data_end, p);
	return parse_ipv6(ctx, data, data_end, p);
}

#endif /* SYNX_BPF_PARSING_H */
