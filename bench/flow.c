// SPDX-License-Identifier: GPL-2.0
/*
 * flow-lookup: the security groups' connection table (tables/conn.c,
 * csvx_conn_hash + csvx_conn_find, what every established packet does)
 * against rte_hash_lookup_data() with the same keys, random hits, at 1k ..
 * 1M connections.
 *
 * csvx's table is filled by csvx_conn_insert() and then sized the way the
 * module's GC sizes it (kmod/dp/sg_hook.c: grown above CSVX_CONN_LOAD
 * entries per bucket line to the next power of two of the count divided
 * by CSVX_CONN_LOAD, at most the next power of two of max-flows / 2, 2^19
 * lines by default).
 * rte_hash gets the very key bytes csvx compares (port id, zone, family,
 * protocol, both ends: 24 bytes), zero-padded to 32 for its vector compare
 * (24 measured no faster), CRC32 hashing, the result in the data pointer,
 * and 1.25x headroom.
 */
#include <rte_hash.h>
#include <rte_hash_crc.h>

#include "bench.h"
#include "conn.h"

#define KEY_LEN		32	/* bytes of the rte_hash key (>= 24) */
#define MAX_FLOWS	CSVX_DEFAULT_MAX_FLOWS
#define MIN_BUCKETS	256	/* CSVX_CT_MIN_BUCKETS in kmod/dp/sg_hook.c */
#define MAIN_N		1000000

/* Strided like csvx's keys, so that both lookup streams weigh the same
 * on the caches.
 */
struct rkey {
	u8 b[KEY_LEN];
	u8 pad[sizeof(struct csvx_conn_key) - KEY_LEN];
};

static_assert(KEY_LEN >= CSVX_CONN_KEY4 && KEY_LEN <= sizeof(struct csvx_conn_key),
	      "the rte_hash key holds csvx's");

/* A connection of VM port @port: the VM's address, a remote, ports. */
static void tuple_of(struct bench_rng *r, struct csvx_conn_tuple *t,
		     u32 *port)
{
	static const u16 dports[] = { 443, 80, 53, 22, 8080, 3306, 5432 };
	u32 p = bench_below(r, 200);

	memset(t, 0, sizeof(*t));
	*port = 1 + p;
	t->family = AF_INET;
	t->proto = bench_below(r, 5) ? IPPROTO_TCP : IPPROTO_UDP;
	t->src[0] = htonl(0x0a000000 | p << 8 | 10);
	t->dst[0] = htonl(0x01000000 + bench_below(r, 0xdf000000));
	t->sport = htons(32768 + bench_below(r, 28232));
	t->dport = htons(bench_below(r, 4) ? dports[bench_below(r, 7)] :
			 1 + bench_below(r, 65535));
}

/* What the module's GC does with the table (csvx_sg_gc, growing only). */
static void gc_resize(struct csvx_conn_table *ct)
{
	u32 most = max_t(u32, roundup_pow_of_two(MAX_FLOWS) / CSVX_CONN_LOAD,
			 MIN_BUCKETS), n, count;

	for (;;) {
		n = csvx_conn_nbuckets(ct);
		count = csvx_conn_count(ct);
		if (!(count > n * CSVX_CONN_LOAD && n < most))
			break;
		if (csvx_conn_resize(ct, min_t(u32, most,
					       roundup_pow_of_two(count) /
					       CSVX_CONN_LOAD)))
			break;
	}
}

/* @dep: one lookup at a time (see fdb.c); @lk has nl + 1 keys. */
static __always_inline u64 run_csvx(struct csvx_conn_table *ct,
				     const struct csvx_conn_key *lk, size_t nl,
				     bool dep)
{
	uintptr_t d = 0;
	u64 sum = 0;
	size_t i;

	rcu_read_lock();
	for (i = 0; i < nl; i++) {
		const struct csvx_conn_key *k = &lk[i + d];
		const struct csvx_conn *c;

		c = csvx_conn_find(ct, k, csvx_conn_hash(ct, k));
		if (c)
			sum += c->state;
		if (dep)
			d = bench_dep((uintptr_t)c);
	}
	rcu_read_unlock();
	return sum;
}

