// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Configuration files: the option table's settings, one a line.  See conffile.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "cli.h"
#include "conffile.h"
#include "options.h"

#define SETTING_CMDS (SYNX_CMD_ATTACH | SYNX_CMD_CONFIG)

/*
 * The row @key names for command @bit: the one it accepts, else one it
 * refuses by name (a load-time setting, which config checks against the
 * running program).  *@known: some option has that name.
 */
static const struct synx_option *setting_row(const char *key, unsigned int bit, bool *known)
{
	const struct synx_option *refused = NULL;

	*known = false;
	for (unsigned int i = 0; i < synx_nr_options; i++) {
		const struct synx_option *o = &synx_options[i];

		if (strcmp(o->name, key))
			continue;
		*known = true; /* an option, if maybe not a setting */
		if ((o->accepted_by & SYNX_CMD_GLOBAL) ||
		    !((o->accepted_by | o->refused_by) & SETTING_CMDS))
			continue;
		if (o->accepted_by & bit)
			return o;
		if (o->refused_by & bit)
			refused = o;
	}
	return refused;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* An option's long name: a lower-case letter, then letters, digits and dashes. */
static bool key_chars_ok(const char *k)
{
	if (*k < 'a' || *k > 'z')
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '-'))
			return false;
	return true;
}

/*
 * The file, whole, into a NUL-terminated buffer, after the checks that
 * make it trustworthy: regular, not too large, root's (or the caller's) and
 * writable by nobody else.  NULL after reporting.
 */
static char *read_file(const char *path, size_t *len, int *err)
{
	/* O_NONBLOCK: a FIFO given as PATH must not hang the unit. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	char *buf = NULL;
	ssize_t n;
	size_t got = 0;

	*err = 0;
	if (fd < 0) {
		*err = synx_err(SYNX_EXIT_USAGE, "--config-file %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st)) {
		*err = synx_err(SYNX_EXIT_FAIL, "--config-file %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		*err = synx_err(SYNX_EXIT_USAGE, "--config-file %s: not a regular file", path);
		goto out;
	}
	/*
	 * Whoever can write the file configures a root service: only root
	 * (or whoever runs synx), as sshd and sudo ask of theirs.
	 */
	if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & S_IWOTH) ||
	    ((st.st_mode & S_IWGRP) && st.st_gid != 0)) {
		*err = synx_err(
			SYNX_EXIT_USAGE,
			"--config-file %s: owned by uid %u with mode %03o: others could change it; make it root's and writable only by root (chown root:root, chmod 644)",
			path, (unsigned int)st.st_uid, (unsigned int)(st.st_mode & 0777));
		goto out;
	}
	if (st.st_size > SYNX_CONFFILE_MAX) {
		*err = synx_err(SYNX_EXIT_USAGE, "--config-file %s: larger than %d bytes", path,
				SYNX_CONFFILE_MAX);
		goto out;
	}
	buf = malloc(SYNX_CONFFILE_MAX + 2);
	if (!buf) {
		*err = synx_err(SYNX_EXIT_FAIL, "out of memory");
		goto out;
	}
	/* Read to the end, not to st_size: the file may grow meanwhile. */
	while ((n = read(fd, buf + got, SYNX_CONFFILE_MAX + 1 - got)) > 0)
		got += n;
	if (n < 0) {
		*err = synx_err(SYNX_EXIT_FAIL, "--config-file %s: %s", path, strerror(errno));
	} else if (got > SYNX_CONFFILE_MAX) {
		*err = synx_err(SYNX_EXIT_USAGE, "--config-file %s: larger than %d bytes", path,
				SYNX_CONFFILE_MAX);
	} else {
		buf[got] = '\0';
		*len = got;
	}
	if (*err) {
		free(buf);
		buf = NULL;
	}
out:
	close(fd);
	return buf;
}

/* The line where each key was set, to report a key set twice. */
struct seen {
	const char *key[64];
	unsigned int line[64];
	unsigned int n;
};

static unsigned int seen_line(const struct seen *s, const char *key)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (!strcmp(s->key[i], key))
			return s->line[i];
	return 0;
}

/* One "KEY = VALUE" line (comments already cut); 0 or an exit code. */
static int apply_line(struct synx_cmdline *cl, char *line, unsigned int lineno, struct seen *seen)
{
	const struct synx_option *o;
	char *eq = strchr(line, '='), *key, *value;
	unsigned int bit = cl->cmd->bit, first;
	bool known;

	if (!eq)
		return synx_err(SYNX_EXIT_USAGE, "expected KEY = VALUE, got '%.60s'", line);
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	if (!key_chars_ok(key))
		return synx_err(SYNX_EXIT_USAGE,
				"'%.60s' is not a key (an option name without '--', e.g. ports)",
				key);
	o = setting_row(key, bit, &known);
	if (!known)
		return synx_err(SYNX_EXIT_USAGE,
				"unknown key '%s' (see synx(8), CONFIGURATION FILE)", key);
	if (!o)
		return synx_err(SYNX_EXIT_USAGE,
				"'%s' is not a setting of synx attach or config, so no key", key);
	if (o->not_in_file)
		return synx_err(SYNX_EXIT_USAGE, "'%s' %s", key, o->not_in_file);
	if (!*value)
		return synx_err(SYNX_EXIT_USAGE, "'%s' has no value", key);
	first = seen_line(seen, o->name);
	if (first)
		return synx_err(SYNX_EXIT_USAGE, "'%s' is already set on line %u", key, first);
	if (seen->n < sizeof(seen->key) / sizeof(seen->key[0])) {
		seen->key[seen->n] = o->name;
		seen->line[seen->n++] = lineno;
	}
	if (!o->metavar) {
		/* A flag: on sets it, off leaves it unset (its default). */
		if (!strcmp(value, "off"))
			return 0;
		if (strcmp(value, "on"))
			return synx_err(SYNX_EXIT_USAGE, "'%s' takes on or off, not '%.60s'", key,
					value);
		value = NULL;
	}
	return o->set(cl, value);
}

int synx_conffile_apply(struct synx_cmdline *cl, const char *path)
{
	struct seen seen = { .n = 0 };
	char *buf, *line, *next, ctx[320];
	unsigned int lineno = 0;
	size_t len = 0;
	int err;

	buf = read_file(path, &len, &err);
	if (!buf)
		return err;
	cl->settings.from_file = true;
	for (line = buf; !err && line < buf + len; line = next) {
		char *nl = memchr(line, '\n', buf + len - line), *hash;

		next = nl ? nl + 1 : buf + len;
		lineno++;
		snprintf(ctx, sizeof(ctx), "%s:%u", path, lineno);
		synx_cli.context = ctx;
		if ((size_t)(next - line) > SYNX_CONFFILE_LINE_MAX) {
			err = synx_err(SYNX_EXIT_USAGE, "line longer than %d bytes",
				       SYNX_CONFFILE_LINE_MAX);
			break;
		}
		if (nl)
			*nl = '\0';
		if (strlen(line) != (size_t)((nl ? nl : buf + len) - line)) {
			err = synx_err(SYNX_EXIT_USAGE, "NUL byte in the line");
			break;
		}
		/* No value holds a '#': it always starts a comment. */
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		line = trim(line);
		if (*line)
			err = apply_line(cl, line, lineno, &seen);
	}
	synx_cli.context = NULL;
	free(buf);
	return err;
}
