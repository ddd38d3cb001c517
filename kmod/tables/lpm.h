/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Longest-prefix match for one address family of one VRF.
 *
 * Compact, so that thousands of tenant VRFs cost memory in proportion to
 * their routes (no fixed multi-megabyte first-level table per VRF), and
 * fast at a million prefixes in a single VRF.  Leaves carry a nexthop index
 * (1..CSVX_LPM_NH_MAX; 0 means "no route"), resolved by the caller.
 *
 * Readers call csvx_lpm_lookup() under rcu_read_lock(); writers are
 * serialised by the caller.  Updates publish new structure with
 * rcu_assign_pointer() and free the old after a grace period.
 */
#ifndef _CSVX_LPM_H
#define _CSVX_LPM_H

#include "shim.h"

#define CSVX_LPM_NH_MAX		((1U << 24) - 1)

struct csvx_lpm;

/* @family: AF_INET or AF_INET6. */
struct csvx_lpm *csvx_lpm_create(int family);
/* Immediately; only when no reader can hold a reference any more. */
void csvx_lpm_destroy(struct csvx_lpm *lpm);
/* After a grace period (an LPM unlinked from a live VRF). */
void csvx_lpm_destroy_rcu(struct csvx_lpm *lpm);

/*
 * Insert or replace prefix/plen (network byte order, host bits zero) with
 * nexthop @nh; *@old_nh is set to the nexthop replaced, 0 if none.
 * -EINVAL for plen out of range, host bits set or nh out of range; -ENOMEM.
 */
int csvx_lpm_insert(struct csvx_lpm *lpm, const u8 *prefix, u8 plen, u32 nh,
		    u32 *old_nh);
/* -ENOENT if absent; *@old_nh gets the nexthop that was removed. */
int csvx_lpm_delete(struct csvx_lpm *lpm, const u8 *prefix, u8 plen,
		    u32 *old_nh);
/* RCU.  The nexthop of the longest prefix covering @addr, 0 if none. */
u32 csvx_lpm_lookup(const struct csvx_lpm *lpm, const u8 *addr);
/*
 * Exact match of prefix/plen, 0 if absent (or if plen/host bits are
 * invalid).  Under the writer's lock or RCU: it takes rcu_read_lock() itself.
 */
u32 csvx_lpm_get(const struct csvx_lpm *lpm, const u8 *prefix, u8 plen);

/*
 * Where a walk resumes: zeroed to start.  @started is 0 before the first
 * call, 1 when @prefix/@plen is the route to start with, 2 once the walk
 * reached the end (further calls return 0 at once).  18 bytes, so it fits
 * netlink_callback->ctx or args[].
 */
struct csvx_lpm_cursor {
	u8 prefix[16];
	u8 plen;
	u8 started;
};

/*
 * Visit every prefix in a stable order (address, then length), resumable:
 * when @fn returns non-zero the walk stops, returns that value, and the next
 * call with the same cursor starts with that prefix again (the first prefix
 * at or after it, if it was deleted meanwhile).  Returns 0 at the end.
 * Under the writer's lock or RCU; @fn runs under rcu_read_lock() (taken by
 * the walk) and must not sleep.  @prefix points at 16 bytes, the bytes past
 * the address family's length zero.  Changes made between two calls may or
 * may not be seen; nothing is visited twice except the prefix that stopped
 * it.
 */
int csvx_lpm_walk(const struct csvx_lpm *lpm, struct csvx_lpm_cursor *cursor,
		  int (*fn)(const u8 *prefix, u8 plen, u32 nh, void *arg),
		  void *arg);
u32 csvx_lpm_count(const struct csvx_lpm *lpm);
/* Bytes held: lookup structure and RIB, as the slab allocator rounds them. */
size_t csvx_lpm_memory(const struct csvx_lpm *lpm);

/* For params/usage output, tests and benchmarks. */
struct csvx_lpm_stats {
	u32 routes;
	u32 top_bits;		/* direct-indexed bits of the top level */
	u32 nodes, leaves;	/* live ones; only filled if count_live */
	u32 nodes_cap, leaves_cap;
	size_t trie_bytes;	/* lookup structure (with struct csvx_lpm) */
	size_t rib_bytes;	/* exact-prefix store */
	bool wide_leaves;	/* some nexthop > 65535: 32-bit leaves */
};

/*
 * Fill @st.  RCU or writer; @count_live walks the whole trie and is for the
 * writer side only (tests, benchmarks).
 */
void csvx_lpm_stats(const struct csvx_lpm *lpm, struct csvx_lpm_stats *st,
		    bool count_live);

#endif /* _CSVX_LPM_H */
