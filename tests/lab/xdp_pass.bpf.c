// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Pass-through XDP program for the client end of the lab veth pair.
 *
 * It does nothing to packets.  Its presence matters: veth hands frames that
 * its peer transmits with native XDP_TX to the receiving end's NAPI poll,
 * which only runs when that end has an XDP program; with none, synx's
 * SYN-ACKs would be dropped silently.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
