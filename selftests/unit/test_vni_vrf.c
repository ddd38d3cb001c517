// SPDX-License-Identifier: GPL-2.0
/*
 * VRFs, VNIs and flood lists (kmod/tables/vrf.c, vni.c): every refusal and
 * its message, replace semantics, what deleting a VNI or a VRF takes with
 * it, walks resumed across changes, a randomized flood-list run against a
 * model, and readers racing a writer.
 */
#include "unit.h"

static const u8 RMAC[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
static const u8 RMAC2[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };
static const u8 GWMAC[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0xaa };
static const u8 MCAST[ETH_ALEN] = { 0x01, 0, 0x5e, 0, 0, 1 };
static const u8 ZERO[ETH_ALEN];

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

static struct csvx_vrf_spec vrf(const char *name, u32 id, u32 l3vni,
				const u8 *rmac)
{
	return (struct csvx_vrf_spec){ .name = name, .id = id, .l3vni = l3vni,
				       .rmac = rmac };
}

static int add_vrf(struct csvx_tables *t, const char *name, u32 id, u32 l3vni)
{
	struct csvx_vrf_spec s = vrf(name, id, l3vni, RMAC);
	const char *msg;

	return csvx_vrf_add(t, &s, false, &msg);
}

static struct csvx_vni_spec vni(u32 id, const char *ifname, const char *vrf)
{
	return (struct csvx_vni_spec){ .vni = id, .ifname = ifname,
				       .vrf = vrf };
}

/* A VNI in @vrf with anycast gateway @gw/@plen. */
static struct csvx_vni_spec vni_gw(u32 id, const char *ifname, const char *vrf,
				   struct csvx_addr gw, u8 plen)
{
	struct csvx_vni_spec s = vni(id, ifname, vrf);

	s.gw = gw;
	s.gw_plen = plen;
	s.gw_mac = GWMAC;
	return s;
}

static int add_vni(struct csvx_tables *t, struct csvx_vni_spec s, bool replace)
{
	const char *msg;

	return csvx_vni_add(t, &s, replace, &msg);
}

static const struct csvx_nexthop *route_nh(struct csvx_tables *t,
					   const char *vrf_name,
					   struct csvx_addr prefix, u8 plen)
{
	struct csvx_vrf *v = csvx_vrf_by_name(t, vrf_name);
	struct csvx_route r;

	if (!v || csvx_route_get(t, v, &prefix, plen, &r))
		return NULL;
	return r.nh;
}

/* ------------------------------------------------------------------- VRFs */

TEST_F(tables, vrf_add_lookup_delete)
{
	struct csvx_tables *t = &self->t;
	size_t base = unit_mem(t);
	struct csvx_vrf *v;
	const char *msg;
	u64 gen = t->gen;

	ASSERT_EQ(0, add_vrf(t, "red", 10, 5000));
	EXPECT_EQ(gen + 1, t->gen);
	v = csvx_vrf_by_name(t, "red");
	ASSERT_NE(NULL, v);
	EXPECT_EQ(v, csvx_vrf_by_id(t, 10));
	rcu_read_lock();
	EXPECT_EQ(v, csvx_vrf_by_l3vni(t, 5000));
	rcu_read_unlock();
	EXPECT_STREQ("red", v->name);
	EXPECT_EQ(10, v->id);
	EXPECT_EQ(5000, v->l3vni);
	EXPECT_EQ(0x020000000001ULL, v->rmac);
	EXPECT_NE(NULL, v->lpm4);
	EXPECT_NE(NULL, v->lpm6);
	EXPECT_EQ(0, v->nr_vnis);
	EXPECT_EQ(1, t->count[CSVX_PARAM_MAX_VRFS]);
	EXPECT_NULL(csvx_vrf_by_name(t, "blue"));
	EXPECT_NULL(csvx_vrf_by_name(t, "re"));
	EXPECT_NULL(csvx_vrf_by_name(t, "a-name-that-is-too-long"));
	EXPECT_NULL(csvx_vrf_by_name(t, NULL));
	EXPECT_NULL(csvx_vrf_by_id(t, 11));
	EXPECT_NULL(csvx_vrf_by_l3vni(t, 5001));

	/* A name of exactly 15 characters is fine. */
	ASSERT_EQ(0, add_vrf(t, "fifteen-chars-x", 11, 5001));
	EXPECT_NE(NULL, csvx_vrf_by_name(t, "fifteen-chars-x"));

	EXPECT_EQ(0, csvx_vrf_del(t, "red", &msg));
	EXPECT_EQ(0, csvx_vrf_del(t, "fifteen-chars-x", &msg));
	EXPECT_NULL(csvx_vrf_by_name(t, "red"));
	EXPECT_NULL(csvx_vrf_by_id(t, 10));
	EXPECT_NULL(csvx_vrf_by_l3vni(t, 5000));
	EXPECT_EQ(0, t->count[CSVX_PARAM_MAX_VRFS]);
	EXPECT_EQ(base, unit_mem(t));
}

TEST_F(tables, vrf_refusals_and_their_messages)
{
	struct csvx_tables *t = &self->t;
	struct csvx_vrf_spec s;

	s = vrf(NULL, 1, 1, RMAC);
	REFUSED(t, csvx_vrf_add(t, &s, false, &msg), EINVAL, "VRF name is empty");
	s = vrf("", 1, 1, RMAC);
	REFUSED(t, csvx_vrf_add(t, &s, false, &msg), EINVAL, "VRF name is empty");
	s = vrf("sixteen-chars-xx", 1, 1, RMAC);
	REFUSED(t, csvx_vrf_add(t, &s, false, &msg), EINVAL,
		"VRF name is longer than 15 characters");
	s = vrf("red", 0, 1, RMAC);
	REFUSED(t, csvx_vrf_add(t, &s, false, &msg), EINVAL, "VRF id must not be 0");
	s = vrf("red", 1, 0, RMAC);
	REFUSED(t, csvx_vrf_add(t, &s, false, &msg), EINVAL,
		"L3VNI is out of range (1-16777215)");
	s = vrf("red", 1, CSVX_VNI_MAX + 1, RMAC);
	REFUSED(t, csvx_vrf_add(t, &s, false, &msg), EINVAL,
		"L3VNI is out of range (1-16777215)");
	s = vrf("red", 1, 1, NULL);
	REFUSED(t, csvx_vrf_add(t, &s, false, &msg), EINVAL,
		"router MAC must be unicast and non-zero");
	s = vrf("red", 1, 1, MCAST);
	REFUSED(t, csvx_vrf_add(t, &s, false, &msg), EINVAL,
		"router MAC must be unicast and non-zero");
	s = vrf("red", 1, 1, ZERO);
	REFUSED(t, csvx_vrf_add(t, &s, false, &msg), EINVAL,
		"router MAC must be unicast and non-zero");

	ASSERT_EQ(0, add_vrf(t, "red", 1, 5000));
	ASSERT_EQ(0, add_vni(t, vni(100, "vx100", NULL), false));
	s = vrf("red", 1, 5000, RMAC);
	REFUSED(t, csvx_vrf_add(t, &s, false, &msg), EEXIST, "VRF already exists");
	s = vrf("red", 2, 5000, RMAC);
	REFUSED(t, csvx_vrf_add(t, &s, true, &msg), EINVAL,
		"the id and L3VNI of a VRF cannot change (delete it and add it again)");
	s = vrf("red", 1, 5001, RMAC);
	REFUSED(t, csvx_vrf_add(t, &s, true, &msg), EINVAL,
		"the id and L3VNI of a VRF cannot change (delete it and add it again)");
	s = vrf("blue", 1, 5001, RMAC);
	REFUSED(t, csvx_vrf_add(t, &s, false, &msg), EEXIST,
		"VRF id is used by another VRF");
	s = vrf("blue", 2, 5000, RMAC);
	REFUSED(t, csvx_vrf_add(t, &s, false, &msg), EEXIST,
		"L3VNI is used by another VRF");
	s = vrf("blue", 2, 100, RMAC);
	REFUSED(t, csvx_vrf_add(t, &s, false, &msg), EEXIST, "L3VNI is an L2 VNI");

	t->limit[CSVX_PARAM_MAX_VRFS] = 2;
	ASSERT_EQ(0, add_vrf(t, "blue", 2, 5001));
	s = vrf("green", 3, 5002, RMAC);
	REFUSED(t, csvx_vrf_add(t, &s, false, &msg), ENOSPC,
		"too many VRFs (max-vrfs)");
	REFUSED(t, csvx_vrf_add(t, &s, true, &msg), ENOSPC,
		"too many VRFs (max-vrfs)");

	REFUSED(t, csvx_vrf_del(t, "green", &msg), ENOENT, "VRF does not exist");
	REFUSED(t, csvx_vrf_del(t, NULL, &msg), ENOENT, "VRF does not exist");
	ASSERT_EQ(0, add_vni(t, vni(101, "vx101", "blue"), false));
	REFUSED(t, csvx_vrf_del(t, "blue", &msg), EBUSY, "VRF is in use by a VNI");
}

TEST_F(tables, vrf_replace_changes_the_router_mac_in_place)
{
	struct csvx_tables *t = &self->t;
	struct csvx_vrf_spec s = vrf("red", 1, 5000, RMAC2);
	struct csvx_vrf *v;
	const char *msg;
	u64 gen;

	/* Replace creates what does not exist. */
	ASSERT_EQ(0, csvx_vrf_add(t, &s, true, &msg));
	v = csvx_vrf_by_name(t, "red");
	EXPECT_EQ(0x020000000002ULL, v->rmac);
	s.rmac = RMAC;
	gen = t->gen;
	ASSERT_EQ(0, csvx_vrf_add(t, &s, true, &msg));
	EXPECT_EQ(gen + 1, t->gen);
	EXPECT_EQ(v, csvx_vrf_by_name(t, "red"));
	EXPECT_EQ(0x020000000001ULL, v->rmac);
	EXPECT_EQ(1, t->count[CSVX_PARAM_MAX_VRFS]);
}

/* ------------------------------------------------------------------- VNIs */

TEST_F(tables, vni_add_lookup_delete)
{
	struct csvx_tables *t = &self->t;
	size_t base = unit_mem(t);
	struct csvx_vni_spec s = vni(4097, "vxlan4097", NULL);
	struct csvx_vni *v;
	const char *msg;

	s.local = A4(0xc0000201);
	s.mtu = 1450;
	ASSERT_EQ(0, add_vni(t, s, false));
	rcu_read_lock();
	v = csvx_vni_lookup(t, 4097);
	rcu_read_unlock();
	ASSERT_NE(NULL, v);
	EXPECT_EQ(4097, v->vni);
	EXPECT_EQ(1450, v->mtu);
	EXPECT_STREQ("vxlan4097", v->ifname);
	EXPECT_TRUE(csvx_addr_equal(&v->local, &s.local));
	EXPECT_EQ(0, v->gw.family);
	EXPECT_NULL(v->vrf);
	EXPECT_NULL(rcu_dereference(v->flood));
	EXPECT_EQ(0, v->ifindex);
	EXPECT_NULL(v->dev);
	EXPECT_EQ(1, t->count[CSVX_PARAM_MAX_VNIS]);
	EXPECT_NULL(csvx_vni_lookup(t, 4098));

	/* The range ends, and a 15-character device name. */
	ASSERT_EQ(0, add_vni(t, vni(1, "a", NULL), false));
	ASSERT_EQ(0, add_vni(t, vni(CSVX_VNI_MAX, "fifteen-chars-x", NULL),
			     false));
	EXPECT_NE(NULL, csvx_vni_lookup(t, CSVX_VNI_MAX));

	EXPECT_EQ(0, csvx_vni_del(t, 4097, &msg));
	EXPECT_EQ(0, csvx_vni_del(t, 1, &msg));
	EXPECT_EQ(0, csvx_vni_del(t, CSVX_VNI_MAX, &msg));
	EXPECT_NULL(csvx_vni_lookup(t, 4097));
	EXPECT_EQ(0, t->count[CSVX_PARAM_MAX_VNIS]);
	EXPECT_EQ(base, unit_mem(t));
}

TEST_F(tables, vni_refusals_and_their_messages)
{
	struct csvx_tables *t = &self->t;
	struct csvx_vni_spec s;

	s = vni(0, "vx0", NULL);
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EINVAL,
		"VNI is out of range (1-16777215)");
	s = vni(CSVX_VNI_MAX + 1, "vx", NULL);
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EINVAL,
		"VNI is out of range (1-16777215)");
	s = vni(10, NULL, NULL);
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EINVAL, "device name is empty");
	s = vni(10, "", NULL);
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EINVAL, "device name is empty");
	s = vni(10, "sixteen-chars-xx", NULL);
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EINVAL,
		"device name is longer than 15 characters");
	s = vni(10, "vx10", NULL);
	s.local = A4(0xe0000001);
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EINVAL,
		"local address must be a unicast IPv4 or IPv6 address");
	s.local = (struct csvx_addr){ .family = 99 };
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EINVAL,
		"local address must be a unicast IPv4 or IPv6 address");
	s = vni(10, "vx10", NULL);
	s.gw_plen = 24;
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EINVAL,
		"gateway prefix length and MAC need a gateway address");
	s = vni(10, "vx10", NULL);
	s.gw_mac = GWMAC;
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EINVAL,
		"gateway prefix length and MAC need a gateway address");
	s = vni_gw(10, "vx10", NULL, A4(0xffffffff), 24);
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EINVAL,
		"gateway must be a unicast IPv4 or IPv6 address");
	s = vni_gw(10, "vx10", NULL, A4(0x0a000001), 0);
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EINVAL,
		"gateway prefix length must be 1-32 (IPv4) or 1-128 (IPv6)");
	s = vni_gw(10, "vx10", NULL, A4(0x0a000001), 33);
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EINVAL,
		"gateway prefix length must be 1-32 (IPv4) or 1-128 (IPv6)");
	s = vni_gw(10, "vx10", NULL, A6(1, 1), 129);
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EINVAL,
		"gateway prefix length must be 1-32 (IPv4) or 1-128 (IPv6)");
	s = vni_gw(10, "vx10", NULL, A4(0x0a000001), 24);
	s.gw_mac = NULL;
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EINVAL,
		"a gateway needs a gateway MAC");
	s.gw_mac = MCAST;
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EINVAL,
		"gateway MAC must be unicast and non-zero");
	s = vni(10, "vx10", NULL);
	s.mtu = 67;
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EINVAL,
		"MTU is out of range (68-65535)");
	s.mtu = 65536;
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EINVAL,
		"MTU is out of range (68-65535)");
	s = vni(10, "vx10", "red");
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), ENOENT, "VRF does not exist");

	ASSERT_EQ(0, add_vrf(t, "red", 1, 5000));
	s = vni(5000, "vx5000", NULL);
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EEXIST,
		"VNI is the L3VNI of a VRF");
	REFUSED(t, csvx_vni_add(t, &s, true, &msg), EEXIST,
		"VNI is the L3VNI of a VRF");
	ASSERT_EQ(0, add_vni(t, vni(10, "vx10", NULL), false));
	s = vni(10, "vx10", NULL);
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EEXIST, "VNI already exists");
	s = vni(11, "vx10", NULL);
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EEXIST,
		"device name is used by another VNI");
	s = vni(10, "vx-other", NULL);
	REFUSED(t, csvx_vni_add(t, &s, true, &msg), EINVAL,
		"the device name of a VNI cannot change (delete it and add it again)");

	t->limit[CSVX_PARAM_MAX_VNIS] = 2;
	ASSERT_EQ(0, add_vni(t, vni(11, "vx11", NULL), false));
	s = vni(12, "vx12", NULL);
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), ENOSPC,
		"too many VNIs (max-vnis)");
	/* Replacing one at the limit is fine. */
	s = vni(11, "vx11", NULL);
	s.mtu = 9000;
	EXPECT_EQ(0, add_vni(t, s, true));
	REFUSED(t, csvx_vni_del(t, 12, &msg), ENOENT, "VNI does not exist");

	/* The connected route of a gateway must be free in the VRF. */
	t->limit[CSVX_PARAM_MAX_VNIS] = 100;
	ASSERT_EQ(0, add_vni(t, vni_gw(20, "vx20", "red", A4(0x0a140001), 24),
			     false));
	s = vni_gw(21, "vx21", "red", A4(0x0a1400fe), 24);
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), EEXIST,
		"gateway subnet is already a route in the VRF");
	t->limit[CSVX_PARAM_MAX_ROUTES] = t->count[CSVX_PARAM_MAX_ROUTES];
	s = vni_gw(21, "vx21", "red", A4(0x0a150001), 24);
	REFUSED(t, csvx_vni_add(t, &s, false, &msg), ENOSPC,
		"too many routes (max-routes)");
	/* ...but moving a VNI's own route at the limit is no new route. */
	s = vni_gw(20, "vx20", "red", A4(0x0a150001), 24);
	EXPECT_EQ(0, add_vni(t, s, true));
}

