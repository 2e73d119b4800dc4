// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The interfaces a read command reports on, and their maps.  See targets.h. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "iface.h"
#include "pins.h"
#include "targets.h"

static int add_target(struct synx_target **v, int *n, const char *ifname)
{
	struct synx_target *nv, *t;
	int ifindex;

	for (int i = 0; i < *n; i++)
		if (!strcmp((*v)[i].ifname, ifname))
			return 0;
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	t = &nv[(*n)++];
	memset(t, 0, sizeof(*t));
	snprintf(t->ifname, sizeof(t->ifname), "%s", ifname);
	t->pinned = synx_pin_dir_exists(ifname);
	ifindex = if_nametoindex(ifname);
	if (ifindex)
		synx_attachment_query(ifindex, &t->a);
	return 0;
}

int synx_targets_collect(const char *ifname, struct synx_target **out)
{
	struct if_nameindex *ifs, *i;
	struct synx_target *v = NULL;
	struct dirent *de;
	DIR *d;
	int n = 0;

	*out = NULL;
	if (ifname) {
		if (!synx_ifname_valid(ifname) ||
		    (!if_nametoindex(ifname) && !synx_pin_dir_exists(ifname)))
			return -synx_err(SYNX_EXIT_NODEV, "no such interface: %s", ifname);
		if (add_target(&v, &n, ifname))
			return -synx_err(SYNX_EXIT_FAIL, "out of memory");
		*out = v;
		return n;
	}

	ifs = if_nameindex();
	for (i = ifs; i && i->if_index; i++) {
		struct synx_attachment a;

		if (!synx_attachment_query(i->if_index, &a) && a.attached)
			add_target(&v, &n, i->if_name);
	}
	if (ifs)
		if_freenameindex(ifs);
	d = opendir(SYNX_PIN_ROOT);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= IF_NAMESIZE)
			continue;
		add_target(&v, &n, de->d_name);
	}
	if (d)
		closedir(d);
	*out = v;
	return n;
}

int synx_target_maps(const struct synx_target *t, struct synx_maps *m)
{
	char dir[256];
	int err;

	synx_maps_init(m);
	if (t->a.attached) {
		err = synx_maps_open_prog(t->a.prog_id, m);
		if (err || m->fd[SYNX_MAP_IDX_COUNTERS] >= 0)
			return err;
		synx_maps_close(m);
	}
	if (t->pinned) {
		synx_pin_dir(dir, sizeof(dir), t->ifname);
		err = synx_maps_open_dir(dir, m);
		if (err || m->fd[SYNX_MAP_IDX_COUNTERS] >= 0)
			return err;
		synx_maps_close(m);
	}
	/* A program loaded by iproute2 whose pins outlived it. */
	return synx_maps_open_dir(SYNX_TC_GLOBALS, m);
}
