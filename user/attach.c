// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * synx attach: load the object, fill the pin directory, attach XDP (and, for
 * own cookies, synx_tc at tc ingress), and put everything back on failure.
 *
 * No daemon: everything a later command needs is in the kernel.  The maps
 * are pinned under the interface's pin dir (pins.h), the program stays attached through
 * libxdp (its dispatcher pins itself under /sys/fs/bpf/xdp/, or the single
 * program is attached directly), and later commands find the program again
 * from the interface.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "synx_config.h"
#include "synx.skel.h"
#include "attachment.h"
#include "cli.h"
#include "commands.h"
#include "handoff.h"
#include "iface.h"
#include "keys.h"
#include "keystore.h"
#include "log.h"
#include "options.h"
#include "params.h"
#include "pins.h"
#include "ports.h"
#include "prereqs.h"
#include "report.h"
#include "sysctl.h"

static int attach_mode_error(int err, const char *ifname, enum xdp_attach_mode mode)
{
	char drv[32];

	synx_iface_driver(ifname, drv, sizeof(drv));
	if (err == -EOPNOTSUPP || err == -EINVAL)
		return synx_err(SYNX_EXIT_MODE,
				"%s (driver %s) does not support XDP in %s mode: %s; try --mode skb",
				ifname, drv[0] ? drv : "unknown", synx_mode_str(mode),
				strerror(-err));
	if (err == -EBUSY || err == -EEXIST)
		return synx_err(
			SYNX_EXIT_FAIL,
			"%s already runs another XDP program that cannot share it (no dispatcher): %s",
			ifname, strerror(-err));
	return synx_err(SYNX_EXIT_FAIL, "attaching to %s failed: %s", ifname, strerror(-err));
}

/*
 * --cookies auto|own|kernel into own or kernel.  Own needs the kfunc in the
 * running kernel and synx_tc in the object; auto settles for kernel cookies
 * (with a note) when either is missing.  Returns an exit code.
 */
static int resolve_cookies(struct synx_opts *o, struct bpf_program *tc, bool *kfunc,
			   const char **note)
{
	*kfunc = synx_kfunc_available();
	*note = NULL;
	if (o->cookies == SYNX_COOKIES_KERNEL) {
		if (o->cookie_period || o->key_file[0])
			return synx_err(SYNX_EXIT_USAGE,
					"%s applies to own cookies, not --cookies kernel",
					o->cookie_period ? "--cookie-period" : "--key-file");
		return 0;
	}
	if (!*kfunc)
		*note = "the kernel has no " SYNX_KFUNC_REQSK
			"() (Linux 6.9+), so synx uses the kernel's SYN cookies";
	else if (!tc)
		*note = "this synx.bpf.o has no " SYNX_TC_PROG
			" program, so synx uses the kernel's SYN cookies";
	if (*note && o->cookies == SYNX_COOKIES_OWN)
		return synx_err(SYNX_EXIT_NOOWN, "--cookies own: %s; use --cookies kernel", *note);
	o->cookies = *note ? SYNX_COOKIES_KERNEL : SYNX_COOKIES_OWN;
	if (*note && o->cookie_period) {
		synx_warn("--cookie-period ignored: %s", *note);
		o->cookie_period = 0;
	}
	if (*note && o->key_file[0]) {
		synx_warn("--key-file ignored: %s", *note);
		o->key_file[0] = '\0';
	}
	return 0;
}

static int tc_attach_error(int err, const char *ifname)
{
	if (err == -EEXIST)
		return synx_err(
			SYNX_EXIT_FAIL,
			"another tc filter occupies clsact ingress priority %u handle 0x%x on %s; remove it, or attach with --cookies kernel",
			SYNX_TC_PRIO, SYNX_TC_HANDLE, ifname);
	return synx_err(SYNX_EXIT_FAIL, "attaching %s at tc ingress of %s failed: %s", SYNX_TC_PROG,
			ifname, strerror(-err));
}

