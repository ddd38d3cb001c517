// SPDX-License-Identifier: GPL-2.0
/*
 * VNI objects: an L2 segment, its VTEP device and anycast gateway.
 */
#include <linux/rtnetlink.h>

#include "ctl/genl.h"
#include "dp/dp.h"

int csvx_vni_fill(struct sk_buff *skb, const void *obj)
{
	const struct csvx_vni *vni = obj;

	if (nla_put_u32(skb, CSVX_A_VNI, vni->vni) ||
	    nla_put_string(skb, CSVX_A_IFNAME, vni->ifname) ||
	    nla_put_u32(skb, CSVX_A_IFINDEX, vni->ifindex) ||
	    nla_put_u32(skb, CSVX_A_MTU, vni->mtu) ||
	    csvx_nla_put_addr(skb, CSVX_A_LOCAL, &vni->local))
		return -EMSGSIZE;
	if (vni->vrf && nla_put_string(skb, CSVX_A_VRF, vni->vrf->name))
		return -EMSGSIZE;
	if (vni->gw.family &&
	    (csvx_nla_put_addr(skb, CSVX_A_GW, &vni->gw) ||
	     nla_put_u8(skb, CSVX_A_GW_PLEN, vni->gw_plen) ||
	     nla_put(skb, CSVX_A_GW_MAC, ETH_ALEN, vni->gw_mac)))
		return -EMSGSIZE;
	return 0;
}

static int csvx_vni_parse(struct genl_info *info, struct csvx_vni_spec *spec)
{
	struct nlattr **attrs = info->attrs;
	int err;

	if (csvx_require(info, CSVX_A_VNI, NULL))
		return -EINVAL;
	spec->vni = nla_get_u32(attrs[CSVX_A_VNI]);
	err = csvx_get_name(info, CSVX_A_IFNAME, &spec->ifname);
	if (err)
		return err;
	if (!dev_valid_name(spec->ifname)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[CSVX_A_IFNAME],
				    "invalid device name");
		return -EINVAL;
	}
	if (attrs[CSVX_A_VRF]) {
		err = csvx_get_name(info, CSVX_A_VRF, &spec->vrf);
		if (err)
			return err;
	}
	if (attrs[CSVX_A_LOCAL])
		csvx_nla_get_addr(attrs[CSVX_A_LOCAL], &spec->local);
	if (attrs[CSVX_A_MTU])
		spec->mtu = nla_get_u32(attrs[CSVX_A_MTU]);

	if (!attrs[CSVX_A_GW]) {
		if (attrs[CSVX_A_GW_PLEN] || attrs[CSVX_A_GW_MAC]) {
			NL_SET_ERR_MSG(info->extack,
				       "gateway prefix length and MAC need a gateway address");
			return -EINVAL;
		}
		return 0;
	}
	if (csvx_require(info, CSVX_A_GW_PLEN, NULL))
		return -EINVAL;
	err = csvx_get_unicast_mac(info, CSVX_A_GW_MAC, &spec->gw_mac);
	if (err)
		return err;
	if (!spec->vrf) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[CSVX_A_GW],
				    "an anycast gateway needs a VRF to route in");
		return -EINVAL;
	}
	csvx_nla_get_addr(attrs[CSVX_A_GW], &spec->gw);
	spec->gw_plen = nla_get_u8(attrs[CSVX_A_GW_PLEN]);
	if (spec->gw.family == AF_INET && spec->gw_plen > 32) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[CSVX_A_GW_PLEN],
				    "IPv4 prefix length must be 0..32");
		return -EINVAL;
	}
	return 0;
}

/*
 * A new VNI brings its VTEP device: created under rtnl first, then the VNI
 * goes into the table; if the table refuses, the device goes again, so a
 * failed request leaves nothing behind.  rtnl is taken before the table
 * lock, the order every device removal (ndo_uninit) follows too.
 */
