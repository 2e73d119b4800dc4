// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The protected port set: parsed from --ports, counted, printed.  See ports.h. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "params.h"
#include "ports.h"

static bool port_test(const struct synx_ports *p, unsigned int port)
{
	return p->bits[port / 64] & (1ULL << (port % 64));
}

static void port_set(struct synx_ports *p, unsigned int port)
{
	p->bits[port / 64] |= 1ULL << (port % 64);
}

void synx_ports_add_range(struct synx_ports *p, unsigned int lo, unsigned int hi)
{
	for (unsigned int port = lo ? lo : 1; port <= hi && port < 65536; port++)
		port_set(p, port);
}

/*
 * "80,443,8000-8100" or "all".  Port 0 is not a destination anyone listens
 * on (and the XDP program drops it), so ranges start at 1.  Overlaps are
 * rejected rather than merged: they are almost always a typo.
 */
int synx_parse_ports(const char *s, struct synx_ports *ports, bool *all)
{
	char buf[4096], *tok, *save = NULL;
	unsigned long lo, hi;
	int err;

	memset(ports, 0, sizeof(*ports));
	*all = false;
	if (!strcmp(s, "all")) {
		*all = true;
		return 0;
	}
	if (!*s)
		return synx_err(SYNX_EXIT_USAGE, "--ports: empty port list");
	if (strlen(s) >= sizeof(buf))
		return synx_err(SYNX_EXIT_USAGE, "--ports: list too long");
	strcpy(buf, s);
	if (buf[0] == ',' || buf[strlen(buf) - 1] == ',' || strstr(buf, ",,"))
		return synx_err(SYNX_EXIT_USAGE, "--ports: empty entry in '%s'", s);

	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok + 1, '-');

		if (dash) {
			*dash = '\0';
			err = synx_parse_uint("--ports", tok, 1, 65535, &lo);
			if (!err)
				err = synx_parse_uint("--ports", dash + 1, 1, 65535, &hi);
			if (err)
				return err;
			if (lo > hi)
				return synx_err(SYNX_EXIT_USAGE,
						"--ports: range %lu-%lu is reversed", lo, hi);
		} else {
			err = synx_parse_uint("--ports", tok, 1, 65535, &lo);
			if (err)
				return err;
			hi = lo;
		}
		for (unsigned long p = lo; p <= hi; p++) {
			if (port_test(ports, p))
				return synx_err(
					SYNX_EXIT_USAGE,
					"--ports: port %lu listed twice (overlapping ranges)", p);
			port_set(ports, p);
		}
	}
	return 0;
}

unsigned int synx_ports_count(const struct synx_ports *p)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < SYNX_PORT_WORDS; i++)
		n += __builtin_popcountll(p->bits[i]);
	return n;
}

void synx_ports_format(const struct synx_ports *p, bool all, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int port = 1;

	if (all) {
		snprintf(buf, len, "all");
		return;
	}
	buf[0] = '\0';
	while (port < 65536 && off < len) {
		unsigned int start;

		if (!port_test(p, port)) {
			port++;
			continue;
		}
		start = port;
		while (port + 1 < 65536 && port_test(p, port + 1))
			port++;
		if (start == port)
			off += snprintf(buf + off, len - off, "%s%u", off ? "," : "", start);
		else
			off += snprintf(buf + off, len - off, "%s%u-%u", off ? "," : "", start,
					port);
		port++;
	}
	if (off >= len && len > 4)
		strcpy(buf + len - 4, "...");
}
