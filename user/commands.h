/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The synx commands, in one table (commands.c): the name, the arguments,
 * the help text and the function of each.  Which options a command takes is
 * said once, in the option table (options.c).  From the two come the
 * parser, `synx help` and the checks of tests/cli/test_docs.
 */
#ifndef SYNX_COMMANDS_H
#define SYNX_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

struct synx_cmdline;

/* One bit per command: the option table says with them who takes what. */
enum synx_cmd_bit {
	SYNX_CMD_GLOBAL = 1U << 0, /* before the command word: synx -j status */
	SYNX_CMD_ATTACH = 1U << 1,
	SYNX_CMD_DETACH = 1U << 2,
	SYNX_CMD_CONFIG = 1U << 3,
	SYNX_CMD_STATUS = 1U << 4,
	SYNX_CMD_STATS = 1U << 5,
	SYNX_CMD_HELP = 1U << 6,
	SYNX_CMD_DOCTOR = 1U << 7,
	SYNX_CMD_PROBE = 1U << 8,
};

/* The interface argument of a command: every command takes at most one. */
enum synx_iface_arg {
	SYNX_IFACE_OPTIONAL, /* status, stats: none means every synx */
	SYNX_IFACE_REQUIRED,
};

struct synx_command {
	const char *name;
	unsigned int bit; /* enum synx_cmd_bit */
	const char *args; /* the arguments, as the synopsis shows them */
	enum synx_iface_arg iface;
	const char *summary; /* its line in the overview */
	const char *doc;     /* `synx help NAME` between the usage line and the options */
	/* Runs the command on the parsed line; returns a SYNX_EXIT_* code. */
	int (*run)(struct synx_cmdline *cl);
	/* Instead of run, for help: takes its words as they are (command names). */
	int (*run_words)(int argc, char **argv);
	/* It changes the system: its outcome, refusals included, goes to syslog. */
	bool logged;
};

extern const struct synx_command synx_commands[];
extern const unsigned int synx_nr_commands;

/* Exact name, else the only command @word is a prefix of (bpftool's rule). */
const struct synx_command *synx_command_find(const char *word, bool *ambiguous);
/* The commands @word is a prefix of, "status or stats", into @buf: for "ambiguous" errors. */
void synx_command_candidates(const char *word, char *buf, size_t len);

int synx_cmd_attach(struct synx_cmdline *cl);
int synx_cmd_detach(struct synx_cmdline *cl);
int synx_cmd_config(struct synx_cmdline *cl);
int synx_cmd_status(struct synx_cmdline *cl);
int synx_cmd_stats(struct synx_cmdline *cl);
int synx_cmd_doctor(struct synx_cmdline *cl);
int synx_cmd_help(int argc, char **argv);

/* Usage of @cmd (NULL: the overview), generated from the two tables, on @f. */
void synx_usage(FILE *f, const struct synx_command *cmd);

#endif
