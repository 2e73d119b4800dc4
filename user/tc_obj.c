// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <bpf/libbpf.h>
#include "tc_obj.h"

struct synx_tc *synx_tc_obj_open(const struct bpf_object *xdp)
{
	struct synx_tc *skel = synx_tc__open();
	struct bpf_map *map;
	int err = 0;

	if (!skel)
		return NULL;
	bpf_object__for_each_map(map, skel->obj) {
		const struct bpf_map *from;

		/* Its own .rodata: the defaults, which the caller sets. */
		if (bpf_map__is_internal(map))
			continue;
		/*
		 * Not pinned: maps.h asks for pinning by name, which would put
		 * the maps under libbpf's default root, /sys/fs/bpf.  Every map
		 * must be @xdp's: a private copy would split the counters or
		 * the configuration without a word.
		 */
		err = bpf_map__set_pin_path(map, NULL);
		from = bpf_object__find_map_by_name(xdp, bpf_map__name(map));
		if (!err && !from)
			err = -ENOENT;
		if (!err)
			err = bpf_map__reuse_fd(map, bpf_map__fd(from));
		if (err)
			break;
	}
	if (err) {
		synx_tc__destroy(skel);
		errno = -err;
		return NULL;
	}
	return skel;
}
