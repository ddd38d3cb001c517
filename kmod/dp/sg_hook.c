// SPDX-License-Identifier: GPL-2.0
/*
 * Security groups on the bridge: bridge-family netfilter hooks (they run
 * without br_netfilter) see every frame between a VM's tap and anything
 * else, same-host VM-to-VM included.
 *
 *  PRE_ROUTING  frames entering the bridge from a filtered port: anti-
 *               spoofing, before the bridge learns the source MAC;
 *  FORWARD      frames from a filtered port (its egress rules) and to one
 *               (its ingress rules); a frame between two filtered ports
 *               passes both.
 *
 * Frames between a port and the host itself (LOCAL_IN/LOCAL_OUT) are not
 * filtered beyond anti-spoofing, as with CloudStack's iptables rules, which
 * only see bridged traffic.  The hooks are registered in a namespace while
 * it has a filtered port; there, a frame of no filtered port costs the
 * hook call and one cache line (csvx_port_filtered()'s bitmap).
 *
 * An established packet costs: the bitmap, the port (bucket line and the
 * port's first line), the connection (bucket line and, for IPv4, one
 * line).  A first packet also reads the port's classifier (sg.h).
 */
#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_bridge.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ndisc.h>

#include "ctl/genl.h"
#include "dp/sg_hook.h"

static struct kmem_cache *csvx_conn_cache __read_mostly;

/* 256 bucket lines of CSVX_CONN_SLOTS slots: 16 KiB. */
#define CSVX_CT_MIN_BUCKETS	256

enum sg_kind {
	SG_IP,
	SG_ARP,
	SG_OTHER,		/* another ethertype, or VLAN-tagged */
	SG_BAD,			/* truncated or malformed */
};

/* What the security groups need of a frame, parsed once per hook. */
struct sg_frame {
	u8 kind;
	u8 tcp_flags;
	u8 icmp_type, icmp_code;
	bool frag;		/* an IP fragment after the first */
	bool echo;		/* ICMP(v6) echo request or reply */
	bool error;		/* ICMP(v6) error; ->inner is what it is about */
	u16 l4off;
	struct csvx_conn_tuple t;
	struct csvx_conn_tuple inner;
};

static u8 icmp_proto(int family)
{
	return family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
}

static bool icmp_is_error(int family, u8 type)
{
	if (family == AF_INET)
		return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH ||
		       type == ICMP_REDIRECT || type == ICMP_TIME_EXCEEDED ||
		       type == ICMP_PARAMETERPROB;
	return type < 128;	/* ICMPv6 errors are 0..127 */
}

static bool icmp_is_echo(int family, u8 type)
{
	if (family == AF_INET)
		return type == ICMP_ECHO || type == ICMP_ECHOREPLY;
	return type == ICMPV6_ECHO_REQUEST || type == ICMPV6_ECHO_REPLY;
}

/* Ports (or the echo id) of the transport header at @off into @t. */
static int parse_ports(struct sk_buff *skb, unsigned int off,
		       struct csvx_conn_tuple *t, struct sg_frame *f)
{
	u8 buf[sizeof(struct tcphdr)];
	const u8 *h;

	switch (t->proto) {
	case IPPROTO_TCP:
		h = skb_header_pointer(skb, off, f ? sizeof(struct tcphdr) : 8,
				       buf);
		if (!h)
			return -EINVAL;
		t->sport = ((const struct tcphdr *)h)->source;
		t->dport = ((const struct tcphdr *)h)->dest;
		if (f)
			f->tcp_flags = h[13];	/* FIN SYN RST PSH ACK URG */
		return 0;
	case IPPROTO_UDP:
		h = skb_header_pointer(skb, off, sizeof(struct udphdr), buf);
		if (!h)
			return -EINVAL;
		t->sport = ((const struct udphdr *)h)->source;
		t->dport = ((const struct udphdr *)h)->dest;
		return 0;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (t->proto != icmp_proto(t->family))
			return 0;
		h = skb_header_pointer(skb, off, 8, buf);
		if (!h)
			return -EINVAL;
		if (icmp_is_echo(t->family, h[0])) {
			/* The id, at both ends: the key is symmetric. */
			memcpy(&t->sport, h + 4, 2);
			t->dport = t->sport;
		}
		if (f) {
			f->icmp_type = h[0];
			f->icmp_code = h[1];
			f->echo = icmp_is_echo(t->family, h[0]);
		}
		return 0;
	}
	return 0;
}

