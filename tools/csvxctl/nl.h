/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netlink layer: one generic-netlink socket to the csvx family, opened on
 * first use.  Mutations are queued and sent many per sendmsg (each with its
 * own sequence number, mapped back to the batch line that made it); GETs and
 * dumps stream their replies to a callback; monitor reads the notify group.
 */
#ifndef _CSVXCTL_NL_H
#define _CSVXCTL_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <linux/csvx.h>

/* Called for every reply or notification, with its attributes parsed. */
typedef void (*nl_reply_fn)(uint8_t cmd, struct nlattr **tb, void *arg);

/*
 * Start a request; the message stays in the transmit buffer until sent.
 * FLAGS is 0 or NLM_F_DUMP: generic netlink reserves NLM_F_CREATE, _EXCL
 * and _REPLACE (the core refuses them), so "replace" is the CSVX_A_REPLACE
 * flag attribute.
 */
struct nlmsghdr *req_new(uint8_t cmd, uint16_t flags);
void req_put(struct nlmsghdr *m, uint16_t type, const void *data, size_t len);
void req_put_flag(struct nlmsghdr *m, uint16_t type);
void req_put_u8(struct nlmsghdr *m, uint16_t type, uint8_t v);
void req_put_u32(struct nlmsghdr *m, uint16_t type, uint32_t v);
void req_put_str(struct nlmsghdr *m, uint16_t type, const char *s);
struct nlattr *req_nest_start(struct nlmsghdr *m, uint16_t type);
void req_nest_end(struct nlmsghdr *m, struct nlattr *nest);

/*
 * Queue a mutation (sent with NLM_F_ACK); WHAT ("fdb add") names it in error
 * messages, with the current batch line.  Queued requests go out when the
 * window is full, before any GET, and at req_flush().  Both return how many
 * requests the kernel refused in what they sent.
 */
int req_queue(struct nlmsghdr *m, const char *what);
int req_flush(void);

/*
 * One entry of a command that takes CSVX_A_ENTRIES (fdb add/replace/del):
 * req_entry() returns the message to put the entry's attributes in and
 * req_entry_end() queues it, as req_new() and req_queue() do.  In a batch
 * that stops at its first error (no -f), consecutive entries of one
 * command share a message of up to CSVX_BULK_MAX entries, which the kernel
 * applies in order up to the first it refuses: one round trip for many
 * lines, and the refusal names the line.  A refusal found when such a
 * message goes out before a later line is run ends the batch there.
 */
struct nlmsghdr *req_entry(uint8_t cmd);
int req_entry_end(struct nlmsghdr *m, const char *what);

/* Send a GET (one reply) or, with NLM_F_DUMP in its flags, a dump, and pass
 * each reply to FN as it arrives.  Returns 0, or 1 if the kernel refused. */
int req_get(struct nlmsghdr *m, const char *what, nl_reply_fn fn, void *arg);

/* Print every notification until SIGINT or SIGTERM; returns 0 then. */
int notify_listen(nl_reply_fn fn, void *arg);

/* Reply attributes to the output writer; absent or malformed ones are left out. */
void out_nla_str(const char *key, const struct nlattr *a);
void out_nla_u32(const char *key, const struct nlattr *a);
void out_nla_addr(const char *key, const struct nlattr *a);
void out_nla_mac(const char *key, const struct nlattr *a);

/* Reply attributes as batch-syntax arguments " KEY VALUE"; nothing if absent. */
void arg_nla_str(FILE *f, const char *key, const struct nlattr *a);
void arg_nla_u32(FILE *f, const char *key, const struct nlattr *a);
void arg_nla_addr(FILE *f, const char *key, const struct nlattr *a);
void arg_nla_mac(FILE *f, const char *key, const struct nlattr *a);

/* Attribute checks for replies: present and of the length the uapi gives. */
static inline bool nla_is_addr(const struct nlattr *a)
{
	return a && (nla_len(a) == 4 || nla_len(a) == 16);
}

static inline bool nla_is_mac(const struct nlattr *a)
{
	return a && nla_len(a) == 6;
}

#endif /* _CSVXCTL_NL_H */
