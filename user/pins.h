/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The pin directory of an interface and its lifecycle.
 *
 * `synx attach IF` pins every map under SYNX_PIN_ROOT/IF/ (the maps are
 * declared LIBBPF_PIN_BY_NAME, so libbpf reuses what it finds there);
 * `ip link ... xdp obj synx.bpf.o` pins the same names under
 * SYNX_TC_GLOBALS.  Attach fills the directory as a transaction that a
 * failure rolls back; detach removes it.
 */
#ifndef SYNX_PINS_H
#define SYNX_PINS_H

#include <stdbool.h>
#include <stddef.h>
#include <bpf/libbpf.h>
#include "synx_config.h"
#include "maps.h"

#define SYNX_BPFFS "/sys/fs/bpf"
#define SYNX_PIN_ROOT SYNX_BPFFS "/synx"
#define SYNX_TC_GLOBALS SYNX_BPFFS "/tc/globals"

/*
 * Marker under the pin dir: present iff `synx attach` created the clsact
 * qdisc, so that `synx detach` removes the qdisc then and only then.  bpffs
 * holds only BPF objects and directories, hence an empty directory.
 */
#define SYNX_CLSACT_MARKER "clsact_created_by_synx"

/* SYNX_PIN_ROOT/<ifname> into @buf; 0, or SYNX_EXIT_USAGE if too long. */
int synx_pin_dir(char *buf, size_t len, const char *ifname);
bool synx_pin_dir_exists(const char *ifname);

/* The clsact marker in the pin dir @dir. */
bool synx_clsact_marker_get(const char *dir);

/*
 * Unlink every synx pin in the interface's pin dir and the clsact marker,
 * then the dir. 0 or -errno.
 */
int synx_pins_remove(const char *ifname);

/* A value of one of the single-entry maps attach writes. */
union synx_pin_value {
	struct synx_config config;
	struct synx_ports ports;
	struct synx_cookie_keys keys;
};

/*
 * What one attach does to the pin directory, so that a failure can put
 * everything back: which maps were already pinned (reused, their old value
 * saved before it is overwritten) and which were created, whether the
 * directory and the clsact marker are new.
 */
struct synx_pin_txn {
	char dir[256];
	struct bpf_object *obj;
	struct bpf_map *map[__SYNX_MAP_IDX_MAX]; /* its maps */
	bool existed[__SYNX_MAP_IDX_MAX];        /* pinned before attach */
	int fd[__SYNX_MAP_IDX_MAX];              /* written by synx_pin_txn_write, else -1 */
	bool saved[__SYNX_MAP_IDX_MAX];          /* old[] holds the value it overwrote */
	union synx_pin_value old[__SYNX_MAP_IDX_MAX];
	bool created_dir;
	bool marked;     /* the clsact marker is ours */
	struct btf *btf; /* the object's, for maps created here */
	int btf_fd;      /* -1 without */
};

/* An empty transaction: nothing to undo, nothing to release. */
void synx_pin_txn_init(struct synx_pin_txn *t);

/*
 * Point the maps of @obj (@map, by enum synx_map_idx) at the pin dir of
 * @ifname, and check every map already pinned there before libbpf reuses
 * it.  Nothing is touched yet.  0 or an exit code (SYNX_EXIT_INCOMPAT for
 * a map of another layout).
 */
int synx_pin_txn_check(struct synx_pin_txn *t, const char *ifname, struct bpf_object *obj,
		       struct bpf_map *const map[__SYNX_MAP_IDX_MAX]);

/* Create the pin dir.  From here on the system changes: roll back on failure.  0 or -errno. */
int synx_pin_txn_mkdir(struct synx_pin_txn *t);

/*
 * Write @value into map @idx before the program exists, so its very first
 * packet already sees it: into the pinned map (its old value saved), or a
 * map created and pinned here that libbpf then reuses.  0 or -errno.
 */
int synx_pin_txn_write(struct synx_pin_txn *t, enum synx_map_idx idx, const void *value);

/* Record that attach created the clsact qdisc.  0 or -errno. */
int synx_pin_txn_mark_clsact(struct synx_pin_txn *t);

/* Undo what the transaction did: created pins go, reused ones get their old values. */
void synx_pin_txn_rollback(struct synx_pin_txn *t);

/* Release descriptors and BTF; what was done stays. */
void synx_pin_txn_end(struct synx_pin_txn *t);

#endif
