// SPDX-License-Identifier: GPL-2.0
/*
 * The security-group classifier: compiling a policy's rules into an
 * immutable object, and classifying a first packet against it.  See sg.h
 * for the layout and its costs, sgset.h for the member index.
 */
#include "sg.h"

#define KEYS		65536		/* the 16-bit key space */
#define INL		CSVX_SG_INLINE_RANGES
#define MAX_DEPTH	130		/* nested prefixes: lengths 0..128 */

static u8 fam_icmp(int fam)
{
	return fam ? CSVX_PROTO_ICMPV6 : CSVX_PROTO_ICMP;
}

/*
 * A packet's class, with compares and no branch: the protocol mix of first
 * packets is not something a branch predictor learns.
 */
static __always_inline int pkt_class(int fam, u8 proto)
{
	return 3 - 3 * (proto == CSVX_PROTO_TCP) -
	       2 * (proto == CSVX_PROTO_UDP) - (proto == fam_icmp(fam));
}

static int proto_class(int fam, u8 proto)
{
	if (proto == CSVX_PROTO_TCP)
		return 0;
	if (proto == CSVX_PROTO_UDP)
		return 1;
	return proto == fam_icmp(fam) ? 2 : 3;
}

/*
 * The range of @r[0..nr) holding @key, if any.  The search has no branch
 * on the data (a conditional move per step): the ranges are whatever the
 * rules made them, and a mispredicted branch costs more than the step.
 */
static __always_inline bool range_hit(const struct csvx_sg_range *r, u32 nr,
				      u16 key, u32 *rule)
{
	const struct csvx_sg_range *p = r;
	u32 half;

	if (!nr)
		return false;
	/* p[0].lo <= key or there is no range for it; the answer is in
	 * [p, p + nr)
	 */
	while (nr > 1) {
		half = nr / 2;
		p = p[half].lo <= key ? p + half : p;
		nr -= half;
	}
	if (p->lo > key || p->hi < key)
		return false;
	*rule = p->rule;
	return true;
}

/* The interval of @x in starts @s[0..n), n >= 1 and s[0] == 0. */
static __always_inline u32 iv4_find(const u32 *s, u32 n, u32 x)
{
	const u32 *p = s;
	u32 half;

	while (n > 1) {
		half = n / 2;
		p = p[half] <= x ? p + half : p;
		n -= half;
	}
	return p - s;
}

static __always_inline u32 iv6_find(const struct csvx_sg_a6 *s, u32 n,
				    u64 hi, u64 lo)
{
	const struct csvx_sg_a6 *p = s;
	u32 half;
	bool le;

	while (n > 1) {
		half = n / 2;
		le = p[half].hi < hi || (p[half].hi == hi && p[half].lo <= lo);
		p = le ? p + half : p;
		n -= half;
	}
	return p - s;
}

/* ------------------------------------------------------------ classify */

/* Does a reference of @t to a set whose contents are @d now admit @key? */
static bool member_hit(const struct csvx_sg_cls *cls,
		       const struct csvx_sg_tree *t,
		       const struct csvx_set_data *d, u16 key, u32 *rule)
{
	const struct csvx_sg_ref *ref = cls->refs + t->ref;
	u32 i;

	/* Only a compare with each contents pointer: which set holds @d is
	 * read here, at the packet, so a swap is seen by the next one.
	 */
	for (i = 0; i < t->nr_refs; i++, ref++)
		if (rcu_access_pointer(ref->set->data) == d &&
		    range_hit(cls->ranges + ref->first, ref->nr, key, rule))
			return true;
	return false;
}

