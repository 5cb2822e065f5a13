/* qmp.c - QMP replies and events parsed with cJSON, and the client that
 * lives in cairnd's loop (qmp.h).
 *
 * QEMU speaks first (the greeting); we answer qmp_capabilities and wait
 * for its return before anything else goes out: commands sent earlier are
 * queued.  Every message is one JSON object ending in a newline.  A line
 * longer than the buffer, bad JSON or a socket error closes the
 * connection: the owner sees cb(NULL) once and decides (kind.c). */
#include "qmp.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define QMP_IN_MAX  (64 * 1024)   /* one message; QEMU's events are small */
#define QMP_OUT_MAX 4096

static void copy_str(char *dst, size_t size, const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	dst[0] = 0;
	if (cJSON_IsString(v) && v->valuestring)
		snprintf(dst, size, "%s", v->valuestring);
}

static void event_data(struct qmp_msg *m, const cJSON *data)
{
	const cJSON *g;

	if (!cJSON_IsObject(data))
		return;
	copy_str(m->reason, sizeof(m->reason), data, "reason");
	if (!strcmp(m->event, "GUEST_PANICKED"))
		copy_str(m->reason, sizeof(m->reason), data, "action");
	g = cJSON_GetObjectItemCaseSensitive(data, "guest");
	m->guest = cJSON_IsTrue(g);
}

int qmp_parse(const char *line, size_t len, struct qmp_msg *m, struct cairn_err *e)
{
	cJSON *o = cJSON_ParseWithLength(line, len);
	const cJSON *v;
	int ret = 0;

	memset(m, 0, sizeof(*m));
	if (!o)
		return cairn_err_set(e, -EINVAL, "QMP: not JSON");
	if (!cJSON_IsObject(o)) {
		ret = cairn_err_set(e, -EINVAL, "QMP: not a JSON object");
		goto out;
	}
	copy_str(m->id, sizeof(m->id), o, "id");
	if (cJSON_GetObjectItemCaseSensitive(o, "QMP")) {
		m->type = QMP_GREETING;
	} else if ((v = cJSON_GetObjectItemCaseSensitive(o, "return"))) {
		m->type = QMP_RETURN;
		if (cJSON_IsObject(v))
			copy_str(m->status, sizeof(m->status), v, "status");
	} else if ((v = cJSON_GetObjectItemCaseSensitive(o, "error"))) {
		m->type = QMP_ERROR;
		if (cJSON_IsObject(v))
			copy_str(m->desc, sizeof(m->desc), v, "desc");
	} else if ((v = cJSON_GetObjectItemCaseSensitive(o, "event"))) {
		if (!cJSON_IsString(v) || !v->valuestring || !v->valuestring[0]) {
			ret = cairn_err_set(e, -EINVAL, "QMP: event without a name");
			goto out;
		}
		m->type = QMP_EVENT;
		snprintf(m->event, sizeof(m->event), "%s", v->valuestring);
		event_data(m, cJSON_GetObjectItemCaseSensitive(o, "data"));
		if (!strcmp(m->event, "STOP"))
			snprintf(m->status, sizeof(m->status), "paused");
		else if (!strcmp(m->event, "RESUME"))
			snprintf(m->status, sizeof(m->status), "running");
	} else {
		ret = cairn_err_set(e, -EINVAL, "QMP: neither greeting, return, error nor event");
	}
out:
	cJSON_Delete(o);
	return ret;
}

/* ---- the client ---- */

enum qmp_phase { PH_GREETING, PH_CAPS, PH_READY, PH_DEAD };

struct qmp {
	struct loop *loop;
	int fd;
	enum qmp_phase phase;
	qmp_cb cb;
	void *data;
	char *in;
	size_t in_len;
	char out[QMP_OUT_MAX];
	size_t out_len;
	char queued[QMP_OUT_MAX];    /* commands waiting for the negotiation */
	size_t queued_len;
};

static void die(struct qmp *q)
{
	if (q->phase == PH_DEAD)
		return;
	q->phase = PH_DEAD;
	loop_del_fd(q->loop, q->fd);
	close(q->fd);
	q->fd = -1;
	q->cb(q, NULL, q->data);   /* the owner frees q later, never in cb */
}

static void flush(struct qmp *q)
{
	while (q->out_len) {
		ssize_t n = send(q->fd, q->out, q->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			die(q);
			return;
		}
		memmove(q->out, q->out + n, q->out_len - (size_t)n);
		q->out_len -= (size_t)n;
	}
	loop_mod_fd(q->loop, q->fd, EPOLLIN | (q->out_len ? EPOLLOUT : 0));
}

