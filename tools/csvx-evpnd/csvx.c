// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>

#include "csvx.h"
#include "log.h"
#include "state.h"

struct csvx cx;

#define EV_RCVBUF	(32 * 1024 * 1024)
#define CMD_RCVBUF	(8 * 1024 * 1024)

static void ev_msg(const struct nlmsghdr *nlh, void *arg);

/* ---- generic netlink controller ---------------------------------------- */

struct family_info {
	const char *grp_name;
	int id;
	uint32_t grp;
	uint32_t version;
};

static int parse_grp(const struct nlattr *a, void *data)
{
	struct family_info *fi = data;
	const struct nlattr *g;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(g, a) {
		if (mnl_attr_get_type(g) == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(g, MNL_TYPE_NUL_STRING) >= 0)
			name = mnl_attr_get_str(g);
		else if (mnl_attr_get_type(g) == CTRL_ATTR_MCAST_GRP_ID &&
			 mnl_attr_validate(g, MNL_TYPE_U32) >= 0)
			id = mnl_attr_get_u32(g);
	}
	if (name && id && !strcmp(name, fi->grp_name))
		fi->grp = id;
	return MNL_CB_OK;
}

static void family_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct family_info *fi = arg;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U16) >= 0)
				fi->id = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_VERSION:
			if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				fi->version = mnl_attr_get_u32(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS: {
			const struct nlattr *g;

			mnl_attr_for_each_nested(g, a)
				parse_grp(g, fi);
			break;
		}
		}
	}
}

static int resolve(const char *name, struct family_info *fi)
{
	struct nlmsghdr *nlh = nls_msg(&cx.cmd, GENL_ID_CTRL, 0);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	return nls_sync(&cx.cmd, nlh, family_reply, fi, NULL);
}

int cx_init(void)
{
	struct family_info ctrl = { .grp_name = "notify" };
	int err;

	err = nls_open(&cx.cmd, NETLINK_GENERIC, "genl", CMD_RCVBUF);
	if (!err)
		err = nls_open(&cx.ev, NETLINK_GENERIC, "genl-events", EV_RCVBUF);
	if (err) {
		log_err("cannot open a generic netlink socket: %s", strerror(-err));
		return err;
	}
	cx.ev.event = ev_msg;
	cx.cmd.after_replies = st_pump_events;
	/* nlctrl tells when the csvx family comes (module load) and goes. */
	err = resolve("nlctrl", &ctrl);
	if (err || !ctrl.grp) {
		log_err("cannot resolve nlctrl's notify group: %s", strerror(-err));
		return err ? err : -ENOENT;
	}
	cx.ctrl_grp = ctrl.grp;
	err = nls_join(&cx.ev, ctrl.grp);
	if (err)
		log_err("cannot join nlctrl's notify group: %s", strerror(-err));
	return err;
}

void cx_fini(void)
{
	nls_close(&cx.cmd);
	nls_close(&cx.ev);
}

int cx_connect(void)
{
	struct family_info fi = { .grp_name = CSVX_MCGRP_NOTIFY };
	int err;

	err = resolve(CSVX_GENL_NAME, &fi);
	if (err)
		return err == -ENOENT ? -ENOENT : err;
	if (!fi.id || !fi.grp) {
		log_err("the %s family has no \"%s\" group", CSVX_GENL_NAME, CSVX_MCGRP_NOTIFY);
		return -ENOENT;
	}
	if (fi.version != CSVX_GENL_VERSION)
		log_warn("csvx family version %u, this agent speaks %u", fi.version,
			 CSVX_GENL_VERSION);
	err = nls_join(&cx.ev, fi.grp);
	if (err) {
		log_err("cannot join the csvx notify group: %s", strerror(-err));
		return err;
	}
	cx.family = fi.id;
	cx.grp = fi.grp;
	cx.version = fi.version;
	cx.up = true;
	cx.gone = false;
	return 0;
}

void cx_disconnect(void)
{
	/* The kernel drops the membership when the family goes; this is for
	 * the case where we give up on it ourselves. */
	if (cx.grp)
		nls_leave(&cx.ev, cx.grp);
	cx.family = 0;
	cx.grp = 0;
	cx.up = false;
}

