// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "conf.h"
#include "csvx.h"
#include "htab.h"
#include "log.h"
#include "rtnl.h"
#include "shadow.h"
#include "state.h"

enum otype { O_FDB, O_IP, O_FLOOD, O_ROUTE, O_MAX };

#define D_IN		1	/* csvx should follow the kernel (BGP) */
#define D_OUT		2	/* the kernel should follow csvx (local VMs) */
#define HOLD_IN		1	/* a csvx write failed: wait for a change */
#define HOLD_OUT	2	/* a kernel write failed */
#define MAX_ERRORS	5	/* retries of a failing key before it waits for a change */
#define MAX_REWRITES	4	/* writes of a key without anything changing */
#define SHADOW_RETRY_MS	5000

enum op { OP_NONE, OP_NEW, OP_DEL };

/* What every key object starts with. */
struct obj {
	struct hnode node;
	struct list dirty;
	struct list retry;
	struct list later;		/* a removal waiting for del_at */
	uint64_t del_at;
	uint8_t type;
	uint8_t dflags;
	uint8_t hold;
	uint8_t errors;
	uint8_t rewrites;
	uint8_t c_op, k_op;
	uint16_t c_inflight;
	uint16_t k_inflight;
};

struct fdb_key {
	uint32_t vni;
	uint8_t mac[ETH_ALEN];
	uint8_t pad[2];
};

/* A MAC of a VNI. */
struct fdbk {
	struct obj o;
	struct fdb_key k;
	/* csvx */
	bool c_present;
	struct addr c_remote;		/* unset: csvx's entry is local */
	uint8_t c_nips;
	struct addr *c_ips;		/* sorted */
	uint16_t ports;			/* csvx ports with this MAC */
	bool assert_local;		/* became local by a csvx change */
	/* kernel */
	struct addr k_vxdst;		/* the vxlan driver's entry on vxsN: its VTEP */
	uint8_t k_port;			/* KP_*: the port of brcN's entry for the MAC */
	struct addr k_remote;		/* zebra's remote MAC: see fdb_k_update() */
	bool k_adv;			/* our static entry on advN (k_port == KP_ADV) */
	struct list rips;		/* ipk: remote neighbours naming this MAC */
};

enum { KP_NONE, KP_VX, KP_ADV };

struct ip_key {
	uint32_t vni;
	struct addr ip;
};

enum { K_NONE, K_REMOTE, K_LOCAL, K_OTHER };

/* An IP of a VNI: the neighbour on brcN. */
struct ipk {
	struct obj o;
	struct ip_key k;
	uint8_t k_kind;
	uint8_t k_mac[ETH_ALEN];
	struct fdbk *rowner;		/* K_REMOTE: the MAC's key */
	struct list rlink;
	uint16_t want;			/* claims by csvx local entries and ports */
	uint8_t want_mac[ETH_ALEN];
	bool assert_local;
};

struct flood_key {
	uint32_t vni;
	struct addr remote;
};

struct floodk {
	struct obj o;
	struct flood_key k;
	bool k_present, c_present;
};

struct route_key {
	char vrf[CSVX_NAME_MAX];
	struct addr prefix;
	uint8_t plen;
	uint8_t pad[3];
};

struct routek {
	struct obj o;
	struct route_key k;
	bool k_present;
	uint32_t k_nhid;
	uint8_t k_nnh;
	struct rt_nh k_nh[RT_MAX_NH];
	bool c_present, c_connected;
	struct addr c_remote;
	uint8_t c_rmac[ETH_ALEN];
};

/* Router MAC of a remote VTEP in a VRF (neighbour on the L3 SVI).  Kept
 * after the neighbour goes (zebra removes them when it stops): routes that
 * still name the VTEP keep working. */
struct rmac_key {
	char vrf[CSVX_NAME_MAX];
	struct addr vtep;
};

struct rmack {
	struct hnode node;
	struct rmac_key k;
	uint8_t mac[ETH_ALEN];
	bool live;
};

struct nhk {
	struct hnode node;
	uint32_t id;
	struct rt_nh nh;
	unsigned int ngrp;
	uint32_t grp[RT_MAX_NH];
};

struct vni {
	struct hnode node;
	uint32_t id;
	struct cx_vni cx;
	struct shadow_vni sh;
	bool present;			/* csvx has it */
	bool seen;			/* resync mark */
	struct list wl;			/* on st.work */
	uint64_t retry_at;
};

struct vrf {
	struct hnode node;
	char name[CSVX_NAME_MAX];
	struct cx_vrf cx;
	struct shadow_vrf sh;
	bool present, seen;
	struct list wl;
	uint64_t retry_at;
};

struct portk {
	struct hnode node;
	char ifname[IFNAMSIZ];
	struct cx_port p;
};

static struct {
	struct htab obj[O_MAX];
	struct htab rmac, nh, vni, vrf, port;
	struct list dirty, retry, later, work_vni, work_vrf;
	bool hold;
	bool routes_dirty;
	bool in_resync;
	/* zebra's remote state in the kernel: remote MACs + flood entries */
	unsigned long k_remote;
	bool emptied;			/* it just went from some to none */
	/* and the routes in the VRFs' tables */
	unsigned long k_routes;
	bool routes_emptied;
	unsigned long long deferred, cx_writes, k_writes, cx_errors, k_errors;
} st;

#define KOFF(type, key) (offsetof(type, key) - offsetof(type, o.node))
#define KOFF2(type, key) (offsetof(type, key) - offsetof(type, node))

int st_init(void)
{
	htab_init(&st.obj[O_FDB], KOFF(struct fdbk, k), sizeof(struct fdb_key));
	htab_init(&st.obj[O_IP], KOFF(struct ipk, k), sizeof(struct ip_key));
	htab_init(&st.obj[O_FLOOD], KOFF(struct floodk, k), sizeof(struct flood_key));
	htab_init(&st.obj[O_ROUTE], KOFF(struct routek, k), sizeof(struct route_key));
	htab_init(&st.rmac, KOFF2(struct rmack, k), sizeof(struct rmac_key));
	htab_init(&st.nh, KOFF2(struct nhk, id), sizeof(uint32_t));
	htab_init(&st.vni, KOFF2(struct vni, id), sizeof(uint32_t));
	htab_init(&st.vrf, KOFF2(struct vrf, name), CSVX_NAME_MAX);
	htab_init(&st.port, KOFF2(struct portk, ifname), IFNAMSIZ);
	list_init(&st.dirty);
	list_init(&st.retry);
	list_init(&st.later);
	list_init(&st.work_vni);
	list_init(&st.work_vrf);
	return 0;
}

/* ---- objects -------------------------------------------------------------- */

static void obj_init(struct obj *o, enum otype type)
{
	o->type = (uint8_t)type;
	list_init(&o->dirty);
	list_init(&o->retry);
	list_init(&o->later);
	htab_insert(&st.obj[type], &o->node);
}

/* CHANGE: the state of the key changed (as opposed to: a write completed),
 * which lifts a hold and restarts the error count. */
static void dirty(struct obj *o, uint8_t flags, bool change)
{
	o->dflags |= flags;
	if (change) {
		o->hold = 0;
		o->errors = 0;
		o->rewrites = 0;
	}
	if (!list_linked(&o->dirty))
		list_add_tail(&st.dirty, &o->dirty);
}

static struct fdbk *fdbk_get(uint32_t vni, const uint8_t *mac, bool create)
{
	struct fdb_key k;
	struct hnode *n;
	struct fdbk *f;

	memset(&k, 0, sizeof(k));
	k.vni = vni;
	memcpy(k.mac, mac, ETH_ALEN);
	n = htab_find(&st.obj[O_FDB], &k);
	if (n || !create)
		return n ? container_of(n, struct fdbk, o.node) : NULL;
	f = xcalloc(1, sizeof(*f));
	f->k = k;
	list_init(&f->rips);
	obj_init(&f->o, O_FDB);
	return f;
}

static struct ipk *ipk_get(uint32_t vni, const struct addr *ip, bool create)
{
	struct ip_key k;
	struct hnode *n;
	struct ipk *i;

	memset(&k, 0, sizeof(k));
	k.vni = vni;
	k.ip = *ip;
	n = htab_find(&st.obj[O_IP], &k);
	if (n || !create)
		return n ? container_of(n, struct ipk, o.node) : NULL;
	i = xcalloc(1, sizeof(*i));
	i->k = k;
	list_init(&i->rlink);
	obj_init(&i->o, O_IP);
	return i;
}

static struct floodk *floodk_get(uint32_t vni, const struct addr *remote, bool create)
{
	struct flood_key k;
	struct hnode *n;
	struct floodk *fl;

	memset(&k, 0, sizeof(k));
	k.vni = vni;
	k.remote = *remote;
	n = htab_find(&st.obj[O_FLOOD], &k);
	if (n || !create)
		return n ? container_of(n, struct floodk, o.node) : NULL;
	fl = xcalloc(1, sizeof(*fl));
	fl->k = k;
	obj_init(&fl->o, O_FLOOD);
	return fl;
}

