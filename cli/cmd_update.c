/* cmd_update.c - cairnctl update.
 *
 * The bundle is streamed from the file to cairnd (client.c's upload):
 * never read whole.  Before sending, its manifest is read and shown (not
 * trusted: cairnd verifies it).  --check verifies a bundle offline the way
 * cairnd would, every artifact decompressed and hashed, nothing written. */
#include "cmd_update.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "bundle.h"
#include "msg.h"

static const char usage[] =
	"update: usage: cairnctl update FILE [--reboot]\n"
	"               cairnctl update --check [--trust DIR] FILE";

static void show_manifest(FILE *f, const struct bundle_manifest *m)
{
	uint64_t total = 0;

	for (size_t i = 0; i < m->n; i++)
		total += m->a[i].size;
	fprintf(f, "bundle: version %s for %s%s, %" PRIu64 " MB in %zu artifacts\n",
		m->version, m->compatible, m->allow_downgrade ? " (downgrade allowed)" : "",
		(total + 999999) / 1000000, m->n);
}

static int check(const char *file, const char *trust)
{
	struct bundle_manifest m;
	struct cairn_err e = { "" };
	char signer[256] = "";
	int fd = open(file, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return ctl_fail("update: %s: %s", file, strerror(errno));
	r = bundle_read_manifest(bundle_fd_read, &fd, trust, &m, signer, sizeof(signer), &e);
	for (size_t i = 0; r == 0 && i < m.n; i++)
		r = bundle_read_artifact(bundle_fd_read, &fd, &m.a[i], NULL, NULL, &e);
	if (r == 0)
		r = bundle_read_end(bundle_fd_read, &fd, &e);
	close(fd);
	if (r < 0)
		return ctl_fail("update: %s: %s", file, e.msg);
	show_manifest(stdout, &m);
	printf("%s: good bundle, signed by %s\n", file, signer);
	return 0;
}

struct progress {
	bool tty;
	time_t last;
	int last_pct;
};

static void progress(uint64_t done, uint64_t total, void *data)
{
	struct progress *p = data;
	int pct = total ? (int)(done * 100 / total) : 100;
	time_t now = time(NULL);

	if (p->tty) {
		int bar = pct / 4;

		if (pct == p->last_pct && done != total)
			return;
		fprintf(stderr, "\rsending [%.*s%*s] %3d%% %" PRIu64 "/%" PRIu64 " MB",
			bar, "#########################", 25 - bar, "", pct,
			done / 1000000, total / 1000000);
		if (done == total)
			fputc('\n', stderr);
	} else if (done == total || now - p->last >= 5) {
		/* not a terminal: a plain line now and then */
		fprintf(stderr, "sending: %d%% (%" PRIu64 " of %" PRIu64 " bytes)\n", pct, done,
			total);
		p->last = now;
	}
	p->last_pct = pct;
}

static int send_bundle(const struct ctl_target *t, bool json, const char *file, bool reboot)
{
	struct progress pr = { .tty = isatty(2), .last = time(NULL), .last_pct = -1 };
	struct ctl_upload up = { .progress = progress, .data = &pr };
	struct ctl_response r;
	struct bundle_manifest m;
	struct cairn_err e = { "" };
	char msg[600];
	struct stat st;
	int fd, ret;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ctl_fail("update: %s: %s", file, strerror(errno));
	if (fstat(fd, &st) < 0) {
		ret = ctl_fail("update: %s: %s", file, strerror(errno));
		close(fd);
		return ret;
	}
	/* Shown before sending, so the operator sees what is going out. */
	if (bundle_read_manifest(bundle_fd_read, &fd, NULL, &m, NULL, 0, &e) < 0) {
		close(fd);
		return ctl_fail("update: %s: %s", file, e.msg);
	}
	show_manifest(stderr, &m);
	if (lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return ctl_fail("update: %s: %s", file, strerror(errno));
	}
	up.fd = fd;
	up.len = (uint64_t)st.st_size;
	ret = ctl_upload_to(t, "POST", reboot ? "/1.0/update?reboot=1" : "/1.0/update", &up,
			    &r, &e);
	close(fd);
	if (ret < 0) {
		ctl_response_free(&r);
		return ctl_fail("update: %s", e.msg);
	}
	if (r.status < 200 || r.status >= 300) {
		ctl_fail("update refused: %s", ctl_error_text(&r, msg, sizeof(msg)));
		ctl_response_free(&r);
		return EXIT_FAIL;
	}
	if (json) {
		fwrite(r.body ? r.body : "", 1, r.len, stdout);
		if (!r.len || r.body[r.len - 1] != '\n')
			putchar('\n');
	} else {
		cJSON *o = r.body ? cJSON_ParseWithLength(r.body, r.len) : NULL;
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "slot");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "version");

		if (cJSON_IsString(s) && cJSON_IsString(v))
			printf("installed version %s in slot %s%s\n", v->valuestring, s->valuestring,
			       reboot ? "; rebooting into it" : "; it boots next time");
		else
			printf("%.*s\n", (int)r.len, r.body ? r.body : "");
		cJSON_Delete(o);
	}
	ctl_response_free(&r);
	return 0;
}

int ctl_update_command(const struct ctl_target *t, bool json, int nargs, char **args)
{
	const char *file = NULL, *trust = NULL;
	bool reboot = false, do_check = false;

	for (int i = 0; i < nargs; i++) {
		if (!strcmp(args[i], "--reboot"))
			reboot = true;
		else if (!strcmp(args[i], "--check"))
			do_check = true;
		else if (!strcmp(args[i], "--trust") && i + 1 < nargs)
			trust = args[++i];
		else if (args[i][0] == '-' || file)
			return ctl_usage_error("%s", usage);
		else
			file = args[i];
	}
	if (!file || (do_check && reboot) || (trust && !do_check))
		return ctl_usage_error("%s", usage);
	if (do_check)
		return check(file, trust ? trust : CTL_TRUST_DEFAULT);
	return send_bundle(t, json, file, reboot);
}
