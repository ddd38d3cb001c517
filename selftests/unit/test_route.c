// SPDX-License-Identifier: GPL-2.0
/*
 * Routes and nexthops (kmod/tables/route.c, on lpm.c): every refusal and
 * its message, shared nexthops and their lifetime, connected routes,
 * flushes, VRF deletion, walks resumed across changes, a randomized run
 * against a naive longest-prefix model, readers racing a writer, and
 * thousands of tenant VRFs.
 */
#include "unit.h"

static const u8 RMAC[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
static const u8 GWMAC[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0xaa };
static const u8 MCAST[ETH_ALEN] = { 0x01, 0, 0x5e, 0, 0, 1 };

struct snap {
	u64 gen;
	u32 count[CSVX_PARAM_MAX + 1];
	size_t mem;
};

static void snap(struct csvx_tables *t, struct snap *s)
{
	s->gen = t->gen;
	memcpy(s->count, t->count, sizeof(s->count));
	s->mem = csvx_tables_memory(t);
}

static bool unchanged(struct csvx_tables *t, const struct snap *s)
{
	struct snap now;

	snap(t, &now);
	return !memcmp(&now, s, sizeof(now));
}

#define REFUSED(t, call, err, text) do {				\
	struct snap __s;						\
	const char *msg = NULL;						\
									\
	snap(t, &__s);							\
	EXPECT_EQ(-(err), (call));					\
	EXPECT_STREQ(text, msg ? msg : "(none)");			\
	EXPECT_TRUE(unchanged(t, &__s));				\
} while (0)

static int add_vrf(struct csvx_tables *t, const char *name, u32 id)
{
	struct csvx_vrf_spec s = { .name = name, .id = id,
				   .l3vni = 100000 + id, .rmac = RMAC };
	const char *msg;

	return csvx_vrf_add(t, &s, false, &msg);
}

/* Router MACs are numbered, so that targets are easy to tell apart. */
static const u8 *rmac_of(u8 *buf, u32 n)
{
	mac_of(buf, n + 1);
	return buf;
}

static struct csvx_route_spec route(const char *vrf, struct csvx_addr prefix,
				    u8 plen, struct csvx_addr remote,
				    const u8 *rmac)
{
	return (struct csvx_route_spec){ .vrf = vrf, .prefix = prefix,
					 .plen = plen, .remote = remote,
					 .rmac = rmac };
}

static int add(struct csvx_tables *t, const char *vrf, struct csvx_addr p,
	       u8 plen, struct csvx_addr remote, u32 rmac, bool replace)
{
	u8 m[ETH_ALEN];
	struct csvx_route_spec s = route(vrf, p, plen, remote, rmac_of(m, rmac));
	const char *msg;

	return csvx_route_add(t, &s, replace, &msg);
}

static int del(struct csvx_tables *t, const char *vrf, struct csvx_addr p,
	       u8 plen)
{
	const char *msg;

	return csvx_route_del(t, vrf, &p, plen, &msg);
}

static const struct csvx_nexthop *lookup(struct csvx_tables *t,
					 const char *vrf, struct csvx_addr a)
{
	const struct csvx_nexthop *nh;

	rcu_read_lock();
	nh = csvx_route_lookup(t, csvx_vrf_by_name(t, vrf), &a);
	rcu_read_unlock();
	return nh;
}

static const struct csvx_nexthop *get(struct csvx_tables *t, const char *vrf,
				      struct csvx_addr p, u8 plen)
{
	struct csvx_route r;

	if (csvx_route_get(t, csvx_vrf_by_name(t, vrf), &p, plen, &r))
		return NULL;
	return r.nh;
}

