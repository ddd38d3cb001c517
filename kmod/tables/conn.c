// SPDX-License-Identifier: GPL-2.0
/*
 * The security groups' connection table (see conn.h).
 */
#include "conn.h"

#define MIN_BUCKETS	64
#define EVICT_SPAN	8		/* buckets looked at for a victim */

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

static struct csvx_conn_buckets *tbl_w(const struct csvx_conn_table *ct)
{
	return rcu_dereference_protected(ct->tbl, true);
}

static struct csvx_conn_buckets *buckets_alloc(u32 n)
{
	struct csvx_conn_buckets *b;
	u32 i;

	n = roundup_pow_of_two(max_t(u32, n, MIN_BUCKETS));
	b = kvmalloc(struct_size(b, b, n), GFP_KERNEL_ACCOUNT);
	if (!b)
		return NULL;
	b->n = n;
	for (i = 0; i < n; i++)
		RCU_INIT_POINTER(b->b[i], nulls(i));
	return b;
}

struct csvx_conn_table *csvx_conn_table_create(struct kmem_cache *cache,
					       u32 max, u32 nbuckets,
					       u32 refresh)
{
	struct csvx_conn_table *ct = kzalloc(sizeof(*ct), GFP_KERNEL_ACCOUNT);
	struct csvx_conn_buckets *b;

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
	get_random_bytes(&ct->key, sizeof(ct->key));
	return ct;
}

