/* test_config.c - the config grammar: values, defaults, every error with
 * its line, canonical text, dependencies, validation against a root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "config_test_helpers.h"
#include "duration.h"
#include "size.h"

/* Grammar errors are -EINVAL, and the parser must clear the pointer. */
#define expect_err(text, msg) expect_err_as((text), (msg), ERR_EINVAL | ERR_CLEARS)

/* ---- values ---- */

static void test_durations(void **state)
{
	static const struct { const char *s; unsigned ms; } ok[] = {
		{ "0", 0 }, { "10", 10000 }, { "10s", 10000 }, { "500ms", 500 },
		{ "2m", 120000 }, { "1h", 3600000 }, { "4294967295ms", 4294967295u },
		{ "4294967s", 4294967000u },
	};
	static const char *const bad[] = {
		"", "s", "1.5s", "-1", "10 s", "10S", "1d", "4294968s", "4294967296ms",
		"99999999999999999999", " 1s", "1sec",
	};
	unsigned ms;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(cairn_duration_parse(ok[i].s, &ms), 0);
		assert_int_equal(ms, ok[i].ms);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cairn_duration_parse(bad[i], &ms), -EINVAL);
}

static void test_sizes(void **state)
{
	static const struct { const char *s; uint64_t b; } ok[] = {
		{ "0", 0 }, { "4096", 4096 }, { "512K", 524288 }, { "512k", 524288 },
		{ "1M", 1048576 }, { "2G", 2147483648ULL },
		{ "18446744073709551615", UINT64_MAX }, { "16777215G", 16777215ULL << 30 },
	};
	static const char *const bad[] = {
		"", "K", "1.5M", "-1", "1 M", "1MB", "1T", "18446744073709551616", "17179869184G",
	};
	uint64_t b;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(cairn_size_parse(ok[i].s, &b), 0);
		assert_true(b == ok[i].b);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cairn_size_parse(bad[i], &b), -EINVAL);
}

/* ---- what parses ---- */

static void test_defaults(void **state)
{
	struct cairn_config *c = parse_ok("[service a]\nexec = /bin/true\n");
	const struct cairn_service *s = &c->services[0];

	(void)state;
	assert_string_equal(c->path, "t.conf");
	assert_string_equal(c->host.hostname, "cairn");
	assert_true(c->host.generation == 0);
	assert_int_equal(c->host.line, 0);
	assert_int_equal(c->n_services, 1);
	assert_string_equal(s->name, "a");
	assert_int_equal(s->line, 1);
	assert_int_equal(s->exec_line, 2);
	assert_string_equal(s->argv[0], "/bin/true");
	assert_null(s->argv[1]);
	assert_null(s->env);
	assert_null(s->user);
	assert_null(s->group);
	assert_null(s->workdir);
	assert_int_equal(s->restart, CAIRN_RESTART_ON_FAILURE);
	assert_int_equal(s->restart_delay_ms, 1000);
	assert_int_equal(s->restart_delay_max_ms, 60000);
	assert_int_equal(s->burst, 5);
	assert_int_equal(s->burst_interval_ms, 60000);
	assert_null(s->after);
	assert_int_equal(s->stop_signal, SIGTERM);
	assert_int_equal(s->stop_timeout_ms, 10000);
	assert_true(s->log_max_bytes == 1048576);
	assert_int_equal(s->log_keep, 3);
	assert_false(s->essential);
	assert_non_null(s->canon);
	cairn_config_free(c);

	c = parse_ok("");
	assert_int_equal(c->n_services, 0);
	assert_string_equal(c->host.hostname, "cairn");
	cairn_config_free(c);
}

