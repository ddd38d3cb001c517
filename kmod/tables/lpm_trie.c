// SPDX-License-Identifier: GPL-2.0
/*
 * Building and changing the lookup structure of an LPM (lpm.c describes
 * it): the full build from the RIB, the update of the slots under one
 * changed route, the compacting copy into new arrays, and the choice of
 * top-level size.  Writers only; the caller serialises them.
 */
#include "lpm_int.h"

#define LPM_TOP_RANGE	4096		/* top entries one update rewrites */

/*
 * Top-level sizes and the route counts from which they pay off.  IPv4
 * depths stay multiples of 6, so that a /24 ends on a node: with 4 bits,
 * tenant subnets scattered over a /16 would each need a node of their own.
 */
static const u8 lpm_s4[3] = { 6, 12, 18 };

static const u8 lpm_s6[3] = { 4, 10, 16 };
static const u32 lpm_up4[3] = { 0, 2048, 1U << 17 };
static const u32 lpm_up6[3] = { 0, 256, 1U << 15 };

/* The 6 bits at depth @d: the slot of @k in a node at depth @d. */
static u32 key_slot(const struct lpm_key *k, u32 d)
{
	u64 w = k->w[d >> 6];
	u32 o = d & 63;

	/* Past bit 128 (or 32) the bits are zero, as shifting brings in. */
	if (o <= 64 - LPM_STRIDE || d >= 64)
		return (w << o) >> (64 - LPM_STRIDE);
	/* Straddles the words; strides are aligned so this is not used. */
	return ((w << o) | (k->w[1] >> (64 - o))) >> (64 - LPM_STRIDE);
}

static u32 key_top(const struct lpm_key *k, u32 s)
{
	return k->w[0] >> (64 - s);
}

/* --------------------------------------------------------------- fib */

/* Apart from the fib, so that both fit their slab objects well. */
static size_t fib_top_size(u32 s)
{
	return sizeof(u32) * ((size_t)1 << s);
}

static size_t fib_leaf_size(const struct lpm_fib *f)
{
	return f->wide ? sizeof(u32) : sizeof(u16);
}

void csvx_lpm_fib_free(struct lpm_fib *f)
{
	if (!f)
		return;
	lpm_big_free(f->nodes, (size_t)f->nodes_cap * sizeof(struct lpm_node));
	lpm_big_free(f->leaves, (size_t)f->leaves_cap * fib_leaf_size(f));
	lpm_big_free(f->top, fib_top_size(f->s));
	kfree(f);
}

static struct lpm_fib *fib_alloc(u32 s, bool v6, bool wide, u32 ncap, u32 lcap)
{
	struct lpm_fib *f;

	/* Node indexes must stay clear of LPM_NODE. */
	if (ncap >= LPM_NODE || lcap >= LPM_NODE)
		return NULL;
	f = lpm_kzalloc(sizeof(*f));
	if (!f)
		return NULL;
	f->top = lpm_big_alloc(fib_top_size(s), true);
	if (!f->top)
		goto err;
	f->s = s;
	f->v6 = v6;
	f->wide = wide;
	f->slow = v6 || wide;
	f->top_shift4 = 32 - s;
	f->slot_shift4 = 32 - LPM_STRIDE - s;
	if (ncap) {
		f->nodes = lpm_big_alloc((size_t)ncap * sizeof(struct lpm_node),
					 false);
		if (!f->nodes)
			goto err;
		f->nodes_cap = ncap;
	}
	if (lcap) {
		f->leaves = lpm_big_alloc((size_t)lcap * fib_leaf_size(f), false);
		if (!f->leaves)
			goto err;
		f->leaves_cap = lcap;
	}
	return f;
err:
	csvx_lpm_fib_free(f);
	return NULL;
}

/* What the fib holds, as the allocators round it. */
size_t csvx_lpm_fib_bytes(const struct lpm_fib *f)
{
	return lpm_alloc_bytes(f, sizeof(*f)) +
	       lpm_alloc_bytes(f->top, fib_top_size(f->s)) +
	       lpm_alloc_bytes(f->nodes,
			       (size_t)f->nodes_cap * sizeof(struct lpm_node)) +
	       lpm_alloc_bytes(f->leaves,
			       (size_t)f->leaves_cap * fib_leaf_size(f));
}

