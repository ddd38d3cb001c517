// SPDX-License-Identifier: GPL-2.0
/*
 * Security groups: groups and their rules, the policies ports share, and
 * compiling them (the compiler itself is sgcls.c; ports are sgport.c,
 * sets sgset.c).
 *
 * What packets read: ports (by ifindex), a port's policy and the
 * policy's classifier, and the sets the classifier names.  Everything
 * else (rule lists, counts, the MAC index) is the writer's alone.
 */
#include "sg_priv.h"

/* -------------------------------------------------------------- groups */

struct csvx_sg *csvx_sg_lookup(struct csvx_sgs *sgs, const char *name)
{
	u32 hash = sg_name_hash(&sgs->groups, name);
	struct csvx_hprobe pr;
	struct csvx_hnode *n;
	struct csvx_sg *g;

	csvx_htab_for_each_possible(&sgs->groups, n, hash, &pr) {
		g = container_of(n, struct csvx_sg, node);
		if (!strcmp(g->name, name))
			return g;
	}
	return NULL;
}

static void group_free(struct csvx_sg *g)
{
	struct csvx_sg_rule *r, *next;

	for (r = g->rules; r; r = next) {
		next = r->next;
		kfree(r);
	}
	csvx_set_free(g->members[0]);
	csvx_set_free(g->members[1]);
	kfree(g);
}

int csvx_sg_add(struct csvx_sgs *sgs, const char *name, bool replace,
		const char **msg)
{
	struct csvx_sg *g;
	int err;

	err = sg_check_name(name, CSVX_SG_NAME_MAX, msg);
	if (err)
		return err;
	if (csvx_sg_lookup(sgs, name)) {
		if (replace)
			return 0;
		*msg = "group exists already";
		return -EEXIST;
	}
	if (sg_limit_reached(sgs, CSVX_PARAM_MAX_SGS)) {
		*msg = "too many groups (max-sgs)";
		return -ENOSPC;
	}
	g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (!g)
		goto nomem;
	g->tail = &g->rules;
	strscpy(g->name, name, sizeof(g->name));
	g->members[0] = csvx_set_alloc(name, CSVX_SET_HASH_IP, AF_INET,
				       U32_MAX, msg);
	g->members[1] = csvx_set_alloc(name, CSVX_SET_HASH_IP, AF_INET6,
				       U32_MAX, msg);
	if (!g->members[0] || !g->members[1]) {
		group_free(g);
		goto nomem;
	}
	csvx_set_index(g->members[0], &sgs->idx);
	csvx_set_index(g->members[1], &sgs->idx);
	csvx_htab_insert(&sgs->groups, &g->node, sg_name_hash(&sgs->groups, name));
	sgs->t->count[CSVX_PARAM_MAX_SGS]++;
	sgs->t->gen++;
	return 0;
nomem:
	*msg = "out of memory";
	return -ENOMEM;
}

static void rule_unref(struct csvx_sg_rule *r)
{
	if (r->remote == CSVX_SG_R_SET)
		r->set->refs--;
	else if (r->remote == CSVX_SG_R_GROUP)
		r->group->refs--;
}

int csvx_sg_del(struct csvx_sgs *sgs, const char *name, const char **msg)
{
	struct csvx_sg *g = csvx_sg_lookup(sgs, name);
	struct csvx_sg_rule *r;
	u32 own = 0;

	if (!g) {
		*msg = "no such group";
		return -ENOENT;
	}
	if (g->nr_ports) {
		*msg = "group has ports";
		return -EBUSY;
	}
	for (r = g->rules; r; r = r->next)
		own += r->remote == CSVX_SG_R_GROUP && r->group == g;
	if (g->refs != own) {
		*msg = "a rule of another group names this group";
		return -EBUSY;
	}
	if (csvx_sgs_commit(sgs)) {
		*msg = "out of memory";
		return -ENOMEM;
	}
	for (r = g->rules; r; r = r->next) {
		rule_unref(r);
		csvx_htab_remove(&sgs->rules, &r->node);
	}
	csvx_htab_remove(&sgs->groups, &g->node);
	sgs->t->count[CSVX_PARAM_MAX_RULES] -= g->nr_rules;
	sgs->t->count[CSVX_PARAM_MAX_SGS]--;
	sgs->t->gen++;
	/* No policy has it (no port is in it), but a classifier freed a
	 * moment ago may still be read, and name its member sets.  (With no
	 * port in it, its member sets are empty: nothing in the index.)
	 */
	csvx_set_unindex(g->members[0]);
	csvx_set_unindex(g->members[1]);
	synchronize_rcu();
	group_free(g);
	return 0;
}

