// SPDX-License-Identifier: GPL-2.0
/*
 * sg-classify: a connection's first packet classified against one port's
 * security groups, 1000 rules of which a quarter name address sets (8
 * remote groups of 200 VM addresses, 2 lists of 50 trusted networks):
 *
 *  - csvx: the compiled classifier (tables/sgcls.c, csvx_sg_classify), the
 *    rules, sets and port programmed through the same calls the netlink
 *    handlers make;
 *  - iptables-linear: the same rules scanned in order, first match wins,
 *    as ipt_do_table() runs a chain (see the model below); a rule naming a
 *    set tests it the way `-m set --match-set` does (a hash probe per
 *    prefix length, csvx's own sets standing in for ipset's);
 *  - rte_acl: the same rules, one ACL context per direction, sets expanded
 *    into one ACL rule per member (rte_acl has no sets), classified in
 *    bursts of 32, its design point (per-packet calls are reported too).
 *
 * Packets: 60% built to match a random rule (an address of its prefix or
 * set, a key in its range), 40% random (mostly refused: a linear scan goes
 * through every rule of its direction for those).  All three must give the
 * same verdict for every packet.
 */
#include <rte_acl.h>

#include "bench.h"
#include "sg.h"

#define NRULES		1000
#define NSETS		10		/* hash:ip, the last NET_SETS hash:net */
#define NET_SETS	2
#define IP_MEMBERS	200		/* VM addresses of a remote group */
#define NET_MEMBERS	50		/* trusted networks: /16s and /24s */
#define NPKTS		(1 << 16)
#define ACL_BURST	32

struct lin_rule {
	u8 dir, proto;
	s16 icmp_type;
	u16 lo, hi;			/* key range */
	bool set;
	u32 prefix, mask;		/* host order, CIDR rules */
	const struct csvx_set *s;
	u32 setno;
};

struct set_def {
	char name[16];
	bool net;
	u32 n;
	u32 addr[IP_MEMBERS];		/* host order */
	u8 plen[IP_MEMBERS];
};

struct acl_in {
	u8 proto;
	u8 pad[3];
	u32 remote;			/* network order */
	u16 key;			/* network order */
	u16 pad2;
};

enum { F_PROTO, F_REMOTE, F_KEY, F_PAD, F_NUM };

RTE_ACL_RULE_DEF(acl_rule, F_NUM);

static struct set_def sets[NSETS];
static struct lin_rule rules[NRULES];

static u32 mask_of(u8 plen)
{
	return plen ? ~0U << (32 - plen) : 0;
}

/* One rule, in the spirit of what CloudStack users write. */
static void make_rule(struct bench_rng *r, struct csvx_sg_rule_spec *s,
		      struct lin_rule *l, u32 i)
{
	static const u8 plens[] = { 32, 32, 32, 24, 24, 24, 16, 16, 8, 0 };
	u32 k = bench_below(r, 100);

	memset(s, 0, sizeof(*s));
	memset(l, 0, sizeof(*l));
	s->dir = bench_below(r, 4) ? CSVX_SG_INGRESS : CSVX_SG_EGRESS;
	s->icmp_type = -1;
	s->icmp_code = -1;
	l->lo = 0;
	l->hi = 65535;
	if (k < 45) {
		s->proto = CSVX_PROTO_TCP;
		s->has_dport = true;
		s->dport_lo = 1 + bench_below(r, 65000);
		s->dport_hi = s->dport_lo +
			      (bench_below(r, 4) ? 0 : bench_below(r, 100));
	} else if (k < 75) {
		s->proto = CSVX_PROTO_UDP;
		s->has_dport = true;
		s->dport_lo = 1 + bench_below(r, 65000);
		s->dport_hi = s->dport_lo;
	} else if (k < 85) {
		s->proto = CSVX_PROTO_ICMP;
		if (bench_below(r, 2)) {
			s->icmp_type = 8;
			l->lo = csvx_sg_icmp_key(8, 0);
			l->hi = csvx_sg_icmp_key(8, 255);
		}
	} else if (k < 95) {
		s->proto = CSVX_PROTO_TCP;
		s->has_dport = true;
		s->dport_lo = 1;
		s->dport_hi = 1024 + bench_below(r, 64511);
	} else {
		s->proto = CSVX_PROTO_ANY;
	}
	if (s->has_dport) {
		l->lo = s->dport_lo;
		l->hi = s->dport_hi;
	}
	l->dir = s->dir;
	l->proto = s->proto;
	l->icmp_type = s->icmp_type;
	if (bench_below(r, 4) == 0) {
		l->set = true;
		l->setno = bench_below(r, NSETS);
		s->remote = CSVX_SG_R_SET;
		s->set = sets[l->setno].name;
	} else {
		u8 plen = plens[bench_below(r, ARRAY_SIZE(plens))];

		/* "all protocols from anywhere" would make the group moot */
		if (s->proto == CSVX_PROTO_ANY ||
		    (s->has_dport && s->dport_hi - s->dport_lo > 100))
			plen = max_t(u8, plen, 16);
		/* distinct rules: the index is in the address */
		u32 a = (0x0a000000 | (i * 2654435761U >> 8)) & mask_of(plen);

		s->remote = CSVX_SG_R_CIDR;
		s->prefix.family = AF_INET;
		s->prefix.ip4 = htonl(a);
		s->plen = plen;
		l->prefix = a;
		l->mask = mask_of(plen);
	}
}

