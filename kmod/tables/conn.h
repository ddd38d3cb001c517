/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection table of the security groups.
 *
 * Unlike the other tables it is written from packet context (a first
 * packet admitted by the rules creates an entry), on any CPU, so it has its
 * own writer lock (a spinlock, taken with BHs off) and allocates from a
 * kmem_cache with GFP_ATOMIC.  Readers are lock-free under RCU.
 *
 * One entry serves both directions: the key holds the two (address, port)
 * ends in a fixed order, and the entry remembers which end started it and
 * in which direction of the port (ingress or egress).  Keys carry the
 * port's id (never reused, unlike ifindexes) and zone, so tenants with
 * overlapping addresses and two ports of one host never share an entry.
 *
 * A bucket is one cache line: five slots, each an entry with 16 bits of
 * its hash (a tag), and the head of a chain for the entries that find no
 * free slot.  A lookup reads the line, compares the tags and reads only the
 * entries whose tag matches: a hit is two cache lines, the bucket's and the
 * entry's, when the entry has a slot; the GC keeps at most two entries per
 * bucket on average, so nearly all do.  An entry stays in its slot (or on
 * the chain) until it is removed, so a reader that met a slot half
 * rewritten (one entry's tag, another's pointer) only compares a key in
 * vain.  Chains are singly linked RCU lists ending in a "nulls" marker
 * that names the bucket: a reader that followed an entry into another
 * bucket (moved by a resize) sees a foreign marker and looks again, as
 * does one that raced with a resize (a sequence count).  Resizes happen in
 * process context (the caller's GC work), never on the fast path.
 *
 * Timestamps are in the caller's clock ticks ("now" is always passed in, so
 * tests run on a fake clock), refreshed at most once per @refresh ticks so
 * that an established flow does not dirty its entry on every packet.
 */
#ifndef _CSVX_CONN_H
#define _CSVX_CONN_H

#include "tables.h"

enum csvx_ct_state {
	CSVX_CT_TCP_SYN_SENT,
	CSVX_CT_TCP_SYN_RECV,
	CSVX_CT_TCP_EST,
	CSVX_CT_TCP_FIN,
	CSVX_CT_TCP_CLOSE,
	CSVX_CT_UDP,			/* UDP and any other protocol */
	CSVX_CT_ICMP,			/* ICMP echo */
};

/* Timeouts, in ticks, indexed like enum csvx_param from CT_TCP_SYN on. */
enum csvx_ct_timeout {
	CSVX_CT_T_TCP_SYN,
	CSVX_CT_T_TCP_EST,
	CSVX_CT_T_TCP_FIN,
	CSVX_CT_T_TCP_CLOSE,
	CSVX_CT_T_UDP,
	CSVX_CT_T_UDP_REPLIED,
	CSVX_CT_T_ICMP,
	CSVX_CT_T_NR,
};

/* State word: enum csvx_ct_state in the low byte, then flags. */
#define CSVX_CT_STATE_MASK	0xffU
#define CSVX_CT_F_SWAPPED	0x100U	/* the key's 2nd end started it */
#define CSVX_CT_F_EGRESS	0x200U	/* started by a frame from the port */
#define CSVX_CT_F_REPLIED	0x400U	/* a reply was seen */
#define CSVX_CT_F_DEAD		0x800U	/* unlinked, being freed */

/* TCP flags as in the TCP header's 14th byte */
#define CSVX_TCP_FIN		0x01
#define CSVX_TCP_SYN		0x02
#define CSVX_TCP_RST		0x04
#define CSVX_TCP_ACK		0x10

/* A packet's connection, as the datapath parses it. */
struct csvx_conn_tuple {
	u8 family;
	u8 proto;
	__be16 sport, dport;		/* ICMP echo: the id, twice */
	u32 src[4], dst[4];		/* IPv4 in [0] */
};

struct csvx_conn_key {
	union {
		struct {
			u32 port;		/* port id */
			u32 zone;
			u8 family;
			u8 proto;
			u8 zone_is_vni;
			u8 pad;
			__be16 p[2];	/* the ports of a[] ends 0 and 1 */
			u32 a[8];	/* IPv4: a[0], a[1]; IPv6: a[0..7] */
		};
		u64 w[6];		/* compared a word at a time */
		u32 w32[12];		/* see csvx_conn_hash() */
	};
};

/* The bytes (three words) an IPv4 key compares. */
#define CSVX_CONN_KEY4	(offsetof(struct csvx_conn_key, a) + 2 * sizeof(u32))

