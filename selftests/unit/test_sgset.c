// SPDX-License-Identifier: GPL-2.0
/*
 * Address sets (kmod/tables/sgset.c and the set half of sg.c): hash:ip and
 * hash:net of both families, refusals and their messages, maxelem and the
 * namespace-wide member limit, flush, swap, resumable walks, a randomized
 * run against a model, and a 100k-member set whose lookups cost the same
 * as a 10-member one's.
 */
#include "unit.h"
#include "sg.h"

FIXTURE(sgset) {
	struct csvx_tables t;
	struct csvx_sgs sg;
};

FIXTURE_SETUP(sgset)
{
	rcu_register_thread();
	ASSERT_EQ(0, csvx_tables_init(&self->t));
	csvx_sgs_init(&self->sg, &self->t);
}

FIXTURE_TEARDOWN(sgset)
{
	csvx_sgs_destroy(&self->sg);
	csvx_tables_destroy(&self->t);
	EXPECT_EQ(0, unit_leaks());
	rcu_unregister_thread();
}

static bool in_set(struct csvx_sgs *sg, const char *name, struct csvx_addr a)
{
	struct csvx_set *set = csvx_sgset_lookup(sg, name);
	bool r;

	rcu_read_lock();
	r = set && csvx_set_test(set, &a);
	rcu_read_unlock();
	return r;
}

static struct csvx_addr pfx4(u32 host, u8 plen)
{
	struct csvx_addr a = A4(plen ? host & ~0U << (32 - plen) : 0);

	return a;
}

TEST_F(sgset, hash_ip_both_families)
{
	struct csvx_sgs *sg = &self->sg;
	const char *msg = NULL;

	ASSERT_EQ(0, csvx_sgset_add(sg, "v4", CSVX_SET_HASH_IP, AF_INET, 0,
				    false, &msg));
	ASSERT_EQ(0, csvx_sgset_add(sg, "v6", CSVX_SET_HASH_IP, AF_INET6, 0,
				    false, &msg));
	EXPECT_EQ(0, csvx_sgset_member_add(sg, "v4", &(struct csvx_addr){
		.family = AF_INET, .ip4 = htonl(0x0a000001) }, 32, false, &msg));
	EXPECT_EQ(0, csvx_sgset_member_add(sg, "v6", &(struct csvx_addr){
		.family = AF_INET6, .w = { htonl(0x20010db8), 0, 0, 1 } }, 128,
		false, &msg));
	EXPECT_TRUE(in_set(sg, "v4", A4(0x0a000001)));
	EXPECT_FALSE(in_set(sg, "v4", A4(0x0a000002)));
	EXPECT_FALSE(in_set(sg, "v4", A6(0, 1)));	/* wrong family */
	EXPECT_FALSE(in_set(sg, "v6", A6(0, 1)));
	EXPECT_EQ(-EEXIST, csvx_sgset_member_add(sg, "v4", &(struct csvx_addr){
		.family = AF_INET, .ip4 = htonl(0x0a000001) }, 32, false, &msg));
	EXPECT_STREQ("member exists already", msg);
	/* An existing member with exist_ok is no error and no change. */
	EXPECT_EQ(1, csvx_sgset_member_add(sg, "v4", &(struct csvx_addr){
		.family = AF_INET, .ip4 = htonl(0x0a000001) }, 32, true, &msg));
	EXPECT_EQ(-EINVAL, csvx_sgset_member_add(sg, "v4", &(struct csvx_addr){
		.family = AF_INET, .ip4 = htonl(0x0a000000) }, 24, false, &msg));
	EXPECT_STREQ("a hash:ip set takes addresses, not prefixes", msg);
	{
		struct csvx_addr a = A6(7, 7);

		EXPECT_EQ(-EINVAL, csvx_sgset_member_add(sg, "v4", &a, 128,
							 false, &msg));
		EXPECT_STREQ("address family does not match the set's", msg);
		EXPECT_EQ(0, csvx_sgset_member_add(sg, "v6", &a, 128, false,
						   &msg));
		EXPECT_TRUE(in_set(sg, "v6", a));
		EXPECT_EQ(0, csvx_sgset_member_del(sg, "v6", &a, 128, &msg));
		EXPECT_FALSE(in_set(sg, "v6", a));
		EXPECT_EQ(-ENOENT, csvx_sgset_member_del(sg, "v6", &a, 128,
							 &msg));
		EXPECT_STREQ("no such member", msg);
	}
	EXPECT_EQ(2, self->t.count[CSVX_PARAM_MAX_SET_MEMBERS]);
	EXPECT_EQ(2, self->t.count[CSVX_PARAM_MAX_SETS]);
}

