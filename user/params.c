// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Parsing and validation of the attach/config options.  Everything is
 * checked before anything is touched, so bad input changes nothing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "params.h"
#include "opts.h"
#include "own.h"

const struct option synx_config_long_options[] = {
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "ports", required_argument, NULL, OPT_PORTS },
	{ "mss4", required_argument, NULL, OPT_MSS4 },
	{ "mss6", required_argument, NULL, OPT_MSS6 },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "hop-limit", required_argument, NULL, OPT_HOP_LIMIT },
	{ "ts-cookies", required_argument, NULL, OPT_TS_COOKIES },
	{ "no-listener", required_argument, NULL, OPT_NO_LISTENER },
	{ "cookies", required_argument, NULL, OPT_COOKIES },
	{ "cookie-period", required_argument, NULL, OPT_COOKIE_PERIOD },
	{ "rotate-key", no_argument, NULL, OPT_ROTATE_KEY },
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "verbose", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

const struct option synx_common_long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "verbose", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

void synx_opts_init(struct synx_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = XDP_MODE_UNSPEC;
	o->mss4 = o->mss6 = o->ttl = o->hop_limit = o->no_listener = -1;
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

static bool port_test(const struct synx_ports *p, unsigned int port)
{
	return p->bits[port / 64] & (1ULL << (port % 64));
}

static void port_set(struct synx_ports *p, unsigned int port)
{
	p->bits[port / 64] |= 1ULL << (port % 64);
}

/*
 * "80,443,8000-8100" or "all".  Port 0 is not a destination anyone listens
 * on (and the XDP program drops it), so ranges start at 1.  Overlaps are
 * rejected rather than merged: they are almost always a typo.
 */
int synx_parse_ports(const char *s, struct synx_ports *ports, bool *all)
{
	char buf[4096], *tok, *save = NULL;
	unsigned long lo, hi;
	int err;

	memset(ports, 0, sizeof(*ports));
	*all = false;
	if (!strcmp(s, "all")) {
		*all = true;
		return 0;
	}
	if (!*s)
		return synx_err(SYNX_EXIT_USAGE, "--ports: empty port list");
	if (strlen(s) >= sizeof(buf))
		return synx_err(SYNX_EXIT_USAGE, "--ports: list too long");
	strcpy(buf, s);
	if (buf[0] == ',' || buf[strlen(buf) - 1] == ',' || strstr(buf, ",,"))
		return synx_err(SYNX_EXIT_USAGE, "--ports: empty entry in '%s'", s);

	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok + 1, '-');

		if (dash) {
			*dash = '\0';
			err = synx_parse_uint("--ports: port", tok, 1, 65535, &lo);
			if (!err)
				err = synx_parse_uint("--ports: port", dash + 1, 1, 65535, &hi);
			if (err)
				return err;
			if (lo > hi)
				return synx_err(SYNX_EXIT_USAGE, "--ports: range %lu-%lu is reversed",
						lo, hi);
		} else {
			err = synx_parse_uint("--ports: port", tok, 1, 65535, &lo);
			if (err)
				return err;
			hi = lo;
		}
		for (unsigned long p = lo; p <= hi; p++) {
			if (port_test(ports, p))
				return synx_err(SYNX_EXIT_USAGE,
						"--ports: port %lu listed twice (overlapping ranges)", p);
			port_set(ports, p);
		}
	}
	return 0;
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
		return synx_err(SYNX_EXIT_USAGE, "--mode: unsupported mode '%s' (native, skb or auto)", s);
	return 0;
}

int synx_parse_ts(const char *s, enum synx_ts_mode *ts)
{
	if (!strcmp(s, "auto"))
		*ts = SYNX_TS_AUTO;
	else if (!strcmp(s, "on"))
		*ts = SYNX_TS_ON;
	else if (!strcmp(s, "off"))
		*ts = SYNX_TS_OFF;
	else
		return synx_err(SYNX_EXIT_USAGE, "--ts-cookies: '%s' is not auto, on or off", s);
	return 0;
}

