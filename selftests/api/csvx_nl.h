/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small raw-netlink layer for the csvx API tests: one genl socket, request
 * building, acks with their extended-ack fields, dumps, batches, snapshots
 * of a namespace's whole csvx state, and the object requests the tests use
 * for setting up.
 *
 * Nothing here asserts: functions return 0 or -errno and leave the details
 * of the last kernel answer in struct csvx_sock, so that the tests decide
 * what is right.  (kselftest_harness.h defines functions, so only the test
 * file itself may include it.)
 */
#ifndef _CSVX_NL_H
#define _CSVX_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <uapi/linux/csvx.h>

#define CSVX_REQ_SIZE	8192		/* one request */
#define CSVX_RECV_SIZE	(1 << 16)	/* one datagram, more than a dump skb */
#define CSVX_RECV_SMALL	8192

struct csvx_sock {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;		/* genl family id of "csvx" */
	uint32_t family_version;	/* CTRL_ATTR_VERSION */
	uint32_t mcgrp;			/* id of CSVX_MCGRP_NOTIFY, 0 if absent */
	char *rbuf;			/* CSVX_RECV_SIZE */
	/*
	 * recv() length, 0: CSVX_RECV_SIZE.  The kernel sizes dump skbs after
	 * the largest recv() seen on the socket (up to 32 KiB), so a socket
	 * that only ever receives with 8 KiB gets dumps in small steps.
	 * csvx_open() itself receives with CSVX_RECV_SMALL.
	 */
	size_t rcvlen;

	/* The kernel's answer to the last request (ack or dump end). */
	int err;			/* 0 or a positive errno */
	char msg[512];			/* NLMSGERR_ATTR_MSG, "" if none */
	int64_t offs;			/* NLMSGERR_ATTR_OFFS, -1 if none */
	int64_t miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, -1 if none */
	unsigned int stray;		/* messages with a foreign seq, ignored */
};

/* Copies of received messages. */
struct csvx_msgs {
	size_t nr, cap;
	struct nlmsghdr **v;
	unsigned int datagrams;		/* recv() calls that returned data */
	unsigned int nr_intr;		/* messages flagged NLM_F_DUMP_INTR */
};

/*
 * Open a genl socket in the caller's current network namespace and resolve
 * the family.  -ENOENT: the family is not registered (module not loaded).
 */
int csvx_open(struct csvx_sock *s);
void csvx_close(struct csvx_sock *s);
/* Join CSVX_MCGRP_NOTIFY. */
int csvx_subscribe(struct csvx_sock *s);
/* Read every message already queued on @s (notifications), not waiting. */
int csvx_recv_pending(struct csvx_sock *s, struct csvx_msgs *out);
/* CTRL_CMD_GETFAMILY of "csvx": the controller's reply. */
int csvx_ctrl_family(struct csvx_sock *s, struct csvx_msgs *reply);
int csvx_fd(const struct csvx_sock *s);

/* Start a request (NLM_F_REQUEST | @flags) with a fresh seq in @buf. */
struct nlmsghdr *csvx_req(struct csvx_sock *s, void *buf, uint8_t cmd,
			  uint16_t flags);
/* The offset the next attribute put into @nlh will have. */
static inline uint32_t csvx_off(const struct nlmsghdr *nlh)
{
	return nlh->nlmsg_len;
}

/*
 * Send @nlh with NLM_F_ACK and wait for its ack.  Replies before the ack are
 * appended to @replies (if not NULL).  Returns -s->err.
 */
int csvx_do(struct csvx_sock *s, struct nlmsghdr *nlh,
	    struct csvx_msgs *replies);

/*
 * Dumps.  @nlh gets NLM_F_DUMP.  @cb is called for every message of the
 * dump (not for NLMSG_DONE), returns 0 to go on.  @between, if set, is
 * called after every datagram but the last, while the dump is suspended in
 * the kernel.  @rcvlen is the recv() buffer (0: the socket's rcvlen).
 * Returns -s->err (0: NLMSG_DONE with 0), or the callback's non-zero value.
 */
