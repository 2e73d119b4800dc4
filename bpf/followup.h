/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Handshake follow-ups: the segments a client sends right behind its
 * handshake ACK, before the kernel has made the connection's socket.
 *
 * XDP sees a whole NAPI batch before the stack sees any of it: passed
 * frames wait in GRO and in the gro_normal list (generic XDP even runs on
 * the list just before delivery).  A client with an open congestion window
 * sends its ACK and its first data segments back to back, so they are
 * often judged in one batch, when only the listener owns their 4-tuple.
 * The first data segment still carries the cookie (same seq and ack as the
 * ACK); the next ones, with a later seq, do not, and dropping them as bad
 * cookies costs the client a retransmission timeout: the kernel, which
 * processes them in order, would have found the new socket.
 *
 * So when synx passes an ACK with a valid cookie, it notes the flow here,
 * and for a short while segments of that flow that acknowledge exactly the
 * same byte (the server has sent nothing since its SYN-ACK) and stay within
 * the window the SYN-ACK offered pass as follow-ups, to be judged by the
 * kernel behind the ACK that makes their socket.
 *
 * State: a direct-mapped array of fixed size, written only for ACKs that
 * carried a valid cookie, so a flood of forged ACKs cannot fill or evict
 * it; a newer handshake that hashes to the same slot evicts an older one,
 * which at worst costs that client the retransmission above.  It is not
 * pinned: a reload starts empty, and `synx attach --replace` hands the
 * running program's to the new one if this struct is unchanged.  Concurrent writers on other CPUs can
 * leave a torn entry; that only ever makes a lookup miss or pass a segment
 * of a just-validated flow to the kernel, which judges it as usual.
 */
#ifndef SYNX_BPF_FOLLOWUP_H
#define SYNX_BPF_FOLLOWUP_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "flow.h"
#include "followup_map.h"
#include "clock.h"

/* NAPI batches last microseconds; a second also covers RPS backlogs. */
#define SYNX_FOLLOWUP_NS 1000000000ULL
/* Our SYN-ACK offers an unscaled window of at most 65535; +1 for a FIN. */
#define SYNX_FOLLOWUP_SEQ_SPAN 65536U

static __always_inline __u32 followup_slot(const struct synx_flow *f)
{
	__u64 h = f->addr[0] ^ f->addr[1] ^ f->addr[2] ^ f->addr[3] ^ synx_flow_ports(f);

	/* Fibonacci hashing: the top bits of the product mix every input bit. */
	return (__u32)((h * 0x9e3779b97f4a7c15ULL) >> (64 - SYNX_FOLLOWUP_BITS));
}

/* Remember that the ACK (@seq, @ack, host order) of flow @f was passed. */
static __always_inline void followup_note(const struct synx_flow *f, __u32 seq, __u32 ack)
{
	__u32 slot = followup_slot(f);
	struct synx_followup *e = bpf_map_lookup_elem(&synx_followup, &slot);

	if (!e)
		return;
	e->addr[0] = f->addr[0];
	e->addr[1] = f->addr[1];
	e->addr[2] = f->addr[2];
	e->addr[3] = f->addr[3];
	e->ports = synx_flow_ports(f);
	e->seq = seq;
	e->ack = ack;
	e->ipv6 = f->ipv6;
	e->stamp = synx_now_ns();
}

/* Is the segment (@seq, @ack, host order) of flow @f a follow-up? */
static __always_inline int followup_match(const struct synx_flow *f, __u32 seq, __u32 ack)
{
	__u32 slot = followup_slot(f);
	struct synx_followup *e = bpf_map_lookup_elem(&synx_followup, &slot);

	/* An empty slot never matches: port 0 is dropped as malformed. */
	if (!e || e->ack != ack || e->ports != synx_flow_ports(f) || e->ipv6 != f->ipv6 ||
	    e->addr[0] != f->addr[0] || e->addr[1] != f->addr[1] || e->addr[2] != f->addr[2] ||
	    e->addr[3] != f->addr[3])
		return 0;
	if (seq - e->seq > SYNX_FOLLOWUP_SEQ_SPAN)
		return 0;
	return synx_now_ns() - e->stamp < SYNX_FOLLOWUP_NS;
}

#endif /* SYNX_BPF_FOLLOWUP_H */
