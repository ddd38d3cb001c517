/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the LPM needs beyond shim.h, in one place.
 *
 * In user space: the few kernel names shim_user.h does not map (yet), each
 * guarded so that the shim wins once it has them; the lead can move them
 * into the shim and delete them here.  In both worlds: how the LPM
 * allocates its arrays, and how many bytes each allocation really holds.
 */
#ifndef _CSVX_LPM_COMPAT_H
#define _CSVX_LPM_COMPAT_H

#include "shim.h"

#ifdef __KERNEL__

#include <linux/bitops.h>
#include <linux/gfp.h>
#include <linux/vmalloc.h>

#define lpm_fault()	false

#else /* !__KERNEL__ */

#ifndef hweight64
/*
 * The kernel patches in POPCNT at boot; here the build may not say -mpopcnt
 * and __builtin_popcountll() would then be a libgcc call in the lookup.
 * Every x86-64 that runs the tests or benchmarks has the instruction.
 */
#if defined(__x86_64__) && !defined(__POPCNT__)
static inline unsigned int hweight64(u64 x)
{
	u64 r;

	__asm__("popcnt %1, %0" : "=r"(r) : "rm"(x));
	return r;
}
#else
#define hweight64(x)		((unsigned int)__builtin_popcountll(x))
#endif
#endif
#ifndef OPTIMIZER_HIDE_VAR
/* As the kernel's: the compiler must assume @var changed here. */
#define OPTIMIZER_HIDE_VAR(var)	({ __asm__ ("" : "+r" (var)); })
#endif
#ifndef max3
#define max3(a, b, c)		max(max(a, b), c)
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE		4096UL
#endif
#ifndef PAGE_ALIGN
#define PAGE_ALIGN(x)		(((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#endif
#ifndef KMALLOC_MAX_CACHE_SIZE
#define KMALLOC_MAX_CACHE_SIZE	8192UL
#endif

/*
 * Fault injection for the unit tests: when csvx_lpm_fault_after is n > 0,
 * the n-th allocation from now fails (and the counting stops).
 */
extern long csvx_lpm_fault_after;

static inline bool lpm_fault(void)
{
	return csvx_lpm_fault_after > 0 && --csvx_lpm_fault_after == 0;
}

#endif /* __KERNEL__ */

static inline void *lpm_kmalloc(size_t size)
{
	return lpm_fault() ? NULL : kmalloc(size, GFP_KERNEL_ACCOUNT);
}

static inline void *lpm_kzalloc(size_t size)
{
	return lpm_fault() ? NULL : kzalloc(size, GFP_KERNEL_ACCOUNT);
}

/*
 * The trie's arrays and the RIB index, which reach megabytes.  kvmalloc()
 * would first try kmalloc(), which rounds such sizes up to a power of two
 * of pages: up to twice the memory.  Exact pages from the direct map keep
 * lookups on huge TLB entries; vmalloc() is the fallback when memory is
 * too fragmented for that.  Small arrays stay in the kmalloc caches.
 */
static inline void *lpm_big_alloc(size_t size, bool zero)
{
	void *p;

	if (lpm_fault())
		return NULL;
	if (size <= KMALLOC_MAX_CACHE_SIZE)
		return zero ? kzalloc(size, GFP_KERNEL_ACCOUNT) :
			      kmalloc(size, GFP_KERNEL_ACCOUNT);
#ifdef __KERNEL__
	p = alloc_pages_exact(size, GFP_KERNEL_ACCOUNT | __GFP_NOWARN |
				    __GFP_NORETRY | (zero ? __GFP_ZERO : 0));
	if (!p)
		p = __vmalloc(size, GFP_KERNEL_ACCOUNT |
				    (zero ? __GFP_ZERO : 0));
#else
	p = zero ? kzalloc(size, GFP_KERNEL_ACCOUNT) :
		   kmalloc(size, GFP_KERNEL_ACCOUNT);
#endif
	return p;
}

/* @size as allocated; any context (RCU callbacks included). */
static inline void lpm_big_free(void *p, size_t size)
{
	if (!p)
		return;
#ifndef __KERNEL__
	(void)size;
#else
	if (is_vmalloc_addr(p))
		vfree(p);
	else if (size > KMALLOC_MAX_CACHE_SIZE)
		free_pages_exact(p, size);
	else
#endif
		kfree(p);
}

/* Bytes an allocation of @size really holds (0 for none). */
static inline size_t lpm_alloc_bytes(const void *p, size_t size)
{
	if (!p)
		return 0;
	if (size <= KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_size_roundup(size);
	return PAGE_ALIGN(size);
}

#endif /* _CSVX_LPM_COMPAT_H */
