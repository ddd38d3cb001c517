// SPDX-License-Identifier: GPL-2.0
/*
 * The VTEP device: one net_device of link kind "csvx" per VNI, enslaved to
 * the VNI's bridge.  Frames the bridge hands it are forwarded by
 * csvx_vtep_xmit(); decapsulated frames enter the stack through it.
 *
 * The device and the VNI live and die together: the VNI table entry is
 * removed in ndo_uninit, which every way of removing the device passes
 * through (csvxctl vni del, ip link del, namespace exit, module unload).
 * Lock order: rtnl, then the namespace's table lock.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/ip_fib.h>
#include <net/route.h>
#include <net/rtnetlink.h>

#include "ctl/genl.h"
#include "dp/dp.h"

void csvx_dp_count(struct net_device *dev, enum csvx_stat stat, u64 n)
{
	struct csvx_vtep *vt = netdev_priv(dev);
	struct csvx_pcpu_stats *s = this_cpu_ptr(vt->stats);

	u64_stats_update_begin(&s->syncp);
	s->stat[stat] += n;
	u64_stats_update_end(&s->syncp);
}

void csvx_dp_drop(struct net_device *dev, struct sk_buff *skb,
		  enum csvx_drop reason)
{
	struct csvx_vtep *vt = netdev_priv(dev);
	struct csvx_pcpu_stats *s = this_cpu_ptr(vt->stats);

	u64_stats_update_begin(&s->syncp);
	s->drop[reason]++;
	u64_stats_update_end(&s->syncp);
	DEV_STATS_INC(dev, tx_dropped);
	kfree_skb(skb);
}

void csvx_dp_stats_read(struct net_device *dev, u64 *stat, u64 *drop)
{
	struct csvx_vtep *vt = netdev_priv(dev);
	int cpu, i;

	memset(stat, 0, sizeof(u64) * (CSVX_STAT_MAX + 1));
	memset(drop, 0, sizeof(u64) * (CSVX_DROP_MAX + 1));
	for_each_possible_cpu(cpu) {
		const struct csvx_pcpu_stats *s = per_cpu_ptr(vt->stats, cpu);
		u64 st[CSVX_STAT_MAX + 1], dr[CSVX_DROP_MAX + 1];
		unsigned int start;

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
}

static int csvx_vtep_init(struct net_device *dev)
{
	struct csvx_vtep *vt = netdev_priv(dev);
	int err;

#ifndef CSVX_HAVE_CORE_TSTATS
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;
#endif
	vt->stats = netdev_alloc_pcpu_stats(struct csvx_pcpu_stats);
	if (!vt->stats)
		goto err_stats;
	err = gro_cells_init(&vt->gro_cells, dev);
	if (err)
		goto err_gro;
	return 0;

err_gro:
	free_percpu(vt->stats);
err_stats:
#ifndef CSVX_HAVE_CORE_TSTATS
	free_percpu(dev->tstats);
#endif
	return -ENOMEM;
}

/*
 * Every removal of the device ends here, under rtnl: the VNI goes with it,
 * with its flood list and FDB, so "csvxctl vni show" never lists a VNI
 * whose device is gone.
 */
static void csvx_vtep_uninit(struct net_device *dev)
{
	struct csvx_vtep *vt = netdev_priv(dev);
	struct csvx_net *cn = vt->cn;
	struct sk_buff *ntf = NULL;
	struct csvx_vni *vni;
	const char *msg;

	mutex_lock(&cn->lock);
	vni = csvx_vni_lookup(&cn->tables, vt->vni);
	if (vni && vni->dev == dev) {
		/* Listeners learn of it however the device went. */
		ntf = csvx_notify_prepare(cn->net, CSVX_CMD_DEL_VNI,
					  csvx_vni_fill, vni);
		if (csvx_vni_del(&cn->tables, vt->vni, &msg)) {
			nlmsg_free(ntf);
			ntf = NULL;
		}
	}
	mutex_unlock(&cn->lock);
	csvx_notify_send(cn->net, ntf);

	gro_cells_destroy(&vt->gro_cells);
}

static void csvx_vtep_free(struct net_device *dev)
{
	struct csvx_vtep *vt = netdev_priv(dev);

	free_percpu(vt->stats);
#ifndef CSVX_HAVE_CORE_TSTATS
	free_percpu(dev->tstats);
#endif
}

static int csvx_vtep_open(struct net_device *dev)
{
	netif_carrier_on(dev);
	return 0;
}

