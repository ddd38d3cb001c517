// SPDX-License-Identifier: GPL-2.0
/*
 * fdb-lookup: csvx_fdb_lookup() (VNI, MAC) against rte_hash_lookup_data()
 * on the same keys, random hits, at 1k .. 1M entries.
 *
 * The csvx side is the module's FDB as the control plane fills it
 * (csvx_vni_add, csvx_fdb_update: the FDB, its per-VNI index, limits and
 * memory accounting), looked up the way xmit.c does.  rte_hash gets its
 * best configuration: hardware CRC32 hash, the key zero-padded to 16 bytes
 * (one vector compare; 12 bytes measured no faster), the result stored in
 * the data pointer itself (no second cache line; a remote that may be IPv6
 * would not fit there), and 1.25x headroom (rounded up to a power of two
 * by DPDK) so that cuckoo inserts never fail.
 */
#include <rte_hash.h>
#include <rte_hash_crc.h>

#include "bench.h"

struct fdb_key {
	u32 vni;
	u8 mac[ETH_ALEN];
	u8 pad[6];
};

static void key_of(struct fdb_key *k, u32 i, u32 nvni)
{
	/* i * odd mod 2^40: distinct MACs, scattered */
	u64 x = ((u64)i * 0x9e3779b97fULL) & ((1ULL << 40) - 1);

	memset(k, 0, sizeof(*k));
	k->vni = 100 + i % nvni;
	k->mac[0] = 0x02;		/* locally administered, unicast */
	k->mac[1] = x >> 32;
	k->mac[2] = x >> 24;
	k->mac[3] = x >> 16;
	k->mac[4] = x >> 8;
	k->mac[5] = x;
}

/* The remote VTEP of key i: one of 256. */
static u32 vtep_of(u32 i)
{
	return htonl(0x0a010000 | ((i * 2654435761U) >> 24));
}

/*
 * @dep: each key waits for the answer of the lookup before it (its index
 * gets a zero computed from that answer), so lookups cannot overlap: the
 * latency of one lookup, as a datapath doing other work per packet sees it.
 * Without, consecutive lookups overlap as far as the CPU can make them.
 * @lk has nl + 1 keys.  Always inlined with a constant @dep, so that the
 * loop without it carries no trace of the dependency (a conditional move
 * on @dep would serialise it just the same).
 */
static __always_inline u64
run_csvx(struct csvx_tables *t, const struct fdb_key *lk, size_t nl, bool dep)
{
	uintptr_t d = 0;
	u64 sum = 0;
	size_t i;

	rcu_read_lock();
	for (i = 0; i < nl; i++) {
		const struct fdb_key *k = &lk[i + d];
		const struct csvx_fdb *f = csvx_fdb_lookup(t, k->vni, k->mac);

		if (f)
			sum += f->remote.ip4;
		if (dep)
			d = bench_dep((uintptr_t)f);
	}
	rcu_read_unlock();
	return sum;
}

static __always_inline u64
run_rte(const struct rte_hash *h, const struct fdb_key *lk, size_t nl, bool dep)
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

#define BULK	32

static u64 run_rte_bulk(const struct rte_hash *h, const struct fdb_key *lk,
			size_t nl)
{
	const void *kp[BULK];
	void *d[BULK];
	u64 sum = 0, hits;
	size_t i;
	int j, n;

	for (i = 0; i < nl; i += n) {
		n = nl - i < BULK ? nl - i : BULK;
		for (j = 0; j < n; j++)
			kp[j] = &lk[i + j];
		rte_hash_lookup_bulk_data(h, kp, n, &hits, d);
		for (j = 0; j < n; j++)
			if (hits & (1ULL << j))
				sum += (uintptr_t)d[j];
	}
	return sum;
}

