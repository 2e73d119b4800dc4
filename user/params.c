// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The settings of attach and config: each value parsed and checked, then
 * checked against the interface, then turned into the synx_config the
 * program reads.  Everything is checked before anything is touched, so bad
 * input changes nothing.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "params.h"
#include "iface.h"
#include "prereqs.h"

void synx_opts_init(struct synx_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = XDP_MODE_UNSPEC;
	o->mss4 = o->mss6 = o->ttl = o->hop_limit = o->no_listener = o->monitor = -1;
	o->edge = -1;
	o->ip_options = o->cookie_clock = -1;
}

int synx_parse_uint(const char *what, const char *s, unsigned long min, unsigned long max,
		    unsigned long *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	if (!*s || *s == '-' || *s == '+')
		goto bad;
	v = strtoul(s, &end, 10);
	if (errno || *end)
		goto bad;
	if (v < min || v > max)
		return synx_err(SYNX_EXIT_USAGE, "%s %s out of range (%lu-%lu)", what, s, min, max);
	*out = v;
	return 0;
bad:
	return synx_err(SYNX_EXIT_USAGE, "%s: '%s' is not a number", what, s);
}

int synx_parse_mode(const char *s, enum xdp_attach_mode *mode)
{
	if (!strcmp(s, "native") || !strcmp(s, "drv"))
		*mode = XDP_MODE_NATIVE;
	else if (!strcmp(s, "skb") || !strcmp(s, "generic"))
		*mode = XDP_MODE_SKB;
	else if (!strcmp(s, "auto"))
		*mode = XDP_MODE_UNSPEC;
	else
		return synx_err(SYNX_EXIT_USAGE,
				"--mode: unsupported mode '%s' (native, skb or auto)", s);
	return 0;
}

/* 1-255, or "auto": 0 in the config, the listener's IP_TTL else the namespace default. */
int synx_parse_ttl(const char *what, const char *s, int *out)
{
	unsigned long v;
	int err;

	if (!strcmp(s, "auto")) {
		*out = 0;
		return 0;
	}
	err = synx_parse_uint(what, s, 1, 255, &v);
	if (!err)
		*out = (int)v;
	return err;
}

_Static_assert(SYNX_NOLISTEN_PASS == 0 && SYNX_NOLISTEN_DROP == 1,
	       "--no-listener is parsed as pass (0) or drop (1)");

int synx_parse_pass_drop(const char *what, const char *s, int *out)
{
	if (!strcmp(s, "pass"))
		*out = 0;
	else if (!strcmp(s, "drop"))
		*out = 1;
	else
		return synx_err(SYNX_EXIT_USAGE, "%s: '%s' is not pass or drop", what, s);
	return 0;
}

int synx_parse_cookies(const char *s, enum synx_cookie_choice *c)
{
	if (!strcmp(s, "auto"))
		*c = SYNX_COOKIES_AUTO;
	else if (!strcmp(s, "own"))
		*c = SYNX_COOKIES_OWN;
	else if (!strcmp(s, "kernel"))
		*c = SYNX_COOKIES_KERNEL;
	else
		return synx_err(SYNX_EXIT_USAGE, "--cookies: '%s' is not own, kernel or auto", s);
	return 0;
}

int synx_parse_cookie_clock(const char *s, int *out)
{
	if (!strcmp(s, "boot"))
		*out = SYNX_CLOCK_BOOT;
	else if (!strcmp(s, "tai"))
		*out = SYNX_CLOCK_TAI;
	else
		return synx_err(SYNX_EXIT_USAGE, "--cookie-clock: '%s' is not boot or tai", s);
	return 0;
}

int synx_parse_onoff(const char *what, const char *s, int *out)
{
	if (!strcmp(s, "on"))
		*out = 1;
	else if (!strcmp(s, "off"))
		*out = 0;
	else
		return synx_err(SYNX_EXIT_USAGE, "%s: '%s' is not on or off", what, s);
	return 0;
}

/* A SYN-ACK rate: packets per second, 0 or "off" for none. */
static int parse_pps(const char *s, __u32 *out)
{
	unsigned long v;
	int err;

	if (!strcmp(s, "off")) {
		*out = 0;
		return 0;
	}
	err = synx_parse_uint("--synack-limit", s, 0, UINT32_MAX, &v);
	if (!err)
		*out = (__u32)v;
	return err;
}

int synx_parse_synack_limit(const char *s, __u32 *total, __u32 *prefix)
{
	char buf[64], *comma;
	int err;

	if (strlen(s) >= sizeof(buf))
		return synx_err(SYNX_EXIT_USAGE, "--synack-limit: '%.20s...' is too long", s);
	strcpy(buf, s);
	comma = strchr(buf, ',');
	if (comma)
		*comma = '\0';
	err = parse_pps(buf, total);
	if (!err && comma)
		err = parse_pps(comma + 1, prefix);
	else if (!err)
		*prefix = 0;
	return err;
}

int synx_parse_synack_prefix(const char *s, __u8 *v4, __u8 *v6)
{
	char buf[64], *comma;
	unsigned long a, b;
	int err;

	if (strlen(s) >= sizeof(buf))
		return synx_err(SYNX_EXIT_USAGE, "--synack-prefix: '%.20s...' is too long", s);
	strcpy(buf, s);
	comma = strchr(buf, ',');
	if (!comma)
		return synx_err(SYNX_EXIT_USAGE,
				"--synack-prefix: expected V4LEN,V6LEN (e.g. 24,48), got '%s'", s);
	*comma = '\0';
	err = synx_parse_uint("--synack-prefix (IPv4)", buf, 1, 32, &a);
	if (!err)
		err = synx_parse_uint("--synack-prefix (IPv6)", comma + 1, 1, 128, &b);
	if (!err) {
		*v4 = (__u8)a;
		*v6 = (__u8)b;
	}
	return err;
}

