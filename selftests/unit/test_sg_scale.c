// SPDX-License-Identifier: GPL-2.0
/*
 * Security groups at scale: the cost of classifying a first packet at 10,
 * 1000 and 10000 rules (it must stay flat: a binary search of the
 * tree's address intervals, then the member index's lengths if the tree
 * names sets; it does not grow with the rules but for the search), what
 * compiling costs, and a 100k-member set named by a rule.
 */
#include "unit.h"
#include "sg.h"

FIXTURE(scale) {
	struct csvx_tables t;
	struct csvx_sgs sg;
};

FIXTURE_SETUP(scale)
{
	rcu_register_thread();
	ASSERT_EQ(0, csvx_tables_init(&self->t));
	csvx_sgs_init(&self->sg, &self->t);
}

FIXTURE_TEARDOWN(scale)
{
	csvx_sgs_destroy(&self->sg);
	csvx_tables_destroy(&self->t);
	EXPECT_EQ(0, unit_leaks());
	rcu_unregister_thread();
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Rules as CloudStack writes them: mostly tcp/udp to one port or a small
 * range from a /32, /24 or /16, some icmp, some "all", a few wide ranges,
 * a few sets and groups.
 */
static void cloud_rule(struct unit_rng *r, struct csvx_sg_rule_spec *s,
		       u32 i)
{
	/* The same prefix lengths at every size: the cost depends on them. */
	static const u8 plens[] = { 32, 24, 16, 8 };
	u8 plen = plens[i % ARRAY_SIZE(plens)];
	u32 k = rnd(r, 100);

	memset(s, 0, sizeof(*s));
	s->dir = rnd(r, 4) ? CSVX_SG_INGRESS : CSVX_SG_EGRESS;
	s->icmp_type = -1;
	s->icmp_code = -1;
	if (k < 45) {
		s->proto = CSVX_PROTO_TCP;
		s->has_dport = true;
		s->dport_lo = 1 + rnd(r, 65000);
		s->dport_hi = s->dport_lo + (rnd(r, 4) ? 0 : rnd(r, 100));
	} else if (k < 75) {
		s->proto = CSVX_PROTO_UDP;
		s->has_dport = true;
		s->dport_lo = 1 + rnd(r, 65000);
		s->dport_hi = s->dport_lo;
	} else if (k < 85) {
		s->proto = CSVX_PROTO_ICMP;
		s->icmp_type = rnd(r, 2) ? 8 : -1;
	} else if (k < 95) {
		s->proto = CSVX_PROTO_TCP;
		s->has_dport = true;
		s->dport_lo = 1;
		s->dport_hi = 1024 + rnd(r, 64511);
	} else {
		s->proto = CSVX_PROTO_ANY;
	}
	s->remote = CSVX_SG_R_CIDR;
	/* distinct rules: the index is in the address */
	s->prefix = A4(0x0a000000 | (i * 2654435761U >> 8));
	csvx_addr_mask(&s->prefix, plen, s->prefix.w);
	s->plen = plen;
	if (i % 10 == 9) {
		s->remote = CSVX_SG_R_SET;
		s->set = "big";
	}
}

struct run {
	u32 rules;
	double add_ns;		/* CPU per rule, adding them one by one */
	double compile_ms;	/* one whole compilation */
	double miss_ns;		/* remotes no rule names: every probe made */
	double mixed_ns;	/* remotes in the rules' range */
	double probes;		/* per missed packet: lengths + sets */
	size_t bytes;
	u32 admitted;		/* of the mixed packets */
};

#define NPKTS	4096

static double probes;

/* What a packet that matches nothing costs: a search of its tree's
 * intervals, then, if the tree names sets, a probe of the member index
 * per length there (udp/tcp trees are classes 1 and 0).
 */
static u32 tree_probes(const struct csvx_sgs *sg,
		       const struct csvx_sg_cls *cls,
		       const struct csvx_sg_pkt *p)
{
	const struct csvx_sg_tree *t =
		&cls->tree[p->dir][0][p->proto == CSVX_PROTO_UDP];
	u32 n = 1;
	int w;

	for (w = 0; t->nr_refs && w < CSVX_PLEN_WORDS; w++)
		n += __builtin_popcountll(sg->idx.lens[0][w]);
	return n;
}

/* CPU ns per classification of random packets from @base + [0, @span). */
static double classify_ns(struct csvx_sgs *sg, struct unit_rng *r,
			  struct csvx_sg_policy *pol, struct csvx_sg_pkt *pkts,
			  u32 base, u32 span, u32 *admitted)
{
	const struct csvx_sg_cls *cls;
	struct csvx_sg_rule *rule;
	u32 i, rounds = 1000000, n = 0;
	double t0, t1;

	probes = 0;
	for (i = 0; i < NPKTS; i++) {
		struct csvx_sg_pkt *p = &pkts[i];

		memset(p, 0, sizeof(*p));
		p->dir = rnd(r, 4) ? CSVX_SG_INGRESS : CSVX_SG_EGRESS;
		p->family = AF_INET;
		p->proto = rnd(r, 3) ? CSVX_PROTO_TCP : CSVX_PROTO_UDP;
		p->key = 1 + rnd(r, 65000);
		p->remote = A4(base + rnd(r, span));
	}
	rcu_read_lock();
	cls = rcu_dereference(pol->cls);
	t0 = cpu_now();
	for (i = 0; i < rounds; i++)
		n += csvx_sg_classify(cls, &pkts[i % NPKTS], &rule);
	t1 = cpu_now();
	for (i = 0; i < NPKTS; i++)
		probes += tree_probes(sg, cls, &pkts[i]) / (double)NPKTS;
	rcu_read_unlock();
	if (admitted)
		*admitted = (u64)n * NPKTS / rounds;
	return (t1 - t0) * 1e9 / rounds;
}

static void measure(struct __test_metadata *_metadata, struct csvx_sgs *sg,
		    struct unit_rng *r, struct run *run, const char *group,
		    u32 ifindex)
{
	static struct csvx_sg_pkt pkts[NPKTS];
	struct csvx_port_spec spec = {};
	const char *names[1] = { group };
	struct csvx_sg_rule_spec s;
	struct csvx_sg_policy *pol;
	struct csvx_port_txn txn;
	u8 mac[ETH_ALEN];
	double t0;
	const char *msg;
	u32 i;

	mac_of(mac, ifindex);
	spec.ifindex = ifindex;
	spec.ifname = group;
	spec.vni = 100;
	spec.mac = mac;
	spec.set_sgs = true;
	spec.sgs = names;
	spec.nr_sgs = 1;
	ASSERT_EQ(0, csvx_sg_add(sg, group, false, &msg));
	ASSERT_EQ(0, csvx_port_prepare(sg, &spec, CSVX_PORT_ADD, &txn, &msg));
	csvx_port_commit(sg, &txn);

	t0 = cpu_now();
	for (i = 0; csvx_sg_lookup(sg, group)->nr_rules < run->rules; i++) {
		cloud_rule(r, &s, i + ifindex * 1000000);
		/* a random rule may be there already: one more then */
		ASSERT_LE(0, csvx_sg_rule_add(sg, group, &s, true, false,
					      &msg))
			TH_LOG("rule %u: %s", i, msg);
	}
	/* one compilation for the lot, as at the end of a batch */
	ASSERT_EQ(0, csvx_sgs_commit(sg));
	run->add_ns = (cpu_now() - t0) * 1e9 / run->rules;
	pol = csvx_port_lookup(sg, ifindex)->policy;
	t0 = cpu_now();
	csvx_sg_cls_free(csvx_sg_compile(sg, pol));
	run->compile_ms = (cpu_now() - t0) * 1e3;

	run->miss_ns = classify_ns(sg, r, pol, pkts, 0xac100000, 1 << 20,
				   NULL);
	run->probes = probes;
	run->mixed_ns = classify_ns(sg, r, pol, pkts, 0x0a000000, 1 << 24,
				    &run->admitted);
	rcu_read_lock();
	run->bytes = rcu_dereference(pol->cls)->bytes;
	rcu_read_unlock();
}

TEST_F(scale, classify_flat_in_rules)
{
	struct run runs[] = {
		{ .rules = 10 }, { .rules = 1000 },
		{ .rules = unit_scale(10000) },
	};
	struct csvx_sgs *sg = &self->sg;
	struct unit_rng r;
	const char *msg;
	char name[16];
	size_t i;
	u32 k;

	unit_rng_init(&r, "scale");
	self->t.limit[CSVX_PARAM_MAX_RULES] = 100000;
	ASSERT_EQ(0, csvx_sgset_add(sg, "big", CSVX_SET_HASH_NET, AF_INET, 0,
				    false, &msg));
	for (k = 0; k < 1000; k++) {
		struct csvx_addr a = A4(0x0a000000 | k << 12);

		ASSERT_EQ(0, csvx_sgset_member_add(sg, "big", &a, 20, false,
						   &msg));
	}
	for (i = 0; i < ARRAY_SIZE(runs); i++) {
		snprintf(name, sizeof(name), "g%zu", i);
		measure(_metadata, sg, &r, &runs[i], name, i + 1);
		ksft_print_msg("%5u rules: classify %6.1f ns CPU when nothing matches (%.1f probes, %.1f ns each), %6.1f ns on a mix (%u of %u admitted); compile %6.2f ms, %zu KiB; added in one batch %.2f us per rule\n",
			       runs[i].rules, runs[i].miss_ns, runs[i].probes,
			       runs[i].miss_ns / runs[i].probes,
			       runs[i].mixed_ns,
			       runs[i].admitted, NPKTS, runs[i].compile_ms,
			       runs[i].bytes / 1024, runs[i].add_ns / 1000);
	}
	/* Flat: the same probes at 10 and 10000 rules (a larger working
	 * set, so some more cache misses): a generous bound.
	 */
	if (!UNIT_ASAN)
		EXPECT_LT(runs[2].miss_ns / runs[2].probes,
			  2 * runs[0].miss_ns / runs[0].probes + 10);
	/* and the probes are the search and the index's one length */
	EXPECT_LE(runs[2].probes, 2.0);
}

/*
 * A set change must stay cheap where it matters: a member added to and
 * deleted from a 10k-member set that rules of 100 ports' policies name.
 */
TEST_F(scale, member_add_on_named_set)
{
	struct csvx_sgs *sg = &self->sg;
	struct csvx_sg_rule_spec s;
	u32 k, n = unit_scale(10000), rounds = 20000;
	const char *msg;
	char name[16];
	double t0, add_ns, del_ns;
	struct csvx_addr a;

	ASSERT_EQ(0, csvx_sgset_add(sg, "vms", CSVX_SET_HASH_IP, AF_INET, 0,
				    false, &msg));
	for (k = 0; k < n; k++) {
		a = A4(0x0a000000 + k);
		ASSERT_EQ(0, csvx_sgset_member_add(sg, "vms", &a, 32, false,
						   &msg));
	}
	for (k = 0; k < 100; k++) {
		struct csvx_port_spec spec = {};
		const char *names[1] = { name };
		struct csvx_port_txn txn;
		u8 mac[ETH_ALEN];

		snprintf(name, sizeof(name), "g%u", k);
		ASSERT_EQ(0, csvx_sg_add(sg, name, false, &msg));
		memset(&s, 0, sizeof(s));
		s.dir = CSVX_SG_INGRESS;
		s.proto = CSVX_PROTO_TCP;
		s.has_dport = true;
		s.dport_lo = s.dport_hi = 22 + k;
		s.icmp_type = s.icmp_code = -1;
		s.remote = CSVX_SG_R_SET;
		s.set = "vms";
		ASSERT_EQ(0, csvx_sg_rule_add(sg, name, &s, false, true,
					      &msg));
		mac_of(mac, k + 1);
		spec.ifindex = k + 1;
		spec.ifname = name;
		spec.vni = 100;
		spec.mac = mac;
		spec.set_sgs = true;
		spec.sgs = names;
		spec.nr_sgs = 1;
		ASSERT_EQ(0, csvx_port_prepare(sg, &spec, CSVX_PORT_ADD, &txn,
					       &msg));
		csvx_port_commit(sg, &txn);
	}
	add_ns = del_ns = 0;
	for (k = 0; k < rounds; k++) {
		a = A4(0x0b000000 + k);
		t0 = cpu_now();
		ASSERT_EQ(0, csvx_sgset_member_add(sg, "vms", &a, 32, false,
						   &msg));
		add_ns += cpu_now() - t0;
		t0 = cpu_now();
		ASSERT_EQ(0, csvx_sgset_member_del(sg, "vms", &a, 32, &msg));
		del_ns += cpu_now() - t0;
	}
	ksft_print_msg("a member of a %u-member set named by 100 policies: add %.0f ns, delete %.0f ns CPU (no recompilation); %zu bytes a member with the index\n",
		       n, add_ns * 1e9 / rounds, del_ns * 1e9 / rounds,
		       sizeof(struct csvx_set_member));
	if (!UNIT_ASAN)
		EXPECT_LT(add_ns * 1e9 / rounds, 20000.0);
}

TEST_HARNESS_MAIN
