/* main.c - cairnd: options, signals, the loop, the supervisor, the API.
 *
 * Signals (all through one signalfd, nothing runs in a handler):
 *   SIGTERM  stop every workload (dependents first, each with its own stop
 *            timeout), then exit 0: init's shutdown
 *   SIGINT   the same, for a cairnd run by hand
 *   SIGQUIT  exit now and leave the workloads running: the hand-over to
 *            the next cairnd, which re-adopts them
 *   SIGHUP   reload the configuration (as `cairnctl reload`)
 *   SIGCHLD  reap our children
 * Bad input never makes cairnd exit: a broken config at startup is
 * reported (FILE:LINE) and cairnd serves the API with no instances. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "loop.h"
#include "supervisor.h"
#include "tls.h"

#define DEFAULT_CONFIG "/var/lib/cairn/config/cairn.conf"
#define DEMO_CONFIG    "/etc/cairn/demo.conf"

struct cairnd {
	struct loop *loop;
	struct supervisor *sup;
	int exit_code;
	bool stopping;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: cairnd [--config FILE] [--log-dir DIR] [--run-dir DIR] [--root DIR]\n"
		"              [--listen ADDR:PORT | --no-tls] [--tls-dir DIR] [--trust-dir DIR]\n"
		"  --config FILE   configuration (default " DEFAULT_CONFIG ",\n"
		"                  or " DEMO_CONFIG " when that does not exist)\n"
		"  --log-dir DIR   instance logs (default /var/log/cairn)\n"
		"  --run-dir DIR   api.sock, state/, pids/, init.sock (default /run/cairn)\n"
		"  --root DIR      where the config's executables and users are checked (/)\n"
		"  --listen A:P    HTTPS API address (default " API_TLS_LISTEN_DEFAULT
		", port 0: off)\n"
		"  --no-tls        no HTTPS API, only the Unix socket\n"
		"  --tls-dir DIR   server.key and server.crt, made on first start\n"
		"                  (default " API_TLS_DIR_DEFAULT ")\n"
		"  --trust-dir DIR trusted clients before any config: clients/*.crt,\n"
		"                  clients.txt, client-ca.crt (default " API_TRUST_DIR_DEFAULT ")\n");
}

static void say_ready(void)
{
	static const char line[] = "cairnd: ready\n";
	int fd;

	fputs(line, stderr);
	fflush(stderr);
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0) {
		if (write(fd, "<5>cairnd: ready\n", sizeof("<5>cairnd: ready\n") - 1) < 0) {
			/* the console line above is the one that matters */
		}
		close(fd);
	}
}

static void stopped_all(void *data)
{
	struct cairnd *d = data;

	fprintf(stderr, "cairnd: every workload stopped\n");
	loop_quit(d->loop);
}

static void on_reload_change(const char *what, const char *name, void *data)
{
	(void)what;
	(void)name;
	(void)data; /* sup_reload already says it on stderr */
}

static void on_signal(struct loop *l, int fd, uint32_t events, void *data)
{
	struct cairnd *d = data;
	struct signalfd_siginfo si;
	struct cairn_err e = { "" };

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			sup_sigchld(d->sup);
			break;
		case SIGHUP:
			fprintf(stderr, "cairnd: reloading\n");
			if (sup_reload(d->sup, on_reload_change, NULL, &e) < 0)
				fprintf(stderr, "cairnd: reload refused, nothing changed: %s\n", e.msg);
			break;
		case SIGTERM:
		case SIGINT:
			if (d->stopping)
				break;
			d->stopping = true;
			fprintf(stderr, "cairnd: stopping every workload\n");
			sup_shutdown(d->sup, stopped_all, d);
			break;
		case SIGQUIT:
			fprintf(stderr, "cairnd: exiting, workloads left running\n");
			loop_quit(l);
			return;
		}
	}
}

static const char *pick_config(const char *given)
{
	struct stat st;

	if (given)
		return given;
	if (stat(DEFAULT_CONFIG, &st) == 0 || stat(DEMO_CONFIG, &st) < 0)
		return DEFAULT_CONFIG;
	return DEMO_CONFIG;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "log-dir", required_argument, NULL, 'l' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "root", required_argument, NULL, 'R' },
		{ "listen", required_argument, NULL, 'L' },
		{ "no-tls", no_argument, NULL, 'N' },
		{ "tls-dir", required_argument, NULL, 'T' },
		{ "trust-dir", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct sup_opts so = { .log_dir = "/var/log/cairn", .run_dir = "/run/cairn", .root = "/" };
	const char *config = NULL;
	struct api_tls_opts tls = { .listen = API_TLS_LISTEN_DEFAULT,
				    .tls_dir = API_TLS_DIR_DEFAULT,
				    .trust_dir = API_TRUST_DIR_DEFAULT };
	bool no_tls = false;
	struct cairnd d = { 0 };
	struct cairn_err e = { "" };
	struct api *api = NULL;
	char api_sock[4096];
	sigset_t mask;
	int c, sfd, ret;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'l': so.log_dir = optarg; break;
		case 'r': so.run_dir = optarg; break;
		case 'R': so.root = optarg; break;
		case 'L': tls.listen = optarg; break;
		case 'N': no_tls = true; break;
		case 'T': tls.tls_dir = optarg; break;
		case 'U': tls.trust_dir = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 100;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 100;
	}
	so.config_path = pick_config(config);
	snprintf(api_sock, sizeof(api_sock), "%s/api.sock", so.run_dir);

	/* Signals first: nothing may arrive through a default handler. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGQUIT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		perror("cairnd: signalfd");
		return 111;
	}
	if ((ret = loop_new(&d.loop)) < 0) {
		fprintf(stderr, "cairnd: event loop: %s\n", strerror(-ret));
		return 111;
	}
	loop_add_fd(d.loop, sfd, EPOLLIN, on_signal, &d);
	if (sup_new(&d.sup, d.loop, &so, &e) < 0) {
		fprintf(stderr, "cairnd: %s\n", e.msg);
		return 111;
	}
	if (sup_boot(d.sup, &e) < 0)
		fprintf(stderr, "cairnd: %s\ncairnd: running with no instances until a "
			"good configuration is loaded\n", e.msg);
	if (api_open(&api, d.loop, d.sup, api_sock, &e) < 0)
		fprintf(stderr, "cairnd: api: %s\n", e.msg); /* supervision goes on */
	if (api && !no_tls) {
		/* Remote control is welcome, never required: supervision and
		 * the local socket go on without it. */
		if (api_open_tls(api, &tls, &e) < 0) {
			fprintf(stderr, "cairnd: api: no HTTPS on %s: %s\n", tls.listen, e.msg);
		} else {
			struct api_tls *t = api_get_tls(api);
			int have_ca = 0;
			size_t n = api_tls_n_clients(t, &have_ca);

			fprintf(stderr, "cairnd: api %s fingerprint %s\n", api_tls_url(t),
				api_tls_fingerprint(t));
			if (!n && !have_ca)
				fprintf(stderr, "cairnd: api: no trusted clients yet (%s/clients/, "
					"%s/clients.txt): every HTTPS client will be refused\n",
					tls.trust_dir, tls.trust_dir);
		}
	}
	say_ready();

	ret = loop_run(d.loop);
	if (ret < 0)
		fprintf(stderr, "cairnd: event loop: %s\n", strerror(-ret));
	if (api)
		api_close(api);
	sup_free(d.sup);
	loop_free(d.loop);
	close(sfd);
	return ret < 0 ? 111 : 0;
}