int synx_opts_check_mtu(const struct synx_opts *o, const char *ifname, unsigned int mtu)
{
	unsigned int max4 = mtu > SYNX_IP4_TCP_HDRS ? mtu - SYNX_IP4_TCP_HDRS : 0;
	unsigned int max6 = mtu > SYNX_IP6_TCP_HDRS ? mtu - SYNX_IP6_TCP_HDRS : 0;

	if (o->mss4 > 0 && (unsigned int)o->mss4 > max4)
		return synx_err(SYNX_EXIT_USAGE,
				"--mss4 %d above what MTU %u of %s carries (max %u = MTU - 40)",
				o->mss4, mtu, ifname, max4);
	if (o->mss6 > 0 && (unsigned int)o->mss6 > max6)
		return synx_err(SYNX_EXIT_USAGE,
				"--mss6 %d above what MTU %u of %s carries (max %u = MTU - 60)",
				o->mss6, mtu, ifname, max6);
	return 0;
}

int synx_opts_resolve(const struct synx_opts *o, const char *ifname, int *ifindex,
		      unsigned int *mtu)
{
	int err;

	*ifindex = synx_iface_index(ifname, &err);
	if (!*ifindex)
		return err;
	if (synx_iface_mtu(ifname, mtu))
		return synx_err(SYNX_EXIT_FAIL, "cannot read the MTU of %s", ifname);
	err = synx_opts_check_mtu(o, ifname, *mtu);
	return err ? err : synx_check_root();
}

bool synx_opts_apply(const struct synx_opts *o, const struct synx_config *cur,
		     const struct synx_sysctls *k, struct synx_config *cfg)
{
	const unsigned int derived = SYNX_F_SACK | SYNX_F_WSCALE | SYNX_F_ECN | SYNX_F_TIMESTAMPS |
				     SYNX_F_TS_COOKIES;

	bool valid = cur && cur->version == SYNX_CONFIG_VERSION;
	int ncpus = libbpf_num_possible_cpus();

	if (valid && !o->from_file) {
		*cfg = *cur;
	} else {
		/* Defaults; a config file starts from them too, but the cookie mode stays. */
		memset(cfg, 0, sizeof(*cfg));
		cfg->flags = SYNX_F_ALL_PORTS;
		cfg->no_listener = SYNX_NOLISTEN_PASS;
		cfg->prefix4 = SYNX_DEFAULT_PREFIX4;
		cfg->prefix6 = SYNX_DEFAULT_PREFIX6;
		if (valid)
			cfg->cookie_mode = cur->cookie_mode;
		else
			cfg->cookie_mode = o->cookies == SYNX_COOKIES_OWN ? SYNX_COOKIE_OWN
									  : SYNX_COOKIE_KERNEL;
	}
	cfg->version = SYNX_CONFIG_VERSION;
	/* The program splits the budget evenly over the CPUs that can run it. */
	cfg->ncpus = ncpus > 0 && ncpus <= UINT16_MAX ? ncpus : 0;

	/*
	 * Mirrors of the kernel, always re-read, never user-set: the program
	 * reads the sysctls itself at packet time, these are its fallback on
	 * a kernel whose BTF lacks them.
	 */
	cfg->flags = (cfg->flags & ~derived) | synx_sysctl_flags(k);
	cfg->wscale = synx_sysctl_wscale(k);
	/* The one setting the program cannot read itself (a global, not in BTF). */
	cfg->rmem_max = synx_sysctl_rmem_max_cfg(k);

	if (o->ports_set)
		cfg->flags = o->all_ports ? cfg->flags | SYNX_F_ALL_PORTS
					  : cfg->flags & ~SYNX_F_ALL_PORTS;
	if (o->mss4 >= 0)
		cfg->mss4 = o->mss4;
	if (o->mss6 >= 0)
		cfg->mss6 = o->mss6;
	if (o->ttl >= 0)
		cfg->ttl = o->ttl;
	if (o->hop_limit >= 0)
		cfg->hop_limit = o->hop_limit;
	if (o->no_listener >= 0)
		cfg->no_listener = o->no_listener;
	if (o->monitor >= 0)
		cfg->flags = o->monitor ? cfg->flags | SYNX_F_MONITOR
					: cfg->flags & ~SYNX_F_MONITOR;
	if (o->ip_options >= 0)
		cfg->flags = o->ip_options ? cfg->flags | SYNX_F_DROP_IP_OPTIONS
					   : cfg->flags & ~SYNX_F_DROP_IP_OPTIONS;
	/* Gateway mode is set at attach only: it comes with its nftables table. */
	if (!cur)
		cfg->flags = o->gateway.n ? cfg->flags | SYNX_F_GATEWAY
					  : cfg->flags & ~SYNX_F_GATEWAY;
	else if (valid)
		cfg->flags = (cfg->flags & ~SYNX_F_GATEWAY) | (cur->flags & SYNX_F_GATEWAY);
	if (!cur)
		cfg->flags = o->gateway.n && o->edge > 0 ? cfg->flags | SYNX_F_EDGE
							 : cfg->flags & ~SYNX_F_EDGE;
	else if (valid)
		cfg->flags = (cfg->flags & ~SYNX_F_EDGE) | (cur->flags & SYNX_F_EDGE);
	if (o->synack_limit_set) {
		cfg->synack_limit = o->synack_limit;
		cfg->synack_prefix_limit = o->synack_prefix_limit;
	}
	if (o->synack_prefix_set) {
		cfg->prefix4 = o->prefix4;
		cfg->prefix6 = o->prefix6;
	}
	return o->ports_set && !o->all_ports;
}
