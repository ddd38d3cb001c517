// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kmod/tables/lpm.c, natively through the shim.
 *
 * Exact semantics first, then a model-based test against a reference LPM
 * (a hash of routes probed from the longest length down), walks, scale
 * (1M IPv4 routes; 10k small VRFs), a reader thread under RCU beside a
 * writer, and allocation failures at every step of an update.  Run under
 * ASan/LSan (make -C selftests/unit asan, or the command in the Makefile)
 * to check memory safety and leaks.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "../../kmod/tables/lpm.h"
#include "lpm_gen.h"
#include "kselftest_harness.h"

/* Fault injection in lpm.c (user space only): fail the n-th allocation. */
extern long csvx_lpm_fault_after;

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LPM_ASAN	1
#else
#define LPM_ASAN	0
#endif

/*
 * Scale tests at full size natively, a tenth under the sanitizers (there
 * to find bugs, not to time anything); CSVX_UNIT_SCALE overrides both.
 */
static u32 lpm_scale(u32 n)
{
	const char *s = getenv("CSVX_UNIT_SCALE");

	if (s)
		return (u32)(n * atof(s)) ?: 1;
	return LPM_ASAN ? n / 10 : n;
}

/* ------------------------------------------------------------ helpers */

static double cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static void a4(uint8_t *a, uint32_t x)
{
	memset(a, 0, 16);
	a[0] = x >> 24;
	a[1] = x >> 16;
	a[2] = x >> 8;
	a[3] = x;
}

/* Parse "10.1.2.0" or an IPv6 text address into 16 bytes. */
static void ap(uint8_t *a, const char *s)
{
	memset(a, 0, 16);
	if (strchr(s, ':'))
		inet_pton(AF_INET6, s, a);
	else
		inet_pton(AF_INET, s, a);
}

static u32 look(struct csvx_lpm *l, const char *s)
{
	uint8_t a[16];
	u32 nh;

	ap(a, s);
	rcu_read_lock();
	nh = csvx_lpm_lookup(l, a);
	rcu_read_unlock();
	return nh;
}

static int ins(struct csvx_lpm *l, const char *s, int plen, u32 nh)
{
	uint8_t a[16];
	u32 old;

	ap(a, s);
	return csvx_lpm_insert(l, a, plen, nh, &old);
}

static int del(struct csvx_lpm *l, const char *s, int plen)
{
	uint8_t a[16];
	u32 old;

	ap(a, s);
	return csvx_lpm_delete(l, a, plen, &old);
}

static u32 get(struct csvx_lpm *l, const char *s, int plen)
{
	uint8_t a[16];

	ap(a, s);
	return csvx_lpm_get(l, a, plen);
}

/*
 * The live trie fits its arrays.  Were they sized short, building it
 * would have written past their end: this says so in the plain build too,
 * where nothing notices a write the allocator's rounding happens to absorb.
 */
static void check_caps(struct __test_metadata *_metadata, struct csvx_lpm *l)
{
	struct csvx_lpm_stats st;

	csvx_lpm_stats(l, &st, true);
	ASSERT_LE(st.nodes, st.nodes_cap);
	ASSERT_LE(st.leaves, st.leaves_cap);
}

/*
 * The model tests' seeds: fixed, or with CSVX_SEED=n set, n * 1000 plus
 * the fixed one, to run them on other route sets.
 */
static uint64_t model_seed(uint64_t seed)
{
	const char *s = getenv("CSVX_SEED");

	return s ? strtoull(s, NULL, 0) * 1000 + seed : seed;
}

/* ------------------------------------------------ reference LPM model */

struct ref_ent {
	uint8_t a[16];
	uint8_t plen;
	uint8_t state;		/* 0 empty, 1 used, 2 deleted */
	u32 nh;
};

struct ref {
	struct ref_ent *e;
	size_t cap, n, used;
	u32 lens[129];
	int alen;		/* 4 or 16 */
};

static uint64_t ref_hash(const uint8_t *a, int plen)
{
	uint64_t h = plen * 0x9e3779b97f4a7c15ULL, x;
	int i;

	for (i = 0; i < 16; i += 8) {
		memcpy(&x, a + i, 8);
		h = (h ^ x) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return h;
}

static void ref_init(struct ref *r, int family, size_t cap)
{
	memset(r, 0, sizeof(*r));
	r->cap = 1;
	while (r->cap < 2 * cap + 64)
		r->cap <<= 1;
	r->e = calloc(r->cap, sizeof(*r->e));
	r->alen = family == AF_INET ? 4 : 16;
}

static void ref_free(struct ref *r)
{
	free(r->e);
}

static struct ref_ent *ref_slot(struct ref *r, const uint8_t *a, int plen,
				bool add)
{
	size_t i = ref_hash(a, plen) & (r->cap - 1);
	struct ref_ent *tomb = NULL;

	for (;; i = (i + 1) & (r->cap - 1)) {
		struct ref_ent *e = &r->e[i];

		if (e->state == 0)
			return add ? (tomb ? tomb : e) : NULL;
		if (e->state == 2) {
			if (!tomb)
				tomb = e;
			continue;
		}
		if (e->plen == plen && !memcmp(e->a, a, 16))
			return e;
	}
}

static void mask_addr(uint8_t *a, int plen)
{
	int b;

	for (b = 0; b < 16; b++) {
		int bits = plen - 8 * b;

		if (bits <= 0)
			a[b] = 0;
		else if (bits < 8)
			a[b] &= 0xff << (8 - bits);
	}
}

static u32 ref_get(struct ref *r, const uint8_t *a, int plen)
{
	struct ref_ent *e = ref_slot(r, a, plen, false);

	return e ? e->nh : 0;
}

/* Drop the tombstones, which would fill the table over time. */
static void ref_rehash(struct ref *r)
{
	struct ref_ent *old = r->e;
	size_t i, cap = r->cap;

	if (r->n * 2 >= r->cap)
		r->cap *= 2;
	r->e = calloc(r->cap, sizeof(*r->e));
	r->used = 0;
	for (i = 0; i < cap; i++) {
		if (old[i].state == 1) {
			*ref_slot(r, old[i].a, old[i].plen, true) = old[i];
			r->used++;
		}
	}
	free(old);
}

static u32 ref_set(struct ref *r, const uint8_t *a, int plen, u32 nh)
{
	struct ref_ent *e = ref_slot(r, a, plen, false);
	u32 old = e ? e->nh : 0;

	if (!e && r->used * 4 >= r->cap * 3)
		ref_rehash(r);
	if (!e) {
		e = ref_slot(r, a, plen, true);
		if (e->state == 0)
			r->used++;
		memcpy(e->a, a, 16);
		e->plen = plen;
		e->state = 1;
		r->n++;
		r->lens[plen]++;
	}
	e->nh = nh;
	return old;
}

static u32 ref_del(struct ref *r, const uint8_t *a, int plen)
{
	struct ref_ent *e = ref_slot(r, a, plen, false);

	if (!e)
		return 0;
	e->state = 2;
	r->n--;
	r->lens[plen]--;
	return e->nh;
}

static u32 ref_lookup(struct ref *r, const uint8_t *addr)
{
	int bits = r->alen * 8, l;
	uint8_t a[16];

	for (l = bits; l >= 0; l--) {
		u32 nh;

		if (!r->lens[l])
			continue;
		memcpy(a, addr, 16);
		mask_addr(a, l);
		nh = ref_get(r, a, l);
		if (nh)
			return nh;
	}
	return 0;
}

static int ent_cmp(const void *x, const void *y)
{
	const struct ref_ent *a = x, *b = y;
	int c = memcmp(a->a, b->a, 16);

	return c ? c : (int)a->plen - (int)b->plen;
}

/* The routes of @r sorted as a walk visits them; caller frees. */
static struct ref_ent *ref_sorted(struct ref *r)
{
	struct ref_ent *v = malloc((r->n + 1) * sizeof(*v));
	size_t i, k = 0;

	for (i = 0; i < r->cap; i++)
		if (r->e[i].state == 1)
			v[k++] = r->e[i];
	qsort(v, k, sizeof(*v), ent_cmp);
	return v;
}

struct walk_buf {
	struct ref_ent *v;
	size_t n, cap;
	int alen;
	int stop_every;		/* stop (without taking) every n-th visit */
	int visits;
};

static int walk_take(const u8 *prefix, u8 plen, u32 nh, void *arg)
{
	struct walk_buf *w = arg;
	struct ref_ent *e;

	if (w->stop_every && ++w->visits % w->stop_every == 0)
		return 7;
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->v = realloc(w->v, w->cap * sizeof(*w->v));
	}
	e = &w->v[w->n++];
	memset(e, 0, sizeof(*e));
	memcpy(e->a, prefix, w->alen);
	e->plen = plen;
	e->nh = nh;
	e->state = 1;
	return 0;
}

