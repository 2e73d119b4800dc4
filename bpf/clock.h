/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one clock of the datapath: own cookies' count, the TSvals of our
 * SYN-ACKs and the follow-up cache all read CLOCK_MONOTONIC at jiffy
 * resolution (bpf_ktime_get_coarse_ns(): a few ns) rather than the precise
 * clock (bpf_ktime_get_ns(): 20-40 ns a read where the clocksource is
 * paravirtual, as kvm-clock).  Nothing here needs better than a jiffy:
 * cookie periods are seconds, TSvals milliseconds, the follow-up window a
 * second.  A coarse TSval lags the kernel's own clock and never leads it,
 * which is what the client's PAWS check needs (cookie_kernel.h).
 * Userspace reads the same clock as CLOCK_MONOTONIC_COARSE, and
 * CLOCK_MONOTONIC for times that are only compared with it (a rotation):
 * those may be up to a jiffy ahead, so differences are taken signed.
 */
#ifndef SYNX_BPF_CLOCK_H
#define SYNX_BPF_CLOCK_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define NSEC_PER_MSEC 1000000ULL

static __always_inline __u64 synx_now_ns(void)
{
	return bpf_ktime_get_coarse_ns();
}

#endif /* SYNX_BPF_CLOCK_H */
