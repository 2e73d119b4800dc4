/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The decision counters: the name of each reason, and reading them. */
#ifndef SYNX_USER_COUNTERS_H
#define SYNX_USER_COUNTERS_H

#include <linux/types.h>
#include <linux/bpf.h>
#include "synx_counters.h"

struct synx_reason_info {
	const char *name; /* stable key: JSON, Prometheus label, tests */
	__u32 verdict;    /* enum xdp_action this reason always ends in */
	const char *help; /* one line for humans */
};

extern const struct synx_reason_info synx_reasons[];

/* "pass", "drop", "tx", ... for an enum xdp_action; NULL when out of range. */
const char *synx_verdict_name(__u32 action);

/* Index of a reason by its stable name, or -1. */
int synx_reason_by_name(const char *name);

/*
 * Read slot @key of a per-CPU counter map (synx_counters by reason,
 * synx_verdicts by XDP action): each CPU's value into @pc (@ncpus entries)
 * and their sum into @sum.  0 or -errno.
 */
int synx_counter_read(int fd, __u32 key, int ncpus, struct synx_counter *pc,
		      struct synx_counter *sum);

#endif
