/* powerbtn.h - the ACPI power button as a power-off request.
 *
 * The `button` and `evdev` modules (stage 2's /etc/cairn/modules) expose
 * the button as /dev/input/eventN named "Power Button"; a KEY_POWER press
 * there means an orderly power-off, as QEMU's system_powerdown does. */
#ifndef CAIRN_INIT_POWERBTN_H
#define CAIRN_INIT_POWERBTN_H

#include <poll.h>

#include "power.h"

#define POWERBTN_MAX 4

struct powerbtn {
	int fd[POWERBTN_MAX];
	int n;
};

/* Open every input device whose name contains "Power Button".  Returns
 * how many were found (0 is not an error: VMs without ACPI have none). */
int powerbtn_open(struct powerbtn *b);

int powerbtn_pollfds(const struct powerbtn *b, struct pollfd *pfd);
enum power_action powerbtn_handle(struct powerbtn *b, const struct pollfd *pfd, int n);

#endif
