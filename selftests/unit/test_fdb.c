// SPDX-License-Identifier: GPL-2.0
/*
 * The FDB (kmod/tables/fdb.c): every refusal and its message, EVPN MAC
 * mobility, the IP index for ARP/ND suppression, limits, flushes, walks,
 * a randomized run against a model, readers racing a writer, and a million
 * MACs.
 */
#include "unit.h"

struct fdb_req {
	struct csvx_fdb_spec s;
	u8 mac[ETH_ALEN];
	struct csvx_addr ips[CSVX_FDB_MAX_IPS + 1];
};

static struct csvx_fdb_spec *fdb_spec(struct fdb_req *q, u32 vni, u64 mac,
				      struct csvx_addr remote, u32 seq)
{
	memset(q, 0, sizeof(*q));
	mac_of(q->mac, mac);
	q->s.vni = vni;
	q->s.mac = q->mac;
	q->s.remote = remote;
	q->s.seq = seq;
	q->s.ips = q->ips;
	return &q->s;
}

static void fdb_ip(struct fdb_req *q, struct csvx_addr ip)
{
	q->ips[q->s.nr_ips++] = ip;
}

static int add_vni(struct csvx_tables *t, u32 vni)
{
	struct csvx_vni_spec s = { .vni = vni };
	char name[IFNAMSIZ];
	const char *msg;

	snprintf(name, sizeof(name), "vx%u", vni);
	s.ifname = name;
	return csvx_vni_add(t, &s, false, &msg);
}

static struct csvx_fdb *lookup(struct csvx_tables *t, u32 vni, u64 mac)
{
	u8 m[ETH_ALEN];

	mac_of(m, mac);
	return csvx_fdb_lookup(t, vni, m);
}

static int del(struct csvx_tables *t, u32 vni, u64 mac, const char **msg)
{
	u8 m[ETH_ALEN];

	mac_of(m, mac);
	return csvx_fdb_del(t, vni, m, msg);
}

/* What a refused request must leave alone. */
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

TEST_F(tables, add_lookup_delete)
{
	struct csvx_tables *t = &self->t;
	struct fdb_req q;
	struct csvx_fdb *f;
	const char *msg = NULL;
	size_t base;
	u64 gen;

	ASSERT_EQ(0, add_vni(t, 100));
	base = unit_mem(t);
	gen = t->gen;
	ASSERT_EQ(0, csvx_fdb_update(t, fdb_spec(&q, 100, 1, A4(0x0a000001), 5),
				     false, &msg));
	EXPECT_EQ(gen + 1, t->gen);
	f = lookup(t, 100, 1);
	ASSERT_NE(NULL, f);
	EXPECT_EQ(100, f->vni);
	EXPECT_EQ(0, memcmp(f->mac, q.mac, ETH_ALEN));
	EXPECT_TRUE(csvx_addr_equal(&f->remote, &q.s.remote));
	EXPECT_EQ(5, f->seq);
	EXPECT_EQ(0, f->flags);
	EXPECT_EQ(0, f->nr_ips);
	/* The lookup's cache line: entries start on one. */
	EXPECT_EQ(0, (uintptr_t)f % 64);

	/* IPv6 remote, and a local MAC (no remote). */
	ASSERT_EQ(0, csvx_fdb_update(t, fdb_spec(&q, 100, 2, A6(1, 2), 0),
				     false, &msg));
	ASSERT_EQ(0, csvx_fdb_update(t, fdb_spec(&q, 100, 3,
						 (struct csvx_addr){}, 0),
				     false, &msg));
	EXPECT_EQ(AF_INET6, lookup(t, 100, 2)->remote.family);
	EXPECT_EQ(0, lookup(t, 100, 3)->remote.family);
	EXPECT_EQ(3, t->count[CSVX_PARAM_MAX_FDB]);
	EXPECT_EQ(3, csvx_vni_lookup(t, 100)->nr_fdb);
	EXPECT_NULL(lookup(t, 100, 4));
	EXPECT_NULL(lookup(t, 101, 1));

	gen = t->gen;
	EXPECT_EQ(0, del(t, 100, 1, &msg));
	EXPECT_EQ(gen + 1, t->gen);
	EXPECT_NULL(lookup(t, 100, 1));
	EXPECT_EQ(0, del(t, 100, 2, &msg));
	EXPECT_EQ(0, del(t, 100, 3, &msg));
	EXPECT_EQ(0, t->count[CSVX_PARAM_MAX_FDB]);
	EXPECT_EQ(base, unit_mem(t));
}

