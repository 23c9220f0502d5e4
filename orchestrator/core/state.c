// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/state.c: the CLI's runtime cell changes: merging them over the
 * YAML and keeping them in a JSON file that survives a crash (see state.h).
 *
 * Reading checks everything a YAML cell would be checked for at parse time
 * (names, CPU lists, policy, tunables and their ranges) so that a damaged or
 * hand-edited file is refused as a whole, with the change and field named.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lockfile.h"
#include "log.h"
#include "policies.h"
#include "state.h"

enum { CS_STATE_MAX_CHANGES = 2 * CS_MAX_CELLS };

void cs_state_free(struct cs_state *st)
{
	free(st->changes);
	st->changes = NULL;
	st->nr = 0;
}

int cs_state_copy(struct cs_state *dst, const struct cs_state *src)
{
	dst->nr = 0;
	dst->changes = calloc(CS_STATE_MAX_CHANGES, sizeof(*dst->changes));
	if (!dst->changes)
		return -ENOMEM;
	if (src->nr)
		memcpy(dst->changes, src->changes, src->nr * sizeof(*src->changes));
	dst->nr = src->nr;
	return 0;
}

static int find(const struct cs_state *st, const char *name)
{
	for (unsigned int i = 0; i < st->nr; i++)
		if (!strcmp(st->changes[i].cell.name, name))
			return (int)i;
	return -1;
}

static void drop(struct cs_state *st, int i)
{
	memmove(&st->changes[i], &st->changes[i + 1], (st->nr - i - 1) * sizeof(*st->changes));
	st->nr--;
}

static int grow(struct cs_state *st)
{
	if (!st->changes) {
		st->changes = calloc(CS_STATE_MAX_CHANGES, sizeof(*st->changes));
		if (!st->changes)
			return -ENOMEM;
	}
	return st->nr < CS_STATE_MAX_CHANGES ? 0 : -ENOSPC;
}

int cs_state_set(struct cs_state *st, const struct cs_cell_cfg *cell, bool in_yaml)
{
	int i = find(st, cell->name), err;
	struct cs_cell_cfg *c;

	if (i >= 0)
		drop(st, i);
	err = grow(st);
	if (err)
		return err;
	st->changes[st->nr].op = in_yaml ? CS_CHANGE_RESIZE : CS_CHANGE_SET;
	st->changes[st->nr].cell = *cell;
	/* positions in the YAML no longer describe it: messages say "runtime change" */
	c = &st->changes[st->nr].cell;
	c->pos = c->name_pos = c->cgroup_pos = c->cpus_pos = c->policy_pos = (struct cs_pos){ 0 };
	st->nr++;
	return 0;
}

int cs_state_delete(struct cs_state *st, const char *name, bool in_yaml)
{
	int i = find(st, name), err;

	if (i >= 0)
		drop(st, i);
	if (!in_yaml)
		return 0;	/* made by the CLI: forgetting the change deletes it */
	err = grow(st);
	if (err)
		return err;
	memset(&st->changes[st->nr], 0, sizeof(st->changes[st->nr]));
	st->changes[st->nr].op = CS_CHANGE_DELETE;
	snprintf(st->changes[st->nr].cell.name, CS_NAME_MAX, "%s", name);
	st->nr++;
	return 0;
}

int cs_state_apply(const struct cs_config *yaml, const struct cs_state *st,
		   struct cs_config *out)
{
	unsigned int n = 0;

