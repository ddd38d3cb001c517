// SPDX-License-Identifier: GPL-2.0
/*
 * csvxctl: program the csvx fast path.
 *
 *	csvxctl [OPTIONS] OBJECT COMMAND [ARGS]
 *	csvxctl [OPTIONS] -b FILE|-
 *
 * A command line and a batch line run the same way: the object's main()
 * parses the words and queues or sends its request.  Exit status: 0 done,
 * 1 the kernel refused, 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvxctl.h"

#ifndef CSVXCTL_VERSION
#define CSVXCTL_VERSION "0.1.0"
#endif

#define BATCH_MAX_WORDS	256

struct options opt;
unsigned int cur_line;
static int status;
static bool usage_shown;

static const struct object *const objects[] = {
	&vrf_object, &vni_object, &flood_object, &fdb_object, &route_object,
	&set_object, &sg_object, &port_object, &params_object, &stats_object, &monitor_object,
	&save_object, NULL,
};

void set_status(int code)
{
	if (code > status)
		status = code;
}

int get_status(void)
{
	return status;
}

static void vreport(unsigned int line, const char *what, const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("csvxctl: ", stderr);
	if (line)
		fprintf(stderr, "line %u: ", line);
	if (what)
		fprintf(stderr, "%s: ", what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void report(unsigned int line, const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(line, what, fmt, ap);
	va_end(ap);
}

void print_usage(FILE *f, const struct object *obj)
{
	const char *p = obj->usage;
	bool first = true;

	while (*p) {
		const char *nl = strchrnul(p, '\n');

		/* A line that starts with a blank explains the ones above. */
		if (*p == ' ')
			fprintf(f, "      %.*s\n", (int)(nl - p), p);
		else
			fprintf(f, "%s csvxctl %.*s\n", first ? "Usage:" : "      ", (int)(nl - p), p);
		first = false;
		p = *nl ? nl + 1 : nl;
	}
}

int usage_error(const struct object *obj, const char *what, const char *fmt, ...)
{
	va_list ap;

	/* Requests of earlier lines still queued are reported first. */
	req_flush();
	va_start(ap, fmt);
	vreport(cur_line, what, fmt, ap);
	va_end(ap);
	/* Once: a batch run with -f may hold many bad lines. */
	if (obj && !usage_shown)
		print_usage(stderr, obj);
	usage_shown = true;
	set_status(EXIT_USAGE);
	return EXIT_USAGE;
}

static const char *const cmd_words[] = {
	"add", "del", "delete", "show", "list", "replace", "flush", "set", "swap", "member",
	"rule", "help", NULL,
};
static const int cmd_ids[] = {
	CMD_ADD, CMD_DEL, CMD_DEL, CMD_SHOW, CMD_SHOW, CMD_REPLACE, CMD_FLUSH, CMD_SET, CMD_SWAP,
	CMD_MEMBER, CMD_RULE, CMD_HELP,
};

/* The words of WORDS that ARG abbreviates, for an "ambiguous" message. */
static void candidates(char *buf, size_t size, const char *arg, const char *const *words)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; words[i] && used < size; i++)
		if (!strncmp(arg, words[i], strlen(arg)))
			used += (size_t)snprintf(buf + used, size - used, "%s%s",
						 used ? ", " : "", words[i]);
}

int cmd_lookup(const struct object *obj, const char *arg, unsigned int allowed)
{
	const char *words[sizeof(cmd_ids) / sizeof(cmd_ids[0]) + 1];
	int ids[sizeof(cmd_ids) / sizeof(cmd_ids[0])];
	int n = 0, id;
	char buf[128];

	allowed |= 1U << CMD_HELP;
	for (int i = 0; cmd_words[i]; i++) {
		if (!(allowed & (1U << cmd_ids[i])))
			continue;
		words[n] = cmd_words[i];
		ids[n++] = cmd_ids[i];
	}
	words[n] = NULL;
	id = kw_lookup(arg, words, ids);
	if (id == KW_AMBIGUOUS) {
		candidates(buf, sizeof(buf), arg, words);
		return -usage_error(obj, obj->name, "ambiguous command `%s' (%s)", arg, buf);
	}
	if (id == KW_NONE)
		return -usage_error(obj, obj->name, "invalid command `%s'", arg);
	return id;
}

int arg_lookup(const struct object *obj, const char *what, const char *arg,
	       const char *const *words)
{
	int id = kw_lookup(arg, words, NULL);
	char buf[128];

	if (id == KW_AMBIGUOUS) {
		candidates(buf, sizeof(buf), arg, words);
		return -usage_error(obj, what, "ambiguous argument `%s' (%s)", arg, buf);
	}
	if (id == KW_NONE)
		return -usage_error(obj, what, "unknown argument `%s'", arg);
	return id;
}

int kv_parse(const struct object *obj, const char *what, int argc, char **argv,
	     struct kv *kv, const char **val)
{
	unsigned int seen = 0;

	for (int i = 0; i < argc; i++) {
		int k = kw_lookup(argv[i], kv->words, NULL);

		if (k == KW_NONE && kv->pos >= 0 && !val[kv->pos]) {
			val[kv->pos] = argv[i];
			continue;
		}
		if (k < 0)
			k = arg_lookup(obj, what, argv[i], kv->words);
		if (k < 0)
			return -k;
		if (kv->flags & (1U << k)) {
			val[k] = "";
		} else if (i + 1 == argc) {
			return usage_error(obj, what, "missing value after `%s'", kv->words[k]);
		} else if (kv->multi & (1U << k)) {
			if (kv->nmulti == kv->max_multi)
				return usage_error(obj, what, "more than %d `%s'",
						   kv->max_multi, kv->words[k]);
			kv->multi_val[kv->nmulti++] = argv[++i];
			continue;
		} else {
			val[k] = argv[++i];
		}
		if (seen & (1U << k))
			return usage_error(obj, what, "duplicate `%s'", kv->words[k]);
		seen |= 1U << k;
	}
	return 0;
}

