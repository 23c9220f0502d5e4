// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/cli/tables.c: the cells and rebalance tables (see tables.h).
 * Each column says how to read its cell from one row of the answer; the
 * root cell is the last row of `cells`.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libsmartcols.h>

#include "answer.h"
#include "tables.h"

enum { CLI_MAX_COLS = 24 };

struct column {
	const char *name;
	double width;		/* libsmartcols' width hint: a fraction of the terminal */
	int flags;		/* SCOLS_FL_* */
	bool dflt;		/* shown without -o */
	void (*get)(json_object *row, const char *key, char *buf, size_t len);
	const char *key;	/* the answer's field it shows */
};

/* as it is: libsmartcols escapes what a terminal must not get raw (\x1b) */
static void get_str(json_object *row, const char *key, char *buf, size_t len)
{
	json_object *v;

	snprintf(buf, len, "%s", json_object_object_get_ex(row, key, &v) && v ?
		 json_object_get_string(v) : "");
}

/* A number, printed with one decimal after dividing by @div (0: as an integer); "-" if absent */
static void number(json_object *row, const char *key, char *buf, size_t len, double div)
{
	json_object *v;

	if (!json_object_object_get_ex(row, key, &v))
		snprintf(buf, len, "-");
	else if (!div)
		snprintf(buf, len, "%lld", cli_num(row, key));
	else
		snprintf(buf, len, "%.1f", cli_dbl(row, key) / div);
}

static void get_num(json_object *row, const char *key, char *buf, size_t len)
{
	number(row, key, buf, len, 0);
}

static void get_pct(json_object *row, const char *key, char *buf, size_t len)
{
	number(row, key, buf, len, 1);
}

static void get_secs(json_object *row, const char *key, char *buf, size_t len)
{
	number(row, key, buf, len, 1e6);	/* from us */
}

static void get_mode(json_object *c, const char *key, char *buf, size_t len)
{
	json_object *v;
	bool lend = json_object_object_get_ex(c, "lend", &v) && json_object_get_boolean(v);

	(void)key;
	if (!json_object_object_get_ex(c, "resizable", &v))
		snprintf(buf, len, "-");
	else if (json_object_get_boolean(v))
		snprintf(buf, len, "auto %lld..%lld w%lld%s", cli_num(c, "min"), cli_num(c, "max"),
			 cli_num(c, "weight"), lend ? " lend" : "");
	else
		snprintf(buf, len, "fixed%s", lend ? " lend" : "");
}

static void get_origin(json_object *c, const char *key, char *buf, size_t len)
{
	json_object *v;

	(void)key;
	get_str(c, "origin", buf, len);
	snprintf(buf + strlen(buf), len - strlen(buf), "%s",
		 json_object_object_get_ex(c, "changed_by_cli", &v) && json_object_get_boolean(v) ?
		 " (changed by cli)" : "");
}

static void get_report(json_object *c, const char *key, char *buf, size_t len)
{
	(void)key;
	snprintf(buf, len, "%s", cli_num(c, "report") ? "" : "no report yet");
}

#define R SCOLS_FL_RIGHT
static const struct column cells_cols[] = {
	{ "NAME", 0.1, 0, true, get_str, "name" },
	{ "CPUS", 0.3, SCOLS_FL_WRAP, true, get_str, "cpus" },
	{ "N", 3, R, true, get_num, "nr_cpus" },
	{ "MODE", 0.1, 0, true, get_mode, NULL },
	{ "POLICY", 0.05, 0, true, get_str, "policy" },
	{ "STATE", 0.1, 0, true, get_str, "state" },
	{ "RUNNABLE", 4, R, true, get_num, "runnable" },
	{ "UTIL%", 5, R, true, get_pct, "util_pct" },
	{ "ORIGIN", 0.1, SCOLS_FL_TRUNC, true, get_origin, NULL },
	{ "CGROUP", 0.15, SCOLS_FL_TRUNC, false, get_str, "cgroup" },
	{ "MAXWAIT_US", 6, R, false, get_num, "max_wait_us" },
	{ "LENT_S", 6, R, false, get_secs, "lent_us" },
	{ "FAILURES", 3, R, false, get_num, "failures" },
	{ "RESTARTS", 3, R, false, get_num, "restarts" },
};

static const struct column plan_cols[] = {
	{ "NAME", 0.1, 0, true, get_str, "name" },
	{ "CPUS", 0.2, SCOLS_FL_WRAP, true, get_str, "cpus" },
	{ "NEXT", 0.2, SCOLS_FL_WRAP, true, get_str, "next_cpus" },
	{ "WANT", 4, R, true, get_num, "want" },
	{ "TARGET", 4, R, true, get_num, "target" },
	{ "RUNNABLE", 4, R, true, get_num, "runnable" },
	{ "UTIL%", 5, R, true, get_pct, "util_pct" },
	{ "NOTE", 0.1, SCOLS_FL_TRUNC, true, get_report, NULL },
};
#undef R

static const struct column *table_cols(enum cli_table t, size_t *nr)
{
	*nr = t == CLI_TABLE_CELLS ? sizeof(cells_cols) / sizeof(cells_cols[0]) :
				     sizeof(plan_cols) / sizeof(plan_cols[0]);
	return t == CLI_TABLE_CELLS ? cells_cols : plan_cols;
}