TEST_F(tables, vni_replace_is_in_place)
{
	struct csvx_tables *t = &self->t;
	struct csvx_vni_spec s;
	struct csvx_vrf *red, *blue;
	struct csvx_vni *v;
	const struct csvx_nexthop *nh;
	const char *msg;
	u32 routes;

	ASSERT_EQ(0, add_vrf(t, "red", 1, 5000));
	ASSERT_EQ(0, add_vrf(t, "blue", 2, 5001));
	red = csvx_vrf_by_name(t, "red");
	blue = csvx_vrf_by_name(t, "blue");
	s = vni_gw(10, "vx10", "red", A4(0x0a0a0001), 24);
	ASSERT_EQ(0, add_vni(t, s, true));	/* replace also creates */
	v = csvx_vni_lookup(t, 10);
	v->ifindex = 42;			/* the device code's */
	EXPECT_EQ(red, v->vrf);
	EXPECT_EQ(1, red->nr_vnis);
	EXPECT_EQ(1, red->nr_routes);
	nh = route_nh(t, "red", A4(0x0a0a0000), 24);
	ASSERT_NE(NULL, nh);
	EXPECT_EQ(v, nh->vni);
	EXPECT_EQ(0, nh->remote.family);
	routes = t->count[CSVX_PARAM_MAX_ROUTES];
	EXPECT_EQ(1, routes);

	/* Same subnet, other gateway address and MAC: the route stays. */
	s = vni_gw(10, "vx10", "red", A4(0x0a0a00fe), 24);
	s.gw_mac = RMAC2;
	s.local = A6(5, 5);
	s.mtu = 1400;
	ASSERT_EQ(0, add_vni(t, s, true));
	EXPECT_EQ(v, csvx_vni_lookup(t, 10));
	EXPECT_EQ(42, v->ifindex);
	EXPECT_EQ(1400, v->mtu);
	EXPECT_EQ(htonl(0x0a0a00fe), v->gw.ip4);
	EXPECT_EQ(0, memcmp(v->gw_mac, RMAC2, ETH_ALEN));
	EXPECT_EQ(AF_INET6, v->local.family);
	EXPECT_EQ(nh, route_nh(t, "red", A4(0x0a0a0000), 24));

	/* Another subnet in another VRF: the route moves with it. */
	s = vni_gw(10, "vx10", "blue", A6(0xb, 1), 64);
	ASSERT_EQ(0, add_vni(t, s, true));
	EXPECT_EQ(blue, v->vrf);
	EXPECT_EQ(0, red->nr_vnis);
	EXPECT_EQ(1, blue->nr_vnis);
	EXPECT_EQ(0, red->nr_routes);
	EXPECT_EQ(1, blue->nr_routes);
	EXPECT_NULL(route_nh(t, "red", A4(0x0a0a0000), 24));
	nh = route_nh(t, "blue", A6(0xb, 0), 64);
	ASSERT_NE(NULL, nh);
	EXPECT_EQ(v, nh->vni);
	EXPECT_EQ(routes, t->count[CSVX_PARAM_MAX_ROUTES]);

	/* No gateway, no VRF: no route. */
	ASSERT_EQ(0, add_vni(t, vni(10, "vx10", NULL), true));
	EXPECT_NULL(v->vrf);
	EXPECT_EQ(0, v->gw.family);
	EXPECT_EQ(0, blue->nr_vnis);
	EXPECT_EQ(0, t->count[CSVX_PARAM_MAX_ROUTES]);
	EXPECT_NULL(route_nh(t, "blue", A6(0xb, 0), 64));
	EXPECT_EQ(0, csvx_vrf_del(t, "red", &msg));
	EXPECT_EQ(0, csvx_vrf_del(t, "blue", &msg));
}

