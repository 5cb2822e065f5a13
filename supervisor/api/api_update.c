/* api_update.c - an update upload, from the socket to the slot.
 *
 * Why a worker thread: the installer's work per byte is small, but its
 * last steps (fsync of a few hundred MB, the boot entry) can take seconds,
 * and cairnd's loop must keep answering while they run.  So the installer
 * (install.c) runs in a thread and reads the bundle from a pipe; the loop
 * writes the body into that pipe as it arrives.  When the pipe is full,
 * the connection is not read (http_body_ops.ready says no) and TCP holds
 * the client back; when it drains, reading resumes.  Memory is the pipe
 * (1 MiB, in the kernel), a 64 KiB staging buffer, and zstd's buffers.
 *
 * The loop and the worker share nothing but the pipe and, at the end, the
 * result, which the loop reads only after an eventfd says the worker is
 * done and pthread_join has returned.
 *
 * If the worker refuses the bundle early (signature, version...), the rest
 * of the upload is read and dropped, then the refusal is the answer: a
 * client that is still sending would not see an answer to a closed
 * connection. */
#include "api_update.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define STAGE_SIZE  (64u * 1024)
#define STAGE_ROOM  (16u * 1024)     /* one read of the connection */
#define PIPE_SIZE   (1u << 20)

struct api_update {
	struct loop *loop;
	struct supervisor *sup;
	struct update_opts opts;
	struct upload *busy;          /* the install running now */
};

struct upload {
	struct api_update *u;
	struct http_conn *conn;       /* NULL once answered or gone */
	bool reboot;
	int refuse;                   /* not installing: answer this status */
	char refuse_msg[512];
	bool discard;                 /* drop the rest of the body */
	bool body_done;
	int wfd, rfd, efd;            /* pipe to the worker, its "done" eventfd */
	bool watching_wfd;
	char stage[STAGE_SIZE];
	size_t stage_len;
	bool worker, joined;
	pthread_t th;
	/* filled by the worker, read after the join */
	int ret;
	struct cairn_err err;
	struct install_result res;
	struct update_plan plan;
};

static void wfd_close(struct upload *up)
{
	if (up->watching_wfd) {
		loop_del_fd(up->u->loop, up->wfd);
		up->watching_wfd = false;
	}
	if (up->wfd >= 0)
		close(up->wfd);
	up->wfd = -1;
}

static void upload_maybe_free(struct upload *up)
{
	if (up->conn || (up->worker && !up->joined))
		return;
	if (up->u->busy == up) {
		up->u->busy = NULL;
		update_release();
	}
	wfd_close(up);
	free(up);
}

/* Like api_config_status, but a bad message here is a corrupt bundle
 * (400), not an untrusted signer (403); EBUSY (another install, or the
 * known-good fallback kept) is 409. */
static int answer_status(int r)
{
	switch (r) {
	case -ENOMEM:
	case -EIO:
	case -ENOSPC:
		return 500;
	case -EPERM:
	case -EACCES:
	case -EKEYREJECTED:
		return 403;
	case -EBUSY:
		return 409;
	default:
		return 400;
	}
}

/* The answer, once both the body and the worker are done. */
static void upload_answer(struct upload *up)
{
	struct http_conn *c = up->conn;
	struct cairn_err e = { "" };
	cJSON *o;
	char *txt;
	char slot[2] = { up->res.slot, 0 };

	if (!c)
		return;
	up->conn = NULL;
	if (up->refuse) {
		http_respond_error(c, up->refuse, "%s", up->refuse_msg);
		return;
	}
	if (up->ret < 0) {
		fprintf(stderr, "cairnd: %s\n", up->err.msg);
		http_respond_error(c, answer_status(up->ret), "%s", up->err.msg);
		return;
	}
	fprintf(stderr, "cairnd: update: version %s installed in slot %c (signed by %s)%s\n",
		up->res.version, up->res.slot, up->res.signer,
		up->reboot ? ", rebooting" : "");
	o = cJSON_CreateObject();
	if (o) {
		cJSON_AddStringToObject(o, "status", "installed");
		cJSON_AddStringToObject(o, "slot", slot);
		cJSON_AddStringToObject(o, "version", up->res.version);
		cJSON_AddStringToObject(o, "signer", up->res.signer);
		cJSON_AddNumberToObject(o, "bytes", (double)up->res.bytes);
		cJSON_AddBoolToObject(o, "reboot", up->reboot);
	}
	txt = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	if (!txt) {
		http_respond_error(c, 500, "out of memory");
		return;
	}
	http_respond(c, 200, "application/json", NULL, txt, strlen(txt));
	free(txt);
	if (up->reboot && sup_host_action(up->u->sup, "reboot", &e) < 0)
		fprintf(stderr, "cairnd: update: reboot: %s\n", e.msg);
}

