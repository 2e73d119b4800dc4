/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Settings that defeat part of what synx does, for `synx status`: each
 * warning names the setting, what breaks, and what to change.
 */
#ifndef SYNX_WARNINGS_H
#define SYNX_WARNINGS_H

#include "synx_config.h"
#include "iface.h"
#include "sysctl.h"

/* Kernel-wide warnings: net.ipv4.* settings that defeat part of synx. */
int synx_kernel_warnings(const struct synx_sysctls *k, const struct synx_config *cfg,
			 const char **out, int max);

#define SYNX_WARN_LEN 640

/* Per-interface warnings: offloads that hide or break what XDP sees. */
int synx_iface_warnings(const char *ifname, const struct synx_offloads *o, const char *driver,
			char out[][SYNX_WARN_LEN], int max);

/*
 * What the running program could not read of this kernel (@st, from its
 * synx_state map): one warning per missing group, naming the fallback.
 * Nothing before the program recorded it.
 */
int synx_state_warnings(const char *ifname, const struct synx_state *st, char out[][SYNX_WARN_LEN],
			int max);

/*
 * net.core.rmem_max, the one input the program cannot read: assumed by a
 * plain `ip link` attach (cfg->rmem_max 0) where the real one is larger
 * than what decides anyway, or changed since attach/config passed it.
 */
int synx_rmem_warnings(const char *ifname, const struct synx_config *cfg,
		       const struct synx_sysctls *k, char out[][SYNX_WARN_LEN], int max);

#endif