TEST_F(tables, vni_delete_takes_everything_with_it)
{
	struct csvx_tables *t = &self->t;
	struct csvx_fdb_spec f = {};
	struct csvx_addr ip = A4(0x0a0a0005), remote = A4(0xc0000202);
	struct csvx_vrf *red;
	size_t base;
	u8 mac[ETH_ALEN];
	const char *msg;
	u32 i;

	ASSERT_EQ(0, add_vrf(t, "red", 1, 5000));
	red = csvx_vrf_by_name(t, "red");
	base = unit_mem(t);
	ASSERT_EQ(0, add_vni(t, vni_gw(10, "vx10", "red", A4(0x0a0a0001), 24),
			     false));
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, csvx_flood_add(t, 10, &(struct csvx_addr){
			.family = AF_INET, .ip4 = htonl(0xc0000300 + i) }, &msg));
	for (i = 0; i < 50; i++) {
		mac_of(mac, i);
		f.vni = 10;
		f.mac = mac;
		f.remote = remote;
		f.ips = &ip;
		f.nr_ips = i == 7;
		ASSERT_EQ(0, csvx_fdb_update(t, &f, false, &msg));
	}
	EXPECT_EQ(20, t->count[CSVX_PARAM_MAX_FLOOD]);
	EXPECT_EQ(50, t->count[CSVX_PARAM_MAX_FDB]);
	EXPECT_EQ(1, t->count[CSVX_PARAM_MAX_ROUTES]);
	EXPECT_EQ(1, red->nr_vnis);

	ASSERT_EQ(0, csvx_vni_del(t, 10, &msg));
	EXPECT_EQ(0, t->count[CSVX_PARAM_MAX_FLOOD]);
	EXPECT_EQ(0, t->count[CSVX_PARAM_MAX_FDB]);
	EXPECT_EQ(0, t->count[CSVX_PARAM_MAX_ROUTES]);
	EXPECT_EQ(0, t->count[CSVX_PARAM_MAX_VNIS]);
	EXPECT_EQ(0, red->nr_vnis);
	EXPECT_EQ(0, red->nr_routes);
	EXPECT_NULL(route_nh(t, "red", A4(0x0a0a0000), 24));
	EXPECT_NULL(csvx_fdb_lookup_ip(t, 10, &ip));
	EXPECT_EQ(base, unit_mem(t));
	/* Same number, new VNI: nothing left over from the old one. */
	ASSERT_EQ(0, add_vni(t, vni(10, "vx10", NULL), false));
	EXPECT_NULL(rcu_dereference(csvx_vni_lookup(t, 10)->flood));
	EXPECT_EQ(0, csvx_vni_lookup(t, 10)->nr_fdb);
	EXPECT_EQ(0, csvx_vrf_del(t, "red", &msg));
}

