// SPDX-License-Identifier: GPL-2.0
/*
 * Tenant VRFs: found by name (the control plane), by id and by L3VNI (the
 * receive path).  Each holds one LPM per family; its routes are route.c's.
 */
#include "tables_priv.h"

static u32 vrf_name_hash(const struct csvx_htab *h, const char *key)
{
	return csvx_htab_hash(h, key, CSVX_NAME_MAX);
}

struct csvx_vrf *csvx_vrf_by_name(struct csvx_tables *t, const char *name)
{
	const struct csvx_htab *h = &t->priv->vrf_name;
	char key[CSVX_NAME_MAX];
	struct csvx_hprobe pr;
	struct csvx_hnode *n;
	u32 hash;

	if (!name || !csvx_name_key(key, name))
		return NULL;
	hash = vrf_name_hash(h, key);
	csvx_htab_for_each_possible(h, n, hash, &pr) {
		struct csvx_vrf *vrf = container_of(n, struct csvx_vrf, by_name);

		if (!memcmp(vrf->name, key, CSVX_NAME_MAX))
			return vrf;
	}
	return NULL;
}

struct csvx_vrf *csvx_vrf_by_id(struct csvx_tables *t, u32 id)
{
	const struct csvx_htab *h = &t->priv->vrf_id;
	u32 hash = csvx_htab_hash1(h, id);
	struct csvx_hprobe pr;
	struct csvx_hnode *n;

	csvx_htab_for_each_possible(h, n, hash, &pr) {
		struct csvx_vrf *vrf = container_of(n, struct csvx_vrf, by_id);

		if (vrf->id == id)
			return vrf;
	}
	return NULL;
}

struct csvx_vrf *csvx_vrf_by_l3vni(struct csvx_tables *t, u32 l3vni)
{
	const struct csvx_htab *h = &t->priv->vrf_l3vni;
	u32 hash = csvx_htab_hash1(h, l3vni);
	struct csvx_hprobe pr;
	struct csvx_hnode *n;

	csvx_htab_for_each_possible(h, n, hash, &pr) {
		struct csvx_vrf *vrf = container_of(n, struct csvx_vrf,
						    by_l3vni);

		if (vrf->l3vni == l3vni)
			return vrf;
	}
	return NULL;
}

static int vrf_check(const struct csvx_vrf_spec *spec, char *key,
		     const char **msg)
{
	if (!spec->name || !spec->name[0]) {
		*msg = "VRF name is empty";
		return -EINVAL;
	}
	if (!csvx_name_key(key, spec->name)) {
		*msg = "VRF name is longer than 15 characters";
		return -EINVAL;
	}
	if (!spec->id) {
		*msg = "VRF id must not be 0";
		return -EINVAL;
	}
	if (!spec->l3vni || spec->l3vni > CSVX_VNI_MAX) {
		*msg = "L3VNI is out of range (1-16777215)";
		return -EINVAL;
	}
	if (!csvx_mac_valid(spec->rmac)) {
		*msg = "router MAC must be unicast and non-zero";
		return -EINVAL;
	}
	return 0;
}