	if (cs_config_copy(out, yaml))
		return -ENOMEM;
	free(out->cells);
	out->cells = calloc(yaml->nr_cells + st->nr + 1, sizeof(*out->cells));
	if (!out->cells) {
		out->nr_cells = 0;
		cs_config_free(out);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < yaml->nr_cells; i++) {
		int c = find(st, yaml->cells[i].name);
		const struct cs_cell_cfg *ch = c >= 0 ? &st->changes[c].cell : NULL;
		struct cs_cell_cfg *o = &out->cells[n];

		if (c >= 0 && st->changes[c].op == CS_CHANGE_DELETE)
			continue;
		*o = c >= 0 && st->changes[c].op == CS_CHANGE_SET ? *ch : yaml->cells[i];
		if (c >= 0 && st->changes[c].op == CS_CHANGE_RESIZE) {
			o->resizable = ch->resizable;
			o->inherit = ch->inherit;
			o->cpus = ch->cpus;
			o->min = ch->min;
			o->max = ch->max;
			o->weight = ch->weight;
			o->cpus_pos = (struct cs_pos){ 0 };
		}
		n++;
	}
	for (unsigned int c = 0; c < st->nr; c++) {
		bool in_yaml = false;

		for (unsigned int i = 0; i < yaml->nr_cells && !in_yaml; i++)
			in_yaml = !strcmp(yaml->cells[i].name, st->changes[c].cell.name);
		if (!in_yaml && st->changes[c].op == CS_CHANGE_SET)
			out->cells[n++] = st->changes[c].cell;
	}
	out->nr_cells = n;
	return 0;
}

unsigned int cs_state_prune(struct cs_state *st, const struct cs_config *yaml, char *names,
			    size_t len)
{
	unsigned int dropped = 0;
	size_t off = 0;

	if (len)
		names[0] = '\0';
	for (unsigned int c = 0; c < st->nr;) {
		bool in_yaml = false;

		for (unsigned int i = 0; i < yaml->nr_cells && !in_yaml; i++)
			in_yaml = !strcmp(yaml->cells[i].name, st->changes[c].cell.name);
		if (in_yaml || st->changes[c].op == CS_CHANGE_SET) {
			c++;
			continue;
		}
		if (off < len)
			off += snprintf(names + off, len - off, "%s%s", dropped ? ", " : "",
					st->changes[c].cell.name);
		drop(st, (int)c);
		dropped++;
	}
	return dropped;
}

/* ---- the file ------------------------------------------------------------------------ */

static json_object *cell_json(const struct cs_change *ch)
{
	const struct cs_cell_cfg *c = &ch->cell;
	json_object *o = json_object_new_object(), *t;
	const struct cs_policy_info *pi;
	char list[4096];

	json_object_object_add(o, "op", json_object_new_string(
		ch->op == CS_CHANGE_SET ? "set" : ch->op == CS_CHANGE_RESIZE ? "resize" : "delete"));
	json_object_object_add(o, "name", json_object_new_string(c->name));
	if (ch->op == CS_CHANGE_DELETE)
		return o;
	if (ch->op == CS_CHANGE_SET) {
		json_object_object_add(o, "cgroup", json_object_new_string(c->cgroup));
		json_object_object_add(o, "policy", json_object_new_string(c->policy));
		json_object_object_add(o, "lend", json_object_new_boolean(c->lend));
	}
	if (c->inherit) {
		json_object_object_add(o, "cpus", json_object_new_string("inherit"));
	} else if (c->resizable) {
		json_object_object_add(o, "min", json_object_new_int(c->min));
		json_object_object_add(o, "max", json_object_new_int(c->max));
		json_object_object_add(o, "weight", json_object_new_int(c->weight));
	} else {
		json_object_object_add(o, "cpus", json_object_new_string(
			cs_cpus_format(&c->cpus, list, sizeof(list))));
	}
	if (ch->op == CS_CHANGE_RESIZE)
		return o;
	pi = cs_policy_find(c->policy);
	t = json_object_new_object();
	for (unsigned int i = 0; pi && i < pi->nr_tunables; i++)
		json_object_object_add(t, pi->tunables[i].name,
				       json_object_new_int64((int64_t)c->tunables[i]));
	json_object_object_add(o, "tunables", t);
	return o;
}

