// SPDX-License-Identifier: GPL-2.0
/*
 * Ports: the local VM interfaces.  A port is bound to its device by
 * ifindex and goes away with it.  Its MAC and IPs are also a local FDB
 * entry of its VNI (ARP/ND suppression and routed delivery find VMs
 * there); a port in a group is filtered (dp/sg_hook.c).
 *
 * Locks: rtnl (the device must not go away between its lookup and the
 * port's creation; the notifier that removes ports runs under rtnl), then
 * the namespace lock.
 */
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>

#include "ctl/genl.h"
#include "dp/sg_hook.h"

static struct csvx_sgs *csvx_sgs_of(struct csvx_tables *t)
{
	return &container_of(t, struct csvx_net, tables)->sg;
}

static int csvx_port_name(struct genl_info *info, const char **ifname)
{
	return csvx_require(info, CSVX_A_IFNAME, "IFNAME is required") ?:
	       csvx_get_name(info, CSVX_A_IFNAME, ifname);
}

static int csvx_port_stats_put(struct sk_buff *skb,
			       const struct csvx_port *port)
{
	u64 stat[CSVX_STAT_MAX + 1] = {}, drop[CSVX_DROP_MAX + 1] = {};
	struct nlattr *nest;
	unsigned int start;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct csvx_port_stats *s = per_cpu_ptr(port->stats, cpu);
		u64 st[CSVX_STAT_MAX + 1], dr[CSVX_DROP_MAX + 1];

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			memcpy(st, s->stat, sizeof(st));
			memcpy(dr, s->drop, sizeof(dr));
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i <= CSVX_STAT_MAX; i++)
			stat[i] += st[i];
		for (i = 0; i <= CSVX_DROP_MAX; i++)
			drop[i] += dr[i];
	}
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