/* Walk everything (in pieces if @stop_every) and compare with @r. */
static void check_walk(struct __test_metadata *_metadata, struct csvx_lpm *l,
		       struct ref *r, int stop_every)
{
	struct walk_buf w = { .alen = r->alen, .stop_every = stop_every };
	struct csvx_lpm_cursor c = {};
	struct ref_ent *v = ref_sorted(r);
	size_t i;
	int ret, calls = 0;

	do {
		ret = csvx_lpm_walk(l, &c, walk_take, &w);
		ASSERT_TRUE(ret == 0 || ret == 7);
		ASSERT_LT(++calls, 10000000);
	} while (ret);
	ASSERT_EQ(c.started, 2);
	ASSERT_EQ(csvx_lpm_walk(l, &c, walk_take, &w), 0);
	ASSERT_EQ(w.n, r->n);
	ASSERT_EQ(csvx_lpm_count(l), r->n);
	for (i = 0; i < r->n; i++) {
		ASSERT_EQ(memcmp(w.v[i].a, v[i].a, 16), 0);
		ASSERT_EQ(w.v[i].plen, v[i].plen);
		ASSERT_EQ(w.v[i].nh, v[i].nh);
		ASSERT_EQ(csvx_lpm_get(l, v[i].a, v[i].plen), v[i].nh);
	}
	free(v);
	free(w.v);
}

/* ------------------------------------------------ random routes */

struct prng {
	uint64_t s;
};

static uint64_t rnd(struct prng *p)
{
	struct lpm_gen_rng r = { p->s };
	uint64_t x = lpm_gen_next(&r);

	p->s = r.s;
	return x;
}

static uint32_t rndn(struct prng *p, uint32_t n)
{
	return (uint32_t)((rnd(p) >> 32) * n >> 32);
}

/* Lengths around the stride boundaries of either family, and some others. */
static const uint8_t lens4[] = {
	0, 1, 5, 6, 7, 8, 11, 12, 13, 16, 17, 18, 18, 19, 20, 22, 23, 23,
	24, 24, 24, 24, 25, 25, 26, 28, 29, 30, 30, 31, 32, 32,
};
static const uint8_t lens6[] = {
	0, 3, 4, 5, 9, 10, 11, 15, 16, 16, 17, 21, 22, 23, 27, 28, 29, 32,
	33, 34, 35, 40, 41, 46, 47, 48, 48, 52, 53, 57, 58, 59, 63, 64, 64,
	64, 65, 70, 71, 76, 96, 112, 118, 122, 123, 124, 125, 127, 128, 128,
};

struct pool {
	uint8_t base[64][16];
	int alen;
};

static void pool_init(struct pool *pl, struct prng *p, int alen)
{
	int i, b;

	pl->alen = alen;
	for (i = 0; i < 64; i++) {
		memset(pl->base[i], 0, 16);
		for (b = 0; b < alen; b++)
			pl->base[i][b] = rnd(p);
		/* A few bases share their upper half, for deep overlaps. */
		if (i & 1)
			memcpy(pl->base[i], pl->base[i - 1], alen / 2);
	}
}

/* A prefix near others: a pool address with a few bits flipped, masked. */
static int rnd_prefix(struct prng *p, struct pool *pl, uint8_t *a)
{
	int bits = pl->alen * 8, plen, flips, f;

	plen = pl->alen == 4 ? lens4[rndn(p, sizeof(lens4))] :
			       lens6[rndn(p, sizeof(lens6))];
	if (rndn(p, 8) == 0)
		plen = rndn(p, bits + 1);
	memcpy(a, pl->base[rndn(p, 64)], 16);
	flips = rndn(p, 4);
	for (f = 0; f < flips && plen; f++) {
		int bit = plen - 1 - (int)rndn(p, plen < 8 ? plen : 8);

		a[bit / 8] ^= 0x80 >> (bit % 8);
	}
	mask_addr(a, plen);
	return plen;
}

static u32 rnd_nh(struct prng *p)
{
	switch (rndn(p, 20)) {
	case 0:
		return 65536 + rndn(p, 1000);		/* wide leaves */
	case 1:
		return CSVX_LPM_NH_MAX;
	default:
		return 1 + rndn(p, 6);			/* runs that merge */
	}
}

/* An address to look up: inside, at the edges of, or near a route. */
static void rnd_addr(struct prng *p, struct ref *r, struct pool *pl,
		     uint8_t *a)
{
	int alen = r->alen, plen, b;

	switch (rndn(p, 4)) {
	case 0:
		memset(a, 0, 16);
		for (b = 0; b < alen; b++)
			a[b] = rnd(p);
		return;
	default:
		plen = rnd_prefix(p, pl, a);
		for (b = 0; b < alen; b++) {
			int bits = plen - 8 * b;
			uint8_t m = bits >= 8 ? 0xff : bits <= 0 ? 0 :
				    (uint8_t)(0xff << (8 - bits));
			uint8_t h;

			/* host part: all zeros, all ones or random */
			h = rndn(p, 3) == 0 ? 0 : rndn(p, 2) ? 0xff : rnd(p);
			a[b] = (a[b] & m) | (h & ~m);
		}
		if (rndn(p, 4) == 0) {
			/* one past the last address of the prefix */
			for (b = alen - 1; b >= 0 && ++a[b] == 0; b--)
				;
		}
	}
}

static void check_lookups(struct __test_metadata *_metadata,
			  struct csvx_lpm *l, struct ref *r, struct pool *pl,
			  struct prng *p, int n)
{
	uint8_t a[16];
	int i;

	for (i = 0; i < n; i++) {
		u32 got, want;

		rnd_addr(p, r, pl, a);
		rcu_read_lock();
		got = csvx_lpm_lookup(l, a);
		rcu_read_unlock();
		want = ref_lookup(r, a);
		if (got != want) {
			char s[64];

			inet_ntop(r->alen == 4 ? AF_INET : AF_INET6, a, s,
				  sizeof(s));
			TH_LOG("lookup %s: got %u want %u (%zu routes)", s, got,
			       want, r->n);
		}
		ASSERT_EQ(got, want);
	}
}

/* One random change to both; checks the API's answer against the model. */
static void rnd_op(struct __test_metadata *_metadata, struct csvx_lpm *l,
		   struct ref *r, struct pool *pl, struct prng *p, int grow)
{
	uint8_t a[16];
	u32 old, nh;
	int plen, err;

	plen = rnd_prefix(p, pl, a);
	if ((int)rndn(p, 100) < grow) {
		nh = rnd_nh(p);
		err = csvx_lpm_insert(l, a, plen, nh, &old);
		ASSERT_EQ(err, 0);
		ASSERT_EQ(old, ref_set(r, a, plen, nh));
	} else {
		u32 want;

		/* Mostly a route that exists: random ones rarely do (IPv6). */
		if (r->n && rndn(p, 4)) {
			size_t i = rndn(p, r->cap);

			while (r->e[i].state != 1)
				i = (i + 1) & (r->cap - 1);
			memcpy(a, r->e[i].a, 16);
			plen = r->e[i].plen;
		}
		want = ref_del(r, a, plen);
		err = csvx_lpm_delete(l, a, plen, &old);
		ASSERT_EQ(err, want ? 0 : -ENOENT);
		ASSERT_EQ(old, want);
	}
}

