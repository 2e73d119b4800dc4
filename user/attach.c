// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * synx attach: load the objects, fill the pin directory, attach XDP (and, for
 * own cookies or IPv6 gateway prefixes, synx_tc at tc ingress, an object of
 * its own sharing the XDP object's maps), and put everything back on failure.
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
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "synx_config.h"
#include "synx.skel.h"
#include "attachment.h"
#include "cli.h"
#include "commands.h"
#include "handoff.h"
#include "tc_obj.h"
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
 * running kernel; auto settles for kernel cookies (with a note) when it is
 * missing.  Returns an exit code.
 */
static int resolve_cookies(struct synx_opts *o, bool *kfunc, const char **note)
{
	*kfunc = synx_kfunc_available();
	*note = NULL;
	/*
	 * Kernel cookies keep --key-file, --cookie-period and --cookie-clock:
	 * they say which own cookies, issued before a switch, stay valid.
	 */
	if (o->cookies == SYNX_COOKIES_KERNEL)
		return 0;
	if (!*kfunc)
		*note = "the kernel has no " SYNX_KFUNC_REQSK
			"() (Linux 6.9+), so synx uses the kernel's SYN cookies";
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
			"another tc filter occupies clsact ingress priority %u handle 0x%x on %s; remove it, or attach with --cookies kernel and no IPv6 gateway prefix (both need it)",
			SYNX_TC_PRIO, SYNX_TC_HANDLE, ifname);
	return synx_err(SYNX_EXIT_FAIL, "attaching %s at tc ingress of %s failed: %s", SYNX_TC_PROG,
			ifname, strerror(-err));
}

/*
 * synx_tc's object, loaded with @xdp's maps (loaded already) and the same
 * built-in defaults.  0 or an exit code.
 */
static int tc_load(const struct bpf_object *xdp, const struct synx_config *cfg,
		   struct synx_tc **tcs)
{
	int err;

	*tcs = synx_tc_obj_open(xdp);
	if (!*tcs)
		return synx_err(SYNX_EXIT_FAIL, "cannot open the %s object: %s", SYNX_TC_PROG,
				strerror(errno));
	(*tcs)->rodata->synx_defaults = *cfg;
	err = synx_tc__load(*tcs);
	if (err)
		return synx_err(
			SYNX_EXIT_FAIL,
			"cannot load %s: %s (-v for the verifier log; --cookies kernel and IPv4 gateway prefixes do without it)",
			SYNX_TC_PROG, strerror(-err));
	return 0;
}

/*
 * --edge: gateway prefixes answered with own cookies that the backends,
 * other hosts that never see the SYN, must accept: they need the same key,
 * so a key file (the state directory's key is this host's alone), and the
 * same periods, so the TAI clock (boot clocks differ between hosts by
 * their uptimes).  @old: the running program's keys (--replace), whose
 * clock is kept when none is given.  0 or an exit code.
 */
static int edge_check(const struct synx_opts *o, const struct synx_cookie_keys *old, bool kfunc)
{
	int clock = o->cookie_clock >= 0     ? o->cookie_clock
		    : old && old->generation ? old->clock
					     : SYNX_CLOCK_BOOT;

	if (o->edge <= 0)
		return 0;
	if (!o->gateway.n)
		return synx_err(SYNX_EXIT_USAGE, "--edge needs --gateway: the prefixes it answers");
	if (o->cookies != SYNX_COOKIES_OWN)
		return synx_err(SYNX_EXIT_USAGE, "--edge answers with own cookies: %s",
				kfunc ? "it needs --cookies own"
				      : "this kernel has no " SYNX_KFUNC_REQSK "() (Linux 6.9+)");
	if (!o->key_file[0])
		return synx_err(
			SYNX_EXIT_USAGE,
			"--edge needs --key-file: the backends check its cookies with the same key");
	if (clock != SYNX_CLOCK_TAI)
		return synx_err(
			SYNX_EXIT_USAGE,
			"--edge needs --cookie-clock tai: the backends are other hosts, whose boot clocks count other cookie periods (give them the same --cookie-clock tai and --cookie-period)");
	/*
	 * The client scales the backend's windows by the shift the edge
	 * announces, and the backend's kernel uses its own: a default that
	 * is not the backend's breaks every connection, silently.  A list
	 * taken over from the running program was spelled out when given.
	 */
	for (unsigned int i = 0; o->gateway_set && i < o->gateway.n; i++) {
		const struct synx_gw_entry *e = &o->gateway.e[i];
		char buf[160];

		if ((e->given & (SYNX_GW_GIVEN_MSS | SYNX_GW_GIVEN_WSCALE)) ==
		    (SYNX_GW_GIVEN_MSS | SYNX_GW_GIVEN_WSCALE))
			continue;
		synx_gw_prefix(e, buf, sizeof(buf));
		return synx_err(
			SYNX_EXIT_USAGE,
			"--edge: %s must give its servers' mss= and wscale= (or nowscale): they announce them, and the servers must agree; 'synx probe ADDR:PORT' prints the entry",
			buf);
	}
	return 0;
}

