// SPDX-License-Identifier: GPL-2.0
/*
 * Security groups and their rules.
 */
#include "ctl/genl.h"
#include "dp/sg_hook.h"

static struct csvx_sgs *csvx_sgs_of(struct csvx_tables *t)
{
	return &container_of(t, struct csvx_net, tables)->sg;
}

/* A required name attribute, not empty. */
static int csvx_sg_name(struct genl_info *info, int type, const char **name)
{
	int err = csvx_require(info, type, type == CSVX_A_SG ?
			       "SG is required" : "a name is required");

	return err ?: csvx_get_name(info, type, name);
}

static int csvx_sg_fill(struct sk_buff *skb, const void *obj)
{
	const struct csvx_sg *g = obj;

	if (nla_put_string(skb, CSVX_A_SG, g->name) ||
	    nla_put_u32(skb, CSVX_A_COUNT, g->nr_rules) ||
	    nla_put_u32(skb, CSVX_A_REFS, g->refs) ||
	    nla_put_u32(skb, CSVX_A_NR_PORTS, g->nr_ports))
		return -EMSGSIZE;
	return 0;
}

static int csvx_rule_fill(struct sk_buff *skb, const void *obj)
{
	const struct csvx_sg_rule *r = obj;

	if (nla_put_string(skb, CSVX_A_SG, r->owner->name) ||
	    nla_put_u8(skb, CSVX_A_DIR, r->dir) ||
	    nla_put_u8(skb, CSVX_A_PROTO, r->proto) ||
	    nla_put_u64_64bit(skb, CSVX_A_PACKETS,
			      atomic_long_read(&r->packets), CSVX_A_PAD))
		return -EMSGSIZE;
	if (r->has_dport &&
	    (nla_put_u16(skb, CSVX_A_DPORT_LO, r->dport_lo) ||
	     nla_put_u16(skb, CSVX_A_DPORT_HI, r->dport_hi)))
		return -EMSGSIZE;
	if (r->icmp_type >= 0 &&
	    nla_put_u8(skb, CSVX_A_ICMP_TYPE, r->icmp_type))
		return -EMSGSIZE;
	if (r->icmp_code >= 0 &&
	    nla_put_u8(skb, CSVX_A_ICMP_CODE, r->icmp_code))
		return -EMSGSIZE;
	switch (r->remote) {
	case CSVX_SG_R_CIDR:
		if (csvx_nla_put_addr(skb, CSVX_A_PREFIX, &r->prefix) ||
		    nla_put_u8(skb, CSVX_A_PLEN, r->plen))
			return -EMSGSIZE;
		break;
	case CSVX_SG_R_SET:
		if (nla_put_string(skb, CSVX_A_SET, r->set->name))
			return -EMSGSIZE;
		break;
	case CSVX_SG_R_GROUP:
		if (nla_put_string(skb, CSVX_A_REMOTE_SG, r->group->name))
			return -EMSGSIZE;
		break;
	}
	return 0;
}

int csvx_sg_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	const char *name, *msg = NULL;
	struct sk_buff *ntf;
	int err;

	err = csvx_sg_name(info, CSVX_A_SG, &name);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	err = csvx_sg_add(&cn->sg, name, csvx_info_replace(info), &msg);
	if (err) {
		csvx_set_err(info->extack, err == -EEXIST ?
			     info->attrs[CSVX_A_SG] : NULL, msg);
		goto out;
	}
	ntf = csvx_notify_prepare(genl_info_net(info), CSVX_CMD_NEW_SG,
				  csvx_sg_fill, csvx_sg_lookup(&cn->sg, name));
	csvx_notify_send(genl_info_net(info), ntf);
out:
	mutex_unlock(&cn->lock);
	return err;
}

int csvx_sg_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	const char *name, *msg = NULL;
	struct sk_buff *ntf = NULL;
	struct csvx_sg *g;
	int err;

	err = csvx_sg_name(info, CSVX_A_SG, &name);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	g = csvx_sg_lookup(&cn->sg, name);
	if (g)
		ntf = csvx_notify_prepare(genl_info_net(info), CSVX_CMD_DEL_SG,
					  csvx_sg_fill, g);
	err = csvx_sg_del(&cn->sg, name, &msg);
	if (err) {
		csvx_set_err(info->extack, info->attrs[CSVX_A_SG], msg);
		nlmsg_free(ntf);
	} else {
		csvx_notify_send(genl_info_net(info), ntf);
	}
	mutex_unlock(&cn->lock);
	return err;
}

