/* power.h - what an orderly shutdown ends in. */
#ifndef CAIRN_INIT_POWER_H
#define CAIRN_INIT_POWER_H

enum power_action {
	POWER_NONE = 0,
	POWER_REBOOT,   /* reboot(RB_AUTOBOOT) */
	POWER_POWEROFF, /* reboot(RB_POWER_OFF) */
	POWER_HALT,     /* reboot(RB_HALT_SYSTEM) */
};

static inline const char *power_action_name(enum power_action a)
{
	switch (a) {
	case POWER_REBOOT: return "reboot";
	case POWER_POWEROFF: return "poweroff";
	case POWER_HALT: return "halt";
	default: return "none";
	}
}

#endif
