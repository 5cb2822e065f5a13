/* sup_int.h - the supervisor's insides, shared by supervisor.c (driving
 * the state machine), adopt.c (taking over from a previous cairnd) and
 * reload.c (applying a reconcile plan).  Not a contract. */
#ifndef CAIRN_SUP_INT_H
#define CAIRN_SUP_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "backoff.h"
#include "say.h"
#include "config.h"
#include "configstore.h"
#include "initlink.h"
#include "instance_sm.h"
#include "logfile.h"
#include "loop.h"
#include "supervisor.h"
#include "trial.h"

struct inst {
	struct supervisor *sup;
	struct cairn_service *svc;      /* owned copy of the definition */
	struct cairn_service *next_svc; /* reload changed it: use once stopped */
	void *kdata;                    /* the kind's run-time state (kind.h) */
	enum inst_state state;
	pid_t pid;                      /* 0: no process */
	int pidfd;
	bool adopted;                   /* not our child: exit via init's .exit */
	uint64_t starttime;             /* /proc stat field 22 of pid */
	int log_rd;                     /* read end of the log pipe, or -1 */
	struct logfile *log;
	struct loop_timer *timer;       /* backoff (STARTING) or stop timeout */
	struct loop_timer *exit_wait;   /* adopted exit, waiting for .exit */
	unsigned exit_tries;
	uint64_t next_delay;            /* backoff chosen at the last exit */
	struct backoff bo;
	unsigned restarts;
	int last_code, last_sig;
	uint64_t since_ms;              /* realtime */
	uint64_t run_start;             /* monotonic */
	bool pending_start;             /* start again once stopped (restart) */
	bool remove;                    /* forget once stopped (reload) */
	char reason[192];
	char log_path[4096];
};

struct supervisor {
	struct loop *loop;
	char *log_dir, *run_dir, *root;
	char *trust_dir, *seed_dir, *seed_label, *demo_path;
	char state_dir[4096], pids_dir[4096], init_sock[4096];
	struct cstore store;            /* /var/lib/cairn/config */
	struct cairn_config *config;    /* the one in force (NULL: none) */
	struct cfg_blob active;         /* its text and signature, as stored */
	bool trial_on;                  /* a provisional config is in force */
	struct trial trial;
	struct loop_timer *trial_timer;
	sup_applied_fn applied;
	void *applied_data;
	struct inst **insts;
	size_t n;
	struct initlink *il;
	uint64_t start_ms;
	bool kicking, kick_again;
	bool shutting_down;
	void (*done)(void *);
	void *done_data;
};

#define sup_msg cairnd_say   /* say.h: "cairnd: ..." on the console */
uint64_t sup_realtime_ms(void);

struct inst *sup_find(const struct supervisor *s, const char *name);
struct inst *sup_inst_new(struct supervisor *s, const struct cairn_service *svc);
void sup_inst_destroy(struct inst *i);

/* Step the table with ev and carry out the action; -EINVAL if refused. */
int sup_feed(struct inst *i, enum inst_event ev);
/* Re-evaluate dependencies, shutdown order, removals. */
void sup_kick(struct supervisor *s);
/* The process of i ended with (code, sig) (code -1, sig 0: unknown). */
void sup_exited(struct inst *i, int code, int sig);
void sup_save(struct inst *i);
int sup_watch_pid(struct inst *i);
int sup_attach_log(struct inst *i, int rd);
void sup_backoff_policy(const struct inst *i, struct backoff_policy *p);

void sup_arm_backoff(struct inst *i, uint64_t ms);

int sup_adopt_all(struct supervisor *s);

/* reload.c: make next (may be NULL: no config) the config in force and
 * reconcile the instances; takes next and the bytes in blob (may be NULL). */
void sup_apply(struct supervisor *s, struct cairn_config *next, struct cfg_blob *blob,
	       sup_change_cb cb, void *data);
/* The generation floor; an unreadable one counts as none, said once. */
void sup_floor(struct supervisor *s, bool *have, uint64_t *floor);

#endif
