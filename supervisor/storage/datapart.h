/* datapart.h - `cairnd --prepare-data`: make the data partition mountable.
 *
 * Run by cairn-init before it mounts /var, as a separate mode of cairnd
 * that exits before any supervision starts.  In order:
 *   1. find the partition by its GPT label (libblkid, PARTLABEL=)
 *   2. probe it (libblkid): anything but blank or ext4 is left alone,
 *      not even grown
 *   3. if it is the disk's last partition and the disk has room after it,
 *      grow it to the end (libfdisk; the backup GPT moves to the real end
 *      of an enlarged disk) and tell the kernel the new size (BLKPG)
 *   4. blank -> mkfs.ext4; an ext4 smaller than the partition ->
 *      e2fsck -f -p, resize2fs
 * Each step prints one line, "cairnd: data: ...", on stderr (the console). */
#ifndef CAIRN_DATAPART_H
#define CAIRN_DATAPART_H

#define DATAPART_LABEL_DEFAULT "cairn-data"

/* The whole mode: argv[0] is "--prepare-data", then [--label LABEL].
 * Returns the exit status: 0 when the partition holds an ext4 that fills
 * it (so /var can be mounted), 1 when it cannot be made so (the reason is
 * printed), 100 on bad usage. */
int datapart_main(int argc, char **argv);

#endif
