// SPDX-License-Identifier: GPL-2.0
/*
 * Raw netlink for the csvx API tests; see csvx_nl.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "csvx_nl.h"

static void reset_answer(struct csvx_sock *s)
{
	s->err = 0;
	s->msg[0] = '\0';
	s->offs = -1;
	s->miss_type = -1;
}

static int fail(struct csvx_sock *s, int err)
{
	s->err = err;
	return -err;
}

int csvx_fd(const struct csvx_sock *s)
{
	return mnl_socket_get_fd(s->nl);
}

static void parse_tlvs(struct csvx_sock *s, const void *start, const void *end)
{
	const struct nlattr *a;
	int len;

	if ((const char *)end <= (const char *)start)
		return;
	len = (const char *)end - (const char *)start;
	for (a = start; mnl_attr_ok(a, len - ((const char *)a - (const char *)start));
	     a = mnl_attr_next(a)) {
		uint16_t plen = mnl_attr_get_payload_len(a);

		switch (mnl_attr_get_type(a)) {
		case NLMSGERR_ATTR_MSG:
			if (plen >= sizeof(s->msg))
				plen = sizeof(s->msg) - 1;
			memcpy(s->msg, mnl_attr_get_payload(a), plen);
			s->msg[plen] = '\0';
			break;
		case NLMSGERR_ATTR_OFFS:
			if (plen == sizeof(uint32_t))
				s->offs = mnl_attr_get_u32(a);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (plen == sizeof(uint32_t))
				s->miss_type = mnl_attr_get_u32(a);
			break;
		}
	}
}

/* NLMSG_ERROR: the error and, with NLM_F_ACK_TLVS, the extended ack. */
static void parse_ack(struct csvx_sock *s, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const char *end = (const char *)nlh + nlh->nlmsg_len;
	size_t off;

	reset_answer(s);
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int)) {
		s->err = EBADMSG;
		return;
	}
	s->err = -e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = MNL_ALIGN(off);
	if ((const char *)e + off < end)
		parse_tlvs(s, (const char *)e + off, end);
}

/* NLMSG_DONE: an int, then the extended ack if NLM_F_ACK_TLVS. */
static void parse_done(struct csvx_sock *s, const struct nlmsghdr *nlh)
{
	const int *err = mnl_nlmsg_get_payload(nlh);
	const char *end = (const char *)nlh + nlh->nlmsg_len;

	reset_answer(s);
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
		return;		/* old kernels: no payload means 0 */
	s->err = *err < 0 ? -*err : 0;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		parse_tlvs(s, (const char *)err + MNL_ALIGN(sizeof(int)), end);
}