int synx_cmd_attach(struct synx_cmdline *cl)
{
	struct synx_opts *o = &cl->settings;
	struct synx_pin_txn *txn = calloc(1, sizeof(*txn));
	const char *ifname = cl->ifname, *note;
	struct synx_attachment a;
	struct synx_sysctls k;
	struct synx_config cfg;
	struct synx_cookie_keys keys = {};
	struct synx_key_source *ks = calloc(1, sizeof(*ks));
	struct synx_tc_info tci = {};
	struct xdp_program *prog = NULL;
	struct bpf_program *tc;
	struct synx *skel = NULL;
	enum xdp_attach_mode mode;
	unsigned int mtu;
	int ifindex, err;
	bool attached = false, tc_attached = false, qdisc_created = false, kfunc, own;

	if (!txn || !ks) {
		free(txn);
		free(ks);
		return synx_err(SYNX_EXIT_FAIL, "out of memory");
	}
	synx_pin_txn_init(txn);
	err = synx_opts_resolve(o, ifname, &ifindex, &mtu);
	if (!err)
		err = synx_check_bpffs();
	if (!err)
		err = synx_check_btf();
	if (err)
		goto out;

	err = synx_attachment_query(ifindex, &a);
	if (err) {
		err = synx_err(SYNX_EXIT_FAIL, "cannot query XDP on %s: %s", ifname,
			       strerror(-err));
		goto out;
	}
	if (a.attached) {
		err = synx_err(
			SYNX_EXIT_ATTACHED,
			"synx is already attached to %s (program %u): use 'synx config %s' to change it, or 'synx detach %s' first",
			ifname, a.prog_id, ifname, ifname);
		goto out;
	}

	skel = synx__open();
	if (!skel) {
		err = synx_err(SYNX_EXIT_FAIL, "cannot open the synx BPF object: %s",
			       strerror(errno));
		goto out;
	}
	/* By name: an object built before own cookies simply lacks it. */
	tc = bpf_object__find_program_by_name(skel->obj, SYNX_TC_PROG);
	err = resolve_cookies(o, tc, &kfunc, &note);
	if (err)
		goto out;
	own = o->cookies == SYNX_COOKIES_OWN;
	/*
	 * Kernel cookies never load synx_tc: its kfunc call would fail to
	 * resolve (or verify) on kernels before 6.9, which kernel mode serves.
	 */
	if (tc && !own)
		bpf_program__set_autoload(tc, false);

	synx_sysctls_read(&k);
	synx_opts_apply(o, NULL, &k, &cfg);
	/* Also the built-in fallback, should the config map ever read as unset. */
	skel->rodata->synx_defaults = cfg;
	{
		struct bpf_map *const maps[__SYNX_MAP_IDX_MAX] = {
			[SYNX_MAP_IDX_CONFIG] = skel->maps.synx_config,
			[SYNX_MAP_IDX_PORTS] = skel->maps.synx_ports,
			[SYNX_MAP_IDX_COUNTERS] = skel->maps.synx_counters,
			[SYNX_MAP_IDX_VERDICTS] = skel->maps.synx_verdicts,
			[SYNX_MAP_IDX_KEYS] = skel->maps.synx_keys,
		};

		err = synx_pin_txn_check(txn, ifindex, ifname, skel->obj, maps);
	}
	if (err)
		goto out;
	if (own) {
		err = synx_tc_query(ifindex, &tci);
		if (!err && tci.attached && !tci.is_synx) {
			err = tc_attach_error(-EEXIST, ifname);
			goto out;
		}
	}

	/*
	 * The key last among the checks: a hostile key file refuses the
	 * attach before anything exists; a key file created here is the
	 * first change, and the rollback removes it.
	 */
	if (own) {
		__u64 key[2];

		err = synx_keystore_load(o->key_file[0] ? o->key_file : NULL, ifname, key, ks);
		if (err)
			goto out;
		err = synx_keys_init(&keys, key,
				     o->cookie_period ? synx_period_shift(o->cookie_period) : 0);
		memset(key, 0, sizeof(key));
		if (err) {
			err = synx_err(SYNX_EXIT_FAIL, "getrandom: %s", strerror(-err));
			goto fail;
		}
	}

	/* From here on the system changes: every failure goes through rollback. */
	err = synx_pin_txn_mkdir(txn);
	if (!err) {
		err = synx_pin_txn_key_source(txn, ks);
		if (err)
			err = synx_err(SYNX_EXIT_FAIL, "cannot record the key source in %s: %s",
				       txn->dir, strerror(-err));
	}
	if (err)
		goto fail;
	/*
	 * Keys first, then ports, then the config that selects own cookies:
	 * the program's first packet finds everything it needs.  In kernel
	 * mode the keys are zeroed (generation 0: "no keys").
	 */
	{
		static const enum synx_map_idx order[] = { SYNX_MAP_IDX_KEYS, SYNX_MAP_IDX_PORTS,
							   SYNX_MAP_IDX_CONFIG };
		const void *values[] = { &keys, &o->ports, &cfg };

		for (unsigned int i = 0; !err && i < 3; i++) {
			err = synx_pin_txn_write(txn, order[i], values[i]);
			if (err)
				err = synx_err(SYNX_EXIT_FAIL, "cannot prepare %s: %s",
					       bpf_map__pin_path(txn->map[order[i]]),
					       strerror(-err));
		}
	}
	if (err)
		goto fail;

	{
		DECLARE_LIBXDP_OPTS(xdp_program_opts, xopts, .obj = skel->obj,
				    .prog_name = bpf_program__name(skel->progs.synx_xdp));

		prog = xdp_program__create(&xopts);
	}
	err = libxdp_get_error(prog);
	if (err) {
		prog = NULL;
		err = synx_err(SYNX_EXIT_FAIL, "libxdp cannot use the synx object: %s",
			       strerror(-err));
		goto fail;
	}

	/*
	 * libxdp loads the whole object here (synx_tc too, in own mode): the
	 * XDP program must be loaded by libxdp, which turns it into an
	 * freplace extension of its dispatcher when it can.
	 */
	mode = o->mode == XDP_MODE_UNSPEC ? XDP_MODE_NATIVE : o->mode;
	err = xdp_program__attach(prog, ifindex, mode, 0);
	if (err && o->mode == XDP_MODE_UNSPEC && err != -EBUSY && err != -EEXIST) {
		synx_warn(
			"%s: native XDP failed (%s), falling back to skb (generic) mode, which is much slower",
			ifname, strerror(-err));
		mode = XDP_MODE_SKB;
		err = xdp_program__attach(prog, ifindex, mode, 0);
	}
	if (err) {
		if (own && err == -EINVAL)
			synx_warn(
				"with --cookies own the object also loads %s; try --cookies kernel, and -v for the verifier log",
				SYNX_TC_PROG);
		err = attach_mode_error(err, ifname, mode);
		goto fail;
	}
	attached = true;

	/*
	 * The tc hand-off right after XDP: a cookie issued now comes back one
	 * round trip later, by which time synx_tc is in place.
	 */
	if (own) {
		err = synx_tc_attach(ifindex, bpf_program__fd(tc), &qdisc_created);
		if (err) {
			err = tc_attach_error(err, ifname);
			goto fail;
		}
		tc_attached = true;
		if (qdisc_created) {
			err = synx_pin_txn_mark_clsact(txn);
			if (err) {
				err = synx_err(SYNX_EXIT_FAIL,
					       "cannot record the clsact qdisc in %s: %s", txn->dir,
					       strerror(-err));
				goto fail;
			}
		}
		synx_tc_query(ifindex, &tci);
	}

	err = synx_attachment_query(ifindex, &a);
	if (err || !a.attached) {
		err = synx_err(SYNX_EXIT_FAIL, "attached to %s, but cannot find the program again",
			       ifname);
		goto fail;
	}
	if (synx_cli.json) {
		jw_start_object(synx_json());
		jw_string_field(synx_json(), "ifname", ifname);
		jw_int_field(synx_json(), "ifindex", ifindex);
		jw_uint_field(synx_json(), "prog_id", a.prog_id);
		jw_string_field(synx_json(), "mode", synx_mode_str(a.mode));
		jw_string_field(synx_json(), "attach_mode",
				a.dispatcher ? "dispatcher" : "single-program");
		jw_string_field(synx_json(), "pin_dir", txn->dir);
		synx_report_config(synx_json(), &cfg, &o->ports);
		synx_report_cookies(synx_json(), &cfg, &keys, ks, &tci, qdisc_created, kfunc);
		jw_end_object(synx_json());
	} else {
		printf("synx attached to %s: program %u, %s mode, %s\n", ifname, a.prog_id,
		       synx_mode_str(a.mode),
		       a.dispatcher ? "via the libxdp dispatcher"
				    : "single program (libxdp dispatcher unavailable)");
		synx_report_config(NULL, &cfg, &o->ports);
		synx_report_cookies(NULL, &cfg, &keys, ks, &tci, qdisc_created, kfunc);
	}
	{
		char plist[1024], budget[256];

		synx_ports_format(&o->ports, cfg.flags & SYNX_F_ALL_PORTS, plist, sizeof(plist));
		synx_budget_format(&cfg, budget, sizeof(budget));
		synx_log(LOG_NOTICE, ifname,
			 "attached: program %u, %s mode, %s, %s cookies%s%s%s, ports %s, %s%s",
			 a.prog_id, synx_mode_str(a.mode),
			 a.dispatcher ? "dispatcher" : "single program", own ? "own" : "kernel",
			 own ? " (key: " : "", own ? synx_key_kind_str(ks->kind) : "",
			 own ? ")" : "", plist, budget,
			 cfg.flags & SYNX_F_MONITOR ? ", MONITOR ONLY" : "");
	}
	if (note)
		synx_note("%s", note);
	if (!a.dispatcher)
		synx_warn(
			"%s: attached as a single program: the kernel refused libxdp's multi-program dispatcher (freplace), so no other XDP program can share %s",
			ifname, ifname);
	err = 0;
	goto out;

fail:
	if (tc_attached || qdisc_created) {
		bool gone;

		synx_tc_detach(ifindex, qdisc_created, &gone);
	}
	if (attached)
		xdp_program__detach(prog, ifindex, mode, 0);
	synx_pin_txn_rollback(txn);
	synx_keystore_forget(ks);
out:
	synx_pin_txn_end(txn);
	xdp_program__close(prog);
	synx__destroy(skel);
	memset(&keys, 0, sizeof(keys));
	free(txn);
	free(ks);
	return err;
}
