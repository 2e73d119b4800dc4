/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The pin directory of an interface and its lifecycle.
 *
 * `synx attach IF` pins every map under a directory keyed by what survives
 * a rename, the network namespace and the ifindex:
 *
 *   SYNX_PIN_ROOT/by-netns-ifindex/<netns cookie>-<ifindex>/   the maps
 *   SYNX_PIN_ROOT/<IF> -> by-netns-ifindex/<cookie>-<ifindex>  its name, a link
 *
 * The link is for people and for finding the pins of an interface that is
 * gone; synx itself goes by ifindex, so a renamed interface keeps its state
 * and a new interface that takes the old name starts clean.  (The directory
 * name is longer than any interface name, so no link can clash with it.)
 * `ip link ... xdp obj synx.bpf.o` pins the same names under
 * SYNX_IPROUTE2_GLOBALS.  Attach fills the directory as a transaction that a
 * failure rolls back; detach removes it.
 *
 * Whoever can write these directories can swap a map under a root
 * service: every one of them must be root's (or the caller's) and writable
 * by nobody else (SYNX_EXIT_UNSAFE otherwise); synx creates them 0700.
 */
#ifndef SYNX_PINS_H
#define SYNX_PINS_H

#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include <bpf/libbpf.h>
#include "synx_config.h"
#include "keystore.h"
#include "maps.h"

#define SYNX_BPFFS "/sys/fs/bpf"
#define SYNX_PIN_ROOT SYNX_BPFFS "/synx"
#define SYNX_PIN_STATE "by-netns-ifindex"
/*
 * iproute2's pin directory for `ip link ... xdp obj` (6.1, with libbpf):
 * SYNX_BPFFS/xdp/globals.  Where iproute2 makes the tree itself, xdp is a
 * link to tc, so the maps show under tc/globals too; where xdp/ exists
 * already (libxdp makes it for its dispatcher, so after any `synx attach`)
 * it is a directory of its own and tc/globals does not have them.
 */
#define SYNX_IPROUTE2_GLOBALS SYNX_BPFFS "/xdp/globals"

/*
 * Marker under the pin dir: present iff `synx attach` created the clsact
 * qdisc.  `synx detach` removes the qdisc only while the marker is there,
 * synx's filter is still in that very qdisc (so it is the instance synx
 * made, not one recreated since) and no filter of anyone else is in it.
 * bpffs holds only BPF objects and directories, hence an empty directory.
 */
#define SYNX_CLSACT_MARKER "clsact_created_by_synx"

/*
 * Where the running program's own-cookie key comes from (keystore.h), so
 * that `config --rotate-key` writes the new key back there and `status`
 * can say so: a link in the pin dir to the key file, named after the
 * source.  No link: a random key (or kernel cookies, or an older synx).
 */
#define SYNX_KEY_LINK_FILE "key_file"
#define SYNX_KEY_LINK_STATE "key_state"

/* The pins of one interface of this network namespace. */
struct synx_pins {
	char dir[256];             /* SYNX_PIN_ROOT/by-netns-ifindex/<cookie>-<ifindex> */
	char name[IF_NAMESIZE];    /* the interface's name: now, else its link's */
	int ifindex;               /* 0: not known */
	bool exists;               /* dir exists */
	bool gone;                 /* the interface no longer exists */
	char renamed[IF_NAMESIZE]; /* asked by a name the interface no longer has: its new one */
};

/* A cookie of the caller's network namespace (SO_NETNS_COOKIE). 0 or -errno. */
int synx_netns_cookie(__u64 *cookie);

/*
 * The pins of @ifname: an interface by that name (its ifindex), else the
 * interface that last had a link by that name and is gone now.  0 (p->exists
 * says whether there are pins), or an exit code (SYNX_EXIT_UNSAFE).
 */
int synx_pins_find(const char *ifname, struct synx_pins *p);

/* The pins of @ifindex (of this namespace). 0 or an exit code. */
int synx_pins_of(int ifindex, struct synx_pins *p);

/* Every pin dir of this network namespace: the count (*out malloc'd), or -exit code. */
int synx_pins_list(struct synx_pins **out);

/* The clsact marker in the pin dir @dir. */
bool synx_clsact_marker_get(const char *dir);