/* The members of any set holding the remote, longest first. */
static bool sets_hit(const struct csvx_sg_cls *cls,
		     const struct csvx_sg_tree *t, int fam,
		     const struct csvx_sg_pkt *pkt, u32 *rule)
{
	const struct csvx_sgidx *idx = cls->idx;
	const struct csvx_htab *h = &idx->h[fam];
	const struct csvx_set_member *m;
	struct csvx_hprobe pr;
	struct csvx_hnode *n;
	u32 a[4], plen;
	int w, bit;
	u64 bits;

	/* IPv4 lengths are all in the first word */
	for (w = fam ? CSVX_PLEN_WORDS - 1 : 0; w >= 0; w--) {
		for (bits = READ_ONCE(idx->lens[fam][w]); bits;
		     bits &= ~(1ULL << bit)) {
			bit = fls64(bits) - 1;
			plen = w * 64 + bit;
			if (!fam)
				a[0] = pkt->remote.w[0] & (__force u32)
				       cpu_to_be32(plen ? ~0U << (32 - plen) : 0);
			else
				csvx_addr_mask(&pkt->remote, plen, a);
			csvx_htab_for_each_possible(h, n,
						    csvx_sgidx_hash(h, fam, a,
								    plen),
						    &pr) {
				m = container_of(n, struct csvx_set_member,
						 inode);
				if (n->user != plen ||
				    (!fam ? m->iaddr[0] != a[0] :
				     memcmp(m->iaddr, a, sizeof(m->iaddr))))
					continue;
				if (member_hit(cls, t, READ_ONCE(m->data),
					       pkt->key, rule))
					return true;
			}
		}
	}
	return false;
}

bool csvx_sg_classify(const struct csvx_sg_cls *cls,
		      const struct csvx_sg_pkt *pkt,
		      struct csvx_sg_rule **rule)
{
	int fam = pkt->family == AF_INET6;
	const struct csvx_sg_tree *t;
	const struct csvx_sg_cent *e;
	u32 c, r;

	*rule = NULL;
	if (pkt->dir == CSVX_SG_EGRESS && cls->egress_default)
		return true;
	if (pkt->dir > CSVX_SG_EGRESS || pkt->remote.family != pkt->family)
		return false;
	t = &cls->tree[pkt->dir][fam][pkt_class(fam, pkt->proto)];
	if (t->nr_iv) {
		const u32 *w = pkt->remote.w;

		if (!fam)
			c = iv4_find(cls->start4 + t->iv, t->nr_iv,
				     be32_to_cpu((__force __be32)w[0]));
		else
			c = iv6_find(cls->start6 + t->iv, t->nr_iv,
				     (u64)be32_to_cpu((__force __be32)w[0]) << 32 |
				     be32_to_cpu((__force __be32)w[1]),
				     (u64)be32_to_cpu((__force __be32)w[2]) << 32 |
				     be32_to_cpu((__force __be32)w[3]));
		/* the longest prefix holding the remote, then the shorter */
		for (c = cls->icent[fam][t->iv + c]; c != CSVX_SG_NONE;
		     c = e->parent) {
			e = &cls->cents[c];
			if (range_hit(e->rg, e->nr, pkt->key, &r))
				goto hit;
		}
	}
	/* the sets only if one of them could admit the key */
	if (t->nr_uni && range_hit(cls->ranges + t->uni, t->nr_uni, pkt->key,
				   &r) &&
	    sets_hit(cls, t, fam, pkt, &r))
		goto hit;
	return false;
hit:
	*rule = cls->rules[r];
	return true;
}

/* ------------------------------------------------------------- compile */

/* An address as a 128-bit number in host order (IPv4 in the low bits). */
struct a128 {
	u64 hi, lo;
};

static struct a128 a128_of(const struct csvx_addr *a, int fam)
{
	struct a128 x = { 0, be32_to_cpu((__force __be32)a->w[0]) };

	if (fam) {
		x.hi = (u64)be32_to_cpu((__force __be32)a->w[0]) << 32 |
		       be32_to_cpu((__force __be32)a->w[1]);
		x.lo = (u64)be32_to_cpu((__force __be32)a->w[2]) << 32 |
		       be32_to_cpu((__force __be32)a->w[3]);
	}
	return x;
}