struct csvx_conn {
	struct csvx_conn __rcu *next;	/* on a chain: ends in a nulls marker */
	u32 hash;
	u32 stamp;			/* last refresh, in ticks */
	u32 gen;			/* rules' generation it was admitted by */
	u32 state;			/* CSVX_CT_* and CSVX_CT_F_*, cmpxchg */
	struct csvx_conn_key key;	/* IPv4: within the first cache line */
	int ifindex;			/* of the port (for the GC) */
	struct rcu_head rcu;
	struct kmem_cache *cache;	/* where it goes back to */
};

#define CSVX_CONN_SLOTS		5

/* One cache line: see "A bucket" above.  Tags: the hash's low 16 bits. */
struct csvx_conn_bucket {
	union {
		struct {
			u16 tag[CSVX_CONN_SLOTS];
			u16 unused[3];
		};
		u64 tags;	/* tag[0..3]: see csvx_htags_match() */
	};
	struct csvx_conn __rcu *slot[CSVX_CONN_SLOTS];	/* NULL: free */
	struct csvx_conn __rcu *chain;
} ____cacheline_aligned;

/* The entries per bucket the GC lets a table reach before it grows it. */
#define CSVX_CONN_LOAD		2
/*
 * A bucket's chain (beyond its slots) holds at most this many entries more
 * than four times the table's average load: at two entries per bucket a
 * chain of 24 is as likely as 29 Poisson(2) arrivals in one bucket, ~1e-20,
 * so only connections made to collide meet the cap, and it bounds what a
 * lookup reads, whatever the hash.
 */
#define CSVX_CONN_CHAIN_MAX	16

/*
 * The lines are an allocation of their own, a power of two bytes (a
 * header in it would double a kmalloc'ed array); this small header is
 * what readers reach through ct->tbl, and it stays in their L1.
 */
struct csvx_conn_buckets {
	u32 n;				/* power of two */
	u32 shift;			/* 32 - log2(n): hash >> shift */
	struct csvx_conn_bucket *b;
	struct rcu_head rcu;
};

struct csvx_conn_table {
	struct csvx_conn_buckets __rcu *tbl;
	seqcount_t seq;			/* bumped around a resize */
	u32 seed;			/* of the hash, random */
	u32 mix[3];			/* of the hash: random, odd */
	spinlock_t lock;		/* writers */
	atomic_t count;
	u32 max;			/* READ_ONCE */
	u32 timeout[CSVX_CT_T_NR];	/* ticks, READ_ONCE */
	u32 refresh;			/* ticks between stamp updates */
	u32 gc_pos;			/* next bucket the GC looks at */
	struct kmem_cache *cache;
	atomic_long_t evicted;		/* entries evicted for a new one */
	atomic_long_t full;		/* new ones refused: table full */
};

/*
 * A table of @nbuckets buckets (rounded up to a power of two) holding at
 * most @max entries from @cache (objects of sizeof(struct csvx_conn)).
 * Timeouts are set by the caller in ->timeout[] (csvx_conn_set_timeouts).
 */
struct csvx_conn_table *csvx_conn_table_create(struct kmem_cache *cache,
					       u32 max, u32 nbuckets,
					       u32 refresh);
/* Frees the table and every entry now: no reader may be left. */
void csvx_conn_table_destroy(struct csvx_conn_table *ct);
void csvx_conn_set_timeouts(struct csvx_conn_table *ct, const u32 *ticks);

/*
 * The key of @t at port @port, zone @zone.  Returns true if @t runs from
 * the key's second end to its first (its source sorts after its
 * destination): the same key serves both directions.
 */
bool csvx_conn_key_make(struct csvx_conn_key *key, u32 port, u32 zone,
			bool zone_is_vni, const struct csvx_conn_tuple *t);
/* The original direction of an entry, back as a tuple. */
void csvx_conn_orig_tuple(const struct csvx_conn *c,
			  struct csvx_conn_tuple *t);

