/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The follow-up cache's map alone (followup.h has the why), so that the
 * micro-benchmark's wrapper (bench/bench_micro.bpf.c) can declare the same
 * map, share it by fd and expire an entry between repeated runs.
 */
#ifndef SYNX_BPF_FOLLOWUP_MAP_H
#define SYNX_BPF_FOLLOWUP_MAP_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define SYNX_FOLLOWUP_BITS 10
#define SYNX_FOLLOWUP_SLOTS (1U << SYNX_FOLLOWUP_BITS)

struct synx_followup {
	__u64 addr[4];
	__u64 stamp; /* synx_now_ns() when the ACK was passed; 0: empty */
	__u32 ports; /* sport:dport, network order */
	__u32 seq;   /* the handshake ACK's seq: client ISN + 1 */
	__u32 ack;   /* its ack: cookie + 1 */
	__u32 ipv6;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SYNX_FOLLOWUP_SLOTS);
	__type(key, __u32);
	__type(value, struct synx_followup);
} synx_followup SEC(".maps");

#endif /* SYNX_BPF_FOLLOWUP_MAP_H */
