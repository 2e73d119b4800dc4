/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Whose packet is it?  synx only answers for what this host's stack would
 * itself deliver to a local socket: tcp_v4_rcv() / tcp_v6_rcv() drop what
 * is not PACKET_HOST, and tcp_v4_conn_request() drops SYNs whose route is
 * broadcast or multicast (RFC 1122 sections 3.3.6 and 4.2.3.10).  Anything
 * else passes untouched, so that bridges, macvlan, captures and routers
 * keep working:
 *
 *  - a frame not addressed to the ingress device's MAC (broadcast,
 *    multicast, another host's), before anything else looks at it;
 *  - an IP destination that is not a unicast address of the namespace
 *    (weak host model, kstate.h): forwarded traffic, subnet broadcasts,
 *    multicast, the limited broadcast, unspecified and loopback addresses.
 *
 * On a device that forwards, the destination is decided right after the IP
 * header, before any TCP check, so forwarded segments are never touched;
 * on one that does not, the kernel drops what is not local anyway, and
 * the address lookup waits until a SYN or ACK to a protected port finds a
 * listener or no socket at all: a segment an established socket owns is
 * local by construction, and established traffic pays nothing for this.
 * Without BTF access to the device, synx cannot tell and answers any
 * destination a listener matches (`synx status` says so).
 */
#ifndef SYNX_BPF_OWNER_H
#define SYNX_BPF_OWNER_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include "synx_config.h"
#include "verdict.h"
#include "parsing.h"
#include "kstate.h"

/* What one packet's decision carries besides the frame. */
struct synx_ctx {
	struct xdp_md *xdp;
	const struct synx_config *cfg;
	struct net_device *dev; /* the ingress device, NULL without BTF access */
	__u32 feat;             /* SYNX_K_*: what this kernel lets us read */
	__u8 dst_checked;       /* owner_dst() already ran */
	__u8 not_local;         /* ... and found the destination is not this host's */
	__u8 csum_ok;           /* the TCP checksum was verified (gateway mode, gw_mark6()) */
	/* Gateway mode: the protected destination this host forwards the segment to. */
	const struct synx_gw_backend *gw;
};

/* Monitor only (SYNX_F_MONITOR): decide and count, but touch nothing. */
static __always_inline int synx_monitor(const struct synx_ctx *sx)
{
	return sx->cfg->flags & SYNX_F_MONITOR;
}

static __always_inline struct synx_verdict owner_frame(const struct synx_ctx *sx, void *data,
						       void *data_end)
{
	struct ethhdr *eth = data;

	/* A frame too short for a MAC is malformed: the parser drops it. */
	if (!sx->dev || (void *)(eth + 1) > data_end)
		return SYNX_NEXT;
	return kdev_frame_is_host(sx->dev, eth) ? SYNX_NEXT : SYNX_PASS(NOT_HOST);
}

/* Addresses that are never a unicast address of this host. */
static __always_inline int ipv4_dst_never_local(__be32 addr)
{
	__u32 a = bpf_ntohl(addr);

	return (a >> 24) == 0 ||   /* 0.0.0.0/8, "this network" */
	       (a >> 24) == 127 || /* loopback: the kernel's martian destination */
	       (a >> 28) == 0xe || /* 224.0.0.0/4 multicast */
	       a == 0xffffffff;    /* limited broadcast */
}

static __always_inline int ipv6_dst_never_local(const struct in6_addr *a)
{
	if (a->in6_u.u6_addr8[0] == 0xff) /* multicast */
		return 1;
	if (a->in6_u.u6_addr32[0] | a->in6_u.u6_addr32[1] | a->in6_u.u6_addr32[2])
		return 0;
	/* :: and ::1 */
	return !a->in6_u.u6_addr32[3] || a->in6_u.u6_addr32[3] == bpf_htonl(1);
}

/*
 * Is the IP destination of the frame, whose IP header starts @l3_off
 * bytes in, a unicast address of this host?  1 yes, 0 no, -1 on error.
 *
 * A global function on purpose: the verifier checks it once, on its own;
 * inlined, its bounded walks would be re-verified along every path that
 * reaches them, past the 1M-instruction limit.
 */
