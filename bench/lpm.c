// SPDX-License-Identifier: GPL-2.0
/*
 * lpm-lookup: csvx's per-VRF LPM (tables/lpm*.c, csvx_lpm_lookup) against
 * rte_lpm_lookup() on the same IPv4 table, the same addresses, at 1k ..
 * 1M prefixes.
 *
 * Routes come from selftests/unit/lpm_gen.h (lpm_gen_bgp4: a DFZ-like
 * length distribution, placed in allocations as real tables are), in random
 * order; 90% of the lookups fall inside a random route, the rest anywhere.
 * rte_lpm is sized for exactly the tbl8 groups the table needs (plus a
 * sixteenth), its smallest configuration.
 *
 * rte_lpm_add() searches its rule table linearly for every insert, so a
 * million routes take it minutes: the 1M rte_lpm is built on a thread of
 * its own from the start of the run, while the other benchmarks run.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>

#include <rte_lpm.h>
#include <rte_errno.h>

#include "bench.h"
#include "lpm.h"
#include "../selftests/unit/lpm_gen.h"

#define NPEERS		1000
#define MAIN_N		1000000

extern cpu_set_t bench_cpus;

struct lpm_peer {
	u32 n;
	struct lpm_gen_route *rt;
	struct rte_lpm *rl;
	size_t rte_bytes;	/* all of it: tbl24, tbl8s, rules */
	size_t rte_lookup;	/* tbl24 and tbl8s */
	double build_s;		/* CPU of the builder */
	int err;
	pthread_t thread;
	bool started;
};

static struct lpm_peer big = { .n = MAIN_N };

static void shuffle(struct lpm_gen_route *rt, u32 n, u64 seed)
{
	struct lpm_gen_rng r = { seed };
	u32 i, j;

	for (i = n - 1; i > 0; i--) {
		struct lpm_gen_route t;

		j = lpm_gen_below(&r, i + 1);
		t = rt[i];
		rt[i] = rt[j];
		rt[j] = t;
	}
}

/* Distinct /24s holding a longer route: the tbl8 groups rte_lpm needs. */
static u32 tbl8_needed(const struct lpm_gen_route *rt, u32 n)
{
	struct lpm_gen_set set;
	u32 i, k = 0;

	lpm_gen_set_init(&set, n);
	for (i = 0; i < n; i++)
		if (rt[i].plen > 24)
			k += lpm_gen_set_add(&set, lpm_gen_get4(rt[i].a) >> 8);
	lpm_gen_set_free(&set);
	return k;
}

