// SPDX-License-Identifier: GPL-2.0
/*
 * Tables and JSON from one stream of rows.
 *
 * Dumps can hold millions of entries, so nothing is accumulated for JSON,
 * and a table holds back only its first TABLE_HOLD rows: enough to size the
 * columns, after which rows are printed as they come (a later, wider cell
 * widens its column from then on).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "parse.h"

#define MAX_COLS	16
#define ROW_ARENA	4096
#define TABLE_HOLD	1000

static struct {
	enum out_mode mode;
	bool pretty;
	/* table */
	const struct col *cols;
	int ncols;
	size_t width[MAX_COLS];
	char arena[ROW_ARENA + MAX_COLS + 2];	/* room for the NULs past the limit */
	size_t used;
	int cell[MAX_COLS];		/* offset in arena, -1 = absent */
	int list_col;			/* column of the open list, -1 = none */
	bool list_first;
	char *held;			/* rows held back: ncols NUL-terminated cells each */
	size_t held_len, held_cap;
	int nheld;
	bool streaming;
	/* JSON */
	int depth;
	bool first[8];
	bool keyed;
} o;

static FILE *out;

void json_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		unsigned char c = *p;
		int n = 0;

		/* Valid UTF-8 goes through; any other byte is escaped as the
		 * Latin-1 character of that value, so the output stays JSON. */
		if (c >= 0x80) {
			if (c >= 0xc2 && c <= 0xdf)
				n = 1;
			else if (c >= 0xe0 && c <= 0xef)
				n = 2;
			else if (c >= 0xf0 && c <= 0xf4)
				n = 3;
			for (int i = 1; i <= n; i++)
				if ((p[i] & 0xc0) != 0x80)
					n = 0;
			if (n) {
				fwrite(p, 1, (size_t)n + 1, f);
				p += n + 1;
				continue;
			}
			fprintf(f, "\\u%04x", c);
		} else if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
		} else if (c == '\n') {
			fputs("\\n", f);
		} else if (c == '\t') {
			fputs("\\t", f);
		} else if (c == '\r') {
			fputs("\\r", f);
		} else if (c == '\b') {
			fputs("\\b", f);
		} else if (c == '\f') {
			fputs("\\f", f);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
		} else {
			fputc(c, f);
		}
		p++;
	}
	fputc('"', f);
}

/* ---- JSON ---- */

static void j_indent(void)
{
	fputc('\n', out);
	for (int i = 0; i < o.depth; i++)
		fputs("    ", out);
}

/* Separator and indentation before a value or a key. */
static void j_next(void)
{
	if (o.keyed) {
		o.keyed = false;
		return;
	}
	if (!o.first[o.depth])
		fputc(',', out);
	o.first[o.depth] = false;
	if (o.pretty && o.depth)
		j_indent();
}

static void j_open(char c)
{
	j_next();
	fputc(c, out);
	o.first[++o.depth] = true;
}

static void j_close(char c)
{
	bool empty = o.first[o.depth];

	o.depth--;
	if (o.pretty && !empty)
		j_indent();
	fputc(c, out);
}

static void j_key(const char *key)
{
	j_next();
	json_escape(out, key);
	fputs(o.pretty ? ": " : ":", out);
	o.keyed = true;
}

/* The key of a scalar: its value needs no separator. */
static void j_field(const char *key)
{
	j_key(key);
	o.keyed = false;
}

/* ---- table ---- */

static int col_of(const char *key)
{
	for (int i = 0; i < o.ncols; i++)
		if (!strcmp(o.cols[i].key, key))
			return i;
	return -1;
}