static int fsync_dir(const char *path)
{
	char copy[CS_PATH_MAX];
	int fd, ret = 0;

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return -ENAMETOOLONG;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int mkdir_parent(const char *path)
{
	char copy[CS_PATH_MAX];

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return -ENAMETOOLONG;
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

int cs_state_save(const char *path, const struct cs_state *st, char *err, size_t errlen)
{
	json_object *root = json_object_new_object(), *arr = json_object_new_array();
	char tmp[CS_PATH_MAX + 16];
	const char *text, *step;
	size_t len, off = 0;
	int fd = -1, ret = 0;

	json_object_object_add(root, "cellsched_state", json_object_new_int(CS_STATE_VERSION));
	for (unsigned int i = 0; i < st->nr; i++)
		json_object_array_add(arr, cell_json(&st->changes[i]));
	json_object_object_add(root, "changes", arr);
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(text);
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: the path is too long", path);
		json_object_put(root);
		return -ENAMETOOLONG;
	}

	step = "creating its directory";
	ret = mkdir_parent(path);
	if (!ret) {
		step = "creating the temporary file";
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		ret = fd < 0 ? -errno : 0;
	}
	while (!ret && off < len) {
		ssize_t n = write(fd, text + off, len - off);

		step = "writing";
		if (n < 0 && errno != EINTR)
			ret = -errno;
		else if (n > 0)
			off += n;
	}
	if (!ret && (write(fd, "\n", 1) != 1 || fsync(fd) < 0)) {
		step = "syncing";
		ret = -errno;
	}
	if (fd >= 0 && close(fd) < 0 && !ret) {
		step = "closing";
		ret = -errno;
	}
	if (!ret && rename(tmp, path) < 0) {
		step = "renaming it into place";
		ret = -errno;
	}
	/* renamed: the change is on disk; an unsynced directory only risks it on power loss */
	if (!ret && fsync_dir(path))
		cs_warn("%s: syncing its directory failed: %s", path, strerror(errno));
	if (ret) {
		snprintf(err, errlen, "%s: saving the runtime changes failed while %s: %s", path,
			 step, strerror(-ret));
		unlink(tmp);
	}
	json_object_put(root);
	return ret;
}

int cs_state_lock(const char *path, int *fd, char *err, size_t errlen)
{
	char lock[CS_PATH_MAX + 8];
	long holder = 0;
	int ret;

	*fd = -1;
	if (snprintf(lock, sizeof(lock), "%s.lock", path) >= (int)sizeof(lock))
		ret = -ENAMETOOLONG;
	else
		ret = mkdir_parent(path);
	if (!ret)
		ret = cs_lockfile_take(lock, fd, &holder);
	if (ret == -EBUSY)
		snprintf(err, errlen, "another cellsched runs with the state file %s (pid %ld "
			 "holds %s)", path, holder, lock);
	else if (ret)
		snprintf(err, errlen, "cannot lock %s: %s", lock, ret == -EINVAL ?
			 "it is not a regular file" : strerror(-ret));
	return ret;
}

int cs_state_set_aside(const char *path, char *aside, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	char stamp[32];

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	if (snprintf(aside, len, "%s.corrupt-%s", path, stamp) >= (int)len)
		return -ENAMETOOLONG;
	return rename(path, aside) < 0 ? -errno : 0;
}

struct rd {
	const char *path;
	char *err;
	size_t errlen;
	unsigned int idx;	/* change number, from 1 */
};

static int bad(struct rd *r, const char *what)
{
	if (r->idx)
		snprintf(r->err, r->errlen, "%s: change %u: %s", r->path, r->idx, what);
	else
		snprintf(r->err, r->errlen, "%s: %s", r->path, what);
	return -EINVAL;
}

static int get_string(struct rd *r, json_object *o, const char *key, char *out, size_t len,
		      bool required)
{
	json_object *v;
	char msg[128];

	if (!json_object_object_get_ex(o, key, &v)) {
		snprintf(msg, sizeof(msg), "'%s' is missing", key);
		return required ? bad(r, msg) : 1;
	}
	if (!json_object_is_type(v, json_type_string) || !json_object_get_string_len(v) ||
	    (size_t)json_object_get_string_len(v) >= len) {
		snprintf(msg, sizeof(msg), "'%s' must be a non-empty string of at most %zu bytes",
			 key, len - 1);
		return bad(r, msg);
	}
	snprintf(out, len, "%s", json_object_get_string(v));
	return 0;
}

static int get_num(struct rd *r, json_object *o, const char *key, long long min, long long max,
		   unsigned long long *out)
{
	json_object *v;
	char msg[160];
	long long n;

	if (!json_object_object_get_ex(o, key, &v))
		return 1;
	n = json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_int) || n < min || n > max) {
		snprintf(msg, sizeof(msg), "'%s' must be a whole number in %lld..%lld", key, min,
			 max);
		return bad(r, msg);
	}
	*out = (unsigned long long)n;
	return 0;
}

