// SPDX-License-Identifier: GPL-2.0
/*
 * The security groups' connection table (see conn.h).
 */
#include "conn.h"

#define MIN_BUCKETS	64
#define EVICT_SPAN	8		/* buckets looked at for a victim */

static_assert(CSVX_CONN_SLOTS == 5,
	      "csvx_htags_match() compares tags[0..3] and tag[4]");
static_assert(sizeof(struct csvx_conn_bucket) == L1_CACHE_BYTES,
	      "a bucket is one cache line");
static_assert(offsetof(struct csvx_conn_key, p) == 3 * sizeof(u32) &&
	      offsetof(struct csvx_conn_key, a) == 4 * sizeof(u32),
	      "csvx_conn_hash(): words 0 to 2 local, 3 the ports, 4 and 5 IPv4");
static_assert(offsetof(struct csvx_conn, key) % 8 == 0 &&
	      offsetof(struct csvx_conn, key) + CSVX_CONN_KEY4 <= L1_CACHE_BYTES,
	      "an IPv4 lookup compares aligned words of the entry's first line");

static inline struct csvx_conn *nulls(u32 i)
{
	return (struct csvx_conn *)(((unsigned long)i << 1) | 1);
}

static inline bool is_nulls(const struct csvx_conn *c)
{
	return (unsigned long)c & 1;
}

static inline u32 nulls_val(const struct csvx_conn *c)
{
	return (unsigned long)c >> 1;
}

static inline struct csvx_conn *next_w(const struct csvx_conn *c)
{
	return rcu_dereference_protected(c->next, true);
}

static inline struct csvx_conn *slot_w(const struct csvx_conn_bucket *l,
				       u32 k)
{
	return rcu_dereference_protected(l->slot[k], true);
}

static struct csvx_conn_buckets *tbl_w(const struct csvx_conn_table *ct)
{
	return rcu_dereference_protected(ct->tbl, true);
}

/* The high bits pick the bucket, the low 16 are the tag. */
static inline u32 conn_bucket(const struct csvx_conn_buckets *b, u32 hash)
{
	return hash >> b->shift;
}

/*
 * An IPv4 key is three words, an IPv6 one six: no call to memcmp(), no
 * loop, one branch on the (well predicted) family.
 */
static __always_inline bool key_eq(const struct csvx_conn_key *x,
				   const struct csvx_conn_key *y)
{
	u64 d = (x->w[0] ^ y->w[0]) | (x->w[1] ^ y->w[1]) |
		(x->w[2] ^ y->w[2]);

	if (likely(y->family == AF_INET))
		return !d;
	return !(d | (x->w[3] ^ y->w[3]) | (x->w[4] ^ y->w[4]) |
		 (x->w[5] ^ y->w[5]));
}

static struct csvx_conn_buckets *buckets_alloc(u32 n)
{
	struct csvx_conn_buckets *b;
	u32 i;

	n = roundup_pow_of_two(min_t(u32, max_t(u32, n, MIN_BUCKETS), 1U << 26));
	b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		return NULL;
	/* >= 4 KiB: page-aligned, so every bucket is one line */
	b->b = kvcalloc(n, sizeof(*b->b), GFP_KERNEL_ACCOUNT);
	if (!b->b) {
		kfree(b);
		return NULL;
	}
	b->n = n;
	b->shift = 32 - ilog2(n);
	for (i = 0; i < n; i++)
		RCU_INIT_POINTER(b->b[i].chain, nulls(i));
	return b;
}

static void buckets_free(struct csvx_conn_buckets *b)
{
	kvfree(b->b);
	kfree(b);
}

static void buckets_free_rcu(struct rcu_head *head)
{
	buckets_free(container_of(head, struct csvx_conn_buckets, rcu));
}

/* Under ct->lock (or before publishing @b): @c into bucket @i of @b. */
static void bucket_add(struct csvx_conn_buckets *b, u32 i, struct csvx_conn *c)
{
	struct csvx_conn_bucket *l = &b->b[i];
	u32 k;

	for (k = 0; k < CSVX_CONN_SLOTS; k++) {
		if (!slot_w(l, k)) {
			/* a reader that chains from here ends in our marker */
			RCU_INIT_POINTER(c->next, nulls(i));
			WRITE_ONCE(l->tag[k], (u16)c->hash);
			rcu_assign_pointer(l->slot[k], c);
			return;
		}
	}
	RCU_INIT_POINTER(c->next, rcu_dereference_protected(l->chain, true));
	rcu_assign_pointer(l->chain, c);
}

