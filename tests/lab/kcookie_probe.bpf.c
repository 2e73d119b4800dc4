// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's own answer to "would you send a cookie for this SYN now?",
 * for tests that hold synx's decision (read from the listener's queues,
 * bpf/kstate.h) against it.
 *
 * Under BPF_PROG_TEST_RUN with a plain Ethernet / IPv4 or IPv6 (no
 * extension headers) / TCP SYN: looks the listener up in the current
 * namespace and calls bpf_tcp_gen_syncookie(), whose -ENOENT means "no
 * cookie": tcp_syncookies=1 with room in the SYN queue, or a full accept
 * queue.  The return value is the verdict: XDP_PASS (2) for a cookie,
 * XDP_DROP (1) for -ENOENT, XDP_ABORTED (0) for anything else (no
 * listener, a malformed frame, another error).
 *
 * GPL-2.0-only: bpf_tcp_gen_syncookie() is a GPL-only helper.
 */
#include <linux/bpf.h>
#include <linux/errno.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("xdp")
int kcookie_probe(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;
	struct tcphdr *th;
	__u8 hdr[64] = {};
	__u32 iph_len, tup_len, thlen;
	void *iph;
	__s64 r;

	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	iph = eth + 1;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip4 = iph;

		if ((void *)(ip4 + 1) > data_end || ip4->ihl != 5 || ip4->protocol != IPPROTO_TCP)
			return XDP_ABORTED;
		t.ipv4.saddr = ip4->saddr;
		t.ipv4.daddr = ip4->daddr;
		iph_len = sizeof(*ip4);
		tup_len = sizeof(t.ipv4);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = iph;

		if ((void *)(ip6 + 1) > data_end || ip6->nexthdr != IPPROTO_TCP)
			return XDP_ABORTED;
		__builtin_memcpy(t.ipv6.saddr, &ip6->saddr, sizeof(t.ipv6.saddr));
		__builtin_memcpy(t.ipv6.daddr, &ip6->daddr, sizeof(t.ipv6.daddr));
		iph_len = sizeof(*ip6);
		tup_len = sizeof(t.ipv6);
	} else {
		return XDP_ABORTED;
	}
	th = iph + iph_len;
	if ((void *)(th + 1) > data_end)
		return XDP_ABORTED;
	thlen = th->doff * 4;
	/*
	 * The helper wants th_len == doff * 4 and the verifier checks its access
	 * at the largest th_len: copy the header where 64 bytes always exist.
	 */
	if (thlen < sizeof(*th) || thlen > 60 ||
	    bpf_xdp_load_bytes(ctx, sizeof(*eth) + iph_len, hdr, thlen))
		return XDP_ABORTED;
	if (tup_len == sizeof(t.ipv4)) {
		t.ipv4.sport = th->source;
		t.ipv4.dport = th->dest;
	} else {
		t.ipv6.sport = th->source;
		t.ipv6.dport = th->dest;
	}
	sk = bpf_skc_lookup_tcp(ctx, &t, tup_len, BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return XDP_ABORTED;
	if (sk->state != BPF_TCP_LISTEN) {
		bpf_sk_release(sk);
		return XDP_ABORTED;
	}
	r = bpf_tcp_gen_syncookie(sk, iph, iph_len, (struct tcphdr *)hdr, thlen);
	bpf_sk_release(sk);
	if (r == -ENOENT)
		return XDP_DROP;
	return r < 0 ? XDP_ABORTED : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
