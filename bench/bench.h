/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The native table benchmarks in bench/: csvx's own kmod/tables code,
 * built against tables/shim_user.h, side by side with DPDK 22.11 (rte_hash,
 * rte_lpm, rte_acl) in one process, on the same keys.
 *
 * Rules every benchmark here keeps:
 *  - both sides get the same keys in the same order, and their answers are
 *    compared before anything is timed;
 *  - rounds alternate csvx / peer, and the figure is the median round;
 *  - time is this thread's CPU time (the machine is shared: wall time would
 *    count other people's work), lookups run through each side's
 *    per-packet API;
 *  - DPDK's tables live in a heap of transparent huge pages, as csvx's
 *    objects do through the shim (and as both do in production: the
 *    kernel's direct map, DPDK's hugepages), so neither pays TLB misses
 *    the other does not.
 */
#ifndef _CSVX_BENCH_H
#define _CSVX_BENCH_H

#include "tables.h"
#include <time.h>

#define BENCH_MAX_ROUNDS	15
#define BENCH_LOOKUPS		500000	/* per round, times -s */

struct bench_opts {
	int rounds;		/* interleaved rounds, median reported */
	double scale;		/* multiplies the lookup counts */
	int sizes;		/* 1: only 1M; else the series 1k..1M */
	const char *only;	/* -o: comma-separated benchmark names */
	bool serial;		/* build the 1M rte_lpm alone, not beside the rest */
};

extern struct bench_opts bench_opt;
extern int bench_socket;		/* DPDK's heap for the peers */
extern volatile u64 bench_sink;		/* keeps lookups from vanishing */

static inline double bench_cpu(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static inline double bench_wall(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

/* splitmix64, seeded per benchmark: every run sees the same keys. */
struct bench_rng {
	u64 s;
};

static inline u64 bench_rnd64(struct bench_rng *r)
{
	u64 z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline u32 bench_below(struct bench_rng *r, u32 n)	/* [0, n) */
{
	return ((bench_rnd64(r) >> 32) * (u64)n) >> 32;
}

/*
 * Zero, computed from @x in a way the compiler cannot see through: the
 * latency loops add it to the next key's index, so that the CPU cannot
 * start a lookup before the previous one answered (a branch or a constant
 * the compiler folded would let it speculate past).
 */
static __always_inline unsigned long bench_dep(unsigned long x)
{
	/* not a zeroing idiom for the CPU: it waits for x */
	asm("andq $0, %0" : "+r"(x));
	return x;
}

double bench_median(double *v, int n);
/* "1k", "10k", "1M" */
const char *bench_size_name(u32 n, char *buf, size_t len);
/* Bytes DPDK's bench heap has handed out. */
size_t bench_heap_used(void);
bool bench_enabled(const char *name);

/*
 * One comparison: `bench: NAME csvx=X UNIT PEER=Y UNIT ratio=X/Y`, for a
 * unit where more is better.
 */
void bench_line(const char *name, double csvx, const char *unit,
		const char *peer, double other);
/* Memory: `bench: NAME csvx=X B/UNIT PEER=Y B/UNIT share=X/Y` (less is better). */
void bench_mem_line(const char *name, double csvx, const char *per,
		    const char *peer, double other, const char *note);

/* Lookups per second (millions) of the median round. */
static inline double bench_mops(size_t n, double *secs, int rounds)
{
	return n / bench_median(secs, rounds) / 1e6;
}

/* The rte_lpm of 1M routes takes minutes to build: started early. */
void bench_thp(const char *what, const void *p);
void lpm_build_start(void);

int bench_fdb(void);
int bench_flow(void);
int bench_lpm(void);
int bench_sg(void);

#endif /* _CSVX_BENCH_H */
