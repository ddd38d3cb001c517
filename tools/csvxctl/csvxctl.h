/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the object files share: options, the object table, error reporting,
 * and the glue from reply attributes to the output writer and to batch lines.
 */
#ifndef _CSVXCTL_H
#define _CSVXCTL_H

#include <stdbool.h>
#include <stdio.h>
#include <netlink/attr.h>

#include "nl.h"
#include "output.h"
#include "parse.h"

#define EXIT_REFUSED	1	/* the kernel refused, or could not be asked */
#define EXIT_USAGE	2

struct options {
	bool json;
	bool pretty;
	bool force;
};
extern struct options opt;
extern unsigned int cur_line;	/* batch line being run, 0 outside a batch */

int stats_export(int argc, char **argv);	/* prom.c */
int show_version(void);		/* params.c: the module's version, for -V */
/* stats.c: the counters of a reply (STATS, DROPS) as fields; with SG_ONLY
 * only the security-group ones (a port's).  In a table, the non-zero drops
 * go to one "drops" cell. */
void counter_fields(struct nlattr **tb, bool sg_only);
const char *param_name(int type);	/* params.c: "max-fdb", NULL if unknown */

/*
 * An object: its command line entry point (argv[0] is the command word) and
 * usage, and for monitor and save what it looks like in a reply:
 * FIELDS emits the reply's fields to the output writer, ARGS prints the
 * batch-syntax arguments that recreate it (only its key with KEY_ONLY).
 */
struct object {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *usage;
	const char *help;
	void (*fields)(struct nlattr **tb);
	void (*args)(FILE *f, struct nlattr **tb, bool key_only);
};

extern const struct object vrf_object, vni_object, flood_object, fdb_object,
	route_object, set_object, sg_object, port_object, params_object, stats_object,
	monitor_object, save_object;
/* Not on the command line by themselves ("set member", "sg rule"), but
 * what monitor and save print for members and rules. */
extern const struct object set_member_object, sg_rule_object;

void set_status(int code);
int get_status(void);

/* "csvxctl: [line N: ]WHAT: MESSAGE" on stderr. */
void report(unsigned int line, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A usage error in WHAT ("vrf add"): reports it, then the object's usage
 * (once per run); returns EXIT_USAGE. */
int usage_error(const struct object *obj, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void print_usage(FILE *f, const struct object *obj);

/*
 * Command and argument keywords.  cmd_lookup() finds argv[0] among WORDS
 * (abbreviable) and reports an unknown or ambiguous one as a usage error.
 */
enum cmd_id {
	CMD_ADD, CMD_DEL, CMD_SHOW, CMD_REPLACE, CMD_FLUSH, CMD_SET, CMD_SWAP, CMD_MEMBER,
	CMD_RULE, CMD_HELP,
};
int cmd_lookup(const struct object *obj, const char *arg, unsigned int allowed);
/* argv[0] among WORDS; reports a usage error and returns <0 if not there. */
int arg_lookup(const struct object *obj, const char *what, const char *arg,
	       const char *const *words);

/*
 * Parse "KEY VALUE" pairs of argv (keywords abbreviable).  VAL[i] is set to
 * the value of WORDS[i]; for a word in FLAGS (a bit per index) to "" as it
 * takes no value.  A word in MULTI may repeat: its values go to MULTI_VAL
 * (at most MAX_MULTI, counted in *NMULTI).  A word that is no keyword fills
 * VAL[POS] if POS >= 0 and that is still unset.  Returns 0 or a usage error.
 */
struct kv {
	const char *const *words;
	unsigned int flags;
	unsigned int multi;
	int pos;
	const char **multi_val;
	int max_multi;
	int nmulti;
};
int kv_parse(const struct object *obj, const char *what, int argc, char **argv,
	     struct kv *kv, const char **val);
/* Usage error unless every word of MASK has a value. */
int kv_require(const struct object *obj, const char *what, const struct kv *kv,
	       const char **val, unsigned int mask);

/* Show: send M and print each reply as a row of OBJ's fields (an nl_reply_fn
 * taking the object as its argument). */
void show_row(uint8_t cmd, struct nlattr **tb, void *obj);
int show(const struct object *obj, const struct col *cols, struct nlmsghdr *m,
	 const char *what);

/* The output mode for show. */
static inline enum out_mode show_mode(void)
{
	return opt.json ? OUT_JSON : OUT_TABLE;
}

#endif /* _CSVXCTL_H */
