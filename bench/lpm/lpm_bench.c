// SPDX-License-Identifier: GPL-2.0
/*
 * csvx_lpm against DPDK's rte_lpm (22.11, Debian's libdpdk-dev), natively,
 * in one run: the same routes inserted in the same order, the same lookup
 * addresses, and every answer compared before anything is timed.
 *
 * Timings are CPU time of this thread (the build hosts are shared, so wall
 * time would count other people's compilers), best of several rounds that
 * alternate between the two so that both see the same machine.
 *
 * Usage: lpm_bench [-n ROUTES] [-l LOOKUPS] [-r ROUNDS] [-u] [-6] [-q]
 *   -u  uniformly random routes instead of the BGP-like table
 *   -6  IPv6 (csvx only: the line for rte_lpm6 is not printed)
 *   -q  csvx only (rte_lpm_add() takes minutes for a million routes)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lpm.h>
#include <rte_malloc.h>

#include "lpm.h"
#include "../../selftests/unit/lpm_gen.h"

/* Results go here, so that no lookup loop can be optimised away. */
volatile uint64_t lpm_bench_sink;

static double cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static void shuffle(struct lpm_gen_route *rt, uint32_t n, uint64_t seed)
{
	struct lpm_gen_rng r = { seed };
	uint32_t i, j;

	for (i = n - 1; i > 0; i--) {
		struct lpm_gen_route t;

		j = lpm_gen_below(&r, i + 1);
		t = rt[i];
		rt[i] = rt[j];
		rt[j] = t;
	}
}

static size_t heap_used(void)
{
	struct rte_malloc_socket_stats st;

	if (rte_malloc_get_socket_stats(0, &st))
		return 0;
	return st.heap_allocsz_bytes;
}

/* Distinct /24s holding a longer route: the tbl8 groups rte_lpm needs. */
static uint32_t tbl8_needed(const struct lpm_gen_route *rt, uint32_t n)
{
	struct lpm_gen_set set;
	uint32_t i, k = 0;

	lpm_gen_set_init(&set, n);
	for (i = 0; i < n; i++)
		if (rt[i].plen > 24)
			k += lpm_gen_set_add(&set, lpm_gen_get4(rt[i].a) >> 8);
	lpm_gen_set_free(&set);
	return k;
}

/*
 * What one change costs in a full table: insert a route of each length at
 * random places and take it out again (or put back what it replaced).
 * Returns microseconds per insert+delete pair; @rl may be NULL.
 */
static const int upd_len[] = { 32, 28, 24, 20, 16, 8, 0 };
#define UPD_LENS	(sizeof(upd_len) / sizeof(upd_len[0]))

static void update_costs(struct csvx_lpm *l, struct rte_lpm *rl, double *us_c,
			 double *us_r)
{
	struct lpm_gen_rng r = { 77 };
	unsigned int k, i, n;

	for (k = 0; k < UPD_LENS; k++) {
		int len = upd_len[k];
		double tc = 0, tr = 0, t;

		n = len >= 24 ? 2000 : len >= 16 ? 200 : len ? 10 : 2;
		for (i = 0; i < n; i++) {
			uint32_t a = lpm_gen_unicast4(&r), old, nh;
			uint8_t b[4];

			a &= len ? ~0U << (32 - len) : 0;
			b[0] = a >> 24;
			b[1] = a >> 16;
			b[2] = a >> 8;
			b[3] = a;
			t = cpu_now();
			csvx_lpm_insert(l, b, len, 7, &old);
			if (old)
				csvx_lpm_insert(l, b, len, old, &old);
			else
				csvx_lpm_delete(l, b, len, &old);
			tc += cpu_now() - t;
			if (!rl)
				continue;
			t = cpu_now();
			if (rte_lpm_is_rule_present(rl, a, len, &nh) == 1) {
				rte_lpm_add(rl, a, len, 7);
				rte_lpm_add(rl, a, len, nh);
			} else {
				rte_lpm_add(rl, a, len, 7);
				rte_lpm_delete(rl, a, len);
			}
			tr += cpu_now() - t;
		}
		us_c[k] = tc * 1e6 / n;
		us_r[k] = tr * 1e6 / n;
	}
}

