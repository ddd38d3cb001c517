// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table (kmod/tables/conn.c): one entry for both
 * directions, TCP states and timeouts on a fake clock, refreshes that do
 * not write on every packet, the full-table policy (evict expired, then
 * unreplied, else refuse), the GC, resizing under readers, and inserts
 * racing from several threads; the bucket lines (slots and chains) keep
 * their invariants through churn, and readers racing slot reuse never
 * miss a connection that stays.
 */
#include "unit.h"
#include "conn.h"

#define HZ_TEST		100	/* ticks per second of the fake clock */

static const u32 timeouts_s[CSVX_CT_T_NR] = {
	[CSVX_CT_T_TCP_SYN] = 120, [CSVX_CT_T_TCP_EST] = 432000,
	[CSVX_CT_T_TCP_FIN] = 120, [CSVX_CT_T_TCP_CLOSE] = 10,
	[CSVX_CT_T_UDP] = 30, [CSVX_CT_T_UDP_REPLIED] = 180,
	[CSVX_CT_T_ICMP] = 30,
};

FIXTURE(conn) {
	struct kmem_cache *cache;
	struct csvx_conn_table *ct;
	u32 now;
};

static struct csvx_conn_table *table(struct kmem_cache *cache, u32 max,
				     u32 nbuckets)
{
	struct csvx_conn_table *ct;
	u32 ticks[CSVX_CT_T_NR];
	int i;

	ct = csvx_conn_table_create(cache, max, nbuckets, HZ_TEST);
	if (!ct)
		return NULL;
	for (i = 0; i < CSVX_CT_T_NR; i++)
		ticks[i] = timeouts_s[i] * HZ_TEST;
	csvx_conn_set_timeouts(ct, ticks);
	return ct;
}

FIXTURE_SETUP(conn)
{
	rcu_register_thread();
	self->cache = kmem_cache_create("csvx_conn", sizeof(struct csvx_conn),
					0, SLAB_HWCACHE_ALIGN, NULL);
	ASSERT_NE(NULL, self->cache);
	self->ct = table(self->cache, 1000, 64);
	ASSERT_NE(NULL, self->ct);
	self->now = 1000000;
}

FIXTURE_TEARDOWN(conn)
{
	csvx_conn_table_destroy(self->ct);
	rcu_barrier();
	kmem_cache_destroy(self->cache);
	EXPECT_EQ(0, unit_leaks());
	rcu_unregister_thread();
}

static struct csvx_conn_tuple tup4(u8 proto, u32 src, u16 sport, u32 dst,
				   u16 dport)
{
	struct csvx_conn_tuple t = {
		.family = AF_INET, .proto = proto,
		.sport = htons(sport), .dport = htons(dport),
	};

	t.src[0] = htonl(src);
	t.dst[0] = htonl(dst);
	return t;
}

static struct csvx_conn_tuple reverse(struct csvx_conn_tuple t)
{
	struct csvx_conn_tuple r = t;

	memcpy(r.src, t.dst, sizeof(r.src));
	memcpy(r.dst, t.src, sizeof(r.dst));
	r.sport = t.dport;
	r.dport = t.sport;
	return r;
}

/* The datapath's first packet: key, lookup, insert. */
static int first(struct csvx_conn_table *ct, const struct csvx_conn_tuple *t,
		 u32 port, u32 now, u8 tcp_flags, bool egress,
		 struct csvx_conn **c)
{
	struct csvx_conn_key key;
	bool swapped = csvx_conn_key_make(&key, port, 7, false, t);
	u32 state = csvx_conn_first_state(t->proto, tcp_flags) |
		    (swapped ? CSVX_CT_F_SWAPPED : 0) |
		    (egress ? CSVX_CT_F_EGRESS : 0);

	return csvx_conn_insert(ct, &key, csvx_conn_hash(ct, &key), now, state,
				1, port, c);
}

