/* err.h - cairn's one error convention.
 *
 * A function that can fail returns a negative errno (or -1) and, when the
 * caller passes a struct cairn_err, fills its message.  Callers add context
 * on the way up with cairn_err_prefix().  Nothing below main() exits. */
#ifndef CAIRN_ERR_H
#define CAIRN_ERR_H

#include <stddef.h>

struct cairn_err {
	char msg[512];
};

/* Format the message into e (if e is not NULL) and return ret. */
int cairn_err_set(struct cairn_err *e, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like cairn_err_set, appending ": strerror(-ret)". */
int cairn_err_sys(struct cairn_err *e, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Put "context: " in front of the message already in e; return ret. */
int cairn_err_prefix(struct cairn_err *e, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
