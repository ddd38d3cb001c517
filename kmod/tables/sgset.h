/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Address sets in the style of ipset's hash:ip and hash:net, for security
 * group rules.
 *
 * A set is a name and a pointer to its contents (struct csvx_set_data),
 * which swap exchanges under RCU, so a packet sees one set's contents or
 * the other's, never a mix.  The contents are one csvx_htab of members
 * keyed by (masked address, prefix length):
 *
 *  - hash:ip: every member has the full length; a test is one probe;
 *  - hash:net: a bitmap says which prefix lengths are present, and a test
 *    probes once per length present (longest first), whatever the number
 *    of members.
 *
 * The sets of a namespace also share one index (struct csvx_sgidx):
 * every member of every set is in it too, keyed by (masked address,
 * length) alone, and points at the contents it belongs to.  So "which
 * sets hold this address" is one probe per length present in the
 * namespace (one for hash:ip), however many sets a classifier names, and
 * the classifier asks, for each member found, whether a set it names has
 * those contents now (set->data): a swap, which only exchanges the
 * contents pointers, needs no index change, and a member add or delete is
 * one more insert or remove.
 *
 * A member is two cache lines, one per table (hash node, address,
 * length, then index node, address, contents), so a probe of either
 * reads the bucket's line and one line of the member (htab.h).
 * Writers are serialised by the caller (tables.h); tests run under RCU.
 */
#ifndef _CSVX_SGSET_H
#define _CSVX_SGSET_H

#include "tables.h"
#include "htab.h"

#define CSVX_SET_DEFAULT_MAXELEM	65536
#define CSVX_PLEN_WORDS			3	/* bitmap of lengths 0..128 */

struct csvx_set_data;

struct csvx_set_member {
	struct csvx_hnode node;		/* node.user: references (groups) */
	u32 addr[4];			/* masked; IPv4 in addr[0] */
	u8 plen;
	/* the index's line: a copy of the key, so a probe reads one line */
	struct csvx_hnode inode ____cacheline_aligned;	/* inode.user: plen */
	u32 iaddr[4];
	const struct csvx_set_data *data;	/* the contents it is in */
	struct rcu_head rcu;
};

/*
 * The namespace's index of set members by address, [0] IPv4 and [1]
 * IPv6.  Its size is bounded by the members' own limits (max-set-members,
 * and the groups' port addresses).
 */
struct csvx_sgidx {
	struct csvx_htab h[2];
	u64 lens[2][CSVX_PLEN_WORDS];	/* lengths present, READ_ONCE */
	u32 lencnt[2][129];		/* writer side: members per length */
};

struct csvx_set_data {
	struct csvx_htab h;
	u64 lens[CSVX_PLEN_WORDS];	/* lengths present, READ_ONCE */
	u32 maxelem;
	struct rcu_head rcu;
	u32 lencnt[129];		/* writer side: members per length */
};

struct csvx_set {
	struct csvx_hnode node;		/* owner's index (by name) */
	struct csvx_set_data __rcu *data;
	u8 type;			/* enum csvx_set_type */
	u8 family;			/* AF_INET or AF_INET6 */
	u32 refs;			/* writer side: rules naming it */
	struct csvx_sgidx *idx;		/* its members are indexed there */
	u64 mark;			/* writer side: scratch for the compiler */
	char name[CSVX_SET_NAME_MAX];
	struct rcu_head rcu;
};

/*
 * The hash of set members and of a classifier's prefixes.  Only the
 * administrator inserts into these tables (packets only probe), so a
 * cheap mix seeded by the table's random key does: no hash flooding is
 * possible, and a probe costs a few multiplications instead of SipHash
 * rounds.  (The connection table, filled by packets, uses jhash with a
 * random seed and caps its chains: conn.h.)
 */