/* ---- attribute parsing --------------------------------------------------- */

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, CSVX_A_MAX) < 0)
		return MNL_CB_OK;	/* newer module: skip what we do not know */
	tb[type] = a;
	return MNL_CB_OK;
}

static bool get_str(const struct nlattr *a, char *dst, size_t size)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0 ||
	    strlen(mnl_attr_get_str(a)) >= size)
		return false;
	snprintf(dst, size, "%s", mnl_attr_get_str(a));
	return true;
}

static bool get_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return false;
	*v = mnl_attr_get_u32(a);
	return true;
}

static bool get_mac(const struct nlattr *a, uint8_t *mac)
{
	if (!a || mnl_attr_get_payload_len(a) != ETH_ALEN)
		return false;
	memcpy(mac, mnl_attr_get_payload(a), ETH_ALEN);
	return true;
}

static bool get_addr(const struct nlattr *a, struct addr *ad)
{
	memset(ad, 0, sizeof(*ad));
	return a && addr_set(ad, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
}

static unsigned int get_ips(const struct nlattr *nest, struct addr *ips)
{
	const struct nlattr *a;
	unsigned int n = 0;

	if (!nest)
		return 0;
	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) != CSVX_IPS_A_ADDR || n == CSVX_FDB_MAX_IPS)
			continue;
		if (get_addr(a, &ips[n]))
			n++;
	}
	return n;
}

static void handle(uint8_t cmd, const struct nlattr **tb, bool dump)
{
	switch (cmd) {
	case CSVX_CMD_NEW_VRF:
	case CSVX_CMD_DEL_VRF:
	case CSVX_CMD_GET_VRF: {
		struct cx_vrf v = { 0 };

		if (!get_str(tb[CSVX_A_VRF], v.name, sizeof(v.name)))
			return;
		if (cmd != CSVX_CMD_DEL_VRF &&
		    (!get_u32(tb[CSVX_A_VRF_ID], &v.id) || !get_u32(tb[CSVX_A_L3VNI], &v.l3vni) ||
		     !get_mac(tb[CSVX_A_RMAC], v.rmac)))
			return;
		st_csvx_vrf(&v, cmd == CSVX_CMD_DEL_VRF);
		return;
	}
	case CSVX_CMD_NEW_VNI:
	case CSVX_CMD_DEL_VNI:
	case CSVX_CMD_GET_VNI: {
		struct cx_vni v = { 0 };

		if (!get_u32(tb[CSVX_A_VNI], &v.vni))
			return;
		get_str(tb[CSVX_A_IFNAME], v.ifname, sizeof(v.ifname));
		get_u32(tb[CSVX_A_IFINDEX], &v.ifindex);
		get_addr(tb[CSVX_A_LOCAL], &v.local);
		get_str(tb[CSVX_A_VRF], v.vrf, sizeof(v.vrf));
		st_csvx_vni(&v, cmd == CSVX_CMD_DEL_VNI);
		return;
	}
	case CSVX_CMD_NEW_FDB:
	case CSVX_CMD_DEL_FDB:
	case CSVX_CMD_GET_FDB: {
		struct cx_fdb f = { 0 };

		if (!get_u32(tb[CSVX_A_VNI], &f.vni) || !get_mac(tb[CSVX_A_MAC], f.mac))
			return;
		get_addr(tb[CSVX_A_REMOTE], &f.remote);
		f.nips = get_ips(tb[CSVX_A_IPS], f.ips);
		st_csvx_fdb(&f, cmd == CSVX_CMD_DEL_FDB, dump);
		return;
	}
	case CSVX_CMD_FLUSH_FDB: {
		uint32_t vni;

		if (get_u32(tb[CSVX_A_VNI], &vni))
			st_csvx_fdb_flush(vni);
		return;
	}
	case CSVX_CMD_NEW_FLOOD:
	case CSVX_CMD_DEL_FLOOD:
	case CSVX_CMD_GET_FLOOD: {
		struct addr remote;
		uint32_t vni;

		if (get_u32(tb[CSVX_A_VNI], &vni) && get_addr(tb[CSVX_A_REMOTE], &remote))
			st_csvx_flood(vni, &remote, cmd == CSVX_CMD_DEL_FLOOD);
		return;
	}
	case CSVX_CMD_NEW_ROUTE:
	case CSVX_CMD_DEL_ROUTE:
	case CSVX_CMD_GET_ROUTE: {
		struct cx_route r = { 0 };
		uint32_t flags = 0;

		if (!get_str(tb[CSVX_A_VRF], r.vrf, sizeof(r.vrf)) ||
		    !get_addr(tb[CSVX_A_PREFIX], &r.prefix) || !tb[CSVX_A_PLEN] ||
		    mnl_attr_validate(tb[CSVX_A_PLEN], MNL_TYPE_U8) < 0)
			return;
		r.plen = mnl_attr_get_u8(tb[CSVX_A_PLEN]);
		get_u32(tb[CSVX_A_FLAGS], &flags);
		r.connected = flags & CSVX_F_CONNECTED;
		get_addr(tb[CSVX_A_REMOTE], &r.remote);
		get_mac(tb[CSVX_A_RMAC], r.rmac);
		st_csvx_route(&r, cmd == CSVX_CMD_DEL_ROUTE);
		return;
	}
	case CSVX_CMD_FLUSH_ROUTE: {
		char vrf[CSVX_NAME_MAX];

		if (get_str(tb[CSVX_A_VRF], vrf, sizeof(vrf)))
			st_csvx_route_flush(vrf);
		return;
	}
	case CSVX_CMD_NEW_PORT:
	case CSVX_CMD_SET_PORT:
	case CSVX_CMD_DEL_PORT:
	case CSVX_CMD_GET_PORT: {
		struct cx_port p = { 0 };
		bool del = cmd == CSVX_CMD_DEL_PORT;

		if (!get_str(tb[CSVX_A_IFNAME], p.ifname, sizeof(p.ifname)))
			return;
		get_u32(tb[CSVX_A_IFINDEX], &p.ifindex);
		if (!del && (!get_u32(tb[CSVX_A_VNI], &p.vni) || !get_mac(tb[CSVX_A_MAC], p.mac)))
			return;
		p.nips = get_ips(tb[CSVX_A_IPS], p.ips);
		st_csvx_port(&p, del, dump);
		return;
	}
	case CSVX_CMD_SET_PARAMS:
	case CSVX_CMD_GET_PARAMS: {
		const struct nlattr *a;

		if (!tb[CSVX_A_PARAMS])
			return;
		mnl_attr_for_each_nested(a, tb[CSVX_A_PARAMS]) {
			if (mnl_attr_get_type(a) == CSVX_PARAM_UDP_PORT &&
			    mnl_attr_validate(a, MNL_TYPE_U32) >= 0) {
				cx.udp_port = mnl_attr_get_u32(a);
				st_csvx_params();
			}
		}
		return;
	}
	}
}

