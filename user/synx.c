// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * synx: attach, configure and observe the synx XDP program.
 *
 *   synx [GLOBAL OPTIONS] COMMAND [ARGS]
 *
 * Commands match by unique prefix, as in bpftool.  The command table
 * (commands.c) and the option table (options.c) drive the parsing and the
 * help; each command lives in a file of its name and returns a SYNX_EXIT_*
 * code.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/file.h>
#include "cli.h"
#include "iface.h"
#include "commands.h"
#include "log.h"
#include "options.h"
#include "pins.h"

/*
 * The interface a command line names, for a refusal that came before the
 * parser got to it: the first word that is not an option, nor the value of
 * one (by the option table), and names an interface.  NULL: none.
 */
static const char *iface_word(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		bool valued = false;

		if (argv[i][0] == '-') {
			for (unsigned int j = 0; j < synx_nr_options; j++)
				if (!strncmp(argv[i], "--", 2) &&
				    !strcmp(argv[i] + 2, synx_options[j].name) &&
				    synx_options[j].metavar)
					valued = true;
			i += valued;
			continue;
		}
		if (synx_ifname_valid(argv[i]) && if_nametoindex(argv[i]))
			return argv[i];
	}
	return NULL;
}

/*
 * An exclusive flock on the bpffs root, waited for up to SYNX_LOCK_WAIT_S:
 * namespaces with a bpffs of their own lock apart.  The fd (held until
 * exit), or -1 with *@ret an exit code.
 */
#define SYNX_LOCK_WAIT_S 30
static int synx_lock(int *ret)
{
	int fd = open(SYNX_BPFFS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	*ret = 0;
	if (fd < 0)
		return -1; /* no bpffs: the command says so itself */
	for (int i = 0; i < SYNX_LOCK_WAIT_S * 10; i++) {
		if (!flock(fd, LOCK_EX | LOCK_NB))
			return fd;
		if (errno != EWOULDBLOCK)
			break;
		usleep(100000);
	}
	close(fd);
	*ret = synx_err(SYNX_EXIT_FAIL,
			"another synx command has been changing things for %d s (lock on %s)",
			SYNX_LOCK_WAIT_S, SYNX_BPFFS);
	return -1;
}

int main(int argc, char **argv)
{
	struct synx_cmdline *cl = calloc(1, sizeof(*cl));
	const struct synx_command *c;
	int next, ret, lock_fd = -1;
	bool amb;

	if (!cl)
		return synx_err(SYNX_EXIT_FAIL, "out of memory");
	synx_cmdline_init(cl);
	ret = synx_cmdline_parse(cl, NULL, argc, argv, &next);
	if (ret)
		goto out;
	synx_setup_logging();

	if (next >= argc) {
		/* In JSON mode even this is a JSON error: scripts parse stdout. */
		if (synx_cli.json) {
			ret = synx_err(SYNX_EXIT_USAGE, "no command given (see 'synx help')");
		} else {
			synx_usage(stderr, NULL);
			ret = SYNX_EXIT_USAGE;
		}
		goto out;
	}
	c = synx_command_find(argv[next], &amb);
	if (!c && amb) {
		char cands[128];

		synx_command_candidates(argv[next], cands, sizeof(cands));
		ret = synx_err(SYNX_EXIT_USAGE, "ambiguous command '%s': %s (see 'synx help')",
			       argv[next], cands);
		goto out;
	}
	if (!c) {
		ret = synx_err(SYNX_EXIT_USAGE, "unknown command '%s' (see 'synx help')",
			       argv[next]);
		goto out;
	}

	/* Commands parse from their own name on, and report under it. */
	argv[next] = (char *)c->name;
	if (c->run_words) {
		ret = c->run_words(argc - next, argv + next);
	} else {
		ret = synx_cmdline_parse(cl, c, argc - next, argv + next, NULL);
		/*
		 * Commands that change the system, one at a time per bpffs: an
		 * attach --replace reads the running keys and writes them back,
		 * and a config --rotate-key in between would be lost.
		 */
		if (!ret && c->logged)
			lock_fd = synx_lock(&ret);
		if (!ret)
			ret = c->run(cl);
	}
	/* A command that would have changed the system and did not: a refusal, on record. */
	if (c->logged && ret && ret != SYNX_CMDLINE_DONE)
		synx_log(LOG_ERR, cl->ifname ? cl->ifname : iface_word(argc - next, argv + next),
			 "%s refused (exit %d): %s", c->name, ret, synx_cli.last_err);
out:
	if (lock_fd >= 0)
		close(lock_fd);
	if (synx_cli.jw)
		jw_destroy(&synx_cli.jw);
	free(cl);
	return ret == SYNX_CMDLINE_DONE ? SYNX_EXIT_OK : ret;
}