/*
 * The IP header at @off into @t (with its ports if it is the first
 * fragment); returns the transport offset, or -errno.  @f gets what only
 * the outer packet needs.
 */
static int parse_ip(struct sk_buff *skb, unsigned int off, int family,
		    struct csvx_conn_tuple *t, struct sg_frame *f)
{
	unsigned int l4;
	bool frag;
	int err;

	memset(t, 0, sizeof(*t));
	t->family = family;
	if (family == AF_INET) {
		struct iphdr buf;
		const struct iphdr *iph;

		iph = skb_header_pointer(skb, off, sizeof(buf), &buf);
		if (!iph || iph->version != 4 || iph->ihl < 5)
			return -EINVAL;
		t->proto = iph->protocol;
		t->src[0] = (__force u32)iph->saddr;
		t->dst[0] = (__force u32)iph->daddr;
		frag = iph->frag_off & htons(IP_OFFSET);
		l4 = off + iph->ihl * 4;
	} else {
		struct ipv6hdr buf;
		const struct ipv6hdr *ip6h;
		__be16 frag_off = 0;
		u8 nexthdr;
		int n;

		ip6h = skb_header_pointer(skb, off, sizeof(buf), &buf);
		if (!ip6h || ip6h->version != 6)
			return -EINVAL;
		memcpy(t->src, &ip6h->saddr, 16);
		memcpy(t->dst, &ip6h->daddr, 16);
		nexthdr = ip6h->nexthdr;
		n = ipv6_skip_exthdr(skb, off + sizeof(*ip6h), &nexthdr,
				     &frag_off);
		if (n < 0)
			return -EINVAL;
		t->proto = nexthdr;
		frag = ntohs(frag_off) & ~0x7;
		l4 = n;
	}
	if (frag) {
		if (f)
			f->frag = true;
		return l4;
	}
	err = parse_ports(skb, l4, t, f);
	return err ? err : l4;
}

static void sg_parse(struct sk_buff *skb, struct sg_frame *f)
{
	int family, l4;

	memset(f, 0, offsetof(struct sg_frame, t));
	if (skb_vlan_tag_present(skb)) {
		f->kind = SG_OTHER;
		return;
	}
	switch (skb->protocol) {
	case htons(ETH_P_ARP):
		f->kind = SG_ARP;
		return;
	case htons(ETH_P_IP):
		family = AF_INET;
		break;
	case htons(ETH_P_IPV6):
		family = AF_INET6;
		break;
	default:
		f->kind = SG_OTHER;
		return;
	}
	l4 = parse_ip(skb, 0, family, &f->t, f);
	if (l4 < 0) {
		f->kind = SG_BAD;
		return;
	}
	f->kind = SG_IP;
	f->l4off = l4;
	if (!f->frag && f->t.proto == icmp_proto(family) &&
	    icmp_is_error(family, f->icmp_type))
		/* The packet the error is about: the start of it follows. */
		f->error = parse_ip(skb, l4 + 8, family, &f->inner, NULL) >= 0;
}

/* ------------------------------------------------------------ counters */

static void port_stat(const struct csvx_port *port, int stat)
{
	struct csvx_port_stats *s = this_cpu_ptr(port->stats);

	u64_stats_update_begin(&s->syncp);
	s->stat[stat]++;
	u64_stats_update_end(&s->syncp);
}

static void port_drop(const struct csvx_port *port, int reason)
{
	struct csvx_port_stats *s = this_cpu_ptr(port->stats);

	u64_stats_update_begin(&s->syncp);
	s->drop[reason]++;
	u64_stats_update_end(&s->syncp);
}

/* ------------------------------------------------------ anti-spoofing */