static void test_every_key(void **state)
{
	struct cairn_config *c = parse_ok(
		"[host]\n"
		"hostname = edge-01\n"
		"generation = 18446744073709551615\n"
		"\n"
		"[service db]\n"
		"exec = /bin/db\n"
		"\n"
		"[service web.1]\n"
		"exec = httpd -f -p 8080\n"
		"environment = A=1 B=two\n"
		"environment = C=\n"
		"user = www-data\n"
		"group = www\n"
		"workdir = /srv/www\n"
		"restart = always\n"
		"restart_delay = 250ms\n"
		"restart_delay_max = 2m\n"
		"burst = 10\n"
		"burst_interval = 30\n"
		"after = db\n"
		"stop_signal = SIGQUIT\n"
		"stop_timeout = 3s\n"
		"log_max = 512K\n"
		"log_keep = 0\n"
		"essential = yes\n");
	const struct cairn_service *s = cairn_config_service(c, "web.1");

	(void)state;
	assert_string_equal(c->host.hostname, "edge-01");
	assert_true(c->host.generation == UINT64_MAX);
	assert_int_equal(c->host.line, 1);
	assert_non_null(s);
	assert_ptr_equal(cairn_config_service(c, "db"), &c->services[0]);
	assert_null(cairn_config_service(c, "nope"));
	assert_int_equal(s->line, 8);
	assert_string_equal(s->argv[0], "httpd");
	assert_string_equal(s->argv[3], "8080");
	assert_null(s->argv[4]);
	assert_string_equal(s->env[0], "A=1");
	assert_string_equal(s->env[1], "B=two");
	assert_string_equal(s->env[2], "C=");
	assert_null(s->env[3]);
	assert_string_equal(s->user, "www-data");
	assert_int_equal(s->user_line, 12);
	assert_string_equal(s->group, "www");
	assert_int_equal(s->group_line, 13);
	assert_string_equal(s->workdir, "/srv/www");
	assert_int_equal(s->restart, CAIRN_RESTART_ALWAYS);
	assert_string_equal(cairn_restart_name(s->restart), "always");
	assert_int_equal(s->restart_delay_ms, 250);
	assert_int_equal(s->restart_delay_max_ms, 120000);
	assert_int_equal(s->burst, 10);
	assert_int_equal(s->burst_interval_ms, 30000);
	assert_string_equal(s->after[0], "db");
	assert_null(s->after[1]);
	assert_int_equal(s->stop_signal, SIGQUIT);
	assert_int_equal(s->stop_timeout_ms, 3000);
	assert_true(s->log_max_bytes == 524288);
	assert_int_equal(s->log_keep, 0);
	assert_true(s->essential);
	cairn_config_free(c);
}

static void test_signals(void **state)
{
	static const struct { const char *s; int sig; } ok[] = {
		{ "SIGTERM", SIGTERM }, { "TERM", SIGTERM }, { "term", SIGTERM },
		{ "INT", SIGINT }, { "HUP", SIGHUP }, { "KILL", SIGKILL },
		{ "USR1", SIGUSR1 }, { "SIGUSR2", SIGUSR2 }, { "WINCH", SIGWINCH },
		{ "9", 9 }, { "64", 64 },
	};
	char text[128];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct cairn_config *c;

		snprintf(text, sizeof(text), "[service a]\nexec = /x\nstop_signal = %s\n", ok[i].s);
		c = parse_ok(text);
		assert_int_equal(c->services[0].stop_signal, ok[i].sig);
		cairn_config_free(c);
	}
	expect_err("[service a]\nexec = /x\nstop_signal = SIGFOO\n",
		   "t.conf:3: bad value 'SIGFOO' for 'stop_signal' in [service a]: expected a signal name such as "
		   "SIGTERM, TERM, INT, HUP, QUIT, USR1, KILL or a number from 1 to 64");
	expect_err("[service a]\nexec = /x\nstop_signal = 0\n",
		   "t.conf:3: bad value '0' for 'stop_signal' in [service a]: expected a signal name such as "
		   "SIGTERM, TERM, INT, HUP, QUIT, USR1, KILL or a number from 1 to 64");
	expect_err("[service a]\nexec = /x\nstop_signal = 65\n",
		   "t.conf:3: bad value '65' for 'stop_signal' in [service a]: expected a signal name such as "
		   "SIGTERM, TERM, INT, HUP, QUIT, USR1, KILL or a number from 1 to 64");
}

static void test_quoting(void **state)
{
	struct cairn_config *c = parse_ok(
		"[service q]\n"
		"exec = /bin/sh -c 'while :; do date ; sleep 5; done' \"a \\\"b\\\" c\" x\\ y '' # not a comment\n"
		"environment = MSG=\"hello world\" PATH=/bin:/usr/bin Q='it''s' E=\n"
		"environment = SEMI='a ; b'\n");
	char **v = c->services[0].argv, **env = c->services[0].env;

	(void)state;
	assert_string_equal(v[0], "/bin/sh");
	assert_string_equal(v[1], "-c");
	assert_string_equal(v[2], "while :; do date ; sleep 5; done");
	assert_string_equal(v[3], "a \"b\" c");
	assert_string_equal(v[4], "x y");
	assert_string_equal(v[5], "");
	assert_string_equal(v[6], "#");
	assert_string_equal(v[9], "comment");
	assert_null(v[10]);
	assert_string_equal(env[0], "MSG=hello world");
	assert_string_equal(env[1], "PATH=/bin:/usr/bin");
	assert_string_equal(env[2], "Q=its");
	assert_string_equal(env[3], "E=");
	assert_string_equal(env[4], "SEMI=a ; b");
	assert_null(env[5]);
	cairn_config_free(c);

	expect_err("[service a]\nexec = /bin/echo 'oops\n",
		   "t.conf:2: bad value for 'exec' in [service a]: unterminated single quote (opened at column 11)");
	expect_err("[service a]\nexec = /bin/echo\nenvironment = A=\"x\n",
		   "t.conf:3: bad value for 'environment' in [service a]: unterminated double quote (opened at column 3)");
	expect_err("[service a]\nexec = /bin/echo x\\\n",
		   "t.conf:2: bad value for 'exec' in [service a]: backslash at the end of the line (column 12)");
}

