/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The interfaces a read command reports on: named, or every one with synx. */
#ifndef SYNX_TARGETS_H
#define SYNX_TARGETS_H

#include <stdbool.h>
#include <net/if.h>
#include "attachment.h"
#include "maps.h"
#include "pins.h"

struct synx_target {
	char ifname[IF_NAMESIZE];
	struct synx_attachment a; /* a.ifindex 0: interface gone */
	bool pinned;              /* it has a pin dir (pins.dir) */
	struct synx_pins pins;
};

/*
 * Collect targets: @ifname alone (an error if it neither exists nor has
 * pins), or every interface running a synx program plus every pin dir of
 * this network namespace.
 * Returns the count, or a negative SYNX_EXIT_* code after reporting it.
 */
int synx_targets_collect(const char *ifname, struct synx_target **out);

/*
 * Open the maps of a target: those of the running program (works for
 * `ip link` too), else its pin dir, else iproute2's xdp/globals.
 */
int synx_target_maps(const struct synx_target *t, struct synx_maps *m);

#endif
