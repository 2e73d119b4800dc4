// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Probes of what this machine lets a profiler attach to synx: an fentry
 * program on synx_xdp (what `bpftool prog profile` and per-stage tracing
 * would use) and an freplace program (what libxdp's dispatcher uses).
 * bench_probe (bench_probe.c) loads each against a loaded synx and reports
 * the verdict; nothing is ever attached.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("fentry/synx_xdp")
int probe_fentry(void *ctx)
{
	return 0;
}

SEC("freplace/synx_xdp")
int probe_freplace(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