static void test_layout(void **state)
{
	char longline[1024];
	struct cairn_config *c;
	int n;

	(void)state;
	/* Comments, blank lines, indentation, CRLF, a BOM, ':' as separator. */
	c = parse_ok("\xEF\xBB\xBF# top\r\n"
		     "; also a comment\r\n"
		     "\r\n"
		     "   [service a]   \r\n"
		     "\texec=/bin/a\r\n"
		     "    restart   :   no   \r\n"
		     "  # indented comment\n"
		     "[ service   b ]\n"
		     "exec = /bin/b");
	assert_int_equal(c->n_services, 2);
	assert_int_equal(c->services[0].line, 4);
	assert_string_equal(c->services[0].argv[0], "/bin/a");
	assert_int_equal(c->services[0].restart, CAIRN_RESTART_NO);
	assert_string_equal(c->services[1].name, "b");
	assert_int_equal(c->services[1].line, 8);
	assert_int_equal(c->services[1].exec_line, 9);
	cairn_config_free(c);

	/* A line longer than inih's buffer keeps its whole value. */
	n = snprintf(longline, sizeof(longline), "[service a]\nexec = /bin/echo");
	while (n < 900)
		n += snprintf(longline + n, sizeof(longline) - (size_t)n, " word%d", n);
	snprintf(longline + n, sizeof(longline) - (size_t)n, " end\nrestart = always\n");
	c = parse_ok(longline);
	{
		char **v = c->services[0].argv;
		size_t i = 0;

		while (v[i + 1])
			i++;
		assert_string_equal(v[i], "end");
	}
	assert_int_equal(c->services[0].restart, CAIRN_RESTART_ALWAYS);
	cairn_config_free(c);

	/* An indented line is a line of its own, not a continuation. */
	expect_err("[service a]\nexec = /bin/a\n   -v\n",
		   "t.conf:3: syntax error: expected 'key = value', a [section] header or a comment");
}

/* ---- every error, with its line ---- */

static void test_errors_syntax(void **state)
{
	(void)state;
	expect_err("[host]\nhostname = x\njunk line\n[service a]\nbogus = 1\n",
		   "t.conf:3: syntax error: expected 'key = value', a [section] header or a comment");
	expect_err("[host]\n= x\n", "t.conf:2: syntax error: no key before '='");
	expect_err("# c\n[service a\nexec = /x\n", "t.conf:2: syntax error: section header without ']'");
	expect_err("[service a] # web\nexec = /x\n",
		   "t.conf:1: syntax error: text after ']' (comments go on a line of their own)");
	{
		static const char nul[] = "[service a]\nexec = /x\n\0more\n";
		struct cairn_config *c = NULL;
		struct cairn_err e = { "" };

		assert_int_equal(cairn_config_parse(nul, sizeof(nul) - 1, "t.conf", &c, &e), -EINVAL);
		assert_null(c);
		assert_string_equal(e.msg, "t.conf:3: syntax error: NUL byte in the text");
	}
	expect_err("hostname = x\n",
		   "t.conf:1: key 'hostname' outside of any section (put it under [host] or [service NAME])");
}

static void test_networks(void **state)
{
	struct cairn_config *c;
	const struct cairn_network *n;

	(void)state;
	c = parse_ok("[network br0]\ntype = bridge\naddress = 10.0.3.1/24\nnat = yes\n"
		     "[network lan]\n");
	assert_int_equal(c->n_networks, 2);
	n = cairn_config_network(c, "br0");
	assert_non_null(n);
	assert_string_equal(n->address, "10.0.3.1/24");
	assert_true(n->nat);
	assert_string_equal(n->canon, "[network br0]\ntype = bridge\naddress = 10.0.3.1/24\nnat = yes\n");
	n = cairn_config_network(c, "lan");
	assert_non_null(n);
	assert_null(n->address);
	assert_false(n->nat);
	assert_null(cairn_config_network(c, "wan"));
	cairn_config_free(c);
}