TEST_F(tables, add_lookup_get_delete)
{
	struct csvx_tables *t = &self->t;
	const struct csvx_nexthop *nh;
	struct csvx_vrf *v;
	size_t base;
	u64 gen;

	ASSERT_EQ(0, add_vrf(t, "red", 1));
	v = csvx_vrf_by_name(t, "red");
	base = unit_mem(t);
	gen = t->gen;
	ASSERT_EQ(0, add(t, "red", A4(0x0a000000), 8, A4(0xc0000201), 1, false));
	EXPECT_EQ(gen + 1, t->gen);
	ASSERT_EQ(0, add(t, "red", A4(0x0a010000), 16, A4(0xc0000202), 2, false));
	ASSERT_EQ(0, add(t, "red", A4(0), 0, A4(0xc0000203), 3, false));
	ASSERT_EQ(0, add(t, "red", A6(1, 0), 64, A6(0xfe, 1), 4, false));
	EXPECT_EQ(4, v->nr_routes);
	EXPECT_EQ(4, t->count[CSVX_PARAM_MAX_ROUTES]);

	nh = lookup(t, "red", A4(0x0a010203));
	ASSERT_NE(NULL, nh);
	EXPECT_EQ(htonl(0xc0000202), nh->remote.ip4);
	EXPECT_EQ(0x020000000003ULL, nh->rmac);
	EXPECT_NULL(nh->vni);
	EXPECT_EQ(htonl(0xc0000201), lookup(t, "red", A4(0x0a020304))->remote.ip4);
	EXPECT_EQ(htonl(0xc0000203), lookup(t, "red", A4(0x0b000001))->remote.ip4);
	EXPECT_EQ(AF_INET6, lookup(t, "red", A6(1, 77))->remote.family);
	EXPECT_NULL(lookup(t, "red", A6(2, 77)));
	EXPECT_NULL(lookup(t, "red", (struct csvx_addr){ .family = 3 }));

	EXPECT_EQ(lookup(t, "red", A4(0x0a010203)), get(t, "red", A4(0x0a010000), 16));
	EXPECT_NULL(get(t, "red", A4(0x0a010000), 17));
	EXPECT_NULL(get(t, "red", A4(0x0a020000), 16));
	EXPECT_NULL(get(t, "red", A4(0x0a010000), 33));

	EXPECT_EQ(0, del(t, "red", A4(0x0a010000), 16));
	EXPECT_EQ(htonl(0xc0000201), lookup(t, "red", A4(0x0a010203))->remote.ip4);
	EXPECT_EQ(0, del(t, "red", A4(0x0a000000), 8));
	EXPECT_EQ(0, del(t, "red", A4(0), 0));
	EXPECT_EQ(0, del(t, "red", A6(1, 0), 64));
	EXPECT_EQ(0, v->nr_routes);
	EXPECT_EQ(0, t->count[CSVX_PARAM_MAX_ROUTES]);
	EXPECT_EQ(base, unit_mem(t));
}