TEST_F(sgset, refusals)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_addr a = A4(1);
	const char *msg = NULL;

	EXPECT_EQ(-EINVAL, csvx_sgset_add(sg, "", CSVX_SET_HASH_IP, AF_INET,
					  0, false, &msg));
	EXPECT_STREQ("name must not be empty", msg);
	EXPECT_EQ(-EINVAL, csvx_sgset_add(sg, "0123456789012345678901234567890123",
					  CSVX_SET_HASH_IP, AF_INET, 0, false,
					  &msg));
	EXPECT_STREQ("name too long", msg);
	EXPECT_EQ(-EINVAL, csvx_sgset_add(sg, "x", 7, AF_INET, 0, false,
					  &msg));
	EXPECT_STREQ("set type must be hash:ip or hash:net", msg);
	EXPECT_EQ(-EINVAL, csvx_sgset_add(sg, "x", CSVX_SET_HASH_IP, 99, 0,
					  false, &msg));
	EXPECT_STREQ("set family must be inet or inet6", msg);
	ASSERT_EQ(0, csvx_sgset_add(sg, "x", CSVX_SET_HASH_IP, AF_INET, 0,
				    false, &msg));
	EXPECT_EQ(-EEXIST, csvx_sgset_add(sg, "x", CSVX_SET_HASH_IP, AF_INET,
					  0, false, &msg));
	EXPECT_EQ(-EINVAL, csvx_sgset_add(sg, "x", CSVX_SET_HASH_NET, AF_INET,
					  0, true, &msg));
	EXPECT_STREQ("the type and family of a set cannot change", msg);
	EXPECT_EQ(0, csvx_sgset_add(sg, "x", CSVX_SET_HASH_IP, AF_INET, 5,
				    true, &msg));
	EXPECT_EQ(5, csvx_set_maxelem(csvx_sgset_lookup(sg, "x")));
	EXPECT_EQ(-ENOENT, csvx_sgset_member_add(sg, "y", &a, 32, false, &msg));
	EXPECT_STREQ("no such set", msg);
	EXPECT_EQ(-ENOENT, csvx_sgset_del(sg, "y", &msg));
	EXPECT_EQ(-ENOENT, csvx_sgset_flush(sg, "y", &msg));
	EXPECT_EQ(-ENOENT, csvx_sgset_swap(sg, "x", "y", &msg));
	EXPECT_STREQ("no such set (the second one)", msg);
	EXPECT_EQ(-EINVAL, csvx_sgset_swap(sg, "x", "x", &msg));
	ASSERT_EQ(0, csvx_sgset_add(sg, "n", CSVX_SET_HASH_NET, AF_INET, 0,
				    false, &msg));
	EXPECT_EQ(-EINVAL, csvx_sgset_swap(sg, "x", "n", &msg));
	EXPECT_STREQ("sets of different types or families cannot be swapped",
		     msg);
	a = A4(0x0a000001);
	EXPECT_EQ(-EINVAL, csvx_sgset_member_add(sg, "n", &a, 24, false, &msg));
	EXPECT_STREQ("prefix has host bits set", msg);
	EXPECT_EQ(-EINVAL, csvx_sgset_member_add(sg, "n", &a, 33, false, &msg));
	EXPECT_STREQ("prefix length too long for the family", msg);
	/* Nothing refused above left anything behind. */
	EXPECT_EQ(0, self->t.count[CSVX_PARAM_MAX_SET_MEMBERS]);
	EXPECT_EQ(2, self->t.count[CSVX_PARAM_MAX_SETS]);
}

