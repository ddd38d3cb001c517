// SPDX-License-Identifier: GPL-2.0
/*
 * Native unit test of what csvxctl does without the kernel: keyword
 * abbreviation, number/address/MAC/prefix parsing, batch-line splitting and
 * quoting, JSON escaping, and table/JSON output.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/csvx.h>

#include "kselftest_harness.h"
#include "output.h"
#include "parse.h"

static const char *const cmds[] = { "add", "del", "delete", "show", "set", NULL };
static const int cmd_ids[] = { 0, 1, 1, 2, 3 };

TEST(keywords)
{
	EXPECT_EQ(0, kw_lookup("add", cmds, cmd_ids));
	EXPECT_EQ(0, kw_lookup("a", cmds, cmd_ids));
	EXPECT_EQ(1, kw_lookup("d", cmds, cmd_ids));	/* del and delete are one */
	EXPECT_EQ(1, kw_lookup("delete", cmds, cmd_ids));
	EXPECT_EQ(KW_AMBIGUOUS, kw_lookup("s", cmds, cmd_ids));
	EXPECT_EQ(2, kw_lookup("sh", cmds, cmd_ids));
	EXPECT_EQ(KW_NONE, kw_lookup("shows", cmds, cmd_ids));
	EXPECT_EQ(KW_NONE, kw_lookup("", cmds, cmd_ids));
	EXPECT_EQ(KW_NONE, kw_lookup("x", cmds, cmd_ids));
}

TEST(exact_beats_prefix)
{
	static const char *const w[] = { "max-fdb", "max-fdbx", "max-flows", NULL };

	EXPECT_EQ(0, kw_lookup("max-fdb", w, NULL));
	EXPECT_EQ(KW_AMBIGUOUS, kw_lookup("max-f", w, NULL));
	EXPECT_EQ(2, kw_lookup("max-fl", w, NULL));
}

TEST(numbers)
{
	uint32_t v;

	EXPECT_TRUE(parse_u32("0", &v));
	EXPECT_EQ(0U, v);
	EXPECT_TRUE(parse_u32("4294967295", &v));
	EXPECT_EQ(4294967295U, v);
	EXPECT_FALSE(parse_u32("4294967296", &v));
	EXPECT_FALSE(parse_u32("-1", &v));
	EXPECT_FALSE(parse_u32("12a", &v));
	EXPECT_FALSE(parse_u32("", &v));
	EXPECT_FALSE(parse_u32(" 1", &v));
	EXPECT_TRUE(parse_vni("16777215", &v));
	EXPECT_FALSE(parse_vni("16777216", &v));
	EXPECT_FALSE(parse_vni("0", &v));
}

TEST(macs)
{
	uint8_t m[6];
	char buf[MAC_STRLEN];

	ASSERT_TRUE(parse_mac("00:11:22:aa:BB:cc", m));
	EXPECT_STREQ("00:11:22:aa:bb:cc", fmt_mac(m, buf));
	ASSERT_TRUE(parse_mac("0:1:2:a:b:c", m));
	EXPECT_STREQ("00:01:02:0a:0b:0c", fmt_mac(m, buf));
	EXPECT_FALSE(parse_mac("00:11:22:33:44", m));
	EXPECT_FALSE(parse_mac("00:11:22:33:44:55:66", m));
	EXPECT_FALSE(parse_mac("00:11:22:33:44:5g", m));
	EXPECT_FALSE(parse_mac("001:11:22:33:44:55", m));
	EXPECT_FALSE(parse_mac("00-11-22-33-44-55", m));
	EXPECT_FALSE(parse_mac("", m));
}

