/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * synx_tc's object (bpf/synx_tc.bpf.c), opened to run with the maps of an
 * XDP object already loaded: the CLI's attach, and the benchmark's timing
 * of the hand-off, share this one way of joining the two.
 */
#ifndef SYNX_TC_OBJ_H
#define SYNX_TC_OBJ_H

/* The skeleton names struct synx_config (rodata defaults): define it first. */
#include "synx_config.h"
#include "synx_tc.skel.h"

/*
 * Open synx_tc's skeleton with every map (but its own rodata) reusing the
 * map of the same name of @xdp (a loaded object), and nothing pinned: the
 * maps are @xdp's, wherever those are pinned.  The caller sets rodata, then
 * loads.  NULL with errno set on failure (ENOENT: a map @xdp lacks).
 */
struct synx_tc *synx_tc_obj_open(const struct bpf_object *xdp);

#endif