struct csvx_conn_table *csvx_conn_table_create(struct kmem_cache *cache,
					       u32 max, u32 nbuckets,
					       u32 refresh)
{
	struct csvx_conn_table *ct = kzalloc(sizeof(*ct), GFP_KERNEL_ACCOUNT);
	struct csvx_conn_buckets *b;
	u32 i;

	if (!ct)
		return NULL;
	b = buckets_alloc(nbuckets);
	if (!b) {
		kfree(ct);
		return NULL;
	}
	RCU_INIT_POINTER(ct->tbl, b);
	seqcount_init(&ct->seq);
	spin_lock_init(&ct->lock);
	atomic_set(&ct->count, 0);
	ct->max = max;
	ct->refresh = refresh;
	ct->cache = cache;
	atomic_long_set(&ct->evicted, 0);
	atomic_long_set(&ct->full, 0);
	ct->seed = get_random_u32();
	for (i = 0; i < ARRAY_SIZE(ct->mix); i++)
		ct->mix[i] = get_random_u32() | 1;
	return ct;
}

void csvx_conn_table_destroy(struct csvx_conn_table *ct)
{
	struct csvx_conn_buckets *b;
	struct csvx_conn *c, *next;
	u32 i, k;

	if (!ct)
		return;
	b = tbl_w(ct);
	for (i = 0; i < b->n; i++) {
		for (k = 0; k < CSVX_CONN_SLOTS; k++) {
			c = slot_w(&b->b[i], k);
			if (c)
				kmem_cache_free(ct->cache, c);
		}
		for (c = rcu_dereference_protected(b->b[i].chain, true);
		     !is_nulls(c); c = next) {
			next = next_w(c);
			kmem_cache_free(ct->cache, c);
		}
	}
	buckets_free(b);
	kfree(ct);
}

void csvx_conn_set_timeouts(struct csvx_conn_table *ct, const u32 *ticks)
{
	int i;

	for (i = 0; i < CSVX_CT_T_NR; i++)
		WRITE_ONCE(ct->timeout[i], ticks[i]);
}

static int end_cmp(const struct csvx_conn_tuple *t)
{
	int len = t->family == AF_INET ? 4 : 16;
	int r = memcmp(t->src, t->dst, len);

	if (r)
		return r;
	return memcmp(&t->sport, &t->dport, sizeof(t->sport));
}

bool csvx_conn_key_make(struct csvx_conn_key *key, u32 port, u32 zone,
			bool zone_is_vni, const struct csvx_conn_tuple *t)
{
	bool swapped = end_cmp(t) > 0;
	const u32 *a = swapped ? t->dst : t->src;
	const u32 *b = swapped ? t->src : t->dst;

	memset(key, 0, sizeof(*key));
	key->port = port;
	key->zone = zone;
	key->family = t->family;
	key->proto = t->proto;
	key->zone_is_vni = zone_is_vni;
	key->p[0] = swapped ? t->dport : t->sport;
	key->p[1] = swapped ? t->sport : t->dport;
	if (t->family == AF_INET) {
		key->a[0] = a[0];
		key->a[1] = b[0];
	} else {
		memcpy(&key->a[0], a, 16);
		memcpy(&key->a[4], b, 16);
	}
	return swapped;
}

void csvx_conn_orig_tuple(const struct csvx_conn *c,
			  struct csvx_conn_tuple *t)
{
	const struct csvx_conn_key *k = &c->key;
	bool swapped = READ_ONCE(c->state) & CSVX_CT_F_SWAPPED;
	int e0 = swapped, e1 = !swapped;

	memset(t, 0, sizeof(*t));
	t->family = k->family;
	t->proto = k->proto;
	t->sport = k->p[e0];
	t->dport = k->p[e1];
	if (k->family == AF_INET) {
		t->src[0] = k->a[e0];
		t->dst[0] = k->a[e1];
	} else {
		memcpy(t->src, &k->a[4 * e0], 16);
		memcpy(t->dst, &k->a[4 * e1], 16);
	}
}

