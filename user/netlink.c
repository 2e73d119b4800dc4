// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Minimal rtnetlink and generic netlink requests.  See netlink.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include "netlink.h"

/*
 * linux/netdev.h arrived with Linux 6.3 (Debian 12 has 6.1 headers): its
 * UAPI values, fixed since.
 */
#define NETDEV_FAMILY "netdev"
#define NETDEV_CMD_DEV_GET 1
#define NETDEV_A_DEV_IFINDEX 1
#define NETDEV_A_DEV_XDP_FEATURES 3

struct nl_req {
	struct nlmsghdr nh;
	union {
		struct tcmsg tc;
		struct ifinfomsg ifi;
		struct genlmsghdr genl;
		struct rtgenmsg gen;
	};
	char attrs[64];
};

static void add_attr(struct nl_req *r, __u16 type, const void *data, __u16 len)
{
	struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/*
 * Send @r on a new socket of @proto and hand each reply message to @cb
 * (which returns 0 to go on, else stops with that value).  0, or -errno
 * (an NLMSG_ERROR from the kernel included).
 */
static int nl_talk(int proto, struct nl_req *r, int (*cb)(struct nlmsghdr *, void *), void *arg)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[16384];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	int err = 0;
	bool done = false;

	if (fd < 0)
		return -errno;
	r->nh.nlmsg_flags |= NLM_F_REQUEST;
	r->nh.nlmsg_seq = 1;
	if (sendto(fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto out;
	}
	while (!done && !err) {
		int n = (int)recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
				done = true;
				break;
			}
			err = cb(h, arg);
			if (err)
				break;
			if (!(h->nlmsg_flags & NLM_F_MULTI))
				done = true;
		}
	}
out:
	close(fd);
	return err > 0 ? 0 : err;
}

/* Attributes after a fixed header of @hdrlen bytes, by type (up to @max). */
static void parse_attrs(struct nlmsghdr *h, size_t hdrlen, struct nlattr **tb, int max)
{
	struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(h) + NLMSG_ALIGN(hdrlen));
	int rem = (int)h->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(hdrlen));

	memset(tb, 0, sizeof(*tb) * (max + 1));
	while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem) {
		int type = a->nla_type & NLA_TYPE_MASK;

		if (type <= max)
			tb[type] = a;
		rem -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
}

#define NLA_DATA(a) ((void *)((char *)(a) + NLA_HDRLEN))

struct filter_count {
	__u32 prio, handle;
	int n;
};

static int count_filter(struct nlmsghdr *h, void *arg)
{
	struct tcmsg *t = NLMSG_DATA(h);
	struct filter_count *c = arg;

	/* A message without a handle is a classifier's head, not a filter. */
	if (h->nlmsg_type != RTM_NEWTFILTER || !t->tcm_handle)
		return 0;
	if (TC_H_MAJ(t->tcm_info) >> 16 == c->prio && t->tcm_handle == c->handle)
		return 0;
	c->n++;
	return 0;
}

int synx_nl_foreign_filters(int ifindex, __u32 prio, __u32 handle, int *n)
{
	static const __u32 parents[] = { TC_H_MIN_INGRESS, TC_H_MIN_EGRESS };
	struct filter_count c = { .prio = prio, .handle = handle };
	int err = 0;

	for (unsigned int i = 0; !err && i < 2; i++) {
		struct nl_req r = {
			.nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg)),
				.nlmsg_type = RTM_GETTFILTER,
				.nlmsg_flags = NLM_F_DUMP },
			.tc = { .tcm_family = AF_UNSPEC,
				.tcm_ifindex = ifindex,
				.tcm_parent = TC_H_MAKE(TC_H_CLSACT, parents[i]) },
		};

		err = nl_talk(NETLINK_ROUTE, &r, count_filter, &c);
	}
	*n = c.n;
	return err;
}

