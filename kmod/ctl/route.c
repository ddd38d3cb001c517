// SPDX-License-Identifier: GPL-2.0
/*
 * Routes in tenant VRFs: prefixes reached over the VRF's L3VNI at a remote
 * VTEP with that VTEP's router MAC (EVPN type-5 and type-2 host routes,
 * symmetric IRB), plus the connected subnets of local VNIs.
 */
#include "ctl/genl.h"

struct csvx_route_view {
	const struct csvx_vrf *vrf;
	const struct csvx_route *rt;
};

static int csvx_route_fill(struct sk_buff *skb, const void *obj)
{
	const struct csvx_route_view *v = obj;
	const struct csvx_nexthop *nh = v->rt->nh;

	if (nla_put_string(skb, CSVX_A_VRF, v->vrf->name) ||
	    csvx_nla_put_addr(skb, CSVX_A_PREFIX, &v->rt->prefix) ||
	    nla_put_u8(skb, CSVX_A_PLEN, v->rt->plen))
		return -EMSGSIZE;
	if (!nh->remote.family) {
		if (nla_put_u32(skb, CSVX_A_FLAGS, CSVX_F_CONNECTED) ||
		    nla_put_u32(skb, CSVX_A_VNI, nh->vni->vni))
			return -EMSGSIZE;
		return 0;
	}
	if (csvx_nla_put_addr(skb, CSVX_A_REMOTE, &nh->remote) ||
	    csvx_nla_put_mac64(skb, CSVX_A_RMAC, nh->rmac) ||
	    nla_put_u32(skb, CSVX_A_FLAGS, 0))
		return -EMSGSIZE;
	return 0;
}

static int csvx_route_key(struct genl_info *info, const char **vrf,
			  struct csvx_addr *prefix, u8 *plen)
{
	int err;

	err = csvx_get_name(info, CSVX_A_VRF, vrf);
	if (err)
		return err;
	if (csvx_require(info, CSVX_A_PREFIX, NULL) ||
	    csvx_require(info, CSVX_A_PLEN, NULL))
		return -EINVAL;
	csvx_nla_get_addr(info->attrs[CSVX_A_PREFIX], prefix);
	*plen = nla_get_u8(info->attrs[CSVX_A_PLEN]);
	if (prefix->family == AF_INET && *plen > 32) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_PLEN],
				    "IPv4 prefix length must be 0..32");
		return -EINVAL;
	}
	if (csvx_addr_host_bits(prefix, *plen)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_PREFIX],
				    "prefix has host bits set");
		return -EINVAL;
	}
	return 0;
}

/* The route as it is now, for replies and notifications. */
static int csvx_route_find(struct csvx_net *cn, const char *vrf_name,
			   const struct csvx_addr *prefix, u8 plen,
			   struct csvx_route_view *v, struct csvx_route *rt)
{
	v->rt = rt;
	v->vrf = csvx_vrf_by_name(&cn->tables, vrf_name);
	if (!v->vrf || csvx_route_get(&cn->tables, v->vrf, prefix, plen, rt))
		return -ENOENT;
	return 0;
}

static struct sk_buff *csvx_route_notify_prepare(struct csvx_net *cn, u8 cmd,
						 const char *vrf,
						 const struct csvx_addr *prefix,
						 u8 plen)
{
	struct csvx_route_view v;
	struct csvx_route rt;

	if (csvx_route_find(cn, vrf, prefix, plen, &v, &rt))
		return NULL;
	return csvx_notify_prepare(cn->net, cmd, csvx_route_fill, &v);
}

int csvx_route_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct csvx_route_spec spec = {};
	const char *msg = NULL;
	struct sk_buff *ntf;
	int err;

	err = csvx_route_key(info, &spec.vrf, &spec.prefix, &spec.plen);
	if (err)
		return err;
	if (csvx_require(info, CSVX_A_REMOTE, NULL))
		return -EINVAL;
	csvx_nla_get_addr(info->attrs[CSVX_A_REMOTE], &spec.remote);
	err = csvx_get_unicast_mac(info, CSVX_A_RMAC, &spec.rmac);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	err = csvx_route_add(&cn->tables, &spec, csvx_info_replace(info), &msg);
	if (err) {
		csvx_set_err(info->extack, NULL, msg);
	} else {
		ntf = csvx_route_notify_prepare(cn, CSVX_CMD_NEW_ROUTE,
						spec.vrf, &spec.prefix,
						spec.plen);
		csvx_notify_send(cn->net, ntf);
	}
	mutex_unlock(&cn->lock);
	return err;
}

