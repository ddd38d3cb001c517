// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: the encap handler of the namespace's VXLAN UDP sockets.
 *
 *   VNI of a local segment -> the frame enters the stack through that VNI's
 *                             VTEP device (and so its bridge), via GRO cells
 *   L3VNI of a VRF         -> routed in the VRF to a local VNI (route.c)
 *   anything else          -> dropped and counted on the namespace
 *
 * The UDP layer has verified the outer checksum before calling us (a zero
 * IPv4 checksum is accepted, IPv6 requires one: RFC 7348 section 4.1).
 */
#include <linux/etherdevice.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/udp_tunnel.h>
#include <net/vxlan.h>

#include "dp/dp.h"

/*
 * Copy congestion marks from the outer header into the inner one, and drop
 * what RFC 6040 says to drop (CE outside, not-ECT inside).  skb->data and
 * the network header are at the inner IP header.
 */
static bool csvx_ecn_decap(struct sk_buff *skb, u8 outer_tos)
{
	u8 inner;

	switch (skb->protocol) {
	case htons(ETH_P_IP):
		if (!pskb_may_pull(skb, sizeof(struct iphdr)))
			return true;
		inner = ip_hdr(skb)->tos;
		break;
	case htons(ETH_P_IPV6):
		if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)))
			return true;
		inner = ipv6_get_dsfield(ipv6_hdr(skb));
		break;
	default:
		return true;
	}
	return INET_ECN_decapsulate(skb, outer_tos, inner) <= 1;
}

int csvx_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct csvx_net *cn = rcu_dereference_sk_user_data(sk);
	struct csvx_vni *vni;
	struct csvx_vrf *vrf;
	struct vxlanhdr *vxh;
	u8 outer_tos;
	u32 id;

	if (unlikely(!cn)) {
		kfree_skb(skb);
		return 0;
	}
	if (!pskb_may_pull(skb, VXLAN_HLEN)) {
		csvx_dp_ns_drop(cn, skb, CSVX_DROP_BAD_HEADER);
		return 0;
	}
	vxh = (struct vxlanhdr *)(udp_hdr(skb) + 1);
	if (!(vxh->vx_flags & VXLAN_HF_VNI) || (vxh->vx_vni & htonl(0xff))) {
		csvx_dp_ns_drop(cn, skb, CSVX_DROP_BAD_HEADER);
		return 0;
	}
	id = be32_to_cpu(vxh->vx_vni) >> 8;
	outer_tos = ip_hdr(skb)->version == 6 ? ipv6_get_dsfield(ipv6_hdr(skb)) :
						ip_hdr(skb)->tos;

	if (iptunnel_pull_header(skb, VXLAN_HLEN, htons(ETH_P_TEB),
				 !net_eq(cn->net, dev_net(skb->dev))) ||
	    !pskb_may_pull(skb, ETH_HLEN)) {
		csvx_dp_ns_drop(cn, skb, CSVX_DROP_BAD_HEADER);
		return 0;
	}
	skb_reset_mac_header(skb);

	vni = csvx_vni_lookup(&cn->tables, id);
	if (vni && vni->dev) {
		struct net_device *dev = vni->dev;
		struct csvx_vtep *vt = netdev_priv(dev);

		skb->protocol = eth_type_trans(skb, dev);
		skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
		/* Our own frames coming back mean a forwarding loop. */
		if (ether_addr_equal(eth_hdr(skb)->h_source, dev->dev_addr)) {
			csvx_dp_drop(dev, skb, CSVX_DROP_LOOP);
			return 0;
		}
		skb_reset_network_header(skb);
		if (!csvx_ecn_decap(skb, outer_tos)) {
			csvx_dp_drop(dev, skb, CSVX_DROP_BAD_HEADER);
			return 0;
		}
		csvx_dp_count(dev, CSVX_STAT_RX_PACKETS, 1);
		csvx_dp_count(dev, CSVX_STAT_RX_BYTES, skb->len + ETH_HLEN);
		dev_sw_netstats_rx_add(dev, skb->len + ETH_HLEN);
		gro_cells_receive(&vt->gro_cells, skb);
		return 0;
	}

	vrf = csvx_vrf_by_l3vni(&cn->tables, id);
	if (vrf) {
		csvx_route_from_l3vni(cn, vrf, skb);
		return 0;
	}
	csvx_dp_ns_drop(cn, skb, CSVX_DROP_UNKNOWN_VNI);
	return 0;
}
