// SPDX-License-Identifier: GPL-2.0-only
/* synx XDP entry point (being built: pass-through for now). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "maps.h"

SEC("xdp")
int synx_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
