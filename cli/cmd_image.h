/* cmd_image.h - cairnctl image import FILE (cmd_image.c). */
#ifndef CAIRN_CMD_IMAGE_H
#define CAIRN_CMD_IMAGE_H

/* Exit status: 0 done, 1 failed, 2 bad usage. */
int ctl_image_command(int nargs, char **args);

#endif
