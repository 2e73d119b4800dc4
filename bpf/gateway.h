/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gateway mode: the owner of a segment is a destination this host forwards
 * to, one of the synx_gateway prefixes, and the connection is completed by
 * netfilter's SYNPROXY on this host (nft_synproxy.c, nf_synproxy_core.c),
 * not by a local listener.  synx answers the SYN in the destination's name
 * with the cookie SYNPROXY checks, and kills forged ACKs before conntrack
 * sees them:
 *
 *  - the cookie is the kernel's raw one, bpf_tcp_raw_gen_syncookie_ipv4/6():
 *    __cookie_v4/6_init_sequence() on the client's MSS, the same function
 *    SYNPROXY's synproxy_send_client_synack() uses, with the same secret
 *    (syncookie_secret is global), so SYNPROXY's __cookie_v4/6_check()
 *    accepts the ACK;
 *  - the other options ride in our TSval the way SYNPROXY reads them back
 *    (synproxy_check_timestamp_cookie()): the client's window shift in the
 *    low 4 bits (0xf: none), SACK-permitted in bit 4, ECN in bit 5.  So, as
 *    with every SYNPROXY, a client that sends no timestamps gets MSS only;
 *  - the SYN-ACK announces the backend's MSS and shift and a zero window,
 *    as synproxy_send_client_synack() does: the client waits for the
 *    window update SYNPROXY sends once the backend has answered;
 *  - a segment of a connection conntrack has confirmed is the backend's
 *    business and passes (bpf_xdp_ct_lookup(), as the kernel's own
 *    xdp_synproxy sample does); any other ACK must carry a valid cookie.
 *
 * GPL-2.0-only: the raw cookie helpers are GPL-only.
 */
#ifndef SYNX_BPF_GATEWAY_H
#define SYNX_BPF_GATEWAY_H

#include <linux/bpf.h>
#include <linux/errno.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "synx_config.h"
#include "maps.h"
#include "parsing.h"
#include "ktypes.h"
#include "tcp_opts.h"

/* The kernel's struct bpf_ct_opts (net/netfilter/nf_conntrack_bpf.c); it checks the size. */
struct bpf_ct_opts___synx {
	__s32 netns_id;
	__s32 error;
	__u8 l4proto;
	__u8 dir;
	__u8 reserved[2];
};

extern struct nf_conn *bpf_xdp_ct_lookup(struct xdp_md *xdp_ctx, struct bpf_sock_tuple *tuple,
					 __u32 tuple__sz, struct bpf_ct_opts___synx *opts,
					 __u32 opts__sz) __ksym __weak;
extern void bpf_ct_release(struct nf_conn *ct) __ksym __weak;

#define GW_IPS_CONFIRMED (1UL << 3) /* IPS_CONFIRMED_BIT */
#define GW_CT_CURRENT_NETNS (-1)    /* BPF_F_CURRENT_NETNS */

/* SYNPROXY's timestamp cookie bits (synproxy_init_timestamp_cookie()). */
#define GW_TS_WSCALE_NONE 0xf
#define GW_TS_SACK (1U << 4)
#define GW_TS_ECN (1U << 5)

/* The gateway entry covering the frame's destination, or NULL. */
static __always_inline const struct synx_gw_backend *gw_backend(struct xdp_md *ctx,
								const struct synx_pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct synx_gw_key k = {};

	if (p->ipv6) {
		struct ipv6hdr *ip6h = data + p->l3_off;

		if ((void *)(ip6h + 1) > data_end)
			return NULL;
		k.prefixlen = 8 + 128;
		k.family = 6;
		__builtin_memcpy(k.addr, &ip6h->daddr, 16);
	} else {
		struct iphdr *iph = data + p->l3_off;

		if ((void *)(iph + 1) > data_end)
			return NULL;
		k.prefixlen = 8 + 32;
		k.family = 4;
		__builtin_memcpy(k.addr, &iph->daddr, 4);
	}
	return bpf_map_lookup_elem(&synx_gateway, &k);
}

/*
 * Does conntrack hold a confirmed connection for this segment's 4-tuple?
 * 1 yes, 0 no, -1 when it cannot be asked (no conntrack in this kernel:
 * then SYNPROXY cannot run either).
 */
