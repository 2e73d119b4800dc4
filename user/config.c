// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * synx config: change a running synx in place through its maps (ports,
 * settings, own-cookie keys), found through the program on the interface.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "synx_config.h"
#include "attachment.h"
#include "cli.h"
#include "commands.h"
#include "handoff.h"
#include "keys.h"
#include "keystore.h"
#include "log.h"
#include "maps.h"
#include "options.h"
#include "params.h"
#include "pins.h"
#include "ports.h"
#include "report.h"
#include "sysctl.h"

/*
 * A configuration file names the load-time settings too (the unit's start
 * reads the same file): on a reload they must be what runs, since config
 * cannot change them.  auto matches whatever attach chose.
 */
static int check_load_time(struct synx_opts *o, const struct synx_attachment *a, bool own,
			   const struct synx_cookie_keys *keys, const struct synx_key_source *ks,
			   const char *ifname)
{
	char abs[PATH_MAX];

	if (o->mode_set && o->mode != XDP_MODE_UNSPEC && o->mode != a->mode)
		return synx_err(
			SYNX_EXIT_USAGE,
			"mode %s: synx on %s runs in %s mode, which only a new attach changes (systemctl restart synx@%s)",
			synx_mode_str(o->mode), ifname, synx_mode_str(a->mode), ifname);
	if (o->cookies_set && o->cookies != SYNX_COOKIES_AUTO &&
	    (o->cookies == SYNX_COOKIES_OWN) != own)
		return synx_err(
			SYNX_EXIT_USAGE,
			"cookies %s: synx on %s uses %s cookies, which only a new attach changes (systemctl restart synx@%s)",
			o->cookies == SYNX_COOKIES_OWN ? "own" : "kernel", ifname,
			own ? "own" : "kernel", ifname);
	/* As attach does: auto settled for kernel cookies, so their period is moot. */
	if (!own && o->cookie_period && o->cookies != SYNX_COOKIES_OWN) {
		synx_warn("%s: cookie-period ignored: synx runs with kernel cookies", ifname);
		o->cookie_period = 0;
	}
	if (!own && o->key_file[0])
		synx_warn("%s: key-file ignored: synx runs with kernel cookies", ifname);
	if (own && o->cookie_clock >= 0 && o->cookie_clock != keys->clock)
		return synx_err(
			SYNX_EXIT_USAGE,
			"cookie-clock %s: synx on %s counts own cookies on the %s clock, which only a new attach changes (synx attach %s --replace)",
			o->cookie_clock == SYNX_CLOCK_TAI ? "tai" : "boot", ifname,
			keys->clock == SYNX_CLOCK_TAI ? "tai" : "boot", ifname);
	/* The same file, however the path is spelled. */
	if (own && o->key_file[0] &&
	    (ks->kind != SYNX_KEY_FILE || !realpath(o->key_file, abs) || strcmp(abs, ks->path)))
		return synx_err(
			SYNX_EXIT_USAGE,
			"key-file %s: synx on %s uses the key %s%s%s, which only a new attach changes (systemctl restart synx@%s)",
			o->key_file, ifname,
			ks->kind == SYNX_KEY_RANDOM ? "it made at attach" : "in ",
			ks->kind == SYNX_KEY_RANDOM ? "" : ks->path,
			ks->kind == SYNX_KEY_STATE ? " (the state directory)" : "", ifname);
	return 0;
}

/*
 * A configuration file's gateway must be the running one: it comes with
 * its nftables table, which only an attach makes.  0 or an exit code.
 */
static int check_gateway(const struct synx_opts *o, int fd, bool edge, const char *ifname)
{
	struct synx_gw_list *run = calloc(1, sizeof(*run));
	bool same;

	if (!run)
		return synx_err(SYNX_EXIT_FAIL, "out of memory");
	if (fd < 0 || synx_gw_map_read(fd, run))
		run->n = 0;
	same = run->n == o->gateway.n;
	for (unsigned int i = 0; same && i < o->gateway.n; i++) {
		bool found = false;

		for (unsigned int j = 0; j < run->n && !found; j++)
			found = !memcmp(&o->gateway.e[i].key, &run->e[j].key,
					sizeof(run->e[j].key)) &&
				!memcmp(&o->gateway.e[i].b, &run->e[j].b, sizeof(run->e[j].b));
		same = found;
	}
	/* An edge or not: whether the table exists, so attach's too. */
	same = same && (o->edge > 0) == (edge && o->gateway.n);
	free(run);
	if (same)
		return 0;
	return synx_err(
		SYNX_EXIT_USAGE,
		"gateway: synx on %s runs another gateway, which only a new attach changes (synx attach %s --replace --config-file FILE)",
		ifname, ifname);
}

