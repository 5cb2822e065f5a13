/* duration.h - durations as the config writes them: "500ms", "10s", "2m",
 * "1h", or a plain number of seconds.  One number, one unit, no spaces. */
#ifndef CAIRN_DURATION_H
#define CAIRN_DURATION_H

/* The accepted forms, for error messages. */
#define CAIRN_DURATION_FORMS "a duration such as 500ms, 10s, 2m or 1h (a plain number is seconds)"

/* Parse s into milliseconds.  0, or -EINVAL when s is not one of the forms
 * or does not fit in an unsigned (about 49 days). */
int cairn_duration_parse(const char *s, unsigned *ms);

#endif