/*
 * The hash of a key, with a random seed per table.  IPv4 hashes as the
 * kernel hashes established TCP sockets for the same 4-tuples from the same
 * remote senders, inet_ehashfn(): jhash_3words(laddr, faddr, ports, secret
 * + net_hash_mix(net)), the per-namespace part folded into the initval.
 * Here the two addresses and the ports go through jhash_3words, and the
 * local part the operator sets (key words 0 to 2: port id, zone, family,
 * protocol, zone_is_vni) is folded into the initval as a sum of products
 * with random odd multipliers per table.  That is one final mix, where
 * jhash2 over the six words was a mix and a final mix: ~40 instructions
 * less on every packet's critical path.
 *
 * Why multipliers, and random ones: a product with an odd number is a
 * bijection, so keys that differ in one local word alone always get
 * different initvals; and since jhash_3words adds its initval to all
 * three words, two keys whose initvals differ by d collide whenever their
 * words differ by -d, so d must depend on the table's secret, or fixed
 * pairs of keys on two ports would collide in every table.
 *
 * IPv6 keeps jhash2 over the whole key.  SipHash-1-3 (hsiphash) cost as
 * much as the two cache misses of the lookup itself in a loop of lookups
 * (see BENCHMARKS.md); what keeps a flood of colliding connections
 * harmless is not the hash alone but the cap on a bucket's chain
 * (CSVX_CONN_CHAIN_MAX, csvx_conn_insert()).
 */
static inline u32 csvx_conn_hash(const struct csvx_conn_table *ct,
				 const struct csvx_conn_key *key)
{
	if (likely(key->family == AF_INET))
		return jhash_3words(key->a[0], key->a[1], key->w32[3],
				    ct->seed + key->w32[0] * ct->mix[0] +
				    key->w32[1] * ct->mix[1] +
				    key->w32[2] * ct->mix[2]);
	return jhash2(key->w32, ARRAY_SIZE(key->w32), ct->seed);
}

/* The entry of @key, dead or alive (check with csvx_conn_alive). RCU. */
struct csvx_conn *csvx_conn_find(struct csvx_conn_table *ct,
				 const struct csvx_conn_key *key, u32 hash);

u32 csvx_conn_timeout(const struct csvx_conn_table *ct, u32 state);

static inline bool csvx_conn_expired(const struct csvx_conn_table *ct,
				     u32 state, u32 stamp, u32 now)
{
	return now - stamp > csvx_conn_timeout(ct, state);
}

static inline bool csvx_conn_alive(const struct csvx_conn_table *ct,
				   const struct csvx_conn *c, u32 now)
{
	u32 state = READ_ONCE(c->state);

	return !(state & CSVX_CT_F_DEAD) &&
	       !csvx_conn_expired(ct, state, READ_ONCE(c->stamp), now);
}

/* The state a connection starts in, from its first packet. */
u32 csvx_conn_first_state(u8 proto, u8 tcp_flags);

/*
 * Create the entry of @key (in the state and with the flags of @state).
 * An existing live entry is returned as it is (-EEXIST); an expired one
 * is reused.  A full table first evicts an expired or unreplied entry
 * near the new one's bucket, else refuses (-ENOSPC); so does a bucket
 * whose chain holds CSVX_CONN_CHAIN_MAX entries, within itself; -ENOMEM.
 * Packet context or process context, any CPU.
 */
int csvx_conn_insert(struct csvx_conn_table *ct,
		     const struct csvx_conn_key *key, u32 hash, u32 now,
		     u32 state, u32 gen, int ifindex, struct csvx_conn **out);

/*
 * A packet of the connection was admitted: refresh the entry, follow the
 * TCP state.  @reply: it travels against the original direction.
 */
void csvx_conn_seen(struct csvx_conn_table *ct, struct csvx_conn *c, u32 now,
		    bool reply, u8 tcp_flags);

/* Unlink @c (if no one did already); freed after a grace period. */
void csvx_conn_remove(struct csvx_conn_table *ct, struct csvx_conn *c);

/*
 * Collect: look at up to @budget buckets from where the last call
 * stopped, removing expired entries and those @dead (may be NULL) says are
 * gone (their port is).  Returns the number removed.  Process context.
 */
u32 csvx_conn_gc(struct csvx_conn_table *ct, u32 now, u32 budget,
		 bool (*dead)(const struct csvx_conn *, void *), void *arg);

/* Rehash into @nbuckets buckets.  Process context; -ENOMEM leaves it. */
int csvx_conn_resize(struct csvx_conn_table *ct, u32 nbuckets);

static inline u32 csvx_conn_count(const struct csvx_conn_table *ct)
{
	return atomic_read(&ct->count);
}

static inline u32 csvx_conn_nbuckets(struct csvx_conn_table *ct)
{
	return rcu_dereference_protected(ct->tbl, true)->n;
}

#endif /* _CSVX_CONN_H */