/* A later packet: its entry if alive, and whether it is a reply. */
static struct csvx_conn *find(struct csvx_conn_table *ct,
			      const struct csvx_conn_tuple *t, u32 port,
			      u32 now, bool *reply)
{
	struct csvx_conn_key key;
	bool swapped = csvx_conn_key_make(&key, port, 7, false, t);
	struct csvx_conn *c;

	rcu_read_lock();
	c = csvx_conn_find(ct, &key, csvx_conn_hash(ct, &key));
	if (c && !csvx_conn_alive(ct, c, now))
		c = NULL;
	if (c && reply)
		*reply = !!(c->state & CSVX_CT_F_SWAPPED) != swapped;
	rcu_read_unlock();
	return c;
}

static u32 state_of(const struct csvx_conn *c)
{
	return c->state & CSVX_CT_STATE_MASK;
}

TEST_F(conn, both_directions_one_entry)
{
	struct csvx_conn_tuple t = tup4(17, 0x0a000001, 5000, 0x0a000002, 53);
	struct csvx_conn_tuple rt = reverse(t), back;
	struct csvx_conn_key k1, k2;
	struct csvx_conn *c, *c2;
	bool reply;

	EXPECT_NE(csvx_conn_key_make(&k1, 1, 7, false, &t),
		  csvx_conn_key_make(&k2, 1, 7, false, &rt));
	EXPECT_EQ(0, memcmp(&k1, &k2, sizeof(k1)));
	ASSERT_EQ(0, first(self->ct, &t, 1, self->now, 0, true, &c));
	EXPECT_EQ(1, csvx_conn_count(self->ct));
	EXPECT_EQ(c, find(self->ct, &t, 1, self->now, &reply));
	EXPECT_FALSE(reply);
	EXPECT_EQ(c, find(self->ct, &rt, 1, self->now, &reply));
	EXPECT_TRUE(reply);
	/* another port, another zone: not the same connection */
	EXPECT_EQ(NULL, find(self->ct, &t, 2, self->now, NULL));
	{
		struct csvx_conn_key k3;

		csvx_conn_key_make(&k3, 1, 8, false, &t);
		EXPECT_NE(0, memcmp(&k1, &k3, sizeof(k1)));
		csvx_conn_key_make(&k3, 1, 7, true, &t);
		EXPECT_NE(0, memcmp(&k1, &k3, sizeof(k1)));
	}
	/* a second insert of the same connection finds the first */
	EXPECT_EQ(-EEXIST, first(self->ct, &rt, 1, self->now, 0, false, &c2));
	EXPECT_EQ(c, c2);
	/* the original direction, back from the entry */
	csvx_conn_orig_tuple(c, &back);
	EXPECT_EQ(0, memcmp(&back, &t, sizeof(t)));

	/* IPv6, ICMP echo keyed by the id */
	{
		struct csvx_conn_tuple e = { .family = AF_INET6, .proto = 58 };

		e.src[0] = htonl(0x20010db8);
		e.src[3] = htonl(1);
		e.dst[0] = htonl(0x20010db8);
		e.dst[3] = htonl(2);
		e.sport = e.dport = htons(77);
		ASSERT_EQ(0, first(self->ct, &e, 1, self->now, 0, false, &c));
		EXPECT_EQ(CSVX_CT_ICMP, state_of(c));
		rt = reverse(e);
		EXPECT_EQ(c, find(self->ct, &rt, 1, self->now, &reply));
		EXPECT_TRUE(reply);
		e.sport = e.dport = htons(78);
		EXPECT_EQ(NULL, find(self->ct, &e, 1, self->now, NULL));
	}
}