/*
 * A lookup that raced with a resize (which holds the sequence count odd
 * while it moves entries, briefly, with BHs off) waits for it and looks
 * again, so an established connection is never missed.
 */
static noinline struct csvx_conn *
conn_find_all(struct csvx_conn_table *ct, const struct csvx_conn_key *key,
	      u32 hash)
{
	const struct csvx_conn_buckets *b;
	const struct csvx_conn_bucket *l;
	struct csvx_conn *c;
	u16 tag = hash;
	unsigned int seq;
	u32 i, mask;

	do {
		seq = read_seqcount_begin(&ct->seq);
		b = rcu_dereference(ct->tbl);
		i = conn_bucket(b, hash);
		l = &b->b[i];
		mask = csvx_htags_match(READ_ONCE(l->tags),
					READ_ONCE(l->tag[4]), tag);
		for (; mask; mask &= mask - 1) {
			c = rcu_dereference(l->slot[__ffs(mask)]);
			if (likely(c && c->hash == hash && key_eq(&c->key, key)))
				return c;
		}
		for (c = rcu_dereference(l->chain); !is_nulls(c);
		     c = rcu_dereference(c->next)) {
			if (c->hash == hash && key_eq(&c->key, key))
				return c;
		}
		/* Another bucket's marker: moved by a resize, look again. */
	} while (nulls_val(c) != i || read_seqcount_retry(&ct->seq, seq));
	return NULL;
}

/*
 * Every packet's lookup, as csvx_htab_first() for the FDB: the entry of
 * the first slot whose tag matches, if its key is @key, with no sequence
 * count, no saved registers and no gathering of the tag bits; a hit needs
 * none (whatever table it was found in, the entry is the key's).  Anything
 * else (a miss, another candidate, the fifth slot, the chain, a resize) is
 * conn_find_all(), which reads the bucket line again, from the L1.
 */
struct csvx_conn *csvx_conn_find(struct csvx_conn_table *ct,
				 const struct csvx_conn_key *key, u32 hash)
{
	const struct csvx_conn_buckets *b = rcu_dereference(ct->tbl);
	const struct csvx_conn_bucket *l = &b->b[conn_bucket(b, hash)];
	struct csvx_conn *c;
	u64 m = csvx_htags_match4(READ_ONCE(l->tags), (u16)hash);

	if (likely(m)) {
		c = rcu_dereference(l->slot[csvx_htags_slot(m)]);
		if (likely(c && c->hash == hash && key_eq(&c->key, key)))
			return c;
	}
	return conn_find_all(ct, key, hash);
}

u32 csvx_conn_timeout(const struct csvx_conn_table *ct, u32 state)
{
	static const u8 t[] = {
		[CSVX_CT_TCP_SYN_SENT] = CSVX_CT_T_TCP_SYN,
		[CSVX_CT_TCP_SYN_RECV] = CSVX_CT_T_TCP_SYN,
		[CSVX_CT_TCP_EST] = CSVX_CT_T_TCP_EST,
		[CSVX_CT_TCP_FIN] = CSVX_CT_T_TCP_FIN,
		[CSVX_CT_TCP_CLOSE] = CSVX_CT_T_TCP_CLOSE,
		[CSVX_CT_UDP] = CSVX_CT_T_UDP,
		[CSVX_CT_ICMP] = CSVX_CT_T_ICMP,
	};
	u32 s = state & CSVX_CT_STATE_MASK;
	int i;

	if (s >= ARRAY_SIZE(t))
		return 0;
	i = t[s];
	if (s == CSVX_CT_UDP && (state & CSVX_CT_F_REPLIED))
		i = CSVX_CT_T_UDP_REPLIED;
	return READ_ONCE(ct->timeout[i]);
}

u32 csvx_conn_first_state(u8 proto, u8 tcp_flags)
{
	switch (proto) {
	case 6:		/* TCP */
		if ((tcp_flags & CSVX_TCP_SYN) && !(tcp_flags & CSVX_TCP_ACK))
			return CSVX_CT_TCP_SYN_SENT;
		if (tcp_flags & CSVX_TCP_SYN)
			return CSVX_CT_TCP_SYN_RECV;
		if (tcp_flags & CSVX_TCP_RST)
			return CSVX_CT_TCP_CLOSE;
		if (tcp_flags & CSVX_TCP_FIN)
			return CSVX_CT_TCP_FIN;
		/* Picked up in the middle (after a reload, or eviction). */
		return CSVX_CT_TCP_EST;
	case 1:		/* ICMP */
	case 58:	/* ICMPv6 */
		return CSVX_CT_ICMP;
	}
	return CSVX_CT_UDP;
}

