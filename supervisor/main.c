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
 * Bad input never makes cairnd exit: with no configuration that verifies
 * at startup it says why for each place it looked and serves the API with
 * no instances, waiting for a push. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include "bless.h"
#include "configstore.h"
#include "datapart.h"
#include "loop.h"
#include "net.h"
#include "pool.h"
#include "slot_env.h"
#include "stick.h"
#include "strv.h"
#include "supervisor.h"
#include "tls.h"
#include "update.h"
#include "vm_host.h"

#define DEMO_CONFIG    "/etc/cairn/demo.conf"
#define SEED_DIR       "/run/cairn/seed"
#define SEED_LABEL     "CAIRN-SEED,ESP"   /* a stick, then the ESP's /cairn/seed.conf */

struct cairnd {
	struct loop *loop;
	struct supervisor *sup;
	struct api *api;
	struct net *net;        /* host links and DNS (NULL: none) */
	struct pools *pools;    /* [pool] sections (NULL: none) */
	struct bless *bless;    /* blessing this boot (NULL: nothing to do) */
	struct stick *stick;    /* update sticks (NULL: none looked for) */
	int exit_code;
	bool stopping;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: cairnd [--config-dir DIR] [--config FILE] [--seed-dir DIR] [--seed-label L]\n"
		"              [--demo FILE] [--log-dir DIR] [--run-dir DIR] [--root DIR]\n"
		"              [--listen ADDR:PORT | --no-tls] [--tls-dir DIR] [--trust-dir DIR]\n"
		"  --config-dir DIR  accepted configurations: current.conf(.sig),\n"
		"                  previous.conf(.sig), generation, trial\n"
		"                  (default " CSTORE_DIR_DEFAULT ")\n"
		"  --config FILE   keep the current configuration in FILE (+ FILE.sig)\n"
		"                  instead of DIR/current.conf; DIR defaults to FILE's\n"
		"  --seed-dir DIR  first-boot seed: DIR/seed.conf + .sig (default " SEED_DIR ")\n"
		"  --seed-label L  or partitions labelled L, a comma-separated list (default " SEED_LABEL ", '': none)\n"
		"  --demo FILE     the image's built-in config + .sig (default " DEMO_CONFIG ",\n"
		"                  '': none)\n"
		"  --log-dir DIR   instance logs (default /var/log/cairn)\n"
		"  --run-dir DIR   api.sock, state/, pids/, init.sock (default /run/cairn)\n"
		"  --root DIR      where the config's executables and users are checked (/)\n"
		"  --listen A:P    HTTPS API address (default " API_TLS_LISTEN_DEFAULT
		", port 0: off)\n"
		"  --no-tls        no HTTPS API, only the Unix socket\n"
		"  --tls-dir DIR   server.key and server.crt, made on first start\n"
		"                  (default " API_TLS_DIR_DEFAULT ")\n"
		"  --trust-dir DIR trusted signers (*.pub: every config must be signed by\n"
		"                  one) and the clients trusted before a config's [trust]:\n"
		"                  clients/*.crt, clients.txt, client-ca.crt\n"
		"                  (default " API_TRUST_DIR_DEFAULT ")\n"
		"  --resolv-conf FILE  where [interface] dns and DHCP name servers go\n"
		"                  (default " NET_RESOLV_CONF_DEFAULT "; fragments in RUN/resolv.d)\n"
		"  --pools-dir DIR where [pool] sections are mounted (default " POOLS_DIR_DEFAULT ")\n"
		"  --update-dir DIR  update state: failed-versions, unblessed, temporaries\n"
		"                  (default " UPDATE_DIR_DEFAULT ")\n"
		"  --image-info DIR  this image's compatible and version files\n"
		"                  (default " UPDATE_SHARE_DEFAULT ")\n"
		"  --version-file FILE  the image's version for the slots (default " SLOT_VERSION_FILE ")\n"
		"  --cmdline FILE  the kernel command line: cairn.slot= (default " SLOT_CMDLINE ")\n"
		"  --update-label L  install the bundle on a stick labelled L (default "
		STICK_LABEL_DEFAULT ", '': none)\n"
		"  --update-root PATH --update-verity PATH  write updates there instead of\n"
		"                  the inactive slot's partitions (tests)\n"
		"  --esp-dir DIR   a directory standing for the ESP (default: the partition\n"
		"                  labelled " SLOT_ESP_LABEL ", mounted at " SLOT_ESP_MOUNT ")\n"
		"  --sys-block DIR --dev-dir DIR  where partitions are found by GPT label\n"
		"                  (default " SLOT_SYS_BLOCK ", " SLOT_DEV_DIR ")\n"
		"  --vm-dir DIR   VMs' own state: UEFI variables (default " VM_DIR_DEFAULT ")\n"
		"  --vm-user NAME QEMU runs as NAME (default " VM_USER_DEFAULT ")\n"
		"\n"
		"cairnd --prepare-data [--label LABEL]\n"
		"  grow the data partition (default cairn-data) to the end of its disk,\n"
		"  format it ext4 if blank, then exit (cairn-init runs this before /var)\n"
		"\n"
		"cairnd [--esp-dir DIR ...] --install-boot SLOT KERNEL INITRD ROOTHASH VERSION\n"
		"  write SLOT's kernel, initrd and a fresh cairn-SLOT+3.conf on the ESP\n"
		"  (recovery and tests; updates do this themselves)\n");
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

