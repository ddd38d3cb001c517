// SPDX-License-Identifier: GPL-2.0
/*
 * Security groups (kmod/tables/sg.c, sgcls.c): groups and rules and their
 * refusals, ports and the policies they share, the groups' own member
 * sets, generations, and the compiled classifier against a linear scan of
 * the rules on random rule sets, sets, ports and packets.
 */
#include "unit.h"
#include "sg.h"

FIXTURE(sg) {
	struct csvx_tables t;
	struct csvx_sgs sg;
};

FIXTURE_SETUP(sg)
{
	rcu_register_thread();
	ASSERT_EQ(0, csvx_tables_init(&self->t));
	csvx_sgs_init(&self->sg, &self->t);
}

FIXTURE_TEARDOWN(sg)
{
	csvx_sgs_destroy(&self->sg);
	csvx_tables_destroy(&self->t);
	EXPECT_EQ(0, unit_leaks());
	rcu_unregister_thread();
}

/* ---------------------------------------------------------- helpers */

static struct csvx_sg_rule_spec rule(u8 dir, u8 proto)
{
	struct csvx_sg_rule_spec s = {
		.dir = dir, .proto = proto, .icmp_type = -1, .icmp_code = -1,
	};

	return s;
}

static struct csvx_sg_rule_spec *cidr(struct csvx_sg_rule_spec *s,
				      struct csvx_addr a, u8 plen)
{
	s->remote = CSVX_SG_R_CIDR;
	s->prefix = a;
	s->plen = plen;
	return s;
}

static struct csvx_sg_rule_spec *dports(struct csvx_sg_rule_spec *s, u16 lo,
					u16 hi)
{
	s->has_dport = true;
	s->dport_lo = lo;
	s->dport_hi = hi;
	return s;
}

struct port_req {
	struct csvx_port_spec s;
	u8 mac[ETH_ALEN];
	char name[IFNAMSIZ];
	struct csvx_addr ips[CSVX_PORT_MAX_IPS + 1];
	const char *sgs[CSVX_PORT_MAX_SGS + 1];
};

static struct csvx_port_spec *port_spec(struct port_req *q, int ifindex,
					u32 vni, u64 mac)
{
	memset(q, 0, sizeof(*q));
	mac_of(q->mac, mac);
	snprintf(q->name, sizeof(q->name), "tap%d", ifindex);
	q->s.ifindex = ifindex;
	q->s.ifname = q->name;
	q->s.vni = vni;
	q->s.zone = vni;
	q->s.zone_is_vni = true;
	q->s.mac = q->mac;
	q->s.ips = q->ips;
	q->s.sgs = q->sgs;
	q->s.set_ips = true;
	q->s.set_sgs = true;
	return &q->s;
}

static void port_ip(struct port_req *q, struct csvx_addr a)
{
	q->ips[q->s.nr_ips++] = a;
}

static void port_sg(struct port_req *q, const char *g)
{
	q->sgs[q->s.nr_sgs++] = g;
}

static int port_apply(struct csvx_sgs *sg, struct port_req *q,
		      enum csvx_port_mode mode, const char **msg)
{
	struct csvx_port_txn txn;
	int err;

	err = csvx_port_prepare(sg, &q->s, mode, &txn, msg);
	if (!err)
		csvx_port_commit(sg, &txn);
	return err;
}

static bool classify(struct csvx_port *port, u8 dir, u8 family, u8 proto,
		     u16 key, struct csvx_addr remote,
		     struct csvx_sg_rule **rule)
{
	struct csvx_sg_pkt p = {
		.dir = dir, .family = family, .proto = proto, .key = key,
		.remote = remote,
	};
	const struct csvx_sg_cls *cls;
	struct csvx_sg_rule *r = NULL;
	bool ok;

	rcu_read_lock();
	cls = csvx_port_cls(port);
	ok = cls && csvx_sg_classify(cls, &p, &r);
	rcu_read_unlock();
	if (rule)
		*rule = r;
	return ok;
}

/* ------------------------------------------------- groups and rules */

TEST_F(sg, group_refusals)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_sg_rule_spec s;
	struct port_req q;
	const char *msg = NULL;

	EXPECT_EQ(-EINVAL, csvx_sg_add(sg, "", false, &msg));
	ASSERT_EQ(0, csvx_sg_add(sg, "web", false, &msg));
	ASSERT_EQ(0, csvx_sg_add(sg, "db", false, &msg));
	EXPECT_EQ(-EEXIST, csvx_sg_add(sg, "web", false, &msg));
	EXPECT_STREQ("group exists already", msg);
	EXPECT_EQ(0, csvx_sg_add(sg, "web", true, &msg));
	EXPECT_EQ(-ENOENT, csvx_sg_del(sg, "nope", &msg));
	EXPECT_STREQ("no such group", msg);

	/* db admits web; web admits itself: web can go only once db's
	 * rule does.
	 */
	s = rule(CSVX_SG_INGRESS, CSVX_PROTO_TCP);
	s.remote = CSVX_SG_R_GROUP;
	s.group = "web";
	ASSERT_EQ(0, csvx_sg_rule_add(sg, "db", &s, false, true, &msg));
	ASSERT_EQ(0, csvx_sg_rule_add(sg, "web", &s, false, true, &msg));
	EXPECT_EQ(-EBUSY, csvx_sg_del(sg, "web", &msg));
	EXPECT_STREQ("a rule of another group names this group", msg);
	ASSERT_EQ(0, csvx_sg_rule_del(sg, "db", &s, true, &msg));
	/* A port in it keeps it too. */
	port_spec(&q, 5, 100, 5);
	port_sg(&q, "web");
	ASSERT_EQ(0, port_apply(sg, &q, CSVX_PORT_ADD, &msg));
	EXPECT_EQ(-EBUSY, csvx_sg_del(sg, "web", &msg));
	EXPECT_STREQ("group has ports", msg);
	ASSERT_EQ(0, csvx_port_del(sg, 5, &msg));
	EXPECT_EQ(0, csvx_sg_del(sg, "web", &msg));
	EXPECT_EQ(1, self->t.count[CSVX_PARAM_MAX_SGS]);
	EXPECT_EQ(0, self->t.count[CSVX_PARAM_MAX_RULES]);

	self->t.limit[CSVX_PARAM_MAX_SGS] = 1;
	EXPECT_EQ(-ENOSPC, csvx_sg_add(sg, "x", false, &msg));
	EXPECT_STREQ("too many groups (max-sgs)", msg);
}

