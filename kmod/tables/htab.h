/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A resizable RCU hash table of intrusive nodes: the one exact-match table
 * behind the FDB, the FDB's IP index, VNIs, VRFs and nexthops.
 *
 * All nodes of a table sit on ONE list sorted by hash, and the bucket array
 * only says where each bucket's run of that list begins: bucket i of n
 * holds the hashes in [i * 2^32 / n, (i + 1) * 2^32 / n).  So:
 *
 *  - a lookup reads one bucket slot and then the nodes of that bucket,
 *    comparing the full 32-bit hash kept in the node before the key: at a
 *    load factor below one that is the slot's line and the entry's line;
 *  - a resize never moves a node.  The writer builds a new bucket array
 *    from the list and publishes it; a reader still on the old array walks
 *    the same list.  The old array is freed after a grace period;
 *  - a walk goes in hash order, so its position is just (hash, rank among
 *    equal hashes): it survives any number of inserts, deletes and resizes
 *    between two calls, and a node present for the whole walk is visited
 *    exactly once (unless a node of the very same 32-bit hash before it
 *    was removed meanwhile: then the rank may skip it).
 *
 * The hash is a keyed hsiphash with a random key per table, so keys chosen
 * by a tenant cannot make a bucket long.  The owner computes it (with the
 * table's key, through csvx_htab_hash*()) and passes it in; two tables may
 * share one hash, as the FDB and its per-VNI index do.
 *
 * Readers: csvx_htab_seek()/csvx_htab_for_each_hash() and the iterator,
 * under rcu_read_lock() or the writer's lock.  Writers are serialised by
 * the caller and may sleep: an insert or remove may resize the table (a
 * resize that cannot allocate is skipped; the table stays correct, only its
 * buckets get longer).  Nodes are the owner's to free, after a grace period.
 */
#ifndef _CSVX_HTAB_H
#define _CSVX_HTAB_H

#include "shim.h"

struct csvx_hnode {
	struct csvx_hnode __rcu *next;
	struct csvx_hnode __rcu **pprev;	/* writer side */
	u32 hash;
	u32 user;				/* free for the owner */
};

struct csvx_hbuckets {
	u32 n;				/* number of buckets */
	u32 bytes;			/* size of this allocation */
	struct rcu_head rcu;
	struct csvx_hnode __rcu *b[];	/* first node of each bucket */
};

struct csvx_htab {
	struct csvx_hbuckets __rcu *bkt;	/* NULL: small, one run */
	struct csvx_hnode __rcu *head;
	hsiphash_key_t key;
	struct csvx_hnode *last;		/* writer side */
	u32 count;				/* writer side */
};

/* Where a walk is: zeroed for the start of the table. */
struct csvx_htab_pos {
	u32 hash;
	u32 rank;			/* nodes of the same hash before it */
};

struct csvx_htab_iter {
	struct csvx_hnode *node;	/* NULL at the end */
	struct csvx_htab_pos pos;	/* of node */
};

void csvx_htab_init(struct csvx_htab *h);
/* Frees the bucket array now; the nodes are the owner's. */
void csvx_htab_destroy(struct csvx_htab *h);
/* Forgets every node (the owner frees them) and drops the buckets. */
void csvx_htab_clear(struct csvx_htab *h);

void csvx_htab_insert(struct csvx_htab *h, struct csvx_hnode *n, u32 hash);
void csvx_htab_remove(struct csvx_htab *h, struct csvx_hnode *n);
/* @new takes the place of @old, with the same hash, atomically for readers. */
void csvx_htab_replace(struct csvx_htab *h, struct csvx_hnode *old,
		       struct csvx_hnode *new);

void csvx_htab_iter_start(const struct csvx_htab *h,
			  const struct csvx_htab_pos *from,
			  struct csvx_htab_iter *it);
void csvx_htab_iter_next(struct csvx_htab_iter *it);

size_t csvx_htab_memory(const struct csvx_htab *h);

static inline u32 csvx_htab_hash(const struct csvx_htab *h, const void *key,
				 size_t len)
{
	return hsiphash(key, len, &h->key);
}

static inline u32 csvx_htab_hash1(const struct csvx_htab *h, u32 a)
{
	return hsiphash_1u32(a, &h->key);
}

static inline u32 csvx_htab_hash3(const struct csvx_htab *h, u32 a, u32 b,
				  u32 c)
{
	return hsiphash_3u32(a, b, c, &h->key);
}

static inline u32 csvx_hbucket(const struct csvx_hbuckets *b, u32 hash)
{
	return ((u64)hash * b->n) >> 32;
}

/*
 * Traversal uses rcu_dereference_raw(), as hlist_for_each_entry_rcu() does:
 * the same lookups serve packets (under RCU) and the writer (under its own
 * lock), and lockdep cannot know the latter's lock.
 */
static __always_inline struct csvx_hnode *
csvx_hnode_next(const struct csvx_hnode *n)
{
	return rcu_dereference_raw(n->next);
}

/* The first node whose hash is @hash or more, within @hash's bucket. */
static __always_inline struct csvx_hnode *
csvx_htab_seek(const struct csvx_htab *h, u32 hash)
{
	const struct csvx_hbuckets *b = rcu_dereference_raw(h->bkt);
	struct csvx_hnode *n;

	if (likely(b))
		n = rcu_dereference_raw(b->b[csvx_hbucket(b, hash)]);
	else
		n = rcu_dereference_raw(h->head);
	while (n && n->hash < hash)
		n = csvx_hnode_next(n);
	return n;
}

/* Every node of hash @hash; the caller compares the key. */
#define csvx_htab_for_each_hash(tab, pos, hv)				\
	for (pos = csvx_htab_seek(tab, hv); pos && pos->hash == (hv);	\
	     pos = csvx_hnode_next(pos))

#endif /* _CSVX_HTAB_H */
