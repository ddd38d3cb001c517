/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One writer for every listing: the object code emits rows of named fields,
 * and the writer turns them into an aligned table or JSON.
 *
 * A table has a fixed set of columns, each bound to a field key; a field
 * with no column is JSON-only, a column whose field is absent shows "-".
 * JSON keys are the field keys; an absent field is left out.
 */
#ifndef _CSVXCTL_OUTPUT_H
#define _CSVXCTL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct col {
	const char *key;
	const char *head;
};

enum out_mode {
	OUT_TABLE,
	OUT_JSON,		/* one JSON array of objects */
	OUT_JSON_LINES,		/* one JSON object per line (monitor) */
};

/* Begin a listing; COLS (terminated by a NULL key) is for OUT_TABLE. */
void out_start(enum out_mode mode, bool pretty, const struct col *cols);
void out_row_start(void);
void out_str(const char *key, const char *s);	/* NULL: absent */
void out_u32(const char *key, uint32_t v);
void out_u64(const char *key, uint64_t v);
void out_bool(const char *key, bool v, const char *cell);	/* cell: table text when true */
void out_addr(const char *key, const void *b, int len);
void out_prefix(const char *key, const void *b, int len, unsigned plen);
void out_mac(const char *key, const void *b);
void out_list_start(const char *key);
void out_list_str(const char *s);
void out_list_end(void);
/* An object inside a list (JSON only; nothing in a table). */
void out_obj_start(void);
void out_obj_end(void);
void out_row_end(void);
void out_finish(void);

/* JSON string escaping, exposed for the unit test. */
void json_escape(FILE *f, const char *s);

#endif /* _CSVXCTL_OUTPUT_H */