/*
 * The iptables model.  CloudStack's security_group.py writes one chain per
 * VM and direction, one rule per remote, e.g.
 *   -I i-2-3-VM -p tcp -m tcp --dport 22:22 -m state --state NEW
 *      -s 10.1.0.0/16 -j ACCEPT
 * (a remote group as -m set --match-set NAME src).  ipt_do_table() runs
 * down the chain: for each rule the inline IP header match (addresses under
 * masks, interfaces under masks, protocol), then each match extension
 * through its function pointer, and the first rule whose matches all hold
 * decides.  This is that loop over the same rules, in user space: no
 * skb_header_pointer(), no counters, no retpolines, so if anything it is
 * cheaper than the kernel's.
 */
struct ipt_pkt {
	u32 saddr, daddr;		/* host order */
	u8 proto, ctstate;
	u16 sport, dport;
	u8 icmp_type, icmp_code;
	unsigned long in[IFNAMSIZ / sizeof(long)];
	unsigned long out[IFNAMSIZ / sizeof(long)];
	const struct csvx_addr *remote;
};

struct ipt_match {
	bool (*match)(const struct ipt_pkt *, const struct ipt_match *);
	u16 lo, hi;			/* tcp/udp: dport; icmp: type */
	u16 slo, shi;			/* tcp/udp: sport */
	u8 code_lo, code_hi;
	u8 statemask;
	const struct csvx_set *set;
};

struct ipt_rule {
	u32 src, smsk, dst, dmsk;	/* struct ipt_ip */
	unsigned long in[IFNAMSIZ / sizeof(long)], in_mask[IFNAMSIZ / sizeof(long)];
	unsigned long out[IFNAMSIZ / sizeof(long)], out_mask[IFNAMSIZ / sizeof(long)];
	u8 proto;
	u8 nr;
	struct ipt_match m[3];
};

static bool mt_port(const struct ipt_pkt *p, const struct ipt_match *m)
{
	/* xt_tcpudp: source range (0:65535 here), then destination range */
	return p->sport >= m->slo && p->sport <= m->shi &&
	       p->dport >= m->lo && p->dport <= m->hi;
}

static bool mt_icmp(const struct ipt_pkt *p, const struct ipt_match *m)
{
	/* type 0xff: any */
	return m->lo == 0xff ||
	       (p->icmp_type == m->lo && p->icmp_code >= m->code_lo &&
		p->icmp_code <= m->code_hi);
}

static bool mt_state(const struct ipt_pkt *p, const struct ipt_match *m)
{
	return p->ctstate & m->statemask;
}

static bool mt_set(const struct ipt_pkt *p, const struct ipt_match *m)
{
	return csvx_set_test(m->set, p->remote);
}

static bool ifname_eq(const unsigned long *a, const unsigned long *b,
		      const unsigned long *mask)
{
	unsigned long r = 0;
	size_t i;

	for (i = 0; i < IFNAMSIZ / sizeof(long); i++)
		r |= (a[i] ^ b[i]) & mask[i];
	return !r;
}

