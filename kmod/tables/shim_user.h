/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-ins for the kernel APIs that kmod/tables uses, so that
 * the table code builds natively for unit tests and benchmarks (as the
 * kernel's own tools/testing/radix-tree does).
 *
 * RCU is liburcu's memb flavour: every thread that calls rcu_read_lock() or
 * call_rcu() must have called rcu_register_thread() first; kfree_rcu()
 * is call_rcu(), so rcu_barrier() before checking for leaks.  Allocation
 * flags are ignored; kmalloc() packs objects at the kernel's kmalloc sizes
 * on huge pages (plain malloc() per object under ASan, or with
 * -DCSVX_SHIM_MALLOC).  hsiphash is the kernel's 64-bit variant
 * (SipHash-1-3 with a 32-bit result) bit for bit, checked against the
 * kernel's test vectors in selftests/unit/test_htab.c.
 */
#ifndef _CSVX_SHIM_USER_H
#define _CSVX_SHIM_USER_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#ifndef _LGPL_SOURCE
#define _LGPL_SOURCE		/* inline the read-side fast paths */
#endif

#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <urcu.h>		/* the memb flavour, kernel-style names */

/* ---------------------------------------------------------------- types */

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef uint16_t __be16;
typedef uint32_t __be32;
typedef uint64_t __be64;
typedef uint16_t __le16;
typedef uint32_t __le32;
typedef uint64_t __le64;

#define __rcu
#define __force
#define __bitwise
#define __percpu
#define __read_mostly
#define __must_check		__attribute__((__warn_unused_result__))
#undef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#define __maybe_unused		__attribute__((__unused__))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __packed		__attribute__((__packed__))
#define noinline		__attribute__((__noinline__))
#define fallthrough		__attribute__((__fallthrough__))

#ifndef ETH_ALEN
#define ETH_ALEN		6
#endif
#define L1_CACHE_BYTES		64
#define SMP_CACHE_BYTES		L1_CACHE_BYTES
#define ____cacheline_aligned	__aligned(SMP_CACHE_BYTES)
#define BITS_PER_LONG		(8 * (int)sizeof(long))

#define cpu_to_be16(x)		htobe16(x)
#define cpu_to_be32(x)		htobe32(x)
#define cpu_to_be64(x)		htobe64(x)
#define be16_to_cpu(x)		be16toh(x)
#define be32_to_cpu(x)		be32toh(x)
#define be64_to_cpu(x)		be64toh(x)
#define cpu_to_le32(x)		htole32(x)
#define cpu_to_le64(x)		htole64(x)
#define le32_to_cpu(x)		le32toh(x)
#define le64_to_cpu(x)		le64toh(x)

/* ----------------------------------------------------- compiler, macros */

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define barrier()		__asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	do { *(volatile __typeof__(x) *)&(x) = (v); } while (0)
#define smp_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#define ALIGN(x, a)		(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define BUILD_BUG_ON(c)		_Static_assert(!(c), "BUILD_BUG_ON(" #c ")")
#ifndef static_assert
#define static_assert(c, ...)	_Static_assert(c, "" __VA_ARGS__)
#endif
#define U8_MAX			((u8)~0U)
#define U16_MAX			((u16)~0U)
#define U32_MAX			((u32)~0U)
#define U64_MAX			((u64)~0ULL)
#define lower_32_bits(n)	((u32)((n) & 0xffffffff))
#define upper_32_bits(n)	((u32)(((n) >> 16) >> 16))

#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define min_t(t, a, b)		((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)		((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp(v, lo, hi)	min(max(v, lo), hi)
#define swap(a, b) \
	do { __typeof__(a) __t = (a); (a) = (b); (b) = __t; } while (0)

#define struct_size(p, member, n) \
	(sizeof(*(p)) + sizeof(*(p)->member) * (size_t)(n))
#define flex_array_size(p, member, n)	(sizeof(*(p)->member) * (size_t)(n))
#define array_size(a, b)	((size_t)(a) * (size_t)(b))

static inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

/* The lowest set bit of a non-zero word, as the kernel's (undefined for 0). */
static inline unsigned long __ffs(unsigned long x)
{
	return __builtin_ctzl(x);
}

static inline bool is_power_of_2(unsigned long n)
{
	return n && !(n & (n - 1));
}

static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << (BITS_PER_LONG - __builtin_clzl(n - 1));
}

