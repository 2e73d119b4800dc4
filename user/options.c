// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Every option of every command, and the parser generated from them.  See
 * options.h; help.c prints the same rows as help text.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "build_info.h"
#include "cli.h"
#include "conffile.h"
#include "keys.h"
#include "options.h"
#include "ports.h"

static int set_json(struct synx_cmdline *cl, const char *arg)
{
	(void)cl, (void)arg;
	synx_cli.json = true;
	return 0;
}

static int set_pretty(struct synx_cmdline *cl, const char *arg)
{
	synx_cli.pretty = true;
	return set_json(cl, arg);
}

static int set_verbose(struct synx_cmdline *cl, const char *arg)
{
	(void)cl, (void)arg;
	synx_cli.verbose = true;
	return 0;
}

static int show_version(struct synx_cmdline *cl, const char *arg)
{
	(void)cl, (void)arg;
	if (synx_cli.json) {
		jw_start_object(synx_json());
		jw_string_field(synx_json(), "version", SYNX_VERSION);
		jw_string_field(synx_json(), "commit", SYNX_COMMIT);
		jw_string_field(synx_json(), "object", SYNX_LIBDIR "/synx.bpf.o");
		jw_end_object(synx_json());
	} else {
		printf("synx %s (git %s)\n", SYNX_VERSION, SYNX_COMMIT);
		printf("XDP object for 'ip link ... xdp obj': %s/synx.bpf.o (make install)\n",
		       SYNX_LIBDIR);
	}
	return SYNX_CMDLINE_DONE;
}

static int show_help(struct synx_cmdline *cl, const char *arg)
{
	(void)arg;
	synx_usage(stdout, cl->cmd);
	return SYNX_CMDLINE_DONE;
}

static int set_mode(struct synx_cmdline *cl, const char *arg)
{
	int err = synx_parse_mode(arg, &cl->settings.mode);

	cl->settings.mode_set = !err;
	return err;
}

static int set_cookies(struct synx_cmdline *cl, const char *arg)
{
	int err = synx_parse_cookies(arg, &cl->settings.cookies);

	cl->settings.cookies_set = !err;
	return err;
}

static int set_rotate_key(struct synx_cmdline *cl, const char *arg)
{
	(void)arg;
	cl->settings.rotate_key = true;
	return 0;
}

/* Copied: a configuration file's line is gone once the file is parsed. */
static int set_key_file(struct synx_cmdline *cl, const char *arg)
{
	if (!*arg)
		return synx_err(SYNX_EXIT_USAGE, "--key-file: empty file name");
	/* A service runs in /: a relative name would not mean what the file's author meant. */
	if (cl->settings.from_file && *arg != '/')
		return synx_err(
			SYNX_EXIT_USAGE,
			"key-file in a configuration file must be an absolute path, not '%.60s'",
			arg);
	if (strlen(arg) >= sizeof(cl->settings.key_file))
		return synx_err(SYNX_EXIT_USAGE, "--key-file: path too long");
	snprintf(cl->settings.key_file, sizeof(cl->settings.key_file), "%s", arg);
	return 0;
}

static int set_cookie_period(struct synx_cmdline *cl, const char *arg)
{
	return synx_parse_uint("--cookie-period", arg, SYNX_COOKIE_PERIOD_MIN,
			       SYNX_COOKIE_PERIOD_MAX, &cl->settings.cookie_period);
}

static int set_cookie_clock(struct synx_cmdline *cl, const char *arg)
{
	return synx_parse_cookie_clock(arg, &cl->settings.cookie_clock);
}

static int set_gateway(struct synx_cmdline *cl, const char *arg)
{
	cl->settings.gateway_set = true;
	if (!strcmp(arg, "none")) {
		cl->settings.gateway.n = 0;
		return 0;
	}
	return synx_parse_gateway(arg, &cl->settings.gateway);
}

static int set_edge(struct synx_cmdline *cl, const char *arg)
{
	return synx_parse_onoff("--edge", arg, &cl->settings.edge);
}

static int set_replace(struct synx_cmdline *cl, const char *arg)
{
	(void)arg;
	cl->settings.replace = true;
	return 0;
}

static int set_ports(struct synx_cmdline *cl, const char *arg)
{
	int err = synx_parse_ports(arg, &cl->settings.ports, &cl->settings.all_ports);

	cl->settings.ports_set = !err;
	return err;
}

/* A number in [min, max] into an int setting that is -1 while unset. */
static int set_int(const char *what, const char *arg, unsigned long min, unsigned long max,
		   int *out)
{
	unsigned long v;
	int err = synx_parse_uint(what, arg, min, max, &v);

	if (!err)
		*out = (int)v;
	return err;
}

