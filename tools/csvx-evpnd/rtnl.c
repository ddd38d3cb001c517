// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/if_bridge.h>
#include <linux/neighbour.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "log.h"
#include "rtnl.h"
#include "state.h"

struct rtnl rt;

#define EV_RCVBUF	(32 * 1024 * 1024)
#define CMD_RCVBUF	(8 * 1024 * 1024)

/* ---- neighbours and bridge FDB -------------------------------------------- */

static void neigh_msg(const struct nlmsghdr *nlh)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *lladdr = NULL, *dst = NULL;
	bool del = nlh->nlmsg_type == RTM_DELNEIGH;
	struct addr ip = { 0 };

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ndm)))
		return;
	mnl_attr_for_each(a, nlh, sizeof(*ndm)) {
		switch (mnl_attr_get_type(a)) {
		case NDA_LLADDR:
			lladdr = a;
			break;
		case NDA_DST:
			dst = a;
			break;
		}
	}
	if (dst)
		addr_set(&ip, mnl_attr_get_payload(dst), mnl_attr_get_payload_len(dst));
	if (ndm->ndm_family == AF_BRIDGE) {
		if (!lladdr || mnl_attr_get_payload_len(lladdr) != ETH_ALEN)
			return;
		st_k_fdb(ndm->ndm_ifindex, mnl_attr_get_payload(lladdr), &ip,
			 ndm->ndm_flags, ndm->ndm_state, del);
		return;
	}
	if (ndm->ndm_family != AF_INET && ndm->ndm_family != AF_INET6)
		return;
	if (!addr_is_set(&ip))
		return;
	if (lladdr && mnl_attr_get_payload_len(lladdr) != ETH_ALEN)
		lladdr = NULL;
	st_k_neigh(ndm->ndm_ifindex, &ip, lladdr ? mnl_attr_get_payload(lladdr) : NULL,
		   ndm->ndm_flags, ndm->ndm_state, del);
}

/* ---- routes and nexthops ---------------------------------------------------- */

static void nh_attr(const struct nlattr *a, struct rt_nh *nh, uint8_t family)
{
	switch (mnl_attr_get_type(a)) {
	case RTA_GATEWAY:
		if (mnl_attr_get_payload_len(a) == (family == AF_INET ? 4 : 16))
			addr_set(&nh->gw, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
		break;
	case RTA_VIA: {
		const struct rtvia *via = mnl_attr_get_payload(a);
		size_t len = mnl_attr_get_payload_len(a);

		if (len >= sizeof(*via) + 4 && via->rtvia_family == AF_INET)
			addr_set(&nh->gw, via->rtvia_addr, 4);
		else if (len >= sizeof(*via) + 16 && via->rtvia_family == AF_INET6)
			addr_set(&nh->gw, via->rtvia_addr, 16);
		break;
	}
	case RTA_OIF:
		if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			nh->oif = mnl_attr_get_u32(a);
		break;
	}
	addr_unmap(&nh->gw);	/* IPv6 routes over an IPv4 VTEP: ::ffff:VTEP */
}

static void route_msg(const struct nlmsghdr *nlh)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	bool del = nlh->nlmsg_type == RTM_DELROUTE;
	struct rt_nh nh[RT_MAX_NH];
	unsigned int nnh = 0;
	struct addr prefix = { 0 };
	const struct nlattr *a;
	uint32_t table, nhid = 0;
	struct rt_nh single = { 0 };

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)))
		return;
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return;
	table = rtm->rtm_table;
	memset(nh, 0, sizeof(nh));
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(a)) {
		case RTA_TABLE:
			if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				table = mnl_attr_get_u32(a);
			break;
		case RTA_DST:
			addr_set(&prefix, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
			break;
		case RTA_NH_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				nhid = mnl_attr_get_u32(a);
			break;
		case RTA_MULTIPATH: {
			const struct rtnexthop *rtnh = mnl_attr_get_payload(a);
			int left = (int)mnl_attr_get_payload_len(a);

			while (left >= (int)sizeof(*rtnh) && rtnh->rtnh_len >= sizeof(*rtnh) &&
			       rtnh->rtnh_len <= left) {
				if (nnh < RT_MAX_NH) {
					const char *p = (const char *)RTNH_DATA(rtnh);
					const char *end = (const char *)rtnh + rtnh->rtnh_len;
					const struct nlattr *na = (const struct nlattr *)p;

					nh[nnh].oif = (uint32_t)rtnh->rtnh_ifindex;
					for (; mnl_attr_ok(na, (int)(end - (const char *)na));
					     na = mnl_attr_next(na))
						nh_attr(na, &nh[nnh], rtm->rtm_family);
					nnh++;
				}
				left -= RTNH_ALIGN(rtnh->rtnh_len);
				rtnh = RTNH_NEXT(rtnh);
			}
			break;
		}
		default:
			nh_attr(a, &single, rtm->rtm_family);
		}
	}
	if (!addr_is_set(&prefix)) {
		/* the default route */
		prefix.family = rtm->rtm_family;
	}
	if (!nnh && (addr_is_set(&single.gw) || single.oif))
		nh[nnh++] = single;
	/* Only unicast routes can be remote prefixes; anything else (local,
	 * blackhole, unreachable) stands for "no remote route". */
	if (rtm->rtm_type != RTN_UNICAST)
		del = true;
	st_k_route(table, &prefix, rtm->rtm_dst_len, nhid, nh, nnh, del);
}