#define ilog2(n)		(BITS_PER_LONG - 1 - __builtin_clzl(n))

static inline u32 rol32(u32 w, unsigned int s)
{
	return (w << (s & 31)) | (w >> ((-s) & 31));
}

static inline u64 rol64(u64 w, unsigned int s)
{
	return (w << (s & 63)) | (w >> ((-s) & 63));
}

static inline ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t len = strnlen(src, size);

	if (!size)
		return -E2BIG;
	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}

/* --------------------------------------------------- warnings, logging */

#define WARN_ON(c) ({							\
	int __c = !!(c);						\
	if (unlikely(__c))						\
		fprintf(stderr, "WARNING at %s:%d: %s\n",		\
			__FILE__, __LINE__, #c);			\
	unlikely(__c);							\
})
#define WARN_ON_ONCE(c)		WARN_ON(c)
#define BUG_ON(c)		do { if (unlikely(c)) abort(); } while (0)
#define pr_debug(...)		do { } while (0)
#define pr_warn(...)		fprintf(stderr, __VA_ARGS__)
#define pr_err(...)		fprintf(stderr, __VA_ARGS__)

#define might_sleep()		do { } while (0)
#define cond_resched()		do { } while (0)
#define lockdep_assert_held(l)	do { (void)(l); } while (0)
#define EXPORT_SYMBOL(s)
#define EXPORT_SYMBOL_GPL(s)

/* ----------------------------------------------------------- allocation */

typedef unsigned int gfp_t;
#define GFP_KERNEL		0U
#define GFP_KERNEL_ACCOUNT	0U
#define GFP_ATOMIC		0U
#define GFP_NOWAIT		0U
#define __GFP_NOWARN		0U
#define __GFP_ZERO		1U

/*
 * The kmalloc caches: an object takes the smallest size that holds it,
 * and objects of 64 bytes and more start on a cache line.
 */
static const unsigned int __csvx_kmalloc_sizes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};
#define __CSVX_NCLASS	ARRAY_SIZE(__csvx_kmalloc_sizes)

static inline int __csvx_kmalloc_class(size_t size)
{
	unsigned int i;

	for (i = 0; i < __CSVX_NCLASS; i++)
		if (size <= __csvx_kmalloc_sizes[i])
			return i;
	return -1;
}

static inline size_t kmalloc_size_roundup(size_t size)
{
	int c = __csvx_kmalloc_class(size);

	return c >= 0 ? __csvx_kmalloc_sizes[c] : roundup_pow_of_two(size);
}

#if defined(__SANITIZE_ADDRESS__) || defined(CSVX_SHIM_MALLOC)