TEST_F(sg, rule_refusals)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_sg_rule_spec s;
	const char *msg = NULL;

	ASSERT_EQ(0, csvx_sg_add(sg, "g", false, &msg));
	s = rule(CSVX_SG_INGRESS, CSVX_PROTO_TCP);
	cidr(&s, A4(0x0a000000), 8);
	EXPECT_EQ(-ENOENT, csvx_sg_rule_add(sg, "nope", &s, false, true, &msg));
	s.dir = 2;
	EXPECT_EQ(-EINVAL, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	EXPECT_STREQ("direction must be ingress or egress", msg);
	s.dir = CSVX_SG_INGRESS;
	s.proto = 47;
	EXPECT_EQ(-EINVAL, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	EXPECT_STREQ("protocol must be tcp, udp, icmp, icmpv6 or any", msg);
	s.proto = CSVX_PROTO_TCP;
	dports(&s, 90, 80);
	EXPECT_EQ(-EINVAL, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	EXPECT_STREQ("destination port range is inverted", msg);
	s.proto = CSVX_PROTO_ICMP;
	dports(&s, 80, 80);
	EXPECT_EQ(-EINVAL, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	EXPECT_STREQ("a destination port needs tcp or udp", msg);
	s.has_dport = false;
	s.proto = CSVX_PROTO_UDP;
	s.icmp_type = 8;
	EXPECT_EQ(-EINVAL, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	EXPECT_STREQ("an ICMP type and code need icmp or icmpv6", msg);
	s.proto = CSVX_PROTO_ICMP;
	s.icmp_type = -1;
	s.icmp_code = 3;
	EXPECT_EQ(-EINVAL, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	EXPECT_STREQ("an ICMP code needs an ICMP type", msg);
	s.icmp_code = -1;
	cidr(&s, A6(1, 0), 64);
	EXPECT_EQ(-EINVAL, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	EXPECT_STREQ("icmp takes IPv4 remotes, icmpv6 IPv6 ones", msg);
	s.proto = CSVX_PROTO_ANY;
	cidr(&s, A4(0x0a000001), 8);
	EXPECT_EQ(-EINVAL, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	EXPECT_STREQ("prefix has host bits set", msg);
	cidr(&s, A4(0x0a000000), 33);
	EXPECT_EQ(-EINVAL, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	s.remote = CSVX_SG_R_SET;
	s.set = "nope";
	EXPECT_EQ(-ENOENT, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	EXPECT_STREQ("no such set", msg);
	s.remote = CSVX_SG_R_GROUP;
	s.group = "nope";
	EXPECT_EQ(-ENOENT, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	EXPECT_STREQ("no such group (remote)", msg);
	s.remote = 9;
	EXPECT_EQ(-EINVAL, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	EXPECT_EQ(0, self->t.count[CSVX_PARAM_MAX_RULES]);

	/* Duplicates, exist_ok, deletion by content, the limit. */
	s = rule(CSVX_SG_EGRESS, CSVX_PROTO_UDP);
	dports(&s, 53, 53);
	cidr(&s, A4(0x0a000000), 8);
	ASSERT_EQ(0, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	EXPECT_EQ(-EEXIST, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	EXPECT_STREQ("rule exists already", msg);
	EXPECT_EQ(1, csvx_sg_rule_add(sg, "g", &s, true, true, &msg));
	self->t.limit[CSVX_PARAM_MAX_RULES] = 1;
	s.dport_hi = 54;
	EXPECT_EQ(-ENOSPC, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	EXPECT_STREQ("too many rules (max-rules)", msg);
	EXPECT_EQ(-ENOENT, csvx_sg_rule_del(sg, "g", &s, true, &msg));
	EXPECT_STREQ("no such rule", msg);
	s.dport_hi = 53;
	EXPECT_EQ(0, csvx_sg_rule_del(sg, "g", &s, true, &msg));
	EXPECT_EQ(0, self->t.count[CSVX_PARAM_MAX_RULES]);
}

TEST_F(sg, set_in_use)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_sg_rule_spec s;
	const char *msg = NULL;

	ASSERT_EQ(0, csvx_sg_add(sg, "g", false, &msg));
	ASSERT_EQ(0, csvx_sgset_add(sg, "s", CSVX_SET_HASH_NET, AF_INET6, 0,
				    false, &msg));
	s = rule(CSVX_SG_INGRESS, CSVX_PROTO_ICMP);
	s.remote = CSVX_SG_R_SET;
	s.set = "s";
	EXPECT_EQ(-EINVAL, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	s.proto = CSVX_PROTO_ICMPV6;
	ASSERT_EQ(0, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	EXPECT_EQ(-EBUSY, csvx_sgset_del(sg, "s", &msg));
	EXPECT_STREQ("set is in use by a rule", msg);
	/* a group with rules goes, and gives its set back */
	EXPECT_EQ(0, csvx_sg_del(sg, "g", &msg));
	EXPECT_EQ(0, csvx_sgset_del(sg, "s", &msg));
}

/* ------------------------------------------------------------ ports */

TEST_F(sg, ports_policies_members)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_port *p1, *p2, *p3;
	struct csvx_sg_rule_spec s;
	struct csvx_sg_rule *r;
	struct port_req q;
	const char *msg = NULL;
	u32 gen;

	ASSERT_EQ(0, csvx_sg_add(sg, "web", false, &msg));
	ASSERT_EQ(0, csvx_sg_add(sg, "db", false, &msg));
	/* db admits tcp 5432 from the ports of web */
	s = rule(CSVX_SG_INGRESS, CSVX_PROTO_TCP);
	dports(&s, 5432, 5432);
	s.remote = CSVX_SG_R_GROUP;
	s.group = "web";
	ASSERT_EQ(0, csvx_sg_rule_add(sg, "db", &s, false, true, &msg));

	port_spec(&q, 11, 100, 11);
	port_ip(&q, A4(0x0a000b01));
	port_ip(&q, A6(0, 0xb01));
	port_sg(&q, "web");
	ASSERT_EQ(0, port_apply(sg, &q, CSVX_PORT_ADD, &msg));
	EXPECT_EQ(-EEXIST, port_apply(sg, &q, CSVX_PORT_ADD, &msg));
	EXPECT_STREQ("port exists already", msg);
	port_spec(&q, 12, 100, 12);
	port_ip(&q, A4(0x0a000c01));
	port_sg(&q, "web");
	ASSERT_EQ(0, port_apply(sg, &q, CSVX_PORT_ADD, &msg));
	port_spec(&q, 13, 100, 13);
	port_ip(&q, A4(0x0a000d01));
	port_sg(&q, "db");
	port_sg(&q, "web");
	ASSERT_EQ(0, port_apply(sg, &q, CSVX_PORT_ADD, &msg));

	p1 = csvx_port_lookup(sg, 11);
	p2 = csvx_port_lookup(sg, 12);
	p3 = csvx_port_lookup(sg, 13);
	ASSERT_NE(NULL, p1);
	EXPECT_EQ(p1->policy, p2->policy);	/* shared */
	EXPECT_NE(p1->policy, p3->policy);
	EXPECT_EQ(3, csvx_sg_lookup(sg, "web")->nr_ports);
	EXPECT_EQ(3, sg->nr_filtered);

	/* web's members: every IP of its ports, both families */
	EXPECT_TRUE(classify(p3, CSVX_SG_INGRESS, AF_INET, CSVX_PROTO_TCP, 5432,
			     A4(0x0a000c01), &r));
	EXPECT_NE(NULL, r);
	EXPECT_TRUE(classify(p3, CSVX_SG_INGRESS, AF_INET6, CSVX_PROTO_TCP,
			     5432, A6(0, 0xb01), NULL));
	EXPECT_FALSE(classify(p3, CSVX_SG_INGRESS, AF_INET, CSVX_PROTO_TCP,
			      5433, A4(0x0a000c01), NULL));
	EXPECT_FALSE(classify(p3, CSVX_SG_INGRESS, AF_INET, CSVX_PROTO_TCP,
			      5432, A4(0x0a000c02), NULL));
	/* web has no rule at all: egress open, ingress closed */
	EXPECT_TRUE(classify(p1, CSVX_SG_EGRESS, AF_INET, CSVX_PROTO_UDP, 53,
			     A4(0x08080808), &r));
	EXPECT_EQ(NULL, r);
	EXPECT_FALSE(classify(p1, CSVX_SG_INGRESS, AF_INET, CSVX_PROTO_TCP, 22,
			      A4(0x0a000d01), NULL));

	/* A port's IPs change: web's members follow. */
	port_spec(&q, 12, 100, 12);
	q.s.set_sgs = false;
	port_ip(&q, A4(0x0a000c09));
	ASSERT_EQ(0, port_apply(sg, &q, CSVX_PORT_UPDATE, &msg));
	EXPECT_FALSE(classify(p3, CSVX_SG_INGRESS, AF_INET, CSVX_PROTO_TCP,
			      5432, A4(0x0a000c01), NULL));
	EXPECT_TRUE(classify(p3, CSVX_SG_INGRESS, AF_INET, CSVX_PROTO_TCP, 5432,
			     A4(0x0a000c09), NULL));
	p2 = csvx_port_lookup(sg, 12);
	EXPECT_EQ(p1->policy, p2->policy);	/* groups kept */
	EXPECT_EQ(1, p2->nr_ips);
	EXPECT_EQ(p1->id + 1, p2->id);		/* same port, same id */

	/* Rules change: the generation of the ports of that group moves. */
	gen = p3->gen;
	s = rule(CSVX_SG_EGRESS, CSVX_PROTO_ANY);
	cidr(&s, A4(0), 0);
	ASSERT_EQ(0, csvx_sg_rule_add(sg, "db", &s, false, true, &msg));
	EXPECT_NE(gen, p3->gen);
	gen = p1->gen;
	/* ... and not of the others' */
	EXPECT_EQ(gen, csvx_port_lookup(sg, 11)->gen);
	/* db now has an egress rule: only IPv4 egress is open */
	EXPECT_TRUE(classify(p3, CSVX_SG_EGRESS, AF_INET, CSVX_PROTO_UDP, 53,
			     A4(0x08080808), NULL));
	EXPECT_FALSE(classify(p3, CSVX_SG_EGRESS, AF_INET6, CSVX_PROTO_UDP, 53,
			      A6(9, 9), NULL));

	/* No group any more: not filtered; the member goes. */
	port_spec(&q, 13, 100, 13);
	q.s.set_ips = false;
	ASSERT_EQ(0, port_apply(sg, &q, CSVX_PORT_UPDATE, &msg));
	p3 = csvx_port_lookup(sg, 13);
	EXPECT_EQ(NULL, p3->policy);
	EXPECT_EQ(1, p3->nr_ips);		/* IPs kept */
	EXPECT_EQ(2, sg->nr_filtered);
	rcu_read_lock();
	EXPECT_EQ(NULL, csvx_port_filtered(sg, 13));
	EXPECT_EQ(p1, csvx_port_filtered(sg, 11));
	EXPECT_EQ(NULL, csvx_port_filtered(sg, 11 + CSVX_SG_BLOOM_BITS));
	rcu_read_unlock();
	EXPECT_EQ(0, csvx_sg_lookup(sg, "db")->nr_ports);

	/* Refusals leave everything as it was. */
	port_spec(&q, 14, 100, 11);		/* p1's MAC */
	EXPECT_EQ(-EEXIST, port_apply(sg, &q, CSVX_PORT_ADD, &msg));
	EXPECT_STREQ("another port of the VNI has this MAC", msg);
	port_spec(&q, 14, 200, 11);		/* another VNI: fine */
	port_sg(&q, "nope");
	EXPECT_EQ(-ENOENT, port_apply(sg, &q, CSVX_PORT_ADD, &msg));
	port_spec(&q, 14, 200, 11);
	port_sg(&q, "web");
	port_sg(&q, "web");
	EXPECT_EQ(-EINVAL, port_apply(sg, &q, CSVX_PORT_ADD, &msg));
	EXPECT_STREQ("group listed twice", msg);
	port_spec(&q, 14, 200, 11);
	port_ip(&q, A4(0xe0000001));
	EXPECT_EQ(-EINVAL, port_apply(sg, &q, CSVX_PORT_ADD, &msg));
	port_spec(&q, 14, 200, 11);
	port_ip(&q, A4(1));
	port_ip(&q, A4(1));
	EXPECT_EQ(-EINVAL, port_apply(sg, &q, CSVX_PORT_ADD, &msg));
	EXPECT_STREQ("IP listed twice", msg);
	port_spec(&q, 15, 100, 15);
	EXPECT_EQ(-ENOENT, port_apply(sg, &q, CSVX_PORT_UPDATE, &msg));
	self->t.limit[CSVX_PARAM_MAX_PORTS] = 3;
	EXPECT_EQ(-ENOSPC, port_apply(sg, &q, CSVX_PORT_ADD, &msg));
	EXPECT_STREQ("too many ports (max-ports)", msg);
	EXPECT_EQ(3, self->t.count[CSVX_PARAM_MAX_PORTS]);

	/* A port that goes takes its addresses out of its groups. */
	ASSERT_EQ(0, csvx_port_del(sg, 11, &msg));
	EXPECT_EQ(-ENOENT, csvx_port_del(sg, 11, &msg));
	EXPECT_EQ(0, csvx_set_count(csvx_sg_lookup(sg, "web")->members[1]));
	EXPECT_EQ(1, csvx_set_count(csvx_sg_lookup(sg, "web")->members[0]));
}

/* Two ports with the same address in one group: one member, two refs. */
TEST_F(sg, member_refcount)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_set *m4;
	struct port_req q;
	const char *msg;

	ASSERT_EQ(0, csvx_sg_add(sg, "g", false, &msg));
	m4 = csvx_sg_lookup(sg, "g")->members[0];
	port_spec(&q, 1, 100, 1);
	port_ip(&q, A4(0x0a000001));
	port_sg(&q, "g");
	ASSERT_EQ(0, port_apply(sg, &q, CSVX_PORT_ADD, &msg));
	port_spec(&q, 2, 200, 2);		/* another tenant, same IP */
	port_ip(&q, A4(0x0a000001));
	port_sg(&q, "g");
	ASSERT_EQ(0, port_apply(sg, &q, CSVX_PORT_ADD, &msg));
	EXPECT_EQ(1, csvx_set_count(m4));
	ASSERT_EQ(0, csvx_port_del(sg, 1, &msg));
	EXPECT_EQ(1, csvx_set_count(m4));
	ASSERT_EQ(0, csvx_port_del(sg, 2, &msg));
	EXPECT_EQ(0, csvx_set_count(m4));
}

/* A failed prepare (and an abort) leaves the groups' members alone. */
TEST_F(sg, abort_changes_nothing)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_port_txn txn;
	struct port_req q;
	const char *msg;

	ASSERT_EQ(0, csvx_sg_add(sg, "g", false, &msg));
	port_spec(&q, 1, 100, 1);
	port_ip(&q, A4(0x0a000001));
	port_sg(&q, "g");
	ASSERT_EQ(0, csvx_port_prepare(sg, &q.s, CSVX_PORT_ADD, &txn, &msg));
	csvx_port_abort(&txn);
	EXPECT_EQ(NULL, csvx_port_lookup(sg, 1));
	EXPECT_EQ(0, csvx_set_count(csvx_sg_lookup(sg, "g")->members[0]));
	EXPECT_EQ(0, csvx_sg_lookup(sg, "g")->nr_ports);
	EXPECT_EQ(NULL, sg->policies);
	EXPECT_EQ(0, self->t.count[CSVX_PARAM_MAX_PORTS]);
}

/* ------------------------------------- the member index and intervals */

/* A port @ifindex in group @g, and a rule of @g from set @set to @port. */
static void set_rule(struct __test_metadata *_metadata, struct csvx_sgs *sg,
		     const char *g, const char *set, u8 proto, u16 port)
{
	struct csvx_sg_rule_spec s = rule(CSVX_SG_INGRESS, proto);
	const char *msg = NULL;

	dports(&s, port, port);
	s.remote = CSVX_SG_R_SET;
	s.set = set;
	ASSERT_EQ(0, csvx_sg_rule_add(sg, g, &s, false, true, &msg))
		TH_LOG("%s", msg);
}

static struct csvx_port *group_port(struct __test_metadata *_metadata,
				    struct csvx_sgs *sg, const char *g,
				    int ifindex)
{
	struct port_req q;
	const char *msg = NULL;

	if (!csvx_sg_lookup(sg, g))
		EXPECT_EQ(0, csvx_sg_add(sg, g, false, &msg));
	port_spec(&q, ifindex, 100, ifindex);
	port_sg(&q, g);
	EXPECT_EQ(0, port_apply(sg, &q, CSVX_PORT_ADD, &msg));
	return csvx_port_lookup(sg, ifindex);
}

static bool tcp_in(struct csvx_port *port, u16 key, struct csvx_addr a)
{
	return classify(port, CSVX_SG_INGRESS, a.family, CSVX_PROTO_TCP, key,
			a, NULL);
}

/* Members indexed: the index holds each set's members exactly once. */
static u32 idx_count(struct csvx_sgs *sg)
{
	return sg->idx.h[0].count + sg->idx.h[1].count;
}

TEST_F(sg, set_changes_seen_at_once)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_addr x = A4(0x0a000105), y = A4(0x0a000106);
	struct csvx_port *p;
	const char *msg = NULL;

	ASSERT_EQ(0, csvx_sgset_add(sg, "vms", CSVX_SET_HASH_IP, AF_INET, 0,
				    false, &msg));
	ASSERT_EQ(0, csvx_sgset_add(sg, "tmp", CSVX_SET_HASH_IP, AF_INET, 0,
				    false, &msg));
	p = group_port(_metadata, sg, "web", 5);
	set_rule(_metadata, sg, "web", "vms", CSVX_PROTO_TCP, 22);
	/* an empty set admits nothing, whatever the others hold */
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "tmp", &x, 32, false, &msg));
	EXPECT_FALSE(tcp_in(p, 22, x));
	/* add, delete: the next packet sees it, no recompilation */
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "vms", &y, 32, false, &msg));
	EXPECT_TRUE(tcp_in(p, 22, y));
	EXPECT_FALSE(tcp_in(p, 23, y));
	EXPECT_FALSE(tcp_in(p, 22, x));
	ASSERT_EQ(0, csvx_sgset_member_del(sg, "vms", &y, 32, &msg));
	EXPECT_FALSE(tcp_in(p, 22, y));
	/* CloudStack's way: fill a temporary set, swap it in */
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "vms", &y, 32, false, &msg));
	ASSERT_EQ(0, csvx_sgset_swap(sg, "vms", "tmp", &msg));
	EXPECT_TRUE(tcp_in(p, 22, x));
	EXPECT_FALSE(tcp_in(p, 22, y));
	/* a member added to the swapped-in contents, and the old ones */
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "vms", &y, 32, true, &msg));
	EXPECT_TRUE(tcp_in(p, 22, y));
	ASSERT_EQ(0, csvx_sgset_member_del(sg, "tmp", &y, 32, &msg));
	EXPECT_TRUE(tcp_in(p, 22, y));
	ASSERT_EQ(0, csvx_sgset_swap(sg, "vms", "tmp", &msg));
	EXPECT_FALSE(tcp_in(p, 22, x));
	EXPECT_FALSE(tcp_in(p, 22, y));
	ASSERT_EQ(0, csvx_sgset_swap(sg, "tmp", "vms", &msg));
	EXPECT_TRUE(tcp_in(p, 22, x));
	EXPECT_EQ(2, idx_count(sg));
	/* flush: out of the index too */
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "tmp", &y, 32, false, &msg));
	EXPECT_EQ(2, csvx_sgset_flush(sg, "vms", &msg));
	EXPECT_FALSE(tcp_in(p, 22, x));
	EXPECT_FALSE(tcp_in(p, 22, y));
	EXPECT_EQ(1, idx_count(sg));
	/* a deleted set leaves nothing in the index */
	EXPECT_EQ(0, csvx_sgset_del(sg, "tmp", &msg));
	EXPECT_EQ(0, idx_count(sg));
}

TEST_F(sg, set_named_by_rules_and_ports)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_addr x = A4(0x0a000105);
	struct csvx_port *p1, *p2, *p3;
	const char *msg = NULL;

	ASSERT_EQ(0, csvx_sgset_add(sg, "vms", CSVX_SET_HASH_IP, AF_INET, 0,
				    false, &msg));
	ASSERT_EQ(0, csvx_sgset_add(sg, "other", CSVX_SET_HASH_IP, AF_INET, 0,
				    false, &msg));
	p1 = group_port(_metadata, sg, "g1", 5);
	p2 = group_port(_metadata, sg, "g2", 6);
	p3 = group_port(_metadata, sg, "g2", 7);	/* p2's policy */
	/* two rules of one group, one of another, and a second set that
	 * holds the same address
	 */
	set_rule(_metadata, sg, "g1", "vms", CSVX_PROTO_TCP, 22);
	set_rule(_metadata, sg, "g1", "vms", CSVX_PROTO_TCP, 443);
	set_rule(_metadata, sg, "g2", "vms", CSVX_PROTO_TCP, 80);
	set_rule(_metadata, sg, "g2", "other", CSVX_PROTO_TCP, 25);
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "other", &x, 32, false, &msg));
	EXPECT_FALSE(tcp_in(p1, 22, x));
	EXPECT_TRUE(tcp_in(p2, 25, x));
	EXPECT_FALSE(tcp_in(p2, 80, x));
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "vms", &x, 32, false, &msg));
	EXPECT_TRUE(tcp_in(p1, 22, x));
	EXPECT_TRUE(tcp_in(p1, 443, x));
	EXPECT_FALSE(tcp_in(p1, 80, x));
	EXPECT_TRUE(tcp_in(p2, 80, x));
	EXPECT_TRUE(tcp_in(p3, 80, x));
	EXPECT_TRUE(tcp_in(p3, 25, x));
	EXPECT_FALSE(tcp_in(p3, 22, x));
	ASSERT_EQ(0, csvx_sgset_member_del(sg, "other", &x, 32, &msg));
	EXPECT_FALSE(tcp_in(p3, 25, x));
	EXPECT_TRUE(tcp_in(p3, 80, x));
	EXPECT_EQ(1, idx_count(sg));
}

