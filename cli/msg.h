/* msg.h - how cairnctl says it failed: "cairnctl: ..." on stderr and an
 * exit status that means something (0 done, 1 failed, 2 bad usage). */
#ifndef CAIRN_CLI_MSG_H
#define CAIRN_CLI_MSG_H

#define EXIT_FAIL  1
#define EXIT_USAGE 2

/* Print "cairnctl: MESSAGE"; return EXIT_FAIL. */
int ctl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "cairnctl: MESSAGE" and a pointer to the help; return EXIT_USAGE. */
int ctl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