static void conn_free_rcu(struct rcu_head *head)
{
	struct csvx_conn *c = container_of(head, struct csvx_conn, rcu);

	kmem_cache_free(c->cache, c);
}

/*
 * Under ct->lock: unlink the entry at *pp, a slot (@slot) or a chain link.
 * c->next stays: a reader standing on c goes on from there.
 */
static void unlink_at(struct csvx_conn_table *ct, struct csvx_conn __rcu **pp,
		      struct csvx_conn *c, bool slot)
{
	u32 state;

	if (slot)
		RCU_INIT_POINTER(*pp, NULL);
	else
		rcu_assign_pointer(*pp, next_w(c));
	do {
		state = READ_ONCE(c->state);
	} while (cmpxchg(&c->state, state, state | CSVX_CT_F_DEAD) != state);
	atomic_dec(&ct->count);
	call_rcu(&c->rcu, conn_free_rcu);
}

static bool evictable(const struct csvx_conn_table *ct,
		      const struct csvx_conn *c, u32 now, bool *expired)
{
	u32 state = READ_ONCE(c->state);

	*expired = csvx_conn_expired(ct, state, READ_ONCE(c->stamp), now);
	return *expired || !(state & CSVX_CT_F_REPLIED);
}

struct victim {
	struct csvx_conn *c;
	struct csvx_conn __rcu **pp;
	bool slot;
};

/* Under ct->lock: is the entry at *pp the one to evict?  true: stop. */
static bool victim_consider(const struct csvx_conn_table *ct,
			    struct victim *v, struct csvx_conn __rcu **pp,
			    bool slot, u32 now)
{
	struct csvx_conn *c = rcu_dereference_protected(*pp, true);
	bool expired;

	if (!c || !evictable(ct, c, now, &expired))
		return false;
	if (expired || !v->c) {
		v->c = c;
		v->pp = pp;
		v->slot = slot;
	}
	return expired;
}

/* Under ct->lock: free a place in the @span buckets from @i, or fail. */
static bool evict_near(struct csvx_conn_table *ct,
		       struct csvx_conn_buckets *b, u32 i, u32 span, u32 now)
{
	struct csvx_conn __rcu **pp;
	struct csvx_conn_bucket *l;
	struct victim v = {};
	struct csvx_conn *c;
	u32 k, s;

	for (k = 0; k < span && k < b->n; k++) {
		l = &b->b[(i + k) & (b->n - 1)];
		for (s = 0; s < CSVX_CONN_SLOTS; s++)
			if (victim_consider(ct, &v, &l->slot[s], true, now))
				goto found;
		for (pp = &l->chain;
		     !is_nulls(c = rcu_dereference_protected(*pp, true));
		     pp = &c->next)
			if (victim_consider(ct, &v, pp, false, now))
				goto found;
	}
	if (!v.c)
		return false;
found:
	unlink_at(ct, v.pp, v.c, v.slot);
	atomic_long_inc(&ct->evicted);
	return true;
}

/*
 * Under ct->lock: the entry of @key in bucket @l, dead or alive; else NULL
 * and the length of the bucket's chain in @chain.
 */
static struct csvx_conn *bucket_find(const struct csvx_conn_bucket *l,
				     const struct csvx_conn_key *key, u32 hash,
				     u32 *chain)
{
	struct csvx_conn *c;
	u32 k;

	for (k = 0; k < CSVX_CONN_SLOTS; k++) {
		c = slot_w(l, k);
		if (c && c->hash == hash && key_eq(&c->key, key))
			return c;
	}
	*chain = 0;
	for (c = rcu_dereference_protected(l->chain, true); !is_nulls(c);
	     c = next_w(c)) {
		if (c->hash == hash && key_eq(&c->key, key))
			return c;
		(*chain)++;
	}
	return NULL;
}

/*
 * The longest chain a bucket may have: CSVX_CONN_CHAIN_MAX beyond four
 * times the average load, so that a burst of connections before the GC
 * grows the table is no reason to refuse one; only a bucket far longer
 * than the others, which a good hash does not make, is capped.
 */