/* "cpus", or "min"/"max"/"weight" */
static int read_cpus(struct rd *r, json_object *o, struct cs_cell_cfg *c)
{
	unsigned long long v;
	char list[4096], why[200], msg[300];
	int ret;

	ret = get_string(r, o, "cpus", list, sizeof(list), false);
	if (ret < 0)
		return ret;
	if (ret == 0 && !strcmp(list, "inherit")) {
		c->inherit = true;
	} else if (ret == 0) {
		if (cs_cpus_parse(list, &c->cpus, why, sizeof(why)) || cs_cpus_empty(&c->cpus)) {
			snprintf(msg, sizeof(msg), "bad 'cpus' '%.200s'", list);
			return bad(r, msg);
		}
	} else {
		c->resizable = true;
		c->min = 1;
		c->max = CS_MAX_CIDS;
		c->weight = CS_WEIGHT_DFL;
		ret = get_num(r, o, "min", 1, CS_MAX_CIDS, &v);
		if (ret < 0)
			return ret;
		if (!ret)
			c->min = (unsigned int)v;
		ret = get_num(r, o, "max", 1, CS_MAX_CIDS, &v);
		if (ret < 0)
			return ret;
		if (!ret)
			c->max = (unsigned int)v;
		ret = get_num(r, o, "weight", 1, CS_WEIGHT_MAX, &v);
		if (ret < 0)
			return ret;
		if (!ret)
			c->weight = (unsigned int)v;
		if (c->min > c->max)
			return bad(r, "'min' is above 'max'");
	}
	return 0;
}

static int read_set(struct rd *r, json_object *o, struct cs_cell_cfg *c)
{
	const struct cs_policy_info *pi;
	json_object *tun, *v;
	char msg[300];

	if (get_string(r, o, "cgroup", c->cgroup, sizeof(c->cgroup), true) ||
	    get_string(r, o, "policy", c->policy, sizeof(c->policy), true))
		return -EINVAL;
	pi = cs_policy_find(c->policy);
	if (!pi)
		return bad(r, "unknown policy");
	if (read_cpus(r, o, c))
		return -EINVAL;
	c->lend = c->resizable;		/* files from before 'lend' existed */
	if (json_object_object_get_ex(o, "lend", &v)) {
		if (!json_object_is_type(v, json_type_boolean))
			return bad(r, "'lend' must be true or false");
		c->lend = json_object_get_boolean(v);
	}
	cs_policy_defaults(pi, c->tunables);
	if (json_object_object_get_ex(o, "tunables", &tun)) {
		if (!json_object_is_type(tun, json_type_object))
			return bad(r, "'tunables' must be an object");
		json_object_object_foreach(tun, key, val) {
			int ti = cs_policy_tunable(pi, key);

			(void)val;
			if (ti < 0) {
				snprintf(msg, sizeof(msg), "policy '%s' has no tunable '%s'", pi->name,
					 key);
				return bad(r, msg);
			}
			if (get_num(r, tun, key, pi->tunables[ti].min, pi->tunables[ti].max,
				    &c->tunables[ti]) < 0)
				return -EINVAL;
		}
	}
	return 0;
}

