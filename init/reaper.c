/* reaper.c - reap children and write exit markers. */
#include "reaper.h"

#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console.h"
#include "initproto.h"
#include "util.h"

static void write_exit_marker(pid_t pid, int status)
{
	char marker[64], exitf[80], text[32];
	snprintf(marker, sizeof(marker), CAIRN_PIDS_DIR "/%d", (int)pid);
	if (access(marker, F_OK) < 0)
		return;
	int n;
	if (WIFEXITED(status))
		n = snprintf(text, sizeof(text), "exited %d\n", WEXITSTATUS(status));
	else
		n = snprintf(text, sizeof(text), "killed %d\n", WTERMSIG(status));
	snprintf(exitf, sizeof(exitf), "%s.exit", marker);
	int r = write_file_atomic(exitf, text, (size_t)n, 0600);
	if (r < 0)
		say_err(r, "writing %s", exitf);
	else
		say_debug("pid %d ended (%.*s), wrote %s", (int)pid, n - 1, text, exitf);
}

int reap_children(reap_cb cb, void *ctx)
{
	int count = 0;
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			return count ? count : -errno;
		if (pid == 0)
			return count;
		count++;
		write_exit_marker(pid, status);
		if (cb)
			cb(pid, status, ctx);
	}
}