static void parse_msg(const struct nlmsghdr *nlh, bool dump)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = { 0 };
	const struct genlmsghdr *g;

	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return;
	g = mnl_nlmsg_get_payload(nlh);
	if (mnl_attr_parse(nlh, GENL_HDRLEN, attr_cb, tb) < 0)
		return;
	handle(g->cmd, tb, dump);
}

static void ctrl_msg(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	const char *name = NULL;

	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return;
	if (g->cmd != CTRL_CMD_NEWFAMILY && g->cmd != CTRL_CMD_DELFAMILY)
		return;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_NAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
			name = mnl_attr_get_str(a);
	if (!name || strcmp(name, CSVX_GENL_NAME))
		return;
	if (g->cmd == CTRL_CMD_NEWFAMILY) {
		log_info("the csvx family was registered");
		cx.appeared = true;
	} else {
		log_warn("the csvx family was unregistered (module unloaded?)");
		cx.gone = true;
		cx.up = false;
	}
}

static void ev_msg(const struct nlmsghdr *nlh, void *arg)
{
	(void)arg;
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		ctrl_msg(nlh);
		return;
	}
	/* After an unload the old family id may be reused by another family. */
	if (!cx.up || nlh->nlmsg_type != cx.family)
		return;
	parse_msg(nlh, false);
}

/* ---- dumps and writes ---------------------------------------------------- */

static struct nlmsghdr *req(uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = nls_msg(&cx.cmd, (uint16_t)cx.family, flags);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = cmd;
	g->version = CSVX_GENL_VERSION;
	return nlh;
}

static void dump_msg(const struct nlmsghdr *nlh, void *arg)
{
	(void)arg;
	if (nlh->nlmsg_type == cx.family)
		parse_msg(nlh, true);
}

