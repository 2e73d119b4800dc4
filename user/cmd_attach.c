// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * synx attach / detach / config.
 *
 * No daemon: everything a later command needs is in the kernel.  The maps
 * are pinned under SYNX_PIN_ROOT/IFACE/, the program stays attached through
 * libxdp (its dispatcher pins itself under /sys/fs/bpf/xdp/, or the single
 * program is attached directly), and later commands find the program again
 * from the interface.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "synx_config.h"
#include "synx.skel.h"
#include "cli.h"
#include "commands.h"
#include "iface.h"
#include "opts.h"
#include "own.h"
#include "params.h"
#include "pins.h"
#include "report.h"

/* Parse "CMD [options] IFACE"; @attach for attach. Returns exit code. */
static int parse_config_args(int argc, char **argv, bool attach, struct synx_opts *o,
			     const char **ifname)
{
	int opt, err;

	synx_opts_init(o);
	optind = 0; /* 0, not 1: glibc then forgets main()'s "+" ordering */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hjpv", synx_config_long_options, NULL)) != -1) {
		/* Own cookies need synx_tc loaded and attached: a reload, not a config. */
		if (!attach && (opt == OPT_MODE || opt == OPT_COOKIES))
			return synx_err(SYNX_EXIT_USAGE,
					"config: %s cannot change on a running program; run 'synx detach IFACE' and attach again",
					opt == OPT_MODE ? "--mode" : "--cookies");
		if (attach && opt == OPT_ROTATE_KEY)
			return synx_err(SYNX_EXIT_USAGE,
					"attach: --rotate-key is a 'synx config' option; attach always makes fresh keys");
		switch (opt) {
		case '?':
			return synx_err(SYNX_EXIT_USAGE, "%s: unknown option '%s' (see 'synx help %s')",
					argv[0], argv[optind - 1], argv[0]);
		case ':':
			return synx_err(SYNX_EXIT_USAGE, "%s: option '%s' needs a value", argv[0],
					argv[optind - 1]);
		default:
			err = synx_common_opt(opt, argv[0]);
			if (err < 0)
				return -1;
			if (err)
				break;
			err = synx_opts_parse_one(o, opt, optarg);
			if (err)
				return err;
		}
	}
	if (optind != argc - 1)
		return synx_err(SYNX_EXIT_USAGE, "%s: expected exactly one interface (see 'synx help %s')",
				argv[0], argv[0]);
	*ifname = argv[optind];
	return 0;
}

/*
 * What attach and config both do first: parse, resolve the interface, check
 * the MSS against its MTU, and check privileges.  Returns < 0 when help was
 * shown, else 0 or an exit code already reported.
 */
static int config_prologue(int argc, char **argv, bool attach, struct synx_opts *o,
			   const char **ifname, int *ifindex, unsigned int *mtu)
{
	int err = parse_config_args(argc, argv, attach, o, ifname);

	if (err)
		return err;
	*ifindex = synx_iface_index(*ifname, &err);
	if (!*ifindex)
		return err;
	if (synx_iface_mtu(*ifname, mtu))
		return synx_err(SYNX_EXIT_FAIL, "cannot read the MTU of %s", *ifname);
	err = synx_opts_check_mtu(o, *ifname, *mtu);
	return err ? err : synx_check_root();
}