/* After every change of the config in force: its [trust] clients go to
 * the TLS layer.  A config without [trust] leaves the list as it is (the
 * image's, until a config names its own). */
/* [host] hostname, set when cairn-init says this is the machine's own
 * cairnd (CAIRN_MANAGE_HOST), so a test never renames the build host. */
static void apply_hostname(const char *name)
{
	char now[HOST_NAME_MAX + 1] = "";

	if (!name || (gethostname(now, sizeof(now) - 1) == 0 && strcmp(now, name) == 0))
		return;
	if (sethostname(name, strlen(name)) < 0)
		fprintf(stderr, "cairnd: hostname %s: %s\n", name, strerror(errno));
	else
		fprintf(stderr, "cairnd: hostname %s\n", name);
}

/* The config's [trust] for the HTTPS API (once the API exists). */
static void apply_trust(struct cairnd *d, const struct cairn_config *c)
{
	struct api_tls *t = d->api ? api_get_tls(d->api) : NULL;
	struct cairn_err e = { "" };
	size_t n;

	if (!t || !c || !c->trust_line)
		return;
	n = cairn_strv_len(c->trust_clients);
	if (api_tls_set_clients(t, (const char *const *)c->trust_clients, n, c->trust_client_ca,
				&e) < 0)
		fprintf(stderr, "cairnd: api: the configuration's [trust] was not taken, the "
			"trusted clients stay as they were: %s\n", e.msg);
	else
		fprintf(stderr, "cairnd: api: %zu trusted client fingerprint%s%s%s (from [trust])\n",
			n, n == 1 ? "" : "s", c->trust_client_ca ? " and client CA " : "",
			c->trust_client_ca ? c->trust_client_ca : "");
}

/* A config is in force (at boot before any workload starts, and after
 * every reload): the host's side of it first, since workloads stand on
 * its links, bridges and pools. */
static void on_applied(struct supervisor *s, const struct cairn_config *c, void *data)
{
	struct cairnd *d = data;

	(void)s;
	if (c && getenv("CAIRN_MANAGE_HOST"))
		apply_hostname(c->host.hostname);
	if (d->net && c)
		net_apply(d->net, c);   /* [interface], [network] sections, resolv.conf */
	if (d->pools && c)
		pools_apply(d->pools, c);   /* [pool] sections: storage/pool.c */
	apply_trust(d, c);
}

/* The port of an --listen value; -1 if it does not parse (then
 * api_open_tls says why).  Port 0 turns HTTPS off. */
