// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A synx configuration and its cookie state, as text or JSON.  See report.h. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "handoff.h"
#include "keys.h"
#include "keystore.h"
#include "ports.h"
#include "report.h"

static const char *no_listener_str(__u8 v)
{
	return v == SYNX_NOLISTEN_DROP ? "drop" : "pass";
}

/* A TTL or hop limit of the config: 0 is the listener's, else the namespace default. */
static const char *hops_str(__u8 v, char *buf, size_t len)
{
	if (!v)
		return "as the kernel";
	snprintf(buf, len, "%u", v);
	return buf;
}

const char *synx_cookie_mode_str(__u8 mode)
{
	switch (mode) {
	case SYNX_COOKIE_KERNEL:
		return "kernel";
	case SYNX_COOKIE_OWN:
		return "own";
	default:
		return "unknown";
	}
}

/* Seconds, or null when unknown (< 0). */
static void json_seconds(json_writer_t *jw, double s)
{
	if (s < 0)
		jw_null(jw);
	else
		jw_float(jw, s);
}

/* Seconds own cookies are still checked in kernel mode; -1: not at all. */
static double own_window_left(const struct synx_cookie_keys *k)
{
	__u64 now;

	if (!k->own_until_ns || synx_bpf_clock_ns(&now) || (__s64)(k->own_until_ns - now) <= 0)
		return -1;
	return (double)(k->own_until_ns - now) / 1e9;
}

void synx_report_cookies(json_writer_t *jw, const struct synx_config *cfg,
			 const struct synx_cookie_keys *keys, const struct synx_key_source *ks,
			 const struct synx_tc_info *tc, bool qdisc_created, bool kfunc)
{
	bool own = cfg->version == SYNX_CONFIG_VERSION && cfg->cookie_mode == SYNX_COOKIE_OWN;
	double age = keys ? synx_keys_age(keys) : -1;
	__u8 shift = keys && keys->period_shift ? keys->period_shift : SYNX_COOKIE_PERIOD_SHIFT;
	double left = keys && keys->generation ? synx_keys_period_left(keys) : -1;
	double window = !own && keys && keys->generation ? own_window_left(keys) : -1;
	const char *clock = keys && keys->clock == SYNX_CLOCK_TAI ? "tai" : "boot";

	if (jw) {
		jw_name(jw, "cookies");
		jw_start_object(jw);
		jw_string_field(jw, "mode", own ? "own" : "kernel");
		jw_bool_field(jw, "kfunc", kfunc);
		if (keys) {
			jw_uint_field(jw, "generation", keys->generation);
			jw_uint_field(jw, "period_shift", shift);
			jw_float_field(jw, "period_seconds", synx_period_seconds(shift));
			jw_name(jw, "seconds_since_rotation");
			if (age < 0)
				jw_null(jw);
			else
				jw_float(jw, age);
			jw_string_field(jw, "clock", clock);
			jw_int_field(jw, "clock_offset_ms", keys->clock_offset_ns / 1000000);
			jw_name(jw, "period_seconds_left");
			json_seconds(jw, left);
			jw_name(jw, "previous_period_seconds");
			if (keys->prev_shift && keys->shift_changed_ns)
				jw_float(jw, synx_period_seconds(keys->prev_shift));
			else
				jw_null(jw);
			/* Kernel cookies after own ones: how long those are still checked. */
			jw_name(jw, "own_check_seconds_left");
			json_seconds(jw, window);
		}
		if ((own || window > 0) && ks) {
			jw_name(jw, "key_source");
			jw_start_object(jw);
			jw_string_field(jw, "kind", synx_key_kind_str(ks->kind));
			jw_name(jw, "path");
			if (ks->kind == SYNX_KEY_RANDOM)
				jw_null(jw);
			else
				jw_string(jw, ks->path);
			jw_end_object(jw);
		}
		jw_name(jw, "tc");
		jw_start_object(jw);
		jw_bool_field(jw, "attached", tc && tc->attached && tc->is_synx);
		if (tc && tc->attached) {
			jw_uint_field(jw, "prog_id", tc->prog_id);
			jw_uint_field(jw, "prio", tc->prio);
			jw_uint_field(jw, "handle", tc->handle);
		}
		jw_bool_field(jw, "qdisc_created", qdisc_created);
		jw_end_object(jw);
		jw_end_object(jw);
		return;
	}
	if (!own && window > 0) {
		printf("  cookies:     kernel; own cookies issued before still checked for %.0f s\n",
		       window);
	} else if (!own) {
		printf("  cookies:     kernel (the listener's SYN cookies; own cookies %s)\n",
		       kfunc ? "available: attach with --cookies own" : "need Linux 6.9+");
		/* Left from checking own cookies, or marking IPv6 for gateway mode. */
		if (tc && tc->attached && tc->is_synx)
			printf("  tc hand-off: %s program %u, clsact ingress prio %u handle 0x%x\n",
			       SYNX_TC_PROG, tc->prog_id, tc->prio, tc->handle);
		return;
	} else {
		printf("  cookies:     own, key generation %u, period %.1f s (valid 1-2 periods), ",
		       keys ? keys->generation : 0, synx_period_seconds(shift));
		if (age < 0)
			printf("never rotated\n");
		else
			printf("rotated %.0f s ago\n", age);
	}
	if (keys && keys->generation) {
		printf("  clock:       %s%s", clock,
		       keys->clock == SYNX_CLOCK_TAI ? " (shared by hosts with the same key)" : "");
		if (keys->clock_offset_ns)
			printf(", offset %lld ms (tests only)",
			       (long long)(keys->clock_offset_ns / 1000000));
		if (left >= 0)
			printf(", %.1f s left in this period", left);
		printf("\n");
	}
	if (ks && ks->kind != SYNX_KEY_RANDOM)
		printf("  key:         %s %s\n", synx_key_kind_str(ks->kind), ks->path);
	else if (ks)
		printf("  key:         random (a new one at the next attach)\n");
	if (tc && tc->attached && tc->is_synx)
		printf("  tc hand-off: %s program %u, clsact ingress prio %u handle 0x%x%s\n",
		       SYNX_TC_PROG, tc->prog_id, tc->prio, tc->handle,
		       qdisc_created ? " (qdisc created by synx)" : "");
	else
		printf("  tc hand-off: missing\n");
}