static __always_inline u64
run_rte(const struct rte_hash *h, const struct rkey *lk, size_t nl, bool dep)
{
	u64 sum = 0;
	u32 d = 0;
	size_t i;
	void *data;
	int ret;

	for (i = 0; i < nl; i++) {
		ret = rte_hash_lookup_data(h, &lk[i + d], &data);
		if (ret >= 0)
			sum += (uintptr_t)data;
		if (dep)
			d = bench_dep(ret);
	}
	return sum;
}

static int flow_size(u32 n)
{
	size_t nl = (size_t)(BENCH_LOOKUPS * bench_opt.scale), heap0, heap1, mem;
	double tc[BENCH_MAX_ROUNDS], tr[BENCH_MAX_ROUNDS];
	double dc[BENCH_MAX_ROUNDS], dr[BENCH_MAX_ROUNDS];
	struct csvx_conn_key *keys = NULL, *lk = NULL;
	struct rte_hash_parameters hp = { 0 };
	struct bench_rng rng = { 11 }, pick = { 12 };
	struct csvx_conn_table *ct = NULL;
	struct rte_hash *h = NULL;
	struct kmem_cache *cache;
	struct rkey *rk = NULL;
	char sz[16], name[64];
	u32 i, dup = 0, state0 = 0;
	int r, err = 1;

	bench_size_name(n, sz, sizeof(sz));
	cache = kmem_cache_create("csvx_conn", sizeof(struct csvx_conn), 0,
				  SLAB_HWCACHE_ALIGN, NULL);
	keys = malloc(n * sizeof(*keys));
	lk = malloc((nl + 1) * sizeof(*lk));
	rk = calloc(nl + 1, sizeof(*rk));
	if (!cache || !keys || !lk || !rk)
		goto out;
	ct = csvx_conn_table_create(cache, MAX_FLOWS, MIN_BUCKETS, 100);
	if (!ct)
		goto out;
	{
		u32 ticks[CSVX_CT_T_NR];

		for (i = 0; i < CSVX_CT_T_NR; i++)
			ticks[i] = 1000000;
		csvx_conn_set_timeouts(ct, ticks);
	}

	/* n distinct connections, as first packets create them */
	for (i = 0; i < n;) {
		struct csvx_conn_tuple t;
		struct csvx_conn *c;
		u32 port, state;
		bool swapped;
		int e;

		tuple_of(&rng, &t, &port);
		swapped = csvx_conn_key_make(&keys[i], port, 1 + port / 20,
					     false, &t);
		state = csvx_conn_first_state(t.proto, CSVX_TCP_SYN) |
			(swapped ? CSVX_CT_F_SWAPPED : 0);
		e = csvx_conn_insert(ct, &keys[i], csvx_conn_hash(ct, &keys[i]),
				     1000, state, 1, port, &c);
		if (e == -EEXIST) {
			dup++;
			continue;
		}
		if (e) {
			fprintf(stderr, "flow: insert %u: %d\n", i, e);
			goto out;
		}
		i++;
		/* the GC keeps up with the fill (it runs every second) */
		if (csvx_conn_count(ct) >
		    csvx_conn_nbuckets(ct) * CSVX_CONN_LOAD)
			gc_resize(ct);
	}
	mem = sizeof(*ct) +
	      sizeof(struct csvx_conn_buckets) +
	      kmalloc_size_roundup((size_t)csvx_conn_nbuckets(ct) *
				   sizeof(struct csvx_conn_bucket)) +
	      (size_t)n * kmalloc_size_roundup(ALIGN(sizeof(struct csvx_conn),
						     L1_CACHE_BYTES));

	snprintf(name, sizeof(name), "flow%u", n);
	hp.name = name;
	hp.entries = n + n / 4;
	hp.key_len = KEY_LEN;
	hp.hash_func = rte_hash_crc;
	hp.socket_id = bench_socket;
	heap0 = bench_heap_used();
	h = rte_hash_create(&hp);
	if (!h) {
		fprintf(stderr, "flow: rte_hash_create failed\n");
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct rkey k = { 0 };

		memcpy(k.b, &keys[i], CSVX_CONN_KEY4);
		if (rte_hash_add_key_data(h, &k, (void *)(uintptr_t)(i + 1))) {
			fprintf(stderr, "flow: rte_hash_add_key_data %u failed\n", i);
			goto out;
		}
	}
	heap1 = bench_heap_used();
	bench_thp("rte_hash", h);
	bench_thp("csvx conn bucket array", rcu_dereference_protected(ct->tbl, true)->b);
	{
		struct csvx_conn *c;

		rcu_read_lock();
		c = csvx_conn_find(ct, &keys[0], csvx_conn_hash(ct, &keys[0]));
		bench_thp("csvx conn entry", c);
		rcu_read_unlock();
	}

	for (i = 0; i < nl; i++) {
		u32 j = bench_below(&pick, n);

		lk[i] = keys[j];
		memcpy(rk[i].b, &keys[j], CSVX_CONN_KEY4);
	}
	lk[nl] = lk[0];
	rk[nl] = rk[0];
	/* every key found by both */
	for (i = 0; i < n; i++) {
		struct rkey k = { 0 };
		const struct csvx_conn *c;
		void *d = NULL;

		memcpy(k.b, &keys[i], CSVX_CONN_KEY4);
		rcu_read_lock();
		c = csvx_conn_find(ct, &keys[i], csvx_conn_hash(ct, &keys[i]));
		if (c)
			state0 += c->state & 1;
		rcu_read_unlock();
		if (!c || memcmp(&c->key, &keys[i], CSVX_CONN_KEY4) ||
		    rte_hash_lookup_data(h, &k, &d) < 0 ||
		    (uintptr_t)d != i + 1) {
			fprintf(stderr, "flow: key %u: answers differ\n", i);
			goto out;
		}
	}

	for (r = 0; r < bench_opt.rounds; r++) {
		double a;
		int k;

		for (k = 0; k < 2; k++) {
			a = bench_cpu();
			if ((k + r) % 2 == 0) {
				bench_sink += run_csvx(ct, lk, nl, false);
				tc[r] = bench_cpu() - a;
			} else {
				bench_sink += run_rte(h, rk, nl, false);
				tr[r] = bench_cpu() - a;
			}
		}
		if (n == MAIN_N) {
			a = bench_cpu();
			bench_sink += run_csvx(ct, lk, nl / 2, true);
			dc[r] = bench_cpu() - a;
			a = bench_cpu();
			bench_sink += run_rte(h, rk, nl / 2, true);
			dr[r] = bench_cpu() - a;
		}
	}

	snprintf(name, sizeof(name), "flow-lookup-%s", sz);
	bench_line(name, bench_mops(nl, tc, bench_opt.rounds), "Mlookups/s",
		   "rte_hash", bench_mops(nl, tr, bench_opt.rounds));
	if (n == MAIN_N) {
		snprintf(name, sizeof(name), "flow-latency-%s", sz);
		bench_line(name, bench_mops(nl / 2, dc, bench_opt.rounds),
			   "Mlookups/s", "rte_hash",
			   bench_mops(nl / 2, dr, bench_opt.rounds));
	}
	snprintf(name, sizeof(name), "flow-memory-%s", sz);
	bench_mem_line(name, (double)mem / n, "flow", "rte_hash",
		       (double)(heap1 - heap0) / n, NULL);
	printf("# flow-%s: %u buckets (load %.2f); csvx %.1f ns/lookup, rte_hash %.1f ns/lookup (%d-byte keys)\n",
	       sz, csvx_conn_nbuckets(ct),
	       (double)n / csvx_conn_nbuckets(ct),
	       1e3 / bench_mops(nl, tc, bench_opt.rounds),
	       1e3 / bench_mops(nl, tr, bench_opt.rounds), KEY_LEN);
	fflush(stdout);
	bench_sink += state0 + dup;
	err = 0;
out:
	rte_hash_free(h);
	if (ct)
		csvx_conn_table_destroy(ct);
	rcu_barrier();
	if (cache)
		kmem_cache_destroy(cache);
	free(keys);
	free(lk);
	free(rk);
	return err;
}

int bench_flow(void)
{
	static const u32 sizes[] = { 1000, 10000, 100000, 1000000 };
	int i, n = ARRAY_SIZE(sizes), err = 0;

	for (i = bench_opt.sizes == 1 ? n - 1 : 0; i < n; i++)
		err |= flow_size(sizes[i]);
	return err;
}
