/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * synx_tc's tc filter: the hand-off of own cookies (SYNX_COOKIE_OWN), and
 * the checksum mark of IPv6 gateway prefixes.
 *
 * The XDP program validates synx's own cookies; synx_tc, at clsact ingress,
 * gives the kernel a request socket for each validated ACK through the kfunc
 * bpf_sk_assign_tcp_reqsk() (Linux 6.9+, tc only).  Its object is loaded on
 * the XDP object's maps (tc_obj.h).
 */
#ifndef SYNX_HANDOFF_H
#define SYNX_HANDOFF_H

#include <stdbool.h>
#include <linux/types.h>

#define SYNX_TC_PROG "synx_tc"
#define SYNX_KFUNC_REQSK "bpf_sk_assign_tcp_reqsk"

/*
 * The tc filter's identity on clsact ingress.  Priority 1 runs it before
 * filters added with iproute2's default priority (49152): it only acts on
 * packets the XDP program marked, so running first costs others nothing.
 * The handle ("SY") tells our filter from anyone else's at that priority.
 */
#define SYNX_TC_PRIO 1
#define SYNX_TC_HANDLE 0x5359

/* Whether the running kernel has the kfunc (vmlinux BTF, BTF_KIND_FUNC). */
bool synx_kfunc_available(void);

/* The synx tc filter on @ifindex's clsact ingress. */
struct synx_tc_info {
	bool attached; /* a filter at SYNX_TC_PRIO/SYNX_TC_HANDLE */
	bool is_synx;  /* ... running a program named synx_tc */
	__u32 prog_id;
	__u32 prio;
	__u32 handle;
};

/* Fill @t; 0 (t->attached false when no clsact or no filter), or -errno. */
int synx_tc_query(int ifindex, struct synx_tc_info *t);

/*
 * Attach @prog_fd at clsact ingress, creating the qdisc if absent
 * (*created says whether it did).  A stale synx_tc filter is replaced; any
 * other filter at our priority and handle is -EEXIST.  On failure nothing is
 * left behind.
 */
int synx_tc_attach(int ifindex, int prog_fd, bool *created);

/*
 * Remove our filter (only if it runs synx_tc), then, when @destroy_qdisc,
 * the clsact qdisc, but only while no filter of anyone else is in it
 * (ingress or egress): *@destroyed says whether it went.  Missing pieces
 * are not errors.  0 or -errno.
 */
int synx_tc_detach(int ifindex, bool destroy_qdisc, bool *destroyed);

#endif