static void test_errors_sections(void **state)
{
	(void)state;
	expect_err("[host]\n\n[hots]\n",
		   "t.conf:3: unknown section [hots] (expected [host], [trust], [interface NAME], [network NAME], [pool NAME], [service NAME], [container NAME] or [vm NAME])");
	expect_err("[]\n", "t.conf:1: unknown section [] (expected [host], [trust], [interface NAME], [network NAME], [pool NAME], [service NAME], [container NAME] or [vm NAME])");
	expect_err("[service a]\nexec = /x\n[container a]\n",
		   "t.conf:3: duplicate name: [container a] (first as [service a] on line 1)");
	expect_err("[vm v]\nexec = /bin/sh\n", "t.conf:2: key 'exec' is not for [vm v]: a VM runs no host program");
	expect_err("[network br0]\nnat = yes\n",
		   "t.conf:2: [network br0]: nat = yes needs an address (the gateway the workloads route through)");
	expect_err("[network br0]\naddress = 10.0.3.1\n",
		   "t.conf:2: bad value '10.0.3.1' for 'address' in [network br0]: expected an IPv4 address with a prefix length, such as 10.0.3.1/24");
	expect_err("[network br0]\ntype = macvlan\n",
		   "t.conf:2: bad value 'macvlan' for 'type' in [network br0]: expected bridge");
	expect_err("[network a-very-long-name]\n",
		   "t.conf:1: bad network name 'a-very-long-name': it names the bridge link, so 1-15 of a-z A-Z 0-9 _ . -, not starting with '.' or '-'");
	expect_err("[network n]\n[network n]\n", "t.conf:2: duplicate section [network n] (first on line 1)");
	expect_err("[trust]\nbogus = 1\n", "t.conf:2: unknown key 'bogus' in [trust]");
	expect_err("[host main]\n", "t.conf:1: section [host] takes no name (found 'main')");
	expect_err("[service]\nexec = /x\n", "t.conf:1: section [service] needs a name: [service NAME]");
	expect_err("[service a b]\n",
		   "t.conf:1: bad service name 'a b': expected 1-63 of a-z A-Z 0-9 _ . -, not starting with '.' or '-'");
	expect_err("[service -a]\n",
		   "t.conf:1: bad service name '-a': expected 1-63 of a-z A-Z 0-9 _ . -, not starting with '.' or '-'");
	expect_err("[service .a]\n",
		   "t.conf:1: bad service name '.a': expected 1-63 of a-z A-Z 0-9 _ . -, not starting with '.' or '-'");
	expect_err("[service a/b]\n",
		   "t.conf:1: bad service name 'a/b': expected 1-63 of a-z A-Z 0-9 _ . -, not starting with '.' or '-'");
	expect_err("[service aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n",
		   "t.conf:1: bad service name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': "
		   "expected 1-63 of a-z A-Z 0-9 _ . -, not starting with '.' or '-'");
	expect_err("[service a]\nexec = /x\n\n[service b]\nexec = /y\n[service a]\nexec = /z\n",
		   "t.conf:6: duplicate section [service a] (first on line 1)");
	expect_err("[host]\n[service a]\nexec = /x\n[host]\n",
		   "t.conf:4: duplicate section [host] (first on line 1)");
}

static void test_errors_keys(void **state)
{
	(void)state;
	expect_err("[service a]\nexec = /x\nrestrat = no\n", "t.conf:3: unknown key 'restrat' in [service a]");
	expect_err("[host]\nname = x\n", "t.conf:2: unknown key 'name' in [host]");
	expect_err("[service a]\nexec = /x\nexec = /y\n",
		   "t.conf:3: duplicate key 'exec' in [service a] (first on line 2)");
	expect_err("[service a]\nrestart = no\nexec = /x\n\nrestart = always\n",
		   "t.conf:5: duplicate key 'restart' in [service a] (first on line 2)");
	expect_err("[host]\nhostname = a\nhostname = b\n",
		   "t.conf:3: duplicate key 'hostname' in [host] (first on line 2)");
	expect_err("[host]\ngeneration = 1\n[service a]\nexec = /x\n[service b]\ngeneration = 2\n",
		   "t.conf:6: unknown key 'generation' in [service b]");
	/* Keys are per section: the same key in two services is fine. */
	cairn_config_free(parse_ok("[service a]\nexec = /x\n[service b]\nexec = /x\n"));
}