TEST_F(sg, hash_net_overlapping_prefixes)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_addr in16 = A4(0x0a010203), in8 = A4(0x0a090203);
	struct csvx_addr n8 = A4(0x0a000000), n16 = A4(0x0a010000);
	struct csvx_port *p;
	const char *msg = NULL;

	ASSERT_EQ(0, csvx_sgset_add(sg, "wide", CSVX_SET_HASH_NET, AF_INET, 0,
				    false, &msg));
	ASSERT_EQ(0, csvx_sgset_add(sg, "narrow", CSVX_SET_HASH_NET, AF_INET,
				    0, false, &msg));
	ASSERT_EQ(0, csvx_sgset_add(sg, "both", CSVX_SET_HASH_NET, AF_INET, 0,
				    false, &msg));
	p = group_port(_metadata, sg, "web", 5);
	set_rule(_metadata, sg, "web", "wide", CSVX_PROTO_TCP, 22);
	set_rule(_metadata, sg, "web", "narrow", CSVX_PROTO_TCP, 80);
	set_rule(_metadata, sg, "web", "both", CSVX_PROTO_TCP, 443);
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "wide", &n8, 8, false, &msg));
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "narrow", &n16, 16, false,
					   &msg));
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "both", &n8, 8, false, &msg));
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "both", &n16, 16, false, &msg));
	/* the /16 is found first: the /8 of another set must still count */
	EXPECT_TRUE(tcp_in(p, 22, in16));
	EXPECT_TRUE(tcp_in(p, 80, in16));
	EXPECT_TRUE(tcp_in(p, 443, in16));
	EXPECT_TRUE(tcp_in(p, 22, in8));
	EXPECT_FALSE(tcp_in(p, 80, in8));
	EXPECT_TRUE(tcp_in(p, 443, in8));
	ASSERT_EQ(0, csvx_sgset_member_del(sg, "wide", &n8, 8, &msg));
	EXPECT_FALSE(tcp_in(p, 22, in16));
	EXPECT_TRUE(tcp_in(p, 443, in8));
	ASSERT_EQ(0, csvx_sgset_member_del(sg, "both", &n8, 8, &msg));
	EXPECT_FALSE(tcp_in(p, 443, in8));
	EXPECT_TRUE(tcp_in(p, 443, in16));
	EXPECT_EQ(2, idx_count(sg));
	/* no /8 left anywhere: that length is no longer probed */
	EXPECT_EQ(0, sg->idx.lens[0][0] & (1ULL << 8));
}

