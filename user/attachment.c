// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Which synx program runs where, found through libxdp.  See attachment.h. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "attachment.h"
#include "maps.h"

int synx_prog_info(__u32 prog_id, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);
	int fd = bpf_prog_get_fd_by_id(prog_id);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, info, &len))
		err = -errno;
	close(fd);
	return err;
}

const char *synx_mode_str(enum xdp_attach_mode mode)
{
	switch (mode) {
	case XDP_MODE_NATIVE:
		return "native";
	case XDP_MODE_SKB:
		return "skb";
	case XDP_MODE_HW:
		return "hw";
	default:
		return "none";
	}
}

int synx_attachment_query(int ifindex, struct synx_attachment *a)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	long err;

	memset(a, 0, sizeof(*a));
	a->ifindex = ifindex;
	if (!if_indextoname(ifindex, a->ifname))
		return -ENODEV;

	mp = xdp_multiprog__get_from_ifindex(ifindex);
	err = libxdp_get_error(mp);
	if (err == -ENOENT || !mp)
		return 0; /* nothing attached */
	if (err)
		return err;

	a->mode = xdp_multiprog__attach_mode(mp);
	a->nr_progs = xdp_multiprog__program_count(mp);
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		a->nr_progs = p ? 1 : 0;
		if (p && synx_prog_is_synx(xdp_program__id(p))) {
			a->attached = true;
			a->prog_id = xdp_program__id(p);
		} else if (p) {
			a->other_prog_id = xdp_program__id(p);
		}
	} else {
		a->dispatcher = true;
		p = xdp_multiprog__main_prog(mp);
		a->dispatcher_id = p ? xdp_program__id(p) : 0;
		for (p = xdp_multiprog__next_prog(NULL, mp); p;
		     p = xdp_multiprog__next_prog(p, mp)) {
			if (synx_prog_is_synx(xdp_program__id(p))) {
				a->attached = true;
				a->prog_id = xdp_program__id(p);
			}
		}
	}
	xdp_multiprog__close(mp);
	return 0;
}

/* bpf_prog_info.load_time is CLOCK_BOOTTIME; convert to wall-clock time. */
long long synx_prog_load_walltime(__u32 prog_id)
{
	struct bpf_prog_info info = {};
	struct timespec real, boot;

	if (synx_prog_info(prog_id, &info) || clock_gettime(CLOCK_REALTIME, &real) ||
	    clock_gettime(CLOCK_BOOTTIME, &boot))
		return 0;
	return real.tv_sec - boot.tv_sec + (long long)(info.load_time / 1000000000ULL);
}