static int read_change(struct rd *r, json_object *o, struct cs_change *ch)
{
	char op[16];

	memset(ch, 0, sizeof(*ch));
	if (!json_object_is_type(o, json_type_object))
		return bad(r, "must be an object");
	if (get_string(r, o, "op", op, sizeof(op), true) ||
	    get_string(r, o, "name", ch->cell.name, sizeof(ch->cell.name), true))
		return -EINVAL;
	if (!strcmp(op, "delete")) {
		ch->op = CS_CHANGE_DELETE;
		return 0;
	}
	if (!strcmp(op, "resize")) {
		ch->op = CS_CHANGE_RESIZE;
		return read_cpus(r, o, &ch->cell);
	}
	if (strcmp(op, "set"))
		return bad(r, "'op' must be \"set\", \"resize\" or \"delete\"");
	ch->op = CS_CHANGE_SET;
	return read_set(r, o, &ch->cell);
}

static int parse(struct rd *r, const char *text, struct cs_state *st)
{
	enum json_tokener_error jerr;
	json_object *root, *v, *arr;
	int ret = 0;

	root = json_tokener_parse_verbose(text, &jerr);
	if (!root) {
		char msg[200];

		snprintf(msg, sizeof(msg), "not valid JSON: %s", json_tokener_error_desc(jerr));
		return bad(r, msg);
	}
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "cellsched_state", &v) ||
	    json_object_get_int(v) != CS_STATE_VERSION)
		ret = bad(r, "not a cellsched state file of version 1");
	else if (!json_object_object_get_ex(root, "changes", &arr) ||
		 !json_object_is_type(arr, json_type_array))
		ret = bad(r, "'changes' is missing or not a list");
	else if (json_object_array_length(arr) > CS_STATE_MAX_CHANGES)
		ret = bad(r, "too many changes");
	for (size_t i = 0; !ret && i < json_object_array_length(arr); i++) {
		r->idx = i + 1;
		ret = read_change(r, json_object_array_get_idx(arr, i), &st->changes[i]);
		if (!ret && find(st, st->changes[i].cell.name) >= 0)
			ret = bad(r, "a second change for the same cell");
		if (!ret)
			st->nr++;
	}
	json_object_put(root);
	return ret;
}

int cs_state_parse(const char *name, const char *text, size_t len, struct cs_state *st,
		   char *err, size_t errlen)
{
	struct rd r = { .path = name, .err = err, .errlen = errlen };
	char *copy;
	int ret;

	memset(st, 0, sizeof(*st));
	if (len > CS_STATE_MAX_BYTES)
		return bad(&r, "larger than 4 MiB");
	if (memchr(text, '\0', len))
		return bad(&r, "contains a NUL byte");
	copy = malloc(len + 1);
	if (!copy || grow(st)) {
		free(copy);
		return bad(&r, "out of memory");
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	ret = parse(&r, copy, st);
	free(copy);
	if (ret)
		cs_state_free(st);
	return ret;
}

int cs_state_load(const char *path, struct cs_state *st, char *err, size_t errlen)
{
	struct rd r = { .path = path, .err = err, .errlen = errlen };
	char *text;
	size_t len;
	FILE *f;
	int ret;

	memset(st, 0, sizeof(*st));
	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return grow(st);	/* no file: no changes */
		ret = -errno;
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return ret;
	}
	text = malloc(CS_STATE_MAX_BYTES + 1);
	len = text ? fread(text, 1, CS_STATE_MAX_BYTES + 1, f) : 0;
	fclose(f);
	if (!text)
		return bad(&r, "out of memory");
	ret = cs_state_parse(path, text, len, st, err, errlen);
	free(text);
	return ret;
}