/* Under the sanitizers every object is its own malloc(), to be checked. */
static inline void *__csvx_alloc(size_t size)
{
	if (size >= L1_CACHE_BYTES)
		return aligned_alloc(L1_CACHE_BYTES, ALIGN(size, L1_CACHE_BYTES));
	return malloc(size ? size : 1);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

#else

#include <sys/mman.h>

/*
 * Otherwise a small slab, so that benchmarks see the memory the module
 * gets: objects packed at their kmalloc size (glibc's aligned_alloc() would
 * double a 128-byte FDB entry), in 2 MiB chunks on transparent huge pages
 * as the kernel's direct map is.  Chunks serve one size each and are never
 * given back; bigger objects come from aligned_alloc().
 */
#define __CSVX_CHUNK		(2UL << 20)
#define __CSVX_MAX_CHUNKS	16384

struct __csvx_slab {
	pthread_mutex_t lock;
	void *free[__CSVX_NCLASS];	/* linked through the objects */
	char *cur[__CSVX_NCLASS], *end[__CSVX_NCLASS];
	unsigned int nchunks;
	uintptr_t chunk[__CSVX_MAX_CHUNKS];	/* sorted */
	u8 class[__CSVX_MAX_CHUNKS];
};

__attribute__((weak)) struct __csvx_slab __csvx_slab = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

/* The chunk holding @p, or -1.  Under the lock. */
static inline int __csvx_slab_chunk(uintptr_t p)
{
	struct __csvx_slab *s = &__csvx_slab;
	int lo = 0, hi = s->nchunks;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (s->chunk[mid] <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && p < s->chunk[lo - 1] + __CSVX_CHUNK ? lo - 1 : -1;
}

static inline bool __csvx_slab_grow(int c)
{
	struct __csvx_slab *s = &__csvx_slab;
	char *ch;
	int at;

	if (s->nchunks == __CSVX_MAX_CHUNKS)
		return false;
	ch = aligned_alloc(__CSVX_CHUNK, __CSVX_CHUNK);
	if (!ch)
		return false;
	madvise(ch, __CSVX_CHUNK, MADV_HUGEPAGE);
	at = __csvx_slab_chunk((uintptr_t)ch) + 1;
	while (at < (int)s->nchunks && s->chunk[at] < (uintptr_t)ch)
		at++;
	memmove(&s->chunk[at + 1], &s->chunk[at],
		(s->nchunks - at) * sizeof(s->chunk[0]));
	memmove(&s->class[at + 1], &s->class[at], s->nchunks - at);
	s->chunk[at] = (uintptr_t)ch;
	s->class[at] = c;
	s->nchunks++;
	s->cur[c] = ch;
	s->end[c] = ch + __CSVX_CHUNK;
	return true;
}

static inline void *__csvx_alloc(size_t size)
{
	struct __csvx_slab *s = &__csvx_slab;
	int c = __csvx_kmalloc_class(size);
	size_t sz;
	void *p;

	if (c < 0) {
		sz = ALIGN(size, L1_CACHE_BYTES);
		if (sz < __CSVX_CHUNK)
			return aligned_alloc(L1_CACHE_BYTES, sz);
		p = aligned_alloc(__CSVX_CHUNK, ALIGN(sz, __CSVX_CHUNK));
		if (p)
			madvise(p, ALIGN(sz, __CSVX_CHUNK), MADV_HUGEPAGE);
		return p;
	}
	sz = __csvx_kmalloc_sizes[c];
	pthread_mutex_lock(&s->lock);
	p = s->free[c];
	if (p) {
		s->free[c] = *(void **)p;
	} else if (s->cur[c] + sz <= s->end[c] || __csvx_slab_grow(c)) {
		p = s->cur[c];
		s->cur[c] += sz;
	}
	pthread_mutex_unlock(&s->lock);
	return p;
}

static inline void kfree(const void *p)
{
	struct __csvx_slab *s = &__csvx_slab;
	int i;

	if (!p)
		return;
	pthread_mutex_lock(&s->lock);
	i = __csvx_slab_chunk((uintptr_t)p);
	if (i >= 0) {
		*(void **)p = s->free[s->class[i]];
		s->free[s->class[i]] = (void *)p;
	}
	pthread_mutex_unlock(&s->lock);
	if (i < 0)
		free((void *)p);
}

#endif

static inline void *kmalloc(size_t size, gfp_t gfp)
{
	void *p = __csvx_alloc(size);

	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, size);
	return p;
}

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

static inline void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kmalloc(n * size, gfp);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kmalloc_array(n, size, gfp | __GFP_ZERO);
}

/* lib/sort.c: the comparison must be a total order (neither is stable). */
static inline void sort(void *base, size_t num, size_t size,
			int (*cmp)(const void *, const void *), void *swap_fn)
{
	(void)swap_fn;
	qsort(base, num, size, cmp);
}

#define kvmalloc(s, g)		kmalloc(s, g)
#define kvzalloc(s, g)		kzalloc(s, g)
#define kvmalloc_array(n, s, g)	kmalloc_array(n, s, g)
#define kvcalloc(n, s, g)	kcalloc(n, s, g)
#define kvfree(p)		kfree(p)

/* --------------------------------------------------------------- random */

static inline void get_random_bytes(void *buf, size_t len)
{
	u8 *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			abort();
		}
		p += n;
		len -= n;
	}
}

static inline u32 get_random_u32(void)
{
	u32 v;

	get_random_bytes(&v, sizeof(v));
	return v;
}

