// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Placeholder entry point, replaced by the CLI (issue 4). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("synx %s\n", SYNX_VERSION);
		return 0;
	}
	fprintf(stderr, "synx: no command yet\n");
	return 1;
}