static int csvx_port_fill(struct sk_buff *skb, const void *obj)
{
	const struct csvx_port *port = obj;
	const struct csvx_sg_policy *pol = port->policy;
	struct nlattr *nest;
	int i;

	if (nla_put_string(skb, CSVX_A_IFNAME, port->ifname) ||
	    nla_put_u32(skb, CSVX_A_IFINDEX, port->ifindex) ||
	    nla_put_u32(skb, CSVX_A_VNI, port->vni) ||
	    nla_put(skb, CSVX_A_MAC, ETH_ALEN, port->mac) ||
	    nla_put_u32(skb, CSVX_A_GEN, port->gen))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, CSVX_A_IPS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < port->nr_ips; i++)
		if (csvx_nla_put_addr(skb, CSVX_IPS_A_ADDR, &port->ips[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	nest = nla_nest_start(skb, CSVX_A_SGS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; pol && i < pol->nr; i++)
		if (nla_put_string(skb, CSVX_SGS_A_NAME, pol->sgs[i]->name))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return csvx_port_stats_put(skb, port);
}

/* The IPs and groups of a request, into @spec (names point into it). */
static int csvx_port_parse_lists(struct genl_info *info,
				 struct csvx_port_spec *spec,
				 struct csvx_addr *ips, const char **sgs)
{
	struct nlattr **attrs = info->attrs;
	struct nlattr *attr;
	int rem;

	if (attrs[CSVX_A_IPS]) {
		spec->set_ips = true;
		nla_for_each_nested(attr, attrs[CSVX_A_IPS], rem) {
			if (spec->nr_ips == CSVX_PORT_MAX_IPS) {
				NL_SET_ERR_MSG_ATTR(info->extack, attr,
						    "too many IPs for one port");
				return -E2BIG;
			}
			csvx_nla_get_addr(attr, &ips[spec->nr_ips++]);
		}
	}
	spec->ips = ips;
	if (attrs[CSVX_A_SGS]) {
		spec->set_sgs = true;
		nla_for_each_nested(attr, attrs[CSVX_A_SGS], rem) {
			if (spec->nr_sgs == CSVX_PORT_MAX_SGS) {
				NL_SET_ERR_MSG_ATTR(info->extack, attr,
						    "too many groups for one port");
				return -E2BIG;
			}
			if (!nla_len(attr) || !*(char *)nla_data(attr)) {
				NL_SET_ERR_MSG_ATTR(info->extack, attr,
						    "group name must not be empty");
				return -EINVAL;
			}
			sgs[spec->nr_sgs++] = nla_data(attr);
		}
	}
	spec->sgs = sgs;
	return 0;
}

/* The attribute a port table error is about. */
static struct nlattr *csvx_port_err_attr(struct genl_info *info, int err)
{
	switch (err) {
	case -EEXIST:
		return info->attrs[CSVX_A_MAC] ?: info->attrs[CSVX_A_IFNAME];
	case -ENOENT:
		return info->attrs[CSVX_A_SGS] ?: info->attrs[CSVX_A_IFNAME];
	case -EINVAL:
	case -E2BIG:
		return info->attrs[CSVX_A_IPS] ?: info->attrs[CSVX_A_SGS];
	}
	return NULL;
}

/* Install or refresh the port's local FDB entry (its MAC and IPs). */
static int csvx_port_fdb(struct csvx_net *cn, const struct csvx_port *port,
			 const char **msg)
{
	struct csvx_fdb_spec f = {
		.vni = port->vni,
		.mac = port->mac,
		.ips = port->ips,
		.nr_ips = port->nr_ips,
	};

	/* A local VM overrides whatever the fabric said about its MAC. */
	return csvx_fdb_update(&cn->tables, &f, true, msg);
}

/* Remove the port's FDB entry, unless the MAC has moved elsewhere since. */
static void csvx_port_fdb_del(struct csvx_net *cn, u32 vni, const u8 *mac)
{
	struct csvx_fdb *f = csvx_fdb_lookup(&cn->tables, vni, mac);
	const char *msg;

	if (f && !f->remote.family)
		csvx_fdb_del(&cn->tables, vni, mac, &msg);
}

/*
 * NEW_PORT (@mode add or replace) and SET_PORT (update): prepare the port,
 * then its FDB entry, then commit; a failure at any step leaves nothing.
 */
static int csvx_port_change(struct genl_info *info, enum csvx_port_mode mode)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct nlattr **attrs = info->attrs;
	struct csvx_addr ips[CSVX_PORT_MAX_IPS];
	const char *sgs[CSVX_PORT_MAX_SGS];
	struct csvx_port_spec spec = {};
	const char *ifname, *msg = NULL;
	struct csvx_port_txn txn;
	struct net_device *dev;
	struct csvx_vni *vni;
	struct sk_buff *ntf;
	bool moved;
	int err;

	err = csvx_port_name(info, &ifname);
	if (err)
		return err;
	if (mode != CSVX_PORT_UPDATE) {
		err = csvx_require(info, CSVX_A_VNI, "VNI is required") ?:
		      csvx_require(info, CSVX_A_MAC, "MAC is required");
		if (err)
			return err;
		spec.vni = nla_get_u32(attrs[CSVX_A_VNI]);
		err = csvx_get_unicast_mac(info, CSVX_A_MAC, &spec.mac);
		if (err)
			return err;
	}
	err = csvx_port_parse_lists(info, &spec, ips, sgs);
	if (err)
		return err;

	rtnl_lock();
	dev = __dev_get_by_name(genl_info_net(info), ifname);
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[CSVX_A_IFNAME],
				    "no such device");
		err = -ENODEV;
		goto out_rtnl;
	}
	spec.ifindex = dev->ifindex;
	spec.ifname = dev->name;

	mutex_lock(&cn->lock);
	if (mode != CSVX_PORT_UPDATE) {
		vni = csvx_vni_lookup(&cn->tables, spec.vni);
		if (!vni) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[CSVX_A_VNI],
					    "no such VNI");
			err = -ENOENT;
			goto out;
		}
		spec.zone_is_vni = !vni->vrf;
		spec.zone = vni->vrf ? vni->vrf->id : vni->vni;
	}
	err = csvx_port_prepare(&cn->sg, &spec, mode, &txn, &msg);
	if (err) {
		csvx_set_err(info->extack, csvx_port_err_attr(info, err), msg);
		goto out;
	}
	if (txn.policy) {
		err = csvx_sg_enable(cn, info->extack);
		if (err)
			goto abort;
	}
	if (!txn.old || mode != CSVX_PORT_UPDATE || spec.set_ips) {
		err = csvx_port_fdb(cn, txn.port, &msg);
		if (err) {
			csvx_set_err(info->extack, attrs[CSVX_A_IPS], msg);
			goto abort;
		}
	}
	moved = txn.old && (txn.old->vni != txn.port->vni ||
			    !ether_addr_equal(txn.old->mac, txn.port->mac));
	if (moved)
		csvx_port_fdb_del(cn, txn.old->vni, txn.old->mac);
	csvx_port_commit(&cn->sg, &txn);
	csvx_sg_disable_idle(cn);
	ntf = csvx_notify_prepare(genl_info_net(info),
				  mode == CSVX_PORT_UPDATE ? CSVX_CMD_SET_PORT :
							     CSVX_CMD_NEW_PORT,
				  csvx_port_fill,
				  csvx_port_lookup(&cn->sg, spec.ifindex));
	csvx_notify_send(genl_info_net(info), ntf);
	goto out;