static void print_updates(const char *name, const double *us)
{
	unsigned int k;

	printf(" %s", name);
	for (k = 0; k < UPD_LENS; k++)
		printf(" /%d=%.1fus", upd_len[k], us[k]);
}

static uint64_t run_csvx(struct csvx_lpm *l, const uint8_t *ad, size_t nl,
			 int alen)
{
	uint64_t sum = 0;
	size_t i;

	rcu_read_lock();
	for (i = 0; i < nl; i++)
		sum += csvx_lpm_lookup(l, ad + i * alen);
	rcu_read_unlock();
	return sum;
}

static uint64_t run_rte(struct rte_lpm *l, const uint32_t *ad, size_t nl)
{
	uint64_t sum = 0;
	uint32_t nh;
	size_t i;

	for (i = 0; i < nl; i++)
		if (!rte_lpm_lookup(l, ad[i], &nh))
			sum += nh;
	return sum;
}

/* csvx alone: IPv6, or IPv4 without rte_lpm. */
static int bench_csvx(uint32_t n, size_t nl, int rounds, int v6, int uniform)
{
	struct lpm_gen_route *rt = malloc(n * sizeof(*rt));
	int alen = v6 ? 16 : 4, got;
	uint8_t *ad = malloc(nl * 16);
	struct csvx_lpm_stats st;
	struct csvx_lpm *l;
	double t0, t1, best = 1e9;
	uint32_t i, old;
	int r;

	if (!rt || !ad)
		return 1;
	got = v6 ? lpm_gen_bgp6(rt, n, 1, 1000) :
	      uniform ? lpm_gen_uniform4(rt, n, 1, 1000) :
			lpm_gen_bgp4(rt, n, 1, 1000);
	if (got != (int)n)
		return 1;
	shuffle(rt, n, 2);
	lpm_gen_addrs(ad, nl, alen, rt, n, 90, 3);
	l = csvx_lpm_create(v6 ? AF_INET6 : AF_INET);
	t0 = cpu_now();
	for (i = 0; i < n; i++)
		if (csvx_lpm_insert(l, rt[i].a, rt[i].plen, rt[i].nh, &old))
			return 1;
	t1 = cpu_now();
	csvx_lpm_stats(l, &st, true);
	for (r = 0; r < rounds; r++) {
		double a = cpu_now();

		lpm_bench_sink += run_csvx(l, ad, nl, alen);
		a = cpu_now() - a;
		if (a < best)
			best = a;
	}
	printf("bench: lpm%s-build-%uk csvx=%.2f s (%.2f us/route)\n",
	       v6 ? "6" : "", n / 1000, t1 - t0, (t1 - t0) * 1e6 / n);
	printf("bench: lpm%s-lookup-%uk csvx=%.1f Mlookups/s\n", v6 ? "6" : "",
	       n / 1000, nl / best / 1e6);
	printf("bench: lpm%s-memory-%uk csvx trie=%.2f B/prefix rib=%.2f B/prefix (%u nodes, %u leaves, top %u bits)\n",
	       v6 ? "6" : "", n / 1000, (double)st.trie_bytes / n,
	       (double)st.rib_bytes / n, st.nodes, st.leaves, st.top_bits);
	if (!v6) {
		double uc[UPD_LENS], ur[UPD_LENS];

		update_costs(l, NULL, uc, ur);
		printf("bench: lpm-update-%uk (insert+delete of one route)", n / 1000);
		print_updates("csvx", uc);
		printf("\n");
	}
	csvx_lpm_destroy(l);
	free(rt);
	free(ad);
	return 0;
}