static int recv_dgram(struct csvx_sock *s, size_t len)
{
	ssize_t n;

	if (!len)
		len = s->rcvlen ? s->rcvlen : CSVX_RECV_SIZE;
	if (len > CSVX_RECV_SIZE)
		len = CSVX_RECV_SIZE;
	do {
		n = recv(csvx_fd(s), s->rbuf, len, MSG_TRUNC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n > len)
		return -EMSGSIZE;	/* truncated: messages were lost */
	return n;
}

static int msgs_add(struct csvx_msgs *m, const struct nlmsghdr *nlh)
{
	struct nlmsghdr *copy;

	if (m->nr == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;
		struct nlmsghdr **v = realloc(m->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		m->v = v;
		m->cap = cap;
	}
	copy = malloc(nlh->nlmsg_len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, nlh, nlh->nlmsg_len);
	m->v[m->nr++] = copy;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		m->nr_intr++;
	return 0;
}

void csvx_msgs_free(struct csvx_msgs *m)
{
	size_t i;

	for (i = 0; i < m->nr; i++)
		free(m->v[i]);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static int send_msg(struct csvx_sock *s, const void *buf, size_t len)
{
	if (mnl_socket_sendto(s->nl, buf, len) < 0)
		return -errno;
	return 0;
}

/* Send one request and read up to its ack. */
static int xfer(struct csvx_sock *s, struct nlmsghdr *nlh,
		struct csvx_msgs *out)
{
	uint32_t seq = nlh->nlmsg_seq;
	int ret;

	reset_answer(s);
	nlh->nlmsg_flags |= NLM_F_ACK;
	ret = send_msg(s, nlh, nlh->nlmsg_len);
	if (ret)
		return fail(s, -ret);
	for (;;) {
		struct nlmsghdr *m;
		int n = recv_dgram(s, 0);

		if (n < 0)
			return fail(s, -n);
		if (out)
			out->datagrams++;
		for (m = (struct nlmsghdr *)s->rbuf; mnl_nlmsg_ok(m, n);
		     m = mnl_nlmsg_next(m, &n)) {
			if (m->nlmsg_seq != seq) {
				s->stray++;
				continue;
			}
			if (m->nlmsg_type == NLMSG_ERROR) {
				parse_ack(s, m);
				return -s->err;
			}
			if (m->nlmsg_type == NLMSG_DONE) {
				parse_done(s, m);
				return -s->err;
			}
			if (out && msgs_add(out, m))
				return fail(s, ENOMEM);
		}
	}
}

struct nlmsghdr *csvx_req(struct csvx_sock *s, void *buf, uint8_t cmd,
			  uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = s->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++s->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = CSVX_GENL_VERSION;
	return nlh;
}

int csvx_do(struct csvx_sock *s, struct nlmsghdr *nlh,
	    struct csvx_msgs *replies)
{
	return xfer(s, nlh, replies);
}

int csvx_dump_ops(struct csvx_sock *s, struct nlmsghdr *nlh,
		  struct csvx_dump_ops *ops)
{
	uint32_t seq = nlh->nlmsg_seq;
	int cb_ret = 0, ret;

	reset_answer(s);
	ops->datagrams = 0;
	ops->msgs = 0;
	ops->nr_intr = 0;
	nlh->nlmsg_flags |= NLM_F_DUMP;
	ret = send_msg(s, nlh, nlh->nlmsg_len);
	if (ret)
		return fail(s, -ret);
	for (;;) {
		struct nlmsghdr *m;
		bool done = false;
		int n = recv_dgram(s, ops->rcvlen);

		if (n < 0)
			return fail(s, -n);
		ops->datagrams++;
		for (m = (struct nlmsghdr *)s->rbuf; mnl_nlmsg_ok(m, n);
		     m = mnl_nlmsg_next(m, &n)) {
			if (m->nlmsg_seq != seq) {
				s->stray++;
				continue;
			}
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				ops->nr_intr++;
			if (m->nlmsg_type == NLMSG_DONE) {
				parse_done(s, m);
				done = true;
				break;
			}
			if (m->nlmsg_type == NLMSG_ERROR) {
				parse_ack(s, m);
				done = true;
				break;
			}
			ops->msgs++;
			if (ops->cb && !cb_ret)
				cb_ret = ops->cb(m, ops->arg);
		}
		if (done)
			return cb_ret ? cb_ret : -s->err;
		if (ops->between)
			ops->between(ops->arg);
	}
}

static int collect_cb(const struct nlmsghdr *nlh, void *arg)
{
	return msgs_add(arg, nlh);
}

int csvx_dump(struct csvx_sock *s, struct nlmsghdr *nlh, struct csvx_msgs *out)
{
	struct csvx_dump_ops ops = { .cb = collect_cb, .arg = out };
	int ret = csvx_dump_ops(s, nlh, &ops);

	out->datagrams += ops.datagrams;
	out->nr_intr = ops.nr_intr;	/* DONE included */
	return ret;
}

/* ---------------------------------------------------------- the family */

static int parse_family(struct csvx_sock *s, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = {};
	const struct nlattr *grp;

	if (csvx_attrs(nlh, tb, CTRL_ATTR_MAX) < 0 || !tb[CTRL_ATTR_FAMILY_ID])
		return -EBADMSG;
	s->family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION])
		s->family_version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	mnl_attr_for_each_nested(grp, tb[CTRL_ATTR_MCAST_GROUPS]) {
		const struct nlattr *g[CTRL_ATTR_MCAST_GRP_MAX + 1] = {};

		if (csvx_nest_attrs(grp, g, CTRL_ATTR_MCAST_GRP_MAX) < 0)
			return -EBADMSG;
		if (g[CTRL_ATTR_MCAST_GRP_NAME] && g[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(mnl_attr_get_str(g[CTRL_ATTR_MCAST_GRP_NAME]),
			    CSVX_MCGRP_NOTIFY))
			s->mcgrp = mnl_attr_get_u32(g[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

int csvx_ctrl_family(struct csvx_sock *s, struct csvx_msgs *reply)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++s->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, CSVX_GENL_NAME);
	return xfer(s, nlh, reply);
}

int csvx_open(struct csvx_sock *s)
{
	struct timeval tv = { .tv_sec = 600 };
	struct csvx_msgs reply = {};
	int one = 1, size = 16 << 20, ret, fd;

	memset(s, 0, sizeof(*s));
	reset_answer(s);
	s->rbuf = malloc(CSVX_RECV_SIZE);
	if (!s->rbuf)
		return -ENOMEM;
	s->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!s->nl) {
		ret = -errno;
		goto err;
	}
	if (mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto err;
	}
	s->portid = mnl_socket_get_portid(s->nl);
	fd = csvx_fd(s);
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one))) {
		ret = -errno;
		goto err;
	}
	/* Room for many refusals of a batch; FORCE needs CAP_NET_ADMIN. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	size = 4 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	s->rcvlen = CSVX_RECV_SMALL;
	ret = csvx_ctrl_family(s, &reply);
	s->rcvlen = 0;
	if (!ret)
		ret = reply.nr == 1 ? parse_family(s, reply.v[0]) : -EBADMSG;
	csvx_msgs_free(&reply);
	if (ret)
		goto err;
	reset_answer(s);
	return 0;
err:
	csvx_close(s);
	return ret;
}

void csvx_close(struct csvx_sock *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	free(s->rbuf);
	s->nl = NULL;
	s->rbuf = NULL;
}

int csvx_subscribe(struct csvx_sock *s)
{
	int grp = s->mcgrp;

	if (!grp)
		return -ENOENT;
	if (setsockopt(csvx_fd(s), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
		       &grp, sizeof(grp)))
		return -errno;
	return 0;
}

int csvx_recv_pending(struct csvx_sock *s, struct csvx_msgs *out)
{
	int total = 0;

	for (;;) {
		struct nlmsghdr *m;
		int rem;
		size_t len = s->rcvlen ? s->rcvlen : CSVX_RECV_SIZE;
		ssize_t n = recv(csvx_fd(s), s->rbuf, len,
				 MSG_DONTWAIT | MSG_TRUNC);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return total;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if ((size_t)n > len)
			return -EMSGSIZE;
		if (out)
			out->datagrams++;
		rem = n;
		for (m = (struct nlmsghdr *)s->rbuf; mnl_nlmsg_ok(m, rem);
		     m = mnl_nlmsg_next(m, &rem)) {
			total++;
			if (out && msgs_add(out, m))
				return -ENOMEM;
		}
	}
}

/* ------------------------------------------------------------ batches */

int csvx_batch_init(struct csvx_batch *b, struct csvx_sock *s, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->s = s;
	b->cap = cap;
	b->buf = malloc(cap);
	return b->buf ? 0 : -ENOMEM;
}

static void batch_commit(struct csvx_batch *b)
{
	if (b->cur) {
		b->len += MNL_ALIGN(b->cur->nlmsg_len);
		b->cur = NULL;
	}
}

struct nlmsghdr *csvx_batch_req(struct csvx_batch *b, uint8_t cmd,
				uint16_t flags)
{
	batch_commit(b);
	if (b->len + 2048 > b->cap)
		csvx_batch_flush(b);
	b->cur = csvx_req(b->s, b->buf + b->len, cmd, flags);
	return b->cur;
}

int csvx_batch_flush(struct csvx_batch *b)
{
	struct csvx_sock *s = b->s;
	struct nlmsghdr *m, *last = NULL;
	unsigned long nr = 0;
	int rem, ret;

	batch_commit(b);
	if (!b->len)
		return 0;
	rem = b->len;
	for (m = (struct nlmsghdr *)b->buf; mnl_nlmsg_ok(m, rem);
	     m = mnl_nlmsg_next(m, &rem)) {
		last = m;
		nr++;
	}
	last->nlmsg_flags |= NLM_F_ACK;
	ret = send_msg(s, b->buf, b->len);
	b->len = 0;
	if (ret)
		return ret;
	b->sends++;
	b->sent += nr;
	for (;;) {
		int n = recv_dgram(s, 0);

		if (n < 0)
			return n;
		for (m = (struct nlmsghdr *)s->rbuf; mnl_nlmsg_ok(m, n);
		     m = mnl_nlmsg_next(m, &n)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);

			if (m->nlmsg_type != NLMSG_ERROR) {
				s->stray++;
				continue;
			}
			if (e->error) {
				parse_ack(s, m);
				if (!b->failed++) {
					b->first_err = s->err;
					snprintf(b->first_msg, sizeof(b->first_msg),
						 "%s", s->msg);
				}
			}
			if (m->nlmsg_seq == last->nlmsg_seq)
				return 0;
		}
	}
}

