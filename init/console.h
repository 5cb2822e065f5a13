/* console.h - how PID 1 talks to the operator.
 *
 * Every line goes to fd 2 (the console once console_attach() ran) with the
 * prefix "cairn-init: ", written with one write() so lines from PID 1 and
 * cairnd do not interleave mid-line. */
#ifndef CAIRN_INIT_CONSOLE_H
#define CAIRN_INIT_CONSOLE_H

#include <stdbool.h>

/* Make fds 0, 1, 2 point at /dev/console if the kernel left them closed
 * (an initramfs without /dev/console).  Returns 0 or -errno. */
int console_attach(void);

/* Debug lines (say_debug) are printed only once this is on (cairn.debug). */
void console_set_debug(bool on);

void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void say_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Log "context: strerror(-err)" and return err (a negative errno), so that
 * a failing call can be reported and propagated in one line. */
int say_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
