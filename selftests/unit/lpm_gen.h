/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Route sets for the LPM tests and bench/lpm: deterministic for a seed, so
 * csvx_lpm and rte_lpm are fed the very same keys.
 *
 * lpm_gen_bgp4() imitates a full IPv4 table.  Prefix lengths follow the
 * shape of today's DFZ (about 60% /24, /16../23 most of the rest, under
 * 0.5% shorter than /16) plus 3% of /25../32 for EVPN host and small
 * subnet routes.  Placement is what makes a real table compressible, and
 * what a uniform random one lacks: routes come from allocations (a /8 ../24
 * block held by one network, behind one nexthop most of the time), which
 * are announced whole, split into runs of adjacent more-specifics, or both.
 * lpm_gen_uniform4() has the same lengths at uniformly random addresses,
 * the worst case for any compressed trie.
 */
#ifndef _CSVX_LPM_GEN_H
#define _CSVX_LPM_GEN_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct lpm_gen_route {
	uint8_t a[16];		/* network byte order */
	uint8_t plen;
	uint32_t nh;
};

struct lpm_gen_rng {
	uint64_t s;
};

static inline uint64_t lpm_gen_next(struct lpm_gen_rng *r)
{
	/* splitmix64: small, fast, good enough for test data */
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint32_t lpm_gen_below(struct lpm_gen_rng *r, uint32_t n)
{
	return n ? (uint32_t)((lpm_gen_next(r) >> 32) * n >> 32) : 0;
}

static inline void lpm_gen_put4(struct lpm_gen_route *rt, uint32_t a,
				uint8_t plen, uint32_t nh)
{
	memset(rt, 0, sizeof(*rt));
	rt->a[0] = a >> 24;
	rt->a[1] = a >> 16;
	rt->a[2] = a >> 8;
	rt->a[3] = a;
	rt->plen = plen;
	rt->nh = nh;
}

static inline uint32_t lpm_gen_get4(const uint8_t *a)
{
	return (uint32_t)a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];
}

/* A set of (prefix, length) seen, to keep routes unique. */
struct lpm_gen_set {
	uint64_t *k;
	uint64_t mask;
};

static inline int lpm_gen_set_init(struct lpm_gen_set *s, uint32_t n)
{
	uint64_t sz = 1;

	while (sz < 2ULL * n + 16)
		sz <<= 1;
	s->k = calloc(sz, sizeof(*s->k));
	s->mask = sz - 1;
	return s->k ? 0 : -1;
}

/* Returns 1 if @key was added, 0 if it was there already. */
static inline int lpm_gen_set_add(struct lpm_gen_set *s, uint64_t key)
{
	uint64_t h = (key + 1) * 0x9e3779b97f4a7c15ULL, i;

	for (i = h >> 20;; i++) {
		uint64_t *p = &s->k[i & s->mask];

		if (!*p) {
			*p = key + 1;
			return 1;
		}
		if (*p == key + 1)
			return 0;
	}
}

static inline void lpm_gen_set_free(struct lpm_gen_set *s)
{
	free(s->k);
}

/* Share of each IPv4 prefix length, per 100000 routes. */
static const uint32_t lpm_gen_len4[33] = {
	[8] = 1, [9] = 2, [10] = 4, [11] = 10, [12] = 30, [13] = 60,
	[14] = 110, [15] = 200, [16] = 1400, [17] = 800, [18] = 1300,
	[19] = 2500, [20] = 4000, [21] = 4600, [22] = 11500, [23] = 9500,
	[24] = 60983,
	[25] = 300, [26] = 300, [27] = 250, [28] = 250, [29] = 300,
	[30] = 400, [31] = 100, [32] = 1100,
};

static inline void lpm_gen_quota4(uint32_t n, uint32_t *q)
{
	uint64_t sum = 0, got = 0;
	int l;

	for (l = 0; l <= 32; l++)
		sum += lpm_gen_len4[l];
	for (l = 0; l <= 32; l++) {
		q[l] = (uint64_t)n * lpm_gen_len4[l] / sum;
		got += q[l];
	}
	q[24] += n - got;
}

