// SPDX-License-Identifier: GPL-2.0
/*
 * Longest-prefix match, one structure per address family per VRF.
 *
 * The lookup structure is a Poptrie (Asai and Ohara, SIGCOMM 2015): a
 * direct-indexed top level of 2^s entries, then nodes of 6-bit stride.  A
 * node has two 64-bit maps: "vector" marks the slots that lead to a child
 * node, and the children of a node sit next to each other, so the child of
 * slot i is at base1 + popcount(vector up to i) - 1.  The other slots hold
 * leaves, nexthops pushed down from the routes covering them; runs of
 * equal leaves are stored once and found the same way through "leafvec".
 * A lookup is then one top entry and one node per 6 bits, each a popcount,
 * with no pointers followed.
 *
 * What is specific here:
 *  - Nodes are 32 bytes and keep up to 6 leaves inline (most nodes have no
 *    more).  A node named by a top entry keeps all its leaves inline, in
 *    the 32-byte units after it: a lookup that ends there (nearly all, at
 *    a million DFZ routes) reads a top entry and one node, whose leaf is
 *    in the node's own cache line nine times in ten, and no leaves array.
 *  - The common path has no branch on the data: a top entry that is a
 *    value reads a constant node, and the answer is picked with a
 *    conditional move, so that consecutive lookups overlap instead of
 *    waiting for mispredicted branches on cache misses.
 *  - Path compression: a chain of nodes that each have one child and one
 *    value elsewhere is one "skip" node, which compares up to 60 key bits
 *    at once.  IPv6 tables are mostly such chains.
 *  - s adapts to the number of routes (6/12/18 bits for IPv4, 4/10/16 for
 *    IPv6, rebuilt when it changes), so an empty LPM costs a few hundred
 *    bytes and a million routes get a 1 MiB top level.  Strides are aligned
 *    so that /24 (IPv4) and /64 (IPv6) end on a node boundary.
 *  - Leaves are 16 bits while every nexthop fits, 32 bits otherwise.
 *  - Nodes and leaves live in two arrays per structure ("fib"), filled by
 *    bumping an offset.  Published nodes are never written again: an update
 *    writes new copies of the nodes it changes and of their ancestors into
 *    free space and publishes them with one 32-bit store of a top entry.
 *    What it replaced stays in place, still valid for readers, until the
 *    arrays fill up; then the live trie is copied compactly into new
 *    arrays, the new fib is published with rcu_assign_pointer() and the old
 *    one freed after a grace period.  Free space is about 1/8 of the live
 *    size, so a copy is paid for by the updates that filled the space and
 *    memory stays close to what is live.
 *  - The routes themselves are kept in the RIB (lpm_rib.c).  An update
 *    rebuilds only the slots under the changed prefix, from the RIB, in the
 *    deepest node that holds them; nodes left with a single leaf value
 *    collapse into their parent.
 */
#include "lpm_int.h"

#ifndef __KERNEL__
long csvx_lpm_fault_after;
#endif

/* -------------------------------------------------------------- keys */

static void key_load(struct lpm_key *k, const u8 *a, bool v6)
{
	if (!v6) {
		__be32 x;

		memcpy(&x, a, sizeof(x));
		k->w[0] = (u64)be32_to_cpu(x) << 32;
		k->w[1] = 0;
	} else {
		__be64 x[2];

		memcpy(x, a, sizeof(x));
		k->w[0] = be64_to_cpu(x[0]);
		k->w[1] = be64_to_cpu(x[1]);
	}
}

static void key_store(const struct lpm_key *k, u8 *a, bool v6)
{
	if (!v6) {
		__be32 x = cpu_to_be32(k->w[0] >> 32);

		memcpy(a, &x, sizeof(x));
	} else {
		__be64 x[2] = { cpu_to_be64(k->w[0]), cpu_to_be64(k->w[1]) };

		memcpy(a, x, sizeof(x));
	}
}

/* ------------------------------------------------------------ lookup */

/*
 * What a top entry that holds a value reads in place of a top node: one
 * run of leaves, so that both kinds of entry go through the same loads
 * and no branch depends on which it was (see lookup_walk()).
 */
static const struct lpm_node lpm_value_node = { .leafvec = 1 };

/*
 * Below top node @n: inner nodes, skip nodes, and leaves inline or in
 * the leaves array.  Also where lookup_walk() sends a top node whose slot
 * 0 is a child, to find a leaf of that top node.
 */