/* Append S to the row arena; control characters would break the alignment. */
static void arena_put(const char *s)
{
	for (; *s && o.used < ROW_ARENA; s++)
		o.arena[o.used++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
}

static void cell_set(const char *key, const char *s)
{
	int i = col_of(key);

	if (i < 0)
		return;
	o.cell[i] = (int)o.used;
	arena_put(s);
	o.arena[o.used++] = '\0';
}

static void row_print(const char *const *cells)
{
	for (int i = 0; i < o.ncols; i++) {
		size_t n = strlen(cells[i]);

		fputs(cells[i], out);
		if (i == o.ncols - 1)
			break;
		if (n > o.width[i])
			o.width[i] = n;
		fprintf(out, "%*s", (int)(o.width[i] - n + 2), "");
	}
	fputc('\n', out);
}

static void held_flush(void)
{
	const char *cells[MAX_COLS];
	const char *p = o.held;

	for (int i = 0; i < o.ncols; i++)
		cells[i] = o.cols[i].head;
	if (o.nheld)
		row_print(cells);
	for (int r = 0; r < o.nheld; r++) {
		for (int i = 0; i < o.ncols; i++) {
			cells[i] = p;
			p += strlen(p) + 1;
		}
		row_print(cells);
	}
	free(o.held);
	o.held = NULL;
	o.held_len = o.held_cap = 0;
	o.nheld = 0;
	o.streaming = true;
}

static void table_row_end(void)
{
	const char *cells[MAX_COLS];
	size_t need = 0;

	for (int i = 0; i < o.ncols; i++) {
		cells[i] = o.cell[i] < 0 ? "-" : o.arena + o.cell[i];
		need += strlen(cells[i]) + 1;
	}
	if (o.streaming) {
		row_print(cells);
		return;
	}
	if (o.held_len + need > o.held_cap) {
		o.held_cap = (o.held_cap + need) * 2;
		o.held = realloc(o.held, o.held_cap);
		if (!o.held) {
			perror("csvxctl");
			exit(1);
		}
	}
	for (int i = 0; i < o.ncols; i++) {
		size_t n = strlen(cells[i]);

		if (n > o.width[i])
			o.width[i] = n;
		memcpy(o.held + o.held_len, cells[i], n + 1);
		o.held_len += n + 1;
	}
	if (++o.nheld == TABLE_HOLD)
		held_flush();
}

/* ---- the interface ---- */

void out_start(enum out_mode mode, bool pretty, const struct col *cols)
{
	out = stdout;
	memset(&o, 0, sizeof(o));
	o.mode = mode;
	o.pretty = pretty && mode == OUT_JSON;
	o.list_col = -1;
	if (mode == OUT_TABLE) {
		o.cols = cols;
		while (cols[o.ncols].key)
			o.ncols++;
		for (int i = 0; i < o.ncols; i++)
			o.width[i] = strlen(cols[i].head);
	} else if (mode == OUT_JSON) {
		o.first[0] = true;
		j_open('[');
	}
}

void out_row_start(void)
{
	if (o.mode == OUT_TABLE) {
		o.used = 0;
		for (int i = 0; i < o.ncols; i++)
			o.cell[i] = -1;
		return;
	}
	if (o.mode == OUT_JSON_LINES) {
		o.depth = 0;
		o.first[0] = true;
	}
	j_open('{');
}

void out_row_end(void)
{
	if (o.mode == OUT_TABLE) {
		table_row_end();
		return;
	}
	j_close('}');
	if (o.mode == OUT_JSON_LINES) {
		fputc('\n', out);
		fflush(out);
	}
}

void out_finish(void)
{
	if (o.mode == OUT_TABLE) {
		if (!o.streaming)
			held_flush();
	} else if (o.mode == OUT_JSON) {
		j_close(']');
		fputc('\n', out);
	}
	fflush(out);
}

void out_str(const char *key, const char *s)
{
	if (!s)
		return;
	if (o.mode == OUT_TABLE) {
		cell_set(key, s);
		return;
	}
	j_field(key);
	json_escape(out, s);
}

void out_u32(const char *key, uint32_t v)
{
	out_u64(key, v);
}

void out_u64(const char *key, uint64_t v)
{
	char buf[24];

	if (o.mode == OUT_TABLE) {
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
		cell_set(key, buf);
		return;
	}
	j_field(key);
	fprintf(out, "%" PRIu64, v);
}

void out_bool(const char *key, bool v, const char *cell)
{
	if (o.mode == OUT_TABLE) {
		if (v && cell)
			cell_set(key, cell);
		return;
	}
	j_field(key);
	fputs(v ? "true" : "false", out);
}

void out_addr(const char *key, const void *b, int len)
{
	char buf[ADDR_STRLEN];

	out_str(key, fmt_addr(b, len, buf));
}

void out_prefix(const char *key, const void *b, int len, unsigned plen)
{
	char buf[ADDR_STRLEN], pfx[PREFIX_STRLEN];

	snprintf(pfx, sizeof(pfx), "%s/%u", fmt_addr(b, len, buf), plen);
	out_str(key, pfx);
}

void out_mac(const char *key, const void *b)
{
	char buf[MAC_STRLEN];

	out_str(key, fmt_mac(b, buf));
}

void out_list_start(const char *key)
{
	if (o.mode == OUT_TABLE) {
		o.list_col = col_of(key);
		o.list_first = true;
		return;
	}
	j_key(key);
	j_open('[');
}

void out_list_str(const char *s)
{
	if (o.mode != OUT_TABLE) {
		j_next();
		json_escape(out, s);
		return;
	}
	if (o.list_col < 0)
		return;
	if (o.list_first) {
		o.cell[o.list_col] = (int)o.used;
		o.list_first = false;
	} else {
		o.used--;	/* over the NUL of the cell so far */
		arena_put(",");
	}
	arena_put(s);
	o.arena[o.used++] = '\0';
}

void out_list_end(void)
{
	if (o.mode == OUT_TABLE)
		o.list_col = -1;
	else
		j_close(']');
}

void out_obj_start(void)
{
	if (o.mode != OUT_TABLE)
		j_open('{');
}

void out_obj_end(void)
{
	if (o.mode != OUT_TABLE)
		j_close('}');
}
