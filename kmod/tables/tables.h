/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The csvx forwarding tables of one network namespace.
 *
 * Nothing in kmod/tables knows about sk_buffs or netlink: the same files
 * compile in user space against tables/shim_user.h (liburcu), so they are
 * unit-tested and benchmarked natively.  Rules for everything declared here:
 *
 *  - Readers (the datapath) run under rcu_read_lock() and never block or
 *    take a lock.  Lookup functions are marked "RCU"; the writer may call
 *    them too, under its lock (they do no lockdep-checked dereference).
 *  - Writers are serialised by the caller (the per-namespace mutex in
 *    kmod/netns.c); the tables take no lock of their own and never rtnl.
 *  - A failed mutation changes nothing and sets *msg to a static string
 *    saying why; the errno tells the class (EEXIST, ENOENT, ENOSPC, EBUSY,
 *    EINVAL, ESTALE, EPERM, ENOMEM).
 *  - Objects are freed after a grace period (kfree_rcu/call_rcu);
 *    csvx_tables_destroy() frees everything at once and may only run when no
 *    reader can exist any more (namespace exit, after synchronize_rcu()).
 *  - Every table has a limit (csvx_tables.limit[]) and a count
 *    (csvx_tables.count[]), indexed by enum csvx_param.  Reaching a limit is
 *    -ENOSPC.  Allocations use GFP_KERNEL_ACCOUNT: tables are charged to the
 *    memory cgroup of whoever programs them.
 */
#ifndef _CSVX_TABLES_H
#define _CSVX_TABLES_H

#include "shim.h"
#include "htab.h"
#include <uapi/linux/csvx.h>

struct csvx_tables;

/* An underlay or overlay address; family 0 means "none". */
struct csvx_addr {
	union {
		__be32 ip4;
		struct in6_addr ip6;
		u32 w[4];
	};
	u8 family;		/* AF_INET, AF_INET6 or 0 */
};

static inline bool csvx_addr_equal(const struct csvx_addr *a,
				   const struct csvx_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->ip4 == b->ip4;
	return !memcmp(&a->ip6, &b->ip6, sizeof(a->ip6));
}

/* Defaults for enum csvx_param, used at namespace creation. */
#define CSVX_DEFAULT_UDP_PORT	4789
#define CSVX_DEFAULT_MAX_VRFS	4096
#define CSVX_DEFAULT_MAX_VNIS	16384
#define CSVX_DEFAULT_MAX_FLOOD	65536
#define CSVX_DEFAULT_MAX_FDB	(1U << 20)
#define CSVX_DEFAULT_MAX_ROUTES	(1U << 20)
#define CSVX_DEFAULT_MAX_FLOWS	(1U << 20)
/* Upper bound of any limit: a namespace cannot ask for more. */
#define CSVX_LIMIT_CEILING	(1U << 24)

struct csvx_lpm;		/* tables/lpm.c: compact LPM of one family */

/* ------------------------------------------------------------------ VRF */

/* What the receive path needs (L3VNI -> VRF -> LPM) is in the first line. */
struct csvx_vrf {
	struct csvx_hnode by_l3vni;	/* private: tables/vrf.c */
	u32 id;
	u32 l3vni;
	u64 rmac;		/* router MAC in the low 48 bits, READ_ONCE */
	struct csvx_lpm *lpm4;	/* never NULL while the VRF exists */
	struct csvx_lpm *lpm6;
	u32 nr_vnis;		/* writer side: VNIs in this VRF */
	u32 nr_routes;		/* writer side: routes (connected ones too) */
	char name[CSVX_NAME_MAX];
	/* private: hash linkage and freeing, owned by tables/vrf.c */
	struct csvx_hnode by_name;
	struct csvx_hnode by_id;
	struct rcu_head rcu;
};

struct csvx_vrf_spec {
	const char *name;
	u32 id;
	u32 l3vni;
	const u8 *rmac;
};

/*
 * Add a VRF, or with @replace change the router MAC of an existing one
 * (name, id and L3VNI must then match: -EINVAL otherwise).  The L3VNI must
 * not be an L2 VNI (-EEXIST).  A VRF's address is stable until it is
 * deleted; it is freed after a grace period.
 */
int csvx_vrf_add(struct csvx_tables *t, const struct csvx_vrf_spec *spec,
		 bool replace, const char **msg);
/* -EBUSY while a VNI is in the VRF; removes the VRF's routes. */
int csvx_vrf_del(struct csvx_tables *t, const char *name, const char **msg);
struct csvx_vrf *csvx_vrf_by_name(struct csvx_tables *t, const char *name);	/* RCU or writer */
struct csvx_vrf *csvx_vrf_by_id(struct csvx_tables *t, u32 id);		/* RCU or writer */
struct csvx_vrf *csvx_vrf_by_l3vni(struct csvx_tables *t, u32 l3vni);	/* RCU */

/* ------------------------------------------------------------------ VNI */