int kv_require(const struct object *obj, const char *what, const struct kv *kv,
	       const char **val, unsigned int mask)
{
	for (int i = 0; kv->words[i]; i++)
		if ((mask & (1U << i)) && !val[i])
			return usage_error(obj, what, "missing `%s'", kv->words[i]);
	return 0;
}

void show_row(uint8_t cmd, struct nlattr **tb, void *arg)
{
	const struct object *obj = arg;

	(void)cmd;
	out_row_start();
	obj->fields(tb);
	out_row_end();
}

int show(const struct object *obj, const struct col *cols, struct nlmsghdr *m,
	 const char *what)
{
	int rc;

	out_start(show_mode(), opt.pretty, cols);
	rc = req_get(m, what, show_row, (void *)obj);
	out_finish();
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: csvxctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
		   "       csvxctl [OPTIONS] -b FILE|-\n"
		   "Objects:\n");
	for (int i = 0; objects[i]; i++)
		fprintf(f, "  %-9s%s\n", objects[i]->name, objects[i]->help);
	fprintf(f, "  %-9s%s\n", "help", "show this message");
	fprintf(f, "Options:\n"
		   "  -j, --json          JSON output\n"
		   "  -p, --pretty        pretty-printed JSON output (implies -j)\n"
		   "  -n, --netns NAME    work in network namespace NAME\n"
		   "  -b, --batch FILE    run the commands of FILE (- for standard input)\n"
		   "  -f, --force         in a batch, go on after a failed line\n"
		   "  -V, --version       print the versions of csvxctl and of the module\n"
		   "  -h, --help          show this message\n"
		   "Run `csvxctl OBJECT help' for the commands of an object.\n");
}

static int run(int argc, char **argv)
{
	static const char *words[sizeof(objects) / sizeof(objects[0]) + 1];
	char buf[128];
	int i;

	if (!words[0]) {
		for (i = 0; objects[i]; i++)
			words[i] = objects[i]->name;
		words[i++] = "help";
		words[i] = NULL;
	}
	i = kw_lookup(argv[0], words, NULL);
	if (i == KW_AMBIGUOUS) {
		candidates(buf, sizeof(buf), argv[0], words);
		return usage_error(NULL, NULL, "ambiguous object `%s' (%s); try `csvxctl help'",
				   argv[0], buf);
	}
	if (i == KW_NONE)
		return usage_error(NULL, NULL, "Invalid object `%s'; try `csvxctl help'", argv[0]);
	if (!objects[i]) {
		usage(stdout);
		return 0;
	}
	return objects[i]->main(argc - 1, argv + 1);
}

static int batch(const char *file)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	char *argv[BATCH_MAX_WORDS];
	char *line = NULL;
	size_t cap = 0;

	if (!f) {
		report(0, NULL, "cannot open `%s': %s", file, strerror(errno));
		return EXIT_USAGE;
	}
	while (getline(&line, &cap, f) >= 0) {
		int argc, rc;

		cur_line++;
		argc = tokenize(line, argv, BATCH_MAX_WORDS);
		if (!argc)
			continue;
		if (argc < 0)
			rc = usage_error(NULL, NULL, argc == -1 ? "unterminated quote" :
					 "more than %d words", BATCH_MAX_WORDS);
		else
			rc = run(argc, argv);
		if (rc && !opt.force)
			break;
	}
	if (ferror(f))
		report(0, NULL, "reading `%s': %s", file, strerror(errno));
	free(line);
	if (f != stdin)
		fclose(f);
	req_flush();
	cur_line = 0;
	return status;
}

static void enter_netns(const char *name)
{
	static const char *const dirs[] = { "/run/netns", "/var/run/netns" };
	char path[4096];
	int fd = -1;

	if (strchr(name, '/')) {
		fd = open(name, O_RDONLY | O_CLOEXEC);
	} else {
		for (size_t i = 0; fd < 0 && i < sizeof(dirs) / sizeof(dirs[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
		}
	}
	if (fd < 0) {
		report(0, NULL, "cannot open network namespace `%s': %s", name, strerror(errno));
		exit(EXIT_REFUSED);
	}
	if (setns(fd, CLONE_NEWNET)) {
		report(0, NULL, "cannot enter network namespace `%s': %s", name, strerror(errno));
		exit(EXIT_REFUSED);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "netns", required_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'b' },
		{ "force", no_argument, NULL, 'f' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL, *netns = NULL;
	bool version = false;
	int c;

	while ((c = getopt_long(argc, argv, "+jpn:b:fVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			opt.pretty = true;
			/* fall through */
		case 'j':
			opt.json = true;
			break;
		case 'n':
			netns = optarg;
			break;
		case 'b':
			file = optarg;
			break;
		case 'f':
			opt.force = true;
			break;
		case 'V':
			version = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (netns)
		enter_netns(netns);
	if (version) {
		printf("csvxctl %s\n", CSVXCTL_VERSION);
		return show_version();
	}
	if (file) {
		if (argc) {
			usage_error(NULL, NULL, "no arguments after -b FILE");
			usage(stderr);
			return EXIT_USAGE;
		}
		return batch(file);
	}
	if (!argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	run(argc, argv);
	req_flush();
	return status;
}
