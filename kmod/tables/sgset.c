// SPDX-License-Identifier: GPL-2.0
/*
 * hash:ip and hash:net address sets (see sgset.h), and the namespace's
 * sets by name (sg.h).
 */
#include "sg_priv.h"

void csvx_addr_mask(const struct csvx_addr *addr, u8 plen, u32 *out)
{
	unsigned int i, words = addr->family == AF_INET ? 1 : 4;

	memset(out, 0, 4 * sizeof(u32));
	for (i = 0; i < words; i++, plen = plen > 32 ? plen - 32 : 0) {
		if (plen >= 32)
			out[i] = addr->w[i];
		else if (plen)
			out[i] = addr->w[i] &
				 (__force u32)cpu_to_be32(~0U << (32 - plen));
	}
}

bool csvx_addr_is_prefix(const struct csvx_addr *addr, u8 plen)
{
	u32 m[4];

	csvx_addr_mask(addr, plen, m);
	if (addr->family == AF_INET)
		return m[0] == addr->w[0];
	return !memcmp(m, addr->w, sizeof(m));
}

static u32 set_hash(const struct csvx_htab *h, u8 family, const u32 *a,
		    u8 plen)
{
	return csvx_sg_hash(h, family == AF_INET ? 1 : 4, a, plen);
}

static struct csvx_set_data *data_w(const struct csvx_set *set)
{
	return rcu_dereference_protected(set->data, true);
}

/* ------------------------------------------------------------- index */

void csvx_sgidx_init(struct csvx_sgidx *idx)
{
	memset(idx, 0, sizeof(*idx));
	csvx_htab_init(&idx->h[0]);
	csvx_htab_init(&idx->h[1]);
}

void csvx_sgidx_destroy(struct csvx_sgidx *idx)
{
	WARN_ON_ONCE(idx->h[0].count || idx->h[1].count);
	csvx_htab_destroy(&idx->h[0]);
	csvx_htab_destroy(&idx->h[1]);
}

size_t csvx_sgidx_memory(const struct csvx_sgidx *idx)
{
	return csvx_htab_memory(&idx->h[0]) + csvx_htab_memory(&idx->h[1]);
}

static void index_add(struct csvx_sgidx *idx, int fam,
		      const struct csvx_set_data *d, struct csvx_set_member *m)
{
	u8 plen = m->plen;

	memcpy(m->iaddr, m->addr, sizeof(m->iaddr));
	m->data = d;
	m->inode.user = plen;
	csvx_htab_insert(&idx->h[fam], &m->inode,
			 csvx_sgidx_hash(&idx->h[fam], fam, m->iaddr, plen));
	/* In place before readers are told to probe its length. */
	if (!idx->lencnt[fam][plen]++)
		WRITE_ONCE(idx->lens[fam][plen / 64],
			   idx->lens[fam][plen / 64] | 1ULL << (plen % 64));
}

static void index_del(struct csvx_sgidx *idx, int fam,
		      struct csvx_set_member *m)
{
	u8 plen = m->plen;

	if (!--idx->lencnt[fam][plen])
		WRITE_ONCE(idx->lens[fam][plen / 64],
			   idx->lens[fam][plen / 64] & ~(1ULL << (plen % 64)));
	csvx_htab_remove(&idx->h[fam], &m->inode);
}

/* Every member of @d out of @idx (the caller waits before freeing them). */
static void data_unindex(struct csvx_sgidx *idx, int fam,
			 struct csvx_set_data *d)
{
	struct csvx_hnode *n;
	u32 i = 0;

	if (!idx)
		return;
	for (n = rcu_dereference_protected(d->h.head, true); n;
	     n = rcu_dereference_protected(n->next, true)) {
		index_del(idx, fam, container_of(n, struct csvx_set_member,
						 node));
		if (!(++i % 4096))
			cond_resched();
	}
}

static int set_fam(const struct csvx_set *set)
{
	return set->family == AF_INET6;
}

void csvx_set_index(struct csvx_set *set, struct csvx_sgidx *idx)
{
	WARN_ON_ONCE(set->idx || data_w(set)->h.count);
	set->idx = idx;
}

void csvx_set_unindex(struct csvx_set *set)
{
	data_unindex(set->idx, set_fam(set), data_w(set));
	set->idx = NULL;
}

static struct csvx_set_data *set_data_alloc(u32 maxelem)
{
	struct csvx_set_data *d = kzalloc(sizeof(*d), GFP_KERNEL_ACCOUNT);

