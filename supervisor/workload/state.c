/* state.c - persisted instance bookkeeping and pid markers (state.h).
 * The format is "key value" lines, read back leniently: a missing key
 * keeps its default, an unknown one is ignored. */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint64_t state_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	fsync(fd);
	close(fd);
	return 0;
}

int state_save(const char *dir, const char *name, const struct inst_record *r,
	       struct cairn_err *e)
{
	char path[4096], tmp[4200];
	FILE *f;
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return cairn_err_sys(e, -errno, "%s", tmp);
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return cairn_err_sys(e, -ENOMEM, "%s", tmp);
	}
	fprintf(f, "state %s\npid %d\nstarttime %" PRIu64 "\ncanon %" PRIx64 "\n"
		"restarts %u\nexit_code %d\nexit_signal %d\nsince %" PRIu64 "\n"
		"run_start %" PRIu64 "\nconsecutive %u\n",
		inst_state_name(r->state), (int)r->pid, r->starttime, r->canon_hash,
		r->restarts, r->last_exit_code, r->last_exit_signal, r->since_ms,
		r->run_start_ms, r->backoff.consecutive);
	fprintf(f, "starts");
	for (unsigned i = 0; i < r->backoff.n_starts; i++)
		fprintf(f, " %" PRIu64, r->backoff.starts[i]);
	fprintf(f, "\nreason %s\n", r->reason);
	if (fflush(f) != 0 || fsync(fd) < 0) {
		ret = -errno;
		fclose(f);
		unlink(tmp);
		return cairn_err_sys(e, ret, "%s", tmp);
	}
	fclose(f);
	if (rename(tmp, path) < 0) {
		ret = -errno;
		unlink(tmp);
		return cairn_err_sys(e, ret, "%s", path);
	}
	fsync_dir(dir);
	return 0;
}

static enum inst_state parse_state(const char *s)
{
	for (int i = 0; i < INST__N_STATES; i++)
		if (!strcmp(s, inst_state_name((enum inst_state)i)))
			return (enum inst_state)i;
	return INST_STOPPED;
}

int state_load(const char *dir, const char *name, struct inst_record *r,
	       struct cairn_err *e)
{
	char path[4096], line[1024];
	FILE *f;

	memset(r, 0, sizeof(*r));
	r->last_exit_code = -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return cairn_err_sys(e, -errno, "%s", path);
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ' ');

		line[strcspn(line, "\n")] = 0;
		if (!v)
			continue;
		*v++ = 0;
		if (!strcmp(line, "state"))
			r->state = parse_state(v);
		else if (!strcmp(line, "pid"))
			r->pid = (pid_t)strtol(v, NULL, 10);
		else if (!strcmp(line, "starttime"))
			r->starttime = strtoull(v, NULL, 10);
		else if (!strcmp(line, "canon"))
			r->canon_hash = strtoull(v, NULL, 16);
		else if (!strcmp(line, "restarts"))
			r->restarts = (unsigned)strtoul(v, NULL, 10);
		else if (!strcmp(line, "exit_code"))
			r->last_exit_code = (int)strtol(v, NULL, 10);
		else if (!strcmp(line, "exit_signal"))
			r->last_exit_signal = (int)strtol(v, NULL, 10);
		else if (!strcmp(line, "since"))
			r->since_ms = strtoull(v, NULL, 10);
		else if (!strcmp(line, "run_start"))
			r->run_start_ms = strtoull(v, NULL, 10);
		else if (!strcmp(line, "consecutive"))
			r->backoff.consecutive = (unsigned)strtoul(v, NULL, 10);
		else if (!strcmp(line, "reason"))
			snprintf(r->reason, sizeof(r->reason), "%.*s", (int)sizeof(r->reason) - 1, v);
		else if (!strcmp(line, "starts")) {
			char *p = v, *end;

			while (r->backoff.n_starts < BACKOFF_HIST) {
				uint64_t t = strtoull(p, &end, 10);

				if (end == p)
					break;
				r->backoff.starts[r->backoff.n_starts++] = t;
				p = end;
			}
		}
	}
	fclose(f);
	return 0;
}

void state_remove(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

uint64_t state_proc_starttime(pid_t pid)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* comm (field 2) may hold spaces and parentheses: skip to the last ')' */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	p++;
	/* fields 3..21 are 19 fields; field 22 follows them */
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

int state_marker_create(const char *pids_dir, pid_t pid, const char *name)
{
	char path[4096];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%d", pids_dir, (int)pid);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	n = write(fd, name, strlen(name));
	close(fd);
	return n < 0 ? -errno : 0;
}

void state_marker_remove(const char *pids_dir, pid_t pid)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%d", pids_dir, (int)pid);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%d.exit", pids_dir, (int)pid);
	unlink(path);
}

int state_exit_read(const char *pids_dir, pid_t pid, int *code, int *sig)
{
	char path[4096], buf[64];
	ssize_t n;
	int fd, v;

	snprintf(path, sizeof(path), "%s/%d.exit", pids_dir, (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	*code = -1;
	*sig = 0;
	if (sscanf(buf, "exited %d", &v) == 1)
		*code = v;
	else if (sscanf(buf, "killed %d", &v) == 1)
		*sig = v;
	else if (!strncmp(buf, "killed ", 7)) {
		/* a signal name: "KILL" or "SIGKILL" */
		char *nm = buf + 7;

		nm[strcspn(nm, " \n")] = 0;
		if (!strncmp(nm, "SIG", 3))
			nm += 3;
		for (v = 1; v < NSIG; v++) {
			const char *a = sigabbrev_np(v);

			if (a && !strcmp(a, nm)) {
				*sig = v;
				return 0;
			}
		}
		return -EINVAL;
	} else {
		return -EINVAL;
	}
	return 0;
}