TEST(addresses)
{
	struct addr a;
	char buf[ADDR_STRLEN];
	uint8_t plen;

	ASSERT_TRUE(parse_addr("192.0.2.1", &a));
	EXPECT_EQ(4, a.len);
	EXPECT_STREQ("192.0.2.1", fmt_addr(a.b, a.len, buf));
	ASSERT_TRUE(parse_addr("2001:DB8::1", &a));
	EXPECT_EQ(16, a.len);
	EXPECT_STREQ("2001:db8::1", fmt_addr(a.b, a.len, buf));
	EXPECT_FALSE(parse_addr("192.0.2", &a));
	EXPECT_FALSE(parse_addr("10.0.0.0/8", &a));
	EXPECT_STREQ("?", fmt_addr(a.b, 5, buf));

	ASSERT_TRUE(parse_prefix("10.1.0.0/16", &a, &plen, false));
	EXPECT_EQ(16, plen);
	EXPECT_EQ(4, a.len);
	ASSERT_TRUE(parse_prefix("2001:db8::/128", &a, &plen, false));
	EXPECT_EQ(128, plen);
	ASSERT_TRUE(parse_prefix("0.0.0.0/0", &a, &plen, false));
	EXPECT_EQ(0, plen);
	EXPECT_FALSE(parse_prefix("10.0.0.0/33", &a, &plen, false));
	EXPECT_FALSE(parse_prefix("2001:db8::/129", &a, &plen, false));
	EXPECT_FALSE(parse_prefix("10.0.0.0/", &a, &plen, false));
	EXPECT_FALSE(parse_prefix("10.0.0.1", &a, &plen, false));
	ASSERT_TRUE(parse_prefix("10.0.0.1", &a, &plen, true));
	EXPECT_EQ(32, plen);
	ASSERT_TRUE(parse_prefix("::1", &a, &plen, true));
	EXPECT_EQ(128, plen);
	EXPECT_FALSE(parse_prefix("1111:2222:3333:4444:5555:6666:7777:8888:9999/64", &a, &plen, true));
}

TEST(names)
{
	EXPECT_TRUE(parse_name("r", 16));
	EXPECT_TRUE(parse_name("123456789012345", 16));
	EXPECT_FALSE(parse_name("1234567890123456", 16));
	EXPECT_FALSE(parse_name("", 16));
}

TEST(ports_and_bytes)
{
	uint16_t lo, hi;
	uint8_t b;

	ASSERT_TRUE(parse_port_range("22", &lo, &hi));
	EXPECT_EQ(22, lo);
	EXPECT_EQ(22, hi);
	ASSERT_TRUE(parse_port_range("1000-2000", &lo, &hi));
	EXPECT_EQ(1000, lo);
	EXPECT_EQ(2000, hi);
	ASSERT_TRUE(parse_port_range("0-65535", &lo, &hi));
	EXPECT_EQ(0, lo);
	EXPECT_EQ(65535, hi);
	EXPECT_FALSE(parse_port_range("65536", &lo, &hi));
	EXPECT_FALSE(parse_port_range("2000-1000", &lo, &hi));
	EXPECT_FALSE(parse_port_range("1-", &lo, &hi));
	EXPECT_FALSE(parse_port_range("-1", &lo, &hi));
	EXPECT_FALSE(parse_port_range("1-2-3", &lo, &hi));
	EXPECT_FALSE(parse_port_range("123456789012345", &lo, &hi));
	EXPECT_FALSE(parse_port_range("", &lo, &hi));
	ASSERT_TRUE(parse_u8("255", &b));
	EXPECT_EQ(255, b);
	EXPECT_FALSE(parse_u8("256", &b));
	EXPECT_FALSE(parse_u8("-1", &b));
}

TEST(sg_keywords)
{
	uint8_t v;

	ASSERT_TRUE(parse_proto("tcp", &v));
	EXPECT_EQ(6, v);
	ASSERT_TRUE(parse_proto("icmpv6", &v));
	EXPECT_EQ(58, v);
	ASSERT_TRUE(parse_proto("any", &v));
	EXPECT_EQ(0, v);
	ASSERT_TRUE(parse_proto("47", &v));
	EXPECT_EQ(47, v);
	EXPECT_FALSE(parse_proto("gre", &v));
	EXPECT_FALSE(parse_proto("300", &v));
	EXPECT_STREQ("udp", proto_name(17));
	EXPECT_STREQ("any", proto_name(0));
	EXPECT_EQ(NULL, proto_name(47));
	ASSERT_TRUE(parse_set_type("hash:net", &v));
	EXPECT_EQ(CSVX_SET_HASH_NET, v);
	EXPECT_FALSE(parse_set_type("hash:ip,port", &v));
	EXPECT_STREQ("hash:ip", set_type_name(CSVX_SET_HASH_IP));
	EXPECT_EQ(NULL, set_type_name(0));
	ASSERT_TRUE(parse_family("inet6", &v));
	EXPECT_EQ(AF_INET6, v);
	EXPECT_FALSE(parse_family("ipv4", &v));
	EXPECT_STREQ("inet", family_name(AF_INET));
}