/* The TAI helper, as the program would call it (Linux 6.1+). */
static bool tai_available(void)
{
	return libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_ktime_get_tai_ns, NULL) > 0;
}

/*
 * The keys the new program starts with, in @keys (zero: none).
 *
 * Own cookies: the key of the key file or the state directory.  Taking
 * over from a running synx (@old, for --replace), its keys carry on: the
 * same key keeps its history, another one is a rotation (the running key
 * stays valid for its cookies' lifetime), and a new period keeps the old
 * one for the cookies issued under it.
 *
 * Kernel cookies: own cookies issued before the switch stay valid for
 * their lifetime (two periods; @own_window is set, and synx_tc must run
 * that long), from the running program's keys, else from a key kept in a
 * key file or the state directory by an earlier own-cookie attach.  Only
 * where own cookies could run at all (@can_own).
 *
 * 0 or an exit code already reported; @ks says where the key came from
 * (for @old's keys, the caller filled it in from the pins).
 */
static int attach_keys(const struct synx_opts *o, const char *ifname, bool own, bool can_own,
		       const struct synx_cookie_keys *old, struct synx_cookie_keys *keys,
		       struct synx_key_source *ks, bool *own_window)
{
	bool had = old && old->generation;
	/* Replacing, the cookie clock and period not given are the running ones. */
	__u8 shift = o->cookie_period ? synx_period_shift(o->cookie_period)
		     : had            ? old->period_shift
				      : 0;
	__u64 key[2], now;
	__s64 offset;
	int clock, err;

	memset(keys, 0, sizeof(*keys));
	*own_window = false;
	if (synx_keys_test_offset(&offset))
		return synx_err(SYNX_EXIT_USAGE, "%s: not a number of milliseconds within +-%lld",
				SYNX_TEST_CLOCK_OFFSET_ENV, SYNX_TEST_CLOCK_OFFSET_MAX_MS);
	if (offset)
		synx_warn("%s: the cookie clock is offset by %lld ms (%s: for tests only)", ifname,
			  (long long)(offset / 1000000), SYNX_TEST_CLOCK_OFFSET_ENV);
	clock = o->cookie_clock >= 0 ? o->cookie_clock : had ? old->clock : SYNX_CLOCK_BOOT;
	if (clock == SYNX_CLOCK_TAI && !tai_available())
		return synx_err(
			SYNX_EXIT_USAGE,
			"--cookie-clock tai: this kernel has no bpf_ktime_get_tai_ns() (Linux 6.1+)");
	if (synx_keys_period_check(clock, shift))
		return SYNX_EXIT_USAGE;
	err = synx_bpf_clock_ns(&now);
	if (err)
		return synx_err(SYNX_EXIT_FAIL, "cannot read the program's clock: %s",
				strerror(-err));

	if (own) {
		err = synx_keystore_load(o->key_file[0] ? o->key_file : NULL, ifname, key, ks);
		if (err)
			return err;
		if (had) {
			*keys = *old;
			if (memcmp(key, old->cur, sizeof(key)))
				synx_keys_rotate_to(keys, key, now);
			synx_keys_set_period(keys, shift, now);
		} else {
			err = synx_keys_init(keys, key, shift);
		}
		memset(key, 0, sizeof(key));
		if (err)
			return synx_err(SYNX_EXIT_FAIL, "getrandom: %s", strerror(-err));
		keys->own_until_ns = 0;
	} else if (had && can_own) {
		/* From own cookies, or from a kernel mode still checking them. */
		*keys = *old;
		if (old->own_until_ns == 0)
			keys->own_until_ns =
				now + (2ULL << (old->period_shift ? old->period_shift
								  : SYNX_COOKIE_PERIOD_SHIFT));
		*own_window = (__s64)(keys->own_until_ns - now) > 0;
		if (!*own_window)
			memset(keys, 0, sizeof(*keys));
		return 0; /* the clock and period of the cookies out there */
	} else if (can_own) {
		err = synx_keystore_peek(o->key_file[0] ? o->key_file : NULL, ifname, key, ks);
		if (err == 1 && o->key_file[0])
			return synx_err(SYNX_EXIT_USAGE, "--key-file %s: no such key file",
					o->key_file);
		if (err == 1)
			return 0;
		/*
		 * Kernel cookies are the way out when own cookies go wrong: a
		 * state key they cannot use costs only the cookies issued under
		 * it.  A --key-file asked for is another matter.
		 */
		if (err && !o->key_file[0]) {
			synx_warn(
				"%s: own cookies issued under the state key are not checked (above)",
				ifname);
			memset(ks, 0, sizeof(*ks));
			return 0;
		}
		if (err)
			return err;
		err = synx_keys_init(keys, key, shift);
		memset(key, 0, sizeof(key));
		if (err)
			return synx_err(SYNX_EXIT_FAIL, "cannot use the key: %s", strerror(-err));
		keys->own_until_ns = now + (2ULL << (shift ? shift : SYNX_COOKIE_PERIOD_SHIFT));
		*own_window = true;
	} else {
		return 0;
	}
	if (had && old->clock != clock)
		synx_warn(
			"%s: the cookie clock changes from %s to %s: own cookies issued in the last %.0f s by the running program are no longer valid",
			ifname, old->clock == SYNX_CLOCK_TAI ? "tai" : "boot",
			clock == SYNX_CLOCK_TAI ? "tai" : "boot",
			2 * synx_period_seconds(old->period_shift));
	keys->clock = clock;
	keys->clock_offset_ns = offset;
	return 0;
}

