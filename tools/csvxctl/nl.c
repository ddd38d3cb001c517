// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink socket, request batching and reply dispatch.
 *
 * libnl opens the socket and resolves the family and its multicast group;
 * requests are built straight into one transmit buffer and replies read into
 * one receive buffer, so a batch of a million lines allocates nothing per
 * line; with -f a window of up to WINDOW_MAX requests costs one sendmsg and
 * one recvmmsg per ACK_SLOTS acks.
 *
 * libnl 3.7 does not parse extended acks, so the error and done messages are
 * read here: with NETLINK_EXT_ACK the kernel appends NLMSGERR_ATTR_* TLVs
 * (flagged NLM_F_ACK_TLVS) after the struct nlmsgerr, and with
 * NETLINK_CAP_ACK it echoes only our header, not our whole request.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "csvxctl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define TX_SIZE		(64 * 1024)	/* one sendmsg at most */
#define MSG_MAX		2048		/* larger than any request we build */
#define RX_SIZE		(64 * 1024)	/* a dump skb is at most 32 KiB */
#define ACK_SLOTS	16		/* acks read per recvmmsg */
#define ACK_SLOT	(RX_SIZE / ACK_SLOTS)	/* an ack with its extack, capped */
#define WINDOW_MAX	1024
#define RCVBUF		(8 * 1024 * 1024)
#define SNDBUF		(4 * TX_SIZE)
#define ACK_COST	2048		/* receive-buffer charge of one ack, generously */

struct pending {
	uint32_t seq;
	uint32_t off;			/* of the request in nl.tx */
	unsigned int line;
	const char *what;		/* NULL once answered */
	bool bulk;			/* CSVX_A_ENTRIES: lines in bulk.line[] */
};

#define BULK_BYTES	(TX_SIZE / 2)	/* a bulk message stops growing here */

/* The message of CSVX_A_ENTRIES being filled (see req_entry()). */
static struct {
	struct nlmsghdr *m;		/* NULL: none open */
	struct nlattr *entries, *cur;
	uint8_t cmd;
	unsigned int n;
	unsigned int line[CSVX_BULK_MAX];
	const char *what[CSVX_BULK_MAX];
} bulk;

static void bulk_close(void);

/* The request whose replies wait_replies() hands to a callback. */
struct request {
	uint32_t seq;
	const struct nlmsghdr *sent;
	const char *what;
	nl_reply_fn fn;
	void *arg;
	bool done;
	bool failed;
	bool intr;
};

static struct {
	struct nl_sock *sk;
	int fd;
	int family;
	uint32_t seq;
	unsigned int window;
	size_t txlen;
	unsigned int npend, nopen;
	struct pending pend[WINDOW_MAX];
	char tx[TX_SIZE] __attribute__((aligned(8)));
	char rx[RX_SIZE] __attribute__((aligned(8)));
} nl;

static struct nla_policy csvx_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_VERSION]	= { .type = NLA_U32 },
	[CSVX_A_MOD_VERSION]	= { .type = NLA_STRING },
	[CSVX_A_PARAMS]		= { .type = NLA_NESTED },
	[CSVX_A_USAGE]		= { .type = NLA_NESTED },
	[CSVX_A_VRF]		= { .type = NLA_STRING },
	[CSVX_A_VRF_ID]		= { .type = NLA_U32 },
	[CSVX_A_L3VNI]		= { .type = NLA_U32 },
	[CSVX_A_VNI]		= { .type = NLA_U32 },
	[CSVX_A_IFNAME]		= { .type = NLA_STRING },
	[CSVX_A_IFINDEX]	= { .type = NLA_U32 },
	[CSVX_A_GW_PLEN]	= { .type = NLA_U8 },
	[CSVX_A_MTU]		= { .type = NLA_U32 },
	[CSVX_A_IPS]		= { .type = NLA_NESTED },
	[CSVX_A_SEQ]		= { .type = NLA_U32 },
	[CSVX_A_FLAGS]		= { .type = NLA_U32 },
	[CSVX_A_PLEN]		= { .type = NLA_U8 },
	[CSVX_A_STATS]		= { .type = NLA_NESTED },
	[CSVX_A_DROPS]		= { .type = NLA_NESTED },
	[CSVX_A_SET]		= { .type = NLA_STRING },
	[CSVX_A_SET_TYPE]	= { .type = NLA_U8 },
	[CSVX_A_FAMILY]		= { .type = NLA_U8 },
	[CSVX_A_MAXELEM]	= { .type = NLA_U32 },
	[CSVX_A_SET2]		= { .type = NLA_STRING },
	[CSVX_A_COUNT]		= { .type = NLA_U32 },
	[CSVX_A_REFS]		= { .type = NLA_U32 },
	[CSVX_A_SG]		= { .type = NLA_STRING },
	[CSVX_A_DIR]		= { .type = NLA_U8 },
	[CSVX_A_PROTO]		= { .type = NLA_U8 },
	[CSVX_A_DPORT_LO]	= { .type = NLA_U16 },
	[CSVX_A_DPORT_HI]	= { .type = NLA_U16 },
	[CSVX_A_ICMP_TYPE]	= { .type = NLA_U8 },
	[CSVX_A_ICMP_CODE]	= { .type = NLA_U8 },
	[CSVX_A_REMOTE_SG]	= { .type = NLA_STRING },
	[CSVX_A_PACKETS]	= { .type = NLA_U64 },
	[CSVX_A_SGS]		= { .type = NLA_NESTED },
	[CSVX_A_NR_PORTS]	= { .type = NLA_U32 },
	[CSVX_A_GEN]		= { .type = NLA_U32 },
};