static bool port_has_ip(const struct csvx_port *port, int family,
			const u32 *a)
{
	int i;

	for (i = 0; i < port->nr_ips; i++) {
		const struct csvx_addr *ip = &port->ips[i];

		if (ip->family != family)
			continue;
		if (family == AF_INET ? ip->w[0] == a[0] :
		    !memcmp(ip->w, a, 16))
			return true;
	}
	return false;
}

static bool nd_or_mld(u8 type)
{
	return (type >= ICMPV6_MGM_QUERY && type <= NDISC_NEIGHBOUR_ADVERTISEMENT) ||
	       type == ICMPV6_MLD2_REPORT;
}

/* An IPv6 source address of the port itself (address or EUI-64 LL). */
static bool port_own6(const struct csvx_port *port, const u32 *a)
{
	return port_has_ip(port, AF_INET6, a) || !memcmp(&port->ll6, a, 16);
}

static int spoof_ip6(const struct csvx_port *port, struct sk_buff *skb,
		     const struct sg_frame *f)
{
	const struct in6_addr *src = (const struct in6_addr *)f->t.src;
	bool icmp6 = !f->frag && f->t.proto == IPPROTO_ICMPV6;
	struct in6_addr buf;
	const struct in6_addr *target;

	/* A VM is no router. */
	if (icmp6 && (f->icmp_type == NDISC_ROUTER_ADVERTISEMENT ||
		      f->icmp_type == NDISC_REDIRECT))
		return CSVX_DROP_SG_SPOOF_IP;
	if (!port_own6(port, f->t.src)) {
		/* DAD and MLD from ::, ND from another link-local address
		 * (stable-privacy link-locals are not EUI-64).
		 */
		if (!icmp6 || !nd_or_mld(f->icmp_type) ||
		    !(ipv6_addr_any(src) ||
		      ipv6_addr_type(src) & IPV6_ADDR_LINKLOCAL))
			return CSVX_DROP_SG_SPOOF_IP;
	}
	if (icmp6 && f->icmp_type == NDISC_NEIGHBOUR_ADVERTISEMENT) {
		target = skb_header_pointer(skb, f->l4off + 8, sizeof(buf),
					    &buf);
		if (!target)
			return CSVX_DROP_SG_MALFORMED;
		if (!port_own6(port, (const u32 *)target) &&
		    !(ipv6_addr_type(target) & IPV6_ADDR_LINKLOCAL &&
		      ipv6_addr_equal(target, src)))
			return CSVX_DROP_SG_SPOOF_IP;
	}
	return 0;
}

static int spoof_arp(const struct csvx_port *port, struct sk_buff *skb)
{
	struct {
		struct arphdr h;
		u8 sha[ETH_ALEN];
		__be32 sip;
	} __packed buf;
	const typeof(buf) *a;
	u32 sip;

	a = skb_header_pointer(skb, 0, sizeof(buf), &buf);
	if (!a || a->h.ar_hrd != htons(ARPHRD_ETHER) ||
	    a->h.ar_pro != htons(ETH_P_IP) || a->h.ar_hln != ETH_ALEN ||
	    a->h.ar_pln != 4)
		return CSVX_DROP_SG_SPOOF_ARP;
	sip = (__force u32)a->sip;
	if (!ether_addr_equal(a->sha, port->mac) ||
	    (sip && !port_has_ip(port, AF_INET, &sip)))
		return CSVX_DROP_SG_SPOOF_ARP;
	return 0;
}

static int sg_antispoof(const struct csvx_port *port, struct sk_buff *skb,
			const struct sg_frame *f)
{
	if (!ether_addr_equal(eth_hdr(skb)->h_source, port->mac))
		return CSVX_DROP_SG_SPOOF_MAC;
	switch (f->kind) {
	case SG_ARP:
		return spoof_arp(port, skb);
	case SG_OTHER:
		return CSVX_DROP_SG_NOT_IP;
	case SG_BAD:
		return CSVX_DROP_SG_MALFORMED;
	}
	if (f->t.family == AF_INET6)
		return spoof_ip6(port, skb, f);
	if (port_has_ip(port, AF_INET, f->t.src))
		return 0;
	/* DHCP discover and request come from 0.0.0.0. */
	if (!f->t.src[0] && !f->frag && f->t.proto == IPPROTO_UDP &&
	    f->t.dport == htons(67))
		return 0;
	return CSVX_DROP_SG_SPOOF_IP;
}