struct csvx_dump_ops {
	int (*cb)(const struct nlmsghdr *nlh, void *arg);
	void (*between)(void *arg);
	void *arg;
	size_t rcvlen;
	/* results */
	unsigned int datagrams;
	unsigned long msgs;
	unsigned int nr_intr;		/* NLM_F_DUMP_INTR seen (DONE included) */
};
int csvx_dump_ops(struct csvx_sock *s, struct nlmsghdr *nlh,
		  struct csvx_dump_ops *ops);
/* A dump whose messages are copied into @out. */
int csvx_dump(struct csvx_sock *s, struct nlmsghdr *nlh, struct csvx_msgs *out);

void csvx_msgs_free(struct csvx_msgs *m);

/*
 * Batches: many requests per sendmsg(), no ack but for the last one of each
 * send, so that the kernel only answers failures.
 */
struct csvx_batch {
	struct csvx_sock *s;
	char *buf;
	size_t len, cap;
	struct nlmsghdr *cur;		/* being filled by the caller */
	unsigned long sent;		/* requests sent */
	unsigned long sends;		/* sendmsg() calls */
	unsigned long failed;		/* requests the kernel refused */
	int first_err;			/* errno of the first refusal */
	char first_msg[512];
};
int csvx_batch_init(struct csvx_batch *b, struct csvx_sock *s, size_t cap);
/* A new request; sends the batch first when it is nearly full. */
struct nlmsghdr *csvx_batch_req(struct csvx_batch *b, uint8_t cmd,
				uint16_t flags);
/* Send what is queued and wait for the kernel to have processed it. */
int csvx_batch_flush(struct csvx_batch *b);
void csvx_batch_free(struct csvx_batch *b);

/* Attribute access. */
int csvx_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb, int max);
int csvx_nest_attrs(const struct nlattr *nest, const struct nlattr **tb,
		    int max);
