// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: a frame the bridge hands to a VTEP device.
 *
 *   ARP/ND asking for a known IP  -> answered locally (arp_nd.c)
 *   to the anycast gateway MAC    -> routed in the VNI's VRF (route.c)
 *   known remote unicast MAC      -> encapsulated to that VTEP
 *   broadcast, multicast, unknown -> one copy to each VTEP of the flood list
 *
 * Everything is read under RCU; nothing here takes a lock or allocates
 * beyond the clones head-end replication needs.
 */
#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/dsfield.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp_tunnel.h>
#include <net/vxlan.h>

#include "dp/dp.h"

static void csvx_encap4(struct csvx_net *cn, struct net_device *dev,
			struct sk_buff *skb, const struct csvx_addr *local,
			const struct csvx_addr *remote, __be16 sport,
			__be16 dport, u8 tos)
{
	struct socket *sock = rcu_dereference(cn->sock4);
	struct flowi4 fl4 = {
		.daddr = remote->ip4,
		.saddr = local->family == AF_INET ? local->ip4 : 0,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = sport,
		.fl4_dport = dport,
	};
	struct rtable *rt;

	if (!sock)
		goto drop;
	rt = ip_route_output_key(cn->net, &fl4);
	if (IS_ERR(rt))
		goto drop;
	if (rt->dst.dev == dev) {
		ip_rt_put(rt);
		csvx_dp_drop(dev, skb, CSVX_DROP_LOOP);
		return;
	}
	/* Zero UDP checksum over IPv4, as RFC 7348 says and the kernel's
	 * vxlan driver does by default; the inner frame carries its own.
	 */
	udp_tunnel_xmit_skb(rt, sock->sk, skb, fl4.saddr, fl4.daddr, tos,
			    ip4_dst_hoplimit(&rt->dst), 0, sport, dport,
			    false, true);
	return;
drop:
	csvx_dp_drop(dev, skb, CSVX_DROP_UNDERLAY);
}

#if IS_ENABLED(CONFIG_IPV6)
static void csvx_encap6(struct csvx_net *cn, struct net_device *dev,
			struct sk_buff *skb, const struct csvx_addr *local,
			const struct csvx_addr *remote, __be16 sport,
			__be16 dport, u8 tos)
{
	struct socket *sock = rcu_dereference(cn->sock6);
	struct flowi6 fl6 = {
		.daddr = remote->ip6,
		.flowi6_proto = IPPROTO_UDP,
		.fl6_sport = sport,
		.fl6_dport = dport,
	};
	struct dst_entry *dst;

	if (!sock)
		goto drop;
	if (local->family == AF_INET6)
		fl6.saddr = local->ip6;
	dst = ipv6_stub->ipv6_dst_lookup_flow(cn->net, sock->sk, &fl6, NULL);
	if (IS_ERR(dst))
		goto drop;
	if (dst->dev == dev) {
		dst_release(dst);
		csvx_dp_drop(dev, skb, CSVX_DROP_LOOP);
		return;
	}
	udp_tunnel6_xmit_skb(dst, sock->sk, skb, dev, &fl6.saddr, &fl6.daddr,
			     tos, ip6_dst_hoplimit(dst), 0, sport, dport,
			     false);
	return;
drop:
	csvx_dp_drop(dev, skb, CSVX_DROP_UNDERLAY);
}
#endif

/* The outer header carries the inner packet's ECN bits (RFC 6040). */
static u8 csvx_inner_ecn(struct sk_buff *skb)
{
	__be16 proto = ((const struct ethhdr *)skb->data)->h_proto;

	if (proto == htons(ETH_P_IP) &&
	    pskb_may_pull(skb, ETH_HLEN + sizeof(struct iphdr)))
		return INET_ECN_encapsulate(0,
			((const struct iphdr *)(skb->data + ETH_HLEN))->tos);
	if (proto == htons(ETH_P_IPV6) &&
	    pskb_may_pull(skb, ETH_HLEN + sizeof(struct ipv6hdr)))
		return INET_ECN_encapsulate(0,
			ipv6_get_dsfield((const struct ipv6hdr *)(skb->data + ETH_HLEN)));
	return 0;
}

/*
 * Push the VXLAN header and send @skb (an Ethernet frame, skb->data at its
 * MAC header) to @remote.  Consumes @skb.  Called under RCU.
 */