static u32 lookup_deep(const struct lpm_fib *f, const struct lpm_node *n,
		       u64 hi, u64 lo)
{
	uintptr_t in, out, m;
	u64 vec, lv, bit, mask;
	bool top = true;
	u32 sb, nl;

	for (;;) {
		lv = n->leafvec;
		if (lpm_node_is_skip(n)) {
			/* The key must go on the way the chain did. */
			sb = n->skip.strides * LPM_STRIDE;
			if ((hi ^ lv) >> (64 - sb))
				return n->skip.miss;
			n = &f->nodes[n->base1];
			hi = hi << sb | lo >> (64 - sb);
			lo <<= sb;
			top = false;
			continue;
		}
		vec = n->vector;
		bit = 1ULL << (hi >> (64 - LPM_STRIDE));
		mask = bit | (bit - 1);
		if (!(vec & bit))
			break;
		n = &f->nodes[n->base1 + hweight64(vec & mask) - 1];
		hi = hi << LPM_STRIDE | lo >> (64 - LPM_STRIDE);
		lo <<= LPM_STRIDE;
		top = false;
	}
	/*
	 * Leaves inline if few or in a top node, else in the leaves array:
	 * as random as the addresses in a big table, so chosen with a mask
	 * (compilers turn a condition here back into branches).
	 */
	nl = hweight64(lv);
	bit = hweight64(lv & mask) - 1;
	in = (uintptr_t)lpm_node_leaves(n);
	if (f->wide) {
		out = (uintptr_t)f->leaves + n->base0 * sizeof(u32);
		m = (uintptr_t)0 - (top | (nl <= LPM_INLINE32));
		return ((const u32 *)((in & m) | (out & ~m)))[bit];
	}
	out = (uintptr_t)f->leaves + n->base0 * sizeof(u16);
	m = (uintptr_t)0 - (top | (nl <= LPM_INLINE16));
	return ((const u16 *)((in & m) | (out & ~m)))[bit];
}

/*
 * From top entry @e, with the key bits below the top level left-aligned
 * in @hi:@lo (@lo is 0 for IPv4, and the compiler drops it).  Published
 * nodes never change, so plain loads do; only top entries are written
 * live.
 *
 * Most addresses end in a top entry or in a top node's leaves, and which
 * of the two is as random as the addresses: a branch on it would be
 * mispredicted often, and each miss discards the loads of the lookups the
 * CPU had started after this one.  So a value entry reads a constant
 * one-leaf node and the answer is chosen without a branch; the branch
 * left goes to lookup_deep() for the few addresses under longer routes.
 */
static __always_inline u32 lookup_walk(const struct lpm_fib *f, u32 e,
				       u64 hi, u64 lo)
{
	const struct lpm_node *n, *vn = &lpm_value_node;
	unsigned long i, slot = hi >> (64 - LPM_STRIDE);
	uintptr_t np;
	u64 lv;
	u32 v;

	/*
	 * Both addresses first, then a choice between two numbers, which
	 * compilers make with a conditional move.  Both hidden from the
	 * compiler, which would otherwise compute the node's address, or
	 * fold what it knows of lpm_value_node, in a path of its own: a
	 * branch on @e again.
	 */
	OPTIMIZER_HIDE_VAR(vn);
	/* As a number: for a value entry it points nowhere. */
	np = (uintptr_t)f->nodes + (e & ~LPM_NODE) * sizeof(*n);
	OPTIMIZER_HIDE_VAR(np);
	n = (const struct lpm_node *)(e & LPM_NODE ? np : (uintptr_t)vn);
	lv = n->leafvec;
	/* A child in the slot, or a skip node (its vector is all ones). */
	if (unlikely((n->vector >> slot) & 1))
		return lookup_deep(f, n, hi, lo);
	/* The leaf run the slot is in: bits 0 .. slot of leafvec, less one. */
	i = hweight64(lv << (63 - slot));
	if (unlikely(f->wide))
		v = ((const u32 *)lpm_node_leaves(n))[i - 1];
	else
		v = ((const u16 *)lpm_node_leaves(n))[i - 1];
	return e & LPM_NODE ? v : e;
}

/* The rest: IPv6, or 32-bit leaves. */
static noinline u32 lookup_slow(const struct lpm_fib *f, const u8 *addr)
{
	u32 s = f->s;
	u64 hi, lo;

	/* s >= 4: no shift below reaches 64. */
	if (!f->v6) {
		__be32 a;

		memcpy(&a, addr, sizeof(a));
		hi = (u64)be32_to_cpu(a) << 32;
		return lookup_walk(f, READ_ONCE(f->top[hi >> (64 - s)]),
				   hi << s, 0);
	} else {
		/* Two words, not an array: an array gets a stack canary. */
		__be64 a0, a1;

		memcpy(&a0, addr, sizeof(a0));
		memcpy(&a1, addr + sizeof(a0), sizeof(a1));
		hi = be64_to_cpu(a0);
		lo = be64_to_cpu(a1);
		return lookup_walk(f, READ_ONCE(f->top[hi >> (64 - s)]),
				   hi << s | lo >> (64 - s), lo << s);
	}
}

