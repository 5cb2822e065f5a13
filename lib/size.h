/* size.h - byte sizes as the config writes them: "4096", "512K", "1M",
 * "2G" (powers of 1024; k, m, g also accepted). */
#ifndef CAIRN_SIZE_H
#define CAIRN_SIZE_H

#include <stdint.h>

/* The accepted forms, for error messages. */
#define CAIRN_SIZE_FORMS "a size such as 65536, 512K, 1M or 1G (powers of 1024)"

/* Parse s into bytes.  0, or -EINVAL when s is not one of the forms or
 * overflows 64 bits. */
int cairn_size_parse(const char *s, uint64_t *bytes);

#endif