TEST_F(sg, ipv6_sets_and_nested_prefixes)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_addr h = A6(1, 5), net = A6(2, 0), in = A6(2, 7);
	struct csvx_addr all = { .family = AF_INET6 }, last = all;
	struct csvx_sg_rule_spec s;
	struct csvx_port *p;
	const char *msg = NULL;

	memset(last.w, 0xff, sizeof(last.w));
	ASSERT_EQ(0, csvx_sgset_add(sg, "v6", CSVX_SET_HASH_IP, AF_INET6, 0,
				    false, &msg));
	ASSERT_EQ(0, csvx_sgset_add(sg, "n6", CSVX_SET_HASH_NET, AF_INET6, 0,
				    false, &msg));
	p = group_port(_metadata, sg, "web", 5);
	set_rule(_metadata, sg, "web", "v6", CSVX_PROTO_TCP, 22);
	set_rule(_metadata, sg, "web", "n6", CSVX_PROTO_TCP, 80);
	/* nested prefixes, each its own port: ::/0, 2001:db8::/32,
	 * 2001:db8:2::/64, and the very last address alone
	 */
	s = rule(CSVX_SG_INGRESS, CSVX_PROTO_TCP);
	ASSERT_EQ(0, csvx_sg_rule_add(sg, "web", dports(cidr(&s, all, 0), 1, 1),
				      false, true, &msg));
	s = rule(CSVX_SG_INGRESS, CSVX_PROTO_TCP);
	ASSERT_EQ(0, csvx_sg_rule_add(sg, "web",
				      dports(cidr(&s, A6(0, 0), 32), 2,
					     2), false, true, &msg));
	s = rule(CSVX_SG_INGRESS, CSVX_PROTO_TCP);
	ASSERT_EQ(0, csvx_sg_rule_add(sg, "web",
				      dports(cidr(&s, net, 64), 3, 3), false,
				      true, &msg));
	s = rule(CSVX_SG_INGRESS, CSVX_PROTO_TCP);
	ASSERT_EQ(0, csvx_sg_rule_add(sg, "web",
				      dports(cidr(&s, last, 128), 4, 4), false,
				      true, &msg));
	EXPECT_TRUE(tcp_in(p, 1, in));
	EXPECT_TRUE(tcp_in(p, 2, in));
	EXPECT_TRUE(tcp_in(p, 3, in));
	EXPECT_FALSE(tcp_in(p, 4, in));
	EXPECT_TRUE(tcp_in(p, 2, h));
	EXPECT_FALSE(tcp_in(p, 3, h));
	EXPECT_TRUE(tcp_in(p, 4, last));
	EXPECT_TRUE(tcp_in(p, 1, last));
	EXPECT_FALSE(tcp_in(p, 2, last));
	/* sets of IPv6 */
	EXPECT_FALSE(tcp_in(p, 22, h));
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "v6", &h, 128, false, &msg));
	EXPECT_TRUE(tcp_in(p, 22, h));
	EXPECT_FALSE(tcp_in(p, 80, in));
	ASSERT_EQ(0, csvx_sgset_member_add(sg, "n6", &net, 64, false, &msg));
	EXPECT_TRUE(tcp_in(p, 80, in));
	EXPECT_FALSE(tcp_in(p, 80, h));
	/* an IPv4 packet is not an IPv6 member */
	EXPECT_FALSE(tcp_in(p, 22, A4(5)));
	ASSERT_EQ(0, csvx_sgset_member_del(sg, "v6", &h, 128, &msg));
	EXPECT_FALSE(tcp_in(p, 22, h));
}

