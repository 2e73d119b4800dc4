// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The pin directory: its path, the attach transaction, its removal.  See pins.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "pins.h"

/* SYNX_PIN_ROOT/<ifname>, or false when it does not fit @len. */
static bool pin_dir_path(char *buf, size_t len, const char *ifname)
{
	return (size_t)snprintf(buf, len, "%s/%s", SYNX_PIN_ROOT, ifname) < len;
}

static void marker_path(char *buf, size_t len, const char *dir)
{
	snprintf(buf, len, "%s/%s", dir, SYNX_CLSACT_MARKER);
}

int synx_pin_dir(char *buf, size_t len, const char *ifname)
{
	if (!pin_dir_path(buf, len, ifname))
		return synx_err(SYNX_EXIT_USAGE, "interface name too long: %s", ifname);
	return 0;
}

bool synx_pin_dir_exists(const char *ifname)
{
	char dir[256];
	struct stat st;

	return pin_dir_path(dir, sizeof(dir), ifname) && !stat(dir, &st) && S_ISDIR(st.st_mode);
}

bool synx_clsact_marker_get(const char *dir)
{
	char path[512];
	struct stat st;

	marker_path(path, sizeof(path), dir);
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/*
 * Only remove what synx put there: a stray file someone else pinned in our
 * directory makes rmdir fail loudly instead of being deleted silently.
 */
int synx_pins_remove(const char *ifname)
{
	char dir[256], path[512];

	if (synx_pin_dir(dir, sizeof(dir), ifname))
		return -EINVAL;
	for (int i = 0; i < __SYNX_MAP_IDX_MAX; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, synx_map_specs[i].name);
		if (unlink(path) && errno != ENOENT)
			return -errno;
	}
	marker_path(path, sizeof(path), dir);
	if (rmdir(path) && errno != ENOENT)
		return -errno;
	if (rmdir(dir) && errno != ENOENT)
		return -errno;
	/* Leave SYNX_PIN_ROOT itself only when other interfaces still use it. */
	if (rmdir(SYNX_PIN_ROOT) && errno != ENOTEMPTY && errno != EEXIST && errno != ENOENT)
		return -errno;
	return 0;
}

void synx_pin_txn_init(struct synx_pin_txn *t)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < __SYNX_MAP_IDX_MAX; i++)
		t->fd[i] = -1;
	t->btf_fd = -1;
}

int synx_pin_txn_check(struct synx_pin_txn *t, const char *ifname, struct bpf_object *obj,
		       struct bpf_map *const map[__SYNX_MAP_IDX_MAX])
{
	char path[512], why[160];
	int err = synx_pin_dir(t->dir, sizeof(t->dir), ifname);

	if (err)
		return err;
	t->obj = obj;
	for (int i = 0; i < __SYNX_MAP_IDX_MAX; i++) {
		struct synx_map_spec spec = {
			.name = bpf_map__name(map[i]),
			.type = bpf_map__type(map[i]),
			.key_size = bpf_map__key_size(map[i]),
			.value_size = bpf_map__value_size(map[i]),
			.max_entries = bpf_map__max_entries(map[i]),
		};
		int fd;

		t->map[i] = map[i];
		snprintf(path, sizeof(path), "%s/%s", t->dir, spec.name);
		if (bpf_map__set_pin_path(map[i], path))
			return synx_err(SYNX_EXIT_FAIL, "cannot set pin path %s", path);
		fd = bpf_obj_get(path);
		if (fd < 0) {
			if (errno != ENOENT)
				return synx_err(SYNX_EXIT_FAIL, "cannot open %s: %s", path,
						strerror(errno));
			continue;
		}
		t->existed[i] = true;
		if (!synx_map_compatible(fd, &spec, why, sizeof(why))) {
			close(fd);
			return synx_err(
				SYNX_EXIT_INCOMPAT,
				"pinned map %s is incompatible with this synx (%s): an older synx left it; remove %s (e.g. 'synx detach IFACE') and attach again",
				path, why, t->dir);
		}
		close(fd);
	}
	return 0;
}

/*
 * A map carries BTF so `bpftool map dump` prints it field by field.  The
 * object's BTF is not in the kernel before load, so load a copy of it;
 * without it, maps are created bare.
 */
