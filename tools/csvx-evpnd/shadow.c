// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow topology for FRR 8.4 (one kernel vxlan device per VNI).
 *
 * Why nothing crosses these devices:
 * - the vxlan devices use conf.shadow_port (default 4790), never csvx's
 *   udp-port: no VXLAN packet of the fabric is for them;
 * - their bridge ports have learning, unknown-unicast, multicast and
 *   broadcast flooding off, so the flood entries zebra installs never
 *   replicate anything; nolearning on the vxlan devices themselves;
 * - the bridges and ports get no addresses and no IPv6 link-local
 *   (addrgenmode none), so the host sends nothing into them;
 * - VM taps stay in CloudStack's brvx-N with the csvx VTEP device.
 * They must still be up: zebra only uses operative devices.
 *
 * Every device carries the alias SHADOW_ALIAS, so that a later run can tell
 * its own leftovers from anybody else's devices.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/if_bridge.h>
#include <linux/rtnetlink.h>

#include "conf.h"
#include "htab.h"
#include "log.h"
#include "rtnl.h"
#include "shadow.h"

#define SHADOW_ALIAS	"csvx-evpnd shadow"

struct shmap {
	struct hnode node;
	int ifindex;
	enum shadow_role role;
	void *owner;
};

static struct htab shmap_tab;

struct linfo {
	int ifindex;
	unsigned int flags;
	int master;
	char name[IFNAMSIZ];
	char kind[16];
	char alias[64];
	uint8_t mac[ETH_ALEN];
	bool have_mac;
	uint32_t vxlan_id;
	struct addr vxlan_local;
	unsigned int vxlan_port;
	bool vxlan_learning;
	uint32_t vrf_table;
};

int shadow_init(void)
{
	htab_init(&shmap_tab, offsetof(struct shmap, ifindex) - offsetof(struct shmap, node),
		  sizeof(int));
	return 0;
}

void shadow_fini(void)
{
	struct hiter it;
	struct hnode *n;

	htab_for_each(n, &it, &shmap_tab) {
		htab_remove(&shmap_tab, n);
		free(container_of(n, struct shmap, node));
	}
	htab_free(&shmap_tab);
}

unsigned int shadow_count(void)
{
	return (unsigned int)shmap_tab.n;
}

void *shadow_find(int ifindex, enum shadow_role *role)
{
	struct hnode *n = ifindex > 0 ? htab_find(&shmap_tab, &ifindex) : NULL;
	struct shmap *m;

	if (!n) {
		*role = SH_NONE;
		return NULL;
	}
	m = container_of(n, struct shmap, node);
	*role = m->role;
	return m->owner;
}

void shadow_forget(int ifindex)
{
	struct hnode *n = ifindex > 0 ? htab_find(&shmap_tab, &ifindex) : NULL;

	if (n) {
		htab_remove(&shmap_tab, n);
		free(container_of(n, struct shmap, node));
	}
}

static void map(int ifindex, enum shadow_role role, void *owner)
{
	struct shmap *m;

	if (ifindex <= 0)
		return;
	shadow_forget(ifindex);
	m = xcalloc(1, sizeof(*m));
	m->ifindex = ifindex;
	m->role = role;
	m->owner = owner;
	htab_insert(&shmap_tab, &m->node);
}

void shadow_vni_names(uint32_t vni, char br[IFNAMSIZ], char vx[IFNAMSIZ], char adv[IFNAMSIZ])
{
	snprintf(br, IFNAMSIZ, "%s%u", conf.bridge_prefix, vni);
	snprintf(vx, IFNAMSIZ, "%s%u", conf.vxlan_prefix, vni);
	snprintf(adv, IFNAMSIZ, "%s%u", conf.adv_prefix, vni);
}

bool shadow_vrf_devname(const char *vrf, char dev[IFNAMSIZ])
{
	return snprintf(dev, IFNAMSIZ, "%s%s", conf.vrf_prefix, vrf) < IFNAMSIZ;
}

/* ---- rtnetlink link requests ------------------------------------------- */