	if (!d)
		return NULL;
	csvx_htab_init(&d->h);
	d->maxelem = maxelem;
	return d;
}

/* Frees contents no reader can see any more. */
static void set_data_free(struct csvx_set_data *d)
{
	struct csvx_hnode *n, *next;
	u32 i = 0;

	if (!d)
		return;
	for (n = rcu_dereference_protected(d->h.head, true); n; n = next) {
		next = rcu_dereference_protected(n->next, true);
		kfree(container_of(n, struct csvx_set_member, node));
		if (!(++i % 4096))
			cond_resched();
	}
	csvx_htab_destroy(&d->h);
	kfree(d);
}

struct csvx_set *csvx_set_alloc(const char *name, u8 type, u8 family,
				u32 maxelem, const char **msg)
{
	struct csvx_set *set;

	if (type != CSVX_SET_HASH_IP && type != CSVX_SET_HASH_NET) {
		*msg = "set type must be hash:ip or hash:net";
		return NULL;
	}
	if (family != AF_INET && family != AF_INET6) {
		*msg = "set family must be inet or inet6";
		return NULL;
	}
	if (!maxelem) {
		*msg = "maxelem must be at least 1";
		return NULL;
	}
	set = kzalloc(sizeof(*set), GFP_KERNEL_ACCOUNT);
	if (!set)
		goto nomem;
	RCU_INIT_POINTER(set->data, set_data_alloc(maxelem));
	if (!rcu_access_pointer(set->data)) {
		kfree(set);
		goto nomem;
	}
	set->type = type;
	set->family = family;
	strscpy(set->name, name, sizeof(set->name));
	return set;
nomem:
	*msg = "out of memory";
	return NULL;
}

void csvx_set_free(struct csvx_set *set)
{
	if (!set)
		return;
	csvx_set_unindex(set);
	set_data_free(data_w(set));
	kfree(set);
}

static struct csvx_set_member *data_find(const struct csvx_set_data *d,
					 u8 family, const u32 *a, u8 plen)
{
	u32 hash = set_hash(&d->h, family, a, plen);
	struct csvx_set_member *m;
	struct csvx_hprobe pr;
	struct csvx_hnode *n;

	csvx_htab_for_each_possible(&d->h, n, hash, &pr) {
		m = container_of(n, struct csvx_set_member, node);
		if (m->plen != plen)
			continue;
		if (family == AF_INET ? m->addr[0] == a[0] :
		    !memcmp(m->addr, a, sizeof(m->addr)))
			return m;
	}
	return NULL;
}

int csvx_set_check_member(const struct csvx_set *set,
			  const struct csvx_addr *addr, u8 plen,
			  const char **msg)
{
	if (addr->family != set->family) {
		*msg = "address family does not match the set's";
		return -EINVAL;
	}
	if (plen > csvx_family_bits(set->family)) {
		*msg = "prefix length too long for the family";
		return -EINVAL;
	}
	if (set->type == CSVX_SET_HASH_IP &&
	    plen != csvx_family_bits(set->family)) {
		*msg = "a hash:ip set takes addresses, not prefixes";
		return -EINVAL;
	}
	if (!csvx_addr_is_prefix(addr, plen)) {
		*msg = "prefix has host bits set";
		return -EINVAL;
	}
	return 0;
}

struct csvx_set_member *csvx_set_find(const struct csvx_set *set,
				      const struct csvx_addr *addr, u8 plen)
{
	const struct csvx_set_data *d = rcu_dereference_raw(set->data);
	u32 a[4];

	if (addr->family != set->family ||
	    plen > csvx_family_bits(set->family))
		return NULL;
	csvx_addr_mask(addr, plen, a);
	return data_find(d, set->family, a, plen);
}

struct csvx_set_member *csvx_set_match(const struct csvx_set *set,
				       const struct csvx_addr *addr)
{
	const struct csvx_set_data *d = rcu_dereference_raw(set->data);
	struct csvx_set_member *m;
	int w, bit;
	u64 bits;
	u32 a[4];

	if (addr->family != set->family)
		return NULL;
	if (set->type == CSVX_SET_HASH_IP)
		return data_find(d, set->family, addr->w,
				 csvx_family_bits(set->family));
	for (w = CSVX_PLEN_WORDS - 1; w >= 0; w--) {
		bits = READ_ONCE(d->lens[w]);
		while (bits) {
			bit = fls64(bits) - 1;
			bits &= ~(1ULL << bit);
			csvx_addr_mask(addr, w * 64 + bit, a);
			m = data_find(d, set->family, a, w * 64 + bit);
			if (m)
				return m;
		}
	}
	return NULL;
}