void csvx_batch_free(struct csvx_batch *b)
{
	free(b->buf);
	b->buf = NULL;
}

/* --------------------------------------------------------- attributes */

struct tb_arg {
	const struct nlattr **tb;
	int max;
};

static int tb_cb(const struct nlattr *a, void *data)
{
	struct tb_arg *arg = data;
	int type = mnl_attr_get_type(a);

	if (type <= arg->max)
		arg->tb[type] = a;
	return MNL_CB_OK;
}

int csvx_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb, int max)
{
	struct tb_arg arg = { tb, max };

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(struct genlmsghdr))
		return -EBADMSG;
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), tb_cb, &arg) ==
	       MNL_CB_OK ? 0 : -EBADMSG;
}

int csvx_nest_attrs(const struct nlattr *nest, const struct nlattr **tb,
		    int max)
{
	struct tb_arg arg = { tb, max };

	return mnl_attr_parse_nested(nest, tb_cb, &arg) == MNL_CB_OK ?
	       0 : -EBADMSG;
}

struct csvx_ip csvx_ip(const char *str)
{
	struct csvx_ip ip = {};

	if (inet_pton(AF_INET, str, ip.a) == 1)
		ip.len = 4;
	else if (inet_pton(AF_INET6, str, ip.a) == 1)
		ip.len = 16;
	return ip;
}