static void parse_info_data(const struct nlattr *data, struct linfo *li)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, data) {
		uint16_t t = mnl_attr_get_type(a);

		if (!strcmp(li->kind, "vxlan")) {
			if (t == IFLA_VXLAN_ID && mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				li->vxlan_id = mnl_attr_get_u32(a);
			else if ((t == IFLA_VXLAN_LOCAL || t == IFLA_VXLAN_LOCAL6))
				addr_set(&li->vxlan_local, mnl_attr_get_payload(a),
					 mnl_attr_get_payload_len(a));
			else if (t == IFLA_VXLAN_PORT && mnl_attr_get_payload_len(a) == 2)
				li->vxlan_port = ntohs(mnl_attr_get_u16(a));
			else if (t == IFLA_VXLAN_LEARNING && mnl_attr_validate(a, MNL_TYPE_U8) >= 0)
				li->vxlan_learning = mnl_attr_get_u8(a);
		} else if (!strcmp(li->kind, "vrf")) {
			if (t == IFLA_VRF_TABLE && mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				li->vrf_table = mnl_attr_get_u32(a);
		}
	}
}

static void link_parse(const struct nlmsghdr *nlh, struct linfo *li)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *data = NULL;

	memset(li, 0, sizeof(*li));
	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return;
	li->ifindex = ifi->ifi_index;
	li->flags = ifi->ifi_flags;
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
				snprintf(li->name, sizeof(li->name), "%s", mnl_attr_get_str(a));
			break;
		case IFLA_MASTER:
			if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				li->master = (int)mnl_attr_get_u32(a);
			break;
		case IFLA_IFALIAS:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
				snprintf(li->alias, sizeof(li->alias), "%s", mnl_attr_get_str(a));
			break;
		case IFLA_ADDRESS:
			if (mnl_attr_get_payload_len(a) == ETH_ALEN) {
				memcpy(li->mac, mnl_attr_get_payload(a), ETH_ALEN);
				li->have_mac = true;
			}
			break;
		case IFLA_LINKINFO: {
			const struct nlattr *b;

			mnl_attr_for_each_nested(b, a) {
				if (mnl_attr_get_type(b) == IFLA_INFO_KIND &&
				    mnl_attr_validate(b, MNL_TYPE_NUL_STRING) >= 0)
					snprintf(li->kind, sizeof(li->kind), "%s",
						 mnl_attr_get_str(b));
				else if (mnl_attr_get_type(b) == IFLA_INFO_DATA)
					data = b;
			}
			break;
		}
		}
	}
	if (data)
		parse_info_data(data, li);
}

static void get_reply(const struct nlmsghdr *nlh, void *arg)
{
	link_parse(nlh, arg);
}

static int link_get(const char *name, struct linfo *li)
{
	struct nlmsghdr *nlh = nls_msg(&rt.cmd, RTM_GETLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	int err;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	memset(li, 0, sizeof(*li));
	err = nls_sync(&rt.cmd, nlh, get_reply, li, NULL);
	if (!err && !li->ifindex)
		err = -ENODEV;
	return err;
}

static int link_req(struct nlmsghdr *nlh, const char *what, const char *name)
{
	char ext[NLS_EXTACK_MAX];
	int err = nls_sync(&rt.cmd, nlh, NULL, NULL, ext);

	if (err)
		log_err("%s %s: %s%s%s", what, name, strerror(-err), *ext ? ": " : "", ext);
	return err;
}

struct vx_params {
	uint32_t id;
	const struct addr *local;
};

static int link_create(const char *name, const char *kind, const struct vx_params *vx,
		       uint32_t vrf_table, const uint8_t *mac)
{
	struct nlmsghdr *nlh = nls_msg(&rt.cmd, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *linkinfo, *data;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, ETH_ALEN, mac);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	if (vx) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, vx->id);
		if (vx->local->family == AF_INET)
			mnl_attr_put(nlh, IFLA_VXLAN_LOCAL, 4, vx->local->b);
		else
			mnl_attr_put(nlh, IFLA_VXLAN_LOCAL6, 16, vx->local->b);
		mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons((uint16_t)conf.shadow_port));
		mnl_attr_put_u8(nlh, IFLA_VXLAN_LEARNING, 0);
		mnl_attr_nest_end(nlh, data);
	} else if (vrf_table) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		mnl_attr_put_u32(nlh, IFLA_VRF_TABLE, vrf_table);
		mnl_attr_nest_end(nlh, data);
	} else if (!strcmp(kind, "bridge")) {
		/* no IGMP/MLD snooping or querier: the bridge talks to nobody */
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		mnl_attr_put_u8(nlh, IFLA_BR_MCAST_SNOOPING, 0);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, linkinfo);
	return link_req(nlh, "cannot create", name);
}