/* A rule as the spec says, checked and normalised, into @r. */
static int rule_from_spec(struct csvx_sgs *sgs,
			  const struct csvx_sg_rule_spec *spec,
			  struct csvx_sg_rule *r, const char **msg)
{
	u8 family = 0;

	memset(r, 0, sizeof(*r));
	if (spec->dir > CSVX_SG_EGRESS) {
		*msg = "direction must be ingress or egress";
		return -EINVAL;
	}
	r->dir = spec->dir;
	switch (spec->proto) {
	case CSVX_PROTO_ANY:
	case CSVX_PROTO_TCP:
	case CSVX_PROTO_UDP:
	case CSVX_PROTO_ICMP:
	case CSVX_PROTO_ICMPV6:
		r->proto = spec->proto;
		break;
	default:
		*msg = "protocol must be tcp, udp, icmp, icmpv6 or any";
		return -EINVAL;
	}
	r->icmp_type = -1;
	r->icmp_code = -1;
	if (r->proto == CSVX_PROTO_TCP || r->proto == CSVX_PROTO_UDP) {
		r->dport_hi = U16_MAX;
		if (spec->has_dport) {
			if (spec->dport_lo > spec->dport_hi) {
				*msg = "destination port range is inverted";
				return -EINVAL;
			}
			r->has_dport = true;
			r->dport_lo = spec->dport_lo;
			r->dport_hi = spec->dport_hi;
		}
	} else if (spec->has_dport) {
		*msg = "a destination port needs tcp or udp";
		return -EINVAL;
	}
	if (spec->icmp_type >= 0 || spec->icmp_code >= 0) {
		if (r->proto != CSVX_PROTO_ICMP &&
		    r->proto != CSVX_PROTO_ICMPV6) {
			*msg = "an ICMP type and code need icmp or icmpv6";
			return -EINVAL;
		}
		if (spec->icmp_type < 0) {
			*msg = "an ICMP code needs an ICMP type";
			return -EINVAL;
		}
		if (spec->icmp_type > 255 || spec->icmp_code > 255) {
			*msg = "ICMP type and code are 0..255";
			return -EINVAL;
		}
		r->icmp_type = spec->icmp_type;
		r->icmp_code = spec->icmp_code;
	}

	r->remote = spec->remote;
	switch (spec->remote) {
	case CSVX_SG_R_CIDR:
		if (spec->prefix.family != AF_INET &&
		    spec->prefix.family != AF_INET6) {
			*msg = "prefix must be IPv4 or IPv6";
			return -EINVAL;
		}
		if (spec->plen > csvx_family_bits(spec->prefix.family)) {
			*msg = "prefix length too long for the family";
			return -EINVAL;
		}
		if (!csvx_addr_is_prefix(&spec->prefix, spec->plen)) {
			*msg = "prefix has host bits set";
			return -EINVAL;
		}
		r->prefix = spec->prefix;
		if (r->prefix.family == AF_INET)
			memset(&r->prefix.w[1], 0, 3 * sizeof(u32));
		r->plen = spec->plen;
		family = spec->prefix.family;
		break;
	case CSVX_SG_R_SET:
		r->set = spec->set ? csvx_sgset_lookup(sgs, spec->set) : NULL;
		if (!r->set) {
			*msg = "no such set";
			return -ENOENT;
		}
		family = r->set->family;
		break;
	case CSVX_SG_R_GROUP:
		r->group = spec->group ? csvx_sg_lookup(sgs, spec->group) :
					 NULL;
		if (!r->group) {
			*msg = "no such group (remote)";
			return -ENOENT;
		}
		break;
	default:
		*msg = "a rule needs one remote: a prefix, a set or a group";
		return -EINVAL;
	}
	if ((r->proto == CSVX_PROTO_ICMP && family == AF_INET6) ||
	    (r->proto == CSVX_PROTO_ICMPV6 && family == AF_INET)) {
		*msg = "icmp takes IPv4 remotes, icmpv6 IPv6 ones";
		return -EINVAL;
	}
	return 0;
}

