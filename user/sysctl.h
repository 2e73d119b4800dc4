/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The kernel TCP settings synx mirrors or depends on, read from /proc/sys of
 * the caller's network namespace (they are per namespace).
 */
#ifndef SYNX_SYSCTL_H
#define SYNX_SYSCTL_H

#include <stdbool.h>
#include <linux/types.h>

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
 * SYNX_F_SACK | SYNX_F_WSCALE | SYNX_F_ECN | SYNX_F_TIMESTAMPS |
 * SYNX_F_TS_COOKIES as the kernel has them, the same for both cookie
 * modes: the program's fallback where BTF lacks the sysctls.
 */
/* The first number in the /proc file @path, or -1. */
long synx_sysctl_read(const char *path);

/*
 * Whether the kernel forwards IPv@fam (4 or 6) arriving on @ifname, as
 * the program decides it (bpf/kstate.h, kdev_forwards()): IPv4 by the
 * device's forwarding, IPv6 by all.forwarding or the device's
 * force_forwarding (Linux 6.17+).  1, 0, or -1 when it cannot tell.
 */
int synx_sysctl_forwards(const char *ifname, int fam);

/* The sysctl assignment (NAME=1) that makes synx_sysctl_forwards() true. */
void synx_sysctl_forwarding_fix(const char *ifname, int fam, char *buf, size_t len);
unsigned int synx_sysctl_flags(const struct synx_sysctls *k);

/* The receive window shift tcp_select_initial_window() will pick. */
unsigned int synx_sysctl_wscale(const struct synx_sysctls *k);

/*
 * Whether a kernel cookie's timestamp can carry options (tcp_timestamps is
 * 2): what the XDP program decides at packet time, and SYNX_F_TS_COOKIES.
 */
bool synx_sysctl_ts_cookies(const struct synx_sysctls *k);

/* net.core.rmem_max as the loader writes it into synx_config.rmem_max. */
__u32 synx_sysctl_rmem_max_cfg(const struct synx_sysctls *k);

#endif