static int mkdir_p(const char *dir)
{
	if (mkdir(SYNX_PIN_ROOT, 0700) && errno != EEXIST)
		return -errno;
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* What attach changed, so a failure can put everything back. */
struct attach_undo {
	bool created_dir;
	bool existed[__SYNX_MAP_IDX_MAX];
	bool saved;                   /* old values to restore into reused maps */
	struct synx_config old_cfg;
	struct synx_ports old_ports;
	struct synx_cookie_keys old_keys;
	bool tc_attached;             /* our clsact ingress filter */
	bool qdisc_created;           /* ... and the clsact qdisc it needed */
};

static void attach_rollback(const char *dir, const struct attach_undo *u, int cfg_fd, int ports_fd,
			    int keys_fd)
{
	char path[512];
	__u32 key = 0;

	for (int i = 0; i < __SYNX_MAP_IDX_MAX; i++) {
		if (u->existed[i])
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, synx_map_specs[i].name);
		unlink(path);
	}
	if (u->saved) {
		if (ports_fd >= 0)
			bpf_map_update_elem(ports_fd, &key, &u->old_ports, BPF_ANY);
		if (cfg_fd >= 0)
			bpf_map_update_elem(cfg_fd, &key, &u->old_cfg, BPF_ANY);
		if (keys_fd >= 0)
			bpf_map_update_elem(keys_fd, &key, &u->old_keys, BPF_ANY);
	}
	if (u->qdisc_created) {
		snprintf(path, sizeof(path), "%s/%s", dir, SYNX_CLSACT_MARKER);
		rmdir(path);
	}
	if (u->created_dir) {
		rmdir(dir);
		rmdir(SYNX_PIN_ROOT); /* fails harmlessly while other interfaces use it */
	}
}

/*
 * A map carries BTF so `bpftool map dump` prints it field by field.  The
 * object's BTF is not in the kernel before load, so load a copy of it.
 */
static int load_btf_copy(struct bpf_object *obj, struct btf **out)
{
	const struct btf *src = bpf_object__btf(obj);
	const void *raw;
	__u32 size;
	struct btf *copy;

	*out = NULL;
	if (!src)
		return -1;
	raw = btf__raw_data(src, &size);
	copy = btf__new(raw, size);
	if (libbpf_get_error(copy))
		return -1;
	if (btf__load_into_kernel(copy)) {
		btf__free(copy);
		return -1;
	}
	*out = copy;
	return btf__fd(copy);
}

/*
 * Prepare the config and ports maps before the program exists, so its very
 * first packet already sees the requested configuration: reuse the pinned
 * map (checked compatible by the caller) or create and pin it ourselves;
 * libbpf then reuses the pin at load (LIBBPF_PIN_BY_NAME).
 */
static int prepare_map(struct bpf_map *map, const char *path, bool exists, int btf_fd,
		       const void *value, void *old, bool *saved, int *fd_out)
{
	LIBBPF_OPTS(bpf_map_create_opts, copts);
	__u32 key = 0;
	int fd;

	if (exists) {
		fd = bpf_obj_get(path);
		if (fd < 0)
			return -errno;
		if (!bpf_map_lookup_elem(fd, &key, old))
			*saved = true;
	} else {
		if (btf_fd >= 0) {
			copts.btf_fd = btf_fd;
			copts.btf_key_type_id = bpf_map__btf_key_type_id(map);
			copts.btf_value_type_id = bpf_map__btf_value_type_id(map);
		}
		fd = bpf_map_create(bpf_map__type(map), bpf_map__name(map), bpf_map__key_size(map),
				    bpf_map__value_size(map), bpf_map__max_entries(map), &copts);
		if (fd < 0 && btf_fd >= 0) {
			copts.btf_fd = 0;
			copts.btf_key_type_id = copts.btf_value_type_id = 0;
			fd = bpf_map_create(bpf_map__type(map), bpf_map__name(map),
					    bpf_map__key_size(map), bpf_map__value_size(map),
					    bpf_map__max_entries(map), &copts);
		}
		if (fd < 0)
			return -errno;
	}
	if (bpf_map_update_elem(fd, &key, value, BPF_ANY) ||
	    (!exists && bpf_obj_pin(fd, path))) {
		int err = -errno;

		close(fd);
		return err;
	}
	*fd_out = fd;
	return 0;
}