TEST_F(tables, refusals_and_their_messages)
{
	struct csvx_tables *t = &self->t;
	struct csvx_route_spec s;
	struct csvx_addr p;
	u8 m[ETH_ALEN];

	s = route("red", A4(0x0a000000), 8, A4(0xc0000201), RMAC);
	REFUSED(t, csvx_route_add(t, &s, false, &msg), ENOENT, "VRF does not exist");
	ASSERT_EQ(0, add_vrf(t, "red", 1));
	s = route("red", (struct csvx_addr){}, 0, A4(0xc0000201), RMAC);
	REFUSED(t, csvx_route_add(t, &s, false, &msg), EINVAL,
		"prefix must be an IPv4 or IPv6 address");
	s = route("red", A4(0x0a000000), 33, A4(0xc0000201), RMAC);
	REFUSED(t, csvx_route_add(t, &s, false, &msg), EINVAL,
		"prefix length is too long for its family");
	s = route("red", A6(1, 0), 129, A4(0xc0000201), RMAC);
	REFUSED(t, csvx_route_add(t, &s, false, &msg), EINVAL,
		"prefix length is too long for its family");
	s = route("red", A4(0x0a000001), 24, A4(0xc0000201), RMAC);
	REFUSED(t, csvx_route_add(t, &s, false, &msg), EINVAL,
		"prefix has host bits set");
	s = route("red", A6(1, 1), 127, A4(0xc0000201), RMAC);
	REFUSED(t, csvx_route_add(t, &s, false, &msg), EINVAL,
		"prefix has host bits set");
	s = route("red", A4(0x0a000080), 24, A4(0xc0000201), RMAC);
	REFUSED(t, csvx_route_add(t, &s, false, &msg), EINVAL,
		"prefix has host bits set");
	s = route("red", A4(0x0a000000), 24, (struct csvx_addr){}, RMAC);
	REFUSED(t, csvx_route_add(t, &s, false, &msg), EINVAL,
		"remote VTEP must be a unicast IPv4 or IPv6 address");
	s = route("red", A4(0x0a000000), 24, A4(0xc0000201), NULL);
	REFUSED(t, csvx_route_add(t, &s, false, &msg), EINVAL,
		"router MAC must be unicast and non-zero");
	s = route("red", A4(0x0a000000), 24, A4(0xc0000201), MCAST);
	REFUSED(t, csvx_route_add(t, &s, false, &msg), EINVAL,
		"router MAC must be unicast and non-zero");

	ASSERT_EQ(0, add(t, "red", A4(0x0a000000), 24, A4(0xc0000201), 1, false));
	s = route("red", A4(0x0a000000), 24, A4(0xc0000202), rmac_of(m, 1));
	REFUSED(t, csvx_route_add(t, &s, false, &msg), EEXIST,
		"route exists (use replace)");

	t->limit[CSVX_PARAM_MAX_ROUTES] = 1;
	s = route("red", A4(0x0a000100), 24, A4(0xc0000201), rmac_of(m, 1));
	REFUSED(t, csvx_route_add(t, &s, false, &msg), ENOSPC,
		"too many routes (max-routes)");
	REFUSED(t, csvx_route_add(t, &s, true, &msg), ENOSPC,
		"too many routes (max-routes)");
	/* A replace at the limit is no new route. */
	EXPECT_EQ(0, add(t, "red", A4(0x0a000000), 24, A4(0xc0000209), 1, true));

	p = A4(0x0a000100);
	REFUSED(t, csvx_route_del(t, "blue", &p, 24, &msg), ENOENT,
		"VRF does not exist");
	REFUSED(t, csvx_route_del(t, "red", &p, 24, &msg), ENOENT,
		"route does not exist");
	p = A4(0x0a000101);
	REFUSED(t, csvx_route_del(t, "red", &p, 24, &msg), EINVAL,
		"prefix has host bits set");
	EXPECT_EQ(0, csvx_route_flush(t, "blue"));
}

TEST_F(tables, nexthops_are_shared)
{
	struct csvx_tables *t = &self->t;
	const struct csvx_nexthop *a, *b;
	size_t base, full, one, many;
	u32 i;

	ASSERT_EQ(0, add_vrf(t, "red", 1));
	ASSERT_EQ(0, add_vrf(t, "blue", 2));
	base = unit_mem(t);
	full = csvx_tables_memory(t);
	ASSERT_EQ(0, add(t, "blue", A4(0x0a000000), 32, A4(0xc0000201), 1, false));
	a = get(t, "blue", A4(0x0a000000), 32);
	EXPECT_EQ(1, a->refcnt);
	one = csvx_tables_memory(t);
	/* A thousand host routes behind one VTEP, in two VRFs: one nexthop. */
	for (i = 1; i < 1000; i++)
		ASSERT_EQ(0, add(t, i % 2 ? "red" : "blue", A4(0x0a000000 + i), 32,
				 A4(0xc0000201), 1, false));
	EXPECT_EQ(a, get(t, "blue", A4(0x0a000002), 32));
	EXPECT_EQ(1000, a->refcnt);
	many = csvx_tables_memory(t);

	/* The same VTEP with another router MAC is another target. */
	ASSERT_EQ(0, add(t, "red", A4(0x0a000001), 32, A4(0xc0000201), 2, true));
	b = get(t, "red", A4(0x0a000001), 32);
	EXPECT_NE(a, b);
	EXPECT_EQ(999, a->refcnt);
	EXPECT_EQ(1, b->refcnt);
	EXPECT_NE(a->id, b->id);
	/* Replace with the same target: nothing changes. */
	ASSERT_EQ(0, add(t, "red", A4(0x0a000001), 32, A4(0xc0000201), 2, true));
	EXPECT_EQ(1, b->refcnt);
	EXPECT_EQ(1000, t->count[CSVX_PARAM_MAX_ROUTES]);

	ksft_print_msg("one route %zu bytes, 1000 routes %zu bytes (LPM included)\n",
		       one - full, many - full);
	for (i = 0; i < 1000; i++)
		ASSERT_EQ(0, del(t, i % 2 ? "red" : "blue", A4(0x0a000000 + i), 32));
	EXPECT_EQ(base, unit_mem(t));
}

