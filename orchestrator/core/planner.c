// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/planner.c: the CPU partition planner (see planner.h).
 *
 * Targets (cs_plan_targets). Fixed cells keep what they hold and leave the
 * rest of @avail to the resizable cells and the root cell. Every resizable
 * cell first gets its min, a cell in cooldown its current size (if all of
 * those do not fit, cooldown is ignored). What is left above root_min is
 * water-filled by weight: each round, every cell still below its want gets
 * floor(left * weight / total weight of those cells), capped at its want;
 * what a capped cell does not take goes round again. When the floors are all
 * zero, the last CPUs go one each to the hungry cells by weight (highest
 * first, ties lower index). All integer arithmetic, so deterministic.
 *
 * Placement (cs_plan_place), on @avail minus the fixed cells' CPUs:
 *   1. keep: each resizable cell keeps cur ∩ avail (a CPU two cells claim
 *      stays with the lower index);
 *   2. shrink (cells in index order): give back CPUs one core at a time:
 *      cores whose held CPUs all fit in what is still to give (so no core is
 *      split when it can be avoided), from the LLC where the cell holds
 *      fewest CPUs, the highest CPU first; when no core fits, the highest
 *      CPU of the core so chosen;
 *   3. grow (larger deficit first, ties lower index), one CPU at a time, the
 *      free CPU ranked by class, then LLC (the cell's most held first, then
 *      most free), then lowest CPU. Classes: 0 the sibling of a core the cell
 *      holds part of, 1 a CPU of a whole free core that fits in the deficit,
 *      2 a CPU whose core other cells hold part of (no new split), 3 a CPU
 *      of a whole free core bigger than the deficit (a new split).
 * Greedy growth can fragment when CPUs are short (four cells of 3 in four
 * free LLCs of 4 leave 1+1+1 for a fifth), so the plan is scored:
 * (cells spanning more than ceil(target / L) + 1 LLCs, L the smallest LLC in
 * avail; cores split between owners, free CPUs being one; total LLCs spanned
 * by cells). Only when one of the first two is not zero, an alternative
 * whose step 3 takes the first free CPUs in topology order (LLC, core, CPU:
 * next-fit) is scored too, and used when strictly better. From an empty
 * state next-fit places each cell contiguously, which bounds its LLCs by
 * ceil(target / L) + 1 and splits no core when every target is a multiple of
 * the core size; with such targets steps 2 and 3 split none either when avail
 * and every cell's CPUs are whole cores. Steps 1 and 2 are the same in both,
 * so are the moves: each cell gives or takes exactly the difference between
 * its target and what it keeps.
 *
 * Costs: O(CPUs) per CPU moved (1024 CPUs from empty: about 10^6 steps), the
 * scratch state (about 27 KiB) on the stack.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "planner.h"

struct place {
	const struct cs_topo *t;
	struct cs_cpus avail;		/* @avail minus the fixed cells' CPUs */
	struct cs_cpus free;		/* avail held by no cell */
	unsigned int llc_min;		/* CPUs of avail in its smallest LLC */
	unsigned int nr_order;
	unsigned int order[CS_MAX_CIDS];	/* avail by LLC << 20 | core << 10 | CPU */
	/* indexed by core / LLC id (its lowest CPU) */
	unsigned short core_n[CS_MAX_CIDS];	/* CPUs of avail */
	unsigned short core_free[CS_MAX_CIDS];
	unsigned short llc_free[CS_MAX_CIDS];
	unsigned short mine_core[CS_MAX_CIDS];	/* the cell being planned */
	unsigned short mine_llc[CS_MAX_CIDS];
	int owner[CS_MAX_CIDS];			/* scoring: cell index, -1 free */
	unsigned int stamp[CS_MAX_CIDS];
	unsigned int order_idx[CS_MAX_CELLS];	/* growth order: (deficit key << 11 | cell) */
};

struct score {
	unsigned int over, split, span;
};