/* Check every pin the object would reuse before libbpf sees it. */
static int check_existing_pins(struct synx *skel, const char *dir, struct attach_undo *u)
{
	struct bpf_map *maps[__SYNX_MAP_IDX_MAX] = {
		skel->maps.synx_config, skel->maps.synx_ports,
		skel->maps.synx_counters, skel->maps.synx_verdicts,
		skel->maps.synx_keys,
	};
	char path[512], why[160];

	for (int i = 0; i < __SYNX_MAP_IDX_MAX; i++) {
		struct synx_map_spec spec = {
			.name = bpf_map__name(maps[i]),
			.type = bpf_map__type(maps[i]),
			.key_size = bpf_map__key_size(maps[i]),
			.value_size = bpf_map__value_size(maps[i]),
			.max_entries = bpf_map__max_entries(maps[i]),
		};
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, spec.name);
		if (bpf_map__set_pin_path(maps[i], path))
			return synx_err(SYNX_EXIT_FAIL, "cannot set pin path %s", path);
		fd = bpf_obj_get(path);
		if (fd < 0) {
			if (errno != ENOENT)
				return synx_err(SYNX_EXIT_FAIL, "cannot open %s: %s", path, strerror(errno));
			continue;
		}
		u->existed[i] = true;
		if (!synx_map_compatible(fd, &spec, why, sizeof(why))) {
			close(fd);
			return synx_err(SYNX_EXIT_INCOMPAT,
					"pinned map %s is incompatible with this synx (%s): an older synx left it; remove %s (e.g. 'synx detach IFACE') and attach again",
					path, why, dir);
		}
		close(fd);
	}
	return 0;
}

static int attach_mode_error(int err, const char *ifname, enum xdp_attach_mode mode)
{
	char drv[32];

	synx_iface_driver(ifname, drv, sizeof(drv));
	if (err == -EOPNOTSUPP || err == -EINVAL)
		return synx_err(SYNX_EXIT_MODE,
				"%s (driver %s) does not support XDP in %s mode: %s; try --mode skb",
				ifname, drv[0] ? drv : "unknown", synx_mode_str(mode), strerror(-err));
	if (err == -EBUSY || err == -EEXIST)
		return synx_err(SYNX_EXIT_FAIL,
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
		if (o->cookie_period)
			return synx_err(SYNX_EXIT_USAGE,
					"--cookie-period applies to own cookies, not --cookies kernel");
		return 0;
	}
	if (!*kfunc)
		*note = "the kernel has no " SYNX_KFUNC_REQSK "() (Linux 6.9+), so synx uses the kernel's SYN cookies";
	else if (!tc)
		*note = "this synx.bpf.o has no " SYNX_TC_PROG " program, so synx uses the kernel's SYN cookies";
	if (*note && o->cookies == SYNX_COOKIES_OWN)
		return synx_err(SYNX_EXIT_NOOWN, "--cookies own: %s; use --cookies kernel", *note);
	o->cookies = *note ? SYNX_COOKIES_KERNEL : SYNX_COOKIES_OWN;
	if (*note && o->cookie_period) {
		synx_warn("--cookie-period ignored: %s", *note);
		o->cookie_period = 0;
	}
	return 0;
}

static int tc_attach_error(int err, const char *ifname)
{
	if (err == -EEXIST)
		return synx_err(SYNX_EXIT_FAIL,
				"another tc filter occupies clsact ingress priority %u handle 0x%x on %s; remove it, or attach with --cookies kernel",
				SYNX_TC_PRIO, SYNX_TC_HANDLE, ifname);
	return synx_err(SYNX_EXIT_FAIL, "attaching %s at tc ingress of %s failed: %s", SYNX_TC_PROG,
			ifname, strerror(-err));
}