static void model_run(struct __test_metadata *_metadata, int family,
		      uint64_t seed, int target, int rounds)
{
	struct csvx_lpm *l = csvx_lpm_create(family);
	unsigned int tops = 0;
	struct csvx_lpm_stats st;
	struct pool pl;
	struct prng p = { model_seed(seed) };
	struct ref r;
	size_t maxn = 0;
	int round, i, grow;

	ASSERT_NE(l, NULL);
	ref_init(&r, family, target * 2);
	pool_init(&pl, &p, family == AF_INET ? 4 : 16);
	for (round = 0; round < rounds; round++) {
		/* Grow to the target, then shrink, crossing top-level sizes. */
		grow = (round / 8) % 2 ? 20 : 80;
		if (r.n > (size_t)target)
			grow = 20;
		for (i = 0; i < target / 8 + 10; i++)
			rnd_op(_metadata, l, &r, &pl, &p, grow);
		check_lookups(_metadata, l, &r, &pl, &p, 400);
		check_caps(_metadata, l);
		csvx_lpm_stats(l, &st, false);
		tops |= 1U << st.top_bits;
		if (r.n > maxn)
			maxn = r.n;
		if (round % 4 == 3)
			check_walk(_metadata, l, &r, round % 8 == 3 ? 0 : 5);
	}
	/* Empty it: nothing must remain. */
	{
		struct ref_ent *v = ref_sorted(&r);
		size_t n = r.n;
		u32 old;

		for (i = 0; (size_t)i < n; i++) {
			ASSERT_EQ(csvx_lpm_delete(l, v[i].a, v[i].plen, &old), 0);
			ASSERT_EQ(old, v[i].nh);
			ref_del(&r, v[i].a, v[i].plen);
			if (i % 97 == 0)
				check_lookups(_metadata, l, &r, &pl, &p, 20);
		}
		free(v);
	}
	ASSERT_EQ(csvx_lpm_count(l), 0);
	check_lookups(_metadata, l, &r, &pl, &p, 100);
	ksft_print_msg("lpm: model %s seed %llu: up to %zu routes, top levels used 0x%x\n",
		       family == AF_INET ? "IPv4" : "IPv6",
		       (unsigned long long)model_seed(seed), maxn, tops);
	ref_free(&r);
	csvx_lpm_destroy(l);
}

/* ------------------------------------------------------------ fixture */

FIXTURE(lpm) {
	struct csvx_lpm *l4, *l6;
};

FIXTURE_SETUP(lpm)
{
	rcu_register_thread();
	self->l4 = csvx_lpm_create(AF_INET);
	self->l6 = csvx_lpm_create(AF_INET6);
	ASSERT_NE(self->l4, NULL);
	ASSERT_NE(self->l6, NULL);
}

FIXTURE_TEARDOWN(lpm)
{
	csvx_lpm_destroy(self->l4);
	csvx_lpm_destroy(self->l6);
	/* Deferred frees run now, so that LSan sees none as a leak. */
	rcu_barrier();
#if LPM_ASAN
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
#endif
	rcu_unregister_thread();
}

/* ------------------------------------------------------- exact semantics */

TEST_F(lpm, create)
{
	struct csvx_lpm_stats st;

	ASSERT_EQ(csvx_lpm_create(AF_UNSPEC), NULL);
	ASSERT_EQ(csvx_lpm_create(AF_PACKET), NULL);
	ASSERT_EQ(csvx_lpm_count(self->l4), 0);
	ASSERT_EQ(csvx_lpm_count(self->l6), 0);
	ASSERT_EQ(look(self->l4, "1.2.3.4"), 0);
	ASSERT_EQ(look(self->l6, "2001:db8::1"), 0);
	csvx_lpm_stats(self->l4, &st, true);
	ksft_print_msg("lpm: empty IPv4 LPM %zu bytes, IPv6 %zu bytes\n",
		       csvx_lpm_memory(self->l4), csvx_lpm_memory(self->l6));
	ASSERT_LT(csvx_lpm_memory(self->l4), 1024);
	ASSERT_LT(csvx_lpm_memory(self->l6), 1024);
	ASSERT_EQ(st.nodes, 0);
	csvx_lpm_destroy(NULL);
	csvx_lpm_destroy_rcu(NULL);
}

TEST_F(lpm, einval)
{
	struct csvx_lpm *l = self->l4, *l6 = self->l6;
	uint8_t a[16];
	u32 old = 99;

	ap(a, "10.0.0.0");
	ASSERT_EQ(csvx_lpm_insert(l, a, 33, 1, &old), -EINVAL);
	ASSERT_EQ(old, 0);
	ASSERT_EQ(csvx_lpm_insert(l, a, 8, 0, &old), -EINVAL);
	ASSERT_EQ(csvx_lpm_insert(l, a, 8, CSVX_LPM_NH_MAX + 1, &old), -EINVAL);
	ASSERT_EQ(csvx_lpm_insert(l, a, 8, ~0U, &old), -EINVAL);
	ASSERT_EQ(ins(l, "10.0.0.1", 24, 1), -EINVAL);	/* host bits */
	ASSERT_EQ(ins(l, "10.0.0.1", 31, 1), -EINVAL);
	ASSERT_EQ(ins(l, "0.0.0.1", 0, 1), -EINVAL);
	ASSERT_EQ(ins(l, "10.0.0.1", 32, 1), 0);
	ASSERT_EQ(ins(l, "10.0.0.0", 8, CSVX_LPM_NH_MAX), 0);
	ASSERT_EQ(csvx_lpm_count(l), 2);
	old = 99;
	ASSERT_EQ(csvx_lpm_delete(l, a, 33, &old), -EINVAL);
	ASSERT_EQ(old, 0);
	ASSERT_EQ(del(l, "10.0.0.1", 8), -EINVAL);
	ASSERT_EQ(del(l, "10.0.0.0", 9), -ENOENT);
	ASSERT_EQ(del(l, "11.0.0.0", 7), -EINVAL);	/* host bit of /7 */
	ASSERT_EQ(del(l, "10.0.0.0", 7), -ENOENT);
	ASSERT_EQ(del(l, "11.0.0.0", 8), -ENOENT);
	ASSERT_EQ(get(l, "10.0.0.1", 8), 0);		/* invalid: 0 */
	ASSERT_EQ(get(l, "10.0.0.0", 8), CSVX_LPM_NH_MAX);
	ASSERT_EQ(csvx_lpm_get(l, a, 33), 0);
	ASSERT_EQ(csvx_lpm_count(l), 2);

	ap(a, "2001:db8::");
	ASSERT_EQ(csvx_lpm_insert(l6, a, 129, 1, &old), -EINVAL);
	ASSERT_EQ(csvx_lpm_insert(l6, a, 255, 1, &old), -EINVAL);
	ASSERT_EQ(ins(l6, "2001:db8::1", 64, 1), -EINVAL);	/* low word */
	ASSERT_EQ(ins(l6, "2001:db8:0:1::", 63, 1), -EINVAL);	/* bit 63 */
	ASSERT_EQ(ins(l6, "2001:db8:0:1::", 64, 1), 0);
	ASSERT_EQ(ins(l6, "::1", 127, 1), -EINVAL);
	ASSERT_EQ(ins(l6, "::1", 128, 1), 0);
	ASSERT_EQ(del(l6, "::1", 127), -EINVAL);
	ASSERT_EQ(del(l6, "::", 127), -ENOENT);
	ASSERT_EQ(csvx_lpm_count(l6), 2);
}