int csvx_set_add(struct csvx_set *set, const struct csvx_addr *addr, u8 plen,
		 bool ref, const char **msg)
{
	struct csvx_set_data *d = data_w(set);
	struct csvx_set_member *m;
	int err;

	err = csvx_set_check_member(set, addr, plen, msg);
	if (err)
		return err;
	m = data_find(d, set->family, addr->w, plen);
	if (m) {
		if (!ref) {
			*msg = "member exists already";
			return -EEXIST;
		}
		m->node.user++;
		return 0;
	}
	if (d->h.count >= d->maxelem) {
		*msg = "set is full (maxelem)";
		return -ENOSPC;
	}
	m = kzalloc(sizeof(*m), GFP_KERNEL_ACCOUNT);
	if (!m) {
		*msg = "out of memory";
		return -ENOMEM;
	}
	memcpy(m->addr, addr->w, sizeof(m->addr));
	if (addr->family == AF_INET)
		memset(&m->addr[1], 0, 3 * sizeof(u32));
	m->plen = plen;
	m->node.user = 1;
	csvx_htab_insert(&d->h, &m->node, set_hash(&d->h, set->family,
						   m->addr, plen));
	if (set->idx)
		index_add(set->idx, set_fam(set), d, m);
	/* The member is in place before readers are told to probe its length. */
	if (!d->lencnt[plen]++)
		WRITE_ONCE(d->lens[plen / 64],
			   d->lens[plen / 64] | 1ULL << (plen % 64));
	return 0;
}

int csvx_set_del(struct csvx_set *set, const struct csvx_addr *addr, u8 plen,
		 bool ref, const char **msg)
{
	struct csvx_set_data *d = data_w(set);
	struct csvx_set_member *m;
	int err;

	err = csvx_set_check_member(set, addr, plen, msg);
	if (err)
		return err;
	m = data_find(d, set->family, addr->w, plen);
	if (!m) {
		*msg = "no such member";
		return -ENOENT;
	}
	if (ref && --m->node.user)
		return 0;
	if (!--d->lencnt[plen])
		WRITE_ONCE(d->lens[plen / 64],
			   d->lens[plen / 64] & ~(1ULL << (plen % 64)));
	if (set->idx)
		index_del(set->idx, set_fam(set), m);
	csvx_htab_remove(&d->h, &m->node);
	kfree_rcu(m, rcu);
	return 0;
}

u32 csvx_set_count(const struct csvx_set *set)
{
	return rcu_dereference_raw(set->data)->h.count;
}

u32 csvx_set_maxelem(const struct csvx_set *set)
{
	return rcu_dereference_raw(set->data)->maxelem;
}

int csvx_set_set_maxelem(struct csvx_set *set, u32 maxelem, const char **msg)
{
	struct csvx_set_data *d = data_w(set);

	if (!maxelem || maxelem < d->h.count) {
		*msg = "maxelem is below the number of members";
		return -EBUSY;
	}
	d->maxelem = maxelem;
	return 0;
}

int csvx_set_flush(struct csvx_set *set)
{
	struct csvx_set_data *old = data_w(set), *d;
	int n = old->h.count;

	if (!n)
		return 0;
	d = set_data_alloc(old->maxelem);
	if (!d)
		return -ENOMEM;
	rcu_assign_pointer(set->data, d);
	/* A packet may hold an old member it found in the index. */
	data_unindex(set->idx, set_fam(set), old);
	synchronize_rcu();
	set_data_free(old);
	return n;
}

int csvx_set_swap(struct csvx_set *a, struct csvx_set *b, const char **msg)
{
	struct csvx_set_data *da = data_w(a), *db = data_w(b);

	if (a->type != b->type || a->family != b->family) {
		*msg = "sets of different types or families cannot be swapped";
		return -EINVAL;
	}
	if (a->idx != b->idx) {
		*msg = "sets of different namespaces cannot be swapped";
		return -EINVAL;
	}
	rcu_assign_pointer(a->data, db);
	rcu_assign_pointer(b->data, da);
	return 0;
}