static struct routek *routek_get(const char *vrf, const struct addr *prefix, uint8_t plen,
				 bool create)
{
	struct route_key k;
	struct hnode *n;
	struct routek *r;

	memset(&k, 0, sizeof(k));
	snprintf(k.vrf, sizeof(k.vrf), "%s", vrf);
	k.prefix = *prefix;
	k.plen = plen;
	n = htab_find(&st.obj[O_ROUTE], &k);
	if (n || !create)
		return n ? container_of(n, struct routek, o.node) : NULL;
	r = xcalloc(1, sizeof(*r));
	r->k = k;
	obj_init(&r->o, O_ROUTE);
	return r;
}

static bool obj_empty(struct obj *o)
{
	switch (o->type) {
	case O_FDB: {
		struct fdbk *f = container_of(o, struct fdbk, o);

		return !f->c_present && !f->ports && !addr_is_set(&f->k_vxdst) &&
		       f->k_port == KP_NONE && list_empty(&f->rips);
	}
	case O_IP: {
		struct ipk *i = container_of(o, struct ipk, o);

		return i->k_kind == K_NONE && !i->want && !i->rowner;
	}
	case O_FLOOD: {
		struct floodk *fl = container_of(o, struct floodk, o);

		return !fl->k_present && !fl->c_present;
	}
	case O_ROUTE: {
		struct routek *r = container_of(o, struct routek, o);

		return !r->k_present && !r->c_present;
	}
	}
	return false;
}

static void obj_free(struct obj *o)
{
	htab_remove(&st.obj[o->type], &o->node);
	if (list_linked(&o->dirty))
		list_del(&o->dirty);
	if (list_linked(&o->retry))
		list_del(&o->retry);
	if (list_linked(&o->later))
		list_del(&o->later);
	if (o->type == O_FDB)
		free(container_of(o, struct fdbk, o)->c_ips);
	free(o);
}

/* Free a key nobody needs any more. */
static void obj_gc(struct obj *o)
{
	if (o->dflags || list_linked(&o->dirty) || list_linked(&o->retry) ||
	    list_linked(&o->later) || o->c_inflight ||
	    o->k_inflight || !obj_empty(o))
		return;
	obj_free(o);
}

static struct vni *vni_find(uint32_t id)
{
	struct hnode *n = htab_find(&st.vni, &id);

	return n ? container_of(n, struct vni, node) : NULL;
}

static struct vrf *vrf_find(const char *name)
{
	char key[CSVX_NAME_MAX] = { 0 };
	struct hnode *n;

	snprintf(key, sizeof(key), "%s", name);
	n = htab_find(&st.vrf, key);
	return n ? container_of(n, struct vrf, node) : NULL;
}

static struct vrf *vrf_by_table(uint32_t table)
{
	struct hiter it;
	struct hnode *n;

	htab_for_each(n, &it, &st.vrf) {
		struct vrf *r = container_of(n, struct vrf, node);

		if (r->present && r->cx.id == table)
			return r;
	}
	return NULL;
}

static void schedule_vni(struct vni *v)
{
	if (!list_linked(&v->wl))
		list_add_tail(&st.work_vni, &v->wl);
	v->retry_at = 0;
}

static void schedule_vrf(struct vrf *r)
{
	if (!list_linked(&r->wl))
		list_add_tail(&st.work_vrf, &r->wl);
	r->retry_at = 0;
}

/*
 * When bgpd goes away, zebra uninstalls every remote MAC and flood entry of
 * every VNI at once.  BGP withdrawing the last remote VTEP of every VNI
 * looks the same in the kernel, and is rare; both are answered by holding
 * csvx's state for restart-hold (see removal_due()).
 */
static void k_remote_count(bool was, bool is)
{
	if (was == is)
		return;
	if (is) {
		st.k_remote++;
		st.emptied = false;
	} else if (st.k_remote && !--st.k_remote && !st.in_resync) {
		st.emptied = true;
	}
}

/* The same for routes: zebra removes every route bgpd installed when bgpd
 * leaves, and that need not come within withdraw-delay of the MACs. */
static void route_set_k(struct routek *r, bool present)
{
	if (r->k_present == present)
		return;
	r->k_present = present;
	if (present) {
		st.k_routes++;
		st.routes_emptied = false;
	} else if (st.k_routes && !--st.k_routes && !st.in_resync) {
		st.routes_emptied = true;
	}
}

/*
 * zebra installs a remote MAC as two entries: brcN's own (on port vxsN,
 * extern_learn) and the vxlan driver's (NTF_SELF, with the VTEP).  It does
 * not always remove the second: when a remote MAC turns local, brcN's entry
 * moves to advN and the vxlan driver keeps the old VTEP, which zebra has
 * forgotten.  So a MAC is remote only while both say so.  Recompute after a
 * change of either and mark the key dirty if anything changed.
 */
static void fdb_k_update(struct fdbk *f)
{
	struct addr remote = { 0 };
	bool was = addr_is_set(&f->k_remote), adv = f->k_port == KP_ADV;

	if (f->k_port == KP_VX && addr_is_set(&f->k_vxdst))
		remote = f->k_vxdst;
	if (addr_eq(&remote, &f->k_remote) && adv == f->k_adv)
		return;
	f->k_remote = remote;
	f->k_adv = adv;
	k_remote_count(was, addr_is_set(&remote));
	dirty(&f->o, D_IN | D_OUT, true);
}

static void fdb_k_clear(struct fdbk *f)
{
	memset(&f->k_vxdst, 0, sizeof(f->k_vxdst));
	f->k_port = KP_NONE;
	fdb_k_update(f);
}

static void flood_set_k(struct floodk *fl, bool present)
{
	k_remote_count(fl->k_present, present);
	fl->k_present = present;
}

/* ---- claims: the local MACs/IPs csvx wants advertised ------------------ */

static void claim(uint32_t vni, const struct addr *ips, unsigned int n, const uint8_t *mac,
		  int delta, bool assert)
{
	for (unsigned int j = 0; j < n; j++) {
		struct ipk *i = ipk_get(vni, &ips[j], delta > 0);

		if (!i)
			continue;
		if (delta > 0) {
			i->want++;
			memcpy(i->want_mac, mac, ETH_ALEN);
			if (assert)
				i->assert_local = true;
		} else if (i->want) {
			i->want--;
		}
		dirty(&i->o, D_OUT, true);
	}
}

static bool fdb_c_local(const struct fdbk *f)
{
	return f->c_present && !addr_is_set(&f->c_remote);
}

static bool fdb_is_local(const struct fdbk *f)
{
	return fdb_c_local(f) || f->ports;
}

static void sort_addrs(struct addr *a, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j > 0 && addr_cmp(&a[j - 1], &a[j]) > 0; j--) {
			struct addr t = a[j];

			a[j] = a[j - 1];
			a[j - 1] = t;
		}
}

static void fdb_set_csvx(struct fdbk *f, const struct cx_fdb *cf, bool from_dump)
{
	bool was_local = fdb_c_local(f);

	if (was_local)
		claim(f->k.vni, f->c_ips, f->c_nips, f->k.mac, -1, false);
	free(f->c_ips);
	f->c_ips = NULL;
	f->c_nips = 0;
	memset(&f->c_remote, 0, sizeof(f->c_remote));
	f->c_present = cf != NULL;
	if (cf) {
		f->c_remote = cf->remote;
		if (cf->nips) {
			f->c_ips = xcalloc(cf->nips, sizeof(*f->c_ips));
			memcpy(f->c_ips, cf->ips, cf->nips * sizeof(*f->c_ips));
			f->c_nips = (uint8_t)cf->nips;
			sort_addrs(f->c_ips, f->c_nips);
		}
	}
	if (fdb_c_local(f)) {
		claim(f->k.vni, f->c_ips, f->c_nips, f->k.mac, 1, !from_dump);
		if (!from_dump && !was_local)
			f->assert_local = true;
	}
	dirty(&f->o, D_IN | D_OUT, true);
}

/* ---- csvx mirror ---------------------------------------------------------- */

void st_csvx_vrf(const struct cx_vrf *cv, bool del)
{
	struct vrf *r = vrf_find(cv->name);

	if (!r) {
		if (del)
			return;
		r = xcalloc(1, sizeof(*r));
		snprintf(r->name, sizeof(r->name), "%s", cv->name);
		list_init(&r->wl);
		htab_insert(&st.vrf, &r->node);
	}
	if (del) {
		struct hiter it;
		struct hnode *n;

		r->present = false;
		schedule_vrf(r);
		/* csvx dropped the VRF's routes with it */
		htab_for_each(n, &it, &st.obj[O_ROUTE]) {
			struct routek *rt = container_of(n, struct routek, o.node);

			if (!strcmp(rt->k.vrf, r->name) && rt->c_present) {
				rt->c_present = rt->c_connected = false;
				dirty(&rt->o, D_IN, true);
			}
		}
		return;
	}
	r->seen = true;
	if (!r->present || r->cx.id != cv->id || r->cx.l3vni != cv->l3vni ||
	    memcmp(r->cx.rmac, cv->rmac, ETH_ALEN) || !r->sh.ok)
		schedule_vrf(r);
	r->present = true;
	r->cx = *cv;
}

