// SPDX-License-Identifier: GPL-2.0
/*
 * The resizable RCU hash table: writer side and iteration.  See htab.h for
 * the design; the invariants kept here are
 *
 *  - the list from h->head is sorted by hash; nodes of equal hash stay in
 *    insertion order;
 *  - b[i].first is the first node of bucket i, or NULL if it is empty;
 *  - a node is in at most one slot, of its own bucket's line; a line's
 *    ->all is set only while every node of its run is in one of its slots
 *    (index tables use no slots and keep ->all clear);
 *  - h->last is the last node of the list (for appending).
 */
#include "htab.h"

static_assert(CSVX_HB_SLOTS == 5,
	      "csvx_htags_match() compares tags[0..3] and tag[4]");
static_assert(sizeof(struct csvx_hline) == L1_CACHE_BYTES,
	      "a bucket is one cache line");
static_assert(sizeof(struct csvx_hbuckets) == L1_CACHE_BYTES,
	      "the buckets start on the second line of their allocation");

/* Up to this many nodes a table has no bucket array: one short run. */
#define HTAB_SMALL		8
/* The header and three lines. */
#define HTAB_MIN_BYTES		256
/*
 * Lookup tables grow above two nodes per line (1 to 2 after a doubling):
 * at two, a Poisson-distributed run has more nodes than the five slots for
 * about 1% of the nodes, and the lines cost 32 to 64 bytes per node.
 */
#define HTAB_LOAD		2
/* Index tables: no slots, 8 to 16 bytes per node, runs of 4 to 8. */
#define HTAB_INDEX_LOAD		8

static inline struct csvx_hnode *next_w(const struct csvx_hnode *n)
{
	return rcu_dereference_protected(n->next, true);
}

static inline struct csvx_hbuckets *bkt_w(const struct csvx_htab *h)
{
	return rcu_dereference_protected(h->bkt, true);
}

static inline struct csvx_hnode *first_w(const struct csvx_hbuckets *b, u32 i)
{
	return rcu_dereference_protected(b->b[i].first, true);
}

static inline struct csvx_hnode *slot_w(const struct csvx_hline *l, u32 i)
{
	return rcu_dereference_protected(l->slot[i], true);
}

static u32 htab_nbuckets(size_t bytes)
{
	return (bytes - sizeof(struct csvx_hbuckets)) /
	       sizeof(struct csvx_hline);
}

static bool htab_slotted(const struct csvx_htab *h)
{
	return h->load == HTAB_LOAD;
}

void csvx_htab_init(struct csvx_htab *h)
{
	memset(h, 0, sizeof(*h));
	get_random_bytes(&h->key, sizeof(h->key));
	h->load = HTAB_LOAD;
}