/*
 * Marker beside the pin dirs, SYNX_PIN_STATE/<netns cookie>-<this>: gateway
 * mode set net.netfilter.nf_conntrack_tcp_loose from 1 to 0 in that
 * namespace, and the detach of its last gateway sets it back.
 */
#define SYNX_LOOSE_MARKER "nf_conntrack_tcp_loose_was_1"

/* The key source recorded in the pin dir @dir; SYNX_KEY_RANDOM without one. */
void synx_pins_key_source(const char *dir, struct synx_key_source *src);

/*
 * Unlink every synx pin in @p's dir, the key source link and the clsact
 * marker, then the dir and every name link to it. 0 or -errno.
 */
int synx_pins_remove(const struct synx_pins *p);

/*
 * Whether map @fd is the one pinned under its name in SYNX_IPROUTE2_GLOBALS
 * (iproute2's), and if so, remove that pin: true when it did.
 */
bool synx_iproute2_unpin(int fd);
/* Whether map @fd is pinned under its name in SYNX_IPROUTE2_GLOBALS. */
bool synx_iproute2_pinned(int fd);

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
	char name[IF_NAMESIZE];
	struct bpf_object *obj;
	struct bpf_map *map[__SYNX_MAP_IDX_MAX]; /* its maps */
	bool existed[__SYNX_MAP_IDX_MAX];        /* pinned before attach */
	int fd[__SYNX_MAP_IDX_MAX];              /* written by synx_pin_txn_write, else -1 */
	bool saved[__SYNX_MAP_IDX_MAX];          /* old[] holds the value it overwrote */
	union synx_pin_value old[__SYNX_MAP_IDX_MAX];
	bool created_dir;
	bool linked;                    /* the name link was set here: undo it */
	char old_name_target[PATH_MAX]; /* what it pointed to before ("": nothing) */
	bool marked;                    /* the clsact marker is ours */
	bool key_linked;                /* the key source link is ours */
	char old_key_link[32];          /* the one it replaced ("": none) */
	char old_key_target[PATH_MAX];
	struct btf *btf; /* the object's, for maps created here */
	int btf_fd;      /* -1 without */
};

/* An empty transaction: nothing to undo, nothing to release. */
void synx_pin_txn_init(struct synx_pin_txn *t);

/*
 * Point the maps of @obj (@map, by enum synx_map_idx) at the pin dir of
 * interface @ifindex (@ifname), and check every map already pinned there
 * before libbpf reuses it.  Nothing is touched yet.  0 or an exit code
 * (SYNX_EXIT_INCOMPAT for a map of another layout, SYNX_EXIT_UNSAFE).
 */
int synx_pin_txn_check(struct synx_pin_txn *t, int ifindex, const char *ifname,
		       struct bpf_object *obj, struct bpf_map *const map[__SYNX_MAP_IDX_MAX]);

/*
 * Create the pin dir (0700) and its name link.  From here on the system
 * changes: roll back on failure.  0 or an exit code, reported.
 */
int synx_pin_txn_mkdir(struct synx_pin_txn *t);

/*
 * Write @value into map @idx before the program exists, so its very first
 * packet already sees it: into the pinned map (its old value saved), or a
 * map created and pinned here that libbpf then reuses.  0 or -errno.
 */
int synx_pin_txn_write(struct synx_pin_txn *t, enum synx_map_idx idx, const void *value);
/*
 * Map @idx itself, for a map of many entries (the gateway trie): the
 * pinned one, else one made and pinned here (the rollback removes it).
 * Its entries are the caller's to write.  An fd the transaction owns, or
 * -errno.
 */
int synx_pin_txn_open(struct synx_pin_txn *t, enum synx_map_idx idx);

/* Record where the key comes from (nothing for SYNX_KEY_RANDOM).  0 or -errno. */
int synx_pin_txn_key_source(struct synx_pin_txn *t, const struct synx_key_source *src);

/* Record that attach created the clsact qdisc.  0 or -errno. */
int synx_pin_txn_mark_clsact(struct synx_pin_txn *t);

/* Undo what the transaction did: created pins go, reused ones get their old values. */
void synx_pin_txn_rollback(struct synx_pin_txn *t);

/* Release descriptors and BTF; what was done stays. */
void synx_pin_txn_end(struct synx_pin_txn *t);

#endif