static void vni_drop_csvx(uint32_t id)
{
	struct hiter it;
	struct hnode *n;

	htab_for_each(n, &it, &st.obj[O_FDB]) {
		struct fdbk *f = container_of(n, struct fdbk, o.node);

		if (f->k.vni == id && f->c_present)
			fdb_set_csvx(f, NULL, false);
	}
	htab_for_each(n, &it, &st.obj[O_FLOOD]) {
		struct floodk *fl = container_of(n, struct floodk, o.node);

		if (fl->k.vni == id && fl->c_present) {
			fl->c_present = false;
			dirty(&fl->o, D_IN, true);
		}
	}
}

void st_csvx_vni(const struct cx_vni *cv, bool del)
{
	struct vni *v = vni_find(cv->vni);

	if (!v) {
		if (del)
			return;
		v = xcalloc(1, sizeof(*v));
		v->id = cv->vni;
		list_init(&v->wl);
		htab_insert(&st.vni, &v->node);
	}
	if (del) {
		if (v->present)
			log_info("VNI %u removed from csvx", v->id);
		v->present = false;
		schedule_vni(v);
		/* its flood list and FDB went with it */
		vni_drop_csvx(v->id);
		return;
	}
	v->seen = true;
	if (!v->present || strcmp(v->cx.vrf, cv->vrf) || !addr_eq(&v->cx.local, &cv->local) ||
	    !v->sh.ok)
		schedule_vni(v);
	v->present = true;
	v->cx = *cv;
}

void st_csvx_fdb(const struct cx_fdb *cf, bool del, bool from_dump)
{
	struct fdbk *f = fdbk_get(cf->vni, cf->mac, !del);

	if (f)
		fdb_set_csvx(f, del ? NULL : cf, from_dump);
}

void st_csvx_fdb_flush(uint32_t vni)
{
	struct hiter it;
	struct hnode *n;

	htab_for_each(n, &it, &st.obj[O_FDB]) {
		struct fdbk *f = container_of(n, struct fdbk, o.node);

		if (f->k.vni == vni && f->c_present)
			fdb_set_csvx(f, NULL, false);
	}
}

void st_csvx_flood(uint32_t vni, const struct addr *remote, bool del)
{
	struct floodk *fl = floodk_get(vni, remote, !del);

	if (!fl)
		return;
	fl->c_present = !del;
	dirty(&fl->o, D_IN, true);
}

void st_csvx_route(const struct cx_route *cr, bool del)
{
	struct routek *r = routek_get(cr->vrf, &cr->prefix, cr->plen, !del);

	if (!r)
		return;
	r->c_present = !del;
	r->c_connected = !del && cr->connected;
	r->c_remote = cr->remote;
	memcpy(r->c_rmac, cr->rmac, ETH_ALEN);
	dirty(&r->o, D_IN, true);
}

void st_csvx_route_flush(const char *vrf)
{
	struct hiter it;
	struct hnode *n;

	htab_for_each(n, &it, &st.obj[O_ROUTE]) {
		struct routek *r = container_of(n, struct routek, o.node);

		if (!strcmp(r->k.vrf, vrf) && r->c_present && !r->c_connected) {
			r->c_present = false;
			dirty(&r->o, D_IN, true);
		}
	}
}

static void port_claim(const struct cx_port *p, int delta, bool assert)
{
	struct fdbk *f = fdbk_get(p->vni, p->mac, delta > 0);

	if (f) {
		if (delta > 0) {
			if (!fdb_is_local(f) && assert)
				f->assert_local = true;
			f->ports++;
		} else if (f->ports) {
			f->ports--;
		}
		dirty(&f->o, D_IN | D_OUT, true);
	}
	claim(p->vni, p->ips, p->nips, p->mac, delta, assert);
}

void st_csvx_port(const struct cx_port *p, bool del, bool from_dump)
{
	char key[IFNAMSIZ] = { 0 };
	struct portk *pk;
	struct hnode *n;

	snprintf(key, sizeof(key), "%s", p->ifname);
	n = htab_find(&st.port, key);
	pk = n ? container_of(n, struct portk, node) : NULL;
	if (pk) {
		port_claim(&pk->p, -1, false);
		if (del) {
			htab_remove(&st.port, &pk->node);
			free(pk);
			return;
		}
	} else if (del) {
		return;
	} else {
		pk = xcalloc(1, sizeof(*pk));
		memcpy(pk->ifname, key, sizeof(key));
		htab_insert(&st.port, &pk->node);
	}
	pk->p = *p;
	port_claim(&pk->p, 1, !from_dump);
}

void st_csvx_params(void)
{
	if (cx.udp_port == conf.shadow_port)
		log_err("csvx's udp-port is %u, the shadow-udp-port: the shadow vxlan devices "
			"would take csvx's traffic; change one of them", cx.udp_port);
}

static void clear_csvx(void)
{
	struct hiter it;
	struct hnode *n;

	htab_for_each(n, &it, &st.port) {
		struct portk *pk = container_of(n, struct portk, node);

		port_claim(&pk->p, -1, false);
		htab_remove(&st.port, n);
		free(pk);
	}
	htab_for_each(n, &it, &st.obj[O_FDB]) {
		struct fdbk *f = container_of(n, struct fdbk, o.node);

		if (f->c_present)
			fdb_set_csvx(f, NULL, true);
	}
	htab_for_each(n, &it, &st.obj[O_FLOOD]) {
		struct floodk *fl = container_of(n, struct floodk, o.node);

		fl->c_present = false;
		dirty(&fl->o, D_IN, true);
	}
	htab_for_each(n, &it, &st.obj[O_ROUTE]) {
		struct routek *r = container_of(n, struct routek, o.node);

		r->c_present = r->c_connected = false;
		dirty(&r->o, D_IN, true);
	}
}

void st_csvx_gone(void)
{
	struct hiter it;
	struct hnode *n;

	clear_csvx();
	htab_for_each(n, &it, &st.vni) {
		struct vni *v = container_of(n, struct vni, node);

		v->present = false;
		schedule_vni(v);
	}
	htab_for_each(n, &it, &st.vrf) {
		struct vrf *r = container_of(n, struct vrf, node);

		r->present = false;
		schedule_vrf(r);
	}
}

/* ---- kernel mirror ------------------------------------------------------- */

static void ip_unlink_owner(struct ipk *i)
{
	if (i->rowner) {
		struct fdbk *f = i->rowner;

		list_del(&i->rlink);
		i->rowner = NULL;
		dirty(&f->o, D_IN, true);
	}
}

static void ip_set_kernel(struct ipk *i, uint8_t kind, const uint8_t *mac)
{
	ip_unlink_owner(i);
	i->k_kind = kind;
	memset(i->k_mac, 0, ETH_ALEN);
	if (mac)
		memcpy(i->k_mac, mac, ETH_ALEN);
	if (kind == K_REMOTE) {
		struct fdbk *f = fdbk_get(i->k.vni, mac, true);

		list_add_tail(&f->rips, &i->rlink);
		i->rowner = f;
		dirty(&f->o, D_IN, true);
	}
	dirty(&i->o, D_OUT, true);
}

/* Everything the kernel had on a VNI's shadow devices is gone. */
static void vni_clear_kernel(uint32_t id)
{
	struct hiter it;
	struct hnode *n;

	htab_for_each(n, &it, &st.obj[O_IP]) {
		struct ipk *i = container_of(n, struct ipk, o.node);

		if (i->k.vni == id && i->k_kind != K_NONE)
			ip_set_kernel(i, K_NONE, NULL);
	}
	htab_for_each(n, &it, &st.obj[O_FDB]) {
		struct fdbk *f = container_of(n, struct fdbk, o.node);

		if (f->k.vni == id)
			fdb_k_clear(f);
	}
	htab_for_each(n, &it, &st.obj[O_FLOOD]) {
		struct floodk *fl = container_of(n, struct floodk, o.node);

		if (fl->k.vni == id && fl->k_present) {
			flood_set_k(fl, false);
			dirty(&fl->o, D_IN, true);
		}
	}
}

static void vrf_clear_kernel(const char *name)
{
	struct hiter it;
	struct hnode *n;

	htab_for_each(n, &it, &st.obj[O_ROUTE]) {
		struct routek *r = container_of(n, struct routek, o.node);

		if (!strcmp(r->k.vrf, name) && r->k_present) {
			route_set_k(r, false);
			dirty(&r->o, D_IN, true);
		}
	}
	htab_for_each(n, &it, &st.rmac) {
		struct rmack *rm = container_of(n, struct rmack, node);

		if (!strcmp(rm->k.vrf, name)) {
			htab_remove(&st.rmac, n);
			free(rm);
		}
	}
}

