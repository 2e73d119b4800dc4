// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Traffic generator, run by BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES
 * on the generator's veth: every run writes one frame and returns XDP_TX,
 * which sends it to the peer (the device under test).
 *
 * Live-frame pages are recycled without their contents being reset, and the
 * DUT rewrites frames in place (a SYN becomes a SYN-ACK), so each run copies
 * the whole template back before randomising it.  The template carries zero
 * in every randomised field and checksums computed that way, so the
 * randomised words are simply added to the one's-complement sums.
 *
 * Pacing (gap_ns != 0) spins inside the program under bpf_loop(): pacing from
 * userspace would send ~0.4 ms bursts (one syscall each) that overflow the
 * veth ring of 256 frames.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bench.h"

const volatile __u32 kind = BENCH_SYN4;
const volatile __u64 gap_ns; /* 0: as fast as possible */
const volatile __u64 tmpl[BENCH_TMPL_WORDS];

__u64 next_ns; /* pacing: when the next frame is due */

#define L3_OFF sizeof(struct ethhdr)
#define L4_OFF4 (L3_OFF + sizeof(struct iphdr))
#define L4_OFF6 (L3_OFF + sizeof(struct ipv6hdr))

/* Copy LEN (a compile-time constant) bytes of template: word stores, no loop at run time. */
static __always_inline int put_tmpl(void *data, void *data_end, const int len)
{
	int i;

	if (data + len > data_end)
		return -1;
#pragma unroll
	for (i = 0; i < len / 8; i++)
		((__u64 *)data)[i] = tmpl[i];
	if (len & 4)
		*(__u32 *)(data + (len & ~7)) = (__u32)tmpl[len / 8];
	if (len & 2)
		*(__u16 *)(data + (len & ~3)) = (__u16)(tmpl[len / 8] >> ((len & 4) * 8));
	return 0;
}

/* Add 16-bit words to a checksum field that was computed with them zero. */
static __always_inline __u16 csum_add_fold(__u16 check, __u32 add)
{
	__u32 s = (__u16)~check + add;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return ~s;
}

static __always_inline __u32 words32(__u32 x)
{
	return (x & 0xffff) + (x >> 16);
}

struct spin_ctx {
	__u64 due;
};

static long spin_step(__u64 i, void *arg)
{
	struct spin_ctx *c = arg;

	return bpf_ktime_get_ns() >= c->due; /* 1 stops the loop */
}

static __always_inline void pace(void)
{
	struct spin_ctx c;
	__u64 now = bpf_ktime_get_ns();

	/*
	 * After a stall (the generator preempted on a shared core), catch up by
	 * at most 128 frames, half of veth's ring, then restart the schedule.
	 */
	if (next_ns + 128 * gap_ns < now)
		next_ns = now;
	c.due = next_ns;
	if (now < c.due)
		bpf_loop(1 << 20, spin_step, &c, 0);
	next_ns += gap_ns;
}

/*
 * Live-frame pages come back from the DUT with their xdp_frame rewritten:
 * synx's XDP_TX of a (shorter) SYN-ACK leaves the frame's length at 58 bytes.
 * test_run only rebuilds the frame from our context when the context
 * differs from its original (data, data_meta or data_end moved), so an
 * untouched context would send the next template cut to the DUT's length.
 * Four bytes of metadata keep the context "changed" for good: the frame is
 * then rebuilt from it, at the template's length, on every run.
 */
static __always_inline int keep_ctx_changed(struct xdp_md *ctx)
{
	if (ctx->data_meta == ctx->data)
		return bpf_xdp_adjust_meta(ctx, -4);
	return 0;
}

SEC("xdp")
int bench_gen(struct xdp_md *ctx)
{
	void *data, *data_end;
	__u32 r = bpf_get_prandom_u32(), r2 = bpf_get_prandom_u32();
	__u16 src_lo = bpf_htons(0x8000 | (r & 0x7fff)); /* 198.18.128.0/17 */
	__u16 sport = bpf_htons(1024 | (r >> 16));
	struct iphdr *iph;
	struct tcphdr *th;

	if (keep_ctx_changed(ctx))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	iph = data + L3_OFF;
	if (gap_ns)
		pace();

	if (kind == BENCH_SYN6 || kind == BENCH_ACK6) {
		struct ipv6hdr *ip6h = data + L3_OFF;
		__u32 add;

		if (kind == BENCH_ACK6) {
			if (put_tmpl(data, data_end, BENCH_ACK6_LEN))
				return XDP_ABORTED;
		} else {
			if (put_tmpl(data, data_end, BENCH_SYN6_LEN))
				return XDP_ABORTED;
		}
		th = data + L4_OFF6;
		if ((void *)(th + 1) > data_end)
			return XDP_ABORTED;
		/* fd00:0:0:1::/64, random low 48 bits (top 16 kept zero: r's bits twice). */
		ip6h->saddr.in6_u.u6_addr32[3] = r2;
		ip6h->saddr.in6_u.u6_addr16[5] = (__u16)r;
		th->source = sport;
		th->seq = r ^ r2;
		add = words32(r2) + (__u16)r + sport + words32(r ^ r2);
		if (kind == BENCH_ACK6) {
			/* A random "cookie", as in the IPv4 ACK flood. */
			__u32 r3 = bpf_get_prandom_u32();

			th->ack_seq = r3;
			add += words32(r3);
		}
		th->check = csum_add_fold(th->check, add);
		return XDP_TX;
	}

	if (kind == BENCH_ACK4) {
		if (put_tmpl(data, data_end, BENCH_ACK4_LEN))
			return XDP_ABORTED;
	} else {
		if (put_tmpl(data, data_end, BENCH_SYN4_LEN))
			return XDP_ABORTED;
	}
	th = data + L4_OFF4;
	if ((void *)(th + 1) > data_end)
		return XDP_ABORTED;
	((__u16 *)&iph->saddr)[1] = src_lo;
	iph->check = csum_add_fold(iph->check, src_lo);
	th->source = sport;
	th->seq = r2;
	if (kind == BENCH_ACK4) {
		/* A random "cookie": what an ACK flood without a prior SYN-ACK carries. */
		__u32 r3 = bpf_get_prandom_u32();

		th->ack_seq = r3;
		th->check = csum_add_fold(th->check, src_lo + sport + words32(r2) + words32(r3));
	} else {
		th->check = csum_add_fold(th->check, src_lo + sport + words32(r2));
	}
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