/* A VNI's flood list: replaced as a whole under RCU on every change. */
struct csvx_flood {
	u32 nr;
	struct rcu_head rcu;
	struct csvx_addr remote[];
};

struct csvx_vni {
	struct csvx_hnode node;		/* private: the VNI table (vni.c) */
	u32 vni;
	u32 mtu;
	struct csvx_vrf *vrf;		/* NULL: pure L2 */
	struct csvx_flood __rcu *flood;	/* NULL when empty */
	void *dev;			/* the VTEP net_device (datapath owns it) */
	int ifindex;			/* set by the device code, 0 = none */
	u8 gw_plen;
	struct csvx_addr local;		/* VTEP source, family 0 = route lookup */
	struct csvx_addr gw;		/* anycast gateway, family 0 = none */
	u8 gw_mac[ETH_ALEN];
	char ifname[IFNAMSIZ];
	u32 nr_fdb;			/* writer side */
	/* private: owned by tables/vni.c and tables/fdb.c */
	struct csvx_hnode by_name;	/* the device-name index */
	struct csvx_htab fdb;		/* this VNI's FDB entries: walks, flush */
	struct rcu_head rcu;
};

struct csvx_vni_spec {
	u32 vni;
	const char *vrf;		/* NULL: no VRF */
	const char *ifname;
	struct csvx_addr local;
	struct csvx_addr gw;
	u8 gw_plen;
	const u8 *gw_mac;		/* required iff gw.family */
	u32 mtu;			/* 0: let the device code choose */
};

/*
 * Add a VNI; with @replace change local/gw/mtu/vrf of an existing one.
 * The VRF must exist (-ENOENT), the VNI must not be an L3VNI (-EEXIST), the
 * gateway prefix must fit its family (-EINVAL).  A gateway in a VRF adds
 * the connected route gw/plen -> this VNI to the VRF.  The device name is
 * unique (-EEXIST) and cannot change on replace (-EINVAL).
 *
 * A VNI's address is stable from add to delete (replace updates it in
 * place, as the kernel's vxlan changelink does: a packet racing with a
 * replace may see some fields old and some new); it is freed after a grace
 * period.
 */
int csvx_vni_add(struct csvx_tables *t, const struct csvx_vni_spec *spec,
		 bool replace, const char **msg);
/* Removes the VNI with its flood list, FDB and connected route. */
int csvx_vni_del(struct csvx_tables *t, u32 vni, const char **msg);
struct csvx_vni *csvx_vni_lookup(struct csvx_tables *t, u32 vni);	/* RCU */

int csvx_flood_add(struct csvx_tables *t, u32 vni,
		   const struct csvx_addr *remote, const char **msg);
int csvx_flood_del(struct csvx_tables *t, u32 vni,
		   const struct csvx_addr *remote, const char **msg);

/* ------------------------------------------------------------------ FDB */

/*
 * An FDB entry never changes once published: an update publishes a new one
 * in its place.  Entries start on a cache line, and the first one holds
 * the hash, the key and the result: a lookup reads the bucket's line and
 * that line of the entry whose tag matches (htab.h), two lines in all for
 * nearly every entry.
 */
struct csvx_fdb {
	struct csvx_hnode node;		/* private: the FDB table (fdb.c) */
	u32 vni;
	u8 mac[ETH_ALEN];
	u8 nr_ips;
	u8 pad;
	struct csvx_addr remote;	/* family 0: a local MAC */
	u32 seq;
	u32 flags;			/* CSVX_F_STICKY */
	/* private: owned by tables/fdb.c */
	struct csvx_hnode vnode;	/* the VNI's own index */
	struct rcu_head rcu;
	struct csvx_addr ips[];		/* nr_ips, for ARP/ND suppression */
};

struct csvx_fdb_spec {
	u32 vni;
	const u8 *mac;
	struct csvx_addr remote;
	const struct csvx_addr *ips;
	u8 nr_ips;
	u32 seq;
	u32 flags;
};

/*
 * EVPN MAC mobility.  Without @replace: a new MAC is added; for an existing
 * one a higher seq moves/updates it, an equal seq is -EEXIST, a lower one
 * -ESTALE.  With @replace the entry is written whatever its seq.  Either
 * way a sticky MAC does not move to another remote (-EPERM).  The VNI must
 * exist (-ENOENT).  An IP of the entry must not belong to another MAC of
 * the VNI (-EEXIST).
 */
int csvx_fdb_update(struct csvx_tables *t, const struct csvx_fdb_spec *spec,
		    bool replace, const char **msg);
int csvx_fdb_del(struct csvx_tables *t, u32 vni, const u8 *mac,
		 const char **msg);
/* Removes every entry of @vni, returns how many. */
u32 csvx_fdb_flush(struct csvx_tables *t, u32 vni);
struct csvx_fdb *csvx_fdb_lookup(struct csvx_tables *t, u32 vni,
				 const u8 *mac);			/* RCU */