int main(int argc, char **argv)
{
	char *eal[] = { "lpm_bench", "--no-huge", "--no-pci", "--no-shconf",
			"-l", "0", "-m", "2048", "--log-level", "lib.*:error",
			"--no-telemetry", NULL };
	uint32_t n = 1000000, i, old, tbl8, nh, miss = 0, bad = 0;
	size_t nl = 1 << 22, heap0, heap1;
	int rounds = 7, uniform = 0, v6 = 0, quick = 0, opt, r;
	struct rte_lpm_config cfg = { 0 };
	double t0, t1, t2, t3, bc = 1e9, br = 1e9;
	struct lpm_gen_route *rt;
	struct csvx_lpm_stats st;
	struct rte_lpm *rl;
	struct csvx_lpm *l;
	const char *name;
	uint32_t *ad4;
	uint8_t *ad;
	size_t rte_tables, rte_rules;

	while ((opt = getopt(argc, argv, "n:l:r:u6q")) != -1) {
		switch (opt) {
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case 'l':
			nl = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'u':
			uniform = 1;
			break;
		case '6':
			v6 = 1;
			break;
		case 'q':
			quick = 1;
			break;
		default:
			fprintf(stderr, "usage: %s [-n ROUTES] [-l LOOKUPS] [-r ROUNDS] [-u] [-6]\n",
				argv[0]);
			return 2;
		}
	}
	rcu_register_thread();
	if (v6 || quick) {
		r = bench_csvx(n, nl, rounds, v6, uniform);
		rcu_barrier();
		return r;
	}
	if (rte_eal_init(sizeof(eal) / sizeof(eal[0]) - 1, eal) < 0) {
		fprintf(stderr, "lpm_bench: rte_eal_init: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}

	rt = malloc(n * sizeof(*rt));
	ad = malloc(nl * 4);
	ad4 = malloc(nl * 4);
	if (!rt || !ad || !ad4)
		return 1;
	name = uniform ? "uniform" : "bgp";
	if ((uniform ? lpm_gen_uniform4(rt, n, 1, 1000) :
		       lpm_gen_bgp4(rt, n, 1, 1000)) != (int)n)
		return 1;
	/* Routes arrive in no particular order. */
	shuffle(rt, n, 2);
	lpm_gen_addrs(ad, nl, 4, rt, n, 90, 3);
	for (i = 0; i < nl; i++)
		ad4[i] = lpm_gen_get4(ad + 4 * i);

	/* csvx */
	l = csvx_lpm_create(AF_INET);
	t0 = cpu_now();
	for (i = 0; i < n; i++)
		if (csvx_lpm_insert(l, rt[i].a, rt[i].plen, rt[i].nh, &old)) {
			fprintf(stderr, "lpm_bench: csvx insert %u failed\n", i);
			return 1;
		}
	t1 = cpu_now();
	csvx_lpm_stats(l, &st, true);

	/* rte_lpm, sized for exactly what it needs */
	tbl8 = tbl8_needed(rt, n);
	cfg.max_rules = n;
	cfg.number_tbl8s = tbl8 + tbl8 / 16 + 16;
	heap0 = heap_used();
	rl = rte_lpm_create("bench", 0, &cfg);
	heap1 = heap_used();
	if (!rl) {
		fprintf(stderr, "lpm_bench: rte_lpm_create: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	t2 = cpu_now();
	for (i = 0; i < n; i++)
		if (rte_lpm_add(rl, lpm_gen_get4(rt[i].a), rt[i].plen, rt[i].nh)) {
			fprintf(stderr, "lpm_bench: rte_lpm_add %u failed\n", i);
			return 1;
		}
	t3 = cpu_now();

	/* Same answers for every address, or nothing is worth timing. */
	for (i = 0; i < nl; i++) {
		uint32_t c;

		rcu_read_lock();
		c = csvx_lpm_lookup(l, ad + 4 * i);
		rcu_read_unlock();
		if (rte_lpm_lookup(rl, ad4[i], &nh)) {
			nh = 0;
			miss++;
		}
		if (c != nh && bad++ < 5)
			fprintf(stderr, "lpm_bench: %08x csvx %u rte_lpm %u\n",
				ad4[i], c, nh);
	}
	if (bad) {
		fprintf(stderr, "lpm_bench: %u of %zu lookups differ\n", bad, nl);
		return 1;
	}

	for (r = 0; r < rounds; r++) {
		double a, b;

		a = cpu_now();
		lpm_bench_sink += run_csvx(l, ad, nl, 4);
		a = cpu_now() - a;
		b = cpu_now();
		lpm_bench_sink += run_rte(rl, ad4, nl);
		b = cpu_now() - b;
		if (a < bc)
			bc = a;
		if (b < br)
			br = b;
	}

	/* rte_lpm: tbl24 (in struct rte_lpm) + tbl8s, and its rule table. */
	rte_tables = sizeof(struct rte_lpm) +
		     (size_t)cfg.number_tbl8s * RTE_LPM_TBL8_GROUP_NUM_ENTRIES *
		     sizeof(struct rte_lpm_tbl_entry);
	rte_rules = (size_t)cfg.max_rules * 8;
	printf("bench: lpm-%s-routes n=%u lookups=%zu (%u%% without a route) tbl8 groups=%u\n",
	       name, n, nl, (unsigned int)((uint64_t)miss * 100 / nl), tbl8);
	printf("bench: lpm-build-1M-%s csvx=%.2f s (%.2f us/route) rte_lpm=%.2f s (%.2f us/route)\n",
	       name, t1 - t0, (t1 - t0) * 1e6 / n, t3 - t2, (t3 - t2) * 1e6 / n);
	printf("bench: lpm-lookup-1M%s csvx=%.1f Mlookups/s rte_lpm=%.1f Mlookups/s ratio=%.2f\n",
	       uniform ? "-uniform" : "", nl / bc / 1e6, nl / br / 1e6, br / bc);
	printf("bench: lpm-memory-1M%s csvx trie=%.2f B/prefix rib=%.2f B/prefix total=%.2f B/prefix (%.1f MiB); rte_lpm tables=%.2f B/prefix rules=%.2f B/prefix total=%.2f B/prefix (%.1f MiB, heap %.1f MiB); ratio trie/tables=1/%.1f total/total=1/%.1f\n",
	       uniform ? "-uniform" : "",
	       (double)st.trie_bytes / n, (double)st.rib_bytes / n,
	       (double)(st.trie_bytes + st.rib_bytes) / n,
	       (st.trie_bytes + st.rib_bytes) / 1048576.0,
	       (double)rte_tables / n, (double)rte_rules / n,
	       (double)(rte_tables + rte_rules) / n,
	       (rte_tables + rte_rules) / 1048576.0,
	       (heap1 - heap0) / 1048576.0,
	       (double)rte_tables / st.trie_bytes,
	       (double)(rte_tables + rte_rules) / (st.trie_bytes + st.rib_bytes));
	printf("bench: lpm-shape-1M%s csvx top=%u bits nodes=%u leaves=%u (%s)\n",
	       uniform ? "-uniform" : "", st.top_bits, st.nodes, st.leaves,
	       st.wide_leaves ? "32-bit" : "16-bit");

	{
		double uc[UPD_LENS], ur[UPD_LENS];

		update_costs(l, rl, uc, ur);
		printf("bench: lpm-update-1M%s (insert+delete of one route)",
		       uniform ? "-uniform" : "");
		print_updates("csvx", uc);
		printf(";");
		print_updates("rte_lpm", ur);
		printf("\n");
	}

	rte_lpm_free(rl);
	csvx_lpm_destroy(l);
	rcu_barrier();
	free(rt);
	free(ad);
	free(ad4);
	rte_eal_cleanup();
	return 0;
}
