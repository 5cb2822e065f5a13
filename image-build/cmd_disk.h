/* cmd_disk.h - `cairn-image disk` (disk.c). */
#ifndef CAIRN_CMD_DISK_H
#define CAIRN_CMD_DISK_H

int cmd_disk(int argc, char **argv);

#endif
