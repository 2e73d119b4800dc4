// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Layouts of synx's maps, and finding them again.  See maps.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "attachment.h"
#include "maps.h"
#include "synx_config.h"
#include "synx_counters.h"

const struct synx_map_spec synx_map_specs[__SYNX_MAP_IDX_MAX] = {
	[SYNX_MAP_IDX_CONFIG] = { SYNX_MAP_CONFIG, BPF_MAP_TYPE_ARRAY, sizeof(__u32),
				  sizeof(struct synx_config), 1 },
	[SYNX_MAP_IDX_PORTS] = { SYNX_MAP_PORTS, BPF_MAP_TYPE_ARRAY, sizeof(__u32),
				 sizeof(struct synx_ports), 1 },
	[SYNX_MAP_IDX_COUNTERS] = { SYNX_MAP_COUNTERS, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32),
				    sizeof(struct synx_counter), SYNX_REASON_SLOTS },
	[SYNX_MAP_IDX_VERDICTS] = { SYNX_MAP_VERDICTS, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32),
				    sizeof(struct synx_counter), SYNX_VERDICT_SLOTS },
	[SYNX_MAP_IDX_KEYS] = { SYNX_MAP_KEYS, BPF_MAP_TYPE_ARRAY, sizeof(__u32),
				sizeof(struct synx_cookie_keys), 1 },
	[SYNX_MAP_IDX_GATEWAY] = { SYNX_MAP_GATEWAY, BPF_MAP_TYPE_LPM_TRIE,
				   sizeof(struct synx_gw_key), sizeof(struct synx_gw_backend),
				   SYNX_GW_MAX },
};

const struct synx_map_spec synx_state_spec = { SYNX_MAP_STATE, BPF_MAP_TYPE_ARRAY, sizeof(__u32),
					       sizeof(struct synx_state), 1 };

void synx_maps_init(struct synx_maps *m)
{
	for (int i = 0; i < __SYNX_MAP_IDX_MAX; i++)
		m->fd[i] = -1;
	m->where[0] = '\0';
}

void synx_maps_close(struct synx_maps *m)
{
	for (int i = 0; i < __SYNX_MAP_IDX_MAX; i++) {
		if (m->fd[i] >= 0)
			close(m->fd[i]);
		m->fd[i] = -1;
	}
}

bool synx_map_compatible(int fd, const struct synx_map_spec *spec, char *why, size_t len)
{
	struct bpf_map_info info = {};
	__u32 info_len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &info_len)) {
		snprintf(why, len, "cannot query it: %s", strerror(errno));
		return false;
	}
	if (info.type != spec->type)
		snprintf(why, len, "map type %s, expected %s", libbpf_bpf_map_type_str(info.type),
			 libbpf_bpf_map_type_str(spec->type));
	else if (info.key_size != spec->key_size)
		snprintf(why, len, "key size %u, expected %u", info.key_size, spec->key_size);
	else if (info.value_size != spec->value_size)
		snprintf(why, len, "value size %u, expected %u", info.value_size, spec->value_size);
	else if (info.max_entries != spec->max_entries)
		snprintf(why, len, "%u entries, expected %u", info.max_entries, spec->max_entries);
	else
		return true;
	return false;
}

int synx_maps_open_dir(const char *dir, struct synx_maps *m)
{
	char path[512], why[128];

	snprintf(m->where, sizeof(m->where), "%s", dir);
	for (int i = 0; i < __SYNX_MAP_IDX_MAX; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, synx_map_specs[i].name);
		fd = bpf_obj_get(path);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			return synx_err(SYNX_EXIT_FAIL, "cannot open %s: %s", path,
					strerror(errno));
		}
		m->fd[i] = fd;
		if (!synx_map_compatible(fd, &synx_map_specs[i], why, sizeof(why)))
			return synx_err(
				SYNX_EXIT_INCOMPAT,
				"pinned map %s is incompatible with this synx (%s): remove it, or run 'synx detach'",
				path, why);
	}
	return 0;
}

/* Map ids of a program; *n in: capacity, out: count. */
static int prog_map_ids(__u32 prog_id, __u32 *ids, __u32 *n)
{
	struct bpf_prog_info info = {
		.nr_map_ids = *n,
		.map_ids = (__u64)(unsigned long)ids,
	};
	int err = synx_prog_info(prog_id, &info);

	if (!err)
		*n = info.nr_map_ids < *n ? info.nr_map_ids : *n;
	return err;
}

static int map_fd_and_name(__u32 id, char *name, size_t len)
{
	struct bpf_map_info info = {};
	__u32 info_len = sizeof(info);
	int fd = bpf_map_get_fd_by_id(id);

	if (fd < 0)
		return -1;
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len)) {
		close(fd);
		return -1;
	}
	snprintf(name, len, "%s", info.name);
	return fd;
}

int synx_maps_open_prog(__u32 prog_id, struct synx_maps *m)
{
	__u32 ids[64], n = 64;
	char name[BPF_OBJ_NAME_LEN], why[128];
	int err;

	snprintf(m->where, sizeof(m->where), "program %u", prog_id);
	err = prog_map_ids(prog_id, ids, &n);
	if (err)
		return synx_err(SYNX_EXIT_FAIL, "cannot query program %u: %s", prog_id,
				strerror(-err));
	for (__u32 i = 0; i < n; i++) {
		int fd = map_fd_and_name(ids[i], name, sizeof(name));
		int idx = -1;

		if (fd < 0)
			continue;
		for (int j = 0; j < __SYNX_MAP_IDX_MAX; j++)
			if (!strcmp(name, synx_map_specs[j].name))
				idx = j;
		if (idx < 0 || m->fd[idx] >= 0) {
			close(fd);
			continue;
		}
		m->fd[idx] = fd;
		if (!synx_map_compatible(fd, &synx_map_specs[idx], why, sizeof(why)))
			return synx_err(
				SYNX_EXIT_INCOMPAT,
				"map %s (id %u) of program %u is incompatible with this synx (%s)",
				name, ids[i], prog_id, why);
	}
	return 0;
}

/* An fd of the map named @want that program @prog_id uses, or -errno (-ENOENT: none). */
static int prog_map_named(__u32 prog_id, const char *want)
{
	__u32 ids[64], n = 64;
	char name[BPF_OBJ_NAME_LEN];
	int err = prog_map_ids(prog_id, ids, &n);

	if (err)
		return err;
	for (__u32 i = 0; i < n; i++) {
		int fd = map_fd_and_name(ids[i], name, sizeof(name));

		if (fd < 0)
			continue;
		if (!strcmp(name, want))
			return fd;
		close(fd);
	}
	return -ENOENT;
}

bool synx_prog_is_synx(__u32 prog_id)
{
	int fd = prog_map_named(prog_id, SYNX_MAP_COUNTERS);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int synx_prog_map_fd(__u32 prog_id, const struct synx_map_spec *spec)
{
	int fd = prog_map_named(prog_id, spec->name);

	if (fd < 0 || synx_map_compatible(fd, spec, NULL, 0))
		return fd;
	close(fd);
	return -EPROTO;
}

int synx_prog_map_lookup(__u32 prog_id, const struct synx_map_spec *spec, void *value)
{
	int fd = synx_prog_map_fd(prog_id, spec), err = 0;
	__u32 key = 0;

	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &key, value))
		err = -errno;
	close(fd);
	return err;
}
