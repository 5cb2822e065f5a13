/* test_stick.c - the update stick's pieces that need no device: which
 * kernel uevents start a look, and the one-install-at-a-time claim shared
 * with API uploads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stick.h"
#include "update.h"

#define UEV(s) (s), sizeof(s) - 1

static void block_add_is_seen(void **state)
{
	(void)state;
	assert_true(stick_uevent_block_add(UEV("add@/devices/pci0000:00/virtio3/block/vdb\0"
		"ACTION=add\0DEVPATH=/devices/pci0000:00/virtio3/block/vdb\0SUBSYSTEM=block\0"
		"DEVNAME=vdb\0DEVTYPE=disk\0SEQNUM=1\0")));
	/* a partition, fields in another order */
	assert_true(stick_uevent_block_add(UEV("SUBSYSTEM=block\0DEVTYPE=partition\0ACTION=add\0")));
}

static void others_are_not(void **state)
{
	(void)state;
	assert_false(stick_uevent_block_add(UEV("remove@/x\0ACTION=remove\0SUBSYSTEM=block\0")));
	assert_false(stick_uevent_block_add(UEV("add@/x\0ACTION=add\0SUBSYSTEM=net\0")));
	assert_false(stick_uevent_block_add(UEV("ACTION=change\0SUBSYSTEM=block\0")));
	/* prefixes and longer values are not the field */
	assert_false(stick_uevent_block_add(UEV("ACTION=add\0SUBSYSTEM=blockx\0")));
	assert_false(stick_uevent_block_add(UEV("ACTION=addx\0SUBSYSTEM=block\0")));
	/* no terminating NUL: the last field still ends at the datagram's end */
	assert_true(stick_uevent_block_add(UEV("ACTION=add\0SUBSYSTEM=block")));
	assert_false(stick_uevent_block_add("", 0));
}

static void one_install_at_a_time(void **state)
{
	(void)state;
	assert_null(update_holder());
	assert_true(update_claim("a stick"));
	assert_false(update_claim("an upload"));
	assert_string_equal(update_holder(), "a stick");
	update_release();
	assert_null(update_holder());
	assert_true(update_claim("an upload"));
	update_release();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(block_add_is_seen),
		cmocka_unit_test(others_are_not),
		cmocka_unit_test(one_install_at_a_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
