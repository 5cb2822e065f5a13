/* say.h - cairnd's console lines: "cairnd: ...\n" on stderr, which
 * cairn-init sends to the console (and tests read). */
#ifndef CAIRN_SAY_H
#define CAIRN_SAY_H

void cairnd_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
