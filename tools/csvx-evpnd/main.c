// SPDX-License-Identifier: GPL-2.0
/*
 * csvx-evpnd: programs csvx from stock FRR (BGP EVPN) and advertises the
 * local VMs csvx knows.
 *
 *	csvx-evpnd [-n NETNS] [-c CONFIG] [-f] [-v]
 *
 * One event loop: the rtnetlink and csvx event sockets change the two
 * mirrors (state.c), the command sockets carry the agent's writes, and
 * after every round the dirty keys are reconciled.  Timers: csvx family
 * polling with backoff, FRR (zebra) restart detection, periodic resync,
 * retries.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "conf.h"
#include "csvx.h"
#include "log.h"
#include "rtnl.h"
#include "shadow.h"
#include "state.h"

#ifndef EVPND_VERSION
#define EVPND_VERSION "0.1.0"
#endif

#define CSVX_RETRY_MIN_MS	500
#define CSVX_RETRY_MAX_MS	30000
#define FRR_POLL_MS		1000
#define RETRY_TICK_MS		5000
#define STATS_MS		600000

static volatile sig_atomic_t stop, want_resync, want_stats;

static struct {
	uint64_t csvx_retry_at, csvx_backoff;
	uint64_t next_resync;
	uint64_t next_frr, next_retry, next_stats;
	bool resync_pending;
	uint64_t hold_until;		/* FRR restart: nothing removed until then */
} g;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		want_resync = 1;
	else if (sig == SIGUSR1)
		want_stats = 1;
	else
		stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: csvx-evpnd [-n NETNS] [-c CONFIG] [-f] [-v]\n"
		"  -n, --netns NETNS    run in network namespace NETNS (ip netns)\n"
		"  -c, --config FILE    configuration (default %s)\n"
		"  -f, --foreground     stay in the foreground, log to stderr\n"
		"  -v, --verbose        log every change (debug)\n"
		"  -V, --version        print the version\n"
		"  -h, --help           this text\n"
		"Signals: HUP resynchronises, USR1 logs statistics, TERM/INT stop.\n",
		CONF_DEFAULT_PATH);
}

static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "csvx-evpnd: network namespace %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "csvx-evpnd: setns %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* ---- FRR watch: restart detection ------------------------------------------ */

/*
 * zebra uninstalls every remote MAC, neighbour and flood entry when bgpd
 * disconnects from it, and its routes when it stops: that is FRR going
 * away, not BGP withdrawing anything.  So zebra and bgpd are watched through
 * their pid files; while either is gone, and for restart-hold seconds after
 * they are back, csvx keeps what it has (nothing is removed), and removals
 * wait withdraw-delay ms so that a daemon's last words come before its
 * death is noticed.
 */
struct daemon_id {
	int pid;
	unsigned long long start;	/* clock ticks since boot */
};

static const char *const frr_daemons[] = { "zebra", "bgpd" };

static struct {
	bool known;
	struct daemon_id d[2];
	uint64_t probed_at;
	bool probed_ok;
} frr;

/* A daemon's pid and start time from its pid file, or pid 0. */
static struct daemon_id probe(const char *name)
{
	struct daemon_id id = { 0 };
	char path[PATH_MAX + 32], buf[512], comm[32], *p;
	int pid = 0, n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.pid", conf.frr_rundir, name);
	f = fopen(path, "re");
	if (!f)
		return id;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid <= 0)
		return id;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return id;
	n = (int)fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n > 0 ? n : 0] = '\0';
	snprintf(comm, sizeof(comm), "(%s)", name);
	/* "pid (comm) state ..."; a zombie is as good as gone */
	p = strrchr(buf, ')');
	if (!strstr(buf, comm) || !p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return id;
	/* starttime is field 22; fields 3.. follow the ')' */
	for (int field = 3; field <= 22 && p; field++)
		p = strchr(p + 1, ' ');
	id.pid = pid;
	id.start = p ? strtoull(p + 1, NULL, 10) : 0;
	return id;
}

static double uptime_s(void)
{
	double up = 0;
	FILE *f = fopen("/proc/uptime", "re");

	if (f) {
		if (fscanf(f, "%lf", &up) != 1)
			up = 0;
		fclose(f);
	}
	return up;
}

static void hold_for(uint64_t now, uint64_t ms)
{
	if (now + ms > g.hold_until)
		g.hold_until = now + ms;
	st_set_hold(now < g.hold_until);
}

