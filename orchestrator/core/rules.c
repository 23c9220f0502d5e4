// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/rules.c: cgroup globs and the walk that finds the cells
 * of `rules:` in a cgroup tree (see rules.h).
 *
 * Whether two globs meet is decided per component, as a matching of two
 * patterns against each other: a table over their positions says whether
 * what is left of both can still spell one same name ('*' takes any run of
 * the other, '?' and "[...]" any one character, others themselves).
 */
#define _GNU_SOURCE	/* FNM_LEADING_DIR */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rules.h"

enum { MAX_COMPS = 32 };

bool cs_glob_magic(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* End of the "[...]" class at @p (which is '['), or NULL if it is not closed. */
static const char *class_end(const char *p)
{
	p++;
	if (*p == '!' || *p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']' && *p != '/')
		p++;
	return *p == ']' ? p : NULL;
}

const char *cs_glob_bad(const char *glob)
{
	const char *p = glob;

	if (glob[0] != '/')
		return "it must be an absolute cgroup path, starting with '/'";
	if (!glob[1])
		return "it selects the root cgroup, which holds every task";
	for (p = glob + 1; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 0)
			return "it has an empty path component";
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return "'.' and '..' components are not allowed";
		for (size_t i = 0; i < n; i++) {
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
				return "it holds a control character";
			if (p[i] == '[') {
				const char *e = class_end(p + i);

				if (!e)
					return "a '[' is not closed by ']'";
				i = e - p;
			}
		}
		p += n;
		if (*p == '/' && !p[1])
			return "it ends with '/'";
		p += *p == '/';
	}
	if (cs_glob_depth(glob) > MAX_COMPS)
		return "it has more than 32 components";
	return NULL;
}

unsigned int cs_glob_depth(const char *glob)
{
	unsigned int n = 0;

	for (const char *p = glob; *p; p++)
		n += *p == '/' && p[1];
	return n;
}

/* Split absolute @glob into @comp[] (pointers into @buf); returns how many. */
static unsigned int split(const char *glob, char *buf, size_t len, char *comp[MAX_COMPS])
{
	unsigned int n = 0;
	char *save = NULL;

	snprintf(buf, len, "%s", glob);
	for (char *t = strtok_r(buf, "/", &save); t && n < MAX_COMPS; t = strtok_r(NULL, "/", &save))
		comp[n++] = t;
	return n;
}

/* One pattern token: '*', '?' (also a class) or a literal character. */
struct tok {
	char kind, c;
};

static size_t tokens(const char *s, struct tok *t, size_t max)
{
	size_t n = 0;

	for (const char *p = s; *p && n < max; p++) {
		const char *e = *p == '[' ? class_end(p) : NULL;

		if (*p == '*') {
			t[n++] = (struct tok){ '*', 0 };
		} else if (*p == '?' || e) {
			t[n++] = (struct tok){ '?', 0 };
			p = e ? e : p;
		} else {
			if (*p == '\\' && p[1])
				p++;
			t[n++] = (struct tok){ 'c', *p };
		}
	}
	return n;
}

/* Can component patterns @a and @b match one same name? */
static bool comp_meet(const char *a, const char *b)
{
	struct tok ta[NAME_MAX + 1], tb[NAME_MAX + 1];
	size_t na = tokens(a, ta, NAME_MAX + 1), nb = tokens(b, tb, NAME_MAX + 1);
	unsigned char *dp = calloc((na + 1) * (nb + 1), 1);
	bool meet;

	if (!dp)
		return true;	/* cannot tell: say they may */
#define DP(i, j) dp[(i) * (nb + 1) + (j)]
	/* DP(i, j): the rests a[i..] and b[j..] can spell one same string */
	for (size_t i = na + 1; i-- > 0;) {
		for (size_t j = nb + 1; j-- > 0;) {
			bool m;

			if (i == na && j == nb)
				m = true;
			else if (i < na && ta[i].kind == '*')
				m = DP(i + 1, j) || (j < nb && DP(i, j + 1));
			else if (j < nb && tb[j].kind == '*')
				m = DP(i, j + 1) || (i < na && DP(i + 1, j));
			else if (i < na && j < nb)
				m = (ta[i].kind == '?' || tb[j].kind == '?' || ta[i].c == tb[j].c) &&
				    DP(i + 1, j + 1);
			else
				m = false;
			DP(i, j) = m;
		}
	}
	meet = DP(0, 0);
#undef DP
	free(dp);
	return meet;
}

enum cs_glob_meet cs_glob_meet(const char *a, const char *b)
{
	char ba[PATH_MAX], bb[PATH_MAX], *ca[MAX_COMPS], *cb[MAX_COMPS];
	unsigned int na = split(a, ba, sizeof(ba), ca), nb = split(b, bb, sizeof(bb), cb);

	for (unsigned int i = 0; i < na && i < nb; i++)
		if (!comp_meet(ca[i], cb[i]))
			return CS_GLOB_APART;
	if (na == nb)
		return CS_GLOB_SAME;
	return na > nb ? CS_GLOB_A_INSIDE : CS_GLOB_B_INSIDE;
}