static void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fatal(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("csvxctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_REFUSED);
}

static void sock_open(void)
{
	int one = 1, size = RCVBUF, sndbuf = SNDBUF, err;
	socklen_t len = sizeof(size);

	nl.sk = nl_socket_alloc();
	if (!nl.sk)
		fatal("cannot allocate a netlink socket");
	err = genl_connect(nl.sk);
	if (err < 0)
		fatal("cannot open a generic netlink socket: %s", nl_geterror(err));
	nl.fd = nl_socket_get_fd(nl.sk);
	nl.family = genl_ctrl_resolve(nl.sk, CSVX_GENL_NAME);
	if (nl.family < 0)
		fatal("the %s generic netlink family is not available (is the csvx module loaded?)",
		      CSVX_GENL_NAME);
	setsockopt(nl.fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl.fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* libnl sets 32 KiB buffers; a window is sent in one sendmsg. */
	setsockopt(nl.fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));

	/*
	 * Every request of a window is acked before we read any ack; the
	 * acks must fit the receive buffer or they are dropped (ENOBUFS).
	 * SO_RCVBUFFORCE needs CAP_NET_ADMIN, as mutations do; without it,
	 * take what rmem_max allows and shrink the window to match.
	 */
	if (setsockopt(nl.fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(nl.fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (getsockopt(nl.fd, SOL_SOCKET, SO_RCVBUF, &size, &len))
		size = 0;
	nl.window = (unsigned int)size / ACK_COST;
	if (nl.window > WINDOW_MAX)
		nl.window = WINDOW_MAX;
	/*
	 * Without -f the first refused line stops a batch, and the kernel
	 * runs every request of a sendmsg whatever happened to the ones before
	 * it: so only one request may be in flight.
	 */
	if (!opt.force || !nl.window)
		nl.window = 1;
	nl.seq = (uint32_t)time(NULL);
}

struct nlmsghdr *req_new(uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *m;
	struct genlmsghdr *g;

	if (!nl.sk)
		sock_open();
	bulk_close();
	if (nl.txlen + MSG_MAX > TX_SIZE)
		req_flush();
	m = (struct nlmsghdr *)(nl.tx + nl.txlen);
	m->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlmsg_type = (uint16_t)nl.family;
	m->nlmsg_flags = NLM_F_REQUEST | flags;
	m->nlmsg_seq = 0;	/* set when sent, so that a dropped message leaves no gap */
	m->nlmsg_pid = 0;
	g = NLMSG_DATA(m);
	g->cmd = cmd;
	g->version = CSVX_GENL_VERSION;
	g->reserved = 0;
	return m;
}

void req_put(struct nlmsghdr *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)m + NLMSG_ALIGN(m->nlmsg_len));
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);

	if ((char *)a + total > nl.tx + TX_SIZE)
		abort();	/* a request larger than MSG_MAX: a bug here */
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, total - NLA_HDRLEN - len);
	m->nlmsg_len = NLMSG_ALIGN(m->nlmsg_len) + (uint32_t)total;
}

