// SPDX-License-Identifier: GPL-2.0
/*
 * The FDB: remote (and local) MACs of each VNI with their IPs, EVPN type-2
 * routes, and the MAC mobility rules that decide between two of them.
 *
 * One allocation per MAC holds everything: the entry, whose first cache
 * line is all a lookup by (VNI, MAC) reads; its node in the VNI's own index
 * (so a VNI is flushed, deleted or dumped in time proportional to its own
 * entries); its IPs; and after them one node per IP in the (VNI, IP) index
 * used for ARP/ND suppression.  An IP node's @user field says which IP it
 * is and how many the entry has, which is enough to find the entry.
 *
 * Entries are never written once published: an update publishes a new
 * entry in place of the old in all three indexes, and frees the old one
 * after a grace period.
 */
#include "tables_priv.h"

static_assert(offsetof(struct csvx_fdb, vnode) == L1_CACHE_BYTES,
	      "a lookup must find hash, key and result in one cache line");

static size_t fdb_ipn_off(u32 nr_ips)
{
	return ALIGN(offsetof(struct csvx_fdb, ips) +
		     nr_ips * sizeof(struct csvx_addr),
		     __alignof__(struct csvx_hnode));
}

/* Whole cache lines: kmalloc then aligns the entry to one. */
static size_t fdb_size(u32 nr_ips)
{
	return ALIGN(fdb_ipn_off(nr_ips) + nr_ips * sizeof(struct csvx_hnode),
		     L1_CACHE_BYTES);
}

static struct csvx_hnode *fdb_ipn(const struct csvx_fdb *f)
{
	return (struct csvx_hnode *)((char *)f + fdb_ipn_off(f->nr_ips));
}

static struct csvx_fdb *ipn_fdb(const struct csvx_hnode *n)
{
	u32 i = n->user & 0xff, nr = n->user >> 8;

	return (struct csvx_fdb *)((char *)(n - i) - fdb_ipn_off(nr));
}

/*
 * Every frame the VTEPs send looks up its (VNI, MAC), so this hash is on
 * the fast path's critical path: jhash with the table's random seed, as
 * the kernel's bridge hashes the MACs it learns from any sender
 * (rhashtable), rather than SipHash, whose rounds cost a lookup loop a
 * third of its speed.  The entries are programmed by the control plane,
 * under a limit; a hash chosen to collide only lengthens a run, whose
 * first five nodes are still one line away.
 */
static __always_inline u32 fdb_hash(const struct csvx_htab *h, u32 vni,
				    const u8 *mac)
{
	u32 lo;
	u16 hi;

	memcpy(&lo, mac, 4);
	memcpy(&hi, mac + 4, 2);
	return jhash_3words(vni, lo, hi, csvx_htab_seed(h));
}

/* IPv4 takes the fixed-size hash: it is what ARP suppression asks most. */
static u32 fdb_ip_hash(const struct csvx_htab *h, u32 vni,
		       const struct csvx_addr *ip)
{
	struct {
		u32 vni;
		u32 w[4];
	} key = { .vni = vni };

	if (ip->family == AF_INET)
		return csvx_htab_hash3(h, vni, AF_INET, (__force u32)ip->ip4);
	memcpy(key.w, ip->w, sizeof(key.w));
	return csvx_htab_hash(h, &key, sizeof(key));
}

static __always_inline bool fdb_key_eq(const struct csvx_fdb *f, u32 vni,
				       const u8 *mac)
{
	u32 a0, b0;
	u16 a1, b1;

	/* one branch for VNI and MAC: csvx_mac_eq() with the VNI in it */
	memcpy(&a0, f->mac, 4);
	memcpy(&b0, mac, 4);
	memcpy(&a1, f->mac + 4, 2);
	memcpy(&b1, mac + 4, 2);
	return !((f->vni ^ vni) | (a0 ^ b0) | (a1 ^ b1));
}