__noinline int synx_dst_is_local(struct xdp_md *ctx, __u32 l3_off, __u32 ipv6)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 feat = kstate_feat();
	struct net_device *dev = kdev_of(ctx, feat);
	struct synx_state *st = kstate();

	if (!dev)
		return 1;
	if (l3_off > SYNX_L3_OFF_MAX)
		return -1;
	if (ipv6) {
		struct ipv6hdr *ip6h = data + l3_off;
		__u32 a[4];

		if ((void *)(ip6h + 1) > data_end)
			return -1;
		if (ipv6_dst_never_local(&ip6h->daddr))
			return 0;
		__builtin_memcpy(a, &ip6h->daddr, sizeof(a));
		return klocal6(dev, a, feat, st);
	} else {
		struct iphdr *iph = data + l3_off;

		if ((void *)(iph + 1) > data_end)
			return -1;
		if (ipv4_dst_never_local(iph->daddr))
			return 0;
		return klocal4(dev, iph->daddr, feat, st);
	}
}

/*
 * The destination, once per packet: SYNX_NEXT when it is this host's.  The
 * ingress device's first address is compared inline; anything else goes
 * through the namespace's address table (synx_dst_is_local()).
 */
static __always_inline struct synx_verdict owner_dst(struct synx_ctx *sx, const struct synx_pkt *p)
{
	void *data = (void *)(long)sx->xdp->data;
	void *data_end = (void *)(long)sx->xdp->data_end;
	int local;

	if (sx->dst_checked || !sx->dev)
		return SYNX_NEXT;
	sx->dst_checked = 1;
	if (p->ipv6) {
		struct ipv6hdr *ip6h = data + p->l3_off;

		if ((void *)(ip6h + 1) <= data_end &&
		    kdev_first_addr6(sx->dev, ip6h->daddr.in6_u.u6_addr32))
			return SYNX_NEXT;
	} else {
		struct iphdr *iph = data + p->l3_off;

		if ((void *)(iph + 1) <= data_end && kdev_first_addr4(sx->dev, iph->daddr))
			return SYNX_NEXT;
	}
	local = synx_dst_is_local(sx->xdp, p->l3_off, p->ipv6);
	if (local < 0)
		return SYNX_PASS(ERROR);
	sx->not_local = !local;
	return local ? SYNX_NEXT : SYNX_PASS(NOT_LOCAL);
}

/* On a forwarding device, settle the destination before any TCP check. */
static __always_inline struct synx_verdict owner_forwarded(struct synx_ctx *sx,
							   const struct synx_pkt *p)
{
	if (!sx->dev || !kdev_forwards(sx->dev, p->ipv6))
		return SYNX_NEXT;
	return owner_dst(sx, p);
}

/*
 * Look up whoever owns the segment's 4-tuple in the device's netns; @ctx is
 * an XDP or a tc context, [data, data_end) its frame.
 */
static __always_inline struct bpf_sock *tcp_lookup(void *ctx, void *data, void *data_end,
						   const struct synx_pkt *p, __be16 sport,
						   __be16 dport)
{
	struct bpf_sock_tuple t = {};

	if (p->ipv6) {
		struct ipv6hdr *ip6h = data + p->l3_off;

		if ((void *)(ip6h + 1) > data_end)
			return NULL;
		__builtin_memcpy(t.ipv6.saddr, &ip6h->saddr, sizeof(t.ipv6.saddr));
		__builtin_memcpy(t.ipv6.daddr, &ip6h->daddr, sizeof(t.ipv6.daddr));
		t.ipv6.sport = sport;
		t.ipv6.dport = dport;
		return (struct bpf_sock *)bpf_skc_lookup_tcp(ctx, &t, sizeof(t.ipv6),
							     BPF_F_CURRENT_NETNS, 0);
	} else {
		struct iphdr *iph = data + p->l3_off;

		if ((void *)(iph + 1) > data_end)
			return NULL;
		t.ipv4.saddr = iph->saddr;
		t.ipv4.daddr = iph->daddr;
		t.ipv4.sport = sport;
		t.ipv4.dport = dport;
		return (struct bpf_sock *)bpf_skc_lookup_tcp(ctx, &t, sizeof(t.ipv4),
							     BPF_F_CURRENT_NETNS, 0);
	}
}

/* The listener as BTF, when this kernel lets us read it. */
static __always_inline struct tcp_sock *listener_btf(const struct synx_ctx *sx, struct bpf_sock *sk)
{
	if ((sx->feat & (SYNX_K_LISTENER | SYNX_K_SYSCTL)) != (SYNX_K_LISTENER | SYNX_K_SYSCTL))
		return NULL;
	return bpf_skc_to_tcp_sock(sk);
}

static __always_inline struct net *listener_net(const struct tcp_sock *tp)
{
	return tp->inet_conn.icsk_inet.sk.__sk_common.skc_net.net;
}

#endif /* SYNX_BPF_OWNER_H */
