/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A resizable RCU hash table of intrusive nodes: the one exact-match table
 * behind the FDB, the FDB's IP index, VNIs, VRFs and nexthops.
 *
 * All nodes of a table sit on ONE list sorted by hash, and the bucket array
 * indexes that list: bucket i of n holds the hashes in
 * [i * 2^32 / n, (i + 1) * 2^32 / n), one cache line per bucket.  A bucket
 * line points at its run's first node, and keeps up to CSVX_HB_SLOTS of the
 * run's nodes in slots, each with 16 bits of its hash (a tag):
 *
 *  - a lookup (csvx_htab_for_each_possible(), or csvx_htab_first() for
 *    the common hit) reads the bucket line, compares the tags, and reads
 *    only the node(s) whose tag matches: a hit is the bucket's line and
 *    the entry's line, as in DPDK's rte_hash.  The
 *    list is walked only when the run has more nodes than slots (the line
 *    says so: ->all is clear), at most a few percent of the nodes at the
 *    load factor of two lookup tables keep;
 *  - a resize never moves a node.  The writer builds a new bucket array
 *    from the list and publishes it; a reader still on the old array finds
 *    the same nodes.  The old array is freed after a grace period;
 *  - a walk goes in hash order, so its position is just (hash, rank among
 *    equal hashes): it survives any number of inserts, deletes and resizes
 *    between two calls, and a node present for the whole walk is visited
 *    exactly once (unless a node of the very same 32-bit hash before it
 *    was removed meanwhile: then the rank may skip it).
 *
 * Slots are a cache of the list, kept so that a reader never misses a node
 * that is in the table for its whole lookup: a node never changes slot
 * while it is in the table (it enters one when inserted or when its run
 * shrinks back into the slots, and leaves it when removed), and ->all is
 * set, with release semantics, only after every node of the run is in a
 * slot, and read, with acquire semantics, before the slots.  A reader may
 * meet a slot half rewritten (a tag of one node, the pointer of another):
 * the caller compares the key anyway.
 *
 * Tables only walked, never looked up in (an index kept for dumps and
 * flushes, like each VNI's own list of MACs), are made with
 * csvx_htab_init_index(): their buckets hold eight nodes on average rather
 * than at most two, a fourth of the memory, and only their inserts and
 * walks pay for the longer runs.
 *
 * The hash is a keyed hsiphash with a random key per table, so keys chosen
 * by a tenant cannot make a bucket long (the FDB, probed by every frame,
 * uses jhash seeded from that key instead: see fdb.c).  The owner computes it (with the
 * table's key, through csvx_htab_hash*()) and passes it in; two tables may
 * share one hash, as the FDB and its per-VNI index do.
 *
 * Readers: csvx_htab_for_each_possible(), csvx_htab_seek(),
 * csvx_htab_for_each_hash() and the iterator, under rcu_read_lock() or the
 * writer's lock.  Writers are serialised by the caller and may sleep: an
 * insert or remove may resize the table (a resize that cannot allocate is
 * skipped; the table stays correct, only its runs get longer).  Nodes are
 * the owner's to free, after a grace period.
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

/*
 * Tags are the low 16 bits of the hash (the bucket takes the high ones).
 * Five slots, their tags, the run's first node and the flag fill one line.
 */
#define CSVX_HB_SLOTS		5

struct csvx_hline {
	union {
		struct {
			u16 tag[CSVX_HB_SLOTS];
			u16 all;	/* every node of the run is in a slot */
			u32 unused;
		};
		u64 tags;		/* tag[0..3] as one word, for probes */
	};
	struct csvx_hnode __rcu *slot[CSVX_HB_SLOTS];	/* NULL: free */
	struct csvx_hnode __rcu *first;	/* of the run, NULL if empty */
} ____cacheline_aligned;

struct csvx_hbuckets {
	u32 n;				/* number of buckets */
	u32 bytes;			/* size of this allocation */
	struct rcu_head rcu;
	struct csvx_hline b[];	/* from the second cache line on */
};

struct csvx_htab {
	struct csvx_hbuckets __rcu *bkt;	/* NULL: small, one run */
	struct csvx_hnode __rcu *head;
	hsiphash_key_t key;
	struct csvx_hnode *last;		/* writer side */
	u32 count;				/* writer side */
	u32 load;		/* grow above this many nodes per bucket */
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

/* A table looked up by packets: at most two nodes per bucket line. */
void csvx_htab_init(struct csvx_htab *h);
/* A table only walked (an index): eight nodes per bucket on average. */
void csvx_htab_init_index(struct csvx_htab *h);
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

/* 32 bits of the table's key, for an owner's cheaper seeded hash. */
static inline u32 csvx_htab_seed(const struct csvx_htab *h)
{
	return (u32)h->key.key[0];
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

/*
 * The slots of a line whose tag is @tag, bit i for slot i: from @tags, the
 * first four tags as one word (read at once, so the four may be of
 * different moments if writers race: the caller rechecks each node's hash
 * and key anyway), and @tag4, the fifth.
 *
 * Why not a loop of five compares: that is five loads, compares and
 * shifts per lookup, a fair part of what a security-group classification
 * costs (it probes a few sets per packet).  This is SWAR in plain C, for
 * any 64-bit arch: XOR the word with @tag in every half-word, so a
 * matching half-word is zero; (x & 0x7fff) + 0x7fff sets a half-word's top
 * bit iff its low 15 bits are not all zero, without a carry into the next
 * half-word (unlike the shorter (x - 0x0001) & ~x, whose borrow can flag a
 * half-word above a match), and ORing x in covers the top bit itself: the
 * zero half-words are left with their top bit clear, and the complement
 * has exactly one bit per matching slot.  A multiplication then gathers
 * those four bits (15, 31, 47 and 63) into bits 0 to 3, in slot order
 * (which depends on the byte order): no two partial products meet, so
 * there is no carry.  csvx_htags_match4() is the part before the
 * shift: bit 16 * i + 15 of its word for each matching half-word i.
 */
static __always_inline u64 csvx_htags_match4(u64 tags, u16 tag)
{
	const u64 lo = 0x7fff7fff7fff7fffULL;
	u64 x = tags ^ (tag * 0x0001000100010001ULL);

	return ~(((x & lo) + lo) | x | lo);
}

static __always_inline u32 csvx_htags_match(u64 tags, u16 tag4, u16 tag)
{
	u64 x = csvx_htags_match4(tags, tag) >> 15;

	/* The compiler's byte order macros: the same in user space. */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	/* tag[i] is the half-word at bit 16 * (3 - i) */
	x = (x * 0x0008000400020001ULL) >> 48;
#else
	/* tag[i] is the half-word at bit 16 * i */
	x = (x * 0x0001000200040008ULL) >> 48;
#endif
	return (u32)x | (u32)(tag4 == tag) << 4;
}

/*
 * The slot of the lowest bit of a csvx_htags_match4() word: all that a
 * lookup trying only its first candidate (csvx_htab_first(), the
 * connection table's) needs, without the gathering multiplication, which
 * would lengthen the wait between the bucket line's arrival and the
 * entry's read.
 */
static __always_inline u32 csvx_htags_slot(u64 m)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return 3 - (__ffs(m) >> 4);
#else
	return __ffs(m) >> 4;
#endif
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
		n = rcu_dereference_raw(b->b[csvx_hbucket(b, hash)].first);
	else
		n = rcu_dereference_raw(h->head);
	while (n && n->hash < hash)
		n = csvx_hnode_next(n);
	return n;
}

/*
 * Every node of hash @hash, in hash order: what a walk or a test of the
 * order needs.  Lookups want csvx_htab_for_each_possible().
 */
#define csvx_htab_for_each_hash(tab, pos, hv)				\
	for (pos = csvx_htab_seek(tab, hv); pos && pos->hash == (hv);	\
	     pos = csvx_hnode_next(pos))

/* A lookup in progress: the slots still to try, then maybe the list. */
struct csvx_hprobe {
	const struct csvx_hline *bkt;	/* NULL: on the list */
	u32 hash;
	u32 mask;			/* slots whose tag matched, untried */
	bool all;			/* the slots hold the whole run */
};

static __always_inline struct csvx_hnode *
csvx_hprobe_list(struct csvx_hprobe *p, struct csvx_hnode *n)
{
	p->bkt = NULL;
	while (n && n->hash < p->hash)
		n = csvx_hnode_next(n);
	return n && n->hash == p->hash ? n : NULL;
}

static __always_inline struct csvx_hnode *
csvx_hprobe_next(struct csvx_hprobe *p, const struct csvx_hnode *prev)
{
	struct csvx_hnode *n;
	u32 i;

	if (!p->bkt) {
		n = csvx_hnode_next(prev);
		return n && n->hash == p->hash ? n : NULL;
	}
	while (p->mask) {
		i = __ffs(p->mask);
		p->mask &= p->mask - 1;
		n = rcu_dereference_raw(p->bkt->slot[i]);
		if (likely(n && n->hash == p->hash))
			return n;
	}
	if (likely(p->all))
		return NULL;
	return csvx_hprobe_list(p, rcu_dereference_raw(p->bkt->first));
}

static __always_inline struct csvx_hnode *
csvx_hprobe_start(const struct csvx_htab *h, u32 hash, struct csvx_hprobe *p)
{
	const struct csvx_hbuckets *b = rcu_dereference_raw(h->bkt);
	const struct csvx_hline *bk;

	p->hash = hash;
	p->mask = 0;
	p->all = false;
	if (unlikely(!b))
		return csvx_hprobe_list(p, rcu_dereference_raw(h->head));
	bk = &b->b[csvx_hbucket(b, hash)];
	/* Before the tags: see "Slots" above. */
	p->all = smp_load_acquire(&bk->all);
	p->mask = csvx_htags_match(READ_ONCE(bk->tags),
				   READ_ONCE(bk->tag[4]), (u16)hash);
	p->bkt = bk;
	return csvx_hprobe_next(p, NULL);
}

/*
 * The first candidate of a lookup that expects a hit: the node in the
 * first slot whose tag matches @hash, if its hash is @hash.  NULL tells
 * nothing (no bucket array, no tag, another node, a fifth slot, a run
 * longer than its slots): the caller then looks again with
 * csvx_htab_for_each_possible(), and also when the node's key is not its
 * own.  A lookup that hits keeps no probe state and gathers no bits, so
 * the caller's fast path is a few instructions and registers (a loop of
 * lookups keeps more of them in flight the shorter each is), and it need
 * not read ->all: only a miss concludes anything from it.
 */
static __always_inline struct csvx_hnode *
csvx_htab_first(const struct csvx_htab *h, u32 hash)
{
	const struct csvx_hbuckets *b = rcu_dereference_raw(h->bkt);
	const struct csvx_hline *bk;
	struct csvx_hnode *n;
	u64 m;

	if (unlikely(!b))
		return NULL;
	bk = &b->b[csvx_hbucket(b, hash)];
	m = csvx_htags_match4(READ_ONCE(bk->tags), (u16)hash);
	if (unlikely(!m))
		return NULL;
	n = rcu_dereference_raw(bk->slot[csvx_htags_slot(m)]);
	return likely(n && n->hash == hash) ? n : NULL;
}

/*
 * The nodes that may have hash @hv: the caller compares the key, and stops
 * at the first that matches (a node may come twice, from its slot and from
 * the list, and in no particular order).
 */
#define csvx_htab_for_each_possible(tab, pos, hv, probe)		\
	for (pos = csvx_hprobe_start(tab, hv, probe); pos;		\
	     pos = csvx_hprobe_next(probe, pos))

#endif /* _CSVX_HTAB_H */