static void test_errors_values(void **state)
{
	(void)state;
	expect_err("[service a]\nexec = /x\nrestart = sometimes\n",
		   "t.conf:3: bad value 'sometimes' for 'restart' in [service a]: expected no, on-failure or always");
	expect_err("[service a]\nexec = /x\nrestart_delay = 1.5s\n",
		   "t.conf:3: bad value '1.5s' for 'restart_delay' in [service a]: expected a duration such as "
		   "500ms, 10s, 2m or 1h (a plain number is seconds)");
	expect_err("[service a]\nexec = /x\nburst_interval = 0\n",
		   "t.conf:3: bad value '0' for 'burst_interval' in [service a]: expected a duration such as "
		   "500ms, 10s, 2m or 1h (a plain number is seconds), above 0");
	expect_err("[service a]\nexec = /x\nstop_timeout = soon\n",
		   "t.conf:3: bad value 'soon' for 'stop_timeout' in [service a]: expected a duration such as "
		   "500ms, 10s, 2m or 1h (a plain number is seconds)");
	expect_err("[service a]\nexec = /x\nburst = 0\n",
		   "t.conf:3: bad value '0' for 'burst' in [service a]: expected a whole number from 1 to 1000000");
	expect_err("[service a]\nexec = /x\nburst = -1\n",
		   "t.conf:3: bad value '-1' for 'burst' in [service a]: expected a whole number from 1 to 1000000");
	expect_err("[service a]\nexec = /x\nlog_keep = 1001\n",
		   "t.conf:3: bad value '1001' for 'log_keep' in [service a]: expected a whole number from 0 to 1000");
	expect_err("[service a]\nexec = /x\nlog_max = 1MB\n",
		   "t.conf:3: bad value '1MB' for 'log_max' in [service a]: expected a size such as 65536, 512K, 1M "
		   "or 1G (powers of 1024), at least 4K");
	expect_err("[service a]\nexec = /x\nlog_max = 100\n",
		   "t.conf:3: bad value '100' for 'log_max' in [service a]: expected a size such as 65536, 512K, 1M "
		   "or 1G (powers of 1024), at least 4K");
	expect_err("[service a]\nexec = /x\nessential = maybe\n",
		   "t.conf:3: bad value 'maybe' for 'essential' in [service a]: expected yes, no, true or false");
	expect_err("[service a]\nexec = /x\nuser = bad:user\n",
		   "t.conf:3: bad value 'bad:user' for 'user' in [service a]: expected a user or group name "
		   "(1-32 of a-z A-Z 0-9 _ . -)");
	expect_err("[service a]\nexec = /x\ngroup =\n",
		   "t.conf:3: bad value '' for 'group' in [service a]: expected a user or group name "
		   "(1-32 of a-z A-Z 0-9 _ . -)");
	expect_err("[service a]\nexec = /x\nworkdir = srv\n",
		   "t.conf:3: bad value 'srv' for 'workdir' in [service a]: expected an absolute path");
	expect_err("[service a]\nexec =\n",
		   "t.conf:2: bad value '' for 'exec' in [service a]: expected a command line");
	expect_err("[service a]\nexec = ./run --fast\n",
		   "t.conf:2: bad value './run --fast' for 'exec' in [service a]: the program must be an absolute "
		   "path or a bare name (looked up in /usr/sbin:/usr/bin:/sbin:/bin)");
	expect_err("[service a]\nexec = /x\nenvironment = A=1 oops\n",
		   "t.conf:3: bad value 'oops' for 'environment' in [service a]: expected NAME=VALUE words "
		   "(NAME: letters, digits, _)");
	expect_err("[service a]\nexec = /x\nenvironment = 1A=1\n",
		   "t.conf:3: bad value '1A=1' for 'environment' in [service a]: expected NAME=VALUE words "
		   "(NAME: letters, digits, _)");
	expect_err("[service a]\nexec = /x\nenvironment = A=1\nenvironment = B=2 A=3\n",
		   "t.conf:4: environment variable 'A' set twice in [service a]");
	expect_err("[service a]\nexec = /x\nenvironment = A=1 A=2\n",
		   "t.conf:3: environment variable 'A' set twice in [service a]");
	expect_err("[service a]\nexec = /x\nafter = b,c\n",
		   "t.conf:3: bad value 'b,c' for 'after' in [service a]: expected service names separated by blanks");
	expect_err("[host]\nhostname = Cairn_1\n",
		   "t.conf:2: bad value 'Cairn_1' for 'hostname' in [host]: expected 1-63 characters of a-z, 0-9 "
		   "and '-', not starting or ending with '-'");
	expect_err("[host]\nhostname = -x\n",
		   "t.conf:2: bad value '-x' for 'hostname' in [host]: expected 1-63 characters of a-z, 0-9 "
		   "and '-', not starting or ending with '-'");
	expect_err("[host]\nhostname = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		   "t.conf:2: bad value 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' for 'hostname' "
		   "in [host]: expected 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'");
	expect_err("[host]\ngeneration = 18446744073709551616\n",
		   "t.conf:2: bad value '18446744073709551616' for 'generation' in [host]: expected a whole number "
		   "from 0 to 18446744073709551615");
	expect_err("[host]\ngeneration = 0x10\n",
		   "t.conf:2: bad value '0x10' for 'generation' in [host]: expected a whole number "
		   "from 0 to 18446744073709551615");
	expect_err("[service a]\nexec = /x\nrestart_delay = 10s\nrestart_delay_max = 5s\n",
		   "t.conf:4: restart_delay_max (5000ms) is below restart_delay (10000ms) in [service a]");
	expect_err("[service a]\nexec = /x\nrestart_delay = 2m\n",
		   "t.conf:3: restart_delay_max (60000ms) is below restart_delay (120000ms) in [service a]");
}

