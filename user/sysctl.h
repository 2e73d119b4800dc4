/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The kernel TCP settings synx mirrors or depends on, read from /proc/sys of
 * the caller's network namespace (they are per namespace).
 */
#ifndef SYNX_SYSCTL_H
#define SYNX_SYSCTL_H

#include <stdbool.h>

struct synx_sysctls {
	int tcp_syncookies; /* -1 when unreadable */
	int tcp_timestamps;
	int tcp_sack;
	int tcp_window_scaling;
	int tcp_ecn;
	long tcp_rmem_max; /* third field of net.ipv4.tcp_rmem */
	long rmem_max;     /* net.core.rmem_max */
};

void synx_sysctls_read(struct synx_sysctls *k);

/*
 * SYNX_F_SACK | SYNX_F_WSCALE | SYNX_F_ECN | SYNX_F_TIMESTAMPS as the kernel
 * has them, for kernel cookies or (@own) synx's own.
 */
unsigned int synx_sysctl_flags(const struct synx_sysctls *k, bool own);

/* The receive window shift tcp_select_initial_window() will pick. */
unsigned int synx_sysctl_wscale(const struct synx_sysctls *k);

/* Whether a TS cookie the XDP program encodes is decodable by this kernel. */
bool synx_sysctl_ts_auto(const struct synx_sysctls *k);

#endif