void synx_report_config(json_writer_t *jw, const struct synx_config *cfg,
			const struct synx_ports *ports)
{
	bool all = cfg->flags & SYNX_F_ALL_PORTS;
	bool valid = cfg->version == SYNX_CONFIG_VERSION;
	char plist[1024], ttl[16], hop[16];

	/* Never configured: the built-in defaults protect every port. */
	if (!ports || !valid)
		all = true;
	synx_ports_format(ports, all, plist, sizeof(plist));
	if (jw) {
		jw_name(jw, "config");
		jw_start_object(jw);
		jw_uint_field(jw, "version", cfg->version);
		/* version 0: never configured, the program runs on built-in defaults */
		jw_bool_field(jw, "defaults", !valid);
		jw_uint_field(jw, "flags", cfg->flags);
		jw_bool_field(jw, "all_ports", all);
		jw_string_field(jw, "ports", plist);
		jw_uint_field(jw, "port_count", all ? 65535 : synx_ports_count(ports));
		jw_uint_field(jw, "mss4", cfg->mss4);
		jw_uint_field(jw, "mss6", cfg->mss6);
		jw_uint_field(jw, "ttl", cfg->ttl);
		jw_uint_field(jw, "hop_limit", cfg->hop_limit);
		jw_bool_field(jw, "ts_cookies", cfg->flags & SYNX_F_TS_COOKIES);
		jw_bool_field(jw, "sack", cfg->flags & SYNX_F_SACK);
		jw_bool_field(jw, "window_scaling", cfg->flags & SYNX_F_WSCALE);
		jw_bool_field(jw, "ecn", cfg->flags & SYNX_F_ECN);
		jw_uint_field(jw, "wscale", cfg->wscale);
		jw_string_field(jw, "no_listener", no_listener_str(cfg->no_listener));
		jw_string_field(jw, "ip_options",
				cfg->flags & SYNX_F_DROP_IP_OPTIONS ? "drop" : "pass");
		jw_bool_field(jw, "timestamps", cfg->flags & SYNX_F_TIMESTAMPS);
		jw_uint_field(jw, "rmem_max", cfg->rmem_max);
		jw_string_field(jw, "cookie_mode", synx_cookie_mode_str(cfg->cookie_mode));
		jw_bool_field(jw, "monitor", cfg->flags & SYNX_F_MONITOR);
		jw_uint_field(jw, "synack_limit", cfg->synack_limit);
		jw_uint_field(jw, "synack_prefix_limit", cfg->synack_prefix_limit);
		jw_uint_field(jw, "prefix4", cfg->prefix4 ? cfg->prefix4 : SYNX_DEFAULT_PREFIX4);
		jw_uint_field(jw, "prefix6", cfg->prefix6 ? cfg->prefix6 : SYNX_DEFAULT_PREFIX6);
		jw_uint_field(jw, "ncpus", cfg->ncpus);
		jw_end_object(jw);
		return;
	}
	if (!valid) {
		printf("  config:      built-in defaults (never configured; version %u)\n",
		       cfg->version);
		return;
	}
	if (cfg->flags & SYNX_F_MONITOR)
		printf("  monitor:     ON: synx decides and counts, but passes every packet untouched\n");
	printf("  ports:       %s\n", plist);
	/* 0: what the kernel would use (bpf/server.h reads it at packet time). */
	if (cfg->mss4)
		printf("  mss:         ipv4 %u, ", cfg->mss4);
	else
		printf("  mss:         ipv4 as the kernel (MTU-40), ");
	if (cfg->mss6)
		printf("ipv6 %u\n", cfg->mss6);
	else
		printf("ipv6 as the kernel (MTU-60)\n");
	printf("  ttl:         %s, hop limit %s\n", hops_str(cfg->ttl, ttl, sizeof(ttl)),
	       hops_str(cfg->hop_limit, hop, sizeof(hop)));
	if (cfg->rmem_max)
		printf("  rmem_max:    %u (net.core.rmem_max when last attached or configured)\n",
		       cfg->rmem_max);
	else
		printf("  rmem_max:    assumed %u (the kernel default)\n", SYNX_RMEM_MAX_ASSUMED);
	printf("  fallback:    ts-cookies %s, timestamps %s, sack %s, window scaling %s (shift %u), ecn %s (where BTF lacks the sysctls)\n",
	       cfg->flags & SYNX_F_TS_COOKIES ? "on" : "off",
	       cfg->flags & SYNX_F_TIMESTAMPS ? "on" : "off",
	       cfg->flags & SYNX_F_SACK ? "on" : "off", cfg->flags & SYNX_F_WSCALE ? "on" : "off",
	       cfg->wscale, cfg->flags & SYNX_F_ECN ? "on" : "off");
	printf("  no listener: %s\n", no_listener_str(cfg->no_listener));
	printf("  ip options:  %s\n", cfg->flags & SYNX_F_DROP_IP_OPTIONS ? "drop" : "pass");
	synx_budget_format(cfg, plist, sizeof(plist));
	printf("  budget:      %s\n", plist);
}

