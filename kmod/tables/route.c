// SPDX-License-Identifier: GPL-2.0
/*
 * Routes in tenant VRFs, on top of lpm.c: the LPM of a VRF maps a prefix to
 * a nexthop index, and the nexthops live here, one per distinct target
 * (remote VTEP + router MAC, or a local VNI), shared and refcounted by the
 * routes that use them.  A thousand /32s behind one VTEP cost one nexthop,
 * and an LPM leaf stays a small integer.
 */
#include "tables_priv.h"

#define NH_ARRAY_MIN	64
/* Entries a flush collects per LPM walk (on the stack). */
#define ROUTE_BATCH	16

/* ------------------------------------------------------------- nexthops */

struct nh_key {
	u32 w[4];
	u32 family;
	u32 vni;
	u64 rmac;
};

static struct csvx_nh_array *nh_arr_w(const struct csvx_tables *t)
{
	return rcu_dereference_protected(t->priv->nh_arr, true);
}

/* RCU or writer. */
static struct csvx_nexthop *nh_at(const struct csvx_tables *t, u32 id)
{
	const struct csvx_nh_array *a = rcu_dereference_raw(t->priv->nh_arr);

	if (unlikely(id >= a->size))
		return NULL;
	return rcu_dereference_raw(a->nh[id]);
}

static size_t nh_arr_bytes(u32 size)
{
	return sizeof(struct csvx_nh_array) +
	       size * (sizeof(struct csvx_nexthop *) + sizeof(u32));
}

int csvx_nh_init(struct csvx_tables *t)
{
	struct csvx_tables_priv *p = t->priv;
	struct csvx_nh_array *a;

	csvx_htab_init(&p->nh);
	a = kvzalloc(struct_size(a, nh, NH_ARRAY_MIN), GFP_KERNEL_ACCOUNT);
	p->nh_link = kvcalloc(NH_ARRAY_MIN, sizeof(u32), GFP_KERNEL_ACCOUNT);
	if (!a || !p->nh_link) {
		kvfree(a);
		kvfree(p->nh_link);
		p->nh_link = NULL;
		return -ENOMEM;
	}
	a->size = NH_ARRAY_MIN;
	RCU_INIT_POINTER(p->nh_arr, a);
	p->nh_next = 1;			/* 0 is "no route" */
	return 0;
}

void csvx_nh_destroy(struct csvx_tables *t)
{
	struct csvx_tables_priv *p = t->priv;
	struct csvx_hnode *n, *next;

	for (n = rcu_dereference_protected(p->nh.head, true); n; n = next) {
		next = rcu_dereference_protected(n->next, true);
		kfree(container_of(n, struct csvx_nexthop, node));
	}
	csvx_htab_destroy(&p->nh);
	kvfree(nh_arr_w(t));
	kvfree(p->nh_link);
}

size_t csvx_nh_memory(const struct csvx_tables *t)
{
	return nh_arr_bytes(nh_arr_w(t)->size);
}

static int nh_grow(struct csvx_tables *t)
{
	struct csvx_tables_priv *p = t->priv;
	struct csvx_nh_array *old = nh_arr_w(t), *a;
	u32 size = min_t(u32, 2 * old->size, CSVX_LPM_NH_MAX + 1), i;
	u32 *link;

	a = kvzalloc(struct_size(a, nh, size), GFP_KERNEL_ACCOUNT);
	link = kvcalloc(size, sizeof(u32), GFP_KERNEL_ACCOUNT);
	if (!a || !link) {
		kvfree(a);
		kvfree(link);
		return -ENOMEM;
	}
	a->size = size;
	for (i = 0; i < old->size; i++)
		RCU_INIT_POINTER(a->nh[i],
				 rcu_dereference_protected(old->nh[i], true));
	memcpy(link, p->nh_link, old->size * sizeof(u32));
	rcu_assign_pointer(p->nh_arr, a);
	kvfree_rcu(old, rcu);
	kvfree(p->nh_link);
	p->nh_link = link;
	return 0;
}

/* Freed indexes wait for a grace period: start one for the limbo list. */
static void nh_seal(struct csvx_tables_priv *p)
{
	if (p->nh_limbo && !p->nh_wait) {
		p->nh_wait = p->nh_limbo;
		p->nh_limbo = 0;
		p->nh_wait_cookie = get_state_synchronize_rcu();
	}
}