static int link_cb(struct nlmsghdr *h, void *arg)
{
	struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];
	struct synx_link *l = arg;

	if (h->nlmsg_type != RTM_NEWLINK)
		return 0;
	parse_attrs(h, sizeof(struct ifinfomsg), tb, IFLA_MAX);
	if (tb[IFLA_LINK]) {
		l->has_link = true;
		l->iflink = *(__s32 *)NLA_DATA(tb[IFLA_LINK]);
	}
	if (tb[IFLA_LINK_NETNSID])
		l->link_netnsid = *(__s32 *)NLA_DATA(tb[IFLA_LINK_NETNSID]);
	if (tb[IFLA_LINKINFO]) {
		struct nlattr *a = NLA_DATA(tb[IFLA_LINKINFO]);
		int rem = tb[IFLA_LINKINFO]->nla_len - NLA_HDRLEN;

		memset(info, 0, sizeof(info));
		while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem) {
			if ((a->nla_type & NLA_TYPE_MASK) <= IFLA_INFO_MAX)
				info[a->nla_type & NLA_TYPE_MASK] = a;
			rem -= NLA_ALIGN(a->nla_len);
			a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
		}
		if (info[IFLA_INFO_KIND])
			snprintf(l->kind, sizeof(l->kind), "%.*s",
				 (int)(info[IFLA_INFO_KIND]->nla_len - NLA_HDRLEN),
				 (char *)NLA_DATA(info[IFLA_INFO_KIND]));
	}
	return 0;
}

int synx_nl_link(int ifindex, struct synx_link *l)
{
	struct nl_req r = {
		.nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
			.nlmsg_type = RTM_GETLINK },
		.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex },
	};

	memset(l, 0, sizeof(*l));
	l->link_netnsid = -1;
	return nl_talk(NETLINK_ROUTE, &r, link_cb, l);
}

static int nsid_cb(struct nlmsghdr *h, void *arg)
{
	struct nlattr *tb[NETNSA_MAX + 1];

	if (h->nlmsg_type != RTM_NEWNSID)
		return 0;
	parse_attrs(h, sizeof(struct rtgenmsg), tb, NETNSA_MAX);
	if (tb[NETNSA_NSID])
		*(int *)arg = *(__s32 *)NLA_DATA(tb[NETNSA_NSID]);
	return 0;
}

int synx_nl_netnsid(int fd, int *nsid)
{
	struct nl_req r = {
		.nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct rtgenmsg)),
			.nlmsg_type = RTM_GETNSID },
		.gen = { .rtgen_family = AF_UNSPEC },
	};
	__u32 v = fd;

	*nsid = -1;
	add_attr(&r, NETNSA_FD, &v, sizeof(v));
	return nl_talk(NETLINK_ROUTE, &r, nsid_cb, nsid);
}

static int family_cb(struct nlmsghdr *h, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	parse_attrs(h, GENL_HDRLEN, tb, CTRL_ATTR_MAX);
	if (tb[CTRL_ATTR_FAMILY_ID])
		*(__u16 *)arg = *(__u16 *)NLA_DATA(tb[CTRL_ATTR_FAMILY_ID]);
	return 0;
}

static int features_cb(struct nlmsghdr *h, void *arg)
{
	struct nlattr *tb[NETDEV_A_DEV_XDP_FEATURES + 1];

	parse_attrs(h, GENL_HDRLEN, tb, NETDEV_A_DEV_XDP_FEATURES);
	if (tb[NETDEV_A_DEV_XDP_FEATURES])
		*(__u64 *)arg = *(__u64 *)NLA_DATA(tb[NETDEV_A_DEV_XDP_FEATURES]);
	return 0;
}

int synx_nl_xdp_features(int ifindex, __u64 *features)
{
	struct nl_req r = {
		.nh = { .nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN), .nlmsg_type = GENL_ID_CTRL },
		.genl = { .cmd = CTRL_CMD_GETFAMILY, .version = 1 },
	};
	__u32 idx = ifindex;
	__u16 family = 0;
	int err;

	*features = 0;
	add_attr(&r, CTRL_ATTR_FAMILY_NAME, NETDEV_FAMILY, sizeof(NETDEV_FAMILY));
	err = nl_talk(NETLINK_GENERIC, &r, family_cb, &family);
	if (err == -ENOENT || (!err && !family))
		return -EOPNOTSUPP;
	if (err)
		return err;
	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r.nh.nlmsg_type = family;
	r.genl.cmd = NETDEV_CMD_DEV_GET;
	r.genl.version = 1;
	add_attr(&r, NETDEV_A_DEV_IFINDEX, &idx, sizeof(idx));
	return nl_talk(NETLINK_GENERIC, &r, features_cb, features);
}