/*
 * A new cookie period, the old one kept for the cookies issued under it.
 * 0, or -errno when the program's clock cannot be read.
 */
static int set_period(struct synx_cookie_keys *k, __u8 shift)
{
	__u64 now;
	int err = synx_bpf_clock_ns(&now);

	if (!err)
		synx_keys_set_period(k, shift, now);
	return err;
}

/*
 * Rotate @k to the key now in @src's file if it differs from the running
 * one (*@changed).  0, -errno when the clock cannot be read, or an exit
 * code when the file cannot be trusted (reported).
 */
static int reload_key(struct synx_cookie_keys *k, const struct synx_key_source *src,
		      const char *ifname, bool *changed)
{
	struct synx_key_source now_src;
	__u64 key[2], now;
	int err;

	*changed = false;
	err = synx_keystore_peek(src->path, ifname, key, &now_src);
	if (err == 1) {
		synx_warn("%s: the key file %s is gone: the running key stays", ifname, src->path);
		return 0;
	}
	if (err)
		return err;
	if (memcmp(key, k->cur, sizeof(key))) {
		err = synx_bpf_clock_ns(&now);
		if (err) {
			explicit_bzero(key, sizeof(key));
			return err;
		}
		synx_keys_rotate_to(k, key, now);
		*changed = true;
	}
	explicit_bzero(key, sizeof(key));
	return 0;
}

/*
 * The gateway's nftables table for new protected ports: the prefixes
 * are the program's (map @fd).  0 or an exit code (the program already
 * protects the new ports; the table is then stale, and says so).
 */
static int config_gateway_ports(const char *ifname, int fd, const struct synx_ports *ports,
				bool all)
{
	struct synx_gw_list *l = calloc(1, sizeof(*l));
	int err;

	if (!l)
		return synx_err(SYNX_EXIT_FAIL, "out of memory");
	err = synx_gw_map_read(fd, l);
	if (err) {
		free(l);
		return synx_err(SYNX_EXIT_FAIL, "cannot read the gateway prefixes: %s",
				strerror(-err));
	}
	err = synx_gw_nft_apply(ifname, l, ports, all);
	free(l);
	return err;
}

/*
 * A program loaded by `ip link ... xdp obj` shares its config and port maps
 * with iproute2's pins, which outlive it: the next plain `ip link` load
 * would take this configuration over instead of the documented defaults.
 * Unpinned, the maps stay with the programs that hold them, and the next
 * load creates fresh ones.
 */
static void unpin_iproute2(const char *ifname, const struct synx_maps *m)
{
	static const enum synx_map_idx idx[] = { SYNX_MAP_IDX_CONFIG, SYNX_MAP_IDX_PORTS };
	bool any = false;

	for (unsigned int i = 0; i < sizeof(idx) / sizeof(idx[0]); i++)
		if (synx_iproute2_unpin(m->fd[idx[i]]))
			any = true;
	if (any)
		synx_note(
			"%s: configuration unpinned from %s: it stays with this program, and the next plain 'ip link ... xdp obj' load starts from the defaults",
			ifname, SYNX_IPROUTE2_GLOBALS);
}

/* One line for each change: the settings, the key. */
static void log_changes(const char *ifname, const struct synx_config *cur,
			const struct synx_ports *cur_ports, const struct synx_config *cfg,
			const struct synx_ports *ports, const struct synx_cookie_keys *old_keys,
			const struct synx_cookie_keys *keys, bool from_file)
{
	struct synx_config before = *cur;
	char diff[1536];

	/* A program that never had a config runs on the defaults: compare with those. */
	if (before.version != SYNX_CONFIG_VERSION) {
		memset(&before, 0, sizeof(before));
		before.flags = SYNX_F_ALL_PORTS;
	}
	synx_config_diff(&before, cur_ports, cfg, ports, diff, sizeof(diff));
	if (old_keys->period_shift != keys->period_shift)
		snprintf(diff + strlen(diff), sizeof(diff) - strlen(diff),
			 "%scookie-period %.1f s -> %.1f s", diff[0] ? "; " : "",
			 synx_period_seconds(old_keys->period_shift),
			 synx_period_seconds(keys->period_shift));
	/* A rotation alone is one event, not also an unchanged config. */
	if (diff[0] || keys->generation == old_keys->generation)
		synx_log(LOG_NOTICE, ifname, "config %s%s%s", diff[0] ? "changed: " : "unchanged",
			 diff, from_file ? " (from a configuration file)" : "");
	if (keys->generation != old_keys->generation)
		synx_log(LOG_NOTICE, ifname, "own-cookie key rotated: generation %u -> %u",
			 old_keys->generation, keys->generation);
}