TEST_F(sg, ipv4_interval_edges)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_sg_rule_spec s;
	struct csvx_port *p;
	const char *msg = NULL;
	static const struct { u32 a; u8 plen; u16 port; } pfx[] = {
		{ 0, 0, 1 }, { 0, 32, 2 }, { 0xffffffff, 32, 3 },
		{ 0x0a000000, 8, 4 }, { 0x0b000000, 8, 5 },	/* adjacent */
		{ 0x0a000000, 24, 6 }, { 0x0affff00, 24, 7 },	/* the ends */
		{ 0x0a800000, 9, 8 },
	};
	static const struct { u32 a; u16 port; bool in; } pk[] = {
		{ 0, 2, true }, { 1, 2, false }, { 1, 1, true },
		{ 0xffffffff, 3, true }, { 0xfffffffe, 3, false },
		{ 0xffffffff, 1, true }, { 0x09ffffff, 4, false },
		{ 0x0a000000, 4, true }, { 0x0a000000, 6, true },
		{ 0x0a000100, 6, false }, { 0x0a000100, 4, true },
		{ 0x0affffff, 7, true }, { 0x0affffff, 8, true },
		{ 0x0a7fffff, 8, false }, { 0x0b000000, 5, true },
		{ 0x0b000000, 4, false }, { 0x0c000000, 5, false },
		{ 0x0c000000, 1, true },
	};
	size_t i;

	p = group_port(_metadata, sg, "web", 5);
	for (i = 0; i < ARRAY_SIZE(pfx); i++) {
		s = rule(CSVX_SG_INGRESS, CSVX_PROTO_TCP);
		ASSERT_EQ(0, csvx_sg_rule_add(sg, "web",
					      dports(cidr(&s, A4(pfx[i].a),
							  pfx[i].plen),
						     pfx[i].port, pfx[i].port),
					      false, true, &msg));
	}
	for (i = 0; i < ARRAY_SIZE(pk); i++)
		EXPECT_EQ(pk[i].in, tcp_in(p, pk[i].port, A4(pk[i].a)))
			TH_LOG("%08x port %u", pk[i].a, pk[i].port);
}