TEST_F(sgset, hash_net_longest_and_lengths)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_set_member *m;
	struct csvx_addr a;
	const char *msg;
	struct csvx_set *set;

	ASSERT_EQ(0, csvx_sgset_add(sg, "n", CSVX_SET_HASH_NET, AF_INET, 0,
				    false, &msg));
	set = csvx_sgset_lookup(sg, "n");
	a = pfx4(0x0a000000, 8);
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "n", &a, 8, false, &msg));
	a = pfx4(0x0a010000, 16);
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "n", &a, 16, false, &msg));
	a = pfx4(0xc0a80101, 32);
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "n", &a, 32, false, &msg));

	rcu_read_lock();
	m = csvx_set_match(set, &(struct csvx_addr){ .family = AF_INET,
						   .ip4 = htonl(0x0a010203) });
	ASSERT_NE(NULL, m);
	EXPECT_EQ(16, m->plen);		/* the longest */
	m = csvx_set_match(set, &(struct csvx_addr){ .family = AF_INET,
						   .ip4 = htonl(0x0a020203) });
	ASSERT_NE(NULL, m);
	EXPECT_EQ(8, m->plen);
	rcu_read_unlock();
	EXPECT_TRUE(in_set(sg, "n", A4(0xc0a80101)));
	EXPECT_FALSE(in_set(sg, "n", A4(0xc0a80102)));
	EXPECT_FALSE(in_set(sg, "n", A4(0x0b000001)));
	/* The lengths present: 8, 16, 32; then 16 goes. */
	EXPECT_EQ((1ULL << 8) | (1ULL << 16) | (1ULL << 32),
		  rcu_dereference(set->data)->lens[0]);
	a = pfx4(0x0a010000, 16);
	ASSERT_EQ(0, csvx_sgset_member_del(sg, "n", &a, 16, &msg));
	EXPECT_EQ((1ULL << 8) | (1ULL << 32),
		  rcu_dereference(set->data)->lens[0]);
	EXPECT_TRUE(in_set(sg, "n", A4(0x0a010203)));	/* by the /8 */
	/* A /0 matches everything of the family. */
	a = A4(0);
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "n", &a, 0, false, &msg));
	EXPECT_TRUE(in_set(sg, "n", A4(0x01020304)));

	/* IPv6: /64 and /128 */
	ASSERT_EQ(0, csvx_sgset_add(sg, "n6", CSVX_SET_HASH_NET, AF_INET6, 0,
				    false, &msg));
	a = A6(5, 0);
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "n6", &a, 64, false, &msg));
	a = A6(6, 9);
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "n6", &a, 128, false, &msg));
	EXPECT_TRUE(in_set(sg, "n6", A6(5, 12345)));
	EXPECT_TRUE(in_set(sg, "n6", A6(6, 9)));
	EXPECT_FALSE(in_set(sg, "n6", A6(6, 10)));
	EXPECT_FALSE(in_set(sg, "n6", A4(1)));
	EXPECT_EQ(-EINVAL, csvx_sgset_member_add(sg, "n6", &a, 129, false,
						 &msg));
}