static void fib_free_rcu(struct rcu_head *head)
{
	csvx_lpm_fib_free(container_of(head, struct lpm_fib, rcu));
}

/* Replace the published fib; readers may hold the old one a while yet. */
static void fib_publish(struct csvx_lpm *lpm, struct lpm_fib *nf)
{
	struct lpm_fib *old = lpm_fib_deref(lpm);

	rcu_assign_pointer(lpm->fib, nf);
	call_rcu(&old->rcu, fib_free_rcu);
}

static u32 leaf_get(const struct lpm_fib *f, u32 i)
{
	return f->wide ? ((u32 *)f->leaves)[i] : ((u16 *)f->leaves)[i];
}

static bool leaves_inline(bool wide, u32 nl)
{
	return nl <= (wide ? LPM_INLINE32 : LPM_INLINE16);
}

/* Leaf run @i of node @n of @f (a @top node or not), inline or not. */
static u32 node_leaf(const struct lpm_fib *f, const struct lpm_node *n,
		     bool top, u32 i)
{
	const void *l = lpm_node_leaves(n);

	if (!top && !leaves_inline(f->wide, hweight64(n->leafvec)))
		return leaf_get(f, n->base0 + i);
	return f->wide ? ((const u32 *)l)[i] : ((const u16 *)l)[i];
}

/* Through a char pointer: a top node's leaves go on past the struct. */
static void node_leaf_set_inline(bool wide, struct lpm_node *n, u32 i, u32 v)
{
	u8 *l = (u8 *)n + LPM_LEAF_OFF;

	if (wide)
		((u32 *)l)[i] = v;
	else
		((u16 *)l)[i] = v;
}

static u32 node_nchild(const struct lpm_node *n)
{
	return lpm_node_is_skip(n) ? 1 : hweight64(n->vector);
}

static u32 node_nleaves(const struct lpm_node *n)
{
	return lpm_node_is_skip(n) ? 0 : hweight64(n->leafvec);
}

static void leaf_set(struct lpm_fib *f, u32 i, u32 v)
{
	if (f->wide)
		((u32 *)f->leaves)[i] = v;
	else
		((u16 *)f->leaves)[i] = v;
}

/* ----------------------------------------------------------- builder */

/* One node under construction: a value or a child per slot. */
struct lpm_slots {
	u32 val[64];
	u64 childmask;
	struct lpm_node child[64];
};

/*
 * A slot's content once built: a leaf value, or a node.  A top node is
 * written in place at once (@placed, at fib->nodes[@at]), as only there
 * do its leaves fit; any other node is @n, copied to its siblings later.
 */
struct lpm_res {
	bool node;
	bool placed;
	u32 val;
	u32 at;
	struct lpm_node n;
};

struct lpm_build {
	struct csvx_lpm *lpm;
	struct lpm_fib *f;		/* the fib written into */
	struct lpm_rib_iter it;		/* the routes being consumed */
	struct lpm_ent cur;		/* the route at it, if more */
	bool more;
	u32 want_nodes, want_leaves;	/* asked for, to size a relayout */
	bool dry;			/* out of space: only count from now */
	unsigned int steps;
	struct lpm_slots *lvl[LPM_LEVELS];
};

static void build_init(struct lpm_build *b, struct csvx_lpm *lpm,
		       struct lpm_fib *f)
{
	memset(b, 0, sizeof(*b));
	b->lpm = lpm;
	b->f = f;
}

static void build_free(struct lpm_build *b)
{
	unsigned int i;

	for (i = 0; i < LPM_LEVELS; i++)
		kfree(b->lvl[i]);
}

/* Scratch for the node at depth @d; each depth has its own. */
static struct lpm_slots *build_level(struct lpm_build *b, u32 d)
{
	u32 i = d / LPM_STRIDE;

	if (WARN_ON_ONCE(i >= LPM_LEVELS))
		return NULL;
	if (!b->lvl[i])
		b->lvl[i] = lpm_kmalloc(sizeof(struct lpm_slots));
	return b->lvl[i];
}

