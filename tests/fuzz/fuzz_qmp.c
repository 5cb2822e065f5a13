/* fuzz_qmp.c - QMP lines from QEMU (qmp_parse): no crash, no overflow,
 * every field of a parsed message a terminated string. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "qmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cairn_err e;
	struct qmp_msg m;

	if (qmp_parse((const char *)data, size, &m, &e) == 0) {
		if (strlen(m.id) >= sizeof(m.id) || strlen(m.event) >= sizeof(m.event) ||
		    strlen(m.status) >= sizeof(m.status) || strlen(m.reason) >= sizeof(m.reason) ||
		    strlen(m.desc) >= sizeof(m.desc))
			__builtin_trap();
	}
	return 0;
}
