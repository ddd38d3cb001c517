// SPDX-License-Identifier: GPL-2.0
/*
 * Sets: ipset-style hash:ip and hash:net address sets named by security
 * group rules.
 */
#include "ctl/genl.h"

static struct csvx_sgs *csvx_sgs_of(struct csvx_tables *t)
{
	return &container_of(t, struct csvx_net, tables)->sg;
}

/* A required set name (SET or SET2), not empty. */
static int csvx_set_name(struct genl_info *info, int type, const char **name)
{
	int err = csvx_require(info, type, type == CSVX_A_SET ?
			       "SET is required" : "SET2 is required");

	return err ?: csvx_get_name(info, type, name);
}

static int csvx_set_fill(struct sk_buff *skb, const void *obj)
{
	const struct csvx_set *set = obj;

	if (nla_put_string(skb, CSVX_A_SET, set->name) ||
	    nla_put_u8(skb, CSVX_A_SET_TYPE, set->type) ||
	    nla_put_u8(skb, CSVX_A_FAMILY, set->family) ||
	    nla_put_u32(skb, CSVX_A_MAXELEM, csvx_set_maxelem(set)) ||
	    nla_put_u32(skb, CSVX_A_COUNT, csvx_set_count(set)) ||
	    nla_put_u32(skb, CSVX_A_REFS, set->refs))
		return -EMSGSIZE;
	return 0;
}

/* A member as replies and notifications show it. */
struct csvx_member_view {
	const char *set;
	struct csvx_addr addr;
	u8 plen;
};

static void csvx_member_view(struct csvx_member_view *v,
			     const struct csvx_set *set,
			     const struct csvx_set_member *m)
{
	memset(v, 0, sizeof(*v));
	v->set = set->name;
	v->addr.family = set->family;
	memcpy(v->addr.w, m->addr, sizeof(v->addr.w));
	v->plen = m->plen;
}

static int csvx_member_fill(struct sk_buff *skb, const void *obj)
{
	const struct csvx_member_view *v = obj;

	if (nla_put_string(skb, CSVX_A_SET, v->set) ||
	    csvx_nla_put_addr(skb, CSVX_A_PREFIX, &v->addr) ||
	    nla_put_u8(skb, CSVX_A_PLEN, v->plen))
		return -EMSGSIZE;
	return 0;
}

/* The attribute a table error of a set request is about. */
static struct nlattr *csvx_set_err_attr(struct genl_info *info, int err)
{
	switch (err) {
	case -ENOENT:
	case -EEXIST:
	case -EBUSY:
		return info->attrs[CSVX_A_SET];
	}
	return NULL;
}

int csvx_set_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct nlattr **attrs = info->attrs;
	u8 type, family = AF_INET;
	const char *name, *msg = NULL;
	struct sk_buff *ntf;
	u32 maxelem = 0;
	int err;

	err = csvx_set_name(info, CSVX_A_SET, &name);
	if (err)
		return err;
	err = csvx_require(info, CSVX_A_SET_TYPE, "SET_TYPE is required");
	if (err)
		return err;
	type = nla_get_u8(attrs[CSVX_A_SET_TYPE]);
	if (attrs[CSVX_A_FAMILY]) {
		family = nla_get_u8(attrs[CSVX_A_FAMILY]);
		if (family != AF_INET && family != AF_INET6) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[CSVX_A_FAMILY],
					    "family must be AF_INET or AF_INET6");
			return -EINVAL;
		}
	}
	if (attrs[CSVX_A_MAXELEM])
		maxelem = nla_get_u32(attrs[CSVX_A_MAXELEM]);

	mutex_lock(&cn->lock);
	err = csvx_sgset_add(&cn->sg, name, type, family, maxelem,
			     csvx_info_replace(info), &msg);
	if (err) {
		struct nlattr *bad = csvx_set_err_attr(info, err);

		if (err == -EINVAL)
			bad = attrs[CSVX_A_SET_TYPE];
		else if (err == -EBUSY)
			bad = attrs[CSVX_A_MAXELEM];
		csvx_set_err(info->extack, bad, msg);
		goto out;
	}
	ntf = csvx_notify_prepare(genl_info_net(info), CSVX_CMD_NEW_SET,
				  csvx_set_fill,
				  csvx_sgset_lookup(&cn->sg, name));
	csvx_notify_send(genl_info_net(info), ntf);
out:
	mutex_unlock(&cn->lock);
	return err;
}

int csvx_set_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	const char *name, *msg = NULL;
	struct sk_buff *ntf = NULL;
	struct csvx_set *set;
	int err;

	err = csvx_set_name(info, CSVX_A_SET, &name);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	set = csvx_sgset_lookup(&cn->sg, name);
	if (set)
		ntf = csvx_notify_prepare(genl_info_net(info),
					  CSVX_CMD_DEL_SET, csvx_set_fill,
					  set);
	err = csvx_sgset_del(&cn->sg, name, &msg);
	if (err) {
		csvx_set_err(info->extack, csvx_set_err_attr(info, err), msg);
		nlmsg_free(ntf);
	} else {
		csvx_notify_send(genl_info_net(info), ntf);
	}
	mutex_unlock(&cn->lock);
	return err;
}

