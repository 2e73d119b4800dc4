// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The bounds synx is measured against, and a pass-through for the
 * scenarios where the kernel itself answers.
 *
 *  bench_reflect  answers a SYN with a SYN-ACK built in place, without a
 *                 cookie, a socket lookup or an option walk: what answering
 *                 costs at the least (parse, swap, incremental checksums,
 *                 XDP_TX).  Other TCP is dropped.
 *  bench_drop     parses as far as the TCP flags and drops TCP: the least
 *                 an XDP program can do about a packet.
 *  bench_lookup   reflect-only for a SYN, drop-only for anything else, after
 *                 asking the socket table who owns the 4-tuple
 *                 (bpf_skc_lookup_tcp(), the answer unused): the least a
 *                 defence pays that never answers a segment a socket owns.
 *                 Under a spoofed flood every tuple probes a cold bucket of
 *                 the established hash; this measures that probe.
 *  bench_pass     XDP_PASS; on the DUT end it only keeps veth's NAPI (and
 *                 so the delivery of the generator's XDP frames) running.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TCP_FLAG_WORD_SYN bpf_htonl(0x00020000)

/* The TCP header, or NULL; *v6 says which IP version carried it. */
static __always_inline struct tcphdr *parse_tcp(void *data, void *data_end, void **l3, int *v6)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return NULL;
	*l3 = eth + 1;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = *l3;
		struct tcphdr *th;

		if ((void *)(iph + 1) > data_end || iph->protocol != IPPROTO_TCP)
			return NULL;
		th = (void *)iph + iph->ihl * 4;
		*v6 = 0;
		return (void *)(th + 1) > data_end ? NULL : th;
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = *l3;
		struct tcphdr *th = (void *)(ip6h + 1);

		if ((void *)(th + 1) > data_end || ip6h->nexthdr != IPPROTO_TCP)
			return NULL;
		*v6 = 1;
		return th;
	}
	return NULL;
}

static __always_inline __u16 csum_replace32(__u16 check, __u32 from, __u32 to)
{
	__u32 s = (__u16)~check + (__u16) ~(from & 0xffff) + (__u16) ~(from >> 16) + (to & 0xffff) +
		  (to >> 16);

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return ~s;
}

/* The SYN at @th turned into a SYN-ACK in place. */
static __always_inline int reflect(struct ethhdr *eth, void *l3, int v6, struct tcphdr *th)
{
	__u8 mac[ETH_ALEN];
	__u32 old_seq, old_ack, old_flags, new_ack;

	__builtin_memcpy(mac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, mac, ETH_ALEN);
	if (v6) {
		struct ipv6hdr *ip6h = l3;
		struct in6_addr a = ip6h->saddr;

		ip6h->saddr = ip6h->daddr;
		ip6h->daddr = a;
		ip6h->hop_limit = 64;
	} else {
		struct iphdr *iph = l3;
		__u32 a = iph->saddr;

		iph->saddr = iph->daddr;
		iph->daddr = a;
		/* TTL shares a 16-bit word with the protocol. */
		iph->check = csum_replace32(iph->check, iph->ttl << 8, 64 << 8);
		iph->ttl = 64;
	}
	/* Swaps leave the one's-complement sums alone; seq, ack and flags do not. */
	__u16 p = th->source;
	th->source = th->dest;
	th->dest = p;
	old_seq = th->seq;
	old_ack = th->ack_seq;
	old_flags = ((__u32 *)th)[3];
	new_ack = bpf_htonl(bpf_ntohl(old_seq) + 1);
	th->ack_seq = new_ack;
	th->seq = bpf_htonl(0x12345678); /* no cookie: a constant ISN */
	th->ack = 1;
	th->check = csum_replace32(th->check, old_seq, th->seq);
	th->check = csum_replace32(th->check, old_ack, new_ack);
	th->check = csum_replace32(th->check, old_flags, ((__u32 *)th)[3]);
	return XDP_TX;
}

SEC("xdp")
int bench_reflect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct tcphdr *th;
	void *l3;
	int v6;

	th = parse_tcp(data, data_end, &l3, &v6);
	if (!th)
		return XDP_PASS;
	if (!th->syn || th->ack)
		return XDP_DROP;
	return reflect(data, l3, v6, th);
}

SEC("xdp")
int bench_lookup(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;
	struct tcphdr *th;
	__u32 len;
	void *l3;
	int v6;

	th = parse_tcp(data, data_end, &l3, &v6);
	if (!th)
		return XDP_PASS;
	if (v6) {
		struct ipv6hdr *ip6h = l3;

		__builtin_memcpy(t.ipv6.saddr, &ip6h->saddr, sizeof(t.ipv6.saddr));
		__builtin_memcpy(t.ipv6.daddr, &ip6h->daddr, sizeof(t.ipv6.daddr));
		t.ipv6.sport = th->source;
		t.ipv6.dport = th->dest;
		len = sizeof(t.ipv6);
	} else {
		struct iphdr *iph = l3;

		t.ipv4.saddr = iph->saddr;
		t.ipv4.daddr = iph->daddr;
		t.ipv4.sport = th->source;
		t.ipv4.dport = th->dest;
		len = sizeof(t.ipv4);
	}
	sk = bpf_skc_lookup_tcp(ctx, &t, len, BPF_F_CURRENT_NETNS, 0);
	if (sk)
		bpf_sk_release(sk);
	if (!th->syn || th->ack)
		return XDP_DROP;
	return reflect(data, l3, v6, th);
}

SEC("xdp")
int bench_drop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	void *l3;
	int v6;

	return parse_tcp(data, data_end, &l3, &v6) ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int bench_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
