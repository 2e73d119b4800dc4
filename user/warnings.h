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

#endif