static int link_del(int ifindex, const char *name)
{
	struct nlmsghdr *nlh = nls_msg(&rt.cmd, RTM_DELLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	char ext[NLS_EXTACK_MAX];
	int err;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	err = nls_sync(&rt.cmd, nlh, NULL, NULL, ext);
	if (err && err != -ENODEV)
		log_err("cannot delete %s: %s%s%s", name, strerror(-err), *ext ? ": " : "", ext);
	shadow_forget(ifindex);
	return err;
}

/* Alias and no IPv6 link-local: before the device first goes up. */
static int link_tag(int ifindex, const char *name)
{
	struct nlmsghdr *nlh = nls_msg(&rt.cmd, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *af, *in6;

	ifi->ifi_index = ifindex;
	mnl_attr_put_strz(nlh, IFLA_IFALIAS, SHADOW_ALIAS);
	af = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	in6 = mnl_attr_nest_start(nlh, AF_INET6);
	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, in6);
	mnl_attr_nest_end(nlh, af);
	return link_req(nlh, "cannot configure", name);
}

static int link_master(int ifindex, int master, const char *name)
{
	struct nlmsghdr *nlh = nls_msg(&rt.cmd, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_index = ifindex;
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	return link_req(nlh, "cannot set the master of", name);
}

static int link_up(int ifindex, const char *name)
{
	struct nlmsghdr *nlh = nls_msg(&rt.cmd, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return link_req(nlh, "cannot bring up", name);
}

static int link_mac(int ifindex, const uint8_t *mac, const char *name)
{
	struct nlmsghdr *nlh = nls_msg(&rt.cmd, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_index = ifindex;
	mnl_attr_put(nlh, IFLA_ADDRESS, ETH_ALEN, mac);
	return link_req(nlh, "cannot set the MAC address of", name);
}

/* A bridge port that learns nothing and floods nothing. */
static int port_quiet(int ifindex, const char *name)
{
	struct nlmsghdr *nlh = nls_msg(&rt.cmd, RTM_SETLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *pi;

	ifi->ifi_family = AF_BRIDGE;
	ifi->ifi_index = ifindex;
	pi = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_LEARNING, 0);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_UNICAST_FLOOD, 0);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_MCAST_FLOOD, 0);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_BCAST_FLOOD, 0);
	mnl_attr_nest_end(nlh, pi);
	return link_req(nlh, "cannot set the bridge port flags of", name);
}

/*
 * One device: reuse it if it fits, else (if it is ours) recreate it.
 * *CREATED says whether it is new.  Returns the ifindex or -errno.
 */
static int ensure(const char *name, const char *kind, const struct vx_params *vx,
		  uint32_t vrf_table, const uint8_t *mac, struct linfo *li, bool *created)
{
	int err;

	*created = false;
	err = link_get(name, li);
	if (!err) {
		bool fits = !strcmp(li->kind, kind);

		if (fits && vx)
			fits = li->vxlan_id == vx->id && addr_eq(&li->vxlan_local, vx->local) &&
			       li->vxlan_port == conf.shadow_port && !li->vxlan_learning;
		if (fits && vrf_table)
			fits = li->vrf_table == vrf_table;
		if (fits)
			return li->ifindex;
		if (strcmp(li->alias, SHADOW_ALIAS) && strcmp(li->kind, kind)) {
			log_err("%s exists and is not a %s device made by csvx-evpnd: "
				"leaving it alone", name, kind);
			return -EEXIST;
		}
		log_info("recreating %s (its parameters changed)", name);
		link_del(li->ifindex, name);
	} else if (err != -ENODEV) {
		log_err("cannot look up %s: %s", name, strerror(-err));
		return err;
	}
	err = link_create(name, kind, vx, vrf_table, mac);
	if (err)
		return err;
	err = link_get(name, li);
	if (err)
		return err;
	*created = true;
	err = link_tag(li->ifindex, name);
	return err ? err : li->ifindex;
}

/* Master, port flags, up: only what is not so already. */
static int wire(const char *name, const struct linfo *li, bool created, int master,
		bool port)
{
	int err = 0;

	if (!created && strcmp(li->alias, SHADOW_ALIAS))
		err = link_tag(li->ifindex, name);
	if (!err && li->master != master) {
		err = link_master(li->ifindex, master, name);
		created = true;		/* a new port: set its flags */
	}
	if (!err && port && created)
		err = port_quiet(li->ifindex, name);
	if (!err && !(li->flags & IFF_UP))
		err = link_up(li->ifindex, name);
	return err;
}

int shadow_vni_create(struct shadow_vni *sh, uint32_t vni, const struct addr *vtep,
		      int vrf_dev, void *owner)
{
	char br[IFNAMSIZ], vx[IFNAMSIZ], adv[IFNAMSIZ];
	struct vx_params vp = { .id = vni, .local = vtep };
	struct linfo lbr, lvx, ladv;
	bool cbr, cvx, cadv;
	int ibr, ivx, iadv, err;

	shadow_vni_names(vni, br, vx, adv);
	sh->ok = false;
	ibr = ensure(br, "bridge", NULL, 0, NULL, &lbr, &cbr);
	if (ibr < 0)
		return ibr;
	ivx = ensure(vx, "vxlan", &vp, 0, NULL, &lvx, &cvx);
	if (ivx < 0)
		return ivx;
	iadv = ensure(adv, "dummy", NULL, 0, NULL, &ladv, &cadv);
	if (iadv < 0)
		return iadv;
	err = wire(vx, &lvx, cvx, ibr, true);
	if (!err)
		err = wire(adv, &ladv, cadv, ibr, true);
	if (!err)
		err = wire(br, &lbr, cbr, vrf_dev, false);
	if (err)
		return err;
	/* ifindexes change when a device is recreated: forget the old ones */
	if (sh->br != ibr)
		shadow_forget(sh->br);
	if (sh->vx != ivx)
		shadow_forget(sh->vx);
	if (sh->adv != iadv)
		shadow_forget(sh->adv);
	map(ibr, SH_L2_BR, owner);
	map(ivx, SH_L2_VX, owner);
	map(iadv, SH_L2_ADV, owner);
	sh->br = ibr;
	sh->vx = ivx;
	sh->adv = iadv;
	sh->vtep = *vtep;
	sh->master = vrf_dev;
	sh->ok = true;
	if (cbr || cvx || cadv)
		log_info("VNI %u: shadow %s/%s/%s created (VTEP %s, port %u)", vni, br, vx,
			 adv, addr_str(vtep, (char[ADDR_STRLEN]){ 0 }), conf.shadow_port);
	return 0;
}

static void del_named(int *ifindex, const char *name)
{
	struct linfo li;

	/* By name too: after a restart we may not know the ifindex yet. */
	if (*ifindex <= 0 && !link_get(name, &li) && !strcmp(li.alias, SHADOW_ALIAS))
		*ifindex = li.ifindex;
	if (*ifindex > 0)
		link_del(*ifindex, name);
	*ifindex = 0;
}

void shadow_vni_delete(struct shadow_vni *sh, uint32_t vni)
{
	char br[IFNAMSIZ], vx[IFNAMSIZ], adv[IFNAMSIZ];

	shadow_vni_names(vni, br, vx, adv);
	del_named(&sh->vx, vx);
	del_named(&sh->adv, adv);
	del_named(&sh->br, br);
	sh->ok = false;
	log_info("VNI %u: shadow devices removed", vni);
}

int shadow_vrf_create(struct shadow_vrf *sh, const char *name, uint32_t table,
		      uint32_t l3vni, const uint8_t *rmac, const struct addr *vtep,
		      void *owner)
{
	char dev[IFNAMSIZ], br[IFNAMSIZ], vx[IFNAMSIZ], adv[IFNAMSIZ];
	struct vx_params vp = { .id = l3vni, .local = vtep };
	struct linfo ldev, lbr, lvx;
	bool cdev, cbr, cvx;
	int idev, ibr, ivx, err;

	sh->ok = false;
	if (!shadow_vrf_devname(name, dev)) {
		log_err("VRF %s: device name %s%s is too long", name, conf.vrf_prefix, name);
		return -ENAMETOOLONG;
	}
	shadow_vni_names(l3vni, br, vx, adv);
	idev = ensure(dev, "vrf", NULL, table, NULL, &ldev, &cdev);
	if (idev < 0)
		return idev;
	ibr = ensure(br, "bridge", NULL, 0, rmac, &lbr, &cbr);
	if (ibr < 0)
		return ibr;
	ivx = ensure(vx, "vxlan", &vp, 0, NULL, &lvx, &cvx);
	if (ivx < 0)
		return ivx;
	/* zebra advertises the L3 SVI's MAC as the router MAC */
	err = 0;
	if (!lbr.have_mac || memcmp(lbr.mac, rmac, ETH_ALEN))
		err = link_mac(ibr, rmac, br);
	if (!err)
		err = wire(vx, &lvx, cvx, ibr, true);
	if (!err)
		err = wire(br, &lbr, cbr, idev, false);
	if (!err)
		err = wire(dev, &ldev, cdev, 0, false);
	if (err)
		return err;
	if (sh->dev != idev)
		shadow_forget(sh->dev);
	if (sh->br != ibr)
		shadow_forget(sh->br);
	if (sh->vx != ivx)
		shadow_forget(sh->vx);
	map(idev, SH_L3_VRF, owner);
	map(ibr, SH_L3_BR, owner);
	map(ivx, SH_L3_VX, owner);
	sh->dev = idev;
	sh->br = ibr;
	sh->vx = ivx;
	sh->vtep = *vtep;
	sh->ok = true;
	if (cdev || cbr || cvx)
		log_info("VRF %s: shadow %s (table %u), L3VNI %u on %s/%s created", name, dev,
			 table, l3vni, br, vx);
	return 0;
}

void shadow_vrf_delete(struct shadow_vrf *sh, const char *name, uint32_t l3vni)
{
	char dev[IFNAMSIZ], br[IFNAMSIZ], vx[IFNAMSIZ], adv[IFNAMSIZ];

	shadow_vni_names(l3vni, br, vx, adv);
	del_named(&sh->vx, vx);
	del_named(&sh->br, br);
	if (shadow_vrf_devname(name, dev))
		del_named(&sh->dev, dev);
	sh->ok = false;
	log_info("VRF %s: shadow devices removed", name);
}

/* ---- sweep ------------------------------------------------------------ */

struct sweep {
	struct linfo *v;
	size_t n, cap;
};

static void sweep_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct sweep *sw = arg;
	struct linfo li;

	link_parse(nlh, &li);
	if (!li.ifindex || strcmp(li.alias, SHADOW_ALIAS))
		return;
	if (sw->n == sw->cap) {
		sw->cap = sw->cap ? sw->cap * 2 : 64;
		sw->v = xrealloc(sw->v, sw->cap * sizeof(*sw->v));
	}
	sw->v[sw->n++] = li;
}

