/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What every synx command shares: exit codes, global flags, error reporting.
 *
 * Lives outside synx.c so that test tools, which link every user/ object except
 * synx.c, still resolve every symbol the library objects use.
 */
#ifndef SYNX_CLI_H
#define SYNX_CLI_H

#include <stdbool.h>
#include "json_writer.h"

/*
 * Exit codes are part of the interface (documented in synx(8)): scripts
 * tell "you typed it wrong" from "the kernel said no" without parsing text.
 */
enum synx_exit {
	SYNX_EXIT_OK = 0,
	SYNX_EXIT_FAIL = 1,         /* runtime failure: kernel or library refused */
	SYNX_EXIT_USAGE = 2,        /* bad command, option or value */
	SYNX_EXIT_NODEV = 3,        /* no such interface */
	SYNX_EXIT_ATTACHED = 4,     /* synx already attached to the interface */
	SYNX_EXIT_NOT_ATTACHED = 5, /* synx not attached to the interface */
	SYNX_EXIT_MODE = 6,         /* interface cannot run XDP in the requested mode */
	SYNX_EXIT_PERM = 7,         /* not root (needs CAP_BPF/CAP_SYS_ADMIN + CAP_NET_ADMIN) */
	SYNX_EXIT_NOBPFFS = 8,      /* /sys/fs/bpf is not a bpf filesystem */
	SYNX_EXIT_NOBTF = 9,        /* kernel without BTF (/sys/kernel/btf/vmlinux) */
	SYNX_EXIT_INCOMPAT = 10,    /* a pinned map does not match this synx */
	SYNX_EXIT_NOOWN = 11,       /* --cookies own: kernel or object cannot do it */
	SYNX_EXIT_UNHEALTHY = 12,   /* synx doctor found a problem */
	SYNX_EXIT_UNSAFE = 13,      /* a pin directory others could write to */
};

struct synx_cli {
	bool json;         /* -j: machine-readable output, errors included */
	bool pretty;       /* -p: indented JSON */
	bool verbose;      /* -v: libbpf/libxdp log on stderr */
	json_writer_t *jw; /* stdout writer in JSON mode, see synx_json() */
	bool quiet;        /* synx_err() only records, for callers that report it themselves */
	char last_err[512];
	const char *context; /* put in front of every error ("FILE:LINE"), NULL: none */
};

extern struct synx_cli synx_cli;

/*
 * Report an error and return @code, so callers write
 * `return synx_err(SYNX_EXIT_USAGE, "...")`.  One line on stderr, or
 * {"error": ..., "exit_code": ...} on stdout in JSON mode.
 */
int synx_err(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A warning: stderr in both modes, never mixed into JSON on stdout. */
void synx_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Information that is not a problem (a default resolved), same channel. */
void synx_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The stdout JSON writer, created on first use (after -p is known). */
json_writer_t *synx_json(void);

/* Route libbpf and libxdp logs through -v. */
void synx_setup_logging(void);

#endif
