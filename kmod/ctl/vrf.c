// SPDX-License-Identifier: GPL-2.0
/*
 * VRF objects: a tenant's routing domain, its L3VNI and router MAC.
 */
#include "ctl/genl.h"

static int csvx_vrf_fill(struct sk_buff *skb, const void *obj)
{
	const struct csvx_vrf *vrf = obj;

	if (nla_put_string(skb, CSVX_A_VRF, vrf->name) ||
	    nla_put_u32(skb, CSVX_A_VRF_ID, vrf->id) ||
	    nla_put_u32(skb, CSVX_A_L3VNI, vrf->l3vni) ||
	    csvx_nla_put_mac64(skb, CSVX_A_RMAC, READ_ONCE(vrf->rmac)))
		return -EMSGSIZE;
	return 0;
}

int csvx_vrf_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct nlattr **attrs = info->attrs;
	struct csvx_vrf_spec spec = {};
	const char *msg = NULL;
	struct csvx_vrf *vrf;
	struct sk_buff *ntf;
	int err;

	err = csvx_get_name(info, CSVX_A_VRF, &spec.name);
	if (err)
		return err;
	if (csvx_require(info, CSVX_A_VRF_ID, NULL) ||
	    csvx_require(info, CSVX_A_L3VNI, NULL))
		return -EINVAL;
	err = csvx_get_unicast_mac(info, CSVX_A_RMAC, &spec.rmac);
	if (err)
		return err;
	spec.id = nla_get_u32(attrs[CSVX_A_VRF_ID]);
	spec.l3vni = nla_get_u32(attrs[CSVX_A_L3VNI]);

	mutex_lock(&cn->lock);
	err = csvx_vrf_add(&cn->tables, &spec, csvx_info_replace(info), &msg);
	if (err) {
		csvx_set_err(info->extack, NULL, msg);
		goto out;
	}
	vrf = csvx_vrf_by_name(&cn->tables, spec.name);
	ntf = csvx_notify_prepare(genl_info_net(info), CSVX_CMD_NEW_VRF,
				  csvx_vrf_fill, vrf);
	csvx_notify_send(genl_info_net(info), ntf);
out:
	mutex_unlock(&cn->lock);
	return err;
}

int csvx_vrf_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct sk_buff *ntf = NULL;
	const char *msg = NULL;
	struct csvx_vrf *vrf;
	const char *name;
	int err;

	err = csvx_get_name(info, CSVX_A_VRF, &name);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	vrf = csvx_vrf_by_name(&cn->tables, name);
	if (vrf)
		ntf = csvx_notify_prepare(genl_info_net(info), CSVX_CMD_DEL_VRF,
					  csvx_vrf_fill, vrf);
	err = csvx_vrf_del(&cn->tables, name, &msg);
	if (err) {
		csvx_set_err(info->extack, info->attrs[CSVX_A_VRF], msg);
		nlmsg_free(ntf);
	} else {
		csvx_notify_send(genl_info_net(info), ntf);
	}
	mutex_unlock(&cn->lock);
	return err;
}

int csvx_vrf_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct csvx_vrf *vrf;
	const char *name;
	int err;

	err = csvx_get_name(info, CSVX_A_VRF, &name);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	vrf = csvx_vrf_by_name(&cn->tables, name);
	if (vrf) {
		err = csvx_reply(info, CSVX_CMD_GET_VRF, csvx_vrf_fill, vrf);
	} else {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_VRF],
				    "no such VRF");
		err = -ENOENT;
	}
	mutex_unlock(&cn->lock);
	return err;
}

static int csvx_vrf_dump_fn(const struct csvx_vrf *vrf, void *arg)
{
	return csvx_dump_one(arg, vrf);
}

static int csvx_vrf_dump_walk(struct csvx_tables *t, struct csvx_cursor *c,
			      struct csvx_dump *d)
{
	return csvx_vrf_walk(t, c, csvx_vrf_dump_fn, d);
}

int csvx_vrf_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct csvx_dump d = {
		.skb = skb, .cb = cb, .cmd = CSVX_CMD_GET_VRF,
		.fill = csvx_vrf_fill,
	};

	return csvx_dump_run(&d, csvx_vrf_dump_walk);
}
