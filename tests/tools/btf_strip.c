// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * btf_strip: the running kernel's BTF without some struct members, as a
 * kernel that lacks them would describe itself.
 *
 *   btf_strip OUT STRUCT.MEMBER [STRUCT.MEMBER ...]
 *
 * Every type is copied in order, so each keeps its type ID (kfuncs and
 * bpf_rdonly_cast() still name the kernel's own types); the named members
 * are left out of their struct, which keeps its size and the other
 * members' offsets.  A test loads synx.bpf.o with this file as the CO-RE
 * target (bpf_object_open_opts.btf_custom_path): the program then finds
 * those fields missing (bpf_core_field_exists() is 0) and must fall back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

static int stripped(char **drop, int ndrop, const char *sname, const char *mname)
{
	for (int i = 0; i < ndrop; i++) {
		const char *dot = strchr(drop[i], '.');

		if (dot && strlen(sname) == (size_t)(dot - drop[i]) &&
		    !strncmp(drop[i], sname, dot - drop[i]) && !strcmp(dot + 1, mname))
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct btf *src, *dst;
	const void *raw;
	__u32 n, size;
	FILE *f;
	int err;

	if (argc < 3) {
		fprintf(stderr, "usage: btf_strip OUT STRUCT.MEMBER...\n");
		return 2;
	}
	src = btf__load_vmlinux_btf();
	if (!src) {
		fprintf(stderr, "btf_strip: no kernel BTF: %s\n", strerror(errno));
		return 1;
	}
	dst = btf__new_empty();
	n = btf__type_cnt(src);
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(src, id);
		const char *name = btf__name_by_offset(src, t->name_off);
		int kept = 0;

		if (!btf_is_struct(t) || !name || !*name) {
			err = btf__add_type(dst, src, t);
			if (err < 0 || (__u32)err != id)
				goto fail;
			continue;
		}
		err = btf__add_struct(dst, name, t->size);
		if (err < 0 || (__u32)err != id)
			goto fail;
		for (__u16 i = 0; i < btf_vlen(t); i++) {
			const struct btf_member *m = btf_members(t) + i;
			const char *mname = btf__name_by_offset(src, m->name_off);

			if (mname && *mname && stripped(argv + 2, argc - 2, name, mname))
				continue;
			err = btf__add_field(dst, mname, m->type, btf_member_bit_offset(t, i),
					     btf_member_bitfield_size(t, i));
			if (err)
				goto fail;
			kept++;
		}
		(void)kept;
	}
	raw = btf__raw_data(dst, &size);
	f = fopen(argv[1], "wb");
	if (!raw || !f || fwrite(raw, 1, size, f) != size || fclose(f)) {
		fprintf(stderr, "btf_strip: cannot write %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	btf__free(dst);
	btf__free(src);
	return 0;
fail:
	fprintf(stderr, "btf_strip: copying the kernel's types failed (%d)\n", err);
	return 1;
}