TEST_F(sgset, maxelem_and_member_limit)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_addr a;
	const char *msg;
	u32 i;

	ASSERT_EQ(0, csvx_sgset_add(sg, "s", CSVX_SET_HASH_IP, AF_INET, 3,
				    false, &msg));
	for (i = 0; i < 3; i++) {
		a = A4(100 + i);
		ASSERT_EQ(0, csvx_sgset_member_add(sg, "s", &a, 32, false,
						   &msg));
	}
	a = A4(200);
	EXPECT_EQ(-ENOSPC, csvx_sgset_member_add(sg, "s", &a, 32, false, &msg));
	EXPECT_STREQ("set is full (maxelem)", msg);
	/* Lowering maxelem below the members is refused; raising works. */
	EXPECT_EQ(-EBUSY, csvx_sgset_add(sg, "s", CSVX_SET_HASH_IP, AF_INET, 2,
					 true, &msg));
	EXPECT_EQ(0, csvx_sgset_add(sg, "s", CSVX_SET_HASH_IP, AF_INET, 10,
				    true, &msg));
	EXPECT_EQ(0, csvx_sgset_member_add(sg, "s", &a, 32, false, &msg));

	/* The namespace-wide limit counts over all sets. */
	self->t.limit[CSVX_PARAM_MAX_SET_MEMBERS] = 5;
	ASSERT_EQ(0, csvx_sgset_add(sg, "t", CSVX_SET_HASH_IP, AF_INET, 0,
				    false, &msg));
	a = A4(1);
	EXPECT_EQ(0, csvx_sgset_member_add(sg, "t", &a, 32, false, &msg));
	a = A4(2);
	EXPECT_EQ(-ENOSPC, csvx_sgset_member_add(sg, "t", &a, 32, false, &msg));
	EXPECT_STREQ("too many set members (max-set-members)", msg);
	self->t.limit[CSVX_PARAM_MAX_SETS] = 2;
	EXPECT_EQ(-ENOSPC, csvx_sgset_add(sg, "u", CSVX_SET_HASH_IP, AF_INET,
					  0, false, &msg));
	EXPECT_STREQ("too many sets (max-sets)", msg);
	/* Deleting a set gives its members back. */
	EXPECT_EQ(0, csvx_sgset_del(sg, "s", &msg));
	EXPECT_EQ(1, self->t.count[CSVX_PARAM_MAX_SET_MEMBERS]);
	EXPECT_EQ(0, csvx_sgset_member_add(sg, "t", &a, 32, false, &msg));
}

TEST_F(sgset, flush_and_swap)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_set *x, *y;
	struct csvx_addr a;
	const char *msg;

	ASSERT_EQ(0, csvx_sgset_add(sg, "x", CSVX_SET_HASH_IP, AF_INET, 100,
				    false, &msg));
	ASSERT_EQ(0, csvx_sgset_add(sg, "y", CSVX_SET_HASH_IP, AF_INET, 200,
				    false, &msg));
	x = csvx_sgset_lookup(sg, "x");
	y = csvx_sgset_lookup(sg, "y");
	a = A4(1);
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "x", &a, 32, false, &msg));
	a = A4(2);
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "y", &a, 32, false, &msg));
	a = A4(3);
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "y", &a, 32, false, &msg));

	ASSERT_EQ(0, csvx_sgset_swap(sg, "x", "y", &msg));
	EXPECT_TRUE(in_set(sg, "x", A4(2)));
	EXPECT_TRUE(in_set(sg, "x", A4(3)));
	EXPECT_FALSE(in_set(sg, "x", A4(1)));
	EXPECT_TRUE(in_set(sg, "y", A4(1)));
	EXPECT_EQ(2, csvx_set_count(x));
	EXPECT_EQ(1, csvx_set_count(y));
	/* maxelem goes with the contents, as in ipset */
	EXPECT_EQ(200, csvx_set_maxelem(x));
	EXPECT_EQ(3, self->t.count[CSVX_PARAM_MAX_SET_MEMBERS]);

	EXPECT_EQ(2, csvx_sgset_flush(sg, "x", &msg));
	EXPECT_EQ(0, csvx_sgset_flush(sg, "x", &msg));
	EXPECT_FALSE(in_set(sg, "x", A4(2)));
	EXPECT_EQ(0, csvx_set_count(x));
	EXPECT_EQ(200, csvx_set_maxelem(x));
	EXPECT_EQ(1, self->t.count[CSVX_PARAM_MAX_SET_MEMBERS]);
}

/* Swapping under a reader: it sees one set's contents or the other's. */
struct swap_arg {
	struct csvx_set *set;
	volatile bool stop;
	unsigned long mixed, reads;
};

static void *swap_reader(void *p)
{
	struct swap_arg *arg = p;

	rcu_register_thread();
	while (!arg->stop) {
		bool a, b;

		rcu_read_lock();
		{
			const struct csvx_set_data *d =
				rcu_dereference(arg->set->data);
			struct csvx_set tmp = *arg->set;

			/* Both tests on the same contents pointer. */
			RCU_INIT_POINTER(tmp.data, (struct csvx_set_data *)d);
			a = csvx_set_test(&tmp, &(struct csvx_addr){
				.family = AF_INET, .ip4 = htonl(1) });
			b = csvx_set_test(&tmp, &(struct csvx_addr){
				.family = AF_INET, .ip4 = htonl(2) });
		}
		rcu_read_unlock();
		arg->mixed += a == b;
		arg->reads++;
	}
	rcu_unregister_thread();
	return NULL;
}

