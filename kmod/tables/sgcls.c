// SPDX-License-Identifier: GPL-2.0
/*
 * The security-group classifier: compiling a policy's rules into an
 * immutable object, and classifying a first packet against it.  See sg.h
 * for the layout and its costs.
 */
#include "sg.h"

#define KEYS		65536		/* the 16-bit key space */
#define INLINE_RANGES	2
#define REF_BIT		0x80000000U	/* a piece's owner is a set reference */

/* A prefix of one tree: its merged key ranges, inline when few. */
struct csvx_sg_cent {
	struct csvx_hnode node;
	u32 addr[4];
	u32 first;			/* in cls->ranges, if nr > INLINE_RANGES */
	u16 nr;
	u8 plen;
	u8 tree;
	struct csvx_sg_range inl[INLINE_RANGES];
};

/* A rule's key range for one remote (prefix or reference), while building. */
struct piece {
	u32 owner;			/* cent index, or REF_BIT | ref index */
	struct csvx_sg_range r;
};

static int tree_id(int dir, int fam, int cls)
{
	return (dir * 2 + fam) * CSVX_SG_NCLASS + cls;
}

static u8 fam_icmp(int fam)
{
	return fam ? CSVX_PROTO_ICMPV6 : CSVX_PROTO_ICMP;
}

static int proto_class(int fam, u8 proto)
{
	if (proto == CSVX_PROTO_TCP)
		return 0;
	if (proto == CSVX_PROTO_UDP)
		return 1;
	return proto == fam_icmp(fam) ? 2 : 3;
}

static u32 cent_hash(const struct csvx_htab *h, int fam, const u32 *a,
		     u8 plen, u8 tree)
{
	return csvx_sg_hash(h, fam ? 4 : 1, a, plen | tree << 8);
}

static struct csvx_sg_cent *cent_find(const struct csvx_htab *h, int fam,
				      const u32 *a, u8 plen, u8 tree)
{
	u32 hash = cent_hash(h, fam, a, plen, tree);
	struct csvx_sg_cent *e;
	struct csvx_hprobe pr;
	struct csvx_hnode *n;

	csvx_htab_for_each_possible(h, n, hash, &pr) {
		e = container_of(n, struct csvx_sg_cent, node);
		if (e->plen != plen || e->tree != tree)
			continue;
		if (!fam ? e->addr[0] == a[0] :
		    !memcmp(e->addr, a, sizeof(e->addr)))
			return e;
	}
	return NULL;
}

/* The range of @r[0..nr) holding @key, if any. */
static bool range_hit(const struct csvx_sg_range *r, u32 nr, u16 key,
		      u32 *rule)
{
	u32 lo = 0, hi = nr, mid;

	/* the last range starting at or below the key */
	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		if (r[mid].lo <= key)
			lo = mid;
		else
			hi = mid;
	}
	if (!nr || r[lo].lo > key || r[lo].hi < key)
		return false;
	*rule = r[lo].rule;
	return true;
}

/* ------------------------------------------------------------ classify */

bool csvx_sg_classify(const struct csvx_sg_cls *cls,
		      const struct csvx_sg_pkt *pkt,
		      struct csvx_sg_rule **rule)
{
	int fam = pkt->family == AF_INET6, w, bit, plen, cl;
	const struct csvx_sg_tree *t;
	const struct csvx_sg_cent *e;
	u32 a[4], i, r;
	u64 bits;

	*rule = NULL;
	if (pkt->dir == CSVX_SG_EGRESS && cls->egress_default)
		return true;
	if (pkt->dir > CSVX_SG_EGRESS || pkt->remote.family != pkt->family)
		return false;
	cl = proto_class(fam, pkt->proto);
	t = &cls->tree[pkt->dir][fam][cl];
	for (w = CSVX_PLEN_WORDS - 1; w >= 0; w--) {
		for (bits = t->lens[w]; bits; bits &= ~(1ULL << bit)) {
			bit = fls64(bits) - 1;
			plen = w * 64 + bit;
			csvx_addr_mask(&pkt->remote, plen, a);
			e = cent_find(&cls->cidrs, fam, a, plen,
				      tree_id(pkt->dir, fam, cl));
			if (e && range_hit(e->nr > INLINE_RANGES ?
					   cls->ranges + e->first : e->inl,
					   e->nr, pkt->key, &r))
				goto hit;
		}
	}
	for (i = 0; i < t->nr_refs; i++) {
		const struct csvx_sg_ref *ref = &cls->refs[t->ref + i];

		/* the ranges first: a few bytes, where the set is a probe */
		if (range_hit(cls->ranges + ref->first, ref->nr, pkt->key,
			      &r) &&
		    csvx_set_test(ref->set, &pkt->remote))
			goto hit;
	}
	return false;
hit:
	*rule = cls->rules[r];
	return true;
}

