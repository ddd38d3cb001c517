// SPDX-License-Identifier: GPL-2.0
/*
 * Symmetric IRB: frames sent to the anycast gateway MAC are routed in the
 * VNI's VRF.  A remote prefix goes over the VRF's L3VNI with the remote
 * router MAC as inner destination; a local subnet (connected route) is
 * delivered to the VM owning the address, MACs rewritten.  The receiving
 * VTEP routes once more from the L3VNI to its local VNI, so TTL drops by
 * two across hosts, as with any symmetric IRB fabric.
 */
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/ip.h>

#include "dp/dp.h"

/* The destination of the IP packet after the Ethernet header at skb->data. */
static int csvx_route_parse(struct sk_buff *skb, struct csvx_addr *dst)
{
	__be16 proto = ((const struct ethhdr *)skb->data)->h_proto;

	memset(dst, 0, sizeof(*dst));
	if (proto == htons(ETH_P_IP)) {
		const struct iphdr *iph;

		if (!pskb_may_pull(skb, ETH_HLEN + sizeof(*iph)))
			return -EINVAL;
		iph = (const struct iphdr *)(skb->data + ETH_HLEN);
		if (iph->version != 4 || iph->ihl < 5 ||
		    ipv4_is_multicast(iph->daddr) || ipv4_is_lbcast(iph->daddr))
			return -EINVAL;
		dst->family = AF_INET;
		dst->ip4 = iph->daddr;
		return 0;
	}
	if (proto == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6h;

		if (!pskb_may_pull(skb, ETH_HLEN + sizeof(*ip6h)))
			return -EINVAL;
		ip6h = (const struct ipv6hdr *)(skb->data + ETH_HLEN);
		if (ip6h->version != 6 || ipv6_addr_is_multicast(&ip6h->daddr))
			return -EINVAL;
		dst->family = AF_INET6;
		dst->ip6 = ip6h->daddr;
		return 0;
	}
	return -EPROTONOSUPPORT;
}

/* Decrement TTL / hop limit; false if the packet must not be forwarded. */
static bool csvx_route_dec_ttl(struct sk_buff *skb, int family)
{
	if (family == AF_INET) {
		struct iphdr *iph;

		if (skb_ensure_writable(skb, ETH_HLEN + sizeof(*iph)))
			return false;
		iph = (struct iphdr *)(skb->data + ETH_HLEN);
		if (iph->ttl <= 1)
			return false;
		ip_decrease_ttl(iph);
	} else {
		struct ipv6hdr *ip6h;

		if (skb_ensure_writable(skb, ETH_HLEN + sizeof(*ip6h)))
			return false;
		ip6h = (struct ipv6hdr *)(skb->data + ETH_HLEN);
		if (ip6h->hop_limit <= 1)
			return false;
		ip6h->hop_limit--;
	}
	return true;
}

static void csvx_set_macs(struct sk_buff *skb, const u8 *dst, const u8 *src)
{
	struct ethhdr *eth = (struct ethhdr *)skb->data;

	ether_addr_copy(eth->h_dest, dst);
	ether_addr_copy(eth->h_source, src);
}

/*
 * Deliver a routed packet (skb->data at its Ethernet header, TTL already
 * decremented) to the owner of @dst in the local VNI @vni: a local VM goes
 * up the VNI's device into its bridge, a VM behind another VTEP of the
 * stretched subnet is bridged to it over the VNI.
 */
void csvx_deliver_local(struct csvx_net *cn, struct csvx_vni *vni,
			struct sk_buff *skb, const struct csvx_addr *dst)
{
	struct net_device *dev = vni->dev;
	const u8 *src_mac;
	struct csvx_fdb *f;
	unsigned int len;

	if (!dev) {
		csvx_dp_ns_drop(cn, skb, CSVX_DROP_NO_ROUTE);
		return;
	}
	f = csvx_fdb_lookup_ip(&cn->tables, vni->vni, dst);
	if (!f) {
		csvx_dp_drop(dev, skb, CSVX_DROP_NO_NEIGH);
		return;
	}
	src_mac = vni->gw.family ? vni->gw_mac : dev->dev_addr;
	if (skb_ensure_writable(skb, ETH_HLEN)) {
		csvx_dp_drop(dev, skb, CSVX_DROP_NOMEM);
		return;
	}
	csvx_set_macs(skb, f->mac, src_mac);
	csvx_dp_count(dev, CSVX_STAT_ROUTED, 1);
	if (f->remote.family) {
		csvx_encap(cn, dev, skb, vni->vni, &vni->local, &f->remote);
		return;
	}
	skb_scrub_packet(skb, false);
	len = skb->len;
	skb->protocol = eth_type_trans(skb, dev);
	csvx_dp_count(dev, CSVX_STAT_RX_PACKETS, 1);
	csvx_dp_count(dev, CSVX_STAT_RX_BYTES, len);
	dev_sw_netstats_rx_add(dev, len);
	netif_rx(skb);
}

/* Transmit path: a frame from a VM to the anycast gateway MAC. */
void csvx_route_from_vm(struct csvx_net *cn, struct csvx_vni *vni,
			struct net_device *dev, struct sk_buff *skb)
{
	struct csvx_vrf *vrf = vni->vrf;
	const struct csvx_nexthop *nh;
	struct csvx_addr dst;
	u8 rmac[ETH_ALEN], nh_mac[ETH_ALEN];

	if (csvx_route_parse(skb, &dst)) {
		csvx_dp_drop(dev, skb, CSVX_DROP_NO_ROUTE);
		return;
	}
	nh = csvx_route_lookup(&cn->tables, vrf, &dst);
	if (!nh) {
		csvx_dp_drop(dev, skb, CSVX_DROP_NO_ROUTE);
		return;
	}
	if (!csvx_route_dec_ttl(skb, dst.family)) {
		csvx_dp_drop(dev, skb, CSVX_DROP_TTL);
		return;
	}
	if (!nh->remote.family) {
		csvx_deliver_local(cn, nh->vni, skb, &dst);
		return;
	}
	u64_to_ether_addr(nh->rmac, nh_mac);
	u64_to_ether_addr(READ_ONCE(vrf->rmac), rmac);
	csvx_set_macs(skb, nh_mac, rmac);
	csvx_dp_count(dev, CSVX_STAT_ROUTED, 1);
	csvx_encap(cn, dev, skb, vrf->l3vni, &vni->local, &nh->remote);
}

/*
 * Receive path: a frame that arrived on a VRF's L3VNI (skb->data at its
 * Ethernet header).  Only our router MAC and local subnets are accepted:
 * csvx does not transit-route between VTEPs.
 */
void csvx_route_from_l3vni(struct csvx_net *cn, struct csvx_vrf *vrf,
			   struct sk_buff *skb)
{
	const struct ethhdr *eth = (const struct ethhdr *)skb->data;
	const struct csvx_nexthop *nh;
	struct csvx_addr dst;

	if (ether_addr_to_u64(eth->h_dest) != READ_ONCE(vrf->rmac) ||
	    csvx_route_parse(skb, &dst)) {
		csvx_dp_ns_drop(cn, skb, CSVX_DROP_BAD_HEADER);
		return;
	}
	nh = csvx_route_lookup(&cn->tables, vrf, &dst);
	if (!nh || nh->remote.family) {
		csvx_dp_ns_drop(cn, skb, CSVX_DROP_NO_ROUTE);
		return;
	}
	if (!csvx_route_dec_ttl(skb, dst.family)) {
		csvx_dp_ns_drop(cn, skb, CSVX_DROP_TTL);
		return;
	}
	csvx_deliver_local(cn, nh->vni, skb, &dst);
}