static void nexthop_msg(const struct nlmsghdr *nlh)
{
	const struct nhmsg *nhm = mnl_nlmsg_get_payload(nlh);
	bool del = nlh->nlmsg_type == RTM_DELNEXTHOP;
	const struct nexthop_grp *grp = NULL;
	unsigned int ngrp = 0;
	struct rt_nh nh = { 0 };
	const struct nlattr *a;
	uint32_t id = 0;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*nhm)))
		return;
	mnl_attr_for_each(a, nlh, sizeof(*nhm)) {
		switch (mnl_attr_get_type(a)) {
		case NHA_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				id = mnl_attr_get_u32(a);
			break;
		case NHA_GROUP:
			grp = mnl_attr_get_payload(a);
			ngrp = mnl_attr_get_payload_len(a) / sizeof(*grp);
			break;
		case NHA_OIF:
			if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				nh.oif = mnl_attr_get_u32(a);
			break;
		case NHA_GATEWAY:
			addr_set(&nh.gw, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
			addr_unmap(&nh.gw);
			break;
		}
	}
	if (!id)
		return;
	{
		uint32_t ids[RT_MAX_NH];
		unsigned int n = 0;

		for (unsigned int i = 0; i < ngrp && n < RT_MAX_NH; i++)
			ids[n++] = grp[i].id;
		st_k_nexthop(id, &nh, ids, n, del);
	}
}

static void link_msg(const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return;
	/* AF_BRIDGE link messages describe bridge ports, not devices. */
	if (ifi->ifi_family == AF_BRIDGE)
		return;
	if (nlh->nlmsg_type == RTM_DELLINK)
		st_k_link_del(ifi->ifi_index);
}

static void rt_msg(const struct nlmsghdr *nlh, void *arg)
{
	(void)arg;
	switch (nlh->nlmsg_type) {
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		neigh_msg(nlh);
		break;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		route_msg(nlh);
		break;
	case RTM_NEWNEXTHOP:
	case RTM_DELNEXTHOP:
		nexthop_msg(nlh);
		break;
	case RTM_NEWLINK:
	case RTM_DELLINK:
		link_msg(nlh);
		break;
	}
}