void st_k_fdb(int ifindex, const uint8_t *mac, const struct addr *dst_in, uint8_t flags,
	      uint16_t state, bool del)
{
	enum shadow_role role;
	struct vni *v = shadow_find(ifindex, &role);
	struct addr dst = *dst_in;
	struct fdbk *f;
	uint8_t port;

	if (role != SH_L2_VX && role != SH_L2_ADV)
		return;
	if (flags & NTF_SELF) {
		/* A device's own entry: the vxlan driver's, with a VTEP (what
		 * zebra installed), or a port's address list. */
		if (role != SH_L2_VX || !addr_is_set(&dst))
			return;
		addr_unmap(&dst);
		if (mac_is_zero(mac)) {
			struct floodk *fl = floodk_get(v->id, &dst, !del);

			if (fl && fl->k_present != !del) {
				flood_set_k(fl, !del);
				dirty(&fl->o, D_IN, true);
			}
			return;
		}
		f = fdbk_get(v->id, mac, !del);
		if (!f)
			return;
		if (del) {
			if (!addr_eq(&f->k_vxdst, &dst))
				return;		/* an older VTEP of a MAC that moved */
			memset(&f->k_vxdst, 0, sizeof(f->k_vxdst));
		} else {
			f->k_vxdst = dst;
		}
		fdb_k_update(f);
		return;
	}
	/* brcN's entry for the MAC: on vxsN zebra's remote MAC, on advN ours.
	 * A port's own address is permanent. */
	if (state & NUD_PERMANENT)
		return;
	port = role == SH_L2_VX ? KP_VX : KP_ADV;
	f = fdbk_get(v->id, mac, !del);
	if (!f)
		return;
	if (del) {
		if (f->k_port != port)
			return;		/* it moved to the other port meanwhile */
		f->k_port = KP_NONE;
	} else {
		f->k_port = port;
	}
	fdb_k_update(f);
}

void st_k_neigh(int ifindex, const struct addr *ip_in, const uint8_t *mac, uint8_t flags,
		uint16_t state, bool del)
{
	enum shadow_role role;
	void *owner = shadow_find(ifindex, &role);
	struct addr ip = *ip_in;

	if (role == SH_L2_BR) {
		struct vni *v = owner;
		uint8_t kind;
		struct ipk *i;

		/* the kernel's own entries for multicast groups */
		if ((ip.family == AF_INET && (ip.b[0] & 0xf0) == 0xe0) ||
		    (ip.family == AF_INET6 && ip.b[0] == 0xff))
			return;

		if (del || !mac || (state & (NUD_FAILED | NUD_INCOMPLETE)))
			kind = K_NONE;
		else if (flags & NTF_EXT_LEARNED)
			kind = K_REMOTE;
		else if (state & (NUD_NOARP | NUD_PERMANENT))
			kind = K_LOCAL;
		else
			kind = K_OTHER;
		i = ipk_get(v->id, &ip, kind != K_NONE);
		if (!i || (i->k_kind == kind && (!mac || !memcmp(i->k_mac, mac, ETH_ALEN))))
			return;
		ip_set_kernel(i, kind, kind == K_NONE ? NULL : mac);
		return;
	}
	if (role == SH_L3_BR) {
		struct vrf *r = owner;
		struct rmac_key k;
		struct rmack *rm;
		struct hnode *n;

		memset(&k, 0, sizeof(k));
		snprintf(k.vrf, sizeof(k.vrf), "%s", r->name);
		addr_unmap(&ip);
		k.vtep = ip;
		n = htab_find(&st.rmac, &k);
		rm = n ? container_of(n, struct rmack, node) : NULL;
		if (del || !mac) {
			if (rm)
				rm->live = false;
			return;		/* keep the MAC: see struct rmack */
		}
		if (!rm) {
			rm = xcalloc(1, sizeof(*rm));
			rm->k = k;
			htab_insert(&st.rmac, &rm->node);
		} else if (!memcmp(rm->mac, mac, ETH_ALEN)) {
			rm->live = true;
			return;
		}
		memcpy(rm->mac, mac, ETH_ALEN);
		rm->live = true;
		st.routes_dirty = true;
	}
}

void st_k_route(uint32_t table, const struct addr *prefix, uint8_t plen, uint32_t nhid,
		const struct rt_nh *nh, unsigned int nnh, bool del)
{
	struct vrf *vrf = vrf_by_table(table);
	struct addr p = *prefix;
	struct routek *r;

	if (!vrf)
		return;
	addr_mask(&p, plen);
	r = routek_get(vrf->name, &p, plen, !del);
	if (!r)
		return;
	if (del) {
		if (!r->k_present)
			return;
		route_set_k(r, false);
	} else {
		route_set_k(r, true);
		r->k_nhid = nhid;
		r->k_nnh = (uint8_t)(nnh > RT_MAX_NH ? RT_MAX_NH : nnh);
		memset(r->k_nh, 0, sizeof(r->k_nh));
		memcpy(r->k_nh, nh, r->k_nnh * sizeof(*nh));
	}
	dirty(&r->o, D_IN, true);
}

void st_k_nexthop(uint32_t id, const struct rt_nh *nh, const uint32_t *grp,
		  unsigned int ngrp, bool del)
{
	struct hnode *n = htab_find(&st.nh, &id);
	struct nhk *k = n ? container_of(n, struct nhk, node) : NULL;

	if (del) {
		if (k) {
			htab_remove(&st.nh, n);
			free(k);
			st.routes_dirty = true;
		}
		return;
	}
	if (!k) {
		k = xcalloc(1, sizeof(*k));
		k->id = id;
		htab_insert(&st.nh, &k->node);
	}
	k->nh = *nh;
	k->ngrp = ngrp;
	memcpy(k->grp, grp, ngrp * sizeof(*grp));
	st.routes_dirty = true;
}

void st_k_link_del(int ifindex)
{
	enum shadow_role role;
	void *owner = shadow_find(ifindex, &role);
	struct hiter it;
	struct hnode *n;

	switch (role) {
	case SH_L2_BR:
	case SH_L2_VX:
	case SH_L2_ADV: {
		struct vni *v = owner;

		shadow_forget(ifindex);
		if (v->present)
			log_warn("VNI %u: a shadow device (ifindex %d) was deleted; recreating",
				 v->id, ifindex);
		/* the ifindex is dead: never act on it again */
		if (v->sh.br == ifindex)
			v->sh.br = 0;
		if (v->sh.vx == ifindex)
			v->sh.vx = 0;
		if (v->sh.adv == ifindex)
			v->sh.adv = 0;
		v->sh.ok = false;
		vni_clear_kernel(v->id);
		schedule_vni(v);
		return;
	}
	case SH_L3_VRF:
	case SH_L3_BR:
	case SH_L3_VX: {
		struct vrf *r = owner;

		shadow_forget(ifindex);
		if (r->present)
			log_warn("VRF %s: a shadow device (ifindex %d) was deleted; recreating",
				 r->name, ifindex);
		if (r->sh.dev == ifindex)
			r->sh.dev = 0;
		if (r->sh.br == ifindex)
			r->sh.br = 0;
		if (r->sh.vx == ifindex)
			r->sh.vx = 0;
		r->sh.ok = false;
		vrf_clear_kernel(r->name);
		schedule_vrf(r);
		return;
	}
	case SH_NONE:
		break;
	}
	/* A VM's tap: its csvx port goes with it. */
	htab_for_each(n, &it, &st.port) {
		struct portk *pk = container_of(n, struct portk, node);

		if (pk->p.ifindex && (int)pk->p.ifindex == ifindex) {
			log_debug("port %s: its device is gone", pk->ifname);
			st_csvx_port(&pk->p, true, false);
		}
	}
	/* A csvx VTEP device: csvx drops the VNI with it, without a notification. */
	htab_for_each(n, &it, &st.vni) {
		struct vni *v = container_of(n, struct vni, node);

		if (v->present && v->cx.ifindex && (int)v->cx.ifindex == ifindex) {
			struct cx_vni cv = { .vni = v->id };

			log_info("VNI %u: its csvx device %s was deleted", v->id, v->cx.ifname);
			st_csvx_vni(&cv, true);
		}
	}
}

/* ---- writes and their completions ------------------------------------- */

