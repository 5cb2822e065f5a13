/* init_orphans.c - make N orphans for PID 1 to reap, all dying at once.
 *
 *   init_orphans N
 *
 * Forks N children; each forks a grandchild and exits at once, so the
 * grandchildren are re-parented to init.  They all block on one pipe;
 * once every one exists and init is their parent, the pipe is closed and
 * all N exit in the same instant: a burst of SIGCHLDs that the kernel
 * coalesces, which a reaper that waits once per signal would not survive.
 * Prints how many orphans were made and how many PID 1 had adopted. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* How many processes have PID 1 as parent and our name. */
static int count_adopted(void)
{
	FILE *p = popen("cat /proc/[0-9]*/stat 2>/dev/null", "r");
	if (!p)
		return -1;
	char line[1024];
	int n = 0;
	while (fgets(line, sizeof(line), p)) {
		char *close = strrchr(line, ')');
		char state;
		int ppid;
		if (!close || !strstr(line, "(init_orphans)"))
			continue;
		if (sscanf(close + 1, " %c %d", &state, &ppid) == 2 && ppid == 1)
			n++;
	}
	pclose(p);
	return n;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	int fds[2];
	if (n <= 0 || pipe(fds) < 0) {
		fprintf(stderr, "usage: init_orphans N\n");
		return 100;
	}
	int made = 0;
	for (int i = 0; i < n; i++) {
		pid_t c = fork();
		if (c < 0) {
			fprintf(stderr, "init_orphans: fork: %s\n", strerror(errno));
			break;
		}
		if (c == 0) {
			pid_t g = fork();
			if (g == 0) {
				char b;
				close(fds[1]);
				while (read(fds[0], &b, 1) < 0 && errno == EINTR)
					;
				_exit(0);
			}
			_exit(g < 0 ? 1 : 0);
		}
		int st;
		if (waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			made++;
	}
	close(fds[0]);
	int adopted = count_adopted();
	printf("made %d orphans, %d of them children of PID 1\n", made, adopted);
	fflush(stdout);
	close(fds[1]); /* release them all at once */
	return made == n ? 0 : 1;
}