int csvx_set_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct csvx_set *set;
	const char *name;
	int err;

	err = csvx_set_name(info, CSVX_A_SET, &name);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	set = csvx_sgset_lookup(&cn->sg, name);
	if (set) {
		err = csvx_reply(info, CSVX_CMD_GET_SET, csvx_set_fill, set);
	} else {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_SET],
				    "no such set");
		err = -ENOENT;
	}
	mutex_unlock(&cn->lock);
	return err;
}

static int csvx_set_dump_fn(const struct csvx_set *set, void *arg)
{
	return csvx_dump_one(arg, set);
}

static int csvx_set_dump_walk(struct csvx_tables *t, struct csvx_cursor *c,
			      struct csvx_dump *d)
{
	return csvx_sgset_walk(csvx_sgs_of(t), c, csvx_set_dump_fn, d);
}

/* Every set; a SET attribute is ignored, as GET_VRF's dump does. */
int csvx_set_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct csvx_dump d = {
		.skb = skb, .cb = cb, .cmd = CSVX_CMD_GET_SET,
		.fill = csvx_set_fill,
	};

	return csvx_dump_run(&d, csvx_set_dump_walk);
}

static int csvx_set_name_fill(struct sk_buff *skb, const void *obj)
{
	const char *const *names = obj;

	if (nla_put_string(skb, CSVX_A_SET, names[0]) ||
	    (names[1] && nla_put_string(skb, CSVX_A_SET2, names[1])))
		return -EMSGSIZE;
	return 0;
}

int csvx_set_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	const char *names[2] = {}, *msg = NULL;
	struct sk_buff *ntf;
	int err;

	err = csvx_set_name(info, CSVX_A_SET, &names[0]);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	err = csvx_sgset_flush(&cn->sg, names[0], &msg);
	if (err < 0) {
		csvx_set_err(info->extack, csvx_set_err_attr(info, err), msg);
		goto out;
	}
	/* One notification for the flush, not one per member. */
	if (err) {
		ntf = csvx_notify_prepare(genl_info_net(info),
					  CSVX_CMD_FLUSH_SET,
					  csvx_set_name_fill, names);
		csvx_notify_send(genl_info_net(info), ntf);
	}
	err = 0;
out:
	mutex_unlock(&cn->lock);
	return err;
}

int csvx_set_swap_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	const char *names[2], *msg = NULL;
	struct sk_buff *ntf;
	int err;

	err = csvx_set_name(info, CSVX_A_SET, &names[0]);
	if (err)
		return err;
	err = csvx_set_name(info, CSVX_A_SET2, &names[1]);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	err = csvx_sgset_swap(&cn->sg, names[0], names[1], &msg);
	if (err) {
		struct nlattr *bad = info->attrs[CSVX_A_SET];

		if (err == -ENOENT && csvx_sgset_lookup(&cn->sg, names[0]))
			bad = info->attrs[CSVX_A_SET2];
		csvx_set_err(info->extack, bad, msg);
		goto out;
	}
	ntf = csvx_notify_prepare(genl_info_net(info), CSVX_CMD_SWAP_SET,
				  csvx_set_name_fill, names);
	csvx_notify_send(genl_info_net(info), ntf);
out:
	mutex_unlock(&cn->lock);
	return err;
}

/* SET, PREFIX and PLEN of a member request; no PLEN: the whole address. */
static int csvx_member_parse(struct genl_info *info,
			     struct csvx_member_view *v, bool *has_plen)
{
	int err;

	memset(v, 0, sizeof(*v));
	err = csvx_set_name(info, CSVX_A_SET, &v->set);
	if (err)
		return err;
	err = csvx_require(info, CSVX_A_PREFIX, "PREFIX is required");
	if (err)
		return err;
	csvx_nla_get_addr(info->attrs[CSVX_A_PREFIX], &v->addr);
	*has_plen = info->attrs[CSVX_A_PLEN];
	v->plen = *has_plen ? nla_get_u8(info->attrs[CSVX_A_PLEN]) :
			      csvx_family_bits(v->addr.family);
	return 0;
}

static struct nlattr *csvx_member_err_attr(struct genl_info *info, int err,
					   bool has_plen)
{
	switch (err) {
	case -ENOENT:
		/* no such set, or no such member */
		return NULL;
	case -EINVAL:
	case -EEXIST:
		return has_plen ? info->attrs[CSVX_A_PLEN] :
				  info->attrs[CSVX_A_PREFIX];
	}
	return NULL;
}