/* The last address of prefix @s/@plen. */
static struct a128 a128_end(struct a128 s, u8 plen, int fam)
{
	if (!fam) {
		s.lo |= plen >= 32 ? 0 : 0xffffffffU >> plen;
	} else if (plen < 64) {
		s.hi |= ~0ULL >> plen;
		s.lo = ~0ULL;
	} else {
		s.lo |= plen >= 128 ? 0 : ~0ULL >> (plen - 64);
	}
	return s;
}

static bool a128_lt(struct a128 a, struct a128 b)
{
	return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}

static bool a128_eq(struct a128 a, struct a128 b)
{
	return a.hi == b.hi && a.lo == b.lo;
}

static bool a128_is_last(struct a128 a, int fam)
{
	return fam ? a.hi == ~0ULL && a.lo == ~0ULL : a.lo == 0xffffffffU;
}

static struct a128 a128_next(struct a128 a)
{
	a.hi += !++a.lo;
	return a;
}

/* The key range of rule @r in tree (@dir, @fam, @cls), if it has one. */
static bool rule_range(const struct csvx_sg_rule *r, int dir, int fam,
		       int cls, u32 *lo, u32 *hi)
{
	u8 family = fam ? AF_INET6 : AF_INET;

	if (r->dir != dir)
		return false;
	if (r->remote == CSVX_SG_R_CIDR && r->prefix.family != family)
		return false;
	if (r->remote == CSVX_SG_R_SET && r->set->family != family)
		return false;
	*lo = 0;
	*hi = KEYS - 1;
	switch (r->proto) {
	case CSVX_PROTO_ANY:
		return true;
	case CSVX_PROTO_TCP:
	case CSVX_PROTO_UDP:
		if (proto_class(fam, r->proto) != cls)
			return false;
		*lo = r->dport_lo;
		*hi = r->dport_hi;
		return true;
	case CSVX_PROTO_ICMP:
	case CSVX_PROTO_ICMPV6:
		if (cls != 2 || r->proto != fam_icmp(fam))
			return false;
		if (r->icmp_type < 0)
			return true;
		*lo = csvx_sg_icmp_key(r->icmp_type,
				       r->icmp_code < 0 ? 0 : r->icmp_code);
		*hi = csvx_sg_icmp_key(r->icmp_type,
				       r->icmp_code < 0 ? 255 : r->icmp_code);
		return true;
	}
	return false;
}

