/* config_deps.c - the after= graph: every name resolves, and no cycle.
 *
 * "a after b" is an edge a -> b (b starts first).  An iterative
 * depth-first search in file order finds the first cycle; it is reported
 * from the service where the search entered it, at the line of that
 * service's after= naming the next member, e.g. "a -> b -> a". */
#include "config_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

static long find(const struct cairn_config *c, const char *name)
{
	for (size_t i = 0; i < c->n_services; i++)
		if (strcmp(c->services[i].name, name) == 0)
			return (long)i;
	return -1;
}

struct frame {
	size_t node, edge;   /* next edge of node to follow */
};

static int report_cycle(const struct cairn_config *c, int *const *after_lines,
			const struct frame *stack, size_t depth, size_t from, struct cairn_err *e)
{
	char msg[sizeof(e->msg)];
	size_t n = 0, first = 0;

	while (stack[first].node != from)
		first++;
	msg[0] = '\0';
	for (size_t i = first; i < depth && n < sizeof(msg); i++)
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s -> ", c->services[stack[i].node].name);
	if (n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, "%s", c->services[from].name);
	return cairn_config_error(e, -EINVAL, c->path, after_lines[from][stack[first].edge - 1],
				  "dependency cycle: %s", msg);
}

int cairn_config_check_deps(const struct cairn_config *c, int *const *after_lines,
			    struct cairn_err *e)
{
	enum { WHITE, GREY, BLACK };
	size_t n = c->n_services;
	unsigned char *color;
	long **to;            /* to[i][j]: index of services[i].after[j] */
	struct frame *stack;
	int ret = 0;

	color = calloc(n + 1, 1);
	to = calloc(n + 1, sizeof(*to));
	stack = calloc(n + 1, sizeof(*stack));
	if (!color || !to || !stack) {
		ret = cairn_config_error(e, -ENOMEM, c->path, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && !ret; i++) {
		const struct cairn_service *s = &c->services[i];
		size_t m = cairn_strv_len(s->after);

		to[i] = calloc(m + 1, sizeof(**to));
		if (!to[i]) {
			ret = cairn_config_error(e, -ENOMEM, c->path, s->line, "out of memory");
			break;
		}
		for (size_t j = 0; j < m; j++) {
			to[i][j] = find(c, s->after[j]);
			if (to[i][j] < 0) {
				ret = cairn_config_error(e, -EINVAL, c->path, after_lines[i][j],
							 "'after' in [service %s] names unknown service '%s'",
							 s->name, s->after[j]);
				break;
			}
		}
	}

	for (size_t root = 0; root < n && !ret; root++) {
		size_t depth = 0;

		if (color[root] != WHITE)
			continue;
		stack[depth++] = (struct frame){ root, 0 };
		color[root] = GREY;
		while (depth && !ret) {
			struct frame *f = &stack[depth - 1];
			const struct cairn_service *s = &c->services[f->node];
			size_t next;

			if (!s->after || !s->after[f->edge]) {
				color[f->node] = BLACK;
				depth--;
				continue;
			}
			next = (size_t)to[f->node][f->edge++];
			if (color[next] == GREY)
				ret = report_cycle(c, after_lines, stack, depth, next, e);
			else if (color[next] == WHITE) {
				color[next] = GREY;
				stack[depth++] = (struct frame){ next, 0 };
			}
		}
	}
out:
	for (size_t i = 0; to && i < n; i++)
		free(to[i]);
	free(to);
	free(color);
	free(stack);
	return ret;
}