static u32 chain_max(const struct csvx_conn_table *ct,
		     const struct csvx_conn_buckets *b)
{
	return CSVX_CONN_CHAIN_MAX + 4 * ((u32)atomic_read(&ct->count) / b->n);
}

int csvx_conn_insert(struct csvx_conn_table *ct,
		     const struct csvx_conn_key *key, u32 hash, u32 now,
		     u32 state, u32 gen, int ifindex, struct csvx_conn **out)
{
	struct csvx_conn_buckets *b;
	struct csvx_conn *c;
	u32 i, chain = 0;
	int err = 0;

	*out = NULL;
	spin_lock_bh(&ct->lock);
	b = tbl_w(ct);
	i = conn_bucket(b, hash);
	c = bucket_find(&b->b[i], key, hash, &chain);
	if (c) {
		if (csvx_conn_alive(ct, c, now)) {
			err = -EEXIST;
			goto out;
		}
		/* Expired but not collected yet: it starts again. */
		WRITE_ONCE(c->stamp, now);
		WRITE_ONCE(c->gen, gen);
		WRITE_ONCE(c->ifindex, ifindex);
		WRITE_ONCE(c->state, state);
		goto out;
	}
	if (((u32)atomic_read(&ct->count) >= READ_ONCE(ct->max) &&
	     !evict_near(ct, b, i, EVICT_SPAN, now)) ||
	    (chain >= chain_max(ct, b) && !evict_near(ct, b, i, 1, now))) {
		atomic_long_inc(&ct->full);
		err = -ENOSPC;
		goto out;
	}
	c = kmem_cache_alloc(ct->cache, GFP_ATOMIC | __GFP_NOWARN);
	if (!c) {
		err = -ENOMEM;
		goto out;
	}
	c->cache = ct->cache;
	c->hash = hash;
	c->stamp = now;
	c->gen = gen;
	c->ifindex = ifindex;
	c->state = state;
	memcpy(&c->key, key, sizeof(*key));
	bucket_add(b, i, c);
	atomic_inc(&ct->count);
out:
	*out = c;
	spin_unlock_bh(&ct->lock);
	return err;
}

static u32 tcp_next(u32 s, bool reply, u8 fl)
{
	if (fl & CSVX_TCP_RST)
		return CSVX_CT_TCP_CLOSE;
	/* A new SYN on a closing connection: the ports are reused. */
	if ((fl & CSVX_TCP_SYN) && !(fl & CSVX_TCP_ACK) && !reply &&
	    s >= CSVX_CT_TCP_FIN)
		return CSVX_CT_TCP_SYN_SENT;
	switch (s) {
	case CSVX_CT_TCP_SYN_SENT:
		if (reply && (fl & CSVX_TCP_SYN) && (fl & CSVX_TCP_ACK))
			return CSVX_CT_TCP_SYN_RECV;
		break;
	case CSVX_CT_TCP_SYN_RECV:
		if (!reply && (fl & CSVX_TCP_ACK) && !(fl & CSVX_TCP_SYN))
			return CSVX_CT_TCP_EST;
		break;
	case CSVX_CT_TCP_EST:
		if (fl & CSVX_TCP_FIN)
			return CSVX_CT_TCP_FIN;
		break;
	}
	return s;
}

void csvx_conn_seen(struct csvx_conn_table *ct, struct csvx_conn *c, u32 now,
		    bool reply, u8 tcp_flags)
{
	u32 old = READ_ONCE(c->state), new, s;

	if (now - READ_ONCE(c->stamp) >= ct->refresh)
		WRITE_ONCE(c->stamp, now);
	for (;;) {
		s = old & CSVX_CT_STATE_MASK;
		new = old & ~CSVX_CT_STATE_MASK;
		if (c->key.proto == 6)
			s = tcp_next(s, reply, tcp_flags);
		new |= s;
		if (reply)
			new |= CSVX_CT_F_REPLIED;
		/* Most packets change nothing: no write at all. */
		if (new == old)
			return;
		if (s != (old & CSVX_CT_STATE_MASK))
			WRITE_ONCE(c->stamp, now);
		if (cmpxchg(&c->state, old, new) == old)
			return;
		old = READ_ONCE(c->state);
		if (old & CSVX_CT_F_DEAD)
			return;
	}
}

