// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Error reporting and logging shared by all commands. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "cli.h"

struct synx_cli synx_cli;

json_writer_t *synx_json(void)
{
	if (!synx_cli.jw)
		synx_cli.jw = jw_new(stdout, synx_cli.pretty);
	return synx_cli.jw;
}

int synx_err(int code, const char *fmt, ...)
{
	char msg[512];
	int n = 0;
	va_list ap;

	if (synx_cli.context)
		n = snprintf(msg, sizeof(msg), "%s: ", synx_cli.context);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	snprintf(synx_cli.last_err, sizeof(synx_cli.last_err), "%s", msg);
	if (synx_cli.quiet)
		return code;

	if (synx_cli.json) {
		/* Whatever was half-written is abandoned: an error replaces it. */
		json_writer_t *jw = jw_new(stdout, synx_cli.pretty);

		if (jw) {
			jw_start_object(jw);
			jw_string_field(jw, "error", msg);
			jw_int_field(jw, "exit_code", code);
			jw_end_object(jw);
			jw_destroy(&jw);
		}
	} else {
		fprintf(stderr, "synx: %s\n", msg);
	}
	return code;
}

void synx_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("synx: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void synx_note(const char *fmt, ...)
{
	va_list ap;

	fputs("synx: note: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int synx_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!synx_cli.verbose)
		return 0;
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

/*
 * libxdp warns on stderr when its dispatcher cannot be used and it falls back
 * to a single program; synx reports that itself (attach output, status), so
 * the raw library log is only shown with -v.
 */
static int synx_libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	if (!synx_cli.verbose)
		return 0;
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

void synx_setup_logging(void)
{
	libbpf_set_print(synx_libbpf_print);
	libxdp_set_print(synx_libxdp_print);
}