void req_put_flag(struct nlmsghdr *m, uint16_t type)
{
	req_put(m, type, NULL, 0);
}

void req_put_u8(struct nlmsghdr *m, uint16_t type, uint8_t v)
{
	req_put(m, type, &v, sizeof(v));
}

void req_put_u32(struct nlmsghdr *m, uint16_t type, uint32_t v)
{
	req_put(m, type, &v, sizeof(v));
}

void req_put_str(struct nlmsghdr *m, uint16_t type, const char *s)
{
	req_put(m, type, s, strlen(s) + 1);
}

struct nlattr *req_nest_start(struct nlmsghdr *m, uint16_t type)
{
	struct nlattr *a = (struct nlattr *)((char *)m + NLMSG_ALIGN(m->nlmsg_len));

	req_put(m, type | NLA_F_NESTED, NULL, 0);
	return a;
}

void req_nest_end(struct nlmsghdr *m, struct nlattr *nest)
{
	nest->nla_len = (uint16_t)((char *)m + m->nlmsg_len - (char *)nest);
}

/* What the extended ack of an NLMSG_ERROR or NLMSG_DONE says. */
struct ext_ack {
	const char *msg;	/* the kernel's message, NULL if none */
	uint32_t offs;		/* of the attribute at fault in our request, 0 if none */
};

static void ext_ack_parse(const struct nlmsghdr *nlh, size_t hlen, struct ext_ack *x)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct nlattr *attrs, *a;
	int len;

	x->msg = NULL;
	x->offs = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlh->nlmsg_type == NLMSG_ERROR && !(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		const struct nlmsgerr *e = NLMSG_DATA(nlh);

		hlen += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)NLMSG_ALIGN(hlen);
	if (len <= 0)
		return;
	attrs = (struct nlattr *)((char *)NLMSG_DATA(nlh) + NLMSG_ALIGN(hlen));
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, len, NULL) < 0)
		return;
	a = tb[NLMSGERR_ATTR_MSG];
	if (a && nla_len(a) > 1 && !((char *)nla_data(a))[nla_len(a) - 1])
		x->msg = nla_data(a);
	a = tb[NLMSGERR_ATTR_OFFS];
	if (a && nla_len(a) == 4)
		x->offs = nla_get_u32(a);
}

/*
 * The argument of request M that the kernel's OFFS points at, as the
 * command line names it ("mtu 20"), into BUF; NULL if none.  The request is
 * still in the transmit buffer: nothing is built while replies are read.
 */
/* The element of CSVX_A_ENTRIES of request M that OFFS falls in, or -1. */
static int entry_at(const struct nlmsghdr *m, uint32_t offs)
{
	const struct genlmsghdr *g = NLMSG_DATA(m);
	struct nlattr *a, *in;
	int rem, irem, i = 0;

	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem) {
		if (nla_type(a) != CSVX_A_ENTRIES)
			continue;
		nla_for_each_nested(in, a, irem) {
			uint32_t s = (uint32_t)((const char *)in - (const char *)m);

			if (offs >= s && offs < s + in->nla_len)
				return i;
			i++;
		}
	}
	return -1;
}

static void culprit_attrs(FILE *f, const struct nlmsghdr *m, struct nlattr *head, int len,
			  uint32_t offs);

static const char *culprit(const struct nlmsghdr *m, uint32_t offs, char *buf, size_t size)
{
	const struct genlmsghdr *g;
	char *p;
	FILE *f;

	if (!m || offs < NLMSG_LENGTH(GENL_HDRLEN) || offs >= m->nlmsg_len)
		return NULL;
	f = fmemopen(buf, size, "w");
	if (!f)
		return NULL;
	g = NLMSG_DATA(m);
	culprit_attrs(f, m, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), offs);
	fclose(f);
	p = buf + (*buf == ' ');
	return *p ? p : NULL;
}

