// SPDX-License-Identifier: GPL-2.0
/*
 * VNIs (L2 segments) and their flood lists (EVPN type-3 routes).
 *
 * A flood list is a sorted array, replaced as a whole under RCU on every
 * change: the transmit path replicates a frame by running down one array,
 * and a dump resumes at an address rather than at an index.
 */
#include "tables_priv.h"

struct csvx_vni *csvx_vni_lookup(struct csvx_tables *t, u32 vni)
{
	const struct csvx_htab *h = &t->priv->vni;
	u32 hash = csvx_htab_hash1(h, vni);
	struct csvx_hprobe pr;
	struct csvx_hnode *n;

	csvx_htab_for_each_possible(h, n, hash, &pr) {
		struct csvx_vni *v = container_of(n, struct csvx_vni, node);

		if (v->vni == vni)
			return v;
	}
	return NULL;
}

static u32 vni_name_hash(const struct csvx_htab *h, const char *key)
{
	return csvx_htab_hash(h, key, IFNAMSIZ);
}

/* @key: zero-padded to IFNAMSIZ. */
static struct csvx_vni *vni_by_name(struct csvx_tables *t, const char *key)
{
	const struct csvx_htab *h = &t->priv->vni_name;
	u32 hash = vni_name_hash(h, key);
	struct csvx_hprobe pr;
	struct csvx_hnode *n;

	csvx_htab_for_each_possible(h, n, hash, &pr) {
		struct csvx_vni *v = container_of(n, struct csvx_vni, by_name);

		if (!memcmp(v->ifname, key, IFNAMSIZ))
			return v;
	}
	return NULL;
}

static int vni_check(const struct csvx_vni_spec *spec, char *name,
		     const char **msg)
{
	size_t len;

	if (!spec->vni || spec->vni > CSVX_VNI_MAX) {
		*msg = "VNI is out of range (1-16777215)";
		return -EINVAL;
	}
	len = spec->ifname ? strnlen(spec->ifname, IFNAMSIZ) : 0;
	if (!len) {
		*msg = "device name is empty";
		return -EINVAL;
	}
	if (len == IFNAMSIZ) {
		*msg = "device name is longer than 15 characters";
		return -EINVAL;
	}
	memset(name, 0, IFNAMSIZ);
	memcpy(name, spec->ifname, len);
	if (spec->local.family && !csvx_addr_unicast(&spec->local)) {
		*msg = "local address must be a unicast IPv4 or IPv6 address";
		return -EINVAL;
	}
	if (!spec->gw.family) {
		if (spec->gw_plen || spec->gw_mac) {
			*msg = "gateway prefix length and MAC need a gateway address";
			return -EINVAL;
		}
	} else {
		if (!csvx_addr_unicast(&spec->gw)) {
			*msg = "gateway must be a unicast IPv4 or IPv6 address";
			return -EINVAL;
		}
		if (!spec->gw_plen || spec->gw_plen > csvx_addr_bits(&spec->gw)) {
			*msg = "gateway prefix length must be 1-32 (IPv4) or 1-128 (IPv6)";
			return -EINVAL;
		}
		if (!spec->gw_mac) {
			*msg = "a gateway needs a gateway MAC";
			return -EINVAL;
		}
		if (!csvx_mac_valid(spec->gw_mac)) {
			*msg = "gateway MAC must be unicast and non-zero";
			return -EINVAL;
		}
	}
	if (spec->mtu && (spec->mtu < 68 || spec->mtu > 65535)) {
		*msg = "MTU is out of range (68-65535)";
		return -EINVAL;
	}
	return 0;
}

/* The connected route of a gateway in a VRF: its subnet. */
static bool vni_conn(const struct csvx_vrf *vrf, const struct csvx_addr *gw,
		     u8 plen, struct csvx_addr *prefix)
{
	if (!vrf || !gw->family)
		return false;
	csvx_addr_subnet(prefix, gw, plen);
	return true;
}

/*
 * The fields a replace may change.  In place: the datapath holds pointers
 * to the VNI, so it must stay the same object.
 */
