// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"
#include "util.h"

bool log_verbose;
static bool to_stderr;

void log_init(const char *ident, bool foreground, bool verbose)
{
	log_verbose = verbose;
	to_stderr = foreground;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_close(void)
{
	if (!to_stderr)
		closelog();
}

static void vlog(int prio, const char *fmt, va_list ap)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
	};
	struct timespec ts;
	struct tm tm;
	char when[32];

	if (!to_stderr) {
		vsyslog(prio, fmt, ap);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld csvx-evpnd: %s: ", when, ts.tv_nsec / 1000000,
		names[prio & 7]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(prio, fmt, ap);
	va_end(ap);
}

void log_limited(int prio, const char *fmt, ...)
{
	static uint64_t period_start;
	static unsigned int count, dropped;
	uint64_t now = now_ms();
	va_list ap;

	if (now - period_start > LOG_PERIOD_MS) {
		if (dropped)
			log_msg(LOG_WARNING, "%u similar messages suppressed", dropped);
		period_start = now;
		count = dropped = 0;
	}
	if (++count > LOG_BURST) {
		dropped++;
		return;
	}
	va_start(ap, fmt);
	vlog(prio, fmt, ap);
	va_end(ap);
}