TEST_F(tables, refusals_and_their_messages)
{
	struct csvx_tables *t = &self->t;
	struct csvx_addr bad[] = {
		A4(0), A4(0xe0000001), A4(0xffffffff), A6(0, 0),
		{ .family = 7 },
	};
	struct fdb_req q;
	unsigned int i;
	u8 m[ETH_ALEN];

	bad[3].w[0] = 0;	/* :: */
	ASSERT_EQ(0, add_vni(t, 10));
	REFUSED(t, csvx_fdb_update(t, fdb_spec(&q, 11, 1, A4(0x0a000001), 0),
				   false, &msg),
		ENOENT, "VNI does not exist");
	fdb_spec(&q, 10, 1, A4(0x0a000001), 0);
	q.s.mac = NULL;
	REFUSED(t, csvx_fdb_update(t, &q.s, false, &msg), EINVAL,
		"MAC must be unicast and non-zero");
	q.s.mac = q.mac;
	q.mac[0] = 0x01;
	REFUSED(t, csvx_fdb_update(t, &q.s, false, &msg), EINVAL,
		"MAC must be unicast and non-zero");
	memset(q.mac, 0, ETH_ALEN);
	REFUSED(t, csvx_fdb_update(t, &q.s, false, &msg), EINVAL,
		"MAC must be unicast and non-zero");
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		REFUSED(t, csvx_fdb_update(t, fdb_spec(&q, 10, 1, bad[i], 0),
					   false, &msg),
			EINVAL, "remote VTEP must be a unicast IPv4 or IPv6 address");
	fdb_spec(&q, 10, 1, A4(0x0a000001), 0);
	q.s.flags = 1U << 5;
	REFUSED(t, csvx_fdb_update(t, &q.s, false, &msg), EINVAL,
		"unknown FDB flag");
	fdb_spec(&q, 10, 1, A4(0x0a000001), 0);
	for (i = 0; i <= CSVX_FDB_MAX_IPS; i++)
		fdb_ip(&q, A4(0x0b000001 + i));
	REFUSED(t, csvx_fdb_update(t, &q.s, false, &msg), EINVAL,
		"too many IPs for one MAC (at most 8)");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		fdb_spec(&q, 10, 1, A4(0x0a000001), 0);
		fdb_ip(&q, A4(0x0b000001));
		fdb_ip(&q, bad[i]);
		REFUSED(t, csvx_fdb_update(t, &q.s, false, &msg), EINVAL,
			"an IP of a MAC must be a unicast IPv4 or IPv6 address");
	}
	fdb_spec(&q, 10, 1, A4(0x0a000001), 0);
	fdb_ip(&q, A6(1, 1));
	fdb_ip(&q, A4(0x0b000001));
	fdb_ip(&q, A6(1, 1));
	REFUSED(t, csvx_fdb_update(t, &q.s, false, &msg), EINVAL,
		"an IP is listed twice");

	mac_of(m, 1);
	REFUSED(t, csvx_fdb_del(t, 11, m, &msg), ENOENT, "VNI does not exist");
	REFUSED(t, csvx_fdb_del(t, 10, m, &msg), ENOENT,
		"MAC is not in the VNI's FDB");
	EXPECT_EQ(0, csvx_fdb_flush(t, 11));
	EXPECT_EQ(0, csvx_fdb_flush(t, 10));
}

TEST_F(tables, mac_mobility)
{
	struct csvx_tables *t = &self->t;
	struct csvx_fdb *f, *old;
	struct fdb_req q;
	const char *msg;

	ASSERT_EQ(0, add_vni(t, 10));
	ASSERT_EQ(0, csvx_fdb_update(t, fdb_spec(&q, 10, 1, A4(0x0a000001), 5),
				     false, &msg));
	old = lookup(t, 10, 1);
	REFUSED(t, csvx_fdb_update(t, fdb_spec(&q, 10, 1, A4(0x0a000002), 5),
				   false, &msg),
		EEXIST, "MAC exists with the same sequence number");
	REFUSED(t, csvx_fdb_update(t, fdb_spec(&q, 10, 1, A4(0x0a000002), 4),
				   false, &msg),
		ESTALE, "sequence number is lower than the stored one (use replace)");
	EXPECT_EQ(old, lookup(t, 10, 1));

	/* A higher sequence number moves it: a new entry in its place. */
	ASSERT_EQ(0, csvx_fdb_update(t, fdb_spec(&q, 10, 1, A4(0x0a000002), 6),
				     false, &msg));
	f = lookup(t, 10, 1);
	EXPECT_NE(old, f);
	EXPECT_EQ(htonl(0x0a000002), f->remote.ip4);
	EXPECT_EQ(6, f->seq);
	EXPECT_EQ(1, t->count[CSVX_PARAM_MAX_FDB]);

	/* Replace writes whatever the sequence number. */
	ASSERT_EQ(0, csvx_fdb_update(t, fdb_spec(&q, 10, 1, A4(0x0a000003), 1),
				     true, &msg));
	EXPECT_EQ(1, lookup(t, 10, 1)->seq);

	/* Sticky: never to another VTEP, replace or not. */
	fdb_spec(&q, 10, 1, A4(0x0a000003), 2);
	q.s.flags = CSVX_F_STICKY;
	ASSERT_EQ(0, csvx_fdb_update(t, &q.s, false, &msg));
	REFUSED(t, csvx_fdb_update(t, fdb_spec(&q, 10, 1, A4(0x0a000004), 9),
				   false, &msg),
		EPERM, "MAC is sticky and cannot move to another VTEP");
	REFUSED(t, csvx_fdb_update(t, fdb_spec(&q, 10, 1, A4(0x0a000004), 9),
				   true, &msg),
		EPERM, "MAC is sticky and cannot move to another VTEP");
	REFUSED(t, csvx_fdb_update(t, fdb_spec(&q, 10, 1, A6(0, 1), 9),
				   true, &msg),
		EPERM, "MAC is sticky and cannot move to another VTEP");
	/* ...but at the same VTEP it is updated, and replace can unstick it. */
	ASSERT_EQ(0, csvx_fdb_update(t, fdb_spec(&q, 10, 1, A4(0x0a000003), 9),
				     true, &msg));
	EXPECT_EQ(0, lookup(t, 10, 1)->flags);
	ASSERT_EQ(0, csvx_fdb_update(t, fdb_spec(&q, 10, 1, A4(0x0a000004), 10),
				     false, &msg));

	/* A sticky local MAC does not become remote. */
	fdb_spec(&q, 10, 2, (struct csvx_addr){}, 0);
	q.s.flags = CSVX_F_STICKY;
	ASSERT_EQ(0, csvx_fdb_update(t, &q.s, false, &msg));
	REFUSED(t, csvx_fdb_update(t, fdb_spec(&q, 10, 2, A4(0x0a000001), 1),
				   false, &msg),
		EPERM, "MAC is sticky and cannot move to another VTEP");
}

