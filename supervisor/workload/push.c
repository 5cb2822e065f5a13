/* push.c - TEMPORARY stand-ins for config push and confirm.
 *
 * The signed-config store (verify, generation check, atomic store, apply,
 * provisional revert) replaces this whole file; until then the API routes
 * PUT /1.0/config and POST /1.0/config/confirm here and answers 501. */
#include <errno.h>

#include "instance.h"

int sup_push(struct supervisor *s, const char *conf, size_t conf_len,
	     const unsigned char *sig, size_t sig_len, unsigned try_seconds,
	     struct cairn_err *e)
{
	(void)s; (void)conf; (void)conf_len; (void)sig; (void)sig_len; (void)try_seconds;
	return cairn_err_set(e, -ENOSYS, "config push not implemented yet");
}

int sup_confirm(struct supervisor *s, struct cairn_err *e)
{
	(void)s;
	return cairn_err_set(e, -ENOSYS, "config confirm not implemented yet");
}