/* Compare FRR with what we saw last; true if nothing changed. */
static bool frr_check(uint64_t now)
{
	uint64_t hold_ms = (uint64_t)conf.restart_hold * 1000;
	struct daemon_id d[2];
	bool up = true, changed = false, zebra_new = false;

	if (!conf.frr_rundir[0])
		return true;
	for (int i = 0; i < 2; i++) {
		d[i] = probe(frr_daemons[i]);
		up &= d[i].pid != 0;
		if (frr.known && (d[i].pid != frr.d[i].pid || d[i].start != frr.d[i].start)) {
			changed = true;
			if (i == 0 && d[i].pid)
				zebra_new = true;
		}
	}
	if (!frr.known) {
		frr.known = true;
		if (!up) {
			log_notice("FRR is not running (no zebra or bgpd in %s): holding csvx "
				   "state for up to %u s", conf.frr_rundir, conf.restart_hold);
			hold_for(now, hold_ms);
		} else {
			/* started a moment ago: give BGP the time to converge */
			double age = uptime_s() - (double)d[1].start / (double)sysconf(_SC_CLK_TCK);

			if (age >= 0 && age * 1000 < (double)hold_ms) {
				log_notice("bgpd started %.0f s ago: holding csvx state", age);
				hold_for(now, hold_ms - (uint64_t)(age * 1000));
			}
		}
	} else if (changed && !up) {
		bool was_up = frr.d[0].pid && frr.d[1].pid;

		if (was_up)
			log_notice("FRR stopped (%s): holding csvx state for up to %u s",
				   !d[0].pid ? "zebra" : "bgpd", conf.restart_hold);
		else
			log_info("FRR is starting (zebra %d, bgpd %d)", d[0].pid, d[1].pid);
		hold_for(now, hold_ms);
	} else if (changed) {
		log_notice("FRR (re)started (zebra %d, bgpd %d): holding csvx state for %u s",
			   d[0].pid, d[1].pid, conf.restart_hold);
		if (zebra_new)
			st_wipe_remote();
		hold_for(now, hold_ms);
	}
	memcpy(frr.d, d, sizeof(d));
	frr.probed_at = now;
	/* Down for longer than restart-hold: like a BGP graceful restart that
	 * timed out, the kernel's (FRR-less) view then goes to csvx. */
	frr.probed_ok = !changed;
	return frr.probed_ok;
}

static void hold_request(const char *why)
{
	log_notice("%s: holding csvx state for %u s", why, conf.restart_hold);
	hold_for(now_ms(), (uint64_t)conf.restart_hold * 1000);
}

/* state.c asks before it removes anything from csvx. */
static bool frr_ok(void)
{
	uint64_t now = now_ms();

	if (now - frr.probed_at < 200)
		return frr.probed_ok && now >= g.hold_until;
	return frr_check(now) && now >= g.hold_until;
}

/* ---- csvx family ------------------------------------------------------------ */

static void csvx_try(uint64_t now)
{
	int err = cx_connect();

	if (err) {
		if (!g.csvx_backoff)
			log_warn("the csvx family is not available (is the module loaded?): "
				 "waiting for it");
		g.csvx_backoff = g.csvx_backoff ? g.csvx_backoff * 2 : CSVX_RETRY_MIN_MS;
		if (g.csvx_backoff > CSVX_RETRY_MAX_MS)
			g.csvx_backoff = CSVX_RETRY_MAX_MS;
		g.csvx_retry_at = now + g.csvx_backoff;
		return;
	}
	log_info("connected to the csvx family (version %u)", cx.version);
	g.csvx_backoff = 0;
	g.resync_pending = true;
	if (cx.udp_port == conf.shadow_port)
		log_err("csvx uses UDP port %u, the shadow port", cx.udp_port);
}

static void csvx_lost(void)
{
	log_warn("csvx went away: removing the shadow devices of its VNIs and VRFs");
	cx_disconnect();
	st_csvx_gone();
	st_work();
	g.csvx_retry_at = 0;
	g.csvx_backoff = 0;
}

/* ---- the loop ------------------------------------------------------------- */

static int resync(uint64_t now)
{
	int err;

	err = st_resync();
	rt.ev.overrun = rt.cmd.overrun = cx.ev.overrun = cx.cmd.overrun = false;
	if (err) {
		log_warn("resynchronisation incomplete (%s): trying again", strerror(-err));
		g.next_resync = now + 1000;
		return err;
	}
	if (cx.udp_port && cx.udp_port == conf.shadow_port) {
		log_err("csvx's udp-port equals shadow-udp-port (%u): refusing to run",
			conf.shadow_port);
		stop = 1;
	}
	g.next_resync = conf.resync_interval ? now + conf.resync_interval * 1000ULL : 0;
	return 0;
}

static int timeout_ms(uint64_t now)
{
	uint64_t next = now + 60000;
	uint64_t cand[] = {
		!cx.up ? g.csvx_retry_at : 0, g.next_resync, g.next_frr, g.next_retry,
		g.next_stats, g.hold_until > now ? g.hold_until : 0, st_next_due(),
	};

	for (size_t i = 0; i < ARRAY_SIZE(cand); i++)
		if (cand[i] && cand[i] < next)
			next = cand[i];
	return next <= now ? 0 : (int)(next - now);
}

