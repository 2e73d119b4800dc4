// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * LD_PRELOAD shim for the CLI tests: libbpf's bpf_xdp_attach() fails with
 * errno SYNX_SHIM_XDP_REPLACE_ERRNO for a request with XDP_FLAGS_REPLACE,
 * as the kernel's does when another program took the interface meanwhile
 * (EEXIST) or refuses the swap; every other request goes to libbpf.  The
 * kernel offers no way to make that one request fail on demand, and the
 * race it stands for cannot be timed from a test.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <linux/if_link.h>
#include <bpf/libbpf.h>

typedef int (*xdp_attach_fn)(int, int, __u32, const struct bpf_xdp_attach_opts *);

int bpf_xdp_attach(int ifindex, int prog_fd, __u32 flags, const struct bpf_xdp_attach_opts *opts)
{
	const char *e = getenv("SYNX_SHIM_XDP_REPLACE_ERRNO");
	xdp_attach_fn real;

	/* As libbpf's own failures: -errno returned, errno set.  Only a real errno. */
	if (e && atoi(e) > 0 && (flags & XDP_FLAGS_REPLACE)) {
		errno = atoi(e);
		return -errno;
	}
	real = (xdp_attach_fn)dlsym(RTLD_NEXT, "bpf_xdp_attach");
	return real ? real(ifindex, prog_fd, flags, opts) : -ENOSYS;
}