static noinline struct csvx_fdb *fdb_find(const struct csvx_htab *h, u32 vni,
					  const u8 *mac, u32 hash)
{
	struct csvx_hprobe pr;
	struct csvx_hnode *n;

	csvx_htab_for_each_possible(h, n, hash, &pr) {
		struct csvx_fdb *f = container_of(n, struct csvx_fdb, node);

		if (fdb_key_eq(f, vni, mac))
			return f;
	}
	return NULL;
}

/*
 * Every frame's lookup: the hash, the node of the first matching tag and
 * the compare, inline in one function with no probe state, so that a
 * lookup is few instructions (a loop of them keeps more in flight while
 * each waits for its two cache lines); anything else (a miss, a second
 * candidate, a long run) is the full probe of fdb_find(), which reads the
 * bucket line again, from the L1 by then.
 */
struct csvx_fdb *csvx_fdb_lookup(struct csvx_tables *t, u32 vni,
				 const u8 *mac)
{
	const struct csvx_htab *h = &t->priv->fdb;
	u32 hash = fdb_hash(h, vni, mac);
	struct csvx_hnode *n = csvx_htab_first(h, hash);
	struct csvx_fdb *f = container_of(n, struct csvx_fdb, node);

	if (likely(n && fdb_key_eq(f, vni, mac)))
		return f;
	return fdb_find(h, vni, mac, hash);
}

struct csvx_fdb *csvx_fdb_lookup_ip(struct csvx_tables *t, u32 vni,
				    const struct csvx_addr *ip)
{
	const struct csvx_htab *h = &t->priv->fdb_ip;
	u32 hash = fdb_ip_hash(h, vni, ip);
	struct csvx_hprobe pr;
	struct csvx_hnode *n;

	csvx_htab_for_each_possible(h, n, hash, &pr) {
		struct csvx_fdb *f = ipn_fdb(n);

		if (f->vni == vni &&
		    csvx_addr_equal(&f->ips[n->user & 0xff], ip))
			return f;
	}
	return NULL;
}

static int fdb_check(const struct csvx_fdb_spec *spec, const char **msg)
{
	int i, j;

	if (!csvx_mac_valid(spec->mac)) {
		*msg = "MAC must be unicast and non-zero";
		return -EINVAL;
	}
	if (spec->remote.family && !csvx_addr_unicast(&spec->remote)) {
		*msg = "remote VTEP must be a unicast IPv4 or IPv6 address";
		return -EINVAL;
	}
	if (spec->flags & ~CSVX_F_STICKY) {
		*msg = "unknown FDB flag";
		return -EINVAL;
	}
	if (spec->nr_ips > CSVX_FDB_MAX_IPS) {
		*msg = "too many IPs for one MAC (at most 8)";
		return -EINVAL;
	}
	for (i = 0; i < spec->nr_ips; i++) {
		if (!csvx_addr_unicast(&spec->ips[i])) {
			*msg = "an IP of a MAC must be a unicast IPv4 or IPv6 address";
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (csvx_addr_equal(&spec->ips[i], &spec->ips[j])) {
				*msg = "an IP is listed twice";
				return -EINVAL;
			}
		}
	}
	return 0;
}

static struct csvx_fdb *fdb_alloc(struct csvx_tables *t,
				  const struct csvx_fdb_spec *spec)
{
	struct csvx_hnode *ipn;
	struct csvx_fdb *f;
	int i;

	f = kzalloc(fdb_size(spec->nr_ips), GFP_KERNEL_ACCOUNT);
	if (!f)
		return NULL;
	f->vni = spec->vni;
	memcpy(f->mac, spec->mac, ETH_ALEN);
	f->nr_ips = spec->nr_ips;
	csvx_addr_norm(&f->remote, &spec->remote);
	f->seq = spec->seq;
	f->flags = spec->flags;
	ipn = fdb_ipn(f);
	for (i = 0; i < f->nr_ips; i++) {
		csvx_addr_norm(&f->ips[i], &spec->ips[i]);
		ipn[i].user = i | f->nr_ips << 8;
	}
	csvx_mem_add(t, fdb_size(f->nr_ips));
	return f;
}