TEST_F(conn, tcp_states_and_timeouts)
{
	struct csvx_conn_tuple t = tup4(6, 0x0a000001, 40000, 0x0a000002, 22);
	struct csvx_conn_tuple rt = reverse(t);
	struct csvx_conn_table *ct = self->ct;
	struct csvx_conn *c;
	u32 now = self->now;

	ASSERT_EQ(0, first(ct, &t, 1, now, CSVX_TCP_SYN, true, &c));
	EXPECT_EQ(CSVX_CT_TCP_SYN_SENT, state_of(c));
	/* unanswered SYN: gone after 120 s */
	EXPECT_NE(NULL, find(ct, &t, 1, now + 120 * HZ_TEST, NULL));
	EXPECT_EQ(NULL, find(ct, &t, 1, now + 121 * HZ_TEST, NULL));
	csvx_conn_seen(ct, c, now + 1, true, CSVX_TCP_SYN | CSVX_TCP_ACK);
	EXPECT_EQ(CSVX_CT_TCP_SYN_RECV, state_of(c));
	EXPECT_TRUE(c->state & CSVX_CT_F_REPLIED);
	csvx_conn_seen(ct, c, now + 2, false, CSVX_TCP_ACK);
	EXPECT_EQ(CSVX_CT_TCP_EST, state_of(c));
	/* established: five days */
	EXPECT_NE(NULL, find(ct, &rt, 1, now + 2 + 432000 * HZ_TEST, NULL));
	EXPECT_EQ(NULL, find(ct, &rt, 1, now + 3 + 432000 * HZ_TEST, NULL));
	csvx_conn_seen(ct, c, now + 3, true, CSVX_TCP_FIN | CSVX_TCP_ACK);
	EXPECT_EQ(CSVX_CT_TCP_FIN, state_of(c));
	EXPECT_EQ(NULL, find(ct, &t, 1, now + 4 + 120 * HZ_TEST, NULL));
	/* a new SYN reuses the ports */
	csvx_conn_seen(ct, c, now + 4, false, CSVX_TCP_SYN);
	EXPECT_EQ(CSVX_CT_TCP_SYN_SENT, state_of(c));
	csvx_conn_seen(ct, c, now + 5, false, CSVX_TCP_RST);
	EXPECT_EQ(CSVX_CT_TCP_CLOSE, state_of(c));
	EXPECT_NE(NULL, find(ct, &t, 1, now + 5 + 10 * HZ_TEST, NULL));
	EXPECT_EQ(NULL, find(ct, &t, 1, now + 6 + 10 * HZ_TEST, NULL));
	/* An expired entry is reused by the next first packet. */
	ASSERT_EQ(0, first(ct, &t, 1, now + 1000 * HZ_TEST, CSVX_TCP_ACK,
			   true, &c));
	EXPECT_EQ(CSVX_CT_TCP_EST, state_of(c));	/* picked up */
	EXPECT_EQ(1, csvx_conn_count(ct));
}

TEST_F(conn, udp_replied_and_refresh)
{
	struct csvx_conn_tuple t = tup4(17, 0x0a000001, 5000, 0x08080808, 53);
	struct csvx_conn_table *ct = self->ct;
	struct csvx_conn *c;
	u32 now = self->now, stamp;

	ASSERT_EQ(0, first(ct, &t, 1, now, 0, true, &c));
	EXPECT_EQ(NULL, find(ct, &t, 1, now + 31 * HZ_TEST, NULL));
	csvx_conn_seen(ct, c, now + 10, false, 0);
	/* less than a second later: no write to the entry at all */
	stamp = c->stamp;
	EXPECT_EQ(now, stamp);
	csvx_conn_seen(ct, c, now + HZ_TEST, false, 0);
	EXPECT_EQ(now + HZ_TEST, c->stamp);
	csvx_conn_seen(ct, c, now + HZ_TEST + 1, true, 0);
	EXPECT_TRUE(c->state & CSVX_CT_F_REPLIED);
	EXPECT_NE(NULL, find(ct, &t, 1, now + HZ_TEST + 180 * HZ_TEST, NULL));
	EXPECT_EQ(NULL, find(ct, &t, 1, now + HZ_TEST + 181 * HZ_TEST, NULL));
}

