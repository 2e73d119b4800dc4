/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The settings of `synx attach` and `synx config`, and how they become a synx_config. */
#ifndef SYNX_PARAMS_H
#define SYNX_PARAMS_H

#include <limits.h>
#include <stdbool.h>
#include <linux/types.h>
#include <xdp/libxdp.h>
#include "synx_config.h"
#include "sysctl.h"
#include "gateway.h"

/* --cookies (attach only): auto = own where the kernel has the kfunc. */
enum synx_cookie_choice {
	SYNX_COOKIES_AUTO = 0,
	SYNX_COOKIES_OWN,
	SYNX_COOKIES_KERNEL,
};

/* What the user typed; "unset" fields keep their current value on `config`. */
struct synx_opts {
	enum xdp_attach_mode mode; /* XDP_MODE_UNSPEC = auto */
	bool mode_set;
	bool ports_set;
	bool all_ports; /* --ports all */
	struct synx_ports ports;
	int mss4, mss6;     /* -1: unset */
	int ttl, hop_limit; /* -1: unset; 0: as the kernel (auto) */
	int no_listener;    /* -1: unset, else enum synx_no_listener */
	int ip_options;     /* -1: unset, else 0 (pass) or 1 (drop: SYNX_F_DROP_IP_OPTIONS) */
	bool cookies_set;
	enum synx_cookie_choice cookies;
	unsigned long cookie_period; /* seconds; 0: unset */
	int cookie_clock;            /* -1: unset, else enum synx_cookie_clock */
	bool replace;                /* attach --replace: take over from the running synx */
	struct synx_gw_list gateway; /* --gateway; n 0: none */
	bool gateway_set;            /* given, "none" included */
	int edge;                    /* --edge: -1 unset, else 0 or 1 (SYNX_F_EDGE) */
	bool rotate_key;
	char key_file[PATH_MAX]; /* --key-file; "": the state directory's key */
	int monitor;             /* -1: unset, else 0 or 1 (SYNX_F_MONITOR) */
	bool synack_limit_set;
	__u32 synack_limit, synack_prefix_limit; /* SYN-ACKs per second; 0: none */
	bool synack_prefix_set;
	__u8 prefix4, prefix6;
	/*
	 * Set by --config-file: the file is the whole configuration, so on
	 * `config` what it leaves unset goes back to its default instead of
	 * keeping its value (a line removed and reloaded is undone).
	 */
	bool from_file;
};

void synx_opts_init(struct synx_opts *o);

/*
 * Parsers of the option values: 0 on success, else a SYNX_EXIT_* code after
 * reporting the error.  @what names the option in the message.
 */
int synx_parse_uint(const char *what, const char *s, unsigned long min, unsigned long max,
		    unsigned long *out);
int synx_parse_mode(const char *s, enum xdp_attach_mode *mode);
int synx_parse_ttl(const char *what, const char *s, int *out);
/* pass (0) or drop (1), for --no-listener and --ip-options. */
int synx_parse_pass_drop(const char *what, const char *s, int *out);
int synx_parse_cookies(const char *s, enum synx_cookie_choice *c);
/* boot|tai into enum synx_cookie_clock. */
int synx_parse_cookie_clock(const char *s, int *out);
/* on|off into 1|0. */
int synx_parse_onoff(const char *what, const char *s, int *out);
/* --synack-limit PPS[,PREFIX_PPS]: each a number or "off" (0). */
int synx_parse_synack_limit(const char *s, __u32 *total, __u32 *prefix);
/* --synack-prefix V4LEN,V6LEN. */
int synx_parse_synack_prefix(const char *s, __u8 *v4, __u8 *v6);

/*
 * MSS bounds, as the kernel's: TCP_MIN_MSS (88) is its floor for any MSS
 * (an IPv4 MSS below RFC 9293's 536 is legal for it, tcp_mss_clamp()); the
 * largest is what a 65535-byte IPv4 packet carries, and for IPv6
 * ip6_default_advmss()'s IPV6_MAXPLEN.  The interface MTU bounds both
 * further (synx_opts_check_mtu()).
 */
#define SYNX_MSS_MIN 88
#define SYNX_MSS4_MAX (65535 - 40)
#define SYNX_MSS6_MAX 65534
#define SYNX_IP4_TCP_HDRS 40
#define SYNX_IP6_TCP_HDRS 60

/* Validate MSS against the interface MTU; 0 or SYNX_EXIT_USAGE. */
int synx_opts_check_mtu(const struct synx_opts *o, const char *ifname, unsigned int mtu);

/*
 * What attach and config both do before anything else: find the interface,
 * check the MSS against its MTU, check privileges.  0 or an exit code.
 */
int synx_opts_resolve(const struct synx_opts *o, const char *ifname, int *ifindex,
		      unsigned int *mtu);

/*
 * Build the config to write: start from @cur (NULL on attach: defaults),
 * apply what the user set, re-derive the kernel-mirroring fields from @k.
 * The cookie mode is kept from @cur; on attach it is o->cookies, which the
 * caller has resolved from auto to own or kernel.
 * Returns true when the port bitmap in @o must be written too.
 */
bool synx_opts_apply(const struct synx_opts *o, const struct synx_config *cur,
		     const struct synx_sysctls *k, struct synx_config *cfg);

#endif