TEST_F(tables, nexthop_ids_wait_a_grace_period)
{
	struct csvx_tables *t = &self->t;
	unsigned long released[256];
	u32 i, id, prev = 0, reused = 0, top = 0;

	ASSERT_EQ(0, add_vrf(t, "red", 1));
	memset(released, 0xff, sizeof(released));
	for (i = 0; i < 500; i++) {
		/* Each round takes an id and releases the previous one. */
		ASSERT_EQ(0, add(t, "red", A4(0x0a000000), 24, A4(0xc0000201 + i),
				 1, true));
		id = get(t, "red", A4(0x0a000000), 24)->id;
		ASSERT_LT(id, 256);
		if (released[id] != ~0UL) {
			/* Back in use: a grace period began and ended since. */
			EXPECT_NE(released[id], get_state_synchronize_rcu());
			reused++;
		}
		if (prev)
			released[prev] = get_state_synchronize_rcu();
		released[id] = ~0UL;
		prev = id;
		top = max(top, id);
	}
	ksft_print_msg("%u ids reused after a grace period; highest id %u\n",
		       reused, top);
	EXPECT_GT(reused, 400);
	EXPECT_LT(top, 128);
}

static int add_vni(struct csvx_tables *t, u32 id, const char *vrf,
		   struct csvx_addr gw, u8 plen)
{
	struct csvx_vni_spec s = { .vni = id, .vrf = vrf, .gw = gw,
				   .gw_plen = plen, .gw_mac = GWMAC };
	char name[IFNAMSIZ];
	const char *msg;

	snprintf(name, sizeof(name), "vx%u", id);
	s.ifname = name;
	return csvx_vni_add(t, &s, false, &msg);
}

TEST_F(tables, connected_routes)
{
	struct csvx_tables *t = &self->t;
	const struct csvx_nexthop *nh;
	struct csvx_route_spec s;
	struct csvx_addr p;
	const char *msg;

	ASSERT_EQ(0, add_vrf(t, "red", 1));
	ASSERT_EQ(0, add_vni(t, 10, "red", A4(0x0a0a0001), 24));
	ASSERT_EQ(0, add_vni(t, 11, "red", A6(0x11, 1), 64));
	ASSERT_EQ(0, add(t, "red", A4(0), 0, A4(0xc0000201), 1, false));
	nh = lookup(t, "red", A4(0x0a0a0063));
	ASSERT_NE(NULL, nh);
	EXPECT_EQ(0, nh->remote.family);
	EXPECT_EQ(csvx_vni_lookup(t, 10), nh->vni);
	EXPECT_EQ(csvx_vni_lookup(t, 11), lookup(t, "red", A6(0x11, 99))->vni);
	EXPECT_EQ(AF_INET, lookup(t, "red", A4(0x0a0b0001))->remote.family);

	s = route("red", A4(0x0a0a0000), 24, A4(0xc0000201), RMAC);
	REFUSED(t, csvx_route_add(t, &s, false, &msg), EEXIST,
		"route exists (use replace)");
	REFUSED(t, csvx_route_add(t, &s, true, &msg), EBUSY,
		"prefix is the connected subnet of a VNI");
	p = A4(0x0a0a0000);
	REFUSED(t, csvx_route_del(t, "red", &p, 24, &msg), EBUSY,
		"route is the connected subnet of a VNI (change the VNI's gateway instead)");
	/* A more specific route inside a connected subnet is fine. */
	ASSERT_EQ(0, add(t, "red", A4(0x0a0a0080), 25, A4(0xc0000202), 1, false));
	EXPECT_EQ(AF_INET, lookup(t, "red", A4(0x0a0a0081))->remote.family);

	/* A flush leaves the connected routes. */
	EXPECT_EQ(2, csvx_route_flush(t, "red"));
	EXPECT_EQ(2, csvx_vrf_by_name(t, "red")->nr_routes);
	EXPECT_EQ(2, t->count[CSVX_PARAM_MAX_ROUTES]);
	EXPECT_EQ(nh, lookup(t, "red", A4(0x0a0a0081)));
	EXPECT_EQ(0, csvx_route_flush(t, "red"));

	ASSERT_EQ(0, csvx_vni_del(t, 10, &msg));
	EXPECT_NULL(lookup(t, "red", A4(0x0a0a0063)));
	ASSERT_EQ(0, csvx_vni_del(t, 11, &msg));
	EXPECT_EQ(0, t->count[CSVX_PARAM_MAX_ROUTES]);
	EXPECT_EQ(0, csvx_vrf_del(t, "red", &msg));
}