int csvx_sg_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	const char *name;
	struct csvx_sg *g;
	int err;

	err = csvx_sg_name(info, CSVX_A_SG, &name);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	g = csvx_sg_lookup(&cn->sg, name);
	if (g) {
		err = csvx_reply(info, CSVX_CMD_GET_SG, csvx_sg_fill, g);
	} else {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_SG],
				    "no such group");
		err = -ENOENT;
	}
	mutex_unlock(&cn->lock);
	return err;
}

static int csvx_sg_dump_fn(const struct csvx_sg *g, void *arg)
{
	return csvx_dump_one(arg, g);
}

static int csvx_sg_dump_walk(struct csvx_tables *t, struct csvx_cursor *c,
			     struct csvx_dump *d)
{
	return csvx_sg_walk(csvx_sgs_of(t), c, csvx_sg_dump_fn, d);
}

/* Every group; an SG attribute is ignored, as GET_VRF's dump does. */
int csvx_sg_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct csvx_dump d = {
		.skb = skb, .cb = cb, .cmd = CSVX_CMD_GET_SG,
		.fill = csvx_sg_fill,
	};

	return csvx_dump_run(&d, csvx_sg_dump_walk);
}

static bool csvx_proto_ok(u8 proto)
{
	return proto == CSVX_PROTO_ANY || proto == CSVX_PROTO_TCP ||
	       proto == CSVX_PROTO_UDP || proto == CSVX_PROTO_ICMP ||
	       proto == CSVX_PROTO_ICMPV6;
}

/* A rule request: the group's name and the rule.  Types are checked by
 * the policy, meaning here; what needs the tables (do the set and the
 * remote group exist) by the caller.
 */
