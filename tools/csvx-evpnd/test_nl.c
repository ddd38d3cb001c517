// SPDX-License-Identifier: GPL-2.0
/*
 * Native test of the agent's netlink request window (nl.c) against the
 * kernel's rtnetlink: harmless requests (RTM_GETLINK of "lo") with a small
 * window, so that it fills while requests are queued, and with completion
 * callbacks that submit more requests, as the agent's do.  Every request
 * must be answered exactly once with its own reply, and the window must
 * drain to zero.  An alarm turns a lost request (a wait for ever) into a
 * failure.  Prints TAP lines and a kselftest "Totals" line.
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "conf.h"
#include "nl.h"

#define NREQ		2000
#define NCHAIN		3		/* requests a callback adds */

static int tests, failed;
static unsigned int lo_index;
static unsigned int done_ok, done_err, replies, wrong, twice;
static unsigned char answered[NREQ + NREQ * NCHAIN];
static unsigned int next_id;
static struct nlsock sock;

static void ok(int cond, const char *what)
{
	tests++;
	if (!cond)
		failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tests, what);
	fflush(stdout);
}

static void on_reply(const struct nlmsghdr *nlh, void *arg)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	(void)arg;
	replies++;
	if (nlh->nlmsg_type != RTM_NEWLINK || (unsigned int)ifi->ifi_index != lo_index)
		wrong++;
}

static void submit_one(void);

static void on_done(int err, const char *extack, void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg;

	(void)extack;
	if (err)
		done_err++;
	else
		done_ok++;
	if (id >= sizeof(answered) || answered[id])
		twice++;
	else
		answered[id] = 1;
	/* the first NREQ / 4 answers each add more, from inside nls_recv() */
	if (id < NREQ / 4)
		for (int i = 0; i < NCHAIN; i++)
			submit_one();
}

static void submit_one(void)
{
	struct nlmsghdr *nlh = nls_msg(&sock, RTM_GETLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	unsigned int id = next_id++;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)lo_index;
	nls_submit(&sock, nlh, on_reply, on_done, (void *)(uintptr_t)id);
}

static void on_alarm(int sig)
{
	static const char msg[] = "not ok - a request was never answered (alarm)\n";

	(void)sig;
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

int main(void)
{
	unsigned int total, missing = 0;
	int err;

	lo_index = if_nametoindex("lo");
	conf_defaults(&conf, NULL);
	conf.max_inflight = 7;		/* fills often, at odd offsets */
	err = nls_open(&sock, NETLINK_ROUTE, "test", 1 << 20);
	if (err || !lo_index) {
		printf("1..0 # SKIP no rtnetlink socket or no lo (%s)\n", strerror(-err));
		return 4;
	}
	signal(SIGALRM, on_alarm);
	alarm(60);

	for (int i = 0; i < NREQ; i++)
		submit_one();
	err = nls_drain(&sock);
	alarm(0);

	total = next_id;
	for (unsigned int i = 0; i < total && i < sizeof(answered); i++)
		missing += !answered[i];
	ok(err == 0, "the window drains without error");
	ok(sock.inflight == 0, "nothing is left in flight");
	ok(total == NREQ + NREQ / 4 * NCHAIN, "callbacks submitted their requests");
	ok(done_ok == total && done_err == 0, "every request completed once, with success");
	ok(missing == 0 && twice == 0, "each request got its own answer, exactly once");
	ok(replies == total && wrong == 0, "each request got its reply message (lo's link)");
	if (missing || done_ok != total)
		printf("# %u requests, %u ok, %u errors, %u missing, %u replies\n",
		       total, done_ok, done_err, missing, replies);

	nls_close(&sock);
	nls_fini();
	printf("1..%d\n", tests);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       tests - failed, failed);
	return failed ? 1 : 0;
}
