/* shellsplit.h - split a line into words the way a POSIX shell would,
 * without any expansion: the exec and environment lines of the config.
 *
 * Words are separated by blanks (space, tab).  'single quotes' keep every
 * character literally; "double quotes" keep everything but \" \\ \$ \`,
 * which lose their backslash; outside quotes a backslash keeps the next
 * character literally.  Quotes join with their surroundings (a"b c"d is one
 * word) and "" is an empty word.  Nothing is expanded: $, *, ~ and # are
 * ordinary characters. */
#ifndef CAIRN_SHELLSPLIT_H
#define CAIRN_SHELLSPLIT_H

#include <stdio.h>

#include "err.h"

/* Split s into a NULL-terminated vector (NULL when s has no words).
 * -EINVAL with a message naming the column of an unterminated quote or a
 * trailing backslash; -ENOMEM. */
int cairn_shellsplit(const char *s, char ***out, struct cairn_err *e);

/* Write w to f so that cairn_shellsplit() reads it back as one word equal
 * to w: bare when it only holds safe characters, else 'single-quoted'. */
void cairn_shellquote(FILE *f, const char *w);

#endif