static inline uint8_t csvx_cmd(const struct nlmsghdr *nlh)
{
	return ((const struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd;
}

/* Addresses and MACs as the family carries them. */
struct csvx_ip {
	uint8_t len;			/* 4, 16; 0: not an address */
	uint8_t a[16];
};
struct csvx_mac {
	uint8_t a[6];
};
struct csvx_ip csvx_ip(const char *str);
/* "10.0.0.0/24" -> address and prefix length; plen -1 if no '/'. */
struct csvx_ip csvx_prefix(const char *str, int *plen);
struct csvx_mac csvx_mac(const char *str);
/* 02:xx:ii:ii:ii:ii: unicast, locally administered, unique per (@hi, @i). */
struct csvx_mac csvx_mac_idx(uint8_t hi, uint32_t i);
bool csvx_attr_is_ip(const struct nlattr *a, const char *str);
bool csvx_attr_is_mac(const struct nlattr *a, const char *str);
void csvx_put_ip(struct nlmsghdr *nlh, uint16_t type, const char *str);
void csvx_put_mac(struct nlmsghdr *nlh, uint16_t type, const char *str);
const char *csvx_fmt_ip(const struct nlattr *a, char *buf, size_t len);

/*
 * The whole csvx state of a namespace as the GETs show it (params and usage,
 * every VRF, VNI, flood entry, FDB entry, route, set, set member, security
 * group, rule and port) plus the list of network devices, serialised so
 * that two snapshots compare with memcmp.
 */
struct csvx_snap {
	char *buf;
	size_t len, cap;
	char where[64];			/* what the snapshot was dumping on error */
};
int csvx_snapshot(struct csvx_sock *s, struct csvx_snap *snap);
/* -1 if equal, else the first differing offset. */
long csvx_snap_diff(const struct csvx_snap *a, const struct csvx_snap *b);
void csvx_snap_free(struct csvx_snap *snap);

/* ------------------------------------------------------------ objects */

/*
 * @replace of the NEW_x helpers: CSVX_REPLACE puts the flag attribute
 * CSVX_A_REPLACE in the request (generic netlink refuses NLM_F_REPLACE and
 * NLM_F_EXCL in nlmsg_flags), 0 leaves it out.
 */
#define CSVX_REPLACE	1

struct csvx_params {
	uint32_t version;
	char mod_version[64];
	bool has_val[CSVX_PARAM_MAX + 1], has_use[CSVX_PARAM_MAX + 1];
	uint32_t val[CSVX_PARAM_MAX + 1], use[CSVX_PARAM_MAX + 1];
};
int csvx_params_get(struct csvx_sock *s, struct csvx_params *p);
int csvx_param_set(struct csvx_sock *s, int param, uint32_t value);

int csvx_vrf_new(struct csvx_sock *s, int replace, const char *name,
		 uint32_t id, uint32_t l3vni, const char *rmac);
int csvx_vrf_del(struct csvx_sock *s, const char *name);

struct csvx_vni_cfg {
	uint32_t vni;
	const char *ifname;
	const char *vrf;		/* optional ones: NULL / 0 = absent */
	const char *local;
	const char *gw;			/* "10.0.0.1/24" */
	const char *gw_mac;
	uint32_t mtu;
};
int csvx_vni_new(struct csvx_sock *s, int replace,
		 const struct csvx_vni_cfg *c);
int csvx_vni_del(struct csvx_sock *s, uint32_t vni);

int csvx_flood_new(struct csvx_sock *s, int replace, uint32_t vni,
		   const char *remote);
int csvx_flood_del(struct csvx_sock *s, uint32_t vni, const char *remote);

struct csvx_fdb_cfg {
	uint32_t vni;
	const char *mac;
	const char *remote;		/* NULL: a local MAC */
	const char *ips[CSVX_FDB_MAX_IPS + 2];	/* NULL-terminated */
	bool has_seq;
	uint32_t seq;
	bool has_flags;
	uint32_t flags;
};
int csvx_fdb_new(struct csvx_sock *s, int replace,
		 const struct csvx_fdb_cfg *c);
int csvx_fdb_del(struct csvx_sock *s, uint32_t vni, const char *mac);
int csvx_fdb_flush(struct csvx_sock *s, uint32_t vni);
/* GET_FDB of one entry into @reply (freed by the caller). */
int csvx_fdb_get(struct csvx_sock *s, uint32_t vni, const char *mac,
		 struct csvx_msgs *reply);

/* @prefix as "10.0.0.0/24" */
int csvx_route_new(struct csvx_sock *s, int replace, const char *vrf,
		   const char *prefix, const char *remote, const char *rmac);
int csvx_route_del(struct csvx_sock *s, const char *vrf, const char *prefix);
int csvx_route_flush(struct csvx_sock *s, const char *vrf);

/*
 * Dump @cmd (filtered by a u32 attribute @u32_type = @u32_val or a string
 * attribute @str_type = @str_val when those are non-zero/non-NULL) and
 * return the number of messages, or -errno.
 */
long csvx_count(struct csvx_sock *s, uint8_t cmd, uint16_t u32_type,
		uint32_t u32_val, uint16_t str_type, const char *str_val);

/* A fresh network namespace for the calling process, lo up. */
int csvx_unshare_netns(void);
/* Create a network device of @kind (e.g. "dummy") through rtnetlink. */
int csvx_link_add(const char *ifname, const char *kind);
/* Delete a network device through rtnetlink. */
int csvx_link_del(const char *ifname);
/* The MTU of a device, -errno on error. */
int csvx_link_mtu(const char *ifname);

/*
 * How many entries a scale test uses: @dflt, or CSVX_TEST_SCALE percent of
 * it (1..100) when that is set, as on the slower debug kernel.
 */
unsigned long csvx_scale(unsigned long dflt);
double csvx_now(void);

#endif /* _CSVX_NL_H */