static struct csvx_fdb *by_ip(struct csvx_tables *t, u32 vni,
			      struct csvx_addr ip)
{
	struct csvx_fdb *f;

	rcu_read_lock();
	f = csvx_fdb_lookup_ip(t, vni, &ip);
	rcu_read_unlock();
	return f;
}

TEST_F(tables, ip_index_for_arp_nd_suppression)
{
	struct csvx_tables *t = &self->t;
	struct fdb_req q;
	struct csvx_fdb *f;
	const char *msg;
	int i;

	ASSERT_EQ(0, add_vni(t, 10));
	ASSERT_EQ(0, add_vni(t, 20));
	fdb_spec(&q, 10, 1, A4(0x0a000001), 1);
	fdb_ip(&q, A4(0xc0a80001));
	fdb_ip(&q, A6(7, 1));
	ASSERT_EQ(0, csvx_fdb_update(t, &q.s, false, &msg));
	f = lookup(t, 10, 1);
	EXPECT_EQ(2, f->nr_ips);
	EXPECT_EQ(f, by_ip(t, 10, A4(0xc0a80001)));
	EXPECT_EQ(f, by_ip(t, 10, A6(7, 1)));
	EXPECT_NULL(by_ip(t, 10, A4(0xc0a80002)));
	EXPECT_NULL(by_ip(t, 10, A6(7, 2)));
	EXPECT_NULL(by_ip(t, 20, A4(0xc0a80001)));

	/* The same IP in another VNI is another tenant's: fine. */
	fdb_spec(&q, 20, 1, A4(0x0a000001), 1);
	fdb_ip(&q, A4(0xc0a80001));
	ASSERT_EQ(0, csvx_fdb_update(t, &q.s, false, &msg));
	EXPECT_EQ(lookup(t, 20, 1), by_ip(t, 20, A4(0xc0a80001)));

	/* ...but not for another MAC of the same VNI. */
	fdb_spec(&q, 10, 2, A4(0x0a000001), 1);
	fdb_ip(&q, A4(0xc0a80009));
	fdb_ip(&q, A6(7, 1));
	REFUSED(t, csvx_fdb_update(t, &q.s, false, &msg), EEXIST,
		"IP belongs to another MAC of the VNI");
	EXPECT_NULL(by_ip(t, 10, A4(0xc0a80009)));

	/* An update: one IP kept, one dropped, one added. */
	fdb_spec(&q, 10, 1, A4(0x0a000002), 2);
	fdb_ip(&q, A6(7, 1));
	fdb_ip(&q, A4(0xc0a80003));
	ASSERT_EQ(0, csvx_fdb_update(t, &q.s, false, &msg));
	f = lookup(t, 10, 1);
	EXPECT_EQ(f, by_ip(t, 10, A6(7, 1)));
	EXPECT_EQ(f, by_ip(t, 10, A4(0xc0a80003)));
	EXPECT_NULL(by_ip(t, 10, A4(0xc0a80001)));
	EXPECT_TRUE(csvx_addr_equal(&f->ips[0], &q.ips[0]));

	/* The freed IP can go to another MAC now. */
	fdb_spec(&q, 10, 2, A4(0x0a000001), 1);
	fdb_ip(&q, A4(0xc0a80001));
	ASSERT_EQ(0, csvx_fdb_update(t, &q.s, false, &msg));
	EXPECT_EQ(lookup(t, 10, 2), by_ip(t, 10, A4(0xc0a80001)));

	/* The most IPs a MAC may have, all found. */
	fdb_spec(&q, 10, 3, A4(0x0a000001), 1);
	for (i = 0; i < CSVX_FDB_MAX_IPS; i++)
		fdb_ip(&q, i % 2 ? A6(9, i) : A4(0xc0a90000 + i));
	ASSERT_EQ(0, csvx_fdb_update(t, &q.s, false, &msg));
	for (i = 0; i < CSVX_FDB_MAX_IPS; i++)
		EXPECT_EQ(lookup(t, 10, 3), by_ip(t, 10, q.ips[i]));

	/* Deleting the MAC takes its IPs out of the index. */
	EXPECT_EQ(0, del(t, 10, 3, &msg));
	for (i = 0; i < CSVX_FDB_MAX_IPS; i++)
		EXPECT_NULL(by_ip(t, 10, q.ips[i]));
}

TEST_F(tables, limit_is_exact)
{
	struct csvx_tables *t = &self->t;
	struct fdb_req q;
	const char *msg;
	u32 i;

	ASSERT_EQ(0, add_vni(t, 10));
	t->limit[CSVX_PARAM_MAX_FDB] = 100;
	for (i = 0; i < 100; i++)
		ASSERT_EQ(0, csvx_fdb_update(t, fdb_spec(&q, 10, i, A4(0x0a000001), 0),
					     false, &msg));
	REFUSED(t, csvx_fdb_update(t, fdb_spec(&q, 10, 100, A4(0x0a000001), 0),
				   false, &msg),
		ENOSPC, "too many FDB entries (max-fdb)");
	REFUSED(t, csvx_fdb_update(t, fdb_spec(&q, 10, 100, A4(0x0a000001), 0),
				   true, &msg),
		ENOSPC, "too many FDB entries (max-fdb)");
	/* Updating an entry at the limit is no new entry. */
	EXPECT_EQ(0, csvx_fdb_update(t, fdb_spec(&q, 10, 5, A4(0x0a000002), 1),
				     false, &msg));
	EXPECT_EQ(0, del(t, 10, 5, &msg));
	EXPECT_EQ(0, csvx_fdb_update(t, fdb_spec(&q, 10, 100, A4(0x0a000001), 0),
				     false, &msg));
	EXPECT_EQ(100, t->count[CSVX_PARAM_MAX_FDB]);
}