static int listen_port(const char *spec)
{
	struct sockaddr_storage ss;
	socklen_t len;
	unsigned port;

	if (api_tls_parse_listen(spec, &ss, &len, &port, NULL) < 0)
		return -1;
	return (int)port;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "config-dir", required_argument, NULL, 'C' },
		{ "seed-dir", required_argument, NULL, 'S' },
		{ "seed-label", required_argument, NULL, 'B' },
		{ "demo", required_argument, NULL, 'D' },
		{ "log-dir", required_argument, NULL, 'l' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "root", required_argument, NULL, 'R' },
		{ "listen", required_argument, NULL, 'L' },
		{ "no-tls", no_argument, NULL, 'N' },
		{ "tls-dir", required_argument, NULL, 'T' },
		{ "trust-dir", required_argument, NULL, 'U' },
		{ "resolv-conf", required_argument, NULL, 'V' },
		{ "pools-dir", required_argument, NULL, 'P' },
		{ "image-info", required_argument, NULL, 0x101 },
		{ "update-root", required_argument, NULL, 0x103 },
		{ "update-verity", required_argument, NULL, 0x104 },
		{ "esp-dir", required_argument, NULL, 'E' },
		{ "cmdline", required_argument, NULL, 'K' },
		{ "sys-block", required_argument, NULL, 'Y' },
		{ "dev-dir", required_argument, NULL, 'X' },
		{ "update-dir", required_argument, NULL, 'u' },
		{ "update-label", required_argument, NULL, 0x105 },
		{ "version-file", required_argument, NULL, 'v' },
		{ "install-boot", no_argument, NULL, 'i' },
		{ "vm-dir", required_argument, NULL, 'M' },
		{ "vm-user", required_argument, NULL, 0x110 },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct sup_opts so = { .log_dir = "/var/log/cairn", .run_dir = "/run/cairn", .root = "/",
			       .config_dir = CSTORE_DIR_DEFAULT, .trust_dir = API_TRUST_DIR_DEFAULT,
			       .seed_dir = SEED_DIR, .seed_label = SEED_LABEL,
			       .demo_path = DEMO_CONFIG };
	struct api_tls_opts tls = { .listen = API_TLS_LISTEN_DEFAULT,
				    .tls_dir = API_TLS_DIR_DEFAULT,
				    .trust_dir = API_TRUST_DIR_DEFAULT };
	bool no_tls = false, config_dir_given = false, install_boot = false;
	struct net_opts nopts = { .resolv_conf = NET_RESOLV_CONF_DEFAULT };
	char resolv_dir[4096], config_dir_buf[4096];
	const char *pools_dir = POOLS_DIR_DEFAULT;
	const char *stick_label = STICK_LABEL_DEFAULT;
	struct update_opts uopts = { .state_dir = UPDATE_DIR_DEFAULT,
				     .share_dir = UPDATE_SHARE_DEFAULT,
				     .cmdline = UPDATE_CMDLINE_DEFAULT };
	struct vm_host vmh = { .vm_dir = VM_DIR_DEFAULT, .user = VM_USER_DEFAULT };
	struct cairnd d = { 0 };
	struct slot_env senv = { 0 };
	struct cairn_err e = { "" };
	struct api *api = NULL;
	char api_sock[4096];
	sigset_t mask;
	int c, sfd, ret;

	/* A separate mode, run by cairn-init before /var is mounted: it
	 * prepares the data partition and exits, nothing else starts. */
	if (argc > 1 && strcmp(argv[1], "--prepare-data") == 0)
		return datapart_main(argc - 1, argv + 1);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': so.config_path = optarg; break;
		case 'C': so.config_dir = optarg; config_dir_given = true; break;
		case 'S': so.seed_dir = optarg; break;
		case 'B': so.seed_label = optarg; break;
		case 'D': so.demo_path = optarg[0] ? optarg : NULL; break;
		case 'l': so.log_dir = optarg; break;
		case 'r': so.run_dir = optarg; break;
		case 'R': so.root = optarg; break;
		case 'L': tls.listen = optarg; break;
		case 'N': no_tls = true; break;
		case 'T': tls.tls_dir = optarg; break;
		case 'U': tls.trust_dir = so.trust_dir = optarg; break;
		case 'V': nopts.resolv_conf = optarg; break;
		case 'P': pools_dir = optarg; break;
		case 0x101: uopts.share_dir = optarg; break;
		case 0x103: uopts.root_target = optarg; break;
		case 0x104: uopts.verity_target = optarg; break;
		case 0x105: stick_label = optarg; break;
		case 'E': senv.esp_dir = optarg; break;
		case 'K': senv.cmdline = uopts.cmdline = optarg; break;
		case 'Y': senv.sys_block = optarg; break;
		case 'X': senv.dev_dir = optarg; break;
		case 'u': senv.update_dir = uopts.state_dir = optarg; break;
		case 'v': senv.version_file = optarg; break;
		case 'i': install_boot = true; break;
		case 'M': vmh.vm_dir = optarg; break;
		case 0x110: vmh.user = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 100;
		}
	}
	if (install_boot) {   /* a separate mode: the slot paths apply, nothing starts */
		slot_env_set(&senv);
		return slot_install_boot_main(argc - optind + 1, argv + optind - 1);
	}
	if (optind != argc) {
		usage(stderr);
		return 100;
	}
	vmh.pools_dir = pools_dir;
	vm_host_set(&vmh);   /* supervisor/vm/: where disks, state and QEMU's user are */
	if (so.config_path && !config_dir_given) {
		/* a fixed file: the rest of the store goes next to it */
		char *slash = strrchr(so.config_path, '/');

		if (!slash)
			so.config_dir = ".";
		else if (slash == so.config_path)
			so.config_dir = "/";
		else {
			snprintf(config_dir_buf, sizeof(config_dir_buf), "%.*s",
				 (int)(slash - so.config_path), so.config_path);
			so.config_dir = config_dir_buf;
		}
	}
	slot_env_set(&senv);
	so.applied = on_applied;
	so.applied_data = &d;
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
	/* The host's links: never a reason to stop (nothing waits on them). */
	snprintf(resolv_dir, sizeof(resolv_dir), "%s/resolv.d", so.run_dir);
	nopts.resolv_dir = resolv_dir;
	if (net_new(&d.net, d.loop, &nopts, &e) < 0)
		fprintf(stderr, "cairnd: network: %s: host links are left as they are\n", e.msg);
	/* Storage pools: a pool that fails is an error on that pool only. */
	if (pools_new(&d.pools, pools_dir, &e) < 0)
		fprintf(stderr, "cairnd: pools: %s: no pools\n", e.msg);
	if (sup_new(&d.sup, d.loop, &so, &e) < 0) {
		fprintf(stderr, "cairnd: %s\n", e.msg);
		return 111;
	}
	/* A failed update is told before anything else starts. */
	if (rollback_check(&e) < 0)
		fprintf(stderr, "cairnd: slots: %s\n", e.msg);
	if (sup_boot(d.sup, &e) < 0)
		fprintf(stderr, "cairnd: %s\n", e.msg);
	/* Blessing this boot, or giving it up (update/bless.c). */
	if (bless_new(&d.bless, d.loop, d.sup, &e) < 0)
		fprintf(stderr, "cairnd: slots: %s: this boot will not be blessed\n", e.msg);
	if (api_open(&api, d.loop, d.sup, api_sock, &e) < 0)
		fprintf(stderr, "cairnd: api: %s\n", e.msg); /* supervision goes on */
	if (api)
		api_set_pools(api, d.pools);
	uopts.trust_dir = so.trust_dir;   /* bundles: the same signers as configs */
	if (api && api_set_update(api, &uopts, &e) < 0)
		fprintf(stderr, "cairnd: %s\n", e.msg);
	if (api && !no_tls && listen_port(tls.listen) == 0) {
		fprintf(stderr, "cairnd: api: HTTPS off (port 0 in --listen %s)\n", tls.listen);
	} else if (api && !no_tls) {
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
	d.api = api;
	/* An update stick, now and whenever a block device appears. */
	if (stick_new(&d.stick, d.loop, d.sup, &uopts, stick_label, so.run_dir, &e) < 0)
		fprintf(stderr, "cairnd: %s\n", e.msg);
	/* a stick that waited for this boot's blessing (update.c keeps the
	 * known-good slot until then) is installed once it comes */
	bless_on_done(d.bless, stick_look_again, d.stick);
	/* The config was applied before the API existed: its [trust] now. */
	apply_trust(&d, sup_active_config(d.sup));
	say_ready();

	ret = loop_run(d.loop);
	if (ret < 0)
		fprintf(stderr, "cairnd: event loop: %s\n", strerror(-ret));
	stick_free(d.stick);
	if (api)
		api_close(api);
	bless_free(d.bless);
	sup_free(d.sup);
	net_free(d.net);
	pools_free(d.pools);   /* they stay mounted for the next cairnd */
	loop_free(d.loop);
	close(sfd);
	return ret < 0 ? 111 : 0;
}
