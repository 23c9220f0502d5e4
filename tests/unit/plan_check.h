/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/unit/plan_check.h: what the planner tests share: cells for
 * cs_plan_targets (cell, fixed, targets, with fixed rebalance parameters),
 * and placement through check_plan(), which every plan of every test goes
 * through (its invariants are in its comment).
 */
#ifndef CS_TEST_PLAN_CHECK_H
#define CS_TEST_PLAN_CHECK_H

#include "planner.h"
#include "sets.h"
#include "topology.h"

static const struct cs_plan_params params = { .grow_pct = 80, .shrink_pct = 30,
					       .cooldown_ms = 1000 };

static inline struct cs_plan_cell cell(unsigned int min, unsigned int max, unsigned int weight,
				const char *cur, unsigned int runnable, unsigned int util)
{
	return (struct cs_plan_cell){
		.resizable = true, .min = min, .max = max, .weight = weight, .cur = S(cur),
		.demand = { .valid = true, .nr_runnable = runnable, .util_permille = util },
	};
}

static inline struct cs_plan_cell fixed(const char *cur)
{
	return (struct cs_plan_cell){ .cur = S(cur) };
}

static inline void targets(const char *avail, unsigned int root_min, struct cs_plan_cell *cells,
		    unsigned int nr, unsigned long long now, bool force)
{
	struct cs_cpus a = S(avail);
	char err[256] = "";

	if (cs_plan_targets(&params, &a, root_min, cells, nr, now, force, err, sizeof(err)))
		fail_msg("cs_plan_targets failed: %s", err);
}


enum { CHK_MOVES = 1, CHK_SMT = 2, CHK_LLC = 4 };

static inline int core_id(const struct cs_topo *t, int c)
{
	return t->core[c] >= 0 ? t->core[c] : c;
}

static inline int llc_id(const struct cs_topo *t, int c)
{
	return t->llc[c] >= 0 ? t->llc[c] : c;
}

static inline unsigned int llc_span(const struct cs_topo *t, const struct cs_cpus *s)
{
	struct cs_cpus seen = { 0 };
	unsigned int n = 0;

	for (int c = 0; c < CS_MAX_CIDS; c++) {
		if (!cs_cpus_test(s, c))
			continue;
		n += !cs_cpus_test(&seen, llc_id(t, c));
		cs_cpus_set(&seen, llc_id(t, c));
	}
	return n;
}

static inline void dump_plan(const struct cs_cpus *avail, const struct cs_plan_cell *cells,
		      unsigned int nr)
{
	print_message("# avail %s\n", F(avail));
	for (unsigned int i = 0; i < nr; i++)
		print_message("# cell %u%s: target %u, %s -> %s\n", i,
			      cells[i].resizable ? "" : " (fixed)", cells[i].target,
			      F(&cells[i].cur), F(&cells[i].next));
}

#define plan_fail(...) do { dump_plan(avail, cells, nr); fail_msg(__VA_ARGS__); } while (0)

/* Every core has 2 CPUs, avail' and every resizable cur are unions of cores. */
static inline bool whole_cores(const struct cs_topo *t, const struct cs_cpus *av,
			const struct cs_plan_cell *cells, unsigned int nr)
{
	unsigned int n[CS_MAX_CIDS] = { 0 }, in[CS_MAX_CIDS] = { 0 };

	for (int c = 0; c < CS_MAX_CIDS; c++) {
		if (cs_cpus_test(&t->cpus, c)) {
			n[core_id(t, c)]++;
			in[core_id(t, c)] += cs_cpus_test(av, c);
		}
	}
	for (int c = 0; c < CS_MAX_CIDS; c++)
		if ((n[c] && n[c] != 2) || in[c] == 1)
			return false;
	for (unsigned int i = 0; i < nr; i++) {
		const struct cs_cpus *cur = &cells[i].cur;

		if (!cells[i].resizable)
			continue;
		memset(in, 0, sizeof(in));
		for (int c = 0; c < CS_MAX_CIDS; c++)
			in[core_id(t, c)] += cs_cpus_test(cur, c);
		for (int c = 0; c < CS_MAX_CIDS; c++)
			if (cs_cpus_test(cur, c) && in[core_id(t, c)] != 2)
				return false;
	}
	return true;
}

/*
 * Invariants of a plan (@avail as given to cs_plan_place, avail' = @avail
 * minus the fixed cells' CPUs), failing the test on the first one broken:
 *   - next sets pairwise disjoint; fixed: next = cur; resizable: next in
 *     avail' and |next| = target;
 *   - minimal moves per cell: a cell keeps min(target, |cur ∩ avail'|) of
 *     cur ∩ avail' and takes only what it lacks (so a cell whose target is
 *     |cur| and cur in avail' keeps exactly cur);
 *   - when every cur is in avail': cs_plan_moves <= sum |target - |cur||
 *     (returns CHK_MOVES);
 *   - when every core has 2 CPUs, avail' and every resizable cur are unions
 *     of whole cores and every target is even: no core has two owners, the
 *     root being one (CHK_SMT);
 *   - when every resizable cell starts empty: each spans at most
 *     ceil(target / L) + 1 LLCs, L the CPUs of avail' in its smallest LLC
 *     (CHK_LLC).
 */