/*
 * lookup_walk() for IPv4 with 16-bit leaves, every instruction counted:
 * in a stream of lookups over a big table, the instructions of one lookup
 * stay in the reorder buffer until its cache miss returns, so fewer of
 * them is more lookups' misses in flight at once.
 *
 * The address shifted left by s has the top-level index in its high word
 * and the slot in the 6 bits below.  With c = 63 - slot, bit "slot" of a
 * node's map is the sign bit of map << c, and the leaves up to the slot
 * are popcount(leafvec << c).
 */
u32 csvx_lpm_lookup(const struct csvx_lpm *lpm, const u8 *addr)
{
	const struct lpm_fib *f = rcu_dereference(lpm->fib);
	const struct lpm_node *n, *vn = &lpm_value_node;
	u32 e, v, m;
	unsigned long c;
	uintptr_t np;
	__be32 a;
	u64 b;

	if (unlikely(f->slow))
		return lookup_slow(f, addr);
	memcpy(&a, addr, sizeof(a));
	b = (u64)be32_to_cpu(a) << f->s;
	e = READ_ONCE(f->top[b >> 32]);
	/* Both addresses, then a conditional move (see lookup_walk()). */
	OPTIMIZER_HIDE_VAR(vn);
	np = (uintptr_t)f->nodes + (e & ~LPM_NODE) * sizeof(*n);
	OPTIMIZER_HIDE_VAR(np);
	n = (const struct lpm_node *)(e & LPM_NODE ? np : (uintptr_t)vn);
	c = (u32)~b >> (32 - LPM_STRIDE);
	if (unlikely((s64)(n->vector << c) < 0))
		return lookup_deep(f, n, b << 32, 0);
	/* leaves[popcount - 1], the - 1 in the displacement */
	v = ((const u16 *)((const u8 *)n + LPM_LEAF_OFF -
			   sizeof(u16)))[hweight64(n->leafvec << c)];
	/*
	 * All ones for a node entry, else 0, hidden from the compiler: with
	 * a condition it would branch on the entry, a value needing no leaf.
	 */
	m = 0 - (e >> 31);
	OPTIMIZER_HIDE_VAR(m);
	return (v & m) | (e & ~m);
}

/* --------------------------------------------------------------- API */

static u32 lpm_bits(const struct csvx_lpm *lpm)
{
	return lpm->rib.v6 ? 128 : 32;
}

struct csvx_lpm *csvx_lpm_create(int family)
{
	struct csvx_lpm *lpm;
	struct lpm_fib *f;
	bool v6;

	if (family != AF_INET && family != AF_INET6)
		return NULL;
	v6 = family == AF_INET6;
	lpm = lpm_kzalloc(sizeof(*lpm));
	if (!lpm)
		return NULL;
	f = csvx_lpm_fib_empty(v6);
	if (!f) {
		kfree(lpm);
		return NULL;
	}
	csvx_lpm_rib_init(&lpm->rib, v6);
	RCU_INIT_POINTER(lpm->fib, f);
	return lpm;
}

void csvx_lpm_destroy(struct csvx_lpm *lpm)
{
	if (!lpm)
		return;
	csvx_lpm_fib_free(lpm_fib_deref(lpm));
	csvx_lpm_rib_free(&lpm->rib);
	kfree(lpm);
}

static void lpm_destroy_rcu(struct rcu_head *head)
{
	csvx_lpm_destroy(container_of(head, struct csvx_lpm, rcu));
}

void csvx_lpm_destroy_rcu(struct csvx_lpm *lpm)
{
	if (lpm)
		call_rcu(&lpm->rcu, lpm_destroy_rcu);
}

/* Parse and check a prefix; host bits must be clear. */
static int lpm_prefix(const struct csvx_lpm *lpm, const u8 *prefix, u8 plen,
		      struct lpm_key *k)
{
	struct lpm_key m;

	if (plen > lpm_bits(lpm))
		return -EINVAL;
	key_load(k, prefix, lpm->rib.v6);
	m = lpm_key_mask(k, plen);
	if (m.w[0] != k->w[0] || m.w[1] != k->w[1])
		return -EINVAL;
	return 0;
}

