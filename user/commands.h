/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The synx commands.  Each takes argv starting at the command word, parses
 * its own options and returns a SYNX_EXIT_* code.
 */
#ifndef SYNX_COMMANDS_H
#define SYNX_COMMANDS_H

int synx_cmd_attach(int argc, char **argv);
int synx_cmd_detach(int argc, char **argv);
int synx_cmd_config(int argc, char **argv);
int synx_cmd_status(int argc, char **argv);
int synx_cmd_stats(int argc, char **argv);

/* Usage text of one command (NULL: the overview), on @f. */
void synx_usage(FILE *f, const char *cmd);

/*
 * Shared option handling for the flags allowed after any command
 * (-j, -p, -v, -h).  Returns 1 if @opt was one of them, -1 on -h.
 */
int synx_common_opt(int opt, const char *cmd);

#endif