TEST(name_lists)
{
	char one[] = "web", many[] = "web,db,a-b", empty[] = "web,,db", trail[] = "web,";
	char nothing[] = "", toolong[] = "abcdefghijklmnopqrstuvwxyz0123456", four[] = "a,b,c,d";
	const char *out[3];

	ASSERT_EQ(1, split_names(one, out, 3, 32));
	EXPECT_STREQ("web", out[0]);
	ASSERT_EQ(3, split_names(many, out, 3, 32));
	EXPECT_STREQ("web", out[0]);
	EXPECT_STREQ("db", out[1]);
	EXPECT_STREQ("a-b", out[2]);
	EXPECT_EQ(-1, split_names(empty, out, 3, 32));
	EXPECT_EQ(-1, split_names(trail, out, 3, 32));
	EXPECT_EQ(-1, split_names(nothing, out, 3, 32));
	EXPECT_EQ(-1, split_names(toolong, out, 3, 32));
	EXPECT_EQ(-1, split_names(four, out, 3, 32));
}

TEST(tokenize_words)
{
	char line[] = "  fdb add\tvni 100  mac 00:11:22:33:44:55 # a comment\n";
	char *argv[16];

	ASSERT_EQ(6, tokenize(line, argv, 16));
	EXPECT_STREQ("fdb", argv[0]);
	EXPECT_STREQ("add", argv[1]);
	EXPECT_STREQ("vni", argv[2]);
	EXPECT_STREQ("100", argv[3]);
	EXPECT_STREQ("mac", argv[4]);
	EXPECT_STREQ("00:11:22:33:44:55", argv[5]);
}

TEST(tokenize_edges)
{
	char empty[] = "   \n", comment[] = "# only a comment\n", quoted[] =
		"vrf add \"a b\" 'c\"d' e\\ f \"x\\\"y\\\\z\" \"\" g#h \"n\\nl\"\n";
	char bad[] = "vrf add \"abc\n", many[] = "a b c d";
	char *argv[16];

	EXPECT_EQ(0, tokenize(empty, argv, 16));
	EXPECT_EQ(0, tokenize(comment, argv, 16));
	ASSERT_EQ(9, tokenize(quoted, argv, 16));
	EXPECT_STREQ("a b", argv[2]);
	EXPECT_STREQ("c\"d", argv[3]);
	EXPECT_STREQ("e f", argv[4]);
	EXPECT_STREQ("x\"y\\z", argv[5]);
	EXPECT_STREQ("", argv[6]);
	EXPECT_STREQ("g#h", argv[7]);
	EXPECT_STREQ("n\nl", argv[8]);
	EXPECT_EQ(-1, tokenize(bad, argv, 16));
	EXPECT_EQ(-2, tokenize(many, argv, 3));
}

/* Run F with stdout going to a buffer. */
static char *capture(void (*f)(void))
{
	static char buf[65536];
	FILE *tmp = tmpfile();
	int saved = dup(1);
	size_t n;

	fflush(stdout);
	dup2(fileno(tmp), 1);
	f();
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, sizeof(buf) - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
	return buf;
}

static const char *const round_trip[] = {
	"red", "a b", "tab\there", "q\"uote", "back\\slash", "#hash", "it's", "", "new\nline",
};

static void print_words(void)
{
	for (size_t i = 0; i < sizeof(round_trip) / sizeof(round_trip[0]); i++) {
		print_word(stdout, round_trip[i]);
		putchar(' ');
	}
}

TEST(print_word_round_trip)
{
	char *line = capture(print_words);
	char *argv[16];
	size_t n = sizeof(round_trip) / sizeof(round_trip[0]);

	ASSERT_EQ((int)n, tokenize(line, argv, 16));
	for (size_t i = 0; i < n; i++)
		EXPECT_STREQ(round_trip[i], argv[i]);
}

static void print_escapes(void)
{
	json_escape(stdout, "a\"b\\c\n\t\x01\x7f" "\xc3\xa9" "\xff" "z");
}

TEST(json_escaping)
{
	EXPECT_STREQ("\"a\\\"b\\\\c\\n\\t\\u0001\\u007f\xc3\xa9\\u00ffz\"", capture(print_escapes));
}

static const struct col cols[] = {
	{ "name", "NAME" }, { "id", "ID" }, { "ip", "IP" }, { NULL, NULL },
};

static void rows(enum out_mode mode, bool pretty)
{
	uint8_t mac[6] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55 };

	out_start(mode, pretty, cols);
	out_row_start();
	out_str("name", "red");
	out_u32("id", 10);
	out_list_start("ip");
	out_list_str("10.0.0.1");
	out_list_str("10.0.0.2");
	out_list_end();
	out_mac("rmac", mac);
	out_bool("sticky", true, "sticky");
	out_row_end();
	out_row_start();
	out_str("name", "a-longer-name");
	out_list_start("ip");
	out_list_end();
	out_bool("sticky", false, "sticky");
	out_row_end();
	out_finish();
}