struct csvx_ip csvx_prefix(const char *str, int *plen)
{
	char tmp[INET6_ADDRSTRLEN + 8];
	char *slash;

	snprintf(tmp, sizeof(tmp), "%s", str);
	slash = strchr(tmp, '/');
	*plen = -1;
	if (slash) {
		*slash = '\0';
		*plen = atoi(slash + 1);
	}
	return csvx_ip(tmp);
}

struct csvx_mac csvx_mac(const char *str)
{
	struct csvx_mac mac = {};
	unsigned int b[6];
	int i;

	if (sscanf(str, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5]) == 6)
		for (i = 0; i < 6; i++)
			mac.a[i] = b[i];
	return mac;
}

struct csvx_mac csvx_mac_idx(uint8_t hi, uint32_t i)
{
	struct csvx_mac mac = { { 0x02, hi, i >> 24, i >> 16, i >> 8, i } };

	return mac;
}

bool csvx_attr_is_ip(const struct nlattr *a, const char *str)
{
	struct csvx_ip ip = csvx_ip(str);

	return a && ip.len && mnl_attr_get_payload_len(a) == ip.len &&
	       !memcmp(mnl_attr_get_payload(a), ip.a, ip.len);
}

bool csvx_attr_is_mac(const struct nlattr *a, const char *str)
{
	struct csvx_mac mac = csvx_mac(str);

	return a && mnl_attr_get_payload_len(a) == 6 &&
	       !memcmp(mnl_attr_get_payload(a), mac.a, 6);
}

void csvx_put_ip(struct nlmsghdr *nlh, uint16_t type, const char *str)
{
	struct csvx_ip ip = csvx_ip(str);

	mnl_attr_put(nlh, type, ip.len, ip.a);
}

void csvx_put_mac(struct nlmsghdr *nlh, uint16_t type, const char *str)
{
	struct csvx_mac mac = csvx_mac(str);

	mnl_attr_put(nlh, type, sizeof(mac.a), mac.a);
}