/* The upper bound of either MSS against the MTU comes later, once the interface is known. */
static int set_mss4(struct synx_cmdline *cl, const char *arg)
{
	return set_int("--mss4", arg, SYNX_MSS_MIN, SYNX_MSS4_MAX, &cl->settings.mss4);
}

static int set_mss6(struct synx_cmdline *cl, const char *arg)
{
	return set_int("--mss6", arg, SYNX_MSS_MIN, SYNX_MSS6_MAX, &cl->settings.mss6);
}

static int set_ttl(struct synx_cmdline *cl, const char *arg)
{
	return synx_parse_ttl("--ttl", arg, &cl->settings.ttl);
}

static int set_hop_limit(struct synx_cmdline *cl, const char *arg)
{
	return synx_parse_ttl("--hop-limit", arg, &cl->settings.hop_limit);
}

static int set_no_listener(struct synx_cmdline *cl, const char *arg)
{
	return synx_parse_pass_drop("--no-listener", arg, &cl->settings.no_listener);
}

static int set_ip_options(struct synx_cmdline *cl, const char *arg)
{
	return synx_parse_pass_drop("--ip-options", arg, &cl->settings.ip_options);
}

/* attach: a flag (@arg NULL); config: on|off. */
static int set_monitor(struct synx_cmdline *cl, const char *arg)
{
	if (!arg) {
		cl->settings.monitor = 1;
		return 0;
	}
	return synx_parse_onoff("--monitor", arg, &cl->settings.monitor);
}

static int set_synack_limit(struct synx_cmdline *cl, const char *arg)
{
	int err = synx_parse_synack_limit(arg, &cl->settings.synack_limit,
					  &cl->settings.synack_prefix_limit);

	cl->settings.synack_limit_set = !err;
	return err;
}

static int set_synack_prefix(struct synx_cmdline *cl, const char *arg)
{
	int err = synx_parse_synack_prefix(arg, &cl->settings.prefix4, &cl->settings.prefix6);

	cl->settings.synack_prefix_set = !err;
	return err;
}

static int set_config_file(struct synx_cmdline *cl, const char *arg)
{
	return synx_conffile_apply(cl, arg);
}

static int set_output(struct synx_cmdline *cl, const char *arg)
{
	if (!*arg)
		return synx_err(SYNX_EXIT_USAGE, "--output: empty file name");
	cl->stats.output = arg;
	return 0;
}

static int set_watch(struct synx_cmdline *cl, const char *arg)
{
	return synx_parse_uint("--watch", arg, 1, 3600, &cl->stats.watch);
}

static int set_per_cpu(struct synx_cmdline *cl, const char *arg)
{
	(void)arg;
	cl->stats.per_cpu = true;
	return 0;
}

static int set_prometheus(struct synx_cmdline *cl, const char *arg)
{
	(void)arg;
	cl->stats.prometheus = true;
	return 0;
}

#define ATTACH_CONFIG (SYNX_CMD_ATTACH | SYNX_CMD_CONFIG)
#define EVERYWHERE                                                                                 \
	(SYNX_CMD_GLOBAL | SYNX_CMD_ATTACH | SYNX_CMD_DETACH | SYNX_CMD_CONFIG | SYNX_CMD_STATUS | \
	 SYNX_CMD_STATS | SYNX_CMD_DOCTOR)

/*
 * The cookie mode and the XDP mode are fixed when the programs are loaded
 * (own cookies load and attach synx_tc too): changing them is a reload.
 */
#define ONLY_AT_LOAD "cannot change on a running program; run 'synx detach IFACE' and attach again"

