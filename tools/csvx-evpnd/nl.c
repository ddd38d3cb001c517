// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "conf.h"
#include "log.h"
#include "nl.h"
#include "util.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define TX_SIZE		(128 * 1024)
#define MSG_MAX		4096		/* larger than anything we build */
#define RX_SIZE		(64 * 1024)	/* a dump skb is at most 32 KiB */
#define RING		8192		/* > max_inflight, power of two */

/*
 * Receive buffers, one per nesting level: a reply's callback may submit a
 * request, find the window full and wait for answers (nls_submit2()), and
 * an event's handler may do the same.  That inner nls_recv() must not
 * overwrite the batch the outer one is still walking, or the rest of it
 * (acks, events) is lost and its requests stay "in flight" for ever.
 */
#define RX_DEPTH	8
static char *rxbufs[RX_DEPTH];
static unsigned int rx_depth;

bool nls_is_open(const struct nlsock *s)
{
	return s->sk != NULL;
}

int nls_open(struct nlsock *s, int bus, const char *name, int rcvbuf)
{
	int one = 1, err;

	memset(s, 0, sizeof(*s));
	s->name = name;
	s->bus = bus;
	s->sk = mnl_socket_open2(bus, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!s->sk)
		return -errno;
	if (mnl_socket_bind(s->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(s->sk);
		s->sk = NULL;
		return err;
	}
	s->fd = mnl_socket_get_fd(s->sk);
	s->portid = mnl_socket_get_portid(s->sk);
	setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* Root can exceed rmem_max; an event socket must not overrun lightly. */
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	s->tx = xcalloc(1, TX_SIZE);
	s->reqs = xcalloc(RING, sizeof(*s->reqs));
	s->seq = (uint32_t)now_ms();
	return 0;
}

void nls_close(struct nlsock *s)
{
	if (s->sk)
		mnl_socket_close(s->sk);
	free(s->tx);
	free(s->reqs);
	s->sk = NULL;
	s->tx = NULL;
	s->reqs = NULL;
	s->inflight = 0;
	s->txlen = 0;
}

void nls_fini(void)
{
	for (unsigned int i = 0; i < RX_DEPTH; i++) {
		free(rxbufs[i]);
		rxbufs[i] = NULL;
	}
}

int nls_join(struct nlsock *s, unsigned int group)
{
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)))
		return -errno;
	return 0;
}

int nls_leave(struct nlsock *s, unsigned int group)
{
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &group, sizeof(group)))
		return -errno;
	return 0;
}

int nls_flush(struct nlsock *s)
{
	ssize_t n;

	if (!s->txlen)
		return 0;
	for (;;) {
		n = mnl_socket_sendto(s->sk, s->tx, s->txlen);
		if (n >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == ENOBUFS) {
			/* the kernel side is busy: wait until it drains */
			struct pollfd p = { .fd = s->fd, .events = POLLOUT };

			poll(&p, 1, 100);
			continue;
		}
		log_err("%s: netlink send: %s", s->name, strerror(errno));
		/* Fail every queued request rather than lose track of them. */
		n = -errno;
		s->txlen = 0;
		for (unsigned int i = 0; i < RING; i++) {
			struct nl_req *r = &s->reqs[i];

			if (r->used && r->done) {
				r->used = false;
				s->inflight--;
				r->done((int)n, NULL, r->arg);
			} else if (r->used) {
				r->used = false;
				s->inflight--;
			}
		}
		return (int)n;
	}
	s->txlen = 0;
	return 0;
}

/*
 * Room in the window is made here, before the message exists, and not in
 * nls_submit2(): waiting there flushed the queue without the message being
 * built (it was not counted in txlen yet), so it was never sent, the queue's
 * first message went again in its place and the request stayed "in flight"
 * for ever; and a callback run meanwhile could build its own message over
 * it.  Between nls_msg() and nls_submit() callers only add attributes.
 */
