/* cairnd.h - keep one cairnd running, restarting it with backoff.
 *
 * The delay before a restart starts at 1 s and doubles up to 30 s; it is
 * reset to 1 s when cairnd had stayed up for 60 s.  A cairnd that cannot
 * even be forked is retried the same way: PID 1 waits, it never gives up. */
#ifndef CAIRN_INIT_CAIRND_H
#define CAIRN_INIT_CAIRND_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define CAIRND_DELAY_MIN_MS   1000
#define CAIRND_DELAY_MAX_MS   30000
#define CAIRND_STABLE_MS      60000

struct cairnd_sup {
	const char *path;
	pid_t pid;            /* 0 when not running */
	int64_t started_ms;
	int64_t restart_at_ms; /* 0: no restart scheduled */
	int64_t delay_ms;     /* the delay the next failure will get */
	unsigned starts;
	bool stopping;        /* shutdown: never restart again */
};

void cairnd_init(struct cairnd_sup *s, const char *path);

/* Fork and exec cairnd now (stdin /dev/null, stdout/stderr the console).
 * On fork failure a retry is scheduled.  0 or -errno. */
int cairnd_start(struct cairnd_sup *s);

/* Tell the supervisor a child was reaped.  Returns true if it was cairnd
 * (and schedules its restart unless stopping). */
bool cairnd_reaped(struct cairnd_sup *s, pid_t pid, int status);

/* Milliseconds until the scheduled restart is due (>= 0), or -1. */
int cairnd_poll_timeout(const struct cairnd_sup *s);

/* Start cairnd if its restart is due. */
void cairnd_tick(struct cairnd_sup *s);

#endif