/*
 * Space for @n nodes.  When the arrays are full the build goes on "dry":
 * it writes nothing more and only counts, so that one relayout makes room
 * for all of it and the retry cannot run out again.
 */
static void alloc_nodes(struct lpm_build *b, u32 n, u32 *at)
{
	struct lpm_fib *f = b->f;

	b->want_nodes += n;
	*at = 0;
	if (f->nodes_cap - f->nodes_used < n)
		b->dry = true;
	if (b->dry)
		return;
	*at = f->nodes_used;
	f->nodes_used += n;
}

static void alloc_leaves(struct lpm_build *b, u32 n, u32 *at)
{
	struct lpm_fib *f = b->f;

	b->want_leaves += n;
	*at = 0;
	if (f->leaves_cap - f->leaves_used < n)
		b->dry = true;
	if (b->dry)
		return;
	*at = f->leaves_used;
	f->leaves_used += n;
}

static void stream_next(struct lpm_build *b)
{
	b->more = csvx_lpm_rib_next(&b->it);
	if (b->more)
		csvx_lpm_rib_read(&b->it, &b->cur);
}

/* Start consuming the routes inside @k/@plen (the prefix itself included). */
static void stream_seek(struct lpm_build *b, const struct lpm_key *k, u8 plen)
{
	b->more = csvx_lpm_rib_seek(&b->lpm->rib, &b->it, k, plen);
	if (b->more)
		csvx_lpm_rib_read(&b->it, &b->cur);
}

static bool stream_within(const struct lpm_build *b, const struct lpm_key *r,
			  u32 rlen)
{
	return b->more && lpm_key_within(&b->cur.k, r, rlen);
}

/*
 * One child, and value @v in every other slot: a skip node, which takes
 * in the child if that is a skip node with the same value elsewhere.
 */
static int encode_skip(struct lpm_build *b, const struct lpm_slots *sl, u32 v,
		       struct lpm_res *res)
{
	u32 j = fls64(sl->childmask) - 1, at;
	const struct lpm_node *c = &sl->child[j];

	memset(&res->n, 0, sizeof(res->n));
	res->node = true;
	res->placed = false;
	if (lpm_node_is_skip(c) && c->skip.miss == v &&
	    c->skip.strides < LPM_SKIP_MAX) {
		res->n = *c;
		res->n.leafvec = (u64)j << (64 - LPM_STRIDE) |
				 c->leafvec >> LPM_STRIDE;
		res->n.skip.strides++;
		return 0;
	}
	alloc_nodes(b, 1, &at);
	if (!b->dry)
		b->f->nodes[at] = *c;
	res->n.vector = ~0ULL;
	res->n.leafvec = (u64)j << (64 - LPM_STRIDE);
	res->n.base1 = at;
	res->n.skip.miss = v;
	res->n.skip.strides = 1;
	return 0;
}

/*
 * Turn slots into a node in free space, or into one value if they are.
 * A @top node (one a top entry will name) goes into free space itself,
 * with all its leaves after it.
 */
static int encode(struct lpm_build *b, const struct lpm_slots *sl, bool top,
		  struct lpm_res *res)
{
	struct lpm_fib *f = b->f;
	u64 leafvec = 0, bit;
	u32 i, nl = 0, nc, prev = ~0U, base0 = 0, base1, c, l, at = 0;
	struct lpm_node *n;
	bool inl;

