// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Print the CLI's command and option tables (user/commands.c and
 * user/options.c) as JSON.  They are the one source of the parser and of
 * `synx help`; tests/cli/test_docs checks the man page, the bash completion
 * and the help text against this dump.
 *
 *   {"commands": [{"name", "args", "iface", "summary", "parses_options"}],
 *    "options": [{"name", "short", "metavar", "help", "accepted_by",
 *                 "refused_by", "refusal", "not_in_file"}]}
 *
 * "accepted_by" and "refused_by" list command names, "global" for the
 * options before the command word.
 */
#include <stdio.h>
#include "commands.h"
#include "json_writer.h"
#include "options.h"

static void commands_of(json_writer_t *jw, const char *key, unsigned int bits)
{
	jw_name(jw, key);
	jw_start_array(jw);
	if (bits & SYNX_CMD_GLOBAL)
		jw_string(jw, "global");
	for (unsigned int i = 0; i < synx_nr_commands; i++)
		if (bits & synx_commands[i].bit)
			jw_string(jw, synx_commands[i].name);
	jw_end_array(jw);
}

static void string_or_null(json_writer_t *jw, const char *key, const char *s)
{
	jw_name(jw, key);
	if (s)
		jw_string(jw, s);
	else
		jw_null(jw);
}

int main(void)
{
	json_writer_t *jw = jw_new(stdout, true);
	char short_name[2] = {};

	if (!jw)
		return 1;
	jw_start_object(jw);
	jw_name(jw, "commands");
	jw_start_array(jw);
	for (unsigned int i = 0; i < synx_nr_commands; i++) {
		const struct synx_command *c = &synx_commands[i];
		bool parsed = !c->run_words;

		jw_start_object(jw);
		jw_string_field(jw, "name", c->name);
		jw_string_field(jw, "args", c->args);
		string_or_null(jw, "iface",
			       !parsed                           ? NULL
			       : c->iface == SYNX_IFACE_REQUIRED ? "required"
								 : "optional");
		jw_string_field(jw, "summary", c->summary);
		jw_bool_field(jw, "parses_options", parsed);
		jw_end_object(jw);
	}
	jw_end_array(jw);
	jw_name(jw, "options");
	jw_start_array(jw);
	for (unsigned int i = 0; i < synx_nr_options; i++) {
		const struct synx_option *o = &synx_options[i];

		short_name[0] = o->short_name;
		jw_start_object(jw);
		jw_string_field(jw, "name", o->name);
		string_or_null(jw, "short", o->short_name ? short_name : NULL);
		string_or_null(jw, "metavar", o->metavar);
		jw_string_field(jw, "help", o->help);
		commands_of(jw, "accepted_by", o->accepted_by);
		commands_of(jw, "refused_by", o->refused_by);
		string_or_null(jw, "refusal", o->refusal);
		string_or_null(jw, "not_in_file", o->not_in_file);
		jw_end_object(jw);
	}
	jw_end_array(jw);
	jw_end_object(jw);
	jw_destroy(&jw);
	return 0;
}