static void test_errors_first_wins(void **state)
{
	(void)state;
	/* A syntax error before a value error is reported, and vice versa. */
	expect_err("[service a]\nexec = /x\nnot a pair\nrestart = x\n",
		   "t.conf:3: syntax error: expected 'key = value', a [section] header or a comment");
	expect_err("[service a]\nexec = /x\nrestart = x\nnot a pair\n",
		   "t.conf:3: bad value 'x' for 'restart' in [service a]: expected no, on-failure or always");
	expect_err("[service a]\nrestart = x\n[bogus]\n",
		   "t.conf:2: bad value 'x' for 'restart' in [service a]: expected no, on-failure or always");
}

static void test_errors_services(void **state)
{
	(void)state;
	expect_err("[host]\n[service a]\nrestart = no\n[service b]\nexec = /x\n",
		   "t.conf:2: [service a] has no exec (the command to run)");
	/* A section with no key at all is still seen. */
	expect_err("[service a]\n[service b]\nexec = /x\n",
		   "t.conf:1: [service a] has no exec (the command to run)");
	expect_err("[service a]\nexec = /x\nafter = b\n\n[service b]\nexec = /x\nafter = c d\n",
		   "t.conf:7: 'after' in [service b] names unknown service 'c'");
}

static void test_cycles(void **state)
{
	struct cairn_config *c;

	(void)state;
	expect_err("[service a]\nexec = /x\nafter = a\n", "t.conf:3: dependency cycle: a -> a");
	expect_err("[service a]\nexec = /x\nafter = b\n"
		   "[service b]\nexec = /x\nafter = a\n",
		   "t.conf:3: dependency cycle: a -> b -> a");
	expect_err("[service z]\nexec = /x\n"
		   "[service a]\nexec = /x\nafter = z\nafter = b\n"
		   "[service b]\nexec = /x\nafter = c\n"
		   "[service c]\nexec = /x\nafter = z a\n",
		   "t.conf:6: dependency cycle: a -> b -> c -> a");
	/* The cycle is named from where the search entered it. */
	expect_err("[service d]\nexec = /x\nafter = c\n"
		   "[service c]\nexec = /x\nafter = e\n"
		   "[service e]\nexec = /x\nafter = c\n",
		   "t.conf:6: dependency cycle: c -> e -> c");
	/* A diamond is not a cycle; repeated names collapse. */
	c = parse_ok("[service top]\nexec = /x\nafter = l r\nafter = l\n"
		     "[service l]\nexec = /x\nafter = base\n"
		     "[service r]\nexec = /x\nafter = base\n"
		     "[service base]\nexec = /x\n");
	assert_string_equal(c->services[0].after[0], "l");
	assert_string_equal(c->services[0].after[1], "r");
	assert_null(c->services[0].after[2]);
	cairn_config_free(c);
}

/* ---- canonical text ---- */

static const char *canon_of(struct cairn_config *c, const char *name)
{
	const struct cairn_service *s = cairn_config_service(c, name);

	assert_non_null(s);
	return s->canon;
}

static void test_canon(void **state)
{
	struct cairn_config *a, *b, *d;

	(void)state;
	a = parse_ok("[service web]\n"
		     "exec = /bin/httpd -f -p 8080\n"
		     "environment = A=1 B='x y'\n"
		     "restart = always\n"
		     "after = db log\n"
		     "stop_timeout = 10s\n"
		     "[service db]\nexec = /bin/db\n"
		     "[service log]\nexec = /bin/log\n");
	/* Same service: keys reordered, defaults spelled out, other units,
	 * other quoting, environment and after in another order. */
	b = parse_ok("# other file\n"
		     "[service log]\nexec = /bin/log\n"
		     "[service web]\n"
		     "after = log\n"
		     "restart=always\n"
		     "environment = \"B=x y\"\n"
		     "stop_timeout = 10000ms\n"
		     "burst = 5\n"
		     "stop_signal = TERM\n"
		     "exec = '/bin/httpd' -f -p \"8080\"\n"
		     "environment = A=1\n"
		     "after = db\n"
		     "essential = no\n"
		     "[service db]\nexec = /bin/db\nrestart = on-failure\n");
	assert_string_equal(canon_of(a, "web"), canon_of(b, "web"));
	assert_string_equal(canon_of(a, "db"), canon_of(b, "db"));
	assert_string_equal(canon_of(a, "log"), canon_of(b, "log"));
	assert_non_null(strstr(canon_of(a, "web"), "[service web]\nexec = /bin/httpd -f -p 8080\n"));
	assert_non_null(strstr(canon_of(a, "web"), "environment = A=1 'B=x y'\n"));
	assert_non_null(strstr(canon_of(a, "web"), "stop_signal = SIGTERM\n"));

	/* One value changed: that section differs, the others do not. */
	d = parse_ok("[service web]\n"
		     "exec = /bin/httpd -f -p 8081\n"
		     "environment = A=1 B='x y'\n"
		     "restart = always\n"
		     "after = db log\n"
		     "[service db]\nexec = /bin/db\nstop_timeout = 11s\n"
		     "[service log]\nexec = /bin/log\n");
	assert_string_not_equal(canon_of(a, "web"), canon_of(d, "web"));
	assert_string_not_equal(canon_of(a, "db"), canon_of(d, "db"));
	assert_string_equal(canon_of(a, "log"), canon_of(d, "log"));
	cairn_config_free(d);

	/* Word boundaries matter: "a b" as one word is not two words. */
	d = parse_ok("[service web]\nexec = /bin/httpd '-f -p' 8080\nenvironment = A=1 B='x y'\n"
		     "restart = always\nafter = db log\n"
		     "[service db]\nexec = /bin/db\n[service log]\nexec = /bin/log\n");
	assert_string_not_equal(canon_of(a, "web"), canon_of(d, "web"));
	cairn_config_free(d);
	cairn_config_free(a);
	cairn_config_free(b);
}