TEST_F(sg, icmp_keys_and_ranges)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_sg_rule_spec s;
	struct csvx_port *p;
	struct port_req q;
	const char *msg;

	ASSERT_EQ(0, csvx_sg_add(sg, "g", false, &msg));
	s = rule(CSVX_SG_INGRESS, CSVX_PROTO_ICMP);	/* echo, any code */
	s.icmp_type = 8;
	ASSERT_EQ(0, csvx_sg_rule_add(sg, "g", cidr(&s, A4(0), 0), false,
				      true, &msg));
	s = rule(CSVX_SG_INGRESS, CSVX_PROTO_ICMPV6);	/* 1/4 only */
	s.icmp_type = 1;
	s.icmp_code = 4;
	ASSERT_EQ(0, csvx_sg_rule_add(sg, "g", cidr(&s, A6(0, 0), 32), false,
				      true, &msg));
	s = rule(CSVX_SG_INGRESS, CSVX_PROTO_TCP);
	ASSERT_EQ(0, csvx_sg_rule_add(sg, "g",
				      cidr(dports(&s, 1000, 2000),
					   A4(0x0a000000), 8), false, true, &msg));
	port_spec(&q, 1, 100, 1);
	port_sg(&q, "g");
	ASSERT_EQ(0, port_apply(sg, &q, CSVX_PORT_ADD, &msg));
	p = csvx_port_lookup(sg, 1);
	EXPECT_TRUE(classify(p, 0, AF_INET, 1, csvx_sg_icmp_key(8, 0),
			     A4(0x01020304), NULL));
	EXPECT_TRUE(classify(p, 0, AF_INET, 1, csvx_sg_icmp_key(8, 9),
			     A4(0x01020304), NULL));
	EXPECT_FALSE(classify(p, 0, AF_INET, 1, csvx_sg_icmp_key(0, 0),
			      A4(0x01020304), NULL));
	EXPECT_FALSE(classify(p, 0, AF_INET6, 1, csvx_sg_icmp_key(8, 0),
			      A6(0, 1), NULL));
	EXPECT_TRUE(classify(p, 0, AF_INET6, 58, csvx_sg_icmp_key(1, 4),
			     A6(0x77, 1), NULL));
	EXPECT_FALSE(classify(p, 0, AF_INET6, 58, csvx_sg_icmp_key(1, 3),
			      A6(0x77, 1), NULL));
	EXPECT_TRUE(classify(p, 0, AF_INET, 6, 1000, A4(0x0a090909), NULL));
	EXPECT_TRUE(classify(p, 0, AF_INET, 6, 2000, A4(0x0a090909), NULL));
	EXPECT_FALSE(classify(p, 0, AF_INET, 6, 999, A4(0x0a090909), NULL));
	EXPECT_FALSE(classify(p, 0, AF_INET, 6, 2001, A4(0x0a090909), NULL));
	EXPECT_FALSE(classify(p, 0, AF_INET, 17, 1500, A4(0x0a090909), NULL));
	EXPECT_FALSE(classify(p, 0, AF_INET, 6, 1500, A4(0x0b090909), NULL));
}

/* Rule changes of a batch: marked, then compiled once. */
TEST_F(sg, deferred_commit)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_sg_rule_spec s;
	struct csvx_port *p;
	struct port_req q;
	const char *msg;
	u32 gen;

	ASSERT_EQ(0, csvx_sg_add(sg, "g", false, &msg));
	ASSERT_EQ(0, csvx_sgset_add(sg, "s", CSVX_SET_HASH_IP, AF_INET, 0,
				    false, &msg));
	port_spec(&q, 1, 100, 1);
	port_sg(&q, "g");
	ASSERT_EQ(0, port_apply(sg, &q, CSVX_PORT_ADD, &msg));
	p = csvx_port_lookup(sg, 1);
	gen = p->gen;
	s = rule(CSVX_SG_INGRESS, CSVX_PROTO_TCP);
	ASSERT_EQ(0, csvx_sg_rule_add(sg, "g", cidr(dports(&s, 22, 22),
						   A4(0), 0), false, false,
				      &msg));
	EXPECT_TRUE(csvx_sgs_dirty(sg));
	EXPECT_EQ(gen, p->gen);
	EXPECT_FALSE(classify(p, 0, AF_INET, 6, 22, A4(1), NULL));
	ASSERT_EQ(0, csvx_sgs_commit(sg));
	EXPECT_FALSE(csvx_sgs_dirty(sg));
	EXPECT_NE(gen, p->gen);
	EXPECT_TRUE(classify(p, 0, AF_INET, 6, 22, A4(1), NULL));

	/* A set named by a deferred-removed rule: its deletion commits. */
	s = rule(CSVX_SG_INGRESS, CSVX_PROTO_UDP);
	s.remote = CSVX_SG_R_SET;
	s.set = "s";
	ASSERT_EQ(0, csvx_sg_rule_add(sg, "g", &s, false, true, &msg));
	ASSERT_EQ(0, csvx_sg_rule_del(sg, "g", &s, false, &msg));
	EXPECT_TRUE(csvx_sgs_dirty(sg));
	gen = p->gen;
	ASSERT_EQ(0, csvx_sgset_del(sg, "s", &msg));
	EXPECT_FALSE(csvx_sgs_dirty(sg));
	EXPECT_NE(gen, p->gen);
	/* still the tcp/22 rule, and only that */
	EXPECT_TRUE(classify(p, 0, AF_INET, 6, 22, A4(1), NULL));
	EXPECT_FALSE(classify(p, 0, AF_INET, 17, 22, A4(1), NULL));
}

/* ---------------------------------------- classifier vs linear scan */