/* XDP_FLAGS_* of a running program's mode. */
static __u32 mode_flags(enum xdp_attach_mode mode)
{
	switch (mode) {
	case XDP_MODE_SKB:
		return XDP_FLAGS_SKB_MODE;
	case XDP_MODE_HW:
		return XDP_FLAGS_HW_MODE;
	default:
		return XDP_FLAGS_DRV_MODE;
	}
}

/*
 * --replace: the loaded @prog takes the place of the running @old in one
 * netlink request (XDP_FLAGS_REPLACE: refused, changing nothing, should
 * another program have replaced @old meanwhile).  0 or -errno.
 */
static int replace_xdp(int ifindex, const struct synx_attachment *old, int prog_fd)
{
	int old_fd = bpf_prog_get_fd_by_id(old->prog_id), err;
	LIBBPF_OPTS(bpf_xdp_attach_opts, xo, .old_prog_fd = old_fd);

	if (old_fd < 0)
		return -errno;
	err = bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_REPLACE | mode_flags(old->mode), &xo);
	close(old_fd);
	return err;
}

/*
 * Whether --replace can take over from what runs on @ifname: a synx
 * program attached directly (libxdp's dispatcher would rebuild itself in
 * two steps), in the mode asked for.  0 or an exit code.
 */
static int replace_check(const struct synx_opts *o, const struct synx_attachment *a,
			 const char *ifname)
{
	if (a->dispatcher)
		return synx_err(
			SYNX_EXIT_USAGE,
			"--replace: synx runs on %s behind libxdp's dispatcher, which cannot swap one program in a single step; 'synx detach %s' and attach again",
			ifname, ifname);
	if (o->mode != XDP_MODE_UNSPEC && o->mode != a->mode)
		return synx_err(
			SYNX_EXIT_USAGE,
			"--replace: synx runs on %s in %s mode, and the kernel runs one mode at a time; 'synx detach %s' and attach in %s mode",
			ifname, synx_mode_str(a->mode), ifname, synx_mode_str(o->mode));
	return 0;
}

/*
 * What --replace takes over from the program running on @a's interface:
 * its keys (zero for kernel cookies, or a program without synx keys),
 * where its key came from (pins of a `synx attach`; none for `ip link`)
 * and its tc filter.  0 or an exit code.
 */
static int read_running(const struct synx_attachment *a, const char *ifname,
			struct synx_cookie_keys *keys, struct synx_key_source *ks,
			struct synx_tc_info *tci, struct synx_gw_list *gw, bool *gateway,
			bool *edge, bool *own)
{
	struct synx_config cfg = {};
	struct synx_pins pins;
	struct synx_maps m;
	__u32 key = 0;
	int err;

	memset(keys, 0, sizeof(*keys));
	memset(ks, 0, sizeof(*ks));
	synx_maps_init(&m);
	err = synx_maps_open_prog(a->prog_id, &m);
	if (err) {
		synx_maps_close(&m);
		return err;
	}
	if (m.fd[SYNX_MAP_IDX_KEYS] >= 0 &&
	    bpf_map_lookup_elem(m.fd[SYNX_MAP_IDX_KEYS], &key, keys))
		memset(keys, 0, sizeof(*keys));
	*own = m.fd[SYNX_MAP_IDX_CONFIG] >= 0 &&
	       !bpf_map_lookup_elem(m.fd[SYNX_MAP_IDX_CONFIG], &key, &cfg) &&
	       cfg.version == SYNX_CONFIG_VERSION && cfg.cookie_mode == SYNX_COOKIE_OWN &&
	       keys->generation;
	*gateway = m.fd[SYNX_MAP_IDX_CONFIG] >= 0 &&
		   !bpf_map_lookup_elem(m.fd[SYNX_MAP_IDX_CONFIG], &key, &cfg) &&
		   cfg.version == SYNX_CONFIG_VERSION && (cfg.flags & SYNX_F_GATEWAY) &&
		   m.fd[SYNX_MAP_IDX_GATEWAY] >= 0 &&
		   !synx_gw_map_read(m.fd[SYNX_MAP_IDX_GATEWAY], gw);
	*edge = *gateway && (cfg.flags & SYNX_F_EDGE);
	synx_maps_close(&m);
	if (!synx_pins_of(a->ifindex, &pins) && pins.exists)
		synx_pins_key_source(pins.dir, ks);
	err = synx_tc_query(a->ifindex, tci);
	if (err)
		return synx_err(SYNX_EXIT_FAIL, "cannot query tc on %s: %s", ifname,
				strerror(-err));
	return 0;
}

