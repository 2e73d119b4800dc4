// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* synx status: where synx runs, with what config, and what the kernel allows. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include "cli.h"
#include "commands.h"
#include "params.h"
#include "report.h"
#include "sysctl.h"
#include "targets.h"

#define MAX_WARN 8

static void format_time(long long t, char *buf, size_t len)
{
	time_t tt = t;
	struct tm tm;

	if (!t || !localtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", &tm))
		snprintf(buf, len, "unknown");
}

static void print_kernel(const struct synx_sysctls *k)
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
		jw_end_object(jw);
		return;
	}
	printf("kernel (this network namespace):\n");
	printf("  net.ipv4.tcp_syncookies=%d tcp_timestamps=%d tcp_sack=%d tcp_window_scaling=%d tcp_ecn=%d\n",
	       k->tcp_syncookies, k->tcp_timestamps, k->tcp_sack, k->tcp_window_scaling, k->tcp_ecn);
	printf("  receive buffer max %ld (window scale shift %u)\n",
	       k->tcp_rmem_max > k->rmem_max ? k->tcp_rmem_max : k->rmem_max, synx_sysctl_wscale(k));
}

static const char *onoff(int v)
{
	return v < 0 ? "n/a" : v ? "on" : "off";
}

static void print_target(const struct synx_target *t, const struct synx_config *cfg,
			 const struct synx_ports *ports, bool have_cfg, const char *map_err)
{
	json_writer_t *jw = synx_cli.json ? synx_json() : NULL;
	char since[64], dir[256], drv[32], warn[MAX_WARN][SYNX_WARN_LEN];
	struct synx_offloads off = { -1, -1, -1, -1 };
	int nwarn = 0;

	snprintf(dir, sizeof(dir), "%s/%s", SYNX_PIN_ROOT, t->ifname);
	drv[0] = '\0';
	if (t->a.ifindex) {
		synx_iface_offloads(t->ifname, &off);
		synx_iface_driver(t->ifname, drv, sizeof(drv));
		nwarn = synx_iface_warnings(t->ifname, &off, drv, warn, MAX_WARN);
	}
	if (t->a.attached)
		format_time(synx_prog_load_walltime(t->a.prog_id), since, sizeof(since));
	if (!t->a.ifindex && nwarn < MAX_WARN)
		snprintf(warn[nwarn++], SYNX_WARN_LEN, "%s: interface is gone; run 'synx detach %s' to remove its pins",
			 t->ifname, t->ifname);
	else if (!t->a.attached && t->pinned && nwarn < MAX_WARN)
		snprintf(warn[nwarn++], SYNX_WARN_LEN, "%s: stale pins in %s without a running program; run 'synx detach %s'",
			 t->ifname, dir, t->ifname);
	if (map_err && nwarn < MAX_WARN)
		snprintf(warn[nwarn++], SYNX_WARN_LEN, "%s: %s", t->ifname, map_err);
	if (!t->a.attached && t->a.ifindex && t->a.other_prog_id && nwarn < MAX_WARN)
		snprintf(warn[nwarn++], SYNX_WARN_LEN, "%s: another XDP program (id %u) is attached", t->ifname,
			 t->a.other_prog_id);

	if (jw) {
		jw_start_object(jw);
		jw_string_field(jw, "ifname", t->ifname);
		jw_int_field(jw, "ifindex", t->a.ifindex);
		jw_string_field(jw, "driver", drv);
		jw_bool_field(jw, "attached", t->a.attached);
		if (t->a.attached) {
			jw_uint_field(jw, "prog_id", t->a.prog_id);
			jw_string_field(jw, "mode", synx_mode_str(t->a.mode));
			jw_string_field(jw, "attach_mode", t->a.dispatcher ? "dispatcher" : "single-program");
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
		if (have_cfg)
			synx_report_config(jw, cfg, ports);
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
	if (have_cfg)
		synx_report_config(NULL, cfg, ports);
	if (t->a.ifindex)
		printf("  offloads:    rx-checksum %s, tx-checksum %s, rx-vlan %s, tx-vlan %s\n",
		       onoff(off.rx_csum), onoff(off.tx_csum), onoff(off.rx_vlan), onoff(off.tx_vlan));
	for (int i = 0; i < nwarn; i++)
		printf("  warning: %s\n", warn[i]);
}

int synx_cmd_status(int argc, char **argv)
{
	struct synx_ports *ports = calloc(1, sizeof(*ports));
	struct synx_target *t = NULL;
	struct synx_config last = {};
	struct synx_sysctls k;
	const char *kwarn[MAX_WARN];
	int opt, n, nk, err = 0;
	bool any_cfg = false;

	optind = 0; /* 0, not 1: glibc then forgets main()'s "+" ordering */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "hjpv", synx_common_long_options, NULL)) != -1) {
		err = synx_common_opt(opt, argv[0]);
		if (err < 0)
			goto out_ok;
		if (!err) {
			err = synx_err(SYNX_EXIT_USAGE, "status: unknown option '%s'", argv[optind - 1]);
			goto out;
		}
	}
	if (argc - optind > 1) {
		err = synx_err(SYNX_EXIT_USAGE, "status: at most one interface");
		goto out;
	}
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
	n = synx_targets_collect(optind < argc ? argv[optind] : NULL, &t);
	if (n < 0) {
		err = -n;
		goto out;
	}

	synx_sysctls_read(&k);
	if (synx_cli.json) {
		jw_start_object(synx_json());
		print_kernel(&k);
		jw_name(synx_json(), "interfaces");
		jw_start_array(synx_json());
	} else {
		print_kernel(&k);
	}
	for (int i = 0; i < n; i++) {
		struct synx_config cfg = {};
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
			synx_maps_close(&m);
		}
		if (have && t[i].a.attached) {
			last = cfg;
			any_cfg = true;
		}
		print_target(&t[i], &cfg, ports, have, map_err);
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
out_ok:
	err = 0;
out:
	free(t);
	free(ports);
	return err;
}