static void fdb_free(struct csvx_tables *t, struct csvx_fdb *f)
{
	csvx_mem_sub(t, fdb_size(f->nr_ips));
	kfree_rcu(f, rcu);
}

/* @f's IPs go into the index; those also in @old take over its nodes. */
static void fdb_ips_link(struct csvx_tables *t, struct csvx_fdb *f,
			 struct csvx_fdb *old)
{
	struct csvx_htab *h = &t->priv->fdb_ip;
	struct csvx_hnode *ipn = fdb_ipn(f), *oipn = NULL;
	u32 taken = 0;
	int i, j;

	if (old)
		oipn = fdb_ipn(old);
	for (i = 0; i < f->nr_ips; i++) {
		for (j = 0; old && j < old->nr_ips; j++)
			if (csvx_addr_equal(&old->ips[j], &f->ips[i]))
				break;
		if (old && j < old->nr_ips) {
			csvx_htab_replace(h, &oipn[j], &ipn[i]);
			taken |= 1U << j;
		} else {
			csvx_htab_insert(h, &ipn[i],
					 fdb_ip_hash(h, f->vni, &f->ips[i]));
		}
	}
	for (j = 0; old && j < old->nr_ips; j++)
		if (!(taken & (1U << j)))
			csvx_htab_remove(h, &oipn[j]);
}

static void fdb_ips_unlink(struct csvx_tables *t, struct csvx_fdb *f)
{
	struct csvx_hnode *ipn = fdb_ipn(f);
	int i;

	for (i = 0; i < f->nr_ips; i++)
		csvx_htab_remove(&t->priv->fdb_ip, &ipn[i]);
}

int csvx_fdb_update(struct csvx_tables *t, const struct csvx_fdb_spec *spec,
		    bool replace, const char **msg)
{
	struct csvx_tables_priv *p = t->priv;
	struct csvx_fdb *old, *f, *owner;
	struct csvx_vni *v;
	u32 hash;
	int err, i;

	err = fdb_check(spec, msg);
	if (err)
		return err;
	v = csvx_vni_lookup(t, spec->vni);
	if (!v) {
		*msg = "VNI does not exist";
		return -ENOENT;
	}
	hash = fdb_hash(&p->fdb, spec->vni, spec->mac);
	old = fdb_find(&p->fdb, spec->vni, spec->mac, hash);
	if (old) {
		if (!replace && spec->seq == old->seq) {
			*msg = "MAC exists with the same sequence number";
			return -EEXIST;
		}
		if (!replace && spec->seq < old->seq) {
			*msg = "sequence number is lower than the stored one (use replace)";
			return -ESTALE;
		}
		if ((old->flags & CSVX_F_STICKY) &&
		    !csvx_addr_equal(&old->remote, &spec->remote)) {
			*msg = "MAC is sticky and cannot move to another VTEP";
			return -EPERM;
		}
	} else if (csvx_full(t, CSVX_PARAM_MAX_FDB)) {
		*msg = "too many FDB entries (max-fdb)";
		return -ENOSPC;
	}
	for (i = 0; i < spec->nr_ips; i++) {
		owner = csvx_fdb_lookup_ip(t, spec->vni, &spec->ips[i]);
		if (owner && owner != old) {
			*msg = "IP belongs to another MAC of the VNI";
			return -EEXIST;
		}
	}

	f = fdb_alloc(t, spec);
	if (!f) {
		*msg = "out of memory";
		return -ENOMEM;
	}
	if (old) {
		csvx_htab_replace(&p->fdb, &old->node, &f->node);
		csvx_htab_replace(&v->fdb, &old->vnode, &f->vnode);
		fdb_ips_link(t, f, old);
		fdb_free(t, old);
	} else {
		csvx_htab_insert(&p->fdb, &f->node, hash);
		csvx_htab_insert(&v->fdb, &f->vnode, hash);
		fdb_ips_link(t, f, NULL);
		t->count[CSVX_PARAM_MAX_FDB]++;
		v->nr_fdb++;
	}
	csvx_changed(t);
	return 0;
}