static void cx_done(int err, const char *ext, void *arg)
{
	struct obj *o = arg;
	char buf[MAC_STRLEN];

	o->c_inflight--;
	if (err == -ENOBUFS) {
		cx.cmd.overrun = true;	/* acks lost: resynchronise */
	} else if (err == -ENOENT && o->c_op == OP_DEL) {
		/* csvx did not have it: our mirror was behind */
		switch (o->type) {
		case O_FDB:
			fdb_set_csvx(container_of(o, struct fdbk, o), NULL, true);
			break;
		case O_FLOOD:
			container_of(o, struct floodk, o)->c_present = false;
			break;
		case O_ROUTE:
			container_of(o, struct routek, o)->c_present = false;
			break;
		}
	} else if (err == -EEXIST && o->c_op == OP_NEW && o->type == O_FLOOD) {
		container_of(o, struct floodk, o)->c_present = true;
	} else if (err) {
		const char *what = "";
		char key[128];

		st.cx_errors++;
		switch (o->type) {
		case O_FDB: {
			struct fdbk *f = container_of(o, struct fdbk, o);

			what = "fdb";
			snprintf(key, sizeof(key), "vni %u mac %s", f->k.vni, mac_str(f->k.mac, buf));
			break;
		}
		case O_FLOOD: {
			struct floodk *fl = container_of(o, struct floodk, o);
			char a[ADDR_STRLEN];

			what = "flood";
			snprintf(key, sizeof(key), "vni %u remote %s", fl->k.vni,
				 addr_str(&fl->k.remote, a));
			break;
		}
		case O_ROUTE: {
			struct routek *r = container_of(o, struct routek, o);
			char a[ADDR_STRLEN];

			what = "route";
			snprintf(key, sizeof(key), "vrf %s %s/%u", r->k.vrf,
				 addr_str(&r->k.prefix, a), r->k.plen);
			break;
		}
		default:
			key[0] = '\0';
		}
		log_limited(LOG_WARNING, "csvx refused %s %s %s: %s", what,
			    o->c_op == OP_DEL ? "del" : "add", key, ext ? ext : strerror(-err));
		o->hold |= HOLD_IN;
		if (++o->errors < MAX_ERRORS && !list_linked(&o->retry))
			list_add_tail(&st.retry, &o->retry);
	}
	o->c_op = OP_NONE;
	dirty(o, D_IN, false);
}

static void k_done(int err, const char *ext, void *arg)
{
	struct obj *o = arg;

	o->k_inflight--;
	if (err == -ENOBUFS) {
		rt.cmd.overrun = true;
	} else if (err == -ENOENT && o->k_op == OP_DEL) {
		if (o->type == O_FDB) {
			struct fdbk *f = container_of(o, struct fdbk, o);

			if (f->k_port == KP_ADV) {
				f->k_port = KP_NONE;
				fdb_k_update(f);
			}
		} else if (o->type == O_IP && container_of(o, struct ipk, o)->k_kind == K_LOCAL)
			ip_set_kernel(container_of(o, struct ipk, o), K_NONE, NULL);
	} else if (err) {
		st.k_errors++;
		log_limited(LOG_WARNING, "kernel refused a %s for a local VM: %s",
			    o->type == O_FDB ? "bridge FDB entry" : "neighbour",
			    ext ? ext : strerror(-err));
		o->hold |= HOLD_OUT;
		if (++o->errors < MAX_ERRORS && !list_linked(&o->retry))
			list_add_tail(&st.retry, &o->retry);
	}
	o->k_op = OP_NONE;
	dirty(o, D_OUT, false);
}

static void nop_done(int err, const char *ext, void *arg)
{
	(void)err;
	(void)ext;
	(void)arg;
}

/* A write for O: count it; a key written again and again with nothing
 * changing means csvx does not do what we ask (or we misread it). */
static bool may_write(struct obj *o, uint8_t hold)
{
	if (o->hold & hold)
		return false;
	if (++o->rewrites > MAX_REWRITES) {
		log_limited(LOG_WARNING, "a %s entry does not settle; leaving it until it changes",
			    o->type == O_FDB ? "fdb" : o->type == O_FLOOD ? "flood" :
			    o->type == O_ROUTE ? "route" : "neighbour");
		o->hold |= hold;
		return false;
	}
	return true;
}

static void cx_write_start(struct obj *o, enum op op)
{
	o->c_op = (uint8_t)op;
	o->c_inflight++;
	st.cx_writes++;
}

static void k_write_start(struct obj *o, enum op op)
{
	o->k_op = (uint8_t)op;
	o->k_inflight++;
	st.k_writes++;
}

/* ---- reconciliation ------------------------------------------------------- */

bool (*st_frr_ok)(void);
void (*st_hold_request)(const char *why);

/*
 * May O's csvx entry be removed now?  Not while FRR restarts (hold), not
 * before the kernel has been without it for withdraw-delay ms, and not if
 * FRR turns out to have gone in the meantime.
 */
static bool removal_due(struct obj *o)
{
	uint64_t now;

	if (st.hold) {
		st.deferred++;
		return false;
	}
	now = now_ms();
	if (!o->del_at)
		o->del_at = now + conf.withdraw_delay;
	if (now < o->del_at) {
		if (!list_linked(&o->later))
			list_add_tail(&st.later, &o->later);
		return false;
	}
	if ((st.emptied && !st.k_remote) || (st.routes_emptied && !st.k_routes)) {
		const char *what = st.emptied && !st.k_remote ?
			"every remote MAC and flood entry" : "every VRF route";

		st.emptied = st.routes_emptied = false;
		st.deferred++;
		if (st_hold_request) {
			char why[128];

			snprintf(why, sizeof(why), "zebra removed %s at once (bgpd gone?)", what);
			st_hold_request(why);
		}
		return false;
	}
	if (st_frr_ok && !st_frr_ok()) {
		st.deferred++;
		return false;
	}
	o->del_at = 0;
	return true;
}

/* The key is wanted (again): a pending removal is off. */
static void removal_off(struct obj *o)
{
	o->del_at = 0;
	if (list_linked(&o->later))
		list_del(&o->later);
}

void st_delayed_tick(uint64_t now)
{
	struct list *l, *t;

	list_for_each_safe(l, t, &st.later) {
		struct obj *o = container_of(l, struct obj, later);

		if (o->del_at <= now) {
			list_del(&o->later);
			dirty(o, D_IN, false);
		}
	}
}

uint64_t st_next_due(void)
{
	uint64_t next = 0;
	struct list *l, *t;

	list_for_each_safe(l, t, &st.later) {
		struct obj *o = container_of(l, struct obj, later);

		if (!next || o->del_at < next)
			next = o->del_at;
	}
	return next;
}

static bool csvx_ready_vni(uint32_t id)
{
	struct vni *v = vni_find(id);

	return cx.up && !st.in_resync && v && v->present;
}

static unsigned int remote_ips(const struct fdbk *f, struct addr *ips)
{
	struct list *l, *t;
	unsigned int n = 0;

	list_for_each_safe(l, t, &f->rips) {
		struct ipk *i = container_of(l, struct ipk, rlink);

		if (n < CSVX_FDB_MAX_IPS)
			ips[n++] = i->k.ip;
	}
	sort_addrs(ips, n);
	return n;
}

/* Does csvx have an IP of F that IPS (sorted) has not? */
static bool ips_lost(const struct fdbk *f, const struct addr *ips, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < f->c_nips; i++) {
		for (j = 0; j < n; j++)
			if (addr_eq(&f->c_ips[i], &ips[j]))
				break;
		if (j == n)
			return true;
	}
	return false;
}

/* csvx follows zebra's remote MAC (type 2) */
static void fdb_in(struct fdbk *f)
{
	struct cx_fdb want = { .vni = f->k.vni };
	char b1[MAC_STRLEN], b2[ADDR_STRLEN];

	if (!csvx_ready_vni(f->k.vni) || f->o.c_inflight || fdb_is_local(f))
		return;
	if (addr_is_set(&f->k_remote)) {
		memcpy(want.mac, f->k.mac, ETH_ALEN);
		want.remote = f->k_remote;
		want.nips = remote_ips(f, want.ips);
		if (f->c_present && addr_eq(&f->c_remote, &want.remote) &&
		    f->c_nips == want.nips &&
		    (!want.nips || !memcmp(f->c_ips, want.ips, want.nips * sizeof(*want.ips)))) {
			removal_off(&f->o);
			f->o.rewrites = 0;
			return;
		}
		/*
		 * An IP zebra took away from a MAC that stays is a withdrawal
		 * like any other, and waits like one: a stopping zebra deletes
		 * the neighbours before the MACs, so only the hold that the
		 * MACs' removal starts keeps the IPs in csvx.
		 */
		if (f->c_present && addr_eq(&f->c_remote, &want.remote) &&
		    ips_lost(f, want.ips, want.nips)) {
			if (!removal_due(&f->o))
				return;
		} else {
			removal_off(&f->o);
		}
		if (!may_write(&f->o, HOLD_IN))
			return;
		log_debug("csvx: fdb replace vni %u mac %s remote %s (%u IPs)", f->k.vni,
			  mac_str(f->k.mac, b1), addr_str(&want.remote, b2), want.nips);
		cx_write_start(&f->o, OP_NEW);
		cx_fdb_write(&want, false, cx_done, &f->o);
		return;
	}
	if (!f->c_present || !removal_due(&f->o))
		return;
	if (!may_write(&f->o, HOLD_IN))
		return;
	log_debug("csvx: fdb del vni %u mac %s", f->k.vni, mac_str(f->k.mac, b1));
	memcpy(want.mac, f->k.mac, ETH_ALEN);
	cx_write_start(&f->o, OP_DEL);
	cx_fdb_write(&want, true, cx_done, &f->o);
}

