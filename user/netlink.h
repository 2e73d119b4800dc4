/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The few netlink questions libbpf and libxdp do not answer: the tc
 * filters of a clsact qdisc (is anyone else's in it?), a device's link
 * (the peer of a veth, the namespace it lives in) and its XDP features
 * (netdev generic netlink, Linux 6.3+).  Every answer is for the caller's
 * network namespace.
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

struct synx_link {
	int iflink;       /* IFLA_LINK: a veth's peer ifindex (in link_netnsid's namespace) */
	int link_netnsid; /* IFLA_LINK_NETNSID, -1: the peer is in this namespace */
	bool has_link;    /* IFLA_LINK was there */
	char kind[16];    /* IFLA_INFO_KIND: "veth", ... ("" for a device without one) */
};

/* RTM_GETLINK of @ifindex. 0 or -errno. */
int synx_nl_link(int ifindex, struct synx_link *l);

/*
 * The id this namespace gives the network namespace of @fd (an nsfs file,
 * /run/netns/NAME): what IFLA_LINK_NETNSID holds for a peer there; -1 when
 * it has none.  0 or -errno.
 */
int synx_nl_netnsid(int fd, int *nsid);

/* NETDEV_XDP_ACT_* of netdev's xdp-features. */
#define SYNX_XDP_ACT_BASIC (1ULL << 0)
#define SYNX_XDP_ACT_NDO_XMIT (1ULL << 2)

/* The XDP features @ifindex's driver announces. 0, -EOPNOTSUPP (before 6.3), or -errno. */
int synx_nl_xdp_features(int ifindex, __u64 *features);

#endif