const char *csvx_fmt_ip(const struct nlattr *a, char *buf, size_t len)
{
	uint16_t plen = a ? mnl_attr_get_payload_len(a) : 0;

	if (plen == 4)
		return inet_ntop(AF_INET, mnl_attr_get_payload(a), buf, len);
	if (plen == 16)
		return inet_ntop(AF_INET6, mnl_attr_get_payload(a), buf, len);
	snprintf(buf, len, "<%u bytes>", plen);
	return buf;
}

/* ---------------------------------------------------------- snapshots */

static int snap_put(struct csvx_snap *snap, const void *data, size_t len)
{
	if (snap->len + len > snap->cap) {
		size_t cap = snap->cap ? snap->cap : 4096;
		char *buf;

		while (cap < snap->len + len)
			cap *= 2;
		buf = realloc(snap->buf, cap);
		if (!buf)
			return -ENOMEM;
		snap->buf = buf;
		snap->cap = cap;
	}
	memcpy(snap->buf + snap->len, data, len);
	snap->len += len;
	return 0;
}

static int snap_cb(const struct nlmsghdr *nlh, void *arg)
{
	uint32_t len = nlh->nlmsg_len - NLMSG_HDRLEN;

	/* the genl header and the attributes, not seq or portid */
	if (snap_put(arg, &len, sizeof(len)))
		return -ENOMEM;
	return snap_put(arg, mnl_nlmsg_get_payload(nlh), len);
}

int csvx_snapshot(struct csvx_sock *s, struct csvx_snap *snap)
{
	static const struct {
		uint8_t cmd;
		const char *name;
	} dumps[] = {
		{ CSVX_CMD_GET_VRF, "GET_VRF" },
		{ CSVX_CMD_GET_VNI, "GET_VNI" },
		{ CSVX_CMD_GET_FLOOD, "GET_FLOOD" },
		{ CSVX_CMD_GET_FDB, "GET_FDB" },
		{ CSVX_CMD_GET_ROUTE, "GET_ROUTE" },
		{ CSVX_CMD_GET_SET, "GET_SET" },
		{ CSVX_CMD_GET_SET_MEMBER, "GET_SET_MEMBER" },
		{ CSVX_CMD_GET_SG, "GET_SG" },
		{ CSVX_CMD_GET_SG_RULE, "GET_SG_RULE" },
		{ CSVX_CMD_GET_PORT, "GET_PORT" },
	};
	char buf[256];
	struct csvx_msgs reply = {};
	struct if_nameindex *ifs, *i;
	size_t d;
	int ret;

	snap->len = 0;
	snprintf(snap->where, sizeof(snap->where), "GET_PARAMS");
	ret = csvx_do(s, csvx_req(s, buf, CSVX_CMD_GET_PARAMS, 0), &reply);
	if (!ret && reply.nr != 1)
		ret = -EBADMSG;
	if (!ret)
		ret = snap_cb(reply.v[0], snap);
	csvx_msgs_free(&reply);
	if (ret)
		return ret;

	for (d = 0; d < sizeof(dumps) / sizeof(dumps[0]); d++) {
		struct csvx_dump_ops ops = { .cb = snap_cb, .arg = snap };
		uint32_t mark = 0xffff0000 | dumps[d].cmd;

		snprintf(snap->where, sizeof(snap->where), "%s dump",
			 dumps[d].name);
		if (snap_put(snap, &mark, sizeof(mark)))
			return -ENOMEM;
		ret = csvx_dump_ops(s, csvx_req(s, buf, dumps[d].cmd, 0), &ops);
		if (ret)
			return ret;
	}

	snprintf(snap->where, sizeof(snap->where), "network devices");
	ifs = if_nameindex();
	if (!ifs)
		return -errno;
	for (i = ifs; i->if_index; i++) {
		if (snap_put(snap, &i->if_index, sizeof(i->if_index)) ||
		    snap_put(snap, i->if_name, strlen(i->if_name) + 1)) {
			if_freenameindex(ifs);
			return -ENOMEM;
		}
	}
	if_freenameindex(ifs);
	snap->where[0] = '\0';
	return 0;
}

