// SPDX-License-Identifier: GPL-2.0
/*
 * The tables of one namespace as a whole: creation, limits, memory, and
 * teardown.
 */
#include "tables_priv.h"

static const u32 csvx_default_limit[CSVX_PARAM_MAX + 1] = {
	[CSVX_PARAM_UDP_PORT]	= CSVX_DEFAULT_UDP_PORT,
	[CSVX_PARAM_MAX_VRFS]	= CSVX_DEFAULT_MAX_VRFS,
	[CSVX_PARAM_MAX_VNIS]	= CSVX_DEFAULT_MAX_VNIS,
	[CSVX_PARAM_MAX_FLOOD]	= CSVX_DEFAULT_MAX_FLOOD,
	[CSVX_PARAM_MAX_FDB]	= CSVX_DEFAULT_MAX_FDB,
	[CSVX_PARAM_MAX_ROUTES]	= CSVX_DEFAULT_MAX_ROUTES,
	[CSVX_PARAM_MAX_FLOWS]	= CSVX_DEFAULT_MAX_FLOWS,
};

int csvx_tables_init(struct csvx_tables *t)
{
	struct csvx_tables_priv *p;
	int err;

	memset(t, 0, sizeof(*t));
	memcpy(t->limit, csvx_default_limit, sizeof(t->limit));
	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return -ENOMEM;
	t->priv = p;
	csvx_htab_init(&p->fdb);
	csvx_htab_init(&p->fdb_ip);
	csvx_htab_init(&p->vni);
	csvx_htab_init(&p->vni_name);
	csvx_htab_init(&p->vrf_name);
	csvx_htab_init(&p->vrf_id);
	csvx_htab_init(&p->vrf_l3vni);
	err = csvx_nh_init(t);
	if (err) {
		kfree(p);
		t->priv = NULL;
		return err;
	}
	return 0;
}

/*
 * No reader is left (see tables.h), so everything goes at once.  Each
 * object is freed through exactly one table: FDB entries through the FDB
 * table (not their VNI's index), nexthops through the nexthop table.
 */
void csvx_tables_destroy(struct csvx_tables *t)
{
	struct csvx_tables_priv *p = t->priv;

	if (!p)
		return;
	csvx_fdb_destroy(t);
	csvx_vni_destroy(t);
	csvx_vrf_destroy(t);
	csvx_nh_destroy(t);
	csvx_htab_destroy(&p->fdb);
	csvx_htab_destroy(&p->fdb_ip);
	csvx_htab_destroy(&p->vni);
	csvx_htab_destroy(&p->vni_name);
	csvx_htab_destroy(&p->vrf_name);
	csvx_htab_destroy(&p->vrf_id);
	csvx_htab_destroy(&p->vrf_l3vni);
	kfree(p);
	t->priv = NULL;
}

size_t csvx_tables_memory(struct csvx_tables *t)
{
	struct csvx_tables_priv *p = t->priv;
	struct csvx_hnode *n;
	size_t bytes;

	bytes = sizeof(*p) + p->mem + csvx_nh_memory(t) +
		csvx_htab_memory(&p->fdb) + csvx_htab_memory(&p->fdb_ip) +
		csvx_htab_memory(&p->vni) + csvx_htab_memory(&p->vni_name) +
		csvx_htab_memory(&p->vrf_name) + csvx_htab_memory(&p->vrf_id) +
		csvx_htab_memory(&p->vrf_l3vni) + csvx_htab_memory(&p->nh);

	rcu_read_lock();
	for (n = rcu_dereference_raw(p->vni.head); n; n = csvx_hnode_next(n))
		bytes += csvx_htab_memory(&container_of(n, struct csvx_vni,
							node)->fdb);
	for (n = rcu_dereference_raw(p->vrf_id.head); n;
	     n = csvx_hnode_next(n)) {
		struct csvx_vrf *vrf = container_of(n, struct csvx_vrf, by_id);

		bytes += csvx_lpm_memory(vrf->lpm4) +
			 csvx_lpm_memory(vrf->lpm6);
	}
	rcu_read_unlock();
	return bytes;
}