static inline unsigned int check_plan(const struct cs_topo *t, const struct cs_cpus *avail,
			       const struct cs_plan_cell *cells, unsigned int nr)
{
	unsigned int done = 0, bound = 0, llc_n[CS_MAX_CIDS] = { 0 }, lmin = CS_MAX_CIDS;
	bool in_avail = true, even = true, empty = true;
	struct cs_cpus av = *avail;
	int owner[CS_MAX_CIDS];

	for (unsigned int i = 0; i < nr; i++)
		if (!cells[i].resizable)
			cs_cpus_andnot(&av, &cells[i].cur);
	for (int c = 0; c < CS_MAX_CIDS; c++)
		owner[c] = -1;
	for (unsigned int i = 0; i < nr; i++) {
		const struct cs_plan_cell *c = &cells[i];
		struct cs_cpus keep = c->cur, got = c->next, lost;
		unsigned int k, tgt = c->target, held = cs_cpus_count(&c->cur);

		for (unsigned int j = i + 1; j < nr; j++)
			if (cs_cpus_intersects(&c->next, &cells[j].next))
				plan_fail("cells %u (%s) and %u (%s) overlap", i, F(&c->next), j,
					  F(&cells[j].next));
		if (!c->resizable) {
			if (!cs_cpus_equal(&c->next, &c->cur))
				plan_fail("fixed cell %u: %s became %s", i, F(&c->cur),
					  F(&c->next));
			continue;
		}
		if (!cs_cpus_subset(&c->next, &av))
			plan_fail("cell %u: %s not within %s", i, F(&c->next), F(&av));
		if (cs_cpus_count(&c->next) != tgt)
			plan_fail("cell %u: %u CPUs (%s), target %u", i, cs_cpus_count(&c->next),
				  F(&c->next), tgt);
		cs_cpus_and(&keep, &av);
		k = cs_cpus_count(&keep);
		cs_cpus_andnot(&got, &keep);
		lost = keep;
		cs_cpus_andnot(&lost, &c->next);
		if (cs_cpus_count(&got) != (tgt > k ? tgt - k : 0) ||
		    cs_cpus_count(&lost) != (k > tgt ? k - tgt : 0))
			plan_fail("cell %u: %s -> %s for target %u: moves more than needed", i,
				  F(&c->cur), F(&c->next), tgt);
		if (tgt == held && cs_cpus_subset(&c->cur, &av) &&
		    !cs_cpus_equal(&c->cur, &c->next))
			plan_fail("cell %u: same size but %s became %s", i, F(&c->cur),
				  F(&c->next));
		in_avail &= cs_cpus_subset(&c->cur, &av);
		empty &= held == 0;
		even &= tgt % 2 == 0;
		bound += tgt > held ? tgt - held : held - tgt;
		for (int cpu = 0; cpu < CS_MAX_CIDS; cpu++)
			if (cs_cpus_test(&c->next, cpu))
				owner[cpu] = (int)i;
	}
	if (in_avail) {
		if (cs_plan_moves(cells, nr) > bound)
			plan_fail("%u moves for %u CPUs of size changes", cs_plan_moves(cells, nr),
				  bound);
		done |= CHK_MOVES;
	}
	if (even && whole_cores(t, &av, cells, nr)) {
		for (int c = 0; c < CS_MAX_CIDS; c++)
			if (cs_cpus_test(&av, c) && owner[c] != owner[core_id(t, c)])
				plan_fail("core %d split: CPU %d in cell %d, CPU %d in cell %d",
					  core_id(t, c), core_id(t, c), owner[core_id(t, c)], c,
					  owner[c]);
		done |= CHK_SMT;
	}
	if (empty) {
		for (int c = 0; c < CS_MAX_CIDS; c++)
			llc_n[llc_id(t, c)] += cs_cpus_test(&av, c);
		for (int l = 0; l < CS_MAX_CIDS; l++)
			if (llc_n[l] && llc_n[l] < lmin)
				lmin = llc_n[l];
		for (unsigned int i = 0; i < nr; i++) {
			unsigned int tgt = cells[i].target, span;

			if (!cells[i].resizable)
				continue;
			span = llc_span(t, &cells[i].next);
			if (span > (tgt + lmin - 1) / lmin + 1)
				plan_fail("cell %u: %u CPUs (%s) over %u LLCs of >= %u", i, tgt,
					  F(&cells[i].next), span, lmin);
		}
		done |= CHK_LLC;
	}
	return done;
}

static inline unsigned int place_in(const struct cs_topo *t, const struct cs_cpus *avail,
			     struct cs_plan_cell *cells, unsigned int nr)
{
	char err[256] = "";

	if (cs_plan_place(t, avail, cells, nr, err, sizeof(err)))
		fail_msg("cs_plan_place failed: %s", err);
	return check_plan(t, avail, cells, nr);
}

static inline unsigned int place(const struct cs_topo *t, const char *avail,
			  struct cs_plan_cell *cells, unsigned int nr)
{
	struct cs_cpus a = S(avail);

	return place_in(t, &a, cells, nr);
}

/* A resizable cell with @cur and @target (placement needs nothing else). */
static inline struct cs_plan_cell at(const char *cur, unsigned int target)
{
	return (struct cs_plan_cell){ .resizable = true, .min = 1, .max = CS_MAX_CIDS,
				      .weight = 100, .cur = S(cur), .target = target };
}

#endif /* CS_TEST_PLAN_CHECK_H */