int csvx_fdb_del(struct csvx_tables *t, u32 vni, const u8 *mac,
		 const char **msg)
{
	struct csvx_tables_priv *p = t->priv;
	struct csvx_vni *v = csvx_vni_lookup(t, vni);
	struct csvx_fdb *f;

	if (!v) {
		*msg = "VNI does not exist";
		return -ENOENT;
	}
	f = mac ? csvx_fdb_lookup(t, vni, mac) : NULL;
	if (!f) {
		*msg = "MAC is not in the VNI's FDB";
		return -ENOENT;
	}
	csvx_htab_remove(&p->fdb, &f->node);
	csvx_htab_remove(&v->fdb, &f->vnode);
	fdb_ips_unlink(t, f);
	fdb_free(t, f);
	t->count[CSVX_PARAM_MAX_FDB]--;
	v->nr_fdb--;
	csvx_changed(t);
	return 0;
}

/*
 * Drops the VNI's own index whole, then runs down the list it held (its
 * links stay).  In that order: an entry freed while still reachable from
 * the index could be met by a reader that started after the free began
 * its grace period (a walk of the VNI, csvx_fdb_walk()).
 */
u32 csvx_fdb_flush_vni(struct csvx_tables *t, struct csvx_vni *v)
{
	struct csvx_tables_priv *p = t->priv;
	struct csvx_hnode *n, *next;
	u32 nr = 0;

	n = rcu_dereference_protected(v->fdb.head, true);
	csvx_htab_clear(&v->fdb);
	for (; n; n = next) {
		struct csvx_fdb *f = container_of(n, struct csvx_fdb, vnode);

		next = rcu_dereference_protected(n->next, true);
		csvx_htab_remove(&p->fdb, &f->node);
		fdb_ips_unlink(t, f);
		fdb_free(t, f);
		nr++;
	}
	t->count[CSVX_PARAM_MAX_FDB] -= nr;
	v->nr_fdb = 0;
	if (nr)
		csvx_changed(t);
	return nr;
}

u32 csvx_fdb_flush(struct csvx_tables *t, u32 vni)
{
	struct csvx_vni *v = csvx_vni_lookup(t, vni);

	return v ? csvx_fdb_flush_vni(t, v) : 0;
}

int csvx_fdb_walk(struct csvx_tables *t, u32 vni, struct csvx_cursor *c,
		  int (*fn)(const struct csvx_fdb *, void *), void *arg)
{
	const struct csvx_htab *h = &t->priv->fdb;
	struct csvx_htab_iter it;
	struct csvx_walk_pos w;
	struct csvx_vni *v;
	int ret = 0;

	csvx_cursor_load(&w, c);
	if (w.done)
		return 0;
	rcu_read_lock();
	if (vni) {
		v = csvx_vni_lookup(t, vni);
		h = v ? &v->fdb : NULL;
	}
	it.node = NULL;
	if (h)
		csvx_htab_iter_start(h, &w.pos, &it);
	for (; it.node; csvx_htab_iter_next(&it)) {
		const struct csvx_fdb *f;

		if (vni)
			f = container_of(it.node, struct csvx_fdb, vnode);
		else
			f = container_of(it.node, struct csvx_fdb, node);
		ret = fn(f, arg);
		if (ret) {
			w.pos = it.pos;
			break;
		}
	}
	rcu_read_unlock();
	w.done = !ret;
	csvx_cursor_store(c, &w);
	return ret;
}

void csvx_fdb_destroy(struct csvx_tables *t)
{
	struct csvx_hnode *n, *next;

	for (n = rcu_dereference_protected(t->priv->fdb.head, true); n;
	     n = next) {
		next = rcu_dereference_protected(n->next, true);
		kfree(container_of(n, struct csvx_fdb, node));
	}
}
