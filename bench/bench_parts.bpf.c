// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Pieces of synx's SYN and ACK paths, one per program, for the
 * micro-benchmark's "part-" rows: what one clock read, one socket lookup,
 * the kernel's cookie (issue and check) and one SipHash-2-4 of a flow cost
 * on this machine, on the same frames as synx's rows.  They answer the
 * questions the stage rows cannot, because synx takes these steps together:
 * what does own mode pay for asking the kernel's cookie only to learn its
 * policy, what does its MAC cost, what does a clock read cost in this VM.
 * The part_deliver* programs time the delivery checks of bpf/owner.h the
 * same way: the destination MAC against the ingress device's, the device's
 * forwarding flag, one probe of the namespace's address table, and the
 * three together as synx makes them for a SYN to a local address.
 *
 * Each program only reads the frame and returns XDP_PASS (so direct runs
 * are valid too); results go to a global so that nothing is optimised away.
 * IPv4 frames with a 20-byte IP header only (the delivery pieces take IPv6
 * too); anything else is XDP_ABORTED, which the harness reports as a
 * mismatch.  synx's headers are included read-only; their maps come along
 * but belong to this object (bench_micro loads it unpinned).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "siphash.h" /* synx's own, read-only: the MAC of its cookies */
#include "owner.h"   /* synx's own, read-only: the delivery checks */

__u64 sink;
const volatile __u64 key[2] = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };

struct frame4 {
	struct iphdr *iph;
	struct tcphdr *th;
};

static __always_inline int frame4(struct xdp_md *ctx, struct frame4 *f)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return -1;
	f->iph = (void *)(eth + 1);
	if ((void *)(f->iph + 1) > data_end || f->iph->ihl != 5 || f->iph->protocol != IPPROTO_TCP)
		return -1;
	f->th = (void *)(f->iph + 1);
	if ((void *)(f->th + 1) > data_end)
		return -1;
	return 0;
}

/* bpf_skc_lookup_tcp() as synx calls it (BPF_F_CURRENT_NETNS); NULL on a miss. */
static __always_inline struct bpf_sock *lookup4(struct xdp_md *ctx, const struct frame4 *f)
{
	struct bpf_sock_tuple t = {};

	t.ipv4.saddr = f->iph->saddr;
	t.ipv4.daddr = f->iph->daddr;
	t.ipv4.sport = f->th->source;
	t.ipv4.dport = f->th->dest;
	return (struct bpf_sock *)bpf_skc_lookup_tcp(ctx, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS,
						     0);
}

/* One precise clock read (bpf_ktime_get_ns: kvm-clock in this VM). */
SEC("xdp")
int part_clock(struct xdp_md *ctx)
{
	sink += bpf_ktime_get_ns();
	return XDP_PASS;
}

/* One coarse clock read (bpf_ktime_get_coarse_ns: no clocksource access). */
SEC("xdp")
int part_clock_coarse(struct xdp_md *ctx)
{
	sink += bpf_ktime_get_coarse_ns();
	return XDP_PASS;
}

/* The socket lookup: for a SYN, a miss in the established hash then the listener. */
SEC("xdp")
int part_lookup(struct xdp_md *ctx)
{
	struct bpf_sock *sk;
	struct frame4 f;

	if (frame4(ctx, &f))
		return XDP_ABORTED;
	sk = lookup4(ctx, &f);
	if (!sk)
		return XDP_ABORTED;
	sink += sk->state;
	bpf_sk_release(sk);
	return XDP_PASS;
}

/*
 * The lookup, then the kernel's cookie for this SYN (bpf_tcp_gen_syncookie:
 * the policy check and, under tcp_syncookies=2, the cookie's two hashes).
 * Minus part_lookup: what own mode pays per SYN to learn the kernel's policy.
 */
SEC("xdp")
int part_lookup_kcookie(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct bpf_sock *sk;
	struct frame4 f;
	__s64 c;

	if (frame4(ctx, &f) || f.th->doff != 10 || (void *)f.th + 40 > data_end)
		return XDP_ABORTED; /* Linux SYN options: 40-byte header */
	sk = lookup4(ctx, &f);
	if (!sk)
		return XDP_ABORTED;
	c = bpf_tcp_gen_syncookie(sk, f.iph, sizeof(*f.iph), f.th, 40);
	bpf_sk_release(sk);
	if (c < 0)
		return XDP_ABORTED;
	sink += c;
	return XDP_PASS;
}