/* ------------------------------------------------------------- compile */

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

/* Heapsort by lo (no sort() in the shim; n is a remote's rules). */
static void sift(struct csvx_sg_range *r, u32 i, u32 n)
{
	u32 c;

	for (; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && r[c + 1].lo > r[c].lo)
			c++;
		if (r[i].lo >= r[c].lo)
			return;
		swap(r[i], r[c]);
	}
}

static void sort_ranges(struct csvx_sg_range *r, u32 n)
{
	u32 i;

	for (i = n / 2; i-- > 0;)
		sift(r, i, n);
	for (i = n; i-- > 1;) {
		swap(r[0], r[i]);
		sift(r, 0, i);
	}
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

struct cbuild {
	struct csvx_sgs *sgs;
	struct csvx_sg_cls *cls;
	struct piece *pieces;
	u32 nr_pieces;
	u64 stamp;			/* set->mark of this tree's refs */
};

static void add_piece(struct cbuild *b, int fam, u8 tree,
		      const struct csvx_sg_rule *r, u32 rule, u32 lo, u32 hi)
{
	struct csvx_sg_cls *cls = b->cls;
	struct piece *p = &b->pieces[b->nr_pieces++];
	struct csvx_sg_cent *e;
	struct csvx_set *set;
	u32 a[4];

	p->r.lo = lo;
	p->r.hi = hi;
	p->r.rule = rule;
	if (r->remote == CSVX_SG_R_CIDR) {
		csvx_addr_mask(&r->prefix, r->plen, a);
		e = cent_find(&cls->cidrs, fam, a, r->plen, tree);
		if (!e) {
			e = &cls->cents[cls->nr_cents++];
			memcpy(e->addr, a, sizeof(e->addr));
			e->plen = r->plen;
			e->tree = tree;
			csvx_htab_insert(&cls->cidrs, &e->node,
					 cent_hash(&cls->cidrs, fam, a, r->plen,
						   tree));
		}
		p->owner = e - cls->cents;
		return;
	}
	set = r->remote == CSVX_SG_R_SET ? r->set : r->group->members[fam];
	/* One reference per set and tree: mark = stamp << 32 | index. */
	if (set->mark >> 32 != b->stamp) {
		set->mark = b->stamp << 32 | cls->nr_refs;
		cls->refs[cls->nr_refs++].set = set;
	}
	p->owner = REF_BIT | (u32)set->mark;
}

static void build_tree(struct cbuild *b, int dir, int fam, int cl)
{
	struct csvx_sg_cls *cls = b->cls;
	struct csvx_sg_tree *t = &cls->tree[dir][fam][cl];
	u8 id = tree_id(dir, fam, cl);
	u32 i, lo, hi;

	b->stamp = ++b->sgs->mark & 0xffffffffU;
	t->ref = cls->nr_refs;
	for (i = 0; i < cls->nr_rules; i++) {
		const struct csvx_sg_rule *r = cls->rules[i];

		if (!rule_range(r, dir, fam, cl, &lo, &hi))
			continue;
		add_piece(b, fam, id, r, i, lo, hi);
		if (r->remote == CSVX_SG_R_CIDR)
			t->lens[r->plen / 64] |= 1ULL << (r->plen % 64);
	}
	t->nr_refs = cls->nr_refs - t->ref;
}

/* Pieces grouped by owner into cls->ranges, sorted, merged. */
static int build_ranges(struct cbuild *b)
{
	struct csvx_sg_cls *cls = b->cls;
	u32 nown = cls->nr_cents + cls->nr_refs, i, o, *start;
	struct piece *p;

	start = kvcalloc(nown + 1, sizeof(*start), GFP_KERNEL);
	cls->ranges = kvmalloc_array(max_t(u32, b->nr_pieces, 1),
				     sizeof(*cls->ranges), GFP_KERNEL_ACCOUNT);
	if (!start || !cls->ranges) {
		kvfree(start);
		return -ENOMEM;
	}
	cls->bytes += (size_t)b->nr_pieces * sizeof(*cls->ranges);
	/* A counting sort by owner: cents first, then refs. */
	for (i = 0; i < b->nr_pieces; i++) {
		p = &b->pieces[i];
		o = p->owner & REF_BIT ? cls->nr_cents + (p->owner & ~REF_BIT) :
					 p->owner;
		start[o + 1]++;
	}
	for (o = 0; o < nown; o++)
		start[o + 1] += start[o];
	for (i = 0; i < b->nr_pieces; i++) {
		p = &b->pieces[i];
		o = p->owner & REF_BIT ? cls->nr_cents + (p->owner & ~REF_BIT) :
					 p->owner;
		/* start[o] walks up; it ends where o + 1 begins */
		cls->ranges[start[o]++] = p->r;
	}
	for (o = nown; o > 0; o--)
		start[o] = start[o - 1];
	start[0] = 0;
	for (o = 0; o < nown; o++) {
		struct csvx_sg_range *r = cls->ranges + start[o];
		u32 n = start[o + 1] - start[o];

		sort_ranges(r, n);
		n = merge_ranges(r, n);
		if (o < cls->nr_cents) {
			struct csvx_sg_cent *e = &cls->cents[o];

			e->nr = n;
			e->first = start[o];
			if (n <= INLINE_RANGES)
				memcpy(e->inl, r, n * sizeof(*r));
		} else {
			cls->refs[o - cls->nr_cents].first = start[o];
			cls->refs[o - cls->nr_cents].nr = n;
		}
	}
	kvfree(start);
	return 0;
}

void csvx_sg_cls_free(struct csvx_sg_cls *cls)
{
	if (!cls)
		return;
	csvx_htab_destroy(&cls->cidrs);
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

struct csvx_sg_cls *csvx_sg_compile(struct csvx_sgs *sgs,
				    const struct csvx_sg_policy *pol)
{
	struct cbuild b = { .sgs = sgs };
	struct csvx_sg_cls *cls;
	struct csvx_sg_rule *r;
	u32 i, n = 0, pieces = 0;
	int d, f, c;

	cls = kzalloc(sizeof(*cls), GFP_KERNEL_ACCOUNT);
	if (!cls)
		return NULL;
	b.cls = cls;
	csvx_htab_init(&cls->cidrs);
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
		}
	}
	/* A rule is one piece per tree it is in: "any" protocol is in four
	 * classes, a group of both families in two.
	 */
	for (i = 0; i < n; i++)
		pieces += (cls->rules[i]->proto == CSVX_PROTO_ANY ?
			   CSVX_SG_NCLASS : 1) *
			  (cls->rules[i]->remote == CSVX_SG_R_GROUP ? 2 : 1);
	b.pieces = kvmalloc_array(max_t(u32, pieces, 1), sizeof(*b.pieces),
				  GFP_KERNEL);
	cls->cents = kvmalloc_array(max_t(u32, pieces, 1),
				    sizeof(*cls->cents), GFP_KERNEL_ACCOUNT);
	cls->refs = kvmalloc_array(max_t(u32, pieces, 1), sizeof(*cls->refs),
				   GFP_KERNEL_ACCOUNT);
	if (!b.pieces || !cls->cents || !cls->refs)
		goto fail;
	for (d = 0; d < 2; d++)
		for (f = 0; f < 2; f++)
			for (c = 0; c < CSVX_SG_NCLASS; c++)
				build_tree(&b, d, f, c);
	if (build_ranges(&b))
		goto fail;
	kvfree(b.pieces);
	cls->bytes += sizeof(*cls) + n * sizeof(*cls->rules) +
		      (size_t)pieces * (sizeof(*cls->cents) +
					sizeof(*cls->refs)) +
		      csvx_htab_memory(&cls->cidrs);
	cls->gen = ++sgs->gen;
	if (!cls->gen)
		cls->gen = ++sgs->gen;
	return cls;
fail:
	kvfree(b.pieces);
	csvx_sg_cls_free(cls);
	return NULL;
}