static void vni_set(struct csvx_vni *v, const struct csvx_vni_spec *spec,
		    struct csvx_vrf *vrf)
{
	struct csvx_addr a;

	WRITE_ONCE(v->mtu, spec->mtu);
	csvx_addr_norm(&a, &spec->local);
	v->local = a;
	csvx_addr_norm(&a, &spec->gw);
	v->gw = a;
	WRITE_ONCE(v->gw_plen, spec->gw_plen);
	if (spec->gw.family)
		memcpy(v->gw_mac, spec->gw_mac, ETH_ALEN);
	else
		memset(v->gw_mac, 0, ETH_ALEN);
	WRITE_ONCE(v->vrf, vrf);
}

int csvx_vni_add(struct csvx_tables *t, const struct csvx_vni_spec *spec,
		 bool replace, const char **msg)
{
	struct csvx_tables_priv *p = t->priv;
	bool has_new, has_old = false, same = false;
	struct csvx_vni *old, *v, *other;
	struct csvx_addr np, op;
	char name[IFNAMSIZ];
	struct csvx_vrf *vrf = NULL;
	int err;

	err = vni_check(spec, name, msg);
	if (err)
		return err;
	if (spec->vrf) {
		vrf = csvx_vrf_by_name(t, spec->vrf);
		if (!vrf) {
			*msg = "VRF does not exist";
			return -ENOENT;
		}
	}
	if (csvx_vrf_by_l3vni(t, spec->vni)) {
		*msg = "VNI is the L3VNI of a VRF";
		return -EEXIST;
	}
	old = csvx_vni_lookup(t, spec->vni);
	if (old && !replace) {
		*msg = "VNI already exists";
		return -EEXIST;
	}
	other = vni_by_name(t, name);
	if (other && other != old) {
		*msg = "device name is used by another VNI";
		return -EEXIST;
	}
	if (old && memcmp(old->ifname, name, IFNAMSIZ)) {
		*msg = "the device name of a VNI cannot change (delete it and add it again)";
		return -EINVAL;
	}
	if (!old && csvx_full(t, CSVX_PARAM_MAX_VNIS)) {
		*msg = "too many VNIs (max-vnis)";
		return -ENOSPC;
	}

	has_new = vni_conn(vrf, &spec->gw, spec->gw_plen, &np);
	if (old)
		has_old = vni_conn(old->vrf, &old->gw, old->gw_plen, &op);
	same = has_new && has_old && vrf == old->vrf &&
	       spec->gw_plen == old->gw_plen && !csvx_addr_cmp(&np, &op);

	v = old;
	if (!v) {
		v = kzalloc(sizeof(*v), GFP_KERNEL_ACCOUNT);
		if (!v) {
			*msg = "out of memory";
			return -ENOMEM;
		}
		v->vni = spec->vni;
		memcpy(v->ifname, name, IFNAMSIZ);
		csvx_htab_init_index(&v->fdb);
		/* Complete before the connected route can lead to it. */
		vni_set(v, spec, vrf);
	}
	/* The one step that can fail after the checks; new before old. */
	if (has_new && !same) {
		err = csvx_route_connected_add(t, vrf, v, &np, spec->gw_plen,
					       has_old, msg);
		if (err) {
			if (!old)
				kfree(v);
			return err;
		}
	}
	if (has_old && !same)
		csvx_route_connected_del(t, old->vrf, &op, old->gw_plen);

	if (old) {
		if (old->vrf != vrf) {
			if (old->vrf)
				old->vrf->nr_vnis--;
			if (vrf)
				vrf->nr_vnis++;
		}
		vni_set(v, spec, vrf);
	} else {
		if (vrf)
			vrf->nr_vnis++;
		csvx_htab_insert(&p->vni_name, &v->by_name,
				 vni_name_hash(&p->vni_name, name));
		csvx_htab_insert(&p->vni, &v->node,
				 csvx_htab_hash1(&p->vni, v->vni));
		t->count[CSVX_PARAM_MAX_VNIS]++;
		csvx_mem_add(t, sizeof(*v));
	}
	csvx_changed(t);
	return 0;
}