/* The attributes from HEAD (LEN bytes) of request M that OFFS falls in, as arguments. */
static void culprit_attrs(FILE *f, const struct nlmsghdr *m, struct nlattr *head, int len,
			  uint32_t offs)
{
	struct nlattr *a, *in;
	int rem, irem;

	nla_for_each_attr(a, head, len, rem) {
		uint32_t start = (uint32_t)((const char *)a - (const char *)m);

		if (offs < start || offs >= start + a->nla_len)
			continue;
		switch (nla_type(a)) {
		case CSVX_A_VRF:	arg_nla_str(f, "vrf", a); break;
		case CSVX_A_VRF_ID:	arg_nla_u32(f, "id", a); break;
		case CSVX_A_L3VNI:	arg_nla_u32(f, "l3vni", a); break;
		case CSVX_A_RMAC:	arg_nla_mac(f, "rmac", a); break;
		case CSVX_A_VNI:	arg_nla_u32(f, "vni", a); break;
		case CSVX_A_IFNAME:	arg_nla_str(f, "dev", a); break;
		case CSVX_A_LOCAL:	arg_nla_addr(f, "local", a); break;
		case CSVX_A_GW:		arg_nla_addr(f, "gateway", a); break;
		case CSVX_A_GW_PLEN:	fprintf(f, " gateway /%u", nla_get_u8(a)); break;
		case CSVX_A_GW_MAC:	arg_nla_mac(f, "gwmac", a); break;
		case CSVX_A_MTU:	arg_nla_u32(f, "mtu", a); break;
		case CSVX_A_REMOTE:	arg_nla_addr(f, "remote", a); break;
		case CSVX_A_MAC:	arg_nla_mac(f, "mac", a); break;
		case CSVX_A_SEQ:	arg_nla_u32(f, "seq", a); break;
		case CSVX_A_FLAGS:	fputs(" sticky", f); break;
		case CSVX_A_PREFIX:	arg_nla_addr(f, "prefix", a); break;
		case CSVX_A_PLEN:	fprintf(f, " prefix /%u", nla_get_u8(a)); break;
		case CSVX_A_REPLACE:	fputs(" replace", f); break;
		case CSVX_A_SET:	arg_nla_str(f, "set", a); break;
		case CSVX_A_SET2:	arg_nla_str(f, NULL, a); break;
		case CSVX_A_SET_TYPE:	fputs(" type", f); break;
		case CSVX_A_FAMILY:	fputs(" family", f); break;
		case CSVX_A_MAXELEM:	arg_nla_u32(f, "maxelem", a); break;
		case CSVX_A_SG:		arg_nla_str(f, "sg", a); break;
		case CSVX_A_DIR:	fputs(nla_get_u8(a) ? " egress" : " ingress", f); break;
		case CSVX_A_PROTO:
			if (proto_name(nla_get_u8(a)))
				fprintf(f, " proto %s", proto_name(nla_get_u8(a)));
			else
				fprintf(f, " proto %u", nla_get_u8(a));
			break;
		case CSVX_A_DPORT_LO:
		case CSVX_A_DPORT_HI:	fprintf(f, " dport %u", nla_get_u16(a)); break;
		case CSVX_A_ICMP_TYPE:	fprintf(f, " type %u", nla_get_u8(a)); break;
		case CSVX_A_ICMP_CODE:	fprintf(f, " code %u", nla_get_u8(a)); break;
		case CSVX_A_REMOTE_SG:	arg_nla_str(f, "group", a); break;
		case CSVX_A_IPS:
		case CSVX_A_SGS:
		case CSVX_A_PARAMS:
			nla_for_each_nested(in, a, irem) {
				uint32_t s = (uint32_t)((const char *)in - (const char *)m);

				if (offs < s || offs >= s + in->nla_len)
					continue;
				if (nla_type(a) == CSVX_A_IPS)
					arg_nla_addr(f, "ip", in);
				else if (nla_type(a) == CSVX_A_SGS)
					arg_nla_str(f, "sg", in);
				else if (param_name(nla_type(in)))
					arg_nla_u32(f, param_name(nla_type(in)), in);
			}
			break;
		case CSVX_A_ENTRIES:
			nla_for_each_nested(in, a, irem) {
				uint32_t s = (uint32_t)((const char *)in - (const char *)m);

				/* the entry itself: its line says which; inside it: the attribute */
				if (offs > s && offs < s + in->nla_len)
					culprit_attrs(f, m, nla_data(in), nla_len(in), offs);
			}
			break;
		}
	}
}

/* A refusal: the kernel's message, or the errno's, and what it points at. */
static void refused(unsigned int line, const char *what, int error, const struct ext_ack *x,
		    const struct nlmsghdr *sent)
{
	char buf[128];
	const char *arg = culprit(sent, x->offs, buf, sizeof(buf));

	report(line, what, "%s%s%s%s", x->msg ? x->msg : strerror(error),
	       arg ? " (" : "", arg ? arg : "", arg ? ")" : "");
	set_status(EXIT_REFUSED);
}