static void *worker_main(void *arg)
{
	struct upload *up = arg;
	uint64_t one = 1;

	up->ret = install_bundle(bundle_fd_read, &up->rfd, &up->plan.plan, &up->res, &up->err);
	/* The loop sees EPIPE from now on and drops what is left. */
	close(up->rfd);
	up->rfd = -1;
	if (write(up->efd, &one, sizeof(one)) < 0) {
		/* cannot happen with an eventfd below its maximum */
	}
	return NULL;
}

static void wfd_event(struct loop *l, int fd, uint32_t events, void *data);

/* Move staged bytes into the pipe.  Returns true when the stage has room
 * for another read of the connection. */
static bool stage_flush(struct upload *up)
{
	while (up->stage_len && up->wfd >= 0) {
		ssize_t n = write(up->wfd, up->stage, up->stage_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (!up->watching_wfd &&
			    loop_add_fd(up->u->loop, up->wfd, EPOLLOUT, wfd_event, up) == 0)
				up->watching_wfd = true;
			break;
		}
		if (n < 0) {   /* EPIPE: the worker stopped reading */
			up->discard = true;
			up->stage_len = 0;
			wfd_close(up);
			break;
		}
		memmove(up->stage, up->stage + n, up->stage_len - (size_t)n);
		up->stage_len -= (size_t)n;
	}
	if (!up->stage_len && up->watching_wfd) {
		loop_del_fd(up->u->loop, up->wfd);
		up->watching_wfd = false;
	}
	if (!up->stage_len && up->body_done)
		wfd_close(up);   /* EOF: the worker sees where the body ends */
	return up->discard || STAGE_SIZE - up->stage_len >= STAGE_ROOM;
}

static void wfd_event(struct loop *l, int fd, uint32_t events, void *data)
{
	struct upload *up = data;

	if (stage_flush(up) && up->conn && !up->body_done)
		http_body_resume(up->conn);
}

static void worker_done(struct loop *l, int fd, uint32_t events, void *data)
{
	struct upload *up = data;

	loop_del_fd(l, fd);
	close(fd);
	up->efd = -1;
	pthread_join(up->th, NULL);
	up->joined = true;
	if (up->u->busy == up) {
		up->u->busy = NULL;
		update_release();
	}
	if (!up->body_done) {
		/* Refused early: drop what is still coming, answer at the end. */
		up->discard = true;
		up->stage_len = 0;
		wfd_close(up);
		if (up->conn) {
			/* Last: the rest of the body may reach the handler, which
			 * answers and frees up. */
			http_body_resume(up->conn);
			return;
		}
	} else {
		upload_answer(up);
	}
	upload_maybe_free(up);
}

static int body_data(void *ctx, const char *buf, size_t len)
{
	struct upload *up = ctx;

	if (up->discard || up->refuse)
		return 0;
	if (len > STAGE_SIZE - up->stage_len)
		return -ENOBUFS;   /* ready() said no; cannot happen */
	memcpy(up->stage + up->stage_len, buf, len);
	up->stage_len += len;
	stage_flush(up);
	return 0;
}

static bool body_ready(void *ctx)
{
	struct upload *up = ctx;

	if (up->discard || up->refuse)
		return true;
	return stage_flush(up);
}

static void body_closed(void *ctx)
{
	struct upload *up = ctx;

	up->conn = NULL;
	/* Cut short: the worker reads EOF in the middle and gives up. */
	wfd_close(up);
	upload_maybe_free(up);
}

