// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The tc ingress hand-off of own cookies and the kfunc it needs.  See handoff.h. */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "attachment.h"
#include "handoff.h"
#include "netlink.h"

bool synx_kfunc_available(void)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	bool found;

	if (libbpf_get_error(vmlinux))
		return false;
	found = btf__find_by_name_kind(vmlinux, SYNX_KFUNC_REQSK, BTF_KIND_FUNC) > 0;
	btf__free(vmlinux);
	return found;
}

static bool prog_is_synx_tc(__u32 prog_id)
{
	struct bpf_prog_info info = {};

	return !synx_prog_info(prog_id, &info) && !strcmp(info.name, SYNX_TC_PROG);
}

int synx_tc_query(int ifindex, struct synx_tc_info *t)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = SYNX_TC_HANDLE, .priority = SYNX_TC_PRIO);
	int err;

	memset(t, 0, sizeof(*t));
	err = bpf_tc_query(&hook, &opts);
	/* No qdisc (EINVAL from cls_api), or no such filter (ENOENT). */
	if (err == -ENOENT || err == -EINVAL)
		return 0;
	if (err)
		return err;
	t->attached = true;
	t->prog_id = opts.prog_id;
	t->prio = SYNX_TC_PRIO;
	t->handle = SYNX_TC_HANDLE;
	t->is_synx = prog_is_synx_tc(opts.prog_id);
	return 0;
}

int synx_tc_attach(int ifindex, int prog_fd, bool *created)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog_fd, .handle = SYNX_TC_HANDLE,
		    .priority = SYNX_TC_PRIO);
	struct synx_tc_info cur;
	int err;

	*created = false;
	err = bpf_tc_hook_create(&hook);
	if (!err)
		*created = true;
	else if (err != -EEXIST)
		return err;

	err = synx_tc_query(ifindex, &cur);
	if (!err && cur.attached) {
		/* A synx_tc left by an interrupted synx is ours to replace. */
		if (!cur.is_synx)
			err = -EEXIST;
		else
			opts.flags = BPF_TC_F_REPLACE;
	}
	if (!err)
		err = bpf_tc_attach(&hook, &opts);
	if (err && *created) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
		*created = false;
	}
	return err;
}

int synx_tc_detach(int ifindex, bool destroy_qdisc, bool *destroyed)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = SYNX_TC_HANDLE, .priority = SYNX_TC_PRIO);
	struct synx_tc_info cur;
	int err, others = 0;

	*destroyed = false;
	err = synx_tc_query(ifindex, &cur);
	if (err)
		return err;
	if (cur.attached && cur.is_synx) {
		err = bpf_tc_detach(&hook, &opts);
		if (err && err != -ENOENT)
			return err;
	}
	/* Someone filters in it since: the qdisc is theirs too now, and stays. */
	if (destroy_qdisc &&
	    !synx_nl_foreign_filters(ifindex, SYNX_TC_PRIO, SYNX_TC_HANDLE, &others) && !others) {
		/* Both directions: that is how libbpf names the clsact qdisc itself. */
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		err = bpf_tc_hook_destroy(&hook);
		if (err && err != -ENOENT && err != -EINVAL)
			return err;
		*destroyed = !err;
	}
	return 0;
}
