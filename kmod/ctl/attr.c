// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers every object's handlers share: addresses, MACs and names in and
 * out of attributes, replies, notifications and resumable dumps.
 */
#include <linux/etherdevice.h>
#include <linux/in6.h>

#include "ctl/genl.h"

/* The message of a request that lacks a required attribute. */
static const char *const csvx_missing_msg[CSVX_A_MAX + 1] = {
	[CSVX_A_VERSION]	= "missing attribute VERSION",
	[CSVX_A_MOD_VERSION]	= "missing attribute MOD_VERSION",
	[CSVX_A_PARAMS]		= "missing attribute PARAMS",
	[CSVX_A_USAGE]		= "missing attribute USAGE",
	[CSVX_A_VRF]		= "missing attribute VRF",
	[CSVX_A_VRF_ID]		= "missing attribute VRF_ID",
	[CSVX_A_L3VNI]		= "missing attribute L3VNI",
	[CSVX_A_RMAC]		= "missing attribute RMAC",
	[CSVX_A_VNI]		= "missing attribute VNI",
	[CSVX_A_IFNAME]		= "missing attribute IFNAME",
	[CSVX_A_IFINDEX]	= "missing attribute IFINDEX",
	[CSVX_A_LOCAL]		= "missing attribute LOCAL",
	[CSVX_A_GW]		= "missing attribute GW",
	[CSVX_A_GW_PLEN]	= "missing attribute GW_PLEN",
	[CSVX_A_GW_MAC]		= "missing attribute GW_MAC",
	[CSVX_A_MTU]		= "missing attribute MTU",
	[CSVX_A_REMOTE]		= "missing attribute REMOTE",
	[CSVX_A_MAC]		= "missing attribute MAC",
	[CSVX_A_IPS]		= "missing attribute IPS",
	[CSVX_A_SEQ]		= "missing attribute SEQ",
	[CSVX_A_FLAGS]		= "missing attribute FLAGS",
	[CSVX_A_PREFIX]		= "missing attribute PREFIX",
	[CSVX_A_PLEN]		= "missing attribute PLEN",
	[CSVX_A_STATS]		= "missing attribute STATS",
	[CSVX_A_DROPS]		= "missing attribute DROPS",
	[CSVX_A_REPLACE]	= "missing attribute REPLACE",
	[CSVX_A_SET]		= "missing attribute SET",
	[CSVX_A_SET_TYPE]	= "missing attribute SET_TYPE",
	[CSVX_A_FAMILY]		= "missing attribute FAMILY",
	[CSVX_A_MAXELEM]	= "missing attribute MAXELEM",
	[CSVX_A_SET2]		= "missing attribute SET2",
	[CSVX_A_COUNT]		= "missing attribute COUNT",
	[CSVX_A_REFS]		= "missing attribute REFS",
	[CSVX_A_SG]		= "missing attribute SG",
	[CSVX_A_DIR]		= "missing attribute DIR",
	[CSVX_A_PROTO]		= "missing attribute PROTO",
	[CSVX_A_DPORT_LO]	= "missing attribute DPORT_LO",
	[CSVX_A_DPORT_HI]	= "missing attribute DPORT_HI",
	[CSVX_A_ICMP_TYPE]	= "missing attribute ICMP_TYPE",
	[CSVX_A_ICMP_CODE]	= "missing attribute ICMP_CODE",
	[CSVX_A_REMOTE_SG]	= "missing attribute REMOTE_SG",
	[CSVX_A_PACKETS]	= "missing attribute PACKETS",
	[CSVX_A_SGS]		= "missing attribute SGS",
	[CSVX_A_NR_PORTS]	= "missing attribute NR_PORTS",
	[CSVX_A_GEN]		= "missing attribute GEN",
};

/*
 * A required attribute: if it is missing, say which (NLMSGERR_ATTR_MISS_TYPE)
 * and why in words, which GENL_REQ_ATTR_CHECK() alone does not.  @msg NULL:
 * "missing attribute NAME".  Returns 0 or -EINVAL.
 */
int csvx_require(struct genl_info *info, int type, const char *msg)
{
	if (!GENL_REQ_ATTR_CHECK(info, type))
		return 0;
	if (!msg && type <= CSVX_A_MAX)
		msg = csvx_missing_msg[type];
	csvx_set_err(info->extack, NULL, msg ?: "missing attribute");
	return -EINVAL;
}

int csvx_validate_addr(const struct nlattr *attr,
		       struct netlink_ext_ack *extack)
{
	if (nla_len(attr) == sizeof(struct in_addr) ||
	    nla_len(attr) == sizeof(struct in6_addr))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "address must be 4 (IPv4) or 16 (IPv6) bytes");
	return -EINVAL;
}

/*
 * Object names are NUL-terminated and not empty.  Checked by the policy,
 * so that a dump's filter is refused with the attribute's offset too: a
 * dump's own checks can only report through NLMSG_DONE, which on older
 * kernels carries no offset.
 */
int csvx_validate_name(const struct nlattr *attr,
		       struct netlink_ext_ack *extack)
{
	if (nla_len(attr) > 0 && *(const char *)nla_data(attr))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "name must not be empty");
	return -EINVAL;
}

