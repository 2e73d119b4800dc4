// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Own-cookie mode: kfunc probe, cookie keys, the tc hand-off.  See own.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <linux/pkt_sched.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "own.h"

bool synx_kfunc_available(void)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	bool found;

	if (libbpf_get_error(vmlinux))
		return false;
	found = btf__find_by_name_kind(vmlinux, SYNX_KFUNC_REQSK, BTF_KIND_FUNC) > 0;
	btf__free(vmlinux);
	return found;
}

/* round(log2(ns)) without libm: floor, then up past the geometric midpoint. */
__u8 synx_period_shift(unsigned long seconds)
{
	__u64 ns = (__u64)seconds * 1000000000ULL;
	__u8 shift = 63 - __builtin_clzll(ns);

	if ((double)ns / (double)(1ULL << shift) >= 1.4142135623730951)
		shift++;
	return shift;
}

double synx_period_seconds(__u8 shift)
{
	return (double)(1ULL << (shift ? shift : SYNX_COOKIE_PERIOD_SHIFT)) / 1e9;
}

/* A 128-bit SipHash key straight from the kernel's CSPRNG. */
static int random_key(__u64 key[2])
{
	size_t got = 0;

	while (got < 2 * sizeof(__u64)) {
		ssize_t n = getrandom((char *)key + got, 2 * sizeof(__u64) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += n;
	}
	return 0;
}

/*
 * prev = cur rather than zero: should the program ever check prev before
 * the first rotation, an all-zero key would be one every attacker knows.
 */
int synx_keys_init(struct synx_cookie_keys *k, __u8 period_shift)
{
	int err;

	memset(k, 0, sizeof(*k));
	err = random_key(k->cur);
	if (err)
		return err;
	memcpy(k->prev, k->cur, sizeof(k->prev));
	k->generation = 1;
	k->period_shift = period_shift;
	return 0;
}

int synx_keys_rotate(struct synx_cookie_keys *k)
{
	struct timespec ts;
	__u64 fresh[2];
	int err;

	err = random_key(fresh);
	if (err)
		return err;
	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return -errno;
	memcpy(k->prev, k->cur, sizeof(k->prev));
	memcpy(k->cur, fresh, sizeof(k->cur));
	k->rotated_ns = (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	/* 0 means "no keys": skip it should the counter ever wrap. */
	k->generation = k->generation + 1 ? k->generation + 1 : 1;
	return 0;
}

double synx_keys_age(const struct synx_cookie_keys *k)
{
	struct timespec ts;
	__u64 now;

	if (!k->rotated_ns || clock_gettime(CLOCK_MONOTONIC, &ts))
		return -1;
	now = (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	return now > k->rotated_ns ? (now - k->rotated_ns) / 1e9 : 0;
}

static bool prog_is_synx_tc(__u32 prog_id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(prog_id);
	bool ok;

	if (fd < 0)
		return false;
	ok = !bpf_obj_get_info_by_fd(fd, &info, &len) && !strcmp(info.name, SYNX_TC_PROG);
	close(fd);
	return ok;
}

int synx_tc_query(int ifindex, struct synx_tc_info *t)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = SYNX_TC_HANDLE, .priority = SYNX_TC_PRIO);
	int err;

	memset(t, 0, sizeof(*t));
	err = bpf_tc_query(&hook, &opts);
	/* No qdisc (EINVAL from cls_api), or no such filter (ENOENT). */
	if (err == -ENOENT || err == -EINVAL)
		return 0;
	if (err)
		return err;
	t->attached = true;
	t->prog_id = opts.prog_id;
	t->prio = SYNX_TC_PRIO;
	t->handle = SYNX_TC_HANDLE;
	t->is_synx = prog_is_synx_tc(opts.prog_id);
	return 0;
}

int synx_tc_attach(int ifindex, int prog_fd, bool *created)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog_fd, .handle = SYNX_TC_HANDLE,
		    .priority = SYNX_TC_PRIO);
	struct synx_tc_info cur;
	int err;

	*created = false;
	err = bpf_tc_hook_create(&hook);
	if (!err)
		*created = true;
	else if (err != -EEXIST)
		return err;

	err = synx_tc_query(ifindex, &cur);
	if (!err && cur.attached) {
		/* A synx_tc left by an interrupted synx is ours to replace. */
		if (!cur.is_synx)
			err = -EEXIST;
		else
			opts.flags = BPF_TC_F_REPLACE;
	}
	if (!err)
		err = bpf_tc_attach(&hook, &opts);
	if (err && *created) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
		*created = false;
	}
	return err;
}

int synx_tc_detach(int ifindex, bool destroy_qdisc)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = SYNX_TC_HANDLE, .priority = SYNX_TC_PRIO);
	struct synx_tc_info cur;
	int err;

	err = synx_tc_query(ifindex, &cur);
	if (err)
		return err;
	if (cur.attached && cur.is_synx) {
		err = bpf_tc_detach(&hook, &opts);
		if (err && err != -ENOENT)
			return err;
	}
	if (destroy_qdisc) {
		/* Both directions: that is how libbpf names the clsact qdisc itself. */
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		err = bpf_tc_hook_destroy(&hook);
		if (err && err != -ENOENT && err != -EINVAL)
			return err;
	}
	return 0;
}

bool synx_clsact_marker_get(const char *dir)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, SYNX_CLSACT_MARKER);
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int synx_clsact_marker_set(const char *dir)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, SYNX_CLSACT_MARKER);
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}