static void table(void) { rows(OUT_TABLE, false); }
static void json(void) { rows(OUT_JSON, false); }
static void pretty(void) { rows(OUT_JSON, true); }
static void lines(void) { rows(OUT_JSON_LINES, false); }

static void empty_json(void)
{
	out_start(OUT_JSON, true, cols);
	out_finish();
}

static void empty_table(void)
{
	out_start(OUT_TABLE, false, cols);
	out_finish();
}

TEST(table_output)
{
	EXPECT_STREQ("NAME           ID  IP\n"
		     "red            10  10.0.0.1,10.0.0.2\n"
		     "a-longer-name  -   -\n", capture(table));
	EXPECT_STREQ("", capture(empty_table));
}

TEST(json_output)
{
	EXPECT_STREQ("[{\"name\":\"red\",\"id\":10,\"ip\":[\"10.0.0.1\",\"10.0.0.2\"],"
		     "\"rmac\":\"00:11:22:33:44:55\",\"sticky\":true},"
		     "{\"name\":\"a-longer-name\",\"ip\":[],\"sticky\":false}]\n", capture(json));
	EXPECT_STREQ("[\n"
		     "    {\n"
		     "        \"name\": \"red\",\n"
		     "        \"id\": 10,\n"
		     "        \"ip\": [\n"
		     "            \"10.0.0.1\",\n"
		     "            \"10.0.0.2\"\n"
		     "        ],\n"
		     "        \"rmac\": \"00:11:22:33:44:55\",\n"
		     "        \"sticky\": true\n"
		     "    },\n"
		     "    {\n"
		     "        \"name\": \"a-longer-name\",\n"
		     "        \"ip\": [],\n"
		     "        \"sticky\": false\n"
		     "    }\n"
		     "]\n", capture(pretty));
	EXPECT_STREQ("[]\n", capture(empty_json));
	EXPECT_STREQ("{\"name\":\"red\",\"id\":10,\"ip\":[\"10.0.0.1\",\"10.0.0.2\"],"
		     "\"rmac\":\"00:11:22:33:44:55\",\"sticky\":true}\n"
		     "{\"name\":\"a-longer-name\",\"ip\":[],\"sticky\":false}\n", capture(lines));
}

/* A list of objects (a group's rules): nested in JSON, absent from a table. */
static void nested(enum out_mode mode)
{
	static const struct col gcols[] = { { "name", "SG" }, { "dir", "DIR" }, { NULL, NULL } };

	out_start(mode, false, gcols);
	out_row_start();
	out_str("name", "web");
	out_list_start("rules");
	out_obj_start();
	out_str("dir", "ingress");
	out_u64("conns", 3);
	out_obj_end();
	out_obj_start();
	out_str("dir", "egress");
	out_obj_end();
	out_list_end();
	out_row_end();
	out_finish();
}

static void nested_json(void) { nested(OUT_JSON); }
static void nested_table(void) { nested(OUT_TABLE); }

TEST(nested_objects)
{
	EXPECT_STREQ("[{\"name\":\"web\",\"rules\":[{\"dir\":\"ingress\",\"conns\":3},"
		     "{\"dir\":\"egress\"}]}]\n", capture(nested_json));
	EXPECT_STREQ("SG   DIR\nweb  egress\n", capture(nested_table));
}

/* More rows than the table holds back: the first ones size the columns. */
static void long_table(void)
{
	char name[32];

	out_start(OUT_TABLE, false, cols);
	for (int i = 0; i < 1500; i++) {
		snprintf(name, sizeof(name), i == 1200 ? "n%d-wide" : "n%d", i);
		out_row_start();
		out_str("name", name);
		out_u32("id", (uint32_t)i);
		out_row_end();
	}
	out_finish();
}

TEST(table_streams)
{
	char *out = capture(long_table);

	EXPECT_EQ(0, strncmp(out, "NAME  ID   IP\nn0    0    -\n", 27));
	EXPECT_NE(NULL, strstr(out, "\nn999  999  -\nn1000  1000  -\n"));
	EXPECT_NE(NULL, strstr(out, "\nn1200-wide  1200  -\n"));
}

TEST_HARNESS_MAIN