/* CPUs outside the topology are their own core and LLC. */
static int core_of(const struct cs_topo *t, int c)
{
	return t->core[c] >= 0 ? t->core[c] : c;
}

static int llc_of(const struct cs_topo *t, int c)
{
	return t->llc[c] >= 0 ? t->llc[c] : c;
}

#define for_each_cpu(c, set)						\
	for (int c = 0; c < CS_MAX_CIDS; c++)				\
		if (!((set)->bits[c / 64] >> (c % 64) & 1)) {		\
			if (!(set)->bits[c / 64])			\
				c |= 63;				\
		} else

static unsigned int clamp_u(unsigned int v, unsigned int lo, unsigned int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static unsigned int weight_of(const struct cs_plan_cell *c)
{
	return clamp_u(c->weight, 1, 10000);
}

/* want of a resizable cell; *cool says it is in cooldown. */
static unsigned int cell_want(const struct cs_plan_params *p, const struct cs_plan_cell *cell,
			      unsigned long long now_ms, bool force, bool *cool)
{
	unsigned int held = cs_cpus_count(&cell->cur), max = cell->max, want = held;
	unsigned int grow = clamp_u(p->grow_pct, 1, 100);
	const struct cs_plan_demand *d = &cell->demand;

	if (max < cell->min)
		max = cell->min;
	*cool = !force && cell->last_change_ms && now_ms >= cell->last_change_ms &&
		now_ms - cell->last_change_ms < p->cooldown_ms;
	if (!held)
		want = cell->min;
	else if (!d->valid || *cool)
		want = held;
	else if (d->util_permille >= grow * 10 && d->nr_runnable > held)
		want = d->nr_runnable;
	else if (d->util_permille < p->shrink_pct * 10)
		/* ceil(busy CPUs * 100 / grow), busy = util * held / 1000, exactly */
		want = (unsigned int)(((unsigned long long)d->util_permille * held +
				       grow * 10 - 1) / (grow * 10));
	return clamp_u(want, cell->min, max);
}

/*
 * Share @left CPUs by weight among the @hungry cells (below their want):
 * water-filling, then, when fewer CPUs are left than hungry cells, one each,
 * heaviest first. Raises the cells' targets.
 */
static void water_fill(struct cs_plan_cell *cells, unsigned int nr, bool *hungry,
		       unsigned int left)
{
	bool extra[CS_MAX_CELLS];

	while (left) {
		unsigned long long wsum = 0;
		unsigned int given = 0;

		for (unsigned int i = 0; i < nr; i++)
			if (hungry[i])
				wsum += weight_of(&cells[i]);
		if (!wsum)
			break;
		for (unsigned int i = 0; i < nr; i++) {
			struct cs_plan_cell *c = &cells[i];
			unsigned long long share;

			if (!hungry[i])
				continue;
			share = left * (unsigned long long)weight_of(c) / wsum;
			if (share > c->want - c->target)
				share = c->want - c->target;
			c->target += (unsigned int)share;
			given += (unsigned int)share;
		}
		for (unsigned int i = 0; i < nr; i++)
			hungry[i] = hungry[i] && cells[i].target < cells[i].want;
		left -= given;
		if (given)
			continue;
		/* Fewer CPUs left than hungry cells: one each, heaviest first. */
		memset(extra, 0, nr * sizeof(extra[0]));
		while (left) {
			int best = -1;

			for (unsigned int i = 0; i < nr; i++)
				if (hungry[i] && !extra[i] &&
				    (best < 0 || weight_of(&cells[i]) > weight_of(&cells[best])))
					best = (int)i;
			if (best < 0)
				break;
			extra[best] = true;
			cells[best].target++;
			hungry[best] = cells[best].target < cells[best].want;
			left--;
		}
	}
}

int cs_plan_targets(const struct cs_plan_params *p, const struct cs_cpus *avail,
		    unsigned int root_min, struct cs_plan_cell *cells, unsigned int nr,
		    unsigned long long now_ms, bool force, char *err, size_t errlen)
{
	unsigned int fixed_n, budget, sum_min = 0, sum_cool = 0, left;
	bool cool[CS_MAX_CELLS], hungry[CS_MAX_CELLS], pin;
	struct cs_cpus rest = *avail;

	if (nr > CS_MAX_CELLS) {
		snprintf(err, errlen, "%u cells, at most %d supported", nr, CS_MAX_CELLS);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < nr; i++)
		if (!cells[i].resizable)
			cs_cpus_andnot(&rest, &cells[i].cur);
	fixed_n = cs_cpus_count(avail) - cs_cpus_count(&rest);
	for (unsigned int i = 0; i < nr; i++) {
		struct cs_plan_cell *c = &cells[i];

		cool[i] = false;
		if (!c->resizable) {
			c->want = c->target = cs_cpus_count(&c->cur);
			continue;
		}
		c->want = cell_want(p, c, now_ms, force, &cool[i]);
		sum_min += c->min;
		sum_cool += cool[i] ? c->want : c->min;
	}
	if (sum_min + root_min > cs_cpus_count(&rest)) {
		snprintf(err, errlen, "resizable cells need at least %u CPU%s (their min)%s%.0u, "
			 "but fixed cells hold %u of the %u CPUs there are to share",
			 sum_min, sum_min == 1 ? "" : "s",
			 root_min ? " and the root cell " : "", root_min, fixed_n,
			 cs_cpus_count(avail));
		return -ENOSPC;
	}
	budget = cs_cpus_count(&rest) - root_min;
	pin = sum_cool <= budget;	/* cooldown sizes fit: keep them */
	left = budget;
	for (unsigned int i = 0; i < nr; i++) {
		struct cs_plan_cell *c = &cells[i];

		hungry[i] = false;
		if (!c->resizable)
			continue;
		c->target = pin && cool[i] ? c->want : c->min;
		hungry[i] = c->target < c->want;
		left -= c->target;
	}
	water_fill(cells, nr, hungry, left);
	return 0;
}

/* The cell's CPUs per core and per LLC into mine_core/mine_llc. */
static void mine_add(struct place *pl, const struct cs_cpus *set, int delta)
{
	for_each_cpu(c, set) {
		pl->mine_core[core_of(pl->t, c)] += delta;
		pl->mine_llc[llc_of(pl->t, c)] += delta;
	}
}

/* Give back @n CPUs of @mine (see the file comment, step 2). */
static void shrink(struct place *pl, struct cs_cpus *mine, unsigned int n)
{
	const struct cs_topo *t = pl->t;

	mine_add(pl, mine, 1);
	while (n) {
		int best = -1, best_core = -1;
		bool best_fits = false;

		for_each_cpu(c, mine) {
			int core = core_of(t, c);
			bool fits = pl->mine_core[core] <= n;

			/* later (higher) CPUs win ties: highest CPU first */
			if (best >= 0 && (best_fits && !fits))
				continue;
			if (best >= 0 && fits == best_fits &&
			    pl->mine_llc[llc_of(t, c)] > pl->mine_llc[llc_of(t, best)])
				continue;
			best = c;
			best_core = core;
			best_fits = fits;
		}
		for_each_cpu(c, mine) {
			if (best_fits ? core_of(t, c) != best_core : c != best)
				continue;
			cs_cpus_clear(mine, c);
			pl->mine_core[core_of(t, c)]--;
			pl->mine_llc[llc_of(t, c)]--;
			n--;
		}
	}
	mine_add(pl, mine, -1);
}

static void take(struct place *pl, struct cs_cpus *mine, int c)
{
	int core = core_of(pl->t, c), llc = llc_of(pl->t, c);

	cs_cpus_set(mine, c);
	cs_cpus_clear(&pl->free, c);
	pl->core_free[core]--;
	pl->llc_free[llc]--;
	pl->mine_core[core]++;
	pl->mine_llc[llc]++;
}

/* Rank of free CPU @c for a cell still needing @r (lower is better). */
static unsigned long long grow_rank(const struct place *pl, int c, unsigned int r)
{
	int core = core_of(pl->t, c), llc = llc_of(pl->t, c);
	unsigned long long cls;

	if (pl->mine_core[core])
		cls = 0;
	else if (pl->core_free[core] == pl->core_n[core])
		cls = pl->core_free[core] <= r ? 1 : 3;
	else
		cls = 2;
	return cls << 40 | (unsigned long long)(0xfff - pl->mine_llc[llc]) << 28 |
	       (unsigned long long)(0xfff - pl->llc_free[llc]) << 16 | (unsigned int)c;
}

/* Take @r free CPUs into @mine (step 3; next-fit in topology order if @nf). */
static void grow(struct place *pl, struct cs_cpus *mine, unsigned int r, bool nf)
{
	if (nf) {
		for (unsigned int k = 0; k < pl->nr_order && r; k++) {
			int c = (int)(pl->order[k] & 1023);

			if (cs_cpus_test(&pl->free, c)) {
				take(pl, mine, c);
				r--;
			}
		}
		mine_add(pl, mine, -1);
		return;
	}
	for (; r; r--) {
		unsigned long long best_rank = ~0ULL;
		int best = -1;

		for_each_cpu(c, &pl->free) {
			unsigned long long rank = grow_rank(pl, c, r);

			if (rank < best_rank) {
				best_rank = rank;
				best = c;
			}
		}
		if (best < 0)
			break;		/* cannot happen: the targets were checked */
		take(pl, mine, best);
	}
	mine_add(pl, mine, -1);
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

/* Steps 1-3 into every resizable cell's @next. */
static void plan(struct place *pl, struct cs_plan_cell *cells, unsigned int nr, bool nf)
{
	const struct cs_topo *t = pl->t;
	struct cs_cpus claimed = { 0 };
	unsigned int nr_grow = 0;

	for (unsigned int i = 0; i < nr; i++) {
		struct cs_plan_cell *cell = &cells[i];
		unsigned int n;

		if (!cell->resizable)
			continue;
		cell->next = cell->cur;
		cs_cpus_and(&cell->next, &pl->avail);
		cs_cpus_andnot(&cell->next, &claimed);
		n = cs_cpus_count(&cell->next);
		if (n > cell->target)
			shrink(pl, &cell->next, n - cell->target);
		else if (n < cell->target)	/* larger deficit first, then lower index */
			pl->order_idx[nr_grow++] = (CS_MAX_CIDS - (cell->target - n)) << 11 | i;
		cs_cpus_or(&claimed, &cell->next);
	}
	pl->free = pl->avail;
	cs_cpus_andnot(&pl->free, &claimed);
	memset(pl->core_free, 0, sizeof(pl->core_free));
	memset(pl->llc_free, 0, sizeof(pl->llc_free));
	for_each_cpu(c, &pl->free) {
		pl->core_free[core_of(t, c)]++;
		pl->llc_free[llc_of(t, c)]++;
	}
	qsort(pl->order_idx, nr_grow, sizeof(pl->order_idx[0]), cmp_uint);
	for (unsigned int k = 0; k < nr_grow; k++) {
		struct cs_plan_cell *cell = &cells[pl->order_idx[k] & 2047];

		mine_add(pl, &cell->next, 1);
		grow(pl, &cell->next, cell->target - cs_cpus_count(&cell->next), nf);
	}
}

static struct score plan_score(struct place *pl, const struct cs_plan_cell *cells,
			       unsigned int nr)
{
	const struct cs_topo *t = pl->t;
	struct score s = { 0 };

	memset(pl->stamp, 0, sizeof(pl->stamp));
	for_each_cpu(c, &pl->avail)
		pl->owner[c] = -1;
	for (unsigned int i = 0; i < nr; i++) {
		unsigned int span = 0;

		if (!cells[i].resizable)
			continue;
		for_each_cpu(c, &cells[i].next) {
			pl->owner[c] = (int)i;
			if (pl->stamp[llc_of(t, c)] != i + 1) {
				pl->stamp[llc_of(t, c)] = i + 1;
				span++;
			}
		}
		s.span += span;
		s.over += span > (cells[i].target + pl->llc_min - 1) / pl->llc_min + 1;
	}
	/* stamp[core]: 0 unseen, 1 split (counted once), else 3 + owner of a CPU */
	memset(pl->stamp, 0, sizeof(pl->stamp));
	for_each_cpu(c, &pl->avail) {
		unsigned int *st = &pl->stamp[core_of(t, c)];
		unsigned int o = (unsigned int)(pl->owner[c] + 3);

		if (!*st)
			*st = o;
		else if (*st != o && *st != 1) {
			*st = 1;
			s.split++;
		}
	}
	return s;
}

static bool score_less(struct score a, struct score b)
{
	if (a.over != b.over)
		return a.over < b.over;
	if (a.split != b.split)
		return a.split < b.split;
	return a.span < b.span;
}

int cs_plan_place(const struct cs_topo *t, const struct cs_cpus *avail,
		  struct cs_plan_cell *cells, unsigned int nr, char *err, size_t errlen)
{
	unsigned int need = 0, have;
	struct place place, *pl = &place;
	struct score a, b;

	if (nr > CS_MAX_CELLS) {
		snprintf(err, errlen, "%u cells, at most %d supported", nr, CS_MAX_CELLS);
		return -EINVAL;
	}
	memset(pl, 0, sizeof(*pl));
	pl->t = t;
	pl->avail = *avail;
	for (unsigned int i = 0; i < nr; i++)
		if (!cells[i].resizable)
			cs_cpus_andnot(&pl->avail, &cells[i].cur);
	have = cs_cpus_count(&pl->avail);
	for (unsigned int i = 0; i < nr; i++)
		if (cells[i].resizable)
			need += cells[i].target;
	if (need > have) {
		snprintf(err, errlen, "the cells' targets need %u CPUs, but only %u are "
			 "available besides the fixed cells'", need, have);
		return -ENOSPC;
	}
	for_each_cpu(c, &pl->avail) {
		pl->order[pl->nr_order++] = (unsigned int)llc_of(t, c) << 20 |
					     (unsigned int)core_of(t, c) << 10 | (unsigned int)c;
		pl->core_n[core_of(t, c)]++;
		pl->llc_free[llc_of(t, c)]++;
	}
	pl->llc_min = CS_MAX_CIDS;
	for (int l = 0; l < CS_MAX_CIDS; l++)
		if (pl->llc_free[l] && pl->llc_free[l] < pl->llc_min)
			pl->llc_min = pl->llc_free[l];
	qsort(pl->order, pl->nr_order, sizeof(pl->order[0]), cmp_uint);

	plan(pl, cells, nr, false);
	a = plan_score(pl, cells, nr);
	if (a.over || a.split) {
		plan(pl, cells, nr, true);
		b = plan_score(pl, cells, nr);
		if (!score_less(b, a))
			plan(pl, cells, nr, false);
	}
	for (unsigned int i = 0; i < nr; i++)
		if (!cells[i].resizable)
			cells[i].next = cells[i].cur;
	return 0;
}

unsigned int cs_plan_moves(const struct cs_plan_cell *cells, unsigned int nr)
{
	int before[CS_MAX_CIDS], after[CS_MAX_CIDS];
	unsigned int moves = 0;

	for (int c = 0; c < CS_MAX_CIDS; c++)
		before[c] = after[c] = -1;
	for (unsigned int i = nr; i-- > 0;) {	/* a CPU two cells name: the lower index */
		for_each_cpu(c, &cells[i].cur)
			before[c] = (int)i;
		for_each_cpu(c, &cells[i].next)
			after[c] = (int)i;
	}
	for (int c = 0; c < CS_MAX_CIDS; c++)
		moves += before[c] != after[c];
	return moves;
}