TEST_F(lpm, v4_semantics)
{
	struct csvx_lpm *l = self->l4;
	uint8_t a[16];
	u32 old;

	/* Default route, then ever more specific ones over it. */
	ASSERT_EQ(ins(l, "0.0.0.0", 0, 1), 0);
	ASSERT_EQ(look(l, "0.0.0.0"), 1);
	ASSERT_EQ(look(l, "255.255.255.255"), 1);
	ASSERT_EQ(ins(l, "10.0.0.0", 8, 2), 0);
	ASSERT_EQ(ins(l, "10.1.0.0", 16, 3), 0);
	ASSERT_EQ(ins(l, "10.1.2.0", 24, 4), 0);
	ASSERT_EQ(ins(l, "10.1.2.3", 32, 5), 0);
	ASSERT_EQ(ins(l, "10.1.2.128", 25, 6), 0);
	ASSERT_EQ(ins(l, "10.1.2.254", 31, 7), 0);
	ASSERT_EQ(look(l, "9.255.255.255"), 1);
	ASSERT_EQ(look(l, "10.0.0.0"), 2);
	ASSERT_EQ(look(l, "10.0.255.255"), 2);
	ASSERT_EQ(look(l, "10.1.0.0"), 3);
	ASSERT_EQ(look(l, "10.1.2.0"), 4);
	ASSERT_EQ(look(l, "10.1.2.2"), 4);
	ASSERT_EQ(look(l, "10.1.2.3"), 5);
	ASSERT_EQ(look(l, "10.1.2.4"), 4);
	ASSERT_EQ(look(l, "10.1.2.127"), 4);
	ASSERT_EQ(look(l, "10.1.2.128"), 6);
	ASSERT_EQ(look(l, "10.1.2.253"), 6);
	ASSERT_EQ(look(l, "10.1.2.254"), 7);
	ASSERT_EQ(look(l, "10.1.2.255"), 7);
	ASSERT_EQ(look(l, "10.1.3.0"), 3);
	ASSERT_EQ(look(l, "10.255.255.255"), 2);
	ASSERT_EQ(look(l, "11.0.0.0"), 1);

	/* Exact match only. */
	ASSERT_EQ(get(l, "10.1.2.0", 24), 4);
	ASSERT_EQ(get(l, "10.1.2.0", 23), 0);
	ASSERT_EQ(get(l, "10.1.2.0", 25), 0);
	ASSERT_EQ(get(l, "0.0.0.0", 0), 1);
	ASSERT_EQ(get(l, "10.1.2.3", 32), 5);

	/* Replace: old nexthop back, same one is a no-op. */
	ap(a, "10.1.2.0");
	ASSERT_EQ(csvx_lpm_insert(l, a, 24, 40, &old), 0);
	ASSERT_EQ(old, 4);
	ASSERT_EQ(csvx_lpm_insert(l, a, 24, 40, &old), 0);
	ASSERT_EQ(old, 40);
	ASSERT_EQ(look(l, "10.1.2.2"), 40);
	ASSERT_EQ(look(l, "10.1.2.3"), 5);
	ASSERT_EQ(csvx_lpm_count(l), 7);

	/* Deleting re-exposes the next shorter route. */
	ap(a, "10.1.2.3");
	ASSERT_EQ(csvx_lpm_delete(l, a, 32, &old), 0);
	ASSERT_EQ(old, 5);
	ASSERT_EQ(look(l, "10.1.2.3"), 40);
	ASSERT_EQ(del(l, "10.1.2.0", 24), 0);
	ASSERT_EQ(look(l, "10.1.2.3"), 3);
	ASSERT_EQ(look(l, "10.1.2.200"), 6);
	ASSERT_EQ(del(l, "10.1.0.0", 16), 0);
	ASSERT_EQ(look(l, "10.1.2.3"), 2);
	ASSERT_EQ(del(l, "10.0.0.0", 8), 0);
	ASSERT_EQ(look(l, "10.1.2.3"), 1);
	ASSERT_EQ(look(l, "10.1.2.255"), 7);
	ASSERT_EQ(del(l, "0.0.0.0", 0), 0);
	ASSERT_EQ(look(l, "10.1.2.3"), 0);
	ASSERT_EQ(look(l, "10.1.2.129"), 6);
	ASSERT_EQ(del(l, "0.0.0.0", 0), -ENOENT);

	/* Host routes at both ends of the space. */
	ASSERT_EQ(ins(l, "0.0.0.0", 32, 8), 0);
	ASSERT_EQ(ins(l, "255.255.255.255", 32, 9), 0);
	ASSERT_EQ(look(l, "0.0.0.0"), 8);
	ASSERT_EQ(look(l, "0.0.0.1"), 0);
	ASSERT_EQ(look(l, "255.255.255.255"), 9);
	ASSERT_EQ(look(l, "255.255.255.254"), 0);
	ASSERT_EQ(csvx_lpm_count(l), 4);
}