TEST_F(tables, vrf_delete_releases_its_routes)
{
	struct csvx_tables *t = &self->t;
	size_t base = unit_mem(t);
	const char *msg;
	u32 i;

	ASSERT_EQ(0, add_vrf(t, "red", 1));
	ASSERT_EQ(0, add_vrf(t, "blue", 2));
	for (i = 0; i < 3000; i++) {
		ASSERT_EQ(0, add(t, "red", A4(0x0a000000 + (i << 8)), 24,
				 A4(0xc0000200 + i % 50), i % 7, false));
		ASSERT_EQ(0, add(t, "red", A6(i, 0), 64, A6(0xfe, i % 3), 1, false));
	}
	ASSERT_EQ(0, add(t, "blue", A4(0x0a000000), 24, A4(0xc0000200), 0, false));
	EXPECT_EQ(6001, t->count[CSVX_PARAM_MAX_ROUTES]);
	ASSERT_EQ(0, csvx_vrf_del(t, "red", &msg));
	EXPECT_EQ(1, t->count[CSVX_PARAM_MAX_ROUTES]);
	/* The nexthop blue shares with red stays, with one user. */
	EXPECT_EQ(1, get(t, "blue", A4(0x0a000000), 24)->refcnt);
	ASSERT_EQ(0, csvx_vrf_del(t, "blue", &msg));
	EXPECT_EQ(0, t->count[CSVX_PARAM_MAX_ROUTES]);
	EXPECT_EQ(base, unit_mem(t));
}

/* ------------------------------------------------------------------ walks */

struct rseen {
	u32 n, stop_at;
	struct {
		u32 vrf;
		struct csvx_addr p;
		u8 plen;
		bool connected;
	} r[8192];
};

static int rseen_fn(const struct csvx_vrf *vrf, const struct csvx_route *rt,
		    void *arg)
{
	struct rseen *s = arg;

	if (s->n == s->stop_at)
		return 9;
	s->r[s->n].vrf = vrf->id;
	s->r[s->n].p = rt->prefix;
	s->r[s->n].plen = rt->plen;
	s->r[s->n].connected = !rt->nh->remote.family;
	s->n++;
	return 0;
}

/* Route i of a VRF: 10.<i>.0.0/16 for even i, 2001:db8:0:<i>::/64 for odd. */
static struct csvx_addr rt_prefix(u32 i)
{
	return i % 2 ? A6(i, 0) : A4(0x0a000000 + (i << 16));
}

static u8 rt_plen(u32 i)
{
	return i % 2 ? 64 : 16;
}

static int rt_index(const struct csvx_addr *p)
{
	if (p->family == AF_INET)
		return (ntohl(p->ip4) >> 16) & 0xff;
	return ntohl(p->w[1]);
}