static __always_inline int gw_conntrack_confirmed(struct xdp_md *ctx, const struct synx_pkt *p,
						  __be16 sport, __be16 dport)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct bpf_ct_opts___synx opts = { .netns_id = GW_CT_CURRENT_NETNS,
					   .l4proto = IPPROTO_TCP };
	struct bpf_sock_tuple t = {};
	struct nf_conn *ct;
	__u32 size;

	/* Without conntrack there is no SYNPROXY either: the kernel decides. */
	if (!bpf_xdp_ct_lookup || !bpf_ct_release || !bpf_core_field_exists(struct nf_conn, status))
		return -1;
	if (p->ipv6) {
		struct ipv6hdr *ip6h = data + p->l3_off;

		if ((void *)(ip6h + 1) > data_end)
			return -1;
		__builtin_memcpy(t.ipv6.saddr, &ip6h->saddr, sizeof(t.ipv6.saddr));
		__builtin_memcpy(t.ipv6.daddr, &ip6h->daddr, sizeof(t.ipv6.daddr));
		t.ipv6.sport = sport;
		t.ipv6.dport = dport;
		size = sizeof(t.ipv6);
	} else {
		struct iphdr *iph = data + p->l3_off;

		if ((void *)(iph + 1) > data_end)
			return -1;
		t.ipv4.saddr = iph->saddr;
		t.ipv4.daddr = iph->daddr;
		t.ipv4.sport = sport;
		t.ipv4.dport = dport;
		size = sizeof(t.ipv4);
	}
	ct = bpf_xdp_ct_lookup(ctx, &t, size, &opts, sizeof(opts));
	if (ct) {
		unsigned long status = ct->status;

		bpf_ct_release(ct);
		return !!(status & GW_IPS_CONFIRMED);
	}
	return opts.error == -ENOENT ? 0 : -1;
}

/* 0 when the ACK at @p carries a cookie SYNPROXY will accept. */
static __always_inline int gw_cookie_check(struct xdp_md *ctx, const struct synx_pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct tcphdr *th = data + p->l4_off;
	void *l3 = data + p->l3_off;

	if ((void *)(th + 1) > data_end)
		return -1;
	if (p->ipv6) {
		if (l3 + sizeof(struct ipv6hdr) > data_end)
			return -1;
		return bpf_tcp_raw_check_syncookie_ipv6(l3, th) ? -1 : 0;
	}
	if (l3 + sizeof(struct iphdr) > data_end)
		return -1;
	return bpf_tcp_raw_check_syncookie_ipv4(l3, th) ? -1 : 0;
}

/*
 * What the SYN-ACK offers for backend @b to the client of SYN @s, and the
 * TSval that carries it: SYNPROXY's nft_synproxy_tcp_options() and
 * synproxy_init_timestamp_cookie(), from its millisecond clock @now_ms.
 */
struct gw_offer {
	__u32 tsval;
	__u8 ts, ws, sack, ecn;
};

/* What the client offered that the entry's backends take (@ecn_setup: it asked for ECN). */
static __always_inline struct gw_offer gw_gate(const struct synx_gw_backend *b,
					       const struct synx_syn *s, int ecn_setup)
{
	struct gw_offer o = {
		.ts = (b->flags & SYNX_GW_TS) && (s->seen & SYN_SEEN_TS),
		.ws = (b->flags & SYNX_GW_WSCALE) && (s->seen & SYN_SEEN_WS),
		.sack = (b->flags & SYNX_GW_SACK) && (s->seen & SYN_SEEN_SACK),
		.ecn = (b->flags & SYNX_GW_ECN) && ecn_setup,
	};
	return o;
}

static __always_inline struct gw_offer gw_offer(const struct synx_gw_backend *b,
						const struct synx_syn *s, int ecn_setup,
						__u32 now_ms)
{
	struct gw_offer o = gw_gate(b, s, ecn_setup), none = {};

	if (!o.ts)
		return none; /* MSS only: the other options ride in the timestamp */
	o.tsval = (now_ms & ~0x3fU) |
		  (o.ws ? (s->wscale < TCP_MAX_WSCALE ? s->wscale : TCP_MAX_WSCALE)
			: GW_TS_WSCALE_NONE) |
		  (o.sack ? GW_TS_SACK : 0) | (o.ecn ? GW_TS_ECN : 0);
	return o;
}

#endif /* SYNX_BPF_GATEWAY_H */