struct nlmsghdr *nls_msg(struct nlsock *s, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	while (s->inflight >= conf.max_inflight) {
		int rc;

		nls_flush(s);
		rc = nls_recv(s, true);
		if (rc < 0 && rc != -EAGAIN && rc != -EINTR)
			break;
	}
	if (s->txlen + MSG_MAX > TX_SIZE)
		nls_flush(s);
	nlh = mnl_nlmsg_put_header(s->tx + s->txlen);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

uint32_t nls_submit(struct nlsock *s, struct nlmsghdr *nlh, nl_msg_fn msg,
		    nl_done_fn done, void *arg)
{
	return nls_submit2(s, nlh, msg, arg, done, arg);
}

uint32_t nls_submit2(struct nlsock *s, struct nlmsghdr *nlh, nl_msg_fn msg, void *msg_arg,
		     nl_done_fn done, void *arg)
{
	struct nl_req *r;
	uint32_t seq;

	/* nls_msg() kept the window (acks must fit the receive buffer) */
	do
		seq = ++s->seq;
	while (!seq || s->reqs[seq & (RING - 1)].used);
	r = &s->reqs[seq & (RING - 1)];
	*r = (struct nl_req){ .seq = seq, .used = true, .msg = msg, .msg_arg = msg_arg,
			       .done = done, .arg = arg };
	/* NLM_F_EXCL and NLM_F_REPLACE reuse NLM_F_DUMP's bits: test both */
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 0;
	s->txlen += NLMSG_ALIGN(nlh->nlmsg_len);
	s->inflight++;
	s->sent++;
	if (s->txlen + MSG_MAX > TX_SIZE)
		nls_flush(s);
	return seq;
}

/* The extended-ack message of an NLMSG_ERROR or NLMSG_DONE, if any. */
static const char *extack_msg(const struct nlmsghdr *nlh, size_t hlen)
{
	const struct nlattr *a;
	size_t off;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (nlh->nlmsg_type == NLMSG_ERROR && !(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		hlen += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	off = MNL_ALIGN(hlen);
	mnl_attr_for_each(a, nlh, off) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
			return mnl_attr_get_str(a);
	}
	return NULL;
}

static void finish(struct nlsock *s, struct nl_req *r, int err, const char *ext)
{
	nl_done_fn done = r->done;
	void *arg = r->arg;

	if (!err && r->intr)
		err = -EINTR;
	r->used = false;
	s->inflight--;
	if (err)
		s->failed++;
	if (done)
		done(err, ext, arg);
}

static void dispatch(struct nlsock *s, const struct nlmsghdr *nlh)
{
	struct nl_req *r;

	if (s->event) {
		if (nlh->nlmsg_type != NLMSG_ERROR && nlh->nlmsg_type != NLMSG_DONE &&
		    nlh->nlmsg_type != NLMSG_NOOP && nlh->nlmsg_type != NLMSG_OVERRUN)
			s->event(nlh, s->event_arg);
		return;
	}
	r = &s->reqs[nlh->nlmsg_seq & (RING - 1)];
	if (!r->used || r->seq != nlh->nlmsg_seq)
		return;		/* not ours (or already answered) */
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		r->intr = true;
	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR: {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
			finish(s, r, -EBADMSG, "truncated error message");
			return;
		}
		finish(s, r, e->error, e->error ? extack_msg(nlh, sizeof(*e)) : NULL);
		return;
	}
	case NLMSG_DONE: {
		int err = 0;

		if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
			memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
		finish(s, r, err < 0 ? err : 0,
		       err < 0 ? extack_msg(nlh, sizeof(int)) : NULL);
		return;
	}
	case NLMSG_NOOP:
	case NLMSG_OVERRUN:
		return;
	default:
		if (r->msg)
			r->msg(nlh, r->msg_arg);
	}
}

static int recv_batch(struct nlsock *s, bool block, char *rxbuf);

int nls_recv(struct nlsock *s, bool block)
{
	char *buf;
	int rc;

	if (rx_depth < RX_DEPTH) {
		if (!rxbufs[rx_depth])
			rxbufs[rx_depth] = xcalloc(1, RX_SIZE);
		buf = rxbufs[rx_depth];
	} else {
		buf = xcalloc(1, RX_SIZE);
	}
	rx_depth++;
	rc = recv_batch(s, block, buf);
	rx_depth--;
	if (rx_depth >= RX_DEPTH)
		free(buf);
	return rc;
}

static int recv_batch(struct nlsock *s, bool block, char *rxbuf)
{
	struct iovec iov = { rxbuf, RX_SIZE };
	struct sockaddr_nl sa;
	struct msghdr mh = {
		.msg_name = &sa, .msg_namelen = sizeof(sa),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	const struct nlmsghdr *nlh;
	int count = 0, len;
	ssize_t n;

	for (;;) {
		if (block) {
			struct pollfd p = { .fd = s->fd, .events = POLLIN };

			if (poll(&p, 1, 5000) == 0) {
				log_warn("%s: no netlink reply for 5 s (%u in flight)",
					 s->name, s->inflight);
				continue;
			}
		}
		n = recvmsg(s->fd, &mh, MSG_DONTWAIT);
		if (n >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == ENOBUFS) {
			s->overrun = true;
			log_warn("%s: netlink receive buffer overrun: messages lost", s->name);
			if (!s->event && s->inflight) {
				/* Acks were lost: nothing will answer those requests. */
				for (unsigned int i = 0; i < RING; i++)
					if (s->reqs[i].used)
						finish(s, &s->reqs[i], -ENOBUFS, NULL);
			}
			return -ENOBUFS;
		}
		return -errno;
	}
	if (sa.nl_pid != 0)
		return 0;	/* not from the kernel */
	if (mh.msg_flags & MSG_TRUNC)
		log_warn("%s: netlink message truncated", s->name);
	len = (int)n;
	for (nlh = (const struct nlmsghdr *)rxbuf; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		dispatch(s, nlh);
		count++;
	}
	if (!s->event && s->after_replies)
		s->after_replies();
	return count;
}

int nls_drain(struct nlsock *s)
{
	int rc = nls_flush(s);

	while (s->inflight) {
		rc = nls_recv(s, true);
		if (rc < 0 && rc != -EAGAIN && rc != -EINTR && rc != -ENOBUFS)
			return rc;
	}
	return 0;
}

struct sync_state {
	bool done;
	int err;
	char *extack;
};

static void sync_done(int err, const char *ext, void *arg)
{
	struct sync_state *st = arg;

	st->done = true;
	st->err = err;
	if (st->extack)
		snprintf(st->extack, NLS_EXTACK_MAX, "%s", ext ? ext : "");
}

int nls_sync(struct nlsock *s, struct nlmsghdr *nlh, nl_msg_fn msg, void *arg,
	     char *extack)
{
	struct sync_state st = { .extack = extack };
	uint32_t seq;
	int rc;

	if (extack)
		extack[0] = '\0';
	seq = nls_submit2(s, nlh, msg, arg, sync_done, &st);
	rc = nls_flush(s);
	while (!rc && !st.done) {
		rc = nls_recv(s, true);
		if (rc == -EAGAIN || rc == -EINTR || rc > 0)
			rc = 0;
	}
	if (!st.done) {
		/* Giving up: the request must not call back into this frame
		 * (st is on the stack) when its answer comes after all. */
		struct nl_req *r = &s->reqs[seq & (RING - 1)];

		if (r->used && r->seq == seq) {
			r->used = false;
			s->inflight--;
		}
		return rc;
	}
	return st.err;
}