/* -------------------------------------------------------------- rules */

/* Always admitted: address configuration and neighbour discovery. */
static bool sg_builtin(const struct sg_frame *f, u8 dir)
{
	bool in = dir == CSVX_SG_INGRESS;
	const struct csvx_conn_tuple *t = &f->t;

	if (t->proto == IPPROTO_UDP) {
		__be16 server = htons(t->family == AF_INET ? 67 : 547);
		__be16 client = htons(t->family == AF_INET ? 68 : 546);

		return in ? t->sport == server && t->dport == client :
			    t->sport == client && t->dport == server;
	}
	if (t->proto != IPPROTO_ICMPV6 || t->family != AF_INET6)
		return false;
	switch (f->icmp_type) {
	case NDISC_ROUTER_SOLICITATION:
		return !in;
	case NDISC_ROUTER_ADVERTISEMENT:
	case NDISC_REDIRECT:
		return in;
	}
	return nd_or_mld(f->icmp_type);
}

/* Would @cls admit a packet @t of ICMP type/code @type/@code in @dir? */
static bool sg_admit(const struct csvx_sg_cls *cls, u8 dir,
		     const struct csvx_conn_tuple *t, u8 type, u8 code,
		     struct csvx_sg_rule **rule)
{
	struct csvx_sg_pkt p = {
		.dir = dir,
		.family = t->family,
		.proto = t->proto,
	};

	p.remote.family = t->family;
	memcpy(p.remote.w, dir == CSVX_SG_INGRESS ? t->src : t->dst, 16);
	if (t->proto == IPPROTO_TCP || t->proto == IPPROTO_UDP)
		p.key = ntohs(t->dport);
	else if (t->proto == IPPROTO_ICMP || t->proto == IPPROTO_ICMPV6)
		p.key = csvx_sg_icmp_key(type, code);
	return csvx_sg_classify(cls, &p, rule);
}

/* Is a connection made under older rules still admitted by @cls? */
static bool sg_recheck(const struct csvx_sg_cls *cls, struct csvx_conn *c)
{
	u8 dir = READ_ONCE(c->state) & CSVX_CT_F_EGRESS ? CSVX_SG_EGRESS :
							  CSVX_SG_INGRESS;
	struct csvx_conn_tuple t;
	struct csvx_sg_rule *rule;
	u8 type;

	csvx_conn_orig_tuple(c, &t);
	/* ICMP connections are echoes, started by a request. */
	type = t.family == AF_INET ? ICMP_ECHO : ICMPV6_ECHO_REQUEST;
	if (!sg_admit(cls, dir, &t, type, 0, &rule))
		return false;
	WRITE_ONCE(c->gen, cls->gen);
	return true;
}