	if (!sl->childmask) {
		for (i = 1; i < 64; i++)
			if (sl->val[i] != sl->val[0])
				break;
		if (i == 64) {
			res->node = false;
			res->val = sl->val[0];
			return 0;
		}
	}
	for (i = 0, bit = 1; i < 64; i++, bit <<= 1) {
		if (sl->childmask & bit)
			continue;
		if (sl->val[i] != prev) {
			leafvec |= bit;
			nl++;
			prev = sl->val[i];
		}
	}
	nc = hweight64(sl->childmask);
	if (nc == 1 && nl == 1)
		return encode_skip(b, sl, prev, res);
	inl = top || leaves_inline(f->wide, nl);
	alloc_nodes(b, nc, &base1);
	if (top)
		alloc_nodes(b, lpm_top_units(nl, f->wide), &at);
	else if (!inl)
		alloc_leaves(b, nl, &base0);
	/* A top node is written where it stays; nothing is, in a dry run. */
	n = &res->n;
	if (top && !b->dry)
		n = &f->nodes[at];
	memset(n, 0, top && !b->dry ?
	       lpm_top_units(nl, f->wide) * sizeof(*n) : sizeof(*n));
	for (i = 0, bit = 1, c = base1, l = 0; i < 64; i++, bit <<= 1) {
		if (sl->childmask & bit) {
			if (!b->dry)
				f->nodes[c] = sl->child[i];
			c++;
		} else if (leafvec & bit) {
			if (inl && (!top || !b->dry))
				node_leaf_set_inline(f->wide, n, l, sl->val[i]);
			else if (!b->dry)
				leaf_set(f, base0 + l, sl->val[i]);
			l++;
		}
	}
	res->node = true;
	res->placed = top;
	res->at = at;
	n->vector = sl->childmask;
	n->leafvec = leafvec;
	n->base1 = base1;
	if (!inl)
		n->base0 = base0;
	return 0;
}

static int build_node(struct lpm_build *b, u32 d, const struct lpm_key *r,
		      u32 dflt, struct lpm_res *res);

/*
 * Fill the slots of a node at depth @d from the routes inside @r/@rlen:
 * routes of up to d + 6 bits are painted over the slots they cover, longer
 * ones become children.  Routes come sorted by address then length, so
 * a shorter route is painted before a longer one inside it, and every route
 * covering a slot comes before the routes below that slot: a child is
 * built after its slot holds its final value, the child's default.
 */
static int node_fill(struct lpm_build *b, struct lpm_slots *sl, u32 d,
		     const struct lpm_key *r, u32 rlen)
{
	struct lpm_res res;
	struct lpm_key ck;
	u32 i, n;
	int err;

	while (stream_within(b, r, rlen)) {
		i = key_slot(&b->cur.k, d);
		if (b->cur.plen <= d + LPM_STRIDE) {
			n = 1U << (d + LPM_STRIDE - b->cur.plen);
			while (n--)
				sl->val[i++] = b->cur.nh;
			stream_next(b);
			continue;
		}
		ck = lpm_key_mask(&b->cur.k, d + LPM_STRIDE);
		err = build_node(b, d + LPM_STRIDE, &ck, sl->val[i], &res);
		if (err)
			return err;
		if (res.node) {
			sl->child[i] = res.n;
			sl->childmask |= 1ULL << i;
		} else {
			sl->val[i] = res.val;
		}
	}
	return 0;
}

/* The node for region @r (@d bits) whose covering routes give @dflt. */
static int build_node(struct lpm_build *b, u32 d, const struct lpm_key *r,
		      u32 dflt, struct lpm_res *res)
{
	struct lpm_slots *sl = build_level(b, d);
	u32 i;
	int err;

	if (!sl)
		return -ENOMEM;
	for (i = 0; i < 64; i++)
		sl->val[i] = dflt;
	sl->childmask = 0;
	err = node_fill(b, sl, d, r, d);
	if (err)
		return err;
	return encode(b, sl, d == b->f->s, res);
}

/* The top entry for @res; a skip node is stored as a node of its own. */
static void top_entry(struct lpm_build *b, const struct lpm_res *res, u32 *e)
{
	u32 at;

	if (!res->node) {
		*e = res->val;
		return;
	}
	if (res->placed) {
		*e = LPM_NODE | res->at;
		return;
	}
	alloc_nodes(b, 1, &at);
	if (!b->dry)
		b->f->nodes[at] = res->n;
	*e = LPM_NODE | at;
}

/*
 * Top entries t0 .. t0 + cnt - 1 into @tv (preset to their default), from
 * the routes inside @r/@rlen.
 */