TEST_F(tables, walks_resume_across_changes)
{
	struct csvx_tables *t = &self->t;
	struct rseen *s = calloc(1, sizeof(*s));
	static u8 state[4][256];	/* 1 stable, 2 seen */
	struct csvx_cursor c;
	struct unit_rng r;
	u32 v, i, only;
	char name[8];
	int ret;

	unit_rng_init(&r, "walks_resume_across_changes");
	for (v = 1; v <= 3; v++) {
		snprintf(name, sizeof(name), "v%u", v);
		ASSERT_EQ(0, add_vrf(t, name, v));
		for (i = 0; i < 200; i += 2)
			ASSERT_EQ(0, add(t, name, rt_prefix(i), rt_plen(i),
					 A4(0xc0000201), 1, false));
	}
	ASSERT_EQ(0, add_vni(t, 7, "v2", A4(0x0bff0001), 16));
	for (only = 0; only <= 3; only++) {
		memset(state, 0, sizeof(state));
		for (v = 1; v <= 3; v++)
			for (i = 0; i < 200; i++) {
				snprintf(name, sizeof(name), "v%u", v);
				state[v][i] = (!only || only == v) &&
					      get(t, name, rt_prefix(i), rt_plen(i));
			}
		memset(&c, 0, sizeof(c));
		do {
			s->n = 0;
			s->stop_at = rnd(&r, 25);
			ret = csvx_route_walk(t, only ? csvx_vrf_by_id(t, only) : NULL,
					      &c, rseen_fn, s);
			for (i = 0; i < s->n; i++) {
				int k;

				if (s->r[i].connected)
					continue;
				k = rt_index(&s->r[i].p);
				ASSERT_TRUE(!only || s->r[i].vrf == only);
				ASSERT_NE(3, state[s->r[i].vrf][k]);
				state[s->r[i].vrf][k] |= 2;
			}
			/* Between messages: routes come and go, anywhere. */
			for (i = rnd(&r, 5); ret && i; i--) {
				u32 k = rnd(&r, 200);

				v = 1 + rnd(&r, 3);
				snprintf(name, sizeof(name), "v%u", v);
				if (!del(t, name, rt_prefix(k), rt_plen(k)))
					state[v][k] &= ~1;
				else
					ASSERT_EQ(0, add(t, name, rt_prefix(k),
							 rt_plen(k), A4(0xc0000202), 2,
							 false));
			}
		} while (ret);
		for (v = 1; v <= 3; v++)
			for (i = 0; i < 200; i++)
				ASSERT_NE(1, state[v][i])
					TH_LOG("vrf %u route %u never seen", v, i);
	}
	free(s);
}

/* ------------------------------------------------------- randomized model */

#define RM_N	300

struct rm_route {
	bool on;
	u8 a[16], plen;
	u32 remote, rmac;
};

static bool rm_match(const struct rm_route *r, const u8 *addr)
{
	u32 full = r->plen / 8, rem = r->plen % 8;

	if (memcmp(r->a, addr, full))
		return false;
	return !rem || !((r->a[full] ^ addr[full]) & (u8)(0xff00 >> rem));
}

static struct csvx_addr rm_addr(const u8 *a, bool v6)
{
	struct csvx_addr x = { .family = v6 ? AF_INET6 : AF_INET };

	memcpy(x.w, a, v6 ? 16 : 4);
	return x;
}

/*
 * Random prefixes from a small space (so they nest and collide), random
 * targets from a few VTEPs and MACs, and after every change lookups of
 * random addresses against a linear scan for the longest match.
 */