/*
 * --replace keeps what the running program was attached with and the
 * command line leaves out: its cookie mode, key file and gateway, edge
 * or not (the clock and period, attach_keys()).  A host of a fleet stays
 * one.  The other settings take their defaults, as for any attach.
 */
static void inherit_running(struct synx_opts *o, const struct synx_key_source *ks, bool own,
			    const struct synx_gw_list *gw, bool edge)
{
	/* An edge stays one, whatever its list, unless --edge off or no gateway. */
	if (o->edge < 0 && (!o->gateway_set || o->gateway.n))
		o->edge = edge;
	if (!o->cookies_set)
		o->cookies = own ? SYNX_COOKIES_OWN : SYNX_COOKIES_KERNEL;
	if (!o->key_file[0] && ks->kind == SYNX_KEY_FILE)
		snprintf(o->key_file, sizeof(o->key_file), "%s", ks->path);
	if (!o->gateway_set && gw)
		o->gateway = *gw;
}

/*
 * Whether the values of the loaded map @fd are laid out as @map's in
 * @obj: the same struct, member by member (name, offset, size), as their
 * BTF describes them.  Equal sizes alone would let a reordered struct be
 * misread.
 */
static bool same_value_layout(int fd, const struct bpf_map *map, const struct bpf_object *obj)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	const struct btf *nb = bpf_object__btf(obj);
	const struct btf_type *o, *n;
	struct btf *ob;
	bool same = false;

	if (!nb || bpf_obj_get_info_by_fd(fd, &info, &len) || !info.btf_id)
		return false;
	ob = btf__load_from_kernel_by_id(info.btf_id);
	if (libbpf_get_error(ob))
		return false;
	o = btf__type_by_id(ob, info.btf_value_type_id);
	n = btf__type_by_id(nb, bpf_map__btf_value_type_id(map));
	if (o && n && btf_is_struct(o) && btf_is_struct(n) && o->size == n->size &&
	    btf_vlen(o) == btf_vlen(n) &&
	    !strcmp(btf__name_by_offset(ob, o->name_off), btf__name_by_offset(nb, n->name_off))) {
		const struct btf_member *om = btf_members(o), *nm = btf_members(n);

		same = true;
		for (int i = 0; same && i < btf_vlen(o); i++)
			same = btf_member_bit_offset(o, i) == btf_member_bit_offset(n, i) &&
			       btf__resolve_size(ob, om[i].type) ==
				       btf__resolve_size(nb, nm[i].type) &&
			       !strcmp(btf__name_by_offset(ob, om[i].name_off),
				       btf__name_by_offset(nb, nm[i].name_off));
	}
	btf__free(ob);
	return same;
}

/*
 * The follow-up cache (bpf/followup.h) is not pinned: a reload starts it
 * empty.  A replace hands the running program's over when its entries are
 * laid out as the new object's, so that the segments right behind a
 * handshake the old program passed a moment ago still pass; otherwise the
 * new program starts with an empty one, as after a reload (-v says so).
 */
static void carry_followups(struct synx *skel, __u32 prog_id)
{
	struct bpf_map *map = skel->maps.synx_followup;
	const struct synx_map_spec spec = { bpf_map__name(map), bpf_map__type(map),
					    bpf_map__key_size(map), bpf_map__value_size(map),
					    bpf_map__max_entries(map) };
	int fd = synx_prog_map_fd(prog_id, &spec), err = fd < 0 ? fd : 0;

	if (!err)
		err = same_value_layout(fd, map, skel->obj) ? bpf_map__reuse_fd(map, fd) : -EPROTO;
	if (fd >= 0)
		close(fd);
	if (err && synx_cli.verbose)
		synx_note("follow-up cache of program %u not handed over: %s", prog_id,
			  err == -EPROTO ? "another layout" : strerror(-err));
}

/*
 * --replace: load the new object, put its synx_tc in place of the running
 * one (a filter replace), then its XDP program in place of the running one
 * (XDP_FLAGS_REPLACE).  Between the two, the old XDP program's hand-offs
 * reach the new synx_tc: the metadata is the same (synx_cookie.h).  On
 * failure the running programs are as they were.  0 or an exit code.
 */