int synx_parse_no_listener(const char *s, int *out)
{
	if (!strcmp(s, "pass"))
		*out = SYNX_NOLISTEN_PASS;
	else if (!strcmp(s, "drop"))
		*out = SYNX_NOLISTEN_DROP;
	else
		return synx_err(SYNX_EXIT_USAGE, "--no-listener: '%s' is not pass or drop", s);
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

int synx_opts_parse_one(struct synx_opts *o, int opt, const char *arg)
{
	unsigned long v;
	int err;

	switch (opt) {
	case OPT_MODE:
		return synx_parse_mode(arg, &o->mode);
	case OPT_PORTS:
		err = synx_parse_ports(arg, &o->ports, &o->all_ports);
		o->ports_set = !err;
		return err;
	case OPT_MSS4:
		/* Upper bound against the MTU comes later, once the interface is known. */
		err = synx_parse_uint("--mss4", arg, SYNX_MSS4_MIN, 65535 - SYNX_IP4_TCP_HDRS, &v);
		o->mss4 = err ? -1 : (int)v;
		return err;
	case OPT_MSS6:
		err = synx_parse_uint("--mss6", arg, SYNX_MSS6_MIN, 65535 - SYNX_IP6_TCP_HDRS, &v);
		o->mss6 = err ? -1 : (int)v;
		return err;
	case OPT_TTL:
		err = synx_parse_uint("--ttl", arg, 1, 255, &v);
		o->ttl = err ? -1 : (int)v;
		return err;
	case OPT_HOP_LIMIT:
		err = synx_parse_uint("--hop-limit", arg, 1, 255, &v);
		o->hop_limit = err ? -1 : (int)v;
		return err;
	case OPT_TS_COOKIES:
		err = synx_parse_ts(arg, &o->ts);
		o->ts_set = !err;
		return err;
	case OPT_NO_LISTENER:
		return synx_parse_no_listener(arg, &o->no_listener);
	case OPT_COOKIES:
		err = synx_parse_cookies(arg, &o->cookies);
		o->cookies_set = !err;
		return err;
	case OPT_COOKIE_PERIOD:
		return synx_parse_uint("--cookie-period", arg, SYNX_COOKIE_PERIOD_MIN,
				       SYNX_COOKIE_PERIOD_MAX, &o->cookie_period);
	case OPT_ROTATE_KEY:
		o->rotate_key = true;
		return 0;
	}
	return synx_err(SYNX_EXIT_USAGE, "unknown option");
}

int synx_opts_check_mtu(const struct synx_opts *o, const char *ifname, unsigned int mtu)
{
	if (o->mss4 > 0 && (unsigned int)o->mss4 > mtu - SYNX_IP4_TCP_HDRS)
		return synx_err(SYNX_EXIT_USAGE,
				"--mss4 %d above what MTU %u of %s carries (max %u = MTU - 40)",
				o->mss4, mtu, ifname, mtu - SYNX_IP4_TCP_HDRS);
	if (o->mss6 > 0 && (unsigned int)o->mss6 > mtu - SYNX_IP6_TCP_HDRS)
		return synx_err(SYNX_EXIT_USAGE,
				"--mss6 %d above what MTU %u of %s carries (max %u = MTU - 60)",
				o->mss6, mtu, ifname, mtu - SYNX_IP6_TCP_HDRS);
	return 0;
}

bool synx_opts_apply(const struct synx_opts *o, const struct synx_config *cur,
		     const struct synx_sysctls *k, struct synx_config *cfg)
{
	const unsigned int derived = SYNX_F_SACK | SYNX_F_WSCALE | SYNX_F_ECN | SYNX_F_TIMESTAMPS;
	bool ts;

	if (cur && cur->version == SYNX_CONFIG_VERSION) {
		*cfg = *cur;
	} else {
		memset(cfg, 0, sizeof(*cfg));
		cfg->flags = SYNX_F_ALL_PORTS;
		cfg->no_listener = SYNX_NOLISTEN_PASS;
		cfg->cookie_mode = o->cookies == SYNX_COOKIES_OWN ? SYNX_COOKIE_OWN
								   : SYNX_COOKIE_KERNEL;
		cur = NULL;
	}
	cfg->version = SYNX_CONFIG_VERSION;

	/* Mirrors of the kernel: always re-read, never user-set. */
	cfg->flags = (cfg->flags & ~derived) |
		     synx_sysctl_flags(k, cfg->cookie_mode == SYNX_COOKIE_OWN);
	cfg->wscale = synx_sysctl_wscale(k);
	/* The one setting the program cannot read itself (a global, not in BTF). */
	cfg->rmem_max = k->rmem_max > 0 && k->rmem_max <= 0x7fffffff ? (__u32)k->rmem_max : 0;

	/*
	 * TS cookies: an explicit on/off sticks across `config` runs that do not
	 * mention it; auto (the attach default) is evaluated now.
	 */
	if (o->ts_set || !cur) {
		switch (o->ts) {
		case SYNX_TS_ON: ts = true; break;
		case SYNX_TS_OFF: ts = false; break;
		default: ts = synx_sysctl_ts_auto(k); break;
		}
		cfg->flags = ts ? cfg->flags | SYNX_F_TS_COOKIES : cfg->flags & ~SYNX_F_TS_COOKIES;
	}

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
	return o->ports_set && !o->all_ports;
}

unsigned int synx_ports_count(const struct synx_ports *p)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < SYNX_PORT_WORDS; i++)
		n += __builtin_popcountll(p->bits[i]);
	return n;
}

void synx_ports_format(const struct synx_ports *p, bool all, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int port = 1;

	if (all) {
		snprintf(buf, len, "all");
		return;
	}
	buf[0] = '\0';
	while (port < 65536 && off < len) {
		unsigned int start;

		if (!port_test(p, port)) {
			port++;
			continue;
		}
		start = port;
		while (port + 1 < 65536 && port_test(p, port + 1))
			port++;
		if (start == port)
			off += snprintf(buf + off, len - off, "%s%u", off ? "," : "", start);
		else
			off += snprintf(buf + off, len - off, "%s%u-%u", off ? "," : "", start, port);
		port++;
	}
	if (off >= len && len > 4)
		strcpy(buf + len - 4, "...");
}