/* In help order: the global options, then those of attach and config, then stats. */
const struct synx_option synx_options[] = {
	{ .name = "json",
	  .short_name = 'j',
	  .accepted_by = EVERYWHERE,
	  .set = set_json,
	  .help = "JSON output (errors too), for every command" },
	{ .name = "pretty",
	  .short_name = 'p',
	  .accepted_by = EVERYWHERE,
	  .set = set_pretty,
	  .help = "indented JSON (implies --json)" },
	{ .name = "verbose",
	  .short_name = 'v',
	  .accepted_by = EVERYWHERE,
	  .set = set_verbose,
	  .help = "show libbpf and libxdp logs" },
	{ .name = "version",
	  .short_name = 'V',
	  .accepted_by = SYNX_CMD_GLOBAL,
	  .set = show_version,
	  .help = "print the version" },
	{ .name = "help",
	  .short_name = 'h',
	  .accepted_by = EVERYWHERE,
	  .set = show_help,
	  .help = "show help" },

	{ .name = "config-file",
	  .metavar = "PATH",
	  .accepted_by = ATTACH_CONFIG,
	  .set = set_config_file,
	  .not_in_file = "cannot be used in a configuration file (no includes)",
	  .help = "read settings from PATH, one 'KEY = VALUE' a line,\n"
		  "KEY an option below without '--' (synx(8), CONFIG\n"
		  "FILE); options after it override it.  config: what\n"
		  "the file leaves out goes back to its default" },
	{ .name = "mode",
	  .metavar = "native|skb|auto",
	  .accepted_by = SYNX_CMD_ATTACH,
	  .refused_by = SYNX_CMD_CONFIG,
	  .refusal = ONLY_AT_LOAD,
	  .set = set_mode,
	  .help = "XDP mode; auto tries native, then skb (default auto)" },
	{ .name = "cookies",
	  .metavar = "own|kernel|auto",
	  .accepted_by = SYNX_CMD_ATTACH,
	  .refused_by = SYNX_CMD_CONFIG,
	  .refusal = ONLY_AT_LOAD,
	  .set = set_cookies,
	  .help = "whose SYN cookies; auto = own when the kernel has\n"
		  "bpf_sk_assign_tcp_reqsk(), else kernel (default auto)" },
	{ .name = "rotate-key",
	  .accepted_by = SYNX_CMD_CONFIG,
	  .refused_by = SYNX_CMD_ATTACH,
	  .refusal = "is a 'synx config' option; attach loads the key (--key-file)",
	  .set = set_rotate_key,
	  .not_in_file = "is an action, not a setting: run 'synx config IFACE --rotate-key'",
	  .help = "own cookies: new current key; the previous one is\n"
		  "still accepted for the cookies it issued (2 periods)" },
	{ .name = "key-file",
	  .metavar = "PATH",
	  .accepted_by = SYNX_CMD_ATTACH,
	  .refused_by = SYNX_CMD_CONFIG,
	  .refusal =
		  "is read at attach; to use another key file, run 'synx detach IFACE' and attach again",
	  .set = set_key_file,
	  .help = "own cookies: the 16-byte key in PATH (raw), created\n"
		  "0600 with a random key if missing; default: one\n"
		  "per interface in /var/lib/synx, so a re-attach keeps\n"
		  "the key and the cookies already issued" },
	{ .name = "cookie-period",
	  .metavar = "SECONDS",
	  .accepted_by = ATTACH_CONFIG,
	  .set = set_cookie_period,
	  .help = "own-cookie clock period, 1-1024, rounded to a power\n"
		  "of two in ns (default 2^36 ns = 68.7 s); a cookie is\n"
		  "valid for 1 to 2 periods" },
	{ .name = "cookie-clock",
	  .metavar = "boot|tai",
	  .accepted_by = SYNX_CMD_ATTACH,
	  .refused_by = SYNX_CMD_CONFIG,
	  .refusal = "is fixed at attach; change it with 'synx attach IFACE --replace'",
	  .set = set_cookie_clock,
	  .help = "own-cookie clock: boot (this host's, the default) or\n"
		  "tai (Linux 6.1+): hosts with the same --key-file and\n"
		  "TAI clocks within 2 s accept each other's cookies" },
	{ .name = "gateway",
	  .metavar = "LIST",
	  .accepted_by = SYNX_CMD_ATTACH,
	  .refused_by = SYNX_CMD_CONFIG,
	  .refusal = "comes with its nftables table; change it with 'synx attach IFACE --replace'",
	  .set = set_gateway,
	  .help = "gateway mode: also answer SYNs this host forwards to\n"
		  "PREFIX[@OPT:...],... (IPv4/IPv6) on the protected\n"
		  "ports, completed by nftables SYNPROXY; OPT: mss=N,\n"
		  "wscale=N, sack, ts, ecn, no<opt> (default mss=1460\n"
		  "(1440 IPv6):wscale=7:sack:ts; 'synx probe' learns them);\n"
		  "none: no gateway (with --replace)" },
	{ .name = "edge",
	  .metavar = "on|off",
	  .accepted_by = SYNX_CMD_ATTACH,
	  .refused_by = SYNX_CMD_CONFIG,
	  .refusal = "is fixed at attach; change it with 'synx attach IFACE --replace'",
	  .set = set_edge,
	  .help = "on: a stateless edge: answer the --gateway prefixes'\n"
		  "SYNs with own cookies of --key-file (--cookie-clock\n"
		  "tai) and forward the rest untouched (no SYNPROXY, no\n"
		  "conntrack); the backends run synx with own cookies and\n"
		  "the same key file, clock and period, and complete the\n"
		  "connections (synx(8), GATEWAY MODE); off: SYNPROXY\n"
		  "completes them (default; --replace keeps the running)" },
	{ .name = "replace",
	  .accepted_by = SYNX_CMD_ATTACH,
	  .refused_by = SYNX_CMD_CONFIG,
	  .refusal = "is an attach option: 'synx attach IFACE --replace ...'",
	  .set = set_replace,
	  .not_in_file = "is an action, not a setting: run 'synx attach IFACE --replace'",
	  .help = "replace the synx running on IFACE in one step (new\n"
		  "options, object or cookie mode): no packet meets no\n"
		  "program, and cookies already issued stay valid; the\n"
		  "cookie mode, key file, cookie clock and period and the\n"
		  "gateway and --edge not given are the running ones;\n"
		  "single-program attach only (not behind libxdp's\n"
		  "dispatcher)" },
	{ .name = "ports",
	  .metavar = "LIST",
	  .accepted_by = ATTACH_CONFIG,
	  .set = set_ports,
	  .help = "protected TCP ports, e.g. 80,443,8000-8100, or 'all'\n"
		  "(default all); no overlaps, 1-65535" },
	{ .name = "mss4",
	  .metavar = "N",
	  .accepted_by = ATTACH_CONFIG,
	  .set = set_mss4,
	  .help = "MSS announced over IPv4, 88..MTU-40, in place of the\n"
		  "device MTU part (default: as the kernel, MTU-40)" },
	{ .name = "mss6",
	  .metavar = "N",
	  .accepted_by = ATTACH_CONFIG,
	  .set = set_mss6,
	  .help = "MSS announced over IPv6, 88..MTU-60, in place of the\n"
		  "device MTU part (default: as the kernel, MTU-60)" },
	{ .name = "ttl",
	  .metavar = "N",
	  .accepted_by = ATTACH_CONFIG,
	  .set = set_ttl,
	  .help = "IPv4 TTL of SYN-ACKs, 1-255, or auto: as the kernel,\n"
		  "the listener's IP_TTL else net.ipv4.ip_default_ttl\n"
		  "(default auto)" },
	{ .name = "hop-limit",
	  .metavar = "N",
	  .accepted_by = ATTACH_CONFIG,
	  .set = set_hop_limit,
	  .help = "IPv6 hop limit of SYN-ACKs, 1-255, or auto: as the\n"
		  "kernel, the listener's IPV6_UNICAST_HOPS else the\n"
		  "device's hop_limit (default auto)" },
	{ .name = "no-listener",
	  .metavar = "pass|drop",
	  .accepted_by = ATTACH_CONFIG,
	  .set = set_no_listener,
	  .help = "segments to a protected port with no socket: pass\n"
		  "lets the kernel answer RST, drop stays silent" },
	{ .name = "ip-options",
	  .metavar = "pass|drop",
	  .accepted_by = ATTACH_CONFIG,
	  .set = set_ip_options,
	  .help = "SYNs to a listener with IPv4 options or IPv6\n"
		  "option/routing headers: pass to the kernel (default)\n"
		  "or drop (drop_ip_options)" },

	{ .name = "monitor",
	  .accepted_by = SYNX_CMD_ATTACH,
	  .set = set_monitor,
	  .help = "monitor only: decide and count as usual, but pass\n"
		  "every packet untouched (no SYN-ACK, no drop)" },
	{ .name = "monitor",
	  .metavar = "on|off",
	  .accepted_by = SYNX_CMD_CONFIG,
	  .set = set_monitor,
	  .help = "monitor only (on) or enforce (off), in place" },
	{ .name = "synack-limit",
	  .metavar = "PPS[,PREFIX_PPS]",
	  .accepted_by = ATTACH_CONFIG,
	  .set = set_synack_limit,
	  .help = "SYN-ACKs per second the device sends at most, and\n"
		  "per source prefix; 0 or off: no limit (default off);\n"
		  "SYNs over it are dropped (drop_synack_budget)" },
	{ .name = "synack-prefix",
	  .metavar = "V4LEN,V6LEN",
	  .accepted_by = ATTACH_CONFIG,
	  .set = set_synack_prefix,
	  .help = "source prefix lengths of the per-prefix limit, IPv4\n"
		  "1-32 and IPv6 1-128 (default 24,48)" },

	{ .name = "watch",
	  .metavar = "SECONDS",
	  .accepted_by = SYNX_CMD_STATS,
	  .set = set_watch,
	  .help = "redraw every SECONDS with per-second rates; Ctrl-C exits\n"
		  "(with --prometheus: rewrite --output every SECONDS)" },
	{ .name = "per-cpu",
	  .accepted_by = SYNX_CMD_STATS,
	  .set = set_per_cpu,
	  .help = "show each CPU's counters too" },
	{ .name = "prometheus",
	  .accepted_by = SYNX_CMD_STATS,
	  .set = set_prometheus,
	  .help = "Prometheus text exposition format" },
	{ .name = "output",
	  .metavar = "FILE",
	  .accepted_by = SYNX_CMD_STATS,
	  .set = set_output,
	  .help = "with --prometheus or --json: write FILE atomically\n"
		  "(a temporary file renamed over it), e.g. for\n"
		  "node_exporter's textfile collector" },
};

