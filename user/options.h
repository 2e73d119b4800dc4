/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The options of every command, in one table (options.c).  Each row says
 * once what an option is called, what value it takes, what its help says,
 * which commands accept it and where its value goes; from the table come
 * the getopt_long arrays, the option lines of the help and the check that
 * refuses an option its command does not take.
 */
#ifndef SYNX_OPTIONS_H
#define SYNX_OPTIONS_H

#include <stdbool.h>
#include "commands.h"
#include "params.h"

/* What `synx stats` was asked for. */
struct synx_stats_opts {
	unsigned long watch; /* seconds between redraws; 0: print once */
	bool per_cpu;
	bool prometheus;
	const char *output; /* --output FILE: written atomically; NULL: stdout */
};

/* One command line, as the option handlers fill it in. */
struct synx_cmdline {
	const struct synx_command *cmd; /* NULL while the global options are parsed */
	const char *ifname;             /* the interface argument; NULL when absent */
	struct synx_opts settings;      /* attach, config */
	struct synx_stats_opts stats;   /* stats */
};

struct synx_option {
	const char *name;         /* --NAME */
	char short_name;          /* -C, or 0 */
	const char *metavar;      /* its value in the help (a|b: the choices); NULL: takes none */
	const char *help;         /* lines separated by '\n' */
	unsigned int accepted_by; /* SYNX_CMD_* bits */
	/*
	 * Commands that recognise the option only to refuse it, saying why:
	 * "CMD: --NAME <refusal>".  Any other command calls it unknown.
	 */
	unsigned int refused_by;
	const char *refusal;
	/*
	 * An attach or config option that a configuration file (conffile.h)
	 * refuses, and why; NULL: every attach and config option is a key.
	 */
	const char *not_in_file;
	/* Store the value: 0, SYNX_CMDLINE_DONE, or an exit code already reported. */
	int (*set)(struct synx_cmdline *cl, const char *arg);
};

/* From a handler or the parser: help or the version was printed, exit 0. */
#define SYNX_CMDLINE_DONE (-1)

extern const struct synx_option synx_options[];
extern const unsigned int synx_nr_options;

void synx_cmdline_init(struct synx_cmdline *cl);

/*
 * Parse @argv (from the command word on) with the options @cmd takes, then
 * check the number of interface arguments.  @cmd NULL: the global options
 * before the command word; parsing stops at that word, left in *@next.
 * Returns 0, SYNX_CMDLINE_DONE, or an exit code already reported.
 */
int synx_cmdline_parse(struct synx_cmdline *cl, const struct synx_command *cmd, int argc,
		       char **argv, int *next);

#endif