TEST_F(sgset, swap_is_atomic_for_readers)
{
	struct csvx_sgs *sg = &self->sg;
	struct swap_arg arg = {};
	pthread_t th;
	struct csvx_addr a;
	const char *msg;
	int i;

	ASSERT_EQ(0, csvx_sgset_add(sg, "x", CSVX_SET_HASH_IP, AF_INET, 0,
				    false, &msg));
	ASSERT_EQ(0, csvx_sgset_add(sg, "y", CSVX_SET_HASH_IP, AF_INET, 0,
				    false, &msg));
	a = A4(1);
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "x", &a, 32, false, &msg));
	a = A4(2);
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "y", &a, 32, false, &msg));
	arg.set = csvx_sgset_lookup(sg, "x");
	ASSERT_EQ(0, pthread_create(&th, NULL, swap_reader, &arg));
	for (i = 0; i < 20000; i++)
		ASSERT_EQ(0, csvx_sgset_swap(sg, "x", "y", &msg));
	arg.stop = true;
	pthread_join(th, NULL);
	EXPECT_EQ(0, arg.mixed) TH_LOG("%lu of %lu reads saw both or neither",
				       arg.mixed, arg.reads);
}

struct walk_ctx {
	u32 seen[64];
	u32 n, stop_every;
};

static int walk_fn(const struct csvx_set *set, const struct csvx_set_member *m,
		   void *arg)
{
	struct walk_ctx *w = arg;

	(void)set;
	if (w->stop_every && w->n && !(w->n % w->stop_every) &&
	    !w->seen[63]) {
		w->seen[63] = 1;	/* stop once here, then go on */
		return 1;
	}
	w->seen[63] = 0;
	w->seen[ntohl(m->addr[0]) % 63]++;
	w->n++;
	return 0;
}

TEST_F(sgset, walk_resumes)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_cursor c = {};
	struct walk_ctx w = { .stop_every = 7 };
	struct csvx_addr a;
	const char *msg;
	int ret, calls = 0;
	u32 i;

	ASSERT_EQ(0, csvx_sgset_add(sg, "s", CSVX_SET_HASH_IP, AF_INET, 0,
				    false, &msg));
	for (i = 0; i < 50; i++) {
		a = A4(i);
		ASSERT_EQ(0, csvx_sgset_member_add(sg, "s", &a, 32, false,
						   &msg));
	}
	do {
		ret = csvx_sgset_member_walk(sg, csvx_sgset_lookup(sg, "s"),
					     &c, walk_fn, &w);
		calls++;
	} while (ret && calls < 100);
	EXPECT_EQ(0, ret);
	EXPECT_GT(calls, 5);
	EXPECT_EQ(50, w.n);
	for (i = 0; i < 50; i++)
		EXPECT_EQ(1, w.seen[i]) TH_LOG("member %u", i);
}