static bool rule_equal(const struct csvx_sg_rule *a,
		       const struct csvx_sg_rule *b)
{
	if (a->dir != b->dir || a->proto != b->proto ||
	    a->has_dport != b->has_dport || a->dport_lo != b->dport_lo ||
	    a->dport_hi != b->dport_hi || a->icmp_type != b->icmp_type ||
	    a->icmp_code != b->icmp_code || a->remote != b->remote)
		return false;
	switch (a->remote) {
	case CSVX_SG_R_CIDR:
		return a->plen == b->plen &&
		       csvx_addr_equal(&a->prefix, &b->prefix);
	case CSVX_SG_R_SET:
		return a->set == b->set;
	}
	return a->group == b->group;
}

/* The rule index's hash: the group and what the rule says. */
static u32 rule_hash(const struct csvx_sgs *sgs, const struct csvx_sg *g,
		     const struct csvx_sg_rule *r)
{
	struct {
		const void *g, *remote;
		u32 addr[4];
		u16 lo, hi;
		s16 type, code;
		u8 dir, proto, kind, plen, has_dport, family, pad[2];
	} k;

	memset(&k, 0, sizeof(k));
	k.g = g;
	k.remote = r->remote == CSVX_SG_R_SET ? (const void *)r->set :
		   r->remote == CSVX_SG_R_GROUP ? (const void *)r->group : NULL;
	if (r->remote == CSVX_SG_R_CIDR) {
		memcpy(k.addr, r->prefix.w, sizeof(k.addr));
		k.family = r->prefix.family;
		k.plen = r->plen;
	}
	k.lo = r->dport_lo;
	k.hi = r->dport_hi;
	k.type = r->icmp_type;
	k.code = r->icmp_code;
	k.dir = r->dir;
	k.proto = r->proto;
	k.kind = r->remote;
	k.has_dport = r->has_dport;
	return csvx_htab_hash(&sgs->rules, &k, sizeof(k));
}

/* The rule of @g equal to @x, or NULL: one probe, whatever @g holds. */
static struct csvx_sg_rule *rule_lookup(struct csvx_sgs *sgs,
					const struct csvx_sg *g,
					const struct csvx_sg_rule *x)
{
	u32 hash = rule_hash(sgs, g, x);
	struct csvx_sg_rule *r;
	struct csvx_hprobe pr;
	struct csvx_hnode *n;

	csvx_htab_for_each_possible(&sgs->rules, n, hash, &pr) {
		r = container_of(n, struct csvx_sg_rule, node);
		if (r->owner == g && rule_equal(r, x))
			return r;
	}
	return NULL;
}

/* Group list linkage: append, unlink, and put back where it was. */
static void rule_link(struct csvx_sg *g, struct csvx_sg_rule *r)
{
	r->next = NULL;
	r->pprev = g->tail;
	*g->tail = r;
	g->tail = &r->next;
}

static void rule_unlink(struct csvx_sg *g, struct csvx_sg_rule *r)
{
	*r->pprev = r->next;
	if (r->next)
		r->next->pprev = r->pprev;
	else
		g->tail = r->pprev;
}