int synx_cmd_attach(int argc, char **argv)
{
	struct synx_opts *o = calloc(1, sizeof(*o));
	struct attach_undo *u = calloc(1, sizeof(*u));
	struct synx_attachment a;
	struct synx_sysctls k;
	struct synx_config cfg;
	struct synx_cookie_keys keys = {};
	struct synx_tc_info tci = {};
	struct xdp_program *prog = NULL;
	struct bpf_program *tc;
	struct synx *skel = NULL;
	struct btf *btf = NULL;
	const char *ifname, *note;
	char dir[256], path[512];
	int cfg_fd = -1, ports_fd = -1, keys_fd = -1, btf_fd;
	enum xdp_attach_mode mode;
	unsigned int mtu;
	int ifindex, err;
	bool attached = false, kfunc, own;

	if (!o || !u) {
		err = synx_err(SYNX_EXIT_FAIL, "out of memory");
		goto out;
	}
	err = config_prologue(argc, argv, true, o, &ifname, &ifindex, &mtu);
	if (err < 0) {
		err = 0; /* -h: help shown */
		goto out;
	}
	if (!err)
		err = synx_check_bpffs();
	if (!err)
		err = synx_check_btf();
	if (!err)
		err = synx_pin_dir(dir, sizeof(dir), ifname);
	if (err)
		goto out;

	err = synx_attachment_query(ifindex, &a);
	if (err) {
		err = synx_err(SYNX_EXIT_FAIL, "cannot query XDP on %s: %s", ifname, strerror(-err));
		goto out;
	}
	if (a.attached) {
		err = synx_err(SYNX_EXIT_ATTACHED,
			       "synx is already attached to %s (program %u): use 'synx config %s' to change it, or 'synx detach %s' first",
			       ifname, a.prog_id, ifname, ifname);
		goto out;
	}

	skel = synx__open();
	if (!skel) {
		err = synx_err(SYNX_EXIT_FAIL, "cannot open the synx BPF object: %s", strerror(errno));
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
	if (own) {
		err = synx_keys_init(&keys, o->cookie_period ? synx_period_shift(o->cookie_period) : 0);
		if (err) {
			err = synx_err(SYNX_EXIT_FAIL, "getrandom: %s", strerror(-err));
			goto out;
		}
	}

	synx_sysctls_read(&k);
	synx_opts_apply(o, NULL, &k, &cfg);
	/* Also the built-in fallback, should the config map ever read as unset. */
	skel->rodata->synx_defaults = cfg;
	err = check_existing_pins(skel, dir, u);
	if (err)
		goto out;
	if (own) {
		err = synx_tc_query(ifindex, &tci);
		if (!err && tci.attached && !tci.is_synx) {
			err = tc_attach_error(-EEXIST, ifname);
			goto out;
		}
	}

	/* From here on the system changes: every failure goes through rollback. */
	if (!synx_pin_dir_exists(ifname))
		u->created_dir = true;
	err = mkdir_p(dir);
	if (err) {
		err = synx_err(SYNX_EXIT_FAIL, "cannot create %s: %s", dir, strerror(-err));
		goto fail;
	}
	btf_fd = load_btf_copy(skel->obj, &btf);
	/*
	 * Keys first, then ports, then the config that selects own cookies:
	 * the program's first packet finds everything it needs.  In kernel
	 * mode the keys are zeroed (generation 0: "no keys").
	 */
	snprintf(path, sizeof(path), "%s/%s", dir, SYNX_MAP_KEYS);
	err = prepare_map(skel->maps.synx_keys, path, u->existed[SYNX_MAP_IDX_KEYS], btf_fd, &keys,
			  &u->old_keys, &u->saved, &keys_fd);
	if (!err) {
		snprintf(path, sizeof(path), "%s/%s", dir, SYNX_MAP_PORTS);
		err = prepare_map(skel->maps.synx_ports, path, u->existed[SYNX_MAP_IDX_PORTS],
				  btf_fd, &o->ports, &u->old_ports, &u->saved, &ports_fd);
	}
	if (!err) {
		snprintf(path, sizeof(path), "%s/%s", dir, SYNX_MAP_CONFIG);
		err = prepare_map(skel->maps.synx_config, path, u->existed[SYNX_MAP_IDX_CONFIG],
				  btf_fd, &cfg, &u->old_cfg, &u->saved, &cfg_fd);
	}
	if (err) {
		err = synx_err(SYNX_EXIT_FAIL, "cannot prepare %s: %s", path, strerror(-err));
		goto fail;
	}

	{
		DECLARE_LIBXDP_OPTS(xdp_program_opts, xopts, .obj = skel->obj,
				    .prog_name = bpf_program__name(skel->progs.synx_xdp));

		prog = xdp_program__create(&xopts);
	}
	err = libxdp_get_error(prog);
	if (err) {
		prog = NULL;
		err = synx_err(SYNX_EXIT_FAIL, "libxdp cannot use the synx object: %s", strerror(-err));
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
		synx_warn("%s: native XDP failed (%s), falling back to skb (generic) mode, which is much slower",
			  ifname, strerror(-err));
		mode = XDP_MODE_SKB;
		err = xdp_program__attach(prog, ifindex, mode, 0);
	}
	if (err) {
		if (own && err == -EINVAL)
			synx_warn("with --cookies own the object also loads %s; try --cookies kernel, and -v for the verifier log",
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
		err = synx_tc_attach(ifindex, bpf_program__fd(tc), &u->qdisc_created);
		if (err) {
			err = tc_attach_error(err, ifname);
			goto fail;
		}
		u->tc_attached = true;
		if (u->qdisc_created) {
			err = synx_clsact_marker_set(dir);
			if (err) {
				err = synx_err(SYNX_EXIT_FAIL, "cannot record the clsact qdisc in %s: %s",
					       dir, strerror(-err));
				goto fail;
			}
		}
		synx_tc_query(ifindex, &tci);
	}

	err = synx_attachment_query(ifindex, &a);
	if (err || !a.attached) {
		err = synx_err(SYNX_EXIT_FAIL, "attached to %s, but cannot find the program again", ifname);
		goto fail;
	}
	if (synx_cli.json) {
		jw_start_object(synx_json());
		jw_string_field(synx_json(), "ifname", ifname);
		jw_int_field(synx_json(), "ifindex", ifindex);
		jw_uint_field(synx_json(), "prog_id", a.prog_id);
		jw_string_field(synx_json(), "mode", synx_mode_str(a.mode));
		jw_string_field(synx_json(), "attach_mode", a.dispatcher ? "dispatcher" : "single-program");
		jw_string_field(synx_json(), "pin_dir", dir);
		synx_report_config(synx_json(), &cfg, &o->ports);
		synx_report_cookies(synx_json(), &cfg, &keys, &tci, u->qdisc_created, kfunc);
		jw_end_object(synx_json());
	} else {
		printf("synx attached to %s: program %u, %s mode, %s\n", ifname, a.prog_id,
		       synx_mode_str(a.mode),
		       a.dispatcher ? "via the libxdp dispatcher"
				    : "single program (libxdp dispatcher unavailable)");
		synx_report_config(NULL, &cfg, &o->ports);
		synx_report_cookies(NULL, &cfg, &keys, &tci, u->qdisc_created, kfunc);
	}
	if (note)
		synx_note("%s", note);
	if (!a.dispatcher)
		synx_warn("%s: attached as a single program: the kernel refused libxdp's multi-program dispatcher (freplace), so no other XDP program can share %s",
			  ifname, ifname);
	err = 0;
	goto out;

fail:
	if (u->tc_attached || u->qdisc_created)
		synx_tc_detach(ifindex, u->qdisc_created);
	if (attached)
		xdp_program__detach(prog, ifindex, mode, 0);
	attach_rollback(dir, u, cfg_fd, ports_fd, keys_fd);
out:
	if (cfg_fd >= 0)
		close(cfg_fd);
	if (ports_fd >= 0)
		close(ports_fd);
	if (keys_fd >= 0)
		close(keys_fd);
	xdp_program__close(prog);
	synx__destroy(skel);
	btf__free(btf);
	free(o);
	free(u);
	return err;
}

/*
 * The synx program on @ifindex, detached through libxdp: from the dispatcher
 * when there is one (other programs keep running), else the directly
 * attached program.
 */
static int detach_prog(int ifindex, const struct synx_attachment *a)
{
	struct xdp_program *p = xdp_program__from_id(a->prog_id);
	int err = libxdp_get_error(p);

	if (err)
		return err;
	err = xdp_program__detach(p, ifindex, a->mode, 0);
	xdp_program__close(p);
	return err;
}

int synx_cmd_detach(int argc, char **argv)
{
	struct synx_attachment a = {};
	struct synx_tc_info tci = {};
	const char *ifname;
	char dir[256];
	bool pins, qdisc = false;
	int opt, ifindex, err;

	optind = 0; /* 0, not 1: glibc then forgets main()'s "+" ordering */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "hjpv", synx_common_long_options, NULL)) != -1) {
		err = synx_common_opt(opt, argv[0]);
		if (err < 0)
			return SYNX_EXIT_OK;
		if (!err)
			return synx_err(SYNX_EXIT_USAGE, "detach: unknown option '%s'", argv[optind - 1]);
	}
	if (optind != argc - 1)
		return synx_err(SYNX_EXIT_USAGE, "detach: expected exactly one interface");
	ifname = argv[optind];

	err = synx_check_root();
	if (!err)
		err = synx_check_bpffs();
	if (!err)
		err = synx_pin_dir(dir, sizeof(dir), ifname);
	if (err)
		return err;
	pins = synx_pin_dir_exists(ifname);
	ifindex = if_nametoindex(ifname);
	if (!ifindex && !pins)
		return synx_err(SYNX_EXIT_NODEV, "no such interface: %s", ifname);
	if (ifindex) {
		err = synx_attachment_query(ifindex, &a);
		if (err)
			return synx_err(SYNX_EXIT_FAIL, "cannot query XDP on %s: %s", ifname, strerror(-err));
		err = synx_tc_query(ifindex, &tci);
		if (err)
			return synx_err(SYNX_EXIT_FAIL, "cannot query tc on %s: %s", ifname, strerror(-err));
		tci.attached = tci.attached && tci.is_synx; /* someone else's filter stays */
	}
	if (!a.attached && !pins && !tci.attached)
		return synx_err(SYNX_EXIT_NOT_ATTACHED, "synx is not attached to %s", ifname);

	/* XDP first: no new own cookie is issued once the hand-off is gone. */
	if (a.attached) {
		err = detach_prog(ifindex, &a);
		if (err)
			return synx_err(SYNX_EXIT_FAIL, "detaching program %u from %s failed: %s",
					a.prog_id, ifname, strerror(-err));
	}
	qdisc = pins && synx_clsact_marker_get(dir);
	if (ifindex && (tci.attached || qdisc)) {
		err = synx_tc_detach(ifindex, qdisc);
		if (err)
			return synx_err(SYNX_EXIT_FAIL, "removing %s from tc ingress of %s failed: %s",
					SYNX_TC_PROG, ifname, strerror(-err));
	}
	err = synx_pins_remove(ifname);
	if (err)
		return synx_err(SYNX_EXIT_FAIL, "program detached, but removing %s failed: %s", dir,
				strerror(-err));
	if (synx_cli.json) {
		jw_start_object(synx_json());
		jw_string_field(synx_json(), "ifname", ifname);
		jw_bool_field(synx_json(), "detached", a.attached);
		jw_bool_field(synx_json(), "tc_detached", tci.attached);
		jw_bool_field(synx_json(), "qdisc_removed", qdisc && ifindex);
		jw_bool_field(synx_json(), "pins_removed", pins);
		jw_end_object(synx_json());
	} else if (a.attached) {
		printf("synx detached from %s (program %u%s%s)\n", ifname, a.prog_id,
		       tci.attached ? ", tc hand-off" : "", qdisc ? ", clsact qdisc" : "");
	} else {
		printf("synx was not running on %s; removed its stale %s\n", ifname,
		       tci.attached ? "tc filter and pins" : "pins");
	}
	return 0;
}