static bool ipt_ip_match(const struct ipt_pkt *p, const struct ipt_rule *r)
{
	if ((p->saddr & r->smsk) != r->src || (p->daddr & r->dmsk) != r->dst)
		return false;
	if (!ifname_eq(p->in, r->in, r->in_mask) ||
	    !ifname_eq(p->out, r->out, r->out_mask))
		return false;
	return !r->proto || r->proto == p->proto;
}

#define CT_NEW	1

static struct ipt_rule *chain[2];
static u32 chain_len[2];

static void ipt_rule_of(struct ipt_rule *r, const struct lin_rule *l)
{
	struct ipt_match *m = r->m;

	memset(r, 0, sizeof(*r));
	if (!l->set) {
		if (l->dir == CSVX_SG_INGRESS) {
			r->src = l->prefix;
			r->smsk = l->mask;
		} else {
			r->dst = l->prefix;
			r->dmsk = l->mask;
		}
	}
	r->proto = l->proto;
	if (l->proto == CSVX_PROTO_TCP || l->proto == CSVX_PROTO_UDP) {
		m->match = mt_port;
		m->slo = 0;
		m->shi = 65535;
		m->lo = l->lo;
		m->hi = l->hi;
		m++;
	} else if (l->proto == CSVX_PROTO_ICMP) {
		m->match = mt_icmp;
		m->lo = l->icmp_type < 0 ? 0xff : l->icmp_type;
		m->code_lo = 0;
		m->code_hi = 255;
		m++;
	}
	if (l->proto != CSVX_PROTO_ICMP) {
		m->match = mt_state;
		m->statemask = CT_NEW;
		m++;
	}
	if (l->set) {
		m->match = mt_set;
		m->set = l->s;
		m++;
	}
	r->nr = m - r->m;
}

static int ipt_build(void)
{
	u32 i, d;

	for (d = 0; d < 2; d++) {
		chain[d] = calloc(NRULES, sizeof(*chain[d]));
		if (!chain[d])
			return -1;
	}
	for (i = 0; i < NRULES; i++) {
		d = rules[i].dir;
		ipt_rule_of(&chain[d][chain_len[d]++], &rules[i]);
	}
	return 0;
}

static void ipt_pkt_of(struct ipt_pkt *ip, const struct csvx_sg_pkt *p,
		       u32 vm)
{
	u32 remote = ntohl(p->remote.ip4);

	memset(ip, 0, sizeof(*ip));
	ip->saddr = p->dir == CSVX_SG_INGRESS ? remote : vm;
	ip->daddr = p->dir == CSVX_SG_INGRESS ? vm : remote;
	ip->proto = p->proto;
	ip->ctstate = CT_NEW;
	ip->sport = 40000;
	ip->dport = p->key;
	ip->icmp_type = p->key >> 8;
	ip->icmp_code = p->key & 0xff;
	memcpy(ip->in, "brvx-100", 9);
	memcpy(ip->out, "brvx-100", 9);
	ip->remote = &p->remote;
}

/* ipt_do_table() on the VM's chain of the packet's direction. */
static bool ipt_classify(const struct ipt_pkt *p, int dir)
{
	const struct ipt_rule *r = chain[dir], *end = r + chain_len[dir];
	int k;

	if (dir == CSVX_SG_EGRESS && !chain_len[dir])
		return true;		/* no egress rule: -j RETURN */
	for (; r < end; r++) {
		if (!ipt_ip_match(p, r))
			continue;
		for (k = 0; k < r->nr; k++)
			if (!r->m[k].match(p, &r->m[k]))
				break;
		if (k == r->nr)
			return true;	/* -j ACCEPT */
	}
	return false;			/* -j DROP */
}

