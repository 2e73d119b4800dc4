/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * synx maps.  All pinned by name (LIBBPF_PIN_BY_NAME): `synx attach` points
 * them at /sys/fs/bpf/synx/<ifname>/, while iproute2 puts them under
 * /sys/fs/bpf/xdp/globals/, where `synx stats` finds them too.
 */
#ifndef SYNX_BPF_MAPS_H
#define SYNX_BPF_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "synx_config.h"
#include "synx_counters.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct synx_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} synx_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct synx_ports);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} synx_ports SEC(".maps");

/* Own-cookie keys (SYNX_COOKIE_OWN). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct synx_cookie_keys);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} synx_keys SEC(".maps");

/*
 * Gateway mode: protected destinations and what their backends take.
 * Configuration: only the loader writes it (read-only to the program).
 */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, SYNX_GW_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG);
	__type(key, struct synx_gw_key);
	__type(value, struct synx_gw_backend);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} synx_gateway SEC(".maps");

/* Per reason (enum synx_reason); slots to spare so appends keep pins valid. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SYNX_REASON_SLOTS);
	__type(key, __u32);
	__type(value, struct synx_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} synx_counters SEC(".maps");

/* Per XDP verdict (enum xdp_action). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SYNX_VERDICT_SLOTS);
	__type(key, __u32);
	__type(value, struct synx_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} synx_verdicts SEC(".maps");

#endif /* SYNX_BPF_MAPS_H */
