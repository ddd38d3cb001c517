// SPDX-License-Identifier: GPL-2.0
/*
 * csvx_bench: the native table benchmarks (see bench.h and BENCHMARKS.md).
 *
 *   csvx_bench [-r ROUNDS] [-s SCALE] [-o LIST] [-1] [-S]
 *     -r  interleaved rounds per figure, the median is printed (default 9)
 *     -s  multiplies the number of lookups timed (default 1)
 *     -o  only these benchmarks: a comma-separated list of fdb, flow, sg, lpm
 *     -1  only the 1M tables, not the 1k..100k scaling series
 *     -S  serial: build the 1M rte_lpm (minutes) after the other
 *         benchmarks instead of on a second thread while they run
 *
 * No module, no hugepages, no PCI, no files: DPDK's EAL runs with
 * --no-huge --no-pci --no-shconf on lcore 0 (22.11 refuses --in-memory
 * together with --no-huge; --no-shconf is the part of it that applies).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_version.h>

#include "bench.h"

struct bench_opts bench_opt = { .rounds = 9, .scale = 1.0, .sizes = 4 };
int bench_socket = -1;
volatile u64 bench_sink;

/* The CPUs we may run on, before EAL pins this thread to lcore 0. */
cpu_set_t bench_cpus;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_median(double *v, int n)
{
	double s[BENCH_MAX_ROUNDS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

const char *bench_size_name(u32 n, char *buf, size_t len)
{
	if (n >= 1000000 && n % 1000000 == 0)
		snprintf(buf, len, "%uM", n / 1000000);
	else if (n >= 1000 && n % 1000 == 0)
		snprintf(buf, len, "%uk", n / 1000);
	else
		snprintf(buf, len, "%u", n);
	return buf;
}

/* -o takes a comma-separated list */
bool bench_enabled(const char *name)
{
	const char *p = bench_opt.only;
	size_t n;

	if (!p)
		return true;
	for (; *p; p += n + (p[n] == ',')) {
		n = strcspn(p, ",");
		if (n && !strncmp(name, p, n))
			return true;
	}
	return false;
}

void bench_line(const char *name, double csvx, const char *unit,
		const char *peer, double other)
{
	printf("bench: %s csvx=%.3g %s %s=%.3g %s ratio=%.2f\n", name, csvx,
	       unit, peer, other, unit, csvx / other);
	fflush(stdout);
}

void bench_mem_line(const char *name, double csvx, const char *per,
		    const char *peer, double other, const char *note)
{
	printf("bench: %s csvx=%.1f B/%s %s=%.1f B/%s share=%.3f%s%s\n", name,
	       csvx, per, peer, other, per, csvx / other, note ? " " : "",
	       note ? note : "");
	fflush(stdout);
}

size_t bench_heap_used(void)
{
	struct rte_malloc_socket_stats st;

	if (rte_malloc_get_socket_stats(bench_socket, &st))
		return 0;
	return st.heap_allocsz_bytes;
}

/*
 * DPDK's tables go to an external heap of transparent huge pages: with
 * --no-huge its own memory is a memfd of 4 KiB pages (no THP for shmem
 * here), which would cost rte_hash and rte_lpm a TLB miss per lookup that
 * csvx, on huge pages through the shim, does not pay.
 */
#define HEAP_BYTES	(512UL << 20)
#define HEAP_PAGE	(2UL << 20)

static int heap_init(void)
{
	void *va = aligned_alloc(HEAP_PAGE, HEAP_BYTES);

	if (!va)
		return -1;
	madvise(va, HEAP_BYTES, MADV_HUGEPAGE);
	if (rte_malloc_heap_create("bench") ||
	    rte_malloc_heap_memory_add("bench", va, HEAP_BYTES, NULL,
				       HEAP_BYTES / HEAP_PAGE, HEAP_PAGE)) {
		fprintf(stderr, "csvx_bench: DPDK heap: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	bench_socket = rte_malloc_heap_get_socket("bench");
	return bench_socket < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	char *eal[] = { "csvx_bench", "--no-huge", "--no-pci", "--no-shconf",
			"-l", "0", "--no-telemetry", "--log-level",
			"lib.*:error", NULL };
	int opt, err = 0;
	double t0 = bench_wall();

	while ((opt = getopt(argc, argv, "r:s:o:1S")) != -1) {
		switch (opt) {
		case 'r':
			bench_opt.rounds = atoi(optarg);
			if (bench_opt.rounds < 1)
				bench_opt.rounds = 1;
			if (bench_opt.rounds > BENCH_MAX_ROUNDS)
				bench_opt.rounds = BENCH_MAX_ROUNDS;
			break;
		case 's':
			bench_opt.scale = atof(optarg);
			break;
		case 'o':
			bench_opt.only = optarg;
			break;
		case '1':
			bench_opt.sizes = 1;
			break;
		case 'S':
			bench_opt.serial = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-r ROUNDS] [-s SCALE] [-o LIST] [-1] [-S]\n",
				argv[0]);
			return 2;
		}
	}
	sched_getaffinity(0, sizeof(bench_cpus), &bench_cpus);
	if (rte_eal_init(ARRAY_SIZE(eal) - 1, eal) < 0) {
		fprintf(stderr, "csvx_bench: rte_eal_init: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	if (heap_init())
		return 1;
	rcu_register_thread();
	printf("# csvx_bench: %s, %d rounds (median), lookups x%g\n",
	       rte_version(), bench_opt.rounds, bench_opt.scale);
	fflush(stdout);

	if (bench_enabled("lpm") && !bench_opt.serial)
		lpm_build_start();
	if (bench_enabled("fdb"))
		err |= bench_fdb();
	if (bench_enabled("flow"))
		err |= bench_flow();
	if (bench_enabled("sg"))
		err |= bench_sg();
	if (bench_enabled("lpm"))
		err |= bench_lpm();

	rcu_barrier();
	rcu_unregister_thread();
	printf("# csvx_bench: done in %.0f s%s\n", bench_wall() - t0,
	       err ? ", WITH ERRORS" : "");
	rte_eal_cleanup();
	return err ? 1 : 0;
}

/* Debugging aid: "size kB, AnonHugePages kB" of the mapping holding @p. */
void bench_thp(const char *what, const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[256];
	unsigned long lo, hi, size = 0, thp = 0;
	bool in = false;

	if (!f || !getenv("BENCH_DEBUG")) {
		if (f)
			fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
			continue;
		}
		if (in && sscanf(line, "Rss: %lu kB", &size) == 1)
			continue;
		if (in && sscanf(line, "AnonHugePages: %lu kB", &thp) == 1)
			break;
	}
	fclose(f);
	printf("# debug: %s %p: rss %lu kB, AnonHugePages %lu kB\n", what, p, size, thp);
}