static void make_pkt(struct bench_rng *r, struct csvx_sg_pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->family = AF_INET;
	p->remote.family = AF_INET;
	if (bench_below(r, 100) < 60) {
		const struct lin_rule *l = &rules[bench_below(r, NRULES)];
		u32 a;

		p->dir = l->dir;
		p->proto = l->proto == CSVX_PROTO_ANY ? CSVX_PROTO_TCP :
			   l->proto;
		p->key = l->lo + bench_below(r, l->hi - l->lo + 1);
		if (l->set) {
			const struct set_def *d = &sets[l->setno];
			u32 m = bench_below(r, d->n);

			a = d->addr[m] | ((u32)bench_rnd64(r) &
					  ~mask_of(d->plen[m]));
		} else {
			a = l->prefix | ((u32)bench_rnd64(r) & ~l->mask);
		}
		p->remote.ip4 = htonl(a);
		return;
	}
	p->dir = bench_below(r, 4) ? CSVX_SG_INGRESS : CSVX_SG_EGRESS;
	switch (bench_below(r, 20)) {
	case 0 ... 8:
		p->proto = CSVX_PROTO_TCP;
		break;
	case 9 ... 17:
		p->proto = CSVX_PROTO_UDP;
		break;
	default:
		p->proto = CSVX_PROTO_ICMP;
	}
	p->key = p->proto == CSVX_PROTO_ICMP ?
		 csvx_sg_icmp_key(bench_below(r, 2) ? 8 : 0, 0) :
		 bench_below(r, 65536);
	p->remote.ip4 = htonl(bench_below(r, 2) ?
			      0x0a000000 | bench_below(r, 1 << 24) :
			      0x01000000 + bench_below(r, 0xdf000000));
}

static int cmp_dir(const void *a, const void *b)
{
	return ((const struct csvx_sg_pkt *)a)->dir -
	       ((const struct csvx_sg_pkt *)b)->dir;
}

static void acl_field(struct acl_rule *ar, int f, u32 v, u32 m)
{
	switch (f) {
	case F_PROTO:
		ar->field[f].value.u8 = v;
		ar->field[f].mask_range.u8 = m;
		break;
	case F_REMOTE:
		ar->field[f].value.u32 = v;
		ar->field[f].mask_range.u32 = m;
		break;
	default:
		ar->field[f].value.u16 = v;
		ar->field[f].mask_range.u16 = m;
	}
}

static void acl_rule_of(struct acl_rule *ar, const struct lin_rule *l, u32 i,
			u32 addr, u8 plen)
{
	memset(ar, 0, sizeof(*ar));
	ar->data.category_mask = 1;
	ar->data.priority = RTE_ACL_MAX_PRIORITY - i;	/* first match */
	ar->data.userdata = i + 1;
	acl_field(ar, F_PROTO, l->proto, l->proto == CSVX_PROTO_ANY ? 0 : 0xff);
	acl_field(ar, F_REMOTE, addr, plen);
	acl_field(ar, F_KEY, l->lo, l->hi);
	acl_field(ar, F_PAD, 0, 0xffff);
}

static struct rte_acl_ctx *acl_build(int dir, u32 *nr, size_t *bytes)
{
	static const struct rte_acl_field_def defs[F_NUM] = {
		{ RTE_ACL_FIELD_TYPE_BITMASK, 1, F_PROTO, 0,
		  offsetof(struct acl_in, proto) },
		{ RTE_ACL_FIELD_TYPE_MASK, 4, F_REMOTE, 1,
		  offsetof(struct acl_in, remote) },
		{ RTE_ACL_FIELD_TYPE_RANGE, 2, F_KEY, 2,
		  offsetof(struct acl_in, key) },
		{ RTE_ACL_FIELD_TYPE_RANGE, 2, F_PAD, 2,
		  offsetof(struct acl_in, pad2) },
	};
	struct rte_acl_param prm = {
		.name = dir ? "sg-egress" : "sg-ingress",
		.socket_id = bench_socket,
		.rule_size = RTE_ACL_RULE_SZ(F_NUM),
		.max_rule_num = NRULES * IP_MEMBERS,
	};
	struct rte_acl_config cfg = { .num_categories = 1, .num_fields = F_NUM };
	struct rte_acl_ctx *ctx;
	struct acl_rule *ar;
	size_t heap0;
	u32 i, m, n = 0;
	int e;