/* max entries in 64 buckets: every bucket region holds candidates. */
TEST_F(conn, full_table_policy)
{
	struct csvx_conn_table *ct;
	struct csvx_conn_tuple t;
	struct csvx_conn *c;
	u32 now = self->now, i, max = 512;

	ct = table(self->cache, max, 64);
	ASSERT_NE(NULL, ct);
	for (i = 0; i < max; i++) {
		t = tup4(17, 0x0a000001, 1000 + i, 0x0a000002, 53);
		ASSERT_EQ(0, first(ct, &t, 1, now, 0, true, &c));
		csvx_conn_seen(ct, c, now, true, 0);	/* replied */
	}
	/* all replied and alive: refused */
	t = tup4(17, 0x0a000001, 9999, 0x0a000002, 53);
	EXPECT_EQ(-ENOSPC, first(ct, &t, 1, now, 0, true, &c));
	EXPECT_EQ(1, atomic_long_read(&ct->full));
	EXPECT_EQ(max, csvx_conn_count(ct));
	/* an expired one makes room */
	now += 181 * HZ_TEST;
	EXPECT_EQ(0, first(ct, &t, 1, now, 0, true, &c));
	EXPECT_EQ(max, csvx_conn_count(ct));
	EXPECT_EQ(1, atomic_long_read(&ct->evicted));
	csvx_conn_table_destroy(ct);

	/* never replied, alive: one of them makes room */
	ct = table(self->cache, max, 64);
	ASSERT_NE(NULL, ct);
	for (i = 0; i < max; i++) {
		t = tup4(17, 0x0a000001, 1000 + i, 0x0a000002, 53);
		ASSERT_EQ(0, first(ct, &t, 1, now, 0, true, &c));
	}
	t = tup4(17, 0x0a000001, 9999, 0x0a000002, 53);
	EXPECT_EQ(0, first(ct, &t, 1, now, 0, true, &c));
	EXPECT_EQ(1, atomic_long_read(&ct->evicted));
	EXPECT_EQ(0, atomic_long_read(&ct->full));
	EXPECT_EQ(max, csvx_conn_count(ct));
	EXPECT_NE(NULL, find(ct, &t, 1, now, NULL));
	csvx_conn_table_destroy(ct);
}

static bool dead_port2(const struct csvx_conn *c, void *arg)
{
	(void)arg;
	return c->key.port == 2;
}

TEST_F(conn, gc)
{
	struct csvx_conn_table *ct = self->ct;
	struct csvx_conn_tuple t;
	struct csvx_conn *c;
	u32 now = self->now, i, removed;

	for (i = 0; i < 300; i++) {
		t = tup4(17, 0x0a000001, 1000 + i, 0x0a000002, 53);
		ASSERT_EQ(0, first(ct, &t, 1 + i % 3, now, 0, true, &c));
		if (i % 2)
			csvx_conn_seen(ct, c, now, true, 0);
	}
	/* port 2's go (100), then the unreplied of the rest after 30 s */
	removed = csvx_conn_gc(ct, now, 64, dead_port2, NULL);
	EXPECT_EQ(100, removed);
	EXPECT_EQ(200, csvx_conn_count(ct));
	removed = csvx_conn_gc(ct, now + 31 * HZ_TEST, 64, NULL, NULL);
	EXPECT_EQ(100, removed);
	removed = csvx_conn_gc(ct, now + 181 * HZ_TEST, 64, NULL, NULL);
	EXPECT_EQ(100, removed);
	EXPECT_EQ(0, csvx_conn_count(ct));
	/* a budget of 16 buckets does a quarter of them */
	for (i = 0; i < 64; i++) {
		t = tup4(17, 0x0a000001, 1000 + i, 0x0a000002, 53);
		ASSERT_EQ(0, first(ct, &t, 1, now, 0, true, &c));
	}
	removed = csvx_conn_gc(ct, now + 31 * HZ_TEST, 16, NULL, NULL);
	EXPECT_LT(removed, 64);
	removed += csvx_conn_gc(ct, now + 31 * HZ_TEST, 48, NULL, NULL);
	EXPECT_EQ(64, removed);
}

struct reader_arg {
	struct csvx_conn_table *ct;
	u32 n, now;
	volatile bool stop;
	unsigned long lookups, misses, wrong;
};

static void *reader(void *p)
{
	struct reader_arg *a = p;
	u32 i = 0;

	rcu_register_thread();
	while (!a->stop) {
		struct csvx_conn_tuple t = tup4(6, 0x0a000001, i % a->n,
						0x0a000002, 80);
		struct csvx_conn_key key;
		struct csvx_conn *c;

		csvx_conn_key_make(&key, 1, 7, false, &t);
		rcu_read_lock();
		c = csvx_conn_find(a->ct, &key, csvx_conn_hash(a->ct, &key));
		if (!c)
			a->misses++;
		else if (memcmp(&c->key, &key, CSVX_CONN_KEY4) ||
			 (c->state & CSVX_CT_F_DEAD))
			a->wrong++;
		rcu_read_unlock();
		a->lookups++;
		i++;
	}
	rcu_unregister_thread();
	return NULL;
}

