/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Where synx's maps live and how they are found again.
 *
 * `synx attach IF` pins every map under SYNX_PIN_ROOT/IF/ (the maps are
 * declared LIBBPF_PIN_BY_NAME, so libbpf reuses what it finds there);
 * `ip link ... xdp obj synx.bpf.o` pins the same names under
 * SYNX_TC_GLOBALS.  Any map reused or read is checked against the layout
 * this binary was built with first.
 */
#ifndef SYNX_PINS_H
#define SYNX_PINS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define SYNX_BPFFS "/sys/fs/bpf"
#define SYNX_PIN_ROOT SYNX_BPFFS "/synx"
#define SYNX_TC_GLOBALS SYNX_BPFFS "/tc/globals"

enum synx_map_idx {
	SYNX_MAP_IDX_CONFIG,
	SYNX_MAP_IDX_PORTS,
	SYNX_MAP_IDX_COUNTERS,
	SYNX_MAP_IDX_VERDICTS,
	SYNX_MAP_IDX_KEYS,       /* own-cookie keys; absent in objects before own mode */
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

/* SYNX_PIN_ROOT/<ifname> into @buf; 0, or SYNX_EXIT_USAGE if too long. */
int synx_pin_dir(char *buf, size_t len, const char *ifname);
bool synx_pin_dir_exists(const char *ifname);

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

/* Whether program @prog_id uses a map named synx_counters: it is synx. */
bool synx_prog_is_synx(__u32 prog_id);

/*
 * Unlink every synx pin in the interface's pin dir and the clsact marker,
 * then the dir. 0 or -errno.
 */
int synx_pins_remove(const char *ifname);

#endif