#define NSETS	4
#define NGROUPS	5
#define NPORTS	8

struct world {
	struct csvx_sgs *sg;
	struct unit_rng *r;
	struct csvx_tables *t;
};

static const char *const set_names[NSETS] = { "ip4", "net4", "ip6", "net6" };
static const char *const group_names[NGROUPS] = { "g0", "g1", "g2", "g3",
						  "g4" };

static struct csvx_addr uni_addr(struct unit_rng *r, int family)
{
	if (family == AF_INET)
		return A4(0x0a000000 | rnd(r, 4) << 16 | rnd(r, 3) << 8 |
			  rnd(r, 8));
	return A6(rnd(r, 3), rnd(r, 8));
}

static u8 uni_plen(struct unit_rng *r, int family)
{
	static const u8 p4[] = { 0, 8, 14, 16, 20, 24, 30, 32, 32 };
	static const u8 p6[] = { 0, 32, 48, 60, 64, 126, 128, 128 };

	return family == AF_INET ? p4[rnd(r, ARRAY_SIZE(p4))] :
				   p6[rnd(r, ARRAY_SIZE(p6))];
}

static struct csvx_addr masked(struct csvx_addr a, u8 plen)
{
	struct csvx_addr m = { .family = a.family };

	csvx_addr_mask(&a, plen, m.w);
	return m;
}

static const u16 port_uni[] = { 0, 1, 21, 22, 23, 53, 80, 443, 1000, 1001,
				1024, 5000, 8080, 32767, 65534, 65535 };

static u16 uni_port(struct unit_rng *r)
{
	u16 p = port_uni[rnd(r, ARRAY_SIZE(port_uni))];

	switch (rnd(r, 4)) {
	case 0:
		return p < 65535 ? p + 1 : p;
	case 1:
		return p ? p - 1 : p;
	}
	return p;
}

static void random_rule(struct unit_rng *r, struct csvx_sg_rule_spec *s)
{
	static const u8 protos[] = { 0, 0, 6, 6, 6, 17, 17, 1, 58 };
	static const s16 types[] = { 0, 3, 8, 11, 128, 129, 1 };
	int family;
	u16 a, b;

	*s = rule(rnd(r, 2), protos[rnd(r, ARRAY_SIZE(protos))]);
	if (s->proto == 6 || s->proto == 17) {
		if (rnd(r, 3)) {
			a = uni_port(r);
			b = rnd(r, 2) ? a : uni_port(r);
			dports(s, min(a, b), max(a, b));
		}
	} else if (s->proto == 1 || s->proto == 58) {
		if (rnd(r, 3)) {
			s->icmp_type = types[rnd(r, ARRAY_SIZE(types))];
			if (rnd(r, 2))
				s->icmp_code = rnd(r, 3);
		}
	}
	family = s->proto == 1 ? AF_INET : s->proto == 58 ? AF_INET6 :
		 rnd(r, 2) ? AF_INET : AF_INET6;
	switch (rnd(r, 4)) {
	case 0:
		s->remote = CSVX_SG_R_SET;
		s->set = set_names[(family == AF_INET6) * 2 + rnd(r, 2)];
		break;
	case 1:
		s->remote = CSVX_SG_R_GROUP;
		s->group = group_names[rnd(r, NGROUPS)];
		break;
	default: {
		u8 plen = uni_plen(r, family);

		cidr(s, masked(uni_addr(r, family), plen), plen);
	}
	}
}

/* ---- the reference: every rule of every group of the port, in turn */

struct in_set_arg {
	const struct csvx_addr *a;
	bool hit;
};

static int ref_member(const struct csvx_set *set,
		      const struct csvx_set_member *m, void *arg)
{
	struct in_set_arg *x = arg;
	struct csvx_addr p = { .family = set->family };
	struct csvx_addr mm = masked(*x->a, m->plen);

	memcpy(p.w, m->addr, sizeof(p.w));
	if (!csvx_addr_equal(&mm, &p))
		return 0;
	x->hit = true;
	return 1;
}

static bool ref_in_set(const struct csvx_set *set, const struct csvx_addr *a)
{
	struct in_set_arg x = { .a = a };
	struct csvx_htab_pos pos = {};

	if (set->family != a->family)
		return false;
	csvx_set_walk(set, &pos, ref_member, &x);
	return x.hit;
}

static bool ref_in_group(struct csvx_sgs *sg, const struct csvx_sg *g,
			 const struct csvx_addr *a)
{
	struct csvx_htab_iter it;
	struct csvx_htab_pos pos = {};
	int i, j;

	for (csvx_htab_iter_start(&sg->ports, &pos, &it); it.node;
	     csvx_htab_iter_next(&it)) {
		const struct csvx_port *p = container_of(it.node,
							 struct csvx_port,
							 node);

		for (i = 0; p->policy && i < p->policy->nr; i++) {
			if (p->policy->sgs[i] != g)
				continue;
			for (j = 0; j < p->nr_ips; j++)
				if (csvx_addr_equal(&p->ips[j], a))
					return true;
		}
	}
	return false;
}

static bool ref_rule(struct csvx_sgs *sg, const struct csvx_sg_rule *r,
		     const struct csvx_sg_pkt *p)
{
	if (r->dir != p->dir)
		return false;
	if (r->proto != CSVX_PROTO_ANY) {
		if (r->proto != p->proto)
			return false;
		if (r->proto == CSVX_PROTO_ICMP && p->family != AF_INET)
			return false;
		if (r->proto == CSVX_PROTO_ICMPV6 && p->family != AF_INET6)
			return false;
		if ((r->proto == 6 || r->proto == 17) &&
		    (p->key < r->dport_lo || p->key > r->dport_hi))
			return false;
		if ((r->proto == 1 || r->proto == 58) &&
		    ((r->icmp_type >= 0 && p->key >> 8 != r->icmp_type) ||
		     (r->icmp_code >= 0 && (p->key & 255) != r->icmp_code)))
			return false;
	}
	switch (r->remote) {
	case CSVX_SG_R_CIDR: {
		struct csvx_addr m;

		if (r->prefix.family != p->family)
			return false;
		m = masked(p->remote, r->plen);
		return csvx_addr_equal(&m, &r->prefix);
	}
	case CSVX_SG_R_SET:
		return ref_in_set(r->set, &p->remote);
	}
	return ref_in_group(sg, r->group, &p->remote);
}

static bool ref_classify(struct csvx_sgs *sg, const struct csvx_port *port,
			 const struct csvx_sg_pkt *p)
{
	const struct csvx_sg_policy *pol = port->policy;
	const struct csvx_sg_rule *r;
	bool egress = false;
	int i;

	for (i = 0; i < pol->nr; i++)
		for (r = pol->sgs[i]->rules; r; r = r->next)
			egress |= r->dir == CSVX_SG_EGRESS;
	if (p->dir == CSVX_SG_EGRESS && !egress)
		return true;
	for (i = 0; i < pol->nr; i++)
		for (r = pol->sgs[i]->rules; r; r = r->next)
			if (ref_rule(sg, r, p))
				return true;
	return false;
}