TEST_F(lpm, v6_semantics)
{
	struct csvx_lpm *l = self->l6;

	ASSERT_EQ(ins(l, "::", 0, 1), 0);
	ASSERT_EQ(look(l, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 1);
	ASSERT_EQ(ins(l, "2001:db8::", 32, 2), 0);
	ASSERT_EQ(ins(l, "2001:db8:1::", 48, 3), 0);
	ASSERT_EQ(ins(l, "2001:db8:1:2::", 64, 4), 0);
	ASSERT_EQ(ins(l, "2001:db8:1:2::", 65, 5), 0);
	ASSERT_EQ(ins(l, "2001:db8:1:2::1", 128, 6), 0);
	ASSERT_EQ(ins(l, "2001:db8:1:3::", 63, 7), -EINVAL);
	ASSERT_EQ(ins(l, "2001:db8:1:2::", 63, 7), 0);
	ASSERT_EQ(look(l, "2001:db8::1"), 2);
	ASSERT_EQ(look(l, "2001:db8:1::1"), 3);
	ASSERT_EQ(look(l, "2001:db8:1:2::"), 5);
	ASSERT_EQ(look(l, "2001:db8:1:2::1"), 6);
	ASSERT_EQ(look(l, "2001:db8:1:2::2"), 5);
	ASSERT_EQ(look(l, "2001:db8:1:2:7fff:ffff:ffff:ffff"), 5);
	ASSERT_EQ(look(l, "2001:db8:1:2:8000::"), 4);
	ASSERT_EQ(look(l, "2001:db8:1:3::"), 7);
	ASSERT_EQ(look(l, "2001:db8:1:4::"), 3);
	ASSERT_EQ(look(l, "2001:db9::"), 1);
	ASSERT_EQ(get(l, "2001:db8:1:2::", 64), 4);
	ASSERT_EQ(get(l, "2001:db8:1:2::", 63), 7);
	ASSERT_EQ(del(l, "2001:db8:1:2::", 65), 0);
	ASSERT_EQ(look(l, "2001:db8:1:2::2"), 4);
	ASSERT_EQ(del(l, "2001:db8:1:2::", 64), 0);
	ASSERT_EQ(look(l, "2001:db8:1:2::2"), 7);
	ASSERT_EQ(look(l, "2001:db8:1:2::1"), 6);
	ASSERT_EQ(del(l, "2001:db8:1:2::", 63), 0);
	ASSERT_EQ(look(l, "2001:db8:1:2::2"), 3);
	ASSERT_EQ(del(l, "::", 0), 0);
	ASSERT_EQ(look(l, "2001:db9::"), 0);
	ASSERT_EQ(ins(l, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128, 9), 0);
	ASSERT_EQ(look(l, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 9);
	ASSERT_EQ(look(l, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"), 0);
	ASSERT_EQ(csvx_lpm_count(l), 4);
}

/* Nexthops above 16 bits switch the leaves to 32 bits and back. */
TEST_F(lpm, wide_nexthops)
{
	struct csvx_lpm *l = self->l4;
	struct csvx_lpm_stats st;
	char s[32];
	int i;

	for (i = 0; i < 300; i++) {
		snprintf(s, sizeof(s), "10.%d.%d.0", i / 100, i % 100);
		ASSERT_EQ(ins(l, s, 24, 1 + i % 5), 0);
	}
	csvx_lpm_stats(l, &st, false);
	ASSERT_FALSE(st.wide_leaves);
	ASSERT_EQ(ins(l, "10.1.7.0", 25, 70000), 0);
	ASSERT_EQ(ins(l, "10.2.7.0", 26, CSVX_LPM_NH_MAX), 0);
	csvx_lpm_stats(l, &st, false);
	ASSERT_TRUE(st.wide_leaves);
	ASSERT_EQ(look(l, "10.1.7.1"), 70000);
	ASSERT_EQ(look(l, "10.1.7.129"), 1 + 107 % 5);
	ASSERT_EQ(look(l, "10.2.7.1"), CSVX_LPM_NH_MAX);
	ASSERT_EQ(look(l, "10.0.99.1"), 1 + 99 % 5);
	ASSERT_EQ(del(l, "10.1.7.0", 25), 0);
	ASSERT_EQ(del(l, "10.2.7.0", 26), 0);
	ASSERT_EQ(look(l, "10.1.7.1"), 1 + 107 % 5);
	/* Narrow again at the next relayout; lookups right throughout. */
	for (i = 0; i < 3000; i++) {
		snprintf(s, sizeof(s), "11.%d.%d.0", i / 200, i % 200);
		ASSERT_EQ(ins(l, s, 24, 9), 0);
	}
	csvx_lpm_stats(l, &st, false);
	ASSERT_FALSE(st.wide_leaves);
	ASSERT_EQ(look(l, "10.2.7.1"), 1 + 207 % 5);
	ASSERT_EQ(look(l, "11.14.199.1"), 9);
}

/*
 * Nodes with 4 to 6 runs of leaves keep them inline at 16 bits but not at
 * 32: when the first wide nexthop arrives, the copy into 32-bit arrays
 * moves them out into the leaves array, which must have room for them
 * although the 16-bit trie had no leaves outside its nodes at all.
 */
TEST_F(lpm, wide_leaves_move_out)
{
	struct csvx_lpm *l = self->l4;
	struct csvx_lpm_stats st;
	const int nodes = 40;
	int k, q, runs;
	char s[32];

	/* 10.0.k.0/24: eight /27s in 4, 5 or 6 runs, one node at depth 24. */
	for (k = 0; k < nodes; k++) {
		runs = 4 + k % 3;
		for (q = 0; q < 8; q++) {
			snprintf(s, sizeof(s), "10.0.%d.%d", k, 32 * q);
			ASSERT_EQ(ins(l, s, 27, 1 + (q < runs ? q : runs - 1)), 0);
		}
	}
	csvx_lpm_stats(l, &st, true);
	ASSERT_FALSE(st.wide_leaves);
	ASSERT_EQ(st.leaves, 0);
	check_caps(_metadata, l);

	ASSERT_EQ(ins(l, "192.168.0.0", 16, 70000), 0);
	csvx_lpm_stats(l, &st, true);
	ASSERT_TRUE(st.wide_leaves);
	ASSERT_GE(st.leaves, 4 * nodes);
	check_caps(_metadata, l);
	for (k = 0; k < nodes; k++) {
		runs = 4 + k % 3;
		for (q = 0; q < 8; q++) {
			snprintf(s, sizeof(s), "10.0.%d.%d", k, 32 * q + 5);
			ASSERT_EQ(look(l, s), 1 + (q < runs ? q : runs - 1));
		}
	}
	ASSERT_EQ(look(l, "192.168.3.4"), 70000);
	ASSERT_EQ(look(l, "10.0.40.1"), 0);

	/* And back to 16 bits, the leaves inline again. */
	ASSERT_EQ(del(l, "192.168.0.0", 16), 0);
	for (k = 0; k < 600; k++) {
		snprintf(s, sizeof(s), "11.%d.%d.0", k / 200, k % 200);
		ASSERT_EQ(ins(l, s, 24, 9), 0);
	}
	csvx_lpm_stats(l, &st, true);
	ASSERT_FALSE(st.wide_leaves);
	check_caps(_metadata, l);
	ASSERT_EQ(look(l, "10.0.38.200"), 6);
	ASSERT_EQ(look(l, "11.2.199.1"), 9);
}

/*
 * A node a top entry names keeps all its leaves after it, however many:
 * with fewer than 2048 routes IPv4 has 6 top bits (IPv6 4), so the /12s
 * (/10s) under one top entry fill the slots of one top node.  64 runs of
 * leaves at 16 bits and at 32, children under a top node beside its
 * leaves, a default route, and deletes down to a single value.
 */
static void top_node_check(struct __test_metadata *_metadata,
			   struct csvx_lpm *l, bool v6, const u32 *want,
			   u32 dflt)
{
	uint8_t a[16];
	u32 i, nh;

	for (i = 0; i < 64; i++) {
		memset(a, 0, sizeof(a));
		/* slot i, and a host in the middle of it */
		if (v6) {
			a[0] = 0x20 | i >> 2;
			a[1] = (i & 3) << 6 | 0x15;
		} else {
			a[0] = 8 | i >> 4;
			a[1] = (i & 15) << 4 | 7;
			a[3] = 9;
		}
		rcu_read_lock();
		nh = csvx_lpm_lookup(l, a);
		rcu_read_unlock();
		ASSERT_EQ(nh, want[i] ? want[i] : dflt);
	}
}

static void top_node_run(struct __test_metadata *_metadata,
			 struct csvx_lpm *l, bool v6)
{
	struct csvx_lpm_stats st;
	u32 want[64], i, step;
	uint8_t a[16];
	u32 old;

	for (i = 0; i < 64; i++) {
		memset(a, 0, sizeof(a));
		if (v6) {
			a[0] = 0x20 | i >> 2;
			a[1] = (i & 3) << 6;
		} else {
			a[0] = 8 | i >> 4;
			a[1] = (i & 15) << 4;
		}
		want[i] = 100 + i;
		ASSERT_EQ(csvx_lpm_insert(l, a, v6 ? 10 : 12, want[i], &old), 0);
	}
	top_node_check(_metadata, l, v6, want, 0);
	ASSERT_EQ(ins(l, v6 ? "::" : "0.0.0.0", 0, 7), 0);
	top_node_check(_metadata, l, v6, want, 7);
	/* A child beside the leaves: an address under a longer route. */
	ASSERT_EQ(ins(l, v6 ? "2000:0:0:0:1::" : "8.0.0.1", v6 ? 80 : 32, 9),
		  0);
	ASSERT_EQ(look(l, v6 ? "2000:0:0:0:1::" : "8.0.0.1"), 9);
	ASSERT_EQ(look(l, v6 ? "2000:0:0:0:2::" : "8.0.0.2"), 100);
	top_node_check(_metadata, l, v6, want, 7);
	/* 32-bit leaves: the top node is copied wider, 64 leaves and all. */
	ASSERT_EQ(ins(l, v6 ? "ff00::" : "200.0.0.0", 8, 70000), 0);
	csvx_lpm_stats(l, &st, true);
	ASSERT_TRUE(st.wide_leaves);
	check_caps(_metadata, l);
	top_node_check(_metadata, l, v6, want, 7);
	ASSERT_EQ(look(l, v6 ? "ff01::1" : "200.1.2.3"), 70000);
	ASSERT_EQ(look(l, v6 ? "2000:0:0:0:1::" : "8.0.0.1"), 9);
	ASSERT_EQ(del(l, v6 ? "ff00::" : "200.0.0.0", 8), 0);
	ASSERT_EQ(del(l, v6 ? "2000:0:0:0:1::" : "8.0.0.1", v6 ? 80 : 32), 0);
	/* Deletes in a scattered order, down to no node at all. */
	for (step = 0; step < 64; step++) {
		i = (step * 37) % 64;
		memset(a, 0, sizeof(a));
		if (v6) {
			a[0] = 0x20 | i >> 2;
			a[1] = (i & 3) << 6;
		} else {
			a[0] = 8 | i >> 4;
			a[1] = (i & 15) << 4;
		}
		ASSERT_EQ(csvx_lpm_delete(l, a, v6 ? 10 : 12, &old), 0);
		ASSERT_EQ(old, want[i]);
		want[i] = 0;
		top_node_check(_metadata, l, v6, want, 7);
		check_caps(_metadata, l);
	}
	csvx_lpm_stats(l, &st, true);
	ASSERT_EQ(st.nodes, 0);
	ASSERT_EQ(csvx_lpm_count(l), 1);
}

TEST_F(lpm, top_node_leaves)
{
	top_node_run(_metadata, self->l4, false);
	top_node_run(_metadata, self->l6, true);
}

/*
 * The two nodes the IPv4 fast path must send to lookup_deep() with one
 * test: a node whose 64 slots are all children (vector all ones, no
 * leaves) and a skip node (vector all ones too, told apart by its stride
 * count), as top nodes and below them.
 */
TEST_F(lpm, full_and_skip_nodes)
{
	struct csvx_lpm *l = self->l4;
	uint8_t a[4];
	u32 i, old;

	ASSERT_EQ(ins(l, "0.0.0.0", 0, 7), 0);
	/* a /13 in each /12 slot of the top node of 8.0.0.0/6 */
	for (i = 0; i < 64; i++) {
		a[0] = 8 | i >> 4;
		a[1] = (i & 15) << 4;
		a[2] = a[3] = 0;
		ASSERT_EQ(csvx_lpm_insert(l, a, 13, 100 + i, &old), 0);
	}
	/* a lone /32 elsewhere: a chain of one-child nodes, a skip node */
	ASSERT_EQ(ins(l, "100.1.2.3", 32, 9), 0);
	for (i = 0; i < 64; i++) {
		a[0] = 8 | i >> 4;
		a[1] = (i & 15) << 4 | 3;
		a[2] = 1;
		a[3] = 2;
		rcu_read_lock();
		ASSERT_EQ(csvx_lpm_lookup(l, a), 100 + i);
		a[1] |= 8;		/* the other /13 of the /12 */
		ASSERT_EQ(csvx_lpm_lookup(l, a), 7);
		rcu_read_unlock();
	}
	ASSERT_EQ(look(l, "100.1.2.3"), 9);
	ASSERT_EQ(look(l, "100.1.2.2"), 7);
	ASSERT_EQ(look(l, "100.1.3.3"), 7);
	ASSERT_EQ(look(l, "100.129.2.3"), 7);
	ASSERT_EQ(look(l, "101.1.2.3"), 7);
	/* the skip node's chain split by a route beside it, then rejoined */
	ASSERT_EQ(ins(l, "100.1.2.128", 25, 11), 0);
	ASSERT_EQ(look(l, "100.1.2.3"), 9);
	ASSERT_EQ(look(l, "100.1.2.200"), 11);
	ASSERT_EQ(del(l, "100.1.2.128", 25), 0);
	ASSERT_EQ(look(l, "100.1.2.200"), 7);
	ASSERT_EQ(look(l, "100.1.2.3"), 9);
	check_caps(_metadata, l);
}

TEST_F(lpm, walk_resume)
{
	struct csvx_lpm *l = self->l4;
	struct walk_buf w = { .alen = 4 };
	struct csvx_lpm_cursor c = {};
	struct ref_ent *v, *v2;
	struct ref r;
	uint8_t a[16];
	u32 old;
	size_t i, k;

	ref_init(&r, AF_INET, 2000);
	for (i = 0; i < 1000; i++) {
		a4(a, 10U << 24 | (i % 7) << 16 | (i / 7) << 8);
		ASSERT_EQ(csvx_lpm_insert(l, a, 24, 1 + i, &old), 0);
		ref_set(&r, a, 24, 1 + i);
		if (i % 3 == 0 && (i / 7) % 2 == 0) {
			ASSERT_EQ(csvx_lpm_insert(l, a, 23, 5000 + i, &old), 0);
			ref_set(&r, a, 23, 5000 + i);
		}
	}
	/* Empty LPM: the walk ends at once. */
	ASSERT_EQ(csvx_lpm_walk(self->l6, &c, walk_take, &w), 0);
	ASSERT_EQ(c.started, 2);
	ASSERT_EQ(w.n, 0);

	/* Stop on the 10th route; the cursor names it. */
	v = ref_sorted(&r);
	memset(&c, 0, sizeof(c));
	w.stop_every = 10;
	ASSERT_EQ(csvx_lpm_walk(l, &c, walk_take, &w), 7);
	ASSERT_EQ(w.n, 9);
	ASSERT_EQ(c.started, 1);
	ASSERT_EQ(memcmp(c.prefix, v[9].a, 4), 0);
	ASSERT_EQ(c.plen, v[9].plen);
	w.stop_every = 0;

	/* The route at the cursor goes, one before it and one after it come:
	 * the walk goes on after the cursor and sees only the later one. */
	ASSERT_EQ(csvx_lpm_delete(l, v[9].a, v[9].plen, &old), 0);
	ref_del(&r, v[9].a, v[9].plen);
	ASSERT_EQ(csvx_lpm_insert(l, v[9].a, v[9].plen + 1, 77, &old), 0);
	ref_set(&r, v[9].a, v[9].plen + 1, 77);
	ASSERT_EQ(csvx_lpm_insert(l, v[3].a, v[3].plen + 1, 78, &old), 0);
	ASSERT_EQ(csvx_lpm_walk(l, &c, walk_take, &w), 0);
	ASSERT_EQ(c.started, 2);
	ASSERT_EQ(csvx_lpm_walk(l, &c, walk_take, &w), 0);

	v2 = ref_sorted(&r);
	ASSERT_EQ(w.n, r.n);
	for (i = 0, k = 0; i < w.n; i++, k++) {
		ASSERT_EQ(memcmp(w.v[i].a, v2[k].a, 16), 0);
		ASSERT_EQ(w.v[i].plen, v2[k].plen);
		ASSERT_EQ(w.v[i].nh, v2[k].nh);
	}
	ASSERT_EQ(w.v[9].nh, 77);
	free(v);
	free(v2);
	free(w.v);
	ref_free(&r);
}

/* Walk in small pieces and fully, compared with the model, both families. */
TEST_F(lpm, walk_order)
{
	struct prng p = { 5 };
	struct pool pl4, pl6;
	struct ref r4, r6;
	int i;

	ref_init(&r4, AF_INET, 3000);
	ref_init(&r6, AF_INET6, 3000);
	pool_init(&pl4, &p, 4);
	pool_init(&pl6, &p, 16);
	for (i = 0; i < 3000; i++) {
		rnd_op(_metadata, self->l4, &r4, &pl4, &p, 90);
		rnd_op(_metadata, self->l6, &r6, &pl6, &p, 90);
	}
	check_walk(_metadata, self->l4, &r4, 0);
	check_walk(_metadata, self->l4, &r4, 1 + 3);
	check_walk(_metadata, self->l6, &r6, 0);
	check_walk(_metadata, self->l6, &r6, 2);
	ref_free(&r4);
	ref_free(&r6);
}

/* --------------------------------------------------------- model tests */

TEST_F_TIMEOUT(lpm, model_v4, 300)
{
	model_run(_metadata, AF_INET, 1, 400, 160);
	model_run(_metadata, AF_INET, 2, 4000, 48);	/* s 6 -> 12 -> 6 */
	model_run(_metadata, AF_INET, 3, 600, 400);
}

TEST_F_TIMEOUT(lpm, model_v6, 300)
{
	model_run(_metadata, AF_INET6, 3, 200, 160);
	model_run(_metadata, AF_INET6, 4, 1500, 48);	/* s 4 -> 10 -> 4 */
	model_run(_metadata, AF_INET6, 5, 600, 400);
}

/* The largest top level (s = 18 / 16), grown into and shrunk out of. */
TEST_F_TIMEOUT(lpm, model_big, 600)
{
	const int n = lpm_scale(160000);
	struct lpm_gen_route *rt = malloc(n * sizeof(*rt));
	struct csvx_lpm_stats st;
	struct prng p = { model_seed(9) };
	struct pool pl;
	struct ref r;
	u32 old;
	int i, fam;

	ASSERT_NE(rt, NULL);
	for (fam = 0; fam < 2; fam++) {
		struct csvx_lpm *l = fam ? self->l6 : self->l4;
		int family = fam ? AF_INET6 : AF_INET;

		ref_init(&r, family, n);
		pool_init(&pl, &p, fam ? 16 : 4);
		ASSERT_EQ(fam ? lpm_gen_bgp6(rt, n, model_seed(11), 300) :
				lpm_gen_bgp4(rt, n, model_seed(11), 300), n);
		for (i = 0; i < n; i++) {
			ASSERT_EQ(csvx_lpm_insert(l, rt[i].a, rt[i].plen,
						  rt[i].nh, &old), 0);
			ASSERT_EQ(old, ref_set(&r, rt[i].a, rt[i].plen,
					       rt[i].nh));
			if (i % 20000 == 0)
				check_lookups(_metadata, l, &r, &pl, &p, 200);
		}
		csvx_lpm_stats(l, &st, false);
		if (n >= 131072)
			ASSERT_EQ(st.top_bits, fam ? 16 : 18);
		check_lookups(_metadata, l, &r, &pl, &p, 3000);
		check_caps(_metadata, l);
		for (i = 0; i < 2000; i++)
			rnd_op(_metadata, l, &r, &pl, &p, 50);
		check_lookups(_metadata, l, &r, &pl, &p, 3000);
		check_caps(_metadata, l);
		check_walk(_metadata, l, &r, 0);
		for (i = 0; i < n - n / 160; i++) {
			u32 want = ref_del(&r, rt[i].a, rt[i].plen);
			int err = csvx_lpm_delete(l, rt[i].a, rt[i].plen, &old);

			ASSERT_EQ(err, want ? 0 : -ENOENT);
			ASSERT_EQ(old, want);
			if (i % 20000 == 0)
				check_lookups(_metadata, l, &r, &pl, &p, 200);
		}
		csvx_lpm_stats(l, &st, false);
		ASSERT_LT(st.top_bits, fam ? 16 : 18);
		check_lookups(_metadata, l, &r, &pl, &p, 3000);
		check_caps(_metadata, l);
		check_walk(_metadata, l, &r, 0);
		ref_free(&r);
	}
	free(rt);
}

/* ------------------------------------------------------- scale tests */

static void shuffle(struct lpm_gen_route *rt, int n, uint64_t seed)
{
	struct prng p = { seed };
	int i;

	for (i = n - 1; i > 0; i--) {
		int j = rndn(&p, i + 1);
		struct lpm_gen_route t = rt[i];

		rt[i] = rt[j];
		rt[j] = t;
	}
}

static void load_1m(struct __test_metadata *_metadata, struct csvx_lpm *l,
		    const char *name, bool uniform)
{
	const int n = lpm_scale(1000000), nl = lpm_scale(1 << 22);
	struct lpm_gen_route *rt = malloc(n * sizeof(*rt));
	uint8_t *ad = malloc((size_t)nl * 4);
	struct csvx_lpm_stats st;
	double t0, t1, t2, t3;
	struct ref r;
	uint64_t sum = 0;
	u32 old;
	int i;

	ASSERT_NE(rt, NULL);
	ASSERT_NE(ad, NULL);
	ASSERT_EQ(uniform ? lpm_gen_uniform4(rt, n, 1, 1000) :
			    lpm_gen_bgp4(rt, n, 1, 1000), n);
	shuffle(rt, n, 2);
	t0 = cpu_now();
	for (i = 0; i < n; i++)
		ASSERT_EQ(csvx_lpm_insert(l, rt[i].a, rt[i].plen, rt[i].nh,
					  &old), 0);
	t1 = cpu_now();
	ASSERT_EQ(csvx_lpm_count(l), n);
	csvx_lpm_stats(l, &st, true);

	lpm_gen_addrs(ad, nl, 4, rt, n, 90, 3);
	rcu_read_lock();
	t2 = cpu_now();
	for (i = 0; i < nl; i++)
		sum += csvx_lpm_lookup(l, ad + 4 * i);
	t3 = cpu_now();
	rcu_read_unlock();

	ksft_print_msg("lpm: %dk %s: build %.2f s (%.2f us/route), %.1f Mlookups/s, trie %.2f B/route (%u nodes, %u leaves), rib %.2f B/route, total %.2f MiB\n",
		       n / 1000, name, t1 - t0, (t1 - t0) * 1e6 / n,
		       nl / (t3 - t2) / 1e6, (double)st.trie_bytes / n, st.nodes,
		       st.leaves, (double)st.rib_bytes / n,
		       (st.trie_bytes + st.rib_bytes) / 1048576.0);
	ASSERT_NE(sum, 0);

	/* Check a sample against the model. */
	ref_init(&r, AF_INET, n);
	for (i = 0; i < n; i++)
		ref_set(&r, rt[i].a, rt[i].plen, rt[i].nh);
	for (i = 0; i < nl && i < 200000; i++) {
		uint8_t a[16] = {};
		u32 got;

		memcpy(a, ad + 4 * i, 4);
		rcu_read_lock();
		got = csvx_lpm_lookup(l, a);
		rcu_read_unlock();
		ASSERT_EQ(got, ref_lookup(&r, a));
	}
	ref_free(&r);

	/* Remove it all again: nothing is left behind. */
	t0 = cpu_now();
	for (i = 0; i < n; i++)
		ASSERT_EQ(csvx_lpm_delete(l, rt[i].a, rt[i].plen, &old), 0);
	t1 = cpu_now();
	ksft_print_msg("lpm: %dk %s: delete all %.2f s, then %zu bytes\n",
		       n / 1000, name, t1 - t0, csvx_lpm_memory(l));
	ASSERT_EQ(csvx_lpm_count(l), 0);
	ASSERT_LT(csvx_lpm_memory(l), 1024);
	free(rt);
	free(ad);
}

TEST_F_TIMEOUT(lpm, load_1m_bgp, 900)
{
	load_1m(_metadata, self->l4, "bgp-like IPv4", false);
}

TEST_F_TIMEOUT(lpm, load_1m_uniform, 900)
{
	load_1m(_metadata, self->l4, "uniform IPv4", true);
}

TEST_F_TIMEOUT(lpm, load_200k_v6, 600)
{
	const int n = lpm_scale(200000), nl = lpm_scale(1 << 21);
	struct lpm_gen_route *rt = malloc(n * sizeof(*rt));
	uint8_t *ad = malloc((size_t)nl * 16);
	struct csvx_lpm *l = self->l6;
	struct csvx_lpm_stats st;
	double t0, t1, t2, t3;
	uint64_t sum = 0;
	u32 old;
	int i;

	ASSERT_EQ(lpm_gen_bgp6(rt, n, 1, 1000), n);
	shuffle(rt, n, 2);
	t0 = cpu_now();
	for (i = 0; i < n; i++)
		ASSERT_EQ(csvx_lpm_insert(l, rt[i].a, rt[i].plen, rt[i].nh,
					  &old), 0);
	t1 = cpu_now();
	csvx_lpm_stats(l, &st, true);
	lpm_gen_addrs(ad, nl, 16, rt, n, 90, 3);
	rcu_read_lock();
	t2 = cpu_now();
	for (i = 0; i < nl; i++)
		sum += csvx_lpm_lookup(l, ad + 16 * i);
	t3 = cpu_now();
	rcu_read_unlock();
	ksft_print_msg("lpm: %dk bgp-like IPv6: build %.2f s (%.2f us/route), %.1f Mlookups/s, trie %.2f B/route, rib %.2f B/route\n",
		       n / 1000, t1 - t0, (t1 - t0) * 1e6 / n,
		       nl / (t3 - t2) / 1e6, (double)st.trie_bytes / n,
		       (double)st.rib_bytes / n);
	ASSERT_NE(sum, 0);
	free(rt);
	free(ad);
}

/* Thousands of tenant VRFs: memory grows with routes, not with VRFs. */
TEST_F_TIMEOUT(lpm, vrfs_10k, 300)
{
	const int nv = lpm_scale(10000), per = 100;
	struct csvx_lpm **v = calloc(nv, sizeof(*v));
	size_t total = 0, trie = 0, rib = 0, empty;
	struct csvx_lpm_stats st;
	struct prng p = { 3 };
	uint8_t a[16];
	u32 old, x;
	int i, k;

	ASSERT_NE(v, NULL);
	empty = csvx_lpm_memory(self->l4);
	for (i = 0; i < nv; i++) {
		v[i] = csvx_lpm_create(AF_INET);
		ASSERT_NE(v[i], NULL);
		/* A default route, subnets of a /16, hosts in them, a few
		 * routes elsewhere: what an EVPN tenant VRF holds. */
		a4(a, 0);
		ASSERT_EQ(csvx_lpm_insert(v[i], a, 0, 1, &old), 0);
		for (k = 1; k < per; k++) {
			int plen;

			switch (k % 4) {
			case 0:
				x = 10U << 24 | (i & 0xff) << 16 | rndn(&p, 256) << 8 |
				    rndn(&p, 256);
				plen = 32;
				break;
			case 1:
				x = 172U << 24 | (16 + rndn(&p, 16)) << 16 |
				    rndn(&p, 256) << 8;
				plen = 24;
				break;
			default:
				x = 10U << 24 | (i & 0xff) << 16 | rndn(&p, 256) << 8;
				plen = 24;
			}
			a4(a, x);
			ASSERT_EQ(csvx_lpm_insert(v[i], a, plen, 2 + rndn(&p, 40),
						  &old), 0);
		}
	}
	for (i = 0; i < nv; i++) {
		csvx_lpm_stats(v[i], &st, false);
		trie += st.trie_bytes;
		rib += st.rib_bytes;
		total += csvx_lpm_memory(v[i]);
	}
	ksft_print_msg("lpm: %d VRFs x %d IPv4 routes: %.1f MiB (%zu bytes/VRF: trie %zu, rib %zu; an empty LPM is %zu)\n",
		       nv, per, total / 1048576.0, total / nv, trie / nv, rib / nv,
		       empty);
	ASSERT_LT(total / nv, 8192);
	a4(a, 10U << 24 | 7 << 16 | 1);
	rcu_read_lock();
	ASSERT_NE(csvx_lpm_lookup(v[7], a), 0);
	rcu_read_unlock();
	for (i = 0; i < nv; i++) {
		if (i % 2)
			csvx_lpm_destroy(v[i]);
		else
			csvx_lpm_destroy_rcu(v[i]);
	}
	free(v);
}

/* ------------------------------------------------------- concurrency */

struct rd_ctx {
	struct csvx_lpm *l4, *l6;
	volatile int stop;
	long lookups, errors;
	u32 bad_got, bad_want;
};

/*
 * What readers must see while the writer churns: 100.X.0.0/16 is stable
 * (nh 1000 + X), 100.200.0.0/24 flips between nh 7 and absent (then its
 * /16 answers, nh 1200), and 2001:db8:X::/48 likewise for IPv6.
 */
static void *reader(void *arg)
{
	struct rd_ctx *c = arg;
	struct prng p = { 77 };
	uint8_t a[16] = {};
	u32 got, x;
	int i;

	rcu_register_thread();
	while (!c->stop) {
		rcu_read_lock();
		for (i = 0; i < 256; i++) {
			x = rndn(&p, 200);
			a4(a, 100U << 24 | x << 16 | rndn(&p, 65536));
			got = csvx_lpm_lookup(c->l4, a);
			if (got != 1000 + x) {
				c->errors++;
				c->bad_got = got;
				c->bad_want = 1000 + x;
			}
			a4(a, 100U << 24 | 200 << 16 | rndn(&p, 256));
			got = csvx_lpm_lookup(c->l4, a);
			if (got != 7 && got != 1200)
				c->errors++;
			memset(a, 0, 16);
			a[0] = 0x20;
			a[1] = 0x01;
			a[2] = 0x0d;
			a[3] = 0xb8;
			a[5] = x;
			a[9] = rnd(&p);
			got = csvx_lpm_lookup(c->l6, a);
			if (got != 2000 + x)
				c->errors++;
		}
		rcu_read_unlock();
		c->lookups += 3 * 256;
	}
	rcu_unregister_thread();
	return NULL;
}

TEST_F_TIMEOUT(lpm, rcu_readers, 600)
{
	struct rd_ctx c = { .l4 = self->l4, .l6 = self->l6 };
	struct prng p = { 4 };
	struct pool pl4, pl6;
	struct ref r4, r6;
	pthread_t th;
	uint8_t a[16];
	u32 old;
	int i, round;

	for (i = 0; i <= 200; i++) {
		a4(a, 100U << 24 | i << 16);
		ASSERT_EQ(csvx_lpm_insert(c.l4, a, 16, 1000 + i, &old), 0);
		memset(a, 0, 16);
		a[0] = 0x20;
		a[1] = 0x01;
		a[2] = 0x0d;
		a[3] = 0xb8;
		a[5] = i;
		ASSERT_EQ(csvx_lpm_insert(c.l6, a, 48, 2000 + i, &old), 0);
	}
	ref_init(&r4, AF_INET, 40000);
	ref_init(&r6, AF_INET6, 40000);
	pool_init(&pl4, &p, 4);
	pool_init(&pl6, &p, 16);
	/* Keep the churn away from 100/8 and 2001:db8::/32. */
	for (i = 0; i < 64; i++) {
		pl4.base[i][0] |= 0xc0;
		pl6.base[i][0] = 0x30 | (pl6.base[i][0] & 0xf);
	}
	ASSERT_EQ(pthread_create(&th, NULL, reader, &c), 0);
	for (round = 0; round < 24; round++) {
		/* Grow past the 2048-route top-level change and back. */
		int ops = round % 6 < 3 ? 1500 : 1200, grow = round % 6 < 3 ? 90 : 10;

		for (i = 0; i < ops; i++) {
			uint8_t b[16];

			rnd_op(_metadata, c.l4, &r4, &pl4, &p, grow);
			rnd_op(_metadata, c.l6, &r6, &pl6, &p, grow);
			if (i % 16 == 0) {
				a4(b, 100U << 24 | 200 << 16);
				int e;

				if (csvx_lpm_get(c.l4, b, 24))
					e = csvx_lpm_delete(c.l4, b, 24, &old);
				else
					e = csvx_lpm_insert(c.l4, b, 24, 7, &old);
				ASSERT_EQ(e, 0);
			}
		}
	}
	c.stop = 1;
	pthread_join(th, NULL);
	ksft_print_msg("lpm: reader did %ld lookups beside %zu/%zu routes churning, %ld wrong\n",
		       c.lookups, r4.n, r6.n, c.errors);
	if (c.errors)
		TH_LOG("last wrong answer %u, wanted %u", c.bad_got, c.bad_want);
	ASSERT_EQ(c.errors, 0);
	ASSERT_GT(c.lookups, 0);
	ref_free(&r4);
	ref_free(&r6);
}

/* ------------------------------------------------------------ ENOMEM */

static void snapshot(struct csvx_lpm *l, struct walk_buf *w, const uint8_t *ad,
		     int n, int alen, u32 *res)
{
	struct csvx_lpm_cursor c = {};
	int i;

	memset(w, 0, sizeof(*w));
	w->alen = alen;
	csvx_lpm_walk(l, &c, walk_take, w);
	rcu_read_lock();
	for (i = 0; i < n; i++)
		res[i] = csvx_lpm_lookup(l, ad + 16 * i);
	rcu_read_unlock();
}

/*
 * Fail the 1st, 2nd, ... allocation of an operation until it succeeds:
 * each failure must be -ENOMEM and leave routes and lookups as they were.
 */
static void fail_each(struct __test_metadata *_metadata, struct csvx_lpm *l,
		      int alen, bool insert, const uint8_t *pfx, int plen,
		      u32 nh, const uint8_t *ad, int nad)
{
	struct walk_buf before, after;
	u32 *r0 = malloc(nad * sizeof(u32)), *r1 = malloc(nad * sizeof(u32));
	u32 old;
	int k, err;

	snapshot(l, &before, ad, nad, alen, r0);
	for (k = 1; k < 1000; k++) {
		csvx_lpm_fault_after = k;
		err = insert ? csvx_lpm_insert(l, pfx, plen, nh, &old) :
			       csvx_lpm_delete(l, pfx, plen, &old);
		if (!err)
			break;
		csvx_lpm_fault_after = 0;
		ASSERT_EQ(err, -ENOMEM);
		snapshot(l, &after, ad, nad, alen, r1);
		ASSERT_EQ(after.n, before.n);
		ASSERT_EQ(memcmp(after.v, before.v, before.n * sizeof(*before.v)), 0);
		ASSERT_EQ(memcmp(r0, r1, nad * sizeof(u32)), 0);
		free(after.v);
	}
	csvx_lpm_fault_after = 0;
	ASSERT_EQ(err, 0);
	ASSERT_GT(k, 1);
	ASSERT_EQ(csvx_lpm_get(l, pfx, plen), insert ? nh : 0);
	free(before.v);
	free(r0);
	free(r1);
}

TEST_F_TIMEOUT(lpm, enomem, 300)
{
	struct csvx_lpm *l = self->l4;
	const int nad = 2000;
	uint8_t *ad = calloc(nad, 16), a[16];
	struct prng p = { 6 };
	struct pool pl;
	struct ref r;
	int i;

	ref_init(&r, AF_INET, 4000);
	pool_init(&pl, &p, 4);
	for (i = 0; i < 2040; i++)
		rnd_op(_metadata, l, &r, &pl, &p, 100);
	for (i = 0; i < nad; i++)
		rnd_addr(&p, &r, &pl, ad + 16 * i);
	/* Plain inserts and deletes, a /0, a wide nexthop. */
	for (i = 0; i < 20; i++) {
		int plen = rnd_prefix(&p, &pl, a);

		if (ref_get(&r, a, plen)) {
			fail_each(_metadata, l, 4, false, a, plen, 0, ad, nad);
			ref_del(&r, a, plen);
		} else {
			fail_each(_metadata, l, 4, true, a, plen, 3, ad, nad);
			ref_set(&r, a, plen, 3);
		}
	}
	a4(a, 0);
	fail_each(_metadata, l, 4, true, a, 0, 9, ad, nad);
	a4(a, 0x0a000000);
	fail_each(_metadata, l, 4, true, a, 8, 100000, ad, nad);
	/* Past 2048 routes: the top level is rebuilt bigger. */
	while (csvx_lpm_count(l) < 2047) {
		u32 old;
		int plen = rnd_prefix(&p, &pl, a);

		ASSERT_EQ(csvx_lpm_insert(l, a, plen, 5, &old), 0);
	}
	do {
		i = rnd_prefix(&p, &pl, a);
	} while (csvx_lpm_get(l, a, i));
	fail_each(_metadata, l, 4, true, a, i, 4, ad, nad);
	ref_free(&r);
	free(ad);
}

TEST_HARNESS_MAIN