/* An ack or an error for request SENT: report it; true if the kernel refused. */
static bool ack(const struct nlmsghdr *nlh, unsigned int line, const char *what,
		const struct nlmsghdr *sent)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	struct ext_ack x;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
		report(line, what, "truncated acknowledgement from the kernel");
		set_status(EXIT_REFUSED);
		return true;
	}
	ext_ack_parse(nlh, sizeof(*e), &x);
	if (!e->error) {
		/* The kernel may attach a warning to a success. */
		if (x.msg)
			report(line, what, "warning: %s", x.msg);
		return false;
	}
	refused(line, what, -e->error, &x, sent);
	return true;
}

/*
 * Receive what the kernel queued for us: one datagram of up to RX_SIZE or,
 * while only acks are expected (ACKS), up to ACK_SLOTS of them at once (each
 * ack is a datagram of its own).  Datagram i is at slot i of nl.rx, its
 * length in len[i]; returns how many, or -1 with errno.
 */
static int sock_recv(bool acks, bool nonblock, size_t *len)
{
	unsigned int n = acks ? ACK_SLOTS : 1;
	size_t size = acks ? ACK_SLOT : RX_SIZE;
	struct mmsghdr mm[ACK_SLOTS];
	struct iovec iov[ACK_SLOTS];
	int got;

	for (unsigned int i = 0; i < n; i++) {
		iov[i].iov_base = nl.rx + i * size;
		iov[i].iov_len = size;
		memset(&mm[i], 0, sizeof(mm[i]));
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	do
		got = recvmmsg(nl.fd, mm, n, nonblock ? MSG_DONTWAIT : MSG_WAITFORONE, NULL);
	while (got < 0 && errno == EINTR && !nonblock);
	for (int i = 0; i < got; i++) {
		if (mm[i].msg_hdr.msg_flags & MSG_TRUNC)
			fatal("netlink message larger than %zu bytes", size);
		len[i] = mm[i].msg_len;
	}
	return got;
}

/* Walk the messages of one datagram; NLMSG_OK/NEXT mix signednesses. */
static bool msg_ok(const struct nlmsghdr *nlh, size_t left)
{
	return nlh && left >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= left;
}

static struct nlmsghdr *msg_next(struct nlmsghdr *nlh, size_t *left)
{
	size_t len = NLMSG_ALIGN(nlh->nlmsg_len);

	if (len >= *left)
		return NULL;
	*left -= len;
	return (struct nlmsghdr *)((char *)nlh + len);
}

static void dispatch(const struct nlmsghdr *nlh, nl_reply_fn fn, void *arg)
{
	struct nlattr *tb[CSVX_A_MAX + 1];
	const struct genlmsghdr *g = NLMSG_DATA(nlh);

	if (nlh->nlmsg_type != nl.family)
		return;
	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, CSVX_A_MAX, csvx_policy) < 0) {
		fprintf(stderr, "csvxctl: warning: malformed message from the kernel skipped\n");
		return;
	}
	fn(g->cmd, tb, arg);
}

static void request_reply(struct request *r, const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		r->intr = true;
	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR:
		r->failed = ack(nlh, cur_line, r->what, r->sent);
		r->done = true;
		break;
	case NLMSG_DONE:
		r->done = true;
		if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
			int err = *(const int *)NLMSG_DATA(nlh);
			struct ext_ack x;

			if (err < 0) {
				ext_ack_parse(nlh, sizeof(int), &x);
				refused(cur_line, r->what, -err, &x, r->sent);
				r->failed = true;
			}
		}
		break;
	case NLMSG_NOOP:
	case NLMSG_OVERRUN:
		break;
	default:
		dispatch(nlh, r->fn, r->arg);
	}
}