#define NR_OPTIONS (sizeof(synx_options) / sizeof(synx_options[0]))
const unsigned int synx_nr_options = NR_OPTIONS;

void synx_cmdline_init(struct synx_cmdline *cl)
{
	memset(cl, 0, sizeof(*cl));
	synx_opts_init(&cl->settings);
}

/* getopt's value for row @i: its short letter, else a number no letter has. */
static int option_val(unsigned int i)
{
	return synx_options[i].short_name ? synx_options[i].short_name : 256 + (int)i;
}

static const struct synx_option *option_by_val(int val)
{
	for (unsigned int i = 0; i < NR_OPTIONS; i++)
		if (option_val(i) == val)
			return &synx_options[i];
	return NULL;
}

/*
 * The getopt_long arrays of the command with bit @bit: every option it
 * accepts or refuses by name (so that prefixes of long options resolve the
 * same for every command that knows them).  ':' first in @shortopts:
 * getopt then tells a missing value from an unknown option.
 */
static void getopt_arrays(unsigned int bit, bool global, struct option *longopts, char *shortopts)
{
	unsigned int nl = 0, ns = 0;

	/* '+' before the command word: stop there, its options are the command's own. */
	shortopts[ns++] = global ? '+' : ':';
	for (unsigned int i = 0; i < NR_OPTIONS; i++) {
		const struct synx_option *o = &synx_options[i];

		if (!((o->accepted_by | o->refused_by) & bit))
			continue;
		longopts[nl++] = (struct option){
			.name = o->name,
			.has_arg = o->metavar ? required_argument : no_argument,
			.val = option_val(i),
		};
		if (o->short_name) {
			shortopts[ns++] = o->short_name;
			if (o->metavar)
				shortopts[ns++] = ':';
		}
	}
	longopts[nl] = (struct option){ 0 };
	shortopts[ns] = '\0';
}