/* Undo rule_unlink() (nothing else changed the list since). */
static void rule_relink(struct csvx_sg *g, struct csvx_sg_rule *r)
{
	*r->pprev = r;
	if (r->next)
		r->next->pprev = &r->next;
	else
		g->tail = &r->next;
}

struct csvx_sg_rule *csvx_sg_rule_find(struct csvx_sgs *sgs,
				       const char *group,
				       const struct csvx_sg_rule_spec *spec,
				       const char **msg)
{
	struct csvx_sg *g = csvx_sg_lookup(sgs, group);
	struct csvx_sg_rule x, *r;

	if (!g) {
		*msg = "no such group";
		return NULL;
	}
	if (rule_from_spec(sgs, spec, &x, msg))
		return NULL;
	r = rule_lookup(sgs, g, &x);
	if (!r)
		*msg = "no such rule";
	return r;
}

static bool policy_has(const struct csvx_sg_policy *pol,
		       const struct csvx_sg *g)
{
	int i;

	for (i = 0; i < pol->nr; i++)
		if (pol->sgs[i] == g)
			return true;
	return false;
}

/* Policies with group @g need compiling again (before a commit). */
static void mark_dirty(struct csvx_sgs *sgs, const struct csvx_sg *g)
{
	struct csvx_sg_policy *pol;

	for (pol = sgs->policies; pol; pol = pol->next) {
		if (policy_has(pol, g)) {
			pol->dirty = true;
			sgs->dirty = true;
		}
	}
}

/*
 * Compile every policy that is dirty or has group @g (NULL: none) into
 * ->pending.  All or nothing: on failure no pending classifier is left.
 */
static int compile_with(struct csvx_sgs *sgs, const struct csvx_sg *g)
{
	struct csvx_sg_policy *pol;

	for (pol = sgs->policies; pol; pol = pol->next) {
		if (!pol->dirty && !policy_has(pol, g))
			continue;
		pol->pending = csvx_sg_compile(sgs, pol);
		if (!pol->pending)
			goto fail;
	}
	return 0;
fail:
	for (pol = sgs->policies; pol; pol = pol->next) {
		csvx_sg_cls_free(pol->pending);
		pol->pending = NULL;
	}
	return -ENOMEM;
}

static void rule_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct csvx_sg_rule, rcu));
}

/*
 * Publish what compile_with() built; the ports learn the new generation.
 * Rules removed meanwhile are freed once no classifier can name them.
 */
static void publish(struct csvx_sgs *sgs)
{
	struct csvx_sg_rule *r, *next;
	struct csvx_sg_policy *pol;
	struct csvx_sg_cls *old;
	struct csvx_htab_iter it;
	struct csvx_htab_pos pos = {};
	struct csvx_port *port;

	for (pol = sgs->policies; pol; pol = pol->next) {
		if (!pol->pending)
			continue;
		old = rcu_dereference_protected(pol->cls, true);
		rcu_assign_pointer(pol->cls, pol->pending);
		pol->pending = NULL;
		pol->dirty = false;
		csvx_sg_cls_free_rcu(old);
	}
	sgs->dirty = false;
	for (r = sgs->dead_rules; r; r = next) {
		next = r->dead_next;
		call_rcu(&r->rcu, rule_free_rcu);
	}
	sgs->dead_rules = NULL;
	for (csvx_htab_iter_start(&sgs->ports, &pos, &it); it.node;
	     csvx_htab_iter_next(&it)) {
		port = container_of(it.node, struct csvx_port, node);
		if (port->policy)
			WRITE_ONCE(port->gen,
				   rcu_dereference_protected(port->policy->cls,
							     true)->gen);
	}
}

int csvx_sgs_commit(struct csvx_sgs *sgs)
{
	int err;

	if (!sgs->dirty && !sgs->dead_rules)
		return 0;
	err = compile_with(sgs, NULL);
	if (!err)
		publish(sgs);
	return err;
}