/* Read until every queued request is answered and R, if any, is done. */
static int wait_replies(struct request *r)
{
	size_t len[ACK_SLOTS];
	int failed = 0;

	while (nl.nopen || (r && !r->done)) {
		bool acks = !r;
		int got = sock_recv(acks, false, len);

		if (got < 0) {
			if (errno == ENOBUFS)
				fatal("acknowledgements lost (socket receive buffer overrun): "
				      "%u requests in an unknown state", nl.nopen);
			fatal("netlink receive: %s", strerror(errno));
		}
		for (int d = 0; d < got; d++) {
			struct nlmsghdr *nlh = (struct nlmsghdr *)(nl.rx + d * ACK_SLOT);
			size_t left = len[d];

			for (; msg_ok(nlh, left); nlh = msg_next(nlh, &left)) {
				uint32_t i = nlh->nlmsg_seq - nl.pend[0].seq;

				if (i < nl.npend && nl.pend[i].seq == nlh->nlmsg_seq) {
					struct pending *p = &nl.pend[i];

					if (nlh->nlmsg_type != NLMSG_ERROR || !p->what)
						continue;
					struct nlmsghdr *sent = (struct nlmsghdr *)(nl.tx + p->off);
					unsigned int line = p->line;
					const char *what = p->what;

					if (p->bulk) {
						/* the entry the kernel refused names the line */
						struct ext_ack x;
						int e;

						ext_ack_parse(nlh, sizeof(struct nlmsgerr), &x);
						e = entry_at(sent, x.offs);

						if (e >= 0 && (unsigned int)e < bulk.n) {
							line = bulk.line[e];
							what = bulk.what[e];
						}
					}
					failed += ack(nlh, line, what, sent);
					p->what = NULL;
					nl.nopen--;
				} else if (r && nlh->nlmsg_seq == r->seq && !r->done) {
					request_reply(r, nlh);
				}
			}
		}
	}
	nl.npend = 0;
	return failed;
}