TEST_F_TIMEOUT(tables, randomized_against_a_model, 120)
{
	struct csvx_tables *t = &self->t;
	static struct rm_route m[2][RM_N];
	static u32 canon[2][RM_N];
	struct unit_rng r;
	u32 step, i, j, f, count = 0;
	const char *msg;

	unit_rng_init(&r, "randomized_against_a_model");
	ASSERT_EQ(0, add_vrf(t, "red", 1));
	/*
	 * A fixed pool of prefixes per family, from a small space so that
	 * they nest; equal ones share one model slot (canon).
	 */
	for (f = 0; f < 2; f++) {
		for (j = 0; j < RM_N; j++) {
			struct rm_route *e = &m[f][j];

			e->plen = rnd(&r, (f ? 128 : 32) + 1);
			for (i = 0; i < 16; i++)
				e->a[i] = i < 2 ? rnd(&r, 4) : rnd(&r, 256);
			for (i = f ? 0 : 32; i < 128; i++)
				e->a[i / 8] &= f ? 0xff : 0;
			for (i = e->plen; i < 128; i++)
				e->a[i / 8] &= ~(0x80 >> (i % 8));
			canon[f][j] = j;
			for (i = 0; i < j; i++)
				if (m[f][i].plen == e->plen &&
				    !memcmp(m[f][i].a, e->a, 16)) {
					canon[f][j] = i;
					break;
				}
		}
	}
	/* The LPM's updates dominate under ASan: fewer steps there. */
	for (step = 0; step < max(unit_scale(20000), 5000U); step++) {
		bool v6 = rnd(&r, 2), replace = rnd(&r, 4) == 0;
		struct rm_route *e = &m[v6][canon[v6][rnd(&r, RM_N)]];
		u32 remote = 1 + rnd(&r, 3), rmacn = rnd(&r, 2);
		u8 addr[16] = {}, rmac[ETH_ALEN];
		struct csvx_route_spec s;
		int expect, got;

		s = route("red", rm_addr(e->a, v6), e->plen,
			  A4(0xc0000200 + remote), rmac_of(rmac, rmacn));
		if (rnd(&r, 3)) {
			expect = e->on && !replace ? -EEXIST : 0;
			got = csvx_route_add(t, &s, replace, &msg);
			ASSERT_EQ(expect, got);
			if (!got) {
				count += !e->on;
				e->on = true;
				e->remote = remote;
				e->rmac = rmacn;
			}
		} else {
			expect = e->on ? 0 : -ENOENT;
			got = csvx_route_del(t, "red", &s.prefix, s.plen, &msg);
			ASSERT_EQ(expect, got);
			if (!got) {
				e->on = false;
				count--;
			}
		}
		ASSERT_EQ(count, t->count[CSVX_PARAM_MAX_ROUTES]);

		for (i = 0; i < 8; i++) {
			const struct csvx_nexthop *nh;
			struct rm_route *best = NULL;

			v6 = rnd(&r, 2);
			for (j = 0; j < 16; j++)
				addr[j] = j < 2 ? rnd(&r, 4) : rnd(&r, 256);
			/* Often an address inside a known prefix. */
			if (rnd(&r, 2)) {
				struct rm_route *p = &m[v6][rnd(&r, RM_N)];
				u8 keep = (u8)(0xff00 >> (p->plen % 8));

				memcpy(addr, p->a, p->plen / 8);
				if (p->plen % 8)
					addr[p->plen / 8] =
						(p->a[p->plen / 8] & keep) |
						(addr[p->plen / 8] & ~keep);
			}
			for (j = 0; j < RM_N; j++)
				if (m[v6][j].on && rm_match(&m[v6][j], addr) &&
				    (!best || m[v6][j].plen > best->plen))
					best = &m[v6][j];
			nh = lookup(t, "red", rm_addr(addr, v6));
			ASSERT_EQ(best != NULL, nh != NULL);
			if (best) {
				ASSERT_EQ(htonl(0xc0000200 + best->remote),
					  nh->remote.ip4);
				ASSERT_EQ(0x020000000001ULL + best->rmac, nh->rmac);
			}
		}
	}
	EXPECT_EQ(count, csvx_route_flush(t, "red"));
	EXPECT_EQ(0, t->count[CSVX_PARAM_MAX_ROUTES]);
}

/* ------------------------------------------------------------ concurrency */

struct route_race {
	struct csvx_tables *t;
	struct csvx_vrf *vrf;
	volatile int stop;
	const char *err;
	u64 lookups;
};

/*
 * 10.<s>.0.0/16 always routes (to 192.0.2.<s> or 192.0.3.<s>); /24s
 * inside it come and go, to 198.51.<s>.<x>.  Any answer is one of those.
 */