int csvx_sg_rule_add(struct csvx_sgs *sgs, const char *group,
		     const struct csvx_sg_rule_spec *spec, bool exist_ok,
		     bool commit, const char **msg)
{
	struct csvx_sg *g = csvx_sg_lookup(sgs, group);
	struct csvx_sg_rule x, *r;
	int err;

	if (!g) {
		*msg = "no such group";
		return -ENOENT;
	}
	err = rule_from_spec(sgs, spec, &x, msg);
	if (err)
		return err;
	if (rule_lookup(sgs, g, &x)) {
		if (exist_ok)
			return 1;
		*msg = "rule exists already";
		return -EEXIST;
	}
	if (sg_limit_reached(sgs, CSVX_PARAM_MAX_RULES)) {
		*msg = "too many rules (max-rules)";
		return -ENOSPC;
	}
	r = kmalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		goto nomem;
	*r = x;
	atomic_long_set(&r->packets, 0);
	r->owner = g;
	r->id = ++sgs->next_rule_id;
	rule_link(g, r);
	g->nr_rules++;
	if (commit) {
		err = compile_with(sgs, g);
		if (err) {
			rule_unlink(g, r);
			g->nr_rules--;
			kfree(r);
			goto nomem;
		}
		publish(sgs);
	} else {
		mark_dirty(sgs, g);
	}
	csvx_htab_insert(&sgs->rules, &r->node, rule_hash(sgs, g, r));
	if (r->remote == CSVX_SG_R_SET)
		r->set->refs++;
	else if (r->remote == CSVX_SG_R_GROUP)
		r->group->refs++;
	g->nr_egress += r->dir == CSVX_SG_EGRESS;
	sgs->t->count[CSVX_PARAM_MAX_RULES]++;
	sgs->t->gen++;
	return 0;
nomem:
	*msg = "out of memory";
	return -ENOMEM;
}

int csvx_sg_rule_del(struct csvx_sgs *sgs, const char *group,
		     const struct csvx_sg_rule_spec *spec, bool commit,
		     const char **msg)
{
	struct csvx_sg *g = csvx_sg_lookup(sgs, group);
	struct csvx_sg_rule x, *r;
	int err;

	if (!g) {
		*msg = "no such group";
		return -ENOENT;
	}
	err = rule_from_spec(sgs, spec, &x, msg);
	if (err)
		return err;
	r = rule_lookup(sgs, g, &x);
	if (!r) {
		*msg = "no such rule";
		return -ENOENT;
	}
	rule_unlink(g, r);
	g->nr_rules--;
	/* The classifiers in use name it until they are replaced. */
	r->dead_next = sgs->dead_rules;
	sgs->dead_rules = r;
	if (commit) {
		err = compile_with(sgs, g);
		if (err) {
			sgs->dead_rules = r->dead_next;
			rule_relink(g, r);
			g->nr_rules++;
			*msg = "out of memory";
			return err;
		}
		publish(sgs);
	} else {
		mark_dirty(sgs, g);
	}
	csvx_htab_remove(&sgs->rules, &r->node);
	rule_unref(r);
	g->nr_egress -= r->dir == CSVX_SG_EGRESS;
	sgs->t->count[CSVX_PARAM_MAX_RULES]--;
	sgs->t->gen++;
	return 0;
}

int csvx_sg_walk(struct csvx_sgs *sgs, struct csvx_cursor *c,
		 int (*fn)(const struct csvx_sg *, void *), void *arg)
{
	struct csvx_htab_iter it;
	struct csvx_htab_pos pos;
	int ret;

	sg_pos_get(c, 0, &pos);
	for (csvx_htab_iter_start(&sgs->groups, &pos, &it); it.node;
	     csvx_htab_iter_next(&it)) {
		ret = fn(container_of(it.node, struct csvx_sg, node), arg);
		if (ret) {
			sg_pos_put(c, 0, &it.pos);
			return ret;
		}
	}
	return 0;
}