TEST_F(conn, resize_under_readers)
{
	struct reader_arg a = { .ct = self->ct, .n = 20000, .now = self->now };
	struct csvx_conn_tuple t;
	struct csvx_conn *c;
	pthread_t th;
	u32 i;
	int k;

	self->ct->max = a.n;
	for (i = 0; i < a.n; i++) {
		t = tup4(6, 0x0a000001, i, 0x0a000002, 80);
		ASSERT_EQ(0, first(self->ct, &t, 1, self->now, CSVX_TCP_SYN,
				   true, &c));
	}
	ASSERT_EQ(0, pthread_create(&th, NULL, reader, &a));
	for (k = 0; k < 40; k++)
		ASSERT_EQ(0, csvx_conn_resize(self->ct, k % 2 ? 64 : 32768));
	a.stop = true;
	pthread_join(th, NULL);
	ksft_print_msg("%lu lookups during 40 resizes\n", a.lookups);
	/* every lookup waits out a resize: nothing missed, nothing wrong */
	EXPECT_EQ(0, a.misses);
	EXPECT_EQ(0, a.wrong);
	for (i = 0; i < a.n; i++) {
		t = tup4(6, 0x0a000001, i, 0x0a000002, 80);
		ASSERT_NE(NULL, find(self->ct, &t, 1, self->now, NULL));
	}
	EXPECT_EQ(a.n, csvx_conn_count(self->ct));
}

struct writer_arg {
	struct csvx_conn_table *ct;
	u32 now;
	int created;
};

static void *writer(void *p)
{
	struct writer_arg *a = p;
	struct csvx_conn *c;
	u32 i;

	rcu_register_thread();
	for (i = 0; i < 5000; i++) {
		struct csvx_conn_tuple t = tup4(17, 0x0a000001, i, 0x0a000002,
						53);

		if (!first(a->ct, &t, 1, a->now, 0, true, &c))
			a->created++;
	}
	rcu_unregister_thread();
	return NULL;
}

TEST_F(conn, concurrent_inserts)
{
	struct writer_arg a[3];
	pthread_t th[3];
	int i, total = 0;

	self->ct->max = 100000;
	for (i = 0; i < 3; i++) {
		a[i] = (struct writer_arg){ .ct = self->ct, .now = self->now };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, writer, &a[i]));
	}
	for (i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		total += a[i].created;
	}
	EXPECT_EQ(5000, total);		/* each connection created once */
	EXPECT_EQ(5000, csvx_conn_count(self->ct));
}

/* Everything conn.c promises about its buckets; NULL if all holds. */
static const char *invariants(struct csvx_conn_table *ct)
{
	const struct csvx_conn_buckets *b = rcu_dereference(ct->tbl);
	u32 i, k, j, count = 0;
	struct csvx_conn *c;

	if (b->n & (b->n - 1) || b->shift != 32 - (u32)__builtin_ctz(b->n))
		return "bucket count not a power of two, or its shift wrong";
	for (i = 0; i < b->n; i++) {
		const struct csvx_conn_bucket *l = &b->b[i];

		for (k = 0; k < CSVX_CONN_SLOTS; k++) {
			c = rcu_dereference(l->slot[k]);
			if (!c)
				continue;
			count++;
			if (c->hash >> b->shift != i)
				return "an entry in a slot of another bucket";
			if (l->tag[k] != (u16)c->hash)
				return "a slot's tag is not its entry's";
			if (rcu_dereference(c->next) !=
			    (struct csvx_conn *)(((unsigned long)i << 1) | 1))
				return "a slot's entry does not end in its bucket's marker";
			for (j = 0; j < k; j++)
				if (rcu_dereference(l->slot[j]) == c)
					return "an entry in two slots";
		}
		for (c = rcu_dereference(l->chain); !((unsigned long)c & 1);
		     c = rcu_dereference(c->next)) {
			count++;
			if (c->hash >> b->shift != i)
				return "an entry on another bucket's chain";
			if (c->state & CSVX_CT_F_DEAD)
				return "a dead entry still linked";
		}
		if ((unsigned long)c >> 1 != i)
			return "a chain ends in another bucket's marker";
	}
	if (count != csvx_conn_count(ct))
		return "count is wrong";
	return NULL;
}