/* A local MAC: a static entry on advN, which zebra advertises */
static void fdb_out(struct fdbk *f)
{
	struct vni *v = vni_find(f->k.vni);
	bool want = fdb_is_local(f);
	char b1[MAC_STRLEN], b2[ADDR_STRLEN];

	if (!v || !v->sh.ok || f->o.k_inflight || st.in_resync)
		return;
	if (want == f->k_adv) {
		f->assert_local = false;
		f->o.rewrites = 0;
		return;
	}
	if (want && addr_is_set(&f->k_remote) && !f->assert_local) {
		/* BGP has the MAC elsewhere with a higher sequence number: the
		 * local entry is probably stale (the VM moved).  Re-asserting it
		 * would make the MAC flap between hosts. */
		log_limited(LOG_NOTICE, "VNI %u: MAC %s is local in csvx but BGP has it at %s; "
			    "not advertising it", f->k.vni, mac_str(f->k.mac, b1),
			    addr_str(&f->k_remote, b2));
		return;
	}
	if (!may_write(&f->o, HOLD_OUT))
		return;
	log_debug("kernel: fdb %s %s dev adv%u", want ? "replace" : "del",
		  mac_str(f->k.mac, b1), f->k.vni);
	f->assert_local = false;
	k_write_start(&f->o, want ? OP_NEW : OP_DEL);
	rt_fdb_write(!want, v->sh.adv, f->k.mac, NTF_MASTER, want ? NUD_NOARP : 0, NULL,
		     k_done, &f->o);
}

/* A local IP: a NOARP neighbour on brcN, which zebra advertises (MAC/IP) */
static void ip_out(struct ipk *i)
{
	struct vni *v = vni_find(i->k.vni);
	char b1[ADDR_STRLEN], b2[MAC_STRLEN];

	if (!v || !v->sh.ok || i->o.k_inflight || st.in_resync)
		return;
	if (i->want) {
		if (i->k_kind == K_LOCAL && !memcmp(i->k_mac, i->want_mac, ETH_ALEN)) {
			i->assert_local = false;
			i->o.rewrites = 0;
			return;
		}
		if (i->k_kind == K_REMOTE && !i->assert_local)
			return;		/* see fdb_out */
		if (!may_write(&i->o, HOLD_OUT))
			return;
		log_debug("kernel: neigh replace %s lladdr %s dev brc%u", addr_str(&i->k.ip, b1),
			  mac_str(i->want_mac, b2), i->k.vni);
		i->assert_local = false;
		k_write_start(&i->o, OP_NEW);
		/* permanent: the neighbour GC never takes it (a NOARP entry goes
		 * after gc_stale_time once the table holds gc_thresh1 entries) */
		rt_neigh_write(false, v->sh.br, &i->k.ip, i->want_mac, NUD_PERMANENT, k_done,
			       &i->o);
		return;
	}
	if (i->k_kind != K_LOCAL)
		return;
	if (!may_write(&i->o, HOLD_OUT))
		return;
	log_debug("kernel: neigh del %s dev brc%u", addr_str(&i->k.ip, b1), i->k.vni);
	k_write_start(&i->o, OP_DEL);
	rt_neigh_write(true, v->sh.br, &i->k.ip, NULL, 0, k_done, &i->o);
}

/* csvx follows zebra's flood list (type 3) */
static void flood_in(struct floodk *fl)
{
	char b[ADDR_STRLEN];

	if (fl->k_present)
		removal_off(&fl->o);
	if (!csvx_ready_vni(fl->k.vni) || fl->o.c_inflight || fl->k_present == fl->c_present) {
		fl->o.rewrites = 0;
		return;
	}
	if (!fl->k_present && !removal_due(&fl->o))
		return;
	if (!may_write(&fl->o, HOLD_IN))
		return;
	log_debug("csvx: flood %s vni %u remote %s", fl->k_present ? "add" : "del", fl->k.vni,
		  addr_str(&fl->k.remote, b));
	cx_write_start(&fl->o, fl->k_present ? OP_NEW : OP_DEL);
	cx_flood_write(fl->k.vni, &fl->k.remote, !fl->k_present, cx_done, &fl->o);
}

static const struct rmack *rmac_find(const char *vrf, const struct addr *vtep)
{
	struct rmac_key k;
	struct hnode *n;

	memset(&k, 0, sizeof(k));
	snprintf(k.vrf, sizeof(k.vrf), "%s", vrf);
	k.vtep = *vtep;
	n = htab_find(&st.rmac, &k);
	return n ? container_of(n, struct rmack, node) : NULL;
}

static void consider(const struct vrf *vrf, const struct rt_nh *nh, struct addr *best,
		     uint8_t *rmac)
{
	const struct rmack *rm;

	if ((int)nh->oif != vrf->sh.br || !addr_is_set(&nh->gw))
		return;
	rm = rmac_find(vrf->name, &nh->gw);
	if (!rm)
		return;
	/* csvx routes have one nexthop: of several VTEPs, the lowest */
	if (!addr_is_set(best) || addr_cmp(&nh->gw, best) < 0) {
		*best = nh->gw;
		memcpy(rmac, rm->mac, ETH_ALEN);
	}
}

static bool route_want(const struct routek *r, const struct vrf *vrf, struct addr *vtep,
		       uint8_t *rmac)
{
	memset(vtep, 0, sizeof(*vtep));
	if (!r->k_present || !vrf->sh.ok)
		return false;
	if (r->k_nhid) {
		struct hnode *n = htab_find(&st.nh, &r->k_nhid);
		const struct nhk *k = n ? container_of(n, struct nhk, node) : NULL;

		if (k && !k->ngrp)
			consider(vrf, &k->nh, vtep, rmac);
		for (unsigned int j = 0; k && j < k->ngrp; j++) {
			struct hnode *m = htab_find(&st.nh, &k->grp[j]);

			if (m)
				consider(vrf, &container_of(m, struct nhk, node)->nh, vtep, rmac);
		}
	} else {
		for (unsigned int j = 0; j < r->k_nnh; j++)
			consider(vrf, &r->k_nh[j], vtep, rmac);
	}
	return addr_is_set(vtep);
}

/* csvx follows zebra's VRF routes (type 5, and type-2 host routes) */
static void route_in(struct routek *r)
{
	struct vrf *vrf = vrf_find(r->k.vrf);
	struct cx_route want = { 0 };
	char b1[ADDR_STRLEN], b2[ADDR_STRLEN], b3[MAC_STRLEN];

	if (!cx.up || st.in_resync || !vrf || !vrf->present || r->o.c_inflight ||
	    r->c_connected)
		return;
	memcpy(want.vrf, r->k.vrf, sizeof(want.vrf));
	want.prefix = r->k.prefix;
	want.plen = r->k.plen;
	if (route_want(r, vrf, &want.remote, want.rmac)) {
		removal_off(&r->o);
		if (r->c_present && addr_eq(&r->c_remote, &want.remote) &&
		    !memcmp(r->c_rmac, want.rmac, ETH_ALEN)) {
			r->o.rewrites = 0;
			return;
		}
		if (!may_write(&r->o, HOLD_IN))
			return;
		log_debug("csvx: route replace vrf %s %s/%u remote %s rmac %s", r->k.vrf,
			  addr_str(&r->k.prefix, b1), r->k.plen, addr_str(&want.remote, b2),
			  mac_str(want.rmac, b3));
		cx_write_start(&r->o, OP_NEW);
		cx_route_write(&want, false, cx_done, &r->o);
		return;
	}
	if (!r->c_present || !removal_due(&r->o))
		return;
	if (!may_write(&r->o, HOLD_IN))
		return;
	log_debug("csvx: route del vrf %s %s/%u", r->k.vrf, addr_str(&r->k.prefix, b1),
		  r->k.plen);
	cx_write_start(&r->o, OP_DEL);
	cx_route_write(&want, true, cx_done, &r->o);
}

static void dirty_all(void)
{
	for (int t = 0; t < O_MAX; t++) {
		struct hiter it;
		struct hnode *n;

		htab_for_each(n, &it, &st.obj[t])
			dirty(container_of(n, struct obj, node), D_IN | D_OUT, true);
	}
}

