// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * synx: attach, configure and observe the synx XDP program.
 *
 *   synx [GLOBAL OPTIONS] COMMAND [ARGS]
 *
 * Commands match by unique prefix, as in bpftool.  Each command lives in its
 * own file (cmd_*.c) and returns a SYNX_EXIT_* code; see help.c for the text
 * the man page and the bash completion are checked against.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "commands.h"

static int cmd_help(int argc, char **argv);

static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "attach", synx_cmd_attach },
	{ "detach", synx_cmd_detach },
	{ "config", synx_cmd_config },
	{ "status", synx_cmd_status },
	{ "stats", synx_cmd_stats },
	{ "help", cmd_help },
};

#define NR_CMDS (sizeof(cmds) / sizeof(cmds[0]))

/* Exact name, else the only command @word is a prefix of. */
static const struct cmd *cmd_find(const char *word, bool *ambiguous)
{
	const struct cmd *found = NULL;
	size_t len = strlen(word);

	*ambiguous = false;
	for (size_t i = 0; i < NR_CMDS; i++)
		if (!strcmp(cmds[i].name, word))
			return &cmds[i];
	for (size_t i = 0; len && i < NR_CMDS; i++) {
		if (strncmp(cmds[i].name, word, len))
			continue;
		if (found) {
			*ambiguous = true;
			return NULL;
		}
		found = &cmds[i];
	}
	return found;
}

static int cmd_help(int argc, char **argv)
{
	const struct cmd *c;
	bool amb;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		synx_usage(stdout, argc < 2 ? NULL : "help");
		return 0;
	}
	c = cmd_find(argv[1], &amb);
	if (!c)
		return synx_err(SYNX_EXIT_USAGE, "help: %s command '%s'",
				amb ? "ambiguous" : "unknown", argv[1]);
	synx_usage(stdout, c->name);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *c;
	bool amb;
	int opt, ret;

	/* '+': stop at the command word; its options are the command's own. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+jpvVh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'V':
			if (synx_cli.json) {
				jw_start_object(synx_json());
				jw_string_field(synx_json(), "version", SYNX_VERSION);
				jw_end_object(synx_json());
				jw_destroy(&synx_cli.jw);
			} else {
				printf("synx %s\n", SYNX_VERSION);
			}
			return 0;
		case 'h':
			synx_usage(stdout, NULL);
			return 0;
		case '?':
			return synx_err(SYNX_EXIT_USAGE, "unknown option '%s' (see 'synx help')",
					argv[optind - 1]);
		default:
			synx_common_opt(opt, NULL);
		}
	}
	synx_setup_logging();

	if (optind >= argc) {
		synx_usage(stderr, NULL);
		return SYNX_EXIT_USAGE;
	}
	c = cmd_find(argv[optind], &amb);
	if (!c)
		return synx_err(SYNX_EXIT_USAGE, "%s command '%s' (see 'synx help')",
				amb ? "ambiguous" : "unknown", argv[optind]);

	/* Commands parse from their own name on, and report under it. */
	argv[optind] = (char *)c->name;
	ret = c->fn(argc - optind, argv + optind);
	if (synx_cli.jw)
		jw_destroy(&synx_cli.jw);
	return ret;
}