int csvx_vrf_add(struct csvx_tables *t, const struct csvx_vrf_spec *spec,
		 bool replace, const char **msg)
{
	struct csvx_tables_priv *p = t->priv;
	char key[CSVX_NAME_MAX];
	struct csvx_vrf *vrf;
	int err;

	err = vrf_check(spec, key, msg);
	if (err)
		return err;

	vrf = csvx_vrf_by_name(t, key);
	if (vrf) {
		if (!replace) {
			*msg = "VRF already exists";
			return -EEXIST;
		}
		if (vrf->id != spec->id || vrf->l3vni != spec->l3vni) {
			*msg = "the id and L3VNI of a VRF cannot change (delete it and add it again)";
			return -EINVAL;
		}
		/* The receive path reads it with READ_ONCE(). */
		WRITE_ONCE(vrf->rmac, csvx_mac64(spec->rmac));
		csvx_changed(t);
		return 0;
	}
	if (csvx_vrf_by_id(t, spec->id)) {
		*msg = "VRF id is used by another VRF";
		return -EEXIST;
	}
	if (csvx_vrf_by_l3vni(t, spec->l3vni)) {
		*msg = "L3VNI is used by another VRF";
		return -EEXIST;
	}
	if (csvx_vni_lookup(t, spec->l3vni)) {
		*msg = "L3VNI is an L2 VNI";
		return -EEXIST;
	}
	if (csvx_full(t, CSVX_PARAM_MAX_VRFS)) {
		*msg = "too many VRFs (max-vrfs)";
		return -ENOSPC;
	}

	vrf = kzalloc(sizeof(*vrf), GFP_KERNEL_ACCOUNT);
	if (!vrf)
		goto err_nomem;
	vrf->lpm4 = csvx_lpm_create(AF_INET);
	if (!vrf->lpm4)
		goto err_free;
	vrf->lpm6 = csvx_lpm_create(AF_INET6);
	if (!vrf->lpm6)
		goto err_lpm4;
	memcpy(vrf->name, key, CSVX_NAME_MAX);
	vrf->id = spec->id;
	vrf->l3vni = spec->l3vni;
	vrf->rmac = csvx_mac64(spec->rmac);

	csvx_htab_insert(&p->vrf_name, &vrf->by_name,
			 vrf_name_hash(&p->vrf_name, key));
	csvx_htab_insert(&p->vrf_id, &vrf->by_id,
			 csvx_htab_hash1(&p->vrf_id, vrf->id));
	csvx_htab_insert(&p->vrf_l3vni, &vrf->by_l3vni,
			 csvx_htab_hash1(&p->vrf_l3vni, vrf->l3vni));
	t->count[CSVX_PARAM_MAX_VRFS]++;
	csvx_mem_add(t, sizeof(*vrf));
	csvx_changed(t);
	return 0;

err_lpm4:
	csvx_lpm_destroy(vrf->lpm4);
err_free:
	kfree(vrf);
err_nomem:
	*msg = "out of memory";
	return -ENOMEM;
}

int csvx_vrf_del(struct csvx_tables *t, const char *name, const char **msg)
{
	struct csvx_tables_priv *p = t->priv;
	struct csvx_vrf *vrf = csvx_vrf_by_name(t, name);

	if (!vrf) {
		*msg = "VRF does not exist";
		return -ENOENT;
	}
	if (vrf->nr_vnis) {
		*msg = "VRF is in use by a VNI";
		return -EBUSY;
	}
	/* No VNI, so no connected route: every route is a remote one. */
	csvx_route_vrf_release(t, vrf);
	t->count[CSVX_PARAM_MAX_ROUTES] -= vrf->nr_routes;

	csvx_htab_remove(&p->vrf_name, &vrf->by_name);
	csvx_htab_remove(&p->vrf_id, &vrf->by_id);
	csvx_htab_remove(&p->vrf_l3vni, &vrf->by_l3vni);
	csvx_lpm_destroy_rcu(vrf->lpm4);
	csvx_lpm_destroy_rcu(vrf->lpm6);
	t->count[CSVX_PARAM_MAX_VRFS]--;
	csvx_mem_sub(t, sizeof(*vrf));
	kfree_rcu(vrf, rcu);
	csvx_changed(t);
	return 0;
}

int csvx_vrf_walk(struct csvx_tables *t, struct csvx_cursor *c,
		  int (*fn)(const struct csvx_vrf *, void *), void *arg)
{
	struct csvx_htab_iter it;
	struct csvx_walk_pos w;
	int ret = 0;

	csvx_cursor_load(&w, c);
	if (w.done)
		return 0;
	rcu_read_lock();
	for (csvx_htab_iter_start(&t->priv->vrf_id, &w.pos, &it); it.node;
	     csvx_htab_iter_next(&it)) {
		ret = fn(container_of(it.node, struct csvx_vrf, by_id), arg);
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

void csvx_vrf_destroy(struct csvx_tables *t)
{
	struct csvx_tables_priv *p = t->priv;
	struct csvx_hnode *n, *next;

	for (n = rcu_dereference_protected(p->vrf_id.head, true); n; n = next) {
		struct csvx_vrf *vrf = container_of(n, struct csvx_vrf, by_id);

		next = rcu_dereference_protected(n->next, true);
		csvx_lpm_destroy(vrf->lpm4);
		csvx_lpm_destroy(vrf->lpm6);
		kfree(vrf);
	}
}