/* ---- loading and validation ---- */

static char root[64];

static void put(const char *rel, const char *text, mode_t mode)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int root_setup(void **state)
{
	static const char *const dirs[] = { "", "/etc", "/bin", "/usr", "/usr/bin", "/usr/sbin", "/sbin" };
	char path[256];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/cairn-cfg-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	for (size_t i = 1; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", root, dirs[i]);
		if (mkdir(path, 0755) < 0)
			return -1;
	}
	put("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
			  "# a comment\n"
			  "\n"
			  "broken line\n"
			  "www:x:33:34:web:/var/www:/bin/false\n"
			  "nobody:x:65534:65534::/:/bin/false", 0644);
	put("etc/group", "root:x:0:\nwww-data:x:33:\nlog:x:4:www\n", 0644);
	put("bin/busybox", "#!/bin/true\n", 0755);
	put("usr/bin/tool", "#!/bin/true\n", 0755);
	put("bin/plain", "data\n", 0644);
	/* Absolute, as in an image: it must resolve inside root. */
	snprintf(path, sizeof(path), "%s/bin/sh", root);
	if (symlink("/bin/busybox", path) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/bin/dangling", root);
	if (symlink("/bin/nowhere", path) < 0)
		return -1;
	return 0;
}

static int root_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void expect_invalid(const char *text, const char *msg)
{
	struct cairn_config *c = parse_ok(text);
	struct cairn_err e = { "" };
	char want[512];
	int ret = cairn_config_validate(c, root, &e);

	snprintf(want, sizeof(want), msg, root);
	if (ret >= 0 || strcmp(e.msg, want) != 0)
		print_error("want: %s\ngot:  %s\n", want, e.msg);
	assert_true(ret < 0);
	assert_string_equal(e.msg, want);
	cairn_config_free(c);
}

static void test_validate(void **state)
{
	struct cairn_config *c;
	struct cairn_err e = { "" };
	char path[256];
	uid_t uid;
	gid_t gid;

	(void)state;
	c = parse_ok("[service a]\nexec = /bin/sh -c true\nuser = www\n"
		     "[service b]\nexec = tool\nuser = www\ngroup = log\n"
		     "[service c]\nexec = busybox\ngroup = www-data\n"
		     "[service d]\nexec = /bin/busybox\n");
	if (cairn_config_validate(c, root, &e) < 0)
		print_error("%s\n", e.msg);
	assert_int_equal(cairn_config_validate(c, root, &e), 0);

	assert_int_equal(cairn_service_ids(&c->services[0], root, &uid, &gid, &e), 0);
	assert_int_equal(uid, 33);
	assert_int_equal(gid, 34);
	assert_int_equal(cairn_service_ids(&c->services[1], root, &uid, &gid, &e), 0);
	assert_int_equal(uid, 33);
	assert_int_equal(gid, 4);
	assert_int_equal(cairn_service_ids(&c->services[2], root, &uid, &gid, &e), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(gid, 33);
	assert_int_equal(cairn_service_ids(&c->services[3], root, &uid, &gid, &e), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(gid, 0);

	assert_int_equal(cairn_service_exec_path(&c->services[1], root, path, sizeof(path), &e), 0);
	assert_string_equal(path, "/usr/bin/tool");
	assert_int_equal(cairn_service_exec_path(&c->services[2], root, path, sizeof(path), &e), 0);
	assert_string_equal(path, "/bin/busybox");
	assert_int_equal(cairn_service_exec_path(&c->services[0], root, path, sizeof(path), &e), 0);
	assert_string_equal(path, "/bin/sh");
	cairn_config_free(c);

	expect_invalid("[service a]\nexec = /bin/true\n[service b]\n\nexec = /usr/bin/nope x\n",
		       "t.conf:2: exec in [service a]: /bin/true: No such file or directory");
	expect_invalid("[service a]\nexec = /bin/busybox\n[service b]\n\nexec = /usr/bin/nope x\n",
		       "t.conf:5: exec in [service b]: /usr/bin/nope: No such file or directory");
	expect_invalid("[service a]\nexec = /bin/plain\n",
		       "t.conf:2: exec in [service a]: /bin/plain is not an executable file");
	expect_invalid("[service a]\nexec = /usr/bin\n",
		       "t.conf:2: exec in [service a]: /usr/bin is not an executable file");
	expect_invalid("[service a]\nexec = /bin/dangling\n",
		       "t.conf:2: exec in [service a]: /bin/dangling: No such file or directory");
	expect_invalid("[service a]\nexec = plain\n",
		       "t.conf:2: exec in [service a]: plain not found in /usr/sbin:/usr/bin:/sbin:/bin");
	expect_invalid("[service a]\nexec = /bin/sh\nrestart = no\nuser = ghost\n",
		       "t.conf:4: [service a]: user 'ghost': not found in %s/etc/passwd");
	/* "broken line" has no fields: it is skipped, not matched. */
	expect_invalid("[service a]\nexec = /bin/sh\nuser = broken\n",
		       "t.conf:3: [service a]: user 'broken': not found in %s/etc/passwd");
	expect_invalid("[service a]\nexec = /bin/sh\ngroup = ghosts\nuser = www\n",
		       "t.conf:3: [service a]: group 'ghosts': not found in %s/etc/group");
}

static void test_validate_no_passwd(void **state)
{
	char empty[64] = "/tmp/cairn-cfg-empty-XXXXXX", path[128];
	struct cairn_config *c = parse_ok("[service a]\nexec = /bin/x\nuser = www\n");
	struct cairn_err e = { "" };
	char want[256];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(empty));
	snprintf(path, sizeof(path), "%s/bin", empty);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/bin/x", empty);
	fd = open(path, O_WRONLY | O_CREAT, 0755);
	assert_true(fd >= 0);
	close(fd);
	assert_true(cairn_config_validate(c, empty, &e) < 0);
	snprintf(want, sizeof(want),
		 "t.conf:3: [service a]: user 'www': cannot read %s/etc/passwd: No such file or directory", empty);
	assert_string_equal(e.msg, want);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bin", empty);
	rmdir(path);
	rmdir(empty);
	cairn_config_free(c);
}

static void test_load(void **state)
{
	struct cairn_config *c = NULL;
	struct cairn_err e = { "" };
	char path[128], want[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/etc/cairn.conf", root);
	put("etc/cairn.conf", "[host]\ngeneration = 7\n[service a]\nexec = /bin/sh\n", 0644);
	assert_int_equal(cairn_config_load(path, &c, &e), 0);
	assert_string_equal(c->path, path);
	assert_true(c->host.generation == 7);
	assert_int_equal(cairn_config_validate(c, root, &e), 0);
	cairn_config_free(c);

	put("etc/cairn.conf", "[service a]\nexec = /bin/sh\nrestart = maybe\n", 0644);
	assert_int_equal(cairn_config_load(path, &c, &e), -EINVAL);
	assert_null(c);
	snprintf(want, sizeof(want),
		 "%s:3: bad value 'maybe' for 'restart' in [service a]: expected no, on-failure or always", path);
	assert_string_equal(e.msg, want);

	snprintf(path, sizeof(path), "%s/etc/missing.conf", root);
	assert_int_equal(cairn_config_load(path, &c, &e), -ENOENT);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(e.msg, want);

	/* A NULL error buffer is allowed everywhere. */
	assert_int_equal(cairn_config_parse("x", 1, "t.conf", &c, NULL), -EINVAL);
}

/* The demo the image ships must parse (validation needs the image). */
static void test_demo(void **state)
{
	struct cairn_config *c = NULL;
	struct cairn_err e = { "" };
	const char *path = "config/demo.conf";

	(void)state;
	if (access(path, R_OK) < 0)
		skip();
	if (cairn_config_load(path, &c, &e) < 0)
		print_error("%s\n", e.msg);
	assert_non_null(c);
	assert_string_equal(c->host.hostname, "cairn-demo");
	assert_true(c->host.generation == 1);
	assert_non_null(cairn_config_service(c, "web"));
	assert_non_null(cairn_config_service(c, "ticker"));
	assert_int_equal(cairn_config_service(c, "dhcp-eth0")->restart, CAIRN_RESTART_ALWAYS);
	cairn_config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_errors_syntax),
		cmocka_unit_test(test_networks),
		cmocka_unit_test(test_errors_sections),
		cmocka_unit_test(test_errors_keys),
		cmocka_unit_test(test_errors_values),
		cmocka_unit_test(test_errors_first_wins),
		cmocka_unit_test(test_errors_services),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_canon),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_validate_no_passwd),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_demo),
	};

	return cmocka_run_group_tests(tests, root_setup, root_teardown);
}