/*
 * A released nexthop stays in its slot through the grace period: a reader
 * that got its index from an LPM just before the route changed still finds
 * it (freed by then only for readers that came later, who cannot have the
 * index).  Past the grace period the slots are cleared for reuse.
 */
static void nh_unslot(struct csvx_tables *t, u32 id)
{
	struct csvx_nh_array *a = nh_arr_w(t);

	for (; id; id = t->priv->nh_link[id])
		RCU_INIT_POINTER(a->nh[id], NULL);
}

static int nh_index_get(struct csvx_tables *t, u32 *id)
{
	struct csvx_tables_priv *p = t->priv;
	int err;

	if (!p->nh_free && p->nh_wait &&
	    poll_state_synchronize_rcu(p->nh_wait_cookie)) {
		nh_unslot(t, p->nh_wait);
		p->nh_free = p->nh_wait;
		p->nh_wait = 0;
		nh_seal(p);
	}
	if (p->nh_free) {
		*id = p->nh_free;
		p->nh_free = p->nh_link[*id];
		return 0;
	}
	if (p->nh_next > CSVX_LPM_NH_MAX)
		return -ENOSPC;
	if (p->nh_next >= nh_arr_w(t)->size) {
		err = nh_grow(t);
		if (err)
			return err;
	}
	*id = p->nh_next++;
	return 0;
}

static void nh_index_put(struct csvx_tables *t, u32 id)
{
	struct csvx_tables_priv *p = t->priv;

	p->nh_link[id] = p->nh_limbo;
	p->nh_limbo = id;
	nh_seal(p);
}

static u32 nh_hash(const struct csvx_htab *h, struct nh_key *k,
		   const struct csvx_addr *remote, u64 rmac,
		   const struct csvx_vni *vni)
{
	struct csvx_addr a;

	memset(k, 0, sizeof(*k));
	if (remote) {
		csvx_addr_norm(&a, remote);
		memcpy(k->w, a.w, sizeof(k->w));
		k->family = a.family;
	}
	k->vni = vni ? vni->vni : 0;
	k->rmac = rmac;
	return csvx_htab_hash(h, k, sizeof(*k));
}

/*
 * A reference to the nexthop for this target, made if need be.  A new one
 * is in the index array before any LPM leaf can name it.
 */
static int nh_get(struct csvx_tables *t, const struct csvx_addr *remote,
		  u64 rmac, struct csvx_vni *vni, struct csvx_nexthop **res,
		  const char **msg)
{
	struct csvx_tables_priv *p = t->priv;
	struct csvx_nexthop *nh;
	struct csvx_hprobe pr;
	struct csvx_hnode *n;
	struct nh_key k;
	u32 hash, id;
	int err;

	hash = nh_hash(&p->nh, &k, remote, rmac, vni);
	csvx_htab_for_each_possible(&p->nh, n, hash, &pr) {
		nh = container_of(n, struct csvx_nexthop, node);
		if (nh->vni == vni && nh->rmac == rmac &&
		    nh->remote.family == k.family &&
		    !memcmp(nh->remote.w, k.w, sizeof(k.w))) {
			nh->refcnt++;
			*res = nh;
			return 0;
		}
	}

	nh = kzalloc(sizeof(*nh), GFP_KERNEL_ACCOUNT);
	if (!nh) {
		*msg = "out of memory";
		return -ENOMEM;
	}
	err = nh_index_get(t, &id);
	if (err) {
		kfree(nh);
		*msg = err == -ENOSPC ? "too many distinct nexthops" :
					"out of memory";
		return err;
	}
	if (remote)
		csvx_addr_norm(&nh->remote, remote);
	nh->rmac = rmac;
	nh->vni = vni;
	nh->refcnt = 1;
	nh->id = id;
	rcu_assign_pointer(nh_arr_w(t)->nh[id], nh);
	csvx_htab_insert(&p->nh, &nh->node, hash);
	csvx_mem_add(t, sizeof(*nh));
	*res = nh;
	return 0;
}

static void nh_put(struct csvx_tables *t, struct csvx_nexthop *nh)
{
	if (WARN_ON_ONCE(!nh) || --nh->refcnt)
		return;
	csvx_htab_remove(&t->priv->nh, &nh->node);
	nh_index_put(t, nh->id);
	csvx_mem_sub(t, sizeof(*nh));
	kfree_rcu(nh, rcu);
}

static void nh_put_id(struct csvx_tables *t, u32 id)
{
	if (id)
		nh_put(t, nh_at(t, id));
}

