/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* A small streaming JSON writer: tracks nesting and commas so callers don't. */
#ifndef SYNX_JSON_WRITER_H
#define SYNX_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct json_writer json_writer_t;

json_writer_t *jw_new(FILE *f, bool pretty);
/* Ends the document with a newline and frees the writer. */
void jw_destroy(json_writer_t **jw);

void jw_start_object(json_writer_t *jw);
void jw_end_object(json_writer_t *jw);
void jw_start_array(json_writer_t *jw);
void jw_end_array(json_writer_t *jw);
/* The key of the next value inside an object. */
void jw_name(json_writer_t *jw, const char *name);

void jw_string(json_writer_t *jw, const char *s);
void jw_uint(json_writer_t *jw, uint64_t v);
void jw_int(json_writer_t *jw, int64_t v);
void jw_float(json_writer_t *jw, double v);
void jw_bool(json_writer_t *jw, bool v);
void jw_null(json_writer_t *jw);

/* name + value in one call, for the common case. */
void jw_string_field(json_writer_t *jw, const char *name, const char *s);
void jw_uint_field(json_writer_t *jw, const char *name, uint64_t v);
void jw_int_field(json_writer_t *jw, const char *name, int64_t v);
void jw_float_field(json_writer_t *jw, const char *name, double v);
void jw_bool_field(json_writer_t *jw, const char *name, bool v);

#endif
