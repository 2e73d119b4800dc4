// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <unistd.h>
#include "synx_config.h"
#include "sysctl.h"

static int sysctl_read_longs(const char *path, long *vals, int n)
{
	FILE *f = fopen(path, "r");
	int got = 0;

	if (!f)
		return 0;
	while (got < n && fscanf(f, "%ld", &vals[got]) == 1)
		got++;
	fclose(f);
	return got;
}

long synx_sysctl_read(const char *path)
{
	long v;

	return sysctl_read_longs(path, &v, 1) == 1 ? v : -1;
}

int synx_sysctl_forwards(const char *ifname, int fam)
{
	char path[128];
	long all;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv%d/conf/%s/forwarding", fam, ifname);
	if (fam == 4) {
		long v = synx_sysctl_read(path);

		return v < 0 ? -1 : v > 0;
	}
	all = synx_sysctl_read("/proc/sys/net/ipv6/conf/all/forwarding");
	if (all > 0)
		return 1;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/force_forwarding", ifname);
	return synx_sysctl_read(path) > 0 ? 1 : all < 0 ? -1 : 0;
}

void synx_sysctl_forwarding_fix(const char *ifname, int fam, char *buf, size_t len)
{
	char path[128];

	/* Linux 6.17+: this interface alone, not every one of the namespace. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/force_forwarding", ifname);
	if (fam == 4)
		snprintf(buf, len, "net.ipv4.conf.%s.forwarding=1", ifname);
	else if (!access(path, F_OK))
		snprintf(buf, len, "net.ipv6.conf.%s.force_forwarding=1", ifname);
	else
		snprintf(buf, len, "net.ipv6.conf.all.forwarding=1");
}

static int sysctl_read_int(const char *path)
{
	return (int)synx_sysctl_read(path);
}

void synx_sysctls_read(struct synx_sysctls *k)
{
	long rmem[3] = { 0, 0, -1 };

	k->tcp_syncookies = sysctl_read_int("/proc/sys/net/ipv4/tcp_syncookies");
	k->tcp_timestamps = sysctl_read_int("/proc/sys/net/ipv4/tcp_timestamps");
	k->tcp_sack = sysctl_read_int("/proc/sys/net/ipv4/tcp_sack");
	k->tcp_window_scaling = sysctl_read_int("/proc/sys/net/ipv4/tcp_window_scaling");
	k->tcp_ecn = sysctl_read_int("/proc/sys/net/ipv4/tcp_ecn");
	sysctl_read_longs("/proc/sys/net/ipv4/tcp_rmem", rmem, 3);
	k->tcp_rmem_max = rmem[2];
	if (sysctl_read_longs("/proc/sys/net/core/rmem_max", &k->rmem_max, 1) != 1)
		k->rmem_max = -1;
}

/*
 * The cookie's SYN-ACK promises options the kernel will honour when it
 * rebuilds the connection from the cookie (cookie_tcp_reqsk_init() and
 * friends), so they must match the kernel's own switches.  The kernel
 * accepts an incoming ECN request whenever tcp_ecn is non-zero
 * (tcp_ecn_create_request(), cookie_ecn_ok()), 1 ("request and accept") and
 * 2 (the default, "accept when asked") alike.  A kernel cookie carries the
 * request only in a TS cookie (synx_sysctl_ts_cookies()); own cookies carry
 * it in the ISN.  TIMESTAMPS
 * only matters to own cookies: with tcp_timestamps=0 the kfunc refuses a
 * request socket that has TS on (-EINVAL), so the SYN-ACK must not offer it.
 * TS_COOKIES: see synx_sysctl_ts_cookies().
 *
 * The XDP program reads these sysctls itself at packet time; the flags are
 * only its fallback on a kernel whose BTF lacks them (include/synx_config.h).
 */
unsigned int synx_sysctl_flags(const struct synx_sysctls *k)
{
	unsigned int flags = 0;

	if (k->tcp_sack > 0)
		flags |= SYNX_F_SACK;
	if (k->tcp_window_scaling > 0)
		flags |= SYNX_F_WSCALE;
	if (k->tcp_ecn > 0)
		flags |= SYNX_F_ECN;
	if (k->tcp_timestamps > 0)
		flags |= SYNX_F_TIMESTAMPS;
	if (synx_sysctl_ts_cookies(k))
		flags |= SYNX_F_TS_COOKIES;
	return flags;
}

/*
 * tcp_select_initial_window(): space = max(tcp_rmem[2], rmem_max), and the
 * shift is the smallest that fits space into 16 bits, i.e.
 * ilog2(space) - 15, clamped to [0, TCP_MAX_WSCALE = 14].
 */
unsigned int synx_sysctl_wscale(const struct synx_sysctls *k)
{
	long space = k->tcp_rmem_max > k->rmem_max ? k->tcp_rmem_max : k->rmem_max;
	int log = -1;

	if (space <= 0)
		return SYNX_DEFAULT_WSCALE;
	while (space) {
		space >>= 1;
		log++;
	}
	log -= 15;
	if (log < 0)
		return 0;
	return log > 14 ? 14 : log;
}

/*
 * cookie_timestamp_decode() only trusts the WS/SACK/ECN bits in TSecr when
 * the kernel did not add a random per-connection offset to its timestamps,
 * which is tcp_timestamps == 2 ("timestamps without random offsets").  With
 * the default 1 the kernel would decode garbage, so TS cookies stay off.
 */
bool synx_sysctl_ts_cookies(const struct synx_sysctls *k)
{
	return k->tcp_timestamps == 2;
}

/* What synx_config.rmem_max gets: net.core.rmem_max, 0 (assumed) when unreadable. */
__u32 synx_sysctl_rmem_max_cfg(const struct synx_sysctls *k)
{
	return k->rmem_max > 0 && k->rmem_max <= 0x7fffffff ? (__u32)k->rmem_max : 0;
}
