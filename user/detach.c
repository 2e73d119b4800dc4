// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * synx detach: XDP program, tc hand-off, the clsact qdisc if synx made it,
 * and the pin directory; also what a vanished interface left behind.
 */
#include <stdio.h>
#include <string.h>
#include <xdp/libxdp.h>
#include "attachment.h"
#include "cli.h"
#include "commands.h"
#include "gateway.h"
#include "handoff.h"
#include "iface.h"
#include "log.h"
#include "options.h"
#include "pins.h"
#include "prereqs.h"

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

int synx_cmd_detach(struct synx_cmdline *cl)
{
	const char *ifname = cl->ifname;
	struct synx_attachment a = {};
	struct synx_tc_info tci = {};
	struct synx_pins p;
	bool marker, qdisc = false, gw_removed = false;
	int ifindex = 0, err;

	err = synx_check_root();
	if (!err)
		err = synx_check_bpffs();
	if (!err && !synx_ifname_valid(ifname))
		err = synx_err(SYNX_EXIT_NODEV, "not a valid interface name: %s", ifname);
	/* By ifindex: the pins follow a renamed interface, not its old name. */
	if (!err)
		err = synx_pins_find(ifname, &p);
	if (err)
		return err;
	if (p.renamed[0])
		return synx_err(SYNX_EXIT_NODEV,
				"no such interface: %s (it was renamed: run 'synx detach %s')",
				ifname, p.renamed);
	if (!p.gone)
		ifindex = p.ifindex;
	if (!ifindex && !p.exists)
		return synx_err(SYNX_EXIT_NODEV, "no such interface: %s", ifname);
	if (ifindex) {
		err = synx_attachment_query(ifindex, &a);
		if (err)
			return synx_err(SYNX_EXIT_FAIL, "cannot query XDP on %s: %s", ifname,
					strerror(-err));
		err = synx_tc_query(ifindex, &tci);
		if (err)
			return synx_err(SYNX_EXIT_FAIL, "cannot query tc on %s: %s", ifname,
					strerror(-err));
		tci.attached = tci.attached && tci.is_synx; /* someone else's filter stays */
	}
	if (!a.attached && !p.exists && !tci.attached)
		return synx_err(SYNX_EXIT_NOT_ATTACHED, "synx is not attached to %s", ifname);

	/* XDP first: no new own cookie is issued once the hand-off is gone. */
	if (a.attached) {
		err = detach_prog(ifindex, &a);
		if (err)
			return synx_err(SYNX_EXIT_FAIL, "detaching program %u from %s failed: %s",
					a.prog_id, ifname, strerror(-err));
	}
	/*
	 * The qdisc goes only if synx made it (the marker), it is still that
	 * qdisc (synx's filter is in it: a qdisc deleted and made again since
	 * lost it) and nobody else filters in it.
	 */
	marker = p.exists && synx_clsact_marker_get(p.dir);
	if (ifindex && tci.attached) {
		err = synx_tc_detach(ifindex, marker, &qdisc);
		if (err)
			return synx_err(SYNX_EXIT_FAIL,
					"removing %s from tc ingress of %s failed: %s",
					SYNX_TC_PROG, ifname, strerror(-err));
		if (marker && !qdisc)
			synx_note("%s: the clsact qdisc synx created stays: other tc filters use it",
				  ifname);
	}
	/* Gateway mode's nftables table, and the sysctl it changed. */
	/* By the pins' index: the table outlives an interface deleted under it. */
	err = synx_gw_teardown(ifindex ? ifindex : p.exists ? p.ifindex : 0, &gw_removed);
	if (err)
		return err;
	/* Netfilter translates SYNPROXY's timestamps only while a synproxy rule exists. */
	if (gw_removed)
		synx_warn(
			"%s: connections SYNPROXY opened keep their sequence translation but lose their timestamp translation: those that use timestamps stall and must reconnect",
			ifname);
	if (p.exists) {
		err = synx_pins_remove(&p);
		if (err)
			return synx_err(SYNX_EXIT_FAIL,
					"program detached, but removing %s failed: %s", p.dir,
					strerror(-err));
	}
	if (a.attached)
		synx_log(LOG_NOTICE, ifname, "detached: program %u%s%s", a.prog_id,
			 tci.attached ? ", tc hand-off" : "", qdisc ? ", clsact qdisc" : "");
	else
		synx_log(LOG_NOTICE, ifname, "removed stale %s (synx was not running)",
			 tci.attached ? "tc filter and pins" : "pins");
	if (synx_cli.json) {
		jw_start_object(synx_json());
		jw_string_field(synx_json(), "ifname", ifname);
		jw_bool_field(synx_json(), "detached", a.attached);
		jw_bool_field(synx_json(), "tc_detached", tci.attached);
		jw_bool_field(synx_json(), "qdisc_removed", qdisc);
		jw_bool_field(synx_json(), "pins_removed", p.exists);
		jw_bool_field(synx_json(), "gateway_table_removed", gw_removed);
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