TEST_F(tables, flush_and_vni_delete)
{
	struct csvx_tables *t = &self->t;
	size_t base = unit_mem(t);
	struct fdb_req q;
	const char *msg;
	u64 gen;
	u32 i;

	ASSERT_EQ(0, add_vni(t, 10));
	ASSERT_EQ(0, add_vni(t, 20));
	for (i = 0; i < 300; i++) {
		fdb_spec(&q, 10 + 10 * (i % 2), i, A4(0x0a000001), 0);
		fdb_ip(&q, A4(0xc0a80000 + i));
		ASSERT_EQ(0, csvx_fdb_update(t, &q.s, false, &msg));
	}
	gen = t->gen;
	EXPECT_EQ(150, csvx_fdb_flush(t, 10));
	EXPECT_EQ(gen + 1, t->gen);
	EXPECT_EQ(0, csvx_fdb_flush(t, 10));
	EXPECT_EQ(gen + 1, t->gen);
	EXPECT_EQ(0, csvx_vni_lookup(t, 10)->nr_fdb);
	EXPECT_EQ(150, t->count[CSVX_PARAM_MAX_FDB]);
	for (i = 0; i < 300; i++) {
		u32 vni = 10 + 10 * (i % 2);

		EXPECT_EQ(vni == 20, lookup(t, vni, i) != NULL);
		EXPECT_EQ(vni == 20, by_ip(t, vni, A4(0xc0a80000 + i)) != NULL);
	}
	EXPECT_EQ(0, csvx_vni_del(t, 20, &msg));
	EXPECT_EQ(0, t->count[CSVX_PARAM_MAX_FDB]);
	for (i = 0; i < 300; i++)
		EXPECT_NULL(by_ip(t, 20, A4(0xc0a80000 + i)));
	EXPECT_EQ(0, csvx_vni_del(t, 10, &msg));
	EXPECT_EQ(base, unit_mem(t));
}

/* ------------------------------------------------------------------ walks */

struct collect {
	u32 n, stop_at;
	u64 keys[4096];
};

static int collect_fn(const struct csvx_fdb *f, void *arg)
{
	struct collect *c = arg;

	if (c->n == c->stop_at)
		return 7;
	c->keys[c->n++] = (u64)f->vni << 48 | mac_num(f->mac);
	return 0;
}

TEST_F(tables, walks_resume_where_they_stopped)
{
	struct csvx_tables *t = &self->t;
	struct csvx_cursor c;
	struct collect *all = calloc(1, sizeof(*all));
	struct collect *part = calloc(1, sizeof(*part));
	struct fdb_req q;
	const char *msg;
	u32 i, vni, total;
	int ret, calls;

	for (vni = 1; vni <= 3; vni++)
		ASSERT_EQ(0, add_vni(t, vni));
	for (i = 0; i < 600; i++)
		ASSERT_EQ(0, csvx_fdb_update(t, fdb_spec(&q, 1 + i % 3, i,
							 A4(0x0a000001), 0),
					     false, &msg));
	for (vni = 0; vni <= 3; vni++) {
		total = vni ? 200 : 600;
		memset(&c, 0, sizeof(c));
		memset(all, 0, sizeof(*all));
		all->stop_at = ~0U;
		EXPECT_EQ(0, csvx_fdb_walk(t, vni, &c, collect_fn, all));
		EXPECT_EQ(total, all->n);
		for (i = 0; i < all->n; i++)
			EXPECT_TRUE(!vni || all->keys[i] >> 48 == vni);
		/* Ended: a further call visits nothing. */
		EXPECT_EQ(0, csvx_fdb_walk(t, vni, &c, collect_fn, all));
		EXPECT_EQ(total, all->n);

		/* In slices of 1..7, the same sequence. */
		memset(&c, 0, sizeof(c));
		memset(part, 0, sizeof(*part));
		calls = 0;
		do {
			part->stop_at = part->n + 1 + calls % 7;
			ret = csvx_fdb_walk(t, vni, &c, collect_fn, part);
			EXPECT_TRUE(ret == 0 || ret == 7);
			calls++;
		} while (ret);
		EXPECT_EQ(total, part->n);
		EXPECT_EQ(0, memcmp(all->keys, part->keys, total * sizeof(u64)));
	}
	/* A walk of a VNI that does not exist is empty. */
	memset(&c, 0, sizeof(c));
	all->n = 0;
	EXPECT_EQ(0, csvx_fdb_walk(t, 99, &c, collect_fn, all));
	EXPECT_EQ(0, all->n);
	free(all);
	free(part);
}

/* ------------------------------------------------------- randomized model */

#define M_VNIS		5	/* VNIs 1..4 exist, 5 does not */
#define M_MACS		400
#define M_IPS		48	/* per VNI: few enough to collide */
#define M_REMOTES	4

struct m_ent {
	bool on;
	u32 remote;		/* 0: local */
	u32 seq, flags;
	u8 nr_ips;
	u8 ips[3];		/* indexes into the VNI's IP pool */
};

struct fdb_model {
	struct m_ent e[M_VNIS + 1][M_MACS];
	u32 count;
	u64 gen;
};

static struct csvx_addr m_ip(u32 vni, u32 i)
{
	return i % 3 ? A4(0xc0a80000 + vni * 256 + i) : A6(vni, i);
}