/* The lookup, then the kernel's check of the ACK's cookie (bpf_tcp_check_syncookie). */
SEC("xdp")
int part_lookup_kcheck(struct xdp_md *ctx)
{
	struct bpf_sock *sk;
	struct frame4 f;
	long err;

	if (frame4(ctx, &f))
		return XDP_ABORTED;
	sk = lookup4(ctx, &f);
	if (!sk)
		return XDP_ABORTED;
	err = bpf_tcp_check_syncookie(sk, f.iph, sizeof(*f.iph), f.th, sizeof(*f.th));
	bpf_sk_release(sk);
	sink += err;
	return XDP_PASS;
}

/*
 * synx's MAC of an IPv4 own cookie: SipHash-2-4 over the same three words
 * (addresses, ports and ISN, clock count and metadata) as cookie_own.h.
 */
SEC("xdp")
int part_siphash4(struct xdp_md *ctx)
{
	__u64 k[2] = { key[0], key[1] };
	struct siphash s;
	struct frame4 f;

	if (frame4(ctx, &f))
		return XDP_ABORTED;
	sip_init(&s, k);
	sip_word(&s, (__u64)f.iph->saddr << 32 | f.iph->daddr);
	sip_word(&s, (__u64)f.th->source << 48 | (__u64)f.th->dest << 32 | f.th->seq);
	sip_word(&s, (__u64)(sink & 0xffffffff) << 32 | 0x1234);
	sink += sip_final(&s) >> 42;
	return XDP_PASS;
}

/* ------------------------------------------------ the delivery checks */

static __always_inline int frame_is_ipv6(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return -1;
	return eth->h_proto == bpf_htons(ETH_P_IPV6);
}

/* The ingress device and the frame's MAC against its own (owner_frame()): every frame pays it. */
SEC("xdp")
int part_deliver_mac(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct net_device *dev = kdev_of(ctx, kstate_feat());
	struct ethhdr *eth = data;

	if (!dev || (void *)(eth + 1) > data_end || !kdev_frame_is_host(dev, eth))
		return XDP_ABORTED;
	return XDP_PASS;
}

/* The ingress device and its forwarding flag (owner_forwarded()): every IP frame pays it. */
SEC("xdp")
int part_deliver_fwd_flag(struct xdp_md *ctx)
{
	struct net_device *dev = kdev_of(ctx, kstate_feat());
	int ipv6 = frame_is_ipv6(ctx);

	if (!dev || ipv6 < 0)
		return XDP_ABORTED;
	sink += kdev_forwards(dev, ipv6);
	return XDP_PASS;
}

/*
 * One lookup of the destination in the namespace's address table
 * (synx_dst_is_local(), once the table's hash function is learnt): what a
 * SYN or ACK that finds a listener, or no socket, pays.  Must find it.
 */
SEC("xdp")
int part_deliver_addr(struct xdp_md *ctx)
{
	int ipv6 = frame_is_ipv6(ctx);

	if (ipv6 < 0 || synx_dst_is_local(ctx, sizeof(struct ethhdr), ipv6) != 1)
		return XDP_ABORTED;
	return XDP_PASS;
}

/*
 * All of it, in synx's order, for a SYN to a local address on a device
 * that does not forward: the MAC, the forwarding flag, the address.  Its
 * budget is 15 ns (the report's stage table says whether it holds).
 */
SEC("xdp")
int part_deliver(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct net_device *dev = kdev_of(ctx, kstate_feat());
	struct ethhdr *eth = data;
	int ipv6;

	if (!dev || (void *)(eth + 1) > data_end || !kdev_frame_is_host(dev, eth))
		return XDP_ABORTED;
	ipv6 = eth->h_proto == bpf_htons(ETH_P_IPV6);
	if (kdev_forwards(dev, ipv6))
		return XDP_ABORTED; /* the early check's device: not this piece */
	if (synx_dst_is_local(ctx, sizeof(struct ethhdr), ipv6) != 1)
		return XDP_ABORTED;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
