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
#include "handoff.h"
#include "options.h"
#include "pins.h"
#include "prereqs.h"
#include "report.h"
#include "sysctl.h"
#include "targets.h"
#include "warnings.h"

#define MAX_WARN 8

static void format_time(long long t, char *buf, size_t len)
{
	time_t tt = t;
	struct tm tm;

	if (!t || !localtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", &tm))
		snprintf(buf, len, "unknown");
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
		jw_end_object(jw);
		return;
	}
	printf("kernel (this network namespace):\n");
	printf("  net.ipv4.tcp_syncookies=%d tcp_timestamps=%d tcp_sack=%d tcp_window_scaling=%d tcp_ecn=%d\n",
	       k->tcp_syncookies, k->tcp_timestamps, k->tcp_sack, k->tcp_window_scaling,
	       k->tcp_ecn);
	printf("  receive buffer max %ld (window scale shift %u)\n",
	       k->tcp_rmem_max > k->rmem_max ? k->tcp_rmem_max : k->rmem_max,
	       synx_sysctl_wscale(k));
	printf("  %s(): %s\n", SYNX_KFUNC_REQSK,
	       kfunc ? "available (own cookies possible)"
		     : "missing (Linux < 6.9: kernel cookies only)");
}

static const char *onoff(int v)
{
	return v < 0 ? "n/a" : v ? "on" : "off";
}

/* What status knows about own cookies on one interface. */
struct own_state {
	bool have_keys;
	struct synx_cookie_keys keys;
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
	char dir[256];
	__u32 key = 0;

	memset(s, 0, sizeof(*s));
	s->have_keys = m->fd[SYNX_MAP_IDX_KEYS] >= 0 &&
		       !bpf_map_lookup_elem(m->fd[SYNX_MAP_IDX_KEYS], &key, &s->keys);
	s->no_meta = counter_packets(m->fd[SYNX_MAP_IDX_COUNTERS], SYNX_R_PASS_NO_META);
	s->handoff_failed =
		counter_packets(m->fd[SYNX_MAP_IDX_COUNTERS], SYNX_R_PASS_HANDOFF_FAILED);
	if (t->a.ifindex)
		synx_tc_query(t->a.ifindex, &s->tc);
	synx_pin_dir(dir, sizeof(dir), t->ifname);
	s->qdisc_created = t->pinned && synx_clsact_marker_get(dir);
}

static void print_target(const struct synx_target *t, const struct synx_config *cfg,
			 const struct synx_ports *ports, bool have_cfg, const char *map_err,
			 const struct own_state *os, bool kfunc)
{
	bool own = have_cfg && cfg->version == SYNX_CONFIG_VERSION &&
		   cfg->cookie_mode == SYNX_COOKIE_OWN;
	json_writer_t *jw = synx_cli.json ? synx_json() : NULL;
	char since[64], dir[256], drv[32], warn[MAX_WARN][SYNX_WARN_LEN];
	struct synx_offloads off = { -1, -1, -1, -1 };
	int nwarn = 0;

	synx_pin_dir(dir, sizeof(dir), t->ifname);
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
			synx_report_cookies(jw, cfg, os->have_keys ? &os->keys : NULL, &os->tc,
					    os->qdisc_created, kfunc);
		}
		jw_name(jw, "offloads");
		jw_start_object(jw);
		jw_int_field(jw, "rx_checksum", off.rx_csum);
		jw_int_field(jw, "tx_checksum", off.tx_csum);
		jw_int_field(jw, "rx_vlan", off.rx_vlan);
		jw_int_field(jw, "tx_vlan", off.tx_vlan);
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
		printf("%s: program %u, %s mode, %s, since %s\n", t->ifname, t->a.prog_id,
		       synx_mode_str(t->a.mode),
		       t->a.dispatcher ? "libxdp dispatcher"
				       : "single program (libxdp dispatcher unavailable)",
		       since);
	else
		printf("%s: synx not running\n", t->ifname);
	if (t->pinned)
		printf("  pins:        %s\n", dir);
	if (have_cfg) {
		synx_report_config(NULL, cfg, ports);
		synx_report_cookies(NULL, cfg, os->have_keys ? &os->keys : NULL, &os->tc,
				    os->qdisc_created, kfunc);
	}
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
	struct synx_sysctls k;
	const char *kwarn[MAX_WARN];
	int n, nk, err = 0;
	bool any_cfg = false, kfunc;

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

	synx_sysctls_read(&k);
	kfunc = synx_kfunc_available();
	if (synx_cli.json) {
		jw_start_object(synx_json());
		print_kernel(&k, kfunc);
		jw_name(synx_json(), "interfaces");
		jw_start_array(synx_json());
	} else {
		print_kernel(&k, kfunc);
	}
	for (int i = 0; i < n; i++) {
		struct synx_config cfg = {};
		struct own_state os = {};
		const char *map_err = NULL;
		struct synx_maps m;
		bool have = false;
		__u32 key = 0;
		int merr = 0;

		/* A broken pin is part of the status, not a reason to stop. */
		synx_cli.quiet = true;
		if (t[i].a.attached || t[i].pinned)
			merr = synx_target_maps(&t[i], &m);
		synx_cli.quiet = false;
		if (merr) {
			map_err = synx_cli.last_err;
			synx_maps_close(&m);
		} else if (t[i].a.attached || t[i].pinned) {
			have = m.fd[SYNX_MAP_IDX_CONFIG] >= 0 &&
			       !bpf_map_lookup_elem(m.fd[SYNX_MAP_IDX_CONFIG], &key, &cfg);
			memset(ports, 0, sizeof(*ports));
			if (m.fd[SYNX_MAP_IDX_PORTS] >= 0)
				bpf_map_lookup_elem(m.fd[SYNX_MAP_IDX_PORTS], &key, ports);
			own_state_read(&t[i], &m, &os);
			synx_maps_close(&m);
		}
		if (have && t[i].a.attached) {
			last = cfg;
			any_cfg = true;
		}
		if (!t[i].a.attached && !t[i].pinned && t[i].a.ifindex)
			synx_tc_query(t[i].a.ifindex, &os.tc);
		print_target(&t[i], &cfg, ports, have, map_err, &os, kfunc);
	}
	if (!n && !synx_cli.json)
		printf("synx is not attached to any interface\n");

	nk = synx_kernel_warnings(&k, any_cfg ? &last : NULL, kwarn, MAX_WARN);
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
	free(t);
	free(ports);
	return err;
}