static int csvx_rule_parse(struct genl_info *info, const char **group,
			   struct csvx_sg_rule_spec *spec)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **attrs = info->attrs;
	bool ports, icmp;
	int err, nr = 0;

	memset(spec, 0, sizeof(*spec));
	spec->icmp_type = -1;
	spec->icmp_code = -1;
	err = csvx_sg_name(info, CSVX_A_SG, group);
	if (err)
		return err;
	err = csvx_require(info, CSVX_A_DIR, "DIR is required");
	if (err)
		return err;
	spec->dir = nla_get_u8(attrs[CSVX_A_DIR]);
	if (attrs[CSVX_A_PROTO]) {
		spec->proto = nla_get_u8(attrs[CSVX_A_PROTO]);
		if (!csvx_proto_ok(spec->proto)) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[CSVX_A_PROTO],
					    "protocol must be tcp, udp, icmp, icmpv6 or 0 (any)");
			return -EINVAL;
		}
	}
	ports = spec->proto == CSVX_PROTO_TCP || spec->proto == CSVX_PROTO_UDP;
	icmp = spec->proto == CSVX_PROTO_ICMP ||
	       spec->proto == CSVX_PROTO_ICMPV6;

	if (attrs[CSVX_A_DPORT_HI] && !attrs[CSVX_A_DPORT_LO]) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[CSVX_A_DPORT_HI],
				    "a port range needs DPORT_LO");
		return -EINVAL;
	}
	if (attrs[CSVX_A_DPORT_LO]) {
		if (!ports) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[CSVX_A_DPORT_LO],
					    "a destination port needs tcp or udp");
			return -EINVAL;
		}
		spec->has_dport = true;
		spec->dport_lo = nla_get_u16(attrs[CSVX_A_DPORT_LO]);
		spec->dport_hi = attrs[CSVX_A_DPORT_HI] ?
				 nla_get_u16(attrs[CSVX_A_DPORT_HI]) :
				 spec->dport_lo;
		if (spec->dport_hi < spec->dport_lo) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[CSVX_A_DPORT_HI],
					    "DPORT_HI is below DPORT_LO");
			return -EINVAL;
		}
	}
	if (attrs[CSVX_A_ICMP_CODE] && !attrs[CSVX_A_ICMP_TYPE]) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[CSVX_A_ICMP_CODE],
				    "an ICMP code needs an ICMP type");
		return -EINVAL;
	}
	if (attrs[CSVX_A_ICMP_TYPE]) {
		if (!icmp) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[CSVX_A_ICMP_TYPE],
					    "an ICMP type needs icmp or icmpv6");
			return -EINVAL;
		}
		spec->icmp_type = nla_get_u8(attrs[CSVX_A_ICMP_TYPE]);
		if (attrs[CSVX_A_ICMP_CODE])
			spec->icmp_code = nla_get_u8(attrs[CSVX_A_ICMP_CODE]);
	}

	if (attrs[CSVX_A_PLEN] && !attrs[CSVX_A_PREFIX]) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[CSVX_A_PLEN],
				    "a prefix length needs PREFIX");
		return -EINVAL;
	}
	nr = !!attrs[CSVX_A_PREFIX] + !!attrs[CSVX_A_SET] +
	     !!attrs[CSVX_A_REMOTE_SG];
	if (nr != 1) {
		NL_SET_ERR_MSG_ATTR(extack, nr ? (attrs[CSVX_A_REMOTE_SG] ?:
						  attrs[CSVX_A_SET]) : NULL,
				    "a rule needs exactly one remote: PREFIX, SET or REMOTE_SG");
		return -EINVAL;
	}
	if (attrs[CSVX_A_PREFIX]) {
		spec->remote = CSVX_SG_R_CIDR;
		csvx_nla_get_addr(attrs[CSVX_A_PREFIX], &spec->prefix);
		spec->plen = attrs[CSVX_A_PLEN] ?
			     nla_get_u8(attrs[CSVX_A_PLEN]) :
			     csvx_family_bits(spec->prefix.family);
		if (spec->plen > csvx_family_bits(spec->prefix.family)) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[CSVX_A_PLEN],
					    "prefix length too long for the family");
			return -EINVAL;
		}
		if (!csvx_addr_is_prefix(&spec->prefix, spec->plen)) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[CSVX_A_PREFIX],
					    "prefix has host bits set");
			return -EINVAL;
		}
		if ((spec->proto == CSVX_PROTO_ICMP &&
		     spec->prefix.family == AF_INET6) ||
		    (spec->proto == CSVX_PROTO_ICMPV6 &&
		     spec->prefix.family == AF_INET)) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[CSVX_A_PREFIX],
					    "icmp takes IPv4 remotes, icmpv6 IPv6 ones");
			return -EINVAL;
		}
	} else if (attrs[CSVX_A_SET]) {
		spec->remote = CSVX_SG_R_SET;
		err = csvx_get_name(info, CSVX_A_SET, &spec->set);
	} else {
		spec->remote = CSVX_SG_R_GROUP;
		err = csvx_get_name(info, CSVX_A_REMOTE_SG, &spec->group);
	}
	return err;
}

/*
 * The last request of its sendmsg() buffer?  netlink_rcv_skb() hands each
 * handler the buffer pulled up to the request.  Rule changes of the
 * others are only marked and compiled once, with the last one (or, if a
 * request of another kind ends the buffer, by csvx_sg_commit_later()): a
 * batch of 10000 rules costs one compilation, not 10000.
 */
static bool csvx_batch_last(const struct sk_buff *skb,
			    const struct genl_info *info)
{
	return (const void *)info->nlhdr != (const void *)skb->data ||
	       NLMSG_ALIGN(info->nlhdr->nlmsg_len) >= skb->len;
}

/* Under the lock: what the rule names exists (else ENOENT, pointed at). */
static int csvx_rule_refs(struct csvx_net *cn, struct genl_info *info,
			  const char *group,
			  const struct csvx_sg_rule_spec *spec)
{
	struct csvx_set *set;

	if (!csvx_sg_lookup(&cn->sg, group)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_SG],
				    "no such group");
		return -ENOENT;
	}
	if (spec->remote == CSVX_SG_R_SET) {
		set = csvx_sgset_lookup(&cn->sg, spec->set);
		if (!set) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[CSVX_A_SET],
					    "no such set");
			return -ENOENT;
		}
		if ((spec->proto == CSVX_PROTO_ICMP &&
		     set->family == AF_INET6) ||
		    (spec->proto == CSVX_PROTO_ICMPV6 &&
		     set->family == AF_INET)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[CSVX_A_SET],
					    "icmp takes IPv4 remotes, icmpv6 IPv6 ones");
			return -EINVAL;
		}
	}
	if (spec->remote == CSVX_SG_R_GROUP &&
	    !csvx_sg_lookup(&cn->sg, spec->group)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_REMOTE_SG],
				    "no such group");
		return -ENOENT;
	}
	return 0;
}