static int replace_programs(struct synx *skel, int ifindex, const struct synx_attachment *a,
			    const struct synx_config *cfg, struct synx_tc **tcs,
			    const struct synx_tc_info *old_tc, struct synx_tc_info *tci,
			    bool *qdisc_created, const char *ifname)
{
	struct bpf_program *tc = NULL;
	int old_fd = -1, err;
	bool gone;

	*qdisc_created = false;
	carry_followups(skel, a->prog_id);
	err = synx__load(skel);
	if (err)
		return synx_err(SYNX_EXIT_FAIL,
				"cannot load the synx object: %s (-v for the verifier log)",
				strerror(-err));
	if (tcs) {
		err = tc_load(skel->obj, cfg, tcs);
		if (err)
			return err;
		tc = (*tcs)->progs.synx_tc;
	}
	/* Held: the filter holds the only other reference, and a failure puts it back. */
	if (old_tc->attached && old_tc->is_synx)
		old_fd = bpf_prog_get_fd_by_id(old_tc->prog_id);
	if (tc) {
		err = synx_tc_attach(ifindex, bpf_program__fd(tc), qdisc_created);
		if (err) {
			if (old_fd >= 0)
				close(old_fd);
			return tc_attach_error(err, ifname);
		}
	}
	err = replace_xdp(ifindex, a, bpf_program__fd(skel->progs.synx_xdp));
	if (err) {
		bool created;

		if (old_fd >= 0)
			synx_tc_attach(ifindex, old_fd, &created);
		else if (tc)
			synx_tc_detach(ifindex, *qdisc_created, &gone);
		if (old_fd >= 0)
			close(old_fd);
		*qdisc_created = false;
		if (err == -EEXIST || err == -EBUSY)
			return synx_err(
				SYNX_EXIT_FAIL,
				"--replace: the program on %s changed meanwhile; nothing replaced",
				ifname);
		return synx_err(SYNX_EXIT_FAIL, "--replace on %s failed: %s; nothing replaced",
				ifname, strerror(-err));
	}
	if (old_fd >= 0)
		close(old_fd);
	/* Kernel cookies with no own cookie left to check: synx_tc has nothing to do. */
	if (!tc && old_tc->attached && old_tc->is_synx)
		synx_tc_detach(ifindex, false, &gone);
	synx_tc_query(ifindex, tci);
	return 0;
}

/*
 * Warnings about what gateway mode relies on but does not change: the
 * interface forwards each family it protects.
 */
static void gateway_checks(const struct synx_opts *o, const char *ifname)
{
	for (int fam = 4; fam <= 6; fam += 2) {
		char fix[128];
		bool any = false;

		for (unsigned int i = 0; i < o->gateway.n; i++)
			any = any || o->gateway.e[i].key.family == fam;
		if (!any || synx_sysctl_forwards(ifname, fam) != 0)
			continue;
		synx_sysctl_forwarding_fix(ifname, fam, fix, sizeof(fix));
		synx_warn(
			"%s does not forward IPv%d: its IPv%d gateway prefixes get no answer until it does (sysctl -w %s)",
			ifname, fam, fam, fix);
	}
}

/*
 * Settings @from..@to of: keys, ports, config, in that order (the config
 * that selects what the others serve comes last).  0 or an exit code.
 */
static int write_settings(struct synx_pin_txn *txn, unsigned int from, unsigned int to,
			  const struct synx_cookie_keys *keys, const struct synx_ports *ports,
			  const struct synx_config *cfg)
{
	static const enum synx_map_idx order[] = { SYNX_MAP_IDX_KEYS, SYNX_MAP_IDX_PORTS,
						   SYNX_MAP_IDX_CONFIG };
	const void *values[] = { keys, ports, cfg };
	int err = 0;

	for (unsigned int i = from; !err && i < to; i++) {
		err = synx_pin_txn_write(txn, order[i], values[i]);
		if (err)
			err = synx_err(SYNX_EXIT_FAIL, "cannot prepare %s: %s",
				       bpf_map__pin_path(txn->map[order[i]]), strerror(-err));
	}
	return err;
}

/* What attach_gateway() changed, for gateway_rollback(). */
struct gw_undo {
	bool nft;   /* the table was written */
	bool loose; /* nf_conntrack_tcp_loose went from 1 to 0 */
	bool map;   /* the map's entries were written */
};

/*
 * SYNPROXY's side of gateway mode: nf_conntrack_tcp_loose first (the rules
 * must never see it 1), then the nftables table (it also starts conntrack
 * and SYNPROXY in this namespace).  0 or an exit code.
 */
static int gateway_netfilter(const struct synx_opts *o, const char *ifname, bool all_ports,
			     struct gw_undo *u)
{
	int loose = synx_gw_loose_get(), err;