void st_reconcile(void)
{
	if (st.routes_dirty) {
		struct hiter it;
		struct hnode *n;

		st.routes_dirty = false;
		htab_for_each(n, &it, &st.obj[O_ROUTE])
			dirty(container_of(n, struct obj, node), D_IN, true);
	}
	while (!list_empty(&st.dirty)) {
		struct obj *o = container_of(st.dirty.next, struct obj, dirty);
		uint8_t flags = o->dflags;

		list_del(&o->dirty);
		o->dflags = 0;
		switch (o->type) {
		case O_FDB: {
			struct fdbk *f = container_of(o, struct fdbk, o);

			/* the advertisement first: zebra wants the MAC before its IPs */
			if (flags & D_OUT)
				fdb_out(f);
			if (flags & D_IN)
				fdb_in(f);
			break;
		}
		case O_IP:
			if (flags & D_OUT)
				ip_out(container_of(o, struct ipk, o));
			break;
		case O_FLOOD:
			if (flags & D_IN)
				flood_in(container_of(o, struct floodk, o));
			break;
		case O_ROUTE:
			if (flags & D_IN)
				route_in(container_of(o, struct routek, o));
			break;
		}
		obj_gc(o);
	}
}

void st_retry_tick(void)
{
	struct list *l, *t;

	list_for_each_safe(l, t, &st.retry) {
		struct obj *o = container_of(l, struct obj, retry);

		list_del(&o->retry);
		o->hold = 0;
		o->rewrites = 0;
		dirty(o, D_IN | D_OUT, false);
	}
}

void st_set_hold(bool hold)
{
	if (st.hold == hold)
		return;
	st.hold = hold;
	if (hold) {
		log_notice("holding csvx state: nothing is removed until FRR has settled");
		return;
	}
	log_notice("FRR settled: comparing every entry again (%llu removals were deferred)",
		   st.deferred);
	st.deferred = 0;
	dirty_all();
}

void st_wipe_remote(void)
{
	static const uint8_t zero[ETH_ALEN];
	struct hiter it;
	struct hnode *n;
	unsigned int count = 0;

	htab_for_each(n, &it, &st.obj[O_FDB]) {
		struct fdbk *f = container_of(n, struct fdbk, o.node);
		struct vni *v = vni_find(f->k.vni);

		if (!v || !v->sh.ok || (f->k_port != KP_VX && !addr_is_set(&f->k_vxdst)))
			continue;
		/* two requests: a failing master delete skips the self one */
		if (f->k_port == KP_VX)
			rt_fdb_write(true, v->sh.vx, f->k.mac, NTF_MASTER, 0, NULL, nop_done, NULL);
		if (addr_is_set(&f->k_vxdst))
			rt_fdb_write(true, v->sh.vx, f->k.mac, NTF_SELF, 0, &f->k_vxdst, nop_done,
				     NULL);
		count++;
	}
	htab_for_each(n, &it, &st.obj[O_FLOOD]) {
		struct floodk *fl = container_of(n, struct floodk, o.node);
		struct vni *v = vni_find(fl->k.vni);

		if (!fl->k_present || !v || !v->sh.ok)
			continue;
		rt_fdb_write(true, v->sh.vx, zero, NTF_SELF, 0, &fl->k.remote, nop_done, NULL);
		count++;
	}
	htab_for_each(n, &it, &st.obj[O_IP]) {
		struct ipk *i = container_of(n, struct ipk, o.node);
		struct vni *v = vni_find(i->k.vni);

		if (i->k_kind != K_REMOTE || !v || !v->sh.ok)
			continue;
		rt_neigh_write(true, v->sh.br, &i->k.ip, NULL, 0, nop_done, NULL);
		count++;
	}
	nls_flush(&rt.cmd);
	log_notice("zebra restarted: cleared %u remote entries it left in the kernel "
		   "(it reinstalls what BGP still has)", count);
}

/* ---- shadow work -------------------------------------------------------- */

static int vtep_lo(struct addr *out, bool *tried, struct addr *cache)
{
	if (!*tried) {
		*tried = true;
		shadow_vtep_auto(cache);
	}
	*out = *cache;
	return addr_is_set(out) ? 0 : -EADDRNOTAVAIL;
}

static int vni_vtep(const struct vni *v, struct addr *out, bool *tried, struct addr *cache)
{
	if (!conf.vtep_auto) {
		*out = conf.vtep;
		return 0;
	}
	if (addr_is_set(&v->cx.local)) {
		*out = v->cx.local;
		return 0;
	}
	return vtep_lo(out, tried, cache);
}

static int vrf_vtep(const struct vrf *r, struct addr *out, bool *tried, struct addr *cache)
{
	struct hiter it;
	struct hnode *n;
	const struct vni *any = NULL;

	if (!conf.vtep_auto) {
		*out = conf.vtep;
		return 0;
	}
	if (!vtep_lo(out, tried, cache))
		return 0;
	/* no address on the VTEP interface: the one the VRF's VNIs use */
	htab_for_each(n, &it, &st.vni) {
		const struct vni *v = container_of(n, struct vni, node);

		if (!v->present || !addr_is_set(&v->cx.local))
			continue;
		if (!strcmp(v->cx.vrf, r->name)) {
			*out = v->cx.local;
			return 0;
		}
		any = v;
	}
	if (any) {
		*out = any->cx.local;
		return 0;
	}
	return -EADDRNOTAVAIL;
}

static void vrf_vnis_rewire(const char *name)
{
	struct hiter it;
	struct hnode *n;

	htab_for_each(n, &it, &st.vni) {
		struct vni *v = container_of(n, struct vni, node);

		if (v->present && !strcmp(v->cx.vrf, name))
			schedule_vni(v);
	}
}

static bool work_vrf(struct vrf *r, bool *tried, struct addr *cache)
{
	struct addr vtep;
	int err;

	if (!r->present) {
		if (r->sh.dev || r->sh.br || r->sh.vx || r->sh.ok)
			shadow_vrf_delete(&r->sh, r->name, r->cx.l3vni);
		vrf_clear_kernel(r->name);
		/* events read meanwhile may have scheduled it again, or even
		 * brought the VRF back */
		if (r->present)
			return true;
		if (list_linked(&r->wl))
			list_del(&r->wl);
		htab_remove(&st.vrf, &r->node);
		free(r);
		return true;
	}
	err = vrf_vtep(r, &vtep, tried, cache);
	if (err) {
		log_limited(LOG_WARNING, "VRF %s: no VTEP address yet (vtep-address, or an "
			    "address on %s)", r->name, conf.vtep_dev);
		return false;
	}
	err = shadow_vrf_create(&r->sh, r->name, r->cx.id, r->cx.l3vni, r->cx.rmac, &vtep, r);
	if (err)
		return false;
	vrf_vnis_rewire(r->name);
	st.routes_dirty = true;
	return true;
}

static bool work_vni(struct vni *v, bool *tried, struct addr *cache)
{
	struct addr vtep;
	int vrf_dev = 0, err;

	if (!v->present) {
		if (v->sh.br || v->sh.vx || v->sh.adv || v->sh.ok)
			shadow_vni_delete(&v->sh, v->id);
		vni_clear_kernel(v->id);
		/* see work_vrf() */
		if (v->present)
			return true;
		if (list_linked(&v->wl))
			list_del(&v->wl);
		htab_remove(&st.vni, &v->node);
		free(v);
		return true;
	}
	if (v->cx.vrf[0]) {
		struct vrf *r = vrf_find(v->cx.vrf);

		/* without its VRF yet: made now, enslaved when the VRF is there */
		if (r && r->sh.ok)
			vrf_dev = r->sh.dev;
	}
	err = vni_vtep(v, &vtep, tried, cache);
	if (err) {
		log_limited(LOG_WARNING, "VNI %u: no VTEP address (no local address in csvx, "
			    "none on %s, no vtep-address)", v->id, conf.vtep_dev);
		return false;
	}
	if (addr_is_set(&v->sh.vtep) && v->sh.ok && addr_eq(&v->sh.vtep, &vtep) &&
	    v->sh.master == vrf_dev)
		return true;
	err = shadow_vni_create(&v->sh, v->id, &vtep, vrf_dev, v);
	if (err)
		return false;
	/* local MACs can be advertised now */
	{
		struct hiter it;
		struct hnode *n;

		htab_for_each(n, &it, &st.obj[O_FDB]) {
			struct fdbk *f = container_of(n, struct fdbk, o.node);

			if (f->k.vni == v->id && fdb_is_local(f))
				dirty(&f->o, D_OUT, true);
		}
		htab_for_each(n, &it, &st.obj[O_IP]) {
			struct ipk *i = container_of(n, struct ipk, o.node);

			if (i->k.vni == v->id && i->want)
				dirty(&i->o, D_OUT, true);
		}
	}
	return true;
}