const char *cs_rule_cell_glob(const struct cs_rule_cfg *r)
{
	return r->cell_at[0] ? r->cell_at : r->match;
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

void cs_rules_cell_name(const struct cs_rule_cfg *r, const char *path, char *out, size_t len)
{
	const char *last = strrchr(path, '/');
	size_t n;

	if (!cs_glob_magic(cs_rule_cell_glob(r))) {
		snprintf(out, len, "%s", r->cell.name);
		return;
	}
	n = (size_t)snprintf(out, len, "%s.%s", r->cell.name, last ? last + 1 : path);
	for (char *p = out + strlen(r->cell.name) + 1; *p; p++)
		if (!cs_config_name_char(*p))
			*p = '_';
	if (n >= len && len > 10)
		snprintf(out + len - 10, 10, "-%08x", fnv1a(path));
}

struct walk {
	const struct cs_config *cfg;
	struct cs_rules_walk *w;
	const struct cs_rule_cfg *r;
	unsigned int ri, n, k;		/* match components; those of the cell */
	char *comp[MAX_COMPS];
	char path[PATH_MAX];		/* below the mount, no leading '/' */
	char abs[PATH_MAX + 1];		/* the same with its '/', for the exclude globs */
	int err;
};

bool cs_rules_excluded(const struct cs_rule_cfg *r, const char *abs)
{
	for (unsigned int i = 0; i < r->exclude.nr; i++)
		if (!fnmatch(r->exclude.glob[i], abs, FNM_PATHNAME | FNM_LEADING_DIR))
			return true;
	return false;
}

/* At @len bytes of wk->path, component @level: true once the cell of this subtree is made. */
static bool descend(struct walk *wk, size_t len, unsigned int level);

static bool step(struct walk *wk, size_t len, unsigned int level, const char *name)
{
	size_t n = (size_t)snprintf(wk->path + len, sizeof(wk->path) - len, "%s%s",
				    len ? "/" : "", name);

	if (len + n >= sizeof(wk->path))
		return false;
	wk->abs[0] = '/';
	memcpy(wk->abs + 1, wk->path, len + n + 1);
	if (cs_rules_excluded(wk->r, wk->abs))
		return false;
	return descend(wk, len + n, level + 1);
}

static bool descend(struct walk *wk, size_t len, unsigned int level)
{
	char full[PATH_MAX];
	struct dirent *de;
	bool made = false;
	struct stat st;
	DIR *d;

	if (level == wk->n) {
		char cell[PATH_MAX];
		unsigned int comps = 0;
		size_t cut;

		/* the cell is the first k components of the match */
		for (cut = 0; wk->path[cut]; cut++)
			if (wk->path[cut] == '/' && ++comps == wk->k)
				break;
		snprintf(cell, sizeof(cell), "%.*s", (int)cut, wk->path);
		wk->w->matched++;
		wk->w->cell(wk->r, wk->ri, cell, wk->w->arg);
		return true;
	}
	if (snprintf(full, sizeof(full), "%s/%s", wk->w->mount, wk->path) >= (int)sizeof(full))
		return false;
	if (!cs_glob_magic(wk->comp[level])) {
		char sub[PATH_MAX];

		if (snprintf(sub, sizeof(sub), "%s/%s", full, wk->comp[level]) >= (int)sizeof(sub) ||
		    stat(sub, &st) || !S_ISDIR(st.st_mode)) {
			if (wk->w->watch)
				wk->w->watch(wk->path, wk->w->arg);	/* to see it come */
			return false;
		}
		made = step(wk, len, level, wk->comp[level]);
		wk->path[len] = '\0';
		return made;
	}
	if (wk->w->watch)
		wk->w->watch(wk->path, wk->w->arg);
	d = opendir(full);
	if (!d) {
		if (errno != ENOENT && errno != ENOTDIR)
			wk->err = -errno;
		return false;
	}
	wk->w->dirs_read++;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || fnmatch(wk->comp[level], de->d_name, 0))
			continue;
		if (de->d_type != DT_DIR &&
		    (de->d_type != DT_UNKNOWN || fstatat(dirfd(d), de->d_name, &st, 0) ||
		     !S_ISDIR(st.st_mode)))
			continue;
		made = step(wk, len, level, de->d_name);
		wk->path[len] = '\0';
		/* below the cell's own component, one match makes the cell */
		if (made && level >= wk->k)
			break;
	}
	closedir(d);
	return made && level >= wk->k;
}

int cs_rules_walk(const struct cs_config *cfg, struct cs_rules_walk *w)
{
	char buf[PATH_MAX];
	struct walk wk = { .cfg = cfg, .w = w };

	w->dirs_read = w->matched = 0;
	for (unsigned int i = 0; i < cfg->nr_rules; i++) {
		wk.r = &cfg->rules[i];
		wk.ri = i;
		wk.n = split(wk.r->match, buf, sizeof(buf), wk.comp);
		wk.k = cs_glob_depth(cs_rule_cell_glob(wk.r));
		wk.path[0] = '\0';
		descend(&wk, 0, 0);
	}
	return wk.err;
}