long csvx_snap_diff(const struct csvx_snap *a, const struct csvx_snap *b)
{
	size_t i, n = a->len < b->len ? a->len : b->len;

	for (i = 0; i < n; i++)
		if (a->buf[i] != b->buf[i])
			return i;
	return a->len == b->len ? -1 : (long)n;
}

void csvx_snap_free(struct csvx_snap *snap)
{
	free(snap->buf);
	memset(snap, 0, sizeof(*snap));
}

/* ------------------------------------------------------------ objects */

int csvx_params_get(struct csvx_sock *s, struct csvx_params *p)
{
	char buf[256];
	struct csvx_msgs reply = {};
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	const struct nlattr *a;
	int ret;

	memset(p, 0, sizeof(*p));
	ret = csvx_do(s, csvx_req(s, buf, CSVX_CMD_GET_PARAMS, 0), &reply);
	if (ret)
		goto out;
	ret = -EBADMSG;
	if (reply.nr != 1 || csvx_attrs(reply.v[0], tb, CSVX_A_MAX))
		goto out;
	if (tb[CSVX_A_VERSION])
		p->version = mnl_attr_get_u32(tb[CSVX_A_VERSION]);
	if (tb[CSVX_A_MOD_VERSION])
		snprintf(p->mod_version, sizeof(p->mod_version), "%.*s",
			 (int)mnl_attr_get_payload_len(tb[CSVX_A_MOD_VERSION]),
			 mnl_attr_get_str(tb[CSVX_A_MOD_VERSION]));
	if (tb[CSVX_A_PARAMS])
		mnl_attr_for_each_nested(a, tb[CSVX_A_PARAMS]) {
			int t = mnl_attr_get_type(a);

			if (t > 0 && t <= CSVX_PARAM_MAX &&
			    mnl_attr_get_payload_len(a) == 4) {
				p->has_val[t] = true;
				p->val[t] = mnl_attr_get_u32(a);
			}
		}
	if (tb[CSVX_A_USAGE])
		mnl_attr_for_each_nested(a, tb[CSVX_A_USAGE]) {
			int t = mnl_attr_get_type(a);

			if (t > 0 && t <= CSVX_PARAM_MAX &&
			    mnl_attr_get_payload_len(a) == 4) {
				p->has_use[t] = true;
				p->use[t] = mnl_attr_get_u32(a);
			}
		}
	ret = 0;
out:
	csvx_msgs_free(&reply);
	return ret;
}

int csvx_param_set(struct csvx_sock *s, int param, uint32_t value)
{
	char buf[256];
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_SET_PARAMS, 0);
	struct nlattr *nest = mnl_attr_nest_start(nlh, CSVX_A_PARAMS);

	mnl_attr_put_u32(nlh, param, value);
	mnl_attr_nest_end(nlh, nest);
	return csvx_do(s, nlh, NULL);
}

static void put_replace(struct nlmsghdr *nlh, int replace)
{
	if (replace)
		mnl_attr_put(nlh, CSVX_A_REPLACE, 0, NULL);
}

int csvx_vrf_new(struct csvx_sock *s, int replace, const char *name,
		 uint32_t id, uint32_t l3vni, const char *rmac)
{
	char buf[256];
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_NEW_VRF, 0);

	mnl_attr_put_strz(nlh, CSVX_A_VRF, name);
	mnl_attr_put_u32(nlh, CSVX_A_VRF_ID, id);
	mnl_attr_put_u32(nlh, CSVX_A_L3VNI, l3vni);
	csvx_put_mac(nlh, CSVX_A_RMAC, rmac);
	put_replace(nlh, replace);
	return csvx_do(s, nlh, NULL);
}

int csvx_vrf_del(struct csvx_sock *s, const char *name)
{
	char buf[256];
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_DEL_VRF, 0);

	mnl_attr_put_strz(nlh, CSVX_A_VRF, name);
	return csvx_do(s, nlh, NULL);
}

