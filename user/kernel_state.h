/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What a running synx program learnt of the kernel (synx_state[0],
 * include/synx_config.h): which groups of live state this kernel's BTF lets
 * it read (bpf/kstate.h) and which bucket function its address tables use.
 * Each group missing means a fallback for that part (README, "Kernel
 * settings synx relies on"), named here once for status and its warnings.
 */
#ifndef SYNX_KERNEL_STATE_H
#define SYNX_KERNEL_STATE_H

#include <stdbool.h>
#include <linux/types.h>
#include "synx_config.h"

struct synx_kgroup {
	__u32 bit;            /* SYNX_K_* */
	const char *key;      /* its key in status JSON */
	const char *what;     /* what the program reads, for text */
	const char *fallback; /* what it does without it */
};

extern const struct synx_kgroup synx_kgroups[];
extern const unsigned int synx_nr_kgroups;

/* The state of program @prog_id: 0, or -ENOENT for an object without the map. */
int synx_kernel_state_read(__u32 prog_id, struct synx_state *st);

/* Recorded at the first SYN the program judged: before that, nothing is known. */
bool synx_kernel_state_valid(const struct synx_state *st);

/*
 * The address table of family @ipv6 as JSON shows it: "unavailable"
 * (its group is missing), "learning", "plain", "xor", "jhash", "none" or
 * "unknown" (a value this synx does not know).
 */
const char *synx_addr_hash_str(const struct synx_state *st, bool ipv6);

#endif
