/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The netlink questions libbpf and libxdp do not answer: the tc filters of
 * a clsact qdisc (is anyone else's in it?).  Every answer is for the
 * caller's network namespace.
 */
#ifndef SYNX_NETLINK_H
#define SYNX_NETLINK_H

#include <stdbool.h>
#include <linux/types.h>

/*
 * Filters in @ifindex's clsact qdisc (ingress and egress) other than the
 * one at @prio/@handle: *@n.  0, or -errno (-EINVAL: no clsact qdisc).
 */
int synx_nl_foreign_filters(int ifindex, __u32 prio, __u32 handle, int *n);


#endif