/* The verdict of @port's rules in @dir: 0 or a drop reason. */
static int sg_check(struct csvx_net *cn, const struct csvx_port *port, u8 dir,
		    const struct sg_frame *f)
{
	struct csvx_conn_table *ct = READ_ONCE(cn->conn);
	const struct csvx_sg_cls *cls = csvx_port_cls(port);
	bool egress = dir == CSVX_SG_EGRESS, swapped, orig;
	struct csvx_sg_rule *rule;
	struct csvx_conn_key key;
	u32 now = jiffies, hash, state;
	struct csvx_conn *c;
	int err;

	switch (f->kind) {
	case SG_ARP:
		return 0;
	case SG_OTHER:
		return CSVX_DROP_SG_NOT_IP;
	case SG_BAD:
		return CSVX_DROP_SG_MALFORMED;
	}
	if (f->frag || sg_builtin(f, dir) || !cls || !ct)
		return 0;

	if (f->error) {
		/* About a connection of this port: related, admitted. */
		csvx_conn_key_make(&key, port->id, port->zone,
				   port->zone_is_vni, &f->inner);
		c = csvx_conn_find(ct, &key, csvx_conn_hash(ct, &key));
		if (c && csvx_conn_alive(ct, c, now))
			return 0;
		return sg_admit(cls, dir, &f->t, f->icmp_type, f->icmp_code,
				&rule) ? 0 : CSVX_DROP_SG_NO_RULE;
	}

	swapped = csvx_conn_key_make(&key, port->id, port->zone,
				     port->zone_is_vni, &f->t);
	hash = csvx_conn_hash(ct, &key);
	c = csvx_conn_find(ct, &key, hash);
	if (c && csvx_conn_alive(ct, c, now)) {
		state = READ_ONCE(c->state);
		orig = !!(state & CSVX_CT_F_SWAPPED) == swapped;
		/* The original direction one way, replies the other. */
		if (orig == (!!(state & CSVX_CT_F_EGRESS) == egress)) {
			if (READ_ONCE(c->gen) != READ_ONCE(port->gen) &&
			    !sg_recheck(cls, c)) {
				csvx_conn_remove(ct, c);
				return CSVX_DROP_SG_NO_RULE;
			}
			csvx_conn_seen(ct, c, now, !orig, f->tcp_flags);
			return 0;
		}
		/* The mirror image of a known connection: the rules say. */
		return sg_admit(cls, dir, &f->t, f->icmp_type, f->icmp_code,
				&rule) ? 0 : CSVX_DROP_SG_NO_RULE;
	}

	if (!sg_admit(cls, dir, &f->t, f->icmp_type, f->icmp_code, &rule))
		return CSVX_DROP_SG_NO_RULE;
	/* Nothing to follow: a reset, ICMP other than echo. */
	if ((f->t.proto == IPPROTO_TCP && (f->tcp_flags & CSVX_TCP_RST)) ||
	    ((f->t.proto == IPPROTO_ICMP || f->t.proto == IPPROTO_ICMPV6) &&
	     !f->echo))
		return 0;
	state = csvx_conn_first_state(f->t.proto, f->tcp_flags) |
		(swapped ? CSVX_CT_F_SWAPPED : 0) |
		(egress ? CSVX_CT_F_EGRESS : 0);
	err = csvx_conn_insert(ct, &key, hash, now, state, cls->gen,
			       port->ifindex, &c);
	if (err == -EEXIST)	/* another CPU was first */
		return 0;
	if (err == -ENOSPC)
		return CSVX_DROP_SG_CONN_FULL;
	if (err)
		return CSVX_DROP_NOMEM;
	if (rule)
		atomic_long_inc(&rule->packets);
	port_stat(port, CSVX_STAT_SG_CONNS);
	return 0;
}

/* -------------------------------------------------------------- hooks */

static unsigned int csvx_sg_pre(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct csvx_net *cn = csvx_net(state->net);
	struct csvx_port *port;
	struct sg_frame f;
	int drop;

	port = csvx_port_filtered(&cn->sg, state->in->ifindex);
	if (likely(!port))
		return NF_ACCEPT;
	sg_parse(skb, &f);
	drop = sg_antispoof(port, skb, &f);
	if (likely(!drop))
		return NF_ACCEPT;
	port_drop(port, drop);
	net_dbg_ratelimited("%s: spoofed frame dropped (reason %d)\n",
			    state->in->name, drop);
	return NF_DROP;
}

static unsigned int csvx_sg_fwd(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct csvx_net *cn = csvx_net(state->net);
	struct csvx_port *in, *out;
	struct sg_frame f;
	int drop;

	in = csvx_port_filtered(&cn->sg, state->in->ifindex);
	out = csvx_port_filtered(&cn->sg, state->out->ifindex);
	if (likely(!in && !out))
		return NF_ACCEPT;
	sg_parse(skb, &f);
	if (in) {
		drop = sg_check(cn, in, CSVX_SG_EGRESS, &f);
		if (drop) {
			port_drop(in, drop);
			return NF_DROP;
		}
		port_stat(in, CSVX_STAT_SG_EGRESS);
	}
	if (out) {
		drop = sg_check(cn, out, CSVX_SG_INGRESS, &f);
		if (drop) {
			port_drop(out, drop);
			return NF_DROP;
		}
		port_stat(out, CSVX_STAT_SG_INGRESS);
	}
	return NF_ACCEPT;
}

