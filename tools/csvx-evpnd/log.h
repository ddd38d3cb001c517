/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging: syslog (LOG_DAEMON) as a daemon, stderr with a timestamp in the
 * foreground (-f).  Debug messages only with -v.
 */
#ifndef _EVPND_LOG_H
#define _EVPND_LOG_H

#include <stdbool.h>
#include <syslog.h>

extern bool log_verbose;

void log_init(const char *ident, bool foreground, bool verbose);
void log_close(void);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	do { if (log_verbose) log_msg(LOG_DEBUG, __VA_ARGS__); } while (0)

/*
 * Per-entry failures can come by the thousand: at most LOG_BURST of them a
 * LOG_PERIOD, then one line saying how many were left out.
 */
#define LOG_BURST	20
#define LOG_PERIOD_MS	10000
void log_limited(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* _EVPND_LOG_H */