static int top_fill(struct lpm_build *b, u32 *tv, u32 t0, u32 cnt,
		    const struct lpm_key *r, u32 rlen)
{
	u32 s = b->f->s, t, n;
	struct lpm_res res;
	struct lpm_key ck;
	int err;

	while (stream_within(b, r, rlen)) {
		t = key_top(&b->cur.k, s) - t0;
		if (WARN_ON_ONCE(t >= cnt))
			return -EINVAL;
		if (b->cur.plen <= s) {
			n = 1U << (s - b->cur.plen);
			while (n--)
				tv[t++] = b->cur.nh;
			stream_next(b);
			continue;
		}
		ck = lpm_key_mask(&b->cur.k, s);
		err = build_node(b, s, &ck, tv[t], &res);
		if (err)
			return err;
		top_entry(b, &res, &tv[t]);
		if (!(++b->steps & 1023))
			cond_resched();
	}
	return 0;
}

/* ----------------------------------------------------------- relayout */

static void node_count(const struct lpm_fib *f, const struct lpm_node *n,
		       bool wide, u32 *nodes, u32 *leaves)
{
	u32 nc = node_nchild(n), i;

	*nodes += nc;
	if (!leaves_inline(wide, node_nleaves(n)))
		*leaves += node_nleaves(n);
	for (i = 0; i < nc; i++)
		node_count(f, &f->nodes[n->base1 + i], wide, nodes, leaves);
}

/*
 * The live nodes of @f, and the leaves they need outside the nodes once
 * they are @wide.  Whether a node's leaves are inline depends on the
 * width: 4 to 6 of them fit a node at 16 bits but not at 32, so arrays
 * about to hold the trie at another width are sized by this count, not
 * by what @f holds now.
 */
static void fib_count(const struct lpm_fib *f, bool wide, u32 *nodes,
		      u32 *leaves)
{
	const struct lpm_node *n;
	u32 t, i;

	*nodes = 0;
	*leaves = 0;
	for (t = 0; t < (1U << f->s); t++) {
		if (!(f->top[t] & LPM_NODE))
			continue;
		/* A top node holds its leaves; its children are inner. */
		n = &f->nodes[f->top[t] & ~LPM_NODE];
		*nodes += lpm_top_units(node_nleaves(n), wide) + node_nchild(n);
		for (i = 0; i < node_nchild(n); i++)
			node_count(f, &f->nodes[n->base1 + i], wide, nodes,
				   leaves);
	}
}

void csvx_lpm_fib_count(const struct lpm_fib *f, u32 *nodes, u32 *leaves)
{
	fib_count(f, f->wide, nodes, leaves);
}

/*
 * Copy the arrays of the node at nf->nodes[at], still pointing into @of,
 * converting its leaves to the width of @nf.
 */
static void node_copy(struct lpm_fib *nf, const struct lpm_fib *of, u32 at)
{
	struct lpm_node *n = &nf->nodes[at];
	u32 nc = node_nchild(n), nl = node_nleaves(n), i, b1;
	bool oin = leaves_inline(of->wide, nl), nin = leaves_inline(nf->wide, nl);
	u32 v[64];

	b1 = nf->nodes_used;
	nf->nodes_used += nc;
	memcpy(&nf->nodes[b1], &of->nodes[n->base1], nc * sizeof(*n));
	n->base1 = b1;
	if (lpm_node_is_skip(n)) {
		/* No leaves; its value elsewhere is a full nexthop. */
	} else if (nf->wide == of->wide && oin) {
		/* Inline leaves came along with the node. */
	} else if (nf->wide == of->wide) {
		memcpy((u8 *)nf->leaves + nf->leaves_used * (nf->wide ? 4 : 2),
		       (u8 *)of->leaves + n->base0 * (of->wide ? 4 : 2),
		       nl * (nf->wide ? 4 : 2));
		n->base0 = nf->leaves_used;
		nf->leaves_used += nl;
	} else {
		for (i = 0; i < nl; i++)
			v[i] = node_leaf(of, n, false, i);
		memset(n->l32, 0, sizeof(n->l32));
		if (!nin) {
			n->base0 = nf->leaves_used;
			nf->leaves_used += nl;
		}
		for (i = 0; i < nl; i++) {
			if (nin)
				node_leaf_set_inline(nf->wide, n, i, v[i]);
			else
				leaf_set(nf, n->base0 + i, v[i]);
		}
	}
	for (i = 0; i < nc; i++)
		node_copy(nf, of, b1 + i);
}

/*
 * Copy top node @on of @of into free space of @nf, converting its leaves
 * to the width of @nf, and its subtree after it.  Returns where it went.
 */