int csvx_vni_new(struct csvx_sock *s, int replace,
		 const struct csvx_vni_cfg *c)
{
	char buf[512];
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_NEW_VNI, 0);

	mnl_attr_put_u32(nlh, CSVX_A_VNI, c->vni);
	if (c->ifname)
		mnl_attr_put_strz(nlh, CSVX_A_IFNAME, c->ifname);
	if (c->vrf)
		mnl_attr_put_strz(nlh, CSVX_A_VRF, c->vrf);
	if (c->local)
		csvx_put_ip(nlh, CSVX_A_LOCAL, c->local);
	if (c->gw) {
		int plen;
		struct csvx_ip gw = csvx_prefix(c->gw, &plen);

		mnl_attr_put(nlh, CSVX_A_GW, gw.len, gw.a);
		mnl_attr_put_u8(nlh, CSVX_A_GW_PLEN, plen);
	}
	if (c->gw_mac)
		csvx_put_mac(nlh, CSVX_A_GW_MAC, c->gw_mac);
	if (c->mtu)
		mnl_attr_put_u32(nlh, CSVX_A_MTU, c->mtu);
	put_replace(nlh, replace);
	return csvx_do(s, nlh, NULL);
}

int csvx_vni_del(struct csvx_sock *s, uint32_t vni)
{
	char buf[256];
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_DEL_VNI, 0);

	mnl_attr_put_u32(nlh, CSVX_A_VNI, vni);
	return csvx_do(s, nlh, NULL);
}

static int flood_req(struct csvx_sock *s, uint8_t cmd, int replace,
		     uint32_t vni, const char *remote)
{
	char buf[256];
	struct nlmsghdr *nlh = csvx_req(s, buf, cmd, 0);

	mnl_attr_put_u32(nlh, CSVX_A_VNI, vni);
	csvx_put_ip(nlh, CSVX_A_REMOTE, remote);
	put_replace(nlh, replace);
	return csvx_do(s, nlh, NULL);
}

int csvx_flood_new(struct csvx_sock *s, int replace, uint32_t vni,
		   const char *remote)
{
	return flood_req(s, CSVX_CMD_NEW_FLOOD, replace, vni, remote);
}

int csvx_flood_del(struct csvx_sock *s, uint32_t vni, const char *remote)
{
	return flood_req(s, CSVX_CMD_DEL_FLOOD, 0, vni, remote);
}

int csvx_fdb_new(struct csvx_sock *s, int replace,
		 const struct csvx_fdb_cfg *c)
{
	char buf[1024];
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_NEW_FDB, 0);
	int i;

	mnl_attr_put_u32(nlh, CSVX_A_VNI, c->vni);
	csvx_put_mac(nlh, CSVX_A_MAC, c->mac);
	if (c->remote)
		csvx_put_ip(nlh, CSVX_A_REMOTE, c->remote);
	if (c->ips[0]) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, CSVX_A_IPS);

		for (i = 0; c->ips[i]; i++)
			csvx_put_ip(nlh, CSVX_IPS_A_ADDR, c->ips[i]);
		mnl_attr_nest_end(nlh, nest);
	}
	if (c->has_seq)
		mnl_attr_put_u32(nlh, CSVX_A_SEQ, c->seq);
	if (c->has_flags)
		mnl_attr_put_u32(nlh, CSVX_A_FLAGS, c->flags);
	put_replace(nlh, replace);
	return csvx_do(s, nlh, NULL);
}

static struct nlmsghdr *fdb_key(struct csvx_sock *s, void *buf, uint8_t cmd,
				uint32_t vni, const char *mac)
{
	struct nlmsghdr *nlh = csvx_req(s, buf, cmd, 0);

	mnl_attr_put_u32(nlh, CSVX_A_VNI, vni);
	csvx_put_mac(nlh, CSVX_A_MAC, mac);
	return nlh;
}

int csvx_fdb_del(struct csvx_sock *s, uint32_t vni, const char *mac)
{
	char buf[256];

	return csvx_do(s, fdb_key(s, buf, CSVX_CMD_DEL_FDB, vni, mac), NULL);
}

int csvx_fdb_get(struct csvx_sock *s, uint32_t vni, const char *mac,
		 struct csvx_msgs *reply)
{
	char buf[256];

	return csvx_do(s, fdb_key(s, buf, CSVX_CMD_GET_FDB, vni, mac), reply);
}