void csvx_htab_init_index(struct csvx_htab *h)
{
	csvx_htab_init(h);
	h->load = HTAB_INDEX_LOAD;
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

/* Into a free slot of @l, if there is one. */
static bool slot_add(struct csvx_hline *l, struct csvx_hnode *x)
{
	u32 i;

	for (i = 0; i < CSVX_HB_SLOTS; i++) {
		if (!slot_w(l, i)) {
			WRITE_ONCE(l->tag[i], (u16)x->hash);
			rcu_assign_pointer(l->slot[i], x);
			return true;
		}
	}
	return false;
}

static void slot_swap(struct csvx_hline *l, struct csvx_hnode *old,
		      struct csvx_hnode *new)
{
	u32 i;

	for (i = 0; i < CSVX_HB_SLOTS; i++) {
		if (slot_w(l, i) == old) {
			rcu_assign_pointer(l->slot[i], new);
			return;
		}
	}
}

static bool in_slot(const struct csvx_hline *l, const struct csvx_hnode *x)
{
	u32 i;

	for (i = 0; i < CSVX_HB_SLOTS; i++)
		if (slot_w(l, i) == x)
			return true;
	return false;
}

/*
 * A run that overflowed its slots lost a node: if the rest fits, give the
 * nodes that have none a slot, and only then say the slots are complete.
 * Nodes already in a slot stay where they are (see htab.h).
 */
static void line_refill(struct csvx_hbuckets *b, u32 i)
{
	struct csvx_hline *l = &b->b[i];
	struct csvx_hnode *n;
	u32 k = 0;

	for (n = first_w(b, i); n && csvx_hbucket(b, n->hash) == i;
	     n = next_w(n))
		if (++k > CSVX_HB_SLOTS)
			return;
	for (n = first_w(b, i); n && csvx_hbucket(b, n->hash) == i;
	     n = next_w(n))
		if (!in_slot(l, n))
			slot_add(l, n);
	/* pairs with the acquire in csvx_hprobe_start(): slots, then ->all */
	smp_store_release(&l->all, 1);
}

/*
 * Index the list with a new bucket array of @bytes (0: none).  Nodes do not
 * move, so readers on the old array are unaffected; they are done with it
 * after a grace period.  On allocation failure keep the old one.
 */
static void htab_rebuild(struct csvx_htab *h, size_t bytes)
{
	struct csvx_hbuckets *old = bkt_w(h), *b = NULL;
	bool slotted = htab_slotted(h);
	struct csvx_hline *l = NULL;
	struct csvx_hnode *n;
	u32 i, last = U32_MAX, seen = 0, k = 0;

	if (bytes) {
		b = kvzalloc(bytes, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!b)
			return;
		b->bytes = bytes;
		b->n = htab_nbuckets(bytes);
		for (i = 0; i < b->n; i++)
			b->b[i].all = slotted;
		/* Sorted list, monotonic bucket function: the first node
		 * met for a bucket is its first node.
		 */
		for (n = rcu_dereference_protected(h->head, true); n;
		     n = next_w(n)) {
			i = csvx_hbucket(b, n->hash);
			if (i != last) {
				l = &b->b[i];
				RCU_INIT_POINTER(l->first, n);
				last = i;
				k = 0;
			}
			if (!slotted) {
				/* an index: no slots, ->all stays clear */
			} else if (k < CSVX_HB_SLOTS) {
				l->tag[k] = (u16)n->hash;
				RCU_INIT_POINTER(l->slot[k], n);
				k++;
			} else {
				l->all = 0;
			}
			if (!(++seen % 4096))
				cond_resched();
		}
	}
	rcu_assign_pointer(h->bkt, b);
	if (old)
		kvfree_rcu(old, rcu);
}

/* Keep the load factor at most h->load: double when it goes above. */
static void htab_maybe_grow(struct csvx_htab *h)
{
	struct csvx_hbuckets *b = bkt_w(h);
	size_t bytes;

	if (b ? h->count <= b->n * h->load : h->count <= HTAB_SMALL)
		return;
	bytes = b ? 2 * (size_t)b->bytes : HTAB_MIN_BYTES;
	/* Catch up if earlier growths failed to allocate. */
	while (htab_nbuckets(bytes) * h->load < h->count)
		bytes *= 2;
	htab_rebuild(h, bytes);
}

/* Halve below a quarter of that, and drop the array when nearly empty. */
static void htab_maybe_shrink(struct csvx_htab *h)
{
	struct csvx_hbuckets *b = bkt_w(h);

	if (!b || h->count >= b->n * h->load / 4)
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
		n = first_w(b, i);
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
		n = first_w(b, i);
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
		rcu_assign_pointer(b->b[i].first, x);
	/* A run that no longer fits says so before the insert returns. */
	if (b && htab_slotted(h) && !slot_add(&b->b[i], x) && b->b[i].all)
		WRITE_ONCE(b->b[i].all, 0);
	h->count++;
	htab_maybe_grow(h);
}

void csvx_htab_remove(struct csvx_htab *h, struct csvx_hnode *x)
{
	struct csvx_hbuckets *b = bkt_w(h);
	struct csvx_hnode *nx = next_w(x);
	u32 i = 0;

	if (b) {
		i = csvx_hbucket(b, x->hash);
		if (first_w(b, i) == x)
			RCU_INIT_POINTER(b->b[i].first,
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
	if (b && htab_slotted(h)) {
		slot_swap(&b->b[i], x, NULL);
		if (!b->b[i].all)
			line_refill(b, i);
	}
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
		if (first_w(b, i) == old)
			rcu_assign_pointer(b->b[i].first, new);
		slot_swap(&b->b[i], old, new);
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
			n = rcu_dereference_raw(b->b[i].first);
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
