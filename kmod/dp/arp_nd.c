// SPDX-License-Identifier: GPL-2.0
/*
 * ARP and IPv6 neighbour discovery suppression.
 *
 * A VM asking who has an IP that csvx knows — the VNI's anycast gateway or
 * an IP of a MAC in the FDB (remote EVPN type-2 MAC/IP, or a local MAC
 * with its IPs) — is answered on the spot, from the VTEP device, so the
 * request never crosses the underlay.  Anything else is flooded as usual.
 */
#include <linux/etherdevice.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/ipv6.h>
#include <net/arp.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/ndisc.h>

#include "dp/dp.h"

/* The MAC that owns @ip in @vni, or NULL. */
static const u8 *csvx_neigh_mac(struct csvx_net *cn, struct csvx_vni *vni,
				const struct csvx_addr *ip, bool *router)
{
	struct csvx_fdb *f;

	*router = false;
	if (vni->gw.family && csvx_addr_equal(&vni->gw, ip)) {
		*router = true;
		return vni->gw_mac;
	}
	f = csvx_fdb_lookup_ip(&cn->tables, vni->vni, ip);
	return f ? f->mac : NULL;
}

/* Hand a frame we built up the VTEP device, towards the asking VM. */
static void csvx_reply_up(struct net_device *dev, struct sk_buff *reply,
			  enum csvx_stat stat)
{
	reply->protocol = eth_type_trans(reply, dev);
	csvx_dp_count(dev, stat, 1);
	dev_sw_netstats_rx_add(dev, reply->len + ETH_HLEN);
	netif_rx(reply);
}

static bool csvx_arp_suppress(struct csvx_net *cn, struct csvx_vni *vni,
			      struct net_device *dev, struct sk_buff *skb)
{
	const unsigned int len = ETH_HLEN + arp_hdr_len(dev);
	const struct arphdr *arp;
	const u8 *sha, *mac;
	struct csvx_addr tip = { .family = AF_INET };
	struct sk_buff *reply;
	__be32 sip;
	bool router;

	if (!pskb_may_pull(skb, len))
		return false;
	arp = (const struct arphdr *)(skb->data + ETH_HLEN);
	if (arp->ar_op != htons(ARPOP_REQUEST) ||
	    arp->ar_hrd != htons(ARPHRD_ETHER) ||
	    arp->ar_pro != htons(ETH_P_IP) ||
	    arp->ar_hln != ETH_ALEN || arp->ar_pln != 4)
		return false;
	sha = (const u8 *)(arp + 1);
	memcpy(&sip, sha + ETH_ALEN, 4);
	memcpy(&tip.ip4, sha + ETH_ALEN + 4 + ETH_ALEN, 4);
	/* Gratuitous ARP announces a move: let everybody hear it. */
	if (sip == tip.ip4 || ipv4_is_multicast(tip.ip4))
		return false;

	mac = csvx_neigh_mac(cn, vni, &tip, &router);
	if (!mac || ether_addr_equal(mac, sha))
		return false;
	reply = arp_create(ARPOP_REPLY, ETH_P_ARP, sip, dev, tip.ip4, sha, mac,
			   sha);
	if (!reply)
		return false;
	csvx_reply_up(dev, reply, CSVX_STAT_ARP_SUPPRESSED);
	consume_skb(skb);
	return true;
}

#if IS_ENABLED(CONFIG_IPV6)
struct csvx_na {
	struct ethhdr eth;
	struct ipv6hdr ip6;
	struct nd_msg nd;
	struct nd_opt_hdr opt;
	u8 lladdr[ETH_ALEN];
} __packed;

static bool csvx_nd_suppress(struct csvx_net *cn, struct csvx_vni *vni,
			     struct net_device *dev, struct sk_buff *skb)
{
	const unsigned int len = ETH_HLEN + sizeof(struct ipv6hdr) +
				 sizeof(struct nd_msg);
	struct csvx_addr target = { .family = AF_INET6 };
	const struct ipv6hdr *ip6h;
	const struct nd_msg *ns;
	const struct ethhdr *eth;
	struct sk_buff *reply;
	struct csvx_na *na;
	const u8 *mac;
	bool router;

	if (!pskb_may_pull(skb, len))
		return false;
	eth = (const struct ethhdr *)skb->data;
	ip6h = (const struct ipv6hdr *)(eth + 1);
	ns = (const struct nd_msg *)(ip6h + 1);
	if (ip6h->nexthdr != IPPROTO_ICMPV6 || ip6h->hop_limit != 255 ||
	    ns->icmph.icmp6_type != NDISC_NEIGHBOUR_SOLICITATION ||
	    ns->icmph.icmp6_code != 0 || ipv6_addr_is_multicast(&ns->target))
		return false;
	/* Duplicate address detection must reach the real owner. */
	if (ipv6_addr_any(&ip6h->saddr))
		return false;
	target.ip6 = ns->target;
	mac = csvx_neigh_mac(cn, vni, &target, &router);
	if (!mac || ether_addr_equal(mac, eth->h_source))
		return false;

	reply = alloc_skb(LL_RESERVED_SPACE(dev) + sizeof(*na), GFP_ATOMIC);
	if (!reply)
		return false;
	skb_reserve(reply, LL_RESERVED_SPACE(dev));
	na = skb_put_zero(reply, sizeof(*na));
	ether_addr_copy(na->eth.h_dest, eth->h_source);
	ether_addr_copy(na->eth.h_source, mac);
	na->eth.h_proto = htons(ETH_P_IPV6);
	na->ip6.version = 6;
	na->ip6.payload_len = htons(sizeof(na->nd) + sizeof(na->opt) +
				    sizeof(na->lladdr));
	na->ip6.nexthdr = IPPROTO_ICMPV6;
	na->ip6.hop_limit = 255;
	na->ip6.saddr = ns->target;
	na->ip6.daddr = ip6h->saddr;
	na->nd.icmph.icmp6_type = NDISC_NEIGHBOUR_ADVERTISEMENT;
	na->nd.icmph.icmp6_router = router;
	na->nd.icmph.icmp6_solicited = 1;
	na->nd.icmph.icmp6_override = !router;
	na->nd.target = ns->target;
	na->opt.nd_opt_type = ND_OPT_TARGET_LL_ADDR;
	na->opt.nd_opt_len = 1;
	ether_addr_copy(na->lladdr, mac);
	na->nd.icmph.icmp6_cksum =
		csum_ipv6_magic(&na->ip6.saddr, &na->ip6.daddr,
				ntohs(na->ip6.payload_len), IPPROTO_ICMPV6,
				csum_partial(&na->nd, ntohs(na->ip6.payload_len),
					     0));
	reply->dev = dev;
	csvx_reply_up(dev, reply, CSVX_STAT_ND_SUPPRESSED);
	consume_skb(skb);
	return true;
}
#endif

bool csvx_arp_nd_suppress(struct csvx_net *cn, struct csvx_vni *vni,
			  struct net_device *dev, struct sk_buff *skb)
{
	__be16 proto = ((const struct ethhdr *)skb->data)->h_proto;

	if (proto == htons(ETH_P_ARP))
		return csvx_arp_suppress(cn, vni, dev, skb);
#if IS_ENABLED(CONFIG_IPV6)
	if (proto == htons(ETH_P_IPV6))
		return csvx_nd_suppress(cn, vni, dev, skb);
#endif
	return false;
}