abort:
	csvx_port_abort(&txn);
	csvx_sg_disable_idle(cn);
out:
	mutex_unlock(&cn->lock);
out_rtnl:
	rtnl_unlock();
	return err;
}

int csvx_port_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	return csvx_port_change(info, csvx_info_replace(info) ?
				CSVX_PORT_REPLACE : CSVX_PORT_ADD);
}

int csvx_port_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return csvx_port_change(info, CSVX_PORT_UPDATE);
}

/* Under the lock: a port goes, with its FDB entry; announced. */
static void csvx_port_remove(struct csvx_net *cn, struct csvx_port *port)
{
	struct sk_buff *ntf;
	const char *msg;

	ntf = csvx_notify_prepare(cn->net, CSVX_CMD_DEL_PORT, csvx_port_fill,
				  port);
	csvx_port_fdb_del(cn, port->vni, port->mac);
	csvx_port_del(&cn->sg, port->ifindex, &msg);
	csvx_sg_disable_idle(cn);
	csvx_notify_send(cn->net, ntf);
}

int csvx_port_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct csvx_port *port;
	const char *ifname;
	int err;

	err = csvx_port_name(info, &ifname);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	port = csvx_port_by_name(&cn->sg, ifname);
	if (port) {
		csvx_port_remove(cn, port);
	} else {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_IFNAME],
				    "no such port");
		err = -ENOENT;
	}
	mutex_unlock(&cn->lock);
	return err;
}

int csvx_port_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct csvx_net *cn = csvx_info_net(info);
	struct csvx_port *port;
	const char *ifname;
	int err;

	err = csvx_port_name(info, &ifname);
	if (err)
		return err;

	mutex_lock(&cn->lock);
	port = csvx_port_by_name(&cn->sg, ifname);
	if (port) {
		err = csvx_reply(info, CSVX_CMD_GET_PORT, csvx_port_fill, port);
	} else {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSVX_A_IFNAME],
				    "no such port");
		err = -ENOENT;
	}
	mutex_unlock(&cn->lock);
	return err;
}

static int csvx_port_dump_fn(const struct csvx_port *port, void *arg)
{
	return csvx_dump_one(arg, port);
}

static int csvx_port_dump_walk(struct csvx_tables *t, struct csvx_cursor *c,
			       struct csvx_dump *d)
{
	return csvx_port_walk(csvx_sgs_of(t), c, csvx_port_dump_fn, d);
}

/* Every port; an IFNAME attribute is ignored, as GET_VRF's dump does. */
int csvx_port_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct csvx_dump d = {
		.skb = skb, .cb = cb, .cmd = CSVX_CMD_GET_PORT,
		.fill = csvx_port_fill,
	};

	return csvx_dump_run(&d, csvx_port_dump_walk);
}

/* Under rtnl: a port follows its device's name and goes with it. */
static int csvx_port_netdev_event(struct notifier_block *nb,
				  unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct csvx_net *cn = container_of(nb, struct csvx_net, sg_nb);
	struct csvx_port *port;

	if (event != NETDEV_UNREGISTER && event != NETDEV_CHANGENAME)
		return NOTIFY_DONE;
	if (READ_ONCE(cn->sg_dying))
		return NOTIFY_DONE;
	mutex_lock(&cn->lock);
	port = csvx_port_lookup(&cn->sg, dev->ifindex);
	if (port && event == NETDEV_UNREGISTER)
		csvx_port_remove(cn, port);
	else if (port)
		csvx_port_rename(&cn->sg, dev->ifindex, dev->name);
	mutex_unlock(&cn->lock);
	return NOTIFY_DONE;
}

int csvx_port_notifier_register(struct csvx_net *cn)
{
	cn->sg_nb.notifier_call = csvx_port_netdev_event;
	return register_netdevice_notifier_net(cn->net, &cn->sg_nb);
}

void csvx_port_notifier_unregister(struct csvx_net *cn)
{
	unregister_netdevice_notifier_net(cn->net, &cn->sg_nb);
}
