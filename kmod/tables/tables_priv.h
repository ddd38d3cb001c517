/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the table files share and nothing outside kmod/tables sees.
 */
#ifndef _CSVX_TABLES_PRIV_H
#define _CSVX_TABLES_PRIV_H

#include "tables.h"
#include "lpm.h"

/*
 * Nexthops by index, as LPM leaves name them.  Replaced as a whole (under
 * RCU) when it grows; a slot is NULL while its index is free.
 */
struct csvx_nh_array {
	u32 size;
	struct rcu_head rcu;
	struct csvx_nexthop __rcu *nh[];
};

struct csvx_tables_priv {
	struct csvx_htab fdb;		/* csvx_fdb.node by (VNI, MAC) */
	struct csvx_htab fdb_ip;	/* FDB IP nodes by (VNI, IP) */
	struct csvx_htab vni;		/* csvx_vni.node by VNI */
	struct csvx_htab vni_name;	/* csvx_vni.by_name by device name */
	struct csvx_htab vrf_name;	/* csvx_vrf.by_name */
	struct csvx_htab vrf_id;	/* csvx_vrf.by_id */
	struct csvx_htab vrf_l3vni;	/* csvx_vrf.by_l3vni */
	struct csvx_htab nh;		/* csvx_nexthop.node by target */

	/*
	 * Nexthop indexes.  A freed index may still be in the hands of a
	 * reader that looked up an LPM just before the route went, so it is
	 * reused only after a grace period: freed indexes collect in
	 * @nh_limbo, are sealed into @nh_wait with a grace-period cookie, and
	 * reach @nh_free once that grace period is over.  The lists are
	 * chained through @nh_link (writer side, one u32 per slot).
	 */
	struct csvx_nh_array __rcu *nh_arr;
	u32 *nh_link;
	u32 nh_next;			/* lowest index never used */
	u32 nh_free, nh_limbo, nh_wait;	/* list heads, 0 = empty */
	unsigned long nh_wait_cookie;

	size_t mem;			/* objects, not hash buckets or LPMs */
};

/* Cursors of the walks, kept in struct csvx_cursor. */
struct csvx_walk_pos {
	struct csvx_htab_pos pos;
	u32 done;
};

#define csvx_cursor_load(dst, c) do {					\
	BUILD_BUG_ON(sizeof(*(dst)) > sizeof(struct csvx_cursor));	\
	memcpy(dst, (c)->pos, sizeof(*(dst)));				\
} while (0)
#define csvx_cursor_store(c, src)	memcpy((c)->pos, src, sizeof(*(src)))

static inline void csvx_changed(struct csvx_tables *t)
{
	WRITE_ONCE(t->gen, t->gen + 1);
}

/* Objects from kmalloc(): what the slab really holds for them. */
static inline void csvx_mem_add(struct csvx_tables *t, size_t bytes)
{
	t->priv->mem += kmalloc_size_roundup(bytes);
}

static inline void csvx_mem_sub(struct csvx_tables *t, size_t bytes)
{
	t->priv->mem -= kmalloc_size_roundup(bytes);
}

/* The limit check of every insertion. */
static inline bool csvx_full(const struct csvx_tables *t, enum csvx_param p)
{
	return t->count[p] >= READ_ONCE(t->limit[p]);
}

/* A name as a zero-padded key of CSVX_NAME_MAX bytes; false if too long. */
static inline bool csvx_name_key(char *key, const char *name)
{
	size_t len = strnlen(name, CSVX_NAME_MAX);

	if (len == CSVX_NAME_MAX)
		return false;
	memset(key, 0, CSVX_NAME_MAX);
	memcpy(key, name, len);
	return true;
}

/* ------------------------------------------------------------ addresses */

