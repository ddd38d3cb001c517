/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Requests of the security-group objects (sets, groups and rules, ports)
 * for the API tests test_set.c, test_sg.c, test_port.c and test_sg_dp.c,
 * on top of csvx_nl.h.  Include after csvx_test.h.  Nothing here asserts:
 * functions return 0 or -errno, the kernel's extack is in struct
 * csvx_sock, as with csvx_nl.h.
 */
#ifndef _CSVX_API_SG_H
#define _CSVX_API_SG_H

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "csvx_nl.h"

#define SG_UNUSED __attribute__((unused))

/* ------------------------------------------------------------ sets */

static SG_UNUSED int sg_set_new(struct csvx_sock *s, bool replace,
				const char *name, uint8_t type, int family,
				uint32_t maxelem)
{
	char buf[CSVX_REQ_SIZE];
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_NEW_SET, 0);

	mnl_attr_put_strz(nlh, CSVX_A_SET, name);
	mnl_attr_put_u8(nlh, CSVX_A_SET_TYPE, type);
	if (family)
		mnl_attr_put_u8(nlh, CSVX_A_FAMILY, family);
	if (maxelem)
		mnl_attr_put_u32(nlh, CSVX_A_MAXELEM, maxelem);
	if (replace)
		mnl_attr_put(nlh, CSVX_A_REPLACE, 0, NULL);
	return csvx_do(s, nlh, NULL);
}

/* DEL_SET, FLUSH_SET, GET_SET (into @reply if not NULL) of one set. */
static SG_UNUSED int sg_set_cmd(struct csvx_sock *s, uint8_t cmd,
				const char *name, struct csvx_msgs *reply)
{
	char buf[CSVX_REQ_SIZE];
	struct nlmsghdr *nlh = csvx_req(s, buf, cmd, 0);

	mnl_attr_put_strz(nlh, CSVX_A_SET, name);
	return csvx_do(s, nlh, reply);
}

static SG_UNUSED int sg_set_swap(struct csvx_sock *s, const char *a,
				 const char *b)
{
	char buf[CSVX_REQ_SIZE];
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_SWAP_SET, 0);

	mnl_attr_put_strz(nlh, CSVX_A_SET, a);
	mnl_attr_put_strz(nlh, CSVX_A_SET2, b);
	return csvx_do(s, nlh, NULL);
}

/* NEW/DEL/GET_SET_MEMBER of "ADDR[/PLEN]". */
static SG_UNUSED int sg_member(struct csvx_sock *s, uint8_t cmd, bool replace,
			       const char *set, const char *prefix,
			       struct csvx_msgs *reply)
{
	char buf[CSVX_REQ_SIZE], addr[64], *slash;
	struct nlmsghdr *nlh = csvx_req(s, buf, cmd, 0);

	snprintf(addr, sizeof(addr), "%s", prefix);
	slash = strchr(addr, '/');
	if (slash)
		*slash++ = '\0';
	mnl_attr_put_strz(nlh, CSVX_A_SET, set);
	csvx_put_ip(nlh, CSVX_A_PREFIX, addr);
	if (slash)
		mnl_attr_put_u8(nlh, CSVX_A_PLEN, atoi(slash));
	if (replace)
		mnl_attr_put(nlh, CSVX_A_REPLACE, 0, NULL);
	return csvx_do(s, nlh, reply);
}

/* ---------------------------------------------------- groups, rules */

static SG_UNUSED int sg_group(struct csvx_sock *s, uint8_t cmd,
			      const char *name, struct csvx_msgs *reply)
{
	char buf[CSVX_REQ_SIZE];
	struct nlmsghdr *nlh = csvx_req(s, buf, cmd, 0);

	mnl_attr_put_strz(nlh, CSVX_A_SG, name);
	return csvx_do(s, nlh, reply);
}

/* A rule; -1 (or NULL) leaves an attribute out. */
struct sg_rule {
	const char *sg;
	int dir;
	int proto;
	int lo, hi;
	int type, code;
	const char *prefix;		/* "10.0.0.0/8" */
	const char *set;
	const char *group;
	bool replace;
};

/*
 * SG_RULE(.sg = "g", .proto = 6): the defaults below, then the caller's
 * fields, which override them on purpose.
 */
#pragma GCC diagnostic ignored "-Woverride-init"
#define SG_RULE(...) ((struct sg_rule){ .dir = CSVX_SG_INGRESS, .proto = -1, \
	.lo = -1, .hi = -1, .type = -1, .code = -1, __VA_ARGS__ })

/* The attributes of rule @r into a request already started. */
static SG_UNUSED void sg_rule_put(struct nlmsghdr *nlh,
				  const struct sg_rule *r)
{
	char addr[64], *slash;

	if (r->sg)
		mnl_attr_put_strz(nlh, CSVX_A_SG, r->sg);
	if (r->dir >= 0)
		mnl_attr_put_u8(nlh, CSVX_A_DIR, r->dir);
	if (r->proto >= 0)
		mnl_attr_put_u8(nlh, CSVX_A_PROTO, r->proto);
	if (r->lo >= 0)
		mnl_attr_put_u16(nlh, CSVX_A_DPORT_LO, r->lo);
	if (r->hi >= 0)
		mnl_attr_put_u16(nlh, CSVX_A_DPORT_HI, r->hi);
	if (r->type >= 0)
		mnl_attr_put_u8(nlh, CSVX_A_ICMP_TYPE, r->type);
	if (r->code >= 0)
		mnl_attr_put_u8(nlh, CSVX_A_ICMP_CODE, r->code);
	if (r->prefix) {
		snprintf(addr, sizeof(addr), "%s", r->prefix);
		slash = strchr(addr, '/');
		if (slash)
			*slash++ = '\0';
		csvx_put_ip(nlh, CSVX_A_PREFIX, addr);
		if (slash)
			mnl_attr_put_u8(nlh, CSVX_A_PLEN, atoi(slash));
	}
	if (r->set)
		mnl_attr_put_strz(nlh, CSVX_A_SET, r->set);
	if (r->group)
		mnl_attr_put_strz(nlh, CSVX_A_REMOTE_SG, r->group);
	if (r->replace)
		mnl_attr_put(nlh, CSVX_A_REPLACE, 0, NULL);
}

