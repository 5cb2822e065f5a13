/* cmd_keys.h - cairnctl's local key commands: keygen, sign, verify and
 * cert (create, fingerprint).  None of them talks to cairnd. */
#ifndef CAIRN_CMD_KEYS_H
#define CAIRN_CMD_KEYS_H

/* Run command cmd ("keygen", "sign", "verify" or "cert") with its own
 * arguments.  Returns the exit status: 0 done, 1 failed, 2 bad usage. */
int ctl_keys_command(const char *cmd, int nargs, char **args);

#endif