/* -------------------------------------------------------------- hsiphash */

typedef struct {
	unsigned long key[2];
} hsiphash_key_t;

#define __CSVX_SIPROUND(v0, v1, v2, v3) do {				\
	v0 += v1; v1 = rol64(v1, 13); v1 ^= v0; v0 = rol64(v0, 32);	\
	v2 += v3; v3 = rol64(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = rol64(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = rol64(v1, 17); v1 ^= v2; v2 = rol64(v2, 32);	\
} while (0)

struct __csvx_sip {
	u64 v0, v1, v2, v3;
};

static __always_inline void __csvx_sip_init(struct __csvx_sip *s,
					    const hsiphash_key_t *key)
{
	s->v0 = 0x736f6d6570736575ULL ^ key->key[0];
	s->v1 = 0x646f72616e646f6dULL ^ key->key[1];
	s->v2 = 0x6c7967656e657261ULL ^ key->key[0];
	s->v3 = 0x7465646279746573ULL ^ key->key[1];
}

static __always_inline void __csvx_sip_word(struct __csvx_sip *s, u64 m)
{
	s->v3 ^= m;
	__CSVX_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	s->v0 ^= m;
}

static __always_inline u32 __csvx_sip_final(struct __csvx_sip *s, u64 b)
{
	s->v3 ^= b;
	__CSVX_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	s->v0 ^= b;
	s->v2 ^= 0xff;
	__CSVX_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	__CSVX_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	__CSVX_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	return (s->v0 ^ s->v1) ^ (s->v2 ^ s->v3);
}

static inline u32 hsiphash(const void *data, size_t len,
			   const hsiphash_key_t *key)
{
	const u8 *p = data;
	struct __csvx_sip s;
	u64 b = (u64)len << 56, m;
	size_t i;

	__csvx_sip_init(&s, key);
	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&m, p, 8);
		__csvx_sip_word(&s, le64toh(m));
	}
	for (i = 0; i < len; i++)
		b |= (u64)p[i] << (8 * i);
	return __csvx_sip_final(&s, b);
}

static inline u32 hsiphash_1u32(u32 a, const hsiphash_key_t *key)
{
	struct __csvx_sip s;

	__csvx_sip_init(&s, key);
	return __csvx_sip_final(&s, (4ULL << 56) | a);
}

static inline u32 hsiphash_2u32(u32 a, u32 b, const hsiphash_key_t *key)
{
	struct __csvx_sip s;

	__csvx_sip_init(&s, key);
	__csvx_sip_word(&s, (u64)b << 32 | a);
	return __csvx_sip_final(&s, 8ULL << 56);
}

static inline u32 hsiphash_3u32(u32 a, u32 b, u32 c,
				const hsiphash_key_t *key)
{
	struct __csvx_sip s;

	__csvx_sip_init(&s, key);
	__csvx_sip_word(&s, (u64)b << 32 | a);
	return __csvx_sip_final(&s, (12ULL << 56) | c);
}

static inline u32 hsiphash_4u32(u32 a, u32 b, u32 c, u32 d,
				const hsiphash_key_t *key)
{
	struct __csvx_sip s;

	__csvx_sip_init(&s, key);
	__csvx_sip_word(&s, (u64)b << 32 | a);
	__csvx_sip_word(&s, (u64)d << 32 | c);
	return __csvx_sip_final(&s, 16ULL << 56);
}

/* ---------------------------------------------------------------- jhash */

/* linux/jhash.h: Bob Jenkins' lookup3, as the kernel has it. */
static inline void __csvx_jhash_mix(u32 *a, u32 *b, u32 *c)
{
	*a -= *c;
	*a ^= rol32(*c, 4);
	*c += *b;
	*b -= *a;
	*b ^= rol32(*a, 6);
	*a += *c;
	*c -= *b;
	*c ^= rol32(*b, 8);
	*b += *a;
	*a -= *c;
	*a ^= rol32(*c, 16);
	*c += *b;
	*b -= *a;
	*b ^= rol32(*a, 19);
	*a += *c;
	*c -= *b;
	*c ^= rol32(*b, 4);
	*b += *a;
}