int csvx_fdb_flush(struct csvx_sock *s, uint32_t vni)
{
	char buf[256];
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_FLUSH_FDB, 0);

	mnl_attr_put_u32(nlh, CSVX_A_VNI, vni);
	return csvx_do(s, nlh, NULL);
}

static void put_prefix(struct nlmsghdr *nlh, const char *prefix)
{
	int plen;
	struct csvx_ip p = csvx_prefix(prefix, &plen);

	mnl_attr_put(nlh, CSVX_A_PREFIX, p.len, p.a);
	mnl_attr_put_u8(nlh, CSVX_A_PLEN, plen);
}

int csvx_route_new(struct csvx_sock *s, int replace, const char *vrf,
		   const char *prefix, const char *remote, const char *rmac)
{
	char buf[256];
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_NEW_ROUTE, 0);

	mnl_attr_put_strz(nlh, CSVX_A_VRF, vrf);
	put_prefix(nlh, prefix);
	csvx_put_ip(nlh, CSVX_A_REMOTE, remote);
	csvx_put_mac(nlh, CSVX_A_RMAC, rmac);
	put_replace(nlh, replace);
	return csvx_do(s, nlh, NULL);
}

int csvx_route_del(struct csvx_sock *s, const char *vrf, const char *prefix)
{
	char buf[256];
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_DEL_ROUTE, 0);

	mnl_attr_put_strz(nlh, CSVX_A_VRF, vrf);
	put_prefix(nlh, prefix);
	return csvx_do(s, nlh, NULL);
}

int csvx_route_flush(struct csvx_sock *s, const char *vrf)
{
	char buf[256];
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_FLUSH_ROUTE, 0);

	mnl_attr_put_strz(nlh, CSVX_A_VRF, vrf);
	return csvx_do(s, nlh, NULL);
}

long csvx_count(struct csvx_sock *s, uint8_t cmd, uint16_t u32_type,
		uint32_t u32_val, uint16_t str_type, const char *str_val)
{
	char buf[256];
	struct csvx_dump_ops ops = {};
	struct nlmsghdr *nlh = csvx_req(s, buf, cmd, 0);
	int ret;

	if (u32_type)
		mnl_attr_put_u32(nlh, u32_type, u32_val);
	if (str_type)
		mnl_attr_put_strz(nlh, str_type, str_val);
	ret = csvx_dump_ops(s, nlh, &ops);
	return ret ? ret : (long)ops.msgs;
}

/* ---------------------------------------------------------- the host */

int csvx_unshare_netns(void)
{
	struct ifreq ifr = {};
	int fd, ret = 0;

	if (unshare(CLONE_NEWNET))
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		ret = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!ret && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* One rtnetlink request, acked. */
static int rtnl_do(struct nlmsghdr *nlh)
{
	char buf[1024];
	struct mnl_socket *nl;
	int ret;

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (ret < 0) {
		ret = -errno;
		goto out;
	}
	nlh = (struct nlmsghdr *)buf;
	ret = -EBADMSG;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		ret = ((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->error;
out:
	mnl_socket_close(nl);
	return ret;
}

int csvx_link_add(const char *ifname, const char *kind)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct nlattr *info;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = 1;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	mnl_attr_nest_end(nlh, info);
	return rtnl_do(nlh);
}

int csvx_link_del(const char *ifname)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	unsigned int idx = if_nametoindex(ifname);

	if (!idx)
		return -ENODEV;
	nlh->nlmsg_type = RTM_DELLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = idx;
	return rtnl_do(nlh);
}

int csvx_link_mtu(const char *ifname)
{
	struct ifreq ifr = {};
	int fd, ret;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ret = ioctl(fd, SIOCGIFMTU, &ifr) < 0 ? -errno : ifr.ifr_mtu;
	close(fd);
	return ret;
}

unsigned long csvx_scale(unsigned long dflt)
{
	const char *env = getenv("CSVX_TEST_SCALE");
	char *end;
	unsigned long v;

	if (!env || !*env)
		return dflt;
	v = strtoul(env, &end, 0);
	if (*end || !v || v > 100)
		return dflt;
	return dflt * v / 100 ?: 1;
}

double csvx_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