static u32 top_copy(struct lpm_fib *nf, const struct lpm_fib *of,
		    const struct lpm_node *on)
{
	u32 nl = node_nleaves(on), nc = node_nchild(on), at, b1, i;
	u32 units = lpm_top_units(nl, nf->wide);
	struct lpm_node *n;

	at = nf->nodes_used;
	nf->nodes_used += units;
	n = &nf->nodes[at];
	if (nf->wide == of->wide || lpm_node_is_skip(on)) {
		memcpy(n, on, units * sizeof(*n));
	} else {
		memset(n, 0, units * sizeof(*n));
		n->vector = on->vector;
		n->leafvec = on->leafvec;
		for (i = 0; i < nl; i++)
			node_leaf_set_inline(nf->wide, n, i,
					     node_leaf(of, on, true, i));
	}
	b1 = nf->nodes_used;
	nf->nodes_used += nc;
	memcpy(&nf->nodes[b1], &of->nodes[on->base1], nc * sizeof(*n));
	n->base1 = b1;
	for (i = 0; i < nc; i++)
		node_copy(nf, of, b1 + i);
	return at;
}

/*
 * Room for @live entries of @esz bytes, @want more, and some free space:
 * 1/8 of it for big arrays, so that copying the trie is paid for by the
 * updates that filled it, and little for small ones, which get whatever
 * their slab object holds anyway.  Returns the whole allocation's worth.
 */
static u64 fib_cap(u64 live, u64 want, size_t esz)
{
	u64 n = live + max(want, live / 16 + 4), bytes = n * esz;

	if (bytes > KMALLOC_MAX_CACHE_SIZE)
		bytes = (live + max(want, live / 8)) * esz;
	bytes = bytes > KMALLOC_MAX_CACHE_SIZE ? PAGE_ALIGN(bytes) :
						 kmalloc_size_roundup(bytes);
	return bytes / esz;
}

/*
 * Copy the live trie into new arrays with room for @xn nodes and @xl
 * leaves more than it holds (and some free space), dropping what earlier
 * updates replaced.  Converts the leaves to @wide on the way.
 */
static int fib_relayout(struct csvx_lpm *lpm, u32 xn, u32 xl, bool wide)
{
	struct lpm_fib *of = lpm_fib_deref(lpm), *nf;
	u32 nodes, leaves, t, e;
	u64 ncap, lcap;

	fib_count(of, wide, &nodes, &leaves);
	ncap = fib_cap(nodes, xn, sizeof(struct lpm_node));
	lcap = fib_cap(leaves, xl, wide ? sizeof(u32) : sizeof(u16));
	if (ncap >= LPM_NODE || lcap >= LPM_NODE)
		return -ENOMEM;
	nf = fib_alloc(of->s, of->v6, wide, ncap, lcap);
	if (!nf)
		return -ENOMEM;
	for (t = 0; t < (1U << of->s); t++) {
		e = of->top[t];
		if (e & LPM_NODE) {
			e = LPM_NODE | top_copy(nf, of,
						&of->nodes[e & ~LPM_NODE]);
			if (!(t & 1023))
				cond_resched();
		}
		nf->top[t] = e;
	}
	fib_publish(lpm, nf);
	return 0;
}

/* ------------------------------------------------------- full rebuild */

static u32 pick_s(bool v6, u32 count, u32 cur)
{
	const u32 *up = v6 ? lpm_up6 : lpm_up4;
	const u8 *lv = v6 ? lpm_s6 : lpm_s4;
	int want = 0, have = 0, i;

	for (i = 2; i > 0; i--) {
		if (count >= up[i]) {
			want = i;
			break;
		}
	}
	for (i = 0; i < 3; i++)
		if (lv[i] == cur)
			have = i;
	/* Shrink only well below the threshold, so s does not flap. */
	if (have > want && count >= up[have] / 4)
		want = have;
	return lv[want];
}