static void sock_send(void)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	if (!nl.txlen)
		return;
	if (sendto(nl.fd, nl.tx, nl.txlen, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		fatal("netlink send: %s", strerror(errno));
	nl.txlen = 0;
}

int req_flush(void)
{
	bulk_close();
	if (!nl.npend)
		return 0;
	sock_send();
	return wait_replies(NULL);
}

static int queue(struct nlmsghdr *m, const char *what, bool is_bulk);

int req_queue(struct nlmsghdr *m, const char *what)
{
	return queue(m, what, false);
}

static int queue(struct nlmsghdr *m, const char *what, bool is_bulk)
{
	struct pending *p = &nl.pend[nl.npend++];

	m->nlmsg_flags |= NLM_F_ACK;
	m->nlmsg_seq = ++nl.seq;
	p->seq = m->nlmsg_seq;
	p->off = (uint32_t)((char *)m - nl.tx);
	p->line = cur_line;
	p->what = what;
	p->bulk = is_bulk;
	if (is_bulk)
		p->line = bulk.line[0];
	nl.nopen++;
	nl.txlen += NLMSG_ALIGN(m->nlmsg_len);
	if (nl.npend >= nl.window || nl.txlen + MSG_MAX > TX_SIZE)
		return req_flush();
	return 0;
}

struct nlmsghdr *req_entry(uint8_t cmd)
{
	struct nlmsghdr *m;

	/* With -f every line is a request of its own (each may fail alone);
	 * outside a batch there is one line. */
	if (opt.force || !cur_line)
		return req_new(cmd, 0);
	if (bulk.m && (bulk.cmd != cmd || bulk.n == CSVX_BULK_MAX ||
		       bulk.m->nlmsg_len > BULK_BYTES))
		bulk_close();
	if (!bulk.m) {
		m = req_new(cmd, 0);
		bulk.m = m;
		bulk.cmd = cmd;
		bulk.n = 0;
		bulk.entries = req_nest_start(m, CSVX_A_ENTRIES);
	}
	/* attributes go at the message's end: inside this entry's nest */
	bulk.cur = req_nest_start(bulk.m, (uint16_t)(bulk.n + 1));
	return bulk.m;
}

int req_entry_end(struct nlmsghdr *m, const char *what)
{
	if (m != bulk.m)
		return req_queue(m, what);
	req_nest_end(m, bulk.cur);
	req_nest_end(m, bulk.entries);
	bulk.line[bulk.n] = cur_line;
	bulk.what[bulk.n] = what;
	bulk.n++;
	return 0;
}

/*
 * Queue the open bulk message (window 1: it goes out at once).  A refusal
 * ends the batch here, where the line being run cannot be told: it is the
 * exit status of the whole run, as batch() would have returned it.
 */
static void bulk_close(void)
{
	struct nlmsghdr *m = bulk.m;

	if (!m)
		return;
	bulk.m = NULL;
	if (queue(m, bulk.what[0], true)) {
		fflush(stdout);
		exit(get_status());
	}
	/* bulk.line[] stays valid: only one bulk message is ever in flight */
}

int req_get(struct nlmsghdr *m, const char *what, nl_reply_fn fn, void *arg)
{
	struct request r = { .seq = ++nl.seq, .sent = m, .what = what, .fn = fn, .arg = arg };

	/* A GET ends with its ack, a dump with NLMSG_DONE. */
	if (!(m->nlmsg_flags & NLM_F_DUMP))
		m->nlmsg_flags |= NLM_F_ACK;
	m->nlmsg_seq = r.seq;
	nl.txlen += NLMSG_ALIGN(m->nlmsg_len);
	sock_send();
	wait_replies(&r);
	if (r.intr && !r.failed)
		fprintf(stderr, "csvxctl: warning: dump was interrupted by a concurrent change; "
			"output may be inconsistent\n");
	return r.failed;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int notify_listen(nl_reply_fn fn, void *arg)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, orig;
	struct pollfd pfd;
	int grp, err;

	req_flush();
	if (!nl.sk)
		sock_open();
	grp = genl_ctrl_resolve_grp(nl.sk, CSVX_GENL_NAME, CSVX_MCGRP_NOTIFY);
	if (grp < 0)
		fatal("monitor: no multicast group \"%s\" in the %s family",
		      CSVX_MCGRP_NOTIFY, CSVX_GENL_NAME);
	err = nl_socket_add_membership(nl.sk, grp);
	if (err < 0)
		fatal("monitor: cannot join the notify group: %s", nl_geterror(err));

	/* Signals are let in only while waiting in ppoll(), so none is missed
	 * between the check of STOP and the wait. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pfd.fd = nl.fd;
	pfd.events = POLLIN;
	while (!stop) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)nl.rx;
		size_t n = 0;

		if (ppoll(&pfd, 1, NULL, &orig) < 0) {
			if (errno == EINTR)
				continue;
			fatal("monitor: poll: %s", strerror(errno));
		}
		if (sock_recv(false, true, &n) < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				fflush(stdout);
				fprintf(stderr, "csvxctl: warning: notifications were lost "
					"(socket receive buffer overrun)\n");
				continue;
			}
			fatal("monitor: netlink receive: %s", strerror(errno));
		}
		for (size_t left = n; msg_ok(nlh, left); nlh = msg_next(nlh, &left))
			dispatch(nlh, fn, arg);
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return 0;
}

/* ---- reply attributes as text ---- */

static bool nla_is_str(const struct nlattr *a)
{
	return a && nla_len(a) >= 1 && !((const char *)nla_data(a))[nla_len(a) - 1];
}

void out_nla_str(const char *key, const struct nlattr *a)
{
	if (nla_is_str(a))
		out_str(key, nla_data(a));
}

void out_nla_u32(const char *key, const struct nlattr *a)
{
	if (a)
		out_u32(key, nla_get_u32((struct nlattr *)a));
}

void out_nla_addr(const char *key, const struct nlattr *a)
{
	if (nla_is_addr(a))
		out_addr(key, nla_data(a), nla_len(a));
}

void out_nla_mac(const char *key, const struct nlattr *a)
{
	if (nla_is_mac(a))
		out_mac(key, nla_data(a));
}

void arg_nla_str(FILE *f, const char *key, const struct nlattr *a)
{
	if (!nla_is_str(a))
		return;
	if (key)
		fprintf(f, " %s", key);
	fputc(' ', f);
	print_word(f, nla_data(a));
}

void arg_nla_u32(FILE *f, const char *key, const struct nlattr *a)
{
	if (!a)
		return;
	if (key)
		fprintf(f, " %s", key);
	fprintf(f, " %u", nla_get_u32((struct nlattr *)a));
}

void arg_nla_addr(FILE *f, const char *key, const struct nlattr *a)
{
	char buf[ADDR_STRLEN];

	if (!nla_is_addr(a))
		return;
	if (key)
		fprintf(f, " %s", key);
	fprintf(f, " %s", fmt_addr(nla_data(a), nla_len(a), buf));
}

void arg_nla_mac(FILE *f, const char *key, const struct nlattr *a)
{
	char buf[MAC_STRLEN];

	if (!nla_is_mac(a))
		return;
	if (key)
		fprintf(f, " %s", key);
	fprintf(f, " %s", fmt_mac(nla_data(a), buf));
}