	ar = malloc(prm.max_rule_num * sizeof(*ar));
	ctx = rte_acl_create(&prm);
	if (!ar || !ctx)
		goto fail;
	for (i = 0; i < NRULES; i++) {
		const struct lin_rule *l = &rules[i];

		if (l->dir != dir)
			continue;
		if (!l->set) {
			acl_rule_of(&ar[n++], l, i, l->prefix,
				    32 - __builtin_popcount(~l->mask));
			continue;
		}
		for (m = 0; m < sets[l->setno].n; m++)
			acl_rule_of(&ar[n++], l, i, sets[l->setno].addr[m],
				    sets[l->setno].plen[m]);
	}
	e = rte_acl_add_rules(ctx, (struct rte_acl_rule *)ar, n);
	if (e) {
		fprintf(stderr, "sg: rte_acl_add_rules: %d\n", e);
		goto fail;
	}
	memcpy(cfg.defs, defs, sizeof(defs));
	heap0 = bench_heap_used();
	e = rte_acl_build(ctx, &cfg);
	if (e) {
		fprintf(stderr, "sg: rte_acl_build: %d\n", e);
		goto fail;
	}
	*bytes += bench_heap_used() - heap0;
	*nr += n;
	free(ar);
	return ctx;
fail:
	free(ar);
	rte_acl_free(ctx);
	return NULL;
}

static u64 run_csvx(const struct csvx_sg_cls *cls,
		    const struct csvx_sg_pkt *pk, u32 n, int reps)
{
	struct csvx_sg_rule *rule;
	u64 sum = 0;
	u32 i;

	while (reps--)
		for (i = 0; i < n; i++)
			sum += csvx_sg_classify(cls, &pk[i], &rule);
	return sum;
}

static u64 run_ipt(const struct ipt_pkt *ip, const struct csvx_sg_pkt *pk,
		   u32 n)
{
	u64 sum = 0;
	u32 i;

	for (i = 0; i < n; i++)
		sum += ipt_classify(&ip[i], pk[i].dir);
	return sum;
}

/* Packets [0, ningress) are ingress, the rest egress. */
static u64 run_acl(struct rte_acl_ctx *ctx[2], const u8 **in, u32 n,
		   u32 ningress, int burst, int reps)
{
	u32 res[ACL_BURST], i, j, k;
	u64 sum = 0;

	while (reps--) {
		for (i = 0; i < n; i += k) {
			int dir = i >= ningress;

			k = min_t(u32, burst, (dir ? n : ningress) - i);
			rte_acl_classify(ctx[dir], in + i, res, k, 1);
			for (j = 0; j < k; j++)
				sum += res[j] != 0;
		}
	}
	return sum;
}

