/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CSVX_DP_H
#define _CSVX_DP_H

#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <net/gro_cells.h>

#include "netns.h"

/* VXLAN: outer IPv4/IPv6 + UDP + VXLAN header + inner Ethernet. */
#define CSVX_OVERHEAD4	(20 + 8 + 8 + ETH_HLEN)
#define CSVX_OVERHEAD6	(40 + 8 + 8 + ETH_HLEN)

/* Per-CPU counters of one VTEP device, beyond the netdev's own. */
struct csvx_pcpu_stats {
	u64 stat[CSVX_STAT_MAX + 1];
	u64 drop[CSVX_DROP_MAX + 1];
	struct u64_stats_sync syncp;
};

/* net_device private area of a VTEP device: one per VNI. */
struct csvx_vtep {
	struct net_device *dev;
	struct csvx_net *cn;
	u32 vni;
	struct csvx_pcpu_stats __percpu *stats;
	struct gro_cells gro_cells;
};

void csvx_dp_count(struct net_device *dev, enum csvx_stat stat, u64 n);
void csvx_dp_drop(struct net_device *dev, struct sk_buff *skb,
		  enum csvx_drop reason);
/* A drop that belongs to no VTEP device (e.g. an unknown VNI received). */
static inline void csvx_dp_ns_drop(struct csvx_net *cn, struct sk_buff *skb,
				   enum csvx_drop reason)
{
	atomic_long_inc(&cn->drop[reason]);
	kfree_skb(skb);
}

void csvx_dp_stats_read(struct net_device *dev, u64 *stat, u64 *drop);

/* vtep_dev.c */
extern struct rtnl_link_ops csvx_link_ops;
int csvx_vtep_create(struct csvx_net *cn, const struct csvx_vni_spec *spec,
		     struct net_device **devp, struct netlink_ext_ack *extack);
void csvx_vtep_destroy_all(struct net *net, struct list_head *kill);
int csvx_dp_init(void);
void csvx_dp_exit(void);

/*
 * sock.c: the namespace's VXLAN UDP sockets (IPv4 and IPv6), opened with
 * the first VTEP device and closed with the namespace; under rtnl.
 */
int csvx_sock_open(struct csvx_net *cn, struct netlink_ext_ack *extack);
int csvx_sock_set_port(struct csvx_net *cn, u16 port,
		       struct netlink_ext_ack *extack);
void csvx_sock_close(struct csvx_net *cn);

/* xmit.c */
netdev_tx_t csvx_vtep_xmit(struct sk_buff *skb, struct net_device *dev);
void csvx_encap(struct csvx_net *cn, struct net_device *dev, struct sk_buff *skb,
		u32 vni, const struct csvx_addr *local,
		const struct csvx_addr *remote);

/* rcv.c */
int csvx_encap_rcv(struct sock *sk, struct sk_buff *skb);

/* arp_nd.c: answers for ARP/ND asked of the VNI; true if consumed */
bool csvx_arp_nd_suppress(struct csvx_net *cn, struct csvx_vni *vni,
			  struct net_device *dev, struct sk_buff *skb);

/* route.c: symmetric IRB */
void csvx_route_from_vm(struct csvx_net *cn, struct csvx_vni *vni,
			struct net_device *dev, struct sk_buff *skb);
void csvx_route_from_l3vni(struct csvx_net *cn, struct csvx_vrf *vrf,
			   struct sk_buff *skb);
void csvx_deliver_local(struct csvx_net *cn, struct csvx_vni *vni,
			struct sk_buff *skb, const struct csvx_addr *dst);

#endif /* _CSVX_DP_H */