/* Random inserts and removes in few buckets: slots, chains, reuse. */
TEST_F(conn, buckets_keep_their_invariants)
{
	struct csvx_conn *at[600] = {};
	struct csvx_conn_tuple t;
	struct csvx_conn *c;
	struct unit_rng r;
	u32 i, k;

	unit_rng_init(&r, "buckets_keep_their_invariants");
	self->ct->max = 600;
	for (i = 0; i < 40000; i++) {
		k = rnd(&r, 600);
		t = tup4(6, 0x0a000001, k, 0x0a000002, 80);
		if (!at[k]) {
			ASSERT_EQ(0, first(self->ct, &t, 1, self->now,
					   CSVX_TCP_SYN, true, &c));
			at[k] = c;
		} else {
			csvx_conn_remove(self->ct, at[k]);
			at[k] = NULL;
		}
		if (i % 97 == 0)
			ASSERT_NULL(invariants(self->ct));
		if (i % 5000 == 4999)
			ASSERT_EQ(0, csvx_conn_resize(self->ct, i % 10000 ?
						      16 : 256));
	}
	ASSERT_NULL(invariants(self->ct));
	for (k = 0; k < 600; k++) {
		t = tup4(6, 0x0a000001, k, 0x0a000002, 80);
		EXPECT_EQ(at[k], find(self->ct, &t, 1, self->now, NULL));
	}
}

/*
 * Stable connections share 16 buckets with many that come and go, so
 * slots are freed and taken again under the readers' feet: a stable one
 * is found every time, never a wrong or dead one.
 */
TEST_F_TIMEOUT(conn, readers_race_slot_reuse, 120)
{
	struct reader_arg a = { .n = 40 };
	struct csvx_conn *at[4000] = {};
	struct csvx_conn_tuple t;
	struct csvx_conn *c;
	struct unit_rng r;
	pthread_t th[2];
	u32 i, k, ops = unit_scale(400000);

	unit_rng_init(&r, "readers_race_slot_reuse");
	csvx_conn_table_destroy(self->ct);
	self->ct = table(self->cache, 10000, 16);
	ASSERT_NE(NULL, self->ct);
	a.ct = self->ct;
	for (i = 0; i < a.n; i++) {
		t = tup4(6, 0x0a000001, i, 0x0a000002, 80);
		ASSERT_EQ(0, first(self->ct, &t, 1, self->now, CSVX_TCP_SYN,
				   true, &c));
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, reader, &a));
	for (i = 0; i < ops; i++) {
		k = rnd(&r, 4000);
		t = tup4(17, 0x0b000001, k, 0x0b000002, 53);
		if (!at[k]) {
			ASSERT_EQ(0, first(self->ct, &t, 1, self->now, 0,
					   true, &c));
			at[k] = c;
		} else {
			csvx_conn_remove(self->ct, at[k]);
			at[k] = NULL;
		}
		if (i % 50000 == 49999)
			ASSERT_EQ(0, csvx_conn_resize(self->ct,
						      i % 100000 ? 16 : 1024));
	}
	a.stop = true;
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	ksft_print_msg("%u writes, %lu lookups\n", ops, a.lookups);
	EXPECT_EQ(0, a.misses);
	EXPECT_EQ(0, a.wrong);
	EXPECT_NULL(invariants(self->ct));
}

/*
 * Connections made to collide (found by trying keys against the table's
 * seed, as an attacker who knew it would): the bucket's chain stops at the
 * cap, further ones are refused (or take an evictable one's place), and
 * the other buckets are untouched.
 */