/* Only after csvx_validate_addr() accepted the attribute. */
void csvx_nla_get_addr(const struct nlattr *attr, struct csvx_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (nla_len(attr) == sizeof(struct in_addr)) {
		addr->family = AF_INET;
		addr->ip4 = nla_get_in_addr(attr);
	} else {
		addr->family = AF_INET6;
		addr->ip6 = nla_get_in6_addr(attr);
	}
}

int csvx_nla_put_addr(struct sk_buff *skb, int type,
		      const struct csvx_addr *addr)
{
	switch (addr->family) {
	case AF_INET:
		return nla_put_in_addr(skb, type, addr->ip4);
	case AF_INET6:
		return nla_put_in6_addr(skb, type, &addr->ip6);
	}
	return 0;
}

/* True if @addr has bits set beyond its first @plen. */
bool csvx_addr_host_bits(const struct csvx_addr *addr, u8 plen)
{
	unsigned int bits = addr->family == AF_INET ? 32 : 128;
	const u8 *b = (const u8 *)addr->w;
	unsigned int i;

	for (i = plen; i < bits; i++)
		if (b[i / 8] & (0x80 >> (i % 8)))
			return true;
	return false;
}

u64 csvx_mac_to_u64(const u8 *mac)
{
	return ether_addr_to_u64(mac);
}

int csvx_nla_put_mac64(struct sk_buff *skb, int type, u64 mac)
{
	u8 addr[ETH_ALEN];

	u64_to_ether_addr(mac, addr);
	return nla_put(skb, type, ETH_ALEN, addr);
}

/* A required MAC that must be a usable unicast address. */
int csvx_get_unicast_mac(struct genl_info *info, int type, const u8 **mac)
{
	struct nlattr *attr = info->attrs[type];

	if (csvx_require(info, type, NULL))
		return -EINVAL;
	*mac = nla_data(attr);
	if (!is_valid_ether_addr(*mac)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "MAC must be unicast and non-zero");
		return -EINVAL;
	}
	return 0;
}

/* A required, non-empty name (the policy already bounds its length). */
int csvx_get_name(struct genl_info *info, int type, const char **name)
{
	struct nlattr *attr = info->attrs[type];

	if (csvx_require(info, type, NULL))
		return -EINVAL;
	*name = nla_data(attr);
	if (!**name) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "name must not be empty");
		return -EINVAL;
	}
	return 0;
}

void *csvx_hdr_put(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		   u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &csvx_genl_family, flags, cmd);
}

static int csvx_fill_msg(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			 u8 cmd, csvx_fill_t fill, const void *obj)
{
	void *hdr = csvx_hdr_put(skb, portid, seq, flags, cmd);
	int err;

	if (!hdr)
		return -EMSGSIZE;
	err = fill(skb, obj);
	if (err) {
		genlmsg_cancel(skb, hdr);
		return err;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

int csvx_reply(struct genl_info *info, u8 cmd, csvx_fill_t fill,
	       const void *obj)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	int err;

	if (!msg)
		return -ENOMEM;
	err = csvx_fill_msg(msg, info->snd_portid, info->snd_seq, 0, cmd,
			    fill, obj);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Notifications are built before a change is made (a DEL must describe the
 * object before it is gone) and sent only once it succeeded.  Nothing is
 * built when nobody listens, so bulk programming pays nothing for them.
 */
struct sk_buff *csvx_notify_prepare(struct net *net, u8 cmd,
				    csvx_fill_t fill, const void *obj)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&csvx_genl_family, net, 0))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	if (csvx_fill_msg(msg, 0, 0, 0, cmd, fill, obj)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

void csvx_notify_send(struct net *net, struct sk_buff *skb)
{
	if (skb)
		genlmsg_multicast_netns(&csvx_genl_family, net, skb, 0, 0,
					GFP_KERNEL);
}

/* Walk callback: non-zero stops the walk at this object, to resume there. */
int csvx_dump_one(struct csvx_dump *d, const void *obj)
{
	struct netlink_callback *cb = d->cb;
	void *hdr;

	hdr = csvx_hdr_put(d->skb, NETLINK_CB(cb->skb).portid,
			   cb->nlh->nlmsg_seq, NLM_F_MULTI, d->cmd);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (d->fill(d->skb, obj)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

/*
 * One dumpit call: fill one message from where the last one stopped.
 * cb->args[0] marks the end, cb->args[1..] hold the walk's cursor, and the
 * table generation in cb->seq flags a dump that raced with a change.
 */
int csvx_dump_run(struct csvx_dump *d, csvx_walk_t walk)
{
	struct netlink_callback *cb = d->cb;
	struct csvx_net *cn = csvx_cb_net(cb);
	struct csvx_cursor *cursor;
	int ret;

	BUILD_BUG_ON(sizeof(struct csvx_cursor) >
		     sizeof(cb->args) - sizeof(cb->args[0]));
	cursor = (struct csvx_cursor *)&cb->args[1];
	if (cb->args[0])
		return 0;

	mutex_lock(&cn->lock);
	cb->seq = lower_32_bits(cn->tables.gen) + 1;
	ret = walk(&cn->tables, cursor, d);
	mutex_unlock(&cn->lock);

	if (!ret) {
		cb->args[0] = 1;
		return d->skb->len;
	}
	/* An object too large for an empty message would stall the dump. */
	if (ret == -EMSGSIZE && d->skb->len)
		return d->skb->len;
	return ret;
}