void synx_budget_format(const struct synx_config *cfg, char *buf, size_t len)
{
	unsigned int p4 = cfg->prefix4 ? cfg->prefix4 : SYNX_DEFAULT_PREFIX4;
	unsigned int p6 = cfg->prefix6 ? cfg->prefix6 : SYNX_DEFAULT_PREFIX6;
	int n;

	if (!cfg->synack_limit && !cfg->synack_prefix_limit) {
		snprintf(buf, len, "no SYN-ACK limit");
		return;
	}
	n = cfg->synack_limit ? snprintf(buf, len, "%u SYN-ACKs/s", cfg->synack_limit)
			      : snprintf(buf, len, "no total SYN-ACK limit");
	if (cfg->synack_prefix_limit && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, ", %u per source /%u (IPv4) or /%u (IPv6)",
			      cfg->synack_prefix_limit, p4, p6);
	if (n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - n, ", shared by %u CPUs", cfg->ncpus ? cfg->ncpus : 1);
}

/* "ttl 64 -> auto; " and the like, for each setting that differs. */
void synx_config_diff(const struct synx_config *a, const struct synx_ports *pa,
		      const struct synx_config *b, const struct synx_ports *pb, char *buf,
		      size_t len)
{
	char x[1024], y[1024];
	size_t n = 0;

#define ADD(...)                                                              \
	do {                                                                  \
		if (n < len)                                                  \
			n += snprintf(buf + n, len - n, "%s", n ? "; " : ""); \
		if (n < len)                                                  \
			n += snprintf(buf + n, len - n, __VA_ARGS__);         \
	} while (0)
	buf[0] = '\0';
	synx_ports_format(pa, !pa || (a->flags & SYNX_F_ALL_PORTS), x, sizeof(x));
	synx_ports_format(pb, !pb || (b->flags & SYNX_F_ALL_PORTS), y, sizeof(y));
	if (strcmp(x, y))
		ADD("ports %s -> %s", x, y);
	if ((a->flags ^ b->flags) & SYNX_F_MONITOR)
		ADD("monitor %s -> %s", a->flags & SYNX_F_MONITOR ? "on" : "off",
		    b->flags & SYNX_F_MONITOR ? "on" : "off");
	if (a->mss4 != b->mss4)
		ADD("mss4 %u -> %u", a->mss4, b->mss4);
	if (a->mss6 != b->mss6)
		ADD("mss6 %u -> %u", a->mss6, b->mss6);
	if (a->ttl != b->ttl)
		ADD("ttl %u -> %u", a->ttl, b->ttl);
	if (a->hop_limit != b->hop_limit)
		ADD("hop-limit %u -> %u", a->hop_limit, b->hop_limit);
	if (a->no_listener != b->no_listener)
		ADD("no-listener %s -> %s", no_listener_str(a->no_listener),
		    no_listener_str(b->no_listener));
	if ((a->flags ^ b->flags) & SYNX_F_DROP_IP_OPTIONS)
		ADD("ip-options %s -> %s", a->flags & SYNX_F_DROP_IP_OPTIONS ? "drop" : "pass",
		    b->flags & SYNX_F_DROP_IP_OPTIONS ? "drop" : "pass");
	if (a->synack_limit != b->synack_limit || a->synack_prefix_limit != b->synack_prefix_limit)
		ADD("synack-limit %u,%u -> %u,%u", a->synack_limit, a->synack_prefix_limit,
		    b->synack_limit, b->synack_prefix_limit);
	if (a->prefix4 != b->prefix4 || a->prefix6 != b->prefix6)
		ADD("synack-prefix %u,%u -> %u,%u", a->prefix4, a->prefix6, b->prefix4, b->prefix6);
	if (a->rmem_max != b->rmem_max)
		ADD("rmem_max %u -> %u", a->rmem_max, b->rmem_max);
#undef ADD
}
