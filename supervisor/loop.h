/* loop.h - cairnd's one event loop: epoll over file descriptors, plus
 * one-shot timers multiplexed onto a single timerfd.  An idle loop sleeps
 * in epoll_wait with no timeout armed unless a timer is pending. */
#ifndef CAIRN_LOOP_H
#define CAIRN_LOOP_H

#include <stdint.h>

struct loop;
struct loop_timer;

/* Called with the epoll events that fired (EPOLLIN, EPOLLOUT, EPOLLHUP...). */
typedef void (*loop_fd_cb)(struct loop *l, int fd, uint32_t events, void *data);
typedef void (*loop_timer_cb)(struct loop *l, void *data);

int loop_new(struct loop **out);
void loop_free(struct loop *l);

/* Watch fd for events; one registration per fd. */
int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *data);
int loop_mod_fd(struct loop *l, int fd, uint32_t events);
void loop_del_fd(struct loop *l, int fd);

/* Arm a one-shot timer in ms from now; returns NULL on allocation failure.
 * The timer is freed after it fires or when cancelled. */
struct loop_timer *loop_timer_add(struct loop *l, uint64_t ms, loop_timer_cb cb, void *data);
void loop_timer_cancel(struct loop *l, struct loop_timer *t);

/* Monotonic clock in ms. */
uint64_t loop_now_ms(void);

/* Run until loop_quit(); returns 0 or a negative errno. */
int loop_run(struct loop *l);
void loop_quit(struct loop *l);

#endif
