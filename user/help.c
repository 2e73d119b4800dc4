// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `synx help` and `synx COMMAND --help`, generated from the command table
 * (commands.c) and the option table (options.c).  tests/cli/test_docs
 * checks the man page and the bash completion against the same tables.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "commands.h"
#include "options.h"

static const char overview_head[] =
	"Usage: synx [-j|--json] [-p|--pretty] [-v|--verbose] COMMAND [ARGS]\n"
	"       synx --version | help [COMMAND]\n"
	"\n"
	"XDP SYN-cookie accelerator: answers TCP SYNs with SYN cookies from XDP, its own\n"
	"(every TCP option kept; Linux 6.9+) or the kernel's.\n";

/* enum synx_exit, as synx(8) documents it. */
static const char exit_codes[] =
	"Exit codes:\n"
	"  0 success               6 XDP mode not supported by the interface\n"
	"  1 runtime failure       7 not root (CAP_BPF/CAP_SYS_ADMIN + CAP_NET_ADMIN)\n"
	"  2 bad usage or value    8 no bpf filesystem at /sys/fs/bpf\n"
	"  3 no such interface     9 kernel without BTF\n"
	"  4 already attached     10 incompatible pinned map\n"
	"  5 not attached         11 own cookies unsupported (kernel or object)\n"
	"                         12 doctor found a problem\n"
	"                         13 unsafe pin directory (not root's, or writable)\n";

/* Column of the text after the options of a command, and of the overview's lists. */
#define OPTION_COLUMN 24
#define COMMAND_COLUMN 25
#define GLOBAL_COLUMN 16

/*
 * "  LEFT  text": LEFT padded to @width, or alone on its line when it does
 * not fit; each further line of @text indented to the same column.
 */
static void help_line(FILE *f, const char *left, const char *text, int width)
{
	const char *nl;

	if ((int)strlen(left) < width)
		fprintf(f, "  %-*s", width, left);
	else
		fprintf(f, "  %s\n%*s", left, width + 2, "");
	while ((nl = strchr(text, '\n'))) {
		fprintf(f, "%.*s\n%*s", (int)(nl - text), text, width + 2, "");
		text = nl + 1;
	}
	fprintf(f, "%s\n", text);
}

static void option_left(const struct synx_option *o, char *buf, size_t len)
{
	int n = 0;

	if (o->short_name)
		n = snprintf(buf, len, "-%c, ", o->short_name);
	snprintf(buf + n, len - n, "--%s%s%s", o->name, o->metavar ? " " : "",
		 o->metavar ? o->metavar : "");
}

/*
 * The options @bit accepts, without the global ones unless @global; returns
 * how many.  @f NULL: only count them.
 */
static int print_options(FILE *f, unsigned int bit, bool global, int width)
{
	char left[64];
	int n = 0;

	for (unsigned int i = 0; i < synx_nr_options; i++) {
		const struct synx_option *o = &synx_options[i];

		if (!(o->accepted_by & bit) || (!global && (o->accepted_by & SYNX_CMD_GLOBAL)))
			continue;
		if (f) {
			option_left(o, left, sizeof(left));
			help_line(f, left, o->help, width);
		}
		n++;
	}
	return n;
}

/* "attach IFACE [OPTIONS]": the synopsis of @c after "synx ". */
static void synopsis(const struct synx_command *c, char *buf, size_t len)
{
	bool opts = print_options(NULL, c->bit, false, 0) > 0;

	snprintf(buf, len, "%s %s%s", c->name, c->args, opts ? " [OPTIONS]" : "");
}

void synx_usage(FILE *f, const struct synx_command *cmd)
{
	char syn[64];

	if (cmd) {
		synopsis(cmd, syn, sizeof(syn));
		fprintf(f, "Usage: synx %s\n\n%s", syn, cmd->doc);
		if (print_options(NULL, cmd->bit, false, 0)) {
			fputs("\nOptions:\n", f);
			print_options(f, cmd->bit, false, OPTION_COLUMN);
		}
		return;
	}
	fprintf(f, "%s\nCommands (any unique prefix works):\n", overview_head);
	for (unsigned int i = 0; i < synx_nr_commands; i++) {
		synopsis(&synx_commands[i], syn, sizeof(syn));
		help_line(f, syn, synx_commands[i].summary, COMMAND_COLUMN);
	}
	fputs("\nGlobal options:\n", f);
	print_options(f, SYNX_CMD_GLOBAL, true, GLOBAL_COLUMN);
	fprintf(f, "\n%s", exit_codes);
}

/* `synx help [COMMAND]`: its words are command names, not options. */
int synx_cmd_help(int argc, char **argv)
{
	const struct synx_command *c;
	bool amb;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		synx_usage(stdout, argc < 2 ? NULL : synx_command_find("help", &amb));
		return 0;
	}
	c = synx_command_find(argv[1], &amb);
	if (!c && amb) {
		char cands[128];

		synx_command_candidates(argv[1], cands, sizeof(cands));
		return synx_err(SYNX_EXIT_USAGE, "help: ambiguous command '%s': %s", argv[1],
				cands);
	}
	if (!c)
		return synx_err(SYNX_EXIT_USAGE, "help: unknown command '%s'", argv[1]);
	synx_usage(stdout, c);
	return 0;
}