	if (loose < 0) {
		synx_warn(
			"%s: cannot read net.netfilter.nf_conntrack_tcp_loose: SYNPROXY needs it 0",
			ifname);
	} else if (loose) {
		err = synx_gw_loose_set(0);
		if (err)
			return synx_err(SYNX_EXIT_FAIL,
					"cannot set net.netfilter.nf_conntrack_tcp_loose=0: %s",
					strerror(-err));
		u->loose = true;
		err = synx_gw_loose_mark();
		if (err)
			return synx_err(SYNX_EXIT_FAIL, "cannot record that change in %s: %s",
					SYNX_PIN_ROOT, strerror(-err));
		synx_warn(
			"%s: net.netfilter.nf_conntrack_tcp_loose set to 0 for SYNPROXY: it applies to the whole network namespace (conntrack no longer picks up connections it saw no SYN of); the detach of the last gateway sets it back",
			ifname);
	}
	err = synx_gw_nft_apply(ifname, &o->gateway, &o->ports, all_ports);
	if (!err)
		u->nft = true;
	return err;
}

/*
 * Gateway mode: SYNPROXY's netfilter side (a stateless edge hands nothing
 * to netfilter), then the prefixes.  Replacing a gateway with none, the
 * table stays until the new program runs.  0 or an exit code.
 */
static int attach_gateway(struct synx_pin_txn *txn, const struct synx_opts *o, const char *ifname,
			  bool all_ports, struct gw_undo *u)
{
	int fd, err;

	if (!o->gateway.n)
		return 0;
	if (o->edge <= 0) {
		err = gateway_netfilter(o, ifname, all_ports, u);
		if (err)
			return err;
	}
	fd = synx_pin_txn_open(txn, SYNX_MAP_IDX_GATEWAY);
	if (fd < 0)
		return synx_err(SYNX_EXIT_FAIL, "cannot open the gateway map: %s", strerror(-fd));
	u->map = true;
	err = synx_gw_map_write(fd, &o->gateway);
	if (err)
		return synx_err(SYNX_EXIT_FAIL, "cannot write the gateway prefixes: %s",
				strerror(-err));
	return 0;
}

/*
 * The protected ports the running program serves: in the shared maps,
 * which a replace writes only after the swap (or as the transaction saved
 * them).  0 or -1.
 */
static int running_ports(const struct synx_pin_txn *txn, struct synx_ports *ports, bool *all)
{
	struct synx_config cfg;
	__u32 key = 0;
	int fd, ok;

	if (txn->saved[SYNX_MAP_IDX_PORTS] && txn->saved[SYNX_MAP_IDX_CONFIG]) {
		*ports = txn->old[SYNX_MAP_IDX_PORTS].ports;
		*all = txn->old[SYNX_MAP_IDX_CONFIG].config.flags & SYNX_F_ALL_PORTS;
		return 0;
	}
	fd = bpf_obj_get(bpf_map__pin_path(txn->map[SYNX_MAP_IDX_PORTS]));
	ok = fd >= 0 && !bpf_map_lookup_elem(fd, &key, ports);
	if (fd >= 0)
		close(fd);
	fd = bpf_obj_get(bpf_map__pin_path(txn->map[SYNX_MAP_IDX_CONFIG]));
	ok = ok && fd >= 0 && !bpf_map_lookup_elem(fd, &key, &cfg);
	if (fd >= 0)
		close(fd);
	*all = cfg.flags & SYNX_F_ALL_PORTS;
	return ok ? 0 : -1;
}

/*
 * Put back what attach_gateway() changed: the running gateway's (@old; an
 * edge, @old_edge, had no table) or none.
 */