static inline u8 csvx_addr_bits(const struct csvx_addr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

static inline const u8 *csvx_addr_bytes(const struct csvx_addr *a)
{
	return a->family == AF_INET ? (const u8 *)&a->ip4 : a->ip6.s6_addr;
}

/* A copy with the bytes the family does not use zeroed: a hash key. */
static inline void csvx_addr_norm(struct csvx_addr *dst,
				  const struct csvx_addr *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->family = src->family;
	if (src->family == AF_INET)
		dst->ip4 = src->ip4;
	else if (src->family == AF_INET6)
		dst->ip6 = src->ip6;
}

/* Order of normalised addresses: family, then address bytes. */
static inline int csvx_addr_cmp(const struct csvx_addr *a,
				const struct csvx_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->w, b->w, sizeof(a->w));
}

static inline bool csvx_addr_is_zero(const struct csvx_addr *a)
{
	if (a->family == AF_INET)
		return !a->ip4;
	return !(a->w[0] | a->w[1] | a->w[2] | a->w[3]);
}

/* A usable unicast address of either family. */
static inline bool csvx_addr_unicast(const struct csvx_addr *a)
{
	if (a->family == AF_INET)
		return a->ip4 && a->ip4 != htonl(0xffffffff) &&
		       (ntohl(a->ip4) >> 28) != 0xe;
	if (a->family == AF_INET6)
		return !csvx_addr_is_zero(a) && a->ip6.s6_addr[0] != 0xff;
	return false;
}

/* @dst = @src with the bits from @plen on cleared. */
static inline void csvx_addr_subnet(struct csvx_addr *dst,
				  const struct csvx_addr *src, u8 plen)
{
	u8 *b;
	int i;

	csvx_addr_norm(dst, src);
	b = dst->family == AF_INET ? (u8 *)&dst->ip4 : dst->ip6.s6_addr;
	for (i = 0; i < csvx_addr_bits(dst) / 8; i++, plen -= min_t(u8, plen, 8))
		if (plen < 8)
			b[i] &= (u8)(0xff00 >> plen);
}

/* ----------------------------------------------------------------- MACs */

static inline bool csvx_mac_valid(const u8 *mac)
{
	return mac && !(mac[0] & 1) &&
	       (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

/* The same packing as the kernel's ether_addr_to_u64(). */
static inline u64 csvx_mac64(const u8 *mac)
{
	u64 v = 0;
	int i;

	for (i = 0; i < ETH_ALEN; i++)
		v = v << 8 | mac[i];
	return v;
}

static inline bool csvx_mac_eq(const u8 *a, const u8 *b)
{
	u32 a0, b0;
	u16 a1, b1;

	memcpy(&a0, a, 4);
	memcpy(&b0, b, 4);
	memcpy(&a1, a + 4, 2);
	memcpy(&b1, b + 4, 2);
	return !((a0 ^ b0) | (a1 ^ b1));
}

/* ------------------------------------------------------ across the files */

/* fdb.c */
u32 csvx_fdb_flush_vni(struct csvx_tables *t, struct csvx_vni *v);
void csvx_fdb_destroy(struct csvx_tables *t);

/* vni.c */
void csvx_vni_destroy(struct csvx_tables *t);

/* vrf.c */
void csvx_vrf_destroy(struct csvx_tables *t);

/* route.c */
int csvx_nh_init(struct csvx_tables *t);
void csvx_nh_destroy(struct csvx_tables *t);
size_t csvx_nh_memory(const struct csvx_tables *t);
int csvx_route_connected_add(struct csvx_tables *t, struct csvx_vrf *vrf,
			     struct csvx_vni *vni,
			     const struct csvx_addr *prefix, u8 plen,
			     u32 freeing, const char **msg);
void csvx_route_connected_del(struct csvx_tables *t, struct csvx_vrf *vrf,
			      const struct csvx_addr *prefix, u8 plen);
void csvx_route_vrf_release(struct csvx_tables *t, struct csvx_vrf *vrf);

#endif /* _CSVX_TABLES_PRIV_H */