int rt_init(void)
{
	static const unsigned int groups[] = {
		RTNLGRP_LINK, RTNLGRP_NEIGH, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE,
		RTNLGRP_NEXTHOP,
	};
	int err;

	err = nls_open(&rt.cmd, NETLINK_ROUTE, "rtnl", CMD_RCVBUF);
	if (!err)
		err = nls_open(&rt.ev, NETLINK_ROUTE, "rtnl-events", EV_RCVBUF);
	if (err) {
		log_err("cannot open an rtnetlink socket: %s", strerror(-err));
		return err;
	}
	rt.ev.event = rt_msg;
	rt.cmd.after_replies = st_pump_events;
	for (size_t i = 0; i < ARRAY_SIZE(groups); i++) {
		err = nls_join(&rt.ev, groups[i]);
		/* RTNLGRP_NEXTHOP is 5.3+: the routes then carry their gateways */
		if (err && groups[i] != RTNLGRP_NEXTHOP) {
			log_err("cannot join rtnetlink group %u: %s", groups[i], strerror(-err));
			return err;
		}
	}
	return 0;
}

void rt_fini(void)
{
	nls_close(&rt.cmd);
	nls_close(&rt.ev);
}

static void dump_msg(const struct nlmsghdr *nlh, void *arg)
{
	rt_msg(nlh, arg);
}

int rt_dump(uint16_t type, uint8_t family)
{
	struct nlmsghdr *nlh = nls_msg(&rt.cmd, type, NLM_F_DUMP);
	char ext[NLS_EXTACK_MAX];
	int err;

	switch (type) {
	case RTM_GETNEIGH: {
		struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));

		ndm->ndm_family = family;
		break;
	}
	case RTM_GETROUTE: {
		struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

		rtm->rtm_family = family;
		break;
	}
	case RTM_GETNEXTHOP: {
		struct nhmsg *nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));

		nhm->nh_family = family;
		break;
	}
	default: {
		struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

		ifi->ifi_family = family;
		break;
	}
	}
	err = nls_sync(&rt.cmd, nlh, dump_msg, NULL, ext);
	if (err && err != -EINTR && !(type == RTM_GETNEXTHOP &&
				      (err == -EINVAL || err == -EOPNOTSUPP)))
		log_err("rtnetlink dump %u/%u: %s%s%s", type, family, strerror(-err),
			*ext ? ": " : "", ext);
	if (type == RTM_GETNEXTHOP && err && err != -EINTR)
		err = 0;	/* no nexthop objects on this kernel */
	return err;
}

void rt_fdb_write(bool del, int ifindex, const uint8_t *mac, uint8_t flags,
		  uint16_t state, const struct addr *dst, nl_done_fn done, void *arg)
{
	struct nlmsghdr *nlh = nls_msg(&rt.cmd, del ? RTM_DELNEIGH : RTM_NEWNEIGH,
				       del ? 0 : NLM_F_CREATE | NLM_F_REPLACE);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));

	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_flags = flags;
	ndm->ndm_state = state;
	mnl_attr_put(nlh, NDA_LLADDR, ETH_ALEN, mac);
	if (dst && addr_is_set(dst))
		mnl_attr_put(nlh, NDA_DST, addr_len(dst), dst->b);
	nls_submit(&rt.cmd, nlh, NULL, done, arg);
}

void rt_neigh_write(bool del, int ifindex, const struct addr *ip, const uint8_t *mac,
		    uint16_t state, nl_done_fn done, void *arg)
{
	struct nlmsghdr *nlh = nls_msg(&rt.cmd, del ? RTM_DELNEIGH : RTM_NEWNEIGH,
				       del ? 0 : NLM_F_CREATE | NLM_F_REPLACE);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));

	ndm->ndm_family = ip->family;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = state;
	mnl_attr_put(nlh, NDA_DST, addr_len(ip), ip->b);
	if (!del)
		mnl_attr_put(nlh, NDA_LLADDR, ETH_ALEN, mac);
	nls_submit(&rt.cmd, nlh, NULL, done, arg);
}
