// SPDX-License-Identifier: GPL-2.0
/*
 * The resizable RCU hash table: writer side and iteration.  See htab.h for
 * the design; the invariants kept here are
 *
 *  - the list from h->head is sorted by hash; nodes of equal hash stay in
 *    insertion order;
 *  - b[i] is the first node of bucket i, or NULL if the bucket is empty;
 *  - h->last is the last node of the list (for appending).
 */
#include "htab.h"

/* Up to this many nodes a table has no bucket array: one short run. */
#define HTAB_SMALL		8
#define HTAB_MIN_BYTES		256

static inline struct csvx_hnode *next_w(const struct csvx_hnode *n)
{
	return rcu_dereference_protected(n->next, true);
}

static inline struct csvx_hbuckets *bkt_w(const struct csvx_htab *h)
{
	return rcu_dereference_protected(h->bkt, true);
}

static inline struct csvx_hnode *slot_w(const struct csvx_hbuckets *b, u32 i)
{
	return rcu_dereference_protected(b->b[i], true);
}

static u32 htab_nbuckets(size_t bytes)
{
	return (bytes - sizeof(struct csvx_hbuckets)) /
	       sizeof(struct csvx_hnode *);
}

void csvx_htab_init(struct csvx_htab *h)
{
	memset(h, 0, sizeof(*h));
	get_random_bytes(&h->key, sizeof(h->key));
}

void csvx_htab_destroy(struct csvx_htab *h)
{
	kvfree(bkt_w(h));
	RCU_INIT_POINTER(h->bkt, NULL);
	RCU_INIT_POINTER(h->head, NULL);
	h->last = NULL;
	h->count = 0;
}

void csvx_htab_clear(struct csvx_htab *h)
{
	struct csvx_hbuckets *b = bkt_w(h);

	RCU_INIT_POINTER(h->bkt, NULL);
	RCU_INIT_POINTER(h->head, NULL);
	h->last = NULL;
	h->count = 0;
	if (b)
		kvfree_rcu(b, rcu);
}

size_t csvx_htab_memory(const struct csvx_htab *h)
{
	const struct csvx_hbuckets *b = rcu_dereference_protected(h->bkt, true);

	return b ? b->bytes : 0;
}

/*
 * Index the list with a new bucket array of @bytes (0: none).  Nodes do not
 * move, so readers on the old array are unaffected; they are done with it
 * after a grace period.  On allocation failure keep the old one.
 */
static void htab_rebuild(struct csvx_htab *h, size_t bytes)
{
	struct csvx_hbuckets *old = bkt_w(h), *b = NULL;
	struct csvx_hnode *n;
	u32 i, last = U32_MAX, seen = 0;

	if (bytes) {
		b = kvzalloc(bytes, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!b)
			return;
		b->bytes = bytes;
		b->n = htab_nbuckets(bytes);
		/* Sorted list, monotonic bucket function: the first node
		 * met for a bucket is its first node.
		 */
		for (n = rcu_dereference_protected(h->head, true); n;
		     n = next_w(n)) {
			i = csvx_hbucket(b, n->hash);
			if (i != last) {
				RCU_INIT_POINTER(b->b[i], n);
				last = i;
			}
			if (!(++seen % 4096))
				cond_resched();
		}
	}
	rcu_assign_pointer(h->bkt, b);
	if (old)
		kvfree_rcu(old, rcu);
}

/* Keep the load factor at most one: double when it goes above. */
static void htab_maybe_grow(struct csvx_htab *h)
{
	struct csvx_hbuckets *b = bkt_w(h);
	size_t bytes;

	if (b ? h->count <= b->n : h->count <= HTAB_SMALL)
		return;
	bytes = b ? 2 * (size_t)b->bytes : HTAB_MIN_BYTES;
	/* Catch up if earlier growths failed to allocate. */
	while (htab_nbuckets(bytes) < h->count)
		bytes *= 2;
	htab_rebuild(h, bytes);
}

/* Halve below a quarter, and drop the array when nearly empty. */
static void htab_maybe_shrink(struct csvx_htab *h)
{
	struct csvx_hbuckets *b = bkt_w(h);

	if (!b || h->count >= b->n / 4)
		return;
	if (b->bytes > HTAB_MIN_BYTES)
		htab_rebuild(h, b->bytes / 2);
	else if (h->count <= HTAB_SMALL / 2)
		htab_rebuild(h, 0);
}

static void link_before(struct csvx_hnode *x, struct csvx_hnode *n)
{
	RCU_INIT_POINTER(x->next, n);
	x->pprev = n->pprev;
	rcu_assign_pointer(*n->pprev, x);
	n->pprev = &x->next;
}

static void link_after(struct csvx_htab *h, struct csvx_hnode *p,
		       struct csvx_hnode *x)
{
	struct csvx_hnode *nx = next_w(p);

