/* qmp.h - cairnd's side of a QEMU monitor (QMP) connection (qmp.c).
 *
 * Two layers: qmp_parse() turns one line QEMU sent into a struct qmp_msg
 * (pure, unit-tested and fuzzed); struct qmp is a non-blocking client in
 * cairnd's loop that negotiates capabilities, sends commands and hands
 * every reply and event to its owner's callback. */
#ifndef CAIRN_VM_QMP_H
#define CAIRN_VM_QMP_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "loop.h"

enum qmp_type {
	QMP_GREETING,    /* {"QMP": {...}} */
	QMP_RETURN,      /* {"return": ..., "id": ...} */
	QMP_ERROR,       /* {"error": {"class", "desc"}, "id": ...} */
	QMP_EVENT,       /* {"event": NAME, "data": {...}} */
};

struct qmp_msg {
	enum qmp_type type;
	char id[32];          /* the command's "id" (a string), or "" */
	char event[48];       /* QMP_EVENT: its name */
	char status[32];      /* query-status's "status", STOP/RESUME: "paused"/"running" */
	char reason[48];      /* SHUTDOWN/RESET's "reason", GUEST_PANICKED's "action" */
	bool guest;           /* SHUTDOWN/RESET: "guest": true (the guest asked) */
	char desc[128];       /* QMP_ERROR: its "desc" */
};

/* One line of QMP (len bytes, no newline needed).  0, or -EINVAL with e
 * saying what is wrong. */
int qmp_parse(const char *line, size_t len, struct qmp_msg *m, struct cairn_err *e);

struct qmp;

/* A message from QEMU (after the capabilities are negotiated), or NULL:
 * the connection is gone (closed, broken or a protocol error).
 * cb must not qmp_close(q) itself: close it later (from a timer or the
 * instance's cleanup). */
typedef void (*qmp_cb)(struct qmp *q, const struct qmp_msg *m, void *data);

/* Connect to the QMP socket at path (non-blocking), negotiate, then call
 * cb for every reply and event.  -errno if the socket cannot be reached. */
int qmp_open(struct loop *l, const char *path, qmp_cb cb, void *data, struct qmp **out,
	     struct cairn_err *e);
/* Send {"execute": cmd, "id": id}; queued until the negotiation is done.
 * -ENOTCONN once the connection is gone, -ENOBUFS if too much is queued. */
int qmp_send(struct qmp *q, const char *cmd, const char *id);
void qmp_close(struct qmp *q);

#endif
