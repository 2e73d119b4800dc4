/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The configuration both programs run with: the synx_config map when the
 * loader has written it, else the built-in defaults.  Each object (the XDP
 * one and synx_tc's) has its own copy of the defaults; `synx attach` sets
 * both through their skeletons' rodata.
 */
#ifndef SYNX_BPF_DEFAULTS_H
#define SYNX_BPF_DEFAULTS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "synx_config.h"
#include "maps.h"

/*
 * Built-in configuration, used while the synx_config map holds no entry of
 * ours: that is the state after a plain `ip link ... xdp obj synx.bpf.o`.
 * Every TCP setting is read from the running kernel; only what BPF cannot
 * see (net.core.rmem_max) is assumed.  const volatile: a loader may
 * override it through the skeleton's rodata.
 */
const volatile struct synx_config synx_defaults = {
	.version = SYNX_CONFIG_VERSION,
	.flags = SYNX_DEFAULT_FLAGS,
	.wscale = SYNX_DEFAULT_WSCALE,
	.no_listener = SYNX_NOLISTEN_PASS,
	.cookie_mode = SYNX_COOKIE_KERNEL,
};

static __always_inline const struct synx_config *synx_cfg(void)
{
	__u32 key = 0;
	const struct synx_config *c = bpf_map_lookup_elem(&synx_config, &key);

	if (c && c->version == SYNX_CONFIG_VERSION)
		return c;
	return (const struct synx_config *)&synx_defaults;
}

#endif /* SYNX_BPF_DEFAULTS_H */
