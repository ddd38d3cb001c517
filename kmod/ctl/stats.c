// SPDX-License-Identifier: GPL-2.0
/*
 * Counters: per VNI (from its VTEP device's per-CPU counters) and, with no
 * VNI attribute, the namespace's drops that belong to no VNI.
 */
#include "ctl/genl.h"
#include "dp/dp.h"

static int csvx_stats_put(struct sk_buff *skb, const u64 *stat,
			  const u64 *drop)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, CSVX_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i <= CSVX_STAT_MAX; i++)
		if (nla_put_u64_64bit(skb, i, stat[i], CSVX_STAT_UNSPEC))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);

	nest = nla_nest_start(skb, CSVX_A_DROPS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i <= CSVX_DROP_MAX; i++)
		if (nla_put_u64_64bit(skb, i, drop[i], CSVX_DROP_UNSPEC))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int csvx_vni_stats_fill(struct sk_buff *skb, const void *obj)
{
	const struct csvx_vni *vni = obj;
	u64 stat[CSVX_STAT_MAX + 1] = {}, drop[CSVX_DROP_MAX + 1] = {};

	if (vni->dev)
		csvx_dp_stats_read(vni->dev, stat, drop);
	if (nla_put_u32(skb, CSVX_A_VNI, vni->vni) ||
	    nla_put_string(skb, CSVX_A_IFNAME, vni->ifname))
		return -EMSGSIZE;
	return csvx_stats_put(skb, stat, drop);
}

static int csvx_ns_stats_fill(struct sk_buff *skb, const void *obj)
{
	const struct csvx_net *cn = obj;
	u64 stat[CSVX_STAT_MAX + 1] = {}, drop[CSVX_DROP_MAX + 1];
	int i;

	for (i = 0; i <= CSVX_DROP_MAX; i++)
		drop[i] = atomic_long_read(&cn->drop[i]);
	return csvx_stats_put(skb, stat, drop);
}

int csvx_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct csvx_vni *vni;
	int err;

	mutex_lock(&cn->lock);
	if (!info->attrs[CSVX_A_VNI]) {
		err = csvx_reply(info, CSVX_CMD_GET_STATS, csvx_ns_stats_fill,
				 cn);
		goto out;
	}
	vni = csvx_vni_lookup(&cn->tables,
			      nla_get_u32(info->attrs[CSVX_A_VNI]));
	if (vni) {
		err = csvx_reply(info, CSVX_CMD_GET_STATS, csvx_vni_stats_fill,
				 vni);
	} else {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_VNI],
				    "no such VNI");
		err = -ENOENT;
	}
out:
	mutex_unlock(&cn->lock);
	return err;
}

static int csvx_stats_dump_fn(const struct csvx_vni *vni, void *arg)
{
	return csvx_dump_one(arg, vni);
}

static int csvx_stats_dump_walk(struct csvx_tables *t, struct csvx_cursor *c,
				struct csvx_dump *d)
{
	return csvx_vni_walk(t, c, csvx_stats_dump_fn, d);
}

/* One message per VNI; the namespace's own counters come from a GET. */
int csvx_stats_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct csvx_dump d = {
		.skb = skb, .cb = cb, .cmd = CSVX_CMD_GET_STATS,
		.fill = csvx_vni_stats_fill,
	};

	return csvx_dump_run(&d, csvx_stats_dump_walk);
}