const char *cli_table_columns(enum cli_table t)
{
	static char buf[2][256];
	size_t nr, n = 0;
	const struct column *c = table_cols(t, &nr);

	buf[t][0] = 0;
	for (size_t i = 0; i < nr; i++)
		n += snprintf(buf[t] + n, sizeof(buf[t]) - n, "%s%s", i ? "," : "", c[i].name);
	return buf[t];
}

/* @cols as indexes into @t's columns; the count, or -1 with the bad name in @why */
static int pick(enum cli_table t, const char *cols, int idx[CLI_MAX_COLS], char *why, size_t len)
{
	size_t nr;
	const struct column *c = table_cols(t, &nr);
	char *copy, *tok, *save = NULL;
	int n = 0;

	if (!cols) {
		for (size_t i = 0; i < nr; i++)
			if (c[i].dflt)
				idx[n++] = (int)i;
		return n;
	}
	copy = strdup(cols);
	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < nr && strcasecmp(tok, c[i].name); i++)
			;
		if (i == nr || n == CLI_MAX_COLS) {
			snprintf(why, len, "unknown column '%s' (columns: %s)", cli_esc(tok),
				 cli_table_columns(t));
			free(copy);
			return -1;
		}
		idx[n++] = (int)i;
	}
	free(copy);
	if (!n)
		snprintf(why, len, "no column named (columns: %s)", cli_table_columns(t));
	return n ? n : -1;
}

int cli_table_check(enum cli_table t, const char *cols, char *why, size_t len)
{
	int idx[CLI_MAX_COLS];

	return pick(t, cols, idx, why, len) < 0 ? -1 : 0;
}

static void add_row(struct libscols_table *tb, const struct column *c, const int *idx, int n,
		    json_object *row)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char buf[4096];

	for (int i = 0; ln && i < n; i++) {
		c[idx[i]].get(row, c[idx[i]].key, buf, sizeof(buf));
		scols_line_set_data(ln, i, buf);
	}
}

/*
 * On a terminal too narrow for the whole table, CPU lists are cut at their
 * commas, one range per line (libsmartcols' own wrapping would cut
 * "68-127" into "6" and "8-127"). Piped, lines are whole.
 */
static size_t cpus_chunksize(const struct libscols_column *cl, const char *data, void *u)
{
	size_t max = 0, n = 0;

	(void)cl;
	(void)u;
	for (const char *p = data; ; p++) {
		if (*p && *p != ',') {
			n++;
			continue;
		}
		max = n > max ? n : max;
		n = 0;
		if (!*p)
			return max;
	}
}

static char *cpus_nextchunk(const struct libscols_column *cl, char *data, void *u)
{
	char *comma = data ? strchr(data, ',') : NULL;

	(void)cl;
	(void)u;
	if (!comma)
		return NULL;
	*comma = 0;
	return comma + 1;
}

/* The width of the table's widest line, nothing cut: each column's widest value or name */
static size_t natural_width(const struct column *c, const int *idx, int n, json_object *res)
{
	json_object *arr = NULL, *root = NULL;
	size_t total = 0, rows;
	char buf[4096];

	json_object_object_get_ex(res, "cells", &arr);
	json_object_object_get_ex(res, "root_cell", &root);
	rows = arr ? json_object_array_length(arr) : 0;
	for (int i = 0; i < n; i++) {
		size_t w = strlen(c[idx[i]].name);

		for (size_t r = 0; r <= rows; r++) {
			json_object *row = r < rows ? json_object_array_get_idx(arr, r) : root;

			if (!row)
				continue;
			c[idx[i]].get(row, c[idx[i]].key, buf, sizeof(buf));
			w = strlen(buf) > w ? strlen(buf) : w;
		}
		total += w + 1;
	}
	return total;
}

int cli_table_print(enum cli_table t, json_object *res, const char *cols)
{
	struct libscols_table *tb = scols_new_table();
	int idx[CLI_MAX_COLS], n;
	size_t nr;
	const struct column *c = table_cols(t, &nr);
	json_object *arr, *root;
	char why[256];

	n = pick(t, cols, idx, why, sizeof(why));
	if (!tb || n < 0) {
		scols_unref_table(tb);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		struct libscols_column *col = scols_table_new_column(tb, c[idx[i]].name,
								     c[idx[i]].width, c[idx[i]].flags);

		if (!col) {
			scols_unref_table(tb);
			return 1;
		}
		if ((c[idx[i]].flags & SCOLS_FL_WRAP) && isatty(STDOUT_FILENO) &&
		    natural_width(c, idx, n, res) > scols_table_get_termwidth(tb))
			scols_column_set_wrapfunc(col, cpus_chunksize, cpus_nextchunk, NULL);
	}
	if (json_object_object_get_ex(res, "cells", &arr))
		for (size_t i = 0; i < json_object_array_length(arr); i++)
			add_row(tb, c, idx, n, json_object_array_get_idx(arr, i));
	if (t == CLI_TABLE_CELLS && json_object_object_get_ex(res, "root_cell", &root))
		add_row(tb, c, idx, n, root);
	scols_print_table(tb);
	scols_unref_table(tb);
	return 0;
}
