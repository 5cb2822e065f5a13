/* test_reconcile.c - the reload plan from old definitions and a new config. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "reconcile.h"

#define SVC(n, c) { .name = (char *)(n), .canon = (char *)(c) }

static const struct rec_item *find(const struct rec_plan *p, const char *name)
{
	for (size_t k = 0; k < p->n; k++)
		if (!strcmp(p->items[k].name, name))
			return &p->items[k];
	return NULL;
}

static void four_kinds(void **state)
{
	struct cairn_service olds[] = {
		SVC("keep", "exec=/bin/a\n"), SVC("change", "exec=/bin/b\n"),
		SVC("gone", "exec=/bin/c\n"),
	};
	const struct cairn_service *old[] = { &olds[0], &olds[1], &olds[2] };
	struct cairn_service news[] = {
		SVC("new", "exec=/bin/d\n"), SVC("keep", "exec=/bin/a\n"),
		SVC("change", "exec=/bin/b --flag\n"),
	};
	struct cairn_config next = { .services = news, .n_services = 3 };
	struct rec_plan p;

	assert_int_equal(reconcile_plan(old, 3, &next, &p, NULL), 0);
	assert_int_equal(p.n, 4);
	assert_int_equal(find(&p, "keep")->what, REC_UNCHANGED);
	assert_int_equal(find(&p, "change")->what, REC_CHANGED);
	assert_ptr_equal(find(&p, "change")->new_svc, &news[2]);
	assert_ptr_equal(find(&p, "change")->old_svc, &olds[1]);
	assert_int_equal(find(&p, "new")->what, REC_ADDED);
	assert_null(find(&p, "new")->old_svc);
	assert_int_equal(find(&p, "gone")->what, REC_REMOVED);
	assert_null(find(&p, "gone")->new_svc);
	assert_string_equal(p.items[3].name, "gone"); /* removed come last */
	reconcile_plan_free(&p);
	assert_int_equal(p.n, 0);
}

static void empty_sides(void **state)
{
	struct cairn_service news[] = { SVC("a", "x") };
	struct cairn_config next = { .services = news, .n_services = 1 };
	struct cairn_config none = { 0 };
	const struct cairn_service *old[] = { &news[0] };
	struct rec_plan p;

	assert_int_equal(reconcile_plan(NULL, 0, &next, &p, NULL), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.items[0].what, REC_ADDED);
	reconcile_plan_free(&p);
	assert_int_equal(reconcile_plan(old, 1, &none, &p, NULL), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.items[0].what, REC_REMOVED);
	reconcile_plan_free(&p);
}

static void missing_canon_counts_as_changed(void **state)
{
	struct cairn_service olds[] = { SVC("a", NULL) };
	struct cairn_service news[] = { SVC("a", NULL) };
	const struct cairn_service *old[] = { &olds[0] };
	struct cairn_config next = { .services = news, .n_services = 1 };
	struct rec_plan p;

	assert_int_equal(reconcile_plan(old, 1, &next, &p, NULL), 0);
	assert_int_equal(p.items[0].what, REC_CHANGED);
	reconcile_plan_free(&p);
}

static int verify_calls;

static int refuse(const char *path, void *data, struct cairn_err *e)
{
	verify_calls++;
	return cairn_err_set(e, -1, "%s: signature does not verify", path);
}

static void verify_hook_runs_first(void **state)
{
	struct cairn_config *c = NULL;
	struct cairn_err e = { "" };

	assert_true(reconcile_load("/nonexistent.conf", "/", refuse, NULL, &c, &e) < 0);
	assert_int_equal(verify_calls, 1);
	assert_null(c);
	assert_string_equal(e.msg, "/nonexistent.conf: signature does not verify");
}

static void names(void **state)
{
	assert_string_equal(reconcile_what_name(REC_UNCHANGED), "unchanged");
	assert_string_equal(reconcile_what_name(REC_CHANGED), "changed");
	assert_string_equal(reconcile_what_name(REC_ADDED), "added");
	assert_string_equal(reconcile_what_name(REC_REMOVED), "removed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(four_kinds),
		cmocka_unit_test(empty_sides),
		cmocka_unit_test(missing_canon_counts_as_changed),
		cmocka_unit_test(verify_hook_runs_first),
		cmocka_unit_test(names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
