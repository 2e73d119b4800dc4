/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * synx's maps: the layouts this binary was built with, and how the maps of
 * a synx are found again, by pin directory or through the program that uses
 * them.  Any map reused or read is checked against its layout first.
 */
#ifndef SYNX_MAPS_H
#define SYNX_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

enum synx_map_idx {
	SYNX_MAP_IDX_CONFIG,
	SYNX_MAP_IDX_PORTS,
	SYNX_MAP_IDX_COUNTERS,
	SYNX_MAP_IDX_VERDICTS,
	SYNX_MAP_IDX_KEYS,    /* own-cookie keys; absent in objects before own mode */
	SYNX_MAP_IDX_GATEWAY, /* gateway prefixes; absent in objects before gateway mode */
	__SYNX_MAP_IDX_MAX,
};

struct synx_map_spec {
	const char *name;
	__u32 type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
};

/* Expected layouts, from include/ (the same headers the BPF side uses). */
extern const struct synx_map_spec synx_map_specs[__SYNX_MAP_IDX_MAX];

struct synx_maps {
	int fd[__SYNX_MAP_IDX_MAX]; /* -1 when absent */
	char where[256];            /* pin dir or "prog <id>", for messages */
};

void synx_maps_init(struct synx_maps *m);
void synx_maps_close(struct synx_maps *m);

/*
 * Compare an open map with @spec; on mismatch fill @why and return false.
 * Counters may have more slots than we know (appended reasons).
 */
bool synx_map_compatible(int fd, const struct synx_map_spec *spec, char *why, size_t len);

/*
 * Open the maps pinned in @dir.  Missing pins are left at -1; an
 * incompatible one fails with SYNX_EXIT_INCOMPAT.  Returns an exit code.
 */
int synx_maps_open_dir(const char *dir, struct synx_maps *m);

/* Open the maps a loaded program uses, by name.  Returns an exit code. */
int synx_maps_open_prog(__u32 prog_id, struct synx_maps *m);

/*
 * synx_state: what the program learnt of the kernel.  Not pinned (a reload
 * learns afresh), so only found through the program.
 */
extern const struct synx_map_spec synx_state_spec;

/*
 * An fd of the map named @spec->name that program @prog_id uses: -ENOENT
 * when the program has no such map, -EPROTO when its layout is not @spec,
 * else -errno.
 */
int synx_prog_map_fd(__u32 prog_id, const struct synx_map_spec *spec);

/*
 * Entry 0 of the map named @spec->name that program @prog_id uses, into
 * @value (@spec->value_size bytes): 0, -ENOENT when the program has no such
 * map, -EPROTO when its layout is not @spec, else -errno.
 */
int synx_prog_map_lookup(__u32 prog_id, const struct synx_map_spec *spec, void *value);

/* Whether program @prog_id uses a map named synx_counters: it is synx. */
bool synx_prog_is_synx(__u32 prog_id);

#endif