static void txn_load_btf(struct synx_pin_txn *t)
{
	const struct btf *src = bpf_object__btf(t->obj);
	const void *raw;
	struct btf *copy;
	__u32 size;

	if (!src)
		return;
	raw = btf__raw_data(src, &size);
	copy = btf__new(raw, size);
	if (libbpf_get_error(copy))
		return;
	if (btf__load_into_kernel(copy)) {
		btf__free(copy);
		return;
	}
	t->btf = copy;
	t->btf_fd = btf__fd(copy);
}

int synx_pin_txn_mkdir(struct synx_pin_txn *t)
{
	struct stat st;

	t->created_dir = stat(t->dir, &st) || !S_ISDIR(st.st_mode);
	if (mkdir(SYNX_PIN_ROOT, 0700) && errno != EEXIST)
		return -errno;
	if (mkdir(t->dir, 0700) && errno != EEXIST)
		return -errno;
	txn_load_btf(t);
	return 0;
}

static int txn_create_map(struct synx_pin_txn *t, const struct bpf_map *map)
{
	LIBBPF_OPTS(bpf_map_create_opts, copts);
	int btf_fd = t->btf_fd;
	int fd;

	if (btf_fd >= 0) {
		copts.btf_fd = btf_fd;
		copts.btf_key_type_id = bpf_map__btf_key_type_id(map);
		copts.btf_value_type_id = bpf_map__btf_value_type_id(map);
	}
	fd = bpf_map_create(bpf_map__type(map), bpf_map__name(map), bpf_map__key_size(map),
			    bpf_map__value_size(map), bpf_map__max_entries(map), &copts);
	if (fd < 0 && btf_fd >= 0) {
		copts.btf_fd = 0;
		copts.btf_key_type_id = copts.btf_value_type_id = 0;
		fd = bpf_map_create(bpf_map__type(map), bpf_map__name(map), bpf_map__key_size(map),
				    bpf_map__value_size(map), bpf_map__max_entries(map), &copts);
	}
	return fd < 0 ? -errno : fd;
}

int synx_pin_txn_write(struct synx_pin_txn *t, enum synx_map_idx idx, const void *value)
{
	const char *path = bpf_map__pin_path(t->map[idx]);
	bool exists = t->existed[idx];
	__u32 key = 0;
	int fd;

	if (exists) {
		fd = bpf_obj_get(path);
		if (fd < 0)
			return -errno;
		if (!bpf_map_lookup_elem(fd, &key, &t->old[idx]))
			t->saved[idx] = true;
	} else {
		fd = txn_create_map(t, t->map[idx]);
		if (fd < 0)
			return fd;
	}
	if (bpf_map_update_elem(fd, &key, value, BPF_ANY) || (!exists && bpf_obj_pin(fd, path))) {
		int err = -errno;

		close(fd);
		return err;
	}
	t->fd[idx] = fd;
	return 0;
}

int synx_pin_txn_mark_clsact(struct synx_pin_txn *t)
{
	char path[512];

	t->marked = true;
	marker_path(path, sizeof(path), t->dir);
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

void synx_pin_txn_rollback(struct synx_pin_txn *t)
{
	char path[512];
	__u32 key = 0;

	for (int i = 0; i < __SYNX_MAP_IDX_MAX; i++) {
		if (t->existed[i])
			continue;
		snprintf(path, sizeof(path), "%s/%s", t->dir, synx_map_specs[i].name);
		unlink(path);
	}
	for (int i = 0; i < __SYNX_MAP_IDX_MAX; i++)
		if (t->saved[i] && t->fd[i] >= 0)
			bpf_map_update_elem(t->fd[i], &key, &t->old[i], BPF_ANY);
	if (t->marked) {
		marker_path(path, sizeof(path), t->dir);
		rmdir(path);
	}
	if (t->created_dir) {
		rmdir(t->dir);
		rmdir(SYNX_PIN_ROOT); /* fails harmlessly while other interfaces use it */
	}
}

void synx_pin_txn_end(struct synx_pin_txn *t)
{
	for (int i = 0; i < __SYNX_MAP_IDX_MAX; i++) {
		if (t->fd[i] >= 0)
			close(t->fd[i]);
		t->fd[i] = -1;
	}
	btf__free(t->btf);
	t->btf = NULL;
}