static int group_rule_walk(const struct csvx_sg *g, struct csvx_cursor *c,
			   int (*fn)(const struct csvx_sg_rule *, void *),
			   void *arg)
{
	const struct csvx_sg_rule *r;
	int ret;

	for (r = g->rules; r; r = r->next) {
		if (r->id < c->pos[2])
			continue;
		ret = fn(r, arg);
		if (ret) {
			c->pos[2] = r->id;
			return ret;
		}
	}
	c->pos[2] = 0;
	return 0;
}

int csvx_sg_rule_walk(struct csvx_sgs *sgs, const struct csvx_sg *group,
		      struct csvx_cursor *c,
		      int (*fn)(const struct csvx_sg_rule *, void *),
		      void *arg)
{
	struct csvx_htab_iter it;
	struct csvx_htab_pos pos;
	int ret;

	if (group)
		return group_rule_walk(group, c, fn, arg);
	sg_pos_get(c, 0, &pos);
	for (csvx_htab_iter_start(&sgs->groups, &pos, &it); it.node;
	     csvx_htab_iter_next(&it)) {
		ret = group_rule_walk(container_of(it.node, struct csvx_sg,
						   node), c, fn, arg);
		if (ret) {
			sg_pos_put(c, 0, &it.pos);
			return ret;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ policies */

struct csvx_sg_policy *csvx_sg_policy_find(struct csvx_sgs *sgs,
					   struct csvx_sg *const *g, u8 nr)
{
	struct csvx_sg_policy *pol;

	for (pol = sgs->policies; pol; pol = pol->next)
		if (pol->nr == nr && !memcmp(pol->sgs, g, nr * sizeof(*g)))
			return pol;
	return NULL;
}

struct csvx_sg_policy *csvx_sg_policy_new(struct csvx_sgs *sgs,
					  struct csvx_sg *const *g, u8 nr)
{
	struct csvx_sg_policy *pol = kzalloc(sizeof(*pol), GFP_KERNEL_ACCOUNT);

	if (!pol)
		return NULL;
	pol->nr = nr;
	memcpy(pol->sgs, g, nr * sizeof(*g));
	RCU_INIT_POINTER(pol->cls, csvx_sg_compile(sgs, pol));
	if (!rcu_access_pointer(pol->cls)) {
		kfree(pol);
		return NULL;
	}
	return pol;
}

void csvx_sg_policy_link(struct csvx_sgs *sgs, struct csvx_sg_policy *pol)
{
	pol->next = sgs->policies;
	sgs->policies = pol;
}

void csvx_sg_policy_free(struct csvx_sg_policy *pol)
{
	csvx_sg_cls_free(rcu_dereference_protected(pol->cls, true));
	kfree(pol);
}

static void policy_free_rcu(struct rcu_head *head)
{
	csvx_sg_policy_free(container_of(head, struct csvx_sg_policy, rcu));
}

void csvx_sg_policy_put(struct csvx_sgs *sgs, struct csvx_sg_policy *pol)
{
	struct csvx_sg_policy **pp;

	if (!pol || --pol->refs)
		return;
	for (pp = &sgs->policies; *pp; pp = &(*pp)->next) {
		if (*pp == pol) {
			*pp = pol->next;
			break;
		}
	}
	call_rcu(&pol->rcu, policy_free_rcu);
}

/* ------------------------------------------------------------ lifetime */

void csvx_sgs_init(struct csvx_sgs *sgs, struct csvx_tables *t)
{
	static const u32 dflt[][2] = {
		{ CSVX_PARAM_MAX_SETS, CSVX_DEFAULT_MAX_SETS },
		{ CSVX_PARAM_MAX_SET_MEMBERS, CSVX_DEFAULT_MAX_SET_MEMBERS },
		{ CSVX_PARAM_MAX_SGS, CSVX_DEFAULT_MAX_SGS },
		{ CSVX_PARAM_MAX_RULES, CSVX_DEFAULT_MAX_RULES },
		{ CSVX_PARAM_MAX_PORTS, CSVX_DEFAULT_MAX_PORTS },
		{ CSVX_PARAM_CT_TCP_SYN, CSVX_DEFAULT_CT_TCP_SYN },
		{ CSVX_PARAM_CT_TCP_EST, CSVX_DEFAULT_CT_TCP_EST },
		{ CSVX_PARAM_CT_TCP_FIN, CSVX_DEFAULT_CT_TCP_FIN },
		{ CSVX_PARAM_CT_TCP_CLOSE, CSVX_DEFAULT_CT_TCP_CLOSE },
		{ CSVX_PARAM_CT_UDP, CSVX_DEFAULT_CT_UDP },
		{ CSVX_PARAM_CT_UDP_REPLIED, CSVX_DEFAULT_CT_UDP_REPLIED },
		{ CSVX_PARAM_CT_ICMP, CSVX_DEFAULT_CT_ICMP },
	};
	size_t i;

	memset(sgs, 0, sizeof(*sgs));
	sgs->t = t;
	csvx_htab_init(&sgs->sets);
	csvx_htab_init(&sgs->groups);
	csvx_htab_init(&sgs->rules);
	csvx_htab_init(&sgs->ports);
	csvx_htab_init(&sgs->port_macs);
	csvx_sgidx_init(&sgs->idx);
	for (i = 0; i < ARRAY_SIZE(dflt); i++)
		t->limit[dflt[i][0]] = dflt[i][1];
}

void csvx_sgs_destroy(struct csvx_sgs *sgs)
{
	struct csvx_sg_policy *pol, *pnext;
	struct csvx_sg_rule *r, *rnext;
	struct csvx_hnode *n, *next;

	for (r = sgs->dead_rules; r; r = rnext) {
		rnext = r->dead_next;
		kfree(r);
	}
	sgs->dead_rules = NULL;
	csvx_sg_ports_destroy(sgs);
	for (pol = sgs->policies; pol; pol = pnext) {
		pnext = pol->next;
		csvx_sg_policy_free(pol);
	}
	for (n = sg_first_w(&sgs->groups); n; n = next) {
		next = sg_next_w(n);
		group_free(container_of(n, struct csvx_sg, node));
	}
	for (n = sg_first_w(&sgs->sets); n; n = next) {
		next = sg_next_w(n);
		csvx_set_free(container_of(n, struct csvx_set, node));
	}
	csvx_htab_destroy(&sgs->ports);
	csvx_htab_destroy(&sgs->port_macs);
	csvx_htab_destroy(&sgs->groups);
	csvx_htab_destroy(&sgs->rules);
	csvx_htab_destroy(&sgs->sets);
	csvx_sgidx_destroy(&sgs->idx);
	sgs->policies = NULL;
}

size_t csvx_sgs_memory(struct csvx_sgs *sgs)
{
	struct csvx_sg_policy *pol;
	struct csvx_hnode *n;
	size_t bytes = csvx_htab_memory(&sgs->sets) +
		       csvx_htab_memory(&sgs->groups) +
		       csvx_htab_memory(&sgs->ports) +
		       csvx_htab_memory(&sgs->port_macs) +
		       csvx_sgidx_memory(&sgs->idx);

	for (n = sg_first_w(&sgs->sets); n; n = sg_next_w(n))
		bytes += csvx_set_memory(container_of(n, struct csvx_set, node));
	for (n = sg_first_w(&sgs->groups); n; n = sg_next_w(n)) {
		struct csvx_sg *g = container_of(n, struct csvx_sg, node);

		bytes += sizeof(*g) + csvx_set_memory(g->members[0]) +
			 csvx_set_memory(g->members[1]) +
			 g->nr_rules * sizeof(struct csvx_sg_rule);
	}
	for (pol = sgs->policies; pol; pol = pol->next)
		bytes += sizeof(*pol) +
			 rcu_dereference_protected(pol->cls, true)->bytes;
	bytes += sgs->t->count[CSVX_PARAM_MAX_PORTS] *
		 sizeof(struct csvx_port);
	return bytes;
}