int synx_cmd_config(int argc, char **argv)
{
	struct synx_opts *o = calloc(1, sizeof(*o));
	struct synx_ports *cur_ports = calloc(1, sizeof(*cur_ports));
	struct synx_attachment a;
	struct synx_maps m;
	struct synx_sysctls k;
	struct synx_config cur = {}, cfg;
	struct synx_cookie_keys keys = {};
	struct synx_tc_info tci = {};
	const char *ifname;
	char dir[256];
	unsigned int mtu;
	int ifindex, err;
	bool have_keys, qdisc, kfunc;
	__u32 key = 0;

	synx_maps_init(&m);
	if (!o || !cur_ports) {
		err = synx_err(SYNX_EXIT_FAIL, "out of memory");
		goto out;
	}
	/* Maps are found by program id: config needs no bpffs. */
	err = config_prologue(argc, argv, false, o, &ifname, &ifindex, &mtu);
	if (err < 0) {
		err = 0; /* -h: help shown */
		goto out;
	}
	if (err)
		goto out;
	err = synx_attachment_query(ifindex, &a);
	if (err) {
		err = synx_err(SYNX_EXIT_FAIL, "cannot query XDP on %s: %s", ifname, strerror(-err));
		goto out;
	}
	if (!a.attached) {
		err = synx_err(SYNX_EXIT_NOT_ATTACHED, "synx is not attached to %s (see 'synx attach')",
			       ifname);
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
		err = synx_err(SYNX_EXIT_FAIL, "cannot read the config of %s: %s", ifname, strerror(errno));
		goto out;
	}
	have_keys = m.fd[SYNX_MAP_IDX_KEYS] >= 0 &&
		    !bpf_map_lookup_elem(m.fd[SYNX_MAP_IDX_KEYS], &key, &keys);
	if (o->rotate_key || o->cookie_period) {
		if (cur.version != SYNX_CONFIG_VERSION || cur.cookie_mode != SYNX_COOKIE_OWN ||
		    !have_keys || !keys.generation) {
			err = synx_err(SYNX_EXIT_USAGE,
				       "%s: synx on %s uses kernel cookies, which have no synx keys; 'synx detach %s' and attach with --cookies own",
				       o->rotate_key ? "--rotate-key" : "--cookie-period", ifname, ifname);
			goto out;
		}
		if (o->rotate_key) {
			err = synx_keys_rotate(&keys);
			if (err) {
				err = synx_err(SYNX_EXIT_FAIL, "cannot make a new key: %s", strerror(-err));
				goto out;
			}
		}
		if (o->cookie_period)
			keys.period_shift = synx_period_shift(o->cookie_period);
	}

	synx_sysctls_read(&k);
	/*
	 * Ports before flags: narrowing from "all" to a list must find the list
	 * already in place, so no packet sees an empty set in between.  Each
	 * map update is atomic for the reader (a single-entry array value is
	 * copied whole under RCU).
	 */
	if (synx_opts_apply(o, &cur, &k, &cfg)) {
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
	if ((o->rotate_key || o->cookie_period) &&
	    bpf_map_update_elem(m.fd[SYNX_MAP_IDX_KEYS], &key, &keys, BPF_ANY)) {
		err = synx_err(SYNX_EXIT_FAIL, "cannot write the keys: %s", strerror(errno));
		goto out;
	}
	synx_tc_query(ifindex, &tci);
	synx_pin_dir(dir, sizeof(dir), ifname);
	qdisc = synx_clsact_marker_get(dir);
	kfunc = synx_kfunc_available();
	if (synx_cli.json) {
		jw_start_object(synx_json());
		jw_string_field(synx_json(), "ifname", ifname);
		jw_uint_field(synx_json(), "prog_id", a.prog_id);
		synx_report_config(synx_json(), &cfg, cur_ports);
		synx_report_cookies(synx_json(), &cfg, have_keys ? &keys : NULL, &tci, qdisc, kfunc);
		jw_end_object(synx_json());
	} else {
		printf("synx config of %s updated%s:\n", ifname, o->rotate_key ? " (key rotated)" : "");
		synx_report_config(NULL, &cfg, cur_ports);
		synx_report_cookies(NULL, &cfg, have_keys ? &keys : NULL, &tci, qdisc, kfunc);
	}
	err = 0;
out:
	synx_maps_close(&m);
	free(o);
	free(cur_ports);
	return err;
}