int synx_cmd_config(struct synx_cmdline *cl)
{
	struct synx_opts *o = &cl->settings;
	const char *ifname = cl->ifname;
	struct synx_ports *cur_ports = calloc(1, sizeof(*cur_ports));
	struct synx_attachment a;
	struct synx_maps m;
	struct synx_sysctls k;
	struct synx_config cur = {}, cfg;
	struct synx_cookie_keys keys = {};
	struct synx_tc_info tci = {};
	struct synx_pins pins;
	struct synx_key_source *ks = calloc(1, sizeof(*ks));
	unsigned int mtu;
	int ifindex, err, kerr = 0;
	bool key_reloaded = false, ports_set;
	struct synx_ports *old_ports = calloc(1, sizeof(*old_ports));
	struct synx_cookie_keys old_keys;
	bool have_keys, qdisc, kfunc, own;
	__u32 key = 0;

	synx_maps_init(&m);
	if (!cur_ports || !old_ports || !ks) {
		err = synx_err(SYNX_EXIT_FAIL, "out of memory");
		goto out;
	}
	/* Maps are found by program id: config needs no bpffs. */
	err = synx_opts_resolve(o, ifname, &ifindex, &mtu);
	if (err)
		goto out;
	err = synx_attachment_query(ifindex, &a);
	if (err) {
		err = synx_err(SYNX_EXIT_FAIL, "cannot query XDP on %s: %s", ifname,
			       strerror(-err));
		goto out;
	}
	if (!a.attached) {
		err = synx_err(SYNX_EXIT_NOT_ATTACHED,
			       "synx is not attached to %s (see 'synx attach')", ifname);
		goto out;
	}
	/* The maps the running program uses, however it was attached. */
	err = synx_maps_open_prog(a.prog_id, &m);
	if (err)
		goto out;
	if (m.fd[SYNX_MAP_IDX_CONFIG] < 0 || m.fd[SYNX_MAP_IDX_PORTS] < 0) {
		err = synx_err(SYNX_EXIT_INCOMPAT, "program %u on %s has no synx config maps",
			       a.prog_id, ifname);
		goto out;
	}
	if (bpf_map_lookup_elem(m.fd[SYNX_MAP_IDX_CONFIG], &key, &cur) ||
	    bpf_map_lookup_elem(m.fd[SYNX_MAP_IDX_PORTS], &key, cur_ports)) {
		err = synx_err(SYNX_EXIT_FAIL, "cannot read the config of %s: %s", ifname,
			       strerror(errno));
		goto out;
	}
	memcpy(old_ports, cur_ports, sizeof(*old_ports));
	have_keys = m.fd[SYNX_MAP_IDX_KEYS] >= 0 &&
		    !bpf_map_lookup_elem(m.fd[SYNX_MAP_IDX_KEYS], &key, &keys);
	own = cur.version == SYNX_CONFIG_VERSION && cur.cookie_mode == SYNX_COOKIE_OWN &&
	      have_keys && keys.generation;
	old_keys = keys;
	/* Pins exist only for a `synx attach`: an `ip link` program has a random key. */
	if (!synx_pins_of(ifindex, &pins) && pins.exists)
		synx_pins_key_source(pins.dir, ks);
	else
		pins.exists = false;
	if (o->from_file) {
		err = check_load_time(o, &a, own, &keys, ks, ifname);
		if (!err)
			err = check_gateway(o, m.fd[SYNX_MAP_IDX_GATEWAY],
					    cur.version == SYNX_CONFIG_VERSION &&
						    (cur.flags & SYNX_F_EDGE),
					    ifname);
		if (err)
			goto out;
	}
	if (o->rotate_key || o->cookie_period) {
		if (!own) {
			err = synx_err(
				SYNX_EXIT_USAGE,
				"%s: synx on %s uses kernel cookies, which have no synx keys; 'synx detach %s' and attach with --cookies own",
				o->rotate_key ? "--rotate-key" : "--cookie-period", ifname, ifname);
			goto out;
		}
		if (o->rotate_key) {
			err = synx_keys_rotate(&keys);
			if (err) {
				err = synx_err(SYNX_EXIT_FAIL, "cannot make a new key: %s",
					       strerror(-err));
				goto out;
			}
		}
		if (o->cookie_period) {
			err = synx_keys_period_check(keys.clock,
						     synx_period_shift(o->cookie_period));
			if (err)
				goto out;
			kerr = set_period(&keys, synx_period_shift(o->cookie_period));
		}
	} else if (o->from_file && own) {
		/* The file leaves the period at its default. */
		kerr = set_period(&keys, 0);
	}
	/*
	 * A reload (the unit's, or any --config-file) picks up a key file
	 * that was replaced since (how hosts sharing a key rotate it): a
	 * rotation to the file's key, so the running key's cookies live on.
	 */
	if (!kerr && o->from_file && own && !o->rotate_key && ks->kind != SYNX_KEY_RANDOM)
		kerr = reload_key(&keys, ks, ifname, &key_reloaded);
	if (kerr > 0) {
		err = kerr; /* an exit code, already reported */
		goto out;
	}
	if (kerr < 0) {
		err = synx_err(SYNX_EXIT_FAIL, "cannot read the program's clock: %s",
			       strerror(-kerr));
		goto out;
	}

	synx_sysctls_read(&k);
	/*
	 * Ports before flags: narrowing from "all" to a list must find the list
	 * already in place, so no packet sees an empty set in between.  Each
	 * map update is atomic for the reader (a single-entry array value is
	 * copied whole under RCU).
	 */
	ports_set = synx_opts_apply(o, &cur, &k, &cfg);
	/*
	 * Gateway mode's nftables rules name the protected ports too: they
	 * change first, so that the program never protects a port the rules
	 * do not (a failure changes nothing).  A stateless edge has none.
	 */
	if ((cfg.flags & SYNX_F_GATEWAY) && !(cfg.flags & SYNX_F_EDGE) &&
	    m.fd[SYNX_MAP_IDX_GATEWAY] >= 0 &&
	    ((cfg.flags ^ cur.flags) & SYNX_F_ALL_PORTS ||
	     (ports_set && memcmp(&o->ports, old_ports, sizeof(*old_ports))))) {
		err = config_gateway_ports(ifname, m.fd[SYNX_MAP_IDX_GATEWAY],
					   ports_set ? &o->ports : old_ports,
					   cfg.flags & SYNX_F_ALL_PORTS);
		if (err)
			goto out;
	}
	if (ports_set) {
		if (bpf_map_update_elem(m.fd[SYNX_MAP_IDX_PORTS], &key, &o->ports, BPF_ANY)) {
			err = synx_err(SYNX_EXIT_FAIL, "cannot write ports: %s", strerror(errno));
			goto out;
		}
		memcpy(cur_ports, &o->ports, sizeof(*cur_ports));
	}
	if (bpf_map_update_elem(m.fd[SYNX_MAP_IDX_CONFIG], &key, &cfg, BPF_ANY)) {
		err = synx_err(SYNX_EXIT_FAIL, "cannot write config: %s", strerror(errno));
		goto out;
	}
	/*
	 * The whole key struct in one update: the program copies it whole
	 * too, so it never mixes a new cur with an old prev or generation.
	 */
	/*
	 * A rotated key is written where it came from just before the program
	 * sees it, after everything else that can fail: the next attach loads
	 * this key, and a failure here leaves the running key and the file as
	 * they were.
	 */
	if (o->rotate_key) {
		err = synx_keystore_save(ks, keys.cur);
		if (err)
			goto out;
	}
	if (own && memcmp(&keys, &old_keys, sizeof(keys)) &&
	    bpf_map_update_elem(m.fd[SYNX_MAP_IDX_KEYS], &key, &keys, BPF_ANY)) {
		err = synx_err(SYNX_EXIT_FAIL, "cannot write the keys: %s", strerror(errno));
		/* The file goes back to the key that runs. */
		if (o->rotate_key && synx_keystore_save(ks, old_keys.cur))
			synx_err(SYNX_EXIT_FAIL,
				 "the key file now differs from the running key: rotate again");
		goto out;
	}
	log_changes(ifname, &cur, old_ports, &cfg, cur_ports, &old_keys, &keys, o->from_file);
	unpin_iproute2(ifname, &m);
	synx_tc_query(ifindex, &tci);
	qdisc = pins.exists && synx_clsact_marker_get(pins.dir);
	kfunc = synx_kfunc_available();
	if (synx_cli.json) {
		jw_start_object(synx_json());
		jw_string_field(synx_json(), "ifname", ifname);
		jw_uint_field(synx_json(), "prog_id", a.prog_id);
		synx_report_config(synx_json(), &cfg, cur_ports);
		synx_report_cookies(synx_json(), &cfg, have_keys ? &keys : NULL, ks, &tci, qdisc,
				    kfunc);
		jw_end_object(synx_json());
	} else {
		printf("synx config of %s updated%s:\n", ifname,
		       o->rotate_key  ? " (key rotated)"
		       : key_reloaded ? " (key rotated to the key file's new key)"
				      : "");
		synx_report_config(NULL, &cfg, cur_ports);
		synx_report_cookies(NULL, &cfg, have_keys ? &keys : NULL, ks, &tci, qdisc, kfunc);
	}
	err = 0;
out:
	synx_maps_close(&m);
	free(cur_ports);
	free(old_ports);
	free(ks);
	memset(&keys, 0, sizeof(keys));
	memset(&old_keys, 0, sizeof(old_keys));
	return err;
}
