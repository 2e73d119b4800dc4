// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* synx status: where synx runs, with what config, and what the kernel allows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "synx_counters.h"
#include "cli.h"
#include "commands.h"
#include "counters.h"
#include "firewall.h"
#include "gateway.h"
#include "handoff.h"
#include "kernel_state.h"
#include "options.h"
#include "pins.h"
#include "prereqs.h"
#include "report.h"
#include "sysctl.h"
#include "targets.h"
#include "warnings.h"

#define MAX_WARN 32

static void format_time(long long t, char *buf, size_t len)
{
	time_t tt = t;
	struct tm tm;

	if (!t || !localtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", &tm))
		snprintf(buf, len, "unknown");
}

/*
 * The live TCP settings the XDP program follows at packet time (server.h
 * reads them from the namespace of the listener; these are this one's).
 */
static void print_live_options(const struct synx_sysctls *k, json_writer_t *jw)
{
	bool ts_cookies = synx_sysctl_ts_cookies(k), ts = k->tcp_timestamps > 0;
	bool sack = k->tcp_sack > 0, ws = k->tcp_window_scaling > 0, ecn = k->tcp_ecn > 0;

	if (jw) {
		jw_name(jw, "live_options");
		jw_start_object(jw);
		jw_bool_field(jw, "ts_cookies", ts_cookies);
		jw_bool_field(jw, "timestamps", ts);
		jw_bool_field(jw, "sack", sack);
		jw_bool_field(jw, "window_scaling", ws);
		jw_bool_field(jw, "ecn", ecn);
		jw_end_object(jw);
		return;
	}
	printf("  synx follows: ts-cookies %s (kernel cookies: on when tcp_timestamps=2), timestamps %s, sack %s, window scaling %s, ecn %s\n",
	       ts_cookies ? "on" : "off", ts ? "on" : "off", sack ? "on" : "off", ws ? "on" : "off",
	       ecn ? "on" : "off");
}

static void print_kernel(const struct synx_sysctls *k, bool kfunc)
{
	json_writer_t *jw = synx_cli.json ? synx_json() : NULL;

	if (jw) {
		jw_name(jw, "kernel");
		jw_start_object(jw);
		jw_int_field(jw, "tcp_syncookies", k->tcp_syncookies);
		jw_int_field(jw, "tcp_timestamps", k->tcp_timestamps);
		jw_int_field(jw, "tcp_sack", k->tcp_sack);
		jw_int_field(jw, "tcp_window_scaling", k->tcp_window_scaling);
		jw_int_field(jw, "tcp_ecn", k->tcp_ecn);
		jw_int_field(jw, "tcp_rmem_max", k->tcp_rmem_max);
		jw_int_field(jw, "rmem_max", k->rmem_max);
		jw_uint_field(jw, "wscale", synx_sysctl_wscale(k));
		jw_bool_field(jw, "kfunc_" SYNX_KFUNC_REQSK, kfunc);
		print_live_options(k, jw);
		jw_end_object(jw);
		return;
	}
	printf("kernel (this network namespace):\n");
	printf("  net.ipv4.tcp_syncookies=%d tcp_timestamps=%d tcp_sack=%d tcp_window_scaling=%d tcp_ecn=%d\n",
	       k->tcp_syncookies, k->tcp_timestamps, k->tcp_sack, k->tcp_window_scaling,
	       k->tcp_ecn);
	print_live_options(k, NULL);
	printf("  receive buffer max %ld (window scale shift %u), net.core.rmem_max %ld\n",
	       k->tcp_rmem_max > k->rmem_max ? k->tcp_rmem_max : k->rmem_max, synx_sysctl_wscale(k),
	       k->rmem_max);
	printf("  %s(): %s\n", SYNX_KFUNC_REQSK,
	       kfunc ? "available (own cookies possible)"
		     : "missing (Linux < 6.9: kernel cookies only)");
}

/* An address table as text: how the program finds this family's local addresses. */
static const char *addr_table_text(const char *fn)
{
	if (!strcmp(fn, "none") || !strcmp(fn, "unavailable"))
		return "only the ingress device and lo";
	if (!strcmp(fn, "learning"))
		return "learning (at the first SYN to a local address)";
	return fn;
}

/* What the program learnt of the kernel (synx_state): JSON "kernel_state", or text. */
static void print_kernel_state(const struct synx_state *st, json_writer_t *jw)
{
	bool valid = synx_kernel_state_valid(st);
	const char *sep = "";

	if (jw) {
		jw_name(jw, "kernel_state");
		jw_start_object(jw);
		jw_bool_field(jw, "read", valid);
		if (valid) {
			jw_name(jw, "reads");
			jw_start_object(jw);
			for (unsigned int i = 0; i < synx_nr_kgroups; i++)
				jw_bool_field(jw, synx_kgroups[i].key,
					      st->kernel & synx_kgroups[i].bit);
			jw_end_object(jw);
			jw_name(jw, "address_tables");
			jw_start_object(jw);
			jw_string_field(jw, "ipv4", synx_addr_hash_str(st, false));
			jw_string_field(jw, "ipv6", synx_addr_hash_str(st, true));
			jw_end_object(jw);
		}
		jw_end_object(jw);
		return;
	}
	if (!valid) {
		printf("  kernel:      not read yet (the program records it at the first SYN it judges)\n");
		return;
	}
	printf("  kernel:      reads ");
	for (unsigned int i = 0; i < synx_nr_kgroups; i++)
		if (st->kernel & synx_kgroups[i].bit) {
			printf("%s%s", sep, synx_kgroups[i].key);
			sep = ", ";
		}
	if (!*sep)
		printf("nothing");
	sep = "; cannot read ";
	for (unsigned int i = 0; i < synx_nr_kgroups; i++)
		if (!(st->kernel & synx_kgroups[i].bit)) {
			printf("%s%s", sep, synx_kgroups[i].key);
			sep = ", ";
		}
	printf("\n  addresses:   IPv4 %s; IPv6 %s\n",
	       addr_table_text(synx_addr_hash_str(st, false)),
	       addr_table_text(synx_addr_hash_str(st, true)));
}

static const char *onoff(int v)
{
	return v < 0 ? "n/a" : v ? "on" : "off";
}

/* An offload as JSON: true/false like every other flag, null when the driver does not say. */
static void tristate_field(json_writer_t *jw, const char *name, int v)
{
	jw_name(jw, name);
	if (v < 0)
		jw_null(jw);
	else
		jw_bool(jw, v);
}

/* What status knows about own cookies on one interface. */
struct own_state {
	bool have_keys;
	struct synx_cookie_keys keys;
	struct synx_key_source key_source; /* from the pin dir's link */
	struct synx_tc_info tc;
	bool qdisc_created;
	__u64 no_meta;        /* PASS_NO_META packets, summed over CPUs */
	__u64 handoff_failed; /* PASS_HANDOFF_FAILED: the kfunc said no */
};

static __u64 counter_packets(int fd, __u32 reason)
{
	int ncpus = libbpf_num_possible_cpus();
	struct synx_counter *pc, sum = {};

	if (fd < 0 || ncpus <= 0)
		return 0;
	pc = calloc(ncpus, sizeof(*pc));
	if (pc)
		synx_counter_read(fd, reason, ncpus, pc, &sum);
	free(pc);
	return sum.packets;
}

static void own_state_read(const struct synx_target *t, const struct synx_maps *m,
			   struct own_state *s)
{
	__u32 key = 0;

	memset(s, 0, sizeof(*s));
	s->have_keys = m->fd[SYNX_MAP_IDX_KEYS] >= 0 &&
		       !bpf_map_lookup_elem(m->fd[SYNX_MAP_IDX_KEYS], &key, &s->keys);
	s->no_meta = counter_packets(m->fd[SYNX_MAP_IDX_COUNTERS], SYNX_R_PASS_NO_META);
	s->handoff_failed =
		counter_packets(m->fd[SYNX_MAP_IDX_COUNTERS], SYNX_R_PASS_HANDOFF_FAILED);
	if (t->a.ifindex)
		synx_tc_query(t->a.ifindex, &s->tc);
	s->qdisc_created = t->pinned && synx_clsact_marker_get(t->pins.dir);
	if (t->pinned)
		synx_pins_key_source(t->pins.dir, &s->key_source);
}

/* What the whole namespace shares: sysctls, the kfunc, the firewall. */
struct status_env {
	struct synx_sysctls k;
	bool kfunc;
	struct synx_fw *fw; /* NULL: the ruleset cannot be read */
};

/* What status read of one target's program and maps. */
struct target_info {
	struct synx_config cfg;
	struct synx_ports *ports;
	bool have_cfg;
	const char *map_err;
	struct own_state os;
	bool iproute2_pinned; /* its config map is iproute2's pin: later ip link loads inherit it */
	bool have_kstate;     /* the running program has a synx_state map */
	struct synx_state kstate;
	struct synx_gw_list *gw; /* gateway mode's prefixes, when it is on */
};

/*
 * Warnings about the running program: what it cannot read of this kernel,
 * net.core.rmem_max, and the protected ports the firewall blocks after it.
 */
static int program_warnings(const struct synx_target *t, const struct target_info *ti,
			    const struct status_env *env, char (*warn)[SYNX_WARN_LEN], int max)
{
	bool valid = ti->have_cfg && ti->cfg.version == SYNX_CONFIG_VERSION;
	int n = 0;

	if (!t->a.attached)
		return 0;
	if (valid && (ti->cfg.flags & SYNX_F_MONITOR) && n < max)
		snprintf(
			warn[n++], SYNX_WARN_LEN,
			"%s: MONITOR ONLY: synx decides and counts, but passes every packet untouched (no SYN-ACK, no drop); 'synx config %s --monitor off' enforces",
			t->ifname, t->ifname);
	if (valid && ti->iproute2_pinned && n < max)
		snprintf(
			warn[n++], SYNX_WARN_LEN,
			"%s: this configuration is pinned at %s/%s: every later plain 'ip link ... xdp obj' load inherits it instead of the defaults; 'synx config %s' unpins it",
			t->ifname, SYNX_IPROUTE2_GLOBALS, SYNX_MAP_CONFIG, t->ifname);
	if (ti->have_kstate)
		n += synx_state_warnings(t->ifname, &ti->kstate, warn + n, max - n);
	if (ti->have_cfg)
		n += synx_rmem_warnings(t->ifname, &ti->cfg, &env->k, warn + n, max - n);
	/* Never configured: the built-in defaults protect every port. */
	if (ti->have_cfg)
		n += synx_fw_warnings(env->fw, t->ifname, ti->ports,
				      !valid || (ti->cfg.flags & SYNX_F_ALL_PORTS), warn + n,
				      max - n);
	return n;
}

static void print_target(const struct synx_target *t, const struct target_info *ti,
			 const struct status_env *env)
{
	const struct synx_config *cfg = &ti->cfg;
	const struct synx_ports *ports = ti->ports;
	const struct own_state *os = &ti->os;
	const char *map_err = ti->map_err;
	bool have_cfg = ti->have_cfg, kfunc = env->kfunc;
	bool own = have_cfg && cfg->version == SYNX_CONFIG_VERSION &&
		   cfg->cookie_mode == SYNX_COOKIE_OWN;
	json_writer_t *jw = synx_cli.json ? synx_json() : NULL;
	const char *dir = t->pins.dir;
	char since[64], drv[32], warn[MAX_WARN][SYNX_WARN_LEN];
	struct synx_offloads off = { -1, -1, -1, -1 };
	int nwarn = 0;

	drv[0] = '\0';
	if (t->a.ifindex) {
		synx_iface_offloads(t->ifname, &off);
		synx_iface_driver(t->ifname, drv, sizeof(drv));
		nwarn = synx_iface_warnings(t->ifname, &off, drv, warn, MAX_WARN);
	}
	if (t->a.attached)
		format_time(synx_prog_load_walltime(t->a.prog_id), since, sizeof(since));
	if (!t->a.ifindex && nwarn < MAX_WARN)
		snprintf(warn[nwarn++], SYNX_WARN_LEN,
			 "%s: interface is gone; run 'synx detach %s' to remove its pins",
			 t->ifname, t->ifname);
	else if (!t->a.attached && t->pinned && nwarn < MAX_WARN)
		snprintf(warn[nwarn++], SYNX_WARN_LEN,
			 "%s: stale pins in %s without a running program; run 'synx detach %s'",
			 t->ifname, dir, t->ifname);
	if (map_err && nwarn < MAX_WARN)
		snprintf(warn[nwarn++], SYNX_WARN_LEN, "%s: %s", t->ifname, map_err);
	if (!t->a.attached && t->a.ifindex && t->a.other_prog_id && nwarn < MAX_WARN)
		snprintf(warn[nwarn++], SYNX_WARN_LEN,
			 "%s: another XDP program (id %u) is attached", t->ifname,
			 t->a.other_prog_id);
	if (own && t->a.attached && !(os->tc.attached && os->tc.is_synx) && nwarn < MAX_WARN)
		snprintf(
			warn[nwarn++], SYNX_WARN_LEN,
			"%s: own cookies without the %s hand-off at tc ingress: the kernel resets every handshake ACK synx validates; run 'synx detach %s' and attach again",
			t->ifname, SYNX_TC_PROG, t->ifname);
	if (own && os->no_meta && nwarn < MAX_WARN)
		snprintf(
			warn[nwarn++], SYNX_WARN_LEN,
			"%s: own cookies need XDP metadata, which driver %s does not provide (pass_no_meta = %llu): those handshakes fail; attach with --mode skb or --cookies kernel",
			t->ifname, drv[0] ? drv : "unknown", (unsigned long long)os->no_meta);
	if (own && os->handoff_failed && nwarn < MAX_WARN)
		snprintf(
			warn[nwarn++], SYNX_WARN_LEN,
			"%s: the kernel refused %llu validated handshakes (pass_handoff_failed): %s() failed, so those clients got RST; check net.ipv4.tcp_syncookies, tcp_timestamps and the listener",
			t->ifname, (unsigned long long)os->handoff_failed, SYNX_KFUNC_REQSK);
	if (!t->a.attached && os->tc.attached && os->tc.is_synx && nwarn < MAX_WARN)
		snprintf(warn[nwarn++], SYNX_WARN_LEN,
			 "%s: a stale %s filter (program %u) at tc ingress; run 'synx detach %s'",
			 t->ifname, SYNX_TC_PROG, os->tc.prog_id, t->ifname);
	nwarn += program_warnings(t, ti, env, warn + nwarn, MAX_WARN - nwarn);

	if (jw) {
		jw_start_object(jw);
		jw_string_field(jw, "ifname", t->ifname);
		jw_int_field(jw, "ifindex", t->a.ifindex);
		jw_string_field(jw, "driver", drv);
		jw_bool_field(jw, "attached", t->a.attached);
		if (t->a.attached) {
			jw_uint_field(jw, "prog_id", t->a.prog_id);
			jw_string_field(jw, "mode", synx_mode_str(t->a.mode));
			jw_string_field(jw, "attach_mode",
					t->a.dispatcher ? "dispatcher" : "single-program");
			if (t->a.dispatcher)
				jw_uint_field(jw, "dispatcher_id", t->a.dispatcher_id);
			jw_int_field(jw, "programs", t->a.nr_progs);
			jw_string_field(jw, "since", since);
			jw_int_field(jw, "since_epoch", synx_prog_load_walltime(t->a.prog_id));
		}
		jw_name(jw, "pin_dir");
		if (t->pinned)
			jw_string(jw, dir);
		else
			jw_null(jw);
		if (have_cfg) {
			synx_report_config(jw, cfg, ports);
			synx_report_cookies(jw, cfg, os->have_keys ? &os->keys : NULL,
					    &os->key_source, &os->tc, os->qdisc_created, kfunc);
			if (ti->gw)
				synx_gw_report(jw, t->ifname, ti->gw, ti->cfg.flags & SYNX_F_EDGE);
		}
		if (t->a.attached && ti->have_kstate)
			print_kernel_state(&ti->kstate, jw);
		jw_name(jw, "offloads");
		jw_start_object(jw);
		tristate_field(jw, "rx_checksum", off.rx_csum);
		tristate_field(jw, "tx_checksum", off.tx_csum);
		tristate_field(jw, "rx_vlan", off.rx_vlan);
		tristate_field(jw, "tx_vlan", off.tx_vlan);
		jw_end_object(jw);
		jw_name(jw, "warnings");
		jw_start_array(jw);
		for (int i = 0; i < nwarn; i++)
			jw_string(jw, warn[i]);
		jw_end_array(jw);
		jw_end_object(jw);
		return;
	}

	if (t->a.attached)
		printf("%s: program %u, %s mode, %s, since %s%s\n", t->ifname, t->a.prog_id,
		       synx_mode_str(t->a.mode),
		       t->a.dispatcher ? "libxdp dispatcher"
				       : "single program (libxdp dispatcher unavailable)",
		       since,
		       have_cfg && cfg->version == SYNX_CONFIG_VERSION &&
				       (cfg->flags & SYNX_F_MONITOR)
			       ? " [MONITOR ONLY]"
			       : "");
	else
		printf("%s: synx not running\n", t->ifname);
	if (t->pinned)
		printf("  pins:        %s\n", dir);
	if (have_cfg) {
		synx_report_config(NULL, cfg, ports);
		synx_report_cookies(NULL, cfg, os->have_keys ? &os->keys : NULL, &os->key_source,
				    &os->tc, os->qdisc_created, kfunc);
		if (ti->gw)
			synx_gw_report(NULL, t->ifname, ti->gw, ti->cfg.flags & SYNX_F_EDGE);
	}
	if (t->a.attached && ti->have_kstate)
		print_kernel_state(&ti->kstate, NULL);
	if (t->a.ifindex)
		printf("  offloads:    rx-checksum %s, tx-checksum %s, rx-vlan %s, tx-vlan %s\n",
		       onoff(off.rx_csum), onoff(off.tx_csum), onoff(off.rx_vlan),
		       onoff(off.tx_vlan));
	for (int i = 0; i < nwarn; i++)
		printf("  warning: %s\n", warn[i]);
}

int synx_cmd_status(struct synx_cmdline *cl)
{
	struct synx_ports *ports = calloc(1, sizeof(*ports));
	struct synx_target *t = NULL;
	struct synx_config last = {};
	struct status_env env = {};
	const char *kwarn[MAX_WARN];
	int n, nk, err = 0;
	bool any_cfg = false;

	if (!ports) {
		err = synx_err(SYNX_EXIT_FAIL, "out of memory");
		goto out;
	}
	/*
	 * No bpffs needed: running programs are found through netlink and
	 * their maps by id; pin dirs are only a fallback.
	 */
	err = synx_check_root();
	if (err)
		goto out;
	n = synx_targets_collect(cl->ifname, &t);
	if (n < 0) {
		err = -n;
		goto out;
	}

	synx_sysctls_read(&env.k);
	env.kfunc = synx_kfunc_available();
	/* Only the firewall in front of a running synx matters. */
	for (int i = 0; i < n; i++)
		if (t[i].a.attached) {
			env.fw = synx_fw_read();
			break;
		}
	if (synx_cli.json) {
		jw_start_object(synx_json());
		print_kernel(&env.k, env.kfunc);
		jw_name(synx_json(), "interfaces");
		jw_start_array(synx_json());
	} else {
		print_kernel(&env.k, env.kfunc);
	}
	for (int i = 0; i < n; i++) {
		struct target_info ti = { .ports = ports };
		struct synx_maps m;
		__u32 key = 0;
		int merr = 0;

		/* A broken pin is part of the status, not a reason to stop. */
		synx_cli.quiet = true;
		if (t[i].a.attached || t[i].pinned)
			merr = synx_target_maps(&t[i], &m);
		synx_cli.quiet = false;
		memset(ports, 0, sizeof(*ports));
		if (merr) {
			ti.map_err = synx_cli.last_err;
			synx_maps_close(&m);
		} else if (t[i].a.attached || t[i].pinned) {
			ti.have_cfg =
				m.fd[SYNX_MAP_IDX_CONFIG] >= 0 &&
				!bpf_map_lookup_elem(m.fd[SYNX_MAP_IDX_CONFIG], &key, &ti.cfg);
			if (m.fd[SYNX_MAP_IDX_PORTS] >= 0)
				bpf_map_lookup_elem(m.fd[SYNX_MAP_IDX_PORTS], &key, ports);
			own_state_read(&t[i], &m, &ti.os);
			ti.iproute2_pinned = synx_iproute2_pinned(m.fd[SYNX_MAP_IDX_CONFIG]);
			if (ti.have_cfg && ti.cfg.version == SYNX_CONFIG_VERSION &&
			    (ti.cfg.flags & SYNX_F_GATEWAY) && m.fd[SYNX_MAP_IDX_GATEWAY] >= 0) {
				ti.gw = calloc(1, sizeof(*ti.gw));
				if (ti.gw && synx_gw_map_read(m.fd[SYNX_MAP_IDX_GATEWAY], ti.gw)) {
					free(ti.gw);
					ti.gw = NULL;
				}
			}
			synx_maps_close(&m);
		}
		if (t[i].a.attached)
			ti.have_kstate = !synx_kernel_state_read(t[i].a.prog_id, &ti.kstate);
		if (ti.have_cfg && t[i].a.attached) {
			last = ti.cfg;
			any_cfg = true;
		}
		if (!t[i].a.attached && !t[i].pinned && t[i].a.ifindex)
			synx_tc_query(t[i].a.ifindex, &ti.os.tc);
		print_target(&t[i], &ti, &env);
		free(ti.gw);
	}
	if (!n && !synx_cli.json)
		printf("synx is not attached to any interface\n");

	/*
	 * Nothing running: warn about what the next 'synx attach' would
	 * need, and that is own cookies where the kernel has the kfunc
	 * (which need no TS cookies, so no tcp_timestamps advice).
	 */
	if (!any_cfg) {
		last.version = SYNX_CONFIG_VERSION;
		last.cookie_mode = env.kfunc ? SYNX_COOKIE_OWN : SYNX_COOKIE_KERNEL;
	}
	nk = synx_kernel_warnings(&env.k, &last, kwarn, MAX_WARN);
	if (synx_cli.json) {
		jw_end_array(synx_json());
		jw_name(synx_json(), "warnings");
		jw_start_array(synx_json());
		for (int i = 0; i < nk; i++)
			jw_string(synx_json(), kwarn[i]);
		jw_end_array(synx_json());
		jw_end_object(synx_json());
	} else {
		for (int i = 0; i < nk; i++)
			printf("warning: %s\n", kwarn[i]);
	}
	err = 0;
out:
	synx_fw_free(env.fw);
	free(t);
	free(ports);
	return err;
}