int cx_dump(uint8_t cmd)
{
	char ext[NLS_EXTACK_MAX];
	int err;

	if (!cx.up)
		return -ENOENT;
	err = nls_sync(&cx.cmd, req(cmd, NLM_F_DUMP), dump_msg, NULL, ext);
	if (err && err != -EINTR && !(cmd == CSVX_CMD_GET_PORT &&
				      (err == -EOPNOTSUPP || err == -EINVAL)))
		log_err("csvx dump (command %u): %s%s%s", cmd, strerror(-err),
			*ext ? ": " : "", ext);
	if (cmd == CSVX_CMD_GET_PORT)
		cx.ports = !err;
	return err;
}

int cx_get_params(void)
{
	char ext[NLS_EXTACK_MAX];
	int err;

	err = nls_sync(&cx.cmd, req(CSVX_CMD_GET_PARAMS, 0), dump_msg, NULL, ext);
	if (err)
		log_err("csvx params: %s%s%s", strerror(-err), *ext ? ": " : "", ext);
	return err;
}

static void put_addr(struct nlmsghdr *nlh, uint16_t type, const struct addr *a)
{
	mnl_attr_put(nlh, type, addr_len(a), a->b);
}

void cx_fdb_write(const struct cx_fdb *f, bool del, nl_done_fn done, void *arg)
{
	struct nlmsghdr *nlh;

	if (del) {
		nlh = req(CSVX_CMD_DEL_FDB, 0);
		mnl_attr_put_u32(nlh, CSVX_A_VNI, f->vni);
		mnl_attr_put(nlh, CSVX_A_MAC, ETH_ALEN, f->mac);
	} else {
		/*
		 * zebra keeps the MAC mobility sequence number to itself: what
		 * it programs is already BGP's decision, so the entry simply
		 * replaces what csvx has (CSVX_A_REPLACE, sequence 0, no sticky).
		 */
		nlh = req(CSVX_CMD_NEW_FDB, 0);
		mnl_attr_put(nlh, CSVX_A_REPLACE, 0, NULL);
		mnl_attr_put_u32(nlh, CSVX_A_VNI, f->vni);
		mnl_attr_put(nlh, CSVX_A_MAC, ETH_ALEN, f->mac);
		put_addr(nlh, CSVX_A_REMOTE, &f->remote);
		if (f->nips) {
			struct nlattr *nest = mnl_attr_nest_start(nlh, CSVX_A_IPS);

			for (unsigned int i = 0; i < f->nips; i++)
				put_addr(nlh, CSVX_IPS_A_ADDR, &f->ips[i]);
			mnl_attr_nest_end(nlh, nest);
		}
		mnl_attr_put_u32(nlh, CSVX_A_FLAGS, 0);
	}
	nls_submit(&cx.cmd, nlh, NULL, done, arg);
}

void cx_flood_write(uint32_t vni, const struct addr *remote, bool del,
		    nl_done_fn done, void *arg)
{
	/* generic netlink refuses NLM_F_CREATE & co; an existing entry is EEXIST */
	struct nlmsghdr *nlh = req(del ? CSVX_CMD_DEL_FLOOD : CSVX_CMD_NEW_FLOOD, 0);

	mnl_attr_put_u32(nlh, CSVX_A_VNI, vni);
	put_addr(nlh, CSVX_A_REMOTE, remote);
	nls_submit(&cx.cmd, nlh, NULL, done, arg);
}

void cx_route_write(const struct cx_route *r, bool del, nl_done_fn done, void *arg)
{
	struct nlmsghdr *nlh = req(del ? CSVX_CMD_DEL_ROUTE : CSVX_CMD_NEW_ROUTE, 0);

	if (!del)
		mnl_attr_put(nlh, CSVX_A_REPLACE, 0, NULL);
	mnl_attr_put_strz(nlh, CSVX_A_VRF, r->vrf);
	put_addr(nlh, CSVX_A_PREFIX, &r->prefix);
	mnl_attr_put_u8(nlh, CSVX_A_PLEN, r->plen);
	if (!del) {
		put_addr(nlh, CSVX_A_REMOTE, &r->remote);
		mnl_attr_put(nlh, CSVX_A_RMAC, ETH_ALEN, r->rmac);
	}
	nls_submit(&cx.cmd, nlh, NULL, done, arg);
}
