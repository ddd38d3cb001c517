// SPDX-License-Identifier: GPL-2.0
/*
 * The exact-prefix store behind an LPM: every route as it was configured,
 * sorted by (address, length), which is the order of csvx_lpm_walk() and
 * the order in which the trie builder consumes the routes under a prefix.
 *
 * Pages are copied on write.  A reader (RCU) sees each page and index
 * either before or after a change, never half of one, and the writer gets
 * an undo record so that a route whose trie update fails can be taken back
 * out without allocating.
 */
#include "lpm_int.h"

#define RIB_PAGE_BYTES	4096

/* The caller serialises writers (it cannot be named for lockdep here). */
#define rib_deref(p)	rcu_dereference_check(p, 1)

static size_t rpg_bytes(const struct lpm_rib *rib, u32 n)
{
	return offsetof(struct lpm_rib_page, e) + (size_t)n * rib->esz;
}

static size_t ridx_bytes(u32 n)
{
	return offsetof(struct lpm_rib_index, s) + (size_t)n * sizeof(struct lpm_rib_sep);
}

void csvx_lpm_rib_init(struct lpm_rib *rib, bool v6)
{
	memset(rib, 0, sizeof(*rib));
	rib->v6 = v6;
	rib->esz = v6 ? 20 : 8;
	/*
	 * A full page splits in halves that exactly fill a slab object of
	 * half the size: pages hover between the two and stay 3/4 full.
	 */
	rib->page_max = 2 * ((RIB_PAGE_BYTES / 2 -
			      offsetof(struct lpm_rib_page, e)) / rib->esz) - 1;
}

/* --------------------------------------------------------- entries */

static void ent_get(const struct lpm_rib *rib, const struct lpm_rib_page *pg,
		    u32 j, struct lpm_ent *e)
{
	if (!rib->v6) {
		u64 x = READ_ONCE(pg->e[j]);

		e->k.w[0] = x & 0xffffffff00000000ULL;
		e->k.w[1] = 0;
		e->plen = (x >> 24) & 0xff;
		e->nh = x & 0xffffff;
	} else {
		const u32 *x = (const u32 *)pg->e + j * 5;

		e->k.w[0] = (u64)x[0] << 32 | x[1];
		e->k.w[1] = (u64)x[2] << 32 | x[3];
		e->plen = x[4] >> 24;
		e->nh = x[4] & 0xffffff;
	}
}

static void ent_put(const struct lpm_rib *rib, struct lpm_rib_page *pg, u32 j,
		    const struct lpm_ent *e)
{
	if (!rib->v6) {
		pg->e[j] = e->k.w[0] | (u64)e->plen << 24 | e->nh;
	} else {
		u32 *x = (u32 *)pg->e + j * 5;

		x[0] = e->k.w[0] >> 32;
		x[1] = (u32)e->k.w[0];
		x[2] = e->k.w[1] >> 32;
		x[3] = (u32)e->k.w[1];
		x[4] = (u32)e->plen << 24 | e->nh;
	}
}

static void ent_copy(const struct lpm_rib *rib, struct lpm_rib_page *dst,
		     u32 dj, const struct lpm_rib_page *src, u32 sj, u32 n)
{
	memcpy((u8 *)dst->e + (size_t)dj * rib->esz,
	       (const u8 *)src->e + (size_t)sj * rib->esz, (size_t)n * rib->esz);
}

static int ent_cmp(const struct lpm_rib *rib, const struct lpm_rib_page *pg,
		   u32 j, const struct lpm_key *k, u8 plen)
{
	struct lpm_ent e;

	if (!rib->v6) {
		/* (address, length) compare as one number when packed. */
		u64 a = READ_ONCE(pg->e[j]) >> 24;
		u64 b = (k->w[0] | (u64)plen << 24) >> 24;

		return a == b ? 0 : (a < b ? -1 : 1);
	}
	ent_get(rib, pg, j, &e);
	return lpm_key_cmp(&e.k, e.plen, k, plen);
}