int csvx_route_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct csvx_addr prefix;
	const char *msg = NULL;
	struct sk_buff *ntf;
	const char *vrf;
	u8 plen;
	int err;

	err = csvx_route_key(info, &vrf, &prefix, &plen);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	ntf = csvx_route_notify_prepare(cn, CSVX_CMD_DEL_ROUTE, vrf, &prefix,
					plen);
	err = csvx_route_del(&cn->tables, vrf, &prefix, plen, &msg);
	if (err) {
		csvx_set_err(info->extack, NULL, msg);
		nlmsg_free(ntf);
	} else {
		csvx_notify_send(cn->net, ntf);
	}
	mutex_unlock(&cn->lock);
	return err;
}

int csvx_route_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct csvx_route_view v;
	struct csvx_addr prefix;
	struct csvx_route rt;
	const char *vrf;
	u8 plen;
	int err;

	err = csvx_route_key(info, &vrf, &prefix, &plen);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	err = csvx_route_find(cn, vrf, &prefix, plen, &v, &rt);
	if (err && v.vrf)
		NL_SET_ERR_MSG(info->extack, "no such route in this VRF");
	else if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_VRF],
				    "no such VRF");
	else
		err = csvx_reply(info, CSVX_CMD_GET_ROUTE, csvx_route_fill, &v);
	mutex_unlock(&cn->lock);
	return err;
}

static int csvx_vrf_only_fill(struct sk_buff *skb, const void *obj)
{
	return nla_put_string(skb, CSVX_A_VRF, obj);
}

int csvx_route_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct sk_buff *ntf;
	const char *vrf;
	int err;

	err = csvx_get_name(info, CSVX_A_VRF, &vrf);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	if (!csvx_vrf_by_name(&cn->tables, vrf)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_VRF],
				    "no such VRF");
		err = -ENOENT;
	} else if (csvx_route_flush(&cn->tables, vrf)) {
		ntf = csvx_notify_prepare(cn->net, CSVX_CMD_FLUSH_ROUTE,
					  csvx_vrf_only_fill, vrf);
		csvx_notify_send(cn->net, ntf);
	}
	mutex_unlock(&cn->lock);
	return err;
}

static int csvx_route_dump_fn(const struct csvx_vrf *vrf,
			      const struct csvx_route *rt, void *arg)
{
	struct csvx_route_view v = { .vrf = vrf, .rt = rt };

	return csvx_dump_one(arg, &v);
}

static int csvx_route_dump_walk(struct csvx_tables *t, struct csvx_cursor *c,
				struct csvx_dump *d)
{
	const struct csvx_vrf *vrf = NULL;

	if (d->vrf) {
		vrf = csvx_vrf_by_name(t, d->vrf);
		if (!vrf) {
			NL_SET_ERR_MSG(d->cb->extack, "no such VRF");
			return -ENOENT;
		}
	}
	return csvx_route_walk(t, vrf, c, csvx_route_dump_fn, d);
}

int csvx_route_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = csvx_dump_attrs(cb);
	struct csvx_dump d = {
		.skb = skb, .cb = cb, .cmd = CSVX_CMD_GET_ROUTE,
		.fill = csvx_route_fill,
	};

	if (attrs && (attrs[CSVX_A_PREFIX] || attrs[CSVX_A_PLEN])) {
		NL_SET_ERR_MSG(cb->extack, "a route dump filters by VRF only");
		return -EINVAL;
	}
	if (attrs && attrs[CSVX_A_VRF]) {
		d.vrf = nla_data(attrs[CSVX_A_VRF]);
		if (!*d.vrf) {
			NL_SET_ERR_MSG_ATTR(cb->extack, attrs[CSVX_A_VRF],
					    "name must not be empty");
			return -EINVAL;
		}
	}
	return csvx_dump_run(&d, csvx_route_dump_walk);
}