int csvx_set_walk(const struct csvx_set *set, struct csvx_htab_pos *pos,
		  int (*fn)(const struct csvx_set *,
			    const struct csvx_set_member *, void *),
		  void *arg)
{
	const struct csvx_set_data *d = rcu_dereference_raw(set->data);
	struct csvx_htab_iter it;
	int ret;

	for (csvx_htab_iter_start(&d->h, pos, &it); it.node;
	     csvx_htab_iter_next(&it)) {
		ret = fn(set, container_of(it.node, struct csvx_set_member,
					   node), arg);
		if (ret) {
			*pos = it.pos;
			return ret;
		}
	}
	return 0;
}

size_t csvx_set_memory(const struct csvx_set *set)
{
	const struct csvx_set_data *d = rcu_dereference_raw(set->data);

	return sizeof(*set) + sizeof(*d) + csvx_htab_memory(&d->h) +
	       (size_t)d->h.count * sizeof(struct csvx_set_member);
}

/* ------------------------------------------------------ sets by name */

struct csvx_set *csvx_sgset_lookup(struct csvx_sgs *sgs, const char *name)
{
	u32 hash = sg_name_hash(&sgs->sets, name);
	struct csvx_set *set;
	struct csvx_hprobe pr;
	struct csvx_hnode *n;

	csvx_htab_for_each_possible(&sgs->sets, n, hash, &pr) {
		set = container_of(n, struct csvx_set, node);
		if (!strcmp(set->name, name))
			return set;
	}
	return NULL;
}

static struct csvx_set *set_get(struct csvx_sgs *sgs, const char *name,
				const char **msg)
{
	struct csvx_set *set = csvx_sgset_lookup(sgs, name);

	if (!set)
		*msg = "no such set";
	return set;
}

int csvx_sgset_add(struct csvx_sgs *sgs, const char *name, u8 type,
		   u8 family, u32 maxelem, bool replace, const char **msg)
{
	struct csvx_set *set;
	int err;

	err = sg_check_name(name, CSVX_SET_NAME_MAX, msg);
	if (err)
		return err;
	set = csvx_sgset_lookup(sgs, name);
	if (set) {
		if (!replace) {
			*msg = "set exists already";
			return -EEXIST;
		}
		if (set->type != type || set->family != family) {
			*msg = "the type and family of a set cannot change";
			return -EINVAL;
		}
		if (maxelem) {
			err = csvx_set_set_maxelem(set, maxelem, msg);
			if (err)
				return err;
		}
		sgs->t->gen++;
		return 0;
	}
	if (type != CSVX_SET_HASH_IP && type != CSVX_SET_HASH_NET) {
		*msg = "set type must be hash:ip or hash:net";
		return -EINVAL;
	}
	if (family != AF_INET && family != AF_INET6) {
		*msg = "set family must be inet or inet6";
		return -EINVAL;
	}
	if (sg_limit_reached(sgs, CSVX_PARAM_MAX_SETS)) {
		*msg = "too many sets (max-sets)";
		return -ENOSPC;
	}
	set = csvx_set_alloc(name, type, family,
			     maxelem ?: CSVX_SET_DEFAULT_MAXELEM, msg);
	if (!set)
		return -ENOMEM;
	csvx_set_index(set, &sgs->idx);
	csvx_htab_insert(&sgs->sets, &set->node, sg_name_hash(&sgs->sets, name));
	sgs->t->count[CSVX_PARAM_MAX_SETS]++;
	sgs->t->gen++;
	return 0;
}

int csvx_sgset_del(struct csvx_sgs *sgs, const char *name, const char **msg)
{
	struct csvx_set *set = set_get(sgs, name, msg);

	if (!set)
		return -ENOENT;
	if (set->refs) {
		*msg = "set is in use by a rule";
		return -EBUSY;
	}
	/* No classifier that names it may be left in use. */
	if (csvx_sgs_commit(sgs)) {
		*msg = "out of memory";
		return -ENOMEM;
	}
	csvx_htab_remove(&sgs->sets, &set->node);
	sgs->t->count[CSVX_PARAM_MAX_SETS]--;
	sgs->t->count[CSVX_PARAM_MAX_SET_MEMBERS] -= csvx_set_count(set);
	sgs->t->gen++;
	csvx_set_unindex(set);
	/* A classifier that named it, or a member of it found in the index,
	 * may still be read by a packet.
	 */
	synchronize_rcu();
	csvx_set_free(set);
	return 0;
}