static const struct net_device_ops csvx_vtep_ops = {
	.ndo_init		= csvx_vtep_init,
	.ndo_uninit		= csvx_vtep_uninit,
	.ndo_open		= csvx_vtep_open,
	.ndo_start_xmit		= csvx_vtep_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

static void csvx_vtep_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &csvx_vtep_ops;
	dev->rtnl_link_ops = &csvx_link_ops;
	dev->needs_free_netdev = true;
#ifdef CSVX_HAVE_CORE_TSTATS
	/*
	 * The core allocates dev->tstats, and the tunnel transmit helpers
	 * of newer kernels account into whatever type is declared here.
	 */
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
#endif
	dev->priv_destructor = csvx_vtep_free;
	dev->priv_flags |= IFF_NO_QUEUE | IFF_LIVE_ADDR_CHANGE;
	/* Transmit takes no lock: the tables are RCU and stats per CPU. */
#ifdef CSVX_HAVE_NETDEV_LLTX
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
	dev->features |= NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			 NETIF_F_GSO_SOFTWARE;
	dev->hw_features |= dev->features;
	dev->needed_headroom = LL_MAX_HEADER + CSVX_OVERHEAD6;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU - CSVX_OVERHEAD6;
	eth_hw_addr_random(dev);
}

/*
 * ip link add ... type csvx is refused: a VTEP device only makes sense with
 * its VNI, and the VNI is created through the csvx family.
 */
static int csvx_vtep_validate(struct nlattr *tb[], struct nlattr *data[],
			      struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG(extack,
		       "csvx devices are created with 'csvxctl vni add'");
	return -EOPNOTSUPP;
}

static size_t csvx_vtep_get_size(const struct net_device *dev)
{
	return 0;
}

static struct net *csvx_vtep_get_link_net(const struct net_device *dev)
{
	return dev_net(dev);
}

struct rtnl_link_ops csvx_link_ops __read_mostly = {
	.kind		= "csvx",
	.priv_size	= sizeof(struct csvx_vtep),
	.setup		= csvx_vtep_setup,
	.validate	= csvx_vtep_validate,
	.get_size	= csvx_vtep_get_size,
	.get_link_net	= csvx_vtep_get_link_net,
};

/*
 * Default MTU: the underlay's less the encapsulation.  The underlay is the
 * device holding the VTEP source address, unless that is a loopback (the
 * EVPN convention), else the device of the default route.
 */
static u32 csvx_vtep_default_mtu(struct net *net, const struct csvx_addr *local)
{
	unsigned int overhead = local->family == AF_INET6 ? CSVX_OVERHEAD6 :
							   CSVX_OVERHEAD4;
	struct net_device *under = NULL;
	struct flowi4 fl4 = {};
	struct rtable *rt;
	u32 mtu = ETH_DATA_LEN;

	if (local->family == AF_INET)
		under = __ip_dev_find(net, local->ip4, false);
	else if (local->family == AF_INET6)
		under = ipv6_dev_find(net, &local->ip6, NULL);
	if (under && !(under->flags & IFF_LOOPBACK)) {
		mtu = under->mtu;
	} else {
		rt = ip_route_output_key(net, &fl4);
		if (!IS_ERR(rt)) {
			if (!(rt->dst.dev->flags & IFF_LOOPBACK))
				mtu = rt->dst.dev->mtu;
			ip_rt_put(rt);
		}
	}
	return mtu > overhead + ETH_MIN_MTU ? mtu - overhead : ETH_MIN_MTU;
}

/* Under rtnl, before the VNI is in the table. */
int csvx_vtep_create(struct csvx_net *cn, const struct csvx_vni_spec *spec,
		     struct net_device **devp, struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	struct csvx_vtep *vt;
	int err;

	ASSERT_RTNL();
	if (__dev_get_by_name(cn->net, spec->ifname)) {
		NL_SET_ERR_MSG(extack, "a device of that name exists already");
		return -EEXIST;
	}
	dev = alloc_netdev(sizeof(*vt), spec->ifname, NET_NAME_USER,
			   csvx_vtep_setup);
	if (!dev)
		return -ENOMEM;
	dev_net_set(dev, cn->net);
	vt = netdev_priv(dev);
	vt->dev = dev;
	vt->cn = cn;
	vt->vni = spec->vni;
	dev->mtu = spec->mtu ?: csvx_vtep_default_mtu(cn->net, &spec->local);

	err = csvx_sock_open(cn, extack);
	if (err)
		goto err_free;
	err = register_netdevice(dev);
	if (err) {
		NL_SET_ERR_MSG(extack, "could not register the VTEP device");
		goto err_free;
	}
	*devp = dev;
	return 0;

err_free:
	free_netdev(dev);
	return err;
}

/* Namespace exit: queue every VTEP device of @net for unregistering. */
void csvx_vtep_destroy_all(struct net *net, struct list_head *kill)
{
	struct net_device *dev, *aux;

	ASSERT_RTNL();
	for_each_netdev_safe(net, dev, aux)
		if (dev->rtnl_link_ops == &csvx_link_ops)
			unregister_netdevice_queue(dev, kill);
}

int csvx_dp_init(void)
{
	return rtnl_link_register(&csvx_link_ops);
}

void csvx_dp_exit(void)
{
	rtnl_link_unregister(&csvx_link_ops);
}
