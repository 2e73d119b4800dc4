// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The interfaces a read command reports on, and their maps.  See targets.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "iface.h"
#include "pins.h"
#include "targets.h"

/* Add the interface @ifindex, or (0) the pins @pins of one that is gone. */
static int add_target(struct synx_target **v, int *n, int ifindex, const struct synx_pins *pins)
{
	struct synx_target *nv, *t;
	int err;

	for (int i = 0; i < *n; i++)
		if ((ifindex && (*v)[i].a.ifindex == ifindex) ||
		    (pins && !strcmp((*v)[i].pins.dir, pins->dir)))
			return 0;
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return -synx_err(SYNX_EXIT_FAIL, "out of memory");
	*v = nv;
	t = &nv[(*n)++];
	memset(t, 0, sizeof(*t));
	if (pins) {
		t->pins = *pins;
	} else {
		err = synx_pins_of(ifindex, &t->pins);
		if (err)
			return -err;
	}
	t->pinned = t->pins.exists;
	snprintf(t->ifname, sizeof(t->ifname), "%s", t->pins.name);
	if (!t->pins.gone)
		synx_attachment_query(t->pins.ifindex, &t->a);
	return 0;
}

int synx_targets_collect(const char *ifname, struct synx_target **out)
{
	struct if_nameindex *ifs, *i;
	struct synx_target *v = NULL;
	struct synx_pins *pins = NULL, one;
	int n = 0, np, err = 0;

	*out = NULL;
	if (ifname) {
		if (!synx_ifname_valid(ifname))
			return -synx_err(SYNX_EXIT_NODEV, "no such interface: %s", ifname);
		err = synx_pins_find(ifname, &one);
		if (err)
			return -err;
		if (one.renamed[0])
			return -synx_err(SYNX_EXIT_NODEV,
					 "no such interface: %s (the synx it had runs on %s now)",
					 ifname, one.renamed);
		if (one.gone && !one.exists)
			return -synx_err(SYNX_EXIT_NODEV, "no such interface: %s", ifname);
		err = add_target(&v, &n, 0, &one);
		if (err) {
			free(v);
			return err;
		}
		*out = v;
		return n;
	}

	ifs = if_nameindex();
	for (i = ifs; !err && i && i->if_index; i++) {
		struct synx_attachment a;

		if (!synx_attachment_query(i->if_index, &a) && a.attached)
			err = add_target(&v, &n, i->if_index, NULL);
	}
	if (ifs)
		if_freenameindex(ifs);
	np = err ? 0 : synx_pins_list(&pins);
	if (np < 0)
		err = np;
	for (int j = 0; !err && j < np; j++)
		err = add_target(&v, &n, pins[j].gone ? 0 : pins[j].ifindex, &pins[j]);
	free(pins);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	return n;
}

int synx_target_maps(const struct synx_target *t, struct synx_maps *m)
{
	int err;

	synx_maps_init(m);
	if (t->a.attached) {
		err = synx_maps_open_prog(t->a.prog_id, m);
		if (err || m->fd[SYNX_MAP_IDX_COUNTERS] >= 0)
			return err;
		synx_maps_close(m);
	}
	if (t->pinned) {
		err = synx_maps_open_dir(t->pins.dir, m);
		if (err || m->fd[SYNX_MAP_IDX_COUNTERS] >= 0)
			return err;
		synx_maps_close(m);
	}
	/* A program loaded by iproute2 whose pins outlived it. */
	return synx_maps_open_dir(SYNX_IPROUTE2_GLOBALS, m);
}
