// SPDX-License-Identifier: GPL-2.0
/*
 * FDB objects: remote MACs and their IPs (EVPN type-2 routes), with EVPN
 * MAC mobility decided by the table code.
 */
#include "ctl/genl.h"

static int csvx_fdb_fill(struct sk_buff *skb, const void *obj)
{
	const struct csvx_fdb *f = obj;
	struct nlattr *nest;
	int i;

	if (nla_put_u32(skb, CSVX_A_VNI, f->vni) ||
	    nla_put(skb, CSVX_A_MAC, ETH_ALEN, f->mac) ||
	    csvx_nla_put_addr(skb, CSVX_A_REMOTE, &f->remote) ||
	    nla_put_u32(skb, CSVX_A_SEQ, f->seq) ||
	    nla_put_u32(skb, CSVX_A_FLAGS, f->flags))
		return -EMSGSIZE;
	if (!f->nr_ips)
		return 0;
	nest = nla_nest_start(skb, CSVX_A_IPS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < f->nr_ips; i++)
		if (csvx_nla_put_addr(skb, CSVX_IPS_A_ADDR, &f->ips[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int csvx_fdb_parse_ips(struct genl_info *info, struct csvx_addr *ips,
			      u8 *nr)
{
	struct nlattr *attr;
	int rem;

	*nr = 0;
	if (!info->attrs[CSVX_A_IPS])
		return 0;
	/* The nested policy checked every element's type and length. */
	nla_for_each_nested(attr, info->attrs[CSVX_A_IPS], rem) {
		if (*nr == CSVX_FDB_MAX_IPS) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "too many IPs for one MAC");
			return -E2BIG;
		}
		csvx_nla_get_addr(attr, &ips[(*nr)++]);
	}
	return 0;
}

static int csvx_fdb_new_one(struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct csvx_addr ips[CSVX_FDB_MAX_IPS];
	struct nlattr **attrs = info->attrs;
	struct csvx_fdb_spec spec = {};
	const char *msg = NULL;
	struct sk_buff *ntf;
	int err;

	if (csvx_require(info, CSVX_A_VNI, NULL))
		return -EINVAL;
	spec.vni = nla_get_u32(attrs[CSVX_A_VNI]);
	err = csvx_get_unicast_mac(info, CSVX_A_MAC, &spec.mac);
	if (err)
		return err;
	if (attrs[CSVX_A_REMOTE])
		csvx_nla_get_addr(attrs[CSVX_A_REMOTE], &spec.remote);
	if (attrs[CSVX_A_SEQ])
		spec.seq = nla_get_u32(attrs[CSVX_A_SEQ]);
	if (attrs[CSVX_A_FLAGS])
		spec.flags = nla_get_u32(attrs[CSVX_A_FLAGS]);
	err = csvx_fdb_parse_ips(info, ips, &spec.nr_ips);
	if (err)
		return err;
	spec.ips = ips;

	mutex_lock(&cn->lock);
	err = csvx_fdb_update(&cn->tables, &spec, csvx_info_replace(info),
			      &msg);
	if (err) {
		csvx_set_err(info->extack, NULL, msg);
		goto out;
	}
	ntf = csvx_notify_prepare(genl_info_net(info), CSVX_CMD_NEW_FDB,
				  csvx_fdb_fill,
				  csvx_fdb_lookup(&cn->tables, spec.vni, spec.mac));
	csvx_notify_send(genl_info_net(info), ntf);
out:
	mutex_unlock(&cn->lock);
	return err;
}

static int csvx_fdb_key(struct genl_info *info, u32 *vni, const u8 **mac)
{
	if (csvx_require(info, CSVX_A_VNI, NULL) ||
	    csvx_require(info, CSVX_A_MAC, NULL))
		return -EINVAL;
	*vni = nla_get_u32(info->attrs[CSVX_A_VNI]);
	*mac = nla_data(info->attrs[CSVX_A_MAC]);
	return 0;
}

static int csvx_fdb_del_one(struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct sk_buff *ntf = NULL;
	const char *msg = NULL;
	struct csvx_fdb *f;
	const u8 *mac;
	u32 vni;
	int err;

	err = csvx_fdb_key(info, &vni, &mac);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	f = csvx_fdb_lookup(&cn->tables, vni, mac);
	if (f)
		ntf = csvx_notify_prepare(genl_info_net(info), CSVX_CMD_DEL_FDB,
					  csvx_fdb_fill, f);
	err = csvx_fdb_del(&cn->tables, vni, mac, &msg);
	if (err) {
		csvx_set_err(info->extack, NULL, msg);
		nlmsg_free(ntf);
	} else {
		csvx_notify_send(genl_info_net(info), ntf);
	}
	mutex_unlock(&cn->lock);
	return err;
}

/*
 * CSVX_A_ENTRIES: each element is handled exactly as a request of its own
 * (through a copy of @info whose attributes are the element's), so a bulk
 * change validates, announces and fails like that many requests.  The
 * lock is taken per entry: readers and other writers are not held up for
 * a whole message, and a request can be refused in the middle.  The
 * first refused entry ends the request, which is what lets a batch that
 * stops at its first error send many of its lines at once.
 */
static int csvx_fdb_bulk(struct genl_info *info,
			 const struct nla_policy *policy,
			 int (*one)(struct genl_info *info))
{
	struct nlattr *entries = info->attrs[CSVX_A_ENTRIES];
	struct genl_info sub = *info;
	struct nlattr **tb, *e;
	int rem, n = 0, err = 0;

	if (info->attrs[CSVX_A_VNI] || info->attrs[CSVX_A_MAC]) {
		NL_SET_ERR_MSG_ATTR(info->extack, entries,
				    "entries and a single entry's key in one request");
		return -EINVAL;
	}
	/*
	 * Strict, as the core is with top-level attributes, and all of them
	 * before any is applied: a malformed request changes nothing.  Done
	 * here rather than by the policy so that the offending element is
	 * pointed at (the core's nested-array check leaves no offset).
	 */
	nla_for_each_nested(e, entries, rem) {
		if (++n > CSVX_BULK_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, entries,
					    "too many entries in one request");
			return -E2BIG;
		}
		err = nla_validate_nested(e, CSVX_A_MAX, policy, info->extack);
		if (err) {
			if (info->extack && !info->extack->bad_attr)
				NL_SET_BAD_ATTR(info->extack, e);
			return err;
		}
	}
	if (rem) {
		NL_SET_ERR_MSG_ATTR(info->extack, entries,
				    "bytes left over after the entries");
		return -EINVAL;
	}
	tb = kcalloc(CSVX_A_MAX + 1, sizeof(*tb), GFP_KERNEL);
	if (!tb)
		return -ENOMEM;
	sub.attrs = tb;
	nla_for_each_nested(e, entries, rem) {
		err = nla_parse_nested(tb, CSVX_A_MAX, e, policy, info->extack);
		if (!err)
			err = one(&sub);
		if (err) {
			/* point at the entry unless the handler named an attribute in it */
			if (info->extack && !info->extack->bad_attr)
				NL_SET_BAD_ATTR(info->extack, e);
			break;
		}
		cond_resched();
	}
	kfree(tb);
	return err;
}

int csvx_fdb_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (info->attrs[CSVX_A_ENTRIES])
		return csvx_fdb_bulk(info, csvx_fdb_entry_policy, csvx_fdb_new_one);
	return csvx_fdb_new_one(info);
}