static int csvx_member_change(struct genl_info *info, bool add)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct csvx_member_view v;
	struct sk_buff *ntf = NULL;
	const char *msg = NULL;
	bool has_plen;
	int err;

	err = csvx_member_parse(info, &v, &has_plen);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	if (!csvx_sgset_lookup(&cn->sg, v.set)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_SET],
				    "no such set");
		err = -ENOENT;
		goto out;
	}
	if (add)
		err = csvx_sgset_member_add(&cn->sg, v.set, &v.addr, v.plen,
					    csvx_info_replace(info), &msg);
	else
		err = csvx_sgset_member_del(&cn->sg, v.set, &v.addr, v.plen,
					    &msg);
	if (err < 0) {
		csvx_set_err(info->extack,
			     csvx_member_err_attr(info, err, has_plen), msg);
		goto out;
	}
	/* 1: with NLM_F_REPLACE the member was there already. */
	if (!err)
		ntf = csvx_notify_prepare(genl_info_net(info),
					  add ? CSVX_CMD_NEW_SET_MEMBER :
						CSVX_CMD_DEL_SET_MEMBER,
					  csvx_member_fill, &v);
	csvx_notify_send(genl_info_net(info), ntf);
	err = 0;
out:
	mutex_unlock(&cn->lock);
	return err;
}

int csvx_set_member_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	return csvx_member_change(info, true);
}

int csvx_set_member_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return csvx_member_change(info, false);
}

/* With PLEN: that exact member; without: the one matching the address. */
int csvx_set_member_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct csvx_set_member *m = NULL;
	struct csvx_member_view v;
	struct csvx_set *set;
	const char *msg;
	bool has_plen;
	int err;

	err = csvx_member_parse(info, &v, &has_plen);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	set = csvx_sgset_lookup(&cn->sg, v.set);
	if (!set) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_SET],
				    "no such set");
		err = -ENOENT;
		goto out;
	}
	err = csvx_set_check_member(set, &v.addr,
				    has_plen ? v.plen :
				    csvx_family_bits(v.addr.family), &msg);
	if (err && (has_plen || v.addr.family != set->family)) {
		csvx_set_err(info->extack,
			     csvx_member_err_attr(info, err, has_plen), msg);
		goto out;
	}
	m = has_plen ? csvx_set_find(set, &v.addr, v.plen) :
		       csvx_set_match(set, &v.addr);
	if (!m) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_PREFIX],
				    "not in the set");
		err = -ENOENT;
		goto out;
	}
	csvx_member_view(&v, set, m);
	err = csvx_reply(info, CSVX_CMD_GET_SET_MEMBER, csvx_member_fill, &v);
out:
	mutex_unlock(&cn->lock);
	return err;
}

struct csvx_member_dump {
	struct csvx_dump d;
	const char *set;		/* filter, NULL = all */
};

static int csvx_member_dump_fn(const struct csvx_set *set,
			       const struct csvx_set_member *m, void *arg)
{
	struct csvx_member_view v;

	csvx_member_view(&v, set, m);
	return csvx_dump_one(arg, &v);
}

static int csvx_member_dump_walk(struct csvx_tables *t, struct csvx_cursor *c,
				 struct csvx_dump *d)
{
	struct csvx_member_dump *md = container_of(d, struct csvx_member_dump,
						   d);
	struct csvx_sgs *sgs = csvx_sgs_of(t);
	const struct csvx_set *set = NULL;

	if (md->set) {
		set = csvx_sgset_lookup(sgs, md->set);
		if (!set)	/* deleted since the dump began */
			return 0;
	}
	return csvx_sgset_member_walk(sgs, set, c, csvx_member_dump_fn, d);
}

int csvx_set_member_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	struct nlattr **attrs = csvx_dump_attrs(cb);
	struct csvx_net *cn = csvx_cb_net(cb);
	struct csvx_member_dump md = {
		.d = {
			.skb = skb, .cb = cb, .cmd = CSVX_CMD_GET_SET_MEMBER,
			.fill = csvx_member_fill,
		},
	};
	bool found;

	if (attrs && (attrs[CSVX_A_PREFIX] || attrs[CSVX_A_PLEN])) {
		NL_SET_ERR_MSG_ATTR(cb->extack,
				    attrs[CSVX_A_PREFIX] ?: attrs[CSVX_A_PLEN],
				    "a member dump filters by set only");
		return -EINVAL;
	}
	if (attrs && attrs[CSVX_A_SET]) {
		md.set = nla_data(attrs[CSVX_A_SET]);
		if (!*md.set) {
			NL_SET_ERR_MSG_ATTR(cb->extack, attrs[CSVX_A_SET],
					    "name must not be empty");
			return -EINVAL;
		}
		if (!cb->args[0] && !cb->args[1] && !cb->args[2] &&
		    !cb->args[3] && !cb->args[4]) {
			mutex_lock(&cn->lock);
			found = csvx_sgset_lookup(&cn->sg, md.set);
			mutex_unlock(&cn->lock);
			if (!found) {
				NL_SET_ERR_MSG_ATTR(cb->extack,
						    attrs[CSVX_A_SET],
						    "no such set");
				return -ENOENT;
			}
		}
	}
	return csvx_dump_run(&md.d, csvx_member_dump_walk);
}