static inline u32 csvx_sg_mix(const struct csvx_htab *h, u64 x)
{
	x ^= (u64)h->key.key[0];
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* @a: 1 (IPv4) or 4 words, then @extra (length and such). */
static inline u32 csvx_sg_hash(const struct csvx_htab *h, int words,
			       const u32 *a, u32 extra)
{
	u64 x = (u64)extra << 32 | a[0];

	if (words > 1) {
		x = x * 0x9e3779b97f4a7c15ULL ^ ((u64)a[1] << 32 | a[2]);
		x = x * 0x9e3779b97f4a7c15ULL ^ a[3];
	}
	return csvx_sg_mix(h, x);
}

static inline u8 csvx_family_bits(u8 family)
{
	return family == AF_INET ? 32 : 128;
}

/* @addr with the bits beyond @plen cleared, as words in network order. */
void csvx_addr_mask(const struct csvx_addr *addr, u8 plen, u32 *out);
/* True if @addr has no bit set beyond @plen. */
bool csvx_addr_is_prefix(const struct csvx_addr *addr, u8 plen);

void csvx_sgidx_init(struct csvx_sgidx *idx);
/* Every set indexed here is gone (csvx_set_unindex() or _free()). */
void csvx_sgidx_destroy(struct csvx_sgidx *idx);
size_t csvx_sgidx_memory(const struct csvx_sgidx *idx);

static inline u32 csvx_sgidx_hash(const struct csvx_htab *h, int fam,
				  const u32 *a, u8 plen)
{
	return csvx_sg_hash(h, fam ? 4 : 1, a, plen);
}

/*
 * Index an empty set's members in @idx from now on (a set of a namespace;
 * a set alone, as the unit tests make, is not indexed).  Writer.
 */
void csvx_set_index(struct csvx_set *set, struct csvx_sgidx *idx);
/*
 * Take the set's members out of the index, before a grace period that
 * precedes freeing the set: a reader may be looking at them.  Writer.
 */
void csvx_set_unindex(struct csvx_set *set);

/* A new empty set; NULL with *msg on a bad type/family, -ENOMEM. */
struct csvx_set *csvx_set_alloc(const char *name, u8 type, u8 family,
				u32 maxelem, const char **msg);
/* Frees the set and its members now: no reader may see it any more. */
void csvx_set_free(struct csvx_set *set);

/*
 * Add a member: an address (hash:ip; @plen must be the full length) or a
 * prefix (hash:net, host bits clear).  -EEXIST if present (with @ref the
 * member's reference count goes up instead: the internal sets of groups
 * hold one reference per port address), -ENOSPC beyond maxelem,
 * -EINVAL for a wrong family or prefix.  Writer.
 */
int csvx_set_add(struct csvx_set *set, const struct csvx_addr *addr, u8 plen,
		 bool ref, const char **msg);
/* -ENOENT if absent; with @ref only the last reference removes it. */
int csvx_set_del(struct csvx_set *set, const struct csvx_addr *addr, u8 plen,
		 bool ref, const char **msg);
/* Would @addr/@plen be a valid member (family, length, host bits)? */
int csvx_set_check_member(const struct csvx_set *set,
			  const struct csvx_addr *addr, u8 plen,
			  const char **msg);
/* The exact member (writer or RCU). */
struct csvx_set_member *csvx_set_find(const struct csvx_set *set,
				      const struct csvx_addr *addr, u8 plen);
/* The member matching @addr, longest prefix first (RCU). */
struct csvx_set_member *csvx_set_match(const struct csvx_set *set,
				       const struct csvx_addr *addr);

/* Is @addr in the set?  One probe per length present.  RCU. */
static inline bool csvx_set_test(const struct csvx_set *set,
				 const struct csvx_addr *addr)
{
	return csvx_set_match(set, addr);
}

u32 csvx_set_count(const struct csvx_set *set);
u32 csvx_set_maxelem(const struct csvx_set *set);
/* -EBUSY if the set holds more than @maxelem members. */
int csvx_set_set_maxelem(struct csvx_set *set, u32 maxelem, const char **msg);

/*
 * Empty the set: readers move to empty contents at once; the old members
 * are freed after a grace period (this waits for it).  Returns how many
 * members there were, or -ENOMEM (nothing changed).
 */
int csvx_set_flush(struct csvx_set *set);
/*
 * Exchange the contents of two sets of the same type and family (and
 * index).  The index does not change: it knows members by contents.
 */
int csvx_set_swap(struct csvx_set *a, struct csvx_set *b, const char **msg);

/*
 * Walk the members in hash order, resumable (see tables.h): @pos is the
 * position of the next member, zeroed for the start.
 */
int csvx_set_walk(const struct csvx_set *set, struct csvx_htab_pos *pos,
		  int (*fn)(const struct csvx_set *,
			    const struct csvx_set_member *, void *),
		  void *arg);

size_t csvx_set_memory(const struct csvx_set *set);

#endif /* _CSVX_SGSET_H */