/* ------------------------------------------------------------ flood lists */

static int flood(struct csvx_tables *t, u32 v, struct csvx_addr a, bool add)
{
	const char *msg;

	return add ? csvx_flood_add(t, v, &a, &msg) :
		     csvx_flood_del(t, v, &a, &msg);
}

TEST_F(tables, flood_lists)
{
	struct csvx_tables *t = &self->t;
	struct csvx_addr a[] = { A6(1, 2), A4(0x0a000003), A6(1, 1),
				 A4(0x0a000001), A4(0x0a000002) };
	struct csvx_flood *fl, *old;
	struct csvx_addr junk;
	struct csvx_vni *v;
	u32 i;

	ASSERT_EQ(0, add_vni(t, vni(10, "vx10", NULL), false));
	v = csvx_vni_lookup(t, 10);
	for (i = 0; i < ARRAY_SIZE(a); i++)
		ASSERT_EQ(0, flood(t, 10, a[i], true));
	fl = rcu_dereference(v->flood);
	ASSERT_EQ(5, fl->nr);
	/* Sorted: IPv4 before IPv6, then by address. */
	EXPECT_TRUE(csvx_addr_equal(&fl->remote[0], &a[3]));
	EXPECT_TRUE(csvx_addr_equal(&fl->remote[1], &a[4]));
	EXPECT_TRUE(csvx_addr_equal(&fl->remote[2], &a[1]));
	EXPECT_TRUE(csvx_addr_equal(&fl->remote[3], &a[2]));
	EXPECT_TRUE(csvx_addr_equal(&fl->remote[4], &a[0]));
	EXPECT_EQ(5, t->count[CSVX_PARAM_MAX_FLOOD]);

	/* Garbage beyond an IPv4 address does not make it another one. */
	junk = a[3];
	junk.w[2] = 0xdeadbeef;
	REFUSED(t, csvx_flood_add(t, 10, &junk, &msg), EEXIST,
		"remote VTEP is already in the VNI's flood list");
	junk = A4(0xe0000001);
	REFUSED(t, csvx_flood_add(t, 10, &junk, &msg), EINVAL,
		"remote VTEP must be a unicast IPv4 or IPv6 address");
	REFUSED(t, csvx_flood_add(t, 11, &a[0], &msg), ENOENT,
		"VNI does not exist");
	REFUSED(t, csvx_flood_del(t, 11, &a[0], &msg), ENOENT,
		"VNI does not exist");
	junk = A4(0x0a000009);
	REFUSED(t, csvx_flood_del(t, 10, &junk, &msg), ENOENT,
		"remote VTEP is not in the VNI's flood list");
	t->limit[CSVX_PARAM_MAX_FLOOD] = 5;
	REFUSED(t, csvx_flood_add(t, 10, &junk, &msg), ENOSPC,
		"too many flood entries (max-flood)");

	/* Every change publishes a new array. */
	old = fl;
	ASSERT_EQ(0, flood(t, 10, a[1], false));
	fl = rcu_dereference(v->flood);
	EXPECT_NE(old, fl);
	EXPECT_EQ(4, fl->nr);
	for (i = 0; i < ARRAY_SIZE(a); i++)
		if (i != 1)
			ASSERT_EQ(0, flood(t, 10, a[i], false));
	EXPECT_NULL(rcu_dereference(v->flood));
	EXPECT_EQ(0, t->count[CSVX_PARAM_MAX_FLOOD]);
}