/* Build the whole trie from the RIB into a new fib with @s top bits. */
static int fib_rebuild(struct csvx_lpm *lpm, u32 s)
{
	struct lpm_fib *of = lpm_fib_deref(lpm), *nf;
	bool wide = lpm->rib.nr_wide > 0;
	u64 ncap = 0, lcap = 0;
	struct lpm_key zero = { { 0, 0 } };
	struct lpm_build b;
	int err, tries;

	/* A guess from the old trie; a dry run tells if it is too small. */
	if (lpm->rib.count) {
		u32 n, l;

		fib_count(of, wide, &n, &l);
		ncap = fib_cap(n, 0, sizeof(struct lpm_node));
		lcap = fib_cap(l, 0, wide ? sizeof(u32) : sizeof(u16));
	}
	for (tries = 0; tries < 3; tries++) {
		if (ncap >= LPM_NODE || lcap >= LPM_NODE)
			return -ENOMEM;
		nf = fib_alloc(s, lpm->rib.v6, wide, ncap, lcap);
		if (!nf)
			return -ENOMEM;
		build_init(&b, lpm, nf);
		stream_seek(&b, &zero, 0);
		err = top_fill(&b, nf->top, 0, 1U << s, &zero, 0);
		build_free(&b);
		if (!err && b.dry)
			err = -ENOSPC;
		if (!err) {
			fib_publish(lpm, nf);
			return 0;
		}
		csvx_lpm_fib_free(nf);
		if (err != -ENOSPC)
			return err;
		/* The dry run counted all of it. */
		ncap = fib_cap(b.want_nodes, 0, sizeof(struct lpm_node));
		lcap = fib_cap(b.want_leaves, 0, wide ? sizeof(u32) : sizeof(u16));
	}
	return -ENOMEM;
}

/* ------------------------------------------------------------ update */

static void node_decode(const struct lpm_fib *f, const struct lpm_node *n,
			bool top, struct lpm_slots *sl)
{
	u32 i, c = n->base1, l = 0, v = 0;
	u64 bit;

	if (lpm_node_is_skip(n)) {
		/* Its first stride; the rest of the chain is the child. */
		i = n->leafvec >> (64 - LPM_STRIDE);
		for (v = 0; v < 64; v++)
			sl->val[v] = n->skip.miss;
		sl->childmask = 1ULL << i;
		if (n->skip.strides == 1) {
			sl->child[i] = f->nodes[n->base1];
		} else {
			sl->child[i] = *n;
			sl->child[i].leafvec <<= LPM_STRIDE;
			sl->child[i].skip.strides--;
		}
		return;
	}
	sl->childmask = n->vector;
	for (i = 0, bit = 1; i < 64; i++, bit <<= 1) {
		if (n->vector & bit) {
			sl->child[i] = f->nodes[c++];
			continue;
		}
		if (n->leafvec & bit)
			v = node_leaf(f, n, top, l++);
		sl->val[i] = v;
	}
}

/*
 * The new content of region @k/@d, which holds @cur (a node or a value),
 * after route @k/@plen changed (@plen > @d): the slots under the route are
 * rebuilt from the RIB in the deepest node above it, and that node and its
 * ancestors are written anew.  Nothing published is touched.
 */
static int update(struct lpm_build *b, const struct lpm_res *cur, u32 d,
		  const struct lpm_key *k, u32 plen, struct lpm_res *out)
{
	const struct lpm_rib *rib = &b->lpm->rib;
	struct lpm_res sub, res;
	struct lpm_slots *sl;
	struct lpm_key r;
	u32 i, n, dflt;
	u64 bit;
	int err;

	if (!cur->node) {
		/* A value: whatever the region holds now is built anew. */
		r = lpm_key_mask(k, d);
		dflt = csvx_lpm_rib_cover(rib, &r, d);
		stream_seek(b, &r, d);
		return build_node(b, d, &r, dflt, out);
	}
	sl = build_level(b, d);
	if (!sl)
		return -ENOMEM;
	node_decode(b->f, cur->placed ? &b->f->nodes[cur->at] : &cur->n,
		    cur->placed, sl);
	i = key_slot(k, d);
	if (plen <= d + LPM_STRIDE) {
		/* The route spans slots of this node: paint them again. */
		dflt = csvx_lpm_rib_cover(rib, k, plen);
		for (n = 1U << (d + LPM_STRIDE - plen); n; n--, i++) {
			sl->childmask &= ~(1ULL << i);
			sl->val[i] = dflt;
		}
		stream_seek(b, k, plen);
		err = node_fill(b, sl, d, k, plen);
	} else {
		bit = 1ULL << i;
		sub.node = sl->childmask & bit;
		sub.placed = false;
		if (sub.node)
			sub.n = sl->child[i];
		else
			sub.val = sl->val[i];
		err = update(b, &sub, d + LPM_STRIDE, k, plen, &res);
		if (!err && res.node) {
			sl->child[i] = res.n;
			sl->childmask |= bit;
		} else if (!err) {
			sl->childmask &= ~bit;
			sl->val[i] = res.val;
		}
	}
	if (err)
		return err;
	return encode(b, sl, d == b->f->s, out);
}