/* --------------------------------------------------------------- routes */

static struct csvx_lpm *route_lpm(const struct csvx_vrf *vrf, u8 family)
{
	return family == AF_INET ? vrf->lpm4 : vrf->lpm6;
}

static int route_check(const struct csvx_addr *prefix, u8 plen,
		       const char **msg)
{
	struct csvx_addr a, m;

	if (prefix->family != AF_INET && prefix->family != AF_INET6) {
		*msg = "prefix must be an IPv4 or IPv6 address";
		return -EINVAL;
	}
	if (plen > csvx_addr_bits(prefix)) {
		*msg = "prefix length is too long for its family";
		return -EINVAL;
	}
	csvx_addr_norm(&a, prefix);
	csvx_addr_subnet(&m, prefix, plen);
	if (csvx_addr_cmp(&a, &m)) {
		*msg = "prefix has host bits set";
		return -EINVAL;
	}
	return 0;
}

static u32 route_get_id(const struct csvx_vrf *vrf,
			const struct csvx_addr *prefix, u8 plen)
{
	u32 id;

	rcu_read_lock();
	id = csvx_lpm_get(route_lpm(vrf, prefix->family),
			  csvx_addr_bytes(prefix), plen);
	rcu_read_unlock();
	return id;
}

static const char *lpm_err(int err)
{
	return err == -ENOMEM ? "out of memory" : "the route table refused the prefix";
}

const struct csvx_nexthop *csvx_route_lookup(struct csvx_tables *t,
					     const struct csvx_vrf *vrf,
					     const struct csvx_addr *dst)
{
	u32 id;

	if (dst->family == AF_INET)
		id = csvx_lpm_lookup(vrf->lpm4, (const u8 *)&dst->ip4);
	else if (dst->family == AF_INET6)
		id = csvx_lpm_lookup(vrf->lpm6, dst->ip6.s6_addr);
	else
		return NULL;
	return id ? nh_at(t, id) : NULL;
}

int csvx_route_get(struct csvx_tables *t, const struct csvx_vrf *vrf,
		   const struct csvx_addr *prefix, u8 plen,
		   struct csvx_route *out)
{
	const struct csvx_nexthop *nh;
	const char *msg;
	u32 id;

	if (route_check(prefix, plen, &msg))
		return -EINVAL;
	id = route_get_id(vrf, prefix, plen);
	nh = id ? nh_at(t, id) : NULL;
	if (!nh)
		return -ENOENT;
	csvx_addr_norm(&out->prefix, prefix);
	out->plen = plen;
	out->nh = nh;
	return 0;
}

int csvx_route_add(struct csvx_tables *t, const struct csvx_route_spec *spec,
		   bool replace, const char **msg)
{
	struct csvx_nexthop *nh, *old = NULL;
	struct csvx_vrf *vrf;
	u32 id, old_id = 0;
	int err;

	vrf = csvx_vrf_by_name(t, spec->vrf);
	if (!vrf) {
		*msg = "VRF does not exist";
		return -ENOENT;
	}
	err = route_check(&spec->prefix, spec->plen, msg);
	if (err)
		return err;
	if (!csvx_addr_unicast(&spec->remote)) {
		*msg = "remote VTEP must be a unicast IPv4 or IPv6 address";
		return -EINVAL;
	}
	if (!csvx_mac_valid(spec->rmac)) {
		*msg = "router MAC must be unicast and non-zero";
		return -EINVAL;
	}
	id = route_get_id(vrf, &spec->prefix, spec->plen);
	if (id) {
		old = nh_at(t, id);
		if (!replace) {
			*msg = "route exists (use replace)";
			return -EEXIST;
		}
		if (old && !old->remote.family) {
			*msg = "prefix is the connected subnet of a VNI";
			return -EBUSY;
		}
	} else if (csvx_full(t, CSVX_PARAM_MAX_ROUTES)) {
		*msg = "too many routes (max-routes)";
		return -ENOSPC;
	}

	err = nh_get(t, &spec->remote, csvx_mac64(spec->rmac), NULL, &nh, msg);
	if (err)
		return err;
	if (nh == old) {
		/* Replaced by itself: nothing changes. */
		nh_put(t, nh);
		return 0;
	}
	err = csvx_lpm_insert(route_lpm(vrf, spec->prefix.family),
			      csvx_addr_bytes(&spec->prefix), spec->plen,
			      nh->id, &old_id);
	if (err) {
		nh_put(t, nh);
		*msg = lpm_err(err);
		return err;
	}
	if (old_id) {
		nh_put_id(t, old_id);
	} else {
		t->count[CSVX_PARAM_MAX_ROUTES]++;
		vrf->nr_routes++;
	}
	csvx_changed(t);
	return 0;
}

