// SPDX-License-Identifier: GPL-2.0
/*
 * Flood lists: the remote VTEPs a VNI's BUM traffic is replicated to
 * (EVPN type-3 routes).
 */
#include "ctl/genl.h"

struct csvx_flood_entry {
	u32 vni;
	const struct csvx_addr *remote;
};

static int csvx_flood_fill(struct sk_buff *skb, const void *obj)
{
	const struct csvx_flood_entry *e = obj;

	if (nla_put_u32(skb, CSVX_A_VNI, e->vni) ||
	    csvx_nla_put_addr(skb, CSVX_A_REMOTE, e->remote))
		return -EMSGSIZE;
	return 0;
}

static int csvx_flood_change(struct genl_info *info, bool add)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct csvx_flood_entry e;
	struct csvx_addr remote;
	const char *msg = NULL;
	struct sk_buff *ntf;
	int err;

	if (csvx_require(info, CSVX_A_VNI, NULL) ||
	    csvx_require(info, CSVX_A_REMOTE, NULL))
		return -EINVAL;
	e.vni = nla_get_u32(info->attrs[CSVX_A_VNI]);
	csvx_nla_get_addr(info->attrs[CSVX_A_REMOTE], &remote);
	e.remote = &remote;

	mutex_lock(&cn->lock);
	if (add)
		err = csvx_flood_add(&cn->tables, e.vni, &remote, &msg);
	else
		err = csvx_flood_del(&cn->tables, e.vni, &remote, &msg);
	if (err) {
		csvx_set_err(info->extack, NULL, msg);
	} else {
		ntf = csvx_notify_prepare(genl_info_net(info),
					  add ? CSVX_CMD_NEW_FLOOD :
						CSVX_CMD_DEL_FLOOD,
					  csvx_flood_fill, &e);
		csvx_notify_send(genl_info_net(info), ntf);
	}
	mutex_unlock(&cn->lock);
	return err;
}

int csvx_flood_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	return csvx_flood_change(info, true);
}

int csvx_flood_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return csvx_flood_change(info, false);
}

static int csvx_flood_dump_fn(u32 vni, const struct csvx_addr *remote,
			      void *arg)
{
	struct csvx_flood_entry e = { .vni = vni, .remote = remote };

	return csvx_dump_one(arg, &e);
}

static int csvx_flood_dump_walk(struct csvx_tables *t, struct csvx_cursor *c,
				struct csvx_dump *d)
{
	return csvx_flood_walk(t, d->vni, c, csvx_flood_dump_fn, d);
}

int csvx_flood_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = csvx_dump_attrs(cb);
	struct csvx_dump d = {
		.skb = skb, .cb = cb, .cmd = CSVX_CMD_GET_FLOOD,
		.fill = csvx_flood_fill,
	};

	if (attrs && attrs[CSVX_A_VNI])
		d.vni = nla_get_u32(attrs[CSVX_A_VNI]);
	return csvx_dump_run(&d, csvx_flood_dump_walk);
}