int csvx_fdb_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (info->attrs[CSVX_A_ENTRIES])
		return csvx_fdb_bulk(info, csvx_fdb_key_policy, csvx_fdb_del_one);
	return csvx_fdb_del_one(info);
}

int csvx_fdb_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct csvx_fdb *f;
	const u8 *mac;
	u32 vni;
	int err;

	err = csvx_fdb_key(info, &vni, &mac);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	f = csvx_fdb_lookup(&cn->tables, vni, mac);
	if (f) {
		err = csvx_reply(info, CSVX_CMD_GET_FDB, csvx_fdb_fill, f);
	} else {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_MAC],
				    "no such MAC in this VNI");
		err = -ENOENT;
	}
	mutex_unlock(&cn->lock);
	return err;
}

static int csvx_vni_only_fill(struct sk_buff *skb, const void *obj)
{
	return nla_put_u32(skb, CSVX_A_VNI, *(const u32 *)obj);
}

int csvx_fdb_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct sk_buff *ntf;
	u32 vni;
	int err = 0;

	if (csvx_require(info, CSVX_A_VNI, NULL))
		return -EINVAL;
	vni = nla_get_u32(info->attrs[CSVX_A_VNI]);

	mutex_lock(&cn->lock);
	if (!csvx_vni_lookup(&cn->tables, vni)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_VNI],
				    "no such VNI");
		err = -ENOENT;
		goto out;
	}
	/* One notification for the flush, not one per MAC. */
	if (csvx_fdb_flush(&cn->tables, vni)) {
		ntf = csvx_notify_prepare(genl_info_net(info),
					  CSVX_CMD_FLUSH_FDB,
					  csvx_vni_only_fill, &vni);
		csvx_notify_send(genl_info_net(info), ntf);
	}
out:
	mutex_unlock(&cn->lock);
	return err;
}

static int csvx_fdb_dump_fn(const struct csvx_fdb *f, void *arg)
{
	return csvx_dump_one(arg, f);
}

static int csvx_fdb_dump_walk(struct csvx_tables *t, struct csvx_cursor *c,
			      struct csvx_dump *d)
{
	return csvx_fdb_walk(t, d->vni, c, csvx_fdb_dump_fn, d);
}

int csvx_fdb_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = csvx_dump_attrs(cb);
	struct csvx_dump d = {
		.skb = skb, .cb = cb, .cmd = CSVX_CMD_GET_FDB,
		.fill = csvx_fdb_fill,
	};

	if (attrs && attrs[CSVX_A_MAC]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, attrs[CSVX_A_MAC],
				    "an FDB dump filters by VNI only");
		return -EINVAL;
	}
	if (attrs && attrs[CSVX_A_VNI])
		d.vni = nla_get_u32(attrs[CSVX_A_VNI]);
	return csvx_dump_run(&d, csvx_fdb_dump_walk);
}
