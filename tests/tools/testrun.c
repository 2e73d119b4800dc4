// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* BPF_PROG_TEST_RUN and counter helpers for the synx object (testrun.h). */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <bpf/bpf.h>
#include "testrun.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int tr_hex_decode(const char *hex, __u8 *buf, size_t cap, size_t *len)
{
	size_t n = strlen(hex);

	if (n % 2 || n / 2 > cap)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		buf[i] = hi << 4 | lo;
	}
	*len = n / 2;
	return 0;
}

void tr_hex_print(FILE *f, const __u8 *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02x", buf[i]);
}

static int sum_percpu(int fd, __u32 key, int ncpus, struct synx_counter *out)
{
	struct synx_counter vals[ncpus];

	if (bpf_map_lookup_elem(fd, &key, vals))
		return -errno;
	out->packets = out->bytes = 0;
	for (int i = 0; i < ncpus; i++) {
		out->packets += vals[i].packets;
		out->bytes += vals[i].bytes;
	}
	return 0;
}

int tr_counters_read(int reasons_fd, int verdicts_fd, struct tr_counters *c)
{
	int ncpus = libbpf_num_possible_cpus(), err;

	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	memset(c, 0, sizeof(*c));
	for (__u32 i = 0; i < SYNX_REASON_SLOTS; i++) {
		err = sum_percpu(reasons_fd, i, ncpus, &c->reason[i]);
		if (err)
			return err;
	}
	for (__u32 i = 0; verdicts_fd >= 0 && i < SYNX_VERDICT_SLOTS; i++) {
		err = sum_percpu(verdicts_fd, i, ncpus, &c->verdict[i]);
		if (err)
			return err;
	}
	return 0;
}

int tr_run(int prog_fd, const void *in, size_t len, __u32 ifindex, __u32 repeat, void *out,
	   __u32 *out_len, __u32 *retval, __u32 *duration)
{
	struct xdp_md ctx = {};
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	opts.data_in = in;
	opts.data_size_in = len;
	opts.repeat = repeat;
	if (out) {
		opts.data_out = out;
		opts.data_size_out = *out_len;
	}
	if (ifindex) {
		/* The kernel insists that data_end matches the frame size. */
		ctx.data_end = len;
		ctx.ingress_ifindex = ifindex;
		opts.ctx_in = &ctx;
		opts.ctx_size_in = sizeof(ctx);
	}
	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	if (out)
		*out_len = opts.data_size_out;
	if (retval)
		*retval = opts.retval;
	if (duration)
		*duration = opts.duration;
	return 0;
}

/* The one's-complement sum of @len bytes as big-endian 16-bit words, plus @s, unfolded. */
static __u32 sum16(const __u8 *b, size_t len, __u32 s)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		s += (__u32)b[i] << 8 | b[i + 1];
	if (len & 1)
		s += (__u32)b[len - 1] << 8;
	return s;
}

static __u16 csum_fold(__u32 s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

#define TR_ETH_HLEN 14
#define TR_IP6_HLEN 40

int tr_frame_fix_csums(__u8 *f, size_t len)
{
	size_t l4, seg;
	__u32 pseudo;
	__u16 ck;

	if (len < TR_ETH_HLEN + 20)
		return -EINVAL;
	if (f[12] == 0x08 && f[13] == 0x00) {
		size_t ihl = (f[14] & 0xf) * 4, tot = (size_t)f[16] << 8 | f[17];

		if (ihl < 20 || f[23] != 6 || tot < ihl || TR_ETH_HLEN + tot > len)
			return -EINVAL;
		f[24] = f[25] = 0;
		ck = csum_fold(sum16(f + TR_ETH_HLEN, ihl, 0));
		f[24] = ck >> 8, f[25] = ck;
		l4 = TR_ETH_HLEN + ihl;
		seg = tot - ihl;
		/* Source and destination addresses, protocol, TCP length. */
		pseudo = sum16(f + TR_ETH_HLEN + 12, 8, 0) + 6 + seg;
	} else if (f[12] == 0x86 && f[13] == 0xdd) {
		if (len < TR_ETH_HLEN + TR_IP6_HLEN || f[20] != 6)
			return -EINVAL;
		l4 = TR_ETH_HLEN + TR_IP6_HLEN;
		seg = (size_t)f[18] << 8 | f[19];
		if (l4 + seg > len)
			return -EINVAL;
		pseudo = sum16(f + TR_ETH_HLEN + 8, 32, 0) + 6 + seg;
	} else {
		return -EINVAL;
	}
	if (seg < 20)
		return -EINVAL;
	f[l4 + 16] = f[l4 + 17] = 0;
	ck = csum_fold(sum16(f + l4, seg, pseudo));
	f[l4 + 16] = ck >> 8, f[l4 + 17] = ck;
	return 0;
}

int tr_unpin_maps(struct bpf_object *obj)
{
	struct bpf_map *map;
	int err;

	bpf_object__for_each_map(map, obj) {
		err = bpf_map__set_pin_path(map, NULL);
		if (err)
			return err;
	}
	return 0;
}

#define CFG_FIELD(f)                                                                      \
	{                                                                                 \
#f, offsetof(struct synx_config, f), sizeof(((struct synx_config *)0)->f) \
	}

static const struct {
	const char *name;
	size_t off, size;
} cfg_fields[] = {
	CFG_FIELD(version),  CFG_FIELD(flags),        CFG_FIELD(mss4),
	CFG_FIELD(mss6),     CFG_FIELD(ttl),          CFG_FIELD(hop_limit),
	CFG_FIELD(wscale),   CFG_FIELD(no_listener),  CFG_FIELD(cookie_mode),
	CFG_FIELD(rmem_max), CFG_FIELD(synack_limit), CFG_FIELD(synack_prefix_limit),
	CFG_FIELD(prefix4),  CFG_FIELD(prefix6),      CFG_FIELD(ncpus),
};

int tr_config_set(struct synx_config *cfg, const char *field, unsigned long long value)
{
	for (size_t i = 0; i < sizeof(cfg_fields) / sizeof(cfg_fields[0]); i++) {
		__u8 *p = (__u8 *)cfg + cfg_fields[i].off;

		if (strcmp(field, cfg_fields[i].name))
			continue;
		if (cfg_fields[i].size < 8 && value >> (8 * cfg_fields[i].size))
			return -ERANGE;
		switch (cfg_fields[i].size) {
		case 1:
			*p = value;
			break;
		case 2:
			*(__u16 *)p = value;
			break;
		case 4:
			*(__u32 *)p = value;
			break;
		}
		return 0;
	}
	return -ENOENT;
}
