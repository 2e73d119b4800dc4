// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The generator-side end of the veth pair.  Two jobs:
 *  - veth hands XDP frames (the generator's and the DUT's XDP_TX) only to an
 *    end whose NAPI runs, which an attached XDP program ensures;
 *  - count the DUT's replies to spoofed sources, verify their checksums
 *    (every one, or one in csum_every), and drop them there.  Everything
 *    else (real clients' traffic) goes to the stack.
 *
 * A kernel-built reply leaves veth with CHECKSUM_PARTIAL: its TCP checksum
 * field holds the folded pseudo-header sum, to be completed by "hardware".
 * That is counted apart from a wrong checksum.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bench.h"

const volatile __u32 csum_every = 1; /* verify one reply in N (N >= 1) */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, __SINK_SLOT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} sink_stats SEC(".maps");

#define TCP_HDR_MAX 60
/*
 * Replies are bare headers, but a server's data segment to a spoofed
 * address happens too: when a random ACK of a flood passes as a valid own
 * cookie (2^-22 per ACK, by design), the connection it creates gets the
 * server's byte and FIN.  Segments shorter than this are verified whole.
 */
#define SEG_MAX 124

static __always_inline void bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&sink_stats, &slot);

	if (v)
		*v += 1;
}

static __always_inline __u16 fold(__u64 s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return s;
}

/*
 * @pseudo: the pseudo-header sum.  Returns the slot: OK, PARTIAL or BAD.
 * The TCP header is copied to the stack so that bpf_csum_diff() gets a
 * bounded, verifier-friendly length.
 */
static __always_inline __u32 tcp_csum_class(struct xdp_md *ctx, __u32 l4_off, __u32 seg_len,
					    __u64 pseudo, __u16 check)
{
	__u32 buf[128 / 4] = {}; /* room for any length the masks below allow */
	__u64 len, words;
	__s64 s;

	if (seg_len >= SEG_MAX)
		return SINK_CSUM_BAD;
	/*
	 * Masked in asm so that clang cannot drop the mask: the verifier must
	 * see the length bounded in the register it is passed in.
	 */
	len = seg_len; /* 64-bit: no zero-extension copy for clang to compare instead */
	asm volatile("%[v] &= 127" : [v] "+r"(len));
	if (len < sizeof(struct tcphdr) || bpf_xdp_load_bytes(ctx, l4_off, buf, len))
		return SINK_CSUM_BAD;
	/* The zeroed tail pads an odd length, as the checksum's definition does. */
	words = (len + 3) & ~3U; /* <= SEG_MAX: len < SEG_MAX, a multiple of 4 */
	asm volatile("%[v] &= 127" : [v] "+r"(words));
	s = bpf_csum_diff(NULL, 0, (__be32 *)buf, words, 0);
	if (s < 0)
		return SINK_CSUM_BAD;
	if (fold(pseudo + (__u32)s) == 0xffff)
		return SINK_CSUM_OK;
	if (fold(pseudo) == check)
		return SINK_CSUM_PARTIAL;
	return SINK_CSUM_BAD;
}

static __always_inline __u64 sum16(const void *p, int words)
{
	const __u16 *w = p;
	__u64 s = 0;
	int i;

#pragma unroll
	for (i = 0; i < words; i++)
		s += w[i];
	return s;
}

SEC("xdp")
int bench_sink(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 l4_off, seg_len, slot;
	struct tcphdr *th;
	__u64 pseudo;
	int v6;

	bump(SINK_RX);
	if ((void *)(eth + 1) > data_end)
		goto pass;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = (void *)(eth + 1);

		if ((void *)(iph + 1) > data_end || iph->protocol != IPPROTO_TCP || iph->ihl != 5)
			goto pass;
		if ((bpf_ntohl(iph->daddr) & BENCH_SPOOF4_MASK) != BENCH_SPOOF4_NET)
			goto pass;
		v6 = 0;
		l4_off = sizeof(*eth) + sizeof(*iph);
		seg_len = bpf_ntohs(iph->tot_len) - sizeof(*iph);
		/* The IPv4 header checksum first: a wrong one is a bad reply too. */
		if (fold(sum16(iph, sizeof(*iph) / 2)) != 0xffff)
			seg_len = 0; /* classified BAD below */
		pseudo = sum16(&iph->saddr, 4) + bpf_htons(IPPROTO_TCP) + bpf_htons(seg_len);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = (void *)(eth + 1);

		if ((void *)(ip6h + 1) > data_end || ip6h->nexthdr != IPPROTO_TCP)
			goto pass;
		if (ip6h->daddr.in6_u.u6_addr32[0] != bpf_htonl(0xfd000000) ||
		    ip6h->daddr.in6_u.u6_addr32[1] != bpf_htonl(1))
			goto pass;
		v6 = 1;
		l4_off = sizeof(*eth) + sizeof(*ip6h);
		seg_len = bpf_ntohs(ip6h->payload_len);
		pseudo = sum16(&ip6h->saddr, 16) + bpf_htons(IPPROTO_TCP) + bpf_htons(seg_len);
	} else {
		goto pass;
	}

	th = data + l4_off;
	if ((void *)(th + 1) > data_end) {
		bump(SINK_OTHER);
		return XDP_DROP;
	}
	if (th->syn && th->ack)
		bump(v6 ? SINK_SYNACK6 : SINK_SYNACK4);
	else if (th->rst)
		bump(SINK_RST);
	else
		bump(SINK_OTHER);

	if (csum_every > 1 && bpf_get_prandom_u32() % csum_every)
		return XDP_DROP;
	bump(SINK_CSUM_CHECKED);
	slot = tcp_csum_class(ctx, l4_off, seg_len, pseudo, th->check);
	bump(slot);
	return XDP_DROP;
pass:
	bump(SINK_PASSED);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