static const struct nf_hook_ops csvx_sg_ops[] = {
	{
		.hook = csvx_sg_pre,
		.pf = NFPROTO_BRIDGE,
		.hooknum = NF_BR_PRE_ROUTING,
		/* before any bridge DNAT, and before br_netfilter */
		.priority = NF_BR_PRI_NAT_DST_BRIDGED - 1,
	},
	{
		.hook = csvx_sg_fwd,
		.pf = NFPROTO_BRIDGE,
		.hooknum = NF_BR_FORWARD,
		.priority = NF_BR_PRI_FILTER_BRIDGED,
	},
};

/* ----------------------------------------------- connections, lifetime */

/* Timeouts and max-flows follow the params; the GC applies them. */
static void csvx_sg_sync(struct csvx_net *cn, struct csvx_conn_table *ct)
{
	u32 ticks[CSVX_CT_T_NR];
	int i;

	BUILD_BUG_ON(CSVX_PARAM_CT_ICMP - CSVX_PARAM_CT_TCP_SYN !=
		     CSVX_CT_T_ICMP);
	for (i = 0; i < CSVX_CT_T_NR; i++) {
		u64 t = READ_ONCE(cn->tables.limit[CSVX_PARAM_CT_TCP_SYN + i]);

		ticks[i] = min_t(u64, t * HZ, U32_MAX / 2);
	}
	csvx_conn_set_timeouts(ct, ticks);
	WRITE_ONCE(ct->max, READ_ONCE(cn->tables.limit[CSVX_PARAM_MAX_FLOWS]));
}

/* A connection whose port is gone, changed ifindex or is not filtered. */
static bool sg_conn_dead(const struct csvx_conn *c, void *arg)
{
	struct csvx_net *cn = arg;
	const struct csvx_port *port;
	bool dead;

	rcu_read_lock();
	port = csvx_port_lookup(&cn->sg, c->ifindex);
	dead = !port || port->id != c->key.port || !port->policy;
	rcu_read_unlock();
	return dead;
}

/*
 * Connection GC: a slice of the buckets each run (all of them every 16
 * runs), then resize if the table outgrew its buckets or shrank well below.
 * It takes no namespace lock: the table outlives the work (cancelled before
 * it is freed), ports are read under RCU.
 */
static void csvx_sg_gc(struct work_struct *work)
{
	struct csvx_net *cn = container_of(to_delayed_work(work),
					   struct csvx_net, sg_gc);
	struct csvx_conn_table *ct = cn->conn;
	u32 n, count, budget, removed, most;

	csvx_sg_sync(cn, ct);
	n = csvx_conn_nbuckets(ct);
	budget = max_t(u32, n / 16, 64);
	removed = csvx_conn_gc(ct, jiffies, budget, sg_conn_dead, cn);
	count = csvx_conn_count(ct);
	/*
	 * Up to CSVX_CONN_LOAD entries per bucket line (nearly all of them
	 * then have a slot), doubled when above, but never beyond what
	 * max-flows needs.  A line is 64 bytes: more lines would cost more
	 * cache than the chains they shorten.
	 */
	most = max_t(u32, roundup_pow_of_two(max_t(u32, READ_ONCE(ct->max),
						   1)) / CSVX_CONN_LOAD,
		     CSVX_CT_MIN_BUCKETS);
	if (count > n * CSVX_CONN_LOAD && n < most)
		csvx_conn_resize(ct, min_t(u32, most,
					   roundup_pow_of_two(count) /
					   CSVX_CONN_LOAD));
	else if (count < n * CSVX_CONN_LOAD / 8 && n > CSVX_CT_MIN_BUCKETS)
		csvx_conn_resize(ct, max_t(u32, n / 4, CSVX_CT_MIN_BUCKETS));
	WRITE_ONCE(cn->tables.count[CSVX_PARAM_MAX_FLOWS], count);
	/* Much garbage: come back soon. */
	queue_delayed_work(system_power_efficient_wq, &cn->sg_gc,
			   removed > budget ? HZ / 10 : HZ);
}

