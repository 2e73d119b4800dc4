// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Minimal rtnetlink and generic netlink requests.  See netlink.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include "netlink.h"

struct nl_req {
	struct nlmsghdr nh;
	union {
		struct tcmsg tc;
	};
};

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