static int append(char *buf, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n > QMP_OUT_MAX)
		return -ENOBUFS;
	memcpy(buf + *len, s, n);
	*len += n;
	return 0;
}

int qmp_send(struct qmp *q, const char *cmd, const char *id)
{
	char line[256];
	int ret;

	if (q->phase == PH_DEAD)
		return -ENOTCONN;
	snprintf(line, sizeof(line), "{\"execute\": \"%s\", \"id\": \"%s\"}\n", cmd, id);
	if (q->phase != PH_READY)
		return append(q->queued, &q->queued_len, line);
	ret = append(q->out, &q->out_len, line);
	if (ret == 0)
		flush(q);
	return ret;
}

/* One line from QEMU; false when the connection was closed meanwhile. */
static bool on_line(struct qmp *q, const char *line, size_t len)
{
	struct qmp_msg m;

	if (len == 0 || (len == 1 && line[0] == '\r'))
		return true;
	if (qmp_parse(line, len, &m, NULL) < 0) {
		die(q);
		return false;
	}
	switch (q->phase) {
	case PH_GREETING:
		if (m.type != QMP_GREETING || append(q->out, &q->out_len,
						     "{\"execute\": \"qmp_capabilities\"}\n") < 0) {
			die(q);
			return false;
		}
		q->phase = PH_CAPS;
		flush(q);
		return q->phase != PH_DEAD;
	case PH_CAPS:
		if (m.type == QMP_EVENT)
			break;
		if (m.type != QMP_RETURN) {
			die(q);
			return false;
		}
		q->phase = PH_READY;
		if (q->queued_len && q->out_len + q->queued_len <= QMP_OUT_MAX) {
			memcpy(q->out + q->out_len, q->queued, q->queued_len);
			q->out_len += q->queued_len;
			q->queued_len = 0;
		}
		flush(q);
		return q->phase != PH_DEAD;
	case PH_READY:
		break;
	case PH_DEAD:
		return false;
	}
	q->cb(q, &m, q->data);
	return true;
}

static void on_io(struct loop *l, int fd, uint32_t events, void *data)
{
	struct qmp *q = data;
	ssize_t n;

	if (events & EPOLLOUT) {
		flush(q);
		if (q->phase == PH_DEAD)
			return;
	}
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	n = recv(fd, q->in + q->in_len, QMP_IN_MAX - q->in_len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		die(q);
		return;
	}
	q->in_len += (size_t)n;
	for (;;) {
		char *nl = memchr(q->in, '\n', q->in_len);
		size_t used;

		if (!nl)
			break;
		used = (size_t)(nl - q->in) + 1;
		if (!on_line(q, q->in, used - 1))
			return;
		memmove(q->in, q->in + used, q->in_len - used);
		q->in_len -= used;
	}
	if (q->in_len == QMP_IN_MAX)
		die(q);   /* a message larger than anything QEMU sends */
}

int qmp_open(struct loop *l, const char *path, qmp_cb cb, void *data, struct qmp **out,
	     struct cairn_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct qmp *q;
	int ret;

	if (strlen(path) >= sizeof(sa.sun_path))
		return cairn_err_set(e, -ENAMETOOLONG, "QMP socket path too long: %s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	q = calloc(1, sizeof(*q));
	if (!q || !(q->in = malloc(QMP_IN_MAX))) {
		free(q);
		return cairn_err_set(e, -ENOMEM, "out of memory");
	}
	q->loop = l;
	q->cb = cb;
	q->data = data;
	q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (q->fd < 0) {
		ret = cairn_err_sys(e, -errno, "QMP socket");
		goto fail;
	}
	/* the socket is listening already (cairnd bound it): this connects at
	 * once, even before QEMU accepts */
	if (connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		ret = cairn_err_sys(e, -errno, "QMP connect %s", path);
		goto fail;
	}
	ret = loop_add_fd(l, q->fd, EPOLLIN, on_io, q);
	if (ret < 0) {
		cairn_err_sys(e, ret, "QMP: watching the socket");
		goto fail;
	}
	*out = q;
	return 0;
fail:
	if (q->fd >= 0)
		close(q->fd);
	free(q->in);
	free(q);
	return ret;
}

void qmp_close(struct qmp *q)
{
	if (!q)
		return;
	if (q->phase != PH_DEAD) {
		loop_del_fd(q->loop, q->fd);
		close(q->fd);
	}
	free(q->in);
	free(q);
}