static SG_UNUSED struct nlmsghdr *sg_rule_req(struct csvx_sock *s, void *buf,
					      uint8_t cmd,
					      const struct sg_rule *r)
{
	struct nlmsghdr *nlh = csvx_req(s, buf, cmd, 0);

	sg_rule_put(nlh, r);
	return nlh;
}

static SG_UNUSED int sg_rule(struct csvx_sock *s, uint8_t cmd,
			     struct sg_rule r)
{
	char buf[CSVX_REQ_SIZE];

	return csvx_do(s, sg_rule_req(s, buf, cmd, &r), NULL);
}

/* ------------------------------------------------------------ ports */

struct sg_port {
	const char *ifname;
	uint32_t vni;			/* 0: absent */
	const char *mac;
	const char *ips[CSVX_PORT_MAX_IPS + 2];	/* NULL-terminated */
	bool has_ips;			/* IPS even if empty */
	const char *sgs[CSVX_PORT_MAX_SGS + 2];
	bool has_sgs;
	bool replace;
};

static SG_UNUSED int sg_port(struct csvx_sock *s, uint8_t cmd,
			     const struct sg_port *p, struct csvx_msgs *reply)
{
	char buf[CSVX_REQ_SIZE];
	struct nlmsghdr *nlh = csvx_req(s, buf, cmd, 0);
	struct nlattr *nest;
	int i;

	mnl_attr_put_strz(nlh, CSVX_A_IFNAME, p->ifname);
	if (p->vni)
		mnl_attr_put_u32(nlh, CSVX_A_VNI, p->vni);
	if (p->mac)
		csvx_put_mac(nlh, CSVX_A_MAC, p->mac);
	if (p->has_ips || p->ips[0]) {
		nest = mnl_attr_nest_start(nlh, CSVX_A_IPS);
		for (i = 0; p->ips[i]; i++)
			csvx_put_ip(nlh, CSVX_IPS_A_ADDR, p->ips[i]);
		mnl_attr_nest_end(nlh, nest);
	}
	if (p->has_sgs || p->sgs[0]) {
		nest = mnl_attr_nest_start(nlh, CSVX_A_SGS);
		for (i = 0; p->sgs[i]; i++)
			mnl_attr_put_strz(nlh, CSVX_SGS_A_NAME, p->sgs[i]);
		mnl_attr_nest_end(nlh, nest);
	}
	if (p->replace)
		mnl_attr_put(nlh, CSVX_A_REPLACE, 0, NULL);
	return csvx_do(s, nlh, reply);
}

/* GET_PORT of @ifname: its attributes in @tb (reply kept in @reply). */
static SG_UNUSED int sg_port_get(struct csvx_sock *s, const char *ifname,
				 struct csvx_msgs *reply,
				 const struct nlattr **tb)
{
	struct sg_port p = { .ifname = ifname };
	int err;

	memset(reply, 0, sizeof(*reply));
	err = sg_port(s, CSVX_CMD_GET_PORT, &p, reply);
	if (err)
		return err;
	if (reply->nr != 1)
		return -EPROTO;
	return csvx_attrs(reply->v[0], tb, CSVX_A_MAX);
}

/* A u64 counter of a port: CSVX_A_STATS or CSVX_A_DROPS, index @i. */
static SG_UNUSED uint64_t sg_port_counter(struct csvx_sock *s,
					  const char *ifname, int nest, int i)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	const struct nlattr *sub[64] = {};
	struct csvx_msgs reply;
	uint64_t v = ~0ULL;

	if (sg_port_get(s, ifname, &reply, tb) || !tb[nest] ||
	    csvx_nest_attrs(tb[nest], sub, 63))
		goto out;
	v = sub[i] ? mnl_attr_get_u64(sub[i]) : ~0ULL;
out:
	csvx_msgs_free(&reply);
	return v;
}

static SG_UNUSED uint32_t sg_attr_u32(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == 4 ? mnl_attr_get_u32(a) :
						       ~0U;
}

/* Attributes of the one message of @m (0 if there is exactly one). */
static SG_UNUSED int sg_one(const struct csvx_msgs *m,
			    const struct nlattr **tb)
{
	if (m->nr != 1)
		return -EPROTO;
	return csvx_attrs(m->v[0], tb, CSVX_A_MAX);
}

/* Run a shell command, quietly; its exit status. */
static SG_UNUSED int sg_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, " >/dev/null 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Is the notification @cmd among the messages queued on @mon? */
static SG_UNUSED int sg_notified(struct csvx_sock *mon, uint8_t cmd)
{
	struct csvx_msgs m = {};
	size_t i;
	int n = 0;

	if (csvx_recv_pending(mon, &m) < 0)
		return -1;
	for (i = 0; i < m.nr; i++)
		n += csvx_cmd(m.v[i]) == cmd;
	csvx_msgs_free(&m);
	return n;
}

#endif /* _CSVX_API_SG_H */