static int cmp_range(const void *a, const void *b)
{
	const struct csvx_sg_range *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/*
 * Merge sorted ranges in place into disjoint ones, each with a rule that
 * covers all of it (where ranges overlap, the earlier one keeps its part).
 * Returns how many remain.
 */
static u32 merge_ranges(struct csvx_sg_range *r, u32 n)
{
	u32 i, out = 0;

	for (i = 0; i < n; i++) {
		struct csvx_sg_range x = r[i];

		if (out && x.hi <= r[out - 1].hi)
			continue;		/* inside what is there */
		if (out && x.lo <= r[out - 1].hi)
			x.lo = r[out - 1].hi + 1;	/* the part beyond */
		r[out++] = x;
	}
	return out;
}

/* A CIDR rule's key range in one tree, while building. */
struct cpiece {
	struct a128 start;
	u8 plen;
	struct csvx_sg_range r;
};

/* A set reference's key range in one tree, while building. */
struct rpiece {
	u32 ref;
	struct csvx_sg_range r;
};

static int cmp_cpiece(const void *a, const void *b)
{
	const struct cpiece *x = a, *y = b;

	/* a prefix before the longer ones it holds: parents first */
	if (!a128_eq(x->start, y->start))
		return a128_lt(x->start, y->start) ? -1 : 1;
	if (x->plen != y->plen)
		return x->plen < y->plen ? -1 : 1;
	return cmp_range(&x->r, &y->r);
}

static int cmp_rpiece(const void *a, const void *b)
{
	const struct rpiece *x = a, *y = b;

	if (x->ref != y->ref)
		return x->ref < y->ref ? -1 : 1;
	return cmp_range(&x->r, &y->r);
}

struct cbuild {
	struct csvx_sgs *sgs;
	struct csvx_sg_cls *cls;
	struct csvx_sg_tree *t;
	int fam;
	struct cpiece *cp;		/* this tree's, scratch */
	struct rpiece *rp;
	u32 ncp, nrp;
	u64 stamp;			/* set->mark of this tree's refs */
	u32 stk[MAX_DEPTH];		/* the prefixes open at this point */
	struct a128 stk_end[MAX_DEPTH];
};

/*
 * Ranges @cls->ranges[nr_ranges, + n) were just appended: sort and merge
 * them, keep them.  Returns how many remain.
 */
static u32 take_ranges(struct csvx_sg_cls *cls, u32 n)
{
	struct csvx_sg_range *r = cls->ranges + cls->nr_ranges;

	sort(r, n, sizeof(*r), cmp_range, NULL);
	n = merge_ranges(r, n);
	cls->nr_ranges += n;
	return n;
}

/* Interval from @a on has prefix @c (CSVX_SG_NONE: none) as its longest. */
static void emit(struct cbuild *b, struct a128 a, u32 c)
{
	struct csvx_sg_cls *cls = b->cls;
	u32 n = cls->nr_iv[b->fam], *ic = cls->icent[b->fam];
	bool same;

	if (n > b->t->iv) {
		same = b->fam ? cls->start6[n - 1].hi == a.hi &&
				cls->start6[n - 1].lo == a.lo :
				cls->start4[n - 1] == a.lo;
		if (same) {		/* a prefix starting where one ended */
			ic[n - 1] = c;
			return;
		}
		if (ic[n - 1] == c)
			return;
	}
	if (b->fam) {
		cls->start6[n].hi = a.hi;
		cls->start6[n].lo = a.lo;
	} else {
		cls->start4[n] = a.lo;
	}
	ic[n] = c;
	cls->nr_iv[b->fam]++;
}

/* The tree's prefixes, their ranges, and the intervals they cut. */
static void build_cents(struct cbuild *b)
{
	struct csvx_sg_cls *cls = b->cls;
	struct a128 end, zero = { 0, 0 };
	u32 i, j, k, c, first, sp = 0;

	b->t->iv = cls->nr_iv[b->fam];
	if (!b->ncp)
		return;
	sort(b->cp, b->ncp, sizeof(*b->cp), cmp_cpiece, NULL);
	emit(b, zero, CSVX_SG_NONE);
	for (i = 0; i < b->ncp; i = j) {
		struct csvx_sg_cent *e = &cls->cents[cls->nr_cents];
		struct a128 start = b->cp[i].start;
		u8 plen = b->cp[i].plen;

		c = cls->nr_cents++;
		for (j = i; j < b->ncp && b->cp[j].plen == plen &&
		     a128_eq(b->cp[j].start, start); j++)
			cls->ranges[cls->nr_ranges + j - i] = b->cp[j].r;
		first = cls->nr_ranges;
		e->nr = take_ranges(cls, j - i);
		e->rg = cls->ranges + first;
		if (e->nr <= INL) {	/* inline: give the space back */
			for (k = 0; k < e->nr; k++)
				e->inl[k] = cls->ranges[first + k];
			cls->nr_ranges = first;
			e->rg = e->inl;
		}
		/* Prefixes nest or are disjoint, and come parents first: what
		 * is still open once those ending before this one are closed
		 * holds it.
		 */
		while (sp && a128_lt(b->stk_end[sp - 1], start)) {
			end = b->stk_end[--sp];
			emit(b, a128_next(end), sp ? b->stk[sp - 1] :
							CSVX_SG_NONE);
		}
		e->parent = sp ? b->stk[sp - 1] : CSVX_SG_NONE;
		b->stk[sp] = c;
		b->stk_end[sp++] = a128_end(start, plen, b->fam);
		emit(b, start, c);
	}
	while (sp) {
		end = b->stk_end[--sp];
		if (!a128_is_last(end, b->fam))
			emit(b, a128_next(end), sp ? b->stk[sp - 1] :
							CSVX_SG_NONE);
	}
}

/* The tree's references' ranges, and their union. */
static void build_refs(struct cbuild *b)
{
	struct csvx_sg_cls *cls = b->cls;
	struct csvx_sg_tree *t = b->t;
	u32 i, j;

	sort(b->rp, b->nrp, sizeof(*b->rp), cmp_rpiece, NULL);
	for (i = 0; i < b->nrp; i = j) {
		struct csvx_sg_ref *ref = &cls->refs[b->rp[i].ref];

		for (j = i; j < b->nrp && b->rp[j].ref == b->rp[i].ref; j++)
			cls->ranges[cls->nr_ranges + j - i] = b->rp[j].r;
		ref->first = cls->nr_ranges;
		ref->nr = take_ranges(cls, j - i);
	}
	for (i = 0; i < b->nrp; i++)
		cls->ranges[cls->nr_ranges + i] = b->rp[i].r;
	t->uni = cls->nr_ranges;
	t->nr_uni = take_ranges(cls, b->nrp);
}

static void build_tree(struct cbuild *b, int dir, int fam, int cl)
{
	struct csvx_sg_cls *cls = b->cls;
	struct csvx_set *set;
	u32 i, lo, hi, m[4];

	b->t = &cls->tree[dir][fam][cl];
	b->fam = fam;
	b->ncp = 0;
	b->nrp = 0;
	b->stamp = ++b->sgs->mark & 0xffffffffU;
	b->t->ref = cls->nr_refs;
	for (i = 0; i < cls->nr_rules; i++) {
		const struct csvx_sg_rule *r = cls->rules[i];
		struct csvx_sg_range rg;
		struct csvx_addr a;

		if (!rule_range(r, dir, fam, cl, &lo, &hi))
			continue;
		rg.lo = lo;
		rg.hi = hi;
		rg.rule = i;
		if (r->remote == CSVX_SG_R_CIDR) {
			struct cpiece *p = &b->cp[b->ncp++];

			csvx_addr_mask(&r->prefix, r->plen, m);
			a.family = r->prefix.family;
			memcpy(a.w, m, sizeof(a.w));
			p->start = a128_of(&a, fam);
			p->plen = r->plen;
			p->r = rg;
			continue;
		}
		set = r->remote == CSVX_SG_R_SET ? r->set :
						   r->group->members[fam];
		/* One reference per set and tree: mark = stamp << 32 | index. */
		if (set->mark >> 32 != b->stamp) {
			set->mark = b->stamp << 32 | cls->nr_refs;
			cls->refs[cls->nr_refs++].set = set;
		}
		b->rp[b->nrp].ref = (u32)set->mark;
		b->rp[b->nrp++].r = rg;
	}
	b->t->nr_refs = cls->nr_refs - b->t->ref;
	build_cents(b);
	b->t->nr_iv = cls->nr_iv[fam] - b->t->iv;
	build_refs(b);
}

void csvx_sg_cls_free(struct csvx_sg_cls *cls)
{
	if (!cls)
		return;
	kvfree(cls->start4);
	kvfree(cls->start6);
	kvfree(cls->icent[0]);
	kvfree(cls->icent[1]);
	kvfree(cls->cents);
	kvfree(cls->refs);
	kvfree(cls->ranges);
	kvfree(cls->rules);
	kfree(cls);
}

static void cls_free_rcu(struct rcu_head *head)
{
	csvx_sg_cls_free(container_of(head, struct csvx_sg_cls, rcu));
}

void csvx_sg_cls_free_rcu(struct csvx_sg_cls *cls)
{
	if (cls)
		call_rcu(&cls->rcu, cls_free_rcu);
}

/* How many trees rule @r is in ("any" protocol: four classes). */
static u32 rule_trees(const struct csvx_sg_rule *r)
{
	return (r->proto == CSVX_PROTO_ANY ? CSVX_SG_NCLASS : 1) *
	       (r->remote == CSVX_SG_R_GROUP ? 2 : 1);
}

struct csvx_sg_cls *csvx_sg_compile(struct csvx_sgs *sgs,
				    const struct csvx_sg_policy *pol)
{
	struct csvx_sg_cls *cls;
	struct csvx_sg_rule *r;
	struct cbuild *b;
	u32 i, n = 0, pieces = 0, cidr[2] = { 0, 0 }, niv[2];
	int d, f, c;

	cls = kzalloc(sizeof(*cls), GFP_KERNEL_ACCOUNT);
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!cls || !b)
		goto fail;
	b->sgs = sgs;
	b->cls = cls;
	cls->idx = &sgs->idx;
	cls->egress_default = true;
	for (i = 0; i < pol->nr; i++)
		n += pol->sgs[i]->nr_rules;
	cls->rules = kvmalloc_array(max_t(u32, n, 1), sizeof(*cls->rules),
				    GFP_KERNEL_ACCOUNT);
	if (!cls->rules)
		goto fail;
	for (i = 0; i < pol->nr; i++) {
		for (r = pol->sgs[i]->rules; r; r = r->next) {
			cls->rules[cls->nr_rules++] = r;
			if (r->dir == CSVX_SG_EGRESS)
				cls->egress_default = false;
			pieces += rule_trees(r);
			if (r->remote == CSVX_SG_R_CIDR)
				cidr[r->prefix.family == AF_INET6] +=
					rule_trees(r);
		}
	}
	/*
	 * Bounds: a prefix, a reference, a range per piece, and the union
	 * of a tree's reference ranges once more; twice the prefixes plus
	 * one per tree for the intervals.
	 */
	pieces = max_t(u32, pieces, 1);
	for (f = 0; f < 2; f++)
		niv[f] = 2 * cidr[f] + 2 * CSVX_SG_NCLASS;
	b->cp = kvmalloc_array(pieces, sizeof(*b->cp), GFP_KERNEL);
	b->rp = kvmalloc_array(pieces, sizeof(*b->rp), GFP_KERNEL);
	cls->cents = kvmalloc_array(max_t(u32, cidr[0] + cidr[1], 1),
				    sizeof(*cls->cents), GFP_KERNEL_ACCOUNT);
	cls->refs = kvmalloc_array(pieces, sizeof(*cls->refs),
				   GFP_KERNEL_ACCOUNT);
	cls->ranges = kvmalloc_array(2 * pieces, sizeof(*cls->ranges),
				     GFP_KERNEL_ACCOUNT);
	cls->start4 = kvmalloc_array(niv[0], sizeof(*cls->start4),
				     GFP_KERNEL_ACCOUNT);
	cls->start6 = kvmalloc_array(niv[1], sizeof(*cls->start6),
				     GFP_KERNEL_ACCOUNT);
	for (f = 0; f < 2; f++)
		cls->icent[f] = kvmalloc_array(niv[f], sizeof(u32),
					       GFP_KERNEL_ACCOUNT);
	if (!b->cp || !b->rp || !cls->cents || !cls->refs || !cls->ranges ||
	    !cls->start4 || !cls->start6 || !cls->icent[0] || !cls->icent[1])
		goto fail;
	for (d = 0; d < 2; d++)
		for (f = 0; f < 2; f++)
			for (c = 0; c < CSVX_SG_NCLASS; c++)
				build_tree(b, d, f, c);
	kvfree(b->cp);
	kvfree(b->rp);
	kfree(b);
	cls->bytes = sizeof(*cls) + n * sizeof(*cls->rules) +
		     (size_t)(cidr[0] + cidr[1]) * sizeof(*cls->cents) +
		     (size_t)pieces * (sizeof(*cls->refs) +
				       2 * sizeof(*cls->ranges)) +
		     (size_t)niv[0] * (sizeof(*cls->start4) + sizeof(u32)) +
		     (size_t)niv[1] * (sizeof(*cls->start6) + sizeof(u32));
	cls->gen = ++sgs->gen;
	if (!cls->gen)
		cls->gen = ++sgs->gen;
	return cls;
fail:
	if (b) {
		kvfree(b->cp);
		kvfree(b->rp);
	}
	kfree(b);
	csvx_sg_cls_free(cls);
	return NULL;
}