int csvx_route_del(struct csvx_tables *t, const char *vrf_name,
		   const struct csvx_addr *prefix, u8 plen, const char **msg)
{
	const struct csvx_nexthop *nh;
	struct csvx_vrf *vrf;
	u32 id, old_id = 0;
	int err;

	vrf = csvx_vrf_by_name(t, vrf_name);
	if (!vrf) {
		*msg = "VRF does not exist";
		return -ENOENT;
	}
	err = route_check(prefix, plen, msg);
	if (err)
		return err;
	id = route_get_id(vrf, prefix, plen);
	if (!id) {
		*msg = "route does not exist";
		return -ENOENT;
	}
	nh = nh_at(t, id);
	if (nh && !nh->remote.family) {
		*msg = "route is the connected subnet of a VNI (change the VNI's gateway instead)";
		return -EBUSY;
	}
	err = csvx_lpm_delete(route_lpm(vrf, prefix->family),
			      csvx_addr_bytes(prefix), plen, &old_id);
	if (err) {
		*msg = lpm_err(err);
		return err;
	}
	nh_put_id(t, old_id);
	t->count[CSVX_PARAM_MAX_ROUTES]--;
	vrf->nr_routes--;
	csvx_changed(t);
	return 0;
}

/*
 * The LPM cannot be changed while it is walked, so bulk work collects a
 * batch per walk and acts on it after; the LPM cursor resumes at the entry
 * that did not fit.
 */
struct route_batch {
	u32 n;
	struct {
		u8 prefix[16];
		u8 plen;
		u32 nh;
	} e[ROUTE_BATCH];
};

static int route_collect(const u8 *prefix, u8 plen, u32 nh, void *arg)
{
	struct route_batch *b = arg;

	if (b->n == ROUTE_BATCH)
		return 1;
	memcpy(b->e[b->n].prefix, prefix, 16);
	b->e[b->n].plen = plen;
	b->e[b->n].nh = nh;
	b->n++;
	return 0;
}

/* Drop (and with @del, delete) every remote route of one LPM. */
static u32 route_bulk(struct csvx_tables *t, struct csvx_lpm *lpm, bool del)
{
	struct csvx_lpm_cursor lc = {};
	struct route_batch b;
	const struct csvx_nexthop *nh;
	u32 i, old_id, nr = 0;
	int more;

	do {
		b.n = 0;
		rcu_read_lock();
		more = csvx_lpm_walk(lpm, &lc, route_collect, &b);
		rcu_read_unlock();
		for (i = 0; i < b.n; i++) {
			nh = nh_at(t, b.e[i].nh);
			if (nh && !nh->remote.family)
				continue;
			if (del) {
				if (csvx_lpm_delete(lpm, b.e[i].prefix,
						    b.e[i].plen, &old_id))
					continue;
			} else {
				old_id = b.e[i].nh;
			}
			nh_put_id(t, old_id);
			nr++;
		}
	} while (more);
	return nr;
}

u32 csvx_route_flush(struct csvx_tables *t, const char *vrf_name)
{
	struct csvx_vrf *vrf = csvx_vrf_by_name(t, vrf_name);
	u32 nr;

	if (!vrf)
		return 0;
	nr = route_bulk(t, vrf->lpm4, true) + route_bulk(t, vrf->lpm6, true);
	t->count[CSVX_PARAM_MAX_ROUTES] -= nr;
	vrf->nr_routes -= nr;
	if (nr)
		csvx_changed(t);
	return nr;
}

/* The VRF goes: its LPMs go whole, its routes' nexthops lose a user. */
void csvx_route_vrf_release(struct csvx_tables *t, struct csvx_vrf *vrf)
{
	route_bulk(t, vrf->lpm4, false);
	route_bulk(t, vrf->lpm6, false);
}