/* A length >= @min drawn in proportion to the quota left; -1 if none. */
static inline int lpm_gen_pick(struct lpm_gen_rng *r, const uint32_t *q,
			       int min, int max)
{
	uint64_t sum = 0, x;
	int l;

	for (l = min; l <= max; l++)
		sum += q[l];
	if (!sum)
		return -1;
	x = (lpm_gen_next(r) >> 11) % sum;
	for (l = min; l <= max; l++) {
		if (x < q[l])
			return l;
		x -= q[l];
	}
	return -1;
}

/* A nexthop: a few peers carry most routes, as in a real table. */
static inline uint32_t lpm_gen_nh(struct lpm_gen_rng *r, uint32_t npeers)
{
	uint64_t x = lpm_gen_next(r) >> 40;

	return 1 + (uint32_t)((x * x >> 24) * npeers >> 24);
}

static inline uint32_t lpm_gen_unicast4(struct lpm_gen_rng *r)
{
	/* 1.0.0.0 .. 223.255.255.255 */
	return (1U << 24) + lpm_gen_below(r, 223U << 24);
}

/*
 * @n unique IPv4 routes into @out, nexthops 1..@npeers.  Returns the count
 * (n), or -1 without memory.
 */
static inline int lpm_gen_bgp4(struct lpm_gen_route *out, uint32_t n,
			       uint64_t seed, uint32_t npeers)
{
	struct lpm_gen_rng r = { seed };
	struct lpm_gen_set set;
	uint32_t q[33], cnt = 0, base, nh, a, k, i, run, span;
	int first, A, L;

	if (lpm_gen_set_init(&set, n))
		return -1;
	lpm_gen_quota4(n, q);
	while (cnt < n) {
		/* An allocation holding a route of the length most needed. */
		first = lpm_gen_pick(&r, q, 0, 32);
		if (first < 0)
			break;
		A = first - (int)lpm_gen_below(&r, first >= 24 ? 9 : 7);
		if (A < 8)
			A = first < 8 ? first : 8;
		base = lpm_gen_unicast4(&r) & (A ? ~0U << (32 - A) : 0);
		nh = lpm_gen_nh(&r, npeers);
		/* Routes inside it: its own lengths, in runs of neighbours. */
		k = 1 + lpm_gen_below(&r, 4) * lpm_gen_below(&r, 8);
		if (A <= 20)
			k += lpm_gen_below(&r, 1U << ((24 - A) / 2 + 1));
		for (i = 0; i < k && cnt < n; ) {
			L = i ? lpm_gen_pick(&r, q, A, 32) : first;
			if (L < 0)
				break;
			span = 1U << (L - A);	/* L-blocks in the allocation */
			a = lpm_gen_below(&r, span);
			run = L > A ? 1 + lpm_gen_below(&r, L >= 24 ? 12 : 4) : 1;
			for (; run && i < k && cnt < n && q[L]; run--, a++, i++) {
				uint32_t p = base + (L ? (a % span) << (32 - L) : 0);
				uint32_t h = lpm_gen_below(&r, 10) < 8 ?
					     nh : lpm_gen_nh(&r, npeers);

				if (!lpm_gen_set_add(&set, (uint64_t)p << 8 | L))
					continue;
				lpm_gen_put4(&out[cnt++], p, L, h);
				q[L]--;
			}
		}
	}
	lpm_gen_set_free(&set);
	return cnt;
}

/* Same lengths as lpm_gen_bgp4(), uniformly random addresses and nexthops. */
static inline int lpm_gen_uniform4(struct lpm_gen_route *out, uint32_t n,
				   uint64_t seed, uint32_t npeers)
{
	struct lpm_gen_rng r = { seed };
	struct lpm_gen_set set;
	uint32_t q[33], cnt = 0, p;
	int L;

	if (lpm_gen_set_init(&set, n))
		return -1;
	lpm_gen_quota4(n, q);
	while (cnt < n) {
		L = lpm_gen_pick(&r, q, 0, 32);
		if (L < 0)
			break;
		p = lpm_gen_unicast4(&r) & (L ? ~0U << (32 - L) : 0);
		if (!lpm_gen_set_add(&set, (uint64_t)p << 8 | L))
			continue;
		lpm_gen_put4(&out[cnt++], p, L, 1 + lpm_gen_below(&r, npeers));
		q[L]--;
	}
	lpm_gen_set_free(&set);
	return cnt;
}