static void *route_reader(void *arg)
{
	struct route_race *rc = arg;
	struct unit_rng r = { .s = (uintptr_t)&r };
	u64 n = 0;

	rcu_register_thread();
	while (!rc->stop && !rc->err) {
		u32 s = rnd(&r, 16), x = rnd(&r, 256), ip;
		struct csvx_addr a = A4(0x0a000000 | s << 16 | x << 8 | 1);
		const struct csvx_nexthop *nh;

		rcu_read_lock();
		nh = csvx_route_lookup(rc->t, rc->vrf, &a);
		if (!nh) {
			rc->err = "no route where there always is one";
		} else {
			ip = ntohl(nh->remote.ip4);
			if (nh->remote.family != AF_INET ||
			    !(ip == (0xc0000200 | s) || ip == (0xc0000300 | s) ||
			      ip == (0xc6330000 | s << 8 | x)))
				rc->err = "a route led to a stranger's nexthop";
		}
		rcu_read_unlock();
		n++;
	}
	__atomic_add_fetch(&rc->lookups, n, __ATOMIC_RELAXED);
	rcu_unregister_thread();
	return NULL;
}

TEST_F_TIMEOUT(tables, readers_race_a_writer, 120)
{
	struct csvx_tables *t = &self->t;
	struct route_race rc = { .t = t };
	u32 i, ops = unit_scale(20000), s, x;
	struct unit_rng r;
	pthread_t th[2];
	double t0;

	unit_rng_init(&r, "readers_race_a_writer");
	ASSERT_EQ(0, add_vrf(t, "red", 1));
	rc.vrf = csvx_vrf_by_name(t, "red");
	for (s = 0; s < 16; s++)
		ASSERT_EQ(0, add(t, "red", A4(0x0a000000 | s << 16), 16,
				 A4(0xc0000200 | s), 1, false));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, route_reader, &rc));
	t0 = unit_now();
	for (i = 0; i < ops && !rc.err; i++) {
		s = rnd(&r, 16);
		x = rnd(&r, 256);
		if (rnd(&r, 10) == 0) {
			ASSERT_EQ(0, add(t, "red", A4(0x0a000000 | s << 16), 16,
					 A4((rnd(&r, 2) ? 0xc0000200 : 0xc0000300) | s),
					 1, true));
		} else if (del(t, "red", A4(0x0a000000 | s << 16 | x << 8), 24)) {
			ASSERT_EQ(0, add(t, "red", A4(0x0a000000 | s << 16 | x << 8),
					 24, A4(0xc6330000 | s << 8 | x), 1, false));
		}
	}
	rc.stop = 1;
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	ksft_print_msg("%u writes, %llu reader lookups in %.2fs\n", ops,
		       (unsigned long long)rc.lookups, unit_now() - t0);
	EXPECT_NULL(rc.err) TH_LOG("%s", rc.err);
}

/* ------------------------------------------------------------------ scale */

/* Thousands of tenants, each with a few routes: memory grows with routes. */
TEST_F_TIMEOUT(tables, thousands_of_tenant_vrfs, 120)
{
	struct csvx_tables *t = &self->t;
	const u32 nvrf = unit_scale(4000), per = 20;
	size_t base = unit_mem(t), full = csvx_tables_memory(t), bytes;
	char name[CSVX_NAME_MAX];
	const char *msg;
	double t0;
	u32 v, i;

	t0 = unit_now();
	for (v = 1; v <= nvrf; v++) {
		snprintf(name, sizeof(name), "t%u", v);
		ASSERT_EQ(0, add_vrf(t, name, v));
		for (i = 0; i < per; i++)
			ASSERT_EQ(0, add(t, name, A4(0x0a000000 + (i << 8)), 24,
					 A4(0xc0000000 + i), v, false));
	}
	bytes = csvx_tables_memory(t) - full;
	ksft_print_msg("%u VRFs x %u routes in %.2fs: %zu bytes per VRF\n",
		       nvrf, per, unit_now() - t0, bytes / nvrf);
	for (v = 1; v <= nvrf; v++) {
		snprintf(name, sizeof(name), "t%u", v);
		ASSERT_EQ(htonl(0xc0000005),
			  lookup(t, name, A4(0x0a000509))->remote.ip4);
	}
	for (v = 1; v <= nvrf; v++) {
		snprintf(name, sizeof(name), "t%u", v);
		ASSERT_EQ(0, csvx_vrf_del(t, name, &msg));
	}
	EXPECT_EQ(base, unit_mem(t));
}

TEST_HARNESS_MAIN