static inline u32 __csvx_jhash_final(u32 a, u32 b, u32 c)
{
	c ^= b;
	c -= rol32(b, 14);
	a ^= c;
	a -= rol32(c, 11);
	b ^= a;
	b -= rol32(a, 25);
	c ^= b;
	c -= rol32(b, 16);
	a ^= c;
	a -= rol32(c, 4);
	b ^= a;
	b -= rol32(a, 14);
	c ^= b;
	c -= rol32(b, 24);
	return c;
}

#define JHASH_INITVAL		0xdeadbeef

static inline u32 jhash2(const u32 *k, u32 length, u32 initval)
{
	u32 a, b, c;

	a = JHASH_INITVAL + (length << 2) + initval;
	b = a;
	c = a;
	while (length > 3) {
		a += k[0];
		b += k[1];
		c += k[2];
		__csvx_jhash_mix(&a, &b, &c);
		length -= 3;
		k += 3;
	}
	if (!length)
		return c;
	if (length == 3)
		c += k[2];
	if (length >= 2)
		b += k[1];
	a += k[0];
	return __csvx_jhash_final(a, b, c);
}

static inline u32 jhash_3words(u32 a, u32 b, u32 c, u32 initval)
{
	initval += JHASH_INITVAL + (3 << 2);
	return __csvx_jhash_final(a + initval, b + initval, c + initval);
}

/* ------------------------------------------------------------------ RCU */

/*
 * liburcu provides rcu_read_lock(), rcu_read_unlock(), rcu_dereference(),
 * rcu_assign_pointer(), synchronize_rcu(), call_rcu(), rcu_barrier() and
 * struct rcu_head under the kernel's names; what follows fills the gaps.
 */
#define rcu_dereference_raw(p)		rcu_dereference(p)
#define rcu_dereference_check(p, c)	rcu_dereference(p)
#define rcu_dereference_bh(p)		rcu_dereference(p)
#define rcu_dereference_protected(p, c)	(p)
#define rcu_access_pointer(p)		READ_ONCE(p)
#define RCU_INIT_POINTER(p, v)		WRITE_ONCE(p, v)
#define rcu_replace_pointer(p, v, c) ({					\
	__typeof__(p) __old = (p);					\
	rcu_assign_pointer(p, v);					\
	__old;								\
})
#define rcu_read_lock_held()		1
#define rcu_read_lock_bh()		rcu_read_lock()
#define rcu_read_unlock_bh()		rcu_read_unlock()

/*
 * kfree_rcu(ptr, field): the kernel encodes the offset of the rcu_head in
 * the callback pointer; liburcu only hands the callback the rcu_head, so
 * keep one callback per offset (rcu_heads are pointer-aligned, so offsets
 * are multiples of 8) and a small table of them.
 */