/* ARP/ND suppression: the FDB entry owning IP @ip in @vni. */
struct csvx_fdb *csvx_fdb_lookup_ip(struct csvx_tables *t, u32 vni,
				    const struct csvx_addr *ip);	/* RCU */

/* --------------------------------------------------------------- ROUTE */

/*
 * What a route resolves to.  Nexthops are shared between routes with the
 * same target and referenced by index from the LPM, so an LPM leaf stays
 * small.  Index 0 is "no route".
 */
struct csvx_nexthop {
	struct csvx_addr remote;	/* remote VTEP; family 0: connected */
	u64 rmac;			/* remote router MAC, low 48 bits */
	struct csvx_vni *vni;		/* connected: the local VNI */
	u32 refcnt;			/* writer side */
	u32 id;				/* its index, as the LPM stores it */
	struct rcu_head rcu;
	struct csvx_hnode node;		/* private: sharing (route.c) */
};

struct csvx_route_spec {
	const char *vrf;
	struct csvx_addr prefix;
	u8 plen;
	struct csvx_addr remote;
	const u8 *rmac;
};

struct csvx_route {		/* a dump/GET view of one route */
	struct csvx_addr prefix;
	u8 plen;
	const struct csvx_nexthop *nh;
};

/* Host bits set, plen too long, VRF missing: -EINVAL/-ENOENT with a message. */
int csvx_route_add(struct csvx_tables *t, const struct csvx_route_spec *spec,
		   bool replace, const char **msg);
int csvx_route_del(struct csvx_tables *t, const char *vrf,
		   const struct csvx_addr *prefix, u8 plen, const char **msg);
/* Removes every non-connected route of the VRF, returns how many. */
u32 csvx_route_flush(struct csvx_tables *t, const char *vrf);
/* Longest-prefix match of @dst in @vrf. */
const struct csvx_nexthop *csvx_route_lookup(struct csvx_tables *t,
					     const struct csvx_vrf *vrf,
					     const struct csvx_addr *dst); /* RCU */
/* Exact match (GET): 0, -ENOENT, or -EINVAL for a malformed prefix. */
int csvx_route_get(struct csvx_tables *t, const struct csvx_vrf *vrf,
		   const struct csvx_addr *prefix, u8 plen,
		   struct csvx_route *out);

/* ------------------------------------------------------------- WALKING */

/*
 * Dumps: a walk visits objects in a stable order and can be resumed.  The
 * cursor is opaque to the caller (it fits netlink_callback->args) and
 * starts zeroed.  @fn returns 0 to go on or non-zero to stop; the walk then
 * returns that value and the cursor points at the object that stopped it,
 * so the next call starts with it again.  A walk returns 0 at the end.
 * Walks run under the writer lock or under RCU, and call @fn inside
 * rcu_read_lock() (so @fn must not sleep).  If the table changes between
 * two calls, the walk may skip or repeat objects, and the caller flags the
 * dump with the generation counter (csvx_tables.gen).  In fact FDB, VNI
 * and VRF walks (hash order) and flood and route walks (address order)
 * visit every object that stayed unchanged exactly once (barring, for the
 * hash-ordered ones, an object sharing its full 32-bit hash with one
 * removed meanwhile).
 */
struct csvx_cursor {
	unsigned long pos[5];	/* fits netlink_callback->args[1..5] */
};

int csvx_vrf_walk(struct csvx_tables *t, struct csvx_cursor *c,
		  int (*fn)(const struct csvx_vrf *, void *), void *arg);
int csvx_vni_walk(struct csvx_tables *t, struct csvx_cursor *c,
		  int (*fn)(const struct csvx_vni *, void *), void *arg);
/* vni 0: every VNI's flood list entries */
int csvx_flood_walk(struct csvx_tables *t, u32 vni, struct csvx_cursor *c,
		    int (*fn)(u32 vni, const struct csvx_addr *, void *),
		    void *arg);
/* vni 0: all VNIs */
int csvx_fdb_walk(struct csvx_tables *t, u32 vni, struct csvx_cursor *c,
		  int (*fn)(const struct csvx_fdb *, void *), void *arg);
/* vrf NULL: all VRFs */
int csvx_route_walk(struct csvx_tables *t, const struct csvx_vrf *vrf,
		    struct csvx_cursor *c,
		    int (*fn)(const struct csvx_vrf *, const struct csvx_route *,
			      void *),
		    void *arg);

/* --------------------------------------------------------------- TABLES */

struct csvx_tables {
	u32 limit[CSVX_PARAM_MAX + 1];	/* enum csvx_param */
	u32 count[CSVX_PARAM_MAX + 1];
	u64 gen;			/* bumped on every change */
	struct csvx_tables_priv *priv;	/* hashes, LPMs, nexthops */
};

int csvx_tables_init(struct csvx_tables *t);
/* Frees everything; no reader may be left (see top of file). */
void csvx_tables_destroy(struct csvx_tables *t);
/* Bytes the tables hold (for params show and the benchmarks). */
size_t csvx_tables_memory(struct csvx_tables *t);

#endif /* _CSVX_TABLES_H */