static void gateway_rollback(const struct gw_undo *u, struct synx_pin_txn *txn, const char *ifname,
			     int ifindex, const struct synx_gw_list *old, bool old_edge)
{
	struct synx_ports *ports = calloc(1, sizeof(*ports));
	bool removed, all = false;

	if (u->map && old && txn->fd[SYNX_MAP_IDX_GATEWAY] >= 0)
		synx_gw_map_write(txn->fd[SYNX_MAP_IDX_GATEWAY], old);
	/* The running program's table, as it was: its prefixes on its ports. */
	if (u->nft && old && !old_edge && ports && !running_ports(txn, ports, &all))
		synx_gw_nft_apply(ifname, old, ports, all);
	else if (u->nft)
		synx_gw_nft_remove(ifindex, &removed);
	/* Set back directly: the record of the change may be what failed. */
	if (u->loose && !synx_gw_loose_set(1))
		synx_gw_loose_restore(ifindex);
	free(ports);
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
	struct synx_tc *tcs = NULL;
	struct synx *skel = NULL;
	enum xdp_attach_mode mode = XDP_MODE_UNSPEC;
	unsigned int mtu;
	int ifindex, err;
	struct synx_cookie_keys old_keys = {};
	struct synx_gw_list *old_gw = calloc(1, sizeof(*old_gw));
	struct gw_undo gw = {};
	bool old_gateway = false, old_own = false, old_edge = false;
	struct synx_tc_info old_tc = {};
	__u32 old_prog = 0;
	bool attached = false, tc_attached = false, qdisc_created = false, kfunc, own;
	bool replacing, own_window, with_tc, gw6 = false;

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
	if (a.attached && !o->replace) {
		err = synx_err(
			SYNX_EXIT_ATTACHED,
			"synx is already attached to %s (program %u): use 'synx config %s' to change it, 'synx attach %s --replace' to replace it, or 'synx detach %s' first",
			ifname, a.prog_id, ifname, ifname, ifname);
		goto out;
	}
	/* With nothing to replace, --replace is a plain attach. */
	replacing = o->replace && a.attached;
	old_prog = a.prog_id;
	if (replacing) {
		err = replace_check(o, &a, ifname);
		if (!err)
			err = read_running(&a, ifname, &old_keys, ks, &old_tc, old_gw, &old_gateway,
					   &old_edge, &old_own);
		if (err)
			goto out;
		inherit_running(o, ks, old_own, old_gateway ? old_gw : NULL, old_edge);
	}

	skel = synx__open();
	if (!skel) {
		err = synx_err(SYNX_EXIT_FAIL, "cannot open the synx BPF object: %s",
			       strerror(errno));
		goto out;
	}
	err = resolve_cookies(o, &kfunc, &note);
	if (err)
		goto out;
	own = o->cookies == SYNX_COOKIES_OWN;
	err = edge_check(o, replacing ? &old_keys : NULL, kfunc);
	if (err)
		goto out;
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
			[SYNX_MAP_IDX_GATEWAY] = skel->maps.synx_gateway,
		};

		err = synx_pin_txn_check(txn, ifindex, ifname, skel->obj, maps);
	}
	if (err)
		goto out;
	/*
	 * Which own cookies stay valid decides whether synx_tc runs.  The
	 * key last among the checks: a hostile key file refuses the attach
	 * before anything exists; a key file created here is the first
	 * change, and the rollback removes it.
	 */
	err = attach_keys(o, ifname, own, kfunc, replacing ? &old_keys : NULL, &keys, ks,
			  &own_window);
	if (err)
		goto fail;
	/*
	 * IPv6 gateway prefixes need synx_tc too: it marks the handshake ACKs
	 * whose checksum XDP verified, which SYNPROXY drops otherwise.  That
	 * part of it needs no kfunc (bpf_csum_level(), Linux 5.8+).
	 */
	for (unsigned int i = 0; i < o->gateway.n && o->edge <= 0; i++)
		gw6 = gw6 || o->gateway.e[i].key.family == 6;
	if (o->gateway.n)
		gateway_checks(o, ifname);
	/* Kernel cookies load no synx_tc, unless own cookies issued before are still out. */
	with_tc = own || own_window || gw6;

	if (with_tc) {
		err = synx_tc_query(ifindex, &tci);
		if (!err && tci.attached && !tci.is_synx) {
			/* Checking cookies issued before is worth no failed attach. */
			if (!own && !gw6) {
				synx_warn(
					"%s: another tc filter holds synx_tc's place: own cookies issued before are not checked",
					ifname);
				memset(&keys, 0, sizeof(keys));
				memset(ks, 0, sizeof(*ks));
				own_window = with_tc = false;
			} else {
				err = tc_attach_error(-EEXIST, ifname);
				goto fail;
			}
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
	/* Gateway mode: its table and its prefixes before the config that turns it on. */
	if (o->gateway.n || old_gateway) {
		err = attach_gateway(txn, o, ifname, cfg.flags & SYNX_F_ALL_PORTS, &gw);
		if (err)
			goto fail;
	}
	/*
	 * Keys first, then ports, then the config that selects own cookies:
	 * the program's first packet finds everything it needs.  In kernel
	 * mode the keys are zeroed (generation 0: "no keys") unless own
	 * cookies are still out.  Replacing, the maps are the running
	 * program's too: only the keys go in before the swap (any program of
	 * this layout reads them the same: the running one keeps issuing and
	 * checking what it did), the ports and the config, which change what
	 * it does, once the new program and its synx_tc run.
	 */
	err = write_settings(txn, 0, replacing ? 1 : 3, &keys, &o->ports, &cfg);
	if (err)
		goto fail;

	if (replacing) {
		err = replace_programs(skel, ifindex, &a, &cfg, with_tc ? &tcs : NULL, &old_tc,
				       &tci, &qdisc_created, ifname);
		if (err)
			goto fail;
		err = write_settings(txn, 1, 3, &keys, &o->ports, &cfg);
		if (err) {
			synx_warn(
				"%s: the new program runs, with the settings it replaced: run 'synx config %s' with the new ones",
				ifname, ifname);
			goto out;
		}
		if (qdisc_created) {
			err = synx_pin_txn_mark_clsact(txn);
			if (err)
				synx_warn("cannot record the clsact qdisc in %s: %s", txn->dir,
					  strerror(-err));
		}
		mode = a.mode;
		goto attached;
	}

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
	 * libxdp loads the object here: the XDP program must be loaded by
	 * libxdp, which turns it into an freplace extension of its dispatcher
	 * when it can.
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
		err = attach_mode_error(err, ifname, mode);
		goto fail;
	}
	attached = true;

	/*
	 * The tc hand-off right after XDP: a cookie issued now comes back one
	 * round trip later, by which time synx_tc is in place.
	 */
	if (with_tc) {
		err = tc_load(skel->obj, &cfg, &tcs);
		if (err)
			goto fail;
		err = synx_tc_attach(ifindex, bpf_program__fd(tcs->progs.synx_tc), &qdisc_created);
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

attached:
	err = synx_attachment_query(ifindex, &a);
	if (err || !a.attached) {
		err = synx_err(SYNX_EXIT_FAIL, "attached to %s, but cannot find the program again",
			       ifname);
		/* Replaced, the old program is gone: nothing to go back to. */
		if (replacing)
			goto out;
		goto fail;
	}
	if (synx_cli.json) {
		jw_start_object(synx_json());
		jw_string_field(synx_json(), "ifname", ifname);
		jw_int_field(synx_json(), "ifindex", ifindex);
		jw_uint_field(synx_json(), "prog_id", a.prog_id);
		if (replacing)
			jw_uint_field(synx_json(), "replaced_prog_id", old_prog);
		jw_string_field(synx_json(), "mode", synx_mode_str(a.mode));
		jw_string_field(synx_json(), "attach_mode",
				a.dispatcher ? "dispatcher" : "single-program");
		jw_string_field(synx_json(), "pin_dir", txn->dir);
		synx_report_config(synx_json(), &cfg, &o->ports);
		synx_report_cookies(synx_json(), &cfg, &keys, ks, &tci, qdisc_created, kfunc);
		if (o->gateway.n)
			synx_gw_report(synx_json(), ifname, &o->gateway, o->edge > 0);
		jw_end_object(synx_json());
	} else {
		if (replacing)
			printf("synx on %s replaced: program %u in place of %u\n", ifname,
			       a.prog_id, old_prog);
		printf("synx attached to %s: program %u, %s mode, %s\n", ifname, a.prog_id,
		       synx_mode_str(a.mode),
		       a.dispatcher ? "via the libxdp dispatcher"
				    : "single program (libxdp dispatcher unavailable)");
		synx_report_config(NULL, &cfg, &o->ports);
		synx_report_cookies(NULL, &cfg, &keys, ks, &tci, qdisc_created, kfunc);
		if (o->gateway.n)
			synx_gw_report(NULL, ifname, &o->gateway, o->edge > 0);
	}
	{
		char plist[1024], budget[256];

		synx_ports_format(&o->ports, cfg.flags & SYNX_F_ALL_PORTS, plist, sizeof(plist));
		synx_budget_format(&cfg, budget, sizeof(budget));
		synx_log(LOG_NOTICE, ifname,
			 "%s: program %u, %s mode, %s, %s cookies%s%s%s, ports %s, %s%s",
			 replacing ? "replaced" : "attached", a.prog_id, synx_mode_str(a.mode),
			 a.dispatcher ? "dispatcher" : "single program", own ? "own" : "kernel",
			 own ? " (key: " : "", own ? synx_key_kind_str(ks->kind) : "",
			 own ? ")" : "", plist, budget,
			 cfg.flags & SYNX_F_MONITOR ? ", MONITOR ONLY" : "");
	}
	if (note)
		synx_note("%s", note);
	/*
	 * The gateway replaced by none, or by an edge: the new program no
	 * longer needs its table (nor tcp_loose 0).
	 */
	if (replacing && old_gateway && !old_edge && (!o->gateway.n || o->edge > 0)) {
		bool removed;

		if (synx_gw_teardown(ifindex, &removed) && o->gateway.n)
			synx_warn(
				"%s: SYNPROXY's table stays, and drops every handshake ACK the edge forwards: remove it",
				ifname);
	}
	if (replacing && old_gateway && !o->gateway.n) {
		int fd = synx_pin_txn_open(txn, SYNX_MAP_IDX_GATEWAY);

		if (fd >= 0)
			synx_gw_map_write(fd, &o->gateway); /* empty */
	}
	if (!a.dispatcher && !replacing)
		synx_warn(
			"%s: attached as a single program: the kernel refused libxdp's multi-program dispatcher (freplace), so no other XDP program can share %s",
			ifname, ifname);
	err = 0;
	goto out;

fail:
	gateway_rollback(&gw, txn, ifname, ifindex, old_gateway ? old_gw : NULL, old_edge);
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
	synx_tc__destroy(tcs);
	synx__destroy(skel);
	explicit_bzero(&keys, sizeof(keys));
	explicit_bzero(&old_keys, sizeof(old_keys));
	free(txn);
	free(ks);
	free(old_gw);
	return err;
}
