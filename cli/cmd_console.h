/* cmd_console.h - cairnctl console NAME: the interactive console of a VM
 * (or a container) through its socket, RUN/console/NAME.sock. */
#ifndef CAIRN_CMD_CONSOLE_H
#define CAIRN_CMD_CONSOLE_H

/* The Ctrl-] byte that detaches. */
#define CONSOLE_DETACH 0x1d

/* sock: cairnd's API socket; the console sockets are in its directory's
 * console/.  Exit status: 0 detached or closed, 1 failed, 2 bad usage. */
int ctl_console(const char *sock, int nargs, char **args);

#endif