int csvx_route_connected_add(struct csvx_tables *t, struct csvx_vrf *vrf,
			     struct csvx_vni *vni,
			     const struct csvx_addr *prefix, u8 plen,
			     u32 freeing, const char **msg)
{
	struct csvx_nexthop *nh;
	u32 old_id = 0;
	int err;

	if (route_get_id(vrf, prefix, plen)) {
		*msg = "gateway subnet is already a route in the VRF";
		return -EEXIST;
	}
	if (t->count[CSVX_PARAM_MAX_ROUTES] - freeing >=
	    READ_ONCE(t->limit[CSVX_PARAM_MAX_ROUTES])) {
		*msg = "too many routes (max-routes)";
		return -ENOSPC;
	}
	err = nh_get(t, NULL, 0, vni, &nh, msg);
	if (err)
		return err;
	err = csvx_lpm_insert(route_lpm(vrf, prefix->family),
			      csvx_addr_bytes(prefix), plen, nh->id, &old_id);
	if (err) {
		nh_put(t, nh);
		*msg = lpm_err(err);
		return err;
	}
	t->count[CSVX_PARAM_MAX_ROUTES]++;
	vrf->nr_routes++;
	return 0;
}

void csvx_route_connected_del(struct csvx_tables *t, struct csvx_vrf *vrf,
			      const struct csvx_addr *prefix, u8 plen)
{
	u32 old_id = 0;

	if (WARN_ON_ONCE(csvx_lpm_delete(route_lpm(vrf, prefix->family),
					 csvx_addr_bytes(prefix), plen,
					 &old_id)))
		return;
	nh_put_id(t, old_id);
	t->count[CSVX_PARAM_MAX_ROUTES]--;
	vrf->nr_routes--;
}

/* ---------------------------------------------------------------- walks */

struct route_cursor {
	struct csvx_htab_pos pos;	/* the VRF, by id, when walking all */
	u32 vrf_id;			/* the VRF @lc belongs to; 0: none */
	u8 v6;				/* IPv4 routes first, then IPv6 */
	u8 done;
	struct csvx_lpm_cursor lc;
};

struct route_walk {
	struct csvx_tables *t;
	const struct csvx_vrf *vrf;
	u8 family;
	int (*fn)(const struct csvx_vrf *vrf, const struct csvx_route *rt,
		  void *arg);
	void *arg;
};

static int route_walk_one(const u8 *prefix, u8 plen, u32 id, void *arg)
{
	struct route_walk *w = arg;
	struct csvx_route r = { .plen = plen };

	r.nh = nh_at(w->t, id);
	if (!r.nh)		/* released under a walk that runs in RCU */
		return 0;
	r.prefix.family = w->family;
	memcpy(r.prefix.w, prefix, w->family == AF_INET ? 4 : 16);
	return w->fn(w->vrf, &r, w->arg);
}

static int route_walk_vrf(struct route_walk *w, struct route_cursor *rc)
{
	const struct csvx_vrf *vrf = w->vrf;
	int ret;

	if (rc->vrf_id != vrf->id) {
		rc->vrf_id = vrf->id;
		rc->v6 = 0;
		memset(&rc->lc, 0, sizeof(rc->lc));
	}
	for (; rc->v6 < 2; rc->v6++, memset(&rc->lc, 0, sizeof(rc->lc))) {
		w->family = rc->v6 ? AF_INET6 : AF_INET;
		ret = csvx_lpm_walk(route_lpm(vrf, w->family), &rc->lc,
				    route_walk_one, w);
		if (ret)
			return ret;
	}
	return 0;
}

int csvx_route_walk(struct csvx_tables *t, const struct csvx_vrf *vrf,
		    struct csvx_cursor *c,
		    int (*fn)(const struct csvx_vrf *, const struct csvx_route *,
			      void *),
		    void *arg)
{
	struct route_walk w = { .t = t, .fn = fn, .arg = arg };
	struct route_cursor rc;
	struct csvx_htab_iter it;
	int ret = 0;

	csvx_cursor_load(&rc, c);
	if (rc.done)
		return 0;
	rcu_read_lock();
	if (vrf) {
		w.vrf = vrf;
		ret = route_walk_vrf(&w, &rc);
	} else {
		for (csvx_htab_iter_start(&t->priv->vrf_id, &rc.pos, &it);
		     it.node; csvx_htab_iter_next(&it)) {
			w.vrf = container_of(it.node, struct csvx_vrf, by_id);
			ret = route_walk_vrf(&w, &rc);
			if (ret) {
				rc.pos = it.pos;
				break;
			}
		}
	}
	rcu_read_unlock();
	rc.done = !ret;
	csvx_cursor_store(c, &rc);
	return ret;
}
