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
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define FRAME_MAX 256

__u8 frame[FRAME_MAX];
__u32 frame_len;

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
	bpf_tail_call(ctx, &progs, 0);
	return XDP_ABORTED; /* empty slot */
}

SEC("xdp")
int bench_empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