int csvx_sg_rule_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct csvx_sg_rule_spec spec;
	const char *group, *msg = NULL;
	struct sk_buff *ntf;
	bool last;
	int err;

	err = csvx_rule_parse(info, &group, &spec);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	err = csvx_rule_refs(cn, info, group, &spec);
	if (err)
		goto out;
	last = csvx_batch_last(skb, info);
	err = csvx_sg_rule_add(&cn->sg, group, &spec, csvx_info_replace(info),
			       last, &msg);
	if (err < 0) {
		csvx_set_err(info->extack, NULL, msg);
		goto out;
	}
	if (!last)
		csvx_sg_commit_later(cn);
	if (!err) {	/* 1: with NLM_F_REPLACE it was there already */
		ntf = csvx_notify_prepare(genl_info_net(info),
					  CSVX_CMD_NEW_SG_RULE, csvx_rule_fill,
					  csvx_sg_rule_find(&cn->sg, group,
							    &spec, &msg));
		csvx_notify_send(genl_info_net(info), ntf);
	}
	err = 0;
out:
	mutex_unlock(&cn->lock);
	return err;
}

int csvx_sg_rule_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct csvx_sg_rule_spec spec;
	const char *group, *msg = NULL;
	struct sk_buff *ntf = NULL;
	struct csvx_sg_rule *r;
	bool last;
	int err;

	err = csvx_rule_parse(info, &group, &spec);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	err = csvx_rule_refs(cn, info, group, &spec);
	if (err)
		goto out;
	r = csvx_sg_rule_find(&cn->sg, group, &spec, &msg);
	if (r)
		ntf = csvx_notify_prepare(genl_info_net(info),
					  CSVX_CMD_DEL_SG_RULE, csvx_rule_fill,
					  r);
	last = csvx_batch_last(skb, info);
	err = csvx_sg_rule_del(&cn->sg, group, &spec, last, &msg);
	if (err) {
		csvx_set_err(info->extack, NULL, msg);
		nlmsg_free(ntf);
	} else {
		csvx_notify_send(genl_info_net(info), ntf);
		if (!last)
			csvx_sg_commit_later(cn);
	}
out:
	mutex_unlock(&cn->lock);
	return err;
}

struct csvx_rule_dump {
	struct csvx_dump d;
	const char *sg;			/* filter, NULL = all */
};

static int csvx_rule_dump_fn(const struct csvx_sg_rule *r, void *arg)
{
	return csvx_dump_one(arg, r);
}

static int csvx_rule_dump_walk(struct csvx_tables *t, struct csvx_cursor *c,
			       struct csvx_dump *d)
{
	struct csvx_rule_dump *rd = container_of(d, struct csvx_rule_dump, d);
	struct csvx_sgs *sgs = csvx_sgs_of(t);
	const struct csvx_sg *g = NULL;

	if (rd->sg) {
		g = csvx_sg_lookup(sgs, rd->sg);
		if (!g)		/* deleted since the dump began */
			return 0;
	}
	return csvx_sg_rule_walk(sgs, g, c, csvx_rule_dump_fn, d);
}

int csvx_sg_rule_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = csvx_dump_attrs(cb);
	struct csvx_net *cn = csvx_cb_net(cb);
	struct csvx_rule_dump rd = {
		.d = {
			.skb = skb, .cb = cb, .cmd = CSVX_CMD_GET_SG_RULE,
			.fill = csvx_rule_fill,
		},
	};
	bool found;

	if (attrs && attrs[CSVX_A_SG]) {
		rd.sg = nla_data(attrs[CSVX_A_SG]);
		if (!*rd.sg) {
			NL_SET_ERR_MSG_ATTR(cb->extack, attrs[CSVX_A_SG],
					    "name must not be empty");
			return -EINVAL;
		}
		if (!cb->args[0] && !cb->args[1] && !cb->args[2] &&
		    !cb->args[3]) {
			mutex_lock(&cn->lock);
			found = csvx_sg_lookup(&cn->sg, rd.sg);
			mutex_unlock(&cn->lock);
			if (!found) {
				NL_SET_ERR_MSG_ATTR(cb->extack, attrs[CSVX_A_SG],
						    "no such group");
				return -ENOENT;
			}
		}
	}
	return csvx_dump_run(&rd.d, csvx_rule_dump_walk);
}