struct fseen {
	u32 n, stop_at;
	u32 vni[512];
	struct csvx_addr a[512];
};

static int fseen_fn(u32 vni, const struct csvx_addr *a, void *arg)
{
	struct fseen *s = arg;

	if (s->n == s->stop_at)
		return 3;
	s->vni[s->n] = vni;
	s->a[s->n++] = *a;
	return 0;
}

/* Model: for each VNI 1..M, a bitmap of pool addresses. */
#define F_VNIS	6
#define F_POOL	40

static struct csvx_addr f_addr(u32 i)
{
	return i % 2 ? A4(0x0a000000 + i) : A6(i, i);
}

static int f_index(const struct csvx_addr *a)
{
	u32 i;

	for (i = 0; i < F_POOL; i++) {
		struct csvx_addr b = f_addr(i);

		if (csvx_addr_equal(a, &b))
			return i;
	}
	return -1;
}

TEST_F_TIMEOUT(tables, flood_randomized_with_sliced_walks, 120)
{
	struct csvx_tables *t = &self->t;
	bool m[F_VNIS + 1][F_POOL] = {};
	struct fseen *s = calloc(1, sizeof(*s));
	struct unit_rng r;
	u32 round, i, v, k, n;

	unit_rng_init(&r, "flood_randomized_with_sliced_walks");
	for (v = 1; v < F_VNIS; v++) {
		char name[IFNAMSIZ];

		snprintf(name, sizeof(name), "vx%u", v);
		ASSERT_EQ(0, add_vni(t, vni(v, name, NULL), false));
	}
	for (round = 0; round < 300; round++) {
		u8 state[F_VNIS + 1][F_POOL];	/* 1 stable, 2 seen */
		struct csvx_cursor c = {};
		u32 only = rnd(&r, 3) ? 0 : 1 + rnd(&r, F_VNIS - 1);
		int ret;

		for (v = 1; v <= F_VNIS; v++)
			for (k = 0; k < F_POOL; k++)
				state[v][k] = m[v][k] && (!only || v == only);
		do {
			s->n = 0;
			s->stop_at = rnd(&r, 12);
			ret = csvx_flood_walk(t, only, &c, fseen_fn, s);
			for (i = 0; i < s->n; i++) {
				int idx = f_index(&s->a[i]);

				ASSERT_GE(idx, 0);
				ASSERT_TRUE(!only || s->vni[i] == only);
				ASSERT_NE(3, state[s->vni[i]][idx]);
				state[s->vni[i]][idx] |= 2;
			}
			/* Changes between two messages of the dump. */
			for (i = rnd(&r, 6); ret && i; i--) {
				v = 1 + rnd(&r, F_VNIS);
				k = rnd(&r, F_POOL);
				if (v == F_VNIS) {
					ASSERT_EQ(-ENOENT, flood(t, v, f_addr(k), true));
				} else if (m[v][k]) {
					ASSERT_EQ(0, flood(t, v, f_addr(k), false));
					m[v][k] = false;
					state[v][k] &= ~1;
				} else {
					ASSERT_EQ(0, flood(t, v, f_addr(k), true));
					m[v][k] = true;
				}
			}
		} while (ret);
		for (v = 1; v <= F_VNIS; v++)
			for (k = 0; k < F_POOL; k++)
				ASSERT_NE(1, state[v][k])
					TH_LOG("vni %u addr %u never seen", v, k);
		/* And the arrays themselves: sorted, exactly the model. */
		for (v = 1, n = 0; v < F_VNIS; v++) {
			struct csvx_flood *fl;

			fl = rcu_dereference(csvx_vni_lookup(t, v)->flood);
			for (i = 0, k = 0; k < F_POOL; k++)
				i += m[v][k];
			ASSERT_EQ(i, fl ? fl->nr : 0);
			n += i;
			for (i = 1; fl && i < fl->nr; i++)
				ASSERT_LT(0, memcmp(&fl->remote[i].w,
						    &fl->remote[i - 1].w, 16) +
					     2 * (fl->remote[i].family -
						  fl->remote[i - 1].family));
		}
		ASSERT_EQ(n, t->count[CSVX_PARAM_MAX_FLOOD]);
	}
	free(s);
}