int shadow_sweep(bool (*keep)(const char *name, void *arg), void *arg)
{
	struct nlmsghdr *nlh = nls_msg(&rt.cmd, RTM_GETLINK, NLM_F_DUMP);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct sweep sw = { 0 };
	int deleted = 0, err;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	err = nls_sync(&rt.cmd, nlh, sweep_msg, &sw, NULL);
	if (err) {
		free(sw.v);
		return err;
	}
	/* vxlan and dummy ports first, VRF devices last */
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < sw.n; i++) {
			struct linfo *li = &sw.v[i];
			int p = !strcmp(li->kind, "vrf") ? 2 : !strcmp(li->kind, "bridge") ? 1 : 0;

			if (p != pass || keep(li->name, arg))
				continue;
			log_info("removing stale shadow device %s", li->name);
			if (!link_del(li->ifindex, li->name))
				deleted++;
		}
	}
	free(sw.v);
	return deleted;
}

/* ---- VTEP address ------------------------------------------------------- */

struct vtep_find {
	int ifindex;
	struct addr v4, v6;
};

static void addr_msg(const struct nlmsghdr *nlh, void *arg)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct vtep_find *vf = arg;
	const struct nlattr *a;
	struct addr ad = { 0 };

	if (nlh->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != vf->ifindex ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(a) == IFA_LOCAL ||
		    (mnl_attr_get_type(a) == IFA_ADDRESS && !addr_is_set(&ad)))
			addr_set(&ad, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
	}
	if (ad.family == AF_INET && !addr_is_set(&vf->v4))
		vf->v4 = ad;
	else if (ad.family == AF_INET6 && !addr_is_set(&vf->v6))
		vf->v6 = ad;
}

int shadow_vtep_auto(struct addr *out)
{
	struct vtep_find vf = { 0 };
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	struct linfo li;
	int err;

	memset(out, 0, sizeof(*out));
	err = link_get(conf.vtep_dev, &li);
	if (err)
		return err;
	vf.ifindex = li.ifindex;
	nlh = nls_msg(&rt.cmd, RTM_GETADDR, NLM_F_DUMP);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_UNSPEC;
	err = nls_sync(&rt.cmd, nlh, addr_msg, &vf, NULL);
	if (err)
		return err;
	/* zebra 8.4 builds type-3 routes from IPv4 VTEPs only */
	*out = addr_is_set(&vf.v4) ? vf.v4 : vf.v6;
	return addr_is_set(out) ? 0 : -EADDRNOTAVAIL;
}
