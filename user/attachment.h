/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Which synx program runs where.  synx keeps no state of its own: libxdp
 * tells what is attached to an interface, and a program is synx when it
 * uses synx's maps.
 */
#ifndef SYNX_ATTACHMENT_H
#define SYNX_ATTACHMENT_H

#include <stdbool.h>
#include <net/if.h>
#include <linux/bpf.h>
#include <linux/types.h>
#include <xdp/libxdp.h>

/* How synx sits on an interface, found through libxdp (no state of our own). */
struct synx_attachment {
	int ifindex;
	char ifname[IF_NAMESIZE];
	bool attached; /* a synx program runs on the interface */
	__u32 prog_id; /* the synx program */
	enum xdp_attach_mode mode;
	bool dispatcher; /* behind libxdp's dispatcher, else directly attached */
	__u32 dispatcher_id;
	int nr_progs;        /* programs on the interface, synx included */
	__u32 other_prog_id; /* a non-synx program directly attached, 0 if none */
};

/* Fill @a for @ifindex; 0 even when nothing is attached (a->attached). */
int synx_attachment_query(int ifindex, struct synx_attachment *a);

const char *synx_mode_str(enum xdp_attach_mode mode);

/* Wall-clock time (seconds since the epoch) a program was loaded; 0 if unknown. */
long long synx_prog_load_walltime(__u32 prog_id);

/* bpf_prog_info of a loaded program (fields to fill preset in @info). 0 or -errno. */
int synx_prog_info(__u32 prog_id, struct bpf_prog_info *info);

#endif