static struct csvx_addr m_remote(u32 r)
{
	return r ? A4(0x0a000000 + r) : (struct csvx_addr){};
}

/* Which (vni, mac) of the model owns pool IP @ip of @vni, or -1. */
static int m_owner(struct fdb_model *m, u32 vni, u32 ip)
{
	u32 mac, k;

	for (mac = 0; mac < M_MACS; mac++)
		for (k = 0; m->e[vni][mac].on && k < m->e[vni][mac].nr_ips; k++)
			if (m->e[vni][mac].ips[k] == ip)
				return mac;
	return -1;
}

static int m_update(struct fdb_model *m, struct csvx_tables *t, u32 vni,
		    u32 mac, struct m_ent *ne, bool replace)
{
	struct m_ent *o = &m->e[vni][mac];
	u32 k, j;

	for (k = 0; k < ne->nr_ips; k++)
		for (j = 0; j < k; j++)
			if (ne->ips[k] == ne->ips[j])
				return -EINVAL;
	if (vni == M_VNIS)
		return -ENOENT;
	if (o->on) {
		if (!replace && ne->seq == o->seq)
			return -EEXIST;
		if (!replace && ne->seq < o->seq)
			return -ESTALE;
		if ((o->flags & CSVX_F_STICKY) && o->remote != ne->remote)
			return -EPERM;
	} else if (m->count >= t->limit[CSVX_PARAM_MAX_FDB]) {
		return -ENOSPC;
	}
	for (k = 0; k < ne->nr_ips; k++) {
		int owner = m_owner(m, vni, ne->ips[k]);

		if (owner >= 0 && (u32)owner != mac)
			return -EEXIST;
	}
	if (!o->on)
		m->count++;
	*o = *ne;
	o->on = true;
	m->gen++;
	return 0;
}

static bool m_matches(struct fdb_model *m, struct csvx_tables *t, u32 vni,
		      u32 mac)
{
	struct m_ent *o = &m->e[vni][mac];
	struct csvx_fdb *f = lookup(t, vni, mac);
	struct csvx_addr a;
	u32 k;

	if (!o->on)
		return !f;
	if (!f || f->seq != o->seq || f->flags != o->flags ||
	    f->nr_ips != o->nr_ips)
		return false;
	a = m_remote(o->remote);
	if (!csvx_addr_equal(&f->remote, &a))
		return false;
	for (k = 0; k < o->nr_ips; k++) {
		a = m_ip(vni, o->ips[k]);
		if (!csvx_addr_equal(&f->ips[k], &a) ||
		    by_ip(t, vni, a) != f)
			return false;
	}
	return true;
}

static void m_check(struct __test_metadata *_metadata, struct fdb_model *m,
		    struct csvx_tables *t)
{
	struct collect *c = calloc(1, sizeof(*c));
	struct csvx_cursor cur;
	u32 vni, mac, ip, n = 0;
	int owner;

	ASSERT_EQ(m->count, t->count[CSVX_PARAM_MAX_FDB]);
	ASSERT_EQ(m->gen, t->gen);
	for (vni = 1; vni <= M_VNIS; vni++) {
		for (mac = 0; mac < M_MACS; mac++)
			ASSERT_TRUE(m_matches(m, t, vni, mac))
				TH_LOG("vni %u mac %u", vni, mac);
		for (ip = 0; ip < M_IPS; ip++) {
			owner = m_owner(m, vni, ip);
			ASSERT_EQ(owner < 0 ? NULL : lookup(t, vni, owner),
				  by_ip(t, vni, m_ip(vni, ip)));
		}
		if (vni == M_VNIS)
			break;
		memset(&cur, 0, sizeof(cur));
		c->n = 0;
		c->stop_at = ~0U;
		ASSERT_EQ(0, csvx_fdb_walk(t, vni, &cur, collect_fn, c));
		for (n = 0, mac = 0; mac < M_MACS; mac++)
			n += m->e[vni][mac].on;
		ASSERT_EQ(n, c->n);
		ASSERT_EQ(n, csvx_vni_lookup(t, vni)->nr_fdb);
		for (ip = 0; ip < c->n; ip++)
			ASSERT_TRUE(m->e[vni][c->keys[ip] & 0xffffffff].on);
	}
	free(c);
}

static void m_step(struct __test_metadata *_metadata, struct fdb_model *m,
		   struct csvx_tables *t, struct unit_rng *r, u32 *touched_vni,
		   u32 *touched_mac)
{
	u32 vni = 1 + rnd(r, M_VNIS), mac = rnd(r, M_MACS), op = rnd(r, 100);
	struct m_ent ne = {}, *o = &m->e[vni][mac];
	const char *msg = NULL;
	struct fdb_req q;
	int want, got;
	u32 k, n;

	*touched_vni = vni;
	*touched_mac = mac;
	if (op < 65) {
		bool replace = rnd(r, 5) == 0;

		ne.remote = rnd(r, M_REMOTES + 1);
		ne.seq = o->on ? o->seq + rnd(r, 4) - 1 : rnd(r, 3);
		if (o->on && o->seq == 0 && ne.seq == U32_MAX)
			ne.seq = 0;
		ne.flags = rnd(r, 10) == 0 ? CSVX_F_STICKY : 0;
		ne.nr_ips = rnd(r, 4);
		for (k = 0; k < ne.nr_ips; k++)
			ne.ips[k] = rnd(r, M_IPS);
		fdb_spec(&q, vni, mac, m_remote(ne.remote), ne.seq);
		q.s.flags = ne.flags;
		for (k = 0; k < ne.nr_ips; k++)
			fdb_ip(&q, m_ip(vni, ne.ips[k]));
		want = m_update(m, t, vni, mac, &ne, replace);
		got = csvx_fdb_update(t, &q.s, replace, &msg);
		ASSERT_EQ(want, got) TH_LOG("update vni %u mac %u: %s", vni,
					    mac, msg ? msg : "");
		if (got)
			ASSERT_NE(NULL, msg);
	} else if (op < 95) {
		want = vni == M_VNIS || !o->on ? -ENOENT : 0;
		got = del(t, vni, mac, &msg);
		ASSERT_EQ(want, got);
		if (!got) {
			o->on = false;
			m->count--;
			m->gen++;
		}
	} else if (op < 97) {
		for (n = 0, k = 0; k < M_MACS; k++) {
			n += m->e[vni][k].on;
			m->e[vni][k].on = false;
		}
		ASSERT_EQ(n, csvx_fdb_flush(t, vni));
		m->count -= n;
		m->gen += !!n;
		*touched_mac = ~0U;	/* the whole VNI */
	} else {
		/* A limit somewhere around the current size. */
		t->limit[CSVX_PARAM_MAX_FDB] = m->count + rnd(r, 200);
		*touched_vni = 0;
	}
}