TEST_F(conn, colliding_connections_are_capped)
{
	struct csvx_conn_table *ct = self->ct;
	const struct csvx_conn_buckets *b = rcu_dereference(ct->tbl);
	struct csvx_conn_tuple t;
	struct csvx_conn_key key;
	struct csvx_conn *c;
	u32 sport, chain = 0, made = 0, refused = 0;

	ct->max = 100000;
	for (sport = 1; made + refused < 200; sport++) {
		int err;

		t = tup4(17, 0x0a000001, sport, 0x0a000002, 53);
		csvx_conn_key_make(&key, 1, 7, false, &t);
		if (csvx_conn_hash(ct, &key) >> b->shift != 0)
			continue;
		err = first(ct, &t, 1, self->now, 0, true, &c);
		if (!err) {
			csvx_conn_seen(ct, c, self->now, true, 0); /* replied */
			made++;
		} else {
			ASSERT_EQ(-ENOSPC, err);
			refused++;
		}
	}
	for (c = rcu_dereference(b->b[0].chain); !((unsigned long)c & 1);
	     c = rcu_dereference(c->next))
		chain++;
	ksft_print_msg("%u made, %u refused, chain %u\n", made, refused, chain);
	EXPECT_EQ(CSVX_CONN_SLOTS + CSVX_CONN_CHAIN_MAX, made);
	EXPECT_EQ(CSVX_CONN_CHAIN_MAX, chain);
	EXPECT_EQ(refused, atomic_long_read(&ct->full));
	EXPECT_NULL(invariants(ct));
	/* another bucket takes new ones as before */
	t = tup4(17, 0x0a000001, 1, 0x0a000003, 53);
	for (sport = 1;; sport++) {
		t.sport = htons(sport);
		csvx_conn_key_make(&key, 1, 7, false, &t);
		if (csvx_conn_hash(ct, &key) >> b->shift != 1)
			continue;
		ASSERT_EQ(0, first(ct, &t, 1, self->now, 0, true, &c));
		break;
	}
}

static u32 hash_of(const struct csvx_conn_table *ct, u32 port, u32 zone,
		   bool zone_is_vni, const struct csvx_conn_tuple *t)
{
	struct csvx_conn_key key;

	csvx_conn_key_make(&key, port, zone, zone_is_vni, t);
	return csvx_conn_hash(ct, &key);
}

/* Pearson's chi-square of @n counts against a uniform spread of @keys. */
static double chi2(const u32 *cnt, u32 n, u32 keys)
{
	double e = (double)keys / n, x = 0;
	u32 i;

	for (i = 0; i < n; i++)
		x += (cnt[i] - e) * (cnt[i] - e) / e;
	return x;
}

/*
 * An IPv4 key hashes as inet_ehashfn() hashes a socket's 4-tuple:
 * jhash_3words over the addresses and the ports, the local part (port id,
 * zone, protocol, zone_is_vni) folded into the initval with the table's
 * random odd multipliers.  Keys that differ only there hash apart and
 * land in other buckets as often as unrelated keys would; the same
 * 4-tuple on many ports and zones, and the keys of a host (a few VMs,
 * well-known ports, sequential remotes), spread over the buckets as
 * uniformly as random keys (chi-square within eight standard deviations
 * of its mean); and another table, with its own secrets, puts the same
 * keys elsewhere.
 */