/* First entry of @pg that is >= @k/@plen (pg->n if none). */
static u32 rpg_bound(const struct lpm_rib *rib, const struct lpm_rib_page *pg,
		     const struct lpm_key *k, u8 plen)
{
	u32 lo = 0, hi = READ_ONCE(pg->n);

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (ent_cmp(rib, pg, mid, k, plen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The page whose key range holds @k/@plen. */
static u32 ridx_find(const struct lpm_rib_index *idx, const struct lpm_key *k,
		     u8 plen)
{
	u32 lo = 1, hi = idx->n;

	/* The last i with sep[i] <= key; sep[0] is -inf. */
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		const struct lpm_rib_sep *s = &idx->s[mid];
		struct lpm_key sk = { { s->w[0], s->w[1] } };

		if (lpm_key_cmp(&sk, s->plen, k, plen) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

static void ridx_sep(const struct lpm_rib *rib, struct lpm_rib_sep *s,
		     const struct lpm_rib_page *pg)
{
	struct lpm_ent e;

	ent_get(rib, pg, 0, &e);
	s->w[0] = e.k.w[0];
	s->w[1] = e.k.w[1];
	s->plen = e.plen;
	s->pad = 0;
}

/* ---------------------------------------------------------- memory */

static struct lpm_rib_page *rpg_alloc(struct lpm_rib *rib, u32 n)
{
	struct lpm_rib_page *pg = lpm_kmalloc(rpg_bytes(rib, n));

	if (!pg)
		return NULL;
	pg->n = n;
	pg->pad = 0;
	rib->bytes += lpm_alloc_bytes(pg, rpg_bytes(rib, n));
	return pg;
}

static struct lpm_rib_index *ridx_alloc(struct lpm_rib *rib, u32 n)
{
	struct lpm_rib_index *idx = lpm_big_alloc(ridx_bytes(n), false);

	if (!idx)
		return NULL;
	idx->n = n;
	idx->pad = 0;
	rib->bytes += lpm_alloc_bytes(idx, ridx_bytes(n));
	return idx;
}

static void rpg_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct lpm_rib_page, rcu));
}

static void ridx_free(struct lpm_rib_index *idx)
{
	lpm_big_free(idx, ridx_bytes(idx->n));
}

static void ridx_free_rcu(struct rcu_head *head)
{
	ridx_free(container_of(head, struct lpm_rib_index, rcu));
}

/* Readers may still see @pg: free it after a grace period. */
static void rpg_retire(struct lpm_rib *rib, struct lpm_rib_page *pg)
{
	if (!pg)
		return;
	rib->bytes -= lpm_alloc_bytes(pg, rpg_bytes(rib, pg->n));
	call_rcu(&pg->rcu, rpg_free_rcu);
}

static void ridx_retire(struct lpm_rib *rib, struct lpm_rib_index *idx)
{
	if (!idx)
		return;
	rib->bytes -= lpm_alloc_bytes(idx, ridx_bytes(idx->n));
	call_rcu(&idx->rcu, ridx_free_rcu);
}

/* Never published: free at once. */
static void rpg_drop(struct lpm_rib *rib, struct lpm_rib_page *pg)
{
	if (!pg)
		return;
	rib->bytes -= lpm_alloc_bytes(pg, rpg_bytes(rib, pg->n));
	kfree(pg);
}

void csvx_lpm_rib_free(struct lpm_rib *rib)
{
	struct lpm_rib_index *idx = rcu_dereference_protected(rib->idx, 1);
	u32 i;

	if (!idx)
		return;
	for (i = 0; i < idx->n; i++)
		kfree(rcu_dereference_protected(idx->s[i].pg, 1));
	ridx_free(idx);
	RCU_INIT_POINTER(rib->idx, NULL);
	rib->bytes = 0;
	rib->count = 0;
}

/*
 * A new index: @idx with @del slots removed at @at and @add slots (whose
 * separators and pages the caller fills) inserted there.
 */
static struct lpm_rib_index *ridx_splice(struct lpm_rib *rib,
					 const struct lpm_rib_index *idx,
					 u32 at, u32 del, u32 add)
{
	u32 n = idx ? idx->n : 0;
	struct lpm_rib_index *ni;

	ni = ridx_alloc(rib, n - del + add);
	if (!ni)
		return NULL;
	if (at)
		memcpy(ni->s, idx->s, at * sizeof(ni->s[0]));
	if (n > at + del)
		memcpy(ni->s + at + add, idx->s + at + del,
		       (n - at - del) * sizeof(ni->s[0]));
	return ni;
}

static void ridx_set(struct lpm_rib_index *ni, u32 i, struct lpm_rib_page *pg)
{
	RCU_INIT_POINTER(ni->s[i].pg, pg);
}

/* ---------------------------------------------------------- changes */

static void rib_account(struct lpm_rib *rib, struct lpm_rib_undo *u,
			long dcount, long dwide)
{
	u->dcount = dcount;
	u->dwide = dwide;
	WRITE_ONCE(rib->count, rib->count + dcount);
	rib->nr_wide += dwide;
}

static void rpg_publish(struct lpm_rib_index *idx, u32 i,
			struct lpm_rib_page *old, struct lpm_rib_page *pg,
			struct lpm_rib_undo *u)
{
	u->in_place = true;
	u->at = i;
	u->old_pg[0] = old;
	u->new_pg[0] = pg;
	rcu_assign_pointer(idx->s[i].pg, pg);
}

static void ridx_publish(struct lpm_rib *rib, struct lpm_rib_index *old,
			 struct lpm_rib_index *ni, struct lpm_rib_undo *u)
{
	u->old_idx = old;
	u->new_idx = ni;
	rcu_assign_pointer(rib->idx, ni);
}

int csvx_lpm_rib_insert(struct lpm_rib *rib, const struct lpm_ent *e,
			u32 *old_nh, struct lpm_rib_undo *u)
{
	struct lpm_rib_index *idx = rib_deref(rib->idx), *ni;
	struct lpm_rib_page *pg, *np, *left, *right;
	long wide = e->nh > 0xffff;
	struct lpm_ent cur;
	u32 i, j, n, h;

	memset(u, 0, sizeof(*u));
	*old_nh = 0;
	if (!idx) {
		np = rpg_alloc(rib, 1);
		ni = np ? ridx_alloc(rib, 1) : NULL;
		if (!ni) {
			rpg_drop(rib, np);
			return -ENOMEM;
		}
		ent_put(rib, np, 0, e);
		memset(&ni->s[0], 0, sizeof(ni->s[0]));
		ridx_set(ni, 0, np);
		u->new_pg[0] = np;
		ridx_publish(rib, NULL, ni, u);
		rib_account(rib, u, 1, wide);
		return 0;
	}

	i = ridx_find(idx, &e->k, e->plen);
	pg = rib_deref(idx->s[i].pg);
	n = pg->n;
	j = rpg_bound(rib, pg, &e->k, e->plen);
	if (j < n) {
		ent_get(rib, pg, j, &cur);
		if (cur.plen == e->plen && !lpm_key_cmp(&cur.k, 0, &e->k, 0)) {
			*old_nh = cur.nh;
			if (cur.nh == e->nh)
				return 0;
			np = rpg_alloc(rib, n);
			if (!np)
				return -ENOMEM;
			ent_copy(rib, np, 0, pg, 0, n);
			ent_put(rib, np, j, e);
			rpg_publish(idx, i, pg, np, u);
			rib_account(rib, u, 0, wide - (cur.nh > 0xffff));
			return 0;
		}
	}

	if (n < rib->page_max) {
		np = rpg_alloc(rib, n + 1);
		if (!np)
			return -ENOMEM;
		ent_copy(rib, np, 0, pg, 0, j);
		ent_put(rib, np, j, e);
		ent_copy(rib, np, j + 1, pg, j, n - j);
		rpg_publish(idx, i, pg, np, u);
		rib_account(rib, u, 1, wide);
		return 0;
	}

	/*
	 * Split.  Appending past the last page keeps the full page as it is,
	 * so that routes loaded in order leave full pages behind.
	 */
	if (j == n && i == idx->n - 1) {
		left = NULL;
		right = rpg_alloc(rib, 1);
		ni = right ? ridx_splice(rib, idx, i + 1, 0, 1) : NULL;
		if (!ni) {
			rpg_drop(rib, right);
			return -ENOMEM;
		}
		ent_put(rib, right, 0, e);
		ridx_set(ni, i + 1, right);
		ridx_sep(rib, &ni->s[i + 1], right);
		u->new_pg[0] = right;
		ridx_publish(rib, idx, ni, u);
		rib_account(rib, u, 1, wide);
		return 0;
	}

	h = (n + 1) / 2;
	left = rpg_alloc(rib, h);
	right = left ? rpg_alloc(rib, n + 1 - h) : NULL;
	ni = right ? ridx_splice(rib, idx, i, 1, 2) : NULL;
	if (!ni) {
		rpg_drop(rib, left);
		rpg_drop(rib, right);
		return -ENOMEM;
	}
	/* Lay the n + 1 entries out over both pages, the new one at j. */
	{
		struct lpm_rib_page *dst;
		u32 k, src = 0, d;

		for (k = 0; k <= n; k++) {
			dst = k < h ? left : right;
			d = k < h ? k : k - h;
			if (k == j)
				ent_put(rib, dst, d, e);
			else
				ent_copy(rib, dst, d, pg, src++, 1);
		}
	}
	ni->s[i] = idx->s[i];
	ridx_set(ni, i, left);
	ridx_set(ni, i + 1, right);
	ridx_sep(rib, &ni->s[i + 1], right);
	u->old_pg[0] = pg;
	u->new_pg[0] = left;
	u->new_pg[1] = right;
	ridx_publish(rib, idx, ni, u);
	rib_account(rib, u, 1, wide);
	return 0;
}

int csvx_lpm_rib_delete(struct lpm_rib *rib, const struct lpm_key *k, u8 plen,
			u32 *old_nh, struct lpm_rib_undo *u)
{
	struct lpm_rib_index *idx = rib_deref(rib->idx), *ni;
	struct lpm_rib_page *pg, *np, *nb, *a, *b;
	struct lpm_ent cur;
	u32 i, j, n, at;

	memset(u, 0, sizeof(*u));
	*old_nh = 0;
	if (!idx)
		return -ENOENT;
	i = ridx_find(idx, k, plen);
	pg = rib_deref(idx->s[i].pg);
	n = pg->n;
	j = rpg_bound(rib, pg, k, plen);
	if (j >= n)
		return -ENOENT;
	ent_get(rib, pg, j, &cur);
	if (cur.plen != plen || lpm_key_cmp(&cur.k, 0, k, 0))
		return -ENOENT;
	*old_nh = cur.nh;

	if (n == 1) {
		ni = NULL;
		if (idx->n > 1) {
			ni = ridx_splice(rib, idx, i, 1, 0);
			if (!ni)
				return -ENOMEM;
		}
		u->old_pg[0] = pg;
		ridx_publish(rib, idx, ni, u);
		rib_account(rib, u, -1, -(long)(cur.nh > 0xffff));
		return 0;
	}

	/* Merge a thin page with a neighbour, so pages stay reasonably full. */
	nb = NULL;
	if (n - 1 < rib->page_max / 4) {
		if (i + 1 < idx->n) {
			nb = rib_deref(idx->s[i + 1].pg);
			at = i;
		}
		if ((!nb || n - 1 + nb->n > rib->page_max / 2) && i > 0) {
			nb = rib_deref(idx->s[i - 1].pg);
			at = i - 1;
		}
		if (nb && n - 1 + nb->n > rib->page_max / 2)
			nb = NULL;
	}
	if (nb) {
		a = at == i ? pg : nb;
		b = at == i ? nb : pg;
		np = rpg_alloc(rib, a->n + b->n - 1);
		ni = np ? ridx_splice(rib, idx, at, 2, 1) : NULL;
		if (!ni) {
			rpg_drop(rib, np);
			return -ENOMEM;
		}
		if (a == pg) {
			ent_copy(rib, np, 0, pg, 0, j);
			ent_copy(rib, np, j, pg, j + 1, n - j - 1);
			ent_copy(rib, np, n - 1, nb, 0, nb->n);
		} else {
			ent_copy(rib, np, 0, nb, 0, nb->n);
			ent_copy(rib, np, nb->n, pg, 0, j);
			ent_copy(rib, np, nb->n + j, pg, j + 1, n - j - 1);
		}
		ni->s[at] = idx->s[at];
		ridx_set(ni, at, np);
		u->old_pg[0] = pg;
		u->old_pg[1] = nb;
		u->new_pg[0] = np;
		ridx_publish(rib, idx, ni, u);
		rib_account(rib, u, -1, -(long)(cur.nh > 0xffff));
		return 0;
	}

	np = rpg_alloc(rib, n - 1);
	if (!np)
		return -ENOMEM;
	ent_copy(rib, np, 0, pg, 0, j);
	ent_copy(rib, np, j, pg, j + 1, n - j - 1);
	rpg_publish(idx, i, pg, np, u);
	rib_account(rib, u, -1, -(long)(cur.nh > 0xffff));
	return 0;
}

void csvx_lpm_rib_commit(struct lpm_rib *rib, struct lpm_rib_undo *u)
{
	rpg_retire(rib, u->old_pg[0]);
	rpg_retire(rib, u->old_pg[1]);
	ridx_retire(rib, u->old_idx);
	memset(u, 0, sizeof(*u));
}

void csvx_lpm_rib_undo(struct lpm_rib *rib, struct lpm_rib_undo *u)
{
	struct lpm_rib_index *idx;

	if (u->in_place) {
		idx = rib_deref(rib->idx);
		rcu_assign_pointer(idx->s[u->at].pg, u->old_pg[0]);
	} else if (u->new_idx || u->old_idx) {
		rcu_assign_pointer(rib->idx, u->old_idx);
	}
	/* Readers may have seen the new state: it goes after a grace period. */
	rpg_retire(rib, u->new_pg[0]);
	rpg_retire(rib, u->new_pg[1]);
	ridx_retire(rib, u->new_idx);
	WRITE_ONCE(rib->count, rib->count - u->dcount);
	rib->nr_wide -= u->dwide;
	memset(u, 0, sizeof(*u));
}

/* ---------------------------------------------------------- reading */

bool csvx_lpm_rib_seek(const struct lpm_rib *rib, struct lpm_rib_iter *it,
		       const struct lpm_key *k, u8 plen)
{
	const struct lpm_rib_index *idx = rib_deref(rib->idx);

	it->rib = rib;
	it->idx = idx;
	if (!idx || !idx->n)
		return false;
	it->i = ridx_find(idx, k, plen);
	it->pg = rib_deref(idx->s[it->i].pg);
	it->j = rpg_bound(rib, it->pg, k, plen);
	if (it->j < READ_ONCE(it->pg->n))
		return true;
	/* Every key of the next page is above the separator, so above @k. */
	if (it->i + 1 >= idx->n)
		return false;
	it->i++;
	it->j = 0;
	it->pg = rib_deref(idx->s[it->i].pg);
	return true;
}

bool csvx_lpm_rib_next(struct lpm_rib_iter *it)
{
	if (++it->j < READ_ONCE(it->pg->n))
		return true;
	if (it->i + 1 >= it->idx->n)
		return false;
	it->i++;
	it->j = 0;
	it->pg = rib_deref(it->idx->s[it->i].pg);
	return true;
}

void csvx_lpm_rib_read(const struct lpm_rib_iter *it, struct lpm_ent *e)
{
	ent_get(it->rib, it->pg, it->j, e);
}

u32 csvx_lpm_rib_get(const struct lpm_rib *rib, const struct lpm_key *k,
		     u8 plen)
{
	struct lpm_rib_iter it;
	struct lpm_ent e;

	if (!csvx_lpm_rib_seek(rib, &it, k, plen))
		return 0;
	csvx_lpm_rib_read(&it, &e);
	if (e.plen != plen || lpm_key_cmp(&e.k, 0, k, 0))
		return 0;
	return e.nh;
}

/* The entry just before where @it points, or the last one if @found is false. */
static bool rib_pred(const struct lpm_rib *rib, struct lpm_rib_iter *it,
		     bool found, struct lpm_ent *e)
{
	const struct lpm_rib_index *idx = it->idx;

	if (!idx || !idx->n)
		return false;
	if (!found) {
		it->i = idx->n - 1;
		it->pg = rib_deref(idx->s[it->i].pg);
		it->j = it->pg->n;
	}
	if (!it->j) {
		if (!it->i)
			return false;
		it->i--;
		it->pg = rib_deref(idx->s[it->i].pg);
		it->j = it->pg->n;
	}
	it->j--;
	ent_get(rib, it->pg, it->j, e);
	return true;
}

u32 csvx_lpm_rib_cover(const struct lpm_rib *rib, const struct lpm_key *k,
		       u8 plen)
{
	struct lpm_key x = lpm_key_mask(k, plen);
	struct lpm_rib_iter it;
	struct lpm_ent q;
	int d = plen, c, guard;

	/*
	 * Covering routes sort before x/d, the longest one last.  If the
	 * entry just before x/d covers it, that is the answer; if not, every
	 * cover also holds that entry's address, so it is at most as long as
	 * the bits both share: search again from there.  Each round moves
	 * back strictly, and usually the first or second round answers.
	 */
	for (guard = 0; d > 0 && guard < 2 * 128 + 2; guard++) {
		bool found = csvx_lpm_rib_seek(rib, &it, &x, d);

		if (!rib_pred(rib, &it, found, &q))
			return 0;
		if (q.plen < d && lpm_key_within(&x, &q.k, q.plen))
			return q.nh;
		c = lpm_key_cpl(&q.k, &x);
		if (c >= d)
			c = d - 1;	/* cannot happen; stay safe */
		x = lpm_key_mask(&x, c);
		d = c + 1;
		if (!c) {
			/* Only a default route can be left. */
			return csvx_lpm_rib_get(rib, &x, 0);
		}
	}
	WARN_ON_ONCE(d > 0);
	return 0;
}