int csvx_sg_enable(struct csvx_net *cn, struct netlink_ext_ack *extack)
{
	struct csvx_conn_table *ct;
	int err;

	lockdep_assert_held(&cn->lock);
	if (cn->sg_hooks)
		return 0;
	ct = csvx_conn_table_create(csvx_conn_cache,
				    cn->tables.limit[CSVX_PARAM_MAX_FLOWS],
				    CSVX_CT_MIN_BUCKETS, HZ);
	if (!ct) {
		NL_SET_ERR_MSG(extack, "out of memory for the connection table");
		return -ENOMEM;
	}
	csvx_sg_sync(cn, ct);
	cn->conn = ct;
	err = nf_register_net_hooks(cn->net, csvx_sg_ops,
				    ARRAY_SIZE(csvx_sg_ops));
	if (err) {
		cn->conn = NULL;
		csvx_conn_table_destroy(ct);
		NL_SET_ERR_MSG(extack, "cannot register the bridge hooks");
		return err;
	}
	cn->sg_hooks = true;
	queue_delayed_work(system_power_efficient_wq, &cn->sg_gc, HZ);
	return 0;
}

static void csvx_sg_hooks_off(struct csvx_net *cn)
{
	if (!cn->sg_hooks)
		return;
	nf_unregister_net_hooks(cn->net, csvx_sg_ops, ARRAY_SIZE(csvx_sg_ops));
	/* Packets still in a hook function are done after this. */
	synchronize_net();
	cn->sg_hooks = false;
	cancel_delayed_work_sync(&cn->sg_gc);
}

void csvx_sg_disable_idle(struct csvx_net *cn)
{
	lockdep_assert_held(&cn->lock);
	if (!cn->sg_hooks || cn->sg.nr_filtered)
		return;
	csvx_sg_hooks_off(cn);
	csvx_conn_table_destroy(cn->conn);
	cn->conn = NULL;
	WRITE_ONCE(cn->tables.count[CSVX_PARAM_MAX_FLOWS], 0);
}

/*
 * Rule changes of a batch whose last request was of another kind: the
 * fallback.  Usually the batch's last rule request commits and this finds
 * nothing to do; it runs a little later so as not to compile half-way
 * through a batch still being processed.
 */
static void csvx_sg_commit_work(struct work_struct *work)
{
	struct csvx_net *cn = container_of(to_delayed_work(work),
					   struct csvx_net, sg_commit);
	int err;

	mutex_lock(&cn->lock);
	err = csvx_sgs_commit(&cn->sg);
	mutex_unlock(&cn->lock);
	if (err)	/* out of memory: the old rules stay, try again */
		queue_delayed_work(system_wq, &cn->sg_commit, HZ);
}

void csvx_sg_commit_later(struct csvx_net *cn)
{
	queue_delayed_work(system_wq, &cn->sg_commit, HZ / 20);
}

int csvx_sg_net_init(struct csvx_net *cn)
{
	csvx_sgs_init(&cn->sg, &cn->tables);
	INIT_DELAYED_WORK(&cn->sg_gc, csvx_sg_gc);
	INIT_DELAYED_WORK(&cn->sg_commit, csvx_sg_commit_work);
	return csvx_port_notifier_register(cn);
}

void csvx_sg_net_stop(struct csvx_net *cn)
{
	WRITE_ONCE(cn->sg_dying, true);
	csvx_port_notifier_unregister(cn);
	cancel_delayed_work_sync(&cn->sg_commit);
	mutex_lock(&cn->lock);
	csvx_sg_hooks_off(cn);
	mutex_unlock(&cn->lock);
}

void csvx_sg_net_free(struct csvx_net *cn)
{
	csvx_conn_table_destroy(cn->conn);
	cn->conn = NULL;
	csvx_sgs_destroy(&cn->sg);
}

int __init csvx_sg_init(void)
{
	csvx_conn_cache = kmem_cache_create("csvx_conn",
					    sizeof(struct csvx_conn), 0,
					    SLAB_HWCACHE_ALIGN, NULL);
	return csvx_conn_cache ? 0 : -ENOMEM;
}

void csvx_sg_exit(void)
{
	/* Entries freed with call_rcu() go back to the cache first. */
	rcu_barrier();
	kmem_cache_destroy(csvx_conn_cache);
}