void st_work(void)
{
	struct addr cache = { 0 };
	bool tried = false;
	uint64_t now = now_ms();
	struct list *l, *t;

	/* VRFs before VNIs: a VNI's control bridge goes into its VRF device */
	list_for_each_safe(l, t, &st.work_vrf) {
		struct vrf *r = container_of(l, struct vrf, wl);

		if (r->retry_at > now)
			continue;
		list_del(l);
		if (!work_vrf(r, &tried, &cache)) {
			r->retry_at = now + SHADOW_RETRY_MS;
			/* events read meanwhile may have scheduled it again */
			if (!list_linked(l))
				list_add_tail(&st.work_vrf, l);
		}
	}
	list_for_each_safe(l, t, &st.work_vni) {
		struct vni *v = container_of(l, struct vni, wl);

		if (v->retry_at > now)
			continue;
		list_del(l);
		if (!work_vni(v, &tried, &cache)) {
			v->retry_at = now + SHADOW_RETRY_MS;
			if (!list_linked(l))
				list_add_tail(&st.work_vni, l);
		}
	}
}

/* ---- resynchronisation ---------------------------------------------------- */

static void clear_kernel(void)
{
	struct hiter it;
	struct hnode *n;

	htab_for_each(n, &it, &st.obj[O_IP]) {
		struct ipk *i = container_of(n, struct ipk, o.node);

		if (i->k_kind != K_NONE)
			ip_set_kernel(i, K_NONE, NULL);
	}
	htab_for_each(n, &it, &st.obj[O_FDB]) {
		struct fdbk *f = container_of(n, struct fdbk, o.node);

		memset(&f->k_vxdst, 0, sizeof(f->k_vxdst));
		memset(&f->k_remote, 0, sizeof(f->k_remote));
		f->k_port = KP_NONE;
		f->k_adv = false;
	}
	htab_for_each(n, &it, &st.obj[O_FLOOD])
		container_of(n, struct floodk, o.node)->k_present = false;
	st.k_remote = 0;
	st.emptied = false;
	htab_for_each(n, &it, &st.obj[O_ROUTE])
		container_of(n, struct routek, o.node)->k_present = false;
	st.k_routes = 0;
	st.routes_emptied = false;
	htab_for_each(n, &it, &st.nh) {
		htab_remove(&st.nh, n);
		free(container_of(n, struct nhk, node));
	}
	htab_for_each(n, &it, &st.rmac)
		container_of(n, struct rmack, node)->live = false;
}

static bool keep_shadow(const char *name, void *arg)
{
	struct hiter it;
	struct hnode *n;

	(void)arg;
	htab_for_each(n, &it, &st.vni) {
		struct vni *v = container_of(n, struct vni, node);
		char br[IFNAMSIZ], vx[IFNAMSIZ], adv[IFNAMSIZ];

		if (!v->present)
			continue;
		shadow_vni_names(v->id, br, vx, adv);
		if (!strcmp(name, br) || !strcmp(name, vx) || !strcmp(name, adv))
			return true;
	}
	htab_for_each(n, &it, &st.vrf) {
		struct vrf *r = container_of(n, struct vrf, node);
		char dev[IFNAMSIZ], br[IFNAMSIZ], vx[IFNAMSIZ], adv[IFNAMSIZ];

		if (!r->present)
			continue;
		shadow_vni_names(r->cx.l3vni, br, vx, adv);
		if (!strcmp(name, br) || !strcmp(name, vx) ||
		    (shadow_vrf_devname(r->name, dev) && !strcmp(name, dev)))
			return true;
	}
	return false;
}

int st_resync(void)
{
	static const uint8_t kernel_dumps[][2] = {
		{ RTM_GETNEIGH, AF_BRIDGE }, { RTM_GETNEIGH, AF_INET },
		{ RTM_GETNEIGH, AF_INET6 }, { RTM_GETNEXTHOP, AF_UNSPEC },
		{ RTM_GETROUTE, AF_INET }, { RTM_GETROUTE, AF_INET6 },
	};
	static const uint8_t csvx_dumps[] = {
		CSVX_CMD_GET_FDB, CSVX_CMD_GET_FLOOD, CSVX_CMD_GET_ROUTE, CSVX_CMD_GET_PORT,
	};
	uint64_t t0 = now_ms();
	struct hiter it;
	struct hnode *n;
	int err = 0, rc;

	/* Nothing of ours may be in flight while the mirrors are refilled. */
	nls_drain(&cx.cmd);
	nls_drain(&rt.cmd);
	st_pump_events();
	st.in_resync = true;

	/* csvx's VRFs and VNIs, and their shadow devices */
	clear_csvx();
	htab_for_each(n, &it, &st.vni)
		container_of(n, struct vni, node)->seen = false;
	htab_for_each(n, &it, &st.vrf)
		container_of(n, struct vrf, node)->seen = false;
	err = cx_get_params();
	if (!err)
		err = cx_dump(CSVX_CMD_GET_VRF);
	if (!err)
		err = cx_dump(CSVX_CMD_GET_VNI);
	if (err)
		goto out;
	htab_for_each(n, &it, &st.vni) {
		struct vni *v = container_of(n, struct vni, node);

		if (!v->seen && v->present) {
			v->present = false;
			schedule_vni(v);
		}
	}
	htab_for_each(n, &it, &st.vrf) {
		struct vrf *r = container_of(n, struct vrf, node);

		if (!r->seen && r->present) {
			r->present = false;
			schedule_vrf(r);
		}
	}
	st_work();
	rc = shadow_sweep(keep_shadow, NULL);
	if (rc < 0)
		log_warn("could not list links to remove stale shadow devices: %s", strerror(-rc));

	/* the kernel: what zebra programmed, what we advertised */
	clear_kernel();
	for (size_t i = 0; i < ARRAY_SIZE(kernel_dumps) && !err; i++)
		err = rt_dump(kernel_dumps[i][0], kernel_dumps[i][1]);
	/* csvx's entries */
	for (size_t i = 0; i < ARRAY_SIZE(csvx_dumps) && !err; i++) {
		rc = cx_dump(csvx_dumps[i]);
		if (csvx_dumps[i] != CSVX_CMD_GET_PORT || rc == -EINTR)
			err = rc;
	}
out:
	st.in_resync = false;
	dirty_all();
	st.routes_dirty = false;
	if (!err)
		log_info("resynchronised in %llu ms: %zu MACs, %zu IPs, %zu flood, %zu routes "
			 "known", (unsigned long long)(now_ms() - t0), st.obj[O_FDB].n,
			 st.obj[O_IP].n, st.obj[O_FLOOD].n, st.obj[O_ROUTE].n);
	return err;
}

void st_pump_events(void)
{
	static bool busy;

	if (busy)
		return;
	busy = true;
	if (nls_is_open(&rt.ev))
		while (nls_recv(&rt.ev, false) > 0)
			;
	if (nls_is_open(&cx.ev))
		while (nls_recv(&cx.ev, false) > 0)
			;
	busy = false;
}

void st_stats(char *buf, size_t len)
{
	snprintf(buf, len, "%zu VNIs, %zu VRFs, %zu MAC keys, %zu IP keys, %zu flood, "
		 "%zu routes, %u shadow devices; writes csvx %llu (%llu refused), kernel %llu "
		 "(%llu refused)", st.vni.n, st.vrf.n, st.obj[O_FDB].n, st.obj[O_IP].n,
		 st.obj[O_FLOOD].n, st.obj[O_ROUTE].n, shadow_count(), st.cx_writes,
		 st.cx_errors, st.k_writes, st.k_errors);
}

void st_fini(void)
{
	struct hiter it;
	struct hnode *n;

	for (int t = 0; t < O_MAX; t++) {
		htab_for_each(n, &it, &st.obj[t]) {
			struct obj *o = container_of(n, struct obj, node);

			if (o->type == O_IP && container_of(o, struct ipk, o)->rowner)
				list_del(&container_of(o, struct ipk, o)->rlink);
		}
	}
	for (int t = 0; t < O_MAX; t++) {
		htab_for_each(n, &it, &st.obj[t]) {
			struct obj *o = container_of(n, struct obj, node);

			if (o->type == O_FDB)
				list_init(&container_of(o, struct fdbk, o)->rips);
			obj_free(o);
		}
		htab_free(&st.obj[t]);
	}
	htab_for_each(n, &it, &st.rmac) {
		htab_remove(&st.rmac, n);
		free(container_of(n, struct rmack, node));
	}
	htab_for_each(n, &it, &st.nh) {
		htab_remove(&st.nh, n);
		free(container_of(n, struct nhk, node));
	}
	htab_for_each(n, &it, &st.vni) {
		htab_remove(&st.vni, n);
		free(container_of(n, struct vni, node));
	}
	htab_for_each(n, &it, &st.vrf) {
		htab_remove(&st.vrf, n);
		free(container_of(n, struct vrf, node));
	}
	htab_for_each(n, &it, &st.port) {
		htab_remove(&st.port, n);
		free(container_of(n, struct portk, node));
	}
	htab_free(&st.rmac);
	htab_free(&st.nh);
	htab_free(&st.vni);
	htab_free(&st.vrf);
	htab_free(&st.port);
}