/* ------------------------------------------------------------------ walks */

static int vni_fn(const struct csvx_vni *v, void *arg)
{
	struct fseen *s = arg;

	if (s->n == s->stop_at)
		return 5;
	s->vni[s->n++] = v->vni;
	return 0;
}

static int vrf_fn(const struct csvx_vrf *v, void *arg)
{
	struct fseen *s = arg;

	if (s->n == s->stop_at)
		return 5;
	s->vni[s->n++] = v->id;
	return 0;
}

TEST_F(tables, vni_and_vrf_walks_resume)
{
	struct csvx_tables *t = &self->t;
	struct fseen *s = calloc(1, sizeof(*s));
	u8 seen[400] = {};
	char name[IFNAMSIZ];
	struct csvx_cursor c = {};
	u32 i, calls = 0;
	const char *msg;
	int ret;

	for (i = 1; i < 300; i++) {
		snprintf(name, sizeof(name), "v%u", i);
		ASSERT_EQ(0, add_vni(t, vni(i, name, NULL), false));
		ASSERT_EQ(0, add_vrf(t, name, i, 100000 + i));
	}
	/* Sliced, with VNIs coming and going: 1..199 stay. */
	do {
		s->n = 0;
		s->stop_at = 1 + calls % 9;
		ret = csvx_vni_walk(t, &c, vni_fn, s);
		for (i = 0; i < s->n; i++) {
			ASSERT_TRUE(s->vni[i] < 400);
			if (s->vni[i] < 200)
				ASSERT_EQ(0, seen[s->vni[i]]++);
		}
		if (calls < 100) {
			ASSERT_EQ(0, csvx_vni_del(t, 200 + calls, &msg));
			snprintf(name, sizeof(name), "w%u", calls);
			ASSERT_EQ(0, add_vni(t, vni(300 + calls, name, NULL), false));
		}
		calls++;
	} while (ret);
	for (i = 1; i < 200; i++)
		ASSERT_EQ(1, seen[i]);
	EXPECT_EQ(0, csvx_vni_walk(t, &c, vni_fn, s));

	memset(seen, 0, sizeof(seen));
	memset(&c, 0, sizeof(c));
	do {
		s->n = 0;
		s->stop_at = 7;
		ret = csvx_vrf_walk(t, &c, vrf_fn, s);
		for (i = 0; i < s->n; i++)
			ASSERT_EQ(0, seen[s->vni[i]]++);
	} while (ret);
	for (i = 1; i < 300; i++)
		ASSERT_EQ(1, seen[i]);
	free(s);
}