#define __CSVX_KFREE_CB(n)						\
static inline void __csvx_kfree_cb_##n(struct rcu_head *h)		\
{									\
	kfree((char *)h - (0##n) * 8);	/* n: two octal digits */	\
}
#define __CSVX_KFREE_CB8(n)						\
	__CSVX_KFREE_CB(n##0) __CSVX_KFREE_CB(n##1)			\
	__CSVX_KFREE_CB(n##2) __CSVX_KFREE_CB(n##3)			\
	__CSVX_KFREE_CB(n##4) __CSVX_KFREE_CB(n##5)			\
	__CSVX_KFREE_CB(n##6) __CSVX_KFREE_CB(n##7)
__CSVX_KFREE_CB8(0) __CSVX_KFREE_CB8(1) __CSVX_KFREE_CB8(2)
__CSVX_KFREE_CB8(3) __CSVX_KFREE_CB8(4) __CSVX_KFREE_CB8(5)
__CSVX_KFREE_CB8(6) __CSVX_KFREE_CB8(7)
#define __CSVX_KFREE_REF8(n)						\
	__csvx_kfree_cb_##n##0, __csvx_kfree_cb_##n##1,			\
	__csvx_kfree_cb_##n##2, __csvx_kfree_cb_##n##3,			\
	__csvx_kfree_cb_##n##4, __csvx_kfree_cb_##n##5,			\
	__csvx_kfree_cb_##n##6, __csvx_kfree_cb_##n##7

static inline void __csvx_kfree_rcu(struct rcu_head *head, size_t off)
{
	static void (*const cb[64])(struct rcu_head *) = {
		__CSVX_KFREE_REF8(0), __CSVX_KFREE_REF8(1),
		__CSVX_KFREE_REF8(2), __CSVX_KFREE_REF8(3),
		__CSVX_KFREE_REF8(4), __CSVX_KFREE_REF8(5),
		__CSVX_KFREE_REF8(6), __CSVX_KFREE_REF8(7),
	};

	if (off % 8 || off / 8 >= ARRAY_SIZE(cb)) {
		/* Not expected; correct, only slow. */
		synchronize_rcu();
		kfree((char *)head - off);
		return;
	}
	call_rcu(head, cb[off / 8]);
}

#define kfree_rcu(ptr, field) do {					\
	__typeof__(ptr) __p = (ptr);					\
	if (__p)							\
		__csvx_kfree_rcu(&__p->field,				\
				 offsetof(__typeof__(*__p), field));	\
} while (0)
#define kvfree_rcu(ptr, field)		kfree_rcu(ptr, field)

/*
 * Polled grace periods: liburcu has no cheap poll, so the cookie is a count
 * of forced grace periods, and every fourth poll of a cookie that has not
 * expired forces one.  Callers thus see both outcomes, as in the kernel.
 */
__attribute__((weak)) unsigned long __csvx_gp_seq;
__attribute__((weak)) unsigned long __csvx_gp_polls;

static inline unsigned long get_state_synchronize_rcu(void)
{
	return __atomic_load_n(&__csvx_gp_seq, __ATOMIC_ACQUIRE);
}

static inline bool poll_state_synchronize_rcu(unsigned long cookie)
{
	if (get_state_synchronize_rcu() != cookie)
		return true;
	if (__atomic_add_fetch(&__csvx_gp_polls, 1, __ATOMIC_RELAXED) % 4)
		return false;
	synchronize_rcu();
	__atomic_add_fetch(&__csvx_gp_seq, 1, __ATOMIC_RELEASE);
	return true;
}

/* -------------------------------------------------------- atomics, stats */

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
typedef struct { s64 counter; } atomic64_t;

#define ATOMIC_INIT(i)			{ (i) }
#define __CSVX_ATOMIC_OPS(pfx, type)					\
static inline type pfx##_read(const pfx##_t *v)				\
{									\
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_set(pfx##_t *v, type i)			\
{									\
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline type pfx##_add_return(type i, pfx##_t *v)			\
{									\
	return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline void pfx##_add(type i, pfx##_t *v)			\
{									\
	__atomic_add_fetch(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_sub(type i, pfx##_t *v)			\
{									\
	__atomic_sub_fetch(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_inc(pfx##_t *v)				\
{									\
	pfx##_add(1, v);						\
}									\
static inline void pfx##_dec(pfx##_t *v)				\
{									\
	pfx##_sub(1, v);						\
}									\
static inline type pfx##_inc_return(pfx##_t *v)				\
{									\
	return pfx##_add_return(1, v);					\
}									\
static inline bool pfx##_dec_and_test(pfx##_t *v)			\
{									\
	return pfx##_add_return(-1, v) == 0;				\
}									\
static inline type pfx##_cmpxchg(pfx##_t *v, type old, type new)	\
{									\
	__atomic_compare_exchange_n(&v->counter, &old, new, false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);	\
	return old;							\
}
__CSVX_ATOMIC_OPS(atomic, int)
__CSVX_ATOMIC_OPS(atomic_long, long)
__CSVX_ATOMIC_OPS(atomic64, s64)

/* 64-bit: the sequence counter of u64_stats is empty, as in the kernel. */
struct u64_stats_sync {
};

typedef struct {
	u64 v;
} u64_stats_t;

#define u64_stats_init(s)		do { (void)(s); } while (0)
#define u64_stats_update_begin(s)	do { (void)(s); } while (0)
#define u64_stats_update_end(s)		do { (void)(s); } while (0)
#define u64_stats_fetch_begin(s)	((void)(s), 0U)
#define u64_stats_fetch_retry(s, st)	((void)(s), (void)(st), false)

static inline u64 u64_stats_read(const u64_stats_t *p)
{
	return __atomic_load_n(&p->v, __ATOMIC_RELAXED);
}

static inline void u64_stats_add(u64_stats_t *p, unsigned long n)
{
	__atomic_add_fetch(&p->v, n, __ATOMIC_RELAXED);
}

static inline void u64_stats_inc(u64_stats_t *p)
{
	u64_stats_add(p, 1);
}

/*
 * Per-CPU data as a single instance: user space has no CPU-local storage
 * to emulate cheaply, and the tests only need the sums right.
 */
#define nr_cpu_ids			1
#define for_each_possible_cpu(cpu)	for ((cpu) = 0; (cpu) < 1; (cpu)++)
#define alloc_percpu(type)		((type *)calloc(1, sizeof(type)))
#define alloc_percpu_gfp(type, gfp)	alloc_percpu(type)
#define free_percpu(p)			free(p)
#define per_cpu_ptr(p, cpu)		((void)(cpu), (p))
#define this_cpu_ptr(p)			(p)
#define raw_cpu_ptr(p)			(p)
#define get_cpu()			0
#define put_cpu()			do { } while (0)
#define smp_processor_id()		0

/* ------------------------------------------ security groups (sg, conn) */
/*
 * Appended for tables/conn.c: cmpxchg, the connection table's spinlock
 * and sequence count, and a kmem_cache over malloc.
 */
#include <pthread.h>

#define cmpxchg(p, o, n) __sync_val_compare_and_swap(p, o, n)

typedef struct { pthread_spinlock_t l; } spinlock_t;
#define spin_lock_init(s)	pthread_spin_init(&(s)->l, PTHREAD_PROCESS_PRIVATE)
#define spin_lock(s)		pthread_spin_lock(&(s)->l)
#define spin_unlock(s)		pthread_spin_unlock(&(s)->l)
#define spin_lock_bh(s)		spin_lock(s)
#define spin_unlock_bh(s)	spin_unlock(s)

typedef struct { unsigned int sequence; } seqcount_t;
#define seqcount_init(s)	((s)->sequence = 0)
static inline unsigned int raw_read_seqcount(const seqcount_t *s)
{
	return __atomic_load_n(&s->sequence, __ATOMIC_ACQUIRE);
}

static inline unsigned int read_seqcount_begin(const seqcount_t *s)
{
	unsigned int v;

	while ((v = __atomic_load_n(&s->sequence, __ATOMIC_ACQUIRE)) & 1)
		barrier();
	return v;
}

static inline int read_seqcount_retry(const seqcount_t *s, unsigned int start)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&s->sequence, __ATOMIC_RELAXED) != start;
}

static inline void write_seqcount_begin(seqcount_t *s)
{
	__atomic_store_n(&s->sequence, s->sequence + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static inline void write_seqcount_end(seqcount_t *s)
{
	__atomic_store_n(&s->sequence, s->sequence + 1, __ATOMIC_RELEASE);
}

#define SLAB_HWCACHE_ALIGN	1U
#define SLAB_ACCOUNT		0U
struct kmem_cache {
	size_t size;
	unsigned int flags;
};

static inline struct kmem_cache *kmem_cache_create(const char *name,
						   unsigned int size,
						   unsigned int align,
						   unsigned int flags,
						   void (*ctor)(void *))
{
	struct kmem_cache *c = calloc(1, sizeof(*c));

	(void)name;
	(void)align;
	(void)ctor;
	if (c) {
		c->size = size;
		c->flags = flags;
	}
	return c;
}

static inline void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp)
{
	if (c->flags & SLAB_HWCACHE_ALIGN)
		return kmalloc(ALIGN(c->size, L1_CACHE_BYTES), gfp);
	return kmalloc(c->size, gfp);
}

static inline void kmem_cache_free(struct kmem_cache *c, void *p)
{
	(void)c;
	kfree(p);
}

static inline void kmem_cache_destroy(struct kmem_cache *c)
{
	free(c);
}

#endif /* _CSVX_SHIM_USER_H */