TEST_F(conn, hash_folds_the_local_part)
{
	static const u16 dports[] = { 443, 80, 53, 22, 8080, 3306, 5432 };
	struct csvx_conn_table *ct = self->ct, *ct2;
	struct csvx_conn_tuple t = tup4(6, 0x0a000001, 40000, 0x0b000001, 443);
	u32 base = hash_of(ct, 1, 7, false, &t), h[2300], nh = 0;
	u32 i, j, same_hash = 0, same_bucket = 0, most = 0, n, moved = 0;
	struct csvx_conn_key key;
	u32 *cnt;
	double x;

	/* the structure itself, with the odd multipliers it relies on */
	csvx_conn_key_make(&key, 1, 7, false, &t);
	for (i = 0; i < ARRAY_SIZE(ct->mix); i++)
		EXPECT_EQ(1, ct->mix[i] & 1);
	EXPECT_EQ(jhash_3words(key.a[0], key.a[1], key.w32[3],
			       ct->seed + key.w32[0] * ct->mix[0] +
			       key.w32[1] * ct->mix[1] +
			       key.w32[2] * ct->mix[2]), base);

	for (i = 1; i <= 1000; i++) {
		h[nh++] = hash_of(ct, 1 + i, 7, false, &t);	/* port id */
		h[nh++] = hash_of(ct, 1, 7 + i, false, &t);	/* zone */
	}
	h[nh++] = hash_of(ct, 1, 7, true, &t);		/* zone is a VNI */
	for (i = 0; i < 256; i++) {			/* protocol */
		if (i == 6)
			continue;
		t.proto = i;
		h[nh++] = hash_of(ct, 1, 7, false, &t);
	}
	for (i = 0; i < nh; i++) {
		same_hash += h[i] == base;
		same_bucket += h[i] >> 22 == base >> 22;	/* of 1024 */
	}
	ksft_print_msg("%u local variants: %u same hash, %u same of 1024 buckets\n",
		       nh, same_hash, same_bucket);
	EXPECT_EQ(0, same_hash);
	EXPECT_GE(12, same_bucket);

	cnt = calloc(4096, sizeof(*cnt));
	ASSERT_NE(NULL, cnt);
	/* one 4-tuple on 64 ports x 64 zones: 4096 keys, 256 buckets */
	t = tup4(17, 0x0a000001, 5000, 0x0a000002, 53);
	for (i = 0; i < 64; i++)
		for (j = 0; j < 64; j++)
			cnt[hash_of(ct, 1 + i, 100 + j, false, &t) >> 24]++;
	x = chi2(cnt, 256, 4096);
	ksft_print_msg("one 4-tuple, 4096 (port, zone): chi-square %.0f (255 +- 23)\n",
		       x);
	EXPECT_GT(255 + 8 * 23, x);

	/* a host: 200 VMs in 4 zones, sequential remotes and ports */
	ct2 = table(self->cache, 1000, 64);
	ASSERT_NE(NULL, ct2);
	memset(cnt, 0, 4096 * sizeof(*cnt));
	n = 65536;
	for (i = 0; i < n; i++) {
		u32 vm = i % 200;

		t = tup4(i % 5 ? 6 : 17, 0x0a000000 | vm << 8 | 10,
			 32768 + i % 1000, 0x01000000 + i / 7,
			 dports[i % ARRAY_SIZE(dports)]);
		j = hash_of(ct, 1 + vm, vm % 4, false, &t);
		cnt[j >> 20]++;
		moved += hash_of(ct2, 1 + vm, vm % 4, false, &t) >> 20 !=
			 j >> 20;
	}
	for (i = 0; i < 4096; i++)
		most = max(most, cnt[i]);
	x = chi2(cnt, 4096, n);
	ksft_print_msg("a host's keys: chi-square %.0f (4095 +- 91), fullest %u (mean 16)\n",
		       x, most);
	ksft_print_msg("%u of %u in another bucket in another table\n",
		       moved, n);
	EXPECT_GT(4095 + 8 * 91, x);
	EXPECT_GE(40, most);
	EXPECT_LT(n - n / 512, moved);
	csvx_conn_table_destroy(ct2);
	free(cnt);
}

TEST_F(conn, lookup_cost)
{
	struct csvx_conn_tuple t;
	struct csvx_conn *c;
	struct timespec ts;
	double t0, t1;
	u32 i, n = unit_scale(200000), hits = 0;

	self->ct->max = n;
	ASSERT_EQ(0, csvx_conn_resize(self->ct, n));
	for (i = 0; i < n; i++) {
		t = tup4(6, 0x0a000000 + i, 40000, 0x0b000001, 443);
		ASSERT_EQ(0, first(self->ct, &t, 1, self->now, CSVX_TCP_SYN,
				   true, &c));
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	t0 = ts.tv_sec + ts.tv_nsec / 1e9;
	for (i = 0; i < 1000000; i++) {
		t = tup4(6, 0x0a000000 + (i * 2654435761U) % n, 40000,
			 0x0b000001, 443);
		hits += !!find(self->ct, &t, 1, self->now, NULL);
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	t1 = ts.tv_sec + ts.tv_nsec / 1e9;
	ksft_print_msg("established lookup (key, hash, find) at %u connections: %.1f ns CPU\n",
		       n, (t1 - t0) * 1e3);
	EXPECT_EQ(1000000, hits);
}

TEST_HARNESS_MAIN