/* ------------------------------------------------------------ concurrency */

struct vni_race {
	struct csvx_tables *t;
	volatile int stop;
	const char *err;
	u64 reads;
};

static void *vni_reader(void *arg)
{
	struct vni_race *rc = arg;
	struct unit_rng r = { .s = (uintptr_t)&r };
	u64 n = 0;

	rcu_register_thread();
	while (!rc->stop && !rc->err) {
		const struct csvx_flood *fl;
		const struct csvx_vni *v;
		const struct csvx_vrf *vrf;
		u32 id = 1 + rnd(&r, 64), i;

		rcu_read_lock();
		v = csvx_vni_lookup(rc->t, id);
		if (v) {
			if (v->vni != id)
				rc->err = "VNI lookup returned another VNI";
			fl = rcu_dereference(v->flood);
			/* What head-end replication does: run the array. */
			for (i = 0; fl && i < fl->nr; i++)
				if (fl->remote[i].family != AF_INET ||
				    (ntohl(fl->remote[i].ip4) >> 16) != 0x0a00 + id)
					rc->err = "a flood list holds a stranger";
			vrf = READ_ONCE(v->vrf);
			if (vrf && vrf->l3vni != 1000 + vrf->id)
				rc->err = "a VNI's VRF is torn or freed";
		}
		vrf = csvx_vrf_by_l3vni(rc->t, 1000 + 1 + rnd(&r, 4));
		if (vrf && vrf->lpm4 == NULL)
			rc->err = "a VRF without its LPM";
		rcu_read_unlock();
		n++;
	}
	__atomic_add_fetch(&rc->reads, n, __ATOMIC_RELAXED);
	rcu_unregister_thread();
	return NULL;
}

