// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Streaming JSON writer.  Keeps one "first element" bit per nesting level
 * so commas are placed by the writer; strings are escaped per RFC 8259.
 */
#include <stdlib.h>
#include "json_writer.h"

#define JW_MAX_DEPTH 32

struct json_writer {
	FILE *f;
	bool pretty;
	bool after_name; /* a key was written; the value follows on the same line */
	unsigned int depth;
	bool first[JW_MAX_DEPTH]; /* nothing written yet at this level */
};

json_writer_t *jw_new(FILE *f, bool pretty)
{
	json_writer_t *jw = calloc(1, sizeof(*jw));

	if (!jw)
		return NULL;
	jw->f = f;
	jw->pretty = pretty;
	jw->first[0] = true;
	return jw;
}

void jw_destroy(json_writer_t **jw)
{
	if (!*jw)
		return;
	fputc('\n', (*jw)->f);
	fflush((*jw)->f);
	free(*jw);
	*jw = NULL;
}

static void jw_indent(json_writer_t *jw)
{
	if (!jw->pretty)
		return;
	fputc('\n', jw->f);
	for (unsigned int i = 0; i < jw->depth; i++)
		fputs("  ", jw->f);
}

/* Separator before a value or key at the current level. */
static void jw_sep(json_writer_t *jw)
{
	if (jw->after_name) {
		jw->after_name = false;
		return;
	}
	if (!jw->first[jw->depth])
		fputc(',', jw->f);
	jw->first[jw->depth] = false;
	if (jw->depth)
		jw_indent(jw);
}

static void jw_puts_escaped(json_writer_t *jw, const char *s)
{
	fputc('"', jw->f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", jw->f);
			break;
		case '\\':
			fputs("\\\\", jw->f);
			break;
		case '\n':
			fputs("\\n", jw->f);
			break;
		case '\r':
			fputs("\\r", jw->f);
			break;
		case '\t':
			fputs("\\t", jw->f);
			break;
		default:
			if (*p < 0x20)
				fprintf(jw->f, "\\u%04x", *p);
			else
				fputc(*p, jw->f);
		}
	}
	fputc('"', jw->f);
}

static void jw_open(json_writer_t *jw, char c)
{
	jw_sep(jw);
	fputc(c, jw->f);
	if (jw->depth + 1 < JW_MAX_DEPTH)
		jw->depth++;
	jw->first[jw->depth] = true;
}

static void jw_close(json_writer_t *jw, char c)
{
	bool empty = jw->first[jw->depth];

	if (jw->depth)
		jw->depth--;
	if (!empty)
		jw_indent(jw);
	fputc(c, jw->f);
}

void jw_start_object(json_writer_t *jw)
{
	jw_open(jw, '{');
}
void jw_end_object(json_writer_t *jw)
{
	jw_close(jw, '}');
}
void jw_start_array(json_writer_t *jw)
{
	jw_open(jw, '[');
}
void jw_end_array(json_writer_t *jw)
{
	jw_close(jw, ']');
}

void jw_name(json_writer_t *jw, const char *name)
{
	jw_sep(jw);
	jw_puts_escaped(jw, name);
	fputs(jw->pretty ? ": " : ":", jw->f);
	jw->after_name = true;
}

void jw_string(json_writer_t *jw, const char *s)
{
	jw_sep(jw);
	if (s)
		jw_puts_escaped(jw, s);
	else
		fputs("null", jw->f);
}

void jw_uint(json_writer_t *jw, uint64_t v)
{
	jw_sep(jw);
	fprintf(jw->f, "%llu", (unsigned long long)v);
}

void jw_int(json_writer_t *jw, int64_t v)
{
	jw_sep(jw);
	fprintf(jw->f, "%lld", (long long)v);
}

void jw_float(json_writer_t *jw, double v)
{
	jw_sep(jw);
	fprintf(jw->f, "%.3f", v);
}

void jw_bool(json_writer_t *jw, bool v)
{
	jw_sep(jw);
	fputs(v ? "true" : "false", jw->f);
}

void jw_null(json_writer_t *jw)
{
	jw_sep(jw);
	fputs("null", jw->f);
}

void jw_string_field(json_writer_t *jw, const char *name, const char *s)
{
	jw_name(jw, name);
	jw_string(jw, s);
}

void jw_uint_field(json_writer_t *jw, const char *name, uint64_t v)
{
	jw_name(jw, name);
	jw_uint(jw, v);
}

void jw_int_field(json_writer_t *jw, const char *name, int64_t v)
{
	jw_name(jw, name);
	jw_int(jw, v);
}

void jw_float_field(json_writer_t *jw, const char *name, double v)
{
	jw_name(jw, name);
	jw_float(jw, v);
}

void jw_bool_field(json_writer_t *jw, const char *name, bool v)
{
	jw_name(jw, name);
	jw_bool(jw, v);
}