int csvx_sgset_member_add(struct csvx_sgs *sgs, const char *name,
			  const struct csvx_addr *addr, u8 plen, bool exist_ok,
			  const char **msg)
{
	struct csvx_set *set = set_get(sgs, name, msg);
	int err;

	if (!set)
		return -ENOENT;
	err = csvx_set_check_member(set, addr, plen, msg);
	if (err)
		return err;
	if (!csvx_set_find(set, addr, plen) &&
	    sg_limit_reached(sgs, CSVX_PARAM_MAX_SET_MEMBERS)) {
		*msg = "too many set members (max-set-members)";
		return -ENOSPC;
	}
	err = csvx_set_add(set, addr, plen, false, msg);
	if (err == -EEXIST && exist_ok)
		return 1;
	if (err)
		return err;
	sgs->t->count[CSVX_PARAM_MAX_SET_MEMBERS]++;
	sgs->t->gen++;
	return 0;
}

int csvx_sgset_member_del(struct csvx_sgs *sgs, const char *name,
			  const struct csvx_addr *addr, u8 plen,
			  const char **msg)
{
	struct csvx_set *set = set_get(sgs, name, msg);
	int err;

	if (!set)
		return -ENOENT;
	err = csvx_set_del(set, addr, plen, false, msg);
	if (err)
		return err;
	sgs->t->count[CSVX_PARAM_MAX_SET_MEMBERS]--;
	sgs->t->gen++;
	return 0;
}

int csvx_sgset_flush(struct csvx_sgs *sgs, const char *name,
		     const char **msg)
{
	struct csvx_set *set = set_get(sgs, name, msg);
	int n;

	if (!set)
		return -ENOENT;
	n = csvx_set_flush(set);
	if (n < 0) {
		*msg = "out of memory";
		return n;
	}
	sgs->t->count[CSVX_PARAM_MAX_SET_MEMBERS] -= n;
	sgs->t->gen++;
	return n;
}

int csvx_sgset_swap(struct csvx_sgs *sgs, const char *a, const char *b,
		    const char **msg)
{
	struct csvx_set *sa = set_get(sgs, a, msg), *sb;
	int err;

	if (!sa)
		return -ENOENT;
	sb = set_get(sgs, b, msg);
	if (!sb) {
		*msg = "no such set (the second one)";
		return -ENOENT;
	}
	if (sa == sb) {
		*msg = "a set cannot be swapped with itself";
		return -EINVAL;
	}
	err = csvx_set_swap(sa, sb, msg);
	if (!err)
		sgs->t->gen++;
	return err;
}

int csvx_sgset_walk(struct csvx_sgs *sgs, struct csvx_cursor *c,
		    int (*fn)(const struct csvx_set *, void *), void *arg)
{
	struct csvx_htab_iter it;
	struct csvx_htab_pos pos;
	int ret;

	sg_pos_get(c, 0, &pos);
	for (csvx_htab_iter_start(&sgs->sets, &pos, &it); it.node;
	     csvx_htab_iter_next(&it)) {
		ret = fn(container_of(it.node, struct csvx_set, node), arg);
		if (ret) {
			sg_pos_put(c, 0, &it.pos);
			return ret;
		}
	}
	return 0;
}

int csvx_sgset_member_walk(struct csvx_sgs *sgs, const struct csvx_set *set,
			   struct csvx_cursor *c,
			   int (*fn)(const struct csvx_set *,
				     const struct csvx_set_member *, void *),
			   void *arg)
{
	struct csvx_htab_pos pos, mpos;
	struct csvx_htab_iter it;
	int ret;

	sg_pos_get(c, 2, &mpos);
	if (set) {
		ret = csvx_set_walk(set, &mpos, fn, arg);
		sg_pos_put(c, 2, &mpos);
		return ret;
	}
	sg_pos_get(c, 0, &pos);
	for (csvx_htab_iter_start(&sgs->sets, &pos, &it); it.node;
	     csvx_htab_iter_next(&it)) {
		set = container_of(it.node, struct csvx_set, node);
		ret = csvx_set_walk(set, &mpos, fn, arg);
		if (ret) {
			sg_pos_put(c, 0, &it.pos);
			sg_pos_put(c, 2, &mpos);
			return ret;
		}
		memset(&mpos, 0, sizeof(mpos));
	}
	return 0;
}