int bench_sg(void)
{
	double tc[BENCH_MAX_ROUNDS], tl[BENCH_MAX_ROUNDS];
	double ta[BENCH_MAX_ROUNDS], t1[BENCH_MAX_ROUNDS];
	struct rte_acl_ctx *acl[2] = { NULL, NULL };
	struct bench_rng rng = { 23 };
	struct csvx_port_spec ps = { 0 };
	const char *msg, *names[1] = { "web" };
	const struct csvx_sg_cls *cls;
	struct csvx_sg_policy *pol;
	struct csvx_sg_pkt *pk;
	struct csvx_port_txn txn;
	struct csvx_tables t;
	struct csvx_sgs sg;
	struct acl_in *ain;
	struct ipt_pkt *ipk;
	const u8 **aptr;
	u32 i, m, ningress = 0, acl_rules = 0, admitted = 0, added;
	size_t acl_bytes = 0, set_bytes = 0;
	u8 mac[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };
	int reps = 16, r, err = 1;
	double b0, b1;

	pk = calloc(NPKTS, sizeof(*pk));
	ain = calloc(NPKTS, sizeof(*ain));
	aptr = calloc(NPKTS, sizeof(*aptr));
	ipk = calloc(NPKTS, sizeof(*ipk));
	if (!pk || !ain || !aptr || !ipk || csvx_tables_init(&t))
		goto out_free;
	csvx_sgs_init(&sg, &t);

	/* sets: VM addresses of remote groups, and networks */
	for (i = 0; i < NSETS; i++) {
		struct set_def *d = &sets[i];

		d->net = i >= NSETS - NET_SETS;
		d->n = d->net ? NET_MEMBERS : IP_MEMBERS;
		snprintf(d->name, sizeof(d->name), "%s%u",
			 d->net ? "net" : "vms", i);
		if (csvx_sgset_add(&sg, d->name, d->net ? CSVX_SET_HASH_NET :
				   CSVX_SET_HASH_IP, AF_INET, 0, false, &msg))
			goto out_msg;
		for (m = 0; m < d->n; m++) {
			struct csvx_addr a = { .family = AF_INET };
			u32 k;

			d->plen[m] = d->net ? 16 + 8 * bench_below(&rng, 2) : 32;
			d->addr[m] = (d->net ? 0xac000000 : 0x0a800000) +
				     bench_below(&rng, 1 << 23);
			d->addr[m] &= mask_of(d->plen[m]);
			for (k = 0; k < m; k++)
				if (d->addr[k] == d->addr[m] &&
				    d->plen[k] == d->plen[m])
					break;
			if (k < m) {		/* drawn twice: again */
				m--;
				continue;
			}
			a.ip4 = htonl(d->addr[m]);
			if (csvx_sgset_member_add(&sg, d->name, &a, d->plen[m],
						  false, &msg))
				goto out_msg;
		}
		set_bytes += csvx_set_memory(csvx_sgset_lookup(&sg, d->name));
	}

	/* the group's rules, in one batch (one compilation) */
	if (csvx_sg_add(&sg, "web", false, &msg))
		goto out_msg;
	b0 = bench_cpu();
	for (i = 0, added = 0; added < NRULES; i++) {
		struct csvx_sg_rule_spec s;
		int e;

		make_rule(&rng, &s, &rules[added], i);
		e = csvx_sg_rule_add(&sg, "web", &s, true, false, &msg);
		if (e < 0)
			goto out_msg;
		if (e == 1)		/* the same rule again */
			continue;
		if (rules[added].set)
			rules[added].s = csvx_sgset_lookup(&sg, s.set);
		added++;
	}
	ps.ifindex = 10;
	ps.ifname = "vnet0";
	ps.vni = 100;
	ps.mac = mac;
	ps.set_sgs = true;
	ps.sgs = names;
	ps.nr_sgs = 1;
	if (csvx_port_prepare(&sg, &ps, CSVX_PORT_ADD, &txn, &msg))
		goto out_msg;
	csvx_port_commit(&sg, &txn);
	if (csvx_sgs_commit(&sg))
		goto out_sg;
	b1 = bench_cpu();
	pol = csvx_port_lookup(&sg, 10)->policy;
	rcu_read_lock();
	cls = rcu_dereference(pol->cls);
	rcu_read_unlock();

	/* packets, ingress first (one ACL context per direction) */
	for (i = 0; i < NPKTS; i++)
		make_pkt(&rng, &pk[i]);
	qsort(pk, NPKTS, sizeof(*pk), cmp_dir);
	for (i = 0; i < NPKTS; i++) {
		ningress += pk[i].dir == CSVX_SG_INGRESS;
		ain[i].proto = pk[i].proto;
		ain[i].remote = pk[i].remote.ip4;
		ain[i].key = htons(pk[i].key);
		aptr[i] = (const u8 *)&ain[i];
		ipt_pkt_of(&ipk[i], &pk[i], 0x0a0a0a0a);
	}
	if (ipt_build())
		goto out_sg;

	if (getenv("BENCH_PROFILE_CSVX")) {	/* callgrind: csvx alone */
		rcu_read_lock();
		bench_sink += run_csvx(cls, pk, NPKTS, 1);
		rcu_read_unlock();
		err = 0;
		goto out_sg;
	}
	acl[0] = acl_build(CSVX_SG_INGRESS, &acl_rules, &acl_bytes);
	acl[1] = acl_build(CSVX_SG_EGRESS, &acl_rules, &acl_bytes);
	if (!acl[0] || !acl[1])
		goto out_sg;

	/* one verdict per packet, whoever gives it */
	rcu_read_lock();
	for (i = 0; i < NPKTS; i++) {
		struct csvx_sg_rule *rule;
		bool c = csvx_sg_classify(cls, &pk[i], &rule);
		bool l = ipt_classify(&ipk[i], pk[i].dir);
		u32 res = 0;

		rte_acl_classify(acl[pk[i].dir], &aptr[i], &res, 1, 1);
		if (c != l || l != !!res) {
			fprintf(stderr, "sg: packet %u: csvx %d iptables %d rte_acl %u\n",
				i, c, l, res);
			rcu_read_unlock();
			goto out_sg;
		}
		admitted += c;
	}

	for (r = 0; r < bench_opt.rounds; r++) {
		double a;

		a = bench_cpu();
		bench_sink += run_csvx(cls, pk, NPKTS, reps);
		tc[r] = bench_cpu() - a;
		a = bench_cpu();
		bench_sink += run_ipt(ipk, pk, NPKTS);
		tl[r] = bench_cpu() - a;
		a = bench_cpu();
		bench_sink += run_acl(acl, aptr, NPKTS, ningress, ACL_BURST,
				      reps);
		ta[r] = bench_cpu() - a;
		a = bench_cpu();
		bench_sink += run_acl(acl, aptr, NPKTS, ningress, 1, reps / 4);
		t1[r] = bench_cpu() - a;
	}
	rcu_read_unlock();

	bench_line("sg-classify-1k-rules", bench_mops(NPKTS * reps, tc,
						      bench_opt.rounds),
		   "Mpkts/s", "iptables-linear",
		   bench_mops(NPKTS, tl, bench_opt.rounds));
	bench_line("sg-classify-1k-rules-acl",
		   bench_mops(NPKTS * reps, tc, bench_opt.rounds), "Mpkts/s",
		   "rte_acl", bench_mops(NPKTS * reps, ta, bench_opt.rounds));
	bench_mem_line("sg-memory-1k-rules", (double)cls->bytes / NRULES,
		       "rule", "rte_acl", (double)acl_bytes / NRULES,
		       "(compiled classifier; rte_acl's run-time tries)");
	{
		/* what a refused ingress tcp packet pays in csvx: a search of
		 * the tree's intervals, a range lookup per prefix on the
		 * chain, and, where a reference's ranges hold the key, a
		 * probe of the member index per length present there
		 */
		const struct csvx_sg_tree *tr = &cls->tree[CSVX_SG_INGRESS][0][0];
		int w, lens = 0;

		for (w = 0; w < CSVX_PLEN_WORDS; w++)
			lens += __builtin_popcountll(sg.idx.lens[0][w]);
		printf("# sg: csvx's ingress tcp tree: %u address intervals, %u set references, %u index lengths; the iptables chains: %u ingress, %u egress rules\n",
		       tr->nr_iv, tr->nr_refs, lens, chain_len[CSVX_SG_INGRESS],
		       chain_len[CSVX_SG_EGRESS]);
	}
	printf("# sg: %u rules (%u egress), %d sets (%zu KiB), %u of %u packets admitted; rte_acl %u rules after set expansion; per packet: csvx %.0f ns, iptables-linear %.0f ns, rte_acl %.0f ns (bursts of %d) %.0f ns (one per call); rules programmed and compiled in %.1f ms\n",
	       NRULES, chain_len[CSVX_SG_EGRESS], NSETS, set_bytes / 1024, admitted, NPKTS,
	       acl_rules,
	       bench_median(tc, bench_opt.rounds) * 1e9 / (NPKTS * reps),
	       bench_median(tl, bench_opt.rounds) * 1e9 / NPKTS,
	       bench_median(ta, bench_opt.rounds) * 1e9 / (NPKTS * reps),
	       ACL_BURST,
	       bench_median(t1, bench_opt.rounds) * 1e9 / (NPKTS * (reps / 4)),
	       (b1 - b0) * 1e3);
	fflush(stdout);
	err = 0;
	goto out_sg;
out_msg:
	fprintf(stderr, "sg: %s\n", msg);
out_sg:
	rte_acl_free(acl[0]);
	rte_acl_free(acl[1]);
	csvx_sgs_destroy(&sg);
	csvx_tables_destroy(&t);
	rcu_barrier();
out_free:
	free(pk);
	free(ain);
	free(aptr);
	free(ipk);
	free(chain[0]);
	free(chain[1]);
	return err;
}