static void flood_free(struct csvx_tables *t, struct csvx_flood *fl)
{
	csvx_mem_sub(t, struct_size(fl, remote, fl->nr));
	kfree_rcu(fl, rcu);
}

int csvx_vni_del(struct csvx_tables *t, u32 vni, const char **msg)
{
	struct csvx_tables_priv *p = t->priv;
	struct csvx_vni *v = csvx_vni_lookup(t, vni);
	struct csvx_flood *fl;
	struct csvx_addr prefix;

	if (!v) {
		*msg = "VNI does not exist";
		return -ENOENT;
	}
	fl = rcu_dereference_protected(v->flood, true);
	if (fl) {
		RCU_INIT_POINTER(v->flood, NULL);
		t->count[CSVX_PARAM_MAX_FLOOD] -= fl->nr;
		flood_free(t, fl);
	}
	csvx_fdb_flush_vni(t, v);
	if (vni_conn(v->vrf, &v->gw, v->gw_plen, &prefix))
		csvx_route_connected_del(t, v->vrf, &prefix, v->gw_plen);
	if (v->vrf)
		v->vrf->nr_vnis--;

	csvx_htab_remove(&p->vni, &v->node);
	csvx_htab_remove(&p->vni_name, &v->by_name);
	csvx_htab_clear(&v->fdb);
	t->count[CSVX_PARAM_MAX_VNIS]--;
	csvx_mem_sub(t, sizeof(*v));
	kfree_rcu(v, rcu);
	csvx_changed(t);
	return 0;
}