static void loop(void)
{
	while (!stop) {
		struct pollfd pfd[4];
		uint64_t now;
		int n = 0;

		now = now_ms();
		pfd[n++] = (struct pollfd){ .fd = rt.ev.fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = rt.cmd.fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = cx.ev.fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = cx.cmd.fd, .events = POLLIN };
		if (poll(pfd, (nfds_t)n, timeout_ms(now)) < 0 && errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			break;
		}
		/* events first, then replies, then the events that came with them */
		st_pump_events();
		while (nls_recv(&rt.cmd, false) > 0)
			;
		while (nls_recv(&cx.cmd, false) > 0)
			;
		st_pump_events();

		now = now_ms();
		if (cx.gone) {
			cx.gone = false;
			csvx_lost();
		}
		if (!cx.up && (cx.appeared || now >= g.csvx_retry_at)) {
			cx.appeared = false;
			csvx_try(now);
		}
		if (want_stats) {
			want_stats = 0;
			g.next_stats = now;
		}
		if (g.next_stats && now >= g.next_stats) {
			char buf[512];

			st_stats(buf, sizeof(buf));
			log_info("%s", buf);
			g.next_stats = now + STATS_MS;
		}
		if (now >= g.next_frr) {
			frr_check(now);
			g.next_frr = now + FRR_POLL_MS;
		}
		if (g.hold_until && now >= g.hold_until) {
			g.hold_until = 0;
			st_set_hold(false);
		}
		if (rt.ev.overrun || cx.ev.overrun || rt.cmd.overrun || cx.cmd.overrun) {
			log_warn("netlink messages were lost: resynchronising");
			g.resync_pending = true;
		}
		if (want_resync) {
			want_resync = 0;
			log_info("SIGHUP: resynchronising");
			g.resync_pending = true;
		}
		if (cx.up && g.next_resync && now >= g.next_resync)
			g.resync_pending = true;
		if (cx.up && g.resync_pending) {
			g.resync_pending = false;
			resync(now);
		}
		if (now >= g.next_retry) {
			st_retry_tick();
			g.next_retry = now + RETRY_TICK_MS;
		}
		st_delayed_tick(now);
		st_work();
		st_reconcile();
		nls_flush(&cx.cmd);
		nls_flush(&rt.cmd);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "netns", required_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *netns = NULL, *config = CONF_DEFAULT_PATH;
	bool foreground = false, verbose = false, config_given = false;
	struct sigaction sa = { .sa_handler = on_signal };
	char buf[512];
	int c, rc = EXIT_FAILURE;

	while ((c = getopt_long(argc, argv, "n:c:fvVh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			netns = optarg;
			break;
		case 'c':
			config = optarg;
			config_given = true;
			break;
		case 'f':
			foreground = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'V':
			printf("csvx-evpnd %s\n", EVPND_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	log_init("csvx-evpnd", foreground, verbose);
	conf_defaults(&conf, netns);
	if (conf_load(&conf, config, config_given))
		return EXIT_FAILURE;
	if (netns && enter_netns(netns))
		return EXIT_FAILURE;
	if (!foreground && daemon(0, 0)) {
		log_err("daemon: %s", strerror(errno));
		return EXIT_FAILURE;
	}
	hash_seed_init();
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	st_init();
	shadow_init();
	if (rt_init() || cx_init())
		goto out;
	log_info("started%s%s: shadow UDP port %u, VTEP %s, resync every %u s",
		 netns ? " in namespace " : "", netns ? netns : "", conf.shadow_port,
		 conf.vtep_auto ? "auto" : addr_str(&conf.vtep, (char[ADDR_STRLEN]){ 0 }),
		 conf.resync_interval);
	st_frr_ok = frr_ok;
	st_hold_request = hold_request;
	frr_check(now_ms());
	g.next_frr = now_ms() + FRR_POLL_MS;
	g.next_retry = now_ms() + RETRY_TICK_MS;
	g.next_stats = now_ms() + STATS_MS;
	csvx_try(now_ms());
	if (cx.up) {
		g.resync_pending = false;
		resync(now_ms());
	}
	loop();
	rc = EXIT_SUCCESS;
	/* Writes in flight finish; the shadow devices stay: FRR keeps
	 * advertising while the agent restarts. */
	if (nls_is_open(&cx.cmd))
		nls_drain(&cx.cmd);
	if (nls_is_open(&rt.cmd))
		nls_drain(&rt.cmd);
	st_stats(buf, sizeof(buf));
	log_info("stopping: %s", buf);
out:
	cx_fini();
	rt_fini();
	st_fini();
	shadow_fini();
	nls_fini();
	log_close();
	return rc;
}
