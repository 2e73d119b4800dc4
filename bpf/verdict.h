/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one way out of the XDP program.  Processing stages return a
 * struct synx_verdict built with SYNX_PASS()/SYNX_DROP()/SYNX_TX(); the
 * macros paste the verdict into the reason name, so a reason can never be
 * recorded under the wrong verdict.  synx_record() counts both and returns
 * the action.
 */
#ifndef SYNX_BPF_VERDICT_H
#define SYNX_BPF_VERDICT_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "maps.h"

struct synx_verdict {
	__u32 action; /* enum xdp_action, or SYNX_CONTINUE */
	__u32 reason; /* enum synx_reason */
};

/* "No decision yet": the next stage looks at the packet. */
#define SYNX_CONTINUE 0xffU
#define SYNX_NEXT ((struct synx_verdict){ SYNX_CONTINUE, 0 })
#define SYNX_PASS(r) ((struct synx_verdict){ XDP_PASS, SYNX_R_PASS_##r })
#define SYNX_DROP(r) ((struct synx_verdict){ XDP_DROP, SYNX_R_DROP_##r })
#define SYNX_TX(r) ((struct synx_verdict){ XDP_TX, SYNX_R_TX_##r })

static __always_inline int synx_decided(struct synx_verdict v)
{
	return v.action != SYNX_CONTINUE;
}

static __always_inline void synx_count(void *map, __u32 key, __u32 bytes)
{
	struct synx_counter *c = bpf_map_lookup_elem(map, &key);

	/* Per-CPU slots: no atomics needed. */
	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
}

/* @bytes is the frame length as received, before any rewrite. */
static __always_inline int synx_record(struct synx_verdict v, __u32 bytes)
{
	synx_count(&synx_counters, v.reason, bytes);
	synx_count(&synx_verdicts, v.action, bytes);
	return v.action;
}

#endif /* SYNX_BPF_VERDICT_H */
