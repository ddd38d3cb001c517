/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the table unit tests share: a fixture holding one struct
 * csvx_tables, a seeded RNG, timing and scale, address and MAC builders,
 * and the leak check every fixture runs after its test.
 */
#ifndef _CSVX_UNIT_H
#define _CSVX_UNIT_H

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "tables_priv.h"
#include "kselftest_harness.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define UNIT_ASAN	1
#else
#define UNIT_ASAN	0
#endif

/*
 * Scale tests use full sizes natively and a tenth under the sanitizers,
 * which are there to catch bugs, not to time anything.  CSVX_UNIT_SCALE
 * (a factor) overrides both.
 */
static inline u32 unit_scale(u32 n)
{
	const char *s = getenv("CSVX_UNIT_SCALE");

	if (s)
		return (u32)(n * atof(s)) ?: 1;
	return UNIT_ASAN ? n / 10 : n;
}

static inline double unit_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift64*: fast, and replayable from the seed it prints. */
struct unit_rng {
	u64 s;
};

static inline void unit_rng_init(struct unit_rng *r, const char *what)
{
	const char *env = getenv("CSVX_SEED");

	r->s = env ? strtoull(env, NULL, 0) : (u64)time(NULL) ^ getpid();
	ksft_print_msg("%s: seed %llu (CSVX_SEED=%llu replays it)\n", what,
		       (unsigned long long)r->s, (unsigned long long)r->s);
	r->s = r->s * 2654435761ULL + 1;
}

static inline u64 rnd64(struct unit_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1DULL;
}

static inline u32 rnd(struct unit_rng *r, u32 n)	/* [0, n) */
{
	return ((rnd64(r) >> 32) * (u64)n) >> 32;
}

/* Deferred frees done, then LSan's verdict: non-zero on a leak. */
static inline int unit_leaks(void)
{
	rcu_barrier();
#if UNIT_ASAN
	return __lsan_do_recoverable_leak_check();
#else
	return 0;
#endif
}

static inline struct csvx_addr A4(u32 host_order)
{
	struct csvx_addr a = { .family = AF_INET };

	a.ip4 = htonl(host_order);
	return a;
}

/* 2001:db8:<hi>::<lo> */
static inline struct csvx_addr A6(u32 hi, u32 lo)
{
	struct csvx_addr a = { .family = AF_INET6 };

	a.w[0] = htonl(0x20010db8);
	a.w[1] = htonl(hi);
	a.w[3] = htonl(lo);
	return a;
}

/* A locally administered unicast MAC per number. */
static inline void mac_of(u8 *mac, u64 n)
{
	mac[0] = 0x02;
	mac[1] = n >> 32;
	mac[2] = n >> 24;
	mac[3] = n >> 16;
	mac[4] = n >> 8;
	mac[5] = n;
}

static inline u64 mac_num(const u8 *mac)
{
	return (u64)mac[1] << 32 | (u64)mac[2] << 24 | mac[3] << 16 |
	       mac[4] << 8 | mac[5];
}

static int unit_lpm_bytes(const struct csvx_vrf *vrf, void *arg)
{
	*(size_t *)arg += csvx_lpm_memory(vrf->lpm4) +
			  csvx_lpm_memory(vrf->lpm6);
	return 0;
}

/*
 * csvx_tables_memory() without what keeps a high-water mark or belongs to
 * the LPM's own accounting (the nexthop index array, the LPMs): what tests
 * compare against a baseline.
 */
static inline size_t unit_mem(struct csvx_tables *t)
{
	struct csvx_cursor c = {};
	size_t lpm = 0;

	csvx_vrf_walk(t, &c, unit_lpm_bytes, &lpm);
	return csvx_tables_memory(t) - csvx_nh_memory(t) - lpm;
}

FIXTURE(tables) {
	struct csvx_tables t;
};

FIXTURE_SETUP(tables)
{
	rcu_register_thread();
	ASSERT_EQ(0, csvx_tables_init(&self->t));
}

FIXTURE_TEARDOWN(tables)
{
	csvx_tables_destroy(&self->t);
	EXPECT_EQ(0, unit_leaks());
	rcu_unregister_thread();
}

#endif /* _CSVX_UNIT_H */
