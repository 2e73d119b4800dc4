// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The bench tools' shared helpers (bench_lib.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bench_lib.h"

int bench_verbose;
static const char *tool_name = "bench";

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !bench_verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

void bench_init(const char *tool)
{
	tool_name = tool;
	libbpf_set_print(libbpf_print);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", tool_name);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

unsigned long long opt_uint(const char *opt, const char *val, unsigned long long min,
			    unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(val, &end, 0);
	if (errno || !*val || *end || *val == '-' || v < min || v > max)
		die("bad %s %s (%llu-%llu)", opt, val, min, max);
	return v;
}

double opt_secs(const char *opt, const char *val, double max)
{
	char *end;
	double v = strtod(val, &end);

	if (!*val || *end || !(v > 0 && v <= max))
		die("bad %s %s: loads are bounded, 0 < seconds <= %g", opt, val, max);
	return v;
}

__u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int ifindex_of(const char *dev)
{
	int i = if_nametoindex(dev);

	if (!i)
		die("no interface %s", dev);
	return i;
}

void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("pin to CPU %d: %s", cpu, strerror(errno));
}

void xdp_attach(const char *dev, int prog_fd, const char *what)
{
	int err = bpf_xdp_attach(ifindex_of(dev), prog_fd, XDP_FLAGS_DRV_MODE, NULL);

	if (err)
		die("attach %s to %s: %s", what, dev, strerror(-err));
}

void xdp_detach(const char *dev)
{
	int err = bpf_xdp_detach(ifindex_of(dev), XDP_FLAGS_DRV_MODE, NULL);

	if (err)
		die("detach %s: %s", dev, strerror(-err));
}

int xdp_map_of(const char *dev, const char *name)
{
	struct bpf_prog_info info = {};
	__u32 prog_id = 0, map_ids[8], len = sizeof(info);
	int fd, map_fd = -1;

	if (bpf_xdp_query_id(ifindex_of(dev), XDP_FLAGS_DRV_MODE, &prog_id) || !prog_id)
		die("no XDP program on %s", dev);
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		die("prog %u: %s", prog_id, strerror(errno));
	info.nr_map_ids = 8;
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		die("prog info: %s", strerror(errno));
	for (__u32 i = 0; i < info.nr_map_ids && i < 8; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi);
		int m = bpf_map_get_fd_by_id(map_ids[i]);

		if (m < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(m, &mi, &mlen) && !strcmp(mi.name, name)) {
			map_fd = m;
			break;
		}
		close(m);
	}
	close(fd);
	return map_fd;
}

void sockaddr_of(const char *addr, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(addr, ':')) {
		struct sockaddr_in6 *a = (void *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		if (inet_pton(AF_INET6, addr, &a->sin6_addr) != 1)
			die("bad IPv6 address %s", addr);
		*len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (void *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		if (inet_pton(AF_INET, addr, &a->sin_addr) != 1)
			die("bad IPv4 address %s", addr);
		*len = sizeof(*a);
	}
}

int listen_on(int family, int port)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
	struct sockaddr_storage ss;
	socklen_t sl;

	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	sockaddr_of(family == AF_INET6 ? "::" : "0.0.0.0", port, &ss, &sl);
	if (bind(fd, (void *)&ss, sl) || listen(fd, 4096))
		die("listen on port %d: %s", port, strerror(errno));
	return fd;
}