static int peer_create(struct lpm_peer *p)
{
	struct rte_lpm_config cfg = { 0 };
	char name[32];
	u32 tbl8;
	size_t heap0;

	p->rt = malloc(p->n * sizeof(*p->rt));
	if (!p->rt || lpm_gen_bgp4(p->rt, p->n, 1, NPEERS) != (int)p->n)
		return -1;
	/* routes arrive in no particular order */
	shuffle(p->rt, p->n, 2);
	tbl8 = tbl8_needed(p->rt, p->n);
	cfg.max_rules = p->n;
	cfg.number_tbl8s = tbl8 + tbl8 / 16 + 16;
	snprintf(name, sizeof(name), "lpm%u", p->n);
	heap0 = bench_heap_used();
	p->rl = rte_lpm_create(name, bench_socket, &cfg);
	if (!p->rl) {
		fprintf(stderr, "lpm: rte_lpm_create: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	p->rte_bytes = bench_heap_used() - heap0;
	p->rte_lookup = sizeof(struct rte_lpm) +
			(size_t)cfg.number_tbl8s *
			RTE_LPM_TBL8_GROUP_NUM_ENTRIES *
			sizeof(struct rte_lpm_tbl_entry);
	return 0;
}

static void *peer_build(void *arg)
{
	struct lpm_peer *p = arg;
	u32 i;

	p->build_s = bench_cpu();
	for (i = 0; i < p->n; i++)
		if (rte_lpm_add(p->rl, lpm_gen_get4(p->rt[i].a),
				p->rt[i].plen, p->rt[i].nh)) {
			fprintf(stderr, "lpm: rte_lpm_add %u failed\n", i);
			p->err = 1;
			break;
		}
	p->build_s = bench_cpu() - p->build_s;
	return NULL;
}

void lpm_build_start(void)
{
	if (peer_create(&big)) {
		big.err = 1;
		return;
	}
	if (pthread_create(&big.thread, NULL, peer_build, &big)) {
		big.err = 1;
		return;
	}
	/* EAL pinned this thread to lcore 0: the builder may use any CPU */
	pthread_setaffinity_np(big.thread, sizeof(bench_cpus), &bench_cpus);
	big.started = true;
}

static void peer_free(struct lpm_peer *p)
{
	rte_lpm_free(p->rl);
	free(p->rt);
	p->rl = NULL;
	p->rt = NULL;
}

/* @dep: one lookup at a time (see fdb.c); @ad has nl + 1 addresses. */
static __always_inline u64
run_csvx(const struct csvx_lpm *l, const u8 *ad, size_t nl, bool dep)
{
	u64 sum = 0;
	u32 d = 0, nh;
	size_t i;

	rcu_read_lock();
	for (i = 0; i < nl; i++) {
		nh = csvx_lpm_lookup(l, ad + 4 * (i + d));
		sum += nh;
		if (dep)
			d = bench_dep(nh);
	}
	rcu_read_unlock();
	return sum;
}

static __always_inline u64
run_rte(const struct rte_lpm *l, const u32 *ad, size_t nl, bool dep)
{
	u64 sum = 0;
	u32 nh = 0, d = 0;
	size_t i;

	for (i = 0; i < nl; i++) {
		if (!rte_lpm_lookup((struct rte_lpm *)l, ad[i + d], &nh))
			sum += nh;
		if (dep)
			d = bench_dep(nh);
	}
	return sum;
}

static int lpm_compare(struct lpm_peer *p, bool main_size)
{
	size_t nl = (size_t)(BENCH_LOOKUPS * bench_opt.scale), i;
	double tc[BENCH_MAX_ROUNDS], tr[BENCH_MAX_ROUNDS], b0, b1;
	double dc[BENCH_MAX_ROUNDS], dr[BENCH_MAX_ROUNDS];
	struct csvx_lpm_stats st;
	struct csvx_lpm *l;
	char sz[16], name[64];
	u32 old, nh, miss = 0;
	u8 *ad = malloc((nl + 1) * 4);
	u32 *ad4 = malloc((nl + 1) * 4);
	int r, err = 1;

	bench_size_name(p->n, sz, sizeof(sz));
	l = csvx_lpm_create(AF_INET);
	if (!ad || !ad4 || !l)
		goto out;
	lpm_gen_addrs(ad, nl, 4, p->rt, p->n, 90, 3);
	memcpy(ad + 4 * nl, ad, 4);
	for (i = 0; i <= nl; i++)
		ad4[i] = lpm_gen_get4(ad + 4 * i);
	b0 = bench_cpu();
	for (i = 0; i < p->n; i++)
		if (csvx_lpm_insert(l, p->rt[i].a, p->rt[i].plen, p->rt[i].nh,
				    &old)) {
			fprintf(stderr, "lpm: csvx_lpm_insert %zu failed\n", i);
			goto out;
		}
	b1 = bench_cpu();
	csvx_lpm_stats(l, &st, false);

	/* the same answer for every address, or nothing is worth timing */
	for (i = 0; i < nl; i++) {
		u32 c;

		rcu_read_lock();
		c = csvx_lpm_lookup(l, ad + 4 * i);
		rcu_read_unlock();
		if (rte_lpm_lookup(p->rl, ad4[i], &nh)) {
			nh = 0;
			miss++;
		}
		if (c != nh) {
			fprintf(stderr, "lpm-%s: %08x: csvx %u rte_lpm %u\n",
				sz, ad4[i], c, nh);
			goto out;
		}
	}

	for (r = 0; r < bench_opt.rounds; r++) {
		double a;
		int k;

		for (k = 0; k < 2; k++) {
			a = bench_cpu();
			if ((k + r) % 2 == 0) {
				bench_sink += run_csvx(l, ad, nl, false);
				tc[r] = bench_cpu() - a;
			} else {
				bench_sink += run_rte(p->rl, ad4, nl, false);
				tr[r] = bench_cpu() - a;
			}
		}
		if (main_size) {
			a = bench_cpu();
			bench_sink += run_csvx(l, ad, nl / 2, true);
			dc[r] = bench_cpu() - a;
			a = bench_cpu();
			bench_sink += run_rte(p->rl, ad4, nl / 2, true);
			dr[r] = bench_cpu() - a;
		}
	}

	snprintf(name, sizeof(name), "lpm-lookup-%s", sz);
	bench_line(name, bench_mops(nl, tc, bench_opt.rounds), "Mlookups/s",
		   "rte_lpm", bench_mops(nl, tr, bench_opt.rounds));
	if (main_size) {
		snprintf(name, sizeof(name), "lpm-latency-%s", sz);
		bench_line(name, bench_mops(nl / 2, dc, bench_opt.rounds),
			   "Mlookups/s", "rte_lpm",
			   bench_mops(nl / 2, dr, bench_opt.rounds));
	}
	snprintf(name, sizeof(name), "lpm-memory-%s", sz);
	bench_mem_line(name, (double)st.trie_bytes / p->n, "prefix", "rte_lpm",
		       (double)p->rte_lookup / p->n,
		       "(lookup structures: csvx trie, rte_lpm tbl24+tbl8)");
	snprintf(name, sizeof(name), "lpm-memory-total-%s", sz);
	bench_mem_line(name, (double)csvx_lpm_memory(l) / p->n, "prefix",
		       "rte_lpm", (double)p->rte_bytes / p->n,
		       "(with csvx's RIB and rte_lpm's rule table)");
	printf("# lpm-%s: %u%% of lookups without a route; csvx %.1f ns/lookup, rte_lpm %.1f ns/lookup; build csvx %.2f us/route, rte_lpm %.2f us/route%s\n",
	       sz, (unsigned int)((u64)miss * 100 / nl),
	       1e3 / bench_mops(nl, tc, bench_opt.rounds),
	       1e3 / bench_mops(nl, tr, bench_opt.rounds),
	       (b1 - b0) * 1e6 / p->n, p->build_s * 1e6 / p->n,
	       main_size && !bench_opt.serial ?
	       " (on its own thread, during the other benchmarks)" : "");
	fflush(stdout);
	err = 0;
out:
	if (l)
		csvx_lpm_destroy(l);
	rcu_barrier();
	free(ad);
	free(ad4);
	return err;
}

int bench_lpm(void)
{
	static const u32 sizes[] = { 1000, 10000, 100000 };
	int i, err = 0;

	for (i = 0; bench_opt.sizes > 1 && i < (int)ARRAY_SIZE(sizes); i++) {
		struct lpm_peer p = { .n = sizes[i] };

		if (peer_create(&p)) {
			err = 1;
			peer_free(&p);
			continue;
		}
		peer_build(&p);
		err |= p.err || lpm_compare(&p, false);
		peer_free(&p);
	}
	if (big.started) {
		pthread_join(big.thread, NULL);
	} else if (!big.err) {		/* -S: built here, nothing beside it */
		if (peer_create(&big))
			big.err = 1;
		else
			peer_build(&big);
		big.started = !big.err;
	}
	if (big.err || !big.started) {
		fprintf(stderr, "lpm: the 1M rte_lpm could not be built\n");
		err = 1;
	} else {
		err |= lpm_compare(&big, true);
	}
	peer_free(&big);
	return err;
}