int csvx_lpm_insert(struct csvx_lpm *lpm, const u8 *prefix, u8 plen, u32 nh,
		    u32 *old_nh)
{
	struct lpm_rib_undo u;
	struct lpm_ent e;
	u32 old;
	int err;

	*old_nh = 0;
	if (!nh || nh > CSVX_LPM_NH_MAX)
		return -EINVAL;
	err = lpm_prefix(lpm, prefix, plen, &e.k);
	if (err)
		return err;
	e.plen = plen;
	e.nh = nh;
	err = csvx_lpm_rib_insert(&lpm->rib, &e, &old, &u);
	if (err)
		return err;
	if (old != nh) {
		err = csvx_lpm_fib_update(lpm, &e.k, plen);
		if (err) {
			csvx_lpm_rib_undo(&lpm->rib, &u);
			return err;
		}
	}
	csvx_lpm_rib_commit(&lpm->rib, &u);
	*old_nh = old;
	return 0;
}

int csvx_lpm_delete(struct csvx_lpm *lpm, const u8 *prefix, u8 plen,
		    u32 *old_nh)
{
	struct lpm_rib_undo u;
	struct lpm_key k;
	u32 old;
	int err;

	*old_nh = 0;
	err = lpm_prefix(lpm, prefix, plen, &k);
	if (err)
		return err;
	err = csvx_lpm_rib_delete(&lpm->rib, &k, plen, &old, &u);
	if (err)
		return err;
	err = csvx_lpm_fib_update(lpm, &k, plen);
	if (err) {
		csvx_lpm_rib_undo(&lpm->rib, &u);
		return err;
	}
	csvx_lpm_rib_commit(&lpm->rib, &u);
	*old_nh = old;
	return 0;
}

u32 csvx_lpm_get(const struct csvx_lpm *lpm, const u8 *prefix, u8 plen)
{
	struct lpm_key k;
	u32 nh;

	if (lpm_prefix(lpm, prefix, plen, &k))
		return 0;
	rcu_read_lock();
	nh = csvx_lpm_rib_get(&lpm->rib, &k, plen);
	rcu_read_unlock();
	return nh;
}

int csvx_lpm_walk(const struct csvx_lpm *lpm, struct csvx_lpm_cursor *cursor,
		  int (*fn)(const u8 *prefix, u8 plen, u32 nh, void *arg),
		  void *arg)
{
	bool v6 = lpm->rib.v6, more;
	struct lpm_rib_iter it;
	struct lpm_key k = { { 0, 0 } };
	u8 plen = 0, buf[16];
	struct lpm_ent e;
	int ret = 0;

	if (cursor->started > 1)
		return 0;
	if (cursor->started) {
		key_load(&k, cursor->prefix, v6);
		plen = cursor->plen;
	}
	rcu_read_lock();
	more = csvx_lpm_rib_seek(&lpm->rib, &it, &k, plen);
	while (more) {
		csvx_lpm_rib_read(&it, &e);
		memset(buf, 0, sizeof(buf));
		key_store(&e.k, buf, v6);
		ret = fn(buf, e.plen, e.nh, arg);
		if (ret) {
			memcpy(cursor->prefix, buf, sizeof(cursor->prefix));
			cursor->plen = e.plen;
			cursor->started = 1;
			break;
		}
		more = csvx_lpm_rib_next(&it);
	}
	rcu_read_unlock();
	if (!ret)
		cursor->started = 2;
	return ret;
}

u32 csvx_lpm_count(const struct csvx_lpm *lpm)
{
	return READ_ONCE(lpm->rib.count);
}

size_t csvx_lpm_memory(const struct csvx_lpm *lpm)
{
	struct csvx_lpm_stats st;

	csvx_lpm_stats(lpm, &st, false);
	return st.trie_bytes + st.rib_bytes;
}

void csvx_lpm_stats(const struct csvx_lpm *lpm, struct csvx_lpm_stats *st,
		    bool count_live)
{
	const struct lpm_fib *f;

	memset(st, 0, sizeof(*st));
	rcu_read_lock();
	f = rcu_dereference(lpm->fib);
	st->routes = READ_ONCE(lpm->rib.count);
	st->top_bits = f->s;
	st->wide_leaves = f->wide;
	st->nodes_cap = f->nodes_cap;
	st->leaves_cap = f->leaves_cap;
	/* The LPM's own struct counts with the lookup structure. */
	st->trie_bytes = csvx_lpm_fib_bytes(f) + lpm_alloc_bytes(lpm, sizeof(*lpm));
	st->rib_bytes = READ_ONCE(lpm->rib.bytes);
	if (count_live)
		csvx_lpm_fib_count(f, &st->nodes, &st->leaves);
	rcu_read_unlock();
}
