// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The pin directory: its path, the attach transaction, its removal.  See pins.h. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "pins.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

static void marker_path(char *buf, size_t len, const char *dir)
{
	snprintf(buf, len, "%s/%s", dir, SYNX_CLSACT_MARKER);
}

int synx_netns_cookie(__u64 *cookie)
{
	socklen_t len = sizeof(*cookie);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len)) {
		/* Before Linux 5.14: the namespace's inode, unique while it lives. */
		struct stat st;

		if (stat("/proc/self/ns/net", &st))
			err = -errno;
		else
			*cookie = st.st_ino;
	}
	close(fd);
	return err;
}

/*
 * A directory synx trusts: not a link, root's (or the caller's), writable
 * by nobody else.  0 when it is, or does not exist (*@exists false).
 */
static int check_dir(const char *path, bool *exists)
{
	struct stat st;

	*exists = false;
	if (lstat(path, &st))
		return errno == ENOENT ? 0
				       : synx_err(SYNX_EXIT_FAIL, "cannot check %s: %s", path,
						  strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return synx_err(SYNX_EXIT_UNSAFE, "%s is not a directory; remove it", path);
	if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return synx_err(
			SYNX_EXIT_UNSAFE,
			"%s belongs to uid %u with mode %04o: whoever can write it can swap synx's maps; remove it (synx creates it root's, 0700)",
			path, (unsigned int)st.st_uid, (unsigned int)(st.st_mode & 07777));
	*exists = true;
	return 0;
}

/* SYNX_PIN_ROOT and its state directory, both checked. */
static int check_roots(bool *exists)
{
	int err = check_dir(SYNX_PIN_ROOT, exists);

	if (!err && *exists)
		err = check_dir(SYNX_PIN_ROOT "/" SYNX_PIN_STATE, exists);
	return err;
}

static int key_dir(char *buf, size_t len, __u64 cookie, int ifindex)
{
	snprintf(buf, len, "%s/%s/%llu-%d", SYNX_PIN_ROOT, SYNX_PIN_STATE,
		 (unsigned long long)cookie, ifindex);
	return 0;
}

/* Fill @p for @ifindex of namespace @cookie, once the roots are known good. */
static int pins_fill(struct synx_pins *p, __u64 cookie, int ifindex, bool roots)
{
	char name[IF_NAMESIZE];

	p->ifindex = ifindex;
	key_dir(p->dir, sizeof(p->dir), cookie, ifindex);
	p->gone = !if_indextoname(ifindex, name);
	if (!p->gone)
		snprintf(p->name, sizeof(p->name), "%s", name);
	p->exists = false;
	return roots ? check_dir(p->dir, &p->exists) : 0;
}

/* What every lookup keys pins by: this namespace's cookie, and whether the roots are safe. */
static int pins_context(__u64 *cookie, bool *roots)
{
	int err;

	err = synx_netns_cookie(cookie);
	if (err)
		return synx_err(SYNX_EXIT_FAIL, "cannot identify the network namespace: %s",
				strerror(-err));
	return check_roots(roots);
}

int synx_pins_of(int ifindex, struct synx_pins *p)
{
	__u64 cookie;
	bool roots;
	int err;

	memset(p, 0, sizeof(*p));
	err = pins_context(&cookie, &roots);
	return err ? err : pins_fill(p, cookie, ifindex, roots);
}

/*
 * The target of the link at @path into @buf (@len bytes), NUL-terminated:
 * its length, 0 when there is no link or it cannot be read.  A length of
 * @len - 1 may be a target cut short.
 */
static ssize_t link_target(const char *path, char *buf, size_t len)
{
	ssize_t n = readlink(path, buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? n : 0;
}

/* The ifindex a name link in SYNX_PIN_ROOT points to, in namespace @cookie; 0: none. */
static int link_ifindex(const char *name, __u64 cookie)
{
	char path[512], target[256];
	unsigned long long c;
	int ifindex, used = 0;

	snprintf(path, sizeof(path), "%s/%s", SYNX_PIN_ROOT, name);
	if (!link_target(path, target, sizeof(target)))
		return 0;
	if (sscanf(target, SYNX_PIN_STATE "/%llu-%d%n", &c, &ifindex, &used) != 2 || target[used] ||
	    c != cookie || ifindex <= 0)
		return 0;
	return ifindex;
}

/*
 * The pin dir an older synx made, SYNX_PIN_ROOT/<name>/ (a directory, not
 * a link), when @p has none of its own: detach removes it, status shows it.
 */
static int legacy_dir(const char *ifname, struct synx_pins *p)
{
	char path[512];
	struct stat st;
	bool exists;
	int err;

	snprintf(path, sizeof(path), "%s/%s", SYNX_PIN_ROOT, ifname);
	if (p->exists || lstat(path, &st) || !S_ISDIR(st.st_mode) || strlen(path) >= sizeof(p->dir))
		return 0;
	err = check_dir(path, &exists);
	if (!err && exists) {
		snprintf(p->dir, sizeof(p->dir), "%s", path);
		p->exists = true;
	}
	return err;
}

int synx_pins_find(const char *ifname, struct synx_pins *p)
{
	__u64 cookie;
	bool roots;
	int ifindex, err;

	memset(p, 0, sizeof(*p));
	err = pins_context(&cookie, &roots);
	if (err)
		return err;
	ifindex = if_nametoindex(ifname);
	if (ifindex) {
		err = pins_fill(p, cookie, ifindex, roots);
		return err ? err : legacy_dir(ifname, p);
	}
	ifindex = roots ? link_ifindex(ifname, cookie) : 0;
	if (!ifindex) {
		err = legacy_dir(ifname, p);
		if (err || p->exists) {
			snprintf(p->name, sizeof(p->name), "%s", ifname);
			p->gone = true;
			return err;
		}
	}
	if (!ifindex) {
		snprintf(p->name, sizeof(p->name), "%s", ifname);
		p->gone = true;
		return 0;
	}
	err = pins_fill(p, cookie, ifindex, roots);
	if (!p->gone) {
		/* The link is stale: its interface lives on under another name. */
		snprintf(p->renamed, sizeof(p->renamed), "%s", p->name);
		p->exists = false;
	}
	snprintf(p->name, sizeof(p->name), "%s", ifname);
	return err;
}

/* A name link (in SYNX_PIN_ROOT) for @ifindex, to name a vanished interface; 0: none. */
static void link_name_of(int ifindex, __u64 cookie, char *name, size_t len)
{
	DIR *d = opendir(SYNX_PIN_ROOT);
	struct dirent *de;

	name[0] = '\0';
	while (d && (de = readdir(d)))
		if (de->d_type == DT_LNK && strlen(de->d_name) < IF_NAMESIZE &&
		    link_ifindex(de->d_name, cookie) == ifindex) {
			snprintf(name, len, "%s", de->d_name);
			break;
		}
	if (d)
		closedir(d);
}

int synx_pins_list(struct synx_pins **out)
{
	struct synx_pins *v = NULL, *nv;
	struct dirent *de;
	unsigned long long c;
	__u64 cookie;
	bool roots;
	int n = 0, ifindex, used, err;
	DIR *d;

	*out = NULL;
	err = pins_context(&cookie, &roots);
	if (err)
		return -err;
	d = roots ? opendir(SYNX_PIN_ROOT "/" SYNX_PIN_STATE) : NULL;
	while (d && (de = readdir(d))) {
		used = 0;
		/* Another namespace's pins (a bpffs shared across namespaces) are not ours. */
		if (sscanf(de->d_name, "%llu-%d%n", &c, &ifindex, &used) != 2 || de->d_name[used] ||
		    c != cookie || ifindex <= 0)
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		memset(&v[n], 0, sizeof(v[n]));
		err = pins_fill(&v[n], cookie, ifindex, true);
		if (err) {
			closedir(d);
			free(v);
			return -err;
		}
		if (v[n].gone)
			link_name_of(ifindex, cookie, v[n].name, sizeof(v[n].name));
		if (!v[n].name[0])
			snprintf(v[n].name, sizeof(v[n].name), "if%d", ifindex);
		n++;
	}
	if (d)
		closedir(d);
	*out = v;
	return n;
}

bool synx_clsact_marker_get(const char *dir)
{
	char path[512];
	struct stat st;

	marker_path(path, sizeof(path), dir);
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Remove every name link in SYNX_PIN_ROOT that points to @dir. */
static void unlink_names(const char *dir)
{
	const char *rel = dir + strlen(SYNX_PIN_ROOT "/");
	char path[512], target[256];
	struct dirent *de;
	DIR *d = opendir(SYNX_PIN_ROOT);

	while (d && (de = readdir(d))) {
		if (de->d_type != DT_LNK)
			continue;
		snprintf(path, sizeof(path), "%s/%s", SYNX_PIN_ROOT, de->d_name);
		if (link_target(path, target, sizeof(target)) && !strcmp(target, rel))
			unlink(path);
	}
	if (d)
		closedir(d);
}

/* The state directory, then the root, once no interface uses them. */
static void rmdir_roots(void)
{
	rmdir(SYNX_PIN_ROOT "/" SYNX_PIN_STATE);
	rmdir(SYNX_PIN_ROOT);
}

static const char *const key_links[] = { SYNX_KEY_LINK_FILE, SYNX_KEY_LINK_STATE };

void synx_pins_key_source(const char *dir, struct synx_key_source *src)
{
	char path[512];

	memset(src, 0, sizeof(*src));
	for (unsigned int i = 0; i < sizeof(key_links) / sizeof(key_links[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, key_links[i]);
		if (!link_target(path, src->path, sizeof(src->path)) || src->path[0] != '/')
			continue;
		src->kind = i ? SYNX_KEY_STATE : SYNX_KEY_FILE;
		return;
	}
	src->path[0] = '\0';
}

/*
 * Only remove what synx put there: a stray file someone else pinned in our
 * directory makes rmdir fail loudly instead of being deleted silently.
 */
int synx_pins_remove(const struct synx_pins *p)
{
	char path[512];

	for (int i = 0; i < __SYNX_MAP_IDX_MAX; i++) {
		snprintf(path, sizeof(path), "%s/%s", p->dir, synx_map_specs[i].name);
		if (unlink(path) && errno != ENOENT)
			return -errno;
	}
	for (unsigned int i = 0; i < sizeof(key_links) / sizeof(key_links[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", p->dir, key_links[i]);
		if (unlink(path) && errno != ENOENT)
			return -errno;
	}
	marker_path(path, sizeof(path), p->dir);
	if (rmdir(path) && errno != ENOENT)
		return -errno;
	if (rmdir(p->dir) && errno != ENOENT)
		return -errno;
	unlink_names(p->dir);
	/* Left in place while other interfaces use them (ENOTEMPTY). */
	rmdir_roots();
	return 0;
}

/* The path in SYNX_IPROUTE2_GLOBALS where map @fd would be pinned, if it is; "" else. */
static bool iproute2_pin_of(int fd, char *path, size_t len)
{
	struct bpf_map_info info = {}, pinned = {};
	__u32 ilen = sizeof(info), plen = sizeof(pinned);
	int pfd;
	bool same;

	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &ilen) || !info.name[0])
		return false;
	snprintf(path, len, "%s/%s", SYNX_IPROUTE2_GLOBALS, info.name);
	pfd = bpf_obj_get(path);
	if (pfd < 0)
		return false;
	same = !bpf_obj_get_info_by_fd(pfd, &pinned, &plen) && pinned.id == info.id;
	close(pfd);
	return same;
}

bool synx_iproute2_pinned(int fd)
{
	char path[512];

	return iproute2_pin_of(fd, path, sizeof(path));
}

bool synx_iproute2_unpin(int fd)
{
	char path[512];

	return iproute2_pin_of(fd, path, sizeof(path)) && !unlink(path);
}

void synx_pin_txn_init(struct synx_pin_txn *t)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < __SYNX_MAP_IDX_MAX; i++)
		t->fd[i] = -1;
	t->btf_fd = -1;
}

int synx_pin_txn_check(struct synx_pin_txn *t, int ifindex, const char *ifname,
		       struct bpf_object *obj, struct bpf_map *const map[__SYNX_MAP_IDX_MAX])
{
	char path[512], why[160];
	struct synx_pins p;
	int err = synx_pins_of(ifindex, &p);

	if (err)
		return err;
	snprintf(t->dir, sizeof(t->dir), "%s", p.dir);
	snprintf(t->name, sizeof(t->name), "%s", ifname);
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

/* mkdir 0700, then the same checks as for a directory found there (a race loses to them). */
static int safe_mkdir(const char *path, bool *created)
{
	bool exists;

	*created = !mkdir(path, 0700);
	if (!*created && errno != EEXIST)
		return synx_err(SYNX_EXIT_FAIL, "cannot create %s: %s", path, strerror(errno));
	return check_dir(path, &exists);
}

/*
 * Point the link at @path (in directory @dir) to @target, in one rename
 * of a temporary link there.  0 or -errno.
 */
static int set_link(const char *dir, const char *path, const char *target)
{
	char tmp[512];
	int err = 0;

	/* Longer than any interface name, so never a name link itself. */
	snprintf(tmp, sizeof(tmp), "%s/synx-link-tmp-%d", dir, (int)getpid());
	unlink(tmp);
	if (symlink(target, tmp) || rename(tmp, path))
		err = -errno;
	unlink(tmp);
	return err;
}

/*
 * SYNX_PIN_ROOT/<name> -> the pin dir, replacing a link left by an
 * interface that had the name before (never anything but a link), which
 * a rollback puts back.  A link that already points there (a replace, a
 * reattach) is left alone, and so by a rollback.
 */
static int link_name(struct synx_pin_txn *t)
{
	const char *rel = t->dir + strlen(SYNX_PIN_ROOT "/");
	char path[512], old[sizeof(t->old_name_target)];
	struct stat st;
	ssize_t n;
	int err;

	/* bpffs refuses dots in names (reserved): eth0.100 goes without a link. */
	if (strchr(t->name, '.'))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", SYNX_PIN_ROOT, t->name);
	if (!lstat(path, &st) && !S_ISLNK(st.st_mode)) {
		synx_warn("%s is not synx's name link (pins of an older synx?): not replaced",
			  path);
		return 0;
	}
	n = link_target(path, old, sizeof(old));
	if (!strcmp(old, rel))
		return 0;
	if (n >= (ssize_t)sizeof(old) - 1) {
		synx_warn("%s points too far to be put back on failure: not replaced", path);
		return 0;
	}
	err = set_link(SYNX_PIN_ROOT, path, rel);
	if (err)
		return synx_err(SYNX_EXIT_FAIL, "cannot link %s to %s: %s", path, rel,
				strerror(-err));
	snprintf(t->old_name_target, sizeof(t->old_name_target), "%s", old);
	t->linked = true;
	return 0;
}

int synx_pin_txn_mkdir(struct synx_pin_txn *t)
{
	bool created;
	int err;

	err = safe_mkdir(SYNX_PIN_ROOT, &created);
	if (!err)
		err = safe_mkdir(SYNX_PIN_ROOT "/" SYNX_PIN_STATE, &created);
	if (!err)
		err = safe_mkdir(t->dir, &t->created_dir);
	if (!err)
		err = link_name(t);
	if (!err)
		txn_load_btf(t);
	return err;
}

static int txn_create_map(struct synx_pin_txn *t, const struct bpf_map *map)
{
	LIBBPF_OPTS(bpf_map_create_opts, copts, .map_flags = bpf_map__map_flags(map));
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

int synx_pin_txn_open(struct synx_pin_txn *t, enum synx_map_idx idx)
{
	const char *path = bpf_map__pin_path(t->map[idx]);
	int fd;

	if (t->fd[idx] >= 0)
		return t->fd[idx];
	if (t->existed[idx]) {
		fd = bpf_obj_get(path);
		if (fd < 0)
			return -errno;
	} else {
		fd = txn_create_map(t, t->map[idx]);
		if (fd < 0)
			return fd;
		if (bpf_obj_pin(fd, path)) {
			int err = -errno;

			close(fd);
			return err;
		}
	}
	t->fd[idx] = fd;
	return fd;
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

/*
 * A link whose target is the key file's absolute path: bpffs holds links
 * (as the name links) but no files.  It replaces a link of the same or the
 * other kind left by pins that were reused, remembered for a rollback.
 */
int synx_pin_txn_key_source(struct synx_pin_txn *t, const struct synx_key_source *src)
{
	char path[512];
	int err;

	for (unsigned int i = 0; i < sizeof(key_links) / sizeof(key_links[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", t->dir, key_links[i]);
		if (!link_target(path, t->old_key_target, sizeof(t->old_key_target)))
			continue;
		snprintf(t->old_key_link, sizeof(t->old_key_link), "%s", key_links[i]);
		if (unlink(path))
			return -errno;
	}
	if (src->kind == SYNX_KEY_RANDOM)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", t->dir,
		 src->kind == SYNX_KEY_FILE ? SYNX_KEY_LINK_FILE : SYNX_KEY_LINK_STATE);
	err = set_link(t->dir, path, src->path);
	if (err)
		return err;
	t->key_linked = true;
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
	for (unsigned int i = 0; t->key_linked && i < sizeof(key_links) / sizeof(key_links[0]);
	     i++) {
		snprintf(path, sizeof(path), "%s/%s", t->dir, key_links[i]);
		unlink(path);
	}
	if (t->old_key_link[0]) {
		snprintf(path, sizeof(path), "%s/%s", t->dir, t->old_key_link);
		if (symlink(t->old_key_target, path))
			synx_warn("cannot restore %s: %s", path, strerror(errno));
	}
	if (t->linked) {
		int err = 0;

		snprintf(path, sizeof(path), "%s/%s", SYNX_PIN_ROOT, t->name);
		if (!t->old_name_target[0])
			unlink(path);
		else
			err = set_link(SYNX_PIN_ROOT, path, t->old_name_target);
		if (err)
			synx_warn("cannot restore %s: %s", path, strerror(-err));
	}
	if (t->created_dir) {
		rmdir(t->dir);
		rmdir_roots(); /* fails harmlessly while other interfaces use them */
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