void csvx_encap(struct csvx_net *cn, struct net_device *dev, struct sk_buff *skb,
		u32 vni, const struct csvx_addr *local,
		const struct csvx_addr *remote)
{
	__be16 dport = htons(READ_ONCE(cn->tables.limit[CSVX_PARAM_UDP_PORT]));
	unsigned int len = skb->len;
	struct vxlanhdr *vxh;
	__be16 sport;
	u8 tos;

	/* The source port spreads flows over the underlay's ECMP paths. */
	sport = udp_flow_src_port(cn->net, skb, 0, 0, true);
	tos = csvx_inner_ecn(skb);

	if (skb_cow_head(skb, LL_MAX_HEADER + CSVX_OVERHEAD6) ||
	    iptunnel_handle_offloads(skb, SKB_GSO_UDP_TUNNEL)) {
		csvx_dp_drop(dev, skb, CSVX_DROP_NOMEM);
		return;
	}
	vxh = __skb_push(skb, sizeof(*vxh));
	vxh->vx_flags = VXLAN_HF_VNI;
	vxh->vx_vni = cpu_to_be32(vni << 8);
	skb_set_inner_protocol(skb, htons(ETH_P_TEB));

	/* The device's own tx counters are iptunnel_xmit()'s to bump, as
	 * for the kernel's vxlan devices; adding here counted each frame twice.
	 */
	csvx_dp_count(dev, CSVX_STAT_TX_PACKETS, 1);
	csvx_dp_count(dev, CSVX_STAT_TX_BYTES, len);

	if (remote->family == AF_INET)
		csvx_encap4(cn, dev, skb, local, remote, sport, dport, tos);
#if IS_ENABLED(CONFIG_IPV6)
	else
		csvx_encap6(cn, dev, skb, local, remote, sport, dport, tos);
#endif
}

/* Head-end replication: one copy per remote VTEP of the VNI. */
static void csvx_flood(struct csvx_net *cn, struct csvx_vni *vni,
		       struct net_device *dev, struct sk_buff *skb)
{
	struct csvx_flood *fl = rcu_dereference(vni->flood);
	struct sk_buff *copy;
	u32 i;

	if (!fl || !fl->nr) {
		csvx_dp_drop(dev, skb, CSVX_DROP_NO_FLOOD);
		return;
	}
	csvx_dp_count(dev, CSVX_STAT_TX_FLOOD, 1);
	for (i = 0; i + 1 < fl->nr; i++) {
		copy = skb_clone(skb, GFP_ATOMIC);
		if (!copy) {
			DEV_STATS_INC(dev, tx_dropped);
			continue;
		}
		csvx_encap(cn, dev, copy, vni->vni, &vni->local, &fl->remote[i]);
	}
	csvx_encap(cn, dev, skb, vni->vni, &vni->local, &fl->remote[i]);
}

netdev_tx_t csvx_vtep_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct csvx_vtep *vt = netdev_priv(dev);
	struct csvx_net *cn = vt->cn;
	const struct ethhdr *eth;
	struct csvx_vni *vni;
	struct csvx_fdb *f;

	rcu_read_lock();
	vni = csvx_vni_lookup(&cn->tables, vt->vni);
	if (unlikely(!vni || vni->dev != dev)) {
		csvx_dp_drop(dev, skb, CSVX_DROP_UNKNOWN_VNI);
		goto out;
	}
	if (unlikely(!pskb_may_pull(skb, ETH_HLEN))) {
		csvx_dp_drop(dev, skb, CSVX_DROP_BAD_HEADER);
		goto out;
	}
	skb_reset_mac_header(skb);
	eth = eth_hdr(skb);

	/* Before the multicast test: neighbour refreshes arrive unicast. */
	if (csvx_arp_nd_suppress(cn, vni, dev, skb))
		goto out;
	eth = eth_hdr(skb);
	if (is_multicast_ether_addr(eth->h_dest)) {
		csvx_flood(cn, vni, dev, skb);
		goto out;
	}
	if (vni->vrf && vni->gw.family &&
	    ether_addr_equal(eth->h_dest, vni->gw_mac)) {
		csvx_route_from_vm(cn, vni, dev, skb);
		goto out;
	}
	f = csvx_fdb_lookup(&cn->tables, vni->vni, eth->h_dest);
	if (f && f->remote.family)
		csvx_encap(cn, dev, skb, vni->vni, &vni->local, &f->remote);
	else if (f)
		/* A local MAC reached the VTEP: the bridge has not learnt it
		 * yet; sending it into the overlay would loop it back.
		 */
		csvx_dp_drop(dev, skb, CSVX_DROP_LOOP);
	else
		csvx_flood(cn, vni, dev, skb);
out:
	rcu_read_unlock();
	return NETDEV_TX_OK;
}