static int fdb_size(u32 n, bool main_size)
{
	u32 nvni = min_t(u32, max_t(u32, n / 1000, 10), 1000), i;
	size_t nl = (size_t)(BENCH_LOOKUPS * bench_opt.scale), heap0, heap1;
	double tc[BENCH_MAX_ROUNDS], tr[BENCH_MAX_ROUNDS], tb[BENCH_MAX_ROUNDS];
	double dc[BENCH_MAX_ROUNDS], dr[BENCH_MAX_ROUNDS];
	struct rte_hash_parameters hp = { 0 };
	struct csvx_tables t;
	struct fdb_key *keys, *lk;
	struct bench_rng rng = { 7 };
	double b0, b1, b2;
	size_t mem0, mem1;
	struct rte_hash *h;
	char sz[16], name[64];
	const char *msg;
	int r, err = 1;

	bench_size_name(n, sz, sizeof(sz));
	keys = malloc(n * sizeof(*keys));
	lk = malloc((nl + 1) * sizeof(*lk));
	if (!keys || !lk)
		goto out_free;
	for (i = 0; i < n; i++)
		key_of(&keys[i], i, nvni);
	for (i = 0; i < nl; i++)
		lk[i] = keys[bench_below(&rng, n)];
	lk[nl] = lk[0];

	/* csvx: VNIs, then the MACs through the control-plane API */
	if (csvx_tables_init(&t))
		goto out_free;
	for (i = 0; i < nvni; i++) {
		struct csvx_vni_spec vs = { .vni = 100 + i };
		char ifname[IFNAMSIZ];

		snprintf(ifname, sizeof(ifname), "vx%u", 100 + i);
		vs.ifname = ifname;
		if (csvx_vni_add(&t, &vs, false, &msg)) {
			fprintf(stderr, "fdb: vni add: %s\n", msg);
			goto out_tables;
		}
	}
	mem0 = csvx_tables_memory(&t);
	b0 = bench_cpu();
	for (i = 0; i < n; i++) {
		struct csvx_fdb_spec fs = {
			.vni = keys[i].vni, .mac = keys[i].mac,
			.remote = { .ip4 = vtep_of(i), .family = AF_INET },
		};

		if (csvx_fdb_update(&t, &fs, false, &msg)) {
			fprintf(stderr, "fdb: entry %u: %s\n", i, msg);
			goto out_tables;
		}
	}
	b1 = bench_cpu();
	mem1 = csvx_tables_memory(&t);

	/* rte_hash */
	snprintf(name, sizeof(name), "fdb%u", n);
	hp.name = name;
	hp.entries = n + n / 4;
	hp.key_len = sizeof(struct fdb_key);
	hp.hash_func = rte_hash_crc;
	hp.socket_id = bench_socket;
	heap0 = bench_heap_used();
	h = rte_hash_create(&hp);
	if (!h) {
		fprintf(stderr, "fdb: rte_hash_create failed\n");
		goto out_tables;
	}
	b2 = bench_cpu();
	for (i = 0; i < n; i++)
		if (rte_hash_add_key_data(h, &keys[i],
					  (void *)(uintptr_t)vtep_of(i))) {
			fprintf(stderr, "fdb: rte_hash_add_key_data %u failed\n", i);
			goto out_hash;
		}
	b2 = bench_cpu() - b2;
	heap1 = bench_heap_used();

	/* the same answers, or nothing is worth timing */
	for (i = 0; i < n; i++) {
		const struct csvx_fdb *f;
		void *d = NULL;

		rcu_read_lock();
		f = csvx_fdb_lookup(&t, keys[i].vni, keys[i].mac);
		rcu_read_unlock();
		if (!f || f->remote.ip4 != vtep_of(i) ||
		    rte_hash_lookup_data(h, &keys[i], &d) < 0 ||
		    (uintptr_t)d != vtep_of(i)) {
			fprintf(stderr, "fdb: key %u: answers differ\n", i);
			goto out_hash;
		}
	}

	for (r = 0; r < bench_opt.rounds; r++) {
		double a, b;
		int k;

		for (k = 0; k < 2; k++) {
			if ((k + r) % 2 == 0) {
				a = bench_cpu();
				bench_sink += run_csvx(&t, lk, nl, false);
				tc[r] = bench_cpu() - a;
			} else {
				b = bench_cpu();
				bench_sink += run_rte(h, lk, nl, false);
				tr[r] = bench_cpu() - b;
			}
		}
		if (main_size) {
			b = bench_cpu();
			bench_sink += run_rte_bulk(h, lk, nl);
			tb[r] = bench_cpu() - b;
			a = bench_cpu();
			bench_sink += run_csvx(&t, lk, nl / 2, true);
			dc[r] = bench_cpu() - a;
			b = bench_cpu();
			bench_sink += run_rte(h, lk, nl / 2, true);
			dr[r] = bench_cpu() - b;
		}
	}

	snprintf(name, sizeof(name), "fdb-lookup-%s", sz);
	bench_line(name, bench_mops(nl, tc, bench_opt.rounds), "Mlookups/s",
		   "rte_hash", bench_mops(nl, tr, bench_opt.rounds));
	snprintf(name, sizeof(name), "fdb-memory-%s", sz);
	bench_mem_line(name, (double)(mem1 - mem0) / n, "entry", "rte_hash",
		       (double)(heap1 - heap0) / n, NULL);
	printf("# fdb-%s: %u VNIs; csvx %.1f ns/lookup, rte_hash %.1f ns/lookup; build csvx_fdb_update %.2f us/entry, rte_hash_add_key_data %.2f us/entry\n",
	       sz, nvni, 1e3 / bench_mops(nl, tc, bench_opt.rounds),
	       1e3 / bench_mops(nl, tr, bench_opt.rounds),
	       (b1 - b0) * 1e6 / n, b2 * 1e6 / n);
	if (main_size) {
		snprintf(name, sizeof(name), "fdb-latency-%s", sz);
		bench_line(name, bench_mops(nl / 2, dc, bench_opt.rounds),
			   "Mlookups/s", "rte_hash",
			   bench_mops(nl / 2, dr, bench_opt.rounds));
	}
	if (main_size)
		printf("# fdb-%s: rte_hash_lookup_bulk_data, %d keys per call (no per-packet equivalent in a kernel datapath): %.3g Mlookups/s\n",
		       sz, BULK, bench_mops(nl, tb, bench_opt.rounds));
	fflush(stdout);
	err = 0;
out_hash:
	rte_hash_free(h);
out_tables:
	csvx_tables_destroy(&t);
	rcu_barrier();
out_free:
	free(keys);
	free(lk);
	return err;
}

int bench_fdb(void)
{
	static const u32 sizes[] = { 1000, 10000, 100000, 1000000 };
	int i, n = ARRAY_SIZE(sizes), err = 0;

	for (i = bench_opt.sizes == 1 ? n - 1 : 0; i < n; i++)
		err |= fdb_size(sizes[i], i == n - 1);
	return err;
}
