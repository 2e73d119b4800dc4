/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the system must offer before a command touches it.  Each check
 * reports what is missing and how to get it, and returns a SYNX_EXIT_* code
 * (SYNX_EXIT_OK when all is there).
 */
#ifndef SYNX_PREREQS_H
#define SYNX_PREREQS_H

/* CAP_BPF (or CAP_SYS_ADMIN) and CAP_NET_ADMIN: SYNX_EXIT_PERM. */
int synx_check_root(void);
/* A bpf filesystem at SYNX_BPFFS: SYNX_EXIT_NOBPFFS. */
int synx_check_bpffs(void);
/* Kernel BTF, which libxdp's dispatcher and synx's maps need: SYNX_EXIT_NOBTF. */
int synx_check_btf(void);

#endif
