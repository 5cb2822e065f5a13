/* shellsplit.c - shell-like word splitting without expansion. */
#include "shellsplit.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int cairn_shellsplit(const char *s, char ***out, struct cairn_err *e)
{
	size_t n = strlen(s);
	char **v = NULL;
	char *word;
	size_t i = 0;
	int ret;

	*out = NULL;
	/* No word is longer than the input, so one buffer serves them all. */
	word = malloc(n + 1);
	if (!word)
		return cairn_err_set(e, -ENOMEM, "out of memory");

	for (;;) {
		size_t w = 0;
		bool have = false;

		while (is_blank(s[i]))
			i++;
		if (!s[i])
			break;
		while (s[i] && !is_blank(s[i])) {
			size_t open = i;

			have = true;
			if (s[i] == '\'') {
				const char *end = strchr(s + i + 1, '\'');

				if (!end) {
					ret = cairn_err_set(e, -EINVAL, "unterminated single quote (opened at column %zu)", open + 1);
					goto fail;
				}
				memcpy(word + w, s + i + 1, (size_t)(end - (s + i + 1)));
				w += (size_t)(end - (s + i + 1));
				i = (size_t)(end - s) + 1;
			} else if (s[i] == '"') {
				i++;
				while (s[i] && s[i] != '"') {
					if (s[i] == '\\' && s[i + 1] && strchr("\"\\$`", s[i + 1]))
						i++;
					word[w++] = s[i++];
				}
				if (!s[i]) {
					ret = cairn_err_set(e, -EINVAL, "unterminated double quote (opened at column %zu)", open + 1);
					goto fail;
				}
				i++;
			} else if (s[i] == '\\') {
				if (!s[i + 1]) {
					ret = cairn_err_set(e, -EINVAL, "backslash at the end of the line (column %zu)", open + 1);
					goto fail;
				}
				word[w++] = s[i + 1];
				i += 2;
			} else {
				word[w++] = s[i++];
			}
		}
		if (have) {
			word[w] = '\0';
			if (cairn_strv_push_dup(&v, word) < 0) {
				ret = cairn_err_set(e, -ENOMEM, "out of memory");
				goto fail;
			}
		}
	}
	free(word);
	*out = v;
	return 0;
fail:
	free(word);
	cairn_strv_free(v);
	return ret;
}

void cairn_shellquote(FILE *f, const char *w)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_@%+=:,./-";

	if (*w && strspn(w, safe) == strlen(w)) {
		fputs(w, f);
		return;
	}
	fputc('\'', f);
	for (; *w; w++) {
		if (*w == '\'')
			fputs("'\\''", f);
		else
			fputc(*w, f);
	}
	fputc('\'', f);
}