/* Slices of a walk with changes between them, as in test_htab. */
static void m_sliced_walk(struct __test_metadata *_metadata,
			  struct fdb_model *m, struct csvx_tables *t,
			  struct unit_rng *r, u32 vni)
{
	static u8 state[M_VNIS + 1][M_MACS];	/* 1 stable, 2 seen */
	struct collect *c = calloc(1, sizeof(*c));
	struct csvx_cursor cur = {};
	u32 v, mac, i, tv, tm;
	int ret;

	for (v = 1; v <= M_VNIS; v++)
		for (mac = 0; mac < M_MACS; mac++)
			state[v][mac] = m->e[v][mac].on &&
					(!vni || v == vni) ? 1 : 0;
	do {
		c->n = 0;
		c->stop_at = rnd(r, 30);
		ret = csvx_fdb_walk(t, vni, &cur, collect_fn, c);
		for (i = 0; i < c->n; i++) {
			v = c->keys[i] >> 48;
			mac = c->keys[i] & 0xffffffff;
			ASSERT_TRUE(!vni || v == vni);
			ASSERT_FALSE((state[v][mac] & 3) == 3)
				TH_LOG("vni %u mac %u seen twice", v, mac);
			state[v][mac] |= 2;
		}
		for (i = rnd(r, 20); ret && i; i--) {
			m_step(_metadata, m, t, r, &tv, &tm);
			if (!tv)
				continue;
			for (mac = 0; mac < M_MACS; mac++)
				if ((tm == ~0U || tm == mac) &&
				    !m->e[tv][mac].on)
					state[tv][mac] &= ~1;
		}
	} while (ret);
	for (v = 1; v <= M_VNIS; v++)
		for (mac = 0; mac < M_MACS; mac++)
			ASSERT_FALSE(state[v][mac] == 1)
				TH_LOG("vni %u mac %u never seen", v, mac);
	free(c);
}

TEST_F_TIMEOUT(tables, randomized_against_a_model, 120)
{
	struct csvx_tables *t = &self->t;
	struct fdb_model *m = calloc(1, sizeof(*m));
	size_t base = unit_mem(t);
	struct unit_rng r;
	u32 round, i, tv, tm, vni;
	const char *msg;

	unit_rng_init(&r, "randomized_against_a_model");
	ASSERT_NE(NULL, m);
	for (vni = 1; vni < M_VNIS; vni++)
		ASSERT_EQ(0, add_vni(t, vni));
	m->gen = t->gen;
	t->limit[CSVX_PARAM_MAX_FDB] = M_MACS * (M_VNIS - 1);
	for (round = 0; round < 40; round++) {
		for (i = 0; i < 1500; i++)
			m_step(_metadata, m, t, &r, &tv, &tm);
		m_check(_metadata, m, t);
		m_sliced_walk(_metadata, m, t, &r, round % M_VNIS);
		m_check(_metadata, m, t);
	}
	for (vni = 1; vni < M_VNIS; vni++)
		ASSERT_EQ(0, csvx_vni_del(t, vni, &msg));
	EXPECT_EQ(0, t->count[CSVX_PARAM_MAX_FDB]);
	EXPECT_EQ(base, unit_mem(t));
	free(m);
}

/* ------------------------------------------------------------ concurrency */

/*
 * Every entry the writer publishes is self-describing: its remote and its
 * one IP are functions of (MAC, seq), so a reader can tell a torn or stale
 * entry from a good one.
 */
static struct csvx_addr race_remote(u32 mac, u32 seq)
{
	return A4(0x0a000000 | ((mac * 7 + seq) & 0xffffff));
}

static struct csvx_addr race_ip(u32 vni, u32 mac)
{
	return mac % 2 ? A4(0xac100000 + vni * 65536 + mac) : A6(vni, mac);
}

struct fdb_race {
	struct csvx_tables *t;
	u32 stable, churn;
	volatile int stop;
	const char *err;
	u64 lookups, walks;
};

static const char *race_check(const struct csvx_fdb *f, u32 vni, u32 mac)
{
	u32 m = mac_num(f->mac);
	struct csvx_addr want = race_remote(m, f->seq), ip = race_ip(vni, m);

	if (f->vni != vni || (mac != ~0U && m != mac))
		return "entry has the wrong key";
	if (!csvx_addr_equal(&f->remote, &want) || f->nr_ips != 1 ||
	    !csvx_addr_equal(&f->ips[0], &ip))
		return "entry is torn or freed";
	return NULL;
}