void csvx_conn_remove(struct csvx_conn_table *ct, struct csvx_conn *c)
{
	struct csvx_conn_bucket *l;
	struct csvx_conn __rcu **pp;
	struct csvx_conn_buckets *b;
	struct csvx_conn *x;
	u32 k;

	spin_lock_bh(&ct->lock);
	if (READ_ONCE(c->state) & CSVX_CT_F_DEAD)
		goto out;
	b = tbl_w(ct);
	l = &b->b[conn_bucket(b, c->hash)];
	for (k = 0; k < CSVX_CONN_SLOTS; k++) {
		if (slot_w(l, k) == c) {
			unlink_at(ct, &l->slot[k], c, true);
			goto out;
		}
	}
	pp = &l->chain;
	for (x = rcu_dereference_protected(*pp, true); !is_nulls(x);
	     pp = &x->next, x = next_w(x)) {
		if (x == c) {
			unlink_at(ct, pp, c, false);
			break;
		}
	}
out:
	spin_unlock_bh(&ct->lock);
}

u32 csvx_conn_gc(struct csvx_conn_table *ct, u32 now, u32 budget,
		 bool (*dead)(const struct csvx_conn *, void *), void *arg)
{
	struct csvx_conn_bucket *l;
	struct csvx_conn __rcu **pp;
	struct csvx_conn_buckets *b;
	struct csvx_conn *c;
	u32 removed = 0, i, k;

	while (budget) {
		spin_lock_bh(&ct->lock);
		b = tbl_w(ct);
		/* A few buckets per lock hold: packets are waiting. */
		for (i = 0; i < 16 && budget; i++, budget--) {
			ct->gc_pos &= b->n - 1;
			l = &b->b[ct->gc_pos++];
			for (k = 0; k < CSVX_CONN_SLOTS; k++) {
				c = slot_w(l, k);
				if (c && (!csvx_conn_alive(ct, c, now) ||
					  (dead && dead(c, arg)))) {
					unlink_at(ct, &l->slot[k], c, true);
					removed++;
				}
			}
			pp = &l->chain;
			c = rcu_dereference_protected(*pp, true);
			while (!is_nulls(c)) {
				if (!csvx_conn_alive(ct, c, now) ||
				    (dead && dead(c, arg))) {
					unlink_at(ct, pp, c, false);
					removed++;
				} else {
					pp = &c->next;
				}
				c = rcu_dereference_protected(*pp, true);
			}
		}
		spin_unlock_bh(&ct->lock);
		cond_resched();
	}
	return removed;
}

/* Under ct->lock: one entry of @l out (NULL if none), slots first. */
static struct csvx_conn *bucket_pop(struct csvx_conn_bucket *l)
{
	struct csvx_conn *c;
	u32 k;

	for (k = 0; k < CSVX_CONN_SLOTS; k++) {
		c = slot_w(l, k);
		if (c) {
			RCU_INIT_POINTER(l->slot[k], NULL);
			return c;
		}
	}
	c = rcu_dereference_protected(l->chain, true);
	if (is_nulls(c))
		return NULL;
	RCU_INIT_POINTER(l->chain, next_w(c));
	return c;
}

int csvx_conn_resize(struct csvx_conn_table *ct, u32 nbuckets)
{
	struct csvx_conn_buckets *old, *b = buckets_alloc(nbuckets);
	struct csvx_conn *c;
	u32 i;

	if (!b)
		return -ENOMEM;
	spin_lock_bh(&ct->lock);
	old = tbl_w(ct);
	if (old->n == b->n) {
		spin_unlock_bh(&ct->lock);
		buckets_free(b);
		return 0;
	}
	/*
	 * Entries move (from a chain into a slot, from one chain to
	 * another): readers that saw the count odd, or end on a foreign
	 * marker, look again.
	 */
	write_seqcount_begin(&ct->seq);
	for (i = 0; i < old->n; i++)
		while ((c = bucket_pop(&old->b[i])))
			bucket_add(b, conn_bucket(b, c->hash), c);
	rcu_assign_pointer(ct->tbl, b);
	write_seqcount_end(&ct->seq);
	ct->gc_pos = 0;
	spin_unlock_bh(&ct->lock);
	call_rcu(&old->rcu, buckets_free_rcu);
	return 0;
}