/*
 * Rebuild what the change of route @k/@plen affects, in the current fib:
 * -ENOSPC when its arrays are full, -E2BIG when a whole rebuild is better.
 */
static int fib_update_once(struct lpm_build *b, const struct lpm_key *k,
			   u32 plen)
{
	const struct lpm_rib *rib = &b->lpm->rib;
	struct lpm_fib *f = b->f;
	u32 s = f->s, t = key_top(k, s), i, cnt, dflt, *tv, e;
	struct lpm_res cur, res;
	int err;

	if (plen <= s) {
		/* Top entries only: compute them aside, then store each. */
		cnt = 1U << (s - plen);
		if (cnt > LPM_TOP_RANGE)
			return -E2BIG;
		tv = lpm_kmalloc(cnt * sizeof(*tv));
		if (!tv)
			return -ENOMEM;
		dflt = csvx_lpm_rib_cover(rib, k, plen);
		for (i = 0; i < cnt; i++)
			tv[i] = dflt;
		stream_seek(b, k, plen);
		err = top_fill(b, tv, t, cnt, k, plen);
		if (!err && b->dry)
			err = -ENOSPC;
		for (i = 0; !err && i < cnt; i++) {
			/* Release: a reader that sees an entry sees its nodes. */
			smp_store_release(&f->top[t + i], tv[i]);
		}
		kfree(tv);
		return err;
	}

	e = f->top[t];
	cur.node = e & LPM_NODE;
	cur.placed = cur.node;
	cur.at = e & ~LPM_NODE;
	cur.val = e;
	err = update(b, &cur, s, k, plen, &res);
	if (err)
		return err;
	top_entry(b, &res, &e);
	if (b->dry)
		return -ENOSPC;
	/* Release: the new nodes are written before the entry naming them. */
	smp_store_release(&f->top[t], e);
	return 0;
}

int csvx_lpm_fib_update(struct csvx_lpm *lpm, const struct lpm_key *k,
			u32 plen)
{
	bool wide = lpm->rib.nr_wide > 0;
	struct lpm_fib *f = lpm_fib_deref(lpm);
	u32 s, mark_n, mark_l;
	struct lpm_build b;
	int err, tries;

	s = pick_s(lpm->rib.v6, lpm->rib.count, f->s);
	if (s != f->s || !lpm->rib.count)
		return fib_rebuild(lpm, s);
	if (wide && !f->wide) {
		err = fib_relayout(lpm, 0, 0, true);
		if (err)
			return err;
	}
	for (tries = 0; tries < 4; tries++) {
		f = lpm_fib_deref(lpm);
		mark_n = f->nodes_used;
		mark_l = f->leaves_used;
		build_init(&b, lpm, f);
		err = fib_update_once(&b, k, plen);
		build_free(&b);
		if (!err)
			return 0;
		/* Nothing was published: what it wrote is free again. */
		f->nodes_used = mark_n;
		f->leaves_used = mark_l;
		if (err == -E2BIG)
			return fib_rebuild(lpm, f->s);
		if (err != -ENOSPC)
			return err;
		err = fib_relayout(lpm, b.want_nodes, b.want_leaves,
				   lpm->rib.nr_wide > 0);
		if (err)
			return err;
	}
	WARN_ON_ONCE(1);
	return -ENOMEM;
}

struct lpm_fib *csvx_lpm_fib_empty(bool v6)
{
	return fib_alloc(v6 ? lpm_s6[0] : lpm_s4[0], v6, false, 0, 0);
}