TEST_F_TIMEOUT(tables, readers_race_a_writer, 120)
{
	struct csvx_tables *t = &self->t;
	struct vni_race rc = { .t = t };
	u32 i, ops = unit_scale(200000), id, k;
	char name[IFNAMSIZ];
	struct unit_rng r;
	pthread_t th[2];
	const char *msg;
	double t0;

	unit_rng_init(&r, "readers_race_a_writer");
	for (i = 1; i <= 4; i++) {
		snprintf(name, sizeof(name), "vrf%u", i);
		ASSERT_EQ(0, add_vrf(t, name, i, 1000 + i));
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, vni_reader, &rc));
	t0 = unit_now();
	for (i = 0; i < ops && !rc.err; i++) {
		struct csvx_vni_spec s;
		u32 op = rnd(&r, 100);

		id = 1 + rnd(&r, 64);
		snprintf(name, sizeof(name), "vx%u", id);
		if (op < 60) {
			k = rnd(&r, 200);
			flood(t, id, A4(((0x0a00 + id) << 16) + 1 + k), rnd(&r, 2));
		} else if (op < 80) {
			s = vni(id, name, NULL);
			if (rnd(&r, 2))
				s = vni_gw(id, name, rnd(&r, 2) ? "vrf1" : "vrf2",
					   A4(0x0a000001 + (id << 8)), 24);
			csvx_vni_add(t, &s, true, &msg);
		} else if (op < 95) {
			csvx_vni_del(t, id, &msg);
		} else {
			/* VRFs 3 and 4 come and go (no VNI ever uses them). */
			snprintf(name, sizeof(name), "vrf%u", 3 + rnd(&r, 2));
			if (csvx_vrf_del(t, name, &msg))
				add_vrf(t, name, name[3] - '0', 1000 + name[3] - '0');
		}
	}
	rc.stop = 1;
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	ksft_print_msg("%u writes, %llu reader passes in %.2fs\n", ops,
		       (unsigned long long)rc.reads, unit_now() - t0);
	EXPECT_NULL(rc.err);
}

TEST_HARNESS_MAIN
