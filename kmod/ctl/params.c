// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace-wide tunables and table limits.
 */
#include <linux/rtnetlink.h>

#include "ctl/genl.h"
#include "dp/dp.h"

static int csvx_params_fill(struct sk_buff *skb, const void *obj)
{
	const struct csvx_tables *t = obj;
	struct nlattr *nest;
	int i;

	if (nla_put_u32(skb, CSVX_A_VERSION, CSVX_GENL_VERSION) ||
	    nla_put_string(skb, CSVX_A_MOD_VERSION, CSVX_MOD_VERSION))
		return -EMSGSIZE;

	nest = nla_nest_start(skb, CSVX_A_PARAMS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i <= CSVX_PARAM_MAX; i++)
		if (nla_put_u32(skb, i, t->limit[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);

	nest = nla_nest_start(skb, CSVX_A_USAGE);
	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i <= CSVX_PARAM_MAX; i++) {
		if (i == CSVX_PARAM_UDP_PORT)
			continue;
		if (nla_put_u32(skb, i, t->count[i]))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int csvx_params_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	int err;

	mutex_lock(&cn->lock);
	err = csvx_reply(info, CSVX_CMD_GET_PARAMS, csvx_params_fill,
			 &cn->tables);
	mutex_unlock(&cn->lock);
	return err;
}

int csvx_params_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct nlattr *tb[CSVX_PARAM_MAX + 1];
	struct csvx_tables *t = &cn->tables;
	struct sk_buff *ntf;
	int err, i;

	if (csvx_require(info, CSVX_A_PARAMS, NULL))
		return -EINVAL;
	/* The family policy validated the nest already. */
	err = nla_parse_nested(tb, CSVX_PARAM_MAX, info->attrs[CSVX_A_PARAMS],
			       NULL, info->extack);
	if (err)
		return err;

	/* A new UDP port reopens the sockets, which needs rtnl (taken before
	 * the table lock, as everywhere).
	 */
	rtnl_lock();
	mutex_lock(&cn->lock);
	/* Check everything first: a refused request changes nothing. */
	for (i = 1; i <= CSVX_PARAM_MAX; i++) {
		if (!tb[i] || i == CSVX_PARAM_UDP_PORT)
			continue;
		if (nla_get_u32(tb[i]) < t->count[i]) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[i],
					    "limit is below the number of entries in use");
			err = -EBUSY;
			goto out;
		}
	}
	/* The last step that can fail; nothing has changed before it. */
	if (tb[CSVX_PARAM_UDP_PORT]) {
		err = csvx_sock_set_port(cn, nla_get_u32(tb[CSVX_PARAM_UDP_PORT]),
					 info->extack);
		if (err)
			goto out;
	}
	for (i = 1; i <= CSVX_PARAM_MAX; i++)
		if (tb[i])
			WRITE_ONCE(t->limit[i], nla_get_u32(tb[i]));
	t->gen++;
	ntf = csvx_notify_prepare(genl_info_net(info), CSVX_CMD_SET_PARAMS,
				  csvx_params_fill, t);
	csvx_notify_send(genl_info_net(info), ntf);
out:
	mutex_unlock(&cn->lock);
	rtnl_unlock();
	return err;
}