/* Index of the first remote >= @a; true if it is @a. */
static bool flood_find(const struct csvx_flood *fl, const struct csvx_addr *a,
		       u32 *pos)
{
	u32 lo = 0, hi = fl ? fl->nr : 0;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (csvx_addr_cmp(&fl->remote[mid], a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return fl && lo < fl->nr && !csvx_addr_cmp(&fl->remote[lo], a);
}

int csvx_flood_add(struct csvx_tables *t, u32 vni,
		   const struct csvx_addr *remote, const char **msg)
{
	struct csvx_vni *v = csvx_vni_lookup(t, vni);
	struct csvx_flood *old, *fl;
	struct csvx_addr a;
	u32 pos, nr;

	if (!v) {
		*msg = "VNI does not exist";
		return -ENOENT;
	}
	if (!csvx_addr_unicast(remote)) {
		*msg = "remote VTEP must be a unicast IPv4 or IPv6 address";
		return -EINVAL;
	}
	csvx_addr_norm(&a, remote);
	old = rcu_dereference_protected(v->flood, true);
	if (flood_find(old, &a, &pos)) {
		*msg = "remote VTEP is already in the VNI's flood list";
		return -EEXIST;
	}
	if (csvx_full(t, CSVX_PARAM_MAX_FLOOD)) {
		*msg = "too many flood entries (max-flood)";
		return -ENOSPC;
	}
	nr = old ? old->nr : 0;
	fl = kmalloc(struct_size(fl, remote, nr + 1), GFP_KERNEL_ACCOUNT);
	if (!fl) {
		*msg = "out of memory";
		return -ENOMEM;
	}
	fl->nr = nr + 1;
	if (pos)
		memcpy(fl->remote, old->remote, pos * sizeof(a));
	fl->remote[pos] = a;
	if (nr > pos)
		memcpy(&fl->remote[pos + 1], &old->remote[pos],
		       (nr - pos) * sizeof(a));
	rcu_assign_pointer(v->flood, fl);
	csvx_mem_add(t, struct_size(fl, remote, fl->nr));
	if (old)
		flood_free(t, old);
	t->count[CSVX_PARAM_MAX_FLOOD]++;
	csvx_changed(t);
	return 0;
}

int csvx_flood_del(struct csvx_tables *t, u32 vni,
		   const struct csvx_addr *remote, const char **msg)
{
	struct csvx_vni *v = csvx_vni_lookup(t, vni);
	struct csvx_flood *old, *fl = NULL;
	struct csvx_addr a;
	u32 pos, nr;

	if (!v) {
		*msg = "VNI does not exist";
		return -ENOENT;
	}
	csvx_addr_norm(&a, remote);
	old = rcu_dereference_protected(v->flood, true);
	if (!flood_find(old, &a, &pos)) {
		*msg = "remote VTEP is not in the VNI's flood list";
		return -ENOENT;
	}
	nr = old->nr - 1;
	if (nr) {
		fl = kmalloc(struct_size(fl, remote, nr), GFP_KERNEL_ACCOUNT);
		if (!fl) {
			*msg = "out of memory";
			return -ENOMEM;
		}
		fl->nr = nr;
		memcpy(fl->remote, old->remote, pos * sizeof(a));
		memcpy(&fl->remote[pos], &old->remote[pos + 1],
		       (nr - pos) * sizeof(a));
		csvx_mem_add(t, struct_size(fl, remote, nr));
	}
	rcu_assign_pointer(v->flood, fl);
	flood_free(t, old);
	t->count[CSVX_PARAM_MAX_FLOOD]--;
	csvx_changed(t);
	return 0;
}

int csvx_vni_walk(struct csvx_tables *t, struct csvx_cursor *c,
		  int (*fn)(const struct csvx_vni *, void *), void *arg)
{
	struct csvx_htab_iter it;
	struct csvx_walk_pos w;
	int ret = 0;

	csvx_cursor_load(&w, c);
	if (w.done)
		return 0;
	rcu_read_lock();
	for (csvx_htab_iter_start(&t->priv->vni, &w.pos, &it); it.node;
	     csvx_htab_iter_next(&it)) {
		ret = fn(container_of(it.node, struct csvx_vni, node), arg);
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

struct flood_cursor {
	struct csvx_htab_pos pos;	/* the VNI, when walking all */
	u32 vni;			/* @addr is a remote of this VNI */
	u32 done;
	struct csvx_addr addr;		/* resume at the first remote >= it */
};

static int flood_walk_vni(const struct csvx_vni *v, struct flood_cursor *fc,
			  int (*fn)(u32, const struct csvx_addr *, void *),
			  void *arg)
{
	const struct csvx_flood *fl = rcu_dereference(v->flood);
	u32 i = 0;
	int ret;

	if (fc->vni == v->vni)
		flood_find(fl, &fc->addr, &i);
	for (; fl && i < fl->nr; i++) {
		ret = fn(v->vni, &fl->remote[i], arg);
		if (ret) {
			fc->vni = v->vni;
			fc->addr = fl->remote[i];
			return ret;
		}
	}
	return 0;
}

int csvx_flood_walk(struct csvx_tables *t, u32 vni, struct csvx_cursor *c,
		    int (*fn)(u32 vni, const struct csvx_addr *, void *),
		    void *arg)
{
	struct flood_cursor fc;
	struct csvx_htab_iter it;
	struct csvx_vni *v;
	int ret = 0;

	csvx_cursor_load(&fc, c);
	if (fc.done)
		return 0;
	rcu_read_lock();
	if (vni) {
		v = csvx_vni_lookup(t, vni);
		if (v)
			ret = flood_walk_vni(v, &fc, fn, arg);
	} else {
		for (csvx_htab_iter_start(&t->priv->vni, &fc.pos, &it);
		     it.node; csvx_htab_iter_next(&it)) {
			v = container_of(it.node, struct csvx_vni, node);
			ret = flood_walk_vni(v, &fc, fn, arg);
			if (ret) {
				fc.pos = it.pos;
				break;
			}
		}
	}
	rcu_read_unlock();
	fc.done = !ret;
	csvx_cursor_store(c, &fc);
	return ret;
}

void csvx_vni_destroy(struct csvx_tables *t)
{
	struct csvx_hnode *n, *next;

	for (n = rcu_dereference_protected(t->priv->vni.head, true); n;
	     n = next) {
		struct csvx_vni *v = container_of(n, struct csvx_vni, node);

		next = rcu_dereference_protected(n->next, true);
		kfree(rcu_dereference_protected(v->flood, true));
		csvx_htab_destroy(&v->fdb);
		kfree(v);
	}
}