int synx_cmdline_parse(struct synx_cmdline *cl, const struct synx_command *cmd, int argc,
		       char **argv, int *next)
{
	struct option longopts[NR_OPTIONS + 1];
	char shortopts[2 * NR_OPTIONS + 2];
	unsigned int bit = cmd ? cmd->bit : SYNX_CMD_GLOBAL;
	const char *name = cmd ? cmd->name : "synx";
	int opt, err, nargs;

	cl->cmd = cmd;
	getopt_arrays(bit, !cmd, longopts, shortopts);
	optind = 0; /* 0, not 1: glibc then forgets the "+" ordering of the global parse */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct synx_option *o = option_by_val(opt);

		if (opt == ':')
			return synx_err(SYNX_EXIT_USAGE, "%s: option '%s' needs a value", name,
					argv[optind - 1]);
		if (!o && !cmd)
			return synx_err(SYNX_EXIT_USAGE, "unknown option '%s' (see 'synx help')",
					argv[optind - 1]);
		if (!o)
			return synx_err(SYNX_EXIT_USAGE,
					"%s: unknown option '%s' (see 'synx help %s')", name,
					argv[optind - 1], name);
		if (!(o->accepted_by & bit))
			return synx_err(SYNX_EXIT_USAGE, "%s: --%s %s", name, o->name, o->refusal);
		err = o->set(cl, optarg);
		if (err)
			return err;
	}
	if (!cmd) {
		*next = optind;
		return 0;
	}

	nargs = argc - optind;
	if (cmd->iface == SYNX_IFACE_REQUIRED && nargs != 1)
		return synx_err(SYNX_EXIT_USAGE,
				"%s: expected exactly one interface (see 'synx help %s')", name,
				name);
	if (nargs > 1)
		return synx_err(SYNX_EXIT_USAGE, "%s: at most one interface (see 'synx help %s')",
				name, name);
	cl->ifname = nargs ? argv[optind] : NULL;
	return 0;
}
