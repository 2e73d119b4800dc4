// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Cookie forgery driver for tests/robust/test_cookie_forgery.
 *
 * Runs under BPF_PROG_TEST_RUN with a large repeat count on one handshake
 * ACK frame: each run overwrites the TCP ack_seq with bpf_get_prandom_u32()
 * and tail-calls the real synx_xdp (slot 0 of forge_target), which counts
 * its decision in its own synx_counters.  Ten million guesses then cost one
 * syscall per million instead of one per guess.  The frame is reused across
 * repeats; synx does not modify an ACK it validates or drops.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} forge_target SEC(".maps");

/* Offset of the TCP header in the frame, set by the driver. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} forge_cfg SEC(".maps");

#define FORGE_TCP_OFF_MAX 256

SEC("xdp")
int synx_forge(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 key = 0, *off, ack;
	__u8 *th;

	off = bpf_map_lookup_elem(&forge_cfg, &key);
	if (!off || *off > FORGE_TCP_OFF_MAX)
		return XDP_ABORTED;
	th = (__u8 *)data + *off;
	if ((void *)(th + 12) > data_end)
		return XDP_ABORTED;
	ack = bpf_get_prandom_u32();
	__builtin_memcpy(th + 8, &ack, sizeof(ack)); /* byte order is irrelevant: random */
	bpf_tail_call(ctx, &forge_target, 0);
	/* Only reached when the tail call failed: the driver counts these. */
	return XDP_ABORTED;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
