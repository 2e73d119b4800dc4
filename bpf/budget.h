/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The reflection budget: how many SYN-ACKs per second synx sends in all,
 * and to one source prefix (the first prefix4 / prefix6 bits of the SYN's
 * source).  A stateless responder answers whatever source a spoofed SYN
 * names, so a flood aimed at synx becomes a SYN-ACK flood at the spoofed
 * victims: the budget bounds it, one SYN-ACK per SYN at most (never
 * amplified), and no more than the limits per second.
 *
 * No per-flow state a flood can fill: a per-CPU count-min sketch of fixed
 * size (two rows of SKETCH_W cells, each a count and the second it counts
 * for, reset lazily when the second changes) and one per-CPU total.  A
 * prefix's count is the smaller of its two cells: never below its true
 * count, above it only when both its cells are shared with busier
 * prefixes, and the row hashes are keyed with a random seed drawn at the
 * first SYN-ACK, so a flood cannot aim at a victim's cells.  Token buckets
 * in one hashed table would use the same memory with one cell per prefix,
 * so one collision with a flooding prefix would starve an innocent one.
 *
 * Per CPU, each CPU gets an equal share of the limits (rounded up): no
 * cache line bounces between CPUs under a flood, at the price that a
 * prefix whose SYNs land on fewer CPUs than all of them (RSS spreads them
 * by 4-tuple) gets less than its total, and that the budget refills in
 * whole seconds.
 */
#ifndef SYNX_BPF_BUDGET_H
#define SYNX_BPF_BUDGET_H

#include <linux/bpf.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "synx_config.h"
#include "parsing.h"
#include "clock.h"

#define SKETCH_W 1024 /* cells per row, a power of two: per-CPU values stop at 32 KiB */
#define NSEC_PER_SEC 1000000000ULL

struct budget_cell {
	__u32 second; /* the second this count is for */
	__u32 count;
};

struct budget {
	__u32 second; /* of total */
	__u32 total;  /* SYN-ACKs sent by this CPU this second */
	__u64 seed;   /* the row hashes' key; 0 until the first use */
	struct budget_cell row[2][SKETCH_W];
};

/* Not pinned: a reload starts a fresh second anyway. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct budget);
} synx_budget SEC(".maps");

/* The first @bits bits of @v (0-64 of them). */
static __always_inline __u64 budget_mask64(__u64 v, __u32 bits)
{
	return bits >= 64 ? v : bits ? v & ~0ULL << (64 - bits) : 0;
}

/* The source's prefix, folded to 64 bits (IPv4 even, IPv6 odd). */
static __always_inline __u64 budget_prefix(void *data, void *data_end, __u32 l3_off, __u32 ipv6,
					   __u32 bits)
{
	if (ipv6) {
		struct ipv6hdr *ip6h = data + l3_off;
		__u64 hi, lo;

		if ((void *)(ip6h + 1) > data_end)
			return 1;
		hi = (__u64)bpf_ntohl(ip6h->saddr.in6_u.u6_addr32[0]) << 32 |
		     bpf_ntohl(ip6h->saddr.in6_u.u6_addr32[1]);
		lo = (__u64)bpf_ntohl(ip6h->saddr.in6_u.u6_addr32[2]) << 32 |
		     bpf_ntohl(ip6h->saddr.in6_u.u6_addr32[3]);
		hi = budget_mask64(hi, bits);
		lo = budget_mask64(lo, bits > 64 ? bits - 64 : 0);
		return (hi ^ lo * 0x9e3779b97f4a7c15ULL) | 1;
	} else {
		struct iphdr *iph = data + l3_off;

		if ((void *)(iph + 1) > data_end)
			return 0;
		return budget_mask64((__u64)bpf_ntohl(iph->saddr) << 32, bits) >> 31;
	}
}

/* Cell of @row for @prefix: multiply-shift hashing, keyed by the seed. */
static __always_inline __u32 budget_slot(__u64 seed, __u64 prefix, int row)
{
	__u64 k = (prefix ^ seed) * (row ? 0xc2b2ae3d27d4eb4fULL : 0x9e3779b97f4a7c15ULL);

	return (__u32)(k >> 54) & (SKETCH_W - 1);
}

/* This CPU's share of a device-wide @limit: at least 1. */
static __always_inline __u32 budget_share(__u32 limit, __u32 ncpus)
{
	return (limit + ncpus - 1) / ncpus;
}

/*
 * May one more SYN-ACK go out now, to the source of the frame behind @ctx
 * (IP header at l3_off = @where >> 1, IPv6 when @where & 1)?  1 and
 * counted, or 0 when @limit (SYN-ACKs per second of the device) or
 * @prefix_limit (per source prefix) is reached.  @shape: prefix4,
 * prefix6 and ncpus as they sit in the config.  A global function, so
 * the verifier checks it once, and its arguments scalars: it is called
 * with the read-only built-in configuration too.
 */
__noinline int budget_run(struct xdp_md *ctx, __u32 where, __u32 limit, __u32 prefix_limit,
			  __u32 shape)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 key = 0, sec, c0, c1, min, bits, ncpus = shape >> 16 ? shape >> 16 : 1;
	__u32 l3_off = where >> 1, ipv6 = where & 1;
	struct budget_cell *a, *b;
	struct budget *bd;
	__u64 prefix;

	bd = bpf_map_lookup_elem(&synx_budget, &key);
	if (!bd || l3_off > SYNX_L3_OFF_MAX)
		return 1;
	sec = (__u32)(synx_now_ns() / NSEC_PER_SEC);
	if (limit) {
		if (bd->second != sec) {
			bd->second = sec;
			bd->total = 0;
		}
		if (bd->total >= budget_share(limit, ncpus))
			return 0;
	}
	if (prefix_limit) {
		if (!bd->seed)
			bd->seed = (__u64)bpf_get_prandom_u32() << 32 | bpf_get_prandom_u32() | 1;
		bits = ipv6 ? (shape >> 8 & 0xff) : (shape & 0xff);
		if (!bits)
			bits = ipv6 ? SYNX_DEFAULT_PREFIX6 : SYNX_DEFAULT_PREFIX4;
		prefix = budget_prefix(data, data_end, l3_off, ipv6, bits);
		a = &bd->row[0][budget_slot(bd->seed, prefix, 0)];
		b = &bd->row[1][budget_slot(bd->seed, prefix, 1)];
		c0 = a->second == sec ? a->count : 0;
		c1 = b->second == sec ? b->count : 0;
		min = c0 < c1 ? c0 : c1;
		if (min >= budget_share(prefix_limit, ncpus))
			return 0;
		/* Conservative update: only the cells at the minimum grow. */
		if (c0 == min) {
			a->second = sec;
			a->count = c0 + 1;
		}
		if (c1 == min) {
			b->second = sec;
			b->count = c1 + 1;
		}
	}
	if (limit)
		bd->total++;
	return 1;
}

/* budget_run() for the SYN of @p under @cfg; no call at all without limits. */
static __always_inline int budget_take(struct xdp_md *ctx, const struct synx_config *cfg,
				       const struct synx_pkt *p)
{
	if (!cfg->synack_limit && !cfg->synack_prefix_limit)
		return 1;
	return budget_run(ctx, p->l3_off << 1 | p->ipv6, cfg->synack_limit,
			  cfg->synack_prefix_limit,
			  (__u32)cfg->ncpus << 16 | (__u32)cfg->prefix6 << 8 | cfg->prefix4);
}

#endif /* SYNX_BPF_BUDGET_H */