static void random_pkt(struct unit_rng *r, struct csvx_sg_pkt *p)
{
	static const u8 protos[] = { 6, 6, 17, 17, 1, 58, 47 };
	static const u8 types[] = { 0, 3, 8, 11, 128, 129, 1, 5 };

	memset(p, 0, sizeof(*p));
	p->dir = rnd(r, 2);
	p->family = rnd(r, 2) ? AF_INET : AF_INET6;
	p->proto = protos[rnd(r, ARRAY_SIZE(protos))];
	if (p->proto == 6 || p->proto == 17)
		p->key = uni_port(r);
	else if (p->proto == 1 || p->proto == 58)
		p->key = csvx_sg_icmp_key(types[rnd(r, ARRAY_SIZE(types))],
					  rnd(r, 4));
	p->remote = uni_addr(r, p->family);
}

static void check_ports(struct __test_metadata *_metadata, struct world *w,
			int npkts, const char *when)
{
	struct csvx_htab_iter it;
	struct csvx_htab_pos pos = {};
	struct csvx_sg_pkt p;
	unsigned long admitted = 0, checked = 0;
	int i;

	for (csvx_htab_iter_start(&w->sg->ports, &pos, &it); it.node;
	     csvx_htab_iter_next(&it)) {
		struct csvx_port *port = container_of(it.node,
						      struct csvx_port, node);

		if (!port->policy)
			continue;
		for (i = 0; i < npkts; i++) {
			struct csvx_sg_rule *rule;
			bool want, got;

			random_pkt(w->r, &p);
			want = ref_classify(w->sg, port, &p);
			got = classify(port, p.dir, p.family, p.proto, p.key,
				       p.remote, &rule);
			ASSERT_EQ(want, got)
				TH_LOG("%s: port %d dir %u family %u proto %u key %u: compiled %d, reference %d",
				       when, port->ifindex, p.dir, p.family,
				       p.proto, p.key, got, want);
			/* The rule it names does admit the packet. */
			if (got && rule)
				ASSERT_TRUE(ref_rule(w->sg, rule, &p));
			if (got && !rule)
				ASSERT_EQ(CSVX_SG_EGRESS, p.dir);
			admitted += got;
			checked++;
		}
	}
	ksft_print_msg("%s: %lu packets, %lu admitted\n", when, checked,
		       admitted);
}

static void random_port(struct world *w, int ifindex, struct port_req *q)
{
	int i, n;

	port_spec(q, ifindex, 100 + rnd(w->r, 2), ifindex);
	n = rnd(w->r, 4);
	for (i = 0; i < n; i++) {
		struct csvx_addr a = uni_addr(w->r, rnd(w->r, 2) ? AF_INET :
								   AF_INET6);
		int j;

		for (j = 0; j < q->s.nr_ips; j++)
			if (csvx_addr_equal(&q->ips[j], &a))
				break;
		if (j == q->s.nr_ips)
			port_ip(q, a);
	}
	n = rnd(w->r, 4);
	for (i = 0; i < n; i++) {
		const char *g = group_names[rnd(w->r, NGROUPS)];
		int j;

		for (j = 0; j < q->s.nr_sgs; j++)
			if (q->sgs[j] == g)
				break;
		if (j == q->s.nr_sgs)
			port_sg(q, g);
	}
}

TEST_F(sg, classifier_vs_reference)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_sg_rule_spec s;
	struct unit_rng r;
	struct world w = { .sg = sg, .r = &r, .t = &self->t };
	struct port_req q;
	const char *msg;
	int i, round, k, added = 0;

	unit_rng_init(&r, "classifier vs reference");
	for (i = 0; i < NSETS; i++)
		ASSERT_EQ(0, csvx_sgset_add(sg, set_names[i],
					    i % 2 ? CSVX_SET_HASH_NET :
						    CSVX_SET_HASH_IP,
					    i < 2 ? AF_INET : AF_INET6, 0,
					    false, &msg));
	for (i = 0; i < NSETS; i++) {
		int family = i < 2 ? AF_INET : AF_INET6;

		for (k = 0; k < 12; k++) {
			u8 plen = i % 2 ? uni_plen(&r, family) :
					  csvx_family_bits(family);
			struct csvx_addr a = masked(uni_addr(&r, family), plen);

			csvx_sgset_member_add(sg, set_names[i], &a, plen, true,
					      &msg);
		}
	}
	for (i = 0; i < NGROUPS; i++)
		ASSERT_EQ(0, csvx_sg_add(sg, group_names[i], false, &msg));
	for (i = 0; i < NPORTS; i++) {
		random_port(&w, i + 1, &q);
		ASSERT_EQ(0, port_apply(sg, &q, CSVX_PORT_ADD, &msg));
	}

	for (round = 0; round < 12; round++) {
		/* more rules ... */
		for (k = 0; k < 25; k++) {
			random_rule(&r, &s);
			/* half of the rounds as a batch: one commit */
			if (!csvx_sg_rule_add(sg, group_names[rnd(&r, NGROUPS)],
					      &s, true, round % 2, &msg))
				added++;
		}
		/* ... some go ... */
		for (k = 0; k < 5; k++) {
			struct csvx_sg *g = csvx_sg_lookup(sg,
				group_names[rnd(&r, NGROUPS)]);
			struct csvx_sg_rule *x = g->rules;
			struct csvx_sg_rule_spec d;
			int skip = g->nr_rules ? rnd(&r, g->nr_rules) : 0;

			while (x && skip--)
				x = x->next;
			if (!x)
				continue;
			d = rule(x->dir, x->proto);
			d.has_dport = x->has_dport;
			d.dport_lo = x->dport_lo;
			d.dport_hi = x->dport_hi;
			d.icmp_type = x->icmp_type;
			d.icmp_code = x->icmp_code;
			d.remote = x->remote;
			d.prefix = x->prefix;
			d.plen = x->plen;
			d.set = x->set ? x->set->name : NULL;
			d.group = x->group ? x->group->name : NULL;
			ASSERT_EQ(0, csvx_sg_rule_del(sg, g->name, &d,
						      round % 2, &msg));
		}
		/* ... ports move between groups, change addresses ... */
		random_port(&w, 1 + rnd(&r, NPORTS), &q);
		ASSERT_EQ(0, port_apply(sg, &q, CSVX_PORT_REPLACE, &msg));
		/* ... sets change ... */
		{
			int si = rnd(&r, NSETS), family = si < 2 ? AF_INET :
								    AF_INET6;
			u8 plen = si % 2 ? uni_plen(&r, family) :
					   csvx_family_bits(family);
			struct csvx_addr a = masked(uni_addr(&r, family), plen);

			if (csvx_sgset_member_add(sg, set_names[si], &a, plen,
						  true, &msg) == 1)
				csvx_sgset_member_del(sg, set_names[si], &a,
						      plen, &msg);
		}
		ASSERT_EQ(0, csvx_sgs_commit(sg));
		EXPECT_FALSE(csvx_sgs_dirty(sg));
		check_ports(_metadata, &w, 1500, "round");
	}
	ksft_print_msg("%d rules added over the rounds, %u in place\n", added,
		       self->t.count[CSVX_PARAM_MAX_RULES]);
}

TEST_HARNESS_MAIN
