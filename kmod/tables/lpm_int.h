/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the LPM shared by lpm.c (the lookup structure) and lpm_rib.c
 * (the exact-prefix store).  Nothing outside those two files includes this.
 */
#ifndef _CSVX_LPM_INT_H
#define _CSVX_LPM_INT_H

#include "lpm.h"
#include "lpm_compat.h"

/*
 * A prefix as a 128-bit number in host order, left-aligned: an IPv4 address
 * sits in the top 32 bits of w[0].  Both families then share the trie and
 * RIB code, and a stride is a shift of one word.
 */
struct lpm_key {
	u64 w[2];
};

/* One route, decoded. */
struct lpm_ent {
	struct lpm_key k;
	u8 plen;
	u32 nh;
};

static inline int lpm_key_cmp(const struct lpm_key *a, u8 alen,
			      const struct lpm_key *b, u8 blen)
{
	if (a->w[0] != b->w[0])
		return a->w[0] < b->w[0] ? -1 : 1;
	if (a->w[1] != b->w[1])
		return a->w[1] < b->w[1] ? -1 : 1;
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

static inline u64 lpm_mask64(int bits)
{
	if (bits <= 0)
		return 0;
	if (bits >= 64)
		return ~0ULL;
	return ~0ULL << (64 - bits);
}

/* @k with every bit from @plen on cleared. */
static inline struct lpm_key lpm_key_mask(const struct lpm_key *k, int plen)
{
	struct lpm_key r;

	r.w[0] = k->w[0] & lpm_mask64(plen);
	r.w[1] = k->w[1] & lpm_mask64(plen - 64);
	return r;
}

/* Does prefix @p/@plen contain address (or prefix) @k? */
static inline bool lpm_key_within(const struct lpm_key *k,
				  const struct lpm_key *p, int plen)
{
	return !((k->w[0] ^ p->w[0]) & lpm_mask64(plen)) &&
	       !((k->w[1] ^ p->w[1]) & lpm_mask64(plen - 64));
}

/* Length of the common leading bits of @a and @b (0..128). */
static inline int lpm_key_cpl(const struct lpm_key *a, const struct lpm_key *b)
{
	u64 x = a->w[0] ^ b->w[0];

	if (x)
		return __builtin_clzll(x);
	x = a->w[1] ^ b->w[1];
	return x ? 64 + __builtin_clzll(x) : 128;
}

/* ------------------------------------------------------------------ RIB */

/*
 * The RIB is a sorted sequence of pages, each a sorted array of packed
 * entries, found through an index of (separator, page).  Every change
 * builds a new page (and a new index when pages split or merge), so
 * csvx_lpm_get() and csvx_lpm_walk() run under RCU beside a writer.  A page
 * is allocated at its exact size, which keeps the RIB near 8 bytes per IPv4
 * route and 20 per IPv6 route (plus the slab's rounding).
 */
struct lpm_rib_page {
	struct rcu_head rcu;
	u32 n;
	u32 pad;
	u64 e[];	/* IPv4: n u64; IPv6: 5 u32 (20 bytes) per entry */
};

struct lpm_rib_sep {
	u64 w[2];
	u32 plen;
	u32 pad;
	struct lpm_rib_page __rcu *pg;
};

/* Page i holds exactly the keys in [sep[i], sep[i + 1]); sep[0] is -inf. */
struct lpm_rib_index {
	struct rcu_head rcu;
	u32 n;
	u32 pad;
	struct lpm_rib_sep s[];
};

struct lpm_rib {
	struct lpm_rib_index __rcu *idx;
	u32 count;		/* READ_ONCE: csvx_lpm_count() reads it */
	u32 nr_wide;		/* routes whose nexthop needs more than 16 bits */
	u8 v6;
	u8 esz;			/* bytes per packed entry */
	u16 page_max;		/* entries per page before it splits */
	size_t bytes;		/* pages and index, as the slab rounds them */
};

/*
 * What a change replaced, so that it can be undone when the trie update
 * that follows fails, or freed after a grace period when it succeeds.
 */
struct lpm_rib_undo {
	struct lpm_rib_index *old_idx, *new_idx;	/* both set or both NULL */
	struct lpm_rib_page *old_pg[2], *new_pg[2];
	u32 at;		/* page slot replaced in place (no index change) */
	bool in_place;
	long dcount, dwide;
};

/* A position in the RIB: valid while the caller holds the writer lock or RCU. */
struct lpm_rib_iter {
	const struct lpm_rib *rib;
	const struct lpm_rib_index *idx;
	const struct lpm_rib_page *pg;
	u32 i, j;
};

void csvx_lpm_rib_init(struct lpm_rib *rib, bool v6);
void csvx_lpm_rib_free(struct lpm_rib *rib);
/* Insert or replace; *old_nh is 0 for a new route.  Publishes at once. */
int csvx_lpm_rib_insert(struct lpm_rib *rib, const struct lpm_ent *e,
			u32 *old_nh, struct lpm_rib_undo *u);
int csvx_lpm_rib_delete(struct lpm_rib *rib, const struct lpm_key *k, u8 plen,
			u32 *old_nh, struct lpm_rib_undo *u);
void csvx_lpm_rib_commit(struct lpm_rib *rib, struct lpm_rib_undo *u);
void csvx_lpm_rib_undo(struct lpm_rib *rib, struct lpm_rib_undo *u);

/* Position @it at the first entry >= @k/@plen; false if there is none. */
bool csvx_lpm_rib_seek(const struct lpm_rib *rib, struct lpm_rib_iter *it,
		       const struct lpm_key *k, u8 plen);
bool csvx_lpm_rib_next(struct lpm_rib_iter *it);
void csvx_lpm_rib_read(const struct lpm_rib_iter *it, struct lpm_ent *e);
/* The nexthop of exactly @k/@plen, 0 if absent.  RCU or writer. */
u32 csvx_lpm_rib_get(const struct lpm_rib *rib, const struct lpm_key *k,
		     u8 plen);
/*
 * The nexthop of the longest route strictly shorter than @plen covering
 * @k/@plen, 0 if none: what the trie holds under @k/@plen where no longer
 * route says otherwise.
 */
u32 csvx_lpm_rib_cover(const struct lpm_rib *rib, const struct lpm_key *k,
		       u8 plen);

/* ----------------------------------------------------------- trie */

#define LPM_STRIDE	6
#define LPM_LEVELS	22		/* node depths 4, 10 .. 124 (IPv6) */
#define LPM_NODE	0x80000000U	/* top entry: node index, not nexthop */

/*
 * Half a cache line, so that no node straddles two.  A node with few
 * leaves keeps them inline, where the lookup finds them in the line it
 * already has: that saves a dependent load for most lookups of a big
 * table, and the leaves array for most nodes of a small one.
 *
 * A node that a top entry names (a "top node") is not in an array of
 * siblings, so its size is free: it always keeps its leaves inline, as
 * many as it has, in the 32-byte units that follow it (lpm_top_units()).
 * The lookup then reads a top entry and a top node, in one line or two
 * neighbours, for every address that no route longer than s + 6 bits
 * covers, and never the leaves array.
 *
 * A skip node stands for a chain of skip.strides nodes that each have one
 * child and one value elsewhere: leafvec holds the key bits that lead down
 * the chain, left-aligned, base1 the node at its end, and skip.miss the
 * value for the rest.  Its vector has every bit set, so that the one test
 * of the common path ("is the slot a child?") sends it to the slow path
 * too, and skip.strides is not 0, which tells it from a node whose 64
 * slots are all children: that one has no leaves, and its union is zero.
 */
struct lpm_node {
	u64 vector;	/* slots that are child nodes */
	u64 leafvec;	/* leaf slots where a new run of equal leaves starts */
	u32 base1;	/* first child in fib->nodes */
	union {
		u32 base0;	/* first leaf in fib->leaves, if not inline */
		u16 l16[6];	/* the leaves, if at most 6 (16-bit) */
		u32 l32[3];	/* the leaves, if at most 3 (32-bit) */
		struct {
			u32 miss;
			u32 strides;
		} skip;
	};
};

/* Where inline leaves start; a top node's go on past the struct. */
#define LPM_LEAF_OFF	offsetof(struct lpm_node, l16)

#define LPM_INLINE16	6
#define LPM_INLINE32	3
#define LPM_SKIP_MAX	10		/* strides: 60 bits of leafvec */

struct lpm_fib {
	/* What a lookup reads first, in one cache line. */
	u32 *top;			/* 2^s entries */
	struct lpm_node *nodes;
	void *leaves;			/* u16, or u32 if wide */
	u8 s;				/* top-level bits */
	u8 wide;
	u8 v6;
	u8 slow;			/* v6 or wide: not the IPv4 fast path */
	u8 top_shift4;			/* IPv4: 32 - s, top entry of an address */
	u8 slot_shift4;			/* IPv4: 26 - s, its slot in a top node */
	u16 pad;
	/* Writer only. */
	u32 nodes_cap, nodes_used;
	u32 leaves_cap, leaves_used;
	struct rcu_head rcu;
};

struct csvx_lpm {
	struct lpm_fib __rcu *fib;
	struct lpm_rib rib;
	struct rcu_head rcu;
};

static_assert(sizeof(struct lpm_node) == 32);
static_assert(offsetof(struct lpm_node, l32) == LPM_LEAF_OFF);

static inline bool lpm_node_is_skip(const struct lpm_node *n)
{
	return n->vector == ~0ULL && n->skip.strides;
}

/* The nodes a top node with @nl leaves takes, its leaves included. */
static inline u32 lpm_top_units(u32 nl, bool wide)
{
	u32 bytes = LPM_LEAF_OFF + nl * (wide ? sizeof(u32) : sizeof(u16));

	return DIV_ROUND_UP(bytes, sizeof(struct lpm_node));
}

/* The leaves of a top node, or the inline leaves of any node. */
static inline const void *lpm_node_leaves(const struct lpm_node *n)
{
	return (const u8 *)n + LPM_LEAF_OFF;
}

/* The caller serialises writers (it cannot be named for lockdep here). */
#define lpm_fib_deref(lpm)	rcu_dereference_protected((lpm)->fib, 1)

/* lpm_trie.c: everything that builds and changes the lookup structure. */
struct lpm_fib *csvx_lpm_fib_empty(bool v6);
void csvx_lpm_fib_free(struct lpm_fib *f);
size_t csvx_lpm_fib_bytes(const struct lpm_fib *f);
/* Live nodes and leaves (those not inline), walking the whole trie. */
void csvx_lpm_fib_count(const struct lpm_fib *f, u32 *nodes, u32 *leaves);
/* Bring the trie in line with the RIB after route @k/@plen changed. */
int csvx_lpm_fib_update(struct csvx_lpm *lpm, const struct lpm_key *k,
			u32 plen);

#endif /* _CSVX_LPM_INT_H */