void csvx_conn_table_destroy(struct csvx_conn_table *ct)
{
	struct csvx_conn_buckets *b;
	struct csvx_conn *c, *next;
	u32 i;

	if (!ct)
		return;
	b = tbl_w(ct);
	for (i = 0; i < b->n; i++) {
		for (c = rcu_dereference_protected(b->b[i], true);
		     !is_nulls(c); c = next) {
			next = next_w(c);
			kmem_cache_free(ct->cache, c);
		}
	}
	kvfree(b);
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
struct csvx_conn *csvx_conn_find(struct csvx_conn_table *ct,
				 const struct csvx_conn_key *key, u32 hash)
{
	size_t len = key->family == AF_INET ? CSVX_CONN_KEY4 : sizeof(*key);
	const struct csvx_conn_buckets *b;
	struct csvx_conn *c;
	unsigned int seq;
	u32 i;

	do {
		seq = read_seqcount_begin(&ct->seq);
		b = rcu_dereference(ct->tbl);
		i = hash & (b->n - 1);
		for (c = rcu_dereference(b->b[i]); !is_nulls(c);
		     c = rcu_dereference(c->next)) {
			if (c->hash == hash && !memcmp(&c->key, key, len))
				return c;
		}
		/* Another bucket's marker: moved by a resize, look again. */
	} while (nulls_val(c) != i || read_seqcount_retry(&ct->seq, seq));
	return NULL;
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

/* Under ct->lock: unlink the entry at *pp. */
static void unlink_at(struct csvx_conn_table *ct, struct csvx_conn __rcu **pp,
		      struct csvx_conn *c)
{
	u32 state;

	/* c->next stays: a reader standing on c goes on from there. */
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

/* Under ct->lock: free a place near bucket @i, or fail. */
static bool evict_near(struct csvx_conn_table *ct,
		       struct csvx_conn_buckets *b, u32 i, u32 now)
{
	struct csvx_conn __rcu **victim_pp = NULL, **pp;
	struct csvx_conn *c, *victim = NULL;
	bool expired;
	u32 k;

	for (k = 0; k < EVICT_SPAN && k < b->n; k++) {
		pp = &b->b[(i + k) & (b->n - 1)];
		for (c = rcu_dereference_protected(*pp, true); !is_nulls(c);
		     pp = &c->next, c = next_w(c)) {
			if (!evictable(ct, c, now, &expired))
				continue;
			if (expired || !victim) {
				victim = c;
				victim_pp = pp;
			}
			if (expired)
				goto found;
		}
	}
	if (!victim)
		return false;
found:
	unlink_at(ct, victim_pp, victim);
	atomic_long_inc(&ct->evicted);
	return true;
}

int csvx_conn_insert(struct csvx_conn_table *ct,
		     const struct csvx_conn_key *key, u32 hash, u32 now,
		     u32 state, u32 gen, int ifindex, struct csvx_conn **out)
{
	size_t len = key->family == AF_INET ? CSVX_CONN_KEY4 : sizeof(*key);
	struct csvx_conn_buckets *b;
	struct csvx_conn *c;
	int err = 0;
	u32 i;

	*out = NULL;
	spin_lock_bh(&ct->lock);
	b = tbl_w(ct);
	i = hash & (b->n - 1);
	for (c = rcu_dereference_protected(b->b[i], true); !is_nulls(c);
	     c = next_w(c)) {
		if (c->hash != hash || memcmp(&c->key, key, len))
			continue;
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
	if ((u32)atomic_read(&ct->count) >= READ_ONCE(ct->max) &&
	    !evict_near(ct, b, i, now)) {
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
	RCU_INIT_POINTER(c->next, rcu_dereference_protected(b->b[i], true));
	rcu_assign_pointer(b->b[i], c);
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
	struct csvx_conn __rcu **pp;
	struct csvx_conn_buckets *b;
	struct csvx_conn *x;

	spin_lock_bh(&ct->lock);
	if (READ_ONCE(c->state) & CSVX_CT_F_DEAD)
		goto out;
	b = tbl_w(ct);
	pp = &b->b[c->hash & (b->n - 1)];
	for (x = rcu_dereference_protected(*pp, true); !is_nulls(x);
	     pp = &x->next, x = next_w(x)) {
		if (x == c) {
			unlink_at(ct, pp, c);
			break;
		}
	}
out:
	spin_unlock_bh(&ct->lock);
}

u32 csvx_conn_gc(struct csvx_conn_table *ct, u32 now, u32 budget,
		 bool (*dead)(const struct csvx_conn *, void *), void *arg)
{
	struct csvx_conn __rcu **pp;
	struct csvx_conn_buckets *b;
	struct csvx_conn *c;
	u32 removed = 0, i;

	while (budget) {
		spin_lock_bh(&ct->lock);
		b = tbl_w(ct);
		/* A few buckets per lock hold: packets are waiting. */
		for (i = 0; i < 16 && budget; i++, budget--) {
			ct->gc_pos &= b->n - 1;
			pp = &b->b[ct->gc_pos++];
			c = rcu_dereference_protected(*pp, true);
			while (!is_nulls(c)) {
				if (!csvx_conn_alive(ct, c, now) ||
				    (dead && dead(c, arg))) {
					unlink_at(ct, pp, c);
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

int csvx_conn_resize(struct csvx_conn_table *ct, u32 nbuckets)
{
	struct csvx_conn_buckets *old, *b = buckets_alloc(nbuckets);
	struct csvx_conn *c;
	u32 i, j;

	if (!b)
		return -ENOMEM;
	spin_lock_bh(&ct->lock);
	old = tbl_w(ct);
	if (old->n == b->n) {
		spin_unlock_bh(&ct->lock);
		kvfree(b);
		return 0;
	}
	write_seqcount_begin(&ct->seq);
	for (i = 0; i < old->n; i++) {
		for (;;) {
			c = rcu_dereference_protected(old->b[i], true);
			if (is_nulls(c))
				break;
			RCU_INIT_POINTER(old->b[i], next_w(c));
			j = c->hash & (b->n - 1);
			RCU_INIT_POINTER(c->next,
					 rcu_dereference_protected(b->b[j],
								   true));
			RCU_INIT_POINTER(b->b[j], c);
		}
	}
	rcu_assign_pointer(ct->tbl, b);
	write_seqcount_end(&ct->seq);
	ct->gc_pos = 0;
	spin_unlock_bh(&ct->lock);
	kvfree_rcu(old, rcu);
	return 0;
}