static const struct http_body_ops body_ops = {
	.data = body_data, .ready = body_ready, .closed = body_closed,
};

static int worker_start(struct upload *up)
{
	int p[2], r;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	up->rfd = p[0];
	up->wfd = p[1];
	fcntl(up->wfd, F_SETFL, fcntl(up->wfd, F_GETFL) | O_NONBLOCK);
	fcntl(up->wfd, F_SETPIPE_SZ, PIPE_SIZE);   /* fewer wake-ups; 64 KiB works too */
	up->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (up->efd < 0)
		return -errno;
	r = loop_add_fd(up->u->loop, up->efd, EPOLLIN, worker_done, up);
	if (r < 0)
		return r;
	r = -pthread_create(&up->th, NULL, worker_main, up);
	if (r < 0) {
		loop_del_fd(up->u->loop, up->efd);
		return r;
	}
	up->worker = true;
	return 0;
}

const struct http_body_ops *api_update_body(struct api_update *u, struct http_conn *c,
					    const struct http_request *req, void **ctx)
{
	struct upload *up = calloc(1, sizeof(*up));
	char v[8];
	int r;

	if (!up)
		return NULL;   /* buffered under the usual limit: 413 */
	up->u = u;
	up->conn = c;
	up->wfd = up->rfd = up->efd = -1;
	up->reboot = http_query_get(req->query, "reboot", v, sizeof(v)) &&
		     !(v[0] == '0' || !strcmp(v, "false"));
	*ctx = up;
	if (update_holder()) {   /* u->busy claims it too */
		up->refuse = 409;
		snprintf(up->refuse_msg, sizeof(up->refuse_msg),
			 "update: another update is being installed (%s); try again when it is "
			 "done", update_holder());
		return &body_ops;
	}
	r = update_plan_make(&u->opts, &up->plan, &up->err);
	if (r < 0) {
		up->refuse = 500;
		snprintf(up->refuse_msg, sizeof(up->refuse_msg), "%s", up->err.msg);
		return &body_ops;
	}
	r = worker_start(up);
	if (r < 0) {
		if (up->rfd >= 0)
			close(up->rfd);
		if (up->efd >= 0)
			close(up->efd);
		if (up->wfd >= 0)
			close(up->wfd);
		up->rfd = up->efd = up->wfd = -1;
		up->refuse = 500;
		snprintf(up->refuse_msg, sizeof(up->refuse_msg), "update: starting the installer: "
			 "%s", strerror(-r));
		return &body_ops;
	}
	u->busy = up;
	update_claim("an upload");
	return &body_ops;
}

void api_update_post(struct api_update *u, struct http_conn *c,
		     const struct http_request *req)
{
	struct upload *up = http_body_ctx(c);

	(void)u;
	(void)req;
	if (!up) {
		http_respond_error(c, 500, "update: the upload was not streamed");
		return;
	}
	up->body_done = true;
	if (up->refuse || (up->worker && up->joined)) {
		upload_answer(up);
		upload_maybe_free(up);
		return;
	}
	http_defer(c);
	stage_flush(up);   /* closes the pipe once the stage is empty */
}

int api_update_new(struct api_update **out, struct loop *l, struct supervisor *sup,
		   const struct update_opts *o)
{
	struct api_update *u = calloc(1, sizeof(*u));

	if (!u)
		return -ENOMEM;
	u->loop = l;
	u->sup = sup;
	u->opts = *o;
	*out = u;
	return 0;
}

void api_update_free(struct api_update *u)
{
	struct upload *up;

	if (!u)
		return;
	up = u->busy;
	if (up && up->worker && !up->joined) {
		/* Its connection is gone (servers close first): the worker reads EOF. */
		wfd_close(up);
		pthread_join(up->th, NULL);
		up->joined = true;
		if (up->efd >= 0) {
			loop_del_fd(u->loop, up->efd);
			close(up->efd);
		}
		up->conn = NULL;
		upload_maybe_free(up);
	}
	free(u);
}
