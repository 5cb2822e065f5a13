/* cairnd.c - start cairnd and restart it with backoff when it exits.
 *
 * cairnd runs in its own session, with init's environment, stdin on
 * /dev/null and stdout/stderr on init's (the console).  The backoff
 * arithmetic lives in schedule_restart(); everything else is plumbing. */
#include "cairnd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console.h"
#include "signals.h"
#include "util.h"

void cairnd_init(struct cairnd_sup *s, const char *path)
{
	memset(s, 0, sizeof(*s));
	s->path = path;
	s->delay_ms = CAIRND_DELAY_MIN_MS;
}

static void schedule_restart(struct cairnd_sup *s, int64_t now, int64_t uptime_ms)
{
	if (uptime_ms >= CAIRND_STABLE_MS)
		s->delay_ms = CAIRND_DELAY_MIN_MS;
	s->restart_at_ms = now + s->delay_ms;
	say("restarting cairnd in %lld ms", (long long)s->delay_ms);
	s->delay_ms *= 2;
	if (s->delay_ms > CAIRND_DELAY_MAX_MS)
		s->delay_ms = CAIRND_DELAY_MAX_MS;
}

static void exec_cairnd(const char *path)
{
	signals_reset_child();
	setsid();
	int null = open("/dev/null", O_RDWR);
	if (null >= 0 && null != 0) {
		dup2(null, 0);
		close(null);
	}
	char *const argv[] = { (char *)path, NULL };
	execv(path, argv);
	say_err(-errno, "exec %s", path);
	_exit(127);
}

int cairnd_start(struct cairnd_sup *s)
{
	s->restart_at_ms = 0;
	pid_t pid = fork();
	if (pid < 0) {
		int err = say_err(-errno, "fork for cairnd");
		schedule_restart(s, now_ms(), 0);
		return err;
	}
	if (pid == 0)
		exec_cairnd(s->path);
	s->pid = pid;
	s->started_ms = now_ms();
	s->starts++;
	say("started %s (pid %d, start %u)", s->path, (int)pid, s->starts);
	return 0;
}

bool cairnd_reaped(struct cairnd_sup *s, pid_t pid, int status)
{
	if (pid != s->pid || pid == 0)
		return false;
	int64_t now = now_ms();
	int64_t up = now - s->started_ms;
	s->pid = 0;
	if (WIFEXITED(status))
		say("cairnd (pid %d) exited with status %d after %lld ms", (int)pid,
		    WEXITSTATUS(status), (long long)up);
	else
		say("cairnd (pid %d) killed by signal %d (%s) after %lld ms", (int)pid,
		    WTERMSIG(status), strsignal(WTERMSIG(status)), (long long)up);
	if (!s->stopping)
		schedule_restart(s, now, up);
	return true;
}

int cairnd_poll_timeout(const struct cairnd_sup *s)
{
	if (s->pid || !s->restart_at_ms || s->stopping)
		return -1;
	int64_t left = s->restart_at_ms - now_ms();
	return left < 0 ? 0 : (int)left;
}

void cairnd_tick(struct cairnd_sup *s)
{
	if (!s->pid && s->restart_at_ms && !s->stopping && now_ms() >= s->restart_at_ms)
		cairnd_start(s);
}
