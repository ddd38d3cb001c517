/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netlink sockets over libmnl, used two ways:
 *
 * - command sockets: requests are built in a transmit buffer and sent many
 *   per sendmsg(); each carries a sequence number mapped to a completion
 *   callback (and, for GETs and dumps, a callback for each reply message).
 *   At most conf.max_inflight requests are unanswered at a time, so that
 *   their acks always fit the receive buffer.
 * - event sockets: members of multicast groups; every message goes to one
 *   handler.  A receive-buffer overrun (ENOBUFS) is remembered in
 *   `overrun' and answered by the caller with a resynchronisation.
 *
 * Completion and event handlers may submit requests, so receiving can be
 * re-entered (nls_msg() waiting for room in the window): each nesting
 * level reads into a buffer of its own.
 */
#ifndef _EVPND_NL_H
#define _EVPND_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

/* A reply or event message. */
typedef void (*nl_msg_fn)(const struct nlmsghdr *nlh, void *arg);
/* The end of a request: ERR is 0 or a negative errno, EXTACK the kernel's
 * message or NULL.  A dump that raced with a change ends with -EINTR. */
typedef void (*nl_done_fn)(int err, const char *extack, void *arg);

struct nl_req {
	uint32_t seq;
	bool used;
	bool intr;
	nl_msg_fn msg;
	void *msg_arg;
	nl_done_fn done;
	void *arg;
};

struct nlsock {
	const char *name;
	int bus;
	struct mnl_socket *sk;
	int fd;
	uint32_t portid;
	uint32_t seq;
	char *tx;
	size_t txlen;
	struct nl_req *reqs;		/* ring indexed by seq */
	unsigned int inflight;
	bool overrun;			/* ENOBUFS seen */
	nl_msg_fn event;		/* event sockets: every message */
	void *event_arg;
	/* Called after a command socket read some replies (for the caller to
	 * pick up the events that preceded them). */
	void (*after_replies)(void);
	unsigned long long sent, failed;
};

int nls_open(struct nlsock *s, int bus, const char *name, int rcvbuf);
void nls_close(struct nlsock *s);
/* frees what every socket shared (at exit) */
void nls_fini(void);
bool nls_is_open(const struct nlsock *s);
int nls_join(struct nlsock *s, unsigned int group);
int nls_leave(struct nlsock *s, unsigned int group);

/* A new message in the transmit buffer: header only, NLM_F_REQUEST set.
 * Waits for replies first while the window is full; nothing may send or
 * receive on the socket until the message is submitted. */
struct nlmsghdr *nls_msg(struct nlsock *s, uint16_t type, uint16_t flags);
/* Queue the message last returned by nls_msg(); NLM_F_ACK is added unless
 * it is a dump.  Sends the queue when the transmit buffer is full. */
uint32_t nls_submit(struct nlsock *s, struct nlmsghdr *nlh, nl_msg_fn msg,
		    nl_done_fn done, void *arg);
/* The same, with separate arguments for the reply and done callbacks. */
uint32_t nls_submit2(struct nlsock *s, struct nlmsghdr *nlh, nl_msg_fn msg, void *msg_arg,
		     nl_done_fn done, void *done_arg);
/* Send what is queued; 0 or -errno. */
int nls_flush(struct nlsock *s);
/* Read and dispatch what is there (BLOCK: wait for one datagram first).
 * Returns the number of messages read, or -errno (-EAGAIN: nothing). */
int nls_recv(struct nlsock *s, bool block);
/* Wait until no request is unanswered. */
int nls_drain(struct nlsock *s);
/* Submit, send and wait for this one request: 0 or -errno; the kernel's
 * message goes to EXTACK (if not NULL, at least 256 bytes). */
int nls_sync(struct nlsock *s, struct nlmsghdr *nlh, nl_msg_fn msg, void *arg,
	     char *extack);

#define NLS_EXTACK_MAX	256

#endif /* _EVPND_NL_H */