static int race_walk_fn(const struct csvx_fdb *f, void *arg)
{
	struct fdb_race *rc = arg;
	const char *err = race_check(f, f->vni, ~0U);

	if (err)
		rc->err = err;
	return 0;
}

struct race_count {
	struct fdb_race *rc;
	u32 stable_seen;
	u8 *seen;
};

static int race_count_fn(const struct csvx_fdb *f, void *arg)
{
	struct race_count *w = arg;
	u32 mac = mac_num(f->mac);

	race_walk_fn(f, w->rc);
	if (f->vni == 1 && mac < w->rc->stable) {
		if (w->seen[mac])
			w->rc->err = "a walk under RCU saw a stable MAC twice";
		w->seen[mac] = 1;
		w->stable_seen++;
	}
	return 0;
}

static void *fdb_reader(void *arg)
{
	struct fdb_race *rc = arg;
	struct unit_rng r = { .s = (uintptr_t)&r };
	u8 *seen = malloc(rc->stable);
	u32 mac, vni;
	u64 n = 0;

	rcu_register_thread();
	while (!rc->stop && !rc->err) {
		const struct csvx_fdb *f;
		struct csvx_addr ip;
		const char *err;

		rcu_read_lock();
		mac = rnd(&r, rc->stable);
		f = lookup(rc->t, 1, mac);
		if (!f)
			rc->err = "a stable MAC was not found";
		else if ((err = race_check(f, 1, mac)))
			rc->err = err;
		vni = 1 + rnd(&r, 3);
		mac = rc->stable + rnd(&r, rc->churn);
		f = lookup(rc->t, vni, mac);
		if (f && (err = race_check(f, vni, mac)))
			rc->err = err;
		ip = race_ip(vni, mac);
		f = csvx_fdb_lookup_ip(rc->t, vni, &ip);
		if (f && (err = race_check(f, vni, mac)))
			rc->err = err;
		rcu_read_unlock();

		if (++n % 5000 == 0) {
			struct race_count w = { .rc = rc, .seen = seen };
			struct csvx_cursor c = {};

			memset(seen, 0, rc->stable);
			csvx_fdb_walk(rc->t, 0, &c, race_count_fn, &w);
			if (w.stable_seen != rc->stable)
				rc->err = "a walk under RCU missed a stable MAC";
			memset(&c, 0, sizeof(c));
			csvx_fdb_walk(rc->t, 2, &c, race_walk_fn, rc);
			__atomic_add_fetch(&rc->walks, 1, __ATOMIC_RELAXED);
		}
	}
	__atomic_add_fetch(&rc->lookups, n, __ATOMIC_RELAXED);
	free(seen);
	rcu_unregister_thread();
	return NULL;
}

static int race_update(struct csvx_tables *t, u32 vni, u32 mac, u32 seq)
{
	struct fdb_req q;
	const char *msg;

	fdb_spec(&q, vni, mac, race_remote(mac, seq), seq);
	fdb_ip(&q, race_ip(vni, mac));
	return csvx_fdb_update(t, &q.s, false, &msg);
}

TEST_F_TIMEOUT(tables, readers_race_a_writer, 120)
{
	struct csvx_tables *t = &self->t;
	struct fdb_race rc = { .t = t, .stable = 3000, .churn = 30000 };
	u32 *seq = calloc(rc.stable + rc.churn, 4 * sizeof(u32));
	u32 i, ops = unit_scale(400000), mac, vni;
	const char *msg;
	struct unit_rng r;
	pthread_t th[2];
	double t0;

	unit_rng_init(&r, "readers_race_a_writer");
	for (vni = 1; vni <= 3; vni++)
		ASSERT_EQ(0, add_vni(t, vni));
	for (mac = 0; mac < rc.stable; mac++) {
		seq[mac * 4 + 1] = 1;
		ASSERT_EQ(0, race_update(t, 1, mac, 1));
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, fdb_reader, &rc));
	t0 = unit_now();
	for (i = 0; i < ops && !rc.err; i++) {
		u32 op = rnd(&r, 100);

		if (op < 30) {
			/* Stable MACs move all the time, never go. */
			mac = rnd(&r, rc.stable);
			ASSERT_EQ(0, race_update(t, 1, mac, ++seq[mac * 4 + 1]));
			continue;
		}
		vni = 1 + rnd(&r, 3);
		mac = rc.stable + rnd(&r, rc.churn);
		if (op < 99 && (i / 50000) % 2 == 0) {
			u32 *s = &seq[mac * 4 + vni];

			if (!lookup(t, vni, mac))
				*s = 0;
			ASSERT_EQ(0, race_update(t, vni, mac, ++*s));
		} else if (op < 99) {
			del(t, vni, mac, &msg);
		} else {
			csvx_fdb_flush(t, 2 + rnd(&r, 2));
		}
	}
	rc.stop = 1;
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	ksft_print_msg("%u writes, %llu reader lookups, %llu reader walks in %.2fs\n",
		       ops, (unsigned long long)rc.lookups,
		       (unsigned long long)rc.walks, unit_now() - t0);
	EXPECT_NULL(rc.err);
	free(seq);
}

/* ------------------------------------------------------------------ scale */

struct dump {
	u32 total, in_msg;
};

/* 64 entries fill a netlink message; the 65th starts the next one. */
static int count_fn(const struct csvx_fdb *f, void *arg)
{
	struct dump *d = arg;

	(void)f;
	if (d->in_msg == 64)
		return 1;
	d->in_msg++;
	d->total++;
	return 0;
}