/*
 * IPv6: an allocation (/20../32 of 2000::/3) per network, announced whole
 * and as /48s (most routes), some /36../44, /64 subnets and /128 hosts.
 */
static inline int lpm_gen_bgp6(struct lpm_gen_route *out, uint32_t n,
			       uint64_t seed, uint32_t npeers)
{
	static const uint8_t more[] = { 48, 48, 48, 48, 48, 48, 44, 40, 36,
					 64, 64, 56, 128, 47, 46, 29 };
	struct lpm_gen_rng r = { seed };
	struct lpm_gen_set set;
	uint32_t cnt = 0, k, i, nh;
	uint64_t hi, lo, base, h;
	int A, L;

	if (lpm_gen_set_init(&set, n))
		return -1;
	while (cnt < n) {
		A = 20 + lpm_gen_below(&r, 13);
		base = (0x2ULL << 60 | lpm_gen_next(&r) >> 4) & (~0ULL << (64 - A));
		nh = lpm_gen_nh(&r, npeers);
		k = 1 + lpm_gen_below(&r, 3) * lpm_gen_below(&r, 12);
		for (i = 0; i < k && cnt < n; i++) {
			L = i ? more[lpm_gen_below(&r, sizeof(more))] : A;
			if (L < A)
				L = A;
			hi = base;
			lo = 0;
			if (L > A)
				hi |= lpm_gen_next(&r) >> A;
			if (L > 64)
				lo = lpm_gen_next(&r);
			hi &= L >= 64 ? ~0ULL : ~0ULL << (64 - L);
			lo &= L <= 64 ? 0 : (L >= 128 ? ~0ULL : ~0ULL << (128 - L));
			h = hi * 0x9e3779b97f4a7c15ULL ^ lo * 0xc2b2ae3d27d4eb4fULL;
			if (!lpm_gen_set_add(&set, (h << 8 | L) >> 1))
				continue;
			memset(&out[cnt], 0, sizeof(out[cnt]));
			for (int b = 0; b < 8; b++) {
				out[cnt].a[b] = hi >> (56 - 8 * b);
				out[cnt].a[8 + b] = lo >> (56 - 8 * b);
			}
			out[cnt].plen = L;
			out[cnt].nh = lpm_gen_below(&r, 10) < 8 ?
				      nh : lpm_gen_nh(&r, npeers);
			cnt++;
		}
	}
	lpm_gen_set_free(&set);
	return cnt;
}

/*
 * Lookup addresses: @matched of each 100 inside a random route of @rt (a
 * random host of it), the rest uniformly random.
 */
static inline void lpm_gen_addrs(uint8_t *out, size_t n, int alen,
				 const struct lpm_gen_route *rt, uint32_t nrt,
				 uint32_t matched, uint64_t seed)
{
	struct lpm_gen_rng r = { seed };
	size_t i;
	int b;

	for (i = 0; i < n; i++) {
		uint8_t *a = out + i * alen;
		const struct lpm_gen_route *p;

		for (b = 0; b < alen; b += 8) {
			uint64_t x = lpm_gen_next(&r);

			memcpy(a + b, &x, alen - b < 8 ? alen - b : 8);
		}
		if (lpm_gen_below(&r, 100) >= matched || !nrt)
			continue;
		p = &rt[lpm_gen_below(&r, nrt)];
		for (b = 0; b < alen; b++) {
			int bits = p->plen - 8 * b;
			uint8_t m = bits >= 8 ? 0xff : bits <= 0 ? 0 :
				    (uint8_t)(0xff << (8 - bits));

			a[b] = (p->a[b] & m) | (a[b] & ~m);
		}
	}
}

#endif /* _CSVX_LPM_GEN_H */
