/* test_forkexec.c - fork_exec: a child's pre-exec failure comes back with
 * its step and errno and the child is reaped; an exec that works gives a
 * pid and a pidfd. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "forkexec.h"

static void exec_path(void *arg, int st)
{
	char *argv[] = { arg, NULL };

	execv(argv[0], argv);
	child_fail(st, "exec");
}

static void fail_setuid(void *arg, int st)
{
	(void)arg;
	errno = EPERM;
	child_fail(st, "setuid");
}

static void test_exec_missing(void **state)
{
	char step[FORKEXEC_STEP] = "";
	pid_t pid = 0;
	int pidfd = -1;

	(void)state;
	assert_int_equal(fork_exec(exec_path, "/nonexistent/prog", &pid, &pidfd, step), -ENOENT);
	assert_string_equal(step, "exec");
	assert_int_equal(pid, 0);      /* untouched on failure */
	assert_int_equal(pidfd, -1);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);   /* reaped already */
	assert_int_equal(errno, ECHILD);
}

static void test_step_reported(void **state)
{
	char step[FORKEXEC_STEP] = "";
	pid_t pid = 0;
	int pidfd = -1;

	(void)state;
	assert_int_equal(fork_exec(fail_setuid, NULL, &pid, &pidfd, step), -EPERM);
	assert_string_equal(step, "setuid");
}

static void test_exec_works(void **state)
{
	char step[FORKEXEC_STEP] = "";
	pid_t pid = 0;
	int pidfd = -1, status = 0;

	(void)state;
	assert_int_equal(fork_exec(exec_path, "/bin/true", &pid, &pidfd, step), 0);
	assert_true(pid > 0);
	assert_true(pidfd >= 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(pidfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_missing),
		cmocka_unit_test(test_step_reported),
		cmocka_unit_test(test_exec_works),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