/*
 * Cache lines a lookup reads, from the table's shape rather than a clock:
 * the bucket's line, then the entry if it has a slot there (an entry's
 * hash, key and result share its first line), else each entry of the
 * bucket's run up to the one sought.
 */
static double lines_per_hit(const struct csvx_htab *h)
{
	const struct csvx_hbuckets *b = rcu_dereference(h->bkt);
	struct csvx_hnode *n;
	u64 sum = 0, pos = 0;
	u32 bucket = ~0U, cnt = 0, s;

	for (n = rcu_dereference(h->head); n; n = rcu_dereference(n->next)) {
		u32 i = b ? csvx_hbucket(b, n->hash) : 0;
		bool slot = false;

		pos = i == bucket ? pos + 1 : 1;
		bucket = i;
		for (s = 0; b && s < CSVX_HB_SLOTS; s++)
			slot |= rcu_dereference(b->b[i].slot[s]) == n;
		sum += slot ? 1 : pos;
		cnt++;
	}
	return 1.0 + (double)sum / cnt;
}

/*
 * A dependent-miss baseline, so the numbers can be read on any machine
 * (from the shim's allocator: the same huge pages as the tables).
 */
static double dram_latency_ns(void)
{
	const size_t n = (64 << 20) / sizeof(u32);
	u32 *next = kvmalloc(n * sizeof(u32), GFP_KERNEL), i, p = 0, j, tmp;
	struct unit_rng r = { .s = 42 };
	double t;

	for (i = 0; i < n; i++)
		next[i] = i;
	/* Sattolo: one cycle through everything. */
	for (i = n - 1; i > 0; i--) {
		j = rnd(&r, i);
		tmp = next[i];
		next[i] = next[j];
		next[j] = tmp;
	}
	t = unit_now();
	for (i = 0; i < 2000000; i++)
		p = next[p];
	t = unit_now() - t;
	kvfree(next);
	return p == ~0U ? 0 : t * 1e9 / 2000000;
}

TEST_F_TIMEOUT(tables, a_million_macs, 300)
{
	struct csvx_tables *t = &self->t;
	const u32 n = unit_scale(1000000), nvni = 64;
	size_t base, mem;
	u32 i, *order = malloc(n * sizeof(u32)), found = 0, calls = 0;
	struct dump d = {};
	struct csvx_cursor c = {};
	struct unit_rng r;
	struct fdb_req q;
	const char *msg;
	double t0, t1;

	ASSERT_NE(NULL, order);
	unit_rng_init(&r, "a_million_macs");
	for (i = 1; i <= nvni; i++)
		ASSERT_EQ(0, add_vni(t, i));
	base = unit_mem(t);
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n - 1; i > 0; i--) {
		u32 j = rnd(&r, i + 1), tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}

	t0 = unit_now();
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, csvx_fdb_update(t, fdb_spec(&q, 1 + i % nvni, i,
							 A4(0x0a000000 + i % 1000), 1),
					     false, &msg));
	t1 = unit_now();
	mem = unit_mem(t) - base;
	ksft_print_msg("fdb: %u inserts: %.0f/s; %.1f bytes per MAC\n", n,
		       n / (t1 - t0), (double)mem / n);
	ksft_print_msg("fdb: a hit reads %.2f cache lines on average (load factor %.2f)\n",
		       lines_per_hit(&t->priv->fdb),
		       (double)n / rcu_dereference(t->priv->fdb.bkt)->n);

	t0 = unit_now();
	rcu_read_lock();
	for (i = 0; i < n; i++)
		found += lookup(t, 1 + order[i] % nvni, order[i]) != NULL;
	rcu_read_unlock();
	t1 = unit_now();
	EXPECT_EQ(n, found);
	ksft_print_msg("fdb: %u random lookups (hits): %.0f/s, %.0f ns each\n",
		       n, n / (t1 - t0), (t1 - t0) * 1e9 / n);

	t0 = unit_now();
	rcu_read_lock();
	for (i = 0; i < n; i++)
		found += lookup(t, 1 + order[i] % nvni, n + order[i]) != NULL;
	rcu_read_unlock();
	t1 = unit_now();
	EXPECT_EQ(n, found);
	ksft_print_msg("fdb: %u random lookups (misses): %.0f/s\n", n,
		       n / (t1 - t0));

	/* A dump: 64 entries a message, each message resuming the walk. */
	t0 = unit_now();
	while (csvx_fdb_walk(t, 0, &c, count_fn, &d)) {
		d.in_msg = 0;
		calls++;
	}
	t1 = unit_now();
	EXPECT_EQ(n, d.total);
	ksft_print_msg("fdb: dump in %u resumed walks: %.0f entries/s\n",
		       calls + 1, n / (t1 - t0));

	t0 = unit_now();
	found = csvx_fdb_flush(t, nvni);
	t1 = unit_now();
	ksft_print_msg("fdb: flush of one VNI (%u MACs): %.2f ms\n", found,
		       (t1 - t0) * 1e3);

	t0 = unit_now();
	for (i = 0; i < n; i++) {
		u32 k = order[i];

		if (1 + k % nvni != nvni)
			ASSERT_EQ(0, del(t, 1 + k % nvni, k, &msg));
	}
	t1 = unit_now();
	ksft_print_msg("fdb: %u deletes: %.0f/s\n", n - found,
		       (n - found) / (t1 - t0));
	EXPECT_EQ(0, t->count[CSVX_PARAM_MAX_FDB]);
	EXPECT_EQ(base, unit_mem(t));
	if (!UNIT_ASAN)
		ksft_print_msg("(this machine: %.0f ns per dependent DRAM access)\n",
			       dram_latency_ns());
	free(order);
}

TEST_HARNESS_MAIN