/* Random adds and deletes of prefixes against a list, then lookups. */
TEST_F(sgset, random_against_model)
{
	struct csvx_sgs *sg = &self->sg;
	struct { u32 a; u8 plen; bool in; } model[300];
	struct unit_rng r;
	struct csvx_addr a;
	const char *msg;
	u32 i, k, n = 0;
	int step;

	unit_rng_init(&r, "sgset random");
	ASSERT_EQ(0, csvx_sgset_add(sg, "n", CSVX_SET_HASH_NET, AF_INET, 0,
				    false, &msg));
	for (step = 0; step < 3000; step++) {
		k = rnd(&r, ARRAY_SIZE(model));
		if (k >= n) {
			if (n == ARRAY_SIZE(model))
				continue;
			k = n++;
			model[k].plen = rnd(&r, 33);
			model[k].a = model[k].plen ?
				(0x0a000000 | rnd(&r, 1 << 12) << 8 | rnd(&r, 4)) &
				~0U << (32 - model[k].plen) : 0;
			/* two identical prefixes are one member */
			for (i = 0; i < k; i++)
				if (model[i].a == model[k].a &&
				    model[i].plen == model[k].plen)
					break;
			if (i < k) {
				n--;
				continue;
			}
			model[k].in = false;
		}
		a = A4(model[k].a);
		if (model[k].in) {
			ASSERT_EQ(0, csvx_sgset_member_del(sg, "n", &a,
							   model[k].plen,
							   &msg));
		} else {
			ASSERT_EQ(0, csvx_sgset_member_add(sg, "n", &a,
							   model[k].plen,
							   false, &msg));
		}
		model[k].in = !model[k].in;
		if (step % 10)
			continue;
		for (i = 0; i < 50; i++) {
			u32 x = 0x0a000000 | rnd(&r, 1 << 12) << 8 | rnd(&r, 4);
			bool want = false;

			for (k = 0; k < n; k++)
				want |= model[k].in &&
					(model[k].plen ? (x & ~0U << (32 - model[k].plen)) :
					 0) == model[k].a;
			ASSERT_EQ(want, in_set(sg, "n", A4(x)))
				TH_LOG("step %d, address %08x", step, x);
		}
	}
}

/* CPU time of this thread: the build hosts are busy, wall time lies. */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double probe_ns(struct csvx_set *set, u32 n, int rounds)
{
	struct csvx_addr a = { .family = AF_INET };
	volatile bool sink = false;
	double t0 = cpu_now();
	int i;

	rcu_read_lock();
	for (i = 0; i < rounds; i++) {
		a.ip4 = htonl(0x0b000000 + (i * 2654435761U) % n);
		sink ^= csvx_set_test(set, &a);
	}
	rcu_read_unlock();
	(void)sink;
	return (cpu_now() - t0) * 1e9 / rounds;
}

/* 100k members: a hash:ip probe costs what it costs at 10 members. */
TEST_F(sgset, scale_100k)
{
	struct csvx_sgs *sg = &self->sg;
	u32 n = unit_scale(100000), i;
	double ns_small, ns_hot, ns_big, t0;
	struct csvx_addr a;
	const char *msg;

	ASSERT_EQ(0, csvx_sgset_add(sg, "small", CSVX_SET_HASH_IP, AF_INET, 0,
				    false, &msg));
	ASSERT_EQ(0, csvx_sgset_add(sg, "big", CSVX_SET_HASH_IP, AF_INET, n,
				    false, &msg));
	for (i = 0; i < 10; i++) {
		a = A4(0x0b000000 + i);
		ASSERT_EQ(0, csvx_sgset_member_add(sg, "small", &a, 32, false,
						   &msg));
	}
	t0 = cpu_now();
	for (i = 0; i < n; i++) {
		a = A4(0x0b000000 + i);
		ASSERT_EQ(0, csvx_sgset_member_add(sg, "big", &a, 32, false,
						   &msg));
	}
	t0 = cpu_now() - t0;
	ksft_print_msg("hash:ip: %u members added in %.1f ms CPU (%.0f ns each)\n",
		       n, t0 * 1e3, t0 * 1e9 / n);
	ns_small = probe_ns(csvx_sgset_lookup(sg, "small"), 10, 2000000);
	ns_hot = probe_ns(csvx_sgset_lookup(sg, "big"), 10, 2000000);
	ns_big = probe_ns(csvx_sgset_lookup(sg, "big"), n, 2000000);
	ksft_print_msg("hash:ip test, ns CPU: %.1f at 10 members; at %u: %.1f (10 hot addresses), %.1f (random addresses, cache misses)\n",
		       ns_small, n, ns_hot, ns_big);
	/* The work per test does not grow with the members (what does is
	 * the cache misses of a large working set, measured above).
	 */
	if (!UNIT_ASAN)
		EXPECT_LT(ns_hot, ns_small * 2 + 20);
	EXPECT_EQ(n, csvx_set_count(csvx_sgset_lookup(sg, "big")));
	EXPECT_EQ(n, csvx_sgset_flush(sg, "big", &msg));
}

TEST_HARNESS_MAIN