int csvx_vni_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	bool replace = csvx_info_replace(info);
	struct csvx_vni_spec spec = {};
	struct net_device *dev = NULL;
	const char *msg = NULL;
	bool created = false;
	struct csvx_vni *vni;
	struct sk_buff *ntf;
	int err;

	err = csvx_vni_parse(info, &spec);
	if (err)
		return err;

	/* Every change of the VNI table holds rtnl, so what is checked here
	 * still holds when the table is written below.
	 */
	rtnl_lock();
	mutex_lock(&cn->lock);
	vni = csvx_vni_lookup(&cn->tables, spec.vni);
	if (vni && !replace) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_VNI],
				    "VNI exists already");
		err = -EEXIST;
	} else if (vni && strcmp(vni->ifname, spec.ifname)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_IFNAME],
				    "a VNI's device cannot be renamed by replace");
		err = -EINVAL;
	} else if (vni) {
		dev = vni->dev;
		if (!spec.mtu)
			spec.mtu = vni->mtu;
	}
	mutex_unlock(&cn->lock);
	if (err)
		goto out_rtnl;
	if (!vni) {
		err = csvx_vtep_create(cn, &spec, &dev, info->extack);
		if (err)
			goto out_rtnl;
		created = true;
		spec.mtu = dev->mtu;
	}

	mutex_lock(&cn->lock);
	err = csvx_vni_add(&cn->tables, &spec, replace, &msg);
	if (err) {
		csvx_set_err(info->extack, NULL, msg);
		mutex_unlock(&cn->lock);
		if (created)
			unregister_netdevice(dev);
		goto out_rtnl;
	}
	/* Until this store the datapath sees a VNI without a device and
	 * drops its packets; the device is not in a bridge yet anyway.
	 */
	vni = csvx_vni_lookup(&cn->tables, spec.vni);
	WRITE_ONCE(vni->ifindex, dev->ifindex);
	WRITE_ONCE(vni->dev, dev);
	ntf = csvx_notify_prepare(genl_info_net(info), CSVX_CMD_NEW_VNI,
				  csvx_vni_fill, vni);
	mutex_unlock(&cn->lock);
	csvx_notify_send(genl_info_net(info), ntf);
	if (dev->mtu != spec.mtu)
		dev_set_mtu(dev, spec.mtu);
out_rtnl:
	rtnl_unlock();
	return err;
}

/* The VNI goes with its device: see csvx_vtep_uninit(). */
int csvx_vni_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct sk_buff *ntf = NULL;
	struct net_device *dev = NULL;
	const char *msg = NULL;
	struct csvx_vni *vni;
	int err = 0;
	u32 id;

	if (csvx_require(info, CSVX_A_VNI, NULL))
		return -EINVAL;
	id = nla_get_u32(info->attrs[CSVX_A_VNI]);

	rtnl_lock();
	mutex_lock(&cn->lock);
	vni = csvx_vni_lookup(&cn->tables, id);
	if (!vni) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_VNI],
				    "no such VNI");
		err = -ENOENT;
	} else if (vni->dev) {
		/* csvx_vtep_uninit() removes the VNI and announces it. */
		dev = vni->dev;
	} else {
		ntf = csvx_notify_prepare(genl_info_net(info), CSVX_CMD_DEL_VNI,
					  csvx_vni_fill, vni);
		err = csvx_vni_del(&cn->tables, id, &msg);
	}
	mutex_unlock(&cn->lock);
	if (dev)
		unregister_netdevice(dev);
	rtnl_unlock();
	if (err) {
		csvx_set_err(info->extack, NULL, msg);
		nlmsg_free(ntf);
	} else {
		csvx_notify_send(genl_info_net(info), ntf);
	}
	return err;
}

int csvx_vni_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct csvx_vni *vni;
	int err;

	if (csvx_require(info, CSVX_A_VNI, NULL))
		return -EINVAL;

	mutex_lock(&cn->lock);
	vni = csvx_vni_lookup(&cn->tables,
			      nla_get_u32(info->attrs[CSVX_A_VNI]));
	if (vni) {
		err = csvx_reply(info, CSVX_CMD_GET_VNI, csvx_vni_fill, vni);
	} else {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_VNI],
				    "no such VNI");
		err = -ENOENT;
	}
	mutex_unlock(&cn->lock);
	return err;
}

static int csvx_vni_dump_fn(const struct csvx_vni *vni, void *arg)
{
	return csvx_dump_one(arg, vni);
}

static int csvx_vni_dump_walk(struct csvx_tables *t, struct csvx_cursor *c,
			      struct csvx_dump *d)
{
	return csvx_vni_walk(t, c, csvx_vni_dump_fn, d);
}

int csvx_vni_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct csvx_dump d = {
		.skb = skb, .cb = cb, .cmd = CSVX_CMD_GET_VNI,
		.fill = csvx_vni_fill,
	};

	return csvx_dump_run(&d, csvx_vni_dump_walk);
}
