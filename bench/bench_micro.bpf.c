// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Micro-benchmark harness for BPF_PROG_TEST_RUN with a large repeat count.
 *
 * With repeat, the kernel runs the program again and again on the same
 * buffer.  synx rewrites a SYN into a (shorter) SYN-ACK in place, so from
 * the second run on it would be timing the SYN-ACK path.  bench_restore puts
 * the original frame back (metadata, length, then bytes) before every run and
 * tail-calls the program under test (progs[0]); its own cost is measured
 * the same way with bench_empty in that slot, and subtracted.
 *
 * A valid handshake ACK notes its flow in synx's follow-up cache, so from
 * the second run on the same ACK would be timed as a follow-up: for those
 * classes the wrapper also expires that cache slot (forget_slot), in both
 * runs so that it is subtracted too.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "followup_map.h" /* synx's map, shared by fd (bench_micro.c) */

#define FRAME_MAX 256

__u8 frame[FRAME_MAX];
__u32 frame_len;
__u32 forget_slot = ~0U; /* follow-up slot to expire before each run */

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} progs SEC(".maps");

SEC("xdp")
int bench_restore(struct xdp_md *ctx)
{
	int cur = ctx->data_end - ctx->data;
	__u32 len = frame_len;

	if (len > FRAME_MAX || len < 14)
		return XDP_ABORTED;
	/* Own-cookie ACKs leave metadata for tc: give its room back too. */
	if (ctx->data_meta != ctx->data &&
	    bpf_xdp_adjust_meta(ctx, (int)(ctx->data - ctx->data_meta)))
		return XDP_ABORTED;
	if (cur != (int)len && bpf_xdp_adjust_tail(ctx, (int)len - cur))
		return XDP_ABORTED;
	if (bpf_xdp_store_bytes(ctx, 0, frame, len))
		return XDP_ABORTED;
	{
		__u32 slot = forget_slot;
		struct synx_followup *e = bpf_map_lookup_elem(&synx_followup, &slot);

		/* Port 0 never matches: the lookup fails as for a new flow. */
		if (e)
			e->ports = 0;
	}
	bpf_tail_call(ctx, &progs, 0);
	return XDP_ABORTED; /* empty slot */
}

SEC("xdp")
int bench_empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* The baseline of the tc hand-off rows: synx_tc minus this. */
SEC("tc")
int bench_empty_tc(struct __sk_buff *skb)
{
	return TC_ACT_UNSPEC; /* as synx_tc does for traffic without metadata */
}

char _license[] SEC("license") = "GPL";