	RCU_INIT_POINTER(x->next, nx);
	x->pprev = &p->next;
	if (nx)
		nx->pprev = &x->next;
	else
		h->last = x;
	rcu_assign_pointer(p->next, x);
}

/* Into an empty table. */
static void link_only(struct csvx_htab *h, struct csvx_hnode *x)
{
	RCU_INIT_POINTER(x->next, NULL);
	x->pprev = &h->head;
	h->last = x;
	rcu_assign_pointer(h->head, x);
}

/* The first node of the first non-empty bucket after @i. */
static struct csvx_hnode *htab_next_run(const struct csvx_hbuckets *b, u32 i)
{
	struct csvx_hnode *n;

	while (++i < b->n) {
		n = slot_w(b, i);
		if (n)
			return n;
	}
	return NULL;
}

void csvx_htab_insert(struct csvx_htab *h, struct csvx_hnode *x, u32 hash)
{
	struct csvx_hbuckets *b = bkt_w(h);
	struct csvx_hnode *n, *p;
	bool first = true;
	u32 i = 0;

	x->hash = hash;
	if (b) {
		i = csvx_hbucket(b, hash);
		n = slot_w(b, i);
	} else {
		n = rcu_dereference_protected(h->head, true);
	}

	if (!n) {
		/* An empty bucket: x goes before the next run, if any. */
		n = b ? htab_next_run(b, i) : NULL;
		if (n)
			link_before(x, n);
		else if (h->last)
			link_after(h, h->last, x);
		else
			link_only(h, x);
	} else if (n->hash > hash) {
		link_before(x, n);
	} else {
		/* After the last node of hash <= ours: equal hashes keep
		 * their insertion order, which walks rely on.
		 */
		while ((p = next_w(n)) && p->hash <= hash)
			n = p;
		link_after(h, n, x);
		first = false;
	}
	if (b && first)
		rcu_assign_pointer(b->b[i], x);
	h->count++;
	htab_maybe_grow(h);
}

void csvx_htab_remove(struct csvx_htab *h, struct csvx_hnode *x)
{
	struct csvx_hbuckets *b = bkt_w(h);
	struct csvx_hnode *nx = next_w(x);
	u32 i;

	if (b) {
		i = csvx_hbucket(b, x->hash);
		if (slot_w(b, i) == x)
			RCU_INIT_POINTER(b->b[i],
					 nx && csvx_hbucket(b, nx->hash) == i ?
					 nx : NULL);
	}
	/* x->next stays: a reader standing on x goes on from there. */
	RCU_INIT_POINTER(*x->pprev, nx);
	if (nx)
		nx->pprev = x->pprev;
	else if (x->pprev == &h->head)
		h->last = NULL;
	else
		h->last = container_of(x->pprev, struct csvx_hnode, next);
	x->pprev = NULL;
	h->count--;
	htab_maybe_shrink(h);
}

void csvx_htab_replace(struct csvx_htab *h, struct csvx_hnode *old,
		       struct csvx_hnode *new)
{
	struct csvx_hbuckets *b = bkt_w(h);
	struct csvx_hnode *nx = next_w(old);
	u32 i;

	new->hash = old->hash;
	RCU_INIT_POINTER(new->next, nx);
	new->pprev = old->pprev;
	if (nx)
		nx->pprev = &new->next;
	else
		h->last = new;
	rcu_assign_pointer(*old->pprev, new);
	if (b) {
		i = csvx_hbucket(b, old->hash);
		if (slot_w(b, i) == old)
			rcu_assign_pointer(b->b[i], new);
	}
	old->pprev = NULL;
}

void csvx_htab_iter_start(const struct csvx_htab *h,
			  const struct csvx_htab_pos *from,
			  struct csvx_htab_iter *it)
{
	const struct csvx_hbuckets *b = rcu_dereference_raw(h->bkt);
	struct csvx_hnode *n = NULL;
	u32 i, rank = 0;

	if (b) {
		for (i = csvx_hbucket(b, from->hash); i < b->n && !n; i++)
			n = rcu_dereference_raw(b->b[i]);
	} else {
		n = rcu_dereference_raw(h->head);
	}
	while (n && n->hash < from->hash)
		n = csvx_hnode_next(n);
	/* The nodes of that hash already visited, if they are still there. */
	while (n && n->hash == from->hash && rank < from->rank) {
		n = csvx_hnode_next(n);
		rank++;
	}
	it->node = n;
	if (n && n->hash == from->hash) {
		it->pos.hash = n->hash;
		it->pos.rank = rank;
	} else {
		it->pos.hash = n ? n->hash : 0;
		it->pos.rank = 0;
	}
}

void csvx_htab_iter_next(struct csvx_htab_iter *it)
{
	struct csvx_hnode *n = csvx_hnode_next(it->node);

	if (n && n->hash == it->pos.hash) {
		it->pos.rank++;
	} else {
		it->pos.hash = n ? n->hash : 0;
		it->pos.rank = 0;
	}
	it->node = n;
}
